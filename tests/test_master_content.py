"""What is in the master: refused when not understood, no text that breaks it, staff's typing read
like returns, resubmissions replacing, comments allowed (issue 13, Seen 3 to 7), through real files."""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.comments import Comment

from sorachi_etl import api
from sorachi_etl.book import sheet_edit, sheetdata
from sorachi_etl.book.master_check import load_master
from sorachi_etl.book.preserve import content_at_risk
from sorachi_etl.check.validate import validate_paths
from sorachi_etl.model.errors import MasterError
from sorachi_etl.model.sample import sample_master
from tests.conftest import libreoffice_convert
from tests.surveys import INITIATIVE, patch_cell, returned


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def column_of(ws, header: str) -> int:
    return next(c.column for c in ws[1] if c.value == header)


def refused(path: Path, folder: Path) -> MasterError:
    """A merge that must stop before writing: the master's bytes stay as they were."""
    before = digest(path)
    with pytest.raises(MasterError) as caught:
        api.merge_paths([folder], path)
    assert digest(path) == before
    assert not list(path.parent.glob(".sorachi-*"))  # no temporary file left
    return caught.value


# --- Seen 3: a column the tool cannot find stops the run ---------------------------------


def test_a_renamed_target_column_is_refused_with_a_hint(
    sample_master_path, survey_templates, tmp_path
):
    wb = load_workbook(sample_master_path)
    ws = wb["評価指標"]
    ws.cell(1, column_of(ws, "目標値"), "目標")
    wb.save(sample_master_path)
    error = refused(sample_master_path, returned(tmp_path / "in", survey_templates).parent)
    [found] = [f for f in error.findings if f.code == "master_missing_column"]
    assert found.sheet == "評価指標"
    assert "「目標値」" in found.message and "「目標」" in found.message
    with pytest.raises(MasterError):  # the report would show no targets: refused too
        api.kpi_report(sample_master_path)


def test_a_deleted_value_column_is_refused_and_no_value_is_lost(
    sample_master_path, survey_templates, tmp_path
):
    first = tmp_path / "first"
    for name in ("岩見沢市", "美唄市"):
        returned(first, survey_templates, name)
    api.merge_paths([first], sample_master_path)
    wb = load_workbook(sample_master_path)
    ws = wb["調査実績"]
    ws.delete_cols(column_of(ws, "実績値"))
    wb.save(sample_master_path)
    late = returned(tmp_path / "late", survey_templates, "芦別市")
    error = refused(sample_master_path, late.parent)
    assert any(
        f.code == "master_missing_column" and "「実績値」" in f.message for f in error.findings
    )


def test_a_column_marked_absent_ok_may_be_missing(sample_master_path, monkeypatch):
    """A column added to the tool after masters were made (absent_ok) reads as blank."""
    import dataclasses

    from sorachi_etl.model import rules

    wb = load_workbook(sample_master_path)
    ws = wb["事業"]
    ws.delete_cols(column_of(ws, "概要"))
    wb.save(sample_master_path)
    with pytest.raises(MasterError):
        load_master(sample_master_path)
    original = rules.load_rules("master")
    changed = dict(original)
    rule = changed["事業"]
    changed["事業"] = dataclasses.replace(
        rule,
        columns=tuple(
            dataclasses.replace(c, absent_ok=True) if c.key == "summary" else c
            for c in rule.columns
        ),
    )
    monkeypatch.setattr(rules, "master_rules", lambda: changed)
    monkeypatch.setattr("sorachi_etl.book.master_read.master_rules", lambda: changed)
    master = load_master(sample_master_path)
    assert all(b.summary == "" for b in master.businesses)


# --- Seen 4: no text reaches the master's XML unchecked -----------------------------------


def _note_cell(path: Path, text: str) -> str:
    ws = load_workbook(path)["調査実績"]
    return next(c.coordinate for row in ws.iter_rows() for c in row if c.value == text)


