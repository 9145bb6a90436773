"""Benchmark `ekc purge` against git-filter-repo's own command line, in the same run.

A generated data repository of 50,000 commits and 15,000 cases, built with one
`git fast-import` stream. Cases whose retention ended before this month were purged
earlier (their personal.yaml never appears; their intake commits stay, empty, as an
earlier `ekc purge` leaves them). 150 cases expired this month. Two shapes:

- recent: the 150 were registered about half a year ago (the normal monthly purge);
- old:    the 150 were registered in the first year, so nearly all history changes
          (the worst case for a partial rewrite).

Last month's purge ran on each shape (nothing had expired then) and kept the history log
(ekc/purge/history_cache.py), as it does in an office that purges every month. Each shape is
then copied for four contenders: `ekc purge --yes` (the whole command: loading 30,000
files, planning with its scan of every object, preflight, rewrite with the identity, file
and message callbacks, each folder the purge leaves as it was handed to git-filter-repo as
its tree, checks, commit, expire, gc, and the proof's scan of every object);
the same on a copy without the kept log (`ekc_purge_first`: the first purge ever, which
walks all of history); and the bare `git filter-repo --invert-paths --paths-from-file P --replace-message M` with
the same paths and the strings as literals: once with ekc's pruning options and once with
its defaults. The scans' seconds come from EKC_PURGE_TRACE. Each contender runs --repeat times on fresh copies, in turn; the minimum is the figure
(the machine is shared, so the minimum is the least disturbed run). `same_commit_ids_as_bare`:
ekc's history below its purge commit is git-filter-repo's own, commit for commit. Run:
`python3 bench/purge_bench.py [--commits N --cases N --repeat N --out DIR]`.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ekc.core.ids import CROCKFORD  # noqa: E402

TODAY = date(2026, 11, 15)
START = date(2016, 1, 1)
FIRST = ["Anna", "Bram", "Chaima", "Daan", "Eva", "Fenna", "Gijs", "Hanna", "Ilse", "Jesse", "Kim", "Lotte", "Milan", "Noa", "Omar", "Puck", "Roos", "Sem", "Tess", "Yara"]
SYLLABLES = ["ba", "ker", "dijk", "hof", "man", "stra", "veld", "berg", "kamp", "wijk", "huis", "ma", "sen", "ter", "bos",
             "van", "lo", "mer", "rink", "hout", "gen", "dam", "broek", "zee", "horst", "ink", "ling", "haar", "tel", "roo"]

MUNICIPALITIES = """regions:
  - id: noord-holland-noord
    name: Noord-Holland Noord
municipalities:
  - code: GM0439
    name: Purmerend
    province: Noord-Holland
    region: noord-holland-noord
    contracts: []
"""
COORDINATORS_HEAD = """coordinators:
  - id: C-0042
    name: Fatima El Amrani
    gender: female
    birth_year: 1968
    languages: [nl, ar]
    regions: [noord-holland-noord]
    trained: {{ek1: 2015-06-21, ek2: 2015-09-10}}
    agreements: [{years}]
    max_cases: {max_cases}
