"""Property tests of the cell-text normaliser and the era parser.

Whatever a clerk types, they raise nothing but the project's own errors, and a
well-formed number or year always reads back as itself.
"""

from __future__ import annotations

import contextlib
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from sorachi_etl.check.normalize import convert_cell, parse_number, parse_status
from sorachi_etl.model.eras import (
    EraError,
    format_fiscal_year,
    format_fiscal_year_long,
    parse_date,
    parse_date_range,
    parse_fiscal_year,
)

UNITS = [None, "人", "件", "カ所", "ha", "%"]
FULL = str.maketrans("0123456789,.", "０１２３４５６７８９，．")


@settings(max_examples=300)
@given(
    st.one_of(st.text(), st.integers(), st.floats(), st.none(), st.booleans()),
    st.sampled_from(UNITS),
)
def test_parse_number_never_raises(value, unit):
    cell = parse_number(value, unit)
    assert cell.kind in ("number", "pending", "na", "blank", "invalid")
    assert (cell.number is not None) == (cell.kind == "number")


@settings(max_examples=300)
@given(
    st.integers(min_value=0, max_value=10**12), st.booleans(), st.booleans(), st.sampled_from(UNITS)
)
def test_well_formed_numbers_read_back_exactly(n, commas, full_width, unit):
    text = f"{n:,}" if commas else str(n)
    if full_width:
        text = text.translate(FULL)
    if unit:
        text += unit
    cell = parse_number(f" {text} ", unit)
    assert cell.kind == "number"
    assert cell.number == n


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False))
def test_decimals_read_back(d):
    assert parse_number(str(d)).number == float(d)


@given(st.text())
def test_parse_status_raises_only_value_error(text):
    with contextlib.suppress(ValueError):
        parse_status(text)


@settings(max_examples=300)
@given(
    st.one_of(st.text(), st.integers(), st.floats(allow_nan=True)),
    st.sampled_from(["text", "int", "number", "fiscal_year", "date", "datetime", "status", "list"]),
)
def test_convert_cell_never_raises(value, type_):
    _converted, code = convert_cell(value, type_)
    assert code is None or isinstance(code, str)


@settings(max_examples=300)
@given(st.one_of(st.text(), st.integers(), st.floats()))
def test_era_parser_raises_only_its_own_error(value):
    with contextlib.suppress(EraError):
        parse_fiscal_year(value)
    with contextlib.suppress(EraError):
        parse_date(value)
    with contextlib.suppress(EraError):
        parse_date_range(value)


@given(st.integers(min_value=1989, max_value=2100))
def test_fiscal_years_round_trip(year):
    assert parse_fiscal_year(format_fiscal_year(year)) == year
    assert parse_fiscal_year(format_fiscal_year_long(year)) == year
    assert parse_fiscal_year(f"{year}年度") == year


@given(st.dates(min_value=dt.date(2019, 5, 1), max_value=dt.date(2090, 12, 31)))
def test_dates_round_trip_in_every_form(day):
    reiwa = day.year - 2018
    for text in (
        f"{day.year}/{day.month}/{day.day}",
        f"{day:%Y-%m-%d}",
        f"R{reiwa}.{day.month}.{day.day}",
        f"令和{reiwa}年{day.month}月{day.day}日",
    ):
        assert parse_date(text) == day


@settings(max_examples=500)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=30))
def test_folding_drops_exactly_what_a_whitespace_pattern_drops(text):
    import re
    import unicodedata

    from sorachi_etl.check.normalize import fold
    from sorachi_etl.model.eras import _fold

    # whitespace, and the characters nobody sees (format and control)
    expected = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    expected = "".join(c for c in expected if unicodedata.category(c) not in ("Cf", "Cc"))
    assert fold(text) == expected
    assert _fold(text) == expected
