"""What `template` prints: how many survey workbooks were made, where, and the first few."""

from __future__ import annotations

from pathlib import Path

from sorachi_etl.cli.common import OutputConsole
from sorachi_etl.model.eras import format_fiscal_year_long

# How many file names the summary lists before it only counts.
SHOWN = 5


def print_template(results: list, console: OutputConsole, *, year: int, folder: Path) -> None:
    """The count and folder, then each workbook's measures and 前年度実績 (the first SHOWN)."""
    console.print(
        f"{format_fiscal_year_long(year)}の調査票を [bold]{len(results)}件[/] "
        f"作成しました: [bold]{folder}[/]"
    )
    for result in results[:SHOWN]:
        previous = f"、前年度実績 {result.previous}件" if result.previous else ""
        console.print(
            f"  {result.path.name}（調査項目 {len(result.measures)}件{previous}）", markup=False
        )
    if len(results) > SHOWN:
        console.print(f"  ほか {len(results) - SHOWN}件")
