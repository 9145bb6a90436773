"""`ekc match`: parse, call ekc/match/ranking.py, render; assigning goes through ekc.cases.workflow."""

from __future__ import annotations

from enum import Enum

import typer

from ekc.cli.context import app_context
from ekc.cli.output import WIDE_OPTION_HELP, print_table, wide_tables

MARKS = {"met": "+", "missed": "-", "rule": "x", "note": "·"}
STYLES = {"met": "green", "missed": "yellow", "rule": "red", "note": "dim"}


class MatchFormat(str, Enum):
    text = "text"
    json = "json"


def match_command(
    ctx: typer.Context,
    case_id: str | None = typer.Argument(None, metavar="[ID]", help="The case to find a coordinator for.", show_default=False),
    top: int | None = typer.Option(None, "--top", min=0, metavar="N", help="Show the N best candidates of one case (0: the whole pool). Default: 10 in the table, the whole pool in --json.", show_default=False),
    open_cases: bool = typer.Option(False, "--open", help="Propose a coordinator for every open case without one, at once: nobody beyond their free places, the best total fit."),
    output_format: MatchFormat = typer.Option(MatchFormat.text, "--format", help="text: a table for people; json: one document for scripts."),
    as_json: bool = typer.Option(False, "--json", help="Shorthand for --format json."),
    assign: bool = typer.Option(False, "--assign", help="Assign the best eligible candidate, through the checks of `ekc case assign` (with --open: every proposed pairing)."),
    assign_to: str | None = typer.Option(None, "--assign-to", metavar="COORDINATOR", help="Assign this coordinator instead of the best one (implies --assign), through the checks of `ekc case assign`."),
    wide: bool = typer.Option(False, "--wide", help=WIDE_OPTION_HELP),
) -> None:
    """Rank the coordinators for a case, best first, each with its reasons.

    Hard rules first (active, a yearly agreement, EK-2 for restorative and group cases, a
    free place, available within the appointment promise, not excluded by the family):
    who fails one is listed with why, below every eligible coordinator. Then the family's
    preferences (gender, languages, culture, age) and the defaults (a common language,
    home region, load, experience for cases with conditions) add up to a score; the
    weights are `match_weights` in ekc.yaml. Ties go to the lower coordinator id.
    """
    with wide_tables(wide):
        _match(ctx, case_id, top, open_cases, output_format, as_json, assign, assign_to)


def _match(ctx, case_id, top, open_cases, output_format, as_json, assign, assign_to) -> None:
    from ekc.cli.output import chosen_format
    from ekc.core.errors import UsageProblem
    from ekc.core.ids import is_case_id, normalise

    as_json = chosen_format(output_format, as_json) == "json"
    if open_cases == (case_id is not None):
        raise UsageProblem("name one case ID, or use --open for all open cases without a coordinator")
    if open_cases and assign_to:
        raise UsageProblem("--assign-to names one coordinator for one case; with --open use --assign")
    if case_id is not None:
        case_id = normalise(case_id)
    if case_id is not None and not is_case_id(case_id):
        raise UsageProblem(f"{case_id!r} is not a case id (EKC-YYYY-XXXXX)")
    if assign_to is not None:
        assign_to = assign_to.strip().upper()  # `c-0042` is what a hurried hand types
    from ekc.match import session as matching

    app = app_context(ctx)
    session = matching.open_session(app.root, app.today, case_id)
    if session.errors:
        import sys

        print(f"ekc: warning: the data has {session.errors} error{'s' * (session.errors != 1)} (run `ekc validate`); matching on what could be read", file=sys.stderr)
    if open_cases:
        _match_open(session, as_json, assign)
    else:
        _match_one(session, case_id, top, as_json, assign or assign_to is not None, assign_to)


def _match_one(session, case_id, top, as_json, assign, assign_to) -> None:
    from ekc.core.errors import Refused
    from ekc.match import session as matching

    proposal = matching.rank_one(session, case_id, assign_to)
    chosen = assign_to or (proposal.best.coordinator if proposal.best else None)
    assigned = None
    if assign:
        if chosen is None:
            _render_one(session.store, proposal, top, as_json, None)
            raise Refused(f"no eligible coordinator for {case_id}: nothing assigned (see the reasons above)")
        matching.assigner()
        matching.assign(session, case_id, chosen)
        assigned = chosen
    _render_one(session.store, proposal, top, as_json, assigned)


def _candidate_json(candidate) -> dict:
    return {
        "coordinator": candidate.coordinator,
        "name": candidate.name,
        "eligible": candidate.eligible,
        "score": candidate.score,
        "reasons": [r.text for r in candidate.reasons],
        "details": [{"text": r.text, "kind": r.kind, "points": round(r.points, 3)} for r in candidate.reasons],
    }


# A person reads the first few; a script gets the whole pool unless it asks for fewer.
TABLE_TOP = 10


def _shown(proposal, top: int | None, as_json: bool):
    if top is None:
        top = 0 if as_json else TABLE_TOP
    return proposal.candidates if top == 0 else proposal.candidates[:top]


