"""Checking returned workbooks (sorachi_etl.check.validate): what is accepted, as what, and every finding.

Each case types into a real survey workbook written from the sample master
(tests/surveys.py) and checks the whole file through `validate_paths`, the
way `sorachi-etl validate` and `merge` do.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sorachi_etl.check import frames as survey_frames
from sorachi_etl.check.identity import name_parts
from sorachi_etl.check.validate import Validation, validate_paths
from sorachi_etl.intake.files import collect_files
from sorachi_etl.model.domain import Measure, MeasureValue
from sorachi_etl.model.messages import CATALOGUE
from sorachi_etl.model.names import SURVEY_INFO, SURVEY_META, SURVEY_VALUES
from sorachi_etl.model.sample import sample_master
from tests.helpers import make_hostile
from tests.surveys import (
    CONTACT,
    INITIATIVE,
    R5,
    R6,
    Templates,
    patch_cell,
    returned,
    set_mtime,
)

MASTER = sample_master()
# Words of pandera's own reports that must never reach a user.
PANDERA_WORDS = re.compile(
    r"greater_than|less_than|str_length|isin|not_nullable|failure_case|SchemaError|"
    r"uniqueness|dtype|Column '|DataFrame|Traceback|Error\("
)


def check(*paths, master=MASTER, year=None) -> Validation:
    return validate_paths(list(paths), master=master, year=year)


def codes(validation: Validation, file: int = 0) -> list[tuple[str, str | None, str | None]]:
    """(code, sheet, cell) of every finding of one file (but the note that a part is held back,
    which test_parts.py checks)."""
    return [
        (f.code, f.sheet, f.cell)
        for f in validation.report.files[file].findings
        if f.code != "part_held_back"
    ]


def value_of(validation: Validation, measure: str) -> tuple[float | None, str]:
    [submission] = validation.submissions
    v = next(v for v in submission.values if v.measure == measure)
    return v.value, v.status


def assert_plain(validation: Validation) -> None:
    """Every finding has a catalogue code and a Japanese message with nothing of pandera's."""
    for fr in validation.report.files:
        for f in fr.findings:
            assert f.code in CATALOGUE
            assert re.search(r"[ぁ-んァ-ン一-龥]", f.message), f.message
            assert not PANDERA_WORDS.search(f.message), f.message


# --- what a clerk types into 実績値 ---------------------------------------------------------

# (typed into 岩見沢市's 観光入込客数 (人) at 調査実績!E5, status typed at F5,
#  accepted as (number, status), or the code of the finding on E5 or F5)
TYPED = [
    ("１２３", "確定", (123, "確定"), None),
    ("1,234", "確定", (1234, "確定"), None),
    ("1,234人", "確定", (1234, "確定"), None),
    (" 56 ", "確定", (56, "確定"), None),
    ("　５６　", None, (56, "確定"), None),
    (2_410_000, "確定", (2_410_000, "確定"), None),
    ("集計中", None, (None, "集計中"), None),
    ("未集計", None, (None, "集計中"), None),
    ("―", None, (None, "該当なし"), None),
    ("該当なし", None, (None, "該当なし"), None),
    (None, "集計中", (None, "集計中"), None),
    (None, "該当なし", (None, "該当なし"), None),
    ("52.0%", "確定", None, "unit_mismatch"),
    ("#DIV/0!", "確定", None, "excel_error"),
    ("=1+1", "確定", None, "formula_text"),
    ("@SUM(A1)", "確定", None, "formula_text"),
    ("abc", "確定", None, "not_a_number"),
    ("-5", "確定", None, "negative"),
    ("△5", "確定", None, "negative"),
    ("1.2.3", "確定", None, "not_a_number"),
    ("約5千", "確定", None, "approximate_value"),
    ("100以上", "確定", None, "approximate_value"),
    ("およそ5,000", "確定", None, "approximate_value"),
    ("12,3OO", "確定", None, "not_a_number"),
    ("1234.5", "確定", None, "not_integer"),
    ("30,000,000", "確定", None, "out_of_range"),
    (None, None, None, "value_missing"),
    (None, "確定", None, "status_without_value"),
    ("集計中", "確定", None, "status_conflict"),
    (123, "集計中", None, "pending_with_value"),
    (123, "該当なし", None, "pending_with_value"),
    (123, "たぶん", None, "unknown_status"),
]


def test_a_figure_written_in_parts_is_taken_and_the_clerk_is_shown_how(tmp_path, survey_templates):
    path = returned(tmp_path, survey_templates, values={"M01": ("2万4530人", "確定")})
    v = check(path)
    fr = v.report.files[0]
    assert fr.errors == []
    assert value_of(v, "M01") == (24530, "確定")
    [note] = [f for f in fr.findings if f.code == "spelled_out_value"]
    assert (note.severity, note.sheet, note.cell) == ("warning", SURVEY_VALUES, "E5")
    assert "「2万4530人」を24,530人として読み取りました" in note.message


