"""The callbacks git-filter-repo runs (ekc.purge.callbacks), fed the rules the purge writes.

The purge's scan read every commit and tag whole: one it found clean passes untouched, one it
found holding a string gets the redactions made before the rewrite, and anything the scan
did not see (a commit made since) is judged inside the rewrite with the same strings.
"""

from __future__ import annotations

import importlib
import pickle
import sys
from types import SimpleNamespace

import pytest

from ekc.core.identifying import Needles, PersonalStrings
from ekc.purge import RULES_ENV

VALUES = {"Wilhelmina Oosterkamp", "06-12345678"}
PARTS = {"Oosterkamp", "Wilhelmina"}
NEEDLES = Needles(PersonalStrings(VALUES, PARTS), set())
CLEAN = "a" * 40
NAMED = "b" * 40
NAMED_MESSAGE = b"Intake mevrouw Oosterkamp\n"


@pytest.fixture
def callbacks(tmp_path, monkeypatch):
    rules = {
        "values": sorted(VALUES), "parts": sorted(PARTS), "kept_words": [],
        "paths": ["cases/2024/EKC-2024-00001/personal.yaml"], "drop_blobs": ["c" * 40],
        "redacted_blobs": {"d" * 40: b"note: ***\n"},
        # a sentinel, not the real redaction: proves the precomputed text is used as it is
        "redacted_texts": {NAMED_MESSAGE: b"Intake mevrouw [precomputed]\n"},
        "clean_commits": {CLEAN.encode()},
        "renames": {"refs/tags/oosterkamp": "refs/tags/purged-1"},
    }
    path = tmp_path / "rules.pickle"
    path.write_bytes(pickle.dumps(rules))
    monkeypatch.setenv(RULES_ENV, str(path))
    sys.modules.pop("ekc.purge.callbacks", None)
    module = importlib.import_module("ekc.purge.callbacks")
    yield module
    sys.modules.pop("ekc.purge.callbacks", None)


def _commit(original_id: str, message: bytes, author: bytes = b"Office") -> SimpleNamespace:
    return SimpleNamespace(original_id=original_id.encode(), message=message, author_name=author, file_changes=[],
                           author_email=b"office@example.org", committer_name=b"Office", committer_email=b"office@example.org")


def test_a_commit_the_scan_found_clean_passes_untouched(callbacks):
    commit = _commit(CLEAN, b"Register EKC-2024-00001\n")
    callbacks.commit(commit)
    assert commit.message == b"Register EKC-2024-00001\n" and commit.author_name == b"Office"


def test_a_commit_the_scan_found_holding_a_string_gets_the_redaction_made_before(callbacks):
    commit = _commit(NAMED, NAMED_MESSAGE)
    callbacks.commit(commit)
    assert commit.message == b"Intake mevrouw [precomputed]\n"


@pytest.mark.parametrize("spelling", [b"OOSTERKAMP", b"W. Oosterkamp", "Wilhelmína".encode()])
def test_a_commit_the_scan_did_not_see_is_judged_in_the_rewrite(callbacks, spelling):
    commit = _commit("e" * 40, b"Later: " + spelling + b", tel 06 1234 5678\n", author=b"Wilhelmina Oosterkamp")
    callbacks.commit(commit)
    assert spelling not in commit.message and b"5678" not in commit.message
    assert (commit.author_name, commit.author_email) == (callbacks.PURGE_NAME, callbacks.PURGE_EMAIL)


def test_files_go_by_path_or_blob_and_a_redacted_blob_gets_its_new_contents(callbacks):
    inserted = []
    value = SimpleNamespace(insert_file_with_contents=lambda data: inserted.append(data) or b"f" * 40)
    assert callbacks.file_info(b"cases/2024/EKC-2024-00001/personal.yaml", b"100644", b"1" * 40, value)[0] is None
    assert callbacks.file_info(b"notes/copy.bak", b"100644", b"c" * 40, value)[0] is None
    assert callbacks.file_info(b"notes/note.txt", b"100644", b"d" * 40, value) == (b"notes/note.txt", b"100644", b"f" * 40)
    assert callbacks.file_info(b"intake/Oosterkamp/x.txt", b"100644", b"2" * 40, value)[0] == b"intake/***/x.txt"
    assert inserted == [b"note: ***\n"]


def test_a_tag_is_renamed_and_judged_like_a_commit(callbacks):
    tag = SimpleNamespace(ref=b"oosterkamp", original_id=b"9" * 40, message=b"voor Wilhelmina\n",
                          tagger_name=b"Office", tagger_email=b"office@example.org")
    callbacks.tag(tag)
    assert tag.ref == b"purged-1" and b"Wilhelmina" not in tag.message


def test_a_commit_in_another_encoding_is_not_taken_as_clean_by_the_rewrite(tmp_path):
    """git-filter-repo re-encodes a Latin-1 commit message to UTF-8: the scan's raw bytes
    are not what the rewrite sees, so the rewrite judges that commit itself."""
    from ekc.purge import proof
    from tests.support.git import commit_all, git, init_repo

    root = init_repo(tmp_path / "repo")
    (root / "a.txt").write_text("a\n")
    commit_all(root, "plain")
    git(root, "-c", "i18n.commitEncoding=ISO-8859-1", "commit", "-q", "--allow-empty", "-m", "latin-1")
    latin, plain = git(root, "rev-parse", "HEAD", "HEAD~1").stdout.split()
    found = proof.scan_objects(root, NEEDLES, set(), proof.HistoryNames())
    assert plain in found.clean_commits and latin in found.clean and latin not in found.clean_commits
