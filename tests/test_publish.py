"""The published report (推進管理報告書) from the sample master, checked against the report
the bureau actually published (tests/data/reference), not against the code's own output.

Texts are compared after NFKC and without white space: the reference is the text of
a PDF (its line breaks and half-width brackets are the PDF's), ours is a PDF or HTML
page whose lines wrap where our columns end.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sorachi_etl import api
from sorachi_etl.model.errors import SorachiError
from sorachi_etl.model.resources import samples_dir
from tests.conftest import REFERENCE, need_soffice

SOURCE = (REFERENCE / "000_1da155572c01d96e.txt").read_text(encoding="utf-8")
KPI_LIST = json.loads((REFERENCE / "r6_kpi_list.json").read_text(encoding="utf-8"))
PROJECT_PAGES = SOURCE[
    SOURCE.index("これまでの主な取組・成果") : SOURCE.index("評価指標（KPI）一覧")
]


def norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


# --- what the source report prints ------------------------------------------------------


def source_purposes() -> list[str]:
    pattern = r"^目的\s+(.+?)\s*これまでの主な取組・成果"
    return [m[1] for m in re.finditer(pattern, SOURCE, re.S | re.M)]


def source_initiatives() -> list[str]:
    """Every initiative line of the project pages: ■ title [実施主体] or - title [実施主体]."""
    out = []
    for line in PROJECT_PAGES.splitlines():
        m = re.match(r"^(?:■|-|○)\s*(.+?)\s*(?:\[([^\]]+)\])?$", line.strip())
        if m:
            # the source separates implementers with ・ and, once, with 、: ours always ・
            who = f"[{m[2].replace('、', '・')}]" if m[2] else ""
            out.append(m[1] + who)
    return out


def source_details(label: str) -> list[str]:
    """The values of the 開催日/場所/概要 lines; a period in brackets, which our report
    puts after the summary, is a fragment of its own."""
    out = []
    for line in PROJECT_PAGES.splitlines():
        m = re.match(rf"^{label}\s*[:：]\s*(.+)$", norm(line))
        if m:
            out += [p for p in re.split(r"(\(R\d+\.\d+月~?\))", m[1]) if p]
    return out


def source_kpi_rows() -> list[list[str]]:
    """The rows of the source's 評価指標（KPI）一覧: project?, KPI, base, R3…R7, target, rate."""
    table = SOURCE[SOURCE.index("プロジェクト名\t") :]
    rows = []
    for line in table.splitlines()[1:]:
        cells = line.split("\t")
        if len(cells) != 10:
            break
        rows.append([norm(c) for c in cells])
    return rows


def source_businesses() -> list[list[str]]:
    rows = []
    for line in SOURCE.splitlines():
        cells = line.split("\t")
        if len(cells) == 3 and re.fullmatch(r"[①-⑳]+", cells[2].strip()):
            # NFKC would make ① a 1: the marks are kept as printed
            rows.append([norm(cells[0]), norm(cells[1]), cells[2].strip()])
    return rows


STAFF_LINES = [
    "移住相談件数についてはオンライン相談の強化により増加傾向となっている。",
    "現在、次期「道央広域連携地域政策展開方針」の見直しを進めているところであり、"
    "今後、市町や関係機関の皆さまのご意見をいただきながら、策定作業を進めていく。",
]


def test_the_source_is_read_as_expected():
    # the parsing above finds what a reader of the source sees
    assert len(source_purposes()) == 4
    # 4 + 4 + 4 past, the 4th project's ■ fair with its 2 ○ parts and 2 more ■, 12 planned
    assert len(source_initiatives()) == 29
    assert len(source_kpi_rows()) == 9
    assert len(source_businesses()) == 10
    assert "令和5年9月16日~17日" in source_details("開催日")


# --- the sample publication ------------------------------------------------------------


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sample")
    api.init_master(folder / "master.xlsx")
    return folder / "master.xlsx"


@pytest.fixture(scope="module")
def published(sample) -> api.PublishResult:
    return api.publish(sample, formats=["xlsx", "html"])


