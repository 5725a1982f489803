"""The output side as staff leave the master: each break found by attacking report,
publish, status and the KPI list.

Every test starts from a real master file, edits it as a clerk would (openpyxl for the
cells), runs the real command or library call and checks what the clerk would notice:
the exit code and the Japanese line, the figures printed, the files written.
"""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from sorachi_etl.cli import app

runner = CliRunner()


def run(command: str, master):
    """`command` on the master, as staff run it (publish: the web page only, no PDF)."""
    args = [command, "-m", str(master)]
    if command == "publish":
        args += ["--format", "html"]
    return runner.invoke(app, args)


def edit(path, cells: dict[tuple[str, str], object]) -> None:
    wb = load_workbook(path)
    for (sheet, cell), value in cells.items():
        wb[sheet][cell] = value
    wb.save(path)


# --- a choice typed in other words ----------------------------------------------------


@pytest.mark.parametrize("command", ["report", "publish", "status"])
@pytest.mark.parametrize(
    ("cell", "typed", "column"),
    [
        ("N5", "下降", "方向"),  # 「低下」 in other words: the rate was printed as for 上昇
        ("O5", "改善", "進捗率の算出"),  # 「改善幅」 shortened: the rule silently ignored
    ],
)
def test_a_direction_typed_in_other_words_is_named_not_computed_as_rising(
    sample_master_path, command, cell, typed, column
):
    """report and publish skip the merge's full check: a 方向 typed 「下降」 printed
    138.8% for a KPI where lower is better, without a word; merge refused the same master."""
    edit(sample_master_path, {("評価指標", cell): typed})
    result = run(command, sample_master_path)
    assert result.exit_code == 2, result.output
    assert f"評価指標!{cell}「{typed}」は{column}に使えません" in result.output
    assert "138.8%" not in result.output


# --- a negative target or base ----------------------------------------------------------


@pytest.mark.parametrize("command", ["report", "publish", "status"])
@pytest.mark.parametrize(
    ("cell", "typed", "column"),
    [("L5", -5, "目標値"), ("J5", -6522, "基準値")],
)
def test_a_negative_target_or_base_is_named_not_printed_as_a_rate(
    sample_master_path, command, cell, typed, column
):
    """A target typed -5 (a minus slipped in) printed a progress rate of -402400.0%."""
    edit(sample_master_path, {("評価指標", cell): typed})
    result = run(command, sample_master_path)
    assert result.exit_code == 2, result.output
    assert f"評価指標!{cell}「{typed}」は{column}として範囲外です（0以上）" in result.output
    assert "-402400" not in result.output


def test_a_negative_value_typed_into_the_published_values_is_named(sample_master_path):
    wb = load_workbook(sample_master_path)
    wb["指標実績"].append(["K04", "R5", -20120, "確定", "手入力", ""])
    row = wb["指標実績"].max_row
    wb.save(sample_master_path)
    result = runner.invoke(app, ["report", "-m", str(sample_master_path)])
    assert result.exit_code == 2, result.output
    assert f"指標実績!C{row}「-20120」は値として範囲外です（0以上）" in result.output


# --- report --format md with staff's own text -----------------------------------------


def test_markdown_keeps_one_table_row_per_kpi_whatever_staff_typed(sample_master_path):
    """A line break typed in a cell (Alt+Enter) split the Markdown table's row in two,
    and text looking like a tag (「<5歳児>」) vanished or ran as HTML where it is shown."""
    import html

    from markdown_it import MarkdownIt

    edit(
        sample_master_path,
        {
            ("プロジェクト", "B2"): "日本遺産「炭鉄港」を活用した\n交流人口拡大プロジェクト",
            ("評価指標", "B2"): "観光入込客数<5歳児>_計_*",
            ("分析メモ", "D2"): "移住相談は\n<img src=x onerror=alert(1)>増加 | 傾向",
        },
    )
    result = runner.invoke(app, ["report", "-m", str(sample_master_path), "--format", "md"])
    assert result.exit_code == 0, result.output
    page = MarkdownIt("commonmark").enable("table").render(result.output)
    rows = page.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert len(rows) == 9  # the sample's 9 KPI rows, none split, none merged
    assert all(row.count("<td") == 10 for row in rows)
    assert "<img" not in page and "<5歳児>" not in page
    text = html.unescape(page)
    assert "観光入込客数<5歳児>_計_*" in text
    assert "日本遺産「炭鉄港」を活用した" in rows[0] and "交流人口拡大プロジェクト" in rows[0]
    assert "<img src=x onerror=alert(1)>増加 | 傾向" in text


