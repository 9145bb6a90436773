"""ekc/budget/check.py: starts and euros against each contract, the projection, the statuses.

Every expected figure below is worked out by hand in the comment beside it.
"""

from __future__ import annotations

from datetime import date

import pytest

from ekc.budget.check import check_budget, elapsed_days, period_days, project, status_of
from ekc.budget.funding import NO_CONTRACT, UNKNOWN_MUNICIPALITY, VARIANT_NOT_COVERED, funding
from ekc.budget.invoice import invoice, parse_period
from ekc.model.case import Case
from ekc.model.municipalities import Contract, Municipality

D = date.fromisoformat
TARIFFS = {"informative_talk": 450.0, "connect_activate": 1800.0, "meeting_aftercare": 2250.0, "follow_up": 1500.0}
_ids = iter(range(1, 10**6))


def contract(id="PUR-2024", start="2024-01-01", end="2024-12-31", conferences=10, budget_eur=None, tariffs=None, variants=None) -> Contract:
    doc = {"id": id, "start": D(start), "end": D(end), "conferences": conferences}
    if budget_eur is not None:
        doc["budget_eur"] = float(budget_eur)
    if tariffs is not None:
        doc["tariffs_eur"] = {k: float(v) for k, v in tariffs.items()}
    if variants is not None:
        doc["variants"] = variants
    return Contract.model_validate(doc)


def municipality(*contracts: Contract, code="GM0439", name="Purmerend", region="noord-holland-noord") -> Municipality:
    return Municipality.model_validate({"code": code, "name": name, "province": "Noord-Holland", "region": region, "contracts": list(contracts)})


def case(*phases: tuple[str, str], municipality="GM0439", variant="family", unfunded_start=False, id=None) -> Case:
    """`case(("informative_talk", "2024-02-05"), ...)`: registered the day of the first phase."""
    first = phases[0][1] if phases else "2024-01-01"
    history = [{"phase": "registered", "date": D(first)}] + [{"phase": p, "date": D(d)} for p, d in phases]
    return Case.model_validate({
        "id": id or f"EKC-{first[:4]}-{next(_ids):05d}",
        "variant": variant,
        "municipality": municipality,
        "referrer": "self",
        "minors_involved": False,
        "conditions": False,
        "professional_help": "unknown",
        "reasons": ["parenting"],
        "coordinator": "C-0042",
        "unfunded_start": unfunded_start,
        "history": history,
    })


def started(day: str, **kw) -> Case:
    return case(("informative_talk", day), **kw)


def check(munis, cases, today, **kw):
    return check_budget({m.code: m for m in munis}, cases, D(today), **kw)


def only(result):
    assert len(result.contracts) == 1
    return result.contracts[0]


# A 100-day contract makes the projection arithmetic readable: 2025-01-01..2025-04-10
# is 31 + 28 + 31 + 10 = 100 days, so on 2025-01-25 exactly 25 days (a quarter) are gone.
HUNDRED = dict(id="H-2025", start="2025-01-01", end="2025-04-10")


def day_of_hundred(n: int) -> str:
    """The n-th day (1-based) of the 100-day contract."""
    return date.fromordinal(D("2025-01-01").toordinal() + n - 1).isoformat()


# ---------------------------------------------------------------------------------------
# Time and projection


def test_the_hundred_day_contract_has_a_hundred_days():
    assert period_days(contract(**HUNDRED)) == 100
    assert day_of_hundred(25) == "2025-01-25"


@pytest.mark.parametrize(
    ("today", "elapsed"),
    [
        ("2024-12-31", 0),  # the day before the period: nothing gone
        ("2025-01-01", 1),  # the first day counts as gone once it is today
        ("2025-01-25", 25),
        ("2025-04-10", 100),  # the last day
        ("2025-06-01", 100),  # after the end: the whole period
    ],
)
def test_elapsed_days_are_clamped_to_the_period(today, elapsed):
    assert elapsed_days(contract(**HUNDRED), D(today)) == elapsed


def test_projection_is_the_pace_so_far_times_the_period():
    assert project(5, 25, 100) == 20.0  # 5 in 25 days: 0.2 a day, x 100 days
    assert project(9, 50, 100) == 18.0
    assert project(4, 184, 365) == pytest.approx(7.9348, abs=1e-4)  # 4 x 365 / 184


