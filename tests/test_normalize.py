import pytest

from sorachi_etl.check.normalize import convert_cell, parse_number, parse_status
from sorachi_etl.model.text import clean_text, split_list

# (typed, unit, kind, number, code)
CASES = [
    ("１２３", "人", "number", 123, None),
    ("1,234", "人", "number", 1234, None),
    ("1,234人", "人", "number", 1234, None),
    ("１，２３４人", "人", "number", 1234, None),
    (" 56 ", "件", "number", 56, None),
    ("\u3000５６\u3000", "件", "number", 56, None),
    ("52.0%", "%", "number", 52.0, None),
    ("52.0％", "%", "number", 52.0, None),
    ("113,500ha", "ha", "number", 113500, None),
    ("20カ所", "カ所", "number", 20, None),
    ("20ヶ所", "カ所", "number", 20, None),
    ("3万人", "人", "number", 30000, None),
    ("1.2万", "人", "number", 12000, None),
    ("約46万回", "回", "number", 460000, None),
    # figures written in parts, as in newspapers and on the phone
    ("2万4530", "人", "number", 24530, None),
    ("２万４５３０人", "人", "number", 24530, None),
    ("2万4,530人", "人", "number", 24530, None),
    ("3万5千", "人", "number", 35000, None),
    ("3万5千200人", "人", "number", 35200, None),
    ("1億2,000万円", "円", "number", 120_000_000, None),
    ("△2万4530", "人", "number", -24530, None),
    ("2万14530", "人", "invalid", None, "not_a_number"),  # a part as large as the one above
    ("1億10000万", "円", "invalid", None, "not_a_number"),
    ("2.5万4530", "人", "invalid", None, "not_a_number"),
    ("万4530", "人", "invalid", None, "not_a_number"),
    ("2万4530ha", "人", "invalid", None, "unit_mismatch"),
    (1234, "人", "number", 1234, None),
    (12.5, "ha", "number", 12.5, None),
    ("-5", "人", "number", -5, None),
    ("△5", "人", "number", -5, None),
    ("集計中", "人", "pending", None, None),
    ("未集計", "人", "pending", None, None),
    ("―", "人", "na", None, None),
    ("－", "人", "na", None, None),
    ("ー", "人", "na", None, None),
    ("—", "人", "na", None, None),
    ("該当なし", "人", "na", None, None),
    ("", "人", "blank", None, None),
    ("   ", "人", "blank", None, None),
    (None, "人", "blank", None, None),
    ("#DIV/0!", "人", "invalid", None, "excel_error"),
    ("#N/A", "人", "invalid", None, "excel_error"),
    ("=1+1", "人", "invalid", None, "formula_text"),
    ("+81", "人", "invalid", None, "formula_text"),
    ("@SUM(A1)", "人", "invalid", None, "formula_text"),
    ("abc", "人", "invalid", None, "not_a_number"),
    ("1.2.3", "人", "invalid", None, "not_a_number"),
    ("12,3,4", "人", "invalid", None, "not_a_number"),
    ("１２,3OO", "人", "invalid", None, "not_a_number"),
    ("52%", "人", "invalid", None, "unit_mismatch"),
    ("5ha", "件", "invalid", None, "unit_mismatch"),
    (True, "人", "invalid", None, "not_a_number"),
    (float("nan"), "人", "invalid", None, "not_a_number"),
    # pasted from a web page or a PDF: invisible characters around or inside the digits
    ("\u200b455000", "人", "number", 455000, None),
    ("455000\ufeff", "人", "number", 455000, None),
    ("455\u2060000", "人", "number", 455000, None),
    ("\u200e１２件", "件", "number", 12, None),
    # two minus signs are a slip, never a plus
    ("--5", "人", "invalid", None, "not_a_number"),
    ("△-5", "人", "invalid", None, "not_a_number"),
    ("ー-5", "人", "invalid", None, "not_a_number"),
    # circled and superscript digits and other scripts' digits are not figures
    ("①", "人", "invalid", None, "not_a_number"),
    ("12²", "人", "invalid", None, "not_a_number"),
    ("٣٤", "人", "invalid", None, "not_a_number"),
    # more digits than any float holds
    ("9" * 400, "人", "invalid", None, "not_a_number"),
]


@pytest.mark.parametrize(("typed", "unit", "kind", "number", "code"), CASES)
def test_parse_number(typed, unit, kind, number, code):
    cell = parse_number(typed, unit)
    assert cell.kind == kind
    assert cell.code == code
    if number is None:
        assert cell.number is None
    else:
        assert cell.number == pytest.approx(number)


def test_parse_number_keeps_raw_text_for_messages():
    assert parse_number("１２,3OO", "人").raw == "１２,3OO"
    assert parse_number(1234.0).raw == "1234"


@pytest.mark.parametrize(
    ("typed", "status"),
    [
        ("確定", "確定"),
        (" 確定 ", "確定"),
        ("確定済", "確定"),
        ("確定済み", "確定"),
        ("対象外", "該当なし"),
        ("集計中", "集計中"),
        ("未集計", "集計中"),
        ("該当なし", "該当なし"),
        ("―", "該当なし"),
        ("", None),
        (None, None),
    ],
)
def test_parse_status(typed, status):
    assert parse_status(typed) == status


def test_parse_status_ignores_invisible_characters():
    assert parse_status("確定\u200b") == "確定"


def test_parse_status_rejects_other_words():
    with pytest.raises(ValueError):
        parse_status("たぶん")


def test_split_list():
    assert split_list("空知,炭鉄港") == ["空知", "炭鉄港"]
    assert split_list("振興局・市町") == ["振興局", "市町"]
    assert split_list("3、4") == ["3", "4"]
    assert split_list(4.0) == ["4"]
    assert split_list(None) == []


def test_clean_text_removes_control_characters():
    assert clean_text("abc\x07def ") == ("abcdef", True)
    assert clean_text(" 岩見沢市 ") == ("岩見沢市", False)


@pytest.mark.parametrize(
    ("value", "type_", "expected", "code"),
    [
        ("R5", "fiscal_year", 2023, None),
        ("abc", "fiscal_year", None, "bad_fiscal_year"),
        ("2.5", "int", None, "not_integer"),
        ("3", "int", 3, None),
        ("x", "number", None, "not_a_number"),
        ("2023/9/16", "date", "2023-09-16", None),
        ("9/16", "date", None, "bad_date"),
        ("集計", "status", None, "unknown_status"),
        ("", "number", None, None),
    ],
)
def test_convert_cell(value, type_, expected, code):
    converted, got = convert_cell(value, type_)
    assert got == code
    if expected is not None:
        assert str(converted) == str(expected)


def test_a_figure_in_parts_is_marked_so_the_clerk_is_shown_how_it_was_read():
    assert parse_number("2万4530人", "人").spelled_out
    assert not parse_number("3万人", "人").spelled_out  # one part: nothing to misread
    assert not parse_number("24,530", "人").spelled_out
