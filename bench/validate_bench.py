#!/usr/bin/env python3
"""`ekc validate` on a generated store, against the bare parse of the same files.

    python3 bench/validate_bench.py [--cases 15000] [--out bench/out/validate]

Baseline (same run): every YAML file of the store parsed in one process with ruamel.yaml's
C-based safe loader, `YAML(typ='safe')` with ruamel.yaml.clib installed, nothing else.
Then `ekc validate` as a user runs it (a fresh process each time, start-up included):
cold (no cache), warm (nothing changed), and warm after one case.yaml changed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

TODAY = date(2026, 11, 27)


def bare_parse(root: Path) -> tuple[int, float]:
    code = (
        "import os, sys, time\n"
        "from ruamel.yaml import YAML\n"
        "import ruamel.yaml.main as m\n"
        "assert m.CParser is not None, 'ruamel.yaml.clib is not installed'\n"
        "y = YAML(typ='safe')\n"
        "n = 0\nstart = time.perf_counter()\n"
        "for folder, _, names in os.walk(sys.argv[1]):\n"
        "    for name in names:\n"
        "        if name.endswith('.yaml'):\n"
        "            with open(os.path.join(folder, name), 'rb') as f:\n"
        "                y.load(f.read())\n"
        "            n += 1\n"
        "print(n, time.perf_counter() - start)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(root)], check=True, capture_output=True, text=True).stdout.split()
    return int(out[0]), float(out[1])


def ekc_validate(root: Path) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "ekc", "--data", str(root), "--today", TODAY.isoformat(), "validate"],
        capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"ekc validate failed ({done.returncode}): {done.stderr}")
    return elapsed, (done.stdout.strip().splitlines() or [""])[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=15_000)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "validate")
    parser.add_argument("--personal-within-days", type=int, default=365,
                        help="keep personal.yaml for cases closed within DAYS days (-1: for every case, the most files)")
    args = parser.parse_args()
    if args.out.exists():
        shutil.rmtree(args.out)
    from bench.synthetic import generate_store

    generate_store(args.out, cases=args.cases, coordinators=2000, municipalities=150, seed=1, today=TODAY,
                   personal_within_days=None if args.personal_within_days < 0 else args.personal_within_days)
    subprocess.run(["git", "init", "-q", str(args.out)], check=True)  # the cache lives in .git/ekc
    files, bare = bare_parse(args.out)
    print(f"store: {args.cases} cases, {files} YAML files, {os.cpu_count()} cores")
    print(f"bare parse, ruamel.yaml C safe loader, one process: {bare:.2f} s ({bare / files * 1000:.2f} ms a file)")
    cold, summary = ekc_validate(args.out)
    print(f"ekc validate, cold (no cache):                  {cold:.2f} s  [{summary}]")
    warm, _ = ekc_validate(args.out)
    print(f"ekc validate, warm (nothing changed):           {warm:.2f} s")
    victim = next((args.out / "cases").rglob("case.yaml"))
    victim.write_text(victim.read_text() + "# touched by the benchmark\n")
    changed, _ = ekc_validate(args.out)
    print(f"ekc validate, warm (one case.yaml changed):     {changed:.2f} s")
    print(f"cold / bare = {cold / bare:.2f}")


if __name__ == "__main__":
    main()
