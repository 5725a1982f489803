"""The data sheets of the master are updated in place: staff's edits survive a merge, cell by cell.

Issue 13, Seen 2: a column staff added, notes and formulas beside the table,
conditional formatting, validations, fills, fonts, hidden columns, the frozen
pane, filters, comments and print settings all vanished after a merge that
said nothing changed. Each test here builds a master with such edits through
real files, merges real returns, and reads the result back with openpyxl
(and LibreOffice, where it says so).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from sorachi_etl import api
from sorachi_etl.book.master_check import load_master
from sorachi_etl.book.master_read import find_header_row
from sorachi_etl.model.errors import MasterError
from sorachi_etl.model.names import MASTER_OUTPUT_SHEETS
from sorachi_etl.model.rules import master_rules
from tests.conftest import libreoffice_convert
from tests.surveys import INITIATIVE, returned

YELLOW = PatternFill("solid", fgColor="FFFF00")
RED_FONT = Font(color="FF0000", bold=True)
FIRST = ["岩見沢市", "美唄市", "芦別市"]
SECOND = ["夕張市", "小樽市", "空知総合振興局"]


def meaning(obj: object) -> object:
    """A style object as what it means: an attribute left out reads as its default (False)."""
    from openpyxl.descriptors.serialisable import Serialisable

    obj = getattr(obj, "_StyleProxy__target", obj)  # cell.font and the like are proxies
    if isinstance(obj, Serialisable):
        names = sorted(set(obj.__attrs__) | set(obj.__elements__))
        return tuple((n, meaning(getattr(obj, n, None))) for n in names)
    if isinstance(obj, list | tuple):
        return tuple(meaning(o) for o in obj)
    return False if obj is None else obj


def look(cell) -> tuple:
    """What a clerk sees of a cell: value, number format, font, fill, border, alignment."""
    return (
        cell.value,
        cell.number_format,
        meaning(cell.font),
        meaning(cell.fill),
        meaning(cell.border),
        meaning(cell.alignment),
        cell.protection.locked,
        cell.comment.text if cell.comment else None,
    )


def sheet_cells(path: Path) -> dict[str, dict[tuple[int, int], tuple]]:
    """Every cell of every sheet by (row, column); (row, 0) a row's height and hidden state,
    (0, column) a column's width and hidden state."""
    from openpyxl.utils import column_index_from_string

    wb = load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        cells = {
            (c.row, c.column): look(c)
            for row in ws.iter_rows()
            for c in row
            if c.value is not None or c.has_style or c.comment
        }
        for r, dim in ws.row_dimensions.items():
            if dim.height or dim.hidden:
                cells[(r, 0)] = (dim.height, dim.hidden)
        for key, dim in ws.column_dimensions.items():
            if dim.width or dim.hidden:
                cells[(0, column_index_from_string(key))] = (dim.width, dim.hidden)
        cells[(0, 0)] = (ws.freeze_panes, ws.sheet_state, repr(ws.page_setup), ws.print_title_rows)
        out[ws.title] = cells
    return out


def tool_columns(path: Path) -> dict[str, tuple[int, set[int]]]:
    """Sheet -> (header row, the columns of the tool's rules) of every data sheet."""
    wb = load_workbook(path, read_only=True)
    out = {}
    for name, rule in master_rules().items():
        if name not in wb.sheetnames:
            continue
        grid = [list(r) for r in wb[name].iter_rows(values_only=True)]
        if rule.layout == "keyvalue":
            out[name] = (0, {1, 2})
            continue
        header, cols = find_header_row(grid, rule)
        out[name] = (header + 1, {c + 1 for c in cols.values()})
    wb.close()
    return out


