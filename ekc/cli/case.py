"""`ekc case new | list | show | advance | assign`: parse, call ekc/cases/workflow.py, render."""

from __future__ import annotations

import json
import sys
from datetime import date
from enum import Enum

import typer

from ekc.cli.context import app_context
from ekc.model.vocabulary import (
    PHASES, VARIANTS, Outcome, ProfessionalHelp, Reason, Referrer, ReferrerOrg, StopReason, with_dutch,
)

from typing import get_args


def _choices(name: str, values) -> type[Enum]:
    return Enum(name, {value: value for value in values}, type=str)


PhaseChoice = _choices("PhaseChoice", PHASES)
VariantChoice = _choices("VariantChoice", VARIANTS)
ReferrerChoice = _choices("ReferrerChoice", get_args(Referrer))
ReferrerOrgChoice = _choices("ReferrerOrgChoice", get_args(ReferrerOrg))
HelpChoice = _choices("HelpChoice", get_args(ProfessionalHelp))
ReasonChoice = _choices("ReasonChoice", get_args(Reason))
OutcomeChoice = _choices("OutcomeChoice", get_args(Outcome))
StopReasonChoice = _choices("StopReasonChoice", get_args(StopReason))


def _dutch_list(values) -> str:
    return ", ".join(with_dutch(v) for v in values)


case_app = typer.Typer(
    help="Cases through their phases: aanmelding, informatief gesprek, verbinden en activeren, "
    "formele bijeenkomst en nazorg, vervolgconferentie, afgesloten.",
    no_args_is_help=True,
)

NO_COMMIT = typer.Option(False, "--no-commit", help="Write the files but do not commit them (the rare exception).")


def _value(option) -> str | None:
    return option.value if isinstance(option, Enum) else option


def _date(text: str | None) -> date | None:
    if text is None:
        return None
    from ekc.core.dates import parse_date
    from ekc.core.errors import UsageProblem

    try:
        return parse_date(text)
    except ValueError:
        raise UsageProblem(f"--date {text!r} is not a date in the form YYYY-MM-DD") from None


def interactive() -> bool:
    """Prompt only when a person is at a terminal; a script gets an error instead."""
    return sys.stdin.isatty()


def _console():
    from rich.console import Console

    from ekc.cli.output import use_colour

    return Console(file=sys.stdout, no_color=not use_colour(), highlight=False, soft_wrap=True,
                   width=None if sys.stdout.isatty() else 200)


def _committed(result) -> str:
    return f"committed {result.commit[:10]}" if result.commit else "not committed"


# -- new -------------------------------------------------------------------------------------

@case_app.command("new")
def new_command(
    ctx: typer.Context,
    municipality: str | None = typer.Option(None, "--municipality", metavar="CODE", help="CBS code of the municipality, GM + 4 digits."),
    variant: VariantChoice | None = typer.Option(None, "--variant", help=f"One of {_dutch_list(VARIANTS)}."),
    referrer: ReferrerChoice | None = typer.Option(None, "--referrer", help="Who asked: professional, self or network."),
    referrer_org: ReferrerOrgChoice | None = typer.Option(None, "--referrer-org", help="For a professional referrer: which kind of organisation."),
    minors: bool | None = typer.Option(None, "--minors/--no-minors", help="Is a minor main person involved?"),
    conditions: bool | None = typer.Option(None, "--conditions/--no-conditions", help="Do professionals set conditions on the plan (drang/dwang)?"),
    professional_help: HelpChoice | None = typer.Option(None, "--professional-help", help="How long professional help has been involved."),
    reason: list[ReasonChoice] | None = typer.Option(None, "--reason", help="A reason for the request; repeat for more."),
    on: str | None = typer.Option(None, "--date", metavar="YYYY-MM-DD", help="Day the request came in (default: today)."),
    no_commit: bool = NO_COMMIT,
) -> None:
    """Register a request (aanmelding): case.yaml, a personal.yaml skeleton, one commit; prints the new id."""
    from ekc.cases.workflow import NewCase, new_case

    app = app_context(ctx)
    root = app.root
    answers = {
        "municipality": municipality,
        "variant": _value(variant),
        "referrer": _value(referrer),
        "referrer_org": _value(referrer_org),
        "minors": minors,
        "conditions": conditions,
        "professional_help": _value(professional_help),
        "reasons": [_value(r) for r in reason or []],
    }
    _complete(answers)
    fields = NewCase(
        municipality=answers["municipality"].strip().upper(),
        variant=answers["variant"],
        referrer=answers["referrer"],
        referrer_org=answers["referrer_org"],
        minors_involved=answers["minors"],
        conditions=answers["conditions"],
        professional_help=answers["professional_help"],
        reasons=tuple(answers["reasons"]),
    )
    result = new_case(root, fields, app.today, _date(on), commit=not no_commit)
    typer.echo(result.case_id)
    typer.echo(f"registered {result.case_id}: {result.paths[0].parent.relative_to(root).as_posix()}/ ({_committed(result)})", err=True)


