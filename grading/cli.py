"""``python -m grading``: grade a folder of submissions (see ``grading/README.md``).

Every option except the paths can also be set in the course's ``nbgrader_config.py``
as ``c.Grader.<name>`` (``grading.config.Grader``); a flag given here overrides it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import traitlets

from . import config
from .course import Course, CourseError, copy_sqlite
from .runner import Options, describe_containment, grade, probe_sandbox, resolve_options, sandbox_policy


def size(text: str) -> int:
    try:
        return config.size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _flag(trait: str) -> str:
    """Help text of an option: the trait's own help (defaults included) and its config name."""
    spec = config.Grader.class_traits()[trait]
    default = f" Default: {spec.default()}." if spec.default() not in (0, "", []) else ""
    repeat = " Repeat the flag for more." if isinstance(spec, traitlets.List) else ""
    return f"{spec.help}{default}{repeat} [c.Grader.{trait}]"


#: ``Options`` field of each ``c.Grader`` trait whose name differs from the trait's
OPTION_FIELD = {
    "memory": "memory_bytes",
    "address_space": "address_space_bytes",
    "max_output": "max_output_bytes",
    "pass_env": "env_keep",
}
PATH_TRAITS = {"hide", "visible"}  # lists of paths


def _flag_kind(trait: str, spec) -> dict:
    """argparse's keywords for the flag of a ``c.Grader`` trait: typed after the trait."""
    if isinstance(spec, traitlets.Bool):
        return {"action": argparse.BooleanOptionalAction}
    if isinstance(spec, traitlets.Enum):
        return {"choices": list(spec.values)}
    if isinstance(spec, traitlets.List):
        if trait in PATH_TRAITS:
            return {"action": "append", "type": Path, "metavar": "PATH"}
        return {"action": "append", "metavar": "PATTERN"}
    if isinstance(spec, traitlets.Integer):
        return {"type": int, "metavar": "N"}
    return {"type": size, "metavar": "SIZE"}  # the Unicode traits are sizes (3G, 1M)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m grading",
        description="Autograde a folder of nbgrader submissions: seeded, sandboxed, in parallel, "
        "with feedback that never shows hidden tests. Options not given here come from "
        "c.Grader in the course's nbgrader_config.py.",
    )
    p.add_argument("--course", required=True, type=Path, help="nbgrader course root (has nbgrader_config.py)")
    p.add_argument("--assignment", help="assignment id, as in the gradebook (required to grade)")
    p.add_argument(
        "--submissions", type=Path, help="folder with one sub-folder per student (default: the course's submitted/)"
    )
    for trait, spec in config.Grader.class_traits(config=True).items():
        p.add_argument("--" + trait.replace("_", "-"), help=_flag(trait), **_flag_kind(trait, spec))
    p.add_argument("--run-dir", type=Path, help="where to keep this run's files (default: a new temp folder)")
    p.add_argument("--report", type=Path, help="also write the JSON report here")
    p.add_argument(
        "--compare-nbgrader",
        action="store_true",
        help="afterwards, time plain `nbgrader autograde` on a scratch copy with the same submissions",
    )
    p.add_argument("--check-sandbox", action="store_true", help="only report what the sandbox can do here")
    return p


def options_from(args: argparse.Namespace) -> Options:
    """The run's options as given on the command line (``None``: from ``c.Grader``)."""
    configurable = {
        OPTION_FIELD.get(trait, trait): getattr(args, trait) for trait in config.Grader.class_traits(config=True)
    }
    return Options(
        course=args.course,
        assignment=args.assignment,
        submissions=args.submissions,
        run_dir=args.run_dir,
        **configurable,
    )


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
        f"containment: files: {c['filesystem']}\n             network: {c['network']}\n"
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
    arguments = parser()
    args = arguments.parse_args(argv)
    if not args.assignment and not args.check_sandbox:
        arguments.error("--assignment is required")
    options = options_from(args)
    try:
        if args.check_sandbox:
            course = Course(options.course)
            options = resolve_options(options, course)
            run_dir = Path(tempfile.mkdtemp(prefix="grading-check-"))
            os.chmod(run_dir, 0o711)
            status = probe_sandbox(sandbox_policy(options, course, run_dir), run_dir)
            shutil.rmtree(run_dir, ignore_errors=True)
            print(json.dumps(describe_containment(status), indent=2))
            return 0
        report = grade(options, log=lambda message: print(message, file=sys.stderr))
    except CourseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.compare_nbgrader:
        course = Course(options.course)
        plain = plain_nbgrader(course, options.assignment, report, report["cell_timeout"])
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
    if args.report:
        args.report.write_text(json.dumps(report, indent=2))
    print(f"\nreport: {Path(report['run_dir']) / 'report.json'}")
    return 1 if any(s["status"] == "failed" for s in report["students"]) else 0
