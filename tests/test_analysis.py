"""分析・対応方向: drafted lines and staff's own (分析メモ) together, and the sheet staff write in."""

from __future__ import annotations

import shutil

import pytest
from openpyxl import load_workbook

from sorachi_etl import api
from sorachi_etl.book.master_check import load_master
from sorachi_etl.kpi.aggregate import master_to_kpi_table
from sorachi_etl.kpi.analysis import AnalysisLine, with_staff_lines
from sorachi_etl.model.domain import AnalysisNote
from sorachi_etl.model.names import DRAFT_MARK
from sorachi_etl.model.resources import samples_dir
from sorachi_etl.model.sample import sample_master

R6 = 2024
DRAFTED = [
    AnalysisLine("全体"),
    AnalysisLine("A1", "K01"),
    AnalysisLine("A2", "K01"),
    AnalysisLine("B1", "K02"),
]


def texts(lines):
    return [("*" if line.drafted else "") + line.text for line in lines]


@pytest.mark.parametrize(
    ("notes", "expected"),
    [
        ([], ["*全体", "*A1", "*A2", "*B1"]),
        # a line on the whole comes after the drafted lines
        ([AnalysisNote(R6, "総括")], ["*全体", "*A1", "*A2", "*B1", "総括"]),
        # a line on a KPI follows that KPI's drafted lines (named by ID or by name)
        ([AnalysisNote(R6, "追記", kpi="K01")], ["*全体", "*A1", "*A2", "追記", "*B1"]),
        ([AnalysisNote(R6, "追記", kpi="指標一")], ["*全体", "*A1", "*A2", "追記", "*B1"]),
        # ... or takes their place
        (
            [AnalysisNote(R6, "差替", kpi="K01", drafted="置き換える")],
            ["*全体", "差替", "*B1"],
        ),
        # 置き換える on the whole: staff write all of it
        (
            [
                AnalysisNote(R6, "二", order=2, drafted="置き換える"),
                AnalysisNote(R6, "一", order=1),
            ],
            ["一", "二"],
        ),
        # 表示順 orders the staff lines; blank 表示順 last, then sheet order
        (
            [AnalysisNote(R6, "c"), AnalysisNote(R6, "b", order=2), AnalysisNote(R6, "a", order=1)],
            ["*全体", "*A1", "*A2", "*B1", "a", "b", "c"],
        ),
        # a note of another year, or an empty one, is not printed
        ([AnalysisNote(R6 + 1, "来年"), AnalysisNote(R6, "  ")], ["*全体", "*A1", "*A2", "*B1"]),
        # a KPI without drafted lines: its note goes with the lines on the whole
        ([AnalysisNote(R6, "K03の文", kpi="K03")], ["*全体", "*A1", "*A2", "*B1", "K03の文"]),
    ],
)
def test_staff_lines_among_the_drafted_ones(notes, expected):
    kpis = sample_master().kpis[:3]
    kpis[0].name = "指標一"
    assert texts(with_staff_lines(DRAFTED, notes, kpis, R6)) == expected


def test_the_sample_reads_like_the_published_analysis():
    table = master_to_kpi_table(sample_master())
    staff = [line.text for line in table.analysis_lines if not line.drafted]
    assert staff == [
        "移住相談件数についてはオンライン相談の強化により増加傾向となっている。",
        "現在、次期「道央広域連携地域政策展開方針」の見直しを進めているところであり、"
        "今後、市町や関係機関の皆さまのご意見をいただきながら、策定作業を進めていく。",
    ]
    # the staff line replaced the drafted lines on 移住相談件数, and took their place
    k06 = [line for line in table.analysis_lines if line.kpi == "K06"]
    assert [line.drafted for line in k06] == [False]
    assert table.analysis[-1].startswith("現在、次期")
    assert table.analysis == [line.text for line in table.analysis_lines]


