"""The published report as a print-ready workbook: one sheet per printed page.

`report_to_workbook(report, photos)` renders a `Report` (kpi/report_model.py)
into a new openpyxl workbook, in the order of the bureau's report: 表紙, one
sheet per project, 評価指標一覧, 分析・対応方向, and the businesses over as many
sheets as they need. Every sheet is A4, one page wide, with the report's title
and the page number in its header and footer; rows are laid out by
book/page_layout.py. The same report, rendered again with LibreOffice's
metrics, is what the PDF is printed from.
"""

from __future__ import annotations

import dataclasses
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sorachi_etl.book.page_layout import (
    BODY,
    COVER_TITLE,
    EXCEL,
    HEADING_FILL,
    LANDSCAPE,
    MAX_ROW_PT,
    PAGE_TITLE,
    SECTION,
    SMALL,
    TABLE_FILL,
    Metrics,
    Page,
    Style,
    column_px,
    measure,
    merge_range,
)
from sorachi_etl.book.photos import PhotoData, fit
from sorachi_etl.book.xlsx import FONT_NAME, put
from sorachi_etl.kpi.formats import column_headers
from sorachi_etl.kpi.report_initiatives import PLANNED_BULLET, InitiativeBlock, Part
from sorachi_etl.kpi.report_model import (
    ANALYSIS_HEADING,
    AREA_LABEL,
    BUSINESS_COLUMNS,
    KPI_LIST_HEADING,
    NO_INITIATIVES,
    PAST_HEADING,
    PROJECT_KPI_COLUMNS,
    PURPOSE_LABEL,
    BusinessRow,
    KpiLine,
    ProjectPage,
    Report,
    project_mark,
)

if TYPE_CHECKING:
    from openpyxl import Workbook

PHOTO_BOX_H = 118  # px: the tallest a photo is shown beside an initiative
HEADING = 10.5  # pt: an initiative's ■ line
SECTION_H = 20.0  # pt: a section's heading row
BLOCK_GAP = 6.0  # pt: between initiatives
SHEET_COVER = "表紙"
SHEET_PROJECT = "プロジェクト{no}"
SHEET_KPI_LIST = "評価指標一覧"
SHEET_ANALYSIS = "分析・対応方向"
SHEET_BUSINESSES = "主な取組{mark}"
# Portrait pages: text and photos side by side, and the project's KPI table.
PROJECT_WIDTHS = [28.0, 14.0, 14.0, 16.0, 10.0]
TEXT_LAST = 3  # initiative text in A:C, its photo in D:E
PHOTO_FIRST = 4
SECTION_STYLE = Style(size=SECTION, bold=True, fill=HEADING_FILL, valign="center")
HEADER_STYLE = Style(
    size=SMALL, bold=True, align="center", valign="center", fill=TABLE_FILL, box=True
)


