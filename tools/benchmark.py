"""Benchmark the book: wall time and peak RSS per chapter and exercise, two open notebooks, the rebuild.

Usage: python tools/benchmark.py [--profile smoke|cpu|full] [--chapters 01_mnist ...]
                                 [--exercises 02_imdb ...] [--no-exercises] [--no-pairs]
                                 [--only chapters|exercises|pairs ...]
                                 [--no-rebuild] [--json FILE] [--strict]

Each chapter (from ``_toc.yml``, else ``chapters/*.ipynb``) is executed top to bottom in
a fresh process, with the profile given, the way the book build runs it (its own folder
as working directory, matplotlib's inline backend). Its wall time includes starting the
kernel; its peak RSS is that of the kernel's process tree, the larger of psutil polling
(every 0.1 s, the tree summed) and ``getrusage(RUSAGE_CHILDREN)`` (the kernel, once
reaped).

Each exercise (``exercises/source/<id>/<id>.ipynb``) is measured the same way as a student
runs it when done: solved, top to bottom, with the hidden tests removed by nbgrader's own
``ClearHiddenTests`` (solutions and visible tests kept).

"Two open notebooks" is what a Binder session holds when a student opens a chapter and then
its exercise without shutting the chapter's kernel: the chapter is executed, its kernel is
kept alive and idle, the exercise is executed in a second kernel, and the peak of the two
process trees' RSS summed (polled) is reported. The pairs are a chapter and the exercise
whose id starts with the same number.

Then the book is built twice with ``jupyter-book build -W`` into a temporary folder: the
first build executes everything, the second is the rebuild of an unchanged book, the one
that counts.

The goals (CONTRIBUTING.md §5) are printed next to the numbers: ``smoke`` ≤ 60 s a chapter
and ≤ 5 min for the whole book; ``cpu`` ≤ 5 min and ≤ 1.5 GB a chapter, ≤ 1.5 GB an
exercise, and a chapter with its exercise open beside it ≤ 1.85 GB (Binder's 2 GB less the
Jupyter server's ~150 MB); an unchanged rebuild ≤ 10 s. Timings on a shared machine are
noisy; memory is not. The exit status is 1 when a notebook fails to run, and with
``--strict`` also when a goal is missed, except the two-notebook one: that is reported
only, since the exercises tell students to shut the chapter's kernel down first where a
pair does not fit.

This is a command, not a test: the test suite checks behaviour, this measures cost.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULT_PREFIX = "BENCHMARK_RESULT "
MB = 1_000_000

#: Goals per profile: seconds and bytes per chapter (bytes also per exercise), bytes for a
#: chapter and its exercise open at once, seconds for the whole book.
GOALS = {
    "smoke": {"chapter_s": 60, "chapter_rss": None, "pair_rss": None, "book_s": 300},
    "cpu": {"chapter_s": 300, "chapter_rss": 1500 * MB, "pair_rss": 1850 * MB, "book_s": None},
    "full": {"chapter_s": None, "chapter_rss": None, "pair_rss": None, "book_s": None},
}
EXERCISES = ROOT / "exercises" / "source"
REBUILD_GOAL_S = 10


def chapters_in_toc() -> list[Path]:
    """Chapter notebooks in reading order, from ``_toc.yml`` (tools/book.py)."""
    from book import chapters  # tools/ is this script's own folder, so it is on sys.path

    return chapters()


def exercises() -> list[Path]:
    """The exercises' source notebooks (solved, hidden tests included), in order."""
    return sorted(EXERCISES.glob("*/*.ipynb"), key=lambda path: path.stem)


def chapter_env(profile: str) -> dict[str, str]:
    env = dict(os.environ, BDLS_PROFILE=profile)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")
    # As in the book build: the kernel's own inline backend, so figures are drawn too.
    env.pop("MPLBACKEND", None)
    return env


# -- one chapter, in its own process --------------------------------------------------------------


