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
    print_notice,
    run,
)

ReturnsArgument = Annotated[
    list[Path],
    paths_argument("取り込む調査票ファイル、またはそれが入ったフォルダ（いくつでも）。"),
]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="書き込まずに、マスタに加える変更だけを表示します。")
]


def merge(
    paths: ReturnsArgument,
    master: MasterOption,
    dry_run: DryRunOption = False,
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
    from sorachi_etl.cli.render.merge import print_merge

    def take():
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

    outcome = run(take, debug)
    print_merge(outcome, console, as_json=as_json, master=master, dry_run=dry_run, debug=debug)
    raise typer.Exit(0 if outcome.validation.report.valid else 1)


def register(app: typer.Typer) -> None:
    app.command(no_args_is_help=True)(merge)
