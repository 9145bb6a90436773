"""Which files make up a data repository, and what kind each one is."""

import os
from dataclasses import dataclass
from pathlib import Path

from ekc.model.kinds import CASE_FILES, ROOT_FILES

# Kinds that are findings by their name or nature alone: their bytes are never read.
NOT_READ = frozenset({"stray"})


@dataclass(frozen=True, slots=True)
class DataFile:
    path: str  # relative, forward slashes
    kind: str  # settings | municipalities | coordinators | purge_log | case | personal | stray


def data_files(root: Path) -> list[DataFile]:
    """Every file `ekc` reads, plus any stray file inside `cases/`.

    A stray file in a case folder matters: the purge removes personal.yaml only, so
    anything else there would outlive it.
    """
    found = [DataFile(name, kind) for name, kind in ROOT_FILES.items() if (root / name).is_file()]
    cases = root / "cases"
    if not cases.is_dir():
        return found
    for year in sorted(os.scandir(cases), key=lambda e: e.name):
        if not year.is_dir(follow_symlinks=False):
            found.append(DataFile(f"cases/{year.name}", "stray"))
            continue
        for folder in sorted(os.scandir(year.path), key=lambda e: e.name):
            if not folder.is_dir(follow_symlinks=False):
                found.append(DataFile(f"cases/{year.name}/{folder.name}", "stray"))
                continue
            # (name, is_file) pairs sort without a key function: 15,000 small folders add up
            with os.scandir(folder.path) as listing:
                entries = [(entry.name, entry.is_file(follow_symlinks=False)) for entry in listing]
            entries.sort()
            prefix = f"cases/{year.name}/{folder.name}/"
            for name, is_file in entries:
                found.append(DataFile(prefix + name, CASE_FILES.get(name, "stray") if is_file else "stray"))
    return found


def find_data_root(start: Path) -> Path | None:
    """Walk up from `start` to the first folder holding municipalities.yaml."""
    current = start.resolve()
    for folder in (current, *current.parents):
        if (folder / "municipalities.yaml").is_file():
            return folder
    return None
