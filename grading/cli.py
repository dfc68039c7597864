"""``python -m grading``: grade a folder of submissions (see ``grading/README.md``).

The options are the traits of ``grading.config.Grader`` (``--help-all`` lists them).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from traitlets import TraitError

from .config import Grader
from .course import Course, CourseError, copy_sqlite
from .runner import describe_containment, grade, probe_sandbox, sandbox_policy


def plain_nbgrader(course: Course, assignment: str, report: dict, cell_timeout: int) -> dict:
    """Time ``nbgrader autograde`` on a scratch copy of the course with the graded submissions."""
    scratch = Path(tempfile.mkdtemp(prefix="plain-nbgrader-"))
    try:
        if course.config_file.exists():
            shutil.copy(course.config_file, scratch / "nbgrader_config.py")
        shutil.copytree(course.source_dir(assignment), scratch / "source" / assignment)
        copy_sqlite(course.gradebook_path, scratch / "gradebook.db")
        run_dir = Path(report["run_dir"])
        students = [s["student"] for s in report["students"] if s["status"] in ("graded", "failed")]
        for student in students:
            shutil.copytree(run_dir / "originals" / student, scratch / "submitted" / student / assignment)
        command = [
            sys.executable,
            "-m",
            "nbgrader",
            "autograde",
            assignment,
            "--force",
            f"--CourseDirectory.root={scratch}",
            f"--CourseDirectory.db_url=sqlite:///{scratch}/gradebook.db",
            f"--Execute.timeout={cell_timeout}",
        ]
        start = time.monotonic()
        result = subprocess.run(command, cwd=scratch, capture_output=True, text=True)
        seconds = time.monotonic() - start
        return {
            "seconds": round(seconds, 2),
            "exit": result.returncode,
            "submissions": len(students),
            "log_tail": result.stderr[-2000:],
        }
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def print_report(report: dict) -> None:
    c = report["containment"]
    print(
        f"\nassignment {report['assignment']}: {len(report['students'])} submissions, "
        f"{report['workers']} workers, grading {report['grading_seconds']} s, total {report['total_seconds']} s"
    )
    print(
        f"containment: {c['mechanism']}\n             files: {c['filesystem']}\n             network: {c['network']}\n"
        f"             processes: {c['processes']}\n             kernel user: {c['user']}"
    )
    for warning in c["warnings"]:
        print(f"  warning: {warning}")
    for problem in report["problems"]:
        print(f"PROBLEM: {problem}")
    for note in report["notes"]:
        print(f"note: {note}")
    for s in report["students"]:
        if s["status"] == "graded":
            head = f"{s['score']:g}/{s['max_score']:g}"
            if s.get("needs_manual_grade"):
                head += " (needs manual grading)"
        else:
            head = s["status"].upper()
        print(f"- {s['student']}: {head}")
        for t in s.get("tests", []):
            if t["status"] != "passed":
                print(f"    {t['id']}: {t['status']} {t['message']}")
        for m in s.get("messages", []):
            print(f"    * {m}")


def main(argv: list[str] | None = None) -> int:
    settings = Grader()
    try:
        course = settings.initialize(argv)
        if settings.check_sandbox:
            run_dir = Path(tempfile.mkdtemp(prefix="grading-check-"))
            os.chmod(run_dir, 0o711)
            _, status = probe_sandbox(sandbox_policy(settings, course, run_dir, None), run_dir)
            shutil.rmtree(run_dir, ignore_errors=True)
            print(json.dumps(describe_containment(status), indent=2))
            return 0
        if not settings.assignment:
            raise TraitError("--assignment is required")
        report = grade(
            settings,
            log=lambda message: print(message, file=sys.stderr),
            progress_bar=sys.stderr if sys.stderr.isatty() else None,
        )
    except (CourseError, TraitError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if settings.compare_nbgrader:
        plain = plain_nbgrader(course, settings.assignment, report, report["cell_timeout"])
        report["plain_nbgrader"] = plain
        report["speedup"] = round(plain["seconds"] / max(report["grading_seconds"], 1e-9), 2)
    print_report(report)
    if "plain_nbgrader" in report:
        p = report["plain_nbgrader"]
        print(
            f"\nplain `nbgrader autograde` on the same {p['submissions']} submissions: {p['seconds']} s "
            f"(exit {p['exit']}); this grader: {report['grading_seconds']} s "
            f"-> speed-up {report['speedup']}x"
        )
    if settings.report:
        Path(settings.report).write_text(json.dumps(report, indent=2))
    print(f"\nreport: {Path(report['run_dir']) / 'report.json'}")
    return 1 if any(s["status"] == "failed" for s in report["students"]) else 0
