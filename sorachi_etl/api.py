"""The library's front door: one function per job, each returning data.

The CLI calls these and renders what they return; tests call them directly.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from sorachi_etl.kpi.aggregate import KpiTable, master_to_kpi_table
from sorachi_etl.model import domain
from sorachi_etl.model.errors import MasterError, UsageError
from sorachi_etl.model.findings import Finding
from sorachi_etl.model.names import SUBMISSION_MISSING
from sorachi_etl.model.paths import check_drive, expand, file_to_write, folder_to_write

P = ParamSpec("P")
R = TypeVar("R")

if TYPE_CHECKING:
    from sorachi_etl.book.master_file import MasterFile
    from sorachi_etl.check.validate import Validation
    from sorachi_etl.intake.files import Collection
    from sorachi_etl.kpi.merge import MergeResult
    from sorachi_etl.kpi.report_model import Report
    from sorachi_etl.kpi.status import StatusReport


def _gc_paused(fn: Callable[P, R]) -> Callable[P, R]:
    """Run `fn` with Python's cyclic garbage collector paused (reference counting still frees).

    Checking and merging 1,741 workbooks keeps millions of small objects alive
    (cell values, rows, findings); the collector rescans them all again and
    again as they grow, which was 10-15% of a merge. They hold no reference
    cycles worth collecting before the job ends.
    """

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return run


@dataclass
class InitResult:
    path: Path
    master: domain.Master
    table: KpiTable
    backup: Path | None = None
    notices: list[Finding] = field(default_factory=list)  # 注意 said on the way (a lock removed)


Notify = Callable[[Finding], None]


class _Notices(list):
    """The notices of a run, each passed on to `notify` (the CLI prints it) as it comes."""

    def __init__(self, notify: Notify | None) -> None:
        super().__init__()
        self.notify = notify

    def add(self, found: list[Finding]) -> None:
        for f in found:
            self.append(f)
            if self.notify is not None:
                self.notify(f)


def _read_master_file(path: Path) -> MasterFile:
    """The master's bytes and fingerprint, or MasterError for a path that is not a readable file."""
    from sorachi_etl.book.master_file import read_master_file

    try:
        return read_master_file(path)
    except FileNotFoundError:
        raise MasterError("master_not_found", path=path) from None
    except IsADirectoryError:
        raise MasterError("master_unreadable", name=path.name, detail="フォルダです") from None
    except OSError:
        raise MasterError(
            "master_unreadable", name=path.name, detail="ファイルを読み取れません"
        ) from None


def render_master(
    master: domain.Master, table: KpiTable, wb=None, status=None, *, data_sheets: bool = True
):
    """Data sheets and regenerated sheets of `master` into an openpyxl workbook (new if None).

    Sheets a user added to an existing workbook are kept untouched. `status` is
    `master_to_status(master)`, when the caller has it already. With
    `data_sheets=False` only the regenerated sheets are written (a merge updates
    the data sheets in place: book/master_update.py).
    """
    from sorachi_etl.book.charts import write_charts
    from sorachi_etl.book.kpi_list import write_kpi_list
    from sorachi_etl.book.master_write import write_data_sheets
    from sorachi_etl.book.submissions import write_submissions
    from sorachi_etl.book.xlsx import new_workbook
    from sorachi_etl.kpi.status import master_to_status

    wb = wb if wb is not None else new_workbook()
    if data_sheets:
        write_data_sheets(wb, master)
    write_kpi_list(wb, table)
    write_submissions(wb, status if status is not None else master_to_status(master))
    write_charts(wb, table)
    return wb


