"""A purge killed at any point leaves a repository that the next `ekc purge` returns to
exactly as before (killed before the purge commit) or finishes (killed after it).

The kill is real: SIGKILL, no cleanup, no `finally`; at "rewrite" git-filter-repo itself
kills ekc and then itself in the middle of the rewrite.

What a user does after a crash: run `ekc purge` again. It reports the interrupted purge,
rolls it back or finishes it, and says which; nothing else is needed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import ekc
from tests import purge_repo as pr
from tests.purge_repo import A, B, TODAY, git
from tests.test_purge import PURGED, snapshot

WORKTREE = str(Path(ekc.__file__).resolve().parents[1])


def run_ekc(root: Path, *args: str, kill_at: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": WORKTREE}
    env.pop("EKC_PURGE_KILL_AT", None)
    if kill_at:
        env["EKC_PURGE_KILL_AT"] = kill_at
    return subprocess.run(
        [sys.executable, "-m", "ekc", "--data", str(root), "--today", TODAY, *args],
        capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL,
    )


def wait_for_orphans(root: Path) -> None:
    """git-filter-repo's fast-export and fast-import outlive a SIGKILL of their parent for a moment."""
    for _ in range(200):
        busy = False
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                if os.readlink(f"/proc/{pid}/cwd") == str(root):
                    busy = True
                    break
            except OSError:
                continue
        if not busy:
            return
        time.sleep(0.05)
    raise AssertionError("child processes of the killed purge did not finish")


def fully_purged(root: Path, blobs: set[str]) -> None:
    skeleton = git(root, "rev-parse", f"HEAD:cases/2024/{B}/personal.yaml").strip()
    assert all(not pr.object_exists(root, b) for b in blobs - {skeleton})
    assert git(root, "log", "--all", "--format=%H", "--", *PURGED) == ""
    assert "sanne de vries" not in pr.all_messages(root).lower()
    assert git(root, "status", "--porcelain") == ""
    assert subprocess.run(["git", "-C", str(root), "fsck", "--no-dangling"], capture_output=True).returncode == 0
    assert [line for line in (root / "purge-log.yaml").read_text().splitlines() if line.startswith("  - case:")] == [
        f"  - case: {A}", "  - case: EKC-2024-DDDDD",
    ]
    assert not (root / ".git" / "ekc" / "purge-journal.json").exists()
    assert not (root / ".git" / "ekc" / "purge-work").exists()


@pytest.fixture
def repo(tmp_path, tmp_path_factory) -> Path:
    return pr.fresh(tmp_path, tmp_path_factory.getbasetemp())


@pytest.mark.parametrize("point", ["prepared", "rewrite", "rewritten"])
def test_killed_before_the_purge_commit_the_next_run_rolls_back_to_exactly_before(repo, point):
    blobs = pr.history_blobs(repo, PURGED)
    before = snapshot(repo)
    killed = run_ekc(repo, "purge", "--yes", kill_at=point)
    assert killed.returncode == -9, killed.stderr
    wait_for_orphans(repo)
    assert (repo / ".git" / "ekc" / "purge-journal.json").exists()

    dry = run_ekc(repo, "purge", "--dry-run")
    assert dry.returncode == 1 and "interrupted" in dry.stderr and "roll it back" in dry.stderr

    again = run_ekc(repo, "purge", "--yes")
    assert again.returncode == 0, again.stderr
    assert "Rolled back" in again.stdout
    assert snapshot(repo) == before
    assert all(pr.object_exists(repo, b) for b in blobs)
    assert not (repo / ".git" / "ekc" / "purge-work").exists()  # the redaction list (names) is gone

    final = run_ekc(repo, "purge", "--yes")
    assert final.returncode == 0, final.stderr
    fully_purged(repo, blobs)


@pytest.mark.parametrize("point", ["committed", "expired", "collected"])
def test_killed_after_the_purge_commit_the_next_run_finishes_and_proves_it(repo, point):
    blobs = pr.history_blobs(repo, PURGED)
    killed = run_ekc(repo, "purge", "--yes", kill_at=point)
    assert killed.returncode == -9, killed.stderr
    wait_for_orphans(repo)
    # already now no commit holds a purged path: only unreachable objects wait for gc
    assert git(repo, "log", "--all", "--format=%H", "--", *PURGED) == ""

    again = run_ekc(repo, "purge", "--yes")
    assert again.returncode == 0, again.stderr
    assert "Finished the interrupted purge" in again.stdout
    assert "4 known, 3 absent" in again.stdout
    fully_purged(repo, blobs)
    assert "Nothing to purge" in run_ekc(repo, "purge", "--yes").stdout


def test_a_failing_rewrite_rolls_back_at_once(repo, monkeypatch):
    """git-filter-repo exits non-zero (here: an option it does not know): nothing changes."""
    from typer.testing import CliRunner

    from ekc.purge import rewrite as history
    from ekc.cli.app import app

    original = history.filter_repo_command
    monkeypatch.setattr(history, "filter_repo_command", lambda *a: [*original(*a), "--no-such-option"])
    before = snapshot(repo)
    result = CliRunner().invoke(app, ["--data", str(repo), "--today", TODAY, "purge", "--yes"])
    assert result.exit_code == 1
    assert "git-filter-repo failed" in result.stderr and "rolled back" in result.stderr
    assert snapshot(repo) == before


def test_a_rewrite_that_would_change_a_kept_file_is_rolled_back(repo, monkeypatch):
    """The check before the point of no return: only the purged paths may differ."""
    from typer.testing import CliRunner

    from ekc.purge import rewrite as history
    from ekc.cli.app import app

    original = history.filter_repo_command
    monkeypatch.setattr(history, "filter_repo_command", lambda *a: [*original(*a), "--invert-paths", "--path", "coordinators.yaml"])
    before = snapshot(repo)
    result = CliRunner().invoke(app, ["--data", str(repo), "--today", TODAY, "purge", "--yes"])
    assert result.exit_code == 1
    assert "rolled back" in result.stderr and "coordinators.yaml changed" in result.stderr
    assert snapshot(repo) == before