@pytest.fixture(scope="module")
def pdf_pages(sample, tmp_path_factory) -> tuple[api.PublishResult, list[str]]:
    need_soffice()
    result = api.publish(sample, out_dir=tmp_path_factory.mktemp("pdf"), formats=["xlsx", "pdf"])
    assert "pdf" in result.files, [f.message for f in result.findings]
    text = subprocess.run(
        ["pdftotext", str(result.files["pdf"]), "-"], capture_output=True, text=True, check=True
    ).stdout
    return result, text.split("\f")[: len(result.sheets)]


def html_tree(path: Path) -> ET.Element:
    import html5lib

    with open(path, "rb") as fh:
        return html5lib.parse(fh, namespaceHTMLElements=False, treebuilder="etree")


def in_order(needle: str, haystack: str) -> bool:
    """Whether the characters of `needle` appear in `haystack` in order: a text that wraps
    in a table cell of a PDF comes out in pieces, between the pieces of its neighbours."""
    rest = iter(haystack)
    return all(ch in rest for ch in needle)


def text_of(element: ET.Element) -> str:
    return "".join(element.itertext())


def html_text(path: Path) -> str:
    return norm(text_of(html_tree(path).find("body")))


@pytest.fixture(scope="module")
def texts(published, pdf_pages) -> dict[str, str]:
    return {"html": html_text(published.files["html"]), "pdf": norm("".join(pdf_pages[1]))}


KINDS = ["html", "pdf"]


def test_files_are_named_by_the_report_year(published):
    assert published.report.report_year == 2024
    assert {k: p.name for k, p in published.files.items()} == {
        "xlsx": "R6_推進管理報告書.xlsx",
        "html": "R6_推進管理報告書.html",
    }
    assert published.files["xlsx"].parent.name == "報告書"  # beside the master
    assert published.findings == []


@pytest.mark.parametrize("kind", KINDS)
def test_every_project_with_its_area_and_purpose(texts, kind):
    text = texts[kind]
    for project in KPI_LIST["projects"]:
        assert norm(project["name"]) in text
        assert norm("【推進エリア】" + project["area"]) in text
    for purpose in source_purposes():
        assert norm(purpose) in text


@pytest.mark.parametrize("kind", KINDS)
def test_every_initiative_title_with_its_implementers(texts, kind):
    missing = [line for line in source_initiatives() if norm(line) not in texts[kind]]
    assert missing == []


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("label", ["開催日", "場所", "概要"])
def test_every_date_venue_and_summary(texts, kind, label):
    missing = [value for value in source_details(label) if value not in texts[kind]]
    assert missing == []


def test_cover_title_year_and_bureau_from_the_settings(pdf_pages, published):
    cover = norm(pdf_pages[1][0])
    assert cover.startswith(norm("道央広域連携地域政策展開方針の推進管理について"))
    for project in KPI_LIST["projects"]:
        assert norm(f"{project['no']}{project['name']}") in cover
    assert norm("令和6年度北海道空知総合振興局") in cover
    h1 = html_tree(published.files["html"]).find(".//h1")
    assert h1.text == "道央広域連携地域政策展開方針の推進管理について"


def test_kpi_rows_in_the_html_as_published(published):
    tree = html_tree(published.files["html"])
    section = tree.find(".//section[@id='kpi-list']")
    rows = []
    for tbody in section.iter("tbody"):
        for tr in tbody.iter("tr"):
            cells = [norm(text_of(c)) for c in tr if c.tag in ("th", "td")]
            rows.append(cells if len(cells) == 10 else ["", *cells])
    assert rows == source_kpi_rows()


def test_project_kpi_tables_in_the_html_as_published(published):
    tree = html_tree(published.files["html"])
    actual_year = KPI_LIST["actual_year"]
    by_project: dict[int, list[list[str]]] = {}
    no = 0
    for row in source_kpi_rows():
        no += bool(row[0])
        # 実績値（実績年）: the value in the actual year (R5), with that year
        actual = f"{row[5]}({actual_year})"
        by_project.setdefault(no, []).append([row[1], row[2], actual, row[8], row[9]])
    for no, expected in by_project.items():
        section = tree.find(f".//section[@id='project-{no}']")
        got = [[norm(text_of(c)) for c in tr] for tr in section.find(".//tbody")]
        assert got == expected


