"""Issue 13's "Done when", end to end with the real purge (no simulated filter-repo).

The red-team office of issue 12 (tests/support/office.py) on a bare server with `ekc hook
install`; two staff clones made before the purge, each with a stash, notes,
COMMIT_EDITMSG, an unpushed clean branch and an unpushed branch holding the family's data.
The office runs `ekc purge --yes --push origin`. Then:
- no object on the server, reachable or not, is a purged blob or holds a family string;
- an old commit cannot be fetched by id over file:// even with uploadpack.allowAnySHA1InWant;
- a stale clone pushing its old branch is refused by the gate, which names `ekc sync`;
- after `ekc sync`, each staff clone scans clean (tests/support/leak_scan.py: every object,
  ref, identity and file under .git) and its clean work survived.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from ekc.cli.app import app
from tests.support.git import commit_all, git, out
from tests.support import leak_scan, office as office_repo


def ekc(*args: str, cwd: Path | None = None, monkeypatch=None):
    if cwd is not None:
        monkeypatch.chdir(cwd)
    return CliRunner().invoke(app, list(args))


def _not_a_record(leak: leak_scan.Leak) -> bool:
    """purge-log.yaml names the purged blob ids by contract: a mention of an id inside a
    blob (the log) or in the work tree's purge-log.yaml is the record, not a leak."""
    if not leak.found.startswith("blob "):
        return True
    sha = leak.found[len("blob "):]
    mention_in_a_blob = leak.where.endswith("(blob)") and not leak.where.startswith(f"object {sha} ")
    return not (mention_in_a_blob or leak.where == "work tree: purge-log.yaml")


def staff_clone(office: office_repo.Office, name: str) -> tuple[Path, dict[str, str]]:
    """A colleague's clone from before the purge, with everything a laptop accumulates."""
    clone = office.root.parent / name
    git(office.root.parent, "clone", "-q", office.server.resolve().as_uri(), str(clone))
    git(clone, "config", "user.name", f"Staff {name}")
    git(clone, "config", "user.email", f"{name}@example.org")
    git(clone, "fetch", "-q", "origin", "refs/notes/*:refs/notes/*")  # the colleague's note (a phone number)
    open_case = clone / office.paths["open"]
    open_yaml = open_case.parent / "case.yaml"
    family = clone / office.paths["expired"]
    made = {}
    # an unpushed clean branch: work on the open case
    git(clone, "checkout", "-q", "-b", f"{name}-clean")
    open_yaml.write_text(open_yaml.read_text() + f"# {name}: huisbezoek gepland\n")
    made["clean"] = commit_all(clone, f"{office.open_case_id}: home visit planned ({name})")
    # an unpushed branch holding the family's data (and its name in the message: COMMIT_EDITMSG)
    git(clone, "checkout", "-q", "-b", f"{name}-leaky", "main")
    family.write_text(family.read_text() + f"notes: {office_repo.MOTHER} belt terug\n")
    made["leaky"] = commit_all(clone, f"Bel {office_repo.MOTHER} terug")
    git(clone, "checkout", "-q", "main")
    # a stash: a clean one for anna, one holding the family's phone for bram
    if name == "anna":
        open_yaml.write_text(open_yaml.read_text() + "# anna: nog niet af\n")
    else:
        family.write_text(family.read_text() + f"# {office_repo.PHONE}\n")
    git(clone, "stash", "-q")
    return clone, made


@pytest.fixture
def world(tmp_path, tmp_path_factory):
    office = office_repo.fresh(tmp_path, tmp_path_factory.getbasetemp())
    installed = CliRunner().invoke(app, ["hook", "install", str(office.server)])
    assert installed.exit_code == 0, installed.output
    git(office.server, "config", "uploadpack.allowAnySHA1InWant", "true")  # any id may be asked: gone, not hidden
    anna, anna_made = staff_clone(office, "anna")
    bram, bram_made = staff_clone(office, "bram")
    old_commits = out(office.server, "rev-list", "--all").split()
    family_commits = out(office.root, "log", "--all", "--format=%H", "--", office.paths["expired"]).split()
    assert (anna / ".git" / "COMMIT_EDITMSG").is_file()
    purged = CliRunner().invoke(
        app, ["--data", str(office.root), "--today", office.today, "purge", "--yes", "--push", "origin"])
    return office, purged, {"anna": (anna, anna_made), "bram": (bram, bram_made)}, old_commits, family_commits