def test_projection_before_the_period_and_after_it_is_what_was_used():
    assert project(3, 0, 100) == 3.0  # no pace yet
    assert project(7, 100, 100) == 7.0  # nothing more can come


def test_leap_year_period_has_366_days():
    assert period_days(contract(start="2024-01-01", end="2024-12-31")) == 366
    assert period_days(contract(start="2024-07-01", end="2025-06-30")) == 365


# ---------------------------------------------------------------------------------------
# Statuses, each on a small store with its answer by hand


def test_over_budget_when_more_starts_than_conferences():
    muni = municipality(contract(conferences=2))
    result = check([muni], [started("2024-02-01"), started("2024-03-01"), started("2024-04-01")], "2024-05-01")
    use = only(result)
    assert (use.starts, use.status) == (3, "over_budget")
    assert result.over_budget


def test_over_budget_on_euros_alone():
    # 1 start of 10 budgeted, but the talk costs 450 and the budget is 400.
    muni = municipality(contract(conferences=10, budget_eur=400, tariffs={"informative_talk": 450}))
    use = only(check([muni], [started("2024-02-01")], "2024-12-31"))
    assert (use.starts, use.spent_eur, use.status) == (1, 450.0, "over_budget")


def test_exactly_the_budget_is_not_over_but_near_limit():
    # 10 talks at 100 = 1000 = budget_eur; 10 starts = conferences: used, not over.
    muni = municipality(contract(conferences=10, budget_eur=1000, tariffs={"informative_talk": 100}))
    cases = [started(f"2024-0{m}-01") for m in range(1, 10)] + [started("2024-10-01")]
    use = only(check([muni], cases, "2024-12-31"))
    assert (use.starts, use.spent_eur, use.status) == (10, 1000.0, "near_limit")


def test_one_euro_cent_over_is_over():
    muni = municipality(contract(conferences=10, budget_eur=899.99, tariffs={"informative_talk": 450}))
    assert only(check([muni], [started("2024-02-01"), started("2024-03-01")], "2024-12-31")).status == "over_budget"


def test_near_limit_when_used_reaches_ninety_percent():
    # Period over (projection = used): 9 of 10 is 90% -> near_limit; 8 of 10 is ok.
    muni = municipality(contract(conferences=10))
    nine = [started(f"2024-0{m}-02") for m in range(1, 10)]
    assert only(check([muni], nine, "2025-01-15", year=2024)).status == "near_limit"
    assert only(check([muni], nine[:8], "2025-01-15", year=2024)).status == "ok"


def test_near_limit_when_the_projection_reaches_ninety_percent():
    # 100-day contract, 20 conferences. Day 50 with 9 starts: 9 x 100/50 = 18.0 = 90%.
    muni = municipality(contract(conferences=20, **HUNDRED))
    nine = [started(day_of_hundred(n)) for n in range(1, 10)]
    use = only(check([muni], nine, day_of_hundred(50)))
    assert (use.starts, use.projected_starts, use.status) == (9, 18.0, "near_limit")
    # A day later the pace is 9 x 100/51 = 17.6, under 18: ok (above 15, not under-used).
    later = only(check([muni], nine, day_of_hundred(51)))
    assert later.projected_starts == pytest.approx(17.647, abs=1e-3)
    assert later.status == "ok"


def test_near_limit_on_projected_euros():
    # Starts are fine (2 of 20, projected 8) but euros run out: 2 x 450 = 900 by day 25,
    # projected 900 x 100/25 = 3600 >= 0.9 x 4000.
    muni = municipality(contract(conferences=20, budget_eur=4000, tariffs={"informative_talk": 450}, **HUNDRED))
    use = only(check([muni], [started(day_of_hundred(1)), started(day_of_hundred(2))], day_of_hundred(25)))
    assert (use.projected_starts, use.projected_eur, use.status) == (8.0, 3600.0, "near_limit")


def test_under_use_when_projected_under_seventy_five_percent_after_a_quarter():
    # Day 25 of 100 (a quarter gone), 20 conferences. 3 starts -> 12 projected < 15: under_use.
    muni = municipality(contract(conferences=20, **HUNDRED))
    three = [started(day_of_hundred(n)) for n in (1, 5, 9)]
    use = only(check([muni], three, day_of_hundred(25)))
    assert (use.projected_starts, use.status) == (12.0, "under_use")
    # 4 starts -> 16 projected: ok.
    assert only(check([muni], three + [started(day_of_hundred(20))], day_of_hundred(25))).status == "ok"