# --- the cover ----------------------------------------------------------------------------


def test_a_long_bureau_name_on_the_cover_is_shown_whole(sample_master_path, tmp_path):
    """The cover gave 振興局名 one line's height: a longer name from 設定 went over two
    lines and the second was cut off on the printed page."""
    from sorachi_etl import api
    from sorachi_etl.book.text_fit import column_px, text_lines

    name = "北海道空知総合振興局 地域創生部 地域政策課 地域づくり推進係（電話 0126-20-0000）"
    wb = load_workbook(sample_master_path)
    ws = wb["設定"]
    row = next(c.row for c in ws["A"] if c.value == "振興局名")
    ws.cell(row, 2).value = name
    wb.save(sample_master_path)
    result = api.publish(sample_master_path, out_dir=tmp_path / "out", formats=["xlsx"])
    cover = load_workbook(result.files["xlsx"]).worksheets[0]
    cell = next(c for c in cover["A"] if c.value == name)
    width = sum(
        column_px(cover.column_dimensions[c].width)
        for c in "ABCDEFGHIJ"[: cover.max_column]
        if cover.column_dimensions[c].width
    )
    lines = text_lines(name, width, 16)
    assert lines >= 2
    assert cover.row_dimensions[cell.row].height >= lines * 16 * 1.2


# --- the running header -------------------------------------------------------------------


def _header_lines(pdf, page: int) -> list[tuple[float, float, float, str]]:
    """(top, left, right, text) of each line printed in the top 50 pt of a PDF page."""
    import re
    import subprocess

    out = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-bbox-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = []
    for m in re.finditer(
        r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">(.*?)</line>',
        out,
        re.S,
    ):
        x0, y0, x1 = float(m[1]), float(m[2]), float(m[3])
        if y0 < 50:
            lines.append((y0, x0, x1, "".join(re.findall(r">([^<]+)</word>", m[4]))))
    return lines


def test_a_long_title_and_bureau_name_never_print_over_each_other(sample_master_path, tmp_path):
    """The running header set the title left and the year and bureau right at 8 pt
    whatever their length: a longer title and bureau name printed over each other."""
    from tests.conftest import need_soffice

    need_soffice()
    from sorachi_etl import api

    title = (
        "道央広域連携地域政策展開方針（空知地域）の推進管理と評価指標の進捗状況等について（報告）"
    )
    bureau = "北海道空知総合振興局 地域創生部 地域政策課 地域づくり推進係"
    wb = load_workbook(sample_master_path)
    ws = wb["設定"]
    for c in ws["A"]:
        if c.value == "報告書の表題":
            ws.cell(c.row, 2).value = title
        if c.value == "振興局名":
            ws.cell(c.row, 2).value = bureau
    wb.save(sample_master_path)
    result = api.publish(sample_master_path, out_dir=tmp_path / "out", formats=["pdf"])
    assert "pdf" in result.files, [f.message for f in result.findings]
    for page in (2, 7):  # a project's page (portrait) and the KPI list (landscape)
        lines = _header_lines(result.files["pdf"], page)
        text = "".join(t for *_, t in lines)
        assert title in text and "北海道空知総合振興局" in text, lines
        for a in lines:
            for b in lines:
                if a is not b and abs(a[0] - b[0]) < 4:  # on the same line
                    assert a[2] <= b[1] or b[2] <= a[1], (a, b)


# --- the master's 評価指標一覧 -------------------------------------------------------------


