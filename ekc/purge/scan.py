"""Reading what the purge needs from git history, read-only, a few whole-history passes.

Each function is one `git` call whose output is parsed here; none changes anything, so
`ekc purge --dry-run` and a refused start leave the repository exactly as it was.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ekc.purge import FOLDER_DEPTH, GONE
from ekc.store.git import failure, git, git_quotes, object_contents, run, start, unquote_path


class Background:
    """A read-only git command running while Python does other work (two cores, two jobs).

    Its output goes to an unnamed temporary file inside the git directory (unlinked at
    once, gone on close; messages hold names), not to a pipe: a thread draining a pipe
    waits for the interpreter lock at every chunk while the main thread is busy, and git
    stalls behind it.
    """

    def __init__(self, root: Path, *args: str, stdin=None):
        import tempfile

        from ekc.store.git import git_dir

        self.args = args
        self.output = tempfile.TemporaryFile(dir=git_dir(root))
        self.errors = tempfile.TemporaryFile(dir=git_dir(root))
        self.process = start(root, *args, stdout=self.output, stderr=self.errors, stdin=stdin)
        if stdin is not None:
            stdin.close()  # the child has its own copy

    def cancel(self) -> None:
        """Not needed after all (the purge is rolled back): stopped, its output dropped."""
        self.process.kill()
        self.process.wait()
        self.output.close()
        self.errors.close()

    def result(self) -> bytes:
        code = self.process.wait()
        try:
            if code != 0:
                self.errors.seek(0)
                raise failure(self.args, code, self.errors.read())
            self.output.seek(0)
            return self.output.read()
        finally:
            self.output.close()
            self.errors.close()


class HalvedLog:
    """A whole-history `git log` (all refs and reflogs) as two git processes, one per core:
    the commits reachable from one half-way down, and all the others. Each commit is in
    exactly one half, its diff is the same in either, and nothing that reads the log depends
    on the order of its commits (tests/test_purge_range.py compares the halves with the
    whole). A short history is one process."""

    SPLIT_FROM = 2000  # commits; below this a second process costs more than it saves

    def __init__(self, root: Path, *options: str):
        middle = _middle_commit(root, self.SPLIT_FROM)
        if middle is None:
            self.parts = [Background(root, *options, "--all", "--reflog")]
        else:
            self.parts = [Background(root, *options, "--all", "--reflog", f"^{middle}"), Background(root, *options, middle)]

    def result(self) -> bytes:
        return b"".join([part.result() for part in self.parts])


def _middle_commit(root: Path, least: int) -> str | None:
    """A commit with about half of history behind it, if history holds at least `least` commits."""
    counted = run(root, "rev-list", "--count", "--all")
    count = int(counted.stdout or 0) if counted.returncode == 0 else 0
    if count < least:
        return None
    found = run(root, "rev-list", "--all", f"--skip={count // 2}", "--max-count=1")
    middle = found.stdout.decode().strip() if found.returncode == 0 else ""
    return middle or None


class CachedLog:
    """The same log as a HalvedLog, from the one kept since the last purge
    (`history_cache`) plus a walk of only the commits it does not hold: those made since,
    and any an old reflog entry reaches. A commit it holds that is gone since (a branch
    deleted, history rewritten by hand) is left out. `git log` prints each commit's diff the
    same whether it walks to it or is handed it (`--no-walk`), and nothing that reads the
    log depends on the order of its commits."""

    def __init__(self, root: Path, cached: dict[str, bytes]):
        self.root = root
        self.cached = cached
        self.listing = Background(root, "rev-list", "--all", "--reflog")

    def result(self) -> bytes:
        present = self.listing.result().decode("ascii").split()
        missing = [commit for commit in present if commit not in self.cached]
        parts = [self.cached[commit] for commit in present if commit in self.cached]
        # a long run of new commits is read as two processes, one per core, like HalvedLog
        halves = [missing] if len(missing) < HalvedLog.SPLIT_FROM else [missing[: len(missing) // 2], missing[len(missing) // 2 :]]
        reads = [_started_log(self.root, some) for some in halves if some]
        return b"".join(parts) + b"".join(read.result() for read in reads)


def _started_log(root: Path, commits: list[str]) -> Background:
    from ekc.purge.proof import _ids_file

    return Background(root, *PERSONAL_LOG_OPTIONS, "--no-walk=unsorted", "--stdin", stdin=_ids_file(root, commits))


def personal_log(root: Path) -> HalvedLog | CachedLog:
    """The whole-history log the plan reads: from the kept one where there is one."""
    from ekc.purge import history_cache

    cached = history_cache.read(root, PERSONAL_LOG_OPTIONS)
    return CachedLog(root, cached) if cached else HalvedLog(root, *PERSONAL_LOG_OPTIONS)


@dataclass
class HistoryReads:
    """The whole-history reads the plan needs, started together, before the data is loaded."""

    personal: HalvedLog | CachedLog
    graph: Background
    objects: object  # proof.ObjectDump: every blob, commit and tag, for the plan's scan


def start_reads(root: Path) -> HistoryReads:
    from ekc.purge.proof import ObjectDump

    return HistoryReads(
        personal=personal_log(root),
        graph=Background(root, *GRAPH),
        objects=ObjectDump(root),
    )


def start_reads_early(root: Path) -> HistoryReads | None:
    """The reads, started before the rest of the purge is even imported (the other core is
    idle meanwhile); None where `prepare` will not read now: not a repository, or an
    interrupted purge that must be finished first. Everything is read-only."""
    from ekc.purge import journal
    from ekc.store.git import is_git_repository

    if not is_git_repository(root) or journal.pending(root):
        return None
    return start_reads(root)


ZERO = "0" * 40

# every commit of every ref with its parents, parents first (commit-graph makes it cheap);
# read with store.git.commits_and_parents
GRAPH = ("rev-list", "--all", "--parents", "--topo-order", "--reverse")


def introducing(raw: bytes, blobs: set[str], paths: set[str], at: set[str] | None = None) -> set[str] | None:
    """The commits of a PERSONAL_LOG whose diff against a parent holds one of these blob ids
    or paths (a file or, through `-t`, a folder): where they came into history. One
    Aho-Corasick pass over the log. None where a path is one git quotes in the log, which this
    cannot match: the caller then rewrites from the root. `at`: gets, in the same pass, every
    path at which the log shows one of the blobs (as `paths_with_blobs`)."""
    import ahocorasick

    quoted = any(git_quotes(p) for p in paths)
    if quoted and at is None:
        return None
    automaton = ahocorasick.Automaton()
    for blob in blobs:
        automaton.add_word(f" {blob} ", True)
    for path in paths if not quoted else ():
        automaton.add_word(f"\t{path}\n", False)
    if not len(automaton):
        return set()
    automaton.make_automaton()
    text = raw.decode("utf-8", "surrogateescape") + "\n"
    commits = set()
    for end, is_blob in automaton.iter(text):
        header = text.rfind("\x01", 0, end)
        if header >= 0:
            commits.add(text[header + 1 : text.find(" ", header)])  # SHA-1 or SHA-256
        if is_blob and at is not None:
            at.update(_paths_of_line(text, end))
    return None if quoted else commits


def _paths_of_line(text: str, inside: int) -> list[str]:
    """The path (both paths of a rename) of the diff line of a PERSONAL_LOG around `inside`."""
    tab = text.find("\t", inside)
    line_end = text.find("\n", inside)
    return [unquote_path(path) for path in text[tab + 1 : line_end].split("\t")] if 0 <= tab < line_end else []


def folder_trees(raw: bytes) -> dict[bytes, dict[bytes, bytes]]:
    """For each commit of a PERSONAL_LOG, the tree id of each folder at most FOLDER_DEPTH deep
    that its diff lists (`-t`), GONE where the folder went (or became a file: the callbacks
    then hand that commit over file by file): what git-filter-repo can be handed instead of
    the files changed in a folder the purge leaves as it was (callbacks._whole_folders). A
    folder git quotes is left out: its files are handed over one by one, as without this."""
    trees: dict[bytes, dict[bytes, bytes]] = {}
    current: dict[bytes, bytes] = {}
    for line in raw.split(b"\n"):
        if line[:1] == b"\x01":
            current = trees.setdefault(line[1:].partition(b" ")[0], {})  # SHA-1 or SHA-256
        elif line[:1] == b":" and b"040000" in line[:15]:
            meta, _, path = line.partition(b"\t")
            if path.count(b"/") >= FOLDER_DEPTH or path[:1] == b'"':
                continue
            _, new_mode, _, new, _ = meta[1:].split(b" ")
            if new_mode == b"040000":
                current[path] = new
            elif new_mode == b"000000":
                current[path] = GONE
    return trees


def paths_with_blobs(raw: bytes, blobs: set[str]) -> set[str]:
    """Every path at which a PERSONAL_LOG shows one of these blobs (either side of a diff; both
    paths of a rename): `introducing`'s pass, its commits unused."""
    at: set[str] = set()
    introducing(raw, blobs, set(), at)
    return at