def test_exactly_seventy_five_percent_is_not_under_use():
    # Day 40, 6 starts: 6 x 100/40 = 15.0 = 75% of 20: not under. 5 starts: 12.5: under.
    muni = municipality(contract(conferences=20, **HUNDRED))
    six = [started(day_of_hundred(n)) for n in range(1, 7)]
    assert only(check([muni], six, day_of_hundred(40))).status == "ok"
    assert only(check([muni], six[:5], day_of_hundred(40))).status == "under_use"


def test_no_under_use_before_a_quarter_of_the_period_is_gone():
    muni = municipality(contract(conferences=20, **HUNDRED))
    assert only(check([muni], [], day_of_hundred(24))).status == "ok"  # 24 of 100 days
    assert only(check([muni], [], day_of_hundred(25))).status == "under_use"  # 25 of 100 days


def test_under_use_needs_every_measure_under():
    # Starts on track (16 projected of 20) while euros lag: not under_use.
    muni = municipality(contract(conferences=20, budget_eur=100000, tariffs={"informative_talk": 10}, **HUNDRED))
    four = [started(day_of_hundred(n)) for n in (1, 2, 3, 4)]
    assert only(check([muni], four, day_of_hundred(25))).status == "ok"


def test_ended_contract_that_stayed_low_is_under_use():
    # Period over: 5 of 10 used and no more can come.
    muni = municipality(contract(conferences=10))
    use = only(check([muni], [started(f"2024-0{m}-03") for m in range(1, 6)], "2025-02-01", year=2024))
    assert (use.projected_starts, use.status) == (5.0, "under_use")


def test_contract_of_zero_conferences():
    muni = municipality(contract(conferences=0))
    assert only(check([muni], [], "2024-06-01")).status == "near_limit"  # any start would overrun
    assert only(check([muni], [started("2024-02-01")], "2024-06-01")).status == "over_budget"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        # starts, conferences, projected, spent, budget_eur, projected_eur, elapsed, total
        ((11, 10, 11.0, None, None, None, 100, 100), "over_budget"),
        ((5, 10, 9.0, None, None, None, 50, 100), "near_limit"),
        ((5, 10, 8.99, None, None, None, 50, 100), "ok"),
        ((2, 10, 7.49, None, None, None, 25, 100), "under_use"),
        ((2, 10, 7.5, None, None, None, 25, 100), "ok"),
        ((2, 10, 7.0, 10.0, 5.0, 20.0, 25, 100), "over_budget"),  # euros over
        ((2, 10, 7.0, 10.0, 100.0, 40.0, 25, 100), "under_use"),  # both under
        ((2, 10, 7.0, None, 100.0, None, 25, 100), "under_use"),  # budget without tariffs: starts only
    ],
)
def test_status_table(args, expected):
    assert status_of(*args) == expected


# ---------------------------------------------------------------------------------------
# Counting rules and edge cases


def test_contract_without_budget_eur_tracks_euros_but_checks_starts_only():
    muni = municipality(contract(conferences=10, tariffs=TARIFFS))
    cases = [case(("informative_talk", "2024-02-01"), ("connect_activate", "2024-02-10"))]
    use = only(check([muni], cases, "2024-12-31"))
    assert (use.spent_eur, use.budget_eur) == (2250.0, None)  # 450 + 1800
    assert use.status == "under_use"  # 1 of 10 over the whole year


def test_contract_without_tariffs_does_not_track_euros():
    muni = municipality(contract(conferences=1, budget_eur=10))
    use = only(check([muni], [case(("informative_talk", "2024-02-01"), ("connect_activate", "2024-02-10"))], "2024-12-31"))
    assert (use.starts, use.spent_eur, use.projected_eur) == (1, None, None)
    assert use.status == "near_limit"  # 1 of 1 start; the 10 euros are not comparable to anything


def test_a_phase_the_tariffs_leave_out_costs_nothing():
    muni = municipality(contract(tariffs={"informative_talk": 450}))
    use = only(check([muni], [case(("informative_talk", "2024-02-01"), ("connect_activate", "2024-02-10"))], "2024-12-31"))
    assert use.spent_eur == 450.0


