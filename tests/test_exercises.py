"""The nbgrader course in exercises/ (CONTRIBUTING.md §6).

Fast checks (seconds): every chapter has an assignment of the agreed shape, ``release/`` is
what ``nbgrader generate_assignment`` makes of ``source/`` and gives away no solution,
hidden test or mark scheme.

The round trip (minutes, marked ``slow``) grades the submissions of every assignment
headless with the course's own grader, ``python -m grading`` with its default settings, on
a temporary copy of the course: the instructor's solution must get full marks, the
untouched release zero (without a crash), a plausible wrong answer exactly the partial
marks stated in ``tests/submissions/<assignment>.py``, every gaming submission there zero
on the test cells it games, every honest alternative solution there full marks, and functions
returning an object that equals anything nothing at all; feedback must be generated without the
hidden tests. One gaming and one honest submission per assignment are also graded by plain
``nbgrader autograde`` and given feedback by ``nbgrader generate_feedback``.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from book import colab_setup_source, repository_url
from exercise_helpers import (
    ASSIGNMENTS,
    COURSE,
    MARKS,
    course_copy,
    grade_round_trip,
    grade_with_plain_nbgrader,
    grades,
    is_solution,
    nbgrader,
    nbgrader_cells,
    notebook_path,
    plain_students,
    read,
    solution_answers,
    stderr_in_test_cells,
)
from submissions import load as load_submissions

EXPECTED_ASSIGNMENTS = [
    "01_mnist",
    "02_imdb",
    "03_reuters",
    "04_boston",
    "05_regularization",
    "06_convnets",
    "07_transfer",
]
BASE_STUDENTS = ("solution", "untouched", "wrong", "cheater")
GAMING = {assignment: load_submissions(assignment).GAMING for assignment in EXPECTED_ASSIGNMENTS}
GAMING_CASES = [(assignment, name) for assignment, entries in GAMING.items() for name in entries]
HONEST = {assignment: getattr(load_submissions(assignment), "HONEST", {}) for assignment in EXPECTED_ASSIGNMENTS}
HONEST_CASES = [(assignment, name) for assignment, entries in HONEST.items() for name in entries]


def students(assignment: str) -> list[str]:
    return [
        *BASE_STUDENTS,
        *(f"gaming-{name}" for name in GAMING[assignment]),
        *(f"honest-{name}" for name in HONEST[assignment]),
    ]


def source(assignment: str):
    return read(notebook_path(COURSE / "source", assignment))


def release(assignment: str):
    return read(notebook_path(COURSE / "release", assignment))


def is_test_cell(cell) -> bool:
    meta = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "code" and meta.get("grade") and not meta.get("solution")


def region_lines(text: str, begin: str, end: str) -> list[str]:
    """Lines strictly between ``begin`` and ``end`` marker lines."""
    lines, inside = [], False
    for line in text.splitlines():
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        elif inside:
            lines.append(line.strip())
    return lines


SOLUTION, HIDDEN_TESTS, MARK_SCHEME = MARKS.solution, MARKS.hidden_tests, MARKS.mark_scheme
CODE_REGIONS = re.compile(
    "|".join(rf"[^\n]*{re.escape(begin)}.*?{re.escape(end)}" for begin, end in (SOLUTION, HIDDEN_TESTS)), re.DOTALL
)


def secret_lines(notebook, regions=(SOLUTION, HIDDEN_TESTS, MARK_SCHEME), model_answers: bool = True) -> set[str]:
    """Substantial lines that occur only inside the given regions (and written model answers): not
    within any line outside them (a message a hidden test shares with a visible one is no secret)."""
    secret, public = set(), []
    for cell in notebook.cells:
        for begin, end in regions:
            secret.update(region_lines(cell.source, begin, end))
        if not is_solution(cell):  # a written answer is entirely the model answer
            public.append(re.sub(CODE_REGIONS, "", cell.source))
        elif cell.cell_type == "markdown" and model_answers:
            secret.update(line.strip() for line in cell.source.splitlines())
    shown = "\n".join(public)
    return {line for line in secret if len(line) >= 25 and not line.startswith("#") and line not in shown}


# ------------------------------------------------------------------ fast checks
def test_one_assignment_per_chapter():
    assert ASSIGNMENTS == EXPECTED_ASSIGNMENTS
    for assignment in ASSIGNMENTS:
        assert notebook_path(COURSE / "source", assignment).exists()
        assert notebook_path(COURSE / "release", assignment).exists()
    assert sorted(p.name for p in (COURSE / "release").iterdir()) == EXPECTED_ASSIGNMENTS


@pytest.mark.parametrize("assignment", EXPECTED_ASSIGNMENTS)
def test_assignment_shape(assignment):
    notebook = source(assignment)
    cells = nbgrader_cells(notebook)
    tasks = [c for c in notebook.cells if c.cell_type == "markdown" and c.source.startswith("## Task ")]
    assert 3 <= len(tasks) <= 6, f"{len(tasks)} tasks"
    tests = [c for c in cells.values() if is_test_cell(c)]
    manual = [c for c in cells.values() if c.cell_type == "markdown" and is_solution(c)]
    assert tests and all(c.metadata["nbgrader"]["points"] > 0 for c in tests)
    assert len(manual) == 1 and manual[0].metadata["nbgrader"]["points"] > 0, "one written question graded by hand"
    assert MARK_SCHEME[0] in manual[0].source
    for cell in tests:
        assert cell.metadata["nbgrader"]["locked"]
        assert HIDDEN_TESTS[0] in cell.source, f"{cell.metadata['nbgrader']['grade_id']} has no hidden tests"
    # Task headings announce the points their test cells award.
    announced = sum(int(m) for c in tasks for m in re.findall(r"\((\d+) points?\)", c.source.splitlines()[0]))
    assert announced == sum(c.metadata["nbgrader"]["points"] for c in tests)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code[0].source == colab_setup_source(repository_url()), "the first code cell installs lib on Colab"
    setup = cells["setup"]
    assert setup.metadata["nbgrader"]["locked"] and "seed_everything(SEED)" in setup.source
    assert notebook.metadata["kernelspec"]["name"] == "python3"


def test_release_matches_source(tmp_path):
    """``release/`` is exactly what ``nbgrader generate_assignment`` makes of ``source/``."""
    course = course_copy(tmp_path / "course")
    nbgrader(course, "generate_assignment", "*", "--force", "--no-db")
    assert not (course / "gradebook.db").exists()
    stale = []
    for assignment in ASSIGNMENTS:
        generated = notebook_path(course / "release", assignment)
        committed = notebook_path(COURSE / "release", assignment)
        if generated.read_text() != committed.read_text():
            new, old = read(generated), read(committed)
            cells = [i for i, (a, b) in enumerate(zip(new.cells, old.cells)) if a != b]
            stale.append(f"{assignment} (cells {cells or 'count/metadata'})")
    assert not stale, (
        "release/ is out of date for "
        + ", ".join(stale)
        + "; run `cd exercises && nbgrader generate_assignment ID --force --no-db`"
    )


@pytest.mark.parametrize("assignment", EXPECTED_ASSIGNMENTS)
def test_release_gives_nothing_away(assignment):
    text = notebook_path(COURSE / "release", assignment).read_text()
    for marker in (*SOLUTION, *HIDDEN_TESTS, *MARK_SCHEME):
        assert marker not in text, marker
    released = release(assignment)
    released_lines = {line.strip() for cell in released.cells for line in cell.source.splitlines()}
    secrets = secret_lines(source(assignment))
    assert len(secrets) >= 10, "the check needs solution and hidden-test lines to look for"
    leaked = sorted(secrets & released_lines)
    assert not leaked, f"solution or hidden-test lines in the release: {leaked[:5]}"
    for grade_id, cell in nbgrader_cells(released).items():
        if is_solution(cell):
            stub = "YOUR ANSWER HERE" if cell.cell_type == "markdown" else "raise NotImplementedError()"
            assert stub in cell.source, grade_id


# ------------------------------------------------------------------ the round trip
def graded_once(tmp_path_factory, prefix: str, grade):
    """``graded(assignment)``: ``grade(course, assignment)`` on a fresh course copy, once a session per assignment."""
    courses: dict[str, Path] = {}

    def graded(assignment: str) -> Path:
        if assignment not in courses:
            course = tmp_path_factory.mktemp(f"{prefix}-{assignment}") / "course"
            courses[assignment] = grade(course, assignment)
        return courses[assignment]

    return graded


@pytest.fixture(scope="session")
def graded_course(tmp_path_factory):
    """``graded_course(assignment)``: that assignment's course copy, every kind of student graded by the grader."""
    return graded_once(tmp_path_factory, "graded", grade_round_trip)


