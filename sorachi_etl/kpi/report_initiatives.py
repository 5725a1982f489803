"""The initiatives of a report page, as plain data: ■ blocks with their details and photo.

Part of the report's content (kpi/report_model.py): past initiatives (実績) as
the report prints them under これまでの主な取組・成果 — ■ title [実施主体], then
開催日／場所／概要 lines, only those filled, and an outcome — and this year's
planned ones (予定). Every text goes through `Cleaner`, which removes what XML
cannot carry and says where.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from sorachi_etl.model.domain import Initiative
from sorachi_etl.model.findings import Finding, finding
from sorachi_etl.model.messages import phrase
from sorachi_etl.model.names import SHEET_INITIATIVES
from sorachi_etl.model.text import clean_text

PLANNED_BULLET = "・"
PHOTO_MARK = "▲"
# A date that names a day ("令和5年9月16日～17日") prints as its own 開催日 line; a
# period from a month ("R5.12月～") follows the summary in brackets, as the report does.
_NAMES_A_DAY = re.compile(r"\d\s*日")
# "地元就職応援フェア（地元企業合同説明会）": part of a larger initiative
_PART_TITLE = re.compile(r"^(?P<whole>.+?)（(?P<part>[^（）]+)）$")


@dataclass(frozen=True)
class Detail:
    """One line under an initiative: 開催日：…, 場所：…, 概要：…, or an outcome."""

    label: str
    text: str

    @property
    def line(self) -> str:
        return f"{self.label}：{self.text}"


@dataclass(frozen=True)
class Photo:
    """A picture of an initiative: its file as typed (relative to the master's folder)."""

    path: str
    caption: str
    title: str  # the initiative's, to name in a warning
    cell: str | None = None  # where the path is typed in 取組 ("T12"), when known

    @property
    def caption_line(self) -> str:
        return f"{PHOTO_MARK}{self.caption}" if self.caption else ""

    def finding(self, code: str, **values: object) -> Finding:
        """A warning about this photo, naming its cell and initiative."""
        sheet = SHEET_INITIATIVES
        return finding(
            code, sheet=sheet, cell=self.cell, item=self.title, value=self.path, **values
        )


@dataclass
class Part:
    """An initiative's details; a part of a larger one has a subtitle (○ 地元企業合同説明会)."""

    subtitle: str
    details: list[Detail]
    photo: Photo | None = None


@dataclass
class InitiativeBlock:
    """■ title [実施主体], then its parts."""

    title: str
    implementers: str
    parts: list[Part]

    @property
    def heading(self) -> str:
        return with_implementers(self.title, self.implementers)


@dataclass(frozen=True)
class PlannedItem:
    title: str
    implementers: str

    @property
    def line(self) -> str:
        return with_implementers(self.title, self.implementers)


def with_implementers(title: str, implementers: str) -> str:
    """取組名 [実施主体]: an initiative as the report names it (the title alone without any)."""
    return f"{title} [{implementers}]" if implementers else title


class Cleaner:
    """Text as it may reach XML, with a warning naming where anything was removed."""

    def __init__(self) -> None:
        self.warnings: dict[str, Finding] = {}

    def __call__(self, value: object, where: str) -> str:
        # model/text.clean_text: the one place that removes what XML cannot carry
        cleaned, removed = clean_text(value)
        if removed and where not in self.warnings:
            self.warnings[where] = finding("publish_removed_chars", item=clean_text(where)[0])
        return cleaned


def initiative_field(initiative: Initiative, field: str) -> str:
    """Where a publish warning points: 取組「…」の取組名 (`field`: a column of 取組)."""
    return phrase("initiative_field", title=initiative.title, field=field)


def _implementers(initiative: Initiative, clean: Cleaner) -> str:
    where = initiative_field(initiative, "実施主体")
    return "・".join(t for t in (clean(i, where) for i in initiative.implementers) if t)


def planned_item(initiative: Initiative, clean: Cleaner) -> PlannedItem:
    title = clean(initiative.title, initiative_field(initiative, "取組名"))
    return PlannedItem(title, _implementers(initiative, clean))


def _number(value: float) -> str:
    d = Decimal(repr(float(value)))
    return f"{d:,.0f}" if d == d.to_integral_value() else f"{d.normalize():,f}"


def _details(initiative: Initiative, clean: Cleaner) -> list[Detail]:
    def where(field: str) -> str:
        return initiative_field(initiative, field)

    dates = clean(initiative.dates_text, where("日程"))
    venue = clean(initiative.venue, where("場所"))
    summary = clean(initiative.summary, where("概要"))
    details = []
    if dates and _NAMES_A_DAY.search(dates):
        details.append(Detail("開催日", dates))
        dates = ""
    if venue:
        details.append(Detail("場所", venue))
    if summary:
        details.append(Detail("概要", f"{summary}({dates})" if dates else summary))
    elif dates:
        details.append(Detail("時期", dates))
    if initiative.outcome_value is not None:
        label = clean(initiative.outcome_label, where("成果指標")) or "成果"
        unit = clean(initiative.outcome_unit, where("成果単位"))
        details.append(Detail(label, f"{_number(initiative.outcome_value)}{unit}"))
    return details


def _photo(initiative: Initiative, cell: str | None, clean: Cleaner) -> Photo | None:
    def where(field: str) -> str:
        return initiative_field(initiative, field)

    path = clean(initiative.photo, where("写真ファイル"))
    if not path:
        return None
    caption = clean(initiative.photo_caption, where("写真の説明"))
    return Photo(path, caption, clean(initiative.title, where("取組名")), cell)


@dataclass
class _Past:
    title: str
    implementers: str
    details: list[Detail]
    photo: Photo | None
    whole: str | None  # "地元就職応援フェア" of "地元就職応援フェア（地元企業合同説明会）"
    part: str


def initiative_blocks(
    past: list[tuple[Initiative, str | None]], clean: Cleaner
) -> list[InitiativeBlock]:
    """■ blocks; consecutive parts of one larger initiative (same name before （…）, same
    implementers) print under one ■ with a ○ per part, as the report does."""
    items = []
    for initiative, cell in past:
        title = clean(initiative.title, initiative_field(initiative, "取組名"))
        m = _PART_TITLE.match(title)
        items.append(
            _Past(
                title,
                _implementers(initiative, clean),
                _details(initiative, clean),
                _photo(initiative, cell, clean),
                m["whole"] if m else None,
                m["part"] if m else "",
            )
        )
    blocks: list[InitiativeBlock] = []
    i = 0
    while i < len(items):
        first, j = items[i], i + 1
        while (
            first.whole
            and j < len(items)
            and (items[j].whole, items[j].implementers) == (first.whole, first.implementers)
        ):
            j += 1
        if first.whole and j - i > 1:
            parts = [Part(x.part, x.details, x.photo) for x in items[i:j]]
            blocks.append(InitiativeBlock(first.whole, first.implementers, parts))
        else:
            j = i + 1
            parts = [Part("", first.details, first.photo)]
            blocks.append(InitiativeBlock(first.title, first.implementers, parts))
        i = j
    return blocks
