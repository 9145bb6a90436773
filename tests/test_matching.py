"""`ekc match`'s core: each hard rule and each preference on a pool where the answer is obvious."""

from __future__ import annotations

from datetime import date

import pytest

from ekc.match import ranking as matching
from ekc.cases.eligibility import case_failures, hard_rule_failures, standing_failures
from ekc.core.errors import Refused
from tests.matchpool import (
    CASE_ID, TODAY, conference_of, declined_case_of, make_store, open_case_of, plain_coordinator, waiting,
)


def ranked(store, case_id=CASE_ID, today=TODAY):
    return matching.rank(store, case_id, today)


def order(proposal) -> list[str]:
    return [c.coordinator for c in proposal.candidates]


def by_id(proposal, coordinator_id):
    return next(c for c in proposal.candidates if c.coordinator == coordinator_id)


def texts(candidate) -> list[str]:
    return [r.text for r in candidate.reasons]


# --- hard rules ---------------------------------------------------------------------


def test_an_inactive_coordinator_is_ineligible_and_ranks_last_whatever_the_score():
    store = make_store(
        [
            plain_coordinator("C-0001", active=False, languages=["nl", "ar"], gender="female"),
            plain_coordinator("C-0002", gender="male"),
        ],
        [waiting(preferences={"coordinator_gender": "female", "languages": ["ar"]})],
    )
    proposal = ranked(store)
    assert order(proposal) == ["C-0002", "C-0001"]
    inactive = by_id(proposal, "C-0001")
    assert not inactive.eligible and "not active" in inactive.failures
    assert inactive.score > by_id(proposal, "C-0002").score  # better fit, still below


def test_no_agreement_for_the_year_of_the_match_date_is_ineligible():
    store = make_store([plain_coordinator("C-0001", agreements=[2025]), plain_coordinator("C-0002", agreements=[2024])], [waiting()])
    assert by_id(ranked(store), "C-0001").failures == ("no agreement for 2024",)
    assert by_id(ranked(store, today=date(2025, 1, 6)), "C-0001").eligible
    assert not by_id(ranked(store, today=date(2025, 1, 6)), "C-0002").eligible


@pytest.mark.parametrize("variant", ["restorative", "group"])
def test_restorative_and_group_cases_need_ek2(variant):
    store = make_store(
        [plain_coordinator("C-0001", trained={"ek1": "2023-01-10"}), plain_coordinator("C-0002")],
        [waiting(variant=variant)],
    )
    proposal = ranked(store)
    assert by_id(proposal, "C-0001").failures == (f"no EK-2: {variant} case",)
    assert order(proposal) == ["C-0002", "C-0001"]


@pytest.mark.parametrize("variant", ["family", "individual"])
def test_family_and_individual_cases_take_ek1_coordinators(variant):
    store = make_store([plain_coordinator("C-0001", trained={"ek1": "2023-01-10"})], [waiting(variant=variant)])
    assert by_id(ranked(store), "C-0001").eligible


def test_a_coordinator_with_all_places_taken_by_open_cases_is_full():
    store = make_store(
        [plain_coordinator("C-0001", max_cases=1), plain_coordinator("C-0002", max_cases=1)],
        [waiting(), open_case_of("C-0001", "EKC-2024-BBBB1"), conference_of("C-0002", "EKC-2024-CCCC1")],
    )
    proposal = ranked(store)
    assert by_id(proposal, "C-0001").failures == ("full: 1 of 1 places taken",)
    assert by_id(proposal, "C-0002").eligible  # a closed case frees its place
    assert "0 of 1 place taken" in texts(by_id(proposal, "C-0002"))


def test_rematching_a_case_does_not_count_it_against_its_own_coordinator():
    case, personal = waiting(coordinator="C-0001")
    store = make_store([plain_coordinator("C-0001", max_cases=1)], [(case, personal)])
    candidate = by_id(ranked(store), "C-0001")
    assert candidate.eligible
    assert "0 of 1 place taken" in texts(candidate)
    assert "currently assigned to C-0001" in ranked(store).notes


