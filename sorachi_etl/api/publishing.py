"""publish: the bureau's whole progress report, written from the master as workbook, PDF, HTML."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sorachi_etl.api.master import master_file
from sorachi_etl.model.errors import UsageError
from sorachi_etl.model.findings import Finding
from sorachi_etl.model.paths import folder_to_write, os_error_reason

if TYPE_CHECKING:
    from sorachi_etl.kpi.report_model import Report

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
    from sorachi_etl.book.photos import load_photos
    from sorachi_etl.intake.files import mark_output

    wanted = _publish_formats(formats)
    master_path = master_file(master_path)
    # the folder is checked before anything is computed; it is made only to write into
    out = folder_to_write(
        out_dir if out_dir is not None else master_path.parent / PUBLISH_FOLDER,
        option="--out",
        example=PUBLISH_FOLDER,
    )
    report = master_to_publication(master_path, year)
    try:
        out.mkdir(exist_ok=True)
    except OSError as exc:
        raise UsageError("publish_cannot_write", path=out, detail=os_error_reason(exc)) from None
    for kind in wanted:  # refused before anything is written, never half a report
        target = out / f"{report.file_stem}.{kind}"
        if target.is_dir():
            raise UsageError("publish_target_is_folder", path=target, option="--out")
    photos, photo_warnings = load_photos(report.photos, master_path.parent)
    result = PublishResult(report, {}, [*report.warnings, *photo_warnings], {})
    if "xlsx" in wanted or "pdf" in wanted:
        _write_workbook_and_pdf(result, photos, out, wanted)
    if "html" in wanted:
        _write_html(result, photos, out)
    # never read back as returns (the workbook, the page) by validate or merge
    mark_output(out, "publish", result.files.values())
    return result


def master_to_publication(master_path: Path, year: int | None) -> Report:
    """The report's content from the master (checked between its sheets, not by pandera)."""
    from sorachi_etl.book.master_check import check_master
    from sorachi_etl.book.master_read import open_master
    from sorachi_etl.kpi.aggregate import master_to_kpi_table
    from sorachi_etl.kpi.report_model import master_to_report
    from sorachi_etl.model.cells import a1
    from sorachi_etl.model.errors import SorachiError
    from sorachi_etl.model.names import SHEET_INITIATIVES

    book = open_master(master_path)
    check_master(book, rows=False)
    master = book.master
    if not master.projects:
        raise SorachiError("publish_no_projects", master=master_path.name)
    table = master_to_kpi_table(master, year=None if year is None else year - 1)
    # where each initiative's photo and year are, so that a warning can name the cell
    sheet = book.sheets.get(SHEET_INITIATIVES)

    def cells_of(key: str) -> list[str | None]:
        col = sheet.columns.get(key) if sheet is not None else None
        rows = sheet.row_numbers if sheet is not None else []
        return [a1(r, col) if col is not None else None for r in rows]

    report = master_to_report(
        master, table, photo_cells=cells_of("photo"), year_cells=cells_of("year")
    )
    report.warnings[:0] = book.notices  # characters removed on reading, where they were
    return report


def _write_workbook_and_pdf(
    result: PublishResult, photos: dict, out: Path, wanted: list[str]
) -> None:
    """The print-ready workbook, and the PDF of its pages (or the warning why there is none)."""
    from sorachi_etl.book.page_layout import save_workbook
    from sorachi_etl.book.pdf import find_soffice
    from sorachi_etl.book.publish import report_to_workbook
    from sorachi_etl.model.findings import finding

    started = time.perf_counter()
    wb = report_to_workbook(result.report, photos)
    result.sheets = list(wb.sheetnames)
    xlsx = out / f"{result.report.file_stem}.xlsx"
    if "xlsx" in wanted:
        result.files["xlsx"] = save_workbook(wb, xlsx)
        result.seconds["xlsx"] = time.perf_counter() - started
    if "pdf" not in wanted:
        return
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


def _write_html(result: PublishResult, photos: dict, out: Path) -> None:
    """The one self-contained page for the bureau's website."""
    from sorachi_etl.book.page_layout import write_file
    from sorachi_etl.book.publish_html import report_to_html

    started = time.perf_counter()
    page = report_to_html(result.report, photos).encode("utf-8")
    html = out / f"{result.report.file_stem}.html"
    result.files["html"] = write_file(html, lambda fh: fh.write(page))
    result.seconds["html"] = time.perf_counter() - started


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
