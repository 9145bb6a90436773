"""The red team of two changes on `fast`: git-filter-repo handed each folder the purge leaves
as it was as that folder's tree (ac5fa3a, `callbacks._whole_folders`), and `--yes` running
git status once, from the end of the plan on (ea21d96).

What each test holds the purge to: never exit 0 while a family string survives; and the
rewrite with folders handed over whole gives the very refs a file-by-file rewrite gives.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from ekc.cli.app import app
from ekc.purge import rewrite, scan
from tests.support import leak_scan, office as office_repo
from tests.support.git import git, out
from tests.test_purge_redteam import _commit, _purge, _write, office  # noqa: F401 - the fixture

STAMP = "2025-03-01T12:00:00+01:00"


def _twin(office: office_repo.Office, tmp_path: Path) -> office_repo.Office:
    """A copy of the office (clone and server), to purge the other way."""
    target = tmp_path / "twin"
    target.mkdir()
    shutil.copytree(office.root, target / "office", symlinks=True)
    shutil.copytree(office.server, target / "server.git", symlinks=True)
    git(target / "office", "remote", "set-url", "origin", (target / "server.git").resolve().as_uri())
    return office_repo.Office(root=target / "office", server=target / "server.git", today=office.today,
                              family=office.family, open_case=office.open_case, paths=dict(office.paths), blobs=dict(office.blobs))


def _refs(root: Path) -> dict[str, str]:
    listing = out(root, "for-each-ref", "--format=%(refname) %(objectname)")
    return dict(line.split(" ", 1) for line in listing.splitlines())


def _both_ways(office, tmp_path, monkeypatch):
    """(handed over, file by file): each (exit code, output, leaks, refs)."""
    monkeypatch.setenv("GIT_COMMITTER_DATE", STAMP)
    monkeypatch.setenv("GIT_AUTHOR_DATE", STAMP)
    twin = _twin(office, tmp_path)
    planned, plans = rewrite.plan_purge, []
    with monkeypatch.context() as m:
        m.setattr(rewrite, "plan_purge", lambda *a, **k: plans.append(planned(*a, **k)) or plans[-1])
        code, output, leaks = _purge(office)
    assert plans and plans[0].folder_trees, "the handover was not used"
    fast = (code, output, leaks, _refs(office.root), plans[0])
    with monkeypatch.context() as m:
        m.setattr(scan, "folder_trees", lambda raw: {})
        code, output, leaks = _purge(twin)
    slow = (code, output, leaks, _refs(twin.root))
    return fast, slow


def _same(fast, slow) -> None:
    assert slow[0] == 0 and slow[2] == [], (slow[1], leak_scan.where(slow[2]))
    assert fast[2] == [] or fast[0] != 0, f"exit 0 with {leak_scan.where(fast[2])}"
    assert fast[0] == 0, fast[1]
    assert fast[3] == slow[3], "the handover rewrote history differently from the file-by-file rewrite"


def _more_folders(root: Path) -> None:
    """Folders the purge leaves as they were, one and two deep, changed beside the family's."""
    _write(root / "rapportages" / "2024" / "q1.txt", "Kwartaal 1: 12 gezinnen\n")
    _write(root / "rapportages" / "2024" / "sub" / "bijlage.txt", "bijlage\n")
    _write(root / "sjablonen" / "brief.txt", "Beste ouder,\n")
    _commit(root, "Rapportage en sjablonen")
    _write(root / "rapportages" / "2024" / "q2.txt", "Kwartaal 2: 14 gezinnen\n")
    (root / "sjablonen" / "brief.txt").unlink()
    _write(root / "sjablonen" / "mail.txt", "Beste ouder (mail),\n")
    _commit(root, "Q2; sjabloon mail")


# -- 1. the property: the same refs either way ---------------------------------------------

