"""Write templates/kpi_template.xlsx, the styled base survey workbook (調査票の基本様式).

Run once, then commit the .xlsx; from then on staff own the file and may
restyle it in Excel (logo, wording, colours, widths). `sorachi-etl template`
fills a copy per reporter and relies only on what is described below, never
on fixed coordinates:

- sheet names (names.py) and the header texts of schemas/survey.toml;
- 調査実績 and 取組: an Excel table (調査実績表, 取組表) whose header row holds
  the column headers; the first row under the header is the style model for
  every row written (its fill, border, font and number format are copied);
- 基本情報 and _meta: a label cell with the value cell to its right;
- placeholders written as {名前} in any text cell, replaced per reporter:
  {年度} 令和6年度, {年度略称} R6, {前年度} 令和5年度, {対象期間}, {市町名},
  {表題}, {提出期限}, {担当部署}, {担当者}, {電話番号}, {メールアドレス};
- in 記入要領, a cell holding only {各欄の説明} or {調査項目の説明} becomes
  one row per column or measure, from that row down (keep them last).

Nothing should sit below the two tables: rows are written downward from the
header.

    python templates/make_base_template.py
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from sorachi_etl.book.xlsx import put
from sorachi_etl.model import names
from sorachi_etl.model.rules import REQUIRED_MARK, SheetRule, survey_rules

OUT = Path(__file__).resolve().parent / "kpi_template.xlsx"

FONT = "游ゴシック"
NAVY = "1F3864"
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # light yellow: type here
LOCKED_FILL = PatternFill("solid", fgColor="F2F2F2")  # light grey: filled in for you
_thin = Side(style="thin", color="808080")
BOX = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
TITLE_ROWS = 3  # title, subtitle, blank; the header follows

DATE_FORMAT = "yyyy/m/d"


def font(size: float = 11, bold: bool = False, color: str | None = None) -> Font:
    return Font(name=FONT, size=size, bold=bold, color=color)


def page_setup(ws: Worksheet, landscape: bool, title_rows: str | None) -> None:
    """A4, one page wide, title rows repeated on every page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = 0.6
    ws.page_margins.bottom = 0.8  # room for the page-number footer
    ws.page_margins.footer = 0.3
    ws.print_options.horizontalCentered = True
    if title_rows:
        ws.print_title_rows = title_rows
    ws.sheet_view.showGridLines = False
    ws.oddFooter.center.text = "&P / &N"


def title(ws: Worksheet, text: str, subtitle: str, last_col: str) -> None:
    put(ws, 1, 1, text).font = font(16, bold=True, color=NAVY)
    ws.row_dimensions[1].height = 30
    ws["A1"].alignment = Alignment(vertical="center")
    put(ws, 2, 1, subtitle).font = font(10, color="404040")
    ws["A2"].alignment = Alignment(vertical="top", wrap_text=True)
    ws.merge_cells(f"A2:{last_col}2")
    ws.row_dimensions[2].height = 30


# --- 記入要領 ------------------------------------------------------------------------

