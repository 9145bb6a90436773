"""The server's cleaner: after a purge is pushed, nothing on the server may still hold it.

A purge force-pushes the rewritten history, but the server keeps every old object: a ref
nobody rewrote (`refs/backup/x`, an old pull-request ref) still reaches it, reflogs still
name it, and unreachable objects stay readable by id (`git fetch origin <old-sha>` works
when the server allows any wanted id). So, once the purge log on the default branch names
ids the server can still read, the cleaner:
1. deletes every ref that still reaches a logged blob, commit or path;
2. expires every reflog and prunes unreachable objects at once (`gc --prune=now`);
3. proves it: none of the logged ids can be read any more.

Concurrent pushes (docs/server-cleaner.md): the cleaner takes `ekc-clean.lock` in the git
directory, which the pre-receive gate honours by refusing pushes with "try again in a
minute"; it then waits for pushes already past the gate (their quarantine folders,
`objects/tmp_objdir-incoming-*`) to finish before it prunes, and `git gc` takes git's own
`gc.pid` lock against a second gc. A final `fsck --connectivity-only` says whether any ref
was left pointing at a missing object.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from ekc.guard import logged as logged_ids
from ekc.guard import plumbing
from ekc.store.git import GitFailed, run
from ekc.store.git import read as git

LOCK = "ekc-clean.lock"
WAIT_SECONDS = 60.0


@dataclass
class Cleaned:
    logged: int = 0  # logged blob and commit ids
    readable_before: int = 0
    deleted_refs: list[str] = field(default_factory=list)
    still_readable: list[str] = field(default_factory=list)
    connected: bool = True
    busy: bool = False  # another cleaner holds the lock

    @property
    def ok(self) -> bool:
        return not self.still_readable and self.connected and not self.busy

    def lines(self) -> list[str]:
        """What the pusher reads: ids and ref names only (a ref name is the pusher's own)."""
        if self.busy:
            return ["another clean-up is running on the server; it will finish the job"]
        if not self.readable_before:
            return [f"the server holds none of the {self.logged} purged ids: nothing to clean"]
        out = [f"the server still held {self.readable_before} of {self.logged} purged ids; cleaned:"]
        out += [f"  deleted {ref} (it reached purged data)" for ref in self.deleted_refs]
        out.append("  reflogs expired, unreachable objects pruned (gc --prune=now)")
        if self.still_readable:
            out.append(f"  NOT CLEAN: {len(self.still_readable)} purged ids can still be read: "
                       + ", ".join(i[:10] for i in self.still_readable[:10]))
        else:
            out.append(f"  proof: none of the {self.logged} purged ids can be read or fetched from this server")
        if not self.connected:
            out.append("  a ref points at a missing object (a push during the clean-up?): push it again")
        return out


def git_dir(repo: Path) -> Path:
    path = Path(git(repo, "rev-parse", "--git-dir").decode().strip())
    return path if path.is_absolute() else (repo / path).resolve()


def server_log(repo: Path) -> logged_ids.Logged:
    """The purge log of the default branch (and of every branch: the union only adds)."""
    log = logged_ids.Logged()
    default = logged_ids.default_branch(repo)
    if default:
        log.add(logged_ids.at(repo, default))
    return log


def needs_cleaning(repo: Path, log: logged_ids.Logged | None = None) -> bool:
    """Cheap: one `cat-file --batch-check` over the logged ids."""
    log = log if log is not None else server_log(repo)
    return bool(log) and bool(logged_ids.present(repo, sorted(log.ids())))


def refs_reaching(repo: Path, log: logged_ids.Logged) -> list[str]:
    """Every ref from which a logged id or path can be reached. The default branch is
    checked whole first; every other ref only for what the default branch does not reach."""
    listing = git(repo, "for-each-ref", "--format=%(refname) %(objectname)").decode().split("\n")
    refs = dict(line.split(" ", 1) for line in listing if " " in line)
    default = logged_ids.default_branch(repo)
    dirty = []
    clean_base: list[str] = []
    if default in refs:
        if logged_ids.scan_objects(repo, [refs[default]], log, exclude_existing=False):
            dirty.append(default)
        else:
            clean_base = [refs[default]]
    for name, oid in sorted(refs.items()):
        if name == default:
            continue
        if logged_ids.scan_objects(repo, [oid], log, exclude_existing=False, exclude=clean_base):
            dirty.append(name)
    return dirty


def _quarantines(gdir: Path) -> list[Path]:
    objects = gdir / "objects"
    return [p for p in objects.glob("tmp_objdir-incoming-*")] if objects.is_dir() else []


def clean(repo: Path, wait_seconds: float = WAIT_SECONDS, own_quarantine: str | None = None) -> Cleaned:
    log = server_log(repo)
    ids = sorted(log.ids())
    report = Cleaned(logged=len(ids))
    if not log:
        return report
    report.readable_before = len(logged_ids.present(repo, ids))
    if not report.readable_before and not refs_reaching(repo, log):
        return report
    gdir = git_dir(repo)
    lock = gdir / LOCK
    try:
        descriptor = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        report.busy = True
        return report
    try:
        os.write(descriptor, str(os.getpid()).encode())
        os.close(descriptor)
        deadline = time.monotonic() + wait_seconds
        while [q for q in _quarantines(gdir) if q.name != own_quarantine] and time.monotonic() < deadline:
            time.sleep(0.2)  # pushes already past the gate finish first
        report.deleted_refs = [r for r in refs_reaching(repo, log) if r != logged_ids.default_branch(repo)]
        if report.deleted_refs:
            git(repo, "update-ref", "--stdin", stdin="".join(f"delete {r}\n" for r in report.deleted_refs).encode())
        git(repo, "reflog", "expire", "--expire=now", "--expire-unreachable=now", "--all")
        # -c gc.*: the server's own settings must not keep unreachable objects around
        git(repo, "-c", "gc.pruneExpire=now", "-c", "gc.reflogExpire=now", "-c", "gc.reflogExpireUnreachable=now",
            "-c", "gc.autoDetach=false", "gc", "--quiet", "--prune=now")
        report.still_readable = sorted(logged_ids.present(repo, ids))
        report.connected = run(repo, "fsck", "--connectivity-only", "--no-dangling").returncode == 0
    except GitFailed:
        report.still_readable = sorted(logged_ids.present(repo, ids))
        raise
    finally:
        lock.unlink(missing_ok=True)
    return report


def cleaning_now(repo: Path) -> bool:
    """True while a cleaner holds the lock: the gate then asks the pusher to retry."""
    try:
        return (git_dir(repo) / LOCK).exists()
    except (GitFailed, plumbing.GitFailed):
        return False
