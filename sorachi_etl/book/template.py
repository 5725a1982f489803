"""Survey workbooks (調査票): one per reporter and year, filled from the base template.

`master_to_workbook()` turns the base template (templates/kpi_template.xlsx)
into one reporter's workbook in memory; `master_to_templates()` writes one
file per reporter. The base is found by its sheet names, header texts and
label cells, never by coordinates, so staff may restyle or move things in it
(see templates/make_base_template.py for what the base must keep).

The cells a reporter types in are unlocked and carry data validation built
from schemas/survey.toml, the same rules the validator runs; everything else
is protected without a password.
"""

from __future__ import annotations

import datetime as dt
import re
from copy import copy
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sorachi_etl.book.validation_rules import column_validation
from sorachi_etl.book.xlsx import put
from sorachi_etl.model import domain
from sorachi_etl.model.cells import col_letter
from sorachi_etl.model.eras import (
    fiscal_year_bounds,
    format_date_ja,
    format_fiscal_year,
    format_fiscal_year_long,
)
from sorachi_etl.model.errors import SorachiError, UsageError
from sorachi_etl.model.names import (
    KIND_VALUE,
    STATUS_CONFIRMED,
    SURVEY_GUIDE,
    SURVEY_INFO,
    SURVEY_INITIATIVES,
    SURVEY_META,
    SURVEY_VALUES,
    TEMPLATE_VERSION,
)
from sorachi_etl.model.resources import base_template
from sorachi_etl.model.rules import (
    REQUIRED_MARK,
    ColumnRule,
    SheetRule,
    did_you_mean,
    find_header_row,
    fold_header,
    survey_rules,
)

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

_PLACEHOLDER = re.compile(r"\{([^{}\s]+)\}")
_WEEKDAYS = "月火水木金土日"
_EXCEL_EPOCH = dt.date(1899, 12, 30)
# Where the project names for the プロジェクト list live in _meta.
META_PROJECTS = "projects"


@dataclass(frozen=True)
class TemplateResult:
    """One survey workbook written: whose, where, which measures, how many 前年度実績 filled."""

    reporter: str
    path: Path
    measures: list[str]
    previous: int


def survey_file_name(year: int, reporter: str) -> str:
    """survey_file_name(2024, "岩見沢市") == "R6_岩見沢市_調査票.xlsx"."""
    return f"{format_fiscal_year(year)}_{reporter}_調査票.xlsx"


def master_to_templates(
    master: domain.Master,
    year: int,
    out_dir: Path,
    reporters: list[str] | None = None,
    base: Path | None = None,
) -> list[TemplateResult]:
    """Write one survey workbook per reporter into `out_dir` (created if missing).

    `reporters` names a subset (default: every reporter with a measure); an
    unknown name raises UsageError with a "did you mean" hint.
    """
    names = _choose_reporters(master, reporters)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    results = []
    for name in names:
        wb, previous = master_to_workbook(master, year, name, base)
        path = out_dir / survey_file_name(year, name)
        save_workbook(wb, path)
        results.append(
            TemplateResult(name, path, [m.id for m in master.measures_for(name)], previous)
        )
    return results


def _choose_reporters(master: domain.Master, reporters: list[str] | None) -> list[str]:
    if not reporters:
        chosen = [r.name for r in master.survey_reporters]
        if not chosen:
            raise UsageError("no_survey_reporters")
        return chosen
    known = [r.name for r in master.reporters]
    for name in reporters:
        if name not in known:
            hint = did_you_mean(name, known)
            raise UsageError(
                "unknown_reporter",
                value=name,
                hint=f"「{hint}」のことですか？"
                if hint
                else "マスタのシート「市町」の名前で指定してください。",
            )
        if not master.measures_for(name):
            raise UsageError("reporter_without_measures", name=name)
    return list(dict.fromkeys(reporters))


def save_workbook(wb: Workbook, path: Path) -> None:
    """Save without openpyxl stamping the current time, so regenerating changes nothing."""
    from zipfile import ZIP_DEFLATED, ZipFile

    from openpyxl.writer.excel import ExcelWriter

    try:
        with ZipFile(path, "w", ZIP_DEFLATED, allowZip64=True) as archive:
            ExcelWriter(wb, archive).save()
    except PermissionError as exc:
        raise SorachiError("file_in_use", name=path.name) from exc


def master_to_workbook(
    master: domain.Master, year: int, reporter: str, base: Path | None = None
) -> tuple[Workbook, int]:
    """One reporter's survey workbook (openpyxl, not saved) and how many 前年度実績 it shows."""
    wb = _open_base(Path(base) if base else base_template())
    rules = survey_rules()
    measures = master.measures_for(reporter)
    fill_placeholders(wb, placeholders(master, year, reporter))
    _fill_guide(wb[SURVEY_GUIDE], measures, rules)
    project_ref = write_meta(
        wb[SURVEY_META],
        rules[SURVEY_META],
        year,
        reporter,
        measures,
        [p.name for p in master.projects],
    )
    context = {"year": year, "project_ref": project_ref}
    fill_keyvalue(
        wb[SURVEY_INFO],
        rules[SURVEY_INFO],
        {"reporter": reporter, "year": format_fiscal_year_long(year)},
        context,
    )
    rows, formats, previous = _value_rows(master, measures, reporter, year)
    fill_table(
        wb[SURVEY_VALUES],
        rules[SURVEY_VALUES],
        rows,
        context,
        formats={"previous": formats, "value": formats},
        limits={"value": [m.max for m in measures]},
    )
    blank = [{}] * max(rules[SURVEY_INITIATIVES].blank_rows, 1)
    fill_table(wb[SURVEY_INITIATIVES], rules[SURVEY_INITIATIVES], blank, context)
    _protect_and_stamp(wb, year, reporter)
    return wb, previous


