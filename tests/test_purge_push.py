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
    assert result.exit_code == 1 and "a branch differs between this clone and origin" in result.stderr
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


# -- what the remote's host needs (ekc.guard.hosts), printed and written after the push ------

FAMILY = [*pr.A_NAMES, *pr.A_PHONE_SPELLINGS, pr.D_NAME, "Sanne", "98765432"]


def ekc_files(clone: Path) -> dict[str, str]:
    folder = clone / ".git" / "ekc"
    return {p.name: p.read_text() for p in folder.iterdir() if p.is_file()} if folder.is_dir() else {}


def assert_no_family(*texts: str) -> None:
    for text in texts:
        for string in FAMILY:
            assert string not in text


def test_a_bare_remote_with_the_hook_needs_nothing_and_a_second_remote_is_named(clone, tmp_path):
    from ekc.cli.hook import HOOK_SCRIPTS

    hook = remote_of(clone) / "hooks" / "post-receive"
    hook.write_text(HOOK_SCRIPTS["post-receive"].format(python="/bin/false"))  # only its presence is read
    hook.chmod(0o755)
    subprocess.run(["git", "clone", "-q", "--mirror", str(remote_of(clone)), str(tmp_path / "offsite.git")], check=True)
    git(clone, "remote", "add", "offsite", "ssh://backup:secret@backup.example.nl/srv/offsite.git")
    result = purge(clone, "--push", "origin")
    assert result.exit_code == 0, result.stderr
    assert "with `ekc hook install`: nothing to do" in result.stdout
    assert "Remote offsite (ssh://backup.example.nl/srv/offsite.git) still holds the old history" in result.stdout
    assert "secret" not in result.stdout
    files = ekc_files(clone)
    assert "nothing to do" in files["host-instructions.txt"]
    assert "offsite" in files["host-instructions.txt"]
    assert_no_family(result.stdout, *files.values())


def test_a_bare_remote_without_the_hook_is_told_to_install_and_clean(clone):
    result = purge(clone, "--push", "origin")
    assert result.exit_code == 0, result.stderr
    assert "without `ekc hook install`" in result.stdout and "ekc hook clean" in result.stdout
    assert "Remote " not in result.stdout  # no other remote configured


def test_host_gitlab_writes_the_commit_map_of_the_purge(clone):
    before = set(git(clone, "rev-list", "--all").split())
    result = purge(clone, "--push", "origin", "--host", "gitlab")
    assert result.exit_code == 0, result.stderr
    assert "Repository cleanup" in result.stdout and "Prune unreachable objects" in result.stdout
    files = ekc_files(clone)
    rows = files["gitlab-commit-map-001.txt"].splitlines()
    assert rows[0] == "old new" and len(rows) > 1
    after = set(git(clone, "rev-list", "--all").split())
    for row in rows[1:]:
        old, new = row.split()
        assert old in before and old not in after and old != new
        assert new in after or set(new) == {"0"}
    assert_no_family(result.stdout, *files.values())


def test_host_github_writes_the_support_request(clone):
    result = purge(clone, "--push", "origin", "--host", "github")
    assert result.exit_code == 0, result.stderr
    request = ekc_files(clone)["github-support-request.txt"]
    assert "First changed commits" in request and "support.github.com" in result.stdout
    assert_no_family(result.stdout, request)


@pytest.mark.parametrize("host", ["forgejo", "gitea"])
def test_host_gitea_and_forgejo_get_the_administrators_gc(clone, host):
    result = purge(clone, "--push", "origin", "--host", host)
    assert result.exit_code == 0, result.stderr
    assert "gc.pruneExpire=now" in result.stdout


def test_host_plain_is_a_bare_repository_of_our_own(clone):
    result = purge(clone, "--push", "origin", "--host", "plain")
    assert result.exit_code == 0, result.stderr
    assert "ekc hook clean" in result.stdout


def test_an_unknown_host_or_host_without_push_is_a_usage_error_and_nothing_changes(clone):
    before = pr.refs(clone)
    result = purge(clone, "--push", "origin", "--host", "bitbucket")
    assert result.exit_code == 2 and "github, gitlab, gitea, forgejo, plain" in result.stderr
    assert purge(clone, "--host", "gitlab").exit_code == 2
    assert pr.refs(clone) == before
