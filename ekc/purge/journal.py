"""The purge's journal under .git/ekc/: what to undo or finish when a purge was interrupted.

It holds ref names, object ids, case ids, dates and paths: never a name or a number from
personal.yaml, so an interrupted purge leaves no personal data behind in it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from ekc.purge import RULES_ENV  # noqa: F401 - the rewrite's name for it
from ekc.store.git import git_dir
from ekc.store.yamlio import atomic_write

# Before the purge commit the old history is intact: an interrupted purge rolls back.
# From the commit on, the new history is complete and checked: it rolls forward.
ROLL_BACK_PHASES = ("prepared", "rewritten")
PHASES = ("prepared", "rewritten", "committed", "expired", "collected", "verified")


def state_dir(root: Path) -> Path:
    return git_dir(root) / "ekc"


def journal_path(root: Path) -> Path:
    return state_dir(root) / "purge-journal.json"


def work_dir(root: Path) -> Path:
    """Scratch files for git-filter-repo (the redaction list holds names): removed on every exit."""
    return state_dir(root) / "purge-work"


def rewrite_objects(root: Path) -> Path:
    """Where git-filter-repo writes its objects (GIT_OBJECT_DIRECTORY) until the purge adopts them."""
    return state_dir(root) / "purge-objects"


def reflog_backup(root: Path) -> Path:
    """A copy of .git/logs from before the rewrite, so a rollback leaves even the reflogs as they were."""
    return state_dir(root) / "purge-reflogs"


def read(root: Path) -> dict[str, Any] | None:
    path = journal_path(root)
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return {"phase": "prepared", "refs": None, "corrupt": True}


def write(root: Path, journal: dict[str, Any]) -> None:
    atomic_write(journal_path(root), json.dumps(journal, indent=1, sort_keys=True))


def remove(root: Path) -> None:
    journal_path(root).unlink(missing_ok=True)
    clear_work(root)
    shutil.rmtree(reflog_backup(root), ignore_errors=True)


def clear_work(root: Path) -> None:
    shutil.rmtree(work_dir(root), ignore_errors=True)


def pending(root: Path) -> bool:
    """A purge journal is on disk: the last purge was interrupted and must be finished (or
    rolled back) by `ekc purge` before anything else writes. In-process (no git child),
    because every command that writes asks; the same file as journal_path()."""
    from ekc.store.git import common_dir

    folder = common_dir(root)
    return folder is not None and (folder / "ekc" / "purge-journal.json").is_file()
