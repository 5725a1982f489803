"""Check returned survey workbooks: read, normalise, validate, and decide what may be merged.

Stages, in order, for a set of files:
1. read each file (sorachi_etl.intake.read) and locate its sheets and tables by
   header text (sorachi_etl.intake.locate);
2. tell whose and which year's survey it is (_meta, 基本情報 and the file name
   must agree), then normalise every input cell (sorachi_etl.check.rows),
   keeping the raw text and the A1 reference;
   (1 and 2 are `check_file`, one file at a time: with many files, in worker
   processes, see `Reading`)
3. validate all files' rows of one sheet kind together, in one pandera call
   per kind, with the schema built from schemas/survey.toml
   (sorachi_etl.check.frames);
4. run the checks that span files: two workbooks from one reporter;
5. turn every file without errors into a `Submission` ready to merge.

Nothing here writes anything.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sorachi_etl.check.identity import name_parts, survey_identity
from sorachi_etl.check.rows import (
    FileContext,
    InfoRow,
    InitiativeRow,
    ValueRow,
    survey_to_info_row,
    survey_to_initiative_rows,
    survey_to_value_rows,
)
from sorachi_etl.intake.files import collect_files
from sorachi_etl.model.cells import a1
from sorachi_etl.model.domain import Initiative, Master, MeasureValue, Submission
from sorachi_etl.model.errors import UnreadableWorkbook
from sorachi_etl.model.findings import FileReport, Finding, Report, finding
from sorachi_etl.model.messages import ERROR
from sorachi_etl.model.names import (
    INITIATIVE_PAST,
    SURVEY_INFO,
    SURVEY_INITIATIVES,
    SURVEY_META,
    SURVEY_VALUES,
)
from sorachi_etl.model.text import raw_text, split_list, xml_safe

if TYPE_CHECKING:
    from sorachi_etl.intake.locate import Survey
    from sorachi_etl.intake.read import WorkbookData

# Reading in parallel pays off only past this many files (process start-up costs ~0.1 s).
PARALLEL_FROM = 150


@dataclass
class Validation:
    """The result of checking a set of files."""

    report: Report
    submissions: list[Submission] = field(default_factory=list)
    superseded: list[str] = field(default_factory=list)  # older duplicates, not merged
    paths: dict[str, Path] = field(default_factory=dict)  # file name -> path


# The sheets checking reads; 記入要領 (instructions only) is never looked at.
READ_SHEETS = (SURVEY_INFO, SURVEY_VALUES, SURVEY_INITIATIVES, SURVEY_META)


def _read(path: Path, password: str | None) -> WorkbookData | UnreadableWorkbook:
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


# The setting of a worker process, given once when the process starts.
_WORKER_SETTING = Setting()


def _start_worker(setting: Setting) -> None:
    global _WORKER_SETTING
    _WORKER_SETTING = setting


def _read_and_check(job: tuple[int, Path, str | None]) -> FileCheck:
    index, path, password = job
    return check_file(index, path, _read(path, password), _WORKER_SETTING)


class Reading:
    """Every file being read and checked on its own, started at once, taken in file order.

    With many files this runs in worker processes, in small batches, from the
    moment it is made: the caller can check the master with pandera meanwhile,
    then gather the results while the workers go through the rest. Use it as a
    context manager (or call `close`) so that workers stop when the caller gives
    up early. `master` and `year` are as for `validate_paths`.
    """

    def __init__(
        self,
        files: list[Path],
        password: str | None = None,
        workers: int | None = None,
        *,
        master: Master | None = None,
        year: int | None = None,
    ) -> None:
        # Imported and loaded once here, before the workers fork, not once in each.
        import xml.parsers.expat  # noqa: F401

        from sorachi_etl.model.rules import survey_rules

        survey_rules()

        self.files = list(files)
        self.setting = Setting.of(master, year)
        jobs = [(i, f, password) for i, f in enumerate(self.files)]
        workers = workers if workers is not None else (os.cpu_count() or 1)
        self._pool = None
        if workers > 1 and len(jobs) >= PARALLEL_FROM:
            from concurrent.futures import ProcessPoolExecutor

            # Small batches keep the gathering in step with the workers; 32 files are
            # ~35 ms of work, so the cost of passing a batch between processes is small.
            chunk = max(1, min(32, len(jobs) // (workers * 4)))
            self._pool = ProcessPoolExecutor(
                max_workers=workers, initializer=_start_worker, initargs=(self.setting,)
            )
            self._results: Iterator[FileCheck] = self._pool.map(
                _read_and_check, jobs, chunksize=chunk
            )
        else:
            setting = self.setting
            self._results = (check_file(i, f, _read(f, pw), setting) for i, f, pw in jobs)

    def __iter__(self) -> Iterator[FileCheck]:
        return self._results

    def close(self) -> None:
        """Stop the workers; files nobody has taken yet are not read."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Reading:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def validate_paths(
    paths: Iterable[Path],
    *,
    master: Master | None = None,
    year: int | None = None,
    password: str | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Validation:
    """Check every returned workbook under `paths`; see the module docstring for the stages.

    `progress(done, total)` is called after each file, for a progress bar.

    `master` (optional) says which reporters, measures, limits and last year's
    values to check against; `year` is the fiscal year the files must be for.
    Never raises for a file: what cannot be read is a file with status
    "unreadable" and a finding saying why.
    """
    files = collect_files(paths)
    with Reading(files, password, workers, master=master, year=year) as reading:
        return validate_reading(reading, progress=progress)


