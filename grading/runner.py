"""Orchestration: intake, parallel autograding in workers, serial merge into the
real gradebook, feedback, and the report."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import selectors
import shutil
import signal
import site
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, replace
from datetime import datetime
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook
from nbgrader.preprocessors import AssignLatePenalties, SaveAutoGrades
from nbgrader.utils import find_all_files, parse_utc
from tqdm import tqdm

from . import feedback as fb
from .config import Grader
from .course import (
    AssignmentInfo,
    Course,
    CourseError,
    copy_sqlite,
    gradebook_digest,
    nbgrader_session_warnings_quiet,
    restore_sqlite,
)
from .intake import Snapshot, Submission, discover, prepare, verify_originals
from .kernel import remove_stale_ipc_dirs
from .sandbox import SandboxPolicy, SandboxSpec, usable_by_nobody
from .seeding import student_seed

HERE = Path(__file__).resolve().parent
ENV_KEEP = [
    "PATH",
    "LANG",
    "LANGUAGE",
    "LC_*",
    "TZ",
    "TERM",
    "VIRTUAL_ENV",
    "PYTHONPATH",
    "PYTHONNOUSERSITE",
    "TF_*",
    "KERAS_*",
    "MPLBACKEND",
    "OMP_*",
    "MKL_*",
    "OPENBLAS_*",
    "CUDA_*",
    "JPY_*",
    "JUPYTER_PATH",
]
GiB = 2**30


# fixed limits (not options)
FILE_SIZE_BYTES = TMP_BYTES = 256 * 2**20  # per file a kernel writes; its private /tmp
NPROC = 1024  # processes of the kernel's user (when it runs as nobody)
MAX_NOTEBOOK_BYTES, MAX_FILE_BYTES = 20 * 2**20, 100 * 2**20  # bigger ones are rejected, ignored
MAX_OTHER_FILES = (256 * 2**20, 1000)  # bytes, files: a submission's files but its notebooks; more are ignored


def cell_timeout_of(settings: Grader, course: Course) -> int:
    """``c.Grader.cell_timeout``, else the course's ``Execute.timeout``, else 60 s."""
    configured = course.config.get("Execute", {}).get("timeout")
    return settings.cell_timeout or (configured if isinstance(configured, int) and configured > 0 else 60)


# ------------------------------------------------------------------ sandbox


def editable_project_dirs() -> list[str]:
    """Folders of packages installed in development mode (a kernel may import them)."""
    from importlib import metadata

    found = []
    for dist in metadata.distributions():
        try:
            text = dist.read_text("direct_url.json")
            info = json.loads(text) if text else {}
        except (OSError, ValueError):
            continue
        if info.get("dir_info", {}).get("editable") and str(info.get("url", "")).startswith("file://"):
            found.append(info["url"][len("file://") :])
    return found


def sandbox_policy(settings: Grader, course: Course, run_dir: Path, submissions: Path | None) -> SandboxPolicy:
    """What every kernel's sandbox hides, keeps visible and limits."""
    hide = [
        course.root,
        course.source_dir(settings.assignment or ".").parent,
        run_dir,
        Path.home(),
        submissions,
        *settings.hide,
    ]
    for step in ("submitted", "autograded", "feedback"):  # also named one by one, in case the course
        hide.append(course.root / getattr(course.coursedir, f"{step}_directory"))  # root must stay visible
    hide = [str(p) for p in hide if p]
    if course.gradebook_path is not None:
        hide.append(str(course.gradebook_path))
    needed = {*python_paths(), *settings.visible}
    return SandboxPolicy(
        mode=settings.sandbox,
        hide=sorted(set(hide)),
        needed=sorted(p for p in needed if p),
        memory_bytes=settings.memory,
        address_space_bytes=settings.address_space or max(8 * GiB, 4 * settings.memory),
        file_size_bytes=FILE_SIZE_BYTES,
        tmp_bytes=TMP_BYTES,
        nproc=NPROC,
        env_keep=ENV_KEEP + list(settings.pass_env),
        bwrap=(settings.bwrap and settings.sandbox != "off" and shutil.which(settings.bwrap)) or "",
    )


