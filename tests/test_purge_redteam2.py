"""The red team of branch `speed` (issue 12): the office of tests/support/office.py purged
with `ekc purge --yes` after the scan's verdicts reach git-filter-repo's callbacks, the proof
reads beside gc, and the plan's log runs in two halves. Checked by the independent scanner
(tests/support/leak_scan.py): nothing of the family left, or exit 1 naming where.
"""

from __future__ import annotations

import os
import subprocess

import pytest

from ekc.purge import scan
from tests.support import leak_scan, office as office_repo
from tests.support.git import git, out
from tests.support.store import dump
from tests.test_purge_redteam import _commit, _purge, _write, office  # noqa: F401 - the fixture

FIRST_NAME = office_repo.MOTHER.split(" ")[0]  # `Anaïs`: its ï is one byte (0xEF) in Windows-1252


def _commit_bytes(root, message: bytes) -> None:
    """A commit on main whose message is these raw bytes, with no `encoding` header (made
    as another tool makes it: `git commit` itself would re-encode it)."""
    git(root, "add", "-A")
    tree = out(root, "write-tree")
    head = out(root, "rev-parse", "HEAD")
    who = f"{office_repo.OFFICE_NAME} <{office_repo.OFFICE_EMAIL}> 1717200000 +0200".encode()
    raw = b"tree %s\nparent %s\nauthor %s\ncommitter %s\n\n%s" % (tree.encode(), head.encode(), who, who, message)
    made = subprocess.run(["git", "hash-object", "-t", "commit", "-w", "--stdin"], cwd=root, input=raw, check=True,
                          capture_output=True).stdout.decode().strip()
    git(root, "update-ref", "refs/heads/main", made)
    git(root, "push", "-q", "origin", "main")


def _clean(code: int, output: str, leaks: list) -> None:
    """Nothing left and exit 0; a leak with exit 0 (a false proof) is the worst outcome."""
    assert not (code == 0 and leaks), f"exit 0 with a leak: {leak_scan.where(leaks)}"
    assert leaks == [], (code, leak_scan.where(leaks))
    assert code == 0, output


# -- text in Windows-1252: `ï` and `ü` are one byte that is not UTF-8 --------------------------

def test_a_windows_1252_csv_export_loses_the_name(office):
    """An Excel export committed and deleted again: `Anaïs` is `Ana\\xefs`."""
    root = office.root
    (root / "export").mkdir()
    (root / "export" / "clienten.csv").write_bytes(f"voornaam;plaats\n{FIRST_NAME};Purmerend\n".encode("cp1252"))
    _commit(root, "Export")
    git(root, "rm", "-q", "-r", "export")
    _commit(root, "Export weg")

    code, output, leaks = _purge(office)

    _clean(code, output, leaks)


def test_a_windows_1252_commit_message_loses_the_name(office):
    """A message typed on an old Windows machine, without an `encoding` header."""
    root = office.root
    _write(root / "docs" / "readme.txt", "Handleiding\n")
    _commit_bytes(root, f"Gesprek met {FIRST_NAME}\n".encode("cp1252"))

    code, output, leaks = _purge(office)

    _clean(code, output, leaks)


def test_a_windows_1252_file_name_loses_the_name(office):
    """A file name written by a tool that does not speak UTF-8."""
    root = office.root
    name = os.fsdecode(f"brief-{FIRST_NAME}.txt".encode("cp1252"))
    _write(root / "docs" / name, "Brief\n")
    _commit(root, "Brief")
    git(root, "rm", "-q", "-r", "docs")
    _commit(root, "Brief weg")

    code, output, leaks = _purge(office)

    _clean(code, output, leaks)


# -- the plan's log in two halves ------------------------------------------------------------

