"""`ekc sync`: bring this clone up to date with the shared repository, and after a purge
elsewhere, onto the new history with nothing of the old left behind.

A purge rewrites history on one clone and the server; every other clone still holds the
purged data (old branches, stash, notes, reflogs, COMMIT_EDITMSG, rerere records, loose
objects) and would push it back. "Make a fresh clone" is the advice people skip, so this
does what a fresh clone would, keeping the person's own clean work:

- local commits whose change brings in no logged path, blob or commit are carried over
  onto the remote's new history (cherry-picked in a scratch worktree, so the person's work
  tree is touched once, at the end);
- commits that do, stash entries and notes are dropped and listed by id and case id,
  never by content (a clean stash entry is saved as a patch under .git/ekc/ first);
- every other ref reaching old history, the reflogs, COMMIT_EDITMSG, MERGE_MSG, rr-cache,
  ORIG_HEAD, FETCH_HEAD and every old object go (`reflog expire`, `gc --prune=now`);
- then the proof: none of the logged ids can be read.

Without a purge to apply it is `pull --rebase` and `push`, explaining in plain words when
two people changed the same case.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ekc.core.errors import Refused, UsageProblem
from ekc.guard import logged as logged_ids
from ekc.store.git import GitFailed, git_dir, object_contents, run
from ekc.store.git import read as git

STASH_HOLD = "refs/ekc-sync/stash-"  # a carried-over stash entry while the old history is removed
CASE_IN_PATH = re.compile(r"cases/\d{4}/([^/]+)/")
LEFTOVERS = ("COMMIT_EDITMSG", "MERGE_MSG", "SQUASH_MSG", "ORIG_HEAD", "FETCH_HEAD", "MERGE_HEAD",
             "CHERRY_PICK_HEAD", "REVERT_HEAD", "AUTO_MERGE", "rr-cache", "logs")


@dataclass
class Dropped:
    what: str  # "commit abc123 on branch x" / "stash@{0}" / "refs/notes/commits"
    cases: list[str]


@dataclass
class SyncResult:
    purge_applied: bool = False
    carried: dict[str, int] = field(default_factory=dict)  # branch -> commits carried over
    dropped: list[Dropped] = field(default_factory=list)
    deleted_refs: list[str] = field(default_factory=list)
    saved: list[str] = field(default_factory=list)  # patch files of clean stash entries / unplaced work
    still_held: list[str] = field(default_factory=list)
    conflict_cases: list[str] = field(default_factory=list)
    conflict_branches: list[str] = field(default_factory=list)
    stashes_carried: int = 0
    pushed: str | None = None
    logged: int = 0

    @property
    def needs_a_person(self) -> bool:
        return bool(self.conflict_cases or self.conflict_branches or self.still_held)


def _ok(root: Path, *args: str) -> bool:
    return run(root, *args).returncode == 0


def _text(root: Path, *args: str) -> str:
    return git(root, *args).decode("utf-8", "replace").strip()


def _refs(root: Path, *patterns: str) -> dict[str, str]:
    out = _text(root, "for-each-ref", "--format=%(refname) %(objectname)", *patterns)
    return dict(line.split(" ", 1) for line in out.splitlines() if " " in line)


def default_branch(root: Path, remote: str) -> str:
    """The remote's default branch name, as the remote says (one ls-remote)."""
    out = _text(root, "ls-remote", "--symref", remote, "HEAD")
    match = re.search(r"^ref: refs/heads/(\S+)\s+HEAD", out, re.M)
    return match.group(1) if match else "main"


def _quiet(step: str) -> None:
    pass


