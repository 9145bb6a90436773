"""`ekc purge --push REMOTE`: refuse when the clone and the remote differ; force-push with lease."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ekc.purge import rewrite as history
from ekc.cli.app import app
from tests import purge_repo as pr
from tests.purge_repo import TODAY, git
from tests.test_purge import PURGED, snapshot


@pytest.fixture
def clone(tmp_path, tmp_path_factory) -> Path:
    source = pr.fresh(tmp_path / "src", tmp_path_factory.getbasetemp())
    subprocess.run(["git", "clone", "-q", "--bare", str(source), str(tmp_path / "remote.git")], check=True)
    subprocess.run(["git", "clone", "-q", str(tmp_path / "remote.git"), str(tmp_path / "work")], check=True)
    return tmp_path / "work"


def remote_of(clone: Path) -> Path:
    return clone.parent / "remote.git"


def purge(root: Path, *args: str):
    return CliRunner().invoke(app, ["--data", str(root), "--today", TODAY, "purge", "--yes", *args])


def remote_refs(remote: Path) -> dict[str, str]:
    return pr.refs(remote)


def test_push_force_pushes_every_rewritten_branch_and_tag_with_lease(clone):
    remote = remote_of(clone)
    blobs = pr.history_blobs(remote, PURGED)
    before = remote_refs(remote)
    result = purge(clone, "--push", "origin")
    assert result.exit_code == 0, result.stderr
    assert "Pushed to origin (with lease)" in result.stdout
    assert "Every other clone still holds the purged data" in result.stdout
    after = remote_refs(remote)
    local = pr.refs(clone)
    assert after["refs/heads/main"] == local["refs/heads/main"]
    assert after["refs/heads/feature"] == local["refs/remotes/origin/feature"]
    assert after["refs/heads/side"] == before["refs/heads/side"]  # never held personal data
    assert after["refs/tags/v1"] == local["refs/tags/v1"] != before["refs/tags/v1"]
    assert git(remote, "log", "--all", "--format=%H", "--", *PURGED) == ""
    assert git(remote, "log", "-1", "--format=%s", "main").startswith("Purge personal data")
    # the server's own cleanup (what the printed advice asks of its administrators)
    git(remote, "reflog", "expire", "--expire=now", "--all")
    git(remote, "gc", "-q", "--prune=now")
    skeleton = git(remote, "rev-parse", "main:cases/2024/EKC-2024-BBBBB/personal.yaml").strip()
    assert all(not pr.object_exists(remote, b) for b in blobs - {skeleton})


def test_local_commits_not_on_the_remote_are_refused_and_nothing_changes(clone):
    (clone / "README.md").write_text("local work\n")
    git(clone, "add", "README.md")
    git(clone, "commit", "-qm", "local work")
    before, remote_before = snapshot(clone), remote_refs(remote_of(clone))
    result = purge(clone, "--push", "origin")
    assert result.exit_code == 1
    assert "differs between this clone and origin" in result.stderr or "not on origin" in result.stderr
    assert snapshot(clone) == before and remote_refs(remote_of(clone)) == remote_before


def test_a_local_branch_the_remote_lacks_is_refused(clone):
    git(clone, "checkout", "-qb", "mine")
    (clone / "README.md").write_text("mine\n")
    git(clone, "add", "README.md")
    git(clone, "commit", "-qm", "mine")
    git(clone, "checkout", "-q", "main")
    result = purge(clone, "--push", "origin")
    assert result.exit_code == 1 and "commits that are not on origin" in result.stderr


def test_remote_commits_this_clone_lacks_are_refused(clone, tmp_path):
    other = tmp_path / "other"
    subprocess.run(["git", "clone", "-q", str(remote_of(clone)), str(other)], check=True)
    (other / "README.md").write_text("theirs\n")
    git(other, "add", "README.md")
    git(other, "commit", "-qm", "theirs")
    git(other, "push", "-q", "origin", "main")
    branches = {n: v for n, v in pr.refs(clone).items() if not n.startswith("refs/remotes/")}
    result = purge(clone, "--push", "origin")
    assert result.exit_code == 1 and "refs/heads/main differs between this clone and origin" in result.stderr
    # it fetched every ref of the remote (that is its first step), and changed nothing else
    assert {n: v for n, v in pr.refs(clone).items() if not n.startswith("refs/remotes/")} == branches
    assert not (clone / ".git" / "ekc" / "purge-journal.json").exists()


def test_an_unknown_remote_is_refused(clone):
    result = purge(clone, "--push", "nowhere")
    assert result.exit_code == 1 and "no remote called 'nowhere'" in result.stderr


def test_someone_pushing_during_the_purge_loses_nothing_the_lease_refuses(clone, tmp_path, monkeypatch):
    other = tmp_path / "other"
    subprocess.run(["git", "clone", "-q", str(remote_of(clone)), str(other)], check=True)
    original = history._push

    def push_after_a_colleague(root, state):
        (other / "README.md").write_text("theirs\n")
        git(other, "add", "README.md")
        git(other, "commit", "-qm", "theirs")
        git(other, "push", "-q", "origin", "main")
        return original(root, state)

    monkeypatch.setattr(history, "_push", push_after_a_colleague)
    feature_before = remote_refs(remote_of(clone))["refs/heads/feature"]
    result = purge(clone, "--push", "origin")
    assert result.exit_code == 1
    assert "the remote refused: " in result.stderr and "refs/heads/main: [rejected] (stale info)" in result.stderr
    assert git(remote_of(clone), "log", "-1", "--format=%s", "main").strip() == "theirs"
    assert remote_refs(remote_of(clone))["refs/heads/feature"] == feature_before  # atomic: nothing half pushed
    assert not (clone / ".git" / "ekc" / "purge-journal.json").exists()


def test_without_push_it_prints_the_push_that_publishes_it_and_that_push_works(clone):
    remote = remote_of(clone)
    result = purge(clone)
    assert result.exit_code == 0, result.stderr
    line = next(line.strip() for line in result.stdout.splitlines() if line.strip().startswith("git push --atomic"))
    assert "--force-with-lease=refs/heads/main:" in line and "--force-with-lease=refs/heads/side" not in line
    subprocess.run(line.split(), cwd=clone, check=True, capture_output=True)
    local, after = pr.refs(clone), remote_refs(remote)
    assert after["refs/heads/main"] == local["refs/heads/main"]
    assert after["refs/heads/feature"] == local["refs/remotes/origin/feature"]
    assert after["refs/tags/v1"] == local["refs/tags/v1"]
    assert git(remote, "log", "--all", "--format=%H", "--", *PURGED) == ""
