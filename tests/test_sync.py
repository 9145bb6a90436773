"""`ekc sync` on staff clones made before a purge: after it, each clone holds none of the
logged ids and no family string in any object, and clean local work survived."""

import pytest
from typer.testing import CliRunner

from ekc.cli.app import app
from tests.support.git import commit_all, git, out
from tests.purge_sim import (CASE, OTHER, PERSONAL, clone_of, every_object_text, family_strings, leaks, make_server,
                             populate, present, purge, push)
from tests.support.store import case_folder


def sync(clone, monkeypatch, *args):
    monkeypatch.chdir(clone)
    return CliRunner().invoke(app, ["sync", *args])


def edit_other(clone, old: str, new: str) -> None:
    path = case_folder(clone, OTHER) / "case.yaml"
    path.write_text(path.read_text().replace(old, new))


def populated_server(tmp_path):
    """A bare server and the office clone that filled it with the store."""
    server = make_server(tmp_path)
    office = clone_of(server, tmp_path / "office")
    populate(office)
    return server, office


@pytest.fixture
def world(tmp_path):
    server, office = populated_server(tmp_path)
    anna = clone_of(server, tmp_path / "anna")
    bram = clone_of(server, tmp_path / "bram")
    # Anna: clean work on main and on a branch, a branch bringing the family back, a
    # stash, notes, a commit message file and a rerere record
    edit_other(anna, "parenting", "divorce")
    clean_main = commit_all(anna, f"{OTHER}: reasons")
    git(anna, "checkout", "-q", "-b", "feature")
    edit_other(anna, "self", "family")
    commit_all(anna, f"{OTHER}: referrer")
    git(anna, "checkout", "-q", "-b", "leaky", "main")
    (anna / PERSONAL).write_text((anna / PERSONAL).read_text() + "notes: bezoek gepland\n")
    leaky = commit_all(anna, "notes")
    git(anna, "checkout", "-q", "main")
    edit_other(anna, "family", "individual")
    git(anna, "stash", "-q")
    git(anna, "fetch", "-q", "origin", "refs/notes/*:refs/notes/*")
    (anna / ".git" / "rr-cache" / "abc").mkdir(parents=True)
    (anna / ".git" / "rr-cache" / "abc" / "postimage").write_text("name: Sanne de Vries\n")
    # Bram: no own work, a local tag on the old history
    git(bram, "tag", "mine", "HEAD~1")
    purged = purge(office)
    return server, office, anna, bram, purged, {"clean_main": clean_main, "leaky": leaky}


def assert_clean(clone, purged):
    assert leaks(clone, purged) == []  # the red team's scanner, independent of ekc's proof
    assert present(clone, purged.blobs + purged.commits + [purged.old_main]) == set()
    everything = every_object_text(clone)
    assert not [s for s in family_strings() if s in everything]
    git_dir = clone / ".git"
    for leftover in ("COMMIT_EDITMSG", "ORIG_HEAD", "FETCH_HEAD", "rr-cache"):
        assert not (git_dir / leftover).exists(), leftover
    assert out(clone, "reflog", "--all") == "" or "de Vries" not in out(clone, "reflog", "--all")


def test_sync_moves_stale_clones_onto_the_new_history(world, monkeypatch):
    server, office, anna, bram, purged, made = world
    result = sync(anna, monkeypatch)
    assert result.exit_code == 0, result.output
    said = result.output
    assert "rewritten by a purge" in said and "proof: none of the" in said
    assert f"dropped commit {made['leaky'][:10]} on branch leaky (purged data of {CASE})" in said
    assert "1 stash entry(ies) carried over" in said and "dropped refs/notes/commits" in said
    assert not [s for s in family_strings() if s.decode() in said]
    assert_clean(anna, purged)
    # the clean work survived, on top of the new history
    assert out(anna, "rev-parse", "main~1") == out(server, "rev-parse", "main")
    assert out(anna, "log", "-1", "--format=%s", "main") == f"{OTHER}: reasons"
    assert "divorce" in (case_folder(anna, OTHER) / "case.yaml").read_text()
    assert not (anna / PERSONAL).exists()
    assert out(anna, "log", "--format=%s", "-2", "feature").splitlines() == [f"{OTHER}: referrer", f"{OTHER}: reasons"]
    assert "branch leaky: 1 of your commits carried over" in said  # its clean commit, without the leak
    assert out(anna, "log", "-1", "--format=%s", "leaky") == f"{OTHER}: reasons"
    assert "individual" in out(anna, "stash", "show", "-p", "stash@{0}")  # the clean stash, on the new history
    assert out(anna, "merge-base", "--is-ancestor", out(server, "rev-parse", "main"), "stash@{0}") == ""

    result = sync(bram, monkeypatch)
    assert result.exit_code == 0, result.output
    assert "deleted refs/tags/mine" in result.output
    assert_clean(bram, purged)
    assert out(bram, "rev-parse", "main") == out(server, "rev-parse", "main")

    # afterwards sync is the ordinary one: Anna's commit reaches the server through the gate
    again = sync(anna, monkeypatch)
    assert again.exit_code == 0, again.output
    assert "pushed to main" in again.output
    assert out(server, "rev-parse", "main") == out(anna, "rev-parse", "main")


