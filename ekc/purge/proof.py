"""The proof of a purge: nothing of a purged person is left anywhere in the repository.

Every object in the database, reachable or not, is covered, each kind where its text is:

- blobs, commits and tags are read whole: one `git cat-file --batch` stream of exactly
  those ids (listed first by `--batch-all-objects --batch-check`), searched with a
  multi-string search (`Needles`, Aho-Corasick) for the identifying strings, and a set
  lookup for the purged blob ids;
- trees hold nothing but entry names and object ids. Their names come from one
  `git log --all --reflog -m -t --raw` (the names scan): every path of every tree of every
  commit it walks passes through it, in the diff of the commit that brought it in, and `-t`
  and each commit's root tree say which trees that covers. A tree it does not cover (one a
  tag or ref points at directly, one no commit reaches, one only the index holds) is read
  whole from the object stream. So a file or folder named after a person is found wherever
  it is, without streaming the gigabytes of trees a long history holds (every commit writes
  a new `cases/<year>` listing of up to thousands of entries).

Then every ref name, and every file under .git outside the object database (config,
packed-refs, logs, COMMIT_EDITMSG...); a git index as its text (`index_text`: its paths and
extensions, without the binary stat data and ids, which no cheap look can pass). The same
scan, run before the rewrite, tells the rewrite which blobs to redact.

In a purge, the names scan of the new history starts as soon as the rewrite has set the
refs (`RefsNamesLog`) and is read while gc runs, with the objects new since the scan before
the rewrite; after gc the proof lists the objects and reads only what it has not judged.

The proof after the rewrite does not read again what the scan before it read and found
clean: an object id names its bytes, and the strings searched for are the same.

What it reports names objects and places, never the string it found.
"""

from __future__ import annotations

import hashlib
import os
import re
import struct
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ekc.core.identifying import Needles
from ekc.purge.scan import PERSONAL_LOG_OPTIONS
from ekc.store.git import GitFailed, failure, git, git_dir, stream, unquote_path

ZERO = "0" * 40
TREE_MODE = "040000"

# the names scan: every path every walked commit brought in, with its trees (-t) and root tree;
# printed as the plan prints it (scan.PERSONAL_LOG_OPTIONS: renames paired, each header
# `<commit> <date> <root tree>`), so the walk of the new history is the next plan's log too
# (history_cache)
NAMES_LOG = (*PERSONAL_LOG_OPTIONS, "--all", "--reflog")
# the same, of the refs alone: started as soon as the rewrite has set them, while the reflogs
# still hold the old history (expired later); see RefsNamesLog for the commits made after.
REFS_NAMES_LOG = tuple(option for option in NAMES_LOG if option != "--reflog")


class RefsNamesLog:
    """The names scan of the refs (REFS_NAMES_LOG) started right after the rewrite, and,
    when its answer is asked for, the same scan (NAMES_LOG) of every commit the refs it
    walked did not reach: the purge's own commit, one a post-commit hook made, whatever is
    reachable by then. A tree read whole cannot show a name that spans folder levels
    (`0648/151623.txt`), so no commit of the final history may be left out of the scan.
    The first part runs beside the purge's own steps; the second walks only the new commits,
    and `since` does so again for the proof after gc (a commit made during gc)."""

    def __init__(self, root: Path):
        from ekc.purge.scan import Background

        self.root = root
        # the commits the refs point to now (git log --all reads the same refs when it starts)
        self.tips = _commit_tips(root)
        self.log = Background(root, *REFS_NAMES_LOG)

    def cancel(self) -> None:
        self.log.cancel()

    def result(self) -> bytes:
        return self.log.result() + self.since()

    def since(self) -> bytes:
        """The names scan of every commit no earlier walk reached (reflogs too); the refs as
        they are now count as walked after it (noted first: the walk reads them later)."""
        now = _commit_tips(self.root)
        # a tip gone since (the old commit of a renamed tag, collected by gc) is skipped
        walked = git(self.root, *NAMES_LOG, "--ignore-missing", "--stdin", input="".join(f"^{tip}\n" for tip in self.tips).encode())
        self.tips = sorted(set(self.tips) | set(now))
        return walked


