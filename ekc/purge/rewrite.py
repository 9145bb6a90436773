"""The purge of personal data from the files and from all of git history, and its proof.

git-filter-repo does the rewrite, as a child process (its library API has no stability
promise, and its errors are SystemExit). Around it, this module:

- plans: which paths, blobs and commits hold expired personal data, read-only;
- refuses to start when a rewrite could lose work or leave copies behind;
- rewrites only the commits that change (descendants of the first commit that held a
  purged file or whose message names a person): older commits keep their ids anyway, so
  the result equals a rewrite from the root, at a fraction of the cost;
- keeps a journal under .git/ekc/ so an interrupted purge is rolled back (before the purge
  commit) or finished (after it) by the next `ekc purge`, never left half done;
- proves it: every blob a purged path ever had is gone from the object database, every
  other file at every ref is byte-identical, no message names a purged person.
"""

from __future__ import annotations

import contextlib
import os
import pickle

import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path, PurePosixPath
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import re

from ekc.core.errors import Refused
from ekc.core.identifying import Needles, PersonalStrings
from ekc.purge import FOLDER_TREES, forked, history_cache, journal, proof, scan
from ekc.purge import plan as purge_plan
from ekc.store import git as git_layer
from ekc.store.git import git, git_dir, git_env, git_ok, git_text, is_git_repository

KILL_ENV = "EKC_PURGE_KILL_AT"  # tests: die (SIGKILL) at a named point, see _checkpoint
TRACE_ENV = "EKC_PURGE_TRACE"  # bench: print the seconds each step took to stderr
_clock = [0.0]


def trace(step: str) -> None:
    if os.environ.get(TRACE_ENV):
        now = time.perf_counter()
        if _clock[0]:
            print(f"ekc purge trace: {step}: {now - _clock[0]:.2f} s", file=sys.stderr)
        _clock[0] = now


def trace_seconds(step: str, seconds: float) -> None:
    """A figure that is no step of its own (how long the proof ran on after gc ended)."""
    if os.environ.get(TRACE_ENV):
        print(f"ekc purge trace: {step}: {seconds:.2f} s", file=sys.stderr)


_listeners: list[Callable[[str], None]] = []


@contextmanager
def reporting(listener: Callable[[str], None]) -> Iterator[None]:
    """Tell `listener` what the purge is doing now (the CLI shows it as progress on a
    terminal). The labels name steps, never a person, a path or a ref."""
    _listeners.append(listener)
    try:
        yield
    finally:
        _listeners.remove(listener)


def step(label: str) -> None:
    for listener in _listeners:
        listener(label)


RESIDUE_FILES = ("FETCH_HEAD", "ORIG_HEAD", "MERGE_MSG", "SQUASH_MSG", "MERGE_HEAD", "AUTO_MERGE")


# -- the plan ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    case_id: str | None
    closed: date
    due: date
    paths: tuple[str, ...]
    commits: tuple[str, ...] = ()  # commits that added or changed one of its paths
    orphan: bool = False

    @property
    def label(self) -> str:
        """How output names it: a case id, or a count of paths: never a path outside a case folder."""
        return self.case_id or "a personal.yaml outside any case folder"


@dataclass
class Plan:
    targets: list[Target]
    unjudged: list[str]  # case folders whose case.yaml cannot be read: named, not purged, exit 1
    paths: set[str]
    blobs: set[str]  # every version the purged paths had
    drop: set[str]  # of those, the blobs that go wherever they are (not shared with a kept case)
    shared: dict[str, str]  # blob -> a kept personal.yaml path holding it too
    strings: PersonalStrings  # hold names: only in memory and in .git/ekc/purge-work
    kept_words: set[str]
    needles: Needles
    found: proof.ObjectScan  # what the scan before the rewrite found
    ref_renames: dict[str, str]
    ref_deletes: list[str]  # refs (tags) of a purged blob or of a tree holding personal data
    descriptions: list[str]  # branches whose description names a person
    commits_total: int
    path_blobs: dict[str, set[str]] = field(default_factory=dict)
    strings_by_blob: dict[str, PersonalStrings] = field(default_factory=dict)
    # git-filter-repo's --refs: the refs that reach a changed commit and `^<id>` of each untouched
    # parent where the rewrite stops; None: every ref from the root
    rewrite_refs: list[str] | None = None
    commits_rewritten: int = 0
    # scan.folder_trees of the history log, pickled; and every folder holding something the
    # rewrite changes (`_changed_folders`): git-filter-repo is handed any other folder whole
    folder_trees: bytes | None = field(default=None, repr=False)
    changed_folders: set[str] = field(default_factory=set)

    @property
    def empty(self) -> bool:
        return not self.targets and not self.unjudged


def start_reads(root: Path) -> scan.HistoryReads:
    """Start the whole-history reads; the CLI loads the data meanwhile."""
    return scan.start_reads(root)


def plan_purge(root: Path, store, today: date, reads: scan.HistoryReads | None = None, keep_log: bool = False) -> Plan:
    """`keep_log`: a purge, not a dry run; when there is nothing to purge, the history log read
    here is kept for the next one (history_cache)."""
    trace("start")
    reads = reads or scan.start_reads(root)
    expired = {e.case_id: e for e in purge_plan.expired_cases(store, today)}
    history_log = reads.personal.result()
    personal = scan.personal_history(root, history_log)
    trace("plan: personal.yaml history")
    head = scan.head_paths(root)
    live = {purge_plan.folder_of(p) for p in head if purge_plan.CASE_FOLDER_PATH.match(p)}
    assignment = purge_plan.assign(
        list(personal.blobs), personal.renames, {p: date.fromisoformat(d) for p, d in personal.removed_at.items()},
        live, expired, set(store.cases), store.settings.retention_months, today,
    )
    targets = [
        Target(d.case_id, d.closed, d.due, d.paths, tuple(sorted({c for p in d.paths for c in personal.introduced_in[p]})), d.orphan)
        for d in assignment.targets
    ]
    if keep_log and not targets:
        history_cache.write(root, scan.PERSONAL_LOG_OPTIONS, history_log)
    order, parents = git_layer.commits_and_parents(reads.graph.result())
    commits_total = len(order)
    paths = {p for t in targets for p in t.paths}
    blobs = {b for p in paths for b in personal.blobs[p]}
    kept_blobs = {b: p for p in sorted(assignment.kept_paths) for b in personal.blobs[p]}
    shared = {b: kept_blobs[b] for b in sorted(blobs) if b in kept_blobs}
    drop = blobs - set(shared)
    by_blob = _strings_by_blob(root, drop)
    strings = PersonalStrings()
    for found_in_blob in by_blob.values():
        strings.update(found_in_blob)
    kept_words = _kept_words(root, head, assignment.kept_paths)
    needles = Needles(strings, kept_words)
    trace("plan: identifying strings")
    step("searching every object for the identifying strings")
    introduced = {c for t in targets for c in t.commits}  # a purged path, whatever its blob (shared ones too)
    found, from_log, folders, changed = proof.ObjectScan(), set(), None, set()
    if targets:
        trees = reads.objects.result()[1]
        # the names scan and the log's search for where purged blobs came in: on the other
        # core, while this one searches every object
        history = forked.Forked(lambda: _judge_history(history_log, needles, trees, drop))
        # each commit's folder trees, pickled (the rewrite's callbacks read them, the plan
        # never does): a third process, as the other two need about as long
        folder_trees = forked.Forked(lambda: _folder_trees(history_log, order, parents, introduced))
        found = proof.scan_objects(root, needles, drop, lambda: history.result()[0], dump=reads.objects)
        _, from_log, dropped_at = history.result()
        folders = folder_trees.result()
        redacted = found.blobs - drop
        # a name holding a string is renamed: the folder it lands in (`post/***-***`, where an
        # earlier purge may have left a folder of that name) is changed too
        renamed = {needles.redact(p) for p in found.paths}
        changed = _changed_folders({*paths, *found.paths, *renamed, *dropped_at, *(scan.paths_with_blobs(history_log, redacted) if redacted else ())})
    trace("plan: scan of every object")
    all_refs = [r for r in scan.refs(root) if not r.symbolic]
    renames = _ref_renames([r.name for r in all_refs], needles)
    deletes = _data_refs(root, all_refs, drop, found, needles)
    descriptions = _descriptions_naming(root, needles)
    rewrite_refs, rewritten = _rewrite_range(history_log, order, parents, all_refs, from_log, found, introduced) if targets else (None, 0)
    del history_log
    trace("plan: range of the rewrite")
    return Plan(
        targets, assignment.unjudged, paths, blobs, drop, shared, strings, kept_words, needles, found,
        renames, deletes, descriptions, commits_total, {p: set(personal.blobs[p]) for p in paths}, by_blob,
        rewrite_refs, rewritten, folders, changed,
    )


