"""The rules of moving a case through its phases (ekc/cases/lifecycle.py), without files changing."""

from datetime import date

import pytest

from ekc.cases.lifecycle import Refusal, appointment_overdue, Transition, check_advance, default_target, flags, order_refusal
from ekc.store.loader import load
from tests.support.store import StoreBuilder, closed_case, registered_case

D = date.fromisoformat


def loaded_store(builder: StoreBuilder):
    return load(builder.write(), use_cache=False).store


def at_phase(phases: list[tuple[str, str]], **overrides):
    doc = registered_case(date=phases[0][1], coordinator="C-0042", **overrides)
    doc["history"] = [{"phase": p, "date": d} for p, d in phases]
    return doc


def check(builder, case_doc, today="2024-12-01", **kwargs):
    builder.with_case(case_doc)
    store = loaded_store(builder)
    return check_advance(store, store.cases[case_doc["id"]], D(today), **kwargs)


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        ("registered", "informative_talk", True),
        ("registered", "connect_activate", False),
        ("registered", "closed", True),
        ("informative_talk", "registered", False),
        ("informative_talk", "informative_talk", False),
        ("connect_activate", "meeting_aftercare", True),
        ("connect_activate", "follow_up", False),
        ("meeting_aftercare", "follow_up", True),
        ("follow_up", "follow_up", True),
        ("follow_up", "meeting_aftercare", False),
        ("closed", "closed", False),
    ],
)
def test_phase_order(current, target, allowed):
    assert (order_refusal(current, target) is None) is allowed


def test_skipping_names_the_phase_to_go_to_first():
    refusal = order_refusal("registered", "meeting_aftercare")
    assert refusal.rule == "phase-order"
    assert "skips informative_talk (informatief gesprek)" in refusal.message
    assert "advance to informative_talk first" in refusal.message


@pytest.mark.parametrize(
    ("phases", "outcome", "expected"),
    [
        (["registered"], None, "informative_talk"),
        (["registered", "informative_talk"], None, "connect_activate"),
        (["registered", "informative_talk", "connect_activate"], None, "meeting_aftercare"),
        (["registered", "informative_talk", "connect_activate", "meeting_aftercare"], None, "follow_up"),
        (["registered", "informative_talk", "connect_activate", "meeting_aftercare", "follow_up"], None, "closed"),
        (["registered"], "declined", "closed"),
    ],
)
def test_default_target_is_the_next_phase_or_closing(store, phases, outcome, expected):
    store.with_case(at_phase([(phase, f"2024-09-{i + 2:02d}") for i, phase in enumerate(phases)]))
    case = loaded_store(store).cases["EKC-2024-AB12C"].case
    assert default_target(case, outcome) == expected


def test_start_needs_a_coordinator(store):
    doc = registered_case()
    result = check(store, doc, on=D("2024-09-03"))
    assert isinstance(result, Refusal) and result.rule == "coordinator"
    assert "ekc case assign EKC-2024-AB12C" in result.message


def test_a_funded_start_names_its_contract(store):
    result = check(store, at_phase([("registered", "2024-09-02")]), on=D("2024-09-03"))
    assert result == Transition("EKC-2024-AB12C", "registered", "informative_talk", D("2024-09-03"), contract="PUR-2024")


def test_no_contract_is_refused_unless_unfunded(store):
    doc = at_phase([("registered", "2024-09-02")], municipality="GM0599")
    result = check(store, doc, on=D("2024-09-03"))
    assert isinstance(result, Refusal) and result.rule == "funding"
    assert "no contract of GM0599 (Rotterdam) covers a family start on 2024-09-03" in result.message
    assert "--unfunded" in result.message
    store2 = StoreBuilder(store.root.parent / "other")
    forced = check(store2, doc, on=D("2024-09-03"), unfunded=True)
    assert isinstance(forced, Transition) and forced.unfunded_start is True


def test_a_variant_the_contract_excludes_is_not_funded(store):
    store.municipalities["municipalities"][0]["contracts"][0]["variants"] = ["individual"]
    result = check(store, at_phase([("registered", "2024-09-02")]), on=D("2024-09-03"))
    assert isinstance(result, Refusal) and result.rule == "funding"


def test_a_start_outside_the_contract_period_is_not_funded(store):
    result = check(store, at_phase([("registered", "2024-12-30")]), today="2025-01-05", on=D("2025-01-02"))
    assert isinstance(result, Refusal) and result.rule == "funding"


def test_used_up_conferences_refuse_the_start(store):
    store.municipalities["municipalities"][0]["contracts"][0]["conferences"] = 1
    store.with_case(closed_case())  # started 2024-02-05 under PUR-2024
    result = check(store, at_phase([("registered", "2024-09-02")]), on=D("2024-09-03"))
    assert isinstance(result, Refusal) and result.rule == "funding"
    assert "used its 1 budgeted conferences (1 started)" in result.message


def test_used_up_money_refuses_the_start(store):
    # closed_case spent 450 + 1800 + 2250 = 4500; 4800 leaves 300, less than the talk's 450
    store.municipalities["municipalities"][0]["contracts"][0]["budget_eur"] = 4800
    store.with_case(closed_case())
    result = check(store, at_phase([("registered", "2024-09-02")]), on=D("2024-09-03"))
    assert isinstance(result, Refusal) and result.rule == "funding"
    assert "EUR 300 left" in result.message


def test_the_case_itself_does_not_count_against_its_own_start(store):
    store.municipalities["municipalities"][0]["contracts"][0]["conferences"] = 1
    result = check(store, at_phase([("registered", "2024-09-02")]), on=D("2024-09-03"))
    assert isinstance(result, Transition)


