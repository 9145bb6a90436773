"""The red team of three changes on `main`: git status run in the background beside the
preflight's checks (6597f15), the folders git does not track listed while git-filter-repo
runs (b6a5ffd), and the proof after gc typing objects from the listing beside gc (22d1a79).

What each test holds the purge to: never exit 0 while a family string survives, and never
lose work the preflight was there to protect.
"""

from __future__ import annotations

from typer.testing import CliRunner

from ekc.cli.app import app
from ekc.purge import rewrite
from tests.support import leak_scan, office as office_repo
from tests.support.git import git, out
from tests.test_purge_redteam import _commit, _purge, _write, office  # noqa: F401 - the fixture


# -- 1. the dirty-tree check and the rewrite: a file changed between them ------------------

def test_a_file_changed_after_the_status_check_is_not_wiped_by_the_rewrite(office, monkeypatch):
    """The preflight's `git status` (now started before every other check) says the tree is
    clean; the plan then reads all of history (seconds on a long-lived store; without --yes
    the purge then waits at its question for as long as the coordinator reads the plan).
    A colleague saves a change to the open case meanwhile. git-filter-repo's `reset --hard`
    and the purge's `read-tree --reset -u` then put HEAD's version back: the change is gone,
    the very loss the dirty-tree refusal exists to prevent. The purge must look again
    before it rewrites (and refuse), or keep the change."""
    root = office.root
    case_yaml = root / office.paths["open_case"]
    edited = case_yaml.read_text(encoding="utf-8") + "# gesprek 2025-02-28: afspraak verzet naar 14 maart\n"
    planned = rewrite.plan_purge

    def plan_while_a_colleague_saves(*args, **kwargs):
        plan = planned(*args, **kwargs)
        case_yaml.write_text(edited, encoding="utf-8")  # after the status check, before the rewrite
        return plan

    monkeypatch.setattr(rewrite, "plan_purge", plan_while_a_colleague_saves)

    code, output, leaks = _purge(office)

    assert leaks == [] or code != 0, output
    assert case_yaml.read_text(encoding="utf-8") == edited, f"the colleague's change was wiped (exit {code})"


# -- 2. an object read by its id is not always that object ---------------------------------

def test_a_replace_ref_outside_refs_replace_does_not_hide_a_blob_from_the_plan_and_the_proof(office, monkeypatch):
    """The preflight refuses `refs/replace/*`, but git takes replace refs from wherever
    GIT_REPLACE_REF_BASE says (an environment the purge keeps: the user's, a hook's). With
    `refs/ersatz/<id of a letter>` naming a clean blob, every `cat-file --batch` that reads
    the letter by its id (the plan's scan, the proof's reads; since 22d1a79 also the proof's
    `--batch-check` typing an id the listing beside gc did not see) gets the clean blob's
    bytes under the letter's id: the letter is neither redacted nor reported, and the
    purge exits 0 with the mother's name in history. Only `--batch-all-objects` ignores
    replace refs, which is how the independent scan finds it."""
    root = office.root
    _write(root / "brieven" / "2024-07-bevestiging.txt", f"Beste {office_repo.MOTHER},\nhierbij de bevestiging.\n")
    _commit(root, "Bevestiging verstuurd")
    letter = out(root, "rev-parse", "HEAD:brieven/2024-07-bevestiging.txt")
    clean = git(root, "hash-object", "-w", "--stdin", input="Beste mevrouw,\nhierbij de bevestiging.\n").stdout.strip()
    out(root, "update-ref", f"refs/ersatz/{letter}", clean)
    monkeypatch.setenv("GIT_REPLACE_REF_BASE", "refs/ersatz/")

    code, output, leaks = _purge(office)

    assert not (code == 0 and leaks), f"exit 0 with {leak_scan.where(leaks)}"


def test_a_replace_ref_base_in_the_environment_is_refused_before_anything_is_written(office, monkeypatch):
    """The rewrite itself reads history with replace refs from GIT_REPLACE_REF_BASE: the purge
    refuses to start (exit 1, nothing changed) rather than rewrite replaced objects."""
    root = office.root
    before = out(root, "for-each-ref", "--format=%(refname) %(objectname)")
    monkeypatch.setenv("GIT_REPLACE_REF_BASE", "refs/ersatz/")
    result = CliRunner().invoke(app, ["--data", str(root), "--today", office.today, "purge", "--yes"])
    assert result.exit_code == 1 and "GIT_REPLACE_REF_BASE" in result.output, result.output
    assert out(root, "for-each-ref", "--format=%(refname) %(objectname)") == before
