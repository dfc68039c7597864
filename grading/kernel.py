"""Kernel side of the grader: a kernel manager that starts every kernel in the
sandbox, and nbgrader's ``Execute`` preprocessor hardened against hostile code.

``SandboxKernelManager``
    gives each kernel a private working copy of the notebook's folder without
    the notebooks (the sanitized notebook, with the hidden tests restored,
    stays out of the student's reach), talks to it over Unix sockets (they work
    across the network namespace), and puts ``sandbox.py`` in front of the
    kernel command.

``SafeExecute``
    replaces nbgrader's ``Execute`` in autograding. Per cell it caps the output
    the grader keeps; a cell that runs past the time limit is interrupted, and
    a kernel that ignores the interrupt, exits, crashes or is stopped for
    memory is replaced by a fresh one: the cell gets an error that says what
    happened and grading goes on with the next cell. Before each test cell it
    asks the kernel's integrity guard (``kernel_startup.py``) whether error
    reporting or the assertion helpers were tampered with, and runs a canary
    that must fail; a test cell after tampering is marked failed with the reason.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path
from queue import Empty

import zmq
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import ensure_async, run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.preprocessors import Execute
from traitlets import Bool, Dict, Integer, Unicode

from .sandbox import IPC_PREFIX, SandboxPolicy, SandboxSpec

HERE = Path(__file__).resolve().parent
SANDBOX = HERE / "sandbox.py"
STARTUP = HERE / "kernel_startup.py"
MAX_MESSAGE_BYTES = 64 * 1024 * 1024


class SandboxKernelManager(AsyncKernelManager):
    """Starts the kernel through ``sandbox.py`` with a private working copy; see the module doc."""

    sandbox = Dict(
        help="The run's sandbox policy (``grading.sandbox.SandboxPolicy`` as a dict); filled in by the grader."
    ).tag(config=True)
    seed = Integer(None, allow_none=True, help="The student's seed (GRADING_SEED, PYTHONHASHSEED).").tag(config=True)
    work_root = Unicode(help="Folder (hidden from kernels) for per-kernel state.").tag(config=True)
    events_file = Unicode(help="JSON-lines file that receives each kernel's sandbox status.").tag(config=True)

    _kernel_dir = None
    _ipc_dir = None
    _status_file = None
    _output_file = None

    async def start_kernel(self, **kw):
        """Prepare the kernel's folders and sandbox, then start it (nbclient starts kernels here)."""
        # The manager's sockets (and its clients', see client()) drop any message over 64 MiB.
        self.context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
        cwd = os.path.realpath(kw.get("cwd") or os.getcwd())
        self._kernel_dir = tempfile.mkdtemp(prefix="kernel-", dir=self.work_root or None)
        os.chmod(self._kernel_dir, 0o711)
        # Unix socket paths are limited to ~107 bytes: keep the socket folder short.
        # The worker's PID in the name lets a later run remove the folder if this one is killed.
        self._ipc_dir = tempfile.mkdtemp(prefix=f"{IPC_PREFIX}{os.getpid()}-", dir=IPC_ROOT)
        os.chmod(self._ipc_dir, 0o700)
        private = os.path.join(self._kernel_dir, "work")
        _private_copy(cwd, private)
        for name in ("home", "ipython", "mpl", "cache"):
            os.makedirs(os.path.join(self._ipc_dir, name))
        shutil.copy(STARTUP, os.path.join(self._ipc_dir, "grading_startup.py"))
        self._status_file = os.path.join(self._kernel_dir, "status.json")
        env = dict(
            HOME=f"{self._ipc_dir}/home",
            IPYTHONDIR=f"{self._ipc_dir}/ipython",
            MPLCONFIGDIR=f"{self._ipc_dir}/mpl",
            XDG_CACHE_HOME=f"{self._ipc_dir}/cache",
            JUPYTER_RUNTIME_DIR=self._ipc_dir,
            TMPDIR="/tmp",
            NBGRADER_EXECUTION="autograde",
        )
        if self.seed is not None:
            env.update(GRADING_SEED=str(self.seed), PYTHONHASHSEED=str(self.seed % 2**32))
        policy = self.policy
        spec = SandboxSpec(
            policy=dataclasses.replace(policy, hide=[*policy.hide, self._kernel_dir]),
            cwd=cwd,
            binds=[[private, cwd], [self._ipc_dir, self._ipc_dir]],
            env=env,
            status_file=self._status_file,
            parent_pid=os.getpid(),
            remove_on_exit=[self._ipc_dir],
        )
        with open(os.path.join(self._kernel_dir, "spec.json"), "w") as handle:
            handle.write(spec.to_json())
        self.transport = "ipc"
        self.ip = os.path.join(self._ipc_dir, "k")
        self.connection_file = os.path.join(self._ipc_dir, "connection.json")
        # The kernel's own stdout and stderr (a C library's warnings, a cell's os.write(2, ...)) go to
        # a file of this kernel, hidden from it, not to the worker's log: RLIMIT_FSIZE ends a kernel
        # that writes past it, which in a shared log would then end every later kernel's first write.
        self._output_file = os.path.join(self._kernel_dir, "output.log")
        output = os.open(self._output_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o600)
        kw.setdefault("stdout", output)  # (Popen's arguments: the child gets copies as its fds 1 and 2)
        kw.setdefault("stderr", output)
        try:
            return await super().start_kernel(**kw)
        finally:
            os.close(output)

    def client(self, **kwargs):
        client = super().client(**kwargs)
        # Its own context (it destroys it after stopping its channels; the manager destroys its
        # own earlier, in shutdown_kernel), with the same cap on every socket it will open.
        client.context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
        return client

    @property
    def policy(self) -> SandboxPolicy:
        return SandboxPolicy.from_dict(dict(self.sandbox))

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = super().format_kernel_cmd(extra_arguments)
        # an IPython kernel by its command, whatever the kernelspec is named (jupyter_client's
        # ``ipykernel`` goes by the name: a course kernel named "bdls" would run unguarded)
        if "-m" in cmd[:-1] and cmd[cmd.index("-m") + 1] in ("ipykernel_launcher", "ipykernel"):
            startup = os.path.join(self._ipc_dir, "grading_startup.py")
            cmd.append(f"--IPKernelApp.exec_files={json.dumps([startup])}")
        return [sys.executable, str(SANDBOX), os.path.join(self._kernel_dir, "spec.json"), "--", *cmd]

    def sandbox_status(self) -> dict:
        try:
            with open(self._status_file) as handle:
                return json.load(handle)
        except (OSError, TypeError, ValueError):
            return {}

    async def cleanup_resources(self, restart: bool = False) -> None:
        """After the kernel: record its sandbox status, remove its folders (nbclient always calls this)."""
        await super().cleanup_resources(restart=restart)
        if restart:
            return
        status = self.sandbox_status()
        if self.events_file and status:
            with open(self.events_file, "a") as handle:
                handle.write(json.dumps(dict(status, source="sandbox")) + "\n")
        if status.get("exit") not in (None, {"code": 0}):  # its last words, for whoever reads the log
            sys.stderr.write(_tail(self._output_file, OUTPUT_TAIL_BYTES))
        for folder in (self._ipc_dir, self._kernel_dir):
            if folder:
                shutil.rmtree(folder, ignore_errors=True)


