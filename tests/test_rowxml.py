"""Rows written as XML beside openpyxl (sorachi_etl.rowxml) read back as put() would have written them."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sorachi_etl import api, rowxml
from sorachi_etl.resources import samples_dir
from sorachi_etl.write import new_workbook, put, save_atomic


def cells(path: Path) -> dict[str, dict[str, object]]:
    """Every cell with its value, type and style, and the sheet settings, per sheet."""
    wb = load_workbook(path, rich_text=True)
    out = {}
    for ws in wb.worksheets:
        d: dict[str, object] = {
            "dimension": ws.dimensions,
            "freeze": ws.freeze_panes,
            "filter": ws.auto_filter.ref,
            "merged": sorted(str(m) for m in ws.merged_cells.ranges),
            "widths": {k: v.width for k, v in ws.column_dimensions.items()},
            "heights": {k: v.height for k, v in ws.row_dimensions.items() if v.height},
        }
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None or c.has_style:
                    d[c.coordinate] = (
                        c.value,
                        c.data_type,
                        c.number_format,
                        repr(c.font),
                        repr(c.fill),
                        repr(c.border),
                        repr(c.alignment),
                    )
        out[ws.title] = d
    with zipfile.ZipFile(path) as z:  # the <dimension> tags as written, read by some readers
        out["dimension tags"] = {
            n: re.findall(rb"<dimension [^>]*>", z.read(n))
            for n in z.namelist()
            if n.startswith("xl/worksheets/sheet")
        }
    return out


@pytest.fixture
def slow(monkeypatch):
    """Write every cell through put() and open masters whole: the reference."""

    def use():
        monkeypatch.setattr(rowxml, "defer_rows", rowxml._put_rows)
        monkeypatch.setattr(
            rowxml, "open_without_cells", lambda path, names, **kw: load_workbook(path, **kw)
        )

    return use


def test_merged_master_reads_back_the_same(sample_master_path, tmp_path, slow):
    returns = samples_dir() / "returns"
    now = dt.datetime(2025, 6, 1, 9, 0)
    fast = sample_master_path
    reference = tmp_path / "reference" / "master.xlsx"
    reference.parent.mkdir()
    shutil.copy(fast, reference)
    for _ in range(2):  # the second merge appends to a log that is read back
        api.merge_paths([returns], fast, now=now)
    slow()
    for _ in range(2):
        api.merge_paths([returns], reference, now=now)
    assert cells(fast) == cells(reference)


ODD = [
    '=HYPERLINK("x")',  # text that looks like a formula stays text
    "#N/A",  # openpyxl takes this for an error value
    "",
    "  spaced <&> ",
    "x" * 40_000,  # cut to Excel's 32,767
    12345678901234567,
    0.1 + 0.2,
    -3,
    dt.date(2024, 9, 16),
    dt.datetime(2024, 9, 16, 13, 5, 7),
]


def odd_workbook(path: Path, write) -> bool:
    """A sheet of the odd values in two columns with number formats, then a row after a gap.

    Returns whether rows were left for the save to splice in.
    """
    wb = new_workbook()
    ws = wb.create_sheet("data")
    put(ws, 1, 1, "header")
    rows = [
        [(v, "yyyy/m/d" if isinstance(v, dt.date) else None), (None, None), (v, "#,##0")]
        for v in ODD
    ]
    write(ws, 2, rows)
    write(ws, 2 + len(rows) + 1, [[("after a gap", None)]])
    deferred = rowxml.has_pending(wb)
    save_atomic(wb, path, make_backup=False)
    return deferred


def test_odd_values_read_back_as_put_wrote_them(tmp_path):
    assert odd_workbook(tmp_path / "fast.xlsx", rowxml.defer_rows)
    assert not odd_workbook(tmp_path / "reference.xlsx", rowxml._put_rows)
    assert cells(tmp_path / "fast.xlsx") == cells(tmp_path / "reference.xlsx")


def test_a_value_of_another_type_falls_back_to_put(tmp_path):
    wb = new_workbook()
    ws = wb.create_sheet("data")
    rowxml.defer_rows(ws, 1, [[(True, None), (dt.time(9, 30), None)]])
    assert not rowxml.has_pending(wb)
    assert ws["A1"].value is True


def test_rows_must_come_after_the_sheet_s_own(tmp_path):
    wb = new_workbook()
    ws = wb.create_sheet("data")
    put(ws, 3, 1, "x")
    with pytest.raises(ValueError):
        rowxml.defer_rows(ws, 2, [[("y", None)]])
