"""The domain model: what the master workbook holds, as plain dataclasses.

Field names are the column keys of schemas/master.toml, so a sheet row maps
onto a dataclass directly. Fiscal years are Gregorian ints (R5 = 2023).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sorachi_etl.model.names import (
    DIRECTION_HIGHER,
    INITIATIVE_PAST,
    NOTE_REPLACE,
    RULE_RATIO,
    SOURCE_MANUAL,
    STATUS_CONFIRMED,
)


@dataclass
class Settings:
    plan_start: int
    plan_end: int
    survey_deadline: dt.date | None = None
    contact_department: str = ""
    contact_person: str = ""
    contact_phone: str = ""
    contact_mail: str = ""
    change_warning_percent: float | None = 50.0
    title: str = ""
    region: str = ""
    report_title: str = ""  # the published report's title (cover); `title` when blank
    bureau: str = ""  # who publishes it, as the cover prints it
    business_heading: str = ""  # heading of the businesses pages, after "R6年度における"
    backups_kept: int = 20  # backups of the master kept in backup/; 0 keeps them all

    @property
    def plan_years(self) -> list[int]:
        return list(range(self.plan_start, self.plan_end + 1))


@dataclass
class Project:
    no: int
    name: str
    short_name: str = ""
    area: str = ""
    purpose: str = ""


@dataclass
class Reporter:
    """A municipality (or the bureau, as a pseudo-municipality) that reports figures."""

    name: str
    groups: list[str]
    kind: str = ""
    subprefecture: str = ""
    department: str = ""
    email: str = ""


@dataclass
class Measure:
    """A figure a reporter types in, in its natural unit."""

    id: str
    name: str
    unit: str
    groups: list[str]
    decimals: int | None = 0
    max: float | None = None
    description: str = ""


@dataclass
class Kpi:
    id: str
    name: str
    kind: str  # sum | ratio | value
    measure: str
    group: str
    unit: str
    project: int
    denominator: str | None = None
    scale: float | None = 1
    decimals: int | None = 0
    base_value: float | None = None
    base_year: int | None = None
    target_value: float | None = None
    target_year: int | None = None
    direction: str | None = DIRECTION_HIGHER
    progress_rule: str | None = RULE_RATIO
    relisted_in: list[str] = field(default_factory=list)
    chart_min: float | None = None  # where 推移グラフ's axis starts (None: at zero)

    @property
    def projects(self) -> list[int]:
        """The project that lists it first, then the ones that re-list it."""
        return [self.project, *(int(p) for p in self.relisted_in)]


@dataclass
class MeasureValue:
    """One row of 調査実績: a measure's value for one reporter and year."""

    measure: str
    reporter: str
    year: int
    value: float | None
    status: str = STATUS_CONFIRMED
    note: str = ""
    source_file: str = ""
    received_at: dt.datetime | None = None

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.measure, self.reporter, self.year)


@dataclass
class KpiValue:
    """One row of 指標実績: a KPI value entered directly (published historic totals)."""

    kpi: str
    year: int
    value: float | None
    status: str = STATUS_CONFIRMED
    source: str = SOURCE_MANUAL
    note: str = ""


@dataclass
class Initiative:
    reporter: str
    year: int
    kind: str
    project: int
    title: str
    implementers: list[str] = field(default_factory=list)
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    dates_text: str = ""
    venue: str = ""
    summary: str = ""
    outcome_label: str = ""
    outcome_value: float | None = None
    outcome_unit: str = ""
    photo: str = ""  # a picture file, relative to the master's folder (staff add it)
    photo_caption: str = ""
    source_file: str = ""
    received_at: dt.datetime | None = None

    @property
    def key(self) -> tuple[str, int, str]:
        return (self.reporter, self.year, self.title)

    @property
    def is_past(self) -> bool:
        return self.kind == INITIATIVE_PAST


@dataclass
class Business:
    name: str
    summary: str = ""
    projects: list[str] = field(default_factory=list)


@dataclass
class AnalysisNote:
    """One line of 分析メモ: staff's own words for 分析・対応方向 of a report year."""

    year: int  # the report year (報告書の年度) it is printed in
    text: str
    kpi: str = ""  # the KPI it is about (its ID or name); blank: the list as a whole
    order: float | None = None
    drafted: str = ""  # 置き換える: it replaces the drafted lines (of its KPI, or all)

    @property
    def replaces(self) -> bool:
        return self.drafted == NOTE_REPLACE


