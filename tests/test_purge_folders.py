"""The folder handover: git-filter-repo is handed each folder the purge leaves as it was as
that folder's tree (`M 040000 <id> cases/2023`), not file by file (ekc.purge.callbacks
`_whole_folders`, rewrite._changed_folders, scan.folder_trees). The commits must come out the
same either way, and a folder that holds anything the purge changes must never be handed over.
"""

from __future__ import annotations

import importlib
import pickle
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from git_filter_repo import FileChange
from typer.testing import CliRunner

from ekc.cli.app import app
from ekc.purge import FOLDER_TREES, RULES_ENV, rewrite, scan
from tests.support import leak_scan, office as office_repo
from tests.support.git import commit_all, git, init_repo, out
from tests.test_purge_redteam import _commit, _not_a_record, _write, office  # noqa: F401 - the fixture


def _log(root: Path) -> bytes:
    return git(root, *scan.PERSONAL_LOG).stdout.encode("utf-8", "surrogateescape")


# -- the folder trees, from the history log ------------------------------------------------

def test_folder_trees_are_each_commits_own_folder_trees(tmp_path):
    root = init_repo(tmp_path / "repo")
    _write(root / "cases" / "2023" / "A" / "case.yaml", "a\n")
    _write(root / "cases" / "2024" / "B" / "case.yaml", "b\n")
    _write(root / "docs", "a file, for now\n")
    commit_all(root, "one")
    _write(root / "cases" / "2023" / "A" / "case.yaml", "a2\n")
    (root / "docs").unlink()
    _write(root / "docs" / "readme.txt", "a folder now\n")
    _write(root / 'we"ird' / "x.txt", "a folder git quotes\n")
    commit_all(root, "two")
    git(root, "rm", "-q", "-r", "cases/2024")
    git(root, "commit", "-q", "-m", "three")
    one, two, three = out(root, "rev-list", "--reverse", "HEAD").split()

    trees = scan.folder_trees(_log(root))

    def tree(commit: str, folder: str) -> bytes:
        return out(root, "rev-parse", f"{commit}:{folder}").encode()

    assert trees[one.encode()] == {
        b"cases": tree(one, "cases"), b"cases/2023": tree(one, "cases/2023"), b"cases/2024": tree(one, "cases/2024"),
    }  # three deep (cases/2023/A) is not listed
    assert trees[two.encode()] == {
        b"cases": tree(two, "cases"), b"cases/2023": tree(two, "cases/2023"), b"docs": tree(two, "docs"),
    }  # the quoted folder is left out
    assert trees[three.encode()] == {b"cases": tree(three, "cases"), b"cases/2024": scan.GONE}


def test_the_paths_of_a_blob_are_both_sides_of_a_rename_and_unquoted(tmp_path):
    root = init_repo(tmp_path / "repo")
    _write(root / "notes" / "brief.txt", "Beste mevrouw Oosterkamp, een lange brief\n" * 20)
    commit_all(root, "one")
    blob = out(root, "rev-parse", "HEAD:notes/brief.txt")
    git(root, "mv", "notes/brief.txt", "notes/tab\there.txt")
    git(root, "commit", "-q", "-m", "renamed")
    expected = {"notes/brief.txt", "notes/tab\there.txt"}
    assert scan.paths_with_blobs(_log(root), {blob}) == expected
    at: set[str] = set()
    commits = scan.introducing(_log(root), {blob}, set(), at)
    assert at == expected and len(commits) == 2


def test_every_folder_above_a_changed_path_is_changed():
    assert rewrite._changed_folders(["cases/2016/EKC-2016-0001/personal.yaml", "intake/Jansen-Anna/brief.txt", "top.txt"]) == {
        "", "cases", "cases/2016", "cases/2016/EKC-2016-0001", "intake", "intake/Jansen-Anna",
    }


# -- the callbacks: what git-filter-repo is handed ----------------------------------------

