"""The documentation keeps up with the code: every command and setting is in README.md."""

from __future__ import annotations

import tomllib
from pathlib import Path

import click
import pytest

from kb.cli import cli
from kb.config import default_config_text

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "newskb") -> list[tuple[str, click.Command]]:
    """Every command under ``group``, recursively, by its full name ("newskb sources add")."""
    found = []
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        found.append((path, command))
        if isinstance(command, click.Group):
            found.extend(_commands(command, path))
    return found


COMMANDS = _commands(cli)


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[path for path, _ in COMMANDS])
def test_command_has_help_text(path, command):
    assert (command.help or "").strip(), f"{path} has no help text"


@pytest.mark.parametrize("path", [path for path, _ in COMMANDS])
def test_command_is_in_the_readme_cli_reference(path):
    assert f"\n### {path}\n" in README, f"README.md has no '### {path}' section in the CLI reference"


def _settings_keys() -> list[str]:
    table = tomllib.loads(default_config_text())
    return [f"{section}.{key}" for section, values in table.items() for key in values]


@pytest.mark.parametrize("key", _settings_keys())
def test_setting_is_documented_in_the_readme(key):
    assert f"`{key}`" in README, f"README.md does not document the setting {key}"


def test_readme_gives_the_two_quick_start_commands():
    assert "make run" in README and "make test" in README