HAND_OVER_SHARE = 0.2  # of all commits: a smaller rewrite hands every file over on its own


def _folder_trees(history_log: bytes, order: list[str], parents: dict[str, list[str]], introduced: set[str]) -> bytes | None:
    """scan.folder_trees, pickled, where the rewrite is long: the commits that wrote the purged
    files alone make it rewrite HAND_OVER_SHARE of history or more (the worst case). A monthly
    purge rewrites a few months; there reading every commit's folder trees, and git-filter-repo
    loading them, take longer than the handover saves it (bench: 0.3 s)."""
    changed, _ = purge_plan.rewrite_range(order, parents, introduced)
    if len(changed) < HAND_OVER_SHARE * len(order):
        return None
    return pickle.dumps(scan.folder_trees(history_log), protocol=pickle.HIGHEST_PROTOCOL)


def _changed_folders(paths: Iterable[str]) -> set[str]:
    """Every folder (`""`, the top, too) above a path the rewrite changes: a purged path, a
    path that held a purged or redacted blob, a path whose name holds a string, and that
    name redacted (where the rewrite puts the file). Any other folder is, at every commit,
    the tree it was: the callbacks hand git-filter-repo that tree (`M 040000 <id> cases/2023`)
    instead of the files changed in it, which gives the same commits, and fast-import does
    not write again, and hash, the `cases/<year>` listing of thousands of entries that nearly
    every commit changes (50,000 commits: its run went from 7.8 s to 4.7 s)."""
    folders = {""}
    for path in paths:
        parts = path.split("/")
        folders.update("/".join(parts[:i]) for i in range(1, len(parts)))
    return folders


MAX_BOUNDARY = 1000  # more untouched parents than this (a command line's worth): from the root


def _judge_history(history_log: bytes, needles: Needles, trees: set[str], drop: set[str]) -> tuple[proof.NamesJudged, set[str] | None, set[str]]:
    """The plan's reading of the history log once the strings are known: the names scan
    judged, the commits that bring in a purged blob or a path holding a string, and every
    path a purged blob had."""
    judged = proof.judge_names(proof.history_names(history_log, scan.root_tree), needles, trees)
    dropped_at: set[str] = set()
    return judged, scan.introducing(history_log, drop, set(judged.paths), dropped_at), dropped_at


def _rewrite_range(history_log: bytes, order: list[str], parents: dict[str, list[str]], all_refs: list[scan.Ref],
                   from_log: set[str] | None, found: proof.ObjectScan, introduced: set[str]) -> tuple[list[str] | None, int]:
    """What git-filter-repo rewrites: from the first commits that bring in anything the purge
    changes (a purged or redacted file, a file or folder named after a person, a message or
    identity, a tag naming one), through every descendant. The rest is byte for byte what a
    rewrite from the root would write again, so the commit ids are the same either way.
    `from_log`: the commits that bring in a purged blob or a path holding a string
    (`_judge_history`); None where that could not be told."""
    more = scan.introducing(history_log, found.blobs, set()) if found.blobs else set()
    if from_log is None or more is None:
        return None, len(order)
    seeds = from_log | more
    seeds |= found.commits | introduced
    if found.tags:  # a tag is rewritten with its commit; a tag of a tag names only the outer one
        seeds |= {r.peeled for r in all_refs if r.type == "tag"}
    changed, boundary = purge_plan.rewrite_range(order, parents, seeds)
    refs = sorted(r.name for r in all_refs if r.peeled in changed)
    if not boundary or not refs or len(boundary) > MAX_BOUNDARY:
        return None, len(order)
    return [*refs, *(f"^{b}" for b in boundary)], len(changed)


def _strings_by_blob(root: Path, blobs: set[str]) -> dict[str, PersonalStrings]:
    """From every version the purged files ever had, including those that are not valid YAML."""
    return {blob: purge_plan.strings_of_version(raw) for blob, raw in scan.blob_contents(root, blobs).items()}


def _kept_words(root: Path, head: set[str], kept_paths: set[str]) -> set[str]:
    """Every word of the data that stays: coordinators.yaml, municipalities.yaml, kept personal.yaml."""
    paths = ["coordinators.yaml", "municipalities.yaml", *sorted(p for p in kept_paths if p in head)]
    return purge_plan.kept_words((path, (root / path).read_bytes()) for path in paths if (root / path).is_file())


_NAMESPACE = re.compile(r"^(refs/remotes/[^/]+/|refs/[^/]+/|refs/)")


def _ref_renames(names: list[str], needles: Needles) -> dict[str, str]:
    """Each ref whose name holds a string becomes `purged-<n>` in its namespace; one n per name,
    so a branch and its remote-tracking ref stay a pair."""
    numbers: dict[str, int] = {}
    renames = {}
    for name in sorted(names):
        if not needles.find(name):
            continue
        prefix = _NAMESPACE.match(name)[1]
        short = name[len(prefix):]
        number = numbers.setdefault(short, len(numbers) + 1)
        renames[name] = f"{prefix}purged-{number}"
    return renames


def _data_refs(root: Path, all_refs: list[scan.Ref], drop: set[str], found: proof.ObjectScan, needles: Needles) -> list[str]:
    """Refs (tags, mostly) of a blob or a tree, not a commit, that hold personal data: deleted.

    git-filter-repo rewrites commits; a tag of the data itself would keep it alive. A tree
    holds personal data when a blob in it does, or a file or folder name in it."""
    bad = drop | found.blobs | found.trees
    deletes = []
    for ref in all_refs:
        target = git_text(root, "rev-parse", f"{ref.object}^{{}}") if ref.type == "tag" else ref.object
        kind = git_text(root, "cat-file", "-t", target)
        if kind == "commit":
            continue
        if target in bad:
            deletes.append(ref.name)
        elif kind == "tree":
            listing = git(root, "-c", "core.quotePath=false", "ls-tree", "-r", "-t", target).decode("utf-8", "surrogateescape")
            if any(line.split()[2] in bad for line in listing.splitlines()) or proof.names_holding(
                [line.partition("\t")[2] for line in listing.splitlines()], needles
            ):
                deletes.append(ref.name)
    return sorted(deletes)


def _descriptions_naming(root: Path, needles: Needles) -> list[str]:
    out = git(root, "config", "-z", "--get-regexp", r"^branch\..*\.description$", check=False)
    names = []
    for entry in out.split(b"\0"):
        key, _, value = entry.partition(b"\n")
        if key and (needles.find_bytes(value) or needles.find_bytes(key)):
            names.append(key.decode("utf-8", "surrogateescape")[len("branch."):-len(".description")])
    return names


# -- refusing to start -------------------------------------------------------------------

def fetch_all_refs(root: Path, remote: str) -> None:
    """Every ref of the remote, not only its branches and tags: notes and a colleague's
    refs/backup/* keep the old history reachable there, so they are rewritten too."""
    if remote not in git_text(root, "remote").splitlines():
        raise Refused(f"there is no remote called {remote!r} (git remote -v)")
    listing = git(root, "ls-remote", remote).decode("utf-8", "surrogateescape")
    specs = [f"+refs/heads/*:refs/remotes/{remote}/*", "refs/tags/*:refs/tags/*"]
    for line in listing.splitlines():
        name = line.split("\t")[1]
        if name.startswith("refs/") and not name.startswith(("refs/heads/", "refs/tags/")) and not name.endswith("^{}"):
            specs.append(f"{name}:{name}")
    result = git_layer.run(root, "fetch", "--no-tags", "--no-write-fetch-head", "--quiet", remote, *specs)
    if result.returncode != 0:
        raise Refused(
            f"fetching every ref of {remote} failed: a ref differs between this clone and {remote}; "
            f"make them equal first ({' '.join(result.stderr.decode('utf-8', 'replace').split())[-300:]})"
        )

@dataclass(frozen=True)
class PushUpdate:
    remote_ref: str
    expected: str  # the remote's value now: the lease
    local_ref: str


def _ref_kind(name: str) -> str:
    return "branch" if name.startswith("refs/heads/") else "tag" if name.startswith("refs/tags/") else "ref"


