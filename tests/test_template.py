"""Survey workbooks (調査票): what `template` writes, and reading them back through survey.py."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import range_boundaries

from sorachi_etl import api
from sorachi_etl.book.template import master_to_templates, survey_file_name
from sorachi_etl.intake.locate import workbook_to_survey
from sorachi_etl.intake.read import read_workbook
from sorachi_etl.model import domain
from sorachi_etl.model.errors import UsageError
from sorachi_etl.model.names import (
    STATUS_PENDING,
    SURVEY_GUIDE,
    SURVEY_INFO,
    SURVEY_INITIATIVES,
    SURVEY_META,
    SURVEY_VALUES,
    TEMPLATE_VERSION,
)
from sorachi_etl.model.resources import base_template
from sorachi_etl.model.rules import find_header_row, survey_rules
from sorachi_etl.model.sample import sample_master
from tests.conftest import libreoffice_convert
from tests.helpers import workbook_dump

R5, R6 = 2023, 2024
RULES = survey_rules()


@pytest.fixture(scope="module")
def r6(_sample_master_file, tmp_path_factory) -> dict[str, Path]:
    """`template --year R6` on the sample master: reporter -> file."""
    out = tmp_path_factory.mktemp("r6")
    results = api.make_templates(_sample_master_file, R6, out)
    return {r.reporter: r.path for r in results}


def table(ws, sheet: str) -> tuple[int, dict[str, int], list[list[object]]]:
    """Header row (1-based), rule key -> 1-based column, and the rows under the header."""
    grid = [list(r) for r in ws.iter_rows(values_only=True)]
    header0, columns = find_header_row(grid, RULES[sheet])
    return header0 + 1, {k: c + 1 for k, c in columns.items()}, grid[header0 + 1 :]


def info_cells(ws) -> dict[str, object]:
    rule = RULES[SURVEY_INFO if ws.title == SURVEY_INFO else SURVEY_META]
    labels = {c.header: c.key for c in rule.columns}
    return {labels[r[0].value]: r[1] for r in ws.iter_rows(max_col=2) if r[0].value in labels}


def validations(ws) -> dict[str, object]:
    """Cell -> its data validation (first one wins)."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            for row in ws[rng.coord] if ":" in rng.coord else [[ws[rng.coord]]]:
                for cell in row:
                    out.setdefault(cell.coordinate, dv)
    return out


# --- one workbook per reporter --------------------------------------------------------


def test_one_workbook_per_reporter(r6):
    master = sample_master()
    assert len(r6) == 28
    assert set(r6) == {r.name for r in master.survey_reporters}
    for name, path in r6.items():
        assert path.name == f"R6_{name}_調査票.xlsx" == survey_file_name(R6, name)


def test_each_workbook_holds_the_reporters_measures(r6):
    master = sample_master()
    counts = {}
    for name, path in r6.items():
        wb = load_workbook(path)
        assert wb.sheetnames == [
            SURVEY_GUIDE,
            SURVEY_INFO,
            SURVEY_VALUES,
            SURVEY_INITIATIVES,
            SURVEY_META,
        ]
        _, cols, rows = table(wb[SURVEY_VALUES], SURVEY_VALUES)
        got = [
            (r[cols["measure"] - 1], r[cols["measure_name"] - 1], r[cols["unit"] - 1])
            for r in rows
            if r[0] is not None
        ]
        want = [(m.id, m.name, m.unit) for m in master.measures_for(name)]
        assert got == want
        counts[len(want)] = counts.get(len(want), 0) + 1
        info = info_cells(wb[SURVEY_INFO])
        assert info["reporter"].value == name
        assert info["year"].value == "令和6年度"
    assert counts == {4: 24, 1: 3, 3: 1}  # Sorachi, the 炭鉄港 members outside it, the bureau


