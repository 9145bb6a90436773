"""Why the one git layer (ekc/store/git.py) stands on GitPython, measured in one run.

    python3 bench/git_layer_bench.py [--repeat 200]

Compares, on this checkout: finding the repository and reading HEAD in-process with
GitPython against a `git rev-parse` child process, and running a git command through
GitPython's command interface against a bare `subprocess.run` (the baseline).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def per_call_ms(function, repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        function()
    return (time.perf_counter() - start) * 1000 / repeat


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=200)
    repeat = parser.parse_args().repeat
    started = time.perf_counter()
    import git  # noqa: F401

    imported_ms = (time.perf_counter() - started) * 1000
    from ekc.store import git as layer

    rows = [
        ("import git (once per process)", imported_ms),
        ("work tree: layer.work_tree (GitPython, in-process)", per_call_ms(lambda: layer.work_tree(ROOT), repeat)),
        ("work tree: git rev-parse --show-toplevel (child)", per_call_ms(
            lambda: subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--show-toplevel"], capture_output=True), repeat)),
        ("HEAD: layer.head_commit (GitPython, in-process)", per_call_ms(lambda: layer.head_commit(ROOT), repeat)),
        ("HEAD: git rev-parse HEAD (child)", per_call_ms(
            lambda: subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True), repeat)),
        ("git status: layer.run (GitPython's command interface)", per_call_ms(lambda: layer.run(ROOT, "status", "--porcelain"), repeat // 4)),
        ("git status: subprocess.run (baseline)", per_call_ms(
            lambda: subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain"], capture_output=True), repeat // 4)),
    ]
    print("| operation | ms per call |\n|---|---:|")
    for name, ms in rows:
        print(f"| {name} | {ms:.2f} |")


if __name__ == "__main__":
    main()
