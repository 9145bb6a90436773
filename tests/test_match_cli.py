"""`ekc match` through the command line: output, JSON, exit codes, and --assign's wiring."""

from __future__ import annotations

import json
import subprocess
import types

import pytest
from typer.testing import CliRunner

from ekc.cli.app import app
from ekc.core.errors import Refused
from tests.matchpool import CASE_ID, municipalities_with_amsterdam, plain_coordinator
from tests.support.store import case_folder, closed_case, registered_case

runner = CliRunner()


def pool_docs():
    return [
        plain_coordinator("C-0001", gender="male"),
        plain_coordinator("C-0002", gender="female", languages=["nl", "ar"]),
        plain_coordinator("C-0003", gender="female", languages=["nl", "ar"], trained={"ek1": "2023-01-10"}, max_cases=1),
    ]


def family_personal():
    return {"preferences": {"coordinator_gender": "female", "languages": ["ar"]}, "exclude_coordinators": []}


@pytest.fixture
def repo(store):
    store.municipalities = municipalities_with_amsterdam()
    store.coordinators = {"coordinators": pool_docs()}
    store.with_case(registered_case(CASE_ID, variant="restorative"), family_personal())
    store.with_case(closed_case("EKC-2024-K7Q2M", coordinator="C-0001"), None)
    return store


def ekc(root, *args):
    return runner.invoke(app, ["--data", str(root), "--today", "2024-09-02", *args])


def test_human_output_ranks_with_reasons(repo):
    result = ekc(repo.write(), "match", CASE_ID)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "restorative (herstelconferentie)" in out
    assert out.index("C-0002") < out.index("C-0001") < out.index("C-0003")
    assert "+ female (asked)" in out and "+ speaks Arabic (asked) (+4)" in out
    assert "x no EK-2: restorative case" in out
    assert "2 of 3 coordinators eligible" in out
    assert "ruled out: no EK-2 (1)" in out
    assert "\x1b[" not in out  # not a terminal: no colours
    assert result.stderr == ""