def test_excel_table_is_resized_to_the_rows(r6):
    wb = load_workbook(r6["岩見沢市"])
    ws = wb[SURVEY_VALUES]
    (tbl,) = ws.tables.values()
    assert tbl.displayName == RULES[SURVEY_VALUES].table
    _, min_row, _, max_row = range_boundaries(tbl.ref)
    header, _, _ = table(ws, SURVEY_VALUES)
    assert (min_row, max_row) == (header, header + 4)
    ws = wb[SURVEY_INITIATIVES]
    (tbl,) = ws.tables.values()
    assert tbl.displayName == RULES[SURVEY_INITIATIVES].table
    _, min_row, _, max_row = range_boundaries(tbl.ref)
    assert max_row - min_row == RULES[SURVEY_INITIATIVES].blank_rows


# --- 前年度実績 --------------------------------------------------------------------------


def master_with_r5_values() -> domain.Master:
    master = sample_master()
    master.measure_values += [
        domain.MeasureValue("M01", "岩見沢市", R5, 1_234_567.0),
        domain.MeasureValue("M03", "岩見沢市", R5, 4.0),
        domain.MeasureValue("M02", "岩見沢市", R5, None, STATUS_PENDING),
        domain.MeasureValue("M01", "小樽市", R5, 7_000_000.0),
        domain.MeasureValue("M01", "岩見沢市", R5 - 1, 999.0),  # two years back: not shown
    ]
    return master


def test_previous_year_values_sit_beside_the_inputs(tmp_path):
    results = master_to_templates(
        master_with_r5_values(),
        R6,
        tmp_path,
        reporters=["岩見沢市", "小樽市", "美唄市", "空知総合振興局"],
    )
    previous = {}
    for result in results:
        ws = load_workbook(result.path)[SURVEY_VALUES]
        _, cols, rows = table(ws, SURVEY_VALUES)
        previous[result.reporter] = {
            r[cols["measure"] - 1]: r[cols["previous"] - 1] for r in rows if r[0] is not None
        }
        assert result.previous == sum(v is not None for v in previous[result.reporter].values())
    assert previous["岩見沢市"] == {"M01": 1234567, "M02": "集計中", "M03": 4, "M04": None}
    assert previous["小樽市"] == {"M01": 7000000}
    assert previous["美唄市"] == {"M01": None, "M02": None, "M03": None, "M04": None}
    # the bureau's follower count is a KPI of kind "value": its published R5 value
    assert previous["空知総合振興局"] == {"M05": 20120, "M06": None, "M07": None}


def test_previous_and_value_cells_show_the_measure_decimals(tmp_path):
    master = master_with_r5_values()
    master.measure("M04").decimals = 1
    (result,) = master_to_templates(master, R6, tmp_path, reporters=["岩見沢市"])
    ws = load_workbook(result.path)[SURVEY_VALUES]
    header, cols, _ = table(ws, SURVEY_VALUES)
    formats = [ws.cell(header + i, cols["value"]).number_format for i in range(1, 5)]
    assert formats == ["#,##0", "#,##0", "#,##0", "#,##0.0"]
    assert ws.cell(header + 1, cols["previous"]).number_format == "#,##0"


# --- protection and validation ---------------------------------------------------------


@pytest.mark.parametrize("reporter", ["岩見沢市", "安平町", "空知総合振興局"])
def test_only_input_cells_are_unlocked(r6, reporter):
    wb = load_workbook(r6[reporter])
    for sheet in (SURVEY_VALUES, SURVEY_INITIATIVES):
        ws = wb[sheet]
        header, cols, rows = table(ws, sheet)
        for key, c in cols.items():
            for r in range(header + 1, header + 1 + len(rows)):
                assert ws.cell(r, c).protection.locked is not RULES[sheet].column(key).input, (
                    sheet,
                    key,
                    r,
                )
            assert ws.cell(header, c).protection.locked
    info = info_cells(wb[SURVEY_INFO])
    for col in RULES[SURVEY_INFO].columns:
        assert info[col.key].protection.locked is not col.input, col.key
    for row in wb[SURVEY_GUIDE].iter_rows():
        assert all(cell.protection.locked for cell in row)


