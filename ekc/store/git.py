"""The git operations commands that change files share: detect, stage exactly, commit safely.

Plain `git` as a child process (started by ekc.store.gitcmd): it is what the user has
configured (hooks, identity, signing), and a commit made here is the same as one made by
hand. Every commit message
passes `message_problem` first, because messages survive a purge of personal.yaml only
through a history rewrite: what never goes in needs no redacting.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from ekc.core.errors import Refused
from ekc.store import gitcmd
from ekc.store.gitcmd import GitFailed

__all__ = ["GitFailed", "commit_paths", "common_dir", "head_message", "is_inside_repo", "message_problem", "work_tree"]


def _run(root: Path, *args: str) -> str:
    """git's stdout as text; git started in `root` itself, as these commands always did.

    stdout counts as git's words on failure: `git commit` reports "nothing to commit" there.
    """
    result = gitcmd.run(root, *args, in_folder=True)
    if result.returncode != 0:
        raise gitcmd.failure(args, result.returncode, result.stderr, result.stdout)
    return result.stdout.decode("utf-8", "replace")


def work_tree(root: Path) -> Path | None:
    """The top of the git work tree holding `root`, or None outside git (or without git)."""
    try:
        top = _run(root, "rev-parse", "--show-toplevel").strip()
    except GitFailed:  # not a repository, no such folder, or no git at all
        return None
    return Path(top) if top else None


def is_inside_repo(root: Path) -> bool:
    return work_tree(root) is not None


def common_dir(root: Path) -> Path | None:
    """The repository's own folder (`.git`, shared by its worktrees), never copied by a clone.

    Found by walking up rather than asking git: `ekc case new` calls this once per id, and
    a subprocess costs more than the rest of the registration.
    """
    for folder in (root.resolve(), *root.resolve().parents):
        dot_git = folder / ".git"
        if dot_git.is_dir():
            return dot_git
        if dot_git.is_file():  # a worktree or submodule: "gitdir: <path>"
            text = dot_git.read_text(encoding="utf-8", errors="replace").strip()
            if not text.startswith("gitdir:"):
                return None
            git_dir = Path(text.split(":", 1)[1].strip())
            git_dir = (git_dir if git_dir.is_absolute() else folder / git_dir).resolve()
            common = git_dir / "commondir"
            if common.is_file():
                shared = Path(common.read_text(encoding="utf-8").strip())
                return (shared if shared.is_absolute() else git_dir / shared).resolve()
            return git_dir
    return None


def message_problem(message: str, forbidden: Iterable[str] = ()) -> str | None:
    """Why this commit message may not be used, or None.

    `forbidden` holds the personal values a message must not repeat (names, e-mail
    addresses, phone numbers of the case and of the coordinators).
    """
    from ekc.validate.rules.personal_data import looks_personal

    label = looks_personal(message)
    if label:
        return f"it looks like it holds {label}"
    for value in forbidden:
        value = value.strip()
        if len(value) >= 3 and re.search(rf"(?<!\w){re.escape(value)}(?!\w)", message, re.IGNORECASE):
            return "it repeats personal data (a name or contact detail of a person)"
    return None


def commit_paths(root: Path, paths: Iterable[Path], message: str, forbidden: Iterable[str] = ()) -> str:
    """Commit exactly `paths` (added, changed or deleted) and nothing else staged; return the sha.

    Whatever else the user has staged stays staged and out of this commit (`--only`).
    """
    problem = message_problem(message, forbidden)
    if problem:
        raise Refused(f"refusing to commit: the commit message would survive every purge, and {problem}")
    relative = [os.path.relpath(Path(p).resolve(), root.resolve()) for p in paths]
    if not relative:
        raise ValueError("nothing to commit")
    _run(root, "add", "--all", "--", *relative)
    try:
        _run(root, "commit", "--quiet", "--only", "-m", message, "--", *relative)
    except GitFailed:
        # leave the index as it was for these paths; the caller puts the files back
        try:
            _run(root, "reset", "--quiet", "--", *relative)
        except GitFailed:
            pass  # the commit's failure is the one to report
        raise
    return _run(root, "rev-parse", "HEAD").strip()


def head_message(root: Path) -> str:
    return _run(root, "log", "-1", "--format=%B").strip()
