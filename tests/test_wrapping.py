"""Findings wrapped as Japanese is set (禁則処理): no line of a message starts with 、。」
or ends with 「, and a figure is not cut in two."""

from __future__ import annotations

import pytest
from rich.console import Console, Group
from rich.table import Table

from sorachi_etl.cli.wrapping import NO_LINE_END, NO_LINE_START, JapaneseText, breaks

MESSAGES = [
    "調査実績!E5「45万5千」を455,000人として読み取りました。違う場合は、半角数字だけで入力し直してください。",
    "状態が空欄です。数値が入っているので「確定」として扱いました。違う場合は状態を選んでください。",
    "岩見沢市の調査票が複数あります。新しい方（R6_岩見沢市_調査票(1).xlsx）を使い、R6_岩見沢市_調査票.xlsxは取り込みません。",
    "あいうえおかきくけこさしすせそたちつてと、なにぬねの。はひふへほ「まみむめも」とやってみてください。",
]


def rendered(text: str, width: int) -> list[str]:
    console = Console(width=width, force_terminal=False, color_system=None)
    with console.capture() as captured:
        console.print(Group(JapaneseText(text)))
    return captured.get().splitlines()


@pytest.mark.parametrize("width", range(8, 61))
@pytest.mark.parametrize("message", MESSAGES)
def test_no_line_starts_with_a_closing_mark_or_ends_with_an_opening_one(message, width):
    lines = rendered(message, width)
    assert "".join(line.rstrip() for line in lines).replace(" ", "") == message.replace(" ", "")
    from rich.cells import cell_len

    assert all(cell_len(line) <= width for line in lines), lines
    assert not [line for line in lines[1:] if line[:1] in NO_LINE_START], lines
    assert not [line for line in lines[:-1] if line.rstrip()[-1:] in NO_LINE_END], lines


def test_a_figure_is_never_cut_in_two():
    for width in range(10, 40):
        lines = rendered(MESSAGES[0], width)
        assert any("455,000" in line for line in lines), (width, lines)


def test_a_message_in_a_table_column_is_wrapped_the_same_way():
    table = Table(box=None, show_header=False)
    table.add_column("内容", overflow="fold")
    table.add_row(JapaneseText(MESSAGES[3]))
    console = Console(width=22, force_terminal=False, color_system=None)
    with console.capture() as captured:
        console.print(table)
    lines = [line.strip() for line in captured.get().splitlines()]
    assert not [line for line in lines[1:] if line[:1] in NO_LINE_START], lines


def test_breaks_are_where_rich_would_put_them_when_no_rule_is_at_stake():
    assert breaks("あいうえおかきくけこさしすせそ", 10) == [5, 10]
