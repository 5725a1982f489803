"""Two returns from one reporter: which one wins, and the finding says why.

By the date typed into 基本情報 (記入日), then by the file's time, then by the number
a browser or mail program gives a second download of the same name.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from sorachi_etl.check.accept import Candidate, copy_number, newest
from sorachi_etl.check.validate import validate_paths
from sorachi_etl.model.sample import sample_master
from tests.surveys import CONTACT, returned, set_mtime

MASTER = sample_master()


def winner_and_reason(folder):
    v = validate_paths([folder], master=MASTER, workers=1)
    [sub] = v.submissions
    notes = {
        f.message for fr in v.report.files for f in fr.findings if f.code == "duplicate_submission"
    }
    [note] = notes  # the same sentence on both files
    return sub.file, v.superseded, note


def test_the_second_download_wins_when_date_and_time_are_the_same(tmp_path, survey_templates):
    folder = tmp_path / "回収"
    plain = returned(folder, survey_templates, values={"M02": (90, "確定")})
    second = returned(
        folder, survey_templates, values={"M02": (95, "確定")}, name="R6_岩見沢市_調査票(1).xlsx"
    )
    for path in (plain, second):
        set_mtime(path, 1_700_000_000)
    won, superseded, note = winner_and_reason(folder)
    assert won == second.name and superseded == [plain.name]
    assert "ファイル名の「(1)」から後で保存された方と判断しました" in note
    assert note.startswith(
        "岩見沢市の調査票が複数あります。新しい方（R6_岩見沢市_調査票(1).xlsx）を使い"
    )


def test_the_date_in_基本情報_wins_over_the_file_time(tmp_path, survey_templates):
    folder = tmp_path / "回収"
    older_typed = returned(
        folder, survey_templates, info={**CONTACT, "filled_on": "2025/5/10"}, name="a.xlsx"
    )
    newer_typed = returned(
        folder, survey_templates, info={**CONTACT, "filled_on": "2025/5/20"}, name="b.xlsx"
    )
    set_mtime(older_typed, 1_800_000_000)  # copied last, yet typed earlier
    set_mtime(newer_typed, 1_700_000_000)
    won, _, note = winner_and_reason(folder)
    assert won == "b.xlsx"
    assert "基本情報の記入日が新しい方です（2025/5/20、もう一方は2025/5/10）" in note


def test_without_a_date_on_both_the_file_time_decides(tmp_path, survey_templates):
    folder = tmp_path / "回収"
    dated = returned(
        folder, survey_templates, info={**CONTACT, "filled_on": "2025/5/20"}, name="a.xlsx"
    )
    undated = returned(folder, survey_templates, info={**CONTACT, "filled_on": None}, name="b.xlsx")
    set_mtime(dated, 1_700_000_000)
    set_mtime(undated, 1_700_000_600)
    won, _, note = winner_and_reason(folder)
    assert won == "b.xlsx"
    assert "ファイルの日時が新しい方です" in note


def test_two_file_times_of_one_minute_are_told_to_the_second(tmp_path, survey_templates):
    """Saved twice within a minute: the reason read 「20:01、もう一方は20:01」."""
    folder = tmp_path / "回収"
    first = returned(folder, survey_templates, info={**CONTACT, "filled_on": None}, name="a.xlsx")
    second = returned(folder, survey_templates, info={**CONTACT, "filled_on": None}, name="b.xlsx")
    set_mtime(first, 1_700_000_005)  # 2023/11/14 22:13:25 UTC, whatever the zone: same minute
    set_mtime(second, 1_700_000_020)
    won, _, note = winner_and_reason(folder)
    assert won == "b.xlsx"
    assert re.search(r"新しい方です（[^、]*:13:40、もう一方は[^）]*:13:25）", note), note


def test_times_within_one_second_leave_it_to_the_download_number(tmp_path, survey_templates):
    """Two copies saved from one mail a few milliseconds apart: the reason read 「ファイルの
    日時が新しい方です（21:46:00、もう一方は21:46:00）」, a time no clerk can tell apart."""
    folder = tmp_path / "回収"
    second = returned(folder, survey_templates, name="R6_岩見沢市_調査票(1).xlsx")
    plain = returned(folder, survey_templates)
    set_mtime(second, 1_700_000_000.1)
    set_mtime(plain, 1_700_000_000.9)  # copied after the (1), within the same second
    won, superseded, note = winner_and_reason(folder)
    assert won == second.name and superseded == [plain.name]
    assert "ファイル名の「(1)」" in note and "ファイルの日時が新しい方" not in note, note


@pytest.mark.parametrize(
    ("name", "number"),
    [
        ("R6_岩見沢市_調査票.xlsx", 0),
        ("R6_岩見沢市_調査票(1).xlsx", 1),
        ("R6_岩見沢市_調査票 (2).xlsx", 2),
        ("R6_岩見沢市_調査票（３）.xlsx", 3),
        ("R6_岩見沢市_調査票(1)(2).xlsx", 2),
        ("R6(1)_岩見沢市_調査票.xlsx", 0),
    ],
)
def test_copy_number(name, number):
    assert copy_number(name) == number


def test_newest_over_three():
    t = dt.datetime(2025, 5, 20, 9, 0)
    cands = [
        Candidate(0, "x.xlsx", None, t),
        Candidate(1, "x(2).xlsx", None, t),
        Candidate(2, "x(1).xlsx", None, t),
    ]
    winner, reasons = newest(cands)
    assert winner.index == 1 and set(reasons) == {0, 2}


def sent_again(tmp_path, survey_templates):
    """岩見沢市's faulty return a.xlsx, then the fixed one b.xlsx ten minutes later, checked."""
    folder = tmp_path / "回収"
    first = returned(folder, survey_templates, values={"M02": ("-1", "確定")}, name="a.xlsx")
    again = returned(folder, survey_templates, values={"M02": (95, "確定")}, name="b.xlsx")
    set_mtime(first, 1_700_000_000)
    set_mtime(again, 1_700_000_600)
    return validate_paths([folder], master=MASTER, workers=1)


