"""Reading stage: a returned file's bytes -> `WorkbookData`, or `UnreadableWorkbook`.

The order is what keeps a hostile file harmless:

1. the file's kind is told from its bytes (sniff.sniff_bytes, and
   archive.Package.kind for a ZIP); an .xls or .ods goes through checks of its
   own (xls_ods.py: the OLE container and BIFF records, or the ZIP and
   content.xml) and the rest of this list is for an .xlsx; anything else is
   refused with its own code (encrypted OOXML is decrypted in memory when a
   password is given);
2. the ZIP container is checked (archive.Package): member count and names,
   duplicates (same bytes, or refused), every declared size and compression
   ratio before any part is parsed; then the members calamine will read are
   inflated under hard caps (CRC, no DTD). Only when calamine would find the
   sheets asked for in the very members we do (`Package.calamine_parts`) is
   that a subset; otherwise, and for a workbook without those sheets, it is
   every member;
3. each sheet to be read is scanned (sheetxml.scan_sheet) for its real extent,
   which is refused before calamine would allocate a grid for it, and for the
   facts calamine does not give (error cells, formulas, hidden rows/columns,
   merges); so is every other member checked that holds <sheetData>;
4. only then does python-calamine read the values: on the fast path from a new
   uncompressed ZIP of just the members checked (`Package.repacked`), so it
   can read nothing else, otherwise from the same bytes.

openpyxl is never used here: it is slow on full-grid dimensions and silently
reads 0 sheets from Strict OOXML and fails on backslash part names. XML is never
parsed with entity expansion: any part holding a DTD is refused before parsing,
workbook.xml and relationship parts then go through expat with DTD and entity
declarations refused (archive.elements), sheets through the byte scanner, and
`defusedxml.defuse_stdlib()` is not needed. For the writers that do use
openpyxl, see `harden_openpyxl`.

Dates: calamine converts date-formatted numbers itself and applies the 1904
date system (checked with calamine/tests/date_1904.xlsx, where serial 42735 is
read as 2021-01-01, not 2016-12-31, and sheetjs 1904/1904.xlsx); so
`WorkbookData.date1904` only records it. A midnight value comes back as a
date, others as datetime; numbers as float (1 -> 1.0); durations as timedelta.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sorachi_etl.intake.archive import (
    DEFAULT_LIMITS,
    Limits,
    Package,
    SheetPart,
    WorkbookParts,
    corrupt,
    megabytes,
    shown,
    too_large,
)
from sorachi_etl.intake.cfb import MAGIC as OLE_MAGIC
from sorachi_etl.intake.cfb import Container, decrypted
from sorachi_etl.intake.sheetxml import SheetFacts, a1, check_shared_strings, col_letter, scan_sheet
from sorachi_etl.intake.sniff import KIND_LABELS, ole_kind, sniff_bytes, sniff_kind
from sorachi_etl.intake.xls_ods import Scanned, scan_ods, scan_xls
from sorachi_etl.model.errors import SorachiError, UnreadableWorkbook
from sorachi_etl.model.messages import phrase
from sorachi_etl.model.text import clean_text

__all__ = [
    "DEFAULT_LIMITS",
    "ExcelError",
    "Limits",
    "SheetData",
    "WorkbookData",
    "a1",
    "clean_text",
    "col_letter",
    "harden_openpyxl",
    "read_workbook",
    "salvage",
    "sniff_kind",
]

Cell = tuple[int, int]


class ExcelError(str):
    """A cached Excel error value (#DIV/0!, #N/A, ...) of a cell written with t="e".

    A str, so that text checks see "#DIV/0!", yet `isinstance(v, ExcelError)`
    tells it from a clerk who typed those characters.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return f"ExcelError({str(self)!r})"


@dataclass
class SheetData:
    """One sheet as read: values on an absolute grid (rows[0][0] is A1) and the facts around them."""

    name: str
    state: str = "visible"  # "visible" | "hidden" | "veryhidden"
    rows: list[list[object]] = field(default_factory=list)
    errors: dict[Cell, str] = field(default_factory=dict)  # (row0, col0) -> "#DIV/0!"
    formulas: dict[Cell, str] = field(default_factory=dict)  # (row0, col0) -> formula text
    no_cached_value: set[Cell] = field(default_factory=set)  # formulas never calculated
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)  # listed up to Limits.max_cols
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1

    def cell(self, r: int, c: int) -> object:
        """The value at 0-based (r, c); '' outside the grid."""
        if 0 <= r < len(self.rows):
            row = self.rows[r]
            if 0 <= c < len(row):
                return row[c]
        return ""


