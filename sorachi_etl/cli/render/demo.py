"""What `demo` prints: each step of the yearly work on the samples, as the real commands show it."""

from __future__ import annotations

from rich.markup import escape

from sorachi_etl.cli.common import OutputConsole
from sorachi_etl.cli.render.checks import (
    file_reports,
    partial_text,
    report_summary,
    taken_and_not,
)
from sorachi_etl.cli.render.kpis import analysis, kpi_changes, kpi_table
from sorachi_etl.cli.render.publish import print_warnings


def print_demo(result, console: OutputConsole) -> None:
    """A section per step: master and surveys, check, merge, status, KPI list, report,
    then the files made."""
    _print_made(result, console)
    _print_checked(result, console)
    _print_merged(result, console)
    _print_status(result.status, console)
    heading("5. 評価指標一覧（sorachi-etl report）", console)
    console.print(kpi_table(result.outcome.result.table, width=console.width))
    console.print(analysis(result.outcome.result.table))
    _print_publication(result.publication, console)
    _print_files(result, console)


def heading(title: str, console: OutputConsole) -> None:
    """A section's title: a rule across a terminal, a plain line in a file or a pipe."""
    if console.piped:
        console.print(f"■ {title}", markup=False)
    else:
        console.rule(f"[bold]{title}")


def _print_made(result, console: OutputConsole) -> None:
    heading("1. マスタと調査票を作成", console)
    console.print(
        f"マスタ: {escape(str(result.master_path))}（令和6年度推進管理報告書のデータ入り）"
    )
    console.print(
        f"調査票: {escape(str(result.folder / '調査票'))}（報告者ごとに {len(result.templates)}件）"
    )


def _print_checked(result, console: OutputConsole) -> None:
    """The files to fix (一部受付 or 要修正) in their boxes, the counts, the copies annotated."""
    report = result.validation.report
    heading("2. 回収した調査票を点検（sorachi-etl validate）", console)
    console.print(
        f"サンプルの回収ファイル {len(report.files)}件（1団体は未提出の想定）を点検しました。"
    )
    for block in file_reports(report):
        if hasattr(block, "title") and (
            "要修正" in str(block.title) or "一部受付" in str(block.title)
        ):
            console.print(block)
    console.print(report_summary(report))
    for path in result.annotated.written:
        console.print(f"返送用のコピー（問題のセルを赤く塗りコメント付き）: {escape(str(path))}")


def _print_merged(result, console: OutputConsole) -> None:
    """The files taken and not, what to ask of the 一部受付 ones, the KPIs changed, the backup."""
    report, merge = result.validation.report, result.outcome.result
    heading("3. マスタに取り込み（sorachi-etl merge）", console)
    merged, partial, skipped = taken_and_not(report, merge.merged_files)
    console.print(
        f"取り込み {len(merged)}件"
        + (f"（うち一部受付 {len(partial)}件）" if partial else "")
        + f"、取り込まなかった {len(skipped)}件（要修正のため）"
    )
    for f in partial:
        console.print(f"  ・{f.file}（{partial_text(f)}）", markup=False, soft_wrap=True)
    console.print(kpi_changes(merge.kpi_changes))
    if result.outcome.backup:
        console.print(f"取り込み前のマスタは {escape(str(result.outcome.backup))} に残しています。")


def _print_status(status, console: OutputConsole) -> None:
    """The line of counts, then each reporter to chase and for what."""
    heading("4. 提出状況（sorachi-etl status）", console)
    console.print(status.counts_line())
    for r in status.to_chase:
        detail = "、".join(r.pending) if r.state == "受付済" else r.state
        if r.held_back:
            detail += f"（{'・'.join(r.held_back)}を要修正）"
        console.print(f"  ・{escape(r.reporter)}: {escape(str(detail))}")


def _print_publication(publication, console: OutputConsole) -> None:
    heading("6. 報告書を作成（sorachi-etl publish）", console)
    if publication is None:
        return
    console.print(
        f"取り込んだ値で{publication.report.year_text}の報告書を作りました（実績年はその前年度）。",
        markup=False,
    )
    for path in publication.files.values():
        console.print(f"  {path}", markup=False, soft_wrap=True)
    print_warnings(publication.findings, console)


def _print_files(result, console: OutputConsole) -> None:
    heading("作成したファイル", console)
    console.print(f"作業フォルダ: [bold]{escape(str(result.folder.resolve()))}[/]")
    console.print(
        "  master.xlsx … マスタ（「評価指標一覧」「提出状況」「推移グラフ」シートを確認してください）"
    )
    console.print(
        "  調査票/ … 報告者に送る調査票　回収/ … 返ってきた調査票（サンプル）　返送用/ … 修正依頼用のコピー"
    )
    console.print(
        "  報告書/ … 推進管理報告書（印刷用のExcel・PDF・ホームページ用のHTML）　写真/ … 取組の写真（見本）"
    )
    folder = str(result.folder.resolve())
    if " " in folder or "　" in folder:
        folder = f'"{folder}"'
    console.print(
        f"次は、[bold]cd {escape(folder)}[/] で作業フォルダに移ってから、"
        "[bold]sorachi-etl status --master master.xlsx[/] などを試してください。",
        soft_wrap=True,
    )
