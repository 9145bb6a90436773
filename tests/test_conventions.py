"""CLI.md "Everywhere": --version, -h, completion, --format with --json as its shorthand on
every command that prints data, data on stdout and confirmations on stderr, and progress
only for a person at a terminal."""

from __future__ import annotations

import io
import json

import pytest
from typer.testing import CliRunner

import ekc
from ekc.cli import output
from ekc.cli.app import app
from tests.support.cli import commands
from tests.support.store import StoreBuilder, closed_case, coordinator, registered_case

runner = CliRunner()

# Every command that prints data, with the arguments it needs on the store below.
DATA_COMMANDS = {
    ("validate",): [],
    ("case", "list"): [],
    ("case", "show"): ["EKC-2024-AB12C"],
    ("match",): ["EKC-2024-AB12C"],
    ("budget", "check"): ["--year", "2024"],
    ("budget", "invoice"): ["--municipality", "GM0439", "--period", "2024-02"],
    ("report",): ["--year", "2024"],
}


COMMANDS = dict(commands())


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    store = StoreBuilder(tmp_path_factory.mktemp("conventions") / "data")
    store.with_case(closed_case())
    store.with_case(registered_case())
    return store.write()


def run(root, *args):
    return runner.invoke(app, ["--data", str(root), "--today", "2024-10-01", *args])


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout == f"ekc {ekc.__version__}\n"


@pytest.mark.parametrize("path", [(), ("case",), ("budget", "invoice"), ("report",)], ids=lambda p: " ".join(p) or "ekc")
def test_dash_h_is_help(path):
    short, long = runner.invoke(app, [*path, "-h"]), runner.invoke(app, [*path, "--help"])
    assert short.exit_code == long.exit_code == 0
    assert short.stdout == long.stdout and "Usage:" in short.stdout


def test_shell_completion_is_offered():
    text = runner.invoke(app, ["--help"]).stdout
    assert "--install-completion" in text and "--show-completion" in text


def test_every_command_with_format_or_json_has_both():
    for path, command in COMMANDS.items():
        options = {opt for param in command.params for opt in getattr(param, "opts", [])}
        if "--json" in options or "--format" in options:
            assert {"--json", "--format"} <= options, " ".join(path)
            enum = next(p.type_descriptor.annotation for p in command.params if "--format" in getattr(p, "opts", []))
            assert {"text", "json"} <= {member.value for member in enum}, " ".join(path)


def test_the_data_commands_are_the_ones_with_format():
    with_format = {path for path, command in COMMANDS.items()
                   if any("--format" in getattr(p, "opts", []) for p in command.params)}
    assert with_format == set(DATA_COMMANDS), with_format ^ set(DATA_COMMANDS)


@pytest.mark.parametrize("path", list(DATA_COMMANDS), ids=lambda p: " ".join(p))
def test_json_is_the_shorthand_for_format_json(data, path):
    args = [*path, *DATA_COMMANDS[path]]
    shorthand, long = run(data, *args, "--json"), run(data, *args, "--format", "json")
    assert shorthand.exit_code == long.exit_code, shorthand.stderr
    assert shorthand.exit_code in (0, 1), shorthand.stderr  # 1: a check that failed, still reported
    assert shorthand.stdout == long.stdout
    assert isinstance(json.loads(shorthand.stdout), dict)  # one JSON document, nothing else on stdout
    text = run(data, *args)
    assert text.exit_code == shorthand.exit_code and text.stdout.strip() and not text.stdout.lstrip().startswith("{")


@pytest.mark.parametrize("path, other", [(("budget", "invoice"), "csv"), (("report",), "html")], ids=["invoice", "report"])
def test_json_with_another_format_is_a_usage_error(data, path, other):
    result = run(data, *path, *DATA_COMMANDS[path], "--json", "--format", other)
    assert result.exit_code == 2 and "choose one" in result.stderr and result.stdout == ""


def test_validate_json_with_github_is_a_usage_error(data):
    result = run(data, "validate", "--json", "--format", "github")
    assert result.exit_code == 2 and "choose one" in result.stderr


def test_the_json_writer_is_shared():
    """One writer: indented, UTF-8 as it is."""
    assert output.json_text({"naam": "coördinator"}) == '{\n  "naam": "coördinator"\n}'


# --- stdout for data, stderr for confirmations ------------------------------------------


def test_case_new_prints_the_id_on_stdout_and_the_confirmation_on_stderr(data, tmp_path):
    import shutil

    from tests.support.git import commit_all, init_repo

    root = tmp_path / "data"
    shutil.copytree(data, root)
    init_repo(root)
    commit_all(root, "data")
    new = run(root, "case", "new", "--municipality", "GM0439", "--variant", "family", "--referrer", "self",
              "--no-minors", "--no-conditions", "--professional-help", "none", "--reason", "parenting", "--date", "2024-09-30")
    assert new.exit_code == 0, new.stderr
    case_id = new.stdout.strip()
    assert case_id.startswith("EKC-2024-") and "\n" not in case_id
    assert f"registered {case_id}" in new.stderr
    ok = run(root, "case", "assign", case_id, "C-0042", "--force", "a test")
    assert ok.stdout == "" and case_id in ok.stderr


# --- progress --------------------------------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_shown_on_a_terminal(monkeypatch):
    monkeypatch.delenv("TERM", raising=False)
    stream = _Terminal()
    with output.progress("checking every file", total=3, stream=stream) as bar:
        for _ in range(3):
            bar.advance()
    assert "checking every file" in stream.getvalue()


def test_no_progress_without_a_terminal():
    stream = io.StringIO()
    with output.progress("checking every file", total=3, stream=stream) as bar:
        bar.advance()
        bar.update(description="other")
    assert stream.getvalue() == ""
    assert output.progress_wanted(stream) is False


def test_validate_shows_progress_on_a_terminal_stderr_only(data, monkeypatch):
    """The wiring: validate and validate --history run inside the helper, on stderr."""
    seen = []

    class Recording(output.progress):
        def __enter__(self):
            seen.append(self.description)
            return super().__enter__()

    monkeypatch.setattr(output, "progress", Recording)
    result = run(data, "validate")
    assert seen == ["checking every file"]
    assert "checking" not in result.stdout and "checking" not in result.stderr  # not a terminal: nothing shown
