"""A grading worker: ``python -m grading.worker`` reads one job per line (JSON) on
stdin and answers one result per line on stdout.

Each job is autograded by nbgrader's own ``Autograde`` converter, in a private
course made for that one student: a copy of the assignment's definitions
(the template gradebook, no other student in it), the instructor's non-notebook
source files, and the prepared submission. nbgrader's ``Execute`` is replaced by
``grading.kernel.SafeExecute``, which starts the kernel in the sandbox. The
real gradebook is never opened here: the parent merges results serially.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import traceback
from pathlib import Path

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader


def _class_name(item) -> str:
    return item if isinstance(item, str) else f"{item.__module__}.{item.__name__}"


def build_config(job: dict, course_root: Path) -> Config:
    config = Config()
    if job.get("config_file"):
        path = Path(job["config_file"])
        config.merge(PyFileConfigLoader(path.name, path=str(path.parent)).load_config())
    from nbgrader.converters import Autograde

    from .kernel import SafeExecute

    preprocessors = list(config.Autograde.get("autograde_preprocessors", Autograde.autograde_preprocessors.default()))
    replaced = []
    for item in preprocessors:
        name = _class_name(item)
        replaced.append(SafeExecute if name.endswith(".Execute") or name == "Execute" else item)
    if SafeExecute not in replaced:
        replaced.insert(0, SafeExecute)
    config.Autograde.autograde_preprocessors = replaced
    config.CourseDirectory.root = str(course_root)
    config.CourseDirectory.db_url = f"sqlite:///{course_root / 'gradebook.db'}"
    config.CourseDirectory.assignment_id = job["assignment"]
    config.CourseDirectory.student_id = job["student"]
    config.OverwriteCells.add_missing_cells = False  # the intake restored missing cells already
    limits = job["limits"]
    config.SafeExecute.timeout = limits["cell_timeout"]
    config.SafeExecute.max_output_bytes = limits["max_output_bytes"]
    config.SafeExecute.events_file = job["events_file"]
    config.SafeExecute.integrity_checks = limits.get("integrity_checks", True)
    config.SandboxKernelManager.sandbox = job["sandbox"]
    config.SandboxKernelManager.seed = job["seed"]
    config.SandboxKernelManager.work_root = job["kernel_root"]
    config.SandboxKernelManager.events_file = job["events_file"]
    return config


def grade(job: dict) -> dict:
    from nbgrader.converters import Autograde
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.utils import capture_log

    from .course import nbgrader_session_warnings_quiet

    job_dir = Path(job["job_dir"])
    course_root = job_dir / "course"
    course_root.mkdir(parents=True, mode=0o700)  # holds the hidden tests: the grader's user only
    Path(job["kernel_root"]).mkdir(parents=True, exist_ok=True)
    os.chmod(job["kernel_root"], 0o711)  # a kernel running as nobody reaches its own folder only
    shutil.copy(job["template_db"], course_root / "gradebook.db")
    config = build_config(job, course_root)
    coursedir = CourseDirectory(config=config)
    assignment, student = job["assignment"], job["student"]
    source = Path(coursedir.format_path(coursedir.source_directory, ".", assignment))
    source.mkdir(parents=True)
    for name, original in job.get("source_files", {}).items():
        target = source / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(original, target)
    submitted = Path(coursedir.format_path(coursedir.submitted_directory, student, assignment))
    shutil.copytree(job["prepared"], submitted)
    if job.get("timestamp"):
        (submitted / "timestamp.txt").write_text(job["timestamp"])
    app = Autograde(coursedir=coursedir, config=config)
    app.force = True
    app.create_student = True
    with nbgrader_session_warnings_quiet():
        result = capture_log(app)
    autograded = Path(coursedir.format_path(coursedir.autograded_directory, student, assignment))
    notebooks = sorted(str(p) for p in autograded.glob("*.ipynb")) if autograded.is_dir() else []
    return {
        "student": student,
        "ok": bool(result.get("success")) and bool(notebooks),
        "notebooks": notebooks,
        "log": result.get("log", "")[-20000:],
        "error": result.get("error", "")[-5000:],
    }


def main() -> int:
    import signal

    from .sandbox import die_with_parent

    # Killed with the grader (even by SIGKILL); the kernels' supervisors then end their kernels.
    if not die_with_parent(signal.SIGKILL, int(os.environ["GRADING_PARENT_PID"])):
        return 1
    out = sys.stdout
    sys.stdout = sys.stderr  # anything printed by libraries goes to stderr, not into the protocol
    for line in sys.stdin:
        if not line.strip():
            continue
        job = json.loads(line)
        try:
            result = grade(job)
        except Exception:  # noqa: BLE001 - report, keep serving
            result = {
                "student": job.get("student"),
                "ok": False,
                "notebooks": [],
                "log": "",
                "error": traceback.format_exc()[-5000:],
            }
        out.write(json.dumps(result) + "\n")
        out.flush()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
