"""The output sheet 評価指標一覧: the KPI list of the published report, regenerated every run.

The writer takes a `KpiTable` and an openpyxl workbook; numbers stay numbers
and show their unit through number formats.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sorachi_etl.book.text_fit import EXCEL, column_px, text_height, text_units
from sorachi_etl.book.xlsx import FONT_NAME, fresh_sheet, print_a4, put
from sorachi_etl.kpi.aggregate import KpiRow, KpiTable, rate_band, shown_decimals
from sorachi_etl.kpi.formats import column_headers, pending_text, row_strings
from sorachi_etl.model.eras import format_fiscal_year, format_fiscal_year_long
from sorachi_etl.model.names import (
    DASH,
    DRAFT_MARK,
    SHEET_ANALYSIS_NOTES,
    SHEET_CHARTS,
    SHEET_KPI_LIST,
    SHEET_SUBMISSIONS,
    STATUS_CONFIRMED,
    STATUS_PENDING,
)

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet


BAND_FILLS = {"good": "C6EFCE", "fair": "FFEB9C", "low": "FFC7CE"}
BAND_FONTS = {"good": "006100", "fair": "9C5700", "low": "9C0006"}
TITLE = "評価指標（KPI）一覧"
HEADER_ROW = 3


# プロジェクト名, 評価指標（KPI）, 基準値 (the year columns and the rest follow); a KPI row's
# least height; the size of the body text (openpyxl's default font, 11 pt).
WIDTHS = (26, 36, 15)
ROW_PT = 30.0
BODY_PT = 11


def unit_format(decimals: int, unit: str, suffix: str = "") -> str:
    """Excel number format showing a unit: unit_format(0, "千人") == '#,##0"千人"'."""
    number = "#,##0" + ("." + "0" * decimals if decimals else "")
    if unit == "%":
        number = "0" + ("." + "0" * decimals if decimals else "")
    text = (unit + suffix).replace('"', "")
    return f'{number}"{text}"' if text else number


def _float(value: object) -> float | None:
    return None if value is None else float(value)


def output_sheet_place(wb: Workbook, name: str) -> int | None:
    """A new output sheet goes right after the other output sheets, at the front."""
    if name in wb.sheetnames:
        return None
    order = (SHEET_KPI_LIST, SHEET_SUBMISSIONS, SHEET_CHARTS)
    return sum(1 for other in order[: order.index(name)] if other in wb.sheetnames)


def write_kpi_list(wb: Workbook, table: KpiTable) -> Worksheet:
    """(Re)write 評価指標一覧: the table of the published report, then the analysis lines."""
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    ws = fresh_sheet(wb, SHEET_KPI_LIST, output_sheet_place(wb, SHEET_KPI_LIST))
    headers = column_headers((format_fiscal_year(y) for y in table.years), wrapped=True)
    ncols = len(headers)
    thin = Side(style="thin", color="808080")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    right = Alignment(horizontal="right", vertical="center")
    _write_title(ws, table, get_column_letter(ncols))
    _write_header(ws, headers, box, center)
    last_row = _write_rows(ws, table, box, center, right)
    # what the colours of 進捗率 mean
    legend = put(
        ws,
        last_row + 1,
        1,
        "進捗率の色: 緑＝100%以上　黄＝90%以上　赤＝90%未満　（—は実績が集計中または未入力）",
    )
    legend.font = Font(name=FONT_NAME, size=9, color="404040")
    end = _write_analysis(ws, table, last_row + 3, ncols)
    _page_setup(ws, table, ncols, end)
    return ws


def _write_title(ws: Worksheet, table: KpiTable, last: str) -> None:
    """The title, and under it the report year, the list's title and the actual year."""
    from openpyxl.styles import Alignment, Font

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


def _write_header(ws: Worksheet, headers: list[str], box, center) -> None:
    from openpyxl.styles import Font, PatternFill

    for c, text in enumerate(headers, start=1):
        cell = put(ws, HEADER_ROW, c, text)
        cell.font = Font(name=FONT_NAME, bold=True)
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
        cell.alignment = center
        cell.border = box
    ws.row_dimensions[HEADER_ROW].height = 32


def _write_rows(ws: Worksheet, table: KpiTable, box, center, right) -> int:
    """A row per KPI, each project's name merged over its rows; returns the last row.

    Rows are as tall as their KPI's name needs, and a project's rows together as tall
    as its name needs: a long name typed by staff is shown whole, never cut."""
    r = HEADER_ROW + 1
    first_of_project: dict[int, int] = {}
    for row in table.rows:
        first_of_project.setdefault(row.project_no, r)
        _write_kpi_row(ws, r, row, table.years, box, center, right)
        r += 1
    for project, start in first_of_project.items():
        end = max(
            i for i, row in enumerate(table.rows, start=HEADER_ROW + 1) if row.project_no == project
        )
        if end > start:
            ws.merge_cells(start_row=start, start_column=1, end_row=end, end_column=1)
        name = str(ws.cell(row=start, column=1).value or "")
        need = text_height(name, column_px(WIDTHS[0]), BODY_PT)
        have = sum(ws.row_dimensions[i].height or ROW_PT for i in range(start, end + 1))
        if need > have:
            ws.row_dimensions[end].height = round(
                (ws.row_dimensions[end].height or ROW_PT) + need - have, 1
            )
    return r - 1


def _write_analysis(ws: Worksheet, table: KpiTable, r: int, ncols: int) -> int:
    """分析・対応方向 from row `r`: drafted lines marked, with a note on where staff write
    their own; each line merged across the table's width. Returns the last row."""
    from openpyxl.styles import Alignment, Font

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
        width = sum(column_px(w) for w in _widths(table))
        ws.row_dimensions[r].height = max(18.0, text_height(f"・ {line}", width, BODY_PT))
    return r


def _page_setup(ws: Worksheet, table: KpiTable, ncols: int, last_row: int) -> None:
    """Column widths, frozen headings, and A4 with the header row on every page."""
    from openpyxl.utils import get_column_letter

    for c, width in enumerate(_widths(table), start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=3)
    print_a4(ws, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    ws.print_area = f"A1:{get_column_letter(ncols)}{last_row}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4


def _widths(table: KpiTable) -> list[float]:
    """The columns' widths: the figures' columns as wide as their longest figure, so that
    none prints as ##### (a KPI in 人 of 12,320,000人 did in a column made for 千人)."""
    widths = [*WIDTHS, *([12.5] * len(table.years)), 15, 9]
    for row in table.rows:
        for c, text in enumerate(row_strings(table, row)[2:], start=2):
            widths[c] = max(widths[c], _fit_width(text))
    return widths


def _fit_width(text: str) -> float:
    """Column width (units) that shows `text` on one line in the body font, with a margin."""
    return round((text_units(text) * BODY_PT * 2 / 3 * 1.05 + 14) / EXCEL.px_per_width, 1)


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
    ws.row_dimensions[r].height = max(ROW_PT, text_height(row.label, column_px(WIDTHS[1]), BODY_PT))


def _places(value, kpi) -> int:
    return shown_decimals(value, kpi.decimals or 0, kpi.unit)


def _rounded(value: float | None, decimals: int):
    from sorachi_etl.kpi.progress import round_half_up

    return None if value is None else round_half_up(value, decimals)
