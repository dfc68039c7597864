"""Benchmark the book: wall time and peak RSS per chapter, the whole book, the cached rebuild.

Usage: python tools/benchmark.py [--profile smoke|cpu|full] [--chapters 01_mnist ...]
                                 [--no-rebuild] [--json FILE] [--strict]

Each chapter (from ``_toc.yml``, else ``chapters/*.ipynb``) is executed top to bottom in
a fresh process, with the profile given, the way the book build runs it (its own folder
as working directory, matplotlib's inline backend). Its wall time includes starting the
kernel; its peak RSS is that of the kernel's process tree, the larger of psutil polling
(every 0.1 s, the tree summed) and ``getrusage(RUSAGE_CHILDREN)`` (the kernel, once
reaped). Then the book is built twice with ``jupyter-book build -W`` into a temporary
folder: the first build executes everything, the second is the rebuild of an unchanged
book, the one that counts.

The goals (CONTRIBUTING.md §5) are printed next to the numbers: ``smoke`` ≤ 60 s a chapter
and ≤ 5 min for the whole book; ``cpu`` ≤ 5 min and ≤ 2 GB a chapter; an unchanged
rebuild ≤ 10 s. Timings on a shared machine are noisy. The exit status is 1 when a
chapter fails to run, and with ``--strict`` also when a goal is missed.

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

#: Goals per profile: seconds and bytes per chapter, seconds for the whole book.
GOALS = {
    "smoke": {"chapter_s": 60, "chapter_rss": None, "book_s": 300},
    "cpu": {"chapter_s": 300, "chapter_rss": 2000 * MB, "book_s": None},
    "full": {"chapter_s": None, "chapter_rss": None, "book_s": None},
}
REBUILD_GOAL_S = 10


def chapters_in_toc() -> list[Path]:
    """Chapter notebooks in reading order, from ``_toc.yml`` (tools/book.py)."""
    from book import chapters  # tools/ is this script's own folder, so it is on sys.path

    return chapters()


def chapter_env(profile: str) -> dict[str, str]:
    env = dict(os.environ, BDLS_PROFILE=profile)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")
    # As in the book build: the kernel's own inline backend, so figures are drawn too.
    env.pop("MPLBACKEND", None)
    return env


# -- one chapter, in its own process --------------------------------------------------------------


def tree_rss(pid: int) -> int:
    import psutil

    try:
        process = psutil.Process(pid)
        members = [process] + process.children(recursive=True)
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for member in members:
        try:
            total += member.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def execute_one(path: Path, cell_timeout: int) -> dict:
    """Execute one notebook (in this process's kernel child); return its measurements."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    notebook = nbformat.read(path, as_version=4)
    # The client owns its kernel manager, so it shuts the kernel down and reaps it at the end.
    client = NotebookClient(
        notebook, timeout=cell_timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    peak = 0
    done = threading.Event()

    def poll():
        nonlocal peak
        while not done.wait(0.1):
            process = getattr(getattr(client.km, "provisioner", None), "process", None)
            if process is not None:
                peak = max(peak, tree_rss(process.pid))

    watcher = threading.Thread(target=poll, daemon=True)
    start = time.perf_counter()
    watcher.start()
    error = None
    try:
        client.execute()
    except CellExecutionError as failure:
        error = str(failure).strip().splitlines()[-1][:300]
    except Exception as failure:  # a timeout or a dead kernel: still report the time
        error = f"{type(failure).__name__}: {failure}"[:300]
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


def run_chapter(path: Path, profile: str, cell_timeout: int) -> dict:
    start = time.perf_counter()
    result = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--execute-one",
            str(path),
            "--cell-timeout",
            str(cell_timeout),
        ],
        cwd=path.parent,
        env=chapter_env(profile),
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    lines = [line for line in result.stdout.splitlines() if line.startswith(RESULT_PREFIX)]
    if not lines:
        tail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        return {"chapter": path.stem, "wall_s": wall, "peak_rss": None, "error": tail[0][:300]}
    measured = json.loads(lines[-1][len(RESULT_PREFIX) :])
    return {"chapter": path.stem, "wall_s": wall, **measured}


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


def report(profile: str, rows: list[dict], rebuild: dict | None) -> tuple[str, bool]:
    goals = GOALS[profile]
    lines = [
        f"Benchmark, profile {profile!r}: {os.cpu_count()} cores, {platform.machine()}, "
        f"BDLS_OFFLINE={os.environ.get('BDLS_OFFLINE', '')!r}, {time.strftime('%Y-%m-%d %H:%M')}",
        "(wall time includes kernel start; peak RSS is the kernel's process tree; a shared machine is noisy)",
        "",
    ]
    header = f"{'chapter':<28} {'wall s':>8} {'peak RSS MB':>12}  {'time goal':>10} {'RSS goal':>10}  status"
    lines += [header, "-" * len(header)]
    missed = False
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
    parser.add_argument("--no-rebuild", action="store_true", help="skip the two book builds")
    parser.add_argument("--cell-timeout", type=int, default=1800, help="seconds per cell (default 1800)")
    parser.add_argument("--json", type=Path, help="also write the measurements to this file")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    parser.add_argument("--execute-one", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.execute_one:
        print(RESULT_PREFIX + json.dumps(execute_one(args.execute_one.resolve(), args.cell_timeout)), flush=True)
        return 0

    chapters = chapters_in_toc()
    if args.chapters:
        chapters = [path for path in chapters if path.stem in args.chapters]
        unknown = set(args.chapters) - {path.stem for path in chapters}
        if unknown:
            parser.error(f"no such chapter in the book: {', '.join(sorted(unknown))}")
    rows = []
    for path in chapters:
        print(f"running {path.stem} ({args.profile}) ...", file=sys.stderr, flush=True)
        rows.append(run_chapter(path, args.profile, args.cell_timeout))
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
    text, missed = report(args.profile, rows, rebuild)
    print(text)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "profile": args.profile,
                    "chapters": rows,
                    "rebuild": rebuild,
                    "goals": GOALS[args.profile],
                    "rebuild_goal_s": REBUILD_GOAL_S,
                },
                indent=2,
            )
            + "\n"
        )
    failed = any(row.get("error") for row in rows) or bool(rebuild and (rebuild["first_rc"] or rebuild["second_rc"]))
    return 1 if failed or (args.strict and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
