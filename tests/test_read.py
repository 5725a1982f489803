"""Tests for the reading stage (sorachi_etl.intake.read, archive, sheetxml).

Normal workbooks are built inline with openpyxl; hostile ones come from
tests/data/hostile/make_hostile.py, written into a temporary folder; the
real-world corpus is read from ../shared/realworld when it is there.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import re
import subprocess
import sys
import time
import warnings
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sorachi_etl.intake import archive, read
from sorachi_etl.intake.archive import Limits
from sorachi_etl.intake.read import (
    ExcelError,
    WorkbookData,
    a1,
    clean_text,
    col_letter,
    harden_openpyxl,
    read_workbook,
    sniff_kind,
)
from sorachi_etl.intake.sniff import sniff_bytes
from sorachi_etl.model.errors import UnreadableWorkbook
from sorachi_etl.model.messages import message
from tests.conftest import REALWORLD

JAPANESE = re.compile("[ぁ-んァ-ヶ一-龯]")
needs_realworld = pytest.mark.usefixtures("realworld")


def _load_make_hostile():
    path = Path(__file__).parent / "data" / "hostile" / "make_hostile.py"
    spec = importlib.util.spec_from_file_location("make_hostile", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


mh = _load_make_hostile()


def outcome(path: Path, **kw: object) -> str:
    """Read `path`; "ok", or the catalogue code of the refusal."""
    try:
        read_workbook(path, **kw)
    except UnreadableWorkbook as exc:
        return exc.code
    return "ok"


def assert_japanese(exc: UnreadableWorkbook) -> None:
    """The message is the catalogue's, filled, and any detail in it is Japanese too."""
    assert str(exc) == message(exc.code, **exc.values)
    assert "{" not in str(exc) and "Error" not in str(exc)
    for key in ("detail", "kind"):
        if key in exc.values:
            assert JAPANESE.search(str(exc.values[key])), exc.values[key]


def refusal(path: Path, **kw: object) -> UnreadableWorkbook:
    with pytest.raises(UnreadableWorkbook) as info:
        read_workbook(path, **kw)
    return info.value


@pytest.fixture
def book(tmp_path: Path) -> Callable[..., Path]:
    """Build a workbook with openpyxl: book(fill) where fill(wb) edits a fresh Workbook."""

    def make(fill: Callable[[openpyxl.Workbook], None], name: str = "book.xlsx") -> Path:
        wb = openpyxl.Workbook()
        fill(wb)
        path = tmp_path / name
        wb.save(path)
        return path

    return make


@pytest.fixture
def raw(tmp_path: Path) -> Callable[[bytes], Path]:
    """Write bytes to a .xlsx file."""

    def make(data: bytes, name: str = "raw.xlsx") -> Path:
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return make


# --- helpers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("c0", "letters"),
    [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA"), (16383, "XFD")],
)
def test_col_letter(c0: int, letters: str) -> None:
    assert col_letter(c0) == letters


def test_a1() -> None:
    assert a1(6, 4) == "E7"
    assert a1(0, 0) == "A1"


def test_clean_text_strips_control_characters() -> None:
    assert clean_text("岩見沢\x00市\x1f") == ("岩見沢市", True)
    assert clean_text(" 岩見沢市 ") == ("岩見沢市", False)


def test_excel_error_is_a_str_that_knows_it_is_an_error() -> None:
    err = ExcelError("#DIV/0!")
    assert err == "#DIV/0!" and str(err) == "#DIV/0!"
    assert isinstance(err, str) and isinstance(err, ExcelError)
    assert repr(err) == "ExcelError('#DIV/0!')"


def test_harden_openpyxl_finds_defusedxml() -> None:
    harden_openpyxl()
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True


def test_read_path_does_not_import_openpyxl(tmp_path: Path) -> None:
    path = tmp_path / "one.xlsx"
    path.write_bytes(mh.xlsx_bytes())
    code = (
        "import sys; from sorachi_etl.intake.read import read_workbook; "
        f"read_workbook({str(path)!r}); print('openpyxl' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parents[1],
    )
    assert done.stdout.strip() == "False"


# --- values and the facts around them ---------------------------------------------------


def test_values_sit_on_an_absolute_grid(book) -> None:
    def fill(wb):
        ws = wb.active
        ws.title = "調査実績"
        ws["C3"] = 12345
        ws["D3"] = "岩見沢市"

    data = read_workbook(book(fill))
    assert isinstance(data, WorkbookData)
    sheet = data.sheets["調査実績"]
    assert sheet.rows[0] == ["", "", "", ""]
    assert sheet.rows[2][2] == 12345
    assert sheet.cell(2, 3) == "岩見沢市"
    assert sheet.cell(99, 99) == ""
    assert sheet.cell(-1, 0) == ""