def _commit_tips(root: Path) -> list[str]:
    """The commit each ref (and HEAD) points to, through tags."""
    listed = git(root, "for-each-ref", "--format=%(objecttype) %(objectname) %(*objecttype) %(*objectname)")
    tips = set()
    for line in listed.decode().splitlines():
        kind, sha, peeled_kind, peeled = (line.split(" ") + ["", "", "", ""])[:4]
        if kind == "commit":
            tips.add(sha)
        elif peeled_kind == "commit":
            tips.add(peeled)
    head = git(root, "rev-parse", "-q", "--verify", "HEAD^{commit}", check=False).decode().strip()
    if head:
        tips.add(head)
    return sorted(tips)


@dataclass
class ObjectScan:
    objects: int = 0
    blobs: set[str] = field(default_factory=set)  # blobs holding a string
    commits: set[str] = field(default_factory=set)  # commits whose message or identity holds one
    tags: set[str] = field(default_factory=set)
    trees: set[str] = field(default_factory=set)  # trees (read whole) with a file or folder named after a person
    paths: dict[str, str] = field(default_factory=dict)  # path holding a string -> a root tree that lists it
    purged_present: set[str] = field(default_factory=set)  # purged blob ids still in the database
    clean: set[str] = field(default_factory=set)  # blobs, commits and tags read and found holding nothing
    clean_commits: set[str] = field(default_factory=set)  # of those, the commits and tags


@dataclass
class HistoryNames:
    """What the names scan saw: every path (with a root tree listing it) and every tree it covers."""

    paths: dict[str, str] = field(default_factory=dict)
    trees: set[str] = field(default_factory=set)

    def merged(self, other: HistoryNames) -> HistoryNames:
        return HistoryNames({**other.paths, **self.paths}, self.trees | other.trees)


def history_names(raw: bytes, root_tree: Callable[[str], str] = lambda header: header.rpartition(" ")[2]) -> HistoryNames:
    """Parse a `git log -m -t --raw` whose header lines are `\x01...`; `root_tree` picks the
    commit's root tree id out of a header (its last word: `<commit> <date> <tree>`).

    Why this covers every tree of every walked commit: a commit's root tree is its header;
    a subtree is either in the commit's diff against a parent (`-t` prints changed trees,
    old and new ids), or the same tree at the same path in that parent, covered there. A
    root commit's diff lists everything. Each entry name of each of those trees is a part
    of a path printed when that entry came in, so searching the paths searches the names.
    """
    names = HistoryNames()
    paths, trees = names.paths, names.trees
    current = ""
    for line in raw.decode("utf-8", "surrogateescape").split("\n"):
        if line.startswith("\x01"):
            current = root_tree(line[1:])
            trees.add(current)
            continue
        if not line.startswith(":"):
            continue
        meta, _, path = line.partition("\t")
        if path not in paths:
            paths[path] = current
        if TREE_MODE in meta:
            old_mode, new_mode, old, new, _ = meta[1:].split(" ")
            if old_mode == TREE_MODE:
                trees.add(old)
            if new_mode == TREE_MODE:
                trees.add(new)
    # a rename or copy (the plan's log detects them) prints two paths in one field
    for path in [p for p in paths if "\t" in p or p.startswith('"')]:
        tree = paths.pop(path)
        for part in path.split("\t"):
            paths.setdefault(unquote_path(part), tree)
    trees.discard(ZERO)
    return names


@dataclass
class NamesJudged:
    """The names scan, judged: its paths that hold a string (each with a root tree listing
    it), and the trees of the database it does not cover, to be read whole."""

    paths: dict[str, str]
    uncovered: list[str]


def judge_names(names: HistoryNames, needles: Needles, trees: set[str]) -> NamesJudged:
    return NamesJudged({p: names.paths[p] for p in names_holding(names.paths, needles)}, sorted(trees - names.trees))


def names_holding(paths: Iterable[str], needles: Needles) -> list[str]:
    """The paths that hold a string: one search over all of them, then each one only if it hit
    (joined by line breaks, a hit can only be a superset of the paths' own hits)."""
    paths = list(paths)
    if not paths or not needles.find("\n".join(paths)):
        return []
    return [p for p in paths if needles.find(p)]


