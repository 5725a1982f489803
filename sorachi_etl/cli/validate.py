"""sorachi-etl validate: check returned workbooks without touching the master."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sorachi_etl.cli.common import (
    FOLDER,
    DebugOption,
    JsonOption,
    PasswordOption,
    YearOption,
    console,
    file_progress,
    master_option,
    parse_year,
    paths_argument,
    run,
)

ReturnsArgument = Annotated[
    list[Path],
    paths_argument("点検する調査票ファイル、またはそれが入ったフォルダ（いくつでも）。"),
]
CompareMasterOption = Annotated[
    Path | None,
    master_option("マスタブック。指定すると前年度との比較や報告者の確認も行います。"),
]
AnnotateOption = Annotated[
    Path | None,
    typer.Option(
        "--annotate",
        "-a",
        metavar=FOLDER,
        help="このフォルダに、問題のセルを赤く塗ってコメントを付けた返送用のコピーを作ります（.xls・.ods は .xlsx に変換したコピー）。",
        show_default=False,
    ),
]


def validate(
    paths: ReturnsArgument,
    master: CompareMasterOption = None,
    year: YearOption = None,
    annotate: AnnotateOption = None,
    password: PasswordOption = None,
    as_json: JsonOption = False,
    debug: DebugOption = False,
) -> None:
    """返ってきた調査票を点検します（マスタは変更しません）。

    ファイルごとに「問題なし」「一部受付」「要修正」「読み取れません」を判定し、
    直すべきセルと直し方を表示します。問題が1件でもあれば終了コードは 1 です。
    .xls・.ods の調査票も同じように点検します（次回は .xlsx で、という注意が付きます）。

    [bold]例[/]

      sorachi-etl validate 回収

      sorachi-etl validate 回収 --master master.xlsx --annotate 返送用

      sorachi-etl validate R6_岩見沢市_調査票.xlsx --json
    """
    from sorachi_etl.api import annotate_folder, annotate_reports, validate_paths_with_master
    from sorachi_etl.cli.render.validate import print_validate

    def check():
        fiscal_year = parse_year(year)
        if annotate is not None:  # a wrong folder is told before the files are read
            annotate_folder(annotate, paths)
        with file_progress("調査票を点検しています") as progress:
            return validate_paths_with_master(
                paths, master, year=fiscal_year, password=password, progress=progress
            )

    validation = run(check, debug)
    annotations = None
    if annotate is not None:
        annotations = run(lambda: annotate_reports(validation, annotate), debug)
    report = validation.report
    print_validate(
        report, console, as_json=as_json, debug=debug, annotations=annotations, folder=annotate
    )
    raise typer.Exit(0 if report.valid else 1)


def register(app: typer.Typer) -> None:
    app.command(no_args_is_help=True)(validate)
