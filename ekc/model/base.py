"""The one model configuration every data file shares."""

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from ekc.core.ids import CASE_ID_PATTERN


# No date past this year: date arithmetic (retention, a contract's end + 1 day) must never
# run past 9999-12-31, which Python's dates cannot hold. What validate accepts, every
# command can compute with.
LAST_YEAR = 9000


class DataModel(BaseModel):
    """Strict and closed: a typo in a key must not hide data, a quoted number is a mistake.

    Floats are finite (`.inf` and `.nan` are refused everywhere) and every date lies
    before the year LAST_YEAR: whatever `ekc validate` accepts, every command can count
    and print.
    """

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True, allow_inf_nan=False)

    @field_validator("*", mode="after")
    @classmethod
    def _dates_in_range(cls, value):
        if isinstance(value, date) and value.year > LAST_YEAR:
            raise ValueError(f"a date after {LAST_YEAR}-12-31 cannot be right here; write the real date, like 2024-09-02")
        return value


MunicipalityCode = Annotated[str, StringConstraints(pattern=r"^GM\d{4}$")]
CoordinatorId = Annotated[str, StringConstraints(pattern=r"^C-\d{4}$")]
CaseId = Annotated[str, StringConstraints(pattern=CASE_ID_PATTERN)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
# Counts of people, forms, conferences: a million is far past any real file, and a bound
# keeps sums and products finite in every command.
MOST = 1_000_000
Count = Annotated[int, Field(ge=0, le=MOST)]
# Euros: finite, not negative, at most a billion (a municipality's yearly budget is millions).
Money = Annotated[float, Field(ge=0, le=1_000_000_000, allow_inf_nan=False)]
# A year in a list of years (a coordinator's agreements).
Year = Annotated[int, Field(ge=1900, le=LAST_YEAR)]
# 1-10; Dutch schools give halves (7,5), so one decimal is allowed: `8` stays an int.
Grade = Annotated[int | float, Field(ge=1, le=10)]
Hours = Annotated[float, Field(ge=0, le=24)]
Name = Annotated[str, StringConstraints(min_length=1, strip_whitespace=False)]
Email = Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
Phone = Annotated[str, StringConstraints(pattern=r"^\+?[0-9][0-9 ()-]{5,20}$")]
# ISO 639-1 (two letters) where one exists, else 639-3; the registry check is a rule.
LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")]


class DateRange(DataModel):
    start: date = Field(alias="from")
    end: date = Field(alias="to")

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end
