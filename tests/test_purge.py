"""`ekc purge` on real repositories with branches, tags, a merge and moved files."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ekc.cli.app import app
from ekc.store.loader import load
from tests import purge_repo as pr
from tests.purge_repo import A, B, C, D, TODAY, git

A_PATHS = [f"cases/2023/{A}/personal.yaml", f"cases/2024/{A}/personal.yaml"]
D_PATHS = [f"cases/2024/{D}/personal.yaml", "drafts/personal.yaml"]
PURGED = A_PATHS + D_PATHS


@pytest.fixture
def repo(tmp_path, tmp_path_factory) -> Path:
    return pr.fresh(tmp_path, tmp_path_factory.getbasetemp())


def purge(root: Path, *args: str):
    return CliRunner().invoke(app, ["--data", str(root), "--today", TODAY, "purge", *args])


def snapshot(root: Path) -> tuple:
    """Everything a refused or dry run must leave alone: refs, HEAD, status, objects, reflogs."""
    objects = git(root, "cat-file", "--batch-all-objects", "--batch-check")
    reflog = git(root, "reflog", "--all") if (root / ".git" / "logs").exists() else ""
    state = sorted(p.name for p in (root / ".git").iterdir() if p.name != "ekc")  # .git/ekc: the verdict cache
    journal = (root / ".git" / "ekc" / "purge-journal.json").exists()
    return pr.refs(root), (root / ".git" / "HEAD").read_text(), git(root, "status", "--porcelain"), objects, reflog, state, journal


def test_dry_run_lists_cases_paths_and_commits_and_changes_nothing(repo):
    before = snapshot(repo)
    result = purge(repo, "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert A in result.stdout and D in result.stdout and C not in result.stdout.split("rewritten")[0]
    for path in [*A_PATHS, D_PATHS[0]]:
        assert path in result.stdout
    assert "drafts/" not in result.stdout and "and 1 path(s) outside the case folder" in result.stdout
    assert "4 file version(s)" in result.stdout
    for name in pr.A_NAMES:
        assert name not in result.stdout
    assert snapshot(repo) == before


def test_purge_removes_every_version_and_redacts_every_message(repo):
    blobs = pr.history_blobs(repo, PURGED)
    skeleton = git(repo, "rev-parse", f"HEAD:cases/2024/{B}/personal.yaml").strip()
    assert skeleton in blobs  # A's first version was the empty skeleton B still has
    kept_before = {ref: pr.tree_listing(repo, ref) for ref in ("main", "feature", "side", "v1", "registered-a")}
    side_before = pr.refs(repo)["refs/heads/side"]
    rerere = repo / ".git" / "rr-cache" / "0123abcd"
    rerere.mkdir(parents=True)
    (rerere / "preimage").write_text("main_persons:\n<<<<<<<\n  - {name: a resolved conflict's text}\n")

    result = purge(repo, "--yes")

    assert result.exit_code == 0, result.stderr
    # no purged blob in the object database, except the shared skeleton, reported as such
    for blob in blobs - {skeleton}:
        assert not pr.object_exists(repo, blob)
    assert pr.object_exists(repo, skeleton)
    assert f"{skeleton} is byte for byte the personal.yaml of kept case file cases/2024/{B}/personal.yaml" in result.stdout
    assert "4 known, 3 absent" in result.stdout and "nothing of a purged case remains" in result.stdout
    # no purged path at any commit
    assert git(repo, "log", "--all", "--format=%H", "--", *PURGED) == ""
    # no purged name, e-mail or phone in any commit or tag message; the kept case's name stays
    messages = pr.all_messages(repo)
    for text in [*pr.A_NAMES, *pr.A_PHONE_SPELLINGS, "Sanne", "98765432"]:
        assert text.lower() not in messages.lower(), text
    assert pr.C_NAME in messages
    assert "***" in messages
    # every other file byte-identical at every ref
    for ref, listing in kept_before.items():
        after = pr.tree_listing(repo, ref)
        expected = {p: meta for p, meta in listing.items() if p not in PURGED}
        if ref == "main":
            assert after.pop("purge-log.yaml")
        assert after == expected, ref
    assert pr.refs(repo)["refs/heads/side"] == side_before  # untouched branch keeps its commit
    assert not (repo / A_PATHS[1]).exists() and not (repo / D_PATHS[0]).exists()
    assert (repo / f"cases/2024/{C}/personal.yaml").exists()
    # the repository is sound, clean, and the log is right
    assert subprocess.run(["git", "-C", str(repo), "fsck", "--strict", "--no-dangling"], capture_output=True).returncode == 0
    assert git(repo, "status", "--porcelain") == ""
    log = load(repo).store.purge_log.purges
    assert [(p.case, p.closed, p.purged, p.paths) for p in log] == [
        (A, date(2024, 6, 30), date(2024, 10, 1), A_PATHS),
        (D, date(2024, 5, 31), date(2024, 10, 1), D_PATHS[:1]),  # drafts/ is counted, never named
    ]
    validate = CliRunner().invoke(app, ["--data", str(repo), "--today", TODAY, "validate"])
    assert validate.exit_code == 0, validate.stdout
    head_message = git(repo, "log", "-1", "--format=%B")
    assert head_message.startswith("Purge personal data of 2 cases") and A in head_message and D in head_message
    # no state left behind: no journal, no scratch files, no filter-repo metadata, no reflog
    assert not (repo / ".git" / "ekc" / "purge-journal.json").exists()
    assert not (repo / ".git" / "ekc" / "purge-work").exists()
    assert not (repo / ".git" / "filter-repo").exists()
    assert not (repo / ".git" / "rr-cache").exists()  # rerere's record of resolved conflicts
    assert git(repo, "reflog", "--all") == ""


def test_a_second_purge_finds_nothing_and_changes_nothing(repo):
    assert purge(repo, "--yes").exit_code == 0
    before = snapshot(repo)
    result = purge(repo, "--yes")
    assert result.exit_code == 0
    assert "Nothing to purge" in result.stdout
    assert snapshot(repo) == before


def test_before_retention_ends_nothing_is_purged(repo):
    before = snapshot(repo)
    result = CliRunner().invoke(app, ["--data", str(repo), "--today", "2024-08-30", "purge", "--yes"])
    assert result.exit_code == 0 and "Nothing to purge" in result.stdout
    assert snapshot(repo) == before


def _dirty(root):
    (root / "coordinators.yaml").write_text((root / "coordinators.yaml").read_text() + "# edit\n")


def _untracked(root):
    (root / "notes.txt").write_text("x\n")


def _stash(root):
    _dirty(root)
    git(root, "stash", "-q")


def _merging(root):
    git(root, "checkout", "-q", "side")
    (root / "coordinators.yaml").write_text("coordinators: []\n")
    git(root, "commit", "-qam", "conflicting edit")
    subprocess.run(["git", "-C", str(root), "merge", "-q", "main"], capture_output=True)


def _worktree(root):
    git(root, "worktree", "add", "-q", str(root.parent / "other"), "side")


def _detached(root):
    git(root, "checkout", "-q", "--detach", "main")


def _notes(root):
    git(root, "notes", "add", "-m", "a note", "HEAD")


def _keep_pack(root):
    git(root, "repack", "-adq")
    pack = next((root / ".git" / "objects" / "pack").glob("*.pack"))
    pack.with_suffix(".keep").write_text("")


def _shallow(root):
    (root / ".git" / "shallow").write_text(git(root, "rev-parse", "main"))


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (_dirty, "working tree has changes"),
        (_untracked, "working tree has changes"),
        (_stash, "there is a stash"),
        (_merging, "a merge is in progress"),
        (_worktree, "other worktree"),
        (_detached, "HEAD is detached"),
        (_keep_pack, ".keep"),
        (_shallow, "shallow clone"),
    ],
)
def test_a_refused_start_says_why_and_changes_nothing(repo, make, reason):
    make(repo)
    before = snapshot(repo)
    result = purge(repo, "--yes")
    assert result.exit_code == 1
    assert reason in result.stderr
    assert result.stderr.startswith("ekc: ") and "Traceback" not in result.stderr
    assert snapshot(repo) == before


def test_without_a_terminal_it_needs_yes_and_changes_nothing(repo):
    before = snapshot(repo)
    result = purge(repo)
    assert result.exit_code == 2
    assert "pass --yes" in result.stderr
    assert snapshot(repo) == before


def test_declining_the_question_changes_nothing(repo, monkeypatch):
    before = snapshot(repo)
    monkeypatch.setattr("ekc.cli.purge._interactive", lambda: True)
    monkeypatch.setattr("typer.confirm", lambda *a, **k: False)
    result = purge(repo)
    assert result.exit_code == 1 and "cancelled" in result.stderr
    assert snapshot(repo) == before


def test_not_a_git_repository_is_refused(tmp_path):
    from tests.support.store import StoreBuilder

    root = StoreBuilder(tmp_path / "plain").write()
    result = purge(root, "--yes")
    assert result.exit_code == 1 and "not a git repository" in result.stderr


def test_a_config_value_with_a_line_break_is_refused_before_filter_repo_crashes_on_it(repo):
    git(repo, "config", "ekc.note", "two\nlines")
    before = snapshot(repo)
    result = purge(repo, "--yes")
    assert result.exit_code == 1 and "line break" in result.stderr
    assert snapshot(repo) == before


def test_a_case_already_gone_from_the_tree_is_still_purged_from_history(repo):
    git(repo, "rm", "-q", A_PATHS[1])
    git(repo, "commit", "-qm", "remove by hand")
    blobs = pr.history_blobs(repo, A_PATHS)
    result = purge(repo, "--yes")
    assert result.exit_code == 0, result.stderr
    skeleton = git(repo, "rev-parse", f"HEAD:cases/2024/{B}/personal.yaml").strip()
    assert all(not pr.object_exists(repo, b) for b in blobs - {skeleton})


def test_a_copy_of_a_purged_version_outside_the_cases_is_purged_too_not_called_shared(repo):
    """DATA-FORMAT.md 5: "shared, kept" only for a kept case's personal.yaml; any other copy goes."""
    (repo / "docs").mkdir()
    (repo / "docs" / "example.yaml").write_text(pr.personal_a(False))
    git(repo, "add", "docs")
    git(repo, "commit", "-qm", "An example file that happens to equal a real one")
    same = git(repo, "rev-parse", "HEAD:docs/example.yaml").strip()
    assert same in pr.history_blobs(repo, A_PATHS)
    result = purge(repo, "--yes")
    assert result.exit_code == 0, result.stderr
    assert not pr.object_exists(repo, same)
    assert same not in result.stdout and "docs/example.yaml" not in result.stdout
    assert "4 known, 3 absent" in result.stdout


