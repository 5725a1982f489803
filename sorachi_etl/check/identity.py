"""Whose and which year's return a file is: its _meta, 基本情報 and file name must agree."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sorachi_etl.model.eras import (
    EraError,
    format_fiscal_year,
    format_fiscal_year_long,
    parse_fiscal_year,
)
from sorachi_etl.model.findings import FileReport, Finding, finding
from sorachi_etl.model.messages import message, phrase
from sorachi_etl.model.names import SURVEY_INFO, TEMPLATE_VERSION
from sorachi_etl.model.text import raw_text

if TYPE_CHECKING:
    from sorachi_etl.check.one_file import Setting
    from sorachi_etl.intake.locate import RawCell, Survey

_SURVEY_WORD = "調査票"
# How the places that name a reporter and a year are called in messages.
_FROM_META = phrase("named_in_meta")
_FROM_INFO = phrase("named_in_info")
_FROM_NAME = phrase("named_in_file_name")


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
    path: Path, survey: Survey, report: FileReport, setting: Setting, file: str | None = None
) -> tuple[str | None, int | None]:
    """Reporter and year, from _meta, 基本情報 and the file name, which must agree.

    Takes the file's path, its survey and report (the findings are added to it)
    and the setting of the run; gives the reporter and year the file is for,
    each None when nothing tells. `file` is the name findings give the file
    (default: the path's name).
    """
    reporters, years = _stated(path, survey)
    renamed = _name_in_other_words(reporters, setting)
    reporter = next(iter(reporters.values()), None)
    year = next(iter(years.values()), None)
    common = {"file": file or path.name, "reporter": reporter}
    info_reporter = survey.info.get("reporter")
    report.findings += [
        *([finding("file_name_reporter", value=renamed, **common)] if renamed else []),
        *_reporter_mismatch(reporters, info_reporter, common),
        *_year_mismatch(years, year, setting, survey.info.get("year"), common),
        *_unknown_reporter(reporter, setting, info_reporter, common),
        *_old_template(survey, common),
        *_other_year(year, setting, common),
    ]
    return reporter, year


def _stated(path: Path, survey: Survey | None) -> tuple[dict[str, str], dict[str, int]]:
    """The reporter and the year each place names (where -> what), in the order _meta,
    基本情報, file name; only where something is named."""
    name_reporter, name_year = name_parts(path)
    reporters: dict[str, str | None] = {_FROM_NAME: name_reporter}
    years: dict[str, int | None] = {_FROM_NAME: name_year}
    if survey is not None:
        info_reporter = survey.info.get("reporter")
        info_year = survey.info.get("year")
        reporters = {
            _FROM_META: raw_text(survey.meta.get("reporter")).strip() or None,
            _FROM_INFO: raw_text(info_reporter.value).strip() if info_reporter else None,
            **reporters,
        }
        years = {
            _FROM_META: _fiscal_year(survey.meta.get("year")),
            _FROM_INFO: _fiscal_year(info_year.value) if info_year else None,
            **years,
        }
    return (
        {k: v for k, v in reporters.items() if v},
        {k: v for k, v in years.items() if v is not None},
    )


def _name_in_other_words(reporters: dict[str, str], setting: Setting) -> str | None:
    """The reporter a file name gives, when it is the survey's own reporter written a little
    differently (R6_岩見沢_調査票.xlsx, R6_美唄市役所_調査票.xlsx) and the survey's record and
    基本情報 agree: taken out of `reporters` (so it is no mismatch) and returned. A name that
    is another known reporter stays, for reporter_mismatch."""
    named = reporters.get(_FROM_NAME)
    inside = {v for k, v in reporters.items() if k != _FROM_NAME}
    if not named or len(inside) != 1 or named in inside or named in setting.known:
        return None
    (own,) = inside
    folded, own_folded = (unicodedata.normalize("NFKC", n) for n in (named, own))
    if own_folded not in folded and folded not in own_folded:
        return None
    del reporters[_FROM_NAME]
    return named


def _reporter_mismatch(
    reporters: dict[str, str], info_reporter: RawCell | None, common: dict[str, Any]
) -> list[Finding]:
    """The places of the file naming different reporters."""
    if len(set(reporters.values())) <= 1:
        return []
    detail = "、".join(phrase("named_as", place=k, value=v) for k, v in reporters.items())
    cell = info_reporter.cell if info_reporter else None
    return [finding("reporter_mismatch", sheet=SURVEY_INFO, cell=cell, detail=detail, **common)]


def _year_mismatch(
    years: dict[str, int],
    year: int | None,
    setting: Setting,
    info_year: RawCell | None,
    common: dict[str, Any],
) -> list[Finding]:
    """The places of the file naming different years, or the file's year not the one asked."""
    if len(set(years.values())) > 1:
        detail = "、".join(
            phrase("named_as", place=k, value=format_fiscal_year(v)) for k, v in years.items()
        )
        return [
            finding(
                "year_mismatch",
                sheet=SURVEY_INFO,
                cell=info_year.cell if info_year else None,
                detail=detail,
                year=format_fiscal_year_long(setting.year or year),
                **common,
            )
        ]
    if setting.year is not None and year is not None and year != setting.year:
        return [
            finding(
                "year_not_asked",
                value=format_fiscal_year_long(year),
                found=format_fiscal_year_long(year),
                found_short=format_fiscal_year(year),
                year=format_fiscal_year_long(setting.year),
                **common,
            )
        ]
    return []


def _unknown_reporter(
    reporter: str | None, setting: Setting, info_reporter: RawCell | None, common: dict[str, Any]
) -> list[Finding]:
    """A reporter the master does not know, with the nearest name it does."""
    if setting.master is None or not reporter or reporter in setting.known:
        return []
    from sorachi_etl.model.rules import did_you_mean

    hint = did_you_mean(reporter, sorted(setting.known))
    return [
        finding(
            "unknown_reporter",
            sheet=SURVEY_INFO if info_reporter else None,
            cell=info_reporter.cell if info_reporter else None,
            value=reporter,
            hint=message("hint_did_you_mean", name=hint) if hint else message("hint_reporter_name"),
            **common,
        )
    ]


def _old_template(survey: Survey, common: dict[str, Any]) -> list[Finding]:
    """A survey made with an earlier version of the template than the tool's."""
    version = raw_text(survey.meta.get("template_version")).strip()
    # ASCII digits only: "①".isdigit() is True, yet int("①") fails
    if (
        _plain_number(version)
        and _plain_number(TEMPLATE_VERSION)
        and int(version) < int(TEMPLATE_VERSION)
    ):
        return [finding("old_template", value=version, current=TEMPLATE_VERSION, **common)]
    return []


def _other_year(year: int | None, setting: Setting, common: dict[str, Any]) -> list[Finding]:
    """A survey for a year before the latest merged, when no year was asked for."""
    if (
        setting.year is None
        and year is not None
        and setting.current_year is not None
        and year < setting.current_year
    ):
        return [
            finding(
                "other_year",
                year=format_fiscal_year(year),
                current=format_fiscal_year(setting.current_year),
                **common,
            )
        ]
    return []


def _fiscal_year(value: object) -> int | None:
    if value in (None, ""):
        return None
    try:
        return parse_fiscal_year(value)
    except EraError:
        return None


def _plain_number(text: str) -> bool:
    """A short run of ASCII digits, which int() reads."""
    return text.isascii() and text.isdigit() and len(text) <= 9


def reporter_in_name(path: Path, known: Iterable[str]) -> str | None:
    """The one known reporter a file name holds anywhere: 芦別市回答.xls -> 芦別市.

    None when it holds none or several (a name inside a longer one found, as
    町 names can be, counts as the longer).
    """
    stem = unicodedata.normalize("NFKC", path.stem)
    found = {name for name in known if name and unicodedata.normalize("NFKC", name) in stem}
    found = {name for name in found if not any(name != other and name in other for other in found)}
    return found.pop() if len(found) == 1 else None


def sender_of(
    path: Path, salvaged: Survey | None, setting: Setting
) -> tuple[str | None, int | None]:
    """Who sent a file the tool cannot take, and for which year, wherever anything tells.

    In order: the survey's own record (_meta) and 基本情報, when they could
    still be read safely; the file name as the template writes it
    (R6_芦別市_調査票.xlsx); a reporter's name anywhere in the file name
    (芦別市回答.xls). With a master, only one of its reporters counts.
    """
    known = setting.known
    reporters, years = _stated(path, salvaged)
    candidates = list(reporters.values())
    if known:
        candidates.append(reporter_in_name(path, known) or "")
    reporter = next((c for c in candidates if c and (not known or c in known)), None)
    return reporter, next(iter(years.values()), None)
