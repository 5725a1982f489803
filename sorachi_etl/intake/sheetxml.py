"""The facts about a worksheet that python-calamine does not give, scanned from its XML.

python-calamine reads the values; this scan reads, from the same part, what
calamine drops or cannot tell: where the cells really are (the `r` attributes,
never the `<dimension>` tag, which can lie either way), cached error values
(`t="e"`, which calamine returns as ''), formulas and formulas with no cached
value, hidden rows and columns, and merged ranges.

The scan is regular expressions over the part's bytes rather than an XML
parser: no entity is ever expanded (the package check has already refused any
DTD), tags are matched with or without a namespace prefix (Strict OOXML, `x:`
writers), and a sheet of a few hundred cells takes tens of microseconds. A
sheet whose cells all carry a plain `r` and that has no formula and no error
cell needs only two `findall` passes; the others go through a tokenizer that
counts positions the way calamine does for cells and rows without `r`.

Anything the scan cannot read for certain is refused (`corrupt`), and a cell
beyond the limits is refused (`sheet_too_big`) before calamine allocates a grid
for it: one value at XFD1048576 in a 5 KB file makes python-calamine panic, and
a row number past 2**32 or a huge declared shared-string count aborts the
whole process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sorachi_etl.intake.archive import Limits, corrupt, shown, too_large
from sorachi_etl.model.cells import a1, col_letter  # noqa: F401  (re-exported for read.py)
from sorachi_etl.model.errors import UnreadableWorkbook
from sorachi_etl.model.messages import phrase

_NS = rb"(?:[^\s<>/=\"']*:)?"  # any namespace prefix, as calamine matches local names
# Whole attributes (name="value"), so that text inside a value is never taken for an attribute.
_ONE_ATTR = rb"\s+[^\s=>/]+\s*=\s*(?:\"[^\"]*\"|'[^']*')"
_OTHER_ATTRS = rb"(?:\s+(?!%s\s*=)[^\s=>/]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*+"  # all but one name
_ATTRS = rb"((?:" + _ONE_ATTR + rb")*+)\s*(/?)>"  # (attributes, "/" when empty)

_SHEET_DATA = re.compile(rb"<" + _NS + rb"sheetData(?=[\s/>])[^>]*?(/?)>")
_SHEET_DATA_END = re.compile(rb"</" + _NS + rb"sheetData\s*>")
_TEXT = re.compile(rb"[^<]*")
# t="e", found from its value (a pattern that starts with "=" runs fast), then its name.
_E_VALUE = re.compile(rb"=\s*[\"']e[\"']")
_T_BEFORE = re.compile(rb"\st\s*$")


class _Patterns:
    """The sheetData patterns, for tags with any namespace prefix or with none.

    Without a prefix a pattern starts with a literal ("<c"), which the regex
    engine finds fast; a sheet holding no ":c", ":f", ":r", ":v" needs only those.
    """

    def __init__(self, ns: bytes) -> None:
        def tag(name: bytes) -> bytes:
            return rb"<" + ns + name

        self.token = re.compile(tag(rb"(row|c|f|v)") + _ATTRS + rb"|</" + ns + rb"row\s*>")
        # Every cell start tag: (letters, digits) of a plain r written first, as nearly
        # every writer does, else ("", ""). No row 0 and no leading zero: those are
        # left to the tokenizer.
        ref = rb"r\s*=\s*[\"']([A-Za-z]{1,3})([1-9][0-9]{0,6})[\"']"
        self.c_ref_first = re.compile(tag(rb"c(?:\s+") + ref + rb"|(?=[\s/>]))")
        # A cell start tag with a plain r anywhere among its attributes.
        self.c_ref = re.compile(tag(rb"c") + _OTHER_ATTRS % b"r" + rb"\s+" + ref)
        self.c_open = re.compile(tag(rb"c[\s/>]"))
        self.f_open = re.compile(tag(rb"f[\s/>]"))
        self.row_open = re.compile(tag(rb"row(?=[\s/>])([^>]*)>"))
        # What follows a cell's start tag: an optional <f> then an optional <v>;
        # groups (f attributes, f text, v attributes, v text), None where absent.
        self.body = re.compile(
            rb"\s*(?:"
            + tag(rb"f((?:")
            + _ONE_ATTR
            + rb")*+)\s*(?:/>|>([^<]*)</"
            + ns
            + rb"f\s*>))?"
            rb"\s*(?:" + tag(rb"v((?:") + _ONE_ATTR + rb")*+)\s*(?:/>|>([^<]*)))?"
        )


_PLAIN, _ANY_NS = _Patterns(b""), _Patterns(_NS)
_PREFIXED = re.compile(rb":[cfrv]")

_COL = re.compile(rb"<" + _NS + rb"col(?=[\s/>])([^>]*)>")
_MERGE = re.compile(rb"<" + _NS + rb"mergeCell(?=[\s/>])([^>]*)>")
_MERGE_PLAIN = re.compile(
    rb"<"
    + _NS
    + rb"mergeCell\s+ref\s*=\s*[\"']([A-Z]{1,3})([0-9]{1,7}):([A-Z]{1,3})([0-9]{1,7})[\"']"
)
_SST = re.compile(rb"<" + _NS + rb"sst(?=[\s/>])([^>]*)>")
_CELL_REF = re.compile(rb"([A-Za-z]+)([0-9]+)")
_ENTITY = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|lt|gt|amp|quot|apos);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


def _attr_re(name: bytes) -> re.Pattern[bytes]:
    # Unprefixed attributes only: calamine compares attribute names exactly.
    return re.compile(_OTHER_ATTRS % name + rb"\s+" + name + rb"\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")


_R, _T, _HIDDEN, _SI, _REF, _MIN, _MAX, _UNIQUE = (
    _attr_re(n) for n in (b"r", b"t", b"hidden", b"si", b"ref", b"min", b"max", b"uniqueCount")
)


@dataclass
class SheetFacts:
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    no_cached_value: set[tuple[int, int]] = field(default_factory=set)
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    last_row: int = -1  # 0-based row and column of the furthest cell that may hold a value
    last_col: int = -1


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n - 1


def _attr(pattern: re.Pattern[bytes], attrs: bytes) -> bytes | None:
    m = pattern.match(attrs)
    if m is None:
        return None
    return m.group(1) if m.group(1) is not None else m.group(2)


def _is_true(value: bytes | None) -> bool:
    return value is not None and value.strip().lower() in (b"1", b"true")


def _text(raw: bytes) -> str:
    text = raw.decode("utf-8", errors="replace")
    return _ENTITY.sub(_entity, text) if "&" in text else text


def _entity(m: re.Match[str]) -> str:
    name = m.group(1)
    if name[0] != "#":
        return _NAMED[name]
    try:
        return chr(int(name[2:], 16) if name[1] in "xX" else int(name[1:]))
    except (ValueError, OverflowError):
        return "\ufffd"


class SheetReach:
    """The furthest cell of a sheet being scanned (.xlsx here, .xls in biff.py, .ods in
    ods.py), refused as soon as it lies beyond the limits calamine's allocations need."""

    def __init__(self, sheet: str, facts: SheetFacts, limits: Limits) -> None:
        self.sheet, self.facts, self.limits = sheet, facts, limits

    def too_big(self, detail: str) -> UnreadableWorkbook:
        return UnreadableWorkbook("sheet_too_big", sheet=self.sheet, detail=detail)

    def reach(self, row: int, col: int) -> None:
        """Note a cell that may hold a value; refuse it when it lies beyond the limits."""
        facts, limits = self.facts, self.limits
        if row > facts.last_row:
            facts.last_row = row
        if col > facts.last_col:
            facts.last_col = col
        if row >= limits.max_rows or col >= limits.max_cols:
            raise self.too_big(
                phrase(
                    "sheet_used_past",
                    # a repeat count can put the cell past any real sheet: shown bounded
                    cell=a1(min(row, 10**7), min(col, 10**6)),
                    rows=limits.max_rows,
                    cols=limits.max_cols,
                )
            )
        cells = (facts.last_row + 1) * (facts.last_col + 1)
        if cells > limits.max_cells:
            raise self.too_big(
                phrase(
                    "sheet_too_many_cells",
                    corner=a1(facts.last_row, facts.last_col),
                    cells=cells,
                    limit=limits.max_cells,
                )
            )


