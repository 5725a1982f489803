"""Helpers shared by tests: a workbook as text, for comparing generated files by meaning;
the hostile-file generator of tests/data/hostile."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from types import ModuleType


@cache
def make_hostile() -> ModuleType:
    """tests/data/hostile/make_hostile.py as a module (it is a script, not a package)."""
    import importlib.util

    path = Path(__file__).parent / "data" / "hostile" / "make_hostile.py"
    spec = importlib.util.spec_from_file_location("make_hostile", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def workbook_dump(path: Path) -> str:
    """A text dump of a workbook: per sheet its state, protection, print setup, merges,
    tables, data validations, and every cell with a value, a number format or an
    unlocked flag. Two workbooks with the same dump look and behave the same to a
    user; bytes (zip timestamps, XML order) do not matter.
    """
    from openpyxl import load_workbook

    wb = load_workbook(path)
    out: list[str] = []
    sec = wb.security
    out.append(
        f"workbook lockStructure={bool(sec and sec.lockStructure)} "
        f"created={wb.properties.created} modified={wb.properties.modified}"
    )
    for name, defined in sorted(wb.defined_names.items()):
        out.append(f"name {name}={defined.attr_text}")
    for ws in wb.worksheets:
        p = ws.protection
        out.append(f"== {ws.title} state={ws.sheet_state}")
        out.append(
            f"protection sheet={p.sheet} password={bool(p.password)} "
            f"formatColumns={p.formatColumns} formatRows={p.formatRows}"
        )
        ps = ws.page_setup
        out.append(
            f"print paper={ps.paperSize} orientation={ps.orientation} "
            f"fitToWidth={ps.fitToWidth} fitToHeight={ps.fitToHeight} "
            f"titles={ws.print_title_rows}"
        )
        for merged in sorted(str(m) for m in ws.merged_cells.ranges):
            out.append(f"merge {merged}")
        for table in sorted(ws.tables.values(), key=lambda t: t.displayName):
            out.append(
                f"table {table.displayName} {table.ref} {[c.name for c in table.tableColumns]}"
            )
        for dv in ws.data_validations.dataValidation:
            out.append(
                f"validation {dv.sqref} type={dv.type} op={dv.operator} "
                f"f1={dv.formula1} f2={dv.formula2} blank={dv.allow_blank} "
                f"prompt={dv.promptTitle}|{dv.prompt} error={dv.errorStyle}|"
                f"{dv.errorTitle}|{dv.error}"
            )
        for row in ws.iter_rows():
            for cell in row:
                parts = []
                if cell.value is not None:
                    parts.append(repr(cell.value))
                if cell.number_format != "General":
                    parts.append(f"fmt={cell.number_format}")
                if cell.protection.locked is False:
                    parts.append("unlocked")
                if parts:
                    out.append(f"{cell.coordinate} " + " ".join(parts))
    return "\n".join(out) + "\n"


class DiskFillsUp:
    """A file being written on a disk that fills up: the first part of what is written
    gets through (`keep` characters or bytes, else half), then ENOSPC, as a full disk or
    a share over quota answers."""

    def __init__(self, fh, keep: int | None = None) -> None:
        self.fh, self.keep = fh, keep

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.fh.close()

    def write(self, data):
        import errno

        self.fh.write(data[: len(data) // 2 if self.keep is None else self.keep])
        self.fh.flush()
        raise OSError(errno.ENOSPC, "No space left on device")
