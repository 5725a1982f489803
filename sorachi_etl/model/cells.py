"""A1 cell references."""

from __future__ import annotations

from functools import cache


@cache
def col_letter(c0: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA"."""
    letters = ""
    n = c0 + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


_A1: dict[tuple[int, int], str] = {}


def a1(r0: int, c0: int) -> str:
    """Zero-based row and column to an A1 reference: a1(6, 4) == "E7"."""
    ref = _A1.get((r0, c0))
    if ref is None:
        ref = f"{col_letter(c0)}{r0 + 1}"
        if len(_A1) < 100_000:  # the few cells of survey tables, every file over again
            _A1[(r0, c0)] = ref
    return ref
