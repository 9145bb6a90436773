"""`ekc sync` on a stale clone after a monthly purge, against `git clone --no-local` of the
server (what "make a fresh clone" costs), in the same run.

The history is bench/purge_bench.generate's (one `git fast-import` stream: N commits, N*3/10
cases over ten years, a personal.yaml per case; the 150 cases that expire this month were
registered about half a year ago). A bare server is cloned from it, then a staff clone and
an office clone of the server. The office's purge, as `ekc purge --push` leaves the server:
git-filter-repo removes the personal.yaml of the first P expiring cases from all history
(`--invert-paths --paths-from-file`, and the family's strings in
messages with `--replace-message`), the purge log gets their paths and every
blob id those paths ever held, the result is force-pushed and the server cleaned (`reflog
expire`, `gc --prune=now`). Times, best of --repeat on fresh copies (`cp -a`) of the stale
staff clone:
- baseline: `git clone --no-local <server> <folder>`;
- `ekc sync` in the stale staff clone (a child process, as a person runs it), which must
  print its proof.

    python3 bench/sync_bench.py [N [P]] [--repeat R]      (default: 50000 150, R 3)
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

from bench.purge_bench import generate  # noqa: E402

FILTER_REPO = [sys.executable, "-m", "git_filter_repo"]


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout


def stamp(label: str, started: float) -> None:
    print(f"  {label}: {time.perf_counter() - started:.1f} s (load {os.getloadavg()[0]:.2f})", file=sys.stderr, flush=True)


def purge_log(paths: list[str], blobs: dict[str, set[str]]) -> str:
    records = []
    for path in paths:
        case = path.split("/")[2]
        records.append(f"  - case: {case}\n    closed: 2026-08-01\n    purged: 2026-11-15\n    paths: [{path}]\n"
                       f"    blobs: [{', '.join(sorted(blobs.get(path, ())))}]\n")
    return "purges:\n" + "".join(records)


def main(commits: int, purged_cases: int, repeat: int) -> None:
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
        paths = info["paths"][:purged_cases]
        raw = git(office, "log", "--all", "--format=", "--raw", "--no-abbrev", "--", *paths)
        blobs: dict[str, set[str]] = {}
        for line in raw.splitlines():
            if line.startswith(":"):
                meta, _, path = line.partition("\t")
                if not meta.split()[3].startswith("0000000"):
                    blobs.setdefault(path, set()).add(meta.split()[3])
        (tmp / "paths.txt").write_text("".join(f"literal:{p}\n" for p in paths))
        # the family's strings (a name in one intake message in 50) redacted as written, as the bare
        # git-filter-repo run of bench/purge_bench.py does (strings of all 150 expiring cases)
        (tmp / "messages.txt").write_text("".join(f"literal:{t}==>***\n" for t in sorted(set(info["strings"]), key=len, reverse=True)))
        subprocess.run([*FILTER_REPO, "--force", "--quiet", "--invert-paths", "--paths-from-file", str(tmp / "paths.txt"),
                        "--replace-message", str(tmp / "messages.txt")], cwd=office, check=True, capture_output=True)
        filter_time = time.perf_counter() - started
        git(office, "remote", "add", "origin", f"file://{server}")
        (office / "purge-log.yaml").write_text(purge_log(paths, blobs))
        git(office, "add", "purge-log.yaml")
        git(office, "-c", "user.name=Office", "-c", "user.email=office@example.org", "commit", "-q", "-m", "Purge")
        git(office, "push", "-q", "--force", "origin", "main")
        git(server, "reflog", "expire", "--expire=now", "--all")
        git(server, "gc", "-q", "--prune=now")
        shutil.rmtree(office)
        stamp(f"the office's purge of {len(paths)} cases (git-filter-repo {filter_time:.1f} s), push, server gc", started)
        pack = [line for line in git(server, "count-objects", "-vH").splitlines() if line.startswith("size-pack")][0]

        clone_times, sync_times = [], []
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
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
        print(f"history: {info['commits']} commits, {commits * 3 // 10} cases, server {pack}; purge of {len(paths)} personal.yaml "
              f"({sum(map(len, blobs.values()))} blob ids logged); git-filter-repo on the office clone took {filter_time:.1f} s")
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
