"""`coordinators.yaml`: the national pool of freelance coordinators."""

from datetime import date

from pydantic import Field

from ekc.model.base import Email, Phone

from ekc.model.base import CoordinatorId, DataModel, DateRange, LanguageCode, MunicipalityCode, Name, Slug, Year
from ekc.model.vocabulary import Gender


class Training(DataModel):
    ek1: date
    ek2: date | None = None


class Coordinator(DataModel):
    id: CoordinatorId
    name: Name
    email: Email | None = None
    phone: Phone | None = None
    gender: Gender
    birth_year: int = Field(ge=1900, le=2100)
    languages: list[LanguageCode] = Field(min_length=1)
    cultures: list[Name] = Field(default_factory=list)
    regions: list[Slug] = Field(default_factory=list)
    home: MunicipalityCode | None = None
    trained: Training
    agreements: list[Year] = Field(default_factory=list)
    max_cases: int = Field(default=3, ge=0, le=1000)
    unavailable: list[DateRange] = Field(default_factory=list)
    active: bool = True

    @property
    def has_ek2(self) -> bool:
        return self.trained.ek2 is not None

    def has_agreement(self, year: int) -> bool:
        return year in self.agreements

    def is_unavailable(self, day: date) -> bool:
        return any(period.covers(day) for period in self.unavailable)

    def age_in(self, year: int) -> int:
        return year - self.birth_year


class CoordinatorsFile(DataModel):
    coordinators: list[Coordinator] = Field(default_factory=list)