def test_the_kpi_list_sheet_shows_long_names_and_notes_whole(sample_master_path, tmp_path):
    """Every KPI row was 30 pt and an analysis line's height was guessed from its length:
    a long KPI or project name was cut off in the master's 評価指標一覧, and so was a note
    typed over two lines (Alt+Enter) in 分析メモ."""
    from openpyxl import Workbook

    from sorachi_etl.book.kpi_list import write_kpi_list
    from sorachi_etl.book.master_check import load_master
    from sorachi_etl.book.text_fit import column_px, text_lines
    from sorachi_etl.kpi.aggregate import master_to_kpi_table

    kpi = "炭鉄港推進協議会構成市町（小樽市・室蘭市・安平町を含む）の観光入込客数（日帰り・宿泊の合計、延べ人数）"
    project = "日本遺産「炭鉄港」を活用した交流人口拡大と広域連携による地域の魅力向上プロジェクト"
    note = "移住相談件数については\nオンライン相談の強化により\n増加傾向となっている。"
    edit(
        sample_master_path,
        {("評価指標", "B2"): kpi, ("プロジェクト", "B2"): project, ("分析メモ", "D2"): note},
    )
    master = load_master(sample_master_path)
    wb = Workbook()
    write_kpi_list(wb, master_to_kpi_table(master))
    wb.save(tmp_path / "list.xlsx")
    ws = load_workbook(tmp_path / "list.xlsx")["評価指標一覧"]

    def px(col: str) -> float:
        return column_px(ws.column_dimensions[col].width)

    def height(row: int) -> float:
        return ws.row_dimensions[row].height or 15

    kpi_cell = next(c for c in ws["B"] if c.value == kpi)
    assert height(kpi_cell.row) >= text_lines(kpi, px("B"), 11) * 11 * 1.2
    name = next(c for c in ws["A"] if c.value == project)
    merged = [m for m in ws.merged_cells.ranges if (m.min_row, m.min_col) == (name.row, 1)]
    last = merged[0].max_row if merged else name.row
    need = text_lines(project, px("A"), 11) * 11 * 1.2
    assert sum(height(r) for r in range(name.row, last + 1)) >= need
    line = next(c for c in ws["A"] if c.value and "オンライン相談" in str(c.value))
    assert height(line.row) >= 3 * 11 * 1.2


# --- status --------------------------------------------------------------------------------


def test_a_reminder_without_a_deadline_asks_plainly(sample_master_path):
    """With the deadline left blank in 設定, the reminder mailed to municipalities read
    「提出期限（（期限未設定））までにご提出をお願いします。」"""
    wb = load_workbook(sample_master_path)
    ws = wb["設定"]
    row = next(c.row for c in ws["A"] if c.value == "調査票の提出期限")
    ws.cell(row, 2).value = None
    wb.save(sample_master_path)
    result = runner.invoke(app, ["status", "-m", str(sample_master_path), "--reminder"])
    assert result.exit_code == 0, result.output
    assert "・夕張市　調査票が未提出です。ご提出をお願いします。" in result.output
    assert "期限未設定" not in result.output and "（（" not in result.output


# --- staff's text that looks like Rich markup ---------------------------------------------


