"""Returned survey workbooks for tests: blank ones written once, filled in as clerks do.

`Templates` (the session fixture `survey_templates` in conftest.py) writes a
reporter's blank survey for a year the first time it is asked for and hands
out the same file afterwards; `returned()` copies one and types into it with
sorachi_etl.book.fill.fill_survey; `patch_cell()` rewrites one cell's XML for what
no spreadsheet library writes on purpose (a cached #DIV/0!, a formula never
calculated).
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sorachi_etl.book.fill import fill_survey
from sorachi_etl.book.template import master_to_templates, survey_file_name
from sorachi_etl.model.domain import Master
from sorachi_etl.model.sample import sample_master

R5, R6 = 2023, 2024

# Figures a clerk would type for each reporter of the sample master, all valid.
CLEAN = {
    "岩見沢市": {"M01": 2_410_000, "M02": 96, "M03": 3, "M04": 19_350},
    "美唄市": {"M01": 498_000, "M02": 42, "M03": 1, "M04": 9_420},
    "芦別市": {"M01": 455_000, "M02": 35, "M03": 1, "M04": 2_610},
    "夕張市": {"M01": 562_000, "M02": 31, "M03": 1, "M04": 1_980},
    "小樽市": {"M01": 7_051_000},
    "空知総合振興局": {"M05": 24_530, "M06": 486, "M07": 263},
}
CONTACT = {
    "department": "企画課",
    "person": "空知太郎",
    "phone": "0126-00-0000",
    "mail": "kikaku@example.jp",
    "filled_on": "2025/5/20",
}
INITIATIVE = {
    "project": "空知と多様な形で関わりを持つ人材創出プロジェクト",
    "title": "移住フェアへの出展",
    "implementers": "市",
    "start_date": "2024/9/14",
    "end_date": "2024/9/15",
    "dates_text": "令和6年9月14日～15日",
    "venue": "札幌市",
    "summary": "移住フェアに出展し、仕事・住まい・暮らしの情報を紹介。",
    "outcome_label": "相談件数（件）",
    "outcome_value": 23,
}


class Templates:
    """Blank survey workbooks, written on first use into `folder` and reused."""

    def __init__(self, folder: Path, master: Master | None = None) -> None:
        self.folder = folder
        self.master = master or sample_master()
        self._paths: dict[tuple[int, str], Path] = {}

    def path(self, reporter: str, year: int = R6) -> Path:
        key = (year, reporter)
        if key not in self._paths:
            out = self.folder / str(year)
            [result] = master_to_templates(self.master, year, out, reporters=[reporter])
            self._paths[key] = result.path
        return self._paths[key]


def returned(
    folder: Path,
    templates: Templates,
    reporter: str = "岩見沢市",
    *,
    year: int = R6,
    values: Mapping[str, Any] | None = None,
    initiatives: Sequence[Mapping[str, Any]] = (),
    info: Mapping[str, Any] | None = CONTACT,
    name: str | None = None,
    clean: bool = True,
) -> Path:
    """A reporter's survey as sent back: clean figures (with status 確定) unless `values`
    says otherwise for a measure; `name` renames the file."""
    typed: dict[str, Any] = {}
    if clean:
        typed = {m: (v, "確定") for m, v in CLEAN.get(reporter, {}).items()}
    typed.update(values or {})
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / (name or survey_file_name(year, reporter))
    fill_survey(
        templates.path(reporter, year),
        target,
        values=typed,
        initiatives=list(initiatives),
        info=dict(info) if info else None,
    )
    return target


def set_mtime(path: Path, seconds: float) -> Path:
    os.utime(path, (seconds, seconds))
    return path


def sheet_part(names: list[str], workbook_xml: bytes, rels_xml: bytes, sheet: str) -> str:
    """The part name of `sheet`, from workbook.xml and its relationships."""
    for tag in re.findall(rb"<sheet\b[^>]*>", workbook_xml):
        if re.search(rb'name="([^"]*)"', tag).group(1).decode() == sheet:
            rid = re.search(rb'r:id="([^"]*)"', tag).group(1)
            rel = re.search(rb'<Relationship\b[^>]*Id="' + re.escape(rid) + rb'"[^>]*>', rels_xml)
            target = re.search(rb'Target="([^"]*)"', rel.group(0)).group(1).decode()
            target = target.lstrip("/")
            return target if target.startswith("xl/") else "xl/" + target
    raise KeyError(sheet)


def patch_cell(path: Path, sheet: str, ref: str, body: str, t: str | None = None) -> Path:
    """Replace the XML of one existing cell: `body` inside <c>, `t` its type attribute.

    patch_cell(p, "調査実績", "E5", "<v>#DIV/0!</v>", t="e") is a cached error;
    patch_cell(p, "調査実績", "E5", "<f>SUM(A1:A2)</f>") a formula never calculated.
    """
    with zipfile.ZipFile(path) as z:
        entries = [(info, z.read(info)) for info in z.infolist()]
    parts = dict((i.filename, d) for i, d in entries)
    part = sheet_part(
        list(parts), parts["xl/workbook.xml"], parts["xl/_rels/workbook.xml.rels"], sheet
    )
    xml = parts[part].decode("utf-8")
    pattern = re.compile(rf'<c r="{ref}"(?P<attrs>[^>]*?)(?:/>|>.*?</c>)', re.DOTALL)
    m = pattern.search(xml)
    assert m, f"{sheet}!{ref} is not in the sheet XML"
    style = re.search(r'\ss="\d+"', m.group("attrs"))
    cell = f'<c r="{ref}"{style.group(0) if style else ""}{f" t={chr(34)}{t}{chr(34)}" if t else ""}>{body}</c>'
    xml = xml[: m.start()] + cell + xml[m.end() :]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in entries:
            z.writestr(info, xml.encode("utf-8") if info.filename == part else data)
    return path


def to_x14_list_validation(path: Path, sheet: str) -> str:
    """Rewrite the list validation of `sheet` the way Excel saves one that refers to another
    sheet: as an x14 extension (with an xr:uid, its prefix declared on the root). Returns its
    formula."""
    with zipfile.ZipFile(path) as z:
        entries = [(info, z.read(info)) for info in z.infolist()]
    parts = dict((i.filename, d) for i, d in entries)
    part = sheet_part(
        list(parts), parts["xl/workbook.xml"], parts["xl/_rels/workbook.xml.rels"], sheet
    )
    xml = parts[part].decode("utf-8")
    dv = re.search(r'<dataValidation [^>]*type="list"[^>]*>.*?</dataValidation>', xml).group(0)
    sqref = re.search(r'sqref="([^"]+)"', dv).group(1)
    formula = re.search(r"<formula1>(.*?)</formula1>", dv).group(1)
    xml = xml.replace(dv, "")
    xml = re.sub(
        r'<dataValidations count="(\d+)"',
        lambda m: f'<dataValidations count="{int(m.group(1)) - 1}"',
        xml,
    )
    xml = xml.replace(
        "<worksheet ",
        '<worksheet xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision" ',
        1,
    )
    ext = (
        '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
        'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
        '<x14:dataValidations count="1" '
        'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
        '<x14:dataValidation type="list" allowBlank="1" showInputMessage="1" '
        'showErrorMessage="1" xr:uid="{9DFE99AE-C652-4584-A01C-B6A549E1879D}">'
        f"<x14:formula1><xm:f>{formula}</xm:f></x14:formula1><xm:sqref>{sqref}</xm:sqref>"
        "</x14:dataValidation></x14:dataValidations></ext></extLst>"
    )
    xml = xml.replace("</worksheet>", ext + "</worksheet>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in entries:
            z.writestr(info, xml.encode("utf-8") if info.filename == part else data)
    return formula
