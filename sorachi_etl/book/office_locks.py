"""The owner files Excel and LibreOffice leave beside a workbook they have open.

Excel writes `~$master.xlsx` (hidden on Windows), LibreOffice `.~lock.master.xlsx#`.
While one is there the master may be open, and a merge must not replace it
under the program. After a crash the file stays, and every merge would refuse
forever: so each one is read for who holds it, judged whether it looks left
over, and removed only on the user's explicit word (--force-unlock).

Formats (as LibreOffice reads and writes them, svl/source/misc):

- LibreOffice: one line of five comma-separated fields ended by ";", UTF-8,
  with "\\", "," and ";" escaped by a backslash: the user name from the
  program's options, the system user name, the host name, the time opened
  ("DD.MM.YYYY HH:MM", local time) and the profile folder's URL.
- Excel (an "owner file"): 165 bytes. Byte 0 holds the length of the user
  name (at most 52), then the name in the PC's ANSI code page (cp932 on
  Japanese Windows) padded with spaces to offset 55; there a two-byte length
  and the same name in UTF-16-LE follow, then padding. It holds no host and
  no time; the file's own mtime is when the workbook was opened.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from sorachi_etl.book.lock import real_path, same_host, this_host
from sorachi_etl.model.errors import MasterError
from sorachi_etl.model.findings import Finding, finding

EXCEL = "Excel"
LIBREOFFICE = "LibreOffice"
EXCEL_OWNER_SIZE = 165
EXCEL_NAME_MAX = 52
_UTF16_AT = 55
# An owner file larger than this is not one: never read a big file for it.
_MOST_BYTES = 4096


@dataclass(frozen=True)
class OfficeLock:
    """One owner file beside the master: whose it is and whether it looks left over."""

    path: Path
    program: str  # EXCEL or LIBREOFFICE
    user: str = ""
    host: str = ""
    since: dt.datetime | None = None  # when the workbook was opened
    left_over: str | None = None  # why it looks left over: "older", "no_soffice"

    def who(self) -> str:
        """（田中、PC-01、2025/05/01 10:00） or "" when the file names nobody."""
        parts = [self.user, self.host]
        if self.since is not None:
            parts.append(f"{self.since:%Y/%m/%d %H:%M}")
        shown = "、".join(p for p in parts if p)
        return f"（{shown}）" if shown else ""


def owner_file_paths(master: Path) -> list[tuple[Path, str]]:
    """Where Excel and LibreOffice put their owner files for `master`.

    Beside the path given and, for a symlink, beside the file itself (LibreOffice
    resolves links first; Excel opened through the link writes beside the link).
    Excel keeps the whole name for workbooks (only Word trims the first letters).
    """
    places = [Path(master)]
    target = real_path(master)
    if target != Path(os.path.abspath(master)):
        places.append(target)
    out: list[tuple[Path, str]] = []
    for p in places:
        out.append((p.with_name("~$" + p.name), EXCEL))
        out.append((p.with_name(f".~lock.{p.name}#"), LIBREOFFICE))
    return out


def owner_file_of(path: Path) -> tuple[str, Path] | None:
    """(program, workbook) when `path` is named as the owner file Excel or LibreOffice
    keeps beside `workbook` while it is open ("~$master.xlsx", ".~lock.master.xlsx#")."""
    name = Path(path).name
    if name.startswith("~$") and len(name) > 2:
        return EXCEL, Path(path).with_name(name[2:])
    if name.startswith(".~lock.") and name.endswith("#") and len(name) > 8:
        return LIBREOFFICE, Path(path).with_name(name[7:-1])
    return None


def parse_libreoffice_lock(raw: bytes) -> tuple[str, str, dt.datetime | None]:
    """(user, host, opened) from a LibreOffice lock file; blanks where it does not say."""
    fields: list[str] = []
    current = bytearray()
    escape = False
    for byte in raw:
        if escape:
            current.append(byte)
            escape = False
        elif byte == ord("\\"):
            escape = True
        elif byte in (ord(","), ord(";")):
            fields.append(current.decode("utf-8", "replace"))
            current = bytearray()
            if byte == ord(";"):
                break
        else:
            current.append(byte)
    if len(fields) < 4:
        return "", "", None
    user = fields[0].strip() or fields[1].strip()
    try:
        opened = dt.datetime.strptime(fields[3].strip(), "%d.%m.%Y %H:%M")
    except ValueError:
        opened = None
    return user, fields[2].strip(), opened


def parse_excel_owner(raw: bytes) -> str:
    """The user name in an Excel owner file ("" when it holds none we can read)."""
    if len(raw) < _UTF16_AT + 2 or not 0 < raw[0] <= EXCEL_NAME_MAX:
        return ""
    # The UTF-16 copy first: it holds any name whole. Word's files put it one byte
    # earlier (offset 54); a name length there means that layout.
    for at in (_UTF16_AT, _UTF16_AT - 1):
        n = raw[at]
        if 0 < n <= EXCEL_NAME_MAX and raw[at + 1] == 0 and len(raw) >= at + 2 + 2 * n:
            text = raw[at + 2 : at + 2 + 2 * n].decode("utf-16-le", "replace")
            if "\ufffd" not in text and text.isprintable():
                return text.strip()
    n = raw[0]
    name = raw[1 : 1 + n]
    for codec in ("cp932", "cp1252"):
        with contextlib.suppress(UnicodeDecodeError):
            return name.decode(codec).strip()
    return ""


def soffice_running() -> bool | None:
    """Whether a LibreOffice process runs on this machine; None when we cannot tell."""
    names = {"soffice", "soffice.bin", "soffice.exe", "soffice.com"}
    if sys.platform.startswith("linux"):
        try:
            for entry in os.scandir("/proc"):
                if entry.name.isdigit():
                    with contextlib.suppress(OSError):
                        comm = Path(entry.path, "comm").read_text().strip().lower()
                        if comm in names:
                            return True
            return False
        except OSError:
            return None
    command = (
        ["tasklist", "/FO", "CSV", "/NH"]
        if sys.platform == "win32"
        else ["ps", "-A", "-o", "comm="]
    )
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=10).stdout.lower()
    except (OSError, subprocess.SubprocessError):
        return None
    return any(name in out for name in names)


def read_office_lock(path: Path, program: str, master_mtime: float | None) -> OfficeLock | None:
    """The owner file at `path` (None if there is none), read and judged."""
    try:
        st = path.stat()
        with open(path, "rb") as fh:
            raw = fh.read(_MOST_BYTES)
    except FileNotFoundError:
        return None
    except OSError:
        raw, st = b"", None
    user, host, since = "", "", None
    if program == LIBREOFFICE:
        user, host, since = parse_libreoffice_lock(raw)
    else:
        user = parse_excel_owner(raw)
        if st is not None:
            since = dt.datetime.fromtimestamp(st.st_mtime).replace(microsecond=0)
    left_over = None
    here = program == LIBREOFFICE and host and same_host(host, this_host())
    if here and soffice_running() is False:
        left_over = "no_soffice"  # LibreOffice's own lock, on this PC, and no LibreOffice runs
    elif st is not None and master_mtime is not None and st.st_mtime < master_mtime - 2:
        # Made before the master was last saved (2 s: the coarsest file clock, FAT). The
        # program may still be open and have saved it itself (Excel keeps its owner file
        # through its own saves), so this only says "may be left over"; the user decides.
        left_over = "older"
    return OfficeLock(path, program, user, host, since, left_over)


def office_locks(master: Path) -> list[OfficeLock]:
    """Every owner file beside `master`, read and judged."""
    try:
        master_mtime: float | None = real_path(master).stat().st_mtime
    except OSError:
        master_mtime = None
    found = []
    for path, program in owner_file_paths(master):
        lock = read_office_lock(path, program, master_mtime)
        if lock is not None:
            found.append(lock)
    return found


def ensure_not_open(master: Path, *, force: bool = False) -> list[Finding]:
    """Refuse a master that Excel or LibreOffice has open; with `force`, remove their owner files.

    Raises MasterError naming who holds it, and, where the owner file looks left
    over, how to get rid of it. With `force` (--force-unlock) each owner file is
    removed instead, and a notice saying so is returned for each.
    """
    master = Path(master)
    notices = []
    for lock in office_locks(master):
        values = {
            "name": master.name,
            "lock": lock.path.name,
            "path": os.path.abspath(lock.path),
            "program": lock.program,
            "who": lock.who(),
            "host": lock.host,
        }
        if not force:
            if lock.left_over == "no_soffice":
                raise MasterError("master_lock_left_over_no_soffice", **values)
            if lock.left_over == "older":
                raise MasterError("master_lock_left_over_older", **values)
            raise MasterError("master_open_elsewhere", **values)
        remove_owner_file(lock.path)
        notices.append(finding("office_lock_removed", **values))
    return notices


def remove_owner_file(path: Path) -> None:
    """Remove one owner file (hidden, perhaps read-only, as Windows may keep it)."""
    try:
        try:
            path.unlink()
        except PermissionError:
            if sys.platform != "win32":
                raise
            os.chmod(path, stat.S_IWRITE | stat.S_IREAD)  # clears the read-only attribute
            path.unlink()
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise MasterError("office_lock_remove_failed", lock=path.name, path=str(path)) from exc
