"""Merge validated submissions into the master: pure, returning the new master and what changed.

Measure values are upserted by (measure, reporter, year), initiatives by
(reporter, year, title). A later workbook from the same reporter replaces the
earlier one. Merging the same files again changes nothing: a row whose
content is unchanged keeps its old 出典ファイル and 取込日時.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from dataclasses import dataclass, field, fields
from decimal import Decimal

from sorachi_etl.kpi.aggregate import KpiRow, KpiTable, YearValue, master_to_kpi_table
from sorachi_etl.kpi.status import held_back_note, submission_result, unreadable_result
from sorachi_etl.model.domain import Initiative, Kpi, LogEntry, Master, MeasureValue, Submission
from sorachi_etl.model.findings import FileReport
from sorachi_etl.model.names import (  # noqa: F401  (the results of 取込履歴, importable from here)
    RESULT_INVALID,
    RESULT_MERGED,
    RESULT_SUPERSEDED,
    RESULT_UNCHANGED,
    RESULT_UNREADABLE,
)


@dataclass(frozen=True)
class Change:
    """One cell-level change the merge makes (or would make, on --dry-run)."""

    sheet: str
    key: str  # e.g. "M01 / 岩見沢市 / R6"
    column: str
    old: object
    new: object

    def to_dict(self) -> dict[str, object]:
        return {
            "sheet": self.sheet,
            "key": self.key,
            "column": self.column,
            "old": self.old,
            "new": self.new,
        }


@dataclass(frozen=True)
class KpiChange:
    """A KPI whose value in a year, or whose progress rate, the merge changes.

    `year` is the fiscal year whose value changed (the actual year when only the
    rate did); `old_rate` is None when there was none or it was of another actual year.
    """

    kpi: Kpi
    year: int
    old: YearValue | None
    new: YearValue | None
    rate_year: int | None
    old_rate: Decimal | None
    new_rate: Decimal | None

    def value_text(self, value: YearValue | None) -> str:
        """A value as the KPI list shows it: 54.1%, 集計中（10/12）, or （なし）."""
        from sorachi_etl.kpi.formats import year_value_text

        return year_value_text(value, self.kpi) or "（なし）"

    def to_dict(self) -> dict[str, object]:
        from sorachi_etl.model.eras import format_fiscal_year

        def value(v: YearValue | None) -> dict[str, object] | None:
            if v is None:
                return None
            number = None if v.value is None else float(v.value)
            return {"value": number, "status": v.status, "text": self.value_text(v)}

        def rate(r: Decimal | None) -> float | None:
            return None if r is None else float(r)

        return {
            "kpi": self.kpi.id,
            "name": self.kpi.name,
            "unit": self.kpi.unit,
            "year": self.year,
            "year_text": format_fiscal_year(self.year),
            "old": value(self.old),
            "new": value(self.new),
            "rate_year": self.rate_year,
            "rate_year_text": format_fiscal_year(self.rate_year) if self.rate_year else None,
            "old_rate": rate(self.old_rate),
            "new_rate": rate(self.new_rate),
        }


@dataclass
class MergeResult:
    master: Master
    table: KpiTable
    before: KpiTable
    changes: list[Change] = field(default_factory=list)
    kpi_changes: list[KpiChange] = field(default_factory=list)
    log: list[LogEntry] = field(default_factory=list)
    merged_files: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)  # reporters whose earlier file was replaced

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    def to_dict(self) -> dict[str, object]:
        return {
            "merged": list(self.merged_files),
            "replaced": list(self.replaced),
            "changes": [c.to_dict() for c in self.changes],
            "kpi_changes": [c.to_dict() for c in self.kpi_changes],
        }


_VALUE_COLUMNS = {"value": "実績値", "status": "状態", "note": "備考"}
# Staff add a photo to an initiative in the master; a return has none to give, so the
# photo stays with its row when the reporter sends the initiative again.
_STAFF_COLUMNS = ("photo", "photo_caption")
_INITIATIVE_COLUMNS = {
    f.name: f.name
    for f in fields(Initiative)
    if f.name not in ("source_file", "received_at", *_STAFF_COLUMNS)
}


def _content(item: object, names: list[str]) -> tuple:
    return tuple(getattr(item, n) for n in names)


def merge_submissions(
    master: Master,
    submissions: list[Submission],
    reports: list[FileReport] | None = None,
    *,
    now: dt.datetime | None = None,
    year: int | None = None,
    superseded: list[str] | None = None,
    before: KpiTable | None = None,
) -> MergeResult:
    """Upsert `submissions` into a copy of `master`; `reports` (skipped files) go to the log.

    `before` is `master_to_kpi_table(master, year=year)`, when the caller has it already.
    """
    from sorachi_etl.model.eras import format_fiscal_year

    now = (now or dt.datetime.now()).replace(microsecond=0)
    # A new master whose lists the merge replaces; the items it keeps are shared with
    # `master` and never edited in place (changed ones are new objects), so no deep
    # copy of every value of every year is needed.
    new = dataclasses.replace(
        master,
        measure_values=list(master.measure_values),
        initiatives=list(master.initiatives),
        log=list(master.log),
    )
    before = before if before is not None else master_to_kpi_table(master, year=year)
    result = MergeResult(master=new, table=before, before=before)
    values = {v.key: v for v in new.measure_values}
    # The source file of each value, by (reporter, year), kept in step with `values`:
    # looking a submission's earlier files up this way keeps the merge O(N), not O(N²).
    sources: dict[tuple[str, int], dict[tuple[str, str, int], str]] = {}
    for v in values.values():
        sources.setdefault((v.reporter, v.year), {})[v.key] = v.source_file
    initiatives = {i.key: i for i in new.initiatives}

    for sub in submissions:
        changed_rows = 0
        previous_files = set(sources.get((sub.reporter, sub.year), {}).values()) - {"", sub.file}
        # only the parts of the return that were accepted (see Submission)
        for mv in sub.values if sub.values_accepted else ():
            key_text = f"{mv.measure} / {mv.reporter} / {format_fiscal_year(mv.year)}"
            old = values.get(mv.key)
            if old is not None and _content(old, list(_VALUE_COLUMNS)) == _content(
                mv, list(_VALUE_COLUMNS)
            ):
                continue
            for name, label in _VALUE_COLUMNS.items():
                before_v = getattr(old, name) if old is not None else None
                after_v = getattr(mv, name)
                if before_v != after_v and not (before_v in (None, "") and after_v in (None, "")):
                    result.changes.append(Change("調査実績", key_text, label, before_v, after_v))
            values[mv.key] = MeasureValue(
                mv.measure, mv.reporter, mv.year, mv.value, mv.status, mv.note, sub.file, now
            )
            sources.setdefault((mv.reporter, mv.year), {})[mv.key] = sub.file
            changed_rows += 1
        for ini in sub.initiatives if sub.initiatives_accepted else ():
            old_i = initiatives.get(ini.key)
            names = list(_INITIATIVE_COLUMNS)
            if old_i is not None and _content(old_i, names) == _content(ini, names):
                continue
            key_text = f"{ini.reporter} / {format_fiscal_year(ini.year)} / {ini.title}"
            result.changes.append(
                Change("取組", key_text, "取組名", old_i.title if old_i else None, ini.title)
            )
            merged = copy.copy(ini)
            merged.source_file, merged.received_at = sub.file, now
            if old_i is not None:
                for name in _STAFF_COLUMNS:
                    setattr(merged, name, getattr(old_i, name))
            initiatives[ini.key] = merged
            changed_rows += 1
        if previous_files and changed_rows:
            result.replaced.append(sub.reporter)
        note = ""
        if previous_files and changed_rows:
            note = "「" + "」「".join(sorted(previous_files)) + "」の内容を置き換えました。"
        result.log.append(
            LogEntry(
                time=now,
                file=sub.file,
                sha256=sub.sha256,
                reporter=sub.reporter,
                year=sub.year,
                rows=(len(sub.values) if sub.values_accepted else 0)
                + (len(sub.initiatives) if sub.initiatives_accepted else 0),
                result=submission_result(sub, changed_rows),
                note=(note or (f"{changed_rows}行を更新しました。" if changed_rows else ""))
                + held_back_note(sub),
            )
        )
        result.merged_files.append(sub.file)

    for report in reports or []:
        if report.file in (superseded or []):
            # an older copy beside a newer one, faulty or not: not this reporter's answer
            result.log.append(
                LogEntry(
                    time=now,
                    file=report.file,
                    sha256=report.sha256,
                    reporter=report.reporter or "",
                    year=report.year,
                    result=RESULT_SUPERSEDED,
                    note="同じ報告者の新しい調査票があるため取り込みませんでした。",
                )
            )
            continue
        if report.status in ("ok", "partial"):
            continue  # logged with its submission
        first = report.errors[0].message if report.errors else ""
        result.log.append(
            LogEntry(
                time=now,
                file=report.file,
                reporter=report.reporter or "",
                year=report.year,
                result=(
                    unreadable_result(report.refusal)
                    if report.status == "unreadable"
                    else RESULT_INVALID
                ),
                note=f"エラー{len(report.errors)}件: {first}"[:500],
                sha256=report.sha256,
            )
        )

    new.measure_values = sorted(values.values(), key=_value_order(new))
    new.initiatives = list(initiatives.values())
    new.log = [*master.log, *result.log]
    result.table = master_to_kpi_table(new, year=year)
    result.kpi_changes = kpi_changes(before, result.table)
    return result


def adds_nothing(before: Master, result: MergeResult) -> bool:
    """Whether writing `result` would tell nothing the master `before` does not already say.

    True when no cell of the data changes, every line the merge would add to
    取込履歴 repeats one already there (the same file, with the same SHA-256, for
    the same reporter and year, with the same outcome: taken, faulty, unreadable,
    passed over), and no reporter's state in 提出状況 would change. Merging the
    same files again is such a run: it need not rewrite the master (nor back it up).
    A file not seen before is news even when its values are the same: the log
    records that it came.
    """
    from sorachi_etl.kpi.status import master_to_status

    if result.changes:
        return False
    seen = {_log_fact(e) for e in before.log}
    if any(_log_fact(e) not in seen for e in result.log):
        return False
    return _states(master_to_status(before)) == _states(master_to_status(result.master))


def _log_fact(e: LogEntry) -> tuple:
    taken = e.result in (RESULT_MERGED, RESULT_UNCHANGED)
    return (e.file, e.sha256, e.reporter, e.year, "taken" if taken else e.result)


def _states(status) -> list[tuple]:
    return [
        (r.reporter, r.state, r.file, r.unreadable, tuple(r.pending), tuple(r.missing))
        for r in status.rows
    ]


def _value_order(master: Master):
    measure_index = {m.id: i for i, m in enumerate(master.measures)}
    reporter_index = {r.name: i for i, r in enumerate(master.reporters)}

    def key(v: MeasureValue) -> tuple:
        return (
            v.year,
            reporter_index.get(v.reporter, len(reporter_index)),
            v.reporter,
            measure_index.get(v.measure, len(measure_index)),
            v.measure,
        )

    return key


def kpi_changes(before: KpiTable, after: KpiTable) -> list[KpiChange]:
    """KPIs whose value in any year, or whose progress rate, differs between two tables.

    Compared as the KPI list shows them (rounded values, 集計中 with its count).
    """
    from sorachi_etl.kpi.formats import year_value_text

    out = []
    old_rows = {r.kpi.id: r for r in before.distinct_rows}
    years = after.years
    same_actual_year = before.actual_year == after.actual_year
    for row in after.distinct_rows:
        old = old_rows.get(row.kpi.id)

        def shown(r: KpiRow | None, year: int) -> str:
            return year_value_text(r.values.get(year), r.kpi) if r is not None else ""

        diffs = [y for y in years if shown(row, y) != shown(old, y)]
        old_rate = old.rate if old is not None and same_actual_year else None
        rate_changed = (old.rate if old is not None else None) != row.rate
        if not diffs and not rate_changed:
            continue
        year = (
            diffs[-1] if diffs else (after.actual_year if after.actual_year in years else years[0])
        )
        out.append(
            KpiChange(
                kpi=row.kpi,
                year=year,
                old=old.values.get(year) if old is not None else None,
                new=row.values.get(year),
                rate_year=after.actual_year,
                old_rate=old_rate,
                new_rate=row.rate,
            )
        )
    return out
