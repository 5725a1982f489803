"""Plain text as the tool keeps it: what a clerk would recognise, cleaned of what breaks files.

`xml_safe` is the one place that removes the characters XML 1.0 forbids; every
string the tool writes into a workbook (cells, sheet names, comments, the log)
passes through it, whoever writes the XML.
"""

from __future__ import annotations

import re
import unicodedata


def raw_text(value: object) -> str:
    """The value as a clerk would recognise it in a message."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# What XML 1.0 forbids in character data: C0 controls but tab, newline and carriage
# return, lone surrogates (a file name's undecodable bytes come as these), and
# U+FFFE/U+FFFF (a return's `&#xFFFF;` reads as one).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# What a clerk's text loses on reading: the above, and DEL; and the same written as the
# escapes of OOXML (_xFFFE_, _xD800_), which python-calamine leaves as they are when they
# stand for a character XML forbids (it decodes _x0007_ and the like itself).
_CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]"
    "|_x(?:[Ff]{3}[EeFf]|[Dd][89A-Fa-f][0-9A-Fa-f]{2})_"
)


def xml_safe(text: str) -> tuple[str, bool]:
    """`text` without the characters XML 1.0 forbids; says whether any were removed."""
    if _NOT_XML.search(text) is None:
        return text, False
    return _NOT_XML.sub("", text), True


def has_control(text: str) -> bool:
    """Whether `text` holds a character `clean_text` removes (control characters…)."""
    return _CONTROL.search(text) is not None


def clean_text(value: object) -> tuple[str, bool]:
    """Strip a text cell and remove control characters and what XML forbids; says whether any were."""
    if value is None:
        return "", False
    text = raw_text(value)
    cleaned = _CONTROL.sub("", text).strip()
    return cleaned, cleaned != text.strip()


# What makes a spreadsheet program opening a CSV take a cell for a formula (OWASP, "CSV
# Injection"): =, +, -, @, and a leading tab or carriage return. The full-width forms are
# included: Japanese Excel turns a typed "＝" into "=".
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
# A number as the CSV shows it, which Excel reads as that number (-1,234 / -12.3% / +5):
# harmless, and a number the user expects to calculate with, so it is left as it is.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?")


def csv_safe(value: object) -> object:
    """A CSV cell that Excel or LibreOffice will not run as a formula.

    Text beginning with =, +, -, @, tab or CR gets a single quote in front, as
    OWASP advises: Excel then shows it as text (the quote visible) instead of
    evaluating `=HYPERLINK(...)` or `=cmd|...`. A plain number such as -12.3%
    keeps its sign and stays a number. Anything not text is returned as it is.
    """
    if not isinstance(value, str) or not value.startswith(_FORMULA_START):
        return value
    if _PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value


_LIST_SPLIT = re.compile(r"[,、，・/／;；\n]")


def split_list(value: object) -> list[str]:
    """ "空知,炭鉄港" / "振興局・市町" / "3、4" -> a list of stripped items."""
    if value is None:
        return []
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value))
    return [part.strip() for part in _LIST_SPLIT.split(text) if part.strip()]


def fold(text: str) -> str:
    """NFKC, then drop every kind of space (full-width ones included) and the invisible
    characters a copy from a web page or a PDF carries (zero-width space, BOM, joiners,
    direction marks, control characters): a clerk cannot see them in the message."""
    text = unicodedata.normalize("NFKC", text)
    if not text.isprintable():
        text = "".join(c for c in text if unicodedata.category(c) not in _INVISIBLE)
    return "".join(text.split()) if not text.isalnum() else text


# Unicode categories of characters nobody sees: format (U+200B, U+FEFF…) and control.
_INVISIBLE = frozenset({"Cf", "Cc"})
