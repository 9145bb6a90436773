"""Properties of `ekc match` over open-ended pools (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ekc.match import ranking as matching
from tests.matchpool import TODAY, conference_of, make_store, open_case_of, plain_coordinator, waiting

LANGUAGES = ["nl", "ar", "tr", "en", "ti"]
CULTURES = ["Marokkaans-Nederlands", "Turks-Nederlands", "Fries"]
REGIONS = ["noord-holland-noord", "rijnmond", "amsterdam-amstelland"]
MUNICIPALITIES = ["GM0439", "GM0599", "GM0363"]


@st.composite
def coordinator_docs(draw, number: int):
    cid = f"C-{number:04d}"
    doc = plain_coordinator(
        cid,
        gender=draw(st.sampled_from(["female", "male", "nonbinary"])),
        birth_year=draw(st.integers(1950, 2000)),
        languages=draw(st.lists(st.sampled_from(LANGUAGES), min_size=1, max_size=3, unique=True)),
        cultures=draw(st.lists(st.sampled_from(CULTURES), max_size=2, unique=True)),
        regions=draw(st.lists(st.sampled_from(REGIONS), max_size=2, unique=True)),
        trained={"ek1": "2019-01-01", "ek2": "2021-01-01"} if draw(st.booleans()) else {"ek1": "2019-01-01"},
        agreements=draw(st.sampled_from([[2024], [2024], [2023]])),
        max_cases=draw(st.integers(0, 3)),
        active=draw(st.sampled_from([True, True, True, False])),
    )
    home = draw(st.sampled_from([None, *MUNICIPALITIES]))
    if home:
        doc["home"] = home
    if draw(st.integers(0, 4)) == 0:
        start = draw(st.sampled_from(["2024-08-30", "2024-09-02", "2024-09-03", "2024-09-05"]))
        doc["unavailable"] = [{"from": start, "to": draw(st.sampled_from(["2024-09-04", "2024-09-10"]))}]
    return doc


@st.composite
def preferences(draw):
    prefs = {}
    if draw(st.booleans()):
        prefs["coordinator_gender"] = draw(st.sampled_from(["female", "male", "any"]))
    if draw(st.booleans()):
        prefs["languages"] = draw(st.lists(st.sampled_from(LANGUAGES), min_size=1, max_size=2, unique=True))
    if draw(st.booleans()):
        prefs["culture"] = draw(st.sampled_from(CULTURES))
    if draw(st.booleans()):
        low = draw(st.integers(20, 60))
        prefs["coordinator_age"] = {"min": low, "max": low + draw(st.integers(0, 30))}
    return prefs


@st.composite
def pools(draw, max_coordinators: int = 6, max_waiting: int = 4):
    numbers = draw(st.lists(st.integers(1, 60), min_size=1, max_size=max_coordinators, unique=True))
    coordinators = [draw(coordinator_docs(n)) for n in numbers]
    ids = [c["id"] for c in coordinators]
    cases = []
    for k in range(draw(st.integers(1, max_waiting))):
        cases.append(waiting(
            f"EKC-2024-AAAA{k}",
            preferences=draw(preferences()),
            exclude=draw(st.lists(st.sampled_from(ids), max_size=2, unique=True)),
            variant=draw(st.sampled_from(["family", "individual", "restorative", "group"])),
            conditions=draw(st.booleans()),
            municipality=draw(st.sampled_from(MUNICIPALITIES)),
        ))
    for k, holder in enumerate(draw(st.lists(st.sampled_from(ids), max_size=4))):
        cases.append(open_case_of(holder, f"EKC-2024-BBBB{k}"))
    for k, holder in enumerate(draw(st.lists(st.sampled_from(ids), max_size=4))):
        cases.append(conference_of(holder, f"EKC-2024-CCCC{k}"))
    return coordinators, cases


def summary(proposal):
    return [(c.coordinator, c.eligible, c.score, tuple(r.text for r in c.reasons)) for c in proposal.candidates]


@settings(max_examples=150, deadline=None)
@given(pools(), st.randoms(use_true_random=False))
def test_an_ineligible_coordinator_never_outranks_an_eligible_one_and_file_order_does_not_matter(pool, rnd):
    coordinators, cases = pool
    store = make_store(coordinators, cases)
    proposal = matching.rank(store, "EKC-2024-AAAA0", TODAY)
    flags = [c.eligible for c in proposal.candidates]
    assert flags == sorted(flags, reverse=True)
    assert list(proposal.candidates) == sorted(proposal.candidates, key=lambda c: (not c.eligible, -c.score, c.coordinator))
    for candidate in proposal.candidates:
        assert candidate.score == round(sum(r.points for r in candidate.reasons), 3)
        assert candidate.eligible == (not candidate.failures)
    shuffled_coordinators, shuffled_cases = coordinators[:], cases[:]
    rnd.shuffle(shuffled_coordinators)
    rnd.shuffle(shuffled_cases)
    again = matching.rank(make_store(shuffled_coordinators, shuffled_cases), "EKC-2024-AAAA0", TODAY)
    assert summary(again) == summary(proposal)


@settings(max_examples=100, deadline=None)
@given(pools())
def test_rank_agrees_with_the_shared_hard_rules(pool):
    from ekc.cases.eligibility import hard_rule_failures

    store = make_store(*pool)
    case_file = store.cases["EKC-2024-AAAA0"]
    for candidate in matching.rank(store, case_file.case.id, TODAY).candidates:
        expected = hard_rule_failures(
            store.coordinators[candidate.coordinator], case_file.case, store, TODAY, case_file.personal,
            within_days=store.settings.appointment_within_days,
        )
        assert list(candidate.failures) == expected


@settings(max_examples=100, deadline=None)
@given(pools())
def test_the_open_matrix_scores_what_rank_scores(pool):
    store = make_store(*pool)
    match_pool = matching.pool_of(store, TODAY)
    indexes = list(range(len(match_pool.coordinators)))
    for case_id in matching.waiting_cases(store):
        case_file = store.cases[case_id]
        row = matching._score_row(match_pool, indexes, case_file.case, case_file.personal)
        by_coordinator = {c.coordinator: c for c in matching.rank(store, case_id, TODAY).candidates}
        for i, coordinator in enumerate(match_pool.coordinators):
            candidate = by_coordinator[coordinator.id]
            if candidate.eligible:
                assert round(row[i], 3) == candidate.score
            else:
                assert np.isnan(row[i])


def brute_force(eligible: dict[str, dict[str, float]], free: dict[str, int]) -> tuple[int, float]:
    """The best (cases seated, total score) over every way to give each case one or none."""
    cases = sorted(eligible)

    def best(k: int, left: dict[str, int]) -> tuple[int, float]:
        if k == len(cases):
            return (0, 0.0)
        options = [best(k + 1, left)]
        for coordinator, score in eligible[cases[k]].items():
            if left.get(coordinator, 0) > 0:
                seated, total = best(k + 1, {**left, coordinator: left[coordinator] - 1})
                options.append((seated + 1, total + score))
        return max(options, key=lambda o: (o[0], round(o[1], 6)))

    return best(0, free)


@settings(max_examples=150, deadline=None)
@given(pools(max_coordinators=4, max_waiting=4))
def test_open_never_exceeds_free_places_and_its_total_fit_is_optimal(pool):
    store = make_store(*pool)
    proposal = matching.propose_open(store, TODAY)
    proposed: dict[str, int] = {}
    eligible: dict[str, dict[str, float]] = {}
    for pairing in proposal.pairings:
        ranking = matching.rank(store, pairing.case, TODAY)
        eligible[pairing.case] = {c.coordinator: c.score for c in ranking.eligible}
        assert pairing.eligible_count == len(ranking.eligible)
        if pairing.coordinator is not None:
            proposed[pairing.coordinator] = proposed.get(pairing.coordinator, 0) + 1
            assert pairing.coordinator in eligible[pairing.case]
            assert pairing.score == eligible[pairing.case][pairing.coordinator]
    for coordinator_id, count in proposed.items():
        assert count <= proposal.free_places[coordinator_id]
    seated = sum(1 for p in proposal.pairings if p.coordinator is not None)
    best_seated, best_total = brute_force(eligible, proposal.free_places)
    assert seated == best_seated
    assert abs(proposal.total_score - best_total) < 1e-6
