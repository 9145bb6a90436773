"""`cases/<YYYY>/<case-id>/case.yaml`: process and research data, never personal data.

Only field types and closed vocabularies live here; the rules that relate fields to one
another (phase order, outcome iff closed, ...) are functions in ekc/validate/rules/case_rules.py,
so that one file can report all of its problems at once, each at its own line.
"""

from datetime import date
from typing import NamedTuple

from pydantic import Field

from ekc.model.base import CaseId, CoordinatorId, Count, DataModel, Grade, Hours, MunicipalityCode
from ekc.model.vocabulary import (
    AdultRole, GoodDecision, Outcome, Phase, ProfessionalHelp, Reason, Referrer, ReferrerOrg,
    StopReason, Variant, Venue,
)


class HistoryFacts:
    """What a case's history says, for a `Case` and for its cached `CaseSummary` alike.

    Written over two parallel sequences, `phases` and `dates`, which a summary stores
    as they are (cheap to unpickle) and a `Case` derives from its history entries.
    """

    __slots__ = ()

    @property
    def phase(self) -> str:
        return self.phases[-1]

    @property
    def is_closed(self) -> bool:
        return self.phases[-1] == "closed"

    @property
    def registered_on(self) -> date:
        return self.dates[0]

    @property
    def closed_on(self) -> date | None:
        return self.dates[-1] if self.is_closed else None

    @property
    def phase_since(self) -> date:
        return self.dates[-1]

    def entered(self, phase: str) -> date | None:
        """The first date the case entered `phase`, or None."""
        index = self._index(phase)
        return None if index is None else self.dates[index]

    @property
    def started_on(self) -> date | None:
        """A start, for counting and funding, is entering the informative talk."""
        return self.entered("informative_talk")

    @property
    def start_index(self) -> int | None:
        """Position in history of the start (entering informative_talk), for locating it."""
        return self._index("informative_talk")

    @property
    def history_len(self) -> int:
        return len(self.phases)

    def _index(self, phase: str) -> int | None:
        try:
            return self.phases.index(phase)
        except ValueError:
            return None


class PhaseEntry(DataModel):
    phase: Phase
    date: date


class Attendees(DataModel):
    minor_main: Count = 0
    adult_main: Count = 0
    family: Count = 0
    network: Count = 0
    professional: Count = 0

    @property
    def total(self) -> int:
        return self.minor_main + self.adult_main + self.family + self.network + self.professional


class PlanContents(DataModel):
    made: bool
    evaluation: bool | None = None
    contingency: bool | None = None
    professional_help: bool | None = None


class Meeting(DataModel):
    date: date
    follow_up: bool = False
    venue: Venue | None = None
    daytime_only: bool | None = None
    hours_total: Hours | None = None
    hours_private: Hours | None = None
    attendees: Attendees | None = None
    plan: PlanContents | None = None
    follow_up_agreed: bool | None = None


class FormsOut(DataModel):
    minors: Count = 0
    adults: Count = 0
    professionals: Count = 0


class MinorGrades(DataModel):
    meeting: Grade | None = None
    plan: Grade | None = None
    coordinator: Grade | None = None


class AdultGrades(DataModel):
    role: AdultRole | None = None
    meeting: Grade | None = None
    plan: Grade | None = None
    coordinator: Grade | None = None
    referrer: Grade | None = None


class ProfessionalGrades(DataModel):
    meeting: Grade | None = None
    plan: Grade | None = None
    coordinator: Grade | None = None
    good_decision: GoodDecision | None = None


class CoordinatorGrades(DataModel):
    professionals: Grade | None = None
    regional_manager: Grade | None = None


class Satisfaction(DataModel):
    forms_out: FormsOut | None = None
    minors: list[MinorGrades] = Field(default_factory=list)
    adults: list[AdultGrades] = Field(default_factory=list)
    professionals: list[ProfessionalGrades] = Field(default_factory=list)
    coordinator: CoordinatorGrades | None = None


class Case(DataModel, HistoryFacts):
    id: CaseId
    variant: Variant
    municipality: MunicipalityCode
    referrer: Referrer
    referrer_org: ReferrerOrg | None = None
    minors_involved: bool
    conditions: bool
    professional_help: ProfessionalHelp
    reasons: list[Reason] = Field(min_length=1)
    coordinator: CoordinatorId | None = None
    unfunded_start: bool = False
    history: list[PhaseEntry] = Field(min_length=1)
    outcome: Outcome | None = None
    stop_reason: StopReason | None = None
    meetings: list[Meeting] = Field(default_factory=list)
    satisfaction: Satisfaction | None = None

    def summary(self) -> "CaseSummary":
        return CaseSummary(
            id=self.id,
            variant=self.variant,
            municipality=self.municipality,
            coordinator=self.coordinator,
            unfunded_start=self.unfunded_start,
            phases=self.phases,
            dates=self.dates,
        )

    @property
    def phases(self) -> tuple[str, ...]:
        return tuple(entry.phase for entry in self.history)

    @property
    def dates(self) -> tuple[date, ...]:
        return tuple(entry.date for entry in self.history)


class Step(NamedTuple):
    """One history entry as a plain tuple: cheap to cache, read like a PhaseEntry."""

    phase: str
    date: date


class _SummaryFields(NamedTuple):
    id: str
    variant: str
    municipality: str
    coordinator: str | None
    unfunded_start: bool
    phases: tuple[str, ...]
    dates: tuple[date, ...]


class CaseSummary(_SummaryFields, HistoryFacts):
    """What the cross-file rules and the budget need of a case, small enough to cache
    for 15,000 cases. It reads like a `Case` for those: a warm `ekc validate` or
    `ekc budget check` unpickles these instead of whole models (a named tuple: no
    per-object __setstate__ on the way back)."""

    __slots__ = ()

    @property
    def history(self) -> tuple[Step, ...]:
        """Entries with `.phase` and `.date`, as a `Case` has them (built when asked)."""
        return tuple(map(Step, self.phases, self.dates))
