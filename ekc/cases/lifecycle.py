"""The rules of moving a case through its phases (DOMAIN.md), as plain functions.

Everything here answers "may this happen, and if not, what should the person do instead?"
without touching a file: the shell (ekc/cases/workflow.py) reads, asks these functions, writes.
Each refusal is a `Refusal` whose message names the rule, so a regiomanager reading
`ekc: ...` knows both why and what to do next.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ekc.model.case import Case
from ekc.model.datastore import CaseFile, DataStore
from ekc.model.municipalities import Contract
from ekc.model.vocabulary import EK2_VARIANTS, OPEN_PHASES, OUTCOMES_WITH_MEETING, PHASES, phase_index, with_dutch
from ekc.purge.retention import is_expired

MEETING_PHASES = ("meeting_aftercare", "follow_up")

# DOMAIN.md, "how it can end": the outcomes that make sense when a case closes from a phase.
OUTCOMES_FROM: dict[str, tuple[str, ...]] = {
    "registered": ("declined", "stopped"),
    "informative_talk": ("own_plan", "declined", "stopped"),
    "connect_activate": ("own_plan", "declined", "stopped"),
    "meeting_aftercare": ("plan", "no_plan"),
    "follow_up": ("plan", "no_plan"),
}


@dataclass(frozen=True)
class Refusal:
    rule: str  # a short code: phase-order, coordinator, meeting, outcome, funding, date, ...
    message: str

    def __str__(self) -> str:
        return f"{self.message} [{self.rule}]"


@dataclass(frozen=True)
class Transition:
    """A checked move: what to append to history and which fields to set."""

    case_id: str
    from_phase: str
    to_phase: str
    on: date
    outcome: str | None = None
    stop_reason: str | None = None
    unfunded_start: bool = False
    contract: str | None = None  # the contract funding a start, for the message


def default_target(case: Case, outcome: str | None) -> str | None:
    """The phase `case advance` moves to without `--to`.

    An outcome means closing. Otherwise the next phase in DOMAIN.md's order; from
    follow_up (which may repeat) the next step is closing, which needs an outcome.
    """
    if outcome is not None:
        return "closed"
    phase = case.phase
    if phase == "closed":
        return None
    if phase == "follow_up":
        return "closed"
    return PHASES[phase_index(phase) + 1]


def order_refusal(current: str, target: str) -> Refusal | None:
    """No skipped phase, no step back; a case may close from any open phase."""
    if current == "closed":
        return Refusal("phase-order", "the case is closed; closed is final (nothing follows it)")
    if target == "closed":
        return None
    if target == "follow_up" and current in MEETING_PHASES:
        return None
    now, then = phase_index(current), phase_index(target)
    if then <= now:
        return Refusal("phase-order", f"{with_dutch(target)} after {with_dutch(current)} goes back; phases never go back")
    if then > now + 1:
        skipped = with_dutch(PHASES[now + 1])
        return Refusal(
            "phase-order",
            f"{with_dutch(target)} after {with_dutch(current)} skips {skipped}; advance to {PHASES[now + 1]} first",
        )
    return None


def meeting_in_phase(case: Case, until: date) -> bool:
    """Is a meeting recorded in the current meeting phase, on or before `until`?"""
    since = case.phase_since
    return any(since <= meeting.date <= until for meeting in case.meetings)


def funding_refusal(store: DataStore, case: Case, on: date, today: date) -> tuple[Refusal | None, Contract | None]:
    """A start needs a contract of the case's municipality covering the date and variant, with
    room left; what counts as used is `ekc.budget.funding`'s to say, as for `ekc budget check`."""
    from ekc.budget.funding import contract_use, funding

    municipality = store.municipalities.get(case.municipality)
    name = f"{case.municipality} ({municipality.name})" if municipality else case.municipality
    override = "use --unfunded to start anyway (recorded as unfunded_start: true)"
    contract, _ = funding(municipality, on, case.variant)
    if contract is None:
        return Refusal(
            "funding",
            f"no contract of {name} covers a {case.variant} start on {on}: "
            f"ask the municipality for one, or {override}",
        ), None
    used = contract_use(municipality, contract, (f.case for f in store.cases.values()), max(on, today), excluding=case.id)
    starts = used.starts
    if starts >= contract.conferences:
        return Refusal(
            "funding",
            f"contract {contract.id} of {name} has used its {contract.conferences} budgeted conferences "
            f"({starts} started): talk to the municipality, or {override}",
        ), contract
    if contract.budget_eur is not None and contract.tariffs_eur and "informative_talk" in contract.tariffs_eur:
        spent = used.spent_eur
        tariff = contract.tariffs_eur["informative_talk"]
        if spent + tariff > contract.budget_eur:
            return Refusal(
                "funding",
                f"contract {contract.id} of {name} has EUR {contract.budget_eur - spent:,.0f} left, less than the "
                f"informative talk's tariff of EUR {tariff:,.0f}: talk to the municipality, or {override}",
            ), contract
    return None, contract