def autograded(course: Path, student: str, assignment: str):
    return read(notebook_path(course / "autograded" / student, assignment))


def auto_scores(result: dict) -> dict:
    return {grade_id: g["auto_score"] for grade_id, g in result.items()}


@pytest.mark.slow
@pytest.mark.parametrize("assignment", EXPECTED_ASSIGNMENTS)
def test_solution_gets_full_marks(graded_course, assignment):
    result = grades(graded_course(assignment), assignment, "solution")
    manual = [
        gid for gid, c in nbgrader_cells(source(assignment)).items() if c.cell_type == "markdown" and is_solution(c)
    ]
    for grade_id, grade in result.items():
        if grade_id in manual:
            assert grade["needs_manual_grade"], "a written answer waits for a human grader"
        else:
            assert grade["auto_score"] == grade["max_score"] > 0, (grade_id, grade)


@pytest.mark.slow
@pytest.mark.parametrize("assignment", EXPECTED_ASSIGNMENTS)
def test_untouched_release_gets_zero(graded_course, assignment):
    assert notebook_path(graded_course(assignment) / "autograded" / "untouched", assignment).exists()
    result = grades(graded_course(assignment), assignment, "untouched")
    assert all(g["auto_score"] == 0 and not g["needs_manual_grade"] for g in result.values()), auto_scores(result)


