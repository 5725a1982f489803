"""The README documents every option of every command, and nothing that is not there.

Commands and options are taken from the Typer app's click objects (typer.main.get_command,
Typer's documented way to them); each command has a section "### `sorachi-etl NAME`" in
the README's list of commands, naming each of its options, long and short.
"""

from __future__ import annotations

import re

import pytest
import typer.main

from sorachi_etl.cli import app
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def commands() -> dict[str, list[str]]:
    """Command name -> every option name it takes (long and short; hidden ones too)."""
    group = typer.main.get_command(app)
    out = {}
    for name, command in group.commands.items():
        names = []
        for param in command.params:
            if param.param_type_name == "option":
                names += [*param.opts, *param.secondary_opts]
        out[name] = names
    return out


def section(command: str) -> str:
    """The README's section on `command`, from its heading to the next heading."""
    match = re.search(rf"^### `sorachi-etl {command}`\n(.*?)(?=^##)", README, re.M | re.S)
    assert match, f"the README has no section ### `sorachi-etl {command}`"
    return match.group(1)


COMMANDS = commands()


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_option_of_every_command_is_in_the_readme(command):
    text = section(command)
    missing = [name for name in COMMANDS[command] if f"`{name}`" not in text]
    assert not missing, f"sorachi-etl {command}: not in the README: {missing}"


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_the_readme_names_no_option_a_command_lacks(command):
    named = set(re.findall(r"`(--?[a-z][a-z-]*)`", section(command)))
    assert named <= set(COMMANDS[command]) | {"--help", "-h"}, named - set(COMMANDS[command])


def test_options_the_issue_named_are_documented():
    for command, option in [
        ("init", "--force"),
        ("init", "--empty"),
        ("demo", "--out"),
        ("status", "--json"),
        ("merge", "--json"),
        ("merge", "--password"),
    ]:
        assert option in COMMANDS[command]
        assert f"`{option}`" in section(command)
