"""`ekc case new | list | show | advance | assign`: parse, call ekc/cases/workflow.py, render."""

from __future__ import annotations

import json
import sys
from datetime import date
from enum import Enum

import typer

from ekc.cli import prompts
from ekc.cli.context import app_context
from ekc.cli.output import WIDE_OPTION_HELP, confirm
from ekc.model.vocabulary import (
    LABELS, PHASES, VARIANTS, Outcome, ProfessionalHelp, Reason, Referrer, ReferrerOrg, StopReason, with_dutch,
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

CASE_ID = typer.Argument(..., metavar="ID", help="The case id, EKC-<YYYY>-<5 characters> (ekc-2024-k7q2m is read as EKC-2024-K7Q2M).")
NO_COMMIT = typer.Option(False, "--no-commit", help="Write the files but do not commit them (the rare exception).")


def _value(option) -> str | None:
    return option.value if isinstance(option, Enum) else option


def _date(text: str | None) -> date | None:
    """`--date` as staff type it: 2026-11-30 or 30-11-2026."""
    from ekc.core.dutch_input import parse_date

    return prompts.option("--date", parse_date, text)


def interactive() -> bool:
    """Prompt only when a person is at a terminal; a script gets an error instead."""
    return prompts.interactive()


def _console():
    from ekc.cli.output import console

    return console()


WIDE = typer.Option(False, "--wide", help=WIDE_OPTION_HELP)
# Left out first when a table is wider than the terminal; id, phase, days and dates never go.
LIST_DROP = ("variant", "municipality", "coordinator")
LIST_WRAP = ("flags",)


def _committed(result) -> str:
    return f"committed {result.commit[:10]}" if result.commit else "not committed"


# -- new -------------------------------------------------------------------------------------

@case_app.command("new")
def new_command(
    ctx: typer.Context,
    municipality: str | None = typer.Option(None, "--municipality", metavar="CODE|NAME", help="The municipality: CBS code (GM0439) or name (Purmerend)."),
    variant: str | None = typer.Option(None, "--variant", metavar="V", help=f"Code or Dutch name: {_dutch_list(VARIANTS)}."),
    referrer: str | None = typer.Option(None, "--referrer", metavar="R", help="Who asked: professional, self (zelf) or network (netwerk)."),
    referrer_org: str | None = typer.Option(None, "--referrer-org", metavar="O", help="For a professional referrer: youth_protection (jeugdbescherming), youth_care (jeugdzorg), municipality (gemeente), mental_health (ggz), education (onderwijs), justice (justitie), other (anders)."),
    minors: bool | None = typer.Option(None, "--minors/--no-minors", help="Is a minor main person involved?"),
    conditions: bool | None = typer.Option(None, "--conditions/--no-conditions", help="Do professionals set conditions on the plan (drang/dwang)?"),
    professional_help: str | None = typer.Option(None, "--professional-help", metavar="P", help="How long professional help has been involved: none, lt_1y, 1_5y, gt_5y, unknown."),
    reason: list[str] | None = typer.Option(None, "--reason", metavar="R", help="A reason for the request (code or Dutch name); repeat for more."),
    on: str | None = typer.Option(None, "--date", metavar="DATE", help="Day the request came in, 2026-11-30 or 30-11-2026 (default: today)."),
    no_commit: bool = NO_COMMIT,
) -> None:
    """Register a request (aanmelding): case.yaml, a personal.yaml skeleton, one commit; prints the new id.

    In a terminal it asks for what is missing; without one, what is missing is an error (exit 2).
    """
    from ekc.cases.workflow import NewCase, municipality_names, new_case
    from ekc.core import dutch_input as dutch

    app = app_context(ctx)
    root = app.root
    known = municipality_names(root)
    answers = {
        "municipality": prompts.option("--municipality", lambda t: dutch.municipality(t, known), municipality),
        "variant": prompts.option("--variant", lambda t: dutch.choice(t, "variant"), variant),
        "referrer": prompts.option("--referrer", lambda t: dutch.choice(t, "referrer"), referrer),
        "referrer_org": prompts.option("--referrer-org", lambda t: dutch.choice(t, "referrer_org"), referrer_org),
        "minors": minors,
        "conditions": conditions,
        "professional_help": prompts.option("--professional-help", lambda t: dutch.choice(t, "professional_help"), professional_help),
        "reasons": [prompts.option("--reason", lambda t: dutch.choice(t, "reason"), r) for r in reason or []],
        "date": prompts.option("--date", dutch.parse_date, on),
    }
    asked = _complete_new(answers, known, app.today)
    if asked and not prompts.confirm(_new_summary(answers, known)):
        prompts.say("nothing was registered")
        raise typer.Exit(1)
    fields = NewCase(
        municipality=answers["municipality"],
        variant=answers["variant"],
        referrer=answers["referrer"],
        referrer_org=answers["referrer_org"],
        minors_involved=answers["minors"],
        conditions=answers["conditions"],
        professional_help=answers["professional_help"],
        reasons=tuple(answers["reasons"]),
    )
    result = new_case(root, fields, app.today, answers["date"], commit=not no_commit)
    typer.echo(result.case_id)
    typer.echo(f"registered {result.case_id}: {result.paths[0].parent.relative_to(root).as_posix()}/ ({_committed(result)})", err=True)


def _missing(answers: dict, name: str) -> bool:
    if name == "referrer_org":
        return answers["referrer"] == "professional" and answers["referrer_org"] is None
    if name == "reasons":
        return not answers["reasons"]
    if name == "date":
        return False
    return answers[name] is None


_NEW_OPTIONS = (
    ("municipality", "--municipality"), ("variant", "--variant"), ("referrer", "--referrer"),
    ("referrer_org", "--referrer-org"), ("minors", "--minors/--no-minors"), ("conditions", "--conditions/--no-conditions"),
    ("professional_help", "--professional-help"), ("reasons", "--reason"),
)


def _complete_new(answers: dict, known: dict, today: date) -> bool:
    """Ask for what is missing at a terminal, each answer checked at once; without one, name
    all of it at once (exit 2). True when anything was asked (then a summary is confirmed)."""
    from ekc.core import dutch_input as dutch
    from ekc.core.errors import UsageProblem

    if not interactive():
        missing = [option for name, option in _NEW_OPTIONS if _missing(answers, name)]
        if missing:
            raise UsageProblem(f"missing {', '.join(missing)} (no terminal to ask at)")
        return False
    asked = False
    if answers["date"] is None and any(_missing(answers, name) for name, _ in _NEW_OPTIONS):
        answers["date"] = prompts.ask("Datum aanmelding (2026-11-30 of 30-11-2026)", dutch.parse_date, today.isoformat())
        asked = True
    for name, _ in _NEW_OPTIONS:
        if not _missing(answers, name):
            continue
        asked = True
        if name == "municipality":
            prompts.say("Gemeenten:")
            for code, title in sorted(known.items(), key=lambda item: item[1]):
                prompts.say(f"  {title} ({code})")
            answers[name] = prompts.ask("Gemeente (naam of code)", lambda t: dutch.municipality(t, known))
        elif name == "variant":
            answers[name] = prompts.ask_choice("Variant", "variant")
        elif name == "referrer":
            answers[name] = prompts.ask_choice("Aanmelder", "referrer")
        elif name == "referrer_org":
            answers[name] = prompts.ask_choice("Organisatie van de aanmelder", "referrer_org")
        elif name == "minors":
            answers[name] = prompts.ask_yes_no("Minderjarige hoofdpersoon betrokken?")
        elif name == "conditions":
            answers[name] = prompts.ask_yes_no("Voorwaarden van professionals (drang/dwang)?")
        elif name == "professional_help":
            answers[name] = prompts.ask_choice("Hulpverlening betrokken sinds", "professional_help")
        elif name == "reasons":
            answers[name] = prompts.ask_choice("Redenen van de aanmelding", "reason", several=True)
    return asked


def _new_summary(answers: dict, known: dict) -> list[str]:
    from ekc.core.dutch_input import DUTCH_NAMES

    def named(vocabulary, code):
        return f"{code} ({DUTCH_NAMES[vocabulary][code]})" if code else "-"

    return [
        f"gemeente: {known[answers['municipality']]} ({answers['municipality']})",
        f"variant: {named('variant', answers['variant'])}",
        f"aanmelder: {named('referrer', answers['referrer'])}" + (f", {named('referrer_org', answers['referrer_org'])}" if answers["referrer_org"] else ""),
        f"minderjarige betrokken: {'ja' if answers['minors'] else 'nee'}; drang/dwang: {'ja' if answers['conditions'] else 'nee'}",
        f"hulpverlening: {named('professional_help', answers['professional_help'])}",
        "redenen: " + ", ".join(named("reason", r) for r in answers["reasons"]),
        f"datum: {answers['date'] or 'vandaag'}",
    ]


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
    wide: bool = WIDE,
) -> None:
    """The morning view: one row a case, with days in phase and what needs doing (flags).

    At a narrow terminal the Dutch names move to a second line, then columns are left out in
    this order: variant, municipality, coordinator (--wide shows them). With --today in the
    past, the cases as they stood that day.
    """
    from ekc.cases.lifecycle import FLAG_HELP, as_it_stood
    from ekc.cli.output import chosen_format
    from ekc.store.views import morning_view

    as_json = chosen_format(output_format, as_json) == "json"
    app = app_context(ctx)
    loaded = morning_view(app.root, only_open, _value(phase) if phase is not None else None, municipality, coordinator, app.today)
    store = loaded.store
    rows = []
    stood = [f for f in (as_it_stood(c, app.today) for c in store.cases.values()) if f is not None]
    for case_file in sorted(stood, key=lambda c: (c.case.is_closed, c.case.registered_on, c.case.id)):
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

    from ekc.cli.output import legend, print_table

    table = Table(box=None, pad_edge=False, header_style="bold")
    for title in ("id", "variant", "municipality", "phase", "coordinator", "days", "flags"):
        table.add_column(title, justify="right" if title == "days" else "left", no_wrap=True)
    for row in rows:
        table.add_row(
            row["id"], with_dutch(row["variant"]), row["municipality"], with_dutch(row["phase"]),
            row["coordinator"] or "-", str(row["days_in_phase"]), ", ".join(row["flags"]),
        )
    if rows:
        print_table(table, drop=LIST_DROP, wrap=LIST_WRAP, wide=wide)
    else:
        typer.echo("no cases match")
    shown = sorted({flag for row in rows for flag in row["flags"]})
    for flag in shown:
        legend(f"{flag}: {FLAG_HELP[flag]}", indent=2)
    if unreadable:
        typer.echo(f"ekc: {len(unreadable)} case file(s) have errors and are not listed; run `ekc validate`", err=True)


