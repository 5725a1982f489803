"""The published report as a print-ready workbook: one sheet per printed page.

`report_to_workbook(report, photos)` renders a `Report` (kpi/report_model.py)
into a new openpyxl workbook, in the order of the bureau's report: 表紙, one
sheet per project, 評価指標一覧, 分析・対応方向, and the businesses over as many
sheets as they need. Every sheet is A4, one page wide, with the report's title
and the page number in its header and footer.

Spreadsheets do not fit row heights to wrapped text in merged cells, so every
row's height is estimated here from its text and the width it wraps in
(a full-width character counts two units, a half-width one), a little
generously: no text is cut. A sheet whose content comes close to one page is
set to print on exactly one page; a longer one breaks between blocks.
"""

from __future__ import annotations

import copy
import dataclasses
import io
import math
import os
import tempfile
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from sorachi_etl.book.photos import PhotoData, fit
from sorachi_etl.errors import UsageError, message
from sorachi_etl.kpi.report_model import (
    ANALYSIS_HEADING,
    AREA_LABEL,
    BUSINESS_COLUMNS,
    KPI_LIST_HEADING,
    NO_INITIATIVES,
    PAST_HEADING,
    PLANNED_BULLET,
    PROJECT_KPI_COLUMNS,
    PURPOSE_LABEL,
    Figure,
    InitiativeBlock,
    KpiLine,
    Part,
    ProjectPage,
    Report,
)
from sorachi_etl.sheets import unit_format
from sorachi_etl.write import FONT_NAME, put

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.styles.cell_style import StyleArray
    from openpyxl.worksheet.worksheet import Worksheet

# Text sizes (pt)
BODY, SMALL, SECTION, PAGE_TITLE, COVER_TITLE = 10, 9, 12, 15, 22
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
PHOTO_BOX_H = 118  # px: the tallest a photo is shown beside an initiative
SHEET_COVER = "表紙"
SHEET_PROJECT = "プロジェクト{no}"
SHEET_KPI_LIST = "評価指標一覧"
SHEET_ANALYSIS = "分析・対応方向"
SHEET_BUSINESSES = "主な取組{mark}"
PAGE_MARKS = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


# --- measuring text ---------------------------------------------------------------------


