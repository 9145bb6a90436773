"""The docs inside the project stay true: every command they name exists (or is marked
planned), every option docs/cli.md gives a command is in its help, and every link in the
README and docs/ resolves inside a clone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ekc.cli.app import app
from tests.support.cli import commands

ROOT = Path(__file__).resolve().parents[1]
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = [ROOT / "README.md", ROOT / "CHANGELOG.md", *DOCS]
PLANNED_MARK = "*(planned: not in this version yet)*"


COMMANDS = {path for path, _ in commands(groups=True)}
CLI_ROWS = [line for line in (ROOT / "docs/cli.md").read_text(encoding="utf-8").splitlines() if line.startswith("| `ekc ")]


def _path_of(words: list[str]) -> tuple[str, ...]:
    """The command path at the start of `ekc w1 w2 ...`: the longest known or planned prefix."""
    path: tuple[str, ...] = ()
    for word in words:
        if not re.fullmatch(r"[a-z][a-z-]*", word):
            break
        path = (*path, word)
    return path


def _planned() -> set[tuple[str, ...]]:
    return {_path_of(row.split("`")[1].split()[1:]) for row in CLI_ROWS if PLANNED_MARK in row}


def test_the_contracts_are_in_the_project():
    for name in ("data-format.md", "cli.md", "domain.md"):
        text = (ROOT / "docs" / name).read_text(encoding="utf-8")
        assert len(text) > 2000, name
    assert "MIT License" in (ROOT / "LICENSE").read_text()
    assert 'license = { text = "MIT" }' in (ROOT / "pyproject.toml").read_text()


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_command_named_exists_or_is_marked_planned(page):
    planned = _planned()
    text = page.read_text(encoding="utf-8")
    top_help = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "300"}).stdout
    for span in re.findall(r"`(ekc [^`]+)`", text) + re.findall(r"^\$ (ekc .+)$", text, re.M):
        words = span.split()[1:]
        if words and not re.match(r"[a-z\-\[]", words[0]):
            continue  # what ekc prints (`ekc X.Y.Z`), not a command line
        if not words or words[0].startswith(("-", "[")) and not _path_of([w for w in words if re.fullmatch(r"[a-z][a-z-]*", w)][:1]):
            # `ekc --version`, `ekc [--data DIR] ... COMMAND`: the global options
            for option in re.findall(r"--[a-z][a-z-]*", span):
                assert option in top_help, f"{page.name}: `{span}`: {option} is not an option of ekc"
            continue
        while words and words[0].startswith("-"):  # global options: --data DIR, --today D
            words = words[2:] if words[0] in ("--data", "--today") else words[1:]
        path = _path_of(words)
        while path and path not in COMMANDS and path not in planned:
            path = path[:-1]  # `ekc match EKC-...`: the rest are arguments
        assert path, f"{page.name}: `{span}` names no ekc command"


def test_a_planned_command_that_exists_loses_its_mark():
    assert not (_planned() & COMMANDS), "remove the planned mark in docs/cli.md"


@pytest.mark.parametrize("row", [r for r in CLI_ROWS if PLANNED_MARK not in r], ids=lambda r: r.split("`")[1].split("[")[0].strip())
def test_every_option_in_the_command_table_is_in_the_commands_help(row):
    usage = row.split("`")[1]
    path = _path_of(usage.split()[1:])
    while path not in COMMANDS:
        path = path[:-1]
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    for option in sorted(set(re.findall(r"--[a-z][a-z-]*", usage))):
        assert option in result.stdout, f"ekc {' '.join(path)}: {option} is in docs/cli.md but not in its help"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_resolves_inside_the_clone(page):
    text = page.read_text(encoding="utf-8")
    assert "shared/design" not in text
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue
        resolved = (page.parent / target.split("#")[0]).resolve()
        assert resolved.exists(), f"{page.name}: {target}"
        assert ROOT in resolved.parents or resolved == ROOT, f"{page.name}: {target} leaves the project"
