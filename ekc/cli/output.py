"""Writers for findings: text for people and editors, JSON for scripts, GitHub annotations."""

from __future__ import annotations

import json
import os
import sys
import unicodedata

from ekc.core.findings import Finding, Report


def printable(value: str, keep: str = "") -> str:
    """Control characters written out (`\\n`, `\\x1b`): a key or name in a data file can hold
    them (YAML's "\\n" escapes), and printed raw they would forge a second finding line or
    send escape sequences to the terminal."""
    return "".join(
        ch if ch in keep or not (unicodedata.category(ch) == "Cc" or ch in "\u2028\u2029") else ch.encode("unicode_escape").decode("ascii")
        for ch in value
    )


def location(finding: Finding) -> str:
    return f"{printable(finding.path)}:{finding.line}:{finding.column}"


def text_line(finding: Finding) -> str:
    """`path:line:column: error|warning: message [code]`, one a line: editors and CI jump there."""
    return f"{location(finding)}: {finding.severity}: {printable(finding.message)} [{finding.code}]"


def _escape_data(value: str) -> str:
    return printable(value, keep="\r\n").replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github_line(finding: Finding) -> str:
    command = "error" if finding.is_error else "warning"
    properties = ",".join(
        f"{key}={_escape_property(str(value))}"
        for key, value in (("file", finding.path), ("line", finding.line), ("col", finding.column), ("title", f"ekc {finding.code}"))
    )
    return f"::{command} {properties}::{_escape_data(finding.message)}"


def finding_json(finding: Finding) -> dict:
    return {
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "severity": finding.severity,
        "code": finding.code,
        "message": finding.message,
    }


def summary(report: Report) -> str:
    errors, warnings = len(report.errors), len(report.warnings)
    return f"{report.files_checked} files checked: {errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


def report_json(report: Report, strict: bool) -> str:
    return json_text(
        {
            "ok": report.exit_code(strict) == 0,
            "files_checked": report.files_checked,
            "errors": len(report.errors),
            "warnings": len(report.warnings),
            "findings": [finding_json(f) for f in report.findings],
        }
    )


def use_colour(stream=None) -> bool:
    stream = stream or sys.stdout
    return "NO_COLOR" not in os.environ and hasattr(stream, "isatty") and stream.isatty()


# --- --format and --json: one convention for every command that prints data ------------

FORMAT_HELP_JSON = "Shorthand for --format json."


def chosen_format(output_format, as_json: bool) -> str:
    """The format asked for: `--json` is `--format json`; asking for two at once is a usage
    error (exit 2), not a silent pick. `output_format` is an Enum member or a string."""
    from ekc.core.errors import UsageProblem

    name = getattr(output_format, "value", output_format)
    if as_json and name not in ("text", "json"):
        raise UsageProblem(f"--json and --format {name} ask for two formats; choose one")
    return "json" if as_json else name


def json_text(document) -> str:
    """The one JSON writer: indented, UTF-8 as it is (Dutch names), a newline at the end
    through echo. Every command's `--format json` goes through here."""
    return json.dumps(document, indent=2, ensure_ascii=False)


def write_json(document) -> None:
    """One JSON document on stdout and nothing else there (CLI.md "Everywhere")."""
    import typer

    typer.echo(json_text(document))


def confirm(message: str) -> None:
    """A confirmation ("registered ...", "created ..."): on stderr, so stdout holds data only."""
    import typer

    typer.echo(message, err=True)


# --- progress on stderr ---------------------------------------------------------------


class _NoProgress:
    def advance(self, steps: int = 1) -> None:
        pass

    def update(self, *, total: int | None = None, description: str | None = None) -> None:
        pass


class _RichProgress:
    def __init__(self, progress, task):
        self._progress, self._task = progress, task

    def advance(self, steps: int = 1) -> None:
        self._progress.advance(self._task, steps)

    def update(self, *, total: int | None = None, description: str | None = None) -> None:
        changes = {k: v for k, v in (("total", total), ("description", description)) if v is not None}
        self._progress.update(self._task, **changes)


def progress_wanted(stream=None) -> bool:
    """Progress only for a person watching: stderr a terminal. CI logs, pipes and tests get none."""
    stream = stream or sys.stderr
    return hasattr(stream, "isatty") and stream.isatty() and os.environ.get("TERM") != "dumb"


class progress:
    """`with progress("checking files", total=n) as bar: ... bar.advance()`: a rich progress
    bar on stderr when stderr is a terminal, nothing at all otherwise. `total=None` shows a
    spinner for work whose size is not known yet. Any long command can use it (validate,
    validate --history, purge, sync)."""

    def __init__(self, description: str, total: int | None = None, stream=None):
        self.description, self.total = description, total
        self.stream = stream or sys.stderr
        self._progress = None

    def __enter__(self):
        if not progress_wanted(self.stream):
            return _NoProgress()
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        console = Console(file=self.stream, no_color="NO_COLOR" in os.environ)
        self._progress = Progress(
            SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=console, transient=True,
        )
        self._progress.__enter__()
        return _RichProgress(self._progress, self._progress.add_task(self.description, total=self.total))

    def __exit__(self, *exc) -> None:
        if self._progress is not None:
            self._progress.__exit__(*exc)