def init_master(
    path: Path,
    *,
    empty: bool = False,
    overwrite: bool = False,
    force_unlock: bool = False,
    notify: Notify | None = None,
) -> InitResult:
    """Write a new master workbook from the bundled sample data (or its empty structure).

    Holds the master's lock while writing. `overwrite` replaces an existing file
    (kept as a backup); `force_unlock` removes the owner files Excel or
    LibreOffice left and a lock no live run holds, each with a notice. With the
    sample data, the placeholder pictures its 取組 rows name are copied beside the
    master (写真/), where `publish` looks for them.
    """
    from sorachi_etl.book.lock import master_lock
    from sorachi_etl.book.master_write import append_log, save_atomic
    from sorachi_etl.book.office_locks import ensure_not_open
    from sorachi_etl.model.sample import copy_sample_photos, sample_master

    path = expand(path)
    if path.is_dir():
        raise UsageError(
            "folder_given_for_file",
            path=path,
            option="sorachi-etl init",
            example=path / "master.xlsx",
        )
    if path.suffix.lower() != ".xlsx":
        raise UsageError("master_name_not_xlsx", name=path.name)
    if path.exists() and not overwrite:
        raise UsageError("master_exists", path=path)
    file_to_write(path, option="sorachi-etl init", example="master.xlsx")
    notices = _Notices(notify)
    with master_lock(path, "init", force=force_unlock) as held:
        notices.add(held.notices)
        if path.exists() and not overwrite:  # made by another run while we waited
            raise UsageError("master_exists", path=path)
        notices.add(ensure_not_open(path, force=force_unlock))
        expected = _read_master_file(path) if path.exists() else None
        master = sample_master(empty=empty)
        table = master_to_kpi_table(master)
        wb = render_master(master, table)
        append_log(wb, [])
        saved = save_atomic(
            wb,
            path,
            make_backup=overwrite,
            expected=expected,
            keep_backups=master.settings.backups_kept,
        )
    copy_sample_photos(master, path.parent)
    return InitResult(path, master, table, saved, list(notices))


def kpi_report(master_path: Path, *, year: int | None = None) -> KpiTable:
    """The KPI list computed from a master, for the actual year `year` (default: latest)."""
    from sorachi_etl.book.master_read import load_master

    return master_to_kpi_table(load_master(master_file(master_path), check=False), year=year)


def master_file(path: Path) -> Path:
    """The master a command reads, as given (~ expanded); `open_master` says what is wrong with it."""
    path = expand(path)
    if not path.exists():
        check_drive(path)
    return path


def report_output(path: Path) -> Path:
    """The file `report --output` writes: a file in an existing folder, never a workbook.

    Writing CSV over master.xlsx (a slip of the hand in the file name) would lose the
    master: an existing Excel workbook is refused.
    """
    from sorachi_etl.intake.files import SPREADSHEET_KINDS
    from sorachi_etl.intake.sniff import sniff_kind

    example = "評価指標一覧.csv"
    path = file_to_write(path, option="--output", example=example)
    if path.exists():
        try:
            kind = sniff_kind(path)
        except OSError:
            kind = ""
        if kind in SPREADSHEET_KINDS or kind == "encrypted":
            raise UsageError("output_is_workbook", path=path, example=example)
    return path


@dataclass
class MergeOutcome:
    """What `merge_paths` did: the check of every file, the merge, and where it wrote."""

    validation: Validation
    result: MergeResult
    written: bool
    backup: Path | None = None
    status: StatusReport | None = None  # who has sent what, after the merge
    # True when the merge added nothing the master did not already hold: not rewritten
    unchanged: bool = False
    notices: list[Finding] = field(default_factory=list)  # 注意 said on the way (a lock taken over)

    @property
    def missing(self) -> list[str]:
        """Reporters who have sent nothing for the year (after the merge)."""
        rows = self.status.rows if self.status else []
        return [r.reporter for r in rows if r.state == SUBMISSION_MISSING]

    def to_dict(self) -> dict[str, object]:
        """What `merge --json` prints: the check of every file, then what the merge did."""
        return {
            **self.validation.report.to_dict(),
            **self.result.to_dict(),
            "written": self.written,
            "unchanged": self.unchanged,
            "backup": str(self.backup) if self.backup else None,
            "missing": self.missing,
            "notices": [n.to_dict() for n in self.notices],
        }


def returned_files(paths: list[Path]) -> Collection:
    """The files to check under `paths` (files and folders), and what was left aside there,
    or UsageError saying why there is nothing to check.

    Every command that reads returns starts here, so each gets the same answer
    for a path that does not exist or a folder with nothing to check.
    """
    from sorachi_etl.intake.files import collect

    paths = [expand(p) for p in paths]
    for path in paths:
        if not path.exists():
            check_drive(path)
            raise UsageError("path_not_found", what="ファイルまたはフォルダ", path=path)
    found = collect(paths)
    if not found.files:
        _nothing_to_check(paths, found.skipped)
    return found


