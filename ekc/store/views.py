"""What each everyday command loads: the cases its question is about, not the whole history.

Every file is still stat'ed and every verdict is current (ekc/store/loader.py); only the
full models are limited to the chosen cases. The choice is made on the CaseSummary kept in
the store index, so choosing costs no parsing and no model.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ekc.store.loader import WORKING_KINDS, Loaded, load


def is_open(summary) -> bool:
    return not summary.is_closed


def morning_view(root: Path, only_open: bool = False, phase: str | None = None,
                 municipality: str | None = None, coordinator: str | None = None, today: date | None = None) -> Loaded:
    """`case list`: the cases its filters can show (all of them without filters), judged as
    the cases stood on `today` (a case closed since was open then)."""
    municipality = municipality.strip().upper() if municipality else None
    coordinator = coordinator.strip().upper() if coordinator else None

    def shown(summary) -> bool:
        if only_open and summary.phases[-1] == "closed" and (today is None or summary.dates[-1] <= today):
            return False  # closed by then (phase_on: the last entry on or before `today` wins): most of the history, at once
        if (municipality is not None and summary.municipality != municipality) or (
            coordinator is not None and summary.coordinator != coordinator
        ):
            return False
        then = summary.phase if today is None else phase_on(summary, today)
        if then is None:
            return False  # not yet registered that day
        return (not only_open or then != "closed") and (phase is None or then == phase)

    return load(root, kinds=WORKING_KINDS, select=shown)


def phase_on(summary, day: date) -> str | None:
    """The phase a case was in on `day` (None before its registration)."""
    then = None
    for phase, entered in zip(summary.phases, summary.dates):
        if entered <= day:  # as ekc.cases.lifecycle.as_it_stood reads the history
            then = phase
    return then


def for_matching(root: Path, case_id: str | None = None) -> Loaded:
    """`match`: the open cases with their personal.yaml, the pool and the registries, and
    the named case even when closed (to say so). The closed history enters only as counts
    (`conferences`), taken from the index."""
    return load(root, kinds=WORKING_KINDS, select=lambda summary: summary.id == case_id or not summary.is_closed)


def conferences(loaded: Loaded) -> dict[str, int]:
    """Closed cases per coordinator that reached a meeting, from every case in the index."""
    counts: dict[str, int] = {}
    for path, entry in loaded.entries.items():
        if entry.met and path.endswith("/case.yaml"):  # `met` first: most of the history is one test
            summary = entry.verdict.summary
            if summary is not None and summary.coordinator is not None and summary.phases[-1] == "closed":
                counts[summary.coordinator] = counts.get(summary.coordinator, 0) + 1
    return counts


def closed_in(root: Path, year: int) -> Loaded:
    """`report --year Y`: the cases closed in Y (and the registries)."""

    def wanted(summary) -> bool:
        closed = summary.closed_on
        return closed is not None and closed.year == year

    return load(root, kinds=frozenset(WORKING_KINDS - {"personal"}), select=wanted)
