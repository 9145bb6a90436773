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

import os

import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from ekc.purge import plan as purge_plan
from ekc.core.errors import Refused
from ekc.store import git as git_layer
from ekc.purge import scan as scan
from ekc.purge import journal as journal
from ekc.store.git import git, git_dir, git_env, git_ok, git_text, is_git_repository

KILL_ENV = "EKC_PURGE_KILL_AT"  # tests: die (SIGKILL) at a named point, see _checkpoint
TRACE_ENV = "EKC_PURGE_TRACE"  # bench: print the seconds each step took to stderr
_clock = [0.0]


def trace(step: str) -> None:
    if os.environ.get(TRACE_ENV):
        import time

        now = time.perf_counter()
        if _clock[0]:
            print(f"ekc purge trace: {step}: {now - _clock[0]:.2f} s", file=sys.stderr)
        _clock[0] = now
RESIDUE_FILES = ("FETCH_HEAD", "ORIG_HEAD", "MERGE_MSG", "SQUASH_MSG", "MERGE_HEAD", "AUTO_MERGE")


# -- the plan ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    case_id: str
    closed: date
    due: date
    paths: tuple[str, ...]
    commits: tuple[str, ...] = ()  # commits that added or changed one of its paths


@dataclass
class Plan:
    targets: list[Target]
    paths: set[str]
    blobs: set[str]
    patterns: list[str]  # redaction regexes: hold names, never written outside .git/ekc/purge-work
    tainted: set[str]  # commits the rewrite changes
    boundary: list[str]  # untouched parents of changed commits: the rewrite stops there
    rewrite_refs: list[str]
    oldest: str | None
    commits_total: int
    messages_to_redact: int
    tags_to_redact: int
    tags_total: int = 0
    shared: dict[str, str] = field(default_factory=dict)  # blob -> a kept personal.yaml path holding it too

    @property
    def empty(self) -> bool:
        return not self.targets


def start_reads(root: Path) -> scan.HistoryReads:
    """Start the whole-history reads; the CLI loads the data meanwhile."""
    return scan.start_reads(root)


def plan_purge(root: Path, store, today: date, reads: scan.HistoryReads | None = None) -> Plan:
    trace("start")
    reads = reads or scan.start_reads(root)
    expired = {e.case_id: e for e in purge_plan.expired_cases(store, today)}
    personal = scan.personal_history(root, reads.personal.result())
    trace("plan: personal.yaml history")
    groups: dict[str, set[str]] = {}
    for path in personal.blobs:
        case_id = purge_plan.case_id_of(path)
        if case_id in expired:
            groups.setdefault(case_id, set()).add(path)
    _follow_renames(groups, personal.renames)

    targets = [
        Target(
            case_id, expired[case_id].closed, expired[case_id].due, tuple(sorted(paths)),
            tuple(sorted({c for p in paths for c in personal.introduced_in[p]})),
        )
        for case_id, paths in sorted(groups.items())
    ]
    paths = {p for t in targets for p in t.paths}
    blobs = {b for p in paths for b in personal.blobs[p]}
    shared = {b: p for p, held in sorted(personal.blobs.items()) if p not in paths for b in held if b in blobs}
    patterns = purge_plan.redaction_patterns(_identifying_strings(root, blobs))
    trace("plan: identifying strings")
    graph = scan.commit_graph(root, reads.graph.result())
    trace("plan: commit graph")
    if not targets:
        reads.messages.result()
        return Plan([], set(), set(), [], set(), [], [], None, len(graph.order), 0, 0)

    compiled = purge_plan.compiled(patterns)
    anything = compiled[0] if compiled else None
    messages = scan.commit_messages(root, raw=reads.messages.result())
    named = {sha for sha, message in messages.items() if anything is not None and anything.search(message)}
    seeds = {c for p in paths for c in personal.introduced_in[p] if c in graph.parents} | named
    tainted = _descendants(graph, seeds)
    # git-filter-repo rewrites abbreviated commit ids in messages; a message naming a
    # changed commit changes too, and so do its descendants.
    with_ids = {sha: tokens for sha, message in messages.items() if (tokens := scan.HEX_TOKEN.findall(message))}
    while True:
        known = sorted(tainted)
        more = {sha for sha, tokens in with_ids.items() if sha not in tainted and _names_any(tokens, known)}
        if not more:
            break
        tainted = _descendants(graph, tainted | more)

    trace("plan: messages and taint")
    all_refs = [r for r in scan.refs(root) if not r.symbolic]
    annotated = [r.object for r in all_refs if r.type == "tag"]
    tag_text = scan.tag_messages(root, annotated)
    named_tags = {sha for sha, message in tag_text.items() if anything is not None and anything.search(message)}
    rewrite_refs = sorted(r.name for r in all_refs if r.peeled in tainted or r.object in named_tags)
    boundary = sorted({p for c in tainted for p in graph.parents[c] if p not in tainted})
    oldest = next((c for c in graph.order if c in tainted), None)
    return Plan(
        targets, paths, blobs, patterns, tainted, boundary, rewrite_refs, oldest,
        len(graph.order), len(named), len(named_tags), len(tag_text), shared,
    )


