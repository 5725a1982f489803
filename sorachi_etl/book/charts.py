"""The output sheet 推移グラフ: a native line chart per KPI, regenerated every merge."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sorachi_etl.book.kpi_list import output_sheet_place, unit_format
from sorachi_etl.book.xlsx import FONT_NAME, fresh_sheet, print_a4, put
from sorachi_etl.model.eras import format_fiscal_year
from sorachi_etl.model.names import SHEET_CHARTS, STATUS_CONFIRMED

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.chart import LineChart
    from openpyxl.worksheet.worksheet import Worksheet

    from sorachi_etl.kpi.aggregate import KpiRow, KpiTable
    from sorachi_etl.model.domain import Kpi


# The figures behind the charts sit in a block from this column (T), right of the print area.
DATA_COL = 20
ROWS_PER_CHART = 16  # two charts side by side, each this many rows tall


def write_charts(wb: Workbook, table: KpiTable) -> Worksheet:
    """(Re)write 推移グラフ: a native line chart per KPI of its values against its target.

    Charts sit two to a row on the printed page; the figures they draw are in a
    block to the right of the print area. The vertical axis starts at zero, or at
    the KPI's グラフの最小値 (評価指標) where staff set one.
    """
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = fresh_sheet(wb, SHEET_CHARTS, output_sheet_place(wb, SHEET_CHARTS))
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
    for i, row in enumerate(table.distinct_rows):
        top = 4 + i * (len(years) + 3)
        _write_figures(ws, row, years, top)
        chart = _line_chart(ws, row.kpi, len(years), top)
        anchor_row = 4 + (i // 2) * ROWS_PER_CHART
        anchor_col = 1 if i % 2 == 0 else 9
        ws.add_chart(chart, f"{get_column_letter(anchor_col)}{anchor_row}")
    last_row = 4 + ((len(table.distinct_rows) + 1) // 2) * ROWS_PER_CHART
    for c in range(1, 17):
        ws.column_dimensions[get_column_letter(c)].width = 9.5
    ws.column_dimensions[get_column_letter(DATA_COL)].width = 30
    ws.print_area = f"A1:P{last_row}"
    print_a4(ws, landscape=False)
    return ws


def _write_figures(ws: Worksheet, row: KpiRow, years: list[int], top: int) -> None:
    """A KPI's block of figures from row `top`: its name, then 年度 | 実績 | 目標 per year."""
    from openpyxl.styles import Font

    kpi = row.kpi
    fmt = unit_format(kpi.decimals or 0, kpi.unit)
    put(ws, top, DATA_COL, kpi.name).font = Font(name=FONT_NAME, bold=True)
    put(ws, top + 1, DATA_COL, "年度")
    put(ws, top + 1, DATA_COL + 1, "実績")
    put(ws, top + 1, DATA_COL + 2, "目標")
    for j, year in enumerate(years):
        r = top + 2 + j
        put(ws, r, DATA_COL, format_fiscal_year(year))
        v = row.values.get(year)
        if v is not None and v.status == STATUS_CONFIRMED and v.value is not None:
            put(ws, r, DATA_COL + 1, float(v.value), fmt)
        if kpi.target_value is not None:
            put(ws, r, DATA_COL + 2, float(kpi.target_value), fmt)


# A chart's title: 14 pt bold, smaller for a long KPI name so that it takes two lines
# at most (at 14 pt 「炭鉄港推進協議会構成市町（小樽市・室蘭市・安平町を含む）の観光入込客数
# （日帰り・宿泊の合計、延べ人数）」 took four and squeezed the plot to a thin strip).
TITLE_PT, TITLE_MIN_PT = 14, 8
TITLE_LINE_UNITS = 40  # half-ems of a title line at 14 pt in a chart 12.5 cm wide


def title_size(name: str) -> int:
    """The title's size (pt) for a KPI name: the name on two lines at most."""
    from sorachi_etl.book.text_fit import text_units

    units = text_units(name)
    size = TITLE_PT
    while size > TITLE_MIN_PT and units * size / TITLE_PT > 2 * TITLE_LINE_UNITS:
        size -= 1
    return size


def _title(name: str):
    """The chart title `name`, bold, at `title_size`."""
    from openpyxl.chart.text import RichText, Text
    from openpyxl.chart.title import Title
    from openpyxl.drawing.text import (
        CharacterProperties,
        Paragraph,
        ParagraphProperties,
        RegularTextRun,
    )

    from sorachi_etl.model.text import xml_safe

    font = CharacterProperties(sz=title_size(name) * 100, b=True)
    run = RegularTextRun(rPr=font, t=xml_safe(name)[0])
    paragraph = Paragraph(pPr=ParagraphProperties(defRPr=font), r=[run])
    return Title(tx=Text(rich=RichText(p=[paragraph])), overlay=False)


def _line_chart(ws: Worksheet, kpi: Kpi, nyears: int, top: int) -> LineChart:
    """The chart of a KPI's block of figures: 実績 solid, 目標 dashed, the axis from zero."""
    from openpyxl.chart import LineChart, Reference

    fmt = unit_format(kpi.decimals or 0, kpi.unit)
    chart = LineChart()
    chart.title = _title(kpi.name)
    chart.y_axis.title = kpi.unit
    chart.y_axis.numFmt = fmt
    chart.y_axis.majorGridlines = chart.y_axis.majorGridlines
    chart.height, chart.width = 7.5, 12.5
    data = Reference(
        ws, min_col=DATA_COL + 1, max_col=DATA_COL + 2, min_row=top + 1, max_row=top + 1 + nyears
    )
    cats = Reference(ws, min_col=DATA_COL, min_row=top + 2, max_row=top + 1 + nyears)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    # From zero unless the KPI says otherwise: an axis fitted to the data makes
    # a 0.09 % dip in 耕作面積 (113,500 → 113,400 ha) look like a collapse.
    chart.y_axis.scaling.min = kpi.chart_min if kpi.chart_min is not None else 0
    chart.legend.position = "b"
    if len(chart.series) > 1:
        chart.series[1].graphicalProperties.line.dashStyle = "dash"
    for series in chart.series:
        series.marker.symbol = "circle"
        series.smooth = False
    return chart
