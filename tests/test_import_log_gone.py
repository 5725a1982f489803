"""取込履歴 deleted, emptied or hidden, attacked through the real CLI: a reporter whose
return was refused or taken in part must not be told 未提出 without a word to the clerk."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from sorachi_etl.cli import app
from sorachi_etl.model.resources import samples_dir

runner = CliRunner()
RETURNS = samples_dir() / "returns"
ANSWERED = "芦別市"  # its 取組 were taken, its figures refused (一部受付)


def _merge(paths, master):
    result = runner.invoke(app, ["merge", *map(str, paths), "-m", str(master)])
    assert result.exit_code in (0, 1), result.output
    return " ".join(result.output.split())


def _status_json(master) -> dict:
    result = runner.invoke(app, ["status", "-m", str(master), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _edit_log(master, edit) -> None:
    wb = load_workbook(master)
    edit(wb)
    wb.save(master)


def test_a_log_deleted_then_merged_twice_is_still_said_while_a_reporter_who_answered_is_unsubmitted(
    sample_master_path,
):
    _merge([RETURNS], sample_master_path)
    _edit_log(sample_master_path, lambda wb: wb.remove(wb["取込履歴"]))
    # the first merge after says the log is gone, then writes a new one with its own line only
    first = _merge([RETURNS / "R6_夕張市_調査票.xlsx"], sample_master_path)
    assert "マスタにシート「取込履歴」がありません" in first
    # the second merge and every status after it said nothing, and 芦別市 was 未提出
    second = _merge([RETURNS / "R6_岩見沢市_調査票.xlsx"], sample_master_path)
    assert "「取込履歴」" in second and "記録がありません" in second, second
    status = _status_json(sample_master_path)
    assert [n["code"] for n in status["notices"]] == ["master_log_short"]
    assert "「未提出」と表示されることがあります" in status["notices"][0]["message"]


def test_a_log_emptied_of_its_rows_is_said_like_a_deleted_one(sample_master_path):
    _merge([RETURNS], sample_master_path)
    assert _status_json(sample_master_path)["notices"] == []

    def empty(wb):
        ws = wb["取込履歴"]
        ws.delete_rows(2, ws.max_row)

    _edit_log(sample_master_path, empty)
    status = _status_json(sample_master_path)
    row = next(r for r in status["rows"] if r["reporter"] == ANSWERED)
    assert row["state"] == "未提出"  # what the notice is for
    [notice] = status["notices"]
    assert notice["code"] == "master_log_short" and notice["sheet"] == "取込履歴"
    assert "」ほか24ファイルの記録がありません" in notice["message"], notice["message"]


def test_a_hidden_log_is_read_and_gets_no_word(sample_master_path):
    _merge([RETURNS], sample_master_path)

    def hide(wb):
        wb["取込履歴"].sheet_state = "hidden"

    _edit_log(sample_master_path, hide)
    status = _status_json(sample_master_path)
    assert status["notices"] == []
    row = next(r for r in status["rows"] if r["reporter"] == ANSWERED)
    assert row["state"] != "未提出"


@pytest.mark.parametrize("options", [["-f", "csv"], ["-f", "md"], ["-o", "一覧.csv"]])
def test_a_deleted_log_is_said_by_report_whatever_it_writes(sample_master_path, options):
    # only the terminal table said it: a list piped as CSV or written to a file said nothing
    _merge([RETURNS], sample_master_path)
    _edit_log(sample_master_path, lambda wb: wb.remove(wb["取込履歴"]))
    options = [str(sample_master_path.parent / o) if "." in o else o for o in options]
    result = runner.invoke(app, ["report", "-m", str(sample_master_path), *options])
    assert result.exit_code == 0, result.output
    assert "注意: マスタにシート「取込履歴」がありません" in " ".join(result.stderr.split())
    assert "取込履歴" not in result.stdout  # the list itself stays clean


def test_a_row_staff_typed_with_a_note_for_its_source_is_no_missing_file(sample_master_path):
    """A row of 調査実績 typed by hand with 「手入力」 in 出典ファイル was never in 取込履歴,
    and must not make the log look short."""
    _merge([RETURNS], sample_master_path)
    wb = load_workbook(sample_master_path)
    ws = wb["調査実績"]
    col = {c.value: c.column for c in ws[1]}
    ws.cell(2, col["出典ファイル"]).value = "手入力"
    wb.save(sample_master_path)
    assert _status_json(sample_master_path)["notices"] == []


def test_one_file_missing_from_the_log_is_named_alone(sample_master_path):
    _merge([RETURNS], sample_master_path)
    wb = load_workbook(sample_master_path)
    ws = wb["取込履歴"]
    col = {c.value: c.column for c in ws[1]}
    file_col = next(c for name, c in col.items() if "ファイル" in str(name))
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, file_col).value)
    name = ws.cell(row, file_col).value
    # every line of that file's name gone: its rows are the ones the log no longer covers
    for r in range(ws.max_row, 1, -1):
        if ws.cell(r, file_col).value == name:
            ws.delete_rows(r)
    wb.save(sample_master_path)
    [notice] = _status_json(sample_master_path)["notices"]
    assert f"取り込んだ調査票「{name}」の記録がありません" in notice["message"], notice["message"]