def _default_branch(root: Path) -> str | None:
    """The branch origin calls its default, else `main` or `master` where one exists."""
    done = git_layer.run(root, "symbolic-ref", "-q", "refs/remotes/origin/HEAD")
    if done.returncode == 0:
        return "refs/heads/" + done.stdout.decode().strip()[len("refs/remotes/origin/"):]
    for name in ("refs/heads/main", "refs/heads/master"):
        if git_ok(root, "rev-parse", "--verify", "-q", name):
            return name
    return None


STATUS = ("--no-optional-locks", "status", "--porcelain=v1", "--untracked-files=normal")  # never takes index.lock: it may run on after a refusal


def _refuse_changes(status: bytes) -> None:
    """Refused when `git status` (STATUS) lists a change: the rewrite resets the work tree."""
    lines = status.decode("utf-8", "replace").splitlines()
    if lines:
        # a path outside a case folder may itself hold a name (`Jansen-brief.txt`): counted, not shown
        paths = [line[3:] for line in lines]
        named = [p for p in paths if _case_folder_path(p)]
        shown = ", ".join(named[:5]) + (" ..." if len(named) > 5 else "")
        others = len(paths) - len(named)
        shown = "; ".join(part for part in (shown, f"{others} other file(s), see git status" if others else "") if part)
        raise Refused(f"the working tree has changes ({shown}): commit or remove them first")


def preflight(root: Path, push_remote: str | None, status: scan.Background | None = None, tree: bool = True) -> list[PushUpdate]:
    """Refuse (exit 1, with the reason) whenever a rewrite could lose work or leave copies.
    `status`: git status (STATUS) started by the caller, with the history reads: it reads
    every file's metadata, a tenth of a second that need not wait for the checks before it.
    `tree` False: the work tree is looked at later, by the caller (prepare's `yes`)."""
    if not is_git_repository(root):
        raise Refused(f"{root} is not a git repository: there is no history to purge")
    top = Path(git_text(root, "rev-parse", "--show-toplevel")).resolve()
    if top != root.resolve():
        raise Refused(f"the data repository must be the top of its git repository ({top}), not a folder inside it")
    gdir = git_dir(root)
    if not git_ok(root, "symbolic-ref", "-q", "HEAD"):
        raise Refused("HEAD is detached: check out a branch first (the purge log is committed on it)")
    if git_ok(root, "rev-parse", "--verify", "-q", "refs/stash"):
        raise Refused("there is a stash (git stash list): it holds old versions of files; apply or drop it first")
    for name, what in (
        ("rebase-merge", "a rebase"), ("rebase-apply", "a rebase or am"), ("MERGE_HEAD", "a merge"),
        ("CHERRY_PICK_HEAD", "a cherry-pick"), ("REVERT_HEAD", "a revert"), ("BISECT_LOG", "a bisect"),
    ):
        if (gdir / name).exists():
            raise Refused(f"{what} is in progress: finish or abort it first")
    default = _default_branch(root)
    if default and git_text(root, "symbolic-ref", "HEAD") != default:
        raise Refused(f"check out {default[len('refs/heads/'):]} first: the purge commits purge-log.yaml on the default branch")
    if tree:
        _refuse_changes(status.result() if status is not None else git(root, *STATUS))
    worktrees = [line for line in git_text(root, "worktree", "list", "--porcelain").splitlines() if line.startswith("worktree ")]
    if len(worktrees) > 1:
        raise Refused(f"this repository has {len(worktrees) - 1} other worktree(s) (git worktree list): remove them first")
    for ref in scan.refs(root):
        if ref.name.startswith("refs/replace/"):
            raise Refused(f"{ref.name} exists: replace refs change what old commits read as; remove them first")
    if os.environ.get("GIT_REPLACE_REF_BASE"):  # replace refs kept elsewhere: the rewrite would read them
        raise Refused("GIT_REPLACE_REF_BASE is set: replace refs change what old objects read as; unset it and remove those refs first")
    # git still honours a graft file (`info/grafts`, or GIT_GRAFT_FILE): like a replace ref it
    # gives a commit other parents under the same id, so what the purge reads of history (and
    # the history log it keeps, history_cache) would not be the commits' own diffs
    grafts = Path(git_text(root, "rev-parse", "--git-path", "info/grafts"))
    if (grafts if grafts.is_absolute() else root / grafts).exists():
        raise Refused("a graft file exists (info/grafts): grafts change what old commits read as; "
                      "remove it first (`git replace --convert-graft-file`, then remove the replace refs)")
    if (gdir / "shallow").exists():
        raise Refused("this is a shallow clone: the purge needs all of history; work in a full clone")
    if (gdir / "objects" / "info" / "alternates").exists():
        raise Refused("this repository borrows objects from another (objects/info/alternates): repack it on its own first")
    packs = gdir / "objects" / "pack"
    if packs.is_dir():
        if any(packs.glob("*.keep")):
            raise Refused("a pack is marked .keep: gc would never delete the old objects in it; remove the .keep file first")
        if any(packs.glob("*.promisor")):
            raise Refused("this is a partial clone: objects live on the server too; work in a full clone")
    config = git(root, "config", "-z", "--list", check=False)
    for entry in config.split(b"\0"):
        key, _, value = entry.partition(b"\n")
        if b"\n" in value:
            raise Refused(f"git config value of {key.decode(errors='replace')} holds a line break, which git-filter-repo 2.47 cannot read; change it first")
    return _push_preflight(root, push_remote) if push_remote else []


def _push_preflight(root: Path, remote: str) -> list[PushUpdate]:
    """Every branch and tag of the remote is here, unchanged, and nothing here is missing there."""
    if remote not in git_text(root, "remote").splitlines():
        raise Refused(f"there is no remote called {remote!r} (git remote -v)")
    listing = git(root, "ls-remote", remote).decode("utf-8", "surrogateescape")
    remote_refs = {}
    for line in listing.splitlines():
        sha, name = line.split("\t")
        if name.startswith("refs/") and not name.endswith("^{}"):
            remote_refs[name] = sha
    local = {r.name: r.object for r in scan.refs(root) if not r.symbolic}
    missing = scan.missing_objects(root, remote_refs.values())
    if missing:
        raise Refused(f"{remote} has commits this clone does not (git fetch {remote} first)")
    updates = []
    for name, sha in sorted(remote_refs.items()):
        short = name.split("/", 2)[2]
        candidates = [name, f"refs/remotes/{remote}/{short}"] if name.startswith("refs/heads/") else [name]
        holder = next((c for c in candidates if local.get(c) == sha), None)
        if holder is None:
            here = local.get(name)
            # a ref name may hold a name (`zaak-jansen`): said by kind, never printed
            if here is not None:
                raise Refused(f"a {_ref_kind(name)} differs between this clone and {remote}: pull and push first so they are equal")
            raise Refused(f"{remote} has a {_ref_kind(name)} this clone lacks (git fetch {remote} first)")
        updates.append(PushUpdate(name, sha, holder))
    for name, sha in sorted(local.items()):
        if name.startswith(("refs/heads/", "refs/tags/")) and name in remote_refs and remote_refs[name] != sha:
            raise Refused(f"a {_ref_kind(name)} differs between this clone and {remote}: pull and push first so they are equal")
    ahead = git(root, "rev-list", "-n", "1", "--branches", "--tags", "--not", *remote_refs.values()).strip() if remote_refs else b"x"
    if ahead:
        raise Refused(f"this clone has commits that are not on {remote}: push them (or delete those branches) first")
    return updates


# -- doing it ----------------------------------------------------------------------------

@dataclass
class Outcome:
    targets: list[dict[str, Any]]
    proof: dict[str, Any]
    pushed: list[str] = field(default_factory=list)
    push_remote: str | None = None
    recovered: str | None = None  # "rolled back" | "completed" when an interrupted purge was found
    publish: list[str] = field(default_factory=list)  # without --push: the git push that publishes it
    refused: list[str] = field(default_factory=list)  # refs the remote refused, with its reason
    host_text: str = ""  # after --push: what the remote's host needs done (ekc.guard.hosts), no personal data
    host_files: list[Path] = field(default_factory=list)  # the same, and its request files, under .git/ekc/
    unjudged: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.proof.get("remaining") or self.refused or self.unjudged)


