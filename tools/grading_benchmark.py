"""How fast ``python -m grading`` grades a batch, next to plain ``nbgrader autograde``.

    python tools/grading_benchmark.py [-n 200] [--assignment 01_mnist] [--workers 2] [--only grading|nbgrader]
        [--kill-after K]

Builds N submissions of one assignment in a scratch copy of the course (``BDLS_PROFILE=smoke``,
offline), from the same helpers as the round trips of ``tests/test_exercises.py``: the
instructor's solution and the honest alternatives of ``tests/submissions/<id>.py``, its plausible
wrong answer, broken ones (a syntax error, an answer that raises), hostile ones (its gaming
submissions, the always-equal cheater) and the untouched release, in turn. Then it grades them
with ``python -m grading`` and, on a second copy with the same submissions, with plain
``nbgrader autograde`` (no sandbox), and prints the wall time, submissions per minute, the peak
memory of each whole process tree (sum of proportional set sizes, sampled every 0.5 s) and the
ratio. With ``--kill-after K`` the grader is killed (SIGKILL) once K students are recorded and run
again in the same run folder: the figures add both runs, and it checks that nothing was left running,
that nobody was graded twice and that the second run graded the rest. It is a measurement, not a
test: the figures go into ``instructors/grading.md``.
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

from grading.sandbox import IPC_PREFIX, memory_of, process_tree  # noqa: E402

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


def measured(command: list[str], cwd: Path, kill_when=None) -> dict:
    """Run ``command``; its wall time, exit status and the peak PSS/RSS of its whole process tree.

    ``kill_when()``: checked every 0.5 s; once true the command is killed with SIGKILL (no clean-up)."""
    peak = {"pss": 0, "rss": 0}
    process = subprocess.Popen(
        command, cwd=cwd, env=ex.nbgrader_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.5):
            pss, rss, _ = memory_of([process.pid, *process_tree(process.pid)])
            peak["pss"], peak["rss"] = max(peak["pss"], pss), max(peak["rss"], rss)
            if kill_when is not None and kill_when():
                process.kill()
                return

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


def leftovers(marker: str) -> list[str]:
    """Processes of a grader (their command line names ``marker``, the scratch folder, or a grading
    module) and kernel folders left in /tmp."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        ours = marker in command or "grading.worker" in command or "-m grading " in command
        if ours and int(pid) != os.getpid():
            found.append(f"pid {pid}: {command[:120]}")
    return found + [str(p) for p in Path(tempfile.gettempdir()).glob(f"{IPC_PREFIX}*")]


