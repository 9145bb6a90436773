"""The one map of file kinds: which file holds which kind, where it lives, which model reads it.

The loader, the validator, `ekc schema` and `ekc init` all derive their lists from here, so a
new file kind is added once.
"""

from __future__ import annotations

from typing import NamedTuple

from pydantic import BaseModel

from ekc.model.case import Case
from ekc.model.coordinators import CoordinatorsFile
from ekc.model.municipalities import MunicipalitiesFile
from ekc.model.personal import Personal
from ekc.model.purge_log import PurgeLog
from ekc.model.settings import Settings


class FileKind(NamedTuple):
    file_name: str
    glob: str  # the files of this kind, from the repository root (editors check these)
    model: type[BaseModel]


KINDS: dict[str, FileKind] = {
    "settings": FileKind("ekc.yaml", "ekc.yaml", Settings),
    "municipalities": FileKind("municipalities.yaml", "municipalities.yaml", MunicipalitiesFile),
    "coordinators": FileKind("coordinators.yaml", "coordinators.yaml", CoordinatorsFile),
    "purge_log": FileKind("purge-log.yaml", "purge-log.yaml", PurgeLog),
    "case": FileKind("case.yaml", "cases/*/*/case.yaml", Case),
    "personal": FileKind("personal.yaml", "cases/*/*/personal.yaml", Personal),
}
CASE_KINDS = ("case", "personal")

# file name -> kind, for the files at the root and the files in a case folder
ROOT_FILES: dict[str, str] = {k.file_name: kind for kind, k in KINDS.items() if kind not in CASE_KINDS}
CASE_FILES: dict[str, str] = {KINDS[kind].file_name: kind for kind in CASE_KINDS}
MODELS: dict[str, type[BaseModel]] = {kind: k.model for kind, k in KINDS.items()}
