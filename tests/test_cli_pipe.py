"""Text that people paste: written to a file or a pipe, no line is broken.

`report > 分析.txt` and `status | …` used to wrap at 80 columns, splitting figures
("7,48⏎7千人") and sentences. Piped, each sentence is one line; a terminal (or a
width asked for with COLUMNS) is served as before.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from itertools import pairwise

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from sorachi_etl import api
from sorachi_etl.cli import app
from sorachi_etl.model.resources import samples_dir

runner = CliRunner()
NO_WIDTH = {"COLUMNS": None}  # nothing asks for a width: a plain pipe
# A figure cut at the end of a line and carried on in the next: "7,48" / "7千人".
CUT_FIGURE = re.compile(r"[\d,.]$")


def piped(*args: str, cwd=None) -> subprocess.CompletedProcess:
    """The command run as `sorachi-etl … | cat` would run it: stdout a real pipe."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "FORCE_COLOR")}
    return subprocess.run(
        [sys.executable, "-c", "from sorachi_etl.cli import main; main()", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=cwd,
        timeout=120,
    )


def text_lines(out: str) -> list[str]:
    """The lines of `out` outside table borders (a table keeps its shape)."""
    return [line for line in out.splitlines() if line and line[0] not in "┏┃┡│├└╭╰┗"]


def assert_nothing_cut(out: str) -> None:
    lines = text_lines(out)
    for before, after in pairwise(lines):
        assert not (CUT_FIGURE.search(before) and after[:1].isdigit()), (before, after)


@pytest.fixture
def merged_master(sample_master_path, tmp_path):
    returns = tmp_path / "回収"
    shutil.copytree(samples_dir() / "returns", returns)
    api.merge_paths([returns], sample_master_path)
    return sample_master_path


def test_piped_report_writes_every_analysis_line_whole(merged_master):
    run = piped("report", "--master", str(merged_master))
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    analysis = api.kpi_report(merged_master).analysis
    assert any(cell_len(line) > 80 for line in analysis)  # long enough to have been cut before
    for sentence in analysis:
        assert f"・{sentence}" in lines
    assert "7,487千人" in run.stdout  # the figure the issue saw cut in two
    assert_nothing_cut(run.stdout)
    # every column is there, as nothing asks the table to fit 80 columns
    assert "列を省いています" not in run.stdout
    for column in ("基準値", "R3", "R4", "R5", "目標値", "進捗率"):
        assert column in run.stdout


def test_report_to_a_terminal_width_still_fits_it(merged_master):
    result = runner.invoke(app, ["report", "--master", str(merged_master)], env={"COLUMNS": "80"})
    assert max(cell_len(line) for line in result.output.splitlines()) <= 80
    assert "列を省いています" in result.output


def test_piped_status_writes_every_line_whole(merged_master):
    result = runner.invoke(app, ["status", "--master", str(merged_master)], env=NO_WIDTH)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    reminder = runner.invoke(
        app, ["status", "--master", str(merged_master), "--reminder"], env=NO_WIDTH
    ).output
    for sentence in (line for line in reminder.splitlines() if line.strip()):
        assert sentence in lines
    assert any(line.startswith("受付済 25／28") for line in lines)
    assert any("R6_新十津川町_調査票.xlsx" in line for line in lines)  # not folded in its cell
    assert_nothing_cut(result.output)


def test_piped_merge_and_validate_summaries_are_whole(sample_master_path, tmp_path):
    returns = tmp_path / "回収"
    shutil.copytree(samples_dir() / "returns", returns)
    shutil.copy(samples_dir() / "catalog.json", returns / "メモ.txt")

    result = runner.invoke(app, ["validate", str(returns)], env=NO_WIDTH)
    lines = result.output.splitlines()
    assert (
        "27ファイルを点検: 問題なし 25、一部受付 1、要修正 1、読み取れない 0（エラー 3件、注意 8件）"
        in lines
    )
    assert (
        "    「45万5千」を455,000人として読み取りました。違う場合は、半角数字だけで入力し直してください。"
        in lines
    )
    assert not any(line.startswith("╭") for line in lines)  # no boxes to paste
    assert any(line.startswith("注意: 調査票ではないファイルを読み飛ばしました") for line in lines)
    assert_nothing_cut(result.output)

    result = runner.invoke(
        app, ["merge", str(returns), "--master", str(sample_master_path)], env=NO_WIDTH
    )
    lines = result.output.splitlines()
    assert "取り込み: 26ファイル（うち一部受付 1）　取り込まなかった: 1ファイル" in lines
    assert "  ・R6_沼田町_調査票.xlsx（取り込まず: 直して送り直してもらってください）" in lines
    assert any(line.startswith("  ・R6_芦別市_調査票.xlsx（一部受付: ") for line in lines)
    assert "未提出（1）: 歌志内市" in lines
    assert_nothing_cut(result.output)
