"""The merge, status and demo commands as a user meets them."""

import json
import shutil

from typer.testing import CliRunner

from sorachi_etl.cli import app
from sorachi_etl.model.resources import samples_dir

runner = CliRunner()


def sample_returns(tmp_path):
    folder = tmp_path / "回収"
    shutil.copytree(samples_dir() / "returns", folder)
    return folder


def test_merge_prints_what_changed_and_who_is_missing(sample_master_path, tmp_path):
    returns = sample_returns(tmp_path)
    result = runner.invoke(
        app, ["merge", str(returns), "--master", str(sample_master_path)], env={"COLUMNS": "200"}
    )
    # two sample returns have errors and the exit code says so: 沼田町's in both parts is
    # skipped; 芦別市's are in its numbers only, so its 取組 go in (一部受付)
    assert result.exit_code == 1, result.output
    out = result.output
    assert "取り込み: 26ファイル（うち一部受付 1）" in out
    assert (
        "R6_芦別市_調査票.xlsx（一部受付: 実績値を直して送り直してもらってください。取組は取り込みました）"
        in out
    )
    assert "R6_沼田町_調査票.xlsx（取り込まず: 直して送り直してもらってください）" in out
    assert "評価指標の変化" in out
    assert "未提出（1）" in out and "歌志内市" in out
    assert "変更を書き込みました" in out
    assert "Traceback" not in out


def test_merge_json(sample_master_path, tmp_path):
    returns = sample_returns(tmp_path)
    result = runner.invoke(app, ["merge", str(returns), "-m", str(sample_master_path), "--json"])
    data = json.loads(result.output)
    assert {f["status"] for f in data["files"]} == {"ok", "partial", "invalid"}
    assert {f["file"]: f["held_back"] for f in data["files"] if f["status"] == "partial"} == {
        "R6_芦別市_調査票.xlsx": ["values"]
    }
    assert len(data["merged"]) == 26
    assert data["written"] is True
    assert any(c["sheet"] == "調査実績" for c in data["changes"])


def test_merge_dry_run_lists_cell_changes(sample_master_path, tmp_path):
    returns = sample_returns(tmp_path)
    before = sample_master_path.read_bytes()
    result = runner.invoke(app, ["merge", str(returns), "-m", str(sample_master_path), "--dry-run"])
    assert "マスタに加える変更" in result.output
    assert "--dry-run のため" in result.output
    assert sample_master_path.read_bytes() == before


def test_merge_refuses_a_locked_master_with_exit_2(sample_master_path, tmp_path):
    returns = sample_returns(tmp_path)
    (sample_master_path.parent / "~$master.xlsx").write_text("x")
    result = runner.invoke(app, ["merge", str(returns), "-m", str(sample_master_path)])
    assert result.exit_code == 2
    assert "閉じてから" in result.output


def test_merge_with_a_missing_path_is_exit_2(sample_master_path, tmp_path):
    result = runner.invoke(app, ["merge", str(tmp_path / "nothing"), "-m", str(sample_master_path)])
    assert result.exit_code == 2
    assert "見つかりません" in result.output


def test_status_after_merge(sample_master_path, tmp_path):
    runner.invoke(app, ["merge", str(sample_returns(tmp_path)), "-m", str(sample_master_path)])
    result = runner.invoke(app, ["status", "-m", str(sample_master_path)])
    assert result.exit_code == 0
    out = result.output
    # the count line names the states as the table does: 芦別市 and 沼田町 did send theirs,
    # so the 25 are those 受付済, not those who have sent (提出済 would read 25 of 27 sent)
    assert "受付済 25／28" in out and "提出済" not in out
    assert "一部受付 1" in out and "要修正 1" in out and "未提出 1" in out
    reminder = runner.invoke(app, ["status", "-m", str(sample_master_path), "--reminder"]).output
    assert "歌志内市　調査票が未提出です" in reminder
    assert "沼田町　ご提出の調査票に修正が必要" in reminder
    # 芦別市 is asked only for the part held back
    assert "芦別市　ご提出の調査票のうち、実績値（シート「調査実績」）に修正が必要" in reminder
    assert (
        "滝川市　次の項目が「集計中」です。確定しましたらご連絡ください: 認定こども園数" in reminder
    )


