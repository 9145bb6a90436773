"""The purge's look at the work tree, against git's own listing of it (same run).

The proof reads what git does not track, plus what git lists nothing of (a folder named
`.git` below the top, a submodule's work tree, a skip-worktree file); the purge removes empty
folders git does not track. Both start from `git ls-files --others --directory`, which scans
the work tree: that listing alone is the baseline.

    flock /tmp/ekc-bench.lock python3 bench/purge_worktree_bench.py --cases 15000
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ekc.core.identifying import Needles, PersonalStrings  # noqa: E402
from ekc.purge import proof, rewrite  # noqa: E402


def build(root: Path, cases: int) -> None:
    """`cases` case folders of two files each, committed: the shape of a long-lived store."""
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    for i in range(cases):
        year = 2000 + i % 25
        folder = root / "cases" / str(year) / f"EKC-{year}-{i:05d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "case.yaml").write_text("id: x\n")
        (folder / "personal.yaml").write_text("main_persons: []\n")
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "-c", "user.name=bench", "-c", "user.email=bench@example.org", "commit", "-q", "-m", "store"], cwd=root, check=True)


def timed(function, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=15000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    needles = Needles(PersonalStrings({"Anaïs Brinkgreve", "+31 6 48151623"}, {"Anaïs", "Brinkgreve"}))
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "store"
        build(root, args.cases)
        listing = ["git", "-c", "core.quotePath=false", "ls-files", "-z", "--others", "--directory"]
        rows = [
            ("baseline: git ls-files --others --directory", timed(lambda: subprocess.run(listing, cwd=root, capture_output=True, check=True), args.repeat)),
            ("proof.work_files_with", timed(lambda: proof.work_files_with(root, needles), args.repeat)),
            ("rewrite._remove_empty_folders (no purged path)", timed(lambda: rewrite._remove_empty_folders(root, []), args.repeat)),
        ]
    print(f"{args.cases} case folders, {2 * args.cases} tracked files; load average {os.getloadavg()[0]:.2f}")
    for label, seconds in rows:
        print(f"| {label} | {seconds:.3f} s |")


if __name__ == "__main__":
    main()
