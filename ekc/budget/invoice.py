"""The invoice lines of one month: what a municipality receives. Built from `case.yaml`
and `municipalities.yaml` alone: no personal.yaml is ever opened for it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from ekc.budget.funding import billable_entries, funding, tariff
from ekc.budget.check import Unfunded
from ekc.model.case import Case
from ekc.model.municipalities import Municipality


@dataclass(frozen=True)
class InvoiceLine:
    case: str
    phase: str
    date: date
    tariff_eur: float | None  # None: the contract sets no price for this phase
    contract: str


@dataclass(frozen=True)
class Invoice:
    municipality: str
    year: int
    month: int
    lines: list[InvoiceLine] = field(default_factory=list)
    not_invoiced: list[Unfunded] = field(default_factory=list)

    @property
    def period(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def total_eur(self) -> float:
        return sum(line.tariff_eur for line in self.lines if line.tariff_eur is not None)

    def totals_by_contract(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for line in self.lines:
            totals[line.contract] = totals.get(line.contract, 0.0) + (line.tariff_eur or 0.0)
        return totals


def invoice(municipality: Municipality, cases: Iterable[Case], year: int, month: int) -> Invoice:
    """The services of one calendar month that the municipality's contracts pay for.

    Built from the case's id, variant, municipality and phase history and the contracts:
    nothing else of a case is read, so nothing else can end up on an invoice. A month can
    hold two contracts when a period ends mid-month; each line names its contract.
    """
    lines: list[InvoiceLine] = []
    not_invoiced: list[Unfunded] = []
    for case in cases:
        if case.municipality != municipality.code:
            continue
        for entry in billable_entries(case):
            if (entry.date.year, entry.date.month) != (year, month):
                continue
            contract, reason = funding(municipality, entry.date, case.variant)
            if contract is None:
                holding = municipality.contract_on(entry.date)
                not_invoiced.append(Unfunded(
                    case.id, case.municipality, case.variant, entry.phase, entry.date, reason,
                    holding.id if holding is not None else None, case.unfunded_start,
                ))
                continue
            lines.append(InvoiceLine(case.id, entry.phase, entry.date, tariff(contract, entry.phase), contract.id))
    lines.sort(key=lambda line: (line.date, line.case, line.phase))
    not_invoiced.sort(key=lambda u: (u.date, u.case, u.phase))
    return Invoice(municipality.code, year, month, lines, not_invoiced)


def parse_period(text: str) -> tuple[int, int]:
    """`YYYY-MM` and nothing looser; raises ValueError with a message a person can act on."""
    parts = text.split("-")
    if len(text) != 7 or len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise ValueError(f"{text!r} is not a month in the form YYYY-MM")
    year, month = int(parts[0]), int(parts[1])
    if not 1 <= month <= 12 or year < 1:
        raise ValueError(f"{text!r} is not a month in the form YYYY-MM")
    return year, month