def test_brackets_typed_by_staff_are_printed_as_typed_not_read_as_markup(sample_master_path):
    """A project named 「…[/]…」 crashed `report` with a Python traceback (Rich read the
    caption as markup), and 「[pdf]」 vanished from the lines printed."""
    edit(
        sample_master_path,
        {
            ("プロジェクト", "B2"): "炭鉄港[/]交流人口拡大プロジェクト",
            ("評価指標", "B3"): "耕作面積[pdf]の維持",
            ("市町", "A2"): "夕張市",
        },
    )
    result = runner.invoke(app, ["report", "-m", str(sample_master_path)], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "炭鉄港[/]交流人口拡大プロジェクト" in result.output
    assert "耕作面積[pdf]の維持" in result.output


def test_an_error_quoting_brackets_is_printed_whole(sample_master_path):
    """The one Japanese error line quotes the cell; 「[/]」 in it crashed the printer."""
    edit(sample_master_path, {("評価指標", "L5"): "[/]未定[bold]"})
    result = runner.invoke(app, ["report", "-m", str(sample_master_path)])
    assert result.exit_code == 2, result.output
    assert "評価指標!L5「[/]未定[bold]」は目標値として読めません" in result.output


def test_large_figures_in_the_kpi_list_sheet_never_print_as_hashes(sample_master_path, tmp_path):
    """The figures' columns had fixed widths made for 千人: a KPI kept in 人, whose values
    run to 12,320,000人, printed its base and target as ### in the master's 評価指標一覧."""
    import subprocess

    from openpyxl import Workbook

    from sorachi_etl.book.kpi_list import write_kpi_list
    from sorachi_etl.book.master_check import load_master
    from sorachi_etl.kpi.aggregate import master_to_kpi_table
    from tests.conftest import libreoffice_convert

    wb = load_workbook(sample_master_path)
    kpis = wb["評価指標"]  # K05 管内への観光入込客数, kept in 人 instead of 万人
    for cell, value in {"G6": 1, "H6": "人", "I6": 0, "J6": 12320000, "L6": 12780000}.items():
        kpis[cell] = value
    values = wb["指標実績"]
    for r in range(2, values.max_row + 1):
        value = values.cell(r, 3).value
        if values.cell(r, 1).value == "K05" and isinstance(value, int | float):
            values.cell(r, 3).value = value * 10000
    wb.save(sample_master_path)
    out = Workbook()
    write_kpi_list(out, master_to_kpi_table(load_master(sample_master_path)))
    for name in out.sheetnames:
        if name != "評価指標一覧":
            del out[name]
    out.save(tmp_path / "list.xlsx")
    pdf = libreoffice_convert(tmp_path / "list.xlsx", tmp_path / "pdf")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "12,320,000人（R1）" in text and "12,780,000人（R6）" in text
    assert "#" not in text


# --- the projects a business or an initiative names ---------------------------------------


@pytest.mark.parametrize(
    ("cell", "typed", "shown"),
    [
        ("事業!C3", "プロジェクト1", "関連プロジェクト「プロジェクト1」"),  # printed no mark
        ("事業!C4", "3,5", "関連プロジェクト「5」"),  # printed a ⑤ no project has
        ("取組!D3", 7, "プロジェクト「7」"),  # left out of every page without a word
    ],
)
@pytest.mark.parametrize("command", ["report", "publish"])
def test_a_project_that_does_not_exist_is_named(sample_master_path, command, cell, typed, shown):
    sheet, ref = cell.split("!")
    edit(sample_master_path, {(sheet, ref): typed})
    result = run(command, sample_master_path)
    assert result.exit_code == 2, result.output
    assert f"{cell}の{shown}がシート「プロジェクト」にありません" in result.output


def test_circled_project_numbers_typed_as_the_report_prints_them_are_read(
    sample_master_path, tmp_path
):
    from sorachi_etl import api

    edit(sample_master_path, {("事業", "C2"): "①,③"})
    result = api.publish(sample_master_path, out_dir=tmp_path / "out", formats=["html"])
    page = result.files["html"].read_text(encoding="utf-8")
    assert "日本遺産「炭鉄港」広域連携推進事業</th><td>" in page
    row = page.split("日本遺産「炭鉄港」広域連携推進事業</th>")[1].split("</tr>")[0]
    assert row.endswith('<td class="mark">①③</td>')


# --- 分析メモ typed with the IME on -----------------------------------------------------------


def test_a_note_naming_its_kpi_in_full_width_is_printed_for_that_kpi(sample_master_path):
    """「Ｋ０６」 typed with the Japanese IME on: every command stopped, saying K06 was not
    in 評価指標, though the report itself reads it as K06."""
    edit(sample_master_path, {("分析メモ", "B2"): "Ｋ０６", ("分析メモ", "A2"): "令和６年度"})
    result = runner.invoke(app, ["report", "-m", str(sample_master_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    import json

    lines = json.loads(result.output)["analysis_lines"]
    mine = [line for line in lines if "オンライン相談の強化" in line["text"]]
    assert mine == [
        {
            "text": "移住相談件数についてはオンライン相談の強化により増加傾向となっている。",
            "kpi_id": "K06",
            "drafted": False,
        }
    ]


# --- the plan period in 設定 ---------------------------------------------------------------


@pytest.mark.parametrize("command", ["report", "publish", "status"])
def test_a_plan_period_typed_the_wrong_way_round_is_named(sample_master_path, command):
    """計画開始年度 R7 and 計画終了年度 R3: the KPI list came out with no year column at
    all (no R3…R7 values anywhere), and nothing said why."""
    edit(sample_master_path, {("設定", "B2"): "R7", ("設定", "B3"): "R3"})
    result = run(command, sample_master_path)
    assert result.exit_code == 2, result.output
    assert "設定!B2の計画開始年度（R7）が計画終了年度（R3）より後になっています" in result.output


# --- a KPI with a value but no rate ---------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ({("評価指標", "L5"): 0}, "目標値が0の"),
        ({("評価指標", "L5"): None}, "目標値が空欄の"),
        ({("評価指標", "O5"): "改善幅", ("評価指標", "L5"): 6522}, "目標値が基準値と同じ"),
    ],
)
@pytest.mark.parametrize("command", ["report", "publish"])
def test_a_kpi_whose_rate_cannot_be_computed_says_why(sample_master_path, command, cells, reason):
    """A target typed 0 or left blank printed the rate as — with no word of why, in the
    list and in the published report alike."""
    edit(sample_master_path, cells)
    args = [command, "-m", str(sample_master_path)]
    if command == "publish":
        args += ["--format", "html"]
    result = runner.invoke(app, args, terminal_width=200)
    assert result.exit_code == 0, result.output
    assert (
        f"「そらち・デ・ビュー」公式SNSのフォロワー数は{reason}ため、進捗率を計算できません"
        in result.output
    )


def test_the_sample_gets_no_word_about_rates(sample_master_path):
    result = runner.invoke(app, ["report", "-m", str(sample_master_path)], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "進捗率を計算できません" not in result.output


# --- a photo typed for a planned initiative -------------------------------------------------


def test_a_photo_typed_for_a_planned_initiative_is_not_lost_without_a_word(
    sample_master_path, tmp_path
):
    """A planned initiative prints as one line: a photo staff typed for it was dropped
    without a word, while a missing photo elsewhere gets a warning naming the cell."""
    from PIL import Image

    from sorachi_etl import api

    (sample_master_path.parent / "写真").mkdir()
    Image.new("RGB", (300, 200), "red").save(sample_master_path.parent / "写真" / "a.jpg")
    wb = load_workbook(sample_master_path)
    ws = wb["取組"]
    col = {c.value: c.column for c in ws[1]}
    row = next(
        r
        for r in range(2, ws.max_row + 1)
        if ws.cell(r, col["区分"]).value == "予定" and ws.cell(r, col["年度"]).value == "R6"
    )
    ws.cell(row, col["写真ファイル"]).value = "写真/a.jpg"
    ws.cell(row, col["写真の説明"]).value = "予定の写真"
    title = ws.cell(row, col["取組名"]).value
    wb.save(sample_master_path)
    result = api.publish(sample_master_path, out_dir=tmp_path / "out", formats=["html"])
    cell = f"{ws.cell(row, col['写真ファイル']).column_letter}{row}"
    said = [f.message for f in result.findings if f.code == "photo_on_planned"]
    assert said == [
        f"取組!{cell}（取組名「{title}」）の写真「写真/a.jpg」は載せていません。"
        "区分「予定」の取組は1行で載せ、写真は区分「実績」の取組の横に載せます。"
        "実施した後、区分を「実績」にしてください。"
    ]


def test_an_initiative_done_in_a_year_after_the_report_is_named_not_dropped(
    sample_master_path, tmp_path
):
    """An 実績 row whose year was typed R9 (for R5) vanished from the report without a word:
    the page showed one initiative fewer and nobody knew why."""
    from sorachi_etl import api

    wb = load_workbook(sample_master_path)
    ws = wb["取組"]
    col = {c.value: c.column for c in ws[1]}
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, col["区分"]).value == "実績")
    ws.cell(row, col["年度"]).value = "R9"
    title = ws.cell(row, col["取組名"]).value
    wb.save(sample_master_path)
    result = api.publish(sample_master_path, out_dir=tmp_path / "out", formats=["html"])
    said = [f for f in result.findings if f.code == "initiative_after_report_year"]
    assert [(f.sheet, f.cell) for f in said] == [
        ("取組", f"{ws.cell(row, col['年度']).column_letter}{row}")
    ]
    assert f"（取組名「{title}」）はR9の実績ですが" in said[0].message
    html = next((tmp_path / "out").glob("*.html")).read_text(encoding="utf-8")
    assert title not in html


# --- 推移グラフ -------------------------------------------------------------------------------


def test_a_long_kpi_name_leaves_its_chart_room_to_plot(sample_master_path, tmp_path):
    """The chart title was 14 pt whatever its length: a long KPI name took four lines of
    the 7.5 cm chart and squeezed the plot into a strip. Now it is set smaller, on two
    lines at most; a short name keeps 14 pt."""
    import zipfile
    from xml.etree import ElementTree

    from sorachi_etl.api import render_master
    from sorachi_etl.book.master_check import load_master
    from sorachi_etl.kpi.aggregate import master_to_kpi_table

    long = "炭鉄港推進協議会構成市町（小樽市・室蘭市・安平町を含む）の観光入込客数（日帰り・宿泊の合計、延べ人数）"
    edit(sample_master_path, {("評価指標", "B2"): long})
    master = load_master(sample_master_path)
    render_master(master, master_to_kpi_table(master)).save(tmp_path / "m.xlsx")
    a = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    c = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
    sizes = {}
    with zipfile.ZipFile(tmp_path / "m.xlsx") as z:
        for name in z.namelist():
            if name.startswith("xl/charts/chart") and name.endswith(".xml"):
                root = ElementTree.fromstring(z.read(name))
                title = root.find(f"{c}chart/{c}title")
                text = "".join(t.text or "" for t in title.iter(f"{a}t"))
                font = title.find(f".//{a}rPr")
                sz = font.get("sz") if font is not None else None
                sizes[text] = int(sz) / 100 if sz else 14  # no size: the default, 14 pt
    # at 14 pt a line of the chart's width holds about 20 full-width characters
    assert len(long) * sizes[long] / 14 <= 2 * 20
    assert sizes["空知の耕作面積の維持"] == 14


# --- --out holding a folder named like the report -------------------------------------------


def test_a_folder_named_like_the_report_is_named_before_anything_is_written(
    sample_master_path, tmp_path
):
    """A folder 「R6_推進管理報告書.html」 in the output folder: publish wrote the workbook
    and the PDF, then stopped on the page with 「（Is a directory）」, in English."""
    out = tmp_path / "out"
    (out / "R6_推進管理報告書.html").mkdir(parents=True)
    result = runner.invoke(
        app, ["publish", "-m", str(sample_master_path), "--out", str(out), "--format", "xlsx,html"]
    )
    assert result.exit_code == 2, result.output
    assert "R6_推進管理報告書.html」はフォルダです" in result.output
    assert "directory" not in result.output.lower()
    assert not (out / "R6_推進管理報告書.xlsx").exists()


# --- characters XML forbids typed into the master -------------------------------------------


@pytest.mark.parametrize("command", ["report", "publish"])
def test_control_characters_in_the_master_are_removed_with_a_notice(sample_master_path, command):
    """A control character pasted into a cell (_x0001_ in the file, as Excel stores it)
    was removed on reading without a word: the report printed other text than the cell
    holds, and the 注意 publish has for such characters never came."""
    import shutil
    import zipfile

    edit(sample_master_path, {("取組", "E2"): "炭鉄港めしフェスタの開催"})
    # Excel writes a control character as _x0001_ in the sheet's XML; openpyxl refuses it
    tmp = sample_master_path.with_suffix(".tmp")
    with zipfile.ZipFile(sample_master_path) as src, zipfile.ZipFile(tmp, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            data = data.replace("炭鉄港めしフェスタ".encode(), "炭鉄港めし_x0001_フェスタ".encode())
            dst.writestr(item, data)
    shutil.move(tmp, sample_master_path)
    args = [command, "-m", str(sample_master_path)]
    if command == "publish":
        args += ["--format", "html"]
    result = runner.invoke(app, args, terminal_width=200)
    assert result.exit_code == 0, result.output
    assert (
        "マスタの取組!E2の取組名に使えない文字（制御文字など）があったため、取り除いて読みました"
        in result.output
    )


def test_a_path_with_brackets_is_printed_as_it_is(tmp_path):
    """A folder named 「[old]」 (as staff name a folder of last year's files): the line
    saying where the master was made dropped 「[old]」 as markup and named another path."""
    folder = tmp_path / "[old]"
    folder.mkdir()
    result = runner.invoke(app, ["init", str(folder / "master.xlsx")], terminal_width=300)
    assert result.exit_code == 0, result.output
    assert f"マスタを作成しました: {folder / 'master.xlsx'}" in result.output


def test_a_project_whose_purpose_or_area_is_blank_is_named(sample_master_path, tmp_path):
    """A project whose 目的 was cleared printed 【目的】 over nothing, without a word."""
    wb = load_workbook(sample_master_path)
    ws = wb["プロジェクト"]
    col = {c.value: c.column for c in ws[1]}
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, col["番号"]).value == 2)
    ws.cell(row, col["目的"]).value = None
    wb.save(sample_master_path)
    out = tmp_path / "out"
    args = ["publish", "-m", str(sample_master_path), "--out", str(out), "--format", "html"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "プロジェクト2の「目的」が空欄です" in result.output
    assert "推進エリア" not in result.output  # every project still has its area
    assert (out / "R6_推進管理報告書.html").exists()
