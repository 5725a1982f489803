"""Returns saved as .xls and .ods: read through the same checks as .xlsx, with the same results.

The files in tests/data/libreoffice/ were typed in LibreOffice Calc and saved in the
three formats (see its README); one test converts the .xlsx again with LibreOffice.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from sorachi_etl import api
from sorachi_etl.cli import app
from sorachi_etl.intake.read import read_workbook
from tests.conftest import REPO, libreoffice_convert

LO = REPO / "tests" / "data" / "libreoffice"
FORMATS = ("xlsx", "xls", "ods")
runner = CliRunner()


def check(path: Path, master: Path):
    return api.validate_paths_with_master([path], master)


def typed(fmt: str) -> Path:
    return LO / "typed" / f"R6_芦別市_調査票.{fmt}"


def facts(fmt: str) -> Path:
    return LO / "facts" / f"R6_芦別市_調査票_facts.{fmt}"


def findings(validation) -> list[tuple[str, str, str | None, str | None, str | None]]:
    [fr] = validation.report.files
    return sorted(
        (f.code, f.severity, f.sheet, f.cell, f.value)
        for f in fr.findings
        if f.code != "legacy_format"
    )


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_a_libreoffice_return_reads_as_its_xlsx_does(fmt, sample_master_path):
    xlsx = check(typed("xlsx"), sample_master_path)
    other = check(typed(fmt), sample_master_path)
    [a], [b] = xlsx.submissions, other.submissions
    assert b.reporter == a.reporter == "芦別市" and b.year == a.year == 2024
    assert [(v.measure, v.value, v.status, v.note) for v in b.values] == [
        (v.measure, v.value, v.status, v.note) for v in a.values
    ]
    assert [(v.measure, v.value, v.status) for v in a.values] == [
        ("M01", 455000, "確定"),
        ("M02", 35, "確定"),
        ("M03", None, "集計中"),
        ("M04", 2610.5, "確定"),
    ]
    strip = ("source_file", "received_at")
    assert [{k: v for k, v in vars(i).items() if k not in strip} for i in b.initiatives] == [
        {k: v for k, v in vars(i).items() if k not in strip} for i in a.initiatives
    ]
    assert len(a.initiatives) == 2 and a.initiatives[0].start_date.isoformat() == "2024-09-14"
    assert b.contact == a.contact and a.contact["person"] == "芦別花子"
    # the same findings, and a word that the next return should be an .xlsx
    assert findings(other) == findings(xlsx)
    [fr] = other.report.files
    [note] = [f for f in fr.findings if f.code == "legacy_format"]
    assert note.severity == "warning" and ".xlsx" in note.message
    assert fr.status == "ok"


@pytest.mark.parametrize("fmt", FORMATS)
def test_hidden_rows_merges_and_errors_are_found_in_every_format(fmt, sample_master_path):
    v = check(facts(fmt), sample_master_path)
    assert findings(v) == [
        ("excel_error", "error", "調査実績", "E8", "#DIV/0!"),
        ("hidden_content", "warning", "調査実績", "A6", None),
        ("merged_input", "error", "取組", "H6", None),
    ]
    [fr] = v.report.files
    assert fr.status == "invalid"  # a fault in each part


@pytest.mark.parametrize("fmt", FORMATS)
def test_sheet_states_and_facts_as_read(fmt):
    book = read_workbook(facts(fmt))
    assert book.format == fmt
    assert book.sheet_names == ["記入要領", "基本情報", "調査実績", "取組", "_meta"]
    assert book.sheets["_meta"].state == "hidden"
    assert book.sheets["基本情報"].state == "visible"
    values = book.sheets["調査実績"]
    assert 5 in values.hidden_rows  # row 6
    assert (7, 4) in values.formulas
    assert (1, 0, 1, 9) in book.sheets["取組"].merged  # the title row, merged A2:J2
    assert (5, 7, 5, 8) in book.sheets["取組"].merged
    assert book.date1904 is False


def test_libreoffice_converts_again_to_the_same_values(tmp_path, sample_master_path):
    """Needs LibreOffice (fails in CI without it): the .xlsx saved again as .xls and .ods."""
    source = tmp_path / "in" / typed("xlsx").name
    source.parent.mkdir()
    shutil.copy(typed("xlsx"), source)
    expected = check(source, sample_master_path).submissions[0]
    for fmt in ("xls", "ods"):
        converted = libreoffice_convert(source, tmp_path / fmt, to=fmt)
        [sub] = check(converted, sample_master_path).submissions
        assert [(v.measure, v.value, v.status) for v in sub.values] == [
            (v.measure, v.value, v.status) for v in expected.values
        ]
        assert [i.title for i in sub.initiatives] == [i.title for i in expected.initiatives]


def test_merge_takes_an_xls_and_an_ods_return(tmp_path, sample_master_path):
    folder = tmp_path / "回収"
    folder.mkdir()
    shutil.copy(typed("xls"), folder / "芦別市回答.xls")
    outcome = api.merge_paths([folder], sample_master_path)
    assert outcome.result.merged_files == ["芦別市回答.xls"]
    assert "芦別市" not in outcome.missing
    values = {
        v.measure: v.value for v in outcome.result.master.measure_values if v.reporter == "芦別市"
    }
    assert values["M01"] == 455000 and values["M04"] == 2610.5


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_annotate_writes_an_xlsx_copy_and_says_so(fmt, tmp_path, sample_master_path):
    folder = tmp_path / "返送用"
    result = runner.invoke(
        app,
        ["validate", str(facts(fmt)), "-m", str(sample_master_path), "--annotate", str(folder)],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 1
    copy = folder / "R6_芦別市_調査票_facts_要修正.xlsx"
    assert copy.exists(), result.output
    assert "変換してコピーを作りました" in result.output
    wb = load_workbook(copy)
    assert wb.sheetnames[0] == "確認事項"
    assert wb.sheetnames[1:] == ["記入要領", "基本情報", "調査実績", "取組", "_meta"]
    assert wb["_meta"].sheet_state == "hidden"
    cell = wb["調査実績"]["E8"]
    assert cell.fill.fgColor.rgb.endswith("FF9999")
    assert "#DIV/0!" in cell.comment.text
    assert wb["取組"]["H6"].comment is not None
    assert wb["調査実績"].row_dimensions[6].hidden
    assert wb["調査実績"]["A5"].value == "M01" and wb["基本情報"]["B5"].value == "芦別市"
    # the copy, sent back and returned, reads as a return of 芦別市 (it can be fixed and
    # sent again); left in 返送用 it is the tool's own output and never read as a return
    returned = tmp_path / "回収"
    returned.mkdir()
    shutil.copy(copy, returned / copy.name)
    [fr] = check(returned / copy.name, sample_master_path).report.files
    assert fr.reporter == "芦別市"


def test_an_encrypted_ods_asks_for_the_password_to_go(tmp_path, sample_master_path):
    from tests.conftest import need_realworld

    source = need_realworld() / "calamine" / "tests" / "pass_protected.ods"
    [fr] = check(source, sample_master_path).report.files
    assert fr.status == "unreadable" and fr.refusal == "encrypted"


def test_ods_members_calamine_is_given(monkeypatch, sample_master_path):
    """Only mimetype, the manifest and content.xml reach calamine (the thumbnail, styles, ...
    are never inflated)."""
    from sorachi_etl.intake import read

    given: list[set[str]] = []
    original = read._calamine_values

    def spy(data, names):
        with zipfile.ZipFile(__import__("io").BytesIO(data)) as z:
            given.append({i.filename for i in z.infolist()})
        return original(data, names)

    monkeypatch.setattr(read, "_calamine_values", spy)
    read_workbook(typed("ods"))
    assert given == [{"mimetype", "META-INF/manifest.xml", "content.xml"}]


def test_the_xls_container_calamine_is_given_holds_the_workbook_only(monkeypatch):
    import io

    import olefile

    from sorachi_etl.intake import read

    given: list[list[list[str]]] = []
    original = read._calamine_values

    def spy(data, names):
        given.append(olefile.OleFileIO(io.BytesIO(data)).listdir())
        return original(data, names)

    monkeypatch.setattr(read, "_calamine_values", spy)
    read_workbook(typed("xls"))
    assert given == [[["Workbook"]]]


def test_validate_json_marks_the_format(sample_master_path):
    result = runner.invoke(
        app, ["validate", str(typed("ods")), "-m", str(sample_master_path), "--json"]
    )
    data = json.loads(result.output)
    [entry] = data["files"]
    assert entry["status"] == "ok"
    assert [f["code"] for f in entry["findings"]] == ["legacy_format"]
    assert result.exit_code == 0


def test_a_password_protected_xls_opens_with_its_password(sample_master_path):
    path = LO / "encrypted" / "R6_芦別市_調査票.xls"
    [fr] = check(path, sample_master_path).report.files
    assert (fr.status, fr.refusal) == ("unreadable", "encrypted")
    right = api.validate_paths_with_master([path], sample_master_path, password="soracchi")
    [sub] = right.submissions
    assert (sub.values[0].measure, sub.values[0].value) == ("M01", 455000)
    wrong = api.validate_paths_with_master([path], sample_master_path, password="違う")
    assert wrong.report.files[0].refusal == "wrong_password"


# --- real files from calamine's own test suite (tests/data/calamine, MIT) -----------------

CAL = REPO / "tests" / "data" / "calamine"
READ_AS_CALAMINE_DOES = [
    "any_sheets.xls",
    "any_sheets.ods",
    "date_1904.xls",
    "merged_range.xls",
    "covered.ods",
    "sst_continue.xls",
]


@pytest.mark.parametrize("name", READ_AS_CALAMINE_DOES)
def test_real_files_read_as_calamine_reads_them(name):
    import python_calamine as pc

    from sorachi_etl.intake.read import ExcelError

    book = read_workbook(CAL / name)
    raw = pc.CalamineWorkbook.from_path(str(CAL / name))
    assert book.sheet_names == raw.sheet_names
    states = {"Visible": "visible", "Hidden": "hidden", "VeryHidden": "veryhidden"}
    for meta in raw.sheets_metadata:
        sheet = book.sheets[meta.name]
        assert sheet.state == states[str(meta.visible).rsplit(".", 1)[-1]]
        expected = raw.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
        # the same values, but that a cached error shows as itself, not as ''
        got = [["" if isinstance(v, ExcelError) else v for v in row] for row in sheet.rows]
        assert got == expected
        merges = raw.get_sheet_by_name(meta.name).merged_cell_ranges
        if merges is not None:  # calamine gives the merges of an .xls, not of an .ods
            assert sorted(sheet.merged) == sorted((a[0], a[1], b[0], b[1]) for a, b in merges)
    if name == "covered.ods":  # A2 spans two rows
        assert book.sheets["sheet1"].merged == [(1, 0, 2, 0)]


def test_an_excel_xls_with_a_vba_project_is_read_and_its_states_kept():
    book = read_workbook(CAL / "any_sheets.xls")
    assert {n: s.state for n, s in book.sheets.items()} == {
        "Visible": "visible",
        "Hidden": "hidden",
        "VeryHidden": "veryhidden",
        "Chart": "visible",
    }


def test_the_1904_date_system_of_an_xls_is_noticed():
    import datetime as dt

    book = read_workbook(CAL / "date_1904.xls")
    assert book.date1904 is True
    assert book.sheets["Sheet1"].cell(0, 0) == dt.date(2021, 1, 1)


@pytest.mark.parametrize(
    ("name", "code"), [("issue_594_dos.ods", "sheet_too_big"), ("OOM_alloc3.xls", "corrupt")]
)
def test_real_hostile_files_are_refused_before_calamine(name, code, monkeypatch):
    from sorachi_etl.intake import read
    from sorachi_etl.model.errors import UnreadableWorkbook

    calls = []
    monkeypatch.setattr(read, "_calamine_values", lambda *a: calls.append(a))
    with pytest.raises(UnreadableWorkbook) as refused:
        read_workbook(CAL / name)
    assert refused.value.code == code and calls == []
