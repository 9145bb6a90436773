"""The store index (stat data beside the verdicts) and the incremental cross-file rules are
never stale: whatever changes, warm results equal cold ones (ekc/store/loader.py,
ekc/validate/pipeline.py, ekc/store/views.py)."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ekc.budget.check import _cases_between, check_budget, check_repository, selected_contracts, window
from ekc.match.ranking import pool_of
from ekc.store import loader
from ekc.store.loader import load
from ekc.store.views import closed_in, conferences, for_matching, morning_view
from ekc.validate.pipeline import validate
from tests.support.store import StoreBuilder, closed_case, coordinator, personal_doc, registered_case

CLOSED = "cases/2024/EKC-2024-K7Q2M/case.yaml"
OTHER = "cases/2024/EKC-2024-Q3RTX/case.yaml"
OPEN = "cases/2024/EKC-2024-AB12C/case.yaml"
PERSONAL = "cases/2024/EKC-2024-K7Q2M/personal.yaml"
NEW = "cases/2025/EKC-2025-N3W4C/case.yaml"  # not in the store at first: a year and a case folder that come and go


def small_store(root: Path) -> Path:
    builder = StoreBuilder(root)
    builder.coordinators["coordinators"].append(coordinator("C-0043", name="Henk Bakker"))
    builder.with_case(closed_case(), personal_doc())
    builder.with_case(closed_case("EKC-2024-Q3RTX", coordinator="C-0043"))
    builder.with_case(registered_case(), personal_doc())
    return builder.write()


def same_size_same_mtime_edit(file: Path, old: bytes, new: bytes) -> None:
    """Write other bytes of the same length and set the mtime back to the nanosecond."""
    raw = file.read_bytes()
    assert old in raw and len(old) == len(new)
    before = file.stat()
    file.write_bytes(raw.replace(old, new, 1))
    os.utime(file, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = file.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)


def codes(findings) -> list[tuple[str, str]]:
    return sorted((f.path, f.code) for f in findings)


def test_a_change_with_the_same_size_and_mtime_is_seen(tmp_path):
    root = small_store(tmp_path / "data")
    assert validate(root, date(2024, 9, 15)).findings == []
    same_size_same_mtime_edit(root / OPEN, b"variant: family", b"variant: famlly")
    assert ("cases/2024/EKC-2024-AB12C/case.yaml", "value") in codes(validate(root, date(2024, 9, 15)).findings)
    assert morning_view(root, only_open=True).store.cases == {}  # the open case cannot be read now


def test_an_edit_within_the_racy_window_is_seen_even_with_identical_stat_data(tmp_path, monkeypatch):
    """Git's racy-git case: the file changes again within one timestamp tick, so size,
    mtime, ctime and inode all match the index. Its mtime lies within RACY_NS of when the
    index was made, so its bytes are checked."""
    root = small_store(tmp_path / "data")
    load(root, models=False)
    recorded = {p: os.stat(root / p) for p in (OPEN,)}
    (root / OPEN).write_bytes((root / OPEN).read_bytes().replace(b"variant: family", b"variant: famlly"))
    real_stat = os.stat

    def frozen_stat(path, *args, **kwargs):
        for relative, st in recorded.items():
            if str(path).endswith(relative):
                return st
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(loader.os, "stat", frozen_stat)
    assert ("cases/2024/EKC-2024-AB12C/case.yaml", "value") in codes(load(root, models=False).findings)


def test_clean_stat_data_spares_reading_the_file(tmp_path, monkeypatch):
    """Outside the racy window a matching stat is enough: nothing is read at all."""
    root = small_store(tmp_path / "data")
    real_ns = time.time_ns
    monkeypatch.setattr(loader.time, "time_ns", lambda: real_ns() + 60_000_000_000)  # as if a minute later
    load(root, models=False)

    def no_reading(path):
        raise AssertionError(f"{path} was read")

    reader = loader.read_file
    monkeypatch.setattr(loader, "read_file", no_reading)
    warm = load(root, models=False)
    assert warm.files_read == 0 and warm.cache_hits == warm.files_checked
    # and a real change (new mtime, ctime) is still read
    monkeypatch.setattr(loader, "read_file", reader)
    time.sleep(0.01)
    (root / OPEN).write_bytes((root / OPEN).read_bytes().replace(b"variant: family", b"variant: famlly"))
    changed = load(root, models=False)
    assert changed.files_read == 1
    assert ("cases/2024/EKC-2024-AB12C/case.yaml", "value") in codes(changed.findings)


def test_the_views_hold_only_the_cases_asked_for(tmp_path):
    root = small_store(tmp_path / "data")
    assert set(morning_view(root, only_open=True).store.cases) == {"EKC-2024-AB12C"}
    assert set(closed_in(root, 2024).store.cases) == {"EKC-2024-K7Q2M", "EKC-2024-Q3RTX"}
    assert closed_in(root, 2023).store.cases == {}
    matching = for_matching(root)
    assert set(matching.store.cases) == {"EKC-2024-AB12C"}
    assert matching.store.cases["EKC-2024-AB12C"].personal is not None  # the family's wishes
    assert conferences(matching) == {"C-0042": 1, "C-0043": 1}


# -- warm equals cold, whatever happens ------------------------------------------------------

MUNICIPALITY_ENDS = [b"2024-12-31", b"2024-03-31", b"2024-01-31"]
STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("contract_end"), st.sampled_from(MUNICIPALITY_ENDS)),
        st.tuples(st.just("coordinator_gone"), st.booleans()),
        st.tuples(st.just("case_coordinator"), st.sampled_from([CLOSED, OTHER]), st.sampled_from([b"C-0042", b"C-0043", b"C-0044"])),
        st.tuples(st.just("case_municipality"), st.sampled_from([CLOSED, OTHER, OPEN]), st.sampled_from([b"GM0439", b"GM0599", b"GM9999"])),
        st.tuples(st.just("personal"), st.booleans()),
        st.tuples(st.just("same_size"), st.sampled_from([CLOSED, OPEN]), st.sampled_from([b"family", b"famlly", b"groups"])),
        st.tuples(st.just("reopen"), st.booleans()),
        st.tuples(st.just("touch"), st.sampled_from([CLOSED, OTHER, OPEN, "municipalities.yaml", "coordinators.yaml"])),
        st.tuples(st.just("case_folder"), st.sampled_from([OTHER, NEW]), st.booleans()),  # a case folder removed or added
    ),
    min_size=1,
    max_size=6,
)
TODAYS = st.sampled_from([date(2024, 9, 15), date(2025, 3, 1), date(2031, 1, 1)])


def apply(root: Path, step, spare: dict[str, bytes]) -> None:
    kind = step[0]
    target = step[1] if kind != "reopen" else OTHER
    if kind != "case_folder" and isinstance(target, str) and target.startswith("cases/") and not (root / target).exists():
        return  # its case folder was removed by an earlier step
    if kind == "contract_end":
        file = root / "municipalities.yaml"
        raw = file.read_bytes()
        for end in MUNICIPALITY_ENDS:
            raw = raw.replace(b"end: " + end, b"end: " + step[1])
        file.write_bytes(raw)
    elif kind == "coordinator_gone":
        file = root / "coordinators.yaml"
        file.write_bytes(spare["coordinators.yaml"].replace(b"C-0043", b"C-0045") if step[1] else spare["coordinators.yaml"])
    elif kind == "case_coordinator":
        file = root / step[1]
        raw = file.read_bytes()
        for old in (b"C-0042", b"C-0043", b"C-0044"):
            raw = raw.replace(b"coordinator: " + old, b"coordinator: " + step[2])
        file.write_bytes(raw)
    elif kind == "case_municipality":
        file = root / step[1]
        raw = file.read_bytes()
        for old in (b"GM0439", b"GM0599", b"GM9999"):
            raw = raw.replace(b"municipality: " + old, b"municipality: " + step[2])
        file.write_bytes(raw)
    elif kind == "personal":
        file = root / PERSONAL
        if step[1]:
            file.unlink(missing_ok=True)
        else:
            file.write_bytes(spare[PERSONAL])
    elif kind == "same_size":
        file = root / step[1]
        raw = file.read_bytes()
        for old in (b"family", b"famlly", b"groups"):
            if b"variant: " + old in raw and old != step[2]:
                same_size_same_mtime_edit(file, b"variant: " + old, b"variant: " + step[2])
                break
    elif kind == "reopen":
        file = root / OTHER
        raw = file.read_bytes()
        closed, reopened = b"phase: closed", b"phase: follow_up"
        file.write_bytes(raw.replace(closed, reopened) if step[1] else raw.replace(reopened, closed))
    elif kind == "case_folder":
        folder = (root / step[1]).parent
        if step[2]:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            folder.mkdir(parents=True, exist_ok=True)
            (root / step[1]).write_bytes(spare[step[1]])
    elif kind == "touch":
        file = root / step[1]
        file.write_bytes(file.read_bytes())


def assert_warm_equals_cold(root: Path, today: date) -> None:
    warm, cold = validate(root, today), validate(root, today, use_cache=False)
    assert warm.findings == cold.findings
    assert warm.files_checked == cold.files_checked
    full = load(root, use_cache=False)
    every = full.store.cases
    opened = morning_view(root, only_open=True)
    assert opened.store.cases == {i: c for i, c in every.items() if not c.case.is_closed}
    assert codes(opened.findings) == codes(f for f in full.findings if f.path != "purge-log.yaml")
    year = closed_in(root, 2024)  # from case.yaml files only: no personal.yaml is read for a report
    assert {i: (c.case, c.path) for i, c in year.store.cases.items()} == {
        i: (c.case, c.path) for i, c in every.items() if c.case.closed_on and c.case.closed_on.year == 2024
    }
    matching = for_matching(root)
    assert conferences(matching) == pool_of(full.store, today).conferences
    for year in (2024, 2025):  # `budget check`: only the cases with an entry in its window
        result, _, missing = check_repository(root, today, year, None)
        assert result == check_budget(full.store.municipalities, (c.case for c in every.values()), today, year)
        taken = {c.path for c in every.values()}
        assert missing == sorted(p for p in full.present_paths if p.endswith("/case.yaml") and p not in taken)
        # the split index's own answer (its case table and year parts), not the fallback
        first, last = window(selected_contracts(full.store.municipalities, year, None), today, year)
        chosen = loader.case_summaries_between(root, first, last)
        assert chosen is not None
        assert (chosen.summaries, chosen.unreadable) == _cases_between(root, first, last)
    assert matching.store.coordinators == full.store.coordinators
    assert matching.store.municipalities == full.store.municipalities


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(STEPS, TODAYS)
def test_warm_results_equal_cold_ones_through_any_changes(steps, today):
    """Every racy file is checked by content (the test writes faster than RACY_NS)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = small_store(Path(tmp) / "data")
        (root / ".git").mkdir()
        spare = {name: (root / name).read_bytes() for name in ("coordinators.yaml", PERSONAL, OTHER)}
        spare[NEW] = (root / OPEN).read_bytes().replace(b"EKC-2024-AB12C", b"EKC-2025-N3W4C").replace(b"2024-09-02", b"2025-02-03")
        assert_warm_equals_cold(root, today)
        for step in steps:
            apply(root, step, spare)
            assert_warm_equals_cold(root, today)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(STEPS, TODAYS)
