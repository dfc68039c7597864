"""Kernel launcher that contains one student's kernel (standard library only; see ``grading/README.md``).

Run as ``python sandbox.py SPEC.json -- KERNEL ARGV...`` (the grader's kernel manager puts it in
front of the kernel command). The process stays outside as a small *supervisor*: it forwards
interrupts, watches the memory of the kernel's whole tree (it is a child subreaper; PSS from
``/proc/PID/smaps_rollup``, read when the cheap RSS is over the limit and every ``PSS_INTERVAL``
for the report), ends the tree when its parent dies, removes the kernel's socket folder, and writes
what it achieved and why the kernel died to ``spec.status_file``. Its child sets the limits
(``RLIMIT_AS``, ``RLIMIT_FSIZE``, no core dumps, ``RLIMIT_NPROC`` as ``nobody``), scrubs the
environment, drops root to ``nobody`` where ``nobody`` can reach Python, and starts the kernel
either under **bubblewrap** (``policy.bwrap``: ``bwrap_command``) or in namespaces and mounts it
makes itself (``_isolate_filesystem``: hidden paths covered, everything read-only but the private
copy and ``/tmp``); without namespaces it runs the kernel in the private copy, or refuses
(``policy.mode == "require"``). Both ways the kernel is PID 1 of its namespace and dies with the
supervisor, even one killed outright.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import dataclasses
import fnmatch
import json
import os
import shutil
import signal
import sys
import threading
import time
from dataclasses import dataclass

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000

MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38

SYS_MOUNT_SETATTR = 442  # same number on x86_64 and aarch64
AT_FDCWD = -100
AT_RECURSIVE = 0x8000
MOUNT_ATTR_RDONLY = 0x1

NOBODY = 65534
WATCH_INTERVAL = 0.1  # seconds between two looks at the kernel's memory and parent
TREE_END_TIMEOUT = 5.0  # seconds to wait for a killed kernel's processes to be gone
PSS_INTERVAL = 0.5  # seconds between two PSS samples for the report (one costs ~10 ms for a TensorFlow kernel)
IPC_PREFIX = "gk-"  # socket folders in /tmp: gk-<worker pid>-<random>
# Processes in a kernel's tree above which the watchdog ends it: a fork bomb would otherwise use up
# the machine's process ids (RLIMIT_NPROC binds only a kernel running as nobody, not one as root).
MAX_PROCESSES = 256
# Tasks (threads included) a kernel's own pids cgroup allows, where the machine lets the grader make
# one: a limit the Linux kernel enforces, which a fork bomb cannot outrun as it can the watchdog.
PIDS_MAX = 4096
CGROUP_PREFIX = "grading-kernel-"  # a kernel's pids cgroup: grading-kernel-<supervisor pid>
# What a kernel may keep in the folders it can write to on the grader's disk (its working copy, its
# HOME and caches), summed, before the watchdog ends it: RLIMIT_FSIZE bounds one file, not how many.
MAX_FOLDER_BYTES, MAX_FOLDER_ENTRIES = 2**30, 10_000
FOLDER_INTERVAL = 1.0  # seconds between two walks through them


@dataclass(frozen=True)
class SandboxPolicy:
    """What every kernel of one grading run may see and use (built once: ``grading.runner.sandbox_policy``)."""

    mode: str  # auto: contain as far as possible | require: refuse without namespaces | off
    hide: list[str]  # paths covered by empty file systems
    needed: list[str]  # paths under hidden ones that stay visible, read-only (Python, data caches)
    memory_bytes: int  # the kernel tree's memory (PSS) above which it is killed; 0: no watchdog
    address_space_bytes: int  # RLIMIT_AS per process
    file_size_bytes: int  # RLIMIT_FSIZE
    tmp_bytes: int  # size of the kernel's private /tmp
    nproc: int  # RLIMIT_NPROC when the kernel runs as nobody
    env_keep: list[str]  # glob patterns of environment variables passed to the kernel
    bwrap: str  # bubblewrap, which then makes the namespaces and mounts; "": the supervisor makes them

    @classmethod
    def from_dict(cls, data: dict) -> SandboxPolicy:
        return cls(**data)  # a missing or unknown key is an error, not a default


@dataclass(frozen=True)
class SandboxSpec:
    """One kernel's sandbox: the run's policy and this kernel's own folders (``SPEC.json``)."""

    policy: SandboxPolicy
    cwd: str  # the kernel's working folder, as the notebook sees it
    binds: list[list[str]]  # [source, target]: writable folders bound into the sandbox
    env: dict[str, str]  # environment set for the kernel (on top of the kept variables)
    status_file: str  # where the supervisor reports (outside the sandbox)
    parent_pid: int  # the process that started the supervisor; its death ends the kernel
    remove_on_exit: list[str]  # folders the supervisor removes when it ends (the kernel's socket folder)

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self))

    @classmethod
    def from_json(cls, text: str) -> SandboxSpec:
        data = json.loads(text)
        return cls(policy=SandboxPolicy.from_dict(data.pop("policy")), **data)


