"""What `merge` prints: the files with findings, what was taken, the changes, the master's fate."""

from __future__ import annotations

from pathlib import Path

from rich.table import Table

from sorachi_etl.cli.common import OutputConsole, print_json
from sorachi_etl.cli.render.checks import (
    partial_text,
    print_checks,
    print_traces,
    skipped_text,
    taken_and_not,
)
from sorachi_etl.cli.render.kpis import kpi_changes


def print_merge(
    outcome, console: OutputConsole, *, as_json: bool, master: Path, dry_run: bool, debug: bool
) -> None:
    """The files with findings, the files taken and not, the changes (cells with
    --dry-run, then the KPIs), who has not sent, and whether the master was written;
    with `as_json`, the outcome's own `to_dict()`."""
    if as_json:
        print_json(outcome.to_dict())
        return
    report, result = outcome.validation.report, outcome.result
    print_checks(report, console, flagged_only=True)
    print_traces(report, debug)
    _print_taken(report, result, console, outcome.validation.superseded)
    if dry_run:
        if result.changes:
            console.print(cell_changes(result.changes))
        else:
            console.print("マスタに加える変更はありません。")
    console.print(kpi_changes(result.kpi_changes))
    missing = outcome.missing
    if missing:
        console.print(f"未提出（{len(missing)}）: " + "、".join(missing), markup=False)
    _print_master(outcome, console, master)


def _print_taken(report, result, console: OutputConsole, superseded: list[str]) -> None:
    """How many files were taken (一部受付 among them) and not, and what to ask of each
    (nothing of a file `superseded` by its reporter's newer return)."""
    merged, partial, skipped = taken_and_not(report, result.merged_files)
    console.print(
        f"取り込み: {len(merged)}ファイル"
        + (f"（うち一部受付 {len(partial)}）" if partial else "")
        + f"　取り込まなかった: {len(skipped)}ファイル",
        markup=False,
    )
    for f in partial:
        console.print(f"  ・{f.file}（{partial_text(f)}）", markup=False, soft_wrap=True)
    for f in skipped:
        why = skipped_text(f, superseded=f.file in superseded)
        console.print(f"  ・{f.file}（{why}）", markup=False, soft_wrap=True)


def _print_master(outcome, console: OutputConsole, master: Path) -> None:
    """Whether the master was written (and where its backup is), left alone, or a dry run."""
    if outcome.written:
        changed = (
            "変更を書き込みました"
            if outcome.result.changes
            else "データの変更はありませんでした（取込履歴の追記と、一覧・提出状況の作り直しだけ）"
        )
        console.print(f"マスタ「{master}」: {changed}。", markup=False)
        if outcome.backup:
            console.print(f"書き込む前のマスタ: {outcome.backup}", markup=False)
    elif outcome.unchanged:
        console.print(
            f"マスタ「{master}」: 変更はありませんでした。マスタには書き込んでいません"
            "（バックアップも作っていません）。"
        )
    else:
        console.print("[bold]--dry-run のため、マスタには書き込んでいません。[/]")


def cell_changes(changes, most: int = 200) -> Table:
    """The cells --dry-run would change: sheet, row, column, before and after (the first `most`)."""
    t = Table(title="マスタに加える変更（--dry-run: まだ書き込んでいません）", title_justify="left")
    for name in ("シート", "行", "列", "前", "後"):
        t.add_column(name, overflow="fold")
    for c in changes[:most]:
        t.add_row(c.sheet, c.key, c.column, _shown(c.old), _shown(c.new))
    if len(changes) > most:
        t.caption = f"ほか {len(changes) - most} 件"
    return t


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,}"
    return str(value)
