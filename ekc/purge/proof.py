"""The proof of a purge: nothing of a purged person is left anywhere in the repository.

One pass over every object in the database, reachable or not (`git cat-file
--batch-all-objects --batch`), with a multi-string search (`Needles`, Aho-Corasick) for the
identifying strings and a set lookup for the purged blob ids; then every ref name, and every
file under .git outside the object database (config, packed-refs, logs, COMMIT_EDITMSG...).
The same scan, run before the rewrite, tells the rewrite which blobs to redact.

What it reports names objects and places, never the string it found.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ekc.core.identifying import Needles
from ekc.store.git import failure, git, git_dir, stream


@dataclass
class ObjectScan:
    objects: int = 0
    blobs: set[str] = field(default_factory=set)  # blobs holding a string
    commits: set[str] = field(default_factory=set)  # commits whose message or identity holds one
    tags: set[str] = field(default_factory=set)
    trees: set[str] = field(default_factory=set)  # trees with a file or folder named after a person
    purged_present: set[str] = field(default_factory=set)  # purged blob ids still in the database


def all_objects(root: Path) -> Iterator[tuple[str, bytes, bytes]]:
    """(id, type, content) of every object in the database, reachable or not, in one stream.

    Read in large chunks and cut in memory: a read call per object costs more than the search.
    """
    process = stream(root, "cat-file", "--batch-all-objects", "--batch", "--unordered")
    out = process.stdout
    buffer = b""
    position = 0
    try:
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
                sha, kind, size = buffer[position:end].split()
                stop = end + 1 + int(size)
                if stop + 1 > len(buffer):
                    break
                yield sha.decode(), kind, buffer[end + 1 : stop]
                position = stop + 1
    finally:
        out.close()
        errors = process.stderr.read()
        process.stderr.close()
        code = process.wait()
    if code != 0:
        raise failure(("cat-file",), code, errors)


def scan_objects(root: Path, needles: Needles, purged_blobs: set[str]) -> ObjectScan:
    """Every object through a raw-bytes pre-filter; only candidates are read as text."""
    found = ObjectScan()
    buckets = {b"blob": found.blobs, b"commit": found.commits, b"tag": found.tags}
    raw, find = needles.raw_candidate, needles.find_bytes
    for sha, kind, content in all_objects(root):
        found.objects += 1
        if kind == b"blob" and sha in purged_blobs:
            found.purged_present.add(sha)
        if kind == b"tree":
            content = _TREE_IDS.sub(b"\n", content)  # the names, without the binary ids
        # the raw look is exact for ASCII text; text with other letters (a diacritic added
        # to a name written without one) is read in full
        if not raw(content) and content.isascii():
            continue
        if find(content):
            (found.trees if kind == b"tree" else buckets[kind]).add(sha)
    return found


_TREE_IDS = re.compile(rb"\0.{20}", re.DOTALL)  # each entry's binary id (SHA-1), after its name


def ref_names(root: Path) -> list[str]:
    return git(root, "for-each-ref", "--format=%(refname)").decode("utf-8", "surrogateescape").splitlines()


def git_files_with(root: Path, needles: Needles) -> list[str]:
    """Files under .git, outside the object database, that hold a string (relative paths)."""
    gdir = git_dir(root)
    hits = []
    for path in sorted(gdir.rglob("*")):
        relative = path.relative_to(gdir)
        if relative.parts[0] == "objects" or not path.is_file():
            continue
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if needles.find_bytes(data) or needles.find(relative.as_posix()):
            hits.append(needles.redact(relative.as_posix()))
    return hits


def work_files_with(root: Path, needles: Needles) -> list[str]:
    """Files and folders of the work tree whose name holds a string, and files git does not
    track (ignored ones too) whose content does. A tracked file is a blob already scanned:
    the purge starts and ends with a clean tree."""
    hits = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if relative.parts[0] != ".git" and needles.find(relative.as_posix()):
            hits.append(needles.redact(relative.as_posix()))
    untracked = git(root, "ls-files", "-z", "--others").split(b"\0")
    for name in untracked:
        path = root / name.decode("utf-8", "surrogateescape")
        if name and path.is_file() and needles.find_bytes(path.read_bytes()):
            hits.append(needles.redact(name.decode("utf-8", "surrogateescape")))
    return hits


@dataclass
class Proof:
    objects_scanned: int
    refs_scanned: int
    remaining: list[str]  # where something is left: object ids, "ref ...", ".git/..."; never the string

    @property
    def clean(self) -> bool:
        return not self.remaining


def prove(root: Path, needles: Needles, purged_blobs: set[str]) -> Proof:
    scan = scan_objects(root, needles, purged_blobs)
    remaining = [f"purged blob {b} is still in the object database" for b in sorted(scan.purged_present)]
    for kind, ids in (("blob", scan.blobs), ("commit", scan.commits), ("tag", scan.tags), ("tree", scan.trees)):
        remaining += [f"{kind} {sha} holds an identifying string" for sha in sorted(ids)]
    refs = ref_names(root)
    remaining += [f"a ref name holds an identifying string ({i + 1} of {len(refs)})" for i, r in enumerate(refs) if needles.find(r)]
    remaining += [f".git/{p} holds an identifying string" for p in git_files_with(root, needles)]
    remaining += [f"work tree file {p} holds an identifying string" for p in work_files_with(root, needles)]
    return Proof(scan.objects, len(refs), remaining)
