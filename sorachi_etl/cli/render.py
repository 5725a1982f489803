"""Rich renderings of what the library returns. Fed plain data, prints nothing itself."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from sorachi_etl.kpi.aggregate import KpiTable, rate_band
from sorachi_etl.model.eras import format_fiscal_year_long

BAND_STYLES = {"good": "bold green", "fair": "bold yellow", "low": "bold red"}


PROJECT_MARKS = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def _mark(no: int) -> str:
    return PROJECT_MARKS[no - 1] if 1 <= no <= len(PROJECT_MARKS) else f"({no})"


def kpi_table(table: KpiTable, width: int | None = None) -> Table:
    """The KPI list for a terminal: projects as ①…, years with no value at all left out.

    Given the console's `width`, the columns that do not fit are left out, the least
    needed first (基準値, then the years other than the actual year from the oldest,
    then 目標値), so that 進捗率 is never cut off; the caption says which.
    """
    shown = [
        y for y in table.years if y == table.actual_year or any(y in r.values for r in table.rows)
    ]
    spare: list[int | str] = [
        "基準値",
        *(y for y in shown if y < table.actual_year),
        *(y for y in shown if y > table.actual_year),
        "目標値",
    ]
    left_out: list[int | str] = []
    t = _kpi_table(table, shown, left_out)
    while width is not None and spare and _too_wide(t, width):
        left_out.append(spare.pop(0))
        t = _kpi_table(table, shown, left_out)
    return t


def _kpi_table(table: KpiTable, shown: list[int], left_out: list[int | str]) -> Table:
    from sorachi_etl.kpi.formats import row_strings
    from sorachi_etl.model.eras import format_fiscal_year

    years = [y for y in shown if y not in left_out]
    caption = [
        f"{_mark(no)} {name}"
        for no, name in dict.fromkeys((r.project_no, r.project_name) for r in table.rows)
    ]
    if left_out:
        names = "".join(
            f"「{format_fiscal_year(c) if isinstance(c, int) else c}」" for c in left_out
        )
        caption.append(
            f"※画面の幅に合わせて{names}の列を省いています（画面を広げると表示します）。"
        )
    t = Table(
        title=f"{format_fiscal_year_long(table.report_year)} 評価指標（KPI）一覧"
        f"（実績年: {format_fiscal_year_long(table.actual_year)}）",
        caption="\n".join(caption),
        caption_justify="left",
        title_justify="left",
        show_lines=False,
    )
    t.add_column("評価指標（KPI）", overflow="fold", min_width=14)
    if "基準値" not in left_out:
        t.add_column("基準値", justify="right", overflow="fold")
    for y in years:
        t.add_column(format_fiscal_year(y), justify="right", overflow="fold")
    if "目標値" not in left_out:
        t.add_column("目標値", justify="right", overflow="fold")
    t.add_column("進捗率", justify="right", min_width=6, no_wrap=True)
    previous = None
    for row in table.rows:
        cells = row_strings(table, row)
        by_year = dict(zip(table.years, cells[3:-2], strict=True))
        if previous is not None and row.project_no != previous:
            t.add_section()
        label = (
            f"{_mark(row.project_no)}{row.label}"
            if row.project_no != previous
            else f"　{row.label}"
        )
        previous = row.project_no
        band = rate_band(row.rate)
        base = [] if "基準値" in left_out else [cells[2].replace("（", "\n（")]
        target = [] if "目標値" in left_out else [cells[-2].replace("（", "\n（")]
        year_cells = [
            Text(by_year[y], style="yellow" if by_year[y].startswith("集計中") else "")
            for y in years
        ]
        t.add_row(
            Text(label),
            *base,
            *year_cells,
            *target,
            Text(cells[-1], style=BAND_STYLES.get(band, "dim")),
        )
    return t


def _too_wide(renderable: Table, width: int) -> bool:
    """Whether Rich would have to crop `renderable` at `width` columns."""
    import io

    from rich.cells import cell_len
    from rich.console import Console

    probe = Console(width=width, file=io.StringIO(), color_system=None, legacy_windows=False)
    probe.print(renderable, crop=False)
    return any(cell_len(line) > width for line in probe.file.getvalue().splitlines())


def analysis(table: KpiTable) -> Text:
    text = Text("分析・対応方向\n", style="bold")
    for line in table.analysis:
        text.append(f"・{line}\n")
    return text


STATUS_LABELS = {
    "ok": ("問題なし", "green"),
    "partial": ("一部受付", "yellow"),
    "invalid": ("要修正", "red"),
    "unreadable": ("読み取れません", "red"),
}


def _file_title(fr, color: str, label: str) -> Text:
    # Built as Text, never as markup: a file name like "R6_調査票[1].xlsx" is not a style tag.
    title = Text()
    title.append(fr.file, style="bold")
    title.append("  ")
    title.append(label, style=color)
    if fr.reporter and fr.reporter not in fr.file:
        title.append(f"  （{fr.reporter}）")
    return title


# Past this many files with findings a box per file makes a long run hard to read
# through (and slow to draw): they are listed plainly instead, file after file.
BOXED_MOST = 20


def file_reports(report, *, flagged_only: bool = False, plain: bool = False) -> list:
    """A Rich block per file: a line for a file without findings (unless `flagged_only`),
    else its findings (errors first) with where each is and what to do: in a panel,
    or, when many files have findings or `plain` is asked for (output to a file or a
    pipe), as plain indented lines."""
    from rich.panel import Panel

    boxed = not plain and sum(1 for fr in report.files if fr.findings) <= BOXED_MOST
    blocks: list = []
    for fr in report.files:
        label, color = STATUS_LABELS[fr.status]
        title = _file_title(fr, color, label)
        if not fr.findings:
            if not flagged_only:
                blocks.append(Text("○ ", style=color) + title)
            continue
        findings = sorted(fr.findings, key=lambda f: f.severity != "error")
        if not boxed:
            blocks.append(Text("■ ", style=color) + title)
            for f in findings:
                where = _where(f)
                head = _severity(f)
                if where:
                    head.append(f"  {where}")
                blocks.append(_Indented(head, 2))
                blocks.append(_Indented(Text(_without_place(f.message, where)), 4))
            continue
        placed = any(f.sheet for f in fr.findings)
        t = Table(show_header=placed, header_style="bold", box=None, pad_edge=False)
        t.add_column("区分", no_wrap=True)
        if placed:
            t.add_column("場所", no_wrap=True)
        t.add_column("内容", overflow="fold")
        for f in findings:
            where = _where(f)
            message = Text(_without_place(f.message, where))
            if placed:
                t.add_row(_severity(f), Text(where), message)
            else:
                t.add_row(_severity(f), message)
        blocks.append(Panel(t, title=title, title_align="left", border_style=color))
    return blocks


class _Indented:
    """Text wrapped to the width an indent leaves, every line indented, no line padded."""

    def __init__(self, text: Text, indent: int) -> None:
        self.text, self.indent = text, indent

    def __rich_console__(self, console, options):
        from rich.segment import Segment

        if getattr(console, "piped", False):  # to a file or a pipe: one line, never wrapped
            yield Segment(" " * self.indent)
            yield from self.text.render(console)
            yield Segment.line()
            return
        for line in self.text.wrap(console, max(10, options.max_width - self.indent)):
            yield Segment(" " * self.indent)
            yield from line.render(console)
            yield Segment.line()


def _where(f) -> str:
    return f"{f.sheet}!{f.cell}" if f.sheet and f.cell else (f.sheet or "")


def _severity(f) -> Text:
    if f.severity == "error":
        return Text("エラー", style="bold red")
    return Text("注意", style="yellow")


def _without_place(message: str, where: str) -> str:
    """The message without its leading "調査実績!E5の": the place has its own column."""
    if not where or "!" not in where or not message.startswith(where):
        return message
    rest = message[len(where) :]
    return rest[1:] if rest[:1] in ("の", "は") else rest


def notes(report) -> list[Text]:
    """The run's 注意 about files found beside the returns and not read, one line each."""
    out = []
    for line in report.notes():
        text = Text("注意: ", style="yellow")
        text.append(line)
        out.append(text)
    return out


