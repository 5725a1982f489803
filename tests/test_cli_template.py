"""sorachi-etl template: the command over api.make_templates."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from sorachi_etl import api
from sorachi_etl.cli import app
from tests.helpers import workbook_dump

runner = CliRunner()


def test_help_has_an_example():
    result = runner.invoke(app, ["template", "--help"])
    assert result.exit_code == 0
    assert "例" in result.output
    assert "sorachi-etl template --master master.xlsx --year R6" in result.output


def test_writes_every_reporters_workbook(sample_master_path, tmp_path):
    out = tmp_path / "送付用"
    result = runner.invoke(
        app, ["template", "-m", str(sample_master_path), "-y", "R6", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "28件" in result.output
    assert str(out) in result.output.replace("\n", "")
    files = sorted(p.name for p in out.glob("*.xlsx"))
    assert len(files) == 28
    assert "R6_岩見沢市_調査票.xlsx" in files


def test_same_files_as_the_library(sample_master_path, tmp_path):
    runner.invoke(
        app,
        [
            "template",
            "-m",
            str(sample_master_path),
            "--year",
            "令和6年度",
            "--out",
            str(tmp_path / "cli"),
            "--reporter",
            "安平町",
        ],
    )
    (lib,) = api.make_templates(sample_master_path, 2024, tmp_path / "lib", reporters=["安平町"])
    assert workbook_dump(tmp_path / "cli" / lib.path.name) == workbook_dump(lib.path)


def test_default_folder_is_named_for_the_year(sample_master_path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(
        app,
        [
            "template",
            "-m",
            str(sample_master_path),
            "-y",
            "2024",
            "-r",
            "岩見沢市",
            "-r",
            "空知総合振興局",
        ],
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "R6_調査票").glob("*.xlsx")) == [
        "R6_岩見沢市_調査票.xlsx",
        "R6_空知総合振興局_調査票.xlsx",
    ]
    assert "前年度実績 1件" in result.output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["-y", "R6", "-r", "岩見沢"], "「岩見沢市」のことですか"),
        (["-y", "R"], "--year"),
    ],
)
def test_usage_errors_exit_2(sample_master_path, tmp_path, args, expected):
    out = tmp_path / "out"
    result = runner.invoke(app, ["template", "-m", str(sample_master_path), "-o", str(out), *args])
    assert result.exit_code == 2
    assert expected in result.output
    assert not out.exists()


def test_missing_master_exits_2(tmp_path):
    result = runner.invoke(app, ["template", "-m", str(tmp_path / "nai.xlsx"), "-y", "R6"])
    assert result.exit_code == 2
    assert "見つかりません" in result.output


def test_year_is_required(sample_master_path):
    result = runner.invoke(app, ["template", "-m", str(sample_master_path)])
    assert result.exit_code == 2
    assert "--year" in result.output


def test_a_return_saved_in_the_template_folder_is_never_overwritten(
    sample_master_path, tmp_path, survey_templates
):
    # Staff saved 岩見沢市's filled-in return into R6_調査票 and later ran template again to
    # send 美唄市 a fresh blank: the return must survive, and nothing is written.
    from tests.surveys import returned

    out = tmp_path / "R6_調査票"
    args = ["template", "-m", str(sample_master_path), "-y", "R6", "-o", str(out)]
    assert runner.invoke(app, [*args, "-r", "岩見沢市"]).exit_code == 0
    ours = (out / "R6_岩見沢市_調査票.xlsx").read_bytes()
    # our own untouched blank may be written again
    assert runner.invoke(app, [*args, "-r", "岩見沢市"]).exit_code == 0
    filled = returned(tmp_path / "回収", survey_templates, "岩見沢市")
    (out / filled.name).write_bytes(filled.read_bytes())
    result = runner.invoke(app, [*args, "-r", "美唄市", "-r", "岩見沢市"])
    assert result.exit_code == 2, result.output
    assert "R6_岩見沢市_調査票.xlsx" in result.output
    assert "Traceback" not in result.output
    assert (out / filled.name).read_bytes() == filled.read_bytes() != ours
    assert not (out / "R6_美唄市_調査票.xlsx").exists()


def test_a_reporter_pasted_with_spaces_around_it_is_that_reporter(sample_master_path, tmp_path):
    # copied out of an Excel cell or a mail: 「岩見沢市 」, 「　美唄市」
    out = tmp_path / "送付用"
    args = ["template", "-m", str(sample_master_path), "-y", "R6", "-o", str(out)]
    result = runner.invoke(app, [*args, "-r", "岩見沢市 ", "-r", "\u3000美唄市"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.glob("*.xlsx")) == [
        "R6_岩見沢市_調査票.xlsx",
        "R6_美唄市_調査票.xlsx",
    ]


def test_a_year_outside_the_plan_is_refused_with_the_plan_named(sample_master_path, tmp_path):
    # R10 typed for R1 or R6: 28 surveys of a year no KPI list shows would be mailed out.
    # The plan period is named, and where to extend it; nothing is written.
    out = tmp_path / "調査票"
    result = runner.invoke(
        app, ["template", "-m", str(sample_master_path), "-y", "R10", "-o", str(out)]
    )
    assert result.exit_code == 2, result.output
    assert "令和10年度は計画期間（令和3年度～令和7年度）の外です。" in result.output
    assert "「設定」" in result.output
    assert not out.exists()
