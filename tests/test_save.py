"""Swapping the new master in: a master saved meanwhile, a file Windows holds open, a
symlinked master, and the backups (how many are kept, and none when nothing is written)."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from sorachi_etl import api
from sorachi_etl.book import master_file, master_write
from sorachi_etl.book.fill import fill_survey
from sorachi_etl.book.master_check import load_master
from sorachi_etl.cli import app
from sorachi_etl.model.errors import MasterError
from sorachi_etl.model.resources import samples_dir

runner = CliRunner()
NAME = "R6_岩見沢市_調査票.xlsx"


@pytest.fixture
def returns(tmp_path) -> Path:
    folder = tmp_path / "回収"
    shutil.copytree(samples_dir() / "returns", folder)
    return folder


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def leftovers(folder: Path) -> list[str]:
    """Temporary files and lock files a run should not leave behind."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def backups(folder: Path) -> list[str]:
    found = folder / "backup"
    return sorted(p.name for p in found.iterdir()) if found.exists() else []


def in_use(winerror: int) -> PermissionError:
    """What os.replace raises on Windows when another program holds the target open."""
    exc = PermissionError(errno.EACCES, "プロセスはファイルにアクセスできません。")
    exc.winerror = winerror  # type: ignore[attr-defined]  (only Windows sets it)
    return exc


@pytest.fixture
def no_waiting(monkeypatch):
    monkeypatch.setattr(master_file, "REPLACE_WAITS", (0, 0, 0))


# --- the master saved by someone else meanwhile ---------------------------------------


def test_a_master_saved_meanwhile_is_not_overwritten(sample_master_path, returns, monkeypatch):
    """A colleague saves the master in Excel while the merge runs: the merge stops before
    the rename and the colleague's master stays, with no backup left behind."""
    written = master_write._write_temporary

    def colleague_saves_meanwhile(wb, target):
        tmp = written(wb, target)
        theirs = load_workbook(sample_master_path)
        theirs["設定"]["D1"] = "田中が保存"
        theirs.save(sample_master_path)
        return tmp

    monkeypatch.setattr(master_write, "_write_temporary", colleague_saves_meanwhile)
    with pytest.raises(MasterError) as err:
        api.merge_paths([returns], sample_master_path)
    assert err.value.code == "master_changed_meanwhile" and err.value.exit_code == 2
    assert "もう一度実行してください" in str(err.value)
    assert load_workbook(sample_master_path)["設定"]["D1"].value == "田中が保存"
    assert backups(sample_master_path.parent) == []
    assert leftovers(sample_master_path.parent) == []


def test_the_same_bytes_written_again_meanwhile_are_no_change(sample_master_path, returns):
    """Only the content counts: a copy of the same file put back (new mtime) loses nothing."""
    original = master_file.read_master_file(sample_master_path)
    shutil.copy(sample_master_path, sample_master_path.with_suffix(".bak"))
    os.replace(sample_master_path.with_suffix(".bak"), sample_master_path)
    os.utime(sample_master_path, ns=(original.mtime_ns + 10**9, original.mtime_ns + 10**9))
    assert not master_file.changed_on_disk(original)
    with open(sample_master_path, "ab") as fh:
        fh.write(b"\0")
    assert master_file.changed_on_disk(original)


def test_a_master_deleted_meanwhile_counts_as_changed(sample_master_path):
    original = master_file.read_master_file(sample_master_path)
    sample_master_path.unlink()
    assert master_file.changed_on_disk(original)


# --- Windows: the master held open by another program ----------------------------------


@pytest.mark.parametrize("winerror", [32, 5])
def test_a_master_held_open_says_so_after_retrying_and_leaves_no_backup(
    sample_master_path, returns, monkeypatch, no_waiting, winerror
):
    tries = []

    def refuse(src, dst):
        tries.append(dst)
        raise in_use(winerror)

    before = sha(sample_master_path)
    monkeypatch.setattr(os, "replace", refuse)
    result = runner.invoke(app, ["merge", str(returns), "-m", str(sample_master_path)])
    assert result.exit_code == 2
    assert "ほかのプログラム（Excel など）が開いています" in result.output
    assert "閉じてから、もう一度実行してください" in result.output
    assert "フォルダへの書き込み権限" not in result.output  # not a folder-permission problem
    assert len(tries) == len(master_file.REPLACE_WAITS) + 1
    assert sha(sample_master_path) == before
    assert backups(sample_master_path.parent) == []
    assert leftovers(sample_master_path.parent) == []


