"""`ekc report`: the yearly research figures, from case.yaml files and municipalities only."""

from __future__ import annotations

import sys
from enum import Enum

import typer

from ekc.cli.context import app_context
from ekc.cli.output import WIDE_OPTION_HELP, print_table, wide_tables


class ReportFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    html = "html"
    json = "json"


class Lang(str, Enum):
    nl = "nl"
    en = "en"


def report_command(
    ctx: typer.Context,
    year: int = typer.Option(..., "--year", min=1900, max=9999, metavar="YYYY", help="The year the cases were closed in."),
    output_format: ReportFormat = typer.Option(ReportFormat.text, "--format", help="text: tables for the terminal; markdown and html: the annual report's edition (one self-contained page, with a print layout); json: one object, \"year\" and one key per figure (docs/report.md)."),
    as_json: bool = typer.Option(False, "--json", help="Shorthand for --format json."),
    lang: Lang = typer.Option(Lang.nl, "--lang", help="The language of the markdown and html edition: nl (Dutch, the default) or en."),
    skip_invalid: bool = typer.Option(False, "--skip-invalid", help="Compute even though some case files have errors: those cases are left out, and counted on stderr."),
    wide: bool = typer.Option(False, "--wide", help=WIDE_OPTION_HELP),
) -> None:
    """The yearly research figures (onderzoeksgegevens) of the cases closed in --year.

    Only case.yaml files and municipalities.yaml are used: no personal data, so the figures
    are the same before and after a purge. Markdown and HTML hide breakdown cells under 5,
    and end with a footer naming the date, the ekc version and the data's commit.
    """
    from ekc.cli.output import chosen_format, write_json
    from ekc.report import render as report_render
    from ekc.report.build import build_report, edition_for

    chosen = chosen_format(output_format, as_json)
    app = app_context(ctx)
    root = app.root
    built = build_report(root, year, skip_invalid)
    if built.left_out:
        typer.echo(f"ekc: warning: left out {len(built.left_out)} file(s) with errors, starting with {built.left_out[0].path}", err=True)
    report = built.report
    if not report["closed_cases"].value:
        typer.echo(f"ekc: no cases were closed in {year}", err=True)
    if chosen == "json":
        write_json(report_render.report_json(report))
    elif chosen in ("markdown", "html"):
        edition = edition_for(root, app.today, lang.value)
        render = report_render.markdown if chosen == "markdown" else report_render.html
        typer.echo(render(report, edition), nl=False)
    else:
        with wide_tables(wide):
            _print_tables(report)


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
