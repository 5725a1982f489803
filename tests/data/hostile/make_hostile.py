"""Write hostile and odd .xlsx files into a folder, so that none has to be committed.

    python tests/data/hostile/make_hostile.py OUT_DIR

`write_all(folder)` returns {file name: expected catalogue code, or "ok"}; the
tests call it into a temporary folder. `xlsx_bytes` builds a minimal workbook
around hand-written sheet XML, for tests that need XML no writer produces.
"""

from __future__ import annotations

import io
import struct
import sys
import warnings
import zipfile
import zlib
from pathlib import Path

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"
STRICT_REL = "http://purl.oclc.org/ooxml/officeDocument/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def content_types(main_type: str = SHEET_MAIN_TYPE, extra: str = "") -> str:
    return (
        XML_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{main_type}"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        f"{extra}</Types>"
    )


def sheet_xml(
    rows: str, before: str = "", after: str = "", prefix: str = "", namespace: str = MAIN
) -> str:
    """A worksheet part; `rows` goes inside <sheetData>, `prefix` names the namespace prefix."""
    p = f"{prefix}:" if prefix else ""
    xmlns = f"xmlns:{prefix}" if prefix else "xmlns"
    return (
        f'{XML_HEAD}<{p}worksheet {xmlns}="{namespace}">{before}'
        f"<{p}sheetData>{rows}</{p}sheetData>{after}</{p}worksheet>"
    )


