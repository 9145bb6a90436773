"""The leak scanner finds every kind of leak it is meant to find, so a clean scan means something.

Each test plants one leak in an otherwise clean repository; the clean repository itself
must scan clean, so a test cannot pass because the scanner reports everything.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest

from tests.support.git import commit_all, git, init_repo, out
from tests.support import leak_scan

NAME = "Zoë Wolkenveldt"
SURNAME = "Wolkenveldt"
PHONE = "06-1357 2468"
STRINGS = [NAME, SURNAME, "Zoë", PHONE, "z.wolkenveldt@example.org"]


def clean_repo(root: Path) -> Path:
    init_repo(root)
    git(root, "config", "user.name", "Office")
    git(root, "config", "user.email", "office@example.org")
    (root / "README.md").write_text("data repository\n")
    commit_all(root, "Start")
    return root


def where_found(root: Path, strings=STRINGS, blobs=()) -> list[str]:
    return leak_scan.where(leak_scan.scan(root, strings, blobs))


@pytest.fixture
def repo(tmp_path) -> Path:
    return clean_repo(tmp_path / "office")


def test_a_clean_repository_scans_clean(repo):
    assert leak_scan.scan(repo, STRINGS) == []


def _only(found: list[str], prefix: str) -> None:
    assert found, "the planted leak was not found"
    assert any(place.startswith(prefix) for place in found), found


def test_blob_content_in_history_after_the_file_is_deleted_and_packed(repo):
    (repo / "notes.txt").write_text(f"called {NAME}\n")
    commit_all(repo, "notes")
    git(repo, "rm", "-q", "notes.txt")
    commit_all(repo, "remove notes")
    git(repo, "gc", "-q")
    _only(where_found(repo), "object ")


def test_unreachable_loose_object(repo):
    git(repo, "hash-object", "-w", "--stdin", input=f"{NAME}\n")
    _only(where_found(repo), "object ")


@pytest.mark.parametrize("spelling", [
    NAME.upper(),
    unicodedata.normalize("NFD", NAME),
    "Zoe Wolkenveldt",
    "Zoë\n   Wolkenveldt",
    "mevrouw WOLKENVELDT",
])
def test_spellings_of_a_name_in_a_commit_message(repo, spelling):
    commit_all(repo, f"Call with {spelling}")
    found = leak_scan.scan(repo, [NAME] if " " in spelling.strip() and "mevrouw" not in spelling else [SURNAME])
    _only(leak_scan.where(found), "object ")


@pytest.mark.parametrize("spelling", ["+31 6 13572468", "0031613572468", "0613572468", "06 13 57 24 68"])
def test_a_phone_number_in_any_spelling(repo, spelling):
    commit_all(repo, f"terugbellen {spelling}")
    found = leak_scan.scan(repo, [PHONE])
    assert [leak.found for leak in found if leak.where.startswith("object ")] == [PHONE]


@pytest.mark.parametrize("role", ["author", "committer"])
def test_an_identity_of_a_commit(repo, role):
    env_name = {"author": "GIT_AUTHOR_NAME", "committer": "GIT_COMMITTER_NAME"}[role]
    (repo / "x.txt").write_text("x\n")
    git(repo, "add", "x.txt")
    git(repo, "commit", "-q", "-m", "work", env={**os.environ, env_name: NAME})
    _only(where_found(repo), f"identity ({role})")


def test_the_tagger_of_an_annotated_tag(repo):
    git(repo, "tag", "-a", "v1", "-m", "release", env={**os.environ, "GIT_COMMITTER_NAME": NAME})
    _only(where_found(repo), "identity (tagger)")


@pytest.mark.parametrize("ref", [f"refs/heads/{SURNAME.lower()}-case", f"refs/tags/{SURNAME}", f"refs/backup/{SURNAME}/main"])
def test_a_ref_name(repo, ref):
    git(repo, "update-ref", ref, "HEAD")
    _only(where_found(repo, [SURNAME]), "ref name ")


def test_a_packed_ref_name(repo):
    git(repo, "tag", f"zaak-{SURNAME}")
    git(repo, "pack-refs", "--all")
    found = where_found(repo, [SURNAME])
    assert "ref name refs/tags/zaak-Wolkenveldt" in found and ".git/packed-refs" in found


def test_a_note_and_the_notes_ref(repo):
    git(repo, "notes", "add", "-m", f"spoke to {NAME}")
    found = where_found(repo)
    _only(found, "object ")
    assert any(p.startswith("ref name refs/notes/commits") for p in leak_scan.where(leak_scan.scan(repo, ["commits"])))


def test_a_stash_entry(repo):
    (repo / "README.md").write_text(f"{NAME}\n")
    git(repo, "stash", "push", "-q", "-m", "wip")
    found = where_found(repo)
    _only(found, "object ")
    assert "ref name refs/stash" in leak_scan.where(leak_scan.scan(repo, ["stash"]))


def test_a_branch_description_in_config(repo):
    git(repo, "config", "branch.main.description", f"case of {NAME}")
    assert ".git/config" in where_found(repo)


def test_a_reflog_message(repo):
    git(repo, "update-ref", "-m", f"reset for {NAME}", "refs/heads/main", "HEAD")
    found = where_found(repo)
    assert ".git/logs/HEAD" in found or ".git/logs/refs/heads/main" in found


@pytest.mark.parametrize("rel", [
    "COMMIT_EDITMSG", "FETCH_HEAD", "description", "hooks/post-commit",
    "rr-cache/0123abcd/preimage", "filter-repo/commit-map", "ekc/purge-work/redact.txt", "ekc/cache/verdicts.pickle",
])
def test_a_file_under_dot_git(repo, rel):
    target = repo / ".git" / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"\x00\x01" + f"x {NAME} y".encode() + b"\xff")
    assert f".git/{rel}" in where_found(repo)


def test_a_file_in_the_work_tree_and_its_path(repo):
    folder = repo / "intake" / f"{SURNAME}-Zoe"
    folder.mkdir(parents=True)
    (folder / "personal.yaml").write_text("phone: +31 6 1357 2468\n")
    found = where_found(repo)
    assert "work tree: intake/Wolkenveldt-Zoe/personal.yaml (its path)" in found
    assert "work tree: intake/Wolkenveldt-Zoe/personal.yaml" in found


def test_a_name_in_a_tree_entry(repo):
    (repo / f"{SURNAME}.txt").write_text("x\n")
    commit_all(repo, "add")
    git(repo, "rm", "-q", f"{SURNAME}.txt")
    commit_all(repo, "rm")
    found = [leak for leak in leak_scan.scan(repo, [SURNAME]) if "(tree)" in leak.where]
    assert found


def test_a_blob_id_as_object_as_tree_entry_and_in_the_index(repo):
    (repo / "personal.yaml").write_text("main_persons: []\n")
    commit_all(repo, "add")
    blob = out(repo, "rev-parse", "HEAD:personal.yaml")
    found = where_found(repo, [], [blob])
    assert any(place.startswith(f"object {blob} (blob)") for place in found)
    assert any(place.endswith("(tree)") for place in found)
    assert ".git/index" in found


def test_a_blob_id_in_text(repo):
    blob = out(repo, "rev-parse", "HEAD:README.md")
    git(repo, "tag", "-a", "old", "-m", "x")
    (repo / ".git" / "ekc").mkdir()
    (repo / ".git" / "ekc" / "purge-journal.json").write_text(f'{{"blobs": ["{blob}"]}}')
    assert ".git/ekc/purge-journal.json" in where_found(repo, [], [blob])


def test_a_tag_pointing_at_a_blob(repo):
    (repo / "personal.yaml").write_text(f"name: {NAME}\n")
    blob = out(repo, "hash-object", "-w", "personal.yaml")
    (repo / "personal.yaml").unlink()
    git(repo, "tag", "data", blob)
    found = leak_scan.scan(repo, STRINGS, [blob])
    assert {leak.found for leak in found} >= {NAME, f"blob {blob}"}


def test_a_bare_server(repo, tmp_path):
    commit_all(repo, f"about {NAME}")
    server = tmp_path / "server.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo), str(server))
    _only(where_found(server), "object ")
    assert leak_scan.work_tree(server) is None


def test_fold_and_phone_digits():
    assert leak_scan.fold(unicodedata.normalize("NFD", "ZOË\n  Wolkenveldt")) == "zoe wolkenveldt"
    assert leak_scan.phone_digits("+31 6 13572468") == leak_scan.phone_digits("0031-6-13572468") == "0613572468"


def test_a_name_part_inside_another_word_is_no_leak(repo):
    commit_all(repo, "Financiële steun aangevraagd")
    assert leak_scan.scan(repo, ["Teun"]) == []
    commit_all(repo, "Teun belt terug")
    assert leak_scan.scan(repo, ["Teun"]) != []


def test_reachable_only_leaves_out_what_no_ref_reaches(repo):
    git(repo, "hash-object", "-w", "--stdin", input=f"{NAME}\n")
    assert leak_scan.scan(repo, [NAME], reachable_only=True) == []
    assert leak_scan.scan(repo, [NAME]) != []
    (repo / "p.yaml").write_text(f"name: {NAME}\n")
    blob = out(repo, "hash-object", "-w", "p.yaml")
    (repo / "p.yaml").unlink()
    git(repo, "tag", "data", blob)
    found = leak_scan.where(leak_scan.scan(repo, [NAME], [blob], reachable_only=True))
    assert f"object {blob} (blob)" in found
