"""KPI values computed from measures, and the analysis lines drawn from them."""

from decimal import Decimal

import pytest

from sorachi_etl.kpi.aggregate import compute_kpi_value, master_to_kpi_table
from sorachi_etl.model.domain import KpiValue, MeasureValue
from sorachi_etl.model.sample import sample_master

R6 = 2024


@pytest.fixture
def master():
    return sample_master()


def fill(master, measure, year, value_for, status="確定"):
    members = master.reporters_for(master.measure(measure))
    for name in members:
        value = value_for(name)
        master.measure_values.append(
            MeasureValue(measure, name, year, value, status if value is not None else "集計中")
        )
    return members


def test_sum_over_group_scaled_to_display_unit(master):
    members = fill(master, "M01", R6, lambda name: 123_456)
    kpi = master.kpi("K01")  # 炭鉄港, 千人
    v = compute_kpi_value(master, kpi, R6)
    tanteko = [n for n in members if "炭鉄港" in master.reporter(n).groups]
    assert v.status == "確定"
    assert v.value == Decimal(round(123_456 * len(tanteko) / 1000))
    sorachi = master.kpi("K05")  # 空知, 万人 with one decimal
    w = compute_kpi_value(master, sorachi, R6)
    assert w.value == (Decimal(123_456 * 24) / 10000).quantize(Decimal("0.1"))


def test_ratio_of_two_measures(master):
    fill(master, "M06", R6, lambda _: 500)
    fill(master, "M07", R6, lambda _: 263)
    v = compute_kpi_value(master, master.kpi("K03"), R6)
    assert v.value == Decimal("52.6")


def test_one_missing_reporter_makes_the_kpi_pending_with_the_count(master):
    fill(master, "M02", R6, lambda name: None if name == "夕張市" else 10)
    v = compute_kpi_value(master, master.kpi("K06"), R6)
    assert v.status == "集計中"
    assert (v.reporters_in, v.reporters_total) == (23, 24)
    assert v.value is None


def test_not_applicable_counts_as_in(master):
    fill(master, "M03", R6, lambda _: 1)
    master.measure_values[-1].status = "該当なし"
    master.measure_values[-1].value = None
    v = compute_kpi_value(master, master.kpi("K07"), R6)
    assert v.status == "確定"
    assert v.value == 23


def test_no_data_for_a_year_is_missing_not_zero(master):
    assert compute_kpi_value(master, master.kpi("K07"), R6) is None


def test_manual_value_wins_and_a_difference_is_a_warning(master):
    fill(master, "M03", 2023, lambda _: 1)  # computes 24, the report says 20
    table = master_to_kpi_table(master)
    row = next(r for r in table.rows if r.kpi.id == "K07")
    assert row.values[2023].value == 20
    assert row.values[2023].source == "手入力"
    assert any("認定こども園設置数" in w and "24カ所" in w for w in table.warnings)


def test_sample_table_reproduces_the_published_rates(master):
    table = master_to_kpi_table(master)
    assert table.actual_year == 2023
    assert [str(r.rate) if r.rate is not None else None for r in table.rows] == [
        None,
        "99.9",
        "81.4",
        "138.8",
        None,
        None,
        "81.4",
        None,
        "90.9",
    ]


def test_analysis_lines_are_computed_from_the_data(master):
    lines = master_to_kpi_table(master).analysis
    text = "\n".join(lines)
    assert lines[0] == "9つの評価指標のうち、3つの評価指標が進捗率90%を超えている。"
    assert "新規高卒者管内企業就職率は、前年度に比べて8.3ポイント低下" in text
    assert "基準値（6,522人、R2）に比べ、3倍程度" in text
    assert "認定こども園設置数は、現状維持となった" in text


def test_trend_lines_name_their_years(master):
    master.analysis_notes = []  # the drafts alone (staff's 分析メモ may replace one)
    text = "\n".join(master_to_kpi_table(master).analysis)
    assert "移住相談件数は、増加傾向となっている（R2：574件→R3：777件→R4：821件）。" in text
    assert "（R2：7,250千人→R3：7,487千人→R4：10,530千人）" in text


def test_a_trend_from_a_base_value_without_its_year_shows_the_value_alone(master):
    kpi = next(k for k in master.kpis if k.id == "K06")
    kpi.base_year = None
    master.analysis_notes = []
    master.kpi_values = [
        kv for kv in master.kpi_values if not (kv.kpi == "K06" and kv.year == 2020)
    ]
    text = "\n".join(master_to_kpi_table(master).analysis)
    assert "移住相談件数は、増加傾向となっている（574件→R3：777件→R4：821件）。" in text


def test_analysis_lines_follow_a_changed_number(master):
    for kv in master.kpi_values:
        if kv.kpi == "K03" and kv.year == 2023:
            kv.value = 63.0  # 81.4 % -> 98.6 %, and up 2.7 points
        if kv.kpi == "K07" and kv.year == 2023:
            kv.value = 22
    table = master_to_kpi_table(master)
    text = "\n".join(table.analysis)
    assert table.analysis[0].startswith("9つの評価指標のうち、5つ")
    assert "2.7ポイント上昇" in text
    assert "認定こども園設置数は、現状維持" not in text
    assert "認定こども園設置数は、目標値（22カ所、R7）を達成している" in text


def test_pending_manual_value_is_replaced_by_a_complete_computation(master):
    fill(master, "M02", 2023, lambda _: 40)  # 24 × 40 = 960 > 821
    row = next(r for r in master_to_kpi_table(master).rows if r.kpi.id == "K06")
    assert row.values[2023].value == 960
    assert row.values[2023].source == "集計"
    assert row.rate == Decimal("139.7")


def test_explicit_year(master):
    master.kpi_values.append(KpiValue("K07", 2024, 21))
    assert master_to_kpi_table(master).actual_year == 2024
    table = master_to_kpi_table(master, year=2023)
    assert table.actual_year == 2023
    assert table.report_year == 2024


def test_an_empty_master_says_there_are_no_kpis():
    table = master_to_kpi_table(sample_master(empty=True))
    assert table.rows == []
    assert table.analysis == [
        "評価指標が登録されていません。マスタのシート「評価指標」に入力してください。"
    ]
