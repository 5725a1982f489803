"""Annotated copies of faulty workbooks, ready to mail back to the sender.

Each faulty cell is filled red (yellow for a warning) and carries a comment
with the message; a `確認事項` sheet, first in the book, lists every finding.
The copy is the sender's own file opened with openpyxl, so their data, data
validations, sheet protection and styles are kept. Two things openpyxl would
lose are put back by hand:

- data validations Excel writes as an x14 extension (a list that refers to
  another sheet, like the プロジェクト list on 取組): copied from the sender's
  sheet XML into the copy;
- the fill a cell had before it was painted: recorded in a hidden column of
  `確認事項`, so that annotating a returned copy again first clears the last
  round's marks and a fixed cell is no longer red.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
import unicodedata
import warnings
import zipfile
from math import ceil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sorachi_etl.model.errors import SorachiError
from sorachi_etl.model.findings import FileReport, Finding, finding
from sorachi_etl.model.messages import ERROR
from sorachi_etl.model.names import SURVEY_FINDINGS
from sorachi_etl.model.text import xml_safe

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.styles.fills import Fill

ERROR_FILL = "FFFF9999"
# Orange, not yellow: input cells of the survey are yellow already.
WARNING_FILL = "FFFFC000"
COMMENT_AUTHOR = "sorachi-etl"
SUFFIX = "_要修正"
_A1 = re.compile(r"^[A-Z]{1,3}[0-9]{1,7}$")
_HEADERS = ("No.", "区分", "シート", "セル", "項目", "入力値", "内容")
_WIDTHS = (5, 8, 10, 7, 20, 16, 70)
# Hidden column of 確認事項 holding each painted cell's original fill (see module docstring).
_RECORD_COLUMN = len(_HEADERS) + 2
_RECORD_HEADER = "元の塗りつぶし"
_FIRST_ROW = 4
# Excel writes data validations that refer to another sheet in this extension.
_X14_VALIDATIONS = "{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}"
_ROW_PT = 15  # points per line of text in 確認事項
# Characters of a comment line at the comment's width, and pixels per line.
_COMMENT_WIDTH, _LINE_CHARS, _LINE_PX = 360, 24, 17


def annotated_name(path: Path) -> str:
    """R6_岩見沢市_調査票.xlsx -> R6_岩見沢市_調査票_要修正.xlsx (an annotated copy keeps its name).

    The copy is always an .xlsx: a return saved as .xls or .ods is sent back converted.
    """
    stem = path.stem if path.stem.endswith(SUFFIX) else path.stem + SUFFIX
    return f"{stem}.xlsx"


def distinct_annotated_name(path: Path, taken: set[str]) -> str:
    """`annotated_name`, or when a copy of that name is already written in this run (a
    return of the same name from another folder, or saved as both .xlsx and .ods) the
    same with the folder or the format in brackets: R6_岩見沢市_調査票_要修正（2回目）.xlsx."""
    name = annotated_name(path)
    stem = name.removesuffix(".xlsx")
    form = path.suffix.lstrip(".").lower()
    # an .ods or .xls is most likely the same return saved twice; an .xlsx one from elsewhere
    tags = (form, path.parent.name) if form != "xlsx" else (path.parent.name, form)
    for tag in (None, *tags):
        candidate = f"{stem}（{tag}）.xlsx" if tag else name
        if candidate not in taken:
            return candidate
    n = 2
    while f"{stem}（{n}）.xlsx" in taken:
        n += 1
    return f"{stem}（{n}）.xlsx"


def is_converted(path: Path) -> bool:
    """Whether the annotated copy of `path` is a conversion (an .xls or .ods return)."""
    return path.suffix.lower() in (".xls", ".ods")


def annotate_workbook(
    source: Path, report: FileReport, out_dir: Path, name: str | None = None
) -> Path:
    """Write an annotated copy of `source` into `out_dir`; returns its path.

    Raises SorachiError when openpyxl does not see every sheet of the file (it
    reads a Strict OOXML workbook as one with no sheets: a copy would lose the
    sender's data), and whatever openpyxl raises for a workbook it cannot open
    or write; the caller reports the file without a copy.
    """
    from openpyxl import load_workbook

    from sorachi_etl.intake.archive import Package
    from sorachi_etl.intake.read import harden_openpyxl

    source = Path(source)
    # openpyxl inflates every part, even those checking never needed: check them all first.
    package = Package(source.read_bytes())
    package.check_directory()
    package.check_sizes()
    package.check_members()
    harden_openpyxl()
    with warnings.catch_warnings():
        # openpyxl warns that it drops x14 data validations; they are put back below
        warnings.simplefilter("ignore", UserWarning)
        wb = load_workbook(source, rich_text=True)
    sheets = [s.name for s in package.workbook_parts().sheets]
    if set(sheets) - set(wb.sheetnames):
        raise SorachiError("annotate_unsupported", name=source.name)
    _clear_previous_round(wb)
    return _annotate_and_save(wb, source, report, out_dir, keep_x14=True, name=name)


def annotate_converted(
    source: Path, report: FileReport, out_dir: Path, name: str | None = None
) -> Path:
    """An annotated .xlsx copy of a return saved as .xls or .ods; returns its path.

    openpyxl writes neither format, so the copy is a new workbook holding the
    sender's values (read again through every check of the way in), sheet by
    sheet in the same places, with the same sheet names, hidden rows, columns
    and sheets, and merged cells: the cells the findings name are where they
    were, painted and commented as in any annotated copy. The sender's formats,
    input rules and protection are not carried over (the CLI says so).
    """
    from sorachi_etl.book.xlsx import new_workbook
    from sorachi_etl.intake.read import read_workbook

    source = Path(source)
    book = read_workbook(source)
    wb = new_workbook()
    for sheet_name in book.sheet_names:
        _copy_sheet(wb.create_sheet(sheet_name), book.sheets[sheet_name])
    return _annotate_and_save(wb, source, report, out_dir, keep_x14=False, name=name)


def _annotate_and_save(
    wb: Workbook,
    source: Path,
    report: FileReport,
    out_dir: Path,
    *,
    keep_x14: bool,
    name: str | None = None,
) -> Path:
    """Mark the cells, add 確認事項, and save the copy into `out_dir` whole (through a
    staged file) as `name` (default `annotated_name`), with the sender's x14 validations
    put back when `keep_x14`."""
    findings = for_sender(report)
    originals = _mark_cells(wb, findings)
    _findings_sheet(wb, findings, originals)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / (name or annotated_name(source))
    _refuse_open_copy(target)
    with tempfile.TemporaryDirectory(dir=out_dir) as tmp:
        staged = Path(tmp) / "annotated.xlsx"
        wb.save(staged)
        if keep_x14:
            _restore_x14_validations(source, staged)
        os.replace(staged, target)  # whole or not at all, on Windows too (shutil.move is not)
    return target


def _refuse_open_copy(target: Path) -> None:
    """SorachiError when last run's copy of this name is open in Excel or LibreOffice (its
    owner file beside it) or marked read-only: replacing it would pull it from under the
    clerk, or undo the read-only mark."""
    from sorachi_etl.book.office_locks import office_locks

    for lock in office_locks(target):
        raise SorachiError(
            "annotate_copy_open",
            name=target.name,
            program=lock.program,
            who=lock.who(),
            lock=lock.path.name,
        )
    if target.exists() and not os.access(target, os.W_OK):
        raise SorachiError("annotate_copy_read_only", name=target.name)


# Findings worded for the clerk ("…送ってもらってください") that have a sender_ wording.
_SAID_TO_SENDER = frozenset(
    {"year_not_asked", "missing_meta", "blank_survey", "file_name_reporter"}
)


def for_sender(report: FileReport) -> list[Finding]:
    """The findings as the copy mailed back lists them: a line meant for the clerk (which
    file of two was used; have the survey sent again; the year given with --year) is
    said to the sender instead, or left out."""
    from sorachi_etl.check.accept import PART_NAMES

    said: list[Finding] = []
    for f in report.findings:
        if f.code == "duplicate_submission":
            continue  # which of the files in the clerk's folder was used
        if f.code == "part_held_back" and len(report.held_back) == 1:
            (held,) = report.held_back
            (kept,) = (p for p in PART_NAMES if p != held)
            f = finding(
                "sender_part_held_back",
                file=f.file,
                reporter=f.reporter,
                part=PART_NAMES[held],
                other=PART_NAMES[kept],
            )
        elif f.code in _SAID_TO_SENDER:
            f = finding(
                f"sender_{f.code}",
                file=f.file,
                reporter=f.reporter,
                sheet=f.sheet,
                cell=f.cell,
                item=f.item,
                value=f.value,
            )
        said.append(f)
    return said


def _copy_sheet(ws, sheet) -> None:
    """A sheet read from an .xls or .ods, as an openpyxl sheet: its state, values, hidden
    rows and columns and merged cells where they were, its columns as wide as their text."""
    from sorachi_etl.book.xlsx import print_a4

    ws.sheet_state = {"veryhidden": "veryHidden"}.get(sheet.state, sheet.state)
    widths = _copy_values(ws, sheet)
    for c, width in widths.items():
        ws.column_dimensions[_letter(c)].width = max(width + 2, 8)
    for r in sheet.hidden_rows:
        ws.row_dimensions[r + 1].hidden = True
    for c in sheet.hidden_cols:
        if c < 1000:
            ws.column_dimensions[_letter(c)].hidden = True
    print_a4(ws)  # one page wide, as the template prints
    for top, left, bottom, right in sheet.merged:
        if (top, left) != (bottom, right):
            ws.merge_cells(
                start_row=top + 1,
                start_column=left + 1,
                end_row=bottom + 1,
                end_column=right + 1,
            )


def _copy_values(ws, sheet) -> dict[int, int]:
    """Every value of `sheet` into `ws` (dates formatted, long text wrapped); returns the
    width each column's text needs (up to 50)."""
    from openpyxl.styles import Alignment

    from sorachi_etl.book.xlsx import DATE_FORMAT, DATETIME_FORMAT, put
    from sorachi_etl.model.text import xml_safe

    wrap = Alignment(wrap_text=True, vertical="top")
    widths: dict[int, int] = {}
    # a text merged across columns (a title) does not widen its first column
    spanning = {(top, left) for top, left, _, right in sheet.merged if right > left}
    for r, row in enumerate(sheet.rows):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                value = xml_safe(str(value))[0]
            fmt = None
            if isinstance(value, dt.datetime):
                fmt = DATETIME_FORMAT
            elif isinstance(value, dt.date):
                fmt = DATE_FORMAT
            cell = put(ws, r + 1, c + 1, value, fmt)
            if isinstance(value, str) and len(value) > 20:
                cell.alignment = wrap
            if (r, c) not in spanning:
                widths[c] = max(widths.get(c, 0), min(_text_width(value), 50))
    return widths


