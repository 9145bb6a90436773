"""`ekc sync` on a stale clone after a monthly purge, against `git clone --no-local` of the
server (what "make a fresh clone" costs), in the same run.

Builds a history of N commits (bench/bench_history.build: every commit registers or
advances one case; registrations add a personal.yaml), a bare server cloned from it and a
staff clone of the server. Then the purge, as `ekc purge --push` would leave the server:
git-filter-repo removes the personal.yaml of the first P cases from all history in an
office clone, the purge log gets their paths and blob ids, the result is force-pushed and
the server cleaned (`reflog expire`, `gc --prune=now`). Times, best of 3 on fresh copies
of the staff clone:
- baseline: `git clone --no-local <server> <folder>`;
- `ekc sync` in the stale staff clone (a child process, as a person runs it).

    python3 bench/sync_bench.py [N [P]]      (default: 10000 20)
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_history import build  # noqa: E402

FILTER_REPO = str(Path(sys.executable).parent / "git-filter-repo")


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout


def main(commits: int, purged_cases: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        build(tmp / "seed", commits, personal_per_case=True)
        server = tmp / "server.git"
        git(tmp, "clone", "-q", "--bare", "--no-local", str(tmp / "seed"), str(server))
        git(server, "gc", "-q")
        staff = tmp / "staff"
        git(tmp, "clone", "-q", f"file://{server}", str(staff))
        office = tmp / "office"
        git(tmp, "clone", "-q", f"file://{server}", str(office))
        paths = sorted({line for line in git(office, "log", "--format=", "--name-only", "--", "cases/*/personal.yaml").split()})[:purged_cases]
        raw = git(office, "log", "--all", "--format=", "--raw", "--no-abbrev", "--", *paths)
        blobs = sorted({line.split()[3] for line in raw.splitlines() if line.startswith(":")})
        started = time.perf_counter()
        args = [FILTER_REPO, "--force", "--quiet", "--invert-paths"] + [a for p in paths for a in ("--path", p)]
        subprocess.run(args, cwd=office, check=True, capture_output=True)
        filter_time = time.perf_counter() - started
        git(office, "remote", "add", "origin", f"file://{server}")
        log = "purges:\n" + "".join(
            f"  - case: {p.split('/')[2]}\n    closed: 2024-06-30\n    purged: 2025-01-01\n    paths: [{p}]\n"
            f"    blobs: [{', '.join(b for b in blobs)}]\n" for p in paths[:1]) + "".join(
            f"  - case: {p.split('/')[2]}\n    closed: 2024-06-30\n    purged: 2025-01-01\n    paths: [{p}]\n" for p in paths[1:])
        (office / "purge-log.yaml").write_text(log)
        git(office, "add", "purge-log.yaml")
        git(office, "-c", "user.name=Office", "-c", "user.email=office@example.org", "commit", "-q", "-m", "purge")
        git(office, "push", "-q", "--force", "origin", "main")
        git(server, "reflog", "expire", "--expire=now", "--all")
        git(server, "gc", "-q", "--prune=now")
        size = git(server, "count-objects", "-vH")
        pack = [line for line in size.splitlines() if line.startswith("size-pack")][0]

        clone_times, sync_times = [], []
        for run in range(3):
            target = tmp / f"fresh-{run}"
            started = time.perf_counter()
            git(tmp, "clone", "-q", "--no-local", str(server), str(target))
            clone_times.append(time.perf_counter() - started)
            shutil.rmtree(target)
            copy = tmp / f"stale-{run}"
            shutil.copytree(staff, copy, symlinks=True)
            env_path = str(ROOT)
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "ekc", "sync"], cwd=copy, capture_output=True, text=True,
                                  env={**__import__("os").environ, "PYTHONPATH": env_path})
            sync_times.append(time.perf_counter() - started)
            assert done.returncode == 0, done.stdout + done.stderr
            assert "proof: none of the" in done.stdout, done.stdout
            shutil.rmtree(copy)
        clone, sync = min(clone_times), min(sync_times)
        print(f"history: {commits} commits, {pack}; purge of {len(paths)} personal.yaml ({len(blobs)} blob ids logged); "
              f"git-filter-repo on the office clone took {filter_time:.1f} s")
        print("| what | seconds (best of 3) | x baseline |")
        print("|---|---:|---:|")
        print(f"| baseline: `git clone --no-local` of the server | {clone:.2f} | 1.0 |")
        print(f"| `ekc sync` in the stale staff clone | {sync:.2f} | {sync / clone:.2f} |")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(args[0] if args else 10000, args[1] if len(args) > 1 else 20)
