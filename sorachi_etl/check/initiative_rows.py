"""The 取組 rows of one return, each cell read as its column's type (schemas/survey.toml).

A project is read from its name, short name, number or circled number; a date
or a range of days from what clerks type (a range in 開始日 gives the end date
too); a blank 実施主体 in a reporter's own return is the reporter itself.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import TYPE_CHECKING, Any

from sorachi_etl.check.normalize import parse_number
from sorachi_etl.check.rows import FileContext, InitiativeRow, cell_problem, ymd
from sorachi_etl.model.eras import EraError, format_date_ja, parse_date, parse_date_range
from sorachi_etl.model.findings import Finding
from sorachi_etl.model.names import SURVEY_INITIATIVES
from sorachi_etl.model.rules import ColumnRule, survey_rules
from sorachi_etl.model.text import clean_text, raw_text

if TYPE_CHECKING:
    from sorachi_etl.intake.locate import RawCell, Survey
    from sorachi_etl.intake.read import SheetData
    from sorachi_etl.model.domain import Master

_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_PROJECT_CIRCLED = re.compile(rf"^([{_CIRCLED}])")
# A project number: a few ASCII digits (after NFKC), not a 4,301-digit int() would refuse.
_PROJECT_NO = re.compile(r"^([0-9]{1,6})(?![0-9])")
# What follows the number in an outcome value ("約46万回" -> "回").
_OUTCOME_UNIT = re.compile(r"[^\d,.\s万千億約]+$")


def _as_date(value: dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


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
        problem = cell_problem(self.sheet, c)
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
                    item=self.rule.column("start_date").header,
                    value=row.raw["start_date"],
                    end=ymd(end),
                )
            )
            row.unread.add("start_date")
        if not row.values.get("dates_text") and "dates_text" in cells:
            row.values["dates_text"] = row.raw["start_date"]
