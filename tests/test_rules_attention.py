"""Warnings that depend on today: purge due, stale open case, coordinator without agreement."""

from __future__ import annotations

from datetime import date

import pytest

from tests.rulecheck import (
    CLOSED_PATH, CLOSED_PERSONAL, OPEN_PATH, at, findings_of, the_one, valid_store, where,
)
from tests.support.store import closed_case, registered_case

COORDINATORS = "coordinators.yaml"


def closed_on(day: str) -> dict:
    case = closed_case()
    case["history"][-1]["date"] = day
    return case


# -- purge due ----------------------------------------------------------------------------------

def test_purge_is_not_due_the_day_before_the_clamped_month_end(tmp_path):
    root = valid_store(tmp_path, closed=closed_on("2024-11-30")).write()
    assert findings_of(root, date(2025, 2, 27)) == []


def test_purge_is_due_on_the_clamped_month_end(tmp_path):
    root = valid_store(tmp_path, closed=closed_on("2024-11-30")).write()
    found = the_one(findings_of(root, date(2025, 2, 28)))
    assert where(found) == ("purge-due", "warning", CLOSED_PERSONAL, 1, 1)
    assert "closed on 2024-11-30" in found.message
    assert "due for purging on 2025-02-28" in found.message


def test_purge_due_stays_due_after_the_day(tmp_path):
    root = valid_store(tmp_path, closed=closed_on("2024-11-30")).write()
    assert [f.code for f in findings_of(root, date(2025, 3, 1))] == ["purge-due"]


def test_purge_due_in_a_leap_year(tmp_path):
    case = closed_case(id="EKC-2023-K7Q2M", unfunded_start=True)
    for entry in case["history"]:
        entry["date"] = entry["date"].replace("2024", "2023")
    case["history"][-1]["date"] = "2023-11-30"
    case["meetings"][0]["date"] = "2023-03-28"
    builder = valid_store(tmp_path, closed=case)
    root = builder.write()
    assert findings_of(root, date(2024, 2, 28)) == []
    found = the_one(findings_of(root, date(2024, 2, 29)))
    assert where(found) == ("purge-due", "warning", "cases/2023/EKC-2023-K7Q2M/personal.yaml", 1, 1)


def test_no_purge_warning_once_personal_data_is_gone(tmp_path):
    builder = valid_store(tmp_path)
    builder.cases[0] = (builder.cases[0][0], None)
    root = builder.write()
    assert findings_of(root, date(2024, 12, 1)) == []


def test_retention_months_come_from_ekc_yaml(tmp_path):
    builder = valid_store(tmp_path, closed=closed_on("2024-11-30"))
    builder.settings = {"retention_months": 6}
    root = builder.write()
    assert findings_of(root, date(2025, 2, 28)) == []
    assert [f for f in findings_of(root, date(2025, 5, 29)) if f.code == "purge-due"] == []
    found = the_one([f for f in findings_of(root, date(2025, 5, 30)) if f.code == "purge-due"])
    assert where(found) == ("purge-due", "warning", CLOSED_PERSONAL, 1, 1)


def test_retention_of_zero_months_is_due_on_the_closing_day(tmp_path):
    builder = valid_store(tmp_path)
    builder.settings = {"retention_months": 0}
    root = builder.write()
    assert findings_of(root, date(2024, 6, 29)) == []
    assert [f.code for f in findings_of(root, date(2024, 6, 30))] == ["purge-due"]


def test_an_open_case_is_never_due_for_purging(tmp_path):
    builder = valid_store(tmp_path)
    builder.cases = [(registered_case(), {"main_persons": []})]
    root = builder.write()
    assert [f.code for f in findings_of(root, date(2030, 1, 1))] == ["stale"]


# -- stale open case --------------------------------------------------------------------------

def test_an_open_case_is_not_stale_the_day_before_six_months(tmp_path):
    root = valid_store(tmp_path).write()
    assert [f for f in findings_of(root, date(2025, 3, 1)) if f.code != "purge-due"] == []