def test_available_within_the_appointment_promise_is_enough():
    away_two_days = [{"from": "2024-09-02", "to": "2024-09-03"}]
    away_three_days = [{"from": "2024-08-30", "to": "2024-09-04"}]
    store = make_store(
        [plain_coordinator("C-0001", unavailable=away_two_days), plain_coordinator("C-0002", unavailable=away_three_days)],
        [waiting()],
    )
    proposal = ranked(store)
    assert by_id(proposal, "C-0001").eligible  # back on day two of the promise
    assert by_id(proposal, "C-0002").failures == ("unavailable from 2024-09-02 to 2024-09-04",)


def test_the_promise_comes_from_ekc_yaml():
    away_today = [{"from": "2024-09-02", "to": "2024-09-02"}]
    store = make_store([plain_coordinator("C-0001", unavailable=away_today)], [waiting()], settings={"appointment_within_days": 0})
    assert by_id(ranked(store), "C-0001").failures == ("unavailable on 2024-09-02",)


def test_a_coordinator_the_family_excluded_is_not_independent():
    store = make_store([plain_coordinator("C-0001"), plain_coordinator("C-0002")], [waiting(exclude=["C-0001"])])
    proposal = ranked(store)
    assert by_id(proposal, "C-0001").failures == ("excluded by the family: knows them, not independent",)
    assert proposal.best.coordinator == "C-0002"


def test_living_in_the_familys_municipality_is_a_preference_not_a_rule():
    store = make_store(
        [
            plain_coordinator("C-0001", home="GM0439", regions=["noord-holland-noord"]),
            plain_coordinator("C-0002", home="GM0363", regions=["noord-holland-noord"]),
        ],
        [waiting()],  # a case in GM0439, Purmerend
    )
    proposal = ranked(store)
    neighbour = by_id(proposal, "C-0001")
    assert neighbour.eligible
    assert "lives in the family's own municipality (a preference, not a rule)" in texts(neighbour)
    assert "lives outside the family's municipality" in texts(by_id(proposal, "C-0002"))
    assert order(proposal) == ["C-0002", "C-0001"]


def test_every_failed_rule_is_listed():
    store = make_store(
        [plain_coordinator("C-0001", active=False, agreements=[], trained={"ek1": "2023-01-10"}, max_cases=0)],
        [waiting(variant="group", exclude=["C-0001"])],
    )
    assert set(by_id(ranked(store), "C-0001").failures) == {
        "not active", "no agreement for 2024", "full: 0 of 0 places taken",
        "no EK-2: group case", "excluded by the family: knows them, not independent",
    }


def test_hard_rule_failures_is_its_standing_and_case_parts():
    store = make_store([plain_coordinator("C-0001", agreements=[], trained={"ek1": "2023-01-10"})], [waiting(variant="group", exclude=["C-0001"])])
    coordinator = store.coordinators["C-0001"]
    case_file = store.cases[CASE_ID]
    whole = hard_rule_failures(coordinator, case_file.case, store, TODAY, case_file.personal, within_days=2)
    parts = standing_failures(coordinator, TODAY, 2, 0) + case_failures(coordinator, case_file.case, case_file.personal)
    assert whole == parts == ["no agreement for 2024", "no EK-2: group case", "excluded by the family: knows them, not independent"]
    assert hard_rule_failures(coordinator, case_file.case, store, TODAY, case_file.personal, taken=5)[1] == "full: 5 of 3 places taken"


# --- preferences and defaults -------------------------------------------------------


def test_the_gender_asked_for_wins():
    store = make_store(
        [plain_coordinator("C-0001", gender="male"), plain_coordinator("C-0002", gender="female")],
        [waiting(preferences={"coordinator_gender": "female"})],
    )
    proposal = ranked(store)
    assert order(proposal) == ["C-0002", "C-0001"]
    assert "female (asked)" in texts(by_id(proposal, "C-0002"))
    assert "male; the family asked for a woman" in texts(by_id(proposal, "C-0001"))


