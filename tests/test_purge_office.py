"""Issue 12's red team: `ekc purge --yes --push origin` on an office repository as a careless
office leaves it (tests/support/office.py), checked by an independent scanner
(tests/support/leak_scan.py) over the office clone and over the bare server.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from ekc.cli.app import app
from tests.support.git import git, out
from tests.support import leak_scan, office as office_repo


@pytest.fixture
def office(tmp_path, tmp_path_factory) -> office_repo.Office:
    return office_repo.fresh(tmp_path, tmp_path_factory.getbasetemp())


def _family_blobs(office: office_repo.Office) -> list[str]:
    return sorted(office.blobs.values())


def _not_a_record(leak: leak_scan.Leak) -> bool:
    """purge-log.yaml names the purged blob ids by contract (DATA-FORMAT.md, `blobs`): a
    mention of an id in a blob or in the file is the record; the object itself, a tree
    entry, the index or anything under .git holding it is a leak."""
    if not leak.found.startswith("blob "):
        return True
    sha = leak.found[len("blob "):]
    mention_in_a_blob = leak.where.endswith("(blob)") and not leak.where.startswith(f"object {sha} ")
    return not (mention_in_a_blob or leak.where == "work tree: purge-log.yaml")


def test_the_scanner_finds_the_family_everywhere_before_a_purge(office):
    """Always runs: the office really holds each planted leak, so a clean scan later means something."""
    leaks = leak_scan.scan(office.root, office.family, _family_blobs(office))
    places = leak_scan.where(leaks)
    found = {leak.found for leak in leaks}
    assert set(office.family) <= found, set(office.family) - found
    assert any(p.startswith("identity (author)") for p in places)
    assert any(p.startswith("ref name refs/heads/zaak-brinkgreve") for p in places)
    assert any(p.startswith("ref name refs/tags/brinkgreve-intake") for p in places)
    assert ".git/config" in places  # the branch description
    assert any(p.startswith(".git/logs/") for p in places)
    assert "work tree: cases/2024/EKC-2024-BRNK7/case.yaml" in places  # the comment
    server = leak_scan.scan(office.server, office.family, _family_blobs(office), reachable_only=True)
    assert "ref name refs/backup/main" not in leak_scan.where(server)  # a ref name holds no name ...
    notes = out(office.server, "for-each-ref", "--format=%(refname)", "refs/notes", "refs/backup")
    assert notes.split() == ["refs/backup/main", "refs/notes/commits"]  # ... but both are there
    assert out(office.root, "for-each-ref", "--format=%(refname)", "refs/notes", "refs/backup", "refs/remotes/origin/backup") == ""
    assert {leak.found for leak in server} >= set(office.family)


def test_the_office_is_set_up_as_the_issue_tells(office):
    root = office.root
    history = out(root, "log", "--all", "--format=", "--name-only", "--no-renames", "--diff-filter=A")
    for role in ("intake", "typo", "expired", "bak", "notes", "orphan", "open", "broken"):
        assert office.paths[role] in history, role
    assert not (root / office.paths["orphan"]).exists() and not (root / office.paths["bak"]).exists()
    assert out(root, "cat-file", "-t", "personal-backup") == "blob"
    assert out(root, "cat-file", "-t", "case-folder") == "tree"


def test_purge_with_push_leaves_no_byte_of_the_family_in_the_clone_or_on_the_server(office):
    root, server = office.root, office.server
    open_before = (root / office.paths["open"]).read_bytes()
    result = CliRunner().invoke(app, ["--data", str(root), "--today", office.today, "purge", "--yes", "--push", "origin"])
    output = result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    # the broken expired case cannot be judged: it is named and the exit is 1 (nothing silent)
    assert result.exit_code == 1, output
    assert office.broken_case in output
    assert not leak_scan.Matcher(office.family).strings_in(output), "the purge printed a name"

    # the office clone: every object, reachable or not, every file under .git and the work tree
    leaks = [leak for leak in leak_scan.scan(root, office.family, _family_blobs(office)) if _not_a_record(leak)]
    assert leaks == [], leak_scan.where(leaks)
    # the server: everything a clone or fetch can reach (its unreachable objects wait for
    # the server's own gc, which the purge's printed advice asks for)
    server_leaks = [
        leak for leak in leak_scan.scan(server, office.family, _family_blobs(office), reachable_only=True) if _not_a_record(leak)
    ]
    assert server_leaks == [], leak_scan.where(server_leaks)

    assert (root / office.paths["open"]).read_bytes() == open_before
    assert git(root, "show", f"HEAD:{office.paths['open']}").stdout.encode() == open_before
    assert git(server, "show", f"main:{office.paths['open']}").stdout.encode() == open_before
    kept = leak_scan.Matcher(office.open_case).strings_in(open_before.decode())
    assert kept == set(office.open_case)
    for repo in (root, server):
        fsck = git(repo, "fsck", "--full", "--strict", check=False)
        assert fsck.returncode == 0, fsck.stderr