def test_every_follow_up_counts_again():
    muni = municipality(contract(tariffs=TARIFFS))
    c = case(("informative_talk", "2024-02-01"), ("connect_activate", "2024-02-10"), ("meeting_aftercare", "2024-03-01"),
             ("follow_up", "2024-05-01"), ("follow_up", "2024-08-01"), ("closed", "2024-09-01"))
    use = only(check([muni], [c], "2024-12-31"))
    assert use.spent_eur == 450 + 1800 + 2250 + 1500 + 1500  # 7500
    assert use.starts == 1


# Non-calendar periods: July to June.
A = dict(id="ZAA-2324", start="2023-07-01", end="2024-06-30")
B = dict(id="ZAA-2425", start="2024-07-01", end="2025-06-30")


def two_periods(**b_overrides):
    return municipality(
        contract(conferences=10, tariffs={"informative_talk": 400, "connect_activate": 1000, "meeting_aftercare": 2000}, **A),
        contract(**{"conferences": 10, "tariffs": {"informative_talk": 500, "connect_activate": 1200, "meeting_aftercare": 2500}, **B, **b_overrides}),
        code="GM0479", name="Zaanstad",
    )


def test_year_selects_contracts_whose_period_overlaps_it():
    muni = two_periods()
    assert [u.contract.id for u in check([muni], [], "2024-09-01", year=2024).contracts] == ["ZAA-2324", "ZAA-2425"]
    assert [u.contract.id for u in check([muni], [], "2024-09-01", year=2023).contracts] == ["ZAA-2324"]
    assert [u.contract.id for u in check([muni], [], "2024-09-01", year=2025).contracts] == ["ZAA-2425"]
    assert check([muni], [], "2024-09-01", year=2026).contracts == []
    # default: the year of today
    assert [u.contract.id for u in check([muni], [], "2025-03-01").contracts] == ["ZAA-2425"]


def test_a_start_counts_in_the_period_holding_its_date_boundaries_included():
    muni = two_periods()
    cases = [started("2023-07-01", municipality="GM0479"), started("2024-06-30", municipality="GM0479"),
             started("2024-07-01", municipality="GM0479"), started("2025-06-30", municipality="GM0479")]
    result = check([muni], cases, "2025-07-01", year=2024)
    assert {u.contract.id: u.starts for u in result.contracts} == {"ZAA-2324": 2, "ZAA-2425": 2}


def test_a_case_that_starts_in_one_period_and_meets_in_the_next():
    # Start and activation in ZAA-2324 at its prices; the meeting in ZAA-2425 at its price.
    muni = two_periods()
    c = case(("informative_talk", "2024-06-10"), ("connect_activate", "2024-06-20"), ("meeting_aftercare", "2024-07-15"),
             municipality="GM0479")
    result = check([muni], [c], "2024-08-01", year=2024)
    uses = {u.contract.id: u for u in result.contracts}
    assert (uses["ZAA-2324"].starts, uses["ZAA-2324"].spent_eur) == (1, 1400.0)  # 400 + 1000
    assert (uses["ZAA-2425"].starts, uses["ZAA-2425"].spent_eur) == (0, 2500.0)
    assert result.unfunded_starts == [] and result.unfunded_services == []


def test_projection_in_a_non_calendar_period():
    # 2024-07-01..2025-06-30 is 365 days; on 2024-12-31, 184 are gone; 4 starts -> 7.93.
    muni = two_periods()
    cases = [started(d, municipality="GM0479") for d in ("2024-07-02", "2024-08-02", "2024-09-02", "2024-10-02")]
    use = next(u for u in check([muni], cases, "2024-12-31").contracts if u.contract.id == "ZAA-2425")
    assert (use.elapsed_days, use.period_days) == (184, 365)
    assert use.projected_starts == pytest.approx(4 * 365 / 184)
    assert use.status == "ok"  # 7.93 of 10 is 79%: neither under 75% nor at 90%


def test_a_municipality_without_contract_has_its_starts_listed_apart():
    with_contract = municipality(contract())
    without = municipality(code="GM0599", name="Rotterdam", region="rijnmond")
    c = case(("informative_talk", "2024-03-01"), ("connect_activate", "2024-03-20"), municipality="GM0599")
    result = check([with_contract, without], [c], "2024-06-01")
    assert [u.contract.id for u in result.contracts] == ["PUR-2024"]
    assert [(g.case, g.reason, g.contract) for g in result.unfunded_starts] == [(c.id, NO_CONTRACT, None)]
    assert [(g.phase, g.reason) for g in result.unfunded_services] == [("connect_activate", NO_CONTRACT)]


