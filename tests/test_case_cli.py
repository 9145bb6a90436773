"""`ekc case ...` through the CLI, in real git repositories: files, commits, refusals."""

import json
import re

import pytest
from typer.testing import CliRunner

from ekc.cli.app import app
from tests.case_repos import changed_paths, git, init_repo, messages, snapshot
from tests.support.store import closed_case, coordinator, personal_doc, registered_case
from tests.support.cli import ok

runner = CliRunner()

NEW = ["case", "new", "--municipality", "GM0439", "--variant", "family", "--referrer", "professional",
       "--referrer-org", "youth_care", "--minors", "--no-conditions", "--professional-help", "none",
       "--reason", "divorce", "--reason", "parenting", "--date", "2024-09-02"]


def ekc(root, *args, today="2024-12-01", input=None):
    return runner.invoke(app, ["--data", str(root), "--today", today, *args], input=input)


@pytest.fixture
def repo(store):
    store.coordinators["coordinators"].append(coordinator("C-0007", name="Pieter Bakker", email="p.bakker@example.org", phone="+31 6 22222222"))
    return init_repo(store.write())


def append(path, text):
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(text)


def test_a_case_from_new_to_closed(repo):
    new = ok(ekc(repo, *NEW))
    case_id = new.stdout.strip()
    assert case_id.startswith("EKC-2024-") and len(case_id) == 14
    folder = f"cases/2024/{case_id}"
    assert f"registered {case_id}: {folder}/" in new.stderr
    case_yaml = repo / folder / "case.yaml"
    head = f"""\
# Codes, dates and counts only: personal data goes in personal.yaml beside this file.
id: {case_id}
variant: family
municipality: GM0439
referrer: professional
referrer_org: youth_care
minors_involved: true
conditions: false
professional_help: none
reasons: [divorce, parenting]
"""
    assert case_yaml.read_text() == head + "history:\n  - {phase: registered, date: 2024-09-02}\n"
    personal = (repo / folder / "personal.yaml").read_text()
    assert personal.startswith(f"# Personal data of {case_id}:") and "exclude_coordinators: []" in personal
    assert changed_paths(repo) == [f"{folder}/case.yaml", f"{folder}/personal.yaml"]

    # the family's data, as a person types it (committed by hand)
    (repo / folder / "personal.yaml").write_text(
        "main_persons:\n  - {name: Sanne de Vries, role: child}\nphone: '+31 6 98765432'\nexclude_coordinators: [C-0007]\n")
    git(repo, "commit", "-qam", "personal data")

    ok(ekc(repo, "case", "assign", case_id, "C-0042", today="2024-09-02"))
    assert changed_paths(repo) == [f"{folder}/case.yaml"]
    ok(ekc(repo, "case", "advance", case_id, "--date", "2024-09-03", today="2024-09-03"))
    ok(ekc(repo, "case", "advance", case_id, "--date", "2024-09-10", today="2024-09-10"))
    ok(ekc(repo, "case", "advance", case_id, "--date", "2024-10-01", today="2024-10-01"))

    refused = ekc(repo, "case", "advance", case_id, today="2024-10-20")
    assert refused.exit_code == 1 and "[meeting]" in refused.stderr
    assert "record it with `ekc case meeting" in refused.stderr

    append(case_yaml, "meetings:\n  # the first meeting\n  - date: 2024-10-05\n    follow_up: false\n    venue: community_centre\n")
    ok(ekc(repo, "case", "advance", case_id, "--to", "follow_up", "--date", "2024-11-01", today="2024-11-01"))
    assert "meetings:" in git(repo, "show", "HEAD", "--", f"{folder}/case.yaml")  # the hand edit went in with it

    refused = ekc(repo, "case", "advance", case_id, "--outcome", "plan", "--date", "2024-11-20", today="2024-11-20")
    assert refused.exit_code == 1 and "[meeting]" in refused.stderr and "--follow-up`" in refused.stderr

    append(case_yaml, "  - date: 2024-11-15   # follow-up\n    follow_up: true\n")
    done = ok(ekc(repo, "case", "advance", case_id, "--outcome", "plan", "--date", "2024-11-20", today="2024-11-20"))
    assert "follow_up (vervolgconferentie) -> closed (afgesloten) on 2024-11-20" in done.stderr and done.stdout == ""

    assert case_yaml.read_text() == head + f"""\
coordinator: C-0042
history:
  - {{phase: registered, date: 2024-09-02}}
  - {{phase: informative_talk, date: 2024-09-03}}
  - {{phase: connect_activate, date: 2024-09-10}}
  - {{phase: meeting_aftercare, date: 2024-10-01}}
  - {{phase: follow_up, date: 2024-11-01}}
  - {{phase: closed, date: 2024-11-20}}
outcome: plan
meetings:
  # the first meeting
  - date: 2024-10-05
    follow_up: false
    venue: community_centre
  - date: 2024-11-15   # follow-up
    follow_up: true
"""
    assert messages(repo) == [
        f"case {case_id}: closed (afgesloten) on 2024-11-20, from follow_up, outcome plan (plan gemaakt)",
        f"case {case_id}: follow_up (vervolgconferentie) on 2024-11-01, from meeting_aftercare",
        f"case {case_id}: meeting_aftercare (formele bijeenkomst en nazorg) on 2024-10-01, from connect_activate",
        f"case {case_id}: connect_activate (verbinden en activeren) on 2024-09-10, from informative_talk",
        f"case {case_id}: informative_talk (informatief gesprek) on 2024-09-03, from registered, start funded by contract PUR-2024",
        f"case {case_id}: coordinator C-0042 assigned in registered (aanmelding)",
        "personal data",
        f"case {case_id}: registered (aanmelding) on 2024-09-02",
        "initial data",
    ]
    for rev in ("HEAD", "HEAD~1", "HEAD~2", "HEAD~3", "HEAD~4", "HEAD~5"):  # each of ekc's commits: case.yaml only
        assert changed_paths(repo, rev) == [f"{folder}/case.yaml"]
    assert (repo / folder / "personal.yaml").read_text().startswith("main_persons:\n  - {name: Sanne de Vries, role: child}")
    assert not any("Sanne" in m or "Vries" in m or "98765432" in m for m in messages(repo))
    assert git(repo, "status", "--porcelain") == ""
    validate = ekc(repo, "validate", today="2024-11-20")
    assert validate.exit_code == 0, validate.stdout