def publish_command(root: Path, before: dict[str, str]) -> list[str]:
    """The force-push with lease a user runs later, when the purge did not push.

    The lease must name the values from before the purge: the remote-tracking refs were
    rewritten too, so git's default lease would refuse.
    """
    remotes = git_text(root, "remote").splitlines()
    if not remotes:
        return []
    remote = "origin" if "origin" in remotes else remotes[0]
    now = {r.name: r.object for r in scan.refs(root) if not r.symbolic}
    tracking = f"refs/remotes/{remote}/"
    leases, updates = [], []
    for name, old in sorted(before.items()):
        if name.startswith(tracking) and not name.endswith("/HEAD"):
            target = "refs/heads/" + name[len(tracking):]
            local = now.get(target) or now.get(name)
        elif name.startswith("refs/tags/"):
            target, local = name, now.get(name)
        else:
            continue
        if local and local != old:
            leases.append(f"--force-with-lease={target}:{old}")
            updates.append(f"{target}:{target}" if target in now else f"{name}:{target}")
    if not updates:
        return []
    return ["git", "push", "--atomic", *leases, remote, *updates]


def _rules(plan: Plan, contents: dict[str, bytes]) -> dict[str, Any]:
    """What ekc.purge.callbacks needs inside git-filter-repo. `contents`: the blobs, commits
    and tags the plan's scan found holding a string; their redactions are done here, where
    the strings' pattern is compiled already (see callbacks)."""
    needles = plan.needles
    redacted_blobs = {sha: needles.redact_bytes(contents[sha]) for sha in sorted(plan.found.blobs - plan.drop) if sha in contents}
    texts = [path.encode("utf-8", "surrogateescape") for path in plan.found.paths]
    for sha in sorted(plan.found.commits | plan.found.tags):
        if sha in contents:
            texts += _texts_of(contents[sha])
    return {
        "values": sorted(plan.strings.values), "parts": sorted(plan.strings.parts),
        "kept_words": sorted(plan.kept_words), "paths": sorted(plan.paths),
        "drop_blobs": sorted(plan.drop), "redacted_blobs": redacted_blobs,
        "redacted_texts": {text: needles.redact_bytes(text) for text in texts},
        "clean_commits": {sha.encode() for sha in plan.found.clean_commits},
        "renames": plan.ref_renames,
        "changed_folders": sorted(plan.changed_folders),
    }


_IDENTITY_LINES = (b"author ", b"committer ", b"tagger ")


def _texts_of(raw: bytes) -> list[bytes]:
    """The message and each identity's name and e-mail of a commit or tag object, as
    git-filter-repo hands them to the callbacks (a spelling this misses is judged there)."""
    head, _, message = raw.partition(b"\n\n")
    texts = [message]
    for line in head.split(b"\n"):
        if line.startswith(_IDENTITY_LINES):
            name, _, rest = line.partition(b" ")[2].partition(b" <")
            texts += [name, rest.partition(b">")[0]]
    return texts


CLEAN_IDS = "clean.ids"


def _write_clean(root: Path, ids: set[str]) -> None:
    """The objects the plan's scan found clean, for the proof (binary ids, sorted)."""
    (journal.work_dir(root) / CLEAN_IDS).write_bytes(b"".join(bytes.fromhex(i) for i in sorted(ids)))


def _load_clean(root: Path) -> set[str]:
    """Empty when missing (an older journal): the proof then reads everything."""
    try:
        data = (journal.work_dir(root) / CLEAN_IDS).read_bytes()
    except OSError:
        return set()
    return {data[i : i + 20].hex() for i in range(0, len(data) - len(data) % 20, 20)}


GIT_TEXT_FILES = ("description", "info/exclude", "config")  # typed by people: a name may be in them


def _redact_git_text_files(gdir: Path, needles: Needles) -> None:
    """The repository's own text files (a description, an exclude pattern, an alias) get the
    same `***` as history. Any other stray file under .git is the proof's to name."""
    for name in GIT_TEXT_FILES:
        path = gdir / name
        if path.is_file():
            data = path.read_bytes()
            redacted = _redact_config(data, needles) if name == "config" else needles.redact_bytes(data)
            if redacted != data:
                path.write_bytes(redacted)


def _redact_config(data: bytes, needles: Needles) -> bytes:
    """git config stays git config: a value gets `***`, a quoted subsection name too, and a
    variable named after a person (an alias `wilhelmina`) goes, since `***` is no name."""
    lines = []
    for line in data.decode("utf-8", "surrogateescape").splitlines(keepends=True):
        stripped = line.strip()
        if stripped.startswith("[") or "=" not in stripped:
            lines.append(needles.redact(line) if '"' in line or not stripped.startswith("[") else line)
            continue
        key, _, value = line.partition("=")
        if needles.find(key):
            continue
        lines.append(key + "=" + needles.redact(value))
    return "".join(lines).encode("utf-8", "surrogateescape")


def _load_needles(root: Path) -> Needles:
    with open(journal.work_dir(root) / "rules.pickle", "rb") as file:
        rules = pickle.load(file)
    return Needles(PersonalStrings(set(rules["values"]), set(rules["parts"])), set(rules["kept_words"]))


def execute(root: Path, plan: Plan, today: date, push: list[PushUpdate], push_remote: str | None,
            host: str | None = None) -> Outcome:
    # the preflight's status is as old as the plan (and, without --yes, the question after
    # it): a file saved since would be reset by the rewrite. Looked at again, beside the reads
    # below, before anything is written; git-filter-repo's own run is the only window left.
    status = scan.Background(root, *STATUS)
    head = git_text(root, "symbolic-ref", "HEAD")
    backup = {r.name: r.object for r in scan.refs(root) if not r.symbolic}
    hits = plan.found.blobs | plan.found.commits | plan.found.tags
    try:
        contents = scan.blob_contents(root, hits) if hits else {}
    finally:
        changes = status.result()
    _refuse_changes(changes)
    work = journal.work_dir(root)
    work.mkdir(parents=True, exist_ok=True)
    with open(work / "rules.pickle", "wb") as file:  # the strings: needed until the proof, then removed
        pickle.dump(_rules(plan, contents), file)
    if plan.folder_trees is not None:  # ids and paths (work_dir's files are removed on every exit)
        (work / FOLDER_TREES).write_bytes(plan.folder_trees)
    state = {
        "version": 2,
        "phase": "prepared",
        "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "today": today.isoformat(),
        "head": head,
        "refs": backup,
        "rewritten_refs": None,
        "cases": [t.label for t in plan.targets],
        "records": None,  # written while git-filter-repo runs
        "blobs": sorted(plan.drop),
        "shared": dict(sorted(plan.shared.items())),
        "unjudged": plan.unjudged,
        "push": {"remote": push_remote, "host": host,
                 "updates": [[u.remote_ref, u.expected, u.local_ref] for u in push]} if push_remote else None,
        "renames": plan.ref_renames,
        "deletes": plan.ref_deletes,
        "proof": {"blobs_checked": len(plan.blobs), "commits_total": plan.commits_total,
                  "commits_rewritten": plan.commits_rewritten or plan.commits_total},
    }
    step("backing up refs and reflogs")
    names_log = None
    _backup_reflogs(root, git_dir(root))
    journal.write(root, state)
    _checkpoint("prepared")
    trace("backup of refs and reflogs")
    try:
        if plan.ref_deletes:
            git(root, "update-ref", "--stdin", input="".join(f"delete {n}\n" for n in plan.ref_deletes).encode())
        step(f"rewriting {plan.commits_rewritten or plan.commits_total} of {plan.commits_total} commits (git-filter-repo)")

        untracked: list[str] = []

        def meanwhile() -> None:  # what the proof and the log need, on the core git-filter-repo leaves
            _write_clean(root, plan.found.clean)
            state["records"] = _records(plan, contents)
            untracked.extend(untracked_folders(root))

        state["objects_created"] = _rewrite(root, plan, meanwhile)
        journal.write(root, state)
        trace("git-filter-repo")
        step("checking the rewrite")
        _rename_refs(root, plan.ref_renames, head)
        # the proof's names scan of the new history, once no ref names the old one (a renamed
        # tag's old name did until here): it needs a core for a second or two, and until gc
        # starts the purge's own steps leave one idle
        names_log = proof.RefsNamesLog(root)
        _redact_descriptions(root, plan)
        for path in plan.paths:  # git-filter-repo's reset leaves files it no longer tracks
            (root / path).unlink(missing_ok=True)
        git(root, "read-tree", "--reset", "-u", "HEAD")
        _remove_empty_folders(root, [*plan.paths, *plan.found.paths], untracked)
        state["proof"].update(_check_rewrite(root, plan, backup))
        trace("check: refs")
    except BaseException:
        if names_log is not None:
            names_log.cancel()
        _roll_back(root, state)
        raise
    state["phase"] = "rewritten"
    state["rewritten_refs"] = {r.name: r.object for r in scan.refs(root) if not r.symbolic}
    journal.write(root, state)
    _checkpoint("rewritten")
    step("committing purge-log.yaml")
    try:
        _commit_log(root, state["records"], plan, today)
    except BaseException:
        names_log.cancel()
        _roll_back(root, state)
        raise
    # from here on the old history is never restored: the journal keeps no ref name that held a name
    state["phase"] = "committed"
    state["refs"] = {n: v for n, v in backup.items() if n not in plan.ref_renames}
    state["rewritten_refs"] = None
    state["objects_created"] = None
    journal.write(root, state)
    _checkpoint("committed")
    trace("purge-log commit")
    return _finish(root, state, plan.needles, names_log)


