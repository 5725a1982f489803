"""What every command shares: options defined once, the consoles, and error handling.

Results go to stdout, diagnostics to stderr. A `SorachiError` becomes
"エラー: …" and its exit code (1 for problems in the data, 2 for bad usage);
a traceback only with --debug.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console

from sorachi_etl.errors import SorachiError, UsageError

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

T = TypeVar("T")

MasterOption = Annotated[
    Path,
    typer.Option("--master", "-m", help="マスタブック（master.xlsx）のパス。", show_default=False),
]
YearOption = Annotated[
    str | None,
    typer.Option(
        "--year", "-y", help="実績の年度（例: R6、令和6年度、2024）。", show_default=False
    ),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="結果をJSONで出力します（他のシステム向け）。")
]
DebugOption = Annotated[
    bool,
    typer.Option(
        "--debug", help="問題の調査用に、エラーの詳細（トレースバック）を表示します。", hidden=True
    ),
]


def parse_year(text: str | None) -> int | None:
    """--year as a Gregorian fiscal year; a bad one is a usage error (exit 2)."""
    if text is None:
        return None
    from sorachi_etl.eras import EraError, parse_fiscal_year

    try:
        return parse_fiscal_year(text)
    except EraError as exc:
        raise UsageError(f"--year の指定が読めません: {exc}") from None


def existing(path: Path, what: str = "ファイル") -> Path:
    if not path.exists():
        raise UsageError(f"{what}「{path}」が見つかりません。パスを確認してください。")
    return path


@contextmanager
def handle_errors(debug: bool = False) -> Iterator[None]:
    """Turn the library's exceptions into a Japanese message and an exit code."""
    try:
        yield
    except SorachiError as exc:
        if debug:
            raise
        err_console.print(f"[bold red]エラー:[/] {exc}", markup=True, soft_wrap=True)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        err_console.print("中断しました。マスタは変更していません。")
        raise typer.Exit(130) from None
    except (typer.Exit, typer.Abort):
        raise
    except Exception as exc:
        if debug:
            raise
        err_console.print(
            "[bold red]エラー:[/] 予期しない問題が起きました。"
            "マスタは変更していません。--debug を付けて実行すると詳細が表示されます。",
            markup=True,
        )
        raise typer.Exit(1) from None


def run(fn: Callable[[], T], debug: bool = False) -> T:
    with handle_errors(debug):
        return fn()


def is_tty() -> bool:
    return sys.stdout.isatty()


PasswordOption = Annotated[
    str | None,
    typer.Option(
        "--password", help="パスワード付きの調査票を開くためのパスワード。", show_default=False
    ),
]
