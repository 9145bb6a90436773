"""Read-only history plumbing for the gate: commits in a range, paths in trees, blobs.

Plain `git` through the one git layer rather than GitPython's object database: a
pre-receive hook must see exactly what git sees (quarantined objects of a push in progress
reach a child `git` through the environment git sets for the hook), and one `cat-file
--batch` answers thousands of questions in one process.
"""

from __future__ import annotations

import io
import os
import re
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ekc.store.git import GitFailed, commits_and_parents, failure, object_contents, stream
from ekc.store.git import read as git

__all__ = ["GitFailed", "changed_paths", "existing_paths", "export_tree", "first_parents", "held_paths",
           "is_zero", "read_blobs", "ref_tips", "resolve_commit", "rev_list", "rev_list_parents", "work_tree_root"]

ZERO = re.compile(r"^0{40}$|^0{64}$")


def is_zero(rev: str) -> bool:
    """The all-zero id git uses for 'no commit': the old side of a new branch."""
    return bool(ZERO.match(rev))


def work_tree_root(path: Path) -> Path | None:
    try:
        return Path(git(path, "rev-parse", "--show-toplevel").decode().strip()).resolve()
    except GitFailed:
        return None


def resolve_commit(cwd: Path | str, rev: str) -> str | None:
    """The full id of the commit `rev` names, or None if it names none."""
    if not rev or rev.startswith("-"):
        return None
    try:
        return git(cwd, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}").decode().strip() or None
    except GitFailed:
        return None


def rev_list(cwd: Path | str, *revs: str) -> list[str]:
    """Commit ids, newest first; `revs` as for `git rev-list` (e.g. new, '--not', '--all')."""
    return git(cwd, "rev-list", *revs).decode().split()


def rev_list_parents(cwd: Path | str, *revs: str) -> tuple[list[str], dict[str, list[str]]]:
    """`rev_list` with each commit's parents (first parent first), from the same walk."""
    return commits_and_parents(git(cwd, "rev-list", "--parents", *revs))


def ref_tips(cwd: Path | str) -> list[str]:
    """The commit every existing ref points at (tags peeled)."""
    out = git(cwd, "for-each-ref", "--format=%(objectname) %(*objectname) %(objecttype)")
    tips = []
    for line in out.decode().splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] == "tag":
            tips.append(parts[1])
        elif parts and parts[-1] == "commit":
            tips.append(parts[0])
    return tips


