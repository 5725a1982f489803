"""sorachi-etl template: one survey workbook (調査票) per reporter for a year."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sorachi_etl.cli.common import (
    FOLDER,
    YEAR,
    DebugOption,
    MasterOption,
    console,
    parse_year,
    run,
)

# How many file names the summary lists before it only counts.
SHOWN = 5


def template(
    master: MasterOption,
    year: Annotated[
        str,
        typer.Option(
            "--year",
            "-y",
            metavar=YEAR,
            show_default=False,
            help="調査票の年度（例: R6、令和6年度、2024）。",
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            metavar=FOLDER,
            show_default=False,
            help="書き出すフォルダ（既定: R6_調査票 のような年度のフォルダ）。",
        ),
    ] = None,
    reporter: Annotated[
        list[str] | None,
        typer.Option(
            "--reporter",
            "-r",
            metavar="市町名",
            show_default=False,
            help="この報告者の分だけ作ります（くり返し指定可）。",
        ),
    ] = None,
    debug: DebugOption = False,
) -> None:
    """報告者ごとの調査票（Excel）を作成します。

    マスタの「市町」「調査項目」から、報告者ごとに担当する調査項目だけを載せた
    調査票を作ります。前年度の値があれば「前年度実績」に入ります。
    ファイル名は R6_岩見沢市_調査票.xlsx の形です。

    [bold]例[/]

      sorachi-etl template --master master.xlsx --year R6

      sorachi-etl template -m master.xlsx -y R6 -o 送付用 -r 岩見沢市 -r 美唄市
    """
    from sorachi_etl.api import make_templates
    from sorachi_etl.model.eras import format_fiscal_year, format_fiscal_year_long

    def go():
        fiscal_year = parse_year(year)
        folder = out or Path(f"{format_fiscal_year(fiscal_year)}_調査票")
        return (
            fiscal_year,
            folder,
            make_templates(master, fiscal_year, folder, reporters=reporter),
        )

    fiscal_year, folder, results = run(go, debug)
    console.print(
        f"{format_fiscal_year_long(fiscal_year)}の調査票を [bold]{len(results)}件[/] "
        f"作成しました: [bold]{folder}[/]"
    )
    for result in results[:SHOWN]:
        previous = f"、前年度実績 {result.previous}件" if result.previous else ""
        console.print(f"  {result.path.name}（調査項目 {len(result.measures)}件{previous}）")
    if len(results) > SHOWN:
        console.print(f"  ほか {len(results) - SHOWN}件")


def register(app: typer.Typer) -> None:
    app.command(no_args_is_help=True)(template)