def report_to_workbook(
    report: Report, photos: dict[str, PhotoData], metrics: Metrics = EXCEL
) -> Workbook:
    """The report as a new workbook, one sheet per printed page, its rows as tall as
    `metrics` (EXCEL for the workbook a clerk opens, LIBREOFFICE for the PDF) needs."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils.indexed_list import IndexedList

    wb = Workbook()
    wb.remove(wb.active)
    # the standard font, which sets the unit of column width: 游ゴシック 11, as in Japanese Excel
    standard = Font(name=FONT_NAME, size=11, family=3, charset=128)
    wb._fonts = IndexedList([standard])
    wb._named_styles["Normal"].font = standard
    wb.properties.title = report.title
    wb.properties.creator = report.bureau
    wb.properties.language = "ja-JP"
    _cover(wb, report, metrics)
    for page in report.projects:
        _project(wb, report, page, photos, metrics)
    _kpi_list(wb, report, metrics)
    _analysis(wb, report, metrics)
    _businesses(wb, report, metrics)
    return wb


def _cover(wb: Workbook, report: Report, metrics: Metrics) -> None:
    page = Page(wb, SHEET_COVER, PROJECT_WIDTHS, report, metrics, landscape=False, header=False)
    page.gap(150)
    title = Style(size=COVER_TITLE, bold=True, align="center", valign="center")
    page.text(report.title, style=title, height=page.measure(report.title, size=COVER_TITLE) + 10)
    page.gap(60)
    for project in report.projects:
        line = f"{project.no}　{project.name}"
        page.text(
            line, 1, page.ncols, Style(size=13, indent=2), height=page.measure(line, size=13) + 8
        )
    page.gap(90)
    year = Style(size=16, align="center")
    page.text(report.year_text, style=year, height=30)
    if report.bureau:
        page.text(report.bureau, style=year, height=30)
    page.finish()


def _project(
    wb: Workbook,
    report: Report,
    project: ProjectPage,
    photos: dict[str, PhotoData],
    metrics: Metrics,
) -> None:
    name = SHEET_PROJECT.format(no=project.no)
    page = Page(wb, name, PROJECT_WIDTHS, report, metrics, landscape=False)
    title = Style(size=PAGE_TITLE, bold=True, valign="center", color="1F3864")
    page.text(project.name, style=title, height=page.measure(project.name, size=PAGE_TITLE) + 6)
    area = f"{AREA_LABEL}{project.area}"
    page.text(area, style=Style(bold=True))
    page.gap(4)
    # a heading never ends a printed page: it goes with (the start of) what it heads
    purpose_h = page.measure(project.purpose)
    page.keep(SECTION_H + min(purpose_h, page.budget / 2))
    page.text(PURPOSE_LABEL, style=SECTION_STYLE, height=SECTION_H)
    page.text(project.purpose, style=Style(box=True, indent=1), height=purpose_h)
    page.gap()
    blocks = [_block_rows(page, block, photos) for block in project.past]
    first = blocks[0].total if blocks else page.measure(NO_INITIATIVES)
    page.keep(SECTION_H + min(first, page.budget / 2))
    page.text(PAST_HEADING, style=SECTION_STYLE, height=SECTION_H)
    if not blocks:
        page.text(NO_INITIATIVES, style=Style(indent=1))
    for rows in blocks:
        _initiative(page, rows)
    page.gap()
    _project_kpis(page, project.kpis)
    page.gap()
    items = [f"{PLANNED_BULLET}{item.line}" for item in project.planned] or [NO_INITIATIVES]
    heights = [page.measure(text) for text in items]
    page.keep(SECTION_H + heights[0])
    page.text(project.planned_heading, style=SECTION_STYLE, height=SECTION_H)
    for text, height in zip(items, heights, strict=True):
        page.text(text, style=Style(indent=1), height=height)
    page.finish()


@dataclass
class _PartRows:
    part: Part
    photo: PhotoData | None
    lines: list[str]
    heights: list[float]
    size: tuple[int, int] = (0, 0)  # the photo as shown, px
    caption_h: float = 0.0


def _part_rows(page: Page, part: Part, photos: dict[str, PhotoData]) -> _PartRows:
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


@dataclass
class _BlockRows:
    """An initiative's rows, measured before they are written (to keep them on one page)."""

    heading: str
    heading_h: float
    subtitles: list[float]
    parts: list[_PartRows]

    @property
    def total(self) -> float:
        rows = sum(sum(p.heights) + p.caption_h for p in self.parts)
        return self.heading_h + sum(self.subtitles) + rows + BLOCK_GAP


def _block_rows(page: Page, block: InitiativeBlock, photos: dict[str, PhotoData]) -> _BlockRows:
    parts = [_part_rows(page, part, photos) for part in block.parts]
    heading = f"■ {block.heading}"
    subtitles = [page.measure(f"○ {p.part.subtitle}") if p.part.subtitle else 0 for p in parts]
    return _BlockRows(heading, page.measure(heading, size=HEADING), subtitles, parts)