def test_json_is_one_document_with_the_contract_keys(repo):
    result = ekc(repo.write(), "match", CASE_ID, "--json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["case"] == CASE_ID
    assert [c["coordinator"] for c in doc["candidates"]] == ["C-0002", "C-0001", "C-0003"]
    assert [c["eligible"] for c in doc["candidates"]] == [True, True, False]
    best = doc["candidates"][0]
    assert set(best) >= {"coordinator", "eligible", "score", "reasons"}
    assert "female (asked)" in best["reasons"] and "speaks Arabic (asked)" in best["reasons"]
    assert best["score"] == sum(d["points"] for d in best["details"])
    assert "no EK-2: restorative case" in doc["candidates"][2]["reasons"]
    assert doc["eligible"] == 2 and doc["pool"] == 3 and doc["assigned"] is None
    assert doc["ruled_out"] == {"no EK-2": 1}


def test_the_table_shows_ten_and_json_the_whole_pool_by_default(store):
    store.coordinators = {"coordinators": [plain_coordinator(f"C-{n:04d}") for n in range(1, 13)]}
    store.with_case(registered_case(CASE_ID), None)
    root = store.write()
    assert len(json.loads(ekc(root, "match", CASE_ID, "--json").stdout)["candidates"]) == 12
    table = ekc(root, "match", CASE_ID).stdout
    assert "C-0010" in table and "C-0011" not in table
    assert "12 of 12 coordinators eligible; 2 more not shown (--top 0 shows all)" in table


def test_top_limits_and_zero_shows_all(repo):
    root = repo.write()
    one = json.loads(ekc(root, "match", CASE_ID, "--json", "--top", "1").stdout)
    assert [c["coordinator"] for c in one["candidates"]] == ["C-0002"]
    assert len(json.loads(ekc(root, "match", CASE_ID, "--json", "--top", "0").stdout)["candidates"]) == 3
    human = ekc(root, "match", CASE_ID, "--top", "1").stdout
    assert "2 more not shown (--top 0 shows all)" in human


def test_the_same_data_and_date_give_the_same_output_whatever_the_file_order(repo, tmp_path):
    root = repo.write()
    first = ekc(root, "match", CASE_ID, "--json").stdout
    assert ekc(root, "match", CASE_ID, "--json").stdout == first
    repo.root = tmp_path / "reversed"
    repo.coordinators["coordinators"].reverse()
    assert ekc(repo.write(), "match", CASE_ID, "--json").stdout == first


def test_the_date_decides_the_agreement_year(repo):
    root = repo.write()
    result = runner.invoke(app, ["--data", str(root), "--today", "2026-01-05", "match", CASE_ID, "--json"])
    doc = json.loads(result.stdout)
    assert doc["eligible"] == 0
    assert all("no agreement for 2026" in c["reasons"] for c in doc["candidates"])


@pytest.mark.parametrize(
    "args, message",
    [
        (["match"], "name one case ID, or use --open"),
        (["match", CASE_ID, "--open"], "name one case ID, or use --open"),
        (["match", "--open", "--assign-to", "C-0001"], "with --open use --assign"),
        (["match", "K7Q2M"], "'K7Q2M' is not a case id"),
    ],
)
def test_usage_problems_exit_2(repo, args, message):
    result = ekc(repo.write(), *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_a_negative_top_is_a_usage_problem(repo):
    result = ekc(repo.write(), "match", CASE_ID, "--top", "-1")
    assert result.exit_code == 2


def test_no_data_repository_exits_2(tmp_path):
    result = runner.invoke(app, ["--data", str(tmp_path), "match", CASE_ID])
    assert result.exit_code == 2
    assert "not a data repository" in result.stderr


def test_an_unknown_case_exits_1(repo):
    result = ekc(repo.write(), "match", "EKC-2024-ZZZZZ")
    assert result.exit_code == 1
    assert "ekc: no readable case EKC-2024-ZZZZZ" in result.stderr


def test_a_closed_case_exits_1(repo):
    result = ekc(repo.write(), "match", "EKC-2024-K7Q2M")
    assert result.exit_code == 1
    assert "is closed" in result.stderr


def test_a_case_file_with_errors_says_so(repo):
    root = repo.write()
    (case_folder(root, CASE_ID) / "case.yaml").write_text("id: EKC-2024-AB12C\nvariant: picnic\n")
    result = ekc(root, "match", CASE_ID)
    assert result.exit_code == 1
    assert f"case.yaml of {CASE_ID} has errors; run `ekc validate`" in result.stderr


def test_an_unreadable_pool_exits_1(repo):
    root = repo.write()
    (root / "coordinators.yaml").write_text("coordinators: [\n")
    result = ekc(root, "match", CASE_ID)
    assert result.exit_code == 1
    assert "coordinators.yaml cannot be read" in result.stderr


def test_errors_elsewhere_warn_on_stderr_and_json_stays_clean(repo):
    repo.with_case(registered_case("EKC-2024-ERR01", variant="picnic"), None)
    result = ekc(repo.write(), "match", CASE_ID, "--json")
    assert result.exit_code == 0
    assert "warning: the data has 1 error" in result.stderr
    assert json.loads(result.stdout)["case"] == CASE_ID


def test_a_broken_personal_file_is_noted_and_warned_about(repo):
    root = repo.write()
    (case_folder(root, CASE_ID) / "personal.yaml").write_text("preferences:\n  colour: blue\n")
    result = ekc(root, "match", CASE_ID)
    assert result.exit_code == 0
    assert "warning: the data has 1 error" in result.stderr
    assert "note: personal.yaml has errors" in result.stdout


def test_open_proposes_for_every_waiting_case(repo):
    repo.with_case(registered_case("EKC-2024-AB12D"), {"preferences": {"coordinator_gender": "male"}})
    root = repo.write()
    doc = json.loads(ekc(root, "match", "--open", "--json").stdout)
    pairs = {c["case"]: c["coordinator"] for c in doc["cases"]}
    assert pairs == {CASE_ID: "C-0002", "EKC-2024-AB12D": "C-0001"}
    assert doc["seated"] == 2 and doc["unseated"] == 0
    assert doc["total_score"] == sum(c["score"] for c in doc["cases"])
    human = ekc(root, "match", "--open")
    assert human.exit_code == 0
    assert "2 cases waiting: 2 with a proposed coordinator, 0 without" in human.stdout


def test_open_names_why_a_case_stays_without(repo):
    repo.with_case(registered_case("EKC-2024-AB12D", variant="group"), {"exclude_coordinators": ["C-0001", "C-0002"]})
    doc = json.loads(ekc(repo.write(), "match", "--open", "--json").stdout)
    (without,) = [c for c in doc["cases"] if c["coordinator"] is None]
    assert without["case"] == "EKC-2024-AB12D"
    assert without["reasons"] == ["no eligible coordinator"]


def test_open_with_nothing_waiting(store):
    store.coordinators = {"coordinators": pool_docs()}
    result = ekc(store.write(), "match", "--open")
    assert result.exit_code == 0
    assert "no open case is waiting for a coordinator" in result.stdout


# --- --assign: the wiring to ekc.cases.workflow.assign -------------------------------------


@pytest.fixture
def fake_casework(monkeypatch):
    calls = []
    refuse = {}

    def assign(root, case_id, coordinator_id, today, force_reason=None, commit=True, loaded=None):
        assert loaded is not None, "match hands its loaded store to assign: no reload per case"
        if case_id in refuse:
            raise Refused(refuse[case_id])
        calls.append((case_id, coordinator_id, today.isoformat(), force_reason, commit))

    monkeypatch.setitem(__import__("sys").modules, "ekc.cases.workflow", types.SimpleNamespace(assign=assign))
    return types.SimpleNamespace(calls=calls, refuse=refuse)


def test_assign_takes_the_best_eligible_candidate(repo, fake_casework):
    result = ekc(repo.write(), "match", CASE_ID, "--assign", "--json")
    assert result.exit_code == 0, result.stderr
    assert fake_casework.calls == [(CASE_ID, "C-0002", "2024-09-02", None, True)]
    assert json.loads(result.stdout)["assigned"] == "C-0002"


def test_assign_to_names_the_coordinator(repo, fake_casework):
    result = ekc(repo.write(), "match", CASE_ID, "--assign-to", "C-0001")
    assert result.exit_code == 0, result.stderr
    assert fake_casework.calls == [(CASE_ID, "C-0001", "2024-09-02", None, True)]
    assert "assigned C-0001 to EKC-2024-AB12C" in result.stdout


def test_assign_to_takes_a_lower_case_id(repo, fake_casework):
    result = ekc(repo.write(), "match", CASE_ID, "--assign-to", "c-0001")
    assert result.exit_code == 0, result.stderr
    assert fake_casework.calls[0][1] == "C-0001"


def test_assign_to_an_unknown_coordinator_exits_1(repo, fake_casework):
    result = ekc(repo.write(), "match", CASE_ID, "--assign-to", "C-0999")
    assert result.exit_code == 1
    assert "no coordinator C-0999" in result.stderr
    assert fake_casework.calls == []


def test_a_refusal_of_case_assign_is_passed_on(repo, fake_casework):
    fake_casework.refuse[CASE_ID] = "C-0003 is not eligible: no EK-2: restorative case"
    result = ekc(repo.write(), "match", CASE_ID, "--assign-to", "C-0003")
    assert result.exit_code == 1
    assert "ekc: C-0003 is not eligible" in result.stderr


def test_assign_with_nobody_eligible_assigns_nothing(store, fake_casework):
    store.coordinators = {"coordinators": [plain_coordinator("C-0001", active=False)]}
    store.with_case(registered_case(CASE_ID), family_personal())
    result = ekc(store.write(), "match", CASE_ID, "--assign")
    assert result.exit_code == 1
    assert "no eligible coordinator for EKC-2024-AB12C: nothing assigned" in result.stderr
    assert "x not active" in result.stdout  # the reasons are still shown
    assert fake_casework.calls == []


def test_open_assign_assigns_every_proposal(repo, fake_casework):
    repo.with_case(registered_case("EKC-2024-AB12D"), {"preferences": {"coordinator_gender": "male"}})
    result = ekc(repo.write(), "match", "--open", "--assign", "--json")
    assert result.exit_code == 0, result.stderr
    assert [(c[0], c[1]) for c in fake_casework.calls] == [(CASE_ID, "C-0002"), ("EKC-2024-AB12D", "C-0001")]
    assert all(c["assigned"] for c in json.loads(result.stdout)["cases"])


def test_open_assign_stops_at_a_refusal_and_says_how_far_it_got(repo, fake_casework):
    repo.with_case(registered_case("EKC-2024-AB12D"), {"preferences": {"coordinator_gender": "male"}})
    fake_casework.refuse["EKC-2024-AB12D"] = "the case changed"
    result = ekc(repo.write(), "match", "--open", "--assign")
    assert result.exit_code == 1
    assert "EKC-2024-AB12D to C-0001 refused: the case changed; assigned 1 case before it" in result.stderr


def test_assign_without_casework_is_refused_not_a_traceback(repo, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "ekc.cases.workflow", None)
    result = ekc(repo.write(), "match", CASE_ID, "--assign")
    assert result.exit_code == 1
    assert "assigning needs `ekc case assign`" in result.stderr


# --- --assign for real, through ekc.cases.workflow ------------------------------------------


def git_repo(root):
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(root), "commit", "-q", "-m", "start"], check=True)
    return root