def check_advance(
    store: DataStore,
    case_file: CaseFile,
    today: date,
    *,
    to: str | None = None,
    on: date | None = None,
    outcome: str | None = None,
    stop_reason: str | None = None,
    unfunded: bool = False,
) -> Transition | Refusal:
    """Every rule a phase change must pass, first failure wins (each says what to do)."""
    case = case_file.case
    on = on or today
    target = to or default_target(case, outcome)
    if target is None or case.phase == "closed":
        return Refusal("phase-order", "the case is closed; closed is final (nothing follows it)")
    refusal = order_refusal(case.phase, target)
    if refusal:
        return refusal
    if on > today:
        return Refusal("date", f"{on} is after today ({today}); record a phase change when it has happened")
    if on < case.phase_since:
        return Refusal(
            "date",
            f"{on} is before {case.phase_since}, when the case entered {with_dutch(case.phase)}; dates in history never decrease",
        )
    if target != "closed" and case.coordinator is None:
        return Refusal(
            "coordinator",
            f"{with_dutch(target)} needs a coordinator: assign one first with `ekc case assign {case.id} C-....` "
            f"(`ekc match {case.id}` ranks the candidates)",
        )
    if case.coordinator is not None and target != "closed":
        coordinator = store.coordinators.get(case.coordinator)
        if coordinator is None:
            return Refusal("coordinator", f"coordinator {case.coordinator} is not in coordinators.yaml; assign an existing one")
        if case.variant in EK2_VARIANTS and not coordinator.has_ek2:
            return Refusal(
                "ek2",
                f"a {case.variant} case needs a coordinator trained in EK-2; {coordinator.id} is not: assign another one",
            )
    if case.phase in MEETING_PHASES and not meeting_in_phase(case, on):
        return Refusal(
            "meeting",
            f"leaving {with_dutch(case.phase)} needs a record of its meeting, held on or after {case.phase_since} "
            f"(and on or before {on}): record it with `ekc case meeting {case.id}"
            f"{' --follow-up' if case.phase == 'follow_up' else ''}`, then advance again",
        )
    if target == "closed":
        refusal = _closing_refusal(case, outcome, stop_reason)
        if refusal:
            return refusal
    elif outcome is not None or stop_reason is not None:
        return Refusal("outcome", f"an outcome or stop reason is only set when closing; use --to closed, not --to {target}")
    transition = Transition(case.id, case.phase, target, on, outcome, stop_reason)
    if target == "informative_talk":
        refusal, contract = funding_refusal(store, case, on, today)
        if refusal and not unfunded:
            return refusal
        return Transition(case.id, case.phase, target, on, unfunded_start=refusal is not None,
                          contract=None if refusal else (contract.id if contract else None))
    if unfunded:
        return Refusal("funding", "--unfunded is only for the start (advancing to informative_talk)")
    return transition


