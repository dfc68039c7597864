"""The grader's own logic without kernels: seconds, not minutes.

Each run here is the real ``grading.grade`` (intake, the worker's nbgrader ``Autograde`` in a
scratch course, checks, merge into the gradebook, feedback, report, resume) with one step
replaced: the cells are not executed (``SafeExecute.preprocess`` is a stub), so no kernel
starts. A test cell "fails" when the submission's answer contains ``FAIL_MARK``. Kernel round
trips are in ``tests/test_grading.py`` (marked slow).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import grading_fixtures as fx
import nbformat
import pytest

from grading import Options, grade, worker
from grading.kernel import SafeExecute

FAIL_MARK = "x + x"  # fx.WRONG_SQUARE: test_square fails (3/5)


@pytest.fixture(scope="session")
def course_template(tmp_path_factory) -> Path:
    return fx.build_course(tmp_path_factory.mktemp("template") / "course")


def no_kernel_preprocess(self, nb, resources=None, km=None):
    """Stands for running the notebook: a test cell fails after an answer containing FAIL_MARK."""
    failing = any(FAIL_MARK in cell.source for cell in nb.cells)
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade_id") == "test_square":
            cell.outputs = (
                [nbformat.v4.new_output("error", ename="AssertionError", evalue="wrong", traceback=[])]
                if failing
                else []
            )
    return nb, resources


class FakeWorker:
    """``grading.worker.grade`` in this process, without kernels; records whom it graded."""

    def __init__(self, monkeypatch, delay: float = 0.0):
        monkeypatch.setattr(SafeExecute, "preprocess", no_kernel_preprocess)
        self.graded: list[str] = []
        self.delay = delay
        self.lock = threading.Lock()

    def __call__(self, job: dict) -> dict:
        with self.lock:  # nbgrader's apps are not made to run in two threads at once
            self.graded.append(job["student"])
            time.sleep(self.delay)
            return worker.grade(job)


def run(course: Path, subs: Path, run_dir: Path, fake: FakeWorker, **options) -> dict:
    options.setdefault("sandbox", "off")
    options.setdefault("feedback", False)
    return grade(
        Options(course=course, assignment=fx.ASSIGNMENT, submissions=subs, run_dir=run_dir, **options),
        log=lambda message: None,
        grade_job=fake,
    )


def gradebook_rows(course: Path) -> list[tuple]:
    db = sqlite3.connect(course / "gradebook.db")
    try:
        return sorted(db.execute("SELECT student_id, assignment_id FROM submitted_assignment").fetchall())
    finally:
        db.close()


SCORES = {"s1": 5, "s2": 3, "s3": 5, "s4": 5}


@pytest.fixture
def batch(course_template, tmp_path):
    """A course copy and four submissions (s2 answers square wrongly)."""
    course = fx.copy_course(course_template, tmp_path / "course")
    subs = tmp_path / "subs"
    for student in SCORES:
        answers = {"square": fx.WRONG_SQUARE} if student == "s2" else None
        fx.submit(subs, student, fx.answered(course, answers))
    return course, subs


def scores(report: dict) -> dict[str, float]:
    return {s["student"]: s.get("score") for s in report["students"]}


# ------------------------------------------------------------------ the pipeline without kernels


def test_a_batch_is_graded_into_the_gradebook_without_kernels(batch, tmp_path, monkeypatch):
    course, subs = batch
    report = run(course, subs, tmp_path / "run", FakeWorker(monkeypatch), feedback=True)
    assert scores(report) == SCORES
    assert [row[0] for row in gradebook_rows(course)] == sorted(SCORES)
    assert (course / "feedback" / "s2" / fx.ASSIGNMENT / f"{fx.ASSIGNMENT}.html").exists()
    assert json.loads((tmp_path / "run" / "report.json").read_text())["students"] == report["students"]


def test_the_report_says_when_the_run_started(batch, tmp_path, monkeypatch):
    course, subs = batch
    before = datetime.now().replace(microsecond=0)
    report = run(course, subs, tmp_path / "run", FakeWorker(monkeypatch, delay=0.7))
    assert datetime.now() - before >= timedelta(seconds=2.5)  # the grading took a while
    assert before <= datetime.fromisoformat(report["started"]) <= before + timedelta(seconds=1)


# ------------------------------------------------------------------ files kept out, as nbgrader keeps them


def test_files_the_course_ignores_never_reach_autograded_or_the_scratch_course(batch, tmp_path, monkeypatch):
    # exercises/nbgrader_config.py keeps each assignment's text source (solutions and hidden
    # tests) out of releases with c.CourseDirectory.ignore; plain nbgrader autograde honours it.
    course, subs = batch
    source = course / "source" / fx.ASSIGNMENT
    (source / f"{fx.ASSIGNMENT}.py").write_text("# SECRET_SQUARE: the hidden tests in text\n")
    (source / "kept.csv").write_text("1,2\n")
    with open(course / "nbgrader_config.py", "a") as handle:
        handle.write("c.CourseDirectory.ignore = ['.ipynb_checkpoints', '*.pyc', '__pycache__', 'feedback', '*.py']\n")
    (subs / "s1" / "notes.py").write_text("# the student's own, also ignored by nbgrader\n")
    run_dir = tmp_path / "run"
    run(course, subs, run_dir, FakeWorker(monkeypatch))
    autograded = course / "autograded" / "s1" / fx.ASSIGNMENT
    assert sorted(p.name for p in autograded.iterdir()) == ["data.txt", f"{fx.ASSIGNMENT}.ipynb", "kept.csv"]
    assert list((run_dir / "jobs").rglob(f"{fx.ASSIGNMENT}.py")) == []  # where kernels without a sandbox look


# ------------------------------------------------------------------ resume


def test_a_second_run_in_the_same_folder_grades_only_who_is_not_finished(batch, tmp_path, monkeypatch):
    course, subs = batch
    run_dir = tmp_path / "run"
    first = FakeWorker(monkeypatch)
    report = run(course, subs, run_dir, first)
    assert sorted(first.graded) == sorted(SCORES)
    fx.submit(subs, "s6", fx.answered(course))  # a late submission
    second = FakeWorker(monkeypatch)
    report = run(course, subs, run_dir, second)
    assert second.graded == ["s6"]
    assert scores(report) == dict(SCORES, s6=5)
    assert [row[0] for row in gradebook_rows(course)] == sorted([*SCORES, "s6"])


def test_a_run_folder_of_another_run_is_refused(batch, tmp_path, monkeypatch):
    from grading import CourseError

    course, subs = batch
    run(course, subs, tmp_path / "run", FakeWorker(monkeypatch))
    with pytest.raises(CourseError, match="another run"):
        run(course, subs, tmp_path / "run", FakeWorker(monkeypatch), seed=9)


class Crash(BaseException):
    """Stands for SIGKILL: nothing after it runs, no clean-up, no ``except Exception``."""


CRASH_POINTS = {  # where: the function that stops the grader on its third call (of a student's record)
    "merge-copy": ("shutil", "copytree"),
    "merge-gradebook": ("grading.runner", "SaveAutoGrades"),
    "feedback": ("grading.feedback", "write_feedback"),
    "record-write": ("grading.runner", "write_atomic"),
    "record-rename": ("os", "replace"),
}


@pytest.mark.parametrize("where", [*CRASH_POINTS, "report"])
def test_a_batch_killed_at_any_step_completes_when_run_again(batch, tmp_path, monkeypatch, where):
    import importlib

    course, subs = batch
    run_dir = tmp_path / "run"
    module, name = CRASH_POINTS.get(where, ("grading.runner", "write_atomic"))
    module = importlib.import_module(module)
    original, calls = getattr(module, name), []

    def crashing(*args, **kwargs):
        results = where.startswith("record") and "results" not in str(args[0])
        if threading.current_thread() is threading.main_thread() and not results:  # the grader, not a lane
            calls.append(args)
            last = where == "report" and Path(args[0]).name == "report.json"
            if last or (where != "report" and len(calls) == 3):
                raise Crash(where)
        return original(*args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(module, name, crashing)
        with pytest.raises(Crash):
            run(course, subs, run_dir, FakeWorker(monkeypatch), feedback=True)
    again = FakeWorker(monkeypatch)
    report = run(course, subs, run_dir, again, feedback=True)
    assert scores(report) == SCORES
    assert [s["status"] for s in report["students"]] == ["graded"] * len(SCORES)
    assert [row[0] for row in gradebook_rows(course)] == sorted(SCORES)  # each student once
    recorded = sorted(p.name for p in (run_dir / "results").iterdir())
    assert recorded == sorted(f"{student}.json" for student in SCORES)  # no half-written record left
    for student in SCORES:
        autograded = course / "autograded" / student / fx.ASSIGNMENT
        assert sorted(p.name for p in autograded.iterdir()) == ["data.txt", f"{fx.ASSIGNMENT}.ipynb"]
        assert (course / "feedback" / student / fx.ASSIGNMENT / f"{fx.ASSIGNMENT}.html").exists()
    assert len(again.graded) < len(SCORES)  # the finished were not graded again
