"""A returned survey workbook (調査票) as raw cells, located by header and label text.

`workbook_to_survey()` takes what `read.read_workbook()` gives and finds the
parts of a survey the way a person would: the 調査実績 and 取組 tables by
their header row (anywhere in the first rows, in any column order), 基本情報
and _meta by their label cells. Nothing is normalised or validated here: each
value is kept as read, with its 0-based row and column, so the validator can
say exactly which cell is wrong. What is missing (a sheet, a column, a label)
is listed with a "did you mean" hint when a near miss is there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sorachi_etl.model.cells import a1
from sorachi_etl.model.findings import Finding, finding
from sorachi_etl.model.messages import message, phrase
from sorachi_etl.model.names import (
    SURVEY_GUIDE,
    SURVEY_INFO,
    SURVEY_INITIATIVES,
    SURVEY_META,
    SURVEY_VALUES,
)
from sorachi_etl.model.rules import (
    SheetRule,
    did_you_mean,
    find_header_row,
    fold_header,
    label_keys,
    match_headers,
    survey_rules,
)

if TYPE_CHECKING:
    from sorachi_etl.intake.read import WorkbookData

# How far right a label of a label | value sheet may have been moved.
LABEL_COLUMNS = 6
# How far down a table's header row may have been moved.
HEADER_SEARCH = 30
# Rows a table of a return may hold, beyond what any real return reaches (one initiative
# per row; one row per measure, and a margin for rows a clerk added): a longer table
# is refused before any per-row work, instead of growing the master thirtyfold.
MAX_INITIATIVE_ROWS = 200
MEASURE_ROW_MARGIN = 50


def row_caps(measures: int) -> dict[str, int]:
    """The most data rows each table may hold, for a survey of `measures` measures."""
    return {SURVEY_VALUES: measures + MEASURE_ROW_MARGIN, SURVEY_INITIATIVES: MAX_INITIATIVE_ROWS}


@dataclass(slots=True)
class RawCell:
    """A value as read, and where: 0-based row and column on the sheet."""

    value: object
    row0: int
    col0: int

    @property
    def cell(self) -> str:
        """The A1 reference, e.g. "E7"."""
        return a1(self.row0, self.col0)

    @property
    def blank(self) -> bool:
        return is_blank(self.value)


@dataclass(frozen=True)
class Missing:
    """A sheet, column or label the workbook lacks; `hint` is the near miss found, if any."""

    sheet: str
    column: str | None = None  # None: the whole sheet is missing
    hint: str | None = None
    required: bool = True


@dataclass
class Survey:
    """The raw content of one returned survey workbook.

    info: 基本情報 key (rule key: "reporter", "year", …) -> the value cell.
    meta: _meta key (rule key: "template_version", "year", "reporter",
        "measures") -> the raw value.
    value_rows / initiative_rows: one dict per non-blank data row of the
        調査実績 / 取組 table, rule key -> cell, for every column found (blank
        cells included, so a missing value still has a place).
    header_rows / columns: where each table's header row is and, per rule key,
        its 0-based column.
    """

    info: dict[str, RawCell] = field(default_factory=dict)
    meta: dict[str, object] = field(default_factory=dict)
    value_rows: list[dict[str, RawCell]] = field(default_factory=list)
    initiative_rows: list[dict[str, RawCell]] = field(default_factory=list)
    header_rows: dict[str, int] = field(default_factory=dict)
    columns: dict[str, dict[str, int]] = field(default_factory=dict)
    missing: list[Missing] = field(default_factory=list)
    sheet_states: dict[str, str] = field(default_factory=dict)
    date1904: bool = False
    other_sheets: list[str] = field(default_factory=list)  # sheets that are not the survey's
    # a header of an input column found twice in a table: (sheet, header, first A1, second A1)
    repeated: list[tuple[str, str, str, str]] = field(default_factory=list)
    # data rows below where a table was taken to end (a note beside a blank row): sheet -> A1
    unread_below: dict[str, str] = field(default_factory=dict)
    # tables with more data rows than allowed: sheet -> (rows found, first row0 past the cap);
    # their rows are not collected
    overflow: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def missing_sheets(self) -> list[Missing]:
        return [m for m in self.missing if m.column is None]

    @property
    def missing_columns(self) -> list[Missing]:
        return [m for m in self.missing if m.column is not None]

    @property
    def is_survey(self) -> bool:
        """False when none of the survey's sheets is there: some other workbook was sent."""
        return bool(self.sheet_states.keys() - {SURVEY_INITIATIVES})

    def not_survey_reason(self) -> str:
        """Why `is_survey` is False, in Japanese, for the not_survey message."""
        return phrase("not_survey_sheets", info=SURVEY_INFO, values=SURVEY_VALUES)

    def structure_findings(self, file: str = "") -> list[Finding]:
        """Missing sheets, and missing columns or labels the validator reads, as findings."""
        out = []
        rules = survey_rules()
        for m in self.missing:
            hint = message("hint_did_you_mean", name=m.hint) if m.hint else ""
            if m.column is None and not m.hint and self.other_sheets:
                shown = "」「".join(self.other_sheets[:5])
                hint = phrase("hint_other_sheets", sheets=shown)
            if m.column is None and m.sheet == SURVEY_META:
                out.append(finding("missing_meta", file=file))
                continue
            if m.column is None:
                out.append(finding("missing_sheet", file=file, sheet=m.sheet, hint=hint))
                continue
            if m.sheet == SURVEY_META:
                continue  # identity checks compare _meta with 基本情報 and the file name
            col = next(c for c in rules[m.sheet].columns if c.header == m.column)
            if col.required or col.input:
                out.append(
                    finding("missing_column", file=file, sheet=m.sheet, column=m.column, hint=hint)
                )
        for sheet, cell in self.unread_below.items():
            out.append(finding("rows_after_gap", file=file, sheet=sheet, cell=cell))
        for sheet, header, first, second in self.repeated:
            out.append(
                finding(
                    "duplicate_column",
                    file=file,
                    sheet=sheet,
                    cell=second,
                    column=header,
                    first=first,
                    second=second,
                )
            )
        return out