def test_no_copy_is_left_on_the_server_or_in_any_staff_clone(world, tmp_path, monkeypatch):
    office, purged, staff, old_commits, family_commits = world
    output = purged.stdout + purged.stderr
    # the office's broken expired case cannot be judged: named, exit 1; everything else purged
    assert purged.exit_code == 1, output
    assert office.broken_case in output and "the remote refused" not in output, output
    assert "Pushed to origin" in output and "with `ekc hook install`: nothing to do" in output, output
    assert not leak_scan.Matcher(office.family).strings_in(output), "the purge printed a name"
    blobs = sorted(office.blobs.values())
    server = office.server

    # 1. the server: every object, reachable or not, through cat-file --batch-all-objects --batch
    leaks = [leak for leak in leak_scan.scan(server, office.family, blobs) if _not_a_record(leak)]
    assert leaks == [], leak_scan.where(leaks)
    every = {sha for sha, _, _ in leak_scan.iter_objects(server)}
    assert not every & set(blobs)
    gone = [c for c in family_commits if c not in every]
    assert gone == family_commits  # the commits that wrote the family's file are not on the server at all

    # 2. an old commit cannot be fetched by id (file:// runs the real upload-pack)
    reader = tmp_path / "reader"
    git(tmp_path, "init", "-q", str(reader))
    url = server.resolve().as_uri()
    assert git(reader, "fetch", "-q", url, out(server, "rev-parse", "main"), check=False).returncode == 0
    old_here = [c for c in family_commits if c in old_commits]
    assert old_here
    for old in old_here:
        assert git(reader, "fetch", "-q", url, old, check=False).returncode != 0, old

    # 3. a stale clone pushing its old branch is refused by the gate, and the server is unchanged
    bram, _ = staff["bram"]
    refs_before = out(server, "for-each-ref", "--format=%(refname) %(objectname)")
    for branch in ("bram-leaky", "bram-clean"):
        refused = git(bram, "push", "origin", branch, check=False)
        assert refused.returncode != 0, branch
        assert "ekc sync" in refused.stderr, refused.stderr
        assert not leak_scan.Matcher(office.family).strings_in(refused.stderr)
    forced = git(bram, "push", "--force", "origin", "main", check=False)
    assert forced.returncode != 0 and "ekc sync" in forced.stderr, forced.stderr
    assert out(server, "for-each-ref", "--format=%(refname) %(objectname)") == refs_before

    # 4. `ekc sync` in each staff clone: clean afterwards, clean work kept
    for name, (clone, made) in staff.items():
        synced = ekc("--today", office.today, "sync", cwd=clone, monkeypatch=monkeypatch)
        said = synced.stdout + synced.stderr
        assert synced.exit_code == 0, said
        assert not leak_scan.Matcher(office.family).strings_in(said), said
        assert made["leaky"][:10] in said  # dropped, named by id
        leaks = [leak for leak in leak_scan.scan(clone, office.family, blobs) if _not_a_record(leak)]
        assert leaks == [], (name, leak_scan.where(leaks))
        have = {sha for sha, _, _ in leak_scan.iter_objects(clone)}
        assert not have & set(old_here), name
        for leftover in ("COMMIT_EDITMSG", "ORIG_HEAD", "FETCH_HEAD"):
            assert not (clone / ".git" / leftover).exists(), (name, leftover)
        # the clean branch survived, on top of the new history
        clean = f"{name}-clean"
        assert out(clone, "log", "-1", "--format=%s", clean) == f"{office.open_case_id}: home visit planned ({name})"
        assert out(clone, "merge-base", "--is-ancestor", out(server, "rev-parse", "main"), clean) == ""
        open_yaml = out(clone, "show", f"{clean}:{Path(office.paths['open']).parent.as_posix()}/case.yaml")
        assert f"# {name}: huisbezoek gepland" in open_yaml
        assert not (clone / office.paths["expired"]).exists()
    anna, _ = staff["anna"]
    assert "anna: nog niet af" in out(anna, "stash", "show", "-p", "stash@{0}")  # the clean stash survived
    bram, _ = staff["bram"]
    assert git(bram, "rev-parse", "-q", "--verify", "refs/stash", check=False).returncode != 0  # the leaky one went

    # 5. after the sync, the clean branch pushes through the gate
    pushed = git(bram, "push", "origin", "bram-clean", check=False)
    assert pushed.returncode == 0, pushed.stderr
