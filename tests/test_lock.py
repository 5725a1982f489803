"""The lock of our own: taken before the master is read, released however the run ends,
a second run told who holds it, a left-over lock taken over with a notice."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sorachi_etl import api
from sorachi_etl.book import lock
from sorachi_etl.book.lock import LockOwner, lock_path, master_lock
from sorachi_etl.cli import app
from sorachi_etl.model.errors import MasterError
from sorachi_etl.model.resources import samples_dir

runner = CliRunner()


@pytest.fixture
def returns(tmp_path) -> Path:
    folder = tmp_path / "回収"
    shutil.copytree(samples_dir() / "returns", folder)
    return folder


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_lock(master: Path, **fields) -> Path:
    """A lock file as another run writes it (user, host, pid, start time)."""
    owner = {
        "user": "tanaka",
        "host": lock.this_host(),
        "pid": os.getpid(),
        "started": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": "merge",
        "token": "theirs",
        "tool": "sorachi-etl",
    } | fields
    path = lock_path(master)
    path.write_text(json.dumps(owner), encoding="utf-8")
    return path


def ended_pid() -> int:
    """The id of a process that has run and ended (and been waited for)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_the_lock_file_says_who_runs_and_is_gone_afterwards(sample_master_path):
    with master_lock(sample_master_path, "merge") as held:
        assert held.path == sample_master_path.with_name(".master.xlsx.sorachi-lock")
        owner = LockOwner.from_bytes(held.path.read_bytes())
        assert owner is not None
        assert owner.pid == os.getpid() and owner.host == lock.this_host()
        assert owner.user == lock.this_user() and owner.command == "merge"
        assert owner.started.tzinfo is not None
    assert not held.path.exists()


@pytest.mark.parametrize("stop", [RuntimeError, KeyboardInterrupt])
def test_the_lock_is_released_when_the_run_fails_or_is_interrupted(sample_master_path, stop):
    with pytest.raises(stop), master_lock(sample_master_path, "merge"):
        raise stop()
    assert not lock_path(sample_master_path).exists()


def test_a_second_run_waits_then_stops_naming_the_holder(sample_master_path, returns):
    write_lock(sample_master_path)  # this very process: it runs
    before = sha(sample_master_path)
    with pytest.raises(MasterError) as err:
        lock.acquire(sample_master_path, "merge", wait=0.3)
    assert err.value.code == "master_busy" and err.value.exit_code == 2
    message = str(err.value)
    assert "別の取込（tanaka、" in message and "開始）が実行中です" in message
    assert lock.this_host() in message
    assert sha(sample_master_path) == before
    assert LockOwner.from_bytes(lock_path(sample_master_path).read_bytes()).token == "theirs"


def test_a_second_merge_through_the_cli_says_so_with_exit_2_and_writes_nothing(
    sample_master_path, returns, monkeypatch
):
    monkeypatch.setattr(lock, "WAIT_SECONDS", 0.3)
    write_lock(sample_master_path)
    before = sha(sample_master_path)
    result = runner.invoke(app, ["merge", str(returns), "-m", str(sample_master_path)])
    assert result.exit_code == 2
    assert "別の取込（tanaka" in result.output and "実行中です" in result.output
    assert "Traceback" not in result.output
    assert sha(sample_master_path) == before
    assert not (sample_master_path.parent / "backup").exists()


def test_dry_run_needs_no_lock(sample_master_path, returns):
    write_lock(sample_master_path)
    outcome = api.merge_paths([returns], sample_master_path, dry_run=True)
    assert not outcome.written and outcome.result.changes


def test_a_lock_whose_process_ended_is_taken_over_with_a_notice(sample_master_path, returns):
    write_lock(sample_master_path, pid=ended_pid(), started="2026-05-01T10:00:00+09:00")
    said = []
    outcome = api.merge_paths([returns], sample_master_path, notify=said.append)
    assert outcome.written
    assert [n.code for n in said] == ["lock_taken_over_ended"] == [n.code for n in outcome.notices]
    assert "tanaka" in said[0].message and "2026/05/01" in said[0].message
    assert not lock_path(sample_master_path).exists()


def test_the_cli_prints_the_takeover_notice(sample_master_path, returns):
    write_lock(sample_master_path, pid=ended_pid())
    result = runner.invoke(app, ["merge", str(returns), "-m", str(sample_master_path)])
    assert result.exit_code == 1  # two sample returns need fixing; the merge ran
    assert "注意:" in result.output and "引き継いで実行します" in result.output
    assert "変更を書き込みました" in result.output


def test_a_lock_from_another_pc_is_waited_for_until_it_is_far_too_old(sample_master_path):
    write_lock(sample_master_path, host="PC-KIKAKU-07", pid=1)
    with pytest.raises(MasterError) as err:
        lock.acquire(sample_master_path, "merge", wait=0.2)
    assert err.value.code == "master_busy_elsewhere"
    assert "PC-KIKAKU-07" in str(err.value) and "--force-unlock" in str(err.value)

    old = dt.datetime.now().astimezone() - lock.STALE_AFTER - dt.timedelta(minutes=1)
    write_lock(sample_master_path, host="PC-KIKAKU-07", started=old.isoformat())
    with master_lock(sample_master_path, "merge", wait=0.2) as held:
        assert [n.code for n in held.notices] == ["lock_taken_over_old"]