def test_sheet_order_states_and_filter(book) -> None:
    def fill(wb):
        wb.active.title = "記入要領"
        wb.create_sheet("調査実績")["A1"] = 1
        wb.create_sheet("_meta").sheet_state = "veryHidden"
        wb.create_sheet("控え").sheet_state = "hidden"

    path = book(fill)
    data = read_workbook(path)
    assert list(data.sheets) == ["記入要領", "調査実績", "_meta", "控え"]
    assert [s.state for s in data.sheets.values()] == ["visible", "visible", "veryhidden", "hidden"]
    only = read_workbook(path, sheets=["_meta", "ない"])
    assert list(only.sheets) == ["_meta"]
    assert only.sheet_names == ["記入要領", "調査実績", "_meta", "控え"]


def test_cached_error_values_become_excel_errors(book) -> None:
    def fill(wb):
        ws = wb.active
        ws["A1"] = 1
        ws["B2"] = "#DIV/0!"  # openpyxl writes t="e" for an error code
        ws["C2"] = "#N/A"
        typed = ws["D2"]
        typed.value, typed.data_type = "#DIV/0!", "s"  # the same characters, typed as text

    sheet = read_workbook(book(fill)).sheets["Sheet"]
    assert sheet.errors == {(1, 1): "#DIV/0!", (1, 2): "#N/A"}
    assert isinstance(sheet.cell(1, 1), ExcelError) and sheet.cell(1, 1) == "#DIV/0!"
    assert sheet.cell(1, 3) == "#DIV/0!" and not isinstance(sheet.cell(1, 3), ExcelError)


def test_formula_never_calculated_has_no_cached_value(book) -> None:
    def fill(wb):
        ws = wb.active
        ws["A1"] = 2
        ws["B1"] = "=A1*2"  # openpyxl writes <f> with an empty <v/>

    sheet = read_workbook(book(fill)).sheets["Sheet"]
    assert sheet.formulas == {(0, 1): "A1*2"}
    assert sheet.no_cached_value == {(0, 1)}
    assert sheet.cell(0, 1) == ""


def test_formulas_with_cached_values(raw) -> None:
    rows = (
        '<row r="1"><c r="A1"><v>2</v></c><c r="B1"><f>A1*2</f><v>4</v></c>'
        '<c r="C1" t="str"><f>""</f><v></v></c>'
        '<c r="D1"><f t="shared" ref="D1:D2" si="0">A1&amp;"円"</f><v>1</v></c></row>'
        '<row r="2"><c r="D2"><f t="shared" si="0"/><v>1</v></c>'
        '<c r="E2" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>'
    )
    sheet = read_workbook(raw(mh.xlsx_bytes(rows))).sheets["Sheet1"]
    assert sheet.formulas == {
        (0, 1): "A1*2",
        (0, 2): '""',
        (0, 3): 'A1&"円"',
        (1, 3): 'A1&"円"',  # a shared formula's follower gets the leader's text
        (1, 4): "1/0",
    }
    assert sheet.no_cached_value == set()
    assert sheet.cell(0, 1) == 4
    assert sheet.cell(1, 4) == ExcelError("#DIV/0!")


def test_hidden_rows_columns_and_merges(book) -> None:
    def fill(wb):
        ws = wb.active
        ws["A1"] = 1
        ws.row_dimensions[3].hidden = True
        ws.column_dimensions["C"].hidden = True
        ws.merge_cells("B5:D6")

    sheet = read_workbook(book(fill)).sheets["Sheet"]
    assert sheet.hidden_rows == {2}
    assert sheet.hidden_cols == {2}
    assert sheet.merged == [(4, 1, 5, 3)]


def test_1904_date_system_is_recorded_and_applied(book) -> None:
    def fill(wb):
        wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
        wb.active["A1"] = dt.datetime(2024, 9, 16)

    data = read_workbook(book(fill))
    assert data.date1904 is True
    # calamine gives a date for a midnight value, a datetime when there is a time of day.
    assert data.sheets["Sheet"].cell(0, 0) == dt.date(2024, 9, 16)


