"""IDs typed in lower case (or full width) in the master, attacked in every sheet that holds
them: the hint must name an ID that exists where the clerk is told to type it, and the cell
to change must be the one that is wrong.

Through the real CLI (`report`), as staff would meet them.
"""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from sorachi_etl.check.validate import validate_paths
from sorachi_etl.cli import app
from sorachi_etl.model.names import SURVEY_VALUES
from sorachi_etl.model.sample import sample_master
from tests.surveys import patch_cell, returned

runner = CliRunner()


def _report_after(master, sheet: str, cell: str, typed: str) -> str:
    wb = load_workbook(master)
    wb[sheet][cell] = typed
    wb.save(master)
    result = runner.invoke(app, ["report", "-m", str(master)])
    assert result.exit_code == 2, result.output
    return " ".join(result.output.split())


@pytest.mark.parametrize(
    ("sheet", "cell", "typed", "other"),
    [
        ("指標実績", "A2", "m01", "M01"),  # a measure's ID in a KPI column
        ("評価指標", "D2", "k01", "K01"),  # a KPI's ID in a measure column
        ("分析メモ", "B2", "m01", "M01"),  # a note names a KPI
    ],
)
def test_an_id_of_the_other_sheet_in_lower_case_is_not_told_to_be_typed_in_upper_case(
    sample_master_path, sheet, cell, typed, other
):
    # 「m01」 in 指標実績's 指標ID was told 「半角大文字の「M01」に直してください」: M01 is a
    # measure, and typing it there stops the run again
    line = _report_after(sample_master_path, sheet, cell, typed)
    assert f"{sheet}!{cell}" in line, line
    assert f"「{other}」に直して" not in line, line


@pytest.mark.parametrize(("typed", "how"), [("m01", "小文字"), ("Ｍ０１", "全角")])
def test_a_measure_id_defined_in_lower_case_or_full_width_is_pointed_at_where_it_is_defined(
    sample_master_path, typed, how
):
    # 「m01」 typed in 調査項目 itself: 26 lines said 「M01」 was not in 調査項目 (where the
    # clerk sees M01's row) and none said that 調査項目 holds 「m01」
    line = _report_after(sample_master_path, "調査項目", "A2", typed)
    assert f"シート「調査項目」では「{typed}」と入力されています" in line, line
    assert "そちらを半角大文字の「M01」に直してください" in line, line


@pytest.mark.parametrize("typed", ["m01", "Ｍ０１", "ｍ０１"])
def test_a_return_whose_id_was_retyped_in_lower_case_is_read_as_that_measure(
    tmp_path, survey_templates, typed
):
    # the row of 観光入込客数 with 「m01」 in its ID cell was said to be 「この報告者の調査項目
    # ではありません」 and, in the same breath, missing: the file was 一部受付 for nothing
    path = returned(tmp_path, survey_templates, values={"M01": (24530, "確定")})
    patch_cell(path, SURVEY_VALUES, "A5", f"<is><t>{typed}</t></is>", t="inlineStr")
    validation = validate_paths([path], master=sample_master())
    [report] = validation.report.files
    assert (report.status, report.findings) == ("ok", [])
    [submission] = validation.submissions
    assert ("M01", 24530) in {(v.measure, v.value) for v in submission.values}


@pytest.mark.parametrize(("sheet", "typed"), [("評価指標", "k01"), ("調査項目", "ｍ０１")])
def test_an_id_defined_twice_differing_in_case_only_is_told_as_a_duplicate(
    sample_master_path, sheet, typed
):
    # a row copied and its ID retyped 「k01」: taken for a second KPI, the list printed
    # 炭鉄港…観光入込客数 twice, the second with no figures
    wb = load_workbook(sample_master_path)
    ws = wb[sheet]
    copied = [c.value for c in ws[2]]
    ws.append([typed, *copied[1:]])
    at = f"{sheet}!A{ws.max_row}"
    wb.save(sample_master_path)
    result = runner.invoke(app, ["report", "-m", str(sample_master_path)])
    assert result.exit_code == 2, result.output
    line = " ".join(result.output.split())
    assert f"{at}の" in line and f"「{typed}」が重複しています" in line, line
