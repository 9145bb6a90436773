"""Run inside git-filter-repo (its --*-callback bodies import this module): the purge's
decisions for each file, message and identity as the history streams through.

The rules come from a pickle the purge wrote under .git/ekc/purge-work (it holds the
strings, so it lives only there and only while the rewrite runs). File contents are read
only for the blobs the scan found holding a string, so git-filter-repo keeps `--no-data`.
"""

from __future__ import annotations

import os
import pickle

from ekc.core.identifying import Needles, PersonalStrings

from ekc.purge.journal import RULES_ENV

PURGE_NAME = b"ekc purge"
PURGE_EMAIL = b"purge@invalid"

with open(os.environ[RULES_ENV], "rb") as _file:
    _rules = pickle.load(_file)

_needles = Needles(PersonalStrings(set(_rules["values"]), set(_rules["parts"])), set(_rules["kept_words"]))
_drop_paths: set[bytes] = {p.encode("utf-8", "surrogateescape") for p in _rules["paths"]}
_drop_blobs: set[bytes] = {b.encode() for b in _rules["drop_blobs"]}
_redact_blobs: set[bytes] = {b.encode() for b in _rules["redact_blobs"]}
_tag_names: dict[bytes, bytes] = {
    old[len("refs/tags/"):].encode("utf-8", "surrogateescape"): new[len("refs/tags/"):].encode()
    for old, new in _rules.get("renames", {}).items() if old.startswith("refs/tags/")
}
_new_blobs: dict[bytes, bytes] = {}
_names: dict[bytes, bytes] = {}


def _redact(data: bytes) -> bytes:
    return _needles.redact_bytes(data)


def file_info(filename: bytes, mode: bytes, blob_id: bytes, value) -> tuple:
    if filename in _drop_paths or blob_id in _drop_blobs:
        return (None, mode, blob_id)
    new_name = _names.get(filename)
    if new_name is None:
        new_name = _names[filename] = _redact(filename)
    if blob_id in _redact_blobs and mode != b"160000":
        new = _new_blobs.get(blob_id)
        if new is None:
            contents = value.get_contents_by_identifier(blob_id)
            new = _new_blobs[blob_id] = value.insert_file_with_contents(_redact(contents))
        blob_id = new
    return (new_name, mode, blob_id)


def message(text: bytes) -> bytes:
    return _redact(text)


_identities: dict[tuple[bytes, bytes], tuple[bytes, bytes]] = {}


def _identity(name: bytes, email: bytes) -> tuple[bytes, bytes]:
    """An office has a handful of identities over thousands of commits: each is judged once."""
    key = (name, email)
    known = _identities.get(key)
    if known is None:
        named = _needles.find_bytes(name) or _needles.find_bytes(email)
        known = _identities[key] = (PURGE_NAME, PURGE_EMAIL) if named else key
    return known


def commit(commit) -> None:
    commit.author_name, commit.author_email = _identity(commit.author_name, commit.author_email)
    commit.committer_name, commit.committer_email = _identity(commit.committer_name, commit.committer_email)


def tag(tag) -> None:
    """An annotated tag holds its own name: a tag named after a person gets its purged-<n> name."""
    tag.ref = _tag_names.get(tag.ref, tag.ref)
    if tag.tagger_name is not None:
        tag.tagger_name, tag.tagger_email = _identity(tag.tagger_name, tag.tagger_email)
