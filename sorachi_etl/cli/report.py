"""sorachi-etl report: the KPI list and its analysis, in the terminal or as md/csv/json."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated

import typer

from sorachi_etl.cli.common import (
    DebugOption,
    MasterOption,
    YearOption,
    console,
    existing,
    parse_year,
    run,
)


class Format(StrEnum):
    table = "table"
    md = "md"
    csv = "csv"
    json = "json"


def report(
    master: MasterOption,
    year: YearOption = None,
    format: Annotated[
        Format, typer.Option("--format", "-f", help="出力形式: table（画面表示）, md, csv, json。")
    ] = Format.table,
    debug: DebugOption = False,
) -> None:
    """評価指標（KPI）一覧と分析を表示します。

    実績年は、指定がなければ値（確定・集計中）がある最新の年度です。

    [bold]例[/]

      sorachi-etl report --master master.xlsx

      sorachi-etl report --master master.xlsx --year R5 --format csv > 一覧.csv
    """
    from sorachi_etl import formats
    from sorachi_etl.api import kpi_report

    def go():
        return kpi_report(existing(master, "マスタ"), year=parse_year(year))

    table = run(go, debug)
    if format is Format.md:
        typer.echo(formats.to_markdown(table), nl=False)
    elif format is Format.csv:
        typer.echo(formats.to_csv(table), nl=False)
    elif format is Format.json:
        typer.echo(json.dumps(formats.to_data(table), ensure_ascii=False, indent=2))
    else:
        from sorachi_etl.cli import render

        console.print(render.kpi_table(table))
        console.print(render.analysis(table))
        for warning in table.warnings:
            console.print(f"[yellow]注意:[/] {warning}")


def register(app: typer.Typer) -> None:
    app.command(no_args_is_help=True)(report)
