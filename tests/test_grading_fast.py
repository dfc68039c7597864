"""The grader's own logic without kernels: seconds, not minutes.

Options: the course's ``c.Grader`` and the command line. Each grading run here is the real
``grading.grade`` (intake, the worker's nbgrader ``Autograde`` in a scratch course, checks,
merge into the gradebook, feedback, report, resume) with one step replaced: the cells are not
executed (``SafeExecute.preprocess`` is a stub), so no kernel starts. A test cell "fails" when
the submission's answer contains ``FAIL_MARK``. Kernel round trips are in
``tests/test_grading.py`` (marked slow).
"""

from __future__ import annotations

import errno
import io
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import grading_fixtures as fx
import nbformat
import pytest
from nbgrader.api import Gradebook

import grading.cli
from grading import Grader, grade, runner, student_seed, worker
from grading.cli import main
from grading.config import size
from grading.course import Course, CourseError, gradebook_digest
from grading.feedback import HIDDEN_NOTE, sanitize
from grading.intake import normalize, read_notebook
from grading.kernel import SafeExecute
from grading.sandbox import IPC_PREFIX, plan_mounts

MiB = 2**20
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
        self.policies: list[dict] = []  # each job's sandbox policy
        self.delay = delay
        self.lock = threading.Lock()

    def __call__(self, job: dict) -> dict:
        with self.lock:  # nbgrader's apps are not made to run in two threads at once
            self.graded.append(job["student"])
            self.policies.append(job["sandbox"])
            time.sleep(self.delay)
            return worker.grade(job)


def run(course: Path, subs: Path, run_dir: Path, fake: FakeWorker, **options) -> dict:
    options.setdefault("sandbox", "off")
    options.setdefault("feedback", False)
    settings = Grader.for_course(course, assignment=fx.ASSIGNMENT, submissions=subs, run_dir=run_dir, **options)
    return grade(settings, log=lambda message: None, grade_job=fake)


def gradebook_rows(course: Path) -> list[tuple]:
    db = sqlite3.connect(course / "gradebook.db")
    try:
        return sorted(db.execute("SELECT student_id, assignment_id FROM submitted_assignment").fetchall())
    finally:
        db.close()


SCORES = {"s1": 5, "s2": 3, "s3": 5}


@pytest.fixture
def batch(course_template, tmp_path):
    """A course copy and three submissions (s2 answers square wrongly)."""
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


def test_feedback_runs_no_script_a_submission_printed(batch, tmp_path, monkeypatch):
    # the page is opened by the student and by instructors; a submission's HTML output is kept
    # as markup but without scripts or event handlers
    course, subs = batch
    html = "<b>bold</b><script>alert('pwned')</script><img src=x onerror=alert(2)>"

    def with_html_output(self, nb, resources=None, km=None):
        nb, resources = no_kernel_preprocess(self, nb, resources, km)
        answer = next(c for c in nb.cells if c.cell_type == "code" and "def square" in c.source)
        answer.outputs = [nbformat.v4.new_output("display_data", data={"text/html": html, "text/plain": "b"})]
        return nb, resources

    fake = FakeWorker(monkeypatch)
    monkeypatch.setattr(SafeExecute, "preprocess", with_html_output)
    run(course, subs, tmp_path / "run", fake, feedback=True)
    page = (course / "feedback" / "s1" / fx.ASSIGNMENT / f"{fx.ASSIGNMENT}.html").read_text()
    assert "<b>bold</b>" in page
    assert "<script>alert(" not in page and "<img src=x onerror" not in page  # (shown as text: &lt;script&gt;)


def test_the_report_says_when_the_run_started(batch, tmp_path, monkeypatch):
    course, subs = batch
    before = datetime.now().replace(microsecond=0)
    report = run(course, subs, tmp_path / "run", FakeWorker(monkeypatch, delay=0.5))
    assert datetime.now() - before >= timedelta(seconds=1.5)  # the grading took a while
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


def test_a_timestamp_nbgrader_cannot_read_is_a_rejection_that_says_so(batch, tmp_path, monkeypatch):
    # nbgrader's autograde fails on it with "see the above traceback"; graded without it, a late
    # submission would lose its penalty
    course, subs = batch
    (subs / "s2" / "timestamp.txt").write_text("not a date\n")
    (subs / "s3" / "timestamp.txt").write_text("2026-12-01 10:00:00.000000 UTC\n")
    fake = FakeWorker(monkeypatch)
    report = run(course, subs, tmp_path / "run", fake)
    s2 = next(s for s in report["students"] if s["student"] == "s2")
    assert s2["status"] == "rejected" and "timestamp.txt holds 'not a date'" in s2["messages"][0], s2
    assert sorted(fake.graded) == ["s1", "s3"] and scores(report)["s3"] == SCORES["s3"]


