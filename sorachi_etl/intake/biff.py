"""The workbook stream of a legacy .xls (BIFF8), scanned record by record before calamine reads it.

What sheetxml.py is for an .xlsx sheet, this is for an .xls: it walks the
records the way python-calamine's xls reader does (src/xls.rs: the globals up
to their EOF, then each sheet's substream from the offset its BoundSheet8
record gives, nested substreams of embedded charts skipped) and gives, per
sheet, what calamine does not: cached error values (BoolErr and the cached
result of a Formula record), which cells hold formulas, hidden rows (Row
records) and columns (ColInfo), merged ranges (MergeCells), the sheet's
visibility (BoundSheet8), the 1904 date system (DateMode), and the furthest
cell that holds a value. Refused before calamine runs:

- a record running past the end of the stream, a sheet offset that does not
  land on a BOF record, a substream with no EOF, anything but BIFF8 (Excel 97
  and later; an Excel 5/95 file is asked to be saved anew);
- an encrypted workbook (FilePass): `encrypted`;
- a Dimensions record whose area calamine would reserve memory for
  (rows x columns) beyond the cell limit, and a cell beyond the row, column or
  cell limits (calamine allocates the grid from A1 to the furthest cell);
- more records than `Limits.max_biff_records`, and more CONTINUE records after
  one record than `Limits.max_continues` (calamine takes them off the front of
  a list one by one: quadratic).

What does not apply to .xls: a formula always carries its cached result in
BIFF, so "formula without a cached value" is never found; the formula text is
not decoded (only that a cell holds a formula is recorded).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from sorachi_etl.intake.archive import Limits, corrupt, shown, too_large
from sorachi_etl.intake.sheetxml import SheetFacts, SheetReach
from sorachi_etl.model.errors import UnreadableWorkbook
from sorachi_etl.model.messages import phrase

BOF, EOF, CONTINUE = 0x0809, 0x000A, 0x003C
FILEPASS, DATEMODE, BOUNDSHEET = 0x002F, 0x0022, 0x0085
NUMBER, LABEL, RSTRING, BOOLERR, RK, LABELSST, MULRK = (
    0x0203,
    0x0204,
    0x00D6,
    0x0205,
    0x027E,
    0x00FD,
    0x00BD,
)
FORMULA, STRING, DIMENSIONS, ROW, COLINFO, MERGECELLS = (
    0x0006,
    0x0207,
    0x0200,
    0x0208,
    0x007D,
    0x00E5,
)
BIFF8 = 0x0600
_ERRORS = {
    0x00: "#NULL!",
    0x07: "#DIV/0!",
    0x0F: "#VALUE!",
    0x17: "#REF!",
    0x1D: "#NAME?",
    0x24: "#NUM!",
    0x2A: "#N/A",
    0x2B: "#GETTING_DATA",
}
# Sheet states as BoundSheet8 gives them, in the words read.SheetData uses.
_STATES = {0: "visible", 1: "hidden", 2: "veryhidden"}


@dataclass
class BiffSheet:
    name: str
    state: str
    offset: int
    facts: SheetFacts = field(default_factory=SheetFacts)


@dataclass
class BiffBook:
    sheets: list[BiffSheet]
    date1904: bool = False


def _bad(what: str) -> UnreadableWorkbook:
    return corrupt(phrase("xls_part", what=what))


class _Records:
    """(type, data) of each record from `pos`, CONTINUE records counted, everything bounded."""

    def __init__(self, stream: bytes, limits: Limits) -> None:
        self.stream = stream
        self.limits = limits
        self.count = 0

    def walk(self, pos: int):
        stream, limits = self.stream, self.limits
        end = len(stream)
        continues = 0
        while pos < end:
            if pos + 4 > end:
                raise _bad(phrase("xls_record_cut"))
            typ, length = struct.unpack_from("<HH", stream, pos)
            start = pos + 4
            pos = start + length
            if pos > end:
                raise _bad(phrase("xls_record_cut"))
            self.count += 1
            if self.count > limits.max_biff_records:
                raise too_large(phrase("xls_too_many_records", limit=limits.max_biff_records))
            if typ == CONTINUE:
                continues += 1
                if continues > limits.max_continues:
                    raise too_large(phrase("xls_too_many_continues", count=continues))
                continue
            continues = 0
            yield typ, stream[start:pos]


def scan_workbook(stream: bytes, limits: Limits) -> BiffBook:
    """The sheets of a BIFF8 workbook stream with their facts; raises UnreadableWorkbook."""
    records = _Records(stream, limits)
    book = BiffBook(sheets=[])
    first = True
    ended = False
    for typ, data in records.walk(0):
        if first:
            if typ != BOF or len(data) < 4:
                raise _bad(phrase("xls_no_bof"))
            version, kind = struct.unpack_from("<HH", data)
            if version != BIFF8:
                raise UnreadableWorkbook("legacy_xls")
            if kind != 0x0005:  # the workbook globals
                raise _bad(phrase("xls_not_workbook_globals"))
            first = False
            continue
        if typ == FILEPASS:
            raise UnreadableWorkbook("encrypted")
        if typ == DATEMODE and len(data) >= 2:
            book.date1904 = struct.unpack_from("<H", data)[0] == 1
        elif typ == BOUNDSHEET:
            book.sheets.append(_bound_sheet(data, len(stream)))
        elif typ == EOF:
            ended = True
            break
    if first:
        raise _bad(phrase("xls_empty"))
    if not ended:
        raise _bad(phrase("xls_no_globals_eof"))
    for sheet in book.sheets:
        _scan_sheet(records, sheet, limits)
    return book


def _bound_sheet(data: bytes, stream_len: int) -> BiffSheet:
    if len(data) < 8:
        raise _bad(phrase("xls_sheet_list_broken"))
    offset, state, kind, cch, flags = struct.unpack_from("<IBBBB", data)
    if state & 0x3F not in _STATES or kind not in (0, 1, 2, 6):
        raise _bad(phrase("xls_sheet_list_broken"))
    raw = data[8:]
    if flags & 1:
        if len(raw) < cch * 2:
            raise _bad(phrase("xls_sheet_name_broken"))
        name = raw[: cch * 2].decode("utf-16-le", errors="replace")
    else:
        if len(raw) < cch:
            raise _bad(phrase("xls_sheet_name_broken"))
        name = raw[:cch].decode("latin-1")
    if offset >= stream_len:
        raise _bad(phrase("xls_sheet_outside", sheet=shown(name)))
    return BiffSheet(name.replace("\x00", ""), _STATES[state & 0x3F], offset)


def _scan_sheet(records: _Records, sheet: BiffSheet, limits: Limits) -> None:
    """Walk one sheet's substream to its EOF, noting in `sheet.facts` what its records say.

    The substreams of embedded charts nested in it are passed over.
    """
    stream = records.stream
    if stream[sheet.offset : sheet.offset + 2] != struct.pack("<H", BOF):
        raise _bad(phrase("xls_sheet_bad_offset", sheet=shown(sheet.name)))
    reader = _SheetRecords(sheet, limits)
    depth = 0
    seen_bof = False
    for typ, data in records.walk(sheet.offset):
        if depth:
            if typ == BOF:
                depth += 1
            elif typ == EOF:
                depth -= 1
            continue
        if typ == BOF:
            if seen_bof:
                depth += 1
            seen_bof = True
        elif typ == EOF:
            return
        else:
            read = _READERS.get(typ)
            if read is not None:
                read(reader, data)
    raise _bad(phrase("xls_sheet_no_eof", sheet=shown(sheet.name)))


class _SheetRecords(SheetReach):
    """What the records of one sheet say: a method per record type (see `_READERS`).

    A record too short for what it should hold is passed over, as calamine does.
    """

    def __init__(self, sheet: BiffSheet, limits: Limits) -> None:
        super().__init__(sheet.name, sheet.facts, limits)
        self.formula_at: tuple[int, int] | None = None  # the last formula, for its STRING

    def cell(self, data: bytes) -> None:
        if len(data) >= 4:
            self.reach(*struct.unpack_from("<HH", data))

    def bool_err(self, data: bytes) -> None:
        if len(data) >= 8:
            row, col = struct.unpack_from("<HH", data)
            self.reach(row, col)
            if data[7] == 1:
                self.facts.errors[(row, col)] = _ERRORS.get(data[6], "#N/A")

    def mul_rk(self, data: bytes) -> None:
        if len(data) >= 6:
            row, first = struct.unpack_from("<HH", data)
            last = struct.unpack_from("<H", data, len(data) - 2)[0]
            if last >= first:
                self.reach(row, last)

    def formula(self, data: bytes) -> None:
        if len(data) >= 20:
            row, col = struct.unpack_from("<HH", data)
            self.reach(row, col)
            self.formula_at = (row, col)
            self.facts.formulas[self.formula_at] = ""
            # cached result: bytes 6..13; 0xFFFF in the last two marks a non-number,
            # whose first byte says which (2: an error, its code in the third)
            if data[12:14] == b"\xff\xff" and data[6] == 2:
                self.facts.errors[self.formula_at] = _ERRORS.get(data[8], "#N/A")

    def string(self, data: bytes) -> None:
        """The text result of the formula before it."""
        if self.formula_at is not None:
            self.reach(*self.formula_at)

    def dimensions(self, data: bytes) -> None:
        """The area calamine reserves memory for, computed as it does (u32, wrapping)."""
        if len(data) == 14:
            rf, rl, cf, cl = struct.unpack_from("<IIHH", data)
        elif len(data) == 10:
            rf, rl, cf, cl = struct.unpack_from("<4H", data)
        else:
            raise _bad(phrase("xls_dimension_broken", sheet=shown(self.sheet)))
        if cf > 0xFF or cl < cf:
            cf = 0
        if rl >= 1 and cl >= 1:
            rows = ((rl - 1 - rf) % 2**32 + 1) % 2**32
            cols = ((cl - 1 - cf) % 2**32 + 1) % 2**32
        else:
            rows = cols = 1
        if rows * cols > self.limits.max_cells:
            raise self.too_big(
                phrase("xls_dimension_too_large", rows=rows, cols=cols, limit=self.limits.max_cells)
            )

    def row(self, data: bytes) -> None:
        if len(data) >= 14:
            row = struct.unpack_from("<H", data)[0]
            options = struct.unpack_from("<H", data, 12)[0]
            if options & 0x20 and row < self.limits.max_rows:
                self.facts.hidden_rows.add(row)

    def col_info(self, data: bytes) -> None:
        if len(data) >= 10:
            first, last, _width, _xf, options = struct.unpack_from("<5H", data)
            if options & 1:
                last = min(last, self.limits.max_cols - 1)
                self.facts.hidden_cols.update(range(first, last + 1))

    def merge_cells(self, data: bytes) -> None:
        if len(data) >= 2:
            count = min(struct.unpack_from("<H", data)[0], (len(data) - 2) // 8)
            for i in range(count):
                r1, r2, c1, c2 = struct.unpack_from("<4H", data, 2 + 8 * i)
                self.facts.merged.append((min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))


# The record types of a sheet that say something, and what reads each.
_READERS = {
    **dict.fromkeys((NUMBER, LABEL, RSTRING, RK, LABELSST), _SheetRecords.cell),
    BOOLERR: _SheetRecords.bool_err,
    MULRK: _SheetRecords.mul_rk,
    FORMULA: _SheetRecords.formula,
    STRING: _SheetRecords.string,
    DIMENSIONS: _SheetRecords.dimensions,
    ROW: _SheetRecords.row,
    COLINFO: _SheetRecords.col_info,
    MERGECELLS: _SheetRecords.merge_cells,
}
