#!/usr/bin/env python3
"""Everyday commands on a long history against a tenth of it (issue 16).

    python3 bench/cost_bench.py [--work DIR] [--repeat 3]

Two stores (bench/cost_stores.py): the large one with 15,000 closed cases, about 300 open,
400 coordinators and 50 municipalities; the small one with every tenth case closed before
YEAR and the same open cases, registries and cases closed in YEAR or later (the year asked
about): only the older history differs. Each is a git repository (so the cache lives in
.git/ekc, as for a user). Every command runs as a whole process (`python -m ekc`), warm
(the cache filled by earlier runs), best of --repeat; its peak memory comes from the
child's own rusage (os.wait4). Also: `validate` after one case.yaml changed (a different
one before every run), and cold `validate` (no cache) against the bare C parse of the same
files in one process, the baseline of bench/validate_bench.py.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.cost_stores import TODAY, make_stores  # noqa: E402
from bench.validate_bench import bare_parse  # noqa: E402

YEAR = 2025


def run(root: Path, *args: str) -> tuple[float, int, float]:
    """(seconds, peak resident KiB, CPU seconds user + system) of one whole `ekc` process.
    On a shared machine the CPU time is the steadier figure; wall time is what a user feels."""
    command = [sys.executable, "-m", "ekc", "--data", str(root), "--today", TODAY.isoformat(), *args]
    start = time.perf_counter()
    # bytecode as an installed ekc has it (pip compiles on install): a PYTHONDONTWRITEBYTECODE
    # in the environment would make every child compile ekc's sources again (~45 ms a run)
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**env, "PYTHONPATH": str(REPO)})
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"ekc {' '.join(args)} failed ({code}): {child.stderr.read().decode()[-2000:]}")
    child.stderr.close()
    return elapsed, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


def best(root: Path, args: tuple[str, ...], repeat: int, before=None) -> tuple[float, int, float]:
    times, cpus, peak = [], [], 0
    for i in range(repeat):
        if before is not None:
            before(i)
        elapsed, rss, cpu = run(root, *args)
        times.append(elapsed)
        cpus.append(cpu)
        peak = max(peak, rss)
    return min(times), peak, min(cpus)


def waiting_case(root: Path) -> str:
    """An open case without a coordinator (the one a regiomanager matches)."""
    for path in sorted((root / "cases").glob("*/*/case.yaml"), reverse=True):
        text = path.read_text()
        if "phase: closed" not in text and "\ncoordinator:" not in text:
            return path.parent.name
    raise SystemExit("no open case without a coordinator")


def one_change(root: Path, case_id: str):
    path = root / "cases" / case_id[4:8] / case_id / "case.yaml"
    original = path.read_bytes()

    def change(i: int) -> None:
        path.write_bytes(original + f"# benchmark edit {i} {time.time_ns()}\n".encode())

    return change, lambda: path.write_bytes(original)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=None, help="where to generate the stores (default: a temporary folder)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="ekc-cost-"))
    stores = {"large": work / "large", "small": work / "small"}
    if not all((s / "municipalities.yaml").is_file() for s in stores.values()):
        for s in stores.values():
            shutil.rmtree(s, ignore_errors=True)
        print(make_stores(stores["large"], stores["small"], recent_from=date(YEAR, 1, 1)), flush=True)
    for s in stores.values():
        if not (s / ".git").is_dir():
            subprocess.run(["git", "init", "-q", str(s)], check=True)
    case_id = waiting_case(stores["large"])
    rows: dict[str, dict[str, tuple[float, int]]] = {}
    cold: dict[str, tuple[float, int]] = {}
    bare: dict[str, tuple[int, float]] = {}
    for name, root in stores.items():
        shutil.rmtree(root / ".git" / "ekc", ignore_errors=True)
        cold[name] = run(root, "validate")
        bare[name] = bare_parse(root)
    commands = {
        "`case list --open`": ("case", "list", "--open"),
        f"`match {case_id}`": ("match", case_id),
        f"`budget check --year {YEAR}`": ("budget", "check", "--year", str(YEAR)),
        f"`report --year {YEAR}`": ("report", "--year", str(YEAR)),
    }
    for name, root in stores.items():
        for command in commands.values():  # warm every cache a command uses
            run(root, *command)
        rows[name] = {label: best(root, command, args.repeat) for label, command in commands.items()}
        change, restore = one_change(root, waiting_case(root))
        rows[name]["`validate`, warm, nothing changed"] = best(root, ("validate",), args.repeat)
        rows[name]["`validate`, warm, one case.yaml changed"] = best(root, ("validate",), args.repeat, change)
        restore()
    print(f"\nrepeat {args.repeat}, best run; load average now {os.getloadavg()[0]:.1f}; stores in {work}\n")
    print("| command | small | large | large / small | CPU small | CPU large | CPU large / small | peak memory, large |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for label in rows["large"]:
        small, large = rows["small"][label], rows["large"][label]
        print(f"| {label} | {small[0]:.2f} s | {large[0]:.2f} s | {large[0] / small[0]:.2f}x "
              f"| {small[2]:.2f} s | {large[2]:.2f} s | {large[2] / small[2]:.2f}x | {large[1] / 1024:.0f} MB |")
    for name in stores:
        files, seconds = bare[name]
        print(f"| cold `validate`, {name} ({files:,} files) | bare C parse {seconds:.2f} s | `validate` {cold[name][0]:.2f} s "
              f"| {cold[name][0] / seconds:.2f}x the parse | | `validate` CPU {cold[name][2]:.2f} s (2 workers) | | {cold[name][1] / 1024:.0f} MB |")
    total = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"\nlargest child of the whole run (getrusage RUSAGE_CHILDREN): {total / 1024:.0f} MB")


if __name__ == "__main__":
    main()