@pytest.mark.parametrize(("typed", "status", "accepted", "code"), TYPED)
def test_typed_value(tmp_path, survey_templates, typed, status, accepted, code):
    path = returned(tmp_path, survey_templates, values={"M01": (typed, status)})
    v = check(path)
    assert_plain(v)
    fr = v.report.files[0]
    if code is None:
        assert fr.status == "ok", fr.findings
        assert fr.errors == []
        number, state = value_of(v, "M01")
        assert (number, state) == (pytest.approx(accepted[0]) if accepted[0] else None, accepted[1])
    else:
        # a fault in the numbers holds back the numbers, not the (empty) initiatives
        assert fr.status == "partial" and fr.held_back == ["values"]
        [error] = fr.errors
        assert error.code == code
        assert error.sheet == SURVEY_VALUES
        assert error.cell == ("F5" if code == "unknown_status" else "E5")
        assert error.item == "観光入込客数"
        [sub] = v.submissions
        assert not sub.values_accepted and sub.initiatives_accepted
        shown = status if code == "unknown_status" else typed
        if shown is not None and code not in ("status_without_value", "value_missing"):
            assert str(shown).strip() in error.value
            assert f"「{error.value}」" in error.message


def test_a_number_without_status_is_confirmed_with_a_warning(tmp_path, survey_templates):
    path = returned(tmp_path, survey_templates, values={"M01": ("1,234", None)})
    v = check(path)
    assert v.report.files[0].status == "ok"
    assert codes(v) == [("status_missing", SURVEY_VALUES, "F5")]
    assert value_of(v, "M01") == (1234, "確定")


def test_a_percent_measure_takes_its_unit(tmp_path):
    master = sample_master()
    master.measures.append(Measure("M99", "割合", "%", ["空知"], decimals=1, max=100))
    templates = Templates(tmp_path / "blank", master)
    path = returned(tmp_path, templates, values={"M99": ("52.0%", "確定")})
    v = check(path, master=master)
    assert v.report.files[0].findings == []
    assert value_of(v, "M99") == (52.0, "確定")
    path = returned(tmp_path / "b", templates, values={"M99": ("52.0人", "確定")})
    assert codes(check(path, master=master)) == [("unit_mismatch", SURVEY_VALUES, "E9")]


def test_without_a_master_the_unit_comes_from_the_sheet(tmp_path, survey_templates):
    path = returned(tmp_path, survey_templates, values={"M04": ("19,350ha", "確定")})
    v = check(path, master=None)
    assert v.report.files[0].status == "ok"
    assert value_of(v, "M04") == (19_350, "確定")


# --- cells no clerk types: cached errors and formulas ----------------------------------------


@pytest.mark.parametrize(
    ("body", "t", "code", "value"),
    [
        ("<v>#DIV/0!</v>", "e", "excel_error", "#DIV/0!"),
        ("<v>#N/A</v>", "e", "excel_error", "#N/A"),
        ("<f>E6/0</f><v>#DIV/0!</v>", "e", "excel_error", "#DIV/0!"),
        ("<f>SUM(A1:A2)</f>", None, "formula_no_value", None),
        ("<f>SUM(A1:A2)</f><v></v>", None, "formula_no_value", None),
    ],
)
def test_error_and_formula_cells(tmp_path, survey_templates, body, t, code, value):
    path = returned(tmp_path, survey_templates, values={"M01": (None, "確定")})
    patch_cell(path, SURVEY_VALUES, "E5", body, t)
    v = check(path)
    assert_plain(v)
    [error] = v.report.files[0].errors
    assert (error.code, error.cell, error.value) == (code, "E5", value)


def test_a_formula_with_its_value_is_read(tmp_path, survey_templates):
    path = returned(tmp_path, survey_templates)
    patch_cell(path, SURVEY_VALUES, "E6", "<f>40+56</f><v>96</v>")
    v = check(path)
    assert v.report.files[0].findings == []
    assert value_of(v, "M02") == (96, "確定")


def test_a_formula_cached_as_zero_is_not_taken_as_zero(tmp_path, survey_templates):
    # what a program that writes formulas without computing them leaves behind
    path = patch_cell(
        returned(tmp_path, survey_templates), SURVEY_VALUES, "E7", "<f>A1*0</f><v>0</v>"
    )
    v = check(path)
    assert codes(v) == [("faked_formula_value", SURVEY_VALUES, "E7")]
    assert v.report.files[0].status == "partial"
    assert v.report.files[0].held_back == ["values"]


def test_an_error_cell_in_an_initiative_is_found(tmp_path, survey_templates):
    path = returned(tmp_path, survey_templates, initiatives=[INITIATIVE])
    patch_cell(path, "取組", "J5", "<f>1/0</f><v>#DIV/0!</v>", "e")
    assert codes(check(path)) == [("excel_error", "取組", "J5")]


# --- dates typed into 取組 -----------------------------------------------------------------

# (typed into 開始日 of an R5 (FY2023) workbook, start and end accepted, or the code on D5)
DATES = [
    (45185, (dt.date(2023, 9, 16), None), None),
    (dt.datetime(2023, 9, 16), (dt.date(2023, 9, 16), None), None),
    ("45185", (dt.date(2023, 9, 16), None), None),
    ("2023/9/16", (dt.date(2023, 9, 16), None), None),
    ("2023-09-16", (dt.date(2023, 9, 16), None), None),
    ("R5.9.16", (dt.date(2023, 9, 16), None), None),
    ("令和5年9月16日", (dt.date(2023, 9, 16), None), None),
    ("令和5年9月16日(土)", (dt.date(2023, 9, 16), None), None),
    ("令和5年9月16日～17日", (dt.date(2023, 9, 16), dt.date(2023, 9, 17)), None),
    ("2023/9/16～2023/9/18", (dt.date(2023, 9, 16), dt.date(2023, 9, 18)), None),
    ("2024/3/31", (dt.date(2024, 3, 31), None), None),
    ("2023/3/31", None, "date_outside_year"),
    ("2024/4/1", None, "date_outside_year"),
    ("R6.9.16", None, "date_outside_year"),
    ("9月16日", None, "bad_date"),
    ("2023/13/1", None, "bad_date"),
    ("abc", None, "bad_date"),
]


