"""Survey workbooks (調査票): one per reporter and year, filled from the base template.

`master_to_workbook()` turns the base template (templates/kpi_template.xlsx)
into one reporter's workbook in memory; `master_to_templates()` writes one
file per reporter. The base is found by its sheet names, header texts and
label cells, never by coordinates, so staff may restyle or move things in it
(see templates/make_base_template.py for what the base must keep); how each
part is found and filled is book/template_sheets.py.

The cells a reporter types in are unlocked and carry data validation built
from schemas/survey.toml, the same rules the validator runs; everything else
is protected without a password.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from sorachi_etl.book.template_sheets import (
    expand_blocks,
    fill_keyvalue,
    fill_placeholders,
    fill_table,
    fit_rows,
    protect,
    write_meta,
)
from sorachi_etl.intake.files import mark_output, written_unchanged
from sorachi_etl.model import domain
from sorachi_etl.model.eras import (
    fiscal_year_bounds,
    format_date_ja,
    format_fiscal_year,
    format_fiscal_year_long,
)
from sorachi_etl.model.errors import SorachiError, UsageError
from sorachi_etl.model.messages import message, phrase
from sorachi_etl.model.names import (
    KIND_VALUE,
    STATUS_CONFIRMED,
    SURVEY_GUIDE,
    SURVEY_INFO,
    SURVEY_INITIATIVES,
    SURVEY_META,
    SURVEY_VALUES,
)
from sorachi_etl.model.paths import write_whole
from sorachi_etl.model.resources import base_template
from sorachi_etl.model.rules import (
    REQUIRED_MARK,
    SheetRule,
    did_you_mean,
    survey_rules,
)

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

_WEEKDAYS = "月火水木金土日"


@dataclass(frozen=True)
class TemplateResult:
    """One survey workbook written: whose, where, which measures, how many 前年度実績 filled."""

    reporter: str
    path: Path
    measures: list[str]
    previous: int


def survey_file_name(year: int, reporter: str) -> str:
    """survey_file_name(2024, "岩見沢市") == "R6_岩見沢市_調査票.xlsx"."""
    return f"{format_fiscal_year(year)}_{reporter}_調査票.xlsx"


def master_to_templates(
    master: domain.Master,
    year: int,
    out_dir: Path,
    reporters: list[str] | None = None,
    base: Path | None = None,
) -> list[TemplateResult]:
    """Write one survey workbook per reporter into `out_dir` (created if missing).

    `reporters` names a subset (default: every reporter with a measure); an
    unknown name raises UsageError with a "did you mean" hint.
    """
    names = _choose_reporters(master, reporters)
    for name in names:
        _refuse_unusable_name(name, survey_file_name(year, name))
    out_dir = Path(out_dir)
    _refuse_to_replace(out_dir, [survey_file_name(year, name) for name in names])
    made = not out_dir.exists()
    out_dir.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        for name in names:
            wb, previous = master_to_workbook(master, year, name, base)
            path = out_dir / survey_file_name(year, name)
            save_workbook(wb, path)
            results.append(
                TemplateResult(name, path, [m.id for m in master.measures_for(name)], previous)
            )
    finally:
        # recorded, so that a later run may write an untouched blank again, and so that
        # validate/merge of the folder never read a blank as a return: also the blanks
        # written before a run stopped (a full disk), or the next run would refuse them
        if results:
            mark_output(out_dir, "template", [r.path for r in results])
        elif made:
            with contextlib.suppress(OSError):
                out_dir.rmdir()  # a folder this run made and left empty
    return results


# What Windows refuses in a file name (and "/" everywhere): a reporter named so in the
# master cannot have a blank of its own name.
_NOT_IN_FILE_NAMES = frozenset('<>:"/\\|?*')


def _refuse_unusable_name(name: str, file: str) -> None:
    """UsageError, before anything is written, for a reporter whose blank's file name no
    system can hold (「夕張市/ゆうばり」 typed in 市町 became a folder that is not there)."""
    bad = [f"「{ch}」" for ch in dict.fromkeys(name) if ch in _NOT_IN_FILE_NAMES]
    if any(ord(ch) < 32 for ch in name):
        bad.append(phrase("name_control_chars"))
    if name != name.rstrip(". "):  # Windows drops them: the file would be another name
        bad.append(phrase("name_trailing_dot_or_space"))
    if bad:
        chars = "、".join(bad)
        raise UsageError("reporter_name_not_a_file_name", name=name, chars=chars, file=file)


def _refuse_to_replace(out_dir: Path, names: list[str]) -> None:
    """UsageError, before anything is written, when a file of that name is in `out_dir` and is
    not a blank this command wrote and nobody touched: a return saved there, say."""

    from sorachi_etl.book.office_locks import office_locks

    for name in names:
        path = out_dir / name
        if path.is_dir():
            raise UsageError("template_folder_in_the_way", path=out_dir, name=name)
        if path.exists() and not written_unchanged(path, "template"):
            raise UsageError("template_would_replace", name=name, path=out_dir)
        # a blank open in Excel: on Windows writing it fails after the ones before it
        for lock in office_locks(path):
            raise UsageError(
                "template_file_open",
                path=out_dir,
                name=name,
                program=lock.program,
                who=lock.who(),
                lock=lock.path.name,
            )
        if path.exists() and not os.access(path, os.W_OK):
            raise UsageError("template_blank_read_only", path=out_dir, name=name)


def _choose_reporters(master: domain.Master, reporters: list[str] | None) -> list[str]:
    if not reporters:
        chosen = [r.name for r in master.survey_reporters]
        if not chosen:
            raise UsageError("no_survey_reporters")
        return chosen
    known = [r.name for r in master.reporters]
    # a name copied out of a cell or a mail comes with spaces around it
    reporters = [name.strip() for name in reporters]
    # 「夕張市,美唄市」 or 「夕張市、美唄市」 in one -r: the reporters of that list
    reporters = [part for name in reporters for part in _listed(name, known)]
    for name in reporters:
        if name not in known:
            hint = did_you_mean(name, known)
            raise UsageError(
                "unknown_reporter",
                value=name,
                hint=message("hint_did_you_mean", name=hint)
                if hint
                else message("hint_reporter_name_in_master"),
            )
        if not master.measures_for(name):
            raise UsageError("reporter_without_measures", name=name)
    return list(dict.fromkeys(reporters))


def _listed(name: str, known: list[str]) -> list[str]:
    """`name` split at its commas when it is not a reporter but each part is one."""
    if name in known:
        return [name]
    parts = [p.strip() for p in re.split(r"[,、，]", name)]
    return parts if len(parts) > 1 and all(p in known for p in parts) else [name]


def save_workbook(wb: Workbook, path: Path) -> None:
    """Save without openpyxl stamping the current time, so regenerating changes nothing."""
    from zipfile import ZIP_DEFLATED, ZipFile

    from openpyxl.writer.excel import ExcelWriter

    # written beside it and renamed into place: a run stopped part way (a full disk)
    # never leaves a half-written blank that Excel calls broken, nor its temp file
    def write(fh: BinaryIO) -> None:
        with ZipFile(fh, "w", ZIP_DEFLATED, allowZip64=True) as archive:
            ExcelWriter(wb, archive).save()

    try:
        write_whole(path, write)
    except PermissionError as exc:
        raise SorachiError("file_in_use", name=path.name) from exc


def master_to_workbook(
    master: domain.Master, year: int, reporter: str, base: Path | None = None
) -> tuple[Workbook, int]:
    """One reporter's survey workbook (openpyxl, not saved) and how many 前年度実績 it shows."""
    wb = _open_base(Path(base) if base else base_template())
    rules = survey_rules()
    measures = master.measures_for(reporter)
    fill_placeholders(wb, placeholders(master, year, reporter))
    _fill_guide(wb[SURVEY_GUIDE], measures, rules)
    project_ref = write_meta(
        wb[SURVEY_META],
        rules[SURVEY_META],
        year,
        reporter,
        measures,
        [p.name for p in master.projects],
    )
    context = {"year": year, "project_ref": project_ref}
    fill_keyvalue(
        wb[SURVEY_INFO],
        rules[SURVEY_INFO],
        {"reporter": reporter, "year": format_fiscal_year_long(year)},
        context,
    )
    rows, formats, previous = _value_rows(master, measures, reporter, year)
    fill_table(
        wb[SURVEY_VALUES],
        rules[SURVEY_VALUES],
        rows,
        context,
        formats={"previous": formats, "value": formats},
        limits={"value": [m.max for m in measures]},
    )
    blank = [{}] * max(rules[SURVEY_INITIATIVES].blank_rows, 1)
    fill_table(wb[SURVEY_INITIATIVES], rules[SURVEY_INITIATIVES], blank, context)
    _protect_and_stamp(wb, year, reporter)
    return wb, previous


