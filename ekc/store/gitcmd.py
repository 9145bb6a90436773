"""Running git as a child process: the one place ekc starts `git`.

Every caller (the purge, the case commands, the history check and pre-receive hook, `ekc
init`) goes through `run` or `start`, so they share one environment, one way to turn a
missing program into a message, and one way to word git's complaint.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import IO

from ekc.core.errors import Refused

# a long hook's output would drown the line the CLI prints; its end says why
_MOST = 500


class GitFailed(Refused):
    """git refused or could not run (a hook, a missing identity, a locked index, no git at
    all): exit 1, with git's own words, because only they say what to fix."""


def git_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """No pager, no prompts, no translated messages: output we parse must be stable.

    The rest of the environment is kept: the user's configuration, and inside a hook the
    variables through which git shows a push's quarantined objects.
    """
    env = dict(os.environ)
    env.update({"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "GIT_PAGER": "cat", "PAGER": "cat"})
    env.update(extra or {})
    return env


def command_name(args: tuple[str, ...] | list[str]) -> str:
    """The git subcommand in `args`, past any `-c name=value` / `-C path` options."""
    index = 0
    while index < len(args) and args[index] in ("-c", "-C"):
        index += 2
    return args[index] if index < len(args) else "git"


def failure(args: tuple[str, ...] | list[str], code: int, stderr: bytes, stdout: bytes = b"") -> GitFailed:
    """The exception for a git that exited non-zero: git's stderr on one line (its stdout
    when stderr is empty: `git commit` says "nothing to commit" there)."""
    said = " ".join((stderr or stdout).decode("utf-8", "replace").split())
    if len(said) > _MOST:
        said = "..." + said[-_MOST:]
    return GitFailed(f"git {command_name(args)} failed: {said or 'exit ' + str(code)}")


def _command(root: Path | str, args: tuple[str, ...], in_folder: bool) -> tuple[list[str], Path | str | None]:
    return (["git", *args], root) if in_folder else (["git", "-C", str(root), *args], None)


def _not_started(error: OSError, folder: Path | str | None) -> GitFailed:
    if folder is not None and error.filename is not None and str(error.filename) == str(folder):
        return GitFailed(f"git cannot run in {folder}: {error.strerror}")
    return GitFailed("the git program is not installed")


def run(
    root: Path | str,
    *args: str,
    input: bytes | None = None,
    env: dict[str, str] | None = None,
    in_folder: bool = False,
) -> subprocess.CompletedProcess:
    """git's exit code and raw output, whatever the code; GitFailed only when git cannot start.

    `in_folder` starts git with `root` as its working folder instead of `-C root`, for the
    callers that always did (the same for git, except that a missing folder fails here
    rather than in git). `env` adds variables (commit dates) to the common ones.
    """
    command, folder = _command(root, args, in_folder)
    try:
        return subprocess.run(
            command,
            cwd=folder,
            input=input,
            stdin=None if input is not None else subprocess.DEVNULL,
            capture_output=True,
            env=git_env(env),
        )
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise _not_started(exc, folder) from exc


def start(root: Path | str, *args: str, stdout: IO[bytes], stderr: IO[bytes]) -> subprocess.Popen:
    """git running in the background, writing into the given files; see `failure` for its end."""
    command, folder = _command(root, args, False)
    try:
        return subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr, env=git_env())
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise _not_started(exc, folder) from exc


def git(root: Path | str, *args: str, input: bytes | None = None, check: bool = True, in_folder: bool = False) -> bytes:
    result = run(root, *args, input=input, in_folder=in_folder)
    if check and result.returncode != 0:
        # not stdout: a failed `git log` may have printed messages, and messages hold names
        raise failure(args, result.returncode, result.stderr)
    return result.stdout


def git_ok(root: Path, *args: str) -> bool:
    return run(root, *args).returncode == 0


def git_text(root: Path, *args: str) -> str:
    return git(root, *args).decode("utf-8", "surrogateescape").strip()


def git_dir(root: Path) -> Path:
    """The repository's common git directory (the same for every worktree)."""
    path = Path(git_text(root, "rev-parse", "--git-common-dir"))
    return path if path.is_absolute() else (root / path).resolve()


def is_git_repository(root: Path) -> bool:
    return git_ok(root, "rev-parse", "--git-dir")
