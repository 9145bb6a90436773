"""`ekc validate`."""

from __future__ import annotations

from enum import Enum

import typer

from ekc.cli.context import app_context


class OutputFormat(str, Enum):
    text = "text"
    json = "json"
    github = "github"


def validate_command(
    ctx: typer.Context,
    output_format: OutputFormat = typer.Option(OutputFormat.text, "--format", help="text for people, json for scripts, github for Actions annotations."),
    as_json: bool = typer.Option(False, "--json", help="Shorthand for --format json."),
    history: str | None = typer.Option(None, "--history", metavar="A..B", help="Also check every commit in the range for purged paths and for personal data in case.yaml."),
    purge_log_from: str | None = typer.Option(None, "--purge-log-from", metavar="REV", help="With --history: also read purge-log.yaml from REV (in CI: the server's default branch, fetched from the server, never the pushed copy)."),
    strict: bool = typer.Option(False, "--strict", help="Fail on warnings too."),
    files: list[str] | None = typer.Argument(None, help="Files named by a hook; the whole repository is still checked, so cross-file rules hold, but only findings in these files are shown.", show_default=False),
) -> None:
    """Check every file against DATA-FORMAT.md and the rules between files."""
    from ekc.cli import output as render
    from ekc.validate.pipeline import validate

    output_format = OutputFormat(render.chosen_format(output_format, as_json))
    app = app_context(ctx)
    root = app.root
    with render.progress("checking every file"):
        report = validate(root, app.today)
    if history:
        from ekc.guard.history_check import check_history

        with render.progress(f"checking the commits of {history}"):
            report.findings.extend(check_history(root, history, purge_log_from))
    if files:
        report = _only(report, root, files)
    if output_format is OutputFormat.json:
        typer.echo(render.report_json(report, strict))
    elif output_format is OutputFormat.github:
        for finding in report.findings:
            typer.echo(render.github_line(finding))
        typer.echo(render.summary(report), err=True)
    else:
        for finding in report.findings:
            typer.echo(render.text_line(finding))
        typer.echo(render.summary(report))
    raise typer.Exit(report.exit_code(strict))


def _only(report, root, files: list[str]):
    from pathlib import Path

    from ekc.core.findings import Report

    wanted = set()
    for name in files:
        path = Path(name)
        absolute = path if path.is_absolute() else Path.cwd() / path
        try:
            wanted.add(absolute.resolve().relative_to(root).as_posix())
        except ValueError:
            wanted.add(name)
    return Report([f for f in report.findings if f.path in wanted], report.files_checked)
