"""Two merges into one master at the same time, as two clerks on a shared folder would start them.

Real processes running the CLI, started together, round after round. Each round must end
with every value of both in the master, or with one of them stopped by the lock message
(exit 2) having written nothing; and 取込履歴 never lists a file whose values are absent.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sorachi_etl import api
from sorachi_etl.book.master_check import load_master
from sorachi_etl.model.resources import samples_dir

ROUNDS = 10
FAULTY = {"R6_芦別市_調査票.xlsx", "R6_沼田町_調査票.xlsx"}  # the sample returns that need fixing
CLI = [sys.executable, "-c", "from sorachi_etl.cli import main; main()"]


def rows(master) -> set[tuple]:
    return {
        (v.measure, v.reporter, v.year, v.value, v.status, v.note, v.source_file)
        for v in master.measure_values
    }


@pytest.fixture(scope="module")
def halves(tmp_path_factory) -> tuple[Path, Path]:
    """Two folders of valid returns from disjoint reporters."""
    root = tmp_path_factory.mktemp("halves")
    good = sorted(p for p in (samples_dir() / "returns").glob("*.xlsx") if p.name not in FAULTY)
    folders = (root / "窓口A", root / "窓口B")
    for i, p in enumerate(good):
        folder = folders[i % 2]
        folder.mkdir(exist_ok=True)
        shutil.copy(p, folder / p.name)
    return folders


@pytest.fixture(scope="module")
def expected(halves, _sample_master_file, tmp_path_factory) -> list[set[tuple]]:
    """The rows each half adds when merged alone (source files named, times left out)."""
    out = []
    for folder in halves:
        master = tmp_path_factory.mktemp("alone") / "master.xlsx"
        shutil.copy(_sample_master_file, master)
        before = rows(load_master(master))
        api.merge_paths([folder], master)
        out.append(rows(load_master(master)) - before)
        assert out[-1], "each half adds values"
    return out


def test_two_merges_started_together_never_lose_a_value(
    halves, expected, _sample_master_file, tmp_path
):
    outcomes = []
    for n in range(ROUNDS):
        master = tmp_path / f"round{n}" / "master.xlsx"
        master.parent.mkdir()
        shutil.copy(_sample_master_file, master)
        initial = master.read_bytes()
        runs = [
            subprocess.Popen(
                [*CLI, "merge", str(folder), "--master", str(master)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for folder in halves
        ]
        results = [(run.wait(120), *run.communicate()) for run in runs]
        got = load_master(master)
        present = rows(got)
        wrote = []
        for (code, out, err), rows_added in zip(results, expected, strict=True):
            if code == 0:
                assert rows_added <= present, f"round {n}: a merge said it wrote, values are gone"
                assert "変更を書き込みました" in out
                wrote.append(True)
            else:
                assert code == 2, f"round {n}: {err}"
                assert "別の取込" in err and "実行中です" in err, err
                assert not rows_added & present, f"round {n}: a stopped merge left values"
                wrote.append(False)
        assert any(wrote), f"round {n}: neither merge wrote"
        if not all(wrote):
            assert master.read_bytes() != initial
        # the log lists a file only where its values are in the master
        sources = {r[-1] for r in present}
        logged = {e.file for e in got.log if e.result == "取込"}
        assert logged <= sources, f"round {n}: 取込履歴 lists {logged - sources}"
        assert not master.with_name(".master.xlsx.sorachi-lock").exists()
        assert not list(master.parent.glob(".sorachi-*.tmp"))
        outcomes.append(tuple(wrote))
    print("rounds (first wrote, second wrote):", outcomes)
