"""Rich renderings of what the library returns. Fed plain data, prints nothing itself."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from sorachi_etl.aggregate import KpiTable, rate_band
from sorachi_etl.eras import format_fiscal_year_long

BAND_STYLES = {"good": "bold green", "fair": "bold yellow", "low": "bold red"}


def kpi_table(table: KpiTable) -> Table:
    from sorachi_etl.formats import headers, row_strings

    t = Table(
        title=f"{format_fiscal_year_long(table.report_year)} 評価指標（KPI）一覧"
        f"（実績年: {format_fiscal_year_long(table.actual_year)}）",
        show_lines=True,
        title_justify="left",
    )
    for i, h in enumerate(headers(table)):
        t.add_column(
            h,
            justify="left" if i < 2 else "right",
            overflow="fold",
            max_width=22 if i == 0 else (30 if i == 1 else None),
        )
    previous = None
    for row in table.rows:
        cells = row_strings(table, row)
        if row.project_no == previous:
            cells[0] = ""
        previous = row.project_no
        band = rate_band(row.rate)
        rendered = [Text(c) for c in cells]
        rendered[-1] = Text(cells[-1], style=BAND_STYLES.get(band, "dim"))
        for i, c in enumerate(cells[3:-1], start=3):
            if c == "集計中":
                rendered[i] = Text(c, style="yellow")
        t.add_row(*rendered)
    return t


def analysis(table: KpiTable) -> Text:
    text = Text("分析・対応方向\n", style="bold")
    for line in table.analysis:
        text.append(f"・{line}\n")
    return text
