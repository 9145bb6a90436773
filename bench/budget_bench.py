"""Benchmark `ekc budget check` (and `invoice`) on a generated store: 15,000 cases, 400 contracts.

    python3 bench/budget_bench.py [--cases 15000] [--runs 5] [--out bench/out/budget-store]

Generates a seeded, valid, fictional store (its own generator writes YAML text directly,
which is fast), then times, in
one run on this machine:

  baseline  `ekc --help` (interpreter + CLI start) and `ekc validate` (warm cache), the
            command that shares the loader with `budget check`;
  cold      `ekc budget check --json` with the verdict cache removed before each run;
  warm      the same with the cache in place (the everyday case);
  core      check_budget() alone, in process, on the loaded store;
  load      ekc.store.loader.load() alone, in process, warm;
  invoice   `ekc budget invoice` for one municipality (anonymous path, no cache by design).

Wall-clock medians; subprocesses run `python -m ekc` from this worktree.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

WORKTREE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(WORKTREE))

TODAY = date(2025, 6, 30)
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PROVINCES = ["Groningen", "Friesland", "Drenthe", "Overijssel", "Flevoland", "Gelderland", "Utrecht",
             "Noord-Holland", "Zuid-Holland", "Zeeland", "Noord-Brabant", "Limburg"]
TARIFFS = "{informative_talk: 450, connect_activate: 1800, meeting_aftercare: 2250, follow_up: 1500}"


# ---------------------------------------------------------------------------------------
# The generated store


def municipalities_yaml(contracts_wanted: int, rng: random.Random) -> tuple[str, list[str]]:
    """Municipalities with two contracts (calendar years, or July-June), some with one, a
    few with none; some contracts without budget_eur, without tariffs, or for two variants."""
    lines = ["regions:"]
    regions = [f"regio-{i:02d}" for i in range(24)]
    for i, region in enumerate(regions):
        lines += [f"  - id: {region}", f"    name: Regio {i:02d}"]
    lines.append("municipalities:")
    codes: list[str] = []
    made = 0
    index = 0
    while made < contracts_wanted or index % 20 != 0:
        code = f"GM{index + 1:04d}"
        codes.append(code)
        lines += [f"  - code: {code}", f"    name: Gemeente {index + 1:04d}",
                  f"    province: {PROVINCES[index % 12]}", f"    region: {regions[index % len(regions)]}"]
        left = contracts_wanted - made
        count = 0 if index % 23 == 22 or left <= 0 else (1 if index % 9 == 8 or left == 1 else 2)
        if count == 0:
            lines.append("    contracts: []")
        else:
            lines.append("    contracts:")
        if index % 2 == 0:
            periods = [(date(2024, 1, 1), date(2024, 12, 31)), (date(2025, 1, 1), date(2025, 12, 31))]
        else:
            periods = [(date(2023, 7, 1), date(2024, 6, 30)), (date(2024, 7, 1), date(2025, 6, 30))]
        for start, end in periods[2 - count:]:
            conferences = rng.randint(20, 45)
            lines += [f"      - id: C{index + 1:04d}-{start:%Y%m}", f"        start: {start.isoformat()}",
                      f"        end: {end.isoformat()}", f"        conferences: {conferences}"]
            if index % 7 != 3:
                lines.append(f"        budget_eur: {conferences * rng.randint(4000, 6500)}")
            if index % 11 != 5:
                lines.append(f"        tariffs_eur: {TARIFFS}")
            if index % 13 == 4:
                lines.append("        variants: [family, individual]")
            made += 1
        index += 1
    return "\n".join(lines) + "\n", codes


def coordinators_yaml(count: int) -> str:
    lines = ["coordinators:"]
    for i in range(count):
        lines += [
            f"  - id: C-{i + 1:04d}", f"    name: Coördinator {i + 1:04d}", "    gender: female" if i % 2 else "    gender: male",
            f"    birth_year: {1955 + i % 40}", "    languages: [nl, en]", f"    regions: [regio-{i % 24:02d}]",
            "    trained: {ek1: 2015-03-01, ek2: 2016-09-01}", "    agreements: [2023, 2024, 2025]", "    max_cases: 400",
        ]
    return "\n".join(lines) + "\n"


def case_id(year: int, n: int) -> str:
    digits = []
    for _ in range(5):
        n, r = divmod(n, 32)
        digits.append(CROCKFORD[r])
    return f"EKC-{year}-{''.join(reversed(digits))}"


def case_yaml(cid: str, code: str, rng: random.Random, registered: date, coordinators: int) -> tuple[str, bool]:
    """A valid case.yaml and whether its personal.yaml is still kept (open or recently closed)."""
    variant = rng.choices(["family", "individual", "restorative", "group"], [80, 10, 5, 5])[0]
    referrer = rng.choices(["professional", "self", "network"], [70, 16, 14])[0]
    path = rng.choices(["registered", "talk", "activate", "meeting", "follow"], [8, 15, 15, 52, 10])[0]
    history = [("registered", registered)]
    day = registered
    steps = {"registered": [], "talk": ["informative_talk"], "activate": ["informative_talk", "connect_activate"],
             "meeting": ["informative_talk", "connect_activate", "meeting_aftercare"],
             "follow": ["informative_talk", "connect_activate", "meeting_aftercare"] + ["follow_up"] * rng.randint(1, 2)}[path]
    gaps = {"informative_talk": (0, 4), "connect_activate": (5, 20), "meeting_aftercare": (15, 40), "follow_up": (50, 110)}
    for phase in steps:
        day = day + timedelta(days=rng.randint(*gaps[phase]))
        if day > TODAY:
            break
        history.append((phase, day))
    closing = history[-1][1] + timedelta(days=rng.randint(20, 80))
    closed = closing <= TODAY
    last = history[-1][0]
    meetings = [(p, d) for p, d in history if p in ("meeting_aftercare", "follow_up")]
    outcome = stop = None
    if closed:
        history.append(("closed", closing))
        if meetings:
            outcome = rng.choices(["plan", "no_plan"], [92, 8])[0]
        elif last == "connect_activate":
            outcome = rng.choice(["own_plan", "stopped"])
            stop = "network_too_small" if outcome == "stopped" else None
        elif last == "informative_talk":
            outcome = rng.choice(["own_plan", "declined"])
        else:
            outcome = "declined"
    coordinator = f"C-{rng.randint(1, coordinators):04d}"
    out = [f"id: {cid}", f"variant: {variant}", f"municipality: {code}", f"referrer: {referrer}"]
    if referrer == "professional":
        out.append("referrer_org: youth_protection")
    out += ["minors_involved: true", "conditions: false", "professional_help: unknown", "reasons: [parenting, divorce]"]
    if len(history) > 1 and history[1][0] != "closed":
        out.append(f"coordinator: {coordinator}")
    out.append("history:")
    out += [f"  - {{phase: {p}, date: {d.isoformat()}}}" for p, d in history]
    if outcome:
        out.append(f"outcome: {outcome}")
    if stop:
        out.append(f"stop_reason: {stop}")
    if meetings:
        out.append("meetings:")
        for i, (_, d) in enumerate(meetings):
            out += [f"  - date: {d.isoformat()}", f"    follow_up: {'true' if i else 'false'}", "    venue: community_centre",
                    "    hours_total: 4.0", "    hours_private: 2.0",
                    "    attendees: {minor_main: 1, adult_main: 2, family: 5, network: 2, professional: 2}",
                    "    plan: {made: true, evaluation: true, contingency: true, professional_help: true}"]
    keep_personal = not closed or (TODAY - closing).days < 92
    return "\n".join(out) + "\n", keep_personal


def personal_yaml(n: int) -> str:
    return (
        f"main_persons:\n  - {{name: Persoon {n:05d}, birth_date: 2011-04-0{1 + n % 9}, role: child}}\n"
        f"address: Voorbeeldstraat {n % 200 + 1}, 1441 AB Voorbeeld\n"
        f"phone: \"+31 6 {10000000 + n}\"\nemail: persoon{n}@example.org\n"
        "network:\n  - {name: Familielid Voorbeeld, relation: grandmother}\n"
        "preferences: {coordinator_gender: any, languages: [nl]}\nnotes: |\n  fictional\n"
    )


def generate(root: Path, cases: int, contracts: int, seed: int) -> dict:
    rng = random.Random(seed)
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    municipalities, codes = municipalities_yaml(contracts, rng)
    (root / "municipalities.yaml").write_text(municipalities, encoding="utf-8")
    (root / "coordinators.yaml").write_text(coordinators_yaml(80), encoding="utf-8")
    first, span = date(2024, 1, 1), (date(2025, 6, 20) - date(2024, 1, 1)).days
    personal = 0
    for n in range(cases):
        registered = first + timedelta(days=rng.randint(0, span))
        cid = case_id(registered.year, n)
        folder = root / "cases" / str(registered.year) / cid
        folder.mkdir(parents=True)
        text, keep = case_yaml(cid, rng.choice(codes), rng, registered, 80)
        (folder / "case.yaml").write_text(text, encoding="utf-8")
        if keep:
            (folder / "personal.yaml").write_text(personal_yaml(n), encoding="utf-8")
            personal += 1
    return {"municipalities": len(codes), "personal": personal}


# ---------------------------------------------------------------------------------------
# Timing


def timed(argv: list[str], env: dict, ok=(0,)) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + sys of the child and the workers it waited for).

    CPU time is reported beside wall time because other jobs share this 2-core machine:
    wall time then includes waiting for a core, CPU time much less so.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in ok:
        raise SystemExit(f"{' '.join(argv)} exited {done.returncode}: {done.stderr.decode()[-2000:]}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def in_process(fn) -> tuple[float, float]:
    start, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - start, time.process_time() - cpu


def median_of(runs: int, fn) -> tuple[float, float]:
    samples = [fn() for _ in range(runs)]
    return statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=15000)
    parser.add_argument("--contracts", type=int, default=400)
    parser.add_argument("--seed", type=int, default=20240101)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="keep a store generated earlier with the same numbers")
    parser.add_argument("--out", type=Path, default=WORKTREE / "bench" / "out" / "budget-store")
    args = parser.parse_args()

    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average before: {os.getloadavg()[0]:.1f}", flush=True)
    t0 = time.perf_counter()
    params = args.out.with_name(args.out.name + ".params")
    wanted = f"{args.cases} {args.contracts} {args.seed}\n"
    if args.reuse and args.out.is_dir() and params.is_file() and params.read_text() == wanted:
        counts = {"municipalities": "(reused)", "personal": sum(1 for _ in args.out.glob("cases/*/*/personal.yaml"))}
    else:
        counts = generate(args.out, args.cases, args.contracts, args.seed)
        params.write_text(wanted)
    print(f"generated {args.cases} cases ({counts['personal']} with personal.yaml), {args.contracts} contracts, "
          f"{counts['municipalities']} municipalities in {time.perf_counter() - t0:.1f} s", flush=True)

    cache_home = args.out.parent / "budget-cache"
    shutil.rmtree(cache_home, ignore_errors=True)
    env = {**os.environ, "PYTHONPATH": str(WORKTREE), "XDG_CACHE_HOME": str(cache_home), "NO_COLOR": "1"}
    env.pop("EKC_DATA", None)
    ekc = [sys.executable, "-m", "ekc", "--data", str(args.out), "--today", TODAY.isoformat()]
    check = ekc + ["budget", "check", "--json"]

    from ekc.store import cache as verdict_cache

    cache_file = None

    def cold() -> float:
        if cache_file is not None and cache_file.parent.exists():
            shutil.rmtree(cache_file.parent)
        return timed(check, env, ok=(0, 1))

    os.environ["XDG_CACHE_HOME"] = str(cache_home)  # so cache_file() below names the same place
    cache_file = verdict_cache.cache_dir(args.out) / "verdicts.pickle"
    results: list[tuple[str, str, float]] = []
    results.append(("baseline", "`ekc --help`", median_of(args.runs, lambda: timed([sys.executable, "-m", "ekc", "--help"], env))))
    results.append(("cold", "`ekc budget check --json`, no verdict cache", median_of(args.cold_runs, cold)))
    assert cache_file.exists(), f"the loader wrote no cache at {cache_file}"
    results.append(("warm", "`ekc budget check --json`, verdict cache warm", median_of(args.runs, lambda: timed(check, env, ok=(0, 1)))))
    results.append(("warm", "`ekc budget check` (rich table)", median_of(args.runs, lambda: timed(ekc + ["budget", "check"], env, ok=(0, 1)))))
    results.append(("baseline", "`ekc validate`, verdict cache warm", median_of(args.runs, lambda: timed(ekc + ["validate"], env, ok=(0, 1)))))
    results.append(("invoice", "`ekc budget invoice --municipality GM0001 --period 2025-03`",
                    median_of(args.runs, lambda: timed(ekc + ["budget", "invoice", "--municipality", "GM0001", "--period", "2025-03"], env))))

    from ekc.budget.check import check_budget
    from ekc.store.loader import load

    from ekc.store.anonymous import ANONYMOUS_KINDS

    anonymous = lambda: load(args.out, models=False, kinds=ANONYMOUS_KINDS)  # noqa: E731 - what budget check loads
    results.append(("load", "`loader.load()` of case summaries and municipalities, in process, warm", median_of(args.runs, lambda: in_process(anonymous))))
    store = anonymous().store
    case_models = [f.case for f in store.cases.values()]

    def touch_every_entry() -> None:
        for case in case_models:
            for entry in case.history:
                entry.phase, entry.date

    results.append(("baseline", "a bare loop reading phase and date of every history entry", median_of(
        max(args.runs, 20), lambda: in_process(touch_every_entry))))
    results.append(("core", "`check_budget()` alone, year 2025", median_of(
        max(args.runs, 20), lambda: in_process(lambda: check_budget(store.municipalities, case_models, TODAY)))))
    results.append(("core", "`check_budget()` alone, year 2024 (two periods a municipality)", median_of(
        max(args.runs, 20), lambda: in_process(lambda: check_budget(store.municipalities, case_models, TODAY, year=2024)))))
    outcome = check_budget(store.municipalities, case_models, TODAY, year=2024)
    statuses = {s: sum(1 for u in outcome.contracts if u.status == s) for s in ("over_budget", "near_limit", "under_use", "ok")}
    print(f"loaded {len(store.cases)} cases; 2024: {len(outcome.contracts)} contracts {statuses}, "
          f"{len(outcome.unfunded_starts)} unfunded starts", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    print()
    print("| what | command | median wall (s) | median CPU (s) |\n|---|---|---|---|")
    for kind, what, (wall, cpu) in results:
        print(f"| {kind} | {what} | {wall:.3f} | {cpu:.3f} |")


if __name__ == "__main__":
    main()
