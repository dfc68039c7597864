"""``python -m grading``: grade a folder of submissions (see ``grading/README.md``).

The options are the traits of ``grading.config.Grader`` (``--help-all`` lists them).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from traitlets import TraitError

from .config import Grader
from .course import CourseError
from .runner import Interrupted, describe_containment, grade, probe_sandbox, sandbox_policy


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
    except Interrupted as exc:
        print(str(exc), file=sys.stderr)
        return exc.exit_status
    except OSError as exc:
        if exc.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EROFS):
            raise  # not the machine's disk or permissions: a fault of the grader, with its traceback
        where = exc.filename if exc.filename2 is None else f"{exc.filename} -> {exc.filename2}"
        print(
            f"error: {exc.strerror}: {where}; what was recorded stays recorded: once this is "
            "put right, the same command with the run folder named above (--run-dir) goes on from there",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:  # pressed twice, or before grading began
        print("stopped at once; the same command with the same --run-dir goes on from there", file=sys.stderr)
        return 130
    print_report(report)
    if settings.report:
        Path(settings.report).write_text(json.dumps(report, indent=2))
    print(f"\nreport: {Path(report['run_dir']) / 'report.json'}")
    return 1 if any(s["status"] == "failed" for s in report["students"]) else 0