def sync(root: Path, remote: str = "origin", step: Callable[[str], None] = _quiet) -> SyncResult:
    """`step` hears what is being done, in words without names (the CLI's progress line)."""
    top = Path(_text(root, "rev-parse", "--show-toplevel"))
    if not _ok(top, "remote", "get-url", remote):
        raise UsageProblem(f"there is no remote called {remote!r} in this clone (git remote -v shows them)")
    if _text(top, "status", "--porcelain", "--untracked-files=no"):
        raise Refused("this clone has uncommitted changes: commit them first (ekc sync checks and carries commits over), then run ekc sync again")
    before = _refs(top, f"refs/remotes/{remote}/")
    tags_before = _refs(top, "refs/tags/")
    # what this clone already purged: a remote that still has it is a stale copy (an
    # off-site backup not yet overwritten), and must not bring it back
    own = logged_ids.from_file(top / logged_ids.PURGE_LOG)
    clean_before = not (own.ids() and logged_ids.present(top, sorted(own.ids())))
    step(f"fetching from {remote}")
    branch = default_branch(top, remote)
    git(top, "fetch", "--quiet", "--prune", remote, f"+refs/heads/*:refs/remotes/{remote}/*")
    # tags apart: --prune with a tag refspec would delete the person's own tags
    git(top, "fetch", "--quiet", "--force", remote, "+refs/tags/*:refs/tags/*")
    _text(top, "symbolic-ref", f"refs/remotes/{remote}/HEAD", f"refs/remotes/{remote}/{branch}")
    base = f"refs/remotes/{remote}/{branch}"
    log = logged_ids.Logged()
    log.add(logged_ids.at(top, base))
    log.add(logged_ids.from_file(top / logged_ids.PURGE_LOG))
    held = logged_ids.present(top, sorted(log.ids())) if log.ids() else set()
    from ekc.purge import history_cache

    # a kept history log that names a purged blob is the old history's, whichever way this
    # clone left it (by hand: fetched, reset, expired, gc): its paths may name the family
    history_cache.remove_if_naming(top, log.blobs)
    if held and own.ids() and clean_before and held & set(own.ids()):
        _forget_stale_fetch(top, remote, before, tags_before)
        raise Refused(
            f"{remote} still holds history that a purge removed ({len(held & set(own.ids()))} purged ids): "
            f"syncing would bring it back, so nothing was taken. Overwrite that copy with the purged history "
            f"(git push --force --prune {remote} 'refs/heads/*:refs/heads/*' 'refs/tags/*:refs/tags/*' "
            f"'refs/notes/*:refs/notes/*'), clean it (`ekc hook clean` on its server), then sync again"
        )
    if held:
        result = move_to_new_history(top, remote, branch, log, old_remote_tips=list(before.values()), step=step)
        result.logged = len(log.ids())
        return result
    return ordinary(top, remote, branch, step)


def _forget_stale_fetch(top: Path, remote: str, before: dict[str, str], tags_before: dict[str, str]) -> None:
    """Undo a fetch from a stale copy: its refs as they were, its objects pruned at once."""
    commands = [f"delete {name}\n" for name in _refs(top, f"refs/remotes/{remote}/") if name not in before]
    commands += [f"update {name} {oid}\n" for name, oid in before.items()]
    commands += [f"delete {name}\n" for name in _refs(top, "refs/tags/") if name not in tags_before]
    commands += [f"update {name} {oid}\n" for name, oid in tags_before.items()]
    git(top, "update-ref", "--no-deref", "--stdin", stdin="".join(commands).encode())
    (git_dir(top) / "FETCH_HEAD").unlink(missing_ok=True)
    git(top, "reflog", "expire", "--expire=now", "--expire-unreachable=now", "--all")
    git(top, "-c", "gc.pruneExpire=now", "gc", "--quiet", "--prune=now")


# -- the ordinary sync --------------------------------------------------------------------

def ordinary(top: Path, remote: str, default: str, step: Callable[[str], None] = _quiet) -> SyncResult:
    result = SyncResult()
    current = _text(top, "symbolic-ref", "--quiet", "--short", "HEAD") if _ok(top, "symbolic-ref", "-q", "HEAD") else None
    if current is None:
        raise Refused("HEAD is detached: check out a branch, then run ekc sync")
    upstream = current if _ok(top, "rev-parse", "--verify", "-q", f"refs/remotes/{remote}/{current}") else default
    target = f"refs/remotes/{remote}/{upstream}"
    if _ok(top, "rev-parse", "--verify", "-q", target):
        step("putting your commits on top (rebase)")
        done = run(top, "rebase", "--quiet", target)
        if done.returncode != 0:
            conflicted = _text(top, "diff", "--name-only", "--diff-filter=U").splitlines()
            run(top, "rebase", "--abort")
            result.conflict_cases = sorted({m.group(1) for p in conflicted if (m := CASE_IN_PATH.match(p))}) or ["(files outside cases/)"]
            return result
    # pushed under its own name: a new local branch becomes a new branch on the remote
    theirs = f"refs/remotes/{remote}/{current}"
    ahead = _text(top, "rev-list", "--count", f"{theirs}..HEAD") if _ok(top, "rev-parse", "--verify", "-q", theirs) else "1"
    if ahead != "0":
        step(f"pushing to {remote}")
        git(top, "push", "--quiet", remote, f"HEAD:refs/heads/{current}")
        result.pushed = current
    return result


