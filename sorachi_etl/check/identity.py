"""Whose and which year's return a file is: its _meta, 基本情報 and file name must agree."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sorachi_etl.model.eras import (
    EraError,
    format_fiscal_year,
    format_fiscal_year_long,
    parse_fiscal_year,
)
from sorachi_etl.model.findings import FileReport, finding
from sorachi_etl.model.names import SURVEY_INFO, TEMPLATE_VERSION
from sorachi_etl.model.text import raw_text

if TYPE_CHECKING:
    from sorachi_etl.check.validate import Setting
    from sorachi_etl.intake.locate import Survey

_SURVEY_WORD = "調査票"
# How the places that name a reporter and a year are called in messages.
_FROM_META = "調査票の記録"
_FROM_INFO = "基本情報"
_FROM_NAME = "ファイル名"


def name_parts(path: Path) -> tuple[str | None, int | None]:
    """Reporter and fiscal year from a file name: R6_岩見沢市_調査票(1).xlsx -> (岩見沢市, 2024).

    The two parts before 調査票 are taken in either order; (None, None) when
    the name does not follow the pattern, so a name nobody kept is not held
    against the file.
    """
    parts = path.stem.split("_")
    at = next((i for i, p in enumerate(parts) if p.startswith(_SURVEY_WORD)), None)
    if at is None or at < 2:
        return None, None
    first, second = parts[at - 2].strip(), parts[at - 1].strip()
    for year_text, reporter in ((first, second), (second, first)):
        try:
            return reporter or None, parse_fiscal_year(year_text)
        except EraError:
            continue
    return None, None


def survey_identity(
    path: Path, survey: Survey, report: FileReport, setting: Setting
) -> tuple[str | None, int | None]:
    """Reporter and year, from _meta, 基本情報 and the file name, which must agree."""
    add = report.findings.append
    info_reporter = survey.info.get("reporter")
    info_year = survey.info.get("year")
    name_reporter, name_year = name_parts(path)
    reporters = {
        _FROM_META: raw_text(survey.meta.get("reporter")).strip() or None,
        _FROM_INFO: raw_text(info_reporter.value).strip() if info_reporter else None,
        _FROM_NAME: name_reporter,
    }
    years = {
        _FROM_META: _fiscal_year(survey.meta.get("year")),
        _FROM_INFO: _fiscal_year(info_year.value) if info_year else None,
        _FROM_NAME: name_year,
    }
    reporters = {k: v for k, v in reporters.items() if v}
    years = {k: v for k, v in years.items() if v is not None}
    reporter = next(iter(reporters.values()), None)
    year = next(iter(years.values()), None)
    known = setting.known
    common = {"file": path.name, "reporter": reporter}
    if len(set(reporters.values())) > 1:
        detail = "、".join(f"{k}：{v}" for k, v in reporters.items())
        cell = info_reporter.cell if info_reporter else None
        add(finding("reporter_mismatch", sheet=SURVEY_INFO, cell=cell, detail=detail, **common))
    wanted = setting.year or year
    if len(set(years.values())) > 1:
        detail = "、".join(f"{k}：{format_fiscal_year(v)}" for k, v in years.items())
        cell = info_year.cell if info_year else None
        add(
            finding(
                "year_mismatch",
                sheet=SURVEY_INFO,
                cell=cell,
                detail=detail,
                year=format_fiscal_year_long(wanted),
                **common,
            )
        )
    elif setting.year is not None and year is not None and year != setting.year:
        detail = f"調査票：{format_fiscal_year(year)}、指定：{format_fiscal_year(setting.year)}"
        add(
            finding(
                "year_mismatch",
                detail=detail,
                year=format_fiscal_year_long(setting.year),
                **common,
            )
        )
    if setting.master is not None and reporter and reporter not in known:
        from sorachi_etl.model.rules import did_you_mean

        hint = did_you_mean(reporter, sorted(known))
        add(
            finding(
                "unknown_reporter",
                sheet=SURVEY_INFO if info_reporter else None,
                cell=info_reporter.cell if info_reporter else None,
                value=reporter,
                hint=f"「{hint}」のことですか？" if hint else "市町名を確認してください。",
                **common,
            )
        )
    version = raw_text(survey.meta.get("template_version")).strip()
    if version.isdigit() and TEMPLATE_VERSION.isdigit() and int(version) < int(TEMPLATE_VERSION):
        add(finding("old_template", value=version, current=TEMPLATE_VERSION, **common))
    if (
        setting.year is None
        and year is not None
        and setting.current_year is not None
        and year < setting.current_year
    ):
        add(
            finding(
                "other_year",
                year=format_fiscal_year(year),
                current=format_fiscal_year(setting.current_year),
                **common,
            )
        )
    return reporter, year


def _fiscal_year(value: object) -> int | None:
    if value in (None, ""):
        return None
    try:
        return parse_fiscal_year(value)
    except EraError:
        return None
