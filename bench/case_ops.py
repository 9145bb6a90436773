#!/usr/bin/env python3
"""What registering and the morning view cost, against baselines in the same run.

    python3 bench/case_ops.py [--cases 500]

- id: `next_id` in a git clone (salt, sequence, lock, state file) against a plain random
  id checked against the folders present (what ekc does outside git);
- `case new` without a commit, and with its commit (one `git add` + `git commit`);
- `case list` (load + flags) against `ekc validate` on the same store.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ekc.core.ids import SALTS, SEQUENCES, make_id  # noqa: E402
from ekc.cases.workflow import NewCase, new_case  # noqa: E402
from ekc.cases.id_state import existing_ids, next_id  # noqa: E402

MUNICIPALITIES = """\
regions:
  - {id: noord-holland-noord, name: Noord-Holland Noord}
municipalities:
  - code: GM0439
    name: Purmerend
    province: Noord-Holland
    region: noord-holland-noord
    contracts:
      - {id: PUR-2024, start: 2024-01-01, end: 2024-12-31, conferences: 12}
"""
FIELDS = NewCase("GM0439", "family", "self", None, False, False, "unknown", ("parenting",))


def repo(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "municipalities.yaml").write_text(MUNICIPALITIES)
    (folder / "coordinators.yaml").write_text("coordinators: []\n")
    for args in (["init", "-q"], ["add", "-A"], ["-c", "user.name=bench", "-c", "user.email=b@example.org", "commit", "-qm", "init"]):
        subprocess.run(["git", *args], cwd=folder, check=True)
    return folder


def per_call(label: str, count: int, call) -> float:
    began = time.perf_counter()
    for _ in range(count):
        call()
    ms = (time.perf_counter() - began) * 1000 / count
    print(f"| {label} | {count} | {ms:.2f} ms |", flush=True)
    return ms


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=500)
    args = parser.parse_args()
    import os

    os.environ.setdefault("GIT_AUTHOR_NAME", "bench")
    os.environ.setdefault("GIT_AUTHOR_EMAIL", "bench@example.org")
    os.environ.setdefault("GIT_COMMITTER_NAME", "bench")
    os.environ.setdefault("GIT_COMMITTER_EMAIL", "bench@example.org")
    with tempfile.TemporaryDirectory() as tmp:
        root = repo(Path(tmp) / "a")
        rng = random.Random(1)
        print("| operation | calls | per call |")
        print("|---|---|---|")

        def baseline():
            ids = existing_ids(root)
            while (candidate := make_id(2024, rng.randrange(SALTS), rng.randrange(SEQUENCES))) in ids:
                pass

        per_call("baseline: random id, checked against folders", args.cases, baseline)
        per_call("next_id (salt + sequence + lock + state)", args.cases, lambda: next_id(root, 2024))
        per_call("case new, --no-commit", args.cases, lambda: new_case(root, FIELDS, date(2024, 9, 2), commit=False))
        subprocess.run(["git", "add", "-A"], cwd=root, check=True)
        subprocess.run(["git", "commit", "-qm", "bulk"], cwd=root, check=True)
        per_call("case new, with its commit", max(1, args.cases // 5), lambda: new_case(root, FIELDS, date(2024, 9, 2)))
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent), "EKC_TODAY": "2024-12-01",
               "XDG_CACHE_HOME": str(Path(tmp) / "cache")}
        for label, command in (("baseline: ekc validate (warm)", ["validate"]), ("ekc case list --json (warm)", ["case", "list", "--json"])):
            subprocess.run([sys.executable, "-m", "ekc", "--data", str(root), *command], env=env, capture_output=True)
            per_call(f"{label}, {len(existing_ids(root))} cases", 5,
                     lambda: subprocess.run([sys.executable, "-m", "ekc", "--data", str(root), *command], env=env, capture_output=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
