"""The master as staff and bad luck leave it: each break found by attacking the master side.

Every test here starts from a real master file, edits it as a clerk would (openpyxl for
the cells, LibreOffice where the file's own bytes matter), runs the real command and
checks what the clerk would notice: the exit code and the one Japanese line, the figures
in the report, what is left in the master's folder.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from sorachi_etl import api
from sorachi_etl.book.master_check import load_master
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


# --- a killed run leaves nothing behind ---------------------------------------------------


def test_a_merge_killed_while_writing_leaves_no_temporary_file_for_ever(
    sample_master_path, survey_templates, tmp_path
):
    """kill -9 (a PC switched off, the task killed) while the new master was being written
    left a `.sorachi-….xlsx.tmp` beside the master; every such run added one more, and no
    later run removed them (on Windows they are not even hidden)."""
    folder = returned(tmp_path / "in", survey_templates).parent
    code = (
        "import os, signal, sys\n"
        "from sorachi_etl.book import master_write\n"
        "written = master_write._write_temporary\n"
        "def killed(wb, target):\n"
        "    written(wb, target)\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "master_write._write_temporary = killed\n"
        "from sorachi_etl import api\n"
        "api.merge_paths([sys.argv[1]], sys.argv[2])\n"
    )
    if not hasattr(signal, "SIGKILL"):
        pytest.skip("no SIGKILL on this platform")
    for _ in range(2):
        run = subprocess.run(
            [sys.executable, "-c", code, str(folder), str(sample_master_path)],
            capture_output=True,
            timeout=120,
        )
        assert run.returncode == -signal.SIGKILL
    assert list(sample_master_path.parent.glob(".sorachi-*.tmp"))  # what the killed runs left
    load_master(sample_master_path)  # the master itself is intact
    outcome = api.merge_paths([folder], sample_master_path)
    assert outcome.written
    assert not list(sample_master_path.parent.glob(".sorachi-*.tmp"))


def test_a_temporary_file_of_another_master_in_the_folder_is_left_alone(
    sample_master_path, survey_templates, tmp_path
):
    """Two masters share a folder: one's merge never removes the other's file in progress."""
    other = sample_master_path.with_name("other.xlsx")
    shutil.copy(sample_master_path, other)
    from sorachi_etl.book.master_file import temporary_name

    theirs = other.parent / temporary_name(other, "abc123")
    theirs.write_bytes(b"being written")
    api.merge_paths([returned(tmp_path / "in", survey_templates).parent], sample_master_path)
    assert theirs.exists()


# --- staff's own sheet 分析メモ keeps what staff typed, formulas included --------------------


def test_a_formula_typed_in_the_analysis_notes_still_reads_after_a_merge(
    sample_master_path, survey_templates, tmp_path
):
    """A line of 分析メモ written as a formula (="SNSフォロワー数は"&TEXT(…)&"人…") read
    well until the first merge: openpyxl saved the sheet again without the formula's
    value, so report and publish dropped the line without a word."""
    wb = load_workbook(sample_master_path)
    ws = wb["分析メモ"]
    ws.append(["R6", None, 3, '="フォロワー数の目標は"&TEXT(評価指標!L5,"#,##0")&"人である。"'])
    wb.save(sample_master_path)
    libreoffice_saves(sample_master_path)  # as staff's Excel/LibreOffice saves it: with its value
    line = "フォロワー数の目標は14,500人である。"

    def staff_lines() -> list[str]:
        return api.kpi_report(sample_master_path, year=2023).analysis

    assert line in staff_lines()
    outcome = api.merge_paths(
        [returned(tmp_path / "in", survey_templates).parent], sample_master_path
    )
    assert outcome.written
    assert line in staff_lines()
    ws = load_workbook(sample_master_path)["分析メモ"]
    assert ws.cell(ws.max_row, 4).value.startswith('="フォロワー数の目標は"')  # still a formula
