"""The `sorachi-etl` command: a thin Typer layer over `sorachi_etl.api`.

Only this package imports Typer and Rich. Each command lives in a module of
the same shape: its options, then a function that declares them with its help
and examples, calls the library once (`common.run` turns an error into a line
and an exit code), hands the result to `render/<command>.py` to print, and
returns the exit code. Heavy libraries are imported inside the command functions.
"""

from __future__ import annotations

import typer

from sorachi_etl.cli import i18n

i18n.install()

app = typer.Typer(
    name="sorachi-etl",
    help=(
        "市町から回収した調査票（Excel）を点検・集約し、評価指標（KPI）一覧を作成します。\n\n"
        "はじめての方は [bold]sorachi-etl demo[/] で一連の流れを試せます。"
    ),
    no_args_is_help=True,
    rich_markup_mode="rich",
    add_completion=False,
    options_metavar=i18n.OPTIONS_METAVAR,
    subcommand_metavar=i18n.SUBCOMMAND_METAVAR,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)

from sorachi_etl.cli import (  # noqa: E402  (each module registers its command)
    common,
    demo,
    init,
    merge,
    publish,
    report,
    status,
    template,
    validate,
)

for module in (init, template, validate, merge, status, report, publish, demo):
    module.register(app)


@app.callback()
def _every_command(debug: common.DebugOption = False) -> None:
    # --debug is also taken before the command (`sorachi-etl --debug merge …`), where
    # people put it as often as after; each command takes it too.
    common.debug_every_command(debug)


# Commands that keep the objects of every file checked until they end.
_MANY_LIVE_OBJECTS = ("merge", "validate")


def main() -> None:
    """The console script: make the output streams safe, then run the app."""
    import gc
    import sys

    from sorachi_etl.cli.common import make_output_safe

    # The command: the first word that is not an option (--debug may come before it).
    command = next((arg for arg in sys.argv[1:] if not arg.startswith("-")), None)
    heavy = command in _MANY_LIVE_OBJECTS
    if heavy:
        # Checking many returns makes millions of objects that live until the command
        # ends: the cyclic collector would only walk them again and again (a tenth of
        # a second each time at 1,741 files). Not for the other commands: template
        # builds openpyxl workbooks, which hold reference cycles.
        gc.disable()
    # pandera imports hypothesis whenever it is installed (it is, with the test extras)
    # for data synthesis no command uses: 50 ms of every check. Tell it it is absent.
    sys.modules.setdefault("hypothesis", None)  # type: ignore[arg-type]
    make_output_safe()
    try:
        app()
    except SystemExit as done:
        if heavy and (done.code is None or isinstance(done.code, int)):
            _fast_exit(done.code or 0)
        raise
    finally:
        # Freezing spares the interpreter a last walk over every object at exit.
        gc.freeze()


def _fast_exit(code: int) -> None:
    """End the process now, its output flushed, without freeing every object one by one.

    After a large merge the interpreter would spend tens of milliseconds taking
    apart objects the system reclaims at once anyway (mypy's "fast exit" does the
    same). Only once the command is done: the master is saved and closed, the
    worker processes have stopped.
    """
    import contextlib
    import os
    import sys

    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (| head), a closed stream
            stream.flush()
    os._exit(code)
