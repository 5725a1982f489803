"""Figures written in parts (「2万4530」「746万8千人」), attacked: what a clerk or staff would
notice when the tool reads one wrong or stumbles on it.

Through real files: a return checked as `sorachi-etl validate` does, a master read as every
command does.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from sorachi_etl.book.master_check import load_master
from sorachi_etl.check.normalize import parse_number
from sorachi_etl.check.validate import validate_paths
from sorachi_etl.model.errors import MasterError
from sorachi_etl.model.names import SURVEY_VALUES
from sorachi_etl.model.sample import sample_master
from tests.surveys import returned


def _set(path: Path, sheet: str, row: int, header: str, value: object) -> str:
    wb = load_workbook(path)
    ws = wb[sheet]
    [column] = [c.column for c in ws[1] if c.value == header]
    cell = ws.cell(row, column)
    cell.value = value
    wb.save(path)
    return cell.coordinate


@pytest.mark.parametrize("typed", ["9" * 400 + "万1", "9" * 5000 + "万1人", "1億" + "9" * 5000])
def test_a_figure_in_parts_too_long_to_be_one_names_its_cell_and_the_file_is_still_read(
    tmp_path, survey_templates, typed
):
    # int() of 5000 digits raises, float() of 400 overflows: the file was 読み取れない
    # (「点検中に予期しない問題」) instead of the cell being named
    path = returned(tmp_path, survey_templates, values={"M01": (typed, "確定")})
    [report] = validate_paths([path], master=sample_master()).report.files
    assert report.status != "unreadable"
    assert [(f.code, f.sheet, f.cell) for f in report.errors] == [
        ("not_a_number", SURVEY_VALUES, "E5")
    ]


def test_a_target_in_thousands_typed_in_parts_is_not_read_a_thousand_times_over(
    sample_master_path,
):
    # K01 (row 2) is shown in 千人. 「746万8千人」 is 7,468千人; it was read as 7,460,008千人
    # (「千人」 taken off as the unit, then 「746万8」 read as a figure in parts), and the
    # report printed 7,460,008千人 without a word.
    ref = _set(sample_master_path, "評価指標", 2, "目標値", "746万8千人")
    with pytest.raises(MasterError) as caught:
        load_master(sample_master_path)
    [found] = caught.value.findings
    assert (found.sheet, found.cell) == ("評価指標", ref)
    assert "千人" in found.message


@pytest.mark.parametrize(
    ("typed", "unit"),
    [
        ("746万8千人", "千人"),  # 7,460,008 before
        ("3万5千", "千人"),  # 35,000千人 before
        ("2万4530", "千人"),
        ("1億2000万人", "万人"),  # 100,002,000万人 before
        ("1.2万", "千人"),  # 12,000千人: a 万 in a figure counted in 千人 scales it twice
        ("3万", "万人"),  # 30,000万人
    ],
)
def test_a_figure_with_man_or_sen_in_a_measure_counted_in_thousands_is_not_guessed(typed, unit):
    cell = parse_number(typed, unit)
    assert (cell.kind, cell.code) == ("invalid", "unit_mismatch")


@pytest.mark.parametrize(
    ("typed", "unit", "number"),
    [
        ("7,468千人", "千人", 7468),
        ("1,159.6万人", "万人", 1159.6),
        ("746万8千人", "人", 7_468_000),  # in 人 the parts are read as before
        ("3万人", "人", 30_000),
    ],
)
def test_figures_in_a_scaled_unit_are_read_as_before(typed, unit, number):
    cell = parse_number(typed, unit)
    assert (cell.kind, cell.number) == ("number", number)


@pytest.mark.parametrize("typed", ["2万00001", "3万5千0200", "1億09999万", "1億099999999"])
def test_a_part_with_more_figures_than_its_place_holds_is_a_slip_even_with_leading_zeros(typed):
    # 「2万14530」 was an error, 「2万00001」 was read as 20,001: both have five figures under 万
    assert parse_number(typed, "円").code == "not_a_number"


@pytest.mark.parametrize("typed", ["1万5", "2万5人", "3億5", "3千5"])
def test_a_figure_whose_last_part_may_be_short_for_sen_is_not_taken_without_the_clerk(typed):
    """「1万5」 is 10,005 as written and 15,000 as said aloud: refused, the clerk asked for
    the digits, rather than one of the two taken with a 注意 a busy clerk may not read."""
    cell = parse_number(typed, "人")
    assert (cell.kind, cell.code) == ("invalid", "not_a_number")


@pytest.mark.parametrize(
    ("typed", "number"), [("1万50", 10050), ("2万530", 20530), ("3千50", 3050)]
)
def test_a_last_part_of_two_figures_or_more_is_read_as_written(typed, number):
    assert parse_number(typed, "人").number == number


@pytest.mark.parametrize(
    ("typed", "number"),
    [("3千万円", 30_000_000), ("1億2千万円", 120_000_000), ("2千500万円", 25_000_000)],
)
def test_thousands_of_man_are_read(typed, number):
    """「3千万円」 and 「1億2千万円」, as budgets are written, were not numbers at all."""
    assert parse_number(typed, "円").number == number


@pytest.mark.parametrize("typed", ["2千5万円", "13千万円", "1億2千5百万円"])
def test_thousands_of_man_that_may_be_read_two_ways_are_refused(typed):
    assert parse_number(typed, "円").code == "not_a_number"
