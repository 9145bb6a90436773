"""The rules inside one case.yaml (DATA-FORMAT.md, `case.yaml`), one test per rule.

Every test writes the valid store of tests/rulecheck.py, breaks exactly one thing and
asserts the finding that follows: code, severity, path, line and column.
"""

from __future__ import annotations

import copy
import shutil

import pytest

from tests.rulecheck import (
    CLOSED_ID, CLOSED_PATH, OPEN_ID, OPEN_PATH, at, case_folder, edit, findings_of, the_one,
    valid_store, where,
)
from tests.support.store import closed_case, registered_case


def history(*entries: tuple[str, str]) -> list[dict]:
    return [{"phase": phase, "date": day} for phase, day in entries]


def open_case(*entries: tuple[str, str], **overrides) -> dict:
    """The valid open case, moved on through `entries` with a coordinator."""
    return registered_case(
        history=history(*entries), coordinator="C-0042", **overrides
    )


def test_the_valid_store_has_no_findings(tmp_path):
    root = valid_store(tmp_path).write()
    assert findings_of(root) == []


# -- history -------------------------------------------------------------------------------

def test_history_must_start_with_registered(tmp_path):
    case = closed_case(history=history(
        ("informative_talk", "2024-02-05"), ("connect_activate", "2024-02-20"),
        ("meeting_aftercare", "2024-03-28"), ("closed", "2024-06-30"),
    ))
    root = valid_store(tmp_path, closed=case).write()
    found = the_one(findings_of(root))
    assert where(found) == ("history", "error", CLOSED_PATH, *at(root, CLOSED_PATH, "phase: informative_talk", "informative_talk"))
    assert "start with registered" in found.message


def test_history_may_not_skip_a_phase(tmp_path):
    case = closed_case(history=history(
        ("registered", "2024-02-03"), ("informative_talk", "2024-02-05"),
        ("meeting_aftercare", "2024-03-28"), ("closed", "2024-06-30"),
    ))
    root = valid_store(tmp_path, closed=case).write()
    found = the_one(findings_of(root))
    assert where(found) == ("history", "error", CLOSED_PATH, *at(root, CLOSED_PATH, "phase: meeting_aftercare", "meeting_aftercare"))
    assert "skips connect_activate (verbinden en activeren)" in found.message


def test_follow_up_straight_after_connect_activate_skips_the_meeting(tmp_path):
    case = open_case(
        ("registered", "2024-09-02"), ("informative_talk", "2024-09-03"),
        ("connect_activate", "2024-09-04"), ("follow_up", "2024-09-05"),
    )
    root = valid_store(tmp_path, open_case=case).write()
    found = the_one(findings_of(root))
    assert where(found) == ("history", "error", OPEN_PATH, *at(root, OPEN_PATH, "phase: follow_up", "follow_up"))
    assert "skips meeting_aftercare" in found.message


def test_history_never_goes_back(tmp_path):
    case = open_case(
        ("registered", "2024-09-02"), ("informative_talk", "2024-09-03"),
        ("connect_activate", "2024-09-04"), ("informative_talk", "2024-09-05"),
    )
    root = valid_store(tmp_path, open_case=case).write()
    found = the_one(findings_of(root))
    assert where(found) == ("history", "error", OPEN_PATH, *at(root, OPEN_PATH, "phase: informative_talk", "informative_talk", occurrence=2))
    assert "goes back" in found.message


def test_a_phase_other_than_follow_up_does_not_repeat(tmp_path):
    case = open_case(
        ("registered", "2024-09-02"), ("informative_talk", "2024-09-03"), ("informative_talk", "2024-09-04"),
    )
    root = valid_store(tmp_path, open_case=case).write()
    found = the_one(findings_of(root))
    assert where(found) == ("history", "error", OPEN_PATH, *at(root, OPEN_PATH, "phase: informative_talk", "informative_talk", occurrence=2))


def test_history_dates_never_decrease(tmp_path):
    case = closed_case(history=history(
        ("registered", "2024-02-03"), ("informative_talk", "2024-02-05"), ("connect_activate", "2024-02-04"),
        ("meeting_aftercare", "2024-03-28"), ("closed", "2024-06-30"),
    ))
    root = valid_store(tmp_path, closed=case).write()
    found = the_one(findings_of(root))
    assert where(found) == ("history", "error", CLOSED_PATH, *at(root, CLOSED_PATH, "date: 2024-02-04", "2024-02-04"))
    assert "2024-02-04 is before the previous entry's 2024-02-05" in found.message