KINDS = ("cat-file", "--batch-all-objects", "--unordered", "--batch-check=%(objecttype) %(objectname)")
IDS = ("cat-file", "--batch-all-objects", "--unordered", "--batch-check=%(objectname)")  # no type: half the time


def _kinds(listing: bytes) -> tuple[list[str], set[str]]:
    others, trees = [], set()
    for line in listing.decode().splitlines():
        kind, sha = line.split(" ")
        (trees.add(sha) if kind == "tree" else others.append(sha))
    return others, trees


def _kinds_known(root: Path, listing: bytes, known: tuple[list[str], set[str]]) -> tuple[list[str], set[str]]:
    """_kinds of an IDS listing, each id's type taken from an earlier KINDS listing (`known`:
    an id's type never changes) and asked of git only for the ids that one did not list."""
    known_others, known_trees = set(known[0]), known[1]
    ids = listing.decode().split()
    asked = [i for i in ids if i not in known_trees and i not in known_others]
    new_others, new_trees = [], set()
    if asked:
        answer = git(root, "cat-file", "--batch-check=%(objecttype) %(objectname)", input=("\n".join(asked) + "\n").encode())
        # `<id> missing`: gone since it was listed (gc meanwhile)
        new_others, new_trees = _kinds(b"\n".join(line for line in answer.splitlines() if not line.endswith(b" missing")))
    new = set(new_others)
    trees = {i for i in ids if i in known_trees} | new_trees
    return [i for i in ids if i in known_others or i in new], trees


def object_kinds(root: Path) -> tuple[list[str], set[str]]:
    """(every blob, commit and tag id, in pack order; every tree id) in the database,
    reachable or not, loose or packed."""
    return _kinds(git(root, *KINDS))


def _ids_file(root: Path, ids: list[str]):
    wanted = tempfile.TemporaryFile(dir=git_dir(root))
    wanted.write(("\n".join(ids) + "\n").encode())
    wanted.seek(0)
    return wanted


def _records(out) -> Iterator[tuple[str, bytes, bytes]]:
    """(id, type, content) from `cat-file --batch` output, read in large chunks and cut in
    memory: a read call per object costs more than the search."""
    buffer = b""
    position = 0
    while True:
        chunk = out.read(1 << 22)
        if not chunk:
            break
        buffer = buffer[position:] + chunk
        position = 0
        while True:
            end = buffer.find(b"\n", position)
            if end < 0:
                break
            header = buffer[position:end].split()
            if len(header) < 3:  # "<id> missing": gone since it was listed (a gc meanwhile)
                position = end + 1
                continue
            sha, kind, size = header
            stop = end + 1 + int(size)
            if stop + 1 > len(buffer):
                break
            yield sha.decode(), kind, buffer[end + 1 : stop]
            position = stop + 1


def read_objects(root: Path, ids: list[str]) -> Iterator[tuple[str, bytes, bytes]]:
    """(id, type, content) of these objects, in one `cat-file --batch` stream.
    The ids go in through a file: a pipe written while the output is not read yet would block."""
    if not ids:
        return
    with _ids_file(root, ids) as wanted:
        process = stream(root, "cat-file", "--batch", stdin=wanted)
    try:
        yield from _records(process.stdout)
    finally:
        process.stdout.close()
        errors = process.stderr.read()
        process.stderr.close()
        code = process.wait()
    if code != 0:
        raise failure(("cat-file",), code, errors)


