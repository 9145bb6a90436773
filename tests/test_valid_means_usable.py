"""One notion of valid: any store `ekc validate` accepts, every read-only command handles.

Random stores at the edges of what DATA-FORMAT.md allows (dates from 1900 to 9000, counts
up to a million, money up to a billion, zero weights and tariffs), and a random `today`:
each command ends with exit 0 or 1 and words, never a traceback.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ekc.cli.app import app
from ekc.validate.pipeline import validate
from tests.rulecheck import valid_store
from tests.support.store import registered_case

runner = CliRunner()

EDGE_DATES = ["1900-01-01", "1999-12-31", "2024-02-29", "2024-09-02", "2024-12-31", "8999-12-31", "9000-12-31"]
day = st.sampled_from(EDGE_DATES)
money = st.sampled_from([0, 0.01, 450, 1e9, 999_999_999.99])
count = st.sampled_from([0, 1, 12, 1_000_000])

edits = st.fixed_dictionaries({
    "conferences": count,
    "budget_eur": st.none() | money,
    "tariff": money,
    "contract": st.tuples(day, day),
    "closed": st.tuples(day, day),
    "registered": day,
    "birth_year": st.sampled_from([1900, 1968, 2100]),
    "max_cases": st.sampled_from([0, 3, 1000]),
    "agreements": st.lists(st.sampled_from([1900, 2024, 9000]), max_size=2),
    "unavailable": st.tuples(day, day),
    "retention_months": st.sampled_from([0, 3, 120]),
    "within_days": st.sampled_from([0, 2, 365]),
    "weight": st.sampled_from([0, 0.5, 1000]),
    "today": day,
})

READ_ONLY = [
    ["case", "list"], ["case", "list", "--json"], ["case", "show", "{closed}"], ["case", "show", "{open}"],
    ["match", "{open}", "--json"], ["match", "--open"],
    ["budget", "check"], ["budget", "check", "--json"],
    ["budget", "invoice", "--municipality", "GM0439", "--period", "2024-09"],
    ["budget", "invoice", "--municipality", "GM0439", "--period", "2024-09", "--format", "json"],
    ["report", "--year", "2024"], ["report", "--year", "2024", "--json"],
    ["purge", "--dry-run"],
]


def _store(root: Path, e: dict):
    """The store, and the ids of its closed and its open case (an id names its year)."""
    open_id = f"EKC-{e['registered'][:4]}-AB12C"
    builder = valid_store(root, open_case=registered_case(id=open_id, date=e["registered"]))
    contract = builder.municipalities["municipalities"][0]["contracts"][0]
    contract.update(conferences=e["conferences"], start=min(e["contract"]), end=max(e["contract"]))
    if e["budget_eur"] is None:
        contract.pop("budget_eur")
    else:
        contract["budget_eur"] = e["budget_eur"]
    contract["tariffs_eur"] = {phase: e["tariff"] for phase in contract["tariffs_eur"]}
    person = builder.coordinators["coordinators"][0]
    person.update(birth_year=e["birth_year"], max_cases=e["max_cases"], agreements=sorted(set(e["agreements"])),
                  unavailable=[{"from": min(e["unavailable"]), "to": max(e["unavailable"])}])
    closed = builder.cases[0][0]
    first, last = sorted(e["closed"])
    closed["id"] = closed_id = f"EKC-{first[:4]}-K7Q2M"
    for entry in closed["history"]:
        entry["date"] = first
    closed["history"][-1]["date"] = last
    for meeting in closed.get("meetings", []):
        meeting["date"] = first
    builder.settings = {"retention_months": e["retention_months"], "appointment_within_days": e["within_days"],
                        "match_weights": {"gender": e["weight"], "load": e["weight"]}}
    return builder.write(), {"closed": closed_id, "open": open_id}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(edits)
def test_whatever_validate_accepts_every_read_only_command_handles(e):
    with tempfile.TemporaryDirectory() as folder:
        root, ids = _store(Path(folder) / "data", e)
        today = date.fromisoformat(e["today"])
        report = validate(root, today, use_cache=False)
        if any(f.is_error for f in report.findings):
            event("store refused by validate")
            return
        event("store accepted")
        for template in READ_ONLY:
            args = [part.format(**ids) for part in template]
            result = runner.invoke(app, ["--data", str(root), "--today", e["today"], *args])
            assert result.exit_code in (0, 1), (args, result.exit_code, result.output, result.exception)
            assert result.exception is None or isinstance(result.exception, SystemExit), (args, repr(result.exception))
            assert "Traceback" not in result.output
