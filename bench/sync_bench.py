"""`ekc sync` on a stale clone after a monthly purge, against `git clone --no-local` of the
server (what "make a fresh clone" costs), in the same run.

The history is bench/purge_bench.generate's (one `git fast-import` stream: N commits, N*3/10
cases over ten years, a personal.yaml per case; the 150 cases that expire this month were
registered about half a year ago). A bare server is cloned from it, then a staff clone and
an office clone of the server. The office's monthly purge, as the office runs it: `ekc
validate`, `ekc purge --yes --push origin` (the 150 cases' personal.yaml out of all
history, their strings out of every file and message, the purge log), then `ekc hook clean`
of the server (as its post-receive cleaner would). Times, best of --repeat on fresh copies (`cp -a`) of the stale
staff clone:
- baseline: `git clone --no-local <server> <folder>`;
- `ekc sync` in the stale staff clone (a child process, as a person runs it), which must
  print its proof.

    python3 bench/sync_bench.py [N [P]] [--repeat R]      (default: 50000 150, R 3; P is the
    generator's 150 expiring cases)
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.purge_bench import TODAY, generate  # noqa: E402
from ekc.guard import logged as logged_ids  # noqa: E402


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout


def stamp(label: str, started: float) -> None:
    print(f"  {label}: {time.perf_counter() - started:.1f} s (load {os.getloadavg()[0]:.2f})", file=sys.stderr, flush=True)


def main(commits: int, purged_cases: int, repeat: int) -> None:
    if purged_cases != 150:
        raise SystemExit("the history (bench/purge_bench.generate) has 150 cases expiring this month: P is 150")
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        started = time.perf_counter()
        info = generate(tmp / "seed", commits, commits * 3 // 10, "recent")
        stamp(f"history of {info['commits']} commits (fast-import, gc)", started)
        started = time.perf_counter()
        server = tmp / "server.git"
        git(tmp, "clone", "-q", "--bare", "--no-local", str(tmp / "seed"), str(server))
        shutil.rmtree(tmp / "seed")
        staff, office = tmp / "staff", tmp / "office"
        git(tmp, "clone", "-q", f"file://{server}", str(staff))
        git(tmp, "clone", "-q", f"file://{server}", str(office))
        stamp("server, staff and office clones", started)

        started = time.perf_counter()
        env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(tmp / "cache")}
        ekc = [sys.executable, "-m", "ekc", "--data", str(office), "--today", TODAY.isoformat()]
        for step in (["validate"], ["purge", "--yes", "--push", "origin"]):
            done = subprocess.run([*ekc, *step], cwd=office, capture_output=True, text=True, env=env)
            assert done.returncode in (0, 1) if step == ["validate"] else done.returncode == 0, done.stdout + done.stderr
        purge_time = time.perf_counter() - started
        cleaned = subprocess.run([sys.executable, "-m", "ekc", "hook", "clean", str(server)], capture_output=True, text=True, env=env)
        assert cleaned.returncode == 0, cleaned.stdout + cleaned.stderr
        log = logged_ids.from_file(office / "purge-log.yaml")
        shutil.rmtree(office)
        stamp(f"the office's `ekc purge --yes --push origin` ({purge_time:.1f} s), `ekc hook clean` of the server", started)
        pack = [line for line in git(server, "count-objects", "-vH").splitlines() if line.startswith("size-pack")][0]

        clone_times, sync_times = [], []
        for run in range(repeat):
            target = tmp / f"fresh-{run}"
            loads = [os.getloadavg()[0]]
            started = time.perf_counter()
            git(tmp, "clone", "-q", "--no-local", str(server), str(target))
            clone_times.append(time.perf_counter() - started)
            shutil.rmtree(target)
            copy = tmp / f"stale-{run}"
            subprocess.run(["cp", "-a", str(staff), str(copy)], check=True)
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "ekc", "sync"], cwd=copy, capture_output=True, text=True, env=env)
            sync_times.append(time.perf_counter() - started)
            loads.append(os.getloadavg()[0])
            assert done.returncode == 0, done.stdout + done.stderr
            assert "proof: none of the" in done.stdout, done.stdout
            shutil.rmtree(copy)
            print(f"  round {run + 1}: clone {clone_times[-1]:.2f} s, sync {sync_times[-1]:.2f} s, load {loads[0]:.2f}-{loads[1]:.2f}",
                  file=sys.stderr, flush=True)
        clone, sync = min(clone_times), min(sync_times)
        print(f"history: {info['commits']} commits, {commits * 3 // 10} cases, server {pack}; purge of {len(info['paths'])} cases "
              f"({len(log.paths)} paths, {len(log.blobs)} blob ids, {len(log.commits)} commit ids logged); "
              f"the office's purge and push took {purge_time:.1f} s")
        print(f"| what | seconds (best of {repeat}) | x baseline |")
        print("|---|---:|---:|")
        print(f"| baseline: `git clone --no-local` of the server | {clone:.2f} | 1.0 |")
        print(f"| `ekc sync` in the stale staff clone | {sync:.2f} | {sync / clone:.2f} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("commits", type=int, nargs="?", default=50_000)
    parser.add_argument("purged", type=int, nargs="?", default=150)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    main(args.commits, args.purged, args.repeat)
