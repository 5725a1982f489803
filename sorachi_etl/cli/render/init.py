"""What `init` prints: the master made, the file it replaced, what it holds."""

from __future__ import annotations

from rich.markup import escape

from sorachi_etl.cli.common import OutputConsole


def print_init(result, console: OutputConsole, *, empty: bool) -> None:
    """The master's path (and the backup of the file overwritten), then its contents."""
    m = result.master
    console.print(f"マスタを作成しました: [bold]{escape(str(result.path))}[/]")
    if result.backup:
        console.print(f"上書きする前のファイル: {escape(str(result.backup))}")
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