def test_a_master_released_while_retrying_is_written(
    sample_master_path, returns, monkeypatch, no_waiting
):
    """A virus scanner or the preview pane holds the file a moment: the second try works."""
    real_replace = os.replace
    tries = []

    def busy_once(src, dst):
        tries.append(dst)
        if len(tries) == 1:
            raise in_use(32)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", busy_once)
    outcome = api.merge_paths([returns], sample_master_path)
    assert outcome.written and len(tries) == 2
    assert backups(sample_master_path.parent) == [outcome.backup.name]


def test_a_refused_rename_elsewhere_is_a_folder_permission_problem(
    sample_master_path, returns, monkeypatch, no_waiting
):
    def refuse(src, dst):
        raise PermissionError(errno.EACCES, "Permission denied")  # no winerror: not Windows

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(MasterError) as err:
        api.merge_paths([returns], sample_master_path)
    assert err.value.code == "master_write_denied"
    assert backups(sample_master_path.parent) == []


def test_each_failed_run_leaves_no_extra_backup(
    sample_master_path, returns, monkeypatch, no_waiting
):
    monkeypatch.setattr(os, "replace", lambda src, dst: (_ for _ in ()).throw(in_use(32)))
    for _ in range(3):
        with pytest.raises(MasterError):
            api.merge_paths([returns], sample_master_path)
    assert backups(sample_master_path.parent) == []


# --- a symlinked master --------------------------------------------------------------


def test_a_symlinked_master_is_written_through_to_its_target(sample_master_path, returns, tmp_path):
    shared = sample_master_path  # the file on the shared folder
    desk = tmp_path / "desk"
    desk.mkdir()
    link = desk / "master.xlsx"
    link.symlink_to(shared)
    outcome = api.merge_paths([returns], link)
    assert outcome.written
    assert link.is_symlink() and link.resolve() == shared.resolve()
    assert load_master(shared).measure_values == load_master(link).measure_values
    assert any(v.source_file == NAME for v in load_master(shared).measure_values)
    # the temporary file went beside the target; the backup too (where colleagues find it)
    assert outcome.backup.parent == shared.parent / "backup"
    assert sorted(p.name for p in desk.iterdir()) == ["master.xlsx"]
    assert leftovers(shared.parent) == []


def test_a_symlinked_master_the_cli_says_where_the_backup_is(sample_master_path, returns, tmp_path):
    link = tmp_path / "link.xlsx"
    link.symlink_to(sample_master_path)
    result = runner.invoke(app, ["merge", str(returns), "-m", str(link)])
    assert result.exit_code == 1  # two sample returns need fixing
    assert str(sample_master_path.parent / "backup") in result.output.replace("\n", "")
    assert link.is_symlink()


# --- backups ------------------------------------------------------------------------


def set_backups_kept(master: Path, value: object) -> None:
    """Staff type the number into 設定 (saved as Excel would, by another program)."""
    wb = load_workbook(master)
    ws = wb["設定"]
    row = next(r for r in range(1, ws.max_row + 1) if "バックアップ" in str(ws.cell(r, 1).value))
    ws.cell(row, 2).value = value
    wb.save(master)


def one_more_change(returns: Path, folder: Path, n: int) -> Path:
    """A resubmission that changes one value: every merge of it writes."""
    folder.mkdir(exist_ok=True)
    fill_survey(returns / NAME, folder / NAME, values={"M02": (1000 + n, "確定")})
    return folder


def test_the_setting_is_in_the_master_with_its_default(sample_master_path):
    master = load_master(sample_master_path)
    assert master.settings.backups_kept == 20
    labels = [c.value for c in load_workbook(sample_master_path)["設定"]["A"]]
    assert "バックアップの保存数（0はすべて残す）" in labels


def test_a_master_without_the_row_reads_the_default(sample_master_path):
    wb = load_workbook(sample_master_path)
    ws = wb["設定"]
    row = next(r for r in range(1, ws.max_row + 1) if "バックアップ" in str(ws.cell(r, 1).value))
    ws.delete_rows(row)
    wb.save(sample_master_path)
    assert load_master(sample_master_path).settings.backups_kept == 20


@pytest.mark.parametrize("value, message", [(-1, "範囲外"), ("たくさん", "読めません")])
def test_a_wrong_setting_names_the_cell(sample_master_path, value, message):
    set_backups_kept(sample_master_path, value)
    with pytest.raises(MasterError) as err:
        load_master(sample_master_path)
    assert "バックアップの保存数" in str(err.value) and message in str(err.value)