def test_a_submission_s_other_files_are_copied_up_to_a_total_and_its_notebook_always(batch, tmp_path, monkeypatch):
    # a submission is copied three times (archive, prepared, the kernel's copy): a folder of data
    # shipped with it must not fill the grader's disk, and must not push the notebook out
    course, subs = batch
    monkeypatch.setattr(runner, "MAX_OTHER_FILES", (1000, 2))  # bytes, files
    for name, length in {"a.bin": 600, "b.bin": 600, "c.bin": 10, "d.bin": 10}.items():
        (subs / "s1" / name).write_bytes(b"x" * length)
    run_dir = tmp_path / "run"
    report = run(course, subs, run_dir, FakeWorker(monkeypatch))
    assert (subs / "s1" / f"{fx.ASSIGNMENT}.ipynb").stat().st_size > 1000  # larger than the whole budget
    assert scores(report)["s1"] == SCORES["s1"]
    archived = sorted(p.name for p in (run_dir / "originals" / "s1").iterdir())
    assert archived == sorted([f"{fx.ASSIGNMENT}.ipynb", "a.bin", "c.bin"])
    messages = next(s["messages"] for s in report["students"] if s["student"] == "s1")
    ignored = sorted(m.split(":")[0] for m in messages if "may add up to" in m)
    assert ignored == ["ignored b.bin", "ignored d.bin"], messages


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


def test_a_damaged_record_in_the_run_folder_means_grading_that_student_again(batch, tmp_path, monkeypatch):
    # the grader writes each record whole or not at all; one damaged by anything else (a disk
    # error, a hand edit) is not a reason to stop, nor to trust it
    course, subs = batch
    run_dir = tmp_path / "run"
    run(course, subs, run_dir, FakeWorker(monkeypatch))
    for record in ("results/s2.json", "results/s3.json", "answers/s3.json"):
        (run_dir / record).write_bytes((run_dir / record).read_bytes()[:40])
    again = FakeWorker(monkeypatch)
    report = run(course, subs, run_dir, again)
    # s2: recorded again from the worker's answer; s3, whose answer is damaged too: graded again
    assert again.graded == ["s3"] and report["recorded_from_earlier_run"] == 1
    assert scores(report) == SCORES
    assert [row[0] for row in gradebook_rows(course)] == sorted(SCORES)
    (run_dir / "run.json").write_text("{")
    with pytest.raises(CourseError, match="run.json is damaged"):
        run(course, subs, run_dir, FakeWorker(monkeypatch))


def test_a_run_folder_of_another_run_is_refused(batch, tmp_path, monkeypatch):
    from grading import CourseError

    course, subs = batch
    run(course, subs, tmp_path / "run", FakeWorker(monkeypatch))
    with pytest.raises(CourseError, match="another run"):
        run(course, subs, tmp_path / "run", FakeWorker(monkeypatch), seed=9)


def test_a_second_grader_on_the_same_course_stops_and_the_first_keeps_every_grade(batch, tmp_path, monkeypatch):
    course, subs = batch
    others = tmp_path / "others"
    fx.submit(others, "t1", fx.answered(course))
    refusals: list[str] = []

    class Meanwhile(FakeWorker):
        def __call__(self, job):
            if not refusals:  # while the first grader grades its first student, a second one starts
                with pytest.raises(CourseError) as refused:
                    run(course, others, tmp_path / "run-2", FakeWorker(monkeypatch))
                refusals.append(str(refused.value))
            return super().__call__(job)

    report = run(course, subs, tmp_path / "run", Meanwhile(monkeypatch))
    assert "another python -m grading (pid " in refusals[0] and "one grader at a time" in refusals[0]
    assert scores(report) == SCORES and not report["problems"], report["problems"]
    assert [row[0] for row in gradebook_rows(course)] == sorted(SCORES)
    # and once the first has ended, the second grades
    assert scores(run(course, others, tmp_path / "run-2", FakeWorker(monkeypatch))) == {"t1": 5}


