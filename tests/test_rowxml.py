"""Rows written as XML beside openpyxl (sorachi_etl.book.rowxml) read back as put() would have written them."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sorachi_etl import api
from sorachi_etl.book import rowxml
from sorachi_etl.book.master_write import save_atomic
from sorachi_etl.book.xlsx import new_workbook, put
from sorachi_etl.model.resources import samples_dir


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
            rowxml,
            "open_without_cells",
            lambda path, names, removed=None, **kw: load_workbook(path, **kw),
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


# --- styled rows and row heights (提出状況) ----------------------------------------------


def status_report():
    """Reporters in every state, with the values 提出状況 shows and the odd ones."""
    from sorachi_etl.kpi.status import ReporterStatus, StatusReport

    received = dt.datetime(2025, 5, 20, 14, 3)
    return StatusReport(
        year=2024,
        deadline=dt.date(2025, 5, 30),
        rows=[
            ReporterStatus("桜岡町", "受付済", "R6_桜岡町_調査票.xlsx", received),
            ReporterStatus(
                "中崎村",
                "受付済",
                "R6_中崎村.xlsx",
                received,
                pending=["観光入込客数", "宿泊者数"],
                missing=["移住者数"],
            ),
            ReporterStatus(
                "赤谷町",
                "要修正",
                '=HYPERLINK("x").xlsx',
                received,
                note="=SUM(A1) 数値の欄に文字が入っています。" * 3,  # wraps: a taller row
            ),
            ReporterStatus("梅台町", "未提出", note="連絡先 <担当> & 係"),
            ReporterStatus("青台町", "未提出"),
        ],
    )


def submissions_workbook(path: Path) -> None:
    from sorachi_etl.book.submissions import write_submissions

    wb = new_workbook()
    write_submissions(wb, status_report())
    save_atomic(wb, path, make_backup=False)


def test_submissions_sheet_looks_as_put_and_the_style_setters_made_it(tmp_path, slow):
    submissions_workbook(tmp_path / "fast.xlsx")
    slow()
    submissions_workbook(tmp_path / "reference.xlsx")
    fast = cells(tmp_path / "fast.xlsx")
    assert fast == cells(tmp_path / "reference.xlsx")

    # and what a clerk sees, cell by cell
    ws = load_workbook(tmp_path / "fast.xlsx")["提出状況"]
    assert ws.freeze_panes == "B5"
    assert ws.auto_filter.ref == "A4:G9"
    assert ws.print_title_rows == "$4:$4"
    for r in range(5, 10):
        for c in range(1, 8):
            cell = ws.cell(r, c)
            assert cell.border.left.style == cell.border.bottom.style == "thin", cell.coordinate
            assert cell.border.top.color.rgb == "00BFBFBF", cell.coordinate
            assert cell.alignment.vertical == "top", cell.coordinate
            assert cell.alignment.wrap_text is (True if c == 7 else None), cell.coordinate
    assert [ws.cell(r, 2).fill.fgColor.rgb for r in range(5, 10)] == [
        "00E2EFDA",
        "00E2EFDA",
        "00FFC7CE",
        "00FFEB9C",
        "00FFEB9C",
    ]
    assert ws["A5"].fill.fill_type is None
    assert ws["C5"].value == dt.datetime(2025, 5, 20, 14, 3)
    assert ws["C5"].number_format == "yyyy/m/d h:mm"
    assert ws["C8"].value is None and ws["C8"].has_style
    assert ws["E6"].value == "観光入込客数、宿泊者数"
    assert ws["D7"].data_type == "s" and ws["D7"].value == '=HYPERLINK("x").xlsx'
    assert ws["G7"].data_type == "s" and ws["G7"].value.startswith("=SUM(A1)")
    assert ws["G8"].value == "連絡先 <担当> & 係"
    note = status_report().rows[2].note
    assert {r: d.height for r, d in ws.row_dimensions.items() if d.height} == {
        7: 15 * (1 + len(note) // 34),
        8: 15,
    }


def styles():
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="808080")
    return [
        None,
        rowxml.Style(),
        rowxml.Style(font=Font(name="游ゴシック", bold=True, color="9C0006")),
        rowxml.Style(fill=PatternFill("solid", fgColor="C6EFCE")),
        rowxml.Style(border=Border(left=thin, bottom=thin)),
        rowxml.Style(alignment=Alignment(wrap_text=True, vertical="top")),
        rowxml.Style(
            font=Font(italic=True),
            fill=PatternFill("solid", fgColor="FFEB9C"),
            border=Border(top=thin),
            alignment=Alignment(horizontal="right"),
        ),
    ]


def styled_workbook(path: Path, write) -> bool:
    """The odd values in every style (and empty styled cells), with row heights.

    Returns whether rows were left for the save to splice in.
    """
    wb = new_workbook()
    ws = wb.create_sheet("data")
    put(ws, 1, 1, "header")
    looks = styles()
    rows = [
        [(v, "yyyy/m/d" if isinstance(v, dt.date) else None, look) for look in looks]
        + [(None, None, look) for look in looks]
        + [(None, "#,##0", look) for look in looks]
        for v in ODD
    ]
    rows.append([])  # a row with a height only
    heights = {2: 30, 4: 45.5, 2 + len(ODD): 20}
    write(ws, 2, rows, heights=heights)
    write(ws, 2 + len(rows) + 1, [[("after", None, looks[3])]], heights={3 + len(rows): 0})
    deferred = rowxml.has_pending(wb)
    save_atomic(wb, path, make_backup=False)
    return deferred


def test_styled_cells_and_heights_read_back_as_put_wrote_them(tmp_path):
    assert styled_workbook(tmp_path / "fast.xlsx", rowxml.defer_rows)
    assert not styled_workbook(tmp_path / "reference.xlsx", rowxml._put_rows)
    fast, reference = cells(tmp_path / "fast.xlsx"), cells(tmp_path / "reference.xlsx")
    assert fast == reference
    assert fast["data"]["heights"] == {2: 30, 4: 45.5, 12: 20}


def test_the_same_look_is_one_style(tmp_path):
    from openpyxl.styles import PatternFill

    wb = new_workbook()
    ws = wb.create_sheet("data")
    # equal, not the same objects: one probe, one cell format
    rowxml.defer_rows(
        ws,
        1,
        [
            [("x", None, rowxml.Style(fill=PatternFill("solid", fgColor="C6EFCE")))]
            for _ in range(5)
        ],
    )
    assert len(rowxml._styles(wb)) == 1
    assert len(set(re.findall(r' s="\d+"', "".join(rowxml._pending(ws).rows)))) == 1


def test_a_styled_batch_that_falls_back_keeps_its_look(tmp_path):
    from openpyxl.styles import PatternFill

    wb = new_workbook()
    ws = wb.create_sheet("data")
    look = rowxml.Style(fill=PatternFill("solid", fgColor="C6EFCE"))
    rowxml.defer_rows(ws, 1, [[("x", None, look), (True, None, look)]], heights={1: 40})
    assert not rowxml.has_pending(wb)
    assert ws["A1"].fill.fgColor.rgb == ws["B1"].fill.fgColor.rgb == "00C6EFCE"
    assert ws.row_dimensions[1].height == 40


def test_heights_must_be_for_rows_of_the_batch():
    wb = new_workbook()
    ws = wb.create_sheet("data")
    with pytest.raises(ValueError):
        rowxml.defer_rows(ws, 2, [[("y", None)]], heights={5: 30})


def test_the_saved_package_is_compressed_once_and_whole(tmp_path):
    path = tmp_path / "fast.xlsx"
    odd_workbook(path, rowxml.defer_rows)
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        assert {i.compress_type for i in z.infolist()} == {zipfile.ZIP_DEFLATED}
        sheet = z.read("xl/worksheets/sheet1.xml")
    assert sheet.count(b"<sheetData>") == sheet.count(b"</sheetData>") == 1
    assert load_workbook(path)["data"]["A2"].value == '=HYPERLINK("x")'