def _nothing_to_check(paths: list[Path], skipped: list) -> None:
    """UsageError for returns that turned out to be none: the master, documents, or nothing."""
    named = "、".join(str(p) for p in paths)
    masters = [s for s in skipped if s.kind == "master"]
    if masters:
        raise UsageError("return_is_master", name=masters[0].file)
    if skipped:
        files = "、".join(f"{s.file}（{s.label}）" if s.label else s.file for s in skipped[:5])
        if len(skipped) > 5:
            files += f"、ほか{len(skipped) - 5}件"
        raise UsageError("no_returns", path=named, files=files)
    raise UsageError("no_files", path=named)


def _with_skipped(validation: Validation, found: Collection, paths: list[Path]) -> Validation:
    """The files left aside when collecting, put in the report; UsageError if none was a return."""
    validation.report.skipped[:0] = found.skipped
    if not validation.report.files:
        _nothing_to_check([expand(p) for p in paths], validation.report.skipped)
    return validation


@_gc_paused
def validate_paths_with_master(
    paths: list[Path],
    master_path: Path | None = None,
    *,
    year: int | None = None,
    password: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Validation:
    """Check returned workbooks (against the master, when given) without touching anything.

    `progress(done, total)` is called as files are checked.
    """
    from sorachi_etl.book.master_read import load_master
    from sorachi_etl.check.validate import validate_paths

    master = load_master(master_file(master_path), check=False) if master_path else None
    found = returned_files(paths)
    validation = validate_paths(
        found.files, master=master, year=year, password=password, progress=progress
    )
    return _with_skipped(validation, found, paths)


@_gc_paused
def merge_paths(
    paths: list[Path],
    master_path: Path,
    *,
    dry_run: bool = False,
    year: int | None = None,
    password: str | None = None,
    now: dt.datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
    force_unlock: bool = False,
    notify: Notify | None = None,
) -> MergeOutcome:
    """Validate, merge every valid workbook, regenerate the output sheets and save safely.

    An invalid or unreadable workbook is skipped whole. With `dry_run` nothing
    is written (and no lock is taken). Otherwise the master's lock is held from
    before the master is read until the new one is in place; a merge that adds
    nothing the master does not already hold writes nothing (`unchanged`).
    `force_unlock` removes the owner files Excel or LibreOffice left, and a lock
    no live run holds; `notify` is given each notice as it arises.
    Raises MasterError (exit 2) for a missing, locked, busy or broken master.
    """
    import contextlib

    from sorachi_etl.book.lock import master_lock

    master_path = master_file(master_path)
    if not master_path.exists():
        raise MasterError("master_not_found", path=master_path)
    if master_path.is_dir():  # told before a lock is taken beside it
        raise MasterError(
            "folder_given_for_file", path=master_path, option="--master", example="master.xlsx"
        )
    notices = _Notices(notify)
    with contextlib.ExitStack() as stack:
        if not dry_run:
            held = stack.enter_context(master_lock(master_path, "merge", force=force_unlock))
            notices.add(held.notices)
        outcome = _merge_locked(
            paths, master_path, dry_run, year, password, now, progress, force_unlock, notices
        )
    outcome.notices = list(notices)
    return outcome


def _merge_locked(
    paths: list[Path],
    master_path: Path,
    dry_run: bool,
    year: int | None,
    password: str | None,
    now: dt.datetime | None,
    progress: Callable[[int, int], None] | None,
    force_unlock: bool,
    notices: _Notices,
) -> MergeOutcome:
    from sorachi_etl.book.master_file import saved_by_us
    from sorachi_etl.book.master_read import check_master, open_master
    from sorachi_etl.book.master_update import open_for_update, update_data_sheets
    from sorachi_etl.book.master_write import save_atomic
    from sorachi_etl.book.office_locks import ensure_not_open
    from sorachi_etl.book.preserve import content_at_risk
    from sorachi_etl.check.validate import Reading, validate_reading
    from sorachi_etl.kpi.merge import adds_nothing, merge_submissions
    from sorachi_etl.kpi.status import master_to_status
    from sorachi_etl.model.names import MASTER_OUTPUT_SHEETS

    if not dry_run:
        notices.add(ensure_not_open(master_path, force=force_unlock))
    # Read once: these bytes are parsed, and their fingerprint is compared with the
    # file on disk just before the new master replaces it.
    original = _read_master_file(master_path)
    book = open_master(master_path, original.data)  # every cell read, no pandas yet: fast
    master = book.master
    found = returned_files(paths)
    files = found.files
    # Worker processes read and check the returns while this one checks the master
    # with pandera, looks at what saving it would meet and opens it for writing.
    wb = removed = None
    with Reading(files, password, master=master, year=year) as reading:
        if progress:
            progress(0, len(files))  # the bar shows from the start, not after these steps
        check_master(book)
        if not dry_run:
            at_risk = content_at_risk(master_path)
            if at_risk:
                raise MasterError("master_at_risk", name=master_path.name, details=at_risk)
            # the data sheets' cells are edited as the file holds them, the regenerated
            # sheets' would only be parsed to be dropped: openpyxl parses neither
            wb, removed = open_for_update(master_path, MASTER_OUTPUT_SHEETS, original.data)
        before = master_to_kpi_table(master)
        validation = validate_reading(reading, progress=progress, announced=True)
    _with_skipped(validation, found, paths)
    result = merge_submissions(
        master,
        validation.submissions,
        validation.report.files,
        now=now,
        superseded=validation.superseded,
        before=before,
    )
    status = master_to_status(result.master)
    if wb is None:
        return MergeOutcome(validation, result, written=False, status=status)
    # Nothing new, and the output sheets are ours as last written (no one has saved
    # the master since, so no staff edit waits to be shown in them): leave it alone.
    if adds_nothing(master, result) and saved_by_us(original):
        return MergeOutcome(validation, result, written=False, status=status, unchanged=True)
    render_master(result.master, result.table, wb, status, data_sheets=False)
    update_data_sheets(wb, book, result.master, removed)
    saved = save_atomic(
        wb,
        master_path,
        expected=original,
        keep_backups=result.master.settings.backups_kept,
    )
    return MergeOutcome(validation, result, written=True, backup=saved, status=status)


def status_of(master_path: Path, *, year: int | None = None) -> StatusReport:
    """Who has sent, who has not, and what is pending, from the master alone (fast).

    >>> report = status_of(Path("master.xlsx"))  # doctest: +SKIP
    >>> report.count("未提出"), report.to_dict()["reminder"]  # doctest: +SKIP
    """
    from sorachi_etl.book.master_read import load_master
    from sorachi_etl.kpi.status import master_to_status

    return master_to_status(load_master(master_file(master_path), check=False), year)


def annotate_folder(out_dir: Path, paths: list[Path] | None = None) -> Path:
    """The folder `validate --annotate` writes into, checked before anything is read.

    A folder (or nothing yet) in an existing folder, writable, and not one of the
    folders of returns being checked (`paths`). UsageError otherwise.
    """
    out_dir = folder_to_write(out_dir, option="--annotate", example="返送用")
    if out_dir.exists():
        here = out_dir.resolve()
        for path in paths or []:
            path = expand(path)
            if path.is_dir() and path.resolve() == here:
                raise UsageError("annotate_into_returns", path=out_dir)
    return out_dir


@dataclass
class Annotations:
    """What `annotate_reports` wrote, and the faulty files it could make no copy of, with why."""

    written: list[Path]
    failed: dict[str, str]  # file name -> reason, in Japanese


def annotate_reports(validation: Validation, out_dir: Path) -> Annotations:
    """Annotated copies of every faulty (but readable) workbook, for mailing back.

    The folder is checked first (`annotate_folder`), and marked afterwards as the
    tool's own (`intake.files.mark_output`), so its copies are never read back as returns.
    A return saved as .xls or .ods gets an .xlsx copy (book.annotate.annotate_converted).
    A return with a table past its row cap gets none: a copy of tens of thousands of rows
    helps nobody, and the finding says what to do.
    """
    from sorachi_etl.book.annotate import annotate_converted, annotate_workbook, is_converted
    from sorachi_etl.intake.files import mark_output
    from sorachi_etl.model.errors import SorachiError
    from sorachi_etl.model.messages import message

    out_dir = annotate_folder(out_dir)
    done = Annotations([], {})
    for fr in validation.report.files:
        if fr.status not in ("invalid", "partial"):
            continue
        if any(f.code == "too_many_rows" for f in fr.findings):
            done.failed[fr.file] = message("annotate_too_many_rows")
            continue
        source = validation.paths.get(fr.file)
        if source is None:
            continue
        annotate = annotate_converted if is_converted(source) else annotate_workbook
        try:
            done.written.append(annotate(source, fr, out_dir))
        except SorachiError as exc:
            done.failed[fr.file] = str(exc)
        except PermissionError:
            done.failed[fr.file] = message("annotate_in_use")
        except Exception:  # a file openpyxl cannot open is still reported; just no copy
            done.failed[fr.file] = message("annotate_cannot_open")
    if done.written:
        mark_output(out_dir, "annotate", done.written)
    return done


def make_templates(
    master_path: Path, year: int, out_dir: Path, reporters: list[str] | None = None
) -> list:
    """Write one survey workbook (調査票) per reporter for `year` into `out_dir`.

    Returns a `template.TemplateResult` per file. Raises MasterError for a
    missing or broken master, UsageError for an unknown reporter.
    """
    from sorachi_etl.book.master_read import load_master
    from sorachi_etl.book.template import master_to_templates
    from sorachi_etl.intake.files import mark_output

    master_path = master_file(master_path)
    out_dir = folder_to_write(out_dir, option="--out", example="R6_調査票")
    master = load_master(master_path)
    results = master_to_templates(master, year, out_dir, reporters=reporters)
    mark_output(out_dir, "template", [r.path for r in results])
    return results


PUBLISH_FORMATS = ("xlsx", "pdf", "html")
PUBLISH_FOLDER = "報告書"


@dataclass
class PublishResult:
    """What `publish` made: the report's content, the files written and the warnings."""

    report: Report
    files: dict[str, Path]  # format ("xlsx", "pdf", "html") -> file written
    findings: list[Finding]  # warnings: a photo not found, no PDF, an empty section…
    seconds: dict[str, float]  # time each format took
    sheets: list[str] = field(default_factory=list)  # the workbook's sheets: one per page


def publish(
    master_path: Path,
    *,
    year: int | None = None,
    out_dir: Path | None = None,
    formats: Iterable[str] = PUBLISH_FORMATS,
) -> PublishResult:
    """Write the whole progress report (推進管理報告書) of a master: workbook, PDF, HTML.

    `year` is the report's fiscal year (R6 = 2024, whose figures are of R5);
    by default the year after the latest that holds KPI values, as `report`
    decides it. Files go to `out_dir` (default: 報告書/ beside the master),
    named R6_推進管理報告書.xlsx/.pdf/.html. The PDF is made with LibreOffice
    where it is found; where it is not, a warning says so and the other
    formats are still written. Raises MasterError for a missing or broken
    master, UsageError for a bad format or an output that cannot be written,
    SorachiError when the master has no projects.
    """
    import time

    from sorachi_etl.book.master_read import check_master, open_master
    from sorachi_etl.book.page_layout import save_workbook, write_file
    from sorachi_etl.book.pdf import find_soffice
    from sorachi_etl.book.photos import load_photos
    from sorachi_etl.book.publish import report_to_workbook
    from sorachi_etl.book.publish_html import report_to_html
    from sorachi_etl.intake.files import mark_output
    from sorachi_etl.kpi.report_model import master_to_report
    from sorachi_etl.model.cells import a1
    from sorachi_etl.model.errors import SorachiError
    from sorachi_etl.model.findings import finding
    from sorachi_etl.model.names import SHEET_INITIATIVES

    wanted = _publish_formats(formats)
    master_path = master_file(master_path)
    # the folder is checked before anything is computed; it is made only to write into
    out = folder_to_write(
        out_dir if out_dir is not None else master_path.parent / PUBLISH_FOLDER,
        option="--out",
        example=PUBLISH_FOLDER,
    )
    book = open_master(master_path)
    check_master(book, rows=False)
    master = book.master
    if not master.projects:
        raise SorachiError("publish_no_projects", master=master_path.name)
    table = master_to_kpi_table(master, year=None if year is None else year - 1)
    sheet = book.sheets.get(SHEET_INITIATIVES)
    photo_col = sheet.columns.get("photo") if sheet is not None else None
    cells = [
        a1(r, photo_col) if photo_col is not None else None
        for r in (sheet.row_numbers if sheet is not None else [])
    ]
    report = master_to_report(master, table, photo_cells=cells)
    try:
        out.mkdir(exist_ok=True)
    except OSError as exc:
        raise UsageError("publish_cannot_write", path=out, detail=exc.strerror or exc) from None
    photos, photo_warnings = load_photos(report.photos, master_path.parent)
    result = PublishResult(report, {}, [*report.warnings, *photo_warnings], {})
    started = time.perf_counter()
    if "xlsx" in wanted or "pdf" in wanted:
        wb = report_to_workbook(report, photos)
        result.sheets = list(wb.sheetnames)
        xlsx = out / f"{report.file_stem}.xlsx"
        if "xlsx" in wanted:
            result.files["xlsx"] = save_workbook(wb, xlsx)
            result.seconds["xlsx"] = time.perf_counter() - started
        if "pdf" in wanted:
            started = time.perf_counter()
            problem = _pdf(xlsx, result, photos, find_soffice())
            if problem is not None:
                result.findings.append(problem)
                old_pdf = xlsx.with_suffix(".pdf")
                if old_pdf.exists():  # an earlier run's, now out of date
                    result.findings.append(finding("pdf_stale", name=old_pdf.name))
                if "xlsx" not in result.files:  # what the notice tells to save as PDF
                    result.files["xlsx"] = save_workbook(wb, xlsx)
            result.seconds["pdf"] = time.perf_counter() - started
    if "html" in wanted:
        started = time.perf_counter()
        page = report_to_html(report, photos).encode("utf-8")
        html = out / f"{report.file_stem}.html"
        result.files["html"] = write_file(html, lambda fh: fh.write(page))
        result.seconds["html"] = time.perf_counter() - started
    # never read back as returns (the workbook, the page) by validate or merge
    mark_output(out, "publish", result.files.values())
    return result


def _pdf(xlsx: Path, result: PublishResult, photos: dict, soffice: str | None) -> Finding | None:
    """The PDF beside `xlsx`, or the warning saying why there is none."""
    from sorachi_etl.book.page_layout import save_workbook
    from sorachi_etl.book.pdf import PdfError, workbook_to_pdf
    from sorachi_etl.book.publish import report_to_workbook
    from sorachi_etl.book.text_fit import LIBREOFFICE
    from sorachi_etl.model.findings import finding

    if soffice is None:
        return finding("pdf_no_soffice", workbook=xlsx.name)
    pdf = xlsx.with_suffix(".pdf")
    # the same pages, their rows as tall as LibreOffice (not Excel) sets the lines
    for_pdf = report_to_workbook(result.report, photos, LIBREOFFICE)
    try:
        with tempfile.TemporaryDirectory(dir=xlsx.parent, prefix=".sorachi-") as tmp:
            workbook_to_pdf(save_workbook(for_pdf, Path(tmp) / xlsx.name), pdf, soffice)
    except PdfError as exc:
        return finding("pdf_failed", detail=exc, workbook=xlsx.name)
    result.files["pdf"] = pdf
    return None


def _publish_formats(formats: Iterable[str]) -> list[str]:
    wanted = []
    for name in formats:
        name = name.strip().lower().lstrip(".")
        if name not in PUBLISH_FORMATS:
            raise UsageError("publish_bad_format", value=name)
        if name not in wanted:
            wanted.append(name)
    if not wanted:
        raise UsageError("publish_bad_format", value="")
    return wanted


@dataclass
class DemoResult:
    """Everything `run_demo` made, for the CLI to tell the user about."""

    folder: Path
    master_path: Path
    templates: list
    returns: Path
    validation: Validation
    annotated: Annotations
    outcome: MergeOutcome
    status: StatusReport
    publication: PublishResult | None = None


DEMO_YEAR = 2024


def run_demo(folder: Path) -> DemoResult:
    """The main job end to end on the bundled samples, in a fresh folder.

    init a master from the sample data, write the R6 survey workbooks, copy the
    bundled returns, validate them (annotating the faulty ones), merge, and
    compute the submission status, and publish the report the merged data makes
    (into 報告書/).
    """
    import shutil

    from sorachi_etl.kpi.status import master_to_status
    from sorachi_etl.model.resources import samples_dir

    folder = folder_to_write(folder, option="--out", example="デモ", empty=True)
    folder.mkdir(exist_ok=True)
    master_path = folder / "master.xlsx"
    init_master(master_path)
    templates = make_templates(master_path, DEMO_YEAR, folder / "調査票")
    returns = folder / "回収"
    shutil.copytree(samples_dir() / "returns", returns)
    validation = validate_paths_with_master([returns], master_path)
    annotated = annotate_reports(validation, folder / "返送用")
    outcome = merge_paths([returns], master_path)
    return DemoResult(
        folder,
        master_path,
        templates,
        returns,
        validation,
        annotated,
        outcome,
        outcome.status or master_to_status(outcome.result.master),
        publish(master_path, out_dir=folder / PUBLISH_FOLDER),
    )
