"""The red team of branch purge-fast: the office of tests/support/office.py, made messier, purged
with `ekc purge --yes`, then checked by the independent scanner (tests/support/leak_scan.py).

What each test holds the purge to: either nothing of the family is left, or the purge exits 1
and says where. Never exit 0 with a leak.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from ekc.cli.app import app
from tests.support import leak_scan, office as office_repo
from tests.support.git import git, out
from tests.support.store import dump


@pytest.fixture
def office(tmp_path, tmp_path_factory) -> office_repo.Office:
    """The red-team office with its broken case mended, so a clean purge exits 0."""
    built = office_repo.fresh(tmp_path, tmp_path_factory.getbasetemp())
    root = built.root
    (root / built.paths["broken"]).write_text(dump(office_repo.closed_on(office_repo.BROKEN, "2024-05-31")))
    _commit(root, "Mend EKC-2024-BRKN2")
    return built


def _commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "--no-verify", "-m", message)
    git(root, "push", "-q", "origin", "main")


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _log(root: Path) -> dict:
    from ekc.store.yamlio import parse

    parsed = parse("purge-log.yaml", (root / "purge-log.yaml").read_bytes())
    assert parsed.ok, parsed.findings
    return parsed.data


def _not_a_record(leak: leak_scan.Leak) -> bool:
    """purge-log.yaml names the purged blob ids by contract; any other mention is a leak."""
    if not leak.found.startswith("blob "):
        return True
    sha = leak.found[len("blob "):]
    return not ((leak.where.endswith("(blob)") and not leak.where.startswith(f"object {sha} ")) or leak.where == "work tree: purge-log.yaml")


def _purge(office: office_repo.Office, *extra_strings: str):
    """(exit code, output, leaks the independent scan finds afterwards)."""
    result = CliRunner().invoke(app, ["--data", str(office.root), "--today", office.today, "purge", "--yes"])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    output = result.stdout + result.stderr
    strings = [*office.family, *extra_strings]
    leaks = [leak for leak in leak_scan.scan(office.root, strings, sorted(office.blobs.values())) if _not_a_record(leak)]
    assert not leak_scan.Matcher(strings).strings_in(output), "the purge printed a name"
    return result.exit_code, output, leaks


def test_the_mended_office_purges_clean_and_exits_0(office):
    code, output, leaks = _purge(office)
    assert leaks == [], leak_scan.where(leaks)
    assert code == 0, output


# -- the work tree: what git does not list ------------------------------------------------

def test_a_folder_named_dot_git_inside_the_work_tree_is_looked_at(office):
    """git skips every entry named `.git`, at any depth: `ls-files --others` never lists it."""
    root = office.root
    _write(root / "docs" / "readme.txt", "Handleiding\n")
    _commit(root, "Docs")
    _write(root / "docs" / ".git" / "Brinkgreve-brief.txt", f"Brief aan {office_repo.MOTHER}\n")

    code, output, leaks = _purge(office)

    assert leaks, "the scenario plants a leak the purge does not remove"
    assert code == 1, output
    assert "docs/.git/" in output


def test_a_submodule_work_tree_is_looked_at(office, tmp_path):
    """A submodule's files are tracked by another repository: neither tracked nor untracked here."""
    root = office.root
    library = tmp_path / "library"
    library.mkdir()
    git(library, "init", "-q", "-b", "main")
    _write(library / "README", "a library\n")
    git(library, "add", "-A")
    git(library, "-c", "user.name=x", "-c", "user.email=x@example.org", "commit", "-q", "-m", "start")
    git(root, "-c", "protocol.file.allow=always", "submodule", "add", "-q", library.as_uri(), "vendor/library")
    _commit(root, "Add a library")
    # ignored inside the submodule: `git status` of the office stays clean
    _write(library / ".gitignore", "*.txt\n")
    exclude = out(root / "vendor" / "library", "rev-parse", "--git-path", "info/exclude")
    _write(root / "vendor" / "library" / exclude, "*.txt\n")
    _write(root / "vendor" / "library" / "export.txt", f"{office_repo.MOTHER}, {office_repo.PHONE_SPELLINGS[0]}\n")
    assert out(root, "status", "--porcelain") == ""

    code, output, leaks = _purge(office)

    assert leaks, "the scenario plants a leak the purge does not remove"
    assert code == 1, output
    assert "vendor/library/export.txt" in output


def test_a_tracked_file_git_is_told_not_to_look_at_is_read(office):
    """`git status` is clean, yet the file in the work tree is not the blob in HEAD (an
    assume-unchanged file the purge's checkout of the new HEAD writes over anyway)."""
    root = office.root
    path = office.paths["open_case"]
    git(root, "update-index", "--skip-worktree", path)
    with open(root / path, "a", encoding="utf-8") as file:
        file.write(f"# belde over {office_repo.MOTHER}\n")
    assert out(root, "status", "--porcelain") == ""

    code, output, leaks = _purge(office)

    assert leaks, "the scenario plants a leak the purge does not remove"
    assert code == 1, output
    assert path in output


# -- paths git quotes ------------------------------------------------------------------------

def test_git_quoted_paths_are_unquoted_as_bytes():
    from ekc.store.git import unquote_path

    assert unquote_path('"docs/brief \\"Anaïs\\".txt"') == 'docs/brief "Anaïs".txt'
    assert unquote_path('"a\\tb\\303\\253"') == "a\tbë"  # octal escapes are UTF-8 bytes
    assert unquote_path("intake/Zoë/personal.yaml") == "intake/Zoë/personal.yaml"


