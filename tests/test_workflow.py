"""ekc/cases/workflow.py: a person's comments survive, a crash leaves no half file, git failures undo."""

import os
import stat
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ekc.cases import workflow as casework
from ekc.core.ids import SALTS, SEQUENCES, make_id
from ekc.model.vocabulary import PHASES, with_dutch
from ekc.cases.workflow import AssignResult, NewCase, advance, assign, new_case
from ekc.core.errors import Refused
from ekc.store import git as ekc_git
from ekc.core.identifying import PersonalStrings, message_problem
from ekc.store.git import GitFailed
from tests.case_repos import changed_paths, git, init_repo, messages, snapshot
from tests.support.store import coordinator, registered_case

HAND_WRITTEN = """\
# Aanmelding via het wijkteam; zie de map van de regio.
id: EKC-2024-AB12C
municipality: GM0439   # Purmerend
variant: family
referrer: self
minors_involved: false
conditions: false
professional_help: unknown
reasons:
  - parenting   # the main reason
  - debt
history:
  # dates as agreed on the phone
  - {phase: registered, date: 2024-09-02}   # came in on a Monday
satisfaction: {}   # forms to follow
"""

AFTER = """\
# Aanmelding via het wijkteam; zie de map van de regio.
id: EKC-2024-AB12C
municipality: GM0439   # Purmerend
variant: family
referrer: self
minors_involved: false
conditions: false
professional_help: unknown
reasons:
  - parenting   # the main reason
  - debt
coordinator: C-0042
history:
  # dates as agreed on the phone
  - {phase: registered, date: 2024-09-02}   # came in on a Monday
  - {phase: informative_talk, date: 2024-09-03}
satisfaction: {}   # forms to follow
"""


@pytest.fixture
def repo(store):
    store.coordinators["coordinators"].append(coordinator("C-0007"))
    root = store.write()
    folder = root / "cases/2024/EKC-2024-AB12C"
    folder.mkdir(parents=True)
    (folder / "case.yaml").write_text(HAND_WRITTEN)
    (folder / "personal.yaml").write_text("main_persons:\n  - {name: Sanne de Vries}\nemail: s.devries@example.org\n")
    return init_repo(root)


CASE = Path("cases/2024/EKC-2024-AB12C/case.yaml")
DAY = date(2024, 9, 3)


def test_comments_and_key_order_survive_assign_and_advance(repo):
    result = assign(repo, "EKC-2024-AB12C", "C-0042", DAY)
    assert isinstance(result, AssignResult) and result.changed and result.commit
    advance(repo, "EKC-2024-AB12C", DAY)
    assert (repo / CASE).read_text() == AFTER


def test_closing_inserts_outcome_after_history_keeping_what_follows(repo):
    advance(repo, "EKC-2024-AB12C", DAY, outcome="stopped", stop_reason="unwilling")
    text = (repo / CASE).read_text()
    assert text.endswith(
        "  - {phase: closed, date: 2024-09-03}\noutcome: stopped\nstop_reason: unwilling\nsatisfaction: {}   # forms to follow\n"
    )
    assert messages(repo)[0] == "case EKC-2024-AB12C: closed (afgesloten) on 2024-09-03, from registered, outcome stopped (gestopt), stop reason unwilling"


def test_assign_is_the_function_match_calls(repo):
    with pytest.raises(Refused, match=r"\[eligibility\]"):
        assign(repo, "EKC-2024-AB12C", "C-0042", date(2024, 7, 20))  # on leave 2024-07-15 to 2024-08-09
    forced = assign(repo, "EKC-2024-AB12C", "C-0042", date(2024, 7, 20), force_reason="only one speaking the language", commit=False)
    # the appointment promise (2 days) is the window, as in `ekc match`
    assert forced.forced_past == ("unavailable from 2024-07-20 to 2024-07-22",)
    assert forced.commit is None and messages(repo)[0] == "initial data"
    assert "Forced past: unavailable from 2024-07-20 to 2024-07-22\nReason: only one speaking the language" in forced.message


def test_assign_accepts_a_coordinator_back_from_leave_within_the_appointment_promise(repo):
    """Away today, back the day after tomorrow's eve: the appointment can still be made in time,
    so `case assign` agrees with `ekc match`, which proposes such a coordinator."""
    result = assign(repo, "EKC-2024-AB12C", "C-0042", date(2024, 8, 8), commit=False)  # leave ends 2024-08-09
    assert result.forced_past == ()


