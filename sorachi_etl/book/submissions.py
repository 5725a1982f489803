"""The output sheet 提出状況: one row per reporter with its state, regenerated every merge."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sorachi_etl.book.kpi_list import output_sheet_place
from sorachi_etl.book.xlsx import (
    DATETIME_FORMAT,
    FONT_NAME,
    fresh_sheet,
    print_a4,
    put,
    style_header,
)
from sorachi_etl.model.eras import format_fiscal_year_long
from sorachi_etl.model.names import SHEET_SUBMISSIONS

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from sorachi_etl.kpi.status import StatusReport

HEADERS = ["市町名", "状態", "取込日時", "ファイル", "集計中の項目", "未入力の項目", "内容"]
FIRST_ROW = 5  # the first reporter's row, under the header in row 4
STATE_FILLS = {"受付済": "E2EFDA", "一部受付": "FCE4D6", "要修正": "FFC7CE", "未提出": "FFEB9C"}


def write_submissions(wb: Workbook, status: StatusReport) -> Worksheet:
    """(Re)write 提出状況: one row per reporter with its state, file and pending items."""
    from openpyxl.utils import get_column_letter

    from sorachi_etl.book.rowxml import defer_rows

    ws = fresh_sheet(wb, SHEET_SUBMISSIONS, output_sheet_place(wb, SHEET_SUBMISSIONS))
    _write_heading(ws, status)
    # the rows as XML beside openpyxl (rowxml): styling ~12,000 cells through openpyxl
    # was most of the time spent writing the master
    rows, heights = _reporter_rows(status)
    defer_rows(ws, FIRST_ROW, rows, heights=heights)
    for c, width in enumerate([14, 22, 19, 30, 24, 20, 70], start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "B5"
    ws.auto_filter.ref = f"A4:{get_column_letter(len(HEADERS))}{4 + len(status.rows)}"
    print_a4(ws, title_rows="4:4")
    return ws


def _write_heading(ws: Worksheet, status: StatusReport) -> None:
    """The title, the line of counts (and the deadline), and the table's header in row 4."""
    from openpyxl.styles import Font

    put(ws, 1, 1, f"{format_fiscal_year_long(status.year)} 調査票の提出状況").font = Font(
        name=FONT_NAME, size=14, bold=True
    )
    summary = status.counts_line()
    if status.deadline:
        d = status.deadline
        summary += f"　（提出期限 {d.year}年{d.month}月{d.day}日）"
    put(ws, 2, 1, summary)
    for c, text in enumerate(HEADERS, start=1):
        put(ws, 4, c, text)
    style_header(ws, 4, len(HEADERS))


def _reporter_rows(status: StatusReport) -> tuple[list[list[tuple]], dict[int, float]]:
    """Each reporter's cells as (value, number format, style), and the heights of rows with a note."""
    from openpyxl.styles import Alignment, Border, PatternFill, Side

    from sorachi_etl.book.rowxml import Style

    # one style object of each kind, not one per row: openpyxl hashes each one it is given
    wrap_top = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top", horizontal="left")
    thin = Side(style="thin", color="BFBFBF")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    plain = Style(border=box, alignment=top)
    note = Style(border=box, alignment=wrap_top)
    states = {
        state: Style(fill=PatternFill("solid", fgColor=color), border=box, alignment=top)
        for state, color in STATE_FILLS.items()
    }
    rows = []
    heights = {}
    for r, row in enumerate(status.rows, start=FIRST_ROW):
        rows.append(
            [
                (row.reporter, None, plain),
                (row.state_text, None, states[row.state]),
                (row.received_at, DATETIME_FORMAT if row.received_at else None, plain),
                (row.file or None, None, plain),
                ("、".join(row.pending) or None, None, plain),
                ("、".join(row.missing) or None, None, plain),
                (row.note or None, None, note),
            ]
        )
        if row.note:  # LibreOffice keeps the default height for wrapped text written by openpyxl
            heights[r] = 15 * (1 + len(row.note) // 34)
    return rows, heights
