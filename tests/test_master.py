"""Reading the master: a master hand-edited into nonsense gets a clear Japanese message."""

import pytest
from openpyxl import load_workbook

from sorachi_etl.book.master_check import load_master
from sorachi_etl.model.errors import MasterError


def edit(path, sheet, cell, value):
    wb = load_workbook(path)
    wb[sheet][cell] = value
    wb.save(path)


def test_sample_master_reads_back_what_init_wrote(sample_master_path):
    from sorachi_etl.model.sample import sample_master

    got = load_master(sample_master_path)
    want = sample_master()
    assert got.settings == want.settings
    assert got.projects == want.projects
    assert got.reporters == want.reporters
    assert got.measures == want.measures
    assert got.kpis == want.kpis
    assert got.kpi_values == want.kpi_values
    assert got.initiatives == want.initiatives
    assert got.businesses == want.businesses


@pytest.mark.parametrize(
    ("sheet", "cell", "value", "expected"),
    [
        ("評価指標", "J3", "たくさん", "評価指標!J3"),  # base value not a number
        ("評価指標", "K2", "令和", "評価指標!K2"),  # base year unreadable
        ("評価指標", "C2", "平均", "「合計」「比率」「単独」"),  # kind not in the list
        ("評価指標", "D2", "M99", "調査項目"),  # unknown measure
        ("調査項目", "F2", -5, "調査項目!F2"),  # negative max
        ("プロジェクト", "B2", None, "プロジェクト!B2"),  # required name emptied
        ("市町", "A3", "夕張市", "重複"),  # duplicate municipality
    ],
)
def test_hand_edited_nonsense_names_sheet_and_cell(
    sample_master_path, sheet, cell, value, expected
):
    edit(sample_master_path, sheet, cell, value)
    with pytest.raises(MasterError) as err:
        load_master(sample_master_path)
    message = str(err.value)
    assert expected in message
    assert "Traceback" not in message and "pandera" not in message.lower()


def test_deleted_sheet_is_named(sample_master_path):
    wb = load_workbook(sample_master_path)
    wb["調査項目"].title = "調査項目（旧）"
    wb.save(sample_master_path)
    with pytest.raises(MasterError) as err:
        load_master(sample_master_path)
    assert "シート「調査項目」がありません" in str(err.value)
    assert "調査項目（旧）" in str(err.value)  # did you mean


def test_missing_master_is_a_usage_error(tmp_path):
    with pytest.raises(MasterError) as err:
        load_master(tmp_path / "nothing.xlsx")
    assert err.value.exit_code == 2
