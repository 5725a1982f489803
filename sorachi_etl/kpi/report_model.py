"""The published progress report (推進管理報告書) as plain data, computed once.

`master_to_report(master, table)` is pure: it takes the master and its KPI list
(`master_to_kpi_table`) and returns a `Report` of pages, sections and rows of
ready-made text (and the numbers behind the figures), which the workbook writer
(book/publish.py) and the HTML writer (book/publish_html.py) both render, so
the two can never print different words or figures.

The report follows the one the bureau publishes: a cover, one page per
project (推進エリア, 目的, これまでの主な取組・成果, its KPIs, this year's
planned initiatives), the KPI list with 分析・対応方向, and the bureau's
businesses. Every text it holds has been cleaned of characters XML cannot carry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from itertools import zip_longest

from sorachi_etl.kpi.aggregate import (
    KpiRow,
    KpiTable,
    format_rate,
    format_value,
    rate_band,
    shown_decimals,
)
from sorachi_etl.kpi.progress import round_half_up
from sorachi_etl.kpi.report_initiatives import (
    Cleaner,
    InitiativeBlock,
    Photo,
    PlannedItem,
    initiative_blocks,
    initiative_field,
    planned_item,
)
from sorachi_etl.model.domain import Initiative, Master, Project
from sorachi_etl.model.eras import format_fiscal_year, format_fiscal_year_long
from sorachi_etl.model.findings import Finding, finding
from sorachi_etl.model.messages import phrase
from sorachi_etl.model.names import (
    DASH,
    INITIATIVE_PLANNED,
    SHEET_INITIATIVES,
    STATUS_CONFIRMED,
    STATUS_PENDING,
)

# The report's own words: section titles of the published format, not data.
FILE_SUFFIX = "推進管理報告書"
AREA_LABEL = "【推進エリア】"
PURPOSE_LABEL = "目的"
PAST_HEADING = "これまでの主な取組・成果"
KPI_HEADING = "評価指標（KPI）"
KPI_LIST_HEADING = "評価指標（KPI）一覧"
ANALYSIS_HEADING = "分析・対応方向"
PLANNED_HEADING = "{year}年度の主な取組"
BUSINESS_HEADING = "{year}年度における{heading}"
BUSINESS_COLUMNS = ("事業名", "概要", "主な関連プロジェクト（※）")
LEGEND_TITLE = "※{region}地域が推進するプロジェクト"
PROJECT_KPI_COLUMNS = (
    "評価指標（KPI）",
    "基準値（基準年）",
    "実績値（実績年）",
    "目標値（目標年）",
    "進捗率",
)
NO_INITIATIVES = "（該当する取組はありません）"

PROJECT_MARKS = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def project_mark(no: int) -> str:
    """1 -> ①; past ⑳ the number in brackets."""
    return PROJECT_MARKS[no - 1] if 1 <= no <= len(PROJECT_MARKS) else f"({no})"


@dataclass(frozen=True)
class Figure:
    """A figure as printed, and the number behind it (None where it prints as text)."""

    text: str
    value: float | None = None
    decimals: int = 0
    unit: str = ""
    suffix: str = ""  # printed after the unit, e.g. "（R2）"


@dataclass
class KpiLine:
    """A KPI under one project, as the project's table and the KPI list print it."""

    project_no: int
    project_name: str
    label: str  # the name, with （再掲） on a re-listing
    base: Figure
    values: list[Figure]  # one per year column of the KPI list
    actual: Figure  # the value in the actual year, with that year: 113,500ha（R5）
    target: Figure
    rate: Figure
    band: str | None  # good / fair / low (None without a rate)


@dataclass
class ProjectPage:
    no: int
    name: str
    area: str
    purpose: str
    past: list[InitiativeBlock]
    kpis: list[KpiLine]
    planned_heading: str
    planned: list[PlannedItem]

    @property
    def mark(self) -> str:
        return project_mark(self.no)