def tree_memory(pid: int, kind: str = "rss") -> int:
    """Memory of a process tree, in bytes: ``rss`` (resident; a shared library counts in every
    process that maps it) or ``pss`` (proportional: a shared page split among the processes that
    map it, so two kernels count TensorFlow's libraries once between them; slower to read)."""
    import psutil

    try:
        process = psutil.Process(pid)
        members = [process] + process.children(recursive=True)
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for member in members:
        try:
            info = member.memory_info() if kind == "rss" else member.memory_full_info()
            total += getattr(info, kind)
        except (psutil.NoSuchProcess, psutil.AccessDenied, AttributeError):
            pass
    return total


def read_notebook(path: Path):
    """A notebook as a reader runs it: an exercise's source loses its hidden tests (nbgrader's own
    ``ClearHiddenTests``), keeping its solutions; a chapter is read as it is."""
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    if path.resolve().is_relative_to(EXERCISES):
        from nbgrader.preprocessors import ClearHiddenTests

        notebook, _ = ClearHiddenTests().preprocess(notebook, {})
    return notebook


def client_for(path: Path, cell_timeout: int):
    from nbclient import NotebookClient

    # The client owns its kernel manager, so it shuts the kernel down and reaps it at the end.
    return NotebookClient(
        read_notebook(path),
        timeout=cell_timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )


def kernel_pid(client) -> int | None:
    process = getattr(getattr(client.km, "provisioner", None), "process", None)
    return None if process is None else process.pid


def failure_text(failure: Exception) -> str:
    from nbclient.exceptions import CellExecutionError

    if isinstance(failure, CellExecutionError):
        return str(failure).strip().splitlines()[-1][:300]
    return f"{type(failure).__name__}: {failure}"[:300]  # a timeout or a dead kernel


def execute_one(path: Path, cell_timeout: int) -> dict:
    """Execute one notebook (in this process's kernel child); return its measurements."""
    client = client_for(path, cell_timeout)
    peak = 0
    done = threading.Event()

    def poll():
        nonlocal peak
        while not done.wait(0.1):
            pid = kernel_pid(client)
            if pid is not None:
                peak = max(peak, tree_memory(pid))

    watcher = threading.Thread(target=poll, daemon=True)
    start = time.perf_counter()
    watcher.start()
    error = None
    try:
        client.execute()
    except Exception as failure:  # a failed cell, a timeout or a dead kernel: still report the time
        error = failure_text(failure)
    finally:
        done.set()
        watcher.join()
    seconds = time.perf_counter() - start
    reaped_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # kilobytes on Linux
    return {
        "execute_s": seconds,
        "peak_rss": max(peak, reaped_kb * 1024),
        "peak_rss_polled": peak,
        "peak_rss_reaped": reaped_kb * 1024,
        "error": error,
    }


def execute_pair(first: Path, second: Path, cell_timeout: int) -> dict:
    """Execute ``first``, keep its kernel alive and idle, execute ``second`` in a second kernel;
    return the peak of the two kernels' process trees' RSS summed (polled every 0.1 s), the first
    one's peak and idle RSS, and the peak of their PSS summed (polled every second while both run)."""
    one, two = client_for(first, cell_timeout), client_for(second, cell_timeout)
    peak_sum = peak_first = idle_first = pss_sum = 0
    running_second = threading.Event()
    done = threading.Event()

    def poll():
        nonlocal peak_sum, peak_first, idle_first, pss_sum
        ticks = 0
        while not done.wait(0.1):
            pids = [kernel_pid(one), kernel_pid(two) if running_second.is_set() else None]
            first_rss = tree_memory(pids[0]) if pids[0] else 0
            if running_second.is_set():
                idle_first = max(idle_first, first_rss)
            else:
                peak_first = max(peak_first, first_rss)
            peak_sum = max(peak_sum, first_rss + (tree_memory(pids[1]) if pids[1] else 0))
            ticks += 1
            if running_second.is_set() and ticks % 10 == 0:
                pss_sum = max(pss_sum, sum(tree_memory(pid, "pss") for pid in pids if pid))

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    error = None
    try:
        with one.setup_kernel():
            for index, cell in enumerate(one.nb.cells):
                one.execute_cell(cell, index)
            time.sleep(1)  # the first kernel idles, as when a student moves on to the exercise
            running_second.set()
            two.execute()
    except Exception as failure:
        error = failure_text(failure)
    finally:
        done.set()
        watcher.join()
    return {
        "peak_rss": peak_sum,
        "first_peak_rss": peak_first,
        "first_idle_rss": idle_first,
        "peak_pss": pss_sum,
        "error": error,
    }


