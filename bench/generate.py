#!/usr/bin/env python3
"""Generate a large synthetic data store, reproducibly from a seed.

    python3 bench/generate.py OUT_DIR --cases 15000 --coordinators 2000 --municipalities 150 --seed 1

The same arguments (and --today) give byte-identical files. See bench/synthetic.py for what
is generated and why.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout, installed or not

from bench.synthetic import generate, write_store  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write the store into (created; must be empty or absent)")
    parser.add_argument("--cases", type=int, default=15_000)
    parser.add_argument("--coordinators", type=int, default=2_000)
    parser.add_argument("--municipalities", type=int, default=150)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", type=date.fromisoformat, default=date.today(), metavar="YYYY-MM-DD",
                        help="the generation date: cases are cut off here (default: the real date)")
    parser.add_argument("--first-year", type=int, default=2000, help="year of the first registrations (default 2000)")
    parser.add_argument("--personal-within-days", type=int, default=365, metavar="DAYS",
                        help="keep personal.yaml for open cases and cases closed within DAYS days; "
                             "older ones count as purged (default 365; -1: keep all)")
    parser.add_argument("--no-purge-log", action="store_true", help="do not write purge-log.yaml for the purged cases")
    args = parser.parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()):
        parser.error(f"{args.out} is not empty")
    for name in ("cases", "coordinators", "municipalities"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")

    began = time.perf_counter()
    store = generate(
        args.cases, args.coordinators, args.municipalities, args.seed, args.today,
        first_year=args.first_year,
        personal_within_days=None if args.personal_within_days < 0 else args.personal_within_days,
        with_purge_log=not args.no_purge_log,
    )
    generated = time.perf_counter()
    files = write_store(store, args.out)
    written = time.perf_counter()
    contracts = sum(len(m.get("contracts", ())) for m in store.municipalities["municipalities"])
    open_cases = sum(1 for g in store.cases if g.case["history"][-1]["phase"] != "closed")
    personal = sum(1 for g in store.cases if g.personal is not None)
    print(
        f"{len(store.cases)} cases ({open_cases} open, {personal} with personal.yaml), "
        f"{len(store.coordinators['coordinators'])} coordinators, "
        f"{len(store.municipalities['municipalities'])} municipalities, {contracts} contracts: "
        f"{files} files in {args.out}; generated in {generated - began:.1f} s, written in {written - generated:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