def _records(plan: Plan, hit_contents: dict[str, bytes]) -> list[dict[str, Any]]:
    """purge-log.yaml entries: ids, dates, blob and commit ids, and paths inside the case folder.
    `hit_contents`: the blobs, commits and tags the plan's scan found holding a string."""
    owners: dict[str, PersonalStrings] = {}
    logged = []  # (target, paths it may name, how many others, its purged blobs)
    for target in plan.targets:
        if target.case_id is None:
            continue
        named, others = purge_plan.log_paths(target.case_id, target.paths)
        if not named:
            continue
        own = owners[target.case_id] = PersonalStrings()
        target_blobs = {b for p in target.paths for b in plan.path_blobs.get(p, ())} & plan.drop
        for blob in target_blobs:
            own.update(plan.strings_by_blob.get(blob, PersonalStrings()))
        logged.append((target, named, others, target_blobs))
    texts = {sha: proof.searchable(plan.needles, data).decode("utf-8", "surrogateescape") for sha, data in hit_contents.items()}
    naming = purge_plan.texts_naming(texts, plan.needles, owners, plan.kept_words)
    return [
        {
            "case": target.case_id, "closed": target.closed.isoformat(), "paths": named, "other_paths": others,
            "blobs": sorted(target_blobs | (naming[target.case_id] & plan.found.blobs)),
            "commits": sorted(naming[target.case_id] - plan.found.blobs),
        }
        for target, named, others, target_blobs in logged
    ]