def test_cells_without_r_are_placed_as_calamine_places_them(raw) -> None:
    rows = '<row><c><v>1</v></c><c t="e"><v>#N/A</v></c></row><row/><row><c><v>3</v></c></row>'
    sheet = read_workbook(raw(mh.xlsx_bytes(rows))).sheets["Sheet1"]
    assert sheet.rows == [[1, ExcelError("#N/A")], ["", ""], [3, ""]]
    assert sheet.errors == {(0, 1): "#N/A"}


def test_strict_ooxml_with_prefixed_tags(raw) -> None:
    rows = (
        '<x:row r="1"><x:c r="A1"><x:v>7</x:v></x:c><x:c r="B1" t="e"><x:v>#REF!</x:v></x:c></x:row>'
        '<x:row r="2" hidden="1"><x:c r="A2"><x:f>A1</x:f></x:c></x:row>'
    )
    xml = mh.sheet_xml(
        rows,
        after='<x:mergeCells count="1"><x:mergeCell ref="C1:D1"/></x:mergeCells>',
        prefix="x",
        namespace=mh.STRICT_MAIN,
    )
    data = read_workbook(raw(mh.zip_bytes(mh.xlsx_parts({"S": xml}, strict=True))))
    assert data.strict_ooxml is True
    sheet = data.sheets["S"]
    assert sheet.cell(0, 0) == 7
    assert sheet.errors == {(0, 1): "#REF!"}
    assert sheet.hidden_rows == {1}
    assert sheet.no_cached_value == {(1, 0)}
    assert sheet.merged == [(0, 2, 0, 3)]


def test_backslash_part_names(raw) -> None:
    parts = mh.xlsx_parts()
    data = mh.zip_bytes([(name.replace("/", "\\"), body) for name, body in parts.items()])
    assert read_workbook(raw(data)).sheets["Sheet1"].cell(0, 0) == 1


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("worksheets/sheet1.xml", "ok"),
        ("/xl/worksheets/sheet1.xml", "ok"),
        # Resolved here, but python-calamine does not find such parts: refused, not crashed.
        ("worksheets\\sheet1.xml", "corrupt"),
        ("worksheets/sheet%31.xml", "corrupt"),
    ],
)
def test_sheet_relationship_targets(raw, target: str, expected: str) -> None:
    parts = mh.xlsx_parts()
    rels = parts["xl/_rels/workbook.xml.rels"]
    parts["xl/_rels/workbook.xml.rels"] = rels.replace(
        'Target="worksheets/sheet1.xml"', f'Target="{target}"'
    )
    assert outcome(raw(mh.zip_bytes(parts))) == expected


# --- reading some sheets ------------------------------------------------------------------

FAR_CELL = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
ONE = '<row r="1"><c r="A1"><v>1</v></c></row>'


def test_reading_some_sheets_keeps_the_names_of_all(raw) -> None:
    parts = mh.xlsx_parts({"記入要領": mh.sheet_xml(ONE), "調査実績": mh.sheet_xml(ONE)})
    data = read_workbook(raw(mh.zip_bytes(parts)), sheets=["調査実績"])
    assert list(data.sheets) == ["調査実績"]
    assert data.sheet_names == ["記入要領", "調査実績"]


def test_an_unread_sheet_is_not_looked_at(raw) -> None:
    # The other sheet would be refused were it read: here nothing reads it.
    parts = mh.xlsx_parts({"記入要領": mh.sheet_xml(FAR_CELL), "調査実績": mh.sheet_xml(ONE)})
    path = raw(mh.zip_bytes(parts))
    assert outcome(path, sheets=["調査実績"]) == "ok"
    assert outcome(path) == "sheet_too_big"


# --- where calamine's reading of the package differs from ours -------------------------
# Each file below leads calamine, for 調査実績, to a member we would not otherwise scan.
# Small limits make that member "too big" while staying harmless to calamine, so that a
# regression fails the test instead of aborting the process.

SURVEY = ["基本情報", "調査実績", "取組", "_meta"]
SMALL = Limits(max_cells=1_000)
TOO_BIG = '<row r="1"><c r="A1"><v>1</v></c></row><row r="200"><c r="J200"><v>2</v></c></row>'


def _survey_parts() -> dict[str, str | bytes]:
    return mh.xlsx_parts({name: mh.sheet_xml(ONE) for name in SURVEY})


def _refused(raw, parts) -> str:
    return outcome(raw(mh.zip_bytes(parts)), sheets=SURVEY, limits=SMALL)


# Refused either way: scanned and found too big, or not given to calamine at all, which
# then finds no such sheet.
REFUSED = ("sheet_too_big", "corrupt")