def test_a_variant_the_contract_does_not_cover_is_an_uncovered_start():
    muni = municipality(contract(tariffs=TARIFFS, variants=["family", "individual"]))
    restorative = case(("informative_talk", "2024-03-01"), ("connect_activate", "2024-03-20"), variant="restorative")
    family = started("2024-03-02")
    result = check([muni], [restorative, family], "2024-06-01")
    use = only(result)
    assert (use.starts, use.spent_eur) == (1, 450.0)  # only the family case; nothing of the restorative one
    assert [(g.case, g.reason, g.contract) for g in result.unfunded_starts] == [(restorative.id, VARIANT_NOT_COVERED, "PUR-2024")]
    assert [g.phase for g in result.unfunded_services] == ["connect_activate"]


def test_a_gap_between_contracts_is_no_contract():
    muni = municipality(contract(id="P1", start="2024-01-01", end="2024-03-31"), contract(id="P2", start="2024-05-01", end="2024-12-31"))
    result = check([muni], [started("2024-04-15")], "2024-06-01")
    assert [g.reason for g in result.unfunded_starts] == [NO_CONTRACT]
    assert {u.contract.id: u.starts for u in result.contracts} == {"P1": 0, "P2": 0}


def test_a_municipality_missing_from_the_file():
    result = check([municipality(contract())], [started("2024-03-01", municipality="GM9999")], "2024-06-01")
    assert [(g.municipality, g.reason) for g in result.unfunded_starts] == [("GM9999", UNKNOWN_MUNICIPALITY)]


def test_a_start_let_through_knowingly_is_listed_and_marked():
    result = check([municipality(code="GM0599", name="Rotterdam")], [started("2024-03-01", municipality="GM0599", unfunded_start=True)], "2024-06-01")
    assert [g.acknowledged for g in result.unfunded_starts] == [True]


def test_unfunded_starts_are_those_of_the_year_asked():
    muni = municipality(code="GM0599", name="Rotterdam")
    cases = [started("2023-12-31", municipality="GM0599"), started("2024-01-01", municipality="GM0599")]
    assert [g.date for g in check([muni], cases, "2024-06-01", year=2024).unfunded_starts] == [D("2024-01-01")]
    assert [g.date for g in check([muni], cases, "2024-06-01", year=2023).unfunded_starts] == [D("2023-12-31")]


def test_entries_after_today_are_not_counted_yet():
    muni = municipality(contract(tariffs=TARIFFS))
    c = case(("informative_talk", "2024-03-01"), ("connect_activate", "2024-07-01"))
    use = only(check([muni], [c], "2024-06-30"))
    assert (use.starts, use.spent_eur) == (1, 450.0)
    assert only(check([muni], [c], "2024-07-01")).spent_eur == 2250.0
    assert only(check([muni], [c], "2024-02-29")).starts == 0


def test_municipality_filter_keeps_one_municipality():
    a = municipality(contract(id="PUR-2024"))
    b = municipality(contract(id="ZAA-2024"), code="GM0479", name="Zaanstad")
    gap = municipality(code="GM0599", name="Rotterdam")
    cases = [started("2024-03-01"), started("2024-03-01", municipality="GM0479"), started("2024-03-01", municipality="GM0599")]
    result = check([a, b, gap], cases, "2024-06-01", municipality="GM0479")
    assert [(u.contract.id, u.starts) for u in result.contracts] == [("ZAA-2024", 1)]
    assert result.unfunded_starts == []


def test_contracts_are_ordered_by_region_then_municipality():
    z = municipality(contract(id="Z"), code="GM0479", name="Zaanstad", region="a-region")
    p = municipality(contract(id="P"), code="GM0439", name="Purmerend", region="b-region")
    a = municipality(contract(id="A"), code="GM0361", name="Alkmaar", region="b-region")
    assert [u.contract.id for u in check([p, z, a], [], "2024-06-01").contracts] == ["Z", "A", "P"]


def test_funding_prefers_the_contract_that_covers_the_variant():
    muni = municipality(contract(id="X", variants=["group"]))
    assert funding(muni, D("2024-05-01"), "group")[0].id == "X"
    assert funding(muni, D("2024-05-01"), "family") == (None, VARIANT_NOT_COVERED)
    assert funding(muni, D("2025-05-01"), "group") == (None, NO_CONTRACT)
    assert funding(None, D("2024-05-01"), "group") == (None, UNKNOWN_MUNICIPALITY)


