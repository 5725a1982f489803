"""Which files in the folders a user names are returns to read, and what was left aside.

A 回収 folder holds more than returns: what Windows and macOS leave behind
(Thumbs.db, desktop.ini, .DS_Store), the lock files of an open workbook, the
cover letter or scanned copy a municipality attached (PDF, image, Word, text),
and what this tool itself wrote (annotated copies, master backups, templates,
publications). `collect` sorts them:

- system and lock files are left out silently;
- documents that are not spreadsheets are left out and listed (`Skipped`,
  reason "not_survey"), for a 注意 that names them once per run. This is decided
  by content as well as by name: a file named .pdf that is really a workbook is
  read as a return, a file named .xlsx that is really a PDF is read (and
  refused as a faulty return);
- the tool's own output is never read back. A folder named `backup` or `返送用`
  below a named folder is left out whole; any other folder the tool wrote into
  carries a marker file (`MARKER`, see `mark_output`) listing what it wrote
  with each file's SHA-256, so a renamed 返送用 is still known, while a return a
  clerk saved into such a folder (over a blank template, say) is still read.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sorachi_etl.model.findings import Skipped
from sorachi_etl.model.messages import phrase
from sorachi_etl.model.paths import SYSTEM_FILE_NAMES

# The marker file the tool leaves in a folder it writes into (hidden: a dot file,
# and on Windows the hidden attribute as well).
MARKER = ".sorachi-etl"

# What each kind of output is called in a 注意.
OUTPUT_LABELS = {
    "annotate": phrase("output_annotate"),
    "template": phrase("output_template"),
    "publish": phrase("output_publish"),
    "backup": phrase("output_backup"),
    "report": phrase("output_report"),
}
# Folders of the tool's own output, known by name below a named folder (also those
# written before markers existed). "backup" is book.master_file.BACKUP_DIR.
OWN_FOLDERS = {"backup": "backup", "返送用": "annotate"}

# Left out silently: what systems and programs leave in a folder.
_SYSTEM_NAMES = SYSTEM_FILE_NAMES
_SYSTEM_PREFIXES = ("~$", ".~lock.", ".", "~wrl")  # lock, hidden and Excel's save temp files
_SYSTEM_SUFFIXES = (".lnk", ".url", ".tmp", ":zone.identifier", "#")
_SYSTEM_FOLDERS = frozenset(
    {"__macosx", "$recycle.bin", "system volume information", ".git", ".trash"}
)

# Names of documents that are not returns, by what a clerk would call them.
_DOCUMENT_KINDS = {
    ".pdf": "pdf",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".jpe": "jpeg",
    ".png": "png",
    ".gif": "gif",
    ".bmp": "image",
    ".tif": "image",
    ".tiff": "image",
    ".heic": "image",
    ".heif": "image",
    ".webp": "image",
    ".doc": "doc",
    ".docx": "docx",
    ".docm": "docx",
    ".odt": "odf",
    ".rtf": "rtf",
    ".txt": "text",
    ".md": "text",
    ".log": "text",
    ".json": "text",
    ".msg": "mail",
    ".eml": "mail",
}
# Kinds of content that are a spreadsheet: such a file is a return whatever its name.
SPREADSHEET_KINDS = frozenset({"xlsx", "xlsm", "xlsb", "xls", "ods"})
# A document bigger than this is not opened to see whether it is a workbook in disguise.
_SNIFF_MOST = 64 * 1024 * 1024


@dataclass
class Collection:
    """The files to read as returns, and what was left aside with why."""

    files: list[Path] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def collect(paths: Iterable[Path]) -> Collection:
    """Files named directly, and every file inside named folders, sorted as returns or not.

    A file reached twice (named and inside a named folder, or through a link) is
    listed once. A named folder is always looked into, even one the tool wrote:
    only the files it wrote there, unchanged, are left out.
    """
    out = Collection()
    found: list[tuple[Path, str]] = []  # (path, the name a report shows)
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found += _files_in(path, out.skipped)
        else:
            found.append((path, path.name))
    out.skipped.sort(key=lambda s: s.file)
    seen: set[object] = set()
    markers: dict[Path, dict[str, dict[str, str]]] = {}
    for path, shown in found:
        try:
            st = path.stat()
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode):
            continue
        # The inode tells one file, reached twice, without resolving every path; where
        # the system gives none (0: some Windows and network drives), the full path does.
        key: object = (st.st_dev, st.st_ino) if st.st_ino else path.resolve()
        if key in seen:
            continue
        seen.add(key)
        if is_system_file(path.name):
            continue
        aside = _left_aside(path, shown, st.st_size, markers)
        if aside is not None:
            out.skipped.append(aside)
        else:
            out.files.append(path)
    return out


def _files_in(folder: Path, skipped: list[Skipped]) -> list[tuple[Path, str]]:
    """Every file below `folder`, in name order, with the name a report shows; the
    tool's own folders (backup, 返送用) are added to `skipped` and not gone into."""
    root = folder.name or str(folder)
    found: list[tuple[str, str]] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        rel = os.path.relpath(dirpath, folder)
        shown_dir = root if rel == os.curdir else os.path.join(root, rel)
        kept = []
        for d in dirnames:
            if d.lower() in _SYSTEM_FOLDERS or d.startswith("."):
                continue
            own = OWN_FOLDERS.get(d) or OWN_FOLDERS.get(d.lower())
            if own:
                shown = os.path.join(shown_dir, d)
                skipped.append(Skipped(shown, "own_folder", own, OUTPUT_LABELS[own]))
                continue
            kept.append(d)
        dirnames[:] = kept  # os.walk goes into these only
        found += [
            (os.path.join(dirpath, name), os.path.join(shown_dir, name)) for name in filenames
        ]
    found.sort()
    return [(Path(full), shown) for full, shown in found]