@dataclass
class PersonalHistory:
    """Every personal.yaml path that ever existed, its blobs, where it appeared, how it moved."""

    blobs: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    introduced_in: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    renames: set[tuple[str, str]] = field(default_factory=set)
    removed_at: dict[str, str] = field(default_factory=dict)  # path -> committer date (YYYY-MM-DD) it last left a tree


# No pathspec: git matches a `**/personal.yaml` glob against every changed path of every
# commit, five times slower on a long history than printing all changes and filtering here.
# `-t` and `%T`: the same pass is the plan's names scan of every tree (see proof.py).
# `-m` is `--diff-merges=on`, whose format git (2.31+) takes from the user's `log.diffMerges`:
# `first-parent` would drop each merge's diff against its other parents (where an orphan's
# folder leaves the tree in a `-s ours` merge), `combined` most of them; `separate` is what
# `-m` always meant before, and what every reader of this log expects
PERSONAL_LOG_OPTIONS = (
    "-c", "core.quotePath=false", "-c", "log.diffMerges=separate", "log", "--root", "-m", "-M", "-t", "--raw", "--no-abbrev", "--format=%x01%H %cs %T",
)
PERSONAL_LOG = (*PERSONAL_LOG_OPTIONS, "--all", "--reflog")


def root_tree(header: str) -> str:
    """The root tree id in a PERSONAL_LOG header line (`<commit> <date> <tree>`)."""
    return header.rpartition(" ")[2]


