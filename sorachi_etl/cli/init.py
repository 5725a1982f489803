"""sorachi-etl init: create a master workbook."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sorachi_etl.cli.common import (
    FILE,
    DebugOption,
    ForceUnlockOption,
    console,
    print_notice,
    run,
)


def init(
    path: Annotated[
        Path,
        typer.Argument(
            metavar=FILE, help="作成するマスタブックのパス（例: master.xlsx）。", show_default=False
        ),
    ],
    empty: Annotated[
        bool, typer.Option("--empty", help="サンプルデータを入れず、空の様式だけを作ります。")
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="同じ名前のファイルがあれば上書きします（元のファイルは backup フォルダに残します）。",
        ),
    ] = False,
    force_unlock: ForceUnlockOption = False,
    debug: DebugOption = False,
) -> None:
    """マスタブックを作成します。

    既定では、令和6年度の推進管理報告書のデータ（プロジェクト・市町・調査項目・評価指標・
    公表値・取組・事業）を入れたマスタを作ります。

    [bold]例[/]

      sorachi-etl init master.xlsx

      sorachi-etl init 新マスタ.xlsx --empty
    """
    from sorachi_etl.api import init_master

    result = run(
        lambda: init_master(
            path, empty=empty, overwrite=force, force_unlock=force_unlock, notify=print_notice
        ),
        debug,
    )
    m = result.master
    console.print(f"マスタを作成しました: [bold]{result.path}[/]")
    if result.backup:
        console.print(f"上書きする前のファイル: {result.backup}")
    if empty:
        console.print(
            "空の様式です。シート「プロジェクト」「市町」「調査項目」「評価指標」を入力してください。"
        )
    else:
        console.print(
            f"  プロジェクト {len(m.projects)}件、報告者 {len(m.reporters)}団体、"
            f"調査項目 {len(m.measures)}件、評価指標 {len(m.kpis)}件（一覧 {len(result.table.rows)}行）、"
            f"取組 {len(m.initiatives)}件、事業 {len(m.businesses)}件"
        )


def register(app: typer.Typer) -> None:
    app.command(no_args_is_help=True)(init)