def test_a_forbidden_character_in_a_note_is_removed_with_a_warning(
    sample_master_path, survey_templates, tmp_path
):
    folder = tmp_path / "in"
    path = returned(folder, survey_templates, values={"M02": (96, "確定", "前年比X増")})
    ref = _note_cell(path, "前年比X増")
    patch_cell(path, "調査実績", ref, "<is><t>前年比&#xFFFF;増</t></is>", t="inlineStr")
    returned(folder, survey_templates, "美唄市")
    validation = validate_paths([folder], master=sample_master())
    report = next(f for f in validation.report.files if f.file == path.name)
    assert report.status == "ok"
    assert [(f.code, f.severity, f.cell) for f in report.findings if f.code == "control_chars"] == [
        ("control_chars", "warning", ref)
    ]
    outcome = api.merge_paths([folder], sample_master_path)
    assert outcome.written
    wb = load_workbook(sample_master_path)  # openpyxl loads it whole
    notes = [r[5] for r in wb["調査実績"].iter_rows(min_row=2, values_only=True)]
    assert "前年比増" in notes
    rows = len(outcome.result.master.measure_values)
    assert len([r for r in wb["調査実績"].iter_rows(min_row=2, values_only=True) if r[0]]) == rows
    again = libreoffice_convert(sample_master_path, tmp_path / "lo", "xlsx")
    lo_rows = load_workbook(again)["調査実績"].iter_rows(min_row=2, values_only=True)
    assert len([r for r in lo_rows if r[0]]) == rows


@pytest.mark.parametrize("odd", ["\uffff", "\x01", "\x1f"])
def test_an_odd_character_in_a_file_name_neither_breaks_nor_aborts(
    sample_master_path, survey_templates, tmp_path, odd
):
    folder = tmp_path / "in"
    path = returned(folder, survey_templates, "岩見沢市", name=f"R6_岩見沢市_調査票{odd}.xlsx")
    outcome = api.merge_paths([folder], sample_master_path)
    assert path.name != "R6_岩見沢市_調査票.xlsx"
    # told and merged under the name without it, as everywhere the master records it
    assert outcome.written and outcome.result.merged_files == ["R6_岩見沢市_調査票.xlsx"]
    [report] = outcome.validation.report.files
    assert [f.code for f in report.findings if f.code == "file_name_chars"] == ["file_name_chars"]
    log = list(load_workbook(sample_master_path)["取込履歴"].iter_rows(values_only=True))
    assert log[-1][1] == "R6_岩見沢市_調査票.xlsx"
    assert (
        load_master(sample_master_path).measure_values[0].source_file == "R6_岩見沢市_調査票.xlsx"
    )


def test_a_master_that_would_not_open_never_replaces_the_old_one(
    sample_master_path, survey_templates, tmp_path, monkeypatch
):
    """Should a cell ever be written with a character XML forbids, the check after the
    write catches it: the old master stays and the run says so."""
    real = sheetdata.value_tail

    def broken(value, epoch):
        out = real(value, epoch)
        return out.replace("</t>", "\uffff</t>") if isinstance(value, str) else out

    monkeypatch.setattr(sheetdata, "value_tail", broken)
    monkeypatch.setattr(sheet_edit, "value_tail", broken)
    folder = tmp_path / "in"
    returned(folder, survey_templates, "岩見沢市")
    error = refused(sample_master_path, folder)
    assert error.code == "master_check_failed"
    assert not (sample_master_path.parent / "backup").exists()


# --- Seen 5: staff typing in the master is read as returns are ------------------------------


def _set(path: Path, sheet: str, row: int, header: str, value: object) -> str:
    wb = load_workbook(path)
    ws = wb[sheet]
    cell = ws.cell(row, column_of(ws, header))
    cell.value = value
    wb.save(path)
    return cell.coordinate


def test_a_target_typed_with_its_unit_is_read_in_that_unit(
    sample_master_path, survey_templates, tmp_path
):
    # K01 (row 2) is shown in 千人
    ref = _set(sample_master_path, "評価指標", 2, "目標値", "7,468千人")
    _set(sample_master_path, "評価指標", 2, "基準値", "７，２５０千人")
    master = load_master(sample_master_path)
    k01 = master.kpi("K01")
    assert (k01.target_value, k01.base_value) == (7468, 7250)
    api.merge_paths([returned(tmp_path / "in", survey_templates).parent], sample_master_path)
    ws = load_workbook(sample_master_path)["評価指標"]
    assert ws[ref].value == "7,468千人"  # as staff typed it: the merge had nothing to change
    assert load_master(sample_master_path).kpi("K01").target_value == 7468


