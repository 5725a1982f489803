"""The 調査実績 rows of one return: which measure each row is, its value read against its 状態.

Rows of measures the reporter does not report, repeated rows and measures
whose row is gone are findings, not rows; a value is read as a number in its
measure's unit (normalize.parse_number) and checked against the 状態 beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sorachi_etl.check.normalize import CellValue, parse_number, parse_status
from sorachi_etl.check.rows import FileContext, ValueRow, cell_problem
from sorachi_etl.model import eras
from sorachi_etl.model.cells import a1
from sorachi_etl.model.findings import Finding
from sorachi_etl.model.names import STATUS_CONFIRMED, STATUS_NA, STATUS_PENDING, SURVEY_VALUES
from sorachi_etl.model.text import clean_text, fold, raw_text, split_list

if TYPE_CHECKING:
    from sorachi_etl.intake.locate import RawCell, Survey
    from sorachi_etl.intake.read import SheetData
    from sorachi_etl.model.domain import Measure


def survey_to_value_rows(
    ctx: FileContext, survey: Survey, sheet: SheetData | None
) -> tuple[list[ValueRow], list[Finding]]:
    """The measure rows of one file, normalised, and the findings of single rows.

    Rows of measures the reporter does not report, and repeated rows, become
    findings (unknown_measure, duplicate_measure) instead of rows; a measure
    the reporter should report but whose row is gone is `missing_measure`.
    """
    known, expected = _known_and_expected(ctx)
    rows: list[ValueRow] = []
    findings: list[Finding] = []
    seen: dict[str, str] = {}  # measure id -> the cell of its first row
    # without its 実績値 or 状態 column (a renamed header, told once as missing_column) a row
    # cannot be read: its cells would be taken for blank ones, each a false finding
    readable = _READ_TOGETHER.issubset(survey.columns.get(SURVEY_VALUES, ()))
    for raw in survey.value_rows:
        cells = {k: c for k, c in raw.items() if c is not None}
        measure = _row_measure(ctx, cells, known, expected, seen, findings)
        if measure is None or not readable:
            continue
        row = _value_row(ctx, sheet, cells, *measure, findings)
        if row is not None:
            rows.append(row)
    # a missing sheet or table is reported once, not measure by measure
    if sheet is not None and SURVEY_VALUES in survey.columns:
        findings += _missing_measures(ctx, survey, expected, seen)
    return rows, findings


# The columns a value is read from: 実績値 against the 状態 beside it.
_READ_TOGETHER = frozenset({"value", "status"})


def _known_and_expected(ctx: FileContext) -> tuple[dict[str, Measure], dict[str, Measure]]:
    """The master's measures by id, and those the file's reporter reports (both empty
    without a master; no expected ones when the reporter is not known)."""
    master = ctx.master
    if master is None:
        return {}, {}
    known = {m.id: m for m in master.measures}
    expected = {m.id: m for m in master.measures_for(ctx.reporter)} if ctx.reporter else {}
    return known, expected


def _row_measure(
    ctx: FileContext,
    cells: dict[str, RawCell],
    known: dict[str, Measure],
    expected: dict[str, Measure],
    seen: dict[str, str],
    findings: list[Finding],
) -> tuple[str, str, str | None] | None:
    """The measure id, name and unit of one row; None when the row is no measure to read:
    blank (a finding if a value was typed), not the reporter's, or a repeat."""
    row0 = next(iter(cells.values())).row0
    measure_cell = cells.get("measure")
    at = measure_cell.cell if measure_cell else None
    mid = raw_text(measure_cell.value).strip() if measure_cell else ""
    name_cell = cells.get("measure_name")
    typed_name = clean_text(name_cell.value)[0] if name_cell else ""
    if not mid:
        value_cell = cells.get("value")
        if value_cell is not None and not value_cell.blank:
            findings.append(ctx.finding("empty_row", sheet=SURVEY_VALUES, cell=value_cell.cell))
        return None
    if mid not in known and fold(mid).upper() in known:
        # 「m01」「Ｍ０１」 retyped in the ID column: that row is M01's, not a stranger's
        mid = fold(mid).upper()
    measure = known.get(mid)
    if ctx.master is not None and (measure is None or (expected and mid not in expected)):
        value = typed_name or mid
        findings.append(ctx.finding("unknown_measure", sheet=SURVEY_VALUES, cell=at, value=value))
        return None
    item = measure.name if measure else (typed_name or mid)
    if mid in seen:
        findings.append(
            ctx.finding(
                "duplicate_measure",
                sheet=SURVEY_VALUES,
                cell=at,
                item=item,
                value=mid,
                first=seen[mid],
            )
        )
        return None
    seen[mid] = at or a1(row0, 0)
    unit_cell = cells.get("unit")
    unit = measure.unit if measure else (raw_text(unit_cell.value).strip() if unit_cell else None)
    return mid, item, unit or None


def _missing_measures(
    ctx: FileContext, survey: Survey, expected: dict[str, Measure], seen: dict[str, str]
) -> list[Finding]:
    """missing_measure for each measure expected of the file whose row is not there."""
    out = [
        ctx.finding("missing_measure", sheet=SURVEY_VALUES, item=measure.name, value=mid)
        for mid, measure in expected.items()
        if mid not in seen
    ]
    if ctx.master is None:
        # without a master, the measure ids the template wrote into _meta say what is expected
        out += [
            ctx.finding("missing_measure", sheet=SURVEY_VALUES, item=mid, value=mid)
            for mid in split_list(survey.meta.get("measures"))
            if mid not in seen
        ]
    return out


