"""The library's front door: one function per job, each returning data.

The CLI calls these and renders what they return; tests call them directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sorachi_etl import domain
from sorachi_etl.aggregate import KpiTable, master_to_kpi_table
from sorachi_etl.errors import UsageError


@dataclass
class InitResult:
    path: Path
    master: domain.Master
    table: KpiTable


def render_master(master: domain.Master, table: KpiTable, wb=None):
    """Data sheets and regenerated sheets of `master` into an openpyxl workbook (new if None).

    Sheets a user added to an existing workbook are kept untouched.
    """
    from sorachi_etl.sheets import write_charts, write_kpi_list, write_submissions
    from sorachi_etl.status import master_to_status
    from sorachi_etl.write import new_workbook, write_data_sheets

    wb = wb if wb is not None else new_workbook()
    write_data_sheets(wb, master)
    write_kpi_list(wb, table)
    write_submissions(wb, master_to_status(master))
    write_charts(wb, table)
    return wb


def init_master(path: Path, *, empty: bool = False, overwrite: bool = False) -> InitResult:
    """Write a new master workbook from the bundled sample data (or its empty structure)."""
    from sorachi_etl.sample import sample_master
    from sorachi_etl.write import append_log, save_atomic

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise UsageError(
            f"マスタのファイル名は .xlsx で終わる名前にしてください（指定: {path.name}）。"
        )
    if path.exists() and not overwrite:
        raise UsageError(f"「{path}」はすでにあります。上書きする場合は --force を付けてください。")
    path.parent.mkdir(parents=True, exist_ok=True)
    master = sample_master(empty=empty)
    table = master_to_kpi_table(master)
    wb = render_master(master, table)
    append_log(wb, [])
    save_atomic(wb, path, make_backup=overwrite)
    return InitResult(path, master, table)


def kpi_report(master_path: Path, *, year: int | None = None) -> KpiTable:
    """The KPI list computed from a master, for the actual year `year` (default: latest)."""
    from sorachi_etl.master import load_master

    return master_to_kpi_table(load_master(Path(master_path), check=False), year=year)
