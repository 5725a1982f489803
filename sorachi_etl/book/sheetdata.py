"""A worksheet's <sheetData> as the file holds it, edited cell by cell at the XML level.

The data sheets of the master are staff's as much as the tool's: whatever the
tool does not own in them (other columns, notes beside the table, fills and
fonts, formulas, comments, row heights) must come out of a merge exactly as it
went in. Loading and saving the cells through openpyxl would keep most of it,
but costs about a second for the 7,000 rows of 調査実績 with 1,741 reporters,
most of a merge. So the rows stay the bytes the file holds (`SheetXml`):
a row the tool does not touch is copied as it is, byte for byte, and in a row
it touches only the cells it writes are replaced (or added, in column order);
every other cell of that row keeps its element. Everything outside
<sheetData> (columns, panes, filters, conditional formatting, validations,
comments, print settings) goes through openpyxl as for any other sheet
(rowxml.replace_sheet_data puts the edited element back into the saved part).

What a cell refers to stays valid: its style id (openpyxl keeps the file's
cell styles in their order and adds new ones after them), a shared string
index (the file's string table is saved again beside the new package:
rowxml.keep_shared_strings), a shared formula (a cell that carried one for
others is written out into each of them before it is replaced,
`_unshare`), a namespace prefix (Excel marks every row x14ac:dyDescent: the
saved sheet declares what the file's declared, rowxml.replace_sheet_data).

Cells the tool writes are made as openpyxl would make them
(rowxml.value_tail: the same types, escaping, cleaning of characters XML
forbids). tests/test_sheetdata.py compares edited sheets against openpyxl's
own reading of them.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from sorachi_etl.book.rowxml import value_tail

_ROW_NUMBER = re.compile(rb'\sr="(\d+)"')
_CELL = re.compile(rb"<c\b[^>]*?/>|<c\b[^>]*>.*?</c>", re.S)
_START_TAG = re.compile(rb"<(?:row|c)\b([^>]*?)/?>")
_ATTR = re.compile(rb'\s([\w:]+)="([^"]*)"')
_REF = re.compile(rb"([A-Z]+)(\d+)")
_CELL_REF = re.compile(rb'<c\b[^>]*?\sr="([A-Z]+)\d+"')
_SHARED_MASTER = re.compile(rb'<f\b[^>]*\bt="shared"[^>]*\bref="[^"]*"[^>]*>')
_SI = re.compile(rb'\bsi="(\d+)"')
_LAST_ROW = re.compile(rb'<row\b[^>]*?\sr="(\d+)"')


def column_letter(c: int) -> str:
    """1 -> A, 27 -> AA."""
    out = ""
    while c:
        c, rest = divmod(c - 1, 26)
        out = chr(65 + rest) + out
    return out


_column_numbers: dict[bytes, int] = {}


def column_number(letters: bytes | str) -> int:
    """A -> 1, AA -> 27."""
    key = letters if isinstance(letters, bytes) else letters.encode("ascii")
    n = _column_numbers.get(key)
    if n is None:
        n = 0
        for ch in key.decode("ascii"):
            n = n * 26 + ord(ch) - 64
        if len(_column_numbers) < 20_000:
            _column_numbers[key] = n
    return n


def _attrs(start_tag: bytes) -> dict[bytes, bytes]:
    m = _START_TAG.match(start_tag)
    return dict(_ATTR.findall(m.group(1))) if m else {}


@dataclass
class RowXml:
    """One <row> opened for editing: its start tag's attributes and its cells by column."""

    number: int
    attrs: dict[bytes, bytes]
    cells: dict[int, bytes]  # column -> the <c> element
    tail: bytes = b""  # anything else the row held (an extLst), kept after the cells

    @classmethod
    def parse(cls, number: int, xml: bytes) -> RowXml:
        head_end = xml.index(b">") + 1
        attrs = _attrs(xml[:head_end])
        attrs[b"r"] = str(number).encode()
        cells: dict[int, bytes] = {}
        if xml[head_end - 2 : head_end] == b"/>":
            return cls(number, attrs, cells)
        body = xml[head_end : xml.rindex(b"</row>")]
        col = 0
        rest = []
        last = 0
        for m in _CELL.finditer(body):
            rest.append(body[last : m.start()])
            last = m.end()
            element = m.group(0)
            ref = _CELL_REF.match(element)
            if ref is not None:
                col = _column_numbers.get(ref.group(1)) or column_number(ref.group(1))
            else:  # a cell placed by its order: give it its reference
                col += 1
                element = element[:2] + f' r="{column_letter(col)}{number}"'.encode() + element[2:]
            cells[col] = element
        rest.append(body[last:])
        return cls(number, attrs, cells, b"".join(rest).strip())

    def style(self, col: int) -> int | None:
        """The style id of the cell in `col` (None: the row has no element for it)."""
        element = self.cells.get(col)
        if element is None:
            return None
        return int(_attrs(element).get(b"s", b"0"))

    def row_style(self) -> int | None:
        """The row's own style, when it has one (customFormat)."""
        if self.attrs.get(b"customFormat") in (b"1", b"true") and b"s" in self.attrs:
            return int(self.attrs[b"s"])
        return None

    def to_bytes(self) -> bytes:
        # spans (the row's first:last column) is a hint, and may no longer hold: left out
        attrs = ((k, v) for k, v in self.attrs.items() if k != b"spans")
        head = b"<row" + b"".join(b' %s="%s"' % kv for kv in attrs)
        if not self.cells and not self.tail:
            return head + b"/>"
        body = b"".join(self.cells[c] for c in sorted(self.cells))
        return head + b">" + body + self.tail + b"</row>"