def personal_history(root: Path, raw: bytes | None = None) -> PersonalHistory:
    """One `git log` over all refs and reflogs, every parent of a merge, renames detected.

    Reflogs too: a blob only an old reflog entry still reaches is in the object database,
    so it belongs in the proof that it is gone.
    """
    out = (raw if raw is not None else git(root, *PERSONAL_LOG)).decode("utf-8", "surrogateescape")
    found = PersonalHistory()
    commit, when = "", ""
    for line in out.splitlines():
        if line.startswith("\x01"):
            commit, when, _ = line[1:].split(" ")
            continue
        if not line.startswith(":") or "personal.yaml" not in line:
            continue
        meta, *paths = line.split("\t")
        old_mode, new_mode, old, new, status = meta[1:].split(" ")
        if "040000" in (old_mode, new_mode):  # a folder (`-t`), not a file
            continue
        paths = [unquote_path(p) for p in paths]
        if not any(p == "personal.yaml" or p.endswith("/personal.yaml") for p in paths):
            continue
        if status.startswith(("R", "C")):
            source, target = paths
            if status.startswith("R"):
                found.renames.add((source, target))
                found.removed_at[source] = max(found.removed_at.get(source, ""), when)
        else:
            source = target = paths[0]
        if status == "D":
            found.removed_at[source] = max(found.removed_at.get(source, ""), when)
        if old != ZERO:
            found.blobs[source].add(old)
        if new != ZERO:
            found.blobs[target].add(new)
            if status[0] in "ACRMT":
                found.introduced_in[target].add(commit)
    return found


@dataclass(frozen=True)
class Ref:
    name: str
    object: str
    type: str  # commit | tag | tree | blob
    peeled: str  # the commit a tag points to, else the object itself
    symbolic: bool


def head_paths(root: Path) -> set[str]:
    """Every file in the tree at the tip of the checked-out (default) branch."""
    out = git(root, "-c", "core.quotePath=false", "ls-tree", "-r", "-z", "--name-only", "HEAD", check=False)
    return {p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p}


def refs(root: Path) -> list[Ref]:
    out = git(root, "for-each-ref", "--format=%(refname)%00%(objectname)%00%(objecttype)%00%(*objectname)%00%(symref)")
    found = []
    for line in out.decode("utf-8", "surrogateescape").splitlines():
        name, obj, kind, peeled, symref = line.split("\0")
        found.append(Ref(name, obj, kind, peeled or obj, bool(symref)))
    return found


def blob_contents(root: Path, ids: Iterable[str]) -> dict[str, bytes]:
    return object_contents(root, ids)


def missing_objects(root: Path, ids: Iterable[str]) -> set[str]:
    """Which of these objects the object database does not hold, reachable or not.

    `cat-file --batch-check` answers from loose objects and every pack, so an unreachable
    object that gc failed to prune counts as present: exactly what the proof must catch.
    """
    ids = sorted(set(ids))
    if not ids:
        return set()
    out = git(root, "cat-file", "--batch-check", input=("\n".join(ids) + "\n").encode()).decode()
    return {line.split()[0] for line in out.splitlines() if line.endswith(" missing")}


def raw_changes(root: Path, old: str, new: str) -> list[tuple[str, str, str]]:
    """(path, its old blob, status) of every file that differs between two commits' trees."""
    out = git(root, "-c", "core.quotePath=false", "diff-tree", "-r", "--no-renames", "--raw", "--no-abbrev", old, new)
    changes = []
    for line in out.decode("utf-8", "surrogateescape").splitlines():
        meta, _, path = line.partition("\t")
        fields = meta.split(" ")
        changes.append((unquote_path(path), fields[2], fields[4]))
    return changes
