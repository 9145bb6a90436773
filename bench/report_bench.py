"""How long `ekc report` takes on a large store, against loading the store alone.

    python3 bench/report_bench.py [N ...]        (default: 1000 5000)

Writes N closed cases (each with a meeting and satisfaction forms) and their
personal.yaml into a temporary folder, then times, best of 3 in one process:
  load      ekc.store.loader.load without the verdict cache (the baseline: every command pays it)
  compute   ekc.report.figures.compute over the loaded cases
  json/markdown/html   the writers
and, as subprocesses (cold start, cache warm after the first run): `ekc report --year 2024 --json`
against `ekc validate`.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.store import StoreBuilder  # noqa: E402

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def case_id(i: int) -> str:
    digits = ""
    for _ in range(5):
        i, r = divmod(i, 32)
        digits = CROCKFORD[r] + digits
    return f"EKC-2024-{digits}"


def case_yaml(i: int, rng: random.Random) -> str:
    registered = date(2024, 1, 1) + timedelta(days=rng.randrange(0, 200))
    talk = registered + timedelta(days=rng.randrange(1, 5))
    activate = talk + timedelta(days=rng.randrange(1, 20))
    meeting = activate + timedelta(days=rng.randrange(1, 60))
    closed = meeting + timedelta(days=rng.randrange(1, 60))
    referrer = rng.choice(["professional", "self", "network"])
    org = "referrer_org: youth_care\n" if referrer == "professional" else ""
    municipality = rng.choice(["GM0439", "GM0599"])
    return f"""id: {case_id(i)}
variant: family
municipality: {municipality}
referrer: {referrer}
{org}minors_involved: {str(rng.random() < 0.68).lower()}
conditions: false
professional_help: {rng.choice(["none", "lt_1y", "1_5y", "gt_5y", "unknown"])}
reasons: [parenting]
coordinator: C-0042
unfunded_start: true
history:
  - {{phase: registered, date: {registered}}}
  - {{phase: informative_talk, date: {talk}}}
  - {{phase: connect_activate, date: {activate}}}
  - {{phase: meeting_aftercare, date: {meeting}}}
  - {{phase: closed, date: {closed}}}
outcome: plan
meetings:
  - date: {meeting}
    venue: {rng.choice(["community_centre", "agency_office", "church", "home"])}
    daytime_only: {str(rng.random() < 0.7).lower()}
    hours_total: {rng.choice([2.5, 3.0, 4.0, 5.0, 6.0])}
    hours_private: {rng.choice([0.5, 1.0, 2.0])}
    attendees: {{minor_main: 1, adult_main: 1, family: {rng.randrange(1, 9)}, network: 2, professional: 2}}
    plan: {{made: true, evaluation: true, contingency: {str(rng.random() < 0.9).lower()}, professional_help: true}}
satisfaction:
  forms_out: {{minors: 1, adults: 6, professionals: 2}}
  adults:
    - {{role: main, meeting: {rng.randrange(5, 11)}, plan: 8, coordinator: 9, referrer: 7}}
  professionals:
    - {{meeting: 7, plan: 7, coordinator: 8, good_decision: fully}}
"""


def write_store(root: Path, n: int) -> None:
    StoreBuilder(root).write()
    rng = random.Random(n)
    for i in range(n):
        folder = root / "cases" / "2024" / case_id(i)
        folder.mkdir(parents=True)
        (folder / "case.yaml").write_text(case_yaml(i, rng))
        (folder / "personal.yaml").write_text(PERSONAL)


PERSONAL = """main_persons:
  - {name: Sanne de Vries, birth_date: 2012-05-01, role: child}
phone: "+31 6 98765432"
"""


def best(seconds: list[float]) -> str:
    return f"{min(seconds):.3f}"


def timed(fn, repeat: int = 3) -> tuple[list[float], object]:
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return times, value


def main(sizes: list[int]) -> None:
    from ekc.report import render as report_render
    from ekc.report import figures as research
    from ekc.store.loader import load

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    print("| cases | load (baseline) | compute | json | markdown | html | `ekc validate` | `ekc report --json` |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "data"
            write_store(root, n)
            load_times, loaded = timed(lambda: load(root, use_cache=False))
            cases = [cf.case for cf in loaded.store.cases.values()]
            assert len(cases) == n, (len(cases), loaded.findings[:3])
            compute_times, report = timed(lambda: research.compute(cases, loaded.store.municipalities, 2024))
            assert report["closed_cases"].value == n
            json_times, _ = timed(lambda: report_render.report_json(report))
            md_times, _ = timed(lambda: report_render.markdown(report))
            html_times, _ = timed(lambda: report_render.html(report))

            def cli(*args: str) -> float:
                start = time.perf_counter()
                subprocess.run([sys.executable, "-m", "ekc", "--data", str(root), *args], env=env, check=False,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                return time.perf_counter() - start

            cli("validate")  # warms the verdict cache both commands use
            validate_times = [cli("validate") for _ in range(3)]
            report_times = [cli("report", "--year", "2024", "--json") for _ in range(3)]
            print(f"| {n} | {best(load_times)} | {best(compute_times)} | {best(json_times)} | {best(md_times)} | "
                  f"{best(html_times)} | {best(validate_times)} | {best(report_times)} |")


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [1000, 5000])