def test_an_id_written_with_a_character_reference(raw) -> None:
    parts = _survey_parts()
    rels = parts["xl/_rels/workbook.xml.rels"]
    evil = f'<Relationship Id="rId&#50;" Type="{mh.REL}/worksheet" Target="worksheets/x.rels"/>'
    parts["xl/_rels/workbook.xml.rels"] = rels.replace("<Relationship ", evil + "<Relationship ", 1)
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace('r:id="rId2"', 'r:id="rId&#50;"')
    parts["xl/worksheets/x.rels"] = mh.sheet_xml(TOO_BIG)
    assert _refused(raw, parts) in REFUSED


def test_a_target_written_with_a_character_reference(raw) -> None:
    parts = _survey_parts()
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        'Target="worksheets/sheet2.xml"', 'Target="worksheets/s&#50;.rels"'
    )
    parts["xl/worksheets/s2.rels"] = parts.pop("xl/worksheets/sheet2.xml")
    parts["xl/worksheets/s&#50;.rels"] = mh.sheet_xml(TOO_BIG)
    assert _refused(raw, parts) in REFUSED


def test_an_id_with_a_tab_that_xml_reads_as_a_space(raw) -> None:
    parts = _survey_parts()
    rels = parts["xl/_rels/workbook.xml.rels"]
    evil = f'<Relationship Id="rId2\t" Type="{mh.REL}/worksheet" Target="media/x.xml"/>'
    rels = rels.replace('<Relationship Id="rId2"', evil + '<Relationship Id="rId2 "', 1)
    parts["xl/_rels/workbook.xml.rels"] = rels
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace('r:id="rId2"', 'r:id="rId2\t"')
    parts["xl/media/x.xml"] = mh.sheet_xml(TOO_BIG)
    assert _refused(raw, parts) in REFUSED


def test_relationships_ended_early_for_calamine(raw) -> None:
    # calamine stops at the first </Relationships>, here of an empty nested one
    parts = _survey_parts()
    rels = parts["xl/_rels/workbook.xml.rels"]
    good = re.search(r'<Relationship Id="rId2"[^>]*/>', rels).group()
    evil = f'<Relationship Id="rId2" Type="{mh.REL}/worksheet" Target="media/x.xml"/>'
    rels = rels.replace(good, "").replace(
        "</Relationships>", f"{evil}<Relationships/>{good}</Relationships>"
    )
    parts["xl/_rels/workbook.xml.rels"] = rels
    parts["xl/media/x.xml"] = mh.sheet_xml(TOO_BIG)
    assert _refused(raw, parts) in REFUSED


def test_a_name_only_unicode_folds_to_the_sheets(raw) -> None:
    # "K" (KELVIN SIGN) lower-cases to "k" in Python, not in calamine
    parts = list(_survey_parts().items())
    parts = [(n, d) for n, d in parts if n != "xl/worksheets/sheet2.xml"]
    parts += [
        ("xl/worksheets/sheet2.xml", mh.sheet_xml(TOO_BIG)),
        ("xl/wor\u212asheets/sheet2.xml", mh.sheet_xml(ONE)),
    ]
    assert _refused(raw, parts) == "sheet_too_big"


def test_a_duplicate_member_with_a_forged_crc(raw) -> None:
    evil = mh.sheet_xml(TOO_BIG).encode()
    benign = mh.sheet_xml(ONE).encode()
    head, tail = benign.split(b"<sheetData>")
    pad = len(evil) - len(benign) - len(b"<!---->") - 8
    benign = head + b"<!--" + b"@" * 8 + b" " * pad + b"-->" + b"<sheetData>" + tail
    benign = mh.forge_crc(benign, len(head) + 4, zlib.crc32(evil))
    assert len(benign) == len(evil) and zlib.crc32(benign) == zlib.crc32(evil)
    parts = [(n, d) for n, d in _survey_parts().items() if n != "xl/worksheets/sheet2.xml"]
    for pair in ([evil, benign], [benign, evil]):
        files = [
            *parts,
            ("xl/worksheets/sheet2.xml", pair[0]),
            ("XL/worksheets/sheet2.xml", pair[1]),
        ]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            data = mh.zip_bytes(files)
        assert outcome(raw(data), sheets=SURVEY, limits=SMALL) == "unsafe_archive"


