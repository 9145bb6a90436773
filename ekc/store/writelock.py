"""One writer at a time: an exclusive `fcntl` lock held across read, check, write and commit.

Two `ekc case advance` and `ekc case assign` on one case at the same moment both read the
same file; without a lock the second rename silently drops the first change, and a commit
message can name what the other writer wrote. The lock file lives in the repository's own
folder (`.git/ekc/write.lock`, never cloned, never committed); outside git, the data folder
itself is locked. The holder writes its pid and command into the file, so a second writer
that waited long enough can say who holds it. The kernel drops the lock when the process
dies, so a killed writer never leaves a stale lock.
"""

from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from ekc.core.errors import Refused

LOCK_NAME = "write.lock"
DEFAULT_WAIT_SECONDS = 60.0  # a writer takes well under a second; 60 s covers a queue of them

_held: dict[str, int] = {}  # lock path -> depth, so `match --assign` may nest assign calls


def _wait_seconds() -> float:
    try:
        return max(0.0, float(os.environ.get("EKC_LOCK_WAIT", DEFAULT_WAIT_SECONDS)))
    except ValueError:
        return DEFAULT_WAIT_SECONDS


def lock_path(root: Path) -> Path:
    from ekc.store.git import common_dir

    git_dir = common_dir(root)
    return (git_dir / "ekc" / LOCK_NAME) if git_dir is not None else (root / ".git-less-ekc-write.lock")


def _holder(handle) -> str:
    try:
        handle.seek(0)
        said = handle.read(300).strip()
    except OSError:
        said = ""
    return said or "another ekc command"


@contextmanager
def writing(root: Path, what: str = ""):
    """Hold the repository's write lock for the block; wait up to EKC_LOCK_WAIT seconds."""
    import fcntl

    path = lock_path(root)
    key = str(path)
    if _held.get(key):
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    if path.name.startswith(".git-less"):
        # outside git: lock the folder itself, leaving no file behind in the data
        handle_fd = os.open(root, os.O_RDONLY)
        handle = None
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+", encoding="utf-8")
        handle_fd = handle.fileno()
    try:
        deadline = time.monotonic() + _wait_seconds()
        pause = 0.02
        while True:
            try:
                fcntl.flock(handle_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    who = _holder(handle) if handle is not None else "another ekc command"
                    raise Refused(
                        f"another ekc command is changing this repository ({who}); "
                        "wait for it to finish and try again"
                    ) from None
                time.sleep(pause)
                pause = min(pause * 1.5, 0.25)
        if handle is not None:
            handle.seek(0)
            handle.truncate()
            command = what or " ".join(["ekc", *sys.argv[1:3]])
            handle.write(f"pid {os.getpid()}, `{command}`, since {time.strftime('%H:%M:%S')}\n")
            handle.flush()
        _held[key] = 1
        try:
            yield
        finally:
            _held.pop(key, None)
            fcntl.flock(handle_fd, fcntl.LOCK_UN)
    finally:
        if handle is not None:
            handle.close()
        else:
            os.close(handle_fd)