def test_warm_results_equal_cold_ones_when_stat_data_is_trusted(steps, today):
    """The same with the clock a minute ahead, so that no file is racy and an unchanged stat
    is trusted: every change must then show in size, mtime, ctime or inode (the steps are
    10 ms apart, more than one timestamp tick)."""
    real_ns = time.time_ns
    with pytest.MonkeyPatch.context() as patch, tempfile.TemporaryDirectory() as tmp:
        patch.setattr(loader.time, "time_ns", lambda: real_ns() + 60_000_000_000)
        root = small_store(Path(tmp) / "data")
        (root / ".git").mkdir()
        spare = {name: (root / name).read_bytes() for name in ("coordinators.yaml", PERSONAL, OTHER)}
        spare[NEW] = (root / OPEN).read_bytes().replace(b"EKC-2024-AB12C", b"EKC-2025-N3W4C").replace(b"2024-09-02", b"2025-02-03")
        assert_warm_equals_cold(root, today)
        for step in steps:
            time.sleep(0.01)
            apply(root, step, spare)
            assert_warm_equals_cold(root, today)


def test_the_kept_folder_listings_give_what_a_fresh_listing_gives(tmp_path, monkeypatch):
    """A new file in a case folder, a removed personal.yaml, a new case folder: each
    changes its folder's mtime, so a kept listing is never used for it."""
    from ekc.store.loader import data_files

    root = small_store(tmp_path / "data")
    real_ns = time.time_ns
    monkeypatch.setattr(loader.time, "time_ns", lambda: real_ns() + 60_000_000_000)
    load(root, models=False)
    time.sleep(0.01)
    (root / "cases/2024/EKC-2024-AB12C/notes.txt").write_text("a stray file\n")
    (root / PERSONAL).unlink()
    (root / "cases/2024/EKC-2024-ZZ99Z").mkdir()
    (root / "cases/2024/EKC-2024-ZZ99Z/case.yaml").write_bytes((root / OPEN).read_bytes())
    warm = load(root, models=False)
    assert sorted(warm.present_paths) == sorted(f.path for f in data_files(root))
    assert ("cases/2024/EKC-2024-AB12C/notes.txt", "stray") in codes(warm.findings)