@pytest.mark.parametrize(("typed", "accepted", "code"), DATES)
def test_typed_date(tmp_path, survey_templates, typed, accepted, code):
    row = {**INITIATIVE, "start_date": typed, "end_date": None, "dates_text": None}
    path = returned(tmp_path, survey_templates, year=R5, initiatives=[row])
    v = check(path)
    assert_plain(v)
    if code is None:
        assert v.report.files[0].findings == []
        [initiative] = v.submissions[0].initiatives
        assert (initiative.start_date, initiative.end_date) == accepted
        assert initiative.year == R5
        if isinstance(typed, str) and "～" in typed:
            assert initiative.dates_text == typed  # the range typed becomes the text shown
    else:
        assert codes(v) == [(code, "取組", "D5")]


def test_a_range_that_contradicts_the_end_date(tmp_path, survey_templates):
    row = {**INITIATIVE, "start_date": "令和5年9月16日～17日", "end_date": "2023/9/20"}
    path = returned(tmp_path, survey_templates, year=R5, initiatives=[row])
    assert codes(check(path)) == [("date_range_conflict", "取組", "D5")]


# --- every finding of DESIGN.md section 5 -----------------------------------------------------


def _relabel(path, sheet, cell, value):
    wb = load_workbook(path)
    wb[sheet][cell] = value
    wb.save(path)
    return path


def _delete_row(path, sheet, row):
    wb = load_workbook(path)
    wb[sheet].delete_rows(row)
    wb.save(path)
    return path


def s_not_a_number(tmp, t):
    return [returned(tmp, t, values={"M01": ("約二百万", "確定")})]


def s_negative(tmp, t):
    return [returned(tmp, t, values={"M02": (-3, "確定")})]


def s_out_of_range(tmp, t):
    return [returned(tmp, t, values={"M03": (51, "確定")})]  # 認定こども園数: at most 50


def s_pending_with_value(tmp, t):
    return [returned(tmp, t, values={"M02": (22, "集計中")})]


def s_status_without_value(tmp, t):
    return [returned(tmp, t, values={"M03": (None, "確定")})]


def s_unknown_measure(tmp, t):
    return [_relabel(returned(tmp, t), SURVEY_VALUES, "A6", "M99")]


def s_measure_of_another_reporter(tmp, t):
    return [_relabel(returned(tmp, t), SURVEY_VALUES, "A6", "M05")]


def s_missing_measure(tmp, t):
    return [_delete_row(returned(tmp, t), SURVEY_VALUES, 8)]


def s_duplicate_measure(tmp, t):
    return [_relabel(returned(tmp, t), SURVEY_VALUES, "A8", "M01")]


def s_reporter_in_file_name(tmp, t):
    return [returned(tmp, t, name="R6_美唄市_調査票.xlsx")]


def s_reporter_in_info(tmp, t):
    return [_relabel(returned(tmp, t), SURVEY_INFO, "B5", "美唄市")]


def s_reporter_in_meta(tmp, t):
    return [_relabel(returned(tmp, t), SURVEY_META, "B4", "美唄市")]


def s_year_in_file_name(tmp, t):
    return [returned(tmp, t, name="R5_岩見沢市_調査票.xlsx")]


def s_year_in_info(tmp, t):
    return [_relabel(returned(tmp, t), SURVEY_INFO, "B6", "令和5年度")]


def s_unknown_reporter(tmp, t):
    path = returned(tmp, t, name="R6_岩見沢_調査票.xlsx")
    _relabel(path, SURVEY_INFO, "B5", "岩見沢")
    return [_relabel(path, SURVEY_META, "B4", "岩見沢")]


def s_old_template(tmp, t):
    return [_relabel(returned(tmp, t), SURVEY_META, "B2", "1")]


def s_duplicate_submission(tmp, t):
    older = set_mtime(returned(tmp, t, values={"M02": (90, "確定")}), 1_700_000_000)
    newer = returned(tmp, t, name="R6_岩見沢市_調査票 (2).xlsx")
    return [older, set_mtime(newer, 1_700_000_100)]


def s_large_change(tmp, t):
    return [returned(tmp, t, values={"M01": (5_000_000, "確定")})]  # last year 2,000,000


def s_date_outside_year(tmp, t):
    return [returned(tmp, t, initiatives=[{**INITIATIVE, "start_date": "2023/7/15"}])]


def s_summary_blank(tmp, t):
    """概要 is wanted for the report, not required: a blank one is a warning, the row is taken."""
    return [returned(tmp, t, initiatives=[{**INITIATIVE, "summary": None}])]


def s_required_project(tmp, t):
    return [returned(tmp, t, initiatives=[{**INITIATIVE, "project": None}])]


def s_implementer_blank(tmp, t):
    return [returned(tmp, t, initiatives=[{**INITIATIVE, "implementers": None}])]


def s_required_title(tmp, t):
    return [returned(tmp, t, initiatives=[{**INITIATIVE, "title": "  "}])]


def s_formula_text(tmp, t):
    return [returned(tmp, t, values={"M02": ("=SUM(1,2)", "確定")})]


def s_excel_error(tmp, t):
    return [patch_cell(returned(tmp, t), SURVEY_VALUES, "E6", "<v>#DIV/0!</v>", "e")]


