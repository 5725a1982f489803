"""KPI values from measures, progress rates, and the analysis lines: the KPI list as data.

`master_to_kpi_table(master)` is pure: it takes a `Master` and returns a
`KpiTable` that the sheet writer, the terminal report and the JSON output all
render. Values are Decimals rounded half-up to each KPI's display decimals.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise

from sorachi_etl.kpi.analysis import AnalysisLine, with_staff_lines
from sorachi_etl.kpi.progress import progress_rate, round_half_up, to_decimal
from sorachi_etl.model.domain import Kpi, Master, MeasureValue
from sorachi_etl.model.eras import EraError, format_fiscal_year, format_fiscal_year_long
from sorachi_etl.model.messages import message, phrase
from sorachi_etl.model.names import (
    DASH,
    DIRECTION_LOWER,
    DIRECTION_MAINTAIN,
    KIND_RATIO,
    KIND_VALUE,
    RULE_IMPROVEMENT,
    SOURCE_COMPUTED,
    SOURCE_MANUAL,
    STATUS_CONFIRMED,
    STATUS_NA,
    STATUS_PENDING,
)

RATE_GOOD = Decimal(100)
RATE_FAIR = Decimal(90)


@dataclass
class YearValue:
    """A KPI's value for one fiscal year."""

    year: int
    value: Decimal | None  # rounded to the KPI's decimals; None when pending or missing
    status: str | None  # 確定 / 集計中 / None (no data)
    source: str = SOURCE_COMPUTED
    reporters_in: int | None = None
    reporters_total: int | None = None
    computed: Decimal | None = None  # the value from measures, when a manual one wins

    @property
    def pending(self) -> bool:
        return self.status == STATUS_PENDING


@dataclass
class KpiRow:
    """One row of 評価指標一覧 (a KPI under one project; re-listings are rows too)."""

    kpi: Kpi
    project_no: int
    project_name: str
    relisted: bool
    values: dict[int, YearValue]
    rate: Decimal | None

    @property
    def label(self) -> str:
        return phrase("relisted", name=self.kpi.name) if self.relisted else self.kpi.name

    def value_in(self, year: int) -> YearValue | None:
        return self.values.get(year)


Notice = tuple[str, dict[str, object]]  # a warning: its catalogue code and values


@dataclass
class KpiTable:
    title: str
    report_year: int
    actual_year: int
    years: list[int]
    rows: list[KpiRow]
    analysis: list[str] = field(default_factory=list)  # the text of `analysis_lines`
    warnings: list[str] = field(default_factory=list)  # the text of `notices`
    # each warning as its catalogue code and values, for a Finding (publish)
    notices: list[Notice] = field(default_factory=list)
    # drafted and staff (分析メモ) lines, in the order they print
    analysis_lines: list[AnalysisLine] = field(default_factory=list)

    @property
    def distinct_rows(self) -> list[KpiRow]:
        return [r for r in self.rows if not r.relisted]


# --- computing KPI values -----------------------------------------------------------


def _member_in(values: dict, measure: str, member: str, year: int) -> tuple[bool, float]:
    """(reported?, contribution) of one reporter's measure for a year."""
    mv: MeasureValue | None = values.get((measure, member, year))
    if mv is None:
        return False, 0.0
    if mv.status == STATUS_NA:
        return True, 0.0
    if mv.status == STATUS_CONFIRMED and mv.value is not None:
        return True, float(mv.value)
    return False, 0.0


def compute_kpi_value(
    master: Master,
    kpi: Kpi,
    year: int,
    values: dict | None = None,
    members: list[str] | None = None,
) -> YearValue | None:
    """The KPI's value for `year` from the measures, or None when no reporter sent anything.

    Pending (集計中, with the count of reporters in) while any reporter of the
    group is missing or pending. `values` and `members` (the group's reporters)
    are the master's, when the caller has them already.
    """
    values = master.values_by_key() if values is None else values
    members = master.group_members(kpi.group) if members is None else members
    measures = [kpi.measure] + (
        [kpi.denominator] if kpi.kind == KIND_RATIO and kpi.denominator else []
    )
    if not members:
        return None
    any_data = any((m, r, year) in values for m in measures for r in members)
    if not any_data:
        return None
    totals = [Decimal(0) for _ in measures]
    count_in = 0
    for member in members:
        parts = [_member_in(values, m, member, year) for m in measures]
        if all(ok for ok, _ in parts):
            count_in += 1
            for i, (_, v) in enumerate(parts):
                totals[i] += to_decimal(v)
    total = len(members)
    if count_in < total:
        return YearValue(year, None, STATUS_PENDING, SOURCE_COMPUTED, count_in, total)
    decimals = kpi.decimals or 0
    if kpi.kind == KIND_RATIO:
        if totals[1] == 0:
            return YearValue(year, None, None, SOURCE_COMPUTED, count_in, total)
        raw = totals[0] / totals[1] * 100
    elif kpi.kind == KIND_VALUE:
        raw = totals[0]
    else:
        raw = totals[0] / to_decimal(kpi.scale or 1)
    return YearValue(
        year, round_half_up(raw, decimals), STATUS_CONFIRMED, SOURCE_COMPUTED, count_in, total
    )


