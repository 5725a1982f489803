"""Turn what a clerk typed into a cell into a number, a status or a finding code.

Everything here is pure: it takes a cell value (as python-calamine gives it, or
a string) and returns a `CellValue` that keeps the raw text for messages.
Normalising happens before validation, so that the rules in schemas/ see clean
numbers and pandera never has to coerce text.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from sorachi_etl.model.names import (
    NA_MARKERS,
    PENDING_MARKERS,
    STATUS_CONFIRMED,
    STATUS_NA,
    STATUS_PENDING,
)
from sorachi_etl.model.text import clean_text, fold, raw_text, split_list

Kind = Literal["number", "pending", "na", "blank", "invalid"]

EXCEL_ERRORS = frozenset(
    {
        "#DIV/0!",
        "#N/A",
        "#NAME?",
        "#NULL!",
        "#NUM!",
        "#REF!",
        "#VALUE!",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
    }
)

# Unit as the catalog writes it -> spellings clerks type after a number.
UNIT_ALIASES: dict[str, tuple[str, ...]] = {
    "人": ("人", "名", "人分"),
    "件": ("件",),
    "カ所": ("カ所", "ヵ所", "ヶ所", "ケ所", "か所", "箇所", "ヵ所", "園", "施設"),
    "ha": ("ha", "ヘクタール", "HA", "Ha"),
    "%": ("%", "パーセント", "percent"),
    "千人": ("千人",),
    "万人": ("万人",),
    "回": ("回",),
    "店舗": ("店舗", "店"),
    "円": ("円",),
}
_ALL_SUFFIXES = sorted({s for v in UNIT_ALIASES.values() for s in v}, key=len, reverse=True)
_MULTIPLIERS = {"万": 10_000, "千": 1_000, "億": 100_000_000}
# Units that are themselves a multiple: a 万 or 千 typed in their number scales it twice.
_SCALED_UNITS = ("千人", "万人")
_APPROX = re.compile(r"^(?:約|概ね|おおよそ|およそ|ca\.?)")
_APPROX_TAIL = re.compile(r"(?:程度|前後|超|以上|余り)$")
_NUMBER = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?$", re.ASCII)
_FIGURE = r"(?:\d{1,3}(?:,\d{3})+|\d+)"
# 「2万4530」「1億2,000万」「3万5千」: whole parts only, each named by its unit but the last.
_SPELLED_OUT = re.compile(
    rf"^(?:({_FIGURE})億)?(?:({_FIGURE})万)?(?:([1-9])千)?({_FIGURE})?$", re.ASCII
)
# 千 inside the part of 万, with nothing or three figures after it (「2千5万」 may be 2,500万
# said aloud: left alone, and refused as 「1万5」 is)
_THOUSANDS_OF_MAN = re.compile(r"(?<![0-9,])([1-9])千([0-9]{3})?万", re.ASCII)
# Japanese accounting marks for a negative number.
_NEGATIVE_MARKS = ("△", "▲")
_FORMULA_START = ("=", "+", "@")


@dataclass(frozen=True)
class CellValue:
    """A normalised cell: what kind of content, the number if any, and the raw text."""

    kind: Kind
    number: float | None = None
    raw: str = ""
    code: str | None = None  # a catalogue code when kind == "invalid"
    approximate: bool = False  # typed with 約, 程度, 以上…: a number, but not an exact one
    spelled_out: bool = False  # written in parts, 「2万4530」: read, and shown how

    @property
    def ok(self) -> bool:
        return self.kind != "invalid"


def is_formula_like(text: str) -> bool:
    """True for text a spreadsheet could take as a formula (=, +, -, @, tab, CR first)."""
    return bool(text) and (text[0] in "=+-@\t\r")


def parse_number(value: object, unit: str | None = None) -> CellValue:
    """Read a cell as a number in `unit`.

    Accepts numbers, full-width digits, thousands separators, a unit suffix
    matching `unit`, 万/千 multipliers and figures written in parts (2万4530), 約 (approximately), △ for minus, and
    the pending / not-applicable markers. Gives kind "invalid" with a code
    (not_a_number, excel_error, formula_text, unit_mismatch) for anything else.
    """
    raw = raw_text(value)
    if value is None:
        return CellValue("blank", raw=raw)
    if isinstance(value, bool):
        return CellValue("invalid", raw=raw, code="not_a_number")
    if isinstance(value, int | float):
        number = float(value)
        if math.isnan(number) or math.isinf(number):
            return CellValue("invalid", raw=raw, code="not_a_number")
        return CellValue("number", number, raw)
    if type(value).__name__ == "ExcelError":
        return CellValue("invalid", raw=raw, code="excel_error")
    if not isinstance(value, str):
        # dates and times typed where a number belongs
        return CellValue("invalid", raw=raw, code="not_a_number")
    return _text_to_number(value, raw, unit)


def _text_to_number(value: str, raw: str, unit: str | None) -> CellValue:
    """Text a clerk typed, read as a number in `unit`, a marker, or why it is neither."""
    if any(unicodedata.category(c) == "No" for c in value):
        # ① ² ½: NFKC would make them digits, but nobody types a figure so
        return CellValue("invalid", raw=raw, code="not_a_number")
    text = fold(value)
    if not text:
        return CellValue("blank", raw=raw)
    lowered = text.lower()
    if text in PENDING_MARKERS or lowered in PENDING_MARKERS:
        return CellValue("pending", raw=raw)
    if text in NA_MARKERS or lowered in NA_MARKERS:
        return CellValue("na", raw=raw)
    if text.upper() in EXCEL_ERRORS:
        return CellValue("invalid", raw=raw, code="excel_error")
    if text.startswith(_FORMULA_START):
        return CellValue("invalid", raw=raw, code="formula_text")

    stripped = _APPROX_TAIL.sub("", _APPROX.sub("", text))
    approximate = stripped != text
    text = stripped
    negative = False
    if text.startswith(_NEGATIVE_MARKS) or (
        text.startswith(("−", "‐", "–", "ー")) and len(text) > 1
    ):
        negative, text = True, text[1:]
    without_unit = _without_unit(text, unit)
    if without_unit is None:
        return CellValue("invalid", raw=raw, code="unit_mismatch")
    text = without_unit
    if unit in _SCALED_UNITS and any(m in text for m in _MULTIPLIERS):
        # 「746万8千人」 in a measure counted in 千人 is 7,468, not 7,460,008 nor 7,468,000:
        # which one was meant is not for the tool to guess
        return CellValue("invalid", raw=raw, code="unit_mismatch")
    if text.startswith("-") and not negative:
        negative, text = True, text[1:]
    # 「3千万」「1億2千万」「2千500万」: the thousands of 万 as one figure (3000万, 1億2000万)
    text = _THOUSANDS_OF_MAN.sub(lambda m: f"{int(m[1]) * 1000 + int(m[2] or 0)}万", text)
    number = _spelled_out(text)
    spelled_out = number is not None
    if number is None:
        multiplier = 1
        if text and text[-1] in _MULTIPLIERS and len(text) > 1:
            multiplier = _MULTIPLIERS[text[-1]]
            text = text[:-1]
        if not text or not _NUMBER.match(text) or text in {".", "+", "-"}:
            # "--5" and "△-5" are slips, never a plus
            return CellValue("invalid", raw=raw, code="not_a_number")
        number = float(text.replace(",", "")) * multiplier
    if math.isinf(number):
        return CellValue("invalid", raw=raw, code="not_a_number")
    if negative:
        number = -number
    return CellValue("number", number, raw, approximate=approximate, spelled_out=spelled_out)


def _spelled_out(text: str) -> float | None:
    """A figure written the Japanese way with more than one part, 「2万4530」 or
    「1億2,000万」 or 「3万5千」; None for anything else (「3万」 alone is read by the caller),
    math.inf for one with more digits than any figure (the caller says it is not a number).

    Each part must be smaller than the one above it: 「2万14530」 is a slip, not 34,530;
    and a last part of one figure (「1万5」: 10,005 or 15,000?) is no figure at all.
    """
    found = _SPELLED_OUT.match(text)
    if found is None or sum(part is not None for part in found.groups()) < 2:
        return None
    if len(text) > 40:  # more digits than any figure has: int() and float() would fail
        return math.inf
    digits = [None if part is None else part.replace(",", "") for part in found.groups()]
    oku, man, sen, rest = (None if part is None else int(part) for part in digits)
    # by its digits too: 「2万00001」 has a part of five figures under 万, as 「2万14530」 has
    width = 3 if sen is not None else 4 if man is not None else 8
    if (oku is not None and man is not None and len(digits[1]) > 4) or (
        rest is not None and len(digits[3]) > width
    ):
        return None
    if rest is not None and len(digits[3]) == 1:
        # 「1万5」 is 10,005 as written, 15,000 as said aloud: not for the tool to choose
        return None
    return float((oku or 0) * 100_000_000 + (man or 0) * 10_000 + (sen or 0) * 1_000 + (rest or 0))


def _without_unit(text: str, unit: str | None) -> str | None:
    """`text` without the unit typed after its number; None when that is another unit."""
    wanted = UNIT_ALIASES.get(unit, (unit,)) if unit else ()
    for suffix in _ALL_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            if unit and suffix not in wanted and not _is_scaled_unit(suffix, unit):
                return None
            # keep the 万/千 of "3万人" for the multiplier
            text = text[:-1] if _is_scaled_unit(suffix, unit) else text[: -len(suffix)]
            break
    if unit == "%" and text.endswith("%"):
        text = text[:-1]
    return text


def _is_scaled_unit(suffix: str, unit: str) -> bool:
    # "3万人" for a measure in 人: the multiplier is read separately.
    return suffix in _SCALED_UNITS and unit in (None, "人")


_STATUS_ALIASES = {
    STATUS_CONFIRMED: STATUS_CONFIRMED,
    "確定値": STATUS_CONFIRMED,
    "済": STATUS_CONFIRMED,
    "確定済": STATUS_CONFIRMED,
    "確定済み": STATUS_CONFIRMED,
    "確報": STATUS_CONFIRMED,
    "確報値": STATUS_CONFIRMED,
}


def parse_status(value: object) -> str | None:
    """Read the 状態 column: 確定 / 集計中 / 該当なし, their usual spellings, or None if blank.

    Raises ValueError for text that is none of them.
    """
    if value is None:
        return None
    text = fold(str(value))
    if not text:
        return None
    if text in _STATUS_ALIASES:
        return _STATUS_ALIASES[text]
    if text in PENDING_MARKERS or text.lower() in PENDING_MARKERS or text == "速報値":
        return STATUS_PENDING
    if text in NA_MARKERS or text.lower() in NA_MARKERS:
        return STATUS_NA
    raise ValueError(text)


def convert_cell(value: object, type_: str, *, date1904: bool = False) -> tuple[object, str | None]:
    """Convert one cell to a column type of schemas/*.toml.

    Returns (value, None) on success, where blank reads as None ("" for text,
    [] for lists), or (None, code) with a catalogue code when the cell cannot
    be read as that type.
    """
    from sorachi_etl.model import eras

    if type_ == "text":
        return clean_text(value)[0], None
    if type_ == "list":
        return split_list(value), None
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if type_ in ("number", "int", "project"):
        cell = parse_number(value)
        if cell.kind == "blank":
            return None, None
        if cell.kind != "number":
            return None, cell.code or "not_a_number"
        if type_ in ("int", "project"):
            if not float(cell.number).is_integer():
                return None, "not_integer"
            return int(cell.number), None
        return cell.number, None
    if type_ == "fiscal_year":
        try:
            return eras.parse_fiscal_year(value), None
        except eras.EraError:
            return None, "bad_fiscal_year"
    if type_ in ("date", "datetime"):
        return _to_date(value, type_, date1904)
    if type_ == "status":
        try:
            return parse_status(value), None
        except ValueError:
            return None, "unknown_status"
    raise ValueError(f"unknown column type {type_!r}")


def _to_date(value: object, type_: str, date1904: bool) -> tuple[object, str | None]:
    """`convert_cell` for the types "date" and "datetime" (a day read as its midnight)."""
    import datetime as dt

    from sorachi_etl.model import eras

    if type_ == "datetime" and isinstance(value, dt.datetime):
        return value, None
    try:
        day = eras.parse_date(value, date1904=date1904)
    except eras.EraError:
        if type_ == "datetime" and isinstance(value, str):
            try:
                return dt.datetime.fromisoformat(value.strip()), None
            except ValueError:
                pass
        return None, "bad_date"
    return (dt.datetime.combine(day, dt.time()) if type_ == "datetime" else day), None
