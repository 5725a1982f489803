"""What a 回収 folder really holds: returns, and everything else beside them.

System and lock files are left out silently; a PDF, a scan or a Word cover letter is
a 注意 naming it, never a faulty return; the tool's own output (annotated copies,
backups, templates) is never read back, even in a renamed folder. Real files: the
documents are in tests/data/not_returns (see make_not_returns.py).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sorachi_etl import api
from sorachi_etl.book.master_file import BACKUP_DIR
from sorachi_etl.cli import app
from sorachi_etl.intake.files import MARKER, OWN_FOLDERS, collect, mark_output, read_marker
from sorachi_etl.model.resources import samples_dir

DOCUMENTS = Path(__file__).parent / "data" / "not_returns"
FAULTY = ("R6_芦別市_調査票.xlsx", "R6_沼田町_調査票.xlsx")  # the two sample returns with errors
runner = CliRunner()


def system_files(folder: Path) -> None:
    """What Windows, macOS, Excel and LibreOffice leave in a folder, with their real shapes."""
    (folder / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    (folder / "desktop.ini").write_text("[.ShellClassInfo]\r\nIconResource=C:\\x.ico,0\r\n")
    (folder / ".DS_Store").write_bytes(b"\0\0\0\1Bud1" + b"\0" * 32)
    owner = "地域政策課".encode("utf-16-le")
    (folder / "~$R6_岩見沢市_調査票.xlsx").write_bytes(bytes([len("地域政策課")]) + owner)
    (folder / ".~lock.R6_美唄市_調査票.xlsx#").write_text(
        "空知 太郎,sorachi-pc,taro,04.12.2026 10:15,file:///C:/Users/taro/AppData;"
    )


def documents(folder: Path) -> None:
    for name in ("表紙.pdf", "スキャン.jpg", "送付文.docx"):
        shutil.copy(DOCUMENTS / name, folder / name)


@pytest.fixture
def returns(tmp_path) -> Path:
    folder = tmp_path / "回収"
    shutil.copytree(samples_dir() / "returns", folder)
    return folder


def annotated_copies(returns: Path, master: Path, out: Path) -> list[Path]:
    validation = api.validate_paths_with_master([returns], master)
    return api.annotate_reports(validation, out).written


def names(paths) -> list[str]:
    return sorted(Path(p).name for p in paths)


# --- collect, the library ---------------------------------------------------------


def test_system_and_lock_files_are_left_out_silently(tmp_path):
    system_files(tmp_path)
    shutil.copy(samples_dir() / "returns" / "R6_夕張市_調査票.xlsx", tmp_path)
    found = collect([tmp_path])
    assert names(found.files) == ["R6_夕張市_調査票.xlsx"]
    assert found.skipped == []


def test_documents_are_left_out_and_named(tmp_path):
    documents(tmp_path)
    shutil.copy(samples_dir() / "returns" / "R6_夕張市_調査票.xlsx", tmp_path)
    found = collect([tmp_path])
    assert names(found.files) == ["R6_夕張市_調査票.xlsx"]
    skipped = {s.file: (s.reason, s.kind, s.label) for s in found.skipped}
    root = tmp_path.name
    assert skipped == {
        f"{root}/スキャン.jpg": ("not_survey", "jpeg", "画像"),
        f"{root}/表紙.pdf": ("not_survey", "pdf", "PDFファイル"),
        f"{root}/送付文.docx": ("not_survey", "docx", "Word文書"),
    }


def test_content_decides_not_the_name(tmp_path):
    """A workbook named .pdf is a return; a PDF named .xlsx is a (faulty) return;
    a text file named .jpg is still a document, not a return."""
    shutil.copy(samples_dir() / "returns" / "R6_夕張市_調査票.xlsx", tmp_path / "夕張市.pdf")
    shutil.copy(DOCUMENTS / "表紙.pdf", tmp_path / "R6_岩見沢市_調査票.xlsx")
    (tmp_path / "メモ.jpg").write_text("これは画像ではありません", encoding="utf-8")
    found = collect([tmp_path])
    assert names(found.files) == ["R6_岩見沢市_調査票.xlsx", "夕張市.pdf"]
    assert [s.file.rsplit("/", 1)[-1] for s in found.skipped] == ["メモ.jpg"]

    validation = api.validate_paths_with_master([tmp_path])
    by_name = {f.file: f for f in validation.report.files}
    assert by_name["夕張市.pdf"].status == "ok"
    assert by_name["夕張市.pdf"].reporter == "夕張市"
    pdf = by_name["R6_岩見沢市_調査票.xlsx"]
    assert pdf.status == "unreadable"
    assert pdf.findings[0].code == "not_excel" and "PDF" in pdf.findings[0].message


def test_a_survey_sent_as_a_pdf_or_a_scan_is_a_return_tied_to_its_sender(tmp_path):
    """R6_歌志内市_調査票.pdf is no cover letter: 歌志内市 answered, in the wrong form."""
    shutil.copy(DOCUMENTS / "表紙.pdf", tmp_path / "R6_歌志内市_調査票.pdf")
    shutil.copy(DOCUMENTS / "スキャン.jpg", tmp_path / "調査票_R6_歌志内市_スキャン.jpg")
    shutil.copy(DOCUMENTS / "スキャン.jpg", tmp_path / "歌志内市_R6_調査票.jpg")
    found = collect([tmp_path])
    assert names(found.files) == ["R6_歌志内市_調査票.pdf", "歌志内市_R6_調査票.jpg"]
    [report, _] = api.validate_paths_with_master([tmp_path]).report.files
    assert (report.file, report.status, report.reporter) == (
        "R6_歌志内市_調査票.pdf",
        "unreadable",
        "歌志内市",
    )
    assert report.findings[0].code == "not_excel"


def test_own_folders_by_name_and_by_marker(returns, sample_master_path, tmp_path):
    """返送用 and backup by name; a renamed 返送用 by the marker the tool leaves in it."""
    annotated_copies(returns, sample_master_path, returns / "返送用")
    renamed = returns / "芦別市・沼田町へ返送"
    annotated_copies(returns, sample_master_path, tmp_path / "作業")
    shutil.move(tmp_path / "作業", renamed)  # renamed: the marker goes along
    (returns / BACKUP_DIR).mkdir()
    shutil.copy(sample_master_path, returns / BACKUP_DIR / "master_20260601-101500.xlsx")

    found = collect([returns])
    assert len(found.files) == 27
    assert all(p.parent == returns for p in found.files)
    own = {(s.file, s.reason, s.kind) for s in found.skipped}
    assert ("回収/返送用", "own_folder", "annotate") in own
    assert ("回収/backup", "own_folder", "backup") in own
    assert {f for f, reason, _ in own if reason == "own_output"} == {
        f"回収/芦別市・沼田町へ返送/{n}"
        for n in ("R6_沼田町_調査票_要修正.xlsx", "R6_芦別市_調査票_要修正.xlsx")
    }
    assert set(OWN_FOLDERS) == {BACKUP_DIR, "返送用"}


def test_a_return_saved_into_a_folder_the_tool_wrote_is_read(sample_master_path, tmp_path):
    """Templates folder: the blank templates are the tool's own, but a clerk who saved a
    returned file over one of them (same name) must not see it silently left out."""
    out = tmp_path / "R6_調査票"
    api.make_templates(sample_master_path, 2024, out, reporters=["夕張市", "岩見沢市"])
    assert set(read_marker(out)) == {"R6_夕張市_調査票.xlsx", "R6_岩見沢市_調査票.xlsx"}
    shutil.copy(samples_dir() / "returns" / "R6_夕張市_調査票.xlsx", out)  # over the blank

    found = collect([out])
    assert names(found.files) == ["R6_夕張市_調査票.xlsx"]
    assert [(s.file, s.reason, s.kind) for s in found.skipped] == [
        ("R6_調査票/R6_岩見沢市_調査票.xlsx", "own_output", "template")
    ]


def test_the_kpi_list_written_by_report_is_not_a_return(sample_master_path, tmp_path):
    out = tmp_path / "評価指標一覧.csv"
    result = runner.invoke(app, ["report", "-m", str(sample_master_path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    (tmp_path / "R6_芦別市_調査票.csv").write_text("調査項目,実績値\n観光入込客数,455000\n")
    found = collect([tmp_path])
    assert [(s.file.rsplit("/", 1)[-1], s.reason, s.kind) for s in found.skipped] == [
        ("評価指標一覧.csv", "own_output", "report")
    ]
    # a CSV sent instead of the survey is a return in the wrong form, told to its sender
    assert names(found.files) == ["R6_芦別市_調査票.csv", "master.xlsx"]


def test_a_publication_written_among_the_returns_is_not_read_back(returns, sample_master_path):
    result = runner.invoke(
        app,
        [
            "publish",
            "-m",
            str(sample_master_path),
            "--out",
            str(returns / "公表"),
            "-f",
            "xlsx,html",
        ],
    )
    assert result.exit_code == 0, result.output
    found = collect([returns])
    assert len(found.files) == 27
    assert {(s.file.rsplit("/", 1)[-1], s.reason, s.kind) for s in found.skipped} == {
        ("R6_推進管理報告書.xlsx", "own_output", "publish"),
        ("R6_推進管理報告書.html", "own_output", "publish"),
    }


def test_marker_is_hidden_never_read_and_kept_up_to_date(tmp_path):
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    first.write_bytes(b"one")
    second.write_bytes(b"two")
    mark_output(tmp_path, "annotate", [first])
    mark_output(tmp_path, "annotate", [second])
    assert set(read_marker(tmp_path)) == {"a.xlsx", "b.xlsx"}
    assert MARKER.startswith(".")
    found = collect([tmp_path])
    assert found.files == [] and {s.reason for s in found.skipped} == {"own_output"}
    (tmp_path / MARKER).write_text("{壊れた", encoding="utf-8")  # a broken marker: no harm
    assert names(collect([tmp_path]).files) == ["a.xlsx", "b.xlsx"]


# --- merge and validate, as a clerk meets them -------------------------------------------


def busy_folder(returns: Path, master: Path, tmp_path: Path) -> None:
    """The 27 sample returns, with what a real 回収 folder holds beside them."""
    system_files(returns)
    documents(returns)
    annotated_copies(returns, master, returns / "返送用")
    annotated_copies(returns, master, tmp_path / "作業")
    shutil.move(tmp_path / "作業", returns / "送り返した分")
    (returns / BACKUP_DIR).mkdir()
    shutil.copy(master, returns / BACKUP_DIR / "master_20260601-101500.xlsx")
    shutil.copy(master, returns / "master.xlsx")


def test_merge_a_busy_folder_fails_only_for_the_faulty_returns(
    returns, sample_master_path, tmp_path
):
    busy_folder(returns, sample_master_path, tmp_path)
    result = runner.invoke(app, ["merge", str(returns), "--master", str(sample_master_path)])
    out = result.output
    assert result.exit_code == 1, out
    assert "27ファイルを点検: 問題なし 25、一部受付 1、要修正 1、読み取れない 0" in out
    assert "取り込まなかった: 1ファイル" in out
    assert out.count("直して送り直してもらってください") == 2
    for name in ("表紙.pdf", "スキャン.jpg", "送付文.docx", "Thumbs.db", "desktop.ini"):
        assert out.count(name) <= 1
    note = [line for line in out.splitlines() if "調査票ではないファイル" in line]
    assert len(note) == 1 and note[0].startswith("注意:")
    notes = "".join(out.split())  # the note may wrap on a narrow terminal
    for name in (
        "回収/表紙.pdf",
        "回収/スキャン.jpg",
        "回収/送付文.docx",
        "master.xlsx（マスタブック）",
    ):
        assert name in notes
    for silent in ("Thumbs.db", "desktop.ini", ".DS_Store", "~$R6", ".~lock"):
        assert silent not in out
    assert "返送用のコピー" in notes and "回収/送り返した分" in notes
    assert "Traceback" not in out and "予期しない" not in out


def test_merge_a_busy_folder_without_the_faulty_returns_exits_0(
    returns, sample_master_path, tmp_path
):
    busy_folder(returns, sample_master_path, tmp_path)
    for name in FAULTY:
        (returns / name).unlink()
    result = runner.invoke(app, ["merge", str(returns), "--master", str(sample_master_path)])
    assert result.exit_code == 0, result.output
    assert "25ファイルを点検: 問題なし 25、要修正 0、読み取れない 0" in result.output
    assert "取り込まなかった: 0ファイル" in result.output
    assert "調査票ではないファイルを読み飛ばしました（4件）" in result.output


def test_validate_json_lists_what_was_left_aside(returns, sample_master_path, tmp_path):
    busy_folder(returns, sample_master_path, tmp_path)
    result = runner.invoke(app, ["validate", str(returns), "--json"])
    data = json.loads(result.stdout)
    assert len(data["files"]) == 27
    skipped = {s["file"]: s for s in data["skipped"]}
    assert skipped["回収/表紙.pdf"] == {
        "file": "回収/表紙.pdf",
        "reason": "not_survey",
        "kind": "pdf",
        "label": "PDFファイル",
    }
    assert skipped["master.xlsx"]["kind"] == "master"
    assert skipped["回収/返送用"]["reason"] == "own_folder"
    assert not any("Thumbs" in name or "lock" in name for name in skipped)
    assert len(data["notes"]) == 2


def test_status_after_merging_a_busy_folder_chases_nobody_for_a_document(
    returns, sample_master_path, tmp_path
):
    busy_folder(returns, sample_master_path, tmp_path)
    runner.invoke(app, ["merge", str(returns), "--master", str(sample_master_path)])
    result = runner.invoke(app, ["status", "--master", str(sample_master_path), "--reminder"])
    text = result.output
    assert "表紙" not in text and "スキャン" not in text and "送付文" not in text
    chased = {
        line.split("　")[0].lstrip("・") for line in text.splitlines() if line.startswith("・")
    }
    assert chased == {"芦別市", "沼田町", "歌志内市", "滝川市"}