def _initiative(page: Page, block: _BlockRows) -> None:
    page.keep(min(block.total, page.budget))
    page.text(block.heading, style=Style(bold=True, size=HEADING), height=block.heading_h)
    for rows, sub_h in zip(block.parts, block.subtitles, strict=True):
        if rows.part.subtitle:
            page.text(f"○ {rows.part.subtitle}", style=Style(bold=True, indent=1), height=sub_h)
        last = TEXT_LAST if rows.photo is not None else page.ncols
        written: list[int] = []
        for line, h in zip(rows.lines, rows.heights, strict=False):
            page.text(line, 1, last, Style(indent=1), height=h)
            written += page.last_rows
        if rows.photo is not None:
            if not written:  # a photo without details: a row of its own
                written.append(page.next_row(rows.heights[0]))
            _place_photo(page, rows, written)
    page.gap(BLOCK_GAP)


def _place_photo(page: Page, rows: _PartRows, written: list[int]) -> None:
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
    while col + 1 < page.ncols and left >= column_px(page.widths[col], page.metrics):
        left -= column_px(page.widths[col], page.metrics)
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
    style = Style(size=SMALL, align="center")
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


def _project_kpis(page: Page, lines: list[KpiLine]) -> None:
    header_h = max(page.measure(t, c, c, SMALL) for c, t in enumerate(PROJECT_KPI_COLUMNS, 1))
    heights = [page.measure(line.label, 1, 1) + 4 for line in lines]
    page.keep(header_h + sum(heights))
    r = page.next_row(header_h)
    for c, text in enumerate(PROJECT_KPI_COLUMNS, start=1):
        page.text(text, c, c, HEADER_STYLE, row=r)
    cell = Style(box=True, valign="center")
    figure = Style(box=True, valign="center", align="right", indent=1)
    for line, height in zip(lines, heights, strict=True):
        r = page.next_row(height)
        page.text(line.label, 1, 1, cell, row=r)
        for c, value in enumerate((line.base, line.actual, line.target, line.rate), start=2):
            page.figure(r, c, value, figure)


def _kpi_list(wb: Workbook, report: Report, metrics: Metrics) -> None:
    from openpyxl.styles import Font

    years = report.year_columns
    widths = [17.0, 24.0, 13.0, *([10.0] * len(years)), 13.0, 7.0]
    page = Page(wb, SHEET_KPI_LIST, widths, report, metrics, landscape=True)
    page.text(KPI_LIST_HEADING, style=Style(size=14, bold=True, valign="center"), height=26)
    headers = column_headers(years, wrapped=True)
    r = page.next_row(max(page.measure(t, c, c, SMALL) for c, t in enumerate(headers, 1)))
    for c, text in enumerate(headers, start=1):
        page.text(text, c, c, HEADER_STYLE, row=r)
    page.ws.print_title_rows = f"{r}:{r}"
    cell = Style(box=True, valign="center")
    figure = Style(box=True, valign="center", align="right", indent=1)
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
            merge_range(page.ws, rows[0], 1, rows[-1], 1)
        need = page.measure(name, 1, 1) + 4
        have = sum(page.ws.row_dimensions[row].height or 0 for row in rows)
        if need > have:
            page.grow(rows[-1], need - have)
    page.ws.cell(row=1, column=1).font = Font(name=FONT_NAME, size=14, bold=True)
    page.finish()


def _analysis(wb: Workbook, report: Report, metrics: Metrics) -> None:
    page = Page(wb, SHEET_ANALYSIS, [31.0] * 4, report, metrics, landscape=True)
    page.text(KPI_LIST_HEADING, style=Style(size=14, bold=True, valign="center"), height=26)
    page.gap(6)
    page.text(ANALYSIS_HEADING, style=SECTION_STYLE, height=22)
    page.gap(4)
    for line in report.analysis:
        text = f"・ {line}"
        page.keep(page.measure(text, size=10.5) + 4)
        page.text(text, style=Style(size=10.5, indent=1), height=page.measure(text, size=10.5) + 4)
    page.finish()


# Businesses: 事業名 | 概要 (over two columns) | 主な関連プロジェクト; the legend in two halves.
BUSINESS_WIDTHS = [28.0, 39.0, 39.0, 13.0]