def kpi_values(master: Master) -> tuple[dict[tuple[str, int], YearValue], list[Notice]]:
    """Every KPI's value for every year that has data, and warnings (manual ≠ computed)."""
    values = master.values_by_key()
    years = sorted(set(master.settings.plan_years) | set(master.years_with_values()))
    manual = {(kv.kpi, kv.year): kv for kv in master.kpi_values}
    out: dict[tuple[str, int], YearValue] = {}
    warnings: list[Notice] = []
    groups: dict[str, list[str]] = {}
    for kpi in master.kpis:
        decimals = kpi.decimals or 0
        if kpi.group not in groups:
            groups[kpi.group] = master.group_members(kpi.group)
        for year in years:
            computed = compute_kpi_value(master, kpi, year, values, groups[kpi.group])
            entered = manual.get((kpi.id, year))
            result = computed
            if entered is not None:
                if entered.status == STATUS_PENDING or entered.value is None:
                    # a confirmed computed value replaces a manual "still counting"
                    if computed is None or computed.status != STATUS_CONFIRMED:
                        result = computed or YearValue(year, None, STATUS_PENDING, SOURCE_MANUAL)
                        if computed is None:
                            result.source = SOURCE_MANUAL
                else:
                    value = round_half_up(entered.value, decimals)
                    result = YearValue(year, value, STATUS_CONFIRMED, SOURCE_MANUAL)
                    if computed is not None and computed.status == STATUS_CONFIRMED:
                        result.computed = computed.value
                        if computed.value != value:
                            values = {
                                "kpi": kpi.name,
                                "year": format_fiscal_year(year),
                                "manual": format_value(value, decimals, kpi.unit),
                                "computed": format_value(computed.value, decimals, kpi.unit),
                            }
                            warnings.append(("manual_differs", values))
            if result is not None:
                out[(kpi.id, year)] = result
    return out, warnings


def _no_rate_reason(kpi: Kpi, actual, target, base) -> str | None:
    """Why a KPI with a confirmed value has no progress rate (it prints —), in a clerk's
    words; None where the rate is — for no fault of the master's."""
    if target is None:
        return phrase("no_rate_target_blank")
    if kpi.progress_rule == RULE_IMPROVEMENT:
        if base is None:
            return phrase("no_rate_base_blank")
        return phrase("no_rate_target_is_base") if target == base else None
    if kpi.direction == DIRECTION_LOWER:
        return phrase("no_rate_actual_zero") if actual == 0 else None
    return phrase("no_rate_target_zero") if target == 0 else None


def latest_year(values: dict[tuple[str, int], YearValue]) -> int | None:
    """The latest fiscal year holding any KPI value, confirmed or pending."""
    years = [y for (_, y), v in values.items() if v.status in (STATUS_CONFIRMED, STATUS_PENDING)]
    return max(years) if years else None