def assert_only_tool_cells_changed(before: Path, after: Path) -> None:
    """Every cell of every data sheet and staff sheet is as it was, but the tool's own.

    The tool's own: the tool's columns of the rows of its table (below the
    header), and whole rows it appended below the table.
    """
    old, new = sheet_cells(before), sheet_cells(after)
    tables = tool_columns(before)
    last_rows = {}
    for name, (header, cols) in tables.items():
        rows = [r for (r, c) in old.get(name, {}) if c in cols and r > header]
        last_rows[name] = max([header, *rows])
    for name in old:
        if name in MASTER_OUTPUT_SHEETS:
            continue
        header, cols = tables.get(name, (None, set()))
        for where in set(old[name]) | set(new.get(name, {})):
            r, c = where
            if header is not None and r > header and (c in cols or r > last_rows[name]):
                continue  # the tool's cell of a row of its table, or a row it appended
            if c == 0 and r > last_rows.get(name, r):
                continue
            assert new[name].get(where) == old[name].get(where), (name, where)


def assert_same_data(path: Path, expected) -> None:
    """The master at `path` reads back as `expected`, row order aside (rows keep their place)."""
    import dataclasses

    found = load_master(path)
    for f in dataclasses.fields(found):
        a, b = getattr(found, f.name), getattr(expected, f.name)
        if isinstance(a, list):
            assert sorted(map(repr, a)) == sorted(map(repr, b)), f.name
        else:
            assert a == b, f.name


def merge(folder: Path, master: Path) -> api.MergeOutcome:
    outcome = api.merge_paths([folder], master)
    assert outcome.written
    return outcome


def staff_edits(path: Path) -> dict[str, object]:
    """Edit the master as staff would in Excel; returns where things were put."""
    wb = load_workbook(path)
    kpis, reporters, values = wb["評価指標"], wb["市町"], wb["調査実績"]
    memo = kpis.max_column + 1
    kpis.cell(1, memo, "担当メモ")
    for r in range(2, kpis.max_row + 1):
        kpis.cell(r, memo, f"メモ{r}")
    phone = reporters.max_column + 1
    reporters.cell(1, phone, "電話番号")
    for r in range(2, reporters.max_row + 1):
        reporters.cell(r, phone, f"0126-00-{r:04d}")
    kpis.cell(2, memo + 2, "要確認（R5は速報値）")
    kpis.cell(3, memo + 2, "=L3*2")
    kpis["B3"].fill = YELLOW
    kpis["B3"].font = RED_FONT
    kpis["B2"].comment = Comment("出典: 令和6年度報告書", "山田")
    kpis["B4"].hyperlink = "https://www.pref.hokkaido.lg.jp/ss/sum/"
    kpis.page_setup.orientation = "portrait"
    kpis.page_margins.left = 1.1
    kpis.print_title_rows = "1:1"
    reporters.column_dimensions["E"].hidden = True
    last = values.max_row
    values.conditional_formatting.add(
        f"D2:D{last}",
        CellIsRule(operator="greaterThan", formula=["1000000"], fill=YELLOW),
    )
    dv = DataValidation(type="list", formula1='"確定,集計中,該当なし"', allow_blank=True)
    dv.add(f"E2:E{last}")
    values.add_data_validation(dv)
    values.freeze_panes = "C2"
    values.auto_filter.ref = f"A1:H{last}"
    values.column_dimensions["F"].width = 44
    values["D2"].fill = YELLOW  # a value the resubmission changes
    values["C3"].font = RED_FONT
    values.cell(last + 2, 10, "※ 下の行は次回の取込分")  # a note beside, below the table
    values["G2"].comment = Comment("電話で確認済み", "山田")
    wb.create_sheet("担当者メモ")["A1"] = "staff's own sheet"
    wb.save(path)
    return {"memo": memo, "phone": phone, "last": last}


@pytest.fixture
def first_merge(sample_master_path, survey_templates, tmp_path) -> Path:
    folder = tmp_path / "first"
    for name in FIRST:
        returned(
            folder, survey_templates, name, initiatives=[INITIATIVE] if name == "岩見沢市" else ()
        )
    merge(folder, sample_master_path)
    return sample_master_path