class InstructorMeanwhile(FakeWorker):
    """Grades as FakeWorker; while grading s2, the instructor adds a student in nbgrader's formgrader."""

    def __init__(self, monkeypatch, course: Path):
        super().__init__(monkeypatch)
        self.course = course

    def __call__(self, job: dict) -> dict:
        if job["student"] == "s2":
            with Gradebook(f"sqlite:///{self.course / 'gradebook.db'}") as gb:
                gb.update_or_create_student("added_by_hand", first_name="Ada")
        return super().__call__(job)


def test_the_gradebook_written_meanwhile_by_formgrader_keeps_what_was_written(batch, tmp_path, monkeypatch):
    # where kernels cannot write the gradebook, a change between two records is another program's
    # (an instructor grading by hand in formgrader during a long batch): undoing it loses their work
    course, subs = batch
    fake = InstructorMeanwhile(monkeypatch, course)
    report = run(course, subs, tmp_path / "run", fake, sandbox="auto")
    assert report["containment"]["filesystem"].startswith("private mount namespace"), report["containment"]
    assert report["problems"] == [] and scores(report) == SCORES
    assert any("another program wrote the gradebook" in note for note in report["notes"])
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert gb.find_student("added_by_hand").first_name == "Ada"


def test_the_gradebook_written_meanwhile_without_a_sandbox_is_restored_and_the_change_kept_aside(
    batch, tmp_path, monkeypatch
):
    # without a sandbox a kernel could have written it: restored, but the changed copy is kept
    course, subs = batch
    fake = InstructorMeanwhile(monkeypatch, course)
    report = run(course, subs, tmp_path / "run", fake, sandbox="off")
    assert scores(report) == SCORES
    [problem] = [p for p in report["problems"] if "gradebook changed" in p]
    changed = Path(problem.rsplit("the changed one is ", 1)[1])
    with Gradebook(f"sqlite:///{changed}") as gb:
        assert gb.find_student("added_by_hand").first_name == "Ada"
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert "added_by_hand" not in {student.id for student in gb.students}


class Crash(BaseException):
    """Stands for SIGKILL: nothing after it runs, no clean-up, no ``except Exception``."""


