"""merge: returns checked and taken into the master, the master saved safely under its lock."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sorachi_etl.api.common import Notices, Notify, gc_paused
from sorachi_etl.api.master import master_file, read_master_file, render_master, writable_master
from sorachi_etl.api.returns import returned_files, with_skipped
from sorachi_etl.model.errors import MasterError
from sorachi_etl.model.findings import Finding
from sorachi_etl.model.names import SUBMISSION_MISSING

if TYPE_CHECKING:
    from sorachi_etl.book.master_file import MasterFile
    from sorachi_etl.book.master_read import MasterBook
    from sorachi_etl.check.validate import Validation
    from sorachi_etl.kpi.aggregate import KpiTable
    from sorachi_etl.kpi.merge import MergeResult
    from sorachi_etl.kpi.status import StatusReport


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


@dataclass
class _Job:
    """What `merge_paths` was asked to do."""

    paths: list[Path]
    master_path: Path
    dry_run: bool
    year: int | None
    password: str | None
    now: dt.datetime | None
    progress: Callable[[int, int], None] | None
    force_unlock: bool


@gc_paused
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

    An invalid or unreadable workbook is skipped whole (a faulty part of one, under
    一部受付). With `dry_run` nothing is written (and no lock is taken). Otherwise the
    master's lock is held from before the master is read until the new one is in
    place; a merge that adds nothing the master does not already hold writes
    nothing (`unchanged`). `force_unlock` removes the owner files Excel or
    LibreOffice left, and a lock no live run holds; `notify` is given each notice
    as it arises. Raises MasterError (exit 2) for a missing, locked, busy or broken master.
    """
    from sorachi_etl.book.lock import master_lock

    master_path = master_file(master_path)
    if not master_path.exists():
        raise MasterError("master_not_found", path=master_path)
    if master_path.is_dir():  # told before a lock is taken beside it
        raise MasterError(
            "folder_given_for_file", path=master_path, option="--master", example="master.xlsx"
        )
    job = _Job(paths, master_path, dry_run, year, password, now, progress, force_unlock)
    notices = Notices(notify)
    with contextlib.ExitStack() as stack:
        if not dry_run:
            held = stack.enter_context(master_lock(master_path, "merge", force=force_unlock))
            notices.add(held.notices)
        outcome = _merge_locked(job, notices)
    outcome.notices = list(notices)
    return outcome


def _merge_locked(job: _Job, notices: Notices) -> MergeOutcome:
    """The merge, the master's lock held: read, check and merge, then write if anything is new."""
    from sorachi_etl.book.master_file import saved_by_us
    from sorachi_etl.book.master_read import open_master
    from sorachi_etl.book.office_locks import ensure_not_open
    from sorachi_etl.kpi.merge import adds_nothing, merge_submissions
    from sorachi_etl.kpi.status import master_to_status

    if not job.dry_run:
        notices.add(ensure_not_open(job.master_path, force=job.force_unlock))
    # Read once: these bytes are parsed, and their fingerprint is compared with the
    # file on disk just before the new master replaces it.
    original = read_master_file(job.master_path)
    book = open_master(job.master_path, original.data)  # every cell read, no pandas yet: fast
    notices.add(book.notices)  # a log sheet gone, characters removed from staff's cells
    writable_master(job.master_path, original.data)  # a dry run says so too, not the real one only
    found = returned_files(job.paths)
    validation, before, opened = _check_returns(job, book, original, found.files)
    with_skipped(validation, found, job.paths)
    result = merge_submissions(
        book.master,
        validation.submissions,
        validation.report.files,
        now=job.now,
        superseded=validation.superseded,
        before=before,
    )
    status = master_to_status(result.master)
    if opened is None:
        return MergeOutcome(validation, result, written=False, status=status)
    # Nothing new, and the output sheets are ours as last written (no one has saved
    # the master since, so no staff edit waits to be shown in them): leave it alone.
    if adds_nothing(book.master, result) and saved_by_us(original):
        return MergeOutcome(validation, result, written=False, status=status, unchanged=True)
    saved = _write(job.master_path, opened, book, result, status, original)
    return MergeOutcome(validation, result, written=True, backup=saved, status=status)


def _check_returns(
    job: _Job, book: MasterBook, original: MasterFile, files: list[Path]
) -> tuple[Validation, KpiTable, tuple[Any, Any] | None]:
    """The returns checked, the KPI list before the merge, and the master opened for writing
    (None on a dry run).

    Worker processes read and check the returns while this one checks the master
    with pandera, looks at what saving it would meet and opens it for writing.
    """
    from sorachi_etl.book.master_check import check_master
    from sorachi_etl.book.master_update import open_for_update
    from sorachi_etl.book.preserve import content_at_risk
    from sorachi_etl.check.validate import Reading, validate_reading
    from sorachi_etl.kpi.aggregate import master_to_kpi_table
    from sorachi_etl.model.names import MASTER_OUTPUT_SHEETS

    opened = None
    with Reading(files, job.password, master=book.master, year=job.year) as reading:
        if job.progress:
            job.progress(0, len(files))  # the bar shows from the start, not after these steps
        check_master(book)
        if not job.dry_run:
            at_risk = content_at_risk(job.master_path)
            if at_risk:
                raise MasterError("master_at_risk", name=job.master_path.name, details=at_risk)
            # the data sheets' cells are edited as the file holds them, the regenerated
            # sheets' would only be parsed to be dropped: openpyxl parses neither
            opened = open_for_update(job.master_path, MASTER_OUTPUT_SHEETS, original.data)
        before = master_to_kpi_table(book.master)
        validation = validate_reading(reading, progress=job.progress, announced=True)
    return validation, before, opened


def _write(
    master_path: Path,
    opened: tuple[Any, Any],
    book: MasterBook,
    result: MergeResult,
    status: StatusReport,
    original: MasterFile,
) -> Path | None:
    """The merged master written over the old one: output sheets anew, data sheets in place."""
    from sorachi_etl.book.master_update import update_data_sheets
    from sorachi_etl.book.master_write import save_atomic

    wb, removed = opened
    render_master(result.master, result.table, wb, status, data_sheets=False)
    update_data_sheets(wb, book, result.master, removed)
    return save_atomic(
        wb,
        master_path,
        expected=original,
        keep_backups=result.master.settings.backups_kept,
    )
