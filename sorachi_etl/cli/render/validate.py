"""What `validate` prints: each file's findings (or the JSON report), the copies annotated."""

from __future__ import annotations

from pathlib import Path

from sorachi_etl.cli.common import OutputConsole, err_console, print_json
from sorachi_etl.cli.render.checks import print_checks, print_traces


def print_validate(
    report, console: OutputConsole, *, as_json: bool, debug: bool, annotations, folder: Path | None
) -> None:
    """The report (as JSON with `as_json`), tracebacks with `debug`, then the copies made
    into `folder` (on stderr with `as_json`, so that stdout stays one JSON document)."""
    if as_json:
        print_json(report.to_dict())
    else:
        print_checks(report, console)
    print_traces(report, debug)
    if annotations is not None and folder is not None:
        print_annotated(report, annotations, folder, err_console if as_json else console)


def print_annotated(report, annotations, folder: Path, out: OutputConsole) -> None:
    """Which copies were written, and which faulty files got none and why."""
    from sorachi_etl.book.annotate import annotated_name, is_converted

    written = {p.name for p in annotations.written}
    for path in annotations.written:
        out.print(f"返送用のコピーを作りました: {path}", markup=False)
    for fr in report.files:
        if annotated_name(Path(fr.file)) in written and is_converted(Path(fr.file)):
            out.print(
                f"  （{fr.file} は .xlsx に変換してコピーを作りました。値・確認事項・"
                "赤いセルとコメントは付いていますが、書式や入力規則は引き継いでいません）",
                markup=False,
            )
    for name, reason in annotations.failed.items():
        out.print(
            f"{name} は返送用のコピーを作れませんでした（{reason}）。確認事項を別途伝えてください。",
            markup=False,
        )
    faulty = ("invalid", "partial")
    if not annotations.written and not any(f.status in faulty for f in report.files):
        out.print(f"要修正の調査票がないため、{folder} には何も作っていません。", markup=False)
