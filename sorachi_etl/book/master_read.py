"""Read the master workbook's data sheets into a `Master`, normalising every cell.

A master is edited by hand in Excel, so reading it is checking it: each cell is
normalised by its column rule (schemas/master.toml), what cannot be read (a
missing sheet or column, a merged range over the table, a key typed twice, a
cell that is not what its column holds) becomes a Japanese message naming the
sheet and cell, and any error stops the run with a `MasterError` listing them;
the master is never half read. `check_rows` validates a sheet's rows with
pandera; `master_check` runs it and checks the references between sheets.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from sorachi_etl.model import domain, eras
from sorachi_etl.model.cells import a1
from sorachi_etl.model.errors import MasterError
from sorachi_etl.model.findings import Finding, finding
from sorachi_etl.model.messages import message, phrase
from sorachi_etl.model.names import (
    KIND_BY_LABEL,
    SHEET_ANALYSIS_NOTES,
    SHEET_BUSINESSES,
    SHEET_IMPORT_LOG,
    SHEET_INITIATIVES,
    SHEET_KPI_VALUES,
    SHEET_KPIS,
    SHEET_MEASURE_VALUES,
    SHEET_MEASURES,
    SHEET_PROJECTS,
    SHEET_REPORTERS,
    SHEET_SETTINGS,
    workbook_role,
)
from sorachi_etl.model.rules import (
    SheetRule,
    did_you_mean,
    find_header_row,
    fold_header,
    master_rules,
)
from sorachi_etl.model.text import has_control, raw_text

# sheet -> dataclass its rows become
ROW_TYPES: dict[str, type] = {
    SHEET_PROJECTS: domain.Project,
    SHEET_REPORTERS: domain.Reporter,
    SHEET_MEASURES: domain.Measure,
    SHEET_KPIS: domain.Kpi,
    SHEET_MEASURE_VALUES: domain.MeasureValue,
    SHEET_KPI_VALUES: domain.KpiValue,
    SHEET_INITIATIVES: domain.Initiative,
    SHEET_BUSINESSES: domain.Business,
    SHEET_ANALYSIS_NOTES: domain.AnalysisNote,
    SHEET_IMPORT_LOG: domain.LogEntry,
}
MASTER_FIELD = {
    SHEET_PROJECTS: "projects",
    SHEET_REPORTERS: "reporters",
    SHEET_MEASURES: "measures",
    SHEET_KPIS: "kpis",
    SHEET_MEASURE_VALUES: "measure_values",
    SHEET_KPI_VALUES: "kpi_values",
    SHEET_INITIATIVES: "initiatives",
    SHEET_BUSINESSES: "businesses",
    SHEET_ANALYSIS_NOTES: "analysis_notes",
    SHEET_IMPORT_LOG: "log",
}
# What to type instead, by the code of what a cell could not be read as (the catalogue's
# hint_<code> sentences, said after master_bad_value).
_HINTS = frozenset(
    {
        "not_a_number",
        "not_integer",
        "bad_fiscal_year",
        "bad_date",
        "unknown_status",
        "excel_error",
        "formula_text",
        "unit_mismatch",
        "no_cached_value",
    }
)


def _hint(code: str | None, **values: object) -> str:
    return message(f"hint_{code}", **values) if code in _HINTS else ""


@dataclasses.dataclass
class SheetRows:
    """A data sheet after normalising: rows of values keyed by rule key, with their sheet row."""

    rule: SheetRule
    rows: list[dict[str, Any]]
    row_numbers: list[int]  # zero-based sheet row of each entry in rows
    columns: dict[str, int]  # rule key -> zero-based column
    header_row: int | None = None  # zero-based row of the headers (a table sheet's)
    key_rows: dict[str, int] = dataclasses.field(default_factory=dict)  # keyvalue: key -> row
    # warnings: text cells that held characters the tool removes (control characters)
    notices: list[Finding] = dataclasses.field(default_factory=list)


# Units of the measures and KPIs, for the columns whose numbers are in them
# (`unit_from` in schemas/master.toml): "measure" -> {measure id: unit}, "kpi" -> {...}.
Units = dict[str, dict[str, str]]


# A sheet's merged ranges as python-calamine gives them: ((row, col), (row, col)), zero-based.
Merges = list[tuple[tuple[int, int], tuple[int, int]]]


def read_sheets(
    path: Path, data: bytes | None = None, merges: dict[str, Merges] | None = None
) -> tuple[dict[str, list[list[object]]], list[str]]:
    """All sheets of a workbook as grids of values (python-calamine), and the sheet order.

    `merges`, when given, is filled with each master sheet's merged ranges.

    From `data`, the file's bytes, when the caller has read them already.
    """
    import io

    from python_calamine import CalamineWorkbook

    try:
        if data is not None:
            wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        else:
            wb = CalamineWorkbook.from_path(str(path))
        grids = {}
        for name in wb.sheet_names:
            if name in master_rules():
                sheet = wb.get_sheet_by_name(name)
                grids[name] = sheet.to_python(skip_empty_area=False)
                if merges is not None:
                    merges[name] = list(sheet.merged_cell_ranges or [])
        names = list(wb.sheet_names)
    except Exception as exc:  # calamine raises several kinds; all mean "cannot open"
        kind = _not_a_workbook(path, data)
        if kind and path.suffix.lower() not in (".xlsx", ".xlsm", ".xls", ".ods"):
            # memo.txt, a PDF…: a wrong file given, not a broken master
            raise MasterError("master_not_master", name=path.name, detail=kind) from None
        raise MasterError(
            "master_unreadable", name=path.name, detail=kind or "Excelブックとして読めません"
        ) from exc
    except BaseException as exc:  # pyo3 PanicException derives from BaseException
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        raise MasterError(
            "master_unreadable", name=path.name, detail="ファイルが壊れています"
        ) from exc
    _show_errors(grids, path, data)
    return grids, names


class Uncalculated(str):
    """A formula whose result the file does not hold (written by a program, never
    calculated): calamine reads it as ''. Its text is the formula, for the message."""


def _show_errors(grids: dict[str, list[list[object]]], path: Path, data: bytes | None) -> None:
    """Put back the errors (#REF!, #DIV/0!) that cells show, and the formulas never
    calculated, which calamine reads as ''.

    Read as blank, a published value whose formula broke became 集計中 without a
    word. Only a sheet whose XML holds t="e" or a formula is scanned.
    """
    from sorachi_etl.intake.archive import Package
    from sorachi_etl.intake.read import ExcelError
    from sorachi_etl.intake.sheetxml import scan_sheet

    try:
        package = Package(data if data is not None else path.read_bytes())
        if package.kind() not in ("xlsx", "xlsm"):
            return  # an .ods or .xls: calamine gives the value stored beside the error
        for sheet in package.workbook_parts().sheets:
            if sheet.name in grids and sheet.part:
                xml = package.read(sheet.part) or b""
                if not any(m in xml for m in (b'"e"', b"'e'", b"<f", b":f")):
                    continue
                grid = grids[sheet.name]
                facts = scan_sheet(xml, sheet.name, package.limits)
                for (r, c), text in facts.errors.items():
                    if r < len(grid) and c < len(grid[r]) and grid[r][c] == "":
                        grid[r][c] = ExcelError(text)
                for r, c in facts.no_cached_value:
                    if r < len(grid) and c < len(grid[r]) and grid[r][c] == "":
                        formula = facts.formulas.get((r, c), "")
                        grid[r][c] = Uncalculated("=" + formula.lstrip("="))
    except Exception:  # the values calamine read stand; the file opened, so rarely met
        return


def _not_a_workbook(path: Path, data: bytes | None = None) -> str | None:
    """What a file that calamine cannot open is, in a clerk's words, when it is no workbook."""
    from sorachi_etl.intake.sniff import KIND_LABELS, sniff_bytes, sniff_kind

    try:
        kind = sniff_bytes(data) if data is not None else sniff_kind(path)
    except OSError:
        return None
    if kind in ("xlsx", "xlsm", "xlsb", "xls", "ods", "encrypted", "broken"):
        return None
    return "中身はExcelブックではなく" + KIND_LABELS.get(kind, "形式が分からないファイル") + "です"


def master_role_error(path: Path, sheet_names: list[str]) -> MasterError | None:
    """The error for a workbook given as the master that is none: a survey, or any other
    workbook without one of the master's sheets (one line, not one per missing sheet)."""
    if workbook_role(sheet_names) == "survey":
        return MasterError("master_is_survey", name=path.name)
    if not set(sheet_names) & set(master_rules()):
        return MasterError("master_not_master", name=path.name, detail="マスタのシートがありません")
    return None


def grid_to_rows(
    grid: list[list[object]],
    rule: SheetRule,
    findings: list[Finding],
    units: Units | None = None,
) -> SheetRows:
    """Normalise a sheet grid by its rule; problems are appended to `findings`.

    Every column of the rule must be there (found by its header or an alias),
    except one marked `absent_ok`: a renamed or deleted column is a finding,
    never read as empty. A row whose columns of the rule are all blank is no
    row, whatever staff typed beside it. Numbers typed with a unit are read in
    the unit of their row (`unit_from`; `units` gives those of the measures and
    KPIs): 「7,468千人」 in a 千人 KPI is 7468.
    """
    if rule.layout == "keyvalue":
        return _keyvalue_rows(grid, rule, findings)
    header = find_header_row(grid, rule)
    if header is None and len(grid) > 30:  # sorted down past where headers are looked for
        header = find_header_row(grid, rule, search=len(grid))
    if header is not None and _data_above(grid, *header):
        # a sort that took the header row with it: every row above would be no row
        findings.append(
            finding(
                "master_header_moved",
                sheet=rule.name,
                row=header[0] + 1,
                count=_data_above(grid, *header),
            )
        )
        return SheetRows(rule, [], [], {})
    if header is None:
        first = grid[0] if grid else []
        present = [str(c) for c in first if c not in (None, "")]
        for col in rule.columns:
            if col.required and fold_header(col.header) not in {fold_header(p) for p in present}:
                _missing_column(rule, col.header, present, findings)
        return SheetRows(rule, [], [], {})
    header_row, columns = header
    _check_all_columns(rule, grid[header_row], columns, findings)
    reader = _RowReader(rule, columns, _unit_finders(rule, columns, units or {}), findings)
    used = list(columns.values())
    rows, numbers = [], []
    for r in range(header_row + 1, len(grid)):
        line = grid[r]
        width = len(line)
        if all(line[c] in (None, "") for c in used if c < width):
            continue
        rows.append(reader.row(line, r))
        numbers.append(r)
    return SheetRows(rule, rows, numbers, columns, header_row=header_row, notices=reader.notices)


def _data_above(grid: list[list[object]], header_row: int, columns: dict[str, int]) -> int:
    """How many rows above the header hold two or more cells of the table's columns
    (a title typed above the table holds one)."""
    used = list(columns.values())
    count = 0
    for line in grid[:header_row]:
        filled = sum(1 for c in used if c < len(line) and line[c] not in (None, ""))
        count += filled >= 2
    return count


class _RowReader:
    """One data row of a master sheet as its rule reads it; a finding for each cell it cannot.

    A master of 1,741 reporters repeats the same names, years and statuses thousands
    of times: each distinct cell is converted once (`memo`).
    """

    def __init__(
        self,
        rule: SheetRule,
        columns: dict[str, int],
        unit_of: dict[str, Any],
        findings: list[Finding],
    ) -> None:
        from sorachi_etl.check.normalize import convert_cell

        self.rule, self.columns, self.unit_of, self.findings = rule, columns, unit_of, findings
        self.memo: dict[tuple[str, type, object], tuple[Any, str | None]] = {}
        self.convert_cell = convert_cell
        self.notices: list[Finding] = []
        self.text_keys = frozenset(c.key for c in rule.columns if c.type == "text")

    def row(self, line: list[object], r: int) -> dict[str, Any]:
        # the hot loop of reading a master: names bound once, the memo looked up inline
        columns, unit_of, memo = self.columns, self.unit_of, self.memo
        convert_cell = self.convert_cell
        width = len(line)
        row: dict[str, Any] = {}
        for col in self.rule.columns:
            c = columns.get(col.key)
            value = line[c] if c is not None and c < width else None
            unit = None
            if col.key in unit_of and isinstance(value, str):
                unit = unit_of[col.key](line)
                converted, code = _number_in_unit(value, unit, col.type)
            else:
                key = (col.type, type(value), value)
                try:
                    converted, code = memo[key]
                except KeyError:
                    converted, code = memo[key] = convert_cell(value, col.type)
                except TypeError:  # an unhashable value
                    converted, code = convert_cell(value, col.type)
            if value.__class__ is not str and isinstance(value, str):  # never text to print
                if value.__class__ is Uncalculated:
                    code = "no_cached_value"
                elif col.key in self.text_keys:
                    code = "excel_error"  # an ExcelError (#N/A shown)
            if isinstance(converted, list):
                converted = list(converted)  # every row its own list
            elif value.__class__ is str and col.key in self.text_keys and has_control(value):
                # removed by reading (clean_text): said, as for a return's cells
                self.notices.append(removed_chars(self.rule.name, a1(r, c), col.header))
            if code:
                self.bad_value(col, r, c, value, code, unit)
            elif col.choices and converted not in (None, "") and converted not in col.choices:
                # Told here too: the quick commands skip the pandera pass, and a 方向
                # typed 「下降」 would otherwise print the rate of 上昇 without a word.
                self.findings.append(
                    finding(
                        "master_not_in_choices",
                        sheet=self.rule.name,
                        cell=a1(r, c),
                        value=value,
                        column=col.header,
                        choices="「" + "」「".join(col.choices) + "」",
                    )
                )
            elif (col.min is not None or col.max is not None) and _outside(converted, col):
                # a target typed -5 printed a progress rate of -402400.0%
                self.findings.append(
                    finding(
                        "master_out_of_range",
                        sheet=self.rule.name,
                        cell=a1(r, c),
                        value=raw_text(value),
                        column=col.header,
                        limit=_limit(col),
                    )
                )
            elif col.required and converted in (None, "", []) and not self.rule.log:
                # Told here, not only by the pandera pass: the quick commands (status,
                # report, publish) skip that pass, and a row without its year or
                # reporter cannot be built into the domain model.
                self.findings.append(
                    finding(
                        "master_required",
                        sheet=self.rule.name,
                        cell=a1(r, c) if c is not None else None,
                        column=col.header,
                    )
                )
            row[col.key] = converted
        return row

    def bad_value(
        self, col: Any, r: int, c: int | None, value: object, code: str, unit: str | None
    ) -> None:
        hint = _hint(code)
        if code == "unit_mismatch" and unit:
            hint = message("hint_unit_of_row", unit=unit)
        shown = eras.shown_date(value) if col.type in ("number", "int", "project") else None
        if shown is not None:  # a number shown as a date: the cell's format, not the figure
            hint = message("hint_date_format")
        self.findings.append(
            finding(
                "master_bad_value",
                sheet=self.rule.name,
                cell=a1(r, c),
                value=shown if shown is not None else raw_text(value),  # 6, not 6.0
                column=col.header,
                hint=hint,
            )
        )


def _missing_column(
    rule: SheetRule, header: str, present: list[str], findings: list[Finding]
) -> None:
    hint = did_you_mean(header, present)
    findings.append(
        finding(
            "master_missing_column",
            sheet=rule.name,
            column=header,
            hint=message("hint_header_back", near=hint, header=header)
            if hint
            else message("hint_header_restore"),
        )
    )


def _check_all_columns(
    rule: SheetRule, header_line: list[object], columns: dict[str, int], findings: list[Finding]
) -> None:
    """A finding for each column of the rule the header row lacks (but `absent_ok` ones)."""
    taken = set(columns.values())
    others = [str(v) for c, v in enumerate(header_line) if c not in taken and v not in (None, "")]
    for col in rule.columns:
        if col.key not in columns and not col.absent_ok:
            _missing_column(rule, col.header, others, findings)


def _unit_finders(rule: SheetRule, columns: dict[str, int], units: Units) -> dict[str, Any]:
    """Column key -> a function giving the unit of its number in a grid line."""
    out: dict[str, Any] = {}
    for col in rule.columns:
        source = col.unit_from
        if not source or source not in columns:
            continue
        c = columns[source]
        by_id = units.get(source)

        def unit(line: list[object], c: int = c, by_id: dict[str, str] | None = by_id) -> str:
            value = line[c] if c < len(line) else None
            text = "" if value is None else str(value).strip()
            return by_id.get(text, "") if by_id is not None else text

        out[col.key] = unit
    return out


def _number_in_unit(value: str, unit: str, type_: str) -> tuple[Any, str | None]:
    """A number typed as text, read in `unit` as the returns are (check.normalize.parse_number)."""
    from sorachi_etl.check.normalize import convert_cell, parse_number

    if not unit:
        return convert_cell(value, type_)
    cell = parse_number(value, unit)
    if cell.kind == "blank":
        return None, None
    if cell.kind != "number":
        return None, cell.code or "not_a_number"
    return cell.number, None


def _keyvalue_rows(grid: list[list[object]], rule: SheetRule, findings: list[Finding]) -> SheetRows:
    from sorachi_etl.check.normalize import convert_cell

    labels = {}
    for col in rule.columns:
        for label in (col.header, *col.aliases):
            labels[fold_header(label)] = col
    row: dict[str, Any] = {c.key: None for c in rule.columns}
    where: dict[str, int] = {}
    notices: list[Finding] = []
    for r, line in enumerate(grid):
        if not line:
            continue
        col = labels.get(fold_header(line[0]))
        if col is None:
            continue
        value = line[1] if len(line) > 1 else None
        converted, code = convert_cell(value, col.type)
        if col.type == "text" and isinstance(value, str) and has_control(value):
            notices.append(removed_chars(rule.name, a1(r, 1), col.header))
        if code:
            findings.append(
                finding(
                    "master_bad_value",
                    sheet=rule.name,
                    cell=a1(r, 1),
                    value=value,
                    column=col.header,
                    hint=_hint(code),
                )
            )
        elif _outside(converted, col):
            # the pandera pass checks tables only: a setting's bounds are checked here
            findings.append(
                finding(
                    "master_out_of_range",
                    sheet=rule.name,
                    cell=a1(r, 1),
                    value=value,
                    column=col.header,
                    limit=_limit(col),
                )
            )
        row[col.key] = converted
        where[col.key] = r
    return SheetRows(rule, [row], [0], {k: 1 for k in where}, key_rows=where, notices=notices)


def removed_chars(sheet: str, cell: str, column: str) -> Finding:
    return finding("master_removed_chars", sheet=sheet, cell=cell, column=column)


def _limit(col: Any) -> str:
    """The bounds of a column as a message shows them: 0以上, 1 ～ 99."""
    if col.max is None:
        return f"{col.min:g}以上"
    if col.min is None:
        return f"{col.max:g}以下"
    return f"{col.min:g} ～ {col.max:g}"


def _outside(value: Any, col: Any) -> bool:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    return (col.min is not None and value < col.min) or (col.max is not None and value > col.max)


def validate_rows(sheet: SheetRows, findings: list[Finding]) -> None:
    """Check normalised rows with the pandera schema built from the sheet's rule."""
    import pandas as pd
    import pandera.errors as pa_errors

    from sorachi_etl.model.rules import to_pandera

    rule = sheet.rule
    if rule.layout == "keyvalue":
        _check_keyvalue_required(sheet, findings)
        return
    if not sheet.rows:
        return
    frame = pd.DataFrame(sheet.rows, columns=[c.key for c in rule.columns])
    for col in rule.columns:
        if col.type in ("int", "fiscal_year", "project"):
            frame[col.key] = frame[col.key].astype("Int64")
        elif col.type == "number":
            frame[col.key] = pd.to_numeric(frame[col.key]).astype("float64")
        elif col.type in ("text", "status"):
            frame[col.key] = frame[col.key].astype("string")
    schema = to_pandera(rule)
    try:
        schema.validate(frame, lazy=True)
    except pa_errors.SchemaErrors as exc:
        findings.extend(_failures_to_findings(exc.failure_cases, sheet, schema))


def _check_keyvalue_required(sheet: SheetRows, findings: list[Finding]) -> None:
    row = sheet.rows[0] if sheet.rows else {}
    for col in sheet.rule.columns:
        if col.required and row.get(col.key) in (None, ""):
            findings.append(finding("master_required", sheet=sheet.rule.name, column=col.header))


def _failures_to_findings(cases: Any, sheet: SheetRows, schema: Any) -> list[Finding]:
    """pandera's failure cases of a sheet as findings naming the cell, one per cell and code."""
    from sorachi_etl.model.rules import check_code

    rule = sheet.rule
    out = []
    seen = set()
    for case in cases.to_dict("records"):
        key = case.get("column")
        check = check_code(schema, key, str(case.get("check") or ""), case.get("check_number"))
        index = case.get("index")
        whole_key = ("unique" in check or "duplicate" in check) and key in rule.key
        if key not in {c.key for c in rule.columns} or whole_key:
            # a uniqueness failure over several columns: one finding per row, at its first
            # key cell, naming the whole key as the clerk reads it (「K01・R2」)
            key = rule.key[0] if rule.key else rule.columns[0].key
        r = sheet.row_numbers[int(index)] if index is not None and index == index else None
        c = sheet.columns.get(key)
        cell = a1(r, c) if r is not None and c is not None else None
        value = sheet.rows[int(index)].get(key) if r is not None else case.get("failure_case")
        if whole_key and r is not None:
            value = _key_text(rule, sheet.rows[int(index)])
        if isinstance(value, list):
            value = ",".join(value)
        item = _failure_finding(rule, rule.column(key), check, cell, value)
        if (item.cell, item.code) not in seen:
            seen.add((item.cell, item.code))
            out.append(item)
    return out


def _failure_finding(
    rule: SheetRule, col: Any, check: str, cell: str | None, value: Any
) -> Finding:
    """The finding for one failed check of a column (`check` as rules.check_code names it)."""
    where = {"sheet": rule.name, "cell": cell}
    if (
        "not_nullable" in check
        or check == "required_text"
        or ("str_length" in check and value in (None, ""))
    ):
        return finding("master_required", **where, column=col.header)
    if check == "not_in_choices":
        choices = "「" + "」「".join(col.choices) + "」"
        return finding(
            "master_not_in_choices", **where, value=value, column=col.header, choices=choices
        )
    if check in ("negative", "out_of_range"):
        return finding(
            "master_out_of_range", **where, value=value, column=col.header, limit=_limit(col)
        )
    if "unique" in check or "duplicate" in check:
        names = "・".join(rule.column(k).header for k in rule.key) or col.header
        return finding("master_duplicate", **where, value=value, column=names)
    return finding("master_bad_value", **where, value=value, column=col.header, hint="")


def check_rows(path: Path, sheets: dict[str, SheetRows]) -> None:
    findings: list[Finding] = []
    for rows in sheets.values():
        if not rows.rule.log:
            validate_rows(rows, findings)
    if findings:
        raise MasterError("master_invalid", name=path.name, findings=findings)


def rows_to_master(sheets: dict[str, SheetRows]) -> domain.Master:
    """Build the domain model from normalised rows (no checking)."""
    kv = sheets[SHEET_SETTINGS].rows[0] if sheets.get(SHEET_SETTINGS) else {}
    settings = domain.Settings(**{k: v for k, v in kv.items() if v not in (None, "")})
    master = domain.Master(settings=settings)
    for sheet, cls in ROW_TYPES.items():
        rows = sheets.get(sheet)
        if rows is None:
            continue
        fields = {f.name for f in dataclasses.fields(cls)}
        defaulted = {
            f.name
            for f in dataclasses.fields(cls)
            if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
        }
        items = []
        for row in rows.rows:
            values = {k: v for k, v in row.items() if k in fields}
            if cls is domain.Kpi:
                values["kind"] = KIND_BY_LABEL.get(values.get("kind"), values.get("kind"))
                values["denominator"] = values.get("denominator") or None
            values = {k: v for k, v in values.items() if v is not None or k not in defaulted}
            items.append(cls(**values))
        setattr(master, MASTER_FIELD[sheet], items)
    return master


@dataclasses.dataclass
class MasterBook:
    """A master as read: its domain objects and the normalised rows they came from."""

    path: Path
    master: domain.Master
    sheets: dict[str, SheetRows]
    warnings: list[Finding] = dataclasses.field(default_factory=list)  # of the whole book

    @property
    def notices(self) -> list[Finding]:
        """Warnings of reading: a log sheet gone, cells whose control characters were removed."""
        return [*self.warnings, *(n for rows in self.sheets.values() for n in rows.notices)]


def open_master(path: Path, data: bytes | None = None) -> MasterBook:
    """Read a master workbook and normalise every cell, without pandas (fast).

    `data` is the file's bytes, when the caller has read them already (see
    `master_file.read_master_file`): then those very bytes are what is read.

    Raises MasterError for a missing file or sheet and for cells that cannot be
    read as their column's type. `check_master` does the rest of the checking;
    `load_master` does both.
    """
    path = Path(path)
    if data is None and not path.exists():
        raise MasterError("master_not_found", path=path)
    if path.is_dir():
        raise MasterError(
            "folder_given_for_file", path=path, option="--master", example="master.xlsx"
        )
    merges: dict[str, Merges] = {}
    grids, order = read_sheets(path, data, merges)
    wrong = master_role_error(path, order)
    if wrong is not None:
        raise wrong
    findings: list[Finding] = []
    sheets: dict[str, SheetRows] = {}
    units: Units = {}
    for name, rule in master_rules().items():
        if name not in grids:
            hint = did_you_mean(name, order)
            if rule.log or (rule.staff and not hint):  # made when the master is next written
                continue
            if rule.staff:  # renamed (分析メモ（R6）): its lines would be dropped unsaid
                findings.append(finding("master_staff_sheet_renamed", sheet=name, found=hint))
                continue
            findings.append(
                finding(
                    "master_missing_sheet",
                    sheet=name,
                    hint=f"（「{hint}」のことですか？）" if hint else "",
                )
            )
            continue
        sheets[name] = grid_to_rows(grids[name], rule, findings, units)
        _merged_in_table(sheets[name], merges.get(name, []), findings)
        _duplicate_keys(sheets[name], findings)
        if name == SHEET_MEASURES:
            units["measure"] = _units(sheets[name])
        elif name == SHEET_KPIS:
            units["kpi"] = _units(sheets[name])
    if findings:
        raise MasterError("master_invalid", name=path.name, findings=findings)
    try:
        master = rows_to_master(sheets)
    except Exception:
        # Rows the pandera pass would refuse can be past building: say what that pass says.
        check_rows(path, sheets)
        raise
    return MasterBook(path, master, sheets, _without_log(master, sheets, order))


def _without_log(
    master: domain.Master, sheets: dict[str, SheetRows], order: list[str]
) -> list[Finding]:
    """A warning when 取込履歴 is gone from a master that has taken returns in.

    Nothing else records a return that was refused or taken in part: without the
    log, 提出状況 and the reminder would call those reporters 未提出 — and tell a
    municipality that did answer that it had not.
    """
    if SHEET_IMPORT_LOG in sheets:
        return _log_short_of(master)
    if not (master.measure_values or master.initiatives):
        return []
    renamed = did_you_mean(SHEET_IMPORT_LOG, order)
    if renamed:
        return [finding("master_log_renamed", sheet=SHEET_IMPORT_LOG, found=renamed)]
    return [finding("master_log_missing", sheet=SHEET_IMPORT_LOG)]


def _log_short_of(master: domain.Master) -> list[Finding]:
    """A warning when 取込履歴 is there but lacks files the master's rows came from: its rows
    deleted, or the sheet deleted and made anew by the next merge (which warned once, and
    every command after it was silent while the reporters refused before were 未提出)."""
    logged = {entry.file for entry in master.log}
    sources = {v.source_file for v in master.measure_values}
    sources |= {i.source_file for i in master.initiatives}
    # a file the merge took (a workbook's name), not a note staff typed for a row of
    # their own (「手入力」「R5報告書より」)
    unlogged = sorted(
        f for f in sources - logged if f and f.lower().endswith((".xlsx", ".xls", ".ods"))
    )
    if not unlogged:
        return []
    files = phrase("log_short_files", file=unlogged[0], more=len(unlogged) - 1)
    if len(unlogged) == 1:
        files = phrase("log_short_file", file=unlogged[0])
    return [finding("master_log_short", sheet=SHEET_IMPORT_LOG, files=files)]


def _merged_in_table(sheet: SheetRows, merges: Merges, findings: list[Finding]) -> None:
    """A finding for each merged range over the table's rows and columns: only its first
    cell holds a value, so the rows under it read blank, and a figure written into one of
    them is one Excel never shows (the merge counted a value no one could see)."""
    if sheet.rule.layout == "keyvalue" or sheet.rule.log or sheet.header_row is None:
        return
    used = set(sheet.columns.values())
    for (r1, c1), (r2, c2) in merges:
        if sheet.rule.staff and r1 == r2:
            continue  # a line of 分析メモ merged across for width: read from its first cell
        if max(r1, r2) > sheet.header_row and any(min(c1, c2) <= c <= max(c1, c2) for c in used):
            under = {
                a1(r, c)
                for r in range(min(r1, r2), max(r1, r2) + 1)
                for c in range(min(c1, c2), max(c1, c2) + 1)
            }
            # its hidden cells read blank: the merge is the one thing to say about them
            findings[:] = [
                f for f in findings if not (f.sheet == sheet.rule.name and f.cell in under)
            ]
            cells = f"{a1(r1, c1)}:{a1(r2, c2)}"
            findings.append(finding("master_merged_cells", sheet=sheet.rule.name, cell=cells))


def _duplicate_keys(sheet: SheetRows, findings: list[Finding]) -> None:
    """A finding for each row whose key another row has too (a row pasted twice).

    Told on reading, not only by the pandera pass that quick commands skip: report
    and publish took the last copy without a word.
    """
    rule = sheet.rule
    if len(rule.key) < 2 or rule.layout == "keyvalue" or rule.log:
        return  # one-column keys: told by the pandera pass (merge, validate)
    seen: dict[tuple[object, ...], int] = {}
    twice: set[int] = set()
    for i, row in enumerate(sheet.rows):
        key = tuple(tuple(v) if isinstance(v, list) else v for v in map(row.get, rule.key))
        if any(v in (None, "") for v in key):
            continue
        if key in seen:
            twice.update((seen[key], i))
        else:
            seen[key] = i
    c = sheet.columns.get(rule.key[0])
    for i in sorted(twice):
        findings.append(
            finding(
                "master_duplicate",
                sheet=rule.name,
                cell=a1(sheet.row_numbers[i], c) if c is not None else None,
                value=_key_text(rule, sheet.rows[i]),
                column="・".join(rule.column(k).header for k in rule.key),
            )
        )


def _key_text(rule: SheetRule, row: dict[str, Any]) -> str:
    """A row's key as the clerk typed it: 「K01・R2」 (fiscal years in the Reiwa form)."""
    parts = []
    for k in rule.key:
        value = row.get(k)
        if rule.column(k).type == "fiscal_year" and isinstance(value, int):
            value = eras.format_fiscal_year(value)
        parts.append("" if value is None else str(value))
    return "・".join(parts)


def _units(sheet: SheetRows) -> dict[str, str]:
    """Id -> unit of the rows of 調査項目 or 評価指標 (their columns `id` and `unit`)."""
    return {str(row["id"]): str(row.get("unit") or "") for row in sheet.rows if row.get("id")}