def _left_aside(
    path: Path, shown: str, size: int, markers: dict[Path, dict[str, dict[str, str]]]
) -> Skipped | None:
    """Why a file is not read as a return: the tool's own output, or a document that is
    not a spreadsheet; None for a return."""
    own = _own_output(path, markers) or _report_csv(path)
    if own:
        return Skipped(shown, "own_output", own, OUTPUT_LABELS.get(own, ""))
    kind = document_kind(path, size)
    if kind:
        return Skipped(shown, "not_survey", kind, kind_label(kind))
    return None


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """The files `collect` would read as returns."""
    return collect(paths).files


def is_system_file(name: str) -> bool:
    """Whether a file name is one systems and programs leave in folders (never a return)."""
    lower = name.lower()
    return (
        lower in _SYSTEM_NAMES
        or lower.startswith(_SYSTEM_PREFIXES)
        or lower.endswith(_SYSTEM_SUFFIXES)
        or lower == MARKER
    )


def document_kind(path: Path, size: int | None = None) -> str | None:
    """The kind ("pdf", "jpeg", "docx", ...) of a file named as a document that is not a
    spreadsheet by content either; None for a file to read as a return.

    Only files named as documents are opened, and only as far as needed: the first
    bytes tell a PDF or an image; a ZIP or OLE container (a .docx, or a workbook
    renamed) is looked into. A workbook named .pdf is a return.
    """
    from sorachi_etl.intake.sniff import OLE_MAGIC, sniff_bytes

    named = _DOCUMENT_KINDS.get(path.suffix.lower())
    if named is None or named_as_survey(path):
        # R6_歌志内市_調査票.pdf is the survey sent in the wrong form: a return to
        # refuse and tie to its sender (who answered), never a cover letter to skip
        return None
    size = path.stat().st_size if size is None else size
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
            container = head.startswith((b"PK", OLE_MAGIC))
            if container:
                if size > _SNIFF_MOST:
                    return named
                head += fh.read()
    except OSError:
        return named
    kind = sniff_bytes(head)
    if kind in SPREADSHEET_KINDS:
        return None
    # An encrypted OLE file is a workbook or a Word file with a password: the name tells.
    if kind == "encrypted" and named not in ("doc", "docx", "odf", "rtf"):
        return None
    return kind if kind in _DOCUMENT_LABELS and kind not in ("text", "csv") else named


# What a clerk calls each kind of document (the words of sniff.KIND_LABELS, and mail).
_DOCUMENT_LABELS = {
    "pdf": phrase("document_pdf"),
    "png": phrase("document_image"),
    "jpeg": phrase("document_image"),
    "gif": phrase("document_image"),
    "image": phrase("document_image"),
    "doc": phrase("document_word"),
    "docx": phrase("document_word"),
    "odf": phrase("document_other"),
    "rtf": phrase("document_other"),
    "text": phrase("document_text"),
    "csv": phrase("document_text"),
    "html": phrase("document_html"),
    "mail": phrase("document_mail"),
}