CRASH_POINTS = {  # where: the function that stops the grader on its third call (of a student's record)
    "merge-copy": ("shutil", "copytree"),
    "merge-gradebook": ("grading.runner", "SaveAutoGrades"),
    "feedback": ("grading.feedback", "write_feedback"),
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
            run(course, subs, run_dir, FakeWorker(monkeypatch), feedback=where == "feedback")
    again = FakeWorker(monkeypatch)
    report = run(course, subs, run_dir, again, feedback=where == "feedback")
    assert scores(report) == SCORES
    assert [s["status"] for s in report["students"]] == ["graded"] * len(SCORES)
    assert [row[0] for row in gradebook_rows(course)] == sorted(SCORES)  # each student once
    recorded = sorted(p.name for p in (run_dir / "results").iterdir())
    assert recorded == sorted(f"{student}.json" for student in SCORES)  # no half-written record left
    for student in SCORES:
        autograded = course / "autograded" / student / fx.ASSIGNMENT
        assert sorted(p.name for p in autograded.iterdir()) == ["data.txt", f"{fx.ASSIGNMENT}.ipynb"]
        assert (course / "feedback" / student).exists() == (where == "feedback")
    assert len(again.graded) < len(SCORES)  # the finished were not graded again


def test_a_batch_killed_while_grading_grades_each_student_once_in_all(batch, tmp_path, monkeypatch):
    # the grader stops as it records its first student, while the others are still being graded:
    # the students already graded (recorded or not) are not graded again, the rest are
    course, subs = batch
    for student in ("s4", "s5", "s6"):
        fx.submit(subs, student, fx.answered(course))
    run_dir = tmp_path / "run"
    original = runner.write_atomic

    def crashing(path, data):
        if threading.current_thread() is threading.main_thread() and Path(path).parent.name == "results":
            raise Crash("kill")
        return original(path, data)

    first = FakeWorker(monkeypatch, delay=0.3)
    with monkeypatch.context() as patch:
        patch.setattr(runner, "write_atomic", crashing)
        with pytest.raises(Crash):
            run(course, subs, run_dir, first, workers=2)
    assert 1 <= len(first.graded) < 6
    again = FakeWorker(monkeypatch)
    report = run(course, subs, run_dir, again, workers=2)
    assert sorted(first.graded + again.graded) == ["s1", "s2", "s3", "s4", "s5", "s6"]  # nobody twice
    assert report["recorded_from_earlier_run"] == len(first.graded)
    assert scores(report) == dict(SCORES, s4=5, s5=5, s6=5)
    assert [row[0] for row in gradebook_rows(course)] == ["s1", "s2", "s3", "s4", "s5", "s6"]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_ctrl_c_records_what_was_graded_and_a_rerun_grades_the_rest(batch, tmp_path, monkeypatch, signum):
    # Ctrl-C (or SIGTERM from a scheduler) in the middle of a batch: every answer that came back
    # is recorded, nobody is recorded as failed for being stopped, the next run grades the rest
    assert threading.current_thread() is threading.main_thread(), "signals reach the main thread only"
    course, subs = batch
    run_dir = tmp_path / "run"

    class StoppedAfterTheFirst(FakeWorker):
        def __call__(self, job: dict) -> dict:
            answer = super().__call__(job)
            if len(self.graded) == 1:
                os.kill(os.getpid(), signum)
            return answer

    first = StoppedAfterTheFirst(monkeypatch, delay=0.3)
    handler_before = signal.getsignal(signum)
    with pytest.raises(runner.Interrupted) as stopped:
        run(course, subs, run_dir, first, workers=1)
    assert stopped.value.exit_status == 128 + signum
    assert f"--run-dir {run_dir}" in str(stopped.value)
    recorded = sorted(p.stem for p in (run_dir / "results").iterdir())
    assert recorded == sorted(first.graded) and len(recorded) < len(SCORES)
    assert signal.getsignal(signum) == handler_before  # the grader's handler is gone with it
    again = FakeWorker(monkeypatch)
    report = run(course, subs, run_dir, again, workers=1)
    assert sorted(first.graded + again.graded) == sorted(SCORES)  # nobody twice, nobody left out
    assert scores(report) == SCORES and report["resumed"] == len(recorded)
    assert [row[0] for row in gradebook_rows(course)] == sorted(SCORES)


# ------------------------------------------------------------------ options: nbgrader_config.py, then the command line


def settings_of(*argv: str) -> Grader:
    settings = Grader()
    settings.initialize(list(argv))
    return settings


def test_options_come_from_nbgrader_config_and_flags_override_them(course_template, tmp_path):
    from grading.runner import cell_timeout_of, sandbox_policy

    course = fx.copy_course(course_template, tmp_path / "course")
    with open(course / "nbgrader_config.py", "a") as handle:
        handle.write("c.Grader.memory = '1G'\nc.Grader.seed = 7\nc.Grader.workers = 1\nc.Grader.feedback = False\n")
    configured = settings_of("--course", str(course))
    assert (configured.memory, configured.seed, configured.workers, configured.feedback) == (2**30, 7, 1, False)
    assert cell_timeout_of(configured, Course(course)) == 30  # the course's Execute.timeout
    assert sandbox_policy(configured, Course(course), tmp_path, None).address_space_bytes == 8 * 2**30
    flagged = settings_of("--course", str(course), "--memory", "2G", "--feedback", "--hide", "/a", "--hide", "/b")
    assert (flagged.memory, flagged.seed, flagged.feedback, flagged.hide) == (2 * 2**30, 7, True, ["/a", "/b"])
    assert Grader.for_course(course, memory="300M", workers=3).memory == 300 * 2**20  # the same, from Python


def test_every_option_has_a_flag_and_help(course_template, capsys):
    settings = {"workers": 3, "cell_timeout": 9, "submission_timeout": 99, "memory": "2G", "address_space": "16G"}
    settings.update(max_output="2M", seed=5, sandbox="off", hide="/a", visible="/c", pass_env="CUDA_*")
    settings.update(bwrap="/usr/local/bin/bwrap", submissions="/s", run_dir="/r", report="/r.json", assignment="x")
    yes_no = ["no-feedback", "no-integrity-checks", "check-sandbox"]
    argv = ["--course", str(course_template)] + [f"--{name.replace('_', '-')}={v}" for name, v in settings.items()]
    parsed = settings_of(*argv, *(f"--{flag}" for flag in yes_no))
    options = {name for name, trait in Grader.class_own_traits(config=True).items()}
    assert options == {*settings, "course", "feedback", "integrity_checks", "check_sandbox"}
    for name, value in Grader.for_course(course_template).trait_values().items():
        if name in options and name != "course":
            assert getattr(parsed, name) != value, f"--{name} did not reach c.Grader.{name}"
    with pytest.raises(SystemExit) as end:
        main(["--help-all"])
    assert end.value.code == 0
    text = capsys.readouterr().out
    for name, trait in Grader.class_own_traits(config=True).items():
        assert f"--{name.replace('_', '-')}" in text and trait.help.split()[0] in text, name


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--memory", "lots"], "a size such as 3G"),
        (["--workers", "0"], "at least 1"),
        (["--bogus", "1"], "unknown option --bogus"),
        (["--Grader.wrokers=2"], "unknown option --Grader.wrokers"),
        (["stray"], "unknown option stray"),
        ([], "--assignment is required"),
    ],
)
def test_bad_options_stop_with_a_clear_message(course_template, capsys, argv, message):
    try:
        status = main(["--course", str(course_template), *argv])
    except SystemExit as end:  # traitlets itself stops on a value of the wrong type
        status = end.code
    assert status == 2
    captured = capsys.readouterr()
    assert message in captured.err + captured.out


