"""What `status` prints: the table of reporters, the counts, and the reminder to send."""

from __future__ import annotations

import typer
from rich.table import Table
from rich.text import Text

from sorachi_etl.cli.common import OutputConsole, print_json
from sorachi_etl.model.eras import format_fiscal_year_long

STATE_STYLES = {"受付済": "green", "一部受付": "yellow", "要修正": "bold red", "未提出": "yellow"}


def print_status(status, console: OutputConsole, *, as_json: bool, reminder_only: bool) -> None:
    """The table, the line of counts and the reminder; with `reminder_only`, the reminder
    alone, as plain text to paste into a mail; with `as_json`, the status's own `to_dict()`."""
    from sorachi_etl.kpi.status import reminder_text

    if as_json:
        print_json(status.to_dict())
        return
    text = reminder_text(status)
    if reminder_only:
        typer.echo(text)
        return
    console.print(status_table(status))
    console.print(status.counts_line())
    console.print()
    # soft_wrap: each reminder stays one line, for the terminal to wrap (Rich would break
    # it at the full-width space after the reporter's name)
    console.print(text, markup=False, soft_wrap=True)


def status_table(status) -> Table:
    """A row per reporter: its state (coloured), when its file came in, the file, what is pending."""
    t = Table(
        title=f"{format_fiscal_year_long(status.year)} 調査票の提出状況", title_justify="left"
    )
    t.add_column("市町名", no_wrap=True)
    t.add_column("状態", no_wrap=True)
    t.add_column("取込日時", no_wrap=True)
    t.add_column("ファイル", overflow="fold")
    t.add_column("集計中の項目", overflow="fold")
    for r in status.rows:
        t.add_row(  # names from the master and files as sent: never read as markup
            Text(r.reporter),
            Text(r.state_text, style=STATE_STYLES.get(r.state, "")),
            f"{r.received_at:%Y/%m/%d %H:%M}" if r.received_at else "",
            Text(r.file or ""),
            Text("、".join(r.pending)),
        )
    return t
