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

PathArgument = Annotated[
    Path,
    typer.Argument(
        metavar=FILE, help="作成するマスタブックのパス（例: master.xlsx）。", show_default=False
    ),
]
EmptyOption = Annotated[
    bool, typer.Option("--empty", help="サンプルデータを入れず、空の様式だけを作ります。")
]
ForceOption = Annotated[
    bool,
    typer.Option(
        "--force",
        help="同じ名前のファイルがあれば上書きします（元のファイルは backup フォルダに残します）。",
    ),
]


def init(
    path: PathArgument,
    empty: EmptyOption = False,
    force: ForceOption = False,
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
    from sorachi_etl.cli.render.init import print_init

    result = run(
        lambda: init_master(
            path, empty=empty, overwrite=force, force_unlock=force_unlock, notify=print_notice
        ),
        debug,
    )
    print_init(result, console, empty=empty)


def register(app: typer.Typer) -> None:
    app.command(no_args_is_help=True)(init)