# -- onto the new history -----------------------------------------------------------------

def _introduced(top: Path, commits: list[str], log: logged_ids.Logged) -> dict[str, set[str]]:
    """commit -> the cases whose logged data its own change brings in (against its first
    parent): a logged path or blob added or changed, or the commit itself logged."""
    found: dict[str, set[str]] = {c: set() for c in commits}
    for commit in commits:
        if commit in log.commits:
            found[commit].add(log.commits[commit])
    if not commits:
        return found
    out = git(top, "diff-tree", "--stdin", "-r", "--root", "-m", "--no-renames", "--raw", "--no-abbrev",
              stdin="".join(f"{c}\n" for c in commits).encode())
    current = None
    for line in out.decode("utf-8", "replace").splitlines():
        if line.startswith(":") and current:
            meta, _, path = line.partition("\t")
            new_blob = meta.split()[3]
            if new_blob in log.blobs:
                found[current].add(log.blobs[new_blob])
            elif path in log.paths and meta.split()[4] != "D":
                found[current].add(log.paths[path])
        elif line.strip():
            first = line.split()[0]
            current = first if first in found else current
    return found


def _cases_of(cases: set[str]) -> list[str]:
    return sorted(cases)


def purged_needles(top: Path, log: logged_ids.Logged, kept_at: str | None = None):
    """The purged persons' strings, read from the purged files this clone still holds (the
    purge log names ids, never a name): what the report must not print, since a ref or
    branch name of the old history may be a family's name (`zaak-<surname>`).

    `kept_at`: the new history's tip. A name part that is also a word of the data that
    stays there (a kept family with the same surname, a coordinator Jansen) is matched only
    inside the full name, as the purge itself matched it (purge/plan.kept_words):
    otherwise the proof would call the kept family's file, which the server and every
    fresh clone hold too, purged data."""
    from ekc.core.identifying import Needles, PersonalStrings
    from ekc.purge.plan import strings_of_version

    strings = PersonalStrings()
    held = logged_ids.present(top, sorted(log.blobs)) if log.blobs else set()
    for raw in object_contents(top, sorted(held)).values():
        strings.update(strings_of_version(raw))
    return Needles(strings, _kept_words_at(top, kept_at) if kept_at else frozenset())


KEPT_FILES = ("personal.yaml", "coordinators.yaml", "municipalities.yaml")


def _kept_words_at(top: Path, rev: str) -> set[str]:
    """Every word of the files that stay in `rev` (coordinators.yaml, municipalities.yaml,
    each personal.yaml the purge kept): one `ls-tree` and one `cat-file --batch`; the
    purge's rule (purge/plan.kept_words: values, not comments)."""
    from ekc.purge.plan import kept_words

    listing = git(top, "ls-tree", "-r", "-z", "--full-tree", rev).split(b"\0")
    blobs = {}
    for entry in listing:
        meta, _, path = entry.partition(b"\t")
        parts = meta.split()
        name = path.decode("utf-8", "surrogateescape")
        if len(parts) == 3 and parts[1] == b"blob" and name.rsplit("/", 1)[-1] in KEPT_FILES:
            blobs[parts[2].decode()] = name
    contents = object_contents(top, list(blobs), kind=b"blob")
    return kept_words((blobs[sha], raw) for sha, raw in contents.items())


def _redact(result: SyncResult, needles) -> None:
    """Ref and branch names as printed, with a purged person's strings as ***."""
    result.carried = {needles.redact(k): v for k, v in result.carried.items()}
    result.dropped = [Dropped(needles.redact(d.what), d.cases) for d in result.dropped]
    result.deleted_refs = [needles.redact(r) for r in result.deleted_refs]
    result.conflict_branches = [needles.redact(b) for b in result.conflict_branches]


