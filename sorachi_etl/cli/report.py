"""sorachi-etl report: the KPI list and its analysis, in the terminal or as md/csv/json."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from sorachi_etl.cli.common import (
    FILE,
    DebugOption,
    MasterOption,
    YearOption,
    console,
    parse_year,
    run,
)
from sorachi_etl.model.errors import UsageError


class Format(StrEnum):
    table = "table"
    md = "md"
    csv = "csv"
    json = "json"


# The format an --output file gets from its extension when --format is not given.
BY_SUFFIX = {".csv": Format.csv, ".md": Format.md, ".json": Format.json}
# Names Excel or LibreOffice opens as a workbook: never given to a text file.
WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"})
# CSV with a BOM: Japanese Excel then reads it as UTF-8 instead of Shift_JIS (no mojibake).
ENCODINGS = {Format.csv: "utf-8-sig", Format.md: "utf-8", Format.json: "utf-8"}

FormatOption = Annotated[
    Format | None,
    typer.Option(
        "--format",
        "-f",
        metavar="形式",
        help="出力形式: table（画面表示・既定）、md、csv、json。",
        show_default=False,
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar=FILE,
        help="一覧を画面でなくこのファイルに書き出します。形式は --format、"
        "なければ拡張子（.csv .md .json）で決まります。CSV は Excel でそのまま開けます。",
        show_default=False,
    ),
]


def report(
    master: MasterOption,
    year: YearOption = None,
    format: FormatOption = None,
    output: OutputOption = None,
    debug: DebugOption = False,
) -> None:
    """評価指標（KPI）一覧と分析を表示します。

    実績年は、指定がなければ値（確定・集計中）がある最新の年度です。

    [bold]例[/]

      sorachi-etl report --master master.xlsx

      sorachi-etl report --master master.xlsx --output 評価指標一覧.csv

      sorachi-etl report --master master.xlsx --year R5 --format md
    """
    from sorachi_etl.api import kpi_report, report_output
    from sorachi_etl.cli.render.report import print_report, report_text

    def compute():
        if output is not None:  # a wrong place is told before anything is computed
            report_output(output)
        return _format(format, output), kpi_report(master, year=parse_year(year))

    chosen, table = run(compute, debug)
    if output is not None:
        text = report_text(table, chosen)
        run(lambda: _write(report_output(output), text, chosen), debug)
    print_report(table, console, format=chosen, output=output)


def _format(format: Format | None, output: Path | None) -> Format:
    """--format, else the --output file's extension, else the terminal table."""
    if output is None:
        return format or Format.table
    if format is Format.table:
        raise UsageError("report_table_to_file")
    suffix = output.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:  # text under a workbook's name: Excel refuses to open it
        example = output.with_suffix(".csv").name
        raise UsageError("report_output_named_as_workbook", name=output.name, example=example)
    if format is None:
        format = BY_SUFFIX.get(suffix)
        if format is None:
            raise UsageError("report_unknown_suffix", name=output.name)
    elif suffix in BY_SUFFIX and BY_SUFFIX[suffix] is not format:  # JSON in 一覧.csv
        example = output.with_suffix(f".{format.value}").name
        raise UsageError(
            "report_suffix_not_format", name=output.name, format=format.value, example=example
        )
    return format


def _write(path: Path, text: str, format: Format) -> None:
    try:
        from sorachi_etl.model.paths import write_whole

        # the text already has the line ends it needs (CRLF in CSV, for Excel)
        data = text.encode(ENCODINGS[format])
        write_whole(path, lambda fh: fh.write(data))
    except FileNotFoundError:
        raise UsageError("folder_missing", path=path.parent) from None
    except PermissionError:
        raise UsageError("file_in_use", name=path) from None
    except OSError as exc:
        from sorachi_etl.model.paths import os_error_reason, os_error_to_usage

        known = os_error_to_usage(exc)
        if known is not None:
            raise known from None
        raise UsageError("file_write_failed", path=path, reason=os_error_reason(exc)) from None


def register(app: typer.Typer) -> None:
    app.command(no_args_is_help=True)(report)
