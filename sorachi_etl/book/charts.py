"""The output sheet 推移グラフ: a native line chart per KPI, regenerated every merge."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sorachi_etl.book.kpi_list import output_sheet_place, unit_format
from sorachi_etl.book.xlsx import FONT_NAME, fresh_sheet, print_a4, put
from sorachi_etl.model.eras import format_fiscal_year
from sorachi_etl.model.names import SHEET_CHARTS, STATUS_CONFIRMED

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from sorachi_etl.kpi.aggregate import KpiTable


def write_charts(wb: Workbook, table: KpiTable) -> Worksheet:
    """(Re)write 推移グラフ: a native line chart per KPI of its values against its target.

    Charts sit two to a row on the printed page; the figures they draw are in a
    block to the right of the print area. The vertical axis starts at zero, or at
    the KPI's グラフの最小値 (評価指標) where staff set one.
    """
    from openpyxl.chart import LineChart, Reference
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
        # From zero unless the KPI says otherwise: an axis fitted to the data makes
        # a 0.09 % dip in 耕作面積 (113,500 → 113,400 ha) look like a collapse.
        chart.y_axis.scaling.min = kpi.chart_min if kpi.chart_min is not None else 0
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
