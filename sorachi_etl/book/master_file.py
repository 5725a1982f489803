"""The master as a file: read once and fingerprinted, re-checked, backed up, swapped in.

`read_master_file` reads the master's bytes once and records what identifies
them (size, mtime, SHA-256); the reader parses those very bytes. Just before the
new master replaces the old one, `ensure_unchanged` checks that the file on disk
is still the one that was read, so a master saved meanwhile (by Excel, by a
colleague, by a run that overtook a paused one) is never overwritten.

`replace` swaps the new file in, retrying a few times where Windows refuses
because another program holds the master open. Backups are written only once
the new file is ready, kept as backup/NAME_YYYYmmdd-HHMMSS.xlsx beside the
master, and the oldest of *this* master's backups beyond the number kept are
removed (`prune_backups`); files that do not follow that naming are never touched.
The new master is written to a temporary file named after the master; one that a
run killed while writing left behind is removed by the next run of that master
(`remove_left_over`, under its lock).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import re
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from sorachi_etl.book.lock import real_path
from sorachi_etl.model.errors import MasterError

BACKUP_DIR = "backup"
# The tool's name in a saved master's properties (最終更新者): a master last saved by
# anything else (Excel, LibreOffice) may hold staff edits the output sheets do not show yet.
WRITER = "sorachi-etl"
# Retries of a rename that another program blocks (Windows: a virus scanner, a
# sync client or the preview pane holds the file for a moment): waits in seconds.
REPLACE_WAITS = (0.1, 0.2, 0.4, 0.8, 1.5)
# Windows error numbers that mean "another program has the file open".
_IN_USE = {5, 32, 33}  # access denied, sharing violation, lock violation


@dataclass(frozen=True)
class MasterFile:
    """A master's bytes as read, and what identifies them on disk."""

    path: Path  # the file itself, symlinks resolved
    data: bytes
    size: int
    mtime_ns: int
    sha256: str


def read_master_file(path: Path) -> MasterFile:
    """Read the master once: its bytes, size, mtime and SHA-256, from one open file."""
    target = real_path(path)
    with open(target, "rb") as fh:
        st = os.fstat(fh.fileno())
        data = fh.read()
    return MasterFile(target, data, len(data), st.st_mtime_ns, hashlib.sha256(data).hexdigest())


def saved_by_us(master: MasterFile) -> bool:
    """Whether the master was last saved by this tool (its 最終更新者 is WRITER).

    Excel and LibreOffice put their user's name there on every save (or leave
    it out): then staff may have edited the data sheets since our last write.
    """
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(master.data)) as z:
            info = z.getinfo("docProps/core.xml")
            if info.file_size > 1 << 16:
                return False
            core = z.read(info)
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return False
    found = re.search(rb"<(?:\w+:)?lastModifiedBy>([^<]*)</", core)
    return found is not None and found.group(1).decode("utf-8", "replace") == WRITER


def changed_on_disk(expected: MasterFile) -> bool:
    """Whether the file at `expected.path` now holds other bytes than those read.

    Size first, then the SHA-256 of the content: a file saved again within the
    same tick of a coarse clock (FAT, some shares) keeps its mtime, so the mtime
    alone proves nothing; a file rewritten with the very same bytes loses nothing.
    """
    try:
        with open(expected.path, "rb") as fh:
            st = os.fstat(fh.fileno())
            if st.st_size != expected.size:
                return True
            return _digest(fh) != expected.sha256
    except FileNotFoundError:
        return True


def _digest(fh) -> str:
    return hashlib.file_digest(fh, "sha256").hexdigest()


def ensure_unchanged(name: str, expected: MasterFile | None) -> None:
    """Stop (MasterError, nothing written) if the master was saved since it was read."""
    if expected is not None and changed_on_disk(expected):
        raise MasterError("master_changed_meanwhile", name=name)


def replace(tmp: Path, target: Path, name: str) -> None:
    """os.replace(tmp, target), retried while another program holds the target open.

    Raises MasterError("master_in_use") when it stays held, "master_write_denied"
    for any other refusal.
    """
    for wait in (*REPLACE_WAITS, None):
        try:
            os.replace(tmp, target)
            return
        except PermissionError as exc:
            if not _in_use(exc):
                raise MasterError("master_write_denied", name=name) from exc
            if wait is None:
                raise MasterError("master_in_use", name=name) from exc
            time.sleep(wait)


def _in_use(exc: OSError) -> bool:
    winerror = getattr(exc, "winerror", None)
    if winerror is not None:
        return winerror in _IN_USE
    # Elsewhere a rename is refused for the folder's permissions, never for an open file.
    return sys.platform == "win32"


# --- the temporary file ------------------------------------------------------------


