"""Japanese for the parts of Typer's help and errors that are not ours.

Typer (and click, which it uses) print fixed English words: panel
titles, "Usage:", the --help option's help, type names such as <bool>, the
usage errors ("Missing option", "No such command", …) and "Try '… -h' for
help.". Clerks read these, so they are replaced here, once, when the CLI starts:
module constants are set, a few small methods are wrapped, and the usage error
is reworded from the exception's own fields just before Typer prints it.

Only public modules are imported: click's classes are reached through Typer's
(`typer.Context.formatter_class`, the bases of `typer.core.TyperCommand`) and its
exceptions are told apart by class name, so the same code serves Typer 0.29, which
vendors click as a private module, and older Typer over the click package.
"""

from __future__ import annotations

import re
from typing import Any

HELP_OPTION_HELP = "このヘルプを表示して終了します。"
OPTIONS_METAVAR = "[オプション]"
SUBCOMMAND_METAVAR = "コマンド [引数]..."


def install() -> None:
    """Put the Japanese in place; safe to call more than once.

    typer.rich_utils (with Rich's markdown parser) costs ~40 ms to import and
    Typer imports it only to print help or an error, so its part is applied
    when, and only if, it is imported.
    """
    import sys

    _install_core()
    if "typer.rich_utils" in sys.modules:
        _install_rich(sys.modules["typer.rich_utils"])
    elif not any(isinstance(f, _RichUtilsHook) for f in sys.meta_path):
        sys.meta_path.insert(0, _RichUtilsHook())


class _RichUtilsHook:
    """An import hook that applies the Japanese to typer.rich_utils once it is loaded."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name != "typer.rich_utils":
            return None
        import importlib.machinery

        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return None
        loader = spec.loader
        original = loader.exec_module

        def exec_module(module: Any) -> None:
            original(module)
            _install_rich(module)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def _install_rich(ru: Any) -> None:
    """Panel titles and the rich error/text functions of typer.rich_utils."""
    if getattr(ru.rich_format_error, "_sorachi", False):
        return
    from rich.text import Text

    ru.ARGUMENTS_PANEL_TITLE = "引数"
    ru.OPTIONS_PANEL_TITLE = "オプション"
    ru.COMMANDS_PANEL_TITLE = "コマンド"
    ru.ERRORS_PANEL_TITLE = "エラー"
    ru.REQUIRED_LONG_STRING = "[必須]"
    ru.DEFAULT_STRING = "[既定: {}]"
    ru.ENVVAR_STRING = "[環境変数: {}]"
    ru.DEPRECATED_STRING = "(廃止予定) "
    ru.RICH_HELP = "使い方は [blue]{command_path} {help_option}[/] で確認できます。"
    ru.ABORTED_TEXT = "中断しました。"
    _patch_rich(ru, Text)


def _patch_rich(ru: Any, Text: Any) -> None:
    def rich_text(original):
        # Japanese has no spaces to wrap at: fold long help lines instead of cutting them "…".
        def _make_rich_text(*, text: str, style: str = "", markup_mode: Any):
            made = original(text=text, style=style, markup_mode=markup_mode)
            if isinstance(made, Text):
                made.overflow = "fold"
            return made

        return _make_rich_text

    def format_error(original):
        def rich_format_error(self) -> None:
            japanese = usage_error_message(self)
            self.format_message = lambda: japanese  # what the original prints
            original(self)

        return rich_format_error

    _patch(ru, "_make_rich_text", rich_text)
    _patch(ru, "rich_format_error", format_error)


def _patch(owner: Any, name: str, make: Any) -> None:
    wrapped = make(getattr(owner, name))
    wrapped._sorachi = True
    setattr(owner, name, wrapped)


def _install_core() -> None:
    """The usage line, the --help option and the type names, through public objects only.

    Typer vendors click (as a private module) since 0.26 and depended on the click
    package before: click's classes are reached through Typer's public ones instead
    of being imported, so the same code serves both.
    """
    import typer
    import typer.core as typer_core

    formatter = typer.Context.formatter_class  # click's HelpFormatter
    if getattr(formatter.write_usage, "_sorachi", False):
        return
    command = _in_mro(typer_core.TyperCommand, "Command")  # click's Command (and so Group)

    def write_usage(original):
        def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
            original(self, prog, args, "使い方: " if prefix is None else prefix)

        return write_usage

    def get_help_option(original):
        def get_help_option(self, ctx):
            option = original(self, ctx)
            if option is not None:
                option.help = HELP_OPTION_HELP
            return option

        return get_help_option

    def usage_pieces(original):
        # "{paths}..." (Typer 0.29) reads as if the braces were to be typed, and older
        # Typer drops the "...": show the name bare, and "..." where several may be given.
        def get_usage_pieces(self, ctx):
            name = self.metavar or self.name
            name = name if self.required else f"[{name}]"
            return [name + ("..." if self.nargs != 1 else "")]

        return get_usage_pieces

    _patch(formatter, "write_usage", write_usage)
    _patch(command, "get_help_option", get_help_option)
    _patch(typer_core.TyperArgument, "get_usage_pieces", usage_pieces)
    if hasattr(typer_core.TyperOption, "display_type_rich"):  # Typer 0.29 shows "<bool>" etc.
        _install_type_names(typer_core)


def _install_type_names(typer_core: Any) -> None:
    """Typer 0.29's type column: nothing for a flag, the metavar for an argument."""

    def option_type(original):
        # A flag takes no value: "<bool>" beside --json only puzzles a reader.
        def display_type_rich(self, ctx):
            return None if self.is_flag else original(self, ctx)

        return display_type_rich

    def argument_type(original):
        # An argument with a metavar ("フォルダ/ファイル") already says what to give.
        def display_type_rich(self, ctx):
            return None if self.metavar is not None else original(self, ctx)

        return display_type_rich

    _patch(typer_core.TyperOption, "display_type_rich", option_type)
    _patch(typer_core.TyperArgument, "display_type_rich", argument_type)


