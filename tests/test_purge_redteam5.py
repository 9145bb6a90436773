"""The red team of branch `speed`: the history log kept between purges
(.git/ekc/history-log, ekc.purge.history_cache), the proof's cheap look over joined
contents, the one-pass raw look, git_dir told from the files, the reads started early.

What each test holds the purge to: never exit 0 while a family string survives, and a plan
read from the kept log is the plan a walk of all of history gives.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from ekc.cli.app import app
from ekc.purge import history_cache, rewrite, scan
from ekc.store.loader import load
from tests.support import leak_scan, office as office_repo
from tests.support.git import git, out
from tests.test_purge_redteam import _commit, _purge, _write, office  # noqa: F401 - the fixture

EARLY = "2024-06-01"  # nothing of the office has expired yet: a purge finds nothing and keeps the log

# a person named only in one version of the family's personal.yaml, and in a letter
COUSIN, COUSIN_PHONE = "Gijsbertha Zonneveld", "+31 6 90807060"


def _purge_at(root: Path, today: str, *args: str):
    return CliRunner().invoke(app, ["--data", str(root), "--today", today, "purge", *args])


def _with_cousin(office: office_repo.Office) -> str:
    root = office.root
    text = (root / office.paths["expired"]).read_text(encoding="utf-8")
    return text + f"network:\n  - name: {COUSIN}\n    relation: nicht\n    phone: '{COUSIN_PHONE}'\n"


def _plan(root: Path, today: str):
    store = load(root, use_cache=False, models=False).store
    return rewrite.plan_purge(root, store, date.fromisoformat(today))


# -- 1. the kept log: a block that is no longer what git prints for its commit --------------

def test_a_graft_removed_after_the_log_was_kept_hides_no_version_of_personal_yaml(office):
    """`.git/info/grafts` (git still honours it) gives a commit other parents without
    changing its id: the kept log holds that commit's diff against the grafted parent. Here
    the office once grafted its commit N (which added a cousin to the family's
    personal.yaml and a letter to her) onto a snapshot Y with the same tree, so N's diff was
    empty and Y, a root, showed the version. Once the graft file is gone, Y is reachable
    from nothing and left out, N's kept (empty) block is read as N's diff, and the version
    with the cousin is in no line of the plan's log: her name is no string of the purge,
    the letter keeps it, and the proof (whose strings are the plan's) says nothing is left."""
    root = office.root
    _write(root / office.paths["expired"], _with_cousin(office))
    _write(root / "brieven" / "2024-10-nicht.txt", f"Beste {COUSIN},\nwij bellen u op {COUSIN_PHONE}.\n")
    git(root, "add", "-A")
    snapshot = out(root, "commit-tree", out(root, "write-tree"), "-m", "Archief")  # Y: no ref, no parent
    _commit(root, "Nicht toegevoegd")  # N
    added = out(root, "rev-parse", "HEAD")
    grafts = Path(out(root, "rev-parse", "--absolute-git-dir")) / "info" / "grafts"
    grafts.parent.mkdir(parents=True, exist_ok=True)
    grafts.write_text(f"{added} {snapshot}\n")
    kept_at = _purge_at(root, EARLY, "--yes")  # nothing to purge: the log is kept (or the graft refused)
    assert history_cache.path(root).exists() or "graft" in kept_at.output, kept_at.output
    grafts.unlink()  # the graft is given up (`git replace --convert-graft-file`, then the replace ref deleted)

    code, output, leaks = _purge(office, COUSIN, COUSIN_PHONE)

    assert not (code == 0 and leaks), f"exit 0 with {leak_scan.where(leaks)}"


# -- 2. the kept log of a clone that left the old history by hand -----------------------------

def test_a_clone_moved_onto_the_purged_history_by_hand_keeps_no_log_naming_the_family(office, tmp_path, monkeypatch):
    """A colleague's clone where `ekc purge` once found nothing (its kept log names the
    family's paths, `intake/Brinkgreve-Anaïs/...`). After the office's purge and push the
    colleague does what PURGE-NOTES and every git guide say: fetch, reset, drop the old refs,
    expire the reflogs, gc. Nothing of the old history is left but ekc's own file; `ekc sync`
    then finds no purged id held and takes the ordinary way, which never looks at the kept
    log: the family's names stay under .git until the next purge in that clone."""
    colleague = tmp_path / "colleague"
    git(tmp_path, "clone", "-q", office.server.resolve().as_uri(), str(colleague))
    git(colleague, "config", "user.name", "Collega")
    git(colleague, "config", "user.email", "collega@example.org")
    _purge_at(colleague, EARLY, "--yes")
    assert history_cache.path(colleague).exists()
    assert leak_scan.scan(colleague, office.family)  # the test can fail: the family is in its history now

    purged = _purge_at(office.root, office.today, "--yes", "--push", "origin")
    assert purged.exit_code == 0 and "nothing of a purged case remains" in purged.output, purged.output
    git(colleague, "fetch", "-q", "--prune", "--force", "origin", "+refs/heads/*:refs/remotes/origin/*")
    git(colleague, "reset", "-q", "--hard", "origin/main")
    for name in out(colleague, "for-each-ref", "--format=%(refname)").splitlines():
        if not name.startswith(("refs/heads/main", "refs/remotes/origin/")):
            git(colleague, "update-ref", "-d", name)
    git(colleague, "fetch", "-q", "--force", "origin", "+refs/tags/*:refs/tags/*", "+refs/notes/*:refs/notes/*")
    for name in ("ORIG_HEAD", "FETCH_HEAD"):
        (colleague / ".git" / name).unlink(missing_ok=True)
    git(colleague, "reflog", "expire", "--expire=now", "--all")
    git(colleague, "gc", "-q", "--prune=now")
    by_hand = [leak for leak in leak_scan.scan(colleague, office.family) if "ekc/history-log" not in leak.where]
    assert by_hand == [], leak_scan.where(by_hand)  # the clone is clean but for ekc's own file

    monkeypatch.chdir(colleague)
    synced = CliRunner().invoke(app, ["sync"])

    assert synced.exit_code == 0, synced.output
    leaks = leak_scan.scan(colleague, office.family)
    assert leaks == [], leak_scan.where(leaks)


# -- 3. user configuration that changes what `git log -m` prints -------------------------------

STRANGER, STRANGER_PHONE = "Wessel Okkerhuizen", "+31 6 55443322"
DROPPED = "EKC-2024-WSLK4"  # a case registered on a side branch, dropped when it was merged


def test_log_diff_merges_in_the_users_config_keeps_no_orphan(office):
    """`-m` is `--diff-merges=on`, whose format git takes from `log.diffMerges` (git 2.31+).
    A side branch registered case EKC-2024-WSLK4 with its personal.yaml; it was merged with
    `-s ours` in August 2024, so the case folder left the tree there (an orphan, expired by
    March 2025), which only the merge's diff against its second parent shows. With
    `log.diffMerges=first-parent` (a setting people copy for a readable `git log -m`) no line
    of the log removes it: "never left a tree", kept, and the purge proves the office clean
    while the stranger's name and phone are in every version of the side branch."""
    from tests.support.store import dump as dump_yaml, registered_case

    root = office.root
    git(root, "switch", "-q", "-c", "aanmelding")
    _write(root / f"cases/2024/{DROPPED}/case.yaml", dump_yaml(registered_case(DROPPED, date="2024-07-15")))
    _write(root / f"cases/2024/{DROPPED}/personal.yaml", dump_yaml({
        "main_persons": [{"name": STRANGER, "role": "parent"}], "phone": STRANGER_PHONE}))
    git(root, "add", "-A")
    dated = {**os.environ, "GIT_AUTHOR_DATE": "2024-07-15T10:00:00+02:00", "GIT_COMMITTER_DATE": "2024-07-15T10:00:00+02:00"}
    git(root, "commit", "-q", "--no-verify", "-m", "Aanmelding", env=dated)
    git(root, "switch", "-q", "main")
    merged = {**dated, "GIT_AUTHOR_DATE": "2024-08-01T10:00:00+02:00", "GIT_COMMITTER_DATE": "2024-08-01T10:00:00+02:00"}
    git(root, "merge", "-q", "--no-ff", "-s", "ours", "-m", "Aanmelding vervalt", "aanmelding", env=merged)
    git(root, "push", "-q", "origin", "main", "aanmelding")
    git(root, "config", "log.diffMerges", "first-parent")

    code, output, leaks = _purge(office, STRANGER, STRANGER_PHONE)

    assert not (code == 0 and leaks), f"exit 0 with {leak_scan.where(leaks)}"


# -- 4. a purge killed between git-filter-repo moving the refs and adopting its objects --------

def test_a_purge_killed_at_refs_moved_in_the_office_is_rolled_back(office):
    """The office has tags of the family's data itself (a blob, a tree): the purge deletes
    them before git-filter-repo runs. Killed after the rewrite moved the refs and before its
    objects were adopted, the next `ekc purge` counted those two deleted tags as "work
    committed meanwhile", refused to roll back and left HEAD naming a commit git cannot
    read (`fatal: bad object HEAD`)."""
    import subprocess
    import sys

    from tests.support.git import ekc_env

    root = office.root
    args = [sys.executable, "-m", "ekc", "--data", str(root), "--today", office.today, "purge", "--yes"]
    killed = subprocess.run(args, capture_output=True, text=True, env=ekc_env({rewrite.KILL_ENV: "refs-moved"}))
    assert killed.returncode == -9, killed.stderr

    again = subprocess.run(args, capture_output=True, text=True, env=ekc_env())
    assert again.returncode == 0 and "Rolled back" in again.stdout, again.stderr
    code, output, leaks = _purge(office)
    assert code == 0 and leaks == [], (output, leak_scan.where(leaks))
