"""The red team of branch `fast` (issue 12): the git index searched as its text, the proof's
names scan of the refs started right after git-filter-repo, the plan's history judging in a
forked child. The office of tests/support/office.py purged with `ekc purge --yes`, checked
by the independent scanner (tests/support/leak_scan.py) and, for a name that spans folder
levels (which no single tree holds), by every path of every ref's tree.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import time

import pytest

from tests.support import leak_scan, office as office_repo
from tests.support.git import git, git_bytes, out
from tests.test_purge_redteam import _commit, _purge, _write, office  # noqa: F401 - the fixture
from tests.test_purge_redteam2 import _clean

# the mother's phone number with its digits split over two folder levels: no tree entry
# holds it, the path does (`0648/151623.txt` is how a phone tool files a call's notes)
SPLIT_PHONE = "0648/151623.txt"


def _paths_with_strings(root, strings) -> list[str]:
    """Every path of every tree a ref reaches that holds a string: a name may span folder
    levels, which the independent scanner (one tree at a time) cannot see."""
    matcher = leak_scan.Matcher(strings)
    listing = git_bytes(root, "log", "--all", "--format=", "--name-only", "-z", "--root", "-m", "--no-renames")
    paths = {os.fsdecode(p) for p in re.split(b"[\0\n]", listing) if p}
    return sorted(p for p in paths if matcher.strings_in(p) or matcher.strings_in(re.sub(r"[-_/.]+", " ", p)))


def _hook(root, name: str, script: str) -> None:
    hooks = root / out(root, "rev-parse", "--git-path", "hooks")
    hooks.mkdir(parents=True, exist_ok=True)
    path = hooks / name
    path.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


# -- 2. the names scan of the refs starts before the purge commit: what comes after it --------

def test_a_commit_a_post_commit_hook_makes_after_the_purge_commit_is_in_the_names_scan(office):
    """`git commit --no-verify` still runs post-commit. The office's hook files each commit's
    call notes on a side branch; at the purge commit it adds one whose path spells the
    mother's phone number over two folders. The names scan started before that commit, so
    its trees are read one at a time, and no one tree holds the number."""
    root = office.root
    _hook(root, "post-commit", f"""
case "$(git log -1 --format=%s)" in
  "Purge personal data"*) ;;
  *) exit 0 ;;
esac
blob=$(printf 'teruggebeld\\n' | git hash-object -w --stdin)
inner=$(printf '100644 blob %s\\t151623.txt\\n' "$blob" | git mktree)
middle=$(printf '040000 tree %s\\t0648\\n' "$inner" | git mktree)
top=$(printf '040000 tree %s\\tbellen\\n' "$middle" | git mktree)
commit=$(echo "Belnotities" | git commit-tree "$top")
git update-ref refs/heads/belnotities "$commit"
""")
    assert leak_scan.Matcher(office.family).strings_in("bellen/" + SPLIT_PHONE)

    code, output, leaks = _purge(office)

    left = _paths_with_strings(root, office.family)
    assert git(root, "rev-parse", "-q", "--verify", "refs/heads/belnotities", check=False).returncode == 0, output
    assert left, "the scenario plants a path the purge does not remove"
    assert not (code == 0 and left), f"exit 0 with a path that spans folders still there: {len(left)} path(s)"
    assert code == 1, output
    assert "file or folder name(s) holding an identifying string" in output


def _tree_with_split_phone(root) -> str:
    blob = git(root, "hash-object", "-w", "--stdin", input="teruggebeld\n").stdout.strip()
    inner = git(root, "mktree", input=f"100644 blob {blob}\t151623.txt\n").stdout.strip()
    middle = git(root, "mktree", input=f"040000 tree {inner}\t0648\n").stdout.strip()
    return git(root, "mktree", input=f"040000 tree {middle}\tbellen\n").stdout.strip()


def test_a_tree_only_a_tag_reaches_is_read_as_paths(office):
    """`git tag archief-bellen <tree>`: no commit holds the tree, so no log walks it; read
    one tree at a time, no tree holds the number."""
    root = office.root
    tree = _tree_with_split_phone(root)
    git(root, "tag", "archief-bellen", tree)

    code, output, leaks = _purge(office)

    still = git(root, "cat-file", "-e", tree, check=False).returncode == 0
    assert not (code == 0 and still), "exit 0 with the tree listing the number still in the database"
    _clean(code, output, leaks)


# -- 1. the git index searched as its text: every kind of index git writes ------------------

def _family_needles():
    from ekc.core.identifying import Needles, PersonalStrings

    strings = PersonalStrings()
    for name in (office_repo.MOTHER, office_repo.SON):
        strings.add_name(name)
    strings.add_value(office_repo.PHONE)
    return Needles(strings)


def _repo(tmp_path, *init: str):
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main", *init)
    _write(root / "README", "kantoor\n")
    git(root, "add", "README")
    git(root, "commit", "-q", "-m", "start")
    return root


def _index_files_holding(root) -> list[str]:
    from ekc.purge import proof

    return proof.git_files_with(root, _family_needles())


def _v4_neighbours(root) -> None:
    """Two staged files whose v4 entries share all but the last digit: the second is stored
    as `3.txt` after the first's prefix, so only the path put back together spells the number."""
    _write(root / "bellen" / "0648" / "151622.txt", "x\n")
    _write(root / "bellen" / "0648" / "151623.txt", "y\n")
    git(root, "add", "bellen")
    (root / "bellen" / "0648" / "151623.txt").unlink()  # the index alone lists it


