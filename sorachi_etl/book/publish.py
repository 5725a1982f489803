"""The published report as a print-ready workbook: one sheet per printed page.

`report_to_workbook(report, photos)` renders a `Report` (kpi/report_model.py)
into a new openpyxl workbook, in the order of the bureau's report: 表紙, one
sheet per project, 評価指標一覧, 分析・対応方向, and the businesses over as many
sheets as they need. Every sheet is A4, one page wide, with the report's title
and the page number in its header and footer; rows are laid out by
book/page_layout.py, and each project's page by book/publish_project.py. The same report, rendered again with LibreOffice's
metrics, is what the PDF is printed from.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from sorachi_etl.book.page_layout import (
    HEADER_STYLE,
    LANDSCAPE,
    MAX_ROW_PT,
    SECTION_STYLE,
    Page,
    Style,
    merge_range,
)
from sorachi_etl.book.photos import PhotoData
from sorachi_etl.book.publish_project import PROJECT_WIDTHS, project_page
from sorachi_etl.book.text_fit import (
    BODY,
    COVER_TITLE,
    EXCEL,
    SECTION,
    SMALL,
    Metrics,
    column_px,
    measure,
)
from sorachi_etl.book.xlsx import FONT_NAME, put
from sorachi_etl.kpi.formats import column_headers
from sorachi_etl.kpi.report_model import (
    ANALYSIS_HEADING,
    BUSINESS_COLUMNS,
    KPI_LIST_HEADING,
    BusinessRow,
    Report,
    project_mark,
)

if TYPE_CHECKING:
    from openpyxl import Workbook

SHEET_COVER = "表紙"
SHEET_KPI_LIST = "評価指標一覧"
SHEET_ANALYSIS = "分析・対応方向"
SHEET_BUSINESSES = "主な取組{mark}"


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
        project_page(wb, report, page, photos, metrics)
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
    if report.bureau:  # a long name from 設定 goes over lines: all of them shown
        page.text(report.bureau, style=year, height=max(30, page.measure(report.bureau, size=16)))
    page.finish()


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