def test_kpi_figures_on_the_printed_pages(pdf_pages):
    result, pages = pdf_pages
    kpi_page = norm(pages[result.sheets.index("評価指標一覧")])
    rows = source_kpi_rows()
    for row in rows:
        assert in_order(row[0], kpi_page) and in_order(row[1], kpi_page)  # wrapped in cells
        for cell in row[2:]:
            assert cell in kpi_page
    # each 集計中 and — of the table, and no more
    for mark in ("集計中", "—"):
        assert kpi_page.count(mark) == sum(row.count(mark) for row in rows)
    for figure in ["7,250千人(R2)", "113,500ha(R5)", "99.9%", "81.4%", "138.8%", "90.9%"]:
        assert figure in norm("".join(pages))
    # 1,232万人 beside 1,159.6万人, as the source prints them (never 1,232.0)
    assert "1,232万人(R1)" in kpi_page and "1,159.6万人" in kpi_page and ".0万人" not in kpi_page


def test_analysis_lines_as_published(texts, published):
    lines = [
        "9つの評価指標のうち、3つの評価指標が進捗率90%を超えている。",
        *STAFF_LINES,
    ]
    for kind in KINDS:
        for line in lines:
            assert norm(line) in texts[kind]
        # the facts of the source's other lines, in our words
        for fact in ("8.3ポイント低下", "3倍程度", "認定こども園設置数は、現状維持"):
            assert norm(fact) in texts[kind]
        assert "自動作成" not in texts[kind]  # drafts are marked in the master only
    items = html_tree(published.files["html"]).findall(".//section[@id='kpi-list']/ul/li")
    assert [li.text for li in items][-1] == STAFF_LINES[1]


def test_all_businesses_with_their_projects(published, pdf_pages):
    tree = html_tree(published.files["html"])
    section = tree.find(".//section[@id='businesses']")
    got = [
        [norm(text_of(tr[0])), norm(text_of(tr[1])), text_of(tr[2])]
        for tr in section.find(".//tbody")
    ]
    assert got == source_businesses()
    result, pages = pdf_pages
    raw = "".join(p for s, p in zip(result.sheets, pages, strict=True) if "主な取組" in s)
    printed = norm(raw)
    for name, summary, _marks in source_businesses():
        assert in_order(name, printed) and in_order(summary, printed)
    sheets = [s for s in result.sheets if s.startswith("主な取組")]
    legends = len(sheets)
    for mark in "①②③④":
        in_rows = sum(row[2].count(mark) for row in source_businesses())
        headings = sum(s.count(mark) for s in sheets)  # …（地域共創推進事業）① on page ①
        # the rows, the legend of each page, and the page's own number in its heading
        assert raw.count(mark) == in_rows + legends + headings
    assert printed.count(norm("※空知地域が推進するプロジェクト")) == legends


# --- the printed pages -------------------------------------------------------------------


def test_every_sheet_prints_as_one_a4_page(pdf_pages):
    result, pages = pdf_pages
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "99", str(result.files["pdf"])],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
    # one page per sheet: nothing ran over to a second page, down or across
    assert len(sizes) == len(result.sheets) == 9
    for w, h in sizes:
        assert sorted((round(float(w)), round(float(h)))) == [595, 842]  # A4, either way
    assert sizes[0][0] < sizes[0][1]  # the cover and the projects upright
    assert float(sizes[5][0]) > float(sizes[5][1])  # the KPI list across
    for n, page in enumerate(pages, start=1):
        assert "#" not in page
        if n > 1:  # every page but the cover: the title in the header, the page number
            assert norm("道央広域連携地域政策展開方針の推進管理について") in norm(page)
            assert f"-{n}-" in norm(page)


RUNNING = {"道央広域連携地域政策展開方針の推進管理について", "令和6年度", "北海道空知総合振興局"}


