"""One odd file costs that file alone; a hostile file is refused in bounded time.

- anything unexpected while checking one return (in this process or a worker, in its
  own checks or in the checks of all files together) becomes a check_failed finding
  on that file, its traceback shown with --debug, and the others are checked as ever;
- the reproduced crashes (a circled digit in _meta's version, a 4,301-digit project
  number, a control character and U+FFFF in a file name) cost nothing at all now;
- every file of the hostile corpus is read or refused within a generous time, each
  timed by the harness in a process of its own (a hang fails the test, naming the file).
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sorachi_etl import api
from sorachi_etl.book.master_check import load_master
from sorachi_etl.check import one_file, validate
from sorachi_etl.check.validate import validate_paths
from sorachi_etl.cli import app
from sorachi_etl.model.messages import message
from sorachi_etl.model.resources import samples_dir
from sorachi_etl.model.sample import sample_master
from tests.conftest import REPO
from tests.helpers import make_hostile

runner = CliRunner()
MASTER = sample_master()
VICTIM = "R6_岩見沢市_調査票.xlsx"


@pytest.fixture
def returns(tmp_path) -> Path:
    folder = tmp_path / "回収"
    shutil.copytree(samples_dir() / "returns", folder)
    return folder


def statuses(validation) -> dict[str, str]:
    return {f.file: f.status for f in validation.report.files}


@pytest.fixture(scope="module")
def usual(tmp_path_factory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("usual") / "回収"
    shutil.copytree(samples_dir() / "returns", folder)
    return statuses(validate_paths([folder], master=MASTER, workers=1))


@pytest.mark.parametrize("workers", [1, 2])
def test_a_failure_inside_one_files_checks_costs_that_file_alone(
    returns, monkeypatch, usual, workers
):
    original = one_file.survey_to_initiative_rows

    def fails_on_one(ctx, survey, sheet):
        if ctx.file == VICTIM:
            raise ZeroDivisionError("planted for the test")
        return original(ctx, survey, sheet)

    monkeypatch.setattr(one_file, "survey_to_initiative_rows", fails_on_one)
    if workers > 1:
        monkeypatch.setattr(validate, "PARALLEL_FROM", 1)  # worker processes fork: patched too
    v = validate_paths([returns], master=MASTER, workers=workers)
    report = next(f for f in v.report.files if f.file == VICTIM)
    assert report.status == "unreadable" and report.reporter == "岩見沢市"
    [finding] = report.findings
    assert finding.code == "check_failed"
    assert finding.message.startswith("この調査票の点検中に予期しない問題が起きました")
    assert "ZeroDivisionError: planted for the test" in report.trace
    assert statuses(v) == {**usual, VICTIM: "unreadable"}
    assert len(v.submissions) == 25  # 26 as usual, less the victim


def test_a_failure_in_the_checks_across_files_costs_one_file(returns, monkeypatch, usual):
    from sorachi_etl.check import frames

    original = frames.value_rows_to_findings

    def fails_with_one(rows, contexts, master):
        if any(contexts[r.file].file == VICTIM for r in rows):
            raise OverflowError("planted for the test")
        return original(rows, contexts, master)

    monkeypatch.setattr(frames, "value_rows_to_findings", fails_with_one)
    v = validate_paths([returns], master=MASTER, workers=1)
    assert statuses(v) == {**usual, VICTIM: "unreadable"}
    # the other files still get their findings from the check that failed for all at once
    ashibetsu = next(f for f in v.report.files if f.file == "R6_芦別市_調査票.xlsx")
    assert {f.code for f in ashibetsu.errors} == {"negative"}
    assert "spelled_out_value" in {f.code for f in ashibetsu.warnings}


def test_debug_shows_the_traceback_and_only_then(returns, monkeypatch):
    original = one_file.survey_to_value_rows

    def fails(ctx, survey, sheet):
        if ctx.file == VICTIM:
            raise KeyError("planted")
        return original(ctx, survey, sheet)

    monkeypatch.setattr(one_file, "survey_to_value_rows", fails)
    plain = runner.invoke(app, ["validate", str(returns)], env={"COLUMNS": "200"})
    assert plain.exit_code == 1
    assert "点検中に予期しない問題が起きました" in plain.output
    assert "Traceback" not in plain.output
    debug = runner.invoke(app, ["validate", str(returns), "--debug"], env={"COLUMNS": "200"})
    assert debug.exit_code == 1
    assert "Traceback" in debug.output and "KeyError: 'planted'" in debug.output
    merged = runner.invoke(app, ["merge", str(returns), "-m", str(_master(returns))])
    assert merged.exit_code == 1 and "Traceback" not in merged.output
    assert "書き込む前のマスタ" in merged.output  # the run went on and wrote the others


def _master(folder: Path) -> Path:
    path = folder.parent / "master.xlsx"
    api.init_master(path)
    return path


def test_the_reproduced_crashes_cost_nothing(tmp_path, sample_master_path):
    """Each of these once stopped the whole run with 「予期しない問題が起きました」."""
    folder = tmp_path / "回収"
    folder.mkdir()
    for name, (data, _) in make_hostile().crash_reproducers().items():
        (folder / name).write_bytes(data)
    result = runner.invoke(
        app, ["merge", str(folder), "-m", str(sample_master_path), "--json"], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 1, result.output  # the 4,301-digit project is an error
    data = json.loads(result.output)
    files = {f["file"]: f for f in data["files"]}
    codes = {name: [f["code"] for f in entry["findings"]] for name, entry in files.items()}
    assert all("check_failed" not in c for c in codes.values()), codes

    # '①' as the template version: read, no "old template" claimed, merged
    circled = files["R6_芦別市_調査票_版が丸数字.xlsx"]
    assert circled["status"] == "ok" and codes["R6_芦別市_調査票_版が丸数字.xlsx"] == []
    # 4,301 digits as the project: that 取組 row is refused, the numbers go in
    digits = files["R6_美唄市_調査票_プロジェクト4301桁.xlsx"]
    assert digits["status"] == "partial" and digits["held_back"] == ["initiatives"]
    [error] = [f for f in digits["findings"] if f["severity"] == "error"]
    assert (error["code"], error["sheet"], error["cell"]) == ("unknown_project", "取組", "A5")
    # a control character and U+FFFF in the name: recorded without them, with a word
    assert "R6_夕張市_調査票.xlsx" in files
    assert codes["R6_夕張市_調査票.xlsx"] == ["file_name_chars"]
    assert set(data["merged"]) == set(files)

    master = load_master(sample_master_path)  # the master written is whole
    logged = {e.file for e in master.log}
    assert "R6_夕張市_調査票.xlsx" in logged
    assert not any("\x01" in name or "\uffff" in name for name in logged)
    assert {v.reporter for v in master.measure_values if v.year == 2024} >= {
        "芦別市",
        "美唄市",
        "夕張市",
    }


# --- every hostile file in bounded time -------------------------------------------------

# Far above what any file takes (tens of milliseconds), far below a hang.
PER_FILE_SECONDS = 60
CHILD = """
import sys
from pathlib import Path
from sorachi_etl.intake.read import read_workbook
from sorachi_etl.model.errors import UnreadableWorkbook
for name in sys.stdin.read().splitlines():
    print("START", flush=True)
    try:
        read_workbook(Path(sys.argv[1]) / name)
        code = "ok"
    except UnreadableWorkbook as exc:
        code = exc.code
    print("DONE", code, flush=True)
"""


def test_every_hostile_file_is_read_or_refused_in_bounded_time(tmp_path):
    """One process reads the files one after another; the harness times each file."""
    folder = tmp_path / "hostile"
    expected = make_hostile().write_all(folder)
    names = sorted(expected)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(folder)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert child.stdin is not None and child.stdout is not None
    child.stdin.write("\n".join(names))
    child.stdin.close()
    selector = selectors.DefaultSelector()
    selector.register(child.stdout, selectors.EVENT_READ)
    got: dict[str, str] = {}
    try:
        for name in names:
            for want in ("START", "DONE"):
                started = time.monotonic()
                if not selector.select(timeout=PER_FILE_SECONDS):
                    pytest.fail(f"{name}: no answer within {PER_FILE_SECONDS} s")
                line = child.stdout.readline().split()
                assert line and line[0] == want, (name, line)
                if want == "DONE":
                    got[name] = line[1]
                assert time.monotonic() - started < PER_FILE_SECONDS
    finally:
        child.kill()
        child.wait()
    assert got == expected


def test_the_reminder_wording_of_a_crash_asks_for_a_fresh_save():
    assert "保存し直して" in message("remind_check_failed", file="「a.xlsx」")
