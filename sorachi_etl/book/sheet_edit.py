"""Cell edits of one data sheet of the master, and the styles they take.

`master_update` decides which cells of a data sheet change; this module makes
the change, one of two ways: in the sheet's XML as the file holds it
(`XmlEditor`, over sheetdata.SheetXml: what a merge uses), or through
openpyxl's cells (`OpenpyxlEditor`: for a sheet whose XML sheetdata does not
read, and the reference the tests hold the XML way to). Both give a written
cell the style it had (or its row's, its column's), with the tool's number
format for the value unless staff chose another (`Styles.for_value`); rows
appended below a table take the look of the row above, and the ranges that
ended at that row (conditional formats, validations, the filter, Excel
tables, the print area) are extended over them (`extend_ranges`).
"""

from __future__ import annotations

from copy import copy
from typing import TYPE_CHECKING, Any

from sorachi_etl.book import rowxml
from sorachi_etl.book.rowxml import value_tail
from sorachi_etl.book.sheetdata import SheetXml, column_letter, dimension
from sorachi_etl.book.xlsx import DATE_FORMAT, DATETIME_FORMAT, put

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

# The number formats the tool itself gives its cells: a cell in one of these gets the
# tool's format for its new value; any other format was chosen by staff and stays.
_TOOL_FORMATS = frozenset({"General", "#,##0", DATE_FORMAT, DATETIME_FORMAT})
_DATE_FORMATS = frozenset({DATE_FORMAT, DATETIME_FORMAT})


# --- styles -------------------------------------------------------------------------


class Styles:
    """The workbook's cell styles by id, and the ids of a style with another number format."""

    def __init__(self, wb: Workbook) -> None:
        from openpyxl.worksheet.worksheet import Worksheet

        self.wb = wb
        self._probe = Worksheet(wb, title="probe")  # not part of the workbook
        self._formats: dict[int, str] = {}
        self._derived: dict[tuple[int, str], int] = {}

    def _cell(self, style: int) -> Any:
        from openpyxl.cell.cell import Cell

        styles = self.wb._cell_styles
        array = styles[style] if 0 <= style < len(styles) else styles[0]  # a bad id: the default
        return Cell(self._probe, row=1, column=1, style_array=copy(array))

    def number_format(self, style: int) -> str:
        fmt = self._formats.get(style)
        if fmt is None:
            fmt = self._formats[style] = self._cell(style).number_format
        return fmt

    def with_format(self, style: int, fmt: str) -> int:
        """The id of style `style` with number format `fmt` (added to the workbook if new)."""
        key = (style, fmt)
        found = self._derived.get(key)
        if found is None:
            cell = self._cell(style)
            cell.number_format = fmt
            found = self._derived[key] = cell.style_id
        return found

    def for_value(self, base: int, value: Any, fmt: str | None) -> int:
        """The style a value the tool writes gets in a cell of style `base`.

        The tool's number format for the value (`fmt`; None: General) when the
        cell has one of the tool's formats, or none that shows a date as one;
        otherwise the cell's own format, which staff chose.
        """
        if value is None:
            return base
        want = fmt or "General"
        current = self.number_format(base)
        if current == want:
            return base
        if current in _TOOL_FORMATS or (want in _DATE_FORMATS and not _is_date_format(current)):
            return self.with_format(base, want)
        return base


def _is_date_format(fmt: str) -> bool:
    from openpyxl.styles.numbers import is_date_format

    return is_date_format(fmt)


# --- the two ways of editing a sheet --------------------------------------------------


class Editor:
    """Cell edits of one sheet: the interface `_update_table` writes through."""

    def style(self, row: int, col: int) -> int:
        """The style a value written into the cell takes: its own, or its row's, column's."""
        raise NotImplementedError

    def set(self, row: int, col: int, value: Any, style: int) -> None:
        raise NotImplementedError

    def append(
        self,
        last: int,
        header: int,
        rows: list[list[tuple[Any, str | None]]],
        order: dict[int, int],
        styles: Styles,
    ) -> None:
        """Write `rows` below row `last`, as the rows above look.

        Each row is a list of (value, number format); `order` maps each column
        of the sheet to write to the index of its cell in a row.

        Every styled cell of row `last` (when it is below the header row
        `header`) lends its style to the cells below it, staff's columns
        included; ranges that end at row `last` are extended over the new rows.
        """
        raise NotImplementedError

    def finish(self) -> None:
        """Hand the edits to the workbook for saving."""