def test_any_gender_weighs_nothing():
    store = make_store(
        [plain_coordinator("C-0002", gender="male"), plain_coordinator("C-0001", gender="female")],
        [waiting(preferences={"coordinator_gender": "any"})],
    )
    proposal = ranked(store)
    assert by_id(proposal, "C-0001").score == by_id(proposal, "C-0002").score
    assert order(proposal) == ["C-0001", "C-0002"]  # a tie goes to the lower id


def test_a_language_asked_for_is_shown_by_name_and_wins():
    store = make_store(
        [plain_coordinator("C-0001"), plain_coordinator("C-0002", languages=["nl", "ar"])],
        [waiting(preferences={"languages": ["ar", "nl"]})],
    )
    proposal = ranked(store)
    assert order(proposal) == ["C-0002", "C-0001"]
    assert {"speaks Arabic (asked)", "speaks Dutch (asked)", "can talk with the family without an interpreter"} <= set(texts(by_id(proposal, "C-0002")))
    assert "does not speak Arabic (asked)" in texts(by_id(proposal, "C-0001"))


def test_a_three_letter_language_code_is_shown_by_name():
    store = make_store([plain_coordinator("C-0001", languages=["nl", "zgh"])], [waiting(preferences={"languages": ["zgh"]})])
    assert "speaks Standard Moroccan Tamazight (asked)" in texts(by_id(ranked(store), "C-0001"))


def test_no_common_language_is_said_plainly():
    store = make_store([plain_coordinator("C-0001")], [waiting(preferences={"languages": ["ti"]})])
    reasons = texts(by_id(ranked(store), "C-0001"))
    assert "does not speak Tigrinya (asked)" in reasons
    assert "no language in common with the family" in reasons


def test_without_a_language_asked_dutch_is_the_shared_language():
    store = make_store([plain_coordinator("C-0001"), plain_coordinator("C-0002", languages=["en"])], [waiting()])
    proposal = ranked(store)
    assert "speaks Dutch (no language asked)" in texts(by_id(proposal, "C-0001"))
    assert "does not speak Dutch" in texts(by_id(proposal, "C-0002"))
    assert order(proposal) == ["C-0001", "C-0002"]


def test_an_asked_language_that_is_no_iso_639_code_is_noted():
    store = make_store([plain_coordinator("C-0001")], [waiting(preferences={"languages": ["xq"]})])
    proposal = ranked(store)
    assert "asked language 'xq' is not an ISO 639 code; no coordinator can match it" in proposal.notes
    assert "does not speak 'xq' (not an ISO 639 code) (asked)" in texts(by_id(proposal, "C-0001"))


def test_the_culture_asked_for_matches_without_regard_to_case():
    store = make_store(
        [plain_coordinator("C-0001", cultures=["Turks-Nederlands"]), plain_coordinator("C-0002", cultures=["marokkaans-nederlands"])],
        [waiting(preferences={"culture": "Marokkaans-Nederlands"})],
    )
    proposal = ranked(store)
    assert order(proposal) == ["C-0002", "C-0001"]
    assert "Marokkaans-Nederlands (asked)" in texts(by_id(proposal, "C-0002"))
    assert "not Marokkaans-Nederlands (asked)" in texts(by_id(proposal, "C-0001"))


def test_the_age_asked_for_counts_in_the_year_of_the_match():
    store = make_store(
        [plain_coordinator("C-0001", birth_year=1994), plain_coordinator("C-0002", birth_year=1970)],
        [waiting(preferences={"coordinator_age": {"min": 35, "max": 65}})],
    )
    proposal = ranked(store)
    assert order(proposal) == ["C-0002", "C-0001"]
    assert "age 54 (asked 35-65)" in texts(by_id(proposal, "C-0002"))
    assert "age 30; the family asked 35-65" in texts(by_id(proposal, "C-0001"))


def test_an_open_ended_age_range():
    store = make_store([plain_coordinator("C-0001", birth_year=1960)], [waiting(preferences={"coordinator_age": {"min": 50}})])
    assert "age 64 (asked 50-)" in texts(by_id(ranked(store), "C-0001"))