class SheetXml:
    """The <sheetData> of one sheet, as bytes, with the rows the tool changes opened for editing.

    Rows are found only when something is edited (`row`); a sheet nothing is
    written to comes back byte for byte. Rows added past the last row of the
    sheet are kept as new elements in order (`append`), without looking at
    the others.
    """

    def __init__(self, sheet_data: bytes, epoch: Any) -> None:
        m = re.match(rb"<sheetData\b[^>]*?(/?)>", sheet_data)
        if m is None:
            raise ValueError("not a sheetData element")
        self._head = m.group(0) if not m.group(1) else b"<sheetData>"
        self._body = b"" if m.group(1) else sheet_data[m.end() : sheet_data.rindex(b"</sheetData>")]
        self._epoch = epoch
        self._spans: list[tuple[int, int, int]] | None = None  # (row, start, end), in order
        self._numbers: list[int] = []
        self._open: dict[int, RowXml] = {}  # rows being edited, existing or new
        self._appended: list[bytes] = []
        self._appended_last = 0
        self._last: int | None = None
        self.max_col = 0  # the largest column written to
        self.max_row = 0  # the largest row written to

    # --- finding rows ---------------------------------------------------------------

    def _index(self) -> list[tuple[int, int, int]]:
        """(row number, start, end) of every <row> element, found with bytes.find."""
        if self._spans is None:
            body = self._body
            spans = []
            number = 0
            at = body.find(b"<row")
            while at >= 0:
                head_end = body.index(b">", at) + 1
                head = body[at:head_end]
                if not head.startswith((b"<row ", b"<row>", b"<row/")):  # <rowBreaks…>: none
                    at = body.find(b"<row", head_end)
                    continue
                end = head_end if head.endswith(b"/>") else body.index(b"</row>", head_end) + 6
                r = _ROW_NUMBER.search(head)
                number = int(r.group(1)) if r else number + 1
                spans.append((number, at, end))
                at = body.find(b"<row", end)
            if any(a[0] >= b[0] for a, b in pairwise(spans)):
                raise ValueError("rows of the sheet are not in order")
            self._spans = spans
            self._numbers = [n for n, _, _ in spans]
        return self._spans

    def last_row(self) -> int:
        """The number of the last <row> element of the sheet as it was (0: none)."""
        if self._last is None:
            self._last = self._find_last_row()
        return self._last

    def _find_last_row(self) -> int:
        if self._spans is None:
            found = _LAST_ROW.findall(self._body[-4096:])
            if found and self._body.rstrip().endswith((b"</row>", b"/>")):
                return int(found[-1])  # the last row is near the end: no index needed
        spans = self._index()
        return spans[-1][0] if spans else 0

    def row(self, number: int) -> RowXml:
        """Row `number` opened for editing (a new, empty one when the sheet has none)."""
        opened = self._open.get(number)
        if opened is not None:
            return opened
        if self._appended and number > self.last_row():
            raise ValueError(f"row {number} is past the rows of the sheet, where rows were added")
        spans = self._index()
        i = bisect_left(self._numbers, number)
        if i < len(spans) and spans[i][0] == number:
            _, start, end = spans[i]
            opened = RowXml.parse(number, self._body[start:end])
        else:
            opened = RowXml(number, {b"r": str(number).encode()}, {})
        self._open[number] = opened
        return opened

    def existing_row(self, number: int) -> RowXml | None:
        """Row `number` as the sheet has it, or None (not opened for editing)."""
        if number in self._open:
            return self._open[number]
        spans = self._index()
        i = bisect_left(self._numbers, number)
        if i < len(spans) and spans[i][0] == number:
            _, start, end = spans[i]
            return RowXml.parse(number, self._body[start:end])
        return None

    # --- writing --------------------------------------------------------------------

    def cell_xml(self, ref: str, value: Any, style: int) -> bytes | None:
        """The <c> element of `value` at `ref` in style `style` (None: no element is needed)."""
        s = f' s="{style}"' if style else ""
        if value is None:
            return f'<c r="{ref}"{s}/>'.encode() if style else None
        return f'<c r="{ref}"{s}{value_tail(value, self._epoch)}'.encode()

    def set(self, row: RowXml, col: int, value: Any, style: int) -> None:
        """Write `value` in style `style` into `col` of an opened row (None: no value)."""
        old = row.cells.get(col)
        if old is not None and b"<f" in old:
            self._unshare(old)
        element = self.cell_xml(f"{column_letter(col)}{row.number}", value, style)
        if element is None:
            row.cells.pop(col, None)
        else:
            row.cells[col] = element
        self.max_col = max(self.max_col, col)
        self.max_row = max(self.max_row, row.number)

    def append(self, number: int, row_xml: bytes, max_col: int) -> None:
        """Add a whole new <row> element after every row of the sheet and every one added."""
        self.append_rows(number, number, row_xml, max_col)

    def append_rows(self, first: int, last: int, rows_xml: bytes, max_col: int) -> None:
        """Add new <row> elements for rows `first` to `last` after every row there is."""
        if first <= max(self._appended_last, self.last_row(), max(self._open, default=0)):
            raise ValueError(f"row {first} is not past the rows of the sheet")
        self._appended.append(rows_xml)
        self._appended_last = last
        self.max_col = max(self.max_col, max_col)
        self.max_row = max(self.max_row, last)

    def _unshare(self, element: bytes) -> None:
        """Before a cell that holds a shared formula for others is replaced, write it out in each.

        Each cell that used the shared formula gets its own formula (translated
        to its place, as Excel would show it), so the others keep working.
        """
        master = _SHARED_MASTER.search(element)
        if master is None:
            return
        from openpyxl.formula.translate import Translator

        si = _SI.search(master.group(0)).group(1)
        origin = _attrs(element).get(b"r", b"A1").decode()
        formula = element[master.end() : element.index(b"</f>", master.end())].decode("utf-8")
        from xml.sax.saxutils import escape, unescape

        formula = "=" + unescape(formula)
        user = re.compile(rb'<f\b[^>]*\bt="shared"[^>]*\bsi="' + si + rb'"[^>]*?(?:/>|>[^<]*</f>)')
        for number, start, end in list(self._index()):
            if user.search(self._body, start, end) is None:
                continue
            row = self.row(number)
            for col, cell in list(row.cells.items()):
                m = user.search(cell)
                if m is None or cell is element:
                    continue
                ref = _attrs(cell).get(b"r", b"").decode()
                text = Translator(formula, origin=origin).translate_formula(ref)[1:]
                row.cells[col] = (
                    cell[: m.start()] + f"<f>{escape(text)}</f>".encode() + cell[m.end() :]
                )

    def to_bytes(self) -> bytes:
        """The <sheetData> element with every edit in place."""
        if not self._open and not self._appended:
            return self._head + self._body + b"</sheetData>"
        out = [self._head]
        if self._open:
            spans = self._index()
            at = 0
            pending = sorted(self._open)
            j = 0
            for number, start, end in spans:
                while j < len(pending) and pending[j] < number:
                    out.append(self._open[pending[j]].to_bytes())
                    j += 1
                out.append(self._body[at:start])
                if j < len(pending) and pending[j] == number:
                    out.append(self._open[number].to_bytes())
                    j += 1
                else:
                    out.append(self._body[start:end])
                at = end
            out.append(self._body[at:])
            out.extend(self._open[n].to_bytes() for n in pending[j:])
        else:
            out.append(self._body)
        out.extend(self._appended)
        out.append(b"</sheetData>")
        return b"".join(out)


def dimension(original: str | None, sheet: SheetXml, extra_cols: Iterable[int] = ()) -> str | None:
    """The used range of an edited sheet: the one it stated, grown to what was written."""
    max_col = max([sheet.max_col, *extra_cols], default=0)
    if not sheet.max_row and not max_col:
        return original
    first_col, first_row, last_col, last_row = 1, 1, max_col, sheet.max_row
    if original:
        parts = original.split(":")
        a = _REF.fullmatch(parts[0].encode())
        b = _REF.fullmatch(parts[-1].encode())
        if a and b:
            first_col = min(column_number(a.group(1)), max_col or 10**6)
            first_row = min(int(a.group(2)), sheet.max_row or 10**9)
            last_col = max(column_number(b.group(1)), max_col)
            last_row = max(int(b.group(2)), sheet.max_row)
    return f"{column_letter(first_col)}{first_row}:{column_letter(last_col)}{last_row}"
