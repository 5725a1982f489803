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

from sorachi_etl.check.normalize import parse_number, parse_status
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
from sorachi_etl.model.rules import survey_rules
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
    master = ctx.master
    expected: dict[str, Measure] = {}
    known: dict[str, Measure] = {}
    if master is not None:
        known = {m.id: m for m in master.measures}
        if ctx.reporter:
            expected = {m.id: m for m in master.measures_for(ctx.reporter)}
    rows: list[ValueRow] = []
    findings: list[Finding] = []
    add = findings.append
    seen: dict[str, str] = {}
    for raw in survey.value_rows:
        cells = {k: c for k, c in raw.items() if c is not None}
        row0 = next(iter(cells.values())).row0
        where = {k: c.cell for k, c in cells.items()}
        measure_cell = cells.get("measure")
        mid = raw_text(measure_cell.value).strip() if measure_cell else ""
        name_cell = cells.get("measure_name")
        typed_name = clean_text(name_cell.value)[0] if name_cell else ""
        if not mid:
            value_cell = cells.get("value")
            if value_cell is not None and not value_cell.blank:
                add(ctx.finding("empty_row", sheet=SURVEY_VALUES, cell=value_cell.cell))
            continue
        measure = known.get(mid)
        if master is not None and (measure is None or (expected and mid not in expected)):
            add(
                ctx.finding(
                    "unknown_measure",
                    sheet=SURVEY_VALUES,
                    cell=where.get("measure"),
                    value=typed_name or mid,
                )
            )
            continue
        item = measure.name if measure else (typed_name or mid)
        if mid in seen:
            add(
                ctx.finding(
                    "duplicate_measure",
                    sheet=SURVEY_VALUES,
                    cell=where.get("measure"),
                    item=item,
                    value=mid,
                    first=seen[mid],
                )
            )
            continue
        seen[mid] = where.get("measure", a1(row0, 0))
        unit_cell = cells.get("unit")
        unit = (
            measure.unit if measure else (raw_text(unit_cell.value).strip() if unit_cell else None)
        )
        row = _value_row(ctx, sheet, cells, mid, item, unit or None, findings)
        if row is not None:
            rows.append(row)
    if sheet is None or SURVEY_VALUES not in survey.columns:
        return rows, findings  # the missing sheet or table is reported once, not row by row
    for mid, measure in expected.items():
        if mid not in seen:
            add(ctx.finding("missing_measure", sheet=SURVEY_VALUES, item=measure.name, value=mid))
    if master is None:
        # without a master, the measure ids the template wrote into _meta say what is expected
        for mid in split_list(survey.meta.get("measures")):
            if mid not in seen:
                add(ctx.finding("missing_measure", sheet=SURVEY_VALUES, item=mid, value=mid))
    return rows, findings


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
    add = findings.append
    value_cell, status_cell, note_cell = cells.get("value"), cells.get("status"), cells.get("note")
    row0 = next(iter(cells.values())).row0
    value_col = value_cell.col0 if value_cell else 0
    where = a1(row0, value_col)
    status_where = status_cell.cell if status_cell else a1(row0, value_col + 1)
    here = {"sheet": SURVEY_VALUES, "item": item}
    ok = True

    status_raw = status_cell.value if status_cell else None
    try:
        status = parse_status(status_raw)
    except ValueError:
        add(ctx.finding("unknown_status", cell=status_where, value=raw_text(status_raw), **here))
        status, ok = None, False

    note, had_control = clean_text(note_cell.value if note_cell else None)
    if had_control:
        add(ctx.finding("control_chars", cell=note_cell.cell, **here))

    raw_value = value_cell.value if value_cell else None
    problem = _cell_problem(sheet, value_cell) if value_cell else None
    cell = parse_number(raw_value, unit)
    if problem == "formula_no_value":
        add(ctx.finding(problem, cell=where, **here))
        return None
    if cell.kind == "invalid":
        code = "excel_error" if problem == "excel_error" else (cell.code or "not_a_number")
        add(ctx.finding(code, cell=where, value=cell.raw, unit=unit or "", **here))
        return None
    if cell.approximate:
        add(ctx.finding("approximate_value", cell=where, value=cell.raw, **here))
        return None
    if not ok:
        return None
    if (
        sheet is not None
        and value_cell is not None
        and (value_cell.row0, value_cell.col0) in sheet.formulas
        and cell.kind == "number"
        and cell.number == 0
    ):
        add(ctx.finding("faked_formula_value", cell=where, value=cell.raw, **here))

    number: float | None = None
    if cell.kind in ("pending", "na"):
        typed = STATUS_PENDING if cell.kind == "pending" else STATUS_NA
        if status == STATUS_CONFIRMED:
            add(ctx.finding("status_conflict", cell=where, value=cell.raw, typed=typed, **here))
            return None
        status = status or typed
    elif cell.kind == "blank":
        if status is None:
            add(ctx.finding("value_missing", cell=where, **here))
            return None
        if status == STATUS_CONFIRMED:
            add(ctx.finding("status_without_value", cell=where, **here))
            return None
    else:
        if status in (STATUS_PENDING, STATUS_NA):
            add(
                ctx.finding("pending_with_value", cell=where, value=cell.raw, status=status, **here)
            )
            return None
        if status is None:
            add(ctx.finding("status_missing", cell=status_where, **here))
            status = STATUS_CONFIRMED
        number = cell.number

    previous_cell = cells.get("previous")
    previous = parse_number(previous_cell.value) if previous_cell else None
    return ValueRow(
        file=ctx.index,
        measure=mid,
        item=item,
        value=number,
        status=status,
        note=note,
        raw=cell.raw,
        cells={k: c.cell for k, c in cells.items()} | {"value": where, "status": status_where},
        shown_previous=previous.number if previous and previous.kind == "number" else None,
    )


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
    """The 取組 rows of one file, each cell read as its column's type (schemas/survey.toml)."""
    rule = survey_rules()[SURVEY_INITIATIVES]
    projects = _projects(ctx.master)
    rows: list[InitiativeRow] = []
    findings: list[Finding] = []
    add = findings.append
    for raw in survey.initiative_rows:
        cells = {k: c for k, c in raw.items() if c is not None}
        if all(c.blank for c in cells.values()):
            continue
        values: dict[str, Any] = {}
        texts: dict[str, str] = {}
        ranges: dict[str, tuple[dt.date, dt.date | None]] = {}
        unread: set[str] = set()
        unit = ""
        for col in rule.columns:
            c = cells.get(col.key)
            values[col.key] = None
            if c is None:
                continue
            texts[col.key] = raw_text(c.value).strip()
            here = {"sheet": SURVEY_INITIATIVES, "cell": c.cell, "item": col.header}
            problem = _cell_problem(sheet, c)
            if problem:
                add(ctx.finding(problem, value=raw_text(c.value), **here))
                unread.add(col.key)
                continue
            if c.blank:
                continue
            if col.type == "text":
                if isinstance(c.value, dt.date):
                    # Excel turns 9/16 typed into 日程（表示用） into a date: show it as one
                    values[col.key] = format_date_ja(_as_date(c.value))
                    continue
                text, had_control = clean_text(c.value)
                if had_control:
                    add(ctx.finding("control_chars", **here))
                values[col.key] = text or None
            elif col.type == "project":
                text = clean_text(c.value)[0]
                no = _project_no(text, projects, ctx.master)
                if no is None:
                    add(ctx.finding("unknown_project", value=text, **here))
                    unread.add(col.key)
                values[col.key] = no
            elif col.type == "date":
                try:
                    values[col.key] = parse_date(c.value, date1904=ctx.date1904)
                except EraError:
                    try:
                        first, last = parse_date_range(c.value, date1904=ctx.date1904)
                        ranges[col.key] = (first, last)
                        # a range stands for its first day as a start, its last as an end
                        values[col.key] = (last or first) if col.key == "end_date" else first
                    except EraError:
                        add(ctx.finding("bad_date", value=raw_text(c.value), **here))
                        unread.add(col.key)
            elif col.type == "number":
                number = parse_number(c.value)
                if number.kind == "number":
                    values[col.key] = number.number
                    m = _OUTCOME_UNIT.search(raw_text(c.value).strip())
                    unit = m.group(0) if m else ""
                elif number.kind != "blank":
                    add(ctx.finding(number.code or "not_a_number", value=number.raw, **here))
                    unread.add(col.key)
        # A blank 実施主体 in a reporter's own return: the reporter itself did it.
        implementers = cells.get("implementers")
        if (
            values.get("implementers") is None
            and implementers is not None
            and "implementers" not in unread
            and ctx.reporter
        ):
            values["implementers"] = ctx.reporter
            add(
                ctx.finding(
                    "implementer_defaulted",
                    sheet=SURVEY_INITIATIVES,
                    cell=implementers.cell,
                    item=rule.column("implementers").header,
                    value=ctx.reporter,
                )
            )
        # A range typed into 開始日 ("令和5年9月16日～17日") gives the end date too.
        start_range = ranges.get("start_date")
        if start_range and start_range[1] is not None:
            end = values.get("end_date")
            if end is None and texts.get("end_date", "") == "":
                values["end_date"] = start_range[1]
            elif end is not None and end != start_range[1]:
                add(
                    ctx.finding(
                        "date_range_conflict",
                        sheet=SURVEY_INITIATIVES,
                        cell=cells["start_date"].cell,
                        item="開始日",
                        value=texts["start_date"],
                        end=ymd(end),
                    )
                )
                unread.add("start_date")
            if not values.get("dates_text") and "dates_text" in cells:
                values["dates_text"] = texts["start_date"]
        rows.append(
            InitiativeRow(
                file=ctx.index,
                values=values,
                raw=texts,
                cells={k: c.cell for k, c in cells.items()},
                outcome_unit=unit,
                unread=unread,
            )
        )
    return rows, findings


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
