"""Cells edited in a sheet's XML as the file holds it (book/sheetdata.py) read back in openpyxl
as the same edits made through openpyxl's own cells."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from sorachi_etl.book import rowxml
from sorachi_etl.book.sheetdata import SheetXml, column_letter, column_number, dimension
from tests.conftest import libreoffice_convert

VALUES = [
    12,
    -3.25,
    1e-7,
    2_410_000,
    dt.date(2024, 9, 16),
    dt.datetime(2025, 5, 20, 9, 30),
    "岩見沢市",
    '=HYPERLINK("x")',
    "  前後に空白  ",
    "#N/A",
    "a<b & c>d",
    "改行\nあり",
    "x" * 40_000,
    "",
    None,
]


def source_book(path: Path) -> Path:
    """A sheet with values, styles, a formula, a comment and a note beside the table."""
    wb = Workbook()
    ws = wb.active
    ws.title = "データ"
    for c, h in enumerate(["ID", "名前", "値", "日付"], start=1):
        ws.cell(1, c, h).font = Font(bold=True)
    for r in range(2, 8):
        ws.cell(r, 1, f"K{r:02d}")
        ws.cell(r, 2, f"名前{r}")
        ws.cell(r, 3, r * 1000).number_format = "#,##0"
        ws.cell(r, 4, dt.date(2024, 4, r)).number_format = "yyyy/m/d"
    ws["C3"].fill = PatternFill("solid", fgColor="FFFF00")
    ws["F2"] = "担当メモ"
    ws["F4"] = "=C4*2"
    ws["B5"].comment = Comment("確認済み", "山田")
    ws.row_dimensions[6].hidden = True
    ws["H12"] = "表の下の注記"
    wb.save(path)
    return path


def edit(path: Path, out: Path, edits) -> None:
    """Open `path` as a merge does, make `edits(sheet_xml, styles)` and save to `out`."""
    removed = rowxml.RemovedCells()
    wb = rowxml.open_without_cells(path, ["データ"], removed=removed, rich_text=True)
    xml = SheetXml(removed.sheet_data["データ"], wb.epoch)
    edits(xml, wb)
    ws = wb["データ"]
    rowxml.replace_sheet_data(ws, xml.to_bytes(), dimension(removed.dimensions.get("データ"), xml))
    if removed.shared_strings is not None:
        rowxml.keep_shared_strings(wb, removed.shared_strings)
    with open(out, "wb") as fh:
        rowxml.save_with_rows(wb, fh)


def reference(path: Path, out: Path, edits) -> None:
    """The same edits through openpyxl's cells (value, style id)."""
    from copy import copy

    from sorachi_etl.book.xlsx import put

    wb = load_workbook(path, rich_text=True)
    ws = wb["データ"]
    for r, c, value, style in edits:
        cell = put(ws, r, c, value)
        cell._style = copy(wb._cell_styles[style])
    wb.save(out)


def cells(path: Path) -> dict:
    ws = load_workbook(path, rich_text=True)["データ"]
    return {
        c.coordinate: (c.value, c.data_type, c.number_format, repr(c.font), repr(c.fill))
        for row in ws.iter_rows()
        for c in row
        if c.value is not None or c.has_style
    } | {"comment": ws["B5"].comment.text, "hidden": ws.row_dimensions[6].hidden}


@pytest.mark.parametrize("value", VALUES, ids=[repr(v)[:20] for v in VALUES])
@pytest.mark.parametrize("where", [(3, 3), (3, 5), (9, 2), (12, 1), (20, 4)])
def test_a_cell_written_into_the_xml_reads_as_openpyxl_writes_it(tmp_path, value, where):
    """Into an existing cell, a gap in a row, a new row between rows, a row staff's note is
    on, and past every row; the cell's neighbours, styles and comment stay."""
    src = source_book(tmp_path / "src.xlsx")
    r, c = where
    style = 3  # a style the file has

    def edits(xml: SheetXml, wb) -> None:
        xml.set(xml.row(r), c, value, style)

    edit(src, tmp_path / "xml.xlsx", edits)
    reference(src, tmp_path / "ref.xlsx", [(r, c, value, style)])
    assert cells(tmp_path / "xml.xlsx") == cells(tmp_path / "ref.xlsx")


def test_rows_appended_past_the_end_read_back(tmp_path):
    src = source_book(tmp_path / "src.xlsx")

    def edits(xml: SheetXml, wb) -> None:
        for r in (13, 14, 15):
            cells_xml = b"".join(
                xml.cell_xml(f"{column_letter(c)}{r}", v, 0)
                for c, v in ((1, f"N{r}"), (3, r * 1.5), (4, dt.date(2025, 1, r)))
            )
            xml.append(r, b'<row r="%d">%s</row>' % (r, cells_xml), 4)
        with pytest.raises(ValueError):
            xml.append(14, b'<row r="14"/>', 1)

    edit(src, tmp_path / "xml.xlsx", edits)
    ws = load_workbook(tmp_path / "xml.xlsx")["データ"]
    assert [c.value for c in ws[15]][:4] == ["N15", None, 22.5, 45672]  # unstyled: a number
    assert ws["H12"].value == "表の下の注記" and ws.max_row == 15