def validate_reading(
    reading: Reading,
    *,
    progress: Callable[[int, int], None] | None = None,
    announced: bool = False,
) -> Validation:
    """`validate_paths` for files whose reading has already started.

    `announced`: the caller has called progress(0, total) already.
    """
    total = len(reading.files)
    checker = _Checker(reading.setting.master)
    if progress and not announced:
        progress(0, total)
    for done, check in enumerate(reading):
        checker.take(check)
        if progress:
            progress(done + 1, total)
    return checker.finish()


class _Checker:
    """Gathers the files checked one by one, then validates all their rows at once."""

    def __init__(self, master: Master | None) -> None:
        self.master = master
        self.reports: list[FileReport] = []
        self.paths: dict[str, Path] = {}
        self.contexts: list[FileContext] = []
        self.modified: list[dt.datetime | None] = []
        self.contacts: list[dict[str, str]] = []
        self.value_rows: list[ValueRow] = []
        self.initiative_rows: list[InitiativeRow] = []
        self.info_rows: list[InfoRow] = []

    def take(self, check: FileCheck) -> None:
        self.reports.append(check.report)
        self.paths[check.path.name] = check.path
        context = check.context  # made for this file alone: the master is put back in place
        object.__setattr__(context, "master", self.master)
        self.contexts.append(context)
        self.modified.append(check.modified)
        self.contacts.append(check.contacts)
        self.value_rows += check.value_rows
        self.initiative_rows += check.initiative_rows
        if check.info_row is not None:
            self.info_rows.append(check.info_row)

    # --- across files ----------------------------------------------------------------

    def finish(self) -> Validation:
        from sorachi_etl.check.frames import (
            info_rows_to_findings,
            initiative_rows_to_findings,
            value_rows_to_findings,
        )

        for index, found in (
            value_rows_to_findings(self.value_rows, self.contexts, self.master)
            + initiative_rows_to_findings(self.initiative_rows, self.contexts)
            + info_rows_to_findings(self.info_rows, self.contexts)
        ):
            self.reports[index].findings.append(found)
        superseded = self._duplicates()
        for report in self.reports:
            if report.status != "unreadable" and report.errors:
                report.status = "invalid"
            report.findings = _ordered(report)
        # rows grouped by file once: a scan of all rows per file would be O(N²)
        values: dict[int, list[ValueRow]] = {}
        for r in self.value_rows:
            values.setdefault(r.file, []).append(r)
        initiatives: dict[int, list[InitiativeRow]] = {}
        for r in self.initiative_rows:
            initiatives.setdefault(r.file, []).append(r)
        submissions = [
            self._submission(index, values.get(index, []), initiatives.get(index, []))
            for index, report in enumerate(self.reports)
            if report.status == "ok"
            and report.file not in superseded
            and self.contexts[index].reporter is not None
            and self.contexts[index].year is not None
        ]
        return Validation(Report(self.reports), submissions, sorted(superseded), self.paths)

    def _submission(
        self, index: int, values: list[ValueRow], initiatives: list[InitiativeRow]
    ) -> Submission:
        ctx = self.contexts[index]
        report = self.reports[index]
        assert ctx.reporter is not None and ctx.year is not None
        return Submission(
            file=report.file,
            sha256=report.sha256,
            reporter=ctx.reporter,
            year=ctx.year,
            values=[
                MeasureValue(r.measure, ctx.reporter, ctx.year, r.value, r.status, r.note)
                for r in values
            ],
            initiatives=[_initiative(r, ctx.reporter, ctx.year) for r in initiatives],
            contact=self.contacts[index],
            modified=self.modified[index],
        )

    def _duplicates(self) -> set[str]:
        """Two workbooks from one reporter and year: the newer wins, the older is a warning.

        The newer wins even when it has errors: it is what the reporter last
        meant to send, so the older is not merged in its place.
        """
        groups: dict[tuple[str, int], list[int]] = {}
        for i, ctx in enumerate(self.contexts):
            if ctx.reporter and ctx.year is not None and self.reports[i].status != "unreadable":
                groups.setdefault((ctx.reporter, ctx.year), []).append(i)
        superseded: set[str] = set()
        for (reporter, _), indexes in groups.items():
            if len(indexes) < 2:
                continue
            ordered = sorted(
                indexes, key=lambda i: (self.modified[i] or dt.datetime.min, self.reports[i].file)
            )
            newest = ordered[-1]
            for i in ordered[:-1]:
                superseded.add(self.reports[i].file)
                for j in (i, newest):
                    self.reports[j].findings.append(
                        finding(
                            "duplicate_submission",
                            file=self.reports[j].file,
                            reporter=reporter,
                            newer=self.reports[newest].file,
                            older=self.reports[i].file,
                        )
                    )
        return superseded