@pytest.mark.slow
@pytest.mark.parametrize("assignment", EXPECTED_ASSIGNMENTS)
def test_wrong_answers_get_partial_marks(graded_course, assignment):
    result = grades(graded_course(assignment), assignment, "wrong")
    expected = load_submissions(assignment).WRONG["expected"]
    automatic = {gid: g for gid, g in result.items() if not gid.startswith("question_")}
    assert set(expected) == set(automatic), "every autograded cell needs an expected score"
    assert {gid: g["auto_score"] for gid, g in automatic.items()} == expected
    total, maximum = sum(expected.values()), sum(g["max_score"] for g in automatic.values())
    assert 0 < total < maximum


@pytest.mark.slow
@pytest.mark.parametrize(("assignment", "name"), GAMING_CASES)
def test_gaming_submissions_get_nothing_for_what_they_skip(graded_course, assignment, name):
    """A submission that skips the learning goal scores 0 on the test cells it games."""
    result = grades(graded_course(assignment), assignment, f"gaming-{name}")
    zero = GAMING[assignment][name]["zero"]
    assert zero and set(zero) <= set(result), f"unknown test cells in {name}: {set(zero) - set(result)}"
    assert {gid: result[gid]["auto_score"] for gid in zero} == dict.fromkeys(zero, 0), auto_scores(result)


@pytest.mark.slow
@pytest.mark.parametrize(("assignment", "name"), HONEST_CASES)
def test_honest_alternatives_get_full_marks(graded_course, assignment, name):
    """A correct solution written another way (functional API, other valid choices) loses nothing."""
    result = grades(graded_course(assignment), assignment, f"honest-{name}")
    automatic = {gid: g for gid, g in result.items() if not g["needs_manual_grade"]}
    assert automatic and all(g["auto_score"] == g["max_score"] for g in automatic.values()), auto_scores(result)


@pytest.mark.parametrize("assignment", EXPECTED_ASSIGNMENTS)
def test_every_assignment_is_tried_by_four_cheats_and_two_honest_alternatives(assignment):
    assert len(GAMING[assignment]) >= 4, f"{len(GAMING[assignment])} gaming submissions"
    assert len(HONEST[assignment]) >= 2, f"{len(HONEST[assignment])} honest alternatives"
    plain = load_submissions(assignment).PLAIN
    assert plain["gaming"] in GAMING[assignment] and plain["honest"] in HONEST[assignment]


@pytest.mark.slow
@pytest.mark.parametrize("assignment", EXPECTED_ASSIGNMENTS)
def test_objects_that_equal_anything_get_nothing(graded_course, assignment):
    """Every function answered with an object whose ``__eq__`` always returns True: zero points."""
    result = grades(graded_course(assignment), assignment, "cheater")
    assert all(g["auto_score"] == 0 for g in result.values()), auto_scores(result)


@pytest.mark.slow
@pytest.mark.parametrize("assignment", EXPECTED_ASSIGNMENTS)
def test_test_cells_are_quiet(graded_course, assignment):
    """No test cell of the solution or the wrong answer wrote to stderr (nbgrader scores such a cell 0).

    How long test cells take is measured, not asserted: ``tools/exercise_margins.py`` prints the
    slowest test cell of each grading (goal: under 30 s on two cores).
    """
    for student in ("solution", "wrong"):
        notebook = autograded(graded_course(assignment), student, assignment)
        assert not stderr_in_test_cells(notebook), student


@pytest.mark.slow
@pytest.mark.parametrize("assignment", EXPECTED_ASSIGNMENTS)
def test_worker_logs_hold_no_traceback(graded_course, assignment):
    """The workers' logs (where a failed grading points the instructor) hold no traceback of the
    worker's own machinery: a heartbeat thread of jupyter_client used to meet a context the kernel
    manager had already destroyed, after most TensorFlow kernels. (The kernels' stderr goes there
    too: ipykernel's own threads may still print a traceback as a kernel shuts down.)"""
    logs = sorted((graded_course(assignment).parent / f"run-{assignment}").glob("worker-*.log"))
    assert logs
    machinery = re.compile(r'File "[^"]*/(jupyter_client|nbclient|nbgrader|zmq|grading)/')
    for log in logs:
        for traceback in log.read_text(errors="replace").split("Traceback (most recent call last)")[1:]:
            frames = traceback.split("\n\n")[0]
            assert not machinery.search(frames), (log.name, frames[:3000])