def test_the_office_with_folders_left_as_they_were_gives_the_same_refs_either_way(office, tmp_path, monkeypatch):
    """HOLDS on `fast`: the office, with folders one and two deep the purge leaves as they
    were (and a merge of a side branch changing them), purged with folders handed over and
    file by file: the same refs, no leak."""
    root = office.root
    _more_folders(root)
    git(root, "checkout", "-q", "-b", "zijtak", "HEAD~1")
    _write(root / "rapportages" / "2024" / "q1.txt", "Kwartaal 1: 13 gezinnen (herzien)\n")
    _write(root / "rapportages" / "2023" / "jaar.txt", "Jaar 2023\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "--no-verify", "-m", "Herziening")
    git(root, "checkout", "-q", "main")
    git(root, "merge", "-q", "--no-ff", "--no-edit", "zijtak")
    git(root, "push", "-q", "origin", "main", "zijtak")
    fast, slow = _both_ways(office, tmp_path, monkeypatch)
    _same(fast, slow)
    assert {"rapportages", "sjablonen"}.isdisjoint(fast[4].changed_folders), fast[4].changed_folders


# -- 2. a folder the handover keeps, which the rewrite fills ----------------------------------

def test_a_folder_a_renamed_one_lands_in_is_not_handed_over_as_it_was(office, tmp_path, monkeypatch):
    """Last year's purge left `post/***-***/` (every purged `post/<surname>-<first name>/`
    becomes that). This year the family's `post/Brinkgreve-Teun/` is renamed by the rewrite
    to the very same `post/***-***/`, its letter of no personal content kept there. The
    handover picks a folder by the NEW name (`_top` of file_info's renamed path), and
    `_changed_folders` lists only the OLD names: the next commit that changes last year's
    folder gets `M 040000 <its original tree> post/***-***`, and the family's kept letter is
    gone from every commit after it (file by file it stays): exit 0, other commits."""
    root = office.root
    _write(root / "post" / "***-***" / "brief.txt", "Brief verstuurd op 2023-11-02\n")
    _commit(root, "Post van vorig jaar (na de purge)")
    _write(root / "post" / f"{office_repo.SURNAME}-Teun" / "ontvangen.txt", "Formulier ontvangen op 2024-03-04\n")
    _commit(root, "Post: formulier")
    _write(root / "post" / "***-***" / "brief.txt", "Brief verstuurd op 2023-11-02; herinnering 2024-03-10\n")
    _commit(root, "Post: herinnering")
    fast, slow = _both_ways(office, tmp_path, monkeypatch)
    assert "post/***-***/ontvangen.txt" in out(tmp_path / "twin" / "office", "ls-tree", "-r", "--name-only", "HEAD")
    _same(fast, slow)


def test_a_folder_that_became_a_file_two_deep_keeps_the_file(office, tmp_path, monkeypatch):
    """`docs` holds a file named after the family (so the rewrite changes `docs`); the folder
    `docs/handleiding/` is replaced by a file `docs/handleiding` in one commit. git-filter-repo
    sorts a commit's changes by path: `M docs/handleiding` (the file) comes before
    `D docs/handleiding/deel1.txt`, which the handover turns into `D docs/handleiding`
    (the log's tree there is gone): the new file is deleted again. File by file, the D of a
    path under a file is nothing. Where the file is still at a tip, the rewrite's check sees
    it (`docs/handleiding changed (D)`) and rolls back: no purge possible on this history.
    Where a later commit removed the file, nothing at a tip shows it: exit 0 with the
    commit between rewritten without its file (other ids than file by file)."""
    root = office.root
    _write(root / "docs" / "handleiding" / "deel1.txt", "Deel 1\n")
    _write(root / "docs" / "handleiding" / "deel2.txt", "Deel 2\n")
    _commit(root, "Handleiding in delen")
    shutil.rmtree(root / "docs" / "handleiding")
    _write(root / "docs" / "handleiding", "Deel 1 en 2 in een bestand\n")
    _commit(root, "Handleiding in een bestand")
    git(root, "rm", "-q", "docs/handleiding")
    _commit(root, "Handleiding naar de wiki")
    fast, slow = _both_ways(office, tmp_path, monkeypatch)
    made = out(office.root, "log", "--format=%H", "--grep=Handleiding in een bestand", "main")
    kept = out(office.root, "ls-tree", "-r", "--name-only", made).splitlines()
    assert "docs/handleiding" in kept, "the file was lost from the commit that made it"
    _same(fast, slow)


def test_a_folder_that_became_a_file_two_deep_still_at_the_tip_is_purged(office, tmp_path, monkeypatch):
    """The same, the file still at the tip: the rewrite's check rolls the purge back (exit 1,
    `docs/handleiding changed (D)`): this history cannot be purged at all."""
    root = office.root
    _write(root / "docs" / "handleiding" / "deel1.txt", "Deel 1\n")
    _commit(root, "Handleiding in delen")
    shutil.rmtree(root / "docs" / "handleiding")
    _write(root / "docs" / "handleiding", "Deel 1 in een bestand\n")
    _commit(root, "Handleiding in een bestand")
    fast, slow = _both_ways(office, tmp_path, monkeypatch)
    _same(fast, slow)


def test_copies_of_the_personal_data_in_folders_git_quotes_or_three_deep_go_either_way(office, tmp_path, monkeypatch):
    """HOLDS on `fast`: a copy of the family's personal.yaml (a purged blob) and a note naming
    the mother (a redacted blob) under paths git quotes in the log (a tab, a double quote, a
    backslash), under a folder whose name is not UTF-8, three deep, and brought in only by
    a merge's second parent: every folder above them is changed, nothing is handed over
    whole that holds them; the same refs as file by file, no leak."""
    root = office.root
    note = f"Gesprek met {office_repo.MOTHER} over de verhuizing\n"
    personal = (root / office.paths["expired"]).read_bytes()
    (root / "archief" / "2024").mkdir(parents=True)
    (root / "archief" / "2024" / "kopie\tpersonal.yaml").write_bytes(personal)
    _write(root / "archief" / 'map "oud"' / "notitie.txt", note)
    _write(root / "back\\slash" / "x" / "y" / "notitie.txt", note)
    (root / "latin").mkdir()
    (root / "latin" / b"caf\xe9".decode("utf-8", "surrogateescape")).mkdir()
    (root / "latin" / b"caf\xe9".decode("utf-8", "surrogateescape") / "notitie.txt").write_text(note, encoding="utf-8")
    _write(root / "rapportages" / "2024" / "q1.txt", "Kwartaal 1\n")
    _commit(root, "Archief")
    git(root, "checkout", "-q", "-b", "zij", "HEAD~1")
    _write(root / "zijmap" / "diep" / "notitie.txt", note)
    _write(root / "rapportages" / "2024" / "q2.txt", "Kwartaal 2\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "--no-verify", "-m", "zij")
    git(root, "checkout", "-q", "main")
    git(root, "merge", "-q", "--no-ff", "--no-edit", "zij")
    git(root, "branch", "-q", "-D", "zij")
    git(root, "push", "-q", "origin", "main")
    fast, slow = _both_ways(office, tmp_path, monkeypatch)
    _same(fast, slow)


# -- 3. --yes: git status once, from the end of the plan on --------------------------------

def _yes(office, *extra: str, today: str | None = None):
    result = CliRunner().invoke(app, ["--data", str(office.root), "--today", today or office.today, "purge", "--yes", *extra])
    return result.exit_code, result.stdout + result.stderr


def test_yes_with_nothing_to_purge_still_refuses_a_dirty_tree(office):
    """HOLDS on `fast`: nothing has expired yet (today 2024-06-01), a file is changed: refused
    (exit 1, the tree named), as before the change, and nothing written."""
    root = office.root
    case_yaml = root / office.paths["open_case"]
    case_yaml.write_text(case_yaml.read_text(encoding="utf-8") + "# nog te bellen\n", encoding="utf-8")
    before = out(root, "for-each-ref", "--format=%(refname) %(objectname)")
    code, output = _yes(office, today="2024-06-01")
    assert code == 1 and "working tree has changes" in output, output
    assert out(root, "for-each-ref", "--format=%(refname) %(objectname)") == before


def test_yes_and_push_with_a_dirty_tree_change_nothing_here_or_on_the_server(office):
    """HOLDS on `fast`: --push origin --yes, an untracked file in the tree: the preflight no
    longer looks at the tree, the plan runs, and execute refuses before writing: neither the
    clone's branches and tags nor the server's refs moved, the file is still there. (The
    fetch of every ref of the remote comes first, with or without the change.)"""
    root = office.root
    _write(root / "cases" / "2024" / "concept.txt", "nog niet toegevoegd\n")
    here = out(root, "for-each-ref", "--format=%(refname) %(objectname)", "refs/heads", "refs/tags")
    there = out(office.server, "for-each-ref", "--format=%(refname) %(objectname)")
    code, output = _yes(office, "--push", "origin")
    assert code == 1 and "working tree has changes" in output, output
    assert (root / "cases" / "2024" / "concept.txt").exists()
    assert out(office.server, "for-each-ref", "--format=%(refname) %(objectname)") == there
    assert out(root, "for-each-ref", "--format=%(refname) %(objectname)", "refs/heads", "refs/tags") == here
    assert not (root / ".git" / "ekc" / "purge-journal.json").exists()


def test_yes_a_file_saved_while_the_plan_is_rendered_is_not_wiped(office, monkeypatch):
    """With --yes, git status now starts at the end of `prepare`, before the plan is rendered,
    and execute only reads its answer. A colleague saves a change to the open case while
    the plan is rendered, after git status looked at that file (made certain here by
    waiting for git status first): execute's answer is clean, git-filter-repo resets the
    tree, the change is gone, exit 0. Before ea21d96 git status started in execute, after
    the rendering. The same check must not be older than the rendering."""
    from ekc.cli import purge as cli_purge

    root = office.root
    case_yaml = root / office.paths["open_case"]
    edited = case_yaml.read_text(encoding="utf-8") + "# gesprek: afspraak verzet\n"
    prepare, rendered, prepared = rewrite.prepare, cli_purge._render_plan, []
    monkeypatch.setattr(rewrite, "prepare", lambda *a, **k: prepared.append(prepare(*a, **k)) or prepared[-1])

    def render_while_a_colleague_saves(*args, **kwargs):
        status = getattr(prepared[0], "status", None)  # the early git status of ea21d96, gone since
        if status is not None:
            status.process.wait()  # git status has looked at every file
        case_yaml.write_text(edited, encoding="utf-8")
        return rendered(*args, **kwargs)

    monkeypatch.setattr(cli_purge, "_render_plan", render_while_a_colleague_saves)
    code, output, leaks = _purge(office)
    assert leaks == [] or code != 0, output
    assert case_yaml.read_text(encoding="utf-8") == edited, f"the colleague's change was wiped (exit {code})"


def test_the_kept_history_log_and_commits_rewritten_by_hand_since_give_the_same_refs(office, tmp_path, monkeypatch):
    """HOLDS on `fast`: a purge with nothing to purge yet keeps the history log
    (.git/ekc/history-log); since then the last commits were rewritten by hand (amended, a
    folder renamed), a folder name holding the surname added one deep and three deep: the
    folder trees come from the kept log for the old commits and from a walk for the new
    ones, and the purge gives the refs a file-by-file rewrite gives, no leak."""
    root = office.root
    _more_folders(root)
    code, output = _yes(office, today="2024-06-01")
    assert code == 0 and "Nothing to purge" in output, output
    assert (root / ".git" / "ekc" / "history-log").exists()
    git(root, "mv", "rapportages", "verslagen")
    git(root, "commit", "-q", "--no-verify", "--amend", "-m", "Q2; sjabloon mail; verslagen")
    _write(root / office_repo.SURNAME / "overdracht.txt", "Overdracht aan de school\n")
    _write(root / "verslagen" / "2024" / f"{office_repo.SURNAME}-dossier" / "lijst.txt", "lijst\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "--no-verify", "-m", "Overdracht")
    git(root, "push", "-q", "-f", "origin", "main")
    fast, slow = _both_ways(office, tmp_path, monkeypatch)
    _same(fast, slow)
