"""What the purge log says must never come back, and where it still is.

A purge logs, per case, the paths it removed, every blob version it removed or rewrote
and every commit or tag it redacted (DATA-FORMAT.md). Those ids are what the gate, the
server's cleaner, `ekc sync` and the stale-clone warning look for: an id is found by git
in one `cat-file --batch-check` or one `rev-list --objects`, without reading any content,
so the check is cheap and never prints personal data (ids and case ids only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ekc.guard.plumbing import RangeChanges
from ekc.store.git import GitFailed
from ekc.store.git import read as git
from ekc.store.yamlio import parse

PURGE_LOG = "purge-log.yaml"
OBJECT_ID = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
REMEDY = "run `ekc sync` on your clone, then push again"


@dataclass
class Logged:
    """The purge log's ids: path / blob id / commit id -> the case it was purged for."""

    paths: dict[str, str] = field(default_factory=dict)
    blobs: dict[str, str] = field(default_factory=dict)
    commits: dict[str, str] = field(default_factory=dict)
    days: dict[str, str] = field(default_factory=dict)  # case -> day it was purged

    def __bool__(self) -> bool:
        return bool(self.paths or self.blobs or self.commits)

    def ids(self) -> dict[str, str]:
        return {**self.blobs, **self.commits}

    def add(self, other: "Logged") -> "Logged":
        for mine, theirs in ((self.paths, other.paths), (self.blobs, other.blobs),
                             (self.commits, other.commits), (self.days, other.days)):
            for key, value in theirs.items():
                mine.setdefault(key, value)
        return self


def from_data(data: Any) -> Logged:
    """Lenient on purpose: a purge log with a typo elsewhere must still protect what it
    does name (the typo itself is the ordinary validation's finding)."""
    found = Logged()
    records = data.get("purges") if isinstance(data, dict) else None
    for record in records if isinstance(records, list) else []:
        if not isinstance(record, dict):
            continue
        case = str(record.get("case") or "an unnamed case")
        found.days.setdefault(case, str(record.get("purged", "an earlier day")))
        for key, target in (("paths", found.paths), ("blobs", found.blobs), ("commits", found.commits)):
            values = record.get(key)
            for value in values if isinstance(values, list) else []:
                if not isinstance(value, str) or not value:
                    continue
                if key != "paths" and not OBJECT_ID.match(value):
                    continue
                target.setdefault(value, case)
    return found


def from_bytes(raw: bytes | None) -> Logged:
    if raw is None:
        return Logged()
    parsed = parse(PURGE_LOG, raw)
    return from_data(parsed.data) if parsed.ok else Logged()


def from_file(path: Path) -> Logged:
    return from_bytes(path.read_bytes() if path.is_file() else None)


def at(cwd: Path | str, rev: str, prefix: str = "") -> Logged:
    """The purge log as it stands in `rev` (nothing when there is no such file)."""
    try:
        out = git(cwd, "cat-file", "--batch", stdin=f"{rev}:{prefix}{PURGE_LOG}\n".encode())
    except GitFailed:
        return Logged()
    header, _, rest = out.partition(b"\n")
    parts = header.split()
    if len(parts) != 3 or parts[1] != b"blob":
        return Logged()
    return from_bytes(rest[: int(parts[2])])


def default_branch(cwd: Path | str) -> str | None:
    """The ref HEAD names on the receiving side (a bare server's default branch)."""
    try:
        return git(cwd, "symbolic-ref", "--quiet", "HEAD").decode().strip() or None
    except GitFailed:
        return None


def present(cwd: Path | str, ids: list[str]) -> set[str]:
    """Which of `ids` this repository can read, reachable or not: one process, ids only."""
    if not ids:
        return set()
    out = git(cwd, "cat-file", "--batch-check=%(objectname) %(objecttype)", stdin="".join(f"{i}\n" for i in ids).encode())
    found = set()
    for line in out.decode().splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1] != "missing":
            found.add(parts[0])
    return found


