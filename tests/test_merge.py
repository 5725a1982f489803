"""Merging returned workbooks into the master, end to end, and its safety."""

from __future__ import annotations

import hashlib
import shutil
import signal
import subprocess
import sys
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sorachi_etl import api
from sorachi_etl.book.fill import fill_survey
from sorachi_etl.book.master_check import load_master
from sorachi_etl.book.template import master_to_templates
from sorachi_etl.kpi.status import master_to_status
from sorachi_etl.model.errors import MasterError
from sorachi_etl.model.names import MASTER_DATA_SHEETS
from sorachi_etl.model.sample import sample_master
from tests.conftest import libreoffice_convert

R6 = 2024
MISSING = "上砂川町"


def figures(reporter: str, measure: str) -> int:
    """Known figures, different for every reporter and measure (deterministic)."""
    digest = hashlib.sha256(f"{reporter}/{measure}".encode()).digest()
    n = int.from_bytes(digest[:4], "big")
    return {
        "M01": 50_000 + n % 2_000_000,
        "M02": n % 90,
        "M03": n % 4,
        "M04": 500 + n % 15_000,
        "M05": 21_000 + n % 5_000,
        "M06": 400 + n % 100,
        "M07": 200 + n % 150,
    }[measure]


# how a clerk might type some of them
def typed(reporter: str, measure: str) -> object:
    value = figures(reporter, measure)
    style = int(hashlib.sha256(reporter.encode()).hexdigest(), 16) % 4
    if style == 1:
        return (f"{value:,}", "確定")
    if style == 2:
        return (str(value).translate(str.maketrans("0123456789", "０１２３４５６７８９")), "確定")
    if style == 3 and measure == "M01":
        return (f"{value:,}人", None)  # a unit typed after the number, status left blank
    return (value, "確定")


@pytest.fixture(scope="module")
def returns(tmp_path_factory) -> Path:
    """Filled returns for every reporter but one."""
    folder = tmp_path_factory.mktemp("returns")
    blank = tmp_path_factory.mktemp("blank")
    for result in master_to_templates(sample_master(), R6, blank):
        if result.reporter == MISSING:
            continue
        fill_survey(
            result.path,
            folder / result.path.name,
            values={m: typed(result.reporter, m) for m in result.measures},
        )
    return folder