def test_assign_for_real_writes_and_commits(repo):
    root = git_repo(repo.write())
    result = ekc(root, "match", CASE_ID, "--assign")
    assert result.exit_code == 0, result.stderr
    assert "coordinator: C-0002" in (case_folder(root, CASE_ID) / "case.yaml").read_text()
    message = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%B"], capture_output=True, text=True, check=True).stdout
    assert CASE_ID in message and "Fatima" not in message


def test_assign_to_an_ineligible_coordinator_for_real_is_refused(repo):
    root = git_repo(repo.write())
    result = ekc(root, "match", CASE_ID, "--assign-to", "C-0003")
    assert result.exit_code == 1
    assert "coordinator" not in (case_folder(root, CASE_ID) / "case.yaml").read_text()


def test_open_assign_without_casework_is_refused_before_anything(repo, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "ekc.cases.workflow", None)
    result = ekc(repo.write(), "match", "--open", "--assign")
    assert result.exit_code == 1
    assert result.stderr == "ekc: assigning needs `ekc case assign` (ekc.cases.workflow), which this installation lacks\n"


def test_a_lower_case_case_id_is_the_same_case_as_in_case_show(repo):
    """Issue 11: `ekc match ekc-2025-n4vdb` exited 2 while `ekc case show` took it."""
    root = repo.write()
    typed = " " + CASE_ID.lower()
    shown = runner.invoke(app, ["--data", str(root), "--today", "2024-09-02", "case", "show", typed, "--json"])
    matched = ekc(root, "match", typed, "--json")
    assert shown.exit_code == 0 and matched.exit_code == 0, (shown.output, matched.output)
    assert json.loads(matched.stdout)["case"] == json.loads(shown.stdout)["id"] == CASE_ID


def test_open_assign_with_the_real_casework_loads_the_store_once(repo, monkeypatch):
    """300 waiting cases must not mean 300 loads of 25 years of history."""
    from ekc.store import loader
    from tests.case_repos import init_repo, messages

    repo.with_case(registered_case("EKC-2024-AB12D"), {"preferences": {"coordinator_gender": "male"}})
    root = init_repo(repo.write())
    real_load = loader.load
    calls = []

    def counting_load(*args, **kwargs):
        calls.append(args)
        return real_load(*args, **kwargs)

    monkeypatch.setattr(loader, "load", counting_load)
    monkeypatch.setattr("ekc.store.views.load", counting_load)
    result = ekc(root, "match", "--open", "--assign", "--json")
    assert result.exit_code == 0, result.stderr
    assert len(calls) == 1
    assert sum("coordinator" in m and "assigned" in m for m in messages(root)) == 2
    assert ekc(root, "validate").exit_code in (0, 1)
    cases = {c["case"]: c["coordinator"] for c in json.loads(result.stdout)["cases"]}
    for case_id, coordinator in cases.items():
        assert f"coordinator: {coordinator}" in (root / "cases" / "2024" / case_id / "case.yaml").read_text()