def killed_and_resumed(command: list[str], run_dir: Path, kill_after: int, marker: str) -> dict:
    """Grade, SIGKILL the grader once ``kill_after`` students are recorded, grade again in the same
    run folder; check that nothing was left running, that the second run graded exactly the students
    the first had not graded, and return both runs' figures."""
    results, answers = run_dir / "results", run_dir / "answers"
    first = measured(command, ROOT, kill_when=lambda: len(list(results.glob("*.json"))) >= kill_after)
    time.sleep(3)  # the workers, supervisors and kernels die with the grader (parent-death signals)
    left = leftovers(marker)
    graded_first = {p.stem for p in answers.glob("*.json")}
    recorded_first = {p.stem for p in results.glob("*.json")}
    restart = time.time()
    second = measured(command, ROOT)
    report = json.loads((run_dir / "report.json").read_text())
    graded_second = {p.stem for p in answers.glob("*.json") if p.stat().st_mtime >= restart}
    ended_graded = {s["student"] for s in report["students"] if s["status"] == "graded"}
    return {
        "first": first,
        "second": second,
        "seconds": round(first["seconds"] + second["seconds"], 1),
        "exit": second["exit"],
        "peak_pss": max(first["peak_pss"], second["peak_pss"]),
        "peak_rss": max(first["peak_rss"], second["peak_rss"]),
        "left_after_kill": left,
        "graded_before_kill": len(graded_first),
        "recorded_before_kill": len(recorded_first),
        "graded_after": len(graded_second),
        "graded_twice": sorted(graded_first & graded_second),
        "graded_in_all": len(graded_first | graded_second),
        "never_graded": sorted(ended_graded - graded_first - graded_second),
        "report_resumed": report["resumed"],
        "report_recorded_from_earlier_run": report["recorded_from_earlier_run"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--count", type=int, default=200, help="submissions (default 200)")
    parser.add_argument("--assignment", default="01_mnist", help="default: 01_mnist, the cheapest to run")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--only", choices=["grading", "nbgrader"], help="run one of the two (the other at another time, same -n)"
    )
    parser.add_argument(
        "--kill-after",
        type=int,
        metavar="K",
        help="SIGKILL python -m grading once K students are recorded, then run it again in the same run folder",
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

    scratch = Path(tempfile.mkdtemp(prefix="grading-benchmark-"))
    os.chmod(scratch, 0o755)
    try:
        submissions = batch(args.assignment, args.count)
        courses = {"grading": scratch / "grading", "nbgrader": scratch / "nbgrader"}
        for name, course in courses.items():
            if args.only and name != args.only:
                continue
            ex.course_copy(course)
            ex.nbgrader(course, "generate_assignment", args.assignment)
            for student, notebook in submissions.items():
                ex.submit(course, student, args.assignment, notebook)
        print(f"{len(submissions)} submissions of {args.assignment} ({os.environ['BDLS_PROFILE']} profile)", flush=True)
        flags = ["--run-dir", str(scratch / "run"), "--workers", str(args.workers)]
        results = {}
        if args.only != "nbgrader":
            command = grader_command(courses["grading"], args.assignment, *flags)
            if args.kill_after:
                results["grading"] = killed_and_resumed(command, scratch / "run", args.kill_after, str(scratch))
            else:
                results["grading"] = measured(command, ROOT)
            report = json.loads((scratch / "run" / "report.json").read_text())
            results["grading"]["outcomes"] = {
                status: sum(s["status"] == status for s in report["students"])
                for status in ("graded", "failed", "rejected")
            }
            results["grading"]["containment"] = report["containment"]["mechanism"]
        if args.only != "grading":
            command = [str(Path(sys.executable).with_name("nbgrader")), "autograde", args.assignment, "--force"]
            results["nbgrader"] = measured(command, courses["nbgrader"])
        print(f"{'':10} {'seconds':>8} {'per minute':>11} {'peak PSS':>9} {'peak RSS':>9}  exit")
        for name, result in results.items():
            result["per_minute"] = round(60 * len(submissions) / result["seconds"], 1)
            print(
                f"{name:10} {result['seconds']:8.1f} {result['per_minute']:11.1f} "
                f"{result['peak_pss'] / 2**30:8.2f}G {result['peak_rss'] / 2**30:8.2f}G  {result['exit']}"
            )
        if "nbgrader" in results:
            print(f"nbgrader autograde exit status {results['nbgrader']['exit']}")
        if "grading" not in results:
            return 0 if results["nbgrader"]["exit"] == 0 else 1
        grading = results["grading"]
        print(f"grading: {grading['outcomes']}, isolation: {grading['containment']}")
        if args.kill_after:
            print(
                f"killed after {grading['recorded_before_kill']} recorded, {grading['graded_before_kill']} graded "
                f"({grading['first']['seconds']} s); left running or in /tmp after the kill: "
                f"{grading['left_after_kill'] or 'nothing'}"
            )
            print(
                f"second run ({grading['second']['seconds']} s): {grading['report_resumed']} recorded earlier, "
                f"{grading['report_recorded_from_earlier_run']} recorded from the first run's answers, "
                f"{grading['graded_after']} graded; graded twice: {grading['graded_twice'] or 'none'}; "
                f"graded by neither run yet reported graded: {grading['never_graded'] or 'none'}"
            )
        if "nbgrader" in results:
            ratio = round(results["nbgrader"]["seconds"] / grading["seconds"], 2)
            results["speed_ratio"] = ratio
            print(f"python -m grading is {ratio}x as fast as plain nbgrader autograde")
        if args.json:
            figures = {"count": len(submissions), "assignment": args.assignment, "workers": args.workers, **results}
            args.json.write_text(json.dumps(figures, indent=2))
        broken = args.kill_after and (grading["left_after_kill"] or grading["graded_twice"] or grading["never_graded"])
        return 0 if grading["exit"] in (0, 1) and not broken else 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