def _letter(col0: int) -> str:
    from sorachi_etl.model.cells import col_letter

    return col_letter(col0)


# --- the cells --------------------------------------------------------------------


def _mark_cells(wb: Workbook, findings: list[Finding]) -> dict[tuple[str, str], str]:
    """Paint and comment every cell a finding names; returns each cell's original fill."""
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    by_cell: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        if f.sheet in wb.sheetnames and f.cell and _A1.match(f.cell):
            by_cell.setdefault((f.sheet, f.cell), []).append(f)
    originals = {}
    for (sheet, ref), items in by_cell.items():
        cell = wb[sheet][ref]
        originals[(sheet, ref)] = _fill_to_text(cell.fill)
        worst = ERROR if any(f.severity == ERROR for f in items) else "warning"
        cell.fill = PatternFill("solid", fgColor=ERROR_FILL if worst == ERROR else WARNING_FILL)
        lines = [f"【{_label(f)}】{f.message}" for f in items]
        old = cell.comment
        if old is not None and old.author != COMMENT_AUTHOR and old.text:
            lines.append(f"（元のコメント）{old.text}")
        text = "\n".join(lines)
        rows = sum(ceil(max(len(line), 1) / _LINE_CHARS) for line in lines)
        comment = Comment(xml_safe(text)[0], COMMENT_AUTHOR)  # messages quote the cells
        comment.width, comment.height = _COMMENT_WIDTH, 12 + _LINE_PX * rows
        cell.comment = comment
    return originals