def temporary_affixes(target: Path) -> tuple[str, str]:
    """The start and end of the name of the file a new master is written to beside
    `target` before the swap (a random token goes between them).

    The name holds the master's, so that a run holding this master's lock knows
    every such file as one a killed run left (`remove_left_over`), never as the
    file another master of the same folder is being written to.
    """
    return f".sorachi-{target.name}.", ".tmp"


def temporary_name(target: Path, token: str) -> str:
    """The temporary file's name for `token` (see `temporary_affixes`)."""
    prefix, suffix = temporary_affixes(target)
    return f"{prefix}{token}{suffix}"


def remove_left_over(target: Path) -> list[Path]:
    """Remove the temporary files of `target` that runs killed while writing left behind.

    Call it with the master's lock held: then no live run is writing one.
    """
    case = re.IGNORECASE if sys.platform in ("win32", "darwin") else 0
    prefix, suffix = temporary_affixes(target)
    pattern = re.compile(rf"{re.escape(prefix)}[A-Za-z0-9_]+{re.escape(suffix)}", case)
    removed = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(target.parent):
            if pattern.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
    return removed


# --- backups ------------------------------------------------------------------------


def backup_pattern(target: Path) -> re.Pattern[str]:
    """The names of this master's backups: STEM_YYYYmmdd-HHMMSS[_n].SUFFIX, nothing else."""
    # Names differ only in case on Windows and macOS, not elsewhere.
    case = re.IGNORECASE if sys.platform in ("win32", "darwin") else 0
    return re.compile(
        rf"{re.escape(target.stem)}_(\d{{8}}-\d{{6}})(?:_(\d+))?{re.escape(target.suffix)}", case
    )


def master_of_backup(path: Path) -> Path | None:
    """The master a file in a backup folder is a backup of (backup/STEM_YYYYmmdd-HHMMSS.xlsx
    -> STEM.xlsx beside the folder), or None for any other file."""
    if path.parent.name.lower() != BACKUP_DIR:
        return None
    m = re.fullmatch(r"(.+)_\d{8}-\d{6}(?:_\d+)?", path.stem)
    return path.parent.parent / (m.group(1) + path.suffix) if m else None


def write_backup(
    target: Path, original: MasterFile | None = None, now: dt.datetime | None = None
) -> Path | None:
    """Keep the master about to be replaced as backup/STEM_YYYYmmdd-HHMMSS.xlsx beside it.

    Written from the bytes that were read and checked (`original`), with their
    mtime, when there are any; else copied from the file. None when there is no
    master yet.
    """
    if original is None and not target.exists():
        return None
    now = now or dt.datetime.now()
    folder = target.parent / BACKUP_DIR
    if folder.exists() and not folder.is_dir():  # a file of that name: mkdir says only EEXIST
        raise MasterError("master_backup_not_folder", name=target.name, folder=BACKUP_DIR)
    folder.mkdir(exist_ok=True)
    stamp = f"{target.stem}_{now:%Y%m%d-%H%M%S}"
    n = 0
    while True:
        backup = folder / (f"{stamp}{target.suffix}" if n == 0 else f"{stamp}_{n}{target.suffix}")
        try:
            # exclusive: two runs in the same second never write one backup
            with open(backup, "xb") as fh:
                if original is None:
                    with open(target, "rb") as src:
                        shutil.copyfileobj(src, fh)
                else:
                    fh.write(original.data)
            break
        except FileExistsError:
            n += 1
        except BaseException:
            backup.unlink(missing_ok=True)  # a disk full half way: no backup no one can open
            raise
    if original is not None:
        os.utime(backup, ns=(original.mtime_ns, original.mtime_ns))
    else:
        shutil.copystat(target, backup)
    return backup


def prune_backups(target: Path, keep: int, newest: Path | None = None) -> list[Path]:
    """Remove this master's oldest backups beyond the newest `keep` (0: keep them all).

    Only regular files named as `write_backup` names them for this master are
    counted or removed; a file that cannot be removed (open elsewhere) is left.
    `newest`, the backup just written, always stays, whatever its time stamp says
    (a PC whose clock ran ahead may have left backups "from the future").
    """
    if keep <= 0:
        return []
    folder = target.parent / BACKUP_DIR
    pattern = backup_pattern(target)
    ours = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            m = pattern.fullmatch(entry.name)
            if m and entry.is_file(follow_symlinks=False):
                if newest is not None and entry.name == newest.name:
                    continue
                ours.append(((m.group(1), int(m.group(2) or 0)), Path(entry.path)))
    ours.sort()
    kept_already = 1 if newest is not None else 0
    removed = []
    for _, path in ours[: max(0, len(ours) - (keep - kept_already))]:
        with contextlib.suppress(OSError):
            path.unlink()
            removed.append(path)
    return removed
