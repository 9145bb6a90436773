"""The purge's history log, kept between purges: `.git/ekc/history-log`.

Why: the plan reads every commit's diff (`scan.PERSONAL_LOG`), a walk of all of history that
takes a core for over a second on 50,000 commits, and the proof walks the new history the
same way after the rewrite. A commit id names its diff (its tree and its parents' trees),
so what was read for a commit once holds for as long as the commit exists: the next purge
reads only the commits made since.

What it holds and why that is no new copy of anyone's data: each commit's id, date, root
tree id and the lines of its diff (modes, blob ids and paths), exactly what `git log` prints
of the repository's own history, in the repository's own folder (never pushed, never
cloned). It is written at two moments only:
- by a purge that found nothing to purge (the history as it is);
- by a purge after its rewrite, from the proof's walk of the new history: the log whose
  every path the proof's names scan searched, and only when the proof found nothing left.
Every purge that goes on to rewrite removes the old one first (`remove`, at the point of no
return), `ekc sync` removes it when it moves a clone onto a purged history (or finds it
naming a purged blob), and a commit that no longer exists is left out of every plan and
dropped at the next write: until then (a branch deleted and collected by gc since) it is
the one place that still lists that commit's paths, for at most the time to the next purge.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from ekc.purge.journal import state_dir
from ekc.purge.proof import OBJECT_ID

NAME = "history-log"
_MAGIC = b"ekc history-log 1 "


def path(root: Path) -> Path:
    return state_dir(root) / NAME


def _header(root: Path, options: tuple[str, ...]) -> bytes:
    """The format, the exact git options and the git version the blocks were printed with: a
    log printed any other way is not read as this one (how git pairs renames may change
    between versions)."""
    printed_by = "\0".join((*options, _git_version(root)))
    return _MAGIC + hashlib.sha256(printed_by.encode()).hexdigest().encode() + b"\n"


_VERSION: dict[str, str] = {}


def _git_version(root: Path) -> str:
    if "git" not in _VERSION:
        from ekc.store.git import git_text

        _VERSION["git"] = git_text(root, "version")
    return _VERSION["git"]


def read(root: Path, options: tuple[str, ...]) -> dict[str, bytes] | None:
    """Each commit's block (`\\x01<id> <date> <tree>\\n<diff lines>`), by commit id; None when
    there is none, or it was written with other options or is damaged (then the caller walks
    all of history, as without it)."""
    try:
        data = path(root).read_bytes()
    except OSError:
        return None
    header = _header(root, options)
    if not data.startswith(header):
        return None
    blocks: dict[str, bytes] = {}
    body = data[len(header):]
    if body and not body.startswith(b"\x01"):
        return None
    for block in body.split(b"\x01")[1:]:
        commit = block[: block.find(b" ")].decode("ascii", "replace")
        if len(commit) not in (40, 64) or not block.endswith(b"\n"):
            return None
        # a merge's header comes once per parent (`-m`): its blocks go together
        blocks[commit] = blocks.get(commit, b"") + b"\x01" + block
    return blocks


def write(root: Path, options: tuple[str, ...], log: bytes) -> None:
    """Replace it (a new file renamed over the old: a reader never sees half of one)."""
    target = path(root)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(NAME + ".partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # paths: the owner's only
    with open(descriptor, "wb") as out:
        out.write(_header(root, options))
        out.write(log if not log or log.endswith(b"\n") else log + b"\n")
    os.replace(partial, target)


def remove(root: Path) -> None:
    for name in (NAME, NAME + ".partial"):
        (state_dir(root) / name).unlink(missing_ok=True)


def remove_if_naming(root: Path, ids) -> bool:
    """Remove it when it names one of these object ids (a purge log's purged blobs): then it
    is the log of a history a purge rewrote since, and its paths may name the family. A clone
    can leave that history without `ekc sync` moving it (fetched, reset, expired and
    collected by hand); the ordinary sync that follows comes here too."""
    wanted = {i.encode() for i in ids}
    for name in (NAME, NAME + ".partial") if wanted else ():  # a write cut short leaves the other
        try:
            data = (state_dir(root) / name).read_bytes()
        except OSError:
            continue
        # each object id in it (a commit, a tree or a blob)
        if any(found.group() in wanted for found in OBJECT_ID.finditer(data)):
            remove(root)
            return True
    return False