def existing_paths(cwd: Path | str, pairs: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which (commit, path) pairs name a file in that commit's tree; one process for all."""
    if not pairs:
        return set()
    request = "".join(f"{commit}:{path}\n" for commit, path in pairs).encode()
    out = git(cwd, "cat-file", "--batch-check", stdin=request).decode().splitlines()
    return {pair for pair, line in zip(pairs, out) if not line.endswith(" missing")}


def all_parents(cwd: Path | str, commits: list[str]) -> dict[str, list[str]]:
    """Each commit's parents, first parent first (none for a root commit)."""
    if not commits:
        return {}
    out = git(cwd, "log", "--no-walk=unsorted", "--stdin", "--format=%H %P", stdin="".join(f"{c}\n" for c in commits).encode())
    parents: dict[str, list[str]] = {}
    for line in out.decode().splitlines():
        ids = line.split()
        if ids:
            parents[ids[0]] = ids[1:]
    return parents


def first_parents(cwd: Path | str, commits: list[str]) -> dict[str, str | None]:
    """Each commit's first parent (None for a root commit)."""
    return {c: (ps[0] if ps else None) for c, ps in all_parents(cwd, commits).items()}


_OTHER_PARENTS = "ekc: against the other parents of merges"  # not a commit id: diff-tree passes it through


@dataclass
class RangeChanges:
    """What each commit of a range changes, from one `diff-tree --raw` for the whole range."""

    parents: dict[str, str | None]  # first parent
    first: dict[str, dict[str, tuple[str, str]]]  # commit -> path -> (status, new blob) against its first parent
    others: dict[str, dict[str, tuple[str, str]]]  # the same against a merge's other parents

    def present_by_first_parent(self, paths: set[str]) -> dict[str, dict[str, bool]]:
        """commit -> {path: whether the commit holds it} for the paths its first-parent diff touches."""
        return {c: {p: not st.startswith("D") for p, (st, _) in changed.items() if p in paths} for c, changed in self.first.items()}

    def brought_in(self) -> list[tuple[str, str, str]]:
        """(commit, path, blob) of every file a commit added or changed against any parent."""
        found = []
        for table in (self.first, self.others):
            for commit, changed in table.items():
                found += [(commit, p, blob) for p, (st, blob) in changed.items() if st[:1] in "AMCRT"]
        return found


def range_changes(cwd: Path | str, commits: list[str], parents: dict[str, list[str]] | None = None,
                  seen: Callable[[str, str, str], None] | None = None) -> RangeChanges:
    """Every commit against its first parent (a root against nothing), then every merge
    against its other parents: the blob ids come with the diff, nothing is looked up by path.
    `parents` (every commit's, as `all_parents` gives them) when the caller has them.
    `seen(commit, path, blob)` is told of each file a commit adds or changes as git's
    output comes in, while git still walks the rest of the range."""
    if not commits:
        return RangeChanges({}, {}, {})
    if parents is None or any(c not in parents for c in commits):
        parents = all_parents(cwd, commits)
    request = ["".join(f"{c} {parents[c][0]}\n" if parents.get(c) else f"{c}\n" for c in commits), _OTHER_PARENTS + "\n"]
    request += [f"{c} {p}\n" for c in commits for p in parents.get(c, [])[1:]]
    args = ("-c", "core.quotePath=false", "diff-tree", "--stdin", "-r", "--root", "--no-renames", "--raw", "--no-abbrev")
    wanted = set(commits)
    first: dict[str, dict[str, tuple[str, str]]] = {}
    others: dict[str, dict[str, tuple[str, str]]] = {}
    table, current = first, None
    with tempfile.TemporaryFile() as stdin:
        stdin.write("".join(request).encode())
        stdin.seek(0)
        process = stream(cwd, *args, stdin=stdin)
        try:
            for raw in process.stdout:
                line = raw.decode("utf-8", "replace").rstrip("\n")
                if line.startswith(":") and current is not None:
                    meta, _, path = line.partition("\t")
                    fields = meta.split()
                    table.setdefault(current, {})[path] = (fields[4], fields[3])
                    if seen is not None and fields[4][:1] in "AMCRT":
                        seen(current, path, fields[3])
                elif line == _OTHER_PARENTS:
                    table, current = others, None
                elif line in wanted:
                    current = line
        except BaseException:
            process.kill()  # `seen` failed: git stops, and its pipes close
            process.communicate()
            raise
        err = process.stderr.read()
        code = process.wait()
    if code != 0:
        raise failure(args, code, err)
    return RangeChanges({c: (ps[0] if ps else None) for c, ps in parents.items()}, first, others)


def held_paths(cwd: Path | str, commits: list[str], paths: list[str], changed: RangeChanges | None = None) -> dict[str, list[str]]:
    """path -> the commits (of `commits`, in their order) whose tree holds it.

    Asking every commit about every path costs a tree walk each; instead one diff of each
    commit against its first parent, limited to `paths`, says where a path appears or
    goes, and a commit that does not touch it holds it exactly when its first parent does.
    Only first parents outside `commits` are looked up directly.
    """
    if not commits or not paths:
        return {}
    wanted = set(commits)
    if changed is not None:  # the range's one diff, shared with the other checks
        parents = changed.parents
        changes = changed.present_by_first_parent(set(paths))
    else:
        parents = first_parents(cwd, commits)
        request = "".join(f"{c} {parents[c]}\n" if parents.get(c) else f"{c}\n" for c in commits)
        # paths are from the top of the tree, taken literally, whatever folder cwd is
        pathspecs = [f":(top,literal){path}" for path in paths]
        out = git(cwd, "diff-tree", "--stdin", "-r", "--root", "--no-renames", "--name-status", "--", *pathspecs, stdin=request.encode())
        changes = {}
        current = None
        for line in out.decode("utf-8", "replace").splitlines():
            if "\t" in line and current is not None:
                status, path = line.split("\t", 1)
                changes.setdefault(current, {})[path] = not status.startswith("D")
            elif line.split(" ", 1)[0] in wanted:
                current = line.split(" ", 1)[0]
    outside = sorted({p for c in commits if (p := parents.get(c)) and p not in wanted})
    at_boundary = existing_paths(cwd, [(p, path) for p in outside for path in paths])
    touched = {path for changed in changes.values() for path in changed}
    inherited = {path for _, path in at_boundary}
    found: dict[str, list[str]] = {}
    for path in paths:
        if path not in touched and path not in inherited:
            continue  # no commit of the range adds it, and none starts from a commit holding it
        held: dict[str, bool] = {}
        for commit in commits:
            chain, cursor = [], commit
            while True:
                if cursor in held:
                    value = held[cursor]
                    break
                if cursor not in wanted:
                    value = (cursor, path) in at_boundary
                    break
                change = changes.get(cursor, {}).get(path)
                if change is not None:
                    value = change
                    break
                chain.append(cursor)
                cursor = parents.get(cursor)
                if cursor is None:
                    value = False
                    break
            if cursor in wanted and cursor not in held:
                held[cursor] = value
            for visited in chain:
                held[visited] = value
        holders = [c for c in commits if held.get(c)]
        if holders:
            found[path] = holders
    return found


def read_blobs(cwd: Path | str, specs: list[str]) -> dict[str, tuple[str, bytes] | None]:
    """`rev:path` -> (blob id, bytes), or None when there is no such file."""
    if not specs:
        return {}
    out = git(cwd, "cat-file", "--batch", stdin="".join(f"{spec}\n" for spec in specs).encode())
    stream = io.BytesIO(out)
    found: dict[str, tuple[str, bytes] | None] = {}
    for spec in specs:
        header = stream.readline().decode().rstrip("\n").split()
        if len(header) != 3:
            found[spec] = None  # "<spec> missing" or "ambiguous"
            continue
        oid, kind, size = header
        body = stream.read(int(size))
        stream.readline()  # the newline after every object
        found[spec] = (oid, body) if kind == "blob" else None
    return found


def changed_paths(cwd: Path | str, commits: list[str]) -> dict[str, set[str]]:
    """Files each commit added or changed (against every parent of a merge; a root commit
    against nothing). Deletions are left out: a deleted file brings nothing in."""
    if not commits:
        return {}
    wanted = set(commits)
    out = git(
        cwd, "diff-tree", "--stdin", "-r", "--root", "-m", "--no-renames", "--name-only",
        "--diff-filter=AMCRT", stdin="".join(f"{c}\n" for c in commits).encode(),
    )
    changed: dict[str, set[str]] = {c: set() for c in commits}
    current = None
    for line in out.decode("utf-8", "replace").splitlines():
        first = line.split(" ", 1)[0]
        if first in wanted:
            current = first
        elif current is not None and line:
            changed[current].add(line)
    return changed


def read_objects(cwd: Path | str, ids: list[str]) -> dict[str, bytes]:
    """id -> content of each blob among `ids`; one `cat-file --batch`."""
    return object_contents(cwd, ids, kind=b"blob")


def tree_blobs(cwd: Path | str, rev: str, folder: str, name: str) -> set[str]:
    """The blob ids of the files called `name` under `folder` in `rev`'s tree (one ls-tree)."""
    out = git(cwd, "ls-tree", "-r", "--full-tree", rev, "--", folder)
    found = set()
    for line in out.decode("utf-8", "replace").splitlines():
        meta, _, path = line.partition("\t")
        if path.rsplit("/", 1)[-1] == name and meta.count(" ") == 2:
            found.add(meta.split()[2])
    return found


def export_tree(cwd: Path | str, commit: str, destination: Path) -> None:
    """Write the files of `commit` into `destination`: a bare repository has no work tree."""
    archive = git(cwd, "archive", "--format=tar", commit)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        members = tar.getmembers()
        plain = [m for m in members if not (m.issym() or m.islnk())]
        tar.extractall(destination, members=plain, filter="data")
        # A pushed link is made as a link, never followed: the walker names it a finding.
        # (tarfile's data filter would refuse one pointing outside, and a hook that crashes
        # tells the pusher nothing.)
        for link in (m for m in members if m.issym() or m.islnk()):
            target = destination / link.name
            if destination.resolve() not in target.parent.resolve().parents and target.parent.resolve() != destination.resolve():
                continue  # a name like ../x cannot come from git, but is never written outside
            target.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(link.linkname, target)