def test_sheets_are_protected_without_password_and_resizable(r6):
    for path in r6.values():
        wb = load_workbook(path)
        for ws in wb.worksheets:
            if ws.sheet_state != "visible":
                continue
            p = ws.protection
            assert p.sheet is True, ws.title
            assert not p.password
            assert p.formatColumns is False and p.formatRows is False
        assert wb.security.lockStructure
        assert wb[SURVEY_VALUES].data_validations.dataValidation  # every workbook has its checks


def test_value_validations_come_from_the_rules(r6):
    master = sample_master()
    ws = load_workbook(r6["岩見沢市"])[SURVEY_VALUES]
    header, cols, _ = table(ws, SURVEY_VALUES)
    dvs = validations(ws)
    value_rule = RULES[SURVEY_VALUES].column("value")
    for i, m in enumerate(master.measures_for("岩見沢市"), start=1):
        value = dvs[ws.cell(header + i, cols["value"]).coordinate]
        assert value.type == "decimal"
        assert float(value.formula1) == value_rule.min == 0
        assert value.operator == "between" and float(value.formula2) == m.max
        status = dvs[ws.cell(header + i, cols["status"]).coordinate]
        assert status.type == "list"
        assert status.formula1 == '"確定,集計中,該当なし"'
        note = dvs[ws.cell(header + i, cols["note"]).coordinate]
        assert note.type == "textLength" and note.formula1 == "500"
        for dv in (value, status, note):
            assert dv.showErrorMessage and dv.errorStyle == "stop" and dv.error and dv.errorTitle
            assert dv.showInputMessage and dv.prompt and dv.promptTitle
        assert (value.promptTitle, value.prompt) == value_rule.prompt
    for key in ("measure", "measure_name", "unit", "previous"):
        assert ws.cell(header + 1, cols[key]).coordinate not in dvs


def test_initiative_validations(r6):
    wb = load_workbook(r6["美唄市"])
    ws = wb[SURVEY_INITIATIVES]
    header, cols, rows = table(ws, SURVEY_INITIATIVES)
    assert len(rows) == RULES[SURVEY_INITIATIVES].blank_rows
    assert all(v is None for row in rows for v in row)
    dvs = validations(ws)
    first, last = header + 1, header + len(rows)
    start = dvs[ws.cell(first, cols["start_date"]).coordinate]
    assert start.type == "date" and start.operator == "between"
    serial = dt.date(1899, 12, 30)
    assert (
        serial + dt.timedelta(int(start.formula1)),
        serial + dt.timedelta(int(start.formula2)),
    ) == (dt.date(2024, 4, 1), dt.date(2025, 3, 31))
    assert dvs[ws.cell(last, cols["end_date"]).coordinate].formula2 == start.formula2
    project = dvs[ws.cell(last, cols["project"]).coordinate]
    assert project.type == "list"
    sheet, ref = project.formula1.rsplit("!", 1)
    listed = [c.value for row in wb[sheet.strip("'")][ref.replace("$", "")] for c in row]
    assert listed == [p.name for p in sample_master().projects]
    assert max(len(name) for name in listed) > 20  # why a range and not a literal list
    title = dvs[ws.cell(first, cols["title"]).coordinate]
    assert title.type == "textLength" and title.formula1 == "200"
    outcome = dvs[ws.cell(first, cols["outcome_value"]).coordinate]
    assert outcome.type == "decimal" and outcome.operator == "greaterThanOrEqual"
    for key, c in cols.items():
        dv = dvs[ws.cell(last, c).coordinate]
        assert (dv.promptTitle, dv.prompt) == RULES[SURVEY_INITIATIVES].column(key).prompt
        assert dv.error, key