def test_only_the_newest_backups_of_this_master_are_kept(sample_master_path, returns, tmp_path):
    folder = sample_master_path.parent / "backup"
    folder.mkdir()
    # older backups of this master, and files that are not (never touched)
    ours_old = ["master_20240401-090000.xlsx", "master_20240401-090000_1.xlsx"]
    not_ours = [
        "other_20240101-000000.xlsx",  # another master's
        "master_20240101-000000.xlsx.bak",
        "master_メモ.xlsx",
        "master_2024-01-01.xlsx",
        "Xmaster_20240101-000000.xlsx",
    ]
    for name in ours_old + not_ours:
        (folder / name).write_bytes(b"old")
    (folder / "master_20230101-000000.xlsx").mkdir()  # a folder so named: not a backup
    set_backups_kept(sample_master_path, 3)
    made = []
    for n in range(4):
        outcome = api.merge_paths(
            [one_more_change(returns, tmp_path / f"r{n}", n)], sample_master_path
        )
        assert outcome.written
        made.append(outcome.backup.name)
    left = backups(sample_master_path.parent)
    ours = [n for n in left if n not in not_ours and n != "master_20230101-000000.xlsx"]
    assert sorted(ours) == sorted(made[-3:])
    assert set(not_ours) <= set(left) and "master_20230101-000000.xlsx" in left


def test_the_backup_just_made_stays_even_if_others_look_newer(
    sample_master_path, returns, tmp_path
):
    """Backups left by a PC whose clock ran ahead must not push out the one just made."""
    folder = sample_master_path.parent / "backup"
    folder.mkdir()
    for n in range(3):
        (folder / f"master_20990101-00000{n}.xlsx").write_bytes(b"future")
    set_backups_kept(sample_master_path, 2)
    outcome = api.merge_paths([one_more_change(returns, tmp_path / "r", 0)], sample_master_path)
    assert backups(sample_master_path.parent) == sorted(
        [outcome.backup.name, "master_20990101-000002.xlsx"]
    )


@pytest.mark.parametrize("name", ["推進管理 マスタ(2).xlsx", "m+a[s]t.er.xlsx"])
def test_backup_names_of_any_master_name(tmp_path, name):
    target = tmp_path / name
    pattern = master_file.backup_pattern(target)
    stem = name[: -len(".xlsx")]
    assert pattern.fullmatch(f"{stem}_20260601-090000.xlsx")
    assert pattern.fullmatch(f"{stem}_20260601-090000_3.xlsx")
    assert not pattern.fullmatch(f"{stem}_20260601-090000_3.xlsx.tmp")
    assert not pattern.fullmatch(f"x{stem}_20260601-090000.xlsx")


def test_zero_keeps_every_backup(sample_master_path, returns, tmp_path):
    set_backups_kept(sample_master_path, 0)
    for n in range(3):
        api.merge_paths([one_more_change(returns, tmp_path / f"r{n}", n)], sample_master_path)
    assert len(backups(sample_master_path.parent)) == 3


def test_two_backups_in_one_second_do_not_overwrite_each_other(sample_master_path):
    import datetime as dt

    now = dt.datetime(2026, 6, 1, 9, 0, 0)
    first = master_file.write_backup(sample_master_path, now=now)
    second = master_file.write_backup(sample_master_path, now=now)
    assert first.name == "master_20260601-090000.xlsx"
    assert second.name == "master_20260601-090000_1.xlsx"
    assert master_file.backup_pattern(sample_master_path).fullmatch(second.name)


def test_a_merge_with_nothing_new_makes_no_backup_and_says_so(sample_master_path, returns):
    runner.invoke(app, ["merge", str(returns), "-m", str(sample_master_path)])
    before, kept = sha(sample_master_path), backups(sample_master_path.parent)
    result = runner.invoke(app, ["merge", str(returns), "-m", str(sample_master_path)])
    assert "変更はありませんでした" in result.output
    assert "書き込んでいません" in result.output
    assert sha(sample_master_path) == before
    assert backups(sample_master_path.parent) == kept
    data = runner.invoke(app, ["merge", str(returns), "-m", str(sample_master_path), "--json"])
    parsed = json.loads(data.output)
    assert parsed["written"] is False and parsed["unchanged"] is True
    assert sha(sample_master_path) == before
