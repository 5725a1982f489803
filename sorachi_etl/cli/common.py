"""What every command shares: options defined once, the consoles, and error handling.

Results go to stdout, diagnostics to stderr. A `SorachiError` becomes
"エラー: …" and its exit code (1 for problems in the data, 2 for bad usage);
a traceback only with --debug.
"""

from __future__ import annotations

import codecs
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console, ConsoleDimensions
from rich.text import Text

from sorachi_etl.model.errors import SorachiError, UsageError

# How wide a table may be when output goes to a file or a pipe (its lines are not wrapped).
PIPE_WIDTH = 200


class OutputConsole(Console):
    """A Rich console that, writing to a file or a pipe, wraps no line.

    `report > 分析.txt` and `status | …` give text meant to be pasted into a
    document: a sentence or a figure ("7,487千人") broken at 80 columns is a
    mistake waiting to be copied. So when the stream is not a terminal (and no
    COLUMNS asks for a width), text is written one line per line, and tables are
    drawn at their own width (up to PIPE_WIDTH) instead of being squeezed. A
    terminal sees what it always saw. Decided at each print: tests and callers
    may swap the stream.
    """

    @property
    def piped(self) -> bool:
        """Writing to a file or a pipe, with no width asked for."""
        return not self.is_terminal and "COLUMNS" not in os.environ

    @property
    def size(self) -> ConsoleDimensions:
        size = Console.size.fget(self)  # type: ignore[attr-defined]
        return ConsoleDimensions(PIPE_WIDTH, size.height) if self.piped else size

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        Console.size.fset(self, new_size)  # type: ignore[attr-defined]

    @property
    def soft_wrap(self) -> bool:  # type: ignore[override]
        return self._soft_wrap or self.piped

    @soft_wrap.setter
    def soft_wrap(self, value: bool) -> None:
        self._soft_wrap = value


console = OutputConsole(highlight=False)
err_console = OutputConsole(stderr=True, highlight=False)

T = TypeVar("T")

# What the help shows in place of a type name such as <path> or <list[Path]>.
FILE = "ファイル"
FOLDER = "フォルダ"
PATHS = "フォルダ/ファイル"
YEAR = "年度"


def master_option(help: str) -> Any:
    """--master/-m: the master workbook (what it is for, in `help`)."""
    return typer.Option("--master", "-m", metavar=FILE, help=help, show_default=False)


def year_option(help: str) -> Any:
    """--year/-y: a fiscal year as a clerk writes it (which year, in `help`)."""
    return typer.Option("--year", "-y", metavar=YEAR, help=help, show_default=False)


def out_option(help: str) -> Any:
    """--out/-o: the folder a command writes into (and its default, in `help`)."""
    return typer.Option("--out", "-o", metavar=FOLDER, help=help, show_default=False)


MasterOption = Annotated[Path, master_option("マスタブック（master.xlsx）のパス。")]
YearOption = Annotated[str | None, year_option("実績の年度（例: R6、令和6年度、2024）。")]
JsonOption = Annotated[
    bool, typer.Option("--json", help="結果をJSONで出力します（他のシステム向け）。")
]
DebugOption = Annotated[
    bool,
    typer.Option(
        "--debug", help="問題の調査用に、エラーの詳細（トレースバック）を表示します。", hidden=True
    ),
]
ForceUnlockOption = Annotated[
    bool,
    typer.Option(
        "--force-unlock",
        help="Excel や LibreOffice が異常終了して残ったロックファイル"
        "（例: ~$master.xlsx、.~lock.master.xlsx#）や、途中で止まった取込のロックファイルを"
        "削除してから実行します。"
        "だれもマスタを開いていない・実行していないことを確かめてから使ってください。",
    ),
]
PasswordOption = Annotated[
    str | None,
    typer.Option(
        "--password",
        metavar="パスワード",
        help="パスワード付きの調査票（.xlsx・.xls）を開くためのパスワード。",
        show_default=False,
    ),
]


def paths_argument(help: str) -> Any:
    """The survey files or folders a command reads (one or more)."""
    return typer.Argument(metavar=PATHS, help=help, show_default=False)


def parse_year(text: str | None) -> int | None:
    """--year as a Gregorian fiscal year; a bad one is a usage error (exit 2)."""
    if text is None:
        return None
    from sorachi_etl.model.eras import EraError, parse_fiscal_year

    try:
        return parse_fiscal_year(text)
    except EraError as exc:
        raise UsageError("bad_year_option", reason=str(exc)) from None


def existing(path: Path, what: str = "ファイル") -> Path:
    if not path.exists():
        raise UsageError("path_not_found", what=what, path=path)
    return path


# --debug given before the command (`sorachi-etl --debug merge …`): the app's callback
# sets it on every run, so it holds for whichever command follows.
_debug_for_every_command = False


def debug_every_command(debug: bool) -> None:
    """Show tracebacks in whatever command runs next (the app-level --debug)."""
    global _debug_for_every_command
    _debug_for_every_command = debug


