"""`personal.yaml`: everything that identifies a person; purged after retention."""

from datetime import date
from typing import NamedTuple

from pydantic import Field, model_validator

from ekc.model.base import CoordinatorId, DataModel, Email, LanguageCode, Name, Phone
from ekc.model.vocabulary import GenderPreference, MainPersonRole


class MainPerson(DataModel):
    name: Name | None = None
    birth_date: date | None = None
    role: MainPersonRole | None = None


class NetworkMember(DataModel):
    name: Name | None = None
    relation: str | None = None
    phone: Phone | None = None
    email: Email | None = None


class ReferrerContact(DataModel):
    name: Name | None = None
    organisation: str | None = None
    email: Email | None = None
    phone: Phone | None = None


class AgeRange(DataModel):
    min: int | None = Field(default=None, ge=16, le=100)
    max: int | None = Field(default=None, ge=16, le=100)

    @model_validator(mode="after")
    def _ordered(self) -> "AgeRange":
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min is above max")
        return self


class Preferences(DataModel):
    coordinator_gender: GenderPreference | None = None
    languages: list[LanguageCode] = Field(default_factory=list)
    culture: str | None = None
    coordinator_age: AgeRange | None = None


class Personal(DataModel):
    main_persons: list[MainPerson] = Field(default_factory=list)
    address: str | None = None
    phone: Phone | None = None
    email: Email | None = None
    network: list[NetworkMember] = Field(default_factory=list)
    referrer_contact: ReferrerContact | None = None
    preferences: Preferences | None = None
    exclude_coordinators: list[CoordinatorId] = Field(default_factory=list)
    notes: str | None = None

    def summary(self) -> "PersonalSummary":
        return PersonalSummary(tuple(self.exclude_coordinators))


class PersonalSummary(NamedTuple):
    """The one thing the cross-file rules read from personal.yaml (see CaseSummary)."""

    exclude_coordinators: tuple[str, ...]
