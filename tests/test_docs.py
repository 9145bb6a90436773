"""Every command has help, and the README shows every command a user can type."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from ekc.cli.app import app
from tests.support.cli import commands

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


COMMANDS = [path for path, _ in commands()]


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


PROJECT = Path(__file__).resolve().parents[1]


def _layout_block() -> str:
    return README.split("## Layout", 1)[1].split("```", 2)[1]


def test_the_readme_layout_names_every_package_and_nothing_else():
    named = {line.split()[0].rstrip("/") for line in _layout_block().splitlines() if line and not line[0].isspace()}
    packages = {
        str(init.parent.relative_to(PROJECT))
        for init in (PROJECT / "ekc").glob("*/__init__.py")
    }
    assert packages, "no packages found: the test would pass vacuously"
    assert {name for name in named if name.startswith("ekc/")} == packages
    assert {"bench", "tests"} <= named


def test_every_package_says_what_it_owns():
    for init in (PROJECT / "ekc").rglob("__init__.py"):
        text = init.read_text(encoding="utf-8").strip()
        assert text.startswith('"""') and len(text) > 60 and "TODO" not in text, f"{init.relative_to(PROJECT)} has no docstring"