def without(page: str, lines: set[str]) -> str:
    """A page's text without the lines that repeat on every page (header, footer, the
    table's header row) and the `lines` of a table cell beside a long text."""
    kept = []
    for line in page.splitlines():
        line = line.strip()
        if not re.fullmatch(r"-\s*\d+\s*-", line) and line not in RUNNING | lines:
            kept.append(line)
    return norm("".join(kept))


def assert_one_page_wide(pages: list[str]) -> None:
    """Each table's first and last column print on the same page: none spilt across."""
    for first, last in [
        ("実績値（実績年）", "進捗率"),
        ("プロジェクト名", "進捗率"),
        ("事業名", "主な関連プロジェクト"),
    ]:
        texts = [norm(page) for page in pages]
        with_first = [n for n, page in enumerate(texts) if norm(first) in page]
        assert with_first
        assert all(norm(last) in texts[n] for n in with_first), (first, last)


def test_tables_print_whole_across(pdf_pages):
    assert_one_page_wide(pdf_pages[1])


def test_the_workbook_is_one_sheet_per_page_a4_one_page_wide(published):
    wb = load_workbook(published.files["xlsx"])
    assert wb.sheetnames == [
        "表紙",
        "プロジェクト1",
        "プロジェクト2",
        "プロジェクト3",
        "プロジェクト4",
        "評価指標一覧",
        "分析・対応方向",
        "主な取組①",
        "主な取組②",
    ]
    for ws in wb.worksheets:
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth == 1
        assert ws.print_area
    assert wb["評価指標一覧"].page_setup.orientation == "landscape"
    assert wb["プロジェクト1"].page_setup.orientation == "portrait"
    assert "&P" in wb["プロジェクト1"].oddFooter.center.text
    assert (
        wb["プロジェクト1"].oddHeader.left.text == "道央広域連携地域政策展開方針の推進管理について"
    )


def test_figures_stay_numbers_in_the_workbook(published):
    ws = load_workbook(published.files["xlsx"])["評価指標一覧"]
    row = next(r for r in ws.iter_rows() if r[1].value == "管内への観光入込客数")
    assert row[2].value == 1232 and row[2].number_format == '#,##0"万人（R1）"'
    assert row[4].value == 1159.6 and row[4].number_format == '#,##0.0"万人"'
    assert row[5].value == "集計中"


def test_wrapped_text_gets_the_height_it_needs(published):
    from sorachi_etl.book.text_fit import column_px, text_lines

    ws = load_workbook(published.files["xlsx"])["プロジェクト4"]
    purpose = next(c for c in ws["A"] if c.value and str(c.value).startswith("道内の中でも"))
    width = sum(column_px(ws.column_dimensions[c].width) for c in "ABCDE")
    lines = text_lines(purpose.value, width, 10)
    assert lines >= 4
    assert ws.row_dimensions[purpose.row].height >= lines * 10 * 1.2


# --- photos --------------------------------------------------------------------------------


def test_photos_beside_their_initiatives_scaled_with_their_aspect(published, sample):
    from PIL import Image

    wb = load_workbook(published.files["xlsx"])
    placed = [(ws.title, image) for ws in wb.worksheets for image in ws._images]
    assert [title for title, _ in placed] == ["プロジェクト1"] * 2 + ["プロジェクト2"] * 2
    for (_, image), rel in zip(placed, _sample_photos(), strict=True):
        with Image.open(sample.parent / rel) as original:
            ratio = original.width / original.height
        ext = image.anchor.ext
        assert ext.width / ext.height == pytest.approx(ratio, rel=0.03)
        assert ext.width <= 200 * 9525 and ext.height <= 120 * 9525  # EMU: within its box
    # the caption under it, ▲ as the source prints it
    captions = [c.value for c in wb["プロジェクト1"]["D"] if str(c.value).startswith("▲")]
    assert captions == ["▲プレート型", "▲AR"]


def _sample_photos() -> list[str]:
    catalog = json.loads((samples_dir() / "catalog.json").read_text(encoding="utf-8"))
    return [i["photo"] for i in catalog["initiatives"] if i["photo"]]


