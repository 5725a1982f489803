"""Check returned survey workbooks: read, normalise, validate, and decide what may be merged.

Stages, in order, for a set of files:
1. read each file (sorachi_etl.read; in parallel for many files) and locate its
   sheets and tables by header text (sorachi_etl.survey);
2. normalise every input cell (sorachi_etl.normalize), keeping the raw text;
3. validate all files' rows of one kind together, in one pandera call per kind,
   with the schema built from schemas/survey.toml, and map failures back to
   file, sheet and A1 cell;
4. run the checks that span rows and files (missing or duplicate measures,
   reporter or year mismatch, two workbooks from one reporter, large changes);
5. turn every file without errors into a `Submission` ready to merge.

Nothing here writes anything.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sorachi_etl.cells import a1
from sorachi_etl.domain import Initiative, Master, MeasureValue, Submission
from sorachi_etl.eras import (
    EraError,
    fiscal_year_bounds,
    format_fiscal_year,
    parse_date,
    parse_fiscal_year,
)
from sorachi_etl.errors import ERROR, FileReport, Finding, Report, UnreadableWorkbook, finding
from sorachi_etl.names import (
    INITIATIVE_PAST,
    STATUS_CONFIRMED,
    STATUS_NA,
    STATUS_PENDING,
    SURVEY_INFO,
    SURVEY_INITIATIVES,
    SURVEY_VALUES,
    TEMPLATE_VERSION,
)
from sorachi_etl.normalize import clean_text, parse_number, parse_status, raw_text, split_list
from sorachi_etl.rules import survey_rules

# Files in a folder that are never returned surveys.
_SKIP_PREFIXES = ("~$", ".~lock.", ".")
_FILE_NAME = re.compile(r"^(?P<year>[^_]+)_(?P<reporter>[^_]+)_調査票")
# Reading in parallel pays off only past this many files (process start-up costs ~0.1 s).
PARALLEL_FROM = 150


@dataclass
class Validation:
    """The result of checking a set of files."""

    report: Report
    submissions: list[Submission] = field(default_factory=list)
    superseded: list[str] = field(default_factory=list)  # older duplicates, not merged
    paths: dict[str, Path] = field(default_factory=dict)  # file name -> path


@dataclass
class _Row:
    """One normalised row of 調査実績, with where its cells are."""

    file_index: int
    measure: str
    value: float | None
    status: str | None
    note: str
    row0: int
    cols: dict[str, int]
    raw_value: str


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """Files named directly, and every file inside named folders (lock and hidden files skipped)."""
    out: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if (
                    child.is_file()
                    and not child.name.startswith(_SKIP_PREFIXES)
                    and "backup" not in child.parts[len(path.parts) : -1]
                ):
                    out.append(child)
        elif path.is_file():
            out.append(path)
    seen: set[Path] = set()
    unique = []
    for p in out:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def _read(args: tuple[Path, str | None]) -> Any:
    """Read one file; returns WorkbookData or the UnreadableWorkbook raised (for worker processes)."""
    from sorachi_etl.read import read_workbook

    path, password = args
    try:
        return read_workbook(path, password=password)
    except UnreadableWorkbook as exc:
        return exc


def read_all(
    files: list[Path], password: str | None = None, workers: int | None = None
) -> list[Any]:
    """Read every file, in parallel across cores when there are many."""
    jobs = [(f, password) for f in files]
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers > 1 and len(files) >= PARALLEL_FROM:
        from concurrent.futures import ProcessPoolExecutor

        chunk = max(1, len(files) // (workers * 4))
        with ProcessPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(_read, jobs, chunksize=chunk))
    return [_read(job) for job in jobs]


def _name_parts(path: Path) -> tuple[str | None, int | None]:
    m = _FILE_NAME.match(path.stem)
    if not m:
        return None, None
    try:
        year = parse_fiscal_year(m["year"])
    except EraError:
        year = None
    return m["reporter"], year


def validate_paths(
    paths: Iterable[Path],
    *,
    master: Master | None = None,
    year: int | None = None,
    password: str | None = None,
    workers: int | None = None,
) -> Validation:
    """Check every returned workbook under `paths`; see the module docstring for the stages."""
    files = collect_files(paths)
    read = read_all(files, password, workers)
    checker = _Checker(master, year)
    for path, wb in zip(files, read, strict=True):
        checker.add(path, wb)
    return checker.finish()


class _Checker:
    """Accumulates files, then validates all their rows at once."""

    def __init__(self, master: Master | None, year: int | None) -> None:
        self.master = master
        self.year = year
        self.reports: list[FileReport] = []
        self.paths: dict[str, Path] = {}
        self.surveys: list[Any] = []  # per file: parsed survey or None
        self.identity: list[tuple[str | None, int | None]] = []
        self.rows: list[_Row] = []
        self.initiatives: list[list[Initiative]] = []
        self.modified: list[dt.datetime | None] = []
        self.contacts: list[dict[str, str]] = []

    # --- per file ---------------------------------------------------------------

    def add(self, path: Path, wb: Any) -> None:
        index = len(self.reports)
        name_reporter, name_year = _name_parts(path)
        report = FileReport(file=path.name, reporter=name_reporter, year=name_year)
        self.reports.append(report)
        self.paths[path.name] = path
        try:
            self.modified.append(dt.datetime.fromtimestamp(path.stat().st_mtime))
        except OSError:
            self.modified.append(None)
        self.initiatives.append([])
        self.contacts.append({})
        self.surveys.append(None)
        self.identity.append((None, None))
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
            return
        report.sha256 = wb.sha256
        from sorachi_etl.survey import workbook_to_survey

        survey = workbook_to_survey(wb)
        if not survey.is_survey:
            report.status = "unreadable"
            report.findings.append(
                finding("not_survey", file=path.name, detail=survey.not_survey_reason())
            )
            return
        self.surveys[index] = survey
        add = report.findings.append
        for f in survey.structure_findings(path.name):
            add(f)
        reporter, year = self._identity(path, survey, report)
        self.identity[index] = (reporter, year)
        report.reporter = reporter or report.reporter
        report.year = year if year is not None else report.year
        if wb.date1904:
            add(finding("date1904", file=path.name))
        for sheet_name in (SURVEY_VALUES, SURVEY_INITIATIVES, SURVEY_INFO):
            sheet = wb.sheets.get(sheet_name)
            if sheet is not None and sheet.state != "visible":
                add(finding("hidden_content", file=path.name, sheet=sheet_name))
        self.contacts[index] = {k: raw_text(v.value) for k, v in survey.info.items()}
        self._values(index, survey, wb)
        self._initiatives(index, survey, wb)

    def _identity(
        self, path: Path, survey: Any, report: FileReport
    ) -> tuple[str | None, int | None]:
        """Reporter and year, from _meta, 基本情報 and the file name, which must agree."""
        add = report.findings.append
        sources_r = {
            "_meta": raw_text(survey.meta.get("reporter")).strip() or None,
            "基本情報": raw_text(survey.info["reporter"].value).strip()
            if "reporter" in survey.info
            else None,
            "ファイル名": _name_parts(path)[0],
        }
        sources_y: dict[str, int | None] = {}
        for where, raw in (
            ("_meta", survey.meta.get("year")),
            ("基本情報", survey.info["year"].value if "year" in survey.info else None),
            ("ファイル名", _name_parts(path)[1]),
        ):
            if raw in (None, ""):
                sources_y[where] = None
                continue
            try:
                sources_y[where] = parse_fiscal_year(raw)
            except EraError:
                sources_y[where] = None
        reporters = {k: v for k, v in sources_r.items() if v}
        years = {k: v for k, v in sources_y.items() if v is not None}
        reporter = (
            reporters.get("_meta") or reporters.get("基本情報") or reporters.get("ファイル名")
        )
        year = years.get("_meta") or years.get("基本情報") or years.get("ファイル名")
        if len(set(reporters.values())) > 1:
            detail = "、".join(f"{k}: {v}" for k, v in reporters.items())
            add(finding("reporter_mismatch", file=path.name, detail=detail))
        if len(set(years.values())) > 1:
            detail = "、".join(f"{k}: {format_fiscal_year(v)}" for k, v in years.items())
            add(
                finding(
                    "year_mismatch",
                    file=path.name,
                    detail=detail,
                    year=format_fiscal_year(self.year or year),
                )
            )
        if self.year is not None and year is not None and year != self.year:
            add(
                finding(
                    "year_mismatch",
                    file=path.name,
                    detail=f"調査票: {format_fiscal_year(year)}、指定: {format_fiscal_year(self.year)}",
                    year=format_fiscal_year(self.year),
                )
            )
        if self.master is not None and reporter and self.master.reporter(reporter) is None:
            from sorachi_etl.rules import did_you_mean

            hint = did_you_mean(reporter, [r.name for r in self.master.reporters])
            add(
                finding(
                    "unknown_reporter",
                    file=path.name,
                    value=reporter,
                    hint=f"「{hint}」のことですか？" if hint else "市町名を確認してください。",
                )
            )
        version = raw_text(survey.meta.get("template_version")).strip()
        if (
            version
            and version.isdigit()
            and TEMPLATE_VERSION.isdigit()
            and int(version) < int(TEMPLATE_VERSION)
        ):
            add(finding("old_template", file=path.name, value=version, current=TEMPLATE_VERSION))
        return reporter, year

    def _values(self, index: int, survey: Any, wb: Any) -> None:
        report = self.reports[index]
        reporter, _ = self.identity[index]
        add = report.findings.append
        sheet = wb.sheets.get(SURVEY_VALUES)
        master = self.master
        expected = {m.id: m for m in master.measures_for(reporter)} if master and reporter else {}
        known = {m.id: m for m in master.measures} if master else {}
        seen: dict[str, str] = {}
        for raw in survey.value_rows:
            measure_cell = raw.get("measure")
            value_cell = raw.get("value")
            status_cell = raw.get("status")
            note_cell = raw.get("note")
            mid = raw_text(measure_cell.value).strip() if measure_cell else ""
            row0 = next(c.row0 for c in raw.values() if c is not None)
            cols = {k: c.col0 for k, c in raw.items() if c is not None}
            where_value = a1(row0, cols.get("value", 0))
            if not mid:
                if value_cell is not None and raw_text(value_cell.value).strip():
                    add(
                        finding(
                            "empty_row", file=report.file, sheet=SURVEY_VALUES, cell=where_value
                        )
                    )
                continue
            measure = known.get(mid)
            if master is not None and (measure is None or (expected and mid not in expected)):
                name = raw_text(raw["measure_name"].value) if raw.get("measure_name") else mid
                add(
                    finding(
                        "unknown_measure",
                        file=report.file,
                        sheet=SURVEY_VALUES,
                        cell=a1(row0, cols.get("measure", 0)),
                        value=name or mid,
                    )
                )
                continue
            item = (
                measure.name
                if measure
                else (raw_text(raw["measure_name"].value) if raw.get("measure_name") else mid)
            )
            if mid in seen:
                add(
                    finding(
                        "duplicate_measure",
                        file=report.file,
                        sheet=SURVEY_VALUES,
                        cell=a1(row0, cols.get("measure", 0)),
                        item=item,
                        first=seen[mid],
                    )
                )
                continue
            seen[mid] = a1(row0, cols.get("measure", 0))
            unit = (
                measure.unit
                if measure
                else (raw_text(raw["unit"].value) if raw.get("unit") else None)
            )
            value, status, note = self._value_cell(
                report, sheet, item, unit, value_cell, status_cell, note_cell, row0, cols, measure
            )
            if value is False:  # an error was reported for this row
                continue
            self.rows.append(
                _Row(
                    index,
                    mid,
                    value,
                    status,
                    note,
                    row0,
                    cols,
                    raw_text(value_cell.value) if value_cell else "",
                )
            )
        for mid, measure in expected.items():
            if mid not in seen:
                add(
                    finding(
                        "missing_measure", file=report.file, sheet=SURVEY_VALUES, item=measure.name
                    )
                )

    def _value_cell(
        self, report, sheet, item, unit, value_cell, status_cell, note_cell, row0, cols, measure
    ) -> tuple[Any, str | None, str]:
        """Normalise one row's 実績値 / 状態 / 備考; returns (False, …) after an error."""
        add = report.findings.append
        vc = cols.get("value", 0)
        where = a1(row0, vc)
        pos = (row0, vc)
        raw_value = value_cell.value if value_cell else None
        if sheet is not None and pos in sheet.no_cached_value:
            add(
                finding(
                    "formula_no_value", file=report.file, sheet=SURVEY_VALUES, cell=where, item=item
                )
            )
            return False, None, ""
        cell = parse_number(raw_value, unit)
        status_raw = status_cell.value if status_cell else None
        try:
            status = parse_status(status_raw)
        except ValueError:
            add(
                finding(
                    "unknown_status",
                    file=report.file,
                    sheet=SURVEY_VALUES,
                    cell=a1(row0, cols.get("status", vc + 1)),
                    item=item,
                    value=raw_text(status_raw),
                )
            )
            return False, None, ""
        note, had_control = clean_text(note_cell.value if note_cell else None)
        if had_control:
            add(
                finding(
                    "control_chars",
                    file=report.file,
                    sheet=SURVEY_VALUES,
                    cell=a1(row0, cols.get("note", vc + 2)),
                    item=item,
                )
            )
        if cell.kind == "invalid":
            add(
                finding(
                    cell.code or "not_a_number",
                    file=report.file,
                    sheet=SURVEY_VALUES,
                    cell=where,
                    item=item,
                    value=cell.raw,
                    unit=unit or "",
                )
            )
            return False, None, note
        if (
            sheet is not None
            and pos in sheet.formulas
            and cell.kind == "number"
            and cell.number == 0
        ):
            add(
                finding(
                    "faked_formula_value",
                    file=report.file,
                    sheet=SURVEY_VALUES,
                    cell=where,
                    item=item,
                    value=cell.raw,
                )
            )
        status_where = a1(row0, cols.get("status", vc + 1))
        if cell.kind == "pending":
            if status == STATUS_CONFIRMED:
                add(
                    finding(
                        "status_without_value",
                        file=report.file,
                        sheet=SURVEY_VALUES,
                        cell=where,
                        item=item,
                    )
                )
                return False, None, note
            return None, STATUS_PENDING, note
        if cell.kind == "na":
            if status == STATUS_CONFIRMED:
                add(
                    finding(
                        "status_without_value",
                        file=report.file,
                        sheet=SURVEY_VALUES,
                        cell=where,
                        item=item,
                    )
                )
                return False, None, note
            return None, status or STATUS_NA, note
        if cell.kind == "blank":
            if status is None:
                add(
                    finding(
                        "value_missing",
                        file=report.file,
                        sheet=SURVEY_VALUES,
                        cell=where,
                        item=item,
                    )
                )
                return False, None, note
            if status == STATUS_CONFIRMED:
                add(
                    finding(
                        "status_without_value",
                        file=report.file,
                        sheet=SURVEY_VALUES,
                        cell=where,
                        item=item,
                    )
                )
                return False, None, note
            return None, status, note
        # a number
        if status in (STATUS_PENDING, STATUS_NA):
            add(
                finding(
                    "pending_with_value",
                    file=report.file,
                    sheet=SURVEY_VALUES,
                    cell=where,
                    item=item,
                    value=cell.raw,
                    status=status,
                )
            )
            return False, None, note
        if status is None:
            add(
                finding(
                    "status_missing",
                    file=report.file,
                    sheet=SURVEY_VALUES,
                    cell=status_where,
                    item=item,
                )
            )
        if (
            measure is not None
            and (measure.decimals or 0) == 0
            and not float(cell.number).is_integer()
        ):
            add(
                finding(
                    "not_integer",
                    file=report.file,
                    sheet=SURVEY_VALUES,
                    cell=where,
                    item=item,
                    value=cell.raw,
                )
            )
            return False, None, note
        return cell.number, STATUS_CONFIRMED, note

    def _initiatives(self, index: int, survey: Any, wb: Any) -> None:
        report = self.reports[index]
        reporter, year = self.identity[index]
        add = report.findings.append
        rules = survey_rules()[SURVEY_INITIATIVES]
        projects = {}
        if self.master is not None:
            for p in self.master.projects:
                projects[p.name] = p.no
                projects[str(p.no)] = p.no
                if p.short_name:
                    projects[p.short_name] = p.no
        for raw in survey.initiative_rows:
            cells = {k: c for k, c in raw.items() if c is not None}
            texts = {k: clean_text(c.value)[0] for k, c in cells.items()}
            if not any(texts.values()):
                continue
            row0 = next(iter(cells.values())).row0
            bad = False
            for col in rules.columns:
                c = cells.get(col.key)
                where = a1(row0, c.col0) if c else None
                if col.required and not texts.get(col.key):
                    add(
                        finding(
                            "required_text",
                            file=report.file,
                            sheet=SURVEY_INITIATIVES,
                            cell=where,
                            column=col.header,
                        )
                    )
                    bad = True
                if col.max_length and len(texts.get(col.key, "")) > col.max_length:
                    add(
                        finding(
                            "text_too_long",
                            file=report.file,
                            sheet=SURVEY_INITIATIVES,
                            cell=where,
                            length=len(texts[col.key]),
                            limit=col.max_length,
                        )
                    )
                    bad = True
            project_text = texts.get("project", "")
            project = projects.get(project_text) if projects else None
            if project is None and project_text:
                m = re.match(r"^[①-⑨]|^(\d+)", project_text)
                if m:
                    project = int(m.group(1)) if m.group(1) else "①②③④⑤⑥⑦⑧⑨".index(m.group(0)) + 1
                if self.master is not None and project not in {p.no for p in self.master.projects}:
                    c = cells.get("project")
                    add(
                        finding(
                            "unknown_project",
                            file=report.file,
                            sheet=SURVEY_INITIATIVES,
                            cell=a1(row0, c.col0) if c else None,
                            value=project_text,
                        )
                    )
                    bad = True
            dates = {}
            for key in ("start_date", "end_date"):
                c = cells.get(key)
                if c is None or c.value in (None, ""):
                    dates[key] = None
                    continue
                try:
                    dates[key] = parse_date(c.value, date1904=wb.date1904)
                except EraError:
                    add(
                        finding(
                            "bad_date",
                            file=report.file,
                            sheet=SURVEY_INITIATIVES,
                            cell=a1(row0, c.col0),
                            value=raw_text(c.value),
                        )
                    )
                    bad = True
                    continue
                if year is not None:
                    first, last = fiscal_year_bounds(year)
                    if not first <= dates[key] <= last:
                        add(
                            finding(
                                "date_outside_year",
                                file=report.file,
                                sheet=SURVEY_INITIATIVES,
                                cell=a1(row0, c.col0),
                                value=f"{dates[key]:%Y/%m/%d}",
                                year=format_fiscal_year(year),
                                start=f"{first:%Y/%m/%d}",
                                end=f"{last:%Y/%m/%d}",
                            )
                        )
                        bad = True
            if (
                dates.get("start_date")
                and dates.get("end_date")
                and dates["end_date"] < dates["start_date"]
            ):
                c = cells.get("end_date")
                add(
                    finding(
                        "date_order",
                        file=report.file,
                        sheet=SURVEY_INITIATIVES,
                        cell=a1(row0, c.col0) if c else None,
                    )
                )
                bad = True
            outcome = (
                parse_number(cells["outcome_value"].value) if "outcome_value" in cells else None
            )
            if outcome is not None and outcome.kind == "invalid":
                c = cells["outcome_value"]
                add(
                    finding(
                        outcome.code or "not_a_number",
                        file=report.file,
                        sheet=SURVEY_INITIATIVES,
                        cell=a1(row0, c.col0),
                        value=outcome.raw,
                        item="成果値",
                    )
                )
                bad = True
            if bad or reporter is None or year is None:
                continue
            unit = ""
            if outcome is not None and outcome.kind == "number":
                m = re.search(
                    r"[^\d,.\s万千億約]+$", raw_text(cells["outcome_value"].value).strip()
                )
                unit = m.group(0) if m else ""
            # a survey reports what was done in its year: past results (実績)
            self.initiatives[index].append(
                Initiative(
                    reporter=reporter,
                    year=year,
                    kind=INITIATIVE_PAST,
                    project=int(project or 0),
                    title=texts.get("title", ""),
                    implementers=split_list(texts.get("implementers")),
                    start_date=dates.get("start_date"),
                    end_date=dates.get("end_date"),
                    dates_text=texts.get("dates_text", ""),
                    venue=texts.get("venue", ""),
                    summary=texts.get("summary", ""),
                    outcome_label=texts.get("outcome_label", ""),
                    outcome_value=outcome.number
                    if outcome is not None and outcome.kind == "number"
                    else None,
                    outcome_unit=unit,
                )
            )

    # --- across files ----------------------------------------------------------------

    def finish(self) -> Validation:
        self._validate_frame()
        self._large_changes()
        superseded = self._duplicates()
        submissions = []
        for index, report in enumerate(self.reports):
            if report.status == "unreadable":
                continue
            if report.errors:
                report.status = "invalid"
                continue
            if report.file in superseded:
                continue
            reporter, year = self.identity[index]
            if reporter is None or year is None:
                continue
            values = [
                MeasureValue(
                    r.measure, reporter, year, r.value, r.status or STATUS_CONFIRMED, r.note
                )
                for r in self.rows
                if r.file_index == index
            ]
            submissions.append(
                Submission(
                    file=report.file,
                    sha256=report.sha256,
                    reporter=reporter,
                    year=year,
                    values=values,
                    initiatives=self.initiatives[index],
                    contact=self.contacts[index],
                    modified=self.modified[index],
                )
            )
        for report in self.reports:
            report.findings.sort(
                key=lambda f: (f.severity != ERROR, f.sheet or "", _cell_order(f.cell))
            )
        return Validation(Report(self.reports), submissions, sorted(superseded), self.paths)

    def _validate_frame(self) -> None:
        """All files' 調査実績 rows in one frame, validated in one pandera call."""
        if not self.rows:
            return
        import pandas as pd
        import pandera.errors as pa_errors
        import pandera.pandas as pa

        from sorachi_etl.rules import check_code, to_pandera

        rule = survey_rules()[SURVEY_VALUES]
        limits = {m.id: m.max for m in self.master.measures} if self.master else {}
        frame = pd.DataFrame(
            {
                "measure": pd.array([r.measure for r in self.rows], dtype="string"),
                "value": pd.array([r.value for r in self.rows], dtype="float64"),
                "status": pd.array([r.status for r in self.rows], dtype="string"),
                "note": pd.array([r.note for r in self.rows], dtype="string"),
                "limit": pd.array([limits.get(r.measure) for r in self.rows], dtype="float64"),
            }
        )
        schema = to_pandera(rule)
        schema.unique = None  # duplicates within a file are found above, with both places named
        schema = schema.add_columns({"limit": pa.Column("float64", nullable=True)})
        schema.checks = [
            pa.Check(
                lambda df: df["limit"].isna() | df["value"].isna() | (df["value"] <= df["limit"]),
                name="out_of_range",
                element_wise=False,
            )
        ]
        try:
            schema.validate(frame, lazy=True)
        except pa_errors.SchemaErrors as exc:
            seen = set()
            for case in exc.failure_cases.to_dict("records"):
                index = case.get("index")
                if index is None or index != index:
                    continue
                column = case.get("column")
                check = str(case.get("check") or "")
                if check == "out_of_range" and case.get("schema_context") == "DataFrameSchema":
                    code, column = "out_of_range", "value"  # the frame-wide limit check
                else:
                    code = check_code(schema, column, check, case.get("check_number"))
                if (index, column, code) not in seen:
                    seen.add((index, column, code))
                    row = self.rows[int(index)]
                    self._frame_finding(row, column if column in row.cols else "value", code)

    def _frame_finding(self, row: _Row, column: str, code: str) -> None:
        report = self.reports[row.file_index]
        measure = self.master.measure(row.measure) if self.master else None
        item = measure.name if measure else row.measure
        limit = f"{measure.max:,.0f}{measure.unit}" if measure and measure.max is not None else ""
        if code == "text_too_long":
            column = "note"
        report.findings.append(
            finding(
                code if code in ("negative", "out_of_range", "text_too_long") else "not_a_number",
                file=report.file,
                sheet=SURVEY_VALUES,
                cell=a1(row.row0, row.cols.get(column, 0)),
                item=item,
                value=row.raw_value if column == "value" else row.note,
                limit=limit,
                length=len(row.note),
            )
        )

    def _large_changes(self) -> None:
        """A value far from the reporter's previous year (threshold in the master's 設定)."""
        if self.master is None or self.master.settings.change_warning_percent in (None, 0):
            return
        threshold = float(self.master.settings.change_warning_percent)
        previous = {(v.measure, v.reporter, v.year): v for v in self.master.measure_values}
        for row in self.rows:
            reporter, year = self.identity[row.file_index]
            if row.value is None or reporter is None or year is None:
                continue
            old = previous.get((row.measure, reporter, year - 1))
            if old is None or old.value in (None, 0) or old.status != STATUS_CONFIRMED:
                continue
            change = (row.value - old.value) / old.value * 100
            if abs(change) >= threshold:
                report = self.reports[row.file_index]
                measure = self.master.measure(row.measure)
                report.findings.append(
                    finding(
                        "large_change",
                        file=report.file,
                        sheet=SURVEY_VALUES,
                        cell=a1(row.row0, row.cols.get("value", 0)),
                        item=measure.name if measure else row.measure,
                        value=row.raw_value,
                        previous=f"{old.value:,.0f}",
                        change=f"{change:+.0f}%",
                    )
                )

    def _duplicates(self) -> set[str]:
        """Two workbooks from one reporter and year: the newer wins, the older is a warning."""
        groups: dict[tuple[str, int], list[int]] = {}
        for i, (reporter, year) in enumerate(self.identity):
            if (
                reporter
                and year is not None
                and self.reports[i].status != "unreadable"
                and not self.reports[i].errors
            ):
                groups.setdefault((reporter, year), []).append(i)
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


def _cell_order(cell: str | None) -> tuple[int, str]:
    if not cell:
        return (0, "")
    m = re.match(r"([A-Z]+)(\d+)", cell)
    return (int(m.group(2)), m.group(1)) if m else (0, cell)