def test_two_entries_on_one_day_are_fine(tmp_path):
    case = open_case(("registered", "2024-09-02"), ("informative_talk", "2024-09-02"))
    root = valid_store(tmp_path, open_case=case).write()
    assert findings_of(root) == []


def test_closed_must_be_the_last_entry(tmp_path):
    case = closed_case(history=history(
        ("registered", "2024-02-03"), ("informative_talk", "2024-02-05"), ("connect_activate", "2024-02-20"),
        ("meeting_aftercare", "2024-03-28"), ("closed", "2024-06-30"), ("closed", "2024-07-01"),
    ))
    root = valid_store(tmp_path, closed=case).write()
    found = the_one(findings_of(root))
    assert where(found) == ("history", "error", CLOSED_PATH, *at(root, CLOSED_PATH, "phase: closed", "closed", occurrence=2))
    assert "closed must be the last entry" in found.message


def test_a_phase_after_closed_is_reported_at_that_entry(tmp_path):
    case = closed_case(history=history(
        ("registered", "2024-02-03"), ("informative_talk", "2024-02-05"), ("connect_activate", "2024-02-20"),
        ("meeting_aftercare", "2024-03-28"), ("closed", "2024-06-30"), ("follow_up", "2024-07-01"),
    ))
    root = valid_store(tmp_path, closed=case).write()
    history_findings = [f for f in findings_of(root) if f.code == "history"]
    assert [where(f) for f in history_findings] == [
        ("history", "error", CLOSED_PATH, *at(root, CLOSED_PATH, "phase: follow_up", "follow_up"))
    ]


def test_follow_up_may_repeat(tmp_path):
    meeting = closed_case()["meetings"][0]
    case = closed_case(
        history=history(
            ("registered", "2024-02-03"), ("informative_talk", "2024-02-05"), ("connect_activate", "2024-02-20"),
            ("meeting_aftercare", "2024-03-28"), ("follow_up", "2024-04-20"), ("follow_up", "2024-05-20"),
            ("closed", "2024-06-30"),
        ),
        meetings=[meeting, {**copy.deepcopy(meeting), "date": "2024-04-25", "follow_up": True},
                  {**copy.deepcopy(meeting), "date": "2024-05-21", "follow_up": True}],
    )
    root = valid_store(tmp_path, closed=case).write()
    assert findings_of(root) == []


@pytest.mark.parametrize(
    ("entries", "outcome", "extra"),
    [
        ([("registered", "2024-02-03")], "declined", {}),
        ([("registered", "2024-02-03")], "stopped", {"stop_reason": "unwilling"}),
        ([("registered", "2024-02-03"), ("informative_talk", "2024-02-05")], "own_plan", {}),
        ([("registered", "2024-02-03"), ("informative_talk", "2024-02-05"), ("connect_activate", "2024-02-20")], "stopped", {"stop_reason": "network_too_small"}),
        ([("registered", "2024-02-03"), ("informative_talk", "2024-02-05"), ("connect_activate", "2024-02-20"),
          ("meeting_aftercare", "2024-03-28"), ("follow_up", "2024-05-01")], "no_plan", {"meetings": [{"date": "2024-03-28"}]}),
    ],
    ids=["registered", "registered-stopped", "informative_talk", "connect_activate", "follow_up"],
)
def test_a_case_may_close_from_any_phase(tmp_path, entries, outcome, extra):
    case = closed_case(history=history(*entries, ("closed", "2024-06-30")), outcome=outcome, meetings=[])
    case.update(extra)
    root = valid_store(tmp_path, closed=case).write()
    assert findings_of(root) == []


# -- outcome and stop_reason ------------------------------------------------------------------

def test_a_closed_case_needs_an_outcome(tmp_path):
    case = closed_case()
    del case["outcome"]
    root = valid_store(tmp_path, closed=case).write()
    found = the_one(findings_of(root))
    assert where(found) == ("outcome", "error", CLOSED_PATH, 1, 1)
    assert "needs an outcome" in found.message


def test_an_open_case_has_no_outcome(tmp_path):
    root = valid_store(tmp_path, open_case=registered_case(outcome="declined")).write()
    found = the_one(findings_of(root))
    assert where(found) == ("outcome", "error", OPEN_PATH, *at(root, OPEN_PATH, "outcome: declined", "declined"))
    assert "not closed" in found.message


def test_outcome_stopped_needs_a_stop_reason(tmp_path):
    case = closed_case(history=history(("registered", "2024-02-03"), ("closed", "2024-09-01")), outcome="stopped", meetings=[])
    root = valid_store(tmp_path, closed=case).write()
    found = the_one(findings_of(root))
    assert where(found) == ("stop-reason", "error", CLOSED_PATH, *at(root, CLOSED_PATH, "outcome: stopped", "stopped"))