@pytest.fixture
def callbacks(tmp_path, monkeypatch):
    """ekc.purge.callbacks as git-filter-repo imports it: rules and folder trees under a folder."""
    rules = {
        "values": [], "parts": [], "kept_words": [], "paths": [], "drop_blobs": [], "redacted_blobs": {},
        "redacted_texts": {}, "clean_commits": set(), "renames": {},
        "changed_folders": ["", "cases", "cases/2016", "cases/2016/P"],
    }
    (tmp_path / "rules.pickle").write_bytes(pickle.dumps(rules))
    trees = {b"c" * 40: {b"cases": b"1" * 40, b"cases/2023": b"2" * 40, b"cases/2019": scan.GONE, b"cases/2016": b"3" * 40}}
    (tmp_path / FOLDER_TREES).write_bytes(pickle.dumps(trees))
    monkeypatch.setenv(RULES_ENV, str(tmp_path / "rules.pickle"))
    sys.modules.pop("ekc.purge.callbacks", None)
    module = importlib.import_module("ekc.purge.callbacks")
    yield module
    sys.modules.pop("ekc.purge.callbacks", None)


def _changes(commit) -> list[tuple]:
    return [(c.type, c.filename, c.blob_id, c.mode) for c in commit.file_changes]


def test_the_files_of_a_folder_left_as_it_was_become_its_tree(callbacks):
    commit = SimpleNamespace(original_id=b"c" * 40, file_changes=[
        FileChange(b"M", b"cases/2023/A/case.yaml", b"a" * 40, b"100644"),
        FileChange(b"M", b"cases/2016/P/personal.yaml", b"b" * 40, b"100644"),
        FileChange(b"M", b"cases/2023/B/case.yaml", b"d" * 40, b"100644"),
        FileChange(b"D", b"cases/2019/C/case.yaml"),
        FileChange(b"M", b"cases/2016/Q/case.yaml", b"e" * 40, b"100644"),
        FileChange(b"M", b"top.txt", b"f" * 40, b"100644"),
    ])
    callbacks._whole_folders(commit)
    assert _changes(commit) == [
        (b"M", b"cases/2023", b"2" * 40, b"040000"),  # once, for both of its files
        (b"M", b"cases/2016/P/personal.yaml", b"b" * 40, b"100644"),  # a changed folder: file by file
        (b"D", b"cases/2019", None, None),  # the folder went
        (b"M", b"cases/2016/Q/case.yaml", b"e" * 40, b"100644"),  # three deep: the log lists no tree
        (b"M", b"top.txt", b"f" * 40, b"100644"),  # the top is always changed
    ]


def test_a_commit_or_folder_the_log_does_not_list_keeps_its_files(callbacks):
    unknown = SimpleNamespace(original_id=b"e" * 40, file_changes=[FileChange(b"M", b"cases/2023/A/case.yaml", b"a" * 40, b"100644")])
    callbacks._whole_folders(unknown)
    assert _changes(unknown) == [(b"M", b"cases/2023/A/case.yaml", b"a" * 40, b"100644")]
    unlisted = SimpleNamespace(original_id=b"c" * 40, file_changes=[
        FileChange(b"M", b"cases/2023/A/case.yaml", b"a" * 40, b"100644"),
        FileChange(b"M", b"cases/2025/A/case.yaml", b"a" * 40, b"100644"),
    ])
    callbacks._whole_folders(unlisted)
    assert _changes(unlisted)[1] == (b"M", b"cases/2025/A/case.yaml", b"a" * 40, b"100644")
    assert [c[1] for c in _changes(unlisted)] == [b"cases/2023/A/case.yaml", b"cases/2025/A/case.yaml"]


# -- a real purge: the same commits, and the handover in use -------------------------------

def _purge(office: office_repo.Office):
    result = CliRunner().invoke(app, ["--data", str(office.root), "--today", office.today, "purge", "--yes"])
    leaks = [leak for leak in leak_scan.scan(office.root, office.family, sorted(office.blobs.values())) if _not_a_record(leak)]
    return result, leaks


def _refs(root: Path) -> dict[str, str]:
    return dict(line.split(" ", 1)[::-1] for line in out(root, "for-each-ref", "--format=%(objectname) %(refname)").splitlines())