def test_info_validations(r6):
    ws = load_workbook(r6["岩見沢市"])[SURVEY_INFO]
    info = info_cells(ws)
    dvs = validations(ws)
    for col in RULES[SURVEY_INFO].columns:
        dv = dvs.get(info[col.key].coordinate)
        if col.input:
            assert (dv.promptTitle, dv.prompt) == col.prompt
        else:
            assert dv is None
    assert dvs[info["filled_on"].coordinate].type == "date"


# --- _meta, guide, print ---------------------------------------------------------------


def test_meta_sheet(r6):
    master = sample_master()
    for name, path in r6.items():
        ws = load_workbook(path)[SURVEY_META]
        assert ws.sheet_state == "hidden"
        meta = {k: c.value for k, c in info_cells(ws).items()}
        assert meta == {
            "template_version": TEMPLATE_VERSION,
            "year": "R6",
            "reporter": name,
            "measures": ",".join(m.id for m in master.measures_for(name)),
        }
    assert meta["measures"] == "M05,M06,M07"  # the bureau comes last


def test_guide_says_how_to_fill_in_and_return(r6):
    master = sample_master()
    ws = load_workbook(r6["岩見沢市"])[SURVEY_GUIDE]
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    s = master.settings
    for needed in (
        "令和7年5月30日（金）",
        s.contact_department,
        s.contact_phone,
        s.contact_mail,
        "集計中",
        "該当なし",
        ".xlsx",
        "シート名",
        "岩見沢市",
        "令和6年度",
        "令和5年度",
    ):
        assert needed in text, needed
    for sheet in (SURVEY_INFO, SURVEY_VALUES, SURVEY_INITIATIVES):
        for col in RULES[sheet].columns:
            if col.prompt:
                assert col.prompt[1] in text, col.header
    for m in master.measures_for("岩見沢市"):
        assert m.description in text
    assert "{" not in text  # every placeholder was filled


def test_print_setup_on_visible_sheets(r6):
    wb = load_workbook(r6["岩見沢市"])
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4), ws.title
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
    for sheet in (SURVEY_VALUES, SURVEY_INITIATIVES):
        header, _, _ = table(wb[sheet], sheet)
        assert wb[sheet].print_title_rows == f"$1:${header}"


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    master = sample_master()
    master.settings.contact_person = '=HYPERLINK("http://x")'
    master.projects[0].name = "=1+1"
    (result,) = master_to_templates(master, R6, tmp_path, reporters=["岩見沢市"])
    wb = load_workbook(result.path)
    cells = [
        c
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and "=" in c.value[:2]
    ]
    assert cells and all(c.data_type == "s" for c in cells)


def test_regenerating_gives_the_same_workbooks(_sample_master_file, tmp_path):
    one = api.make_templates(
        _sample_master_file, R6, tmp_path / "one", reporters=["岩見沢市", "空知総合振興局"]
    )
    two = api.make_templates(
        _sample_master_file, R6, tmp_path / "two", reporters=["岩見沢市", "空知総合振興局"]
    )
    for a, b in zip(one, two, strict=True):
        dump = workbook_dump(a.path)
        assert dump == workbook_dump(b.path)
        assert "2024-04-01" in dump  # created/modified fixed from the year, not the clock


# --- choosing reporters ----------------------------------------------------------------


def test_unknown_reporter_gets_a_hint(tmp_path):
    with pytest.raises(UsageError, match="「岩見沢市」のことですか"):
        master_to_templates(sample_master(), R6, tmp_path, reporters=["岩見沢"])
    assert not list(tmp_path.iterdir())


def test_reporter_without_measures_is_refused(tmp_path):
    master = sample_master()
    master.reporters.append(domain.Reporter("札幌市", ["石狩"]))
    with pytest.raises(UsageError, match="調査項目がありません"):
        master_to_templates(master, R6, tmp_path, reporters=["札幌市"])


# --- the base template -----------------------------------------------------------------


