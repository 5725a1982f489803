"""sorachi-etl demo: the main job end to end on the bundled samples."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sorachi_etl.cli.common import FOLDER, DebugOption, console, run


def demo(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            metavar=FOLDER,
            help="作業フォルダ（既定: 新しい sorachi-demo-日時 フォルダ）。",
            show_default=False,
        ),
    ] = None,
    debug: DebugOption = False,
) -> None:
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
    from sorachi_etl.cli import render

    folder = out or Path(f"sorachi-demo-{dt.datetime.now():%Y%m%d-%H%M%S}")
    with console.status("サンプルデータで処理しています…"):
        result = run(lambda: run_demo(folder), debug)
    report = result.validation.report
    merge = result.outcome.result

    heading("1. マスタと調査票を作成")
    console.print(f"マスタ: {result.master_path}（令和6年度推進管理報告書のデータ入り）")
    console.print(f"調査票: {result.folder / '調査票'}（報告者ごとに {len(result.templates)}件）")

    heading("2. 回収した調査票を点検（sorachi-etl validate）")
    console.print(
        f"サンプルの回収ファイル {len(report.files)}件（1団体は未提出の想定）を点検しました。"
    )
    for block in render.file_reports(report):
        if hasattr(block, "title") and (
            "要修正" in str(block.title) or "一部受付" in str(block.title)
        ):
            console.print(block)
    console.print(render.report_summary(report))
    for path in result.annotated.written:
        console.print(f"返送用のコピー（問題のセルを赤く塗りコメント付き）: {path}")

    heading("3. マスタに取り込み（sorachi-etl merge）")
    merged = set(merge.merged_files)
    partial = [f for f in report.files if f.status == "partial" and f.file in merged]
    skipped = [f.file for f in report.files if f.status != "ok" and f.file not in merged]
    console.print(
        f"取り込み {len(merged)}件"
        + (f"（うち一部受付 {len(partial)}件）" if partial else "")
        + f"、取り込まなかった {len(skipped)}件（要修正のため）"
    )
    for f in partial:
        console.print(f"  ・{f.file}（{render.partial_text(f)}）", markup=False, soft_wrap=True)
    console.print(render.kpi_changes(merge.kpi_changes))
    if result.outcome.backup:
        console.print(f"取り込み前のマスタは {result.outcome.backup} に残しています。")

    heading("4. 提出状況（sorachi-etl status）")
    status = result.status
    partial_count = status.count("一部受付")
    console.print(
        f"提出済 {status.count('受付済')}／{len(status.rows)}　"
        + (f"一部受付 {partial_count}　" if partial_count else "")
        + f"要修正 {status.count('要修正')}　未提出 {status.count('未提出')}"
    )
    for r in status.to_chase:
        detail = "、".join(r.pending) if r.state == "受付済" else r.state
        if r.held_back:
            detail += f"（{'・'.join(r.held_back)}を要修正）"
        console.print(f"  ・{r.reporter}: {detail}")

    heading("5. 評価指標一覧（sorachi-etl report）")
    console.print(render.kpi_table(merge.table, width=console.width))
    console.print(render.analysis(merge.table))

    heading("6. 報告書を作成（sorachi-etl publish）")
    publication = result.publication
    if publication is not None:
        console.print(
            f"取り込んだ値で{publication.report.year_text}の報告書を作りました"
            "（実績年はその前年度）。",
            markup=False,
        )
        for path in publication.files.values():
            console.print(f"  {path}", markup=False, soft_wrap=True)
        for f in publication.findings:
            console.print("[yellow]注意:[/] ", end="")
            console.print(f.message, markup=False, soft_wrap=True)

    heading("作成したファイル")
    console.print(f"作業フォルダ: [bold]{result.folder.resolve()}[/]")
    console.print(
        "  master.xlsx … マスタ（「評価指標一覧」「提出状況」「推移グラフ」シートを確認してください）"
    )
    console.print(
        "  調査票/ … 報告者に送る調査票　回収/ … 返ってきた調査票（サンプル）　返送用/ … 修正依頼用のコピー"
    )
    console.print(
        "  報告書/ … 推進管理報告書（印刷用のExcel・PDF・ホームページ用のHTML）　写真/ … 取組の写真（見本）"
    )
    console.print(
        "次は、同じフォルダで [bold]sorachi-etl status --master master.xlsx[/] などを試してください。"
    )


def heading(title: str) -> None:
    """A section's title: a rule across a terminal, a plain line in a file or a pipe."""
    if console.piped:
        console.print(f"■ {title}", markup=False)
    else:
        console.rule(f"[bold]{title}")


def register(app: typer.Typer) -> None:
    app.command()(demo)
