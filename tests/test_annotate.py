"""Annotated copies (`validate --annotate`): red cells with comments, the 確認事項 sheet,
the sender's validations and protection kept, and clean after the clerk's fixes."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.comments import Comment

from sorachi_etl.book.annotate import (
    COMMENT_AUTHOR,
    ERROR_FILL,
    WARNING_FILL,
    annotate_workbook,
    annotated_name,
)
from sorachi_etl.book.fill import fill_survey
from sorachi_etl.check.validate import validate_paths
from sorachi_etl.model.errors import SorachiError
from sorachi_etl.model.findings import FileReport, finding
from sorachi_etl.model.names import SURVEY_FINDINGS, SURVEY_INITIATIVES, SURVEY_VALUES
from sorachi_etl.model.sample import sample_master
from tests.conftest import REALWORLD, libreoffice_convert
from tests.surveys import CONTACT, INITIATIVE, returned, to_x14_list_validation

MASTER = sample_master()
FAULTY = {
    "M01": ("abc", "確定"),
    "M02": (-3, "確定"),
    "M03": (None, "確定"),
    "M04": (19_350, None),  # a warning: status left blank
}
FAULTY_ROW = {**INITIATIVE, "start_date": "2023/7/15", "end_date": None, "summary": None}
# What the clerk types to fix them.
FIXES = {"M01": (2_410_000, "確定"), "M02": (96, "確定"), "M03": (3, "確定")}
FIXED_ROW = {"start_date": "2024/7/15", "summary": "ほたる祭りで空知をPR。"}


def faulty(folder: Path, templates) -> Path:
    return returned(
        folder,
        templates,
        values=FAULTY,
        initiatives=[FAULTY_ROW],
        info={**CONTACT, "person": None},
    )


def annotate(path: Path, out: Path) -> tuple[Path, object]:
    [report] = validate_paths([path], master=MASTER).report.files
    assert report.status == "invalid"
    return annotate_workbook(path, report, out), report


def validations(ws) -> set[tuple[str, str, str | None, str | None]]:
    return {
        (str(dv.sqref), dv.type, dv.formula1, dv.formula2)
        for dv in ws.data_validations.dataValidation
    }


def look(cell) -> tuple:
    """How a cell's fill looks (openpyxl's fills do not compare equal across workbooks)."""
    f = cell.fill
    return (f.fill_type, f.fgColor.type, f.fgColor.value, f.fgColor.tint, f.bgColor.value)


def fix(path: Path) -> Path:
    fill_survey(path, values=FIXES)
    wb = load_workbook(path)
    ws = wb[SURVEY_INITIATIVES]
    ws["D5"], ws["H5"] = FIXED_ROW["start_date"], FIXED_ROW["summary"]
    wb.save(path)
    return path


# --- the annotated copy -------------------------------------------------------------------


def test_faulty_cells_are_red_with_a_comment(tmp_path, survey_templates):
    copy, report = annotate(faulty(tmp_path, survey_templates), tmp_path / "out")
    assert copy.name == "R6_岩見沢市_調査票_要修正.xlsx"
    wb = load_workbook(copy)
    placed = [f for f in report.findings if f.cell]
    assert {(f.sheet, f.cell) for f in placed} >= {
        (SURVEY_VALUES, "E5"),
        (SURVEY_VALUES, "E6"),
        (SURVEY_VALUES, "E7"),
        (SURVEY_VALUES, "F8"),
        (SURVEY_INITIATIVES, "D5"),
        (SURVEY_INITIATIVES, "H5"),
        ("基本情報", "B8"),
    }
    for f in placed:
        cell = wb[f.sheet][f.cell]
        assert cell.fill.fill_type == "solid"
        assert cell.fill.fgColor.rgb == (ERROR_FILL if f.severity == "error" else WARNING_FILL)
        assert cell.comment is not None and cell.comment.author == COMMENT_AUTHOR
        assert f.message in cell.comment.text
        assert cell.comment.text.startswith("【要修正】" if f.severity == "error" else "【確認】")
    # cells without a finding keep their look
    assert wb[SURVEY_VALUES]["E9"].comment is None
    source = load_workbook(faulty(tmp_path / "again", survey_templates))
    assert look(wb[SURVEY_VALUES]["A5"]) == look(source[SURVEY_VALUES]["A5"])


def test_the_findings_sheet_lists_every_finding(tmp_path, survey_templates):
    copy, report = annotate(faulty(tmp_path, survey_templates), tmp_path / "out")
    wb = load_workbook(copy)
    assert wb.sheetnames[0] == SURVEY_FINDINGS
    assert wb.active.title == SURVEY_FINDINGS
    # exactly one selected tab, or Excel opens the copy with sheets grouped
    assert [ws.sheet_view.tabSelected for ws in wb.worksheets] == [True] + [False] * (
        len(wb.worksheets) - 1
    )
    ws = wb[SURVEY_FINDINGS]
    assert "赤色のセルを修正" in ws["A1"].value
    header = [c.value for c in ws[3]][:7]
    assert header == ["No.", "区分", "シート", "セル", "項目", "入力値", "内容"]
    rows = [[c.value for c in row][:7] for row in ws.iter_rows(min_row=4)]
    assert len(rows) == len(report.findings)
    for row, f in zip(rows, report.findings, strict=True):
        assert row[1] == ("要修正" if f.severity == "error" else "確認")
        assert (row[2], row[3], row[6]) == (f.sheet, f.cell, f.message)
    assert ws.page_setup.orientation == "landscape"


def test_the_senders_validations_protection_and_data_are_kept(tmp_path, survey_templates):
    path = faulty(tmp_path, survey_templates)
    copy, _ = annotate(path, tmp_path / "out")
    before, after = load_workbook(path), load_workbook(copy)
    assert after.security is not None and after.security.lockStructure
    for ws in before.worksheets:
        new = after[ws.title]
        assert validations(new) == validations(ws), ws.title
        assert new.protection.sheet == ws.protection.sheet
        assert new.sheet_state == ws.sheet_state
        assert [[c.value for c in r] for r in new.iter_rows()] == [
            [c.value for c in r] for r in ws.iter_rows()
        ]
    assert validations(after[SURVEY_INITIATIVES])  # the プロジェクト list, dates, lengths
    assert after[SURVEY_VALUES].protection.sheet
    assert after[SURVEY_VALUES]["E5"].protection.locked is False  # still typable
    assert after[SURVEY_VALUES]["A5"].protection.locked is True


@pytest.mark.filterwarnings("ignore:Data Validation extension")
def test_validations_excel_keeps_in_an_extension_are_kept(tmp_path, survey_templates):
    path = faulty(tmp_path, survey_templates)
    formula = to_x14_list_validation(path, SURVEY_INITIATIVES)
    copy, _ = annotate(path, tmp_path / "out")
    with zipfile.ZipFile(copy) as z:
        sheets = [z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    [xml] = [x for x in sheets if b"x14:dataValidation" in x]
    assert f"<xm:f>{formula}</xm:f>".encode() in xml
    assert b"<xm:sqref>A5:A14</xm:sqref>" in xml
    assert b'xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision"' in xml
    # still a workbook both readers open, and the validator reads it as before
    load_workbook(copy)
    [report] = validate_paths([copy], master=MASTER).report.files
    assert report.status == "invalid"


def test_a_senders_own_comment_is_kept(tmp_path, survey_templates):
    path = faulty(tmp_path, survey_templates)
    wb = load_workbook(path)
    wb[SURVEY_VALUES]["E5"].comment = Comment("観光課に確認中", "岩見沢市")
    wb.save(path)
    copy, _ = annotate(path, tmp_path / "out")
    text = load_workbook(copy)[SURVEY_VALUES]["E5"].comment.text
    assert "数値として読めません" in text and "観光課に確認中" in text


@pytest.mark.parametrize(
    ("name", "annotated"),
    [
        ("R6_岩見沢市_調査票.xlsx", "R6_岩見沢市_調査票_要修正.xlsx"),
        ("R6_岩見沢市_調査票_要修正.xlsx", "R6_岩見沢市_調査票_要修正.xlsx"),
    ],
)
def test_annotated_name(name, annotated):
    assert annotated_name(Path(name)) == annotated


# --- after the clerk's fixes ---------------------------------------------------------------


def test_the_fixed_copy_validates_clean(tmp_path, survey_templates):
    copy, _ = annotate(faulty(tmp_path, survey_templates), tmp_path / "out")
    fix(copy)
    v = validate_paths([copy], master=MASTER)
    [report] = v.report.files
    assert report.errors == []
    assert report.status == "ok"
    assert {f.code for f in report.warnings} == {"status_missing", "info_missing"}
    [submission] = v.submissions
    assert submission.reporter == "岩見沢市"
    assert {m.measure: m.value for m in submission.values} == {
        "M01": 2_410_000,
        "M02": 96,
        "M03": 3,
        "M04": 19_350,
    }
    assert submission.initiatives[0].summary == FIXED_ROW["summary"]


def test_annotating_a_returned_copy_again_clears_the_last_rounds_marks(tmp_path, survey_templates):
    path = faulty(tmp_path, survey_templates)
    original = look(load_workbook(path)[SURVEY_VALUES]["E5"])
    first, _ = annotate(path, tmp_path / "round1")
    fill_survey(first, values={"M01": (2_410_000, "確定")})  # only E5 fixed
    second, report = annotate(first, tmp_path / "round2")
    assert second.name == first.name
    wb = load_workbook(second)
    e5, e6 = wb[SURVEY_VALUES]["E5"], wb[SURVEY_VALUES]["E6"]
    assert e5.comment is None
    assert look(e5) == original
    assert e6.fill.fgColor.rgb == ERROR_FILL and "マイナス" in e6.comment.text
    assert wb.sheetnames.count(SURVEY_FINDINGS) == 1
    listed = [r[3] for r in wb[SURVEY_FINDINGS].iter_rows(min_row=4, values_only=True)]
    assert "E5" not in listed and "E6" in listed
    assert len(listed) == len(report.findings)


# --- LibreOffice opens it ---------------------------------------------------------------------


def test_libreoffice_opens_the_annotated_copy(tmp_path, survey_templates):
    copy, _ = annotate(faulty(tmp_path, survey_templates), tmp_path / "out")
    pdf = libreoffice_convert(copy, tmp_path / "pdf")
    assert pdf.stat().st_size > 5_000
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "確認事項" in text
        assert "数値として読めません" in text.replace("\n", "")


@pytest.mark.usefixtures("realworld")
def test_no_copy_of_a_workbook_openpyxl_reads_without_its_sheets(tmp_path):
    # openpyxl opens Strict OOXML as a book with no sheets: a copy would lose the data
    strict = next(REALWORLD.rglob("SampleSS.strict.xlsx"))
    report = FileReport(
        file=strict.name,
        status="invalid",
        findings=[finding("not_a_number", sheet="Sheet1", cell="A1", value="x")],
    )
    with pytest.raises(SorachiError):
        annotate_workbook(strict, report, tmp_path / "out")
    assert not (tmp_path / "out" / annotated_name(strict)).exists()


def test_no_copy_of_a_workbook_with_a_dangerous_part_checking_never_read(
    tmp_path, survey_templates
):
    # Checking reads only the survey's sheets and what calamine needs; openpyxl reads every
    # part, so a DTD in docProps/core.xml is refused before openpyxl opens the file.
    path = faulty(tmp_path, survey_templates)
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    parts["docProps/core.xml"] = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>' + parts["docProps/core.xml"][38:]
    )
    hostile = tmp_path / "hostile" / path.name
    hostile.parent.mkdir()
    with zipfile.ZipFile(hostile, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    [report] = validate_paths([hostile], master=MASTER).report.files
    assert report.status == "invalid"  # checked, and its faults listed, like any return
    with pytest.raises(SorachiError) as info:
        annotate_workbook(hostile, report, tmp_path / "out")
    assert info.value.code == "unsafe_archive"
    assert not (tmp_path / "out" / annotated_name(hostile)).exists()


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("回収/R6_岩見沢市_調査票.xlsx", "R6_岩見沢市_調査票_要修正.xlsx"),
        # the same return saved as .ods beside it ("keep current format"): told by its format
        ("回収/R6_岩見沢市_調査票.ods", "R6_岩見沢市_調査票_要修正（ods）.xlsx"),
        ("回収/R6_岩見沢市_調査票.xls", "R6_岩見沢市_調査票_要修正（xls）.xlsx"),
        # the same name in another folder: told by its folder
        ("2回目/R6_岩見沢市_調査票.xlsx", "R6_岩見沢市_調査票_要修正（2回目）.xlsx"),
    ],
)
def test_a_second_copy_of_one_name_is_named_for_what_tells_it_apart(source, expected):
    from sorachi_etl.book.annotate import distinct_annotated_name

    taken = set() if expected.endswith("正.xlsx") else {"R6_岩見沢市_調査票_要修正.xlsx"}
    assert distinct_annotated_name(Path(source), taken) == expected


def _findings_listed(copy: Path) -> list[str]:
    ws = load_workbook(copy)[SURVEY_FINDINGS]
    return [row[6] for row in ws.iter_rows(min_row=4, values_only=True) if row[6]]


def test_the_copy_mailed_back_speaks_to_the_sender_not_to_the_clerk(tmp_path, survey_templates):
    # 芦別市's figures cannot be read, its 取組 went in (一部受付). The screen tells the clerk
    # to have the survey sent again; the copy mailed to 芦別市 asks 芦別市 itself.
    path = returned(
        tmp_path / "回収", survey_templates, "芦別市", values={"M01": ("455,OOO", "確定")}
    )
    [report] = validate_paths([path], master=MASTER).report.files
    assert report.status == "partial"
    listed = _findings_listed(annotate_workbook(path, report, tmp_path / "返送用"))
    assert not [t for t in listed if "もらってください" in t], listed
    assert (
        "実績値に修正が必要な箇所があるため、実績値は受け付けていません（取組は受け付けました）。"
        "実績値を修正のうえ、調査票全体をもう一度送ってください。"
    ) in listed


def test_the_copy_of_a_survey_of_another_year_says_nothing_of_the_command(
    tmp_path, survey_templates
):
    # checked with --year R5, the R6 survey is refused; the copy mailed back must not tell
    # the sender to run a command with --year
    path = returned(tmp_path / "回収", survey_templates)
    [report] = validate_paths([path], master=MASTER, year=2023).report.files
    assert report.status == "invalid"
    listed = _findings_listed(annotate_workbook(path, report, tmp_path / "返送用"))
    assert not [t for t in listed if "--year" in t], listed
    assert (
        "この調査票は令和6年度のものです。今回お送りした調査票の年度を確かめ、その調査票に"
        "記入して、ファイル名を変えずに送ってください。"
    ) in listed
