"""Real git repositories for tests: run git, commit a data store, run `ekc` as a child."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import ekc

WORKTREE = Path(ekc.__file__).resolve().parents[1]


def git(cwd: Path, *args: str, check: bool = True, input: str | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`env`, when given, is the whole environment (dated commits, another identity)."""
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, input=input, env=env)
    if check and done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {done.stderr}")
    return done


def out(cwd: Path, *args: str) -> str:
    return git(cwd, *args).stdout.strip()


def init_repo(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    return root


def commit_all(root: Path, message: str) -> str:
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", message)
    return out(root, "rev-parse", "HEAD")


def ekc_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a child `ekc`: this worktree's package first on the path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(WORKTREE) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.update(extra or {})
    return env


def ekc_shim(folder: Path) -> Path:
    """An `ekc` program on a PATH folder that runs this worktree's ekc (hooks call `ekc`)."""
    folder.mkdir(parents=True, exist_ok=True)
    shim = folder / "ekc"
    shim.write_text(f'#!/bin/sh\nPYTHONPATH="{WORKTREE}${{PYTHONPATH:+:$PYTHONPATH}}" exec "{sys.executable}" -m ekc "$@"\n')
    shim.chmod(0o755)
    return folder

# What tests pass to `ekc init --install`: the editable install under test is no source CI
# can reach, so init asks for one (ekc/init/install_source.py).
CI_INSTALL = "ekc @ git+https://git.example.org/ekc.git@" + "1" * 40

def git_bytes(cwd: Path, *args: str, input: bytes | None = None) -> bytes:
    """git's raw output, for streams that hold binary objects (cat-file --batch)."""
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, input=input)
    if done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {done.stderr.decode(errors='replace')}")
    return done.stdout
