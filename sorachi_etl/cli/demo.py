"""sorachi-etl demo: the main job end to end on the bundled samples."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sorachi_etl.cli.common import DebugOption, console, out_option, run

OutOption = Annotated[
    Path | None, out_option("作業フォルダ（既定: 新しい sorachi-demo-日時 フォルダ）。")
]


def demo(out: OutOption = None, debug: DebugOption = False) -> None:
    """サンプルデータで一連の流れを試します（最初の一歩に）。

    新しいフォルダに、マスタの作成 → 調査票の作成 → 回収した調査票（サンプル27件）の
    点検 → マスタへの取り込み → 提出状況と評価指標一覧の表示 → 報告書の作成、
    までを行います。サンプルの数値と写真は説明用の架空のものです。

    [bold]例[/]

      sorachi-etl demo

      sorachi-etl demo --out デモ
    """
    import datetime as dt

    from sorachi_etl.api import run_demo
    from sorachi_etl.cli.render.demo import print_demo

    folder = out or Path(f"sorachi-demo-{dt.datetime.now():%Y%m%d-%H%M%S}")
    with console.status("サンプルデータで処理しています…"):
        result = run(lambda: run_demo(folder), debug)
    print_demo(result, console)


def register(app: typer.Typer) -> None:
    app.command()(demo)