def test_a_bad_size_in_nbgrader_config_stops_with_a_clear_message(course_template, tmp_path, capsys):
    course = fx.copy_course(course_template, tmp_path / "course")
    with open(course / "nbgrader_config.py", "a") as handle:
        handle.write("c.Grader.max_output = 'plenty'\n")
    assert main(["--course", str(course), "--assignment", fx.ASSIGNMENT]) == 2
    assert "a size such as 3G" in capsys.readouterr().err


def test_the_course_passes_its_own_variables_and_data_folder(monkeypatch, tmp_path):
    # the grader knows nothing of the book: exercises/nbgrader_config.py names what its kernels need
    monkeypatch.setenv("BDLS_DATA_DIR", str(tmp_path))
    settings = Grader.for_course(Path(__file__).resolve().parents[1] / "exercises")
    assert settings.visible == [str(tmp_path)] and "BDLS_*" in settings.pass_env


# ------------------------------------------------------------------ intake, sanitising, markers, sandbox plans


def test_sanitize_removes_hidden_source_from_outputs_too(course_template):
    course = Course(course_template)
    info = course.assignment(fx.ASSIGNMENT).notebooks[fx.ASSIGNMENT]
    nb = fx.source_notebook()
    test_cell = fx.find_cell(nb, "test_square")
    test_cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="leak: result = square(12)\n"),
        nbformat.v4.new_output(
            "error",
            ename="AssertionError",
            evalue="square of an int must be an int",
            traceback=["---", "Cell In[4], line 5", "assert type(result) is int, 'x'"],
        ),
    ]
    means_cell = fx.find_cell(nb, "test_means")
    means_cell.outputs = [
        nbformat.v4.new_output(
            "error",
            ename="AssertionError",
            evalue="\nNot equal to tolerance\n DESIRED: array([4.5, 5.5, 6.5])",
            traceback=["\x1b[36mCell\x1b[39m \x1b[32mIn[6]\x1b[39m\x1b[32m, line 7\x1b[39m", "..."],
        )
    ]
    later = fx.find_cell(nb, "means")
    later.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text='stolen: assert result == 144, "square(12) is wrong"\n')
    ]
    clean = sanitize(nb, info)
    text = json.dumps(clean)
    assert "SECRET_SQUARE" not in text and "result == 144" not in text and "square(12)" not in text
    assert "square of an int must be an int" in text
    assert "Not equal to tolerance" in text and "4.5" not in text  # a hidden failure keeps its first line only
    assert info.delimiters.strip_hidden(fx.find_cell(nb, "test_square").source, HIDDEN_NOTE).endswith(HIDDEN_NOTE)