def move_to_new_history(top: Path, remote: str, default: str, log: logged_ids.Logged, old_remote_tips: list[str],
                        step: Callable[[str], None] = _quiet) -> SyncResult:
    from ekc.purge import history_cache

    result = SyncResult(purge_applied=True)
    # a purge's log of this clone's history (`ekc purge` ran here once) names paths the purge
    # elsewhere removed: the next purge here walks the new history instead
    history_cache.remove(top)
    needles = purged_needles(top, log, kept_at=f"refs/remotes/{remote}/{default}")
    gdir = git_dir(top)
    saved = gdir / "ekc" / "sync-saved"
    new_remote = _refs(top, f"refs/remotes/{remote}/")
    new_tips = [oid for name, oid in new_remote.items() if not name.endswith("/HEAD")]
    exclude = [f"^{t}" for t in [*old_remote_tips, *new_tips]]
    current = _text(top, "symbolic-ref", "--quiet", "HEAD") if _ok(top, "symbolic-ref", "-q", "HEAD") else None

    # 1. branches: carry clean own commits over, drop the rest
    scratch = Path(tempfile.mkdtemp(prefix="ekc-sync-"))
    worktree = scratch / "work"
    try:
        branches = sorted(_refs(top, "refs/heads/").items())
        for number, (name, tip) in enumerate(branches, 1):
            step(f"moving your branches onto the new history ({number} of {len(branches)})")  # no names: a branch may be named after a family
            short = name[len("refs/heads/"):]
            upstream = f"refs/remotes/{remote}/{short}" if f"refs/remotes/{remote}/{short}" in new_remote else f"refs/remotes/{remote}/{default}"
            own = _text(top, "rev-list", "--reverse", "--no-merges", tip, *exclude).split()
            introduced = _introduced(top, own, log)
            clean = [c for c in own if not introduced[c]]
            for commit in own:
                if introduced[commit]:
                    result.dropped.append(Dropped(f"commit {commit[:10]} on branch {short}", _cases_of(introduced[commit])))
            new_base = _text(top, "rev-parse", upstream)
            if not clean:
                if f"refs/remotes/{remote}/{short}" in new_remote or name == current:
                    git(top, "update-ref", name, new_base)
                    result.carried[short] = 0
                else:
                    git(top, "update-ref", "-d", name)
                    result.deleted_refs.append(name)
                continue
            if not worktree.exists():
                git(top, "worktree", "add", "--quiet", "--detach", str(worktree), new_base)
            else:
                git(worktree, "checkout", "--quiet", "--detach", new_base)
            picked = run(worktree, "-c", "core.hooksPath=/dev/null", "cherry-pick", "--allow-empty", "--keep-redundant-commits", *clean)
            if picked.returncode != 0:
                run(worktree, "cherry-pick", "--abort")
                folder = saved / short.replace("/", "-")
                folder.mkdir(parents=True, exist_ok=True)
                for n, commit in enumerate(clean, 1):
                    (folder / f"{n:04d}.patch").write_bytes(git(top, "format-patch", "--stdout", "-1", commit))
                result.saved.append(str(folder))
                result.conflict_branches.append(short)
                git(top, "update-ref", name, new_base)
                continue
            git(top, "update-ref", name, _text(worktree, "rev-parse", "HEAD"))
            result.carried[short] = len(clean)
    finally:
        if worktree.exists():
            run(top, "worktree", "remove", "--force", str(worktree))
        run(top, "worktree", "prune")
        shutil.rmtree(scratch, ignore_errors=True)

    # 2. stash: an entry holding purged data goes; a clean one is made again on the new
    # history (its change applied to the remote's default branch); if it no longer fits, it
    # is kept as a patch
    step("checking the stash")
    stashes = _text(top, "stash", "list", "--format=%H").split() if _ok(top, "rev-parse", "-q", "--verify", "refs/stash") else []
    carried_stashes: list[tuple[str, str]] = []  # (new stash commit, message), newest first
    for n, stash in enumerate(stashes):
        hits = logged_ids.scan_objects(top, [stash], log, exclude_existing=False, exclude=[f"{stash}^1"])
        cases = {h.case for h in hits}
        if not cases:
            patch_bytes = git(top, "diff", "--binary", f"{stash}^1", stash)
            remade = _remake_stash(top, f"refs/remotes/{remote}/{default}", patch_bytes)
            if remade:
                carried_stashes.append((remade, f"carried over by ekc sync (was {stash[:10]})"))
                continue
            saved.mkdir(parents=True, exist_ok=True)
            patch = saved / f"stash-{n}.patch"
            patch.write_bytes(patch_bytes)
            result.saved.append(str(patch))
        result.dropped.append(Dropped(f"stash@{{{n}}} {stash[:10]}", _cases_of(cases)))
    if stashes:
        git(top, "update-ref", "-d", "refs/stash")
    # held by refs of their own through the gc below (it expires every reflog, the stash's too)
    for n, (commit, _) in enumerate(carried_stashes):
        git(top, "update-ref", f"{STASH_HOLD}{n}", commit)
    result.stashes_carried = len(carried_stashes)

    # 3. notes: dropped, then the remote's own notes fetched again
    step("replacing the notes")
    for name, oid in sorted(_refs(top, "refs/notes/").items()):
        hits = logged_ids.scan_objects(top, [oid], log, exclude_existing=False)
        git(top, "update-ref", "-d", name)
        result.dropped.append(Dropped(name, _cases_of({h.case for h in hits})))
    run(top, "fetch", "--quiet", remote, "+refs/notes/*:refs/notes/*")

    # 4. every other ref that still reaches purged data or the old history
    step("removing other refs to the old history")
    clean_base = [_text(top, "rev-parse", f"refs/remotes/{remote}/{default}")]
    fresh = list(_refs(top, f"refs/remotes/{remote}/", "refs/tags/").values())
    for name, oid in sorted(_refs(top).items()):
        if name.startswith(("refs/heads/", f"refs/remotes/{remote}/")):
            continue
        local_only = name.startswith("refs/tags/") is False or oid not in fresh
        if logged_ids.scan_objects(top, [oid], log, exclude_existing=False, exclude=clean_base) or (
                local_only and _reaches_old(top, oid, old_remote_tips, new_tips)):
            git(top, "update-ref", "-d", name)
            result.deleted_refs.append(name)

    # 5. the work tree onto the new history, then nothing of the old left
    if current and _ok(top, "rev-parse", "--verify", "-q", current):
        git(top, "checkout", "--quiet", "--force", current[len("refs/heads/"):])
    else:
        git(top, "checkout", "--quiet", "--force", "-B", default, f"refs/remotes/{remote}/{default}")
    for name in LEFTOVERS:
        path = gdir / name
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        elif path.exists():
            path.unlink()
    step("removing every old object (git gc)")
    git(top, "-c", "gc.pruneExpire=now", "-c", "gc.reflogExpire=now", "-c", "gc.reflogExpireUnreachable=now",
        "-c", "gc.autoDetach=false", "-c", "gc.rerereResolved=0", "-c", "gc.rerereUnresolved=0",
        "gc", "--quiet", "--prune=now")
    for n, (commit, message) in reversed(list(enumerate(carried_stashes))):
        git(top, "stash", "store", "-m", message, commit)
        git(top, "update-ref", "-d", f"{STASH_HOLD}{n}")
    step("proving none of the purged ids can be read")
    result.still_held = sorted(logged_ids.present(top, sorted(log.ids())))
    # then the purge's own proof: every object (reachable or not), ref name, identity and
    # file under .git and the work tree, for the purged persons' strings and blob ids
    step("scanning every object, ref and file for what was purged")
    from ekc.purge.proof import prove

    result.still_held += prove(top, needles, set(log.blobs)).remaining
    _redact(result, needles)
    return result