@contextmanager
def handle_errors(debug: bool = False) -> Iterator[None]:
    """Turn the library's exceptions into a Japanese message and an exit code."""
    debug = debug or _debug_for_every_command
    try:
        yield
    except SorachiError as exc:
        if debug:
            raise
        # the message quotes staff's cells: never read as Rich markup (「[/]」 crashed here)
        err_console.print(Text.assemble(("エラー:", "bold red"), f" {exc}"), soft_wrap=True)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        err_console.print("中断しました。マスタは変更していません。")
        raise typer.Exit(130) from None
    except (typer.Exit, typer.Abort):
        raise
    except Exception as exc:
        if debug:
            raise
        from sorachi_etl.model.paths import os_error_to_usage

        # a name too long for the drive, a full disk: said in a clerk's words
        known = os_error_to_usage(exc) if isinstance(exc, OSError) else None
        if known is not None:
            err_console.print(Text.assemble(("エラー:", "bold red"), f" {known}"), soft_wrap=True)
            raise typer.Exit(known.exit_code) from None
        err_console.print(
            "[bold red]エラー:[/] 予期しない問題が起きました。"
            "マスタは変更していません。--debug を付けて実行すると詳細が表示されます。",
            markup=True,
        )
        raise typer.Exit(1) from None


def print_notice(notice: Any) -> None:
    """A 注意 the library raised on the way (a lock taken over or removed), on stderr."""
    err_console.print(notice_text(notice.message), soft_wrap=True)


def notice_text(message: str) -> Text:
    """「注意: …」 with the message as it is: staff's text in it is never read as markup."""
    return Text.assemble(("注意:", "yellow"), f" {message}")


def run(fn: Callable[[], T], debug: bool = False) -> T:
    with handle_errors(debug):
        return fn()


def is_tty() -> bool:
    return sys.stdout.isatty()


def json_text(data: object) -> str:
    """JSON the same way for every command: Japanese as it is, dates as ISO text."""
    import json

    return json.dumps(data, ensure_ascii=False, indent=2, default=_json_default)


def print_json(data: object) -> None:
    """One JSON document on stdout (see `json_text`)."""
    typer.echo(json_text(data))


def _json_default(value: object) -> object:
    import datetime as dt

    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


# Characters our messages and data use that cp932 (Japanese Windows, when output is
# redirected to a file) lacks, and the look-alike it has. Anything else becomes "?".
LOOKALIKES = {
    "\u2014": "\u2015",  # — em dash (no value) → ― horizontal bar
    "\u2013": "-",  # – en dash
    "\u2212": "\uff0d",  # − minus sign → －
    "\u301c": "\uff5e",  # 〜 wave dash → ～
    "\u2016": "\u2225",  # ‖ → ∥
    "\u00a2": "\uffe0",  # ¢ → ￠
    "\u00a3": "\uffe1",  # £ → ￡
    "\u00ac": "\uffe2",  # ¬ → ￢
    "\u00a0": " ",  # no-break space
    "\u00b2": "2",  # m² → m2
    "\u00b3": "3",
    "\u00b5": "\u03bc",  # µ micro sign → μ
    "\u2265": "\u2267",  # ≥ → ≧
    "\u2264": "\u2266",  # ≤ → ≦
    "\u2713": "\u25cb",  # ✓ → ○
    "\u2714": "\u25cb",  # ✔ → ○
    "\u2717": "\u00d7",  # ✗ → ×
    "\u2718": "\u00d7",  # ✘ → ×
}
_ERRORS = "sorachi-lookalike"


def _lookalike(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    out = []
    for ch in exc.object[exc.start : exc.end]:
        alt = LOOKALIKES.get(ch, "?")
        try:
            alt.encode(exc.encoding)
        except UnicodeError:
            alt = "?"
        out.append(alt)
    return "".join(out), exc.end


def make_output_safe() -> None:
    """Never crash on a character the output encoding cannot hold.

    On Japanese Windows, output redirected to a file is cp932, which has no "—" or
    "✔": such a character is written as a look-alike (or "?") instead of stopping the
    command with a UnicodeEncodeError. A strict UTF-8 stream writes a file name that
    is not UTF-8 as its own bytes; otherwise UTF-8 streams are left as they are.
    """
    codecs.register_error(_ERRORS, _lookalike)
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None) or "utf-8"
        try:
            utf8 = codecs.lookup(encoding).name.startswith("utf")
        except LookupError:
            utf8 = False
        if not hasattr(stream, "reconfigure"):
            continue
        if not utf8:
            stream.reconfigure(errors=_ERRORS)
        elif getattr(stream, "errors", None) == "strict":
            # a file name that is not UTF-8 (Shift_JIS from a Windows zip) is held as lone
            # surrogates: printed as its own bytes, as `ls` does (Python's C-locale default)
            stream.reconfigure(errors="surrogateescape")


@contextmanager
def file_progress(label: str, *, enabled: bool = True) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr for long work over many files; silent when not a terminal.

    Yields the `progress(done, total)` callback the library calls after each file.
    """
    if not enabled or not err_console.is_terminal:
        yield lambda done, total: None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update
