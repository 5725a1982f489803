"""Japanese for the parts of Typer's help and errors that are not ours.

Typer (and the click it vendors) print a few fixed English words: panel titles,
"Usage:", the --help option's help. Clerks read these, so they are replaced
here, once, when the CLI starts.
"""

from __future__ import annotations


def install() -> None:
    import typer.rich_utils as ru
    from typer._click import formatting

    ru.ARGUMENTS_PANEL_TITLE = "引数"
    ru.OPTIONS_PANEL_TITLE = "オプション"
    ru.COMMANDS_PANEL_TITLE = "コマンド"
    ru.ERRORS_PANEL_TITLE = "エラー"
    ru.REQUIRED_LONG_STRING = "[必須]"
    ru.DEFAULT_STRING = "[既定: {}]"
    ru.ENVVAR_STRING = "[環境変数: {}]"
    ru.DEPRECATED_STRING = "(廃止予定) "

    original = formatting.HelpFormatter.write_usage
    if getattr(original, "_sorachi", False):
        return

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        original(self, prog, args, "使い方: " if prefix is None else prefix)

    write_usage._sorachi = True  # type: ignore[attr-defined]
    formatting.HelpFormatter.write_usage = write_usage