def test_a_workbook_part_of_countless_elements_is_refused_before_it_fills_memory(raw) -> None:
    parts = _survey_parts()
    filler = "<x/>" * 150_000  # 600 KB, below the size where the compression ratio counts
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        "<sheets>", f"<extLst>{filler}</extLst><sheets>"
    )
    assert _refused(raw, parts) == "too_large"


def test_a_bomb_in_the_workbook_part_is_refused_before_it_is_parsed(raw, monkeypatch) -> None:
    parts = _survey_parts()
    filler = "<x/>" * (5 * 1024 * 1024 // 4)
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        "<sheets>", f"<extLst>{filler}</extLst><sheets>"
    )
    parsed = []
    monkeypatch.setattr(archive, "_elements", lambda *a: parsed.append(a) or [])
    assert _refused(raw, parts) == "unsafe_archive"
    assert parsed == []


def test_calamine_is_given_only_the_members_checked(raw, monkeypatch) -> None:
    parts = mh.xlsx_parts({"記入要領": mh.sheet_xml(ONE), "調査実績": mh.sheet_xml(ONE)})
    parts["docProps/core.xml"] = "<coreProperties/>"
    path = raw(mh.zip_bytes(parts))
    given = []
    calamine_values = read._calamine_values
    monkeypatch.setattr(
        read,
        "_calamine_values",
        lambda data, names: given.append(data) or calamine_values(data, names),
    )
    assert read_workbook(path, sheets=["調査実績"]).sheets["調査実績"].cell(0, 0) == 1
    with zipfile.ZipFile(io.BytesIO(given[0])) as z:
        names = {i.filename for i in z.infolist()}
        assert all(i.compress_type == zipfile.ZIP_STORED for i in z.infolist())
        assert z.testzip() is None
    assert "xl/worksheets/sheet2.xml" in names  # 調査実績
    assert "xl/worksheets/sheet1.xml" not in names  # 記入要領, not asked for
    assert "docProps/core.xml" not in names


def test_a_workbook_without_the_sheets_asked_for_is_checked_whole(raw) -> None:
    parts = mh.xlsx_parts({"Sheet1": mh.sheet_xml(FAR_CELL)})
    assert outcome(raw(mh.zip_bytes(parts)), sheets=["調査実績"]) == "sheet_too_big"


def test_a_second_workbook_part_cannot_hide_what_calamine_reads(raw) -> None:
    # _rels/.rels leads us to a harmless book.xml; calamine always reads xl/workbook.xml,
    # whose 調査実績 is the sheet with a cell at XFD1048576.
    parts = mh.xlsx_parts({"調査実績": mh.sheet_xml(FAR_CELL), "控え": mh.sheet_xml(ONE)})
    parts["xl/book.xml"] = parts["xl/workbook.xml"]
    rels = parts["xl/_rels/workbook.xml.rels"]
    swapped = (
        rels.replace("sheet1.xml", "@")
        .replace("sheet2.xml", "sheet1.xml")
        .replace("@", "sheet2.xml")
    )
    parts["xl/_rels/book.xml.rels"] = swapped
    parts["_rels/.rels"] = parts["_rels/.rels"].replace("xl/workbook.xml", "xl/book.xml")
    assert outcome(raw(mh.zip_bytes(parts)), sheets=["調査実績"]) == "sheet_too_big"


def test_a_sheet_entry_in_another_namespace_cannot_hide_what_calamine_reads(raw) -> None:
    # calamine takes the first <sheet> of that name in any namespace; we take the real one.
    parts = mh.xlsx_parts({"調査実績": mh.sheet_xml(ONE), "控え": mh.sheet_xml(FAR_CELL)})
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        "<sheets>",
        '<sheets><o:sheet xmlns:o="urn:other" name="調査実績" sheetId="9" r:id="rId2"/>',
    )
    path = raw(mh.zip_bytes(parts))
    assert outcome(path, sheets=["調査実績"]) == "sheet_too_big"


SNIPPETS = [
    '<row r="1">',
    "<row>",
    "</row>",
    '<c r="B2">',
    "<c>",
    '<c t="e">',
    "</c>",
    "<v>1</v>",
    "<v>#N/A</v>",
    "<v/>",
    "<f>A1</f>",
    '<f t="shared" si="0"/>',
    '<c r="XFD1048576">',
    '<row r="4294967297">',
    "<!-- x -->",
    "<![CDATA[<c>]]>",
    'x="<"',
    "<is><t>a</t></is>",
    "&amp;",
]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(SNIPPETS), max_size=12))
def test_any_sheet_xml_is_read_or_refused(tmp_path_factory, pieces: list[str]) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.xlsx"
    path.write_bytes(mh.xlsx_bytes("".join(pieces)))
    try:
        result = read_workbook(path)
    except UnreadableWorkbook as exc:
        assert exc.code in ("corrupt", "sheet_too_big")
    else:
        assert isinstance(result, WorkbookData)