def half_up(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def kpi_sheet_rows(path: Path) -> dict[str, list[object]]:
    ws = load_workbook(path)["評価指標一覧"]
    header = [c.value for c in ws[3]]
    rows = {}
    for r in range(4, ws.max_row + 1):
        name = ws.cell(r, 2).value
        if not name:
            break
        rows[name] = [ws.cell(r, c).value for c in range(1, len(header) + 1)]
    return {"__header__": header, **rows}


def data_sheets(path: Path) -> dict[str, list[tuple]]:
    wb = load_workbook(path)
    return {name: list(wb[name].iter_rows(values_only=True)) for name in MASTER_DATA_SHEETS}


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_merge_computes_the_kpis_from_the_returns(sample_master_path, returns):
    outcome = api.merge_paths([returns], sample_master_path)
    assert outcome.written
    assert len(outcome.result.merged_files) == 27
    master = sample_master()
    rows = kpi_sheet_rows(sample_master_path)
    r6_col = rows["__header__"].index("R6")
    rate_col = len(rows["__header__"]) - 1

    def total(measure: str, group: str) -> Decimal:
        return sum(Decimal(figures(r, measure)) for r in master.group_members(group))

    # every 炭鉄港 member reported: a confirmed sum, in 千人, half-up to 0 decimals
    k01 = half_up(total("M01", "炭鉄港") / 1000, 0)
    assert rows["炭鉄港推進協議会構成市町の観光入込客数"][r6_col] == pytest.approx(float(k01))
    assert rows["炭鉄港推進協議会構成市町の観光入込客数"][rate_col] == pytest.approx(
        float(half_up(k01 / Decimal(7468) * 100, 1))
    )
    # the bureau's ratio, in % with one decimal
    bureau = "空知総合振興局"
    k03 = half_up(Decimal(figures(bureau, "M07")) / Decimal(figures(bureau, "M06")) * 100, 1)
    assert rows["新規高卒者管内企業就職率"][r6_col] == pytest.approx(float(k03))
    assert rows["新規高卒者管内企業就職率"][rate_col] == pytest.approx(
        float(half_up(k03 / Decimal("63.9") * 100, 1))
    )
    assert rows["新規高卒者管内企業就職率（再掲）"][r6_col] == pytest.approx(float(k03))
    k04 = Decimal(figures(bureau, "M05"))
    assert rows["「そらち・デ・ビュー」公式SNSのフォロワー数"][r6_col] == pytest.approx(float(k04))
    # a 空知 reporter is missing: 集計中 with the count, and no rate
    for name in (
        "空知の耕作面積の維持",
        "管内への観光入込客数",
        "移住相談件数",
        "認定こども園設置数",
    ):
        assert rows[name][r6_col] == "集計中（23/24）"
        assert rows[name][rate_col] == "—"


def test_missing_reporter_completes_the_kpis(sample_master_path, returns, tmp_path):
    api.merge_paths([returns], sample_master_path)
    late = tmp_path / "late"
    result = master_to_templates(sample_master(), R6, tmp_path / "blank", reporters=[MISSING])[0]
    fill_survey(
        result.path,
        late / result.path.name if late.mkdir() is None else None,
        values={m: typed(MISSING, m) for m in result.measures},
    )
    api.merge_paths([late], sample_master_path)
    rows = kpi_sheet_rows(sample_master_path)
    r6_col = rows["__header__"].index("R6")
    master = sample_master()
    area = sum(Decimal(figures(r, "M04")) for r in master.group_members("空知"))
    assert rows["空知の耕作面積の維持"][r6_col] == pytest.approx(float(half_up(area, 0)))
    visitors = sum(Decimal(figures(r, "M01")) for r in master.group_members("空知")) / 10000
    assert rows["管内への観光入込客数"][r6_col] == pytest.approx(float(half_up(visitors, 1)))


def test_merging_the_same_files_again_writes_nothing(sample_master_path, returns):
    first = api.merge_paths([returns], sample_master_path)
    before = sha(sample_master_path)
    again = api.merge_paths([returns], sample_master_path)
    assert again.result.changes == []
    assert again.unchanged and not again.written and again.backup is None
    assert sha(sample_master_path) == before  # not rewritten at all
    assert sorted((sample_master_path.parent / "backup").iterdir()) == [first.backup]


def test_the_same_files_after_a_staff_save_refresh_the_output_sheets(sample_master_path, returns):
    """Saved in a spreadsheet program since our last write: staff may have changed data the
    output sheets do not show yet, so a merge with nothing new still rewrites them."""
    from sorachi_etl.book.master_file import WRITER

    api.merge_paths([returns], sample_master_path)
    first = data_sheets(sample_master_path)
    wb = load_workbook(sample_master_path)
    wb.properties.lastModifiedBy = "空知 花子"  # as Excel or LibreOffice records the saver
    wb.save(sample_master_path)
    again = api.merge_paths([returns], sample_master_path)
    assert again.result.changes == [] and again.written and not again.unchanged
    assert data_sheets(sample_master_path) == first
    wb = load_workbook(sample_master_path)
    assert wb.properties.lastModifiedBy == WRITER
    log = list(wb["取込履歴"].iter_rows(values_only=True))
    assert [row[6] for row in log[1:]].count("変更なし") == 27  # the log only grows
    assert api.merge_paths([returns], sample_master_path).unchanged  # and now it is ours again


def test_a_file_seen_before_that_changes_a_reporters_state_is_written(
    sample_master_path, returns, tmp_path
):
    """岩見沢市 sends a faulty copy after its good one, then the good one again: nothing in
    the data changes, but 提出状況 goes 受付済 → 要修正 → 受付済, so each run writes."""
    name = "R6_岩見沢市_調査票.xlsx"
    good, bad = tmp_path / "good", tmp_path / "bad"
    good.mkdir(), bad.mkdir()
    shutil.copy(returns / name, good / name)
    fill_survey(returns / name, bad / name, values={"M02": ("12,3OO", "確定")})
    import datetime as dt

    def at(minute: int) -> dt.datetime:  # 提出状況 tells runs apart by their time
        return dt.datetime(2026, 6, 1, 9, minute)

    api.merge_paths([good], sample_master_path, now=at(0))
    states = []
    for minute, folder in ((1, bad), (2, good)):
        outcome = api.merge_paths([folder], sample_master_path, now=at(minute))
        assert outcome.written and outcome.result.changes == []
        states.append({r.reporter: r.state for r in outcome.status.rows}["岩見沢市"])
    assert states == ["一部受付", "受付済"]  # its initiatives were fine
    assert api.merge_paths([good], sample_master_path, now=at(3)).unchanged


def test_dry_run_writes_nothing(sample_master_path, returns):
    before = sha(sample_master_path)
    outcome = api.merge_paths([returns], sample_master_path, dry_run=True)
    assert not outcome.written
    assert outcome.result.changes  # it says what it would change
    assert sha(sample_master_path) == before
    assert not (sample_master_path.parent / "backup").exists()


def test_a_later_workbook_replaces_the_earlier_and_is_logged(sample_master_path, returns, tmp_path):
    api.merge_paths([returns], sample_master_path)
    fixed = tmp_path / "fixed"
    fixed.mkdir()
    name = "R6_岩見沢市_調査票.xlsx"
    fill_survey(returns / name, fixed / name, values={"M02": (999, "確定")})
    outcome = api.merge_paths([fixed], sample_master_path)
    assert [c.new for c in outcome.result.changes if c.column == "実績値"] == [999]
    master = load_master(sample_master_path)
    value = next(v for v in master.measure_values if v.key == ("M02", "岩見沢市", R6))
    assert value.value == 999


def test_a_workbook_whose_sender_is_in_doubt_is_skipped_whole(
    sample_master_path, returns, tmp_path
):
    """Who sent it is not one part or the other: the whole file waits."""
    folder = tmp_path / "mixed"
    folder.mkdir()
    name = "R6_夕張市_調査票.xlsx"
    fill_survey(returns / name, folder / name, info={"reporter": "美唄市"})
    outcome = api.merge_paths([folder], sample_master_path)
    [report] = outcome.validation.report.files
    assert report.status == "invalid" and "reporter_mismatch" in {f.code for f in report.errors}
    assert outcome.result.merged_files == []
    master = load_master(sample_master_path)
    assert not [v for v in master.measure_values if v.reporter == "夕張市"]
    states = {r.reporter: r.state for r in master_to_status(master).rows}
    assert states["夕張市"] == "要修正"


def test_sheets_a_user_added_are_kept(sample_master_path, returns):
    wb = load_workbook(sample_master_path)
    ws = wb.create_sheet("メモ")
    ws["A1"] = "担当者の覚え書き"
    ws["B2"] = 42
    wb.save(sample_master_path)
    api.merge_paths([returns], sample_master_path)
    wb = load_workbook(sample_master_path)
    assert wb["メモ"]["A1"].value == "担当者の覚え書き"
    assert wb["メモ"]["B2"].value == 42


@pytest.mark.parametrize("lock", ["~$master.xlsx", ".~lock.master.xlsx#"])
def test_a_master_open_in_excel_is_refused(sample_master_path, returns, lock):
    (sample_master_path.parent / lock).write_text("owner")
    before = sha(sample_master_path)
    with pytest.raises(MasterError) as err:
        api.merge_paths([returns], sample_master_path)
    assert err.value.exit_code == 2
    assert "開かれています" in str(err.value)
    assert sha(sample_master_path) == before


def test_backup_is_kept_before_writing(sample_master_path, returns):
    before = sample_master_path.read_bytes()
    outcome = api.merge_paths([returns], sample_master_path)
    assert outcome.backup is not None and outcome.backup.read_bytes() == before


def test_a_merge_killed_part_way_leaves_the_old_or_the_new_master(
    sample_master_path, returns, tmp_path
):
    """Kill the merge process at different moments; the master is always whole."""
    import datetime as dt

    def stable(path):  # the time of the merge differs from run to run
        return {
            name: [tuple(None if isinstance(v, dt.datetime) else v for v in row) for row in rows]
            for name, rows in data_sheets(path).items()
        }

    old = stable(sample_master_path)
    reference = tmp_path / "ref" / "reference.xlsx"
    reference.parent.mkdir()
    shutil.copy(sample_master_path, reference)
    api.merge_paths([returns], reference)
    new = stable(reference)
    code = (
        "import sys; from pathlib import Path; from sorachi_etl import api; "
        "api.merge_paths([Path(sys.argv[1])], Path(sys.argv[2]))"
    )
    outcomes = set()
    for delay in (0.2, 0.6, 1.0, 1.4, 1.8, 2.4):
        proc = subprocess.Popen([sys.executable, "-c", code, str(returns), str(sample_master_path)])
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        now = stable(sample_master_path)  # it opens: never half-written
        assert now in (old, new)
        outcomes.add("new" if now == new else "old")
        if now == new:
            break
    # no temporary file is left where staff would see it as a second master
    assert not [
        p
        for p in sample_master_path.parent.iterdir()
        if p.suffix == ".xlsx" and p.name != "master.xlsx"
    ]


def test_merged_master_opens_in_libreoffice(sample_master_path, returns, tmp_path):
    api.merge_paths([returns], sample_master_path)
    libreoffice_convert(sample_master_path, tmp_path / "pdf")
    charts = load_workbook(sample_master_path)["推移グラフ"]._charts
    assert len(charts) == 7


def test_a_fixed_resubmission_beside_the_faulty_original_counts_as_received(
    sample_master_path, tmp_path
):
    """The faulty original and its fixed copy lie in the same folder: the fixed one is the answer."""
    import os

    folder = tmp_path / "回収"
    folder.mkdir()
    name = "R6_岩見沢市_調査票.xlsx"
    blank = master_to_templates(sample_master(), R6, tmp_path / "blank", reporters=["岩見沢市"])[0]
    fill_survey(blank.path, folder / name, values={"M01": ("12,3OO", "確定")})
    os.utime(folder / name, (1_700_000_000, 1_700_000_000))
    api.merge_paths([folder], sample_master_path)
    # a faulty number: the numbers wait, the (empty) 取組 part is taken
    assert {r.reporter: r.state for r in master_to_status(load_master(sample_master_path)).rows}[
        "岩見沢市"
    ] == "一部受付"
    fixed = folder / "R6_岩見沢市_調査票_要修正.xlsx"
    fill_survey(blank.path, fixed, values={m: (10, "確定") for m in blank.measures})
    api.merge_paths([fixed], sample_master_path)
    api.merge_paths([folder], sample_master_path)  # both files again
    status = master_to_status(load_master(sample_master_path))
    row = next(r for r in status.rows if r.reporter == "岩見沢市")
    assert row.state == "受付済"
    assert row.file == fixed.name


def test_reminder_says_when_the_deadline_has_passed(sample_master_path):
    import datetime as dt

    from sorachi_etl.kpi.status import reminder_text

    master = load_master(sample_master_path)
    status = master_to_status(master)
    before = reminder_text(status, today=dt.date(2025, 5, 1))
    after = reminder_text(status, today=dt.date(2025, 6, 10))
    assert "2025年5月30日）までにご提出" in before
    assert "を過ぎていますので、至急ご提出" in after


def test_merging_leaves_the_master_it_was_given_as_it_was(sample_master_path, returns):
    import copy

    from sorachi_etl.check.validate import validate_paths
    from sorachi_etl.kpi.merge import merge_submissions

    master = load_master(sample_master_path)
    before = copy.deepcopy(master)
    validation = validate_paths([returns], master=master)
    result = merge_submissions(master, validation.submissions, validation.report.files)
    assert result.master.measure_values != before.measure_values  # the merge did something
    assert master == before


def test_a_photo_staff_added_stays_when_the_initiative_comes_again(sample_master_path, tmp_path):
    from sorachi_etl.model.resources import samples_dir

    wb = load_workbook(sample_master_path)
    ws = wb["取組"]
    header = [c.value for c in ws[1]]
    col = {h: i + 1 for i, h in enumerate(header)}
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, col["取組名"]).value == "日本遺産認定5周年フォーラム":
            ws.cell(r, col["写真ファイル"]).value = "写真/フォーラム.jpg"
            ws.cell(r, col["写真の説明"]).value = "フォーラムの様子"
    wb.save(sample_master_path)
    returns = tmp_path / "回収"
    shutil.copytree(samples_dir() / "returns", returns)  # the bureau sends the forum as done
    api.merge_paths([returns], sample_master_path)
    forum = next(
        i
        for i in load_master(sample_master_path).initiatives
        if i.title == "日本遺産認定5周年フォーラム"
    )
    assert forum.kind == "実績" and forum.venue == "岩見沢市"  # the return's content
    assert (forum.photo, forum.photo_caption) == ("写真/フォーラム.jpg", "フォーラムの様子")