def _follow_renames(groups: dict[str, set[str]], renames: set[tuple[str, str]]) -> None:
    """A file moved into a case folder from a path not named after the case still counts."""
    changed = True
    while changed:
        changed = False
        for source, target in renames:
            for paths in groups.values():
                if target in paths and source not in paths and purge_plan.case_id_of(source) is None:
                    paths.add(source)
                    changed = True


def _identifying_strings(root: Path, blobs: set[str]) -> set[str]:
    """Names, e-mail addresses and phones from every version the purged files ever had."""
    from ekc.store.yamlio import parse

    found: set[str] = set()
    for raw in scan.blob_contents(root, blobs).values():
        parsed = parse("personal.yaml", raw)
        if parsed.ok:
            found |= purge_plan.identifying_strings(parsed.data)
        else:
            found |= purge_plan.strings_in_unreadable(raw.decode("utf-8", "replace"))
    return found


def _descendants(graph: scan.CommitGraph, seeds: set[str]) -> set[str]:
    tainted = set(seeds)
    for commit in graph.order:  # parents come first
        if commit not in tainted and any(p in tainted for p in graph.parents[commit]):
            tainted.add(commit)
    return tainted


def _names_any(tokens: list[bytes], known: list[str]) -> bool:
    """Does any token abbreviate one of these (sorted) commit ids?"""
    from bisect import bisect_left

    for token in tokens:
        text = token.decode()
        index = bisect_left(known, text)
        if index < len(known) and known[index].startswith(text):
            return True
    return False


# -- refusing to start -------------------------------------------------------------------

@dataclass(frozen=True)
class PushUpdate:
    remote_ref: str
    expected: str  # the remote's value now: the lease
    local_ref: str


def preflight(root: Path, push_remote: str | None) -> list[PushUpdate]:
    """Refuse (exit 1, with the reason) whenever a rewrite could lose work or leave copies."""
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
    status = git(root, "status", "--porcelain=v1", "--untracked-files=normal").decode("utf-8", "replace").splitlines()
    if status:
        shown = ", ".join(line[3:] for line in status[:5]) + (" ..." if len(status) > 5 else "")
        raise Refused(f"the working tree has changes ({shown}): commit or remove them first")
    worktrees = [line for line in git_text(root, "worktree", "list", "--porcelain").splitlines() if line.startswith("worktree ")]
    if len(worktrees) > 1:
        raise Refused(f"this repository has {len(worktrees) - 1} other worktree(s) (git worktree list): remove them first")
    for ref in scan.refs(root):
        if ref.name.startswith(("refs/notes/", "refs/replace/")):
            raise Refused(f"{ref.name} exists: notes and replace refs keep old commits alive; remove them first")
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
    listing = git(root, "ls-remote", "--heads", "--tags", remote).decode("utf-8", "surrogateescape")
    remote_refs = {}
    for line in listing.splitlines():
        sha, name = line.split("\t")
        if not name.endswith("^{}"):
            remote_refs[name] = sha
    local = {r.name: r.object for r in scan.refs(root) if not r.symbolic}
    missing = scan.missing_objects(root, remote_refs.values())
    if missing:
        raise Refused(f"{remote} has commits this clone does not (git fetch {remote} first)")
    updates = []
    for name, sha in sorted(remote_refs.items()):
        short = name.split("/", 2)[2]
        candidates = [name] if name.startswith("refs/tags/") else [name, f"refs/remotes/{remote}/{short}"]
        holder = next((c for c in candidates if local.get(c) == sha), None)
        if holder is None:
            here = local.get(name)
            if here is not None:
                raise Refused(f"{name} differs between this clone and {remote}: pull and push first so they are equal")
            raise Refused(f"{remote} has {name}, which this clone lacks (git fetch {remote} first)")
        updates.append(PushUpdate(name, sha, holder))
    for name, sha in sorted(local.items()):
        if name.startswith(("refs/heads/", "refs/tags/")) and name in remote_refs and remote_refs[name] != sha:
            raise Refused(f"{name} differs between this clone and {remote}: pull and push first so they are equal")
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