def test_a_broken_purge_log_is_refused_before_anything_changes(repo):
    (repo / "purge-log.yaml").write_text("purges: [\n")
    git(repo, "add", "purge-log.yaml")
    git(repo, "commit", "-qm", "broken log")
    before = snapshot(repo)
    result = purge(repo, "--yes")
    assert result.exit_code == 1 and "purge-log.yaml has errors" in result.stderr
    assert snapshot(repo) == before


def test_an_existing_purge_log_keeps_its_entries_and_comments(repo):
    (repo / "purge-log.yaml").write_text(
        "# what was purged\npurges:\n  - case: EKC-2023-ZZZZZ\n    closed: 2023-01-31\n    purged: 2023-05-01\n    paths: [cases/2023/EKC-2023-ZZZZZ/personal.yaml]\n"
    )
    git(repo, "add", "purge-log.yaml")
    git(repo, "commit", "-qm", "earlier purges")
    result = purge(repo, "--yes")
    assert result.exit_code == 0, result.stderr
    text = (repo / "purge-log.yaml").read_text()
    assert text.startswith("# what was purged\npurges:\n  - case: EKC-2023-ZZZZZ\n")
    assert [p.case for p in load(repo).store.purge_log.purges] == ["EKC-2023-ZZZZZ", A, D]


def test_dry_run_names_the_commits_that_wrote_each_purged_file(repo):
    writers = git(repo, "log", "--all", "--format=%h", "--abbrev=10", "--", *A_PATHS).split()
    result = purge(repo, "--dry-run")
    assert result.exit_code == 0
    for commit in writers:
        assert commit in result.stdout
