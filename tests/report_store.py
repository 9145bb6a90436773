"""A hand-built data repository whose every research figure for 2024 is worked out by hand.

Nine cases closed in 2024 (A B C D E F G H J below), plus three that must not count: one
closed in 2025, one closed in 2023, one still open. EXPECTED holds each figure's right
value, worked out from the case list in the comments, not by running the code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.support.store import StoreBuilder, personal_doc


def _history(*entries: tuple[str, str]) -> list[dict]:
    return [{"phase": phase, "date": day} for phase, day in entries]


def _case(id: str, *, referrer: str, minors: bool, help: str, municipality: str, history, outcome: str,
          reasons=("parenting",), org: str | None = None, conditions: bool = False, variant: str = "family",
          **extra: Any) -> dict:
    doc: dict[str, Any] = {
        "id": id,
        "variant": variant,
        "municipality": municipality,
        "referrer": referrer,
        "minors_involved": minors,
        "conditions": conditions,
        "professional_help": help,
        "reasons": list(reasons),
        "history": history,
        "outcome": outcome,
    }
    if org:
        doc["referrer_org"] = org
    if any(entry["phase"] != "registered" and entry["phase"] != "closed" for entry in history):
        doc["coordinator"] = "C-0042"
    doc.update(extra)
    return doc


def _meeting(day: str, **fields: Any) -> dict:
    return {"date": day, **fields}


def _attendees(minor_main, adult_main, family, network, professional) -> dict:
    return {"minor_main": minor_main, "adult_main": adult_main, "family": family, "network": network, "professional": professional}


NH, ZH = "GM0439", "GM0599"  # Purmerend (Noord-Holland), Rotterdam (Zuid-Holland)

CASES = [
    # A: professional (youth protection), minors, conditions, >5y help, Noord-Holland.
    # Registered 01-10, meeting Monday 02-05: 26 days, under 2 months. Outcome plan.
    _case(
        "EKC-2024-AAAA1", referrer="professional", org="youth_protection", minors=True, conditions=True, help="gt_5y",
        municipality=NH, reasons=["parent_child_conflict", "divorce"], outcome="plan",
        history=_history(("registered", "2024-01-10"), ("informative_talk", "2024-01-12"), ("connect_activate", "2024-01-20"),
                         ("meeting_aftercare", "2024-02-05"), ("closed", "2024-04-30")),
        meetings=[_meeting("2024-02-05", follow_up=False, venue="community_centre", daytime_only=True, hours_total=4.0,
                           hours_private=2.0, attendees=_attendees(1, 2, 5, 2, 2),
                           plan={"made": True, "evaluation": True, "contingency": True, "professional_help": True},
                           follow_up_agreed=False)],
        satisfaction={
            "forms_out": {"minors": 1, "adults": 4, "professionals": 2},
            "minors": [{"meeting": 8, "plan": 7, "coordinator": 9}],
            "adults": [{"role": "main", "meeting": 8, "plan": 8, "coordinator": 9, "referrer": 7},
                       {"role": "family", "meeting": 9, "plan": 7, "coordinator": 10}],
            "professionals": [{"meeting": 7, "plan": 6, "coordinator": 8, "good_decision": "fully"}],
            "coordinator": {"professionals": 7, "regional_manager": 9},
        },
    ),
    # B: self, no minors, no help, Zuid-Holland, reason debt. Registered 01-31, first meeting
    # Saturday 03-30: 59 days, under 2 months (01-31 + 2 months clamps to 03-31). A follow-up
    # meeting Wednesday 05-15. No satisfaction section at all.
    _case(
        "EKC-2024-BBBB2", referrer="self", minors=False, help="none", municipality=ZH, reasons=["debt"], outcome="plan",
        history=_history(("registered", "2024-01-31"), ("informative_talk", "2024-02-01"), ("connect_activate", "2024-02-10"),
                         ("meeting_aftercare", "2024-03-30"), ("follow_up", "2024-05-01"), ("closed", "2024-06-15")),
        meetings=[
            _meeting("2024-03-30", follow_up=False, venue="church", daytime_only=False, hours_total=5.0, hours_private=3.0,
                     attendees=_attendees(0, 1, 3, 1, 1), plan={"made": True, "evaluation": True, "contingency": False},
                     follow_up_agreed=True),
            _meeting("2024-05-15", follow_up=True, daytime_only=True, hours_total=2.5, hours_private=0.5,
                     plan={"made": True, "evaluation": False, "professional_help": True}),
        ],
    ),
    # C: network, minors, help unknown, Noord-Holland. Registered 03-01, meeting Wednesday
    # 05-01: exactly 2 months, so "2 to 3 months"; 61 days. No plan.
    _case(
        "EKC-2024-CCCC3", referrer="network", minors=True, help="unknown", municipality=NH, outcome="no_plan",
        history=_history(("registered", "2024-03-01"), ("informative_talk", "2024-03-04"), ("connect_activate", "2024-03-20"),
                         ("meeting_aftercare", "2024-05-01"), ("closed", "2024-06-01")),
        meetings=[_meeting("2024-05-01", follow_up=False, venue="agency_office", daytime_only=True, hours_total=3.0,
                           hours_private=1.0, attendees=_attendees(0, 2, 2, 0, 3), plan={"made": False},
                           follow_up_agreed=False)],
        satisfaction={
            "forms_out": {"minors": 0, "adults": 3, "professionals": 1},
            "adults": [{"role": "network", "meeting": 6, "coordinator": 8, "referrer": 5}],
            "professionals": [{"meeting": 6, "coordinator": 7, "good_decision": "partly"}],
        },
    ),
    # D: professional (municipality), no minors, <1y help, a municipality NOT in
    # municipalities.yaml (province unknown). Own plan from connect_activate.
    _case(
        "EKC-2024-DDDD4", referrer="professional", org="municipality", minors=False, help="lt_1y", municipality="GM9999",
        outcome="own_plan",
        history=_history(("registered", "2024-02-01"), ("informative_talk", "2024-02-02"), ("connect_activate", "2024-02-10"),
                         ("closed", "2024-04-01")),
    ),
    # E: registered in 2023, closed 2024-01-20 from connect_activate: stopped, network too small.
    _case(
        "EKC-2023-EEEE5", referrer="professional", org="youth_care", minors=True, help="1_5y", municipality=ZH,
        reasons=["parenting", "debt"], outcome="stopped", stop_reason="network_too_small",
        history=_history(("registered", "2023-11-15"), ("informative_talk", "2023-11-17"), ("connect_activate", "2023-12-01"),
                         ("closed", "2024-01-20")),
    ),
    # F: self, minors, no help, Noord-Holland; declined before any talk.
    _case(
        "EKC-2024-FFFF6", referrer="self", minors=True, help="none", municipality=NH, outcome="declined",
        history=_history(("registered", "2024-05-01"), ("closed", "2024-05-10")),
    ),
    # G: restorative, professional (youth protection), minors, conditions, >5y help, Noord-Holland.
    # Registered 06-03, meeting Tuesday 09-03: exactly 3 months, "3 months or more"; 92 days.
    # The meeting records attendees and plan only.
    _case(
        "EKC-2024-GGGG7", variant="restorative", referrer="professional", org="youth_protection", minors=True,
        conditions=True, help="gt_5y", municipality=NH, outcome="plan",
        history=_history(("registered", "2024-06-03"), ("informative_talk", "2024-06-05"), ("connect_activate", "2024-06-10"),
                         ("meeting_aftercare", "2024-09-02"), ("closed", "2024-12-31")),
        meetings=[_meeting("2024-09-03", follow_up=False, attendees=_attendees(2, 0, 4, 1, 1),
                           plan={"made": True, "evaluation": True, "contingency": True, "professional_help": True})],
        satisfaction={
            "forms_out": {"minors": 4, "adults": 2, "professionals": 1},
            "minors": [{"meeting": 9, "plan": 8, "coordinator": 10}, {"plan": 6}],
            "professionals": [{"meeting": 8, "plan": 8, "coordinator": 9}],
            "coordinator": {"professionals": 8},
        },
    ),
    # H: network, no minors, help unknown, Zuid-Holland. Registered 10-07, meeting Wednesday
    # 10-09: 2 days, the shortest. 6 hours, 3.5 private (both outside the ranges). Two adult
    # forms returned of one handed out: the adults' response is incomplete for this case.
    _case(
        "EKC-2024-HHHH8", referrer="network", minors=False, help="unknown", municipality=ZH, outcome="plan",
        history=_history(("registered", "2024-10-07"), ("informative_talk", "2024-10-08"), ("connect_activate", "2024-10-08"),
                         ("meeting_aftercare", "2024-10-09"), ("closed", "2024-11-15")),
        meetings=[_meeting("2024-10-09", follow_up=False, venue="community_centre", daytime_only=True, hours_total=6.0,
                           hours_private=3.5, attendees=_attendees(0, 1, 1, 0, 1),
                           plan={"made": True, "evaluation": False, "contingency": True, "professional_help": False},
                           follow_up_agreed=False)],
        satisfaction={
            "forms_out": {"minors": 0, "adults": 1, "professionals": 1},
            "adults": [{"role": "main", "meeting": 7, "plan": 7, "coordinator": 7, "referrer": 6},
                       {"role": "family", "meeting": 10, "plan": 10, "coordinator": 10, "referrer": 8}],
        },
    ),
    # J: self, no minors, no help, Noord-Holland: own plan straight after the informative talk.
    _case(
        "EKC-2024-JJJJ1", referrer="self", minors=False, help="none", municipality=NH, outcome="own_plan",
        history=_history(("registered", "2024-07-01"), ("informative_talk", "2024-07-03"), ("closed", "2024-07-20")),
    ),
    # Not in 2024: closed in 2025, closed in 2023, and one still open.
    _case(
        "EKC-2024-XXXX9", referrer="self", minors=True, help="none", municipality=NH, outcome="declined",
        history=_history(("registered", "2024-12-20"), ("closed", "2025-01-05")),
    ),
    _case(
        "EKC-2023-ZZZZ0", referrer="network", minors=True, help="none", municipality=ZH, outcome="declined",
        history=_history(("registered", "2023-03-01"), ("closed", "2023-06-01")),
    ),
]
OPEN_CASE = {
    "id": "EKC-2024-AB12C", "variant": "family", "municipality": NH, "referrer": "self", "minors_involved": False,
    "conditions": False, "professional_help": "unknown", "reasons": ["parenting"],
    "history": [{"phase": "registered", "date": "2024-11-02"}],
}


def build(root: Path, valid: bool = False) -> Path:
    """Write the store, every case with a personal.yaml (as before any purge).

    Case D names a municipality missing from municipalities.yaml (an error `ekc validate`
    reports, and the province figure must leave out); `valid=True` moves it to Purmerend,
    for commands that refuse invalid data."""
    builder = StoreBuilder(root)
    for case in [*CASES, OPEN_CASE]:
        if valid and case["municipality"] == "GM9999":
            case = {**case, "municipality": NH}
        builder.with_case(case, personal_doc())
    return builder.write()


def share(numerator, denominator, incomplete=0):
    return {"kind": "share", "numerator": numerator, "denominator": denominator, "incomplete": incomplete}


def count(value, incomplete=0):
    return {"kind": "count", "value": value, "incomplete": incomplete}


def mean(total, n, incomplete=0):
    return {"kind": "mean", "total": total, "n": n, "incomplete": incomplete}


def breakdown(denominator, incomplete=0, **counts):
    return {"kind": "breakdown", "denominator": denominator, "incomplete": incomplete, "counts": counts}


PROVINCES_ZERO = dict.fromkeys(
    ["Groningen", "Friesland", "Drenthe", "Overijssel", "Flevoland", "Gelderland", "Utrecht", "Zeeland", "Noord-Brabant", "Limburg"], 0
)
REASONS_ZERO = dict.fromkeys(
    ["parent_child_conflict", "divorce", "parenting", "domestic_violence", "mental_health", "addiction", "debt", "housing",
     "placement", "supervision_order", "detention", "suicidality", "elderly_care", "disability", "neighbourhood", "other"], 0
)

# Worked out by hand from CASES above (cases A B C D E F G H J; meetings A B1 B2 C G H).
EXPECTED: dict[str, dict] = {
    "closed_cases": count(9),
    "referrer": breakdown(9, professional=4, self=3, network=2),  # A D E G / B F J / C H
    "referrer_organisation": breakdown(  # A G / E / D
        4, youth_protection=2, youth_care=1, municipality=1, mental_health=0, education=0, justice=0, other=0
    ),
    "minor_main_persons": share(5, 9),  # A C E F G
    "province": breakdown(8, 1, **{**PROVINCES_ZERO, "Noord-Holland": 5, "Zuid-Holland": 3}),  # A C F G J / B E H; D unknown
    "professional_help_duration": breakdown(9, none=3, lt_1y=1, **{"1_5y": 1}, gt_5y=2, unknown=2),
    "reasons": breakdown(9, **{**REASONS_ZERO, "parent_child_conflict": 1, "divorce": 1, "debt": 2, "parenting": 7}),
    "variant": breakdown(9, family=8, individual=0, restorative=1, group=0),
    "conditions": share(2, 9),  # A G
    "preparation_time": breakdown(5, under_2_months=3, **{"2_to_3_months": 1, "3_months_or_more": 1}),  # A B H / C / G
    "shortest_preparation_days": {"kind": "minimum", "value": 2, "n": 5, "incomplete": 0},  # H; A 26, B 59, C 61, G 92
    "led_to_meeting": share(5, 9),
    "outcome": breakdown(9, own_plan=2, declined=1, stopped=1, plan=4, no_plan=1),
    "stop_reason": breakdown(1, circumstances_changed=0, network_too_small=1, unwilling=0, conflict=0, other=0),
    "own_plan_after_activation": share(1, 2),  # D of D E (J closed from informative_talk)
    "plans_overall": share(6, 9),  # plan A B G H, own_plan D J
    "meetings": count(6),
    "follow_up_meetings": count(1),
    "plan_per_meeting": share(5, 6),  # all but C
    "follow_up_agreed": share(1, 4, 2),  # B1 of A B1 C H; B2 G not recorded
    "venue": breakdown(4, 2, community_centre=2, agency_office=1, church=1, home=0, school=0, other=0),
    "weekday": share(5, 6),  # B1 is a Saturday
    "daytime_only": share(4, 5, 1),  # A B2 C H of A B1 B2 C H; G not recorded
    "duration_3_5_hours": share(3, 5, 1),  # A 4, B1 5, C 3; not B2 2.5, H 6
    "private_part_1_3_hours": share(3, 5, 1),  # A 2, B1 3, C 1; not B2 0.5, H 3.5
    "attendees_total": count(36, 1),  # 12 + 6 + 7 + 8 + 3; B2 not recorded
    "attendees_per_meeting": mean(36, 5, 1),
    "attendee_categories": breakdown(36, 1, minor_main=3, adult_main=6, family=15, network=4, professional=8),
    "plan_evaluation": share(3, 5),  # plans A B1 B2 G H: A B1 G
    "plan_contingency": share(3, 4, 1),  # A G H; B1 false; B2 not recorded
    "plan_professional_help": share(3, 4, 1),  # A B2 G; H false; B1 not recorded
    "forms_returned_minors": share(3, 5, 1),  # A 1/1, C 0/0, G 2/4, H 0/0; B has no forms_out
    "forms_returned_adults": share(3, 9, 2),  # A 2/4, C 1/3, G 0/2; B none; H 2 returned of 1
    "forms_returned_professionals": share(3, 5, 1),  # A 1/2, C 1/1, G 1/1, H 0/1; B none
    "grade_minors_meeting": mean(17, 2, 1),  # 8 9
    "grade_minors_plan": mean(21, 3),  # 7 8 6
    "grade_minors_coordinator": mean(19, 2, 1),  # 9 10
    "grade_adults_meeting": mean(40, 5),  # 8 9 6 7 10
    "grade_adults_plan": mean(32, 4, 1),  # 8 7 7 10
    "grade_adults_coordinator": mean(44, 5),  # 9 10 8 7 10
    "grade_adults_referrer": mean(26, 4, 1),  # 7 5 6 8
    "grade_professionals_meeting": mean(21, 3),  # 7 6 8
    "grade_professionals_plan": mean(14, 2, 1),  # 6 8
    "grade_professionals_coordinator": mean(24, 3),  # 8 7 9
    "grade_coordinator_professionals": mean(15, 2),  # 7 8
    "grade_coordinator_regional_manager": mean(9, 1, 1),  # 9
    "good_decision": breakdown(2, 1, fully=1, partly=1, **{"not": 0}),
}