GUIDE: list[tuple[str, str, str]] = [
    # (kind, label, text); kinds: heading, item, strong (an item in bold red), block
    ("heading", "", "1. この調査票について"),
    ("item", "報告者", "{市町名}"),
    ("item", "対象年度", "{年度}（{対象期間}）"),
    ("strong", "提出期限", "{提出期限}"),
    ("heading", "", "2. 記入のしかた"),
    (
        "item",
        "入力するセル",
        "黄色のセルに入力してください。灰色のセルはあらかじめ入力済みのため変更できません。",
    ),
    (
        "item",
        "基本情報",
        "担当部署・担当者名・電話番号・メールアドレス・記入日を入力してください。",
    ),
    (
        "item",
        "調査実績",
        "各調査項目の{年度}の実績値を半角数字で入力し（単位は不要）、状態を一覧から選んでください。"
        "前年度実績は{前年度}の値です（参考）。",
    ),
    (
        "item",
        "集計中のとき",
        "実績値は空欄のままにして、状態を「集計中」にしてください。0 は入力しないでください。"
        "確定したら、実績値を入力し状態を「確定」にして、あらためて提出してください。",
    ),
    ("item", "該当しないとき", "実績値は空欄のままにして、状態を「該当なし」にしてください。"),
    ("item", "大きく増減したとき", "備考に理由（算出方法の変更など）を記入してください。"),
    (
        "item",
        "取組",
        "{年度}に実施した主な取組（成果）を1行に1件入力してください。"
        "見出しに「（必須）」とある列（プロジェクト・取組名）は必ず入力してください。"
        "概要は報告書に載せるため、できるだけ入力してください（空欄でも受け付けます）。"
        "日付は 2024/9/16 の形で入力します。",
    ),
    (
        "item",
        "直しが必要なとき",
        "実績値と取組は別々に受け付けます。どちらかに直しが必要な場合も、もう一方は受け付けます"
        "（一部受付）。直したら、調査票全体をもう一度提出してください。",
    ),
    (
        "item",
        "行が足りないとき",
        "「校閲」タブの「シート保護の解除」（パスワードはありません）を押してから、"
        "表の最終行のすぐ下に入力すると表が広がります。",
    ),
    ("heading", "", "3. 提出のしかた"),
    (
        "item",
        "ファイル",
        "このExcelブック（.xlsx）のまま、ファイル名を変えずにメールで提出してください。"
        "PDF・印刷物では受け付けできません。LibreOffice で保存するときは「Excel 2007-365」形式を"
        "選んでください（.ods・.xls形式でも読み取りますが、次回は .xlsx でお願いします）。",
    ),
    (
        "item",
        "変えないもの",
        "シート名・列の見出し・調査項目の行は変更・削除しないでください（読み取れなくなります）。",
    ),
    ("heading", "", "4. 問い合わせ先"),
    ("item", "担当", "{担当部署}　{担当者}"),
    ("item", "電話", "{電話番号}"),
    ("item", "メール", "{メールアドレス}"),
    ("heading", "", "5. 調査項目の定義"),
    ("block", "", "{調査項目の説明}"),
    ("heading", "", "6. 各欄の説明"),
    ("block", "", "{各欄の説明}"),
]


def make_guide(wb: Workbook) -> None:
    ws = wb.create_sheet(names.SURVEY_GUIDE)
    for col, width in zip("ABC", (2.5, 24, 80), strict=True):
        ws.column_dimensions[col].width = width
    title(ws, "{年度}　調査票 記入要領", "{表題}　（{市町名}）", "C")
    r = TITLE_ROWS
    for kind, label, text in GUIDE:
        r += 1
        if kind == "heading":
            r += 1 if r > TITLE_ROWS + 1 else 0
            cell = put(ws, r, 1, text)
            cell.font = font(12, bold=True, color=NAVY)
            for c in range(1, 4):
                ws.cell(row=r, column=c).border = Border(bottom=Side(style="medium", color=NAVY))
            ws.row_dimensions[r].height = 22
            continue
        label_cell = put(ws, r, 2, label)
        label_cell.font = font(10.5, bold=True)
        label_cell.alignment = Alignment(vertical="top", wrap_text=True)
        text_cell = put(ws, r, 3, text)
        text_cell.font = font(10.5, bold=True, color="C00000") if kind == "strong" else font(10.5)
        text_cell.alignment = Alignment(vertical="top", wrap_text=True)
    page_setup(ws, landscape=False, title_rows="1:1")


# --- 基本情報 ------------------------------------------------------------------------


def make_info(wb: Workbook, rule: SheetRule) -> None:
    ws = wb.create_sheet(names.SURVEY_INFO)
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 52
    title(ws, "{年度}　調査票（{市町名}）", "{表題}\n提出期限：{提出期限}　提出先：{担当部署}", "B")
    header = TITLE_ROWS + 1
    for c, text in enumerate(("項目", "記入欄"), start=1):
        cell = put(ws, header, c, text)
        cell.font = font(11, bold=True)
        cell.fill = HEADER_FILL
        cell.border = BOX
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for r, col in enumerate(rule.columns, start=header + 1):
        label = put(ws, r, 1, col.header)
        label.font = font(11, bold=True)
        label.fill = HEADER_FILL
        label.border = BOX
        label.alignment = Alignment(vertical="center")
        value = ws.cell(row=r, column=2)
        value.border = BOX
        value.alignment = Alignment(vertical="center", horizontal="left", wrap_text=True)
        if col.input:
            value.fill = INPUT_FILL
            value.font = font(11)
        else:
            value.fill = LOCKED_FILL
            value.font = font(13, bold=True)
        if col.type == "date":
            value.number_format = DATE_FORMAT
        ws.row_dimensions[r].height = 24
    note = put(
        ws,
        header + len(rule.columns) + 2,
        1,
        "※ 黄色のセルに入力してください。記入のしかたはシート「記入要領」をご覧ください。",
    )
    note.font = font(10, color="404040")
    page_setup(ws, landscape=False, title_rows=None)