def s_formula_no_value(tmp, t):
    return [patch_cell(returned(tmp, t), SURVEY_VALUES, "E6", "<f>SUM(E5:E5)</f>")]


def s_date_order(tmp, t):
    row = {**INITIATIVE, "start_date": "2024/9/15", "end_date": "2024/9/14"}
    return [returned(tmp, t, initiatives=[row])]


def s_duplicate_initiative(tmp, t):
    return [returned(tmp, t, initiatives=[INITIATIVE, {**INITIATIVE, "venue": "東京都"}])]


def s_unknown_project(tmp, t):
    return [returned(tmp, t, initiatives=[{**INITIATIVE, "project": "⑨その他"}])]


def s_negative_outcome(tmp, t):
    return [returned(tmp, t, initiatives=[{**INITIATIVE, "outcome_value": -5}])]


def s_text_too_long(tmp, t):
    return [returned(tmp, t, values={"M01": (2_410_000, "確定", "あ" * 501)})]


def s_unknown_status(tmp, t):
    return [returned(tmp, t, values={"M02": (96, "確認済み")})]


def s_status_conflict(tmp, t):
    return [returned(tmp, t, values={"M02": ("集計中", "確定")})]


def s_empty_contact(tmp, t):
    return [returned(tmp, t, info={**CONTACT, "person": None})]


# scenario -> (code, severity, sheet, cell) of the finding it must produce; the file's status
SECTION_5 = [
    (s_not_a_number, ("not_a_number", "error", SURVEY_VALUES, "E5"), "partial"),
    (s_negative, ("negative", "error", SURVEY_VALUES, "E6"), "partial"),
    (s_out_of_range, ("out_of_range", "error", SURVEY_VALUES, "E7"), "partial"),
    (s_pending_with_value, ("pending_with_value", "error", SURVEY_VALUES, "E6"), "partial"),
    (s_status_without_value, ("status_without_value", "error", SURVEY_VALUES, "E7"), "partial"),
    (s_unknown_measure, ("unknown_measure", "error", SURVEY_VALUES, "A6"), "partial"),
    (s_measure_of_another_reporter, ("unknown_measure", "error", SURVEY_VALUES, "A6"), "partial"),
    (s_missing_measure, ("missing_measure", "error", SURVEY_VALUES, None), "partial"),
    (s_duplicate_measure, ("duplicate_measure", "error", SURVEY_VALUES, "A8"), "partial"),
    (s_reporter_in_file_name, ("reporter_mismatch", "error", SURVEY_INFO, "B5"), "invalid"),
    (s_reporter_in_info, ("reporter_mismatch", "error", SURVEY_INFO, "B5"), "invalid"),
    (s_reporter_in_meta, ("reporter_mismatch", "error", SURVEY_INFO, "B5"), "invalid"),
    (s_year_in_file_name, ("year_mismatch", "error", SURVEY_INFO, "B6"), "invalid"),
    (s_year_in_info, ("year_mismatch", "error", SURVEY_INFO, "B6"), "invalid"),
    (s_unknown_reporter, ("unknown_reporter", "error", SURVEY_INFO, "B5"), "invalid"),
    (s_old_template, ("old_template", "warning", None, None), "ok"),
    (s_duplicate_submission, ("duplicate_submission", "warning", None, None), "ok"),
    (s_large_change, ("large_change", "warning", SURVEY_VALUES, "E5"), "ok"),
    (s_date_outside_year, ("date_outside_year", "error", "取組", "D5"), "partial"),
    (s_summary_blank, ("recommended_text", "warning", "取組", "H5"), "ok"),
    (s_required_project, ("required_text", "error", "取組", "A5"), "partial"),
    (s_implementer_blank, ("implementer_defaulted", "warning", "取組", "C5"), "ok"),
    (s_required_title, ("required_text", "error", "取組", "B5"), "partial"),
    (s_formula_text, ("formula_text", "error", SURVEY_VALUES, "E6"), "partial"),
    (s_excel_error, ("excel_error", "error", SURVEY_VALUES, "E6"), "partial"),
    (s_formula_no_value, ("formula_no_value", "error", SURVEY_VALUES, "E6"), "partial"),
    (s_date_order, ("date_order", "error", "取組", "E5"), "partial"),
    (s_duplicate_initiative, ("duplicate_initiative", "error", "取組", "B6"), "partial"),
    (s_unknown_project, ("unknown_project", "error", "取組", "A5"), "partial"),
    (s_negative_outcome, ("negative", "error", "取組", "J5"), "partial"),
    (s_text_too_long, ("text_too_long", "error", SURVEY_VALUES, "G5"), "partial"),
    (s_unknown_status, ("unknown_status", "error", SURVEY_VALUES, "F6"), "partial"),
    (s_status_conflict, ("status_conflict", "error", SURVEY_VALUES, "E6"), "partial"),
    (s_empty_contact, ("info_missing", "warning", SURVEY_INFO, "B8"), "ok"),
]


def master_with_last_year() -> object:
    """The sample master with 岩見沢市's R5 figures, for the change against last year."""
    master = sample_master()
    master.measure_values += [
        MeasureValue("M01", "岩見沢市", R5, 2_000_000),
        MeasureValue("M02", "岩見沢市", R5, 96),
    ]
    return master


