"""How long `ekc validate --history` takes over a long history, against a naive baseline.

Builds a repository with N commits (each registers or advances one case: a case.yaml and,
at registration, a personal.yaml) and a purge log naming P paths, through
`git fast-import`, then times, in the same run:
- ekc: `check_history(root, "0000..HEAD")` (one `cat-file --batch-check` for all
  commit:path pairs, one `diff-tree --stdin`, one `cat-file --batch` for the blobs);
- baseline: the obvious loop, per commit one `git ls-tree` for the purged paths, one
  `git diff-tree` for its changed files and one `git show` per changed case.yaml.
Both must find the same number of problems (ten purged files are left in the history,
as a stale clone would bring them back).

    python3 bench/bench_history.py [N ...]      (default: 500 2000)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ekc.guard.history_check import check_history  # noqa: E402
from ekc.validate.rules.personal_data import check_no_personal_data  # noqa: E402
from ekc.store.yamlio import parse  # noqa: E402

PURGED = 50


def case_yaml(case_id: str, year: int, phases: int) -> str:
    history = "\n".join(f"  - {{phase: {p}, date: {year}-0{i + 1}-0{i + 1}}}" for i, p in enumerate(
        ["registered", "informative_talk", "connect_activate", "meeting_aftercare"][:phases]))
    return (f"id: {case_id}\nvariant: family\nmunicipality: GM0439\nreferrer: self\nminors_involved: false\n"
            f"conditions: false\nprofessional_help: unknown\nreasons: [parenting]\nhistory:\n{history}\n")


def build(root: Path, commits: int, personal_per_case: bool = False) -> None:
    """`personal_per_case`: each personal.yaml names its own case (a distinct blob), as real
    ones do; otherwise one shared text (one blob for all)."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    stream = []
    cases = max(commits // 3, PURGED + 1)
    ids = [f"EKC-2024-{n:05d}".replace("0", "A", 1) for n in range(cases)]
    log = "purges:\n" + "".join(
        f"  - {{case: {ids[i]}, closed: 2024-06-30, purged: 2024-10-01, paths: [cases/2024/{ids[i]}/personal.yaml]}}\n"
        for i in range(PURGED))
    for n in range(commits):
        case_id = ids[n % cases]
        phases = min(n // cases + 1, 4)
        files = {f"cases/2024/{case_id}/case.yaml": case_yaml(case_id, 2024, phases)}
        # the first ten purged cases still have their personal.yaml: a stale clone's history
        if phases == 1 and (n % cases >= PURGED or n % cases < 10):
            files[f"cases/2024/{case_id}/personal.yaml"] = "main_persons:\n  - {name: Voornaam Achternaam}\n" + (
                f"# {case_id}\n" if personal_per_case else "")
        if n == commits - 1:
            files["purge-log.yaml"] = log
        stream.append(f"commit refs/heads/main\ncommitter Bench <bench@example.org> {1700000000 + n} +0000\n")
        message = f"{case_id}: step {n}"
        stream.append(f"data {len(message)}\n{message}\n")
        for path, text in files.items():
            data = text.encode()
            stream.append(f"M 100644 inline {path}\ndata {len(data)}\n{text}\n")
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input="".join(stream).encode(), check=True)
    subprocess.run(["git", "checkout", "-q", "main"], cwd=root, check=True)


def baseline(root: Path) -> int:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout

    purged = [line.split("paths: [")[1].rstrip("]}") for line in (root / "purge-log.yaml").read_text().splitlines() if "paths: [" in line]
    problems = 0
    purged_back = set()
    for commit in git("rev-list", "HEAD").split():
        purged_back.update(git("ls-tree", "-r", "--name-only", commit, "--", *purged).split())
        for path in git("diff-tree", "-r", "--root", "--no-commit-id", "--name-only", commit).split():
            if path.endswith("/case.yaml"):
                parsed = parse(path, git("show", f"{commit}:{path}").encode())
                problems += len(check_no_personal_data(path, parsed.data)) if parsed.ok else 0
    return problems + len(purged_back)


def main(sizes: list[int]) -> None:
    print(f"| commits | purged paths | ekc check_history | baseline loop | speed-up | findings |")
    print("|---:|---:|---:|---:|---:|---:|")
    for commits in sizes:
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder) / "data"
            build(root, commits)
            started = time.perf_counter()
            findings = check_history(root, "0" * 40 + "..HEAD")
            ours = time.perf_counter() - started
            started = time.perf_counter()
            expected = baseline(root)
            theirs = time.perf_counter() - started
            assert len(findings) == expected, (len(findings), expected)
            print(f"| {commits} | {PURGED} | {ours:.2f} s | {theirs:.2f} s | {theirs / ours:.0f}x | {len(findings)} |")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [500, 2000])