def _render_one(store, proposal, top: int | None, as_json: bool, assigned: str | None) -> None:
    from ekc.cli.output import write_json

    shown = _shown(proposal, top, as_json)
    if as_json:
        write_json({
            "case": proposal.case,
            "date": proposal.on.isoformat(),
            "appointment_within_days": store.settings.appointment_within_days,
            "pool": len(proposal.candidates),
            "eligible": len(proposal.eligible),
            "ruled_out": proposal.ineligible_counts(),
            "notes": list(proposal.notes),
            "candidates": [_candidate_json(c) for c in shown],
            "assigned": assigned,
        })
        return
    from rich.markup import escape
    from rich.table import Table

    from ekc.model.vocabulary import with_dutch

    console = _console()
    case = store.cases[proposal.case].case
    municipality = store.municipalities.get(case.municipality)
    where = municipality.name if municipality else case.municipality
    console.print(
        f"{case.id}: {with_dutch(case.variant)} in {where}, {with_dutch(case.phase)} since {case.phase_since}"
        f"{', with conditions' if case.conditions else ''}; matched on {proposal.on}, appointment within "
        f"{store.settings.appointment_within_days} days",
        highlight=False,
    )
    for note in proposal.notes:
        console.print(f"note: {note}", highlight=False)
    table = Table(show_lines=True)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("coordinator", overflow="fold")
    table.add_column("eligible", no_wrap=True)
    table.add_column("score", justify="right", no_wrap=True)
    table.add_column("reasons", min_width=24)
    for number, candidate in enumerate(shown, 1):
        table.add_row(
            str(number) if candidate.eligible else "-",
            f"{candidate.coordinator}\n{escape(candidate.name)}",
            "yes" if candidate.eligible else "[red]no[/red]",
            f"{round(candidate.score, 1):g}",
            _reasons_cell(candidate.reasons),
        )
    print_table(table, wrap=("coordinator", "reasons"), con=console)
    hidden = len(proposal.candidates) - len(shown)
    summary = f"{len(proposal.eligible):,} of {len(proposal.candidates):,} coordinators eligible"
    if hidden:
        summary += f"; {hidden:,} more not shown (--top 0 shows all)"
    console.print(summary, highlight=False)
    ruled_out = proposal.ineligible_counts()
    if ruled_out:
        console.print("ruled out: " + ", ".join(f"{rule} ({count:,})" for rule, count in ruled_out.items()), highlight=False)
    if assigned:
        console.print(f"assigned {assigned} to {proposal.case}", highlight=False)


def _reasons_cell(reasons) -> str:
    from rich.markup import escape

    lines = []
    for reason in reasons:
        points = f" ({round(reason.points, 1):+g})" if reason.points else ""
        style = STYLES[reason.kind]
        lines.append(f"[{style}]{MARKS[reason.kind]} {escape(reason.text)}{points}[/{style}]")
    return "\n".join(lines)


def _console():
    from ekc.cli.output import console

    return console()


def _match_open(session, as_json: bool, assign: bool) -> None:
    from ekc.cli.output import write_json

    from ekc.match import ranking
    from ekc.match import session as matching

    store, today = session.store, session.today
    proposal = ranking.propose_open(store, today, session.pool)
    assigned = matching.assign_all(session, proposal) if assign else []
    seated = [p for p in proposal.pairings if p.coordinator is not None]
    if as_json:
        write_json({
            "date": today.isoformat(),
            "cases": [
                {
                    "case": p.case,
                    "coordinator": p.coordinator,
                    "name": store.coordinators[p.coordinator].name if p.coordinator else None,
                    "score": p.score,
                    "eligible": p.eligible_count,
                    "reasons": [r.text for r in p.reasons] if p.coordinator else [_unseated_reason(p)],
                    "assigned": p.case in assigned,
                }
                for p in proposal.pairings
            ],
            "seated": len(seated),
            "unseated": len(proposal.pairings) - len(seated),
            "total_score": proposal.total_score,
        })
        return
    from rich.markup import escape
    from rich.table import Table

    from ekc.model.vocabulary import with_dutch

    console = _console()
    if not proposal.pairings:
        console.print("no open case is waiting for a coordinator", highlight=False)
        return
    table = Table(show_lines=True)
    table.add_column("case", no_wrap=True)
    table.add_column("variant, municipality", overflow="fold")
    table.add_column("coordinator", overflow="fold")
    table.add_column("score", justify="right", no_wrap=True)
    table.add_column("reasons")
    for pairing in proposal.pairings:
        case = store.cases[pairing.case].case
        municipality = store.municipalities.get(case.municipality)
        if pairing.coordinator is None:
            row = ("-", "", f"[red]{_unseated_reason(pairing)}[/red]")
        else:
            who = f"{pairing.coordinator}\n{escape(store.coordinators[pairing.coordinator].name)}"
            row = (who, f"{round(pairing.score, 1):g}", _reasons_cell(pairing.reasons))
        where = municipality.name if municipality else case.municipality
        table.add_row(case.id, f"{with_dutch(case.variant)}\n{escape(where)}", *row)
    print_table(table, wrap=("variant, municipality", "coordinator", "reasons"), con=console)
    console.print(
        f"{len(proposal.pairings)} case{'s' * (len(proposal.pairings) != 1)} waiting: {len(seated)} with a proposed coordinator, "
        f"{len(proposal.pairings) - len(seated)} without; total score {round(proposal.total_score, 1):g}",
        highlight=False,
    )
    if assigned:
        console.print(f"assigned {len(assigned)} case{'s' * (len(assigned) != 1)}", highlight=False)


def _unseated_reason(pairing) -> str:
    if pairing.eligible_count == 0:
        return "no eligible coordinator"
    return f"all {pairing.eligible_count} eligible coordinators' free places went to other cases"