# --- 調査実績・取組 (Excel tables) ----------------------------------------------------


def make_table_sheet(
    wb: Workbook, rule: SheetRule, heading: str, subtitle: str, row_height: float
) -> None:
    ws = wb.create_sheet(rule.name)
    ncols = len(rule.columns)
    last = get_column_letter(ncols)
    title(ws, heading, subtitle, last)
    header = TITLE_ROWS + 1
    model = header + 1  # the style model of every data row
    for c, col in enumerate(rule.columns, start=1):
        ws.column_dimensions[get_column_letter(c)].width = col.width or 12
        # A column the reporter must fill says so in its header (the reader ignores the mark).
        required = col.required and col.input
        cell = put(ws, header, c, col.header + (REQUIRED_MARK if required else ""))
        cell.font = font(10.5, bold=True, color="C00000" if required else None)
        cell.fill = HEADER_FILL
        cell.border = BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        data = ws.cell(row=model, column=c)
        data.border = BOX
        data.font = font(10.5)
        data.fill = INPUT_FILL if col.input else LOCKED_FILL
        if col.type == "number":
            data.number_format = "#,##0"
            data.alignment = Alignment(horizontal="right", vertical="center", indent=1)
        elif col.type == "date":
            data.number_format = DATE_FORMAT
            data.alignment = Alignment(horizontal="center", vertical="center")
        elif col.key in ("unit", "status", "measure"):
            data.alignment = Alignment(horizontal="center", vertical="center")
        else:
            data.alignment = Alignment(vertical="center", wrap_text=True)
    ws.row_dimensions[header].height = 30
    ws.row_dimensions[model].height = row_height
    table = Table(displayName=rule.table, ref=f"A{header}:{last}{model}")
    # No filter buttons: this is a form, not a list to sort.
    table.tableColumns = [
        TableColumn(id=i, name=ws.cell(row=header, column=i).value)
        for i in range(1, len(rule.columns) + 1)
    ]
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=False)
    ws.add_table(table)
    ws.freeze_panes = f"A{header + 1}"
    page_setup(ws, landscape=True, title_rows=f"1:{header}")


def make_meta(wb: Workbook, rule: SheetRule) -> None:
    ws = wb.create_sheet(names.SURVEY_META)
    put(ws, 1, 1, "key")
    put(ws, 1, 2, "value")
    for r, col in enumerate(rule.columns, start=2):
        put(ws, r, 1, col.header)
    put(ws, 1, 4, "projects")
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 30
    ws.column_dimensions["D"].width = 50
    ws.sheet_state = "hidden"


def main() -> Path:
    rules = survey_rules()
    wb = Workbook()
    wb.remove(wb.active)
    make_guide(wb)
    make_info(wb, rules[names.SURVEY_INFO])
    make_table_sheet(
        wb,
        rules[names.SURVEY_VALUES],
        "{年度}　調査実績（{市町名}）",
        "黄色のセルに{年度}の実績値（半角数字・単位不要）と状態を入力してください。"
        "集計中の項目は実績値を空欄にして状態を「集計中」に、該当しない項目は「該当なし」にしてください。",
        row_height=26,
    )
    make_table_sheet(
        wb,
        rules[names.SURVEY_INITIATIVES],
        "{年度}　主な取組（{市町名}）",
        "{年度}に実施した主な取組（成果）を1行に1件入力してください。"
        "日付は 2024/9/16 の形で入力します。行が足りない場合はシート「記入要領」をご覧ください。",
        row_height=36,
    )
    make_meta(wb, rules[names.SURVEY_META])
    wb.active = 0
    wb.save(OUT)
    return OUT


if __name__ == "__main__":
    print(f"wrote {main()}")
