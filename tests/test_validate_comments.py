"""`ekc validate` refuses personal data in case.yaml comments and stray files under cases/.

A comment is dropped by every YAML loader, so before this rule a name in a comment passed
validation and outlived every purge (issue 12).
"""

from __future__ import annotations

import unicodedata

import pytest
from typer.testing import CliRunner

from ekc.cli.app import app
from ekc.validate.rules.comments import comments
from tests.rulecheck import CLOSED_ID, CLOSED_PATH, OPEN_PATH, findings_of, line_of, the_one, valid_store

# personal_doc(): Sanne de Vries, Joop de Vries, Kerkstraat 1, +31 6 98765432, s.devries@example.org


def with_comment(tmp_path, after: str, comment: str, path: str = CLOSED_PATH):
    root = valid_store(tmp_path).write()
    target = root / path
    text = target.read_text(encoding="utf-8")
    assert after in text
    target.write_text(text.replace(after, f"{after}  # {comment}", 1), encoding="utf-8")
    return root


def where(finding):
    return (finding.code, finding.severity, finding.path, finding.line)


@pytest.mark.parametrize("comment", [
    "moeder Sanne de Vries belt vaak",
    "SANNE DE VRIES",
    unicodedata.normalize("NFD", "opa Jöop de Vries"),
    "mevrouw Vries",  # the surname alone: a part of five letters
    "Sanne",
    "mevrouw Vr\u200bies",  # a zero-width space inside the name, as the purge folds it away
])
def test_a_name_of_the_case_in_a_comment_is_an_error(tmp_path, comment):
    root = with_comment(tmp_path, "outcome: plan", comment)
    finding = the_one(findings_of(root))
    assert where(finding) == ("personal-comment", "error", CLOSED_PATH, line_of(root, CLOSED_PATH, "outcome: plan"))
    assert "own persons" in finding.message
    assert "Sanne" not in finding.message and "Vries" not in finding.message


@pytest.mark.parametrize("comment", ["bel 06-98765432", "mail s.devries@example.org", "postcode 1441 AB", "bsn 123456782"])
def test_contact_data_in_a_comment_is_an_error(tmp_path, comment):
    # an open case without personal.yaml: the contact rule needs no personal file
    root = with_comment(tmp_path, "reasons:", comment, path=OPEN_PATH)
    finding = the_one(findings_of(root))
    assert where(finding) == ("personal-comment", "error", OPEN_PATH, line_of(root, OPEN_PATH, "reasons:"))
    assert "looks like it holds" in finding.message


@pytest.mark.parametrize("comment", ["terugbellen 0031 6 98765432", "terugbellen 06/98765432", "terugbellen 06\u20139876 5432"])
def test_a_phone_number_of_the_case_in_another_spelling(tmp_path, comment):
    """Any spelling the purge's search matches (a slash, a typographic dash between digits)."""
    root = with_comment(tmp_path, "outcome: plan", comment)
    codes = {f.code for f in findings_of(root)}
    assert codes == {"personal-comment"}


@pytest.mark.parametrize("comment", ["besproken met de jeugdarts", "zie plan van 12 maart", "Vriesland"])
def test_a_comment_without_personal_data_is_fine(tmp_path, comment):
    root = with_comment(tmp_path, "outcome: plan", comment)
    assert findings_of(root) == []


def test_a_hash_inside_a_quoted_scalar_or_a_block_is_no_comment():
    text = (
        "a: 'x # Sanne de Vries'\n"
        'b: "it\'s # Sanne"\n'
        "c: |\n"
        "  # Sanne in a block\n"
        "  more\n"
        "d: it's plain # real one\n"
        "# whole line\n"
        "e: x#y\n"
        "f: 'multi\n"
        "  line # still quoted'\n"
    )
    assert [(c.line, c.text) for c in comments(text)] == [(6, "real one"), (7, "whole line")]


def test_validate_exits_1_on_a_name_in_a_comment(tmp_path):
    root = with_comment(tmp_path, "outcome: plan", "moeder Sanne de Vries")
    result = CliRunner().invoke(app, ["--data", str(root), "--today", "2024-09-15", "validate"])
    assert result.exit_code == 1
    assert "personal-comment" in result.stdout + result.stderr or "comment" in result.stdout + result.stderr


@pytest.mark.parametrize("name", ["personal.yaml.bak", "notes.txt"])
def test_a_copy_or_notes_beside_a_case_fail_validate(tmp_path, name):
    root = valid_store(tmp_path).write()
    (root / "cases" / "2024" / CLOSED_ID / name).write_text("Sanne de Vries\n")
    result = CliRunner().invoke(app, ["--data", str(root), "--today", "2024-09-15", "validate"])
    assert result.exit_code == 1
    assert f"cases/2024/{CLOSED_ID}/{name}" in result.stdout


def test_only_case_files_a_person_commented_are_read_again():
    from ekc.validate.rules.comments import TEMPLATE_COMMENT, may_hold_own_comments

    header = f"# {TEMPLATE_COMMENT}\nid: EKC-2024-K7Q2M\n".encode()
    assert not may_hold_own_comments(header)
    assert not may_hold_own_comments(b"id: EKC-2024-K7Q2M\n")
    assert may_hold_own_comments(header + b"outcome: plan  # Sanne\n")
    assert may_hold_own_comments(b"# Sanne\nid: EKC-2024-K7Q2M\n")


def test_a_name_in_a_comment_of_a_case_made_by_case_new(tmp_path):
    from tests.case_repos import init_repo

    root = init_repo(valid_store(tmp_path).write())
    new = CliRunner().invoke(app, ["--data", str(root), "--today", "2024-09-15", "case", "new", "--municipality", "GM0439",
                                   "--variant", "family", "--referrer", "self", "--no-minors", "--no-conditions",
                                   "--professional-help", "none", "--reason", "parenting"])
    assert new.exit_code == 0, new.stderr
    case_id = new.stdout.strip()
    folder = root / "cases" / "2024" / case_id
    assert findings_of(root) == []  # ekc's own header comment is no finding
    (folder / "personal.yaml").write_text("main_persons:\n  - {name: Bram Oosterlaken, role: parent}\n")
    with open(folder / "case.yaml", "a", encoding="utf-8") as handle:
        handle.write("# vader: Bram Oosterlaken\n")
    assert [f.code for f in findings_of(root)] == ["personal-comment"]