@dataclass(frozen=True)
class BusinessRow:
    name: str
    summary: str
    marks: str  # ③④


@dataclass
class Report:
    """Everything the published report prints, in order."""

    title: str
    bureau: str
    report_year: int
    actual_year: int
    projects: list[ProjectPage]
    year_columns: list[str]  # R3 … R7
    kpi_lines: list[KpiLine]
    analysis: list[str]
    business_heading: str
    businesses: list[BusinessRow]
    legend_title: str
    legend: list[tuple[str, str]]  # (①, project name)
    warnings: list[Finding] = field(default_factory=list)

    @property
    def year_text(self) -> str:
        """令和6年度, as the cover prints it."""
        return format_fiscal_year_long(self.report_year)

    @property
    def file_stem(self) -> str:
        """R6_推進管理報告書: the name of every file the report is written to."""
        return f"{format_fiscal_year(self.report_year)}_{FILE_SUFFIX}"

    @property
    def photos(self) -> list[Photo]:
        return [
            part.photo
            for page in self.projects
            for block in page.past
            for part in block.parts
            if part.photo is not None
        ]


def master_to_report(
    master: Master,
    table: KpiTable,
    *,
    photo_cells: list[str | None] | None = None,
    year_cells: list[str | None] | None = None,
) -> Report:
    """The report of `table.report_year` (actual year `table.actual_year`) from a master.

    `photo_cells` and `year_cells` are the cells of 取組 where each of
    master.initiatives has its photo path ("T12") and its year, so that a warning
    about one can name it. Warnings (a
    project without this year's initiatives, an empty setting, removed
    characters) are findings in the result.
    """
    # Every text is cleaned in the order the report prints it, so that the warnings
    # about removed characters come in that order too.
    clean = Cleaner()
    warnings: list[Finding] = []
    title, bureau = _cover(master, clean, warnings)
    kpi_lines = [_kpi_line(table, row, clean) for row in table.rows]
    if kpi_lines and all(
        line.actual.value is None and line.actual.text == DASH for line in kpi_lines
    ):
        long = format_fiscal_year_long(table.actual_year)
        warnings.append(finding("publish_no_values", year=phrase("actual_year", year=long)))
    without: dict = {"past": [], "planned": []}  # + "photos", "later": warnings
    cells = list(zip_longest(photo_cells or [], year_cells or []))
    projects = [
        _project_page(master, project, table, kpi_lines, cells, clean, without)
        for project in sorted(master.projects, key=lambda p: p.no)
    ]
    warnings += _what_is_missing(without, table) + without.get("photos", [])
    warnings += without.get("later", [])
    # what `report` tells about the list (no rate, a typed value unlike the computed one)
    warnings += [finding(code, **values) for code, values in table.notices]
    region = clean(master.settings.region, phrase("setting_field", field="地域名"))
    business_heading, businesses = _businesses(master, bureau, table.report_year, clean)
    return Report(
        title=title,
        bureau=bureau,
        report_year=table.report_year,
        actual_year=table.actual_year,
        projects=projects,
        year_columns=[format_fiscal_year(y) for y in table.years],
        kpi_lines=kpi_lines,
        analysis=[clean(text, ANALYSIS_HEADING) for text in table.analysis],
        business_heading=business_heading,
        businesses=businesses,
        legend_title=LEGEND_TITLE.format(region=region) if region else "※関連プロジェクト",
        legend=[(page.mark, page.name) for page in projects],
        warnings=warnings + list(clean.warnings.values()),
    )