def master_to_kpi_table(master: Master, *, year: int | None = None) -> KpiTable:
    """The KPI list for the report whose actual year (実績年) is `year` (default: latest with data)."""
    values, warnings = kpi_values(master)
    actual = year if year is not None else latest_year(values)
    if actual is None:
        actual = master.settings.plan_start
    projects = {p.no: p for p in master.projects}
    rows: list[KpiRow] = []
    no_rate: set[str] = set()  # KPIs with a value but no progress rate, told once
    for project in sorted(projects):
        for kpi in master.kpis:
            if project not in kpi.projects:
                continue
            mine = {y: v for (k, y), v in values.items() if k == kpi.id}
            current = mine.get(actual)
            rate = None
            if current is not None and current.status == STATUS_CONFIRMED:
                target = (
                    round_half_up(kpi.target_value, kpi.decimals or 0)
                    if kpi.target_value is not None
                    else None
                )
                base = (
                    round_half_up(kpi.base_value, kpi.decimals or 0)
                    if kpi.base_value is not None
                    else None
                )
                rate = progress_rate(
                    current.value,
                    target,
                    base=base,
                    direction=kpi.direction,
                    rule=kpi.progress_rule,
                )
                reason = (
                    None if rate is not None else _no_rate_reason(kpi, current.value, target, base)
                )
                if reason and kpi.id not in no_rate:  # once, not again for a re-listing
                    no_rate.add(kpi.id)
                    warnings.append(("rate_not_computed", {"kpi": kpi.name, "reason": reason}))
            rows.append(
                KpiRow(kpi, project, projects[project].name, project != kpi.project, mine, rate)
            )
    table = KpiTable(
        title=master.settings.title or "評価指標（KPI）一覧",
        report_year=actual + 1,
        actual_year=actual,
        years=master.settings.plan_years,
        rows=rows,
        warnings=[message(code, **values) for code, values in warnings],
        notices=warnings,
    )
    table.analysis_lines = with_staff_lines(
        drafted_lines(table), master.analysis_notes, master.kpis, table.report_year
    )
    table.analysis = [line.text for line in table.analysis_lines]
    return table


# --- words ---------------------------------------------------------------------------


def format_number(value: Decimal | float | int, decimals: int) -> str:
    """12345.6 -> "12,345.6" (half-up)."""
    return f"{round_half_up(value, decimals):,.{decimals}f}"


def shown_decimals(value: Decimal | float | None, decimals: int, unit: str) -> int:
    """The decimals a KPI value prints with: a whole value prints none, as the published
    report does (1,232万人 beside 1,159.6万人); a rate in % keeps them all (52.0%)."""
    if not decimals or unit == "%" or value is None:
        return decimals
    rounded = round_half_up(value, decimals)
    return 0 if rounded == rounded.to_integral_value() else decimals


def format_value(value: Decimal | float | None, decimals: int, unit: str) -> str:
    if value is None:
        return DASH
    return f"{format_number(value, shown_decimals(value, decimals, unit))}{unit}"


def format_rate(rate: Decimal | None) -> str:
    return DASH if rate is None else f"{rate:.1f}%"


def rate_band(rate: Decimal | None) -> str | None:
    """ "good" (≥100%), "fair" (≥90%), "low", or None when there is no rate."""
    if rate is None:
        return None
    if rate >= RATE_GOOD:
        return "good"
    return "fair" if rate >= RATE_FAIR else "low"


def _confirmed_series(row: KpiRow, upto: int) -> list[tuple[int, Decimal]]:
    return [
        (y, v.value)
        for y, v in sorted(row.values.items())
        if y <= upto and v.status == STATUS_CONFIRMED and v.value is not None
    ]


def analysis_lines(table: KpiTable) -> list[str]:
    """The 分析・対応方向 lines, drafted from the data in the report's style."""
    return [line.text for line in drafted_lines(table)]


def drafted_lines(table: KpiTable) -> list[AnalysisLine]:
    """The 分析・対応方向 lines drafted from the data, each tied to the KPI it speaks of."""
    n = len(table.rows)
    if n == 0:
        return [AnalysisLine(message("no_kpis"))]
    lines = _Lines()
    over = sum(1 for r in table.rows if r.rate is not None and r.rate > RATE_FAIR)
    if over:
        lines.append(phrase("analysis_over_fair", kpis=n, over=over))
    else:
        lines.append(phrase("analysis_none_over_fair", kpis=n))
    for row in table.distinct_rows:
        lines.kpi = row.kpi.id
        _draft_kpi(lines, row, table.actual_year)
    return lines.lines