def test_a_force_reason_naming_the_family_is_refused_before_anything_is_written(repo):
    before = snapshot(repo)
    for reason in ("Sanne asked for her", "mail s.devries@example.org", "a friend of the Vries family", "Fatima knows the area"):
        with pytest.raises(Refused, match="refusing to commit"):
            assign(repo, "EKC-2024-AB12C", "C-0042", date(2024, 7, 20), force_reason=reason)
    assert snapshot(repo) == before


def test_a_crash_while_writing_leaves_the_old_file(repo, monkeypatch):
    before = snapshot(repo)

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        assign(repo, "EKC-2024-AB12C", "C-0042", DAY)
    assert snapshot(repo) == before  # no half file, no temporary file left beside it


def test_a_crash_halfway_through_the_bytes_leaves_the_old_file(repo, monkeypatch):
    """The new bytes are in the temporary file when the power goes: the target never sees them."""
    before = snapshot(repo)
    written = []

    def power_cut(fd):
        written.append(os.fstat(fd).st_size)
        raise OSError("power cut")

    monkeypatch.setattr(os, "fsync", power_cut)
    from ekc.core.errors import FileProblem

    with pytest.raises(FileProblem, match="cannot write .*case.yaml: power cut"):
        advance(repo, "EKC-2024-AB12C", DAY, outcome="declined")
    assert written and written[0] > 0
    assert snapshot(repo) == before


def test_a_crash_between_the_two_files_of_a_new_case_removes_the_first(repo, monkeypatch):
    before = snapshot(repo)
    real_replace = os.replace
    seen = []

    def second_fails(src, dst):
        seen.append(dst)
        if str(dst).endswith("personal.yaml"):
            raise OSError("crash")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", second_fails)
    fields = NewCase("GM0439", "family", "self", None, False, False, "unknown", ("debt",))
    from ekc.core.errors import FileProblem

    with pytest.raises(FileProblem, match="cannot write .*personal.yaml: crash"):
        new_case(repo, fields, DAY)
    monkeypatch.setattr(os, "replace", real_replace)
    assert snapshot(repo) == before
    assert [p.name for p in (repo / "cases/2024").iterdir()] == ["EKC-2024-AB12C"]  # no empty folder left


def test_a_refusing_hook_undoes_the_write(repo):
    hook = repo / ".git/hooks/pre-commit"
    hook.write_text("#!/bin/sh\necho 'validation failed' >&2\nexit 1\n")
    hook.chmod(hook.stat().st_mode | stat.S_IEXEC)
    before = snapshot(repo)
    with pytest.raises(GitFailed, match="validation failed"):
        assign(repo, "EKC-2024-AB12C", "C-0042", DAY)
    assert snapshot(repo) == before
    assert git(repo, "status", "--porcelain") == ""


def test_a_change_that_would_make_the_file_invalid_is_refused(repo):
    # a meeting typed by hand into a case that never had a meeting phase
    path = repo / CASE
    path.write_text(path.read_text() + "meetings:\n  - {date: 2024-09-02}\n")
    before = snapshot(repo)
    with pytest.raises(Refused, match="invalid"):
        assign(repo, "EKC-2024-AB12C", "C-0042", DAY)
    assert snapshot(repo) == before


# -- git helpers ---------------------------------------------------------------------------

def _family() -> PersonalStrings:
    found = PersonalStrings()
    found.add_name("Sanne de Vries")
    found.add_value("s.devries@example.org")
    return found


@pytest.mark.parametrize(
    ("message", "reason", "problem"),
    [
        ("case EKC-2024-AB12C: informative_talk on 2007-05-06, from registered", None, None),
        ("case EKC-2024-AB12C: closed on 2009-12-31, from follow_up, outcome plan", None, None),
        ("case X: coordinator C-0001 assigned\n\nReason: call 06 12345678", "call 06 12345678", "phone number"),
        ("case X: coordinator C-0001 assigned\n\nReason: 1441 AB", "1441 AB", "postcode"),
        ("case X: coordinator C-0001 assigned\n\nReason: bsn 123456782", "bsn 123456782", "BSN"),
        ("case X: coordinator C-0001 assigned\n\nReason: de Vries family", "de Vries family", "personal data"),
        ("case X: coordinator C-0001 assigned\n\nReason: Sanne asked", "Sanne asked", "personal data"),
        ("case X: coordinator C-0001 assigned\n\nReason: mail s.devries@example.org", "mail s.devries@example.org", "e-mail"),
    ],
)
def test_message_problem(message, reason, problem):
    found = message_problem(message, _family(), (reason,) if reason else ())
    assert (found is None) if problem is None else (problem in found)


