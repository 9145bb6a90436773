"""Does this clone still hold purged data? The cheap question every command asks.

Only when the purge log names blob or commit ids (DATA-FORMAT.md): then one
`git cat-file --batch-check` over those ids, reachable or not. No content is read.
"""

from __future__ import annotations

from pathlib import Path

from ekc.core.errors import EkcError as GitFailed  # the git layer's GitFailed is one; imported late

WARNING = "this clone still holds purged data: run `ekc sync`"


def known_log(root: Path):
    """The working tree's purge log, plus the remote default branch's once fetched."""
    from ekc.guard import logged as logged_ids

    log = logged_ids.from_file(root / logged_ids.PURGE_LOG)
    log.add(logged_ids.at(root, "refs/remotes/origin/HEAD"))
    return log


def held(root: Path, log=None) -> set[str]:
    """The logged blob and commit ids this clone can still read."""
    from ekc.guard import logged as logged_ids

    log = log if log is not None else known_log(root)
    return logged_ids.present(root, sorted(log.ids())) if log.ids() else set()


def _git_folder(root: Path) -> Path | None:
    for folder in [root, *root.parents]:
        candidate = folder / ".git"
        if candidate.is_dir():
            return candidate
        if candidate.is_file():  # a worktree: "gitdir: <path>"
            text = candidate.read_text(errors="replace").strip()
            if text.startswith("gitdir:"):
                own = (folder / text[len("gitdir:"):].strip()).resolve()
                common = own / "commondir"
                return (own / common.read_text().strip()).resolve() if common.is_file() else own
    return None


def _stamp(root: Path, gdir: Path) -> str:
    """What changes when the answer can: the purge log, fetched or deleted refs (git
    renames ref files into place, so their folders' times move), new or pruned packs."""
    parts = []
    for path in [root / "purge-log.yaml", gdir / "packed-refs", gdir / "refs" / "remotes", gdir / "objects" / "pack",
                 *sorted((gdir / "refs" / "remotes").glob("*"))]:
        try:
            info = path.stat()
            parts.append(f"{path.name}:{info.st_mtime_ns}:{info.st_size}")
        except OSError:
            parts.append(f"{path.name}:-")
    return "|".join(parts)


def warning(root: Path) -> str | None:
    """The one-line warning, or None; never fails a command (no git, no repository).

    Every command calls this, so the answer is kept in .git/ekc-stale-check under a stamp
    of a few file times: an unchanged clone costs four `stat` calls and no git at all.
    """
    try:
        gdir = _git_folder(root.resolve())
        if gdir is None:
            return None
        cache = gdir / "ekc-stale-check"  # beside .git/ekc/, whose files belong to the purge
        stamp = _stamp(root, gdir)
        if cache.is_file():
            kept, _, answer = cache.read_text().partition("\n")
            if kept == stamp:
                return WARNING if answer == "stale" else None
        log = known_log(root)
        stale = bool(log.ids()) and bool(held(root, log))
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(f"{stamp}\n{'stale' if stale else 'clean'}")
        return WARNING if stale else None
    except (GitFailed, OSError):
        return None