def test_photos_inlined_in_the_html(published):
    tree = html_tree(published.files["html"])
    figures = tree.findall(".//figure")
    assert len(figures) == 4
    for figure in figures:
        img = figure.find("img")
        assert img.get("src").startswith("data:image/png;base64,")
        assert img.get("alt")
        caption = figure.find("figcaption")
        assert text_of(caption).startswith("▲")
        assert caption.find("span").get("aria-hidden") == "true"  # the mark is not read out


def test_a_missing_or_broken_photo_is_a_warning_naming_its_row(sample, tmp_path):
    master = tmp_path / "master.xlsx"
    shutil.copy(sample, master)
    (tmp_path / "写真").mkdir()
    (tmp_path / "写真" / "看板_プレート型.png").write_text("not a picture", encoding="utf-8")
    # AR復元スポット.png is not there at all
    result = api.publish(master, formats=["xlsx", "html"])
    found = {(f.code, f.cell, f.value) for f in result.findings}
    assert ("photo_unreadable", "O4", "写真/看板_プレート型.png") in found
    assert ("photo_missing", "O5", "写真/AR復元スポット.png") in found
    message = next(f.message for f in result.findings if f.cell == "O5")
    assert (
        "取組!O5" in message and "炭鉄港関連施設のかつての姿を復元するARコンテンツの制作" in message
    )
    assert set(result.files) == {"xlsx", "html"}  # written all the same, without those photos
    assert len(load_workbook(result.files["xlsx"])["プロジェクト1"]._images) == 0


def test_a_camera_photo_is_turned_upright_scaled_down_and_stripped_of_its_exif(tmp_path):
    from PIL import Image

    from sorachi_etl.book.photos import MAX_SIDE, read_photo

    path = tmp_path / "camera.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # the phone was held upright: rotate 90°
    exif[0x8825] = {1: "N"}  # a GPS position
    Image.new("RGB", (3000, 2000), (200, 120, 40)).save(path, exif=exif)
    photo = read_photo(path)
    assert (photo.width, photo.height) == (MAX_SIDE * 2 // 3, MAX_SIDE)
    assert photo.mime == "image/jpeg"
    assert b"Exif" not in photo.data


# --- the report year from the data ----------------------------------------------------------

BUREAU_R6 = {"M05": 24_530, "M06": 486, "M07": 263}  # what samples/make_returns.py types


def half_up(value: Decimal, places: str = "0.1") -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def test_after_a_merge_of_r6_values_the_same_command_publishes_r7(sample, tmp_path):
    master = tmp_path / "master.xlsx"
    shutil.copy(sample, master)
    shutil.copytree(samples_dir() / "写真", tmp_path / "写真")
    returns = tmp_path / "回収"
    shutil.copytree(samples_dir() / "returns", returns)
    api.merge_paths([returns], master)
    result = api.publish(master, formats=["xlsx", "html"])
    assert result.files["html"].name == "R7_推進管理報告書.html"
    tree = html_tree(result.files["html"])
    assert tree.find(".//header/p").text == "令和7年度"
    rows = {
        norm(text_of(tr[0])): [norm(text_of(c)) for c in tr]
        for tr in tree.find(".//section[@id='project-2']").find(".//tbody")
    }
    # 新規高卒者管内企業就職率 of R6, from the bureau's return: 263 / 486
    rate = half_up(Decimal(263) / Decimal(486) * 100)
    progress = half_up(rate / Decimal("63.9") * 100)
    assert rows["新規高卒者管内企業就職率"][2] == f"{rate}%(R6)"
    assert rows["新規高卒者管内企業就職率"][4] == f"{progress}%"
    followers = tree.find(".//section[@id='project-3']").find(".//tbody")[0]
    assert norm(text_of(followers[2])) == "24,530人(R6)"
    assert norm(text_of(followers[4])) == f"{half_up(Decimal(24530) / 14500 * 100)}%"
    # R7's planned initiatives are not in the sample: each project says so, and a warning too
    assert tree.find(".//section[@id='project-1']").findall("h3")[-1].text == "R7年度の主な取組"
    [planned] = [f for f in result.findings if f.code == "publish_no_planned"]
    assert planned.message.startswith("プロジェクト1・2・3・4には")  # one line for all four
    # the R6 staff lines of 分析メモ belong to the R6 report, not to this one
    text = html_text(result.files["html"])
    assert all(norm(line) not in text for line in STAFF_LINES)
    # the bureau's R6 forum, sent back as done, is among the past initiatives now
    assert norm("日本遺産認定5周年フォーラム[振興局]") in text
    # --year still names the report: R6, as published
    again = api.publish(master, year=2024, formats=["html"])
    assert again.files["html"].name == "R6_推進管理報告書.html"
    assert norm("52.0%(R5)") in html_text(again.files["html"])


# --- the HTML page as a standard ------------------------------------------------------------


def test_the_html_parses_without_errors_and_is_self_contained(published):
    import html5lib

    page = published.files["html"].read_text(encoding="utf-8")
    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(page)
    tree = html_tree(published.files["html"])
    assert tree.get("lang") == "ja"
    assert tree.find(".//meta[@name='viewport']") is not None
    assert tree.find(".//script") is None and tree.find(".//link") is None
    for element in tree.iter():
        for attr in ("src", "href"):
            value = element.get(attr)
            assert value is None or value.startswith(("#", "data:")), value
    assert "@media print" in tree.find(".//style").text


def test_headings_in_order_and_every_table_header_scoped(published):
    tree = html_tree(published.files["html"])
    levels = [int(e.tag[1]) for e in tree.iter() if re.fullmatch(r"h[1-6]", str(e.tag))]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in pairwise(levels))
    tables = tree.findall(".//table")
    assert len(tables) == 4 + 1 + 1
    for table in tables:
        assert table.find("caption") is not None
        headers = list(table.iter("th"))
        assert headers and all(th.get("scope") in ("col", "row", "rowgroup") for th in headers)