_EMPTY = frozenset(("", None))


def is_blank(value: object) -> bool:
    """None, "" or only spaces (calamine reads an empty cell as "")."""
    return value is None or (isinstance(value, str) and not value.strip())


def workbook_to_survey(wb: WorkbookData, caps: dict[str, int] | None = None) -> Survey:
    """Locate the parts of a survey workbook; keep every value raw.

    `caps` gives the most data rows a table may hold (see `row_caps`); a table
    with more is noted in `Survey.overflow` and its rows are not collected.
    """
    rules = survey_rules()
    survey = Survey(date1904=bool(getattr(wb, "date1904", False)))
    present = list(getattr(wb, "sheet_names", None) or wb.sheets)  # read or not
    survey.other_sheets = [
        n
        for n in present
        if n not in (SURVEY_GUIDE, SURVEY_INFO, SURVEY_VALUES, SURVEY_INITIATIVES, SURVEY_META)
    ]
    for name in (SURVEY_INFO, SURVEY_VALUES, SURVEY_INITIATIVES, SURVEY_META):
        sheet = wb.sheets.get(name)
        if sheet is None:
            survey.missing.append(Missing(name, hint=_near(name, present)))
            continue
        survey.sheet_states[name] = getattr(sheet, "state", "visible")
        rule = rules[name]
        if rule.layout == "keyvalue":
            cells = keyvalue_cells(sheet.rows, rule, survey.missing)
            if name == SURVEY_META:
                survey.meta = {k: c.value for k, c in cells.items()}
            else:
                survey.info = cells
            continue
        cap = (caps or {}).get(name)
        found = table_rows(sheet.rows, rule, survey.missing, cap)
        if found is None:
            continue
        header, columns, rows = found
        if cap is not None and len(rows) > cap:
            survey.overflow[name] = (len(rows), rows[cap][next(iter(rows[cap]))].row0)
            rows = []
        survey.header_rows[name] = header
        survey.columns[name] = columns
        survey.repeated += _repeated_inputs(sheet.rows[header], header, rule, columns)
        below = _row_below_the_end(
            sheet.rows, rows[-1][next(iter(rows[-1]))].row0 if rows else header, columns
        )
        if below is not None and name not in survey.overflow:
            survey.unread_below[name] = below
        if name == SURVEY_VALUES:
            survey.value_rows = rows
        else:
            survey.initiative_rows = rows
    return survey


def _row_below_the_end(grid: list[list[object]], last: int, columns: dict[str, int]) -> str | None:
    """The first cell of a row that looks like data (two cells or more in the table's
    columns) below the last row read, where a note beside a blank row ended the table:
    told, never dropped without a word. None when there is none (a note under the table
    is one cell)."""
    lo, hi = min(columns.values()), max(columns.values())
    for r in range(last + 1, len(grid)):
        inside = grid[r][lo : hi + 1]
        if _EMPTY.issuperset(inside):
            continue
        if sum(1 for v in inside if not is_blank(v)) >= 2:
            return a1(r, lo)
    return None


