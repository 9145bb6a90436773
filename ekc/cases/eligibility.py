"""Who may coordinate a case: the hard rules shared by `ekc case assign` and `ekc match`.

One place, so that a match never proposes someone `case assign` would refuse, and the
other way round. Each failed rule is a human-readable reason, in the words a regiomanager
would use on the phone.
"""

from datetime import date, timedelta

from ekc.model.case import Case
from ekc.model.coordinators import Coordinator
from ekc.model.datastore import DataStore
from ekc.model.personal import Personal
from ekc.model.vocabulary import EK2_VARIANTS


def open_case_count(store: DataStore, coordinator_id: str, excluding: str | None = None) -> int:
    count = store.open_case_counts[coordinator_id]
    current = store.cases.get(excluding) if excluding else None
    if current is not None and not current.case.is_closed and current.case.coordinator == coordinator_id:
        count -= 1
    return count


def first_available_day(coordinator: Coordinator, start: date, within_days: int) -> date | None:
    """The first day in [start, start + within_days] the coordinator is not on leave."""
    for offset in range(within_days + 1):
        day = start + timedelta(days=offset)
        if not coordinator.is_unavailable(day):
            return day
    return None


def hard_rule_failures(
    coordinator: Coordinator,
    case: Case,
    store: DataStore,
    on: date,
    personal: Personal | None = None,
    within_days: int = 0,
    taken: int | None = None,
    standing: list[str] | None = None,
) -> list[str]:
    """Every hard rule the coordinator fails for this case on `on`; empty means eligible.

    `within_days` is the appointment promise: available on some day from `on` to
    `on + within_days` (0: on `on` itself, as `case assign` checks).
    `taken` is the coordinator's open cases other than this one, when the caller has
    counted them already: `ekc match` weighs a whole pool, and counting per coordinator
    would walk every case once for each of them. `standing` is what `standing_failures`
    returned for this coordinator, day, promise and load, when the caller keeps it.
    """
    if standing is None:
        if taken is None:
            taken = open_case_count(store, coordinator.id, excluding=case.id)
        standing = standing_failures(coordinator, on, within_days, taken)
    return standing + case_failures(coordinator, case, personal)


def standing_failures(coordinator: Coordinator, on: date, within_days: int, taken: int) -> list[str]:
    """The hard rules that do not depend on the case: `ekc match --open` checks them once
    per coordinator instead of once per coordinator and case."""
    failures = []
    if not coordinator.active:
        failures.append("not active")
    if not coordinator.has_agreement(on.year):
        failures.append(f"no agreement for {on.year}")
    if taken >= coordinator.max_cases:
        failures.append(f"full: {taken} of {coordinator.max_cases} places taken")
    if first_available_day(coordinator, on, within_days) is None:
        span = f"on {on}" if within_days == 0 else f"from {on} to {on + timedelta(days=within_days)}"
        failures.append(f"unavailable {span}")
    return failures


def case_failures(coordinator: Coordinator, case: Case, personal: Personal | None = None) -> list[str]:
    """The hard rules that depend on the case: its variant and the family's exclusions."""
    failures = []
    if case.variant in EK2_VARIANTS and not coordinator.has_ek2:
        failures.append(f"no EK-2: {case.variant} case")
    if personal is not None and coordinator.id in personal.exclude_coordinators:
        failures.append("excluded by the family: knows them, not independent")
    return failures