def test_every_staff_edit_survives_a_merge(first_merge, survey_templates, tmp_path):
    where = staff_edits(first_merge)
    before = tmp_path / "before.xlsx"
    shutil.copy(first_merge, before)
    folder = tmp_path / "second"
    for name in SECOND:
        returned(folder, survey_templates, name)
    # 岩見沢市 sends again: a changed figure (the yellow cell D2) and a corrected title
    corrected = dict(INITIATIVE, title="移住フェア（札幌）への出展")
    returned(
        folder,
        survey_templates,
        "岩見沢市",
        values={"M01": (2_500_000, "確定")},
        initiatives=[corrected],
    )
    outcome = merge(folder, first_merge)

    assert_only_tool_cells_changed(before, first_merge)
    wb = load_workbook(first_merge)
    kpis, reporters, values = wb["評価指標"], wb["市町"], wb["調査実績"]
    memo, last = where["memo"], where["last"]
    assert [kpis.cell(r, memo).value for r in range(2, kpis.max_row + 1)] == [
        f"メモ{r}" for r in range(2, kpis.max_row + 1)
    ]
    assert reporters.cell(5, where["phone"]).value == "0126-00-0005"
    assert kpis.cell(3, memo + 2).value == "=L3*2"
    assert kpis["B3"].fill.fgColor.rgb == "00FFFF00" and kpis["B3"].font.color.rgb == "00FF0000"
    assert kpis["B2"].comment.text == "出典: 令和6年度報告書"
    assert kpis["B4"].hyperlink.target == "https://www.pref.hokkaido.lg.jp/ss/sum/"
    assert kpis.page_setup.orientation == "portrait" and kpis.page_margins.left == 1.1
    assert kpis.print_title_rows == "$1:$1"
    assert reporters.column_dimensions["E"].hidden
    assert values.freeze_panes == "C2"
    assert values.column_dimensions["F"].width == 44
    assert values["G2"].comment.text == "電話で確認済み"
    assert values.cell(last + 2, 10).value == "※ 下の行は次回の取込分"
    assert "担当者メモ" in wb.sheetnames
    # the changed figure is written into the cell staff coloured, which keeps its colour
    assert values["A2"].value == "M01" and values["B2"].value == "岩見沢市"
    assert values["D2"].value == 2_500_000 and values["D2"].fill.fgColor.rgb == "00FFFF00"
    # rows were appended below, and the ranges that covered the table cover them too
    new_last = values.max_row
    assert new_last > last + 2
    assert values.cell(last + 2, 1).value is not None  # the row with the note took data too
    [formatting] = values.conditional_formatting
    assert str(formatting.sqref) == f"D2:D{new_last}"
    assert str(values.data_validations.dataValidation[0].sqref) == f"E2:E{new_last}"
    assert values.auto_filter.ref == f"A1:H{new_last}"
    # the data as the merge computed it
    assert_same_data(first_merge, outcome.result.master)
    # the corrected initiative replaced the old one in its row
    titles = [r[4] for r in wb["取組"].iter_rows(min_row=2, values_only=True) if r[0] == "岩見沢市"]
    assert titles == ["移住フェア（札幌）への出展"]


def as_excel_writes(path: Path, sheets: list[str]) -> None:
    """The sheets' XML as Excel writes it: more namespaces on the root (and mc:Ignorable),
    every row with spans and x14ac:dyDescent."""
    import re
    import zipfile

    from sorachi_etl.book.preserve import _sheet_parts

    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
        where = _sheet_parts(z)
    root = (
        b'<worksheet xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        b'mc:Ignorable="x14ac xr" '
        b'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" '
        b'xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision" '
        b'xr:uid="{00000000-0001-0000-0000-000000000000}" '
    )
    for sheet in sheets:
        xml = parts[where[sheet]].replace(b"<worksheet ", root, 1)
        parts[where[sheet]] = re.sub(
            rb'<row r="(\d+)"', rb'<row r="\1" spans="1:8" x14ac:dyDescent="0.25"', xml
        )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def test_rows_as_excel_writes_them_keep_their_namespaces(first_merge, survey_templates, tmp_path):
    as_excel_writes(first_merge, ["調査実績", "市町", "取込履歴"])
    load_workbook(first_merge)  # a sound file to begin with
    before = tmp_path / "before.xlsx"
    shutil.copy(first_merge, before)
    folder = tmp_path / "in"
    returned(folder, survey_templates, "岩見沢市", values={"M02": (97, "確定")})
    returned(folder, survey_templates, "夕張市")
    outcome = merge(folder, first_merge)
    assert_only_tool_cells_changed(before, first_merge)
    assert_same_data(first_merge, outcome.result.master)