def text_units(text: str) -> int:
    """Width of a line in half-width units: a full-width character counts two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "FWA" else 1 for ch in text)


def column_px(width: float) -> int:
    """Pixels of a column `width` characters wide (Excel's rule for the default font)."""
    return int(width * 7 + 5)


def text_lines(text: str, px: float, size: float) -> int:
    """Lines `text` wraps into in a cell `px` wide at `size` pt (a little generously)."""
    unit = size * 2 / 3 * 1.04  # px of a half-width unit, with room for wider glyphs
    per_line = max(2.0, (px - 10) / unit)
    return sum(max(1, math.ceil(text_units(part) / per_line)) for part in text.split("\n"))


def text_height(text: str, px: float, size: float) -> float:
    """Row height (pt) that shows all of `text` wrapped in `px`."""
    return text_lines(text, px, size) * size * 1.5 + 5


def measure(widths: list[float], text: str, first: int, last: int, size: float = BODY) -> float:
    """Row height (pt) for `text` across columns first..last of a sheet of `widths`."""
    return text_height(text, sum(column_px(w) for w in widths[first - 1 : last]), size)


def figure_width(figure: Figure, size: float = BODY, indent: int = 0) -> float:
    """Column width (characters) a figure needs on one line, so it never prints as #####."""
    return (text_units(figure.text) * size * 2 / 3 * 1.05 + 12 + indent * 9) / 7


# --- one printed page -------------------------------------------------------------------


@dataclass(frozen=True)
class _Style:
    size: float = BODY
    bold: bool = False
    align: str = "left"
    valign: str = "top"
    fill: str | None = None
    box: bool = False
    indent: int = 0
    color: str | None = None


class _Page:
    """Rows written one under another on a sheet that prints as one page (or more, down)."""

    def __init__(
        self,
        wb: Workbook,
        name: str,
        widths: list[float],
        report: Report,
        *,
        landscape: bool,
        header: bool = True,
    ) -> None:
        from openpyxl.utils import get_column_letter

        self.ws: Worksheet = wb.create_sheet(name)
        self.widths = list(widths)
        self.landscape = landscape
        self.budget = (LANDSCAPE if landscape else PORTRAIT)[1]
        self.row = 0
        self.used = 0.0  # height since the last page break
        self.total = 0.0
        self.breaks: list[int] = []
        for c, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(c)].width = width
        if header:
            _header_footer(self.ws, report)

    @property
    def ncols(self) -> int:
        return len(self.widths)

    def span(self, first: int, last: int) -> float:
        return sum(column_px(w) for w in self.widths[first - 1 : last])

    def measure(
        self, text: str, first: int = 1, last: int | None = None, size: float = BODY
    ) -> float:
        return measure(self.widths, text, first, last or self.ncols, size)

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
        style: _Style = _Style(),
        *,
        height: float | None = None,
        row: int | None = None,
    ) -> int:
        """Write `text` across columns first..last of a new row (or of `row`)."""
        last = last or self.ncols
        if row is None:
            row = self.next_row(height or self.measure(text, first, last, style.size))
        self.cells(row, first, last, style)
        put(self.ws, row, first, text)
        if last > first:
            _merge(self.ws, row, first, row, last)
        return row

    def cells(self, row: int, first: int, last: int, style: _Style) -> None:
        """Give cells a style. openpyxl hashes every style object it is given, which was
        most of the time spent writing the report: each `_Style` is built once per
        workbook and its style array copied to the next cells."""
        cache: dict[_Style, StyleArray] = self.ws.parent.__dict__.setdefault("_sorachi", {})
        for c in range(first, last + 1):
            cell = self.ws.cell(row=row, column=c)
            if style in cache:
                cell._style = copy.copy(cache[style])
                continue
            _apply(cell, style)
            cache[style] = copy.copy(cell._style)

    def figure(self, row: int, col: int, figure: Figure, style: _Style) -> None:
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


def _merge(ws: Worksheet, top: int, left: int, bottom: int, right: int) -> None:
    """Merge a range whose cells are styled already (borders included).

    Worksheet.merge_cells would restyle the range's edges and replace its cells,
    hashing style objects anew for each: a third of the time spent on the report.
    """
    from openpyxl.worksheet.cell_range import CellRange
    from openpyxl.worksheet.merge import MergedCellRange

    area = CellRange(min_col=left, min_row=top, max_col=right, max_row=bottom)
    ws.merged_cells.add(MergedCellRange(ws, area.coord))


def _apply(cell, style: _Style) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    cell.font = Font(name=FONT_NAME, size=style.size, bold=style.bold, color=style.color)
    cell.alignment = Alignment(
        horizontal=style.align, vertical=style.valign, wrap_text=True, indent=style.indent
    )
    if style.box:
        thin = Side(style="thin", color=LINE)
        cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
    if style.fill:
        cell.fill = PatternFill("solid", fgColor=style.fill)


def _header_footer(ws: Worksheet, report: Report) -> None:
    def escaped(text: str) -> str:  # "&" starts a code in a header
        return text.replace("&", "&&")

    ws.oddHeader.left.text = escaped(report.title)
    ws.oddHeader.left.size = 8
    ws.oddHeader.right.text = escaped(f"{report.year_text}　{report.bureau}".strip())
    ws.oddHeader.right.size = 8
    ws.oddFooter.center.text = "- &P -"
    ws.oddFooter.center.size = 9


# --- the pages ----------------------------------------------------------------------------