def test_force_unlock_takes_a_lock_from_another_pc_but_never_one_running_here(sample_master_path):
    write_lock(sample_master_path, host="PC-KIKAKU-07")
    with master_lock(sample_master_path, "merge", force=True, wait=0.2) as held:
        assert [n.code for n in held.notices] == ["lock_removed_forced"]
    write_lock(sample_master_path)  # this host, a live process
    with pytest.raises(MasterError) as err:
        lock.acquire(sample_master_path, "merge", force=True, wait=0.2)
    assert err.value.code == "master_busy"


def test_an_unreadable_lock_is_waited_for_then_named(sample_master_path):
    lock_path(sample_master_path).write_bytes(b"")  # being written this moment
    with pytest.raises(MasterError) as err:
        lock.acquire(sample_master_path, "merge", wait=0.2)
    assert err.value.code == "master_busy_unknown"
    old = dt.datetime.now().timestamp() - lock.STALE_AFTER.total_seconds() - 60
    os.utime(lock_path(sample_master_path), (old, old))
    with master_lock(sample_master_path, "merge", wait=0.2) as held:
        assert [n.code for n in held.notices] == ["lock_taken_over_unreadable"]


def test_a_run_that_was_overtaken_leaves_the_new_holders_lock(sample_master_path):
    with master_lock(sample_master_path, "merge") as held:
        write_lock(sample_master_path, token="the-run-that-took-over")
    assert LockOwner.from_bytes(held.path.read_bytes()).token == "the-run-that-took-over"


def test_two_runs_finding_one_left_over_lock_take_it_over_once(sample_master_path):
    """Both see the same dead holder; only one may replace the lock, the other must wait."""
    write_lock(sample_master_path, pid=ended_pid())
    path = lock_path(sample_master_path)
    seen = path.read_bytes()
    first = lock.this_process("merge")
    assert lock._take_over(path, seen, first)
    second = lock.this_process("merge")
    assert not lock._take_over(path, seen, second)  # the lock is no longer what it saw
    assert LockOwner.from_bytes(path.read_bytes()).token == first.token


def test_a_run_that_died_while_taking_over_does_not_block_the_next(sample_master_path):
    write_lock(sample_master_path, pid=ended_pid())
    guard = lock_path(sample_master_path).with_name(".master.xlsx.sorachi-lock.takeover")
    guard.write_bytes(
        lock.LockOwner(
            "sato", lock.this_host(), ended_pid(), lock.this_process("merge").started
        ).to_bytes()
    )
    with master_lock(sample_master_path, "merge", wait=1) as held:
        assert [n.code for n in held.notices] == ["lock_taken_over_ended"]
    assert not guard.exists()


def test_a_guard_being_written_this_moment_is_left_alone(sample_master_path):
    write_lock(sample_master_path, pid=ended_pid())
    guard = lock_path(sample_master_path).with_name(".master.xlsx.sorachi-lock.takeover")
    guard.write_bytes(b"")  # another run created it and has not written it yet
    with pytest.raises(MasterError):
        lock.acquire(sample_master_path, "merge", wait=0.3)
    assert guard.exists()


def test_init_force_takes_the_lock_too(sample_master_path, monkeypatch):
    monkeypatch.setattr(lock, "WAIT_SECONDS", 0.2)
    write_lock(sample_master_path, command="merge")
    before = sha(sample_master_path)
    result = runner.invoke(app, ["init", str(sample_master_path), "--force"])
    assert result.exit_code == 2 and "別の取込" in result.output
    assert sha(sample_master_path) == before


def test_the_lock_of_a_symlinked_master_sits_beside_the_file_itself(tmp_path, sample_master_path):
    link = tmp_path / "desk" / "master.xlsx"
    link.parent.mkdir()
    link.symlink_to(sample_master_path)
    assert lock_path(link) == lock_path(sample_master_path)


@pytest.mark.parametrize(
    "a, b, same",
    [("PC-01", "pc-01", True), ("pc-01.sorachi.lg.jp", "PC-01", True), ("PC-01", "PC-02", False)],
)
def test_host_names_compare_as_one_machine(a, b, same):
    assert lock.same_host(a, b) is same


def test_a_process_that_ended_is_not_running():
    assert not lock.process_running(ended_pid())
    assert lock.process_running(os.getpid())
    assert lock.holder_alive(os.getpid())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_lock_naming_a_reused_process_id_is_left_over(sample_master_path):
    """The id in a crashed run's lock now belongs to another program (here: sleep)."""
    other = subprocess.Popen([shutil.which("sleep"), "30"])
    try:
        write_lock(sample_master_path, pid=other.pid)
        with master_lock(sample_master_path, "merge", wait=0.2) as held:
            assert [n.code for n in held.notices] == ["lock_taken_over_ended"]
    finally:
        other.kill()
        other.wait()
