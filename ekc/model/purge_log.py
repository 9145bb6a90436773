"""`purge-log.yaml`: what was purged and when; ids, dates, counts and case-folder paths only.

A path outside `cases/<YYYY>/<case-id>/` may itself hold a name (`intake/Jansen/...`), so it
is never written here: such paths are counted in `other_paths`. `blobs` and `commits` are
what the gate refuses to let back in (DATA-FORMAT.md).
"""

from datetime import date
from typing import Annotated

from pydantic import Field, StringConstraints

from ekc.model.base import CaseId, DataModel

ObjectId = Annotated[str, StringConstraints(pattern=r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")]


class PurgeRecord(DataModel):
    case: CaseId
    closed: date  # for an orphan: the date its folder left the tree
    purged: date
    paths: list[str] = Field(min_length=1)  # under cases/<YYYY>/<case-id>/ only (DATA-FORMAT.md)
    other_paths: int = Field(default=0, ge=0, le=1_000_000)  # other files rewritten for this case: counted, never named
    blobs: list[ObjectId] = Field(default_factory=list)  # every blob version removed or rewritten
    commits: list[ObjectId] = Field(default_factory=list)  # old commits and tags whose message or identity was redacted


class PurgeLog(DataModel):
    purges: list[PurgeRecord] = Field(default_factory=list)