# ---------------------------------------------------------------------------------------
# Invoices


def test_invoice_lines_of_a_month_with_tariffs_and_totals():
    muni = municipality(contract(tariffs=TARIFFS))
    c1 = case(("informative_talk", "2024-02-05"), ("connect_activate", "2024-02-20"), ("meeting_aftercare", "2024-03-28"))
    c2 = case(("informative_talk", "2024-01-30"), ("connect_activate", "2024-02-29"))
    other = started("2024-02-10", municipality="GM0479")
    result = invoice(muni, [c1, c2, other], 2024, 2)
    assert [(l.case, l.phase, l.date.isoformat(), l.tariff_eur, l.contract) for l in result.lines] == [
        (c1.id, "informative_talk", "2024-02-05", 450.0, "PUR-2024"),
        (c1.id, "connect_activate", "2024-02-20", 1800.0, "PUR-2024"),
        (c2.id, "connect_activate", "2024-02-29", 1800.0, "PUR-2024"),
    ]
    assert result.total_eur == 4050.0
    assert result.totals_by_contract() == {"PUR-2024": 4050.0}
    assert result.period == "2024-02"


def test_invoice_month_split_between_two_contracts():
    # A contract ending mid-month: each line is priced and totalled by its own contract.
    muni = municipality(
        contract(id="OLD", start="2023-06-16", end="2024-06-15", tariffs={"informative_talk": 400}),
        contract(id="NEW", start="2024-06-16", end="2025-06-15", tariffs={"informative_talk": 500}),
    )
    result = invoice(muni, [started("2024-06-15"), started("2024-06-16"), started("2024-06-30")], 2024, 6)
    assert [(l.contract, l.tariff_eur) for l in result.lines] == [("OLD", 400.0), ("NEW", 500.0), ("NEW", 500.0)]
    assert result.totals_by_contract() == {"OLD": 400.0, "NEW": 1000.0}
    assert result.total_eur == 1400.0


def test_invoice_every_follow_up_is_a_line():
    muni = municipality(contract(tariffs=TARIFFS))
    c = case(("informative_talk", "2024-01-05"), ("connect_activate", "2024-01-10"), ("meeting_aftercare", "2024-02-01"),
             ("follow_up", "2024-05-02"), ("follow_up", "2024-05-30"))
    assert [(l.phase, l.tariff_eur) for l in invoice(muni, [c], 2024, 5).lines] == [("follow_up", 1500.0), ("follow_up", 1500.0)]


def test_invoice_without_tariffs_has_lines_without_price():
    muni = municipality(contract())
    result = invoice(muni, [started("2024-02-05")], 2024, 2)
    assert [(l.phase, l.tariff_eur) for l in result.lines] == [("informative_talk", None)]
    assert result.total_eur == 0


def test_invoice_leaves_out_what_no_contract_covers():
    muni = municipality(contract(variants=["family"], tariffs=TARIFFS))
    c = started("2024-02-05", variant="group")
    result = invoice(muni, [c], 2024, 2)
    assert result.lines == []
    assert [(g.case, g.reason, g.contract) for g in result.not_invoiced] == [(c.id, VARIANT_NOT_COVERED, "PUR-2024")]


def test_invoice_of_a_municipality_without_contract():
    muni = municipality(code="GM0599", name="Rotterdam")
    result = invoice(muni, [started("2024-02-05", municipality="GM0599")], 2024, 2)
    assert result.lines == [] and [g.reason for g in result.not_invoiced] == [NO_CONTRACT]


@pytest.mark.parametrize("text", ["2024-1", "2024-13", "2024-00", "24-01", "2024/01", "2024-01-01", "abcd-ef", "", "0000-01"])
def test_parse_period_refuses_anything_but_yyyy_mm(text):
    with pytest.raises(ValueError, match="YYYY-MM"):
        parse_period(text)


def test_parse_period():
    assert parse_period("2024-02") == (2024, 2)
    assert parse_period("2025-12") == (2025, 12)


# ---------------------------------------------------------------------------------------
# Properties over random contracts and cases

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from ekc.model.vocabulary import VARIANTS  # noqa: E402