def report_summary(report) -> Text:
    """One line: how many files are fine, need fixing or cannot be read, and how many findings."""
    counts = {s: sum(1 for f in report.files if f.status == s) for s in STATUS_LABELS}
    errors = sum(len(f.errors) for f in report.files)
    warnings = sum(len(f.warnings) for f in report.files)
    text = Text()
    text.append(f"{len(report.files)}ファイルを点検: ", style="bold")
    text.append(f"問題なし {counts['ok']}", style="green")
    text.append("、")
    if counts["partial"]:
        text.append(f"一部受付 {counts['partial']}", style="yellow")
        text.append("、")
    text.append(f"要修正 {counts['invalid']}", style="red" if counts["invalid"] else "")
    text.append("、")
    text.append(f"読み取れない {counts['unreadable']}", style="red" if counts["unreadable"] else "")
    text.append(f"（エラー {errors}件、注意 {warnings}件）")
    return text


def status_table(status) -> Table:
    from sorachi_etl.model.eras import format_fiscal_year_long

    styles = {"受付済": "green", "一部受付": "yellow", "要修正": "bold red", "未提出": "yellow"}
    t = Table(
        title=f"{format_fiscal_year_long(status.year)} 調査票の提出状況", title_justify="left"
    )
    t.add_column("市町名", no_wrap=True)
    t.add_column("状態", no_wrap=True)
    t.add_column("取込日時", no_wrap=True)
    t.add_column("ファイル", overflow="fold")
    t.add_column("集計中の項目", overflow="fold")
    for r in status.rows:
        state = r.state + (f"（{'・'.join(r.held_back)}を要修正）" if r.held_back else "")
        if r.unreadable:
            state += "（読取不可）"
        t.add_row(
            r.reporter,
            Text(state, style=styles.get(r.state, "")),
            f"{r.received_at:%Y/%m/%d %H:%M}" if r.received_at else "",
            r.file,
            "、".join(r.pending),
        )
    return t


