"""Writers for findings: text for people and editors, JSON for scripts, GitHub annotations."""

from __future__ import annotations

import json
import contextlib
import contextvars
import os
import sys
import unicodedata

from ekc.core.findings import Finding, Report


def printable(value: str, keep: str = "") -> str:
    """Control characters written out (`\\n`, `\\x1b`): a key or name in a data file can hold
    them (YAML's "\\n" escapes), and printed raw they would forge a second finding line or
    send escape sequences to the terminal."""
    if value.isprintable():  # no Cc, no line or paragraph separator: nearly every value, at once
        return value
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


FINDING_KEYS = ("path", "line", "column", "severity", "code", "message")  # the JSON contract's order


def finding_json(finding: Finding) -> dict:
    return {key: getattr(finding, key) for key in FINDING_KEYS}


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


# -- tables that fit the terminal (CLI.md "Everywhere") ---------------------------------------
#
# One policy for every table: ids, codes, dates, amounts and statuses are never cut. At a
# terminal a table wider than the screen first moves the Dutch names (`plan (plan gemaakt)`)
# to a second line, then lets the free-text columns a command names (`wrap`) wrap, then
# leaves out whole columns in the order the command states (`drop`), and says which.
# `--wide` shows every column. Output that is not a terminal (a pipe, a file, a test) is
# never cut and never squeezed: it is as wide as the table, whatever COLUMNS says.

import re as _re

_DUTCH_CELL = _re.compile(r"^([a-z][a-z0-9_]*) (\([^()]+\))$")


def terminal_width(stream=None) -> int | None:
    """The terminal's width, or None when output is not a terminal (then nothing is cut)."""
    stream = stream or sys.stdout
    if not (hasattr(stream, "isatty") and stream.isatty()):
        return None
    import shutil

    return shutil.get_terminal_size((80, 24)).columns


def console(stream=None, width: int | None = None):
    """A rich console for tables and text: colour only at a terminal without NO_COLOR."""
    from rich.console import Console

    stream = stream or sys.stdout
    colour = use_colour(stream)
    return Console(file=stream, no_color=not colour, force_terminal=colour or None, highlight=False,
                   soft_wrap=False, width=width or terminal_width(stream) or 100_000)


def _widths(con, table) -> tuple[int, int]:
    from rich.measure import Measurement

    measured = Measurement.get(con, con.options.update_width(100_000), table)
    return measured.minimum, measured.maximum


def _cells(column) -> list:
    return column._cells  # rich keeps a column's cells on the column


def _dutch_to_second_line(table) -> bool:
    changed = False
    for column in table.columns:
        cells = _cells(column)
        for index, cell in enumerate(cells):
            if isinstance(cell, str):
                lines = cell.split("\n")
                moved = [_DUTCH_CELL.sub(r"\1\n\2", line) for line in lines]
                if moved != lines:
                    cells[index] = "\n".join(moved)
                    changed = True
    return changed


def _plain_lines(cell) -> list[str]:
    from rich.text import Text

    if isinstance(cell, Text):
        return cell.plain.split("\n")
    if isinstance(cell, str):
        try:
            return Text.from_markup(cell).plain.split("\n")
        except Exception:  # not markup after all: measured as typed
            return cell.split("\n")
    return [""]


def _column_sizes(column) -> tuple[int, int]:
    """(natural width, longest word) of a column, header included."""
    lines = [line for cell in [column.header, *_cells(column)] for line in _plain_lines(cell)]
    natural = max((len(line) for line in lines), default=0)
    word = max((len(w) for line in lines for w in line.split()), default=0)
    return natural, word