def test_a_master_saved_by_libreoffice_is_updated_in_place(first_merge, survey_templates, tmp_path):
    staff_edits(first_merge)
    saved = libreoffice_convert(first_merge, tmp_path / "lo", "xlsx")
    master = tmp_path / "lo-saved" / "master.xlsx"
    master.parent.mkdir()
    shutil.copy(saved, master)
    before = tmp_path / "before.xlsx"
    shutil.copy(master, before)
    folder = tmp_path / "in"
    for name in SECOND:
        returned(
            folder, survey_templates, name, initiatives=[INITIATIVE] if name == "夕張市" else ()
        )
    returned(folder, survey_templates, "岩見沢市", values={"M02": (97, "確定", "訂正")})
    outcome = merge(folder, master)
    assert_only_tool_cells_changed(before, master)
    assert_same_data(master, outcome.result.master)
    # and LibreOffice reads every row back
    again = libreoffice_convert(master, tmp_path / "lo2", "xlsx")
    rows = list(load_workbook(again)["調査実績"].iter_rows(min_row=2, values_only=True))
    assert len([r for r in rows if r[0]]) == len(outcome.result.master.measure_values)


# --- for any master staff might edit, a merge changes only the tool's own cells -------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

POOL = ["岩見沢市", "美唄市", "芦別市", "夕張市", "小樽市", "空知総合振興局"]
FORMATS = ["General", "0.0", "#,##0", "@", "yyyy/m/d", '0"件"']
COLOURS = ["FFFF00", "FFC7CE", "C6EFCE", "DDEBF7"]


@pytest.fixture(scope="module")
def edited_base(tmp_path_factory, survey_templates) -> Path:
    """A master after a first merge (so its tables have rows), to be edited by staff."""
    from sorachi_etl.api import init_master

    folder = tmp_path_factory.mktemp("base")
    master = folder / "master.xlsx"
    init_master(master)
    first = folder / "first"
    for name in FIRST:
        returned(
            first, survey_templates, name, initiatives=[INITIATIVE] if name == "芦別市" else ()
        )
    api.merge_paths([first], master)
    return master


@pytest.fixture(scope="module")
def pool(tmp_path_factory, survey_templates) -> dict[str, Path]:
    """Valid returns to pick from: new reporters, and resubmissions that change things."""
    folder = tmp_path_factory.mktemp("pool")
    out = {}
    for name in POOL:
        changed = name in FIRST
        out[name] = returned(
            folder / name,
            survey_templates,
            name,
            values={"M02": (77, "確定", "再提出で訂正")} if changed else None,
            initiatives=[dict(INITIATIVE, title=f"{name}の取組")] if name != "小樽市" else (),
        )
    return out


SHEETS = [
    "設定",
    "プロジェクト",
    "市町",
    "調査項目",
    "評価指標",
    "調査実績",
    "指標実績",
    "取組",
    "事業",
    "取込履歴",
]
edit = st.one_of(
    st.tuples(
        st.just("column"),
        st.sampled_from(SHEETS),
        st.integers(1, 3),
        st.text(st.characters(categories=["L", "N", "Zs"]), min_size=1, max_size=8),
    ),
    st.tuples(st.just("note"), st.sampled_from(SHEETS), st.integers(1, 40), st.integers(1, 4)),
    st.tuples(st.just("fill"), st.sampled_from(SHEETS), st.integers(1, 30), st.integers(1, 20)),
    st.tuples(st.just("format"), st.sampled_from(SHEETS), st.integers(2, 30), st.integers(1, 20)),
    st.tuples(st.just("hide"), st.sampled_from(SHEETS), st.integers(1, 20), st.booleans()),
    st.tuples(st.just("comment"), st.sampled_from(SHEETS), st.integers(1, 30), st.integers(1, 20)),
    st.tuples(st.just("height"), st.sampled_from(SHEETS), st.integers(1, 40), st.integers(10, 40)),
)


