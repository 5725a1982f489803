"""Figures written in parts (「2万4530」「746万8千人」), attacked: what a clerk or staff would
notice when the tool reads one wrong or stumbles on it.

Through real files: a return checked as `sorachi-etl validate` does, a master read as every
command does.
"""

from __future__ import annotations

import pytest

from sorachi_etl.check.validate import validate_paths
from sorachi_etl.model.names import SURVEY_VALUES
from sorachi_etl.model.sample import sample_master
from tests.surveys import returned


@pytest.mark.parametrize("typed", ["9" * 400 + "万1", "9" * 5000 + "万1人", "1億" + "9" * 5000])
def test_a_figure_in_parts_too_long_to_be_one_names_its_cell_and_the_file_is_still_read(
    tmp_path, survey_templates, typed
):
    # int() of 5000 digits raises, float() of 400 overflows: the file was 読み取れない
    # (「点検中に予期しない問題」) instead of the cell being named
    path = returned(tmp_path, survey_templates, values={"M01": (typed, "確定")})
    [report] = validate_paths([path], master=sample_master()).report.files
    assert report.status != "unreadable"
    assert [(f.code, f.sheet, f.cell) for f in report.errors] == [
        ("not_a_number", SURVEY_VALUES, "E5")
    ]