def test_a_sheet_nothing_is_written_to_comes_back_byte_for_byte(tmp_path):
    src = source_book(tmp_path / "src.xlsx")
    edit(src, tmp_path / "xml.xlsx", lambda xml, wb: None)

    def sheet_data(path: Path) -> bytes:
        with zipfile.ZipFile(path) as z:
            part = next(n for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
            return re.search(rb"<sheetData.*</sheetData>", z.read(part), re.S).group(0)

    assert sheet_data(tmp_path / "xml.xlsx") == sheet_data(src)


def test_a_cleared_cell_keeps_its_look(tmp_path):
    src = source_book(tmp_path / "src.xlsx")
    style = load_workbook(src)["データ"]["C3"].style_id

    def edits(xml: SheetXml, wb) -> None:
        row = xml.row(3)
        xml.set(row, 3, None, row.style(3))

    edit(src, tmp_path / "xml.xlsx", edits)
    reference(src, tmp_path / "ref.xlsx", [(3, 3, None, style)])
    assert cells(tmp_path / "xml.xlsx") == cells(tmp_path / "ref.xlsx")
    assert load_workbook(tmp_path / "xml.xlsx")["データ"]["C3"].fill.fgColor.rgb == "00FFFF00"


def _package_with_sheet_data(path: Path, sheet_data: bytes) -> Path:
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    part = "xl/worksheets/sheet1.xml"
    parts[part] = re.sub(rb"<sheetData.*</sheetData>", sheet_data, parts[part], flags=re.S)
    with zipfile.ZipFile(path, "w") as z:
        for n, d in parts.items():
            z.writestr(n, d)
    return path


def test_rows_and_cells_without_references_are_placed_by_their_order(tmp_path):
    """r is optional in the XML: a row or cell without it follows the one before."""
    src = source_book(tmp_path / "src.xlsx")
    _package_with_sheet_data(
        src,
        b'<sheetData><row><c t="inlineStr"><is><t>a</t></is></c><c><v>1</v></c></row>'
        b'<row><c><v>2</v></c><c r="C2"><v>3</v></c><c><v>4</v></c></row></sheetData>',
    )

    def edits(xml: SheetXml, wb) -> None:
        xml.set(xml.row(2), 2, "新", 0)
        xml.set(xml.row(3), 1, "末尾", 0)

    edit(src, tmp_path / "xml.xlsx", edits)
    ws = load_workbook(tmp_path / "xml.xlsx")["データ"]
    assert [[c.value for c in row] for row in ws.iter_rows(max_row=3, max_col=4)] == [
        ["a", 1, None, None],
        [2, "新", 3, 4],
        ["末尾", None, None, None],
    ]


def test_a_shared_formula_is_written_out_before_its_cell_is_replaced(tmp_path):
    src = source_book(tmp_path / "src.xlsx")
    _package_with_sheet_data(
        src,
        b'<sheetData><row r="1"><c r="A1"><v>1</v></c><c r="B1"><f t="shared" ref="B1:B3" si="0">A1*2</f><v>2</v></c></row>'
        b'<row r="2"><c r="A2"><v>2</v></c><c r="B2"><f t="shared" si="0"/><v>4</v></c></row>'
        b'<row r="3"><c r="A3"><v>3</v></c><c r="B3"><f t="shared" si="0"/><v>6</v></c></row></sheetData>',
    )

    def edits(xml: SheetXml, wb) -> None:
        xml.set(xml.row(1), 2, 99, 0)

    edit(src, tmp_path / "xml.xlsx", edits)
    ws = load_workbook(tmp_path / "xml.xlsx")["データ"]
    assert [ws["B1"].value, ws["B2"].value, ws["B3"].value] == [99, "=A2*2", "=A3*2"]


def test_a_master_saved_by_libreoffice_keeps_its_shared_strings(tmp_path):
    """LibreOffice (as Excel) keeps text in a shared table the cells refer to by number."""
    src = libreoffice_convert(source_book(tmp_path / "src.xlsx"), tmp_path / "lo", "xlsx")
    with zipfile.ZipFile(src) as z:
        assert any(b't="s"' in z.read(n) for n in z.namelist() if "worksheets/sheet" in n)

    def edits(xml: SheetXml, wb) -> None:
        xml.set(xml.row(2), 2, "書き換え", 0)
        xml.set(xml.row(20), 1, "追加", 0)

    edit(src, tmp_path / "xml.xlsx", edits)
    before = cells(src)
    after = cells(tmp_path / "xml.xlsx")
    assert after.pop("B2")[0] == "書き換え" and after.pop("A20")[0] == "追加"
    before.pop("B2")
    assert after == before
    converted = libreoffice_convert(tmp_path / "xml.xlsx", tmp_path / "lo2", "xlsx")
    assert load_workbook(converted)["データ"]["B7"].value == "名前7"


def test_column_letters_round_trip():
    for c in (1, 26, 27, 52, 702, 703, 16384):
        assert column_number(column_letter(c)) == c


def test_rows_out_of_order_are_refused_before_anything_is_written():
    xml = SheetXml(b'<sheetData><row r="3"/><row r="2"/></sheetData>', dt.datetime(1899, 12, 30))
    with pytest.raises(ValueError):
        xml.row(5)
    assert SheetXml(b"<sheetData/>", None).to_bytes() == b"<sheetData></sheetData>"
    assert io  # used by the helpers above through rowxml