def test_a_coordinator_named_like_a_template_word_blocks_nobody():
    """One pool member called "Plan" or "Case" must not block every `case assign` (issue 11)."""
    pool = PersonalStrings()
    for name in ("Case Plan", "Coordinator Assigned", "Closed Outcome"):
        pool.add_name(name)
    message = (
        "case EKC-2024-AB12C: coordinator C-0004 assigned in meeting_aftercare (bijeenkomst en nazorg), "
        "replacing C-0002, outcome plan, closed"
    )
    assert message_problem(message, pool) is None
    # the full name still counts, wherever it stands
    assert message_problem(message + "\n\nReason: Case Plan asked", pool, ("Case Plan asked",)) is not None


def test_assign_works_with_a_pool_member_named_after_the_template(repo):
    """End to end: `case assign` commits although someone in the pool is called Coordinator Plan."""
    pool = (repo / "coordinators.yaml").read_text().replace("name: ", "name: Coordinator Plan ", 1)
    (repo / "coordinators.yaml").write_text(pool)
    git(repo, "commit", "-qam", "pool")
    result = assign(repo, "EKC-2024-AB12C", "C-0042", DAY)
    assert result.commit is not None


def test_inside_repo_and_common_dir(tmp_path, store):
    root = store.write()
    assert not ekc_git.is_inside_repo(root) and ekc_git.common_dir(root) is None
    init_repo(root)
    assert ekc_git.is_inside_repo(root)
    assert ekc_git.common_dir(root) == (root / ".git").resolve()
    git(root, "worktree", "add", "-q", str(tmp_path / "wt"))
    assert ekc_git.common_dir(tmp_path / "wt") == (root / ".git").resolve()
    (root / "deeper" / "still").mkdir(parents=True)
    assert ekc_git.common_dir(root / "deeper" / "still") == (root / ".git").resolve()


def test_commit_paths_commits_exactly_the_paths_including_a_deletion(repo):
    (repo / "ekc.yaml").write_text("retention_months: 3\n")
    (repo / "coordinators.yaml").unlink()
    sha = ekc_git.commit_paths(repo, [repo / "ekc.yaml", repo / "coordinators.yaml"], "settings and pool")
    assert sha == git(repo, "rev-parse", "HEAD").strip()
    assert changed_paths(repo) == ["coordinators.yaml", "ekc.yaml"]


def test_data_repository_in_a_subfolder_of_the_git_repository(tmp_path, store):
    store.root = tmp_path / "project" / "data"
    store.with_case(registered_case())
    store.write()
    init_repo(tmp_path / "project")
    assign(store.root, "EKC-2024-AB12C", "C-0042", DAY)
    assert changed_paths(tmp_path / "project") == ["data/cases/2024/EKC-2024-AB12C/case.yaml"]


def test_case_path_is_under_the_year_of_the_id():
    assert casework.case_path(Path("/r"), "EKC-2025-AB12C") == Path("/r/cases/2025/EKC-2025-AB12C/case.yaml")


@settings(max_examples=300, deadline=None)
@given(
    st.integers(0, SALTS - 1), st.integers(0, SEQUENCES - 1), st.dates(date(2000, 1, 1), date(2099, 12, 31)),
    st.sampled_from(PHASES), st.sampled_from(["plan", "no_plan", "own_plan", "declined", "stopped"]),
    st.integers(0, 20), st.integers(1, 20),
)
def test_the_messages_ekc_writes_never_look_like_personal_data(salt, sequence, day, phase, outcome, taken, places):
    """Else a plain `case advance` would be refused for a message made of ids and dates alone,
    whatever the pool's members are called (here: after every word of every message)."""
    case_id = make_id(day.year, salt, sequence)
    pool = PersonalStrings()
    for message in (
        f"case {case_id}: {with_dutch(phase)} on {day}, from registered, start funded by contract PUR-{day.year}",
        f"case {case_id}: closed (afgesloten) on {day}, from follow_up, outcome {with_dutch(outcome)}, stop reason other",
        f"case {case_id}: coordinator C-{sequence:04d} assigned in {with_dutch(phase)}, replacing C-{salt % 10000:04d}\n\n"
        f"Forced past: full: {taken} of {places} places taken; unavailable on {day}; no agreement for {day.year}\nReason: urgent",
    ):
        for word in message.split():
            pool.add_name(word.strip(",:;()").capitalize() + " Zwaneveld")
        assert message_problem(message, pool) is None, message
