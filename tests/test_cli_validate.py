"""`sorachi-etl validate`: one run over a folder of returned workbooks, as staff use it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from sorachi_etl import api
from sorachi_etl.cli import app
from sorachi_etl.model.messages import CATALOGUE
from tests.conftest import REALWORLD
from tests.surveys import INITIATIVE, patch_cell, returned

runner = CliRunner()
# What must never reach a user: Python's own words.
PYTHON_WORDS = re.compile(
    r"Traceback|Error\(|Exception|KeyError|ValueError|TypeError|AttributeError|IndexError|"
    r"BadZipFile|XMLSyntaxError|ParseError|RuntimeError|OSError|pandera|SchemaError|"
    r"UnicodeDecodeError|PanicException|File \""
)

# Every problem planted in the folder below: file -> (sheet, cell, code).
PLANTED = {
    "R6_芦別市_調査票.xlsx": {
        ("調査実績", "E5", "not_a_number"),
        ("調査実績", "E6", "negative"),
        ("調査実績", "E7", "pending_with_value"),
        ("取組", "D5", "date_outside_year"),
    },
    "R6_夕張市_調査票.xlsx": {
        ("調査実績", "E6", "excel_error"),
        ("調査実績", "E7", "formula_no_value"),
        ("調査実績", "E8", "formula_text"),
    },
    "R5_空知総合振興局_調査票.xlsx": {("基本情報", "B6", "year_mismatch")},
}
UNREADABLE = {
    "R6_滝川市_調査票.xlsx": "not_excel",
    "R6_砂川市_調査票.xlsx": "empty_file",
    "R6_深川市_調査票.xlsx": "not_survey",
    "R6_南幌町_調査票.xlsx": "corrupt",
}
VALID = {"R6_岩見沢市_調査票.xlsx", "R6_美唄市_調査票.xlsx", "R6_小樽市_調査票.xlsx"}


@pytest.fixture(scope="module")
def returns(tmp_path_factory, survey_templates) -> Path:
    """A folder as it looks after the deadline: correct, messy-but-valid, invalid, unreadable."""
    folder = tmp_path_factory.mktemp("returns")
    t = survey_templates
    returned(folder, t, "岩見沢市", initiatives=[INITIATIVE])
    # messy but valid: full-width digits, separators, units, spaces, markers, blank status
    returned(
        folder,
        t,
        "美唄市",
        values={
            "M01": ("４９８，０００", "確定"),
            "M02": ("42件", None),
            "M03": ("集計中", None),
            "M04": (" 9,420 ha ", "確定"),
        },
    )
    returned(folder, t, "小樽市", values={"M01": (" 7,051,000 ", None, "速報値から更新")})
    returned(
        folder,
        t,
        "芦別市",
        values={"M01": ("abc", "確定"), "M02": ("-1", "確定"), "M03": (1, "集計中")},
        initiatives=[{**INITIATIVE, "start_date": "2023/7/15", "end_date": None}],
    )
    yubari = returned(folder, t, "夕張市", values={"M04": ("=SUM(1,2)", "確定")})
    patch_cell(yubari, "調査実績", "E6", "<f>E5/0</f><v>#DIV/0!</v>", "e")
    patch_cell(yubari, "調査実績", "E7", "<f>SUM(E5:E6)</f>")
    returned(folder, t, "空知総合振興局", name="R5_空知総合振興局_調査票.xlsx")
    (folder / "R6_滝川市_調査票.xlsx").write_text("滝川市,観光入込客数\n", encoding="utf-8")
    (folder / "R6_砂川市_調査票.xlsx").write_bytes(b"")
    wb = Workbook()
    wb.active.title = "集計"
    wb.save(folder / "R6_深川市_調査票.xlsx")
    whole = returned(folder / "whole", t, "南幌町").read_bytes()
    (folder / "R6_南幌町_調査票.xlsx").write_bytes(whole[: len(whole) // 2])
    (folder / "whole" / "R6_南幌町_調査票.xlsx").unlink()
    (folder / "whole").rmdir()
    return folder


def invoke(*args: str):
    return runner.invoke(app, ["validate", *args], env={"COLUMNS": "200"})


def test_one_run_reports_every_problem_with_its_cell(returns):
    result = invoke(str(returns))
    assert result.exit_code == 1
    out = result.output
    assert not PYTHON_WORDS.search(out), out
    for problems in PLANTED.values():
        for sheet, cell, _code in problems:
            assert f"{sheet}!{cell}" in out
    for name in VALID | set(PLANTED) | set(UNREADABLE):
        assert name in out
    assert "10ファイルを点検: 問題なし 3、一部受付 1、要修正 2、読み取れない 4" in out
    for name in VALID:
        line = next(line for line in out.splitlines() if name in line)
        assert "問題なし" in line


def test_json_lists_every_problem_with_its_code_and_cell(returns, sample_master_path):
    result = invoke(str(returns), "--master", str(sample_master_path), "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    files = {f["file"]: f for f in data["files"]}
    assert set(files) == VALID | set(PLANTED) | set(UNREADABLE)
    for name in VALID:
        assert files[name]["status"] == "ok"
        assert all(f["severity"] == "warning" for f in files[name]["findings"])
    for name, planted in PLANTED.items():
        # 夕張市's faults all lie in its numbers: its 取組 part is taken (一部受付)
        assert files[name]["status"] == (
            "partial" if name == "R6_夕張市_調査票.xlsx" else "invalid"
        )
        found = {(f["sheet"], f["cell"], f["code"]) for f in files[name]["findings"]}
        assert planted <= found, name
    for name, code in UNREADABLE.items():
        assert files[name]["status"] == "unreadable"
        assert [f["code"] for f in files[name]["findings"]] == [code]
    for entry in data["files"]:
        for f in entry["findings"]:
            assert set(f) == {"severity", "code", "sheet", "cell", "item", "value", "message"}
            assert f["code"] in CATALOGUE
            assert f["cell"] is None or re.fullmatch(r"[A-Z]{1,3}\d+", f["cell"])
            assert not PYTHON_WORDS.search(f["message"])


@pytest.mark.parametrize("with_master", [False, True])
def test_json_equals_the_librarys_result(returns, sample_master_path, with_master):
    args = [str(returns), "--json"]
    master = sample_master_path if with_master else None
    if with_master:
        args += ["--master", str(master)]
    result = invoke(*args)
    library = api.validate_paths_with_master([returns], master).report.to_dict()
    assert json.loads(result.stdout) == library


def test_only_valid_files_exit_0(tmp_path, survey_templates):
    returned(tmp_path, survey_templates, "岩見沢市")
    returned(tmp_path, survey_templates, "美唄市", values={"M02": ("42件", None)})
    result = invoke(str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "問題なし 2" in result.output
    assert "注意 1件" in result.output


def test_annotate_writes_copies_of_the_faulty_files_only(returns, tmp_path):
    out = tmp_path / "返送用"
    result = invoke(str(returns), "--annotate", str(out))
    assert result.exit_code == 1
    written = sorted(p.name for p in out.glob("*.xlsx"))
    assert written == sorted(n.replace(".xlsx", "_要修正.xlsx") for n in PLANTED)
    for name in written:
        assert name in result.output
    wb = load_workbook(out / "R6_芦別市_調査票_要修正.xlsx")
    assert wb.sheetnames[0] == "確認事項"
    assert wb["調査実績"]["E5"].comment is not None


def test_annotate_with_json_keeps_stdout_json(returns, tmp_path):
    result = invoke(str(returns), "--json", "--annotate", str(tmp_path / "out"))
    assert result.exit_code == 1
    json.loads(result.stdout)
    assert "返送用のコピーを作りました" in result.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["{tmp}/none"], "見つかりません"),
        (["{tmp}/empty"], "点検するファイルがありません"),
        (["{tmp}/empty", "--year", "令和"], "--year"),
        (["{tmp}/empty", "--master", "{tmp}/none.xlsx"], "マスタ"),
    ],
)
def test_bad_usage_is_exit_2(tmp_path, args, words):
    (tmp_path / "empty").mkdir()
    result = invoke(*[a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == 2
    assert words in result.output
    assert not PYTHON_WORDS.search(result.output)


def test_names_and_values_that_look_like_markup_are_printed_as_they_are(tmp_path, survey_templates):
    returned(
        tmp_path,
        survey_templates,
        values={"M01": ("[/red][bold]12", "確定")},
        name="R6_岩見沢市_調査票[1].xlsx",
    )
    result = invoke(str(tmp_path))
    assert result.exit_code == 1
    assert "R6_岩見沢市_調査票[1].xlsx" in result.output
    assert "[/red][bold]12" in result.output
    assert not PYTHON_WORDS.search(result.output)


# --- the real-world corpus: workbooks of other applications ------------------------------


@pytest.mark.usefixtures("realworld")
def test_realworld_workbooks_are_each_refused_with_their_own_reason():
    result = invoke(str(REALWORLD), "--json")
    assert result.exit_code == 1
    assert not PYTHON_WORDS.search(result.output)
    data = json.loads(result.stdout)
    on_disk = {p.name for p in REALWORLD.rglob("*") if p.is_file()}
    # every file is either checked or, a document (the corpus's MANIFEST.md), named as skipped
    skipped = {Path(s["file"]).name: s for s in data["skipped"]}
    assert {f["file"] for f in data["files"]} | set(skipped) == on_disk
    assert skipped["MANIFEST.md"]["reason"] == "not_survey"
    workbooks = data["files"]
    assert len(workbooks) >= 69
    for entry in data["files"]:
        assert entry["status"] in ("unreadable", "invalid"), entry["file"]
        assert entry["findings"], entry["file"]
        for f in entry["findings"]:
            assert f["code"] in CATALOGUE
            assert re.search(r"[ぁ-んァ-ン一-龥]", f["message"]), f["message"]
            assert not PYTHON_WORDS.search(f["message"]), f["message"]
    # the reasons differ with the file: encrypted, legacy, macro, broken, bombs, other sheets
    reasons = {f["findings"][0]["code"] for f in data["files"]}
    assert {
        "encrypted",
        "legacy_xls",
        "xlsm",
        "corrupt",
        "unsafe_archive",
        "not_survey",
        "empty_file",
        "too_large",
    } <= reasons
    # a workbook that is not ours says which sheets it has
    not_ours = [f for f in data["files"] if f["findings"][0]["code"] == "not_survey"]
    assert all("このファイルのシート" in f["findings"][0]["message"] for f in not_ours)


@pytest.mark.usefixtures("realworld")
def test_realworld_text_report_prints_no_traceback():
    result = invoke(str(REALWORLD))
    assert result.exit_code == 1
    assert not PYTHON_WORDS.search(result.output)
    assert "読み取れない" in result.output


def test_a_message_under_its_place_reads_as_a_sentence(tmp_path, survey_templates):
    # A control character pasted into 備考 and into 取組名: the place goes on its own line,
    # and what is left of the message must not begin with a dangling particle (「に使えない…」).
    path = returned(tmp_path, survey_templates, initiatives=[INITIATIVE])
    patch_cell(path, "調査実績", "G5", "<is><t>備考_x0001_です</t></is>", t="inlineStr")
    patch_cell(path, "取組", "B5", "<is><t>移住_x001F_フェア</t></is>", t="inlineStr")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    lines = [line.strip() for line in result.output.splitlines()]
    told = [line for line in lines if "使えない文字" in line]
    assert len(told) == 2, result.output
    assert all(line.startswith("使えない文字") for line in told), told


def test_a_figure_pasted_from_a_web_page_is_read(tmp_path, survey_templates):
    # A zero-width space and a BOM come along when a figure is copied from a web page: the
    # clerk sees 「455000」 and could never find what is wrong with it.
    path = returned(
        tmp_path,
        survey_templates,
        values={"M01": ("\u200b2410000", "確定"), "M02": ("96\ufeff", "確定\u200b")},
    )
    report = api.validate_paths_with_master([path], None).report
    assert [(f.cell, f.code) for fr in report.files for f in fr.findings] == []
    assert runner.invoke(app, ["validate", str(path)]).exit_code == 0


def test_faulty_returns_of_one_name_get_a_copy_each(tmp_path, survey_templates):
    # 回収/1回目 and 回収/2回目 both hold a faulty 回答.xlsx, from two reporters: each needs
    # its own 返送用 copy; one written over the other loses a reporter's list of what to fix.
    # (Two faulty returns of one reporter get one copy: the older is replaced, see
    # test_accept.py.)
    for folder, reporter, typed in (("1回目", "岩見沢市", "abc"), ("2回目", "美唄市", "xyz")):
        returned(
            tmp_path / folder,
            survey_templates,
            reporter,
            values={"M02": (typed, "確定")},
            name="回答.xlsx",
        )
    out = tmp_path / "返送用"
    result = runner.invoke(
        app, ["validate", str(tmp_path / "1回目"), str(tmp_path / "2回目"), "--annotate", str(out)]
    )
    assert result.exit_code == 1, result.output
    copies = sorted(out.glob("*.xlsx"))
    assert len(copies) == 2, copies
    typed = set()
    for copy in copies:
        typed.add(load_workbook(copy)["調査実績"]["E6"].value)
    assert typed == {"abc", "xyz"}
