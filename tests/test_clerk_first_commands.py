"""The first commands a clerk runs, on a shared drive, the way a clerk runs them.

Breaks found by trying init/template/demo and every --out/--master/--output path
as a clerk would: each failing command says one Japanese line, and leaves the
folder as it was (no half-written file, no temp file).
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sorachi_etl.cli import app
from tests.helpers import DiskFillsUp

runner = CliRunner()
CLI = "from sorachi_etl.cli import main; main()"
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


def test_a_report_that_fails_while_written_keeps_last_times_file_and_says_why(
    sample_master_path, monkeypatch
):
    """A write refused by the system (here a full disk) names the file and the reason in
    Japanese; the system's own English text never reaches the clerk."""

    monkeypatch.chdir(sample_master_path.parent)

    assert runner.invoke(app, ["report", *M, "--output", "一覧.csv"]).exit_code == 0
    before = snapshot(sample_master_path.parent)

    real_fdopen = os.fdopen

    def fdopen(fd, mode="r", *args, **kwargs):
        fh = real_fdopen(fd, mode, *args, **kwargs)
        return DiskFillsUp(fh, keep=100) if mode == "wb" else fh  # the list being written

    monkeypatch.setattr(os, "fdopen", fdopen)
    result = runner.invoke(app, ["report", *M, "--output", "一覧.csv"])
    assert result.exit_code == 2, result.output
    assert_one_japanese_line(result, "空き容量が足りない")
    assert "No space" not in result.stderr
    # last time's list is whole, and no temp file is left beside it
    assert snapshot(sample_master_path.parent) == before


# --- template into a folder that holds blanks already ----------------------------------

BLANKS = ["-y", "R6", "-o", "送付", "-r", "夕張市", "-r", "美唄市"]


def stamps(folder: Path) -> dict[str, int]:
    """When each file under `folder` was last written (a blank rewritten with the same
    bytes changes this, where a snapshot of contents would not)."""
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}


@pytest.mark.parametrize("owner", ["~$R6_美唄市_調査票.xlsx", ".~lock.R6_美唄市_調査票.xlsx#"])
def test_a_blank_open_in_excel_is_named_and_no_blank_is_rewritten(
    sample_master_path, monkeypatch, owner
):
    """Last run's blank for 美唄市 is open in Excel (its owner file beside it). On Windows
    Excel's lock would stop the run at that file, after the blanks before it were
    written again: the open file is named before anything is written."""
    monkeypatch.chdir(sample_master_path.parent)
    assert runner.invoke(app, ["template", *M, *BLANKS]).exit_code == 0
    out = sample_master_path.parent / "送付"
    (out / owner).write_bytes(b"\x06tanaka" + b" " * 48)
    before, written = snapshot(out), stamps(out)

    result = runner.invoke(app, ["template", *M, *BLANKS])
    assert result.exit_code == 2, result.output
    assert_one_japanese_line(result, "R6_美唄市_調査票.xlsx")
    assert "開かれています" in result.stderr and owner in result.stderr
    assert snapshot(out) == before
    assert stamps(out) == written


def test_a_template_run_that_fails_part_way_leaves_no_half_written_blank(
    sample_master_path, monkeypatch
):
    """The disk fills while the second blank is written: it is not left half written
    (Excel would call it broken), no temp file stays, and the clerk reads why."""
    import errno

    from openpyxl.writer.excel import ExcelWriter

    monkeypatch.chdir(sample_master_path.parent)
    out = sample_master_path.parent / "送付"
    real_save = ExcelWriter.save
    calls = []

    def fills_up(self):
        calls.append(1)
        if len(calls) == 2:
            self._archive.writestr("xl/half.xml", b"x" * 1000)
            raise OSError(errno.ENOSPC, "No space left on device")
        real_save(self)

    monkeypatch.setattr(ExcelWriter, "save", fills_up)
    result = runner.invoke(app, ["template", *M, *BLANKS])
    assert result.exit_code == 2, result.output
    assert_one_japanese_line(result, "空き容量が足りない")
    # the first blank is whole and recorded; the second is not there at all
    names = sorted(p.name for p in out.iterdir())
    assert names == [".sorachi-etl", "R6_夕張市_調査票.xlsx"], names
    monkeypatch.setattr(ExcelWriter, "save", real_save)
    # so the clerk, with room made, simply runs it again
    result = runner.invoke(app, ["template", *M, *BLANKS])
    assert result.exit_code == 0, result.output