def test_base_template_is_a_plain_editable_workbook():
    wb = load_workbook(base_template())
    assert wb.sheetnames == [
        SURVEY_GUIDE,
        SURVEY_INFO,
        SURVEY_VALUES,
        SURVEY_INITIATIVES,
        SURVEY_META,
    ]
    assert not any(ws.protection.sheet for ws in wb.worksheets)  # staff edit it freely
    for sheet in (SURVEY_VALUES, SURVEY_INITIATIVES):
        (tbl,) = wb[sheet].tables.values()
        assert tbl.displayName == RULES[sheet].table
        # the columns a reporter must fill say so: 取組名（必須）
        assert [c.name for c in tbl.tableColumns] == [
            c.header + ("（必須）" if c.required and c.input else "") for c in RULES[sheet].columns
        ]
    assert [c.header for c in RULES[SURVEY_INITIATIVES].columns if c.required] == [
        "プロジェクト",
        "取組名",
    ]


def moved_base(tmp_path: Path) -> Path:
    """The base as staff might leave it: rows added above 調査実績's table, 取組's table moved right."""
    wb = load_workbook(base_template())
    ws = wb[SURVEY_VALUES]
    ws.insert_rows(1, 2)  # e.g. room for a logo
    tbl = ws.tables[RULES[SURVEY_VALUES].table]
    _, r1, _, r2 = range_boundaries(tbl.ref)
    tbl.ref = f"A{r1 + 2}:G{r2 + 2}"  # Excel moves the table with its rows
    ws = wb[SURVEY_INITIATIVES]
    tbl = ws.tables[RULES[SURVEY_INITIATIVES].table]
    _, r1, _, r2 = range_boundaries(tbl.ref)
    ws.move_range(tbl.ref, rows=3, cols=1)
    tbl.ref = f"B{r1 + 3}:K{r2 + 3}"
    path = tmp_path / "base.xlsx"
    wb.save(path)
    return path


def test_a_moved_base_still_fills_and_reads(tmp_path):
    base = moved_base(tmp_path)
    master = sample_master()
    (result,) = master_to_templates(master, R6, tmp_path / "out", reporters=["岩見沢市"], base=base)
    wb = load_workbook(result.path)
    header, cols, _ = table(wb[SURVEY_VALUES], SURVEY_VALUES)
    assert header == 6
    (tbl,) = wb[SURVEY_VALUES].tables.values()
    assert tbl.ref == "A6:G10"
    header, cols, _ = table(wb[SURVEY_INITIATIVES], SURVEY_INITIATIVES)
    assert (header, cols["project"]) == (7, 2)
    (tbl,) = wb[SURVEY_INITIATIVES].tables.values()
    assert tbl.ref == "B7:K17"
    survey = workbook_to_survey(read_workbook(result.path))
    assert [r["measure"].value for r in survey.value_rows] == ["M01", "M02", "M03", "M04"]
    assert survey.value_rows[0]["value"].cell == "E7"
    assert survey.columns[SURVEY_INITIATIVES]["project"] == 1
    assert not survey.missing


# --- reading a filled-in survey back -----------------------------------------------------


