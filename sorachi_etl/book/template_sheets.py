"""Filling the base template's sheets, each part found by its text, never by its place.

The survey workbook (book/template.py) is the base template with these filled in:
{名前} placeholders in any cell, blocks of lines where a cell holds only {名前},
label | value forms (基本情報, _meta), and the Excel tables (調査実績, 取組) resized
to their rows, styled like their first row. Input cells are unlocked and carry the
data validation of their column rule; every sheet is protected without a password.
"""

from __future__ import annotations

import re
from copy import copy
from typing import TYPE_CHECKING, Any

from sorachi_etl.book.validation_rules import column_validation
from sorachi_etl.book.xlsx import put
from sorachi_etl.model import domain
from sorachi_etl.model.cells import col_letter
from sorachi_etl.model.eras import format_fiscal_year
from sorachi_etl.model.errors import UsageError
from sorachi_etl.model.names import TEMPLATE_VERSION
from sorachi_etl.model.rules import ColumnRule, SheetRule, find_header_row, fold_header

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

_PLACEHOLDER = re.compile(r"\{([^{}\s]+)\}")
# Where the project names for the プロジェクト list live in _meta.
META_PROJECTS = "projects"


def fill_placeholders(wb: Workbook, values: dict[str, str]) -> None:
    """Replace {名前} in every text cell; unknown names are left as they are."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and "{" in cell.value:
                    text = _PLACEHOLDER.sub(lambda m: values.get(m[1], m[0]), cell.value)
                    if text != cell.value:
                        put(ws, cell.row, cell.column, text)


def expand_blocks(ws: Worksheet, blocks: dict[str, list[tuple[str, str]]]) -> None:
    """A cell holding only {名前} of `blocks` becomes one row per (label, text) pair.

    The label goes in the cell to the left of the marker, the text in the
    marker's cell; later rows move down.
    """
    for name, lines in blocks.items():
        marker = next(
            (
                c
                for row in ws.iter_rows()
                for c in row
                if isinstance(c.value, str) and c.value.strip() == f"{{{name}}}"
            ),
            None,
        )
        if marker is None:
            continue
        r, c = marker.row, marker.column
        if len(lines) > 1:
            _insert_rows(ws, r + 1, len(lines) - 1)
        text_width = ws.column_dimensions[col_letter(c - 1)].width or 8.43
        for i, (label, text) in enumerate(lines):
            for col, value in ((c - 1, label), (c, text)):
                if col < 1:
                    continue
                cell = put(ws, r + i, col, value)
                cell._style = copy(ws.cell(row=r, column=col)._style)
            ws.row_dimensions[r + i].height = _text_height(text, text_width)
        if not lines:
            put(ws, r, c, "—")


def fit_rows(ws: Worksheet) -> None:
    """Give rows of wrapped text a height that shows all of it (rows with a set height are kept)."""
    heights: dict[int, float] = {}
    for row in ws.iter_rows():
        for cell in row:
            if (
                isinstance(cell.value, str)
                and cell.alignment.wrap_text
                and not ws.row_dimensions[cell.row].height
                and cell.coordinate not in ws.merged_cells
            ):
                width = ws.column_dimensions[col_letter(cell.column - 1)].width or 8.43
                height = _text_height(cell.value, width, cell.font.sz or 11)
                heights[cell.row] = max(heights.get(cell.row, 0), height)
    for r, height in heights.items():
        ws.row_dimensions[r].height = height


def _insert_rows(ws: Worksheet, idx: int, amount: int) -> None:
    """openpyxl's insert_rows, also moving row heights and merged cells below."""
    heights = {r: d.height for r, d in ws.row_dimensions.items() if r >= idx and d.height}
    ws.insert_rows(idx, amount)
    for r in heights:
        ws.row_dimensions[r].height = None
    for r, h in heights.items():
        ws.row_dimensions[r + amount].height = h
    for merged in ws.merged_cells.ranges:
        if merged.min_row >= idx:
            merged.shift(0, amount)