@pytest.fixture
def busy(store):
    """A repository with a case in each situation the refusals need."""
    store.coordinators["coordinators"].append(coordinator("C-0007", trained={"ek1": "2020-01-01"}, max_cases=1))
    store.with_case(registered_case("EKC-2024-AB12C"), personal_doc())  # no coordinator
    store.with_case(registered_case("EKC-2024-AB12D", coordinator="C-0042", municipality="GM0599"))  # no contract
    store.with_case(registered_case("EKC-2024-AB12E", variant="group"))
    meeting = registered_case("EKC-2024-AB12F", coordinator="C-0042")
    meeting["history"] += [{"phase": "informative_talk", "date": "2024-09-03"}, {"phase": "connect_activate", "date": "2024-09-10"},
                           {"phase": "meeting_aftercare", "date": "2024-10-01"}]
    store.with_case(meeting)
    store.with_case(closed_case())
    store.with_case(registered_case("EKC-2024-AB12G", coordinator="C-0007"))  # C-0007 is full now
    personal = personal_doc()
    personal["exclude_coordinators"] = ["C-0042"]
    store.with_case(registered_case("EKC-2024-AB12H"), personal)
    return init_repo(store.write())


REFUSALS = [
    (["case", "advance", "EKC-2024-AB12C"], "[coordinator]", "assign one first"),
    (["case", "advance", "EKC-2024-AB12D", "--to", "connect_activate"], "[phase-order]", "skips informative_talk"),
    (["case", "advance", "EKC-2024-AB12F", "--to", "connect_activate"], "[phase-order]", "goes back"),
    (["case", "advance", "EKC-2024-AB12D"], "[funding]", "no contract of GM0599 (Rotterdam)"),
    (["case", "advance", "EKC-2024-AB12F"], "[meeting]", "ekc case meeting"),
    (["case", "advance", "EKC-2024-AB12F", "--to", "closed"], "[meeting]", "ekc case meeting"),
    (["case", "advance", "EKC-2024-AB12C", "--to", "closed"], "[outcome]", "closing needs an outcome"),
    (["case", "advance", "EKC-2024-AB12C", "--outcome", "plan"], "[outcome]", "there was no meeting"),
    (["case", "advance", "EKC-2024-AB12C", "--outcome", "stopped"], "[stop-reason]", "needs a reason"),
    (["case", "advance", "EKC-2024-AB12C", "--outcome", "declined", "--stop-reason", "other"], "[stop-reason]", "only for outcome stopped"),
    (["case", "advance", "EKC-2024-K7Q2M", "--to", "closed", "--outcome", "plan"], "[phase-order]", "closed is final"),
    (["case", "advance", "EKC-2024-AB12D", "--date", "2024-08-01"], "[date]", "never decrease"),
    (["case", "advance", "EKC-2024-AB12D", "--date", "2024-12-24"], "[date]", "after today"),
    (["case", "advance", "EKC-2024-AB12F", "--to", "follow_up", "--unfunded", "--date", "2024-10-02"], "[meeting]", "ekc case meeting"),
    (["case", "assign", "EKC-2024-AB12E", "C-0007"], "[ek2]", "--force cannot override"),
    (["case", "assign", "EKC-2024-AB12E", "C-0007", "--force", "urgent"], "[ek2]", "needs a coordinator trained in EK-2"),
    (["case", "assign", "EKC-2024-AB12C", "C-0007"], "[eligibility]", "full: 1 of 1 places taken"),
    (["case", "assign", "EKC-2024-AB12H", "C-0042"], "[eligibility]", "excluded by the family"),
    (["case", "assign", "EKC-2024-AB12C", "C-9999"], "[coordinator]", "not in coordinators.yaml"),
    (["case", "assign", "EKC-2024-K7Q2M", "C-0042"], "closed", "gets no coordinator"),
    (["case", "assign", "EKC-2024-AB12C", "C-0042", "--force", "asked by Sanne de Vries"], "refusing to commit", "personal data"),
    (["case", "assign", "EKC-2024-AB12C", "C-0042", "--force", "call +31 6 12345678"], "refusing to commit", "phone number"),
    (["case", "show", "EKC-2024-ZZZZZ"], "no case EKC-2024-ZZZZZ", ""),
]