def named_as_survey(path: Path) -> bool:
    """Whether a file is named as the surveys are: R6_岩見沢市_調査票 (year and reporter
    in either order, anything after 調査票), as check.identity.name_parts reads it."""
    from sorachi_etl.model.eras import EraError, parse_fiscal_year

    parts = path.stem.split("_")
    at = next((i for i, p in enumerate(parts) if p.startswith("調査票")), None)
    if at is None or at < 2:
        return False
    for year in (parts[at - 2], parts[at - 1]):
        try:
            parse_fiscal_year(year.strip())
        except EraError:
            continue
        return True
    return False


def kind_label(kind: str) -> str:
    """A document kind in a clerk's words."""
    return _DOCUMENT_LABELS.get(kind, phrase("document_other"))


# --- the tool's own output ---------------------------------------------------------------


def _own_output(path: Path, markers: dict[Path, dict[str, dict[str, str]]]) -> str | None:
    """The kind of output the tool wrote at `path`, if the folder's marker lists it unchanged."""
    folder = path.parent
    if folder not in markers:
        markers[folder] = read_marker(folder)
    entry = markers[folder].get(path.name)
    if not entry:
        return None
    try:
        digest = _sha256(path)
    except OSError:
        return None
    if digest != entry.get("sha256"):
        return None  # changed since: a return saved over it, or a copy sent back fixed
    return entry.get("kind") or "annotate"


def written_unchanged(path: Path, kind: str) -> bool:
    """Whether the tool wrote `path` as `kind` output and nobody changed it since (so that
    writing it again loses nothing)."""
    return _own_output(Path(path), {}) == kind


# How the CSV `report --output` writes begins (kpi.formats.headers), after its BOM.
_REPORT_CSV_HEAD = "プロジェクト名,評価指標（KPI）,".encode()


def _report_csv(path: Path) -> str | None:
    """ "report" for a KPI list this tool wrote as CSV (`report --output 一覧.csv`)."""
    if path.suffix.lower() != ".csv":
        return None
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(_REPORT_CSV_HEAD) + 3)
    except OSError:
        return None
    return "report" if head.removeprefix(b"\xef\xbb\xbf") == _REPORT_CSV_HEAD else None


def read_marker(folder: Path) -> dict[str, dict[str, str]]:
    """What the marker in `folder` lists: file name -> {"kind", "sha256"} (empty if none)."""
    try:
        data = json.loads((Path(folder) / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        return {}
    return {
        str(name): {k: str(v) for k, v in entry.items()}
        for name, entry in files.items()
        if isinstance(entry, dict)
    }


def mark_output(folder: Path, kind: str, files: Iterable[Path]) -> None:
    """Record in `folder`'s marker that the tool wrote `files` there (as `kind`).

    Every command that writes files into a folder a user names calls this, so
    that a later `validate`/`merge` of a folder holding it does not read them
    back as returns. Best effort: a marker that cannot be written only costs
    that recognition (the names `返送用`/`backup` still work).
    """
    folder = Path(folder)
    entries = read_marker(folder)
    for path in files:
        path = Path(path)
        try:
            entries[path.name] = {"kind": kind, "sha256": _sha256(path)}
        except OSError:
            continue
    marker = folder / MARKER
    text = json.dumps(
        {
            "tool": "sorachi-etl",
            "note": phrase("marker_note"),
            "files": entries,
        },
        ensure_ascii=False,
        indent=1,
    )
    staged = folder / f"{MARKER}.{os.getpid()}.tmp"
    try:
        # a file name that is not UTF-8 (Shift_JIS from a Windows zip or share) is held
        # as lone surrogates: written as JSON's \udcXX escapes, read back as the same name
        staged.write_bytes(text.encode("utf-8", "backslashreplace"))
        if marker.exists():
            _set_hidden(marker, False)  # Windows refuses to replace a hidden file
        os.replace(staged, marker)  # whole or not at all: two runs at once tear nothing
        _set_hidden(marker, True)
    except OSError:
        with contextlib.suppress(OSError):
            staged.unlink()


def _set_hidden(path: Path, hidden: bool) -> None:
    """The Windows hidden attribute (a dot file is hidden elsewhere already)."""
    if os.name != "nt":
        return
    import ctypes

    attributes = 0x2 if hidden else 0x80  # FILE_ATTRIBUTE_HIDDEN / _NORMAL
    ctypes.windll.kernel32.SetFileAttributesW(str(path), attributes)  # type: ignore[attr-defined]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
