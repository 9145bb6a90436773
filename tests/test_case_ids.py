"""Case ids: well-formed, never reused in a clone, disjoint between clones (ekc/core/ids.py)."""

import json
import random
import shutil
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ekc.core.ids import SALTS, SEQUENCES, is_case_id, make_id, normalise, split_id
from ekc.cases.workflow import NewCase, new_case
from ekc.cases.id_state import next_id
from ekc.store.loader import load
from tests.case_repos import git, init_repo, origin_with_clones
from tests.support.store import StoreBuilder


@given(st.integers(2000, 2099), st.integers(0, SALTS - 1), st.integers(0, SEQUENCES - 1))
def test_an_id_decodes_to_what_made_it(year, salt, sequence):
    case_id = make_id(year, salt, sequence)
    assert is_case_id(case_id)
    assert split_id(case_id) == (year, salt, sequence)


@given(st.integers(0, SALTS - 1), st.integers(0, SALTS - 1), st.integers(0, SEQUENCES - 1), st.integers(0, SEQUENCES - 1))
def test_different_salts_never_give_the_same_id(salt_a, salt_b, seq_a, seq_b):
    if (salt_a, seq_a) != (salt_b, seq_b):
        assert make_id(2024, salt_a, seq_a) != make_id(2024, salt_b, seq_b)


def test_ids_do_not_show_their_order():
    first, second = make_id(2024, 7, 0), make_id(2024, 7, 1)
    assert first[:-1] != second[:-1]


def test_out_of_range_is_a_bug():
    with pytest.raises(ValueError):
        make_id(2024, SALTS, 0)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("ekc-2024-k7q2m", "EKC-2024-K7Q2M"), (" EKC-2024-O1IL0 ", "EKC-2024-01110"), ("nonsense", "NONSENSE")],
)
def test_normalise_what_a_person_typed(typed, meant):
    assert normalise(typed) == meant


def test_split_rejects_malformed_ids():
    assert split_id("EKC-2024-K7Q2") is None
    assert split_id("EKC-2024-K7Q2U") is None  # U is not in Crockford's alphabet


@pytest.fixture
def repo(store):
    return init_repo(store.write())


def state_of(root):
    return json.loads((root / ".git" / "ekc" / "case-ids.json").read_text())


def test_one_clone_hands_out_distinct_ids_with_one_salt(repo, monkeypatch):
    monkeypatch.setattr("os.fsync", lambda fd: None)
    ids = [next_id(repo, 2024) for _ in range(300)]
    assert len(set(ids)) == 300
    salts = {split_id(i)[1] for i in ids}
    assert salts == {state_of(repo)["salt"]}
    assert state_of(repo)["years"]["2024"]["issued"] == 300


def test_an_id_present_with_this_clones_salt_but_not_handed_out_here_is_never_reused(repo):
    """E.g. restored from a backup of a lost clone: draw a new salt rather than trust the sequence."""
    next_id(repo, 2024)
    state = state_of(repo)
    year = state["years"]["2024"]
    upcoming = make_id(2024, state["salt"], (year["start"] + year["issued"]) % SEQUENCES)
    (repo / "cases" / "2024" / upcoming).mkdir(parents=True)
    given = next_id(repo, 2024)
    assert given != upcoming
    assert state_of(repo)["salt"] != state["salt"]
    assert state["salt"] in state_of(repo)["retired"]


def test_years_have_their_own_sequences(repo):
    a, b = next_id(repo, 2024), next_id(repo, 2025)
    assert a.startswith("EKC-2024-") and b.startswith("EKC-2025-")
    assert set(state_of(repo)["years"]) == {"2024", "2025"}


def test_a_copied_working_folder_draws_a_new_salt(repo, tmp_path):
    next_id(repo, 2024)
    copy = tmp_path / "copy"
    shutil.copytree(repo, copy)  # copies .git/ekc too: the state must notice
    next_id(copy, 2024)
    assert state_of(copy)["salt"] != state_of(repo)["salt"]
    assert state_of(repo)["salt"] in state_of(copy)["retired"]


def test_an_exhausted_year_draws_a_new_salt(repo):
    next_id(repo, 2024)
    state = state_of(repo)
    state["years"]["2024"]["issued"] = SEQUENCES
    (repo / ".git" / "ekc" / "case-ids.json").write_text(json.dumps(state))
    case_id = next_id(repo, 2024)
    assert split_id(case_id)[1] != state["salt"]


