"""Fiscal years and dates as Japanese offices write them.

A fiscal year is stored as its Gregorian starting year (R5 = FY2023, April 2023
to March 2024) and shown in the Reiwa era ("R5").
"""

from __future__ import annotations

import datetime as dt
import re

from sorachi_etl.model.errors import SorachiError
from sorachi_etl.model.text import fold

# Era name -> (Latin initial, Gregorian year of the era's first year)
_ERAS = {"令和": ("R", 2019), "平成": ("H", 1989), "昭和": ("S", 1926)}
_INITIALS = {initial: start for initial, start in _ERAS.values()}
_ERA_NAMES = "|".join(_ERAS)

# Plausible Gregorian fiscal years; outside this a typo is more likely than a year.
MIN_YEAR, MAX_YEAR = 1950, 2100


class EraError(SorachiError):
    """A fiscal year or date that cannot be read."""


def _fold(text: str) -> str:
    return fold(str(text))


def _era_year(era: str, number: str) -> int:
    start = _ERAS[era][1] if era in _ERAS else _INITIALS[era.upper()]
    n = 1 if number == "元" else int(number)
    if n < 1 or n > 99:
        raise ValueError(number)
    return start + n - 1


_FY_ERA = re.compile(rf"^(?P<era>{_ERA_NAMES}|[RrHhSs])\.?(?P<n>元|\d{{1,2}})(?:年度?)?$")
_FY_WESTERN = re.compile(r"^(?:FY)?(?P<y>\d{4})(?:年度?)?$", re.IGNORECASE)


def parse_fiscal_year(value: object) -> int:
    """Read a fiscal year: R5, 令和5年度, 令和元年度, Ｒ５, 2023年度, 2023, H31 -> 2023/2019.

    Raises EraError with a Japanese message for anything else ("R", "令和", "abc").
    """
    if isinstance(value, bool):
        raise EraError("bad_fiscal_year", value=value)
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        year = int(value)
    else:
        text = _fold(str(value))
        m = _FY_ERA.match(text)
        n = _FY_WESTERN.match(text)
        try:
            if m:
                year = _era_year(m["era"], m["n"])
            elif n:
                year = int(n["y"])
            else:
                raise ValueError(text)
        except (ValueError, KeyError):
            raise EraError("bad_fiscal_year", value=value) from None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise EraError("fiscal_year_out_of_range", value=value, low=MIN_YEAR, high=MAX_YEAR)
    return year


def format_fiscal_year(year: int) -> str:
    """2023 -> "R5"; 2018 -> "H30"."""
    for _era, (initial, start) in _ERAS.items():
        if year >= start:
            return f"{initial}{year - start + 1}"
    raise EraError("fiscal_year_unprintable", year=year)


def format_fiscal_year_long(year: int) -> str:
    """2023 -> "令和5年度"; 2019 -> "令和元年度"."""
    for era, (_, start) in _ERAS.items():
        if year >= start:
            n = year - start + 1
            return f"{era}{'元' if n == 1 else n}年度"
    raise EraError("fiscal_year_unprintable", year=year)


def fiscal_year_of(day: dt.date) -> int:
    """The fiscal year (April to March) a date falls in."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


# --- dates -------------------------------------------------------------------------

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_EXCEL_EPOCH_1904 = dt.date(1904, 1, 1)

_D_WESTERN = re.compile(r"^(?P<y>\d{4})[/\-.年](?P<m>\d{1,2})[/\-.月](?P<d>\d{1,2})日?$")
_D_ERA = re.compile(
    rf"^(?P<era>{_ERA_NAMES}|[RrHhSs])\.?(?P<n>元|\d{{1,2}})[/\-.年](?P<m>\d{{1,2}})[/\-.月](?P<d>\d{{1,2}})日?$"
)
# A weekday in brackets, as in 令和5年9月23日(土)
_WEEKDAY = re.compile(r"[(（][月火水木金土日](?:曜日?)?[)）]")


def parse_date(value: object, *, date1904: bool = False) -> dt.date:
    """Read a date: datetime, Excel serial, 2023/9/16, 2023-09-16, R5.9.16, 令和5年9月16日.

    Raises EraError for anything else.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            epoch = _EXCEL_EPOCH_1904 if date1904 else _EXCEL_EPOCH
            day = epoch + dt.timedelta(days=int(value))
            if MIN_YEAR <= day.year <= MAX_YEAR:
                return day
        raise EraError("bad_date_value", value=value)
    text = _WEEKDAY.sub("", _fold(str(value)))
    text = re.sub(r"T00:00:00$|00:00:00$", "", text)
    try:
        if m := _D_WESTERN.match(text):
            day = dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
        elif m := _D_ERA.match(text):
            day = dt.date(_era_year(m["era"], m["n"]), int(m["m"]), int(m["d"]))
        elif re.fullmatch(r"\d+(\.\d+)?", text):
            return parse_date(float(text), date1904=date1904)
        else:
            raise ValueError(text)
    except (ValueError, KeyError):
        raise EraError("bad_date_value", value=value) from None
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise EraError("date_out_of_range", value=value)
    return day


_RANGE_SPLIT = re.compile(r"[～〜~]|から")


def parse_date_range(value: object, *, date1904: bool = False) -> tuple[dt.date, dt.date | None]:
    """Read a date or a range: 令和5年9月16日～17日, 2023/9/16～2023/9/17, R6.4.1～.

    The second part may omit the year (and month): it is taken from the first.
    An open end ("R6.4.1～") gives None as the end.
    """
    if not isinstance(value, str):
        return parse_date(value, date1904=date1904), None
    text = _WEEKDAY.sub("", _fold(value))
    parts = _RANGE_SPLIT.split(text, maxsplit=1)
    start = parse_date(parts[0], date1904=date1904)
    if len(parts) == 1:
        return start, None
    rest = parts[1]
    if not rest:
        return start, None
    try:
        end = parse_date(rest, date1904=date1904)
    except EraError:
        m = re.fullmatch(r"(?:(?P<m>\d{1,2})[/月.])?(?P<d>\d{1,2})日?", rest)
        if not m:
            raise EraError("bad_date_value", value=value) from None
        try:
            end = dt.date(start.year, int(m["m"] or start.month), int(m["d"]))
        except ValueError:
            raise EraError("bad_date_value", value=value) from None
        if end < start and m["m"]:
            end = end.replace(year=start.year + 1)
    return start, end


def format_date_ja(day: dt.date) -> str:
    """2023-09-16 -> 令和5年9月16日."""
    long = format_fiscal_year_long(day.year if day >= dt.date(2019, 5, 1) else 2018)
    era = long[:2]
    start = _ERAS[era][1]
    n = day.year - start + 1
    return f"{era}{'元' if n == 1 else n}年{day.month}月{day.day}日"


def shown_date(value: object) -> str | None:
    """A date or time Excel made of what was typed (9/16, 12:30), as a clerk would write it;
    None for anything else."""
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        value = value.date()
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return f"{value.year}/{value.month}/{value.day}"
    if isinstance(value, dt.datetime):
        return f"{value.year}/{value.month}/{value.day} {value.hour}:{value.minute:02d}"
    if isinstance(value, dt.time):
        return f"{value.hour}:{value.minute:02d}"
    return None