class _Scan(SheetReach):
    """One sheet's scan; raises UnreadableWorkbook as soon as a limit is passed."""

    def __init__(self, sheet: str, limits: Limits) -> None:
        super().__init__(sheet, SheetFacts(), limits)
        self.p = _ANY_NS

    def bad(self, what: str) -> UnreadableWorkbook:
        return corrupt(phrase("sheet_part_unreadable", sheet=shown(self.sheet), what=what))

    def ref(self, raw: bytes) -> tuple[int, int]:
        m = _CELL_REF.fullmatch(raw)
        if m is None:
            raise self.bad(phrase("sheet_cell_ref", ref=shown(raw.decode("utf-8", "replace"))))
        letters, digits = m.groups()
        if len(letters) > 3 or len(digits) > 7:
            raise self.too_big(phrase("sheet_cell_ref_too_far", ref=shown(raw.decode("ascii"))))
        row = int(digits)
        if row == 0:
            raise self.bad(phrase("sheet_cell_ref", ref=raw.decode("ascii")))
        return row - 1, _col_index(letters)

    # --- sheetData -----------------------------------------------------------------

    def cells(self, xml: bytes, start: int, end: int) -> None:
        if start >= end:
            return
        if xml.find(b":", start, end) < 0 or not _PREFIXED.search(xml, start, end):
            self.p = _PLAIN
        if not self._plain_cells(xml, start, end):
            self._tokens(xml, start, end)
            return
        f_hits = [m.start() for m in self.p.f_open.finditer(xml, start, end)]
        e_hits = []
        # t="e" holds the bytes "e" or 'e'; most sheets have neither, and need no pattern.
        if xml.find(b'"e"', start, end) >= 0 or xml.find(b"'e'", start, end) >= 0:
            e_hits = [
                m.start()
                for m in _E_VALUE.finditer(xml, start, end)
                if _T_BEFORE.search(xml, max(start, m.start() - 16), m.start())
            ]
        if (f_hits or e_hits) and not self._special_cells(xml, start, f_hits, e_hits):
            self._tokens(xml, start, end)

    def _special_cells(self, xml: bytes, start: int, f_hits: list[int], e_hits: list[int]) -> bool:
        """Formula and error cells of a sheet whose every cell has a plain `r`.

        The cell around an `<f` is the start tag just before it (f is a cell's
        first child in the schema); the cell around ` t="e"` is the tag it sits
        in. False when a hit is not where expected: the tokenizer then reads the sheet.
        """
        tags: dict[int, int] = {}  # tag start -> the hit inside or after it
        previous, tag = start, -1
        for hit in sorted(f_hits + e_hits):
            # the "<" nearest before the hit; searched back only to the previous hit, so
            # that a tag holding many hits is not searched through again for each
            found = xml.rfind(b"<", previous, hit)
            if found >= 0:
                tag = found
            tags[tag] = hit
            previous = hit
        formulas: dict[tuple[int, int], str] = {}
        errors: dict[tuple[int, int], str] = {}
        no_value: set[tuple[int, int]] = set()
        shared: dict[bytes, str] = {}
        for tag_start in sorted(tags):
            tag = self.p.token.match(xml, tag_start)
            if tag is None or tag.group(1) != b"c" or tag.group(3):
                return False
            attrs = tag.group(2)
            cell_t = _attr(_T, attrs)
            pos = self.ref(_attr(_R, attrs) or b"")
            f_attrs, f_text, v_attrs, v_text = self.p.body.match(xml, tag.end()).groups()
            if f_attrs is None and tags[tag_start] >= tag.end():
                return False  # an <f> that is not the cell's first child
            if f_attrs is not None:
                formulas[pos] = self._formula(f_attrs, f_text, shared)
                if v_attrs is None or not (v_text or cell_t == b"str"):
                    no_value.add(pos)
            if cell_t == b"e" and v_text and v_text.strip():
                errors[pos] = _text(v_text).strip()
        self.facts.formulas.update(formulas)
        self.facts.errors.update(errors)
        self.facts.no_cached_value |= no_value
        return True

    @staticmethod
    def _formula(attrs: bytes, raw: bytes | None, shared: dict[bytes, str]) -> str:
        text = _text(raw) if raw else ""
        si = _attr(_SI, attrs)
        if si is not None and _attr(_T, attrs) == b"shared":
            # A shared formula's followers carry no text: give them the leader's
            # (its references are not shifted; the text only marks a formula).
            if text:
                shared[si] = text
            else:
                text = shared.get(si, "")
        return text

    def _plain_cells(self, xml: bytes, start: int, end: int) -> bool:
        """Extent and hidden rows of a sheet whose every cell has a plain `r`; False if not so."""
        p = self.p
        refs = p.c_ref_first.findall(xml, start, end)
        if (b"", b"") in refs:
            n_cells = len(refs)
            refs = p.c_ref.findall(xml, start, end)
            if len(refs) != n_cells:
                return False
        hidden: set[int] = set()
        if xml.find(b"hidden", start, end) >= 0:
            for m in p.row_open.finditer(xml, start, end):
                if _is_true(_attr(_HIDDEN, m.group(1))):
                    r = _attr(_R, m.group(1))
                    if r is None or not r.isdigit() or not 0 < int(r) <= 1_048_576:
                        return False
                    if int(r) <= self.limits.max_rows:
                        hidden.add(int(r) - 1)
        if refs:
            letters, digits = zip(*refs, strict=True)
            last_row = max(map(int, digits)) - 1
            last_col = max(map(_col_index, set(letters)))
            # Empty cells (<c r="X9" s="1"/>) count here; the tokenizer, which leaves
            # them out, gives the final word on a sheet that looks too big.
            limits = self.limits
            if (
                last_row >= limits.max_rows
                or last_col >= limits.max_cols
                or (last_row + 1) * (last_col + 1) > limits.max_cells
            ):
                return False
            self.reach(last_row, last_col)
        self.facts.hidden_rows |= hidden
        return True

    def _tokens(self, xml: bytes, start: int, end: int) -> None:
        """Walk rows and cells, counting positions as calamine does where `r` is missing."""
        facts = self.facts
        formulas, errors = facts.formulas, facts.errors
        valued: set[tuple[int, int]] = set()
        shared: dict[bytes, str] = {}
        row_i = col_i = n_cells = n_rows = 0
        cell: tuple[int, int] | None = None
        cell_t: bytes | None = None
        p = self.p
        for m in p.token.finditer(xml, start, end):
            name = m.group(1)
            if name is None:  # </row>
                row_i, col_i, cell = row_i + 1, 0, None
                continue
            attrs, empty = m.group(2), m.group(3)
            if name == b"c":
                n_cells += 1
                r = _attr(_R, attrs)
                if r is None:
                    pos = (row_i, col_i)
                else:
                    pos = self.ref(r)
                    col_i = pos[1]
                col_i += 1
                if empty:
                    cell = None
                    continue
                self.reach(*pos)
                cell, cell_t = pos, _attr(_T, attrs)
            elif name == b"row":
                n_rows += 1
                row_i = self._row_start(attrs, row_i)
                cell = None
                if empty:
                    row_i, col_i = row_i + 1, 0
            elif cell is None:
                continue
            elif name == b"f":
                raw = None if empty else _TEXT.match(xml, m.end()).group()
                formulas[cell] = self._formula(attrs, raw, shared)
            else:  # <v>
                raw = b"" if empty else _TEXT.match(xml, m.end()).group()
                if cell_t == b"e" and raw.strip():
                    errors[cell] = _text(raw).strip()
                # An empty <v/> is what openpyxl writes for a formula it never computed;
                # only a string result may legitimately be empty.
                if raw or cell_t == b"str":
                    valued.add(cell)
        self._check_counts(xml, start, end, n_cells, n_rows)
        facts.no_cached_value |= formulas.keys() - valued

    def _row_start(self, attrs: bytes, row_i: int) -> int:
        """The 0-based row a <row> starts (its `r`, else the one counted), noted if hidden."""
        r = _attr(_R, attrs)
        if r is not None:
            if not r.isdigit() or len(r) > 7 or int(r) == 0:
                raise self.bad(phrase("sheet_row_number", ref=shown(r.decode("utf-8", "replace"))))
            row_i = int(r) - 1
        if _is_true(_attr(_HIDDEN, attrs)) and row_i < self.limits.max_rows:
            self.facts.hidden_rows.add(row_i)
        return row_i

    def _check_counts(self, xml: bytes, start: int, end: int, n_cells: int, n_rows: int) -> None:
        """Refuse a sheet where the tokenizer read fewer cells or rows than there are tags:
        a start tag it could not read (say, an unquoted attribute) would put calamine's
        positions out of step with these."""
        p = self.p
        if n_cells != len(p.c_open.findall(xml, start, end)) or n_rows != len(
            p.row_open.findall(xml, start, end)
        ):
            raise self.bad(phrase("sheet_cell_or_row_markup"))

    # --- outside sheetData ---------------------------------------------------------

    def cols_and_merges(self, xml: bytes, data_start: int, data_end: int) -> None:
        facts, width = self.facts, self.limits.max_cols
        # Byte searches first: the patterns are only needed where the words are.
        hidden = xml.find(b"hidden", 0, data_start) >= 0
        for m in _COL.finditer(xml, 0, data_start if hidden else 0):
            attrs = m.group(1)
            if _is_true(_attr(_HIDDEN, attrs)):
                lo, hi = _attr(_MIN, attrs), _attr(_MAX, attrs)
                if lo and hi and lo.isdigit() and hi.isdigit() and len(lo) < 7 and len(hi) < 7:
                    # Columns hidden up to XFD are common; past the column limit no cell exists.
                    facts.hidden_cols.update(range(int(lo) - 1, min(int(hi), width)))
        if xml.find(b"mergeCell", data_end) < 0:
            return
        plain = _MERGE_PLAIN.findall(xml, data_end)
        if plain and len(plain) == len(_MERGE.findall(xml, data_end)):
            cols = {letters: _col_index(letters) for m in plain for letters in (m[0], m[2])}
            for c1, r1, c2, r2 in plain:
                row1, row2, col1, col2 = int(r1) - 1, int(r2) - 1, cols[c1], cols[c2]
                if row1 >= 0 and row2 >= 0:
                    facts.merged.append(
                        (min(row1, row2), min(col1, col2), max(row1, row2), max(col1, col2))
                    )
            return
        for m in _MERGE.finditer(xml, data_end):
            ref = _attr(_REF, m.group(1))
            parts = ref.split(b":") if ref else []
            try:
                (r1, c1), (r2, c2) = self.ref(parts[0]), self.ref(parts[-1])
            except (UnreadableWorkbook, IndexError):
                continue  # a merge we cannot read hides nothing calamine would read
            facts.merged.append((min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))