def _cover(master: Master, clean: Cleaner, warnings: list[Finding]) -> tuple[str, str]:
    """The report's title and the bureau's name, from 設定; a warning for each left blank."""
    settings = master.settings
    title = clean(
        settings.report_title or settings.title, phrase("setting_field", field="報告書の表題")
    )
    if not title:
        warnings.append(
            finding(
                "publish_setting_blank",
                column="報告書の表題",
                what=phrase("publish_title_fallback", title=FILE_SUFFIX),
            )
        )
        title = FILE_SUFFIX  # a page needs a title: the report's kind, until one is set
    bureau = clean(settings.bureau, phrase("setting_field", field="振興局名"))
    if not bureau:
        warnings.append(
            finding("publish_setting_blank", column="振興局名", what=phrase("publish_no_bureau"))
        )
    return title, bureau


def _what_is_missing(without: dict[str, list[int]], table: KpiTable) -> list[Finding]:
    """One warning for all the projects without past initiatives, one for those without
    planned ones (the four projects of a new year would otherwise make eight lines), and
    one for each of 推進エリア and 目的 left blank."""
    short = format_fiscal_year(table.report_year)
    out = []
    if without["past"]:
        years = phrase(
            "actual_and_report_years", actual=format_fiscal_year(table.actual_year), year=short
        )
        projects = "・".join(str(no) for no in without["past"])
        out.append(finding("publish_no_past", project=projects, years=years))
    for column in ("推進エリア", "目的"):
        if without.get(column):
            projects = "・".join(str(no) for no in without[column])
            out.append(finding("publish_project_blank", project=projects, column=column))
    if without["planned"]:
        projects = "・".join(str(no) for no in without["planned"])
        heading = PLANNED_HEADING.format(year=short)
        out.append(
            finding(
                "publish_no_planned",
                project=projects,
                year=phrase("fiscal_year_short", year=short),
                heading=heading,
            )
        )
    return out


def _project_page(
    master: Master,
    project: Project,
    table: KpiTable,
    kpi_lines: list[KpiLine],
    cells: list[tuple[str | None, str | None]],
    clean: Cleaner,
    without: dict[str, list[int]],
) -> ProjectPage:
    """A project's page; its number goes into `without` when it has no past or planned
    initiatives to show."""
    short = format_fiscal_year(table.report_year)
    name = clean(project.name, phrase("project_field", no=project.no, field="名前"))
    past, planned = _initiatives(master, project.no, table, cells, clean, without)
    if not past:
        without["past"].append(project.no)
    heading = PLANNED_HEADING.format(year=short)
    if not planned:
        without["planned"].append(project.no)
    area = clean(project.area, phrase("project_field", no=project.no, field="推進エリア"))
    purpose = clean(project.purpose, phrase("project_field", no=project.no, field="目的"))
    for column, text in (("推進エリア", area), ("目的", purpose)):
        if not text:  # the page would print the heading over nothing
            without.setdefault(column, []).append(project.no)
    return ProjectPage(
        no=project.no,
        name=name,
        area=area,
        purpose=purpose,
        past=initiative_blocks(past, clean),
        kpis=[k for k in kpi_lines if k.project_no == project.no],
        planned_heading=heading,
        planned=planned,
    )


def _initiatives(
    master: Master,
    project: int,
    table: KpiTable,
    cells: list[tuple[str | None, str | None]],
    clean: Cleaner,
    without: dict,
) -> tuple[list[tuple[Initiative, str | None]], list[PlannedItem]]:
    """A project's initiatives of the actual and report years (each with its photo's cell),
    and those planned for the report year (a line each: a photo typed for one is not
    shown, and `without["photos"]` gets the warning saying so). An 実績 of a year after
    the report's is not shown either: `without["later"]` gets a warning naming it."""
    year, actual = table.report_year, table.actual_year
    past, planned = [], []
    for i, initiative in enumerate(master.initiatives):
        if initiative.project != project:
            continue
        photo_cell, year_cell = cells[i] if i < len(cells) else (None, None)
        if initiative.kind == INITIATIVE_PLANNED:
            if initiative.year == year:
                planned.append(planned_item(initiative, clean))
                if initiative.photo and initiative.photo.strip():
                    where = {
                        "sheet": SHEET_INITIATIVES,
                        "cell": photo_cell,
                    }
                    without.setdefault("photos", []).append(
                        finding(
                            "photo_on_planned",
                            **where,
                            item=clean(initiative.title, initiative_field(initiative, "取組名")),
                            value=clean(
                                initiative.photo, initiative_field(initiative, "写真ファイル")
                            ),
                        )
                    )
        elif initiative.year in (actual, year):
            past.append((initiative, photo_cell))
        elif initiative.year > year:  # a year typed wrong, most likely: said, not shown
            without.setdefault("later", []).append(
                finding(
                    "initiative_after_report_year",
                    sheet=SHEET_INITIATIVES,
                    cell=year_cell,
                    item=clean(initiative.title, initiative_field(initiative, "取組名")),
                    year=format_fiscal_year(initiative.year),
                    report=format_fiscal_year(year),
                )
            )
    return past, planned


