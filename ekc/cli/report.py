"""`ekc report`: the yearly research figures, from case.yaml files and municipalities only."""

from __future__ import annotations

import sys
from enum import Enum

import typer

from ekc.cli.context import app_context
from ekc.cli.output import print_table


class ReportFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    html = "html"


def report_command(
    ctx: typer.Context,
    year: int = typer.Option(..., "--year", min=1900, max=9999, metavar="YYYY", help="The year the cases were closed in."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object: \"year\" and one key per figure (docs/report.md)."),
    output_format: ReportFormat = typer.Option(ReportFormat.text, "--format", help="text: tables for the terminal; markdown: for the annual report; html: one self-contained page with charts."),
    skip_invalid: bool = typer.Option(False, "--skip-invalid", help="Compute even though some case files have errors: those cases are left out, and counted on stderr."),
) -> None:
    """The yearly research figures (onderzoeksgegevens) of the cases closed in --year.

    Only case.yaml files and municipalities.yaml are used: no personal data, so the figures
    are the same before and after a purge. Markdown and HTML hide breakdown cells under 5.
    """
    if as_json and output_format is not ReportFormat.text:
        from ekc.core.errors import UsageProblem

        raise UsageProblem("--json and --format cannot be combined; choose one")
    from ekc.report import render as report_render
    from ekc.report import figures as research
    from ekc.store.loader import load

    app = app_context(ctx)
    loaded = load(app.root)
    invalid = _invalid(loaded.findings, year)
    if invalid and not skip_invalid:
        from ekc.core.errors import Refused

        first = invalid[0]
        raise Refused(
            f"{len(invalid)} file{'s' * (len(invalid) != 1)} the figures need {'have' if len(invalid) != 1 else 'has'} errors "
            f"(first: {first.path}:{first.line}:{first.column}: {first.message}); figures over them could be wrong. "
            "Fix them (see `ekc validate`) or pass --skip-invalid to leave them out"
        )
    if invalid:
        typer.echo(f"ekc: warning: left out {len(invalid)} file(s) with errors, starting with {invalid[0].path}", err=True)
    store = loaded.store
    left_out = {finding.path for finding in invalid}
    cases = (case_file.case for case_file in store.cases.values() if case_file.path not in left_out)
    report = research.compute(cases, store.municipalities, year)
    if not report["closed_cases"].value:
        typer.echo(f"ekc: no cases were closed in {year}", err=True)
    if as_json:
        import json

        typer.echo(json.dumps(report_render.report_json(report), indent=2, ensure_ascii=False))
    elif output_format is ReportFormat.markdown:
        typer.echo(report_render.markdown(report), nl=False)
    elif output_format is ReportFormat.html:
        typer.echo(report_render.html(report), nl=False)
    else:
        _print_tables(report)


def _invalid(findings, year: int) -> list:
    """Errors in the files the figures stand on, one per file: municipalities.yaml and every
    case.yaml registered up to `year` (a case closed in a year was registered in it or before;
    the folder says the registration year). personal.yaml is never among them."""
    seen: dict[str, object] = {}
    for finding in findings:
        if not finding.is_error or finding.path in seen:
            continue
        parts = finding.path.split("/")
        if finding.path == "municipalities.yaml" or (
            len(parts) == 4 and parts[0] == "cases" and parts[3] == "case.yaml" and (not parts[1].isdigit() or int(parts[1]) <= year)
        ):
            seen[finding.path] = finding
    return sorted(seen.values(), key=lambda f: f.sort_key())


def _print_tables(report) -> None:
    from rich.console import Console
    from rich.table import Table

    from ekc.cli.output import use_colour
    from ekc.report.render import basis_text, label, left_out_text, percent, sections, value_text
    from ekc.report.figures import Breakdown

    from ekc.cli.output import console as _console

    console = _console()
    closed = report["closed_cases"].value
    console.print(f"Research figures {report.year}: {closed} case{'s' * (closed != 1)} closed in {report.year}")
    for title, dutch, figures in sections(report):
        table = Table(title=f"{title} ({dutch})", title_justify="left", show_lines=False)
        table.add_column("figure")
        table.add_column("value", justify="right")
        table.add_column("based on")
        table.add_column("left out")
        for figure, result in figures:
            name = f"{figure.title} ({figure.dutch})"
            left_out = left_out_text(figure, result)
            if isinstance(result, Breakdown):
                table.add_row(name, "", basis_text(figure, result), left_out)
                for code, n in result.counts:
                    table.add_row(f"  {label(figure.key, code)}", percent(result.share(code)), basis_text(figure, result.share(code)), "")
            else:
                table.add_row(name, value_text(figure, result), basis_text(figure, result), left_out)
        print_table(table, drop=("left out",), wrap=("figure", "based on", "left out"), con=console)
