"""`git_dir` tells the common git directory from the files where it can: its answer must be
git's own in every layout a purge, a sync or a hook meets."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from ekc.store import git as git_layer


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def _gits_answer(root: Path) -> Path:
    path = Path(_git(root, "rev-parse", "--git-common-dir"))
    return path if path.is_absolute() else (root / path).resolve()


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    root.mkdir()
    _git(root, "init", "-q", "-b", "main")
    (root / "cases").mkdir()
    (root / "cases" / "a.txt").write_text("a\n")
    _git(root, "add", "-A")
    _git(root, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "-m", "one")
    return root


def test_the_top_of_a_clone_is_told_from_its_files_without_git(clone: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_git(*args, **kwargs):
        raise AssertionError("git was asked")

    monkeypatch.setattr(git_layer, "git_text", no_git)
    assert git_layer.git_dir(clone) == _gits_answer(clone) == (clone / ".git").resolve()


def test_a_subfolder_a_worktree_and_a_bare_repository_get_gits_own_answer(clone: Path, tmp_path: Path) -> None:
    worktree = tmp_path / "other"
    _git(clone, "worktree", "add", "-q", str(worktree), "-b", "other")
    bare = tmp_path / "server.git"
    _git(tmp_path, "clone", "-q", "--bare", str(clone), str(bare))
    for root in (clone / "cases", worktree, bare):
        assert git_layer.git_dir(root) == _gits_answer(root)
    assert git_layer.git_dir(worktree) == (clone / ".git").resolve()


def test_a_hooks_git_dir_is_gits_answer(clone: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In a hook git sets GIT_DIR: that repository counts, not the folder's own `.git`."""
    elsewhere = tmp_path / "elsewhere.git"
    _git(tmp_path, "init", "-q", "--bare", str(elsewhere))
    monkeypatch.setenv("GIT_DIR", str(elsewhere))
    assert git_layer.git_dir(clone) == elsewhere.resolve()


def test_an_empty_git_folder_is_not_taken_for_a_repository(clone: Path) -> None:
    """A stray `.git` folder without HEAD (a half-copied clone) below the top: git looks
    further up, and so does git_dir."""
    stray = clone / "cases" / "copy"
    (stray / ".git").mkdir(parents=True)
    assert git_layer.git_dir(stray) == _gits_answer(stray) == (clone / ".git").resolve()
