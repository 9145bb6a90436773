"""Every research figure against a store whose right answers were worked out by hand."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ekc.report import figures as research
from ekc.model.case import Case
from ekc.report.figures import FIGURES, Breakdown, Count, Mean, Minimum, Share
from ekc.store.loader import load
from tests import report_store


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    root = report_store.build(tmp_path_factory.mktemp("report") / "data")
    loaded = load(root, use_cache=False)
    assert not [f for f in loaded.findings if f.is_error], loaded.findings
    store = loaded.store
    return research.compute([cf.case for cf in store.cases.values()], store.municipalities, 2024)


def as_expected(result) -> dict:
    """A result in the shape EXPECTED writes it in."""
    if isinstance(result, Share):
        return {"kind": "share", "numerator": result.numerator, "denominator": result.denominator, "incomplete": result.incomplete}
    if isinstance(result, Count):
        return {"kind": "count", "value": result.value, "incomplete": result.incomplete}
    if isinstance(result, Mean):
        return {"kind": "mean", "total": result.total, "n": result.n, "incomplete": result.incomplete}
    if isinstance(result, Minimum):
        return {"kind": "minimum", "value": result.value, "n": result.n, "incomplete": result.incomplete}
    assert isinstance(result, Breakdown)
    return {"kind": "breakdown", "denominator": result.denominator, "incomplete": result.incomplete, "counts": dict(result.counts)}


def test_every_figure_has_a_hand_worked_answer():
    assert [f.key for f in FIGURES] == list(report_store.EXPECTED)


@pytest.mark.parametrize("key", list(report_store.EXPECTED))
def test_figure(report, key):
    assert as_expected(report[key]) == report_store.EXPECTED[key]


def test_breakdown_categories_keep_vocabulary_order(report):
    assert [code for code, _ in report["outcome"].counts] == ["own_plan", "declined", "stopped", "plan", "no_plan"]


def test_values_are_exact_fractions(report):
    assert report["plan_per_meeting"].value == Fraction(5, 6)
    assert report["attendees_per_meeting"].mean == Fraction(36, 5)
    assert report["referrer"].share("network").value == Fraction(2, 9)


def test_definitions_say_what_is_counted():
    keys = [f.key for f in FIGURES]
    assert len(keys) == len(set(keys))
    for figure in FIGURES:
        assert figure.key.isidentifier() and figure.key == figure.key.lower()
        assert figure.section in {key for key, _, _ in research.SECTIONS}
        assert figure.title and figure.dutch and len(figure.definition) > 30
        assert figure.unit in {"cases", "meetings", "plans", "attendees", "forms", "grades"}


def test_an_empty_year_has_no_values_but_no_errors():
    empty = research.compute([], {}, 2030)
    assert empty["closed_cases"] == Count(0)
    assert empty["minor_main_persons"].value is None
    assert empty["grade_adults_meeting"].mean is None
    assert empty["shortest_preparation_days"] == Minimum(None, 0)
    assert empty["province"].denominator == 0


def _case(registered: date, meeting: date) -> Case:
    return Case.model_validate(
        {
            "id": "EKC-2024-AAAA1", "variant": "family", "municipality": "GM0439", "referrer": "self",
            "minors_involved": False, "conditions": False, "professional_help": "none", "reasons": ["other"],
            "coordinator": "C-0042",
            "history": [
                {"phase": "registered", "date": registered},
                {"phase": "informative_talk", "date": registered},
                {"phase": "connect_activate", "date": registered},
                {"phase": "meeting_aftercare", "date": meeting},
                {"phase": "closed", "date": meeting},
            ],
            "outcome": "plan",
            "meetings": [{"date": meeting}],
        },
        strict=False,
    )


@pytest.mark.parametrize(
    "registered, meeting, bucket",
    [
        (date(2024, 1, 31), date(2024, 3, 30), "under_2_months"),  # the bound clamps to 03-31
        (date(2024, 1, 31), date(2024, 3, 31), "2_to_3_months"),
        (date(2024, 3, 1), date(2024, 4, 30), "under_2_months"),
        (date(2024, 3, 1), date(2024, 5, 1), "2_to_3_months"),
        (date(2024, 3, 1), date(2024, 5, 31), "2_to_3_months"),
        (date(2024, 3, 1), date(2024, 6, 1), "3_months_or_more"),
        (date(2024, 5, 5), date(2024, 5, 5), "under_2_months"),
    ],
)
def test_preparation_bucket_bounds(registered, meeting, bucket):
    assert research.preparation_bucket(_case(registered, meeting)) == bucket


@settings(max_examples=200, deadline=None)
@given(
    registered=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    days=st.integers(min_value=0, max_value=200),
)
def test_preparation_bucket_agrees_with_the_month_bounds(registered, days):
    """Buckets are monotone in the meeting date and split exactly at +2 and +3 calendar months."""
    from datetime import timedelta

    from ekc.core.dates import add_months

    meeting = registered + timedelta(days=days)
    bucket = research.preparation_bucket(_case(registered, meeting))
    expected = (
        "under_2_months" if meeting < add_months(registered, 2)
        else "2_to_3_months" if meeting < add_months(registered, 3)
        else "3_months_or_more"
    )
    assert bucket == expected
    assert research.preparation_days(_case(registered, meeting)) == days


cases_strategy = st.lists(
    st.tuples(st.sampled_from(["professional", "self", "network"]), st.booleans(), st.sampled_from(["GM0439", "GM0599", "GM9999"])),
    max_size=30,
)


@settings(max_examples=100, deadline=None)
@given(rows=cases_strategy)
def test_exclusive_breakdowns_add_up(rows):
    """Whatever the cases, an exclusive breakdown's cells add up to its denominator, and the
    denominator plus the incomplete is every unit."""
    from tests.support.store import municipalities_doc
    from ekc.model.municipalities import MunicipalitiesFile

    municipalities = {m.code: m for m in MunicipalitiesFile.model_validate(municipalities_doc(), strict=False).municipalities}
    cases = []
    for i, (referrer, minors, code) in enumerate(rows):
        doc = {
            "id": f"EKC-2024-{i:05d}", "variant": "family", "municipality": code, "referrer": referrer,
            "minors_involved": minors, "conditions": False, "professional_help": "unknown", "reasons": ["other"],
            "history": [{"phase": "registered", "date": date(2024, 1, 1)}, {"phase": "closed", "date": date(2024, 2, 1)}],
            "outcome": "declined",
        }
        if referrer == "professional":
            doc["referrer_org"] = "other"
        cases.append(Case.model_validate(doc, strict=False))
    report = research.compute(cases, municipalities, 2024)
    for figure, result in report.figures:
        if isinstance(result, Breakdown) and result.exclusive:
            assert sum(n for _, n in result.counts) == result.denominator, figure.key
    assert report["province"].denominator + report["province"].incomplete == len(rows)
    assert report["province"].incomplete == sum(1 for *_, code in rows if code == "GM9999")
    assert report["minor_main_persons"].numerator == sum(1 for _, minors, _ in rows if minors)