def xlsx_parts(
    sheets: dict[str, str] | None = None,
    *,
    states: dict[str, str] | None = None,
    workbook_pr: str = "",
    shared_strings: str | None = None,
    main_type: str = SHEET_MAIN_TYPE,
    strict: bool = False,
) -> dict[str, str | bytes]:
    """The parts of a minimal workbook: {sheet name: sheet XML} in order."""
    main, rel = (STRICT_MAIN, STRICT_REL) if strict else (MAIN, REL)
    sheets = sheets or {"Sheet1": sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>')}
    states = states or {}
    entries, rels, parts = [], [], {}
    for i, (name, xml) in enumerate(sheets.items(), start=1):
        state = f' state="{states[name]}"' if name in states else ""
        entries.append(f'<sheet name="{name}" sheetId="{i}"{state} r:id="rId{i}"/>')
        rels.append(
            f'<Relationship Id="rId{i}" Type="{rel}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        )
        parts[f"xl/worksheets/sheet{i}.xml"] = xml
    if shared_strings is not None:
        rels.append(
            f'<Relationship Id="rIdS" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
        )
        parts["xl/sharedStrings.xml"] = shared_strings
    return {
        "[Content_Types].xml": content_types(main_type),
        "_rels/.rels": (
            f'{XML_HEAD}<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" '
            f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'{XML_HEAD}<workbook xmlns="{main}" xmlns:r="{rel}">{workbook_pr}'
            f"<sheets>{''.join(entries)}</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'{XML_HEAD}<Relationships xmlns="{PKG_REL}">{"".join(rels)}</Relationships>'
        ),
        **parts,
    }


def zip_bytes(parts: dict[str, str | bytes] | list[tuple[str, str | bytes]]) -> bytes:
    items = parts.items() if isinstance(parts, dict) else parts
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in items:
            z.writestr(zipfile.ZipInfo(name, (2024, 4, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def xlsx_bytes(sheet_rows: str = '<row r="1"><c r="A1"><v>1</v></c></row>', **kw: object) -> bytes:
    """A minimal one-sheet workbook around `sheet_rows` (the inside of <sheetData>)."""
    return zip_bytes(xlsx_parts({"Sheet1": sheet_xml(sheet_rows)}, **kw))  # type: ignore[arg-type]


def _big_member_zip(size: int, *, declare: int | None = None) -> bytes:
    """A workbook whose sheet1.xml is `size` bytes of blanks inside a valid sheet.

    With `declare`, the sizes written in the local header and the central
    directory are forged to that number (a zip bomb trick).
    """
    parts = xlsx_parts()
    del parts["xl/worksheets/sheet1.xml"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
        head, tail = sheet_xml("").split("<sheetData>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=False) as f:
            f.write((head + "<sheetData>").encode())
            chunk = b" " * (1024 * 1024)
            left = size
            while left > 0:
                f.write(chunk[: min(left, len(chunk))])
                left -= len(chunk)
            f.write(tail.encode())
    data = bytearray(buf.getvalue())
    if declare is not None:
        name = b"xl/worksheets/sheet1.xml"
        local = _find_header(data, b"PK\x03\x04", name, name_at=30)
        struct.pack_into("<I", data, local + 22, declare)  # uncompressed size
        central = _find_header(data, b"PK\x01\x02", name, name_at=46)
        struct.pack_into("<I", data, central + 24, declare)
    return bytes(data)


def _find_header(data: bytearray, signature: bytes, name: bytes, name_at: int) -> int:
    pos = 0
    while True:
        pos = data.find(signature, pos)
        if pos < 0:
            raise ValueError(name)
        if data[pos + name_at : pos + name_at + len(name)] == name:
            return pos
        pos += 4


def forge_crc(body: bytes, at: int, target: int, free: int = 8) -> bytes:
    """`body` with the `free` bytes from `at` changed (to letters and @[\\]^_) so that
    its CRC-32 is `target`: how a second member can pass for the first by its CRC."""
    b = bytearray(body)
    b[at : at + free] = b"@" * free
    base = zlib.crc32(bytes(b))
    bits = [(at + i, k) for i in range(free) for k in range(5)]
    basis: dict[int, tuple[int, int]] = {}  # GF(2) elimination over the flip effects
    for j, (pos, k) in enumerate(bits):
        t = bytearray(b)
        t[pos] ^= 1 << k
        v, m = zlib.crc32(bytes(t)) ^ base, 1 << j
        for bit in sorted(basis, reverse=True):
            if v >> bit & 1:
                v, m = v ^ basis[bit][0], m ^ basis[bit][1]
        if v:
            basis[v.bit_length() - 1] = (v, m)
    want, flips = target ^ base, 0
    for bit in sorted(basis, reverse=True):
        if want >> bit & 1:
            want, flips = want ^ basis[bit][0], flips ^ basis[bit][1]
    if want:
        raise ValueError("no such bytes")
    for j, (pos, k) in enumerate(bits):
        if flips >> j & 1:
            b[pos] ^= 1 << k
    return bytes(b)


def _many_members(count: int) -> bytes:
    parts = list(xlsx_parts().items()) + [(f"xl/extra/{i}.txt", "x") for i in range(count)]
    return zip_bytes(parts)


def _with_member(name: str, data: str = "x") -> bytes:
    return zip_bytes([*xlsx_parts().items(), (name, data)])


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    f'<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>&lol3;</t></si></sst>'
)
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets><sheet name="&x;" sheetId="1" r:id="rId1"/>'
    "</sheets></workbook>"
)

ONE_CELL = '<row r="1"><c r="A1"><v>1</v></c></row>'


def hostile_files() -> dict[str, tuple[bytes, str]]:
    """{file name: (bytes, expected code or "ok")}."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns about the duplicate name
        return _hostile_files()


def _hostile_files() -> dict[str, tuple[bytes, str]]:
    parts = xlsx_parts()
    files: dict[str, tuple[bytes, str]] = {
        # --- zip container ------------------------------------------------------------
        "zip_bomb_60mb_of_blanks.xlsx": (_big_member_zip(60 * 1024 * 1024), "too_large"),
        "zip_bomb_ratio_5mb_of_blanks.xlsx": (_big_member_zip(5 * 1024 * 1024), "unsafe_archive"),
        "forged_declared_size.xlsx": (
            _big_member_zip(2 * 1024 * 1024, declare=1000),
            "unsafe_archive",
        ),
        "duplicate_member_names.xlsx": (
            zip_bytes(
                [
                    *parts.items(),
                    (
                        "xl/worksheets/sheet1.xml",
                        sheet_xml('<row r="1"><c r="A1"><v>2</v></c></row>'),
                    ),
                ]
            ),
            "unsafe_archive",
        ),
        "member_dotdot.xlsx": (_with_member("../evil.txt"), "unsafe_archive"),
        "member_dotdot_backslash.xlsx": (_with_member("..\\evil.txt"), "unsafe_archive"),
        "member_leading_slash.xlsx": (_with_member("/etc/evil.txt"), "unsafe_archive"),
        "member_drive_letter.xlsx": (_with_member("C:/evil.txt"), "unsafe_archive"),
        "too_many_members.xlsx": (_many_members(1_000), "too_large"),
        "truncated_half.xlsx": (xlsx_bytes()[:200], "corrupt"),
        # --- XML ----------------------------------------------------------------------
        "billion_laughs_shared_strings.xlsx": (
            zip_bytes(xlsx_parts(shared_strings=BILLION_LAUGHS)),
            "unsafe_archive",
        ),
        "external_entity_workbook.xlsx": (
            zip_bytes({**parts, "xl/workbook.xml": EXTERNAL_ENTITY}),
            "unsafe_archive",
        ),
        "utf16_sheet.xlsx": (
            zip_bytes({**parts, "xl/worksheets/sheet1.xml": sheet_xml(ONE_CELL).encode("utf-16")}),
            "corrupt",
        ),
        "shared_strings_unique_count_4e9.xlsx": (
            zip_bytes(
                xlsx_parts(
                    shared_strings=f'<sst xmlns="{MAIN}" count="1" uniqueCount="4000000000">'
                    "<si><t>a</t></si></sst>"
                )
            ),
            "too_large",
        ),
        "shared_strings_prefixed_unique_count_4e9.xlsx": (
            zip_bytes(
                xlsx_parts(
                    shared_strings=f'<x:sst xmlns:x="{MAIN}" uniqueCount = "4000000000">'
                    "<x:si><x:t>a</x:t></x:si></x:sst>"
                )
            ),
            "too_large",
        ),
        # --- sheet extent (a cell at XFD1048576 makes python-calamine panic) ----------
        "cell_at_XFD1048576.xlsx": (
            xlsx_bytes('<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'),
            "sheet_too_big",
        ),
        "dimension_says_B2_cell_at_A200000.xlsx": (
            zip_bytes(
                xlsx_parts(
                    {
                        "Sheet1": sheet_xml(
                            '<row r="200000"><c r="A200000"><v>1</v></c></row>',
                            before='<dimension ref="A1:B2"/>',
                        )
                    }
                )
            ),
            "sheet_too_big",
        ),
        "dimension_says_full_grid_cells_in_B2.xlsx": (
            zip_bytes(
                xlsx_parts(
                    {
                        "Sheet1": sheet_xml(
                            '<row r="2"><c r="B2"><v>1</v></c></row>',
                            before='<dimension ref="A1:XFD1048576"/>',
                        )
                    }
                )
            ),
            "ok",
        ),
        "empty_styled_cell_at_XFD1048576.xlsx": (
            xlsx_bytes(ONE_CELL + '<row r="1048576"><c r="XFD1048576" s="1"/></row>'),
            "ok",
        ),
        "no_r_1001_columns.xlsx": (
            xlsx_bytes("<row>" + "<c><v>1</v></c>" * 1001 + "</row>"),
            "sheet_too_big",
        ),
        "no_r_row_4e9.xlsx": (xlsx_bytes('<row r="4000000000"><c><v>1</v></c></row>'), "corrupt"),
        "r_hidden_in_other_attribute.xlsx": (
            xlsx_bytes('<row r="1"><c x=" r=\'A1\'" r="XFD1048576"><v>1</v></c></row>'),
            "sheet_too_big",
        ),
        "gt_inside_attribute.xlsx": (
            xlsx_bytes('<row r="1"><c x=">" r="XFD1048576"><v>1</v></c></row>'),
            "sheet_too_big",
        ),
        "prefixed_cell_at_XFD1048576.xlsx": (
            xlsx_bytes(
                '<row r="1"><c r="A1"><v>1</v></c>'
                f'<x:c xmlns:x="{MAIN}" r="XFD1048576"><x:v>1</x:v></x:c></row>'
            ),
            "sheet_too_big",
        ),
        "cell_in_comment_only.xlsx": (
            xlsx_bytes(ONE_CELL + '<!-- <row r="1048576"><c r="XFD1048576"><v>1</v></c></row> -->'),
            "ok",
        ),
        "cell_at_row_zero.xlsx": (xlsx_bytes('<row r="1"><c r="A0"><v>1</v></c></row>'), "corrupt"),
        "long_text_40000_chars.xlsx": (
            xlsx_bytes(
                f'<row r="1"><c r="A1" t="inlineStr"><is><t>{"あ" * 40_000}</t></is></c></row>'
            ),
            "too_large",
        ),
        # --- not an .xlsx at all ----------------------------------------------------------
        "empty.xlsx": (b"", "empty_file"),
        "csv_renamed.xlsx": ("市町,観光入込客数\n岩見沢市,123\n".encode("cp932"), "not_excel"),
        "text_renamed.xlsx": ("調査票は来週送ります。".encode(), "not_excel"),
        "html_renamed.xlsx": (
            b"<html><body><table><tr><td>1</td></tr></table></body></html>",
            "not_excel",
        ),
        "png_renamed.xlsx": (b"\x89PNG\r\n\x1a\n" + bytes(64), "not_excel"),
        "pdf_renamed.xlsx": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "not_excel"),
        "zip_without_workbook.xlsx": (zip_bytes({"readme.txt": "hello"}), "not_excel"),
        "docx_renamed.xlsx": (
            zip_bytes(
                {
                    "[Content_Types].xml": content_types(
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
                    )
                }
            ),
            "not_excel",
        ),
        "xlsm_content_type.xlsx": (
            zip_bytes(xlsx_parts(main_type="application/vnd.ms-excel.sheet.macroEnabled.main+xml")),
            "xlsm",
        ),
        "xlsm_vba_project_in_xlsx.xlsx": (_with_member("xl/vbaProject.bin", "\x00"), "xlsm"),
        "xlsb_content_type.xlsx": (
            zip_bytes(
                xlsx_parts(main_type="application/vnd.ms-excel.sheet.binary.macroEnabled.main")
            ),
            "xlsb",
        ),
        "ods_mimetype.xlsx": (
            zip_bytes(
                [
                    ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
                    ("content.xml", "<x/>"),
                ]
            ),
            "corrupt",  # an .ods without its manifest
        ),
        "biff4_worksheet.xlsx": (b"\x09\x04\x06\x00\x00\x00\x10\x00" + bytes(32), "legacy_xls"),
        **_xls_files(),
        **_ods_files(),
        **crash_reproducers(),
    }
    return files


# --- legacy .xls: a BIFF8 workbook stream in an OLE/CFB container, written by hand --------
# Independent of sorachi_etl's own reader and writer (intake/cfb.py), so that a fault in
# one is not mirrored in the other.

_SECTOR = 512
_END, _FREE, _FATSECT, _NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def biff_record(typ: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", typ, len(data)) + data


def biff_number(row: int, col: int, value: float) -> bytes:
    return biff_record(0x0203, struct.pack("<HHHd", row, col, 0, value))


def biff_label(row: int, col: int, text: str) -> bytes:
    """A text cell: 8-bit characters when the text is Latin-1, else UTF-16."""
    if text.isascii():
        return biff_record(0x0204, struct.pack("<HHHHB", row, col, 0, len(text), 0) + text.encode())
    encoded = text.encode("utf-16-le")
    return biff_record(0x0204, struct.pack("<HHHHB", row, col, 0, len(text), 1) + encoded)


def biff_stream(
    sheets: dict[str, list[bytes]],
    *,
    version: int = 0x0600,
    globals_extra: bytes = b"",
    sheet_end: bytes | None = None,
    offset_shift: int = 0,
) -> bytes:
    """A BIFF8 workbook stream: the globals (BOF, BoundSheet8 per sheet, EOF), then each
    sheet's substream (BOF, a Dimensions record from its cells unless one is given, its
    records, EOF). `sheet_end` replaces the EOF of the last sheet; `offset_shift` moves
    every BoundSheet8 offset."""
    bof_globals = biff_record(0x0809, struct.pack("<HHHHII", version, 0x0005, 0, 1997, 0, 0))
    names = list(sheets)

    def bound(name: str, offset: int) -> bytes:
        encoded = name.encode("utf-16-le")
        return biff_record(0x0085, struct.pack("<IBBBB", offset, 0, 0, len(name), 1) + encoded)

    head_len = (
        len(bof_globals)
        + len(globals_extra)
        + sum(len(bound(n, 0)) for n in names)
        + len(biff_record(0x000A))
    )
    bodies = []
    for i, name in enumerate(names):
        records = sheets[name]
        end = sheet_end if (sheet_end is not None and i == len(names) - 1) else biff_record(0x000A)
        bodies.append(
            biff_record(0x0809, struct.pack("<HHHHII", version, 0x0010, 0, 1997, 0, 0))
            + b"".join(records)
            + end
        )
    offsets, at = [], head_len
    for body in bodies:
        offsets.append(at + offset_shift)
        at += len(body)
    head = (
        bof_globals
        + globals_extra
        + b"".join(bound(n, o) for n, o in zip(names, offsets, strict=True))
        + biff_record(0x000A)
    )
    return head + b"".join(bodies)


def cfb_parts(
    streams: dict[str, bytes], dir_sectors: int = 1
) -> tuple[bytearray, dict[str, object]]:
    """A version 3 OLE container (512-byte sectors) holding `streams` as regular streams
    (each padded to 4096 bytes at least), and where things are, for forging them:
    {"chains": {name: [sector ids]}, "dir": directory sector id, "fat": [FAT sector ids]}."""
    chains: dict[str, list[int]] = {}
    data = b""
    sector = 0
    for name, body in streams.items():
        body = body.ljust(4096, b"\x00")
        n = -(-len(body) // _SECTOR)
        chains[name] = list(range(sector, sector + n))
        data += body.ljust(n * _SECTOR, b"\x00")
        sector += n
    dir_sid = sector
    sector += dir_sectors
    n_fat = 1
    while sector + n_fat > n_fat * 128:
        n_fat += 1
    fat_sids = list(range(sector, sector + n_fat))
    fat = [_FREE] * (n_fat * 128)
    for sids in chains.values():
        for a, b in zip(sids, [*sids[1:], _END], strict=True):
            fat[a] = b
    for sid in range(dir_sid, dir_sid + dir_sectors):
        fat[sid] = sid + 1 if sid + 1 < dir_sid + dir_sectors else _END
    for sid in fat_sids:
        fat[sid] = _FATSECT

    def entry(name: str, kind: int, left: int, right: int, child: int, start: int, size: int):
        encoded = (name + "\x00").encode("utf-16-le")
        return (
            encoded.ljust(64, b"\x00")
            + struct.pack("<HBB3I", len(encoded), kind, 1, left, right, child)
            + bytes(36)
            + struct.pack("<II", start, size)
            + bytes(4)
        )

    names = list(streams)
    entries = [entry("Root Entry", 5, _NOSTREAM, _NOSTREAM, 1 if names else _NOSTREAM, _END, 0)]
    for i, name in enumerate(names):
        right = i + 2 if i + 1 < len(names) else _NOSTREAM  # a chain of right siblings
        size = max(len(streams[name]), 4096)  # shorter would belong in the mini stream
        entries.append(entry(name, 2, _NOSTREAM, right, _NOSTREAM, chains[name][0], size))
    while len(entries) < 4:
        entries.append(
            bytes(64) + struct.pack("<HBB3I", 0, 0, 0, _NOSTREAM, _NOSTREAM, _NOSTREAM) + bytes(48)
        )
    directory = b"".join(entries).ljust(_SECTOR * dir_sectors, b"\x00")
    difat = fat_sids + [_FREE] * (109 - n_fat)
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack("<9I", 0, n_fat, dir_sid, 0, 4096, _END, 0, _END, 0)
        + struct.pack("<109I", *difat)
    )
    out = bytearray(header + data + directory + struct.pack(f"<{len(fat)}I", *fat))
    return out, {"chains": chains, "dir": dir_sid, "fat": fat_sids}


def xls_bytes(sheets: dict[str, list[bytes]] | None = None, **kw: object) -> bytes:
    """A small valid .xls: one sheet "Sheet1" holding a number and a text unless `sheets` says."""
    sheets = sheets or {"Sheet1": [biff_number(0, 0, 1.5), biff_label(1, 0, "テキスト")]}
    return bytes(cfb_parts({"Workbook": biff_stream(sheets, **kw)})[0])  # type: ignore[arg-type]


def _sector_at(sid: int) -> int:
    return _SECTOR * (sid + 1)


def _fat_entry_at(info: dict[str, object], sid: int) -> int:
    fat_sids = info["fat"]  # type: ignore[index]
    return _sector_at(fat_sids[sid // 128]) + 4 * (sid % 128)  # type: ignore[index]


def _forged_xls(kind: str) -> bytes:
    """A valid .xls with one part of its container forged."""
    body = biff_stream({"Sheet1": [biff_number(i, 0, i) for i in range(400)]})  # > 8 sectors
    data, info = cfb_parts({"Workbook": body})
    chain = info["chains"]["Workbook"]  # type: ignore[index]
    entry_at = _sector_at(info["dir"]) + 128  # type: ignore[arg-type]
    if kind == "stream_loop":  # the third sector of the stream points back to the first
        struct.pack_into("<I", data, _fat_entry_at(info, chain[2]), chain[0])
    elif kind == "directory_loop":  # the directory chain never ends (calamine: forever)
        struct.pack_into("<I", data, _fat_entry_at(info, info["dir"]), info["dir"])  # type: ignore[arg-type]
    elif kind == "difat_loop":  # a DIFAT sector whose next pointer is itself (calamine: forever)
        spare = len(data) // _SECTOR - 1
        data += bytes(_SECTOR)
        struct.pack_into("<I", data, _sector_at(spare) + _SECTOR - 4, spare)
        struct.pack_into("<I", data, 68, spare)  # first DIFAT sector
        struct.pack_into("<I", data, 72, 1)  # one DIFAT sector
        for i in range(127):  # its entries: all free
            struct.pack_into("<I", data, _sector_at(spare) + 4 * i, _FREE)
    elif kind == "fat_count":  # 268 million FAT sectors declared (calamine reserves them)
        struct.pack_into("<I", data, 44, 0x0FFFFFFF)
    elif kind == "sector_outside":  # the stream starts far past the end of the file
        struct.pack_into("<I", data, entry_at + 116, 1_000_000)
    elif kind == "size_huge":  # the stream declares 2 GB
        struct.pack_into("<I", data, entry_at + 120, 0x7FFFFFFF)
    elif kind == "size_past_chain":  # the stream declares more than its chain holds
        struct.pack_into("<I", data, entry_at + 120, len(chain) * _SECTOR + 600)
    elif kind == "tree_loop":  # the stream's entry is its own left sibling
        struct.pack_into("<I", data, entry_at + 68, 1)
    elif kind == "truncated":
        return bytes(data[: len(data) * 6 // 10])
    return bytes(data)


def _xls_many_entries(count: int) -> bytes:
    """A valid .xls whose directory holds `count` entries (the rest unused)."""
    body = biff_stream({"Sheet1": [biff_number(0, 0, 1)]})
    return bytes(cfb_parts({"Workbook": body}, dir_sectors=-(-count // 4))[0])


def _xls_files() -> dict[str, tuple[bytes, str]]:
    cells = [biff_number(0, 0, 1)]
    sst_flood = biff_record(0x00FC, struct.pack("<II", 1, 1)) + biff_record(0x003C) * 5_000
    return {
        "xls_valid_small.xls": (xls_bytes(), "ok"),
        "xls_truncated.xls": (_forged_xls("truncated"), "corrupt"),
        "xls_stream_chain_loop.xls": (_forged_xls("stream_loop"), "corrupt"),
        "xls_directory_chain_loop.xls": (_forged_xls("directory_loop"), "corrupt"),
        "xls_difat_chain_loop.xls": (_forged_xls("difat_loop"), "corrupt"),
        "xls_fat_count_268_million.xls": (_forged_xls("fat_count"), "corrupt"),
        "xls_sector_outside_the_file.xls": (_forged_xls("sector_outside"), "corrupt"),
        "xls_stream_size_2gb.xls": (_forged_xls("size_huge"), "too_large"),
        "xls_stream_size_past_its_chain.xls": (_forged_xls("size_past_chain"), "corrupt"),
        "xls_directory_tree_loop.xls": (_forged_xls("tree_loop"), "corrupt"),
        "xls_1100_directory_entries.xls": (_xls_many_entries(1_100), "too_large"),
        "xls_cell_at_IV65536.xls": (
            xls_bytes({"Sheet1": [*cells, biff_number(65535, 255, 1)]}),
            "sheet_too_big",
        ),
        "xls_cell_in_column_65535.xls": (
            xls_bytes({"Sheet1": [*cells, biff_number(0, 65535, 1)]}),
            "sheet_too_big",
        ),
        "xls_dimensions_4e9_rows.xls": (
            xls_bytes(
                {"Sheet1": [biff_record(0x0200, struct.pack("<IIHHH", 0, 0xFFFFFFFF, 0, 256, 0))]}
            ),
            "sheet_too_big",
        ),
        "xls_sheet_offset_outside.xls": (xls_bytes(offset_shift=1_000_000), "corrupt"),
        "xls_sheet_offset_off_its_record.xls": (xls_bytes(offset_shift=3), "corrupt"),
        "xls_record_past_the_end.xls": (
            xls_bytes(sheet_end=struct.pack("<HH", 0x000A, 60_000)),
            "corrupt",
        ),
        "xls_sheet_without_eof.xls": (xls_bytes(sheet_end=b""), "corrupt"),
        "xls_5000_continue_records.xls": (xls_bytes(globals_extra=sst_flood), "too_large"),
        "xls_filepass_encrypted.xls": (
            xls_bytes(globals_extra=biff_record(0x002F, struct.pack("<HHH", 1, 1, 1))),
            "encrypted",
        ),
        "xls_biff5_excel95.xls": (xls_bytes(version=0x0500), "legacy_xls"),
        "xls_with_vba_macros.xls": (
            bytes(
                cfb_parts(
                    {
                        "Workbook": biff_stream({"Sheet1": cells}),
                        "_VBA_PROJECT_CUR": b"Attribute VB_Name",
                    }
                )[0]
            ),
            "ok",  # its values are read; the VBA project never reaches calamine
        ),
        "xls_text_40000_chars.xls": (
            xls_bytes({"Sheet1": [biff_label(0, 0, "a" * 40_000)]}),
            "too_large",
        ),
    }


# --- .ods: an OpenDocument spreadsheet, written by hand ----------------------------------

ODS_MIME = "application/vnd.oasis.opendocument.spreadsheet"
ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"'
)
ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
    f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{ODS_MIME}"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)
ODS_ENCRYPTED_MANIFEST = ODS_MANIFEST.replace(
    'manifest:media-type="text/xml"/>',
    'manifest:media-type="text/xml"><manifest:encryption-data manifest:checksum-type="SHA1" '
    'manifest:checksum="AAAA"/></manifest:file-entry>',
)
ODS_ONE_CELL = (
    '<table:table-row><table:table-cell office:value-type="float" office:value="1">'
    "<text:p>1</text:p></table:table-cell></table:table-row>"
)


def ods_content(rows: str = ODS_ONE_CELL, *, head: str = "", name: str = "Sheet1") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{head}'
        f"<office:document-content {ODS_NS}><office:body><office:spreadsheet>"
        f'<table:table table:name="{name}">{rows}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )


def ods_bytes(content: str | bytes | None = None, *, manifest: str = ODS_MANIFEST) -> bytes:
    """A minimal .ods: mimetype first and stored, then manifest and content.xml."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype", (2024, 4, 1, 0, 0, 0)), ODS_MIME, zipfile.ZIP_STORED)
        for name, data in (
            ("META-INF/manifest.xml", manifest),
            ("content.xml", ods_content() if content is None else content),
        ):
            z.writestr(zipfile.ZipInfo(name, (2024, 4, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def _ods_files() -> dict[str, tuple[bytes, str]]:
    value = '<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>'
    laughs = BILLION_LAUGHS.split("<sst")[0].replace('<?xml version="1.0"?>', "")
    nested = "<text:span>" * 1000 + "x" + "</text:span>" * 1000
    return {
        "ods_valid_small.ods": (ods_bytes(), "ok"),
        # LibreOffice writes empty cells and rows repeated to the sheet's edge: nothing to refuse
        "ods_empty_repeats_to_the_edge.ods": (
            ods_bytes(
                ods_content(
                    ODS_ONE_CELL.replace(
                        "</table:table-row>",
                        '<table:table-cell table:number-columns-repeated="16383"/></table:table-row>',
                    )
                    + '<table:table-row table:number-rows-repeated="1048575">'
                    '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
                )
            ),
            "ok",
        ),
        "ods_truncated.ods": (ods_bytes()[:300], "corrupt"),
        "ods_billion_laughs_in_content.ods": (
            ods_bytes(ods_content(ODS_ONE_CELL, head=laughs)),
            "unsafe_archive",
        ),
        "ods_external_entity_in_content.ods": (
            ods_bytes(
                ods_content(
                    ODS_ONE_CELL, head='<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                )
            ),
            "unsafe_archive",
        ),
        "ods_nested_1000_deep.ods": (
            ods_bytes(
                ods_content(
                    '<table:table-row><table:table-cell office:value-type="string">'
                    f"<text:p>{nested}</text:p></table:table-cell></table:table-row>"
                )
            ),
            "too_large",
        ),
        "ods_value_rows_repeated_1e9.ods": (
            ods_bytes(
                ods_content(
                    f'<table:table-row table:number-rows-repeated="1000000000">{value}</table:table-row>'
                )
            ),
            "sheet_too_big",
        ),
        "ods_value_columns_repeated_16384.ods": (
            ods_bytes(
                ods_content(
                    "<table:table-row>"
                    + value.replace(
                        "<table:table-cell ",
                        '<table:table-cell table:number-columns-repeated="16384" ',
                    )
                    + "</table:table-row>"
                )
            ),
            "sheet_too_big",
        ),
        "ods_value_after_5000_empty_columns.ods": (
            ods_bytes(
                ods_content(
                    '<table:table-row><table:table-cell table:number-columns-repeated="5000"/>'
                    f"{value}</table:table-row>"
                )
            ),
            "sheet_too_big",
        ),
        "ods_value_after_200000_empty_rows.ods": (
            ods_bytes(
                ods_content(
                    '<table:table-row table:number-rows-repeated="200000"><table:table-cell/>'
                    f"</table:table-row>{ODS_ONE_CELL}"
                )
            ),
            "sheet_too_big",
        ),
        "ods_text_spaces_4e9.ods": (
            ods_bytes(
                ods_content(
                    '<table:table-row><table:table-cell office:value-type="string">'
                    '<text:p>a<text:s text:c="4000000000"/></text:p></table:table-cell></table:table-row>'
                )
            ),
            "too_large",
        ),
        "ods_repeat_count_not_a_number.ods": (
            ods_bytes(
                ods_content(
                    f'<table:table-row table:number-rows-repeated="1_000">{value}</table:table-row>'
                )
            ),
            "corrupt",
        ),
        "ods_encrypted_manifest.ods": (ods_bytes(manifest=ODS_ENCRYPTED_MANIFEST), "encrypted"),
        "ods_with_basic_macros.ods": (
            zip_bytes(
                [
                    ("mimetype", ODS_MIME),
                    ("META-INF/manifest.xml", ODS_MANIFEST),
                    ("content.xml", ods_content()),
                    ("Basic/Standard/Module1.xml", "<script/>"),
                ]
            ),
            "ok",  # read; Basic/ is never inflated nor given to calamine
        ),
        "ods_without_content.ods": (
            zip_bytes([("mimetype", ODS_MIME), ("META-INF/manifest.xml", ODS_MANIFEST)]),
            "corrupt",
        ),
        "ods_content_60mb_of_blanks.ods": (
            ods_bytes(
                ods_content(ODS_ONE_CELL).replace(
                    "<table:table-row>", " " * 60_000_000 + "<table:table-row>", 1
                )
            ),
            "too_large",
        ),
    }


# --- survey workbooks that once stopped a whole run ---------------------------------------


def _inline(ref: str, value: object) -> str:
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    text = str(value).replace("&", "&amp;").replace("<", "&lt;")
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _grid(rows: list[list[object]]) -> str:
    from string import ascii_uppercase

    out = []
    for r, row in enumerate(rows, start=1):
        cells = "".join(
            _inline(f"{ascii_uppercase[c]}{r}", v) for c, v in enumerate(row) if v not in (None, "")
        )
        out.append(f'<row r="{r}">{cells}</row>')
    return "".join(out)


def survey_xlsx(
    *,
    version: object = "2",
    project: object = "1",
    reporter: str = "芦別市",
    year: str = "R6",
    initiative_rows: int = 1,
    extra_value_rows: int = 0,
) -> bytes:
    """A minimal filled survey of one of the sample master's 空知 reporters, as hand-written
    sheet XML: `initiative_rows` rows of 取組, `extra_value_rows` rows added to 調査実績."""
    info = [[], [], [], ["項目", "記入欄"], ["市町名", reporter], ["調査年度", year]]
    info += [["担当部署", "企画課"], ["担当者名", "芦別花子"], ["電話番号", "0124-00-0000"]]
    info += [["メールアドレス", "kikaku@example.jp"], ["記入日", "2025/5/20"]]
    header = ["調査項目ID", "調査項目", "単位", "前年度実績", "実績値", "状態", "備考"]
    values: list[list[object]] = [[], [], [], header]
    for mid, name, unit, v in (
        ("M01", "観光入込客数", "人", 455000),
        ("M02", "移住相談件数", "件", 35),
        ("M03", "認定こども園数", "カ所", 1),
        ("M04", "耕作面積", "ha", 2610),
    ):
        values.append([mid, name, unit, None, v, "確定"])
    values += [["M09", "追加の行", "人", None, 1, "確定"]] * extra_value_rows
    header = [
        "プロジェクト",
        "取組名",
        "実施主体",
        "開始日",
        "終了日",
        "日程（表示用）",
        "場所",
        "概要",
        "成果指標",
        "成果値",
    ]
    initiatives: list[list[object]] = [[], [], [], header]
    for i in range(initiative_rows):
        title = "ガイドツアー" if i == 0 else f"ガイドツアー{i + 1}"
        initiatives.append([project, title, "市", "2024/9/14", None, None, None, "概要"])
    meta = [
        ["key", "value"],
        ["template_version", version],
        ["fiscal_year", year],
        ["reporter", reporter],
        ["measure_ids", "M01,M02,M03,M04"],
    ]
    return zip_bytes(
        xlsx_parts(
            {
                "基本情報": sheet_xml(_grid(info)),
                "調査実績": sheet_xml(_grid(values)),
                "取組": sheet_xml(_grid(initiatives)),
                "_meta": sheet_xml(_grid(meta)),
            },
            states={"_meta": "hidden"},
        )
    )


def crash_reproducers() -> dict[str, tuple[bytes, str]]:
    """Each of these once aborted the whole run with 「予期しない問題が起きました」."""
    return {
        # '①'.isdigit() is True, int('①') fails
        "R6_芦別市_調査票_版が丸数字.xlsx": (survey_xlsx(version="①"), "ok"),
        # int() refuses more than 4,300 digits (Python 3.11)
        "R6_美唄市_調査票_プロジェクト4301桁.xlsx": (
            survey_xlsx(project="1" * 4301, reporter="美唄市"),
            "ok",
        ),
        # a control character and U+FFFF in the name: neither may reach the master's XML
        "R6_夕張市_調査票\x01\uffff.xlsx": (survey_xlsx(reporter="夕張市"), "ok"),
    }


def write_all(folder: Path) -> dict[str, str]:
    """Write every hostile file into `folder`; {file name: expected code or "ok"}."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    expected = {}
    for name, (data, code) in hostile_files().items():
        (folder / name).write_bytes(data)
        expected[name] = code
    return expected


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: make_hostile.py OUT_DIR")
    for file_name, code in write_all(Path(sys.argv[1])).items():
        print(f"{code:15} {file_name}")