_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
_libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
_libc.unshare.argtypes = [ctypes.c_int]
_libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
_libc.syscall.restype = ctypes.c_long


class MountAttr(ctypes.Structure):
    _fields_ = [
        ("attr_set", ctypes.c_uint64),
        ("attr_clr", ctypes.c_uint64),
        ("propagation", ctypes.c_uint64),
        ("userns_fd", ctypes.c_uint64),
    ]


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def unshare(flags: int) -> None:
    _check(_libc.unshare(flags), "unshare")


def mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    enc = lambda s: s.encode() if s is not None else None
    _check(_libc.mount(enc(source), enc(target), enc(fstype), flags, enc(data)), f"mount {target}")


def mount_setattr(path: str, set_flags: int, clear_flags: int, recursive: bool) -> None:
    attr = MountAttr(set_flags, clear_flags, 0, 0)
    flags = AT_RECURSIVE if recursive else 0
    result = _libc.syscall(SYS_MOUNT_SETATTR, AT_FDCWD, path.encode(), flags, ctypes.byref(attr), ctypes.sizeof(attr))
    _check(0 if result == 0 else -1, f"mount_setattr {path}")


def prctl(option: int, arg: int) -> None:
    _check(_libc.prctl(option, arg, 0, 0, 0), f"prctl {option}")


def _write(path: str, text: str) -> None:
    with open(path, "w") as handle:
        handle.write(text)


def _inside(path: str, parent: str) -> bool:
    """Whether ``path`` is ``parent`` or lies below it (both absolute, normalized)."""
    return path == parent or path.startswith(parent.rstrip("/") + "/")


