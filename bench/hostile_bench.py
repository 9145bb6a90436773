#!/usr/bin/env python3
"""Hostile values: the personal-data patterns and `ekc validate` on input built to be slow.

    python3 bench/hostile_bench.py [--mb 50]

Baseline (same run): the e-mail pattern as it was before issue 17,
`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}`, searched over a 40 KB value of
letters (it is quadratic: 40 KB took 6.5 s when the issue was filed, 250 KB 236 s, so
the baseline stays at 40 KB). Then today's `looks_personal` over the same 40 KB and over
values of --mb megabytes in four shapes, and `ekc validate` (a fresh process) on a store
whose case.yaml holds a value of --mb megabytes (refused by the size cap) and 100 KB of `[`
(refused by the depth check).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

OLD_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def validate_seconds(root: Path) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "ekc", "--data", str(root), "--today", "2024-12-01", "validate"],
                          capture_output=True, text=True, cwd=REPO)
    return time.perf_counter() - start, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=50)
    args = parser.parse_args()
    from ekc.validate.rules.personal_data import looks_personal
    from tests.rulecheck import valid_store

    small = "a" * 40_000
    print(f"baseline: old e-mail pattern, 40 KB of letters: {timed(lambda: OLD_EMAIL.search(small)):.2f} s")
    print(f"looks_personal, 40 KB of letters: {timed(lambda: looks_personal(small)):.4f} s")
    size = args.mb * 1_000_000
    for name, value in (
        ("letters", "a" * size),
        ("'a@' repeated", "a@" * (size // 2)),
        ("'a@b.' repeated", "a@b." * (size // 4)),
        ("'00 ' repeated", "00 " * (size // 3)),
    ):
        print(f"looks_personal, {args.mb} MB of {name}: {timed(lambda: looks_personal(value)):.2f} s")
        del value
    with tempfile.TemporaryDirectory() as folder:
        root = valid_store(Path(folder) / "data").write()
        case = root / "cases/2024/EKC-2024-AB12C/case.yaml"
        original = case.read_text()
        case.write_text(original + "notes: '" + "a" * size + "'\n")
        seconds, code = validate_seconds(root)
        print(f"ekc validate, case.yaml with a {args.mb} MB value: {seconds:.2f} s (exit {code})")
        case.write_text("id: " + "[" * 100_000 + "\n")
        seconds, code = validate_seconds(root)
        print(f"ekc validate, case.yaml of 100 KB of '[': {seconds:.2f} s (exit {code})")
        case.write_text(original)
        seconds, code = validate_seconds(root)
        print(f"ekc validate, the same store without the hostile file: {seconds:.2f} s (exit {code})")


if __name__ == "__main__":
    main()
