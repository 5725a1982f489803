"""The master as staff leave it after working in it with Excel or LibreOffice (round 2).

Each test edits a real master as a clerk does (openpyxl for the cells, LibreOffice where
the file's own format matters), runs the real command and checks what the clerk would
notice: the exit code, the Japanese line, and what is in the master afterwards.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from sorachi_etl.cli import app
from sorachi_etl.model.resources import samples_dir
from tests.conftest import libreoffice_convert
from tests.helpers import DiskFillsUp
from tests.surveys import returned

runner = CliRunner()


def run(command: str, master, tmp_path, survey_templates, *options: str):
    """`report` (with `options`) on the master, or `merge` of one good return into it."""
    if command == "merge":
        folder = returned(tmp_path / "in", survey_templates).parent
        return runner.invoke(app, ["merge", str(folder), "-m", str(master)])
    return runner.invoke(app, [command, "-m", str(master), *options])


def merge(folder: Path, master: Path):
    return runner.invoke(app, ["merge", str(folder), "-m", str(master)])


def libreoffice_saves(path: Path) -> None:
    """The workbook opened and saved again by LibreOffice ("keep current format")."""
    saved = libreoffice_convert(path, path.parent / "lo", "xlsx")
    shutil.move(saved, path)


def figure(master: Path, measure: str, reporter: str) -> object:
    ws = load_workbook(master)["調査実績"]
    for row in ws.iter_rows(min_row=2, values_only=True):
        if row[0] == measure and row[1] == reporter:
            return row[3]
    return None


# --- a row copied and pasted: the same key twice -----------------------------------------


def test_a_row_pasted_twice_is_named_once_per_row_with_its_whole_key(
    sample_master_path, survey_templates, tmp_path
):
    """A line of 指標実績 copied and pasted below: the run stopped with six lines, one per
    key column and row (「K01」, 「2020」, 「確定」…), the year as 2020 rather than the R2
    the clerk typed, so the clerk could not see which line was meant."""
    wb = load_workbook(sample_master_path)
    ws = wb["指標実績"]
    ws.append([c.value for c in ws[2]])
    copy = ws.max_row
    wb.save(sample_master_path)
    result = merge(returned(tmp_path / "in", survey_templates).parent, sample_master_path)
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if "重複" in line]
    assert len(lines) == 2, result.output
    assert "指標実績!A2" in lines[0] and f"指標実績!A{copy}" in lines[1]
    assert all("「K01・R2」" in line for line in lines), lines


# --- a master saved in another format by mistake ------------------------------------------


@pytest.mark.parametrize(
    ("saved_as", "dry_run"), [("ods", False), ("xls", False), ("xlsm", False), ("ods", True)]
)
def test_a_master_saved_in_another_format_is_told_how_to_save_it_again(
    sample_master_path, survey_templates, tmp_path, saved_as, dry_run
):
    """LibreOffice asked 「現在の形式を使用」 and staff kept .ods (or chose .xls): merge said
    「Excelブックとして読めません…バックアップから戻してください」, so the clerk threw away
    a day of edits for a backup. A copy named .xlsm was written as a plain workbook under a
    macro name, which Excel then refuses to open at all."""
    if saved_as == "xlsm":
        master = sample_master_path.with_suffix(".xlsm")
        shutil.copy(sample_master_path, master)
    else:
        master = libreoffice_convert(sample_master_path, tmp_path / "saved", saved_as)
    before = master.read_bytes()
    folder = returned(tmp_path / "in", survey_templates).parent
    args = ["merge", str(folder), "-m", str(master)] + (["--dry-run"] if dry_run else [])
    result = runner.invoke(app, args)  # a dry run tells it too, not only the run after it
    assert result.exit_code == 2, result.output
    line = " ".join(result.output.split())
    assert "バックアップ" not in line, line
    assert "（.xlsx）" in line and "master.xlsx" in line, line
    assert master.read_bytes() == before
    assert not (master.parent / "backup").exists()


# --- where the master and its backups live -----------------------------------------------


def test_a_file_named_backup_beside_the_master_is_named_with_what_to_do(
    sample_master_path, survey_templates, tmp_path
):
    """A file called 「backup」 (a note saved without an extension) where the backup folder
    goes: the merge said only 「保存できませんでした（書き込みエラー）」."""
    (sample_master_path.parent / "backup").write_text("メモ", encoding="utf-8")
    before = sample_master_path.read_bytes()
    result = merge(returned(tmp_path / "in", survey_templates).parent, sample_master_path)
    assert result.exit_code == 2, result.output
    line = " ".join(result.output.split())
    assert "「backup」" in line and "ファイル" in line and "書き込みエラー" not in line, line
    assert sample_master_path.read_bytes() == before
    assert (sample_master_path.parent / "backup").read_text(encoding="utf-8") == "メモ"


@pytest.mark.parametrize("command", ["merge", "init --force"])
def test_a_master_marked_read_only_is_not_written_over(
    sample_master_path, survey_templates, tmp_path, command
):
    """Staff tick 「読み取り専用」 on the master to keep it as it is: the merge (and init
    --force) replaced it all the same (where the folder allows renaming over it) without
    a word."""
    folder = returned(tmp_path / "in", survey_templates).parent
    sample_master_path.chmod(0o444)
    before = sample_master_path.read_bytes()
    try:
        if command == "merge":
            result = merge(folder, sample_master_path)
        else:
            result = runner.invoke(app, ["init", str(sample_master_path), "--force"])
        assert result.exit_code == 2, result.output
        line = " ".join(result.output.split())
        assert "読み取り専用" in line and "master.xlsx" in line, line
        assert sample_master_path.read_bytes() == before
        assert not (sample_master_path.parent / "backup").exists()
    finally:
        sample_master_path.chmod(0o644)


def test_a_backup_given_as_the_master_is_refused_naming_the_master_itself(
    sample_master_path, survey_templates, tmp_path
):
    """The clerk opened last week's file from backup/ (Excel's recent list) and gave it to
    merge: the figures went into the backup, a backup/backup folder appeared, and the
    master itself stayed without them."""
    folder = returned(tmp_path / "in", survey_templates).parent
    assert merge(folder, sample_master_path).exit_code == 0
    [backup] = (sample_master_path.parent / "backup").iterdir()
    before = backup.read_bytes()
    other = returned(tmp_path / "in2", survey_templates, "美唄市").parent
    result = merge(other, backup)
    assert result.exit_code == 2, result.output
    line = " ".join(result.output.split())
    assert backup.name in line and "バックアップ" in line and "「master.xlsx」" in line, line
    assert backup.read_bytes() == before
    assert not (backup.parent / "backup").exists()


# --- merged cells inside a data sheet ----------------------------------------------------


def row_of(ws, measure: str, reporter: str) -> int:
    return next(
        r[0].row for r in ws.iter_rows(min_row=2) if (r[0].value, r[1].value) == (measure, reporter)
    )


@pytest.mark.parametrize("column", ["B", "D"])
def test_cells_merged_over_two_rows_of_a_data_sheet_are_named_before_anything_is_written(
    sample_master_path, survey_templates, tmp_path, column
):
    """Staff merge two cells of 調査実績 for looks (岩見沢市 over its rows, or two figures).
    The merge then wrote the new figure into the hidden half of the merged cell: the KPI
    counted a value Excel never shows. A merged 市町名 was told as 「空欄です」 for cells
    that show 岩見沢市 on screen."""
    folder = returned(tmp_path / "in", survey_templates).parent
    assert merge(folder, sample_master_path).exit_code == 0
    wb = load_workbook(sample_master_path)
    ws = wb["調査実績"]
    r = row_of(ws, "M01", "岩見沢市")
    ws.merge_cells(f"{column}{r}:{column}{r + 1}")
    wb.save(sample_master_path)
    before = sample_master_path.read_bytes()
    again = returned(tmp_path / "in2", survey_templates, values={"M02": (100, "確定")}).parent
    result = merge(again, sample_master_path)
    assert result.exit_code == 2, result.output
    line = " ".join(result.output.split())
    assert f"調査実績!{column}{r}:{column}{r + 1}" in line and "結合" in line, line
    assert "空欄" not in line, line
    assert sample_master_path.read_bytes() == before


def test_cells_merged_beside_the_table_or_in_its_header_are_staff_looks_and_stay(
    sample_master_path, survey_templates, tmp_path
):
    """A merged note beside the table (a column of staff's own) is no business of the tool."""
    wb = load_workbook(sample_master_path)
    ws = wb["調査実績"]
    ws["J2"] = "メモ"
    ws.merge_cells("J2:K5")
    wb.save(sample_master_path)
    result = merge(returned(tmp_path / "in", survey_templates).parent, sample_master_path)
    assert result.exit_code == 0, result.output
    assert "J2:K5" in {str(m) for m in load_workbook(sample_master_path)["調査実績"].merged_cells}
    assert figure(sample_master_path, "M02", "岩見沢市") == 96


# --- a disk that fills up while the backup is written --------------------------------------


def test_a_disk_full_while_the_backup_is_written_leaves_no_half_backup(
    sample_master_path, survey_templates, tmp_path, monkeypatch
):
    """On a nearly full share (a tmpfs of 120 KB shows it) the new master fitted, the
    backup did not: the run said 「ディスクの空き容量が足りません…マスタは変更していません」
    but left backup/master_….xlsx cut off half way, a backup no one can open, which the
    next runs counted among the backups kept."""

    from sorachi_etl.book import master_file

    def full_disk_open(path, mode="r", *args, **kwargs):
        fh = open(path, mode, *args, **kwargs)  # noqa: SIM115 - closed by DiskFillsUp or the caller
        return DiskFillsUp(fh) if "x" in mode else fh

    monkeypatch.setattr(master_file, "open", full_disk_open, raising=False)
    before = sample_master_path.read_bytes()
    result = merge(returned(tmp_path / "in", survey_templates).parent, sample_master_path)
    assert result.exit_code == 2, result.output
    assert "空き容量" in result.output and "変更していません" in result.output
    assert sample_master_path.read_bytes() == before
    assert not list((sample_master_path.parent / "backup").glob("*")), "a half backup was left"


# --- a formula in a data cell that shows an error -----------------------------------------


@pytest.mark.parametrize("command", ["report", "merge"])
def test_a_published_value_turned_into_an_error_is_named_not_read_as_pending(
    sample_master_path, survey_templates, tmp_path, command
):
    """Staff type =C2*1.03 into 指標実績 and later delete the row it points to: the cell
    shows #REF!. The report printed 集計中 for R3 of a KPI published as 7,487千人 years
    ago, without a word (the error cell was read as blank)."""
    wb = load_workbook(sample_master_path)
    ws = wb["指標実績"]
    r = next(c.row for c in ws["B"] if c.value == "R3" and ws.cell(c.row, 1).value == "K01")
    ws.cell(r, 3).value = "=#REF!*1.03"
    wb.save(sample_master_path)
    libreoffice_saves(sample_master_path)  # as Excel or LibreOffice saves it: showing #REF!
    result = run(command, sample_master_path, tmp_path, survey_templates, "--format", "csv")
    assert result.exit_code == 2, result.output
    line = " ".join(result.output.split())
    assert f"指標実績!C{r}" in line and "#REF!" in line, line


def test_a_line_of_the_analysis_notes_showing_an_error_is_named_not_printed(
    sample_master_path, survey_templates, tmp_path
):
    """A line of 分析メモ written as a formula that now shows #DIV/0! would have gone into
    the published analysis as 「#DIV/0!」 (before, it was dropped without a word)."""
    wb = load_workbook(sample_master_path)
    ws = wb["分析メモ"]
    ws.append(["R5", None, 9, "=1/0"])
    r = ws.max_row
    wb.save(sample_master_path)
    libreoffice_saves(sample_master_path)
    result = runner.invoke(app, ["report", "-m", str(sample_master_path), "--year", "R5"])
    assert result.exit_code == 2, result.output
    line = " ".join(result.output.split())
    assert f"分析メモ!D{r}" in line and "#DIV/0!" in line, line


# --- the regenerated sheets keep how staff show them ---------------------------------------


@pytest.mark.parametrize("sheet", ["推移グラフ", "評価指標一覧"])
def test_a_regenerated_sheet_staff_hid_stays_hidden_after_a_merge(
    sample_master_path, survey_templates, tmp_path, sheet
):
    """Staff hide 推移グラフ (not used in their office): every merge showed it again."""
    wb = load_workbook(sample_master_path)
    wb[sheet].sheet_state = "hidden"
    wb.active = wb.sheetnames.index("設定")
    wb.save(sample_master_path)
    result = merge(returned(tmp_path / "in", survey_templates).parent, sample_master_path)
    assert result.exit_code == 0, result.output
    wb = load_workbook(sample_master_path)
    assert wb[sheet].sheet_state == "hidden"
    assert wb.active.sheet_state == "visible"  # Excel opens on a sheet it can show
    assert wb[sheet]["A1"].value  # regenerated all the same


# --- an id typed with the IME on -------------------------------------------------------------


def test_an_id_typed_in_full_width_is_told_as_full_width(sample_master_path):
    """Staff type 「Ｋ０１」 with the Japanese input on: told only 「Ｋ０１」が…ありません, a
    line that looks wrong to the clerk, whose screen shows K01 there too."""
    wb = load_workbook(sample_master_path)
    ws = wb["指標実績"]
    ws["A2"] = "Ｋ０１"
    wb.save(sample_master_path)
    result = runner.invoke(app, ["report", "-m", str(sample_master_path)])
    assert result.exit_code == 2, result.output
    line = " ".join(result.output.split())
    assert "指標実績!A2" in line and "全角" in line and "「K01」" in line, line


def test_an_id_typed_in_lower_case_is_told_with_the_id_to_type(sample_master_path):
    """「k01」 and 「ｋ０１」 for K01: the ID named as it must be typed, not only as unknown."""
    wb = load_workbook(sample_master_path)
    wb["指標実績"]["A2"] = "k01"
    wb["指標実績"]["A3"] = "ｋ０１"
    wb.save(sample_master_path)
    result = runner.invoke(app, ["report", "-m", str(sample_master_path)])
    assert result.exit_code == 2, result.output
    line = " ".join(result.output.split())
    assert "指標実績!A2" in line and "小文字" in line and "「K01」" in line, line
    assert "指標実績!A3" in line, line


def test_a_year_typed_as_a_bare_number_is_quoted_as_typed(sample_master_path):
    """「6」 typed in 年度 was quoted back as 「6.0」, a figure the clerk never typed."""
    wb = load_workbook(sample_master_path)
    wb["指標実績"]["B2"] = 6
    wb.save(sample_master_path)
    result = runner.invoke(app, ["report", "-m", str(sample_master_path)])
    assert result.exit_code == 2, result.output
    line = " ".join(result.output.split())
    assert "指標実績!B2「6」" in line and "6.0" not in line, line


def test_a_formula_never_calculated_is_named_not_read_as_pending(sample_master_path):
    """A value put in by a program as a formula (=7000+487) that no spreadsheet has
    calculated yet: the file holds no result, and report showed 集計中 for it."""
    wb = load_workbook(sample_master_path)
    ws = wb["指標実績"]
    r = next(c.row for c in ws["B"] if c.value == "R3" and ws.cell(c.row, 1).value == "K01")
    ws.cell(r, 3).value = "=7000+487"  # openpyxl writes no result beside it
    wb.save(sample_master_path)
    result = runner.invoke(app, ["report", "-m", str(sample_master_path)])
    assert result.exit_code == 2, result.output
    line = " ".join(result.output.split())
    assert f"指標実績!C{r}「=7000+487」" in line and "保存し直す" in line, line


# --- a sort that took the header row with it ----------------------------------------------


@pytest.mark.parametrize("rows", [20, 40])
def test_a_sort_that_moved_the_header_row_down_is_named_before_anything_is_read_as_gone(
    sample_master_path, survey_templates, tmp_path, rows
):
    """Staff sort 調査実績 by 調査項目ID with the header row inside the selection: 「調査項目ID」
    sorts after 「M07」, so the header ends at the bottom. Every row above it was then no
    row at all: status called the reporters 未提出, and merge wrote a master whose KPI list
    had lost them (「前（なし）」); with more rows, the columns were said to be missing."""
    from tests.surveys import CLEAN

    reporters = [r for r in CLEAN if "M04" in CLEAN[r]]
    folder = tmp_path / "in"
    for reporter in reporters:
        returned(folder, survey_templates, reporter)
    assert merge(folder, sample_master_path).exit_code == 0
    wb = load_workbook(sample_master_path)
    ws = wb["調査実績"]
    grid = [list(r) for r in ws.iter_rows(values_only=True)]
    while len(grid) < rows + 1:  # more reporters' rows, as a fuller year has
        grid.insert(1, ["M04", "空知総合振興局", "R1", 1, "確定", None, None, None])
    grid.sort(key=lambda r: str(r[0]))  # the header row sorted with the data
    for i, line in enumerate(grid, start=1):
        for j, v in enumerate(line, start=1):
            ws.cell(i, j, v)
    wb.save(sample_master_path)
    before = sample_master_path.read_bytes()
    for args in (
        ["status", "-m", str(sample_master_path)],
        ["merge", str(folder), "-m", str(sample_master_path)],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, result.output
        line = " ".join(result.output.split())
        assert "見出しの行" in line and f"{len(grid)}行目" in line, line
        assert "ありません" not in line, line
    assert sample_master_path.read_bytes() == before


@pytest.mark.parametrize("command", ["report", "status", "publish"])
def test_a_figure_pasted_twice_with_another_value_stops_the_quick_commands_too(
    sample_master_path, survey_templates, tmp_path, command
):
    """The bureau's row of 調査実績 copied below and its figure changed: merge refused, but
    report, status and publish (which skip the full check to answer fast) took the last
    copy without a word and published 99,999人 (a rate of 689.6%)."""
    folder = returned(tmp_path / "in", survey_templates, "空知総合振興局").parent
    assert merge(folder, sample_master_path).exit_code == 0
    wb = load_workbook(sample_master_path)
    ws = wb["調査実績"]
    copy = [c.value for c in next(r for r in ws.iter_rows(min_row=2) if r[0].value == "M05")]
    copy[3] = 99_999
    ws.append(copy)
    wb.save(sample_master_path)
    args = {
        "report": ["report", "-m", str(sample_master_path)],
        "status": ["status", "-m", str(sample_master_path)],
        "publish": ["publish", "-m", str(sample_master_path), "-f", "html", "-o", str(tmp_path)],
    }[command]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    line = " ".join(result.output.split())
    assert "「M05・空知総合振興局・R6」が重複" in line, line
    assert "689.6" not in line


# --- staff's own sheet renamed --------------------------------------------------------------


@pytest.mark.parametrize("command", ["report", "merge"])
def test_the_analysis_notes_sheet_renamed_is_named_not_dropped(
    sample_master_path, survey_templates, tmp_path, command
):
    """Staff rename 分析メモ to 「分析メモ（R6）」 to keep this year's apart: report left out
    their lines without a word, and merge added an empty 分析メモ beside theirs."""
    wb = load_workbook(sample_master_path)
    wb["分析メモ"].title = "分析メモ（R6）"
    wb.save(sample_master_path)
    before = sample_master_path.read_bytes()
    result = run(command, sample_master_path, tmp_path, survey_templates)
    assert result.exit_code == 2, result.output
    line = " ".join(result.output.split())
    assert "「分析メモ」" in line and "「分析メモ（R6）」" in line, line
    assert sample_master_path.read_bytes() == before


def test_a_line_of_the_analysis_notes_merged_across_for_width_still_reads(sample_master_path):
    """分析メモ is staff's own sheet, never written by the tool: a sentence merged across
    the columns beside it, to show in full, is read from its first cell as before."""
    wb = load_workbook(sample_master_path)
    ws = wb["分析メモ"]
    ws.append(["R6", None, 9, "幅を広げて表示する文である。"])
    ws.merge_cells(f"D{ws.max_row}:H{ws.max_row}")
    wb.save(sample_master_path)
    result = runner.invoke(app, ["report", "-m", str(sample_master_path)])
    assert result.exit_code == 0, result.output
    assert "幅を広げて表示する文である。" in result.output


# --- 取込履歴 deleted or renamed --------------------------------------------------------------


def test_a_deleted_log_is_said_before_anyone_is_told_they_have_not_sent(sample_master_path):
    """Without 取込履歴 nothing records a return refused or taken in part: 提出状況 and the
    reminder called those reporters 未提出, with not a word that the record was gone."""
    wb = load_workbook(sample_master_path)
    del wb["取込履歴"]
    wb.save(sample_master_path)
    result = runner.invoke(app, ["status", "-m", str(sample_master_path), "--reminder"])
    assert result.exit_code == 0, result.output
    line = " ".join(result.output.split())
    assert "注意: マスタにシート「取込履歴」がありません" in line, line
    assert "「未提出」と表示されることがあります" in line and "backup" in line, line


def test_a_renamed_log_is_named_with_what_to_rename_it_to(sample_master_path, tmp_path):
    wb = load_workbook(sample_master_path)
    wb["取込履歴"].title = "取込履歴 (旧)"
    wb.save(sample_master_path)
    result = runner.invoke(app, ["status", "-m", str(sample_master_path), "--json"])
    assert result.exit_code == 0, result.output
    [notice] = json.loads(result.stdout)["notices"]
    assert notice["code"] == "master_log_renamed"
    assert "「取込履歴 (旧)」のことですか" in notice["message"]
    assert "シート名を「取込履歴」に戻してください" in notice["message"]
    # the merge says it too, before it starts a new log
    result = merge(samples_dir() / "returns", sample_master_path)
    assert "マスタにシート「取込履歴」がありません" in " ".join(result.output.split())


def test_a_master_with_its_log_gets_no_such_word(sample_master_path):
    result = runner.invoke(app, ["status", "-m", str(sample_master_path), "--json"])
    assert json.loads(result.stdout)["notices"] == []