# Never covered, whatever a caller asks (a $HOME of "/" must not hide the system).
SYSTEM = {"/", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/usr", "/etc", "/proc", "/sys", "/dev", "/var", "/run"}


def _depth(path: str) -> int:
    return path.rstrip("/").count("/")


def plan_mounts(hide: list[str], needed: list[str]) -> list[tuple[str, str]]:
    """The mount operations that make ``hide`` invisible but keep ``needed`` visible.

    Returns ``(operation, path)`` pairs in the order to apply them: ``"cover"`` a
    directory with an empty file system, ``"cover_file"`` with ``/dev/null``, or
    ``"rebind"`` a needed path (a Python installation under a covered ``$HOME``,
    say) back to where it was. Shallower paths come first, so a hidden folder
    inside a re-bound one (a course inside the repository whose ``lib`` the kernel
    imports) is covered again. A target already invisible is skipped.
    """
    hide = {os.path.realpath(p) for p in hide if p and os.path.lexists(p)} - SYSTEM
    needed_set = sorted({os.path.realpath(p) for p in needed if p and os.path.exists(p)}, key=_depth)
    minimal: list[str] = []
    for path in needed_set:
        if not any(_inside(path, kept) for kept in minimal):
            minimal.append(path)
    ops = sorted(
        [("cover", p) for p in hide] + [("rebind", p) for p in minimal],
        key=lambda op: (_depth(op[1]), op[0] != "cover"),
    )
    done: list[tuple[str, str]] = []

    def hidden(path: str) -> bool:
        owners = [op for op in done if _inside(path, op[1])]
        return bool(owners) and max(owners, key=lambda op: _depth(op[1]))[0] != "rebind"

    for kind, path in ops:
        if kind == "cover":
            if hidden(path) or any(_inside(n, path) and n == path for n in minimal):
                continue
            done.append(("cover" if os.path.isdir(path) else "cover_file", path))
        elif hidden(path):
            done.append(("rebind", path))
    return done


SCRATCH = ["/tmp", "/var/tmp", "/dev/shm"]  # private, writable, empty in the sandbox


def bwrap_command(spec: SandboxSpec, cmd: list[str]) -> list[str]:
    """``bwrap`` arguments for the same file system as ``_isolate_filesystem`` makes by hand."""
    policy = spec.policy
    # --as-pid-1: the kernel is PID 1 of its namespace (a parent of PID 1 tells ipykernel its parent died)
    args = [policy.bwrap, "--unshare-all", "--as-pid-1", "--die-with-parent", "--new-session", "--hostname", "sandbox"]
    args += ["--cap-drop", "ALL"] if os.geteuid() == 0 else ["--unshare-user", "--disable-userns"]
    args += ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    covers = []
    for kind, path in plan_mounts(list(policy.hide), policy.needed):
        if any(_inside(path, root) for root in SCRATCH):
            continue  # the scratch folders are replaced below anyway
        if kind == "cover":
            args += ["--size", "65536", "--perms", "0755", "--tmpfs", path]
            covers.append(path)
        else:
            args += ["--ro-bind", "/dev/null" if kind == "cover_file" else path, path]
    for path in SCRATCH:
        args += ["--size", str(policy.tmp_bytes), "--perms", "1777", "--tmpfs", path]
    for path in policy.needed:  # a needed path under /tmp (a virtual environment there)
        path = os.path.realpath(path)
        if os.path.exists(path) and any(_inside(path, root) for root in SCRATCH):
            args += ["--ro-bind", path, path]
    for src, dst in spec.binds:
        args += ["--bind", os.path.realpath(src), os.path.abspath(dst)]
    for path in covers:  # last: bwrap makes the mount points of the binds inside them
        args += ["--remount-ro", path]
    return [*args, "--chdir", spec.cwd, "--", *cmd]


# ---------------------------------------------------------------- the child


def _report(pipe_fd: int, **item) -> None:
    try:
        os.write(pipe_fd, (json.dumps(item) + "\n").encode())
    except OSError:
        pass


def _chown_tree(path: str, uid: int, gid: int) -> None:
    for root, dirnames, filenames in os.walk(path):
        os.lchown(root, uid, gid)
        for name in dirnames + filenames:
            os.lchown(os.path.join(root, name), uid, gid)


def _mkdirs(path: str) -> None:
    os.makedirs(path, mode=0o755, exist_ok=True)


def _bind_held(fd: int, path: str) -> None:
    """Bind the file or directory held open as ``fd`` onto ``path``, making a mount point of its kind there."""
    if os.path.isdir(f"/proc/self/fd/{fd}"):
        _mkdirs(path)
    else:
        _mkdirs(os.path.dirname(path))
        open(path, "a").close()
    mount(f"/proc/self/fd/{fd}", path, None, MS_BIND | MS_REC)


def _isolate_filesystem(spec: SandboxSpec, pipe_fd: int) -> None:
    """Inside fresh mount namespace: cover, make read-only, re-expose the writable binds."""
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    binds = [(os.path.realpath(src), os.path.abspath(dst)) for src, dst in spec.binds]
    # Hold each bind source open: after covering, its path may no longer lead to it.
    held = [(os.open(src, os.O_PATH | os.O_CLOEXEC), dst) for src, dst in binds]
    scratch = SCRATCH
    ops = plan_mounts(list(spec.policy.hide) + scratch, spec.policy.needed)
    # Needed paths are opened now too: once their parent is covered they are out of reach.
    needed_fds = {path: os.open(path, os.O_PATH | os.O_CLOEXEC) for kind, path in ops if kind == "rebind"}
    for kind, path in ops:
        if kind == "cover":
            mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=755")
        elif kind == "cover_file":
            mount("/dev/null", path, None, MS_BIND)
        else:
            _bind_held(needed_fds[path], path)
    for _, dst in held:
        _mkdirs(os.path.dirname(dst))
    readonly = True
    try:
        mount_setattr("/", MOUNT_ATTR_RDONLY, 0, recursive=True)
    except OSError as exc:
        readonly = False
        _report(pipe_fd, warning=f"could not make the file system read-only ({exc.strerror})")
    for path in scratch:
        if os.path.isdir(path):
            mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, f"size={spec.policy.tmp_bytes},mode=1777")
    for path, fd in needed_fds.items():  # a needed path under /tmp (a virtual environment there)
        if any(_inside(path, root) for root in scratch):
            _bind_held(fd, path)
            if readonly:
                mount_setattr(path, MOUNT_ATTR_RDONLY, 0, recursive=True)
    for fd in needed_fds.values():
        os.close(fd)
    for fd, dst in held:
        _mkdirs(dst)
        mount(f"/proc/self/fd/{fd}", dst, None, MS_BIND | MS_REC)
        if readonly:
            mount_setattr(dst, 0, MOUNT_ATTR_RDONLY, recursive=True)
        os.close(fd)
    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    _report(pipe_fd, filesystem="namespace", covered=sum(kind != "rebind" for kind, _ in ops), readonly=readonly)


def _lock_user_namespace() -> None:
    """Nested user namespace: the covering mounts become locked, the kernel holds no capability."""
    uid, gid = os.geteuid(), os.getegid()  # 0 inside the first user namespace
    outer_uid, outer_gid = int(os.environ["GRADING_OUTER_UID"]), int(os.environ["GRADING_OUTER_GID"])
    unshare(CLONE_NEWUSER | CLONE_NEWNS)
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", f"{outer_uid} {uid} 1")
    _write("/proc/self/gid_map", f"{outer_gid} {gid} 1")


