"""The master as staff leave it after working in it with Excel or LibreOffice (round 2).

Each test edits a real master as a clerk does (openpyxl for the cells, LibreOffice where
the file's own format matters), runs the real command and checks what the clerk would
notice: the exit code, the Japanese line, and what is in the master afterwards.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from sorachi_etl.cli import app
from tests.surveys import returned

runner = CliRunner()


def merge(folder: Path, master: Path):
    return runner.invoke(app, ["merge", str(folder), "-m", str(master)])


def figure(master: Path, measure: str, reporter: str) -> object:
    ws = load_workbook(master)["調査実績"]
    for row in ws.iter_rows(min_row=2, values_only=True):
        if row[0] == measure and row[1] == reporter:
            return row[3]
    return None


# --- a row copied and pasted: the same key twice -----------------------------------------


def test_a_row_pasted_twice_is_named_once_per_row_with_its_whole_key(
    sample_master_path, survey_templates, tmp_path
):
    """A line of 指標実績 copied and pasted below: the run stopped with six lines, one per
    key column and row (「K01」, 「2020」, 「確定」…), the year as 2020 rather than the R2
    the clerk typed, so the clerk could not see which line was meant."""
    wb = load_workbook(sample_master_path)
    ws = wb["指標実績"]
    ws.append([c.value for c in ws[2]])
    copy = ws.max_row
    wb.save(sample_master_path)
    result = merge(returned(tmp_path / "in", survey_templates).parent, sample_master_path)
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if "重複" in line]
    assert len(lines) == 2, result.output
    assert "指標実績!A2" in lines[0] and f"指標実績!A{copy}" in lines[1]
    assert all("「K01・R2」" in line for line in lines), lines
