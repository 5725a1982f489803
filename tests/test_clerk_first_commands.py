"""The first commands a clerk runs, on a shared drive, the way a clerk runs them.

Breaks found by trying init/template/demo and every --out/--master/--output path
as a clerk would: each failing command says one Japanese line, and leaves the
folder as it was (no half-written file, no temp file).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sorachi_etl.cli import app

runner = CliRunner()
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
# 90 kanji: 270 bytes in UTF-8, past the 255 a file name may have on Linux and macOS
# (on Windows a deep share folder meets its 260-character limit the same way).
LONG = "推進管理報告書の評価指標一覧" * 7


def snapshot(folder: Path) -> dict[str, str]:
    """Every file and folder under `folder`, with the content of each file."""
    return {
        str(p.relative_to(folder)): (
            hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "folder"
        )
        for p in sorted(folder.rglob("*"))
    }


def assert_one_japanese_line(result, expected: str) -> None:
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("エラー: "), result.stderr
    assert expected in lines[0], result.stderr
    assert "予期しない" not in result.stderr and "Traceback" not in result.stderr
    assert JAPANESE.search(lines[0])


M = ["--master", "master.xlsx"]
TOO_LONG = {
    "init": ["init", f"{LONG}.xlsx"],
    "template --out": ["template", *M, "-y", "R6", "-o", LONG, "-r", "夕張市"],
    "report --output": ["report", *M, "--output", f"{LONG}.csv"],
    "publish --out": ["publish", *M, "--out", LONG, "-f", "html"],
    "demo --out": ["demo", "--out", LONG],
    "validate --annotate": ["validate", "回収", "--annotate", LONG],
    "validate": ["validate", LONG],
    "status --master": ["status", "--master", f"{LONG}.xlsx"],
}


@pytest.mark.parametrize("args", TOO_LONG.values(), ids=TOO_LONG.keys())
def test_a_name_too_long_for_the_drive_is_named_not_an_unexpected_problem(
    sample_master_path, monkeypatch, args
):
    folder = sample_master_path.parent
    (folder / "回収").mkdir()
    monkeypatch.chdir(folder)
    before = snapshot(folder)
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert_one_japanese_line(result, "名前が長すぎます")
    assert snapshot(folder) == before


def test_a_report_that_cannot_be_written_says_why_in_japanese(sample_master_path, monkeypatch):
    """A write refused by the system (here a full disk) names the file and the reason in
    Japanese; the system's own English text never reaches the clerk."""
    import errno

    monkeypatch.chdir(sample_master_path.parent)

    def full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(self))

    monkeypatch.setattr(Path, "write_text", full)
    result = runner.invoke(app, ["report", *M, "--output", "一覧.csv"])
    assert result.exit_code == 2, result.output
    assert_one_japanese_line(result, "空き容量が足りない")
    assert "No space" not in result.stderr
