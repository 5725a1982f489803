"""One returned file checked on its own: read it, tell whose it is, normalise its cells.

This is what runs for each file, in a worker process when there are many
(sorachi_etl.check.validate runs it over a set of files and does the checks
that need all files at once):

1. read the file (sorachi_etl.intake.read) and locate its sheets and tables by
   header text (sorachi_etl.intake.locate); a file that cannot be read, the
   master put among the returns, or a workbook that is no survey stops here;
2. tell whose and which year's survey it is (_meta, 基本情報 and the file name
   must agree, sorachi_etl.check.identity), note what about the workbook
   itself hides or changes what the sender sees, then normalise every input
   cell into typed rows (sorachi_etl.check.value_rows, initiative_rows, rows),
   keeping the raw text and the A1 reference.

Anything unexpected while checking a file becomes a finding on that file
(`check_safely`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import re
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sorachi_etl.check.identity import name_parts, sender_of, survey_identity
from sorachi_etl.check.initiative_rows import survey_to_initiative_rows
from sorachi_etl.check.rows import FileContext, InfoRow, InitiativeRow, ValueRow, survey_to_info_row
from sorachi_etl.check.value_rows import survey_to_value_rows
from sorachi_etl.model.cells import a1
from sorachi_etl.model.domain import Master
from sorachi_etl.model.errors import UnreadableWorkbook
from sorachi_etl.model.findings import FileReport, Finding, Skipped, finding
from sorachi_etl.model.messages import ERROR, message, phrase
from sorachi_etl.model.names import (
    SURVEY_INFO,
    SURVEY_INITIATIVES,
    SURVEY_META,
    SURVEY_VALUES,
    workbook_role,
)
from sorachi_etl.model.text import raw_text, xml_safe

if TYPE_CHECKING:
    from sorachi_etl.intake.locate import Survey
    from sorachi_etl.intake.read import WorkbookData

# The sheets checking reads; 記入要領 (instructions only) is never looked at.
READ_SHEETS = (SURVEY_INFO, SURVEY_VALUES, SURVEY_INITIATIVES, SURVEY_META)


def _read_or_refusal(path: Path, password: str | None) -> WorkbookData | UnreadableWorkbook:
    """Read one file; the UnreadableWorkbook raised is returned, not raised."""
    from sorachi_etl.intake.read import read_workbook

    try:
        return read_workbook(path, password=password, sheets=READ_SHEETS)
    except UnreadableWorkbook as exc:
        return exc


@dataclass(frozen=True)
class Setting:
    """What checking any one file needs to know: the same for every file of a run."""

    master: Master | None = None
    year: int | None = None  # the fiscal year the files must be for (None: any)
    # the latest year figures were merged for, to notice a form of an earlier year
    current_year: int | None = None
    known: frozenset[str] = frozenset()  # reporter names of the master

    @classmethod
    def of(cls, master: Master | None, year: int | None) -> Setting:
        if master is None:
            return cls(None, year)
        return cls(
            master,
            year,
            max((v.year for v in master.measure_values), default=None),
            frozenset(r.name for r in master.reporters),
        )


@dataclass
class FileCheck:
    """One file read and checked on its own; the checks across files come after."""

    path: Path
    report: FileReport
    context: FileContext  # without the master: the gatherer puts its own back
    modified: dt.datetime | None = None
    contacts: dict[str, str] = field(default_factory=dict)
    value_rows: list[ValueRow] = field(default_factory=list)
    initiative_rows: list[InitiativeRow] = field(default_factory=list)
    info_row: InfoRow | None = None
    skipped: Skipped | None = None  # not a return after all (a master workbook)

    @property
    def filled_on(self) -> dt.date | None:
        """記入日 of 基本情報, when it was read as a date."""
        value = self.info_row.values.get("filled_on") if self.info_row else None
        return value if isinstance(value, dt.date) else None


def check_safely(index: int, path: Path, password: str | None, setting: Setting) -> FileCheck:
    """`check_file` of one file read; anything unexpected becomes a finding on that file."""
    try:
        return check_file(index, path, _read_or_refusal(path, password), setting)
    except Exception:  # one odd file costs that file alone (MemoryError, RecursionError too)
        return crashed(index, path, setting, traceback.format_exc())


def crashed(index: int, path: Path, setting: Setting, trace: str) -> FileCheck:
    """A file whose checking failed unexpectedly: unreadable, tied to its sender by its name."""
    name = shown_name(path)
    reporter, year = sender_of(path, None, setting)
    report = FileReport(file=name, reporter=reporter, year=year, status="unreadable", trace=trace)
    report.findings.append(finding("check_failed", file=name, reporter=reporter))
    return FileCheck(path, report, FileContext(index, name))


def shown_name(path: Path) -> str:
    """The file's name as reports and the master show it: without characters XML forbids,
    and on one line (a break in a name split the reminder pasted into a mail)."""
    return _LINE_BREAKS.sub(" ", xml_safe(path.name)[0])


# What ends a line in a terminal, a mail or a cell: CR, LF, tab, NEL, U+2028/U+2029.
_LINE_BREAKS = re.compile("[\r\n\t\x85\u2028\u2029]+")


def check_file(
    index: int, path: Path, wb: WorkbookData | UnreadableWorkbook, setting: Setting
) -> FileCheck:
    """Everything that can be checked in one file alone, up to pandera.

    Takes the file's place in the run, its path, the workbook as read (or why it
    could not be read) and the setting of the run; gives the file's report and,
    for a survey, its rows normalised.
    """
    check = _file_check(index, path, wb)
    if isinstance(wb, UnreadableWorkbook):
        return _refused(check, wb, setting)
    check.report.sha256 = wb.sha256
    if workbook_role(wb.sheet_names or wb.sheets) == "master":
        # the master (or a backup of it) put among the returns: told, never chased
        check.report.status = "unreadable"
        check.skipped = Skipped(path.name, "not_survey", "master", phrase("master_workbook"))
        return check
    from sorachi_etl.intake.locate import row_caps, workbook_to_survey

    measures = len(setting.master.measures) if setting.master else 0
    survey = workbook_to_survey(wb, row_caps(measures))
    if not survey.is_survey:
        return _not_a_survey(check, survey, wb, setting)
    ctx = _identified(check, survey, setting, bool(wb.date1904))
    blank = _nothing_typed(survey)
    check.report.findings.extend(_workbook_findings(ctx, survey, wb, blank))
    check.contacts = {k: raw_text(v.value) for k, v in survey.info.items()}
    if not blank:  # a blank is refused whole, by one finding, not one per row
        _survey_to_rows(check, ctx, survey, wb)
    # the master stays where it is: a worker process sends back only this file's results
    check.context = dataclasses.replace(ctx, master=None)
    return check


def _file_check(index: int, path: Path, wb: WorkbookData | UnreadableWorkbook) -> FileCheck:
    """A file's check begun: its name as shown, who and which year its name says, its time."""
    name = shown_name(path)
    name_reporter, name_year = name_parts(path)
    report = FileReport(file=name, reporter=name_reporter, year=name_year)
    check = FileCheck(path, report, FileContext(index, name))
    if name != path.name:
        report.findings.append(finding("file_name_chars", file=name, name=name))
    mtime = getattr(wb, "modified", None)
    with contextlib.suppress(OSError):
        check.modified = dt.datetime.fromtimestamp(path.stat().st_mtime if mtime is None else mtime)
    return check


