"""Create a data repository on disk: files, `git init`, and dated commits.

The sample's commits carry the dates of the events they record (author and committer),
so that `git log` reads like a year of real work.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ekc.core.errors import Refused, UsageProblem
from ekc.store import git as git_layer
from ekc.core.errors import writing_to
from ekc.store.yamlio import atomic_write

FALLBACK_IDENTITY = ("ekc init", "ekc@example.invalid")


@dataclass(frozen=True)
class PlannedCommit:
    day: date | None  # None: now
    message: str
    files: dict[str, str]  # path -> text


def check_target(directory: Path) -> None:
    if directory.exists() and not directory.is_dir():
        raise UsageProblem(f"{directory} is a file; give a new or empty folder")
    if directory.is_dir() and any(directory.iterdir()):
        raise UsageProblem(f"{directory} is not empty; give a new or empty folder (ekc init never overwrites)")


def create_repository(directory: Path, commits: Iterable[PlannedCommit]) -> int:
    """Write each commit's files and commit them, in order; returns the number of commits."""
    check_target(directory)
    with writing_to(directory):
        directory.mkdir(parents=True, exist_ok=True)
    _git(directory, "init", "-q")
    _git(directory, "symbolic-ref", "HEAD", "refs/heads/main")
    identity = _identity_options(directory)
    count = 0
    for number, commit in enumerate(commits):
        for path, text in commit.files.items():
            target = directory / path
            atomic_write(target, text)
            if path.endswith(".sh"):
                target.chmod(0o755)
        env = {}
        if commit.day is not None:
            # a working day's hour, later for later commits on one day
            stamp = f"{commit.day.isoformat()}T{9 + number % 8:02d}:{(number * 7) % 60:02d}:00+01:00"
            env.update(GIT_AUTHOR_DATE=stamp, GIT_COMMITTER_DATE=stamp)
        _git(directory, "add", "-A")
        _git(directory, *identity, "commit", "-q", "--no-verify", "-m", commit.message, env=env)
        count += 1
    return count


def _identity_options(directory: Path) -> list[str]:
    """The person's own git identity when they have one; otherwise a neutral one."""
    for variable in ("GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT"):
        if git_layer.run(directory, "var", variable).returncode != 0:
            name, email = FALLBACK_IDENTITY
            return ["-c", f"user.name={name}", "-c", f"user.email={email}"]
    return []


def _git(directory: Path, *args: str, env: dict[str, str] | None = None) -> None:
    try:
        done = git_layer.run(directory, *args, env=env)
    except git_layer.GitFailed:  # the folder was just made, so it is git that is missing
        raise Refused("ekc init needs git; install it first") from None
    if done.returncode != 0:
        failed = git_layer.failure(args, done.returncode, done.stderr)
        raise git_layer.GitFailed(f"{failed.message} (in {directory})")
