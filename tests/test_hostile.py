"""Hostile and broken returned workbooks: refused with their own reason, never harming the master."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from sorachi_etl import api
from sorachi_etl.book.fill import fill_survey
from sorachi_etl.book.template import master_to_templates
from sorachi_etl.cli import app
from sorachi_etl.model.resources import samples_dir
from sorachi_etl.model.sample import sample_master
from sorachi_etl.model.text import xml_safe
from tests.helpers import make_hostile

runner = CliRunner()
R6 = 2024
FORBIDDEN = ("Traceback", "Error(", "Exception", "KeyError", "BadZipFile", "pandera")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("hostile")
    expected = make_hostile().write_all(folder)
    return folder, expected


@pytest.fixture(scope="module")
def blanks(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("blank")
    return {r.reporter: r.path for r in master_to_templates(sample_master(), R6, folder)}


def test_validate_over_the_hostile_corpus(corpus, sample_master_path):
    folder, expected = corpus
    reproducers = set(make_hostile().crash_reproducers())
    result = runner.invoke(app, ["validate", str(folder), "-m", str(sample_master_path), "--json"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    files = {f["file"]: f for f in data["files"]}
    # a name holding characters XML forbids is shown (and recorded) without them
    shown = {xml_safe(name)[0]: name for name in expected}
    assert set(files) == set(shown)
    for shown_name, name in shown.items():
        entry = files[shown_name]
        codes = [f["code"] for f in entry["findings"]]
        assert "check_failed" not in codes, name  # nothing unexpected, anywhere
        for f in entry["findings"]:
            assert not any(word in f["message"] for word in FORBIDDEN), f["message"]
        if name in reproducers:
            continue  # real surveys: test_the_reproduced_crashes_cost_nothing
        assert entry["status"] in ("unreadable", "invalid"), name
        if expected[name] != "ok":
            assert expected[name] in codes, (name, codes)
    # each file is told apart by its own reason, not one generic message
    assert len({f["findings"][0]["message"] for f in files.values() if f["findings"]}) >= 15


def test_merge_of_corpus_and_samples_merges_only_the_valid(corpus, sample_master_path, tmp_path):
    folder, _ = corpus
    mixed = tmp_path / "mixed"
    shutil.copytree(folder, mixed)
    for name in make_hostile().crash_reproducers():  # real returns: they would supersede
        (mixed / name).unlink()
    for p in (samples_dir() / "returns").iterdir():
        shutil.copy(p, mixed / p.name)
    outcome = api.merge_paths([mixed], sample_master_path)
    merged = set(outcome.result.merged_files)
    valid = {f.file for f in outcome.validation.report.files if f.status in ("ok", "partial")}
    assert merged == valid
    # 芦別市's faults lie in its numbers only: its 取組 go in; 沼田町 waits whole
    assert merged == {p.name for p in (samples_dir() / "returns").iterdir()} - {
        "R6_沼田町_調査票.xlsx",
    }


def _rewrite(path: Path, part: str, old: bytes, new: bytes) -> None:
    src = path.read_bytes()
    out = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == part:
                assert old in data, (old, data[:2000])
                data = data.replace(old, new)
            zout.writestr(item, data)
    out.replace(path)
    assert path.read_bytes() != src


def _sheet_part(path: Path, title: str) -> str:
    from sorachi_etl.book.preserve import _sheet_parts

    with zipfile.ZipFile(path) as z:
        return _sheet_parts(z)[title]


def _codes(path: Path, master: Path) -> dict[str, str]:
    report = api.validate_paths_with_master([path], master).report.files[0]
    return {f.code: f.severity for f in report.findings} | {"__status__": report.status}


def _filled(blanks, tmp_path, reporter="岩見沢市", **kw) -> Path:
    target = tmp_path / blanks[reporter].name
    values = kw.pop("values", {m: (10, "確定") for m in ("M01", "M02", "M03", "M04")})
    fill_survey(blanks[reporter], target, values=values, **kw)
    return target


def test_formula_without_cached_value(blanks, tmp_path, sample_master_path):
    path = _filled(blanks, tmp_path)
    wb = load_workbook(path)
    wb["調査実績"]["E5"] = "=100*2"  # openpyxl writes no cached value, as any program would
    wb.save(path)
    codes = _codes(path, sample_master_path)
    assert codes["formula_no_value"] == "error"
    assert codes["__status__"] == "partial"  # its numbers held back


def test_formula_whose_cached_value_was_faked_as_zero(blanks, tmp_path, sample_master_path):
    path = _filled(blanks, tmp_path)
    wb = load_workbook(path)
    wb["調査実績"]["E5"] = "=SUM(X1:X9)"
    wb.save(path)
    part = _sheet_part(path, "調査実績")
    with zipfile.ZipFile(path) as z:
        xml = z.read(part)
    start = xml.index(b'<c r="E5"')
    end = xml.index(b"</c>", start) + 4
    faked = xml[start:end].replace(b"<v></v>", b"<v>0</v>").replace(b"<v />", b"<v>0</v>")
    if b"<v>0</v>" not in faked:
        faked = faked.replace(b"</f>", b"</f><v>0</v>")
    _rewrite(path, part, xml[start:end], faked)
    codes = _codes(path, sample_master_path)
    assert "faked_formula_value" in codes
    assert codes["__status__"] == "partial"  # its numbers never merged as a silent 0


def test_hidden_survey_sheet_is_flagged(blanks, tmp_path, sample_master_path):
    path = _filled(blanks, tmp_path)
    wb = load_workbook(path)
    wb["調査実績"].sheet_state = "hidden"
    wb.save(path)
    assert "hidden_content" in _codes(path, sample_master_path)


def test_renamed_survey_sheet_gets_a_did_you_mean(blanks, tmp_path, sample_master_path):
    path = _filled(blanks, tmp_path)
    wb = load_workbook(path)
    wb["調査実績"].title = "調査実績 (2)"
    wb.save(path)
    report = api.validate_paths_with_master([path], sample_master_path).report.files[0]
    missing = [f for f in report.findings if f.code == "missing_sheet"]
    assert missing and "「調査実績 (2)」のことですか" in missing[0].message


def test_workbook_from_another_years_template(blanks, tmp_path, sample_master_path):
    old = master_to_templates(sample_master(), 2023, tmp_path / "r5", reporters=["岩見沢市"])[0]
    renamed = tmp_path / "R6_岩見沢市_調査票.xlsx"
    fill_survey(old.path, renamed, values={m: (100, "確定") for m in old.measures})
    codes = _codes(renamed, sample_master_path)
    assert codes["year_mismatch"] == "error"


def test_1904_date_system_is_read_without_shifting_dates(blanks, tmp_path, sample_master_path):
    import datetime as dt

    path = _filled(
        blanks,
        tmp_path,
        initiatives=[
            {
                "project": "空知と多様な形で関わりを持つ人材創出プロジェクト",
                "title": "移住相談会",
                "implementers": "市",
                "start_date": dt.date(2024, 9, 16),
                "summary": "相談会を開催",
            }
        ],
    )
    wb = load_workbook(path)
    wb.epoch = __import__("openpyxl").utils.datetime.CALENDAR_MAC_1904
    wb.save(path)
    validation = api.validate_paths_with_master([path], sample_master_path)
    report = validation.report.files[0]
    assert "date1904" in {f.code for f in report.findings}
    (sub,) = validation.submissions
    assert sub.initiatives[0].start_date == dt.date(2024, 9, 16)


def test_xlsm_is_refused_and_its_macros_never_run(tmp_path, sample_master_path):
    from tests.conftest import need_realworld

    src = need_realworld() / "calamine" / "tests" / "vba.xlsm"
    codes = _codes(src, sample_master_path)
    assert codes["xlsm"] == "error" and codes["__status__"] == "unreadable"


def test_hostile_input_never_changes_the_master(corpus, sample_master_path):
    folder, _ = corpus
    before = hashlib.sha256(sample_master_path.read_bytes()).hexdigest()
    outcome = api.merge_paths([folder], sample_master_path, dry_run=True)
    # only the real returns among them (the crash reproducers) would be merged
    reproducers = {xml_safe(n)[0] for n in make_hostile().crash_reproducers()}
    assert set(outcome.result.merged_files) == reproducers
    assert hashlib.sha256(sample_master_path.read_bytes()).hexdigest() == before


def test_hidden_rows_in_the_input_table_are_flagged(blanks, tmp_path, sample_master_path):
    path = _filled(blanks, tmp_path)
    wb = load_workbook(path)
    wb["調査実績"].row_dimensions[6].hidden = True
    wb.save(path)
    report = api.validate_paths_with_master([path], sample_master_path).report.files[0]
    hidden = [f for f in report.findings if f.code == "hidden_content"]
    assert [(f.sheet, f.cell) for f in hidden] == [("調査実績", "A6")]


def test_merged_cells_across_the_input_area_are_refused(blanks, tmp_path, sample_master_path):
    path = _filled(blanks, tmp_path)
    wb = load_workbook(path)
    wb["調査実績"].merge_cells("E6:E7")
    wb.save(path)
    codes = _codes(path, sample_master_path)
    assert codes["merged_input"] == "error"
    assert codes["__status__"] == "partial"


def test_a_form_of_an_earlier_year_is_taken_with_a_warning(tmp_path, sample_master_path):
    """An R5 form sent in the R6 season: R5 figures still being confirmed, say."""
    old = master_to_templates(sample_master(), 2023, tmp_path / "r5", reporters=["岩見沢市"])[0]
    folder = tmp_path / "in"
    folder.mkdir()
    fill_survey(old.path, folder / old.path.name, values={m: (10, "確定") for m in old.measures})
    api.merge_paths([samples_dir() / "returns"], sample_master_path)  # R6 figures are in
    validation = api.validate_paths_with_master([folder], sample_master_path)
    report = validation.report.files[0]
    warning = next(f for f in report.findings if f.code == "other_year")
    assert "R5" in warning.message and "R6" in warning.message
    assert report.status == "ok"
    assert validation.submissions[0].year == 2023


def test_sheets_copied_into_a_new_workbook_lose_the_hidden_sheet(
    blanks, tmp_path, sample_master_path
):
    """A clerk copies the sheets into a new workbook: the hidden sheet is gone, told in plain words."""
    path = _filled(blanks, tmp_path)
    wb = load_workbook(path)
    del wb["_meta"]
    wb.save(path)
    report = api.validate_paths_with_master([path], sample_master_path).report.files[0]
    found = [f for f in report.findings if f.code == "missing_meta"]
    assert found and found[0].severity == "error"
    assert all("_meta" not in f.message for f in report.findings)