def execute(root: Path, plan: Plan, today: date, push: list[PushUpdate], push_remote: str | None) -> Outcome:
    head = git_text(root, "symbolic-ref", "HEAD")
    backup = {r.name: r.object for r in scan.refs(root) if not r.symbolic}
    state = {
        "version": 1,
        "phase": "prepared",
        "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "today": today.isoformat(),
        "head": head,
        "refs": backup,
        "cases": [{"case": t.case_id, "closed": t.closed.isoformat(), "paths": list(t.paths)} for t in plan.targets],
        "paths": sorted(plan.paths),
        "blobs": sorted(plan.blobs),
        "shared": dict(sorted(plan.shared.items())),
        "push": {"remote": push_remote, "updates": [[u.remote_ref, u.expected, u.local_ref] for u in push]} if push_remote else None,
        "proof": {},
    }
    gdir = git_dir(root)
    state["objects_before"] = _object_files(gdir)
    _backup_reflogs(root, gdir)
    journal.write(root, state)
    _checkpoint("prepared")
    trace("backup of refs, reflogs, object list")
    try:
        _rewrite(root, plan)
        trace("git-filter-repo")
        for path in plan.paths:  # git-filter-repo's reset leaves files it no longer tracks
            (root / path).unlink(missing_ok=True)
        state["proof"].update(_check_rewrite(root, plan, backup))
        trace("check: trees and messages")
    except BaseException:
        _roll_back(root, state)
        raise
    finally:
        journal.clear_work(root)
    state["phase"] = "rewritten"
    journal.write(root, state)
    _checkpoint("rewritten")
    try:
        _commit_log(root, plan, today)
    except BaseException:
        _roll_back(root, state)
        raise
    state["phase"] = "committed"
    journal.write(root, state)
    _checkpoint("committed")
    trace("purge-log commit")
    return _finish(root, state)


def _object_files(gdir: Path) -> list[str]:
    """The files of the object database now: a rollback deletes whatever the rewrite added."""
    objects = gdir / "objects"
    found = []
    for folder, _, files in os.walk(objects):
        relative = Path(folder).relative_to(objects).as_posix()
        if relative == "pack" or len(relative) == 2:  # packs and loose objects (xx/...)
            found += [f"{relative}/{name}" for name in files]
    return sorted(found)


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


def filter_repo_command(paths_file: Path, message_file: Path | None, refs: list[str] | None) -> list[str]:
    """The git-filter-repo invocation; `refs` None means from the root, over every ref.

    `--prune-empty never` and `--prune-degenerate never`: every commit keeps its place (a
    commit that only added personal data stays, empty, its message redacted). That keeps
    history's shape, and it is what makes a rewrite from the first changed commit equal to
    one from the root: git-filter-repo warns that with negative revisions it cannot judge
    degenerate merges.
    """
    command = [
        sys.executable, "-m", "git_filter_repo", "--force", "--quiet",
        "--invert-paths", "--paths-from-file", str(paths_file),
        "--prune-empty", "never", "--prune-degenerate", "never",
    ]
    if message_file is not None:
        command += ["--replace-message", str(message_file)]
    if refs is not None:
        command += ["--refs", *refs]
    return command


