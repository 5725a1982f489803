"""What a returned file is, told from its bytes, never from its extension.

`sniff_bytes` tells an .xlsx from an encrypted workbook (OLE container with
EncryptionInfo and EncryptedPackage), a legacy .xls, an .ods, a macro-enabled
or binary workbook, and from a CSV, a text or HTML file, a PDF or an image
renamed to .xlsx. ZIP packages are judged by `archive.Package.kind`.
"""

from __future__ import annotations

from pathlib import Path

from sorachi_etl.intake.archive import Package
from sorachi_etl.intake.cfb import MAGIC as OLE_MAGIC
from sorachi_etl.intake.cfb import Container
from sorachi_etl.model.errors import UnreadableWorkbook
from sorachi_etl.model.messages import phrase

# Words for `not_excel`'s {kind}, as a clerk would name the file.
KIND_LABELS = {
    "csv": phrase("file_kind_csv"),
    "text": phrase("file_kind_text"),
    "html": phrase("file_kind_html"),
    "xml2003": phrase("file_kind_xml2003"),
    "pdf": phrase("file_kind_pdf"),
    "png": phrase("file_kind_png"),
    "jpeg": phrase("file_kind_jpeg"),
    "gif": phrase("file_kind_gif"),
    "image": phrase("file_kind_image"),
    "zip": phrase("file_kind_zip"),
    "archive": phrase("file_kind_archive"),
    "docx": phrase("file_kind_word"),
    "doc": phrase("file_kind_word"),
    "pptx": phrase("file_kind_powerpoint"),
    "ppt": phrase("file_kind_powerpoint"),
    "odf": phrase("file_kind_odf"),
    "rtf": phrase("file_kind_rtf"),
    "unknown": phrase("file_kind_unknown"),
}


def sniff_kind(path: Path) -> str:
    """The kind of file at `path`, from its bytes: "xlsx", "xlsm", "xlsb", "xls", "ods",
    "encrypted", "csv", "text", "html", "pdf", "png", "jpeg", "zip", "docx", "empty",
    "broken" (a ZIP or OLE container that cannot be opened), "unknown", ...

    Raises OSError when the file cannot be read.
    """
    return sniff_bytes(Path(path).read_bytes())


def sniff_bytes(data: bytes) -> str:
    """`sniff_kind` for bytes already in memory."""
    if not data:
        return "empty"
    if data.startswith(OLE_MAGIC):
        return _ole_kind(data)
    if data.startswith(b"PK"):
        try:
            return Package(data).kind()
        except UnreadableWorkbook:
            return "broken"
    return _plain_kind(data)


def _ole_kind(data: bytes) -> str:
    """Encrypted OOXML and legacy .xls share the OLE/CFB container; its streams tell them apart."""
    try:
        return ole_kind(Container(data))
    except UnreadableWorkbook:
        return "broken"


def ole_kind(container: Container) -> str:
    """ "encrypted", "xls", "doc", "ppt" or "broken", from the streams of an opened container."""
    streams = set(container.top)
    if {"encryptioninfo", "encryptedpackage"} <= streams:
        return "encrypted"
    if streams & {"workbook", "book"}:
        return "xls"
    if "worddocument" in streams:
        return "doc"
    if "powerpoint document" in streams:
        return "ppt"
    return "broken"


_IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"II*\x00", "image"),
    (b"MM\x00*", "image"),
)
_ARCHIVE_MAGIC = (b"7z\xbc\xaf\x27\x1c", b"Rar!\x1a\x07", b"\x1f\x8b", b"BZh")


def _plain_kind(data: bytes) -> str:
    head = data[:4096]
    for magic, kind in _IMAGE_MAGIC:
        if head.startswith(magic):
            return kind
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(_ARCHIVE_MAGIC):
        return "archive"
    if (head[:4] == b"RIFF" and head[8:12] == b"WEBP") or head[4:8] == b"ftyp":
        return "image"
    # BIFF2-4 worksheets (Excel 2.x-4.0) are bare records, not in an OLE container.
    if len(head) >= 4 and head[0] == 0x09 and head[1] in (0x00, 0x02, 0x04) and head[3] == 0:
        return "xls"
    text = _decode_text(head)
    if text is None:
        return "unknown"
    lower = text.lstrip().lower()
    if lower.startswith("{\\rtf"):
        return "rtf"
    if lower.startswith("<?xml") and "urn:schemas-microsoft-com:office:spreadsheet" in lower:
        return "xml2003"
    if lower.startswith(("<!doctype html", "<html", "<table")) or "<html" in lower[:512]:
        return "html"
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if lines and sum(("," in line or "\t" in line) for line in lines) * 2 >= len(lines):
        return "csv"
    return "text"


def _decode_text(head: bytes) -> str | None:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="replace")
    if b"\x00" in head:
        return None
    # The head may cut a multi-byte character in two; allow a few broken bytes at its end.
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return head[:-4].decode(encoding) if len(head) > 8 else head.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None