def test_a_blank_marked_read_only_is_named_and_no_blank_is_rewritten(sample_master_path):
    """Last run's blank for 美唄市 marked read-only: named before anything is written,
    with what to do (not 「別のファイル名を指定」: template names its own files).
    Root may write anywhere, so as root the command runs without that capability."""
    import shutil
    import subprocess

    folder = sample_master_path.parent
    out = folder / "送付"
    command = [sys.executable, "-c", "from sorachi_etl.cli import main; main()"]
    args = ["template", *M, *BLANKS]
    assert subprocess.run([*command, *args], cwd=folder, capture_output=True).returncode == 0
    (out / "R6_美唄市_調査票.xlsx").chmod(0o444)
    before, written = snapshot(out), stamps(out)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        assert setpriv, "setpriv (util-linux) is needed to test a read-only file as root"
        command = [setpriv, "--bounding-set=-dac_override,-dac_read_search", "--", *command]
    run = subprocess.run([*command, *args], cwd=folder, capture_output=True, text=True, timeout=120)
    assert run.returncode == 2, run.stderr
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("エラー: "), run.stderr
    assert "R6_美唄市_調査票.xlsx" in lines[0] and "読み取り専用" in lines[0]
    assert "--out" in lines[0] and "別のファイル名" not in lines[0]
    assert snapshot(out) == before
    assert stamps(out) == written


# --- init beside what a shared drive already holds -------------------------------------


