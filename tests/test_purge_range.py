"""The purge rewrites from the first commits that change, not from the root.

A monthly purge removes cases registered a year or two ago; the twenty years before them stay
byte for byte. These tests pin that the range is right: the same commit ids as a rewrite of
every ref from the root, untouched history keeps its ids, and a message, tag or identity that
names a person before the personal.yaml existed still starts the rewrite there.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from ekc.cli.app import app
from ekc.purge import plan as purge_plan
from ekc.purge import rewrite
from tests import purge_repo as pr
from tests.purge_repo import TODAY, git
from tests.support import leak_scan


def purge(root: Path):
    return CliRunner().invoke(app, ["--data", str(root), "--today", TODAY, "purge", "--yes"])


def test_the_range_is_every_descendant_of_a_seed_and_stops_at_untouched_parents():
    #   a - b - c - e      (e: merge of c and d)
    #        \- d -/
    #   x                  (another root)
    order = ["a", "x", "b", "c", "d", "e"]
    parents = {"a": [], "x": [], "b": ["a"], "c": ["b"], "d": ["b"], "e": ["c", "d"]}
    assert purge_plan.rewrite_range(order, parents, {"d"}) == ({"d", "e"}, ["b", "c"])
    assert purge_plan.rewrite_range(order, parents, {"c"}) == ({"c", "e"}, ["b", "d"])
    assert purge_plan.rewrite_range(order, parents, {"a"}) == ({"a", "b", "c", "d", "e"}, [])
    assert purge_plan.rewrite_range(order, parents, set()) == (set(), [])


@pytest.fixture
def repo(tmp_path, tmp_path_factory) -> Path:
    return pr.fresh(tmp_path, tmp_path_factory.getbasetemp())


def _history(root: Path) -> dict[str, str]:
    """Every ref but the branch the purge commits on, and that branch's parent."""
    refs = {name: sha for name, sha in pr.refs(root).items() if name != "refs/heads/main"}
    refs["main^"] = git(root, "rev-parse", "main^").strip()
    return refs


def test_a_rewrite_from_the_first_change_writes_the_same_commits_as_one_from_the_root(repo, tmp_path, monkeypatch):
    start = git(repo, "rev-list", "--max-parents=0", "main").strip()
    side = pr.refs(repo)["refs/heads/side"]
    full = tmp_path / "full"
    import shutil

    shutil.copytree(repo, full, symlinks=True)

    result = purge(repo)
    assert result.exit_code == 0, result.stderr
    assert git(repo, "cat-file", "-t", start).strip() == "commit"  # untouched: the same id
    assert pr.refs(repo)["refs/heads/side"] == side

    monkeypatch.setattr(rewrite, "_rewrite_range", lambda *a, **k: (None, 0))
    assert purge(full).exit_code == 0
    assert _history(repo) == _history(full)


def test_names_before_the_personal_file_existed_start_the_rewrite_there(repo):
    """A message, an author, an annotated tag and a file naming the family on branches off the
    root (long before any personal.yaml): the rewrite must reach them, and nothing stays."""
    git(repo, "checkout", "-q", "side")
    (repo / "NOTES.md").write_text("plain notes\n")
    git(repo, "add", "NOTES.md")
    git(repo, "-c", "user.name=Sanne de Vries", "-c", "user.email=sanne@example.org",
        "commit", "-q", "-m", "Notes (belt Sanne de Vries terug)")
    (repo / "NOTES.md").write_text("plain notes, more\n")
    git(repo, "commit", "-q", "-am", "More notes")
    git(repo, "checkout", "-q", "-b", "other", "side~2")
    (repo / "OTHER.md").write_text("other work\n")
    git(repo, "add", "OTHER.md")
    git(repo, "commit", "-q", "-m", "Other work")
    git(repo, "tag", "-a", "early", "-m", "Tag for s.devries@example.org")
    git(repo, "checkout", "-q", "-b", "third", "side~2")
    (repo / "call.txt").write_text("Called Sanne de Vries about the plan\n")  # a file naming her
    git(repo, "add", "call.txt")
    git(repo, "commit", "-q", "-m", "Call notes")
    git(repo, "rm", "-q", "call.txt")
    git(repo, "commit", "-q", "-m", "Remove call notes")
    git(repo, "checkout", "-q", "main")

    result = purge(repo)

    assert result.exit_code == 0, result.stderr
    leaks = leak_scan.scan(repo, pr.A_NAMES)
    assert leaks == [], leak_scan.where(leaks)


def test_git_quotes_says_which_paths_git_prints_quoted(tmp_path):
    """The range's seeds are found by path in git's log output, so a path git quotes must be
    known as such (the rewrite then starts from the root)."""
    from ekc.store.git import git_quotes
    from tests.support.git import init_repo

    root = init_repo(tmp_path / "repo")
    names = ['brief "Zoë".txt', "back\\slash.txt", "tab\there.txt", "Zoë Okkerhuizen.txt", "plain.txt"]
    for name in names:
        (root / name).write_text("x\n")
    git(root, "add", "-A")
    printed = git(root, "-c", "core.quotePath=false", "ls-files").splitlines()
    raw = [n for n in git(root, "ls-files", "-z").split("\0") if n]  # the same order, unquoted
    assert len(printed) == len(raw) == len(names)
    for name, line in zip(raw, printed):
        assert git_quotes(name) == line.startswith('"'), (name, line)
    assert sum(line.startswith('"') for line in printed) == 3


def test_the_history_read_in_two_halves_is_the_whole_history_once(repo, monkeypatch):
    """The plan reads history as two git processes (scan.HalvedLog): together exactly the
    lines of one `git log` over every ref and reflog, each commit once."""
    from ekc.purge import scan

    git(repo, "commit", "-q", "--amend", "-m", "amended: the old tip lives on in the reflog only")
    whole = git(repo, *scan.PERSONAL_LOG).encode()
    monkeypatch.setattr(scan.HalvedLog, "SPLIT_FROM", 2)
    halves = scan.HalvedLog(repo, *scan.PERSONAL_LOG_OPTIONS)
    assert len(halves.parts) == 2
    joined = halves.result()
    assert sum(line.startswith(b"\x01") for line in joined.splitlines()) > 4
    # the same lines as many times (a merge's header once per parent, with -m): nothing twice
    assert sorted(joined.splitlines()) == sorted(whole.splitlines())
    monkeypatch.setattr(scan.HalvedLog, "SPLIT_FROM", 10**9)
    assert len(scan.HalvedLog(repo, *scan.PERSONAL_LOG_OPTIONS).parts) == 1
