"""The purge's kept history log (ekc.purge.history_cache): a plan read from it is the plan a
walk of all of history gives, whatever happened to the history since; it is never left
holding a purged family's strings, and a dry run never writes it."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from ekc.cli.app import app
from ekc.purge import history_cache, rewrite, scan
from ekc.store.loader import load
from tests.support import office as office_repo
from tests.support.git import commit_all, git, out

FIELDS = ("paths", "blobs", "drop", "shared", "ref_renames", "ref_deletes", "descriptions", "rewrite_refs", "commits_rewritten", "commits_total")
FOUND = ("blobs", "commits", "tags", "trees", "paths", "clean", "clean_commits")


def _plan(root: Path, today: date):
    store = load(root, use_cache=False, models=False).store
    return rewrite.plan_purge(root, store, today)


def _whole_log(root: Path) -> bytes:
    return scan.Background(root, *scan.PERSONAL_LOG).result()


def _purge(root: Path, today: str, *args: str):
    return CliRunner().invoke(app, ["--data", str(root), "--today", today, "purge", *args])


def test_the_plan_from_the_kept_log_is_the_plan_from_a_walk_of_everything(tmp_path, tmp_path_factory):
    """Kept a while ago, then: a branch deleted (its commits gone), a commit amended, a
    merge, and new commits that name the family in a message and in a folder name. The
    plan reads the kept log for what it holds, walks the rest, and leaves out what is gone."""
    office = office_repo.fresh(tmp_path, tmp_path_factory.getbasetemp())
    root, today = office.root, date.fromisoformat(office.today)
    branch = out(root, "symbolic-ref", "--short", "HEAD")
    git(root, "switch", "-q", "-c", "scratch")
    (root / "scratch.txt").write_text("scratch\n")
    commit_all(root, "Scratch work")
    git(root, "commit", "-q", "--amend", "-m", "Scratch work, amended")
    history_cache.write(root, scan.PERSONAL_LOG_OPTIONS, _whole_log(root))
    gone = out(root, "rev-parse", "HEAD")
    git(root, "switch", "-q", branch)
    git(root, "branch", "-q", "-D", "scratch")
    git(root, "reflog", "expire", "--expire=now", "--all")
    git(root, "switch", "-q", "-c", "side")
    (root / "export" / office.family[0]).mkdir(parents=True)
    (root / "export" / office.family[0] / "brief.txt").write_text("brief\n")
    commit_all(root, "Export")
    git(root, "switch", "-q", branch)
    git(root, "commit", "-q", "--allow-empty", "-m", f"Gesprek met {office.family[-1]}")
    git(root, "merge", "-q", "--no-ff", "-m", "Merge side", "side")

    kept = history_cache.read(root, scan.PERSONAL_LOG_OPTIONS)
    assert kept and gone in kept  # a commit the kept log holds and history no longer does
    reader = scan.personal_log(root)
    assert isinstance(reader, scan.CachedLog)
    assert gone.encode() not in reader.result()
    warm = _plan(root, today)
    history_cache.remove(root)
    assert isinstance(scan.personal_log(root), scan.HalvedLog)
    cold = _plan(root, today)

    assert warm.targets and warm.found.paths and warm.found.commits and warm.found.blobs
    assert any(p.startswith("export/") for p in warm.found.paths)  # the new commit's folder
    for name in FIELDS:
        assert getattr(warm, name) == getattr(cold, name), name
    for name in FOUND:
        assert getattr(warm.found, name) == getattr(cold.found, name), name
    assert [t.paths for t in warm.targets] == [t.paths for t in cold.targets]
    assert [t.commits for t in warm.targets] == [t.commits for t in cold.targets]


def test_a_kept_log_of_other_options_or_damaged_is_not_read(tmp_path):
    root = tmp_path
    (root / ".git" / "ekc").mkdir(parents=True)
    block = b"\x01" + b"a" * 40 + b" 2024-01-01 " + b"b" * 40 + b"\n\n:000000 100644 " + b"0" * 40 + b" " + b"c" * 40 + b" A\tnotes.txt\n"
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    history_cache.write(root, scan.PERSONAL_LOG_OPTIONS, block + block)  # a merge's two parents
    assert history_cache.read(root, scan.PERSONAL_LOG_OPTIONS) == {"a" * 40: block + block}
    assert history_cache.read(root, ("log", "--other")) is None
    assert oct(os.stat(history_cache.path(root)).st_mode & 0o777) == "0o600"
    data = history_cache.path(root).read_bytes()
    history_cache.path(root).write_bytes(data[:-10])  # cut short: the last block does not end
    assert history_cache.read(root, scan.PERSONAL_LOG_OPTIONS) is None
    history_cache.path(root).write_bytes(data.replace(b"\x01", b"", 1))  # no block where one must start
    assert history_cache.read(root, scan.PERSONAL_LOG_OPTIONS) is None


def test_nothing_to_purge_keeps_the_log_and_a_dry_run_writes_none(tmp_path, tmp_path_factory):
    office = office_repo.fresh(tmp_path, tmp_path_factory.getbasetemp())
    root = office.root
    early = "2024-06-01"  # nothing has expired yet
    assert _purge(root, office.today, "--dry-run").exit_code == 1  # the broken case: named, exit 1
    assert not history_cache.path(root).exists()
    result = _purge(root, early, "--yes")
    assert "Rewrite" not in result.output and "Proof" not in result.output, result.output  # nothing to purge (the broken case is named)
    kept = history_cache.read(root, scan.PERSONAL_LOG_OPTIONS)
    assert kept is not None and set(kept) == set(out(root, "rev-list", "--all", "--reflog").split())


def test_a_purge_replaces_the_kept_log_with_the_new_historys(tmp_path, tmp_path_factory):
    """The kept log of the old history holds the family's paths (`intake/<name>/...`): after
    the purge it is the new history's, holds none of the family's strings, and plans as a
    walk of everything does."""
    office = office_repo.fresh(tmp_path, tmp_path_factory.getbasetemp())
    root = office.root
    _purge(root, "2024-06-01", "--yes")  # nothing to purge yet (the broken case is named, exit 1)
    before = history_cache.path(root).read_bytes()
    assert any(s.encode() in before for s in office.family)  # the test can fail: the family is in it now

    _purge(root, office.today, "--yes")

    after = history_cache.path(root).read_bytes()
    lowered = after.decode("utf-8", "surrogateescape").lower()
    assert not [s for s in office.family if s.lower() in lowered]
    kept = history_cache.read(root, scan.PERSONAL_LOG_OPTIONS)
    assert set(kept) == set(out(root, "rev-list", "--all", "--reflog").split())
    assert scan.CachedLog(root, kept).result() is not None


def test_an_interrupted_purge_finished_later_leaves_no_old_log(tmp_path, tmp_path_factory, monkeypatch):
    office = office_repo.fresh(tmp_path, tmp_path_factory.getbasetemp())
    root = office.root
    _purge(root, "2024-06-01", "--yes")  # nothing to purge yet (the broken case is named, exit 1)
    monkeypatch.setenv(rewrite.KILL_ENV, "expired")
    import subprocess
    import sys

    subprocess.run([sys.executable, "-m", "ekc", "--data", str(root), "--today", office.today, "purge", "--yes"],
                   capture_output=True, env={**os.environ, rewrite.KILL_ENV: "expired"})
    monkeypatch.delenv(rewrite.KILL_ENV)
    assert not history_cache.path(root).exists()  # removed at the point of no return
    _purge(root, office.today)  # finishes it
    data = history_cache.path(root).read_bytes().decode("utf-8", "surrogateescape").lower() if history_cache.path(root).exists() else ""
    assert not [s for s in office.family if s.lower() in data]


def test_sync_onto_a_purged_history_removes_the_kept_log(tmp_path, tmp_path_factory, monkeypatch):
    """A colleague's clone where `ekc purge` once ran (and found nothing): its kept log names
    the family's paths; `ekc sync` onto the history purged elsewhere removes it."""
    office = office_repo.fresh(tmp_path, tmp_path_factory.getbasetemp())
    colleague = tmp_path / "colleague"
    git(tmp_path, "clone", "-q", office.server.resolve().as_uri(), str(colleague))
    git(colleague, "config", "user.name", "Colleague")
    git(colleague, "config", "user.email", "colleague@example.org")
    _purge(colleague, "2024-06-01", "--yes")
    assert history_cache.path(colleague).exists()

    purged = _purge(office.root, office.today, "--yes", "--push", "origin")
    assert "nothing of a purged case remains" in purged.output, purged.output
    monkeypatch.chdir(colleague)  # sync works on the clone it runs in
    synced = CliRunner().invoke(app, ["sync"])

    assert synced.exit_code == 0, synced.output
    assert not history_cache.path(colleague).exists()


