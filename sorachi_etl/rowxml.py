"""Long runs of plain data rows, written as worksheet XML beside openpyxl instead of through it.

With 1,741 reporters the master's 調査実績 sheet has 7,000 rows, and openpyxl
spends ~20 µs a cell making Cell objects and serialising them one element at a
time: most of the time spent writing the master (~1 s of a 4 s merge before
this module). The data sheets need nothing openpyxl does per cell
beyond a value and a number format, so their rows are kept here as XML text
(`defer_rows`) and spliced into the sheet parts of the package openpyxl saves
(`save_with_rows`). Everything else of the workbook, the header rows and any
sheet a user added included, still goes through openpyxl.

The XML is what openpyxl itself writes for the same cells (openpyxl/cell/_writer.py):
the data type is inferred as Cell._bind_value does (text starting with "=" is
kept as text, as write.put() does), and each (value type, number format)
gets its style by putting a first value of that kind into a probe cell, so the
workbook's styles and number formats are registered exactly as put() would.
Values of any other type (or text openpyxl would refuse) make `defer_rows`
fall back to put() for that batch.

`open_without_cells` is the reading side: a master opened for rewriting need
not parse the cells of the sheets about to be regenerated.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

# A cell to write: its value (None: no cell) and number format (None: General).
Cell = tuple[Any, str | None]
_ATTR = "_sorachi_rows"
_SIMPLE = (str, int, float, dt.datetime, dt.date)
_SHEET_DATA = re.compile(rb"<sheetData\s*/>|</sheetData>")
_DIMENSION = re.compile(rb'<dimension ref="[^"]*"\s*/>')
_SHEET_DATA_ALL = re.compile(rb"<sheetData\s*/>|<sheetData\b[^>]*>.*?</sheetData>", re.S)


@dataclass
class _Pending:
    """Rows waiting for the save, as XML text in row order, and the cells' extent."""

    rows: list[str] = field(default_factory=list)
    first_row: int = 0  # of the cells written (0: none yet)
    last_row: int = 0
    min_col: int = 0
    max_col: int = 0


def _registry(wb: Workbook) -> dict[int, tuple[Worksheet, _Pending]]:
    return wb.__dict__.setdefault(_ATTR, {})


def _pending(ws: Worksheet) -> _Pending | None:
    entry = getattr(ws.parent, _ATTR, {}).get(id(ws))
    return entry[1] if entry is not None and entry[0] is ws else None


def _last_cell_row(ws: Worksheet) -> int:
    return max((r for r, _ in ws._cells), default=0)


def next_row(ws: Worksheet) -> int:
    """`ws.max_row + 1`, counting the rows waiting to be spliced in."""
    pending = _pending(ws)
    return max(ws.max_row, pending.last_row if pending else 0) + 1


def defer_rows(ws: Worksheet, first_row: int, rows: Sequence[Sequence[Cell]]) -> None:
    """Write `rows` (cells from column A) from `first_row` down, as put() would.

    Rows must come after every row openpyxl holds for the sheet and after the
    rows already deferred. Kept as XML until `save_with_rows`; only when a
    value is of a type this module does not write is the batch put() instead.
    """
    from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE

    if not rows:
        return
    if not all(
        type(v) in _SIMPLE
        and not (type(v) is float and (v != v or v in (float("inf"), float("-inf"))))
        and not (type(v) is dt.datetime and v.tzinfo is not None)
        and not (type(v) is str and ILLEGAL_CHARACTERS_RE.search(v))
        for row in rows
        for v, _ in row
        if v is not None
    ):
        _put_rows(ws, first_row, rows)
        return
    wb = ws.parent
    pending = _pending(ws)
    if pending is None:
        pending = _Pending()
        _registry(wb)[id(ws)] = (ws, pending)
    if first_row <= max(_last_cell_row(ws), pending.last_row):
        raise ValueError(f"rows of sheet {ws.title!r} must come after the ones it has")
    styles = _styles(wb)
    epoch = wb.epoch
    for r, row in enumerate(rows, start=first_row):
        cells = []
        for c, (value, fmt) in enumerate(row, start=1):
            if value is None:
                continue
            kind = type(value)
            style = styles.get((kind, fmt))
            if style is None:
                style = styles[(kind, fmt)] = _probe_style(wb, value, fmt)
            ref = f"{_letter(c)}{r}"
            if kind is str:
                value = value[:32767]
                if not value:
                    cells.append(f'<c r="{ref}"{style} t="inlineStr" />')
                elif value in ERROR_CODES:  # openpyxl takes these for error values
                    cells.append(f'<c r="{ref}"{style} t="e"><v>{value}</v></c>')
                else:
                    space = (
                        ' xml:space="preserve"' if value.strip() and value != value.strip() else ""
                    )
                    cells.append(
                        f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{_escape(value)}</t></is></c>'
                    )
            else:
                if kind is dt.datetime or kind is dt.date:
                    from openpyxl.utils.datetime import to_excel

                    value = to_excel(value, epoch)
                cells.append(f'<c r="{ref}"{style} t="n"><v>{value:.16g}</v></c>')  # safe_string
            pending.min_col = min(pending.min_col or c, c)
            pending.max_col = max(pending.max_col, c)
        if cells:  # openpyxl writes no element for a row without cells
            pending.rows.append(f'<row r="{r}">{"".join(cells)}</row>')
            pending.first_row = pending.first_row or r
            pending.last_row = r


