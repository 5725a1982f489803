"""Make the files a municipality attaches beside its return, for tests of collecting.

Run from this folder: `python make_not_returns.py` (needs LibreOffice's soffice and
poppler's pdftoppm for the PDF and the scan; the Word file is written directly).

- 表紙.pdf: a cover letter printed to PDF (LibreOffice Calc, from a CSV of its lines);
- スキャン.jpg: that page scanned, as a small JPEG (pdftoppm);
- 送付文.docx: the cover letter as a Word document (a minimal WordprocessingML package,
  as Word writes it, less the optional parts).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).parent
LINES = [
    "令和6年度 調査票の送付について",
    "空知総合振興局 地域政策課 御中",
    "調査票を提出します。よろしくお願いします。",
    "芦別市 企画課",
]

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    "</Relationships>"
)


def docx(path: Path) -> None:
    body = "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in LINES)
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        z.writestr("word/document.xml", document)


def pdf_and_scan() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "cover.csv").write_text("\n".join(LINES) + "\n", encoding="utf-8")
        subprocess.run(
            [
                shutil.which("soffice") or "soffice",
                f"-env:UserInstallation={(work / 'profile').as_uri()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(work),
                str(work / "cover.csv"),
            ],
            check=True,
            capture_output=True,
        )
        shutil.copy(work / "cover.pdf", HERE / "表紙.pdf")
        subprocess.run(
            [
                "pdftoppm",
                "-jpeg",
                "-r",
                "25",
                "-singlefile",
                str(work / "cover.pdf"),
                str(work / "scan"),
            ],
            check=True,
        )
        shutil.copy(work / "scan.jpg", HERE / "スキャン.jpg")


if __name__ == "__main__":
    docx(HERE / "送付文.docx")
    pdf_and_scan()