def test_a_log_kept_by_another_git_version_is_not_read(tmp_path, monkeypatch):
    """How git pairs renames may change between versions: a log printed by another git is
    walked again, not read."""
    root = tmp_path
    (root / ".git" / "ekc").mkdir(parents=True)
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    block = b"\x01" + b"a" * 40 + b" 2024-01-01 " + b"b" * 40 + b"\n"
    monkeypatch.setitem(history_cache._VERSION, "git", "git version 2.39.5")
    history_cache.write(root, scan.PERSONAL_LOG_OPTIONS, block)
    assert history_cache.read(root, scan.PERSONAL_LOG_OPTIONS) == {"a" * 40: block}
    monkeypatch.setitem(history_cache._VERSION, "git", "git version 2.50.0")
    assert history_cache.read(root, scan.PERSONAL_LOG_OPTIONS) is None


def test_a_dry_run_leaves_the_index_as_it_was(tmp_path, tmp_path_factory):
    """git status runs beside other work and may outlive a refusal: it never takes
    index.lock (`--no-optional-locks`), so a dry run rewrites no file under .git, the index
    included, and leaves no lock behind for the user's next git command."""
    office = office_repo.fresh(tmp_path, tmp_path_factory.getbasetemp())
    root = office.root
    index = root / ".git" / "index"
    os.utime(index, (1_000_000_000, 1_000_000_000))  # an index git would refresh, were it allowed
    before = index.read_bytes(), index.stat().st_mtime_ns
    _purge(root, office.today, "--dry-run")
    assert (index.read_bytes(), index.stat().st_mtime_ns) == before
    assert not (root / ".git" / "index.lock").exists()
