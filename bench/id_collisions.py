#!/usr/bin/env python3
"""How often two clones hand out the same case id: the scheme of ekc/core/ids.py against
plain random 25-bit ids (the baseline), exact odds and a Monte Carlo check of them.

    python3 bench/id_collisions.py [--trials 2000000] [--seed 1]

Worst case for the scheme: clones that never see each other's ids before handing out all
of theirs (a clone that does see them avoids or drops a shared salt). Plain random ids are
assumed checked against the ids each clone has itself, so only clashes between clones count.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ekc.core.ids import BITS, SALTS, SEQUENCES  # noqa: E402

SCENARIOS = [(2, 500), (2, 2000), (20, 50), (50, 100)]  # (clones, ids each, in one year)


def exact_random(clones: int, each: int) -> float:
    cross_pairs = math.comb(clones * each, 2) - clones * math.comb(each, 2)
    return 1 - math.exp(-cross_pairs / 2**BITS)


def exact_scheme(clones: int, each: int) -> float:
    # a pair clashes iff same salt and their runs of `each` on the ring of SEQUENCES overlap
    overlap = min(1.0, (2 * each - 1) / SEQUENCES)
    return 1 - (1 - overlap / SALTS) ** math.comb(clones, 2)


def simulate_scheme(clones: int, each: int, trials: int, rng: np.random.Generator) -> int:
    hits = 0
    chunk = 200_000
    for done in range(0, trials, chunk):
        n = min(chunk, trials - done)
        salts = rng.integers(0, SALTS, size=(n, clones))
        starts = rng.integers(0, SEQUENCES, size=(n, clones))
        clash = np.zeros(n, dtype=bool)
        for i in range(clones):
            for j in range(i + 1, clones):
                distance = (starts[:, j] - starts[:, i]) % SEQUENCES
                clash |= (salts[:, i] == salts[:, j]) & ((distance < each) | (distance > SEQUENCES - each))
        hits += int(clash.sum())
    return hits


def simulate_random(clones: int, each: int, trials: int, rng: np.random.Generator) -> int:
    hits = 0
    for _ in range(trials):
        ids = [np.unique(rng.integers(0, 2**BITS, size=each)) for _ in range(clones)]
        everything = np.concatenate(ids)
        hits += int(np.unique(everything).size != everything.size)
    return hits


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=1_000_000, help="Monte Carlo trials for the scheme")
    parser.add_argument("--random-trials", type=int, default=5_000, help="Monte Carlo trials for plain random ids")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    print("| clones x ids | random: exact | random: simulated | scheme: exact | scheme: simulated |")
    print("|---|---|---|---|---|")
    for clones, each in SCENARIOS:
        began = time.perf_counter()
        random_hits = simulate_random(clones, each, args.random_trials, rng)
        scheme_hits = simulate_scheme(clones, each, args.trials, rng)
        print(
            f"| {clones} x {each} | {exact_random(clones, each):.3%} | {random_hits / args.random_trials:.3%} "
            f"({random_hits}/{args.random_trials}) | {exact_scheme(clones, each):.5%} | "
            f"{scheme_hits / args.trials:.5%} ({scheme_hits}/{args.trials}) |",
            flush=True,
        )
        print(f"<!-- {time.perf_counter() - began:.1f} s -->", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