def test_plan_mounts_covers_hidden_paths_but_keeps_needed_ones(tmp_path):
    home = tmp_path / "home"
    python = home / ".pyenv" / "versions" / "3"
    course = home / "repo" / "exercises"
    for folder in (python, course, home / "secrets", tmp_path / "subs"):
        folder.mkdir(parents=True)
    (home / "notes.txt").write_text("x")
    ops = plan_mounts([str(home), str(course), str(tmp_path / "subs")], [str(python), str(home / "repo")])
    assert ("cover", str(home)) in ops
    assert ("rebind", str(python)) in ops and ("rebind", str(home / "repo")) in ops
    assert ops.index(("cover", str(home))) < ops.index(("rebind", str(python)))
    assert ops.index(("rebind", str(home / "repo"))) < ops.index(("cover", str(course)))
    assert ("cover", str(tmp_path / "subs")) in ops
    # a target inside a covered folder needs no mount of its own; the system is never covered
    assert plan_mounts([str(home), str(home / "secrets")], []) == [("cover", str(home))]
    assert plan_mounts(["/", "/usr", str(home)], []) == [("cover", str(home))]


def test_normalize_restores_metadata_and_deleted_cells(course_template):
    info = Course(course_template).assignment(fx.ASSIGNMENT).notebooks[fx.ASSIGNMENT]
    nb = fx.answered(course_template)
    fx.find_cell(nb, "test_square").metadata["nbgrader"].update(grade=False, points=99)
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "test_means"]
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "x = 1", metadata={"nbgrader": {"grade_id": "elsewhere", "grade": True, "points": 50}}
        )
    )
    fixed, notes = normalize(nb, info)
    square = fx.find_cell(fixed, "test_square").metadata["nbgrader"]
    assert square["grade"] is True and square["points"] == 2 and square["locked"] is True
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in fixed.cells]
    assert ids.index("test_means") == ids.index("means") + 1  # restored in place
    assert "elsewhere" not in ids
    assert any("metadata edited" in n for n in notes) and any("deleted: restored" in n for n in notes)


def test_every_submission_runs_in_the_assignment_s_kernel(course_template):
    # a kernel the student names (another Python installed on the grading machine) would start
    # without the grader's start-up file: no seeding, no integrity guard
    info = Course(course_template).assignment(fx.ASSIGNMENT).notebooks[fx.ASSIGNMENT]
    assert info.kernelspec and info.kernelspec["name"] == "python3"
    nb = fx.answered(course_template)
    nb.metadata["kernelspec"] = {"name": "unguarded", "display_name": "Python (mine)", "language": "python"}
    fixed, notes = normalize(nb, info)
    assert fixed.metadata["kernelspec"] == info.kernelspec
    assert "kernel 'unguarded' replaced by the assignment's, 'python3'" in notes
    del nb.metadata["kernelspec"]
    assert normalize(nb, info)[0].metadata["kernelspec"] == info.kernelspec


def test_read_notebook_explains_damage(tmp_path):
    cases = {"cut.ipynb": '{"cells": [', "list.ipynb": "[1, 2]", "bytes.ipynb": b"\xff\xfe\x00"}
    for name, content in cases.items():
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        nb, problem = read_notebook(path, 10 * MiB)
        assert nb is None and name in problem


def test_sizes_and_seeds():
    assert size("2G") == 2 * 2**30 and size("300M") == 300 * MiB and size("512") == 512
    assert student_seed(0, "a", "x") == student_seed(0, "a", "x") != student_seed(1, "a", "x")


def test_gradebook_digest_ignores_file_layout(course_template, tmp_path):
    db = tmp_path / "copy.db"
    Course(course_template).backup_gradebook(db)
    assert gradebook_digest(db) == gradebook_digest(course_template / "gradebook.db")