def test_a_command_reading_some_kinds_leaves_the_other_entries_in_the_index(tmp_path):
    """`budget check` reads no personal.yaml; the next `validate` still finds every verdict."""
    from ekc.store.anonymous import load_anonymous

    root = small_store(tmp_path / "data")
    load_anonymous(root)
    load(root, models=False)
    load_anonymous(root)
    warm = load(root, models=False)
    assert warm.cache_hits == warm.files_checked


# -- single-case commands load that case, and what its rules need ----------------------------

@pytest.mark.parametrize("today", [date(2024, 9, 15), date(2025, 3, 1)])
def test_a_single_case_command_loads_that_case_and_its_funding_cases_only(tmp_path, today):
    from ekc.budget.funding import contract_use, funding
    from ekc.cases.lifecycle import funding_refusal
    from ekc.cases.workflow import load_case, load_funding_cases

    root = small_store(tmp_path / "data")
    (root / OTHER).write_bytes((root / OTHER).read_bytes().replace(b"municipality: GM0439", b"municipality: GM0599"))
    full = load(root, use_cache=False)
    counted = 0
    for case_id in ("EKC-2024-AB12C", "EKC-2024-K7Q2M", "ekc-2024-q3rtx"):
        loaded = load_case(root, case_id)
        assert set(loaded.store.cases) == {case_id.upper()}
        case_file = loaded.store.cases[case_id.upper()]
        assert case_file == full.store.cases[case_id.upper()]
        load_funding_cases(loaded, case_file, None, today)
        municipality = case_file.case.municipality
        assert set(loaded.store.cases) <= {i for i, c in full.store.cases.items() if c.case.municipality == municipality}
        assert funding_refusal(loaded.store, case_file.case, today, today) == funding_refusal(full.store, case_file.case, today, today)
        paying, _ = funding(full.store.municipalities.get(municipality), today, case_file.case.variant)
        if paying is not None:
            uses = [
                contract_use(store.municipalities[municipality], funding(store.municipalities[municipality], today, "family")[0],
                             (f.case for f in store.cases.values()), today, excluding=case_file.case.id)
                for store in (loaded.store, full.store)
            ]
            assert uses[0] == uses[1], (case_id, sorted(loaded.store.cases))
            counted += uses[1].starts
    assert counted > 0 or today.year > 2024  # the funding cases were needed (the contract runs in 2024)
    opened = load_case(root, "EKC-2024-K7Q2M", also=lambda s: not s.is_closed)
    assert set(opened.store.cases) == {"EKC-2024-K7Q2M", "EKC-2024-AB12C"}
    assert opened.store.open_case_counts == full.store.open_case_counts