FIRST, LAST = D("2023-01-01"), D("2026-12-31")
SPAN = (LAST - FIRST).days


@st.composite
def contract_lists(draw):
    """Non-overlapping periods cut from 2023-2026, with gaps, odd variants and tariffs."""
    cuts = sorted(draw(st.sets(st.integers(0, SPAN), min_size=2, max_size=8)))
    contracts = []
    for n, (a, b) in enumerate(zip(cuts, cuts[1:])):
        if draw(st.booleans()) and n:  # sometimes a gap instead of a contract
            continue
        start = date.fromordinal(FIRST.toordinal() + a)
        end = date.fromordinal(FIRST.toordinal() + b - 1)
        variants = draw(st.lists(st.sampled_from(VARIANTS), min_size=1, max_size=4, unique=True))
        tariffs = draw(st.none() | st.fixed_dictionaries({}, optional={p: st.integers(0, 3000) for p in TARIFFS}))
        contracts.append(contract(id=f"K{n}", start=start.isoformat(), end=end.isoformat(),
                                  conferences=draw(st.integers(0, 20)), tariffs=tariffs, variants=variants))
    return contracts


@st.composite
def case_lists(draw):
    cases = []
    for n in range(draw(st.integers(0, 25))):
        day = FIRST.toordinal() + draw(st.integers(0, SPAN))
        phases = []
        for phase in ("informative_talk", "connect_activate", "meeting_aftercare", "follow_up", "follow_up"):
            if draw(st.integers(0, 4)) == 0:
                break
            day += draw(st.integers(0, 200))
            phases.append((phase, date.fromordinal(day).isoformat()))
        cases.append(case(*phases, variant=draw(st.sampled_from(VARIANTS)), id=f"EKC-2024-{n:05d}") if phases else None)
    return [c for c in cases if c is not None]


def brute_contract(muni, day, variant):
    holding = [c for c in muni.contracts if c.start <= day <= c.end and variant in c.variants]
    return holding[0] if holding else None


@settings(max_examples=150, deadline=None)
@given(contracts=contract_lists(), cases=case_lists(), year=st.integers(2023, 2026), today_offset=st.integers(0, SPAN + 400))
def test_every_start_and_service_is_counted_once_where_it_belongs(contracts, cases, year, today_offset):
    muni = municipality(*contracts)
    today = date.fromordinal(FIRST.toordinal() + today_offset)
    result = check([muni], cases, today.isoformat(), year=year)
    starts = {u.contract.id: u.starts for u in result.contracts}
    spent = {u.contract.id: u.spent_eur for u in result.contracts}
    want_starts = {c.id: 0 for c in contracts if c.start.year <= year <= c.end.year}
    want_spent = {c.id: (0.0 if c.tariffs_eur is not None else None) for c in contracts if c.id in want_starts}
    want_gaps = []
    for c in cases:
        for entry in c.history:
            if entry.phase not in TARIFFS or entry.date > today:
                continue
            paying = brute_contract(muni, entry.date, c.variant)
            if paying is None:
                if entry.date.year == year:
                    want_gaps.append((c.id, entry.phase, entry.date))
            elif paying.id in want_starts:
                want_starts[paying.id] += entry.phase == "informative_talk"
                if paying.tariffs_eur is not None:
                    want_spent[paying.id] += paying.tariffs_eur.get(entry.phase, 0.0)
    assert starts == want_starts
    assert spent == pytest.approx(want_spent)
    got_gaps = [(g.case, g.phase, g.date) for g in result.unfunded_starts + result.unfunded_services]
    assert sorted(got_gaps) == sorted(want_gaps)
    assert all(g.phase == "informative_talk" for g in result.unfunded_starts)


@settings(max_examples=100, deadline=None)
@given(contracts=contract_lists(), cases=case_lists())
def test_a_contracts_monthly_invoices_add_up_to_what_the_check_says_it_spent(contracts, cases):
    muni = municipality(*contracts)
    for k in contracts:
        if k.tariffs_eur is None:
            continue
        use = next(u for u in check([muni], cases, "2030-01-01", year=k.start.year).contracts if u.contract.id == k.id)
        invoiced = 0.0
        year, month = k.start.year, k.start.month
        while (year, month) <= (k.end.year, k.end.month):
            invoiced += invoice(muni, cases, year, month).totals_by_contract().get(k.id, 0.0)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        assert invoiced == pytest.approx(use.spent_eur)