def test_command_line_reports_missing_assignment(course_template, tmp_path, capsys):
    assert main(["--course", str(course_template), "--assignment", "nope", "--submissions", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert "not in the gradebook" in error and "generate_assignment nope" in error


def test_a_full_disk_stops_with_a_clear_message_and_a_rerun_finishes(batch, tmp_path, monkeypatch, capsys):
    course, subs = batch
    run_dir = tmp_path / "run"
    copy2, copies = shutil.copy2, []

    def disk_fills(source, target, **kwargs):  # as the intake copies the submissions
        copies.extend([source] if Path(source).is_relative_to(subs) else [])
        if len(copies) == 2 and Path(source).is_relative_to(subs):
            raise OSError(errno.ENOSPC, "No space left on device", str(source), None, str(target))
        return copy2(source, target, **kwargs)

    fake = FakeWorker(monkeypatch)
    argv = ["--course", str(course), "--assignment", fx.ASSIGNMENT, "--submissions", str(subs)]
    argv += ["--run-dir", str(run_dir), "--sandbox", "off", "--no-feedback"]
    without_kernels = lambda settings, **kwargs: grade(settings, log=kwargs["log"], grade_job=fake)  # noqa: E731
    monkeypatch.setattr(grading.cli, "grade", without_kernels)
    with monkeypatch.context() as patch:
        patch.setattr(shutil, "copy2", disk_fills)
        assert main(argv) == 2
    error = capsys.readouterr().err
    assert "Traceback" not in error
    assert f"error: No space left on device: {subs}" in error and "the same command" in error, error
    assert main(argv) == 0
    assert [row[0] for row in gradebook_rows(course)] == sorted(SCORES)


def test_markers_are_the_courses_own(course_template, tmp_path):
    from grading.course import NotebookInfo, delimiters

    (tmp_path / "nbgrader_config.py").write_text(
        "c = get_config()\nc.ClearHiddenTests.begin_test_delimeter = 'SECRET START'\n"
        "c.ClearHiddenTests.end_test_delimeter = 'SECRET STOP'\nc.ClearSolutions.begin_solution_delimeter = 'ANSWER'\n"
    )
    marks = delimiters(tmp_path)
    assert marks.hidden_tests == ("SECRET START", "SECRET STOP") and marks.solution == ("ANSWER", "END SOLUTION")
    assert delimiters(course_template).hidden_tests == ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS")  # nbgrader's
    source = "assert f(1) == 1\n# SECRET START\nassert f(2) == 'hidden-expected'\n# SECRET STOP"
    assert marks.hidden_lines(source) == ["assert f(2) == 'hidden-expected'"]
    cell = nbformat.v4.new_code_cell(source, metadata={"nbgrader": {"grade_id": "t", "grade": True}})
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="assert f(2) == 'hidden-expected'\n")]
    info = NotebookInfo("n", [fx_cell_info("t", marks.hidden_lines(source))], marks)
    text = json.dumps(sanitize(nbformat.v4.new_notebook(cells=[cell]), info))
    assert "hidden-expected" not in text and "SECRET START" not in text and "assert f(1) == 1" in text


def fx_cell_info(name: str, hidden: list[str]):
    from grading.course import CellInfo

    return CellInfo(name=name, cell_type="code", grade=True, locked=True, points=1.0, hidden_lines=hidden)


def test_a_closed_data_cache_stops_grading_only_where_kernels_would_run_as_nobody(monkeypatch, tmp_path):
    from grading import runner

    private = Path(tempfile.mkdtemp())  # 0700, as `mktemp -d` makes it
    settings = Grader.for_course(tmp_path, visible=[private])
    monkeypatch.setattr(runner.os, "geteuid", lambda: 0)  # a grader running as root
    try:
        monkeypatch.setattr(runner, "python_closed_to_nobody", lambda: [])  # kernels would run as nobody
        with pytest.raises(runner.CourseError, match=f"kernels run as user nobody, who cannot read {private}"):
            runner.check_visible(settings)
        monkeypatch.setattr(runner, "python_closed_to_nobody", lambda: ["/x/.venv"])  # they run as root anyway
        runner.check_visible(settings)  # and root reads the cache: no reason to stop
    finally:
        private.rmdir()


def test_kernel_folders_of_a_killed_run_are_removed_at_the_next_start():
    from grading.kernel import remove_stale_ipc_dirs

    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = Path(tempfile.mkdtemp(prefix=f"{IPC_PREFIX}{finished.stdout.strip()}-", dir="/tmp"))
    (dead / "connection.json").write_text("{}")
    legacy = Path(tempfile.mkdtemp(prefix="gk-", dir="/tmp"))  # not named after a worker: left alone
    try:
        assert str(dead) in remove_stale_ipc_dirs() and not dead.exists()
        assert legacy.exists()
    finally:
        shutil.rmtree(dead, ignore_errors=True)
        shutil.rmtree(legacy, ignore_errors=True)


# ------------------------------------------------------------------ which isolation, and progress


@pytest.mark.skipif(not shutil.which("bwrap"), reason="bubblewrap (bwrap) is not installed")
def test_kernels_run_under_bwrap_where_it_works_and_the_report_says_so(batch, tmp_path, monkeypatch):
    course, subs = batch
    fake = FakeWorker(monkeypatch)
    report = run(course, subs, tmp_path / "run", fake, sandbox="auto")
    assert report["containment"]["mechanism"] == "bubblewrap"
    assert report["containment"]["filesystem"].startswith("private mount namespace")
    assert {policy["bwrap"] for policy in fake.policies} == {shutil.which("bwrap")}
    assert scores(report) == SCORES