def _in_mro(cls: type, name: str) -> type:
    """The class called `name` among `cls` and its bases (click's, seen through Typer's)."""
    return next(c for c in cls.__mro__ if c.__name__ == name)


# --- usage errors ------------------------------------------------------------------------

# Messages click builds as plain text, without fields to build Japanese from.
_PATTERNS: list[tuple[re.Pattern[str], Any]] = [
    (
        re.compile(r"No such command '(?P<name>.*?)'\.(?: Did you mean (?P<hint>.*)\?)?", re.S),
        lambda m: f"「{m['name']}」というコマンドはありません。" + _did_you_mean(m["hint"]),
    ),
    (
        re.compile(r"Got unexpected extra argument(?:\(s\)|s)? \((?P<args>.*)\)", re.S),
        lambda m: f'余分な指定があります: {m["args"]}。空白を含むパスは "…" で囲んでください。',
    ),
    (re.compile(r"Missing command\."), lambda m: "コマンドを指定してください。"),
    (
        re.compile(r"Option '(?P<opt>.*?)' requires (?:an argument|\d+ arguments)\."),
        lambda m: f"オプション {m['opt']} の後に値を指定してください。",
    ),
    (
        re.compile(r"Option '(?P<opt>.*?)' does not take a value\."),
        lambda m: f"オプション {m['opt']} には値を付けられません。",
    ),
]


def usage_error_message(exc: Exception) -> str:
    """The Japanese for a usage error click raised (falling back to its own words)."""
    # click's exception classes are private to Typer (or another package's): known by name.
    kinds = {cls.__name__ for cls in type(exc).__mro__}
    param, ctx = getattr(exc, "param", None), getattr(exc, "ctx", None)
    if "MissingParameter" in kinds and param is not None:
        return _missing(param, ctx)
    if "NoSuchOption" in kinds:
        return f"オプション {exc.option_name} はありません。" + _did_you_mean(  # type: ignore[attr-defined]
            exc.possibilities or []  # type: ignore[attr-defined]
        )
    if "BadParameter" in kinds and param is not None:
        return _bad_value(param, exc.message, ctx)  # type: ignore[attr-defined]
    message = getattr(exc, "message", str(exc))
    for pattern, japanese in _PATTERNS:
        m = pattern.fullmatch(message.strip())
        if m:
            return japanese(m)
    return exc.format_message() if hasattr(exc, "format_message") else message


def _did_you_mean(hint: str | list[str] | None) -> str:
    names = re.findall(r"'([^']*)'", hint) if isinstance(hint, str) else list(hint or [])
    if not names:
        return ""
    return "または".join(f"「{n}」" for n in sorted(names)) + "のことですか？"


def _param_name(param: Any) -> str:
    """How a message names the parameter, ready for a particle: "オプション --year / -y "."""
    if param.param_type_name == "option":
        return "オプション " + " / ".join(param.opts) + " "
    return f"引数「{param.metavar or param.name}」"


def _choices(param: Any, ctx: Any) -> list[str]:
    """The values a choice parameter takes, as the user types them."""
    desc = getattr(param, "type_descriptor", None)  # Typer 0.29
    if desc is not None:
        choices = desc.choices if desc.is_choice else None
        case_sensitive = desc.case_sensitive
    else:  # click's Choice
        choices = getattr(param.type, "choices", None)
        case_sensitive = getattr(param.type, "case_sensitive", True)
    return [_choice_text(c, case_sensitive, ctx) for c in choices or ()]


def _choice_text(choice: Any, case_sensitive: bool, ctx: Any) -> str:
    """A choice as click compares it: an Enum by its value, normalised as the context says."""
    from enum import Enum

    text = str(choice.value) if isinstance(choice, Enum) else str(choice)
    normalize = getattr(ctx, "token_normalize_func", None)
    if normalize is not None:
        text = normalize(text)
    return text if case_sensitive else text.casefold()


def _missing(param: Any, ctx: Any) -> str:
    text = f"{_param_name(param)}を指定してください。"
    if param.param_type_name == "option" and param.metavar:
        text = f"{_param_name(param).rstrip()}（{param.metavar}）を指定してください。"
    choices = _choices(param, ctx)
    if choices:
        text += f"指定できる値: {'、'.join(choices)}。"
    return text


def _bad_value(param: Any, message: str, ctx: Any) -> str:
    choices = _choices(param, ctx)
    m = re.search(r"(?P<value>'.*'|\".*\") is not one of ", message, re.S)
    if choices and m:
        value = m["value"][1:-1]
        return (
            f"{_param_name(param)}に「{value}」は指定できません。"
            f"指定できる値: {'、'.join(choices)}。"
        )
    return f"{_param_name(param)}の値が正しくありません（{message}）。"