def _backup_reflogs(root: Path, gdir: Path) -> None:
    target = journal.reflog_backup(root)
    shutil.rmtree(target, ignore_errors=True)
    if (gdir / "logs").is_dir():
        partial = target.with_name(target.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        shutil.copytree(gdir / "logs", partial, symlinks=True)
        partial.rename(target)


def _checkpoint(name: str) -> None:
    """Tests kill the purge here (SIGKILL: no cleanup, no finally) to prove recovery."""
    if os.environ.get(KILL_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


_CALLBACK = "import ekc.purge.callbacks as c\nreturn c.{}"


def filter_repo_command(refs: list[str] | None = None) -> list[str]:
    """The git-filter-repo invocation: every ref from the root, or with `refs` (`--refs`), the
    refs that reach a changed commit, stopping at its untouched parents (Plan.rewrite_refs).

    `--file-info-callback` (not --replace-text or a blob callback) keeps `--no-data`: only the
    blobs the scan found holding a string are replaced, by their redacted contents. The same
    callback drops the purged paths (not `--invert-paths --paths-from-file`, which tries each
    of a purge's hundreds of paths against each file name). `--prune-empty never` and
    `--prune-degenerate never`: every commit keeps its place (a commit that only added
    personal data stays, empty, its message redacted). `--partial`: refs, reflogs and gc are
    the purge's own business (it expires and collects after its commit).
    """
    return [
        sys.executable, "-m", "git_filter_repo", "--force", "--quiet", "--partial",
        "--prune-empty", "never", "--prune-degenerate", "never",
        "--file-info-callback", _CALLBACK.format("file_info(filename, mode, blob_id, value)"),
        "--commit-callback", _CALLBACK.format("commit(commit)"),
        "--tag-callback", _CALLBACK.format("tag(tag)"),
        *(["--refs", *refs] if refs else []),
    ]


def _rewrite(root: Path, plan: Plan, meanwhile: Callable[[], None] = lambda: None) -> list[str]:
    """git-filter-repo in the rewrite's own object folder; `meanwhile` runs while it does."""
    work = journal.work_dir(root)
    shutil.rmtree(git_dir(root) / "filter-repo", ignore_errors=True)  # else it may ask a question
    command = filter_repo_command(plan.rewrite_refs)
    if os.environ.get(KILL_ENV) == "rewrite":
        command[command.index("--commit-callback") + 1] = _KILL_CALLBACK
    # Everything the rewrite writes lands in a folder of its own, reading the real database as
    # an alternate: a rollback removes exactly that folder, and nothing else, ever.
    objects = journal.rewrite_objects(root)
    shutil.rmtree(objects, ignore_errors=True)
    (objects / "pack").mkdir(parents=True)
    env = git_env({
        journal.RULES_ENV: str(work / "rules.pickle"), "PYTHONPATH": _package_path(),
        "GIT_OBJECT_DIRECTORY": str(objects), "GIT_ALTERNATE_OBJECT_DIRECTORIES": str(git_dir(root) / "objects"),
    })
    # not for git-filter-repo: with it, its run took 8.5 s instead of 7.8 s on 50,000 commits
    # in three paired runs (git 2.39), and there is no replace ref to ignore (the preflight
    # refuses refs/replace/ and GIT_REPLACE_REF_BASE)
    env.pop("GIT_NO_REPLACE_OBJECTS", None)
    with tempfile.TemporaryFile(dir=work) as errors:
        process = subprocess.Popen(command, cwd=root, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors, env=env)
        try:
            meanwhile()
        except BaseException:
            process.kill()
            process.wait()
            raise
        code = process.wait()
        errors.seek(0)
        said = errors.read()
    if code != 0:
        shutil.rmtree(git_dir(root) / "filter-repo", ignore_errors=True)
        detail = said.decode("utf-8", "replace").strip().splitlines()
        raise Refused(f"git-filter-repo failed ({detail[-1] if detail else 'exit ' + str(code)}); the repository was rolled back to how it was")
    commit_map = _commit_map(git_dir(root) / "filter-repo" / "commit-map")
    shutil.rmtree(git_dir(root) / "filter-repo", ignore_errors=True)
    # old -> new commit ids (no names): the host's instructions after --push need them
    _save_commit_map(commit_map_path(root), commit_map)
    _rewrite_notes(root, plan, commit_map, env)
    # the refs now name commits that live only in the rewrite's own folder until adopted
    _checkpoint("refs-moved")
    return _adopt_objects(root)


def _remove_empty_folders(root: Path, paths: Iterable[str], untracked: Iterable[str]) -> None:
    """A purged or renamed file's folder (`intake/<name>/`) would otherwise stay behind, empty,
    named. Only those folders and their parents are tried (not a walk of 30,000 files): a
    folder no purged or renamed file was in did not change. And every folder git does not
    track (it lists them; git never tracks an empty folder): an empty `export/<name>/` left
    from before goes too, as the walk of the whole tree this replaces removed it. `untracked`:
    those folders, listed already (while git-filter-repo ran: the rewrite changes no folder git
    does not track)."""
    # a path may be a folder itself (a tree entry named after a person); rmdir of a file fails
    folders = {f for path in paths for f in (PurePosixPath(path), *PurePosixPath(path).parents) if f.parts}
    folders |= {PurePosixPath(name) for name in untracked}
    for folder in sorted(folders, key=lambda f: len(f.parts), reverse=True):
        if ".git" in folder.parts:
            continue
        try:
            (root / folder).rmdir()  # only succeeds when empty
        except OSError:
            pass


def untracked_folders(root: Path) -> list[str]:
    return [name for name, is_file in proof.untracked_entries(root) if not is_file]


def commit_map_path(root: Path) -> Path:
    return journal.work_dir(root) / "commit-map"


def _save_commit_map(path: Path, commit_map: dict[str, str]) -> None:
    path.write_text("old new\n" + "".join(f"{old} {new}\n" for old, new in commit_map.items()), encoding="ascii")


def _commit_map(path: Path) -> dict[str, str]:
    mapping = {}
    if path.is_file():
        for line in path.read_text().splitlines()[1:]:
            old, _, new = line.partition(" ")
            mapping[old] = new
    return mapping


def _rewrite_notes(root: Path, plan: Plan, commit_map: dict[str, str], env: dict[str, str]) -> None:
    """git-filter-repo passes notes through untouched (their files are named after commits).

    Each notes ref becomes one new commit holding the same notes, redacted, attached to the
    rewritten commits; the old notes history, messages and identities go with the old objects."""
    names = git_layer.run(root, "for-each-ref", "--format=%(refname)", "refs/notes/", env=env).stdout.decode("utf-8", "surrogateescape").split()
    for name in names:
        listing = git_layer.run(root, "ls-tree", "-r", "-z", name, env=env)
        if listing.returncode != 0:
            continue
        entries = []
        for record in listing.stdout.split(b"\0"):
            if not record:
                continue
            meta, _, path = record.partition(b"\t")
            entries.append((path.decode("utf-8", "surrogateescape"), meta.split()[2].decode()))
        contents = git_layer.object_contents(root, [blob for _, blob in entries], env)
        stamp = int(datetime.now(timezone.utc).timestamp())
        message = b"Notes rewritten by ekc purge\n"
        stream = [f"commit {name}\ncommitter ekc purge <purge@invalid> {stamp} +0000\n".encode(),
                  f"data {len(message)}\n".encode() + message]
        for path, blob in entries:
            target = path.replace("/", "")
            target = commit_map.get(target, target)
            data = plan.needles.redact_bytes(contents.get(blob, b""))
            stream.append(f"M 100644 inline {target}\ndata {len(data)}\n".encode() + data + b"\n")
        stream.append(b"\n")
        done = git_layer.run(root, "fast-import", "--quiet", "--force", input=b"".join(stream), env=env)
        if done.returncode != 0:
            raise Refused("rewriting the notes failed; the repository was rolled back to how it was")


def _case_folder_path(path: str) -> bool:
    """cases/<YYYY>/<case id>/case.yaml or personal.yaml: ids only, safe to print."""
    from ekc.core.ids import is_case_id

    parts = path.split("/")
    return len(parts) == 4 and parts[0] == "cases" and parts[1].isdigit() and is_case_id(parts[2]) \
        and parts[3] in ("case.yaml", "personal.yaml")


def _package_path() -> str:
    import ekc

    here = str(Path(ekc.__file__).resolve().parents[1])
    return here + (os.pathsep + os.environ["PYTHONPATH"] if os.environ.get("PYTHONPATH") else "")


# In tests only: git-filter-repo kills ekc and then itself on the third commit it rewrites.
_KILL_CALLBACK = """
import os, signal
os.environ['EKC_SEEN'] = str(int(os.environ.get('EKC_SEEN', '0')) + 1)
if os.environ['EKC_SEEN'] == '3':
    os.kill(os.getppid(), signal.SIGKILL)
    os.kill(os.getpid(), signal.SIGKILL)
"""


def _adopt_objects(root: Path) -> list[str]:
    """Move what the rewrite wrote into the object database; the list is all a rollback may delete."""
    source = journal.rewrite_objects(root)
    target = git_dir(root) / "objects"
    moved = []
    files = sorted(p for p in source.rglob("*") if p.is_file())
    # a pack's index last: git uses a pack once its .idx is there
    for path in sorted(files, key=lambda p: (p.suffix == ".idx", str(p))):
        relative = path.relative_to(source).as_posix()
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        if not (target / relative).exists():
            os.replace(path, target / relative)
            moved.append(relative)
    shutil.rmtree(source, ignore_errors=True)
    return moved


def _rename_refs(root: Path, renames: dict[str, str], head: str) -> None:
    if not renames:
        return
    now = {r.name: r.object for r in scan.refs(root) if not r.symbolic}
    commands = []
    for old, new in sorted(renames.items()):
        if old in now:
            if new not in now:  # an annotated tag arrives under its new name already
                commands.append(f"create {new} {now[old]}\n")
            commands.append(f"delete {old} {now[old]}\n")
    git(root, "update-ref", "--stdin", input="".join(commands).encode())
    if head in renames:
        git(root, "symbolic-ref", "HEAD", renames[head])
    for old, new in renames.items():  # the branch's config section is named after it too
        if old.startswith("refs/heads/"):
            git(root, "config", "--rename-section", f"branch.{old[11:]}", f"branch.{new[11:]}", check=False)


def _redact_descriptions(root: Path, plan: Plan) -> None:
    for branch in plan.descriptions:
        branch = plan.ref_renames.get(f"refs/heads/{branch}", f"refs/heads/{branch}")[11:]
        key = f"branch.{branch}.description"
        value = git(root, "config", "--get", key, check=False).decode("utf-8", "surrogateescape")
        git(root, "config", key, plan.needles.redact(value).rstrip("\n"))


def _check_rewrite(root: Path, plan: Plan, backup: dict[str, str]) -> dict[str, Any]:
    """Before anything is committed or collected: every ref is still there (renamed or not),
    and at each tip only what the plan meant changed: a purged file gone, a file holding a
    string redacted (or renamed, where its path held one). A failure rolls back."""
    refs_after = {r.name: r for r in scan.refs(root) if not r.symbolic}
    after = set(refs_after)
    expected = {plan.ref_renames.get(n, n) for n in backup if n not in plan.ref_deletes}
    problems = [f"a ref disappeared ({len(expected - after)})"] if expected - after else []
    for name, old in sorted(backup.items()):
        ref = refs_after.get(plan.ref_renames.get(name, name))
        if ref is None or ref.object == old or ref.type not in ("commit", "tag") or name.startswith("refs/notes/"):
            continue  # notes are files named after commits: rewritten whole by _rewrite_notes
        old_commit = git_text(root, "rev-parse", f"{old}^{{commit}}")
        for path, old_blob, status in scan.raw_changes(root, old_commit, ref.peeled):
            if path in plan.paths or old_blob in plan.drop or old_blob in plan.found.blobs:
                continue
            if plan.needles.find(path) or "***" in path:
                continue
            problems.append(f"{path} changed ({status})")
    if problems:
        raise Refused("the rewrite did not do what was planned, so it was rolled back: " + "; ".join(problems[:5]))
    return {"refs_compared": len(expected), "refs_renamed": len(plan.ref_renames), "refs_deleted": len(plan.ref_deletes)}


def _commit_log(root: Path, records: list[dict[str, Any]], plan: Plan, today: date) -> None:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    from ekc.store.yamlio import atomic_write, dump_roundtrip, load_roundtrip

    log_path = root / "purge-log.yaml"
    drafts = [
        purge_plan.PurgeRecordDraft(r["case"], date.fromisoformat(r["closed"]), tuple(r["paths"]), r["other_paths"], tuple(r["blobs"]), tuple(r["commits"]))
        for r in records
    ]
    entries = purge_plan.log_entries(drafts, today)
    existing = log_path.read_text(encoding="utf-8") if log_path.is_file() else None
    text = purge_plan.appended_log(existing, entries)
    if text is None:
        document = load_roundtrip(log_path) if existing is not None else None
        if document is None:
            document = CommentedMap()
        if document.get("purges") is None:
            document["purges"] = []
        for entry in entries:
            paths = CommentedSeq(entry["paths"])
            paths.fa.set_flow_style()  # `paths: [a, b]`, as DATA-FORMAT.md writes it
            document["purges"].append(CommentedMap({**entry, "paths": paths}))
        text = dump_roundtrip(document)
    atomic_write(log_path, text)
    git(root, "add", "--", "purge-log.yaml")
    labels = sorted({t.case_id for t in plan.targets if t.case_id} | ({"orphans"} if any(t.case_id is None for t in plan.targets) else set()))
    message = purge_plan.purge_commit_message(labels)
    git(root, "-c", "gc.auto=0", "-c", "user.name=ekc purge", "-c", "user.email=purge@invalid",
        "commit", "--no-verify", "--quiet", "-F", "-", input=message.encode())


def _roll_back(root: Path, state: dict[str, Any]) -> None:
    """Back to the refs, files and reflogs from before.

    Object files: only the rewrite's own folder and the packs on the journal's list of what
    it wrote and moved in are deleted. Anything else stays, whatever happened since
    (a `git gc` may have repacked everything): deleting by "not on the list from before"
    would destroy the new packs and every commit in them."""
    gdir = git_dir(root)
    backup = state.get("refs")
    if backup:
        # names only: a ref may point into the rewrite's own folder, which git cannot read here
        listing = git(root, "for-each-ref", "--format=%(refname)%00%(symref)").decode("utf-8", "surrogateescape")
        now = {line.split("\0")[0] for line in listing.splitlines() if not line.split("\0")[1]}
        commands = [f"update {name} {sha}\n" for name, sha in sorted(backup.items())]
        commands += [f"delete {name}\n" for name in sorted(now - set(backup))]
        if commands:
            git(root, "update-ref", "--stdin", input="".join(commands).encode())
        for old, new in (state.get("renames") or {}).items():
            if old.startswith("refs/heads/"):
                git(root, "config", "--rename-section", f"branch.{new[11:]}", f"branch.{old[11:]}", check=False)
        head = state.get("head")
        if head:
            git(root, "symbolic-ref", "HEAD", head)
        git(root, "read-tree", "--reset", "-u", "HEAD")  # read-tree, not reset --hard: no ORIG_HEAD, no reflog entry
    saved_logs = journal.reflog_backup(root)
    if saved_logs.is_dir():
        shutil.rmtree(gdir / "logs", ignore_errors=True)
        saved_logs.rename(gdir / "logs")
    shutil.rmtree(journal.rewrite_objects(root), ignore_errors=True)
    for relative in state.get("objects_created") or []:  # the rewrite's own packs, by name
        (gdir / "objects" / relative).unlink(missing_ok=True)
    _remove_crash_reports(gdir)
    for leftover in root.glob(".purge-log.yaml.*.tmp"):  # an atomic write the kill cut short
        leftover.unlink(missing_ok=True)
    shutil.rmtree(gdir / "filter-repo", ignore_errors=True)
    journal.remove(root)


@contextlib.contextmanager
def _readable_rewrite_objects(root: Path):
    """Every git child process meanwhile also reads the rewrite's own object folder."""
    folder = journal.rewrite_objects(root)
    if not folder.is_dir():
        yield
        return
    before = os.environ.get("GIT_ALTERNATE_OBJECT_DIRECTORIES")
    os.environ["GIT_ALTERNATE_OBJECT_DIRECTORIES"] = str(folder) + (os.pathsep + before if before else "")
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("GIT_ALTERNATE_OBJECT_DIRECTORIES", None)
        else:
            os.environ["GIT_ALTERNATE_OBJECT_DIRECTORIES"] = before


def _moved_since(root: Path, state: dict[str, Any]) -> list[str]:
    """Refs that are neither as before the purge nor as its rewrite left them: work done since."""
    now = {r.name: r.object for r in scan.refs(root) if not r.symbolic}
    before = state.get("refs") or {}
    after = state.get("rewritten_refs") or {}
    moved = []
    for name in sorted(set(now) | set(before)):
        value = now.get(name)
        if value == before.get(name) or (after and value == after.get(name)):
            continue
        if not after and value is not None and before.get(name) and not git_ok(root, "merge-base", "--is-ancestor", before[name], value):
            continue  # rewritten by the killed git-filter-repo: unrelated to the old value
        if name in (state.get("renames") or {}).values() or name in (state.get("renames") or {}):
            continue
        if value is None and name in (state.get("deletes") or ()):
            continue  # a ref of data itself (a tag of a blob or a tree) the purge deleted before the rewrite
        moved.append(name)
    return moved


def _remove_crash_reports(gdir: Path) -> None:
    """git fast-import writes one when its input stops mid-stream (a killed rewrite)."""
    for report in gdir.glob("fast_import_crash_*"):
        report.unlink(missing_ok=True)


def _finish(root: Path, state: dict[str, Any], needles: Needles | None = None,
            names_log: scan.Background | proof.RefsNamesLog | None = None) -> Outcome:
    """Everything after the purge commit: idempotent, so an interrupted run is finished by the
    next. `needles`: the plan's, when it runs on from the rewrite (its pattern is compiled
    already); a run that finishes an interrupted one reads them from the journal's rules.
    `names_log`: the proof's names scan of the refs, started after the rewrite."""
    gdir = git_dir(root)
    phase = state["phase"]
    needles = needles or _load_needles(root)
    if phase == "committed":
        step("expiring reflogs")
        shutil.rmtree(gdir / "filter-repo", ignore_errors=True)
        shutil.rmtree(journal.reflog_backup(root), ignore_errors=True)
        for name in (*RESIDUE_FILES, "COMMIT_EDITMSG"):
            (gdir / name).unlink(missing_ok=True)
        # git rerere keeps the text of resolved conflicts, personal.yaml lines included
        shutil.rmtree(gdir / "rr-cache", ignore_errors=True)
        _redact_git_text_files(gdir, needles)
        _remove_crash_reports(gdir)
        from ekc.store.cache import remove_index

        remove_index(root)
        history_cache.remove(root)  # the old history's log: the proof's walk of the new one replaces it
        git(root, "worktree", "prune")
        git(root, "reflog", "expire", "--expire=now", "--expire-unreachable=now", "--all")
        phase = state["phase"] = "expired"
        journal.write(root, state)
        _checkpoint("expired")
        trace("reflog expire")
    beside = None
    clean = _load_clean(root)
    if phase == "expired":
        # the proof's names scan walks the refs' history, which gc does not change: it runs
        # beside gc (unless it started after the rewrite), and the proof reads what is new
        # meanwhile (gc's counting of objects takes one core)
        names_log = names_log or scan.Background(root, *proof.NAMES_LOG)
        step("removing the old objects (git gc)")
        # gc, not a bare repack: it also rewrites the commit-graph and multi-pack index,
        # which would otherwise still list the old commits (and fail `git fsck`).
        gc = scan.Background(root, "-c", "gc.reflogExpire=now", "-c", "gc.reflogExpireUnreachable=now",
                             "-c", "gc.pruneExpire=now", "gc", "--prune=now", "--quiet")
        # the bench's figure: what the proof's reading beside gc added to the purge's time,
        # how long it ran on after gc ended (its wall time is mostly gc's own)
        gc_ended = _when_done(gc.process) if os.environ.get(TRACE_ENV) else None
        try:
            beside = proof.read_beside_gc(root, needles, clean, names_log)
            beside_ended = time.perf_counter()
            trace("proof: scan beside gc")
        finally:
            gc.result()
        if gc_ended is not None:
            trace_seconds("proof: scan beyond gc", max(0.0, beside_ended - gc_ended()))
        phase = state["phase"] = "collected"
        journal.write(root, state)
        _checkpoint("collected")
        trace("gc")
    outcome = Outcome(targets=state["cases"], proof=state["proof"], push_remote=(state.get("push") or {}).get("remote"),
                      unjudged=state.get("unjudged", []))
    if state.get("push"):
        step(f"pushing every ref to {state['push']['remote']}")
        outcome.pushed, outcome.refused = _push(root, state)
        outcome.host_text, outcome.host_files = _host_instructions(root, state, needles)
    else:
        outcome.publish = publish_command(root, state["refs"])
    journal.remove(root)  # the journal and the strings leave .git before the scan of .git
    step("proving: searching every object, ref and file again")
    outcome.proof.update(_prove(root, state, needles, clean, names_log, beside))
    trace("proof: scan of every object")
    if beside is not None and beside.names_log is not None and not outcome.proof.get("remaining"):
        # the new history's log, kept for the next purge: the log whose every path the proof's
        # names scan just searched (the rest of it is ids, modes and dates), kept only when
        # the proof found nothing anywhere
        history_cache.write(root, scan.PERSONAL_LOG_OPTIONS, beside.names_log)
    return outcome


def _when_done(process: subprocess.Popen) -> Callable[[], float]:
    """The moment the process ends, as time.perf_counter() read then (a thread waits for it;
    a wait holds no lock of the interpreter). Call it after the process ended."""
    import threading

    ended = [0.0]

    def wait() -> None:
        process.wait()
        ended[0] = time.perf_counter()

    waiter = threading.Thread(target=wait, name="ekc-gc-wait", daemon=True)
    waiter.start()

    def when() -> float:
        waiter.join()
        return ended[0]

    return when


def _prove(root: Path, state: dict[str, Any], needles: Needles, clean: set[str] = frozenset(), names_log=None,
           beside: proof.BesideGc | None = None) -> dict[str, Any]:
    shared = state.get("shared", {})
    result = proof.prove(root, needles, set(state["blobs"]), clean, names_log, beside)
    missing = scan.missing_objects(root, shared)
    return {
        "objects_scanned": result.objects_scanned, "refs_scanned": result.refs_scanned,
        "blobs_absent": len(state["blobs"]) - sum(1 for r in result.remaining if r.startswith("purged blob")),
        "blobs_shared": {b: p for b, p in sorted(shared.items()) if b not in missing},
        "remaining": result.remaining,
    }


PULL_REFS = ("refs/pull/", "refs/merge-requests/")  # GitHub's and GitLab's read-only review refs


def _host_instructions(root: Path, state: dict[str, Any], needles: Needles) -> tuple[str, list[Path]]:
    """What the pushed-to remote's host needs done, and every other remote named, printed and
    written under .git/ekc/ (ekc.guard.hosts). Ids, ref names, remote names and URLs only; run
    through the purged strings anyway, and the proof that follows scans those files too."""
    from ekc.guard import hosts

    push = state["push"]
    remote = push["remote"]
    urls = {}
    for name in git_text(root, "remote").splitlines():
        result = git_layer.run(root, "remote", "get-url", name)
        urls[name] = result.stdout.decode("utf-8", "replace").strip() if result.returncode == 0 else ""
    others = {name: url for name, url in urls.items() if name != remote}
    pull_refs = sorted({ref for ref, _, _ in push["updates"] if ref.startswith(PULL_REFS)})
    return hosts.instructions(urls.get(remote, remote), _commit_map(commit_map_path(root)), others, push.get("host"),
                              git_dir=git_dir(root), remote_name=remote, pull_refs=pull_refs, redact=needles.redact)


def _push(root: Path, state: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Every ref the remote had, rewritten, back to it with a lease; a renamed ref goes under its
    new name and the old name is deleted. Returns (pushed, refused with the server's reason)."""
    push = state["push"]
    remote = push["remote"]
    renames = state.get("renames") or {}
    deletes = set(state.get("deletes") or [])
    now = {r.name: r.object for r in scan.refs(root) if not r.symbolic}
    args, specs = [], []
    for remote_ref, expected, local_ref in push["updates"]:
        local_now = renames.get(local_ref, local_ref)
        new = now.get(local_now)
        if local_ref in deletes or new is None:
            args.append(f"--force-with-lease={remote_ref}:{expected}")
            specs.append(f":{remote_ref}")
            continue
        if local_now != local_ref:  # renamed: push the new name, delete the old one
            target = _NAMESPACE.match(remote_ref)[1] + local_now.rsplit("/", 1)[1]
            args.append(f"--force-with-lease={remote_ref}:{expected}")
            specs += [f"{new}:{target}", f":{remote_ref}"]
            continue
        if new == expected:
            continue
        args.append(f"--force-with-lease={remote_ref}:{expected}")
        specs.append(f"{new}:{remote_ref}")
    if not specs:
        return [], []

    def run(*extra: str):
        return git_layer.run(root, "push", "--porcelain", *extra, *args, remote, *specs)

    result = run("--atomic")
    if result.returncode != 0 and b"atomic" in result.stderr and b"support" in result.stderr:
        result = run()
    pushed, refused = [], []
    for line in result.stdout.decode("utf-8", "replace").splitlines():
        parts = line.split("\t")
        if len(parts) < 3 or len(parts[0]) != 1:
            continue
        flag, spec, summary = parts[0], parts[1], parts[2]
        ref = spec.split(":", 1)[1]
        if flag == "!":
            refused.append(f"{ref}: {summary}")
        elif flag != "-":  # a deletion: the old name may be a person's, and it is gone
            pushed.append(ref)
    if result.returncode != 0 and not refused:
        detail = " ".join(result.stderr.decode("utf-8", "replace").split())[-300:]
        refused.append(f"{remote}: {detail or 'exit ' + str(result.returncode)}")
    return pushed, refused


# -- an interrupted purge ----------------------------------------------------------------

def pending(root: Path) -> dict[str, Any] | None:
    return journal.read(root) if is_git_repository(root) else None


def recover(root: Path) -> Outcome:
    """Roll an interrupted purge back (before its commit) or finish it (after)."""
    state = journal.read(root)
    if state is None:
        raise Refused("there is no interrupted purge to recover")
    if state.get("corrupt"):
        raise Refused("the purge journal under .git/ekc/ is unreadable; check `git status` and `git log`, then remove .git/ekc/purge-journal.json")
    if state["phase"] in journal.ROLL_BACK_PHASES:
        # killed after git-filter-repo moved the refs, before its objects were adopted: the
        # refs name commits in the rewrite's own folder, which git reads only as an alternate
        with _readable_rewrite_objects(root):
            moved = _moved_since(root, state)
            if moved:
                raise Refused(
                    f"an interrupted purge cannot be rolled back: {len(moved)} ref(s) changed since it stopped "
                    f"(work was committed meanwhile); save that work elsewhere (git bundle), reset those refs to "
                    f"their values in .git/ekc/purge-journal.json, then run `ekc purge` again"
                )
            _roll_back(root, state)
        return Outcome(targets=state["cases"], proof={}, recovered="rolled back")
    outcome = _finish(root, state)
    outcome.recovered = "completed"
    return outcome


# -- one purge, start to end (the CLI renders) --------------------------------------------

@dataclass
class Prepared:
    plan: Plan
    push_updates: list[PushUpdate]
    refusal: str | None = None  # a dry run: why the real purge would not start now


def prepare(root: Path, today: date, dry_run: bool, push_remote: str | None, reads: scan.HistoryReads | None = None,
            yes: bool = False) -> Prepared:
    """Everything before the rewrite, read-only except the fetch of every ref of --push's remote.
    `reads`: the history reads, when the caller started them (`scan.start_reads_early`); never
    with --push, whose fetch comes first.

    The work tree must be clean: the rewrite resets it. Asked first (`yes` False), git status
    runs with the checks, so a dirty tree is refused before the plan and the question, and
    again just before the rewrite (`execute`: a file saved during the question). With `yes`
    nobody is asked: git status runs once, in `execute` (beside its reads, after the plan is
    rendered), which refuses on it before it writes anything."""
    from ekc.store.loader import load

    if not is_git_repository(root):
        raise Refused(f"{root} is not a git repository: there is no history to purge")
    trace("start")
    if push_remote and not dry_run:
        step(f"fetching every ref of {push_remote}")
        fetch_all_refs(root, push_remote)
        trace("fetch every ref of the remote")
    step("reading all of history; loading the data")
    reads = reads or start_reads(root)  # read-only: git reads all of history while Python checks and loads
    late = yes and not dry_run
    status = None if late else scan.Background(root, *STATUS)
    refusal = None
    if dry_run:  # the same checks, without the remote: said, not raised
        try:
            preflight(root, None, status)
        except Refused as exc:
            refusal = exc.message
        push_updates = []
    else:
        push_updates = preflight(root, push_remote, status, tree=not late)
    trace("preflight")
    # a dry run writes nothing, not even the cache; summaries, not models: the plan needs each
    # case's closing date, which the index a warm `ekc validate` leaves holds (15,000 full
    # models would be unpickled or parsed for nothing)
    loaded = load(root, use_cache=not dry_run, models=False)
    trace("load the data repository")
    if not dry_run and any(f.path == "purge-log.yaml" and f.is_error for f in loaded.findings):
        reads.personal.result(), reads.graph.result()
        raise Refused("purge-log.yaml has errors (ekc validate): fix it first, the purge appends to it")
    plan = plan_purge(root, loaded.store, today, reads, keep_log=not dry_run)
    if late and not plan.targets:  # nothing to rewrite: a dirty tree is refused all the same, as when asked first
        _refuse_changes(git(root, *STATUS))
    # else, with `yes`, execute's git status is the one: beside its reads, after the plan is
    # rendered (a file saved during the rendering, after an earlier status looked, is seen)
    return Prepared(plan, push_updates, refusal)


def run(root: Path, prepared: Prepared, today: date, push_remote: str | None, host: str | None = None) -> Outcome:
    plan = prepared.plan
    if not plan.targets:  # only cases that cannot be judged: nothing to rewrite, still exit 1
        return Outcome(targets=[], proof={}, unjudged=plan.unjudged)
    outcome = execute(root, plan, today, prepared.push_updates, push_remote, host)
    return outcome
