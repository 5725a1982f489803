"""The sheets regenerated on every run: 評価指標一覧 (and, with merge, 提出状況 and 推移グラフ).

Each writer takes plain data (a `KpiTable`, submission rows) and an openpyxl
workbook; numbers stay numbers and show their unit through number formats.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sorachi_etl.aggregate import KpiRow, KpiTable, rate_band, shown_decimals
from sorachi_etl.eras import format_fiscal_year, format_fiscal_year_long
from sorachi_etl.formats import pending_text
from sorachi_etl.names import (
    DASH,
    DRAFT_MARK,
    SHEET_ANALYSIS_NOTES,
    SHEET_CHARTS,
    SHEET_KPI_LIST,
    SHEET_SUBMISSIONS,
    STATUS_CONFIRMED,
    STATUS_PENDING,
)
from sorachi_etl.write import FONT_NAME, _fresh_sheet, print_a4, put

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from sorachi_etl.status import StatusReport

BAND_FILLS = {"good": "C6EFCE", "fair": "FFEB9C", "low": "FFC7CE"}
BAND_FONTS = {"good": "006100", "fair": "9C5700", "low": "9C0006"}
TITLE = "評価指標（KPI）一覧"
HEADER_ROW = 3


def unit_format(decimals: int, unit: str, suffix: str = "") -> str:
    """Excel number format showing a unit: unit_format(0, "千人") == '#,##0"千人"'."""
    number = "#,##0" + ("." + "0" * decimals if decimals else "")
    if unit == "%":
        number = "0" + ("." + "0" * decimals if decimals else "")
    text = (unit + suffix).replace('"', "")
    return f'{number}"{text}"' if text else number


def _float(value: object) -> float | None:
    return None if value is None else float(value)


def _first_places(wb: Workbook, name: str) -> int | None:
    """A new output sheet goes right after the other output sheets, at the front."""
    if name in wb.sheetnames:
        return None
    order = (SHEET_KPI_LIST, SHEET_SUBMISSIONS, SHEET_CHARTS)
    return sum(1 for other in order[: order.index(name)] if other in wb.sheetnames)


def write_kpi_list(wb: Workbook, table: KpiTable) -> Worksheet:
    """(Re)write 評価指標一覧: the table of the published report, then the analysis lines."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    ws = _fresh_sheet(wb, SHEET_KPI_LIST, _first_places(wb, SHEET_KPI_LIST))
    years = table.years
    headers = [
        "プロジェクト名",
        "評価指標（KPI）",
        "基準値\n（基準年）",
        *(format_fiscal_year(y) for y in years),
        "目標値\n（目標年）",
        "進捗率",
    ]
    ncols = len(headers)
    last = get_column_letter(ncols)
    thin = Side(style="thin", color="808080")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    right = Alignment(horizontal="right", vertical="center")

    put(ws, 1, 1, TITLE).font = Font(name=FONT_NAME, size=16, bold=True)
    ws.merge_cells(f"A1:{last}1")
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    subtitle = (
        f"{format_fiscal_year_long(table.report_year)}　{table.title}　"
        f"（実績年：{format_fiscal_year_long(table.actual_year)}）"
    )
    put(ws, 2, 1, subtitle).font = Font(name=FONT_NAME, size=10, color="404040")
    ws.merge_cells(f"A2:{last}2")
    ws["A2"].alignment = Alignment(horizontal="right")

    for c, text in enumerate(headers, start=1):
        cell = put(ws, HEADER_ROW, c, text)
        cell.font = Font(name=FONT_NAME, bold=True)
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
        cell.alignment = center
        cell.border = box
    ws.row_dimensions[HEADER_ROW].height = 32

    r = HEADER_ROW + 1
    first_of_project: dict[int, int] = {}
    for row in table.rows:
        first_of_project.setdefault(row.project_no, r)
        _write_kpi_row(ws, r, row, years, box, center, right)
        r += 1
    last_row = r - 1
    # project names merged over their rows
    for project, start in first_of_project.items():
        end = max(
            i for i, row in enumerate(table.rows, start=HEADER_ROW + 1) if row.project_no == project
        )
        if end > start:
            ws.merge_cells(start_row=start, start_column=1, end_row=end, end_column=1)

    # what the colours of 進捗率 mean
    legend = put(
        ws,
        last_row + 1,
        1,
        "進捗率の色: 緑＝100%以上　黄＝90%以上　赤＝90%未満　（—は実績が集計中または未入力）",
    )
    legend.font = Font(name=FONT_NAME, size=9, color="404040")

    # analysis
    r = last_row + 3
    put(ws, r, 1, "分析・対応方向").font = Font(name=FONT_NAME, bold=True, size=12)
    if any(line.drafted for line in table.analysis_lines):
        r += 1
        put(
            ws,
            r,
            1,
            f"{DRAFT_MARK}の文はデータから自動で作成した下書きです（報告書には印を付けずに載ります）。"
            f"書き足す・置き換える文はシート「{SHEET_ANALYSIS_NOTES}」に書いてください"
            "（このシートは取り込みのたびに作り直されます）。",
        ).font = Font(name=FONT_NAME, size=9, color="404040")
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncols)
    for item in table.analysis_lines:
        r += 1
        line = f"{DRAFT_MARK}{item.text}" if item.drafted else item.text
        put(ws, r, 1, f"・ {line}").alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncols)
        ws.row_dimensions[r].height = 15 * (1 + len(line) // 95) + 3

    widths = [26, 36, 15, *([12.5] * len(years)), 15, 9]
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=3)

    print_a4(ws, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    ws.print_area = f"A1:{last}{r}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    return ws


def _write_kpi_row(
    ws: Worksheet, r: int, row: KpiRow, years: list[int], box, center, right
) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    kpi = row.kpi
    d = kpi.decimals or 0
    c = put(ws, r, 1, row.project_name)
    c.alignment = Alignment(vertical="center", wrap_text=True)
    c.border = box
    c = put(ws, r, 2, row.label)
    c.alignment = Alignment(vertical="center", wrap_text=True)
    c.border = box

    base_suffix = f"（{format_fiscal_year(kpi.base_year)}）" if kpi.base_year else ""
    base = _rounded(kpi.base_value, d)
    # the decimals of each cell, not of the KPI: 1,232万人 beside 1,159.6万人, as published
    c = put(ws, r, 3, _float(base), unit_format(_places(base, kpi), kpi.unit, base_suffix))
    c.alignment, c.border = right, box
    for i, year in enumerate(years):
        col = 4 + i
        value = row.values.get(year)
        if value is not None and value.status == STATUS_CONFIRMED and value.value is not None:
            fmt = unit_format(_places(value.value, kpi), kpi.unit)
            c = put(ws, r, col, float(value.value), fmt)
            c.alignment = right
        elif value is not None and value.status == STATUS_PENDING:
            c = put(ws, r, col, pending_text(value))
            c.alignment = center
        else:
            c = ws.cell(row=r, column=col)
        c.border = box
    col = 4 + len(years)
    target_suffix = f"（{format_fiscal_year(kpi.target_year)}）" if kpi.target_year else ""
    target = _rounded(kpi.target_value, d)
    c = put(ws, r, col, _float(target), unit_format(_places(target, kpi), kpi.unit, target_suffix))
    c.alignment, c.border = right, box
    col += 1
    if row.rate is None:
        c = put(ws, r, col, DASH)
        c.alignment = center
    else:
        c = put(ws, r, col, float(row.rate), '0.0"%"')
        c.alignment = right
        band = rate_band(row.rate)
        c.fill = PatternFill("solid", fgColor=BAND_FILLS[band])
        c.font = Font(name=FONT_NAME, bold=True, color=BAND_FONTS[band])
    c.border = box
    ws.row_dimensions[r].height = 30


def _places(value, kpi) -> int:
    return shown_decimals(value, kpi.decimals or 0, kpi.unit)


def _rounded(value: float | None, decimals: int):
    from sorachi_etl.progress import round_half_up

    return None if value is None else round_half_up(value, decimals)


# --- 提出状況 -------------------------------------------------------------------------

STATE_FILLS = {"受付済": "E2EFDA", "要修正": "FFC7CE", "未提出": "FFEB9C"}


def write_submissions(wb: Workbook, status: StatusReport) -> Worksheet:
    """(Re)write 提出状況: one row per reporter with its state, file and pending items."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    from sorachi_etl.rowxml import Style, defer_rows
    from sorachi_etl.write import DATETIME_FORMAT, _style_header

    ws = _fresh_sheet(wb, SHEET_SUBMISSIONS, _first_places(wb, SHEET_SUBMISSIONS))
    headers = ["市町名", "状態", "取込日時", "ファイル", "集計中の項目", "未入力の項目", "内容"]
    put(ws, 1, 1, f"{format_fiscal_year_long(status.year)} 調査票の提出状況").font = Font(
        name=FONT_NAME, size=14, bold=True
    )
    total = len(status.rows)
    summary = (
        f"提出済 {status.count('受付済')}／{total}　要修正 {status.count('要修正')}　"
        f"未提出 {status.count('未提出')}"
    )
    if status.deadline:
        d = status.deadline
        summary += f"　（提出期限 {d.year}年{d.month}月{d.day}日）"
    put(ws, 2, 1, summary)
    for c, text in enumerate(headers, start=1):
        put(ws, 4, c, text)
    _style_header(ws, 4, len(headers))
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
    # the rows as XML beside openpyxl (rowxml): styling ~12,000 cells through openpyxl
    # was most of the time spent writing the master
    rows = []
    heights = {}
    for r, row in enumerate(status.rows, start=5):
        rows.append(
            [
                (row.reporter, None, plain),
                (row.state, None, states[row.state]),
                (row.received_at, DATETIME_FORMAT if row.received_at else None, plain),
                (row.file or None, None, plain),
                ("、".join(row.pending) or None, None, plain),
                ("、".join(row.missing) or None, None, plain),
                (row.note or None, None, note),
            ]
        )
        if row.note:  # LibreOffice keeps the default height for wrapped text written by openpyxl
            heights[r] = 15 * (1 + len(row.note) // 34)
    defer_rows(ws, 5, rows, heights=heights)
    for c, width in enumerate([14, 9, 19, 30, 24, 20, 70], start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "B5"
    ws.auto_filter.ref = f"A4:{get_column_letter(len(headers))}{4 + len(status.rows)}"
    print_a4(ws, title_rows="4:4")
    return ws


# --- 推移グラフ -------------------------------------------------------------------------


def write_charts(wb: Workbook, table: KpiTable) -> Worksheet:
    """(Re)write 推移グラフ: a native line chart per KPI of its values against its target.

    Charts sit two to a row on the printed page; the figures they draw are in a
    block to the right of the print area.
    """
    from openpyxl.chart import LineChart, Reference
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = _fresh_sheet(wb, SHEET_CHARTS, _first_places(wb, SHEET_CHARTS))
    put(ws, 1, 1, "評価指標の推移（実績値と目標値）").font = Font(
        name=FONT_NAME, size=14, bold=True
    )
    put(
        ws,
        2,
        1,
        "※ 集計中・未入力の年度は線が途切れます。このシートは取り込みのたびに作り直されます。",
    )
    years = sorted({y for row in table.distinct_rows for y in row.values} | set(table.years))
    data_col = 20  # column T: the figures behind the charts
    rows_per_chart = 16
    for i, row in enumerate(table.distinct_rows):
        kpi = row.kpi
        fmt = unit_format(kpi.decimals or 0, kpi.unit)
        top = 4 + i * (len(years) + 3)
        put(ws, top, data_col, kpi.name).font = Font(name=FONT_NAME, bold=True)
        put(ws, top + 1, data_col, "年度")
        put(ws, top + 1, data_col + 1, "実績")
        put(ws, top + 1, data_col + 2, "目標")
        for j, year in enumerate(years):
            r = top + 2 + j
            put(ws, r, data_col, format_fiscal_year(year))
            v = row.values.get(year)
            if v is not None and v.status == STATUS_CONFIRMED and v.value is not None:
                put(ws, r, data_col + 1, float(v.value), fmt)
            if kpi.target_value is not None:
                put(ws, r, data_col + 2, float(kpi.target_value), fmt)
        chart = LineChart()
        chart.title = kpi.name
        chart.y_axis.title = kpi.unit
        chart.y_axis.numFmt = fmt
        chart.y_axis.majorGridlines = chart.y_axis.majorGridlines
        chart.height, chart.width = 7.5, 12.5
        data = Reference(
            ws,
            min_col=data_col + 1,
            max_col=data_col + 2,
            min_row=top + 1,
            max_row=top + 1 + len(years),
        )
        cats = Reference(ws, min_col=data_col, min_row=top + 2, max_row=top + 1 + len(years))
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(cats)
        chart.y_axis.delete = False
        chart.x_axis.delete = False
        chart.legend.position = "b"
        if len(chart.series) > 1:
            chart.series[1].graphicalProperties.line.dashStyle = "dash"
        for series in chart.series:
            series.marker.symbol = "circle"
            series.smooth = False
        anchor_row = 4 + (i // 2) * rows_per_chart
        anchor_col = 1 if i % 2 == 0 else 9
        ws.add_chart(chart, f"{get_column_letter(anchor_col)}{anchor_row}")
    last_row = 4 + ((len(table.distinct_rows) + 1) // 2) * rows_per_chart
    for c in range(1, 17):
        ws.column_dimensions[get_column_letter(c)].width = 9.5
    ws.column_dimensions[get_column_letter(data_col)].width = 30
    ws.print_area = f"A1:P{last_row}"
    print_a4(ws, landscape=False)
    return ws