def test_stop_reason_only_with_outcome_stopped(tmp_path):
    root = valid_store(tmp_path, closed=closed_case(stop_reason="conflict")).write()
    found = the_one(findings_of(root))
    assert where(found) == ("stop-reason", "error", CLOSED_PATH, *at(root, CLOSED_PATH, "stop_reason: conflict", "conflict"))


def test_stop_reason_null_is_the_same_as_absent(tmp_path):
    root = valid_store(tmp_path, closed=closed_case(stop_reason=None)).write()
    assert findings_of(root) == []


@pytest.mark.parametrize("outcome", ["plan", "no_plan"])
def test_plan_and_no_plan_need_a_meeting(tmp_path, outcome):
    root = valid_store(tmp_path, closed=closed_case(outcome=outcome, meetings=[])).write()
    found = the_one(findings_of(root))
    assert where(found) == ("outcome", "error", CLOSED_PATH, *at(root, CLOSED_PATH, f"outcome: {outcome}", outcome))
    assert "needs a meeting" in found.message


@pytest.mark.parametrize("outcome", ["own_plan", "declined", "stopped"])
def test_outcomes_without_a_meeting_have_none(tmp_path, outcome):
    case = closed_case(outcome=outcome)
    if outcome == "stopped":
        case["stop_reason"] = "other"
    root = valid_store(tmp_path, closed=case).write()
    found = the_one(findings_of(root))
    assert where(found) == ("outcome", "error", CLOSED_PATH, *at(root, CLOSED_PATH, f"outcome: {outcome}", outcome))
    assert "no meeting" in found.message


def test_an_unknown_outcome_is_a_value_error(tmp_path):
    root = valid_store(tmp_path, closed=closed_case(outcome="planned")).write()
    found = the_one(findings_of(root))
    assert where(found) == ("value", "error", CLOSED_PATH, *at(root, CLOSED_PATH, "outcome: planned", "planned"))
    assert "'planned' is not allowed" in found.message


# -- meetings ---------------------------------------------------------------------------------

def test_a_meeting_before_its_phase_is_refused(tmp_path):
    case = closed_case()
    case["meetings"][0]["date"] = "2024-03-27"
    root = valid_store(tmp_path, closed=case).write()
    found = the_one(findings_of(root))
    assert where(found) == ("meeting", "error", CLOSED_PATH, *at(root, CLOSED_PATH, "- date: 2024-03-27", "2024-03-27"))
    assert "outside every meeting_aftercare/follow_up phase" in found.message


def test_a_meeting_after_closure_is_refused(tmp_path):
    case = closed_case()
    case["meetings"][0]["date"] = "2024-07-01"
    root = valid_store(tmp_path, closed=case).write()
    found = the_one(findings_of(root))
    assert where(found) == ("meeting", "error", CLOSED_PATH, *at(root, CLOSED_PATH, "- date: 2024-07-01", "2024-07-01"))


def test_a_meeting_on_the_closing_day_lies_within_its_phase(tmp_path):
    case = closed_case()
    case["meetings"][0]["date"] = "2024-06-30"
    root = valid_store(tmp_path, closed=case).write()
    assert findings_of(root) == []


def test_a_meeting_in_a_case_that_never_reached_the_meeting_phase(tmp_path):
    case = open_case(("registered", "2024-09-02"), ("informative_talk", "2024-09-03"), meetings=[{"date": "2024-09-04"}])
    root = valid_store(tmp_path, open_case=case).write()
    found = the_one(findings_of(root))
    assert where(found) == ("meeting", "error", OPEN_PATH, *at(root, OPEN_PATH, "- date: 2024-09-04", "2024-09-04"))
    assert "never reached meeting_aftercare" in found.message


def test_the_first_meeting_is_not_a_follow_up(tmp_path):
    case = closed_case()
    case["meetings"][0]["follow_up"] = True
    root = valid_store(tmp_path, closed=case).write()
    found = the_one(findings_of(root))
    assert where(found) == ("meeting", "error", CLOSED_PATH, *at(root, CLOSED_PATH, "follow_up: true", "true"))
    assert "first meeting cannot be a follow-up" in found.message


def test_private_hours_cannot_exceed_the_total(tmp_path):
    case = closed_case()
    case["meetings"][0]["hours_private"] = 5.0
    root = valid_store(tmp_path, closed=case).write()
    found = the_one(findings_of(root))
    assert where(found) == ("meeting", "error", CLOSED_PATH, *at(root, CLOSED_PATH, "hours_private: 5.0", "5.0"))


