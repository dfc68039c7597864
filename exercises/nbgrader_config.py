"""nbgrader configuration of the course's exercises (one assignment per chapter).

Run every nbgrader command from this directory (``cd exercises``); see
``exercises/README.md`` for the instructor's workflow. This file is the one
configuration of the course: nbgrader's own apps and the course's grader
(``python -m grading``, section ``c.Grader`` below; see ``instructors/grading.md``)
both read it, and the grader takes the hidden-test and solution markers from
``ClearHiddenTests`` / ``ClearSolutions`` here (nbgrader's defaults, as nothing
below changes them).
"""

import os
from pathlib import Path

c = get_config()  # noqa: F821 -- provided by nbgrader when it loads this file

# The course: its id, and this directory as the course root (source/, release/,
# submitted/, autograded/, feedback/). The gradebook is ``gradebook.db`` here; it
# holds students' grades and is never committed (see .gitignore).
c.CourseDirectory.course_id = "bdls"
c.CourseDirectory.root = str(Path(__file__).resolve().parent)
# Each source notebook is paired with a jupytext text source (source/<id>/<id>.py, the reviewed
# file, solutions and hidden tests included): never copy it into a release or a submission.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.py"]

# nbgrader kills a cell after 30 s by default. The setup cell imports TensorFlow
# and the training tasks fit small models; 300 s leaves room for a slow laptop
# (each test cell is designed to run in under 30 s on 2 CPU cores).
c.Execute.timeout = 300
# A kernel that starts slowly (TensorFlow on a loaded machine) is not a failure.
c.Execute.startup_timeout = 120

# Two settings of the grading kernel (students' own Jupyter is unaffected):
# * nbgrader scores a test cell 0 as soon as it writes anything to stderr, and Keras and
#   TensorFlow print warnings and log lines there that say nothing about the answer (a
#   Keras UserWarning raised by a student's model inside a test cell would cost the
#   points). The kernel therefore starts with Python warnings and TensorFlow's log
#   messages switched off, before the notebook imports TensorFlow.
# * Tracebacks in plain mode show the failing line of each frame but not the lines around
#   it, so a failed hidden test does not print its neighbouring hidden lines into the
#   feedback (IPython's default "Context" mode would).
QUIET_KERNEL = (
    "import logging, os, warnings; os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2'); "
    "warnings.simplefilter('ignore'); logging.getLogger('tensorflow').setLevel(logging.ERROR)"
)
c.Execute.extra_arguments = ["--InteractiveShell.xmode=Plain", f"--IPKernelApp.exec_lines={QUIET_KERNEL}"]

# Keep the student's printed output in feedback readable.
c.LimitOutput.max_lines = 200
c.LimitOutput.max_traceback = 50

# Feedback is shown to students: it must not reveal the hidden tests. nbgrader's default
# feedback copies every test cell from the gradebook, hidden tests included, and the
# tracebacks of failed hidden tests print their failing lines. The grader's sanitizer
# (grading/feedback.py) runs inside plain `nbgrader generate_feedback` too: a test cell keeps
# its visible part, a failure shows only its message, the course's set-up cells lose
# TensorFlow's start-up lines; a written answer not graded yet says so instead of "0".
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import ClearHiddenTests, GetGrades  # noqa: E402

from grading.feedback import PendingManualGrades, SanitizeFeedback  # noqa: E402

c.GenerateFeedback.preprocessors = [
    GetGrades,
    SanitizeFeedback,
    PendingManualGrades,
    ClearHiddenTests,
    CSSHTMLHeaderPreprocessor,
]

# The grader, ``python -m grading`` (every option; a command-line flag overrides the value here).
c.Grader.workers = 2  # submissions graded at once; each kernel trains on every core
c.Grader.memory = "3G"  # per kernel and the processes it starts (proportional set size);
# 02_imdb's solution peaks near 1.4 GiB resident, 1.0 GiB PSS
c.Grader.address_space = ""  # RLIMIT_AS per process; empty: max(8G, 4 x memory)
c.Grader.cell_timeout = 0  # 0: Execute.timeout above
c.Grader.submission_timeout = 0  # 0: every code cell's limit plus slack, at least 300 s
c.Grader.max_output = "1M"  # output kept per cell
c.Grader.seed = 0  # base of each student's seed
c.Grader.sandbox = "auto"  # "require" refuses to grade on a machine without namespaces
c.Grader.feedback = True
c.Grader.integrity_checks = True
c.Grader.hide = []  # more paths kernels must not see
# The book's own variables reach the kernels (the grader knows nothing of the book): the compute
# profile and offline mode (BDLS_PROFILE, BDLS_OFFLINE) and the data cache (BDLS_DATA_DIR).
c.Grader.pass_env = ["BDLS_*"]  # glob patterns; PATH, locale, TF_*, thread settings... pass already
# The book's data cache (lib.sources): kernels read it, read-only, when BDLS_DATA_DIR names one;
# the grader stops before grading if the kernels' user (nobody, when grading as root) cannot read it.
# Without BDLS_DATA_DIR each kernel starts with an empty cache in a home of its own.
c.Grader.visible = [os.environ["BDLS_DATA_DIR"]] if os.environ.get("BDLS_DATA_DIR") else []