def kpi_changes(changes) -> Table | Text:
    if not changes:
        return Text("評価指標の値・進捗率に変化はありません。")
    t = Table(title="評価指標の変化", title_justify="left")
    t.add_column("評価指標（年度）", overflow="fold")
    t.add_column("前", justify="right")
    t.add_column("後", justify="right")
    t.add_column("進捗率", justify="right")
    from sorachi_etl.kpi.aggregate import format_rate
    from sorachi_etl.model.eras import format_fiscal_year

    for c in changes:
        new_rate = format_rate(c.new_rate)
        if c.rate_year is not None:
            new_rate += f"（{format_fiscal_year(c.rate_year)}）"
        rate = (
            new_rate
            if c.old_rate is None or c.old_rate == c.new_rate
            else f"{format_rate(c.old_rate)} → {new_rate}"
        )
        label = f"{c.kpi.name}（{format_fiscal_year(c.year)}）"
        t.add_row(label, c.value_text(c.old), Text(c.value_text(c.new), style="bold"), rate)
    return t


def cell_changes(changes, most: int = 200) -> Table:
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


def partial_text(fr) -> str:
    """What to ask of a 一部受付 file: which part to fix, which part went in."""
    from sorachi_etl.check.accept import PART_NAMES

    held = "・".join(PART_NAMES[p] for p in fr.held_back)
    kept = "・".join(PART_NAMES[p] for p in PART_NAMES if p not in fr.held_back)
    return f"一部受付: {held}を直して送り直してもらってください。{kept}は取り込みました"


def skipped_text(fr) -> str:
    """Why a file was not merged, in a few words: to fix, or could not be read (and why)."""
    from sorachi_etl.model.names import REFUSAL_LABELS

    if fr.status == "unreadable":
        label = REFUSAL_LABELS.get(fr.refusal or "", "")
        reason = f"読み取れません（{label}）" if label else "読み取れません"
        who = f"。{fr.reporter}から" if fr.reporter else "。"
        return f"{reason}{who}送り直してもらってください"
    if fr.status in ("ok", "partial"):
        return "同じ報告者の新しい調査票を使いました"
    return "直して送り直してもらってください"


def print_traces(report, debug: bool) -> None:
    """With --debug, the traceback of each file whose checking failed unexpectedly (stderr)."""
    if not debug:
        return
    from sorachi_etl.cli.common import err_console

    for fr in report.files:
        if fr.trace:
            err_console.print(f"--- {fr.file}: 点検中の予期しない問題 ---", markup=False)
            err_console.print(fr.trace, markup=False, highlight=False)