class ObjectDump:
    """Every blob, commit and tag in the database, read by git into an unnamed temporary
    file while Python does other work (the purge starts it before it loads the data, when
    the strings to search for are not known yet). A thread only starts the two git commands
    and waits: it hardly needs the interpreter."""

    def __init__(self, root: Path):
        import threading

        self.root = root
        self._result = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="ekc-object-dump", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        from ekc.store.git import start

        try:
            listing = tempfile.TemporaryFile(dir=git_dir(self.root))
            errors = tempfile.TemporaryFile(dir=git_dir(self.root))
            code = start(self.root, *KINDS, stdout=listing, stderr=errors).wait()
            if code != 0:
                errors.seek(0)
                raise failure(KINDS, code, errors.read())
            listing.seek(0)
            others, trees = _kinds(listing.read())
            listing.close()
            output = tempfile.TemporaryFile(dir=git_dir(self.root))
            with _ids_file(self.root, others) as wanted:
                code = start(self.root, "cat-file", "--batch", stdout=output, stderr=errors, stdin=wanted).wait()
            if code != 0:
                errors.seek(0)
                raise failure(("cat-file", "--batch"), code, errors.read())
            errors.close()
            output.seek(0)
            self._result = (others, trees, output)
        except BaseException as error:  # noqa: BLE001 - handed to the thread that asks
            self._error = error

    def result(self):
        """(blob, commit and tag ids; tree ids; the file of their `cat-file --batch` output)."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._result


# a whole object id (SHA-1 or SHA-256) in hex: a commit's `tree` and `parent`, a tag's
# `object`, a reflog's, packed-refs' and the commit map's ids; a name of the letters a-f
# between two digits reads as a word in one
OBJECT_ID = re.compile(rb"(?<![0-9a-f])(?:[0-9a-f]{64}|[0-9a-f]{40})(?![0-9a-f])")


def searchable(needles: Needles, content: bytes) -> bytes:
    """The content as searched: without whole object ids where a string could occur in hex
    (`Ada` in `parent 93ada51...`), which would otherwise fail the proof of every purge of a
    person so named (hundreds of a long history's commits, every reflog). A space stays in
    each one's place, so no two words join. A name in text is no 40-letter run of hex."""
    return OBJECT_ID.sub(b" ", content) if needles.in_object_ids else content


def _search(objects: Iterable[tuple[str, bytes, bytes]], needles: Needles, found: ObjectScan,
            skip: set[str] = frozenset()) -> None:
    """Each object into `found`: holding a string (by kind) or clean. The cheap look goes
    over groups of objects (most are small commits and YAML files, and a call per object
    costs more than the look); only a group that may hold a string is searched object by
    object. `skip`: ids already judged."""
    buckets = {b"blob": found.blobs, b"commit": found.commits, b"tag": found.tags}
    group: list[tuple[str, bytes, bytes]] = []
    size = 0

    def search_group() -> None:
        if group and not _may_hold(needles, b"\n".join(content for _, _, content in group)):
            found.clean.update(sha for sha, _, _ in group)
            found.clean_commits.update(sha for sha, kind, content in group if kind != b"blob" and _as_read(content))
        else:
            for sha, kind, content in group:
                if _holds(needles, content):
                    buckets[kind].add(sha)
                else:
                    found.clean.add(sha)
                    if kind != b"blob" and _as_read(content):
                        found.clean_commits.add(sha)
        group.clear()

    for item in objects:
        if item[0] in skip:
            continue
        group.append(item)
        size += len(item[2])
        if size >= _GROUP_BYTES:
            search_group()
            size = 0
    search_group()


def scan_objects(
    root: Path, needles: Needles, purged_blobs: set[str],
    names: HistoryNames | Callable[[], HistoryNames | NamesJudged],
    known_clean: set[str] = frozenset(), dump: ObjectDump | None = None,
    listing: Callable[[], tuple[list[str], set[str]]] | None = None, known: ObjectScan | None = None,
) -> ObjectScan:
    """Every blob, commit and tag through a raw-bytes pre-filter (only candidates are read as
    text); every path of the names scan; every tree the names scan does not cover, read whole.

    `names` may be a function: the names scan then runs meanwhile (started by the caller) and
    is waited for only after the object stream; it may answer judged already (the plan
    judges them in a forked child meanwhile). `known_clean`: ids an earlier scan with the
    same strings read and found holding nothing; not read again (an id names its bytes).
    `known`: what an earlier scan with the same strings judged (read while gc ran): those
    still in the database count as it found them, without a second read. `dump`: the
    objects, read already while the caller did other work; `listing`: their ids and types,
    listed meanwhile."""
    found = ObjectScan()
    if known is not None:
        known_clean = known_clean | known.clean
    judged: set[str] = set()
    if dump is not None:
        others, trees, output = dump.result()
        present = set(others)
        objects = _records(output)
    else:
        others, trees = listing() if listing is not None else object_kinds(root)
        present = set(others)
        if known is not None:  # held a string when read beside gc, and gc kept it
            found.blobs |= known.blobs & present
            found.commits |= known.commits & present
            found.tags |= known.tags & present
            judged = known.blobs | known.commits | known.tags
        objects = read_objects(root, [o for o in others if o not in known_clean and o not in judged])
    found.objects = len(others) + len(trees)
    found.purged_present = purged_blobs & present  # whatever its type: the id is the bytes
    # a purged blob is not judged: it goes wherever it is (and the proof names it if it stays)
    _search(objects, needles, found, known_clean | purged_blobs if purged_blobs else known_clean)
    if dump is not None:
        output.close()
    names = names() if callable(names) else names
    judged = names if isinstance(names, NamesJudged) else judge_names(names, needles, trees)
    found.paths = judged.paths
    for sha, _, content in read_objects(root, judged.uncovered):
        if _holds(needles, _TREE_IDS.sub(b"\n", content)):  # the names, without the binary ids
            found.trees.add(sha)
    return found


_GROUP_BYTES = 1 << 15


def _as_read(commit_or_tag: bytes) -> bool:
    """Whether git-filter-repo hands over this commit's or tag's text as the scan read it:
    not when its header names another encoding (`encoding ISO-8859-1`), which the rewrite
    re-encodes to UTF-8, where a name the raw bytes hid shows."""
    return b"\nencoding " not in commit_or_tag.partition(b"\n\n")[0]


def _may_hold(needles: Needles, content: bytes) -> bool:
    """The cheap look: False only when no string can be in it. Object ids are not text
    (`searchable`)."""
    return _looks_like(needles, searchable(needles, content))


def _looks_like(needles: Needles, text: bytes) -> bool:
    """The raw look is exact for ASCII text; text with other letters (a diacritic added to a
    name written without one) may always hold one."""
    return needles.raw_candidate(text) or not text.isascii()


def _holds(needles: Needles, content: bytes) -> bool:
    text = searchable(needles, content)
    return _looks_like(needles, text) and needles.find_bytes(text)


_TREE_IDS = re.compile(rb"\0.{20}", re.DOTALL)  # each entry's binary id (SHA-1), after its name


def ref_names(root: Path) -> list[str]:
    return git(root, "for-each-ref", "--format=%(refname)").decode("utf-8", "surrogateescape").splitlines()


def _walk(top: Path, skip: Callable[[str], bool]) -> Iterator[tuple[str, bool]]:
    """(relative path, is a file) of everything under `top`; os.walk, not Path.rglob (faster
    on the thousands of files a store and its cache hold). `skip` prunes folders by path."""
    for folder, folders, files in os.walk(top):
        here = os.path.relpath(folder, top)
        here = "" if here == "." else here.replace(os.sep, "/") + "/"
        folders[:] = [f for f in folders if not skip(here + f)]
        for name in folders:
            yield here + name, False
        for name in files:
            yield here + name, True


def holding(contents: list[tuple[str, bytes]], needles: Needles) -> list[str]:
    """The labels of the contents that hold a string: one cheap look over all of them joined
    (a hit there is a superset of their own hits), then each one searched only if that one
    may hold one. Not a full search of the joined bytes: one small binary file among them
    (ekc's own cache under .git) makes them all not ASCII, which the cheap look always
    passes, and the full search of an index's megabyte of paths took a tenth of a second."""
    if not contents or not _may_hold(needles, b"\n".join(data for _, data in contents)):
        return []
    return [label for label, data in contents if _holds(needles, data)]


def index_text(data: bytes) -> bytes | None:
    """The text a git index holds: each entry's path and the extensions, without the stat
    data and binary object ids around them; None when the bytes are no index this reads
    whole (then they are searched as they are).

    Why: an index of 30,000 files is megabytes of binary, which is never ASCII, so the cheap
    look cannot pass it and the full search takes most of a second; its paths alone are
    text. The cache-tree extension (folder names) is read the same way; other extensions
    (untracked cache, resolve-undo, ...) stay as they are, binary and all. The checksum at
    the end must be the index's own (so the bytes left out are what git wrote there, not a
    damaged or look-alike file), and every entry and extension must be read exactly up to
    it; else None. An index written without its checksum (`index.skipHash`) is searched as
    it is."""
    if len(data) < 12 or data[:4] != b"DIRC":
        return None
    version, count = struct.unpack(">II", data[4:12])
    if version not in (2, 3, 4):
        return None
    for id_size, digest in ((20, hashlib.sha1), (32, hashlib.sha256)):
        if len(data) > 12 + id_size and digest(data[:-id_size]).digest() == data[-id_size:]:
            return _index_text(data, version, count, id_size)
    return None


def _index_text(data: bytes, version: int, count: int, id_size: int) -> bytes | None:
    end_of_entries = len(data) - id_size
    position, previous, paths = 12, b"", []
    try:
        for _ in range(count):
            flags_at = position + 40 + id_size  # ctime, mtime, dev, ino, mode, uid, gid, size; id
            at = flags_at + 2 + (2 if version >= 3 and data[flags_at] & 0x40 else 0)
            if version == 4:  # the path: how much of the previous one it drops, then the rest
                byte = data[at]
                at += 1
                strip = byte & 0x7F
                while byte & 0x80:  # git's varint.c
                    byte = data[at]
                    at += 1
                    strip = ((strip + 1) << 7) | (byte & 0x7F)
                if strip > len(previous):
                    return None
                stop = data.index(b"\0", at)
                path = previous[: len(previous) - strip] + data[at:stop]
                position = stop + 1
            else:
                stop = data.index(b"\0", at)
                path = data[at:stop]
                position += (stop - position + 8) & ~7  # NUL padding to a multiple of 8
            if position > end_of_entries:
                return None
            paths.append(path)
            previous = path
        parts = [b"\n".join(paths)]
        while position < end_of_entries:
            signature, size = data[position : position + 4], int.from_bytes(data[position + 4 : position + 8], "big")
            body = data[position + 8 : position + 8 + size]
            position += 8 + size
            if position > end_of_entries:
                return None
            tree = _cache_tree_names(body, id_size) if signature == b"TREE" else None
            parts.append(tree if tree is not None else body)
    except (IndexError, ValueError):
        return None
    return b"\n".join(parts) if position == end_of_entries else None


def _cache_tree_names(body: bytes, id_size: int) -> bytes | None:
    """The folder names of a cache-tree extension: `<name>\0<entries> <subtrees>\n<id>`."""
    names, position = [], 0
    while position < len(body):
        stop = body.index(b"\0", position)
        names.append(body[position:stop])
        line_end = body.index(b"\n", stop)
        entries, _, subtrees = body[stop + 1 : line_end].partition(b" ")
        if not entries.lstrip(b"-").isdigit() or not subtrees.isdigit():
            return None
        position = line_end + 1 + (id_size if int(entries) >= 0 else 0)
    return b"\n".join(names) if position == len(body) else None


def git_files_with(root: Path, needles: Needles) -> list[str]:
    """Files under .git, outside the object database, that hold a string (relative paths).
    An index is searched as its text (`index_text`)."""
    gdir = git_dir(root)
    entries = sorted(_walk(gdir, lambda p: p == "objects"))
    contents = []
    for relative, is_file in entries:
        if not is_file:
            continue
        try:
            data = (gdir / relative).read_bytes()
        except OSError:
            continue
        contents.append((relative, index_text(data) or data))
    hits = set(holding(contents, needles)) | set(names_holding([r for r, _ in entries], needles))
    return [needles.redact(r) for r in sorted(hits)]


def _entries(root: Path, name: str) -> Iterator[tuple[str, bool]]:
    """(path, is a plain file) of `name` and, for a real folder, of everything under it."""
    path = root / name
    if path.is_dir() and not path.is_symlink():
        yield name, False
        for relative, is_file in _walk(path, lambda p: False):
            yield f"{name}/{relative}", is_file
    else:
        yield name, path.is_file() and not path.is_symlink()


def untracked_entries(root: Path) -> Iterator[tuple[str, bool]]:
    """(path, is a plain file) of everything in the work tree git does not track, ignored
    files too (no exclude rules). git lists untracked files, and a folder holding nothing
    tracked (an empty one too) as `name/`: only those folders are walked."""
    for raw in git(root, "-c", "core.quotePath=false", "ls-files", "-z", "--others", "--directory").split(b"\0"):
        if raw:
            yield from _entries(root, raw.decode("utf-8", "surrogateescape").rstrip("/"))


def work_files_with(root: Path, needles: Needles) -> list[str]:
    """Files and folders of the work tree whose name holds a string, and files git does not
    track (ignored ones too) whose content does.

    A tracked file is a blob of HEAD's tree, its name an entry of that tree: both are in the
    object scan (the purge starts and ends with a clean tree, so the index is HEAD). So only
    what git does not track is looked at here: git lists it (`ls-files --others --directory`,
    no exclude rules, so ignored files too; an untracked or empty folder as `name/`), and only
    such folders are walked, not the 30,000 tracked files of a long-lived store.

    What git shows neither as tracked nor as untracked is walked whole as well: anything
    under a folder named `.git` below the top (git skips that name at every depth), and a
    submodule's work tree (another repository). A tracked file git is told not to look at
    (`update-index --skip-worktree` or `--assume-unchanged`) is read: its content may differ
    from the blob and `git status` does not say so."""
    names: list[str] = []
    untracked: list[tuple[str, bytes]] = []

    def look_at(entries: Iterable[tuple[str, bool]]) -> None:
        for name, is_file in entries:
            names.append(name)
            if is_file:
                untracked.append((name, _read(root / name)))

    look_at(untracked_entries(root))
    folders: set[bytes] = set()
    for record in git(root, "ls-files", "-z", "-v", "-s").split(b"\0"):  # `<tag> <mode> <id> <stage>\t<path>`
        tab = record.find(b"\t")
        if tab < 0:
            continue
        raw = record[tab + 1:]
        folder = raw.rpartition(b"/")[0]
        while folder and folder not in folders:
            folders.add(folder)
            folder = folder.rpartition(b"/")[0]
        tag, mode = record[:1], record[2:8]
        if mode == b"160000":  # a submodule: git lists nothing of its work tree
            look_at(_entries(root, raw.decode("utf-8", "surrogateescape")))
        elif tag == b"S" or tag.islower():  # skip-worktree, assume-unchanged
            name = raw.decode("utf-8", "surrogateescape")
            path = root / name
            if path.is_file() and not path.is_symlink():
                untracked.append((name, _read(path)))
    top = os.fsencode(root)
    for folder in sorted(folders):
        if os.path.lexists(top + b"/" + folder + b"/.git"):
            look_at(_entries(root, folder.decode("utf-8", "surrogateescape") + "/.git"))
    hits = [needles.redact(p) for p in sorted(names_holding(names, needles))]
    hits += [needles.redact(name) for name in holding(untracked, needles)]
    return hits


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


@dataclass
class Proof:
    objects_scanned: int
    refs_scanned: int
    remaining: list[str]  # where something is left: object ids, "ref ...", ".git/..."; never the string

    @property
    def clean(self) -> bool:
        return not self.remaining


@dataclass
class BesideGc:
    """What the proof read while gc ran: the work tree and the objects new since the scan
    before the rewrite, each judged."""

    objects: ObjectScan
    work_files: list[str]
    names: HistoryNames | None = None  # the names scan, when one was started before gc
    names_log: bytes | None = None  # its log as git printed it (the next plan's, history_cache)
    kinds: tuple[list[str], set[str]] | None = None  # what the listing beside gc saw (_kinds)


def read_beside_gc(root: Path, needles: Needles, known_clean: set[str], names_log=None) -> BesideGc:
    """While gc packs the new history and drops the old (mostly on one core), the proof reads
    the work tree (which gc never touches) and every blob, commit and tag the scan before
    the rewrite did not read: the rewritten commits, the redacted files, the purge's own
    commit. An object gc drops meanwhile reads as missing and is skipped; after gc only what
    is still in the database counts (`prove`), and whatever this did not judge is read then."""
    from ekc.purge.scan import Background

    # One reader beside gc at a time: gc runs on one core, and a third process running beside
    # it (the names scan, the object listing, this one) slows gc more than it gains (bench:
    # gc with the proof beside it took 0.3 s less so). The names scan of the final history
    # (started after the rewrite) is waited for and parsed first.
    # A git reading beside gc may die when gc deletes the old packs ("packfile ... cannot be
    # accessed"): what was judged stays judged, and the proof after gc reads the rest (the
    # names scan whole again).
    try:
        raw = names_log.result() if names_log is not None else None
        names = history_names(raw) if raw is not None else None
    except GitFailed:
        raw = names = None
    listing = Background(root, *KINDS)
    work_files = work_files_with(root, needles)
    found = ObjectScan()
    kinds = None
    try:
        others, _ = kinds = _kinds(listing.result())
        _search(read_objects(root, [o for o in others if o not in known_clean]), needles, found)
    except GitFailed:
        pass
    return BesideGc(found, work_files, names, raw, kinds)


def prove(root: Path, needles: Needles, purged_blobs: set[str], known_clean: set[str] = frozenset(), names_log=None,
          beside: BesideGc | None = None) -> Proof:
    """`known_clean`: what the scan before the rewrite read and found clean, with the same
    strings. Those objects are unchanged (an id names its bytes), so only what is new since
    (the rewritten commits, the redacted files, the purge's own commit) is read again.
    `names_log`: the names scan (a scan.Background of NAMES_LOG), when the caller started it
    early, after the refs took their final values: a tree of a commit made since is not
    covered by it, so it is read whole. A RefsNamesLog walks every commit made since as
    well, up to the listing of the objects. `beside`: what was read while gc ran."""
    from ekc.purge.scan import Background

    # git lists the objects and walks the trees while Python reads the files under .git and
    # the work tree, then the objects
    late = names_log if isinstance(names_log, RefsNamesLog) else None
    names = None
    if beside is not None and beside.names is not None:
        names, names_log = beside.names, None
    elif beside is not None:  # the names scan beside gc was cut short by gc: walked again, now
        names_log, late = Background(root, *NAMES_LOG), None
    else:
        names_log = names_log or Background(root, *NAMES_LOG)

    def every_name() -> HistoryNames:
        """Asked for after the listing: a commit made since the names scan was read (during gc,
        by a hook or another program) is walked too, so no tree of it is left to a whole read."""
        seen = names if names_log is None else history_names(names_log.result())
        return seen.merged(history_names(late.since())) if late is not None else seen

    known_kinds = beside.kinds if beside is not None else None
    listing = Background(root, *(IDS if known_kinds is not None else KINDS))

    def kinds() -> tuple[list[str], set[str]]:
        return _kinds(listing.result()) if known_kinds is None else _kinds_known(root, listing.result(), known_kinds)

    files = [f".git/{p} holds an identifying string" for p in git_files_with(root, needles)]
    work_files = beside.work_files if beside is not None else work_files_with(root, needles)
    files += [f"work tree file {p} holds an identifying string" for p in work_files]
    scan = scan_objects(
        root, needles, purged_blobs, every_name, known_clean,
        listing=kinds, known=beside.objects if beside is not None else None,
    )
    remaining = [f"purged blob {b} is still in the object database" for b in sorted(scan.purged_present)]
    for kind, ids in (("blob", scan.blobs), ("commit", scan.commits), ("tag", scan.tags), ("tree", scan.trees)):
        remaining += [f"{kind} {sha} holds an identifying string" for sha in sorted(ids)]
    by_tree: dict[str, int] = {}
    for tree in scan.paths.values():
        by_tree[tree] = by_tree.get(tree, 0) + 1
    remaining += [f"tree {tree} lists {n} file or folder name(s) holding an identifying string" for tree, n in sorted(by_tree.items())]
    refs = ref_names(root)
    remaining += [f"a ref name holds an identifying string ({i + 1} of {len(refs)})" for i, r in enumerate(refs) if needles.find(r)]
    remaining += files
    return Proof(scan.objects, len(refs), remaining)
