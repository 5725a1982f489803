"""sorachi-etl merge: validate, then merge every valid workbook into the master."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sorachi_etl.cli.common import (
    DebugOption,
    ForceUnlockOption,
    JsonOption,
    MasterOption,
    PasswordOption,
    YearOption,
    console,
    file_progress,
    parse_year,
    paths_argument,
    print_json,
    print_notice,
    run,
)


def merge(
    paths: Annotated[
        list[Path],
        paths_argument("取り込む調査票ファイル、またはそれが入ったフォルダ（いくつでも）。"),
    ],
    master: MasterOption,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="書き込まずに、マスタに加える変更だけを表示します。")
    ] = False,
    year: YearOption = None,
    password: PasswordOption = None,
    force_unlock: ForceUnlockOption = False,
    as_json: JsonOption = False,
    debug: DebugOption = False,
) -> None:
    """調査票を点検し、問題のないものをマスタに取り込みます。

    調査票の実績値（調査実績）と取組は別々に受け付けます。片方に問題があれば
    その部分だけを取り込まず、もう片方は取り込みます（一部受付）。本人確認（市町・
    年度）などに問題がある調査票や、読み取れないファイルは取り込みません。
    取り込み後、評価指標を集計し直し、「評価指標一覧」「提出状況」「推移グラフ」を
    作り直します。書き込む前のマスタは backup フォルダに残ります（新しいものから
    「設定」シートの「バックアップの保存数」だけ）。新しい内容がなければ、マスタには
    書き込みません。別の人が同じマスタに取り込んでいる間は、終わるまで待つよう表示して止まります。
    .xls・.ods の調査票も読み取ります。

    [bold]例[/]

      sorachi-etl merge 回収 --master master.xlsx

      sorachi-etl merge 回収 --master master.xlsx --dry-run

      sorachi-etl merge 回収 --master master.xlsx --force-unlock
    """
    from sorachi_etl.api import merge_paths

    def go():
        fiscal_year = parse_year(year)
        with file_progress("調査票を点検しています") as progress:
            return merge_paths(
                paths,
                master,
                dry_run=dry_run,
                year=fiscal_year,
                password=password,
                progress=progress,
                force_unlock=force_unlock,
                notify=print_notice,
            )

    outcome = run(go, debug)
    report, result = outcome.validation.report, outcome.result
    if as_json:
        print_json(outcome.to_dict())
        raise typer.Exit(0 if report.valid else 1)

    from rich.console import Group

    from sorachi_etl.cli import render

    blocks = render.file_reports(report, flagged_only=True, plain=console.piped)
    console.print(Group(*blocks))  # one print: faster
    for line in render.notes(report):
        console.print(line)
    console.print(render.report_summary(report))
    render.print_traces(report, debug)
    merged = set(result.merged_files)
    partial = [f for f in report.files if f.status == "partial" and f.file in merged]
    skipped = [f for f in report.files if f.status != "ok" and f.file not in merged]
    console.print(
        f"取り込み: {len(merged)}ファイル"
        + (f"（うち一部受付 {len(partial)}）" if partial else "")
        + f"　取り込まなかった: {len(skipped)}ファイル",
        markup=False,
    )
    for f in partial:
        console.print(f"  ・{f.file}（{render.partial_text(f)}）", markup=False, soft_wrap=True)
    for f in skipped:
        console.print(f"  ・{f.file}（{render.skipped_text(f)}）", markup=False, soft_wrap=True)
    if dry_run:
        if result.changes:
            console.print(render.cell_changes(result.changes))
        else:
            console.print("マスタに加える変更はありません。")
    console.print(render.kpi_changes(result.kpi_changes))
    missing = outcome.missing
    if missing:
        console.print(f"未提出（{len(missing)}）: " + "、".join(missing))
    if outcome.written:
        changed = (
            "変更を書き込みました"
            if result.changes
            else "データの変更はありませんでした（取込履歴の追記と、一覧・提出状況の作り直しだけ）"
        )
        console.print(f"マスタ「{master}」: {changed}。")
        if outcome.backup:
            console.print(f"書き込む前のマスタ: {outcome.backup}")
    elif outcome.unchanged:
        console.print(
            f"マスタ「{master}」: 変更はありませんでした。マスタには書き込んでいません"
            "（バックアップも作っていません）。"
        )
    else:
        console.print("[bold]--dry-run のため、マスタには書き込んでいません。[/]")
    raise typer.Exit(0 if report.valid else 1)


def register(app: typer.Typer) -> None:
    app.command(no_args_is_help=True)(merge)
