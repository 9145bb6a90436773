#!/usr/bin/env python3
"""Interleaved A/B of the everyday commands of `bench/cost_bench.py`: two source trees (say
`main` and a branch) on their own copies of the stores, each command run in turn on both,
best child CPU (user + system) of N whole processes. The ratios of cost_bench move by about
±0.05 between runs; interleaving puts both trees under the same load.

    python bench/cost_ab.py --before /work/main:/tmp/c16m --after .:/tmp/c16 --repeat 7

Each tree:stores pair names a checkout and a --work folder that cost_bench.py made (with
`large` and `small` in it, caches warm). Each child runs in its tree's folder: `python -m`
puts the working folder first on sys.path, so a child run elsewhere would import another ekc.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cost_bench import TODAY, YEAR  # noqa: E402 - the same day and year as the benchmark

COMMANDS = {
    "case list --open": ("case", "list", "--open"),
    f"report --year {YEAR}": ("report", "--year", str(YEAR)),
    f"budget check --year {YEAR}": ("budget", "check", "--year", str(YEAR)),
}


def cpu_of(tree: Path, root: Path, args: tuple[str, ...]) -> float:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    command = [sys.executable, "-m", "ekc", "--data", str(root), "--today", TODAY.isoformat(), *args]
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tree, env={**env, "PYTHONPATH": str(tree)})
    _, _, usage = os.wait4(child.pid, 0)
    return usage.ru_utime + usage.ru_stime


def pair(text: str) -> tuple[Path, Path]:
    tree, _, work = text.partition(":")
    return Path(tree).resolve(), Path(work).resolve()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=pair, required=True, help="TREE:WORK")
    parser.add_argument("--after", type=pair, required=True, help="TREE:WORK")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--match", default=None, help="a case id for `match` (as cost_bench prints it)")
    args = parser.parse_args()
    commands = dict(COMMANDS)
    if args.match:
        commands[f"match {args.match}"] = ("match", args.match)
    sides = {"before": args.before, "after": args.after}
    best: dict[tuple[str, str, str], float] = {}
    for _ in range(args.repeat):
        for label, command in commands.items():
            for side, (tree, work) in sides.items():
                for store in ("small", "large"):
                    key = (label, side, store)
                    best[key] = min(best.get(key, float("inf")), cpu_of(tree, work / store, command))
    print(f"best CPU of {args.repeat}; load average now {os.getloadavg()[0]:.1f}\n")
    print("| command | before: small / large | before: ratio | after: small / large | after: ratio |")
    print("|---|---:|---:|---:|---:|")
    for label in commands:
        cells = []
        for side in sides:
            small, large = best[(label, side, "small")], best[(label, side, "large")]
            cells.append(f"{small:.3f} / {large:.3f} s | {large / small:.2f}x")
        print(f"| `{label}` | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
