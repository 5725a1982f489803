"""Every path a command takes, given the wrong thing: one Japanese line, exit 2, nothing written.

A file for a folder, a folder for a file, a missing folder or drive, a place that
cannot be written, a survey for the master and the master for a return. And the
right thing in an unusual shape (spaces, Japanese, a trailing slash, a relative
path, ~) simply works.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sorachi_etl.cli import app
from sorachi_etl.model.resources import samples_dir

runner = CliRunner()
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
DOCUMENTS = Path(__file__).parent / "data" / "not_returns"


@pytest.fixture
def place(tmp_path, sample_master_path) -> Path:
    """A working folder as a clerk has it: the master, returns, a memo, an empty folder."""
    returns = tmp_path / "回収"
    returns.mkdir()
    for name in ("R6_夕張市_調査票.xlsx", "R6_岩見沢市_調査票.xlsx"):
        shutil.copy(samples_dir() / "returns" / name, returns / name)
    (tmp_path / "memo.txt").write_text("メモ", encoding="utf-8")
    (tmp_path / "空のフォルダ").mkdir()
    (tmp_path / "作業中").mkdir()
    (tmp_path / "作業中" / "メモ.txt").write_text("作業中のメモ", encoding="utf-8")
    shutil.copy(samples_dir() / "returns" / "R6_美唄市_調査票.xlsx", tmp_path / "調査票.xlsx")
    shutil.copy(DOCUMENTS / "表紙.pdf", tmp_path / "表紙.pdf")
    return tmp_path


def snapshot(folder: Path) -> dict[str, str]:
    """Every file and folder under `folder`, with the content of each file."""
    return {
        str(p.relative_to(folder)): (
            hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "folder"
        )
        for p in sorted(folder.rglob("*"))
    }


M = ["--master", "master.xlsx"]
WRONG = {
    # init PATH
    "init: a folder": (["init", "空のフォルダ"], "はファイルではなくフォルダです"),
    "init: not .xlsx": (["init", "memo.txt"], ".xlsx で終わる名前"),
    "init: the master exists": (["init", "master.xlsx"], "すでにあります"),
    "init: missing folder": (["init", "ない/master.xlsx"], "フォルダ「ない」がありません"),
    "init: a file in the path": (["init", "memo.txt/master.xlsx"], "フォルダではなくファイルです"),
    "init: missing drive": (["init", "/ないドライブ/集計/master.xlsx"], "がありません"),
    # --master, for every command that takes it
    "template: survey as master": (
        ["template", "--master", "調査票.xlsx", "-y", "R6", "-o", "送付"],
        "は調査票です",
    ),
    "template: folder as master": (
        ["template", "--master", "回収", "-y", "R6", "-o", "送付"],
        "はファイルではなくフォルダです",
    ),
    "template: text as master": (
        ["template", "--master", "memo.txt", "-y", "R6", "-o", "送付"],
        "マスタブックではありません",
    ),
    "template: missing master": (
        ["template", "--master", "ない.xlsx", "-y", "R6", "-o", "送付"],
        "見つかりません",
    ),
    "validate: survey as master": (["validate", "回収", "--master", "調査票.xlsx"], "は調査票です"),
    "validate: PDF as master": (["validate", "回収", "--master", "表紙.pdf"], "ではありません"),
    "merge: survey as master": (["merge", "回収", "--master", "調査票.xlsx"], "は調査票です"),
    "merge: folder as master": (["merge", "回収", "--master", "回収"], "フォルダです"),
    "merge: text as master": (["merge", "回収", "--master", "memo.txt"], "ではありません"),
    "status: survey as master": (["status", "--master", "調査票.xlsx"], "は調査票です"),
    "status: folder as master": (["status", "--master", "空のフォルダ"], "フォルダです"),
    "report: survey as master": (["report", "--master", "調査票.xlsx"], "は調査票です"),
    "report: missing master": (["report", "--master", "ない/master.xlsx"], "見つかりません"),
    # the returns
    "validate: the master as a return": (["validate", "master.xlsx"], "はマスタブックです"),
    "merge: the master as a return": (["merge", "master.xlsx", *M], "はマスタブックです"),
    "validate: only a PDF": (["validate", "表紙.pdf"], "調査票がありません"),
    "validate: missing": (["validate", "ない"], "見つかりません"),
    "validate: empty folder": (["validate", "空のフォルダ"], "点検するファイルがありません"),
    "merge: empty folder": (["merge", "空のフォルダ", *M], "点検するファイルがありません"),
    "merge: missing drive": (["merge", "/ないドライブ/回収", *M], "見つかりません"),
    # folders to write into
    "template --out: a file": (
        ["template", *M, "-y", "R6", "--out", "memo.txt"],
        "フォルダではなくファイルです",
    ),
    "template --out: missing folder": (
        ["template", *M, "-y", "R6", "--out", "ない/送付"],
        "フォルダ「ない」がありません",
    ),
    "template --out: file in the path": (
        ["template", *M, "-y", "R6", "--out", "memo.txt/送付"],
        "フォルダではなくファイルです",
    ),
    "validate --annotate: a file": (
        ["validate", "回収", "--annotate", "memo.txt"],
        "フォルダではなくファイルです",
    ),
    "validate --annotate: the returns": (
        ["validate", "回収", "--annotate", "回収"],
        "点検する調査票のフォルダです",
    ),
    "validate --annotate: missing folder": (
        ["validate", "回収", "--annotate", "ない/返送用"],
        "フォルダ「ない」がありません",
    ),
    "publish --out: a file": (["publish", *M, "--out", "memo.txt"], "フォルダではなくファイルです"),
    "publish --out: missing folder": (
        ["publish", *M, "--out", "ない/報告書"],
        "フォルダ「ない」がありません",
    ),
    "publish: survey as master": (["publish", "--master", "調査票.xlsx"], "は調査票です"),
    "publish: folder as master": (["publish", "--master", "回収"], "フォルダです"),
    "demo --out: a file": (["demo", "--out", "memo.txt"], "フォルダではなくファイルです"),
    "demo --out: not empty": (["demo", "--out", "作業中"], "空ではありません"),
    "demo --out: missing folder": (["demo", "--out", "ない/デモ"], "フォルダ「ない」がありません"),
    # files to write
    "report --output: a folder": (
        ["report", *M, "--output", "空のフォルダ"],
        "はファイルではなくフォルダです",
    ),
    "report --output: the master": (
        ["report", *M, "--output", "master.xlsx", "--format", "csv"],
        "はExcelブックです",
    ),
    "report --output: missing folder": (
        ["report", *M, "--output", "ない/一覧.csv"],
        "フォルダ「ない」がありません",
    ),
    "report --output: file in the path": (
        ["report", *M, "--output", "memo.txt/一覧.csv"],
        "フォルダではなくファイルです",
    ),
}


def assert_one_line(stdout: str, stderr: str, expected: str) -> None:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("エラー: "), stderr
    assert expected in lines[0], stderr
    assert JAPANESE.search(lines[0])
    assert "Traceback" not in stderr and "予期しない" not in stderr
    assert stdout == "", stdout


@pytest.mark.parametrize("args, expected", WRONG.values(), ids=WRONG.keys())
def test_wrong_target_is_one_line_exit_2_and_nothing_written(place, monkeypatch, args, expected):
    monkeypatch.chdir(place)
    before = snapshot(place)
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert_one_line(result.stdout, result.stderr, expected)
    assert snapshot(place) == before


# --- a place that cannot be written ----------------------------------------------------

READ_ONLY = {
    "init": ["init", "読み取り専用/master.xlsx"],
    "template --out": ["template", *M, "-y", "R6", "--out", "読み取り専用/送付"],
    "validate --annotate": ["validate", "回収", "--annotate", "読み取り専用/返送用"],
    "report --output": ["report", *M, "--output", "読み取り専用/一覧.csv"],
    "publish --out": ["publish", *M, "--out", "読み取り専用/報告書", "-f", "html"],
    "demo --out": ["demo", "--out", "読み取り専用/デモ"],
}


@pytest.mark.parametrize("args", READ_ONLY.values(), ids=READ_ONLY.keys())
def test_read_only_place_is_one_line_exit_2_and_nothing_written(place, args):
    """A real read-only folder. Root may write anywhere, so as root the command runs
    without the capability that lets it (setpriv, from util-linux)."""
    folder = place / "読み取り専用"
    folder.mkdir()
    folder.chmod(0o555)
    before = snapshot(place)
    command = [sys.executable, "-c", "from sorachi_etl.cli import main; main()", *args]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        assert setpriv, "setpriv (util-linux) is needed to test a read-only folder as root"
        command = [setpriv, "--bounding-set=-dac_override,-dac_read_search", "--", *command]
    try:
        run = subprocess.run(command, cwd=place, capture_output=True, text=True, timeout=120)
    finally:
        folder.chmod(0o755)
    assert run.returncode == 2, run.stderr
    assert_one_line(run.stdout, run.stderr, "書き込めません")
    assert "権限" in run.stderr
    assert snapshot(place) == before


# --- the right thing in an unusual shape -----------------------------------------------


def test_names_with_spaces_japanese_trailing_slash_relative_and_home(place, monkeypatch):
    monkeypatch.chdir(place)
    home = place / "ホーム 1"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USERPROFILE", str(home))

    (place / "新 マスタ").mkdir()
    result = runner.invoke(app, ["init", "新 マスタ/マスタ 2024.xlsx"])
    assert result.exit_code == 0, result.output
    assert (place / "新 マスタ" / "マスタ 2024.xlsx").is_file()

    result = runner.invoke(app, ["template", *M, "-y", "R6", "--out", "送付 用/", "-r", "夕張市"])
    assert result.exit_code == 0, result.output
    assert (place / "送付 用" / "R6_夕張市_調査票.xlsx").is_file()

    result = runner.invoke(app, ["report", "--master", "~/../master.xlsx", "-o", "~/評価 指標.csv"])
    assert result.exit_code == 0, result.output
    assert (home / "評価 指標.csv").read_text(encoding="utf-8-sig").startswith("プロジェクト")

    (place / "回収" / "R6_沼田町_調査票.xlsx").write_bytes(
        (samples_dir() / "returns" / "R6_沼田町_調査票.xlsx").read_bytes()
    )
    result = runner.invoke(app, ["validate", "回収/", "--annotate", "~/返送 用"])
    assert result.exit_code == 1, result.output  # 沼田町's return has errors
    assert (home / "返送 用" / "R6_沼田町_調査票_要修正.xlsx").is_file()
    assert not (place / "~").exists()

    result = runner.invoke(app, ["status", "--master", str(place / "master.xlsx")])
    assert result.exit_code == 0, result.output