_QUESTIONS = (
    ("municipality", "--municipality", "Municipality (CBS code, GM....)", None),
    ("variant", "--variant", "Variant", VARIANTS),
    ("referrer", "--referrer", "Referrer", get_args(Referrer)),
    ("referrer_org", "--referrer-org", "Referring organisation", get_args(ReferrerOrg)),
    ("minors", "--minors/--no-minors", "Minor main person involved?", bool),
    ("conditions", "--conditions/--no-conditions", "Conditions set by professionals (drang/dwang)?", bool),
    ("professional_help", "--professional-help", "Professional help involved for", get_args(ProfessionalHelp)),
    ("reasons", "--reason", "Reasons (comma-separated)", get_args(Reason)),
)


def _missing(answers: dict, name: str) -> bool:
    if name == "referrer_org":
        return answers["referrer"] == "professional" and answers["referrer_org"] is None
    if name == "reasons":
        return not answers["reasons"]
    return answers[name] is None


def _complete(answers: dict) -> None:
    """Ask for what is missing at a terminal; without one, name all of it at once (exit 2)."""
    from ekc.core.errors import UsageProblem

    if not interactive():
        missing = [option for name, option, _, _ in _QUESTIONS if _missing(answers, name)]
        if missing:
            raise UsageProblem(f"missing {', '.join(missing)} (no terminal to ask at)")
        return
    for name, _, question, kind in _QUESTIONS:
        if not _missing(answers, name):
            continue
        if kind is bool:
            answers[name] = typer.confirm(question)
        elif name == "reasons":
            while True:
                given = [part.strip() for part in typer.prompt(f"{question} [{', '.join(kind)}]").split(",") if part.strip()]
                unknown = [part for part in given if part not in kind]
                if given and not unknown:
                    answers[name] = given
                    break
                typer.echo(f"unknown reason: {', '.join(unknown)}" if unknown else "give at least one reason", err=True)
        elif kind is None:
            answers[name] = typer.prompt(question)
        else:
            answers[name] = _choose(question, kind)


def _choose(question: str, choices) -> str:
    while True:
        given = typer.prompt(f"{question} [{', '.join(choices)}]").strip()
        if given in choices:
            return given
        typer.echo(f"choose one of {', '.join(choices)}", err=True)


# -- list ------------------------------------------------------------------------------------

def case_row(case_file, store, today: date) -> dict:
    from ekc.cases.lifecycle import days_in_phase, flags

    case = case_file.case
    return {
        "id": case.id,
        "variant": case.variant,
        "municipality": case.municipality,
        "phase": case.phase,
        "phase_since": case.phase_since.isoformat(),
        "days_in_phase": days_in_phase(case, today),
        "coordinator": case.coordinator,
        "registered": case.registered_on.isoformat(),
        "flags": flags(case_file, store, today),
        "path": case_file.path,
    }


class TextOrJson(str, Enum):
    text = "text"
    json = "json"


