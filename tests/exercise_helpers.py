"""Helpers for the nbgrader round trips of ``tests/test_exercises.py``.

Everything works on a temporary copy of the course (``course_copy``), so no
gradebook, submission or feedback is ever written into the repository.
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import nbformat
from grading_fixtures import run_grader

from grading.course import delimiters

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "exercises"
ASSIGNMENTS = sorted(p.name for p in (COURSE / "source").iterdir() if p.is_dir() and not p.name.startswith("."))

# The course's own markers, read from its nbgrader_config.py (one helper, used by the grader too).
MARKS = delimiters(COURSE)
# A line that holds a solution marker (nbgrader matches the marker anywhere in the line, e.g. "### BEGIN SOLUTION").
SOLUTION_REGION = re.compile(
    r"^[^\n]*(?:" + "|".join(re.escape(marker) for marker in MARKS.solution) + r")[^\n]*\n", re.MULTILINE
)
MARK_SCHEME_REGION = re.compile(
    r"\n*[^\n]*" + re.escape(MARKS.mark_scheme[0]) + r".*?" + re.escape(MARKS.mark_scheme[1]) + r"[^\n]*\n*", re.DOTALL
)


def nbgrader_env() -> dict:
    """The environment nbgrader and its kernels run in: offline, as CI, with this environment's
    programs first on PATH (nbgrader starts ``alembic`` and ``jupyter-*`` by name)."""
    return dict(
        os.environ,
        PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
        BDLS_OFFLINE="1",
        MPLBACKEND="agg",
        TF_CPP_MIN_LOG_LEVEL=os.environ.get("TF_CPP_MIN_LOG_LEVEL", "2"),
        PYTHONWARNINGS=os.environ.get("PYTHONWARNINGS", ""),
    )


def nbgrader(course: Path, *args: str, timeout: int = 1500) -> subprocess.CompletedProcess:
    """Run ``nbgrader ARGS`` in ``course``; fail loudly with its log if it fails."""
    executable = Path(sys.executable).with_name("nbgrader")
    result = subprocess.run(
        [str(executable), *args], cwd=course, env=nbgrader_env(), capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        raise AssertionError(
            f"nbgrader {' '.join(args)} failed ({result.returncode}):\n{result.stdout[-4000:]}\n{result.stderr[-8000:]}"
        )
    return result


def course_copy(target: Path) -> Path:
    """A copy of the course (config and sources, no gradebook) in ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(COURSE / "nbgrader_config.py", target)
    shutil.copytree(COURSE / "source", target / "source")
    return target


def notebook_path(base: Path, assignment: str) -> Path:
    return base / assignment / f"{assignment}.ipynb"


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def nbgrader_cells(notebook) -> dict:
    """grade_id -> cell, for every cell with nbgrader metadata."""
    return {c.metadata["nbgrader"]["grade_id"]: c for c in notebook.cells if "nbgrader" in c.metadata}


def is_solution(cell) -> bool:
    return bool(cell.metadata.get("nbgrader", {}).get("solution"))


def solution_answers(source_notebook) -> dict[str, str]:
    """What a perfect student writes: each solution cell of the source, without the markers."""
    answers = {}
    for grade_id, cell in nbgrader_cells(source_notebook).items():
        if is_solution(cell):
            text = SOLUTION_REGION.sub("", cell.source)
            answers[grade_id] = MARK_SCHEME_REGION.sub("\n", text).strip() if cell.cell_type == "markdown" else text
    return answers


def make_submission(release_notebook, answers: dict[str, str]):
    """The release notebook with the given solution cells filled in (others left untouched)."""
    notebook = copy.deepcopy(release_notebook)
    cells = nbgrader_cells(notebook)
    unknown = set(answers) - {grade_id for grade_id, cell in cells.items() if is_solution(cell)}
    if unknown:
        raise KeyError(f"not solution cells of this assignment: {sorted(unknown)}")
    for grade_id, text in answers.items():
        cells[grade_id].source = text
    return notebook


def submit(course: Path, student: str, assignment: str, notebook) -> None:
    path = notebook_path(course / "submitted" / student, assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)


