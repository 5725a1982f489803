"""The command line as a whole: help in Japanese with examples, fast start-up, README coverage."""

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from sorachi_etl.cli import app
from tests.conftest import REPO

runner = CliRunner()


def command_names():
    import typer.main

    group = typer.main.get_command(app)
    return sorted(group.commands)


def test_top_level_help_is_japanese():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "調査票" in result.output
    assert "使い方" in result.output
    assert "コマンド" in result.output


@pytest.mark.parametrize("command", command_names())
def test_every_command_has_japanese_help_with_an_example(command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "例" in result.output
    assert f"sorachi-etl {command}" in result.output
    assert "オプション" in result.output or "引数" in result.output


@pytest.mark.parametrize("command", command_names())
def test_every_command_appears_in_the_readme(command):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"sorachi-etl {command}" in readme


def test_help_does_not_import_heavy_libraries():
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from sorachi_etl.cli import app\n"
        "r = CliRunner().invoke(app, ['--help'])\n"
        "assert r.exit_code == 0, r.output\n"
        "print(sorted(m for m in ('pandas', 'pandera', 'openpyxl', 'numpy') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_init_then_report_json(tmp_path):
    master = tmp_path / "master.xlsx"
    result = runner.invoke(app, ["init", str(master)])
    assert result.exit_code == 0, result.output
    assert "マスタを作成しました" in result.output
    result = runner.invoke(app, ["report", "--master", str(master), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["actual_year"] == "R5"
    assert [r["progress_rate"] for r in data["rows"]] == [
        None,
        99.9,
        81.4,
        138.8,
        None,
        None,
        81.4,
        None,
        90.9,
    ]


def test_report_formats(sample_master_path):
    md = runner.invoke(app, ["report", "-m", str(sample_master_path), "--format", "md"])
    assert md.exit_code == 0
    assert "| 日本遺産「炭鉄港」を活用した交流人口拡大プロジェクト |" in md.output
    csv = runner.invoke(app, ["report", "-m", str(sample_master_path), "--format", "csv"])
    assert csv.output.splitlines()[0].startswith("プロジェクト名,評価指標（KPI）")
    table = runner.invoke(app, ["report", "-m", str(sample_master_path)])
    assert "分析・対応方向" in table.output


def test_init_refuses_to_overwrite(sample_master_path):
    result = runner.invoke(app, ["init", str(sample_master_path)])
    assert result.exit_code == 2
    assert "すでにあります" in result.output


def test_report_on_a_missing_master_is_exit_2(tmp_path):
    result = runner.invoke(app, ["report", "--master", str(tmp_path / "none.xlsx")])
    assert result.exit_code == 2
    assert "見つかりません" in result.output


def test_bad_year_is_exit_2(sample_master_path):
    result = runner.invoke(app, ["report", "-m", str(sample_master_path), "--year", "令和"])
    assert result.exit_code == 2
    assert "--year" in result.output