def test_every_other_command_warns_in_a_stale_clone(world, monkeypatch):
    server, office, anna, bram, purged, _ = world
    git(bram, "fetch", "-q", "origin")
    git(bram, "remote", "set-head", "origin", "main")
    result = CliRunner().invoke(app, ["--data", str(bram), "validate"])
    assert "this clone still holds purged data: run `ekc sync`" in result.stderr
    assert result.stderr.count("still holds purged data") == 1
    assert sync(bram, monkeypatch).exit_code == 0
    result = CliRunner().invoke(app, ["--data", str(bram), "validate"])
    assert "still holds purged data" not in result.stderr


def test_two_people_changing_the_same_case_is_explained(tmp_path, monkeypatch):
    server, office = populated_server(tmp_path)
    anna = clone_of(server, tmp_path / "anna")
    bram = clone_of(server, tmp_path / "bram")
    edit_other(anna, "parenting", "divorce")
    commit_all(anna, f"{OTHER}: reasons")
    assert sync(anna, monkeypatch).exit_code == 0
    edit_other(bram, "parenting", "addiction")
    mine = commit_all(bram, f"{OTHER}: reasons")
    result = sync(bram, monkeypatch)
    assert result.exit_code == 1
    assert f"You and someone else both changed {OTHER}" in result.stderr
    assert out(bram, "rev-parse", "HEAD") == mine  # nothing lost
    assert out(bram, "status", "--porcelain", "--untracked-files=no") == ""


def test_a_new_local_branch_is_pushed_under_its_own_name(tmp_path, monkeypatch):
    server, office = populated_server(tmp_path)
    anna = clone_of(server, tmp_path / "anna")
    main_before = out(server, "rev-parse", "main")
    git(anna, "checkout", "-q", "-b", "intake-week")
    edit_other(anna, "parenting", "divorce")
    mine = commit_all(anna, f"{OTHER}: reasons")
    result = sync(anna, monkeypatch)
    assert result.exit_code == 0, result.output
    assert out(server, "rev-parse", "refs/heads/intake-week") == mine
    assert out(server, "rev-parse", "main") == main_before


def test_sync_shows_its_steps_as_progress_on_a_terminal_only(world, monkeypatch):
    from ekc.cli import output

    server, office, anna, bram, purged, made = world
    steps = []

    class Recording(output.progress):
        def __enter__(self):
            steps.append(self.description)
            bar = super().__enter__()  # not a terminal here: the helper shows nothing
            original = bar.update

            def update(**changes):
                steps.append(changes.get("description"))
                original(**changes)

            bar.update = update
            return bar

    monkeypatch.setattr(output, "progress", Recording)
    result = sync(anna, monkeypatch)
    assert result.exit_code == 0, result.output
    assert steps[0] == "ekc sync with origin"
    assert "fetching from origin" in steps and "removing every old object (git gc)" in steps
    assert any(s.startswith("moving your branches onto the new history (1 of ") for s in steps)
    assert "fetching" not in result.stdout + result.stderr  # stderr is no terminal: no progress shown
    assert not [s for s in family_strings() if any(s.decode() in step for step in steps)]


def test_sync_runs_the_purges_proof_over_every_file_of_the_clone(world, monkeypatch):
    """A leftover sync does not clean (a name in .git/description, which a person edited)
    is found by the purge's own proof, and sync says so and exits 1."""
    server, office, anna, bram, purged, _ = world
    (bram / ".git" / "description").write_text("dossier Sanne de Vries\n")
    result = sync(bram, monkeypatch)
    assert result.exit_code == 1, result.output
    assert "still holds purged data" in result.output and ".git/description" in result.output
    assert "Sanne" not in result.output


def test_a_stale_backup_remote_is_refused_and_brings_nothing_back(world, monkeypatch, tmp_path):
    """Red team: `ekc sync backup` against a copy the purge never reached took the purge
    onto the old history and brought personal.yaml back."""
    server, office, anna, bram, purged, _ = world
    assert sync(bram, monkeypatch).exit_code == 0  # bram is on the purged history, clean
    assert_clean(bram, purged)
    backup = tmp_path / "backup.git"
    git(tmp_path, "clone", "-q", "--bare", str(anna), str(backup))  # made from a stale clone: old history
    git(bram, "remote", "add", "backup", str(backup))
    result = sync(bram, monkeypatch, "backup")
    assert result.exit_code == 1, result.output
    assert "still holds history that a purge removed" in result.output and "git push --force" in result.output
    assert_clean(bram, purged)
    assert not (bram / PERSONAL).exists()


def test_a_kept_family_with_the_same_surname_is_no_purged_data(tmp_path, monkeypatch):
    """The purge matches a name part that kept data also holds only inside the full name;
    sync's proof did not, and called the kept family's file (on the server and in every
    fresh clone too) purged data: exit 1 after every purge with a common surname."""
    from tests.support.store import dump, personal_doc

    server, office = populated_server(tmp_path)
    kept = personal_doc() | {
        "main_persons": [{"name": "Piet de Vries", "birth_date": "1980-03-02", "role": "parent"}],
        "address": "Dorpsweg 5, 1442 KX Purmerend", "phone": "+31 6 12121212", "email": "p.vries@example.org",
        "network": [], "referrer_contact": {"name": "B. Bakker", "organisation": "Wijkteam", "email": "b.bakker@example.org"},
    }
    (case_folder(office, OTHER) / "personal.yaml").write_text(dump(kept))
    commit_all(office, f"{OTHER}: intake")
    assert push(office, "origin", "main").returncode == 0
    staff = clone_of(server, tmp_path / "staff")
    purge(office)
    result = sync(staff, monkeypatch)
    assert result.exit_code == 0, result.output
    assert "proof: none of the" in result.output
    assert "Piet de Vries" in (case_folder(staff, OTHER) / "personal.yaml").read_text()