# -- show ------------------------------------------------------------------------------------

@case_app.command("show")
def show_command(
    ctx: typer.Context,
    case_id: str = CASE_ID,
    personal: bool = typer.Option(False, "--personal", help="Also show personal.yaml (names, contacts, preferences)."),
    output_format: TextOrJson = typer.Option(TextOrJson.text, "--format", help="text: for people; json: one document (personal data only with --personal)."),
    as_json: bool = typer.Option(False, "--json", help="Shorthand for --format json."),
    wide: bool = WIDE,
) -> None:
    """One case with its history; personal data only when asked for."""
    from ekc.cases.lifecycle import as_it_stood
    from ekc.cases.workflow import find_case, load_case
    from ekc.core.errors import Refused
    from ekc.cli.output import chosen_format

    as_json = chosen_format(output_format, as_json) == "json"
    app = app_context(ctx)
    loaded = load_case(app.root, case_id)
    case_file = as_it_stood(find_case(loaded, case_id), app.today)
    if case_file is None:
        raise Refused(f"{case_id.strip().upper()} was registered after {app.today} (--today): it did not exist yet")
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
    _render_case(document, case, case_file, loaded.root if personal else None, wide)


def _render_case(document: dict, case, case_file, root, wide: bool = False) -> None:
    from rich.table import Table

    from ekc.cli.output import legend, print_table

    console = _console()
    legend(f"{case.id}  {with_dutch(case.phase)} since {case.phase_since} ({document['days_in_phase']} days)")
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
        legend(f"{label:<18} {value}", indent=2)
    table = Table(title="history", box=None, pad_edge=False, header_style="bold", title_justify="left")
    table.add_column("phase", no_wrap=True)
    table.add_column("date", no_wrap=True)
    table.add_column("days", justify="right")
    for entry in document["history"]:
        table.add_row(with_dutch(entry["phase"]), entry["date"], "" if entry["days"] is None else str(entry["days"]))
    print_table(table, wide=wide, con=console)
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
    case_id: str = CASE_ID,
    to: PhaseChoice | None = typer.Option(None, "--to", help=f"The phase to move to (default: the next one; with --outcome: closed): {_dutch_list(PHASES)}."),
    on: str | None = typer.Option(None, "--date", metavar="YYYY-MM-DD", help="Day the phase began (default: today)."),
    outcome: OutcomeChoice | None = typer.Option(None, "--outcome", help=f"When closing: {_dutch_list(get_args(Outcome))}."),
    stop_reason: StopReasonChoice | None = typer.Option(None, "--stop-reason", help="With outcome stopped: why."),
    unfunded: bool = typer.Option(False, "--unfunded", help="Start (informative_talk) without a covering contract; recorded as unfunded_start: true."),
    no_commit: bool = NO_COMMIT,
) -> None:
    """Move a case to its next phase, checking order, the data the phase needs and, at the start, funding.

    Leaving meeting_aftercare or follow_up needs its meeting: `ekc case meeting ID` records it.
    """
    from ekc.cases.workflow import advance

    app = app_context(ctx)
    result = advance(
        app.root, case_id, app.today, _value(to), _date(on), _value(outcome), _value(stop_reason), unfunded,
        commit=not no_commit,
    )
    confirm(f"{result.case_id}: {with_dutch(result.from_phase)} -> {with_dutch(result.to_phase)} on {result.on} ({_committed(result)})")
    for note in result.notes():
        confirm(note)