def test_a_registry_judged_afresh_enters_the_index_at_once(tmp_path, monkeypatch):
    """A command that skips the purge log may write the index first; the next `validate`
    judges the log, and must keep it, or every later run judges it again."""
    root = small_store(tmp_path / "data")
    (root / ".git").mkdir()
    (root / "purge-log.yaml").write_text("purges: []\n")
    real_ns = time.time_ns
    monkeypatch.setattr(loader.time, "time_ns", lambda: real_ns() + 60_000_000_000)
    monkeypatch.setattr(loader, "REWRITE_FRACTION", 1)  # as in a store of thousands: one file is no reason to rewrite
    morning_view(root, only_open=True)
    assert load(root, models=False).files_read == 1  # the purge log, never seen before
    assert load(root, models=False).files_read == 0


def test_a_case_only_load_sees_a_case_yaml_gone_linked_or_new(tmp_path, monkeypatch):
    """`budget check` (kinds without personal.yaml, strays or links) lstats a case.yaml
    instead of stat'ing its folder: a case.yaml removed, replaced by a symbolic link, or
    written into a folder whose kept listing had none is still seen as a fresh listing sees it."""
    from ekc.store.anonymous import ANONYMOUS_KINDS

    root = small_store(tmp_path / "data")
    real_ns = time.time_ns
    monkeypatch.setattr(loader.time, "time_ns", lambda: real_ns() + 60_000_000_000)  # nothing racy
    load(root, models=False)
    opened = (root / OPEN).read_bytes()
    time.sleep(0.01)
    (root / CLOSED).unlink()
    (root / OTHER).rename(root / "cases/2024/EKC-2024-Q3RTX/elsewhere.yaml")
    (root / OTHER).symlink_to("elsewhere.yaml")
    (root / OPEN).unlink()
    load(root, models=False)  # the kept listing of OPEN's folder now lacks case.yaml
    time.sleep(0.01)
    (root / OPEN).write_bytes(opened)

    def seen(use_cache: bool):
        got = load(root, models=False, kinds=ANONYMOUS_KINDS, use_cache=use_cache)
        return sorted(got.present_paths), codes(got.findings), sorted(got.store.cases)

    assert seen(True) == seen(False)
    assert seen(True)[2] == ["EKC-2024-AB12C"]


