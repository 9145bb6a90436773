"""The `ekc` command: global options, the command families, and the one error boundary."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import typer
from typer.core import TyperGroup

from ekc.cli.case import case_app
from ekc.cli.context import AppContext
from ekc.cli.match import match_command
from ekc.cli.report import report_command
from ekc.cli.hook import hook_app
from ekc.cli.init import init_command
from ekc.cli.schema import schema_command
from ekc.cli.budget import budget_app
from ekc.cli.purge import purge_command
from ekc.cli.validate import validate_command
from ekc.cli.sync import sync_command

class _ErrorBoundary(TyperGroup):
    """The one place that turns a user-caused failure into a line on stderr and an exit code.

    It sits in the command group, not in main(), so CliRunner tests cross it too.
    """

    def invoke(self, ctx):
        from ekc.core.errors import EkcError

        try:
            return super().invoke(ctx)
        except EkcError as exc:
            typer.echo(f"ekc: {exc.message}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            typer.echo("ekc: interrupted", err=True)
            quiet_destructors()
            raise typer.Exit(130) from None
        except OSError as exc:
            # a read-only folder, a full disk, a name that is not a folder: words, not a traceback
            from ekc.core.errors import file_problem

            typer.echo(f"ekc: {file_problem(exc).message}", err=True)
            raise typer.Exit(1) from None


app = typer.Typer(
    name="ekc",
    cls=_ErrorBoundary,
    help="Eigen Kracht-conferenties: cases, coordinators, budgets, research figures and the purge of personal data, over a git repository of YAML files.",
    no_args_is_help=True,
    # `ekc --install-completion` / `--show-completion`: typer's own, for bash, zsh, fish, PowerShell
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _print_version(value: bool) -> None:
    if value:
        from ekc import __version__

        typer.echo(f"ekc {__version__}")
        raise typer.Exit(0)


def _parse_today(value: str | None) -> date:
    if value is None:
        return date.today()
    from ekc.core.dates import parse_date

    try:
        return parse_date(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD") from None


@app.callback()
def main_options(
    ctx: typer.Context,
    data: Path | None = typer.Option(None, "--data", envvar="EKC_DATA", help="The data repository (default: the first folder upwards holding municipalities.yaml).", file_okay=False),
    today: str | None = typer.Option(None, "--today", envvar="EKC_TODAY", metavar="YYYY-MM-DD", help="The date every date-dependent decision uses (default: the real date)."),
    version: bool = typer.Option(False, "--version", help="Print `ekc X.Y.Z` and exit.", callback=_print_version, is_eager=True),
) -> None:
    ctx.obj = AppContext(data_dir=data, today=_parse_today(today))
    _warn_if_stale(ctx, data)


# commands that deal with purged data themselves, or run where no clone is
_NO_STALE_WARNING = {"sync", "hook", "init", "schema", "purge"}


def _warn_if_stale(ctx: typer.Context, data: Path | None) -> None:
    """The one place every command learns that this clone still holds purged data: one
    line on stderr, once a command. Cheap: only when purge-log.yaml logs ids, one
    `git cat-file --batch-check` over them."""
    if ctx.invoked_subcommand in _NO_STALE_WARNING or ctx.resilient_parsing:
        return
    from ekc.store.files import find_data_root
    from ekc.sync.stale import warning

    root = data if data is not None else find_data_root(Path.cwd())
    if root is None:
        return
    said = warning(Path(root))
    if said:
        typer.echo(f"ekc: {said}", err=True)


app.command("validate")(validate_command)
app.command("report")(report_command)
app.add_typer(hook_app, name="hook")
app.command("schema")(schema_command)
app.command("init")(init_command)
app.add_typer(case_app, name="case")
app.command("match")(match_command)
app.add_typer(budget_app, name="budget")
app.command("purge")(purge_command)
app.command("sync")(sync_command)


def quiet_destructors() -> None:
    """After a Ctrl-C the command's process ends. An object the interrupt caught half-built
    (GitPython's config reader, between two lines of its __init__) then fails in its __del__
    as the process exits, and Python prints that as a traceback under "ekc: interrupted".
    Only in the command's own process: under CliRunner the tests' process goes on."""
    import ekc

    if getattr(ekc, "ONE_COMMAND_PROCESS", False):
        sys.unraisablehook = lambda unraisable: None


def main() -> None:
    import signal

    import ekc

    ekc.ONE_COMMAND_PROCESS = True

    # ekc/__init__.py made a Ctrl-C during start-up a quiet exit 130; from here on the
    # error boundary and the write path handle it
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        app()
    except KeyboardInterrupt:  # after the boundary: typer's own start and end
        sys.stderr.write("ekc: interrupted\n")
        quiet_destructors()
        raise SystemExit(130) from None
