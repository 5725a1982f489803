"""推移グラフ: each KPI's chart, read back from the chart XML of the master a user opens."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from openpyxl import load_workbook

from sorachi_etl import api
from sorachi_etl.model.resources import samples_dir

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


def axis_minimums(master: Path) -> dict[str, str | None]:
    """Chart title -> the minimum of its value axis as written (None: Excel fits it to the data)."""
    out = {}
    with zipfile.ZipFile(master) as z:
        for name in z.namelist():
            if not (name.startswith("xl/charts/chart") and name.endswith(".xml")):
                continue
            root = ElementTree.fromstring(z.read(name))
            title = "".join(t.text or "" for t in root.find(f"{C}chart/{C}title").iter(f"{A}t"))
            minimum = root.find(f"{C}chart/{C}plotArea/{C}valAx/{C}scaling/{C}min")
            out[title] = None if minimum is None else minimum.get("val")
    return out


def test_every_axis_starts_at_zero(sample_master_path):
    minimums = axis_minimums(sample_master_path)
    assert len(minimums) == 7
    # 耕作面積 moves by 0.09 %: fitted to its data, the chart would show a collapse
    assert minimums["空知の耕作面積の維持"] == "0"
    assert set(minimums.values()) == {"0"}


def chart_min_column(ws) -> int | None:
    headers = [c.value for c in ws[1]]
    return headers.index("グラフの最小値") + 1 if "グラフの最小値" in headers else None


def merge_samples(master: Path, tmp_path: Path) -> None:
    returns = tmp_path / "回収"
    shutil.copytree(samples_dir() / "returns", returns)
    api.merge_paths([returns], master)


def test_a_kpi_may_set_where_its_axis_starts(sample_master_path, tmp_path):
    """Staff type グラフの最小値 into 評価指標, as staff type numbers, and merge."""
    wb = load_workbook(sample_master_path)
    ws = wb["評価指標"]
    column = chart_min_column(ws)
    assert column is not None  # a new master has the column, empty
    for row in range(2, ws.max_row + 1):
        assert ws.cell(row, column).value is None
        if ws.cell(row, 1).value == "K02":
            ws.cell(row, column, "110,000")  # read as 110000
    wb.save(sample_master_path)

    merge_samples(sample_master_path, tmp_path)

    minimums = axis_minimums(sample_master_path)
    assert minimums["空知の耕作面積の維持"] == "110000"
    assert {v for k, v in minimums.items() if k != "空知の耕作面積の維持"} == {"0"}


def test_a_master_made_before_the_column_existed_draws_from_zero(sample_master_path, tmp_path):
    wb = load_workbook(sample_master_path)
    ws = wb["評価指標"]
    ws.delete_cols(chart_min_column(ws))
    wb.save(sample_master_path)

    merge_samples(sample_master_path, tmp_path)

    assert set(axis_minimums(sample_master_path).values()) == {"0"}