class Scripted(random.Random):
    """A random source whose salt draws are given, to show which salts are avoided."""

    def __init__(self, salts):
        super().__init__(0)
        self.salts = list(salts)

    def randrange(self, stop):
        return self.salts.pop(0) if stop == SALTS else super().randrange(stop)


def test_a_new_clone_avoids_the_salts_of_ids_it_can_see(repo):
    taken = make_id(2024, 77, 5)
    (repo / "cases" / "2024" / taken).mkdir(parents=True)
    next_id(repo, 2024, rng=Scripted([77, 78]))
    assert state_of(repo)["salt"] == 78


def test_a_clone_that_sees_its_salt_in_foreign_ids_draws_another(tmp_path):
    a, b = origin_with_clones(tmp_path, StoreBuilder(tmp_path / "seed"), "a", "b")
    # both clones draw salt 500: the 1-in-8,192 case
    next_id(a, 2024, rng=Scripted([500]))
    next_id(b, 2024, rng=Scripted([500]))
    fields = NewCase("GM0439", "family", "self", None, False, False, "unknown", ("parenting",))
    new_case(a, fields, date(2024, 9, 2))
    git(a, "push", "-q", "origin", "HEAD:main")
    git(b, "pull", "-q", "--no-rebase", "origin", "main")
    b_id = new_case(b, fields, date(2024, 9, 2), rng=Scripted([501])).case_id
    assert split_id(b_id)[1] == 501
    assert 500 in state_of(b)["retired"]


def test_outside_git_ids_are_random_and_unused(store):
    root = store.write()
    ids = {next_id(root, 2024) for _ in range(50)}
    assert len(ids) == 50
    assert not (root / ".git").exists()


@pytest.mark.slow
def test_two_clones_registering_500_cases_each_merge_without_conflict_or_duplicate(tmp_path, monkeypatch):
    monkeypatch.setattr("os.fsync", lambda fd: None)  # durability is not under test; 3,000 fsyncs are slow
    a, b = origin_with_clones(tmp_path, StoreBuilder(tmp_path / "seed"), "a", "b")
    fields = NewCase("GM0439", "family", "professional", "youth_care", True, False, "none", ("divorce",))
    made = {}
    for clone, seed in ((a, 1), (b, 2)):
        rng = random.Random(seed)  # seeded so the run is the same every time
        made[clone] = [new_case(clone, fields, date(2024, 9, 2), commit=False, rng=rng).case_id for _ in range(500)]
        git(clone, "add", "-A")
        git(clone, "commit", "-q", "-m", "500 cases")
    salts = {clone: {split_id(i)[1] for i in ids} for clone, ids in made.items()}
    assert len(salts[a]) == len(salts[b]) == 1 and salts[a] != salts[b]
    git(a, "push", "-q", "origin", "HEAD:main")
    git(b, "pull", "-q", "--no-rebase", "origin", "main")  # a merge commit; raises on a conflict
    assert git(b, "status", "--porcelain") == ""
    merged = load(b, use_cache=False)
    assert len(merged.store.cases) == 1000
    assert set(merged.store.cases) == set(made[a]) | set(made[b])
    assert not [f for f in merged.findings if f.is_error]


def test_a_lost_state_write_never_reuses_an_id(repo):
    """The state is not fsynced; after a crash it may be older than the cases on disk."""
    first = next_id(repo, 2024)
    stale = (repo / ".git/ekc/case-ids.json").read_text()
    second = next_id(repo, 2024)
    (repo / "cases/2024" / second).mkdir(parents=True)
    (repo / ".git/ekc/case-ids.json").write_text(stale)  # the crash lost the second update
    third = next_id(repo, 2024)
    assert third not in {first, second}
    assert split_id(third)[1] != split_id(second)[1]


def test_a_corrupt_state_file_only_costs_a_new_salt(repo):
    first = next_id(repo, 2024)
    (repo / "cases/2024" / first).mkdir(parents=True)
    (repo / ".git/ekc/case-ids.json").write_text("{not json")
    assert split_id(next_id(repo, 2024))[1] != split_id(first)[1]
