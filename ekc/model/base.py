"""The one model configuration every data file shares."""

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ekc.core.ids import CASE_ID_PATTERN


class DataModel(BaseModel):
    """Strict and closed: a typo in a key must not hide data, a quoted number is a mistake."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)


MunicipalityCode = Annotated[str, StringConstraints(pattern=r"^GM\d{4}$")]
CoordinatorId = Annotated[str, StringConstraints(pattern=r"^C-\d{4}$")]
CaseId = Annotated[str, StringConstraints(pattern=CASE_ID_PATTERN)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
Count = Annotated[int, Field(ge=0)]
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
