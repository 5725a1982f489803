"""Column rules from schemas/*.toml, and the pandera schemas built from them.

The rules are plain data (`SheetRule`, `ColumnRule`); `to_pandera()` turns
one into a pandera DataFrameSchema for frames whose columns are the rule keys,
already normalised (numbers as floats, years as ints, statuses as the
canonical words). pandera is imported only there.
"""

from __future__ import annotations

import difflib
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from sorachi_etl.model.resources import schemas_dir

if TYPE_CHECKING:
    import pandera.pandas as pa


@dataclass(frozen=True)
class ColumnRule:
    key: str
    header: str
    type: str = "text"
    required: bool = False
    recommended: bool = False  # blank is a warning, not an error
    unique: bool = False
    choices: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    max_length: int | None = None
    aliases: tuple[str, ...] = ()
    width: float | None = None
    input: bool = False
    locked: bool = False
    in_fiscal_year: bool = False
    prompt: tuple[str, str] | None = None
    unit_from: str | None = None  # the column (of the same row) naming the unit of its numbers
    absent_ok: bool = False  # a master may lack the column (read as blank; never written there)


@dataclass(frozen=True)
class SheetRule:
    name: str
    columns: tuple[ColumnRule, ...]
    layout: str = "table"  # "table" (header row + rows) or "keyvalue" (label | value)
    key: tuple[str, ...] = ()
    table: str | None = None  # Excel table name in the survey workbook
    blank_rows: int = 0
    log: bool = False
    staff: bool = False  # staff's own sheet: written only when new, never rewritten
    width: tuple[float, ...] = ()
    _by_key: dict[str, ColumnRule] = field(default_factory=dict, compare=False, repr=False)

    def column(self, key: str) -> ColumnRule:
        if not self._by_key:
            self._by_key.update({c.key: c for c in self.columns})
        return self._by_key[key]

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


def _column(raw: dict[str, Any]) -> ColumnRule:
    values = dict(raw)
    for name in ("choices", "aliases", "prompt"):
        if name in values:
            values[name] = tuple(values[name])
    return ColumnRule(**values)


@cache
def load_rules(name: str) -> dict[str, SheetRule]:
    """Rules of one schema file ("master" or "survey"), by sheet name."""
    with open(schemas_dir() / f"{name}.toml", "rb") as fh:
        data = tomllib.load(fh)
    rules = {}
    for sheet, spec in data["sheets"].items():
        spec = dict(spec)
        columns = tuple(_column(c) for c in spec.pop("columns"))
        for name_ in ("key", "width"):
            if name_ in spec:
                spec[name_] = tuple(spec[name_])
        rules[sheet] = SheetRule(name=sheet, columns=columns, **spec)
    return rules


def master_rules() -> dict[str, SheetRule]:
    return load_rules("master")


def survey_rules() -> dict[str, SheetRule]:
    return load_rules("survey")


# --- matching headers typed by people --------------------------------------------


_FOLDED: dict[str, str] = {}


# How the survey marks a required column in its header: 取組名（必須）.
REQUIRED_MARK = "（必須）"
_MARKS = ("(必須)", "※", "*")


