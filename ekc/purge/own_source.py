"""The purge never runs in ekc's own source repository.

Why: ekc ships fictional sample data at the root of its source repository so that
`ekc validate` can be tried on a fresh clone. Some of those sample cases are past
retention, so a purge there would rewrite the history of the code itself (dozens of
commits) for data that was never anyone's. A real data repository is made with
`ekc init`, and has no pyproject.toml naming the package `ekc`.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from ekc.core.errors import Refused

PACKAGE = "ekc"


def names_ekc(pyproject: Path) -> bool:
    """Whether this pyproject.toml is ekc's own: `[project] name = "ekc"`."""
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    project = data.get("project")
    return isinstance(project, dict) and str(project.get("name", "")).strip().lower() == PACKAGE


def own_source_root(root: Path) -> Path | None:
    """The folder of ekc's source repository holding the data at `root`, or None: the data
    folder itself or its git work tree's top, whichever has ekc's pyproject.toml."""
    from ekc.store.git import work_tree

    candidates = [root]
    top = work_tree(root)
    if top is not None and top != root:
        candidates.append(top)
    return next((folder for folder in candidates if names_ekc(folder / "pyproject.toml")), None)


def refuse_in_own_source(root: Path) -> None:
    """Refused (exit 1) when `root` is inside ekc's own source repository."""
    source = own_source_root(root)
    if source is not None:
        raise Refused(
            f"{source} is ekc's own source repository (its pyproject.toml names the package ekc): the sample "
            "data there is fictional, and a purge would rewrite the history of the code. Nothing was changed. "
            "A data repository is made with `ekc init DIR` (`ekc init DIR --sample` to try the purge on sample data)"
        )
