"""A return's numbers (調査実績) and initiatives (取組) are separate parts (一部受付).

A fault in one part holds back that part only, says so, and lets the other in;
提出状況 and the reminder ask only for the part held back; a resubmission
replaces both parts. Through real files: surveys written from the sample master,
typed into, merged into a real master.
"""

from __future__ import annotations

import datetime as dt

from openpyxl import load_workbook
from typer.testing import CliRunner

from sorachi_etl import api
from sorachi_etl.book.master_check import load_master
from sorachi_etl.cli import app
from sorachi_etl.kpi.status import master_to_status, reminder_text
from sorachi_etl.model.messages import message
from tests.surveys import CLEAN, INITIATIVE, returned, set_mtime

runner = CliRunner()
GOOD = {**INITIATIVE}
NO_PROJECT = {**INITIATIVE, "title": "プロジェクトを書き忘れた取組", "project": None}


def status_row(master_path, reporter: str):
    return next(
        r for r in master_to_status(load_master(master_path)).rows if r.reporter == reporter
    )


def reminder_line(master_path, reporter: str) -> str:
    text = reminder_text(master_to_status(load_master(master_path)), today=dt.date(2025, 5, 1))
    return next(line for line in text.splitlines() if line.startswith(f"・{reporter}　"))


def test_a_bad_initiative_row_holds_back_the_initiatives_only(
    tmp_path, survey_templates, sample_master_path
):
    folder = tmp_path / "回収"
    returned(folder, survey_templates, "岩見沢市", initiatives=[GOOD, NO_PROJECT])
    outcome = api.merge_paths([folder], sample_master_path)

    [fr] = outcome.validation.report.files
    assert fr.status == "partial" and fr.held_back == ["initiatives"]
    assert [(f.code, f.sheet, f.cell) for f in fr.errors] == [("required_text", "取組", "A6")]
    [note] = [f for f in fr.findings if f.code == "part_held_back"]
    assert note.severity == "warning"
    assert note.message.startswith(
        "取組に修正が必要なため、取組は取り込みません。実績値は取り込みます"
    )

    # the numbers are in, the initiatives are not
    master = load_master(sample_master_path)
    mine = {v.measure: v.value for v in master.measure_values if v.reporter == "岩見沢市"}
    assert mine == {m: float(v) for m, v in CLEAN["岩見沢市"].items()}
    assert not [i for i in master.initiatives if i.reporter == "岩見沢市" and i.year == 2024]
    assert outcome.result.merged_files == [fr.file]

    # 提出状況, 取込履歴 and the reminder: 一部受付, asking for the initiatives only
    row = status_row(sample_master_path, "岩見沢市")
    assert row.state == "一部受付" and row.held_back == ["取組"]
    assert master.log[-1].result == "一部取込（実績値のみ）"
    assert master.log[-1].note.endswith("取組は修正が必要なため取り込んでいません。")
    assert master.log[-1].rows == len(CLEAN["岩見沢市"])  # what was taken
    line = reminder_line(sample_master_path, "岩見沢市")
    assert line == "・岩見沢市　" + message("remind_partial_initiatives")
    assert "取組を修正のうえ再提出" in line and "実績値を修正" not in line
    ws = load_workbook(sample_master_path)["提出状況"]
    states = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(5, ws.max_row + 1)}
    assert states["岩見沢市"] == "一部受付（取組を要修正）"

    # the fixed return replaces both parts: 受付済
    fixed = returned(tmp_path / "再提出", survey_templates, "岩見沢市", initiatives=[GOOD])
    set_mtime(fixed, 2_000_000_000)
    api.merge_paths([fixed], sample_master_path)
    assert status_row(sample_master_path, "岩見沢市").state == "受付済"
    master = load_master(sample_master_path)
    titles = [i.title for i in master.initiatives if i.reporter == "岩見沢市" and i.year == 2024]
    assert titles == [GOOD["title"]]


def test_a_bad_number_holds_back_the_numbers_only(tmp_path, survey_templates, sample_master_path):
    folder = tmp_path / "回収"
    returned(
        folder, survey_templates, "美唄市", values={"M02": ("たくさん", "確定")}, initiatives=[GOOD]
    )
    outcome = api.merge_paths([folder], sample_master_path)
    [fr] = outcome.validation.report.files
    assert fr.status == "partial" and fr.held_back == ["values"]
    master = load_master(sample_master_path)
    assert not [v for v in master.measure_values if v.reporter == "美唄市" and v.year == 2024]
    assert [i.title for i in master.initiatives if i.reporter == "美唄市"] == [GOOD["title"]]
    assert master.log[-1].result == "一部取込（取組のみ）"
    row = status_row(sample_master_path, "美唄市")
    assert row.state == "一部受付" and row.held_back == ["実績値"]
    assert reminder_line(sample_master_path, "美唄市") == "・美唄市　" + message(
        "remind_partial_values"
    )
    # the KPI list counts the reporter as not in yet for the numbers
    assert "美唄市" not in outcome.missing


