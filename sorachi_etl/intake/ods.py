"""The content.xml of an .ods return, scanned before python-calamine reads it.

An .ods is a ZIP, checked by archive.Package as an .xlsx is (member count and
names, declared sizes and ratios, every member calamine reads inflated under
hard caps, any DTD refused). What sheetxml.py is for an .xlsx sheet, this is
for the one part that holds every sheet of an .ods: it walks content.xml with
expat (DTDs and entity declarations refused, no tree built, nesting depth
limited) the way python-calamine's ods reader does (src/ods.rs: element names
matched as written, "table:table-cell" with its prefix; rows and cells
repeated by table:number-rows-repeated / number-columns-repeated), and gives
per sheet:

- the furthest cell calamine would keep (a cell is kept when it has a value,
  a formula or the string value type; repeats count), refused beyond the row,
  column or cell limits before calamine expands the repeats into a grid;
  empty cells repeated to the edge of the sheet, which LibreOffice always
  writes, cost nothing;
- text longer than a cell may hold (text:s text:c="4000000000" would make
  calamine write four billion spaces);
- hidden rows and columns (table:visibility), merged ranges
  (table:number-columns-spanned / number-rows-spanned), formulas
  (table:formula) and formulas with no cached value, error results
  (calcext:value-type="error", which calamine reads as the number LibreOffice
  stores beside it), and the sheet's visibility (table:display of its style).

What does not apply to .ods: dates are stored as ISO text (office:date-value),
so there is no 1904 date system to notice (table:null-date only shifts plain
numbers shown as dates, which the survey never reads as dates).

`check_manifest` refuses an encrypted .ods (its META-INF/manifest.xml lists
encryption data) before anything reads the scrambled content.xml.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sorachi_etl.intake.archive import Limits, corrupt, elements, shown, too_large, unsafe
from sorachi_etl.intake.sheetxml import SheetFacts, SheetReach
from sorachi_etl.model.errors import UnreadableWorkbook
from sorachi_etl.model.messages import phrase

# What calamine reads of an .ods: nothing else is given to it.
CALAMINE_MEMBERS = ("mimetype", "META-INF/manifest.xml", "content.xml")
_CELLS = ("table:table-cell", "table:covered-table-cell")
_VALUES = (
    "office:value",
    "office:string-value",
    "office:date-value",
    "office:time-value",
    "office:boolean-value",
)


@dataclass
class OdsSheet:
    name: str
    state: str = "visible"
    facts: SheetFacts = field(default_factory=SheetFacts)


def check_manifest(xml: bytes | None) -> None:
    """Refuse an encrypted .ods, and one without the manifest calamine needs."""
    if xml is None:
        raise corrupt(phrase("ods_no_manifest"))
    for tag, _attrs in elements(xml, phrase("ods_manifest")):
        if tag.split("}")[1 if "}" in tag else 0] == "encryption-data":
            raise UnreadableWorkbook("encrypted")


def _count(value: str | None, what: str) -> int:
    """A repeat or span count as calamine parses it (a plain unsigned integer); `what` is
    the phrase code naming the count in a refusal."""
    if value is None:
        return 1
    text = value.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 12:
        raise corrupt(phrase("ods_count_unreadable", what=phrase(what), value=shown(value)))
    return int(text)


class _Scan:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.sheets: list[OdsSheet] = []
        self.styles: dict[str, str] = {}
        self.style: str | None = None
        self.sheet: OdsSheet | None = None
        self.extent: SheetReach | None = None  # the current sheet's furthest cell
        self.depth = 0
        # where calamine is: "top", "table", "row", or inside a cell
        self.mode = "top"
        self.row = 0  # rows before the current one (repeats counted)
        self.row_repeats = 1
        self.col = 0  # columns before the current cell
        self.column = 0  # table:table-column elements so far (for hidden columns)
        self.cell_end_depth = 0
        self.cell: tuple[int, int] | None = None
        self.cell_text = 0
        self.note_depth = 0
        self.error_cell: tuple[int, int] | None = None
        self.error_text: list[str] = []

    def reach(self, row: int, col: int) -> None:
        assert self.sheet is not None and self.extent is not None
        self.extent.reach(row, col)

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.depth += 1
        if self.depth > self.limits.max_xml_depth:
            raise too_large(phrase("ods_too_deep", limit=self.limits.max_xml_depth))
        mode = self.mode
        if mode == "cell":
            if name in _CELLS or name in ("table:table-row", "table:table"):
                raise corrupt(phrase("ods_table_in_cell"))
            if name == "office:annotation" and not self.note_depth:
                self.note_depth = self.depth  # a comment: calamine leaves its text out
            elif name == "text:s":
                self.text("", _count(attrs.get("text:c"), "ods_count_spaces"))
            return
        if mode == "row":
            if name not in _CELLS:
                raise corrupt(phrase("ods_element_in_row", name=shown(name)))
            self.start_cell(name, attrs)
            return
        if mode == "table":
            if name == "table:table-row":
                self.mode = "row"
                self.col = 0
                self.row_repeats = _count(
                    attrs.get("table:number-rows-repeated"), "ods_count_row_repeats"
                )
                if attrs.get("table:visibility") in ("collapse", "filter"):
                    assert self.sheet is not None
                    last = min(self.row + self.row_repeats, self.limits.max_rows)
                    self.sheet.facts.hidden_rows.update(range(self.row, last))
            elif name == "table:table-column":
                repeats = _count(
                    attrs.get("table:number-columns-repeated"), "ods_count_column_repeats"
                )
                if attrs.get("table:visibility") in ("collapse", "filter"):
                    assert self.sheet is not None
                    last = min(self.column + repeats, self.limits.max_cols)
                    self.sheet.facts.hidden_cols.update(range(self.column, last))
                self.column += repeats
            return
        # top level
        if name == "style:style":
            self.style = attrs.get("style:name")
        elif name == "style:table-properties" and self.style is not None:
            display = attrs.get("table:display")
            self.styles[self.style] = "hidden" if display == "false" else "visible"
        elif name == "table:table" and "table:name" in attrs:
            style = attrs.get("table:style-name")
            state = self.styles.get(style, "visible") if style is not None else "visible"
            self.sheet = OdsSheet(attrs["table:name"], state)
            self.extent = SheetReach(self.sheet.name, self.sheet.facts, self.limits)
            self.sheets.append(self.sheet)
            self.mode, self.row, self.column = "table", 0, 0

    def start_cell(self, name: str, attrs: dict[str, str]) -> None:
        assert self.sheet is not None
        facts = self.sheet.facts
        repeats = _count(attrs.get("table:number-columns-repeated"), "ods_count_column_repeats")
        valued = any(key in attrs for key in _VALUES)
        formula = attrs.get("table:formula", "")
        kept = valued or bool(formula) or attrs.get("office:value-type") == "string"
        here = (self.row, self.col)
        if kept:
            self.reach(self.row + self.row_repeats - 1, self.col + repeats - 1)
            if formula:
                facts.formulas[here] = formula
                if not valued and attrs.get("office:value-type") != "string":
                    facts.no_cached_value.add(here)
            if attrs.get("calcext:value-type") == "error":
                self.error_cell, self.error_text = here, []
        if name == "table:table-cell":
            spans = (
                _count(attrs.get("table:number-rows-spanned"), "ods_count_rows_spanned"),
                _count(attrs.get("table:number-columns-spanned"), "ods_count_columns_spanned"),
            )
            if spans != (1, 1):
                rows, cols = spans
                facts.merged.append(
                    (self.row, self.col, self.row + max(rows, 1) - 1, self.col + max(cols, 1) - 1)
                )
        self.col += repeats
        self.mode = "cell"
        self.cell_end_depth = self.depth
        self.cell_text = 0

    def text(self, data: str, spaces: int = 0) -> None:
        if self.note_depth:
            return
        self.cell_text += len(data) + spaces
        if self.cell_text > self.limits.max_text_chars:
            assert self.sheet is not None
            raise too_large(
                phrase(
                    "ods_cell_text_too_long",
                    sheet=shown(self.sheet.name),
                    chars=self.cell_text,
                    limit=self.limits.max_text_chars,
                )
            )
        if self.error_cell is not None and data:
            self.error_text.append(data)

    def end(self, name: str) -> None:
        mode = self.mode
        if self.note_depth == self.depth:
            self.note_depth = 0
        if mode == "cell" and self.depth == self.cell_end_depth:
            self.mode = "row"
            if self.error_cell is not None:
                assert self.sheet is not None
                text = "".join(self.error_text).strip() or "#VALUE!"
                self.sheet.facts.errors[self.error_cell] = text
                self.error_cell = None
        elif mode == "row" and name == "table:table-row":
            self.mode = "table"
            self.row += self.row_repeats
        elif mode == "table" and name == "table:table":
            self.mode, self.sheet = "top", None
        self.depth -= 1

    def chars(self, data: str) -> None:
        if self.mode == "cell":
            self.text(data)
        elif self.mode == "row" and data:
            raise corrupt(phrase("ods_text_in_row"))


def scan_content(xml: bytes, limits: Limits) -> list[OdsSheet]:
    """The sheets of an .ods content.xml, in order, with their facts; raises UnreadableWorkbook."""
    from xml.parsers import expat

    scan = _Scan(limits)
    parser = expat.ParserCreate()  # no namespace processing: names as written, as calamine reads
    parser.buffer_text = True
    parser.StartElementHandler = scan.start
    parser.EndElementHandler = scan.end
    parser.CharacterDataHandler = scan.chars

    def refuse(*_: object) -> None:
        raise unsafe(phrase("ods_dtd"))

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    try:
        parser.Parse(xml, True)
    except (expat.ExpatError, LookupError, ValueError) as exc:
        raise corrupt(phrase("ods_content_broken")) from exc
    names = [s.name for s in scan.sheets]
    if len(set(names)) != len(names):
        raise corrupt(phrase("duplicate_sheet_name"))
    return scan.sheets