@pytest.mark.slow
@pytest.mark.parametrize("assignment", EXPECTED_ASSIGNMENTS)
def test_feedback_without_hidden_tests(graded_course, assignment):
    """Feedback exists and shows the visible tests, but no hidden test (not even the line that
    failed: a failing hidden assertion often *is* the answer) and no mark scheme."""
    instructor = source(assignment)
    answers = {line.strip() for text in solution_answers(instructor).values() for line in text.splitlines()}
    # a hidden test may repeat a line of the solution; the student's own code may show that line
    secrets = secret_lines(instructor, regions=(HIDDEN_TESTS, MARK_SCHEME), model_answers=False) - answers
    assert secrets
    visible = [
        line.strip()
        for c in release(assignment).cells
        if is_test_cell(c)
        for line in c.source.splitlines()
        if line.strip().startswith("assert")
    ]
    for student in students(assignment):
        path = graded_course(assignment) / "feedback" / student / assignment / f"{assignment}.html"
        assert path.exists(), f"no feedback for {student}"
        text = feedback_text(path)
        lines = {line.strip() for line in text.splitlines()}
        assert lines & set(visible), "the feedback should show the visible tests"
        assert "oneDNN" not in text and "absl::" not in text, "TensorFlow's start-up lines in the feedback"
        if student == "solution":
            assert "Graded by hand: no score yet" in text and "Written response" not in text
        shown = sorted(secrets & lines)
        assert not shown, f"hidden tests or mark scheme in {student}'s feedback: {shown[:3]}"


def feedback_text(path: Path) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", path.read_text()))


@pytest.fixture(scope="session")
def plain_graded_course(tmp_path_factory):
    """``plain_graded_course(assignment)``: the PLAIN pair graded by plain nbgrader (autograde, generate_feedback)."""
    return graded_once(tmp_path_factory, "plain", grade_with_plain_nbgrader)


@pytest.mark.slow
@pytest.mark.parametrize("assignment", EXPECTED_ASSIGNMENTS)
def test_plain_nbgrader_stops_the_cheat_and_passes_the_honest_answer(plain_graded_course, assignment):
    """Without the grader's sandbox and guard, the hidden tests still stop a cheat and pass an honest answer."""
    course = plain_graded_course(assignment)
    cheat, honest = plain_students(assignment)
    zero = GAMING[assignment][cheat.removeprefix("gaming-")]["zero"]
    cheat_scores = grades(course, assignment, cheat)
    assert {gid: cheat_scores[gid]["auto_score"] for gid in zero} == dict.fromkeys(zero, 0), auto_scores(cheat_scores)
    honest_scores = grades(course, assignment, honest)
    automatic = {gid: g for gid, g in honest_scores.items() if not g["needs_manual_grade"]}
    assert all(g["auto_score"] == g["max_score"] for g in automatic.values()), auto_scores(honest_scores)


@pytest.mark.slow
@pytest.mark.parametrize("assignment", EXPECTED_ASSIGNMENTS)
def test_plain_nbgrader_feedback_shows_no_hidden_line(plain_graded_course, assignment):
    """``nbgrader generate_feedback`` (the README's step 6) leaks no hidden line, scores no written
    answer before a human has, and shows no TensorFlow start-up lines."""
    instructor = source(assignment)
    answers = {line.strip() for text in solution_answers(instructor).values() for line in text.splitlines()}
    secrets = secret_lines(instructor, regions=(HIDDEN_TESTS, MARK_SCHEME), model_answers=False) - answers
    for student in plain_students(assignment):
        path = plain_graded_course(assignment) / "feedback" / student / assignment / f"{assignment}.html"
        text = feedback_text(path)
        lines = {line.strip() for line in text.splitlines()}
        assert not sorted(secrets & lines), f"hidden lines in {student}'s feedback: {sorted(secrets & lines)[:3]}"
        pending = [
            g for g in grades(plain_graded_course(assignment), assignment, student).values() if g["needs_manual_grade"]
        ]
        if pending:  # a written answer waits for its grader: no score, and it says so
            assert "Graded by hand: no score yet" in text
            assert "Written response" not in text, "a written answer waiting for its grader shows a score"
        assert "oneDNN" not in text and "absl::" not in text, "TensorFlow's start-up lines in the feedback"
