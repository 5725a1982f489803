"""The places a command reads from and writes to, checked before anything is done.

Every path a user gives goes through one of these, so each command answers a
file given for a folder, a folder for a file, a missing folder or drive, or a
place it may not write to in the same words, with a `UsageError` (exit 2) and
nothing written. `~` is the user's home folder, on every system.

- `folder_to_write`: a folder a command writes files into (made if missing,
  as long as the folder above it exists);
- `file_to_write`: a file a command writes (its folder must exist);
- `file_to_read`: a file a command reads.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from sorachi_etl.model.errors import UsageError
from sorachi_etl.model.messages import phrase

# What Windows Explorer and the Mac Finder leave in a folder by themselves (lower case):
# hidden from the clerk, so a folder holding only these is one the clerk sees as empty.
SYSTEM_FILE_NAMES = frozenset({"thumbs.db", "ehthumbs.db", "desktop.ini", ".ds_store", "icon\r"})


def expand(path: Path | str) -> Path:
    """`path` with a leading ~ as the home folder (Windows shells do not expand it).

    Only "~" alone or followed by a slash: "~$master.xlsx" (Excel's owner file) or
    "~一覧.csv" is a name, not another user's home folder (which failed, or on
    Windows quietly pointed to a colleague's profile).
    """
    text = str(path)
    home = ("~/", "~\\") if os.name == "nt" else ("~/",)
    if text == "~" or text.startswith(home):
        return Path(path).expanduser()
    return Path(path)


def folder_to_write(path: Path | str, *, option: str, example: str, empty: bool = False) -> Path:
    """A folder to write files into: a folder or nothing yet, in an existing folder, writable.

    `option` names the option in messages (e.g. "--out"), `example` a good value.
    With `empty`, an existing folder must hold nothing. Creates nothing.
    """
    path = expand(path)
    _refuse_blank_name(path, option, example)
    if path.exists():
        if not path.is_dir():
            raise UsageError("file_given_for_folder", path=path, option=option, example=example)
        if empty and any(p.name.lower() not in SYSTEM_FILE_NAMES for p in path.iterdir()):
            raise UsageError("folder_not_empty", path=path)
        check_writable(path)
    else:
        check_writable(existing_parent(path))
    return path


def file_to_write(path: Path | str, *, option: str, example: str) -> Path:
    """A file to write: not a folder, in an existing folder, where writing is allowed.

    An existing file may be replaced (the caller says whether it may); one marked
    read-only may not. Creates nothing.
    """
    path = expand(path)
    _refuse_blank_name(path, option, example)
    if path.is_dir():
        raise UsageError("folder_given_for_file", path=path, option=option, example=example)
    folder = existing_parent(path)
    if path.exists() and not os.access(path, os.W_OK):
        raise UsageError("file_read_only", path=path)
    check_writable(folder)
    return path


def _refuse_blank_name(path: Path, option: str, example: str) -> None:
    """UsageError for a name of spaces only (`-o " "`): made silently here, it is a folder
    the clerk cannot see the name of, and one Windows cannot make."""
    if path.name and not path.name.strip():
        raise UsageError("name_only_spaces", option=option, name=path.name, example=example)


def file_to_read(path: Path | str, *, what: str, option: str, example: str) -> Path:
    """A file to read: there, and a file (not a folder)."""
    path = expand(path)
    if not path.exists():
        check_drive(path)
        raise UsageError("path_not_found", what=what, path=path)
    if path.is_dir():
        raise UsageError("folder_given_for_file", path=path, option=option, example=example)
    return path


def existing_parent(path: Path) -> Path:
    """The folder `path` is (to be) in; UsageError when it is missing or is a file."""
    parent = path.parent
    if parent.is_dir():
        return parent
    check_drive(path)
    # The nearest part of the path that is there says which mistake it is.
    for above in (parent, *parent.parents):
        if above.exists():
            if not above.is_dir():
                raise UsageError("file_in_path", path=above, target=path)
            break
    raise UsageError("folder_missing", path=parent)


def check_drive(path: Path) -> None:
    """UsageError for a path on a drive (or network share) that is not there (D:\\, \\\\server\\share)."""
    anchor = path.absolute().anchor
    if anchor and not Path(anchor).exists():
        raise UsageError("drive_missing", drive=anchor.rstrip("\\/") or anchor)


def check_writable(folder: Path) -> None:
    """UsageError unless a file can be made in `folder` (tried with a file made and removed).

    Trying is the only sure test: permissions, Windows ACLs, read-only media and
    network shares all answer it, where `os.access` knows only some of them.
    """
    probe = folder / f".sorachi-probe-{uuid.uuid4().hex}"
    try:
        fd = os.open(probe, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except PermissionError:
        raise UsageError(
            "folder_not_writable", path=folder, reason=phrase("os_no_permission")
        ) from None
    except OSError as exc:
        raise UsageError("folder_not_writable", path=folder, reason=os_error_reason(exc)) from None
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(probe)


def os_error_to_usage(exc: OSError) -> UsageError | None:
    """The UsageError a clerk can act on for an OSError the system gave about a path
    (a name too long for the drive, a full disk), or None for one we cannot name."""
    where = exc.filename if exc.filename is not None else ""
    if exc.errno == errno.ENAMETOOLONG:
        return UsageError("path_too_long", path=where)
    if exc.errno == errno.ENOSPC:
        return UsageError("disk_full", path=where)
    return None


def os_error_reason(exc: OSError) -> str:
    """Why the system refused, in a clerk's words where we know them (never its English text)."""
    reasons = {
        errno.EACCES: "os_no_permission",
        errno.EPERM: "os_no_permission",
        errno.EROFS: "os_read_only",
        errno.ENOSPC: "os_disk_full",
        errno.ENAMETOOLONG: "os_name_too_long",
        errno.EEXIST: "os_exists",
        errno.ENOTDIR: "os_file_for_folder",
    }
    code = reasons.get(exc.errno)
    return phrase(code) if code else phrase("os_error_number", number=exc.errno)


def write_whole(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write `path` through a temporary file beside it, renamed into place when whole.

    `write` is given the open temporary file. A write that fails part way (a full
    disk, Ctrl-C) leaves the file as it was and no temporary file; errors are the
    caller's to put in a clerk's words. The new file is readable by colleagues, as a
    file made in the usual way would be (mkstemp makes it the owner's alone).
    """
    fd, name = tempfile.mkstemp(prefix=".sorachi-", suffix=".tmp", dir=path.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
