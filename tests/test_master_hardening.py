"""The master as staff and bad luck leave it: each break found by attacking the master side.

Every test here starts from a real master file, edits it as a clerk would (openpyxl for
the cells, LibreOffice where the file's own bytes matter), runs the real command and
checks what the clerk would notice: the exit code and the one Japanese line, the figures
in the report, what is left in the master's folder.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from sorachi_etl.cli import app
from tests.conftest import libreoffice_convert
from tests.surveys import returned

runner = CliRunner()


def column_of(ws, header: str) -> int:
    return next(c.column for c in ws[1] if c.value == header)


def libreoffice_saves(path: Path) -> None:
    """The workbook opened and saved again by LibreOffice ("keep current format")."""
    saved = libreoffice_convert(path, path.parent / "lo", "xlsx")
    shutil.move(saved, path)


# --- a row typed by hand with a blank required cell --------------------------------------


@pytest.mark.parametrize("command", ["status", "report", "publish", "merge", "validate"])
def test_a_value_row_typed_without_its_year_names_the_cell_instead_of_crashing(
    sample_master_path, survey_templates, tmp_path, command
):
    """Staff add a line to 調査実績 by hand and forget the year: every command said
    「予期しない問題が起きました」 (exit 1) instead of naming the empty cell."""
    wb = load_workbook(sample_master_path)
    ws = wb["調査実績"]
    ws.append(["M02", "歌志内市", None, 7, "確定"])
    row = ws.max_row
    wb.save(sample_master_path)
    folder = returned(tmp_path / "in", survey_templates).parent
    args = {
        "status": ["status", "-m", str(sample_master_path)],
        "report": ["report", "-m", str(sample_master_path)],
        "publish": ["publish", "-m", str(sample_master_path), "--format", "html"],
        "merge": ["merge", str(folder), "-m", str(sample_master_path)],
        "validate": ["validate", str(folder), "-m", str(sample_master_path)],
    }[command]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert f"調査実績!C{row}" in result.output and "年度が空欄" in result.output
    assert "予期しない" not in result.output
