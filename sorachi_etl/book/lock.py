"""A lock of our own around every command that writes a master.

    with master_lock(path, command="merge") as held:
        ...read the master, merge, save...

The lock is a small JSON file beside the master (`.master.xlsx.sorachi-lock`)
saying who runs (user, host, process id, start time). It is taken before the
master is read and removed after the new master is in place, also when the run
fails or is interrupted. A second run waits a few seconds for it, then stops
with a message naming the holder; it has written nothing by then.

Why a file created with O_CREAT|O_EXCL, and why that holds on a network share:

- Every PC that reaches the master reaches the folder it is in, whatever drive
  letter, UNC path or mount point it uses there, so all of them contend for the
  same lock file. (A symlinked master is resolved first: the lock goes beside
  the file itself.)
- Creating a file that must not exist yet is decided by the file server in one
  step: SMB sends CREATE with the disposition FILE_CREATE, NFS v3 and later an
  exclusive CREATE. Of two clients creating the same name at the same moment,
  the server lets exactly one succeed and tells the other the file exists.
- fcntl/flock locks are not that: they are advisory, a Windows client on an SMB
  share never sees them, on NFS they depend on a lock daemon or stay local to
  the client (the `local_lock` mount option), and they vanish when any
  descriptor of the file is closed. We hold no open handle at all.

Its limits:

- NFS version 2 (long obsolete) does not make O_EXCL atomic.
- Whether the holder still runs can only be checked on the holder's own host
  (its process id). A lock from another PC is taken as left over only when it
  is older than STALE_AFTER, far longer than any run takes; the clocks of two
  PCs may differ by minutes, which that margin covers. Until then `--force-unlock`
  removes it, on the user's word that the other run is gone.
- A run paused longer than STALE_AFTER (a laptop put to sleep mid-merge) can be
  overtaken. The re-check of the master just before the rename (`master_file`)
  then stops the paused run from writing over the newer master.
- The lock binds sorachi-etl only. Excel and LibreOffice are kept out by their
  own owner files (`office_locks`) and by that same re-check.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import socket
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sorachi_etl.model.errors import MasterError
from sorachi_etl.model.findings import Finding, finding

LOCK_SUFFIX = ".sorachi-lock"
# How long a second run waits for the lock, and how often it looks.
WAIT_SECONDS = 5.0
POLL_SECONDS = 0.1
# A lock this old is left over whoever holds it: a merge of 1,741 returns takes
# seconds, one over a slow share a minute or two.
STALE_AFTER = dt.timedelta(hours=1)
# What each command is called in the messages.
COMMAND_NAMES = {"merge": "取込", "init": "マスタ作成"}


def real_path(path: Path) -> Path:
    """`path` with every symlink resolved (the file itself, existing or to be created)."""
    return Path(os.path.realpath(path))


def lock_path(master: Path) -> Path:
    """The lock file of a master: beside the file itself, its name starting with a dot."""
    target = real_path(master)
    return target.with_name(f".{target.name}{LOCK_SUFFIX}")


@dataclass(frozen=True)
class LockOwner:
    """Who holds a lock, as written in the lock file."""

    user: str
    host: str
    pid: int
    started: dt.datetime  # timezone-aware
    command: str = ""
    token: str = ""  # tells our own lock from one written in its place after a takeover
    tool: str = "sorachi-etl"

    def to_bytes(self) -> bytes:
        data = asdict(self)
        data["started"] = self.started.isoformat(timespec="seconds")
        return json.dumps(data, ensure_ascii=False).encode("utf-8")

    @classmethod
    def from_bytes(cls, raw: bytes) -> LockOwner | None:
        """The owner a lock file names; None when it is empty, half written or not ours."""
        try:
            data = json.loads(raw.decode("utf-8"))
            started = dt.datetime.fromisoformat(data["started"])
            if started.tzinfo is None:
                started = started.astimezone()
            return cls(
                user=str(data.get("user", "")),
                host=str(data.get("host", "")),
                pid=int(data.get("pid", 0)),
                started=started,
                command=str(data.get("command", "")),
                token=str(data.get("token", "")),
            )
        except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
            return None

    @property
    def here(self) -> bool:
        return same_host(self.host, this_host())

    def described(self) -> dict[str, str]:
        """The values a message shows: who, where, since when, doing what."""
        return {
            "user": self.user or "?",
            "host": self.host or "?",
            "started": f"{self.started.astimezone():%Y/%m/%d %H:%M}",
            "what": COMMAND_NAMES.get(self.command, COMMAND_NAMES["merge"]),
        }


def this_host() -> str:
    try:
        return socket.gethostname()
    except OSError:
        return ""


def same_host(a: str, b: str) -> bool:
    """Whether two host names name one machine ("PC-01" and "pc-01.example.lg.jp" do)."""
    a, b = a.strip().lower(), b.strip().lower()
    if not a or not b:
        return False
    return a == b or a.split(".")[0] == b.split(".")[0]


def this_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment or the password database
        return ""


def this_process(command: str) -> LockOwner:
    return LockOwner(
        user=this_user(),
        host=this_host(),
        pid=os.getpid(),
        started=dt.datetime.now().astimezone().replace(microsecond=0),
        command=command,
        token=os.urandom(16).hex(),
    )


def process_running(pid: int) -> bool:
    """Whether a process with this id runs on this machine (a zombie does not)."""
    if pid <= 0:
        return False
    if sys.platform == "win32":
        return _windows_process_running(pid)
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    except OSError:
        return True  # cannot tell: assume it runs, never take a live lock
    try:  # Linux: an ended child not yet waited for is still listed, as Z
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def holder_alive(pid: int) -> bool:
    """Whether the process with this id runs and could be a run of this tool.

    A process id is reused once its process has ended: a lock left by a crash
    may name the id of some other program by now. Where the system tells the
    program a process runs (Linux, Windows), anything but Python is not us.
    """
    if not process_running(pid):
        return False
    program = _program_of(pid)
    return program is None or "python" in program or "sorachi" in program


def _program_of(pid: int) -> str | None:
    """The command line (Linux) or program file (Windows) of a process, lower case."""
    if sys.platform.startswith("linux"):
        try:
            return Path(f"/proc/{pid}/cmdline").read_bytes().decode("utf-8", "replace").lower()
        except OSError:
            return None
    if sys.platform == "win32":
        return _windows_program_of(pid)
    return None


def _windows_program_of(pid: int) -> str | None:
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.OpenProcess.restype = wintypes.HANDLE
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return None
    try:
        size = wintypes.DWORD(32768)
        buf = ctypes.create_unicode_buffer(size.value)
        if not kernel32.QueryFullProcessImageNameW(handle, 0, buf, ctypes.byref(size)):
            return None
        return buf.value.lower()
    finally:
        kernel32.CloseHandle(handle)


def _windows_process_running(pid: int) -> bool:
    # os.kill(pid, 0) would terminate the process on Windows: ask the system instead.
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.OpenProcess.restype = wintypes.HANDLE
    process_query_limited_information, still_active = 0x1000, 259
    handle = kernel32.OpenProcess(process_query_limited_information, False, pid)
    if not handle:
        return ctypes.get_last_error() == 5  # access denied: it exists
    try:
        code = wintypes.DWORD()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return code.value == still_active
    finally:
        kernel32.CloseHandle(handle)


def stale_reason(owner: LockOwner, now: dt.datetime | None = None) -> str | None:
    """Why a lock is left over ("ended", "old"), or None while its holder may still run."""
    now = now or dt.datetime.now().astimezone()
    if owner.here and not holder_alive(owner.pid):
        return "ended"
    if now - owner.started > STALE_AFTER:
        return "old"
    return None


@dataclass
class HeldLock:
    """A lock this process holds, and what it said on taking it (a left-over lock replaced)."""

    path: Path
    owner: LockOwner
    notices: list[Finding] = field(default_factory=list)


def _create(path: Path, owner: LockOwner) -> bool:
    """Create the lock file with `owner` in it; False when it exists already."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0), 0o644)
    except FileExistsError:
        return False
    try:
        os.write(fd, owner.to_bytes())
        # no fsync: the server decides the exclusive create; a lock emptied by a power cut
        # reads as unreadable and is judged by its age
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise
    os.close(fd)
    return True


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except PermissionError:
        return b""  # being created or removed this moment (Windows): read again later


