"""Merge validated submissions into the master: pure, returning the new master and what changed.

Measure values are upserted by (measure, reporter, year). A return's
initiatives replace, as a set, those the same reporter's earlier returns sent
for that year (an initiative re-sent with a corrected title is one row, not
two); rows staff typed into 取組 themselves (no 出典ファイル) are never taken
away, though one a return sends again under the same title is updated. A
later workbook from the same reporter thus replaces the earlier one, and
取込履歴 says what it replaced. Merging the same files again changes nothing:
a row whose content is unchanged keeps its old 出典ファイル and 取込日時. The
return last taken for a reporter and year (the same bytes, by 取込履歴's
SHA-256) is not applied again, so what staff corrected in the master since (a
集計中 figure phoned in and typed into 調査実績) is not put back when the 回収
folder is merged again for a late return.
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
from sorachi_etl.model.eras import format_fiscal_year
from sorachi_etl.model.findings import FileReport
from sorachi_etl.model.messages import message, phrase
from sorachi_etl.model.names import (
    RESULT_INVALID,
    RESULT_MERGED,
    RESULT_PARTIAL_INITIATIVES,
    RESULT_PARTIAL_VALUES,
    RESULT_SUPERSEDED,
    RESULT_UNCHANGED,
    SHEET_INITIATIVES,
    SHEET_MEASURE_VALUES,
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

        return year_value_text(value, self.kpi) or phrase("no_value")

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
_INITIATIVE_COLUMNS = [
    f.name
    for f in fields(Initiative)
    if f.name not in ("source_file", "received_at", *_STAFF_COLUMNS)
]
_MOST_TITLES = 10  # titles of replaced initiatives named in one line of 取込履歴


def _content(item: object, names: list[str]) -> tuple:
    return tuple(getattr(item, n) for n in names)


@dataclass
class _Merge:
    """The master being built and its indexes, as the submissions are merged one by one."""

    master: Master  # the new master; the items it keeps are shared with the old one
    result: MergeResult
    now: dt.datetime
    values: dict[tuple[str, str, int], MeasureValue]
    # the source file of each value, by (reporter, year), kept in step with `values`:
    # looking a submission's earlier files up this way keeps the merge O(N), not O(N²)
    sources: dict[tuple[str, int], dict[tuple[str, str, int], str]]
    initiatives: dict[tuple[str, int], list[Initiative]]  # by (reporter, year), in order
    # the return last taken for each (reporter, year): its SHA-256 and the parts it took
    last_taken: dict[tuple[str, int], tuple[str, bool, bool]] = field(default_factory=dict)


# The parts of a return (実績値, 取組) each result of 取込履歴 says were taken in.
_PARTS_TAKEN = {
    RESULT_MERGED: (True, True),
    RESULT_UNCHANGED: (True, True),
    RESULT_PARTIAL_VALUES: (True, False),
    RESULT_PARTIAL_INITIATIVES: (False, True),
}


def _last_taken(log: list[LogEntry]) -> dict[tuple[str, int], tuple[str, bool, bool]]:
    """For each (reporter, year), the SHA-256 of the return last taken and the parts taken."""
    last: dict[tuple[str, int], tuple[str, bool, bool]] = {}
    for e in log:
        parts = _PARTS_TAKEN.get(e.result)
        if parts is not None and e.sha256 and e.reporter and e.year is not None:
            last[(e.reporter, e.year)] = (e.sha256, *parts)
    return last


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
    """Merge `submissions` into a copy of `master`; `reports` (skipped files) go to the log.

    `before` is `master_to_kpi_table(master, year=year)`, when the caller has it already.
    """
    before = before if before is not None else master_to_kpi_table(master, year=year)
    state = _start(master, before, (now or dt.datetime.now()).replace(microsecond=0))
    for sub in submissions:
        _merge_one(state, sub)
    state.result.log += _skipped_files_log(reports or [], superseded or [], state.now)
    return _finish(state, master, before, year)


def _start(master: Master, before: KpiTable, now: dt.datetime) -> _Merge:
    # A new master whose lists the merge replaces; the items it keeps are shared with
    # `master` and never edited in place (changed ones are new objects), so no deep
    # copy of every value of every year is needed.
    new = dataclasses.replace(
        master,
        measure_values=list(master.measure_values),
        initiatives=list(master.initiatives),
        log=list(master.log),
    )
    values = {v.key: v for v in new.measure_values}
    sources: dict[tuple[str, int], dict[tuple[str, str, int], str]] = {}
    for v in values.values():
        sources.setdefault((v.reporter, v.year), {})[v.key] = v.source_file
    initiatives: dict[tuple[str, int], list[Initiative]] = {}
    for i in new.initiatives:
        initiatives.setdefault((i.reporter, i.year), []).append(i)
    result = MergeResult(master=new, table=before, before=before)
    return _Merge(new, result, now, values, sources, initiatives, _last_taken(master.log))


def _merge_one(state: _Merge, sub: Submission) -> None:
    """One return: its values, its initiatives, and its line of 取込履歴."""
    earlier = set(state.sources.get((sub.reporter, sub.year), {}).values())
    earlier |= {i.source_file for i in state.initiatives.get((sub.reporter, sub.year), [])}
    earlier -= {"", sub.file}
    # only the parts of the return that were accepted (一部受付: see Submission), and not
    # again those this very return put in last time (staff may have corrected them since)
    sha, values_in, initiatives_in = state.last_taken.get(
        (sub.reporter, sub.year), ("", False, False)
    )
    again = bool(sub.sha256) and sha == sub.sha256
    changed_rows = (
        _merge_values(state, sub) if sub.values_accepted and not (again and values_in) else 0
    )
    replaced_titles = None
    if sub.initiatives_accepted and not (again and initiatives_in):
        initiative_rows, replaced_titles = _replace_initiatives(state, sub)
        changed_rows += initiative_rows
    notes = []
    if earlier and changed_rows:
        state.result.replaced.append(sub.reporter)
        notes.append(message("log_replaced_files", files="」「".join(sorted(earlier))))
    if replaced_titles is not None:
        notes.append(replaced_titles)
    if changed_rows and not notes:
        notes.append(message("log_rows_updated", rows=changed_rows))
    state.result.log.append(
        LogEntry(
            time=state.now,
            file=sub.file,
            sha256=sub.sha256,
            reporter=sub.reporter,
            year=sub.year,
            rows=(len(sub.values) if sub.values_accepted else 0)
            + (len(sub.initiatives) if sub.initiatives_accepted else 0),
            result=submission_result(sub, changed_rows),
            note="".join(notes) + held_back_note(sub),
        )
    )
    state.result.merged_files.append(sub.file)


def _merge_values(state: _Merge, sub: Submission) -> int:
    """Upsert the return's measure values; the number of rows changed."""
    changed = 0
    names = list(_VALUE_COLUMNS)
    for mv in sub.values:
        old = state.values.get(mv.key)
        if old is not None and _content(old, names) == _content(mv, names):
            continue
        key_text = f"{mv.measure} / {mv.reporter} / {format_fiscal_year(mv.year)}"
        for name, label in _VALUE_COLUMNS.items():
            was = getattr(old, name) if old is not None else None
            now = getattr(mv, name)
            if was != now and not (was in (None, "") and now in (None, "")):
                state.result.changes.append(Change(SHEET_MEASURE_VALUES, key_text, label, was, now))
        state.values[mv.key] = MeasureValue(
            mv.measure, mv.reporter, mv.year, mv.value, mv.status, mv.note, sub.file, state.now
        )
        state.sources.setdefault((mv.reporter, mv.year), {})[mv.key] = sub.file
        changed += 1
    return changed