@dataclass
class WorkbookData:
    """A returned workbook as read; `sheets` holds the sheets asked for, in workbook order."""

    path: Path
    sheets: dict[str, SheetData]
    date1904: bool = False
    strict_ooxml: bool = False
    sha256: str = ""
    size: int = 0  # bytes of the file as received
    sheet_names: list[str] = field(default_factory=list)  # every sheet, read or not
    decrypted: bool = False  # read with the password given
    modified: float | None = None  # the file's mtime (seconds since the epoch)
    format: str = "xlsx"  # "xlsx", "xls" (Excel 97-2003) or "ods" (OpenDocument)


def read_workbook(
    path: Path,
    *,
    password: str | None = None,
    sheets: Iterable[str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> WorkbookData:
    """Read a returned .xlsx, .xls or .ods file; `sheets` names the sheets to read (None: all).

    Raises UnreadableWorkbook, and nothing else, for a file that cannot or must
    not be read; its `code` is a key of errors.CATALOGUE.
    """
    path = Path(path)
    try:
        return _read(path, password, sheets, limits)
    except UnreadableWorkbook:
        raise
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except MemoryError as exc:
        raise too_large(phrase("read_out_of_memory")) from exc
    except BaseException as exc:  # pyo3's PanicException derives from BaseException
        raise UnreadableWorkbook("unreadable", detail=_failure(exc)) from exc


def salvage(
    path: Path, sheets: Iterable[str], limits: Limits = DEFAULT_LIMITS
) -> WorkbookData | None:
    """The named sheets of a file `read_workbook` refused, when they can still be read safely.

    For telling who sent a file the tool cannot take (its _meta and 基本情報).
    Only a ZIP package that is an .xlsx or an .xlsm (values only: its macros
    are never run) is tried, and only through the same gates as on the way in,
    member by member: the package's directory, workbook.xml and its
    relationships, then just the members calamine needs for those sheets, each
    inflated under the caps with DTDs refused, and each sheet scanned for its
    extent. A member that is not needed is never inflated, so a bomb or a
    broken part elsewhere does no harm. None whenever anything fails.
    """
    try:
        data, modified = _read_bytes(Path(path), limits)
        if not data.startswith(b"PK"):
            return None
        package = Package(data, limits)
        if package.kind() not in ("xlsx", "xlsm"):
            return None
        package.check_directory()
        parts = package.workbook_parts()
        wanted = set(sheets)
        chosen = [s for s in parts.sheets if s.name in wanted and s.part]
        keys = package.calamine_parts(parts, [s.name for s in chosen]) if chosen else None
        if keys is None:
            return None
        keys = {k for k in keys if k in package.by_name}
        package.check_members(keys)
        facts = {s.name: scan_sheet(package.read(s.part) or b"", s.name, limits) for s in chosen}
        check_shared_strings(package.read(parts.shared_strings or "xl/sharedStrings.xml"), limits)
        values = _calamine_values(package.repacked(keys), [s.name for s in chosen])
        book = WorkbookData(path=Path(path), sheets={}, size=len(data), modified=modified)
        book.sheet_names = [s.name for s in parts.sheets]
        for sheet in chosen:
            book.sheets[sheet.name] = _sheet(
                sheet.name, sheet.state, values[sheet.name], facts[sheet.name]
            )
            _check_text(book.sheets[sheet.name], limits)
        return book
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException:  # whatever the file holds, salvage only ever answers "cannot tell"
        return None


def _read(
    path: Path, password: str | None, wanted: Iterable[str] | None, limits: Limits
) -> WorkbookData:
    """`read_workbook`: the file's kind told from its bytes, then read the way that kind is."""
    if isinstance(wanted, str):
        wanted = [wanted]
    wanted_set = None if wanted is None else set(wanted)
    data, modified = _read_bytes(path, limits)
    book = WorkbookData(
        path=path,
        sheets={},
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        modified=modified,
    )
    if data.startswith(OLE_MAGIC):
        container = Container(data, limits)
        kind = ole_kind(container)
        if kind == "xls":
            return _read_scanned(book, scan_xls(container, limits, password), wanted_set, limits)
        if kind != "encrypted":
            raise _refusal(kind)
    if not data.startswith(b"PK"):
        data = _decrypt(data, password)
        book.decrypted = True
    package = Package(data, limits)
    kind = package.kind()
    if kind == "ods":
        return _read_scanned(book, scan_ods(package), wanted_set, limits)
    if kind != "xlsx":
        raise _refusal(kind)
    return _read_xlsx(book, package, data, wanted_set, limits)


def _read_xlsx(
    book: WorkbookData,
    package: Package,
    data: bytes,
    wanted_set: set[str] | None,
    limits: Limits,
) -> WorkbookData:
    """The sheets of an .xlsx (`data`, the ZIP) checked, scanned, then read by calamine;
    `wanted_set` names the sheets to keep (None: all)."""
    package.check_directory()
    package.check_sizes()
    parts = package.workbook_parts()
    book.date1904, book.strict_ooxml = parts.date1904, parts.strict
    book.sheet_names = [s.name for s in parts.sheets]
    if not parts.sheets:
        raise UnreadableWorkbook("no_sheets")
    if len(set(book.sheet_names)) != len(book.sheet_names):
        raise corrupt(phrase("duplicate_sheet_name"))
    read_by_calamine = None
    if wanted_set is not None and wanted_set <= set(book.sheet_names):
        chosen = [s for s in parts.sheets if s.name in wanted_set]
        # Only what calamine will read needs inflating, when it finds the sheets where we do.
        read_by_calamine = package.calamine_parts(parts, [s.name for s in chosen])
    else:
        # A workbook without every sheet asked for is no ordinary return: all of it is
        # read and checked, so that a dangerous file is called so, not merely a wrong one.
        chosen = list(parts.sheets)
    package.check_members(read_by_calamine)
    facts = _scan(package, parts, chosen, limits)
    checked = data if read_by_calamine is None else package.repacked(read_by_calamine)
    values = _calamine_values(checked, [s.name for s in chosen])
    # A cell's text is never longer than the XML it is written in: only big parts need the check.
    sources = [parts.shared_strings, *(s.part for s in chosen)]
    long_text = any(len(package.read(p) or b"") > limits.max_text_chars for p in sources if p)
    for sheet in chosen:
        data_sheet = _sheet(sheet.name, sheet.state, values[sheet.name], facts[sheet.name])
        if long_text:
            _check_text(data_sheet, limits)
        if wanted_set is None or sheet.name in wanted_set:
            book.sheets[sheet.name] = data_sheet
    return book


def _read_scanned(
    book: WorkbookData, scanned: Scanned, wanted_set: set[str] | None, limits: Limits
) -> WorkbookData:
    """The sheets of an .xls or .ods (checked and scanned by xls_ods.py) read by calamine."""
    book.format, book.date1904 = scanned.format, scanned.date1904
    book.decrypted = book.decrypted or scanned.decrypted
    sheets = scanned.sheets
    book.sheet_names = list(sheets)
    if not sheets:
        raise UnreadableWorkbook("no_sheets")
    # As for an .xlsx: a workbook without every sheet asked for is read whole, so that a
    # dangerous file is called so, not merely a wrong one.
    read_all = wanted_set is None or not wanted_set <= set(sheets)
    chosen = [n for n in sheets if read_all or n in wanted_set]
    values = _calamine_values(scanned.checked, chosen)
    for name in chosen:
        state, facts = sheets[name]
        data_sheet = _sheet(name, state, values[name], facts)
        # no text is longer than the part it is written in
        if scanned.largest_part > limits.max_text_chars:
            _check_text(data_sheet, limits)
        if wanted_set is None or name in wanted_set:
            book.sheets[name] = data_sheet
    return book


def _scan(
    package: Package, parts: WorkbookParts, chosen: list[SheetPart], limits: Limits
) -> dict[str, SheetFacts]:
    """Scan the chosen sheets, and every other member with cells that calamine is given."""
    facts = {}
    for sheet in chosen:
        xml = package.read(sheet.part) if sheet.part else None
        if xml is None:
            raise corrupt(phrase("read_sheet_part_missing", sheet=shown(sheet.name)))
        facts[sheet.name] = scan_sheet(xml, sheet.name, limits)
    # Wherever calamine's idea of which member is which sheet may differ from ours
    # (its own reading of the XML, character references, a second workbook part),
    # every member it could read as a sheet gets the extent check too: those holding
    # <sheetData> among the members checked (all of them, off the fast path).
    scanned = {package.key(s.part) for s in chosen if s.part}
    names = {package.key(s.part): s.name for s in parts.sheets if s.part}
    for key in sorted(package.sheet_data_parts - scanned):
        scan_sheet(package.read(key) or b"", names.get(key, key), limits)
    for name in {parts.shared_strings, "xl/sharedStrings.xml"}:
        if name:
            check_shared_strings(package.read(name), limits)
    return facts


def _read_bytes(path: Path, limits: Limits) -> tuple[bytes, float]:
    """The file's bytes (at most the size limit, even if it grows meanwhile) and its mtime."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        try:
            st = os.fstat(fd)
            if stat.S_ISDIR(st.st_mode):
                raise IsADirectoryError(str(path))
            if st.st_size > limits.max_file_bytes:
                raise too_large(
                    phrase(
                        "read_file_too_large",
                        size=megabytes(st.st_size),
                        limit=megabytes(limits.max_file_bytes),
                    )
                )
            chunks, left = [], limits.max_file_bytes + 1
            while left > 0:
                chunk = os.read(fd, min(left, st.st_size + 1 if not chunks else 1 << 20))
                if not chunk:
                    break
                chunks.append(chunk)
                left -= len(chunk)
        finally:
            os.close(fd)
    except FileNotFoundError as exc:
        raise UnreadableWorkbook("unreadable", detail=phrase("read_no_such_file")) from exc
    except IsADirectoryError as exc:
        raise UnreadableWorkbook("unreadable", detail=phrase("read_is_a_folder")) from exc
    except PermissionError as exc:
        raise UnreadableWorkbook("unreadable", detail=phrase("read_no_permission")) from exc
    except OSError as exc:
        raise UnreadableWorkbook("unreadable", detail=phrase("read_os_error")) from exc
    data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    if len(data) > limits.max_file_bytes:
        raise too_large(phrase("read_file_grew_past_limit", limit=megabytes(limits.max_file_bytes)))
    if not data:
        raise UnreadableWorkbook("empty_file")
    return data, st.st_mtime


def _decrypt(data: bytes, password: str | None) -> bytes:
    """The ZIP inside an encrypted OOXML file; refuses every other file that is not a ZIP."""
    kind = sniff_bytes(data)
    if kind != "encrypted":
        raise _refusal(kind)
    if password is None:
        raise UnreadableWorkbook("encrypted")
    plain = decrypted(data, password)
    if not plain.startswith(b"PK"):
        raise _refusal(sniff_bytes(plain))
    return plain


_REFUSALS = {
    "empty": "empty_file",
    "encrypted": "encrypted",
    "xls": "legacy_xls",
    "ods": "ods",
    "xlsm": "xlsm",
    "xlsb": "xlsb",
}


def _refusal(kind: str) -> UnreadableWorkbook:
    if kind in _REFUSALS:
        return UnreadableWorkbook(_REFUSALS[kind])
    if kind == "broken":
        return corrupt(phrase("read_container_broken"))
    return UnreadableWorkbook("not_excel", kind=KIND_LABELS.get(kind, KIND_LABELS["unknown"]))


def _calamine_values(data: bytes, names: list[str]) -> dict[str, list[list[object]]]:
    """Values of the named sheets, read by python-calamine from the checked bytes."""
    import python_calamine as pc

    try:
        book = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        with book:
            return {n: book.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in names}
    except pc.PasswordError as exc:
        raise UnreadableWorkbook("encrypted") from exc
    except pc.ZipError as exc:
        raise corrupt(phrase("read_zip_broken")) from exc
    except pc.XmlError as exc:
        raise corrupt(phrase("read_xml_broken")) from exc
    except pc.WorksheetNotFound as exc:
        raise corrupt(phrase("read_sheet_not_found")) from exc
    except pc.CalamineError as exc:
        raise corrupt(phrase("read_cannot_interpret")) from exc


def _sheet(name: str, state: str, rows: list[list[object]], facts: SheetFacts) -> SheetData:
    sheet = SheetData(
        name=name,
        state=state if state in ("hidden", "veryhidden") else "visible",
        rows=rows,
        errors=facts.errors,
        formulas=facts.formulas,
        no_cached_value=facts.no_cached_value,
        hidden_rows=facts.hidden_rows,
        hidden_cols=facts.hidden_cols,
        merged=facts.merged,
    )
    # calamine gives '' for a cached error (an .ods stores a number beside it, which
    # calamine gives instead): the error is what the cell shows
    for (r, c), text in facts.errors.items():
        _grow(rows, r, c)
        rows[r][c] = ExcelError(text)
    return sheet


def _grow(rows: list[list[object]], r: int, c: int) -> None:
    """Widen the grid to hold (r, c), keeping it rectangular."""
    width = max(len(rows[0]) if rows else 0, c + 1)
    for row in rows:
        row.extend([""] * (width - len(row)))
    while len(rows) <= r:
        rows.append([""] * width)


def _check_text(sheet: SheetData, limits: Limits) -> None:
    for r, row in enumerate(sheet.rows):
        for c, value in enumerate(row):
            if isinstance(value, str) and len(value) > limits.max_text_chars:
                raise too_large(
                    phrase(
                        "read_cell_text_too_long",
                        sheet=shown(sheet.name),
                        cell=a1(r, c),
                        chars=len(value),
                        limit=limits.max_text_chars,
                    )
                )


def _failure(exc: BaseException) -> str:
    if type(exc).__name__ == "PanicException":
        return phrase("read_library_panic")
    if isinstance(exc, RecursionError):
        return phrase("read_too_deep")
    if isinstance(exc, OSError):
        return phrase("read_os_error")
    return phrase("read_unexpected_shape")


def harden_openpyxl() -> None:
    """Make sure openpyxl parses XML through defusedxml; call before openpyxl loads a workbook.

    openpyxl 3.1 picks defusedxml by itself when it is installed (a dependency
    of this package) and OPENPYXL_DEFUSEDXML is not "False", deciding once, at
    import (openpyxl.xml.DEFUSEDXML). This sets the variable when openpyxl is
    not imported yet and raises SorachiError if defusedxml is still not in use.
    (With lxml installed, openpyxl's fromstring is lxml's with entity resolution
    off; iterparse, which reads the sheets, stays defusedxml's.)
    """
    import os
    import sys

    if "openpyxl" not in sys.modules:
        os.environ["OPENPYXL_DEFUSEDXML"] = "True"
    import openpyxl.xml
    import openpyxl.xml.functions

    if not openpyxl.xml.DEFUSEDXML or not openpyxl.xml.functions.iterparse.__module__.startswith(
        "defusedxml"
    ):
        raise SorachiError("unsafe_xml_parser")
