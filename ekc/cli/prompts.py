"""Asking a person at a terminal: Dutch labels, numbered choices, each answer checked at once.

Prompts go to stderr so stdout keeps only the result (`case new` prints the new id there).
Answers are read with `sys.stdin.readline`, not click's prompt: click turns Ctrl-C into
"Aborted!" and exit 1, while CLI.md wants Ctrl-C to reach the error boundary (exit 130,
nothing written: every command asks everything before it writes anything).
"""

from __future__ import annotations

import sys
from typing import Any, Callable, Sequence

import typer

from ekc.core import dutch_input
from ekc.core.dutch_input import InputProblem
from ekc.core.errors import UsageProblem


def interactive() -> bool:
    """Prompt only when a person is at a terminal; a script gets an error instead."""
    return sys.stdin.isatty()


def say(text: str = "") -> None:
    typer.echo(text, err=True)


def _read(label: str) -> str:
    sys.stderr.write(label)
    sys.stderr.flush()
    line = sys.stdin.readline()
    if line == "":
        raise UsageProblem("no answer (input ended); nothing was changed")
    return line.rstrip("\r\n")


def ask(label: str, parse: Callable[[str], Any], default: str | None = None) -> Any:
    """Ask until `parse` accepts the answer; an empty answer takes `default` when there is one."""
    shown = f"{label} [{default}]: " if default is not None else f"{label}: "
    while True:
        answer = _read(shown).strip()
        if not answer and default is not None:
            answer = default
        if not answer:
            say("  an answer is needed")
            continue
        try:
            return parse(answer)
        except InputProblem as problem:
            say(f"  {problem.message}")


def ask_choice(label: str, vocabulary: str, codes: Sequence[str] | None = None, default: str | None = None, several: bool = False):
    codes = tuple(codes) if codes is not None else tuple(dutch_input.DUTCH_NAMES[vocabulary])
    say(f"{label}:")
    for line in dutch_input.numbered_list(codes, vocabulary):
        say(line)
    hint = "number(s), code or Dutch name, separated by commas" if several else "number, code or Dutch name"
    if several:
        return ask(f"  ({hint})", lambda text: dutch_input.choices(text, vocabulary, codes, numbered=True), default)
    return ask(f"  ({hint})", lambda text: dutch_input.choice(text, vocabulary, codes, numbered=True), default)


def ask_yes_no(label: str, default: bool | None = None) -> bool:
    shown = None if default is None else ("j" if default else "n")
    return ask(f"{label} (j/n)", dutch_input.parse_yes_no, shown)


def confirm(summary: Sequence[str], question: str = "Opslaan?") -> bool:
    say("")
    for line in summary:
        say(f"  {line}")
    return ask_yes_no(question, True)


def option(name: str, parse: Callable[[str], Any], text: str | None) -> Any:
    """An option's value parsed the Dutch way; a bad one is a usage error (exit 2) naming the option."""
    if text is None:
        return None
    try:
        return parse(text)
    except InputProblem as problem:
        raise UsageProblem(f"{name}: {problem.message}") from None
