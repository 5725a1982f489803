"""Every CSV the tool writes opens in a spreadsheet program with no cell run as a formula
(OWASP "CSV Injection"), while numbers stay numbers."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import uuid
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from sorachi_etl.book.xlsx import put
from sorachi_etl.cli import app
from sorachi_etl.model.text import csv_safe
from tests.conftest import need_soffice

runner = CliRunner()
HYPERLINK = '=HYPERLINK("http://x","y")'


@pytest.mark.parametrize(
    "cell, written",
    [
        (HYPERLINK, "'" + HYPERLINK),
        ("+81 空知への電話", "'+81 空知への電話"),
        ("-ほか", "'-ほか"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("＝1+1", "'＝1+1"),  # Japanese Excel turns a full-width = into =
        ("-1,234千人", "'-1,234千人"),  # not a number to Excel: it would read a formula
        # numbers Excel reads as numbers keep their sign and stay numbers
        ("-12.3%", "-12.3%"),
        ("-1,234", "-1,234"),
        ("+5", "+5"),
        ("-0.5", "-0.5"),
        # what never starts a formula is left alone
        ("—", "—"),
        ("集計中（10/12）", "集計中（10/12）"),
        ("7,468千人（R7）", "7,468千人（R7）"),
        ("", ""),
        (12, 12),
        (None, None),
    ],
)
def test_csv_safe(cell, written):
    assert csv_safe(cell) == written


@pytest.fixture
def master_with_staff_names(sample_master_path) -> Path:
    """評価指標 names staff typed beginning with =, + and @ (stored as text, as Excel does
    for a cell typed with a leading quote)."""
    wb = load_workbook(sample_master_path)
    ws = wb["評価指標"]
    put(ws, 2, 2, HYPERLINK)
    put(ws, 3, 2, "+81 空知への電話")
    put(ws, 4, 2, "@SUM(1)")
    wb.save(sample_master_path)
    return sample_master_path


def test_report_csv_escapes_staff_typed_names(master_with_staff_names, tmp_path):
    out = tmp_path / "一覧.csv"
    result = runner.invoke(
        app, ["report", "--master", str(master_with_staff_names), "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    names = [r[1] for r in rows[1:]]
    assert names[:3] == ["'" + HYPERLINK, "'+81 空知への電話", "'@SUM(1)"]
    assert not any(c[:1] in "=+-@\t\r" for r in rows for c in r if not _number(c))
    # the same on stdout (`--format csv` piped into a file)
    piped = runner.invoke(app, ["report", "-m", str(master_with_staff_names), "--format", "csv"])
    assert piped.output.splitlines()[1].split(",", 1)[1].startswith("\"'=HYPERLINK(")


def _number(cell: str) -> bool:
    return csv_safe(cell) == cell


def test_libreoffice_opens_the_csv_with_no_formula_and_numbers_as_numbers(
    master_with_staff_names, tmp_path
):
    """LibreOffice as the clerk's Excel: import the CSV (UTF-8, Japanese) and look at the
    cells it made. Without the quote the name became a live HYPERLINK formula."""
    out = tmp_path / "一覧.csv"
    runner.invoke(app, ["report", "-m", str(master_with_staff_names), "--output", str(out)])
    with out.open("a", encoding="utf-8", newline="") as fh:  # a row to see numbers kept
        fh.write("数値,-12.3%,-1234\r\n")
    sheet = _open_in_libreoffice(out, tmp_path / "lo")
    assert "<f>" not in sheet and "<f " not in sheet, "a cell was imported as a formula"
    assert "HYPERLINK" in _strings(tmp_path / "lo" / "一覧.xlsx")
    assert "<v>-0.123</v>" in sheet and "<v>-1234</v>" in sheet


def _open_in_libreoffice(path: Path, out_dir: Path) -> str:
    exe = need_soffice()
    out_dir.mkdir()
    profile = out_dir / f".profile_{uuid.uuid4().hex}"
    subprocess.run(
        [
            exe,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--infilter=CSV:44,34,76,1,,1041",  # comma, double quote, UTF-8, line 1, ja-JP
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out_dir),
            str(path),
        ],
        capture_output=True,
        timeout=180,
        check=True,
    )
    shutil.rmtree(profile, ignore_errors=True)
    with zipfile.ZipFile(out_dir / f"{path.stem}.xlsx") as z:
        return z.read("xl/worksheets/sheet1.xml").decode("utf-8")


def _strings(book: Path) -> str:
    with zipfile.ZipFile(book) as z:
        return z.read("xl/sharedStrings.xml").decode("utf-8")