@pytest.mark.parametrize(("args", "rule", "fragment"), REFUSALS, ids=[" ".join(r[0][1:]) for r in REFUSALS])
def test_a_refusal_changes_nothing_and_says_which_rule(busy, args, rule, fragment):
    before, head = snapshot(busy), git(busy, "rev-parse", "HEAD")
    result = ekc(busy, *args, today="2024-12-01")
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert result.stderr.startswith("ekc: ") and rule in result.stderr and fragment in result.stderr
    assert result.stdout == ""
    assert snapshot(busy) == before
    assert git(busy, "rev-parse", "HEAD") == head
    assert git(busy, "status", "--porcelain") == ""


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["case", "advance", "EKC-2024"], "is not a case id"),
        (["case", "advance", "EKC-2024-AB12D", "--date", "31-09-2024"], "--date"),
        (["case", "advance", "EKC-2024-AB12D", "--to", "nowhere"], "nowhere"),
        (["case", "assign", "EKC-2024-AB12C", "C-0042", "--force", "  "], "--force needs a reason"),
        (["case", "new", "--municipality", "GM0439"], "missing --variant, --referrer, --minors/--no-minors"),
        ([*NEW, "--referrer", "self"], "only for referrer professional"),
        (["case", "new", "--municipality", "GM9999", *NEW[4:]], "municipality GM9999 is not in municipalities.yaml"),
    ],
)
def test_wrong_use_exits_2_and_changes_nothing(busy, args, fragment):
    before = snapshot(busy)
    result = ekc(busy, *args)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert fragment in result.stderr
    assert snapshot(busy) == before


