"""Which files make up a data repository, and what kind each one is."""

from pathlib import Path
from typing import NamedTuple

from ekc.model.kinds import CASE_FILES, ROOT_FILES


class DataFile(NamedTuple):
    """A named tuple, not a frozen dataclass: a warm run makes 31,000 of them, and a frozen
    dataclass sets each field through object.__setattr__ (1.7x the cost to make one)."""

    path: str  # relative, forward slashes
    kind: str  # settings | municipalities | coordinators | purge_log | case | personal | stray


def find_data_root(start: Path) -> Path | None:
    """Walk up from `start` to the first folder holding municipalities.yaml."""
    current = start.resolve()
    for folder in (current, *current.parents):
        if (folder / "municipalities.yaml").is_file():
            return folder
    return None