def scan_sheet(xml: bytes, sheet: str, limits: Limits) -> SheetFacts:
    """Facts about one worksheet part; raises UnreadableWorkbook (sheet_too_big, corrupt)."""
    xml = _plain_markup(xml, sheet)
    scan = _Scan(sheet, limits)
    m = _SHEET_DATA.search(xml)
    if m is None:
        start = end = len(xml)
    elif m.group(1):  # <sheetData/>
        start = end = m.end()
    else:
        start = end = m.end()
        previous = start
        while True:  # the first </sheetData>; a byte search finds candidates fast
            hit = xml.find(b"sheetData", end)
            if hit < 0:
                end = len(xml)
                break
            # the "<" nearest before the hit, searched back only to the last candidate
            # (a "<" further back was tried then): linear, however many candidates
            tag_start = xml.rfind(b"<", previous, hit)
            if tag_start >= 0 and _SHEET_DATA_END.match(xml, tag_start):
                end = tag_start
                break
            previous = end = hit + 9
    scan.cells(xml, start, end)
    scan.cols_and_merges(xml, min(start, len(xml)), end)
    return scan.facts


def _has_markup_declaration(xml: bytes) -> bool:
    """Whether "<!" occurs: found through each "!" (a memchr), not a two-byte search."""
    found = xml.find(b"!")
    if found < 0:
        return False
    if xml.count(b"!") > 64:
        return b"<!" in xml
    while found >= 0:
        if found and xml[found - 1] == 0x3C:  # "<"
            return True
        found = xml.find(b"!", found + 1)
    return False