def _text_width(value: object) -> int:
    """Width of a cell's text in column-width units: full-width characters count two."""
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _label(f: Finding) -> str:
    return "要修正" if f.severity == ERROR else "確認"


def _clear_previous_round(wb: Workbook) -> None:
    """Undo the marks of an earlier annotation: its comments, fills and 確認事項 sheet."""
    if SURVEY_FINDINGS not in wb.sheetnames:
        return
    ws = wb[SURVEY_FINDINGS]
    for row in range(_FIRST_ROW, ws.max_row + 1):
        sheet, ref = ws.cell(row, 3).value, ws.cell(row, 4).value
        record = ws.cell(row, _RECORD_COLUMN).value
        if sheet not in wb.sheetnames or not isinstance(ref, str) or not _A1.match(ref):
            continue
        cell = wb[sheet][ref]
        if cell.comment is not None and cell.comment.author == COMMENT_AUTHOR:
            cell.comment = None
            if isinstance(record, str):
                cell.fill = _fill_from_text(record)
    wb.remove(ws)


def _fill_to_text(fill: Fill) -> str:
    """A fill as JSON, with its colours as openpyxl holds them (rgb, theme + tint, indexed)."""

    def color(c: Any) -> dict[str, Any] | None:
        if c is None:
            return None
        return {"type": c.type, "value": c.value, "tint": c.tint}

    return json.dumps(
        {
            "type": getattr(fill, "fill_type", None),
            "fg": color(getattr(fill, "fgColor", None)),
            "bg": color(getattr(fill, "bgColor", None)),
        }
    )


