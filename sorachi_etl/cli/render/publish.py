"""What `publish` prints: the files of the report and what each is for, and its 注意."""

from __future__ import annotations

from sorachi_etl.cli.common import OutputConsole, print_json
from sorachi_etl.model.eras import format_fiscal_year, format_fiscal_year_long

# What each file is for, as the summary tells it.
PURPOSES = {"xlsx": "印刷用のExcelブック", "pdf": "PDF", "html": "ホームページ用のHTML"}


def print_publish(result, console: OutputConsole, *, as_json: bool) -> None:
    """The years, each file written and what it is for, then the warnings (or all as JSON)."""
    report = result.report
    if as_json:
        print_json(publish_data(result))
        return
    console.print(
        f"{report.year_text}の報告書を作成しました"
        f"（実績年: {format_fiscal_year_long(report.actual_year)}）",
        markup=False,
    )
    for kind, path in result.files.items():
        sheets = f"（{len(result.sheets)}シート）" if kind == "xlsx" else ""
        console.print(f"  {path}  … {PURPOSES[kind]}{sheets}", markup=False, soft_wrap=True)
    print_warnings(result.findings, console)


def publish_data(result) -> dict:
    """What `publish --json` prints: the years, the files by format, the sheets, the findings."""
    report = result.report
    return {
        "report_year": format_fiscal_year(report.report_year),
        "actual_year": format_fiscal_year(report.actual_year),
        "files": {kind: str(path) for kind, path in result.files.items()},
        "sheets": result.sheets,
        "findings": [f.to_dict() for f in result.findings],
    }


def print_warnings(findings, console: OutputConsole) -> None:
    """Each 注意 the publication raised, one line each (the message never read as markup)."""
    for f in findings:
        console.print("[yellow]注意:[/] ", end="")
        console.print(f.message, markup=False, soft_wrap=True)
