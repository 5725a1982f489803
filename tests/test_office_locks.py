"""Owner files of Excel and LibreOffice beside the master: who holds it, whether the file
looks left over after a crash, and the way out (--force-unlock).

The lock files are written as the programs write them: LibreOffice's as captured from
LibreOffice 7.4 Calc with a master open (tests/data/locks/), and in the same format for
this host; Excel's owner file in the 165-byte layout LibreOffice's reverse engineering
documents and writes itself (svl/source/misc/msodocumentlockfile.cxx).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sorachi_etl import api
from sorachi_etl.book import office_locks
from sorachi_etl.book.lock import this_host
from sorachi_etl.cli import app
from sorachi_etl.model.errors import MasterError
from sorachi_etl.model.resources import samples_dir

runner = CliRunner()
DATA = Path(__file__).parent / "data" / "locks"


@pytest.fixture
def returns(tmp_path) -> Path:
    folder = tmp_path / "回収"
    shutil.copytree(samples_dir() / "returns", folder)
    return folder


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def libreoffice_lock(user: str, host: str, opened: dt.datetime) -> bytes:
    """A LibreOffice lock line: name, system user, host, time, profile URL; ";" ends it."""

    def esc(text: str) -> str:
        return text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")

    fields = [user, "clerk", host, f"{opened:%d.%m.%Y %H:%M}", "file:///C:/Users/clerk/AppData"]
    return (",".join(esc(f) for f in fields) + ";").encode("utf-8")


def excel_owner_file(user: str) -> bytes:
    """An Excel owner file (~$name.xlsx), 165 bytes: length, ANSI name padded with spaces to
    offset 55, two-byte length and the UTF-16-LE name, then space/NUL padding."""
    ansi = user.encode("cp932")
    data = bytearray([len(user)]) + ansi
    data += b" " * (55 - len(data))
    data += len(user).to_bytes(2, "little") + user.encode("utf-16-le")
    while len(data) < 165:
        data += b" \0"
    return bytes(data[:165])


def put(path: Path, raw: bytes, *, age: float = 0.0) -> Path:
    path.write_bytes(raw)
    when = time.time() - age
    os.utime(path, (when, when))
    return path


def master_saved(master: Path, ago: float = 0.0) -> None:
    when = time.time() - ago
    os.utime(master, (when, when))


# --- reading them ---------------------------------------------------------------------


def test_a_lock_libreoffice_wrote_names_user_host_and_time():
    user, host, opened = office_locks.parse_libreoffice_lock(
        (DATA / "libreoffice_7_calc.lock").read_bytes()
    )
    assert (user, host) == ("花子 空知", "vm")
    assert opened == dt.datetime(2026, 12, 4, 16, 1)


def test_a_libreoffice_lock_with_escaped_commas():
    raw = libreoffice_lock("Sorachi, Hanako", "PC-01", dt.datetime(2025, 5, 1, 10, 0))
    assert office_locks.parse_libreoffice_lock(raw)[:2] == ("Sorachi, Hanako", "PC-01")


def test_a_libreoffice_lock_without_a_name_gives_the_system_user():
    raw = b",root,vm,04.12.2026 16:01,file:///tmp/calc-typist-33llko0v;"  # as captured
    assert office_locks.parse_libreoffice_lock(raw)[:2] == ("root", "vm")


@pytest.mark.parametrize("user", ["tanaka", "空知 花子", "x" * 52])
def test_an_excel_owner_file_names_its_user(user):
    raw = excel_owner_file(user)
    assert len(raw) == 165
    assert office_locks.parse_excel_owner(raw) == user


@pytest.mark.parametrize("raw", [b"", b"someone", b"\xff" * 165, bytes(165)])
def test_an_owner_file_that_is_not_one_names_nobody(raw):
    assert office_locks.parse_excel_owner(raw) == ""
    assert office_locks.parse_libreoffice_lock(raw) == ("", "", None)


# --- refusing, and saying who holds the master ----------------------------------------


def test_excel_holding_the_master_is_named(sample_master_path, returns):
    put(sample_master_path.parent / "~$master.xlsx", excel_owner_file("空知 花子"))
    before = sha(sample_master_path)
    with pytest.raises(MasterError) as err:
        api.merge_paths([returns], sample_master_path)
    assert err.value.code == "master_open_elsewhere" and err.value.exit_code == 2
    message = str(err.value)
    assert "Excel で開かれています（空知 花子、" in message and "「~$master.xlsx」" in message
    assert "閉じてから" in message
    assert sha(sample_master_path) == before


def test_libreoffice_on_another_pc_is_named(sample_master_path, returns):
    opened = dt.datetime.now().replace(second=0, microsecond=0)
    put(
        sample_master_path.parent / ".~lock.master.xlsx#",
        libreoffice_lock("空知 花子", "PC-KIKAKU-07", opened),
    )
    with pytest.raises(MasterError) as err:
        api.merge_paths([returns], sample_master_path)
    assert err.value.code == "master_open_elsewhere"
    assert (
        f"LibreOffice で開かれています（空知 花子、PC-KIKAKU-07、{opened:%Y/%m/%d %H:%M}）"
        in str(err.value)
    )


def test_an_owner_file_older_than_the_masters_last_save_looks_left_over(
    sample_master_path, returns, monkeypatch
):
    lock = put(sample_master_path.parent / "~$master.xlsx", excel_owner_file("tanaka"), age=3600)
    master_saved(sample_master_path)
    monkeypatch.chdir(sample_master_path.parent)  # the master named as a clerk would
    result = runner.invoke(app, ["merge", str(returns), "-m", "master.xlsx"])
    assert result.exit_code == 2
    out = result.output.replace("\n", "")
    assert "残っただけかもしれません" in out and "--force-unlock" in out
    assert str(lock) in out and "隠しファイル" in out
    assert lock.exists()


def test_libreoffice_lock_of_this_pc_with_no_libreoffice_running_is_left_over(
    sample_master_path, returns, monkeypatch
):
    monkeypatch.setattr(office_locks, "soffice_running", lambda: False)
    opened = dt.datetime.now()
    put(
        sample_master_path.parent / ".~lock.master.xlsx#",
        libreoffice_lock("空知 花子", this_host(), opened),
    )
    with pytest.raises(MasterError) as err:
        api.merge_paths([returns], sample_master_path)
    assert err.value.code == "master_lock_left_over_no_soffice"
    assert this_host() in str(err.value) and "--force-unlock" in str(err.value)


def test_libreoffice_lock_of_this_pc_with_libreoffice_running_is_not_called_left_over(
    sample_master_path, returns, monkeypatch
):
    monkeypatch.setattr(office_locks, "soffice_running", lambda: True)
    put(
        sample_master_path.parent / ".~lock.master.xlsx#",
        libreoffice_lock("空知 花子", this_host(), dt.datetime.now()),
    )
    with pytest.raises(MasterError) as err:
        api.merge_paths([returns], sample_master_path)
    assert err.value.code == "master_open_elsewhere"


@pytest.mark.skipif(not Path("/proc/self/comm").exists(), reason="reads /proc (Linux)")
def test_a_running_soffice_process_is_seen(tmp_path):
    fake = tmp_path / "soffice.bin"  # its process name is what the check looks for
    shutil.copy(shutil.which("sleep"), fake)
    proc = subprocess.Popen([str(fake), "30"])
    try:
        time.sleep(0.2)
        assert office_locks.soffice_running() is True
    finally:
        proc.kill()
        proc.wait()


# --- the way out ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, raw",
    [
        ("~$master.xlsx", excel_owner_file("tanaka")),
        (".~lock.master.xlsx#", (DATA / "libreoffice_7_calc.lock").read_bytes()),
    ],
)
def test_force_unlock_removes_just_that_file_says_so_and_merges(
    sample_master_path, returns, name, raw
):
    lock = put(sample_master_path.parent / name, raw, age=3600)
    other = put(sample_master_path.parent / "~$別のブック.xlsx", excel_owner_file("suzuki"))
    result = runner.invoke(
        app, ["merge", str(returns), "-m", str(sample_master_path), "--force-unlock"]
    )
    assert result.exit_code == 1, result.output  # merged; two sample returns need fixing
    out = result.output.replace("\n", "")
    assert "注意:" in out and f"ロックファイル「{name}」（" in out and "を削除しました" in out
    assert "変更を書き込みました" in out
    assert not lock.exists() and other.exists()


def test_init_force_unlock(sample_master_path):
    lock = put(sample_master_path.parent / "~$master.xlsx", excel_owner_file("tanaka"), age=60)
    refused = runner.invoke(app, ["init", str(sample_master_path), "--force"])
    assert refused.exit_code == 2 and lock.exists()
    result = runner.invoke(app, ["init", str(sample_master_path), "--force", "--force-unlock"])
    assert result.exit_code == 0, result.output
    assert "削除しました" in result.output and not lock.exists()


def test_an_owner_file_beside_a_symlink_and_beside_its_target_both_count(
    sample_master_path, returns, tmp_path
):
    link = tmp_path / "desk" / "master.xlsx"
    link.parent.mkdir()
    link.symlink_to(sample_master_path)
    put(link.parent / "~$master.xlsx", excel_owner_file("tanaka"))
    with pytest.raises(MasterError):
        api.merge_paths([returns], link)
    (link.parent / "~$master.xlsx").unlink()
    put(sample_master_path.parent / "~$master.xlsx", excel_owner_file("suzuki"))
    with pytest.raises(MasterError) as err:
        api.merge_paths([returns], link)
    assert "suzuki" in str(err.value)


def test_a_longer_name_sharing_the_tail_is_not_this_masters_owner_file(sample_master_path, returns):
    """Excel keeps the whole name of a workbook (only Word trims it): the owner file of
    ster.xlsx is not that of master.xlsx."""
    put(sample_master_path.parent / "~$ster.xlsx", excel_owner_file("tanaka"))
    assert api.merge_paths([returns], sample_master_path).written


@pytest.mark.parametrize("command", ["merge", "init"])
def test_force_unlock_is_in_the_help_and_the_readme(command):
    help_text = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"}).output
    assert "--force-unlock" in help_text and "ロックファイル" in help_text
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert "--force-unlock" in readme and "バックアップの保存数" in readme