def _businesses(
    master: Master, bureau: str, year: int, clean: Cleaner
) -> tuple[str, list[BusinessRow]]:
    """The heading of the bureau's businesses (from 設定, else its name) and their rows."""
    heading = clean(
        master.settings.business_heading, phrase("setting_field", field="事業一覧の見出し")
    )
    if not heading:
        heading = f"{bureau}の主な取組" if bureau else "主な取組"
    businesses = [
        BusinessRow(
            name=clean(b.name, phrase("business_field", name=b.name, field="事業名")),
            summary=clean(b.summary, phrase("business_field", name=b.name, field="概要")),
            marks="".join(project_mark(int(p)) for p in b.projects if str(p).isdigit()),
        )
        for b in master.businesses
    ]
    return BUSINESS_HEADING.format(year=format_fiscal_year(year), heading=heading), businesses


# --- KPIs ------------------------------------------------------------------------------


def _figure(value: Decimal | float | None, decimals: int, unit: str, suffix: str = "") -> Figure:
    if value is None:
        return Figure(DASH)
    places = shown_decimals(value, decimals, unit)
    return Figure(
        format_value(value, decimals, unit) + suffix,
        float(round_half_up(value, places)),
        places,
        unit,
        suffix,
    )


def _kpi_line(table: KpiTable, row: KpiRow, clean: Cleaner) -> KpiLine:
    kpi = row.kpi
    d = kpi.decimals or 0
    unit = clean(kpi.unit, phrase("kpi_field", name=kpi.name, field="表示単位"))

    def fixed(value: float | None) -> Decimal | None:
        return None if value is None else round_half_up(value, d)

    def year_figure(year: int, with_year: bool) -> Figure:
        v = row.values.get(year)
        suffix = f"（{format_fiscal_year(year)}）" if with_year else ""
        if v is not None and v.status == STATUS_CONFIRMED and v.value is not None:
            return _figure(v.value, d, unit, suffix)
        if v is not None and v.status == STATUS_PENDING:
            return Figure(STATUS_PENDING + suffix)
        return Figure(DASH if with_year else "")

    base_year = f"（{format_fiscal_year(kpi.base_year)}）" if kpi.base_year else ""
    target_year = f"（{format_fiscal_year(kpi.target_year)}）" if kpi.target_year else ""
    rate = row.rate
    return KpiLine(
        project_no=row.project_no,
        project_name=clean(
            row.project_name, phrase("project_field", no=row.project_no, field="名前")
        ),
        label=clean(row.label, phrase("kpi_field", name=kpi.name, field="名前")),
        base=_figure(fixed(kpi.base_value), d, unit, base_year),
        values=[year_figure(y, False) for y in table.years],
        actual=year_figure(table.actual_year, True),
        target=_figure(fixed(kpi.target_value), d, unit, target_year),
        rate=Figure(format_rate(rate))
        if rate is None
        else Figure(format_rate(rate), float(rate), 1, "%"),
        band=rate_band(rate),
    )