def test_demo_runs_end_to_end(tmp_path):
    folder = tmp_path / "デモ"
    result = runner.invoke(app, ["demo", "--out", str(folder)])
    assert result.exit_code == 0, result.output
    out = result.output
    for step in ("マスタと調査票を作成", "点検", "取り込み", "提出状況", "評価指標一覧"):
        assert step in out
    assert (folder / "master.xlsx").exists()
    assert len(list((folder / "調査票").glob("*.xlsx"))) == 28
    assert len(list((folder / "返送用").glob("*_要修正.xlsx"))) == 2
    # the next step it suggests works from where the clerk is: it says to move there first
    # (a bare --master master.xlsx run in the folder the demo was started from finds nothing)
    next_step = [line for line in out.splitlines() if line.startswith("次は")]
    assert next_step == [
        f"次は、cd {folder.resolve()} で作業フォルダに移ってから、"
        "sorachi-etl status --master master.xlsx などを試してください。"
    ], next_step


def test_demo_refuses_a_folder_in_use(tmp_path):
    (tmp_path / "x.txt").write_text("keep me")
    result = runner.invoke(app, ["demo", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert (tmp_path / "x.txt").read_text() == "keep me"


def test_progress_is_reported_file_by_file(sample_master_path, tmp_path):
    from sorachi_etl import api

    seen = []
    api.merge_paths(
        [sample_returns(tmp_path)],
        sample_master_path,
        dry_run=True,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen[0] == (0, 27) and seen[-1] == (27, 27)
    assert [d for d, _ in seen] == list(range(28))


def test_merge_on_an_empty_folder_is_bad_usage_and_writes_nothing(sample_master_path, tmp_path):
    """As validate says: nothing to check is a wrong path, not a successful merge."""
    empty = tmp_path / "回収"
    empty.mkdir()
    before = sample_master_path.read_bytes()
    result = runner.invoke(app, ["merge", str(empty), "--master", str(sample_master_path)])
    assert result.exit_code == 2
    assert "点検するファイルがありません" in result.output
    assert sample_master_path.read_bytes() == before
    assert not (sample_master_path.parent / "backup").exists()


def test_a_line_break_in_a_file_name_does_not_break_the_reminder(sample_master_path, tmp_path):
    # A name made on a Mac or by a mail program can hold a line break: the reminder pasted
    # into a mail must keep one line per reporter, and the master no break in the name.
    from openpyxl import load_workbook

    folder = tmp_path / "回収"
    folder.mkdir()
    (folder / "R6_赤平市_調査票\n【至急】.xlsx").write_bytes(b"")
    master = str(sample_master_path)
    merged = runner.invoke(app, ["merge", str(folder), "--master", master, "--year", "R6"])
    assert merged.exit_code == 1, merged.output
    reminder = runner.invoke(app, ["status", "--master", master, "--year", "R6", "--reminder"])
    assert reminder.exit_code == 0, reminder.output
    [line] = [line for line in reminder.output.splitlines() if "赤平市" in line]
    assert "【至急】.xlsx」を読み取れません" in line
    sheet = load_workbook(sample_master_path)["提出状況"]
    names = [c.value for row in sheet.iter_rows() for c in row if "赤平市_調査票" in str(c.value)]
    assert names and not any("\n" in name for name in names)


def test_a_blank_survey_sent_by_mistake_takes_nothing_away(
    sample_master_path, tmp_path, survey_templates
):
    # 岩見沢市's return went in; then the blank it was sent (the wrong attachment) came back.
    # It must be refused whole: its empty 取組 table must not wipe the initiatives merged.
    from openpyxl import load_workbook

    from tests.surveys import INITIATIVE, returned

    def initiatives() -> list[str]:
        sheet = load_workbook(sample_master_path)["取組"]
        return [r[4] for r in sheet.iter_rows(values_only=True) if r[:2] == ("岩見沢市", "R6")]

    master = ["--master", str(sample_master_path), "--year", "R6"]
    first = returned(
        tmp_path / "1",
        survey_templates,
        initiatives=[INITIATIVE, {**INITIATIVE, "title": "二つ目"}],
    )
    assert runner.invoke(app, ["merge", str(first), *master]).exit_code == 0
    assert initiatives() == ["移住フェアへの出展", "二つ目"]
    blank = tmp_path / "2" / first.name
    blank.parent.mkdir()
    shutil.copy(survey_templates.path("岩見沢市"), blank)
    result = runner.invoke(app, ["merge", str(blank), *master])
    assert result.exit_code == 1, result.output
    assert "何も入力されていません" in result.output
    assert "（エラー 1件、" in result.output  # told once for the file, not once per empty row
    assert "取組は取り込みました" not in result.output
    assert initiatives() == ["移住フェアへの出展", "二つ目"]


def test_two_returns_of_one_name_from_two_folders_are_told_apart(
    sample_master_path, tmp_path, survey_templates
):
    # merge 回収/1回目 回収/2回目: both hold R6_岩見沢市_調査票.xlsx. The newer must win and
    # be merged, each named with its folder; 岩見沢市 is not 未提出.
    from openpyxl import load_workbook

    from tests.surveys import returned, set_mtime

    first, second = tmp_path / "1回目", tmp_path / "2回目"
    set_mtime(returned(first, survey_templates, values={"M02": (11, "確定")}), 1_700_000_000)
    set_mtime(returned(second, survey_templates, values={"M02": (22, "確定")}), 1_700_000_100)
    master = ["--master", str(sample_master_path), "--year", "R6"]
    result = runner.invoke(app, ["merge", str(first), str(second), *master])
    assert result.exit_code == 0, result.output
    assert "2回目/R6_岩見沢市_調査票.xlsx" in result.output
    assert "1回目/R6_岩見沢市_調査票.xlsx" in result.output
    sheet = load_workbook(sample_master_path)["調査実績"]
    rows = [r for r in sheet.iter_rows(values_only=True) if r[:3] == ("M02", "岩見沢市", "R6")]
    assert [r[3] for r in rows] == [22]


def test_a_faulty_return_sent_again_fixed_is_not_asked_for_again(
    sample_master_path, tmp_path, survey_templates
):
    # 岩見沢市 sent a negative figure and a date of the wrong year (要修正), then the survey
    # again, fixed; both are in 回収. The clerk must not be told to ask for the first one
    # to be fixed, and each file not taken says so, not only the count above them.
    from tests.surveys import INITIATIVE, returned, set_mtime

    folder = tmp_path / "回収"
    first = returned(
        folder,
        survey_templates,
        values={"M02": ("-1", "確定")},
        initiatives=[{**INITIATIVE, "start_date": "2023/7/15", "end_date": None}],
        name="a.xlsx",
    )
    again = returned(folder, survey_templates, values={"M02": (95, "確定")}, name="b.xlsx")
    set_mtime(first, 1_700_000_000)
    set_mtime(again, 1_700_000_600)
    result = runner.invoke(
        app,
        ["merge", str(folder), "--master", str(sample_master_path), "--year", "R6"],
        env={"COLUMNS": "200"},
    )
    out = result.output
    assert "取り込み: 1ファイル　取り込まなかった: 1ファイル" in out, out
    assert "  ・a.xlsx（取り込まず: 同じ報告者の新しい調査票を使いました）" in out, out
    assert "直して送り直して" not in out, out