# -- assign ----------------------------------------------------------------------------------

@case_app.command("assign")
def assign_command(
    ctx: typer.Context,
    case_id: str = CASE_ID,
    coordinator: str = typer.Argument(..., metavar="COORDINATOR", help="A coordinator id, C-....."),
    force: str | None = typer.Option(None, "--force", metavar="REASON", help="Overrule the eligibility rules; the reason (no names!) goes into the commit message."),
    no_commit: bool = NO_COMMIT,
) -> None:
    """Make a coordinator responsible for a case, after checking they may take it."""
    from ekc.cases.workflow import assign

    app = app_context(ctx)
    result = assign(app.root, case_id, coordinator, app.today, force_reason=force, commit=not no_commit)
    if not result.changed:
        confirm(f"{result.case_id}: {result.coordinator} is already its coordinator; nothing changed")
        return
    replaced = f", replacing {result.previous}" if result.previous else ""
    confirm(f"{result.case_id}: coordinator {result.coordinator}{replaced} ({_committed(result)})")
    if result.forced_past:
        confirm(f"ekc: warning: forced past: {'; '.join(result.forced_past)}")


# -- meeting ---------------------------------------------------------------------------------

@case_app.command("meeting")
def meeting_command(
    ctx: typer.Context,
    case_id: str = CASE_ID,
    on: str | None = typer.Option(None, "--date", metavar="DATE", help="Day of the meeting, 2026-11-30 or 30-11-2026 (default: today)."),
    follow_up: bool = typer.Option(False, "--follow-up", help="The meeting of a follow-up conference (vervolgconferentie); implied in phase follow_up."),
    venue: str | None = typer.Option(None, "--venue", metavar="V", help="Where: " + ", ".join(f"{code} ({label.dutch})" for code, label in LABELS["venue"].items()) + "."),
    evening: bool | None = typer.Option(None, "--evening/--daytime", help="Did the meeting run into the evening? (default without a terminal: daytime)"),
    hours: str | None = typer.Option(None, "--hours", metavar="H", help="Hours in all, 4 or 3,5."),
    private_hours: str | None = typer.Option(None, "--private-hours", metavar="H", help="Hours of the family's private time (besloten deel), 2 or 1,5."),
    attendees: str | None = typer.Option(None, "--attendees", metavar="K=N,...", help="minor_main=N,adult_main=N,family=N,network=N,professional=N (left out: 0)."),
    plan: str | None = typer.Option(None, "--plan", metavar="PARTS", help="A plan was made, with these parts: made,evaluation,contingency,professional_help."),
    no_plan: bool = typer.Option(False, "--no-plan", help="No plan was made."),
    follow_up_agreed: bool | None = typer.Option(None, "--follow-up-agreed/--no-follow-up-agreed", help="Was a follow-up conference agreed? (default without a terminal: no)"),
    no_commit: bool = NO_COMMIT,
) -> None:
    """Record a case's meeting (formele bijeenkomst) in case.yaml, checked against its phase; one commit.

    In a terminal it asks for what is missing and shows a summary to confirm. Without one,
    --venue, --hours, --private-hours, --attendees and --plan or --no-plan are needed.
    """
    from ekc.cases import meetings
    from ekc.cases.workflow import find_case, load_case
    from ekc.core import dutch_input as dutch
    from ekc.core.errors import Refused, UsageProblem

    app = app_context(ctx)
    if plan is not None and no_plan:
        raise UsageProblem("--plan and --no-plan exclude each other")
    case = find_case(load_case(app.root, case_id), case_id).case
    follow = follow_up or meetings.default_follow_up(case)
    answers = {
        "date": prompts.option("--date", dutch.parse_date, on),
        "venue": prompts.option("--venue", lambda t: dutch.choice(t, "venue"), venue),
        "evening": evening,
        "hours": prompts.option("--hours", lambda t: dutch.parse_decimal(t, 0, 24, "number of hours"), hours),
        "private_hours": prompts.option("--private-hours", lambda t: dutch.parse_decimal(t, 0, 24, "number of hours"), private_hours),
        "attendees": prompts.option("--attendees", meetings.parse_attendees, attendees),
        "plan": {k: False for k in meetings.PLAN_KEYS} if no_plan else prompts.option("--plan", meetings.parse_plan, plan),
        "follow_up_agreed": follow_up_agreed,
    }

    def check(meeting_date: date) -> date:
        refusal = meetings.meeting_refusal(case, meetings.MeetingInput(meeting_date, follow), app.today)
        if refusal:
            raise dutch.InputProblem(refusal)
        return meeting_date

    # The phase is checked before anything is asked: no point in ten questions for a refusal.
    refusal = meetings.meeting_refusal(case, meetings.MeetingInput(answers["date"] or app.today, follow), app.today)
    if refusal and (answers["date"] is not None or not interactive() or meetings.meeting_phase(case) is None or follow != meetings.default_follow_up(case)):
        raise Refused(f"{case.id}: {refusal}")
    asked = False
    required = ("venue", "hours", "private_hours", "attendees", "plan")
    if interactive():
        if answers["date"] is None:
            answers["date"] = prompts.ask("Datum van de bijeenkomst", lambda t: check(dutch.parse_date(t)), app.today.isoformat())
            asked = True
        if answers["venue"] is None:
            answers["venue"] = prompts.ask_choice("Locatie", "venue")
            asked = True
        if answers["evening"] is None:
            answers["evening"] = prompts.ask_yes_no("Liep de bijeenkomst door tot in de avond?", False)
            asked = True
        if answers["hours"] is None:
            answers["hours"] = prompts.ask("Duur in uren (bijv. 3,5)", lambda t: dutch.parse_decimal(t, 0, 24, "number of hours"))
            asked = True
        if answers["private_hours"] is None:
            total = answers["hours"]

            def private(text: str) -> float:
                value = dutch.parse_decimal(text, 0, 24, "number of hours")
                if value > total:
                    raise dutch.InputProblem(f"the private time ({text}) cannot be longer than the whole meeting ({total:g} hours)")
                return value

            answers["private_hours"] = prompts.ask("Waarvan besloten deel (familie alleen), in uren", private)
            asked = True
        if answers["attendees"] is None:
            counts = {}
            for key, label in (("minor_main", "minderjarige hoofdpersonen"), ("adult_main", "volwassen hoofdpersonen"),
                               ("family", "familieleden"), ("network", "netwerk (vrienden, buren)"), ("professional", "professionals")):
                counts[key] = prompts.ask(f"Aanwezig: {label}", lambda t: dutch.parse_count(t, "number of people"), "0")
            answers["attendees"] = counts
            asked = True
        if answers["plan"] is None:
            made = prompts.ask_yes_no("Is er een plan gemaakt?")
            answers["plan"] = {"made": made, "evaluation": False, "contingency": False, "professional_help": False}
            if made:
                answers["plan"]["evaluation"] = prompts.ask_yes_no("  met evaluatie-afspraak?")
                answers["plan"]["contingency"] = prompts.ask_yes_no("  met een plan B (als het misgaat)?")
                answers["plan"]["professional_help"] = prompts.ask_yes_no("  met hulp van professionals?")
            asked = True
        if answers["follow_up_agreed"] is None:
            answers["follow_up_agreed"] = prompts.ask_yes_no("Vervolgconferentie afgesproken?", False)
            asked = True
    else:
        missing = [f"--{name.replace('_', '-')}" + (" or --no-plan" if name == "plan" else "") for name in required if answers[name] is None]
        if missing:
            raise UsageProblem(f"missing {', '.join(missing)} (no terminal to ask at)")
    meeting = meetings.MeetingInput(
        date=answers["date"] or app.today, follow_up=follow, venue=answers["venue"],
        daytime_only=not answers["evening"], hours_total=answers["hours"], hours_private=answers["private_hours"],
        attendees=answers["attendees"], plan=answers["plan"], follow_up_agreed=bool(answers["follow_up_agreed"]),
    )
    if asked and not prompts.confirm(meetings.meeting_summary(case.id, meeting)):
        prompts.say("nothing was recorded")
        raise typer.Exit(1)
    result = meetings.record_meeting(app.root, case.id, meeting, app.today, commit=not no_commit)
    typer.echo(f"{result.case_id}: {'follow-up meeting' if meeting.follow_up else 'meeting'} of {meeting.date} recorded in {with_dutch(result.phase)} ({_committed(result)})")