class XmlEditor(Editor):
    """Edits made in the sheet's <sheetData> as the file holds it (sheetdata.SheetXml)."""

    def __init__(
        self, ws: Worksheet, xml: SheetXml, removed: rowxml.RemovedCells, name: str
    ) -> None:
        self.ws = ws
        self.xml = xml
        self.original_dimension = removed.dimensions.get(name)
        self.root = removed.roots.get(name)
        self._column_styles: dict[int, int] | None = None

    def _column_style(self, col: int) -> int:
        if self._column_styles is None:
            self._column_styles = _column_styles(self.ws)
        return self._column_styles.get(col, 0)

    def style(self, row: int, col: int) -> int:
        opened = self.xml.row(row)  # opened once: the cell is written next
        own = opened.style(col)
        if own is not None:
            return own
        row_style = opened.row_style()
        return row_style if row_style is not None else self._column_style(col)

    def set(self, row: int, col: int, value: Any, style: int) -> None:
        self.xml.set(self.xml.row(row), col, value, style)

    def append(self, last, header, rows, order, styles) -> None:
        template = self.xml.existing_row(last) if last > header else None
        lend = {c: template.style(c) or 0 for c in template.cells} if template else {}
        row_attrs = ""
        if template is not None and template.row_style() is not None:
            row_attrs = f' s="{template.row_style()}" customFormat="1"'
        bases = {c: lend.get(c, self._column_style(c)) for c in order}
        staff = {c: s for c, s in lend.items() if c not in bases and s}
        on_existing = max(0, min(len(rows), self.xml.last_row() - last))
        for k in range(on_existing):  # rows staff's notes already use: cells merged in
            self._merge_into_row(last + 1 + k, rows[k], order, bases, staff, styles)
        fresh = rows[on_existing:]
        if fresh:
            first = last + on_existing + 1
            xml = self._rows_xml(first, fresh, order, bases, staff, row_attrs, styles)
            self.xml.append_rows(first, first + len(fresh) - 1, xml, max([*bases, *staff]))
        if last > header:
            extend_ranges(self.ws, last, last + len(rows))

    def _merge_into_row(self, r, cells, order, bases, staff, styles) -> None:
        opened = self.xml.row(r)
        for c, i in order.items():
            value, fmt = cells[i]
            own = opened.style(c)
            if value is None and own is None and not bases[c]:
                continue
            base = own if own is not None else bases[c]
            self.xml.set(opened, c, value, styles.for_value(base, value, fmt))
        for c, s in staff.items():
            if opened.style(c) is None:
                self.xml.set(opened, c, None, s)

    def _rows_xml(self, first, rows, order, bases, staff, row_attrs, styles) -> bytes:
        """New <row> elements for `rows` from row `first` on (7,000 rows with 1,741 reporters).

        Every row has the same columns, so the order of its cells (the tool's
        and the styled empty ones lent to staff's columns) is worked out once,
        and so is the element of each value that repeats in a column (the
        reporter, the year, the status, the time of the import).
        """
        plan = sorted([(c, i) for c, i in order.items()] + [(c, -1) for c in staff])
        heads = {c: f'<c r="{column_letter(c)}' for c, _ in plan}
        tails: dict[tuple[int, type, Any], str | None] = {}
        epoch = self.ws.parent.epoch
        out = []
        r = first - 1
        for cells in rows:
            r += 1
            rs = str(r)
            parts = []
            for c, i in plan:
                if i < 0:
                    parts.append(f'{heads[c]}{rs}" s="{staff[c]}"/>')
                    continue
                value, fmt = cells[i]
                key = (i, value.__class__, value)
                try:
                    tail = tails[key]
                except KeyError:
                    tail = self._tail(value, fmt, bases[c], styles, epoch)
                    if len(tails) < 100_000:
                        tails[key] = tail
                if tail is not None:
                    parts.append(f"{heads[c]}{rs}{tail}")
            out.append(f'<row r="{rs}"{row_attrs}>{"".join(parts)}</row>')
        return "".join(out).encode("utf-8")

    @staticmethod
    def _tail(value: Any, fmt: str | None, base: int, styles: Styles, epoch: Any) -> str | None:
        """What follows r="A1" in a new cell of `value` in a column of style `base`."""
        if value is None:
            return f'" s="{base}"/>' if base else None
        style = styles.for_value(base, value, fmt)
        return '"' + (f' s="{style}"' if style else "") + value_tail(value, epoch)

    def finish(self) -> None:
        if self.xml.max_row or self.xml.max_col:
            dim = dimension(self.original_dimension, self.xml)
        else:
            dim = self.original_dimension
        rowxml.replace_sheet_data(self.ws, self.xml.to_bytes(), dim, self.root)


