"""The loaded data repository: every file's model, keyed the way the rules look things up."""

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from datetime import date

from ekc.model.case import Case
from ekc.model.coordinators import Coordinator
from ekc.model.municipalities import Contract, Municipality, Region
from ekc.model.personal import Personal
from ekc.model.purge_log import PurgeLog
from ekc.model.settings import Settings


@dataclass(frozen=True)
class CaseFile:
    """One case folder. `personal` is None when the file is gone (purged) or unreadable."""

    case: Case
    path: str  # cases/<YYYY>/<id>/case.yaml, relative, forward slashes
    personal: Personal | None = None
    personal_present: bool = False

    @property
    def folder(self) -> str:
        return self.path.rsplit("/", 1)[0]

    @property
    def personal_path(self) -> str:
        return f"{self.folder}/personal.yaml"


@dataclass(frozen=True)
class DataStore:
    settings: Settings = field(default_factory=Settings)
    regions: dict[str, Region] = field(default_factory=dict)
    municipalities: dict[str, Municipality] = field(default_factory=dict)
    coordinators: dict[str, Coordinator] = field(default_factory=dict)
    cases: dict[str, CaseFile] = field(default_factory=dict)
    purge_log: PurgeLog = field(default_factory=PurgeLog)

    def open_cases(self) -> list[CaseFile]:
        return [c for c in self.cases.values() if not c.case.is_closed]

    @cached_property
    def open_case_counts(self) -> Counter:
        """Open cases per coordinator id, counted once: matching asks for every coordinator."""
        return Counter(c.case.coordinator for c in self.cases.values() if not c.case.is_closed and c.case.coordinator)
