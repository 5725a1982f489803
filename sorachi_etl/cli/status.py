"""sorachi-etl status: who has sent, who has not, what is pending; a reminder list to send."""

from __future__ import annotations

from typing import Annotated

import typer

from sorachi_etl.cli.common import (
    DebugOption,
    JsonOption,
    MasterOption,
    YearOption,
    console,
    parse_year,
    print_notice,
    run,
)

ReminderOption = Annotated[
    bool,
    typer.Option(
        "--reminder", "-r", help="督促用の文面だけを表示します（メールに貼り付けられます）。"
    ),
]


def status(
    master: MasterOption,
    year: YearOption = None,
    reminder: ReminderOption = False,
    as_json: JsonOption = False,
    debug: DebugOption = False,
) -> None:
    """調査票の提出状況（受付済・一部受付・要修正・未提出・集計中の項目）を表示します。

    表の下に、未提出や要修正の報告者への督促用の文面を表示します。読み取れない
    ファイルを送ってきた報告者は未提出ではなく要修正として、理由に合わせた文面で
    送り直しを頼みます。一部受付の報告者には、直してほしい部分だけを頼みます。
    要修正・一部受付の報告者には、validate --annotate で作る返送用のコピー
    （問題のセルに印とコメント）を添えて送ってください。

    [bold]例[/]

      sorachi-etl status --master master.xlsx

      sorachi-etl status --master master.xlsx --reminder > 督促.txt
    """
    from sorachi_etl.api import status_of
    from sorachi_etl.cli.render.status import print_status

    report = run(lambda: status_of(master, year=parse_year(year)), debug)
    for notice in report.notices:  # on stderr: the reminder pasted into a mail stays clean
        print_notice(notice)
    print_status(report, console, as_json=as_json, reminder_only=reminder)


def register(app: typer.Typer) -> None:
    app.command(no_args_is_help=True)(status)
