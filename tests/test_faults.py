"""Faults around the master: each gives a clear message and leaves the master as it was."""

from __future__ import annotations

import errno
import hashlib
import io
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sorachi_etl import api
from sorachi_etl.errors import MasterError
from sorachi_etl.preserve import content_at_risk
from sorachi_etl.resources import samples_dir


@pytest.fixture
def returns(tmp_path) -> Path:
    folder = tmp_path / "回収"
    shutil.copytree(samples_dir() / "returns", folder)
    return folder


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def refuse(master: Path, returns: Path, *expected: str) -> None:
    before = digest(master)
    with pytest.raises(MasterError) as err:
        api.merge_paths([returns], master)
    message = str(err.value)
    for text in expected:
        assert text in message
    assert "Traceback" not in message
    assert digest(master) == before
    assert not (master.parent / "backup").exists() or not any((master.parent / "backup").iterdir())


@pytest.mark.parametrize("lock", ["~$master.xlsx", ".~lock.master.xlsx#"])
def test_master_open_in_excel_or_libreoffice(sample_master_path, returns, lock):
    (sample_master_path.parent / lock).write_text("someone")
    refuse(sample_master_path, returns, "開かれています", lock)


def test_read_only_folder(sample_master_path, returns):
    """A real read-only folder. Root may write anywhere, so as root the merge runs
    without the capability that lets it (setpriv, from util-linux)."""
    folder = sample_master_path.parent
    folder.chmod(0o555)
    try:
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            import subprocess
            import sys

            setpriv = shutil.which("setpriv")
            assert setpriv, "setpriv (util-linux) is needed to test a read-only folder as root"
            before = digest(sample_master_path)
            run = subprocess.run(
                [
                    setpriv,
                    "--bounding-set=-dac_override,-dac_read_search",
                    "--",
                    sys.executable,
                    "-c",
                    "from sorachi_etl.cli import main; main()",
                    "merge",
                    str(returns),
                    "--master",
                    str(sample_master_path),
                ],
                capture_output=True,
                text=True,
            )
            assert run.returncode == 2, run.stderr
            assert "書き込めません" in run.stderr and "Traceback" not in run.stderr
            assert digest(sample_master_path) == before
        else:
            refuse(sample_master_path, returns, "書き込めません")
    finally:
        folder.chmod(0o755)


def test_read_only_folder_simulated(sample_master_path, returns, monkeypatch):
    import tempfile

    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    refuse(sample_master_path, returns, "書き込めません")


class FullDisk(io.BufferedWriter):
    """A file that takes a few kilobytes, then fails as a full disk does."""

    room = 4096

    def write(self, data) -> int:
        self.room -= len(data)
        if self.room < 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        return super().write(data)


def test_disk_full_during_write(sample_master_path, returns, monkeypatch):
    fdopen = os.fdopen

    def opened(fd, mode="r", *args, **kwargs):  # the temporary file the master is written to
        return FullDisk(io.FileIO(fd, "w")) if mode == "wb" else fdopen(fd, mode, *args, **kwargs)

    monkeypatch.setattr(os, "fdopen", opened)
    refuse(
        sample_master_path, returns, "ディスクの空き容量が足りません", "マスタは変更していません"
    )
    leftovers = [p for p in sample_master_path.parent.iterdir() if p.name.startswith(".sorachi-")]
    assert leftovers == []


@pytest.mark.parametrize(
    ("sheet", "cell", "value", "expected"),
    [
        ("調査項目", "F2", "たくさん", "調査項目!F2"),  # text where a number must be
        ("評価指標", "D3", "M99", "M99"),  # a KPI referring to an unknown measure
    ],
)
def test_master_edited_into_an_invalid_state(
    sample_master_path, returns, sheet, cell, value, expected
):
    wb = load_workbook(sample_master_path)
    wb[sheet][cell] = value
    wb.save(sample_master_path)
    refuse(sample_master_path, returns, expected)


def test_master_with_a_deleted_sheet(sample_master_path, returns):
    wb = load_workbook(sample_master_path)
    del wb["市町"]
    wb.save(sample_master_path)
    refuse(sample_master_path, returns, "シート「市町」がありません")


def test_master_that_is_not_a_workbook(sample_master_path, returns):
    sample_master_path.write_bytes(b"this is not a workbook")
    refuse(sample_master_path, returns, "開けません")