def test_file_facts(raw) -> None:
    data = mh.xlsx_bytes()
    result = read_workbook(raw(data))
    assert result.size == len(data)
    assert len(result.sha256) == 64
    assert result.strict_ooxml is False and result.decrypted is False


def test_limits_are_configurable(raw) -> None:
    path = raw(mh.xlsx_bytes('<row r="10"><c r="A10"><v>1</v></c></row>'))
    assert outcome(path) == "ok"
    assert outcome(path, limits=Limits(max_rows=5)) == "sheet_too_big"
    assert outcome(path, limits=Limits(max_cells=9)) == "sheet_too_big"


# --- files that must be refused ------------------------------------------------------------

HOSTILE = {name: code for name, (_, code) in mh.hostile_files().items()}  # builds in ~0.2 s


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    assert mh.write_all(folder) == HOSTILE
    return folder


@pytest.mark.parametrize(("name", "expected"), sorted(HOSTILE.items()))
def test_hostile_file(hostile_dir: Path, name: str, expected: str) -> None:
    try:
        read_workbook(hostile_dir / name)
    except UnreadableWorkbook as exc:
        assert exc.code == expected
        assert_japanese(exc)
        return
    assert expected == "ok"


CHECKED_BEFORE_CALAMINE = [
    "cell_at_XFD1048576.xlsx",
    "r_hidden_in_other_attribute.xlsx",
    "no_r_1001_columns.xlsx",
    "billion_laughs_shared_strings.xlsx",
    "shared_strings_unique_count_4e9.xlsx",
    "zip_bomb_ratio_5mb_of_blanks.xlsx",
    "forged_declared_size.xlsx",
]


@pytest.mark.parametrize("name", CHECKED_BEFORE_CALAMINE)
def test_refused_before_calamine_reads(hostile_dir: Path, monkeypatch, name: str) -> None:
    calls = []
    monkeypatch.setattr(read, "_calamine_values", lambda *a: calls.append(a))
    assert outcome(hostile_dir / name) == HOSTILE[name]
    assert calls == []


@needs_realworld
def test_xml_bomb_is_refused_before_calamine(monkeypatch) -> None:
    calls = []
    monkeypatch.setattr(read, "_calamine_values", lambda *a: calls.append(a))
    error = refusal(REALWORLD / "poi/test-data/spreadsheet/poc-xmlbomb.xlsx")
    assert error.code == "unsafe_archive"
    assert calls == []


class PanicException(BaseException):
    """Stands in for pyo3's PanicException, which derives from BaseException."""


def test_calamine_panic_becomes_unreadable(raw, monkeypatch) -> None:
    def panic(*_):
        raise PanicException("chunk size must be non-zero")

    monkeypatch.setattr(read, "_calamine_values", panic)
    error = refusal(raw(mh.xlsx_bytes()))
    assert error.code == "unreadable"
    assert "chunk" not in str(error)
    assert_japanese(error)
    assert isinstance(error.__cause__, PanicException)


def test_keyboard_interrupt_is_not_swallowed(raw, monkeypatch) -> None:
    def interrupt(*_):
        raise KeyboardInterrupt

    monkeypatch.setattr(read, "_calamine_values", interrupt)
    with pytest.raises(KeyboardInterrupt):
        read_workbook(raw(mh.xlsx_bytes()))


@pytest.mark.parametrize(
    ("exception", "code"),
    [
        ("XmlError", "corrupt"),
        ("ZipError", "corrupt"),
        ("PasswordError", "encrypted"),
        ("WorksheetNotFound", "corrupt"),
        ("CalamineError", "corrupt"),
    ],
)
def test_calamine_exceptions_become_codes(raw, monkeypatch, exception: str, code: str) -> None:
    import python_calamine

    class Failing:
        @classmethod
        def from_filelike(cls, _):
            raise getattr(python_calamine, exception)("raw library text")

    monkeypatch.setattr(python_calamine, "CalamineWorkbook", Failing)
    error = refusal(raw(mh.xlsx_bytes()))
    assert error.code == code
    assert "raw library text" not in str(error)
    assert_japanese(error)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    assert refusal(tmp_path / "ない.xlsx").code == "unreadable"
    assert refusal(tmp_path).code == "unreadable"