# --- what might go wrong ----------------------------------------------------------------------


def test_an_empty_master_stops_with_a_message(tmp_path):
    master = tmp_path / "empty.xlsx"
    api.init_master(master, empty=True)
    with pytest.raises(SorachiError) as caught:
        api.publish(master, formats=["html"])
    assert "プロジェクトが1件もない" in str(caught.value)
    assert caught.value.exit_code == 1


def test_a_project_without_initiatives(sample, tmp_path):
    wb = load_workbook(sample)
    ws = wb["取組"]
    for r in range(ws.max_row, 1, -1):
        if ws.cell(r, 4).value == 2:
            ws.delete_rows(r)
    master = tmp_path / "master.xlsx"
    wb.save(master)
    result = api.publish(master, formats=["xlsx", "html"])
    codes = {(f.code, f.message.split("には")[0]) for f in result.findings}
    assert ("publish_no_past", "プロジェクト2") in codes
    assert ("publish_no_planned", "プロジェクト2") in codes
    section = html_tree(result.files["html"]).find(".//section[@id='project-2']")
    assert "（該当する取組はありません）" in text_of(section)


def test_odd_characters_never_reach_the_files(sample, tmp_path):
    from sorachi_etl.book.master_check import load_master
    from sorachi_etl.book.publish import report_to_workbook
    from sorachi_etl.book.publish_html import report_to_html
    from sorachi_etl.kpi.aggregate import master_to_kpi_table
    from sorachi_etl.kpi.report_model import master_to_report

    master = load_master(sample)
    master.projects[0].name = "炭鉄港\uffff<script>alert(1)</script>&\x01"
    master.initiatives[0].implementers = ["振興局\ufffe", "市町\x07"]
    master.businesses[0].summary = "概要\ud800です"
    report = master_to_report(master, master_to_kpi_table(master))
    removed = [f for f in report.warnings if f.code == "publish_removed_chars"]
    assert len(removed) >= 3
    html = report_to_html(report, {})
    import html5lib

    html5lib.HTMLParser(strict=True).parse(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&amp;" in html and "<script" not in html
    assert not re.search("[\x00-\x08\ud800-\udfff\ufffe\uffff]", html)
    path = tmp_path / "odd.xlsx"
    report_to_workbook(report, {}).save(path)
    assert load_workbook(path)["プロジェクト1"]["A1"].value == "炭鉄港<script>alert(1)</script>&"


def test_long_texts_and_huge_figures_still_print_one_page_wide_and_whole(sample, tmp_path):
    need_soffice()
    wb = load_workbook(sample)
    wb["プロジェクト"]["E2"] = "長い目的の文です。" * 250  # runs over more than a page
    ws = wb["取組"]
    col = {c.value: c.column for c in ws[1]}
    ws.cell(2, col["取組名"]).value = "非常に長い取組名の例" * 30
    ws.cell(2, col["場所"]).value = "https://www.example.jp/" + "sorachi/" * 12  # no break
    ws.cell(2, col["概要"]).value = "概要の文章がとても長く続きます。" * 60
    wb["事業"]["B2"] = "とても長い事業の概要です。" * 200  # taller than a row can be
    for n in range(25):
        wb["事業"].append([f"追加の事業{n + 1}", "事業の概要です。" * (10 + 5 * n), "1,4"])
    values = wb["指標実績"]  # K01's R5 made huge (a second K01・R5 row is a duplicate)
    row = next(r for r in values.iter_rows(min_row=2) if (r[0].value, r[1].value) == ("K01", "R5"))
    row[2].value, row[3].value = 98765432109, "確定"
    wb["評価指標"]["L2"] = 12345678901  # 目標値
    master = tmp_path / "master.xlsx"
    wb.save(master)
    shutil.copytree(sample.parent / "写真", tmp_path / "写真")
    result = api.publish(master, formats=["xlsx", "pdf"])
    assert "pdf" in result.files, [f.message for f in result.findings]
    pdf = result.files["pdf"]
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
    assert all(sorted((round(float(w)), round(float(h)))) == [595, 842] for w, h in sizes)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")[: len(sizes)]
    assert sum("長い目的の文です" in page for page in pages) >= 2  # runs on, down
    assert_one_page_wide(pages)
    assert "#" not in text
    assert "98,765,432,109千人" in text and "12,345,678,901千人(R7)" in norm(text)
    assert norm("https://www.example.jp/" + "sorachi/" * 12) in norm(text)
    # a text over several pages reads on from page to page, once the running header and
    # footer are taken out
    beside = {"令和6年度 北海道空知総合振興局", "事業名", "概要", "主な関連プロジェク", "ト（※）"}
    beside |= {"日本遺産「炭鉄港」広域連携推進事業", "①"}
    body = "".join(without(page, beside) for page in pages)
    for long in ("長い目的の文です。" * 250, "とても長い事業の概要です。" * 200):
        assert norm(long) in body
    # no row is taller than a spreadsheet row may be (409 pt): long texts go over rows
    for ws in load_workbook(result.files["xlsx"]).worksheets:
        assert all((d.height or 0) <= 409 for d in ws.row_dimensions.values()), ws.title
    for n in (1, 25):
        assert f"追加の事業{n}" in text


def test_a_master_from_before_the_report_still_publishes(sample, tmp_path):
    """No 分析メモ, no photo columns, none of the report's settings: the tool's own
    masters of earlier versions. The report comes out, and says what to fill in."""
    wb = load_workbook(sample)
    del wb["分析メモ"]
    ws = wb["取組"]
    for c in range(ws.max_column, 0, -1):
        if ws.cell(1, c).value in ("写真ファイル", "写真の説明"):
            ws.delete_cols(c)
    settings = wb["設定"]
    for r in range(settings.max_row, 0, -1):
        if settings.cell(r, 1).value in ("報告書の表題", "振興局名", "事業一覧の見出し"):
            settings.delete_rows(r)
    master = tmp_path / "master.xlsx"
    wb.save(master)
    result = api.publish(master, formats=["html"])
    blanks = [f.message for f in result.findings if f.code == "publish_setting_blank"]
    assert blanks == [
        "シート「設定」の「振興局名」が空欄です（表紙に局名が載りません）。"
        "入力してから、もう一度実行してください。"
    ]
    tree = html_tree(result.files["html"])
    assert tree.find(".//h1").text == "道央広域連携地域政策展開方針の推進管理"  # the 表題
    assert tree.find(".//figure") is None
    assert tree.find(".//section[@id='businesses']/h2").text == "R6年度における主な取組"