def usable_by_nobody(paths: list[str]) -> list[str]:
    """The paths that user ``nobody`` could not reach (by permission bits), for the report."""
    import stat

    blocked = []
    for path in paths:
        path = os.path.realpath(path)
        parts = path.split("/")
        for depth in range(1, len(parts)):
            ancestor = "/".join(parts[:depth]) or "/"
            try:
                if not os.stat(ancestor).st_mode & stat.S_IXOTH:
                    blocked.append(f"{path} (directory {ancestor} is closed to other users)")
                    break
            except OSError:
                break
        else:
            try:
                if not os.stat(path).st_mode & stat.S_IROTH:
                    blocked.append(f"{path} (not readable by other users)")
            except OSError:
                pass
    return blocked


def _limits(policy: SandboxPolicy, as_nobody: bool) -> None:
    import resource

    def setlimit(which: int, value: int | None) -> None:
        if value:
            soft, hard = resource.getrlimit(which)
            value = value if hard == resource.RLIM_INFINITY else min(value, hard)
            resource.setrlimit(which, (value, value))

    setlimit(resource.RLIMIT_AS, policy.address_space_bytes)
    setlimit(resource.RLIMIT_FSIZE, policy.file_size_bytes)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if as_nobody:
        setlimit(resource.RLIMIT_NPROC, policy.nproc)


def scrubbed_environment(spec: SandboxSpec) -> dict:
    keep = spec.policy.env_keep
    env = {k: v for k, v in os.environ.items() if any(fnmatch.fnmatchcase(k, pattern) for pattern in keep)}
    env.update(spec.env)
    return env


def _child(spec: SandboxSpec, cmd: list[str], namespaces: str | None, pipe_fd: int) -> None:
    try:
        os.setsid()  # signals for the kernel go through the supervisor only
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
            signal.signal(sig, signal.SIG_DFL)
        as_root = os.geteuid() == 0 and namespaces != "userns"
        blocked = usable_by_nobody([_which(cmd[0])] + list(spec.policy.needed)) if as_root else []
        if as_root and not blocked:
            for src, _ in spec.binds:
                _chown_tree(src, NOBODY, NOBODY)
        cwd = spec.cwd
        if namespaces == "bwrap":
            _report(pipe_fd, filesystem="bwrap", network="namespace", readonly=True)
        elif namespaces:
            unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS)
            _report(pipe_fd, network="namespace")
            try:
                _libc.sethostname(b"sandbox", 7)
                _isolate_filesystem(spec, pipe_fd)
            except OSError as exc:
                if spec.policy.mode == "require":
                    raise
                _report(pipe_fd, warning=f"file system isolation failed: {exc}", filesystem="none")
                cwd = _private_cwd(spec)
        else:
            cwd = _private_cwd(spec)
        try:
            with open("/proc/self/oom_score_adj", "w") as handle:
                handle.write("1000")  # if memory runs out, the student's kernel goes first
        except OSError:
            pass
        dropped = False
        if as_root and blocked:
            if spec.policy.mode == "require":
                raise PermissionError("user nobody cannot reach: " + "; ".join(blocked))
            _report(pipe_fd, warning="the kernel runs as root: user nobody cannot reach " + "; ".join(blocked))
        if as_root and not blocked:
            os.setgroups([])
            os.setresgid(NOBODY, NOBODY, NOBODY)
            os.setresuid(NOBODY, NOBODY, NOBODY)
            dropped = True
            _report(pipe_fd, user="nobody")
        elif namespaces == "userns":
            _lock_user_namespace()
            _report(pipe_fd, user="unprivileged user namespace (mounts locked)")
        elif namespaces == "bwrap":
            _report(
                pipe_fd,
                user="root, no capabilities" if os.geteuid() == 0 else "grader's own user, in bwrap's namespaces",
            )
        else:
            _report(pipe_fd, user="grader's own user")
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # cleared by the credential change: set again
        prctl(PR_SET_NO_NEW_PRIVS, 1)
        _limits(spec.policy, as_nobody=dropped)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # oversized writes fail instead of killing
        env = scrubbed_environment(spec)
        env["PWD"] = cwd
        if namespaces == "bwrap":
            cmd = bwrap_command(spec, cmd)
            cwd = "/"  # bwrap's --chdir: cwd is in a hidden folder out here
        os.chdir(cwd)
        # The supervisor holds the pipe's other end: if it died before the parent-death
        # signal was set again, this write fails and the kernel never starts.
        os.write(pipe_fd, (json.dumps({"ready": True}) + "\n").encode())
        os.closerange(3, 65536)
        os.execvpe(cmd[0], cmd, env)
    except BaseException as exc:  # noqa: BLE001 - report anything, then die
        _report(pipe_fd, fatal=f"{type(exc).__name__}: {exc}")
        os._exit(97)


