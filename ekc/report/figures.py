"""The yearly research figures of DOMAIN.md ("Research figures"), from case.yaml data alone.

Why case.yaml alone: it holds no personal data, so it outlives every purge, and figures
computed from it are the same before and after one. This module never sees a
personal.yaml: it takes `Case` models and the municipalities, nothing else.

How to read a definition (each lives in one `Figure` entry of FIGURES, next to the
code that computes it):

* **The year's cases** are the cases *closed* in the year: the last history entry is
  `closed` and its date falls in the year. A case counts in the year it was finished,
  whatever year it was registered in, as in the foundation's 2024 report.
* **Units.** Every figure counts one kind of thing, its `unit`: cases, meetings (every
  formal meeting of the year's cases, follow-up meetings included), plans (meetings
  whose `plan.made` is true), attendees (people at meetings), forms (returned
  satisfaction forms), grades.
* **Incomplete data is left out, never guessed.** A unit that lacks what a figure needs
  (a meeting without `venue`, a case whose municipality is not in municipalities.yaml)
  is left out of that figure's numerator and denominator, and counted in its
  `incomplete`, in `incomplete_unit`s. Only that figure loses it; the unit still counts
  everywhere its data is complete.
* **Kinds of result.** A `Share` is numerator of denominator; a `Breakdown` splits a
  denominator over categories (in an exclusive one each unit sits in exactly one
  category, so the shares add up to 100%); a `Mean` is a sum over n; a `Count` is a
  number of units; a `Minimum` is the least of n values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any, get_args

from ekc.core.dates import add_months
from ekc.model.case import Case, Meeting
from ekc.model.vocabulary import (
    GoodDecision, Outcome, ProfessionalHelp, Province, Reason, Referrer, ReferrerOrg, StopReason,
    Variant, Venue,
)

# --- results -------------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    numerator: int
    denominator: int
    incomplete: int = 0

    @property
    def value(self) -> Fraction | None:
        return Fraction(self.numerator, self.denominator) if self.denominator else None


@dataclass(frozen=True)
class Count:
    value: int
    incomplete: int = 0


@dataclass(frozen=True)
class Mean:
    total: int
    n: int
    incomplete: int = 0

    @property
    def mean(self) -> Fraction | None:
        return Fraction(self.total, self.n) if self.n else None


@dataclass(frozen=True)
class Minimum:
    value: int | None
    n: int
    incomplete: int = 0


@dataclass(frozen=True)
class Breakdown:
    """Units counted per category, every category listed (zeros too), in vocabulary order."""

    counts: tuple[tuple[str, int], ...]
    denominator: int
    incomplete: int = 0
    exclusive: bool = True  # False: a unit may sit in several categories (reasons)

    def share(self, category: str) -> Share:
        return Share(dict(self.counts)[category], self.denominator)


Result = Share | Count | Mean | Minimum | Breakdown

# --- the year's data -----------------------------------------------------------------


@dataclass(frozen=True)
class ResearchYear:
    """What every figure is computed over: the cases closed in `year`, and provinces."""

    year: int
    cases: tuple[Case, ...]
    provinces: Mapping[str, str]  # municipality code -> province
    meetings: tuple[Meeting, ...] = field(init=False)
    plans: tuple[Meeting, ...] = field(init=False)

    def __post_init__(self) -> None:
        meetings = tuple(m for case in self.cases for m in case.meetings)
        object.__setattr__(self, "meetings", meetings)
        object.__setattr__(self, "plans", tuple(m for m in meetings if m.plan is not None and m.plan.made))


def closed_in(cases: Iterable[Case], year: int) -> tuple[Case, ...]:
    """The cases whose closure date falls in `year`, in id order (so results never depend
    on the order files were read in)."""
    return tuple(sorted((c for c in cases if c.closed_on is not None and c.closed_on.year == year), key=lambda c: c.id))


def research_year(cases: Iterable[Case], municipalities: Mapping[str, Any], year: int) -> ResearchYear:
    """`municipalities`: code -> anything with a `.province` (ekc.model Municipality)."""
    return ResearchYear(year, closed_in(cases, year), {code: m.province for code, m in municipalities.items()})


# --- how figures count ---------------------------------------------------------------


def share(units: Sequence, counted: Callable[[Any], bool], known: Callable[[Any], bool] = lambda _: True) -> Share:
    """`counted` units of the `known` ones; the unknown ones are the incomplete."""
    complete = [u for u in units if known(u)]
    return Share(sum(1 for u in complete if counted(u)), len(complete), len(units) - len(complete))


def breakdown(units: Sequence, category: Callable[[Any], str | None], categories: Sequence[str]) -> Breakdown:
    """Each unit counts under the category `category(unit)` names; None (not recorded)
    makes the unit incomplete instead."""
    counts = dict.fromkeys(categories, 0)
    incomplete = 0
    for unit in units:
        found = category(unit)
        if found is None:
            incomplete += 1
        else:
            counts[found] += 1
    return Breakdown(tuple(counts.items()), len(units) - incomplete, incomplete)


def multi_breakdown(units: Sequence, categories_of: Callable[[Any], Iterable[str]], categories: Sequence[str]) -> Breakdown:
    """Share of units naming each category; a unit may name several, so shares add up past 100%."""
    counts = dict.fromkeys(categories, 0)
    for unit in units:
        for found in set(categories_of(unit)):
            counts[found] += 1
    return Breakdown(tuple(counts.items()), len(units), 0, exclusive=False)


def mean(values: Sequence[int | None]) -> Mean:
    known = [v for v in values if v is not None]
    return Mean(sum(known), len(known), len(values) - len(known))


def _attr(name: str) -> Callable[[Any], Any]:
    return lambda unit: getattr(unit, name)


# --- definitions of the values figures share -----------------------------------------


def first_meeting(case: Case) -> date | None:
    return min((m.date for m in case.meetings), default=None)


def preparation_days(case: Case) -> int | None:
    """Days from the request (entering `registered`) to the first formal meeting."""
    first = first_meeting(case)
    return None if first is None else (first - case.registered_on).days


def preparation_bucket(case: Case) -> str | None:
    """Calendar months, clamped like every month in this domain (dates.add_months):
    registered 2024-01-31, meeting 2024-03-30 is under two months (2024-03-31 is the bound)."""
    first = first_meeting(case)
    if first is None:
        return None
    if first < add_months(case.registered_on, 2):
        return "under_2_months"
    if first < add_months(case.registered_on, 3):
        return "2_to_3_months"
    return "3_months_or_more"


PREPARATION_BUCKETS = ("under_2_months", "2_to_3_months", "3_months_or_more")
ATTENDEE_CATEGORIES = ("minor_main", "adult_main", "family", "network", "professional")
PLAN_OUTCOMES = frozenset({"plan", "own_plan"})


def closed_from(case: Case) -> str:
    """The phase the case was in when it closed (its history entry before `closed`)."""
    return case.history[-2].phase if len(case.history) >= 2 else case.history[-1].phase


def with_meeting(year: ResearchYear) -> tuple[Case, ...]:
    return tuple(c for c in year.cases if c.meetings)


def attendee_breakdown(year: ResearchYear) -> Breakdown:
    """People, not meetings: each attendee of a meeting with `attendees` recorded."""
    recorded = [m.attendees for m in year.meetings if m.attendees is not None]
    counts = tuple((name, sum(getattr(a, name) for a in recorded)) for name in ATTENDEE_CATEGORIES)
    return Breakdown(counts, sum(n for _, n in counts), len(year.meetings) - len(recorded))


def forms_returned(year: ResearchYear, group: str) -> Share:
    """Returned forms of a group (its list in `satisfaction`) over the forms handed out
    (`satisfaction.forms_out`), summed over cases. Forms go out after a meeting, so the
    cases asked are those with a meeting or a satisfaction section. A case is incomplete
    when the number handed out is not recorded, or is less than the number returned."""
    returned = out = incomplete = 0
    for case in year.cases:
        satisfaction = case.satisfaction
        if not case.meetings and satisfaction is None:
            continue
        if satisfaction is None or satisfaction.forms_out is None:
            incomplete += 1
            continue
        got, sent = len(getattr(satisfaction, group)), getattr(satisfaction.forms_out, group)
        if got > sent:
            incomplete += 1
            continue
        returned += got
        out += sent
    return Share(returned, out, incomplete)


def forms(year: ResearchYear, group: str) -> list:
    return [form for case in year.cases if case.satisfaction is not None for form in getattr(case.satisfaction, group)]


def coordinator_forms(year: ResearchYear) -> list:
    return [c.satisfaction.coordinator for c in year.cases if c.satisfaction is not None and c.satisfaction.coordinator is not None]


# --- the registry --------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    key: str  # the JSON key, English snake_case
    section: str
    title: str
    dutch: str
    unit: str  # what is counted
    definition: str  # for the researcher: what is counted, over what, what is left out
    compute: Callable[[ResearchYear], Result]
    incomplete_unit: str = ""  # the unit `incomplete` counts, when it differs from `unit`

    @property
    def left_out_unit(self) -> str:
        return self.incomplete_unit or self.unit


SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("requests", "Requests", "Aanmeldingen"),
    ("course", "Preparation and outcome", "Voorbereiding en resultaat"),
    ("meetings", "Meetings", "Bijeenkomsten"),
    ("plans", "Plans", "Plannen"),
    ("satisfaction", "Satisfaction", "Tevredenheid"),
)

_REQUESTS = [
    Figure(
        "closed_cases", "requests", "Cases closed in the year", "afgeronde aanmeldingen", "cases",
        "Cases whose history ends with `closed` dated in the year. Every other figure is over these cases.",
        lambda y: Count(len(y.cases)),
    ),
    Figure(
        "referrer", "requests", "Source of the request", "herkomst van de aanmelding", "cases",
        "The year's cases by `referrer`: a professional organisation, the main person themself, or their network.",
        lambda y: breakdown(y.cases, _attr("referrer"), get_args(Referrer)),
    ),
    Figure(
        "referrer_organisation", "requests", "Referring organisations", "verwijzende organisaties", "cases",
        "The year's cases referred by a professional (`referrer: professional`), by `referrer_org`.",
        lambda y: breakdown([c for c in y.cases if c.referrer == "professional"], _attr("referrer_org"), get_args(ReferrerOrg)),
    ),
    Figure(
        "minor_main_persons", "requests", "Requests with a minor main person", "met minderjarige hoofdpersonen", "cases",
        "The year's cases with `minors_involved: true`, of all the year's cases.",
        lambda y: share(y.cases, _attr("minors_involved")),
    ),
    Figure(
        "province", "requests", "Province", "provincie", "cases",
        "The year's cases by the province of their `municipality` in municipalities.yaml. "
        "A case whose municipality is not listed there is incomplete.",
        lambda y: breakdown(y.cases, lambda c: y.provinces.get(c.municipality), get_args(Province)),
    ),
    Figure(
        "professional_help_duration", "requests", "Professional help already involved", "duur professionele hulp", "cases",
        "The year's cases by `professional_help`: none, under 1 year, 1-5 years, over 5 years, unknown "
        "(unknown is a category of its own, as in the foundation's report).",
        lambda y: breakdown(y.cases, _attr("professional_help"), get_args(ProfessionalHelp)),
    ),
    Figure(
        "reasons", "requests", "Reasons for the request", "redenen van aanmelding", "cases",
        "The share of the year's cases naming each reason in `reasons`; a case may name several, "
        "so the shares add up to more than 100%.",
        lambda y: multi_breakdown(y.cases, _attr("reasons"), get_args(Reason)),
    ),
    Figure(
        "variant", "requests", "Variant", "variant", "cases",
        "The year's cases by `variant`: family, individual, restorative, group or neighbourhood.",
        lambda y: breakdown(y.cases, _attr("variant"), get_args(Variant)),
    ),
    Figure(
        "conditions", "requests", "Professionals set conditions", "voorwaarden (drang/dwang)", "cases",
        "The year's cases with `conditions: true`, of all the year's cases.",
        lambda y: share(y.cases, _attr("conditions")),
    ),
]

_COURSE = [
    Figure(
        "preparation_time", "course", "Time from request to meeting", "voorbereidingstijd", "cases",
        "The year's cases with a meeting, by the time from the request (the `registered` date) to the first "
        "meeting: under 2 calendar months, 2 months up to 3, 3 months or more.",
        lambda y: breakdown(with_meeting(y), preparation_bucket, PREPARATION_BUCKETS),
    ),
    Figure(
        "shortest_preparation_days", "course", "Shortest preparation time (days)", "kortste voorbereidingstijd (dagen)", "cases",
        "The fewest days from the `registered` date to the first meeting, over the year's cases with a meeting.",
        lambda y: Minimum(min((preparation_days(c) for c in with_meeting(y)), default=None), len(with_meeting(y))),
    ),
    Figure(
        "led_to_meeting", "course", "Requests that led to a meeting", "aanmeldingen met conferentie", "cases",
        "The year's cases with at least one formal meeting in `meetings`, of all the year's cases.",
        lambda y: share(y.cases, lambda c: bool(c.meetings)),
    ),
    Figure(
        "outcome", "course", "Outcome", "resultaat", "cases",
        "The year's cases by `outcome`: own plan without a meeting, declined, stopped, plan made at a meeting, no plan.",
        lambda y: breakdown(y.cases, _attr("outcome"), get_args(Outcome)),
    ),
    Figure(
        "stop_reason", "course", "Why requests stopped", "redenen van stoppen", "cases",
        "The year's cases with `outcome: stopped`, by `stop_reason`.",
        lambda y: breakdown([c for c in y.cases if c.outcome == "stopped"], _attr("stop_reason"), get_args(StopReason)),
    ),
    Figure(
        "own_plan_after_activation", "course", "Own plan without a meeting, after activation",
        "eigen plan na verbinden en activeren", "cases",
        "Of the year's cases that closed from `connect_activate` (the history entry before `closed`), "
        "those with `outcome: own_plan`.",
        lambda y: share([c for c in y.cases if closed_from(c) == "connect_activate"], lambda c: c.outcome == "own_plan"),
    ),
    Figure(
        "plans_overall", "course", "Requests that ended with a plan", "aanmeldingen met een plan", "cases",
        "The year's cases with `outcome` plan (made at a meeting) or own_plan (made without one), of all the year's cases.",
        lambda y: share(y.cases, lambda c: c.outcome in PLAN_OUTCOMES),
    ),
]

_MEETINGS = [
    Figure(
        "meetings", "meetings", "Meetings held", "gehouden bijeenkomsten", "meetings",
        "Every formal meeting in `meetings` of the year's cases, follow-up meetings included.",
        lambda y: Count(len(y.meetings)),
    ),
    Figure(
        "follow_up_meetings", "meetings", "Follow-up meetings", "vervolgbijeenkomsten", "meetings",
        "The year's meetings with `follow_up: true`.",
        lambda y: Count(sum(1 for m in y.meetings if m.follow_up)),
    ),
    Figure(
        "plan_per_meeting", "meetings", "Meetings that ended with a plan", "bijeenkomsten met een plan", "meetings",
        "The year's meetings with `plan.made: true`, of those with `plan` recorded.",
        lambda y: share(y.meetings, lambda m: m.plan.made, lambda m: m.plan is not None),
    ),
    Figure(
        "follow_up_agreed", "meetings", "Follow-up meeting agreed", "vervolgconferentie afgesproken", "meetings",
        "The year's meetings with `follow_up_agreed: true`, of those with it recorded.",
        lambda y: share(y.meetings, _attr("follow_up_agreed"), lambda m: m.follow_up_agreed is not None),
    ),
    Figure(
        "venue", "meetings", "Venue", "locatie", "meetings",
        "The year's meetings by `venue`; a meeting without a venue is incomplete.",
        lambda y: breakdown(y.meetings, _attr("venue"), get_args(Venue)),
    ),
    Figure(
        "weekday", "meetings", "On a weekday", "doordeweeks", "meetings",
        "The year's meetings whose `date` is Monday to Friday, of all the year's meetings.",
        lambda y: share(y.meetings, lambda m: m.date.weekday() < 5),
    ),
    Figure(
        "daytime_only", "meetings", "Daytime only", "alleen overdag", "meetings",
        "The year's meetings with `daytime_only: true`, of those with it recorded.",
        lambda y: share(y.meetings, _attr("daytime_only"), lambda m: m.daytime_only is not None),
    ),
    Figure(
        "duration_3_5_hours", "meetings", "Lasting 3 to 5 hours", "duur 3 tot 5 uur", "meetings",
        "The year's meetings with `hours_total` from 3 to 5 inclusive, of those with it recorded.",
        lambda y: share(y.meetings, lambda m: 3 <= m.hours_total <= 5, lambda m: m.hours_total is not None),
    ),
    Figure(
        "private_part_1_3_hours", "meetings", "Private family time 1 to 3 hours", "besloten deel 1 tot 3 uur", "meetings",
        "The year's meetings with `hours_private` from 1 to 3 inclusive, of those with it recorded.",
        lambda y: share(y.meetings, lambda m: 1 <= m.hours_private <= 3, lambda m: m.hours_private is not None),
    ),
    Figure(
        "attendees_total", "meetings", "People at the meetings", "aanwezigen", "attendees",
        "The sum of `attendees` (all five categories) over the year's meetings with `attendees` recorded.",
        lambda y: Count(
            sum(m.attendees.total for m in y.meetings if m.attendees is not None),
            sum(1 for m in y.meetings if m.attendees is None),
        ),
        incomplete_unit="meetings",
    ),
    Figure(
        "attendees_per_meeting", "meetings", "People per meeting", "aanwezigen per bijeenkomst", "attendees",
        "The mean number of attendees over the year's meetings with `attendees` recorded (n: those meetings).",
        lambda y: mean([None if m.attendees is None else m.attendees.total for m in y.meetings]),
        incomplete_unit="meetings",
    ),
    Figure(
        "attendee_categories", "meetings", "Who attended", "samenstelling aanwezigen", "attendees",
        "The people at the year's meetings with `attendees` recorded, by category: minor main persons, adult "
        "main persons, family, social network, professionals.",
        attendee_breakdown,
        incomplete_unit="meetings",
    ),
]

_PLANS = [
    Figure(
        f"plan_{item}", "plans", title, dutch, "plans",
        f"The year's plans (meetings with `plan.made: true`) with `plan.{item}: true`, of those with it recorded.",
        (lambda item: lambda y: share(y.plans, lambda m: getattr(m.plan, item), lambda m: getattr(m.plan, item) is not None))(item),
    )
    for item, title, dutch in (
        ("evaluation", "Plans with an evaluation agreement", "plan met evaluatieafspraak"),
        ("contingency", "Plans saying what to do if things go wrong", "plan met afspraken als het anders loopt"),
        ("professional_help", "Plans asking for professional help", "plan vraagt professionele hulp"),
    )
]

_GROUPS = (  # key in satisfaction, short name for titles, who they are, Dutch
    ("minors", "children", "children and young people", "kinderen/jongeren"),
    ("adults", "adults", "adults (main persons, family and network)", "volwassenen"),
    ("professionals", "professionals", "professionals", "professionals"),
)
_ITEMS = {
    "minors": ("meeting", "plan", "coordinator"),
    "adults": ("meeting", "plan", "coordinator", "referrer"),
    "professionals": ("meeting", "plan", "coordinator"),
}
_ITEM_NAMES = {
    "meeting": ("the meeting", "bijeenkomst"),
    "plan": ("the plan", "plan"),
    "coordinator": ("the coordinator", "coördinator"),
    "referrer": ("the referrer", "aanmelder"),
}

_SATISFACTION = [
    *(
        Figure(
            f"forms_returned_{group}", "satisfaction", f"Forms returned: {short}", f"respons {dutch}", "forms",
            f"Returned forms of {who} (the entries of `satisfaction.{group}`) of the forms handed out "
            f"(`satisfaction.forms_out.{group}`), summed over the year's cases with a meeting or a satisfaction "
            "section. A case is incomplete when the forms handed out are not recorded or fewer than those returned.",
            (lambda group: lambda y: forms_returned(y, group))(group),
            incomplete_unit="cases",
        )
        for group, short, who, dutch in _GROUPS
    ),
    *(
        Figure(
            f"grade_{group}_{item}", "satisfaction", f"Grade from {short} for {_ITEM_NAMES[item][0]}",
            f"rapportcijfer {dutch}: {_ITEM_NAMES[item][1]}", "grades",
            f"The mean grade (1-10) for `{item}` on the returned forms of {who} (`satisfaction.{group}`) of the "
            f"year's cases; a form without that grade is incomplete.",
            (lambda group, item: lambda y: mean([getattr(f, item) for f in forms(y, group)]))(group, item),
            incomplete_unit="forms",
        )
        for group, short, who, dutch in _GROUPS
        for item in _ITEMS[group]
    ),
    Figure(
        "grade_coordinator_professionals", "satisfaction", "Grade from coordinators for working with the professionals",
        "rapportcijfer coördinator: samenwerking professionals", "grades",
        "The mean of `satisfaction.coordinator.professionals` (1-10) over the year's cases with a coordinator's "
        "form; a form without that grade is incomplete.",
        lambda y: mean([f.professionals for f in coordinator_forms(y)]),
        incomplete_unit="forms",
    ),
    Figure(
        "grade_coordinator_regional_manager", "satisfaction", "Grade from coordinators for the regional manager",
        "rapportcijfer coördinator: regiomanager", "grades",
        "The mean of `satisfaction.coordinator.regional_manager` (1-10) over the year's cases with a "
        "coordinator's form; a form without that grade is incomplete.",
        lambda y: mean([f.regional_manager for f in coordinator_forms(y)]),
        incomplete_unit="forms",
    ),
    Figure(
        "good_decision", "satisfaction", "Professionals: a good decision to request", "goede beslissing om aan te vragen",
        "forms",
        "The professionals' returned forms of the year's cases by `good_decision` (fully, partly, not); "
        "a form without it is incomplete.",
        lambda y: breakdown(forms(y, "professionals"), _attr("good_decision"), get_args(GoodDecision)),
    ),
]

FIGURES: tuple[Figure, ...] = (*_REQUESTS, *_COURSE, *_MEETINGS, *_PLANS, *_SATISFACTION)


@dataclass(frozen=True)
class Report:
    year: int
    figures: tuple[tuple[Figure, Result], ...]

    def __getitem__(self, key: str) -> Result:
        return next(result for figure, result in self.figures if figure.key == key)

    def keys(self) -> list[str]:
        return [figure.key for figure, _ in self.figures]


def compute(cases: Iterable[Case], municipalities: Mapping[str, Any], year: int) -> Report:
    """Every figure of FIGURES over the cases closed in `year`."""
    data = research_year(cases, municipalities, year)
    return Report(year, tuple((figure, figure.compute(data)) for figure in FIGURES))
