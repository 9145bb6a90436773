"""Run inside git-filter-repo (its --*-callback bodies import this module): the purge's
decisions for each file, message and identity as the history streams through.

The rules come from a pickle the purge wrote under .git/ekc/purge-work (it holds the
strings, so it lives only there and only while the rewrite runs). File contents are never
read here, so git-filter-repo keeps `--no-data`: the purge's scan found which blobs hold a
string, and the purge wrote their redacted contents into the rules.

The scan read every commit and tag whole: one it found holding nothing keeps its message
and identities untouched (an id names its bytes). For those that hold a string, and for
the file and folder names that do, the rules carry the redactions made already; only what
the scan did not see (a commit made since, a spelling git-filter-repo hands over
differently) goes through the same `Needles` here. So this process seldom compiles the
strings' pattern (a few hundred strings with a letter class per letter: a third of a
second), and the answer is the same either way: both sides build `Needles` from the same
strings.
"""

from __future__ import annotations

import os
import pickle

from ekc.core.identifying import Needles, PersonalStrings
from ekc.purge import FOLDER_DEPTH, FOLDER_TREES, GONE, RULES_ENV

PURGE_NAME = b"ekc purge"
PURGE_EMAIL = b"purge@invalid"

with open(os.environ[RULES_ENV], "rb") as _file:
    _rules = pickle.load(_file)

_needles = Needles(PersonalStrings(set(_rules["values"]), set(_rules["parts"])), set(_rules["kept_words"]))
_drop_paths: set[bytes] = {p.encode("utf-8", "surrogateescape") for p in _rules["paths"]}
_drop_blobs: set[bytes] = {b.encode() for b in _rules["drop_blobs"]}
_redacted_blobs: dict[bytes, bytes] = {b.encode(): data for b, data in _rules["redacted_blobs"].items()}
_known: dict[bytes, bytes] = _rules["redacted_texts"]
_clean_commits: set[bytes] = _rules["clean_commits"]
_tag_names: dict[bytes, bytes] = {
    old[len("refs/tags/"):].encode("utf-8", "surrogateescape"): new[len("refs/tags/"):].encode()
    for old, new in _rules.get("renames", {}).items() if old.startswith("refs/tags/")
}
_new_blobs: dict[bytes, bytes] = {}
_names: dict[bytes, bytes] = {}

# Folders the rewrite leaves as they were, handed over whole (rewrite._changed_folders): the
# folders that hold anything it changes, and each commit's folder trees from the history log
_changed_folders: set[bytes] = {f.encode("utf-8", "surrogateescape") for f in _rules.get("changed_folders", ())}
_folder_trees: dict[bytes, dict[bytes, bytes]] = {}
if _changed_folders:
    try:
        with open(os.path.join(os.path.dirname(os.environ[RULES_ENV]), FOLDER_TREES), "rb") as _file:
            _folder_trees = pickle.load(_file)
    except OSError:  # none written: every file is handed over on its own
        pass
_tops: dict[bytes, bytes | None] = {}


def _redact(data: bytes) -> bytes:
    known = _known.get(data)
    return known if known is not None else _needles.redact_bytes(data)


def _name(filename: bytes) -> bytes:
    new_name = _names.get(filename)
    if new_name is None:
        new_name = _names[filename] = _redact(filename)
    return new_name


def file_info(filename: bytes, mode: bytes, blob_id: bytes, value) -> tuple:
    """A purged path or blob goes (a set lookup: git-filter-repo's own --paths-from-file tries
    every path against every file name); a file holding a string gets its redacted blob."""
    if filename in _drop_paths or blob_id in _drop_blobs:
        return (None, mode, blob_id)
    new_name = _name(filename)
    if mode != b"160000":
        redacted = _redacted_blobs.get(blob_id)
        if redacted is not None:
            new = _new_blobs.get(blob_id)
            if new is None:
                new = _new_blobs[blob_id] = value.insert_file_with_contents(redacted)
            blob_id = new
    return (new_name, mode, blob_id)


_identities: dict[tuple[bytes, bytes], tuple[bytes, bytes]] = {}


def _identity(name: bytes, email: bytes) -> tuple[bytes, bytes]:
    """An office has a handful of identities over thousands of commits: each is judged once."""
    key = (name, email)
    known = _identities.get(key)
    if known is None:
        named = _redact(name) != name or _redact(email) != email
        known = _identities[key] = (PURGE_NAME, PURGE_EMAIL) if named else key
    return known


def _top(path: bytes) -> bytes | None:
    """The highest folder above the path that the rewrite leaves as it was, if one is at
    most FOLDER_DEPTH deep."""
    top = _tops.get(path, b"")
    if top == b"":
        top = None
        parts = path.split(b"/")
        for depth in range(1, min(len(parts), FOLDER_DEPTH + 1)):
            folder = b"/".join(parts[:depth])
            if folder not in _changed_folders:
                top = folder
                break
        _tops[path] = top
    return top


def _whole_folders(commit) -> None:
    """The files a commit changes in a folder the rewrite leaves as it was, handed over as
    that folder's tree at this commit (`M 040000 <id>`, or `D` where the folder went). The
    same tree, so the same commit; fast-import only records the id. A commit the log does not
    list, or a folder it does not, keeps its files one by one."""
    trees = _folder_trees.get(commit.original_id)
    if not trees or not commit.file_changes:
        return
    change_of = type(commit.file_changes[0])
    changes, handed = [], set()
    for change in commit.file_changes:
        top = _top(change.filename) if change.type in (b"M", b"D") else None
        if top is None:
            changes.append(change)
            continue
        if top in handed:
            continue
        tree = trees.get(top)
        if tree is None:
            return
        if tree == GONE and any(c.filename == top for c in commit.file_changes):
            return  # the folder became a file (sorted first): `D <folder>` would delete it
        handed.add(top)
        changes.append(change_of(b"D", top) if tree == GONE else change_of(b"M", top, tree, b"040000"))
    commit.file_changes = changes


def commit(commit) -> None:
    """A commit the scan read whole and found holding nothing keeps its message and
    identities (nearly every one); any other gets them redacted.

    A deletion gets the new name of its path: git-filter-repo hands file_info only the
    files a commit adds or changes, so a file under a folder named after the family would
    be added as `intake/***-***/brief.txt` and deleted under its old name, and so live on."""
    for change in commit.file_changes:
        if change.type == b"D" and change.filename not in _drop_paths:
            change.filename = _name(change.filename)
    if _folder_trees:
        _whole_folders(commit)
    if commit.original_id in _clean_commits:
        return
    commit.message = _redact(commit.message)
    commit.author_name, commit.author_email = _identity(commit.author_name, commit.author_email)
    commit.committer_name, commit.committer_email = _identity(commit.committer_name, commit.committer_email)


def tag(tag) -> None:
    """An annotated tag holds its own name: a tag named after a person gets its purged-<n> name."""
    tag.ref = _tag_names.get(tag.ref, tag.ref)
    if tag.original_id in _clean_commits:
        return
    tag.message = _redact(tag.message)
    if tag.tagger_name is not None:
        tag.tagger_name, tag.tagger_email = _identity(tag.tagger_name, tag.tagger_email)
