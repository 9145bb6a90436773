"""The git operations commands that change files share: detect, stage exactly, commit safely.

Plain `git` through subprocess: it is what the user has configured (hooks, identity,
signing), and a commit made here is the same as one made by hand. Every commit message
passes `message_problem` first, because messages survive a purge of personal.yaml only
through a history rewrite: what never goes in needs no redacting.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterable
from pathlib import Path

from ekc.errors import Refused


class GitFailed(Refused):
    """git refused (a hook, a missing identity, a locked index): exit 1 with git's words."""


def _run(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "LC_ALL": "C"}
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, env=env)
    if check and result.returncode != 0:
        said = " ".join((result.stderr or result.stdout).split())[:500]
        raise GitFailed(f"git {args[0]} failed: {said}")
    return result


def work_tree(root: Path) -> Path | None:
    """The top of the git work tree holding `root`, or None outside git (or without git)."""
    try:
        result = _run(root, "rev-parse", "--show-toplevel", check=False)
    except (FileNotFoundError, NotADirectoryError):
        return None
    if result.returncode != 0 or not result.stdout.strip():
        return None
    return Path(result.stdout.strip())


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
    from ekc.rules.personal_data import looks_personal

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
        _run(root, "reset", "--quiet", "--", *relative, check=False)
        raise
    return _run(root, "rev-parse", "HEAD").stdout.strip()


def head_message(root: Path) -> str:
    return _run(root, "log", "-1", "--format=%B").stdout.strip()