def _age(path: Path) -> dt.timedelta:
    try:
        return dt.timedelta(seconds=max(0.0, time.time() - path.stat().st_mtime))
    except OSError:
        return dt.timedelta(0)


def _take_over(path: Path, seen: bytes, me: LockOwner) -> bool:
    """Replace the left-over lock whose content was `seen` by ours, unless it changed meanwhile.

    Two runs may find the same left-over lock at once: a guard file, created
    exclusively like the lock, lets one of them remove and replace it; the other
    finds either the guard or the new lock and goes on waiting.
    """
    guard = path.with_name(path.name + ".takeover")
    if not _create(guard, me):
        held = LockOwner.from_bytes(_read(guard) or b"")
        dead = _age(guard) > STALE_AFTER if held is None else stale_reason(held) is not None
        if dead:
            with contextlib.suppress(OSError):  # a run that died while taking over
                guard.unlink()
        return False
    try:
        if _read(path) != seen:
            return False
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        return _create(path, me)
    finally:
        with contextlib.suppress(OSError):
            guard.unlink()


def acquire(
    master: Path,
    command: str,
    *,
    force: bool = False,
    wait: float | None = None,
) -> HeldLock:
    """Take the lock of `master` for `command`, waiting up to `wait` seconds (WAIT_SECONDS).

    A lock whose holder has ended on this host, or that is older than
    STALE_AFTER, is taken over with a notice. `force` (--force-unlock) also takes
    a lock no check can prove alive: one from another host, or unreadable.
    Raises MasterError("master_busy"...) when the lock stays held.
    """
    master = Path(master)
    path = lock_path(master)
    me = this_process(command)
    deadline = time.monotonic() + (WAIT_SECONDS if wait is None else wait)
    while True:
        try:
            if _create(path, me):
                return HeldLock(path, me)
        except FileNotFoundError:
            raise MasterError("folder_missing", path=path.parent) from None
        except PermissionError:
            # On Windows a lock file being deleted this moment refuses to be created
            # again for a while; anywhere else the folder is not ours to write.
            if sys.platform != "win32" or time.monotonic() >= deadline:
                raise MasterError("master_write_denied", name=master.name) from None
            time.sleep(POLL_SECONDS)
            continue
        seen = _read(path)
        if seen is None:
            continue  # released between our try and our look: try again at once
        owner = LockOwner.from_bytes(seen)
        if owner is None:
            # Empty or half written: being created this moment, or left by a crash
            # right then. Only its age (by the file server's clock) can tell.
            reason = "old" if _age(path) > STALE_AFTER else None
        else:
            reason = stale_reason(owner)
        forced = force and (owner is None or not (owner.here and holder_alive(owner.pid)))
        if (reason or forced) and _take_over(path, seen, me):
            return HeldLock(path, me, [_taken_over(master, path, owner, reason)])
        if time.monotonic() >= deadline:
            raise _busy(master, path, owner)
        time.sleep(POLL_SECONDS)


