"""A workbook to PDF through LibreOffice, where it is installed.

The tool does not draw PDF itself: LibreOffice prints the workbook exactly as
its page setup says (A4, one page wide, headers and footers). It is looked for
on the PATH and in its usual install folders on Windows and macOS; the
environment variable SORACHI_ETL_SOFFICE names it where it lives elsewhere.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from sorachi_etl.model.errors import SorachiError

ENV_VAR = "SORACHI_ETL_SOFFICE"
TIMEOUT = 300  # seconds; a first start of LibreOffice takes a few


class PdfError(SorachiError):
    """LibreOffice was found but made no PDF; the code says why (pdf_timeout, …)."""


def _usual_places() -> list[Path]:
    places = []
    for variable in ("PROGRAMFILES", "PROGRAMFILES(X86)", "PROGRAMW6432", "LOCALAPPDATA"):
        base = os.environ.get(variable)
        if base:
            places.append(Path(base) / "LibreOffice" / "program" / "soffice.exe")
            places.append(Path(base) / "Programs" / "LibreOffice" / "program" / "soffice.exe")
    places += [
        Path(r"C:\Program Files\LibreOffice\program\soffice.exe"),
        Path(r"C:\Program Files (x86)\LibreOffice\program\soffice.exe"),
        Path("/Applications/LibreOffice.app/Contents/MacOS/soffice"),
        Path("/opt/libreoffice/program/soffice"),
    ]
    return places


def find_soffice() -> str | None:
    """The LibreOffice program to convert with, or None where there is none.

    SORACHI_ETL_SOFFICE wins when set (a path that does not exist means none);
    then soffice / libreoffice on the PATH; then the usual install folders.
    """
    chosen = os.environ.get(ENV_VAR)
    if chosen is not None:
        return chosen if chosen and Path(chosen).is_file() else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return next((str(p) for p in _usual_places() if p.is_file()), None)


def workbook_to_pdf(workbook: Path, target: Path, soffice: str) -> Path:
    """Convert `workbook` to the PDF `target` (replaced whole, never left half written).

    LibreOffice runs with a profile of its own in a temporary folder, so it
    works while the user has LibreOffice open. Raises PdfError.
    """
    workbook, target = Path(workbook).resolve(), Path(target).resolve()
    with tempfile.TemporaryDirectory(prefix=".sorachi-pdf-", dir=target.parent) as tmp:
        work = Path(tmp)
        profile = work / "profile"
        command = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(workbook),
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL
            )
        except subprocess.TimeoutExpired:
            raise PdfError("pdf_timeout", seconds=TIMEOUT) from None
        except OSError as exc:
            raise PdfError("pdf_cannot_start", detail=exc.strerror or exc) from None
        made = work / f"{workbook.stem}.pdf"
        if not made.is_file() or made.stat().st_size == 0:
            detail = (done.stderr or done.stdout or "").strip().splitlines()
            raise PdfError("pdf_not_written", detail=detail[-1][:200] if detail else "")
        os.replace(made, target)
    return target