def _text_height(text: str, width: float, size: float = 10.5) -> float:
    """Row height (points) for wrapped text: Excel does not grow rows written by a program."""
    import unicodedata

    units = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    per_line = max(1.0, width * 11 / size - 1)
    lines = max(1, -(-units // int(per_line)))
    return round(lines * size * 1.3 + 5, 1)


def write_meta(
    ws: Worksheet,
    rule: SheetRule,
    year: int,
    reporter: str,
    measures: list[domain.Measure],
    projects: list[str],
) -> str:
    """Fill _meta (key | value) and the project list; returns the list's range reference."""
    values = {
        "template_version": TEMPLATE_VERSION,
        "year": format_fiscal_year(year),
        "reporter": reporter,
        "measures": ",".join(m.id for m in measures),
    }
    cells = _label_cells(ws, rule)
    next_row = ws.max_row + 1
    for col in rule.columns:
        if col.key not in cells:  # a row staff removed: put it back at the end
            put(ws, next_row, 1, col.header)
            cells[col.key] = (next_row, 2)
            next_row += 1
        r, c = cells[col.key]
        put(ws, r, c, values[col.key])
    head = next(
        (cell for row in ws.iter_rows() for cell in row if cell.value == META_PROJECTS), None
    )
    r0, c = (head.row, head.column) if head else (1, 4)
    if head is None:
        put(ws, 1, 4, META_PROJECTS)
    for i, name in enumerate(projects or ["—"], start=1):
        put(ws, r0 + i, c, name)
    letter = col_letter(c - 1)
    ws.sheet_state = "hidden"
    return f"'{ws.title}'!${letter}${r0 + 1}:${letter}${r0 + max(len(projects), 1)}"


def _label_cells(ws: Worksheet, rule: SheetRule) -> dict[str, tuple[int, int]]:
    """Rule key -> (row, column) of the value cell right of its label, 1-based."""
    labels = {}
    for col in rule.columns:
        for label in (col.header, *col.aliases):
            labels.setdefault(fold_header(label), col.key)
    found: dict[str, tuple[int, int]] = {}
    for row in ws.iter_rows(max_col=min(ws.max_column, 6)):
        for cell in row:
            key = labels.get(fold_header(cell.value)) if isinstance(cell.value, str) else None
            if key and key not in found:
                found[key] = (cell.row, cell.column + 1)
    return found


def fill_keyvalue(
    ws: Worksheet, rule: SheetRule, values: dict[str, Any], context: dict[str, Any]
) -> None:
    """A label | value form: fill, lock and validate the value cells by the rule."""
    from openpyxl.styles import Protection

    cells = _label_cells(ws, rule)
    missing = [c.header for c in rule.columns if c.key not in cells]
    if missing:
        raise UsageError("base_template_missing_items", sheet=rule.name, items="」「".join(missing))
    for col in rule.columns:
        r, c = cells[col.key]
        cell = put(ws, r, c, values.get(col.key))
        cell.protection = Protection(locked=not col.input)
        if col.input:
            validation = column_validation(col, context)
            if validation is not None:
                validation.add(cell.coordinate)
                ws.add_data_validation(validation)
    first = next((cells[c.key] for c in rule.columns if c.input), None)
    if first:
        _select(ws, f"{col_letter(first[1] - 1)}{first[0]}")


def fill_table(
    ws: Worksheet,
    rule: SheetRule,
    rows: list[dict[str, Any]],
    context: dict[str, Any],
    formats: dict[str, list[str]] | None = None,
    limits: dict[str, list[float | None]] | None = None,
) -> None:
    """Write rows under the header of the sheet's Excel table, styled like its first data row.

    The header is found by its texts; the table is resized to the rows written;
    input columns are unlocked and validated by the rule (`limits` adds a
    per-row maximum, e.g. a measure's upper bound).
    """
    from openpyxl.utils import range_boundaries

    header, columns = _header_columns(ws, rule)
    table = _table_at(ws, rule, header, columns)
    min_col, _, max_col, old_last = range_boundaries(table.ref)
    first, last = header + 1, header + len(rows)
    by_col = {c0 + 1: rule.column(key) for key, c0 in columns.items()}
    _write_rows(ws, rows, first, range(min_col, max_col + 1), by_col, formats or {})
    for r in range(last + 1, old_last + 1):  # rows the base had beyond what we need
        for c in range(min_col, max_col + 1):
            cell = ws.cell(row=r, column=c)
            cell.value = None
            cell.style = "Normal"
    table.ref = f"{col_letter(min_col - 1)}{header}:{col_letter(max_col - 1)}{last}"
    if table.autoFilter is not None:
        table.autoFilter.ref = table.ref
    _validate_columns(ws, rule, columns, range(first, last + 1), context, limits or {})
    ws.print_title_rows = f"1:{header}"
    first_input = min((c0 for k, c0 in columns.items() if rule.column(k).input), default=0)
    _select(ws, f"{col_letter(first_input)}{first}")


def _header_columns(ws: Worksheet, rule: SheetRule) -> tuple[int, dict[str, int]]:
    """The table's header row (1-based) and each rule key's column (0-based), found by
    their texts; a UsageError naming the columns the base lacks."""
    grid = [list(r) for r in ws.iter_rows(values_only=True)]
    found = find_header_row(grid, rule)
    columns = found[1] if found else {}
    missing = [c.header for c in rule.columns if c.key not in columns]
    if found is None or missing:
        raise UsageError(
            "base_template_missing_columns", sheet=rule.name, items="」「".join(missing)
        )
    return found[0] + 1, columns


def _write_rows(
    ws: Worksheet,
    rows: list[dict[str, Any]],
    first: int,
    cols: range,
    by_col: dict[int, ColumnRule],
    formats: dict[str, list[str]],
) -> None:
    """The rows from row `first`, each cell styled as the base's first data row, input
    cells unlocked, numbers in the given formats (one per row)."""
    from openpyxl.styles import Protection

    model = {c: copy(ws.cell(row=first, column=c)._style) for c in cols}
    height = ws.row_dimensions[first].height
    for i, row in enumerate(rows):
        r = first + i
        ws.row_dimensions[r].height = height
        for c in cols:
            col = by_col.get(c)
            value = row.get(col.key) if col else None
            cell = put(ws, r, c, value)
            cell._style = copy(model[c])
            if col is not None:
                cell.protection = Protection(locked=not col.input)
                fmt = formats.get(col.key)
                if fmt and isinstance(value, int | float | type(None)):
                    cell.number_format = fmt[i]


def _validate_columns(
    ws: Worksheet,
    rule: SheetRule,
    columns: dict[str, int],
    rows: range,
    context: dict[str, Any],
    limits: dict[str, list[float | None]],
) -> None:
    """Data validation on each input column over `rows`: one per distinct maximum."""
    for key, c0 in columns.items():
        col = rule.column(key)
        if not col.input:
            continue
        letter = col_letter(c0)
        maxima = limits.get(key)
        groups: dict[float | None, list[int]] = {}
        for i, r in enumerate(rows):
            groups.setdefault(maxima[i] if maxima else None, []).append(r)
        for maximum, rows_ in groups.items():
            validation = column_validation(col, context, maximum)
            if validation is not None:
                for start, end in _runs(rows_):
                    validation.add(
                        f"{letter}{start}" if start == end else f"{letter}{start}:{letter}{end}"
                    )
                ws.add_data_validation(validation)


def _runs(numbers: list[int]) -> list[tuple[int, int]]:
    """[5, 6, 7, 9] -> [(5, 7), (9, 9)]: rows as ranges, for short sqrefs."""
    runs: list[tuple[int, int]] = []
    for n in numbers:
        if runs and runs[-1][1] == n - 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    return runs


def _table_at(ws: Worksheet, rule: SheetRule, header: int, columns: dict[str, int]):
    """The Excel table whose header row is `header` (else the rule's name; else a new one)."""
    from openpyxl.utils import range_boundaries
    from openpyxl.worksheet.table import Table, TableStyleInfo

    tables = list(ws.tables.values())
    for table in tables:
        if range_boundaries(table.ref)[1] == header:
            return table
    for table in tables:
        if table.displayName == rule.table:
            del ws.tables[table.name]  # it no longer sits on the header: rebuild it
    lo, hi = min(columns.values()), max(columns.values())
    table = Table(
        displayName=rule.table or f"{rule.name}表",
        ref=f"{col_letter(lo)}{header}:{col_letter(hi)}{header + 1}",
    )
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=False)
    ws.add_table(table)
    return table


def _select(ws: Worksheet, ref: str) -> None:
    ws.sheet_view.selection[0].activeCell = ref
    ws.sheet_view.selection[0].sqref = ref


def protect(ws: Worksheet) -> None:
    """Protect the sheet without a password; resizing columns and rows stays allowed."""
    from openpyxl.worksheet.protection import SheetProtection

    # A fresh object also drops any password set on the base template.
    ws.protection = SheetProtection(sheet=True, formatColumns=False, formatRows=False)
