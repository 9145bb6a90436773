"""`ekc case meeting | forms` and Dutch input, through CliRunner, in real git repositories."""

import json

import pytest
from typer.testing import CliRunner

from ekc.cli.app import app
from ekc.core import dutch_input as dutch
from tests.case_repos import changed_paths, init_repo, messages, snapshot
from tests.support.store import coordinator, personal_doc, registered_case
from tests.support.cli import ok

runner = CliRunner()
CASE = "EKC-2024-AB12F"
MEETING = ["case", "meeting", CASE, "--date", "05-10-2024", "--venue", "buurthuis", "--evening", "--hours", "3,5",
           "--private-hours", "1.5", "--attendees", "minor_main=1,adult_main=2,family=4,network=1,professional=2",
           "--plan", "made,evaluation,contingency"]
FORMS = ["case", "forms", CASE, "--out", "minors=1,adults=3,professionals=2", "--minor", "meeting=8,plan=7,coordinator=9",
         "--adult", "role=hoofdpersoon,meeting=7,5,plan=8,coordinator=9,referrer=7", "--adult", "role=familie,meeting=9",
         "--professional", "meeting=7,plan=7,coordinator=8,good_decision=helemaal",
         "--coordinator-grades", "professionals=7,regional_manager=8,5"]


def ekc(root, *args, today="2024-10-20", input=None):
    return runner.invoke(app, ["--data", str(root), "--today", today, *args], input=input)


@pytest.fixture
def repo(store):
    store.coordinators["coordinators"].append(coordinator("C-0007", name="Pieter Bakker"))
    case = registered_case(CASE, coordinator="C-0042")
    case["history"] += [{"phase": "informative_talk", "date": "2024-09-03"}, {"phase": "connect_activate", "date": "2024-09-10"},
                        {"phase": "meeting_aftercare", "date": "2024-10-01"}]
    store.with_case(case, personal_doc())
    store.with_case(registered_case("EKC-2024-AB12C"), personal_doc())
    root = init_repo(store.write())
    path = root / f"cases/2024/{CASE}/case.yaml"
    path.write_text("# kept: a person's comment\n" + path.read_text())
    from tests.case_repos import git

    git(root, "commit", "-qam", "a comment")
    return root


def test_meeting_and_forms_by_options_then_close_with_plan(repo):
    path = repo / f"cases/2024/{CASE}/case.yaml"
    done = ok(ekc(repo, *MEETING))
    assert f"{CASE}: meeting of 2024-10-05 recorded in meeting_aftercare" in done.stdout
    text = path.read_text()
    assert text.startswith("# kept: a person's comment\n")
    assert """meetings:
  - date: 2024-10-05
    follow_up: false
    venue: community_centre
    daytime_only: false
    hours_total: 3.5
    hours_private: 1.5
    attendees: {minor_main: 1, adult_main: 2, family: 4, network: 1, professional: 2}
    plan: {made: true, evaluation: true, contingency: true, professional_help: false}
    follow_up_agreed: false
""" in text
    assert changed_paths(repo) == [f"cases/2024/{CASE}/case.yaml"]
    assert messages(repo)[0] == f"case {CASE}: meeting of 2024-10-05 recorded in meeting_aftercare (formele bijeenkomst en nazorg)"

    ok(ekc(repo, *FORMS))
    shown = json.loads(ok(ekc(repo, "case", "show", CASE, "--json")).stdout)["case"]["satisfaction"]
    assert shown["adults"][0] == {"role": "main", "meeting": 7.5, "plan": 8, "coordinator": 9, "referrer": 7}
    assert shown["adults"][1] == {"role": "family", "meeting": 9}
    assert shown["professionals"][0]["good_decision"] == "fully"
    assert shown["coordinator"] == {"professionals": 7, "regional_manager": 8.5}
    assert messages(repo)[0].startswith(f"case {CASE}: satisfaction forms added in meeting_aftercare")

    ok(ekc(repo, "case", "advance", CASE, "--to", "closed", "--outcome", "plan", "--date", "2024-10-20"))
    result = runner.invoke(app, ["--data", str(repo), "--today", "2024-10-20", "validate"])
    assert result.exit_code == 0 and "0 errors, 0 warnings" in result.stdout, result.stdout


