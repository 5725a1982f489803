"""Whether a returned file's ZIP container is safe to hand to a parser.

Everything here runs before python-calamine or any XML parser sees the file:

- `Package.kind` tells an .xlsx from an .xlsm, .xlsb, .ods or Word file by the
  package's content types (sniff.py does the same for files that are no ZIP).
- `Package` checks the ZIP: number of members, member names (`..`, leading
  `/`, drive letters, NUL bytes), duplicate names, and the real uncompressed
  size of every member, inflated here with a hard cap instead of trusting the
  sizes the central directory declares (they can be forged). Every member is
  also searched for a DTD (`<!DOCTYPE`): OOXML parts never carry one, and a DTD
  is how entity-expansion and external-entity attacks start.
- `Package.workbook_parts` maps sheet names to their parts through
  workbook.xml and its relationships (Strict OOXML, backslash part names,
  relative or absolute targets), parsed with expat, DTDs refused.

Every refusal is an `UnreadableWorkbook` with a catalogue code.
"""

from __future__ import annotations

import functools
import io
import posixpath
import re
import string
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from urllib.parse import unquote

from sorachi_etl.model.errors import UnreadableWorkbook
from sorachi_etl.model.messages import phrase

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Ceilings for one returned workbook; survey workbooks are 20-60 KB, so these are generous."""

    max_file_bytes: int = 20 * MB  # the file on disk
    max_total_bytes: int = 50 * MB  # all ZIP members, uncompressed
    max_member_bytes: int = 20 * MB  # one ZIP member, uncompressed
    max_ratio: float = 200.0  # uncompressed / compressed, for members above ratio_floor_bytes
    ratio_floor_bytes: int = 1 * MB
    max_members: int = 1_000
    max_rows: int = 100_000  # a cell below this row is refused before calamine reads the sheet
    max_cols: int = 1_000
    max_cells: int = 2_000_000  # rows x columns of the grid from A1, as calamine allocates it
    max_text_chars: int = 32_767  # Excel's own limit for one cell
    max_shared_strings: int = 1_000_000  # declared uniqueCount; calamine reserves memory for it
    max_cfb_entries: int = 1_000  # directory entries of an .xls container (a return has about 6)
    max_biff_records: int = 2_000_000  # records of an .xls workbook stream
    max_continues: int = (
        4_096  # CONTINUE records after one record (calamine's reading is quadratic)
    )
    max_xml_depth: int = 256  # element nesting of an .ods content.xml (LibreOffice writes ~10)


DEFAULT_LIMITS = Limits()


def corrupt(detail: str) -> UnreadableWorkbook:
    return UnreadableWorkbook("corrupt", detail=detail)


def unsafe(detail: str) -> UnreadableWorkbook:
    return UnreadableWorkbook("unsafe_archive", detail=detail)


def too_large(detail: str) -> UnreadableWorkbook:
    return UnreadableWorkbook("too_large", detail=detail)


def megabytes(n: int) -> str:
    return f"{n / MB:,.1f} MB"


def shown(name: str) -> str:
    """A member name fit to quote in a message: printable and short."""
    text = "".join(ch if ch.isprintable() else "?" for ch in name)
    return text if len(text) <= 60 else text[:57] + "..."


_CONTENT_TYPE = re.compile(rb"ContentType\s*=\s*[\"']([^\"']+)[\"']")
_DOCTYPE = re.compile(rb"<!(?i:doctype)|<\x00!\x00[Dd]\x00|\x00<\x00!\x00[Dd]")
# Few "!" in a part: looking around each is cheaper than the pattern over all of it.
_FEW_MARKS = 64


def has_doctype(body: bytes) -> bool:
    """Whether `body` holds a DTD (<!DOCTYPE, also as UTF-16).

    Every form has a "!" within 3 bytes after its start and ends 8 bytes after
    it at most, so the pattern is tried only around each "!" (a memchr finds
    them), unless there are many: a part of formulas full of "!" gets the
    pattern over the whole of it, which is linear.
    """
    found = body.find(b"!")
    if found < 0:
        return False
    if body.count(b"!") > _FEW_MARKS:
        return _DOCTYPE.search(body) is not None
    while found >= 0:
        if _DOCTYPE.search(body, max(0, found - 3), found + 8):
            return True
        found = body.find(b"!", found + 1)
    return False


_DRIVE = re.compile(r"^[A-Za-z]:")
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_UTF16_STARTS = (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")
# Parts kept in memory after the check; media and binaries are only measured.
_KEEP = (".xml", ".rels")

ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


class Package:
    """A ZIP container opened from bytes, read only through size-capped inflation.

    Construct, then `kind()`; for an .xlsx, `check_directory()` and
    `check_sizes()` before anything parses a part, then `check_members()`.
    Member names are looked up with backslashes turned into slashes and ASCII
    letters folded, as OPC part names are case-insensitive.
    """

    def __init__(self, data: bytes, limits: Limits = DEFAULT_LIMITS) -> None:
        self.data = data
        self.limits = limits
        self._check_entry_count()
        try:
            self.infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
        except Exception as exc:  # zipfile raises BadZipFile, ValueError, struct.error, ...
            raise corrupt(phrase("zip_no_directory")) from exc
        self.by_name = {self.key(i.filename): i for i in self.infos if not i.is_dir()}
        self._parts: dict[str, bytes] = {}
        self._parsed: dict[str, list[_Element] | None] = {}
        # Keys of the members holding <sheetData>, known after check_members.
        self.sheet_data_parts: set[str] = set()

    def _check_entry_count(self) -> None:
        # Refuse a huge central directory before zipfile spends time parsing it.
        end = self.data.rfind(b"PK\x05\x06", max(0, len(self.data) - 65_557))
        if end >= 0 and len(self.data) >= end + 12:
            count = struct.unpack_from("<H", self.data, end + 10)[0]
            if count != 0xFFFF and count > self.limits.max_members:
                raise too_large(
                    phrase("zip_too_many_members", count=count, limit=self.limits.max_members)
                )

    @staticmethod
    @functools.lru_cache(maxsize=4096)  # the same few part names in every return
    def key(name: str) -> str:
        """The lookup key of a part name: slashes, ASCII letters in lower case.

        Only ASCII letters are folded, as calamine folds them: str.lower() would
        make "K" (KELVIN SIGN) a "k", and two names calamine tells apart one.
        """
        name = name.replace("\\", "/")
        return name.lower() if name.isascii() else name.translate(_ASCII_LOWER)

    def info(self, name: str) -> zipfile.ZipInfo | None:
        return self.by_name.get(self.key(name))

    # --- what kind of package ---------------------------------------------------------

    def kind(self) -> str:
        """ "xlsx", "xlsm", "xlsb", "ods", "odf", "docx", "pptx" or "zip" (nothing Office)."""
        mimetype = self.info("mimetype")
        if mimetype is not None:
            text = self.read_info(mimetype, cap=1024).strip()
            if text.startswith(ODS_MIMETYPE):
                return "ods"
            if text.startswith(b"application/vnd.oasis.opendocument"):
                return "odf"
        types_part = self.info("[Content_Types].xml")
        types: set[bytes] = set()
        if types_part is not None:
            types = {t.lower() for t in _CONTENT_TYPE.findall(self.read_info(types_part))}
        # Judge by the main part's type: a Word file may embed a workbook, so any
        # spreadsheetml type alone proves nothing.
        mains = {t for t in types if t.endswith((b".main+xml", b".main"))}
        if any(b"wordprocessingml" in t or b"ms-word" in t for t in mains):
            return "docx"
        if any(b"presentationml" in t or b"ms-powerpoint" in t for t in mains):
            return "pptx"
        if any(b"sheet.binary" in t for t in mains):
            return "xlsb"
        has_vba = any(
            key.endswith("vbaproject.bin") and key.rsplit("/", 1)[-1] == "vbaproject.bin"
            for key in self.by_name
        )
        if has_vba or any(b"macroenabled" in t or b"vbaproject" in t for t in types):
            return "xlsm"
        if any(b"spreadsheetml" in t for t in mains):
            return "xlsx"
        # A workbook without a usable [Content_Types].xml: let the later checks decide.
        if any(key.endswith("workbook.xml") for key in self.by_name):
            return "xlsx"
        return "zip"

    # --- safety -----------------------------------------------------------------------

    def check_directory(self) -> None:
        """Refuse unsafe member names and duplicate members that differ."""
        seen: dict[str, zipfile.ZipInfo] = {}
        for info in self.infos:
            raw = info.orig_filename
            name = _norm(raw)
            if (
                "\x00" in raw
                or name.startswith("/")
                or _DRIVE.match(name)
                or ".." in name.split("/")
            ):
                raise unsafe(phrase("zip_bad_member_name", name=shown(raw)))
            if info.is_dir():
                continue
            key = self.key(name)
            first = seen.setdefault(key, info)
            # Readers silently take one of the two; harmless only when both are the same
            # bytes. A CRC is easily forged: the bytes themselves are compared.
            if first is not info and (
                (first.CRC, first.file_size) != (info.CRC, info.file_size)
                or _inflate(self.data, first, self.limits.max_member_bytes)
                != _inflate(self.data, info, self.limits.max_member_bytes)
            ):
                raise unsafe(phrase("zip_duplicate_member", name=shown(name)))

    def check_sizes(self) -> None:
        """Every member's declared size against the caps, before any part is parsed.

        The declared sizes can be trusted here: `_inflate` refuses a member that
        inflates to more than its declared size.
        """
        limits = self.limits
        declared = sum(i.file_size for i in self.infos)
        if declared > limits.max_total_bytes:
            raise too_large(
                phrase(
                    "zip_total_too_large",
                    size=megabytes(declared),
                    limit=megabytes(limits.max_total_bytes),
                )
            )
        for info in self.infos:
            if info.file_size > limits.max_member_bytes:
                raise too_large(
                    phrase(
                        "zip_member_too_large",
                        name=shown(info.filename),
                        size=megabytes(info.file_size),
                    )
                )
            self._check_ratio(info, info.file_size)

    def check_members(self, keys: set[str] | None = None) -> None:
        """Inflate members with hard caps; refuse forged sizes, UTF-16 parts and DTDs.

        Call `check_sizes` first: the sizes checked there bound what inflates here.
        `keys` (lookup keys, see `key`) names the members something will read;
        None means every member. A member left out is never inflated, by this
        package or by calamine, so a bomb or a DTD in it can do no harm.
        """
        for info in self.infos:
            if info.is_dir():
                continue
            key = self.key(info.filename)
            if keys is not None and key not in keys:
                continue
            body = self.read_info(info)
            # The scans here and in sheetxml read ASCII-compatible bytes; Excel always
            # writes UTF-8, and a UTF-16 part would slip past them.
            if body[:2] in _UTF16_STARTS:
                raise corrupt(phrase("zip_member_utf16", name=shown(info.filename)))
            if has_doctype(body):
                raise unsafe(phrase("zip_member_dtd", name=shown(info.filename)))
            if b"sheetData" in body:
                self.sheet_data_parts.add(key)
            if not key.endswith(_KEEP) and key not in self.sheet_data_parts:
                self._parts.pop(key, None)

    def _check_ratio(self, info: zipfile.ZipInfo, size: int) -> None:
        limits = self.limits
        if size > limits.ratio_floor_bytes and size > limits.max_ratio * max(info.compress_size, 1):
            raise unsafe(phrase("zip_member_bomb", name=shown(info.filename)))

    def repacked(self, keys: set[str]) -> bytes:
        """The members named by `keys` (inflated and checked), in a new uncompressed ZIP.

        What calamine is given on the fast path: it reads only what was checked here,
        and copies stored members instead of inflating them a second time.
        """
        chunks: list[bytes] = []
        directory: list[bytes] = []
        offset = 0
        for key in sorted(keys):
            info = self.by_name.get(key)  # the member checked under this key, no other
            if info is None:
                continue
            body = self.read_info(info)
            name = info.filename.encode("utf-8")
            # version 2.0, flag 0x800 (UTF-8 name), stored, no time, CRC, sizes
            fields = (0x800, 0, 0, 0, info.CRC, len(body), len(body), len(name))
            local = struct.pack("<4sH4H3I2H", b"PK\x03\x04", 20, *fields, 0)
            chunks += (local, name, body)
            directory.append(
                struct.pack("<4s2H4H3I5H2I", b"PK\x01\x02", 20, 20, *fields, 0, 0, 0, 0, 0, offset)
                + name
            )
            offset += len(local) + len(name) + len(body)
        listing = b"".join(directory)
        end = struct.pack(
            "<4s4H2IH", b"PK\x05\x06", 0, 0, len(directory), len(directory), len(listing), offset, 0
        )
        return b"".join(chunks) + listing + end

    def read_info(self, info: zipfile.ZipInfo, cap: int | None = None) -> bytes:
        """The member's bytes, inflated here with at most `cap` bytes of output."""
        key = _norm(info.filename).lower()
        if key in self._parts and self.by_name.get(key) is info:
            return self._parts[key]
        cap = self.limits.max_member_bytes if cap is None else cap
        body = _inflate(self.data, info, cap)
        if self.by_name.get(key) is info:
            self._parts[key] = body
        return body

    def read(self, name: str) -> bytes | None:
        info = self.info(name)
        return None if info is None else self.read_info(info)

    # --- the workbook's parts -----------------------------------------------------------

    def workbook_parts(self) -> WorkbookParts:
        """Sheet names, states and parts, date1904 and Strict, from workbook.xml and its rels."""
        root_rels = self._rels("_rels/.rels", "")
        main = next((t for t, typ, _ in root_rels if typ.endswith("/officedocument")), None)
        if main is None or self.info(main) is None:
            main = "xl/workbook.xml"
        elements = self._parse(main, phrase("part_workbook"))
        if elements is None:
            raise corrupt(phrase("zip_no_workbook"))
        base = posixpath.dirname(main)
        rels_name = posixpath.join(base, "_rels", posixpath.basename(main) + ".rels")
        rels = self._rels(rels_name, base)
        by_id = {rid: target for target, _typ, rid in rels}
        root = elements[0][0] if elements else ""
        strict = _namespace(root) == _STRICT_MAIN and _local(root) == "workbook"
        parts = WorkbookParts(main=main, strict=strict)
        parts.shared_strings = next(
            (t for t, typ, _ in rels if typ.endswith("/sharedstrings")), None
        )
        for tag, attrs in elements:
            if _namespace(tag) not in _MAIN_NAMESPACES:
                continue  # e.g. x15:workbookPr in an extension, which says nothing of dates
            name = _local(tag)
            if name == "workbookPr":
                parts.date1904 = attrs.get("date1904", "").strip().lower() in ("1", "true")
            elif name == "sheet":
                rid = next((v for k, v in attrs.items() if "}" in k and _local(k) == "id"), None)
                state = attrs.get("state", "visible").lower()
                parts.sheets.append(SheetPart(attrs.get("name", ""), state, by_id.get(rid)))
        return parts

    def calamine_parts(self, parts: WorkbookParts, names: list[str]) -> set[str] | None:
        """The members python-calamine reads for the named sheets, when it finds them where we do.

        calamine's xlsx reader (src/xlsx/mod.rs) always reads xl/workbook.xml
        and xl/_rels/workbook.xml.rels, matches element and attribute names
        literally (`sheet` in any namespace, `r:id`), makes a target into a
        path by prefixing "xl/", and looks members up ignoring ASCII case. When
        every named sheet leads it to the very member `parts` says, the lookup
        keys of what it needs to read those sheets are returned: the package
        parts, the shared strings and styles, and the named sheets. (Given only
        these, as `repacked` does, it finds no tables or pictures, which it
        would read only on request and skips when absent.) Otherwise None: the
        caller must then check every member.
        """
        if self.key(parts.main) != "xl/workbook.xml":
            return None
        found = self._calamine_sheet_paths()
        ours = {s.name: s.part for s in parts.sheets}
        keys = {"[content_types].xml", "_rels/.rels", "xl/workbook.xml"}
        keys |= {"xl/_rels/workbook.xml.rels", "xl/sharedstrings.xml", "xl/styles.xml"}
        for name in names:
            path, part = found.get(name), ours.get(name)
            info = self.info(part) if part else None
            if path is None or info is None or not path.isascii():
                return None
            if path.lower() != info.filename.lower():  # also no backslash in the member name
                return None
            keys.add(self.key(part))
        if parts.shared_strings:
            keys.add(self.key(parts.shared_strings))
        return keys

    def _calamine_sheet_paths(self) -> dict[str, str | None]:
        """Sheet name -> the member calamine reads for it (None: none), found as calamine
        finds it: xl/workbook.xml and its relationships, names matched literally."""
        workbook = self._parse("xl/workbook.xml", phrase("part_workbook")) or []
        rels = self._parse(
            "xl/_rels/workbook.xml.rels",
            phrase("part_relationships", name="xl/_rels/workbook.xml.rels"),
        )
        targets: dict[str, str] = {}
        for tag, attrs in rels or ():
            if _local(tag) == "Relationship":
                written = {_written(k): v for k, v in attrs.items()}
                targets[written.get("Id", "")] = written.get("Target", "")
        found: dict[str, str | None] = {}
        for tag, attrs in workbook:
            if _local(tag) != "sheet":
                continue
            path = None
            written = {_written(k): v for k, v in attrs.items()}
            for key, value in written.items():
                if key in ("r:id", "relationships:id"):
                    path = targets.get(value)
            if path is not None:
                if path.startswith("/xl/"):
                    path = path[1:]
                elif not path.startswith("xl/"):
                    path = "xl/" + path
            found.setdefault(written.get("name", ""), path)
        return found

    def _parse(self, name: str, what: str) -> list[_Element] | None:
        """The elements of a small XML member (parsed once), None when there is no such member."""
        key = self.key(name)
        if key not in self._parsed:
            xml = self.read(name)
            self._parsed[key] = None if xml is None else _elements(xml, what)
        return self._parsed[key]

    def _rels(self, name: str, base: str) -> list[tuple[str, str, str | None]]:
        """(target part, lower-case type, id) of each internal relationship in `name`."""
        elements = self._parse(name, phrase("part_relationships", name=shown(name)))
        out = []
        for tag, attrs in elements or ():
            if _local(tag) != "Relationship" or attrs.get("TargetMode") == "External":
                continue
            target = self._resolve(base, attrs.get("Target", ""))
            if target is not None:
                out.append((target, attrs.get("Type", "").lower(), attrs.get("Id")))
        return out

    def _resolve(self, base: str, target: str) -> str | None:
        target = target.replace("\\", "/")
        path = target[1:] if target.startswith("/") else posixpath.join(base, target)
        path = posixpath.normpath(path)
        if path.startswith("../") or path in (".", ".."):
            return None
        if self.info(path) is None and self.info(unquote(path)) is not None:
            path = unquote(path)
        return path