@pytest.mark.parametrize(
    ("scenario", "expected", "status"), SECTION_5, ids=[s[0].__name__[2:] for s in SECTION_5]
)
def test_finding(tmp_path, survey_templates, scenario, expected, status):
    paths = scenario(tmp_path / "returns", survey_templates)
    v = check(*paths, master=master_with_last_year())
    assert_plain(v)
    fr = v.report.files[-1]
    found = [(f.code, f.severity, f.sheet, f.cell) for f in fr.findings]
    assert expected in found
    assert fr.status == status
    # the finding is complete: file, reporter, a message naming the place
    f = next(f for f in fr.findings if f.code == expected[0])
    assert f.file == fr.file
    assert f.reporter == fr.reporter
    if f.cell and "{where}" in CATALOGUE[f.code][1]:
        assert f"{f.sheet}!{f.cell}" in f.message
    if status == "ok":
        assert fr.errors == []


def test_findings_are_errors_first_then_by_sheet_and_cell(tmp_path, survey_templates):
    path = returned(
        tmp_path,
        survey_templates,
        values={"M04": ("x", "確定"), "M01": (5, None), "M02": (-1, "確定")},
        initiatives=[{**INITIATIVE, "start_date": "2020/1/1"}],
        info={**CONTACT, "department": None},
    )
    found = codes(check(path))
    assert found == [
        ("negative", SURVEY_VALUES, "E6"),
        ("not_a_number", SURVEY_VALUES, "E8"),
        ("date_outside_year", "取組", "D5"),
        ("info_missing", SURVEY_INFO, "B7"),
        ("status_missing", SURVEY_VALUES, "F5"),
    ]


def test_many_problems_in_one_file_are_all_reported(tmp_path, survey_templates):
    path = returned(
        tmp_path,
        survey_templates,
        values={
            "M01": ("abc", "確定"),
            "M02": (-1, "確定"),
            "M03": (None, "確定"),
            "M04": (1, "?"),
        },
        initiatives=[
            {**INITIATIVE, "start_date": "2023/1/1", "summary": None, "outcome_value": -1}
        ],
    )
    found = {(c, cell) for c, _, cell in codes(check(path))}
    assert found == {
        ("not_a_number", "E5"),
        ("negative", "E6"),
        ("status_without_value", "E7"),
        ("unknown_status", "F8"),
        ("date_outside_year", "D5"),
        ("recommended_text", "H5"),
        ("negative", "J5"),
    }


# --- identity, years and two workbooks from one reporter -----------------------------------


def test_year_named_on_the_command_line(tmp_path, survey_templates):
    path = returned(tmp_path, survey_templates)
    assert check(path, year=R6).report.valid
    v = check(path, year=R5)
    assert codes(v) == [("year_not_asked", None, None)]
    # the clerk may have typed the wrong --year: the message says how to check again,
    # not only what to ask of the reporter
    said = v.report.files[0].findings[0].message
    assert said.startswith("この調査票は令和6年度のものです（--year の指定は令和5年度）。"), said
    assert "--year R6" in said and "令和5年度の調査票" in said


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("R6_岩見沢市_調査票.xlsx", ("岩見沢市", R6)),
        ("R6_岩見沢市_調査票 (1).xlsx", ("岩見沢市", R6)),
        ("R6_岩見沢市_調査票_要修正.xlsx", ("岩見沢市", R6)),
        ("岩見沢市_R6_調査票.xlsx", ("岩見沢市", R6)),
        ("令和6年度_岩見沢市_調査票.xlsx", ("岩見沢市", R6)),
        ("岩見沢市調査票.xlsx", (None, None)),
        ("回答_岩見沢市_調査票.xlsx", (None, None)),
        ("調査票.xlsx", (None, None)),
    ],
)
def test_name_parts(name, parts):
    assert name_parts(Path(name)) == parts


def test_a_file_name_nobody_kept_is_not_an_error(tmp_path, survey_templates):
    path = returned(tmp_path, survey_templates, name="岩見沢市から.xlsx")
    v = check(path)
    assert v.report.valid
    assert v.submissions[0].reporter == "岩見沢市"


def test_the_newer_of_two_workbooks_wins(tmp_path, survey_templates):
    folder = tmp_path / "returns"
    older = set_mtime(returned(folder, survey_templates), 1_700_000_000)
    newer = returned(
        folder, survey_templates, values={"M02": (90, "確定")}, name="R6_岩見沢市_調査票 (2).xlsx"
    )
    set_mtime(newer, 1_700_000_100)
    v = check(folder)
    assert v.superseded == [older.name]
    [submission] = v.submissions
    assert submission.file == newer.name
    assert value_of(v, "M02") == (90, "確定")
    for fr in v.report.files:
        assert fr.status == "ok"
        [warning] = fr.warnings
        assert warning.code == "duplicate_submission"
        assert newer.name in warning.message and older.name in warning.message


def test_a_newer_workbook_with_errors_still_replaces_the_older(tmp_path, survey_templates):
    folder = tmp_path / "returns"
    older = set_mtime(returned(folder, survey_templates), 1_700_000_000)
    newer = returned(
        folder, survey_templates, values={"M02": ("x", "確定")}, name="R6_岩見沢市_調査票 (2).xlsx"
    )
    set_mtime(newer, 1_700_000_100)
    v = check(folder)
    assert v.superseded == [older.name]
    # the newer one's numbers are held back (its 取組 part, empty, is what it says)
    [sub] = v.submissions
    assert sub.file == newer.name and not sub.values_accepted
    assert {f.file: f.status for f in v.report.files} == {older.name: "ok", newer.name: "partial"}