def test_ek2_variant_with_a_coordinator_without_ek2(store):
    store.coordinators["coordinators"][0]["trained"] = {"ek1": "2019-06-21"}
    doc = at_phase([("registered", "2024-09-02")], variant="restorative")
    result = check(store, doc, on=D("2024-09-03"))
    assert isinstance(result, Refusal) and result.rule == "ek2"


@pytest.mark.parametrize(("on", "fragment"), [("2024-09-01", "dates in history never decrease"), ("2024-12-02", "after today")])
def test_dates(store, on, fragment):
    result = check(store, at_phase([("registered", "2024-09-02")]), on=D(on))
    assert isinstance(result, Refusal) and result.rule == "date" and fragment in result.message


def test_leaving_a_meeting_phase_needs_its_meeting(store):
    doc = at_phase([("registered", "2024-09-02"), ("informative_talk", "2024-09-03"), ("connect_activate", "2024-09-10"),
                    ("meeting_aftercare", "2024-10-01")])
    result = check(store, doc, to="follow_up", on=D("2024-11-01"))
    assert isinstance(result, Refusal) and result.rule == "meeting"
    assert "record it with `ekc case meeting" in result.message


def test_a_meeting_of_an_earlier_phase_does_not_count(store):
    doc = at_phase([("registered", "2024-09-02"), ("informative_talk", "2024-09-03"), ("connect_activate", "2024-09-10"),
                    ("meeting_aftercare", "2024-10-01"), ("follow_up", "2024-11-01")])
    doc["meetings"] = [{"date": "2024-10-05", "follow_up": False}]
    result = check(store, doc, outcome="plan", on=D("2024-11-20"))
    assert isinstance(result, Refusal) and result.rule == "meeting"


def test_closing_after_a_meeting(store):
    doc = at_phase([("registered", "2024-09-02"), ("informative_talk", "2024-09-03"), ("connect_activate", "2024-09-10"),
                    ("meeting_aftercare", "2024-10-01")])
    doc["meetings"] = [{"date": "2024-10-05", "follow_up": False}]
    result = check(store, doc, outcome="plan", on=D("2024-11-20"))
    assert result == Transition("EKC-2024-AB12C", "meeting_aftercare", "closed", D("2024-11-20"), outcome="plan")


@pytest.mark.parametrize(
    ("phases", "kwargs", "rule", "fragment"),
    [
        ([("registered", "2024-09-02")], {"to": "closed"}, "outcome", "--outcome one of declined, stopped"),
        ([("registered", "2024-09-02")], {"outcome": "plan"}, "outcome", "there was no meeting"),
        ([("registered", "2024-09-02")], {"outcome": "own_plan"}, "outcome", "ends in declined, stopped"),
        ([("registered", "2024-09-02")], {"outcome": "stopped"}, "stop-reason", "--stop-reason"),
        ([("registered", "2024-09-02")], {"outcome": "declined", "stop_reason": "other"}, "stop-reason", "only for outcome stopped"),
        ([("registered", "2024-09-02")], {"to": "informative_talk", "outcome": "declined"}, "outcome", "only set when closing"),
        ([("registered", "2024-09-02"), ("closed", "2024-09-05")], {}, "phase-order", "closed is final"),
    ],
)
def test_closing_rules(store, phases, kwargs, rule, fragment):
    doc = at_phase(phases)
    if phases[-1][0] == "closed":
        doc["outcome"] = "declined"
    result = check(store, doc, **kwargs)
    assert isinstance(result, Refusal), result
    assert result.rule == rule and fragment in result.message


def test_closing_with_stopped_and_a_reason(store):
    result = check(store, at_phase([("registered", "2024-09-02")]), outcome="stopped", stop_reason="unwilling", on=D("2024-09-04"))
    assert isinstance(result, Transition) and (result.outcome, result.stop_reason) == ("stopped", "unwilling")


def test_unfunded_is_only_for_the_start(store):
    doc = at_phase([("registered", "2024-09-02"), ("informative_talk", "2024-09-03")])
    result = check(store, doc, unfunded=True, on=D("2024-09-04"))
    assert isinstance(result, Refusal) and result.rule == "funding"


def test_flags(store):
    store.with_case(registered_case("EKC-2024-AB12C", date="2024-09-02"))
    store.with_case(registered_case("EKC-2024-AB12D", date="2024-09-09"))
    store.with_case(closed_case(), personal={})
    store.with_case(closed_case("EKC-2024-K7Q2N", unfunded_start=True))
    data = loaded_store(store)
    today = D("2024-09-11")
    assert flags(data.cases["EKC-2024-AB12C"], data, today) == ["appointment-missed", "no-coordinator"]
    assert flags(data.cases["EKC-2024-AB12D"], data, today) == ["no-coordinator"]  # 2 days: within the promise
    assert flags(data.cases["EKC-2024-K7Q2M"], data, D("2024-09-30")) == ["purge-due"]  # closed 2024-06-30 + 3 months
    assert flags(data.cases["EKC-2024-K7Q2N"], data, today) == ["unfunded"]  # no personal.yaml left to purge
    assert flags(data.cases["EKC-2024-K7Q2M"], data, D("2024-09-29")) == []


def test_appointment_overdue(store):
    store.with_case(registered_case(date="2024-09-02"))
    case = loaded_store(store).cases["EKC-2024-AB12C"].case
    assert [appointment_overdue(case, D(day), 2) for day in ("2024-09-02", "2024-09-04", "2024-09-05", "2024-09-12")] == [0, 0, 1, 8]