@dataclass
class LogEntry:
    """One line of 取込履歴."""

    time: dt.datetime
    file: str
    sha256: str = ""
    reporter: str = ""
    year: int | None = None
    rows: int | None = None
    result: str = ""
    note: str = ""


@dataclass
class Master:
    """Everything the master workbook's data sheets hold."""

    settings: Settings
    projects: list[Project] = field(default_factory=list)
    reporters: list[Reporter] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    kpis: list[Kpi] = field(default_factory=list)
    measure_values: list[MeasureValue] = field(default_factory=list)
    kpi_values: list[KpiValue] = field(default_factory=list)
    initiatives: list[Initiative] = field(default_factory=list)
    businesses: list[Business] = field(default_factory=list)
    analysis_notes: list[AnalysisNote] = field(default_factory=list)
    log: list[LogEntry] = field(default_factory=list)

    # --- look-ups -------------------------------------------------------------------
    # Called per file and per row, so they go through an index (O(1)) instead of
    # scanning the list: with 1,741 reporters a scan per file is O(N²).

    def project(self, no: int) -> Project | None:
        return _first(self, "projects", "no", no)

    def reporter(self, name: str) -> Reporter | None:
        return _first(self, "reporters", "name", name)

    def measure(self, measure_id: str) -> Measure | None:
        return _first(self, "measures", "id", measure_id)

    def kpi(self, kpi_id: str) -> Kpi | None:
        return _first(self, "kpis", "id", kpi_id)

    def group_members(self, group: str) -> list[str]:
        """Reporter names in a group, in sheet order."""
        return [r.name for r in self.reporters if group in r.groups]

    def measures_for(self, reporter: str) -> list[Measure]:
        """The measures a reporter reports, in sheet order."""
        rep = self.reporter(reporter)
        if rep is None:
            return []
        groups = set(rep.groups)
        return [m for m in self.measures if not groups.isdisjoint(m.groups)]

    def reporters_for(self, measure: Measure) -> list[str]:
        groups = set(measure.groups)
        return [r.name for r in self.reporters if not groups.isdisjoint(r.groups)]

    @property
    def survey_reporters(self) -> list[Reporter]:
        """Reporters that report at least one measure."""
        return [r for r in self.reporters if self.measures_for(r.name)]

    def values_by_key(self) -> dict[tuple[str, str, int], MeasureValue]:
        return {v.key: v for v in self.measure_values}

    def years_with_values(self) -> list[int]:
        years = {v.year for v in self.kpi_values} | {v.year for v in self.measure_values}
        return sorted(years)


def _first(master: Master, list_name: str, attr: str, key: object) -> object | None:
    """The first item of the master's list whose `attr` equals `key` (None if none).

    Looks up an index kept in the master's __dict__ (not a dataclass field: no
    effect on ==, repr or asdict) instead of scanning the list. The index is
    rebuilt when the list is replaced or changes length; a hit is checked
    against the item itself, so an item edited in place is never returned
    under its old key, and a miss is confirmed by a scan.
    """
    items = getattr(master, list_name)
    cache = master.__dict__.setdefault("_index", {})
    entry = cache.get(list_name)
    if entry is None or entry[0] is not items or entry[1] != len(items):
        index: dict[object, int] = {}
        for i, item in enumerate(items):
            index.setdefault(getattr(item, attr), i)
        entry = cache[list_name] = (items, len(items), index)
    try:
        i = entry[2].get(key)
    except TypeError:  # an unhashable key: only the scan can answer
        i = None
    if i is not None and getattr(items[i], attr) == key:
        return items[i]
    found = next((x for x in items if getattr(x, attr) == key), None)
    if found is not None:  # the index is stale: an item was edited in place
        del cache[list_name]
    return found


def empty_master(plan_start: int = 2021, plan_end: int = 2025) -> Master:
    return Master(settings=Settings(plan_start=plan_start, plan_end=plan_end))


@dataclass
class Submission:
    """A returned survey workbook that passed validation, normalised and ready to merge."""

    file: str  # file name, as shown to users and stored in 出典ファイル
    sha256: str
    reporter: str
    year: int
    values: list[MeasureValue] = field(default_factory=list)
    initiatives: list[Initiative] = field(default_factory=list)
    contact: dict[str, str] = field(default_factory=dict)
    modified: dt.datetime | None = None  # the file's time, to tell the newer of two files
    # A return's two parts are merged on their own: a fault in one holds back that part only
    # (the file is then 一部受付); merge touches only the parts accepted here.
    values_accepted: bool = True
    initiatives_accepted: bool = True
