"""Japanese text wrapped as Japanese is set: no line starts with 、。」 and none ends with 「.

Rich breaks a Japanese sentence between any two characters, so a line of a
finding could begin with 「。」 or 「、」, or leave 「 alone at the end of the
line above (禁則処理 is what every Japanese word processor does). `JapaneseText`
is a Rich `Text` that wraps by `breaks`: a line breaks at a space or next to a
Japanese character, never inside a run of Latin letters and figures (R6,
12,345) that fits on a line, never before a closing mark, a small kana or a
prolonged sound mark, and never after an opening bracket.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.containers import Lines
from rich.text import DEFAULT_JUSTIFY, DEFAULT_OVERFLOW, Text

if TYPE_CHECKING:
    from rich.console import Console, JustifyMethod, OverflowMethod

# Characters that may not begin a line (行頭禁則) and may not end one (行末禁則).
NO_LINE_START = frozenset(
    "、。，．,.・：；:;？！?!)）］]｝}〕〉》」』】〙〗〟’”"
    "ヽヾゝゞ々〻ー…‥ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ%％"
)
NO_LINE_END = frozenset("(（［[｛{〔〈《「『【〘〖〝‘“")


def _may_break(text: str, i: int) -> bool:
    """Whether a line may end before text[i]."""
    before, after = text[i - 1], text[i]
    if after in NO_LINE_START or before in NO_LINE_END:
        return False
    if before.isspace():
        return not after.isspace()
    # between two narrow characters is inside a word (a file name, a figure)
    return cell_len(before) == 2 or cell_len(after) == 2


def breaks(text: str, width: int) -> list[int]:
    """Where to break `text` so that each line fits in `width` cells, by the rules above.

    A stretch with no allowed break that is wider than a line (a long file name) is
    cut where the line is full, as Rich's "fold" does.
    """
    offsets: list[int] = []
    start, used, allowed = 0, 0, 0
    for i, ch in enumerate(text):
        w = cell_len(ch)
        if i > start and _may_break(text, i):
            allowed = i
        if used + w > width and i > start and not ch.isspace():
            cut = allowed if allowed > start else i
            while cut - 1 > start and text[cut] in NO_LINE_START:  # a cut with no choice too
                cut -= 1
            offsets.append(cut)
            start = cut
            # what moved down keeps its own places to break
            allowed = max(
                (j for j in range(start + 1, i + 1) if _may_break(text, j)), default=start
            )
            used = cell_len(text[start:i])
        used += w
    return offsets


class JapaneseText(Text):
    """A Rich Text wrapped by `breaks` (禁則処理) instead of Rich's own line division."""

    def wrap(
        self,
        console: Console,
        width: int,
        *,
        justify: JustifyMethod | None = None,
        overflow: OverflowMethod | None = None,
        tab_size: int = 8,
        no_wrap: bool | None = None,
    ) -> Lines:
        no_wrap = self.no_wrap if no_wrap is None else no_wrap
        if no_wrap or overflow == "ignore":
            return super().wrap(
                console,
                width,
                justify=justify,
                overflow=overflow,
                tab_size=tab_size,
                no_wrap=no_wrap,
            )
        wrap_justify = justify or self.justify or DEFAULT_JUSTIFY
        wrap_overflow = overflow or self.overflow or DEFAULT_OVERFLOW
        lines = Lines()
        for line in self.split(allow_blank=True):
            if "\t" in line:
                line.expand_tabs(tab_size)
            new_lines = line.divide(breaks(line.plain, width))
            for part in new_lines:
                part.rstrip_end(width)
            if wrap_justify:
                new_lines.justify(console, width, justify=wrap_justify, overflow=wrap_overflow)
            for part in new_lines:
                part.truncate(width, overflow=wrap_overflow)
            lines.extend(new_lines)
        return lines