def _repeated_inputs(
    row: list[object], row0: int, rule: SheetRule, columns: dict[str, int]
) -> list[tuple[str, str, str, str]]:
    """Input columns whose header stands twice in the header row (a column a clerk copied to
    keep old figures beside new ones): only the first is read, so which one was meant is
    told, never guessed."""
    wanted = label_keys(rule)
    inputs = {c.key: c.header for c in rule.columns if c.input}
    out = []
    for index, cell in enumerate(row):
        if is_blank(cell):
            continue
        key = wanted.get(fold_header(cell))
        if key in inputs and columns.get(key) not in (None, index):
            out.append((rule.name, inputs[key], a1(row0, columns[key]), a1(row0, index)))
    return out


def _near(word: str, candidates: list[str]) -> str | None:
    return did_you_mean(word, [c for c in candidates if c != word])


def keyvalue_cells(
    grid: list[list[object]], rule: SheetRule, missing: list[Missing]
) -> dict[str, RawCell]:
    """Label | value rows: rule key -> the cell right of its label (first label wins)."""
    labels = label_keys(rule)
    found: dict[str, RawCell] = {}
    texts: list[str] = []
    for r, line in enumerate(grid):
        for c, value in enumerate(line[:LABEL_COLUMNS]):
            if not isinstance(value, str) or not value or value.isspace():
                continue
            key = labels.get(value) or labels.get(fold_header(value))  # most as typed
            if key is None:
                texts.append(value)
            elif key not in found:
                found[key] = RawCell(line[c + 1] if c + 1 < len(line) else None, r, c + 1)
    for col in rule.columns:
        if col.key not in found:
            missing.append(Missing(rule.name, col.header, _near(col.header, texts), col.required))
    return found


def table_rows(
    grid: list[list[object]], rule: SheetRule, missing: list[Missing], cap: int | None = None
) -> tuple[int, dict[str, int], list[dict[str, RawCell]]] | None:
    """The header row, the columns found and the data rows of a table sheet.

    Data rows run from under the header down; fully blank rows are skipped, and
    the table area ends at a row whose only content lies outside the table's
    columns (a note under the table). Columns the rule has but the header lacks
    are added to `missing`; without the required ones, nothing is read (None).
    Past `cap` data rows, the rows are only counted: each further one is the
    same empty-handed placeholder, holding the first cell of the first row past
    the cap (so a table of 38,000 rows costs no per-row work).
    """
    found = find_header_row(grid, rule, search=HEADER_SEARCH)
    if found is None:
        best = max(
            range(min(len(grid), HEADER_SEARCH)),
            key=lambda r: len(match_headers(grid[r], rule)),
            default=None,
        )
        columns = match_headers(grid[best], rule) if best is not None else {}
        texts = [str(v) for v in (grid[best] if best is not None else []) if not is_blank(v)]
        _missing_columns(rule, columns, texts, missing)
        return None
    header, columns = found
    texts = [str(v) for v in grid[header] if not is_blank(v)]
    _missing_columns(rule, columns, texts, missing)
    lo, hi = min(columns.values()), max(columns.values())
    rows: list[dict[str, RawCell]] = []
    for r in range(header + 1, len(grid)):
        line = grid[r]
        inside = line[lo : hi + 1]
        # calamine gives "" for an empty cell: a set test answers for most rows at C speed
        if _EMPTY.issuperset(inside) or all(is_blank(v) for v in inside):
            if not _EMPTY.issuperset(line) and any(not is_blank(v) for v in line):
                break
            continue
        if cap is not None and len(rows) > cap:
            rows.append(rows[cap])  # past the cap: counted, not collected
            continue
        rows.append(
            {key: RawCell(line[c] if c < len(line) else None, r, c) for key, c in columns.items()}
        )
    return header, columns, rows


def _missing_columns(
    rule: SheetRule, columns: dict[str, int], texts: list[str], missing: list[Missing]
) -> None:
    if all(col.key in columns for col in rule.columns):
        return  # the usual case: nothing to hint at
    labels = {fold_header(h) for c in rule.columns for h in (c.header, *c.aliases)}
    spare = [t for t in texts if fold_header(t) not in labels]
    for col in rule.columns:
        if col.key not in columns:
            missing.append(Missing(rule.name, col.header, _near(col.header, spare), col.required))
