"""Which files make up a data repository, and what kind each one is."""

from dataclasses import dataclass
from pathlib import Path

from ekc.model.kinds import CASE_FILES, ROOT_FILES

# Kinds that are findings by their name or nature alone: their bytes are never read.
NOT_READ = frozenset({"stray"})


@dataclass(frozen=True, slots=True)
class DataFile:
    path: str  # relative, forward slashes
    kind: str  # settings | municipalities | coordinators | purge_log | case | personal | stray


def find_data_root(start: Path) -> Path | None:
    """Walk up from `start` to the first folder holding municipalities.yaml."""
    current = start.resolve()
    for folder in (current, *current.parents):
        if (folder / "municipalities.yaml").is_file():
            return folder
    return None