def _open_base(base: Path) -> Workbook:
    """The base template, with every sheet a survey needs (else a UsageError naming it)."""
    from openpyxl import load_workbook

    wb = load_workbook(base)
    for name in (SURVEY_GUIDE, SURVEY_INFO, SURVEY_VALUES, SURVEY_INITIATIVES, SURVEY_META):
        if name not in wb.sheetnames:
            raise UsageError("base_template_missing_sheet", name=base.name, sheet=name)
    return wb


def _fill_guide(ws: Worksheet, measures: list[domain.Measure], rules: dict[str, SheetRule]) -> None:
    """記入要領: a line per measure, a line per column with a prompt (marked when required)."""
    expand_blocks(
        ws,
        {
            "調査項目の説明": [(f"{m.name}（{m.unit}）", m.description or "—") for m in measures],
            "各欄の説明": [
                (f"{sheet}：{col.header}{REQUIRED_MARK if col.required else ''}", col.prompt[1])
                for sheet in (SURVEY_INFO, SURVEY_VALUES, SURVEY_INITIATIVES)
                for col in rules[sheet].columns
                if col.prompt
            ],
        },
    )
    fit_rows(ws)


def _value_rows(
    master: domain.Master, measures: list[domain.Measure], reporter: str, year: int
) -> tuple[list[dict[str, Any]], list[str], int]:
    """The rows of 調査実績 (a measure each, with the year before's value), their number
    formats, and how many have a 前年度実績."""
    values = master.values_by_key()
    rows, formats, previous = [], [], 0
    for m in measures:
        before = previous_value(master, values, m, reporter, year)
        previous += before is not None
        rows.append({"measure": m.id, "measure_name": m.name, "unit": m.unit, "previous": before})
        formats.append(_number_format(m.decimals))
    return rows, formats, previous


def _protect_and_stamp(wb: Workbook, year: int, reporter: str) -> None:
    """Every sheet but _meta protected, the structure locked, opening on 記入要領; the
    properties fixed to the year, so that regenerating changes nothing."""
    from openpyxl.workbook.protection import WorkbookProtection

    for ws in wb.worksheets:
        if ws.title != SURVEY_META:
            protect(ws)
    wb.security = WorkbookProtection(lockStructure=True)  # no renaming, deleting or unhiding
    wb.active = wb.sheetnames.index(SURVEY_GUIDE)
    stamp = dt.datetime(year, 4, 1)
    wb.properties.created = wb.properties.modified = stamp
    wb.properties.creator = wb.properties.lastModifiedBy = "sorachi-etl"
    wb.properties.title = f"{format_fiscal_year_long(year)} 調査票（{reporter}）"


# --- values -------------------------------------------------------------------------


def previous_value(
    master: domain.Master,
    values: dict[tuple[str, str, int], domain.MeasureValue],
    measure: domain.Measure,
    reporter: str,
    year: int,
) -> float | str | None:
    """The reporter's value for the year before: a number, 集計中/該当なし, or None.

    From 調査実績; for a measure only this reporter reports and a KPI of kind
    `value` shows (the bureau's figures), from that KPI's published value.
    """
    v = values.get((measure.id, reporter, year - 1))
    if v is not None:
        return v.value if v.status == STATUS_CONFIRMED else v.status
    for kpi in master.kpis:
        if (
            kpi.kind == KIND_VALUE
            and kpi.measure == measure.id
            and master.group_members(kpi.group) == [reporter]
        ):
            for kv in master.kpi_values:
                if kv.kpi == kpi.id and kv.year == year - 1:
                    if kv.status == STATUS_CONFIRMED and kv.value is not None:
                        return kv.value * (kpi.scale or 1)
                    return kv.status
    return None


def _number_format(decimals: int | None) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def placeholders(master: domain.Master, year: int, reporter: str) -> dict[str, str]:
    """The {名前} placeholders of the base template and their text for one reporter."""
    s = master.settings
    start, end = fiscal_year_bounds(year)
    deadline = "別途お知らせします"
    if s.survey_deadline:
        deadline = (
            f"{format_date_ja(s.survey_deadline)}（{_WEEKDAYS[s.survey_deadline.weekday()]}）"
        )
    return {
        "年度": format_fiscal_year_long(year),
        "年度略称": format_fiscal_year(year),
        "前年度": format_fiscal_year_long(year - 1),
        "対象期間": f"{format_date_ja(start)}～{format_date_ja(end)}",
        "市町名": reporter,
        "表題": s.title or "推進管理",
        "提出期限": deadline,
        "担当部署": s.contact_department or "—",
        "担当者": s.contact_person or "",
        "電話番号": s.contact_phone or "—",
        "メールアドレス": s.contact_mail or "—",
    }


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


# --- sheets -------------------------------------------------------------------------


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