def test_home_region_beats_same_province_beats_elsewhere():
    store = make_store(
        [
            plain_coordinator("C-0001", regions=["rijnmond"]),
            plain_coordinator("C-0002", regions=["amsterdam-amstelland"]),
            plain_coordinator("C-0003", regions=["noord-holland-noord"]),
            plain_coordinator("C-0004"),
        ],
        [waiting()],  # Purmerend: noord-holland-noord, Noord-Holland
    )
    proposal = ranked(store)
    assert order(proposal) == ["C-0003", "C-0002", "C-0001", "C-0004"]
    assert "home region Noord-Holland Noord" in texts(by_id(proposal, "C-0003"))
    assert "near: also in Noord-Holland" in texts(by_id(proposal, "C-0002"))
    assert "home region elsewhere, not in Noord-Holland" in texts(by_id(proposal, "C-0001"))
    assert "no home region" in texts(by_id(proposal, "C-0004"))


def test_a_home_in_the_same_province_is_near():
    store = make_store([plain_coordinator("C-0001", home="GM0363"), plain_coordinator("C-0002", home="GM0599")], [waiting()])
    proposal = ranked(store)
    assert "near: also in Noord-Holland" in texts(by_id(proposal, "C-0001"))
    assert order(proposal) == ["C-0001", "C-0002"]


def test_lower_load_ranks_higher():
    store = make_store(
        [plain_coordinator("C-0001", max_cases=3), plain_coordinator("C-0002", max_cases=3)],
        [waiting(), open_case_of("C-0001", "EKC-2024-BBBB1"), open_case_of("C-0001", "EKC-2024-BBBB2")],
    )
    proposal = ranked(store)
    assert order(proposal) == ["C-0002", "C-0001"]
    assert "2 of 3 places taken" in texts(by_id(proposal, "C-0001"))
    assert "0 of 3 places taken" in texts(by_id(proposal, "C-0002"))


def test_a_case_with_conditions_wants_two_conferences_of_experience():
    store = make_store(
        [plain_coordinator("C-0001"), plain_coordinator("C-0002")],
        [
            waiting(conditions=True),
            conference_of("C-0001", "EKC-2024-DDDD1"),
            declined_case_of("C-0001", "EKC-2024-DDDD2"),  # no meeting: not a conference
            conference_of("C-0002", "EKC-2024-DDDD3"),
            conference_of("C-0002", "EKC-2024-DDDD4"),
        ],
    )
    proposal = ranked(store)
    assert order(proposal) == ["C-0002", "C-0001"]
    assert "2 conferences: ready for a case with conditions" in texts(by_id(proposal, "C-0002"))
    assert "1 conference so far: not yet ready for a case with conditions" in texts(by_id(proposal, "C-0001"))


def test_experience_does_not_weigh_without_conditions():
    store = make_store(
        [plain_coordinator("C-0001"), plain_coordinator("C-0002")],
        [waiting(conditions=False), conference_of("C-0002", "EKC-2024-DDDD3"), conference_of("C-0002", "EKC-2024-DDDD4")],
    )
    proposal = ranked(store)
    assert by_id(proposal, "C-0001").score == by_id(proposal, "C-0002").score
    assert "2 conferences" in texts(by_id(proposal, "C-0002"))


def test_weights_come_from_ekc_yaml():
    pool = [plain_coordinator("C-0001", gender="female"), plain_coordinator("C-0002", gender="male", languages=["nl", "ar"])]
    preferences = {"coordinator_gender": "female", "languages": ["ar"]}
    default = ranked(make_store(pool, [waiting(preferences=preferences)]))
    assert order(default) == ["C-0002", "C-0001"]  # language (4 + 2) over gender (3)
    tuned = ranked(make_store(pool, [waiting(preferences=preferences)], settings={"match_weights": {"gender": 10}}))
    assert order(tuned) == ["C-0001", "C-0002"]
    assert by_id(tuned, "C-0001").score == 10 + 0 + 1  # gender, no language points, a free load


