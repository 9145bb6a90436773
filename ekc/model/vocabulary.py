"""The closed vocabularies of DATA-FORMAT.md, with the Dutch words staff use.

Literal types rather than Enums: the models run in pydantic's strict mode (so that
`max_cases: "3"` is a type error, not a silent coercion), and strict mode accepts a
Literal's plain string values where it would demand Enum instances.
"""

from typing import Literal, get_args

Phase = Literal[
    "registered", "informative_talk", "connect_activate", "meeting_aftercare", "follow_up", "closed"
]
Variant = Literal["family", "individual", "restorative", "group"]
Referrer = Literal["professional", "self", "network"]
ReferrerOrg = Literal[
    "youth_protection", "youth_care", "municipality", "mental_health", "education", "justice", "other"
]
ProfessionalHelp = Literal["none", "lt_1y", "1_5y", "gt_5y", "unknown"]
Reason = Literal[
    "parent_child_conflict", "divorce", "parenting", "domestic_violence", "mental_health",
    "addiction", "debt", "housing", "placement", "supervision_order", "detention",
    "suicidality", "elderly_care", "disability", "neighbourhood", "other",
]
Outcome = Literal["own_plan", "declined", "stopped", "plan", "no_plan"]
StopReason = Literal["circumstances_changed", "network_too_small", "unwilling", "conflict", "other"]
Venue = Literal["community_centre", "agency_office", "church", "home", "school", "other"]
Gender = Literal["female", "male", "nonbinary"]
GenderPreference = Literal["female", "male", "any"]
AdultRole = Literal["main", "family", "network"]
GoodDecision = Literal["fully", "partly", "not"]
MainPersonRole = Literal["child", "parent", "adult"]
Province = Literal[
    "Groningen", "Friesland", "Drenthe", "Overijssel", "Flevoland", "Gelderland", "Utrecht",
    "Noord-Holland", "Zuid-Holland", "Zeeland", "Noord-Brabant", "Limburg",
]
TariffPhase = Literal["informative_talk", "connect_activate", "meeting_aftercare", "follow_up"]

PHASES: tuple[str, ...] = get_args(Phase)
VARIANTS: tuple[str, ...] = get_args(Variant)
OPEN_PHASES: tuple[str, ...] = PHASES[:-1]
EK2_VARIANTS = frozenset({"restorative", "group"})
OUTCOMES_WITH_MEETING = frozenset({"plan", "no_plan"})

DUTCH: dict[str, str] = {
    # phases
    "registered": "aanmelding",
    "informative_talk": "informatief gesprek",
    "connect_activate": "verbinden en activeren",
    "meeting_aftercare": "formele bijeenkomst en nazorg",
    "follow_up": "vervolgconferentie",
    "closed": "afgesloten",
    # variants
    "family": "gezin",
    "individual": "individu",
    "restorative": "herstelconferentie",
    "group": "groeps-/buurtconferentie",
    # outcomes
    "own_plan": "eigen plan zonder bijeenkomst",
    "declined": "afgezien",
    "stopped": "gestopt",
    "plan": "plan gemaakt",
    "no_plan": "geen plan",
}


def with_dutch(word: str) -> str:
    """`informative_talk (informatief gesprek)`: staff read Dutch, scripts read the id."""
    dutch = DUTCH.get(word)
    return f"{word} ({dutch})" if dutch else word


def phase_index(phase: str) -> int:
    return PHASES.index(phase)