def test_the_kpi_list_sheet_marks_the_drafts_only(sample_master_path):
    ws = load_workbook(sample_master_path)["評価指標一覧"]
    lines = [c.value for c in ws["A"] if isinstance(c.value, str) and c.value.startswith("・")]
    assert f"・ {DRAFT_MARK}9つの評価指標のうち、3つの評価指標が進捗率90%を超えている。" in lines
    assert "・ 移住相談件数についてはオンライン相談の強化により増加傾向となっている。" in lines
    assert sum(DRAFT_MARK in line for line in lines) == len(lines) - 2


def test_the_master_reads_its_notes(sample_master_path):
    master = load_master(sample_master_path)
    assert master.analysis_notes == sample_master().analysis_notes


def test_a_merge_never_rewrites_the_staff_sheet(sample_master_path, tmp_path):
    wb = load_workbook(sample_master_path)
    ws = wb["分析メモ"]
    ws["D2"] = "スタッフが書き直した文。"
    ws.append(["R7", "", 1, "来年度の報告書に載せる文。", "残す", "メモ欄（ツールは読まない）"])
    ws.column_dimensions["F"].width = 33
    wb.save(sample_master_path)
    before = [
        list(r) for r in load_workbook(sample_master_path)["分析メモ"].iter_rows(values_only=True)
    ]
    returns = tmp_path / "回収"
    shutil.copytree(samples_dir() / "returns", returns)
    assert api.merge_paths([returns], sample_master_path).written
    after_wb = load_workbook(sample_master_path)
    after = [list(r) for r in after_wb["分析メモ"].iter_rows(values_only=True)]
    assert after == before
    assert after_wb["分析メモ"].column_dimensions["F"].width == 33
    # and the R7 list (the merge brought R6 values) shows the R7 line, not the R6 ones
    table = api.kpi_report(sample_master_path)
    assert table.report_year == 2025
    assert [line.text for line in table.analysis_lines if not line.drafted] == [
        "来年度の報告書に載せる文。"
    ]


def test_a_master_made_before_the_staff_sheet_still_reads_and_gets_it(sample_master_path, tmp_path):
    wb = load_workbook(sample_master_path)
    del wb["分析メモ"]
    wb.save(sample_master_path)
    assert load_master(sample_master_path).analysis_notes == []
    returns = tmp_path / "回収"
    shutil.copytree(samples_dir() / "returns", returns)
    api.merge_paths([returns], sample_master_path)
    header = [c.value for c in load_workbook(sample_master_path)["分析メモ"][1]]
    assert header == ["年度", "評価指標", "表示順", "文", "自動作成の文"]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["R6", "K99", 1, "文", ""], "評価指標「K99」"),
        (["R6", "", 1, "文", "はい"], "「置き換える」「残す」"),
        (["R6", "", 1, None, ""], "文が空欄"),
    ],
)
def test_a_faulty_note_is_named(sample_master_path, row, message):
    from sorachi_etl.model.errors import MasterError

    wb = load_workbook(sample_master_path)
    wb["分析メモ"].append(row)
    wb.save(sample_master_path)
    with pytest.raises(MasterError) as caught:
        load_master(sample_master_path)
    assert message in str(caught.value)
    assert "分析メモ!" in str(caught.value)


def test_report_shows_the_staff_lines_without_marks(sample_master_path):
    from sorachi_etl.kpi import formats

    md = formats.to_markdown(api.kpi_report(sample_master_path))
    assert "- 移住相談件数についてはオンライン相談の強化により増加傾向となっている。" in md
    assert DRAFT_MARK not in md
    data = formats.to_data(api.kpi_report(sample_master_path))
    assert [line["drafted"] for line in data["analysis_lines"]].count(False) == 2


@pytest.mark.parametrize("odd", ["\uffff", "\ufffe", "\ud800", "\x01", "\x1f"])
def test_characters_xml_cannot_hold_are_removed_when_read(odd):
    from sorachi_etl.model.text import clean_text

    assert clean_text(f"空知{odd}地域") == ("空知地域", True)
