"""sorachi-etl template: one survey workbook (調査票) per reporter for a year."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sorachi_etl.cli.common import (
    DebugOption,
    MasterOption,
    console,
    out_option,
    parse_year,
    run,
    year_option,
)

SurveyYearOption = Annotated[str, year_option("調査票の年度（例: R6、令和6年度、2024）。")]
OutOption = Annotated[
    Path | None, out_option("書き出すフォルダ（既定: R6_調査票 のような年度のフォルダ）。")
]
ReporterOption = Annotated[
    list[str] | None,
    typer.Option(
        "--reporter",
        "-r",
        metavar="市町名",
        show_default=False,
        help="この報告者の分だけ作ります（くり返し指定か、「夕張市,美唄市」のようにカンマ区切りで複数指定可）。",
    ),
]


def template(
    master: MasterOption,
    year: SurveyYearOption,
    out: OutOption = None,
    reporter: ReporterOption = None,
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
    from sorachi_etl.cli.render.template import print_template
    from sorachi_etl.model.eras import format_fiscal_year

    def make():
        fiscal_year = parse_year(year)
        folder = out or Path(f"{format_fiscal_year(fiscal_year)}_調査票")
        return fiscal_year, folder, make_templates(master, fiscal_year, folder, reporters=reporter)

    fiscal_year, folder, results = run(make, debug)
    print_template(results, console, year=fiscal_year, folder=folder)


def register(app: typer.Typer) -> None:
    app.command(no_args_is_help=True)(template)
