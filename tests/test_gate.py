"""The gate against stale clones: every way purged data could come back through a push to
a real bare server with `ekc hook install`, over file:// (real receive-pack), is refused
with the server unchanged and the pusher told to run `ekc sync`."""

import os
import subprocess
from pathlib import Path

import pytest

from tests.support.git import commit_all, ekc_shim, git, out
from tests.purge_sim import CASE, OTHER, PERSONAL, clone_of, make_server, populate, purge, push, refs
from tests.support.store import case_folder


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Server + office clone + a staff clone made before the purge; then the purge."""
    tmp = tmp_path_factory.mktemp("gate")
    server = make_server(tmp)
    office = clone_of(server, tmp / "office")
    populate(office)
    staff = clone_of(server, tmp / "staff")
    git(staff, "fetch", "-q", "origin", "refs/notes/*:refs/notes/*")
    purged = purge(office)
    git(staff, "fetch", "-q", "origin")  # sees the new main; still holds the old objects
    return server, office, staff, purged


@pytest.fixture
def scratch(world, tmp_path):
    """A copy of the stale staff clone for one test, pushing to the shared server."""
    server, office, staff, purged = world
    work = tmp_path / "staff"
    subprocess.run(["cp", "-a", str(staff), str(work)], check=True)
    return server, work, purged


def refused(server: Path, work: Path, *refspecs: str, force: bool = False) -> str:
    before = refs(server)
    objects = out(server, "count-objects", "-v")
    result = push(work, *(["--force"] if force else []), "origin", *refspecs)
    assert result.returncode != 0, result.stderr
    assert "pre-receive hook declined" in result.stderr
    assert "ekc sync" in result.stderr
    assert f"purged with case {CASE}" in result.stderr or "which was purged on" in result.stderr
    assert "de Vries" not in result.stderr and "Sanne" not in result.stderr
    assert refs(server) == before
    assert out(server, "count-objects", "-v") == objects  # quarantined objects were dropped
    return result.stderr


def test_a_clean_push_after_the_purge_is_accepted(scratch):
    server, work, _ = scratch
    git(work, "checkout", "-q", "-B", "fresh", "origin/main")
    (case_folder(work, OTHER) / "case.yaml").write_text((case_folder(work, OTHER) / "case.yaml").read_text().replace("parenting", "divorce"))
    tip = commit_all(work, f"{OTHER}: reasons")
    result = push(work, "origin", "fresh")
    assert result.returncode == 0, result.stderr
    assert out(server, "rev-parse", "refs/heads/fresh") == tip


def test_a_tag_of_a_purged_blob(scratch):
    server, work, purged = scratch
    git(work, "tag", "-a", "keep", "-m", "kept", purged.blobs[0])
    refused(server, work, "refs/tags/keep")


def test_a_tag_of_a_tree_holding_it(scratch):
    server, work, purged = scratch
    git(work, "tag", "keeptree", f"{purged.old_main}^{{tree}}")
    refused(server, work, "refs/tags/keeptree")


def test_a_notes_ref(scratch):
    server, work, purged = scratch
    git(work, "notes", "--ref=extra", "add", "-m", "visited the family", purged.commits[0])
    refused(server, work, "refs/notes/extra", force=True)


def test_a_notes_ref_whose_note_the_server_already_holds(scratch):
    """The note's text is a blob the server has (a case.yaml on main): only the notes tree
    naming the purged commit is new."""
    server, work, purged = scratch
    held = out(work, "rev-parse", f"origin/main:{PERSONAL.replace('personal.yaml', 'case.yaml').replace(CASE, OTHER)}")
    git(work, "notes", "--ref=extra", "add", "-C", held, purged.commits[0])
    refused(server, work, "refs/notes/extra", force=True)


def test_a_folder_at_the_logged_path(scratch):
    server, work, purged = scratch
    git(work, "checkout", "-q", "-B", "main", "origin/main")
    (work / PERSONAL).mkdir()
    (work / PERSONAL / "notes.yaml").write_text("note: kept\n")
    commit_all(work, "a folder")
    refused(server, work, "main")


def test_a_copy_at_another_path(scratch):
    server, work, purged = scratch
    old = git(work, "show", f"{purged.old_main}:{PERSONAL}").stdout
    git(work, "checkout", "-q", "-B", "copy", "origin/main")
    (work / "archive").mkdir()
    (work / "archive" / "family.yaml").write_text(old)
    commit_all(work, "archive")
    refused(server, work, "copy")


def test_add_then_remove_within_the_range(scratch):
    server, work, purged = scratch
    git(work, "checkout", "-q", "-B", "main", "origin/main")
    (work / PERSONAL).write_text("main_persons: []\n")  # a new version at the logged path
    commit_all(work, "oops")
    (work / PERSONAL).unlink()
    commit_all(work, "removed again")
    stderr = refused(server, work, "main")
    assert PERSONAL in stderr


def test_an_old_commit_by_id(scratch):
    server, work, purged = scratch
    refused(server, work, f"{purged.commits[0]}:refs/heads/old")


def test_a_force_push_of_the_old_main(scratch):
    server, work, purged = scratch
    refused(server, work, f"{purged.old_main}:refs/heads/main", force=True)


def test_a_hidden_ref(scratch):
    server, work, purged = scratch
    refused(server, work, f"{purged.old_main}:refs/backup/x")


def test_a_merge_of_the_old_main(scratch):
    server, work, purged = scratch
    git(work, "checkout", "-q", "-B", "main", "origin/main")
    git(work, "merge", "-q", "--allow-unrelated-histories", "-s", "ours", "-m", "merge", purged.old_main)
    refused(server, work, "main")


def test_validate_history_refuses_an_old_commit_deep_in_the_range(scratch):
    server, work, purged = scratch
    from typer.testing import CliRunner

    from ekc.cli.app import app

    git(work, "checkout", "-q", "-B", "stale", purged.old_main)
    result = CliRunner().invoke(app, ["--data", str(work), "validate", "--history", f"{out(work, 'rev-parse', 'origin/main')}..stale",
                                      "--purge-log-from", "origin/main"])
    assert result.exit_code == 1, result.output
    assert f"purged with case {CASE}" in result.output and "ekc sync" in result.output


def test_the_ci_script_fails_a_stale_clones_new_branch_without_hooks(tmp_path):
    """No hook on the server (as on GitHub): the stale branch gets in, and CI, reading the
    purge log of the server's default branch, fails it."""
    from ekc.init import scaffold  # noqa: F401  (the template ships with the package)

    server = make_server(tmp_path, hooks=False)
    git(server, "config", "uploadpack.allowAnySHA1InWant", "true")
    office = clone_of(server, tmp_path / "office")
    populate(office)
    staff = clone_of(server, tmp_path / "staff")
    purge(office)
    git(staff, "checkout", "-q", "-b", "feature")
    (case_folder(staff, OTHER) / "case.yaml").write_text((case_folder(staff, OTHER) / "case.yaml").read_text().replace("parenting", "divorce"))
    after = commit_all(staff, "work on a stale clone")
    assert push(staff, "origin", "feature").returncode == 0
    ci = tmp_path / "ci"
    git(tmp_path, "clone", "-q", "--no-checkout", f"file://{server}", str(ci))
    git(ci, "checkout", "-q", "origin/feature")
    script = Path(__file__).resolve().parents[1] / "ekc" / "init" / "templates" / "validate-history.sh"
    env = dict(os.environ)
    env["PATH"] = str(ekc_shim(tmp_path / "bin")) + os.pathsep + env["PATH"]
    env["EKC_TODAY"] = "2025-01-02"
    result = subprocess.run(["sh", str(script), "0" * 40, after, "main"], cwd=ci, env=env, capture_output=True, text=True)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "purged-back" in result.stdout and "ekc sync" in result.stdout