def test_init_beside_a_file_named_like_the_photo_folder_makes_the_master_and_says_so(
    tmp_path, monkeypatch
):
    """A file called 写真 where init puts the sample pictures: the master is made, and
    the clerk reads why the pictures are not there, not 「予期しない問題…マスタは変更して
    いません」 with the master in fact written (and a second init refused as existing)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "写真").write_text("メモ", encoding="utf-8")
    result = runner.invoke(app, ["init", "master.xlsx"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "master.xlsx").is_file()
    assert (tmp_path / "写真").read_text(encoding="utf-8") == "メモ"
    assert "予期しない" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("注意: "), result.stderr
    assert "写真" in lines[0] and "同じ名前のファイル" in lines[0]
    assert "マスタを作成しました" in result.stdout


@pytest.mark.parametrize("left_by_the_system", ["Thumbs.db", "desktop.ini", ".DS_Store"])
def test_demo_into_a_new_folder_explorer_left_a_hidden_file_in(
    tmp_path, monkeypatch, left_by_the_system
):
    """The clerk makes a folder デモ for the demo; Explorer has put a hidden Thumbs.db
    (or desktop.ini) in it. The clerk sees an empty folder: it is one."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "デモ").mkdir()
    (tmp_path / "デモ" / left_by_the_system).write_bytes(b"\x00")
    result = runner.invoke(app, ["demo", "--out", "デモ"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "デモ" / "master.xlsx").is_file()


# --- validate --annotate into last run's 返送用 -----------------------------------------


def numata_checked_once(tmp_path: Path) -> Path:
    """回収 holding 沼田町's faulty return, checked once: 返送用 holds its copy."""
    import shutil

    from sorachi_etl.model.resources import samples_dir

    (tmp_path / "回収").mkdir()
    shutil.copy(samples_dir() / "returns" / "R6_沼田町_調査票.xlsx", tmp_path / "回収")
    result = runner.invoke(app, ["validate", "回収", "--annotate", "返送用"])
    assert result.exit_code == 1, result.output
    copy = tmp_path / "返送用" / "R6_沼田町_調査票_要修正.xlsx"
    assert copy.is_file()
    return copy


@pytest.mark.parametrize(
    "owner", ["~$R6_沼田町_調査票_要修正.xlsx", ".~lock.R6_沼田町_調査票_要修正.xlsx#"]
)
def test_last_runs_copy_open_in_excel_is_not_replaced_and_the_clerk_is_told(
    tmp_path, monkeypatch, owner
):
    """The clerk has last run's 返送用 copy open (to mail it) and checks again: the open
    copy is not pulled from under Excel, and the clerk reads which file and why."""
    monkeypatch.chdir(tmp_path)
    copy = numata_checked_once(tmp_path)
    (copy.parent / owner).write_bytes(b"\x06tanaka" + b" " * 48)
    before, written = snapshot(copy.parent), stamps(copy.parent)
    result = runner.invoke(app, ["validate", "回収", "--annotate", "返送用"])
    assert result.exit_code == 1, result.output
    assert "返送用のコピーを作れませんでした" in result.stdout
    assert "開かれています" in result.stdout and owner in result.stdout
    assert snapshot(copy.parent) == before
    assert stamps(copy.parent) == written


def test_last_runs_copy_marked_read_only_is_not_replaced(tmp_path, monkeypatch):
    """A copy the clerk marked read-only (sent, kept as it was mailed) is not replaced
    behind that mark. Run without root's capability to write anywhere."""
    import shutil
    import subprocess

    monkeypatch.chdir(tmp_path)
    copy = numata_checked_once(tmp_path)
    copy.chmod(0o444)
    before, written = snapshot(copy.parent), stamps(copy.parent)
    command = [sys.executable, "-c", "from sorachi_etl.cli import main; main()"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        assert setpriv, "setpriv (util-linux) is needed to test a read-only file as root"
        command = [setpriv, "--bounding-set=-dac_override,-dac_read_search", "--", *command]
    run = subprocess.run(
        [*command, "validate", "回収", "--annotate", "返送用"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1, run.stderr
    assert "返送用のコピーを作れませんでした" in run.stdout and "読み取り専用" in run.stdout
    assert snapshot(copy.parent) == before
    assert stamps(copy.parent) == written
    assert copy.stat().st_mode & 0o222 == 0


# --- report --output named for another kind of file ------------------------------------

NAMED_WRONG = {
    "CSV under an Excel name": (["--output", "一覧.xlsx", "--format", "csv"], "一覧.csv"),
    "an Excel name, no format": (["--output", "一覧.xlsx"], "一覧.csv"),
    "an old Excel name": (["--output", "一覧.XLS", "-f", "md"], "一覧.csv"),
    "JSON under a CSV name": (["--output", "一覧.csv", "--format", "json"], "一覧.json"),
    "CSV under a JSON name": (["--output", "一覧.json", "--format", "csv"], "一覧.csv"),
}


@pytest.mark.parametrize("args, suggested", NAMED_WRONG.values(), ids=NAMED_WRONG.keys())
def test_a_report_named_for_another_kind_of_file_is_refused_with_the_right_name(
    sample_master_path, monkeypatch, args, suggested
):
    """`--output 一覧.xlsx --format csv` (what the old message even suggested) wrote CSV
    text under an Excel name: Excel then refuses to open it, and validate meets an .xlsx
    that is no workbook. Refused, with the name to use instead; nothing written."""
    folder = sample_master_path.parent
    monkeypatch.chdir(folder)
    before = snapshot(folder)
    result = runner.invoke(app, ["report", *M, *args])
    assert result.exit_code == 2, result.output
    assert_one_japanese_line(result, suggested)
    assert snapshot(folder) == before


def test_an_unknown_name_is_not_told_to_add_format_to_an_excel_name(sample_master_path):
    result = runner.invoke(app, ["report", "-m", str(sample_master_path), "-o", "x.xlsx"])
    assert "--format csv、md、json のどれかを付ける" not in result.stderr


# --- names beginning with ~ -------------------------------------------------------------

TILDE = {
    "report --output ~一覧.csv": (["report", *M, "--output", "~一覧.csv"], "~一覧.csv"),
    "template --out ~送付": (["template", *M, "-y", "R6", "-o", "~送付", "-r", "夕張市"], "~送付"),
    "demo --out ~デモ": (["demo", "--out", "~デモ"], "~デモ"),
}


@pytest.mark.parametrize("args, made", TILDE.values(), ids=TILDE.keys())
def test_a_name_beginning_with_a_tilde_is_a_name_not_another_users_home(
    sample_master_path, monkeypatch, args, made
):
    """`~一覧.csv` was read as the home folder of a user called 「一覧.csv」: 「予期しない
    問題」 here, and on Windows a path into a colleague's profile."""
    folder = sample_master_path.parent
    monkeypatch.chdir(folder)
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert (folder / made).exists()


OWNER_AS_MASTER = {
    "status": ["status"],
    "report": ["report"],
    "template": ["template", "-y", "R6", "-o", "送付"],
    "merge": ["merge", "回収"],
    "publish": ["publish", "-f", "html"],
}


@pytest.mark.parametrize("owner", ["~$master.xlsx", ".~lock.master.xlsx#"])
@pytest.mark.parametrize("args", OWNER_AS_MASTER.values(), ids=OWNER_AS_MASTER.keys())
def test_excels_lock_file_given_as_the_master_names_the_master_to_give(
    sample_master_path, monkeypatch, owner, args
):
    """With hidden files shown, the clerk picks `~$master.xlsx` beside the master (it
    sorts first). It was 「予期しない問題」; now: that is Excel's lock file, give master.xlsx."""
    folder = sample_master_path.parent
    (folder / "回収").mkdir()
    (folder / owner).write_bytes(b"\x06tanaka" + b" " * 48)
    monkeypatch.chdir(folder)
    before = snapshot(folder)
    result = runner.invoke(app, [*args, "--master", owner])
    assert result.exit_code == 2, result.output
    assert_one_japanese_line(result, "ロックファイル")
    assert "「master.xlsx」を指定" in result.stderr
    assert snapshot(folder) == before


def test_init_refuses_a_master_named_like_excels_lock_file(tmp_path, monkeypatch):
    """A master called ~$新.xlsx would be skipped by every command as a lock file."""
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["init", "~$新.xlsx"])
    assert result.exit_code == 2, result.output
    assert_one_japanese_line(result, "ロックファイルと同じ形の名前")
    assert list(tmp_path.iterdir()) == []


# --- a reporter's name that no file name can hold --------------------------------------


@pytest.mark.parametrize(
    "typed, shown", [("夕張市/ゆうばり", "「/」"), ("夕張市:本庁", "「:」"), ("夕張市?", "「?」")]
)
def test_a_reporter_named_with_a_character_no_file_name_holds_is_named(
    sample_master_path, monkeypatch, typed, shown
):
    """Staff typed 「夕張市/ゆうばり」 in 市町: its blank's name made a folder that is not
    there (「予期しない問題」 after other blanks were written; ":" and "?" fail so on
    Windows). Named, with where to fix it, before any blank is written."""
    from openpyxl import load_workbook

    wb = load_workbook(sample_master_path)
    wb["市町"]["A2"] = typed  # 夕張市's row
    wb.save(sample_master_path)
    folder = sample_master_path.parent
    monkeypatch.chdir(folder)
    before = snapshot(folder)
    result = runner.invoke(app, ["template", *M, "-y", "R6", "-o", "送付"])
    assert result.exit_code == 2, result.output
    assert_one_japanese_line(result, shown)
    assert typed in result.stderr and "シート「市町」" in result.stderr
    assert snapshot(folder) == before


@pytest.mark.parametrize("owner", ["~$一覧.csv", ".~lock.一覧.csv#"])
def test_last_times_list_open_in_excel_is_named_and_kept(sample_master_path, monkeypatch, owner):
    monkeypatch.chdir(sample_master_path.parent)
    assert runner.invoke(app, ["report", *M, "--output", "一覧.csv"]).exit_code == 0
    (sample_master_path.parent / owner).write_bytes(b"\x06tanaka" + b" " * 48)
    before = snapshot(sample_master_path.parent)
    stamp = (sample_master_path.parent / "一覧.csv").stat().st_mtime_ns
    result = runner.invoke(app, ["report", *M, "--output", "一覧.csv"])
    assert result.exit_code == 2, result.output
    assert_one_japanese_line(result, "開かれている")
    assert snapshot(sample_master_path.parent) == before
    assert (sample_master_path.parent / "一覧.csv").stat().st_mtime_ns == stamp


BLANK_NAMES = {
    "template --out": ["template", *M, "-y", "R6", "-r", "夕張市", "-o"],
    "publish --out": ["publish", *M, "-f", "html", "--out"],
    "demo --out": ["demo", "--out"],
    "validate --annotate": ["validate", "回収", "--annotate"],
}


@pytest.mark.parametrize("blank", [" ", "\u3000"], ids=["space", "full-width space"])
@pytest.mark.parametrize("args", BLANK_NAMES.values(), ids=BLANK_NAMES.keys())
def test_a_folder_named_with_spaces_only_is_refused(sample_master_path, monkeypatch, args, blank):
    """`-o " "` made a folder called " " and printed 「作成しました:  」."""
    folder = sample_master_path.parent
    (folder / "回収").mkdir()
    monkeypatch.chdir(folder)
    before = snapshot(folder)
    result = runner.invoke(app, [*args, blank])
    assert result.exit_code == 2, result.output
    assert_one_japanese_line(result, "空白だけです")
    assert snapshot(folder) == before


@pytest.mark.parametrize("typed", ["ｍａｓｔｅｒ．ｘｌｓｘ", "マスタ．xlsx", "master.ＸＬＳＸ"])
def test_init_with_the_extension_typed_in_full_width_says_so(tmp_path, monkeypatch, typed):
    """With the IME on, 「．ｘｌｓｘ」 looks like .xlsx: the message says what differs."""
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["init", typed])
    assert result.exit_code == 2, result.output
    assert_one_japanese_line(result, "全角")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("typed", ["夕張市,美唄市", "夕張市、美唄市", "夕張市， 美唄市"])
def test_reporters_listed_in_one_reporter_option_are_each_made(
    sample_master_path, monkeypatch, typed
):
    """`-r 夕張市,美唄市` was answered 「美唄市のことですか？」 (and nothing made)."""
    monkeypatch.chdir(sample_master_path.parent)
    result = runner.invoke(app, ["template", *M, "-y", "R6", "-o", "送付", "-r", typed])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (sample_master_path.parent / "送付").glob("*.xlsx"))
    assert names == ["R6_夕張市_調査票.xlsx", "R6_美唄市_調査票.xlsx"]


def test_a_folder_named_like_a_blank_is_called_a_folder(sample_master_path, monkeypatch):
    """Not 「…から変わっています（返ってきた調査票かもしれません）」: it is a folder."""
    monkeypatch.chdir(sample_master_path.parent)
    (sample_master_path.parent / "送付" / "R6_夕張市_調査票.xlsx").mkdir(parents=True)
    before = snapshot(sample_master_path.parent)
    result = runner.invoke(app, ["template", *M, "-y", "R6", "-o", "送付", "-r", "夕張市"])
    assert result.exit_code == 2, result.output
    assert_one_japanese_line(result, "同じ名前のフォルダ「R6_夕張市_調査票.xlsx」")
    assert snapshot(sample_master_path.parent) == before


# --- a file name that is not UTF-8 --------------------------------------------------------


def test_a_return_named_in_shift_jis_gets_its_copy_and_no_temp_file_is_left(tmp_path, monkeypatch):
    """A return unpacked from a Windows zip keeps its Shift_JIS name bytes. Its 返送用
    copy was written, then 「予期しない問題」 and a `.sorachi-etl.NNN.tmp` left beside it;
    the next validate read the copy back as a return. (Such names exist on Linux file
    systems, where CI runs; Windows and macOS hold every name as Unicode.)"""
    import shutil
    import subprocess

    from sorachi_etl.model.resources import samples_dir

    monkeypatch.chdir(tmp_path)
    (tmp_path / "回収").mkdir()
    name = os.fsdecode("R6_沼田町_調査票.xlsx".encode("cp932"))
    shutil.copy(samples_dir() / "returns" / "R6_沼田町_調査票.xlsx", tmp_path / "回収" / name)
    # a real process: CliRunner's strict stream is not what a clerk's terminal is
    run = subprocess.run(
        [sys.executable, "-c", CLI, "validate", "回収", "--annotate", "返送用"],
        cwd=tmp_path,
        capture_output=True,
        timeout=120,
    )
    assert run.returncode == 1, run.stderr.decode("utf-8", "replace")
    assert "予期しない".encode() not in run.stderr
    copies = sorted(p.name for p in (tmp_path / "返送用").iterdir())
    assert len(copies) == 2 and copies[0] == ".sorachi-etl", copies
    # the copy is known as the tool's own: a check of 返送用 reads no return in it
    result = runner.invoke(app, ["validate", "返送用"])
    assert result.exit_code == 2, result.output
    assert "調査票がありません" in result.stderr


def test_a_strict_utf8_terminal_prints_a_shift_jis_file_name(monkeypatch):
    """On a ja_JP.UTF-8 Linux desktop Python's stdout is strict: printing 「返送用のコピーを
    作りました: R6_<Shift_JIS bytes>…」 would stop validate with a traceback."""
    import io

    from sorachi_etl.cli.common import make_output_safe

    streams = [io.TextIOWrapper(io.BytesIO(), encoding="utf-8") for _ in range(2)]
    assert all(s.errors == "strict" for s in streams)
    monkeypatch.setattr(sys, "stdout", streams[0])
    monkeypatch.setattr(sys, "stderr", streams[1])
    make_output_safe()
    name = os.fsdecode("R6_沼田町.xlsx".encode("cp932"))
    for stream in streams:
        stream.write(f"返送用のコピーを作りました: {name}\n")
        stream.flush()
        assert stream.buffer.getvalue().endswith("R6_沼田町.xlsx\n".encode("cp932"))