def test_follow_up_meeting_goes_with_follow_up(repo):
    ok(ekc(repo, *MEETING[:-2], "--no-plan", "--follow-up-agreed"))
    ok(ekc(repo, "case", "advance", CASE, "--to", "follow_up", "--date", "2024-10-10"))
    refused = ekc(repo, "case", "advance", CASE, "--to", "closed", "--outcome", "plan", "--date", "2024-10-20")
    assert refused.exit_code == 1 and f"ekc case meeting {CASE} --follow-up" in refused.stderr
    ok(ekc(repo, "case", "meeting", CASE, "--follow-up", "--date", "2024-10-15", "--venue", "3".replace("3", "kerk"), "--hours", "2",
           "--private-hours", "1", "--attendees", "adult_main=2", "--plan", "made"))
    ok(ekc(repo, "case", "advance", CASE, "--to", "closed", "--outcome", "plan", "--date", "2024-10-20"))


@pytest.mark.parametrize(("args", "exit_code", "fragment"), [
    (["case", "meeting", "EKC-2024-AB12C", *MEETING[3:]], 1, "a meeting is recorded in meeting_aftercare"),
    ([*MEETING[:3], "--follow-up", *MEETING[3:]], 1, "--follow-up is for a follow-up conference's meeting"),
    ([*MEETING[:4], "30-09-2024", *MEETING[5:]], 1, "is before 2024-10-01, when EKC-2024-AB12F entered meeting_aftercare"),
    ([*MEETING[:4], "2024-10-25", *MEETING[5:]], 1, "after today"),
    ([*MEETING[:6], "kerkje", *MEETING[7:]], 2, "--venue: venue 'kerkje' is unknown; did you mean church (kerk)?"),
    ([*MEETING[:9], "3 uur", *MEETING[10:]], 2, "--hours: '3 uur' is not a number of hours; type it like 4,5 or 4.5"),
    ([*MEETING[:11], "5", *MEETING[12:]], 1, "private hours (5) exceed the meeting's hours (3.5)"),
    ([*MEETING[:13], "kids=1", *MEETING[14:]], 2, "--attendees: 'kids' is not a key here"),
    (MEETING[:-2], 2, "missing --plan or --no-plan (no terminal to ask at)"),
    (["case", "forms", CASE, "--minor", "meeting=8"], 1, "has no meeting yet"),
])
def test_wrong_meetings_are_refused_and_change_nothing(repo, args, exit_code, fragment):
    before = snapshot(repo)
    result = ekc(repo, *args)
    assert result.exit_code == exit_code and fragment in result.stderr, result.stderr
    assert snapshot(repo) == before


@pytest.mark.parametrize(("args", "fragment"), [
    (["--minor", "meeting=11"], "--minor: minor meeting: 11 is outside 1-10 for a grade"),
    (["--minor", "meeting=7,25"], "not a grade; give 1 to 10, like 8 or 7,5"),
    (["--adult", "role=oma,meeting=8"], "adult role 'oma' is unknown"),
    (["--out", "minors=0", "--minor", "meeting=8"], "1 minors forms returned but 0 sent out"),
])
def test_wrong_forms_are_refused(repo, args, fragment):
    ok(ekc(repo, *MEETING))
    before = snapshot(repo)
    result = ekc(repo, "case", "forms", CASE, *args)
    assert result.exit_code in (1, 2) and fragment in result.stderr, result.stderr
    assert snapshot(repo) == before


def test_meeting_by_prompts_with_a_wrong_answer_asked_again(repo, monkeypatch):
    monkeypatch.setattr("ekc.cli.prompts.interactive", lambda: True)
    answers = "\n".join([
        "30-09-2024",  # before the phase: asked again
        "05-10-2024", "kerkje", "1", "n", "drie", "3,5", "4", "1,5", "1", "2", "4", "1", "2", "j", "j", "n", "j", "n", "",
    ]) + "\n"
    result = ok(ekc(repo, "case", "meeting", CASE, input=answers))
    assert "is before 2024-10-01" in result.stderr and "did you mean church (kerk)?" in result.stderr
    assert "'drie' is not a number of hours" in result.stderr and "cannot be longer than the whole meeting" in result.stderr
    assert "locatie: community_centre (buurthuis/wijkcentrum)" in result.stderr
    meeting = json.loads(ok(ekc(repo, "case", "show", CASE, "--json")).stdout)["case"]["meetings"][0]
    assert meeting == {"date": "2024-10-05", "follow_up": False, "venue": "community_centre", "daytime_only": True,
                       "hours_total": 3.5, "hours_private": 1.5,
                       "attendees": {"minor_main": 1, "adult_main": 2, "family": 4, "network": 1, "professional": 2},
                       "plan": {"made": True, "evaluation": True, "contingency": False, "professional_help": True},
                       "follow_up_agreed": False}