def _draft_kpi(lines: _Lines, row: KpiRow, y: int) -> None:
    """The lines on one KPI in the actual year `y`: its trend while the year is not
    confirmed; else a target reached, a value doubled since the base, or the change
    since the year before."""
    kpi = row.kpi
    d = kpi.decimals or 0
    name = kpi.name
    fmt = functools.partial(_format_in, decimals=d, unit=kpi.unit)
    current = row.values.get(y)
    if current is None or current.status != STATUS_CONFIRMED or current.value is None:
        _draft_unconfirmed(lines, row, y, fmt)
        return
    value = current.value
    if row.rate is not None and row.rate >= RATE_GOOD and kpi.direction != DIRECTION_MAINTAIN:
        lines.append(
            phrase(
                "analysis_target_reached",
                name=name,
                target=fmt(round_half_up(kpi.target_value, d)),
                year=format_fiscal_year(kpi.target_year),
            )
        )
    if kpi.base_value and value and to_decimal(value) / to_decimal(kpi.base_value) >= 2:
        times = round_half_up(to_decimal(value) / to_decimal(kpi.base_value), 0)
        lines.append(
            phrase(
                "analysis_doubled",
                name=name,
                base=fmt(round_half_up(kpi.base_value, d)),
                year=format_fiscal_year(kpi.base_year),
                times=times,
            )
        )
        return
    previous = row.values.get(y - 1)
    if previous is None or previous.status != STATUS_CONFIRMED or previous.value is None:
        return
    lines.append(_change_line(row, y, value, previous.value, fmt))


def _draft_unconfirmed(lines: _Lines, row: KpiRow, y: int, fmt: Callable[[Decimal], str]) -> None:
    """A KPI whose actual year is not confirmed: 集計中 (with how many are in), and the
    trend of its last three confirmed values (the base value first, when older)."""
    kpi, current = row.kpi, row.values.get(y)
    series = _confirmed_series(row, y)
    if kpi.base_value is not None and (not series or series[0][0] > (kpi.base_year or 0)):
        series.insert(0, (kpi.base_year or 0, round_half_up(kpi.base_value, kpi.decimals or 0)))
    trend = _trend(series)
    if current is not None and current.pending:
        counted = (
            phrase(
                "analysis_reporters_in",
                done=current.reporters_in,
                total=current.reporters_total,
            )
            if current.reporters_total
            else ""
        )
        lines.append(
            phrase(
                "analysis_pending",
                name=kpi.name,
                year=format_fiscal_year_long(y),
                counted=counted,
            )
        )
    if trend:
        steps = trend_steps(series[-3:], fmt)
        lines.append(phrase("analysis_trend", name=kpi.name, trend=trend, steps=steps))


def _change_line(
    row: KpiRow, y: int, value: Decimal, previous: Decimal, fmt: Callable[[Decimal], str]
) -> str:
    """The change from the year before: kept, in points (a KPI in %), or in percent."""
    name, d = row.kpi.name, row.kpi.decimals or 0
    diff = value - previous
    if diff == 0:
        same = [yy for yy, v in _confirmed_series(row, y) if v == value]
        since = format_fiscal_year(min(same)) if same else format_fiscal_year(y - 1)
        return phrase(
            "analysis_kept",
            name=name,
            since=since,
            year=format_fiscal_year(y),
            value=fmt(value),
        )
    if row.kpi.unit == "%":
        code = "analysis_points_rose" if diff > 0 else "analysis_points_fell"
        points = format_number(abs(diff), d)
        return phrase(code, name=name, points=points, before=fmt(previous), after=fmt(value))
    pct = abs(diff) / previous * 100 if previous else None
    code = "analysis_percent_rose" if diff > 0 else "analysis_percent_fell"
    change = f"{format_number(pct, 1)}%" if pct is not None else ""
    return phrase(code, name=name, change=change, before=fmt(previous), after=fmt(value))


class _Lines:
    """Drafted lines as they are appended, each tied to the KPI being written about."""

    def __init__(self) -> None:
        self.lines: list[AnalysisLine] = []
        self.kpi: str | None = None

    def append(self, text: str) -> None:
        self.lines.append(AnalysisLine(text, self.kpi))


def _format_in(value: Decimal | float | None, *, decimals: int, unit: str) -> str:
    return format_value(value, decimals, unit)


def trend_steps(series: list[tuple[int, Decimal]], fmt: Callable[[Decimal], str]) -> str:
    """The values of a trend with their years: "R2：574件→R3：777件→R4：821件".

    A value without a year it can be shown with (a base value whose base year is
    blank) is shown alone.
    """

    def step(year: int, value: Decimal) -> str:
        try:
            return phrase("trend_step", year=format_fiscal_year(year), value=fmt(value))
        except EraError:
            return fmt(value)

    return "→".join(step(year, value) for year, value in series)


def _trend(series: list[tuple[int, Decimal]]) -> str | None:
    if len(series) < 3:
        return None
    vals = [v for _, v in series[-3:]]
    if all(b > a for a, b in pairwise(vals)):
        return phrase("trend_up")
    if all(b < a for a, b in pairwise(vals)):
        return phrase("trend_down")
    return None