@dataclass
class SheetPart:
    name: str
    state: str  # as written in workbook.xml, lower case: "visible", "hidden", "veryhidden"
    part: str | None  # the sheet's part name, None when its relationship is missing


@dataclass
class WorkbookParts:
    main: str
    strict: bool = False
    date1904: bool = False
    shared_strings: str | None = None
    sheets: list[SheetPart] = field(default_factory=list)


def _norm(name: str) -> str:
    return name.replace("\\", "/")


_STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"
_MAIN_NAMESPACES = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main", _STRICT_MAIN, "")


# An element as expat gives it with namespace prefixes kept: its name ("uri}local}prefix",
# "uri}local" or "local") and its attributes, keyed the same way.
_Element = tuple[str, dict[str, str]]


def _local(name: str) -> str:
    """The local part of an element or attribute name as `_elements` gives it."""
    return name.split("}", 2)[1] if "}" in name else name


def _namespace(name: str) -> str:
    return name.partition("}")[0] if "}" in name else ""


def _written(name: str) -> str:
    """The name as written in the file ("r:id"), which is how calamine matches attributes."""
    if "}" not in name:
        return name
    parts = name.split("}", 2)
    return f"{parts[2]}:{parts[1]}" if len(parts) == 3 else parts[1]


# workbook.xml and relationship parts hold a few dozen elements, a few thousand at most.
_MOST_ELEMENTS = 100_000


