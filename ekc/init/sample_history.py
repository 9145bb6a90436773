"""A small fictional data repository with a believable history, for `ekc init --sample`.

Fifteen cases over about twenty months before `today`: some closed long enough ago to be
due for the purge, two already purged (logged, and absent from history as a purge leaves
it), some closed recently, some open in each phase. Every commit is dated on the day of its
event and its message names case ids and phases only. Deterministic: the same `today`
gives the same files and commits. Every name, address and number here is made up.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ekc.core.ids import CROCKFORD


@dataclass(frozen=True)
class SampleCommit:
    day: date
    message: str
    files: dict[str, Any] = field(default_factory=dict)  # path -> document (dict), written as YAML


REGIONS = [
    {"id": "noord-holland-noord", "name": "Noord-Holland Noord"},
    {"id": "rijnmond", "name": "Rijnmond"},
]
MUNICIPALITIES = [
    # code, name, province, region, prefix of contract ids (None: no contract)
    ("GM0439", "Purmerend", "Noord-Holland", "noord-holland-noord", "PUR"),
    ("GM0361", "Alkmaar", "Noord-Holland", "noord-holland-noord", "ALK"),
    ("GM0599", "Rotterdam", "Zuid-Holland", "rijnmond", "ROT"),
    ("GM0606", "Schiedam", "Zuid-Holland", "rijnmond", None),
]
TARIFFS = {"informative_talk": 450, "connect_activate": 1800, "meeting_aftercare": 2250, "follow_up": 1500}
COORDINATORS = [
    # id, name, gender, birth year, languages, cultures, region, home, ek2
    ("C-0101", "Anouk Verbeek", "female", 1975, ["nl", "en"], [], "noord-holland-noord", "GM0439", True),
    ("C-0102", "Youssef Amezian", "male", 1969, ["nl", "ar", "zgh"], ["Marokkaans-Nederlands"], "rijnmond", "GM0599", True),
    ("C-0103", "Marieke Dijkstra", "female", 1988, ["nl", "fy"], ["Fries"], "noord-holland-noord", "GM0361", False),
    ("C-0104", "Kofi Boateng", "male", 1981, ["nl", "en", "tw"], ["Ghanees-Nederlands"], "rijnmond", "GM0606", True),
    ("C-0105", "Selin Kaya", "female", 1992, ["nl", "tr"], ["Turks-Nederlands"], "rijnmond", None, False),
    ("C-0106", "Rachel Pinas", "female", 1978, ["nl", "srn", "pap"], ["Surinaams-Nederlands"], "noord-holland-noord", None, False),
]

# One case a row. Days are counted back from today (registration) and onward from the
# registration (each phase). meeting: the meeting's day after registration, or None.
CASES: list[dict[str, Any]] = [
    dict(variant="family", municipality="GM0439", referrer="professional", referrer_org="youth_protection", minors=True, conditions=True,
         help="gt_5y", reasons=["parent_child_conflict", "divorce"], coordinator="C-0101", registered=600,
         phases=[("informative_talk", 2), ("connect_activate", 15), ("meeting_aftercare", 50), ("closed", 140)], outcome="plan", purged=True),
    dict(variant="individual", municipality="GM0361", referrer="self", minors=False, conditions=False, help="lt_1y",
         reasons=["debt", "housing"], coordinator="C-0103", registered=560, phases=[("informative_talk", 1), ("closed", 20)],
         outcome="own_plan", purged=True),
    dict(variant="restorative", municipality="GM0599", referrer="professional", referrer_org="justice", minors=False, conditions=False,
         help="1_5y", reasons=["neighbourhood", "other"], coordinator="C-0102", registered=500,
         phases=[("informative_talk", 2), ("connect_activate", 20), ("meeting_aftercare", 60), ("closed", 150)], outcome="plan"),
    dict(variant="family", municipality="GM0599", referrer="network", minors=True, conditions=False, help="none",
         reasons=["parenting"], coordinator="C-0105", registered=420,
         phases=[("informative_talk", 2), ("connect_activate", 10), ("closed", 45)], outcome="stopped", stop_reason="network_too_small"),
    dict(variant="family", municipality="GM0439", referrer="professional", referrer_org="youth_care", minors=True, conditions=True,
         help="gt_5y", reasons=["domestic_violence", "parenting"], coordinator="C-0106", registered=400,
         phases=[("informative_talk", 1), ("connect_activate", 14), ("meeting_aftercare", 40), ("follow_up", 120), ("closed", 170)],
         outcome="plan"),
    dict(variant="group", municipality="GM0606", referrer="professional", referrer_org="municipality", minors=False, conditions=False,
         help="unknown", reasons=["neighbourhood"], coordinator="C-0104", registered=350, unfunded=True,
         phases=[("informative_talk", 3), ("connect_activate", 30), ("meeting_aftercare", 75), ("closed", 160)], outcome="plan"),
    dict(variant="family", municipality="GM0361", referrer="professional", referrer_org="education", minors=True, conditions=False,
         help="lt_1y", reasons=["parent_child_conflict"], coordinator="C-0103", registered=300,
         phases=[("informative_talk", 2), ("closed", 9)], outcome="declined"),
    dict(variant="individual", municipality="GM0599", referrer="self", minors=False, conditions=False, help="1_5y",
         reasons=["mental_health", "addiction"], coordinator="C-0102", registered=250,
         phases=[("informative_talk", 1), ("connect_activate", 12), ("meeting_aftercare", 35), ("closed", 120)], outcome="no_plan"),
    dict(variant="family", municipality="GM0439", referrer="professional", referrer_org="mental_health", minors=True, conditions=False,
         help="1_5y", reasons=["mental_health", "parenting"], coordinator="C-0101", registered=200,
         phases=[("informative_talk", 2), ("connect_activate", 15), ("meeting_aftercare", 45), ("closed", 140)], outcome="plan"),
    dict(variant="family", municipality="GM0599", referrer="professional", referrer_org="youth_protection", minors=True, conditions=True,
         help="gt_5y", reasons=["supervision_order", "placement"], coordinator="C-0104", registered=150,
         phases=[("informative_talk", 1), ("connect_activate", 12), ("meeting_aftercare", 40), ("closed", 120)], outcome="plan"),
    dict(variant="individual", municipality="GM0361", referrer="network", minors=False, conditions=False, help="none",
         reasons=["elderly_care"], coordinator="C-0106", registered=120,
         phases=[("informative_talk", 2), ("connect_activate", 20), ("meeting_aftercare", 60)]),
    dict(variant="family", municipality="GM0439", referrer="professional", referrer_org="youth_care", minors=True, conditions=False,
         help="lt_1y", reasons=["divorce"], coordinator="C-0101", registered=60, phases=[("informative_talk", 2), ("connect_activate", 10)]),
    dict(variant="restorative", municipality="GM0599", referrer="professional", referrer_org="justice", minors=False, conditions=False,
         help="unknown", reasons=["detention"], coordinator="C-0104", registered=30, phases=[("informative_talk", 2)]),
    dict(variant="family", municipality="GM0599", referrer="self", minors=True, conditions=False, help="unknown",
         reasons=["parenting", "housing"], registered=10, phases=[]),
    dict(variant="family", municipality="GM0439", referrer="professional", referrer_org="youth_protection", minors=True, conditions=True,
         help="gt_5y", reasons=["domestic_violence"], registered=3, phases=[]),
]

FIRST_NAMES = ["Sanne", "Daan", "Noor", "Bram", "Lotte", "Milan", "Fleur", "Jesse", "Iris", "Thijs", "Yara", "Mees", "Amira", "Luuk", "Zeynep"]
LAST_NAMES = ["de Wit", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "Dekker", "Brouwer", "van Dijk"]
STREETS = ["Voorbeeldstraat", "Verzonnenlaan", "Proefweg", "Fictiefplein", "Oefenkade"]
RELATIONS = ["grandmother", "grandfather", "aunt", "uncle", "neighbour", "friend", "teacher"]


def sample_history(today: date, seed: int = 2024) -> list[SampleCommit]:
    """Every commit of the sample repository, oldest first; the last one is dated `today`
    or before."""
    rng = random.Random(seed)
    start = today - timedelta(days=700)
    years = list(range(start.year, today.year + 1))
    events: list[tuple[date, int, str, dict[str, Any]]] = []  # (day, order, message, files)
    # Next year's contracts and agreements are signed in December; the first commit holds
    # every year already signed on the start day.
    signed_at_start = [y for y in years if y == start.year or date(y - 1, 12, 15) <= start]
    for year in [None] + [y for y in years if y not in signed_at_start]:
        known = signed_at_start if year is None else [y for y in years if y <= year]
        day = start if year is None else date(year - 1, 12, 15)
        message = "Regions, municipalities, contracts and coordinators" if year is None else f"Contracts and agreements for {year}"
        events.append((day, 0, message, {
            "municipalities.yaml": _municipalities_doc(known),
            "coordinators.yaml": _coordinators_doc(known),
        }))
    purges = []
    used_ids: set[str] = set()
    for number, spec in enumerate(CASES):
        registered = today - timedelta(days=spec["registered"])
        case_id = _case_id(rng, registered.year, used_ids)
        folder = f"cases/{registered.year}/{case_id}"
        personal = _personal(rng, number)
        for day, message, files in _case_events(spec, case_id, registered, folder, personal, rng):
            events.append((day, 1, message, files))
        if spec.get("purged"):
            closed = registered + timedelta(days=spec["phases"][-1][1])
            purges.append({"case": case_id, "closed": closed, "purged": _purge_day(closed), "paths": [f"{folder}/personal.yaml"]})
    purges.sort(key=lambda p: p["purged"])
    for purge_day in sorted({p["purged"] for p in purges}):
        logged = [p for p in purges if p["purged"] <= purge_day]
        events.append((purge_day, 2, "purge: " + ", ".join(p["case"] for p in logged if p["purged"] == purge_day), {
            "purge-log.yaml": {"purges": logged},
        }))
    events.sort(key=lambda e: (e[0], e[1]))
    return [SampleCommit(day, message, files) for day, _, message, files in events if day <= today]


def _purge_day(closed: date) -> date:
    from ekc.core.dates import add_months

    return add_months(closed, 3) + timedelta(days=7)


def _municipalities_doc(years: list[int]) -> dict[str, Any]:
    municipalities = []
    for code, name, province, region, prefix in MUNICIPALITIES:
        contracts = []
        if prefix:
            for year in years:
                budget = 12 if prefix != "ROT" else 30
                contracts.append({
                    "id": f"{prefix}-{year}", "start": date(year, 1, 1), "end": date(year, 12, 31),
                    "conferences": budget, "budget_eur": budget * 4500, "tariffs_eur": dict(TARIFFS),
                })
        municipalities.append({"code": code, "name": name, "province": province, "region": region, "contracts": contracts})
    return {"regions": [dict(r) for r in REGIONS], "municipalities": municipalities}


def _coordinators_doc(years: list[int]) -> dict[str, Any]:
    pool = []
    for number, (cid, name, gender, born, languages, cultures, region, home, ek2) in enumerate(COORDINATORS):
        first, _, last = name.partition(" ")
        doc: dict[str, Any] = {
            "id": cid, "name": name,
            "email": f"{first[0].lower()}.{last.replace(' ', '').lower()}@example.org",
            "phone": f"+31 6 0000 0{101 + number}",
            "gender": gender, "birth_year": born, "languages": list(languages),
        }
        if cultures:
            doc["cultures"] = list(cultures)
        doc["regions"] = [region]
        if home:
            doc["home"] = home
        doc["trained"] = {"ek1": date(2015 + number, 3, 10)} | ({"ek2": date(2017 + number, 10, 2)} if ek2 else {})
        doc["agreements"] = list(years)
        doc["max_cases"] = 3
        pool.append(doc)
    return {"coordinators": pool}


def _case_id(rng: random.Random, year: int, used: set[str]) -> str:
    while True:
        case_id = f"EKC-{year}-" + "".join(rng.choice(CROCKFORD) for _ in range(5))
        if case_id not in used:
            used.add(case_id)
            return case_id


def _personal(rng: random.Random, number: int) -> dict[str, Any]:
    last = LAST_NAMES[number]
    first = FIRST_NAMES[number]
    street = STREETS[number % len(STREETS)]
    child_born = date(2008 + number % 9, 1 + number % 12, 1 + number % 27)
    handle = f"{first.lower()}.{last.replace(' ', '').lower()}"
    return {
        "main_persons": [{"name": f"{first} {last}", "birth_date": child_born, "role": "child" if number % 3 else "adult"}],
        "address": f"{street} {number + 1}, 9999 ZZ Voorbeeldstad",
        "phone": f"+31 6 0000 1{number:03d}",
        "email": f"{handle}@example.org",
        "network": [{"name": f"{rng.choice(FIRST_NAMES)} {last}", "relation": rng.choice(RELATIONS), "phone": f"+31 6 0000 2{number:03d}"}],
        "preferences": {"coordinator_gender": rng.choice(["female", "male", "any"]), "languages": ["nl"]},
        "exclude_coordinators": [],
    }


def _case_events(spec, case_id, registered, folder, personal, rng):
    """(day, message, files) for each change to one case, in order."""
    case: dict[str, Any] = {
        "id": case_id, "variant": spec["variant"], "municipality": spec["municipality"], "referrer": spec["referrer"],
    }
    if spec.get("referrer_org"):
        case["referrer_org"] = spec["referrer_org"]
    case.update({
        "minors_involved": spec["minors"], "conditions": spec["conditions"], "professional_help": spec["help"],
        "reasons": list(spec["reasons"]),
    })
    if spec.get("unfunded"):
        case["unfunded_start"] = True
    case["history"] = [{"phase": "registered", "date": registered}]
    files: dict[str, Any] = {f"{folder}/case.yaml": _copy(case)}
    if not spec.get("purged"):
        files[f"{folder}/personal.yaml"] = personal
    yield registered, f"{case_id}: registered", files
    for phase, after in spec["phases"]:
        day = registered + timedelta(days=after)
        if phase == "informative_talk":
            case = _insert_before(case, "unfunded_start" if "unfunded_start" in case else "history", "coordinator", spec["coordinator"])
        case["history"].append({"phase": phase, "date": day})
        if phase in {"meeting_aftercare", "follow_up"}:
            made = spec.get("outcome") != "no_plan"
            case.setdefault("meetings", []).append(_meeting(rng, day, follow_up=phase == "follow_up", made=made))
        if phase == "closed":
            case["outcome"] = spec["outcome"]
            if spec.get("stop_reason"):
                case["stop_reason"] = spec["stop_reason"]
            if case.get("meetings"):
                case["meetings"] = case.pop("meetings")  # outcome before meetings, as in DATA-FORMAT.md
                case["satisfaction"] = _satisfaction(rng, spec["minors"])
        yield day, f"{case_id}: {phase}", {f"{folder}/case.yaml": _copy(case)}


def _insert_before(doc: dict, before: str, key: str, value: Any) -> dict:
    result = {}
    for k, v in doc.items():
        if k == before:
            result[key] = value
        result[k] = v
    return result


def _meeting(rng: random.Random, day: date, follow_up: bool, made: bool) -> dict[str, Any]:
    hours = rng.choice([3.0, 3.5, 4.0, 4.5])
    return {
        "date": day, "follow_up": follow_up, "venue": rng.choice(["community_centre", "agency_office", "home", "church"]),
        "daytime_only": rng.random() < 0.7, "hours_total": hours, "hours_private": hours / 2,
        "attendees": {"minor_main": rng.randint(0, 2), "adult_main": rng.randint(1, 2), "family": rng.randint(2, 8),
                      "network": rng.randint(0, 4), "professional": rng.randint(1, 3)},
        "plan": {"made": True, "evaluation": True, "contingency": rng.random() < 0.8, "professional_help": rng.random() < 0.5}
        if made else {"made": False},
        "follow_up_agreed": rng.random() < 0.4,
    }


def _satisfaction(rng: random.Random, minors: bool) -> dict[str, Any]:
    return {
        "forms_out": {"minors": 1 if minors else 0, "adults": 6, "professionals": 2},
        "adults": [{"role": "main", "meeting": rng.randint(6, 10), "plan": rng.randint(6, 10), "coordinator": rng.randint(7, 10)}],
        "professionals": [{"meeting": rng.randint(6, 9), "plan": rng.randint(6, 9), "coordinator": rng.randint(7, 9), "good_decision": "fully"}],
        "coordinator": {"professionals": rng.randint(7, 9), "regional_manager": rng.randint(7, 10)},
    }


def _copy(doc: Any) -> Any:
    import copy

    return copy.deepcopy(doc)