def test_a_value_staff_confirmed_in_the_master_stays_when_the_folder_is_merged_again(
    sample_master_path, tmp_path
):
    """滝川市 sent 認定こども園数 as 集計中 and phoned the figure in later; staff typed it into
    調査実績 (3, 確定). Merging 回収 again, as one does when a late return arrives, must
    not put back the 集計中 of the return already taken: nothing in it is new."""
    from sorachi_etl.model.resources import samples_dir

    folder = tmp_path / "回収"
    shutil.copytree(samples_dir() / "returns", folder)
    api.merge_paths([folder], sample_master_path)

    def takikawa_m03(path: Path) -> tuple:
        sheet = load_workbook(path)["調査実績"]
        [row] = [r for r in sheet.iter_rows(values_only=True) if r[:3] == ("M03", "滝川市", "R6")]
        return row[3:5]

    assert takikawa_m03(sample_master_path) == (None, "集計中")
    wb = load_workbook(sample_master_path)
    for row in wb["調査実績"].iter_rows(min_row=2):
        if tuple(c.value for c in row[:3]) == ("M03", "滝川市", "R6"):
            row[3].value, row[4].value = 3, "確定"
    wb.save(sample_master_path)

    again = api.merge_paths([folder], sample_master_path)
    assert again.result.changes == []
    assert takikawa_m03(sample_master_path) == (3, "確定")
    status = api.status_of(sample_master_path, year=R6)
    [takikawa] = [r for r in status.rows if r.reporter == "滝川市"]
    assert takikawa.pending == []


def test_a_merge_with_the_wrong_year_leaves_the_right_years_state_alone(
    sample_master_path, tmp_path
):
    """The clerk merges 夕張市's R6 return with --year R5 by mistake: it is refused (another
    year), and 夕張市's R6 return, taken before, must stay 受付済: else the reminder asks
    夕張市 to fix a survey that has nothing wrong."""
    from sorachi_etl.model.resources import samples_dir

    folder = tmp_path / "回収"
    shutil.copytree(samples_dir() / "returns", folder)
    import datetime as dt

    api.merge_paths([folder], sample_master_path, now=dt.datetime(2025, 6, 2, 10, 0))
    wrong = api.merge_paths(
        [folder / "R6_夕張市_調査票.xlsx"],
        sample_master_path,
        year=2023,
        now=dt.datetime(2025, 6, 2, 10, 5),  # 提出状況 tells runs apart by their time
    )
    assert wrong.result.merged_files == []
    assert wrong.unchanged and not wrong.written  # nothing to record: the master is left alone
    status = api.status_of(sample_master_path, year=R6)
    [yubari] = [r for r in status.rows if r.reporter == "夕張市"]
    assert yubari.state == "受付済"
