"""Update the master's data sheets in place: rows matched by key, only the tool's own cells written.

The data sheets (設定, プロジェクト, 市町, 調査項目, 評価指標, 調査実績, 指標実績,
取組, 事業) are edited by staff in Excel, and the log 取込履歴 only grows. A
merge therefore never rebuilds them. For each sheet it compares the master as
read (`MasterBook`: every row's domain object and its sheet row) with the
master to write, and:

- a row whose key (schemas/master.toml `key`) is in both keeps its place; of
  the tool's columns only the cells whose value changes are written, in the
  cell's own style (its number format set as the tool sets it: dates,
  date-times, 1,000 and over with separators; a format staff chose stays);
- a new row goes after the last row of the table, in the formats of the row
  above (every styled cell of that row, staff's columns too, lends its style
  to the cell below; no value is copied); conditional formats, validations,
  the filter, Excel tables and the print area that end at the old last row
  are extended to it;
- a row that goes (an initiative replaced by a resubmission) lends its place
  to a new row of the same group (the key but its last column: the same
  reporter and year), so a corrected title is one cell changed; a row with
  no successor has the tool's cells emptied (their formats kept) and reads
  as no row from then on. Rows are never deleted or moved: staff's cells
  beside them, and every range or note that refers to them, stay where they
  are;
- 設定 (label | value) has its value cells updated the same way; a label it
  lacks is added below the others.

Everything else in these sheets (other columns and what they hold, notes and
formulas beside the table, fills, fonts, conditional formatting, validations,
comments, hidden columns, frozen panes, filters, print settings) is left as
staff left it. The cells are edited in the file's own XML (sheet_edit.py over
sheetdata.py), or, for a sheet whose XML that module does not read, through
openpyxl (the same edits; also the reference the tests compare the XML path
against).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sorachi_etl.book import rowxml
from sorachi_etl.book.master_read import MASTER_FIELD, MasterBook, SheetRows
from sorachi_etl.book.master_write import append_log, cell_value, table_rows, write_table_sheet
from sorachi_etl.book.sheet_edit import Editor, OpenpyxlEditor, Styles, XmlEditor
from sorachi_etl.book.sheetdata import SheetXml
from sorachi_etl.model import domain
from sorachi_etl.model.errors import MasterError
from sorachi_etl.model.rules import SheetRule, master_rules

if TYPE_CHECKING:
    from openpyxl import Workbook


def open_for_update(
    path: Path, regenerated: Sequence[str], data: bytes | None = None
) -> tuple[Workbook, rowxml.RemovedCells]:
    """The master opened for a merge: every data sheet and regenerated sheet without its cells.

    The data sheets' cells come back as the file holds them (the second item),
    for `update_data_sheets`; the regenerated sheets' are dropped. So do the
    cells of staff's own sheets (分析メモ), which the tool never writes: they are
    put back byte for byte, formulas with the values Excel saved beside them
    (openpyxl would drop those values, and the tool reads a formula's line by
    its value). `data` is the file's bytes when the caller has read them
    already (`path` then only names it).
    """
    import io

    names = list(master_rules()) + list(regenerated)
    removed = rowxml.RemovedCells()
    source = io.BytesIO(data) if data is not None else path
    try:
        wb = rowxml.open_without_cells(source, names, removed=removed, rich_text=True)
    except Exception as exc:
        raise MasterError(
            "master_unreadable", name=Path(path).name, detail="Excelブックとして読めません"
        ) from exc
    return wb, removed


def update_data_sheets(
    wb: Workbook, book: MasterBook, master: domain.Master, removed: rowxml.RemovedCells
) -> None:
    """Write into `wb` what `master` changes against the master as read (`book`), in place.

    `wb` and `removed` come from `open_for_update` on `book.path`.
    """
    styles = Styles(wb)
    uses_strings = False
    for name, rule in master_rules().items():
        sheet = book.sheets.get(name)
        if rule.layout != "keyvalue" and name not in MASTER_FIELD:
            continue  # a sheet the tool reads but never writes after init (staff's own)
        if name not in wb.sheetnames or sheet is None:
            if rule.log:  # a master from before the log existed
                append_log(wb, master.log)
            elif rule.staff:  # staff's own sheet, new to this master: its header, written once
                write_table_sheet(wb, rule, getattr(master, MASTER_FIELD[name]))
            continue
        if rule.staff:  # staff's own sheet (分析メモ): never written once it exists
            data = removed.sheet_data.get(name)
            if data is not None:  # its cells go back as the file holds them
                dim, root = removed.dimensions.get(name), removed.roots.get(name)
                rowxml.replace_sheet_data(wb[name], data, dim, root)
                uses_strings = uses_strings or b't="s"' in data
            continue
        ws = wb[name]
        data = removed.sheet_data.get(name)
        editor: Editor
        if data is not None:
            editor = XmlEditor(ws, SheetXml(data, wb.epoch), removed, name)
            uses_strings = uses_strings or b't="s"' in data
        else:  # a sheet whose XML sheetdata.py does not read: openpyxl loaded its cells
            editor = OpenpyxlEditor(ws)
        if rule.layout == "keyvalue":
            _update_settings(editor, sheet, rule, book.master.settings, master.settings, styles)
        else:
            field = MASTER_FIELD[name]
            old, new = getattr(book.master, field), getattr(master, field)
            _update_table(editor, sheet, rule, old, new, styles)
        editor.finish()
    if uses_strings and removed.shared_strings is not None:
        rowxml.keep_shared_strings(wb, removed.shared_strings)


# --- what changes -------------------------------------------------------------------


def _update_table(
    editor: Editor,
    sheet: SheetRows,
    rule: SheetRule,
    old: Sequence[Any],
    new: Sequence[Any],
    styles: Styles,
) -> None:
    rows = [n + 1 for n in sheet.row_numbers]  # sheet rows (1-based) of `old`, in order
    columns = {key: c + 1 for key, c in sheet.columns.items()}
    keys = [c.key for c in rule.columns]
    header = (sheet.header_row or 0) + 1
    if rule.log:  # only grows: what the new log has past the old one
        matched: list[tuple[int, Any]] = []
        emptied: list[int] = []
        added = list(new[len(old) :])
    else:
        matched, emptied, added = _match(rule, old, new)
    if matched:  # converted in two batches: per pair, the set-up was most of the time
        befores = table_rows([old[i] for i, _ in matched], rule)
        afters = table_rows([item for _, item in matched], rule)
        for (i, _), before, after in zip(matched, befores, afters, strict=True):
            for key, was, now in zip(keys, before, after, strict=True):
                if not _same(was[0], now[0]):
                    _write(editor, styles, rule, columns, key, rows[i], now)
    for i in emptied:  # every cell of the tool's columns, so that the row reads as blank
        for c in columns.values():
            editor.set(rows[i], c, None, editor.style(rows[i], c))
    if added:
        last = max(rows, default=header)
        cells = table_rows(list(added), rule)
        _check_writable(rule, columns, cells)
        order = {columns[k]: i for i, k in enumerate(keys) if k in columns}
        editor.append(last, header, cells, order, styles)


def _match(
    rule: SheetRule, old: Sequence[Any], new: Sequence[Any]
) -> tuple[list[tuple[int, Any]], list[int], list[Any]]:
    """Pairs (old index, new item) to compare, old indexes to empty, and new items to add.

    An item that is its old self (the merge shares what it keeps) is not
    compared. A new item without an old one of its key takes, in order, the
    row of an old item without a new one that has the same key but for its
    last column (the same reporter and year, for 取組).
    """
    key_of = _key_function(rule)
    where = {key_of(item): i for i, item in enumerate(old)}
    seen: set[int] = set()
    matched: list[tuple[int, Any]] = []
    unmatched: list[Any] = []
    for item in new:
        i = where.get(key_of(item))
        if i is None:
            unmatched.append(item)
            continue
        seen.add(i)
        if item is not old[i]:
            matched.append((i, item))
    gone = [i for i in range(len(old)) if i not in seen]
    free: dict[tuple, list[int]] = {}
    for i in gone:
        free.setdefault(key_of(old[i])[:-1], []).append(i)
    added = []
    for item in unmatched:
        places = free.get(key_of(item)[:-1])
        if places:
            matched.append((places.pop(0), item))
        else:
            added.append(item)
    emptied = [i for places in free.values() for i in places]
    return matched, sorted(emptied), added


def _key_function(rule: SheetRule):
    """Item -> the tuple of its key columns (an item's identity when the rule has no key)."""
    from operator import attrgetter

    names = list(rule.key)
    if not names:
        return lambda item: (id(item),)
    if len(names) == 1:
        get = attrgetter(names[0])
        return lambda item: (get(item),)
    return attrgetter(*names)


def _same(a: Any, b: Any) -> bool:
    """Whether two cell values read the same: blank and empty text alike, 1 and 1.0 alike."""
    if a is None or a == "" or b is None or b == "":
        return (a is None or a == "") and (b is None or b == "")
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    return type(a) is type(b) and a == b


def _check_writable(rule: SheetRule, columns: dict[str, int], cells: list[list[tuple]]) -> None:
    """A value for a column the sheet lacks (an `absent_ok` one) stops the run."""
    for i, col in enumerate(rule.columns):
        if col.key not in columns and any(row[i][0] not in (None, "") for row in cells):
            raise MasterError("master_missing_column", sheet=rule.name, column=col.header)


def _write(
    editor: Editor,
    styles: Styles,
    rule: SheetRule,
    columns: dict[str, int],
    key: str,
    row: int,
    cell: tuple[Any, str | None],
) -> None:
    c = columns.get(key)
    if c is None:  # an `absent_ok` column the sheet lacks
        if cell[0] not in (None, ""):
            raise MasterError(
                "master_missing_column", sheet=rule.name, column=rule.column(key).header
            )
        return
    value, fmt = cell
    base = editor.style(row, c)
    editor.set(row, c, value, styles.for_value(base, value, fmt))


def _update_settings(
    editor: Editor,
    sheet: SheetRows,
    rule: SheetRule,
    old: domain.Settings,
    new: domain.Settings,
    styles: Styles,
) -> None:
    added = []
    for col in rule.columns:
        was = cell_value(getattr(old, col.key, None), col)
        now = cell_value(getattr(new, col.key, None), col)
        if _same(was[0], now[0]):
            continue
        r = sheet.key_rows.get(col.key)
        if r is None:
            added.append([(col.header, None), now])
        else:
            editor.set(r + 1, 2, now[0], styles.for_value(editor.style(r + 1, 2), *now))
    if added:
        last = max(sheet.key_rows.values(), default=-1) + 1
        editor.append(last, 0, added, {1: 0, 2: 1}, styles)