def _refused(check: FileCheck, wb: UnreadableWorkbook, setting: Setting) -> FileCheck:
    """A file the reading stage refused, the refusal first among its findings."""
    report = _unreadable(check, _salvaged(check.path, wb.code), setting)
    refusal = Finding(
        code=wb.code, message=str(wb), severity=ERROR, file=report.file, reporter=report.reporter
    )
    report.findings.insert(0, refusal)
    return check


def _not_a_survey(
    check: FileCheck, survey: Survey, wb: WorkbookData, setting: Setting
) -> FileCheck:
    """A workbook that is not one of our surveys, with why and the sheets it does have."""
    report = _unreadable(check, None, setting)
    detail = _not_survey_detail(survey, wb)
    report.findings.insert(
        0, finding("not_survey", file=report.file, reporter=report.reporter, detail=detail)
    )
    return check


def _unreadable(check: FileCheck, salvaged: Survey | None, setting: Setting) -> FileReport:
    """The report of a file the tool cannot take, marked so and still tied to its sender
    wherever anything tells: such a file is never reported as not sent."""
    report = check.report
    report.status = "unreadable"
    report.reporter, year = sender_of(check.path, salvaged, setting)
    report.year = year if year is not None else report.year
    return report


def _identified(check: FileCheck, survey: Survey, setting: Setting, date1904: bool) -> FileContext:
    """Whose and which year's survey this is, told to the report; the context to check it in."""
    report = check.report
    report.findings.extend(survey.structure_findings(report.file))
    reporter, year = survey_identity(check.path, survey, report, setting, file=report.file)
    report.reporter = reporter or report.reporter
    report.year = year if year is not None else report.year
    return FileContext(check.context.index, report.file, reporter, year, setting.master, date1904)


def _workbook_findings(
    ctx: FileContext, survey: Survey, wb: WorkbookData, blank: bool
) -> list[Finding]:
    """What about the workbook itself changes or hides what its sender sees or meant."""
    out = []
    if wb.format != "xlsx":
        label = phrase("format_xls") if wb.format == "xls" else phrase("format_ods")
        out.append(ctx.finding("legacy_format", format=label))
    if wb.date1904:
        out.append(ctx.finding("date1904"))
    for sheet_name in (SURVEY_VALUES, SURVEY_INITIATIVES, SURVEY_INFO):
        sheet = wb.sheets.get(sheet_name)
        if sheet is not None and sheet.state != "visible":
            out.append(ctx.finding("hidden_content", sheet=sheet_name))
    if blank:
        out.append(ctx.finding("blank_survey"))
    return out + _table_layout_findings(ctx, survey, wb) + _overflow_findings(ctx, survey)