def fill(path: Path, out: Path) -> Path:
    """Fill a generated workbook the way a clerk would, with openpyxl."""
    wb = load_workbook(path)
    info = info_cells(wb[SURVEY_INFO])
    info["department"].value = "企画財政部 企画室"
    info["person"].value = "空知 太郎"
    info["filled_on"].value = dt.date(2025, 5, 20)
    ws = wb[SURVEY_VALUES]
    header, cols, _ = table(ws, SURVEY_VALUES)
    ws.cell(header + 1, cols["value"]).value = 1_234_567
    ws.cell(header + 1, cols["status"]).value = "確定"
    ws.cell(header + 2, cols["status"]).value = "集計中"
    ws.cell(header + 2, cols["note"]).value = "7月に確定予定"
    ws.cell(header + 3, cols["value"]).value = 3
    ws.cell(header + 4, cols["status"]).value = "該当なし"
    ws = wb[SURVEY_INITIATIVES]
    header, cols, _ = table(ws, SURVEY_INITIATIVES)
    row = {
        "project": sample_master().projects[0].name,
        "title": "炭鉄港めしフェスタの開催",
        "implementers": "振興局・市",
        "start_date": dt.date(2024, 9, 16),
        "end_date": dt.date(2024, 9, 17),
        "dates_text": "令和6年9月16日～17日",
        "venue": "岩見沢駅東市民広場公園",
        "summary": "炭鉄港めしブースを開設",
        "outcome_label": "出店数",
        "outcome_value": 5,
    }
    for key, value in row.items():
        ws.cell(header + 3, cols[key]).value = value  # the third row: blank rows above are skipped
    wb.save(out)
    return out


def read_back(path: Path) -> dict[str, object]:
    survey = workbook_to_survey(read_workbook(path))
    return {
        "info": {k: c.value for k, c in survey.info.items()},
        "meta": survey.meta,
        "values": [{k: c.value for k, c in r.items()} for r in survey.value_rows],
        "initiatives": [{k: c.value for k, c in r.items()} for r in survey.initiative_rows],
        "missing": survey.missing,
        "states": survey.sheet_states,
    }


def _day(value: object) -> object:
    return value.date() if isinstance(value, dt.datetime) else value


def test_filled_workbook_reads_back(r6, tmp_path):
    got = read_back(fill(r6["岩見沢市"], tmp_path / "filled.xlsx"))
    assert got["missing"] == []
    assert got["states"][SURVEY_META] == "hidden"
    assert got["meta"] == {
        "template_version": TEMPLATE_VERSION,
        "year": "R6",
        "reporter": "岩見沢市",
        "measures": "M01,M02,M03,M04",
    }
    assert got["info"]["reporter"] == "岩見沢市"
    assert got["info"]["department"] == "企画財政部 企画室"
    assert _day(got["info"]["filled_on"]) == dt.date(2025, 5, 20)
    values = {r["measure"]: (r["value"], r["status"], r["note"]) for r in got["values"]}
    assert values == {
        "M01": (1234567, "確定", ""),
        "M02": ("", "集計中", "7月に確定予定"),
        "M03": (3, "", ""),
        "M04": ("", "該当なし", ""),
    }
    (initiative,) = got["initiatives"]
    assert initiative["title"] == "炭鉄港めしフェスタの開催"
    assert _day(initiative["start_date"]) == dt.date(2024, 9, 16)
    assert initiative["outcome_value"] == 5


def test_cells_keep_their_place(r6, tmp_path):
    survey = workbook_to_survey(read_workbook(fill(r6["岩見沢市"], tmp_path / "f.xlsx")))
    ws = load_workbook(r6["岩見沢市"])[SURVEY_VALUES]
    header, cols, _ = table(ws, SURVEY_VALUES)
    assert survey.value_rows[0]["value"].cell == ws.cell(header + 1, cols["value"]).coordinate
    assert survey.info["department"].cell == "B7"
    assert survey.header_rows[SURVEY_VALUES] == header - 1


def test_a_row_inserted_above_the_table_still_reads(r6, tmp_path):
    wb = load_workbook(fill(r6["岩見沢市"], tmp_path / "filled.xlsx"))
    wb[SURVEY_VALUES].insert_rows(1)  # nothing else fixed: table ref and validations stay put
    wb[SURVEY_INFO].insert_rows(3)
    wb.save(tmp_path / "moved.xlsx")
    before = read_back(tmp_path / "filled.xlsx")
    after = read_back(tmp_path / "moved.xlsx")
    assert after == before
    survey = workbook_to_survey(read_workbook(tmp_path / "moved.xlsx"))
    assert survey.value_rows[0]["value"].row0 == survey.header_rows[SURVEY_VALUES] + 1