IPC_ROOT = "/tmp"  # Unix socket paths are limited to ~107 bytes: a short folder
OUTPUT_TAIL_BYTES = 4096  # of a kernel's own output that a kernel which did not end well leaves in the log


def _tail(path: str | None, limit: int) -> str:
    """The end of a kernel's output file, headed for the worker's log ("" if none)."""
    try:
        with open(path, "rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, size - limit))
            text = handle.read().decode(errors="replace")
    except (OSError, TypeError):
        return ""
    return f"--- the kernel's own output, last {len(text)} of {size} bytes ---\n{text}\n" if size else ""


def remove_stale_ipc_dirs(root: str = IPC_ROOT) -> list[str]:
    """Remove the socket folders of kernels whose grading worker is gone (a killed run)."""
    removed = []
    try:
        names = os.listdir(root)
    except OSError:
        return removed
    for name in names:
        match = re.fullmatch(re.escape(IPC_PREFIX) + r"(\d+)-\w+", name)
        if not match:
            continue
        try:
            with open(f"/proc/{match.group(1)}/cmdline", "rb") as handle:
                alive = b"grading.worker" in handle.read()
        except OSError:
            alive = False
        if not alive:
            path = os.path.join(root, name)
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def _private_copy(source: str, target: str) -> None:
    """Copy the notebook's folder for the kernel: regular files only, no notebooks."""
    os.makedirs(target)
    target_real = os.path.realpath(target)
    for root, dirnames, filenames in os.walk(source):
        relative = os.path.relpath(root, source)
        destination = os.path.normpath(os.path.join(target, relative))
        os.makedirs(destination, exist_ok=True)
        dirnames[:] = [
            d
            for d in dirnames
            if not os.path.islink(os.path.join(root, d))
            and not _inside(os.path.realpath(os.path.join(root, d)), target_real)
            and not _inside(target_real, os.path.realpath(os.path.join(root, d)))
        ]
        for name in filenames:
            path = os.path.join(root, name)
            if name.endswith(".ipynb") or os.path.islink(path) or not os.path.isfile(path):
                continue
            shutil.copyfile(path, os.path.join(destination, name))


def _inside(path: str, parent: str) -> bool:
    return path == parent or path.startswith(parent.rstrip("/") + "/")


def _error(ename: str, evalue: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def _notice(text: str) -> NotebookNode:
    """A note from the grader in a cell's outputs (display data: nbgrader's LimitOutput keeps it)."""
    return NotebookNode(output_type="display_data", data={"text/plain": text}, metadata={})


def _death_message(status: dict) -> tuple[str, str]:
    """Name and message for a kernel that died, from the supervisor's status."""
    for event in status.get("events", []):
        if event.get("kind") == "memory":
            return (
                "MemoryLimitExceeded",
                f"the kernel used more than {event['limit_bytes'] / 2**20:.0f} MiB "
                f"of memory ({event['used_bytes'] / 2**20:.0f} MiB) and was stopped",
            )
        if event.get("kind") == "processes":
            return (
                "ProcessLimitExceeded",
                f"the kernel started more than {event['limit']} processes at once and was stopped",
            )
        if event.get("kind") == "folder":
            return (
                "DiskLimitExceeded",
                f"the kernel put more than {event['limit_bytes'] / 2**20:.0f} MiB or {event['limit_entries']} "
                f"files in its folders ({event['used_bytes'] / 2**20:.0f} MiB in {event['entries']} files "
                "and folders) and was stopped",
            )
        if event.get("kind") == "refused":
            return "SandboxError", f"the kernel could not be started safely: {event.get('message')}"
    exit_info = status.get("exit") or {}
    if "signal" in exit_info:
        name = exit_info.get("name", f"signal {exit_info['signal']}")
        what = {
            "SIGSEGV": "crashed (segmentation fault)",
            "SIGABRT": "aborted",
            "SIGKILL": "was killed",
            "SIGBUS": "crashed (bus error)",
            "SIGFPE": "crashed (arithmetic fault)",
        }.get(name, f"died ({name})")
        return "KernelDied", f"the kernel {what} while running this cell"
    if "code" in exit_info:
        return "KernelDied", f"the kernel exited with code {exit_info['code']} while running this cell"
    return "KernelDied", "the kernel died while running this cell"


class SafeExecute(Execute):
    """nbgrader's ``Execute`` for hostile notebooks; see the module doc."""

    max_output_bytes = Integer(1_000_000, help="Output kept per cell, in bytes.").tag(config=True)
    max_kernel_restarts = Integer(5, help="Fresh kernels per notebook after deaths and hangs.").tag(config=True)
    integrity_checks = Bool(True, help="Check the kernel for tampering before test cells.").tag(config=True)
    probe_timeout = Integer(10, help="Seconds the integrity check may take.").tag(config=True)
    events_file = Unicode("", help="JSON-lines file that receives what happened per cell.").tag(config=True)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("kernel_manager_class", SandboxKernelManager)  # (the trait is nbclient's)
        super().__init__(*args, **kwargs)

    def preprocess(self, nb, resources=None, km=None):
        notebook = (resources or {}).get("nbgrader", {}).get("notebook")
        self.grading_events = []
        try:
            return super().preprocess(nb, resources, km=km)
        finally:
            if self.events_file:
                with open(self.events_file, "a") as handle:
                    for event in self.grading_events:
                        handle.write(json.dumps(dict(event, notebook=notebook, source="cell")) + "\n")

    # -------------------------------------------------------------- output cap
    def reset_execution_trackers(self):
        super().reset_execution_trackers()
        self._output_bytes: dict[int, int] = {}
        self._truncated: set[int] = set()
        self._restarts = 0
        self._gave_up = False
        self.grading_events: list[dict] = []

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        size = len(content.get("text", "") or "")
        for value in (content.get("data") or {}).values():
            size += len(value) if isinstance(value, str) else len(json.dumps(value))
        size += sum(len(line) for line in content.get("traceback", []) or [])
        before = self._output_bytes.get(cell_index, 0)
        self._output_bytes[cell_index] = before + size
        if before + size > self.max_output_bytes and msg.get("msg_type") != "error":
            self._truncated.add(cell_index)
            room = self.max_output_bytes - before
            if msg.get("msg_type") == "stream" and room > 0:  # keep the head of the stream
                msg = dict(msg, content=dict(content, text=content.get("text", "")[:room]))
            else:
                return None
        return super().output(outs, msg, display_id, cell_index)

    # -------------------------------------------------------------- cells
    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        if cell.cell_type != "code" or not cell.source.strip():
            return await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        if self._gave_up:
            cell.outputs = [_error("KernelDied", "not run: the kernel died too often in earlier cells")]
            return cell
        is_test = utils.is_grade(cell) and not utils.is_solution(cell) and self.integrity_checks
        before = await self._probe() if is_test else ([], [])
        died = False
        try:
            cell = await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        except DeadKernelError:
            died = True
            ename, evalue = _death_message(self.km.sandbox_status())
            cell.outputs = list(cell.get("outputs", [])) + [_error(ename, evalue)]
            self.grading_events.append({"cell": cell_index, "kind": ename, "message": evalue})
            await self._replace_kernel()
        except CellTimeoutError:
            if await self._responsive():
                # The reply came but the output lagged behind (a flood): the kernel is fine.
                evalue = "the cell's output arrived too slowly; part of it was dropped"
                self.grading_events.append({"cell": cell_index, "kind": "output", "message": evalue})
                cell.outputs = list(cell.get("outputs", [])) + [_notice(f"[grader: {evalue}]")]
            else:
                died = True
                evalue = (
                    f"the cell ran past the {self.timeout} s limit and did not stop when interrupted; "
                    "the kernel was replaced"
                )
                cell.outputs = list(cell.get("outputs", [])) + [_error("CellTimeoutError", evalue)]
                self.grading_events.append({"cell": cell_index, "kind": "timeout", "message": evalue})
                await self._replace_kernel()
        else:
            for output in cell.outputs:
                if output.get("output_type") == "error" and output.get("ename") == "CellTimeoutError":
                    output["evalue"] = f"the cell ran past the {self.timeout} s limit and was interrupted"
                    output["traceback"] = [f"CellTimeoutError: {output['evalue']}"]
                    self.grading_events.append({"cell": cell_index, "kind": "timeout", "message": output["evalue"]})
        after = await self._probe() if is_test and not died and not self._gave_up else ([], [])
        if cell_index in self._truncated:
            cell.outputs.append(_notice(f"[grader: output beyond {self.max_output_bytes} bytes dropped]"))
            self.grading_events.append({"cell": cell_index, "kind": "output", "message": "output truncated"})
        if before[0]:
            self.grading_events.append(
                {
                    "cell": cell_index,
                    "kind": "repaired",
                    "message": "undid tampering before this test: " + "; ".join(before[0]),
                }
            )
        untrusted = before[1] + after[1] + [f"during the test: {issue}" for issue in after[0]]
        if untrusted:
            evalue = "this test cannot be trusted because the submission tampered with the kernel: " + "; ".join(
                untrusted
            )
            cell.outputs.append(_error("IntegrityError", evalue))
            self.grading_events.append({"cell": cell_index, "kind": "integrity", "message": evalue})
        self.nb["cells"][cell_index] = cell
        return cell

    async def _responsive(self, timeout: float = 3.0) -> bool:
        """Whether the kernel answers a request on its shell channel (it does not while busy)."""
        try:
            if not await ensure_async(self.km.is_alive()):
                return False
            msg_id = self.kc.kernel_info()
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                try:
                    msg = await self.kc.shell_channel.get_msg(timeout=0.1)
                except Empty:
                    continue
                if msg["parent_header"].get("msg_id") == msg_id:
                    return True
        except Exception:  # noqa: BLE001 - treat as unresponsive
            return False
        return False

    async def _replace_kernel(self) -> None:
        """A fresh kernel for the remaining cells (their earlier state is gone)."""
        self._restarts += 1
        if self._restarts > self.max_kernel_restarts:
            self._gave_up = True  # the final clean-up of nbclient disposes of the dead kernel
            return
        try:
            await self._async_cleanup_kernel()
        except Exception:  # noqa: BLE001 - the old kernel is dead anyway
            pass
        self.km = self.create_kernel_manager()
        await self.async_start_new_kernel()
        await self.async_start_new_kernel_client()

    async def _probe(self) -> tuple[list[str], list[str]]:
        """Ask the guard to report and undo tampering, then run a canary that must fail visibly.

        Returns (repaired, untrusted): what was put right, and what makes the
        kernel's results untrustworthy.
        """
        nonce, canary = secrets.token_hex(8), secrets.token_hex(8)
        code = f"__import__('sys').modules['_grading_guard'].check('{nonce}')\nraise AssertionError('{canary}')\n"
        report, error_seen, reply, idle = None, False, None, False
        try:
            msg_id = self.kc.execute(code, silent=False, store_history=False, stop_on_error=False)
            deadline = time.monotonic() + self.probe_timeout
            while reply is None or not idle:
                if time.monotonic() > deadline:
                    return [], ["the kernel did not answer the integrity check in time"]
                if reply is None:
                    try:
                        msg = await self.kc.shell_channel.get_msg(timeout=0.02)
                        if msg["parent_header"].get("msg_id") == msg_id:
                            reply = msg
                    except Empty:
                        pass
                try:
                    msg = await self.kc.iopub_channel.get_msg(timeout=0.02)
                except Empty:
                    continue
                if msg["parent_header"].get("msg_id") != msg_id:
                    continue
                kind, content = msg["msg_type"], msg["content"]
                if kind == "stream" and nonce in content.get("text", ""):
                    for line in content["text"].splitlines():
                        if nonce in line:
                            report = json.loads(line)
                elif kind == "error" and content.get("evalue") == canary:
                    error_seen = True
                elif kind == "status" and content.get("execution_state") == "idle":
                    idle = True
        except Exception as exc:  # noqa: BLE001 - any failure of the check is suspicious
            return [], [f"the integrity check failed ({type(exc).__name__}: {exc})"]
        repaired, untrusted = [], []
        if report is None:
            untrusted.append("the grader's integrity guard did not report (removed or output hijacked)")
        else:
            repaired.extend(report.get("repaired", []))
            untrusted.extend(report.get("untrusted", []))
        content = reply["content"]
        if content.get("status") != "error" or content.get("evalue") != canary:
            untrusted.append("a failing assertion was reported as success")
        elif not error_seen:
            untrusted.append("errors are no longer displayed")
        return repaired, untrusted

    _gave_up = False


# nbclient binds the synchronous ``execute_cell`` to its own coroutine at class
# creation; bind it to ours so that ``ExecutePreprocessor.preprocess_cell`` uses it.
SafeExecute.execute_cell = run_sync(SafeExecute.async_execute_cell)
