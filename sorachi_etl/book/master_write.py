"""Write the master workbook: data sheets, the import log, and a safe save.

Every cell goes through `xlsx.put()`, which stores text as text. The save writes a
temporary file in the master's folder, keeps a timestamped backup, and swaps the
new file in with an atomic rename, so a crash at any point leaves the previous
master intact (`save_atomic`; the file-level steps are in `master_file`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import operator
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sorachi_etl.book import rowxml
from sorachi_etl.book.lock import real_path
from sorachi_etl.book.master_file import (
    WRITER,
    MasterFile,
    ensure_unchanged,
    prune_backups,
    remove_left_over,
    replace,
    temporary_affixes,
    write_backup,
)
from sorachi_etl.book.master_read import MASTER_FIELD
from sorachi_etl.book.office_locks import ensure_not_open
from sorachi_etl.book.verify import check_written
from sorachi_etl.book.xlsx import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    fresh_sheet,
    print_a4,
    put,
    style_header,
)
from sorachi_etl.model import domain
from sorachi_etl.model.eras import format_fiscal_year
from sorachi_etl.model.errors import MasterError
from sorachi_etl.model.names import KIND_LABELS, SHEET_IMPORT_LOG, SHEET_KPIS, SHEET_SETTINGS
from sorachi_etl.model.rules import ColumnRule, SheetRule, master_rules

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet


def cell_value(value: Any, col: ColumnRule) -> tuple[Any, str | None]:
    """The value a domain value is written as in a column, and its number format (None: General)."""
    if value is None:
        return None, None
    convert = _CONVERTERS.get(col.type)
    return (value, None) if convert is None else convert(value, col)


def _fiscal_year_cell(value: Any, col: ColumnRule) -> tuple[Any, str | None]:
    return format_fiscal_year(int(value)), None


def _list_cell(value: Any, col: ColumnRule) -> tuple[Any, str | None]:
    return ",".join(str(v) for v in value) if value else None, None


def _datetime_cell(value: Any, col: ColumnRule) -> tuple[Any, str | None]:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None, microsecond=0), DATETIME_FORMAT
    return value, None


def _date_cell(value: Any, col: ColumnRule) -> tuple[Any, str | None]:
    return (value, DATE_FORMAT) if isinstance(value, dt.date) else (value, None)


def _number_cell(value: Any, col: ColumnRule) -> tuple[Any, str | None]:
    if isinstance(value, float) and value.is_integer():
        return int(value), "#,##0" if abs(value) >= 1000 else None
    return value, None


# How a value of each column type is written (other types: as it is, General format).
_CONVERTERS = {
    "fiscal_year": _fiscal_year_cell,
    "list": _list_cell,
    "datetime": _datetime_cell,
    "date": _date_cell,
    "number": _number_cell,
}


@functools.cache
def _field_names(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in dataclasses.fields(cls))


def _row_values(item: Any, rule: SheetRule) -> list[Any]:
    if dataclasses.is_dataclass(item):
        # The fields themselves, not dataclasses.asdict: its deep copy of every
        # row was a third of the time spent writing a master of 1,741 reporters.
        names = _field_names(type(item))
        values = {c.key: getattr(item, c.key) for c in rule.columns if c.key in names}
    else:
        values = dict(item)
    if rule.name == SHEET_KPIS:
        values["kind"] = KIND_LABELS.get(values["kind"], values["kind"])
    return [values.get(c.key) for c in rule.columns]


def table_rows(items: list[Any], rule: SheetRule) -> list[list[tuple[Any, str | None]]]:
    """(value, number format) of every cell of the rows of `items`, as put() takes them."""
    if not items or not all(type(item) is type(items[0]) for item in items):
        return [_converted(_row_values(item, rule), rule) for item in items]
    if not dataclasses.is_dataclass(items[0]) or rule.name == SHEET_KPIS:
        return [_converted(_row_values(item, rule), rule) for item in items]
    # Items of one dataclass (7,000 measure values with 1,741 reporters): each column's
    # getter and converter is chosen once, not once per cell.
    names = _field_names(type(items[0]))
    columns = []
    for col in rule.columns:
        get = operator.attrgetter(col.key) if col.key in names else None
        # the same year, time of import and list repeat down the rows: converted once
        memo: dict[Any, tuple[Any, str | None]] | None = {} if col.type != "number" else None
        columns.append((get, _CONVERTERS.get(col.type), col, memo))
    out = []
    for item in items:
        row = []
        for get, convert, col, memo in columns:
            value = get(item) if get is not None else None
            if value is None:
                row.append((None, None))
            elif convert is None:
                row.append((value, None))
            elif memo is None or value.__class__ is list:
                row.append(convert(value, col))
            else:
                cell = memo.get(value)
                if cell is None:
                    cell = memo[value] = convert(value, col)
                row.append(cell)
        out.append(row)
    return out


def _converted(values: list[Any], rule: SheetRule) -> list[tuple[Any, str | None]]:
    return [cell_value(value, col) for col, value in zip(rule.columns, values, strict=True)]


def write_table_sheet(wb: Workbook, rule: SheetRule, items: list[Any]) -> Worksheet:
    """Rewrite a data sheet: header row, then one row per item."""
    from openpyxl.utils import get_column_letter

    keep_widths = rule.name in wb.sheetnames
    ws = fresh_sheet(wb, rule.name)
    for c, col in enumerate(rule.columns, start=1):
        put(ws, 1, c, col.header)
        if col.width and not (keep_widths and ws.column_dimensions[get_column_letter(c)].width):
            ws.column_dimensions[get_column_letter(c)].width = col.width
    style_header(ws, 1, len(rule.columns))
    rowxml.defer_rows(ws, 2, table_rows(items, rule))
    ws.freeze_panes = "A2"
    if items:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(rule.columns))}{len(items) + 1}"
    print_a4(ws, title_rows="1:1")
    return ws


def write_settings_sheet(wb: Workbook, rule: SheetRule, settings: domain.Settings) -> Worksheet:
    """設定 as written by `init`: one row per setting, its label and its value (A4 portrait)."""
    ws = fresh_sheet(wb, rule.name)
    put(ws, 1, 1, "項目")
    put(ws, 1, 2, "値")
    style_header(ws, 1, 2)
    values = dataclasses.asdict(settings)
    for r, col in enumerate(rule.columns, start=2):
        put(ws, r, 1, col.header)
        value, fmt = cell_value(values.get(col.key), col)
        if value is not None:
            put(ws, r, 2, value, fmt)
    for i, width in enumerate(rule.width or (28, 48)):
        ws.column_dimensions["AB"[i]].width = width
    print_a4(ws, landscape=False, title_rows="1:1")  # label and value on one page
    return ws


def write_data_sheets(wb: Workbook, master: domain.Master) -> None:
    """Rewrite every data sheet of the master (not the log, not the output sheets).

    A staff sheet (分析メモ) is written only when the workbook lacks it: after
    that its content is staff's alone.
    """
    for name, rule in master_rules().items():
        if rule.log or (rule.staff and name in wb.sheetnames):
            continue
        if name == SHEET_SETTINGS:
            write_settings_sheet(wb, rule, master.settings)
        else:
            write_table_sheet(wb, rule, getattr(master, MASTER_FIELD[name]))


def append_log(wb: Workbook, entries: list[domain.LogEntry]) -> None:
    """Add lines to 取込履歴, creating it on first use; earlier lines are never touched."""
    rule = master_rules()[SHEET_IMPORT_LOG]
    if SHEET_IMPORT_LOG not in wb.sheetnames:
        write_table_sheet(wb, rule, [])
    ws = wb[SHEET_IMPORT_LOG]
    rowxml.defer_rows(ws, rowxml.next_row(ws), table_rows(entries, rule))


def open_workbook(path: Path, *, without_cells: Iterable[str] = ()) -> Workbook:
    """Open an existing master for rewriting, keeping every sheet a user added.

    The sheets named in `without_cells` are opened with no cells (their place,
    widths and settings kept): for the sheets the caller regenerates, whose
    thousands of rows would otherwise be parsed only to be thrown away.
    """
    from openpyxl import load_workbook

    try:
        if without_cells:
            return rowxml.open_without_cells(path, without_cells, rich_text=True)
        return load_workbook(path, rich_text=True)
    except Exception as exc:
        raise MasterError(
            "master_unreadable", name=path.name, detail="Excelブックとして読めません"
        ) from exc


# --- saving safely ------------------------------------------------------------------


def save_atomic(
    wb: Workbook,
    path: Path,
    *,
    make_backup: bool = True,
    expected: MasterFile | None = None,
    keep_backups: int = 0,
) -> Path | None:
    """Save `wb` to `path` without ever leaving a half-written master or an extra backup.

    In order: the new master is written to a temporary file beside the file itself
    (a symlinked master is written through to its target; the link stays a link),
    checked, the old master is kept as a backup, `expected` (the master as read)
    is compared with the file on disk, and the new file is renamed over the old.
    Whatever fails, the old master stays as it was and no backup is left behind.
    After the swap the oldest backups beyond `keep_backups` are removed (0: none).
    Called with the master's lock held: temporary files of this master that a killed
    run left are removed first.

    Returns the backup's path (None for a new file or without `make_backup`).
    Raises MasterError with a Japanese message when the folder is read-only, the
    disk is full, the master is open in Excel, or it was saved meanwhile.
    """
    path = Path(path)
    target = real_path(path)
    ensure_not_open(path)
    if _read_only(target):  # ticked 「読み取り専用」 to keep it as it is: never renamed over
        raise MasterError("master_read_only", name=path.name)
    tmp: Path | None = None
    try:
        remove_left_over(target)  # what a run killed while writing left (we hold the lock)
        tmp = _write_temporary(wb, target)
        check_written(tmp, path.name)  # a master Excel cannot open never replaces the old
        saved = write_backup(target, expected) if make_backup else None
        try:
            # As late as can be: a save by anyone else after this would be lost.
            ensure_unchanged(path.name, expected)
            replace(tmp, target, path.name)
        except BaseException:
            if saved is not None:
                saved.unlink(missing_ok=True)
            raise
        prune_backups(target, keep_backups, newest=saved)
        if saved is not None and target.parent == real_path(path.parent):
            saved = path.parent / saved.parent.name / saved.name  # as the user named the folder
        return saved
    except PermissionError as exc:
        raise MasterError("master_write_denied", name=path.name) from exc
    except OSError as exc:
        raise MasterError("master_save_failed", name=path.name, reason=_os_reason(exc)) from exc
    finally:
        if tmp is not None and tmp.exists():
            tmp.unlink()


def _write_temporary(wb: Workbook, target: Path) -> Path:
    """`wb` saved to a new temporary file in `target`'s folder, flushed to disk."""
    wb.properties.lastModifiedBy = WRITER
    prefix, suffix = temporary_affixes(target)
    fd, tmp_name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            if rowxml.has_pending(wb):
                rowxml.save_with_rows(wb, fh)
            else:
                wb.save(fh)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp makes the file readable by its owner only; give it the master's own
        # permissions (or the usual ones for a new file) so colleagues can still open it
        os.chmod(tmp, _file_mode(target))
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _read_only(path: Path) -> bool:
    """True for a file no one may write (Windows' read-only attribute, chmod a-w)."""
    try:
        return not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    except OSError:
        return False


def _file_mode(path: Path) -> int:
    """The permission bits a rewritten master keeps: its own, or 0o666 less the umask."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _os_reason(exc: OSError) -> str:
    import errno

    return {
        errno.ENOSPC: "ディスクの空き容量が足りません",
        errno.EROFS: "読み取り専用です",
        errno.EACCES: "書き込み権限がありません",
    }.get(exc.errno or 0, "書き込みエラー")