def _open_base(base: Path) -> Workbook:
    """The base template, with every sheet a survey needs (else a UsageError naming it)."""
    from openpyxl import load_workbook

    wb = load_workbook(base)
    for name in (SURVEY_GUIDE, SURVEY_INFO, SURVEY_VALUES, SURVEY_INITIATIVES, SURVEY_META):
        if name not in wb.sheetnames:
            raise UsageError("base_template_missing_sheet", name=base.name, sheet=name)
    return wb


def _fill_guide(ws: Worksheet, measures: list[domain.Measure], rules: dict[str, SheetRule]) -> None:
    """記入要領: a line per measure, a line per column with a prompt (marked when required)."""
    expand_blocks(
        ws,
        {
            "調査項目の説明": [(f"{m.name}（{m.unit}）", m.description or "—") for m in measures],
            "各欄の説明": [
                (f"{sheet}：{col.header}{REQUIRED_MARK if col.required else ''}", col.prompt[1])
                for sheet in (SURVEY_INFO, SURVEY_VALUES, SURVEY_INITIATIVES)
                for col in rules[sheet].columns
                if col.prompt
            ],
        },
    )
    fit_rows(ws)


def _value_rows(
    master: domain.Master, measures: list[domain.Measure], reporter: str, year: int
) -> tuple[list[dict[str, Any]], list[str], int]:
    """The rows of 調査実績 (a measure each, with the year before's value), their number
    formats, and how many have a 前年度実績."""
    values = master.values_by_key()
    rows, formats, previous = [], [], 0
    for m in measures:
        before = previous_value(master, values, m, reporter, year)
        previous += before is not None
        rows.append({"measure": m.id, "measure_name": m.name, "unit": m.unit, "previous": before})
        formats.append(_number_format(m.decimals))
    return rows, formats, previous


