"""The budget check: per contract, starts and euros used against its budget, a projection
to the period's end, and a status. Pure, taking `today`; what counts against which
contract is decided in `ekc.budget.funding` alone.

The check is "as of today": entries dated after `today` are not counted, so
`--today 2024-06-30` shows the morning of that day and the projection is made from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from ekc.budget.funding import TARIFF_PHASES, funding, tariff
from ekc.model.case import Case
from ekc.model.municipalities import Contract, Municipality

NEAR_LIMIT = 0.90  # projected or used at this share of the budget or more
UNDER_USE = 0.75  # projected under this share ...
UNDER_USE_AFTER = 0.25  # ... once this share of the period is gone
STATUSES = ("over_budget", "near_limit", "under_use", "ok")

# ---------------------------------------------------------------------------------------
# Time within a contract period and the projection


def period_days(contract: Contract) -> int:
    return (contract.end - contract.start).days + 1


def elapsed_days(contract: Contract, today: date) -> int:
    """Days of the period up to and including today: 0 before it starts, all after it ends."""
    return max(0, min(period_days(contract), (today - contract.start).days + 1))


def project(used: float, elapsed: int, total: int) -> float:
    """What the period will end at if the pace so far goes on.

    pace = used / elapsed days; projection = pace x days in the period
    (= used x total / elapsed). Before the period starts there is no pace, and after it
    ends nothing more can come: in both cases the projection is what was used.
    """
    if elapsed <= 0 or elapsed >= total:
        return float(used)
    return used * total / elapsed


def status_of(
    starts: int,
    conferences: int,
    projected_starts: float,
    spent_eur: float | None,
    budget_eur: float | None,
    projected_eur: float | None,
    elapsed: int,
    total: int,
) -> str:
    """over_budget > near_limit > under_use > ok, over every measure the contract has.

    Measures: starts against `conferences` always; euros against `budget_eur` only when
    the contract has both a budget and tariffs (no tariffs: amounts are not tracked).
    Written as products, not ratios, so a budget of 0 needs no special case.
    """
    measures = [(float(starts), projected_starts, float(conferences))]
    if spent_eur is not None and budget_eur is not None and projected_eur is not None:
        measures.append((spent_eur, projected_eur, budget_eur))
    if any(used > budget for used, _, budget in measures):
        return "over_budget"
    if any(max(used, projected) >= NEAR_LIMIT * budget for used, projected, budget in measures):
        return "near_limit"
    quarter_gone = elapsed >= UNDER_USE_AFTER * total
    if quarter_gone and all(projected < UNDER_USE * budget for _, projected, budget in measures):
        return "under_use"
    return "ok"


# ---------------------------------------------------------------------------------------
# The check


@dataclass(frozen=True)
class ContractUse:
    municipality: Municipality
    region: str
    contract: Contract
    starts: int
    spent_eur: float | None  # None: the contract has no tariffs, amounts are not tracked
    elapsed_days: int
    period_days: int
    projected_starts: float
    projected_eur: float | None
    status: str

    @property
    def budget_conferences(self) -> int:
        return self.contract.conferences

    @property
    def budget_eur(self) -> float | None:
        return self.contract.budget_eur


@dataclass(frozen=True)
class Unfunded:
    """A start or a service that no contract pays for."""

    case: str
    municipality: str
    variant: str
    phase: str
    date: date
    reason: str
    contract: str | None = None  # the contract holding the date, when only the variant is missing
    acknowledged: bool = False  # the case says unfunded_start: true (let through knowingly)


@dataclass(frozen=True)
class BudgetCheck:
    year: int
    today: date
    contracts: list[ContractUse] = field(default_factory=list)
    unfunded_starts: list[Unfunded] = field(default_factory=list)
    unfunded_services: list[Unfunded] = field(default_factory=list)  # beyond the start

    @property
    def over_budget(self) -> bool:
        return any(use.status == "over_budget" for use in self.contracts)


def selected_contracts(municipalities: Mapping[str, Municipality], year: int, municipality: str | None) -> dict[str, tuple[Municipality, Contract]]:
    """Every contract overlapping `year` (of `municipality` only, when named), first of an id."""
    selected: dict[str, tuple[Municipality, Contract]] = {}
    for code, muni in municipalities.items():
        if municipality is not None and code != municipality:
            continue
        for contract in muni.contracts:
            if overlaps_year(contract, year) and contract.id not in selected:
                selected[contract.id] = (muni, contract)
    return selected


def window(selected: Mapping[str, tuple[Municipality, Contract]], today: date, year: int) -> tuple[date, date]:
    """The days whose entries can count for a selected contract or be a gap of the year."""
    first = min([date(year, 1, 1), *(c.start for _, c in selected.values())])
    last = min(today, max([date(year, 12, 31), *(c.end for _, c in selected.values())]))
    return first, last


def overlaps_year(contract: Contract, year: int) -> bool:
    return contract.start <= date(year, 12, 31) and contract.end >= date(year, 1, 1)


def check_budget(
    municipalities: Mapping[str, Municipality],
    cases: Iterable[Case],
    today: date,
    year: int | None = None,
    municipality: str | None = None,
) -> BudgetCheck:
    """Every contract overlapping `year` (default today's), with its use as of `today`.

    Unfunded starts and services are those dated in `year`, up to today. One pass over
    the cases; contracts are found per municipality, so the cost is linear in entries.
    """
    year = today.year if year is None else year
    selected = selected_contracts(municipalities, year, municipality)
    starts: dict[str, int] = dict.fromkeys(selected, 0)
    spent: dict[str, float] = dict.fromkeys(selected, 0.0)
    unfunded_starts: list[Unfunded] = []
    unfunded_services: list[Unfunded] = []
    # Only entries in this window can count for a selected contract or be a gap of the year;
    # testing it first keeps the per-entry cost to two comparisons for most of the store.
    first, last = window(selected, today, year)
    for case in cases:
        if municipality is not None and case.municipality != municipality:
            continue
        muni = None
        for entry in case.history:
            day = entry.date
            if day < first or day > last or entry.phase not in TARIFF_PHASES:
                continue  # outside the year and its contracts, not yet happened, or not a service
            muni = muni or municipalities.get(case.municipality)
            contract, reason = funding(muni, day, case.variant)
            if contract is None:
                if day.year == year:
                    holding = muni.contract_on(day) if muni is not None else None
                    gap = Unfunded(
                        case.id, case.municipality, case.variant, entry.phase, day, reason,
                        holding.id if holding is not None else None,
                        case.unfunded_start,
                    )
                    (unfunded_starts if entry.phase == "informative_talk" else unfunded_services).append(gap)
                continue
            if contract.id not in selected or selected[contract.id][1] is not contract:
                continue
            if entry.phase == "informative_talk":
                starts[contract.id] += 1
            price = tariff(contract, entry.phase)
            if price is not None:
                spent[contract.id] += price
    uses = [
        _use(muni, contract, starts[contract_id], spent[contract_id], today)
        for contract_id, (muni, contract) in selected.items()
    ]
    uses.sort(key=lambda u: (u.region, u.municipality.name, u.municipality.code, u.contract.start, u.contract.id))
    unfunded_starts.sort(key=lambda u: (u.date, u.case))
    unfunded_services.sort(key=lambda u: (u.date, u.case, u.phase))
    return BudgetCheck(year, today, uses, unfunded_starts, unfunded_services)


def _use(muni: Municipality, contract: Contract, starts: int, spent: float, today: date) -> ContractUse:
    total = period_days(contract)
    elapsed = elapsed_days(contract, today)
    spent_eur = spent if contract.tariffs_eur is not None else None
    projected_starts = project(starts, elapsed, total)
    projected_eur = project(spent_eur, elapsed, total) if spent_eur is not None else None
    return ContractUse(
        municipality=muni,
        region=muni.region,
        contract=contract,
        starts=starts,
        spent_eur=spent_eur,
        elapsed_days=elapsed,
        period_days=total,
        projected_starts=projected_starts,
        projected_eur=projected_eur,
        status=status_of(starts, contract.conferences, projected_starts, spent_eur, contract.budget_eur, projected_eur, elapsed, total),
    )


# ---------------------------------------------------------------------------------------
# The JSON document of `ekc budget check` (CLI.md keys first, then extra ones)

PROJECTION = "starts (or euros) so far / days of the period elapsed up to today x days in the period"


def money(value: float | None) -> float | None:
    """Euros in JSON: to the cent, so a float's tail never shows."""
    return None if value is None else round(value, 2)


def unfunded_document(gap: Unfunded) -> dict:
    from dataclasses import asdict

    return {**asdict(gap), "date": gap.date.isoformat()}


def check_document(result: BudgetCheck) -> dict:
    contracts = [
        {
            "municipality": use.municipality.code,
            "contract": use.contract.id,
            "starts": use.starts,
            "budget_conferences": use.budget_conferences,
            "spent_eur": money(use.spent_eur),
            "budget_eur": money(use.budget_eur),
            "projected_starts": round(use.projected_starts, 1),
            "status": use.status,
            "municipality_name": use.municipality.name,
            "region": use.region,
            "period_start": use.contract.start.isoformat(),
            "period_end": use.contract.end.isoformat(),
            "elapsed_days": use.elapsed_days,
            "period_days": use.period_days,
            "projected_eur": money(use.projected_eur),
        }
        for use in result.contracts
    ]
    return {
        "year": result.year,
        "today": result.today.isoformat(),
        "projection": PROJECTION,
        "contracts": contracts,
        "unfunded_starts": [unfunded_document(gap) for gap in result.unfunded_starts],
        "unfunded_services": [unfunded_document(gap) for gap in result.unfunded_services],
        "statuses": {status: sum(1 for use in result.contracts if use.status == status) for status in STATUSES},
    }


def check_repository(root, today: date, year: int | None, municipality: str | None):
    """Load what a budget check needs (case.yaml summaries and municipalities.yaml: never a
    personal.yaml) and check it. Returns (BudgetCheck, store, unreadable case paths).

    Only the cases with a history entry in the window of the year's contracts can count:
    chosen through the index's case table (`case_summaries_between`), which rules out the
    unchanged older history by its stat data and last date without unpickling it."""
    from ekc.core.errors import Refused, UsageProblem
    from ekc.store.loader import case_summaries_between, load

    loaded = load(root, models=False, kinds=frozenset({"municipalities"}), select=lambda summary: False)
    store = loaded.store
    if not store.municipalities and any(f.path == "municipalities.yaml" and f.is_error for f in loaded.findings):
        raise Refused("municipalities.yaml has errors, so there are no contracts to check; run `ekc validate`")
    if municipality is not None and municipality not in store.municipalities:
        raise UsageProblem(f"municipality {municipality} is not in municipalities.yaml")
    first, last = window(selected_contracts(store.municipalities, today.year if year is None else year, municipality), today, year or today.year)
    chosen = case_summaries_between(root, first, last)
    if chosen is None:
        cases, missing = _cases_between(root, first, last)
    else:
        cases, missing = chosen.summaries, chosen.unreadable
    result = check_budget(store.municipalities, cases, today, year, municipality)
    return result, store, missing


def _cases_between(root, first: date, last: date) -> tuple[list, list[str]]:
    """The usual load of every case.yaml (which rewrites the index when it is missing or
    much changed), then the cases with an entry in [first, last], first file of an id."""
    from ekc.store.anonymous import ANONYMOUS_KINDS
    from ekc.store.loader import load

    loaded = load(root, models=False, kinds=ANONYMOUS_KINDS, select=lambda summary: False)
    seen: set[str] = set()
    cases = []
    read = set()
    add_seen, add_read, take = seen.add, read.add, cases.append
    for path, entry in loaded.entries.items():
        summary = entry[5].summary  # entry.verdict, without the attribute lookup (15,000 times)
        if summary is None or not path.endswith("/case.yaml") or summary.id in seen:
            continue
        add_seen(summary.id)
        add_read(path)
        dates = summary.dates
        # most of the history lies wholly before the window: min/max in C rule it out at once
        if dates and max(dates) >= first and min(dates) <= last and any(first <= day <= last for day in dates):
            take(summary)
    missing = sorted(p for p in loaded.present_paths if p.endswith("/case.yaml") and p not in read)
    return cases, missing