def run_measured(paths: list[Path], profile: str, cell_timeout: int) -> dict:
    """Measure one notebook (or, given two, the pair) in a fresh process of this script."""
    start = time.perf_counter()
    command = [sys.executable, str(Path(__file__).resolve()), "--cell-timeout", str(cell_timeout)]
    command += ["--execute-one", str(paths[0])] if len(paths) == 1 else ["--execute-pair", *map(str, paths)]
    result = subprocess.run(
        command,
        cwd=paths[-1].parent,
        env=chapter_env(profile),
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    name = " + ".join(path.stem for path in paths)
    lines = [line for line in result.stdout.splitlines() if line.startswith(RESULT_PREFIX)]
    if not lines:
        tail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        return {"chapter": name, "wall_s": wall, "peak_rss": None, "error": tail[0][:300]}
    measured = json.loads(lines[-1][len(RESULT_PREFIX) :])
    return {"chapter": name, "wall_s": wall, **measured}


def run_chapter(path: Path, profile: str, cell_timeout: int) -> dict:
    return run_measured([path], profile, cell_timeout)


def pairs(chapters: list[Path], exercise_paths: list[Path]) -> list[tuple[Path, Path]]:
    """Each chapter with the exercise of the same number (``02_imdb`` and ``02_imdb``, ``04_boston_housing``
    and ``04_boston``)."""
    by_number = {path.stem[:2]: path for path in exercise_paths}
    return [(path, by_number[path.stem[:2]]) for path in chapters if path.stem[:2] in by_number]


# -- the book build ------------------------------------------------------------------------------


def build_book(output: Path, profile: str) -> tuple[float, int, str]:
    executable = Path(sys.executable).with_name("jupyter-book")
    start = time.perf_counter()
    result = subprocess.run(
        [str(executable), "build", str(ROOT), "--path-output", str(output), "--warningiserror", "--keep-going"],
        cwd=ROOT,
        env=chapter_env(profile),
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - start, result.returncode, (result.stdout + result.stderr)[-3000:]


# -- report --------------------------------------------------------------------------------------


def verdict(value: float | None, goal: float | None) -> str:
    if goal is None:
        return "-"
    if value is None:
        return "MISSED"
    return "ok" if value <= goal else "MISSED"


def report(
    profile: str,
    rows: list[dict],
    rebuild: dict | None,
    exercise_rows: list[dict] = (),
    pair_rows: list[dict] = (),
) -> tuple[str, bool]:
    goals = GOALS[profile]
    lines = [
        f"Benchmark, profile {profile!r}: {os.cpu_count()} cores, {platform.machine()}, "
        f"BDLS_OFFLINE={os.environ.get('BDLS_OFFLINE', '')!r}, {time.strftime('%Y-%m-%d %H:%M')}",
        "(wall time includes kernel start; peak RSS is the kernel's process tree; a shared machine is noisy)",
        "",
    ]
    missed = False
    if rows:
        header = f"{'chapter':<28} {'wall s':>8} {'peak RSS MB':>12}  {'time goal':>10} {'RSS goal':>10}  status"
        lines += [header, "-" * len(header)]
        for row in rows:
            rss_mb = None if row.get("peak_rss") is None else row["peak_rss"] / MB
            time_ok = verdict(row["wall_s"], goals["chapter_s"])
            rss_ok = verdict(row.get("peak_rss"), goals["chapter_rss"])
            status = f"FAILED: {row['error']}" if row.get("error") else "ran"
            missed |= "MISSED" in (time_ok, rss_ok)
            time_goal = f"≤{goals['chapter_s']} {time_ok}" if goals["chapter_s"] else "-"
            rss_goal = f"≤{goals['chapter_rss'] // MB} {rss_ok}" if goals["chapter_rss"] else "-"
            lines.append(
                f"{row['chapter']:<28} {row['wall_s']:>8.1f} "
                f"{'?' if rss_mb is None else f'{rss_mb:.0f}':>12}  {time_goal:>10} {rss_goal:>10}  {status}"
            )
        total = sum(row["wall_s"] for row in rows)
        worst = max((row.get("peak_rss") or 0 for row in rows), default=0)
        book_ok = verdict(total, goals["book_s"])
        missed |= book_ok == "MISSED"
        lines.append("-" * len(header))
        book_goal = f"≤{goals['book_s']} {book_ok}" if goals["book_s"] else "-"
        lines.append(f"{'whole book (sum)':<28} {total:>8.1f} {worst / MB:>12.0f}  {book_goal:>10}")
    if exercise_rows:
        lines += ["", "exercises (solved, hidden tests removed, as a student runs them)"]
        header = f"{'exercise':<28} {'wall s':>8} {'peak RSS MB':>12}  {'RSS goal':>10}  status"
        lines += [header, "-" * len(header)]
        for row in exercise_rows:
            rss_ok = verdict(row.get("peak_rss"), goals["chapter_rss"])
            missed |= rss_ok == "MISSED"
            rss_goal = f"≤{goals['chapter_rss'] // MB} {rss_ok}" if goals["chapter_rss"] else "-"
            status = f"FAILED: {row['error']}" if row.get("error") else "ran"
            rss = "?" if row.get("peak_rss") is None else f"{row['peak_rss'] / MB:.0f}"
            lines.append(f"{row['chapter']:<28} {row['wall_s']:>8.1f} {rss:>12}  {rss_goal:>10}  {status}")
    if pair_rows:
        lines += [
            "",
            "two open notebooks: the chapter run, its kernel left idle, then its exercise in a second kernel",
            "(sum: both trees' RSS, the goal's measure; PSS: shared libraries counted once, sampled every second,",
            " so it can miss a short peak; reported, not a --strict goal)",
        ]
        header = (
            f"{'chapter + exercise':<42} {'chapter MB':>10} {'idle MB':>8} {'sum MB':>8} {'PSS MB':>8}  "
            f"{'goal':>10}  status"
        )
        lines += [header, "-" * len(header)]
        for row in pair_rows:
            # Reported, not a --strict goal: where two do not fit, the exercise says to shut the
            # chapter's kernel down first.
            rss_ok = {"MISSED": "over"}.get(verdict(row.get("peak_rss"), goals["pair_rss"]), "ok")
            goal = f"≤{goals['pair_rss'] // MB} {rss_ok}" if goals["pair_rss"] else "-"
            status = f"FAILED: {row['error']}" if row.get("error") else "ran"

            def mb(key, row=row):
                return "?" if row.get(key) is None else f"{row[key] / MB:.0f}"

            lines.append(
                f"{row['chapter']:<42} {mb('first_peak_rss'):>10} {mb('first_idle_rss'):>8} "
                f"{mb('peak_rss'):>8} {mb('peak_pss'):>8}  {goal:>10}  {status}"
            )
    if rebuild:
        lines.append("")
        lines.append(
            f"book build, first (executes every chapter): {rebuild['first_s']:.1f} s"
            + ("" if rebuild["first_rc"] == 0 else f"  FAILED (exit {rebuild['first_rc']})")
        )
        rebuild_ok = verdict(rebuild["second_s"], REBUILD_GOAL_S) if rebuild["second_rc"] == 0 else "MISSED"
        missed |= rebuild_ok == "MISSED"
        lines.append(
            f"unchanged rebuild (second build): {rebuild['second_s']:.1f} s   goal ≤{REBUILD_GOAL_S} s "
            f"{rebuild_ok}" + ("" if rebuild["second_rc"] == 0 else f"  FAILED (exit {rebuild['second_rc']})")
        )
    return "\n".join(lines), missed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=sorted(GOALS), default="smoke")
    parser.add_argument("--chapters", nargs="*", help="chapter names (e.g. 01_mnist); default: all in _toc.yml")
    parser.add_argument("--exercises", nargs="*", help="exercise ids (e.g. 02_imdb); default: all")
    parser.add_argument("--no-exercises", action="store_true", help="skip the exercises (and the pairs)")
    parser.add_argument("--no-pairs", action="store_true", help="skip the two-open-notebooks measurement")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=["chapters", "exercises", "pairs"],
        help="measure only these (e.g. to run the parts in parallel); the book build follows --no-rebuild",
    )
    parser.add_argument("--no-rebuild", action="store_true", help="skip the two book builds")
    parser.add_argument("--cell-timeout", type=int, default=1800, help="seconds per cell (default 1800)")
    parser.add_argument("--json", type=Path, help="also write the measurements to this file")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    parser.add_argument("--execute-one", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--execute-pair", type=Path, nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.execute_one:
        print(RESULT_PREFIX + json.dumps(execute_one(args.execute_one.resolve(), args.cell_timeout)), flush=True)
        return 0
    if args.execute_pair:
        first, second = (path.resolve() for path in args.execute_pair)
        print(RESULT_PREFIX + json.dumps(execute_pair(first, second, args.cell_timeout)), flush=True)
        return 0

    chapters = chapters_in_toc()
    if args.chapters:
        chapters = [path for path in chapters if path.stem in args.chapters]
        unknown = set(args.chapters) - {path.stem for path in chapters}
        if unknown:
            parser.error(f"no such chapter in the book: {', '.join(sorted(unknown))}")
    exercise_paths = [] if args.no_exercises else exercises()
    if args.exercises is not None and not args.no_exercises:
        known = {path.stem for path in exercise_paths}
        unknown = set(args.exercises) - known
        if unknown:
            parser.error(f"no such exercise: {', '.join(sorted(unknown))}")
        exercise_paths = [path for path in exercise_paths if path.stem in args.exercises]
    parts = set(args.only or ["chapters", "exercises", "pairs"])
    rows = []
    for path in chapters if "chapters" in parts else []:
        print(f"running {path.stem} ({args.profile}) ...", file=sys.stderr, flush=True)
        rows.append(run_chapter(path, args.profile, args.cell_timeout))
    exercise_rows = []
    for path in exercise_paths if "exercises" in parts else []:
        print(f"running exercise {path.stem} ...", file=sys.stderr, flush=True)
        exercise_rows.append(run_measured([path], args.profile, args.cell_timeout))
    pair_rows = []
    for chapter, exercise in [] if args.no_pairs or "pairs" not in parts else pairs(chapters, exercise_paths):
        print(f"running {chapter.stem} with {exercise.stem} open beside it ...", file=sys.stderr, flush=True)
        pair_rows.append(run_measured([chapter, exercise], args.profile, args.cell_timeout))
    rebuild = None
    if not args.no_rebuild:
        with tempfile.TemporaryDirectory(prefix="bdls-benchmark-") as output:
            print("building the book (first build) ...", file=sys.stderr, flush=True)
            first_s, first_rc, first_log = build_book(Path(output), args.profile)
            print("building the book again (unchanged) ...", file=sys.stderr, flush=True)
            second_s, second_rc, second_log = build_book(Path(output), args.profile)
        rebuild = {"first_s": first_s, "first_rc": first_rc, "second_s": second_s, "second_rc": second_rc}
        if first_rc or second_rc:
            print(first_log if first_rc else second_log, file=sys.stderr)
    text, missed = report(args.profile, rows, rebuild, exercise_rows, pair_rows)
    print(text)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "profile": args.profile,
                    "chapters": rows,
                    "exercises": exercise_rows,
                    "pairs": pair_rows,
                    "rebuild": rebuild,
                    "goals": GOALS[args.profile],
                    "rebuild_goal_s": REBUILD_GOAL_S,
                },
                indent=2,
            )
            + "\n"
        )
    failed = any(row.get("error") for row in [*rows, *exercise_rows, *pair_rows])
    failed |= bool(rebuild and (rebuild["first_rc"] or rebuild["second_rc"]))
    return 1 if failed or (args.strict and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
