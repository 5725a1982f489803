"""The 評価指標一覧 sheet `init` writes reproduces the published table."""

import json
import re

import pytest
from openpyxl import load_workbook

from tests.conftest import REFERENCE, libreoffice_convert

HEADER_ROW = 3


def read_kpi_sheet(path):
    ws = load_workbook(path)["評価指標一覧"]
    header = [c.value for c in ws[HEADER_ROW]]
    rows = []
    project = None
    for r in range(HEADER_ROW + 1, ws.max_row + 1):
        name = ws.cell(r, 2).value
        if not name:
            break
        project = ws.cell(r, 1).value or project
        cells = [ws.cell(r, c) for c in range(1, len(header) + 1)]
        rows.append({"project": project, "cells": cells})
    return ws, header, rows


def year_of(cell):
    m = re.search(r"（(R\d+)）", cell.number_format)
    return m.group(1) if m else None


def unit_of(cell):
    m = re.search(r'"([^"（]*)', cell.number_format)
    return m.group(1) if m else None


@pytest.fixture(scope="module")
def reference():
    path = REFERENCE / "r6_kpi_list.json"
    return json.loads(path.read_text(encoding="utf-8"))


def test_kpi_list_matches_the_published_table(sample_master_path, reference):
    _ws, header, rows = read_kpi_sheet(sample_master_path)
    years = reference["year_columns"]
    assert header[3 : 3 + len(years)] == years
    assert len(rows) == len(reference["rows"]) == 9
    projects = {p["no"]: p["name"] for p in reference["projects"]}
    for got, want in zip(rows, reference["rows"], strict=True):
        cells = got["cells"]
        assert got["project"] == projects[want["project"]]
        label = want["kpi"] + ("（再掲）" if want["relisted"] else "")
        assert cells[1].value == label
        base = cells[2]
        assert base.value == pytest.approx(want["base"]["value"])
        assert year_of(base) == want["base"]["year"]
        assert unit_of(base) == want["unit"]
        for i, year in enumerate(years):
            cell = cells[3 + i]
            expected = want["values"].get(year)
            if expected is None:
                assert cell.value is None
            elif expected == "pending":
                assert cell.value == "集計中"
            else:
                assert isinstance(cell.value, int | float), (label, year, cell.value)
                assert cell.value == pytest.approx(expected)
                assert unit_of(cell) == want["unit"]
        target = cells[3 + len(years)]
        assert target.value == pytest.approx(want["target"]["value"])
        assert year_of(target) == want["target"]["year"]
        rate = cells[4 + len(years)]
        if want["progress_rate"] is None:
            assert rate.value == "—"
        else:
            assert rate.value == pytest.approx(want["progress_rate"])
            assert rate.number_format == '0.0"%"'


def test_project_names_are_merged_over_their_rows(sample_master_path):
    ws, _, _ = read_kpi_sheet(sample_master_path)
    merged = {str(r) for r in ws.merged_cells.ranges}
    # project 2 has two rows, 3 and 4 three each, starting under the header on row 4
    assert {"A5:A6", "A7:A9", "A10:A12"} <= merged


def test_analysis_lines_under_the_table(sample_master_path):
    ws, _, rows = read_kpi_sheet(sample_master_path)
    texts = [ws.cell(r, 1).value for r in range(HEADER_ROW + len(rows) + 1, ws.max_row + 1)]
    text = "\n".join(t for t in texts if t)
    assert "分析・対応方向" in text
    assert "9つの評価指標のうち、3つの評価指標が進捗率90%を超えている。" in text
    assert "8.3ポイント低下" in text
    assert "3倍程度" in text
    assert "認定こども園設置数は、現状維持となった" in text


def test_print_setup(sample_master_path):
    ws, _, _ = read_kpi_sheet(sample_master_path)
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows.replace("$", "") == "3:3"


def test_libreoffice_renders_the_master(sample_master_path, tmp_path):
    pdf = libreoffice_convert(sample_master_path, tmp_path)
    assert pdf.stat().st_size > 10_000


def test_whole_values_print_without_decimals_as_published(sample_master_path):
    # 管内への観光入込客数 has one decimal, yet the report prints 1,232万人 beside 1,159.6万人:
    # the number format is chosen per cell, by the value
    _ws, header, rows = read_kpi_sheet(sample_master_path)
    row = next(r["cells"] for r in rows if r["cells"][1].value == "管内への観光入込客数")
    formats = {h: c.number_format for h, c in zip(header, row, strict=True)}
    assert formats["基準値\n（基準年）"] == '#,##0"万人（R1）"'
    assert formats["R3"] == '#,##0"万人"'
    assert formats["R4"] == '#,##0.0"万人"'
    assert formats["目標値\n（目標年）"] == '#,##0"万人（R6）"'
    # a rate keeps its decimal, as published (52.0%)
    k03 = next(r["cells"] for r in rows if r["cells"][1].value == "新規高卒者管内企業就職率")
    assert k03[header.index("R5")].number_format == '0.0"%"'


def test_whole_values_as_text(sample_master_path):
    from sorachi_etl.api import kpi_report
    from sorachi_etl.kpi.formats import row_strings

    table = kpi_report(sample_master_path)
    row = next(r for r in table.rows if r.kpi.id == "K05")
    assert row_strings(table, row)[2:7] == [
        "1,232万人（R1）",
        "852万人",
        "1,159.6万人",
        "集計中",
        "",
    ]
    k03 = next(r for r in table.rows if r.kpi.id == "K03")
    assert row_strings(table, k03)[5] == "52.0%"