def grades(course: Path, assignment: str, student: str) -> dict[str, dict]:
    """grade_id -> {score, max_score, auto_score, needs_manual_grade} from the gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook(assignment, assignment, student)
        return {
            g.name: {
                "score": g.score,
                "max_score": g.max_score,
                "auto_score": g.auto_score,
                "needs_manual_grade": g.needs_manual_grade,
            }
            for g in notebook.grades
        }


def stderr_in_test_cells(notebook) -> dict[str, str]:
    """Test cells whose output includes stderr text (nbgrader scores such a cell 0)."""
    found = {}
    for grade_id, cell in nbgrader_cells(notebook).items():
        if cell.cell_type == "code" and cell.metadata["nbgrader"].get("grade") and not is_solution(cell):
            text = "".join(
                o.get("text", "")
                for o in cell.get("outputs", [])
                if o.get("output_type") == "stream" and o.get("name") == "stderr"
            )
            if text:
                found[grade_id] = text
    return found


def kernels_per_batch() -> int:
    """Submissions one round trip grades at once: the machine's cores shared among pytest-xdist's
    workers, each of which may run a batch at the same time (never more kernels than cores)."""
    return max(1, (os.cpu_count() or 1) // int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")))


def grade_with_the_course_grader(course: Path, assignment: str, *extra: str) -> subprocess.CompletedProcess:
    """``python -m grading`` with the course's settings (plus ``extra`` flags), as instructors run
    it, with as many workers as :func:`kernels_per_batch` allows."""
    run_dir = course.parent / f"run-{assignment}"
    workers = ("--workers", str(kernels_per_batch()))
    result = run_grader(
        course, assignment, "--run-dir", str(run_dir), *workers, *extra, env=nbgrader_env(), timeout=3000
    )
    if result.returncode != 0:
        raise AssertionError(
            f"python -m grading failed for {assignment} ({result.returncode}):\n"
            f"{result.stdout[-6000:]}\n{result.stderr[-6000:]}"
        )
    return result


def round_trip_submissions(
    assignment: str, gaming_stops_at_its_tests: bool = False
) -> dict[str, nbformat.NotebookNode]:
    """student id -> notebook: the solution, the untouched release, the plausible wrong answer,
    functions returning an always-equal object, each gaming submission (``gaming-NAME``) and each
    honest alternative solution (``honest-NAME``).

    Built from the committed ``source/`` and ``release/`` notebooks and ``tests/submissions/``.
    ``gaming_stops_at_its_tests``: a gaming submission answers only the cells up to the last test
    it games and leaves the later answers as released. The tests check only those test cells,
    whose results later cells cannot change (the notebook runs top to bottom), and the later
    tasks' hidden tests then fail at once instead of training models on the grader's draws.
    """
    from submissions import cheating_answers, load

    instructor = read(notebook_path(COURSE / "source", assignment))
    released = read(notebook_path(COURSE / "release", assignment))
    cells = nbgrader_cells(instructor)
    code_answers = {k: v for k, v in solution_answers(instructor).items() if cells[k].cell_type == "code"}
    module = load(assignment)
    notebooks = {
        "solution": make_submission(released, solution_answers(instructor)),
        "untouched": released,
        "wrong": make_submission(released, dict(code_answers, **module.WRONG["answers"])),
        "cheater": make_submission(released, cheating_answers(code_answers)),
    }
    order = [cell.metadata.get("nbgrader", {}).get("grade_id") for cell in released.cells]
    for name, entry in module.GAMING.items():
        answers = dict(code_answers, **entry["answers"])
        if gaming_stops_at_its_tests:
            last = max(order.index(test) for test in entry["zero"])
            answers = {key: code for key, code in answers.items() if order.index(key) < last}
        notebooks[f"gaming-{name}"] = make_submission(released, answers)
    for name, entry in getattr(module, "HONEST", {}).items():
        notebooks[f"honest-{name}"] = make_submission(released, dict(code_answers, **entry["answers"]))
    return notebooks


def plain_students(assignment: str) -> list[str]:
    """The two submissions of ``assignment`` also graded by plain nbgrader (``PLAIN`` in its submissions)."""
    from submissions import load

    plain = load(assignment).PLAIN
    return [f"gaming-{plain['gaming']}", f"honest-{plain['honest']}"]


def grade_with_plain_nbgrader(course: Path, assignment: str) -> Path:
    """A fresh course copy in ``course`` with ``assignment`` released, its :func:`plain_students`
    submitted, graded by ``nbgrader autograde`` (no sandbox, no guard) and given feedback by
    ``nbgrader generate_feedback``: the instructor's workflow of ``exercises/README.md`` without the grader."""
    course_copy(course)
    nbgrader(course, "generate_assignment", assignment)
    notebooks = round_trip_submissions(assignment, gaming_stops_at_its_tests=True)
    for student in plain_students(assignment):
        submit(course, student, assignment, notebooks[student])
    nbgrader(course, "autograde", assignment, "--force")
    nbgrader(course, "generate_feedback", assignment, "--force")
    return course


def grade_round_trip(course: Path, assignment: str, students: list[str] | None = None, seed: int = 0) -> Path:
    """A fresh course copy in ``course`` with ``assignment`` released, the round-trip submissions
    (or only ``students`` of them) submitted and graded by ``python -m grading --seed SEED``."""
    course_copy(course)
    nbgrader(course, "generate_assignment", assignment)
    for student, notebook in round_trip_submissions(assignment, gaming_stops_at_its_tests=True).items():
        if students is None or student in students:
            submit(course, student, assignment, notebook)
    grade_with_the_course_grader(course, assignment, "--seed", str(seed))
    return course


def execution_seconds(cell) -> float:
    """How long an executed cell ran, from the timing nbclient records in its metadata (0 if none)."""
    timing = cell.metadata.get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return 0.0
    return (
        datetime.fromisoformat(end.replace("Z", "+00:00")) - datetime.fromisoformat(start.replace("Z", "+00:00"))
    ).total_seconds()
