"""Kernel launcher that contains one student's kernel (standard library only).

Run as ``python sandbox.py SPEC.json -- KERNEL ARGV...``: the grader's kernel manager
puts this in front of the kernel command. The process stays as a small
*supervisor* outside the sandbox and forks the kernel into it:

- **namespaces** (Linux; as root, or as any user where unprivileged user
  namespaces are allowed): a new PID namespace (the kernel sees only its own
  processes, and everything it started dies with it), a new network namespace
  (no interface but a loopback that is down: no network), new IPC and UTS
  namespaces, and a new mount namespace in which the paths of ``spec["hide"]``
  (instructor course, submissions, the grader's work area, ``$HOME``, ``/tmp``...)
  are covered by empty file systems, the whole tree is read-only, and only the
  private working copy and the kernel's socket directory are writable. As
  root the kernel then runs as ``nobody``; as another user it runs in a nested
  user namespace so that the covering mounts are locked (cannot be unmounted).
- **without namespaces** (containers without ``CAP_SYS_ADMIN``, hardened
  kernels) it still: drops root to ``nobody`` where it runs as root, runs the
  kernel in the private copy, and applies the limits below. It reports what it
  could not do; with ``spec["mode"] == "require"`` it refuses to start instead.
- **limits** everywhere: address space (``RLIMIT_AS``), file size
  (``RLIMIT_FSIZE``; writes beyond fail with ``EFBIG``), no core dumps, a process
  count when the kernel runs as ``nobody``, a resident-memory watchdog over the
  kernel's whole process tree (the supervisor is a child subreaper, so daemons
  cannot escape the count) that kills the tree above ``spec["memory_bytes"]``, and
  a scrubbed environment (no tokens or keys of the grader reach student code).

The supervisor writes what it achieved, and why the kernel died if it did, to
``spec["status_file"]`` (outside the sandbox), which the grader turns into the
per-student message.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import fnmatch
import json
import os
import signal
import sys
import time

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

_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
_libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
_libc.unshare.argtypes = [ctypes.c_int]
_libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
_libc.syscall.restype = ctypes.c_long


class MountAttr(ctypes.Structure):
    _fields_ = [("attr_set", ctypes.c_uint64), ("attr_clr", ctypes.c_uint64),
                ("propagation", ctypes.c_uint64), ("userns_fd", ctypes.c_uint64)]


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def unshare(flags: int) -> None:
    _check(_libc.unshare(flags), "unshare")


def mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    enc = (lambda s: s.encode() if s is not None else None)
    _check(_libc.mount(enc(source), enc(target), enc(fstype), flags, enc(data)), f"mount {target}")


def mount_setattr(path: str, set_flags: int, clear_flags: int, recursive: bool) -> None:
    attr = MountAttr(set_flags, clear_flags, 0, 0)
    flags = AT_RECURSIVE if recursive else 0
    result = _libc.syscall(SYS_MOUNT_SETATTR, AT_FDCWD, path.encode(), flags, ctypes.byref(attr),
                           ctypes.sizeof(attr))
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
    ops = sorted([("cover", p) for p in hide] + [("rebind", p) for p in minimal],
                 key=lambda op: (_depth(op[1]), op[0] != "cover"))
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


def _isolate_filesystem(spec: dict, pipe_fd: int) -> None:
    """Inside fresh mount namespace: cover, make read-only, re-expose the writable binds."""
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    binds = [(os.path.realpath(src), os.path.abspath(dst)) for src, dst in spec.get("binds", [])]
    # Hold each bind source open: after covering, its path may no longer lead to it.
    held = [(os.open(src, os.O_PATH | os.O_CLOEXEC), dst) for src, dst in binds]
    scratch = ["/tmp", "/var/tmp", "/dev/shm"]
    ops = plan_mounts(list(spec.get("hide", [])) + scratch, spec.get("needed", []))
    # Needed paths are opened now too: once their parent is covered they are out of reach.
    needed_fds = {path: os.open(path, os.O_PATH | os.O_CLOEXEC) for kind, path in ops if kind == "rebind"}
    for kind, path in ops:
        if kind == "cover":
            mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=755")
        elif kind == "cover_file":
            mount("/dev/null", path, None, MS_BIND)
        else:
            if os.path.isdir(f"/proc/self/fd/{needed_fds[path]}"):
                _mkdirs(path)
            else:
                _mkdirs(os.path.dirname(path))
                open(path, "a").close()
            mount(f"/proc/self/fd/{needed_fds[path]}", path, None, MS_BIND | MS_REC)
    for _, dst in held:
        _mkdirs(os.path.dirname(dst))
    readonly = True
    try:
        mount_setattr("/", MOUNT_ATTR_RDONLY, 0, recursive=True)
    except OSError as exc:
        readonly = False
        _report(pipe_fd, warning=f"could not make the file system read-only ({exc.strerror})")
    size = spec.get("tmp_size", "256m")
    for path in scratch:
        if os.path.isdir(path):
            mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, f"size={size},mode=1777")
    for path, fd in needed_fds.items():  # a needed path under /tmp (a virtual environment there)
        if any(_inside(path, root) for root in scratch):
            if os.path.isdir(f"/proc/self/fd/{fd}"):
                _mkdirs(path)
            else:
                _mkdirs(os.path.dirname(path))
                open(path, "a").close()
            mount(f"/proc/self/fd/{fd}", path, None, MS_BIND | MS_REC)
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


def _limits(spec: dict, as_nobody: bool) -> None:
    import resource

    def setlimit(which: int, value: int | None) -> None:
        if value:
            soft, hard = resource.getrlimit(which)
            value = value if hard == resource.RLIM_INFINITY else min(value, hard)
            resource.setrlimit(which, (value, value))

    setlimit(resource.RLIMIT_AS, spec.get("address_space_bytes"))
    setlimit(resource.RLIMIT_FSIZE, spec.get("file_size_bytes"))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if as_nobody:
        setlimit(resource.RLIMIT_NPROC, spec.get("nproc"))


def scrubbed_environment(spec: dict) -> dict:
    keep = spec.get("env_keep", [])
    env = {k: v for k, v in os.environ.items() if any(fnmatch.fnmatchcase(k, pattern) for pattern in keep)}
    env.update(spec.get("env", {}))
    return env


def _child(spec: dict, cmd: list[str], namespaces: str | None, pipe_fd: int) -> None:
    try:
        os.setsid()  # signals for the kernel go through the supervisor only
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
            signal.signal(sig, signal.SIG_DFL)
        as_root = os.geteuid() == 0 and namespaces != "userns"
        binds = spec.get("binds", [])
        if as_root and spec.get("run_as_nobody", True):
            for src, _ in binds:
                _chown_tree(src, NOBODY, NOBODY)
        cwd = spec["cwd"]
        if namespaces:
            unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS)
            _report(pipe_fd, network="namespace")
            try:
                _libc.sethostname(b"sandbox", 7)
                _isolate_filesystem(spec, pipe_fd)
            except OSError as exc:
                if spec.get("mode") == "require":
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
        blocked = usable_by_nobody([_which(cmd[0])] + list(spec.get("needed", []))) if as_root else []
        if as_root and blocked:
            if spec.get("mode") == "require":
                raise PermissionError("user nobody cannot reach: " + "; ".join(blocked))
            _report(pipe_fd, warning="the kernel runs as root: user nobody cannot reach " + "; ".join(blocked))
        if as_root and spec.get("run_as_nobody", True) and not blocked:
            os.setgroups([])
            os.setresgid(NOBODY, NOBODY, NOBODY)
            os.setresuid(NOBODY, NOBODY, NOBODY)
            dropped = True
            _report(pipe_fd, user="nobody")
        elif namespaces == "userns":
            _lock_user_namespace()
            _report(pipe_fd, user="unprivileged user namespace (mounts locked)")
        else:
            _report(pipe_fd, user="grader's own user")
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # reset by the credential change: set again
        prctl(PR_SET_NO_NEW_PRIVS, 1)
        _limits(spec, as_nobody=dropped)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # oversized writes fail instead of killing
        env = scrubbed_environment(spec)
        os.chdir(cwd)
        env["PWD"] = cwd
        _report(pipe_fd, ready=True)
        os.closerange(3, 65536)
        os.execvpe(cmd[0], cmd, env)
    except BaseException as exc:  # noqa: BLE001 - report anything, then die
        _report(pipe_fd, fatal=f"{type(exc).__name__}: {exc}")
        os._exit(97)


def _which(program: str) -> str:
    import shutil
    return shutil.which(program) or program


def _private_cwd(spec: dict) -> str:
    """Without a mount namespace the kernel runs directly in the private copy."""
    for src, dst in spec.get("binds", []):
        if os.path.abspath(dst) == os.path.abspath(spec["cwd"]):
            return src
    return spec["cwd"]


# ----------------------------------------------------------- the supervisor

class Supervisor:
    def __init__(self, spec: dict):
        self.spec = spec
        self.status: dict = {"achieved": {}, "warnings": [], "events": []}
        self.status_file = spec.get("status_file")
        self.child = 0

    def save(self) -> None:
        if not self.status_file:
            return
        tmp = self.status_file + ".tmp"
        with open(tmp, "w") as handle:
            json.dump(self.status, handle)
        os.replace(tmp, self.status_file)

    def enter_namespaces(self) -> str | None:
        mode = self.spec.get("mode", "auto")
        if mode == "off":
            self.status["warnings"].append("sandbox switched off")
            return None
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
            self.status["warnings"].append(f"no namespaces ({exc.strerror or exc}): "
                                           "no file-system or network isolation")
            return None

    def descendants(self) -> list[int]:
        parents: dict[int, list[int]] = {}
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            try:
                with open(f"/proc/{name}/stat", "rb") as handle:
                    stat = handle.read()
                ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            parents.setdefault(ppid, []).append(int(name))
        found, todo = [], [os.getpid()]
        while todo:
            for child in parents.get(todo.pop(), []):
                found.append(child)
                todo.append(child)
        return found

    @staticmethod
    def rss(pids: list[int]) -> int:
        page = os.sysconf("SC_PAGE_SIZE")
        total = 0
        for pid in pids:
            try:
                with open(f"/proc/{pid}/statm") as handle:
                    total += int(handle.read().split()[1]) * page
            except (OSError, ValueError, IndexError):
                pass
        return total

    def kill_tree(self) -> None:
        for pid in [self.child] + self.descendants():
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass

    def run(self, cmd: list[str]) -> int:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # the grader died: so do we (and the kernel)
        try:
            prctl(PR_SET_CHILD_SUBREAPER, 1)  # orphans of the kernel stay in our tree
        except OSError:
            pass
        namespaces = self.enter_namespaces()
        if namespaces is None and self.spec.get("mode") == "require":
            self.status["events"].append({"kind": "refused", "message": "sandbox required but unavailable: "
                                          + "; ".join(self.status["warnings"])})
            self.save()
            return 97
        self.status["achieved"]["pid"] = "namespace" if namespaces else "none"
        read_fd, write_fd = os.pipe()
        self.child = os.fork()
        if self.child == 0:
            os.close(read_fd)
            _child(self.spec, cmd, namespaces, write_fd)
            os._exit(97)  # not reached
        os.close(write_fd)
        for sig in (signal.SIGINT, signal.SIGQUIT):
            signal.signal(sig, lambda s, _f: self._forward(s))
        for sig in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, lambda s, _f: self.kill_tree())
        self._read_setup(read_fd)
        return self.watch()

    def _forward(self, sig: int) -> None:
        try:
            os.kill(self.child, sig)
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

    def watch(self) -> int:
        limit = self.spec.get("memory_bytes") or 0
        interval = float(self.spec.get("watch_interval", 0.1))
        peak = 0
        while True:
            try:
                pid, status = os.waitpid(self.child, os.WNOHANG)
            except ChildProcessError:
                pid, status = self.child, 0
            if pid == self.child:
                break
            if limit:
                used = self.rss([self.child] + self.descendants())
                peak = max(peak, used)
                if used > limit:
                    self.status["events"].append({"kind": "memory", "rss_bytes": used, "limit_bytes": limit})
                    self.save()
                    self.kill_tree()
            time.sleep(interval)
        self.kill_tree()  # daemons left behind by the kernel (no PID namespace case)
        while True:
            try:
                if os.waitpid(-1, os.WNOHANG) == (0, 0):
                    break
            except ChildProcessError:
                break
        self.status["peak_rss_bytes"] = peak
        if os.WIFSIGNALED(status):
            code = 128 + os.WTERMSIG(status)
            self.status["exit"] = {"signal": os.WTERMSIG(status), "name": signal.Signals(os.WTERMSIG(status)).name}
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
        spec = json.load(handle)
    return Supervisor(spec).run(argv[3:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