def test_a_grade_outside_one_to_ten_is_refused(tmp_path):
    case = closed_case()
    case["satisfaction"]["coordinator"]["regional_manager"] = 11
    root = valid_store(tmp_path, closed=case).write()
    found = the_one(findings_of(root))
    assert where(found) == ("value", "error", CLOSED_PATH, *at(root, CLOSED_PATH, "regional_manager: 11", "11"))


# -- coordinator and referrer -----------------------------------------------------------------

def test_a_coordinator_is_required_from_the_informative_talk_on(tmp_path):
    case = closed_case()
    del case["coordinator"]
    root = valid_store(tmp_path, closed=case).write()
    found = the_one(findings_of(root))
    assert where(found) == ("coordinator", "error", CLOSED_PATH, 1, 1)
    assert "required from informative_talk" in found.message


def test_a_registered_case_needs_no_coordinator(tmp_path):
    root = valid_store(tmp_path).write()
    assert "coordinator" not in (root / OPEN_PATH).read_text()
    assert findings_of(root) == []


def test_a_professional_referrer_needs_referrer_org(tmp_path):
    case = closed_case()
    del case["referrer_org"]
    root = valid_store(tmp_path, closed=case).write()
    found = the_one(findings_of(root))
    assert where(found) == ("referrer", "error", CLOSED_PATH, *at(root, CLOSED_PATH, "referrer: professional", "professional"))


@pytest.mark.parametrize("referrer", ["self", "network"])
def test_referrer_org_only_for_a_professional_referrer(tmp_path, referrer):
    root = valid_store(tmp_path, open_case=registered_case(referrer=referrer, referrer_org="education")).write()
    found = the_one(findings_of(root))
    assert where(found) == ("referrer", "error", OPEN_PATH, *at(root, OPEN_PATH, "referrer_org: education", "education"))


def test_reasons_hold_at_least_one_code(tmp_path):
    root = valid_store(tmp_path, open_case=registered_case(reasons=[])).write()
    found = the_one(findings_of(root))
    assert where(found) == ("value", "error", OPEN_PATH, *at(root, OPEN_PATH, "reasons: []", "[]"))


def test_a_missing_required_field_points_at_the_mapping(tmp_path):
    case = registered_case()
    del case["variant"]
    root = valid_store(tmp_path, open_case=case).write()
    found = the_one(findings_of(root))
    assert where(found) == ("missing", "error", OPEN_PATH, 1, 1)
    assert "'variant' is missing" in found.message


def test_a_quoted_boolean_is_a_type_error(tmp_path):
    root = valid_store(tmp_path).write()
    edit(root, OPEN_PATH, "conditions: false", "conditions: 'false'")
    found = the_one(findings_of(root))
    assert where(found) == ("type", "error", OPEN_PATH, *at(root, OPEN_PATH, "conditions: 'false'", "'false'"))


# -- id and folders ---------------------------------------------------------------------------

def test_the_id_equals_the_folder_name(tmp_path):
    root = valid_store(tmp_path).write()
    folder = case_folder(root, CLOSED_ID)
    folder.rename(folder.with_name("EKC-2024-K7Q2N"))
    path = "cases/2024/EKC-2024-K7Q2N/case.yaml"
    found = the_one(findings_of(root))
    assert where(found) == ("id", "error", path, *at(root, path, f"id: {CLOSED_ID}", CLOSED_ID))
    assert "does not equal its folder name EKC-2024-K7Q2N" in found.message


def test_the_year_folder_is_the_year_of_registration(tmp_path):
    root = valid_store(tmp_path).write()
    (root / "cases" / "2023").mkdir()
    shutil.move(str(case_folder(root, CLOSED_ID)), str(root / "cases" / "2023" / CLOSED_ID))
    path = f"cases/2023/{CLOSED_ID}/case.yaml"
    found = the_one(findings_of(root))
    assert where(found) == ("id", "error", path, *at(root, path, "date: 2024-02-03", "2024-02-03"))
    assert "registered in 2024 but lies under cases/2023/" in found.message


def test_the_id_names_the_year_of_registration(tmp_path):
    case = registered_case(id="EKC-2025-AB12C", date="2025-01-06")
    root = valid_store(tmp_path, open_case=case).write()
    edit(root, "cases/2025/EKC-2025-AB12C/case.yaml", "date: 2025-01-06", "date: 2024-12-30")
    path = "cases/2025/EKC-2025-AB12C/case.yaml"
    found = sorted(where(f) for f in findings_of(root))
    assert found == sorted([
        ("id", "error", path, *at(root, path, "date: 2024-12-30", "2024-12-30")),
        ("id", "error", path, *at(root, path, "id: EKC-2025-AB12C", "EKC-2025-AB12C")),
    ])