def test_a_return_sent_again_is_not_said_to_be_half_taken(tmp_path, survey_templates):
    # 岩見沢市 sent a figure that cannot be read, was asked to send the survey again, and
    # did: the first return is taken not at all, so its box must not promise that its
    # 取組 go in (一部受付) while the note above it says the newer file is used instead.
    v = sent_again(tmp_path, survey_templates)
    assert v.superseded == ["a.xlsx"]
    [old] = [fr for fr in v.report.files if fr.file == "a.xlsx"]
    said = " ".join(f.message for f in old.findings)
    assert "取り込みます" not in said, said
    assert "a.xlsxは取り込みません" in said
    # its error is still shown: the clerk sees what was wrong with the file left aside
    assert any(f.code == "negative" for f in old.findings)


def test_no_copy_to_mail_back_is_made_of_a_return_sent_again(tmp_path, survey_templates):
    # the faulty first return of 岩見沢市 is replaced by its fixed one: a 返送用 copy of the
    # first would have the clerk ask for corrections already made
    from sorachi_etl import api

    v = sent_again(tmp_path, survey_templates)
    done = api.annotate_reports(v, tmp_path / "返送用")
    assert done.written == [] and done.failed == {}


def test_the_older_return_is_counted_as_not_taken_wherever_files_are_counted(
    tmp_path, survey_templates, sample_master_path
):
    """The older of two returns is fine in itself: it was counted 問題なし in the line of
    counts and left out of 「取り込まなかった: 0ファイル」, though it never went in."""
    import json

    from typer.testing import CliRunner

    from sorachi_etl.cli import app

    folder = tmp_path / "回収"
    older = returned(folder, survey_templates, info={**CONTACT, "filled_on": "2025/5/10"})
    returned(
        folder,
        survey_templates,
        info={**CONTACT, "filled_on": "2025/5/20"},
        name="R6_岩見沢市_調査票(1).xlsx",
    )
    runner = CliRunner()
    result = runner.invoke(app, ["validate", str(folder)])
    out = result.output.splitlines()
    assert "うち1件は、同じ報告者の新しい調査票があるため取り込みません。" in out, result.output
    assert any(older.name in line and "古い方のため取り込みません" in line for line in out)
    files = json.loads(runner.invoke(app, ["validate", str(folder), "--json"]).stdout)["files"]
    assert {f["file"]: f["superseded"] for f in files} == {
        older.name: True,
        "R6_岩見沢市_調査票(1).xlsx": False,
    }
    result = runner.invoke(app, ["merge", str(folder), "-m", str(sample_master_path)])
    assert "取り込まなかった: 1ファイル" in result.output, result.output
    assert f"・{older.name}（取り込まず: 同じ報告者の新しい調査票を使いました）" in result.output
