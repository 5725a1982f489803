"""sorachi-etl validate: check returned workbooks without touching the master."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from sorachi_etl.cli.common import (
    DebugOption,
    JsonOption,
    PasswordOption,
    YearOption,
    console,
    existing,
    parse_year,
    run,
)


def validate(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="点検する調査票ファイル、またはそれが入ったフォルダ。", show_default=False
        ),
    ],
    master: Annotated[
        Path | None,
        typer.Option(
            "--master",
            "-m",
            help="マスタブック。指定すると前年度との比較や報告者の確認も行います。",
            show_default=False,
        ),
    ] = None,
    year: YearOption = None,
    annotate: Annotated[
        Path | None,
        typer.Option(
            "--annotate",
            "-a",
            help="このフォルダに、問題のセルを赤く塗ってコメントを付けた返送用のコピーを作ります。",
            show_default=False,
        ),
    ] = None,
    password: PasswordOption = None,
    as_json: JsonOption = False,
    debug: DebugOption = False,
) -> None:
    """返ってきた調査票を点検します（マスタは変更しません）。

    ファイルごとに「問題なし」「要修正」「読み取れません」を判定し、直すべきセルと
    直し方を表示します。問題が1件でもあれば終了コードは 1 です。

    [bold]例[/]

      sorachi-etl validate 回収

      sorachi-etl validate 回収 --master master.xlsx --annotate 返送用

      sorachi-etl validate R6_岩見沢市_調査票.xlsx --json
    """
    from sorachi_etl.api import validate_paths_with_master

    def go():
        for p in paths:
            existing(p)
        if master is not None:
            existing(master, "マスタ")
        return validate_paths_with_master(paths, master, year=parse_year(year), password=password)

    validation = run(go, debug)
    report = validation.report
    annotated = []
    if annotate is not None:
        from sorachi_etl.api import annotate_reports

        annotated = run(lambda: annotate_reports(validation, annotate), debug)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        from sorachi_etl.cli import render

        for block in render.file_reports(report):
            console.print(block)
        console.print(render.report_summary(report))
        for path in annotated:
            console.print(f"返送用のコピーを作りました: {path}")
    raise typer.Exit(0 if report.valid else 1)


def register(app: typer.Typer) -> None:
    app.command(no_args_is_help=True)(validate)
