"""The KPI list as plain text formats: rows of strings, Markdown, CSV and JSON data."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from decimal import Decimal

from sorachi_etl.kpi.aggregate import KpiRow, KpiTable, YearValue, format_rate, format_value
from sorachi_etl.model.domain import Kpi
from sorachi_etl.model.eras import format_fiscal_year, format_fiscal_year_long
from sorachi_etl.model.names import STATUS_CONFIRMED, STATUS_PENDING
from sorachi_etl.model.text import csv_safe


def headers(table: KpiTable) -> list[str]:
    return column_headers(format_fiscal_year(y) for y in table.years)


def column_headers(year_columns: Iterable[str], *, wrapped: bool = False) -> list[str]:
    """The KPI list's columns around its year columns (R3 … R7), in every output.

    `wrapped` puts the year of 基準値 and 目標値 on a line of its own, as the
    workbooks print them in a narrow column.
    """
    br = "\n" if wrapped else ""
    return [
        "プロジェクト名",
        "評価指標（KPI）",
        f"基準値{br}（基準年）",
        *year_columns,
        f"目標値{br}（目標年）",
        "進捗率",
    ]


def _cell(row: KpiRow, year: int) -> str:
    return year_value_text(row.values.get(year), row.kpi)


def year_value_text(v: YearValue | None, kpi: Kpi) -> str:
    """A KPI's value for a year as the list shows it: 7,487千人, 集計中（18/24）, or ""."""
    if v is None:
        return ""
    if v.status == STATUS_PENDING:
        return pending_text(v)
    if v.status == STATUS_CONFIRMED and v.value is not None:
        return format_value(v.value, kpi.decimals or 0, kpi.unit)
    return ""


def pending_text(v: YearValue) -> str:
    """集計中, with how many reporters are in when the value is computed: 集計中（18/24）."""
    if v.reporters_total:
        return f"{STATUS_PENDING}（{v.reporters_in}/{v.reporters_total}）"
    return STATUS_PENDING


def row_strings(table: KpiTable, row: KpiRow) -> list[str]:
    k = row.kpi
    d = k.decimals or 0
    base = (
        f"{format_value(k.base_value, d, k.unit)}（{format_fiscal_year(k.base_year)}）"
        if k.base_value is not None and k.base_year
        else ""
    )
    target = (
        f"{format_value(k.target_value, d, k.unit)}（{format_fiscal_year(k.target_year)}）"
        if k.target_value is not None and k.target_year
        else ""
    )
    return [
        row.project_name,
        row.label,
        base,
        *(_cell(row, y) for y in table.years),
        target,
        format_rate(row.rate),
    ]


# What Markdown would take for markup in staff's text: a KPI named 「<5歳児>」 vanished as
# a tag, and a line break typed in a cell (Alt+Enter) split the table's row in two.
_MD_SPECIAL = re.compile(r"([\\`*_<>|\[\]])")


def md_text(text: str) -> str:
    """Staff's text as Markdown shows it, on one line (a line break in a cell as <br>)."""
    lines = _MD_SPECIAL.sub(r"\\\1", text).splitlines() or [""]
    return "<br>".join(line.strip() for line in lines)


def to_markdown(table: KpiTable) -> str:
    head = headers(table)
    lines = [
        f"# {format_fiscal_year_long(table.report_year)} 評価指標（KPI）一覧",
        "",
        f"実績年: {format_fiscal_year_long(table.actual_year)}",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    for row in table.rows:
        cells = [md_text(c) for c in row_strings(table, row)]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "## 分析・対応方向", ""]
    lines += [f"- {md_text(line)}" for line in table.analysis]
    return "\n".join(lines) + "\n"


def to_csv(table: KpiTable) -> str:
    """The KPI list as CSV for Excel; no cell can be taken for a formula (`text.csv_safe`)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([csv_safe(c) for c in headers(table)])
    for row in table.rows:
        writer.writerow([csv_safe(c) for c in row_strings(table, row)])
    return buf.getvalue()


def _num(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)


def _year(key: str, year: int | None) -> dict[str, object]:
    """{"year": 2023, "year_text": "R5"}: a fiscal year in JSON, as data and as shown."""
    return {key: year, f"{key}_text": format_fiscal_year(year) if year else None}


def to_data(table: KpiTable) -> dict:
    """The KPI list as JSON-ready data: numbers as numbers, years as fiscal-year ints
    (2023) with their display text beside them (`year_text`: "R5"); the values of a
    row are keyed by the display text of their year, as the list's columns are."""
    rows = []
    for row in table.rows:
        k = row.kpi
        values = {}
        for year in table.years:
            v = row.values.get(year)
            if v is None:
                values[format_fiscal_year(year)] = None
            elif v.status == STATUS_PENDING:
                values[format_fiscal_year(year)] = {
                    "status": STATUS_PENDING,
                    "reporters_in": v.reporters_in,
                    "reporters_total": v.reporters_total,
                }
            else:
                values[format_fiscal_year(year)] = _num(v.value)
        rows.append(
            {
                "project": row.project_no,
                "project_name": row.project_name,
                "kpi_id": k.id,
                "kpi": k.name,
                "relisted": row.relisted,
                "unit": k.unit,
                "base": {"value": _num(k.base_value), **_year("year", k.base_year)},
                "values": values,
                "target": {"value": _num(k.target_value), **_year("year", k.target_year)},
                "progress_rate": _num(row.rate),
            }
        )
    return {
        **_year("report_year", table.report_year),
        **_year("actual_year", table.actual_year),
        "year_columns": [format_fiscal_year(y) for y in table.years],
        "rows": rows,
        "analysis": table.analysis,
        # each line and whether it is drafted from the data or staff's own (分析メモ)
        "analysis_lines": [
            {"text": line.text, "kpi_id": line.kpi, "drafted": line.drafted}
            for line in table.analysis_lines
        ],
        "warnings": table.warnings,
    }
