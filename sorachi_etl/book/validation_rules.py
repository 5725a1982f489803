"""Excel data validation built from the column rules in schemas/survey.toml.

The check a clerk meets while typing in Excel and the check `validate` runs
come from the same rule, so they never drift apart.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sorachi_etl.model.eras import MAX_YEAR, MIN_YEAR, fiscal_year_bounds, format_fiscal_year_long
from sorachi_etl.model.rules import ColumnRule

if TYPE_CHECKING:
    from openpyxl.worksheet.datavalidation import DataValidation

_EXCEL_EPOCH = dt.date(1899, 12, 30)


def _serial(day: dt.date) -> int:
    return (day - _EXCEL_EPOCH).days


def _slash(day: dt.date) -> str:
    return f"{day.year}/{day.month}/{day.day}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def column_validation(
    col: ColumnRule, context: dict[str, Any], maximum: float | None = None
) -> DataValidation | None:
    """Excel data validation for one input column, from its rule in schemas/survey.toml.

    `context` carries the fiscal year ("year") and the range of project names
    ("project_ref"). Returns None for a column that needs neither a check nor a prompt.
    """
    from openpyxl.worksheet.datavalidation import DataValidation

    check = _check(col, context, maximum)
    if check is None:
        return None
    kw, error = check
    validation = DataValidation(
        allow_blank=True, showInputMessage=bool(col.prompt), showErrorMessage=bool(error), **kw
    )
    if error:
        validation.errorStyle = "stop"
        validation.errorTitle = "入力できない値です"
        validation.error = error
    if col.prompt:
        validation.promptTitle = col.prompt[0][:32]  # Excel's limit
        validation.prompt = col.prompt[1][:255]
    return validation


def _check(
    col: ColumnRule, context: dict[str, Any], maximum: float | None
) -> tuple[dict[str, Any], str] | None:
    """The validation's settings and its error message by the column's kind; ({}, "")
    for a column with only a prompt, None for one with neither."""
    header = col.header
    if col.type == "number":
        return _number_check(col, maximum)
    if col.choices:
        kw = {"type": "list", "formula1": '"' + ",".join(col.choices) + '"'}
        return kw, f"{header}は一覧から選んでください（{'・'.join(col.choices)}）。"
    if col.type == "project":
        kw = {"type": "list", "formula1": context["project_ref"]}
        return kw, f"{header}は一覧から選んでください。"
    if col.type == "date":
        return _date_check(col, context)
    if col.max_length is not None:
        kw = {"type": "textLength", "operator": "lessThanOrEqual", "formula1": str(col.max_length)}
        return kw, f"{header}は{col.max_length}文字以内で入力してください。"
    return ({}, "") if col.prompt else None


def _number_check(col: ColumnRule, maximum: float | None) -> tuple[dict[str, Any], str]:
    """A number at least the rule's minimum and at most `maximum` (else the rule's)."""
    header = col.header
    low = col.min
    high = maximum if maximum is not None else col.max
    kw: dict[str, Any] = {"type": "decimal", "imeMode": "off"}
    if low is not None and high is not None:
        kw |= {"operator": "between", "formula1": _number(low), "formula2": _number(high)}
        return (
            kw,
            f"{header}は{low:,.0f}以上{high:,.0f}以下の数値を半角で入力してください（単位は不要）。",
        )
    if low is not None:
        kw |= {"operator": "greaterThanOrEqual", "formula1": _number(low)}
        return kw, f"{header}は{low:,.0f}以上の数値を半角で入力してください（単位は不要）。"
    return kw, f"{header}は数値を半角で入力してください（単位は不要）。"


def _date_check(col: ColumnRule, context: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """A date within the fiscal year (context["year"]) where the rule says so, else any date."""
    header = col.header
    if col.in_fiscal_year:
        year = context["year"]
        start, end = fiscal_year_bounds(year)
        span = f"{format_fiscal_year_long(year)}（{_slash(start)}～{_slash(end)}）"
        error = f"{header}は{span}の日付を 2024/9/16 の形で入力してください。"
    else:
        start, end = dt.date(MIN_YEAR, 1, 1), dt.date(MAX_YEAR, 12, 31)
        error = f"{header}は日付を 2024/9/16 の形で入力してください。"
    kw = {
        "type": "date",
        "operator": "between",
        "formula1": str(_serial(start)),
        "formula2": str(_serial(end)),
        "imeMode": "off",
    }
    return kw, error
