"""Returns saved as .xls or .ods: checked before calamine reads them, and what it is given.

LibreOffice asks "keep current format?" on every save, and older PCs still save
.xls; both are read, through checks of their own (read.py takes it from here):

- an .xls: its OLE container parsed under limits (cfb.py), its records scanned
  (biff.py), and calamine given a new container holding the checked Workbook
  stream alone (so a VBA project, other streams and the original's header,
  FAT and directory never reach it); an RC4-encrypted .xls is decrypted in
  memory with --password, then checked the same way;
- an .ods: its ZIP checked as an .xlsx's is (archive.py), an encrypted one
  refused from its manifest, content.xml scanned (ods.py), and calamine given
  a new ZIP of mimetype, manifest and content.xml alone (Basic, scripts,
  pictures and styles are never inflated).

Each gives a `Scanned`: the bytes for calamine, and each sheet's state and facts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sorachi_etl.intake.archive import Limits, Package, corrupt
from sorachi_etl.intake.cfb import Container, decrypted
from sorachi_etl.intake.sheetxml import SheetFacts
from sorachi_etl.model.errors import UnreadableWorkbook
from sorachi_etl.model.messages import phrase


@dataclass
class Scanned:
    """A workbook checked and scanned, ready for calamine."""

    format: str  # "xls" or "ods"
    checked: bytes  # what calamine is given, nothing else
    sheets: dict[str, tuple[str, SheetFacts]] = field(default_factory=dict)  # name: state, facts
    date1904: bool = False
    largest_part: int = 0  # bytes of the part the cells are written in (for the text check)
    decrypted: bool = False


def scan_xls(container: Container, limits: Limits, password: str | None = None) -> Scanned:
    """An Excel 97-2003 workbook: its container and records checked, then rebuilt for calamine."""
    from sorachi_etl.intake.biff import scan_workbook
    from sorachi_etl.intake.cfb import rebuilt

    # Excel keeps a VBA project (_VBA_PROJECT_CUR) in many an .xls with no macro of the
    # user's: it is not refused, and never read (calamine is given the Workbook alone).
    name = "workbook" if "workbook" in container.top else "book"
    stream = container.stream(name)
    if stream is None:
        raise corrupt(phrase("xls_no_workbook_stream"))
    try:
        book = scan_workbook(stream, limits)
    except UnreadableWorkbook as exc:
        if exc.code != "encrypted" or password is None:
            raise
        scanned = scan_xls(Container(decrypted(container.data, password), limits), limits)
        scanned.decrypted = True
        return scanned
    sheets = {s.name: (s.state, s.facts) for s in book.sheets}
    if len(sheets) != len(book.sheets):
        raise corrupt(phrase("duplicate_sheet_name"))
    return Scanned("xls", rebuilt("Workbook", stream), sheets, book.date1904, len(stream))


def scan_ods(package: Package) -> Scanned:
    """An OpenDocument spreadsheet: the ZIP and content.xml checked, then repacked for calamine."""
    from sorachi_etl.intake.ods import CALAMINE_MEMBERS, check_manifest, scan_content

    package.check_directory()
    package.check_sizes()
    manifest = package.key("META-INF/manifest.xml")
    package.check_members({manifest})
    check_manifest(package.read(manifest))  # an encrypted .ods: before its scrambled content
    keys = {package.key(m) for m in CALAMINE_MEMBERS}
    package.check_members(keys)
    content = package.read("content.xml")
    if content is None:
        raise corrupt(phrase("ods_no_content"))
    sheets = {s.name: (s.state, s.facts) for s in scan_content(content, package.limits)}
    return Scanned("ods", package.repacked(keys), sheets, False, len(content))