@case_app.command("list")
def list_command(
    ctx: typer.Context,
    only_open: bool = typer.Option(False, "--open", help="Only cases that are not closed."),
    phase: PhaseChoice | None = typer.Option(None, "--phase", help=f"Only cases now in this phase: {_dutch_list(PHASES)}."),
    municipality: str | None = typer.Option(None, "--municipality", metavar="CODE", help="Only cases of this municipality."),
    coordinator: str | None = typer.Option(None, "--coordinator", metavar="C-....", help="Only cases of this coordinator."),
    flagged: bool = typer.Option(False, "--flagged", help="Only cases with a flag: something to act on."),
    output_format: TextOrJson = typer.Option(TextOrJson.text, "--format", help="text: a table for people; json: one document {today, cases: [...], unreadable: [...]}."),
    as_json: bool = typer.Option(False, "--json", help="Shorthand for --format json."),
) -> None:
    """The morning view: one row a case, with days in phase and what needs doing (flags)."""
    from ekc.cases.workflow import load_store
    from ekc.cases.lifecycle import FLAG_HELP
    from ekc.cli.output import chosen_format

    as_json = chosen_format(output_format, as_json) == "json"
    app = app_context(ctx)
    loaded = load_store(app.root)
    store = loaded.store
    rows = []
    for case_file in sorted(store.cases.values(), key=lambda c: (c.case.is_closed, c.case.registered_on, c.case.id)):
        case = case_file.case
        if only_open and case.is_closed:
            continue
        if phase is not None and case.phase != _value(phase):
            continue
        if municipality and case.municipality != municipality.strip().upper():
            continue
        if coordinator and case.coordinator != coordinator.strip().upper():
            continue
        row = case_row(case_file, store, app.today)
        if flagged and not row["flags"]:
            continue
        rows.append(row)
    unreadable = sorted({f.path for f in loaded.findings if f.is_error and f.path.endswith("/case.yaml")})
    if as_json:
        from ekc.cli.output import write_json

        write_json({"today": app.today.isoformat(), "cases": rows, "unreadable": unreadable})
        return
    from rich.table import Table

    table = Table(box=None, pad_edge=False, header_style="bold")
    for title in ("id", "variant", "municipality", "phase", "coordinator", "days", "flags"):
        table.add_column(title, justify="right" if title == "days" else "left", no_wrap=True)
    for row in rows:
        table.add_row(
            row["id"], with_dutch(row["variant"]), row["municipality"], with_dutch(row["phase"]),
            row["coordinator"] or "-", str(row["days_in_phase"]), ", ".join(row["flags"]),
        )
    console = _console()
    if rows:
        console.print(table)
    else:
        console.print("no cases match")
    shown = sorted({flag for row in rows for flag in row["flags"]})
    for flag in shown:
        console.print(f"  {flag}: {FLAG_HELP[flag]}")
    if unreadable:
        typer.echo(f"ekc: {len(unreadable)} case file(s) have errors and are not listed; run `ekc validate`", err=True)


# -- show ------------------------------------------------------------------------------------

@case_app.command("show")
def show_command(
    ctx: typer.Context,
    case_id: str = typer.Argument(..., metavar="ID", help="The case id, EKC-<YYYY>-<5 characters>."),
    personal: bool = typer.Option(False, "--personal", help="Also show personal.yaml (names, contacts, preferences)."),
    output_format: TextOrJson = typer.Option(TextOrJson.text, "--format", help="text: for people; json: one document (personal data only with --personal)."),
    as_json: bool = typer.Option(False, "--json", help="Shorthand for --format json."),
) -> None:
    """One case with its history; personal data only when asked for."""
    from ekc.cases.workflow import find_case, load_store
    from ekc.cli.output import chosen_format

    as_json = chosen_format(output_format, as_json) == "json"
    app = app_context(ctx)
    loaded = load_store(app.root)
    case_file = find_case(loaded, case_id)
    case = case_file.case
    row = case_row(case_file, loaded.store, app.today)
    history = []
    for index, entry in enumerate(case.history):
        until = case.history[index + 1].date if index + 1 < len(case.history) else (None if case.is_closed else app.today)
        history.append({
            "phase": entry.phase,
            "dutch": with_dutch(entry.phase).split(" (", 1)[1][:-1],
            "date": entry.date.isoformat(),
            "days": (until - entry.date).days if until else None,
        })
    document = {
        **row,
        "history": history,
        "personal_present": case_file.personal_present,
        "case": case.model_dump(mode="json", by_alias=True, exclude_none=True),
    }
    if personal:
        document["personal"] = case_file.personal.model_dump(mode="json", exclude_none=True) if case_file.personal else None
    if as_json:
        from ekc.cli.output import write_json

        write_json(document)
        return
    _render_case(document, case, case_file, loaded.root if personal else None)