def _put_rows(ws: Worksheet, first_row: int, rows: Sequence[Sequence[Cell]]) -> None:
    from sorachi_etl.write import put

    for r, row in enumerate(rows, start=first_row):
        for c, (value, fmt) in enumerate(row, start=1):
            if value is not None:
                put(ws, r, c, value, fmt)


def _styles(wb: Workbook) -> dict:
    return wb.__dict__.setdefault("_sorachi_row_styles", {})


def _probe_style(wb: Workbook, value: Any, fmt: str | None) -> str:
    """The ` s="N"` attribute a cell put() with `value` and `fmt` gets ("" when unstyled).

    The value goes into a cell of a sheet that is not part of the workbook, so
    that the workbook registers the number formats put() would (a date first
    gets openpyxl's default date format, then `fmt`) and nothing else changes.
    """
    from openpyxl.worksheet.worksheet import Worksheet

    from sorachi_etl.write import put

    probe = Worksheet(wb, title="probe")
    cell = put(probe, 1, 1, value, fmt)
    return f' s="{cell.style_id}"' if cell.has_style else ""


def _letter(c: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(c)


def _escape(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def has_pending(wb: Workbook) -> bool:
    """Whether any sheet of `wb` has rows waiting for `save_with_rows`."""
    return any(_pending(ws) is not None and _pending(ws).rows for ws in wb.worksheets)


def save_with_rows(wb: Workbook, out: BinaryIO) -> None:
    """Save `wb` to `out` (through Workbook.save), with the deferred rows in their sheets."""
    buffer = io.BytesIO()
    wb.save(buffer)
    parts = {}
    for ws in wb.worksheets:
        pending = _pending(ws)
        if pending is not None and pending.rows:
            if _last_cell_row(ws) >= pending.first_row:
                raise ValueError(f"cells were put under the deferred rows of {ws.title!r}")
            parts[ws.path[1:]] = (ws, pending)
    with zipfile.ZipFile(buffer) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename in parts:
                data = _splice(data, *parts[info.filename])
            zout.writestr(info, data)


def _splice(xml: bytes, ws: Worksheet, pending: _Pending) -> bytes:
    rows = "".join(pending.rows).encode("utf-8")
    found = list(_SHEET_DATA.finditer(xml))  # there is one sheetData
    m = found[-1] if found else None
    if m is None:
        raise ValueError(f"no sheetData in the part of sheet {ws.title!r}")
    if m.group(0).startswith(b"</"):
        xml = xml[: m.start()] + rows + xml[m.start() :]
    else:
        xml = xml[: m.start()] + b"<sheetData>" + rows + b"</sheetData>" + xml[m.end() :]
    return _DIMENSION.sub(lambda _: _dimension(ws, pending), xml, count=1)


def _dimension(ws: Worksheet, pending: _Pending) -> bytes:
    """The used range of the sheet's cells and deferred rows, as calculate_dimension() gives it."""
    rows = {r for r, _ in ws._cells} | {pending.first_row, pending.last_row}
    cols = {c for _, c in ws._cells} | {pending.min_col, pending.max_col}
    ref = f"{_letter(min(cols))}{min(rows)}:{_letter(max(cols))}{max(rows)}"
    return f'<dimension ref="{ref}" />'.encode()


# --- reading -------------------------------------------------------------------------


def open_without_cells(path: Path, sheets: Iterable[str], **kwargs: Any) -> Workbook:
    """load_workbook(path), except that the named sheets come with no cells.

    For a master about to be rewritten: the sheets the tool regenerates keep
    their place, column widths and settings, but their rows are not parsed.
    """
    from openpyxl import load_workbook

    names = set(sheets)
    with zipfile.ZipFile(path) as zin:
        parts = {part for name, part in _sheet_parts(zin).items() if name in names}
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as zout:
            for info in zin.infolist():
                data = zin.read(info)
                if info.filename in parts:
                    data = _SHEET_DATA_ALL.sub(b"<sheetData/>", data, count=1)
                zout.writestr(info.filename, data)
    buffer.seek(0)
    return load_workbook(buffer, **kwargs)


_SHEET_TAG = re.compile(rb"<sheet\b[^>]*>")
_RELATIONSHIP = re.compile(rb"<Relationship\b[^>]*>")


def _attribute(tag: bytes, name: bytes) -> str | None:
    m = re.search(rb"\s" + name + rb'="([^"]*)"', tag)
    return m.group(1).decode("utf-8") if m else None


def _sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its part in the package, from xl/workbook.xml and its rels."""
    from xml.sax.saxutils import unescape

    try:
        workbook = z.read("xl/workbook.xml")
        rels = z.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    targets = {}
    for tag in _RELATIONSHIP.findall(rels):
        rid, target = _attribute(tag, b"Id"), _attribute(tag, b"Target")
        if rid and target:
            target = target.replace("\\", "/")
            targets[rid] = target[1:] if target.startswith("/") else "xl/" + target
    out = {}
    for tag in _SHEET_TAG.findall(workbook):
        name, rid = _attribute(tag, b"name"), _attribute(tag, b"r:id")
        if name and rid in targets:
            out[unescape(name, {"&quot;": '"', "&apos;": "'"})] = targets[rid]
    return out