# Portrait pages: text and photos side by side, and the project's KPI table.
PROJECT_WIDTHS = [30.0, 16.0, 16.0, 17.0, 10.0]
TEXT_LAST = 3  # initiative text in A:C, its photo in D:E
PHOTO_FIRST = 4
SECTION_STYLE = _Style(size=SECTION, bold=True, fill=HEADING_FILL, valign="center")
HEADER_STYLE = _Style(
    size=SMALL, bold=True, align="center", valign="center", fill=TABLE_FILL, box=True
)


def report_to_workbook(report: Report, photos: dict[str, PhotoData]) -> Workbook:
    """The report as a new workbook, one sheet per printed page."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.title = report.title
    wb.properties.creator = report.bureau
    wb.properties.language = "ja-JP"
    _cover(wb, report)
    for page in report.projects:
        _project(wb, report, page, photos)
    _kpi_list(wb, report)
    _analysis(wb, report)
    _businesses(wb, report)
    return wb


def _cover(wb: Workbook, report: Report) -> None:
    page = _Page(wb, SHEET_COVER, PROJECT_WIDTHS, report, landscape=False, header=False)
    page.gap(150)
    title = _Style(size=COVER_TITLE, bold=True, align="center", valign="center")
    page.text(report.title, style=title, height=page.measure(report.title, size=COVER_TITLE) + 10)
    page.gap(60)
    for project in report.projects:
        line = f"{project.no}　{project.name}"
        page.text(
            line, 1, page.ncols, _Style(size=13, indent=2), height=page.measure(line, size=13) + 8
        )
    page.gap(90)
    year = _Style(size=16, align="center")
    page.text(report.year_text, style=year, height=30)
    if report.bureau:
        page.text(report.bureau, style=year, height=30)
    page.finish()


def _project(wb: Workbook, report: Report, project: ProjectPage, photos: dict[str, PhotoData]):
    page = _Page(wb, SHEET_PROJECT.format(no=project.no), PROJECT_WIDTHS, report, landscape=False)
    title = _Style(size=PAGE_TITLE, bold=True, valign="center", color="1F3864")
    page.text(project.name, style=title, height=page.measure(project.name, size=PAGE_TITLE) + 6)
    area = f"{AREA_LABEL}{project.area}"
    page.text(area, style=_Style(bold=True))
    page.gap(4)
    page.text(PURPOSE_LABEL, style=SECTION_STYLE, height=20)
    page.text(project.purpose, style=_Style(box=True, indent=1))
    page.gap()
    page.text(PAST_HEADING, style=SECTION_STYLE, height=20)
    if not project.past:
        page.text(NO_INITIATIVES, style=_Style(indent=1))
    for block in project.past:
        _initiative(page, block, photos)
    page.gap()
    _project_kpis(page, project.kpis)
    page.gap()
    page.keep(20 + 18 * max(1, len(project.planned)))
    page.text(project.planned_heading, style=SECTION_STYLE, height=20)
    if not project.planned:
        page.text(NO_INITIATIVES, style=_Style(indent=1))
    for item in project.planned:
        page.text(f"{PLANNED_BULLET}{item.line}", style=_Style(indent=1))
    page.finish()


@dataclass
class _PartRows:
    part: Part
    photo: PhotoData | None
    lines: list[str]
    heights: list[float]
    size: tuple[int, int] = (0, 0)  # the photo as shown, px
    caption_h: float = 0.0


def _part_rows(page: _Page, part: Part, photos: dict[str, PhotoData]) -> _PartRows:
    photo = photos.get(part.photo.path) if part.photo is not None else None
    last = TEXT_LAST if photo is not None else page.ncols
    lines = [d.line for d in part.details]
    rows = _PartRows(part, photo, lines, [page.measure(t, 1, last) for t in lines])
    if photo is not None:
        box_w = page.span(PHOTO_FIRST, page.ncols) - 12
        rows.size = fit(photo.width, photo.height, box_w, PHOTO_BOX_H)
        caption = part.photo.caption_line
        rows.caption_h = page.measure(caption, PHOTO_FIRST, size=SMALL) if caption else 0.0
        # the rows beside the photo are at least as tall as the photo
        photo_h = (rows.size[1] + 8) * 0.75
        if not rows.heights:
            rows.heights.append(photo_h)
        shortfall = photo_h - sum(rows.heights)
        if shortfall > 0:
            rows.heights[-1] += shortfall
    return rows


def _initiative(page: _Page, block: InitiativeBlock, photos: dict[str, PhotoData]) -> None:
    parts = [_part_rows(page, part, photos) for part in block.parts]
    heading = f"■ {block.heading}"
    subtitles = [page.measure(f"○ {p.part.subtitle}") if p.part.subtitle else 0 for p in parts]
    total = page.measure(heading) + sum(subtitles) + sum(sum(p.heights) for p in parts) + 6
    page.keep(min(total, page.budget))
    page.text(heading, style=_Style(bold=True, size=10.5), height=page.measure(heading, size=10.5))
    for rows, sub_h in zip(parts, subtitles, strict=True):
        if rows.part.subtitle:
            page.text(f"○ {rows.part.subtitle}", style=_Style(bold=True, indent=1), height=sub_h)
        last = TEXT_LAST if rows.photo is not None else page.ncols
        written = [
            page.text(line, 1, last, _Style(indent=1), height=h)
            for line, h in zip(rows.lines, rows.heights, strict=False)
        ]
        if rows.photo is not None:
            if not written:  # a photo without details: a row of its own
                written.append(page.next_row(rows.heights[0]))
            _place_photo(page, rows, written)
    page.gap(6)


def _place_photo(page: _Page, rows: _PartRows, written: list[int]) -> None:
    """The photo beside its text, from the text's first row; its caption (▲…) under it."""
    from openpyxl.drawing.image import Image
    from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, OneCellAnchor
    from openpyxl.drawing.xdr import XDRPositiveSize2D
    from openpyxl.utils.units import pixels_to_EMU

    photo, part = rows.photo, rows.part
    w, h = rows.size
    image = Image(io.BytesIO(photo.data))
    image.width, image.height = w, h
    # centred in the columns beside the text, as its caption is
    left = max(4, (page.span(PHOTO_FIRST, page.ncols) - w) // 2)
    col = PHOTO_FIRST - 1
    while col + 1 < page.ncols and left >= column_px(page.widths[col]):
        left -= column_px(page.widths[col])
        col += 1
    marker = AnchorMarker(
        col=col, colOff=pixels_to_EMU(int(left)), row=written[0] - 1, rowOff=pixels_to_EMU(4)
    )
    image.anchor = OneCellAnchor(
        _from=marker, ext=XDRPositiveSize2D(pixels_to_EMU(w), pixels_to_EMU(h))
    )
    image.anchor.pic = _picture(len(page.ws._images) + 1, part.photo.caption or part.photo.title)
    page.ws.add_image(image)
    caption = part.photo.caption_line
    if not caption:
        return
    # the caption goes in the first row that starts below the photo's bottom edge
    photo_h, top, target = (h + 8) * 0.75, 0.0, None
    for row in written:
        if top >= photo_h:
            target = row
            break
        top += page.ws.row_dimensions[row].height or 0
    if target is None:
        target = page.next_row(rows.caption_h)
    elif (have := page.ws.row_dimensions[target].height or 0) < rows.caption_h:
        page.grow(target, rows.caption_h - have)
    style = _Style(size=SMALL, align="center")
    page.text(caption, PHOTO_FIRST, page.ncols, style, row=target)


def _picture(index: int, description: str):
    """The picture frame openpyxl would make, with a description (alt text) of our own."""
    from openpyxl.drawing.fill import Blip
    from openpyxl.drawing.geometry import PresetGeometry2D
    from openpyxl.drawing.picture import PictureFrame

    pic = PictureFrame()
    pic.nvPicPr.cNvPr.id = index
    pic.nvPicPr.cNvPr.name = f"写真 {index}"
    pic.nvPicPr.cNvPr.descr = description
    pic.blipFill.blip = Blip()
    pic.blipFill.blip.cstate = "print"
    pic.spPr.prstGeom = PresetGeometry2D(prst="rect")
    pic.spPr.ln = None
    return pic


def _project_kpis(page: _Page, lines: list[KpiLine]) -> None:
    header_h = max(page.measure(t, c, c, SMALL) for c, t in enumerate(PROJECT_KPI_COLUMNS, 1))
    heights = [page.measure(line.label, 1, 1) + 4 for line in lines]
    page.keep(header_h + sum(heights))
    r = page.next_row(header_h)
    for c, text in enumerate(PROJECT_KPI_COLUMNS, start=1):
        page.text(text, c, c, HEADER_STYLE, row=r)
    cell = _Style(box=True, valign="center")
    figure = _Style(box=True, valign="center", align="right", indent=1)
    for line, height in zip(lines, heights, strict=True):
        r = page.next_row(height)
        page.text(line.label, 1, 1, cell, row=r)
        for c, value in enumerate((line.base, line.actual, line.target, line.rate), start=2):
            page.figure(r, c, value, figure)


def _kpi_list(wb: Workbook, report: Report) -> None:
    from openpyxl.styles import Font

    years = report.year_columns
    widths = [20.0, 27.0, 15.0, *([11.0] * len(years)), 15.0, 8.0]
    page = _Page(wb, SHEET_KPI_LIST, widths, report, landscape=True)
    page.text(KPI_LIST_HEADING, style=_Style(size=14, bold=True, valign="center"), height=26)
    headers = [
        "プロジェクト名",
        "評価指標（KPI）",
        "基準値\n（基準年）",
        *years,
        "目標値\n（目標年）",
        "進捗率",
    ]
    r = page.next_row(max(page.measure(t, c, c, SMALL) for c, t in enumerate(headers, 1)))
    for c, text in enumerate(headers, start=1):
        page.text(text, c, c, HEADER_STYLE, row=r)
    page.ws.print_title_rows = f"{r}:{r}"
    cell = _Style(box=True, valign="center")
    figure = _Style(box=True, valign="center", align="right", indent=1)
    first_rows: dict[int, list[int]] = {}
    for line in report.kpi_lines:
        r = page.next_row(page.measure(line.label, 2, 2) + 8)
        first_rows.setdefault(line.project_no, []).append(r)
        page.text(line.label, 2, 2, cell, row=r)
        values = (line.base, *line.values, line.target, line.rate)
        for c, value in enumerate(values, start=3):
            page.figure(r, c, value, figure)
    for no, rows in first_rows.items():
        name = next(x.project_name for x in report.kpi_lines if x.project_no == no)
        page.cells(rows[0], 1, 1, cell)
        for row in rows:
            page.cells(row, 1, 1, cell)
        put(page.ws, rows[0], 1, name)
        if len(rows) > 1:
            _merge(page.ws, rows[0], 1, rows[-1], 1)
        need = page.measure(name, 1, 1) + 4
        have = sum(page.ws.row_dimensions[row].height or 0 for row in rows)
        if need > have:
            page.grow(rows[-1], need - have)
    page.ws.cell(row=1, column=1).font = Font(name=FONT_NAME, size=14, bold=True)
    page.finish()


def _analysis(wb: Workbook, report: Report) -> None:
    page = _Page(wb, SHEET_ANALYSIS, [35.0] * 4, report, landscape=True)
    page.text(KPI_LIST_HEADING, style=_Style(size=14, bold=True, valign="center"), height=26)
    page.gap(6)
    page.text(ANALYSIS_HEADING, style=SECTION_STYLE, height=22)
    page.gap(4)
    for line in report.analysis:
        text = f"・ {line}"
        page.keep(page.measure(text, size=10.5) + 4)
        page.text(text, style=_Style(size=10.5, indent=1), height=page.measure(text, size=10.5) + 4)
    page.finish()


# Businesses: 事業名 | 概要 (over two columns) | 主な関連プロジェクト; the legend in two halves.
BUSINESS_WIDTHS = [30.0, 42.0, 43.0, 14.0]


def _businesses(wb: Workbook, report: Report) -> None:
    widths = BUSINESS_WIDTHS
    heights = [
        max(measure(widths, b.name, 1, 1), measure(widths, b.summary, 2, 3)) + 4
        for b in report.businesses
    ]
    legend = _legend_rows(report)
    legend_h = [
        max(measure(widths, a, 1, 2, SMALL), measure(widths, b, 3, 4, SMALL)) for a, b in legend
    ]
    heading_h = measure(widths, report.business_heading + "⑳", 1, 4, SECTION) + 8
    # the heading, the table's header, the gaps and the legend: on every page
    fixed = heading_h + 6 + 30 + 10 + 16 + sum(legend_h)
    # a page may come out a little fuller than estimated: it is set to fit on one page
    chunks = _split(heights, LANDSCAPE[1] * 1.1 - fixed)
    for n, chunk in enumerate(chunks):
        mark = PAGE_MARKS[n] if len(chunks) > 1 and n < len(PAGE_MARKS) else ""
        mark = mark or (f"({n + 1})" if len(chunks) > 1 else "")
        name = SHEET_BUSINESSES.format(mark=mark or "")
        page = _Page(wb, name, BUSINESS_WIDTHS, report, landscape=True)
        page.text(f"{report.business_heading}{mark}", style=SECTION_STYLE, height=heading_h)
        page.gap(6)
        r = page.next_row(30)
        page.text(BUSINESS_COLUMNS[0], 1, 1, HEADER_STYLE, row=r)
        page.text(BUSINESS_COLUMNS[1], 2, 3, HEADER_STYLE, row=r)
        page.text(BUSINESS_COLUMNS[2], 4, 4, HEADER_STYLE, row=r)
        page.ws.print_title_rows = f"{r}:{r}"
        cell = _Style(box=True, valign="center")
        for i in chunk:
            business = report.businesses[i]
            r = page.next_row(heights[i])
            page.text(business.name, 1, 1, cell, row=r)
            page.text(business.summary, 2, 3, cell, row=r)
            page.text(
                business.marks, 4, 4, _Style(box=True, valign="center", align="center"), row=r
            )
        page.gap(10)
        page.text(report.legend_title, style=_Style(size=SMALL, bold=True), height=16)
        for (left, right), height in zip(legend, legend_h, strict=True):
            r = page.next_row(height)
            page.text(left, 1, 2, _Style(size=SMALL), row=r)
            page.text(right, 3, 4, _Style(size=SMALL), row=r)
        page.finish()


def _legend_rows(report: Report) -> list[tuple[str, str]]:
    items = [f"{mark} {name}" for mark, name in report.legend]
    return [(items[i], items[i + 1] if i + 1 < len(items) else "") for i in range(0, len(items), 2)]


def _split(heights: list[float], room: float) -> list[list[int]]:
    """Indexes of rows in pages: as many rows on a page as fit in `room` (one at least)."""
    chunks: list[list[int]] = [[]]
    used = 0.0
    for i, height in enumerate(heights):
        if chunks[-1] and used + height > room:
            chunks.append([])
            used = 0.0
        chunks[-1].append(i)
        used += height
    return chunks


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
            raise UsageError(message("publish_file_open", name=path.name))
    tmp = None
    try:
        fd, name = tempfile.mkstemp(prefix=".sorachi-", suffix=".tmp", dir=path.parent)
        tmp = Path(name)
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except PermissionError:
        raise UsageError(message("publish_file_open", name=path.name)) from None
    except OSError as exc:
        raise UsageError(
            message("publish_cannot_write", path=path, detail=exc.strerror or exc)
        ) from None
    finally:
        if tmp is not None and tmp.exists():
            tmp.unlink()
    return path


def _locks(path: Path) -> Iterable[Path]:
    yield path.with_name("~$" + path.name)
    yield path.with_name(f".~lock.{path.name}#")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