def _rewrite(root: Path, plan: Plan, full: bool = False) -> None:
    work = journal.work_dir(root)
    work.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(git_dir(root) / "filter-repo", ignore_errors=True)  # else it may ask a question
    paths_file = work / "paths.txt"
    paths_file.write_text("".join(f"literal:{p}\n" for p in sorted(plan.paths)), encoding="utf-8")
    message_file = None
    if plan.patterns:
        message_file = work / "messages.txt"
        message_file.write_bytes(purge_plan.replace_message_file(plan.patterns))
    refs = None if full else [*plan.rewrite_refs, *(f"^{b}" for b in plan.boundary)]
    command = filter_repo_command(paths_file, message_file, refs)
    if os.environ.get(KILL_ENV) == "rewrite":
        command += ["--commit-callback", _KILL_CALLBACK]
    result = subprocess.run(command, cwd=root, stdin=subprocess.DEVNULL, capture_output=True, env=git_env())
    shutil.rmtree(git_dir(root) / "filter-repo", ignore_errors=True)
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise Refused(f"git-filter-repo failed ({detail[-1] if detail else 'exit ' + str(result.returncode)}); the repository was rolled back to how it was")


# In tests only: git-filter-repo kills ekc and then itself on the third commit it rewrites.
_KILL_CALLBACK = """
import os, signal
os.environ['EKC_SEEN'] = str(int(os.environ.get('EKC_SEEN', '0')) + 1)
if os.environ['EKC_SEEN'] == '3':
    os.kill(os.getppid(), signal.SIGKILL)
    os.kill(os.getpid(), signal.SIGKILL)
"""


def _check_rewrite(root: Path, plan: Plan, backup: dict[str, str]) -> dict[str, Any]:
    """Before anything is committed or collected: only the purged paths left, only names left.

    A failure here rolls back, so a purge that would change anything else never lands.
    """
    after = {r.name: r for r in scan.refs(root) if not r.symbolic}
    problems: list[str] = []
    compared = rewritten = 0
    for name, old in sorted(backup.items()):
        ref = after.get(name)
        if ref is None:
            problems.append(f"{name} disappeared")
            continue
        if ref.object == old:
            compared += 1
            continue
        rewritten += 1
        old_commit = git_text(root, "rev-parse", f"{old}^{{commit}}") if ref.type == "tag" else old
        if ref.type not in ("commit", "tag"):
            continue
        for status, path in scan.tree_changes(root, old_commit, ref.peeled):
            if not (status == "D" and path in plan.paths):
                problems.append(f"{name}: {path} changed ({status})")
        compared += 1
    extra = sorted(set(after) - set(backup))
    problems += [f"{name} appeared" for name in extra]
    compiled = purge_plan.compiled(plan.patterns)
    # The commits the rewrite made; every other commit is one the plan scanned and found clean.
    new_tips = sorted({after[name].peeled for name in plan.rewrite_refs if name in after})
    messages = scan.commit_messages(root, [*new_tips, "--not", *plan.boundary]) if new_tips else {}
    tags = scan.tag_messages(root, [r.object for r in after.values() if r.type == "tag"])
    named = sum(1 for m in [*messages.values(), *tags.values()] if any(p.search(m) for p in compiled))  # one pattern
    if named:
        problems.append(f"{named} commit or tag message(s) still name a purged person")
    if problems:
        raise Refused("the rewrite did not do what was planned, so it was rolled back: " + "; ".join(problems[:5]))
    return {
        "refs_compared": compared,
        "refs_rewritten": rewritten,
        "messages_checked": len(messages) + len(tags),
        "messages_scanned_before": plan.commits_total + plan.tags_total,
        "commits_rewritten": len(plan.tainted),
        "commits_total": plan.commits_total,
        "oldest_rewritten": plan.oldest,
    }