def test_no_data_repository_exits_2(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["case", "list"])
    assert result.exit_code == 2 and "no data repository found" in result.stderr


def test_unfunded_start_is_recorded(busy):
    result = ok(ekc(busy, "case", "advance", "EKC-2024-AB12D", "--unfunded", "--date", "2024-09-05"))
    assert "unfunded_start: true" in result.stderr
    assert "1 day(s) after the appointment promise" in result.stderr  # registered 2024-09-02, promise 2 days
    text = (busy / "cases/2024/EKC-2024-AB12D/case.yaml").read_text()
    assert text.endswith("  - phase: informative_talk\n    date: 2024-09-05\ncoordinator: C-0042\nunfunded_start: true\n")
    assert messages(busy)[0] == "case EKC-2024-AB12D: informative_talk (informatief gesprek) on 2024-09-05, from registered, unfunded start"


def test_force_overrides_with_the_reason_in_the_commit(busy):
    result = ok(ekc(busy, "case", "assign", "EKC-2024-AB12H", "C-0042", "--force", "family agreed after talk with regiomanager"))
    assert "forced past: excluded by the family" in result.stderr
    assert messages(busy)[0] == (
        "case EKC-2024-AB12H: coordinator C-0042 assigned in registered (aanmelding)\n\n"
        "Forced past: excluded by the family: knows them, not independent\n"
        "Reason: family agreed after talk with regiomanager"
    )


def test_reassigning_names_the_previous_coordinator_and_the_same_one_is_a_no_op(busy):
    ok(ekc(busy, "case", "assign", "EKC-2024-AB12D", "C-0042"))
    head = git(busy, "rev-parse", "HEAD")
    same = ok(ekc(busy, "case", "assign", "EKC-2024-AB12D", "C-0042"))
    assert "nothing changed" in same.stderr and git(busy, "rev-parse", "HEAD") == head


def test_no_commit_writes_but_does_not_commit(busy):
    head = git(busy, "rev-parse", "HEAD")
    result = ok(ekc(busy, "case", "assign", "EKC-2024-AB12C", "C-0042", "--no-commit"))
    assert "not committed" in result.stderr and result.stdout == ""
    assert git(busy, "rev-parse", "HEAD") == head
    assert git(busy, "status", "--porcelain").strip() == "M cases/2024/EKC-2024-AB12C/case.yaml"


def test_outside_git_files_change_without_commits(store):
    root = store.with_case(registered_case()).write()
    ok(ekc(root, "case", "assign", "EKC-2024-AB12C", "C-0042"))
    assert "coordinator: C-0042" in (root / "cases/2024/EKC-2024-AB12C/case.yaml").read_text()
    assert not (root / ".git").exists()


def test_ids_are_forgiving_about_case_and_confusable_letters(busy):
    result = ok(ekc(busy, "case", "show", "ekc-2024-ab12c", "--json"))
    assert json.loads(result.stdout)["id"] == "EKC-2024-AB12C"


def test_case_with_errors_is_refused_with_a_pointer_to_validate(busy):
    path = busy / "cases/2024/EKC-2024-AB12C/case.yaml"
    path.write_text(path.read_text().replace("variant: family", "variant: famliy"))
    result = ekc(busy, "case", "assign", "EKC-2024-AB12C", "C-0042")
    assert result.exit_code == 1 and "has errors" in result.stderr and "ekc validate" in result.stderr


def test_other_staged_changes_stay_out_of_the_commit(busy):
    (busy / "ekc.yaml").write_text("retention_months: 3\n")
    git(busy, "add", "ekc.yaml")
    ok(ekc(busy, "case", "assign", "EKC-2024-AB12C", "C-0042"))
    assert changed_paths(busy) == ["cases/2024/EKC-2024-AB12C/case.yaml"]
    assert git(busy, "status", "--porcelain").strip() == "A  ekc.yaml"


# -- case new: prompting ------------------------------------------------------------------