def test_file_size_limit(raw) -> None:
    path = raw(mh.xlsx_bytes())
    assert outcome(path, limits=Limits(max_file_bytes=100)) == "too_large"


# --- encrypted workbooks ---------------------------------------------------------------


@pytest.fixture(scope="module")
def encrypted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    folder = tmp_path_factory.mktemp("encrypted")
    wb = openpyxl.Workbook()
    wb.active["A1"] = "秘密"
    plain = io.BytesIO()
    wb.save(plain)
    plain.seek(0)
    path = folder / "encrypted.xlsx"
    with path.open("wb") as out:
        OOXMLFile(plain).encrypt("sorachi", out)
    return path


def test_encrypted_without_password(encrypted: Path) -> None:
    assert sniff_kind(encrypted) == "encrypted"
    assert refusal(encrypted).code == "encrypted"


def test_encrypted_with_wrong_password(encrypted: Path) -> None:
    assert refusal(encrypted, password="違う").code == "wrong_password"


@needs_realworld
def test_realworld_encrypted_with_wrong_password() -> None:
    path = REALWORLD / "calamine/tests/pass_protected.xlsx"
    assert refusal(path).code == "encrypted"
    assert refusal(path, password="違うパスワード").code == "wrong_password"


def test_encrypted_with_password(encrypted: Path) -> None:
    data = read_workbook(encrypted, password="sorachi")
    assert data.decrypted is True
    assert data.sheets["Sheet"].cell(0, 0) == "秘密"
    assert data.size == encrypted.stat().st_size


# --- kinds ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("csv_renamed.xlsx", "csv"),
        ("text_renamed.xlsx", "text"),
        ("html_renamed.xlsx", "html"),
        ("png_renamed.xlsx", "png"),
        ("pdf_renamed.xlsx", "pdf"),
        ("empty.xlsx", "empty"),
        ("xlsm_content_type.xlsx", "xlsm"),
        ("xlsb_content_type.xlsx", "xlsb"),
        ("ods_mimetype.xlsx", "ods"),
        ("docx_renamed.xlsx", "docx"),
        ("zip_without_workbook.xlsx", "zip"),
        ("truncated_half.xlsx", "broken"),
        ("biff4_worksheet.xlsx", "xls"),
        ("cell_at_XFD1048576.xlsx", "xlsx"),
    ],
)
def test_sniff_kind(hostile_dir: Path, name: str, kind: str) -> None:
    assert sniff_kind(hostile_dir / name) == kind


def test_sniff_shift_jis_csv() -> None:
    assert sniff_bytes("市町名,人数\r\n岩見沢市,1\r\n".encode("cp932")) == "csv"


# --- the real-world corpus ---------------------------------------------------------------

# What some real-world files must come out as (the rest: read, or refused with any code).
REALWORLD_EXPECTED = {
    "calamine/tests/pass_protected.xlsx": "encrypted",
    "calamine/tests/pass_protected.ods": "encrypted",
    "calamine/tests/vba.xlsm": "xlsm",
    "calamine/tests/too_small.xls": "not_excel",
    "calamine/tests/issue252.xlsx": "unsafe_archive",  # a member larger than it declares
    "excelize/test/encryptAES.xlsx": "encrypted",
    "excelize/test/BadWorkbook.xlsx": "no_sheets",
    "poi/test-data/spreadsheet/58616.xlsx": "encrypted",
    "poi/test-data/spreadsheet/protected_passtika.xlsx": "encrypted",
    "poi/test-data/spreadsheet/poc-xmlbomb.xlsx": "unsafe_archive",
    "poi/test-data/spreadsheet/duplicate-filename.xlsx": "unsafe_archive",
    "poi/test-data/spreadsheet/testEXCEL_4.xls": "legacy_xls",
    "poi/test-data/spreadsheet/xlsx-corrupted.xlsx": "corrupt",
    "poi/test-data/spreadsheet/clusterfuzz-testcase-minimized-XLSX2CSVFuzzer-5636439151607808.xlsx": (
        "corrupt"
    ),
    "python-calamine/tests/data/empty_file.xlsx": "empty_file",
    "sheetjs_test_files/large_strings.xlsx": "too_large",
    # Read though openpyxl fails or misreads them:
    "calamine/tests/issue_530.xlsx": "ok",  # backslash part names
    "phpspreadsheet/tests/data/Reader/XLSX/Zip-Windows-Directory-Separator.xlsx": "ok",
    "poi/test-data/spreadsheet/49609.xlsx": "ok",
    "calamine/tests/strict_iso_paths.xlsx": "ok",  # Strict OOXML
    "poi/test-data/spreadsheet/SampleSS.strict.xlsx": "ok",
    "calamine/tests/issue_174.xlsx": "ok",  # full-grid dimension
    "phpspreadsheet/tests/data/Reader/XLSX/issue.3982.xlsx": "ok",
    "poi/test-data/spreadsheet/59746_NoRowNums.xlsx": "ok",  # no r attributes
    "phpspreadsheet/tests/data/Reader/XLSX/without_cell_reference.xlsx": "ok",
    "poi/test-data/spreadsheet/style-alternate-content.xlsx": "ok",
    "sheetjs_test_files/xlsx-stream-d-date-cell.xlsx": "ok",
}