def test_the_office_purges_clean_with_history_read_in_halves(office, monkeypatch):
    """The office's own history, split at its middle: an orphan branch with its own root,
    and a commit only a reflog still reaches, each holding a copy of the family's data."""
    root = office.root
    git(root, "checkout", "-q", "--orphan", "archief")
    git(root, "rm", "-q", "-r", "--cached", ".")
    _write(root / "archief" / "familie.txt", f"{office_repo.MOTHER}, {office_repo.ADDRESS}\n")
    git(root, "add", "archief")
    git(root, "commit", "-q", "--no-verify", "-m", "Archief")
    git(root, "clean", "-q", "-fdx")
    git(root, "checkout", "-q", "-f", "main")
    _write(root / "docs" / "kopie.txt", f"{office_repo.SON}\n")
    _commit(root, "Kopie")
    git(root, "reset", "-q", "--hard", "HEAD~1")  # the copy is only in the reflog now
    git(root, "push", "-q", "-f", "origin", "main")
    monkeypatch.setattr(scan.HalvedLog, "SPLIT_FROM", 2)

    code, output, leaks = _purge(office)

    _clean(code, output, leaks)


# -- a deleted file under a folder named after the family -----------------------------------

def test_a_deleted_file_in_a_folder_named_after_the_family_stays_deleted(office):
    """git-filter-repo hands the callbacks no delete: a file whose path the rewrite renames
    is added under the new name and deleted under the old, so it would come back."""
    root = office.root
    _write(root / "intake" / f"Brinkgreve-{FIRST_NAME}" / "brief.txt", "Brief\n")
    _commit(root, "Brief")
    git(root, "rm", "-q", "-r", "intake")
    _commit(root, "Brief weg")
    before = {p for p in out(root, "ls-tree", "-r", "--name-only", "HEAD").splitlines() if not p.startswith("cases/")}

    code, output, leaks = _purge(office)

    after = {p for p in out(root, "ls-tree", "-r", "--name-only", "HEAD").splitlines() if not p.startswith("cases/")}
    assert leaks == [], leak_scan.where(leaks)
    assert after - before <= {"purge-log.yaml"}, "a deleted file came back"
    assert code == 0, output


# -- the raw pre-filter: a name whose every ASCII piece is short ------------------------------

AUNT_BY_MARRIAGE = "Aïda Brinkgreve"  # `Aïda`: no run of three ASCII letters in it as written


def test_a_name_written_without_its_diacritic_in_a_plain_message_is_redacted(office):
    """The raw pre-filter keyed each string on its longest ASCII run as written (`da` of
    `Aïda`, too short to be a key), so a plain-ASCII `Aida` passed as clean: the scan left
    the commit untouched and the proof read past it."""
    import yaml

    root = office.root
    path = root / office.paths["expired"]
    personal = yaml.safe_load(path.read_text(encoding="utf-8"))
    personal.setdefault("network", []).append({"name": AUNT_BY_MARRIAGE, "relation": "tante"})
    path.write_text(dump(personal), encoding="utf-8")
    _commit(root, "Netwerk bijgewerkt")
    _write(root / "docs" / "agenda.txt", "Dinsdag: Aida bellen\n")
    _commit(root, "Gesprek met Aida")
    git(root, "rm", "-q", "-r", "docs")
    _commit(root, "Agenda weg")

    code, output, leaks = _purge(office, AUNT_BY_MARRIAGE, "Aïda")

    _clean(code, output, leaks)


# -- the proof beside gc -----------------------------------------------------------------

def test_a_gc_that_fails_is_no_proof_and_a_second_purge_finishes(office):
    """Another gc holds the lock (`gc.pid` of a live process on this machine): the purge's
    gc fails, the old history is still in the database. The purge must not call that proven;
    once the lock is gone, `ekc purge` finishes and the proof holds."""
    import socket

    root = office.root
    lock = root / ".git" / "gc.pid"
    lock.write_text(f"{os.getpid()} {socket.gethostname()}")

    code, output, leaks = _purge(office)

    assert not (code == 0 and leaks), f"exit 0 with a leak: {leak_scan.where(leaks)}"
    assert code != 0, output
    lock.unlink()
    code, output, leaks = _purge(office)
    _clean(code, output, leaks)


