"""Warnings that depend on today: things a person should act on, not broken data."""

from datetime import date

from ekc.core.dates import add_months
from ekc.core.findings import Finding, warning
from ekc.model.datastore import DataStore
from ekc.purge.retention import purge_due_on
from ekc.validate.rules.registry_rules import COORDINATORS

STALE_AFTER_MONTHS = 6


def _or_never(compute, *args) -> date | None:
    """A date past 9999-12-31 (a typo like 9999-09-02 in history) never comes."""
    try:
        return compute(*args)
    except (ValueError, OverflowError):
        return None


def attention_dates(case, retention_months: int) -> tuple[date | None, date | None]:
    """(purge due, stale on) of one case: a pure function of the case, so it can be kept
    with the case's content key; only the comparison with today runs every time."""
    due = _or_never(purge_due_on, case, retention_months)
    stale_on = None if case.is_closed else _or_never(add_months, case.phase_since, STALE_AFTER_MONTHS)
    return due, stale_on


def case_attention(case_file, due: date | None, stale_on: date | None, today: date) -> list[Finding]:
    case = case_file.case
    found = []
    if due is not None and today >= due and case_file.personal_present:
        found.append(warning(
            case_file.personal_path, "purge-due",
            f"case {case.id} closed on {case.closed_on}; its personal data was due for purging on {due}: run ekc purge",
        ).located(1, 1))
    if stale_on is not None and stale_on <= today:
        found.append(warning(
            case_file.path, "stale",
            f"no phase change since {case.phase_since} ({case.phase}); is the case still running?",
            ("history", case.history_len - 1),
        ))
    return found


def coordinator_attention(store: DataStore, today: date) -> list[Finding]:
    found = []
    open_counts = store.open_case_counts
    for index, coordinator in enumerate(store.coordinators.values()):
        open_cases = open_counts[coordinator.id]
        if open_cases and not coordinator.has_agreement(today.year):
            found.append(warning(
                COORDINATORS, "agreement",
                f"{coordinator.id} has {open_cases} open case(s) but no agreement for {today.year}",
                ("coordinators", index, "agreements"),
            ))
    return found


def check_attention(store: DataStore, today: date) -> list[Finding]:
    found = []
    retention = store.settings.retention_months
    for case_file in store.cases.values():
        found.extend(case_attention(case_file, *attention_dates(case_file.case, retention), today))
    return found + coordinator_attention(store, today)