def fit_table(table, width: int | None, drop: tuple[str, ...] = (), wrap: tuple[str, ...] = (), wide: bool = False,
              con=None) -> tuple[object, list[str]]:
    """The table made to fit `width` (None: no limit), and the titles of the columns left out.

    Every column not named in `wrap` is printed whole (ids, codes, dates, amounts, statuses);
    a `wrap` column breaks between words only, never inside one (`EKC-2026-7SSJM` stays
    whole). When even that does not fit, columns go in the order of `drop`.
    """
    from rich.console import Console

    con = con or Console(width=100_000, no_color=True)
    for column in table.columns:
        column.no_wrap = str(column.header) not in wrap
        column.overflow = "fold" if not column.no_wrap else "ellipsis"
    if width is None or wide:
        return table, []
    dropped: list[str] = []
    squeezed = False
    while True:
        _, maximum = _widths(con, table)
        if maximum <= width:
            return table, dropped
        if not squeezed:
            squeezed = True
            if _dutch_to_second_line(table):
                continue
        sizes = [_column_sizes(c) for c in table.columns]
        extra = maximum - sum(natural for natural, _ in sizes)  # padding, borders
        fixed = sum(natural for (natural, _), c in zip(sizes, table.columns) if c.no_wrap)
        flexible = [(i, natural, word) for i, ((natural, word), c) in enumerate(zip(sizes, table.columns)) if not c.no_wrap]
        room = width - extra - fixed
        if flexible and room >= sum(word for _, _, word in flexible):
            spare = room - sum(word for _, _, word in flexible)
            wanted = sum(natural - word for _, natural, word in flexible) or 1
            for i, natural, word in flexible:
                table.columns[i].width = min(natural, word + spare * (natural - word) // wanted)
            if _settle(con, table, width, sizes, flexible):
                return table, dropped
        titles = [str(c.header) for c in table.columns]
        victim = next((t for t in drop if t in titles), None)
        if victim is None:
            return table, dropped  # nothing more may go: better too wide than cut
        table.columns.pop(titles.index(victim))
        for index, column in enumerate(table.columns):
            column._index = index  # rich pads the first and last column by their index
        dropped.append(victim)


def _settle(con, table, width: int, sizes, flexible) -> bool:
    """Rich shares out padding its own way: shrink the wrapping columns until every whole
    column gets its full width at `width`, or say it cannot be done (then a column goes)."""
    options = con.options.update_width(width)
    for _ in range(200):
        given = table._calculate_column_widths(con, options)
        short = sum(
            max(0, table._measure_column(con, con.options.update_width(100_000), c).maximum - got)
            for got, c in zip(given, table.columns) if c.no_wrap
        )
        if short == 0 and sum(given) <= width:
            return True
        shrinkable = [i for i, _, word in flexible if table.columns[i].width > word]
        if not shrinkable:
            return False
        for i in shrinkable:
            table.columns[i].width -= 1
    return False


_WIDE = contextvars.ContextVar("ekc_wide_tables", default=False)
WIDE_OPTION_HELP = "Show every column, even wider than the terminal."


@contextlib.contextmanager
def wide_tables(on: bool):
    """`--wide` of a command: every table it prints shows every column."""
    token = _WIDE.set(on)
    try:
        yield
    finally:
        _WIDE.reset(token)


def print_table(table, drop: tuple[str, ...] = (), wrap: tuple[str, ...] = (), wide: bool | None = None, con=None,
                width: int | None = None) -> list[str]:
    """Fit and print a table on stdout (see `fit_table`); a line after it names what was left out."""
    wide = _WIDE.get() if wide is None else wide
    target = width if width is not None else terminal_width()
    con = con or console()
    fitted, dropped = fit_table(table, target, drop, wrap, wide)
    _, natural = _widths(con, fitted)
    con.width = target if target is not None and not wide else max(natural, 1)
    con.print(fitted)
    if dropped:
        legend(f"left out to fit {target} columns: {', '.join(dropped)}; --wide shows them", con)
    return dropped


def legend(text: str, con=None, indent: int = 0) -> None:
    """A line under a table, wrapped at the terminal's width (never cut); whole when piped."""
    import textwrap

    target = terminal_width()
    pad = " " * indent
    lines = textwrap.wrap(text, width=max(target - indent, 20), subsequent_indent="  ", break_long_words=False,
                          break_on_hyphens=False) if target else [text]
    stream = con.file if con is not None else sys.stdout
    for line in lines:
        stream.write(pad + line + "\n")
    stream.flush()
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
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False)


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