def test_a_version_of_personal_yaml_saved_as_windows_1252_gives_its_names(office):
    """Saved as "ANSI" by Notepad and committed with --no-verify: `Aïda` is `A\\xefda`. Read
    as UTF-8 with replacement it is `A\\ufffdda`, no name at all, so the aunt's name in a
    message (typed in UTF-8 later) was never a string to redact."""
    root = office.root
    path = root / office.paths["expired"]
    text = path.read_text(encoding="utf-8") + f"network:\n  - name: {AUNT_BY_MARRIAGE}\n    relation: tante\n"
    path.write_bytes(text.encode("cp1252"))
    _commit(root, "Netwerk")
    path.write_text(text.replace(f"network:\n  - name: {AUNT_BY_MARRIAGE}\n    relation: tante\n", ""), encoding="utf-8")
    _commit(root, "Netwerk hersteld")
    _write(root / "docs" / "readme.txt", "Handleiding\n")
    _commit(root, "Gesprek met Aïda")

    code, output, leaks = _purge(office, "Aïda")

    _clean(code, output, leaks)


def test_a_merge_of_a_signed_tag_keeps_no_tagger(office):
    """`git merge` of a signed tag copies the tag into the merge commit's header
    (`mergetag`), its tagger and message with it: a header git-filter-repo's callbacks never
    see as an identity or a message."""
    root = office.root
    head = out(root, "rev-parse", "HEAD")
    git(root, "commit", "-q", "--allow-empty", "--no-verify", "-m", "Zijtak")
    side = out(root, "rev-parse", "HEAD")
    git(root, "reset", "-q", "--hard", head)
    tree = out(root, "rev-parse", "HEAD^{tree}")
    who = f"{office_repo.OFFICE_NAME} <{office_repo.OFFICE_EMAIL}> 1717200000 +0200"
    tagger = f"{office_repo.MOTHER} <{office_repo.EMAIL}> 1717200000 +0200"
    raw = (f"tree {tree}\nparent {head}\nparent {side}\nauthor {who}\ncommitter {who}\n"
           f"mergetag object {side}\n type commit\n tag intake\n tagger {tagger}\n \n Intake {office_repo.MOTHER}\n"
           f"\nMerge tag 'intake'\n").encode()
    made = subprocess.run(["git", "hash-object", "-t", "commit", "-w", "--stdin"], cwd=root, input=raw, check=True,
                          capture_output=True).stdout.decode().strip()
    git(root, "update-ref", "refs/heads/main", made)
    git(root, "push", "-q", "origin", "main")

    code, output, leaks = _purge(office)

    _clean(code, output, leaks)


# -- Needles alone -------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["Aïda Brinkgreve", "Zoë Ek", "Bo Ek", "Jiří Novák", "Ødegård Sæther", "Anaïs Brinkgreve"])
def test_the_raw_pre_filter_never_passes_what_find_finds(name):
    """proof._may_hold: raw_candidate False on ASCII content means clean, unread. Every
    ASCII spelling find matches (the fold, in any case, wrapped) must get past it."""
    from ekc.core.identifying import Needles, PersonalStrings, fold, name_parts

    needles = Needles(PersonalStrings({name}, set(name_parts(name))))
    spellings = [fold(name), fold(name).upper(), fold(name).title(), fold(name).replace(" ", "\n  ")]
    spellings += [fold(part) for part in name_parts(name)]
    for spelling in spellings:
        data = f"Gesprek met {spelling} gehad\n".encode()
        if spelling.isascii() and needles.find_bytes(data):
            assert needles.raw_candidate(data), spelling


def test_windows_1252_bytes_are_found_and_redacted_in_place():
    from ekc.core.identifying import Needles, PersonalStrings

    needles = Needles(PersonalStrings({"Jürgen Müller"}, {"Jürgen", "Müller"}))
    data = "naam;Müller;Jürgen;\u20ac 5\n".encode("cp1252") + b"\x81"  # an unassigned byte stays
    assert needles.find_bytes(data)
    assert needles.redact_bytes(data) == "naam;***;***;\u20ac 5\n".encode("cp1252") + b"\x81"
    utf8 = "Müller\n".encode()
    assert needles.redact_bytes(utf8) == b"***\n"
    assert needles.redact_bytes(b"geen naam \xff\n") == b"geen naam \xff\n"
