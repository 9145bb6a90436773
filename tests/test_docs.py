"""Every command has help, and the README shows every command a user can type."""

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from ekc.cli.app import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands(group, prefix=()):
    for name, command in sorted(group.commands.items()):
        path = (*prefix, name)
        if hasattr(command, "commands"):  # a group (typer vendors its own click)
            yield from _commands(command, path)
        else:
            yield path


COMMANDS = list(_commands(typer.main.get_command(app)))


def test_the_command_list_is_complete():
    assert set(COMMANDS) >= {
        ("validate",), ("match",), ("purge",), ("report",), ("init",), ("schema",),
        ("case", "new"), ("case", "list"), ("case", "show"), ("case", "advance"), ("case", "assign"),
        ("budget", "check"), ("budget", "invoice"), ("hook", "pre-receive"),
    }


@pytest.mark.parametrize("path", COMMANDS, ids=[" ".join(p) for p in COMMANDS])
def test_every_command_has_help(path):
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.stdout
    docstring = result.stdout.split("Options", 1)[0].split("\n", 2)[-1].strip()
    assert len(docstring) > 20, f"ekc {' '.join(path)} has no help text"


@pytest.mark.parametrize("path", COMMANDS, ids=[" ".join(p) for p in COMMANDS])
def test_the_readme_shows_every_command(path):
    assert f"ekc {' '.join(path)}" in README