def test_missing_sheet_and_renamed_column_are_listed_with_hints(r6, tmp_path):
    wb = load_workbook(r6["岩見沢市"])
    ws = wb[SURVEY_VALUES]
    header, cols, _ = table(ws, SURVEY_VALUES)
    ws.cell(header, cols["value"]).value = "実績"
    ws.cell(header, cols["note"]).value = None
    wb[SURVEY_INITIATIVES].title = "取り組み"
    wb.save(tmp_path / "broken.xlsx")
    survey = workbook_to_survey(read_workbook(tmp_path / "broken.xlsx"))
    assert [(m.sheet, m.hint) for m in survey.missing_sheets] == [(SURVEY_INITIATIVES, "取り組み")]
    assert [(m.sheet, m.column, m.hint) for m in survey.missing_columns] == [
        (SURVEY_VALUES, "実績値", "実績"),
        (SURVEY_VALUES, "備考", None),
    ]
    assert len(survey.value_rows) == 4  # the rows are still read, by the headers that are there


def test_rows_stop_at_a_note_under_the_table(r6, tmp_path):
    wb = load_workbook(r6["岩見沢市"])
    ws = wb[SURVEY_VALUES]
    header, _, _ = table(ws, SURVEY_VALUES)
    ws.cell(header + 6, 9).value = "※ 欄外のメモ"  # outside the table's columns
    ws.cell(header + 7, 1).value = "M99"
    wb.save(tmp_path / "note.xlsx")
    survey = workbook_to_survey(read_workbook(tmp_path / "note.xlsx"))
    assert [r["measure"].value for r in survey.value_rows] == ["M01", "M02", "M03", "M04"]


def test_libreoffice_round_trip_reads_the_same(r6, tmp_path):
    filled = fill(r6["岩見沢市"], tmp_path / "filled.xlsx")
    converted = libreoffice_convert(filled, tmp_path / "lo", to="xlsx")

    def normal(data):
        for key in ("info",):
            data[key] = {k: _day(v) for k, v in data[key].items()}
        data["initiatives"] = [{k: _day(v) for k, v in r.items()} for r in data["initiatives"]]
        return data

    assert normal(read_back(converted)) == normal(read_back(filled))
    # LibreOffice keeps the checks a clerk meets
    ws = load_workbook(converted)[SURVEY_VALUES]
    assert ws.protection.sheet
    assert {dv.type for dv in ws.data_validations.dataValidation} >= {"decimal", "list"}


def test_structure_findings_name_what_to_fix(r6, tmp_path):
    wb = load_workbook(r6["岩見沢市"])
    ws = wb[SURVEY_VALUES]
    header, cols, _ = table(ws, SURVEY_VALUES)
    ws.cell(header, cols["status"]).value = "状況"
    ws.cell(header, cols["previous"]).value = None  # not read by the validator: no finding
    wb[SURVEY_INITIATIVES].title = "取り組み"
    wb.save(tmp_path / "broken.xlsx")
    survey = workbook_to_survey(read_workbook(tmp_path / "broken.xlsx"))
    assert survey.is_survey
    findings = survey.structure_findings(file="broken.xlsx")
    assert [(f.code, f.sheet) for f in findings] == [
        ("missing_column", SURVEY_VALUES),
        ("missing_sheet", SURVEY_INITIATIVES),
    ]
    assert "「状態」" in findings[0].message and "「状況」のことですか" in findings[0].message
    assert "「取り組み」のことですか" in findings[1].message


def test_another_workbook_is_not_a_survey(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Sheet1"
    wb.active["A1"] = "売上"
    wb.save(tmp_path / "other.xlsx")
    survey = workbook_to_survey(read_workbook(tmp_path / "other.xlsx"))
    assert not survey.is_survey
    assert "調査実績" in survey.not_survey_reason()