def _businesses(wb: Workbook, report: Report, metrics: Metrics) -> None:
    """The bureau's businesses over as many landscape pages as they need (①, ② … when
    more than one), each page with the heading, the table's header and the legend."""
    heights, heading_h, legend, legend_h = _business_heights(report, metrics)
    # the heading, the table's header, the gaps and the legend: on every page
    fixed = heading_h + 6 + 30 + 10 + 16 + sum(legend_h)
    page_width = sum(column_px(w, metrics) for w in BUSINESS_WIDTHS)
    room = LANDSCAPE[1] * max(1.0, page_width / LANDSCAPE[0]) - fixed
    chunks = _split(heights, room)
    for n, chunk in enumerate(chunks):
        # pages past the first numbered as projects are: ①, ② … (21), (22)
        mark = project_mark(n + 1) if len(chunks) > 1 else ""
        name = SHEET_BUSINESSES.format(mark=mark)
        page = Page(wb, name, BUSINESS_WIDTHS, report, metrics, landscape=True)
        page.text(f"{report.business_heading}{mark}", style=SECTION_STYLE, height=heading_h)
        page.gap(6)
        r = page.next_row(30)
        page.text(BUSINESS_COLUMNS[0], 1, 1, HEADER_STYLE, row=r)
        page.text(BUSINESS_COLUMNS[1], 2, 3, HEADER_STYLE, row=r)
        page.text(BUSINESS_COLUMNS[2], 4, 4, HEADER_STYLE, row=r)
        page.ws.print_title_rows = f"{r}:{r}"
        for i in chunk:
            _business(page, report.businesses[i], heights[i])
        page.gap(10)
        page.text(report.legend_title, style=Style(size=SMALL, bold=True), height=16)
        for (left, right), height in zip(legend, legend_h, strict=True):
            r = page.next_row(height)
            page.text(left, 1, 2, Style(size=SMALL), row=r)
            page.text(right, 3, 4, Style(size=SMALL), row=r)
        page.finish()


def _business_heights(
    report: Report, metrics: Metrics
) -> tuple[list[float], float, list[tuple[str, str]], list[float]]:
    """The height of each business's row, of the heading, and the legend's rows with theirs."""
    widths, m = BUSINESS_WIDTHS, metrics
    heights = [
        max(measure(widths, b.name, 1, 1, BODY, m), measure(widths, b.summary, 2, 3, BODY, m)) + 4
        for b in report.businesses
    ]
    legend = _legend_rows(report)
    legend_h = [
        max(measure(widths, a, 1, 2, SMALL, m), measure(widths, b, 3, 4, SMALL, m))
        for a, b in legend
    ]
    heading_h = measure(widths, report.business_heading + "⑳", 1, 4, SECTION, m) + 8
    return heights, heading_h, legend, legend_h


def _business(page: Page, business: BusinessRow, height: float) -> None:
    """A business's row: its summary over several rows when too tall for one, its name
    and project marks merged beside."""
    cell = Style(box=True, valign="center")
    marks = Style(box=True, valign="center", align="center")
    pieces = [(business.summary, height)]
    if height > MAX_ROW_PT:  # over several rows, name and marks merged beside
        pieces = page.pieces(business.summary, 2, 3)
    rows = [page.next_row(h) for _, h in pieces]
    # over several rows (and pages), every part starts at the top
    tall = {"valign": "top"} if len(rows) > 1 else {}
    for n, ((piece, _), r) in enumerate(zip(pieces, rows, strict=True)):
        edges = "ltrb" if len(rows) == 1 else "ltr" if n == 0 else "lr"
        edges = "lrb" if len(rows) > 1 and n == len(rows) - 1 else edges
        page.text(piece, 2, 3, dataclasses.replace(cell, edges=edges, **tall), row=r)
    for col, text, style in (
        (1, business.name, dataclasses.replace(cell, **tall)),
        (4, business.marks, dataclasses.replace(marks, **tall)),
    ):
        for r in rows:
            page.cells(r, col, col, style)
        put(page.ws, rows[0], col, text)
        if len(rows) > 1:
            merge_range(page.ws, rows[0], col, rows[-1], col)


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