def test_a_file_name_with_quotes_and_a_diacritic_is_purged_not_rolled_back(office):
    """git quotes a path holding `"` even with core.quotePath off; the letters beside the
    escapes are UTF-8. Read as Latin-1 the name was garbled: the rewrite's check saw an
    unplanned change, rolled the purge back and printed the garbled path."""
    root = office.root
    _write(root / "docs" / f'brief "{office_repo.MOTHER.split()[0]}".txt', "brief aan de school\n")
    _write(root / "docs" / f'kopie "{office_repo.SON}"' / "a.txt", "kopie\n")
    _write(root / "docs" / "rooster.txt", "maandag\n")
    _commit(root, "Docs")
    git(root, "rm", "-q", "-r", "docs/" + f'kopie "{office_repo.SON}"')
    _commit(root, "Kopie weg")

    code, output, leaks = _purge(office)

    assert leaks == [], leak_scan.where(leaks)
    assert code == 0, output
    assert (root / "docs" / 'brief "***".txt').is_file()


# -- phone numbers as people type them --------------------------------------------------------

ODD_PHONES = ["+31 (0)6 4815 1623", "0031 (0) 6 48151623", "06 - 48 15 16 23", "+31.6.48151623", "(06) 48151623",
              "06/48151623", "06/4815 1623", "06\u201348151623", "06\u20114815\u20111623", "06 \u2212 4815 1623"]


def test_a_phone_number_in_any_spelling_is_redacted_and_its_commit_logged(office):
    """Compared by their digits (DATA-FORMAT.md): a slash and the typographic dashes too."""
    root = office.root
    commits = []
    for spelling in ODD_PHONES:
        git(root, "commit", "-q", "--allow-empty", "--no-verify", "-m", f"Teruggebeld op {spelling}")
        commits.append(out(root, "rev-parse", "HEAD"))
    git(root, "push", "-q", "origin", "main")
    before = leak_scan.scan(root, [office_repo.PHONE])
    assert {leak.where for leak in before} >= {f"object {c} (commit)" for c in commits}  # the scanner sees each

    code, output, leaks = _purge(office)

    assert leaks == [], leak_scan.where(leaks)
    assert code == 0, output
    log = _log(root)
    entry = next(e for e in log["purges"] if e["case"] == office.expired_case)
    assert set(commits) <= set(entry["commits"]), "a commit redacted for the case is not logged under it"


# -- kept data ----------------------------------------------------------------------------------

def test_a_comment_in_kept_data_does_not_make_the_familys_surname_kept(office):
    """A name part counts as kept where kept *data* holds it (a coordinator Jansen); a comment
    that mentions the family is no such data, and the surname alone must still go."""
    root = office.root
    coordinators = root / "coordinators.yaml"
    coordinators.write_text(coordinators.read_text() + f"# C-0042 helpt ook familie {office_repo.SURNAME}\n")
    _commit(root, "Coordinator note")

    code, output, leaks = _purge(office)

    assert leaks == [], leak_scan.where(leaks)
    assert code == 0, output
    validate = CliRunner().invoke(app, ["--data", str(root), "validate"])
    assert "coordinators.yaml" not in validate.stdout, validate.stdout


def test_an_empty_folder_named_after_the_family_goes(office):
    """git does not see an empty folder, so neither the preflight nor the rewrite does; the purge
    removes it as it removes the folders its rewrite emptied (nothing of a person in a name)."""
    root = office.root
    (root / "export" / f"{office_repo.SURNAME}-Teun" / "brieven").mkdir(parents=True)
    (root / "export" / "leeg").mkdir()

    code, output, leaks = _purge(office)

    assert leaks == [], leak_scan.where(leaks)
    assert code == 0, output
    assert not (root / "export").exists()


def test_a_phone_typed_with_a_typographic_dash_in_personal_yaml_is_a_phone():
    """An old version of personal.yaml (committed with --no-verify) may hold `06–4815 1623`;
    as a phone it is found in every spelling, as text (it has no letters) it was never looked for."""
    from ekc.core.identifying import Needles, PersonalStrings, of_unreadable_text

    strings = of_unreadable_text("phone: 06\u20134815 1623\nname: [Teun\n")
    needles = Needles(strings, set())
    assert needles.find("Teruggebeld: +31 6 48151623")
    assert needles.redact("bel 0648151623 of 06/4815 1623") == "bel *** of ***"


def test_a_name_with_an_invisible_character_in_it_is_redacted(office):
    """Copied from a PDF or a web form, a name may hold a soft hyphen or a zero-width space;
    it reads the same on screen, and it is the same name."""
    root = office.root
    git(root, "commit", "-q", "--allow-empty", "--no-verify", "-m", "Gesprek met mevrouw Brink\u00adgreve")
    git(root, "commit", "-q", "--allow-empty", "--no-verify", "-m", "Huisbezoek Lijster\u200bbeslaan 17")
    git(root, "push", "-q", "origin", "main")

    code, output, leaks = _purge(office)

    assert leaks == [], leak_scan.where(leaks)
    assert code == 0, output
    assert "Gesprek met mevrouw ***" in out(root, "log", "-3", "--format=%s")