def test_a_malformed_id_is_a_format_error(tmp_path):
    root = valid_store(tmp_path).write()
    edit(root, OPEN_PATH, f"id: {OPEN_ID}", "id: EKC-2024-AB12U")  # U is not Crockford base32
    found = [f for f in findings_of(root) if f.code == "format"]
    assert [where(f) for f in found] == [("format", "error", OPEN_PATH, *at(root, OPEN_PATH, "id: EKC-2024-AB12U", "EKC-2024-AB12U"))]


# -- unknown keys and personal data ------------------------------------------------------------

def test_an_unknown_top_level_key_is_an_error_at_the_key(tmp_path):
    root = valid_store(tmp_path, open_case=registered_case(varaint="family")).write()
    found = the_one(findings_of(root))
    assert where(found) == ("unknown-key", "error", OPEN_PATH, *at(root, OPEN_PATH, "varaint: family", "varaint"))
    assert "unknown key 'varaint'" in found.message


def test_an_unknown_nested_key_is_an_error_at_the_key(tmp_path):
    case = closed_case()
    case["meetings"][0]["attendees"]["cousins"] = 3
    root = valid_store(tmp_path, closed=case).write()
    found = the_one(findings_of(root))
    assert where(found) == ("unknown-key", "error", CLOSED_PATH, *at(root, CLOSED_PATH, "cousins: 3", "cousins"))


@pytest.mark.parametrize(
    ("value", "label"),
    [
        ("s.devries@example.org", "an e-mail address"),
        ("call +31 6 98765432", "a phone number"),
        ("0612345678", "a phone number"),
        ("06-12345678", "a phone number"),
        ("020 1234567", "a phone number"),
        ("1441 AB", "a Dutch postcode"),
        ("Kerkstraat 1, 1441AB Purmerend", "a Dutch postcode"),
        ("123456782", "a BSN (citizen service number)"),
    ],
)
def test_personal_looking_values_under_an_unknown_key(tmp_path, value, label):
    root = valid_store(tmp_path, open_case=registered_case(note=value)).write()
    found = sorted(findings_of(root), key=lambda f: f.code)
    note_line, note_col = at(root, OPEN_PATH, "note:", "note")
    assert [f.code for f in found] == ["personal-data", "unknown-key"]
    personal, unknown = found
    assert personal.severity == "error" and personal.path == OPEN_PATH
    assert personal.line == note_line and personal.column > note_col
    assert label in personal.message
    assert (unknown.line, unknown.column) == (note_line, note_col)


def test_a_bsn_as_a_bare_number_is_personal_data(tmp_path):
    root = valid_store(tmp_path, open_case=registered_case(note=123456782)).write()
    codes = sorted(f.code for f in findings_of(root))
    assert codes == ["personal-data", "unknown-key"]


def test_a_personal_looking_key_is_personal_data(tmp_path):
    case = closed_case()
    case["satisfaction"]["coordinator"]["jan@example.org"] = 8
    root = valid_store(tmp_path, closed=case).write()
    personal = [f for f in findings_of(root) if f.code == "personal-data"]
    assert [(f.path, f.line) for f in personal] == [(CLOSED_PATH, at(root, CLOSED_PATH, "jan@example.org")[0])]


def test_personal_data_in_a_known_field_is_reported_besides_its_format(tmp_path):
    root = valid_store(tmp_path, closed=closed_case(coordinator="f.elamrani@example.org")).write()
    codes = {f.code: f for f in findings_of(root)}
    assert set(codes) == {"personal-data", "format"}
    line, column = at(root, CLOSED_PATH, "coordinator: f.elamrani", "f.elamrani")
    assert (codes["personal-data"].line, codes["personal-data"].column) == (line, column)


def test_personal_data_is_found_even_when_the_model_passes(tmp_path):
    """A dangerous value in a field whose type is free is still caught."""
    case = closed_case()
    case["meetings"][0]["venue"] = "06 12345678"
    root = valid_store(tmp_path, closed=case).write()
    codes = sorted(f.code for f in findings_of(root))
    assert codes == ["personal-data", "value"]


@pytest.mark.parametrize("value", ["2024-02-03", "EKC-2024-K7Q2M", "GM0439", "C-0042", "54000", "parent_child_conflict"])
def test_ordinary_case_values_do_not_look_personal(value):
    from ekc.validate.rules.personal_data import looks_personal

    assert looks_personal(value) is None
