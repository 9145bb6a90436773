"""The closed vocabularies of DATA-FORMAT.md, with the Dutch words staff use.

Literal types rather than Enums: the models run in pydantic's strict mode (so that
`max_cases: "3"` is a type error, not a silent coercion), and strict mode accepts a
Literal's plain string values where it would demand Enum instances.
"""

from typing import Literal, NamedTuple, get_args

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

class Label(NamedTuple):
    """A code's words: English for scripts' readers, Dutch as staff say it, and other Dutch
    spellings a person may type for it (`zelf` for `self`)."""

    english: str
    dutch: str
    typed: tuple[str, ...] = ()


# Every label of every closed vocabulary, once: tables, prompts, typed input, the schema's
# descriptions, the invoice and the annual report all read them here.
LABELS: dict[str, dict[str, Label]] = {
    "phase": {
        "registered": Label("registered", "aanmelding"),
        "informative_talk": Label("informative talk", "informatief gesprek"),
        "connect_activate": Label("connect and activate", "verbinden en activeren"),
        "meeting_aftercare": Label("formal meeting and aftercare", "formele bijeenkomst en nazorg"),
        "follow_up": Label("follow-up conference", "vervolgconferentie"),
        "closed": Label("closed", "afgesloten"),
    },
    "variant": {
        "family": Label("family", "gezin"),
        "individual": Label("individual", "individu"),
        "restorative": Label("restorative", "herstelconferentie"),
        "group": Label("group or neighbourhood", "groeps-/buurtconferentie"),
    },
    "outcome": {
        "own_plan": Label("own plan without a meeting", "eigen plan zonder bijeenkomst"),
        "declined": Label("declined", "afgezien"),
        "stopped": Label("stopped", "gestopt"),
        "plan": Label("plan made at a meeting", "plan gemaakt"),
        "no_plan": Label("no plan", "geen plan"),
    },
    "referrer": {
        "professional": Label("professional organisation", "professionele organisatie", ("professional",)),
        "self": Label("the main person", "hoofdpersoon zelf", ("zelf",)),
        "network": Label("family or social network", "familie of sociaal netwerk", ("netwerk",)),
    },
    "referrer_org": {
        "youth_protection": Label("youth protection", "jeugdbescherming"),
        "youth_care": Label("youth care", "jeugdzorg"),
        "municipality": Label("municipality / social team", "gemeente / sociaal wijkteam"),
        "mental_health": Label("mental health care", "ggz"),
        "education": Label("education", "onderwijs"),
        "justice": Label("justice", "justitie"),
        "other": Label("other", "anders"),
    },
    "professional_help": {
        "none": Label("none", "geen"),
        "lt_1y": Label("under 1 year", "korter dan 1 jaar"),
        "1_5y": Label("1 to 5 years", "1 tot 5 jaar"),
        "gt_5y": Label("over 5 years", "langer dan 5 jaar"),
        "unknown": Label("unknown", "onbekend"),
    },
    "reason": {
        "parent_child_conflict": Label("parent-child conflict", "conflict ouder-kind"),
        "divorce": Label("divorce", "(echt)scheiding", ("scheiding", "echtscheiding")),
        "parenting": Label("parenting", "opvoeding"),
        "domestic_violence": Label("domestic violence", "huiselijk geweld"),
        "mental_health": Label("mental health", "psychische problemen"),
        "addiction": Label("addiction", "verslaving"),
        "debt": Label("debt", "schulden"),
        "housing": Label("housing", "huisvesting"),
        "placement": Label("placement", "uithuisplaatsing"),
        "supervision_order": Label("supervision order", "ondertoezichtstelling"),
        "detention": Label("detention", "detentie"),
        "suicidality": Label("suicidality", "suïcidaliteit"),
        "elderly_care": Label("elderly care", "ouderenzorg"),
        "disability": Label("disability", "beperking"),
        "neighbourhood": Label("neighbourhood", "buurt"),
        "other": Label("other", "anders"),
    },
    "stop_reason": {
        "circumstances_changed": Label("circumstances changed", "omstandigheden gewijzigd", ("omstandigheden veranderd",)),
        "network_too_small": Label("network too small", "netwerk te klein"),
        "unwilling": Label("people unwilling", "niet willen meewerken", ("geen bereidheid",)),
        "conflict": Label("too much conflict", "te grote tegenstellingen", ("conflict",)),
        "other": Label("other", "anders"),
    },
    "venue": {
        "community_centre": Label("community centre", "buurthuis/wijkcentrum"),
        "agency_office": Label("care agency office", "kantoor hulpverlenende instantie", ("kantoor instelling", "kantoor")),
        "church": Label("church", "kerk"),
        "home": Label("at home", "thuis"),
        "school": Label("school", "school"),
        "other": Label("other", "anders"),
    },
    "attendee": {
        "minor_main": Label("minor main persons", "minderjarige hoofdpersonen"),
        "adult_main": Label("adult main persons", "meerderjarige hoofdpersonen"),
        "family": Label("family", "familieleden"),
        "network": Label("social network", "sociaal netwerk"),
        "professional": Label("professionals", "beroepskrachten"),
    },
    "adult_role": {
        "main": Label("main person", "hoofdpersoon"),
        "family": Label("family", "familie"),
        "network": Label("network", "netwerk"),
    },
    "good_decision": {
        "fully": Label("fully", "geheel", ("helemaal",)),
        "partly": Label("partly", "gedeeltelijk"),
        "not": Label("not", "niet"),
    },
}

# the Dutch word beside a phase, variant or outcome code in tables, help and messages
DUTCH: dict[str, str] = {
    code: label.dutch for vocabulary in ("phase", "variant", "outcome") for code, label in LABELS[vocabulary].items()
}


def with_dutch(word: str) -> str:
    """`informative_talk (informatief gesprek)`: staff read Dutch, scripts read the id."""
    dutch = DUTCH.get(word)
    return f"{word} ({dutch})" if dutch else word


def phase_index(phase: str) -> int:
    return PHASES.index(phase)
