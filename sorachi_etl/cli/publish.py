"""sorachi-etl publish: the whole progress report from the master, as workbook, PDF and HTML."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated

import typer

from sorachi_etl.cli.common import (
    DebugOption,
    JsonOption,
    MasterOption,
    console,
    existing,
    out_option,
    parse_year,
    run,
    year_option,
)

PDF_WAIT = "報告書を作成しています（PDF は LibreOffice で作るため少しかかります）…"

ReportYearOption = Annotated[
    str | None,
    year_option(
        "報告書の年度（R6、令和6年度など）。載せる実績はその前年度（R5）のものです。"
        "既定は、値がある最新の年度の翌年度（report と同じ）。"
    ),
]
OutOption = Annotated[
    Path | None, out_option("書き出すフォルダ（既定: マスタと同じフォルダの「報告書」）。")
]
FormatsOption = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        metavar="形式",
        help="作る形式をカンマで区切って: xlsx（印刷用）、pdf、html（ホームページ用）。",
    ),
]


def publish(
    master: MasterOption,
    year: ReportYearOption = None,
    out: OutOption = None,
    formats: FormatsOption = "xlsx,pdf,html",
    as_json: JsonOption = False,
    debug: DebugOption = False,
) -> None:
    """報告書（推進管理報告書）を Excel・PDF・HTML で作ります。

    表紙、プロジェクトごとのページ（推進エリア・目的・これまでの主な取組と写真・
    評価指標・今年度の主な取組）、評価指標（KPI）一覧と分析・対応方向、
    振興局の主な取組（事業）を、マスタから作ります。
    表題と局名はシート「設定」、職員が書いた分析はシート「分析メモ」、
    写真はシート「取組」の写真ファイル（マスタのあるフォルダから見た場所）から。
    PDF は LibreOffice で作ります。見つからないときは、ほかの形式だけを作ります。

    [bold]例[/]

      sorachi-etl publish --master master.xlsx

      sorachi-etl publish --master master.xlsx --year R6 --out 報告書

      sorachi-etl publish --master master.xlsx --format xlsx,html
    """
    from sorachi_etl.api import publish as publish_report
    from sorachi_etl.cli.render.publish import print_publish

    # A PDF takes LibreOffice a while: say so, unless stdout is kept for JSON.
    slow = not as_json and "pdf" in formats.lower()
    waiting = console.status(PDF_WAIT) if slow else contextlib.nullcontext()
    with waiting:
        result = run(
            lambda: publish_report(
                existing(master, "マスタ"),
                year=parse_year(year),
                out_dir=out,
                formats=formats.split(","),
            ),
            debug,
        )
    print_publish(result, console, as_json=as_json)


def register(app: typer.Typer) -> None:
    app.command(no_args_is_help=True)(publish)
