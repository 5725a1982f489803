import datetime as dt

import pytest

from sorachi_etl.model.eras import (
    EraError,
    fiscal_year_of,
    format_date_ja,
    format_fiscal_year,
    format_fiscal_year_long,
    parse_date,
    parse_date_range,
    parse_fiscal_year,
)


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("R5", 2023),
        ("r5", 2023),
        ("R.5", 2023),
        ("令和5年度", 2023),
        ("令和5年", 2023),
        ("令和元年度", 2019),
        ("Ｒ５", 2023),
        ("Ｒ　５", 2023),
        ("2023年度", 2023),
        ("２０２３年度", 2023),
        ("2023", 2023),
        ("FY2023", 2023),
        (2023, 2023),
        (2023.0, 2023),
        ("H31", 2019),
        ("平成31年度", 2019),
        ("H30", 2018),
        ("R1", 2019),
    ],
)
def test_parse_fiscal_year(text, year):
    assert parse_fiscal_year(text) == year


@pytest.mark.parametrize(
    "text", ["R", "令和", "12,3,4", "abc", "", "R0", "R123", "令和年度", "1800", True]
)
def test_parse_fiscal_year_rejects(text):
    with pytest.raises(EraError) as err:
        parse_fiscal_year(text)
    # the message is Japanese and quotes what was typed
    assert "年度" in str(err.value)


@pytest.mark.parametrize(
    ("year", "short", "long"),
    [(2019, "R1", "令和元年度"), (2023, "R5", "令和5年度"), (2018, "H30", "平成30年度")],
)
def test_format_fiscal_year(year, short, long):
    assert format_fiscal_year(year) == short
    assert format_fiscal_year_long(year) == long
    assert parse_fiscal_year(short) == year
    assert parse_fiscal_year(long) == year


@pytest.mark.parametrize(
    "value",
    [
        45185,
        45185.0,
        "2023/9/16",
        "2023-09-16",
        "2023.9.16",
        "R5.9.16",
        "令和5年9月16日",
        "令和５年９月１６日",
        "2023年9月16日",
        "令和5年9月16日(土)",
        dt.datetime(2023, 9, 16, 0, 0),
        dt.date(2023, 9, 16),
        "45185",
    ],
)
def test_parse_date(value):
    assert parse_date(value) == dt.date(2023, 9, 16)


def test_parse_date_1904_serial():
    # the same day is 1462 smaller in the 1904 date system
    assert parse_date(45185 - 1462, date1904=True) == dt.date(2023, 9, 16)


@pytest.mark.parametrize("value", ["abc", "2023/13/1", "2023/2/30", "R5.9", "", -1, 0, True])
def test_parse_date_rejects(value):
    with pytest.raises(EraError):
        parse_date(value)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("令和5年9月16日～17日", dt.date(2023, 9, 16), dt.date(2023, 9, 17)),
        ("2023/11/28～12/7", dt.date(2023, 11, 28), dt.date(2023, 12, 7)),
        ("2023/9/16~2023/9/17", dt.date(2023, 9, 16), dt.date(2023, 9, 17)),
        ("R6.4.1～", dt.date(2024, 4, 1), None),
        ("令和5年9月16日", dt.date(2023, 9, 16), None),
        ("2024/3/30～4/2", dt.date(2024, 3, 30), dt.date(2024, 4, 2)),
    ],
)
def test_parse_date_range(text, start, end):
    assert parse_date_range(text) == (start, end)


def test_fiscal_year_of_runs_april_to_march():
    assert fiscal_year_of(dt.date(2024, 3, 31)) == 2023
    assert fiscal_year_of(dt.date(2024, 4, 1)) == 2024


def test_format_date_ja():
    assert format_date_ja(dt.date(2023, 9, 16)) == "令和5年9月16日"
    assert format_date_ja(dt.date(2019, 5, 1)) == "令和元年5月1日"
