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
    }
    return files


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
