"""How much room a text takes in a spreadsheet cell: its width, its lines, its row's height.

Spreadsheets do not fit row heights to wrapped text in merged cells, so every
row's height is estimated here from its text and the width it wraps in: a
full-width character counts two units of half an em, Latin letters as the
widest fonts that may set them draw them, and a word or a URL moves whole to
the next line as a spreadsheet moves it; a little generously, so no text is
cut. Excel sets 游ゴシック's lines further apart than LibreOffice sets its
Japanese fonts, so a workbook a clerk opens is measured for Excel (`EXCEL`)
and one LibreOffice prints to PDF for LibreOffice (`LIBREOFFICE`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sorachi_etl.kpi.report_model import Figure

# Text sizes (pt)
BODY, SMALL, SECTION, PAGE_TITLE, COVER_TITLE = 10, 9, 12, 15, 22


@dataclass(frozen=True)
class Metrics:
    """How a spreadsheet program lays text out, for estimating row heights."""

    px_per_width: float  # pixels of one unit of column width
    line: float  # line pitch of wrapped text, per point of type size


# The workbook's standard font is 游ゴシック 11: a column unit is its digit width, 8 px in
# Excel (its standard width 8.38 is 72 px); Excel sets a line of 游ゴシック at 1.7 × the size.
EXCEL = Metrics(8.0, 1.7)
# LibreOffice (which makes the PDF) sets its Japanese fonts at about 1.45 × the size; its
# columns come out as wide as Excel's or wider, so 8 px stays the cautious guess.
LIBREOFFICE = Metrics(8.0, 1.5)


# Widths in units of half an em. A full-width character is 2; Latin letters and digits
# are counted as the widest fonts that may set them (DejaVu Sans stands in for Calibri
# where it is missing) draw them.
_WIDE_LATIN = frozenset("MW@%&mw")


def char_units(ch: str) -> float:
    if unicodedata.east_asian_width(ch) in "FWA":
        return 2.0
    if ch in _WIDE_LATIN:
        return 2.0
    if ch.isupper():
        return 1.45
    if ch.isalnum():
        return 1.25
    return 0.7 if ch == " " else 0.9


def text_units(text: str) -> float:
    """Width of a line in units of half an em: a full-width character counts two."""
    return sum(char_units(ch) for ch in text)


# Where a line may break: anywhere between Japanese characters, but not inside a run of
# Latin letters and digits (a word, a URL), which moves whole to the next line.
_TOKENS = re.compile(r"[0-9A-Za-z@#$%&*+=/\\._:;~?!'\"()\[\]\-]+|.", re.S)


def column_px(width: float, metrics: Metrics = EXCEL) -> int:
    """Pixels of a column `width` units wide."""
    return int(width * metrics.px_per_width)


def text_lines(text: str, px: float, size: float) -> int:
    """Lines `text` wraps into in a cell `px` wide at `size` pt (a little generously)."""
    return len(wrap(text, px, size))


def wrap(text: str, px: float, size: float) -> list[str]:
    """The lines `text` wraps into in a cell `px` wide; a line that ends a paragraph
    keeps its "\n"."""
    unit = size * 2 / 3 * 1.03  # px of half an em, with room for the rules on line starts
    width = max(4.0, (px - 10) / unit)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        wrapped = _wrapped(paragraph, width)
        wrapped[-1] += "\n"
        lines += wrapped
    lines[-1] = lines[-1][:-1]
    return lines


def _wrapped(paragraph: str, width: float) -> list[str]:
    lines, used = [""], 0.0
    for token in _TOKENS.findall(paragraph):
        size = text_units(token)
        if used + size <= width:
            lines[-1] += token
            used += size
        elif size <= width:  # the word starts the next line
            lines.append(token)
            used = size
        else:  # longer than a line: broken anywhere
            for ch in token:
                w = char_units(ch)
                if used + w > width:
                    lines.append("")
                    used = 0.0
                lines[-1] += ch
                used += w
    return lines


def text_height(text: str, px: float, size: float, metrics: Metrics = EXCEL) -> float:
    """Row height (pt) that shows all of `text` wrapped in `px`."""
    return text_lines(text, px, size) * size * metrics.line + 4


def measure(
    widths: list[float],
    text: str,
    first: int,
    last: int,
    size: float = BODY,
    metrics: Metrics = EXCEL,
) -> float:
    """Row height (pt) for `text` across columns first..last of a sheet of `widths`."""
    px = sum(column_px(w, metrics) for w in widths[first - 1 : last])
    return text_height(text, px, size, metrics)


def figure_width(figure: Figure, size: float = BODY, indent: int = 0) -> float:
    """Column width (units) a figure needs on one line, so it never prints as #####."""
    return (text_units(figure.text) * size * 2 / 3 * 1.05 + 12 + indent * 9) / EXCEL.px_per_width