# -- forms -----------------------------------------------------------------------------------

@case_app.command("forms")
def forms_command(
    ctx: typer.Context,
    case_id: str = CASE_ID,
    out: str | None = typer.Option(None, "--out", metavar="K=N,...", help="Forms handed out: minors=N,adults=N,professionals=N."),
    minor: list[str] | None = typer.Option(None, "--minor", metavar="meeting=G,plan=G,coordinator=G", help="A minor's returned form; repeat for each. Grades 1-10, 7,5 allowed."),
    adult: list[str] | None = typer.Option(None, "--adult", metavar="role=R,meeting=G,...", help="An adult's form: role (main/hoofdpersoon, family/familie, network/netwerk), meeting, plan, coordinator, referrer."),
    professional: list[str] | None = typer.Option(None, "--professional", metavar="meeting=G,...,good_decision=D", help="A professional's form; good_decision: fully (helemaal), partly (gedeeltelijk), not (niet)."),
    coordinator_grades: str | None = typer.Option(None, "--coordinator-grades", metavar="professionals=G,regional_manager=G", help="The coordinator's own grades."),
    no_commit: bool = NO_COMMIT,
) -> None:
    """Add returned satisfaction forms (tevredenheidsformulieren), anonymous, to case.yaml; one commit.

    In a terminal, with none of the options, it asks form by form.
    """
    from ekc.cases import meetings
    from ekc.cases.workflow import find_case, load_case
    from ekc.core import dutch_input as dutch
    from ekc.core.errors import UsageProblem

    app = app_context(ctx)
    case = find_case(load_case(app.root, case_id), case_id).case
    forms = meetings.FormsInput(
        forms_out=prompts.option("--out", meetings.parse_forms_out, out),
        minors=tuple(prompts.option("--minor", lambda t: meetings.parse_form(t, "minor"), m) for m in minor or []),
        adults=tuple(prompts.option("--adult", lambda t: meetings.parse_form(t, "adult"), a) for a in adult or []),
        professionals=tuple(prompts.option("--professional", lambda t: meetings.parse_form(t, "professional"), p) for p in professional or []),
        coordinator=prompts.option("--coordinator-grades", lambda t: meetings.parse_form(t, "coordinator"), coordinator_grades),
    )
    asked = False
    if forms.empty:
        if not interactive():
            raise UsageProblem("missing --out, --minor, --adult, --professional or --coordinator-grades (no terminal to ask at)")
        if not case.meetings:
            from ekc.core.errors import Refused

            raise Refused(f"{case.id}: {meetings.forms_refusal(case, forms)}")
        forms = _ask_forms(case)
        asked = True
    if asked and not prompts.confirm(meetings.forms_summary(case.id, forms)):
        prompts.say("nothing was added")
        raise typer.Exit(1)
    result = meetings.record_forms(app.root, case.id, forms, commit=not no_commit)
    typer.echo(f"{result.case_id}: satisfaction forms added ({_committed(result)})")


