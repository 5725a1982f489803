"""Annotated copies of faulty workbooks, ready to mail back to the sender.

Each faulty cell is filled red and carries a comment with the message; a
`確認事項` sheet lists every finding. The copy is the sender's own file opened
with openpyxl, so their data, validations and protection are kept.
"""

from __future__ import annotations

import re
from pathlib import Path

from sorachi_etl.errors import ERROR, FileReport, Finding
from sorachi_etl.names import SURVEY_FINDINGS

ERROR_FILL = "FF9999"
WARNING_FILL = "FFE699"
COMMENT_AUTHOR = "sorachi-etl"
_A1 = re.compile(r"^[A-Z]{1,3}[0-9]{1,7}$")


def annotated_name(path: Path) -> str:
    """R6_岩見沢市_調査票.xlsx -> R6_岩見沢市_調査票_要修正.xlsx"""
    return f"{path.stem}_要修正{path.suffix}"


def annotate_workbook(source: Path, report: FileReport, out_dir: Path) -> Path:
    """Write an annotated copy of `source` into `out_dir`; returns its path."""
    from openpyxl import load_workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill

    from sorachi_etl.write import _style_header, put

    wb = load_workbook(source, rich_text=True)
    by_cell: dict[tuple[str, str], list[Finding]] = {}
    for f in report.findings:
        if f.sheet in wb.sheetnames and f.cell and _A1.match(f.cell):
            by_cell.setdefault((f.sheet, f.cell), []).append(f)
    for (sheet, cell), items in by_cell.items():
        target = wb[sheet][cell]
        worst = ERROR if any(f.severity == ERROR for f in items) else "warning"
        target.fill = PatternFill("solid", fgColor=ERROR_FILL if worst == ERROR else WARNING_FILL)
        text = "\n".join(
            f"【{'要修正' if f.severity == ERROR else '確認'}】{f.message}" for f in items
        )
        comment = Comment(text, COMMENT_AUTHOR)
        comment.width, comment.height = 320, 40 + 40 * len(items)
        target.comment = comment

    if SURVEY_FINDINGS in wb.sheetnames:
        wb.remove(wb[SURVEY_FINDINGS])
    ws = wb.create_sheet(SURVEY_FINDINGS, 0)
    put(ws, 1, 1, "確認事項（赤色のセルを修正して、もう一度送ってください）").font = Font(
        bold=True, size=13
    )
    headers = ["No.", "区分", "シート", "セル", "項目", "入力値", "内容"]
    for c, h in enumerate(headers, start=1):
        put(ws, 3, c, h)
    _style_header(ws, 3, len(headers))
    for i, f in enumerate(report.findings, start=1):
        row = 3 + i
        values = [
            i,
            "要修正" if f.severity == ERROR else "確認",
            f.sheet,
            f.cell,
            f.item,
            f.value,
            f.message,
        ]
        for c, v in enumerate(values, start=1):
            cell = put(ws, row, c, v)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        if f.severity == ERROR:
            ws.cell(row, 2).fill = PatternFill("solid", fgColor=ERROR_FILL)
    for col, width in zip("ABCDEFG", [5, 8, 10, 7, 20, 16, 70], strict=True):
        ws.column_dimensions[col].width = width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    wb.active = 0
    out_dir.mkdir(parents=True, exist_ok=True)
    target_path = out_dir / annotated_name(source)
    wb.save(target_path)
    return target_path