def test_a_value_typed_with_a_scaled_unit_is_read_in_the_measure_unit(
    sample_master_path, survey_templates, tmp_path
):
    api.merge_paths([returned(tmp_path / "in", survey_templates).parent], sample_master_path)
    _set(sample_master_path, "調査実績", 2, "実績値", "2,410千人")  # M01 is counted in 人
    [value] = [
        v
        for v in load_master(sample_master_path).measure_values
        if (v.measure, v.reporter) == ("M01", "岩見沢市")
    ]
    assert value.value == 2_410_000


def test_a_target_in_another_unit_is_an_error_naming_the_cell(sample_master_path):
    ref = _set(sample_master_path, "評価指標", 2, "目標値", "7,468,000人")
    with pytest.raises(MasterError) as caught:
        load_master(sample_master_path)
    [found] = caught.value.findings
    assert (found.sheet, found.cell) == ("評価指標", ref)
    assert "千人" in found.message


# --- Seen 6: a resubmission replaces the reporter's part, initiatives included -------------


def test_a_corrected_resubmission_leaves_one_initiative(
    sample_master_path, survey_templates, tmp_path
):
    api.merge_paths(
        [returned(tmp_path / "first", survey_templates, initiatives=[INITIATIVE]).parent],
        sample_master_path,
    )
    corrected = dict(INITIATIVE, title="移住フェア（札幌）への出展")
    api.merge_paths(
        [returned(tmp_path / "again", survey_templates, initiatives=[corrected]).parent],
        sample_master_path,
    )
    ws = load_workbook(sample_master_path)["取組"]
    mine = [r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == "岩見沢市"]
    assert [r[4] for r in mine] == ["移住フェア（札幌）への出展"]
    note = list(load_workbook(sample_master_path)["取込履歴"].iter_rows(values_only=True))[-1][7]
    assert "取組 1件を1件に置き換えました" in note and "移住フェアへの出展" in note


def test_a_resubmission_with_fewer_initiatives_leaves_no_empty_row_behind(
    sample_master_path, survey_templates, tmp_path
):
    two = [INITIATIVE, dict(INITIATIVE, title="就職説明会")]
    api.merge_paths(
        [returned(tmp_path / "first", survey_templates, initiatives=two).parent],
        sample_master_path,
    )
    wb = load_workbook(sample_master_path)
    ws = wb["取組"]
    row = next(c.row for c in ws["E"] if c.value == "就職説明会")
    memo = ws.max_column + 1
    ws.cell(row, memo, "写真あり（広報に確認）")  # staff's note beside the initiative
    wb.save(sample_master_path)
    api.merge_paths(
        [returned(tmp_path / "again", survey_templates, initiatives=[INITIATIVE]).parent],
        sample_master_path,
    )
    master = load_master(sample_master_path)  # the emptied row reads as no row
    assert [i.title for i in master.initiatives if i.reporter == "岩見沢市"] == [
        "移住フェアへの出展"
    ]
    ws = load_workbook(sample_master_path)["取組"]
    assert [c.value for c in ws[row]][: memo - 1] == [None] * (memo - 1)  # the tool's cells
    assert ws.cell(row, memo).value == "写真あり（広報に確認）"  # staff's note stays
    api.merge_paths(
        [returned(tmp_path / "third", survey_templates, initiatives=two).parent],
        sample_master_path,
    )
    titles = [i.title for i in load_master(sample_master_path).initiatives]
    assert titles.count("就職説明会") == 1


def test_initiatives_staff_typed_stay_when_the_reporter_sends_its_own(
    sample_master_path, survey_templates, tmp_path
):
    bureau = "空知総合振興局"
    typed = [
        i.title for i in sample_master().initiatives if i.reporter == bureau and i.year == 2024
    ]
    assert typed  # the published report's planned initiatives, typed by staff
    sent = dict(INITIATIVE, implementers="振興局")
    outcome = api.merge_paths(
        [returned(tmp_path / "in", survey_templates, bureau, initiatives=[sent]).parent],
        sample_master_path,
    )
    assert outcome.result.merged_files
    titles = [
        i.title
        for i in load_master(sample_master_path).initiatives
        if i.reporter == bureau and i.year == 2024
    ]
    assert titles == [*typed, "移住フェアへの出展"]