@pytest.mark.parametrize("version", ["2", "3", "4"])
def test_every_index_version_is_read_as_its_paths(tmp_path, version):
    root = _repo(tmp_path)
    _v4_neighbours(root)
    if version == "3":
        _write(root / "later.txt", "x\n")
        git(root, "add", "--intent-to-add", "later.txt")  # an extended flag: version 3 entries
    git(root, "update-index", "--index-version", version)
    assert (root / ".git" / "index").read_bytes()[4:8] == int(version).to_bytes(4, "big")
    assert "index" in _index_files_holding(root)


def test_a_split_index_and_its_shared_index_are_read(tmp_path):
    root = _repo(tmp_path)
    git(root, "update-index", "--split-index")
    _v4_neighbours(root)
    git(root, "update-index", "--index-version", "4")
    _write(root / "Brinkgreve-brief.txt", "x\n")
    git(root, "add", "Brinkgreve-brief.txt")
    (root / "Brinkgreve-brief.txt").unlink()
    assert list((root / ".git").glob("sharedindex.*"))
    assert _index_files_holding(root)
    # moved into the shared index (a split index with no entries of its own)
    git(root, "-c", "splitIndex.maxPercentChange=0", "update-index", "--split-index")
    held = _index_files_holding(root)
    assert any(p.startswith("sharedindex.") or p == "index" for p in held), held