@dataclass(frozen=True)
class Hit:
    """One logged thing found among objects: what, its id, the case, where (a path under
    cases/ only; other paths may themselves hold a name)."""

    kind: str  # blob | commit | path | note
    oid: str
    case: str
    path: str = ""

    def describe(self, day: str) -> str:
        where = f" at {self.path}" if self.path.startswith("cases/") else (" at another path" if self.path else "")
        if self.kind == "blob":
            what = f"blob {self.oid[:10]}{where}"
        elif self.kind == "commit":
            what = f"old commit or tag {self.oid[:10]}"
        elif self.kind == "note":
            what = f"a note on old commit {self.oid[:10]}"
        else:
            what = f"{self.path} (blob {self.oid[:10]})"
        return f"{what} was purged with case {self.case} on {day} (purge-log.yaml)"


def scan_objects(cwd: Path | str, tips: list[str], logged: Logged, exclude_existing: bool = True,
                 exclude: list[str] | None = None) -> list[Hit]:
    """Logged ids and paths among every object reachable from `tips` (commits of the whole
    range, not only their tips; tags of blobs or trees; notes), leaving out what the
    existing refs (`--all`) or `exclude` already reach: those came in checked.
    """
    if not tips or not logged:
        return []
    negated = (["--all"] if exclude_existing else []) + list(exclude or [])
    out = git(cwd, "rev-list", "--objects", *tips, *(["--not", *negated] if negated else []))
    blobs, commits, paths = logged.blobs, logged.commits, logged.paths
    hits: list[Hit] = []
    for line in out.decode("utf-8", "replace").splitlines():
        oid, _, path = line.partition(" ")
        if oid in blobs:
            hits.append(Hit("blob", oid, blobs[oid], path))
        elif oid in commits:
            hits.append(Hit("commit", oid, commits[oid]))
        elif path in paths:
            hits.append(Hit("path", oid, paths[path], path))
        elif path and commits:
            # a note's path is the id of the commit it annotates (fanned out: ab/cdef...)
            flat = path.replace("/", "")
            if flat in commits:
                hits.append(Hit("note", flat, commits[flat]))
    return hits


def hits_in_changes(commits: list[str], changes: RangeChanges, logged: Logged) -> list[Hit]:
    """`scan_objects` of a pushed range of commits, from the range's one `diff-tree`
    (guard/plumbing.range_changes) instead of a second walk of every tree.

    Every object of the range that no existing ref reaches is there: a commit of the
    range; such a blob is a change of some commit of the range against its first parent
    (a first parent holding it at that path is unreached too, so in the range itself; one
    outside the range is reached by a ref), or a root commit's file. More is looked at than the scan sees (a
    logged blob brought back by a commit while an existing ref also reaches it), never
    less; and a folder at a logged path is found by its files. Trees other than folders at
    a logged path carry nothing the log names. Newest commit first, as the scan finds them.
    """
    if not logged:
        return []
    blobs, paths, ids = logged.blobs, logged.paths, logged.commits
    folders = {path.rstrip("/") + "/" for path in paths}
    hits: list[Hit] = []
    brought: dict[str, list[tuple[str, str]]] = {}
    for commit, path, blob in changes.brought_in():
        brought.setdefault(commit, []).append((path, blob))
    for commit in commits:
        if commit in ids:
            hits.append(Hit("commit", commit, ids[commit]))
        for path, blob in brought.get(commit, ()):
            if blob in blobs:
                hits.append(Hit("blob", blob, blobs[blob], path))
            elif path in paths:
                hits.append(Hit("path", blob, paths[path], path))
            elif folders and "/" in path and (folder := _logged_folder(path, folders)):
                hits.append(Hit("path", blob, paths[folder[:-1]], path))  # under the logged path: not the range check's
            elif ids:
                flat = path.replace("/", "")  # a note: the annotated commit's id, fanned out
                if flat in ids:
                    hits.append(Hit("note", flat, ids[flat]))
    return hits


def _logged_folder(path: str, folders: set[str]) -> str | None:
    """The logged path (with a `/`) that `path` lies under, if any."""
    cut = path.find("/")
    while cut >= 0:
        if path[: cut + 1] in folders:
            return path[: cut + 1]
        cut = path.find("/", cut + 1)
    return None