def _commit_log(root: Path, plan: Plan, today: date) -> None:
    from ekc.store.yamlio import atomic_write, dump_roundtrip, load_roundtrip

    log_path = root / "purge-log.yaml"
    document = load_roundtrip(log_path) if log_path.is_file() else None
    if document is None:
        from ruamel.yaml.comments import CommentedMap as _Map

        document = _Map()
    if document.get("purges") is None:
        document["purges"] = []
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    drafts = [purge_plan.PurgeRecordDraft(t.case_id, t.closed, t.paths) for t in plan.targets]
    for entry in purge_plan.log_entries(drafts, today):
        paths = CommentedSeq(entry["paths"])
        paths.fa.set_flow_style()  # `paths: [a, b]`, as DATA-FORMAT.md writes it
        document["purges"].append(CommentedMap({**entry, "paths": paths}))
    atomic_write(log_path, dump_roundtrip(document))
    git(root, "add", "--", "purge-log.yaml")
    message = purge_plan.purge_commit_message([t.case_id for t in plan.targets])
    git(root, "-c", "gc.auto=0", "commit", "--no-verify", "--quiet", "-F", "-", input=message.encode())


def _roll_back(root: Path, state: dict[str, Any]) -> None:
    """Back to the refs, files, reflogs and objects from before: nothing was collected yet."""
    gdir = git_dir(root)
    backup = state.get("refs")
    if backup:
        now = {r.name: r.object for r in scan.refs(root) if not r.symbolic}
        commands = [f"update {name} {sha}\n" for name, sha in sorted(backup.items()) if now.get(name) != sha]
        commands += [f"delete {name}\n" for name in sorted(set(now) - set(backup))]
        if commands:
            git(root, "update-ref", "--stdin", input="".join(commands).encode())
        head = state.get("head")
        if head:
            git(root, "symbolic-ref", "HEAD", head)
        # read-tree, not reset --hard: no ORIG_HEAD, no reflog entry
        git(root, "read-tree", "--reset", "-u", "HEAD")
    saved_logs = journal.reflog_backup(root)
    if saved_logs.is_dir():
        shutil.rmtree(gdir / "logs", ignore_errors=True)
        saved_logs.rename(gdir / "logs")
    if state.get("objects_before") is not None:
        keep = set(state["objects_before"])
        for path in _object_files(gdir):
            if path not in keep:
                (gdir / "objects" / path).unlink(missing_ok=True)
    _remove_crash_reports(gdir)
    shutil.rmtree(gdir / "filter-repo", ignore_errors=True)
    journal.remove(root)


def _remove_crash_reports(gdir: Path) -> None:
    """git fast-import writes one when its input stops mid-stream (a killed rewrite)."""
    for report in gdir.glob("fast_import_crash_*"):
        report.unlink(missing_ok=True)


def _finish(root: Path, state: dict[str, Any]) -> Outcome:
    """Everything after the purge commit: idempotent, so an interrupted run is finished by the next."""
    gdir = git_dir(root)
    phase = state["phase"]
    if phase == "committed":
        shutil.rmtree(gdir / "filter-repo", ignore_errors=True)
        shutil.rmtree(journal.reflog_backup(root), ignore_errors=True)
        for name in RESIDUE_FILES:
            (gdir / name).unlink(missing_ok=True)
        # git rerere keeps the text of resolved conflicts, personal.yaml lines included
        shutil.rmtree(gdir / "rr-cache", ignore_errors=True)
        _remove_crash_reports(gdir)
        # the caches hold no personal value by construction (ekc/store/loader.py, _may_cache);
        # dropped all the same, so that no verdict about a purged file outlives it
        from ekc.store.cache import CACHE_FILES, cache_dir

        for name in CACHE_FILES:
            (cache_dir(root) / name).unlink(missing_ok=True)
        git(root, "worktree", "prune")
        git(root, "reflog", "expire", "--expire=now", "--expire-unreachable=now", "--all")
        phase = state["phase"] = "expired"
        journal.write(root, state)
        _checkpoint("expired")
        trace("reflog expire")
    if phase == "expired":
        # gc, not a bare repack: it also rewrites the commit-graph and multi-pack index,
        # which would otherwise still list the old commits (and fail `git fsck`).
        git(root, "-c", "gc.reflogExpire=now", "-c", "gc.reflogExpireUnreachable=now", "-c", "gc.pruneExpire=now",
            "gc", "--prune=now", "--quiet")
        phase = state["phase"] = "collected"
        journal.write(root, state)
        _checkpoint("collected")
        trace("gc")
    if phase == "collected":
        state["proof"].update(_prove_gone(root, set(state["blobs"]), set(state["paths"]), state.get("shared", {})))
        phase = state["phase"] = "verified"
        journal.write(root, state)
        trace("proof: blobs absent")
    outcome = Outcome(targets=state["cases"], proof=state["proof"], push_remote=(state.get("push") or {}).get("remote"))
    if state.get("push"):
        outcome.pushed = _push(root, state)
    else:
        outcome.publish = publish_command(root, state["refs"])
    journal.remove(root)
    return outcome


