"""Merge validated submissions into the master: pure, returning the new master and what changed.

Measure values are upserted by (measure, reporter, year). A return's
initiatives replace, as a set, those the same reporter's earlier returns sent
for that year (an initiative re-sent with a corrected title is one row, not
two); rows staff typed into 取組 themselves (no 出典ファイル) are never taken
away, though one a return sends again under the same title is updated. A
later workbook from the same reporter thus replaces the earlier one, and
取込履歴 says what it replaced. Merging the same files again changes nothing:
a row whose content is unchanged keeps its old 出典ファイル and 取込日時.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from dataclasses import dataclass, field, fields

from sorachi_etl.kpi.aggregate import KpiTable, master_to_kpi_table
from sorachi_etl.model.domain import Initiative, LogEntry, Master, MeasureValue, Submission
from sorachi_etl.model.eras import format_fiscal_year
from sorachi_etl.model.findings import FileReport

# Results written to 取込履歴 and shown in 提出状況.
RESULT_MERGED = "取込"
RESULT_UNCHANGED = "変更なし"
RESULT_INVALID = "要修正"
RESULT_UNREADABLE = "読取不可"
RESULT_SUPERSEDED = "不採用（新しい調査票あり）"


@dataclass(frozen=True)
class Change:
    """One cell-level change the merge makes (or would make, on --dry-run)."""

    sheet: str
    key: str  # e.g. "M01 / 岩見沢市 / R6"
    column: str
    old: object
    new: object


@dataclass(frozen=True)
class KpiChange:
    kpi: str
    label: str
    old: str
    new: str
    old_rate: str
    new_rate: str


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


_VALUE_COLUMNS = {"value": "実績値", "status": "状態", "note": "備考"}
_INITIATIVE_COLUMNS = [
    f.name for f in fields(Initiative) if f.name not in ("source_file", "received_at")
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
    return _Merge(new, result, now, values, sources, initiatives)


def _merge_one(state: _Merge, sub: Submission) -> None:
    """One return: its values, its initiatives, and its line of 取込履歴."""
    earlier = set(state.sources.get((sub.reporter, sub.year), {}).values())
    earlier |= {i.source_file for i in state.initiatives.get((sub.reporter, sub.year), [])}
    earlier -= {"", sub.file}
    changed_rows = _merge_values(state, sub)
    initiative_rows, replaced_titles = _replace_initiatives(state, sub)
    changed_rows += initiative_rows
    notes = []
    if earlier and changed_rows:
        state.result.replaced.append(sub.reporter)
        notes.append("「" + "」「".join(sorted(earlier)) + "」の内容を置き換えました。")
    if replaced_titles is not None:
        notes.append(replaced_titles)
    if changed_rows and not notes:
        notes.append(f"{changed_rows}行を更新しました。")
    state.result.log.append(
        LogEntry(
            time=state.now,
            file=sub.file,
            sha256=sub.sha256,
            reporter=sub.reporter,
            year=sub.year,
            rows=len(sub.values) + len(sub.initiatives),
            result=RESULT_MERGED if changed_rows else RESULT_UNCHANGED,
            note="".join(notes),
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
                state.result.changes.append(Change("調査実績", key_text, label, was, now))
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
            Change("取組", key_text, "取組名", was.title if was else None, ini.title)
        )
        merged = copy.copy(ini)
        merged.source_file, merged.received_at = sub.file, state.now
        new_items.append(merged)
        changed += 1
    for ini in gone:
        key_text = f"{ini.reporter} / {format_fiscal_year(ini.year)} / {ini.title}"
        state.result.changes.append(Change("取組", key_text, "取組名", ini.title, None))
        changed += 1
    state.initiatives[group] = kept + new_items
    added = [i for i in sub.initiatives if i.title not in by_title]
    titles = [i.title for i in old if i.source_file]
    if not titles or (not gone and not added):  # nothing a return sent before was replaced
        return changed, None
    shown = "」「".join(titles[:_MOST_TITLES]) + ("」ほか" if len(titles) > _MOST_TITLES else "")
    was_text = f"（旧: 「{shown}」）" if titles else ""
    line = f"取組 {len(titles)}件を{len(sub.initiatives)}件に置き換えました{was_text}。"
    return changed, line


def _skipped_files_log(
    reports: list[FileReport], superseded: list[str], now: dt.datetime
) -> list[LogEntry]:
    """Lines of 取込履歴 for the files not merged: superseded, faulty or unreadable."""
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
                    note="同じ報告者の新しい調査票があるため取り込みませんでした。",
                )
            )
            continue
        if report.status == "ok":
            continue
        first = report.errors[0].message if report.errors else ""
        out.append(
            LogEntry(
                time=now,
                file=report.file,
                reporter=report.reporter or "",
                year=report.year,
                result=RESULT_UNREADABLE if report.status == "unreadable" else RESULT_INVALID,
                note=f"エラー{len(report.errors)}件: {first}"[:500],
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
    """KPIs whose value in any year, or whose progress rate, differs between two tables."""
    from sorachi_etl.kpi.formats import row_strings

    out = []
    old_rows = {r.kpi.id: r for r in before.distinct_rows}
    years = after.years
    for row in after.distinct_rows:
        old = old_rows.get(row.kpi.id)
        new_cells = row_strings(after, row)
        old_cells = row_strings(before, old) if old else [""] * len(new_cells)
        value_cols = range(3, 3 + len(years))
        diffs = [i for i in value_cols if new_cells[i] != old_cells[i]]
        if diffs or new_cells[-1] != old_cells[-1]:
            if diffs:
                i = diffs[-1]
            elif after.actual_year in years:
                i = 3 + years.index(after.actual_year)
            else:
                i = 3
            out.append(
                KpiChange(
                    row.kpi.id,
                    f"{row.kpi.name}（{_year(years, i)}）",
                    old_cells[i] or "（なし）",
                    new_cells[i] or "（なし）",
                    # rates of different actual years are not a before and after
                    old_cells[-1] if before.actual_year == after.actual_year else "",
                    f"{new_cells[-1]}（{_year(years, 3 + years.index(after.actual_year))}）"
                    if after.actual_year in years
                    else new_cells[-1],
                )
            )
    return out


def _year(years: list[int], i: int) -> str:
    return format_fiscal_year(years[i - 3])
