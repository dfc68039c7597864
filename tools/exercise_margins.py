"""How far each exercise's thresholds are from failing: a command, not a test (issue 10, item 6).

For every assignment (or those given with ``--assignment``) and every grading seed
``0 .. N-1`` it autogrades, with the course's own grader (``python -m grading --seed S``,
default settings) in a temporary copy of the course, the instructor's solution and the
plausible wrong answer of ``tests/submissions/<id>.py`` (plus the gaming submissions
with ``--gaming``). Then it prints, per test cell, pass/fail per seed and the margin of
every threshold line the autograded test cell printed::

    <label>: <value> (needs >= <bar>)      margin = value - bar
    <label>: <value> (needs <= <bar>)      margin = bar - value

(the smallest margin over the seeds), and a markdown table for ``exercises/README.md``.

It exits with status 1 when the solution loses a point in any cell under any seed, when
the wrong answer gets a cell its ``WRONG["expected"]`` says it fails (or loses one it
should pass), or when a gaming submission scores in a cell listed in its ``"zero"``.

    python tools/exercise_margins.py                                  # all seven, 5 seeds
    python tools/exercise_margins.py --assignment 07_transfer --seeds 3 --gaming
    python tools/exercise_margins.py --fashion-mnist both             # with and without Debian's package

Slow: every seed grades a whole notebook per submission (roughly 1-4 minutes per
assignment and seed on two cores).
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The round-trip machinery (course copies, submissions, grading with `python -m grading`) lives
# with the tests: tests/exercise_helpers.py and tests/submissions/. Import it from there.
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

import nbformat  # noqa: E402
from exercise_helpers import (  # noqa: E402
    ASSIGNMENTS,
    execution_seconds,
    grade_round_trip,
    grades,
    is_solution,
    nbgrader_cells,
)
from submissions import load as load_submissions  # noqa: E402

#: assignment -> the slowest test cell of the solution over the seeds graded so far (seconds)
SLOWEST: dict[str, float] = {}

THRESHOLD_LINE = re.compile(
    r"^(?P<label>[^:\n]+): (?P<value>[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|nan|inf)) "
    r"\(needs (?P<op>>=|<=) (?P<bar>[-+]?\d+\.?\d*(?:[eE][-+]?\d+)?)\)\s*$",
    re.MULTILINE,
)

#: lib.data's environment variable that replaces /usr/share/datasets, if this checkout has it.
try:
    from lib.data import DEBIAN_DATASETS_ENV
except ImportError:  # an older lib.data without the override
    DEBIAN_DATASETS_ENV = None


@dataclass
class Threshold:
    label: str
    op: str
    bar: float
    values: list[float] = field(default_factory=list)

    def margins(self) -> list[float]:
        return [(v - self.bar) if self.op == ">=" else (self.bar - v) for v in self.values]

    def min_margin(self) -> float:
        margins = [m for m in self.margins() if not math.isnan(m)]
        return min(margins) if len(margins) == len(self.values) and margins else float("nan")


@dataclass
class CellResult:
    """One test cell of one submission over all seeds."""

    points: float
    passed: list[bool] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)
    thresholds: dict[str, Threshold] = field(default_factory=dict)


def thresholds_in(cell) -> list[tuple[str, float, str, float]]:
    """(label, value, op, bar) for every threshold line in a test cell's stdout."""
    text = "".join(
        o.get("text", "")
        for o in cell.get("outputs", [])
        if o.get("output_type") == "stream" and o.get("name") == "stdout"
    )
    return [(m["label"].strip(), float(m["value"]), m["op"], float(m["bar"])) for m in THRESHOLD_LINE.finditer(text)]


