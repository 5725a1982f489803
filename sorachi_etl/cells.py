"""A1 cell references."""

from __future__ import annotations


def col_letter(c0: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA"."""
    letters = ""
    n = c0 + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def a1(r0: int, c0: int) -> str:
    """Zero-based row and column to an A1 reference: a1(6, 4) == "E7"."""
    return f"{col_letter(c0)}{r0 + 1}"
