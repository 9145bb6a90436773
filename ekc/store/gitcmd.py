"""Running git as a child process: plain bytes in and out, a failure as a value with git's words."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from ekc.errors import Refused


class GitFailed(Refused):
    """git exited non-zero; the message carries its stderr so the user sees why."""


def git_env() -> dict[str, str]:
    """No pager, no prompts, no translated messages: output we parse must be stable."""
    env = dict(os.environ)
    env.update({"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "GIT_PAGER": "cat", "PAGER": "cat"})
    return env


def git(root: Path, *args: str, input: bytes | None = None, check: bool = True) -> bytes:
    result = subprocess.run(
        ["git", "-C", str(root), *args],
        input=input,
        stdin=None if input is not None else subprocess.DEVNULL,
        capture_output=True,
        env=git_env(),
    )
    if check and result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitFailed(f"git {args[0]} failed: {message[-1] if message else 'exit ' + str(result.returncode)}")
    return result.stdout


def git_ok(root: Path, *args: str) -> bool:
    return subprocess.run(
        ["git", "-C", str(root), *args], stdin=subprocess.DEVNULL, capture_output=True, env=git_env()
    ).returncode == 0


def git_text(root: Path, *args: str) -> str:
    return git(root, *args).decode("utf-8", "surrogateescape").strip()


def git_dir(root: Path) -> Path:
    """The repository's common git directory (the same for every worktree)."""
    path = Path(git_text(root, "rev-parse", "--git-common-dir"))
    return path if path.is_absolute() else (root / path).resolve()


def is_git_repository(root: Path) -> bool:
    return git_ok(root, "rev-parse", "--git-dir")