def _protect_and_stamp(wb: Workbook, year: int, reporter: str) -> None:
    """Every sheet but _meta protected, the structure locked, opening on 記入要領; the
    properties fixed to the year, so that regenerating changes nothing."""
    from openpyxl.workbook.protection import WorkbookProtection

    for ws in wb.worksheets:
        if ws.title != SURVEY_META:
            protect(ws)
    wb.security = WorkbookProtection(lockStructure=True)  # no renaming, deleting or unhiding
    wb.active = wb.sheetnames.index(SURVEY_GUIDE)
    stamp = dt.datetime(year, 4, 1)
    wb.properties.created = wb.properties.modified = stamp
    wb.properties.creator = wb.properties.lastModifiedBy = "sorachi-etl"
    wb.properties.title = f"{format_fiscal_year_long(year)} 調査票（{reporter}）"


# --- values -------------------------------------------------------------------------


def previous_value(
    master: domain.Master,
    values: dict[tuple[str, str, int], domain.MeasureValue],
    measure: domain.Measure,
    reporter: str,
    year: int,
) -> float | str | None:
    """The reporter's value for the year before: a number, 集計中/該当なし, or None.

    From 調査実績; for a measure only this reporter reports and a KPI of kind
    `value` shows (the bureau's figures), from that KPI's published value.
    """
    v = values.get((measure.id, reporter, year - 1))
    if v is not None:
        return v.value if v.status == STATUS_CONFIRMED else v.status
    for kpi in master.kpis:
        if (
            kpi.kind == KIND_VALUE
            and kpi.measure == measure.id
            and master.group_members(kpi.group) == [reporter]
        ):
            for kv in master.kpi_values:
                if kv.kpi == kpi.id and kv.year == year - 1:
                    if kv.status == STATUS_CONFIRMED and kv.value is not None:
                        return kv.value * (kpi.scale or 1)
                    return kv.status
    return None


def _number_format(decimals: int | None) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def placeholders(master: domain.Master, year: int, reporter: str) -> dict[str, str]:
    """The {名前} placeholders of the base template and their text for one reporter."""
    s = master.settings
    start, end = fiscal_year_bounds(year)
    deadline = "別途お知らせします"
    if s.survey_deadline:
        deadline = (
            f"{format_date_ja(s.survey_deadline)}（{_WEEKDAYS[s.survey_deadline.weekday()]}）"
        )
    return {
        "年度": format_fiscal_year_long(year),
        "年度略称": format_fiscal_year(year),
        "前年度": format_fiscal_year_long(year - 1),
        "対象期間": f"{format_date_ja(start)}～{format_date_ja(end)}",
        "市町名": reporter,
        "表題": s.title or "推進管理",
        "提出期限": deadline,
        "担当部署": s.contact_department or "—",
        "担当者": s.contact_person or "",
        "電話番号": s.contact_phone or "—",
        "メールアドレス": s.contact_mail or "—",
    }