def _which(program: str) -> str:
    import shutil

    return shutil.which(program) or program


def _private_cwd(spec: SandboxSpec) -> str:
    """Without a mount namespace the kernel runs directly in the private copy."""
    for src, dst in spec.binds:
        if os.path.abspath(dst) == os.path.abspath(spec.cwd):
            return src
    return spec.cwd


# ----------------------------------------------------------- the supervisor


def _remove_stale_cgroups(parent: str) -> None:
    """Remove the empty cgroups of supervisors that were killed outright (``grading-kernel-<pid>``)."""
    try:
        names = os.listdir(parent)
    except OSError:
        return
    for name in names:
        if name.startswith(CGROUP_PREFIX) and name[len(CGROUP_PREFIX) :].isdigit():
            try:
                os.kill(int(name[len(CGROUP_PREFIX) :]), 0)
            except ProcessLookupError:
                try:
                    os.rmdir(os.path.join(parent, name))  # (fails while a task is in it)
                except OSError:
                    pass
            except OSError:
                pass


def pids_cgroup(name: str, limit: int) -> str | None:
    """A new cgroup of the ``pids`` controller (v1, or v2 where the parent enables it), below this
    process's own, allowing ``limit`` tasks: its folder, or None where the machine lets us make none."""
    try:
        with open("/proc/self/cgroup") as handle:
            memberships = [line.rstrip("\n").split(":", 2) for line in handle]
        with open("/proc/self/mountinfo") as handle:
            mounts = [line.split() for line in handle]
    except OSError:
        return None
    for _, controllers, path in memberships:
        version = "cgroup" if "pids" in controllers.split(",") else "cgroup2" if controllers == "" else None
        for fields in mounts if version else []:
            tail = fields[fields.index("-") + 1 :]
            if tail[0] != version or (version == "cgroup" and "pids" not in tail[2].split(",")):
                continue
            root, mountpoint = fields[3], fields[4]
            if not _inside(path, root):
                continue
            parent = mountpoint + path[len(root.rstrip("/")) :]
            _remove_stale_cgroups(parent)
            folder = os.path.join(parent, name)
            try:
                os.mkdir(folder)
            except OSError:
                continue
            try:
                _write(os.path.join(folder, "pids.max"), str(limit))  # (v2: only where the parent enables pids)
                return folder
            except OSError:
                os.rmdir(folder)
    return None


def process_tree(root: int) -> list[int]:
    """The descendants of ``root`` (children, grandchildren...), each once."""
    parents: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                stat = handle.read()
            ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        parents.setdefault(ppid, []).append(int(name))
    found, todo = [], [root]
    while todo:
        for child in parents.get(todo.pop(), []):
            if child not in found:
                found.append(child)
                todo.append(child)
    return found


def folder_usage(folders: list[str]) -> tuple[int, int]:
    """Bytes on disk and entries (files, folders, links) under ``folders``; the walk stops once
    there are more entries than ``MAX_FOLDER_ENTRIES``."""
    used = entries = 0
    for top in folders:
        for root, dirnames, filenames in os.walk(top):
            for name in dirnames + filenames:
                try:
                    used += os.lstat(os.path.join(root, name)).st_blocks * 512
                except OSError:
                    continue  # (removed meanwhile)
                entries += 1
            if entries > MAX_FOLDER_ENTRIES:
                return used, entries
    return used, entries


def memory_of(pids: list[int]) -> tuple[int, int, str]:
    """Memory used by the processes ``pids``, each counted once: (limit measure, RSS, its name).

    The limit applies to the proportional set size (``Pss``: a page shared by n
    processes counts 1/n, so the tree's sum never counts a page twice); where a
    process's PSS cannot be read (kernels without ``smaps_rollup``) its resident
    set size counts instead and the measure is ``"rss"``. The plain RSS sum is
    returned too: it is what ``/usr/bin/time`` reports for a one-process kernel.
    """
    total, rss, measure = 0, 0, "pss"
    for pid in set(pids):
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
                fields = dict(line.split(b":", 1) for line in handle if line[:4] in (b"Rss:", b"Pss:"))
            total += int(fields[b"Pss"].split()[0]) * 1024
            rss += int(fields[b"Rss"].split()[0]) * 1024
            continue
        except (OSError, ValueError, IndexError, KeyError):
            pass
        resident = resident_of([pid])
        total += resident
        rss += resident
        if resident:  # (an exiting process shows neither)
            measure = "rss"
    return total, rss, measure


