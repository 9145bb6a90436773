"""The command tree of `ekc`, for the tests that go over every command."""

from __future__ import annotations

from typing import Any

import typer

from ekc.cli.app import app


def commands(groups: bool = False) -> list[tuple[tuple[str, ...], Any]]:
    """(path of names, command) of every command, in name order; with `groups`, every group
    (`case`, `budget`...) too. typer vendors its own click, so a group is known by its
    `commands`."""

    def walk(group, prefix: tuple[str, ...]):
        for name, command in sorted(group.commands.items()):
            path = (*prefix, name)
            if hasattr(command, "commands"):
                if groups:
                    yield path, command
                yield from walk(command, path)
            else:
                yield path, command

    return list(walk(typer.main.get_command(app), ()))


def ok(result):
    """The result of a command that must succeed; its output in the failure if it did not."""
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result