def _closing_refusal(case: Case, outcome: str | None, stop_reason: str | None) -> Refusal | None:
    allowed = OUTCOMES_FROM[case.phase]
    choices = ", ".join(allowed)
    if outcome is None:
        return Refusal("outcome", f"closing needs an outcome: --outcome one of {choices} (from {with_dutch(case.phase)})")
    if outcome not in allowed:
        why = (
            "a meeting was held, so the outcome is plan or no_plan"
            if case.phase in MEETING_PHASES
            else "there was no meeting, so plan and no_plan are impossible"
            if outcome in OUTCOMES_WITH_MEETING
            else f"{with_dutch(case.phase)} ends in {choices}"
        )
        return Refusal("outcome", f"outcome {outcome} cannot close a case in {with_dutch(case.phase)}: {why}; use one of {choices}")
    if outcome == "stopped" and stop_reason is None:
        return Refusal(
            "stop-reason",
            "outcome stopped needs a reason: --stop-reason circumstances_changed, network_too_small, unwilling, conflict or other",
        )
    if outcome != "stopped" and stop_reason is not None:
        return Refusal("stop-reason", f"a stop reason is only for outcome stopped, not {outcome}")
    return None


def appointment_overdue(case: Case, on: date, within_days: int) -> int:
    """Days beyond the appointment promise an informative talk on `on` comes (0: kept)."""
    return max(0, (on - case.registered_on).days - within_days)


# -- the morning view ------------------------------------------------------------------

def days_in_phase(case: Case, today: date) -> int:
    return (today - case.phase_since).days


def flags(case_file: CaseFile, store: DataStore, today: date) -> list[str]:
    """What a regiomanager should act on today."""
    case = case_file.case
    found = []
    within = store.settings.appointment_within_days
    if case.phase == "registered" and (today - case.registered_on).days > within:
        found.append("appointment-missed")
    if case.phase in OPEN_PHASES and case.coordinator is None:
        found.append("no-coordinator")
    if case_file.personal_present and is_expired(case, store.settings.retention_months, today):
        found.append("purge-due")
    if case.unfunded_start:
        found.append("unfunded")
    return found


FLAG_HELP = {
    "appointment-missed": "registered longer than the appointment promise without an informative talk",
    "no-coordinator": "open and no coordinator assigned",
    "purge-due": "closed, retention passed, personal.yaml still present: run ekc purge",
    "unfunded": "started without a covering contract",
}


def as_it_stood(case_file: CaseFile, today: date) -> CaseFile | None:
    """The case as it was on `today`, for `--today` in the past: None when it was not yet
    registered; otherwise without the phases, meetings and closure that came later, so no
    phase has a negative number of days. A case file of today's data comes back as it is."""
    from dataclasses import replace

    case = case_file.case
    if case.registered_on > today:
        return None
    if case.phase_since <= today and all(m.date <= today for m in case.meetings):
        return case_file
    history = [entry for entry in case.history if entry.date <= today]
    closed = history[-1].phase == "closed"
    earlier = case.model_copy(update={
        "history": history,
        "meetings": [m for m in case.meetings if m.date <= today],
        "outcome": case.outcome if closed else None,
        "stop_reason": case.stop_reason if closed else None,
        "satisfaction": case.satisfaction if closed else None,
    })
    return replace(case_file, case=earlier)


def store_as_it_stood(store: DataStore, today: date) -> DataStore:
    """The store as it was on `today` (`--today` in the past): later cases left out, the
    others without what came later. The same store when nothing lies after today."""
    from dataclasses import replace

    stood = {}
    changed = False
    for case_id, case_file in store.cases.items():
        earlier = as_it_stood(case_file, today)
        changed = changed or earlier is not case_file
        if earlier is not None:
            stood[case_id] = earlier
    return replace(store, cases=stood) if changed else store
