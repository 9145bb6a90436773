"""The synthetic store generator: reproducible, and valid under every rule of DATA-FORMAT.md."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from ekc.core.dates import add_months
from ekc.model.case import Case
from ekc.model.coordinators import CoordinatorsFile
from ekc.model.municipalities import MunicipalitiesFile
from ekc.model.personal import Personal
from ekc.model.purge_log import PurgeLog
from ekc.model.vocabulary import EK2_VARIANTS, PHASES
from ekc.budget.funding import funding
from bench.synthetic import case_as_of, dump_yaml, generate, generate_store

TODAY = date(2026, 11, 27)
REPO = Path(__file__).resolve().parent.parent
SIZES = {"cases": 500, "coordinators": 60, "municipalities": 20, "seed": 7}
_YAML = YAML(typ="safe")


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synthetic") / "store"
    generate_store(out, today=TODAY, **SIZES)
    return out


@pytest.fixture(scope="module")
def loaded(written: Path):
    """Every file of the written store, read back and validated by the models."""
    municipalities = MunicipalitiesFile.model_validate(_YAML.load((written / "municipalities.yaml").read_text("utf-8")))
    coordinators = CoordinatorsFile.model_validate(_YAML.load((written / "coordinators.yaml").read_text("utf-8")))
    purge_log = PurgeLog.model_validate(_YAML.load((written / "purge-log.yaml").read_text("utf-8")))
    cases = {}
    for path in sorted(written.glob("cases/*/*/case.yaml")):
        personal_path = path.parent / "personal.yaml"
        personal = Personal.model_validate(_YAML.load(personal_path.read_text("utf-8"))) if personal_path.exists() else None
        cases[path.relative_to(written).as_posix()] = (Case.model_validate(_YAML.load(path.read_text("utf-8"))), personal)
    return municipalities, coordinators, purge_log, cases


# -- reproducible ----------------------------------------------------------------------

def test_same_seed_gives_byte_identical_files_in_another_process(written, tmp_path):
    again = tmp_path / "again"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}  # string hashing differs: no set order may leak
    subprocess.run(
        [sys.executable, str(REPO / "bench" / "generate.py"), str(again), "--today", TODAY.isoformat(),
         *(f"--{key}={value}" for key, value in SIZES.items())],
        check=True, env=env, capture_output=True,
    )
    assert _tree(again) == _tree(written)


def test_another_seed_gives_another_store():
    one = generate(cases=50, coordinators=10, municipalities=5, seed=1, today=TODAY)
    two = generate(cases=50, coordinators=10, municipalities=5, seed=2, today=TODAY)
    assert dict(one.files()) != dict(two.files())


# -- every file validates ----------------------------------------------------------------

def test_every_file_validates_against_the_models(loaded):
    municipalities, coordinators, purge_log, cases = loaded
    assert len(municipalities.municipalities) == SIZES["municipalities"]
    assert len(coordinators.coordinators) == SIZES["coordinators"]
    assert len(cases) == SIZES["cases"]
    assert purge_log.purges


def test_dump_yaml_reads_back_as_the_same_data():
    store = generate(cases=200, coordinators=30, municipalities=12, seed=3, today=TODAY)
    for _, text in store.files():
        _YAML.load(text)  # parses
    for generated in store.cases:
        assert _YAML.load(dump_yaml(generated.case)) == generated.case
        if generated.personal is not None:
            assert _YAML.load(dump_yaml(generated.personal)) == generated.personal
    assert _YAML.load(dump_yaml(store.coordinators)) == store.coordinators
    assert _YAML.load(dump_yaml(store.municipalities)) == store.municipalities


@pytest.mark.parametrize("text", [
    "yes", "No", "on", "null", "~", "", "012", "1e5", "2024-01-01", "1_5y", "a: b", "a #b", "#x",
    "+31 6 1234 5678", "-x", "[x]", "{x}", "x, y", "Ayşe Çelik", "O'Brien", 'say "hi"', " lead", "trail ",
    "two\nlines\n", "f.elamrani@example.org", "@handle", "Kerkstraat 1, 1441 AB Purmerend",
])
def test_dump_yaml_keeps_awkward_strings(text):
    data = {"value": text, "flow": {"value": text}, "items": [text]}
    assert _YAML.load(dump_yaml(data)) == data


def test_ids_are_unique_and_match_their_folders(loaded):
    cases = loaded[3]
    ids = [case.id for case, _ in cases.values()]
    assert len(set(ids)) == len(ids)
    for path, (case, _) in cases.items():
        _, year, folder, _ = path.split("/")
        assert folder == case.id
        assert year == case.id[4:8] == str(case.registered_on.year)


# -- the rules of DATA-FORMAT.md, checked here on their own ------------------------------

def _rule_breaks(case: Case, personal: Personal | None, municipalities: dict, coordinators: dict, today: date) -> list[str]:
    """What is wrong with one case, as short strings; empty when it keeps every rule."""
    wrong = []
    history = case.history
    if history[0].phase != "registered":
        wrong.append("history does not start with registered")
    for before, now in zip(history, history[1:]):
        if now.date < before.date:
            wrong.append("history dates decrease")
        if before.phase == "closed":
            wrong.append("an entry after closed")
        elif now.phase != "closed" and not (now.phase == "follow_up" and before.phase in ("meeting_aftercare", "follow_up")):
            if PHASES.index(now.phase) != PHASES.index(before.phase) + 1:
                wrong.append(f"{before.phase} -> {now.phase}")
    if history[-1].date > today:
        wrong.append("history in the future")
    if case.is_closed != (case.outcome is not None):
        wrong.append("outcome not set exactly when closed")
    if (case.outcome == "stopped") != (case.stop_reason is not None):
        wrong.append("stop_reason not set exactly when stopped")
    if case.outcome in ("plan", "no_plan") and not case.meetings:
        wrong.append("plan/no_plan without a meeting")
    if case.outcome in ("own_plan", "declined", "stopped") and case.meetings:
        wrong.append("a meeting with an outcome that has none")
    if (case.referrer == "professional") != (case.referrer_org is not None):
        wrong.append("referrer_org not set exactly for professionals")
    windows = [(i, entry) for i, entry in enumerate(history) if entry.phase in ("meeting_aftercare", "follow_up")]
    if case.meetings and case.meetings[0].follow_up:
        wrong.append("first meeting is a follow-up")
    if len(case.meetings) > len(windows):
        wrong.append("more meetings than meeting phases")
    for meeting, (i, entry) in zip(case.meetings, windows):
        until = history[i + 1].date if i + 1 < len(history) else today
        if not entry.date <= meeting.date <= until:
            wrong.append(f"meeting {meeting.date} outside its phase")
        if meeting.follow_up != (entry.phase == "follow_up"):
            wrong.append("meeting follow_up flag does not match its phase")
    start = case.started_on
    if start is not None and case.coordinator is None:
        wrong.append("no coordinator from informative_talk on")
    municipality = municipalities.get(case.municipality)
    if municipality is None:
        wrong.append("unknown municipality")
    elif start is not None:
        funded = funding(municipality, start, case.variant)[0] is not None
        if funded == case.unfunded_start:
            wrong.append("unfunded_start does not say whether a contract funds the start")
    if case.coordinator is not None:
        coordinator = coordinators.get(case.coordinator)
        if coordinator is None:
            wrong.append("unknown coordinator")
        else:
            if case.variant in EK2_VARIANTS and not coordinator.has_ek2:
                wrong.append("EK-2 variant without an EK-2 coordinator")
            if start is not None:
                if coordinator.trained.ek1 > start or (case.variant in EK2_VARIANTS and coordinator.trained.ek2 > start):
                    wrong.append("coordinator trained after the start")
                if not coordinator.has_agreement(start.year) or coordinator.is_unavailable(start):
                    wrong.append("coordinator without agreement or on leave at the start")
            if not case.is_closed and not coordinator.has_agreement(today.year):
                wrong.append("open case of a coordinator without agreement this year")
    if not case.is_closed and add_months(case.phase_since, 6) <= today:
        wrong.append("open case stale for six months")
    if personal is not None and case.coordinator in personal.exclude_coordinators:
        wrong.append("assigned coordinator is excluded by the family")
    return wrong


def test_every_case_keeps_the_rules(loaded):
    municipalities, coordinators, _, cases = loaded
    by_code = {m.code: m for m in municipalities.municipalities}
    by_id = {c.id: c for c in coordinators.coordinators}
    broken = {path: _rule_breaks(case, personal, by_code, by_id, TODAY) for path, (case, personal) in cases.items()}
    assert {path: wrong for path, wrong in broken.items() if wrong} == {}


def test_cases_stay_valid_at_every_step_of_their_history(written, loaded):
    """`case_as_of` gives what a history generator commits: each state keeps the rules."""
    municipalities, coordinators, _, _ = loaded
    by_code = {m.code: m for m in municipalities.municipalities}
    by_id = {c.id: c for c in coordinators.coordinators}
    for path in sorted(written.glob("cases/*/*/case.yaml"))[:200]:
        raw = _YAML.load(path.read_text("utf-8"))
        for entry in raw["history"]:
            for day in (entry["date"] - timedelta(days=1), entry["date"]):
                state = case_as_of(raw, day)
                if state is None:
                    continue
                case = Case.model_validate(state)
                assert _rule_breaks(case, None, by_code, by_id, day) == [], (raw["id"], day)


def test_coordinators_are_never_overloaded_and_know_their_languages(loaded):
    from ekc.match.languages import language_name

    _, coordinators, _, cases = loaded
    open_load = Counter(case.coordinator for case, _ in cases.values() if not case.is_closed and case.coordinator)
    for coordinator in coordinators.coordinators:
        assert open_load[coordinator.id] <= coordinator.max_cases
        assert coordinator.active or not open_load[coordinator.id]
        assert all(language_name(code) for code in coordinator.languages), coordinator.languages
        assert coordinator.trained.ek2 is None or coordinator.trained.ek1 <= coordinator.trained.ek2 <= TODAY


def test_case_files_hold_no_personal_data(written):
    from ekc.validate.rules.personal_data import check_no_personal_data

    for path in written.glob("cases/*/*/case.yaml"):
        assert check_no_personal_data(path.name, _YAML.load(path.read_text("utf-8"))) == []


def test_personal_files_are_kept_for_open_and_recent_cases_and_logged_when_purged(loaded):
    _, _, purge_log, cases = loaded
    logged = {record.case: record for record in purge_log.purges}
    for path, (case, personal) in cases.items():
        if personal is None:
            record = logged[case.id]
            assert case.is_closed and record.closed == case.closed_on
            assert add_months(record.closed, 3) <= record.purged <= TODAY
            assert record.paths == [path.replace("case.yaml", "personal.yaml")]
            assert (TODAY - case.closed_on).days > 365
        else:
            assert case.id not in logged
            assert not case.is_closed or (TODAY - case.closed_on).days <= 365 or add_months(case.closed_on, 3) > TODAY


def test_ekc_validate_finds_no_errors_only_purges_due(written):
    from ekc.validate.pipeline import validate

    report = validate(written, TODAY, use_cache=False)
    assert report.errors == []
    assert {finding.code for finding in report.warnings} <= {"purge-due"}


def test_shapes_follow_the_research_figures():
    store = generate(cases=3000, coordinators=300, municipalities=40, seed=11, today=TODAY)
    cases = [g.case for g in store.cases]
    share = lambda hits: sum(hits) / len(cases)  # noqa: E731
    assert 0.66 < share(c["referrer"] == "professional" for c in cases) < 0.74
    assert 0.63 < share(c["minors_involved"] for c in cases) < 0.73
    assert 0.56 < share(bool(c.get("meetings")) for c in cases) < 0.66
    with_meeting = [c for c in cases if c.get("meetings")]
    plans = sum(c["meetings"][0]["plan"]["made"] for c in with_meeting) / len(with_meeting)
    assert 0.88 < plans < 0.96
    years = Counter(c["id"][4:8] for c in cases)
    assert min(years) == "2000" and max(years) == "2026"
    contracts = sum(len(m.get("contracts", ())) for m in store.municipalities["municipalities"])
    assert 80 < contracts < 140  # about a tenth of the municipalities contract each year


def test_a_small_recent_store_is_valid_too(tmp_path):
    from ekc.validate.pipeline import validate

    generate_store(tmp_path, cases=40, coordinators=8, municipalities=4, seed=5, today=TODAY, first_year=2025)
    report = validate(tmp_path, TODAY, use_cache=False)
    assert report.errors == []
    assert {finding.code for finding in report.warnings} <= {"purge-due"}