def _taken_over(master: Path, path: Path, owner: LockOwner | None, reason: str | None) -> Finding:
    if owner is None:
        code = "lock_taken_over_unreadable" if reason else "lock_removed_forced_unreadable"
        return finding(code, name=master.name, lock=path.name)
    code = {"ended": "lock_taken_over_ended", "old": "lock_taken_over_old"}.get(
        reason or "", "lock_removed_forced"
    )
    return finding(code, name=master.name, lock=path.name, **owner.described())


def _busy(master: Path, path: Path, owner: LockOwner | None) -> MasterError:
    if owner is None:
        return MasterError("master_busy_unknown", name=master.name, lock=path.name)
    code = "master_busy" if owner.here else "master_busy_elsewhere"
    return MasterError(code, name=master.name, lock=path.name, **owner.described())


def release(held: HeldLock) -> None:
    """Remove the lock file if it is still ours (a run that took it over keeps its own)."""
    for _ in range(20):
        raw = _read(held.path)
        if raw is None:
            return
        if raw:  # b"": another run is reading it this moment (Windows); look again
            owner = LockOwner.from_bytes(raw)
            if owner is None or owner.token != held.owner.token:
                return
            try:
                held.path.unlink()
                return
            except FileNotFoundError:
                return
            except PermissionError:
                pass
        time.sleep(POLL_SECONDS / 2)


@contextlib.contextmanager
def master_lock(
    master: Path,
    command: str,
    *,
    force: bool = False,
    wait: float | None = None,
) -> Iterator[HeldLock]:
    """Hold the lock of `master` for the block; released on leaving it, however it is left."""
    held = acquire(master, command, force=force, wait=wait)
    try:
        yield held
    finally:
        release(held)