def test_score_is_the_sum_of_the_points_of_its_reasons():
    store = make_store(
        [plain_coordinator("C-0001", gender="female", languages=["nl", "ar"], regions=["noord-holland-noord"], home="GM0599")],
        [waiting(preferences={"coordinator_gender": "female", "languages": ["ar", "nl"], "culture": "Fries", "coordinator_age": {"min": 40}})],
    )
    candidate = by_id(ranked(store), "C-0001")
    # gender 3 + Arabic 2 + Dutch 2 + shared 2 + age 2 + region 1.5 + outside 0.5 + load 1
    assert candidate.score == 14.0 == round(sum(r.points for r in candidate.reasons), 3)
    assert all(r.points > 0 for r in candidate.reasons if r.kind == "met" and "places taken" not in r.text)
    assert all(r.points == 0 for r in candidate.reasons if r.kind in ("missed", "rule", "note"))


def test_ties_go_to_the_lower_id():
    store = make_store([plain_coordinator(f"C-000{n}") for n in (3, 1, 2)], [waiting()])
    assert order(ranked(store)) == ["C-0001", "C-0002", "C-0003"]


# --- the case itself ----------------------------------------------------------------


def test_a_case_without_personal_data_is_matched_without_preferences():
    case, _ = waiting()
    store = make_store([plain_coordinator("C-0001")], [(case, None)])
    proposal = ranked(store)
    assert proposal.best.coordinator == "C-0001"
    assert "no personal.yaml: no preferences or exclusions of the family are known" in proposal.notes


def test_a_broken_personal_file_is_named_because_exclusions_go_unchecked():
    from dataclasses import replace

    case, _ = waiting()
    store = make_store([plain_coordinator("C-0001")], [(case, None)])
    broken = replace(store.cases[CASE_ID], personal_present=True)
    store = replace(store, cases={CASE_ID: broken})
    (note,) = ranked(store).notes
    assert note.startswith("personal.yaml has errors (run `ekc validate`)")
    assert "exclusions cannot be checked" in note


def test_an_unknown_municipality_leaves_region_out_and_says_so():
    store = make_store([plain_coordinator("C-0001", regions=["rijnmond"], home="GM0599")], [waiting(municipality="GM9999")])
    proposal = ranked(store)
    assert "municipality GM9999 is unknown: region cannot weigh in" in proposal.notes
    reasons = texts(by_id(proposal, "C-0001"))
    assert not any("region" in r or "near" in r for r in reasons)
    assert "lives outside the family's municipality" in reasons


def test_a_closed_case_needs_no_coordinator():
    store = make_store([plain_coordinator("C-0001")], [conference_of("C-0001", "EKC-2024-DDDD1")])
    with pytest.raises(Refused, match="closed"):
        ranked(store, "EKC-2024-DDDD1")


def test_an_unknown_case_is_refused():
    store = make_store([plain_coordinator("C-0001")], [waiting()])
    with pytest.raises(Refused, match="no readable case EKC-2024-ZZZZZ"):
        ranked(store, "EKC-2024-ZZZZZ")


def test_an_empty_pool_has_no_best():
    proposal = ranked(make_store([], [waiting()]))
    assert proposal.candidates == () and proposal.best is None


def test_ineligible_counts_group_by_rule():
    store = make_store(
        [plain_coordinator("C-0001", max_cases=0), plain_coordinator("C-0002", max_cases=1, active=False), plain_coordinator("C-0003", max_cases=0)],
        [waiting(), open_case_of("C-0002", "EKC-2024-BBBB1")],
    )
    assert ranked(store).ineligible_counts() == {"full": 3, "not active": 1}


# --- many cases at once -------------------------------------------------------------


def test_open_spreads_cases_by_free_places_and_fit():
    store = make_store(
        [
            plain_coordinator("C-0001", languages=["nl", "ar"], max_cases=1),
            plain_coordinator("C-0002", languages=["nl", "tr"], max_cases=1),
        ],
        [
            waiting("EKC-2024-AAAA1", preferences={"languages": ["ar"]}),
            waiting("EKC-2024-AAAA2", preferences={"languages": ["tr"]}),
        ],
    )
    proposal = matching.propose_open(store, TODAY)
    assert [(p.case, p.coordinator) for p in proposal.pairings] == [("EKC-2024-AAAA1", "C-0001"), ("EKC-2024-AAAA2", "C-0002")]
    assert "speaks Arabic (asked)" in [r.text for r in proposal.pairings[0].reasons]