def check_file(
    index: int, path: Path, wb: WorkbookData | UnreadableWorkbook, setting: Setting
) -> FileCheck:
    """Everything that can be checked in one file alone (stages 2 and 3 up to pandera)."""
    name_reporter, name_year = name_parts(path)
    report = FileReport(file=path.name, reporter=name_reporter, year=name_year)
    check = FileCheck(path, report, FileContext(index, path.name))
    recorded, odd = xml_safe(path.name)
    if odd:  # the master's records (出典ファイル, 取込履歴) get the name without them
        report.findings.append(
            finding("file_name_chars", file=path.name, reporter=name_reporter, name=recorded)
        )
    mtime = getattr(wb, "modified", None)
    with contextlib.suppress(OSError):
        check.modified = dt.datetime.fromtimestamp(path.stat().st_mtime if mtime is None else mtime)
    if isinstance(wb, UnreadableWorkbook):
        report.status = "unreadable"
        report.findings.append(
            Finding(
                code=wb.code,
                message=str(wb),
                severity=ERROR,
                file=path.name,
                reporter=name_reporter,
            )
        )
        return check
    report.sha256 = wb.sha256
    from sorachi_etl.intake.locate import workbook_to_survey

    survey = workbook_to_survey(wb)
    if not survey.is_survey:
        report.status = "unreadable"
        report.findings.append(
            finding(
                "not_survey",
                file=path.name,
                reporter=name_reporter,
                detail=_not_survey_detail(survey, wb),
            )
        )
        return check
    add = report.findings.extend
    add(survey.structure_findings(path.name))
    reporter, year = survey_identity(path, survey, report, setting)
    report.reporter = reporter or report.reporter
    report.year = year if year is not None else report.year
    ctx = FileContext(index, path.name, reporter, year, setting.master, bool(wb.date1904))
    if wb.date1904:
        add([ctx.finding("date1904")])
    for sheet_name in (SURVEY_VALUES, SURVEY_INITIATIVES, SURVEY_INFO):
        sheet = wb.sheets.get(sheet_name)
        if sheet is not None and sheet.state != "visible":
            add([ctx.finding("hidden_content", sheet=sheet_name)])
    add(_table_layout_findings(ctx, survey, wb))
    check.contacts = {k: raw_text(v.value) for k, v in survey.info.items()}

    check.value_rows, found = survey_to_value_rows(ctx, survey, wb.sheets.get(SURVEY_VALUES))
    add(found)
    check.initiative_rows, found = survey_to_initiative_rows(
        ctx, survey, wb.sheets.get(SURVEY_INITIATIVES)
    )
    add(found)
    if SURVEY_INFO in wb.sheets:
        check.info_row, found = survey_to_info_row(ctx, survey, wb.sheets.get(SURVEY_INFO))
        add(found)
    # the master stays where it is: a worker process sends back only this file's results
    check.context = dataclasses.replace(ctx, master=None)
    return check


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