def test_the_large_change_threshold_is_the_masters(tmp_path, survey_templates):
    path = returned(tmp_path, survey_templates, values={"M01": (2_900_000, "確定")})  # +45%
    master = master_with_last_year()
    assert codes(check(path, master=master)) == []
    master.settings = dataclasses.replace(master.settings, change_warning_percent=40)
    assert codes(check(path, master=master)) == [("large_change", SURVEY_VALUES, "E5")]
    f = check(path, master=master).report.files[0].findings[0]
    assert "2,000,000" in f.message and "+45%" in f.message
    master.settings = dataclasses.replace(master.settings, change_warning_percent=None)
    assert codes(check(path, master=master)) == []


def test_without_a_master_last_year_is_the_one_the_workbook_shows(tmp_path, survey_templates):
    path = returned(tmp_path, survey_templates, values={"M01": (9_000_000, "確定")})
    _relabel(path, SURVEY_VALUES, "D5", 2_000_000)
    assert codes(check(path, master=None)) == [("large_change", SURVEY_VALUES, "E5")]


# --- the merge gets what the clerk meant -----------------------------------------------------


def test_a_valid_workbook_becomes_a_submission(tmp_path, survey_templates):
    path = returned(
        tmp_path,
        survey_templates,
        values={"M01": ("２，４１０，０００人", "確定", "速報値から更新"), "M03": ("集計中", None)},
        initiatives=[INITIATIVE],
    )
    v = check(path)
    assert v.report.files[0].findings == []
    [s] = v.submissions
    assert (s.reporter, s.year, s.file) == ("岩見沢市", R6, path.name)
    assert len(s.sha256) == 64
    got = {mv.measure: (mv.value, mv.status, mv.note) for mv in s.values}
    assert got == {
        "M01": (2_410_000, "確定", "速報値から更新"),
        "M02": (96, "確定", ""),
        "M03": (None, "集計中", ""),
        "M04": (19_350, "確定", ""),
    }
    [i] = s.initiatives
    assert (i.project, i.title, i.implementers) == (4, "移住フェアへの出展", ["市"])
    assert (i.start_date, i.end_date) == (dt.date(2024, 9, 14), dt.date(2024, 9, 15))
    assert (i.outcome_value, i.venue) == (23, "札幌市")
    assert s.contact["person"] == "空知太郎"
    assert v.paths[path.name] == path


def test_files_that_cannot_be_read_do_not_stop_the_others(tmp_path, survey_templates):
    folder = tmp_path / "returns"
    returned(folder, survey_templates)
    (folder / "R6_美唄市_調査票.xlsx").write_text("これはExcelではありません", encoding="utf-8")
    (folder / "R6_芦別市_調査票.xlsx").write_bytes(b"")
    v = check(folder)
    status = {f.file: (f.status, [x.code for x in f.findings]) for f in v.report.files}
    assert status == {
        "R6_岩見沢市_調査票.xlsx": ("ok", []),
        "R6_美唄市_調査票.xlsx": ("unreadable", ["not_excel"]),
        "R6_芦別市_調査票.xlsx": ("unreadable", ["empty_file"]),
    }
    assert [s.reporter for s in v.submissions] == ["岩見沢市"]
    assert v.report.files[1].reporter == "美唄市"  # from the file name