# --- Seen 7: comments are kept; only what a save would drop stops a merge -------------------


def test_a_cell_comment_does_not_block_a_merge_and_survives_it(
    sample_master_path, survey_templates, tmp_path
):
    wb = load_workbook(sample_master_path)
    wb["評価指標"]["B4"].comment = Comment("数値は観光振興課に確認", "佐藤")
    wb.create_sheet("メモ")["A1"] = "打合せ"
    wb["メモ"]["A1"].comment = Comment("次回は6月", "佐藤")
    wb.save(sample_master_path)
    # as Excel and LibreOffice save a comment: a note in a VML drawing
    saved = libreoffice_convert(sample_master_path, tmp_path / "lo", "xlsx")
    sample_master_path.write_bytes(saved.read_bytes())
    assert content_at_risk(sample_master_path) == []
    outcome = api.merge_paths(
        [returned(tmp_path / "in", survey_templates).parent], sample_master_path
    )
    assert outcome.written
    wb = load_workbook(sample_master_path)
    assert wb["評価指標"]["B4"].comment.text == "数値は観光振興課に確認"
    assert wb["メモ"]["A1"].comment.text == "次回は6月"


def _with_part(path: Path, sheet_part: str, insert: bytes, rels: bytes, extra: dict) -> None:
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    parts[sheet_part] = parts[sheet_part].replace(b"</worksheet>", insert + b"</worksheet>")
    folder, name = sheet_part.rsplit("/", 1)
    rels_name = f"{folder}/_rels/{name}.rels"
    old = parts.get(
        rels_name,
        b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>',
    )
    parts[rels_name] = old.replace(b"</Relationships>", rels + b"</Relationships>")
    parts.update(extra)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)


def _kpi_sheet_part(path: Path) -> str:
    from sorachi_etl.book.preserve import _sheet_parts

    with zipfile.ZipFile(path) as z:
        return _sheet_parts(z)["評価指標"]


def test_a_form_control_in_the_comment_drawing_is_refused(sample_master_path):
    part = _kpi_sheet_part(sample_master_path)
    vml = (
        b'<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:x="urn:schemas-microsoft-com:office:excel">'
        b'<v:shape id="_x0000_s1025" type="#_x0000_t201"><x:ClientData ObjectType="Button">'
        b"<x:Anchor>1, 0, 1, 0, 3, 0, 3, 0</x:Anchor></x:ClientData></v:shape></xml>"
    )
    _with_part(
        sample_master_path,
        part,
        b'<legacyDrawing r:id="rIdVml"/>',
        b'<Relationship Id="rIdVml" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing" Target="../drawings/vmlDrawing9.vml"/>',
        {"xl/drawings/vmlDrawing9.vml": vml},
    )
    assert content_at_risk(sample_master_path) == [
        "シート「評価指標」: フォームコントロール（ボタン・チェックボックスなど）"
    ]


def test_a_threaded_comment_is_refused_by_name(sample_master_path):
    part = _kpi_sheet_part(sample_master_path)
    _with_part(
        sample_master_path,
        part,
        b"",
        b'<Relationship Id="rIdTc" Type="http://schemas.microsoft.com/office/2017/10/relationships/threadedComment" Target="../threadedComments/threadedComment1.xml"/>',
        {"xl/threadedComments/threadedComment1.xml": b"<ThreadedComments/>"},
    )
    [found] = content_at_risk(sample_master_path)
    assert found.startswith("シート「評価指標」: スレッド形式のコメント")


def test_the_check_after_writing_reads_what_a_clerk_would_open(tmp_path):
    """verify.check_written refuses a package with a character XML forbids in a sheet."""
    from sorachi_etl.book.verify import check_written
    from sorachi_etl.book.xlsx import new_workbook, put

    wb = new_workbook()
    put(wb.create_sheet("a"), 1, 1, "ok")
    good = tmp_path / "good.xlsx"
    wb.save(good)
    check_written(good)
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bad, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"<t>ok</t>", "<t>o\uffffk</t>".encode(), data)
            zout.writestr(info, data)
    with pytest.raises(MasterError) as caught:
        check_written(bad)
    assert caught.value.code == "master_check_failed"