"""


def case_id(index: int, year: int) -> str:
    code, n = "", index
    for _ in range(5):
        n, digit = divmod(n, 32)
        code = CROCKFORD[digit] + code
    return f"EKC-{year}-{code}"


def case_yaml(cid: str, registered: date, talk: date | None, closed: date | None) -> str:
    lines = [
        f"id: {cid}", "variant: family", "municipality: GM0439", "referrer: self", "minors_involved: false",
        "conditions: false", "professional_help: unknown", "reasons: [parenting]",
    ]
    if talk:
        lines.append("coordinator: C-0042")
        lines.append("unfunded_start: true")
    lines.append("history:")
    lines.append(f"  - {{phase: registered, date: {registered}}}")
    if talk:
        lines.append(f"  - {{phase: informative_talk, date: {talk}}}")
    if closed:
        lines.append(f"  - {{phase: closed, date: {closed}}}")
        lines.append("outcome: declined")
    return "\n".join(lines) + "\n"


def person_name(index: int) -> str:
    """Fictional and unique per case (a name shared with a kept case would be redacted there too)."""
    surname = SYLLABLES[(index // 20) % 30].capitalize() + SYLLABLES[(index // 600) % 30]
    return f"{FIRST[index % 20]} {surname}"


def personal_yaml(rng: random.Random, index: int) -> tuple[str, list[str]]:
    name = person_name(index)
    phone = f"+31 6 {rng.randrange(10**7, 10**8)}"
    email = f"{name.split()[0].lower()}.{index}@example.org"
    text = (
        f"main_persons:\n  - {{name: {name}, role: parent}}\n"
        f"phone: \"{phone}\"\nemail: {email}\n"
        f"network:\n  - {{relation: aunt}}\n"
    )
    return text, [name, phone, email]


def generate(root: Path, commits: int, cases: int, shape: str, seed: int = 7) -> dict:
    """Write the repository; return what was purged-to-be (paths, strings) for the bare run."""
    rng = random.Random(seed)
    span = (TODAY - START).days - 40
    events = []  # (day, order, kind, index)
    expiring = set(range(cases // 2, cases // 2 + 150)) if shape == "old" else None
    plan = []
    for index in range(cases):
        registered = START + timedelta(days=index * span // cases)
        duration = 60 + rng.randrange(60)
        closed = registered + timedelta(days=duration)
        plan.append([registered, closed])
    # exactly 150 cases are due this month: closed 2026-08-01..08-15
    window = [i for i, (r, c) in enumerate(plan) if date(2026, 8, 1) <= c <= date(2026, 8, 15)]
    for i in window:
        plan[i][1] = date(2026, 8, 16) + timedelta(days=i % 10)
    if expiring is None:
        centre = min(range(cases), key=lambda i: abs((plan[i][0] - date(2026, 5, 15)).days))
        first = max(0, min(centre - 75, cases - 150))
        expiring = set(range(first, first + 150))
    else:
        for n, i in enumerate(sorted(expiring)):
            plan[i][0] = START + timedelta(days=n * 2)
    for n, i in enumerate(sorted(expiring)):
        plan[i][1] = date(2026, 8, 1) + timedelta(days=n % 15)
        plan[i][0] = min(plan[i][0], plan[i][1] - timedelta(days=20))
    for index, (registered, closed) in enumerate(plan):
        events.append((registered, 0, "register", index))
        events.append((registered + timedelta(days=2), 1, "intake", index))
        if closed < TODAY:
            events.append((closed, 2, "close", index))
    other = commits - len(events)
    for n in range(max(0, other)):
        events.append((START + timedelta(days=n * span // max(1, other)), 3, "coordinators", n))
    events.sort()
    events = events[:commits]

    purged_paths, strings = [], []
    stream = bytearray()

    def blob_cmd(path: str, text: str) -> None:
        data = text.encode()
        stream.extend(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(data), data))

    stamp = 1451606400  # 2016-01-01
    mark = 0
    for day, _, kind, index in events:
        mark += 1
        stamp = max(stamp + 1, int(time.mktime(day.timetuple())))
        registered, closed = plan[index] if kind != "coordinators" else (None, None)
        if kind != "coordinators":
            cid = case_id(index, registered.year)
            folder = f"cases/{registered.year}/{cid}"
            already_purged = closed < date(2026, 8, 1) and index not in expiring
        if kind == "register":
            message = f"Register case {cid}"
        elif kind == "intake":
            # people do write names into messages by hand: one intake in 50 here
            message = f"Intake of {cid}" + (f" ({person_name(index)})" if index % 50 == 7 and not already_purged else "")
        elif kind == "close":
            message = f"Close case {cid}"
        else:
            message = f"Update coordinator pool ({index})"
        msg = message.encode()
        stream.extend(b"commit refs/heads/main\nmark :%d\ncommitter EKC Office <office@example.org> %d +0100\ndata %d\n%s\n" % (mark, stamp, len(msg), msg))
        if mark > 1:
            stream.extend(b"from :%d\n" % (mark - 1))
        if mark == 1:
            blob_cmd("municipalities.yaml", MUNICIPALITIES)
        if kind == "coordinators" or mark == 1:
            blob_cmd("coordinators.yaml", COORDINATORS_HEAD.format(years=", ".join(str(y) for y in range(2016, 2027)), max_cases=994 + index % 7))
        if kind == "register":
            blob_cmd(f"{folder}/case.yaml", case_yaml(cid, registered, None, None))
            if not already_purged:
                blob_cmd(f"{folder}/personal.yaml", "main_persons: []\n")
        elif kind == "intake":
            blob_cmd(f"{folder}/case.yaml", case_yaml(cid, registered, registered + timedelta(days=2), None))
            if not already_purged:
                text, found = personal_yaml(rng, index)
                blob_cmd(f"{folder}/personal.yaml", text)
                if index in expiring:
                    purged_paths.append(f"{folder}/personal.yaml")
                    strings.extend(found)
        elif kind == "close":
            blob_cmd(f"{folder}/case.yaml", case_yaml(cid, registered, registered + timedelta(days=2), closed))
        stream.extend(b"\n")
    root.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "fast-import", "--quiet"], input=bytes(stream), check=True)
    subprocess.run(["git", "-C", str(root), "reset", "-q", "--hard", "main"], check=True)
    subprocess.run(["git", "-C", str(root), "gc", "-q"], check=True)
    return {"paths": sorted(purged_paths), "strings": strings, "commits": mark}


def timed(command: list[str], cwd: Path, env: dict | None = None, steps: dict | None = None) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"failed: {' '.join(map(str, command))}\n{result.stderr.decode()[-2000:]}\n{result.stdout.decode()[-2000:]}")
    if steps is not None:  # EKC_PURGE_TRACE lines: "ekc purge trace: <step>: <seconds> s"
        for line in result.stderr.decode().splitlines():
            if line.startswith("ekc purge trace: "):
                step, _, seconds = line[len("ekc purge trace: "):].rpartition(": ")
                steps[step] = steps.get(step, 0.0) + float(seconds.split()[0])
    return elapsed


def bench_shape(out: Path, shape: str, commits: int, cases: int, repeat: int) -> dict:
    base = out / f"{shape}-base"
    shutil.rmtree(base, ignore_errors=True)
    start = time.perf_counter()
    info = generate(base, commits, cases, shape)
    generated = time.perf_counter() - start

    env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(out / "cache")}
    # last month's purge, as an office runs one every month: nothing had expired by then (the
    # cases due now closed in August), and it kept the history log for this one
    # (ekc/purge/history_cache.py). Every contender starts from this repository; the first
    # purge ever (no kept log) is a contender of its own.
    last_month = (TODAY.replace(day=1) - timedelta(days=1)).replace(day=TODAY.day)
    head = subprocess.run(["git", "-C", str(base), "rev-parse", "HEAD"], capture_output=True, text=True).stdout
    subprocess.run([sys.executable, "-m", "ekc", "--data", str(base), "--today", last_month.isoformat(), "purge", "--yes"],
                   env=env, capture_output=True)
    kept_log = base / ".git" / "ekc" / "history-log"
    if not kept_log.is_file() or subprocess.run(["git", "-C", str(base), "rev-parse", "HEAD"], capture_output=True, text=True).stdout != head:
        raise SystemExit("last month's purge did not leave the repository as expected (a kept log, the same history)")
    results = {"shape": shape, "commits": info["commits"], "cases": cases, "purged_paths": len(info["paths"]), "generate_s": generated}

    work = out / f"{shape}-work"
    work.mkdir(exist_ok=True)
    (work / "paths.txt").write_text("".join(f"literal:{p}\n" for p in info["paths"]))
    # the bare run redacts the strings as written (literal), where ekc matches every spelling
    (work / "messages.txt").write_text("".join(f"literal:{t}==>***\n" for t in sorted(set(info["strings"]), key=len, reverse=True)))
    bare = [sys.executable, "-m", "git_filter_repo", "--force", "--invert-paths", "--paths-from-file", str(work / "paths.txt"), "--replace-message", str(work / "messages.txt")]
    contenders = {
        "ekc_purge": None,
        "ekc_purge_first": None,
        "bare_same_options": [*bare, "--prune-empty", "never", "--prune-degenerate", "never"],
        "bare_defaults": bare,
    }
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for round_ in range(repeat):
        for name, command in contenders.items():
            repo = out / f"{shape}-{name}"
            shutil.rmtree(repo, ignore_errors=True)
            shutil.copytree(base, repo, symlinks=True)
            # git's index as an office's clone has it: the copy gave every file a new inode and
            # ctime, so without this git sees all 30,000 files as changed (git-filter-repo's
            # `reset --hard` rewrites each one, `git status` reads each one), which no office does
            subprocess.run(["git", "-C", str(repo), "update-index", "-q", "--refresh"], check=False)
            if command is None:
                if name == "ekc_purge_first":
                    (repo / ".git" / "ekc" / "history-log").unlink()
                ekc = [sys.executable, "-m", "ekc", "--data", str(repo), "--today", TODAY.isoformat()]
                # a warm verdict cache, as any earlier `ekc validate` (hook, CI) leaves it. The
                # copy just made gives every file a new ctime: files changed within 2 s before a
                # run's stat are racy (git's rule, ekc/store/loader.py RACY_NS) and read again by
                # the next run, which an office whose files were written long before never sees
                time.sleep(2.1)
                validate = timed([*ekc, "validate"], repo, env)
                results.setdefault("ekc_validate_s", validate)
                if round_ == 0:
                    dry = subprocess.run([*ekc, "purge", "--dry-run"], env=env, capture_output=True, text=True)
                    results["plan"] = next((line for line in dry.stdout.splitlines() if "blobs" in line), dry.stderr.strip())
                steps: dict[str, float] = {}
                times[name].append(timed([*ekc, "purge", "--yes"], repo, {**env, "EKC_PURGE_TRACE": "1"}, steps))
                if name == "ekc_purge_first":
                    continue  # its figures below are the kept log's run's
                # the proof reads what is new while gc runs, then what gc left: what it adds to
                # the purge's time is how long it ran on after gc ended, and the part after gc
                proof_scan = steps.get("proof: scan beyond gc", 0.0) + steps.get("proof: scan of every object", 0.0)
                results.setdefault("scans_s", []).append(steps.get("plan: scan of every object", 0.0) + proof_scan)
                results.setdefault("proof_scan_s", []).append(proof_scan)
                results.setdefault("proof_beside_gc_s", []).append(steps.get("proof: scan beside gc", 0.0))
                results.setdefault("filter_repo_s", []).append(steps.get("git-filter-repo", 0.0))
                ekc_parent = subprocess.run(["git", "-C", str(repo), "rev-parse", "main^"], capture_output=True, text=True).stdout.strip()
            else:
                times[name].append(timed(command, repo))
                if name == "bare_same_options":
                    bare_head = subprocess.run(["git", "-C", str(repo), "rev-parse", "main"], capture_output=True, text=True).stdout.strip()
    for key in ("scans_s", "proof_scan_s", "filter_repo_s", "proof_beside_gc_s"):
        results[key] = min(results[key])
    results["proof_scan_share"] = results["proof_scan_s"] / min(times["ekc_purge"])
    results["both_scans_share"] = results["scans_s"] / min(times["ekc_purge"])
    for name, values in times.items():
        results[f"{name}_min_s"] = min(values)
        results[f"{name}_median_s"] = statistics.median(values)
    results["ratio_min_vs_same_options"] = results["ekc_purge_min_s"] / results["bare_same_options_min_s"]
    results["ratio_median_vs_same_options"] = results["ekc_purge_median_s"] / results["bare_same_options_median_s"]
    results["first_ratio_min_vs_same_options"] = results["ekc_purge_first_min_s"] / results["bare_same_options_min_s"]
    results["ratio_min_vs_defaults"] = results["ekc_purge_min_s"] / results["bare_defaults_min_s"]
    # the same commits as git-filter-repo's own run with the same options (below ekc's purge commit)
    results["same_commit_ids_as_bare"] = ekc_parent == bare_head
    for name in [*contenders, "base", "work"]:
        shutil.rmtree(out / f"{shape}-{name}", ignore_errors=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=50_000)
    parser.add_argument("--cases", type=int, default=15_000)
    parser.add_argument("--shapes", default="recent,old")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each contender; the minimum is the figure (the machine is shared)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "purge")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for shape in args.shapes.split(","):
        result = bench_shape(args.out, shape, args.commits, args.cases, args.repeat)
        print(" | ".join(f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}" for k, v in result.items()), flush=True)


if __name__ == "__main__":
    main()