def _grade_or_skip(text: str):
    from ekc.core.dutch_input import parse_grade

    return None if text.strip() == "-" else parse_grade(text)


def _ask_forms(case):
    """Form by form: how many came back of each kind, then each form's grades (`-`: left blank)."""
    from ekc.cases import meetings
    from ekc.core import dutch_input as dutch

    current = case.satisfaction.forms_out if case.satisfaction and case.satisfaction.forms_out else None
    out = None
    if current is None:
        out = {k: prompts.ask(f"Formulieren uitgedeeld aan {label}", lambda t: dutch.parse_count(t, "number of forms"), "0")
               for k, label in (("minors", "minderjarigen"), ("adults", "volwassenen"), ("professionals", "professionals"))}
    groups = {}
    for group, label, keys in (("minors", "minderjarigen", meetings.MINOR_KEYS), ("adults", "volwassenen", meetings.ADULT_KEYS),
                               ("professionals", "professionals", meetings.PROFESSIONAL_KEYS)):
        count = prompts.ask(f"Teruggekomen formulieren van {label}", lambda t: dutch.parse_count(t, "number of forms"), "0")
        forms = []
        for number in range(1, count + 1):
            prompts.say(f"{label}, formulier {number} (cijfers 1-10, 7,5 mag; - = niet ingevuld):")
            form = {}
            for key in keys:
                if key == "role":
                    form[key] = prompts.ask_choice("  rol", "adult_role")
                elif key == "good_decision":
                    form[key] = prompts.ask_choice("  goede beslissing?", "good_decision")
                else:
                    value = prompts.ask(f"  cijfer {_GRADE_LABELS[key]}", _grade_or_skip, "-")
                    if value is not None:
                        form[key] = value
            forms.append(form)
        groups[group] = tuple(forms)
    coordinator = {}
    for key, label in (("professionals", "samenwerking met professionals"), ("regional_manager", "de regiomanager")):
        value = prompts.ask(f"Cijfer van de coördinator voor {label}", _grade_or_skip, "-")
        if value is not None:
            coordinator[key] = value
    return meetings.FormsInput(forms_out=out, coordinator=coordinator or None, **groups)


_GRADE_LABELS = {"meeting": "bijeenkomst", "plan": "plan", "coordinator": "coördinator", "referrer": "verwijzer"}