def test_open_seats_as_many_cases_as_possible_before_fit():
    # C-0001 fits both cases best, but has one place; C-0002 is only eligible for the
    # family case. Greedy by score would give C-0001 the family case and leave the
    # restorative case without anyone.
    store = make_store(
        [
            plain_coordinator("C-0001", languages=["nl", "ar"], max_cases=1),
            plain_coordinator("C-0002", trained={"ek1": "2023-01-10"}, max_cases=1),
        ],
        [
            waiting("EKC-2024-AAAA1", preferences={"languages": ["ar"]}),
            waiting("EKC-2024-AAAA2", variant="restorative"),
        ],
    )
    pairs = {p.case: p.coordinator for p in matching.propose_open(store, TODAY).pairings}
    assert pairs == {"EKC-2024-AAAA1": "C-0002", "EKC-2024-AAAA2": "C-0001"}


def test_open_leaves_a_case_without_coordinator_when_places_run_out():
    store = make_store(
        [plain_coordinator("C-0001", max_cases=1)],
        [waiting("EKC-2024-AAAA1"), waiting("EKC-2024-AAAA2"), waiting("EKC-2024-AAAA3", exclude=["C-0001"])],
    )
    pairings = {p.case: p for p in matching.propose_open(store, TODAY).pairings}
    assert pairings["EKC-2024-AAAA1"].coordinator == "C-0001"  # equal fit: the lower case id
    assert pairings["EKC-2024-AAAA2"].coordinator is None and pairings["EKC-2024-AAAA2"].eligible_count == 1
    assert pairings["EKC-2024-AAAA3"].coordinator is None and pairings["EKC-2024-AAAA3"].eligible_count == 0


def test_open_only_takes_cases_without_a_coordinator():
    store = make_store(
        [plain_coordinator("C-0001", max_cases=2)],
        [waiting("EKC-2024-AAAA1"), open_case_of("C-0001", "EKC-2024-BBBB1"), conference_of("C-0001", "EKC-2024-CCCC1")],
    )
    proposal = matching.propose_open(store, TODAY)
    assert [p.case for p in proposal.pairings] == ["EKC-2024-AAAA1"]
    assert proposal.free_places == {"C-0001": 1}


def test_open_with_nothing_waiting():
    store = make_store([plain_coordinator("C-0001")], [open_case_of("C-0001", "EKC-2024-BBBB1")])
    assert matching.propose_open(store, TODAY).pairings == ()


def test_open_with_nobody_eligible():
    store = make_store([plain_coordinator("C-0001", active=False)], [waiting("EKC-2024-AAAA1")])
    (pairing,) = matching.propose_open(store, TODAY).pairings
    assert pairing.coordinator is None and pairing.eligible_count == 0


# --- the documentation keeps up -------------------------------------------------------


def test_docs_list_every_weight_with_its_default():
    from pathlib import Path

    from ekc.model.settings import MatchWeights

    text = (Path(__file__).resolve().parents[1] / "docs" / "match.md").read_text()
    rows = {line.split("|")[1].strip(): line.split("|")[2].strip() for line in text.splitlines() if line.startswith("| `")}
    for name, info in MatchWeights.model_fields.items():
        assert rows.get(f"`{name}`") == f"{info.default}", name
        assert info.description, name


def test_the_sample_ekc_yaml_states_the_default_weights():
    """The sample's ekc.yaml says its values are the defaults: keep it true."""
    from pathlib import Path

    from ekc.model.settings import MatchWeights, Settings
    from ekc.store.yamlio import load_roundtrip

    sample = Path(__file__).resolve().parents[1] / "ekc.yaml"
    if not sample.is_file():
        pytest.skip("no sample data at the project root")
    data = load_roundtrip(sample)
    weights = Settings.model_validate({"match_weights": dict(data["match_weights"])}).match_weights
    assert weights == MatchWeights()
