"""The one owner of "which contract funds this start or this phase, and what is spent".

DATA-FORMAT.md: a *start* is a case entering `informative_talk`; it counts against the
contract of the case's municipality whose period holds that date and whose variants include
the case's variant. A phase's tariff counts against the contract whose period holds the day
the phase was entered; every `follow_up` entry counts again.

One reading of our own: a contract that does not cover a case's variant pays for none of
that case's services either, not only for its start. A municipality that did not agree to
restorative conferences is not invoiced for one; such services are listed as unfunded.

Everything is "as of today": entries dated after `today` are not counted. `ekc case
advance` (may this start be funded?) and `ekc budget check` (what is used?) both count
through `contract_use` and `funding`, so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import get_args

from ekc.model.case import Case, PhaseEntry
from ekc.model.municipalities import Contract, Municipality
from ekc.model.vocabulary import TariffPhase

TARIFF_PHASES: frozenset[str] = frozenset(get_args(TariffPhase))

# Why a start or a service has no contract to count against.
NO_CONTRACT = "no_contract"  # no contract of the municipality holds the date
VARIANT_NOT_COVERED = "variant_not_covered"  # one does, but not for the case's variant
UNKNOWN_MUNICIPALITY = "unknown_municipality"  # the case names a municipality not in the file

# ---------------------------------------------------------------------------------------
# Which contract pays


def funding(municipality: Municipality | None, day: date, variant: str) -> tuple[Contract | None, str | None]:
    """The contract that pays for a service on `day`, or None with the reason why none does."""
    if municipality is None:
        return None, UNKNOWN_MUNICIPALITY
    holding = None
    for contract in municipality.contracts:
        if contract.start <= day <= contract.end:
            if variant in contract.variants:
                return contract, None
            holding = holding or contract
    return None, VARIANT_NOT_COVERED if holding is not None else NO_CONTRACT


def billable_entries(case: Case) -> Iterable[PhaseEntry]:
    """The history entries that are a paid service: each phase entered, follow-ups repeated."""
    return (entry for entry in case.history if entry.phase in TARIFF_PHASES)


def tariff(contract: Contract, phase: str) -> float | None:
    """The contract's price for a phase; None when the contract prices nothing or not this phase."""
    if contract.tariffs_eur is None:
        return None
    return contract.tariffs_eur.get(phase)


@dataclass(frozen=True)
class Use:
    starts: int
    spent_eur: float


def contract_use(
    municipality: Municipality, contract: Contract, cases: Iterable[Case], today: date, excluding: str | None = None
) -> Use:
    """The starts and euros counted against `contract` up to `today` (the case `excluding`
    left out: a start being decided is not yet counted)."""
    starts, spent = 0, 0.0
    for case in cases:
        if case.municipality != municipality.code or case.id == excluding:
            continue
        for entry in billable_entries(case):
            if entry.date > today or not contract.start <= entry.date <= contract.end:
                continue
            paying, _ = funding(municipality, entry.date, case.variant)
            if paying is not contract:
                continue
            if entry.phase == "informative_talk":
                starts += 1
            spent += tariff(contract, entry.phase) or 0.0
    return Use(starts, spent)

