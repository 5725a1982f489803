"""Fill a survey workbook as a clerk would: for the demo samples, the benchmark and tests.

Cells are found by header and label text (as the reader finds them), so this
works on any workbook `sorachi-etl template` writes, however staff restyled
the base template.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sorachi_etl.model.names import SURVEY_INFO, SURVEY_INITIATIVES, SURVEY_VALUES
from sorachi_etl.model.rules import find_header_row, fold_header, survey_rules


def _grid(ws) -> list[list[object]]:
    return [list(row) for row in ws.iter_rows(values_only=True)]


def fill_survey(
    path: Path,
    out: Path | None = None,
    *,
    values: Mapping[str, Any] | None = None,
    initiatives: Sequence[Mapping[str, Any]] = (),
    info: Mapping[str, Any] | None = None,
) -> Path:
    """Type into a survey workbook and save it (to `out`, or in place).

    values: measure id -> what is typed into 実績値, or a tuple
        (実績値, 状態[, 備考]); None leaves a cell as it is.
    initiatives: rows for the 取組 table, keyed by schemas/survey.toml keys.
    info: 基本情報 keys (department, person, phone, mail, filled_on) -> value.
    """
    from openpyxl import load_workbook

    wb = load_workbook(path)
    if values:
        _type_values(wb[SURVEY_VALUES], values)
    if initiatives:
        _type_initiatives(wb[SURVEY_INITIATIVES], initiatives)
    if info:
        _type_info(wb[SURVEY_INFO], info)
    target = out or path
    wb.save(target)
    return target


def _type_values(ws, values: Mapping[str, Any]) -> None:
    """実績値, 状態 and 備考 typed into the row of each measure named in `values`."""
    from sorachi_etl.book.xlsx import put

    header, cols = find_header_row(_grid(ws), survey_rules()[SURVEY_VALUES])
    for r in range(header + 1, ws.max_row):
        mid = ws.cell(r + 1, cols["measure"] + 1).value
        if mid not in values:
            continue
        typed = values[mid]
        value, status, note = (
            ((*tuple(typed), None, None))[:3] if isinstance(typed, tuple) else (typed, None, None)
        )
        for key, v in (("value", value), ("status", status), ("note", note)):
            if v is not None:
                put(ws, r + 1, cols[key] + 1, v)


def _type_initiatives(ws, initiatives: Sequence[Mapping[str, Any]]) -> None:
    """The 取組 rows typed one under another from the table's first row."""
    from sorachi_etl.book.xlsx import put

    header, cols = find_header_row(_grid(ws), survey_rules()[SURVEY_INITIATIVES])
    for i, row in enumerate(initiatives):
        for key, v in row.items():
            if v is not None and key in cols:
                put(ws, header + 2 + i, cols[key] + 1, v)


def _type_info(ws, info: Mapping[str, Any]) -> None:
    """基本情報: each value typed right of its label (any spelling the rules know)."""
    from sorachi_etl.book.xlsx import put

    labels = {}
    for col in survey_rules()[SURVEY_INFO].columns:
        for label in (col.header, *col.aliases):
            labels[fold_header(label)] = col.key
    for row in ws.iter_rows():
        for cell in row[:4]:
            key = labels.get(fold_header(cell.value)) if isinstance(cell.value, str) else None
            if key in info:
                put(ws, cell.row, cell.column + 1, info[key])
