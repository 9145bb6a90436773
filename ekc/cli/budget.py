"""`ekc budget check` and `ekc budget invoice`: parse, call ekc/budget/check.py, render."""

from __future__ import annotations

import re
from enum import Enum
from pathlib import Path

import typer

from ekc.cli.context import app_context
from ekc.cli.output import WIDE_OPTION_HELP, print_table, wide_tables

budget_app = typer.Typer(
    name="budget",
    help="What each municipality funds (overeenkomst, begrote aantallen) against what was started; invoice lines without personal data.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

_CODE = re.compile(r"^GM\d{4}$")


class CheckFormat(str, Enum):
    text = "text"
    json = "json"


def _check_code(code: str) -> str:
    from ekc.core.errors import UsageProblem

    if not _CODE.match(code):
        raise UsageProblem(f"{code!r} is not a municipality code (GM and four digits, e.g. GM0439)")
    return code


@budget_app.command("check")
def check_command(
    ctx: typer.Context,
    year: int | None = typer.Option(None, "--year", metavar="Y", min=1, max=9999, help="Contracts whose period overlaps this year (default: the year of --today)."),
    municipality: str | None = typer.Option(None, "--municipality", metavar="CODE", help="Only this municipality (GM + 4 digits)."),
    output_format: CheckFormat = typer.Option(CheckFormat.text, "--format", help="text: a table for people; json: one document for scripts."),
    as_json: bool = typer.Option(False, "--json", help="Shorthand for --format json."),
    wide: bool = typer.Option(False, "--wide", help=WIDE_OPTION_HELP),
) -> None:
    """Per contract: starts and euros used against the budget, a projection to the period's end
    and a status: ok, near_limit (90%+ used or projected), under_use (projected under 75%
    with a quarter of the period gone), over_budget (exit 1). Starts without a covering
    contract are listed apart. Counted as of --today; the projection is the pace so far
    (used / days elapsed) times the days of the period."""
    from ekc.budget.check import check_document, check_repository
    from ekc.cli.output import chosen_format, write_json

    chosen = chosen_format(output_format, as_json)
    app = app_context(ctx)
    if municipality is not None:
        _check_code(municipality)
    result, store, unreadable = check_repository(app.root, app.today, year, municipality)
    _warn_unreadable(unreadable)
    if chosen == "json":
        write_json(check_document(result))
    else:
        with wide_tables(wide):
            _render_check(result, store.regions, store.municipalities)
    raise typer.Exit(1 if result.over_budget else 0)


def _warn_unreadable(missing: list[str]) -> None:
    """Figures without some cases are still worth seeing, but never silently."""
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        typer.echo(f"ekc: warning: {len(missing)} case file(s) cannot be read and are not counted: {shown}; run `ekc validate`", err=True)


# ---------------------------------------------------------------------------------------
# The view a regiomanager takes in at a glance

_STYLE = {"over_budget": "bold red", "near_limit": "yellow", "under_use": "cyan", "ok": "green"}
_BAR_WIDTH = 16
_WHY = {
    "no_contract": "no contract on the date",
    "variant_not_covered": "contract does not cover the variant",
    "unknown_municipality": "municipality not in municipalities.yaml",
}


def _bar(used: float, projected: float, budget: float, style: str):
    """Solid: used; shaded: the projection beyond it; light: budget left. Capped at 100%."""
    from rich.text import Text

    if budget <= 0:
        filled, ahead = (_BAR_WIDTH, 0) if used > 0 else (0, 0)
    else:
        filled = min(_BAR_WIDTH, round(used / budget * _BAR_WIDTH))
        ahead = max(0, min(_BAR_WIDTH, round(projected / budget * _BAR_WIDTH)) - filled)
    text = Text()
    text.append("█" * filled, style=style)
    text.append("▒" * ahead, style=style)
    text.append("░" * (_BAR_WIDTH - filled - ahead), style="dim")
    share = f"{used / budget:4.0%}" if budget > 0 else ("   ∞" if used > 0 else "   -")
    text.append(f" {share}")
    return text


def _eur(value: float | None) -> str:
    return "-" if value is None else f"€{value:,.0f}".replace(",", ".")


def _period(contract) -> str:
    """A calendar year says just the year; any other period is written out."""
    if (contract.start.month, contract.start.day, contract.end.month, contract.end.day) == (1, 1, 12, 31) and contract.start.year == contract.end.year:
        return str(contract.start.year)
    return f"{contract.start:%d-%m-%Y}–{contract.end:%d-%m-%Y}"


def _console():
    from ekc.cli.output import console

    # Piped or captured output is read whole (a mail, a log): no terminal width to squeeze into.
    return console()


def _group_gaps(gaps) -> dict:
    """(municipality, why) -> its gaps, in date order; why names the variant when that is it."""
    from ekc.model.vocabulary import with_dutch

    groups: dict = {}
    for gap in gaps:
        why = _WHY[gap.reason]
        if gap.reason == "variant_not_covered":
            why = f"{gap.contract} is not for {with_dutch(gap.variant)}"
        groups.setdefault((gap.municipality, why), []).append(gap)
    return dict(sorted(groups.items()))


def _render_check(result, regions, municipalities) -> None:
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    from ekc.budget.check import PROJECTION

    console = _console()
    if not result.contracts:
        console.print(f"No contracts overlap {result.year}.")
    else:
        table = Table(title=f"Budget {result.year}, as of {result.today.isoformat()}", title_justify="left", box=box.SIMPLE_HEAD)
        for name, justify in (("Region / municipality", "left"), ("Contract", "left"), ("Period", "left"), ("Starts", "right"),
                              ("Used ▒ projected", "left"), ("Proj.", "right"), ("Spent / budget", "right"), ("Status", "left")):
            table.add_column(name, justify=justify, no_wrap=True)
        groups: dict[str, list] = {}
        for use in result.contracts:
            groups.setdefault(use.region, []).append(use)
        for region_id, uses in groups.items():
            region = regions.get(region_id)
            table.add_row(f"[bold]{escape(region.name if region else region_id)}[/bold]", *[""] * 7)
            for use in uses:
                table.add_row(
                    f"  {escape(use.municipality.name)} {use.municipality.code}",
                    escape(use.contract.id),
                    _period(use.contract),
                    f"{use.starts}/{use.budget_conferences}",
                    _bar(use.starts, use.projected_starts, use.budget_conferences, _STYLE[use.status]),
                    f"{use.projected_starts:.1f}",
                    f"{_eur(use.spent_eur)} / {_eur(use.budget_eur)}",
                    f"[{_STYLE[use.status]}]{use.status}[/]",
                )
            table.rows[-1].end_section = True
        starts = sum(u.starts for u in result.contracts)
        conferences = sum(u.budget_conferences for u in result.contracts)
        projected = sum(u.projected_starts for u in result.contracts)
        tracked = [u.spent_eur for u in result.contracts if u.spent_eur is not None]
        budgets = [u.budget_eur for u in result.contracts if u.budget_eur is not None]
        counts = {s: sum(1 for u in result.contracts if u.status == s) for s in _STYLE}
        table.add_row(
            f"[bold]Total[/bold], {len(result.contracts)} contract{'s' * (len(result.contracts) != 1)}", "", "",
            f"{starts}/{conferences}",
            _bar(starts, projected, conferences, "bold"),
            f"{projected:.1f}",
            f"{_eur(sum(tracked) if tracked else None)} / {_eur(sum(budgets) if budgets else None)}",
            "",
        )
        print_table(table, drop=("Used ▒ projected", "Period", "Proj."), wrap=("Region / municipality",), con=console)
        console.print("Contracts: " + ", ".join(f"[{_STYLE[s]}]{counts[s]} {s}[/]" for s in _STYLE if counts[s]))
        console.print(
            f"Projected: {PROJECTION}. Spent: tariffs of the phases entered in the period "
            "('-': no tariffs, amounts not tracked; no budget_eur, only starts are checked)."
        )
    if result.unfunded_starts:
        # One row per municipality and reason: a list of 1,800 case rows is not taken in at a
        # glance. Every start is in --json.
        gaps = Table(title=f"Starts in {result.year} without a covering contract (unfunded work)", title_justify="left", box=box.SIMPLE_HEAD)
        for name, justify in (("Municipality", "left"), ("Why", "left"), ("Starts", "right"), ("From – to", "left"),
                              ("Cases", "left"), ("Let through", "right")):
            gaps.add_column(name, justify=justify, no_wrap=True)
        for (code, why), group in _group_gaps(result.unfunded_starts).items():
            muni = municipalities.get(code)
            ids = [g.case for g in group]
            gaps.add_row(
                f"{escape(muni.name)} {code}" if muni else code,
                why,
                str(len(group)),
                f"{group[0].date.isoformat()} – {group[-1].date.isoformat()}" if len(group) > 1 else group[0].date.isoformat(),
                ", ".join(ids[:2]) + (f" +{len(ids) - 2} more" if len(ids) > 2 else ""),
                str(sum(1 for g in group if g.acknowledged)),
            )
        print_table(gaps, drop=("From – to", "Let through"), wrap=("Municipality", "Why", "Cases"), con=console)
        console.print("Let through: starts marked unfunded_start: true (knowingly). All starts: --json, unfunded_starts.")
    if result.unfunded_services:
        console.print(f"{len(result.unfunded_services)} later service(s) in {result.year} have no covering contract either (see --json, unfunded_services).")


# ---------------------------------------------------------------------------------------
# Invoice


class InvoiceFormat(str, Enum):
    text = "text"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


@budget_app.command("invoice")
def invoice_command(
    ctx: typer.Context,
    municipality: str = typer.Option(..., "--municipality", metavar="CODE", help="The municipality invoiced (GM + 4 digits)."),
    period: str = typer.Option(..., "--period", metavar="YYYY-MM", help="The calendar month of the services."),
    output_format: InvoiceFormat = typer.Option(InvoiceFormat.text, "--format", help="text: a table for people; csv: RFC 4180 for scripts (no totals rows); json: one document; xlsx: the spreadsheet a municipality receives (needs --out)."),
    as_json: bool = typer.Option(False, "--json", help="Shorthand for --format json."),
    out: Path | None = typer.Option(None, "--out", metavar="FILE", help="Write to FILE instead of stdout (needed for xlsx).", dir_okay=False),
) -> None:
    """The invoice lines of a month: case id, phase, date entered, tariff, contract; totals per
    contract. Read from case.yaml and municipalities.yaml only: never a name or any other
    personal data. Services no contract covers are not invoiced and are named on stderr."""
    from ekc.budget import invoice as invoices
    from ekc.cli.output import chosen_format, confirm, json_text, terminal_width
    from ekc.core.errors import UsageProblem

    chosen = chosen_format(output_format, as_json)
    if chosen == "xlsx" and out is None:
        raise UsageProblem("--format xlsx writes a spreadsheet: give --out FILE.xlsx")
    app = app_context(ctx)
    _check_code(municipality)
    result = invoices.invoice_for_repository(app.root, municipality, period)
    if chosen == "xlsx":
        invoices.save_xlsx(result, out)
    else:
        text = {
            "json": lambda: json_text(invoices.invoice_document(result)) + "\n",
            "csv": lambda: invoices.invoice_csv(result),
            "text": lambda: _invoice_text(result, terminal_width() if out is None else None),
        }[chosen]()
        if out is None:
            typer.echo(text, nl=False)
        else:
            from ekc.store.yamlio import atomic_write

            atomic_write(out, text)
    if out is not None:
        confirm(f"wrote the invoice of {result.municipality} for {result.period} ({len(result.lines)} lines) to {out}")
    if result.not_invoiced:
        listed = "; ".join(f"{g.case} {g.phase} {g.date.isoformat()} ({g.reason})" for g in result.not_invoiced[:10])
        more = f" and {len(result.not_invoiced) - 10} more" if len(result.not_invoiced) > 10 else ""
        typer.echo(f"ekc: note: {len(result.not_invoiced)} service(s) have no covering contract and are not invoiced: {listed}{more}", err=True)


def _euro(value: float | None) -> str:
    """`€ 4.950,00`: as a Dutch reader writes an amount."""
    if value is None:
        return "–"
    return "€ " + f"{value:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def _invoice_text(result, width: int | None = None) -> str:
    """A table for people: the header an office checks, one row a line, totals at the foot.

    At a terminal (`width`) it fits like every table: the Dutch phase names move to a second
    line first, then the contract column goes; in a file or a pipe it is never cut."""
    import io

    from rich import box
    from rich.console import Console
    from rich.table import Table

    from ekc.budget.invoice import contracts_text
    from ekc.model.vocabulary import with_dutch

    table = Table(box=box.SIMPLE_HEAD, title_justify="left",
                  title=f"Invoice {result.municipality_name} {result.municipality}, {result.period}; contract {contracts_text(result)}")
    for name, justify in (("Case", "left"), ("Phase", "left"), ("Date", "left"), ("Tariff", "right"), ("Contract", "left")):
        table.add_column(name, justify=justify, no_wrap=True)
    for line in result.lines:
        table.add_row(line.case, with_dutch(line.phase), line.date.isoformat(), _euro(line.tariff_eur), line.contract)
    if result.lines:
        table.rows[-1].end_section = True
    totals = result.totals_by_contract()
    if len(totals) > 1:
        for contract, total in totals.items():
            table.add_row(f"Total {contract}", "", "", _euro(total), contract)
    table.add_row(f"Total, {len(result.lines)} line{'s' * (len(result.lines) != 1)}", "", "", _euro(result.total_eur), "")
    from ekc.cli.output import fit_table

    table, dropped = fit_table(table, width, drop=("Contract",))
    buffer = io.StringIO()
    Console(file=buffer, width=width or 200, no_color=True, highlight=False, soft_wrap=False).print(table)
    if dropped:
        buffer.write(f"left out to fit {width} columns: {', '.join(dropped)}\n")
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"