def _prove_gone(root: Path, blobs: set[str], paths: set[str], known_shared: dict[str, str]) -> dict[str, Any]:
    """Every blob absent, or held by a file that stays.

    A blob the plan saw under a kept personal.yaml is explained by it (the rewrite removes
    only purged paths); any other survivor is looked up among all reachable objects, and one
    that no kept path holds is a failure.
    """
    missing = scan.missing_objects(root, blobs)
    present = blobs - missing
    shared = {blob: known_shared[blob] for blob in present if blob in known_shared}
    unexplained = present - set(shared)
    kept = scan.reachable_paths_of(root, unexplained)
    shared |= {blob: path for blob, path in kept.items() if path not in paths}
    failed = sorted(present - set(shared))
    proof = {
        "blobs_checked": len(blobs),
        "blobs_absent": len(missing),
        "blobs_shared": dict(sorted(shared.items())),
        "blobs_still_present": failed,
    }
    if failed:
        raise Refused(
            f"verification failed: {len(failed)} blob(s) of purged files are still in the object database "
            f"({', '.join(failed[:3])}); run `git gc --prune=now` and check for .keep packs, then `ekc purge` again"
        )
    return proof


def _push(root: Path, state: dict[str, Any]) -> list[str]:
    push = state["push"]
    remote = push["remote"]
    now = {r.name: r.object for r in scan.refs(root) if not r.symbolic}
    args, names = [], []
    for remote_ref, expected, local_ref in push["updates"]:
        new = now.get(local_ref)
        if new is None or new == expected:
            continue
        args += [f"--force-with-lease={remote_ref}:{expected}"]
        names.append(f"{new}:{remote_ref}")
    if not names:
        return []
    def run(*extra: str) -> subprocess.CompletedProcess:
        return git_layer.run(root, "push", "--porcelain", *extra, *args, remote, *names)

    # atomic where the server can: a refused lease on one branch must not leave the others pushed
    result = run("--atomic")
    if result.returncode != 0 and b"does not support --atomic" in result.stderr:
        result = run()
    if result.returncode != 0:
        journal.remove(root)
        detail = (result.stderr or result.stdout).decode("utf-8", "replace").strip().splitlines()
        raise Refused(
            f"the purge is done here, but pushing to {remote} failed ({detail[-1] if detail else 'exit ' + str(result.returncode)}); "
            f"someone pushed meanwhile: do not pull their commits into this clone; ask them to re-clone, then push again with "
            f"`git push --force-with-lease {remote} ...`"
        )
    return [n.split(":", 1)[1] for n in names]


# -- an interrupted purge ----------------------------------------------------------------

def pending(root: Path) -> dict[str, Any] | None:
    return journal.read(root) if is_git_repository(root) else None


def recover(root: Path) -> Outcome:
    """Roll an interrupted purge back (before its commit) or finish it (after)."""
    state = journal.read(root)
    if state is None:
        raise Refused("there is no interrupted purge to recover")
    if state.get("corrupt") or state["phase"] in journal.ROLL_BACK_PHASES:
        if state.get("corrupt"):
            journal.remove(root)
            raise Refused("the purge journal under .git/ekc/ is unreadable; check `git status` and `git log`, then remove .git/ekc/purge-journal.json")
        _roll_back(root, state)
        return Outcome(targets=state["cases"], proof={}, recovered="rolled back")
    outcome = _finish(root, state)
    outcome.recovered = "completed"
    return outcome
