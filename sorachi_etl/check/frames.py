"""Validating stage: the normalised rows of every file, one pandera call per sheet kind.

All files' 調査実績 rows go into one frame, all 取組 rows into another and all
基本情報 rows into a third; each frame is validated once, lazily, with the
schema built from schemas/survey.toml (rules.to_pandera) plus the checks that
need more than one column: the measure's limit and decimals and last year's
value (from the master), the fiscal year of each file, the order of two dates.
pandera's failure cases, mapped back to a row and a column
(schema_failures.py), become `Finding`s with catalogue messages worded here;
they are never shown as they are.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from sorachi_etl.check.rows import FileContext, InfoRow, InitiativeRow, ValueRow, ymd
from sorachi_etl.check.schema_failures import Failure, frame_failures, wide_check
from sorachi_etl.model.eras import fiscal_year_bounds, format_fiscal_year_long
from sorachi_etl.model.findings import Finding
from sorachi_etl.model.messages import ERROR, severity
from sorachi_etl.model.names import STATUS_CONFIRMED, SURVEY_INFO, SURVEY_INITIATIVES, SURVEY_VALUES
from sorachi_etl.model.rules import SheetRule, survey_rules

if TYPE_CHECKING:
    import pandas as pd
    import pandera.pandas as pa

    from sorachi_etl.model.domain import Master, Measure


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def _subset(rule: SheetRule, keep: Callable[[Any], bool]) -> SheetRule:
    return dataclasses.replace(rule, columns=tuple(c for c in rule.columns if keep(c)), _by_key={})


# --- 調査実績 ---------------------------------------------------------------------------


def value_rows_to_findings(
    rows: Sequence[ValueRow], contexts: Sequence[FileContext], master: Master | None
) -> list[tuple[int, Finding]]:
    """Column rules, the measure's limit and decimals, and last year's change, for all rows.

    Takes every file's 調査実績 rows, the files' contexts (by `row.file`) and the
    master (None: no limits, and last year's value as the workbook shows it);
    gives a (file index, finding) pair for each failure.
    """
    if not rows:
        return []
    measures = {m.id: m for m in master.measures} if master else {}
    frame = _value_frame(rows, contexts, master, measures)
    rule = survey_rules()[SURVEY_VALUES]
    failures = frame_failures(_value_schema(rule, master), frame)
    with_error = {f.row for f in failures if f.column == "value" and severity(f.code) == ERROR}
    out = []
    for f in failures:
        if f.code == "large_change" and f.row in with_error:
            continue  # a negative or too large value: the error says enough
        row = rows[f.row]
        out.append((row.file, _value_finding(contexts[row.file], rule, f, row, measures, frame)))
    return out


def _value_frame(
    rows: Sequence[ValueRow],
    contexts: Sequence[FileContext],
    master: Master | None,
    measures: dict[str, Measure],
) -> pd.DataFrame:
    """The rows as a frame, beside each the measure's limit and decimals and last year's value."""
    import pandas as pd

    last_year = {}
    if master is not None:
        last_year = {
            v.key: v.value
            for v in master.measure_values
            if v.status == STATUS_CONFIRMED and v.value is not None
        }

    def previous(row: ValueRow) -> float | None:
        ctx = contexts[row.file]
        if master is None:
            return row.shown_previous
        if ctx.reporter is None or ctx.year is None:
            return None
        return last_year.get((row.measure, ctx.reporter, ctx.year - 1))

    def measure_attr(row: ValueRow, name: str) -> float | None:
        m = measures.get(row.measure)
        value = getattr(m, name) if m is not None else None
        return None if value is None else float(value)

    return pd.DataFrame(
        {
            "measure": pd.array([r.measure for r in rows], dtype="string"),
            "value": pd.array([r.value for r in rows], dtype="float64"),
            "status": pd.array([r.status for r in rows], dtype="string"),
            "note": pd.array([r.note or None for r in rows], dtype="string"),
            "limit": pd.array([measure_attr(r, "max") for r in rows], dtype="float64"),
            "decimals": pd.array([measure_attr(r, "decimals") for r in rows], dtype="float64"),
            "last_year": pd.array([previous(r) for r in rows], dtype="float64"),
        }
    )


def _value_schema(rule: SheetRule, master: Master | None) -> pa.DataFrameSchema:
    """The column rules of 調査実績, the measure's limit and decimals, and last year's change
    beyond the master's threshold (設定)."""
    from sorachi_etl.model.domain import Settings
    from sorachi_etl.model.rules import to_pandera

    # without a master, the threshold a new master's 設定 starts with
    threshold = (master.settings if master else Settings(0, 0)).change_warning_percent
    schema = to_pandera(rule)
    schema.unique = None  # repeated measures are found per file, with both places named
    checks = [
        wide_check(
            "out_of_range",
            "value",
            lambda df: df["limit"].isna() | df["value"].isna() | (df["value"] <= df["limit"]),
        ),
        wide_check(
            "not_integer",
            "value",
            lambda df: (
                df["decimals"].isna()
                | (df["decimals"] > 0)
                | df["value"].isna()
                | (df["value"] % 1 == 0)
            ),
        ),
    ]
    if threshold:
        limit = float(threshold)
        checks.append(
            wide_check(
                "large_change",
                "value",
                lambda df: (
                    df["last_year"].isna()
                    | (df["last_year"] <= 0)
                    | df["value"].isna()
                    | ((df["value"] - df["last_year"]).abs() / df["last_year"] * 100 < limit)
                ),
            )
        )
    schema.checks = checks
    return schema


def _value_finding(
    ctx: FileContext,
    rule: SheetRule,
    f: Failure,
    row: ValueRow,
    measures: dict[str, Measure],
    frame: pd.DataFrame,
) -> Finding:
    """One failure of a 調査実績 row as a finding, with the limit, last year's value or the length."""
    where = {"sheet": SURVEY_VALUES, "item": row.item}
    if f.column == "value" and f.code in ("negative", "out_of_range", "not_integer"):
        m = measures.get(row.measure)
        limit_text = f"{_number(m.max)}{m.unit}" if m and m.max is not None else ""
        return ctx.finding(
            f.code, cell=row.cells["value"], value=row.raw, limit=limit_text, **where
        )
    if f.code == "large_change":
        before = float(frame.at[f.row, "last_year"])
        change = (row.value - before) / before * 100
        return ctx.finding(
            f.code,
            cell=row.cells["value"],
            value=row.raw,
            previous=_number(before),
            change=f"{change:+.0f}%",
            **where,
        )
    if f.column == "note" and f.code == "text_too_long":
        return _too_long(ctx, rule, "note", row.note, cell=row.cells.get("note"), **where)
    return _fallback(ctx, rule, f, row.cells, getattr(row, f.column, ""), where)


def _too_long(ctx: FileContext, rule: SheetRule, column: str, text: str, **where: Any) -> Finding:
    """text_too_long: the start of the text, its length and the column's limit."""
    return ctx.finding(
        "text_too_long",
        value=text[:20] + "…",
        length=len(text),
        limit=rule.column(column).max_length,
        **where,
    )


def _fallback(
    ctx: FileContext,
    rule: SheetRule,
    failure: Failure,
    cells: dict[str, str],
    value: object,
    where: dict[str, Any],
) -> Finding:
    """A rule with no message of its own: a plain one naming the column, never pandera's text."""
    header = next((c.header for c in rule.columns if c.key == failure.column), failure.column)
    return ctx.finding(
        "invalid_value",
        cell=cells.get(failure.column),
        value="" if value is None else value,
        column=header,
        **where,
    )


# --- 取組 ------------------------------------------------------------------------------


def initiative_rows_to_findings(
    rows: Sequence[InitiativeRow], contexts: Sequence[FileContext]
) -> list[tuple[int, Finding]]:
    """Required text, lengths, outcome ≥ 0, dates in the file's fiscal year and in order,
    and one row per title in a file, for the 取組 rows of every file.

    Takes every file's 取組 rows and the files' contexts (by `row.file`); gives a
    (file index, finding) pair for each failure not told elsewhere.
    """
    if not rows:
        return []
    rule = survey_rules()[SURVEY_INITIATIVES]
    frame = _initiative_frame(rows, contexts, rule)
    schema = _initiative_schema(rule)
    first = _first_titles(rows)
    out = []
    for f in frame_failures(schema, frame):
        row = rows[f.row]
        found = _initiative_finding(contexts[row.file], rule, f, row, first)
        if found is not None:
            out.append((row.file, found))
    return out


def _initiative_frame(
    rows: Sequence[InitiativeRow], contexts: Sequence[FileContext], rule: SheetRule
) -> pd.DataFrame:
    """The rows as a frame, beside each its file and the first and last day of its fiscal year."""
    import pandas as pd

    dtypes = {"project": "Int64", "number": "float64"}
    data: dict[str, Any] = {"file": pd.array([r.file for r in rows], dtype="Int64")}
    for col in rule.columns:
        values = [r.values.get(col.key) for r in rows]
        if col.type == "date":
            data[col.key] = pd.to_datetime(pd.Series(values, dtype="object"))
        else:
            data[col.key] = pd.array(values, dtype=dtypes.get(col.type, "string"))
    bounds = [
        fiscal_year_bounds(contexts[r.file].year) if contexts[r.file].year else (None, None)
        for r in rows
    ]
    data["fy_first"] = pd.to_datetime(pd.Series([b[0] for b in bounds], dtype="object"))
    data["fy_last"] = pd.to_datetime(pd.Series([b[1] for b in bounds], dtype="object"))
    return pd.DataFrame(data)


def _initiative_schema(rule: SheetRule) -> pa.DataFrameSchema:
    """The column rules of 取組, recommended text, dates in the fiscal year and in order,
    and one row per title in a file."""
    from sorachi_etl.model.rules import to_pandera

    schema = to_pandera(rule)
    schema.unique = ["file", *rule.key]
    schema.report_duplicates = "exclude_first"
    checks = []
    for col in rule.columns:
        if col.recommended:
            checks.append(
                wide_check("recommended_text", col.key, lambda df, k=col.key: df[k].notna())
            )
        if col.in_fiscal_year:
            checks.append(
                wide_check(
                    "date_outside_year",
                    col.key,
                    lambda df, k=col.key: (
                        df[k].isna()
                        | df["fy_first"].isna()
                        | ((df[k] >= df["fy_first"]) & (df[k] <= df["fy_last"]))
                    ),
                )
            )
    checks.append(
        wide_check(
            "date_order",
            "end_date",
            lambda df: (
                df["start_date"].isna()
                | df["end_date"].isna()
                | (df["end_date"] >= df["start_date"])
            ),
        )
    )
    schema.checks = checks
    return schema


def _first_titles(rows: Sequence[InitiativeRow]) -> dict[tuple[int, str], str]:
    """(file index, title) -> the cell of the first row with that title, for duplicates."""
    first: dict[tuple[int, str], str] = {}
    for r in rows:
        title = r.values.get("title")
        if title:
            first.setdefault((r.file, title), r.cells.get("title", ""))
    return first


def _initiative_finding(
    ctx: FileContext,
    rule: SheetRule,
    f: Failure,
    row: InitiativeRow,
    first: dict[tuple[int, str], str],
) -> Finding | None:
    """One failure of a 取組 row as a finding; None for a failure told another way."""
    column = "title" if f.code == "duplicate" else f.column
    if column == "file" or column in row.unread or column not in row.cells:
        # the other half of the (file, title) key; a cell already reported; a column
        # the sheet lacks (structure_findings names it once, not once per row)
        return None
    header = rule.column(column).header if column in {c.key for c in rule.columns} else ""
    here = {"sheet": SURVEY_INITIATIVES, "cell": row.cells.get(column), "item": header}
    value = row.values.get(column)
    if f.code in ("required_text", "recommended_text"):
        return ctx.finding(f.code, column=header, **here)
    if f.code == "text_too_long":
        return _too_long(ctx, rule, column, str(value), **here)
    if f.code == "negative":
        return ctx.finding(f.code, value=row.raw.get(column, ""), **here)
    if f.code == "duplicate":
        if not value:
            return None  # blank titles are reported as required_text
        return ctx.finding(
            "duplicate_initiative", value=value, first=first[(row.file, value)], **here
        )
    if f.code == "date_outside_year":
        start, end = fiscal_year_bounds(ctx.year)
        return ctx.finding(
            f.code,
            value=ymd(value),
            year=format_fiscal_year_long(ctx.year),
            start=ymd(start),
            end=ymd(end),
            **here,
        )
    if f.code == "date_order":
        return ctx.finding(f.code, value=ymd(value), start=ymd(row.values["start_date"]), **here)
    return _fallback(ctx, rule, f, row.cells, row.raw.get(column, ""), here)


# --- 基本情報 --------------------------------------------------------------------------


def info_rows_to_findings(
    rows: Sequence[InfoRow], contexts: Sequence[FileContext]
) -> list[tuple[int, Finding]]:
    """The contact cells of 基本情報 the rules require, for every file (warnings: not data)."""
    if not rows:
        return []
    import pandas as pd

    from sorachi_etl.model.rules import to_pandera

    rule = _subset(survey_rules()[SURVEY_INFO], lambda c: c.input and c.type == "text")
    frame = pd.DataFrame(
        {c.key: pd.array([r.values.get(c.key) for r in rows], dtype="string") for c in rule.columns}
    )
    out = []
    for f in frame_failures(to_pandera(rule), frame):
        row = rows[f.row]
        ctx = contexts[row.file]
        if f.column not in row.cells:
            continue  # the label itself is missing: structure_findings says so
        header = rule.column(f.column).header
        here = {"sheet": SURVEY_INFO, "cell": row.cells.get(f.column), "item": header}
        if f.code == "required_text":
            found = ctx.finding("info_missing", column=header, **here)
        else:
            found = _fallback(ctx, rule, f, row.cells, row.values.get(f.column), here)
        out.append((row.file, found))
    return out