@pytest.mark.parametrize("bwrap", ["", "no-such-bwrap", "broken"])
def test_without_a_working_bwrap_the_grader_falls_back_to_its_own_namespaces(batch, tmp_path, monkeypatch, bwrap):
    course, subs = batch
    if bwrap == "broken":  # installed, but the machine does not let it make namespaces
        fake_bwrap = tmp_path / "bin" / "bwrap"
        fake_bwrap.parent.mkdir()
        fake_bwrap.write_text("#!/bin/sh\necho 'bwrap: No permissions to create new namespace' >&2\nexit 1\n")
        fake_bwrap.chmod(0o755)
        bwrap = str(fake_bwrap)
    fake = FakeWorker(monkeypatch)
    report = run(course, subs, tmp_path / "run", fake, sandbox="auto", bwrap=bwrap)
    assert report["containment"]["mechanism"] in ("the grader's own namespaces", "none")
    assert {policy["bwrap"] for policy in fake.policies} == {""}
    if bwrap.endswith("/bwrap"):
        assert any("No permissions to create new namespace" in w for w in report["containment"]["warnings"])
    assert scores(report) == SCORES


def test_require_refuses_to_grade_without_isolation(batch, tmp_path, monkeypatch):
    course, subs = batch

    def no_namespaces(policy, run_dir):  # what the supervisor reports where unshare() is not allowed
        return {
            "achieved": {"pid": "none", "filesystem": "none", "network": "none", "user": "grader's own user"},
            "warnings": ["no namespaces (Operation not permitted): no file-system or network isolation"],
            "events": [{"kind": "refused", "message": "sandbox required but unavailable"}],
            "probe_exit": 97,
            "probe_output": "",
            "probe_error": "",
        }

    monkeypatch.setattr(runner, "_probe", no_namespaces)
    before = gradebook_digest(course / "gradebook.db")
    fake = FakeWorker(monkeypatch)
    with pytest.raises(CourseError, match="--sandbox require: this machine does not allow the sandbox"):
        run(course, subs, tmp_path / "run", fake, sandbox="require", bwrap="no-such-bwrap")
    assert fake.graded == [] and gradebook_digest(course / "gradebook.db") == before


def test_without_a_terminal_each_finished_submission_is_a_log_line(batch, tmp_path, monkeypatch):
    course, subs = batch
    fake = FakeWorker(monkeypatch)

    def s3_fails(job: dict) -> dict:
        return {"ok": False, "error": "the grading worker died"} if job["student"] == "s3" else fake(job)

    settings = Grader.for_course(
        course, assignment=fx.ASSIGNMENT, submissions=subs, run_dir=tmp_path / "run", sandbox="off", feedback=False
    )
    lines: list[str] = []
    grade(settings, log=lines.append, grade_job=s3_fails)
    # the run folder is said before any grading: a run stopped before its summary can be resumed
    said = [i for i, line in enumerate(lines) if line.startswith(f"run folder: {(tmp_path / 'run').resolve()} ")]
    assert said and all(said[0] < i for i, line in enumerate(lines) if "/3]" in line)
    progress = [
        re.search(r"\[(\d)/3\] (s\d): (\w+) .*; (\d) failed, [\d.]+/min, about \d+ s left", line) for line in lines
    ]
    progress = [match.groups() for match in progress if match]
    assert [done for done, *_ in progress] == ["1", "2", "3"]
    assert sorted((student, outcome) for _, student, outcome, _ in progress) == [
        ("s1", "graded"),
        ("s2", "graded"),
        ("s3", "FAILED"),
    ]
    assert progress[-1][3] == "1"


def test_on_a_terminal_a_progress_bar_shows_done_total_and_failures(batch, tmp_path, monkeypatch):
    course, subs = batch
    settings = Grader.for_course(
        course, assignment=fx.ASSIGNMENT, submissions=subs, run_dir=tmp_path / "run", sandbox="off", feedback=False
    )
    lines: list[str] = []
    bar = io.StringIO()
    grade(settings, log=lines.append, grade_job=FakeWorker(monkeypatch), progress_bar=bar)
    assert "3/3" in bar.getvalue() and "failed=0" in bar.getvalue()
    assert not any(re.search(r"\[\d/3\]", line) for line in lines)  # the bar instead of a line each
