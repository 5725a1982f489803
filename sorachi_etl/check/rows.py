"""The typed rows of a return, what reading any of its cells shares, and its 基本情報.

Normalising stage of validation: one returned survey's raw cells -> typed rows
and findings. The readers (value_rows.py for 調査実績, initiative_rows.py for
取組, `survey_to_info_row` here for 基本情報) each take one file's `Survey` (raw
cells, located by header text) and give typed rows that keep the A1
reference of every cell, plus the findings that belong to single cells: what
cannot be read as its type (not a number, an Excel error, a formula without a
value, a bad date), and what one row says against itself (a value with status
集計中, 確定 with no value). Rules over columns (minimum, maximum, length,
required, unique) are not checked here: frames.py checks them for all files at
once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sorachi_etl.model.eras import EraError, parse_date
from sorachi_etl.model.findings import Finding, finding
from sorachi_etl.model.names import SURVEY_INFO
from sorachi_etl.model.rules import survey_rules
from sorachi_etl.model.text import clean_text, raw_text

if TYPE_CHECKING:
    from sorachi_etl.intake.locate import RawCell, Survey
    from sorachi_etl.intake.read import SheetData
    from sorachi_etl.model.domain import Master


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


def ymd(day: dt.date) -> str:
    """2024-09-16 -> "2024/9/16", as clerks write dates (strftime's %-d is not portable)."""
    return f"{day.year}/{day.month}/{day.day}"


def cell_problem(sheet: SheetData | None, cell: RawCell) -> str | None:
    """A catalogue code when the cell holds an Excel error or a formula never calculated."""
    if sheet is None:
        return None
    pos = (cell.row0, cell.col0)
    if pos in sheet.no_cached_value:
        return "formula_no_value"
    if pos in sheet.errors:
        return "excel_error"
    return None


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
        problem = cell_problem(sheet, c)
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
