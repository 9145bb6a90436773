"""What the remote's host must do after a purge, in its own words.

A force-push replaces the refs on a hosted remote, but GitHub, GitLab and Gitea/Forgejo keep
the old objects (and their own refs: pull/merge-request heads, cached views) until someone
with rights there acts. Only the host's own procedure removes them, so `ekc purge --push`
prints it and writes it to `.git/ekc/` for the person who has to file it:

- GitLab: "Repository cleanup" takes the old -> new commit map (uploaded in parts of at most
  20,000 lines), then "Prune unreachable objects";
- GitHub: a support request naming the first changed commits and the pull-request refs;
- Gitea/Forgejo: the administrator's garbage collection with `gc.pruneExpire=now`;
- a bare repository we run ourselves: `ekc hook install` cleans it on the push (or
  `ekc hook clean`).
Every other configured remote still holds the old history, and is named.

Pure: `plan` turns ids and URLs into text and file contents; `instructions` writes the
files. Only commit ids, ref names, remote names and URLs without credentials appear: no
path, message or content, so nothing personal.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HOSTS = ("github", "gitlab", "gitea", "self", "other")
CHOICES = ("github", "gitlab", "gitea", "forgejo", "plain")  # what `--host` takes (plus self, other)
ALIASES = {"forgejo": "gitea", "plain": "self"}  # plain: a bare repository on a server of our own
MAP_LINES = 20_000  # GitLab's repository cleanup takes a commit map of at most this many lines
FIRST_COMMITS = 25  # how many changed commits the GitHub request lists
OUT_FOLDER = "ekc"  # under the git directory


@dataclass(frozen=True)
class Remote:
    name: str
    url: str


def safe_url(url: str) -> str:
    """The URL without user name or password (`https://user:token@host/...`)."""
    if "://" in url:
        parts = urlsplit(url)
        host = parts.hostname or ""
        netloc = host + (f":{parts.port}" if parts.port else "")
        return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
    return re.sub(r"^[^@/]+@", "", url)  # scp-like `git@host:org/repo.git`


def host_name(url: str) -> str:
    if "://" in url:
        return (urlsplit(url).hostname or "").lower()
    match = re.match(r"^(?:[^@/]+@)?([^:/]+):", url)  # scp-like
    return match.group(1).lower() if match else ""


def recognise(url: str, host: str | None = None) -> str:
    """github | gitlab | gitea (Forgejo too) | self (a path or file:// URL) | other."""
    if host:
        chosen = host.lower()
        chosen = ALIASES.get(chosen, chosen)
        if chosen not in HOSTS:
            raise ValueError(f"--host {host}: one of {', '.join(CHOICES)}")
        return chosen
    if url.startswith("file://") or url.startswith("/") or url.startswith("."):
        return "self"
    name = host_name(url)
    if name == "github.com" or name.endswith(".github.com") or name.startswith("github."):
        return "github"
    if name == "gitlab.com" or "gitlab" in name.split(".")[0]:
        return "gitlab"
    if name in ("codeberg.org",) or any(word in name for word in ("gitea", "forgejo")):
        return "gitea"
    return "other"


def local_path(url: str) -> Path | None:
    """The folder of a remote on this machine (a path or a file:// URL), else None."""
    if url.startswith("file://"):
        return Path(urlsplit(url).path)
    if url.startswith(("/", ".")):
        return Path(url)
    return None


def hook_installed(url: str) -> bool | None:
    """Whether `ekc hook install` put its cleaner into the remote: True/False when the remote
    is a folder on this machine, None when it cannot be seen from here."""
    folder = local_path(url)
    if folder is None:
        return None
    for base in (folder, folder / ".git"):
        for hook in (base / "hooks" / "post-receive", base / "hooks" / "post-receive.d" / "ekc"):
            try:
                if "ekc hook post-receive" in hook.read_text(encoding="utf-8", errors="replace"):
                    return True
            except OSError:
                continue
    return False


def changed(old_to_new: dict[str, str]) -> list[str]:
    """Old ids of commits the purge changed, in the map's order (oldest first)."""
    return [old for old, new in old_to_new.items() if old != new]


def gitlab_maps(old_to_new: dict[str, str]) -> list[str]:
    """The commit map in GitLab's format (git-filter-repo's `commit-map`: a header, then
    "old new" a line; a removed commit maps to zeros), split at MAP_LINES lines a file."""
    header = "old new"
    lines = [f"{old} {new}" for old, new in old_to_new.items() if old != new]
    size = MAP_LINES - 1
    return ["\n".join([header, *lines[i:i + size]]) + "\n" for i in range(0, len(lines), size)] or [header + "\n"]


def plan(remote: Remote, old_to_new: dict[str, str], other_remotes: list[Remote],
         host: str | None = None, pull_refs: list[str] | tuple[str, ...] = (),
         hooked: bool | None = None) -> tuple[str, dict[str, str]]:
    """(text to print, {file name: content}) for the remote the purge pushed to. `hooked`:
    whether the remote (a bare repository of our own) runs `ekc hook install`'s cleaner,
    None when that cannot be seen from here."""
    kind = recognise(remote.url, host)
    url = safe_url(remote.url)
    olds = changed(old_to_new)
    files: dict[str, str] = {}
    lines = [f"The purge was pushed to {remote.name} ({url}); {len(olds)} commits changed."]
    if kind == "gitlab":
        maps = gitlab_maps(old_to_new)
        names = [f"gitlab-commit-map-{n:03d}.txt" for n in range(1, len(maps) + 1)]
        files.update(zip(names, maps))
        lines += [
            "GitLab keeps the old commits until its repository cleanup runs. Someone with the Maintainer role:",
            "  1. Settings > Repository > Repository cleanup: upload, one at a time and in this order,"
            f" {', '.join(names)} (at most {MAP_LINES:,} lines each), and start the cleanup after each;",
            "  2. Settings > General > Advanced > Housekeeping: \"Prune unreachable objects\".",
            "  Merge-request refs that point at old commits are removed by the cleanup.",
        ]
    elif kind == "github":
        first = olds[:FIRST_COMMITS]
        request = [
            "Subject: Remove sensitive data: unreachable commits and cached views",
            "",
            f"Repository: {url}",
            "We rewrote this repository's history to remove personal data and force-pushed it.",
            "Please remove the old commits from your storage and caches, run garbage collection,",
            "and remove the cached views of these commits and pull requests.",
            "",
            f"First changed commits ({len(first)} of {len(olds)}):",
            *[f"  {c}" for c in first],
            "",
            "Pull-request refs that may still reach old commits:" if pull_refs else "Pull requests: none known to this clone.",
            *[f"  {r}" for r in pull_refs],
        ]
        files["github-support-request.txt"] = "\n".join(request) + "\n"
        lines += [
            "GitHub keeps old commits (reachable by id, in pull requests and forks) until its support removes them.",
            "  Send github-support-request.txt through https://support.github.com/contact",
            "  (\"Remove sensitive data\"); close or delete pull requests that hold old commits first.",
        ]
    elif kind == "gitea":
        lines += [
            "Gitea/Forgejo keep unreachable objects for two weeks. The server's administrator:",
            "  on the server, in the repository's folder (e.g. <gitea data>/repositories/<owner>/<repo>.git):",
            "    git for-each-ref refs/pull   # delete pull-request refs that reach old commits",
            "    git -c gc.pruneExpire=now reflog expire --expire=now --all",
            "    git -c gc.pruneExpire=now gc --prune=now",
            "  or set [git.config] gc.pruneExpire = now in app.ini and run",
            "  Site Administration > Maintenance > \"Run garbage collection on repositories\";",
            "  then `ekc hook install` into hooks/pre-receive.d and post-receive.d keeps it so.",
        ]
    elif kind == "self" and hooked:
        lines += [
            "A repository of our own with `ekc hook install`: nothing to do. Its cleaner removed the old objects",
            "on the push (see the remote: lines above).",
        ]
    elif kind == "self" and hooked is False:
        lines += [
            "A repository of our own without `ekc hook install`: it still serves the old commits by id. There, run",
            "  ekc hook install <repository>   # the gate against stale clones, and the cleaner for the next purge",
            "  ekc hook clean <repository>     # removes the old objects now and proves it",
        ]
    elif kind == "self":
        lines += [
            "A repository on our own server: with `ekc hook install` its cleaner has already removed the old",
            "objects (see the remote: lines above); without it, run `ekc hook install <repository>` and",
            "`ekc hook clean <repository>` there.",
        ]
    else:
        lines += [
            "Unknown host: ask its administrator to delete refs that reach old commits, expire reflogs",
            "and run `git gc --prune=now` (or `ekc hook clean`), so old commits cannot be fetched by id.",
        ]
    for other in other_remotes:
        # Not `ekc purge --push` (its refs differ from this clone's) and never `ekc sync` (it would
        # fetch the old history back): overwrite that copy's refs with the purged ones, then clean it.
        lines.append(
            f"Remote {other.name} ({safe_url(other.url)}) still holds the old history: overwrite it with the purged "
            f"one (`git push --force --prune {other.name} 'refs/heads/*:refs/heads/*' 'refs/tags/*:refs/tags/*' "
            f"'refs/notes/*:refs/notes/*'`), then clean it (`ekc hook clean` on that server), or delete that copy. "
            f"Do not run `ekc sync {other.name}` before that: it would fetch the old history back."
        )
    text = "\n".join(lines) + "\n"
    files["host-instructions.txt"] = text
    return text, files


def instructions(remote_url: str, old_to_new_commit_map: dict[str, str], other_remotes: dict[str, str] | list[Remote],
                 host: str | None = None, *, git_dir: Path | None = None, remote_name: str = "origin",
                 pull_refs: list[str] | tuple[str, ...] = (),
                 redact: Callable[[str], str] | None = None) -> tuple[str, list[Path]]:
    """What `ekc purge --push` prints after its push, and the files it leaves under
    `<git_dir>/ekc/` for the person who files the request (text, written paths).
    `git_dir` defaults to the repository of the current folder; `redact` (the purge's
    `Needles.redact`) is applied to everything printed or written."""
    if git_dir is None:
        from ekc.store.git import git_dir as find_git_dir

        git_dir = find_git_dir(Path.cwd())
    others = [Remote(n, u) for n, u in other_remotes.items()] if isinstance(other_remotes, dict) else list(other_remotes)
    text, files = plan(Remote(remote_name, remote_url), old_to_new_commit_map, others, host, pull_refs,
                       hook_installed(remote_url))
    if redact is not None:
        text, files = redact(text), {name: redact(content) for name, content in files.items()}
    folder = Path(git_dir) / OUT_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("gitlab-commit-map-*.txt"):  # an earlier purge's parts
        stale.unlink(missing_ok=True)
    written = []
    for name, content in files.items():
        path = folder / name
        path.write_text(content, encoding="utf-8")
        written.append(path)
    return text, written