def _plain_markup(xml: bytes, sheet: str) -> bytes:
    """Drop comments and turn CDATA into escaped text, so no tag hides in either.

    A linear walk, not a regex: an unterminated comment must not make the scan quadratic.
    """
    if not _has_markup_declaration(xml):
        return xml
    out, pos = [], 0
    while True:
        i = xml.find(b"<!", pos)
        if i < 0:
            out.append(xml[pos:])
            return b"".join(out)
        out.append(xml[pos:i])
        if xml.startswith(b"<!--", i):
            j = xml.find(b"-->", i + 4)
            skip = 3
        elif xml.startswith(b"<![CDATA[", i):
            j = xml.find(b"]]>", i + 9)
            skip = 3
            if j >= 0:
                text = xml[i + 9 : j]
                out.append(text.replace(b"&", b"&amp;").replace(b"<", b"&lt;"))
        else:
            j = -1
            skip = 0
        if j < 0:
            raise corrupt(phrase("sheet_xml_broken", sheet=shown(sheet)))
        pos = j + skip


def check_shared_strings(xml: bytes | None, limits: Limits) -> None:
    """Refuse a declared shared-string count calamine would reserve memory for and die."""
    if not xml:
        return
    m = _SST.search(xml)
    count = _attr(_UNIQUE, m.group(1)) if m else None
    if count and count.strip().isdigit():
        n = int(count.strip()) if len(count.strip()) < 20 else limits.max_shared_strings + 1
        if n > limits.max_shared_strings:
            raise too_large(
                phrase("too_many_shared_strings", count=n, limit=limits.max_shared_strings)
            )
