"""The openpyxl helpers every workbook writer shares: put, fonts, header style, A4 print.

Every cell goes through `put()`, which stores text as text: openpyxl would
write a string starting with "=" as a formula, so a clerk's "=HYPERLINK(…)"
must be forced to a string cell.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sorachi_etl.model.text import xml_safe

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

HEADER_FILL = "DDEBF7"
# The Japanese Office default; LibreOffice substitutes its own Japanese sans.
FONT_NAME = "游ゴシック"
DATE_FORMAT = "yyyy/m/d"
DATETIME_FORMAT = "yyyy/m/d h:mm"


def put(ws: Worksheet, row: int, col: int, value: Any, number_format: str | None = None) -> Cell:
    """Write one value; text stays text even when it looks like a formula.

    Text loses the characters XML 1.0 forbids (`xml_safe`): openpyxl refuses
    some of them and writes others (U+FFFF) into a file nothing can open.
    """
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        cell.value = xml_safe(value)[0]
        if cell.data_type == "f":
            cell.data_type = "s"
    else:
        cell.value = value
    if number_format:
        cell.number_format = number_format
    return cell


def style_header(ws: Worksheet, row: int, ncols: int) -> None:
    """Bold, filled, wrapped header cells in columns 1..ncols of `row`."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="8EA9DB")
    font, fill = Font(name=FONT_NAME, bold=True), PatternFill("solid", fgColor=HEADER_FILL)
    alignment, border = Alignment(vertical="center", wrap_text=True), Border(bottom=thin)
    for c in range(1, ncols + 1):
        cell = ws.cell(row=row, column=c)
        cell.font, cell.fill, cell.alignment, cell.border = font, fill, alignment, border


def fresh_sheet(wb: Workbook, name: str, index: int | None = None) -> Worksheet:
    """An empty sheet called `name` in the place of the old one, keeping its column widths,
    and its being hidden and tab colour (staff hide a sheet they do not use)."""
    widths: dict[str, float] = {}
    state, tab = "visible", None
    if name in wb.sheetnames:
        old = wb[name]
        index = wb.sheetnames.index(name)
        widths = {k: d.width for k, d in old.column_dimensions.items() if d.width}
        state, tab = old.sheet_state, old.sheet_properties.tabColor
        wb.remove(old)
    ws = wb.create_sheet(name, index)
    for key, width in widths.items():
        ws.column_dimensions[key].width = width
    ws.sheet_properties.tabColor = tab
    if state != "visible":
        ws.sheet_state = state
        if wb.active is ws or wb.active is None:  # Excel must open on a sheet it can show
            shown = [i for i, w in enumerate(wb.worksheets) if w.sheet_state == "visible"]
            if shown:
                wb.active = shown[0]
    return ws


def print_a4(ws: Worksheet, *, landscape: bool = True, title_rows: str | None = None) -> None:
    """A4, one page wide (as many pages down as needed), title rows on every page."""
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    if title_rows:
        ws.print_title_rows = title_rows


def new_workbook() -> Workbook:
    """An openpyxl workbook without the default empty sheet."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    return wb
