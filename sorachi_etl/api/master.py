"""The master itself: where it is, reading it, and making a new one (init) or its surveys."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sorachi_etl.api.common import Notices, Notify
from sorachi_etl.kpi.aggregate import KpiTable, master_to_kpi_table
from sorachi_etl.model import domain
from sorachi_etl.model.errors import MasterError, UsageError
from sorachi_etl.model.findings import Finding
from sorachi_etl.model.paths import check_drive, expand, file_to_write, folder_to_write

if TYPE_CHECKING:
    from sorachi_etl.book.master_file import MasterFile


def master_file(path: Path) -> Path:
    """The master a command reads, as given (~ expanded); `open_master` says what is wrong with it."""
    from sorachi_etl.book.office_locks import owner_file_of

    path = expand(path)
    owner = owner_file_of(path)
    if owner is not None:  # picked beside the master in Explorer with hidden files shown
        program, master = owner
        raise UsageError(
            "master_is_owner_file", name=path.name, program=program, master=master.name
        )
    if not path.exists():
        check_drive(path)
    return path


def read_master_file(path: Path) -> MasterFile:
    """The master's bytes and fingerprint, or MasterError for a path that is not a readable file."""
    from sorachi_etl.book import master_file as files

    try:
        return files.read_master_file(path)
    except FileNotFoundError:
        raise MasterError("master_not_found", path=path) from None
    except IsADirectoryError:
        raise MasterError("master_unreadable", name=path.name, detail="フォルダです") from None
    except OSError:
        raise MasterError(
            "master_unreadable", name=path.name, detail="ファイルを読み取れません"
        ) from None


# What a master saved in another format is, in the words of Excel's and LibreOffice's
# 「ファイルの種類」 list.
_SAVED_AS = {
    "ods": "LibreOffice の形式（.ods）",
    "xls": "Excel 97-2003 の形式（.xls）",
    "xlsm": "マクロ有効ブックの形式（.xlsm）",
    "xlsb": "Excel バイナリブックの形式（.xlsb）",
}


def writable_master(path: Path, data: bytes) -> None:
    """MasterError unless the master is a plain Excel workbook named .xlsx, outside the
    backup folder: the only kind a merge writes (an .ods or .xls cannot be written in place; an .xlsm would lose its
    macros, and a workbook named .xlsm without them is one Excel refuses to open)."""
    from sorachi_etl.book.master_file import master_of_backup
    from sorachi_etl.intake.sniff import sniff_bytes

    master = master_of_backup(path)
    if master is not None:  # opened from backup/ by mistake: the master itself stays behind
        raise MasterError("master_is_backup", name=path.name, master=master.name)

    kind = sniff_bytes(data)
    suffix = path.suffix.lower().lstrip(".")
    if kind not in ("ods", "xls", "xlsb"):
        # not a workbook (open_master says what it is), or macros in an .xlsx
        # (content_at_risk names them): told elsewhere
        if kind not in ("xlsx", "xlsm") or suffix == "xlsx":
            return
        if suffix not in _SAVED_AS:
            raise MasterError("master_name_not_xlsx", name=path.name)
        kind = suffix
    raise MasterError(
        "master_saved_as_other",
        name=path.name,
        kind=_SAVED_AS[kind],
        xlsx=path.with_suffix(".xlsx").name,
    )


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


@dataclass
class InitResult:
    path: Path
    master: domain.Master
    table: KpiTable
    backup: Path | None = None
    notices: list[Finding] = field(default_factory=list)  # 注意 said on the way (a lock removed)


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
    from sorachi_etl.book.office_locks import ensure_not_open, owner_file_of
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
        import unicodedata

        typed = unicodedata.normalize("NFKC", path.name)
        if typed.lower().endswith(".xlsx"):  # ｍａｓｔｅｒ．ｘｌｓｘ, typed with the IME on
            raise UsageError("master_name_full_width_xlsx", name=path.name, example=typed)
        raise UsageError("master_name_not_xlsx", name=path.name)
    if owner_file_of(path) is not None:
        raise UsageError("master_named_like_owner_file", name=path.name)
    if path.exists() and not overwrite:
        raise UsageError("master_exists", path=path)
    file_to_write(path, option="sorachi-etl init", example="master.xlsx")
    notices = Notices(notify)
    with master_lock(path, "init", force=force_unlock) as held:
        notices.add(held.notices)
        if path.exists() and not overwrite:  # made by another run while we waited
            raise UsageError("master_exists", path=path)
        notices.add(ensure_not_open(path, force=force_unlock))
        expected = read_master_file(path) if path.exists() else None
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
    try:
        copy_sample_photos(master, path.parent)
    except OSError as exc:
        # the master is made: pictures that cannot be put beside it (a file named 写真,
        # a read-only folder) are said, not reported as a failure of the whole init
        from sorachi_etl.model.findings import finding
        from sorachi_etl.model.paths import os_error_reason

        photo = next(i.photo for i in master.initiatives if i.photo)
        folder = (path.parent / photo).parent
        notices.add(
            [finding("sample_photos_not_copied", folder=folder, reason=os_error_reason(exc))]
        )
    return InitResult(path, master, table, saved, list(notices))


def make_templates(
    master_path: Path, year: int, out_dir: Path, reporters: list[str] | None = None
) -> list:
    """Write one survey workbook (調査票) per reporter for `year` into `out_dir`.

    Returns a `template.TemplateResult` per file. Raises MasterError for a
    missing or broken master, UsageError for an unknown reporter or for a file in
    `out_dir` that a blank would replace and that is not an untouched blank of ours.
    """
    from sorachi_etl.book.master_check import load_master
    from sorachi_etl.book.template import master_to_templates

    master_path = master_file(master_path)
    out_dir = folder_to_write(out_dir, option="--out", example="R6_調査票")
    master = load_master(master_path)
    plan = master.settings
    if plan.plan_start and plan.plan_end and not plan.plan_start <= year <= plan.plan_end:
        # a year no KPI list shows: most likely mistyped (R10 for R1 or R6)
        from sorachi_etl.model.eras import format_fiscal_year_long

        raise UsageError(
            "template_outside_plan",
            year=format_fiscal_year_long(year),
            start=format_fiscal_year_long(plan.plan_start),
            end=format_fiscal_year_long(plan.plan_end),
        )
    return master_to_templates(master, year, out_dir, reporters=reporters)