def _replace_initiatives(state: _Merge, sub: Submission) -> tuple[int, str | None]:
    """Put the return's initiatives in place of those earlier returns sent for its year.

    Returns the number of rows changed, and a line for 取込履歴 when titles
    went or came (None when the set of titles is the same). Initiatives staff
    typed into the master (no source file) stay, unless the return sends one
    of the same title, which then is updated.
    """
    group = (sub.reporter, sub.year)
    old = state.initiatives.get(group, [])
    by_title = {i.title: i for i in old}
    sent = {i.title for i in sub.initiatives}
    kept = [i for i in old if not i.source_file and i.title not in sent]
    gone = [i for i in old if i.source_file and i.title not in sent]
    new_items: list[Initiative] = []
    changed = 0
    names = _INITIATIVE_COLUMNS
    for ini in sub.initiatives:
        was = by_title.get(ini.title)
        if was is not None and _content(was, names) == _content(ini, names):
            new_items.append(was)
            continue
        key_text = f"{ini.reporter} / {format_fiscal_year(ini.year)} / {ini.title}"
        state.result.changes.append(
            Change(SHEET_INITIATIVES, key_text, "取組名", was.title if was else None, ini.title)
        )
        merged = copy.copy(ini)
        merged.source_file, merged.received_at = sub.file, state.now
        if was is not None:  # staff's photo stays with its initiative
            for name in _STAFF_COLUMNS:
                setattr(merged, name, getattr(was, name))
        new_items.append(merged)
        changed += 1
    for ini in gone:
        key_text = f"{ini.reporter} / {format_fiscal_year(ini.year)} / {ini.title}"
        state.result.changes.append(Change(SHEET_INITIATIVES, key_text, "取組名", ini.title, None))
        changed += 1
    state.initiatives[group] = kept + new_items
    added = [i for i in sub.initiatives if i.title not in by_title]
    titles = [i.title for i in old if i.source_file]
    if not titles or (not gone and not added):  # nothing a return sent before was replaced
        return changed, None
    more = phrase("titles_and_more") if len(titles) > _MOST_TITLES else ""
    shown = "」「".join(titles[:_MOST_TITLES]) + more
    was_text = phrase("log_old_titles", titles=shown) if titles else ""
    line = message(
        "log_initiatives_replaced", old=len(titles), new=len(sub.initiatives), was=was_text
    )
    return changed, line


