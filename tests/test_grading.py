"""The grader (``python -m grading``) against broken and hostile submissions.

One module-wide run grades the whole hostile suite of ``grading_fixtures`` in
parallel (2 workers) on a fixture course; the tests then check each
submission's required outcome, the gradebook, the originals and the feedback.
Smaller runs check seeding, the run without a sandbox (damage is detected and
undone) and the command line. What the sandbox achieves depends on the machine
(namespaces as root or with unprivileged user namespaces, else none); the
secrecy checks assert isolation wherever the grader reports it, and skip (with
the reason) where the machine does not allow it. ``GRADING_TEST_SANDBOX=off``
runs the hostile suite without the sandbox, as on a machine that allows none.
``GRADING_TEST_BWRAP=`` (empty) runs it with the grader's own namespaces where bubblewrap is
installed (by default the kernels run under ``bwrap`` where it works).
"""

from __future__ import annotations

import dataclasses
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import grading_fixtures as fx
import nbformat
import numpy as np
import pytest

from grading import Grader, grade, student_seed
from grading.intake import file_digest
from grading.runner import python_closed_to_nobody
from grading.sandbox import IPC_PREFIX, MAX_FOLDER_BYTES, MAX_PROCESSES, SandboxPolicy, SandboxSpec

ROOT = Path(__file__).resolve().parents[1]  # the grader is a top-level package there (pytest's pythonpath)
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the grader's sandbox is Linux-only")

MiB = 2**20

# student -> (score, or None for a clear rejection); scores out of 5
EXPECTED = {
    "good": 5,
    "wrong": 3,
    "loop": 3,
    "loop_deaf": 3,
    "hog": 2,
    "hog_once": 2,
    "exits": 3,
    "segfault": 3,
    "fork_bomb": 3,
    "fills_its_folder": 3,
    "shadows_a_package": 5,
    "flood": 5,
    "always_equal": 0,
    "hide_tracebacks": 3,
    "custom_exc": 3,
    "fake_assert": 2,
    "edited_test": 3,
    "unmarked_test": 3,
    "deleted_tests": 3,
    "duplicated_test": 3,
    "reads_secrets": 5,
    "writes_gradebook": 5,
    "network": 5,
    "malformed": None,
    "foreign": None,
    "foreign_named": None,
    "empty": None,
}


# ------------------------------------------------------------------ fixtures


@pytest.fixture(scope="session")
def course_template(tmp_path_factory) -> Path:
    """The fixture course, built once with ``nbgrader generate_assignment``."""
    return fx.build_course(tmp_path_factory.mktemp("template") / "course")


def grade_fx(course: Path, **options) -> dict:
    """Grade the fixture assignment of ``course`` with these ``Options``, quietly; the grader's report."""
    return grade(Grader.for_course(course, assignment=fx.ASSIGNMENT, **options), log=lambda m: None)


