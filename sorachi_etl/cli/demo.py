"""sorachi-etl demo: the main job end to end on the bundled samples."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sorachi_etl.cli.common import DebugOption, console, run


def demo(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="作業フォルダ（既定: 新しい sorachi-demo-日時 フォルダ）。",
            show_default=False,
        ),
    ] = None,
    debug: DebugOption = False,
) -> None:
    """サンプルデータで一連の流れを試します（最初の一歩に）。

    新しいフォルダにマスタを作り、評価指標（KPI）一覧を表示します。

    [bold]例[/]

      sorachi-etl demo

      sorachi-etl demo --out デモ
    """
    import datetime as dt

    from sorachi_etl.api import init_master
    from sorachi_etl.cli import render

    folder = out or Path(f"sorachi-demo-{dt.datetime.now():%Y%m%d-%H%M%S}")
    result = run(lambda: init_master(folder / "master.xlsx", overwrite=True), debug)
    console.print(f"マスタを作成しました: [bold]{result.path}[/]")
    console.print(render.kpi_table(result.table))
    console.print(render.analysis(result.table))


def register(app: typer.Typer) -> None:
    app.command()(demo)
