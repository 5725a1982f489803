"""Check a set of returned survey workbooks: each on its own, then all together.

Stages, in order, for a set of files:
1. read each file and check what can be checked in it alone: whose and which
   year's survey it is, and every input cell normalised into typed rows
   (sorachi_etl.check.one_file; with many files, in worker processes, see
   `Reading`);
2. validate all files' rows of one sheet kind together, in one pandera call
   per kind, with the schema built from schemas/survey.toml
   (sorachi_etl.check.frames);
3. run the checks that span files: two workbooks from one reporter;
4. decide what of each file may be merged (sorachi_etl.check.accept: its
   numbers and its initiatives are separate parts; a fault in one holds back
   that part only) and turn it into a `Submission` ready to merge.

One odd file costs that file alone: anything unexpected while checking a
file (in a worker process or not, in its own checks or in the checks of all
files together) becomes a finding on that file (check_failed, its traceback
kept for --debug), and the run goes on with the others.

Nothing here writes anything.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sorachi_etl.check.accept import Candidate, newest, settle
from sorachi_etl.check.one_file import FileCheck, Setting, check_safely
from sorachi_etl.check.rows import FileContext, InfoRow, InitiativeRow, ValueRow
from sorachi_etl.intake.files import collect
from sorachi_etl.model.domain import Initiative, Master, MeasureValue, Submission
from sorachi_etl.model.findings import FileReport, Finding, Report, Skipped, finding
from sorachi_etl.model.messages import ERROR
from sorachi_etl.model.names import (
    INITIATIVE_PAST,
    SURVEY_INFO,
    SURVEY_INITIATIVES,
    SURVEY_META,
    SURVEY_VALUES,
)
from sorachi_etl.model.text import split_list

# Reading in parallel pays off only past this many files (process start-up costs ~0.1 s).
PARALLEL_FROM = 150


@dataclass
class Validation:
    """The result of checking a set of files."""

    report: Report
    submissions: list[Submission] = field(default_factory=list)
    superseded: list[str] = field(default_factory=list)  # older duplicates, not merged
    paths: dict[str, Path] = field(default_factory=dict)  # file name -> path


# The setting of a worker process, given once when the process starts.
_WORKER_SETTING = Setting()


def _start_worker(setting: Setting) -> None:
    global _WORKER_SETTING
    _WORKER_SETTING = setting


def _read_and_check(job: tuple[int, Path, str | None]) -> FileCheck:
    index, path, password = job
    return check_safely(index, path, password, _WORKER_SETTING)


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
            self._results = (check_safely(i, f, pw, setting) for i, f, pw in jobs)

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
    found = collect(paths)
    with Reading(found.files, password, workers, master=master, year=year) as reading:
        validation = validate_reading(reading, progress=progress)
    validation.report.skipped[:0] = found.skipped
    return validation


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
        self.filled_on: list[dt.date | None] = []
        self.contacts: list[dict[str, str]] = []
        self.value_rows: list[ValueRow] = []
        self.initiative_rows: list[InitiativeRow] = []
        self.info_rows: list[InfoRow] = []
        self.skipped: dict[int, Skipped] = {}  # file index -> why it is no return

    def take(self, check: FileCheck) -> None:
        if check.skipped is not None:
            self.skipped[len(self.reports)] = check.skipped
        self.reports.append(check.report)
        context = check.context  # made for this file alone: the master is put back in place
        object.__setattr__(context, "master", self.master)
        self.contexts.append(context)
        self._name(len(self.reports) - 1, check.path)
        self.modified.append(check.modified)
        self.filled_on.append(check.filled_on)
        self.contacts.append(check.contacts)
        self.value_rows += check.value_rows
        self.initiative_rows += check.initiative_rows
        if check.info_row is not None:
            self.info_rows.append(check.info_row)

    def _name(self, index: int, path: Path) -> None:
        """Record the file's path under its name; two files of one name (回収/1回目 and
        回収/2回目 both holding R6_岩見沢市_調査票.xlsx) are both named with their folder,
        so that reports, the newer-wins rule and the master tell them apart."""
        name = self.reports[index].file
        earlier = self.paths.get(name)
        if earlier is None:
            self.paths[name] = path
            return
        first = next(i for i, r in enumerate(self.reports[:index]) if r.file == name)
        del self.paths[name]
        for i, p in ((first, earlier), (index, path)):
            self._rename(i, p)

    def _rename(self, index: int, path: Path) -> None:
        old = self.reports[index].file
        new = f"{path.parent.name}/{old}"
        if new in self.paths:
            new = str(path)
        report = self.reports[index]
        report.file = new
        report.findings = [
            dataclasses.replace(f, file=new) if f.file == old else f for f in report.findings
        ]
        self.contexts[index] = dataclasses.replace(self.contexts[index], file=new)
        self.paths[new] = path

    # --- across files ----------------------------------------------------------------

    def finish(self) -> Validation:
        from sorachi_etl.check.frames import (
            info_rows_to_findings,
            initiative_rows_to_findings,
            value_rows_to_findings,
        )

        master = self.master
        for check, rows in (
            (lambda rs: value_rows_to_findings(rs, self.contexts, master), self.value_rows),
            (lambda rs: initiative_rows_to_findings(rs, self.contexts), self.initiative_rows),
            (lambda rs: info_rows_to_findings(rs, self.contexts), self.info_rows),
        ):
            for index, found in self._contained(check, rows):
                self.reports[index].findings.append(found)
        superseded = self._duplicates()
        for report in self.reports:
            report.superseded = report.file in superseded
            settle(report, superseded=report.superseded)
            report.findings = _ordered(report)
        # rows grouped by file once: a scan of all rows per file would be O(N²)
        values: dict[int, list[ValueRow]] = {}
        for r in self.value_rows:
            values.setdefault(r.file, []).append(r)
        initiatives: dict[int, list[InitiativeRow]] = {}
        for r in self.initiative_rows:
            initiatives.setdefault(r.file, []).append(r)
        submissions = []
        for index, report in enumerate(self.reports):
            if (
                report.status not in ("ok", "partial")
                or report.file in superseded
                or self.contexts[index].reporter is None
                or self.contexts[index].year is None
            ):
                continue
            try:
                submissions.append(
                    self._submission(index, values.get(index, []), initiatives.get(index, []))
                )
            except Exception:
                self._crash(index, traceback.format_exc())
        reports = [r for i, r in enumerate(self.reports) if i not in self.skipped]
        report = Report(reports, list(self.skipped.values()))
        return Validation(report, submissions, sorted(superseded), self.paths)

    def _contained(
        self, check: Callable[[list], list[tuple[int, Finding]]], rows: list
    ) -> list[tuple[int, Finding]]:
        """`check` of all files' rows at once; should it fail, file by file, so that the
        file it fails on gets a check_failed finding and the others their findings."""
        try:
            return check(rows)
        except Exception:
            pass
        by_file: dict[int, list] = {}
        for row in rows:
            by_file.setdefault(row.file, []).append(row)
        out: list[tuple[int, Finding]] = []
        for index, own in by_file.items():
            try:
                out += check(own)
            except Exception:
                self._crash(index, traceback.format_exc())
        return out

    def _crash(self, index: int, trace: str) -> None:
        """Mark a file whose checking failed unexpectedly (see `crashed`)."""
        report = self.reports[index]
        report.status = "unreadable"
        report.trace = trace
        report.findings = [
            finding("check_failed", file=report.file, reporter=report.reporter),
            *(f for f in report.findings if f.code != "check_failed"),
        ]

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
            values_accepted="values" not in report.held_back,
            initiatives_accepted="initiatives" not in report.held_back,
        )

    def _duplicates(self) -> set[str]:
        """Two workbooks from one reporter and year: the newer wins, the older is a warning.

        The newer wins even when it has errors: it is what the reporter last
        meant to send, so the older is not merged in its place. Which is newer:
        see sorachi_etl.check.accept.
        """
        groups: dict[tuple[str, int], list[int]] = {}
        for i, ctx in enumerate(self.contexts):
            report = self.reports[i]
            # a file whose places name different reporters or years is no one's for sure, and
            # a blank is no answer: refused on their own, they push no return out
            disputed = any(f.code in _NO_ANSWER for f in report.findings)
            readable = report.status != "unreadable"
            if ctx.reporter and ctx.year is not None and readable and not disputed:
                groups.setdefault((ctx.reporter, ctx.year), []).append(i)
        superseded: set[str] = set()
        for (reporter, _), indexes in groups.items():
            if len(indexes) < 2:
                continue
            winner, reasons = newest(
                [
                    Candidate(i, self.reports[i].file, self.filled_on[i], self.modified[i])
                    for i in indexes
                ]
            )
            for i, reason in reasons.items():
                superseded.add(self.reports[i].file)
                for j in (i, winner.index):
                    self.reports[j].findings.append(
                        finding(
                            "duplicate_submission",
                            file=self.reports[j].file,
                            reporter=reporter,
                            newer=winner.file,
                            older=self.reports[i].file,
                            reason=reason,
                        )
                    )
        return superseded


# Findings that make a file no answer of its reporter: its reporter or year in doubt, or
# nothing typed into it.
_NO_ANSWER = frozenset({"reporter_mismatch", "year_mismatch", "year_not_asked", "blank_survey"})


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
