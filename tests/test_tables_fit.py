"""Tables fit the terminal (CLI.md "Everywhere"): at 80, 100 and 120 columns no id, code, date,
amount or status is cut, no line is wider than the terminal; piped output is never cut."""

import json
import re
from datetime import date, timedelta

import pytest
from typer.testing import CliRunner

from ekc.cli.app import app
from tests.support.git import CI_INSTALL

runner = CliRunner()
TODAY = "2026-11-30"
ID = re.compile(r"\b(EKC-\d{4}-[0-9A-Z]{5}|C-\d{4}|GM\d{4}|[A-Z]{3}-\d{4})\b")


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    root = tmp_path_factory.mktemp("fit") / "data"
    result = runner.invoke(app, ["init", str(root), "--sample", "--install", CI_INSTALL])
    assert result.exit_code == 0, result.stderr
    return root


def ekc(root, *args, today=TODAY):
    return runner.invoke(app, ["--data", str(root), "--today", today, *args])


def at_width(monkeypatch, width):
    monkeypatch.setattr("ekc.cli.output.terminal_width", lambda stream=None: width)


def _ids(root) -> set[str]:
    """Every id the tables could show, from the JSON of the same commands."""
    found = set()
    for args in (["case", "list", "--json"], ["match", "--open", "--json"], ["budget", "check", "--year", "2026", "--json"]):
        found |= set(ID.findall(ekc(root, *args).stdout))
    return found


TABLES = [
    ["case", "list"],
    ["case", "list", "--open"],
    ["case", "show", "{case}"],
    ["match", "{case}"],
    ["match", "--open"],
    ["budget", "check", "--year", "2026"],
    ["report", "--year", "2026"],
    ["budget", "invoice", "--municipality", "{municipality}", "--period", "{period}"],
]


def _invoiced(root) -> dict:
    """A municipality and a month with invoice lines: where a case entered connect_activate."""
    for row in json.loads(ekc(root, "case", "list", "--json").stdout)["cases"]:
        shown = json.loads(ekc(root, "case", "show", row["id"], "--json").stdout)
        for entry in shown["history"]:
            if entry["phase"] == "connect_activate":
                return {"{municipality}": row["municipality"], "{period}": entry["date"][:7]}
    raise AssertionError("the sample has no invoiced service: the invoice would be tested empty")


@pytest.mark.parametrize("width", [80, 100, 120])
@pytest.mark.parametrize("command", TABLES, ids=lambda c: " ".join(c))
def test_every_table_fits_with_every_id_whole(sample, monkeypatch, width, command):
    case = json.loads(ekc(sample, "case", "list", "--open", "--json").stdout)["cases"][-1]["id"]
    fill = {"{case}": case, **(_invoiced(sample) if "{period}" in command else {})}
    args = [fill.get(a, a) for a in command]
    wide = ekc(sample, *args).stdout  # not a terminal: the whole table
    at_width(monkeypatch, width)
    result = ekc(sample, *args)
    assert result.exit_code in (0, 1), result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= width, "\n".join(lines)
    assert "…" not in result.stdout
    for token in set(ID.findall(wide)):
        if token in {"variant", "municipality", "coordinator"}:
            continue
        words = set(re.findall(r"[\w-]+", result.stdout))
        left_out = "left out to fit" in result.stdout
        assert token in words or left_out, f"{token} cut or lost at {width} columns:\n{result.stdout}"
    case_ids = set(re.findall(r"EKC-\d{4}-[0-9A-Z]{5}", wide))
    assert case_ids <= set(re.findall(r"EKC-\d{4}-[0-9A-Z]{5}", result.stdout))  # case ids are never left out


def test_case_list_drops_columns_in_the_stated_order_and_wide_shows_all(sample, monkeypatch):
    at_width(monkeypatch, 80)
    narrow = ekc(sample, "case", "list", "--open").stdout
    assert narrow.splitlines()[0].split()[:2] == ["id", "phase"]
    assert "left out to fit 80 columns: variant, municipality" in narrow
    assert "(formele bijeenkomst en nazorg)" in narrow  # the Dutch name on its own line, whole
    wide = ekc(sample, "case", "list", "--open", "--wide").stdout
    assert wide.splitlines()[0].split() == ["id", "variant", "municipality", "phase", "coordinator", "days", "flags"]


def test_piped_output_is_never_cut_and_case_list_and_match_open_agree(sample, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    listing = ekc(sample, "case", "list", "--open").stdout
    matching = ekc(sample, "match", "--open").stdout
    assert "meeting_aftercare (formele bijeenkomst en nazorg)" in listing  # one line, as wide as it is
    assert "left out" not in listing and "left out" not in matching
    assert max(map(len, listing.splitlines())) > 80


def test_today_in_the_past_shows_the_data_as_it_stood(sample):
    now = json.loads(ekc(sample, "case", "list", "--json").stdout)["cases"]
    then = json.loads(ekc(sample, "case", "list", "--json", today="2026-06-01").stdout)["cases"]
    assert len(then) < len(now)
    assert all(row["registered"] <= "2026-06-01" for row in then)
    assert all(row["days_in_phase"] >= 0 and row["phase_since"] <= "2026-06-01" for row in then)
    later = next(row["id"] for row in now if row["registered"] > "2026-06-01")
    shown = ekc(sample, "case", "show", later, today="2026-06-01")
    assert shown.exit_code == 1 and "did not exist yet" in shown.stderr
    text = ekc(sample, "case", "list", "--open", today="2026-06-01").stdout
    assert not re.search(r"\s-\d+\s", text)


@pytest.mark.parametrize("command", [c for c in TABLES if c[0] in ("match", "budget", "report") and "invoice" not in c],
                         ids=lambda c: " ".join(c))
def test_wide_shows_every_column_at_a_narrow_terminal(sample, monkeypatch, command):
    case = json.loads(ekc(sample, "case", "list", "--open", "--json").stdout)["cases"][-1]["id"]
    args = [case if a == "{case}" else a for a in command]
    whole = ekc(sample, *args).stdout  # not a terminal: never cut
    at_width(monkeypatch, 80)
    wide = ekc(sample, *args, "--wide")
    assert wide.exit_code in (0, 1), wide.output
    assert "left out to fit" not in wide.stdout
    assert set(ID.findall(whole)) <= set(ID.findall(wide.stdout))


def test_match_open_in_the_past_proposes_no_case_registered_later(sample):
    """--today in the past (CLI.md): a case registered after that day does not exist yet."""
    now = json.loads(ekc(sample, "match", "--open", "--json").stdout)
    waiting = [p["case"] for p in now["cases"]]
    assert waiting, "nothing waits in the sample: the test would prove nothing"
    registered = {c["id"]: c["registered"] for c in json.loads(ekc(sample, "case", "list", "--json").stdout)["cases"]}
    latest = max(registered[c] for c in waiting)
    before = (date.fromisoformat(latest) - timedelta(days=1)).isoformat()
    past = json.loads(ekc(sample, "match", "--open", "--json", today=before).stdout)
    shown = [p["case"] for p in past["cases"]]
    assert all(registered[c] <= before for c in shown)
    assert not [c for c in waiting if registered[c] == latest and c in shown]