def _fill_from_text(text: str) -> Fill:
    from openpyxl.styles import Color, PatternFill

    try:
        data = json.loads(text)
    except ValueError:
        return PatternFill(fill_type=None)

    def color(d: dict[str, Any] | None) -> Color | None:
        if not isinstance(d, dict) or d.get("type") not in ("rgb", "theme", "indexed"):
            return None
        return Color(**{d["type"]: d["value"]}, tint=d.get("tint") or 0)

    if not isinstance(data, dict) or not data.get("type"):
        return PatternFill(fill_type=None)
    return PatternFill(data["type"], fgColor=color(data.get("fg")), bgColor=color(data.get("bg")))


# --- 確認事項 -----------------------------------------------------------------------


def _findings_sheet(
    wb: Workbook, findings: list[Finding], originals: dict[tuple[str, str], str]
) -> None:
    """The list of findings, first in the book and the one the copy opens on."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from sorachi_etl.book.xlsx import FONT_NAME, print_a4, put, style_header

    ws = wb.create_sheet(SURVEY_FINDINGS, 0)
    put(ws, 1, 1, "確認事項（赤色のセルを修正して、もう一度送ってください）").font = Font(
        name=FONT_NAME, bold=True, size=13
    )
    put(ws, 2, 1, "オレンジ色のセルは確認のお願いです。内容が正しければ修正は不要です。")
    header_row = _FIRST_ROW - 1
    for c, h in enumerate(_HEADERS, start=1):
        put(ws, header_row, c, h)
    style_header(ws, header_row, len(_HEADERS))
    put(ws, header_row, _RECORD_COLUMN, _RECORD_HEADER)
    recorded: set[tuple[str, str]] = set()
    for i, f in enumerate(findings, start=1):
        row = header_row + i
        values = (i, _label(f), f.sheet, f.cell, f.item, f.value, f.message)
        for c, v in enumerate(values, start=1):
            put(ws, row, c, v).alignment = Alignment(wrap_text=True, vertical="top")
        # LibreOffice does not grow a row for wrapped text by itself: give it the lines
        lines = max(ceil(_text_width(v) / (w * 1.3)) for v, w in zip(values, _WIDTHS, strict=True))
        ws.row_dimensions[row].height = _ROW_PT * max(lines, 1) + 3
        ws.cell(row, 2).fill = PatternFill(
            "solid", fgColor=ERROR_FILL if f.severity == ERROR else WARNING_FILL
        )
        key = (f.sheet or "", f.cell or "")
        if key in originals and key not in recorded:
            recorded.add(key)
            put(ws, row, _RECORD_COLUMN, originals[key])
    for c, width in enumerate(_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.column_dimensions[get_column_letter(_RECORD_COLUMN)].hidden = True
    ws.freeze_panes = ws.cell(_FIRST_ROW, 1)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_area = f"A1:{get_column_letter(len(_HEADERS))}{max(ws.max_row, _FIRST_ROW)}"
    print_a4(ws)
    # Exactly one selected tab: two would open in Excel as a group, where typing
    # into one sheet writes into the other too.
    for sheet in wb.worksheets:
        for view in sheet.views.sheetView:
            view.tabSelected = sheet is ws
    wb.active = 0


# --- what openpyxl drops ------------------------------------------------------------------


def _restore_x14_validations(source: Path, target: Path) -> None:
    """Copy the sender's x14 data validations (dropped by openpyxl) into the saved copy."""
    from sorachi_etl.intake.archive import Package

    src = Package(source.read_bytes())
    wanted: dict[str, bytes] = {}
    for sheet in src.workbook_parts().sheets:
        xml = src.read(sheet.part) if sheet.part else None
        if xml and _X14_VALIDATIONS.lower().encode() in xml.lower():
            ext = _x14_ext(xml)
            if ext:
                wanted[sheet.name] = ext
    if not wanted:
        return
    out = Package(target.read_bytes())
    parts = {s.name: s.part for s in out.workbook_parts().sheets if s.part}
    replaced: dict[str, bytes] = {}
    for name, ext in wanted.items():
        part = parts.get(name)
        xml = out.read(part) if part else None
        if xml is None:
            continue
        if b"</extLst>" in xml:
            xml = xml.replace(b"</extLst>", ext + b"</extLst>", 1)
        else:
            xml = xml.replace(b"</worksheet>", b"<extLst>" + ext + b"</extLst></worksheet>", 1)
        replaced[Package.key(part)] = xml
    staged = target.with_suffix(".tmp")
    with zipfile.ZipFile(target) as zin, zipfile.ZipFile(staged, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = replaced.get(Package.key(info.filename)) or zin.read(info)
            zout.writestr(info, data)
    staged.replace(target)


_ROOT = re.compile(rb"<(?:[\w.-]+:)?worksheet\b[^>]*>")
_XMLNS = re.compile(rb'xmlns:([\w.-]+)\s*=\s*("[^"]*"|\'[^\']*\')')
_EXT = re.compile(rb"<(?P<p>[\w.-]+:)?ext\b(?P<attrs>[^>]*)>(?P<body>.*?)</(?P=p)?ext>", re.DOTALL)
_PREFIX_USE = re.compile(rb"</?([\w.-]+):[\w.-]+|\s([\w.-]+):[\w.-]+\s*=")


def _x14_ext(xml: bytes) -> bytes | None:
    """The sheet's x14 data validation <ext>, unprefixed, with every namespace it uses declared."""
    uri = _X14_VALIDATIONS.lower().encode()
    m = next((m for m in _EXT.finditer(xml) if uri in m.group("attrs").lower()), None)
    if m is None:
        return None
    attrs, body = m.group("attrs"), m.group("body")
    root = _ROOT.search(xml)
    declared = dict(_XMLNS.findall(root.group(0))) if root else {}
    own = {p for p, _ in _XMLNS.findall(attrs + body)}
    used = {a or b for a, b in _PREFIX_USE.findall(body + b" " + attrs)} - {b"xmlns", b"xml"}
    extra = b"".join(
        b" xmlns:" + p + b"=" + declared[p] for p in sorted(used - own) if p in declared
    )
    if used - own - set(declared):
        return None  # a prefix declared nowhere: copying it would break the sheet
    return b"<ext" + attrs.rstrip(b"/") + extra + b">" + body + b"</ext>"