def test_faults_in_both_parts_hold_back_the_whole_file(
    tmp_path, survey_templates, sample_master_path
):
    folder = tmp_path / "回収"
    returned(
        folder, survey_templates, "夕張市", values={"M01": (-5, "確定")}, initiatives=[NO_PROJECT]
    )
    outcome = api.merge_paths([folder], sample_master_path)
    [fr] = outcome.validation.report.files
    assert fr.status == "invalid" and fr.held_back == []
    assert outcome.result.merged_files == []
    assert status_row(sample_master_path, "夕張市").state == "要修正"


def test_merge_says_what_went_in_and_what_to_ask_for(
    tmp_path, survey_templates, sample_master_path
):
    folder = tmp_path / "回収"
    returned(folder, survey_templates, "岩見沢市", initiatives=[GOOD, NO_PROJECT])
    returned(folder, survey_templates, "美唄市")
    result = runner.invoke(
        app, ["merge", str(folder), "-m", str(sample_master_path)], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 1  # a problem in the data, as for any faulty return
    out = result.output
    assert "問題なし 1、一部受付 1、要修正 0" in out
    assert "取り込み: 2ファイル（うち一部受付 1）" in out
    assert (
        "R6_岩見沢市_調査票.xlsx（一部受付: 取組を直して送り直してもらってください。実績値は取り込みました）"
        in out
    )
    reminder = runner.invoke(app, ["status", "-m", str(sample_master_path), "--reminder"]).output
    assert "岩見沢市　ご提出の調査票のうち、取組（シート「取組」）に修正が必要" in reminder
    status = runner.invoke(app, ["status", "-m", str(sample_master_path), "--json"])
    rows = {r["reporter"]: r for r in __import__("json").loads(status.output)["rows"]}
    assert rows["岩見沢市"]["state"] == "一部受付" and rows["岩見沢市"]["held_back"] == ["取組"]


def test_a_blank_summary_or_implementer_does_not_hold_anything_back(
    tmp_path, survey_templates, sample_master_path
):
    """A README-guided fill left 概要 blank and came back 27 of 27 要修正: no longer."""
    folder = tmp_path / "回収"
    row = {**INITIATIVE, "summary": None, "implementers": None}
    returned(folder, survey_templates, "岩見沢市", initiatives=[row])
    outcome = api.merge_paths([folder], sample_master_path)
    [fr] = outcome.validation.report.files
    assert fr.status == "ok"
    assert {f.code for f in fr.findings} == {"recommended_text", "implementer_defaulted"}
    [ini] = [i for i in outcome.result.master.initiatives if i.reporter == "岩見沢市"]
    assert ini.implementers == ["岩見沢市"] and ini.summary == ""


def test_the_survey_marks_the_required_columns(survey_templates):
    wb = load_workbook(survey_templates.path("岩見沢市"))
    headers = [c.value for c in wb["取組"][4]]
    assert headers[:3] == ["プロジェクト（必須）", "取組名（必須）", "実施主体"]
    assert "概要" in headers and "概要（必須）" not in headers
    guide = [str(c.value) for row in wb["記入要領"].iter_rows() for c in row if c.value]
    assert "取組：取組名（必須）" in guide and "取組：プロジェクト（必須）" in guide
    assert any("（必須）" in text and "概要" in text for text in guide)  # 記入要領 says which


def test_a_return_of_the_old_template_without_marks_still_reads(
    tmp_path, survey_templates, sample_master_path
):
    path = returned(tmp_path, survey_templates, "岩見沢市", initiatives=[GOOD])
    wb = load_workbook(path)
    ws = wb["取組"]
    for cell in ws[4]:
        if isinstance(cell.value, str):
            cell.value = cell.value.replace("（必須）", "")
    for table in ws.tables.values():
        for column in table.tableColumns:
            column.name = column.name.replace("（必須）", "")
    wb.save(path)
    v = api.validate_paths_with_master([path], sample_master_path)
    assert v.report.files[0].status == "ok"
    assert [i.title for i in v.submissions[0].initiatives] == [GOOD["title"]]
