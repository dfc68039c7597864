"""``python -m grading``: grade a folder of submissions (see ``grading/README.md``)."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .course import Course, CourseError, copy_sqlite
from .runner import Options, grade, probe_sandbox, sandbox_settings, describe_containment

UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


def size(text: str) -> int:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)i?B?\s*", text, re.IGNORECASE)
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 2G, 512M)")
    return int(float(match.group(1)) * UNITS[match.group(2).upper()])


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m grading",
        description="Autograde a folder of nbgrader submissions: seeded, sandboxed, in parallel, "
                    "with feedback that never shows hidden tests.")
    p.add_argument("--course", required=True, type=Path, help="nbgrader course root (has nbgrader_config.py)")
    p.add_argument("--assignment", help="assignment id, as in the gradebook (required to grade)")
    p.add_argument("--submissions", type=Path,
                   help="folder with one sub-folder per student (default: the course's submitted/)")
    p.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1), help="parallel workers (default 2)")
    p.add_argument("--cell-timeout", type=int, help="seconds per cell (default: the course's Execute.timeout, else 60)")
    p.add_argument("--submission-timeout", type=int,
                   help="seconds per submission (default: every cell's limit + slack)")
    p.add_argument("--memory", type=size, default=size("3G"),
                   help="resident memory of a kernel and its processes (default 3G)")
    p.add_argument("--address-space", type=size, help="address-space limit per kernel (default max(8G, 4 x memory))")
    p.add_argument("--max-output", type=size, default=size("1M"), help="output kept per cell (default 1M)")
    p.add_argument("--seed", type=int, default=0, help="base seed; each student's seed derives from it (default 0)")
    p.add_argument("--sandbox", choices=["auto", "require", "off"], default="auto",
                   help="auto: contain as far as this machine allows (default); require: refuse to grade "
                        "without namespaces; off: no sandbox (limits still apply)")
    p.add_argument("--hide", type=Path, action="append", default=[], help="another path kernels must not see")
    p.add_argument("--visible", type=Path, action="append", default=[],
                   help="a path under a hidden one that kernels need (read-only), e.g. a data cache")
    p.add_argument("--pass-env", action="append", default=[], metavar="PATTERN",
                   help="environment variables (glob) passed to kernels besides the safe defaults")
    p.add_argument("--run-dir", type=Path, help="where to keep this run's files (default: a new temp folder)")
    p.add_argument("--no-feedback", action="store_true", help="do not write feedback HTML")
    p.add_argument("--no-integrity-checks", action="store_true", help="skip the tamper check before test cells")
    p.add_argument("--report", type=Path, help="also write the JSON report here")
    p.add_argument("--compare-nbgrader", action="store_true",
                   help="afterwards, time plain `nbgrader autograde` on a scratch copy with the same submissions")
    p.add_argument("--check-sandbox", action="store_true", help="only report what the sandbox can do here")
    return p


def options_from(args: argparse.Namespace) -> Options:
    return Options(course=args.course, assignment=args.assignment, submissions=args.submissions,
                   workers=args.workers, cell_timeout=args.cell_timeout,
                   submission_timeout=args.submission_timeout, memory_bytes=args.memory,
                   address_space_bytes=args.address_space, max_output_bytes=args.max_output, seed=args.seed,
                   sandbox=args.sandbox, hide=args.hide, visible=args.visible, env_keep=args.pass_env,
                   run_dir=args.run_dir, feedback=not args.no_feedback,
                   integrity_checks=not args.no_integrity_checks)


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
        command = [sys.executable, "-m", "nbgrader", "autograde", assignment, "--force",
                   f"--CourseDirectory.root={scratch}", f"--CourseDirectory.db_url=sqlite:///{scratch}/gradebook.db",
                   f"--Execute.timeout={cell_timeout}"]
        start = time.monotonic()
        result = subprocess.run(command, cwd=scratch, capture_output=True, text=True)
        seconds = time.monotonic() - start
        return {"seconds": round(seconds, 2), "exit": result.returncode, "submissions": len(students),
                "log_tail": result.stderr[-2000:]}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def print_report(report: dict) -> None:
    c = report["containment"]
    print(f"\nassignment {report['assignment']}: {len(report['students'])} submissions, "
          f"{report['workers']} workers, grading {report['grading_seconds']} s, total {report['total_seconds']} s")
    print(f"containment: files: {c['filesystem']}\n             network: {c['network']}\n"
          f"             processes: {c['processes']}\n             kernel user: {c['user']}")
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
            run_dir = Path(tempfile.mkdtemp(prefix="grading-check-"))
            os.chmod(run_dir, 0o711)
            status = probe_sandbox(sandbox_settings(options, course, run_dir), run_dir)
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
        print(f"\nplain `nbgrader autograde` on the same {p['submissions']} submissions: {p['seconds']} s "
              f"(exit {p['exit']}); this grader: {report['grading_seconds']} s "
              f"-> speed-up {report['speedup']}x")
    if args.report:
        args.report.write_text(json.dumps(report, indent=2))
    print(f"\nreport: {Path(report['run_dir']) / 'report.json'}")
    return 1 if any(s["status"] == "failed" for s in report["students"]) else 0