def resident_of(pids: list[int]) -> int:
    """Resident set size of the processes ``pids``, each counted once (``/proc/PID/statm``: cheap).

    Never less than their PSS, so a tree whose RSS is within a limit is within it in PSS too.
    """
    page, total = os.sysconf("SC_PAGE_SIZE"), 0
    for pid in set(pids):
        try:
            with open(f"/proc/{pid}/statm") as handle:
                total += int(handle.read().split()[1]) * page
        except (OSError, ValueError, IndexError):
            pass  # the process has just exited
    return total


def die_with_parent(sig: int, parent: int) -> bool:
    """Ask for ``sig`` when the parent dies; False if ``parent`` is already gone (we were orphaned)."""
    prctl(PR_SET_PDEATHSIG, sig)
    return os.getppid() == parent


class ParentDied(Exception):
    """The process that started the supervisor is gone: end the kernel, leave nothing behind."""


class Supervisor:
    def __init__(self, spec: SandboxSpec):
        self.spec = spec
        self.status: dict = {"achieved": {}, "warnings": [], "events": []}
        self.status_file = spec.status_file
        self.child = 0
        self.namespaces: str | None = None
        self.cgroup: str | None = None
        self.saving = threading.Lock()
        self.tree: list[int] = []  # the kernel's tree, as the process-count watchdog last saw it

    def save(self) -> None:
        tmp = self.status_file + ".tmp"
        with self.saving:  # (the process-count watchdog saves from its own thread)
            try:
                with open(tmp, "w") as handle:
                    json.dump(self.status, handle)
                os.replace(tmp, self.status_file)
            except OSError:
                pass  # the grader's folder is gone (a killed run being cleaned up)

    def end_tree_over_a_limit(self, event: dict) -> None:
        """A watchdog found the tree over a limit: record ``event`` (the first of its kind only, as
        the killed processes may still be counted at the next look) and kill the tree."""
        if not any(earlier["kind"] == event["kind"] for earlier in self.status["events"]):
            self.status["events"].append(event)
            self.save()
        self.kill_tree()

    def watch_process_count(self, stop: threading.Event) -> None:
        """End the tree once it has more than ``MAX_PROCESSES`` processes. A thread of its own: the
        memory watchdog's read of a process's ``smaps_rollup`` can wait for seconds on a kernel that
        forks without end (each fork holds the memory map the read needs)."""
        while not stop.wait(WATCH_INTERVAL):
            self.tree = self.descendants()  # (the memory watchdog reads it too: one walk through /proc)
            if len(self.tree) > MAX_PROCESSES:
                self.end_tree_over_a_limit({"kind": "processes", "count": len(self.tree), "limit": MAX_PROCESSES})

    def watch_folders(self, stop: threading.Event) -> None:
        """End the tree once its writable folders hold more than ``MAX_FOLDER_BYTES`` or
        ``MAX_FOLDER_ENTRIES`` (a thread of its own: a walk through many files takes time)."""
        folders = [source for source, _ in self.spec.binds]
        while not stop.wait(FOLDER_INTERVAL):
            used, entries = folder_usage(folders)
            if used > MAX_FOLDER_BYTES or entries > MAX_FOLDER_ENTRIES:
                limits = {"limit_bytes": MAX_FOLDER_BYTES, "limit_entries": MAX_FOLDER_ENTRIES}
                self.end_tree_over_a_limit({"kind": "folder", "used_bytes": used, "entries": entries, **limits})

    def enter_namespaces(self) -> str | None:
        mode = self.spec.policy.mode
        if mode == "off":
            self.status["warnings"].append("sandbox switched off")
            return None
        if self.spec.policy.bwrap:
            return "bwrap"  # it makes the namespaces itself, when it starts the kernel
        try:
            if os.geteuid() == 0:
                unshare(CLONE_NEWPID)
                return "root"
            uid, gid = os.geteuid(), os.getegid()
            unshare(CLONE_NEWUSER | CLONE_NEWPID)
            _write("/proc/self/setgroups", "deny")
            _write("/proc/self/uid_map", f"0 {uid} 1")
            _write("/proc/self/gid_map", f"0 {gid} 1")
            os.environ["GRADING_OUTER_UID"], os.environ["GRADING_OUTER_GID"] = str(uid), str(gid)
            return "userns"
        except OSError as exc:
            self.status["warnings"].append(
                f"no namespaces ({exc.strerror or exc}): no file-system or network isolation"
            )
            return None

    def descendants(self) -> list[int]:
        return process_tree(os.getpid())

    def kill_tree(self) -> None:
        # The kernel (PID 1 of its namespace, where it has one) and our child first: the death of
        # a namespace's first process ends every process in it at once, which a fork bomb cannot
        # outrun as it can the walk through /proc that finds the rest.
        def kill(pids: list[int]) -> None:
            for pid in dict.fromkeys(pids):
                if pid > 0:  # (0: no child yet; it would mean our whole process group)
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass

        kill([self.kernel_pid(), self.child])
        kill(self.descendants())

    def end_tree(self) -> None:
        """Kill the kernel's tree and wait until it is gone, so that nothing writes into the folders removed next.

        ``kill`` only sends the signal: until the processes are reaped, one may still be creating a file
        (a kernel that starts creates its sockets) in the folder being removed.
        """
        deadline = time.monotonic() + TREE_END_TIMEOUT
        while True:
            self.kill_tree()
            self._reap()
            if not self.descendants() or time.monotonic() >= deadline:
                return
            time.sleep(0.01)

    def _parent_died(self, *_args) -> None:
        raise ParentDied()

    def run(self, cmd: list[str]) -> int:
        signal.signal(signal.SIGTERM, self._parent_died)
        try:
            return self._run(cmd)
        except ParentDied:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            self.end_tree()
            return 137
        finally:
            # Also after a normal end: the parent may be dying right now (the parent-death signal
            # comes when the *thread* that started us ends, possibly before the rest of its process).
            try:
                self.remove_folders()
            except ParentDied:  # the parent-death signal came before it could be ignored: start again
                self.remove_folders()

    def remove_folders(self) -> None:
        # The kernel can end just as the parent-death signal arrives (seen when the grader was killed
        # while its kernels started): the supervisor is then on its normal way out, and ParentDied,
        # raised in the middle of the removal, would stop it and leave the folder half removed.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for folder in self.spec.remove_on_exit:
            shutil.rmtree(folder, ignore_errors=True)
        deadline = time.monotonic() + TREE_END_TIMEOUT
        while self.cgroup:  # empty once the killed tasks are reaped
            try:
                os.rmdir(self.cgroup)
                self.cgroup = None
            except OSError:
                if time.monotonic() >= deadline:
                    break
                time.sleep(0.05)

    def _run(self, cmd: list[str]) -> int:
        # The grader died: so do we (and the kernel). Asked again after entering the
        # namespaces: a change of credentials (a new user namespace) clears it.
        if not die_with_parent(signal.SIGTERM, self.spec.parent_pid):
            raise ParentDied()
        try:
            prctl(PR_SET_CHILD_SUBREAPER, 1)  # orphans of the kernel stay in our tree
        except OSError:
            pass
        namespaces = self.namespaces = self.enter_namespaces()
        if not die_with_parent(signal.SIGTERM, self.spec.parent_pid):
            raise ParentDied()
        if namespaces is None and self.spec.policy.mode == "require":
            self.status["events"].append(
                {
                    "kind": "refused",
                    "message": "sandbox required but unavailable: " + "; ".join(self.status["warnings"]),
                }
            )
            self.save()
            return 97
        self.status["achieved"]["pid"] = "namespace" if namespaces else "none"
        self.cgroup = self.status["cgroup"] = pids_cgroup(f"{CGROUP_PREFIX}{os.getpid()}", PIDS_MAX)
        self.status["achieved"]["tasks"] = (
            f"at most {PIDS_MAX} (a pids cgroup)" if self.cgroup else f"watchdog: ended above {MAX_PROCESSES} processes"
        )
        try:  # the watchdogs keep their turn on a processor the kernel's tree fills (as root only)
            os.setpriority(os.PRIO_PROCESS, 0, -10)
        except OSError:
            pass
        read_fd, write_fd = os.pipe()
        self.child = os.fork()
        if self.child == 0:
            os.close(read_fd)
            os.setpriority(os.PRIO_PROCESS, 0, 0)  # the kernel: the usual priority
            try:
                if self.cgroup:  # the child, and all it starts
                    _write(os.path.join(self.cgroup, "cgroup.procs"), str(os.getpid()))
            except OSError as exc:
                _report(write_fd, warning=f"could not join the kernel's pids cgroup ({exc.strerror})")
            _child(self.spec, cmd, namespaces, write_fd)
            os._exit(97)  # not reached
        os.close(write_fd)
        for sig in (signal.SIGINT, signal.SIGQUIT):
            signal.signal(sig, lambda s, _f: self._forward(s))
        signal.signal(signal.SIGHUP, lambda s, _f: self.kill_tree())
        signal.signal(signal.SIGTERM, self._terminate)
        self._read_setup(read_fd)
        return self.watch()

    def _terminate(self, *_args) -> None:
        """SIGTERM: from the kernel manager (shut the kernel down) or the death of our parent."""
        if os.getppid() != self.spec.parent_pid:
            raise ParentDied()
        self.kill_tree()

    def kernel_pid(self) -> int:
        """The kernel: our child, or under bwrap the first process below bwrap's own (it forwards no signal)."""
        pid = self.child
        while pid > 0 and self.namespaces == "bwrap":
            try:
                with open(f"/proc/{pid}/comm") as handle:
                    if handle.read().strip() != "bwrap":
                        break
                with open(f"/proc/{pid}/task/{pid}/children") as handle:
                    pid = int(handle.read().split()[0])
            except (OSError, ValueError, IndexError):
                break
        return pid

    def _forward(self, sig: int) -> None:
        target = self.kernel_pid()
        if target <= 0:  # none yet, or reaped (0 would mean our whole process group)
            return
        try:
            os.kill(target, sig)
        except OSError:
            pass

    def _read_setup(self, fd: int) -> None:
        buffer = b""
        while True:
            try:
                chunk = os.read(fd, 65536)
            except InterruptedError:
                continue
            if not chunk:
                break
            buffer += chunk
        os.close(fd)
        achieved = self.status["achieved"]
        for line in buffer.decode(errors="replace").splitlines():
            try:
                item = json.loads(line)
            except ValueError:
                continue
            if "warning" in item:
                self.status["warnings"].append(item.pop("warning"))
            if "fatal" in item:
                self.status["events"].append({"kind": "refused", "message": item.pop("fatal")})
            achieved.update(item)
        achieved.setdefault("filesystem", "none")
        achieved.setdefault("network", "none")
        achieved.setdefault("user", "grader's own user")
        self.save()

    def _reap(self) -> None:
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            if pid == self.child:
                self.child = 0  # reaped: its number may be given to another process, not ours to kill

    def watch(self) -> int:
        limit = self.spec.policy.memory_bytes
        peak, peak_rss, measure = 0, 0, "pss"
        next_pss = 0.0
        stop = threading.Event()
        watchdogs = [
            threading.Thread(target=watch, args=(stop,), daemon=True)
            for watch in (self.watch_process_count, self.watch_folders)
        ]
        for watchdog in watchdogs:
            watchdog.start()
        while True:
            try:
                pid, status = os.waitpid(self.child, os.WNOHANG)
            except ChildProcessError:
                pid, status = self.child, 0
            if pid == self.child:
                self.child = 0  # reaped (see _reap)
                break
            if os.getppid() != self.spec.parent_pid:  # in case the parent-death signal was lost
                raise ParentDied()
            if limit:
                tree = self.tree  # the kernel is one of them, counted once
                resident = resident_of(tree)
                peak_rss = max(peak_rss, resident)
                # PSS never exceeds RSS: while the RSS is within the limit, the costly PSS is read only
                # every PSS_INTERVAL, for the report's peak; above it, at every look, to decide.
                if resident > limit or time.monotonic() >= next_pss:
                    next_pss = time.monotonic() + PSS_INTERVAL
                    used, rss, sample = memory_of(tree)
                    peak, peak_rss = max(peak, used), max(peak_rss, rss)
                    measure = "rss" if sample == "rss" else measure
                    if used > limit:
                        self.status["events"].append(
                            {"kind": "memory", "used_bytes": used, "measure": sample, "limit_bytes": limit}
                        )
                        self.save()
                        self.kill_tree()
            time.sleep(WATCH_INTERVAL)
        stop.set()
        for watchdog in watchdogs:
            watchdog.join()
        self.end_tree()  # daemons left behind by the kernel (no PID namespace case)
        self.status["peak_memory_bytes"] = peak
        self.status["peak_rss_bytes"] = peak_rss
        self.status["memory_measure"] = measure
        if os.WIFSIGNALED(status):
            code = 128 + os.WTERMSIG(status)
            self.status["exit"] = {"signal": os.WTERMSIG(status), "name": signal.Signals(os.WTERMSIG(status)).name}
        elif self.namespaces == "bwrap" and 128 < os.WEXITSTATUS(status) < 160:
            code = os.WEXITSTATUS(status)  # bwrap exits with 128 + the signal that killed the kernel
            number = code - 128
            name = signal.Signals(number).name if number in set(signal.Signals) else f"signal {number}"
            self.status["exit"] = {"signal": number, "name": name}
        else:
            code = os.WEXITSTATUS(status)
            self.status["exit"] = {"code": code}
        self.save()
        return code


def main(argv: list[str]) -> int:
    if len(argv) < 4 or argv[2] != "--":
        sys.stderr.write("usage: sandbox.py SPEC.json -- COMMAND...\n")
        return 2
    with open(argv[1]) as handle:
        spec = SandboxSpec.from_json(handle.read())
    return Supervisor(spec).run(argv[3:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