def python_paths() -> set[str]:
    """What a kernel needs to run this Python: its prefixes, standard library, site-packages, editable projects."""
    import sysconfig

    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, *site.getsitepackages(), *editable_project_dirs()}
    paths.update(v for k, v in sysconfig.get_paths().items() if k in ("stdlib", "platstdlib", "purelib", "platlib"))
    return {p for p in paths if p}


def python_closed_to_nobody() -> list[str]:
    """The parts of this Python that user ``nobody`` cannot reach (then the sandbox runs kernels as root)."""
    return usable_by_nobody([sys.executable, *sorted(python_paths())])


def check_visible(settings: Grader) -> None:
    """Stop before grading if a path kernels must see is closed to ``nobody``, whom a grader running
    as root runs them as (the sandbox would otherwise fall back to running them as root). Where
    ``nobody`` cannot reach Python itself either, the kernels run as root anyway (each kernel's
    report says why), and root reads the path: nothing to stop for."""
    if os.geteuid() != 0:
        return  # the kernels run as the grader's own user, who can read what the grader can
    blocked = usable_by_nobody([p for p in settings.visible if os.path.exists(p)])
    if blocked and not python_closed_to_nobody():
        raise CourseError(
            f"kernels run as user nobody, who cannot read {blocked[0]}: make it readable by "
            "other users (chmod o+rX), or use another folder"
        )


def probe_sandbox(policy: SandboxPolicy, run_dir: Path) -> tuple[SandboxPolicy, dict]:
    """The policy to use and what it achieves here: bwrap where it works, else the supervisor's own namespaces."""
    status = _probe(policy, run_dir)
    if policy.bwrap and (status["probe_exit"] != 0 or status["achieved"].get("filesystem") != "bwrap"):
        failure = status.get("probe_error") or f"exit status {status['probe_exit']}"
        policy = replace(policy, bwrap="")
        status = _probe(policy, run_dir)
        status["warnings"].insert(0, f"bwrap does not work here ({failure}): the grader's own namespaces instead")
    return policy, status