def apply_edits(path: Path, edits: list[tuple], seed: int) -> None:
    """Staff's edits: extra columns with values, notes beside and below the table, fills,
    fonts and number formats on any cell, hidden columns, comments, row heights."""
    import random

    from openpyxl.utils import get_column_letter

    rnd = random.Random(seed)
    wb = load_workbook(path)
    for kind, sheet, a, b in edits:
        ws = wb[sheet]
        width = len(master_rules()[sheet].columns) if sheet != "設定" else 2
        if kind == "column":
            c = ws.max_column + a
            ws.cell(1, c, f"{b}列")
            for r in range(2, ws.max_row + 3):
                if rnd.random() < 0.7:
                    ws.cell(r, c, rnd.choice([b, rnd.randint(-5, 10**6), rnd.random()]))
        elif kind == "note":
            ws.cell(a, width + b, rnd.choice(["※確認中", "=1+1", 12.5, "前年どおり"]))
        elif kind == "fill":
            cell = ws.cell(a, b)
            cell.fill = PatternFill("solid", fgColor=rnd.choice(COLOURS))
            cell.font = Font(color=rnd.choice(COLOURS), italic=rnd.random() < 0.5)
        elif kind == "format":
            ws.cell(a, b).number_format = rnd.choice(FORMATS)
        elif kind == "hide":
            ws.column_dimensions[get_column_letter(a)].hidden = b
        elif kind == "comment":
            ws.cell(a, b).comment = Comment(f"メモ{a}-{b}", "職員")
        elif kind == "height":
            ws.row_dimensions[a].height = b
    wb.save(path)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    edits=st.lists(edit, max_size=12),
    chosen=st.sets(st.sampled_from(POOL), min_size=1),
    seed=st.integers(0, 2**16),
)
def test_a_merge_changes_nothing_but_the_tool_s_own_cells(
    edited_base, pool, tmp_path_factory, edits, chosen, seed
):
    folder = tmp_path_factory.mktemp("example")
    master = folder / "master.xlsx"
    shutil.copy(edited_base, master)
    apply_edits(master, edits, seed)
    before = folder / "before.xlsx"
    shutil.copy(master, before)
    returns = folder / "returns"
    returns.mkdir()
    for name in chosen:
        shutil.copy(pool[name], returns / pool[name].name)
    try:
        outcome = api.merge_paths([returns], master)
    except MasterError as err:
        # A date format put on one of the tool's figures (113500 shown as 2210/10/1): the
        # merge cannot take the figure as staff see it, so it stops, names the cell and
        # the format, and writes nothing.
        assert err.findings and all(f.code == "master_bad_value" for f in err.findings)
        assert any("表示形式が日付" in f.message for f in err.findings), err.findings
        assert master.read_bytes() == before.read_bytes()
        return
    assert outcome.written
    assert_only_tool_cells_changed(before, master)
    assert_same_data(master, outcome.result.master)


def test_a_date_format_put_on_a_figure_is_named_with_the_format(edited_base, tmp_path):
    """Found by the property above: a figure formatted as a date by mistake read as
    「2210-10-01は値として読めません。半角数字で入力してください」, though staff had typed
    113500 and the cell showed 2210/10/1: the message now says it is the cell's format."""
    master = tmp_path / "master.xlsx"
    shutil.copy(edited_base, master)
    wb = load_workbook(master)
    wb["指標実績"]["C2"].number_format = "yyyy/m/d"
    shown = wb["指標実績"]["C2"].value
    wb.save(master)
    with pytest.raises(MasterError) as caught:
        api.kpi_report(master)
    (problem,) = caught.value.findings
    assert problem.cell == "C2" and "表示形式が日付" in problem.message
    assert "-" not in (problem.value or "")  # shown as Excel shows it (2210/10/1), not ISO
    assert isinstance(shown, int | float)
