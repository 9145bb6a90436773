"""Handing out case ids: this clone's salt and sequences, kept in `.git/ekc/case-ids.json`.

The scheme and its odds are in ekc/core/ids.py. Here: the state lives inside the git
folder because git never copies it, so each clone (and each copy of a working folder,
recognised by the git folder's path changing) gets its own salt; a file lock makes two
`ekc case new` at once on one machine take turns. Outside git there are no clones to
collide with, so a random id checked against the folders present is enough.
"""

from __future__ import annotations

import json
import os
import random
from contextlib import contextmanager
from pathlib import Path

from ekc.core.ids import SALTS, SEQUENCES, make_id, split_id

STATE_NAME = "case-ids.json"


def _salt_source() -> random.Random:
    """Where new salts and start offsets come from (tests pass a seeded one)."""
    return random.SystemRandom()


def existing_ids(root: Path) -> set[str]:
    """Every case folder name under cases/<YYYY>/, valid or not: an id in use is in use."""
    cases = root / "cases"
    found: set[str] = set()
    if not cases.is_dir():
        return found
    for year in os.scandir(cases):
        if year.is_dir():
            found.update(entry.name for entry in os.scandir(year.path))
    return found


@contextmanager
def _locked(folder: Path):
    import fcntl

    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "case-ids.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _read(path: Path) -> dict:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def _new_salt(state: dict, taken: set[int], rng: random.Random) -> dict:
    avoid = taken | set(state.get("retired", [])) | ({state["salt"]} if "salt" in state else set())
    free = SALTS - len(avoid)
    if free <= 0:
        raise RuntimeError("every clone salt is taken")  # 8,192 clones: not this foundation
    while True:
        salt = rng.randrange(SALTS)
        if salt not in avoid:
            break
    retired = sorted(set(state.get("retired", [])) | ({state["salt"]} if "salt" in state else set()))
    return {"git_dir": state.get("git_dir"), "salt": salt, "retired": retired, "years": {}}


def _salts_in(ids: set[str]) -> dict[int, set[tuple[int, int]]]:
    """Salt -> {(year, sequence)} of every well-formed id present."""
    found: dict[int, set[tuple[int, int]]] = {}
    for case_id in ids:
        parts = split_id(case_id)
        if parts:
            year, salt, sequence = parts
            found.setdefault(salt, set()).add((year, sequence))
    return found


def _handed_out(year_state: dict, sequence: int) -> bool:
    offset = (sequence - year_state["start"]) % SEQUENCES
    return offset < year_state["issued"]


def _seen_foreign(state: dict, in_use: dict[int, set[tuple[int, int]]]) -> bool:
    """Does an id present carry this clone's salt without this clone having handed it out?"""
    for year, sequence in in_use.get(state.get("salt", -1), ()):
        year_state = state["years"].get(str(year))
        if year_state is None or not _handed_out(year_state, sequence):
            return True
    return False


def next_id(root: Path, year: int, rng: random.Random | None = None) -> str:
    """A new case id for `year`, unused in this clone and (see ekc/core/ids.py) in any other."""
    from ekc.store.git import common_dir

    rng = rng or _salt_source()
    ids = existing_ids(root)
    git_dir = common_dir(root)
    if git_dir is None:
        while True:
            candidate = make_id(year, rng.randrange(SALTS), rng.randrange(SEQUENCES))
            if candidate not in ids:
                return candidate
    folder = git_dir / "ekc"
    with _locked(folder):
        path = folder / STATE_NAME
        state = _read(path)
        in_use = _salts_in(ids)
        if state.get("git_dir") != str(git_dir) or "salt" not in state or _seen_foreign(state, in_use):
            # new clone, a copied working folder, or another clone drew our salt
            state = _new_salt(state, set(in_use), rng)
            state["git_dir"] = str(git_dir)
        while True:
            year_state = state["years"].setdefault(str(year), {"start": rng.randrange(SEQUENCES), "issued": 0})
            if year_state["issued"] >= SEQUENCES:
                state = _new_salt(state, set(in_use), rng)
                continue
            sequence = (year_state["start"] + year_state["issued"]) % SEQUENCES
            year_state["issued"] += 1
            candidate = make_id(year, state["salt"], sequence)
            if candidate not in ids:
                break
        _write_state(path, state)
        return candidate


def _write_state(path: Path, state: dict) -> None:
    """Renamed into place but not fsynced: losing this write is safe by construction.

    After a crash the old state (or none) comes back; the id handed out meanwhile is then
    "an id with our salt we did not hand out", which draws a new salt (`_seen_foreign`).
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(state, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)