@dataclass
class _RowFindings:
    """Where the findings of one 調査実績 row go, and the cells they name."""

    ctx: FileContext
    item: str
    value_cell: str  # A1 of 実績値, or where it would be
    status_cell: str  # A1 of 状態, or where it would be
    out: list[Finding]

    def add(self, code: str, cell: str | None, **values: Any) -> None:
        self.out.append(
            self.ctx.finding(code, sheet=SURVEY_VALUES, item=self.item, cell=cell, **values)
        )


def _value_row(
    ctx: FileContext,
    sheet: SheetData | None,
    cells: dict[str, RawCell],
    mid: str,
    item: str,
    unit: str | None,
    findings: list[Finding],
) -> ValueRow | None:
    """Normalise one row's 実績値 / 状態 / 備考; None when a cell could not be read."""
    value_cell, status_cell, note_cell = cells.get("value"), cells.get("status"), cells.get("note")
    row0 = next(iter(cells.values())).row0
    value_col = value_cell.col0 if value_cell else 0
    status_at = status_cell.cell if status_cell else a1(row0, value_col + 1)
    said = _RowFindings(ctx, item, a1(row0, value_col), status_at, findings)
    status_raw = status_cell.value if status_cell else None
    try:
        status, status_read = parse_status(status_raw), True
    except ValueError:
        said.add("unknown_status", status_at, value=raw_text(status_raw))
        status, status_read = None, False
    note, had_control = clean_text(note_cell.value if note_cell else None)
    if had_control:
        said.add("control_chars", note_cell.cell)
    cell = _read_value(said, sheet, value_cell, unit)
    if cell is None or not status_read:
        return None
    if _faked_formula_value(sheet, value_cell, cell):
        said.add("faked_formula_value", said.value_cell, value=cell.raw)
    settled = _value_with_status(said, cell, status)
    if settled is None:
        return None
    previous_cell = cells.get("previous")
    previous = parse_number(previous_cell.value) if previous_cell else None
    return ValueRow(
        file=ctx.index,
        measure=mid,
        item=item,
        value=settled[0],
        status=settled[1],
        note=note,
        raw=cell.raw,
        cells={k: c.cell for k, c in cells.items()}
        | {"value": said.value_cell, "status": status_at},
        shown_previous=previous.number if previous and previous.kind == "number" else None,
    )


def _read_value(
    said: _RowFindings, sheet: SheetData | None, value_cell: RawCell | None, unit: str | None
) -> CellValue | None:
    """The 実績値 read as a number in `unit`; None, told, when it cannot be taken as one
    (a formula never calculated, an Excel error, not a number, 約…)."""
    raw_value = value_cell.value if value_cell else None
    problem = cell_problem(sheet, value_cell) if value_cell else None
    cell = parse_number(raw_value, unit)
    if problem == "formula_no_value":
        said.add(problem, said.value_cell)
        return None
    if cell.kind == "invalid":
        shown_date = eras.shown_date(raw_value)
        if shown_date is not None:
            said.add("date_in_number", said.value_cell, value=shown_date)
            return None
        code = "excel_error" if problem == "excel_error" else (cell.code or "not_a_number")
        said.add(code, said.value_cell, value=cell.raw, unit=unit or "")
        return None
    if cell.approximate:
        said.add("approximate_value", said.value_cell, value=cell.raw)
        return None
    if cell.spelled_out:  # 「1万5」 may mean 15,000 to whoever typed it: shown how it was read
        shown = f"{cell.number:,.0f}{unit or ''}"
        said.add("spelled_out_value", said.value_cell, value=cell.raw, number=shown)
    return cell


def _faked_formula_value(
    sheet: SheetData | None, value_cell: RawCell | None, cell: CellValue
) -> bool:
    """A 0 that a formula gives: most likely a value typed over by a formula, never the figure."""
    return (
        sheet is not None
        and value_cell is not None
        and (value_cell.row0, value_cell.col0) in sheet.formulas
        and cell.kind == "number"
        and cell.number == 0
    )


def _value_with_status(
    said: _RowFindings, cell: CellValue, status: str | None
) -> tuple[float | None, str] | None:
    """The number and the 状態 of a row, each read against the other; None, told, when
    they disagree (a value with 集計中, 確定 with no value, no value and no status)."""
    if cell.kind in ("pending", "na"):
        typed = STATUS_PENDING if cell.kind == "pending" else STATUS_NA
        if status == STATUS_CONFIRMED:
            said.add("status_conflict", said.value_cell, value=cell.raw, typed=typed)
            return None
        return None, status or typed
    if cell.kind == "blank":
        if status is None:
            said.add("value_missing", said.value_cell)
            return None
        if status == STATUS_CONFIRMED:
            said.add("status_without_value", said.value_cell)
            return None
        return None, status
    if status in (STATUS_PENDING, STATUS_NA):
        said.add("pending_with_value", said.value_cell, value=cell.raw, status=status)
        return None
    if status is None:
        said.add("status_missing", said.status_cell)
        status = STATUS_CONFIRMED
    return cell.number, status
