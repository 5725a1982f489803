"""The library's front door: one function per job, each returning data.

The CLI calls these and renders what they return; tests call them directly.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from sorachi_etl.kpi.aggregate import KpiTable, master_to_kpi_table
from sorachi_etl.model import domain
from sorachi_etl.model.errors import MasterError, UsageError

P = ParamSpec("P")
R = TypeVar("R")

if TYPE_CHECKING:
    from sorachi_etl.check.validate import Validation
    from sorachi_etl.kpi.merge import MergeResult
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


def init_master(path: Path, *, empty: bool = False, overwrite: bool = False) -> InitResult:
    """Write a new master workbook from the bundled sample data (or its empty structure)."""
    from sorachi_etl.book.master_write import append_log, save_atomic
    from sorachi_etl.model.sample import sample_master

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise UsageError("master_name_not_xlsx", name=path.name)
    if path.exists() and not overwrite:
        raise UsageError("master_exists", path=path)
    path.parent.mkdir(parents=True, exist_ok=True)
    master = sample_master(empty=empty)
    table = master_to_kpi_table(master)
    wb = render_master(master, table)
    append_log(wb, [])
    save_atomic(wb, path, make_backup=overwrite)
    return InitResult(path, master, table)


def kpi_report(master_path: Path, *, year: int | None = None) -> KpiTable:
    """The KPI list computed from a master, for the actual year `year` (default: latest)."""
    from sorachi_etl.book.master_read import load_master

    return master_to_kpi_table(load_master(Path(master_path), check=False), year=year)


@dataclass
class MergeOutcome:
    """What `merge_paths` did: the check of every file, the merge, and where it wrote."""

    validation: Validation
    result: MergeResult
    written: bool
    backup: Path | None = None
    status: StatusReport | None = None  # who has sent what, after the merge


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

    master = load_master(Path(master_path), check=False) if master_path else None
    return validate_paths(paths, master=master, year=year, password=password, progress=progress)


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
) -> MergeOutcome:
    """Validate, merge every valid workbook, regenerate the output sheets and save safely.

    An invalid or unreadable workbook is skipped whole. With `dry_run` nothing
    is written. Raises MasterError (exit 2) for a missing, locked or broken master.
    """
    from sorachi_etl.book.master_read import check_master, open_master
    from sorachi_etl.book.master_update import open_for_update, update_data_sheets
    from sorachi_etl.book.master_write import ensure_not_locked, save_atomic
    from sorachi_etl.book.preserve import content_at_risk
    from sorachi_etl.check.validate import Reading, validate_reading
    from sorachi_etl.intake.files import collect_files
    from sorachi_etl.kpi.merge import merge_submissions
    from sorachi_etl.kpi.status import master_to_status
    from sorachi_etl.model.names import MASTER_OUTPUT_SHEETS

    master_path = Path(master_path)
    book = open_master(master_path)  # every cell read, no pandas yet: fast
    master = book.master
    files = collect_files(paths)
    # Worker processes read and check the returns while this one checks the master
    # with pandera, looks at what saving it would meet and opens it for writing.
    wb = removed = None
    with Reading(files, password, master=master, year=year) as reading:
        if progress:
            progress(0, len(files))  # the bar shows from the start, not after these steps
        check_master(book)
        if not dry_run:
            ensure_not_locked(master_path)
            at_risk = content_at_risk(master_path)
            if at_risk:
                raise MasterError("master_at_risk", name=master_path.name, details=at_risk)
            # the data sheets' cells are edited as the file holds them, the regenerated
            # sheets' would only be parsed to be dropped: openpyxl parses neither
            wb, removed = open_for_update(master_path, MASTER_OUTPUT_SHEETS)
        before = master_to_kpi_table(master)
        validation = validate_reading(reading, progress=progress, announced=True)
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
    render_master(result.master, result.table, wb, status, data_sheets=False)
    update_data_sheets(wb, book, result.master, removed)
    saved = save_atomic(wb, master_path)
    return MergeOutcome(validation, result, written=True, backup=saved, status=status)


def status_of(master_path: Path, *, year: int | None = None) -> tuple[domain.Master, StatusReport]:
    """Who has sent, who has not, and what is pending, from the master alone (fast)."""
    from sorachi_etl.book.master_read import load_master
    from sorachi_etl.kpi.status import master_to_status

    master = load_master(Path(master_path), check=False)
    return master, master_to_status(master, year)


def annotate_reports(validation: Validation, out_dir: Path) -> list[Path]:
    """Annotated copies of every faulty (but readable) workbook, for mailing back."""
    from sorachi_etl.book.annotate import annotate_workbook

    written = []
    for fr in validation.report.files:
        if fr.status != "invalid":
            continue
        source = validation.paths.get(fr.file)
        if source is None:
            continue
        try:
            written.append(annotate_workbook(source, fr, Path(out_dir)))
        except Exception:  # a file openpyxl cannot open is still reported; just no copy
            continue
    return written


def make_templates(
    master_path: Path, year: int, out_dir: Path, reporters: list[str] | None = None
) -> list:
    """Write one survey workbook (調査票) per reporter for `year` into `out_dir`.

    Returns a `template.TemplateResult` per file. Raises MasterError for a
    missing or broken master, UsageError for an unknown reporter.
    """
    from sorachi_etl.book.master_read import load_master
    from sorachi_etl.book.template import master_to_templates

    master = load_master(Path(master_path))
    return master_to_templates(master, year, Path(out_dir), reporters=reporters)


@dataclass
class DemoResult:
    """Everything `run_demo` made, for the CLI to tell the user about."""

    folder: Path
    master_path: Path
    templates: list
    returns: Path
    validation: Validation
    annotated: list[Path]
    outcome: MergeOutcome
    status: StatusReport


DEMO_YEAR = 2024


def run_demo(folder: Path) -> DemoResult:
    """The main job end to end on the bundled samples, in a fresh folder.

    init a master from the sample data, write the R6 survey workbooks, copy the
    bundled returns, validate them (annotating the faulty ones), merge, and
    compute the submission status.
    """
    import shutil

    from sorachi_etl.kpi.status import master_to_status
    from sorachi_etl.model.resources import samples_dir

    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise UsageError("folder_not_empty", path=folder)
    folder.mkdir(parents=True, exist_ok=True)
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
    )
