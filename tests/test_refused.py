"""A municipality that did answer is never told it has not: a file the tool cannot take is
tied to its sender wherever anything can tell, and reminded in words fit for its reason.

Through real files in a 回収 folder, merged into a real master, then `status --reminder`.
"""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sorachi_etl import api
from sorachi_etl.book.master_check import load_master
from sorachi_etl.cli import app
from sorachi_etl.kpi.status import master_to_status, reminder_text, unreadable_result
from sorachi_etl.model.messages import CATALOGUE, message
from sorachi_etl.model.names import REFUSAL_LABELS
from sorachi_etl.model.resources import samples_dir
from tests.conftest import REPO
from tests.helpers import make_hostile
from tests.surveys import returned

runner = CliRunner()


MH = make_hostile()
FILES = MH.hostile_files()


def encrypt(source: Path, target: Path, password: str = "soracchi") -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    with source.open("rb") as fin, target.open("wb") as fout:
        OOXMLFile(fin).encrypt(password, fout)
    return target


def reminder_lines(master_path: Path) -> dict[str, str]:
    text = reminder_text(master_to_status(load_master(master_path)), today=dt.date(2025, 6, 30))
    lines = [line for line in text.splitlines() if line.startswith("・")]
    return {line[1:].split("　", 1)[0]: line.split("　", 1)[1] for line in lines}


def test_a_refused_xls_named_by_its_sender_is_never_reported_as_not_sent(
    tmp_path, sample_master_path
):
    """芦別市 sends 芦別市回答.xls, a file the tool must not read (its directory loops)."""
    folder = tmp_path / "回収"
    shutil.copytree(samples_dir() / "returns", folder)
    (folder / "R6_芦別市_調査票.xlsx").unlink()
    data, code = FILES["xls_directory_chain_loop.xls"]
    (folder / "芦別市回答.xls").write_bytes(data)

    outcome = api.merge_paths([folder], sample_master_path)
    report = next(f for f in outcome.validation.report.files if f.file == "芦別市回答.xls")
    assert report.status == "unreadable" and report.refusal == code == "corrupt"
    assert report.reporter == "芦別市"
    assert "芦別市" not in outcome.missing  # merge prints 未提出 for 歌志内市 only
    assert outcome.missing == ["歌志内市"]

    master = load_master(sample_master_path)
    [entry] = [e for e in master.log if e.file == "芦別市回答.xls"]
    assert (entry.reporter, entry.result) == ("芦別市", "読取不可（破損）")
    row = next(r for r in master_to_status(master).rows if r.reporter == "芦別市")
    assert row.state == "要修正" and row.refusal == "corrupt" and row.file == "芦別市回答.xls"

    lines = reminder_lines(sample_master_path)
    assert lines["芦別市"] == message("remind_corrupt", file="「芦別市回答.xls」")
    assert lines["芦別市"].startswith("届いた調査票「芦別市回答.xls」を読み取れません（")
    assert "未提出" not in lines["芦別市"] and "パスワード" not in lines["芦別市"]
    assert "未提出" in lines["歌志内市"]

    again = runner.invoke(app, ["merge", str(folder), "-m", str(sample_master_path)])
    assert (
        "芦別市回答.xls（取り込まず: 読み取れません（破損）。芦別市から送り直してもらってください）"
        in again.output
    )
    assert "未提出（1）: 歌志内市" in again.output
    cli = runner.invoke(app, ["status", "-m", str(sample_master_path), "--reminder"])
    assert (
        "芦別市　届いた調査票「芦別市回答.xls」を読み取れません（ファイルが壊れています）"
        in cli.output
    )


def test_an_encrypted_file_is_tied_by_its_name_and_asked_for_without_password(
    tmp_path, survey_templates, sample_master_path
):
    folder = tmp_path / "回収"
    folder.mkdir()
    plain = returned(tmp_path / "plain", survey_templates, "岩見沢市")
    encrypt(plain, folder / "岩見沢市 調査票（パスワード付き）.xlsx")
    outcome = api.merge_paths([folder], sample_master_path)
    [report] = outcome.validation.report.files
    assert (report.status, report.refusal, report.reporter) == (
        "unreadable",
        "encrypted",
        "岩見沢市",
    )
    line = reminder_lines(sample_master_path)["岩見沢市"]
    assert line == message("remind_encrypted", file="「岩見沢市 調査票（パスワード付き）.xlsx」")
    assert "パスワードを外して" in line


