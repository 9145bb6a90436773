"""The prompts through a real pseudo-terminal: what a person at a terminal sees and types.

CliRunner cannot show these: whether stdin is a terminal, what Ctrl-C does (SIGINT from the
terminal, not an exception a test raises), and that nothing is written when it comes.
"""

import json
import os
import sys

import pexpect
import pytest

from tests.case_repos import messages, snapshot
from tests.test_case_meeting import CASE, repo  # noqa: F401  (the fixture)

TODAY = "2024-10-20"

MEETING_PROMPTS = [
    (r"Datum van de bijeenkomst", "05-10-2024"),
    (r"Locatie:", None),
    (r"number, code or Dutch name\)", "kerk"),
    (r"tot in de avond", "n"),
    (r"Duur in uren", "3,5"),
    (r"besloten deel", "1,5"),
    (r"minderjarige hoofdpersonen", "1"),
    (r"volwassen hoofdpersonen", "2"),
    (r"familieleden", "4"),
    (r"netwerk \(vrienden, buren\)", "1"),
    (r"Aanwezig: professionals", "2"),
    (r"Is er een plan gemaakt", "j"),
    (r"evaluatie-afspraak", "j"),
    (r"plan B", "j"),
    (r"hulp van professionals", "n"),
    (r"Vervolgconferentie afgesproken", "n"),
    (r"Opslaan\?", ""),
]


def spawn(root, *args, today=TODAY):
    env = {**os.environ, "NO_COLOR": "1", "TERM": "dumb"}
    return pexpect.spawn(sys.executable, ["-m", "ekc", "--data", str(root), "--today", today, *args],
                         env=env, encoding="utf-8", dimensions=(40, 80), timeout=30)


def finish(child) -> int:
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus if child.exitstatus is not None else 128 + child.signalstatus


def test_meeting_by_prompts_in_a_terminal_with_a_wrong_answer_asked_again(repo):  # noqa: F811
    child = spawn(repo, "case", "meeting", CASE)
    child.expect("Datum van de bijeenkomst")
    child.sendline("2024-09-30")  # before the phase began
    child.expect("is before 2024-10-01")
    for pattern, answer in MEETING_PROMPTS:
        child.expect(pattern)
        if answer is not None:
            child.sendline(answer)
    assert finish(child) == 0
    assert messages(repo)[0] == f"case {CASE}: meeting of 2024-10-05 recorded in meeting_aftercare (formele bijeenkomst en nazorg)"
    closed = spawn(repo, "case", "advance", CASE, "--to", "closed", "--outcome", "plan")
    assert finish(closed) == 0
    checked = spawn(repo, "validate")
    checked.expect("0 errors, 0 warnings")
    assert finish(checked) == 0


def interrupt_at(child, prompts, stop: int) -> None:
    """Answer the prompts (an answer of None: only wait for it) until the `stop`-th answer,
    and press Ctrl-C there instead."""
    answered = 0
    for pattern, answer in prompts:
        child.expect(pattern)
        if answer is None:
            continue
        if answered == stop:
            child.sendintr()
            return
        child.sendline(answer)
        answered += 1


@pytest.mark.parametrize("stop", range(len([p for p in MEETING_PROMPTS if p[1] is not None])))
def test_ctrl_c_at_each_meeting_prompt_exits_130_and_changes_nothing(repo, stop):  # noqa: F811
    before = snapshot(repo)
    head = messages(repo)[0]
    child = spawn(repo, "case", "meeting", CASE)
    interrupt_at(child, MEETING_PROMPTS, stop)
    assert finish(child) == 130
    assert snapshot(repo) == before and messages(repo)[0] == head


NEW_PROMPTS = [
    (r"Datum aanmelding", "30-11-2026"),
    (r"Gemeente \(naam of code\)", "Purmerent"),  # a near miss: asked again
    (r"did you mean Purmerend \(GM0439\)\?", "purmerend"),
    (r"Variant:", None),
    (r"number, code or Dutch name\)", "gezin"),
    (r"Aanmelder:", None),
    (r"number, code or Dutch name\)", "2"),
    (r"Minderjarige hoofdpersoon", "j"),
    (r"drang/dwang", "nee"),
    (r"Hulpverlening betrokken sinds:", None),
    (r"number, code or Dutch name\)", "onbekend"),
    (r"Redenen van de aanmelding:", None),
    (r"separated by commas\)", "scheiding, 3"),
    (r"Opslaan\?", "j"),
]


def test_case_new_in_a_terminal_by_municipality_name_gezin_and_a_dutch_date(repo):  # noqa: F811
    child = spawn(repo, "case", "new", today="2026-11-30")
    for pattern, answer in NEW_PROMPTS:
        if pattern.startswith("Gemeente"):
            child.expect("Purmerend \\(GM0439\\)")  # the list of municipalities comes first
        child.expect(pattern)
        if answer is not None:
            child.sendline(answer)
    child.expect(r"(EKC-2026-[0-9A-Z]{5})")
    case_id = child.match.group(1)
    assert finish(child) == 0
    text = (repo / "cases/2026" / case_id / "case.yaml").read_text()
    assert "variant: family\nmunicipality: GM0439\nreferrer: self\n" in text
    assert "reasons: [divorce, parenting]" in text and "{phase: registered, date: 2026-11-30}" in text


@pytest.mark.parametrize("stop", [0, 1, 4, 7])
def test_ctrl_c_in_case_new_exits_130_and_writes_nothing(repo, stop):  # noqa: F811
    before = snapshot(repo)
    child = spawn(repo, "case", "new", today="2026-11-30")
    interrupt_at(child, NEW_PROMPTS, stop)
    assert finish(child) == 130
    assert snapshot(repo) == before


def test_forms_by_prompts_and_ctrl_c(repo):  # noqa: F811
    done = spawn(repo, *"case meeting".split(), CASE, "--date", "2024-10-05", "--venue", "thuis", "--daytime", "--hours", "3",
                 "--private-hours", "1", "--attendees", "adult_main=2", "--plan", "made", "--no-follow-up-agreed")
    assert finish(done) == 0
    before = snapshot(repo)
    child = spawn(repo, "case", "forms", CASE)
    child.expect("uitgedeeld aan minderjarigen")
    child.sendline("0")
    child.expect("uitgedeeld aan volwassenen")
    child.sendintr()
    assert finish(child) == 130 and snapshot(repo) == before

    child = spawn(repo, "case", "forms", CASE)
    for pattern, answer in [("aan minderjarigen", "0"), ("aan volwassenen", "2"), ("aan professionals", "0"),
                            ("van minderjarigen", "0"), ("van volwassenen", "1"), ("rol:", None),
                            (r"Dutch name\)", "hoofdpersoon"), ("cijfer bijeenkomst", "7,5"), ("cijfer plan", "tien"),
                            ("is not a grade", None), ("cijfer plan", "8"), ("cijfer coördinator", "9"),
                            ("cijfer verwijzer", "-"), ("van professionals", "0"), ("met professionals", "-"),
                            ("de regiomanager", "8"), (r"Opslaan\?", "j")]:
        child.expect(pattern)
        if answer is not None:
            child.sendline(answer)
    assert finish(child) == 0
    show = spawn(repo, "case", "show", CASE, "--json")
    show.expect(pexpect.EOF)
    text = show.before.replace("\r\n", "\n")
    satisfaction = json.loads(text[text.index("{"):])["case"]["satisfaction"]
    assert satisfaction["adults"] == [{"role": "main", "meeting": 7.5, "plan": 8, "coordinator": 9}]
    assert satisfaction["coordinator"] == {"regional_manager": 8}