def _messy(office: office_repo.Office) -> None:
    """Folders the purge leaves as they were, two deep and at the top, with many commits, and
    a note naming the family in a folder that is otherwise left as it was."""
    root = office.root
    for n in range(3):
        _write(root / "cases" / "2025" / f"EKC-2025-000{n}X" / "notes.txt", f"note {n}\n")
        _write(root / "handleiding" / f"deel-{n}.txt", f"deel {n}\n")
        _commit(root, f"Notes {n}")
    _write(root / "handleiding" / "bellen.txt", f"Bel {office_repo.MOTHER} terug\n")
    _commit(root, "Bellen")
    git(root, "rm", "-q", "-r", "cases/2025")
    _commit(root, "Gone")


def test_the_handover_gives_the_same_commits_as_file_by_file(office, tmp_path, monkeypatch):
    """The office repository (copies, renames, a named intake folder, notes, tags, merges)
    purged twice: with the handover and with every file handed over on its own. Every ref
    names the same object, and nothing of the family is left either way."""
    import shutil

    _messy(office)
    monkeypatch.setenv("GIT_AUTHOR_DATE", "2026-11-30T12:00:00+01:00")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2026-11-30T12:00:00+01:00")
    other = office_repo.Office(**{**office.__dict__, "root": tmp_path / "copy"})
    shutil.copytree(office.root, other.root, symlinks=True)

    handed, leaks = _purge(office)
    assert handed.exit_code == 0 and leaks == [], handed.stdout + handed.stderr
    monkeypatch.setattr(scan, "folder_trees", lambda raw: {})
    one_by_one, leaks = _purge(other)
    assert one_by_one.exit_code == 0 and leaks == [], one_by_one.stdout + one_by_one.stderr

    assert _refs(office.root) == _refs(other.root)


def test_a_folder_missed_as_changed_is_handed_over_as_it_was_and_the_proof_says_so(office, monkeypatch):
    """The handover is in use: were `_changed_folders` to miss the folder of a note naming the
    family, git-filter-repo would be handed that folder's old tree, note and all. The proof,
    which trusts none of this, then names the note's blob and the purge exits 1."""
    _messy(office)
    real = rewrite._changed_folders
    monkeypatch.setattr(rewrite, "_changed_folders", lambda paths: real([p for p in paths if not p.startswith("handleiding/")]))
    result, leaks = _purge(office)
    assert result.exit_code == 1, result.stdout
    assert "NOT PURGED: blob" in result.stdout and leaks


def test_folder_trees_of_a_sha256_repository_are_keyed_by_the_whole_commit_id(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "--object-format=sha256", "-b", "main")
    _write(root / "cases" / "2023" / "A" / "case.yaml", "a\n")
    commit = commit_all(root, "one")
    git(root, "rm", "-q", "-r", "cases")
    gone = commit_all(root, "two")
    trees = scan.folder_trees(_log(root))
    assert len(commit) == 64
    assert trees[commit.encode()][b"cases/2023"] == out(root, "rev-parse", f"{commit}:cases/2023").encode()
    assert trees[gone.encode()] == {b"cases": scan.GONE, b"cases/2023": scan.GONE}


def test_the_commits_bringing_in_a_blob_are_whole_ids_in_a_sha256_repository(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "--object-format=sha256", "-b", "main")
    _write(root / "notes" / "brief.txt", "Beste mevrouw Oosterkamp\n")
    commit = commit_all(root, "one")
    blob = out(root, "rev-parse", "HEAD:notes/brief.txt")
    at: set[str] = set()
    assert scan.introducing(_log(root), {blob}, set(), at) == {commit} and at == {"notes/brief.txt"}


def test_only_a_long_rewrite_reads_the_folder_trees():
    """A monthly purge rewrites a few months of history: reading every commit's folder trees
    costs it more than the handover saves. From HAND_OVER_SHARE of history on, they are read."""
    order = [f"{n:040x}" for n in range(10)]
    parents = {c: ([order[i - 1]] if i else []) for i, c in enumerate(order)}
    log = "".join(f"\x01{c} 2026-01-01 {'f' * 40}\n:000000 040000 {'0' * 40} {'a' * 40} A\tcases\n\n" for c in order).encode()
    assert rewrite._folder_trees(log, order, parents, {order[-1]}) is None  # a tenth of history
    handed = rewrite._folder_trees(log, order, parents, {order[-2]})  # a fifth
    assert handed is not None and pickle.loads(handed)[order[0].encode()] == {b"cases": b"a" * 40}