def test_a_workbook_that_is_not_a_survey_names_its_sheets(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "集計表"
    wb.create_sheet("メモ")
    wb.save(tmp_path / "R6_岩見沢市_調査票.xlsx")
    [fr] = check(tmp_path).report.files
    assert fr.status == "unreadable"
    [f] = fr.findings
    assert f.code == "not_survey"
    assert "「集計表」・「メモ」" in f.message


def test_collect_files_skips_lock_hidden_and_backup_files(tmp_path):
    for name in (
        "a.xlsx",
        "~$a.xlsx",
        ".~lock.a.xlsx#",
        ".hidden.xlsx",
        "backup/old.xlsx",
        "sub/b.xlsx",
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    found = collect_files([tmp_path, tmp_path / "a.xlsx"])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["a.xlsx", "sub/b.xlsx"]


# --- one pandera call per sheet kind ----------------------------------------------------------


def test_all_files_are_validated_in_one_pandera_call_per_sheet_kind(
    tmp_path, survey_templates, monkeypatch
):
    folder = tmp_path / "returns"
    for reporter in ("岩見沢市", "美唄市", "芦別市", "夕張市", "小樽市", "空知総合振興局"):
        returned(folder, survey_templates, reporter, initiatives=[INITIATIVE])
    returned(
        folder,
        survey_templates,
        "美唄市",
        values={"M02": (-1, "確定")},
        name="R6_美唄市_調査票(2).xlsx",
    )
    calls = []
    real = survey_frames.frame_failures

    def counting(schema, frame):
        calls.append((schema.name, len(frame)))
        return real(schema, frame)

    monkeypatch.setattr(survey_frames, "frame_failures", counting)
    v = check(folder)
    assert dict(calls) == {"基本情報": 7, "取組": 6, "調査実績": 24}
    assert len(calls) == 3
    assert ("negative", SURVEY_VALUES, "E6") in codes(
        v, file=[f.file for f in v.report.files].index("R6_美唄市_調査票(2).xlsx")
    )


def test_a_failure_outside_the_rows_is_never_passed_over():
    import pandas as pd
    import pandera.pandas as pa

    from sorachi_etl.check.schema_failures import frame_failures

    schema = pa.DataFrameSchema({"value": pa.Column("float64")}, name="調査実績")
    with pytest.raises(RuntimeError):
        frame_failures(schema, pd.DataFrame({"other": [1]}))


def test_the_bundled_sample_returns(tmp_path):
    from sorachi_etl.model.resources import samples_dir

    folder = tmp_path / "returns"
    shutil.copytree(samples_dir() / "returns", folder)
    v = check(folder)
    assert_plain(v)
    invalid = {f.file: codes(v, i) for i, f in enumerate(v.report.files) if f.status != "ok"}
    assert invalid == {
        "R6_沼田町_調査票.xlsx": [
            ("pending_with_value", SURVEY_VALUES, "E6"),
            ("date_outside_year", "取組", "D5"),
        ],
        "R6_芦別市_調査票.xlsx": [
            ("negative", SURVEY_VALUES, "E7"),
            ("spelled_out_value", SURVEY_VALUES, "E5"),  # 「45万5千」, read as 455,000
            ("status_missing", SURVEY_VALUES, "F5"),
        ],
    }
    # 沼田町 has faults in both parts; 芦別市 in its numbers only, so its 取組 go in
    statuses = {f.file: f.status for f in v.report.files if f.status != "ok"}
    assert statuses == {"R6_沼田町_調査票.xlsx": "invalid", "R6_芦別市_調査票.xlsx": "partial"}
    assert len(v.submissions) == 26


def test_a_date_excel_made_of_the_display_text_reads_as_a_japanese_date(tmp_path, survey_templates):
    row = {**INITIATIVE, "dates_text": dt.datetime(2024, 9, 14)}
    v = check(returned(tmp_path, survey_templates, initiatives=[row]))
    assert v.submissions[0].initiatives[0].dates_text == "令和6年9月14日"


def test_without_a_master_a_project_is_read_from_its_number(tmp_path, survey_templates):
    row = {**INITIATIVE, "project": "④空知と多様な形で関わりを持つ人材創出プロジェクト"}
    v = check(returned(tmp_path, survey_templates, initiatives=[row]), master=None)
    assert v.submissions[0].initiatives[0].project == 4


def test_checking_in_worker_processes_gives_what_checking_here_gives(tmp_path, monkeypatch):
    """The path large runs take (files read and checked in worker processes, the master
    given to each once) against the one small runs take, on returns good, faulty,
    messy, duplicated and hostile."""
    import shutil

    from sorachi_etl.check import validate
    from sorachi_etl.model.resources import samples_dir

    folder = tmp_path / "回収"
    shutil.copytree(samples_dir() / "returns", folder)
    shutil.copy(folder / "R6_岩見沢市_調査票.xlsx", folder / "R6_岩見沢市_調査票(2).xlsx")
    make_hostile().write_all(folder / "hostile")

    def run(workers: int) -> Validation:
        return validate_paths([folder], master=MASTER, workers=workers)

    here = run(1)
    monkeypatch.setattr(validate, "PARALLEL_FROM", 1)
    there = run(2)
    assert there.report.to_dict() == here.report.to_dict()
    assert there.submissions == here.submissions
    assert there.superseded == here.superseded != []  # the two 岩見沢市 files
    statuses = {f.status for f in there.report.files}
    assert statuses == {"ok", "partial", "invalid", "unreadable"}


@pytest.mark.parametrize(("header", "renamed"), [("E4", "実績値（単位）"), ("F4", "状態（選択）")])
def test_a_renamed_value_header_is_told_once_not_as_blank_values(
    tmp_path, survey_templates, header, renamed
):
    # The clerk typed every figure but renamed a header: one finding naming the header,
    # never 「実績値が空欄です」 on rows whose figures are right there.
    path = returned(tmp_path, survey_templates)
    wb = load_workbook(path)
    wb[SURVEY_VALUES][header] = renamed
    wb.save(path)
    v = check(path)
    assert [c for c, _, _ in codes(v)] == ["missing_column"], codes(v)
    assert f"「{renamed}」のことですか" in v.report.files[0].findings[0].message


@pytest.mark.parametrize(
    ("reporter", "name"),
    [
        ("岩見沢市", "R6_岩見沢_調査票.xlsx"),
        ("美唄市", "R6_美唄市役所_調査票.xlsx"),
        ("空知総合振興局", "R6_空知総合振興局地域政策課_調査票.xlsx"),
    ],
)
@pytest.mark.parametrize("with_master", [True, False])
def test_a_file_name_shortened_or_lengthened_does_not_refuse_the_return(
    tmp_path, survey_templates, reporter, name, with_master
):
    # The clerk (or the staff saving the mail attachment) wrote the name a little
    # differently; the survey's own record and 基本情報 agree. A 注意, never 要修正.
    path = returned(tmp_path, survey_templates, reporter, name=name)
    v = check(path, master=MASTER if with_master else None)
    fr = v.report.files[0]
    assert fr.status == "ok", codes(v)
    assert fr.reporter == reporter
    assert [c for c, _, _ in codes(v)] == ["file_name_reporter"]
    assert reporter in fr.findings[0].message


def test_a_file_named_for_another_reporter_is_still_refused(tmp_path, survey_templates):
    path = returned(tmp_path, survey_templates, "岩見沢市", name="R6_美唄市_調査票.xlsx")
    for master in (MASTER, None):
        v = check(path, master=master)
        assert ("reporter_mismatch", SURVEY_INFO, "B5") in codes(v)
        assert v.report.files[0].status == "invalid"


def test_a_noncharacter_excel_wrote_as_an_escape_is_removed_with_a_warning(
    tmp_path, survey_templates
):
    # Excel writes U+FFFE / U+FFFF (pasted from a broken web form) as _xFFFE_ / _xFFFF_,
    # which python-calamine leaves as those seven letters: they must not reach the master.
    path = returned(tmp_path, survey_templates, initiatives=[INITIATIVE])
    patch_cell(path, "取組", "H5", "<is><t>概要_xFFFE_です_xffff_</t></is>", t="inlineStr")
    patch_cell(path, "調査実績", "G5", "<is><t>備考_xFFFF_</t></is>", t="inlineStr")
    v = check(path)
    assert ("control_chars", "取組", "H5") in codes(v)
    assert ("control_chars", SURVEY_VALUES, "G5") in codes(v)
    [submission] = v.submissions
    assert submission.initiatives[0].summary == "概要です"
    assert next(x for x in submission.values if x.measure == "M01").note == "備考"


def test_a_newer_file_named_for_another_reporter_does_not_push_out_the_return(
    tmp_path, survey_templates
):
    # 小樽市's return came in, and later the same workbook saved under 夕張市's name: that
    # one is refused (reporter_mismatch); it must not also push 小樽市's good return out.
    folder = tmp_path / "returns"
    good = set_mtime(returned(folder, survey_templates, "小樽市"), 1_700_000_000)
    odd = folder / "R6_夕張市_調査票.xlsx"
    shutil.copy(good, odd)
    set_mtime(odd, 1_700_000_100)
    v = check(folder)
    status = {f.file: f.status for f in v.report.files}
    assert status == {good.name: "ok", odd.name: "invalid"}
    assert v.superseded == []
    assert [s.file for s in v.submissions] == [good.name]
    assert "duplicate_submission" not in {c for c, _, _ in codes(v, 0) + codes(v, 1)}


def test_a_second_column_under_an_input_header_is_not_passed_over(tmp_path, survey_templates):
    # The clerk copied the 実績値 column to keep the old figures beside the new ones: which
    # column is meant cannot be told, so the figures are held back and the place is named.
    path = returned(tmp_path, survey_templates)
    wb = load_workbook(path)
    ws = wb[SURVEY_VALUES]
    ws.insert_cols(6)
    ws["F4"] = "実績値"
    for row, figure in zip(range(5, 9), (1, 2, 3, 4), strict=True):
        ws[f"F{row}"] = figure
    wb.save(path)
    v = check(path)
    assert ("duplicate_column", SURVEY_VALUES, "F4") in codes(v)
    fr = v.report.files[0]
    assert fr.status == "partial" and fr.held_back == ["values"]
    assert "E4" in fr.errors[0].message and "F4" in fr.errors[0].message


def test_an_initiative_below_a_note_on_a_blank_row_is_not_dropped_silently(
    tmp_path, survey_templates
):
    # A blank row with a note beside the table ends the table there: the initiative typed
    # under it was dropped without a word, and the merge then took 取組 as complete.
    path = returned(tmp_path, survey_templates, initiatives=[INITIATIVE])
    wb = load_workbook(path)
    ws = wb["取組"]
    ws["L6"] = "↓追加分"
    for col, typed in zip(
        "ABDEGH",
        (INITIATIVE["project"], "二つ目の取組", "2024/10/1", "2024/10/2", "札幌市", "概要"),
        strict=True,
    ):
        ws[f"{col}7"] = typed
    wb.save(path)
    v = check(path)
    assert ("rows_after_gap", "取組", "A7") in codes(v)
    fr = v.report.files[0]
    assert fr.status == "partial" and fr.held_back == ["initiatives"]


def test_a_note_under_the_table_is_still_no_row(tmp_path, survey_templates):
    path = returned(tmp_path, survey_templates, initiatives=[INITIATIVE])
    wb = load_workbook(path)
    wb["取組"]["L7"] = "※ 取組は以上です"
    wb["取組"]["A9"] = "※ 日付は開催日を記入"
    wb.save(path)
    v = check(path)
    assert codes(v) == []
    assert [i.title for i in v.submissions[0].initiatives] == [INITIATIVE["title"]]


def test_a_blank_sent_after_the_return_does_not_push_it_out(tmp_path, survey_templates):
    # The return came, then the blank survey (the wrong attachment, later): a blank is no
    # answer, so the return is still the one merged.
    folder = tmp_path / "returns"
    good = set_mtime(returned(folder, survey_templates), 1_700_000_000)
    blank = folder / "R6_岩見沢市_調査票 (2).xlsx"
    shutil.copy(survey_templates.path("岩見沢市"), blank)
    set_mtime(blank, 1_700_000_100)
    v = check(folder)
    assert {f.file: f.status for f in v.report.files} == {good.name: "ok", blank.name: "invalid"}
    assert v.superseded == []
    assert [s.file for s in v.submissions] == [good.name]


@pytest.mark.parametrize(
    ("typed", "shown"), [(dt.datetime(2026, 9, 16), "2026/9/16"), (dt.time(12, 30), "12:30")]
)
def test_a_figure_excel_turned_into_a_date_is_told_as_a_date(
    tmp_path, survey_templates, typed, shown
):
    # 「9/16」 or 「12:30」 typed into 実績値: Excel stores a date or a time, and the clerk
    # never typed the 「2026-09-16 00:00:00」 a message would otherwise quote.
    path = returned(tmp_path, survey_templates, values={"M01": (typed, "確定")})
    v = check(path)
    [error] = v.report.files[0].errors
    assert (error.code, error.cell, error.value) == ("date_in_number", "E5", shown)
    assert f"「{shown}」" in error.message and "日付" in error.message
