"""Does this clone still hold purged data? The cheap question every command asks.

Only when the purge log names blob or commit ids (DATA-FORMAT.md): then one
`git cat-file --batch-check` over those ids, reachable or not. No content is read.
"""

from __future__ import annotations

from pathlib import Path

from ekc.guard import logged as logged_ids
from ekc.store.git import GitFailed

WARNING = "this clone still holds purged data: run `ekc sync`"


def known_log(root: Path) -> logged_ids.Logged:
    """The working tree's purge log, plus the remote default branch's once fetched."""
    log = logged_ids.from_file(root / logged_ids.PURGE_LOG)
    log.add(logged_ids.at(root, "refs/remotes/origin/HEAD"))
    return log


def held(root: Path, log: logged_ids.Logged | None = None) -> set[str]:
    """The logged blob and commit ids this clone can still read."""
    log = log if log is not None else known_log(root)
    return logged_ids.present(root, sorted(log.ids())) if log.ids() else set()


def warning(root: Path) -> str | None:
    """The one-line warning, or None; never fails a command (no git, no repository)."""
    try:
        log = known_log(root)
        if not log.ids():
            return None  # nothing logged by id: nothing to look for
        return WARNING if held(root, log) else None
    except (GitFailed, OSError):
        return None