@needs_realworld
def test_every_realworld_file_is_read_or_refused() -> None:
    files = sorted(p for p in REALWORLD.rglob("*") if p.is_file() and p.suffix != ".md")
    assert len(files) > 50
    started = time.perf_counter()
    outcomes = {}
    for path in files:
        try:
            result = read_workbook(path)
        except UnreadableWorkbook as exc:
            outcomes[path.relative_to(REALWORLD).as_posix()] = exc.code
        else:
            assert isinstance(result, WorkbookData)
            outcomes[path.relative_to(REALWORLD).as_posix()] = "ok"
    elapsed = time.perf_counter() - started
    assert elapsed < 20, f"{len(files)} files took {elapsed:.1f} s"
    expected = {name: code for name, code in REALWORLD_EXPECTED.items() if name in outcomes}
    assert {name: outcomes[name] for name in expected} == expected


@needs_realworld
def test_realworld_facts() -> None:
    # Cached #VALUE! (calamine alone returns '').
    fn = read_workbook(REALWORLD / "sheetjs_test_files/wps/fn.xlsx").sheets["Sheet1"]
    assert fn.cell(2, 2) == ExcelError("#VALUE!")
    # 1904 dates: serial 42735 is 2021-01-01 in the 1904 system (2016-12-31 in 1900).
    d1904 = read_workbook(REALWORLD / "calamine/tests/date_1904.xlsx")
    assert d1904.date1904 is True
    assert d1904.sheets["Sheet1"].cell(0, 0) == dt.date(2021, 1, 1)
    # Mac Excel: the x15:workbookPr in an extension must not undo date1904="1".
    mac = read_workbook(REALWORLD / "sheetjs_test_files/1904/1904.xlsx")
    assert mac.date1904 is True
    assert mac.sheets["Sheet1"].cell(0, 1) == dt.date(1904, 1, 2)
    # Rows without numbers, 56 of them hidden.
    norows = read_workbook(REALWORLD / "poi/test-data/spreadsheet/59746_NoRowNums.xlsx")
    assert len(norows.sheets["Features"].hidden_rows) == 56
    # Formulas never calculated by the program that wrote them.
    lo = read_workbook(REALWORLD / "sheetjs_test_files/LONumbers.xlsx")
    assert sum(len(s.no_cached_value) for s in lo.sheets.values()) == 8
    strict = read_workbook(REALWORLD / "sheetjs_test_files/sheet_visibility_strict.xlsx")
    assert strict.strict_ooxml is True
    assert {s.state for s in strict.sheets.values()} == {"visible", "hidden", "veryhidden"}


# Bytes a DTD check meets: the marks of "<!DOCTYPE" in UTF-8 and UTF-16, and others.
_DTD_BYTES = st.lists(
    st.sampled_from([b"<", b"!", b"\x00", b"D", b"d", b"OCTYPE", b"octype", b"x", b" ", b"!" * 70]),
    max_size=40,
).map(b"".join)


@settings(max_examples=500, deadline=None)
@given(_DTD_BYTES)
def test_the_quick_dtd_check_agrees_with_the_pattern(body: bytes) -> None:
    from sorachi_etl.intake.archive import _DOCTYPE, has_doctype

    assert has_doctype(body) == (_DOCTYPE.search(body) is not None)


@settings(max_examples=500, deadline=None)
@given(_DTD_BYTES)
def test_the_quick_markup_declaration_check_agrees(body: bytes) -> None:
    from sorachi_etl.intake.sheetxml import _has_markup_declaration

    assert _has_markup_declaration(body) == (b"<!" in body)