def _skipped_files_log(
    reports: list[FileReport], superseded: list[str], now: dt.datetime
) -> list[LogEntry]:
    """Lines of 取込履歴 for the files not merged: superseded, faulty or unreadable (but
    not a return of another year than the one the merge was asked for)."""
    out = []
    for report in reports:
        if report.file in superseded:
            # an older copy beside a newer one, faulty or not: not this reporter's answer
            out.append(
                LogEntry(
                    time=now,
                    file=report.file,
                    sha256=report.sha256,
                    reporter=report.reporter or "",
                    year=report.year,
                    result=RESULT_SUPERSEDED,
                    note=message("log_superseded"),
                )
            )
            continue
        if report.status in ("ok", "partial"):
            continue  # logged with its submission
        if any(f.code == "year_not_asked" for f in report.findings):
            # a return of another year than the one asked (--year) is no answer for that
            # year, nor a new one for its own: its own year's state (受付済) stays as it was
            continue
        first = report.errors[0].message if report.errors else ""
        out.append(
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
                note=phrase("log_errors", count=len(report.errors), first=first)[:500],
                sha256=report.sha256,
            )
        )
    return out


def _finish(state: _Merge, master: Master, before: KpiTable, year: int | None) -> MergeResult:
    """The new master's lists in order, and the KPI table computed from it."""
    new, result = state.master, state.result
    new.measure_values = sorted(state.values.values(), key=_value_order(new))
    new.initiatives = _initiatives_in_order(master.initiatives, state.initiatives)
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


def _initiatives_in_order(
    old: list[Initiative], groups: dict[tuple[str, int], list[Initiative]]
) -> list[Initiative]:
    """Every group's initiatives, the groups in the order the master had them (new ones last)."""
    order: list[tuple[str, int]] = []
    for i in old:
        if (i.reporter, i.year) not in order:
            order.append((i.reporter, i.year))
    seen = set(order)
    order += [g for g in groups if g not in seen]
    return [i for g in order for i in groups.get(g, [])]


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


def _year(years: list[int], i: int) -> str:
    return format_fiscal_year(years[i - 3])
