"""The gate (`ekc hook pre-receive`) on a push of 1,000 commits, against a plain
`git rev-list --objects` of the same range, in the same run.

Builds (bench/bench_history.build, `git fast-import`) a repository of BASE + PUSHED commits,
then moves `main` back to where the server stood, so the last PUSHED commits are present but
unreferenced: what a pre-receive hook sees of a push in quarantine. Times, best of 3:
- baseline: `git rev-list --objects <tip> --not --all`;
- the separate purged-data scan (ekc/guard/logged.scan_objects: that rev-list, every object
  id and path against a purge log of 50 cases: 50 paths, 150 blob ids, 50 commit ids), which
  `ekc validate --history` runs and the gate runs only for a pushed tag object;
- the range check (history_check.check_commits: logged paths per commit, personal data in
  every changed case.yaml);
- the whole gate on the range (ekc/guard/pre_receive.range_checks: one walk, the logged ids
  found in the range check's diff): the gate's cost on the push, without the tip's `ekc
  validate`, which does not grow with the number of commits.

    python3 bench/gate_bench.py [PUSHED [BASE]]      (default: 1000 2000)
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_history import build  # noqa: E402
from ekc.guard import logged as logged_ids  # noqa: E402
from ekc.guard.history_check import check_commits  # noqa: E402
from ekc.guard import plumbing  # noqa: E402
from ekc.guard.pre_receive import range_checks  # noqa: E402


def best(action, runs: int = 7) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - started)
    return min(times), result


def fake_id(n: int, kind: str) -> str:
    return hashlib.sha1(f"{kind}{n}".encode()).hexdigest()


def main(pushed: int, base: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "data"
        build(root, base + pushed)
        tip = plumbing.resolve_commit(root, "main")
        server = plumbing.resolve_commit(root, f"main~{pushed}")
        subprocess.run(["git", "update-ref", "refs/heads/main", server], cwd=root, check=True)
        log = logged_ids.Logged()
        for n in range(50):
            case = f"EKC-2024-B{n:04d}"
            log.paths[f"cases/2024/{case}/personal.yaml"] = case
            for k in range(3):
                log.blobs[fake_id(n * 3 + k, "blob")] = case
            log.commits[fake_id(n, "commit")] = case
            log.days[case] = "2024-10-01"
        purged = {p: "2024-10-01" for p in log.paths}
        objects = subprocess.run(["git", "rev-list", "--objects", tip, "--not", "--all"], cwd=root, capture_output=True, check=True).stdout.count(b"\n")
        baseline, _ = best(lambda: subprocess.run(["git", "rev-list", "--objects", tip, "--not", "--all"], cwd=root, capture_output=True, check=True))
        scan, hits = best(lambda: logged_ids.scan_objects(root, [tip], log))
        commits = plumbing.rev_list(root, tip, "--not", "--all")
        assert len(commits) == pushed, len(commits)
        ranged, findings = best(lambda: check_commits(root, commits, purged))
        whole, _ = best(lambda: range_checks(root, tip, log, purged, set()))
        print(f"pushed commits: {pushed} on a history of {base}; objects in the push: {objects}; hits {len(hits)}, findings {len(findings)}")
        print("| what | seconds | x baseline |")
        print("|---|---:|---:|")
        print(f"| baseline: `git rev-list --objects` of the range | {baseline:.3f} | 1.0 |")
        print(f"| separate purged-data scan (scan_objects) | {scan:.3f} | {scan / baseline:.1f} |")
        print(f"| range check (check_commits) | {ranged:.3f} | {ranged / baseline:.1f} |")
        print(f"| the whole gate on the range (range_checks) | {whole:.3f} | {whole / baseline:.1f} |")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(args[0] if args else 1000, args[1] if len(args) > 1 else 2000)