def test_an_open_case_is_stale_six_months_after_its_last_phase_change(tmp_path):
    builder = valid_store(tmp_path)
    builder.cases[0] = (builder.cases[0][0], None)  # no purge warning to get in the way
    root = builder.write()
    found = the_one(findings_of(root, date(2025, 3, 2)))
    assert where(found) == ("stale", "warning", OPEN_PATH, *at(root, OPEN_PATH, "- phase: registered", "phase"))
    assert "no phase change since 2024-09-02 (registered)" in found.message


def test_staleness_counts_from_the_last_phase_change_not_registration(tmp_path):
    case = registered_case(
        coordinator="C-0042",
        history=[{"phase": "registered", "date": "2024-09-02"}, {"phase": "informative_talk", "date": "2024-12-02"}],
    )
    builder = valid_store(tmp_path, open_case=case)
    builder.cases[0] = (builder.cases[0][0], None)
    root = builder.write()
    assert findings_of(root, date(2025, 6, 1)) == []
    found = the_one(findings_of(root, date(2025, 6, 2)))
    assert where(found) == ("stale", "warning", OPEN_PATH, *at(root, OPEN_PATH, "- phase: informative_talk", "phase"))


def test_a_closed_case_is_never_stale(tmp_path):
    builder = valid_store(tmp_path)
    builder.cases = [(closed_case(), None)]
    root = builder.write()
    assert findings_of(root, date(2030, 1, 1)) == []


@pytest.mark.parametrize("today", [date(2024, 9, 15), date(2030, 1, 1)])
def test_dates_near_the_end_of_the_calendar_do_not_crash(tmp_path, today):
    """add_months past year 9999 cannot be computed: such dates are refused (no date after
    9000-12-31, ekc/model/base.py), as findings at the dates, never a crash."""
    case = registered_case(id="EKC-9999-AB12C", date="9999-09-02")
    closed = closed_case(id="EKC-9999-K7Q2M")
    closed["history"] = [{"phase": "registered", "date": "9999-11-01"}, {"phase": "closed", "date": "9999-11-30"}]
    closed.update(outcome="declined", meetings=[])
    del closed["coordinator"]
    builder = valid_store(tmp_path, closed=closed, open_case=case)
    root = builder.write()
    found = findings_of(root, today)
    assert found and all("after 9000-12-31" in f.message and f.line > 1 for f in found)


# -- coordinator agreement ----------------------------------------------------------------------

def test_a_coordinator_with_open_cases_needs_an_agreement_for_this_year(tmp_path):
    builder = valid_store(tmp_path, open_case=registered_case(coordinator="C-0042"))
    builder.cases[0] = (builder.cases[0][0], None)
    builder.coordinators["coordinators"][0]["agreements"] = [2023, 2024]
    root = builder.write()
    assert findings_of(root, date(2024, 12, 31)) == []
    found = the_one(findings_of(root, date(2025, 1, 1)))
    assert where(found) == ("agreement", "warning", COORDINATORS, *at(root, COORDINATORS, "- 2023", "-"))
    assert "C-0042 has 1 open case(s) but no agreement for 2025" in found.message


def test_a_coordinator_without_agreements_at_all(tmp_path):
    builder = valid_store(tmp_path, open_case=registered_case(coordinator="C-0042"))
    builder.coordinators["coordinators"][0]["agreements"] = []
    root = builder.write()
    found = the_one(findings_of(root))
    assert (found.code, found.severity, found.path) == ("agreement", "warning", COORDINATORS)
    assert found.line == at(root, COORDINATORS, "agreements: []", "[]")[0]


def test_a_coordinator_with_only_closed_cases_needs_no_agreement(tmp_path):
    builder = valid_store(tmp_path)
    builder.coordinators["coordinators"][0]["agreements"] = []
    root = builder.write()
    assert "coordinator" not in (root / OPEN_PATH).read_text()
    assert "coordinator: C-0042" in (root / CLOSED_PATH).read_text()
    assert findings_of(root) == []