def _initiative(row: InitiativeRow, reporter: str, year: int) -> Initiative:
    v = row.values
    # a survey reports what was done in its year: past results (実績)
    return Initiative(
        reporter=reporter,
        year=year,
        kind=INITIATIVE_PAST,
        project=int(v.get("project") or 0),
        title=v.get("title") or "",
        implementers=split_list(v.get("implementers")),
        start_date=v.get("start_date"),
        end_date=v.get("end_date"),
        dates_text=v.get("dates_text") or "",
        venue=v.get("venue") or "",
        summary=v.get("summary") or "",
        outcome_label=v.get("outcome_label") or "",
        outcome_value=v.get("outcome_value"),
        outcome_unit=row.outcome_unit,
    )


def _not_survey_detail(survey: Survey, wb: WorkbookData) -> str:
    """Why a workbook is not one of our surveys, naming the sheets it does have."""
    names = [_shown(n) for n in (wb.sheet_names or list(wb.sheets))]
    listed = "・".join(f"「{n}」" for n in names[:5])
    if len(names) > 5:
        listed += f"ほか{len(names) - 5}枚"
    reason = survey.not_survey_reason()
    return f"{reason}。このファイルのシート: {listed}" if listed else reason


def _shown(name: str) -> str:
    text = "".join(ch if ch.isprintable() else "?" for ch in name)
    return text if len(text) <= 30 else text[:29] + "…"


def _ordered(report: FileReport) -> list[Finding]:
    """Errors before warnings, then by sheet and cell (row first); the reporter filled in."""
    found = [
        f if f.reporter or not report.reporter else dataclasses.replace(f, reporter=report.reporter)
        for f in report.findings
    ]
    sheets = (SURVEY_INFO, SURVEY_VALUES, SURVEY_INITIATIVES, SURVEY_META)
    return sorted(
        found,
        key=lambda f: (
            f.severity != ERROR,
            f.sheet is not None,
            sheets.index(f.sheet) if f.sheet in sheets else len(sheets),
            _cell_order(f.cell),
        ),
    )


def _cell_order(cell: str | None) -> tuple[int, int]:
    if not cell:
        return (0, 0)
    m = re.match(r"([A-Z]+)(\d+)$", cell)
    if not m:
        return (0, 0)
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return (int(m.group(2)), col)
