"""Git repositories for the case tests: commit messages, changed paths, clones (on tests/support/git.py)."""

from __future__ import annotations

from pathlib import Path

from tests.support import git as gitrepos


def git(root: Path, *args: str) -> str:
    """stdout of a git command that must succeed."""
    return gitrepos.git(root, *args).stdout


def init_repo(root: Path) -> Path:
    """`git init` the written store and commit everything in it as the first commit."""
    gitrepos.init_repo(root)
    gitrepos.commit_all(root, "initial data")
    return root


def messages(root: Path) -> list[str]:
    """Commit messages, newest first, each stripped."""
    out = git(root, "log", "--format=%B%x00")
    return [m.strip() for m in out.split("\x00") if m.strip()]


def changed_paths(root: Path, rev: str = "HEAD") -> list[str]:
    return sorted(git(root, "show", "--name-only", "--format=", rev).split())


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the work tree (not .git) with its bytes, to prove nothing changed."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(root).parts
    }


def origin_with_clones(tmp_path: Path, builder, *names: str) -> list[Path]:
    """A bare origin holding the builder's store, and one clone of it per name."""
    seed = init_repo(builder.write())
    origin = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(seed), str(origin))
    clones = []
    for name in names:
        git(tmp_path, "clone", "-q", str(origin), name)
        clones.append(tmp_path / name)
    return clones