def fold_header(text: object) -> str:
    """Compare headers ignoring width, spaces, brackets' width, line breaks and a required mark."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    folded = _FOLDED.get(text)
    if folded is None:  # every workbook repeats the same few labels: fold each once
        s = unicodedata.normalize("NFKC", text)
        folded = "".join(s.split()).replace("（", "(").replace("）", ")")
        for mark in _MARKS:
            if folded.endswith(mark) and len(folded) > len(mark):
                folded = folded[: -len(mark)]
        if len(_FOLDED) < 100_000:
            _FOLDED[text] = folded
    return folded


_WANTED: dict[int, tuple[SheetRule, dict[str, str]]] = {}


def label_keys(rule: SheetRule) -> dict[str, str]:
    """Folded header and alias labels of a rule -> the column key.

    Cached by identity: hashing a frozen rule hashes all its columns, on every call.
    """
    entry = _WANTED.get(id(rule))
    if entry is None or entry[0] is not rule:
        wanted: dict[str, str] = {}
        for col in rule.columns:
            for label in (col.header, *col.aliases):
                wanted.setdefault(fold_header(label), col.key)
        entry = _WANTED[id(rule)] = (rule, wanted)
    return entry[1]


def match_headers(row: list[object], rule: SheetRule) -> dict[str, int]:
    """Map rule keys to column indexes for a header row (by header text or alias)."""
    wanted = label_keys(rule)
    found: dict[str, int] = {}
    for index, cell in enumerate(row):
        if cell is None or cell == "":
            continue
        key = wanted.get(cell) or wanted.get(fold_header(cell))  # most are typed as given
        if key and key not in found:
            found[key] = index
    return found


def find_header_row(
    rows: list[list[object]], rule: SheetRule, *, search: int = 30
) -> tuple[int, dict[str, int]] | None:
    """The first row (within `search` rows) holding most of the rule's headers."""
    needed = [c.key for c in rule.columns if c.required] or [rule.columns[0].key]
    best: tuple[int, dict[str, int]] | None = None
    for r, row in enumerate(rows[:search]):
        found = match_headers(row, rule)
        if all(k in found for k in needed) and (best is None or len(found) > len(best[1])):
            best = (r, found)
            if len(found) == len(rule.columns):
                break  # no later row can hold more
    return best


def did_you_mean(word: str, candidates: list[str]) -> str | None:
    """The closest candidate to a misspelt sheet or header name, if any is close."""
    folded = {fold_header(c): c for c in candidates}
    hits = difflib.get_close_matches(fold_header(word), list(folded), n=1, cutoff=0.5)
    return folded[hits[0]] if hits else None


# --- pandera ------------------------------------------------------------------------

# Dates and lists are checked by the normaliser; pandera leaves their dtype alone.
_DTYPES = {
    "int": "Int64",
    "number": "float64",
    "fiscal_year": "Int64",
    "text": "string",
    "status": "string",
    "list": None,
    "date": None,
    "datetime": None,
    "project": "Int64",
}


def to_pandera(rule: SheetRule, *, extra_columns: bool = True) -> pa.DataFrameSchema:
    """A pandera schema for a normalised frame of `rule` (columns named by rule keys).

    Each check is named by the catalogue code it stands for; pandera reports
    built-in checks by their own names, so `check_code()` maps a failure case
    back to that code through the column's metadata.
    """
    import pandera.pandas as pa

    columns = {}
    for col in rule.columns:
        checks = []
        if col.min is not None:
            checks.append(pa.Check.ge(col.min, name="negative" if col.min == 0 else "out_of_range"))
        if col.max is not None:
            checks.append(pa.Check.le(col.max, name="out_of_range"))
        if col.choices:
            # a text cell left blank reads as "": allowed where the column is optional
            allowed = list(col.choices) + ([] if col.required else [""])
            checks.append(pa.Check.isin(allowed, name="not_in_choices"))
        if col.max_length is not None:
            checks.append(pa.Check.str_length(max_value=col.max_length, name="text_too_long"))
        if col.required and col.type in ("text", "status"):
            checks.append(pa.Check.str_length(min_value=1, name="required_text"))
        columns[col.key] = pa.Column(
            _DTYPES.get(col.type),
            checks=checks,
            nullable=not col.required,
            required=False,
            unique=col.unique,
            coerce=False,
            metadata={"codes": [c.name for c in checks]},
        )
    unique = list(rule.key) if len(rule.key) > 0 and rule.layout == "table" else None
    return pa.DataFrameSchema(columns, strict=not extra_columns, unique=unique, name=rule.name)


def check_code(
    schema: pa.DataFrameSchema, column: str | None, check: str, check_number: object
) -> str:
    """The catalogue code of one pandera failure case (its check, by number)."""
    if check in ("not_nullable", "field_uniqueness", "multiple_fields_uniqueness") or not column:
        return check
    col = schema.columns.get(column)
    codes = (col.metadata or {}).get("codes", []) if col is not None else []
    try:
        return codes[int(check_number)]
    except (TypeError, ValueError, IndexError):
        return check