def _render_case(document: dict, case, case_file, root) -> None:
    from rich.table import Table

    console = _console()
    console.print(f"[bold]{case.id}[/bold]  {with_dutch(case.phase)} since {case.phase_since} ({document['days_in_phase']} days)")
    facts = [
        ("variant", with_dutch(case.variant)),
        ("municipality", case.municipality),
        ("referrer", case.referrer + (f" ({case.referrer_org})" if case.referrer_org else "")),
        ("minors involved", "yes" if case.minors_involved else "no"),
        ("conditions", "yes" if case.conditions else "no"),
        ("professional help", case.professional_help),
        ("reasons", ", ".join(case.reasons)),
        ("coordinator", case.coordinator or "-"),
    ]
    if case.unfunded_start:
        facts.append(("unfunded start", "yes"))
    if case.outcome:
        facts.append(("outcome", with_dutch(case.outcome) + (f", {case.stop_reason}" if case.stop_reason else "")))
    facts.append(("meetings", ", ".join(f"{m.date}{' (follow-up)' if m.follow_up else ''}" for m in case.meetings) or "-"))
    facts.append(("flags", ", ".join(document["flags"]) or "-"))
    facts.append(("file", case_file.path))
    for label, value in facts:
        console.print(f"  {label:<18} {value}", markup=False)
    table = Table(title="history", box=None, pad_edge=False, header_style="bold", title_justify="left")
    table.add_column("phase", no_wrap=True)
    table.add_column("date", no_wrap=True)
    table.add_column("days", justify="right")
    for entry in document["history"]:
        table.add_row(with_dutch(entry["phase"]), entry["date"], "" if entry["days"] is None else str(entry["days"]))
    console.print(table)
    if root is None:
        return
    if not case_file.personal_present:
        console.print("personal data: none (purged or never written)")
        return
    text = (root / case_file.personal_path).read_text(encoding="utf-8")
    console.print(f"personal data ({case_file.personal_path}):")
    console.print(text.rstrip("\n"), markup=False)


# -- advance ---------------------------------------------------------------------------------

@case_app.command("advance")
def advance_command(
    ctx: typer.Context,
    case_id: str = typer.Argument(..., metavar="ID", help="The case id, EKC-<YYYY>-<5 characters>."),
    to: PhaseChoice | None = typer.Option(None, "--to", help=f"The phase to move to (default: the next one; with --outcome: closed): {_dutch_list(PHASES)}."),
    on: str | None = typer.Option(None, "--date", metavar="YYYY-MM-DD", help="Day the phase began (default: today)."),
    outcome: OutcomeChoice | None = typer.Option(None, "--outcome", help=f"When closing: {_dutch_list(get_args(Outcome))}."),
    stop_reason: StopReasonChoice | None = typer.Option(None, "--stop-reason", help="With outcome stopped: why."),
    unfunded: bool = typer.Option(False, "--unfunded", help="Start (informative_talk) without a covering contract; recorded as unfunded_start: true."),
    no_commit: bool = NO_COMMIT,
) -> None:
    """Move a case to its next phase, checking order, the data the phase needs and, at the start, funding.

    A meeting is recorded by adding a `meetings` entry to case.yaml by hand (date, venue,
    attendees, plan, ...); leaving meeting_aftercare or follow_up needs one.
    """
    from ekc.cases.workflow import advance

    app = app_context(ctx)
    result = advance(
        app.root, case_id, app.today, _value(to), _date(on), _value(outcome), _value(stop_reason), unfunded,
        commit=not no_commit,
    )
    typer.echo(f"{result.case_id}: {with_dutch(result.from_phase)} -> {with_dutch(result.to_phase)} on {result.on} ({_committed(result)})", err=True)
    if result.unfunded_start:
        typer.echo(f"ekc: warning: {result.case_id} started without a covering contract (unfunded_start: true)", err=True)
    if result.promise_missed_by:
        typer.echo(f"ekc: note: the informative talk came {result.promise_missed_by} day(s) after the appointment promise", err=True)


# -- assign ----------------------------------------------------------------------------------

@case_app.command("assign")
def assign_command(
    ctx: typer.Context,
    case_id: str = typer.Argument(..., metavar="ID", help="The case id, EKC-<YYYY>-<5 characters>."),
    coordinator: str = typer.Argument(..., metavar="COORDINATOR", help="A coordinator id, C-....."),
    force: str | None = typer.Option(None, "--force", metavar="REASON", help="Overrule the eligibility rules; the reason (no names!) goes into the commit message."),
    no_commit: bool = NO_COMMIT,
) -> None:
    """Make a coordinator responsible for a case, after checking they may take it."""
    from ekc.cases.workflow import assign

    app = app_context(ctx)
    result = assign(app.root, case_id, coordinator, app.today, force_reason=force, commit=not no_commit)
    if not result.changed:
        typer.echo(f"{result.case_id}: {result.coordinator} is already its coordinator; nothing changed", err=True)
        return
    replaced = f", replacing {result.previous}" if result.previous else ""
    typer.echo(f"{result.case_id}: coordinator {result.coordinator}{replaced} ({_committed(result)})", err=True)
    if result.forced_past:
        typer.echo(f"ekc: warning: forced past: {'; '.join(result.forced_past)}", err=True)