def _elements(xml: bytes, what: str) -> list[_Element]:
    """Each element of a small part, in document order.

    expat, with any DTD or entity declaration refused, and without building a
    tree: the rels and workbook.xml of every file are parsed here. Names keep
    their prefixes (namespace_prefixes), for `Package.calamine_parts`.
    """
    from xml.parsers import expat

    found: list[_Element] = []
    parser = expat.ParserCreate(namespace_separator="}")
    parser.namespace_prefixes = True

    def start(name: str, attrs: dict[str, str]) -> None:
        if len(found) >= _MOST_ELEMENTS:
            raise too_large(phrase("xml_too_many_elements", what=what, limit=_MOST_ELEMENTS))
        found.append((name, attrs))

    parser.StartElementHandler = start

    def refuse(*_: object) -> None:
        raise unsafe(phrase("xml_dtd", what=what))

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    try:
        parser.Parse(xml, True)
    except (expat.ExpatError, LookupError, ValueError) as exc:  # LookupError: unknown encoding
        raise corrupt(phrase("xml_broken", what=what)) from exc
    return found


def _inflate(data: bytes, info: zipfile.ZipInfo, cap: int) -> bytes:
    """Inflate one member from its local header, producing at most its declared size + 1 byte.

    The declared size (already checked against `cap`) bounds the work: a member
    that inflates to more than it declares is a forged, bomb-like member, refused
    as soon as the extra byte appears. (zipfile would stop at the declared size
    and report a CRC error, which cannot tell a bomb from a damaged member.)
    """

    def part(code: str, **values: object) -> str:  # the message, made only when one is needed
        return phrase(code, name=shown(info.filename), **values)

    if info.file_size > cap:
        raise too_large(part("zip_member_too_large", size=megabytes(info.file_size)))
    offset = info.header_offset
    if data[offset : offset + 4] != b"PK\x03\x04" or len(data) < offset + 30:
        raise corrupt(part("zip_member_bad_offset"))
    if info.flag_bits & 0x1:
        raise corrupt(part("zip_member_encrypted"))
    name_len, extra_len = struct.unpack_from("<HH", data, offset + 26)
    start = offset + 30 + name_len + extra_len
    raw = memoryview(data)[start : start + info.compress_size]
    if len(raw) < info.compress_size:
        raise corrupt(part("zip_member_cut"))
    if info.compress_type == zipfile.ZIP_STORED:
        body = bytes(raw)
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-15)
        try:
            body = inflater.decompress(raw, info.file_size + 1)
        except zlib.error as exc:
            raise corrupt(part("zip_member_deflate_broken")) from exc
        if len(body) <= info.file_size and not inflater.eof:
            raise corrupt(part("zip_member_deflate_cut"))
    else:
        raise corrupt(part("zip_member_unknown_method"))
    if len(body) > info.file_size:
        raise unsafe(part("zip_member_inflates_past_size"))
    if len(body) != info.file_size or zlib.crc32(body) != info.CRC:
        raise corrupt(part("zip_member_broken"))
    return body


def elements(xml: bytes, what: str) -> list[tuple[str, dict[str, str]]]:
    """Each element of a small XML part, DTD and entity declarations refused (see `_elements`).

    Names are "namespace}local}prefix", "namespace}local" or "local".
    """
    return _elements(xml, what)
