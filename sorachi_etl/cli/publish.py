"""sorachi-etl publish: the whole progress report from the master, as workbook, PDF and HTML."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sorachi_etl.cli.common import (
    FOLDER,
    YEAR,
    DebugOption,
    JsonOption,
    MasterOption,
    console,
    existing,
    parse_year,
    print_json,
    run,
)

# What each file is for, as the summary tells it.
PURPOSES = {"xlsx": "印刷用のExcelブック", "pdf": "PDF", "html": "ホームページ用のHTML"}


def publish(
    master: MasterOption,
    year: Annotated[
        str | None,
        typer.Option(
            "--year",
            "-y",
            metavar=YEAR,
            help="報告書の年度（例: R6、令和6年度）。載せる実績はその前年度（R5）のものです。"
            "既定は、値がある最新の年度の翌年度（report と同じ）。",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            metavar=FOLDER,
            help="書き出すフォルダ（既定: マスタと同じフォルダの「報告書」）。",
            show_default=False,
        ),
    ] = None,
    formats: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="形式",
            help="作る形式をカンマで区切って: xlsx（印刷用）、pdf、html（ホームページ用）。",
        ),
    ] = "xlsx,pdf,html",
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
    from sorachi_etl.model.eras import format_fiscal_year, format_fiscal_year_long

    def go():
        return publish_report(
            existing(master, "マスタ"),
            year=parse_year(year),
            out_dir=out,
            formats=formats.split(","),
        )

    if as_json or "pdf" not in formats.lower():
        result = run(go, debug)
    else:
        with console.status(
            "報告書を作成しています（PDF は LibreOffice で作るため少しかかります）…"
        ):
            result = run(go, debug)
    report = result.report
    if as_json:
        print_json(
            {
                "report_year": format_fiscal_year(report.report_year),
                "actual_year": format_fiscal_year(report.actual_year),
                "files": {kind: str(path) for kind, path in result.files.items()},
                "sheets": result.sheets,
                "findings": [f.to_dict() for f in result.findings],
            }
        )
        return
    console.print(
        f"{report.year_text}の報告書を作成しました"
        f"（実績年: {format_fiscal_year_long(report.actual_year)}）",
        markup=False,
    )
    for kind, path in result.files.items():
        sheets = f"（{len(result.sheets)}シート）" if kind == "xlsx" else ""
        console.print(f"  {path}  … {PURPOSES[kind]}{sheets}", markup=False, soft_wrap=True)
    for f in result.findings:
        console.print("[yellow]注意:[/] ", end="")
        console.print(f.message, markup=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command(no_args_is_help=True)(publish)
