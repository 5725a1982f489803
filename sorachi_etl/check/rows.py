"""Normalising stage of validation: one returned survey's raw cells -> typed rows and findings.

Each function here takes one file's `Survey` (raw cells, located by header
text) and gives typed rows that keep the A1 reference of every cell, plus the
findings that belong to single cells: what cannot be read as its type (not a
number, an Excel error, a formula without a value, a bad date), and what one
row says against itself (a value with status 集計中, 確定 with no value).
Rules over columns (minimum, maximum, length, required, unique) are not
checked here: survey_frames.py checks them for all files at once.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sorachi_etl.check.normalize import CellValue, parse_number, parse_status
from sorachi_etl.model.cells import a1
from sorachi_etl.model.eras import EraError, format_date_ja, parse_date, parse_date_range
from sorachi_etl.model.findings import Finding, finding
from sorachi_etl.model.names import (
    STATUS_CONFIRMED,
    STATUS_NA,
    STATUS_PENDING,
    SURVEY_INFO,
    SURVEY_INITIATIVES,
    SURVEY_VALUES,
)
from sorachi_etl.model.rules import ColumnRule, survey_rules
from sorachi_etl.model.text import clean_text, raw_text, split_list

if TYPE_CHECKING:
    from sorachi_etl.intake.locate import RawCell, Survey
    from sorachi_etl.intake.read import SheetData
    from sorachi_etl.model.domain import Master, Measure

_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_PROJECT_CIRCLED = re.compile(rf"^([{_CIRCLED}])")
# A project number: a few ASCII digits (after NFKC), not a 4,301-digit int() would refuse.
_PROJECT_NO = re.compile(r"^([0-9]{1,6})(?![0-9])")
# What follows the number in an outcome value ("約46万回" -> "回").
_OUTCOME_UNIT = re.compile(r"[^\d,.\s万千億約]+$")


@dataclass(frozen=True)
class FileContext:
    """What the checks of one file need to know: which file, whose, which year, the master."""

    index: int
    file: str
    reporter: str | None = None
    year: int | None = None
    master: Master | None = None
    date1904: bool = False

    def finding(self, code: str, **values: Any) -> Finding:
        return finding(code, file=self.file, reporter=self.reporter, **values)


@dataclass
class ValueRow:
    """One normalised row of 調査実績; `cells` maps rule keys to A1 references."""

    file: int
    measure: str
    item: str
    value: float | None
    status: str
    note: str
    raw: str
    cells: dict[str, str]
    shown_previous: float | None = None  # the workbook's own 前年度実績, when a number


@dataclass
class InitiativeRow:
    """One normalised row of 取組: values by rule key (None when blank), raw texts and cells."""

    file: int
    values: dict[str, Any]
    raw: dict[str, str]
    cells: dict[str, str]
    outcome_unit: str = ""
    unread: set[str] = field(default_factory=set)  # keys of cells that could not be read

    @property
    def readable(self) -> bool:
        return not self.unread


@dataclass
class InfoRow:
    """The typed-in part of 基本情報 (contact and date), one per file."""

    file: int
    values: dict[str, Any] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)


def _as_date(value: dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def ymd(day: dt.date) -> str:
    """2024-09-16 -> "2024/9/16", as clerks write dates (strftime's %-d is not portable)."""
    return f"{day.year}/{day.month}/{day.day}"


def _cell_problem(sheet: SheetData | None, cell: RawCell) -> str | None:
    """A catalogue code when the cell holds an Excel error or a formula never calculated."""
    if sheet is None:
        return None
    pos = (cell.row0, cell.col0)
    if pos in sheet.no_cached_value:
        return "formula_no_value"
    if pos in sheet.errors:
        return "excel_error"
    return None


# --- 調査実績 ---------------------------------------------------------------------------


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
    for raw in survey.value_rows:
        cells = {k: c for k, c in raw.items() if c is not None}
        measure = _row_measure(ctx, cells, known, expected, seen, findings)
        if measure is None:
            continue
        row = _value_row(ctx, sheet, cells, *measure, findings)
        if row is not None:
            rows.append(row)
    # a missing sheet or table is reported once, not measure by measure
    if sheet is not None and SURVEY_VALUES in survey.columns:
        findings += _missing_measures(ctx, survey, expected, seen)
    return rows, findings


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
    problem = _cell_problem(sheet, value_cell) if value_cell else None
    cell = parse_number(raw_value, unit)
    if problem == "formula_no_value":
        said.add(problem, said.value_cell)
        return None
    if cell.kind == "invalid":
        code = "excel_error" if problem == "excel_error" else (cell.code or "not_a_number")
        said.add(code, said.value_cell, value=cell.raw, unit=unit or "")
        return None
    if cell.approximate:
        said.add("approximate_value", said.value_cell, value=cell.raw)
        return None
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


# --- 取組 ------------------------------------------------------------------------------


def _projects(master: Master | None) -> dict[str, int]:
    """Every way a project may be written (name, short name, number) -> its number."""
    out: dict[str, int] = {}
    if master is not None:
        for p in master.projects:
            out[p.name] = out[str(p.no)] = p.no
            if p.short_name:
                out[p.short_name] = p.no
    return out


def _project_no(text: str, projects: dict[str, int], master: Master | None) -> int | None:
    """The project number of what was typed; None when the master knows no such project."""
    if text in projects:
        return projects[text]
    no = None
    if m := _PROJECT_CIRCLED.match(text):
        no = _CIRCLED.index(m.group(1)) + 1
    elif m := _PROJECT_NO.match(unicodedata.normalize("NFKC", text)):
        no = int(m.group(1))
    if master is None:
        return no or 0  # nothing to check against
    return no if no in set(projects.values()) else None


def survey_to_initiative_rows(
    ctx: FileContext, survey: Survey, sheet: SheetData | None
) -> tuple[list[InitiativeRow], list[Finding]]:
    """The 取組 rows of one file, each cell read as its column's type (schemas/survey.toml).

    Wholly blank rows are passed over. Gives the rows and the findings of their
    cells; a cell that cannot be read as its type is a finding, and its key is
    in the row's `unread`.
    """
    reader = _InitiativeReader(ctx, sheet)
    rows: list[InitiativeRow] = []
    for raw in survey.initiative_rows:
        cells = {k: c for k, c in raw.items() if c is not None}
        if not all(c.blank for c in cells.values()):
            rows.append(reader.row(cells))
    return rows, reader.findings


class _InitiativeReader:
    """Reads the 取組 rows of one file; the findings of their cells gather in `findings`."""

    def __init__(self, ctx: FileContext, sheet: SheetData | None) -> None:
        self.ctx = ctx
        self.sheet = sheet
        self.rule = survey_rules()[SURVEY_INITIATIVES]
        self.projects = _projects(ctx.master)
        self.findings: list[Finding] = []

    def row(self, cells: dict[str, RawCell]) -> InitiativeRow:
        """One row: each cell read as its column's type, then what one cell says of another."""
        row = InitiativeRow(
            file=self.ctx.index, values={}, raw={}, cells={k: c.cell for k, c in cells.items()}
        )
        ranges: dict[str, tuple[dt.date, dt.date | None]] = {}  # key -> a range typed there
        for col in self.rule.columns:
            row.values[col.key] = None
            c = cells.get(col.key)
            if c is not None:
                self._cell(row, col, c, ranges)
        self._implementer_defaulted(row, cells)
        start_range = ranges.get("start_date")
        if start_range and start_range[1] is not None:
            self._end_from_start(row, cells, start_range[1])
        return row

    def _cell(
        self,
        row: InitiativeRow,
        col: ColumnRule,
        c: RawCell,
        ranges: dict[str, tuple[dt.date, dt.date | None]],
    ) -> None:
        """One cell read into `row` as its column's type (text, project, date, number)."""
        key = col.key
        row.raw[key] = raw_text(c.value).strip()
        here = {"sheet": SURVEY_INITIATIVES, "cell": c.cell, "item": col.header}
        problem = _cell_problem(self.sheet, c)
        if problem:
            self._unread(row, key, problem, value=raw_text(c.value), **here)
        elif c.blank:
            return
        elif col.type == "text":
            row.values[key] = self._text(c.value, here)
        elif col.type == "project":
            text = clean_text(c.value)[0]
            row.values[key] = _project_no(text, self.projects, self.ctx.master)
            if row.values[key] is None:
                self._unread(row, key, "unknown_project", value=text, **here)
        elif col.type == "date":
            self._date(row, key, c.value, ranges, here)
        elif col.type == "number":
            number = parse_number(c.value)
            if number.kind == "number":
                row.values[key] = number.number
                m = _OUTCOME_UNIT.search(raw_text(c.value).strip())
                row.outcome_unit = m.group(0) if m else ""
            elif number.kind != "blank":
                self._unread(row, key, number.code or "not_a_number", value=number.raw, **here)

    def _unread(self, row: InitiativeRow, key: str, code: str, **values: Any) -> None:
        """A cell that cannot be read: told, and left out of the checks of its column."""
        self.findings.append(self.ctx.finding(code, **values))
        row.unread.add(key)

    def _text(self, value: object, here: dict[str, Any]) -> str | None:
        if isinstance(value, dt.date):
            # Excel turns 9/16 typed into 日程（表示用） into a date: show it as one
            return format_date_ja(_as_date(value))
        text, had_control = clean_text(value)
        if had_control:
            self.findings.append(self.ctx.finding("control_chars", **here))
        return text or None

    def _date(
        self,
        row: InitiativeRow,
        key: str,
        value: object,
        ranges: dict[str, tuple[dt.date, dt.date | None]],
        here: dict[str, Any],
    ) -> None:
        """A day, or a range of days typed in one cell."""
        try:
            row.values[key] = parse_date(value, date1904=self.ctx.date1904)
            return
        except EraError:
            pass
        try:
            first, last = parse_date_range(value, date1904=self.ctx.date1904)
        except EraError:
            self._unread(row, key, "bad_date", value=raw_text(value), **here)
            return
        ranges[key] = (first, last)
        # a range stands for its first day as a start, its last as an end
        row.values[key] = (last or first) if key == "end_date" else first

    def _implementer_defaulted(self, row: InitiativeRow, cells: dict[str, RawCell]) -> None:
        """A blank 実施主体 in a reporter's own return: the reporter itself did it."""
        implementers = cells.get("implementers")
        reporter = self.ctx.reporter
        if (
            row.values.get("implementers") is None
            and implementers is not None
            and "implementers" not in row.unread
            and reporter
        ):
            row.values["implementers"] = reporter
            header = self.rule.column("implementers").header
            self.findings.append(
                self.ctx.finding(
                    "implementer_defaulted",
                    sheet=SURVEY_INITIATIVES,
                    cell=implementers.cell,
                    item=header,
                    value=reporter,
                )
            )

    def _end_from_start(
        self, row: InitiativeRow, cells: dict[str, RawCell], last_day: dt.date
    ) -> None:
        """A range typed into 開始日 ("令和5年9月16日～17日") gives the end date too."""
        end = row.values.get("end_date")
        if end is None and row.raw.get("end_date", "") == "":
            row.values["end_date"] = last_day
        elif end is not None and end != last_day:
            self.findings.append(
                self.ctx.finding(
                    "date_range_conflict",
                    sheet=SURVEY_INITIATIVES,
                    cell=cells["start_date"].cell,
                    item="開始日",
                    value=row.raw["start_date"],
                    end=ymd(end),
                )
            )
            row.unread.add("start_date")
        if not row.values.get("dates_text") and "dates_text" in cells:
            row.values["dates_text"] = row.raw["start_date"]


# --- 基本情報 --------------------------------------------------------------------------


def survey_to_info_row(
    ctx: FileContext, survey: Survey, sheet: SheetData | None
) -> tuple[InfoRow, list[Finding]]:
    """The cells of 基本情報 the reporter types in (contact and date), typed."""
    rule = survey_rules()[SURVEY_INFO]
    row = InfoRow(file=ctx.index)
    findings: list[Finding] = []
    for col in rule.columns:
        if not col.input:
            continue  # the reporter and year are locked; the identity check reads them
        c = survey.info.get(col.key)
        row.values[col.key] = None
        if c is None:
            continue
        row.cells[col.key] = c.cell
        here = {"sheet": SURVEY_INFO, "cell": c.cell, "item": col.header}
        problem = _cell_problem(sheet, c)
        if problem:
            findings.append(ctx.finding(problem, value=raw_text(c.value), **here))
            continue
        if c.blank:
            continue
        if col.type == "date":
            try:
                row.values[col.key] = parse_date(c.value, date1904=ctx.date1904)
            except EraError:
                findings.append(ctx.finding("bad_date", value=raw_text(c.value), **here))
        else:
            row.values[col.key] = clean_text(c.value)[0] or None
    return row, findings
