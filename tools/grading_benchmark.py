"""How fast ``python -m grading`` grades a batch, next to plain ``nbgrader autograde``.

    python tools/grading_benchmark.py [-n 200] [--assignment 01_mnist] [--workers 2] [--no-nbgrader]

Builds N submissions of one assignment in a scratch copy of the course (``BDLS_PROFILE=smoke``,
offline), from the same helpers as the round trips of ``tests/test_exercises.py``: the
instructor's solution and the honest alternatives of ``tests/submissions/<id>.py``, its plausible
wrong answer, broken ones (a syntax error, an answer that raises), hostile ones (its gaming
submissions, the always-equal cheater) and the untouched release, in turn. Then it grades them
with ``python -m grading`` and, on a second copy with the same submissions, with plain
``nbgrader autograde`` (no sandbox), and prints the wall time, submissions per minute, the peak
memory of each whole process tree (sum of proportional set sizes, sampled every 0.5 s) and the
ratio. It is a measurement, not a test: the figures go into ``grading/README.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("BDLS_PROFILE", "smoke")
os.environ.setdefault("BDLS_OFFLINE", "1")
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import exercise_helpers as ex  # noqa: E402 - the tests' helpers, found through the path above
from grading_fixtures import grader_command  # noqa: E402

from grading.sandbox import memory_of, process_tree  # noqa: E402

BROKEN = {"syntax": "def broken(:\n    pass\n", "raises": "raise RuntimeError('this answer raises')\n"}


def batch(assignment: str, count: int) -> dict[str, object]:
    """student id -> notebook: ``count`` submissions, the kinds in turn."""
    notebooks = ex.round_trip_submissions(assignment)
    released = ex.read(ex.notebook_path(ex.COURSE / "release", assignment))
    first_answer = next(
        k for k, c in ex.nbgrader_cells(released).items() if ex.is_solution(c) and c.cell_type == "code"
    )
    solution = ex.solution_answers(ex.read(ex.notebook_path(ex.COURSE / "source", assignment)))
    kinds = {name: nb for name, nb in notebooks.items() if name == "solution" or name.startswith("honest-")}
    kinds["wrong"] = notebooks["wrong"]
    for name, code in BROKEN.items():
        kinds[f"broken-{name}"] = ex.make_submission(released, dict(solution, **{first_answer: code}))
    kinds.update((name, nb) for name, nb in notebooks.items() if name == "cheater" or name.startswith("gaming-"))
    kinds["untouched"] = notebooks["untouched"]
    names = list(kinds)
    return {f"{i:03d}-{names[i % len(names)]}": kinds[names[i % len(names)]] for i in range(count)}


def measured(command: list[str], cwd: Path) -> dict:
    """Run ``command``; its wall time, exit status and the peak PSS/RSS of its whole process tree."""
    peak = {"pss": 0, "rss": 0}
    process = subprocess.Popen(
        command, cwd=cwd, env=ex.nbgrader_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.5):
            pss, rss, _ = memory_of([process.pid, *process_tree(process.pid)])
            peak["pss"], peak["rss"] = max(peak["pss"], pss), max(peak["rss"], rss)

    sampler = threading.Thread(target=sample, daemon=True)
    start = time.monotonic()
    sampler.start()
    output = process.communicate()[0].decode(errors="replace")
    seconds = time.monotonic() - start
    done.set()
    sampler.join()
    return {
        "seconds": round(seconds, 1),
        "exit": process.returncode,
        "peak_pss": peak["pss"],
        "peak_rss": peak["rss"],
        "log": output[-3000:],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--count", type=int, default=200, help="submissions (default 200)")
    parser.add_argument("--assignment", default="01_mnist", help="default: 01_mnist, the cheapest to run")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-nbgrader", action="store_true", help="grade with python -m grading only")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

    scratch = Path(tempfile.mkdtemp(prefix="grading-benchmark-"))
    os.chmod(scratch, 0o755)
    try:
        submissions = batch(args.assignment, args.count)
        courses = {"grading": scratch / "grading", "nbgrader": scratch / "nbgrader"}
        for name, course in courses.items():
            if name == "nbgrader" and args.no_nbgrader:
                continue
            ex.course_copy(course)
            ex.nbgrader(course, "generate_assignment", args.assignment)
            for student, notebook in submissions.items():
                ex.submit(course, student, args.assignment, notebook)
        print(f"{len(submissions)} submissions of {args.assignment} ({os.environ['BDLS_PROFILE']} profile)", flush=True)
        flags = ["--run-dir", str(scratch / "run"), "--workers", str(args.workers)]
        results = {"grading": measured(grader_command(courses["grading"], args.assignment, *flags), ROOT)}
        report = json.loads((scratch / "run" / "report.json").read_text())
        results["grading"]["outcomes"] = {
            status: sum(s["status"] == status for s in report["students"])
            for status in ("graded", "failed", "rejected")
        }
        results["grading"]["containment"] = report["containment"]["mechanism"]
        if not args.no_nbgrader:
            command = [str(Path(sys.executable).with_name("nbgrader")), "autograde", args.assignment, "--force"]
            results["nbgrader"] = measured(command, courses["nbgrader"])
        print(f"{'':10} {'seconds':>8} {'per minute':>11} {'peak PSS':>9} {'peak RSS':>9}  exit")
        for name, result in results.items():
            result["per_minute"] = round(60 * len(submissions) / result["seconds"], 1)
            print(
                f"{name:10} {result['seconds']:8.1f} {result['per_minute']:11.1f} "
                f"{result['peak_pss'] / 2**30:8.2f}G {result['peak_rss'] / 2**30:8.2f}G  {result['exit']}"
            )
        grading = results["grading"]
        print(f"grading: {grading['outcomes']}, isolation: {grading['containment']}")
        if "nbgrader" in results:
            ratio = round(results["nbgrader"]["seconds"] / grading["seconds"], 2)
            results["speed_ratio"] = ratio
            print(f"python -m grading is {ratio}x as fast as plain nbgrader autograde")
        if args.json:
            figures = {"count": len(submissions), "assignment": args.assignment, "workers": args.workers, **results}
            args.json.write_text(json.dumps(figures, indent=2))
        return 0 if grading["exit"] in (0, 1) else 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
