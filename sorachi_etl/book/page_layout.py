"""Laying out a printed page in a spreadsheet: rows one under another, A4 page setup,
and saving a file whole.

Each row is as tall as its text needs (measured by book/text_fit.py, for Excel or
for LibreOffice). A sheet whose content comes close to one page is set to print
on exactly one page; a longer one breaks between the blocks its writer keeps
together.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from sorachi_etl.book.kpi_list import unit_format
from sorachi_etl.book.text_fit import (
    BODY,
    SECTION,
    SMALL,
    Metrics,
    column_px,
    figure_width,
    measure,
    text_units,
    wrap,
)
from sorachi_etl.book.xlsx import FONT_NAME, put
from sorachi_etl.kpi.report_model import Figure, Report
from sorachi_etl.model.errors import UsageError
from sorachi_etl.model.paths import os_error_reason, write_whole

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.styles.cell_style import StyleArray
    from openpyxl.worksheet.worksheet import Worksheet

HEADING_FILL = "DDEBF7"
TABLE_FILL = "D9E1F2"
LINE = "808080"


# Printable area of A4 at the margins below: width in px (96 dpi), height in pt.
MARGIN_SIDE, MARGIN_END, MARGIN_HEADER = 0.5, 0.8, 0.35  # inches
PORTRAIT = (698, 715)
LANDSCAPE = (1026, 468)
# A sheet estimated at up to this share of a page is set to print on exactly one
# page (scaled down a little if need be); a longer one runs over pages, one wide.
ONE_PAGE_UP_TO = 1.25
# The tallest row written (pt): a spreadsheet neither breaks a row across pages nor lets
# one grow past 409 pt, so a longer text goes over several rows of at most this.
MAX_ROW_PT = 240.0


# --- one printed page -------------------------------------------------------------------


@dataclass(frozen=True)
class Style:
    size: float = BODY
    bold: bool = False
    align: str = "left"
    valign: str = "top"
    fill: str | None = None
    box: bool = False
    indent: int = 0
    color: str | None = None
    edges: str = "ltrb"  # the sides of a box drawn: a text over several rows is one box


# A section's heading (目的, これまでの主な取組・成果 …), and a table's header row.
SECTION_STYLE = Style(size=SECTION, bold=True, fill=HEADING_FILL, valign="center")
HEADER_STYLE = Style(
    size=SMALL, bold=True, align="center", valign="center", fill=TABLE_FILL, box=True
)


class Page:
    """Rows written one under another on a sheet that prints as one page (or more, down)."""

    def __init__(
        self,
        wb: Workbook,
        name: str,
        widths: list[float],
        report: Report,
        metrics: Metrics,
        *,
        landscape: bool,
        header: bool = True,
    ) -> None:
        from openpyxl.utils import get_column_letter

        self.ws: Worksheet = wb.create_sheet(name)
        self.widths = list(widths)
        self.metrics = metrics
        self.landscape = landscape
        self.page_px, self.page_pt = LANDSCAPE if landscape else PORTRAIT
        self.row = 0
        self.used = 0.0  # height since the last page break
        self.total = 0.0
        self.breaks: list[int] = []
        self.last_rows: list[int] = []  # the rows the last text() wrote
        for c, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(c)].width = width
        if header:
            header_footer(self.ws, report, self.page_px)

    @property
    def ncols(self) -> int:
        return len(self.widths)

    @property
    def budget(self) -> float:
        """Height (pt) of a printed page: more than the paper's where the sheet is wider than
        the paper, for then everything is printed smaller (one page wide)."""
        width = self.span(1, self.ncols)
        return self.page_pt * max(1.0, width / self.page_px)

    def span(self, first: int, last: int) -> float:
        return sum(column_px(w, self.metrics) for w in self.widths[first - 1 : last])

    def measure(
        self, text: str, first: int = 1, last: int | None = None, size: float = BODY
    ) -> float:
        return measure(self.widths, text, first, last or self.ncols, size, self.metrics)

    def keep(self, height: float) -> None:
        """Start a new printed page first if `height` would not fit on this one."""
        if self.used > 0 and self.used + height > self.budget:
            self.breaks.append(self.row)
            self.used = 0.0

    def next_row(self, height: float) -> int:
        self.row += 1
        self.ws.row_dimensions[self.row].height = round(height, 1)
        self.used += height
        self.total += height
        return self.row

    def grow(self, row: int, extra: float) -> None:
        dim = self.ws.row_dimensions[row]
        dim.height = round((dim.height or 0) + extra, 1)
        self.used += extra
        self.total += extra

    def gap(self, height: float = 8) -> None:
        self.next_row(height)

    def text(
        self,
        text: str,
        first: int = 1,
        last: int | None = None,
        style: Style = Style(),
        *,
        height: float | None = None,
        row: int | None = None,
    ) -> int:
        """Write `text` across columns first..last of a new row (or of `row`); returns
        the row. A text too tall for one row goes over several (`last_rows`)."""
        last = last or self.ncols
        if row is None:
            height = height or self.measure(text, first, last, style.size)
            pieces = self.pieces(text, first, last, style.size) if height > MAX_ROW_PT else []
            if len(pieces) > 1:
                self.last_rows = []
                for n, (piece, piece_h) in enumerate(pieces):
                    edges = "ltr" if n == 0 else "lrb" if n == len(pieces) - 1 else "lr"
                    self.keep(piece_h)
                    r = self.next_row(piece_h)
                    self.text(piece, first, last, dataclasses.replace(style, edges=edges), row=r)
                    self.last_rows.append(r)
                return self.last_rows[0]
            row = self.next_row(height)
        self.last_rows = [row]
        self.cells(row, first, last, style)
        put(self.ws, row, first, text)
        if last > first:
            merge_range(self.ws, row, first, row, last)
        return row

    def pieces(
        self, text: str, first: int, last: int, size: float = BODY
    ) -> list[tuple[str, float]]:
        """`text` cut at line ends into pieces no taller than MAX_ROW_PT, with their heights."""
        lines = wrap(text, self.span(first, last), size)
        per = max(1, int((MAX_ROW_PT - 4) // (size * self.metrics.line)))
        out = []
        for start in range(0, len(lines), per):
            piece = "".join(lines[start : start + per]).rstrip("\n")
            out.append((piece, len(lines[start : start + per]) * size * self.metrics.line + 4))
        return out

    def cells(self, row: int, first: int, last: int, style: Style) -> None:
        """Give cells a style. openpyxl hashes every style object it is given, which was
        most of the time spent writing the report: each `Style` is built once per
        workbook and its style array copied to the next cells."""
        cache: dict[Style, StyleArray] = self.ws.parent.__dict__.setdefault("_sorachi", {})
        for c in range(first, last + 1):
            cell = self.ws.cell(row=row, column=c)
            if style in cache:
                cell._style = copy.copy(cache[style])
                continue
            apply_style(cell, style)
            cache[style] = copy.copy(cell._style)

    def figure(self, row: int, col: int, figure: Figure, style: Style) -> None:
        """A figure as a number with its unit in the number format, or as text (集計中, —)."""
        if figure.value is None:
            style = dataclasses.replace(style, align="center")
            self.cells(row, col, col, style)
            put(self.ws, row, col, figure.text or None)
        else:
            self.cells(row, col, col, style)
            fmt = unit_format(figure.decimals, figure.unit, figure.suffix)
            put(self.ws, row, col, figure.value, fmt)
        self.widen(col, figure_width(figure, style.size, style.indent))

    def widen(self, col: int, width: float) -> None:
        from openpyxl.utils import get_column_letter

        if width > self.widths[col - 1]:
            self.widths[col - 1] = width
            self.ws.column_dimensions[get_column_letter(col)].width = round(width, 1)

    def finish(self) -> None:
        """Print setup: A4, one page wide; one page high when the content comes close."""
        from openpyxl.worksheet.pagebreak import Break, RowBreak
        from openpyxl.worksheet.properties import PageSetupProperties

        ws = self.ws
        ws.page_setup.orientation = "landscape" if self.landscape else "portrait"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_setup.fitToWidth = 1
        one_page = self.total <= self.budget * ONE_PAGE_UP_TO
        ws.page_setup.fitToHeight = 1 if one_page else 0
        if not one_page:
            ws.row_breaks = RowBreak()
            for row in self.breaks:
                ws.row_breaks.append(Break(id=row))
        margins = ws.page_margins
        margins.left = margins.right = MARGIN_SIDE
        margins.top = margins.bottom = MARGIN_END
        margins.header = margins.footer = MARGIN_HEADER
        ws.print_options.horizontalCentered = True
        from openpyxl.utils import get_column_letter

        ws.print_area = f"A1:{get_column_letter(self.ncols)}{max(self.row, 1)}"
        ws.sheet_view.showGridLines = False


def merge_range(ws: Worksheet, top: int, left: int, bottom: int, right: int) -> None:
    """Merge a range whose cells are styled already (borders included).

    Worksheet.merge_cells would restyle the range's edges and replace its cells,
    hashing style objects anew for each: a third of the time spent on the report.
    """
    from openpyxl.worksheet.cell_range import CellRange
    from openpyxl.worksheet.merge import MergedCellRange

    area = CellRange(min_col=left, min_row=top, max_col=right, max_row=bottom)
    ws.merged_cells.add(MergedCellRange(ws, area.coord))


_SIDES = {"l": "left", "r": "right", "t": "top", "b": "bottom"}


def apply_style(cell, style: Style) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    cell.font = Font(name=FONT_NAME, size=style.size, bold=style.bold, color=style.color)
    cell.alignment = Alignment(
        horizontal=style.align, vertical=style.valign, wrap_text=True, indent=style.indent
    )
    if style.box:
        thin = Side(style="thin", color=LINE)
        sides = {name: thin for key, name in _SIDES.items() if key in style.edges}
        cell.border = Border(**sides)
    if style.fill:
        cell.fill = PatternFill("solid", fgColor=style.fill)


# The running header's sizes (pt), largest first: a long title and bureau name share the
# line at a smaller size rather than print over each other.
HEADER_SIZES = (8, 7, 6)
HEADER_GAP_PX = 24
PAGE_NUMBER_PX = 60  # room the footer's "- 12 -" takes in the middle


def header_footer(ws: Worksheet, report: Report, page_px: float = PORTRAIT[0]) -> None:
    """The report's title (left) and year and bureau (right) over every page, the page
    number under it. Where the two do not fit side by side even small, the year and
    bureau go to the footer's left, beside the page number."""

    def escaped(text: str) -> str:  # "&" starts a code in a header
        return text.replace("&", "&&")

    def px(text: str, size: float) -> float:  # half-em units -> px at 96 dpi
        return text_units(text) * size / 2 * 96 / 72

    left, right = report.title, f"{report.year_text}　{report.bureau}".strip()
    ws.oddFooter.center.text = "- &P -"
    ws.oddFooter.center.size = 9
    for size in HEADER_SIZES:
        if px(left, size) + px(right, size) + HEADER_GAP_PX <= page_px:
            ws.oddHeader.left.text, ws.oddHeader.left.size = escaped(left), size
            ws.oddHeader.right.text, ws.oddHeader.right.size = escaped(right), size
            return
    ws.oddHeader.left.text = escaped(left)
    ws.oddHeader.left.size = _size_to_fit(px(left, 1), page_px)
    ws.oddFooter.left.text = escaped(right)
    ws.oddFooter.left.size = _size_to_fit(px(right, 1), page_px / 2 - PAGE_NUMBER_PX / 2)