def grade_once(assignment: str, students: list[str], seed: int, workdir: Path, env: dict) -> dict:
    """student -> {test grade_id: (score, max_score, [threshold tuples])} for one grading seed."""
    course = workdir / f"{assignment}-seed{seed}" / "course"
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)  # grade_round_trip passes os.environ on to nbgrader, the grader and its kernels
    try:
        grade_round_trip(course, assignment, students=students, seed=seed)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    results = {}
    for student in students:
        scores = grades(course, assignment, student)
        notebook = nbformat.read(course / "autograded" / student / assignment / f"{assignment}.ipynb", as_version=4)
        cells = nbgrader_cells(notebook)
        if student == "solution":
            SLOWEST[assignment] = max(
                SLOWEST.get(assignment, 0.0),
                *(execution_seconds(cells[g]) for g in scores if g in cells and cells[g].cell_type == "code"),
            )
        results[student] = {
            grade_id: (
                entry["score"] or 0.0,
                entry["max_score"],
                thresholds_in(cells[grade_id]) if grade_id in cells else [],
            )
            for grade_id, entry in scores.items()
            if grade_id in cells and cells[grade_id].cell_type == "code" and not is_solution(cells[grade_id])
        }
    return results


def collect(assignment: str, seeds: list[int], gaming: bool, workdir: Path, env: dict, log) -> dict:
    """student -> test grade_id -> CellResult, over all seeds."""
    module = load_submissions(assignment)
    students = ["solution", "wrong"] + ([f"gaming-{name}" for name in module.GAMING] if gaming else [])
    table: dict[str, dict[str, CellResult]] = {student: {} for student in students}
    for seed in seeds:
        started = time.monotonic()
        graded = grade_once(assignment, students, seed, workdir, env)
        for student, cells in graded.items():
            for grade_id, (score, max_score, found) in cells.items():
                result = table[student].setdefault(grade_id, CellResult(points=max_score))
                result.scores.append(score)
                result.passed.append(score >= max_score)
                for label, value, op, bar in found:
                    key = f"{label} {op} {bar:g}"
                    result.thresholds.setdefault(key, Threshold(label, op, bar)).values.append(value)
        solution = table["solution"]
        lost = [g for g, r in solution.items() if not r.passed[-1]]
        log(
            f"  {assignment} seed {seed}: {time.monotonic() - started:.0f} s; solution "
            + (f"LOSES {', '.join(lost)}" if lost else "full marks")
            + f"; slowest test cell so far {SLOWEST.get(assignment, 0.0):.1f} s (goal: under 30 s)"
        )
    return table


def fmt_margin(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:+.4f}"


def report(assignment: str, table: dict, seeds: list[int], out) -> tuple[list[str], list[str]]:
    """Print one assignment's per-cell results; return (problems, markdown rows)."""
    module = load_submissions(assignment)
    expected = module.WRONG["expected"]
    problems, rows = [], []
    out(f"\n## {assignment} (seeds {', '.join(map(str, seeds))})")
    for grade_id, sol in table["solution"].items():
        wrong = table["wrong"].get(grade_id)
        marks = lambda r: " ".join("pass" if p else "FAIL" for p in r.passed) if r else "-"  # noqa: E731
        out(
            f"  {grade_id} ({sol.points:g} pt): solution [{marks(sol)}]  wrong [{marks(wrong)}]"
            f" (expected {expected.get(grade_id, '?')})"
        )
        if not all(sol.passed):
            problems.append(
                f"{assignment}/{grade_id}: the solution loses points under seed(s) "
                f"{[s for s, p in zip(seeds, sol.passed, strict=True) if not p]}"
            )
        if wrong is not None and grade_id in expected:
            should_pass = expected[grade_id] >= sol.points
            if any(p != should_pass for p in wrong.passed):
                problems.append(
                    f"{assignment}/{grade_id}: the wrong answer scores {wrong.scores}, expected {expected[grade_id]}"
                )
        for key, threshold in sol.thresholds.items():
            wrong_values = wrong.thresholds[key].values if wrong and key in wrong.thresholds else []
            out(
                f"      {threshold.label} (needs {threshold.op} {threshold.bar:g}): solution "
                f"{', '.join(f'{v:.4f}' for v in threshold.values)}; min margin {fmt_margin(threshold.min_margin())}"
                + (f"; wrong {', '.join(f'{v:.4f}' for v in wrong_values)}" if wrong_values else "")
            )
        for student, cells in table.items():
            if student.startswith("gaming-"):
                name = student.removeprefix("gaming-")
                result = cells.get(grade_id)
                if result and grade_id in module.GAMING[name]["zero"]:
                    out(f"      {student}: {result.scores}")
                    if any(score > 0 for score in result.scores):
                        problems.append(f"{assignment}/{grade_id}: {student} scores {result.scores} (must be 0)")
        thresholds = (
            "; ".join(
                f"{t.label} {'≥' if t.op == '>=' else '≤'} {t.bar:g}: margin {fmt_margin(t.min_margin())}"
                for t in sol.thresholds.values()
            )
            or "exact checks"
        )
        wrong_text = f"{sum(wrong.passed)}/{len(wrong.passed)}" if wrong else "-"
        should = "pass" if expected.get(grade_id, 0) >= sol.points else "fail"
        rows.append(
            f"| `{assignment}` | `{grade_id}` | {sol.points:g} | {sum(sol.passed)}/{len(sol.passed)} | "
            f"{thresholds} | {wrong_text} (should {should}) |"
        )
    return problems, rows