def _probe(policy: SandboxPolicy, run_dir: Path) -> dict:
    """Start a trivial process in the sandbox to learn what it achieves."""
    probe = Path(tempfile.mkdtemp(prefix="probe-", dir=run_dir))
    os.chmod(probe, 0o711)
    work = probe / "work"
    work.mkdir()
    spec = SandboxSpec(
        policy=replace(policy, memory_bytes=0),
        cwd=str(work),
        binds=[[str(work), str(work)]],
        env={},
        status_file=str(probe / "status.json"),
        parent_pid=os.getpid(),
        remove_on_exit=[],
    )
    (probe / "spec.json").write_text(spec.to_json())
    code = "import os,socket,json;print(json.dumps({'ifaces':[n for _,n in socket.if_nameindex()],'uid':os.getuid()}))"
    result = subprocess.run(
        [sys.executable, str(HERE / "sandbox.py"), str(probe / "spec.json"), "--", sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
    )
    try:
        status = json.loads((probe / "status.json").read_text())
    except (OSError, ValueError):
        status = {"achieved": {}, "warnings": [f"sandbox probe failed: {result.stderr[-500:]}"], "events": []}
    status["probe_output"] = result.stdout.strip()
    status["probe_error"] = result.stderr.strip()[-500:]
    status["probe_exit"] = result.returncode
    shutil.rmtree(probe, ignore_errors=True)
    return status


def describe_containment(status: dict) -> dict:
    achieved = status.get("achieved", {})
    fs = achieved.get("filesystem", "none")
    return {
        "mechanism": {"bwrap": "bubblewrap", "namespace": "the grader's own namespaces"}.get(fs, "none"),
        "filesystem": (
            "private mount namespace: course, submissions, gradebook, grader files and $HOME "
            "covered; file system read-only except the kernel's private copy and /tmp"
            if fs in ("namespace", "bwrap")
            else "none (student code can read whatever this user can read)"
        ),
        "network": (
            "none (own network namespace with only a loopback)"
            if achieved.get("network") == "namespace"
            else "not isolated"
        ),
        "processes": (
            "own PID namespace (sees only its own processes; all die with the kernel)"
            if achieved.get("pid") == "namespace"
            else "process tree tracked by a subreaper"
        )
        + (f"; tasks: {achieved['tasks']}" if achieved.get("tasks") else ""),
        "user": achieved.get("user", "unknown"),
        "read_only_system": bool(achieved.get("readonly")),
        "warnings": status.get("warnings", []),
        "refused": [e.get("message") for e in status.get("events", []) if e.get("kind") == "refused"],
    }


# ------------------------------------------------------------------ workers


class Lane:
    """One worker process (``python -m grading.worker``) that grades jobs one at a time."""

    def __init__(self, run_dir: Path, index: int):
        self.run_dir, self.index = run_dir, index
        self.proc: subprocess.Popen | None = None
        self.buffer = b""

    def start(self) -> None:
        env = dict(os.environ)
        inherited = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
        env["PYTHONPATH"] = os.pathsep.join([str(HERE.parent)] + inherited)
        env["PYTHONUNBUFFERED"] = "1"
        env["GRADING_PARENT_PID"] = str(os.getpid())  # the worker dies with the grader
        log = os.fdopen(
            os.open(self.run_dir / f"worker-{self.index}.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "ab"
        )
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "grading.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            env=env,
            cwd=str(self.run_dir),
            start_new_session=True,
        )
        log.close()
        self.buffer = b""

    def stop(self, kill: bool = False) -> None:
        proc, self.proc = self.proc, None  # (the lane's thread and the grader's may both stop it)
        if proc is None:
            return
        if kill:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass
        else:
            try:
                proc.stdin.close()
            except OSError:
                pass
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def run(self, job: dict, timeout: float) -> dict | None:
        """The worker's answer, or None after ``timeout`` seconds (the worker is then killed)."""
        if self.proc is None:
            self.start()
        proc = self.proc  # (``stop`` from the grader's thread may drop ``self.proc`` meanwhile)
        try:
            proc.stdin.write((json.dumps(job) + "\n").encode())
            proc.stdin.flush()
        except OSError:
            self.stop(kill=True)
            return {"ok": False, "error": "the grading worker died before taking the job"}
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as selector:
            selector.register(proc.stdout, selectors.EVENT_READ)
            while b"\n" not in self.buffer:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self.stop(kill=True)
                    return None
                if not selector.select(timeout=min(remaining, 1.0)):
                    continue
                chunk = os.read(proc.stdout.fileno(), 1 << 16)
                if not chunk:
                    code = proc.poll()
                    self.stop(kill=True)
                    return {
                        "ok": False,
                        "error": f"the grading worker died (exit {code}); see "
                        f"{self.run_dir / f'worker-{self.index}.log'}",
                    }
                self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return json.loads(line)


# ------------------------------------------------------------------ main


class Progress:
    """Finished submissions: a tqdm bar (done/total, failures, rate, time left) where ``bar`` is a
    terminal's stream, else one log line per submission with the same figures."""

    def __init__(self, total: int, log, bar=None):
        self.total, self.log, self.done, self.failed = total, log, 0, 0
        self.started = time.monotonic()
        self.bar = tqdm(total=total, file=bar, unit="submission", dynamic_ncols=True) if bar and total else None

    def finished(self, student: str, answer: dict) -> None:
        self.done += 1
        self.failed += not answer.get("ok")
        outcome = "graded" if answer.get("ok") else "FAILED"
        if self.bar is not None:
            self.bar.set_postfix(failed=self.failed, refresh=False)
            self.bar.update(1)
            if not answer.get("ok"):
                self.bar.write(f"  {student}: FAILED in {answer['seconds']} s")
            return
        elapsed = time.monotonic() - self.started
        per_minute = 60 * self.done / elapsed if elapsed else 0.0
        left = elapsed / self.done * (self.total - self.done)
        self.log(
            f"  [{self.done}/{self.total}] {student}: {outcome} in {answer['seconds']} s; "
            f"{self.failed} failed, {per_minute:.1f}/min, about {left:.0f} s left"
        )

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


class Interrupted(Exception):
    """The grader was asked to stop (Ctrl-C, SIGTERM): what was recorded stays, a rerun goes on."""

    def __init__(self, message: str, signum: int):
        super().__init__(message)
        self.exit_status = 128 + signum  # the shell's convention for a process ended by a signal


@contextlib.contextmanager
def stop_on_signals(stop: threading.Event):
    """Ctrl-C or SIGTERM sets ``stop``: the student being recorded is finished, then the grader
    stops; the same signal again stops at once (``KeyboardInterrupt``). Only where signals can be
    caught: in the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, _frame):  # (no printing here: the interrupted code may be printing)
        if stop.is_set():
            raise KeyboardInterrupt
        stop.signum = signum
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def grade(settings: Grader, log=print, grade_job=None, progress_bar=None) -> dict:
    """Grade a folder of submissions; ``grade_job(job) -> answer`` replaces the worker processes (tests).

    ``progress_bar``: a terminal's stream to show a progress bar on (else ``log`` gets a line per submission).
    One grader at a time per course: a second one stops at once (see ``Course.grading_lock``)."""
    course = Course(settings.course)
    with course.grading_lock():
        return grade_course(settings, course, log, grade_job, progress_bar)


def grade_course(settings: Grader, course: Course, log, grade_job, progress_bar) -> dict:
    started, started_at = time.monotonic(), datetime.now().isoformat(timespec="seconds")
    check_visible(settings)
    assignment = course.assignment(settings.assignment)
    for stale in remove_stale_ipc_dirs():
        log(f"removed the kernel folder {stale} of a grading run that was killed")
    submissions = Path(settings.submissions or course.coursedir.submitted_directory)
    if not submissions.is_absolute():
        submissions = course.root / submissions
    submissions = submissions.resolve()
    if not submissions.is_dir():
        raise CourseError(f"submissions folder {submissions} does not exist")
    cell_timeout = cell_timeout_of(settings, course)
    code_cells = max(1, sum(1 for nb in assignment.notebooks.values() for c in nb.cells if c.cell_type == "code"))
    submission_timeout = settings.submission_timeout or max(300, cell_timeout * (code_cells + 3) + 60)

    run_dir = Path(settings.run_dir or tempfile.mkdtemp(prefix=f"grading-{settings.assignment}-")).resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(run_dir, 0o711)  # kernels running as nobody traverse to their own folder only
    finished = resume(run_dir, course, settings, submissions)
    log(f"run folder: {run_dir} (after a stop, the same command with --run-dir {run_dir} goes on from there)")
    for private in ("originals", "prepared", "replaced", "instructor-before", "feedback", "answers", "results"):
        (run_dir / private).mkdir(exist_ok=True)
        os.chmod(run_dir / private, 0o700)
    (run_dir / "jobs").mkdir(exist_ok=True)
    os.chmod(run_dir / "jobs", 0o711)

    policy, probe = probe_sandbox(sandbox_policy(settings, course, run_dir, submissions), run_dir)
    containment = describe_containment(probe)
    log(
        f"sandbox: {containment['mechanism']}: filesystem={probe['achieved'].get('filesystem', 'none')} "
        f"network={probe['achieved'].get('network', 'none')} user={probe['achieved'].get('user', '?')}"
    )
    for warning in containment["warnings"] + containment["refused"]:
        log(f"sandbox warning: {warning}")
    if settings.sandbox == "require" and (probe.get("probe_exit") != 0 or containment["refused"]):
        raise CourseError(
            "--sandbox require: this machine does not allow the sandbox: "
            + "; ".join(containment["refused"] + containment["warnings"])
        )

    protected = Snapshot([course.source_dir(settings.assignment), course.config_file], run_dir / "instructor-before")
    contained = probe["achieved"].get("filesystem", "none") != "none"  # kernels cannot write the course
    merger = Merger(course, assignment, settings, run_dir, protected, kernels_can_write=not contained)
    template = run_dir / "template.db"
    course.make_template(settings.assignment, template)
    source_dir = course.source_dir(settings.assignment)
    # the instructor's files nbgrader's Autograde copies (not the ignored ones: c.CourseDirectory.ignore)
    source_files = {
        os.path.relpath(p, source_dir): p
        for p in find_all_files(str(source_dir), course.coursedir.ignore + ["*.ipynb"])
        if not os.path.islink(p)
    }

    subs, notes = discover(submissions, settings.assignment)
    subs, done = [s for s in subs if s.student not in finished], [s for s in subs if s.student in finished]
    answered = stored_answers(run_dir, subs)  # graded by an earlier run that was stopped before merging them
    for sub in subs:
        leftovers = ("originals", "prepared") + (() if sub.student in answered else ("jobs",))
        for leftover in leftovers:  # of an earlier run that was stopped
            shutil.rmtree(run_dir / leftover / sub.student, ignore_errors=True)
        prepare(
            sub,
            assignment,
            run_dir,
            max_notebook_bytes=MAX_NOTEBOOK_BYTES,
            max_file_bytes=MAX_FILE_BYTES,
            max_total=MAX_OTHER_FILES,
        )
    accepted = [s for s in subs if s.status == "pending"]
    log(f"{len(subs)} submissions: {len(accepted)} to grade, {len(subs) - len(accepted)} rejected")
    if done:
        log(f"{len(done)} graded by an earlier run in {run_dir}: not graded again")
    if answered:
        log(
            f"{len(answered)} graded by an earlier run that stopped before recording them: "
            "recorded now, not graded again"
        )

    limits = {
        "cell_timeout": cell_timeout,
        "max_output_bytes": settings.max_output,
        "integrity_checks": settings.integrity_checks,
    }
    pending = [s for s in accepted if s.student not in answered]
    graded: queue.Queue = queue.Queue()  # (submission, worker's answer), merged by this thread as they come
    for sub in accepted:
        if sub.student in answered:
            graded.put((sub, answered[sub.student]))
    lock = threading.Lock()

    lanes = [Lane(run_dir, index) for index in range(settings.workers)]
    progress = Progress(len(pending), log, progress_bar)
    stop = threading.Event()

    def lane_main(index: int) -> None:
        lane = lanes[index]
        try:
            while True:
                with lock:
                    if not pending or stop.is_set():
                        return
                    sub = pending.pop(0)
                job_dir = run_dir / "jobs" / sub.student
                job_dir.mkdir()
                os.chmod(job_dir, 0o711)
                seed = student_seed(settings.seed, settings.assignment, sub.student)
                job = {
                    "student": sub.student,
                    "assignment": settings.assignment,
                    "job_dir": str(job_dir),
                    "template_db": str(template),
                    "prepared": str(sub.prepared),
                    "timestamp": sub.timestamp,
                    "source_files": source_files,
                    "config_file": str(course.config_file) if course.config_file.exists() else None,
                    "limits": limits,
                    "sandbox": asdict(policy),
                    "seed": seed,
                    "kernel_root": str(job_dir / "kernels"),
                    "events_file": str(job_dir / "events.jsonl"),
                }
                t0 = time.monotonic()
                answer = grade_job(job) if grade_job else lane.run(job, submission_timeout)
                if answer is None:
                    answer = {
                        "ok": False,
                        "error": f"grading did not finish within the {submission_timeout} s "
                        "limit for a whole submission; stopped",
                        "timeout": True,
                    }
                if stop.is_set() and not answer.get("ok"):
                    return  # ended by the stop, not by the submission: graded again by the next run
                answer["seconds"] = round(time.monotonic() - t0, 2)
                answer["seed"] = seed
                if answer.get("ok"):  # kept: a run stopped before merging it merges it without grading again
                    write_atomic(run_dir / "answers" / f"{sub.student}.json", answer)
                graded.put((sub, answer))
                with lock:
                    progress.finished(sub.student, answer)
        finally:
            lane.stop()

    t_grade = time.monotonic()
    threads = [threading.Thread(target=lane_main, args=(i,), daemon=True) for i in range(settings.workers)]
    for thread in threads:
        thread.start()
    merged: dict[str, dict] = {}

    def stop_lanes() -> None:
        with lock:
            pending.clear()
        for lane in lanes:
            lane.stop(kill=True)
        for thread in threads:
            thread.join(timeout=10)

    try:
        with stop_on_signals(stop):
            while len(merged) < len(accepted) and not stop.is_set():
                try:
                    sub, answer = graded.get(timeout=0.5)
                except queue.Empty:
                    if any(thread.is_alive() for thread in threads) or not graded.empty():
                        continue
                    break  # (a lane ended without an answer: those students are reported as failed below)
                merged[sub.student] = merger.merge(sub, answer)
            if stop.is_set():
                log(f"{signal.Signals(stop.signum).name}: stopping (the same signal again stops at once)")
                stop_lanes()
                while not graded.empty():  # answers that came back before the stop are recorded
                    sub, answer = graded.get()
                    merged[sub.student] = merger.merge(sub, answer)
    except BaseException:  # a second Ctrl-C, or a failure of the grader itself: stop grading, merge nothing more
        stop.set()
        stop_lanes()
        raise
    finally:
        progress.close()
    if stop.is_set():
        for problem in verify_originals(subs) + protected.verify_and_restore():  # (as at the end of a run)
            log(f"PROBLEM: {problem}")
        rest = len(accepted) - len(merged)
        raise Interrupted(
            f"stopped ({signal.Signals(stop.signum).name}): {len(merged)} submissions recorded by this run"
            + (f", {len(done)} by earlier ones" if done else "")
            + f", {rest} not graded yet; the same command with --run-dir {run_dir} grades "
            + ("them" if rest != 1 else "it"),
            stop.signum,
        )
    for sub in accepted:
        if sub.student not in merged:
            merged[sub.student] = merger.merge(sub, {"error": "not graded"})
    grading_seconds = time.monotonic() - t_grade
    problems = merger.problems + verify_originals(subs) + protected.verify_and_restore()

    report = {
        "assignment": settings.assignment,
        "course": str(course.root),
        "submissions": str(submissions),
        "run_dir": str(run_dir),
        "started": started_at,
        "resumed": len(done),
        "recorded_from_earlier_run": len(answered),
        "workers": settings.workers,
        "cell_timeout": cell_timeout,
        "submission_timeout": submission_timeout,
        "memory_limit_bytes": settings.memory,
        "containment": containment,
        "grading_seconds": round(grading_seconds, 2),
        "total_seconds": round(time.monotonic() - started, 2),
        "problems": problems,
        "notes": notes + merger.notes,
        "students": sorted(
            [*(finished.pop(s.student) for s in done), *(merged.get(s.student) or student_entry(s) for s in subs)],
            key=lambda entry: entry["student"],
        ),
    }
    write_atomic(run_dir / "report.json", report)
    return report


def write_atomic(path: Path, data: dict) -> None:
    """Write JSON so that a reader (or a run after a kill or a power cut) sees the whole file or none of it."""
    partial = path.with_name(path.name + ".partial")
    with open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as handle:
        handle.write(json.dumps(data, indent=2))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)  # the rename itself
    finally:
        os.close(folder)


def resume(run_dir: Path, course: Course, settings: Grader, submissions: Path) -> dict[str, dict]:
    """The students a run in ``run_dir`` graded already (student -> report entry): ``run.json``
    names the run; each graded student's entry is ``results/<student>.json``, written last."""
    run = {"course": str(course.root), "assignment": settings.assignment, "submissions": str(submissions)}
    run["seed"] = settings.seed
    if (run_dir / "run.json").exists():
        earlier = read_record(run_dir / "run.json")
        if earlier is None:
            raise CourseError(f"{run_dir / 'run.json'} is damaged: remove the run folder, or choose another")
        if earlier != run:
            differ = ", ".join(f"{k}: {earlier.get(k)} here, {v} now" for k, v in run.items() if earlier.get(k) != v)
            raise CourseError(f"{run_dir} holds another run ({differ}): choose another run folder")
    else:
        write_atomic(run_dir / "run.json", run)
    records = {p.stem: read_record(p) for p in sorted(run_dir.glob("results/*.json"))}
    return {student: record for student, record in records.items() if record is not None}  # a damaged one: again


def read_record(path: Path) -> dict | None:
    """A JSON record of the run folder, or None where it is not one (damaged outside the grader,
    which writes each whole or not at all): the student it is about is graded again."""
    try:
        record = json.loads(path.read_bytes())
    except (ValueError, OSError):
        return None
    return record if isinstance(record, dict) else None


def student_entry(sub: Submission, **extra) -> dict:
    entry = {"student": sub.student, "status": sub.status, "messages": list(sub.messages)}
    entry.update(extra)
    return entry


def _events(job_dir: Path) -> tuple[list[dict], list[dict]]:
    cells, kernels = [], []
    path = job_dir / "events.jsonl"
    if path.exists():
        for line in path.read_text().splitlines():
            try:
                item = json.loads(line)
            except ValueError:
                continue
            (cells if item.get("source") == "cell" else kernels).append(item)
    return cells, kernels


def stored_answers(run_dir: Path, subs: list[Submission]) -> dict[str, dict]:
    """Answers of students an earlier run graded but stopped before merging (their job folders kept)."""
    answers = {}
    for sub in subs:
        path = run_dir / "answers" / f"{sub.student}.json"
        answer = read_record(path) if path.exists() else None
        if answer and answer.get("notebooks") and all(Path(notebook).exists() for notebook in answer["notebooks"]):
            answers[sub.student] = answer
    return answers


class Merger:
    """Merges one graded submission at a time into the real gradebook (``merge_one``), checking
    first that nothing changed the instructor's files or the student's originals since its last
    write (possible only where the sandbox could not hide them), and what changed the gradebook:
    where kernels could write it, the change is undone (the changed copy kept in the run folder)
    and listed in ``problems``; where they cannot, it is another program's (nbgrader's formgrader,
    an instructor grading by hand meanwhile) and is kept, with a note."""

    def __init__(
        self,
        course: Course,
        assignment: AssignmentInfo,
        settings: Grader,
        run_dir: Path,
        protected: Snapshot,
        kernels_can_write: bool,
    ):
        self.course, self.assignment, self.settings, self.run_dir = course, assignment, settings, run_dir
        self.protected, self.problems, self.notes = protected, [], []
        self.kernels_can_write = kernels_can_write
        # the gradebook as it was before the first run; a resumed run checks against its own copy
        self.copy = run_dir / (
            "gradebook-resumed.db" if (run_dir / "gradebook-before.db").exists() else "gradebook-before.db"
        )
        self.digest = course.backup_gradebook(self.copy)

    def merge(self, sub: Submission, answer: dict) -> dict:
        path = self.course.gradebook_path
        if self.digest is not None and gradebook_digest(path) != self.digest:
            if self.kernels_can_write:
                changed = self.run_dir / f"gradebook-changed-{len(self.problems) + 1}.db"
                copy_sqlite(path, changed)
                restore_sqlite(self.copy, path)
                self.problems.append(
                    "the gradebook changed while submissions ran, and their kernels could write it: "
                    f"restored from the copy taken after the grader's last write; the changed one is {changed}"
                )
            elif not self.notes:
                self.notes.append(
                    "another program wrote the gradebook while grading ran (nbgrader's formgrader, a "
                    "command): kept, as kernels cannot write it here"
                )
        self.problems += self.protected.verify_and_restore() + verify_originals([sub])
        with nbgrader_session_warnings_quiet():
            entry = merge_one(self.course, self.assignment, self.settings, sub, answer, self.run_dir)
        if self.digest is not None:
            self.copy = self.run_dir / "gradebook-merged.db"
            self.digest = self.course.backup_gradebook(self.copy)
        return entry


def merge_one(
    course: Course,
    assignment: AssignmentInfo,
    settings: Grader,
    sub: Submission,
    result: dict,
    run_dir: Path,
) -> dict:
    """Copy one student's autograded notebooks into the course, record grades, write feedback."""
    cell_events, kernel_events = _events(run_dir / "jobs" / sub.student)
    sandbox_warnings = sorted({w for k in kernel_events for w in k.get("warnings", [])})
    if not result.get("ok"):
        sub.status = "failed"
        reason = result.get("error", "").strip().splitlines()[-1:] or ["unknown error"]
        sub.messages.append(f"grading failed, the gradebook was not changed for this student: {reason[0]}")
        return student_entry(
            sub,
            seed=result.get("seed"),
            seconds=result.get("seconds"),
            log=result.get("log", "")[-3000:],
            error=result.get("error", ""),
        )
    graded = {Path(p).stem: nbformat.read(p, as_version=4) for p in result["notebooks"]}
    # nbgrader's autograded folder from the worker's scratch course: the student's files and
    # the instructor's, as nbgrader copied them (c.CourseDirectory.ignore, exclude_overwriting)
    target = course.path("autograded", sub.student, settings.assignment)
    staged = target.with_name(target.name + ".grading")
    shutil.rmtree(staged, ignore_errors=True)  # half a copy, from a run that was stopped
    shutil.copytree(Path(result["notebooks"][0]).parent, staged, symlinks=True)
    if target.exists() and not (run_dir / "replaced" / sub.student).exists():
        shutil.move(str(target), str(run_dir / "replaced" / sub.student))
    shutil.rmtree(target, ignore_errors=True)  # (one this run put there before it was stopped)
    os.rename(staged, target)
    with Gradebook(course.db_url, course.coursedir.course_id) as gb:
        gb.update_or_create_student(sub.student)
        timestamp = parse_utc(sub.timestamp) if sub.timestamp else None
        if timestamp is not None:
            gb.update_or_create_submission(settings.assignment, sub.student, timestamp=timestamp)
        else:
            gb.update_or_create_submission(settings.assignment, sub.student)
        for name in assignment.notebooks:
            if name in graded:
                continue
            for grade in gb.find_submission_notebook(name, settings.assignment, sub.student).grades:
                grade.auto_score = 0
                grade.needs_manual_grade = False
            gb.db.commit()
    for name, nb in graded.items():
        resources = {
            "nbgrader": {
                "notebook": name,
                "assignment": settings.assignment,
                "student": sub.student,
                "db_url": course.db_url,
            }
        }
        SaveAutoGrades(config=course.config).preprocess(nb, resources)
        AssignLatePenalties(config=course.config).preprocess(nb, resources)
    tests, sanitized = [], {}
    for name, nb in graded.items():
        clean = fb.sanitize(nb, assignment.notebooks[name])
        results_nb = fb.graded_results(clean, assignment.notebooks[name])
        for item in results_nb:
            item["notebook"] = name
        tests += results_nb
        notes = [m for m in sub.messages] + [e["message"] for e in cell_events if e.get("notebook") == name]
        clean.cells.insert(0, fb.summary_cell(sub.student, f"{name}.ipynb", results_nb, notes))
        sanitized[name] = clean
    with Gradebook(course.db_url, course.coursedir.course_id) as gb:
        submission = gb.find_submission(settings.assignment, sub.student)
        score, max_score = float(submission.score), float(submission.max_score)
        needs_manual = bool(submission.needs_manual_grade)
    feedback_files = []
    if settings.feedback:
        try:
            feedback_files = fb.write_feedback(
                course,
                settings.assignment,
                sub.student,
                sanitized,
                assignment.notebooks,
                run_dir / "feedback" / sub.student,
            )
        except Exception as exc:  # noqa: BLE001 - grades stand; say feedback failed
            sub.messages.append(f"feedback could not be written: {exc}")
    sub.status = "graded"
    for event in cell_events:
        sub.messages.append(f"{event.get('notebook')}.ipynb cell {event.get('cell')}: {event.get('message')}")
    entry = student_entry(
        sub,
        score=score,
        max_score=max_score,
        needs_manual_grade=needs_manual,
        tests=tests,
        seed=result.get("seed"),
        seconds=result.get("seconds"),
        sandbox_warnings=sandbox_warnings,
        peak_memory_bytes=max([k.get("peak_memory_bytes", 0) for k in kernel_events] or [0]),
        peak_rss_bytes=max([k.get("peak_rss_bytes", 0) for k in kernel_events] or [0]),
        memory_measure=sorted({k.get("memory_measure", "none") for k in kernel_events}),
        kernels=len(kernel_events),
        feedback=[str(p) for p in feedback_files],
        autograded=str(target),
    )
    write_atomic(run_dir / "results" / f"{sub.student}.json", entry)
    return entry
