"""Check a master once read: its rows against the rules, and what its sheets name in one another.

`master_read` reads and normalises every cell and says what it cannot read;
`check_master` then runs the pandera pass over each data sheet
(`master_read.check_rows`, the rules of schemas/master.toml) and checks the
references between sheets: a KPI naming an unknown measure, a value of an
unknown reporter, a project no sheet holds, an ID typed in full width or lower
case. Every problem becomes a finding naming the sheet and cell; any error
stops the run with a `MasterError` listing them all.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from sorachi_etl.book.master_read import MasterBook, SheetRows, check_rows, open_master
from sorachi_etl.model import domain
from sorachi_etl.model.cells import a1
from sorachi_etl.model.errors import MasterError
from sorachi_etl.model.findings import Finding, finding
from sorachi_etl.model.messages import message
from sorachi_etl.model.names import (
    SHEET_ANALYSIS_NOTES,
    SHEET_BUSINESSES,
    SHEET_INITIATIVES,
    SHEET_KPI_VALUES,
    SHEET_KPIS,
    SHEET_MEASURE_VALUES,
    SHEET_MEASURES,
    SHEET_SETTINGS,
)


def check_references(master: domain.Master, sheets: dict[str, SheetRows]) -> list[Finding]:
    """References between sheets: a KPI naming an unknown measure, a value of an unknown reporter…"""
    refs = _References(master, sheets)
    refs.ids()
    refs.kpis()
    refs.measures()
    refs.values()
    refs.notes()
    refs.projects()
    refs.plan()
    return refs.found


class _References:
    """What each sheet names that another sheet must hold, checked one sheet at a time."""

    def __init__(self, master: domain.Master, sheets: dict[str, SheetRows]) -> None:
        self.master, self.sheets = master, sheets
        self.found: list[Finding] = []
        self.measure_ids = {m.id for m in master.measures}
        self.reporter_names = {r.name for r in master.reporters}
        self.kpi_ids = {k.id for k in master.kpis}
        self.project_nos = {p.no for p in master.projects}
        self.groups = {g for r in master.reporters for g in r.groups}
        # what each target holds: a hint names only an ID the target has (「m01」 in 指標ID
        # is not told to be M01, a measure)
        self.known = {
            "シート「調査項目」": self.measure_ids,
            "シート「市町」": self.reporter_names,
            "シート「評価指標」": self.kpi_ids,
            "シート「市町」のグループ": self.groups,
        }

    def ref(self, sheet: str, index: int, key: str, value: object, target: str, hint: str = ""):
        rows = self.sheets[sheet]
        r, c = rows.row_numbers[index], rows.columns.get(key)
        if isinstance(value, str):
            half = unicodedata.normalize("NFKC", value).strip()
            known = self.known.get(target, set())
            # the target's own IDs as they ought to be typed: 「m01」 typed in 調査項目 itself
            defined = {unicodedata.normalize("NFKC", k).strip().upper(): k for k in known}
            if half != value and half in known:  # typed with the Japanese input on
                hint = message("hint_full_width_id", value=half)
            elif half not in known and half.upper() in known:  # 「m02」 for M02
                hint = message("hint_lower_case_id", value=half.upper())
            elif half == half.upper() and defined.get(half, half) != half:
                typed = defined[half]
                hint = message("hint_id_typed_otherwise", target=target, typed=typed, value=half)
        self.found.append(
            finding(
                "master_unknown_ref",
                sheet=sheet,
                cell=a1(r, c) if c is not None else None,
                value=value,
                column=rows.rule.column(key).header,
                target=target,
                hint=hint,
            )
        )

    def ids(self) -> None:
        """Two rows whose IDs differ in case or width only (K01 and k01): the pandera pass
        took them for two, and the KPI list printed K01 twice, once with no figures."""
        for sheet, items in (
            (SHEET_MEASURES, self.master.measures),
            (SHEET_KPIS, self.master.kpis),
        ):
            rows = self.sheets.get(sheet)
            if rows is None:
                continue
            by_folded: dict[str, list[int]] = {}
            for i, item in enumerate(items):
                folded = unicodedata.normalize("NFKC", item.id).strip().upper()
                by_folded.setdefault(folded, []).append(i)
            c = rows.columns.get("id")
            for folded, indexes in by_folded.items():
                if len({items[i].id for i in indexes}) < 2:
                    continue
                for i in indexes:
                    if items[i].id != folded:
                        self.found.append(
                            finding(
                                "master_duplicate",
                                sheet=sheet,
                                cell=a1(rows.row_numbers[i], c) if c is not None else None,
                                value=items[i].id,
                                column=rows.rule.column("id").header,
                            )
                        )

    def kpis(self) -> None:
        measures_sheet = "シート「調査項目」"
        for i, k in enumerate(self.master.kpis):
            for key in ("measure", "denominator"):
                mid = getattr(k, key)
                if mid and mid not in self.measure_ids:
                    self.ref(SHEET_KPIS, i, key, mid, measures_sheet, message("hint_measure_id"))
            if k.kind == "ratio" and not k.denominator:
                hint = message("hint_ratio_denominator")
                self.ref(SHEET_KPIS, i, "denominator", "", measures_sheet, hint)
            if k.group not in self.groups:
                self.ref(SHEET_KPIS, i, "group", k.group, "シート「市町」のグループ")
            for p in k.projects:
                if self.project_nos and p not in self.project_nos:
                    self.ref(SHEET_KPIS, i, "project", p, "シート「プロジェクト」")

    def measures(self) -> None:
        for i, m in enumerate(self.master.measures):
            for g in m.groups:
                if g not in self.groups:
                    self.ref(SHEET_MEASURES, i, "groups", g, "シート「市町」のグループ")

    def values(self) -> None:
        for i, v in enumerate(self.master.measure_values):
            if v.measure not in self.measure_ids:
                self.ref(SHEET_MEASURE_VALUES, i, "measure", v.measure, "シート「調査項目」")
            if v.reporter not in self.reporter_names:
                self.ref(SHEET_MEASURE_VALUES, i, "reporter", v.reporter, "シート「市町」")
        for i, kv in enumerate(self.master.kpi_values):
            if kv.kpi not in self.kpi_ids:
                self.ref(SHEET_KPI_VALUES, i, "kpi", kv.kpi, "シート「評価指標」")

    def plan(self) -> None:
        """計画開始年度 after 計画終了年度 (the two swapped): the KPI list had no year
        columns at all, and said nothing."""
        from sorachi_etl.model.eras import format_fiscal_year

        settings = self.master.settings
        if settings.plan_start and settings.plan_end and settings.plan_start > settings.plan_end:
            rows = self.sheets.get(SHEET_SETTINGS)
            r = rows.key_rows.get("plan_start") if rows is not None else None
            self.found.append(
                finding(
                    "master_plan_reversed",
                    sheet=SHEET_SETTINGS,
                    cell=a1(r, 1) if r is not None else None,
                    start=format_fiscal_year(settings.plan_start),
                    end=format_fiscal_year(settings.plan_end),
                )
            )

    def projects(self) -> None:
        """The projects businesses and initiatives name: a 関連プロジェクト typed
        「プロジェクト1」 printed no mark at all, and 「5」 a ⑤ that no project has."""
        if not self.project_nos:
            return
        known = {str(no) for no in self.project_nos}
        hint = message("hint_project_no")
        for i, b in enumerate(self.master.businesses):
            for p in b.projects:
                if str(p) not in known:
                    self.ref(SHEET_BUSINESSES, i, "projects", p, "シート「プロジェクト」", hint)
        for i, initiative in enumerate(self.master.initiatives):
            if initiative.project not in self.project_nos:
                self.ref(
                    SHEET_INITIATIVES, i, "project", initiative.project, "シート「プロジェクト」"
                )

    def notes(self) -> None:
        # named as the report matches it (kpi.analysis.note_kpi): an ID typed full-width
        # 「Ｋ０６」 stopped every command though the report would read it as K06
        from sorachi_etl.kpi.analysis import note_kpi

        for i, note in enumerate(self.master.analysis_notes):
            if note.kpi and note_kpi(note, self.master.kpis) is None:
                hint = message("hint_note_kpi")
                self.ref(SHEET_ANALYSIS_NOTES, i, "kpi", note.kpi, "シート「評価指標」", hint)


def check_master(book: MasterBook, *, rows: bool = True) -> None:
    """The checks over whole sheets (pandera, from schemas/master.toml) and between sheets.

    `rows=False` checks the references between sheets only (no pandas: for
    quick read-only commands). Raises MasterError listing every problem found.
    """
    if rows:
        check_rows(book.path, book.sheets)
    check_references_of(book)


def check_references_of(book: MasterBook) -> None:
    findings = check_references(book.master, book.sheets)
    if findings:
        raise MasterError("master_invalid", name=book.path.name, findings=findings)


def load_master(path: Path, *, check: bool = True) -> domain.Master:
    """Read and check a master workbook.

    `check=False` skips the pandera pass (for quick read-only commands such as
    `status`); cell-level normalising and reference checks always run.
    Raises MasterError with every problem found, in Japanese.
    """
    book = open_master(path)
    if check:
        check_master(book)
    else:
        check_references_of(book)
    return book.master