def _size_to_fit(px_per_pt: float, room: float) -> int:
    """The largest header size (8 down to 5 pt) at which a text that is `px_per_pt` px
    wide per point fits `room` px."""
    return next((s for s in (8, 7, 6) if px_per_pt * s <= room), 5)


# --- saving -------------------------------------------------------------------------------


def save_workbook(wb: Workbook, path: Path) -> Path:
    """Save the report's workbook to `path` (see `write_file`)."""
    return write_file(path, wb.save)


def write_file(path: Path, write: Callable[[BinaryIO], object]) -> Path:
    """Write a file of the report through a temporary file, so a failure never leaves
    half a file; `write` is given the open file.

    Raises UsageError when the file is open in Excel or the folder cannot be written.
    """
    path = Path(path)
    for lock in _locks(path):
        if lock.exists():
            raise UsageError("publish_file_open", name=path.name)
    try:
        write_whole(path, write)
    except PermissionError:
        raise UsageError("publish_file_open", name=path.name) from None
    except OSError as exc:
        raise UsageError("publish_cannot_write", path=path, detail=os_error_reason(exc)) from None
    return path


def _locks(path: Path) -> Iterable[Path]:
    yield path.with_name("~$" + path.name)
    yield path.with_name(f".~lock.{path.name}#")