def test_a_broken_xlsx_is_tied_by_its_own_record_when_the_name_tells_nothing(
    tmp_path, survey_templates, sample_master_path
):
    """One part of the workbook holds a DTD (refused); _meta and 基本情報 still read safely."""
    source = returned(tmp_path / "src", survey_templates, "美唄市")
    folder = tmp_path / "回収"
    folder.mkdir()
    target = folder / "回答.xlsx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet4.xml":  # 取組
                data = b'<!DOCTYPE x [<!ENTITY a "b">]>' + data
            zout.writestr(info, data)
    outcome = api.merge_paths([folder], sample_master_path)
    [report] = outcome.validation.report.files
    assert (report.status, report.refusal, report.reporter) == (
        "unreadable",
        "unsafe_archive",
        "美唄市",
    )
    assert report.year == 2024
    assert reminder_lines(sample_master_path)["美唄市"] == message(
        "remind_unsafe_archive", file="「回答.xlsx」"
    )


def test_a_file_nobody_can_be_told_from_stays_unattributed(tmp_path, sample_master_path):
    folder = tmp_path / "回収"
    folder.mkdir()
    (folder / "scan0001.xlsx").write_bytes(FILES["truncated_half.xlsx"][0])
    outcome = api.merge_paths([folder], sample_master_path)
    [report] = outcome.validation.report.files
    assert report.reporter is None
    # and a name that holds two reporters' names decides nothing either
    from sorachi_etl.check.identity import reporter_in_name

    known = {r.name for r in load_master(sample_master_path).reporters}
    assert reporter_in_name(Path("芦別市と赤平市の回答.xls"), known) is None
    assert reporter_in_name(Path("ｒ６芦別市回答.xls"), known) == "芦別市"


# One real file per reason a file is refused, each sent by another reporter.
BY_REASON = {
    "encrypted": ("岩見沢市", "encrypted"),
    "xlsm": ("美唄市", "xlsm_content_type.xlsx"),
    "xlsb": ("夕張市", "xlsb_content_type.xlsx"),
    "legacy_xls": ("赤平市", "xls_biff5_excel95.xls"),
    "not_excel": ("三笠市", "pdf_renamed.xlsx"),
    "empty_file": ("滝川市", "empty.xlsx"),
    "corrupt": ("砂川市", "xls_difat_chain_loop.xls"),
    "too_large": ("歌志内市", "too_many_members.xlsx"),
    "sheet_too_big": ("深川市", "ods_value_rows_repeated_1e9.ods"),
    "unsafe_archive": ("南幌町", "billion_laughs_shared_strings.xlsx"),
    "not_survey": ("奈井江町", "ods_valid_small.ods"),
}


@pytest.fixture(scope="module")
def refused(tmp_path_factory, survey_templates, _sample_master_file):
    folder = tmp_path_factory.mktemp("refused") / "回収"
    folder.mkdir()
    for code, (reporter, source) in BY_REASON.items():
        suffix = Path(source).suffix if code != "encrypted" else ".xlsx"
        target = folder / f"{reporter}の回答{suffix}"
        if code == "encrypted":
            encrypt(returned(folder.parent / "plain", survey_templates, reporter), target)
        else:
            target.write_bytes(FILES[source][0])
    master = folder.parent / "master.xlsx"
    shutil.copy(_sample_master_file, master)
    outcome = api.merge_paths([folder], master)
    return outcome, master


@pytest.mark.parametrize("code", sorted(BY_REASON))
def test_each_refusal_reason_has_its_own_reminder(refused, code):
    outcome, master = refused
    reporter, _ = BY_REASON[code]
    report = next(f for f in outcome.validation.report.files if f.reporter == reporter)
    assert report.status == "unreadable" and report.refusal == code
    line = reminder_lines(master)[reporter]
    assert line == message(f"remind_{code}", file=f"「{report.file}」")
    assert line.startswith(f"届いた調査票「{report.file}」を読み取れません（")
    assert "未提出" not in line
    # only a password-protected file is asked to drop its password
    assert ("パスワード" in line) == (code in ("encrypted", "wrong_password"))
    assert reporter not in outcome.missing


def test_every_refusal_has_a_label_and_a_wording_of_its_own():
    wordings = {code: CATALOGUE[f"remind_{code}"][1] for code in REFUSAL_LABELS}
    assert len(set(wordings.values())) == len(wordings)
    for code in REFUSAL_LABELS:
        assert unreadable_result(code) == f"読取不可（{REFUSAL_LABELS[code]}）"
    # a log written before reasons were recorded still reads as unreadable
    from sorachi_etl.kpi.status import refusal_of

    assert refusal_of("読取不可") == "unreadable"
    assert refusal_of("取込") is None


def test_the_readme_shows_every_reminder_wording():
    """Staff read in the README what each reporter will be told (status --reminder)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    shown = {"file": "「芦別市回答.xls」", "deadline": "2025年5月30日", "items": "認定こども園数"}
    for code in CATALOGUE:
        if code.startswith("remind_"):
            assert message(code, **shown) in readme, code
