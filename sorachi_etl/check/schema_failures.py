"""A pandera schema run over a frame: its failures as (row, column, catalogue code).

pandera's failure cases are mapped back to the row and the rule column they are
about, and to the catalogue code of the rule (rules.check_code), so that the
checking stage words them for a clerk; pandera's own text is never shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sorachi_etl.model.rules import check_code

if TYPE_CHECKING:
    import pandas as pd
    import pandera.pandas as pa

# pandera's own names for the failures that have no check of ours.
_BUILT_IN = {
    "not_nullable": "required_text",
    "multiple_fields_uniqueness": "duplicate",
    "field_uniqueness": "duplicate",
}


@dataclass(frozen=True)
class Failure:
    """One failed rule: the frame row, the column (a rule key) and the catalogue code."""

    row: int
    column: str
    code: str


def frame_failures(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> list[Failure]:
    """Every failure of `frame` against `schema`, once per (row, column, code), in row order.

    Checks that span columns are named "code:column" (see `wide_check`), so a
    failure is told to the cell it is about. A failure that belongs to no row
    (a wrong dtype, a missing column) can only come from a bug in building the
    frame: it raises RuntimeError rather than let a file pass unchecked.
    """
    import pandera.errors as pa_errors

    try:
        schema.validate(frame, lazy=True)
    except pa_errors.SchemaErrors as exc:
        cases = exc.failure_cases.to_dict("records")
    else:
        return []
    out: dict[tuple[int, str, str], Failure] = {}
    for case in cases:
        index, column, check = case.get("index"), case.get("column"), str(case.get("check"))
        if index is None or index != index:  # None or NaN: not about one row
            raise RuntimeError(f"validation of {schema.name} failed outside the rows: {check}")
        if ":" in check and case.get("schema_context") == "DataFrameSchema":
            code, column = check.split(":", 1)
        elif check in _BUILT_IN:
            code = _BUILT_IN[check]
        else:
            code = check_code(schema, column, check, case.get("check_number"))
        key = (int(index), str(column), code)
        out.setdefault(key, Failure(*key))
    return sorted(out.values(), key=lambda f: (f.row, f.column, f.code))


def wide_check(code: str, column: str, ok: Callable[[pd.DataFrame], pd.Series]) -> pa.Check:
    """A check over several columns, reported against `column` with catalogue `code`."""
    import pandera.pandas as pa

    return pa.Check(ok, name=f"{code}:{column}", element_wise=False)
