"""The one git layer: every git child process ekc starts, the repository it works in, and
the commits the case commands make. One error type, `GitFailed`.

GitPython is the base where it answers in-process: finding the repository, its work tree
and its common git directory, and reading refs (`repository`, `head_commit`), which costs
no child process (measured: 0.16 ms a read against 1.1 ms for `git rev-parse`). Commands
run through its command interface (`git.cmd.Git.execute`), with one environment and one
way to word git's complaint. Commits are made by `git commit` itself, not by GitPython's
index, because only the real command runs the user's hooks and signing, so a commit made
here is the same as one made by hand. The long history streams of the purge (`start`)
write into files rather than pipes, which GitPython's process interface cannot do.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO

import git as gitpython
from git.exc import GitCommandNotFound

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
    # an object read by its id is that object: git honours replace refs in every read by id
    # (`cat-file --batch`, `log`, fast-export), from refs/replace/ or wherever
    # GIT_REPLACE_REF_BASE points, so a replace ref would show a clean blob's bytes under a
    # named blob's id to the purge's scan and its proof (only --batch-all-objects ignores them)
    env["GIT_NO_REPLACE_OBJECTS"] = "1"
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


def _not_started(error: OSError, folder: Path | str | None) -> GitFailed:
    if folder is not None and not Path(folder).is_dir():
        return GitFailed(f"git cannot run in {folder}: {error.strerror or 'No such file or directory'}")
    return GitFailed("the git program is not installed")


class Done(subprocess.CompletedProcess):
    """A finished git: its exit code and raw stdout and stderr, as bytes."""


def run(
    root: Path | str,
    *args: str,
    input: bytes | None = None,
    env: dict[str, str] | None = None,
) -> Done:
    """git's exit code and raw output, whatever the code; GitFailed only when git cannot start.

    git is started in `root` itself: inside a hook, git's variables for the push (GIT_DIR,
    the quarantine) may be relative to it. `env` adds variables (commit dates) to the common
    ones.
    """
    if not Path(root).is_dir():  # GitPython would quietly run git in the current folder instead
        raise _not_started(FileNotFoundError(2, "No such file or directory"), root)
    command = ["git", *args]
    with tempfile.TemporaryFile() if input is not None else contextlib.nullcontext() as stdin:
        if input is not None:
            stdin.write(input)
            stdin.seek(0)
        try:
            code, out, err = gitpython.Git(str(root)).execute(
                command,
                istream=stdin,
                env=git_env(env),
                with_extended_output=True,
                with_exceptions=False,
                stdout_as_string=False,
                strip_newline_in_stdout=False,
            )
        except GitCommandNotFound as exc:
            raise _not_started(FileNotFoundError(2, str(exc)), root) from exc
    # GitPython hands stderr back as text, one newline stripped; callers read bytes
    err = err.encode("utf-8", "surrogateescape") if isinstance(err, str) else err
    return Done(command, code, out, err)


def start(root: Path | str, *args: str, stdout: IO[bytes], stderr: IO[bytes], stdin: IO[bytes] | None = None) -> subprocess.Popen:
    """git running in the background, writing into the given files (and reading `stdin`, a
    file); see `failure` for its end."""
    try:
        return subprocess.Popen(
            ["git", "-C", str(root), *args], stdin=stdin if stdin is not None else subprocess.DEVNULL,
            stdout=stdout, stderr=stderr, env=git_env()
        )
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise _not_started(exc, root) from exc


def git(root: Path | str, *args: str, input: bytes | None = None, check: bool = True) -> bytes:
    result = run(root, *args, input=input)
    if check and result.returncode != 0:
        # not stdout: a failed `git log` may have printed messages, and messages hold names
        raise failure(args, result.returncode, result.stderr)
    return result.stdout


def read(cwd: Path | str, *args: str, stdin: bytes | None = None) -> bytes:
    """git's stdout for reading history; paths in it unquoted (`core.quotePath=false`), as
    the parsers of the history gate expect."""
    return git(cwd, "-c", "core.quotePath=false", *args, input=stdin)


def commits_and_parents(listing: bytes) -> tuple[list[str], dict[str, list[str]]]:
    """(commit ids in listed order; each commit's parents, first parent first) from the output
    of `git rev-list --parents`."""
    commits: list[str] = []
    parents: dict[str, list[str]] = {}
    for line in listing.decode().splitlines():
        ids = line.split()
        if ids:
            commits.append(ids[0])
            parents[ids[0]] = ids[1:]
    return commits, parents


def unquote_path(path: str) -> str:
    """A path as git prints it in text output, unquoted. Even with `core.quotePath=false` git
    C-quotes a path that holds a `"`, a backslash or a control character; the escapes stand
    for bytes and the letters beside them are UTF-8 already, so the unquoting works on bytes
    (read as Latin-1, `brief "Zoë".txt` came back as `brief "Zo\\udceb".txt`)."""
    if len(path) < 2 or not (path.startswith('"') and path.endswith('"')):
        return path
    import codecs

    return codecs.escape_decode(path[1:-1].encode("utf-8", "surrogateescape"))[0].decode("utf-8", "surrogateescape")


_QUOTED = re.compile(r'["\\\x00-\x1f\x7f]')


def git_quotes(path: str) -> bool:
    """Does git print this path C-quoted (see `unquote_path`), even with `core.quotePath=false`?"""
    return bool(_QUOTED.search(path))


def git_ok(root: Path, *args: str) -> bool:
    return run(root, *args).returncode == 0


def git_text(root: Path, *args: str) -> str:
    return git(root, *args).decode("utf-8", "surrogateescape").strip()


def git_dir(root: Path) -> Path:
    """The repository's common git directory (the same for every worktree).

    A purge asks this some fifty times; each `git rev-parse` costs a few milliseconds of a
    core it shares with the history reads. The common case, the top of a clone whose `.git`
    is the repository itself, is told from the files: a `.git` folder holding `HEAD` and no
    `commondir` (git's mark of a worktree's own folder), with no GIT_DIR or GIT_COMMON_DIR
    set (a hook's). Anything else (a worktree, a bare repository, a subfolder) asks git."""
    if not (os.environ.keys() & {"GIT_DIR", "GIT_COMMON_DIR"}):
        own = Path(root) / ".git"
        if (own / "HEAD").is_file() and not (own / "commondir").exists():
            return own.resolve()
    path = Path(git_text(root, "rev-parse", "--git-common-dir"))
    return path if path.is_absolute() else (root / path).resolve()


def is_git_repository(root: Path) -> bool:
    return git_ok(root, "rev-parse", "--git-dir")




def _run(root: Path, *args: str) -> str:
    """git's stdout as text, git started in `root` itself.

    stdout counts as git's words on failure: `git commit` reports "nothing to commit" there.
    """
    result = run(root, *args)
    if result.returncode != 0:
        raise failure(args, result.returncode, result.stderr, result.stdout)
    return result.stdout.decode("utf-8", "replace")


def repository(root: Path | str) -> gitpython.Repo | None:
    """The repository holding `root` (searching upwards), or None outside git; in-process."""
    try:
        return gitpython.Repo(str(root), search_parent_directories=True)
    except (gitpython.InvalidGitRepositoryError, gitpython.NoSuchPathError, OSError):
        return None


def work_tree(root: Path) -> Path | None:
    """The top of the git work tree holding `root`, or None outside git or in a bare one."""
    repo = repository(root)
    if repo is None or repo.bare or repo.working_tree_dir is None:
        return None
    return Path(repo.working_tree_dir)


def is_inside_repo(root: Path) -> bool:
    return work_tree(root) is not None


def common_dir(root: Path) -> Path | None:
    """The repository's own folder (`.git`, shared by its worktrees), never copied by a clone.

    Read in-process: `ekc case new` calls this once per id, and a child process costs more
    than the rest of the registration.
    """
    repo = repository(root)
    return Path(repo.common_dir).resolve() if repo is not None else None


def head_commit(root: Path) -> str | None:
    """The commit HEAD names, or None (no repository, or no commit yet); in-process."""
    repo = repository(root)
    try:
        return repo.head.commit.hexsha if repo is not None else None
    except ValueError:  # an unborn branch
        return None


_LOCK_RETRIES = 8  # 0.05 s doubling: about 12 s in all before git's own complaint is shown


def _run_retrying(root: Path, *args: str) -> str:
    """`_run`, retried with backoff while another git holds `index.lock` (an editor's git
    integration, a second clone tool, a git started by hand)."""
    import time

    pause = 0.05
    for attempt in range(_LOCK_RETRIES + 1):
        try:
            return _run(root, *args)
        except GitFailed as exc:
            if "index.lock" not in exc.message or attempt == _LOCK_RETRIES:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 3.0)
    raise AssertionError("unreachable")


def commit_paths(root: Path, paths: Iterable[Path], message: str) -> str:
    """Commit exactly `paths` (added, changed or deleted) and nothing else staged; return the sha.

    Whatever else the user has staged stays staged and out of this commit (`--only`). The
    message is the caller's to check (`ekc.core.identifying.message_problem`). A locked
    index is waited for; the caller unstages the paths if this fails (`unstage`).
    """
    relative = [os.path.relpath(Path(p).resolve(), root.resolve()) for p in paths]
    if not relative:
        raise ValueError("nothing to commit")
    _run_retrying(root, "add", "--all", "--", *relative)
    _run_retrying(root, "commit", "--quiet", "--only", "-m", message, "--", *relative)
    return _run(root, "rev-parse", "HEAD").strip()


def unstage(root: Path, paths: Iterable[Path]) -> None:
    """Put the index entries of `paths` back to HEAD's (best effort: a failure to commit is
    the error worth reporting), so a failed operation leaves nothing staged for the user's
    next `git commit`."""
    relative = [os.path.relpath(Path(p).resolve(), root.resolve()) for p in paths]
    try:
        if head_commit(root) is None:
            _run_retrying(root, "rm", "--cached", "--quiet", "--ignore-unmatch", "--", *relative)
        else:
            _run_retrying(root, "reset", "--quiet", "--", *relative)
    except GitFailed:
        pass


def head_message(root: Path) -> str:
    return _run(root, "log", "-1", "--format=%B").strip()


def stream(root: Path | str, *args: str, stdin: IO[bytes] | None = None) -> subprocess.Popen:
    """git writing into a pipe the caller reads as it comes (one pass over the whole object
    database); the caller waits for it and reads its stderr. `stdin` is a file, not a pipe:
    a pipe written while the output is not yet read would deadlock."""
    try:
        return subprocess.Popen(
            ["git", "-C", str(root), *args], stdin=stdin if stdin is not None else subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, env=git_env(), bufsize=1 << 20,
        )
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise _not_started(exc, root) from exc


def object_contents(
    root: Path | str, ids: Iterable[str], env: dict[str, str] | None = None, kind: bytes | None = None
) -> dict[str, bytes]:
    """The bytes of each object id, through one `cat-file --batch`; missing ones (and, with
    `kind`, objects of another type) left out.

    `env` adds variables, such as the object folder a rewrite in progress writes into.
    """
    ids = list(dict.fromkeys(ids))
    if not ids:
        return {}
    done = run(root, "cat-file", "--batch", input=("\n".join(ids) + "\n").encode(), env=env)
    if done.returncode != 0:
        raise failure(("cat-file", "--batch"), done.returncode, done.stderr)
    out, contents, position = done.stdout, {}, 0
    for sha in ids:
        header_end = out.index(b"\n", position)
        header = out[position:header_end].split()
        if len(header) < 3 or header[1] == b"missing":
            position = header_end + 1
            continue
        size = int(header[2])
        if kind is None or header[1] == kind:
            contents[sha] = out[header_end + 1 : header_end + 1 + size]
        position = header_end + 1 + size + 1
    return contents
