"""`case advance` and `budget check` count a contract's use through one owner
(ekc/budget/funding.py), so they agree, also where a contract covers some variants only."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from ekc.cli.app import app
from tests.support.store import closed_case, coordinator, municipalities_doc, registered_case

runner = CliRunner()


def family_only_store(store):
    """PUR-2024 funds family cases only, with EUR 2,000 of budget. A restorative case ran all
    its phases in the period: none of it may count against the family-only contract."""
    doc = municipalities_doc()
    contract = doc["municipalities"][0]["contracts"][0]
    contract.update(variants=["family"], budget_eur=2000, conferences=5)
    store.municipalities = doc
    store.coordinators = {"coordinators": [coordinator("C-0042")]}
    store.with_case(
        closed_case(
            "EKC-2024-K7Q2M", variant="restorative", unfunded_start=True,
            history=[
                {"phase": "registered", "date": "2024-02-01"},
                {"phase": "informative_talk", "date": "2024-02-02"},
                {"phase": "connect_activate", "date": "2024-02-10"},
                {"phase": "meeting_aftercare", "date": "2024-03-01"},
                {"phase": "closed", "date": "2024-05-01"},
            ],
        )
    )
    store.with_case(registered_case("EKC-2024-AB12C", date="2024-09-02", variant="family", coordinator="C-0042"))
    return store.write()


def test_check_and_advance_agree_on_a_variant_restricted_contract(store):
    root = family_only_store(store)
    checked = runner.invoke(app, ["--data", str(root), "--today", "2024-09-02", "budget", "check", "--json"])
    assert checked.exit_code == 0, checked.output
    use = next(c for c in json.loads(checked.stdout)["contracts"] if c["contract"] == "PUR-2024")
    assert use["spent_eur"] == 0 and use["starts"] == 0
    # before the fix: "contract PUR-2024 ... has EUR -2,500 left" and exit 1
    advanced = runner.invoke(app, ["--data", str(root), "--today", "2024-09-02", "case", "advance", "EKC-2024-AB12C"])
    assert advanced.exit_code == 0, advanced.output
    after = runner.invoke(app, ["--data", str(root), "--today", "2024-09-02", "budget", "check", "--json"])
    use = next(c for c in json.loads(after.stdout)["contracts"] if c["contract"] == "PUR-2024")
    assert use["starts"] == 1 and use["spent_eur"] == 450


def test_a_start_over_the_budget_is_refused_with_the_amount_check_shows(store):
    root = family_only_store(store)
    doc = municipalities_doc()
    doc["municipalities"][0]["contracts"][0].update(variants=["family"], budget_eur=400, conferences=5)
    store.municipalities = doc
    root = store.write()
    advanced = runner.invoke(app, ["--data", str(root), "--today", "2024-09-02", "case", "advance", "EKC-2024-AB12C"])
    assert advanced.exit_code == 1
    assert "EUR 400 left" in advanced.output