def test_the_cache_tree_and_a_sparse_index_are_read(tmp_path):
    root = _repo(tmp_path)
    _write(root / "Teun Brinkgreve" / "brief.txt", "x\n")  # a sparse folder entry, a cache-tree name
    _write(root / "kantoor" / "a.txt", "x\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "dossiers")
    git(root, "sparse-checkout", "set", "--cone", "--sparse-index", "kantoor")
    git(root, "write-tree")
    data = (root / ".git" / "index").read_bytes()
    assert b"sdir" in data and b"TREE" in data
    assert "index" in _index_files_holding(root)


def test_resolve_undo_and_the_untracked_cache_are_read(tmp_path):
    root = _repo(tmp_path)
    name = "Teun Brinkgreve.txt"
    _write(root / name, "a\n")
    git(root, "add", name)
    git(root, "commit", "-q", "-m", "a")
    git(root, "checkout", "-q", "-b", "other")
    _write(root / name, "b\n")
    git(root, "commit", "-q", "-am", "b")
    git(root, "checkout", "-q", "main")
    _write(root / name, "c\n")
    git(root, "commit", "-q", "-am", "c")
    git(root, "merge", "-q", "other", check=False)
    git(root, "rm", "-q", "-f", name)  # resolved by removing: REUC alone keeps the path
    data = (root / ".git" / "index").read_bytes()
    assert b"REUC" in data
    assert "index" in _index_files_holding(root)
    git(root, "merge", "--abort", check=False)
    git(root, "reset", "-q", "--hard", "HEAD")
    git(root, "rm", "-q", name)
    git(root, "commit", "-q", "-m", "weg")
    git(root, "config", "core.untrackedCache", "true")
    _write(root / "scan 0648 151623.pdf", "x\n")
    for _ in range(4):  # git fills the cache only for folders older than the index's last write
        git(root, "status", "--porcelain")
        if b"151623" in (root / ".git" / "index").read_bytes():
            break
        time.sleep(1.1)
    data = (root / ".git" / "index").read_bytes()
    assert b"UNTR" in data and b"151623" in data
    assert "index" in _index_files_holding(root)


def test_a_sha_256_index_is_read(tmp_path):
    root = _repo(tmp_path, "--object-format=sha256")
    _v4_neighbours(root)
    for version in ("2", "4"):
        git(root, "update-index", "--index-version", version)
        assert "index" in _index_files_holding(root)


def test_an_index_lock_and_a_copy_are_read(tmp_path):
    root = _repo(tmp_path)
    _v4_neighbours(root)
    git(root, "update-index", "--index-version", "4")
    data = (root / ".git" / "index").read_bytes()
    git(root, "rm", "-q", "-r", "--cached", "bellen")
    (root / ".git" / "index.lock").write_bytes(data)
    (root / ".git" / "index.bak").write_bytes(data)
    held = _index_files_holding(root)
    assert "index" not in held and {"index.lock", "index.bak"} <= set(held), held


# -- 3. the plan's history judging in a forked child: the same plan as on one core -----------

def _plans(office, monkeypatch):
    from datetime import date

    from tests.test_purge_forked import _plan

    today = date.fromisoformat(office.today)
    two = _plan(office.root, today)
    with monkeypatch.context() as patched:
        patched.delattr(os, "fork")
        one = _plan(office.root, today)
    return two, one


def _same(two, one) -> None:
    for name in ("paths", "blobs", "drop", "ref_renames", "ref_deletes", "rewrite_refs", "commits_rewritten"):
        assert getattr(two, name) == getattr(one, name), name
    for name in ("blobs", "commits", "tags", "trees", "paths", "clean", "clean_commits"):
        assert getattr(two.found, name) == getattr(one.found, name), name


@pytest.mark.parametrize("odd", ["quoted", "windows-1252", "merge"])
def test_the_plan_on_odd_names_is_the_same_on_one_core(office, monkeypatch, odd):
    root = office.root
    first = office_repo.MOTHER.split(" ")[0]
    if odd == "quoted":  # a quote and a tab: git quotes these paths even with quotePath=false
        _write(root / "docs" / f'brief "{first}"\tconcept.txt', "Brief\n")
    elif odd == "windows-1252":
        (root / "docs").mkdir()
        (root / "docs" / os.fsdecode(f"brief-{first}.txt".encode("cp1252"))).write_bytes(
            f"Gesprek met {first}\n".encode("cp1252"))
    else:
        git(root, "checkout", "-q", "-b", "zijtak")
        _write(root / "docs" / "agenda.txt", f"Bellen: {office_repo.PHONE_SPELLINGS[0]}\n")
        git(root, "add", "docs")
        git(root, "commit", "-q", "-m", "Agenda")
        git(root, "checkout", "-q", "main")
        _write(root / "docs" / "Brinkgreve" / "x.txt", "x\n")
        git(root, "add", "docs")
        git(root, "commit", "-q", "-m", "Map")
        git(root, "merge", "-q", "--no-ff", "-m", "Samen", "zijtak")
    _commit(root, "Brief") if odd != "merge" else git(root, "push", "-q", "origin", "main")
    git(root, "rm", "-q", "-r", "docs")
    _commit(root, "Weg")

    two, one = _plans(office, monkeypatch)

    assert two.found.paths and two.found.blobs
    _same(two, one)
    code, output, leaks = _purge(office)
    _clean(code, output, leaks)


def test_a_child_answer_larger_than_a_pipe_holds_comes_back_whole():
    """The child writes its whole answer before the caller reads (the caller searches the
    objects first): an answer of megabytes must neither block nor come back cut."""
    from ekc.purge import forked

    work = forked.Forked(lambda: {f"dossiers/{n:07d}/personal.yaml" for n in range(200_000)})
    answer = work.result()
    assert work.pid is not None and len(answer) == 200_000
