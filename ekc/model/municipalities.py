"""`municipalities.yaml`: regions, municipalities and their contracts."""

from datetime import date

from pydantic import Field

from ekc.model.base import Count, DataModel, Money, MunicipalityCode, Name, Slug
from ekc.model.vocabulary import VARIANTS, Province, TariffPhase, Variant


class Region(DataModel):
    id: Slug
    name: Name


class Contract(DataModel):
    id: Name
    start: date
    end: date
    conferences: Count
    budget_eur: Money | None = None
    tariffs_eur: dict[TariffPhase, Money] | None = None
    variants: list[Variant] = Field(default_factory=lambda: list(VARIANTS), min_length=1)

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


class Municipality(DataModel):
    code: MunicipalityCode
    name: Name
    province: Province
    region: Slug
    contracts: list[Contract] = Field(default_factory=list)

    def contract_on(self, day: date) -> Contract | None:
        return next((c for c in self.contracts if c.covers(day)), None)


class MunicipalitiesFile(DataModel):
    regions: list[Region] = Field(default_factory=list)
    municipalities: list[Municipality] = Field(default_factory=list)
