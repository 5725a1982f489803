"""A table no real return reaches is refused before any per-row work.

38,000 取組 rows in a 1.5 MB return were accepted as 問題なし (the master grew 30×) and
--annotate on a 5 MB return took 11 s and 420 MB. Now the table is refused with a clear
message naming the first row past the cap; its part is held back, the other part goes in.
"""

from __future__ import annotations

from typer.testing import CliRunner

from sorachi_etl import api
from sorachi_etl.book.master_check import load_master
from sorachi_etl.cli import app
from sorachi_etl.intake.locate import MAX_INITIATIVE_ROWS, MEASURE_ROW_MARGIN
from tests.helpers import make_hostile

runner = CliRunner()


def test_38000_initiative_rows_are_refused_before_the_per_row_work(tmp_path, sample_master_path):
    folder = tmp_path / "回収"
    folder.mkdir()
    path = folder / "R6_芦別市_調査票.xlsx"
    path.write_bytes(make_hostile().survey_xlsx(initiative_rows=38_000))
    assert path.stat().st_size < 2_000_000
    outcome = api.merge_paths([folder], sample_master_path)
    [fr] = outcome.validation.report.files
    assert fr.status == "partial" and fr.held_back == ["initiatives"]
    [error] = fr.errors
    assert (error.code, error.sheet, error.cell) == ("too_many_rows", "取組", "A205")
    assert "38,000行" in error.message and f"上限の{MAX_INITIATIVE_ROWS}行" in error.message
    # no finding per row: the rows were never looked at one by one
    assert [f.code for f in fr.findings if f.sheet == "取組"] == ["too_many_rows"]
    master = load_master(sample_master_path)
    assert not [i for i in master.initiatives if i.reporter == "芦別市" and i.year == 2024]
    assert {v.measure for v in master.measure_values if v.reporter == "芦別市" and v.year == 2024}

    # --annotate makes no 38,000-row copy, and says so
    result = runner.invoke(
        app,
        [
            "validate",
            str(path),
            "-m",
            str(sample_master_path),
            "--annotate",
            str(tmp_path / "返送"),
        ],
        env={"COLUMNS": "200"},
    )
    assert "返送用のコピーを作れませんでした" in result.output
    assert not (tmp_path / "返送").exists() or not any((tmp_path / "返送").iterdir())


def test_rows_added_to_調査実績_past_the_margin_are_refused(tmp_path, sample_master_path):
    measures = len(load_master(sample_master_path).measures)
    path = tmp_path / "R6_芦別市_調査票.xlsx"
    path.write_bytes(make_hostile().survey_xlsx(extra_value_rows=measures + MEASURE_ROW_MARGIN))
    [fr] = api.validate_paths_with_master([path], sample_master_path).report.files
    assert fr.status == "partial" and fr.held_back == ["values"]
    [error] = fr.errors
    assert (error.code, error.sheet) == ("too_many_rows", "調査実績")
    assert f"上限の{measures + MEASURE_ROW_MARGIN}行" in error.message


def test_a_table_at_the_cap_is_read_as_ever(tmp_path, sample_master_path):
    path = tmp_path / "R6_芦別市_調査票.xlsx"
    path.write_bytes(make_hostile().survey_xlsx(initiative_rows=MAX_INITIATIVE_ROWS))
    v = api.validate_paths_with_master([path], sample_master_path)
    assert v.report.files[0].status == "ok"
    assert len(v.submissions[0].initiatives) == MAX_INITIATIVE_ROWS
