"""sorachi-etl publish as a clerk meets it: what it says, what it writes, how it fails."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sorachi_etl import api
from sorachi_etl.cli import app
from tests.conftest import need_soffice

runner = CliRunner()
NO_SOFFICE = {"SORACHI_ETL_SOFFICE": "", "COLUMNS": "200"}


def shown(folder):
    """The files a clerk sees in a folder (not the hidden marker the tool leaves there)."""
    return [p for p in folder.iterdir() if not p.name.startswith(".")]


@pytest.fixture(scope="module")
def sample_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sample")
    api.init_master(folder / "master.xlsx")
    return folder


@pytest.fixture
def master(sample_folder, tmp_path) -> Path:
    shutil.copytree(sample_folder, tmp_path, dirs_exist_ok=True)
    return tmp_path / "master.xlsx"


def test_publish_writes_the_workbook_and_the_page_and_says_where(master):
    result = runner.invoke(
        app, ["publish", "-m", str(master), "--format", "xlsx,html"], env=NO_SOFFICE
    )
    assert result.exit_code == 0, result.output
    out = master.parent / "報告書"
    assert "令和6年度の報告書を作成しました（実績年: 令和5年度）" in result.output
    assert f"{out / 'R6_推進管理報告書.xlsx'}  … 印刷用のExcelブック（9シート）" in result.output
    assert "ホームページ用のHTML" in result.output
    assert "注意" not in result.output
    assert sorted(p.name for p in shown(out)) == [
        "R6_推進管理報告書.html",
        "R6_推進管理報告書.xlsx",
    ]


def test_without_libreoffice_one_line_says_what_to_do_and_the_rest_is_written(master, tmp_path):
    out = tmp_path / "出力"
    result = runner.invoke(app, ["publish", "-m", str(master), "--out", str(out)], env=NO_SOFFICE)
    assert result.exit_code == 0, result.output
    notices = [line for line in result.output.splitlines() if line.startswith("注意")]
    assert len(notices) == 1
    assert "LibreOffice が見つかりません" in notices[0]
    assert "Excel で開き「名前を付けて保存」で PDF" in notices[0]
    assert {p.suffix for p in shown(out)} == {".xlsx", ".html"}


def test_a_pdf_alone_without_libreoffice_leaves_the_workbook_to_save_as_pdf(master):
    result = runner.invoke(app, ["publish", "-m", str(master), "-f", "pdf"], env=NO_SOFFICE)
    assert result.exit_code == 0
    assert "「R6_推進管理報告書.xlsx」を Excel で開き" in result.output
    assert [p.name for p in shown(master.parent / "報告書")] == ["R6_推進管理報告書.xlsx"]


def test_with_libreoffice_the_pdf_too(master, monkeypatch):
    need_soffice()
    monkeypatch.chdir(master.parent)  # paths as a clerk types them: relative
    result = runner.invoke(app, ["publish", "-m", "master.xlsx", "--format", "pdf"])
    assert result.exit_code == 0, result.output
    out = master.parent / "報告書"
    assert [p.name for p in shown(out)] == ["R6_推進管理報告書.pdf"]  # its workbook not left
    assert (out / "R6_推進管理報告書.pdf").read_bytes().startswith(b"%PDF")


def test_json_is_the_result_of_the_library(master):
    result = runner.invoke(
        app, ["publish", "-m", str(master), "-f", "html", "--json"], env=NO_SOFFICE
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["report_year"] == "R6" and data["actual_year"] == "R5"
    assert list(data["files"]) == ["html"]
    assert data["findings"] == []


def test_a_missing_photo_is_a_notice_not_a_failure(master):
    (master.parent / "写真" / "看板_プレート型.png").unlink()
    result = runner.invoke(app, ["publish", "-m", str(master), "-f", "html"], env=NO_SOFFICE)
    assert result.exit_code == 0
    assert "注意: 取組!O4（取組名「日本遺産「炭鉄港」構成文化財に係る看板の設置」）の写真" in (
        result.output
    )


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["-f", "docx"], 2, "--format に「docx」は指定できません"),
        (["--year", "令和"], 2, "--year の指定が読めません"),
        (["--out", "{master}"], 2, "はフォルダではなくファイルです"),
    ],
)
def test_usage_errors(master, args, code, words):
    args = [a.replace("{master}", str(master)) for a in args]
    result = runner.invoke(app, ["publish", "-m", str(master), *args], env=NO_SOFFICE)
    assert result.exit_code == code
    assert words in result.output


def test_a_missing_master_is_exit_2(tmp_path):
    result = runner.invoke(app, ["publish", "-m", str(tmp_path / "none.xlsx")], env=NO_SOFFICE)
    assert result.exit_code == 2
    assert "見つかりません" in result.output


def test_an_empty_master_is_exit_1_with_what_to_do(tmp_path):
    runner.invoke(app, ["init", str(tmp_path / "empty.xlsx"), "--empty"])
    result = runner.invoke(app, ["publish", "-m", str(tmp_path / "empty.xlsx")], env=NO_SOFFICE)
    assert result.exit_code == 1
    assert "プロジェクトが1件もないため、報告書を作れません" in result.output


def test_a_report_open_in_excel_is_refused_by_name(master):
    out = master.parent / "報告書"
    out.mkdir()
    (out / "~$R6_推進管理報告書.xlsx").write_bytes(b"owner")
    result = runner.invoke(app, ["publish", "-m", str(master), "-f", "xlsx"], env=NO_SOFFICE)
    assert result.exit_code == 2
    assert "「R6_推進管理報告書.xlsx」は Excel などで開かれているため" in result.output


def test_the_demo_ends_by_publishing(tmp_path):
    folder = tmp_path / "デモ"
    result = runner.invoke(app, ["demo", "--out", str(folder)], env=NO_SOFFICE)
    assert result.exit_code == 0, result.output
    assert "6. 報告書を作成" in result.output
    # the merge brought R6 values: the report of R7
    assert {p.name for p in shown(folder / "報告書")} == {
        "R7_推進管理報告書.xlsx",
        "R7_推進管理報告書.html",
    }
    assert len(list((folder / "写真").glob("*.png"))) == 4


def test_an_old_pdf_left_from_before_is_named(master):
    out = master.parent / "報告書"
    out.mkdir()
    (out / "R6_推進管理報告書.pdf").write_bytes(b"%PDF-1.4 of last year")
    result = runner.invoke(app, ["publish", "-m", str(master)], env=NO_SOFFICE)
    assert result.exit_code == 0
    assert "前に作った「R6_推進管理報告書.pdf」が残っていますが、今回の内容ではありません" in (
        result.output
    )


def test_publish_imports_neither_pandas_nor_pandera(master):
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from sorachi_etl.cli import app\n"
        f"r = CliRunner().invoke(app, ['publish', '-m', {str(master)!r}, '-f', 'xlsx,html'])\n"
        "assert r.exit_code == 0, r.output\n"
        "print(sorted(m for m in ('pandas', 'pandera') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
