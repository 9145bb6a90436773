"""`purge-log.yaml`: what was purged and when; ids, dates and paths only."""

from datetime import date

from pydantic import Field

from ekc.model.base import CaseId, DataModel


class PurgeRecord(DataModel):
    case: CaseId
    closed: date
    purged: date
    paths: list[str] = Field(min_length=1)


class PurgeLog(DataModel):
    purges: list[PurgeRecord] = Field(default_factory=list)