def fashion_worlds(choice: str, workdir: Path) -> list[tuple[str, dict]]:
    """(name, environment) per Fashion-MNIST world to grade in."""
    installed = ("as installed", {})
    if choice == "as-installed":
        return [installed]
    if DEBIAN_DATASETS_ENV is None:
        raise SystemExit("this lib.data has no override for Debian's datasets folder; use --fashion-mnist as-installed")
    hidden = (
        "without Debian's dataset-fashion-mnist",
        {DEBIAN_DATASETS_ENV: str(workdir / "no-debian-datasets")},
    )  # a folder that does not exist
    return [hidden] if choice == "hidden" else [installed, hidden]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--assignment", action="append", choices=ASSIGNMENTS, help="assignment id (repeat for several; default: all)"
    )
    parser.add_argument("--seeds", type=int, default=5, help="grading seeds 0 .. N-1 (default 5)")
    parser.add_argument("--gaming", action="store_true", help="grade the gaming submissions too")
    parser.add_argument(
        "--fashion-mnist",
        choices=["as-installed", "hidden", "both"],
        default="as-installed",
        help="grade with Debian's dataset-fashion-mnist as installed, hidden from lib.data, or both",
    )
    args = parser.parse_args(argv)
    if args.seeds < 1:
        parser.error("--seeds must be at least 1")
    seeds = list(range(args.seeds))
    assignments = args.assignment or ASSIGNMENTS
    os.environ.setdefault("BDLS_OFFLINE", "1")

    def log(text):
        print(text, file=sys.stderr, flush=True)

    problems, rows = [], []
    with tempfile.TemporaryDirectory(prefix="exercise-margins-") as tmp:
        workdir = Path(tmp)
        for world, env in fashion_worlds(args.fashion_mnist, workdir):
            print(f"\n# Fashion-MNIST {world}")
            world_rows = []
            for index, assignment in enumerate(assignments):
                log(f"grading {assignment} ({world}), seeds {seeds} ...")
                table = collect(assignment, seeds, args.gaming, workdir / f"world{len(rows)}-{index}", env, log)
                found, assignment_rows = report(assignment, table, seeds, print)
                problems += [f"[{world}] {p}" for p in found]
                world_rows += assignment_rows
            rows.append((world, world_rows))

    print("\n# Table for exercises/README.md\n")
    for world, world_rows in rows:
        print(f"Fashion-MNIST {world}; grading seeds 0-{args.seeds - 1}; margins are the smallest over the seeds.\n")
        print("| assignment | test cell | points | solution passes | smallest margin to the threshold | wrong passes |")
        print("|---|---|---|---|---|---|")
        print("\n".join(world_rows) + "\n")
    if problems:
        print("PROBLEMS:\n" + "\n".join(f"- {p}" for p in problems))
        return 1
    print("No problems: every solution passes under every seed; every wrong answer scores as expected.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