class OpenpyxlEditor(Editor):
    """The same edits through openpyxl's cells, for a sheet openpyxl loaded whole."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws

    def style(self, row: int, col: int) -> int:
        cell = self.ws._cells.get((row, col))
        if cell is not None:
            return cell.style_id
        dim = self.ws.row_dimensions.get(row) if row in self.ws.row_dimensions else None
        if dim is not None and dim.customFormat:
            return dim.style_id
        return _column_styles(self.ws).get(col, 0)

    def set(self, row: int, col: int, value: Any, style: int) -> None:
        cell = put(self.ws, row, col, value)
        cell._style = copy(self.ws.parent._cell_styles[style])

    def append(self, last, header, rows, order, styles) -> None:
        lend = {}
        if last > header:
            lend = {
                c: cell.style_id
                for (r, c), cell in self.ws._cells.items()
                if r == last and cell.has_style
            }
        columns = _column_styles(self.ws)
        r = last
        for cells in rows:
            r += 1
            for c, i in order.items():
                value, fmt = cells[i]
                own = self.ws._cells.get((r, c))
                base = own.style_id if own is not None else lend.get(c, columns.get(c, 0))
                if value is not None or base or own is not None:
                    self.set(r, c, value, styles.for_value(base, value, fmt))
            for c, s in lend.items():
                if c not in order and s and (r, c) not in self.ws._cells:
                    self.set(r, c, None, s)
        if last > header:
            extend_ranges(self.ws, last, r)


def _column_styles(ws: Worksheet) -> dict[int, int]:
    """Column -> the style staff gave the whole column (columns without one are left out)."""
    from openpyxl.utils import column_index_from_string

    out = {}
    for key, dim in ws.column_dimensions.items():
        if not dim.has_style:
            continue
        first = dim.min or column_index_from_string(key)
        for c in range(first, (dim.max or first) + 1):
            out[c] = dim.style_id
    return out


# --- ranges that cover the table ------------------------------------------------------


def extend_ranges(ws: Worksheet, last: int, new_last: int) -> None:
    """Grow every range of `ws` that ends at row `last` down to `new_last`.

    Conditional formats, data validations, the autofilter, Excel tables and
    the print area that cover the table down to its last row go on covering
    it: the rows appended below take their formats and rules, as Excel does
    for a table typed into.
    """
    from openpyxl.formatting.formatting import ConditionalFormatting, ConditionalFormattingList
    from openpyxl.worksheet.cell_range import CellRange, MultiCellRange

    if new_last <= last:
        return

    def grown(ref: str) -> str:
        out = []
        for part in str(ref).split():
            cr = CellRange(part)
            if cr.max_row == last and cr.min_row <= last:
                cr = CellRange(
                    min_col=cr.min_col, min_row=cr.min_row, max_col=cr.max_col, max_row=new_last
                )
            out.append(cr.coord)
        return " ".join(out)

    cf = ConditionalFormattingList()
    changed = False
    for entry in ws.conditional_formatting:
        ref = grown(entry.sqref)
        changed = changed or ref != str(entry.sqref)
        for rule in entry.rules:
            cf.add(ConditionalFormatting(sqref=ref), rule)
    if changed:
        ws.conditional_formatting = cf
    for dv in ws.data_validations.dataValidation:
        dv.sqref = MultiCellRange(grown(dv.sqref))
    if ws.auto_filter.ref:
        ws.auto_filter.ref = grown(ws.auto_filter.ref)
    for table in ws.tables.values():
        if not table.totalsRowCount:
            table.ref = grown(table.ref)
            if table.autoFilter is not None and table.autoFilter.ref:
                table.autoFilter.ref = grown(table.autoFilter.ref)
    area = ws.print_area
    if area:
        refs = [part.rpartition("!")[2].replace("$", "") for part in area.split(",")]
        longer = [grown(ref) for ref in refs]
        if longer != refs:
            ws.print_area = longer
