"""Which coordinator for which family, and why: the ranking behind `ekc match`.

Two layers, kept apart on purpose:
- hard rules (ekc/cases/eligibility.py, shared with `case assign`): failing one makes a
  coordinator ineligible, and no score can lift an ineligible coordinator above an
  eligible one;
- preferences and sound defaults, each earning points by a weight from `ekc.yaml`
  (`match_weights`, documented in ekc/model/settings.py), summed into one score.

Every point comes with a sentence a regiomanager can repeat on the phone, so a rank is
never a black box. Everything here is pure: it takes the loaded store and `today`, and
returns values; the same data and date always give the same order (ties go to the lower
coordinator id), whatever the order of the files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Literal, NamedTuple

from ekc.cases.eligibility import hard_rule_failures, standing_failures
from ekc.core.errors import Refused
from ekc.match.languages import language_name
from ekc.model.case import Case
from ekc.model.coordinators import Coordinator
from ekc.model.datastore import CaseFile, DataStore
from ekc.model.personal import Personal, Preferences
from ekc.model.settings import MatchWeights

ReasonKind = Literal["rule", "met", "missed", "note"]

# Fewer conferences than this and a coordinator is not yet ready for a case with
# conditions (DOMAIN.md: EK-2 comes only after at least two conferences; the same
# threshold marks the experience a case under drang/dwang asks for).
READY_AFTER_CONFERENCES = 2

# The language a family is assumed to speak when it asked for none.
DEFAULT_FAMILY_LANGUAGE = "nl"


class Reason(NamedTuple):
    """One sentence of the verdict, and what it added to the score.

    A named tuple rather than a frozen dataclass: `--open` makes hundreds of thousands.
    """

    text: str
    kind: ReasonKind
    points: float = 0.0


@dataclass(frozen=True, slots=True)
class Candidate:
    coordinator: str
    name: str
    eligible: bool
    score: float
    reasons: tuple[Reason, ...]

    @property
    def failures(self) -> tuple[str, ...]:
        return tuple(r.text for r in self.reasons if r.kind == "rule")

    def sort_key(self) -> tuple:
        return (not self.eligible, -self.score, self.coordinator)


@dataclass(frozen=True)
class Proposal:
    """The ranked pool for one case, best first."""

    case: str
    on: date
    candidates: tuple[Candidate, ...]
    notes: tuple[str, ...] = ()

    @property
    def eligible(self) -> tuple[Candidate, ...]:
        return tuple(c for c in self.candidates if c.eligible)

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates and self.candidates[0].eligible else None

    def ineligible_counts(self) -> dict[str, int]:
        """How often each hard rule ruled someone out, most frequent first (numbers stripped)."""
        counts: dict[str, int] = {}
        for candidate in self.candidates:
            for failure in candidate.failures:
                key = _rule_family(failure)
                counts[key] = counts.get(key, 0) + 1
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


@dataclass(frozen=True)
class Pool:
    """What a whole pool needs counted once, not once per coordinator per case."""

    store: DataStore
    today: date
    taken: dict[str, int]  # open cases per coordinator
    conferences: dict[str, int]  # closed cases per coordinator that reached a meeting
    region_provinces: dict[str, frozenset[str]]
    coordinators: tuple[Coordinator, ...]  # by id, so file order never matters
    index: dict[str, int] = field(default_factory=dict)  # coordinator id -> place in `coordinators`
    # Each part of a verdict looks at a coordinator and one trait of the case (the gender
    # asked, the region, ...); matching 300 cases against 2,000 coordinators meets the
    # same coordinator and trait again and again, so each answer is kept, filled lazily.
    parts: dict = field(default_factory=dict, compare=False, repr=False)

    def part(self, compute, *trait) -> "_Part":
        key = (compute, trait)
        found = self.parts.get(key)
        if found is None:
            found = self.parts[key] = _Part(compute, trait, len(self.coordinators))
        return found

    @property
    def weights(self) -> MatchWeights:
        return self.store.settings.match_weights


def pool_of(store: DataStore, today: date, conferences: dict[str, int] | None = None) -> Pool:
    """`conferences`: counted already (ekc.store.views.conferences counts them from the store
    index, so the closed history need not be loaded); else counted over `store.cases`."""
    if conferences is None:
        conferences = {}
        for case_file in store.cases.values():
            case = case_file.case
            if case.coordinator is not None and case.is_closed and reached_meeting(case):
                conferences[case.coordinator] = conferences.get(case.coordinator, 0) + 1
    region_provinces: dict[str, set[str]] = {}
    for municipality in store.municipalities.values():
        region_provinces.setdefault(municipality.region, set()).add(municipality.province)
    ordered = tuple(sorted(store.coordinators.values(), key=lambda c: c.id))
    return Pool(
        store=store,
        today=today,
        taken=dict(store.open_case_counts),
        conferences=conferences,
        region_provinces={region: frozenset(p) for region, p in region_provinces.items()},
        coordinators=ordered,
        index={c.id: i for i, c in enumerate(ordered)},
    )


class _Part:
    """One part of the verdict for one trait of a case, over the whole pool, filled lazily."""

    __slots__ = ("compute", "trait", "cells")

    def __init__(self, compute, trait: tuple, size: int):
        self.compute = compute
        self.trait = trait
        self.cells: list = [None] * size

    def at(self, pool: Pool, i: int) -> tuple:
        """(reasons, points) of coordinator number i."""
        cell = self.cells[i]
        if cell is None:
            value = self.compute(pool, pool.coordinators[i], *self.trait)
            # The standing hard rules are kept as their list of failures; a scored part
            # as its reasons with their summed points.
            if self.compute is _standing:
                cell = value
            else:
                points = 0.0
                for reason in value:
                    points += reason.points
                cell = (tuple(value), points)
            self.cells[i] = cell
        return cell

    def points(self, pool: Pool, indexes: list[int]) -> list[float]:
        """The points of many coordinators at once, for the matrix of `--open`."""
        cells = self.cells
        return [(cells[i] or self.at(pool, i))[1] for i in indexes]


def reached_meeting(case: Case) -> bool:
    """A conference in the counting sense of EK-2: the family met."""
    return bool(case.meetings) or case.entered("meeting_aftercare") is not None


def matchable_case(store: DataStore, case_id: str) -> CaseFile:
    case_file = store.cases.get(case_id)
    if case_file is None:
        raise Refused(f"no readable case {case_id} in this repository (run `ekc validate` if its file exists)")
    if case_file.case.is_closed:
        raise Refused(f"case {case_id} is closed; only an open case needs a coordinator")
    return case_file


def rank(store: DataStore, case_id: str, today: date, pool: Pool | None = None) -> Proposal:
    """Every coordinator of the pool for one case, eligible ones first, best first."""
    case_file = matchable_case(store, case_id)
    case, personal = case_file.case, case_file.personal
    if pool is None or pool.today != today or pool.store is not store:
        pool = pool_of(store, today)
    parts = _parts(pool, case, personal)
    candidates = sorted(
        (_assess(pool, i, case, personal, parts) for i in range(len(pool.coordinators))),
        key=Candidate.sort_key,
    )
    return Proposal(case=case.id, on=today, candidates=tuple(candidates), notes=case_notes(store, case_file))


def case_notes(store: DataStore, case_file: CaseFile) -> tuple[str, ...]:
    case, personal = case_file.case, case_file.personal
    notes = []
    if personal is None and case_file.personal_present:
        notes.append(
            "personal.yaml has errors (run `ekc validate`): the family's preferences are unknown and its "
            "exclusions cannot be checked; `case assign` will refuse until it is fixed"
        )
    elif personal is None:
        notes.append("no personal.yaml: no preferences or exclusions of the family are known")
    elif personal.preferences is not None:
        for code in personal.preferences.languages:
            if language_name(code) is None:
                notes.append(f"asked language {code!r} is not an ISO 639 code; no coordinator can match it")
    if case.coordinator is not None:
        notes.append(f"currently assigned to {case.coordinator}")
    if case.municipality not in store.municipalities:
        notes.append(f"municipality {case.municipality} is unknown: region cannot weigh in")
    return tuple(notes)


def assess(pool: Pool, coordinator: Coordinator, case: Case, personal: Personal | None) -> Candidate:
    """One coordinator for one case: the hard rules, then the points, each with its reason."""
    return _assess(pool, pool.index[coordinator.id], case, personal, _parts(pool, case, personal))


def _parts(pool: Pool, case: Case, personal: Personal | None) -> tuple[_Part, list[_Part]]:
    """The standing hard rules and the scored parts, each for the trait of the case it reads.

    A part function gets the coordinator and that trait only, never the whole case: so
    keeping its answer per trait is the same as computing it again.
    """
    preferences = (personal.preferences if personal else None) or Preferences()
    age = preferences.coordinator_age
    municipality = pool.store.municipalities.get(case.municipality)
    scored = [
        pool.part(_gender, preferences.coordinator_gender),
        pool.part(_languages, tuple(dict.fromkeys(preferences.languages))),
        pool.part(_culture, (preferences.culture or "").strip()),
        pool.part(_age, age.min if age else None, age.max if age else None),
        pool.part(_region, municipality.region if municipality else None, municipality.province if municipality else None),
        pool.part(_home, case.municipality),
        pool.part(_load, case.coordinator),
        pool.part(_experience, case.conditions),
    ]
    return pool.part(_standing, case.coordinator), scored


def _failures(pool: Pool, i: int, case: Case, personal: Personal | None, standing: _Part) -> list[str]:
    coordinator = pool.coordinators[i]
    return hard_rule_failures(
        coordinator, case, pool.store, pool.today, personal,
        within_days=pool.store.settings.appointment_within_days, standing=standing.at(pool, i),
    )


def _assess(pool: Pool, i: int, case: Case, personal: Personal | None, parts) -> Candidate:
    standing, scored = parts
    coordinator = pool.coordinators[i]
    failures = _failures(pool, i, case, personal, standing)
    reasons: list[Reason] = [Reason(text, "rule") for text in failures]
    points = 0.0
    for part in scored:
        part_reasons, part_points = part.at(pool, i)
        reasons.extend(part_reasons)
        points += part_points
    return Candidate(coordinator.id, coordinator.name, not failures, round(points, 3), tuple(reasons))


def _score_row(pool: Pool, indexes: list[int], case: Case, personal: Personal | None) -> "np.ndarray":
    """The scores `_assess` would give these coordinators, NaN where ineligible: for `--open`.

    Summed part by part in `_assess`'s order, so each score is the same float.
    """
    import numpy as np

    standing, scored = _parts(pool, case, personal)
    row = np.zeros(len(indexes))
    for part in scored:
        row += np.asarray(part.points(pool, indexes))
    for col, i in enumerate(indexes):
        if _failures(pool, i, case, personal, standing):
            row[col] = np.nan
    return row


def _standing(pool: Pool, coordinator: Coordinator, assigned: str | None) -> list[str]:
    return standing_failures(
        coordinator, pool.today, pool.store.settings.appointment_within_days, _taken(pool, coordinator, assigned)
    )


def _taken(pool: Pool, coordinator: Coordinator, assigned: str | None) -> int:
    """Open cases other than this one: re-matching a case does not count it twice."""
    taken = pool.taken.get(coordinator.id, 0)
    return taken - 1 if assigned == coordinator.id else taken


_GENDER_WORD = {"female": "a woman", "male": "a man"}


def _gender(pool: Pool, coordinator: Coordinator, wanted: str | None) -> list[Reason]:
    if wanted is None or wanted == "any":
        return []
    if coordinator.gender == wanted:
        return [Reason(f"{coordinator.gender} (asked)", "met", pool.weights.gender)]
    return [Reason(f"{coordinator.gender}; the family asked for {_GENDER_WORD[wanted]}", "missed")]


def _languages(pool: Pool, coordinator: Coordinator, asked: tuple[str, ...]) -> list[Reason]:
    weights = pool.weights
    spoken = set(coordinator.languages)
    if not asked:
        name = _language(DEFAULT_FAMILY_LANGUAGE)
        if DEFAULT_FAMILY_LANGUAGE in spoken:
            return [Reason(f"speaks {name} (no language asked)", "met", weights.language_shared)]
        return [Reason(f"does not speak {name}", "missed")]
    share = weights.language_asked / len(asked)
    reasons = []
    for code in asked:
        if code in spoken:
            reasons.append(Reason(f"speaks {_language(code)} (asked)", "met", share))
        else:
            reasons.append(Reason(f"does not speak {_language(code)} (asked)", "missed"))
    if spoken.intersection(asked):
        reasons.append(Reason("can talk with the family without an interpreter", "met", weights.language_shared))
    else:
        reasons.append(Reason("no language in common with the family", "missed"))
    return reasons


def _language(code: str) -> str:
    return language_name(code) or f"{code!r} (not an ISO 639 code)"


def _culture(pool: Pool, coordinator: Coordinator, wanted: str) -> list[Reason]:
    if not wanted:
        return []
    if wanted.casefold() in {c.strip().casefold() for c in coordinator.cultures}:
        return [Reason(f"{wanted} (asked)", "met", pool.weights.culture)]
    return [Reason(f"not {wanted} (asked)", "missed")]


def _age(pool: Pool, coordinator: Coordinator, low: int | None, high: int | None) -> list[Reason]:
    if low is None and high is None:
        return []
    age = coordinator.age_in(pool.today.year)
    span = f"{'' if low is None else low}-{'' if high is None else high}"
    if (low is None or age >= low) and (high is None or age <= high):
        return [Reason(f"age {age} (asked {span})", "met", pool.weights.age)]
    return [Reason(f"age {age}; the family asked {span}", "missed")]


def _region(pool: Pool, coordinator: Coordinator, region_id: str | None, province: str | None) -> list[Reason]:
    """Home region first; the same province is near enough for half the points."""
    if region_id is None:
        return []
    weight = pool.weights.region
    if region_id in coordinator.regions:
        region = pool.store.regions.get(region_id)
        return [Reason(f"home region {region.name if region else region_id}", "met", weight)]
    provinces: set[str] = set()
    for own in coordinator.regions:
        provinces |= pool.region_provinces.get(own, frozenset())
    home = pool.store.municipalities.get(coordinator.home) if coordinator.home else None
    if home is not None:
        provinces.add(home.province)
    if province in provinces:
        return [Reason(f"near: also in {province}", "met", weight / 2)]
    if not coordinator.regions:
        return [Reason("no home region", "missed")]
    return [Reason(f"home region elsewhere, not in {province}", "missed")]


def _home(pool: Pool, coordinator: Coordinator, municipality: str) -> tuple[Reason, ...]:
    if coordinator.home is None:
        return ()
    inside, outside = _home_reasons(pool.weights.not_home_municipality)
    return inside if coordinator.home == municipality else outside


@lru_cache(maxsize=8)
def _home_reasons(weight: float) -> tuple[tuple[Reason, ...], tuple[Reason, ...]]:
    """Made once: this part is asked for every coordinator in every municipality."""
    return (
        (Reason("lives in the family's own municipality (a preference, not a rule)", "missed"),),
        (Reason("lives outside the family's municipality", "met", weight),),
    )


def _load(pool: Pool, coordinator: Coordinator, assigned: str | None) -> list[Reason]:
    taken = _taken(pool, coordinator, assigned)
    places = coordinator.max_cases
    free = max(places - taken, 0)
    points = pool.weights.load * free / places if places else 0.0
    return [Reason(f"{taken} of {places} place{'s' * (places != 1)} taken", "met" if free else "missed", points)]


def _experience(pool: Pool, coordinator: Coordinator, conditions: bool) -> list[Reason]:
    conferences = pool.conferences.get(coordinator.id, 0)
    counted = f"{conferences} conference{'s' * (conferences != 1)}"
    if not conditions:
        return [Reason(counted, "note")]
    if conferences >= READY_AFTER_CONFERENCES:
        return [Reason(f"{counted}: ready for a case with conditions", "met", pool.weights.experience)]
    return [Reason(f"{counted} so far: not yet ready for a case with conditions", "missed")]


def _rule_family(failure: str) -> str:
    """`full: 3 of 3 places taken` and `full: 2 of 2 ...` are one reason in a summary."""
    return failure.split(":", 1)[0] if failure.startswith(("full", "no EK-2")) else failure


# --- many cases at once -------------------------------------------------------------


@dataclass(frozen=True)
class Pairing:
    case: str
    coordinator: str | None  # None: no eligible coordinator with a free place was left
    score: float | None
    reasons: tuple[Reason, ...] = ()
    eligible_count: int = 0


@dataclass(frozen=True)
class OpenProposal:
    on: date
    pairings: tuple[Pairing, ...]
    free_places: dict[str, int] = field(default_factory=dict)  # before the proposal

    @property
    def total_score(self) -> float:
        return round(sum(p.score for p in self.pairings if p.score is not None), 3)


def waiting_cases(store: DataStore) -> list[str]:
    """Open cases without a coordinator, by id."""
    return sorted(c.case.id for c in store.open_cases() if c.case.coordinator is None)


def propose_open(store: DataStore, today: date, pool: Pool | None = None) -> OpenProposal:
    """A coordinator for every open case without one, all at once.

    An assignment problem, solved exactly: each coordinator's free places become that
    many slots, each case takes at most one slot, ineligible pairs are forbidden, and
    the solver first seats as many cases as possible, then maximises the summed score.
    Nobody is proposed beyond their free places.
    """
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    pool = pool if pool is not None else pool_of(store, today)
    case_ids = waiting_cases(store)
    free = {c.id: max(c.max_cases - pool.taken.get(c.id, 0), 0) for c in pool.coordinators}
    # Only coordinators with a free place and no standing failure can take any case;
    # leaving the rest out keeps the matrix to the pairs that can happen.
    room = [
        i for i, c in enumerate(pool.coordinators)
        if free[c.id] > 0 and not pool.part(_standing, None).at(pool, i)
    ]
    if not case_ids:
        return OpenProposal(today, (), free)
    scores = np.empty((len(case_ids), len(room)))
    for row, case_id in enumerate(case_ids):
        case_file = store.cases[case_id]
        scores[row] = _score_row(pool, room, case_file.case, case_file.personal)
    eligible_counts = (~np.isnan(scores)).sum(axis=1)
    # Slots: a coordinator with k free places is k identical columns; no case can use
    # more columns than there are cases, so k is capped there to keep the matrix small.
    slot_owner = np.repeat(np.arange(len(room)), [min(free[pool.coordinators[i].id], len(case_ids)) for i in room])
    chosen: dict[int, int] = {}
    if slot_owner.size and not np.all(np.isnan(scores)):
        finite = scores[~np.isnan(scores)]
        top, spread = float(finite.max()), float(finite.max() - finite.min())
        # A seated case costs at most `spread`; an unseated one costs more than all
        # seated ones together, so seating more cases always wins over a better fit.
        forbidden = (spread + 1.0) * (len(case_ids) + 1)
        cost = np.where(np.isnan(scores), forbidden, top - scores)[:, slot_owner]
        rows, cols = linear_sum_assignment(cost)
        for row, col in zip(rows, cols):
            j = int(slot_owner[col])
            if not np.isnan(scores[row, j]):
                chosen[int(row)] = room[j]
    pairings: list[Pairing] = []
    for row, case_id in enumerate(case_ids):
        i = chosen.get(row)
        if i is None:
            pairings.append(Pairing(case_id, None, None, (), int(eligible_counts[row])))
            continue
        case_file = store.cases[case_id]
        candidate = _assess(pool, i, case_file.case, case_file.personal, _parts(pool, case_file.case, case_file.personal))
        pairings.append(Pairing(case_id, candidate.coordinator, candidate.score, candidate.reasons, int(eligible_counts[row])))
    return OpenProposal(today, tuple(pairings), free)
