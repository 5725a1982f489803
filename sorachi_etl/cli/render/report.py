"""What `report` prints: the KPI list and its analysis, or the list as Markdown, CSV or JSON."""

from __future__ import annotations

from pathlib import Path

import typer

from sorachi_etl.cli.common import OutputConsole, err_console, json_text, notice_text
from sorachi_etl.cli.render.kpis import analysis, kpi_table


def print_report(table, console: OutputConsole, *, format: str, output: Path | None) -> None:
    """The list for the terminal (format "table"), else its text on stdout, or, once it is
    written to `output`, a line saying so; the warnings of a list not shown as a table on
    stderr (but for JSON on stdout, which holds them)."""
    if format == "table":
        console.print(kpi_table(table, width=console.width))
        console.print(analysis(table))
        for warning in table.warnings:
            console.print(notice_text(warning), soft_wrap=True)
    elif output is None:
        typer.echo(report_text(table, format), nl=False)
    else:
        excel = "（Excel でそのまま開けます）" if format == "csv" else ""
        console.print(
            f"評価指標一覧を書き出しました: {output}{excel}", markup=False, soft_wrap=True
        )
    if format != "table" and (output is not None or format != "json"):
        # a list written to a file or piped as CSV/Markdown has no room for them (JSON
        # carries them): on stderr, or 取込履歴 gone went unsaid
        for warning in table.warnings:
            err_console.print(notice_text(warning), soft_wrap=True)


def report_text(table, format: str) -> str:
    """The KPI list as the text of a file: "json", "md" or "csv" (kpi/formats.py)."""
    from sorachi_etl.kpi import formats

    if format == "json":
        return json_text(formats.to_data(table)) + "\n"
    return formats.to_markdown(table) if format == "md" else formats.to_csv(table)