def test_new_prompts_for_what_is_missing_at_a_terminal(repo, monkeypatch):
    monkeypatch.setattr("ekc.cli.case.interactive", lambda: True)
    answers = "Purmerend\ngezin\n1\njeugdzorg\nj\nn\nonbekend\nnonsense\nscheiding, debt\n\n"
    result = ok(ekc(repo, "case", "new", "--date", "02-09-2024", input=answers))
    case_id = result.stdout.strip()
    assert "reason 'nonsense' is unknown" in result.stderr and "gemeente: Purmerend (GM0439)" in result.stderr
    text = (repo / "cases/2024" / case_id / "case.yaml").read_text()
    assert "minors_involved: true\nconditions: false\nprofessional_help: unknown\nreasons: [divorce, debt]\n" in text


def test_new_asks_only_for_what_is_missing(repo, monkeypatch):
    monkeypatch.setattr("ekc.cli.case.interactive", lambda: True)
    args = [a for a in NEW if a not in ("--reason", "divorce", "parenting")]
    result = ok(ekc(repo, *args, input="housing\nj\n"))
    assert "Gemeente" not in result.stderr and "Redenen" in result.stderr
    assert "reasons: [housing]" in (repo / "cases/2024" / result.stdout.strip().splitlines()[-1] / "case.yaml").read_text()


def test_new_refuses_a_date_in_the_future(repo):
    result = ekc(repo, *NEW[:-1], "2025-01-01")
    assert result.exit_code == 1 and "after today" in result.stderr
    assert not (repo / "cases").exists()


# -- list and show ------------------------------------------------------------------------

def test_list_is_the_morning_view(busy):
    result = ok(ekc(busy, "case", "list", "--json", today="2024-09-10"))
    rows = {row["id"]: row for row in json.loads(result.stdout)["cases"]}
    assert rows["EKC-2024-AB12C"]["flags"] == ["appointment-missed", "no-coordinator"]
    assert rows["EKC-2024-AB12C"]["days_in_phase"] == 8
    # as it stood on 2024-09-10: entered connect_activate that day, meeting_aftercare only on 2024-10-01
    assert rows["EKC-2024-AB12F"]["phase"] == "connect_activate" and rows["EKC-2024-AB12F"]["days_in_phase"] == 0
    assert rows["EKC-2024-AB12F"]["flags"] == []
    assert rows["EKC-2024-K7Q2M"]["phase"] == "closed"
    assert list(rows)[-1] == "EKC-2024-K7Q2M"  # closed cases last


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--open"], {"EKC-2024-AB12C", "EKC-2024-AB12D", "EKC-2024-AB12E", "EKC-2024-AB12F", "EKC-2024-AB12G", "EKC-2024-AB12H"}),
        (["--phase", "meeting_aftercare"], {"EKC-2024-AB12F"}),
        (["--municipality", "gm0599"], {"EKC-2024-AB12D"}),
        (["--coordinator", "C-0007"], {"EKC-2024-AB12G"}),
        (["--open", "--phase", "closed"], set()),
    ],
)
def test_list_filters(busy, options, expected):
    result = ok(ekc(busy, "case", "list", "--json", *options))
    assert {row["id"] for row in json.loads(result.stdout)["cases"]} == expected


def test_list_for_people_shows_dutch_names_and_explains_flags(busy):
    result = ok(ekc(busy, "case", "list", "--open", today="2024-10-10"))
    assert "registered (aanmelding)" in result.stdout and "formele bijeenkomst en nazorg" in result.stdout
    assert "appointment-missed: registered longer than the appointment promise" in result.stdout
    assert "\x1b[" not in result.stdout  # no colours when stdout is not a terminal


def test_list_mentions_unreadable_cases(busy):
    path = busy / "cases/2024/EKC-2024-AB12C/case.yaml"
    path.write_text(path.read_text().replace("variant: family", "variant: famliy"))
    result = ok(ekc(busy, "case", "list", "--json"))
    assert json.loads(result.stdout)["unreadable"] == ["cases/2024/EKC-2024-AB12C/case.yaml"]
    human = ok(ekc(busy, "case", "list"))
    assert "1 case file(s) have errors" in human.stderr


