"""The returned files checked, file by file: for validate, merge and demo."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from sorachi_etl.cli.common import OutputConsole, err_console
from sorachi_etl.cli.wrapping import JapaneseText
from sorachi_etl.model.messages import phrase

STATUS_LABELS = {
    "ok": ("問題なし", "green"),
    "partial": ("一部受付", "yellow"),
    "invalid": ("要修正", "red"),
    "unreadable": ("読み取れません", "red"),
}

# Past this many files with findings a box per file makes a long run hard to read
# through (and slow to draw): they are listed plainly instead, file after file.
BOXED_MOST = 20


def print_checks(report, console: OutputConsole, *, flagged_only: bool = False) -> None:
    """Every file's findings, the 注意 about files not read, and the line of counts."""
    blocks = file_reports(report, flagged_only=flagged_only, plain=console.piped)
    console.print(Group(*blocks))  # one print: faster
    for line in notes(report):
        console.print(line)
    console.print(report_summary(report))


def file_reports(report, *, flagged_only: bool = False, plain: bool = False) -> list:
    """A Rich block per file: a line for a file without findings (unless `flagged_only`),
    else its findings (errors first) with where each is and what to do: in a panel,
    or, when many files have findings or `plain` is asked for (output to a file or a
    pipe), as plain indented lines."""
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
        if boxed:
            blocks.append(_panel(fr, findings, title, color))
        else:
            blocks.append(Text("■ ", style=color) + title)
            blocks += _lines(findings)
    return blocks


def _file_title(fr, color: str, label: str) -> Text:
    # Built as Text, never as markup: a file name like "R6_調査票[1].xlsx" is not a style tag.
    title = Text()
    title.append(fr.file, style="bold")
    title.append("  ")
    title.append(label, style=color)
    if fr.reporter and fr.reporter not in fr.file:
        title.append(f"  （{fr.reporter}）")
    if fr.superseded:
        title.append(f"  {phrase('file_superseded')}", style="yellow")
    return title


def _panel(fr, findings: list, title: Text, color: str):
    """A file's findings as a table in a box: 区分, 場所 (when any has a place), 内容."""
    from rich.panel import Panel

    placed = any(f.sheet for f in fr.findings)
    t = Table(show_header=placed, header_style="bold", box=None, pad_edge=False)
    t.add_column("区分", no_wrap=True)
    if placed:
        t.add_column("場所", no_wrap=True)
    t.add_column("内容", overflow="fold")
    for f in findings:
        where = _where(f)
        message = JapaneseText(_without_place(f.message, where))
        if placed:
            t.add_row(_severity(f), Text(where), message)
        else:
            t.add_row(_severity(f), message)
    return Panel(t, title=title, title_align="left", border_style=color)


def _lines(findings: list) -> list:
    """A file's findings as plain lines: the severity and place, the message indented under it."""
    blocks: list = []
    for f in findings:
        where = _where(f)
        head = _severity(f)
        if where:
            head.append(f"  {where}")
        blocks.append(_Indented(head, 2))
        blocks.append(_Indented(JapaneseText(_without_place(f.message, where)), 4))
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
    """The message without its leading "調査実績!E5の": the place has its own column.

    The particle that tied the place to the sentence goes with it (「…!G5に使えない文字」
    reads 「使えない文字」 under its place, not 「に使えない文字」).
    """
    if not where or "!" not in where or not message.startswith(where):
        return message
    rest = message[len(where) :]
    return rest[1:] if rest[:1] in _PARTICLES else rest


# What may follow a place at the start of a catalogue message.
_PARTICLES = ("の", "は", "に", "が")


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
    superseded = sum(1 for f in report.files if f.superseded)
    if superseded:  # counted above by their own verdict, yet none of them goes in
        text.append("\n" + phrase("summary_superseded", count=superseded))
    return text


def partial_text(fr) -> str:
    """What to ask of a 一部受付 file: which part to fix, which part went in."""
    from sorachi_etl.check.accept import PART_NAMES

    held = "・".join(PART_NAMES[p] for p in fr.held_back)
    kept = "・".join(PART_NAMES[p] for p in PART_NAMES if p not in fr.held_back)
    return f"一部受付: {held}を直して送り直してもらってください。{kept}は取り込みました"


def skipped_text(fr, superseded: bool = False) -> str:
    """Why a file was not merged, in a few words: replaced by its reporter's newer return,
    to fix, or could not be read (and why). Starts with 取り込まず, so that it is not read
    as one of the 一部受付 files listed beside it."""
    from sorachi_etl.model.names import REFUSAL_LABELS

    if superseded or fr.status in ("ok", "partial"):
        return "取り込まず: 同じ報告者の新しい調査票を使いました"
    if fr.status == "unreadable":
        label = REFUSAL_LABELS.get(fr.refusal or "", "")
        reason = f"読み取れません（{label}）" if label else "読み取れません"
        who = f"。{fr.reporter}から" if fr.reporter else "。"
        return f"取り込まず: {reason}{who}送り直してもらってください"
    return "取り込まず: 直して送り直してもらってください"


def taken_and_not(report, merged_files) -> tuple[set[str], list, list]:
    """The files merged, the 一部受付 ones among them, and the faulty ones left out."""
    merged = set(merged_files)
    partial = [f for f in report.files if f.status == "partial" and f.file in merged]
    skipped = [
        f for f in report.files if (f.status != "ok" or f.superseded) and f.file not in merged
    ]
    return merged, partial, skipped


def print_traces(report, debug: bool) -> None:
    """With --debug, the traceback of each file whose checking failed unexpectedly (stderr)."""
    if not debug:
        return
    for fr in report.files:
        if fr.trace:
            err_console.print(f"--- {fr.file}: 点検中の予期しない問題 ---", markup=False)
            err_console.print(fr.trace, markup=False, highlight=False)