def test_budget_check_reads_only_the_index_parts_of_its_window_and_still_sees_any_change(tmp_path, monkeypatch):
    """`budget check --year 2025` unpickles the case table and the parts of cases whose last
    date is 2025 or later: no personal part, no folder listings, no older year. An older
    case changed in place (same size, same mtime) so that it reaches into the window is
    still seen: its stat (ctime) differs from the case table, so it is read afresh."""
    from ekc.store import cache as verdict_cache

    root = small_store(tmp_path / "data")
    real_ns = time.time_ns
    monkeypatch.setattr(loader.time, "time_ns", lambda: real_ns() + 60_000_000_000)  # nothing racy
    load(root)
    read = []
    reader = verdict_cache.read_part
    monkeypatch.setattr(verdict_cache, "read_part", lambda folder, name, token: read.append(name) or reader(folder, name, token))
    today = date(2025, 12, 1)
    first, last = date(2025, 1, 1), today
    before = loader.case_summaries_between(root, first, last)
    assert before is not None and before.summaries == [] and before.files_read == 0
    assert read == ["casetable"]  # every case of the store ends in 2024
    assert check_repository(root, today, 2025, None)[0] == check_budget({}, [], today, 2025)
    time.sleep(0.01)
    same_size_same_mtime_edit(root / CLOSED, b"- phase: closed\n  date: 2024-06-30", b"- phase: closed\n  date: 2025-06-30")
    read.clear()
    after = loader.case_summaries_between(root, first, last)
    assert after is not None and after.files_read == 1
    assert [summary.id for summary in after.summaries] == ["EKC-2024-K7Q2M"]
    assert set(read) <= {"casetable", "case-2025", "case-none"}
    assert (after.summaries, after.unreadable) == _cases_between(root, first, last)


def test_budget_check_takes_the_first_file_of_an_id_when_a_later_one_changes_to_it(tmp_path, monkeypatch):
    """A case.yaml judged afresh that now uses the id of an unchanged earlier file is not
    counted (it is listed as unreadable), as the full load decides."""
    root = small_store(tmp_path / "data")
    real_ns = time.time_ns
    monkeypatch.setattr(loader.time, "time_ns", lambda: real_ns() + 60_000_000_000)
    load(root)
    time.sleep(0.01)
    (root / OTHER).write_bytes((root / OTHER).read_bytes().replace(b"id: EKC-2024-Q3RTX", b"id: EKC-2024-K7Q2M"))
    first, last = date(2024, 1, 1), date(2024, 12, 31)
    chosen = loader.case_summaries_between(root, first, last)
    assert chosen is not None and chosen.files_read == 1
    assert chosen.unreadable == [OTHER]
    assert (chosen.summaries, chosen.unreadable) == _cases_between(root, first, last)
