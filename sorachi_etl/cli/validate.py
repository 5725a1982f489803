"""sorachi-etl validate: check returned workbooks without touching the master."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sorachi_etl.cli.common import (
    FILE,
    FOLDER,
    DebugOption,
    JsonOption,
    PasswordOption,
    YearOption,
    console,
    err_console,
    file_progress,
    parse_year,
    paths_argument,
    print_json,
    run,
)


def validate(
    paths: Annotated[
        list[Path],
        paths_argument("点検する調査票ファイル、またはそれが入ったフォルダ（いくつでも）。"),
    ],
    master: Annotated[
        Path | None,
        typer.Option(
            "--master",
            "-m",
            metavar=FILE,
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
            metavar=FOLDER,
            help="このフォルダに、問題のセルを赤く塗ってコメントを付けた返送用のコピーを作ります（.xls・.ods は .xlsx に変換したコピー）。",
            show_default=False,
        ),
    ] = None,
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
    from sorachi_etl.api import annotate_folder, validate_paths_with_master

    def go():
        fiscal_year = parse_year(year)
        if annotate is not None:  # a wrong folder is told before the files are read
            annotate_folder(annotate, paths)
        with file_progress("調査票を点検しています") as progress:
            return validate_paths_with_master(
                paths, master, year=fiscal_year, password=password, progress=progress
            )

    validation = run(go, debug)
    report = validation.report
    annotations = None
    if annotate is not None:
        from sorachi_etl.api import annotate_reports

        annotations = run(lambda: annotate_reports(validation, annotate), debug)
    if as_json:
        print_json(report.to_dict())
    else:
        from rich.console import Group

        from sorachi_etl.cli import render

        blocks = render.file_reports(report, plain=console.piped)
        console.print(Group(*blocks))  # one print: faster
        for line in render.notes(report):
            console.print(line)
        console.print(render.report_summary(report))
    if debug:
        from sorachi_etl.cli import render

        render.print_traces(report, debug)
    if annotations is not None and annotate is not None:
        _tell_annotated(report, annotations, annotate, as_json)
    raise typer.Exit(0 if report.valid else 1)


def _tell_annotated(report, annotations, folder: Path, as_json: bool) -> None:
    """Which copies were written, and which faulty files got none and why (stderr with --json)."""
    from sorachi_etl.book.annotate import annotated_name, is_converted

    out = err_console if as_json else console
    written = {p.name for p in annotations.written}
    for path in annotations.written:
        out.print(f"返送用のコピーを作りました: {path}", markup=False)
    for fr in report.files:
        if annotated_name(Path(fr.file)) in written and is_converted(Path(fr.file)):
            out.print(
                f"  （{fr.file} は .xlsx に変換してコピーを作りました。値・確認事項・"
                "赤いセルとコメントは付いていますが、書式や入力規則は引き継いでいません）",
                markup=False,
            )
    for name, reason in annotations.failed.items():
        out.print(
            f"{name} は返送用のコピーを作れませんでした（{reason}）。確認事項を別途伝えてください。",
            markup=False,
        )
    faulty = ("invalid", "partial")
    if not annotations.written and not any(f.status in faulty for f in report.files):
        out.print(f"要修正の調査票がないため、{folder} には何も作っていません。", markup=False)


def register(app: typer.Typer) -> None:
    app.command(no_args_is_help=True)(validate)
