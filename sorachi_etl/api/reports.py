"""What the master says, read without writing: the KPI list, who has sent what."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sorachi_etl.api.master import master_file
from sorachi_etl.kpi.aggregate import KpiTable, master_to_kpi_table
from sorachi_etl.model.errors import UsageError
from sorachi_etl.model.paths import file_to_write

if TYPE_CHECKING:
    from sorachi_etl.kpi.status import StatusReport


def kpi_report(master_path: Path, *, year: int | None = None) -> KpiTable:
    """The KPI list computed from a master, for the actual year `year` (default: latest)."""
    from sorachi_etl.book.master_check import check_master
    from sorachi_etl.book.master_read import open_master

    book = open_master(master_file(master_path))
    check_master(book, rows=False)
    table = master_to_kpi_table(book.master, year=year)
    # characters removed on reading, where they were (before the list's own warnings)
    table.warnings[:0] = [notice.message for notice in book.notices]
    return table


def status_of(master_path: Path, *, year: int | None = None) -> StatusReport:
    """Who has sent, who has not, and what is pending, from the master alone (fast).

    >>> report = status_of(Path("master.xlsx"))  # doctest: +SKIP
    >>> report.count("未提出"), report.to_dict()["reminder"]  # doctest: +SKIP
    """
    from sorachi_etl.book.master_check import check_references_of
    from sorachi_etl.book.master_read import open_master
    from sorachi_etl.kpi.status import master_to_status

    book = open_master(master_file(master_path))
    check_references_of(book)
    status = master_to_status(book.master, year)
    status.notices = book.notices  # e.g. 取込履歴 gone: then 未提出 may not be so
    return status


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
    from sorachi_etl.book.office_locks import office_locks

    if office_locks(path):  # last time's list open in Excel: not pulled from under it
        raise UsageError("publish_file_open", name=path.name)
    return path
