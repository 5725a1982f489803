"""The benchmark's data generator, small: its workbooks merge as a clerk's would.

The benchmark itself (benchmarks/bench.py) is not part of the test suite.
"""

from __future__ import annotations

import pytest

from benchmarks.generate import generate, verify
from sorachi_etl import api

N = 30


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    return generate(N, tmp_path_factory.mktemp("bench"), seed=7)


def test_generate_makes_a_master_and_one_workbook_per_reporter(generated):
    assert generated.master.exists()
    assert sorted(p.name for p in generated.returns.iterdir()) == sorted(generated.files)
    assert len(generated.files) == N
    assert 1 <= len(generated.invalid) < len(generated.files) // 10 + 2
    assert generated.messy  # some typed the messy ways, still valid


def test_merge_takes_the_valid_workbooks_and_holds_back_the_faulty_parts(generated, tmp_path):
    master = tmp_path / "master.xlsx"
    master.write_bytes(generated.master.read_bytes())
    outcome = api.merge_paths([generated.returns], master)
    status = {f.file: f.status for f in outcome.validation.report.files}
    assert outcome.written
    # every fault the generator types lies in one part (a number, or an initiative's date):
    # that part is held back, the other merged (一部受付)
    assert {f for f, s in status.items() if s != "ok"} == set(generated.invalid)
    assert all(status[f] == "partial" for f in generated.invalid)
    assert sorted(outcome.result.merged_files) == sorted(generated.files)
    held = {f.file: f.held_back for f in outcome.validation.report.files}
    merged_values = {v.source_file for v in outcome.result.master.measure_values}
    for name in generated.invalid:
        assert (name in merged_values) == ("values" not in held[name])
    assert set(generated.valid) <= merged_values


def test_same_seed_same_data_and_reused(generated, tmp_path):
    again = generate(N, generated.outdir, seed=7)
    assert again.cached and again.files == generated.files
    other = generate(N, tmp_path, seed=7)
    assert not other.cached
    for name in generated.files:
        assert (other.returns / name).read_bytes() == (generated.returns / name).read_bytes()


def test_fast_workbooks_hold_what_openpyxl_would_write():
    # an invalid, a messy, one with initiatives and the bureau's, made both ways
    assert len(verify(N, seed=7, count=4)) == 4