def _remake_stash(top: Path, base: str, patch: bytes) -> str | None:
    """A stash commit of `patch` on `base`, made in a scratch worktree (the person's own work
    tree is untouched); None when the change no longer applies there."""
    scratch = Path(tempfile.mkdtemp(prefix="ekc-sync-stash-"))
    worktree = scratch / "work"
    try:
        git(top, "worktree", "add", "--quiet", "--detach", str(worktree), base)
        if not patch.strip():
            return None
        if run(worktree, "apply", "--index", "--whitespace=nowarn", "-", input=patch).returncode != 0:
            return None
        made = _text(worktree, "stash", "create")
        return made or None
    finally:
        if worktree.exists():
            run(top, "worktree", "remove", "--force", str(worktree))
        run(top, "worktree", "prune")
        shutil.rmtree(scratch, ignore_errors=True)


def _reaches_old(top: Path, oid: str, old_tips: list[str], new_tips: list[str]) -> bool:
    """A ref into the old history (a tag of an old commit holding no logged id itself): it
    would keep old objects alive. Old = in the remote's history before the fetch, and not
    in it after (commits older than the purged file keep their ids and stay)."""
    if not old_tips:
        return False
    commit = run(top, "rev-parse", "--verify", "-q", f"{oid}^{{commit}}")
    if commit.returncode != 0:
        return False
    sha = commit.stdout.decode().strip()
    if any(_ok(top, "merge-base", "--is-ancestor", sha, tip) for tip in new_tips):
        return False
    return any(_ok(top, "merge-base", "--is-ancestor", sha, tip) for tip in old_tips)