# The cells of a 調査実績 row a reporter types into.
_TYPED_KEYS = ("value", "status", "note")


def _nothing_typed(survey: Survey) -> bool:
    """A survey returned as it was sent: not a figure, 状態 or 備考, and no initiative. Its
    empty 取組 table is no answer: taken as one, it would wipe the initiatives merged
    from the reporter's earlier return (a blank is what the wrong attachment looks like)."""
    if not survey.value_rows or survey.initiative_rows:
        return False
    return all(row[key].blank for row in survey.value_rows for key in _TYPED_KEYS if key in row)


def _survey_to_rows(check: FileCheck, ctx: FileContext, survey: Survey, wb: WorkbookData) -> None:
    """Every input cell of the survey normalised into `check`'s rows, with their findings."""
    add = check.report.findings.extend
    # A table past its row cap is refused whole, before any per-row work.
    if SURVEY_VALUES not in survey.overflow:
        check.value_rows, found = survey_to_value_rows(ctx, survey, wb.sheets.get(SURVEY_VALUES))
        add(found)
    if SURVEY_INITIATIVES not in survey.overflow:
        check.initiative_rows, found = survey_to_initiative_rows(
            ctx, survey, wb.sheets.get(SURVEY_INITIATIVES)
        )
        add(found)
    if SURVEY_INFO in wb.sheets:
        check.info_row, found = survey_to_info_row(ctx, survey, wb.sheets.get(SURVEY_INFO))
        add(found)


def _salvaged(path: Path, code: str) -> Survey | None:
    """The _meta and 基本情報 of a refused file, when they can still be read safely."""
    if code in ("empty_file", "encrypted", "wrong_password"):
        return None  # nothing there to read, or nothing readable without the password
    from sorachi_etl.intake.locate import workbook_to_survey
    from sorachi_etl.intake.read import salvage

    book = salvage(path, (SURVEY_INFO, SURVEY_META))
    return workbook_to_survey(book) if book is not None else None


_OVERFLOW_ADVICE = {SURVEY_VALUES: "hint_rows_values", SURVEY_INITIATIVES: "hint_rows_initiatives"}


def _overflow_findings(ctx: FileContext, survey: Survey) -> list[Finding]:
    from sorachi_etl.intake.locate import row_caps

    out = []
    caps = row_caps(len(ctx.master.measures) if ctx.master else 0)
    for sheet, (count, row0) in survey.overflow.items():
        column = min(survey.columns.get(sheet, {0: 0}).values())
        out.append(
            ctx.finding(
                "too_many_rows",
                sheet=sheet,
                cell=a1(row0, column),
                count=f"{count:,}",
                limit=f"{caps[sheet]:,}",
                what=message(_OVERFLOW_ADVICE[sheet], limit=caps[sheet]),
            )
        )
    return out


def _table_layout_findings(ctx: FileContext, survey: Survey, wb: WorkbookData) -> list[Finding]:
    """Rows hidden, or cells merged, inside an input table: what the sender sees is not what is read."""
    out: list[Finding] = []
    for name, rows in (
        (SURVEY_VALUES, survey.value_rows),
        (SURVEY_INITIATIVES, survey.initiative_rows),
    ):
        sheet = wb.sheets.get(name)
        columns = survey.columns.get(name)
        header = survey.header_rows.get(name)
        if sheet is None or not columns or header is None:
            continue
        lo, hi = min(columns.values()), max(columns.values())
        data_rows = sorted({cell.row0 for row in rows for cell in row.values()})
        last = data_rows[-1] if data_rows else header
        for r in data_rows:
            if r in sheet.hidden_rows:
                out.append(ctx.finding("hidden_content", sheet=name, cell=a1(r, lo)))
        for top, left, bottom, right in sheet.merged:
            if top <= last and bottom > header and left <= hi and right >= lo:
                out.append(
                    ctx.finding(
                        "merged_input", sheet=name, cell=a1(max(top, header + 1), max(left, lo))
                    )
                )
    return out


def _not_survey_detail(survey: Survey, wb: WorkbookData) -> str:
    """Why a workbook is not one of our surveys, naming the sheets it does have."""
    names = [_shown(n) for n in (wb.sheet_names or list(wb.sheets))]
    listed = "・".join(phrase("quoted", name=n) for n in names[:5])
    if len(names) > 5:
        listed += phrase("and_more_sheets", count=len(names) - 5)
    reason = survey.not_survey_reason()
    return phrase("not_survey_sheets_here", reason=reason, sheets=listed) if listed else reason


def _shown(name: str) -> str:
    text = "".join(ch if ch.isprintable() else "?" for ch in name)
    return text if len(text) <= 30 else text[:29] + "…"