def test_forms_by_prompts(repo, monkeypatch):
    ok(ekc(repo, *MEETING))
    monkeypatch.setattr("ekc.cli.prompts.interactive", lambda: True)
    answers = "\n".join([
        "1", "2", "1",           # out: minors, adults, professionals
        "1", "8", "7,5", "11", "9",   # one minor form; 11 asked again
        "1", "hoofdpersoon", "8", "-", "9", "7",  # one adult form
        "0",                     # no professional form back
        "7", "8,5", "",          # coordinator grades, confirm
    ]) + "\n"
    result = ok(ekc(repo, "case", "forms", CASE, input=answers))
    assert "11 is outside 1-10 for a grade" in result.stderr
    satisfaction = json.loads(ok(ekc(repo, "case", "show", CASE, "--json")).stdout)["case"]["satisfaction"]
    assert satisfaction == {
        "forms_out": {"minors": 1, "adults": 2, "professionals": 1},
        "minors": [{"meeting": 8, "plan": 7.5, "coordinator": 9}],
        "adults": [{"role": "main", "meeting": 8, "coordinator": 9, "referrer": 7}],
        "professionals": [],
        "coordinator": {"professionals": 7, "regional_manager": 8.5},
    }


def test_new_by_municipality_name_gezin_and_a_dutch_date(repo, monkeypatch):
    args = ["case", "new", "--municipality", "purmerend", "--variant", "gezin", "--referrer", "zelf", "--no-minors",
            "--no-conditions", "--professional-help", "onbekend", "--reason", "scheiding", "--date", "30-09-2024"]
    case_id = ok(ekc(repo, *args)).stdout.strip()
    text = (repo / "cases/2024" / case_id / "case.yaml").read_text()
    assert "variant: family\nmunicipality: GM0439\nreferrer: self\n" in text and "{phase: registered, date: 2024-09-30}" in text
    wrong = ekc(repo, *[("Purmerent" if a == "purmerend" else a) for a in args])
    assert wrong.exit_code == 2 and "municipality 'Purmerent' is unknown; did you mean Purmerend (GM0439)?" in wrong.stderr


def test_dutch_input():
    assert dutch.parse_date("30-11-2026").isoformat() == "2026-11-30" == dutch.parse_date("2026-11-30").isoformat()
    assert dutch.parse_decimal("4,5") == 4.5 == dutch.parse_decimal("4.5")
    assert dutch.parse_grade("7,5") == 7.5 and dutch.parse_grade("8") == 8 and isinstance(dutch.parse_grade("8"), int)
    assert dutch.choice("herstelconferentie", "variant") == "restorative"
    assert dutch.choice("buurtconferentie", "variant") == "group"
    assert dutch.choice("kerk", "venue") == "church" and dutch.choice("buurthuis", "venue") == "community_centre"
    assert dutch.choice("2", "venue", numbered=True) == "agency_office"
    with pytest.raises(dutch.InputProblem, match="did you mean Purmerend"):
        dutch.municipality("Purmerent", {"GM0439": "Purmerend"})
    assert dutch.municipality("gm439", {"GM0439": "Purmerend"}) == "GM0439"
    with pytest.raises(dutch.InputProblem, match="not a day of the calendar"):
        dutch.parse_date("31-02-2026")


def test_a_wrong_language_is_named_in_plain_words(store):
    from ekc.validate.verdicts import judge
    from tests.support.store import dump

    doc = {"coordinators": [coordinator(languages=["Arabisch", "nl"])]}
    messages_ = [f.message for f in judge("coordinators", "coordinators.yaml", dump(doc).encode()).findings]
    assert messages_ == ["languages: 'Arabisch' is not an ISO 639 code; did you mean ar (Arabic)?"]