def _add_to_package(
    path: Path,
    extra: dict[str, bytes],
    sheet_xml_insert: bytes | None = None,
    sheet: str = "xl/worksheets/sheet13.xml",
) -> None:
    """Rewrite the zip with extra parts (and optionally some XML inserted into one sheet)."""
    src = path.with_suffix(".src")
    shutil.move(path, src)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if sheet_xml_insert and item.filename == sheet:
                data = data.replace(b"</worksheet>", sheet_xml_insert + b"</worksheet>")
            zout.writestr(item, data)
        for name, data in extra.items():
            zout.writestr(name, data)
    src.unlink()


def _user_sheet_part(path: Path, title: str) -> str:
    from sorachi_etl.preserve import _sheet_parts

    with zipfile.ZipFile(path) as z:
        return _sheet_parts(z)[title]


def test_content_openpyxl_would_drop_is_detected_and_refused(sample_master_path, returns):
    wb = load_workbook(sample_master_path)
    wb.create_sheet("メモ")["A1"] = "図を貼ったシート"
    wb.save(sample_master_path)
    part = _user_sheet_part(sample_master_path, "メモ")
    sparkline = (
        b'<extLst><ext uri="{05C60535-1F16-4fd2-B633-F4F36F0B64E0}" '
        b'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
        b"<x14:sparklineGroups><x14:sparklineGroup/></x14:sparklineGroups></ext></extLst>"
    )
    _add_to_package(sample_master_path, {"xl/vbaProject.bin": b"\x00"}, sparkline, part)
    found = content_at_risk(sample_master_path)
    assert "ブック全体: マクロ（VBA）" in found
    assert "シート「メモ」: スパークライン" in found
    refuse(sample_master_path, returns, "消えてしまう", "スパークライン", "マクロ")


def test_an_image_on_a_user_sheet_is_detected(sample_master_path):
    from openpyxl.chart import BarChart, Reference

    wb = load_workbook(sample_master_path)
    ws = wb.create_sheet("自作グラフ")
    for i in range(1, 4):
        ws.cell(i, 1, i)
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=1, min_row=1, max_row=3))
    ws.add_chart(chart, "C2")
    wb.save(sample_master_path)
    assert "シート「自作グラフ」: グラフ" in content_at_risk(sample_master_path)


def test_our_own_charts_are_not_at_risk(sample_master_path, returns):
    api.merge_paths([returns], sample_master_path)
    assert content_at_risk(sample_master_path) == []
    api.merge_paths([returns], sample_master_path)  # a second merge is not refused


def test_text_that_looks_like_a_formula_is_stored_as_text(sample_master_path, tmp_path):
    """A clerk's =HYPERLINK(...) in an initiative ends up a text cell in the saved master's XML."""
    from sorachi_etl.fill import fill_survey
    from sorachi_etl.sample import sample_master
    from sorachi_etl.template import master_to_templates

    typed = '=HYPERLINK("http://example.com","x")'
    blank = master_to_templates(
        sample_master(), 2024, tmp_path / "blank", reporters=["空知総合振興局"]
    )[0]
    folder = tmp_path / "in"
    folder.mkdir()
    fill_survey(
        blank.path,
        folder / blank.path.name,
        values={m: (1000, "確定") for m in blank.measures},
        initiatives=[
            {
                "project": "地域の歴史や資源を活かした空知の魅力発信プロジェクト",
                "title": "+1 企画",
                "implementers": "振興局",
                "summary": typed,
                "venue": "@会場",
                "start_date": "2024/6/1",
            }
        ],
    )
    outcome = api.merge_paths([folder], sample_master_path)
    assert outcome.result.merged_files
    with zipfile.ZipFile(sample_master_path) as z:
        xml = b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
    assert b"<f>" not in xml and b"HYPERLINK" in xml
    assert (
        b"HYPERLINK(&quot;http://example.com&quot;,&quot;x&quot;)" in xml
        or b'HYPERLINK("http' in xml
    )
    wb = load_workbook(sample_master_path)
    ws = wb["取組"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert typed in texts and "+1 企画" in texts and "@会場" in texts


def test_a_rewritten_master_keeps_its_permissions(sample_master_path, returns):
    sample_master_path.chmod(0o664)
    api.merge_paths([returns], sample_master_path)
    assert sample_master_path.stat().st_mode & 0o777 == 0o664


def test_a_new_master_is_readable_by_colleagues(tmp_path):
    old = os.umask(0o022)
    try:
        api.init_master(tmp_path / "new.xlsx")
    finally:
        os.umask(old)
    assert (tmp_path / "new.xlsx").stat().st_mode & 0o777 == 0o644