def digests(folder: Path) -> dict[str, str]:
    """relative path -> sha256 of every file under ``folder``."""
    return {str(p.relative_to(folder)): file_digest(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def grades(course: Path, student: str) -> list[tuple]:
    """The gradebook rows of one student (cell, auto score, manual score)."""
    db = sqlite3.connect(course / "gradebook.db")
    try:
        return sorted(
            db.execute(
                "SELECT base_cell.name, grade.auto_score, grade.manual_score FROM grade "
                "JOIN submitted_notebook ON grade.notebook_id = submitted_notebook.id "
                "JOIN submitted_assignment ON submitted_notebook.assignment_id = submitted_assignment.id "
                "JOIN base_cell ON grade.cell_id = base_cell.id "
                "WHERE submitted_assignment.student_id = ?",
                (student,),
            ).fetchall()
        )
    finally:
        db.close()


def students_in_gradebook(course: Path) -> set[str]:
    db = sqlite3.connect(course / "gradebook.db")
    try:
        return {row[0] for row in db.execute("SELECT student_id FROM submitted_assignment")}
    finally:
        db.close()


@pytest.fixture(scope="module")
def hostile(course_template, tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    course = fx.copy_course(course_template, base / "course")
    # A student graded in an earlier run: the hostile run must not change a thing of theirs.
    earlier = base / "earlier"
    fx.submit(earlier, "zoe", fx.answered(course))
    first = grade_fx(course, submissions=earlier, cell_timeout=10, run_dir=base / "run-earlier")
    assert first["students"][0]["score"] == 5
    zoe_grades = grades(course, "zoe")
    zoe_files = digests(course / "autograded" / "zoe")
    subs, run_dir = base / "submissions", base / "run"
    secrets = {
        "source": str(course / "source" / fx.ASSIGNMENT / f"{fx.ASSIGNMENT}.ipynb"),
        "gradebook": str(course / "gradebook.db"),
        "other_student": str(subs / "good" / f"{fx.ASSIGNMENT}.ipynb"),
        "template": str(run_dir / "template.db"),
        "cwd_notebook": f"{fx.ASSIGNMENT}.ipynb",
    }
    writes = {
        "gradebook": str(course / "gradebook.db"),
        "source": str(course / "source" / fx.ASSIGNMENT / f"{fx.ASSIGNMENT}.ipynb"),
        "other_student": str(subs / "good"),
        "course": str(course),
    }
    expected = fx.hostile_submissions(course, subs, secrets, writes)
    assert expected == EXPECTED
    originals = digests(subs)
    source_before = digests(course / "source")
    sandbox = os.environ.get("GRADING_TEST_SANDBOX", "auto")
    bwrap = os.environ.get("GRADING_TEST_BWRAP", "bwrap")  # empty: the grader's own namespaces
    report = grade_fx(
        course,
        submissions=subs,
        workers=2,
        cell_timeout=3,
        memory=300 * MiB,
        run_dir=run_dir,
        sandbox=sandbox,
        bwrap=bwrap,
    )
    if sandbox != "off" and bwrap and shutil.which(bwrap):
        assert report["containment"]["mechanism"] == "bubblewrap", report["containment"]
    return {
        "course": course,
        "report": report,
        "students": {s["student"]: s for s in report["students"]},
        "subs": subs,
        "originals": originals,
        "source_before": source_before,
        "zoe_grades": zoe_grades,
        "zoe_files": zoe_files,
        "isolated": report["containment"]["filesystem"].startswith("private"),
    }


def outputs_text(course: Path, student: str) -> str:
    nb = nbformat.read(course / "autograded" / student / fx.ASSIGNMENT / f"{fx.ASSIGNMENT}.ipynb", as_version=4)
    parts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            parts.append(
                output.get("text", "")
                + output.get("evalue", "")
                + "".join(output.get("traceback", []))
                + output.get("data", {}).get("text/plain", "")
            )
    return "\n".join(parts)


def messages(entry: dict) -> str:
    return "\n".join(entry.get("messages", []) + [t["message"] for t in entry.get("tests", [])])


# ------------------------------------------------------------------ outcomes


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_every_submission_gets_its_required_outcome(hostile, student):
    entry = hostile["students"][student]
    if EXPECTED[student] is None:
        assert entry["status"] == "rejected", entry
        assert entry["messages"], "a rejection must say why"
        assert student not in students_in_gradebook(hostile["course"])
    else:
        assert entry["status"] == "graded", entry
        assert entry["score"] == EXPECTED[student], messages(entry)
        assert entry["max_score"] == fx.MAX_SCORE
        assert not entry["needs_manual_grade"]


def test_time_limits_stop_endless_cells_and_say_so(hostile):
    loop = hostile["students"]["loop"]
    assert [t for t in loop["tests"] if t["id"] == "test_square"][0]["message"].startswith("CellTimeoutError")
    deaf = messages(hostile["students"]["loop_deaf"])
    assert "did not stop when interrupted" in deaf and "kernel was replaced" in deaf


def test_memory_limits_stop_hogs_and_say_so(hostile):
    assert "300 MiB of memory" in messages(hostile["students"]["hog"])
    assert "MemoryError" in outputs_text(hostile["course"], "hog_once")  # the address-space limit


def test_dying_kernels_are_reported_and_replaced(hostile):
    assert "exited with code 3" in messages(hostile["students"]["exits"])
    assert "segmentation fault" in messages(hostile["students"]["segfault"])
    assert f"more than {MAX_PROCESSES} processes" in messages(hostile["students"]["fork_bomb"])
    assert "files in its folders" in messages(hostile["students"]["fills_its_folder"])
    for student in ("exits", "segfault", "fork_bomb", "fills_its_folder", "hog", "loop_deaf"):
        assert hostile["students"][student]["kernels"] >= 2  # a fresh kernel ran the later cells


def test_a_package_shipped_with_the_notebook_does_not_replace_the_installed_one(hostile):
    import tqdm

    assert f"tqdm from {tqdm.__file__}" in outputs_text(hostile["course"], "shadows_a_package")


def test_gigantic_output_is_capped(hostile):
    path = hostile["course"] / "autograded" / "flood" / fx.ASSIGNMENT / f"{fx.ASSIGNMENT}.ipynb"
    assert path.stat().st_size < 3 * MiB  # it printed over 60 MB
    assert "output beyond" in outputs_text(hostile["course"], "flood")


def test_tampering_with_error_reporting_is_undone(hostile):
    assert "showtraceback" in messages(hostile["students"]["hide_tracebacks"])
    assert "set_custom_exc" in messages(hostile["students"]["custom_exc"])
    fake = messages(hostile["students"]["fake_assert"])
    assert "numpy.testing.assert_allclose was replaced" in fake and "builtins.AssertionError" in fake


def test_test_cells_edited_or_removed_are_restored(hostile):
    assert "metadata edited" in messages(hostile["students"]["unmarked_test"])
    deleted = messages(hostile["students"]["deleted_tests"])
    assert "'test_square' was deleted: restored" in deleted and "'test_means' was deleted" in deleted
    assert "appears more than once" in messages(hostile["students"]["duplicated_test"])
    for student in ("edited_test", "unmarked_test", "deleted_tests", "duplicated_test"):
        ids = [t["id"] for t in hostile["students"][student]["tests"]]
        assert sorted(ids) == ["test_means", "test_square"]  # each test counted exactly once


def test_rejections_say_what_is_wrong(hostile):
    s = hostile["students"]
    assert "not valid notebook JSON" in messages(s["malformed"])
    assert "belongs to another assignment" in messages(s["foreign"])
    assert "no notebook of assignment 'fx'" in messages(s["foreign_named"])
    assert "empty submission" in messages(s["empty"])


# ------------------------------------------------------------------ containment


def test_student_code_cannot_read_hidden_tests_or_other_submissions(hostile):
    text = outputs_text(hostile["course"], "reads_secrets")
    assert "read cwd_notebook: BLOCKED" in text  # the sanitized notebook never sits in the kernel's folder
    if not hostile["isolated"]:
        pytest.skip("no mount namespace on this machine: " + "; ".join(hostile["report"]["containment"]["warnings"]))
    for label in ("source", "gradebook", "other_student", "template"):
        assert f"read {label}: BLOCKED" in text, text
    assert "secrets found: 0" in text


def test_student_code_cannot_write_to_the_gradebook_or_course(hostile):
    text = outputs_text(hostile["course"], "writes_gradebook")
    if not hostile["isolated"]:
        pytest.skip("no mount namespace on this machine: writes are undone afterwards instead")
    for label in ("gradebook", "source", "other_student", "course"):
        assert f"write {label}: BLOCKED" in text, text
    assert hostile["report"]["problems"] == []


def test_no_network_inside_the_sandbox(hostile):
    text = outputs_text(hostile["course"], "network")
    assert "network: BLOCKED" in text
    if hostile["report"]["containment"]["network"].startswith("none"):
        assert "interfaces: ['lo']" in text


def test_gradebook_stays_intact_and_other_grades_unchanged(hostile):
    course = hostile["course"]
    assert grades(course, "zoe") == hostile["zoe_grades"]
    assert digests(course / "autograded" / "zoe") == hostile["zoe_files"]
    graded = {s for s, e in EXPECTED.items() if e is not None}
    assert students_in_gradebook(course) == graded | {"zoe"}
    for student in graded:
        rows = grades(course, student)
        assert [r[0] for r in rows] == ["test_means", "test_square"]
        assert all(manual is None for _, _, manual in rows)  # nobody slipped in a manual score
        assert sum(auto for _, auto, _ in rows) == EXPECTED[student]
    db = sqlite3.connect(course / "gradebook.db")
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    db.close()


def test_originals_and_instructor_files_untouched(hostile):
    assert digests(hostile["subs"]) == hostile["originals"]
    assert digests(hostile["course"] / "source") == hostile["source_before"]


# ------------------------------------------------------------------ feedback


def test_feedback_shows_results_and_messages_but_never_hidden_tests(hostile):
    course = hostile["course"]
    feedback = sorted((course / "feedback").rglob("*.html"))
    graded = {s for s, e in EXPECTED.items() if e is not None}
    assert {p.parts[-3] for p in feedback} >= graded
    for path in feedback:
        html = path.read_text()
        for marker in fx.HIDDEN_MARKERS:
            assert marker not in html, path
        assert "result = square(12)" not in html and "np.arange(12)" not in html
        assert "hidden tests: not shown" in html
    wrong = (course / "feedback" / "wrong" / fx.ASSIGNMENT / f"{fx.ASSIGNMENT}.html").read_text()
    assert "square(3) should be 9" in wrong and "Grading summary" in wrong
    always = (course / "feedback" / "always_equal" / fx.ASSIGNMENT / f"{fx.ASSIGNMENT}.html").read_text()
    assert "square of an int must be an int" in always  # a hidden test's message is shown, not its code
    # the instructor's autograded copy keeps the full tests
    assert (
        fx.HIDDEN_MARKERS[0] in outputs_text(course, "good")
        or fx.HIDDEN_MARKERS[0]
        in (course / "autograded" / "good" / fx.ASSIGNMENT / f"{fx.ASSIGNMENT}.ipynb").read_text()
    )


# ------------------------------------------------------------------ seeding


def test_seeds_are_per_student_and_reproducible(course_template, tmp_path):
    course = fx.copy_course(course_template, tmp_path / "course")
    subs = tmp_path / "subs"
    for student in ("ann", "ben"):
        fx.submit(subs, student, fx.answered(course, extra_before={"square": fx.SEED_CELL}))

    def printed(run: str) -> dict[str, str]:
        report = grade_fx(course, submissions=subs, cell_timeout=10, run_dir=tmp_path / run, feedback=False)
        assert [s["score"] for s in report["students"]] == [5, 5]
        return {
            s: [line for line in outputs_text(course, s).splitlines() if line.startswith("seeded:")][0]
            for s in ("ann", "ben")
        }

    first, second = printed("run1"), printed("run2")
    assert first == second  # regrading reproduces every number, hash() included
    assert first["ann"] != first["ben"]
    seed = student_seed(0, fx.ASSIGNMENT, "ann")
    random.seed(seed)
    np.random.seed(seed % 2**32)
    assert first["ann"].split()[1:3] == [str(random.random()), str(float(np.random.rand()))]


# ------------------------------------------------------------------ without a sandbox


def test_without_sandbox_damage_is_detected_and_undone(course_template, tmp_path):
    course = fx.copy_course(course_template, tmp_path / "course")
    subs = tmp_path / "subs"
    fx.submit(subs, "good", fx.answered(course))
    gradebook = course / "gradebook.db"
    source = course / "source" / fx.ASSIGNMENT / f"{fx.ASSIGNMENT}.ipynb"
    writes = {"gradebook": str(gradebook), "source": str(source), "other_student": str(subs / "good")}
    fx.submit(subs, "vandal", fx.answered(course, extra_before={"square": fx.write_attack_cell(writes)}))
    originals, source_before = digests(subs), source.read_bytes()
    report = grade_fx(
        course, submissions=subs, cell_timeout=10, sandbox="off", run_dir=tmp_path / "run", feedback=False
    )
    assert report["containment"]["filesystem"].startswith("none")
    students = {s["student"]: s for s in report["students"]}
    assert students["good"]["score"] == 5 and students["vandal"]["score"] == 5
    text = outputs_text(course, "vandal")
    if "write gradebook: WRITABLE" in text:  # the kernel ran with the grader's rights
        assert any("gradebook changed" in p for p in report["problems"])
    if "write source: WRITABLE" in text:
        assert any(str(source) in p for p in report["problems"])
    assert digests(subs) == originals and source.read_bytes() == source_before
    assert sum(auto for _, auto, _ in grades(course, "good")) == 5
    assert grades(course, "vandal") and all(manual is None for _, _, manual in grades(course, "vandal"))


# ------------------------------------------------------------------ layouts


def test_nbgrader_layout_in_the_course_submitted_folder(course_template, tmp_path):
    course = fx.copy_course(course_template, tmp_path / "course")
    submitted = course / "submitted"
    folder = fx.submit(submitted / "amy", fx.ASSIGNMENT, fx.answered(course))
    (folder / "timestamp.txt").write_text("2030-01-02 03:04:05 UTC")
    fx.submit(submitted / "bo", "another_assignment", fx.answered(course))
    report = grade_fx(course, cell_timeout=10, run_dir=tmp_path / "run", feedback=False)
    assert [(s["student"], s["score"]) for s in report["students"]] == [("amy", 5)]
    assert any("bo has not submitted fx" in note for note in report["notes"])
    db = sqlite3.connect(course / "gradebook.db")
    assert (
        db.execute("SELECT timestamp FROM submitted_assignment WHERE student_id = 'amy'")
        .fetchone()[0]
        .startswith("2030-01-02 03:04:05")
    )
    db.close()


# ------------------------------------------------------------------ command line


def test_command_line_grades_and_reports(course_template, tmp_path):
    course = fx.copy_course(course_template, tmp_path / "course")
    subs = tmp_path / "subs"
    fx.submit(subs, "a1", fx.answered(course))
    fx.submit(subs, "a2", fx.answered(course, {"square": fx.WRONG_SQUARE}))
    fx.submit(subs, "a3", "{broken")
    report_path = tmp_path / "report.json"
    flags = ["--submissions", str(subs), "--cell-timeout", "10"]
    flags += ["--run-dir", str(tmp_path / "run"), "--report", str(report_path)]
    result = fx.run_grader(course, fx.ASSIGNMENT, *flags)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "- a1: 5/5" in result.stdout and "- a2: 3/5" in result.stdout and "- a3: REJECTED" in result.stdout
    report = json.loads(report_path.read_text())
    assert f"containment: {report['containment']['mechanism']}\n" in result.stdout
    # without a terminal, a line per finished submission: how many are done, failures, rate, time left
    assert re.search(r"\[2/2\] a\d: graded in [\d.]+ s; 0 failed, [\d.]+/min, about 0 s left", result.stderr)
    scores = {student["student"]: student.get("score") for student in report["students"]}
    assert scores["a1"] == 5 and scores["a2"] == 3, scores


# ------------------------------------------------------------------ memory and clean-up


def plain_policy(**changes) -> SandboxPolicy:
    """No containment, small limits: for tests that start the supervisor or a kernel directly."""
    policy = SandboxPolicy(
        mode="off",
        hide=[],
        needed=[sys.prefix, sys.base_prefix],
        memory_bytes=2**30,
        address_space_bytes=8 * 2**30,
        file_size_bytes=2**20,
        tmp_bytes=2**20,
        nproc=64,
        env_keep=["PATH"],
        bwrap="",
    )
    return dataclasses.replace(policy, **changes)


def run_sandboxed(code: str, memory_bytes: int, nproc: int = 64, writable: bool = False) -> tuple[int, dict]:
    """Run ``python -c code`` under the sandbox supervisor (no namespaces); its exit code and status.
    ``writable``: in a folder of its own, which the supervisor watches as a kernel's working copy."""
    work = Path(tempfile.mkdtemp(prefix="grading-memtest-"))
    try:
        os.chmod(work, 0o755)  # reachable by nobody, whom a root supervisor runs the child as
        policy = plain_policy(memory_bytes=memory_bytes, nproc=nproc)
        folder = work / "folder"
        folder.mkdir(mode=0o777)
        folder.chmod(0o777)
        spec = SandboxSpec(
            policy=policy,
            cwd=str(folder),
            binds=[[str(folder), str(folder)]] if writable else [],
            env={},
            status_file=str(work / "status.json"),
            parent_pid=os.getpid(),
            remove_on_exit=[],
        )
        (work / "spec.json").write_text(spec.to_json())
        result = subprocess.run(
            [
                sys.executable,
                str(ROOT / "grading" / "sandbox.py"),
                str(work / "spec.json"),
                "--",
                sys.executable,
                "-c",
                code,
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        return result.returncode, json.loads((work / "status.json").read_text())
    finally:
        shutil.rmtree(work, ignore_errors=True)


def test_memory_watchdog_counts_each_process_once():
    # 200 MiB written once, in the supervisor's only child: counted twice it would pass the 300 MiB limit.
    code = "import time\nblock = bytearray(200 * 2**20)\nblock[::4096] = b'x' * len(block[::4096])\ntime.sleep(1.5)"
    exit_code, status = run_sandboxed(code, memory_bytes=300 * MiB)
    assert exit_code == 0 and not [e for e in status["events"] if e["kind"] == "memory"], status
    assert 200 * MiB <= status["peak_memory_bytes"] < 260 * MiB, status["peak_memory_bytes"] / MiB
    assert status["peak_memory_bytes"] <= status["peak_rss_bytes"] < 260 * MiB
    # and above the limit the tree is stopped, with the amount it used
    exit_code, status = run_sandboxed(code, memory_bytes=150 * MiB)
    events = [e for e in status["events"] if e["kind"] == "memory"]  # (a loaded machine may see it twice)
    assert status["exit"] == {"signal": 9, "name": "SIGKILL"} and events and events[0]["used_bytes"] > 150 * MiB


def test_a_fork_bomb_is_ended_and_leaves_no_process_behind():
    # 2**11 processes at most (a bomb without end would be unsafe on a machine without a pids cgroup)
    marker = f"bomb-{os.getpid()}"
    code = f"import os, time\n{marker!r}\nfor _ in range(11):\n    os.fork()\ntime.sleep(60)"
    started = time.monotonic()
    exit_code, status = run_sandboxed(code, memory_bytes=2 * 2**30, nproc=2**20)  # (as nobody)
    assert time.monotonic() - started < 30, "the tree was not ended"
    events = [e for e in status["events"] if e["kind"] == "processes"]
    assert exit_code == 128 + signal.SIGKILL and events and events[0]["count"] > MAX_PROCESSES, status
    assert status["achieved"]["tasks"], status["achieved"]
    time.sleep(1)
    assert not processes_mentioning(marker), "processes of the bomb outlived its kernel"
    assert not (status["cgroup"] and os.path.exists(status["cgroup"])), "its pids cgroup was left"


def test_a_kernel_that_fills_the_disk_is_ended():
    # RLIMIT_FSIZE bounds each file (1 MiB in this test), not how many: 1,100 of them pass the
    # folder limit (allocated, not written: the disk fills as fast as the test can make them)
    code = (
        "import os, time\n"
        "for i in range(1100):\n"
        "    with open(f'blob{i}', 'wb') as handle:\n"
        "        os.posix_fallocate(handle.fileno(), 0, 2**20)\n"
        "time.sleep(60)"
    )
    started = time.monotonic()
    exit_code, status = run_sandboxed(code, memory_bytes=2**30, writable=True)
    assert time.monotonic() - started < 30, "the kernel was not ended"
    events = [e for e in status["events"] if e["kind"] == "folder"]
    assert exit_code == 128 + signal.SIGKILL and events and events[0]["used_bytes"] > MAX_FOLDER_BYTES, status


def test_a_kernel_s_sockets_drop_messages_over_64_mib_and_its_folders_go_with_it(tmp_path):
    import asyncio
    from dataclasses import asdict

    import zmq

    from grading.kernel import MAX_MESSAGE_BYTES, SandboxKernelManager

    (tmp_path / "work").mkdir()
    (tmp_path / "kernels").mkdir()
    policy = plain_policy()
    events = tmp_path / "events.jsonl"

    async def start_and_stop() -> tuple[list[int], list[str]]:
        km = SandboxKernelManager(sandbox=asdict(policy), work_root=str(tmp_path / "kernels"), events_file=str(events))
        await km.start_kernel(cwd=str(tmp_path / "work"))
        kc = km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=120)
            channels = (kc.shell_channel, kc.iopub_channel, kc.stdin_channel)
            limits = [channel.socket.getsockopt(zmq.MAXMSGSIZE) for channel in channels]
            folders = [km._ipc_dir, km._kernel_dir]
        finally:
            kc.stop_channels()
            await km.shutdown_kernel(now=True)
            await km.cleanup_resources()
        return limits, folders

    limits, folders = asyncio.run(start_and_stop())
    assert limits == [MAX_MESSAGE_BYTES] * 3
    assert [folder for folder in folders if os.path.exists(folder)] == []
    assert [json.loads(line)["source"] for line in events.read_text().splitlines()] == ["sandbox"]


def processes_mentioning(marker: str) -> dict[int, str]:
    """Processes whose command line, environment or working folder mention ``marker``: pid -> command."""
    found = {}
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        texts = []
        for what in ("cmdline", "environ"):
            try:
                texts.append(Path(f"/proc/{name}/{what}").read_bytes())
            except OSError:
                pass
        try:
            texts.append(os.readlink(f"/proc/{name}/cwd").encode())
        except OSError:
            pass
        if any(marker.encode() in text for text in texts):
            found[int(name)] = texts[0].replace(b"\0", b" ").decode(errors="replace")[:200] if texts else "?"
    return found


def command_of(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return []


def kernels_of(running: dict[int, str], moment: str) -> set[str]:
    """The kernels that have started: their supervisors ("starting") or the kernels themselves ("running")."""
    if moment == "starting":  # a supervisor (and its child until it execs) names the kernel's spec
        return {command_of(pid)[2] for pid, command in running.items() if "/kernels/kernel-" in command} - {""}
    return {str(pid) for pid, command in running.items() if command.split()[1:3] == ["-m", "ipykernel_launcher"]}


def socket_folder(command: list[str]) -> str | None:
    """The socket folder a supervisor's kernel uses (``-f <folder>/connection.json``), if it is one."""
    if "grading/sandbox.py" in " ".join(command[:2]) and "-f" in command:
        return str(Path(command[command.index("-f") + 1]).parent)
    return None


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "SIGTERM"])
def test_a_grader_stopped_by_ctrl_c_says_how_to_go_on_and_leaves_nothing_running(course_template, tmp_path, signum):
    # Ctrl-C in the instructor's terminal reaches the grader's process group; SIGTERM comes from a
    # scheduler or `kill`. Both: the kernels end, the answers back are recorded, no traceback, a
    # message that says how to go on, the shell's exit status; the same command then grades the rest.
    course = fx.copy_course(course_template, tmp_path / "course")
    subs, run_dir = tmp_path / "subs", tmp_path / "run"
    fx.submit(subs, "s1", fx.answered(course))
    for student in ("s2", "s3"):  # still being graded when the signal comes
        fx.submit(subs, student, fx.answered(course, extra_before={"square": "import time\ntime.sleep(300)"}))
    flags = ["--submissions", str(subs), "--run-dir", str(run_dir), "--workers", "2"]
    command = fx.grader_command(course, fx.ASSIGNMENT, *flags)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    grader = subprocess.Popen(
        [*command, "--cell-timeout", "600"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 180
        while (
            not (run_dir / "results" / "s1.json").exists()
            or len(kernels_of(processes_mentioning(str(run_dir)), "running")) < 1
        ):
            assert time.monotonic() < deadline, "s1 not recorded, or no kernel running, after 180 s"
            assert grader.poll() is None, grader.communicate()
            time.sleep(0.1)
        os.killpg(grader.pid, signum)  # what a terminal does on Ctrl-C
        out, err = grader.communicate(timeout=60)
    finally:
        if grader.poll() is None:
            grader.kill()
    assert grader.returncode == 128 + signum, (out, err)
    assert "Traceback" not in err, err
    assert f"the same command with --run-dir {run_dir} grades them" in err, err
    assert sorted(p.stem for p in (run_dir / "results").iterdir()) == ["s1"]
    deadline = time.monotonic() + 10
    while processes_mentioning(str(run_dir)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert processes_mentioning(str(run_dir)) == {}
    # the rest, with a cell limit that ends the sleep: graded once, the first run's record kept
    again = subprocess.run(
        [*command, "--cell-timeout", "5"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert again.returncode == 0, again.stderr
    report = json.loads((run_dir / "report.json").read_text())
    assert report["resumed"] == 1
    assert sorted(s["student"] for s in report["students"] if s["status"] == "graded") == ["s1", "s2", "s3"]


@pytest.mark.parametrize("moment", ["starting", "running"])
def test_a_killed_grader_leaves_no_kernel_and_no_kernel_folder(course_template, tmp_path, moment):
    # Killed while the kernels start, the kernel may end just as the supervisor's parent-death
    # signal arrives: the signal once interrupted the folder's removal and left it half removed.
    from grading.kernel import remove_stale_ipc_dirs

    course = fx.copy_course(course_template, tmp_path / "course")
    subs, run_dir = tmp_path / "subs", tmp_path / "run"
    for student in ("s1", "s2", "s3", "s4"):  # a batch whose cells outlast the kill
        fx.submit(subs, student, fx.answered(course, extra_before={"square": "import time\ntime.sleep(300)"}))
    flags = ["--submissions", str(subs), "--run-dir", str(run_dir), "--workers", "2", "--cell-timeout", "600"]
    grader = subprocess.Popen(
        fx.grader_command(course, fx.ASSIGNMENT, *flags),
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    folders: list[Path] = []
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            running = processes_mentioning(str(run_dir))
            if len(kernels_of(running, moment)) >= 2:
                break
            assert grader.poll() is None, "the grader ended before its kernels started"
            time.sleep(0.05)
        else:
            pytest.fail(f"no two kernels {moment} after 180 s: {running}")
        workers = [pid for pid, command in running.items() if "grading.worker" in command]
        folders = [
            p
            for p in Path("/tmp").glob(f"{IPC_PREFIX}*")
            if any(p.name.startswith(f"{IPC_PREFIX}{pid}-") for pid in workers)
        ]
        supervised = {socket_folder(command_of(pid)) for pid in running} - {None}
        assert workers and supervised, (running, folders)
        grader.send_signal(signal.SIGKILL)
        grader.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and (
            processes_mentioning(str(run_dir)) or any(map(os.path.exists, supervised))
        ):
            time.sleep(0.2)
        left = processes_mentioning(str(run_dir))
        assert left == {}, f"still running after the grader was killed: {left}"
        # a supervisor removes its kernel's folder; one whose supervisor had not started (the
        # worker was killed as it prepared it) is removed when the next run starts
        assert {folder: sorted(os.listdir(folder)) for folder in supervised if os.path.exists(folder)} == {}
        remove_stale_ipc_dirs()
        assert [str(p) for p in folders if p.exists()] == []
    finally:
        if grader.poll() is None:
            grader.kill()
        for pid in processes_mentioning(str(run_dir)):  # only this test's processes, if it failed
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)


def test_a_killed_batch_completes_when_run_again_in_the_same_run_folder(course_template, tmp_path):
    course = fx.copy_course(course_template, tmp_path / "course")
    subs, run_dir = tmp_path / "subs", tmp_path / "run"
    for student in ("r1", "r2", "r3", "r4"):
        fx.submit(subs, student, fx.answered(course, None if student != "r2" else {"square": fx.WRONG_SQUARE}))
    flags = ["--submissions", str(subs), "--run-dir", str(run_dir), "--workers", "2", "--cell-timeout", "20"]
    grader = subprocess.Popen(
        fx.grader_command(course, fx.ASSIGNMENT, *flags),
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 300
        while not list(run_dir.glob("results/*.json")) and grader.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        grader.send_signal(signal.SIGKILL)  # as the first student's result is recorded
        grader.wait()
    finally:
        if grader.poll() is None:
            grader.kill()
    first = {p.name: p.read_bytes() for p in run_dir.glob("results/*.json")}
    assert 1 <= len(first) < 4, first.keys()
    result = fx.run_grader(course, fx.ASSIGNMENT, *flags)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((run_dir / "report.json").read_text())
    assert {s["student"]: s["score"] for s in report["students"]} == {"r1": 5, "r2": 3, "r3": 5, "r4": 5}
    assert report["resumed"] == len(first)
    assert {p.name: p.read_bytes() for p in run_dir.glob("results/*.json") if p.name in first} == first
    assert students_in_gradebook(course) == {"r1", "r2", "r3", "r4"}
    assert sorted(p.name for p in (course / "autograded").iterdir()) == ["r1", "r2", "r3", "r4"]


# ------------------------------------------------------------------ a data cache closed to the kernels


@pytest.mark.skipif(os.geteuid() != 0, reason="kernels run as nobody only when the grader runs as root")
@pytest.mark.skipif(bool(python_closed_to_nobody()), reason="this checkout is closed to nobody: kernels run as root")
def test_a_data_cache_kernels_cannot_read_stops_before_grading(course_template, tmp_path):
    course = fx.copy_course(course_template, tmp_path / "course")
    fx.submit(tmp_path / "subs", "amy", fx.answered(course))
    private = Path(tempfile.mkdtemp())  # 0700, as `mktemp -d` makes it
    try:
        flags = ["--submissions", str(tmp_path / "subs"), "--visible", str(private), "--run-dir", str(tmp_path / "run")]
        result = fx.run_grader(course, fx.ASSIGNMENT, *flags, timeout=300)
    finally:
        private.rmdir()
    assert result.returncode == 2
    assert f"error: kernels run as user nobody, who cannot read {private}" in result.stderr
    assert not (course / "autograded").exists()  # nothing was graded


def printed_by_a_kernel(tmp_path: Path, *cells: str, **manager) -> list[str]:
    """What ``cells`` print to stdout, run one after the other in a kernel started by the grader's kernel
    manager (no containment) with its working folder ``tmp_path/work``."""
    import asyncio
    from dataclasses import asdict

    from grading.kernel import SandboxKernelManager

    (tmp_path / "work").mkdir(parents=True, exist_ok=True)
    (tmp_path / "kernels").mkdir(exist_ok=True)

    async def run() -> list[str]:
        km = SandboxKernelManager(sandbox=asdict(plain_policy()), work_root=str(tmp_path / "kernels"), **manager)
        await km.start_kernel(cwd=str(tmp_path / "work"))
        kc = km.client()
        kc.start_channels()
        printed = []

        def keep(msg):
            if msg["msg_type"] == "stream" and msg["content"]["name"] == "stdout":
                printed.append(msg["content"]["text"])

        try:
            await kc.wait_for_ready(timeout=120)
            for cell in cells:
                await kc.execute_interactive(cell, output_hook=keep, timeout=60)
        finally:
            kc.stop_channels()
            await km.shutdown_kernel(now=True)
            await km.cleanup_resources()
        return printed

    return asyncio.run(run())


def test_a_module_the_tests_reload_cannot_be_swapped_for_another_file(tmp_path):
    """A student's cell puts a module of its own in the place of ``lib.checks`` (in ``sys.modules``,
    on the package, and first on the package's path): before the next test cell the integrity
    guard puts the genuine one back, so the hidden test's ``importlib.reload`` reads the real file."""
    import lib.checks

    fake = tmp_path / "work" / "checks.py"
    attack = (
        "import importlib.util, sys\nimport lib, lib.checks\n"
        f"spec = importlib.util.spec_from_file_location('lib.checks', {str(fake)!r})\n"
        "fake = importlib.util.module_from_spec(spec)\nspec.loader.exec_module(fake)\n"
        "sys.modules['lib.checks'] = lib.checks = fake\n"
        f"lib.__path__.insert(0, {str(fake.parent)!r})\n"
    )
    test = (
        "import importlib, lib.checks\nimportlib.reload(lib.checks)\n"
        "print(lib.checks.__file__, hasattr(lib.checks, 'FAKE'))"
    )
    fake.parent.mkdir()
    fake.write_text("FAKE = True\n")
    guard = "__import__('sys').modules['_grading_guard'].check('nonce')"
    printed = printed_by_a_kernel(tmp_path, attack, guard, test)
    report = json.loads(printed[0])
    assert "sys.modules['lib.checks'] was replaced" in report["repaired"], report
    assert "lib.__path__ was changed" in report["repaired"], report
    assert printed[1].split() == [lib.checks.__file__, "False"], printed


def test_what_a_kernel_writes_to_its_stderr_stays_out_of_the_grader_s_log(tmp_path, capfd):
    # Kernels used to inherit the worker's stderr, its log file: RLIMIT_FSIZE (1 MiB in this test)
    # counted the log's size, so once a kernel had filled it, the next kernel died at its first write.
    fill = "import os\nfor _ in range({}):\n    os.write(2, b'x' * 2**16)\nprint('{} done')"
    assert printed_by_a_kernel(tmp_path / "a", fill.format(8, "a")) == ["a done\n"]  # 512 KiB
    assert printed_by_a_kernel(tmp_path / "b", fill.format(10, "b")) == ["b done\n"]  # 640 KiB more
    assert "x" * 2**16 not in capfd.readouterr().err


def test_a_python_kernel_of_any_name_starts_with_the_integrity_guard(tmp_path, monkeypatch):
    # A course's own kernel ("bdls", installed with `python -m ipykernel install --name bdls`):
    # jupyter_client calls a kernel "ipykernel" only when it is named python, python2 or python3
    spec = tmp_path / "jupyter" / "kernels" / "bdls"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": "BDLS", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    check = "import sys\nprint('_grading_guard' in sys.modules)"
    assert printed_by_a_kernel(tmp_path, check, kernel_name="bdls") == ["True\n"]
