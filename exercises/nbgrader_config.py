"""nbgrader configuration of the course's exercises (one assignment per chapter).

Run every nbgrader command from this directory (``cd exercises``); see
``exercises/README.md`` for the instructor's workflow. Kept deliberately small:
stricter grading (sandboxing, parallel runs) is layered on top of it, not in it.
"""

from pathlib import Path

c = get_config()  # noqa: F821 -- provided by nbgrader when it loads this file

# The course: its id, and this directory as the course root (source/, release/,
# submitted/, autograded/, feedback/). The gradebook is ``gradebook.db`` here; it
# holds students' grades and is never committed (see .gitignore).
c.CourseDirectory.course_id = "bdls"
c.CourseDirectory.root = str(Path(__file__).resolve().parent)

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
QUIET_KERNEL = ("import logging, os, warnings; os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2'); "
                "warnings.simplefilter('ignore'); logging.getLogger('tensorflow').setLevel(logging.ERROR)")
c.Execute.extra_arguments = ["--InteractiveShell.xmode=Plain", f"--IPKernelApp.exec_lines={QUIET_KERNEL}"]

# Keep the student's printed output in feedback readable.
c.LimitOutput.max_lines = 200
c.LimitOutput.max_traceback = 50

# Feedback is shown to students: it must not reveal the hidden tests. nbgrader's
# default feedback copies every test cell from the gradebook, hidden tests included;
# ClearHiddenTests removes them again (tracebacks of failed hidden tests still show
# the failing line, so hidden assertions carry no answer in their messages).
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import ClearHiddenTests, GetGrades  # noqa: E402

c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, CSSHTMLHeaderPreprocessor]