def test_show_keeps_personal_data_out_unless_asked(busy):
    plain = ok(ekc(busy, "case", "show", "EKC-2024-AB12C"))
    assert "Sanne" not in plain.stdout and "registered (aanmelding)" in plain.stdout
    doc = json.loads(ok(ekc(busy, "case", "show", "EKC-2024-AB12C", "--json")).stdout)
    assert "personal" not in doc and "Sanne" not in json.dumps(doc)
    assert doc["history"] == [{"phase": "registered", "dutch": "aanmelding", "date": "2024-09-02", "days": 90}]
    personal = json.loads(ok(ekc(busy, "case", "show", "EKC-2024-AB12C", "--json", "--personal")).stdout)
    assert personal["personal"]["main_persons"][0]["name"] == "Sanne de Vries"
    text = ok(ekc(busy, "case", "show", "EKC-2024-AB12C", "--personal"))
    assert "Sanne de Vries" in text.stdout


def test_show_a_closed_case_with_its_history(busy):
    result = ok(ekc(busy, "case", "show", "EKC-2024-K7Q2M", "--personal", today="2024-07-01"))
    out = result.stdout
    assert "closed (afgesloten) since 2024-06-30" in out
    assert "outcome            plan (plan gemaakt)" in out
    assert re.search(r"connect_activate \(verbinden en activeren\) +2024-02-20 +37\n", out)
    assert "personal data: none" in out


def test_new_refuses_when_municipalities_yaml_is_broken(repo):
    (repo / "municipalities.yaml").write_text((repo / "municipalities.yaml").read_text().replace("code: GM0439", "code: 439"))
    result = ekc(repo, *NEW)
    assert result.exit_code == 1 and "municipalities.yaml has errors" in result.stderr
    assert not (repo / "cases").exists()


def test_new_without_a_terminal_names_a_missing_referrer_org(repo):
    args = [a for a in NEW if a not in ("--referrer-org", "youth_care")]
    result = ekc(repo, *args)
    assert result.exit_code == 2 and "missing --referrer-org" in result.stderr


def test_a_wrong_answer_at_the_prompt_is_asked_again(repo, monkeypatch):
    monkeypatch.setattr("ekc.cli.case.interactive", lambda: True)
    args = [a for a in NEW if a not in ("--variant", "family")]
    result = ok(ekc(repo, *args, input="famly\nkerk\ngezin\n\n"))
    assert "variant 'famly' is unknown; did you mean family (gezin)?" in result.stderr
    assert "variant 'kerk' is unknown; choose one of family (gezin), individual (individu)" in result.stderr
    assert "variant: family" in (repo / "cases/2024" / result.stdout.strip().splitlines()[-1] / "case.yaml").read_text()


def test_assign_refuses_when_personal_yaml_cannot_be_read(busy):
    (busy / "cases/2024/EKC-2024-AB12C/personal.yaml").write_text("main_persons: [{name: A, shoe_size: 42}]\n")
    result = ekc(busy, "case", "assign", "EKC-2024-AB12C", "C-0042", today="2024-09-03")
    assert result.exit_code == 1
    assert "personal.yaml has errors, so the family's exclusions cannot be checked" in result.stderr


def test_advance_refuses_a_coordinator_missing_from_the_pool(busy):
    path = busy / "cases/2024/EKC-2024-AB12D/case.yaml"
    path.write_text(path.read_text().replace("coordinator: C-0042", "coordinator: C-0999"))
    result = ekc(busy, "case", "advance", "EKC-2024-AB12D", "--unfunded", today="2024-09-03")
    assert result.exit_code == 1 and "C-0999 is not in coordinators.yaml" in result.stderr and "[coordinator]" in result.stderr


def test_list_flagged_shows_only_what_needs_doing(busy):
    result = ok(ekc(busy, "case", "list", "--json", "--flagged", today="2024-09-03"))
    assert {row["id"]: row["flags"] for row in json.loads(result.stdout)["cases"]} == {
        "EKC-2024-AB12C": ["no-coordinator"], "EKC-2024-AB12E": ["no-coordinator"], "EKC-2024-AB12H": ["no-coordinator"],
    }
