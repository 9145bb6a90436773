"""`ekc validate --history A..B`: purged paths and personal data in commits, on real git."""

import json

import pytest
from typer.testing import CliRunner

from ekc.cli.app import app
from ekc.core.errors import UsageProblem
from ekc.guard.history_check import check_history, commits_in, purged_paths
from tests.support.git import commit_all, git, init_repo, out
from tests.support.store import StoreBuilder, case_folder, closed_case, dump, personal_doc, registered_case

CASE = "EKC-2024-K7Q2M"
PERSONAL = f"cases/2024/{CASE}/personal.yaml"
PURGE_LOG = {"purges": [{"case": CASE, "closed": "2024-06-30", "purged": "2024-10-01", "paths": [PERSONAL]}]}


@pytest.fixture
def repo(tmp_path):
    root = StoreBuilder(tmp_path / "data").with_case(closed_case(CASE), personal_doc()).write()
    init_repo(root)
    commit_all(root, f"{CASE}: closed")
    return root


def run(root, *args):
    return CliRunner().invoke(app, ["--data", str(root), "--today", "2024-07-01", "validate", *args])


def purge_by_hand(root):
    """What `ekc purge` leaves in the tree: the file gone, the log naming it."""
    (root / PERSONAL).unlink()
    (root / "purge-log.yaml").write_text(dump(PURGE_LOG))
    return commit_all(root, "purge: EKC-2024-K7Q2M")


def test_a_clean_range_passes(repo):
    base = out(repo, "rev-parse", "HEAD")
    (case_folder(repo, "EKC-2024-AB12C")).mkdir(parents=True)
    (case_folder(repo, "EKC-2024-AB12C") / "case.yaml").write_text(dump(registered_case()))
    tip = commit_all(repo, "EKC-2024-AB12C: registered")
    assert check_history(repo, f"{base}..{tip}") == []
    result = run(repo, "--history", f"{base}..{tip}")
    assert result.exit_code == 0, result.stdout


def test_a_commit_holding_a_purged_path_is_refused(repo):
    stale = out(repo, "rev-parse", "HEAD")
    purge_by_hand(repo)
    # The working tree's purge log names the path; the stale commit still holds it.
    findings = check_history(repo, stale)
    assert [(f.path, f.code) for f in findings] == [(PERSONAL, "purged-back")]
    assert stale[:10] in findings[0].message and "2024-10-01" in findings[0].message
    result = run(repo, "--history", stale)
    assert result.exit_code == 1
    assert f"{PERSONAL}:1:1: error: commit {stale[:10]} holds {PERSONAL}" in result.stdout


def test_the_purge_log_of_the_tip_counts_even_when_the_working_tree_lacks_it(repo):
    stale = out(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "-b", "purged")
    purge_by_hand(repo)
    # a stale clone merges the purge but keeps its own copy of the personal file
    git(repo, "checkout", "-q", "-b", "stale", stale)
    git(repo, "merge", "-q", "--no-commit", "purged")
    git(repo, "checkout", stale, "--", PERSONAL)
    tip = commit_all(repo, "merge")
    git(repo, "checkout", "-q", "main")
    assert not (repo / "purge-log.yaml").exists()
    findings = check_history(repo, f"purged..{tip}")
    assert [(f.path, f.code) for f in findings] == [(PERSONAL, "purged-back")]
    assert tip[:10] in findings[0].message


def test_after_a_forced_push_from_a_stale_clone_only_the_old_tip_knows_the_purge(repo):
    stale = out(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "--orphan", "rewritten")
    purged_tip = purge_by_hand(repo)
    # the stale clone's history is force-pushed over the purged one and checked out
    git(repo, "checkout", "-q", "-f", "main")
    git(repo, "reset", "-q", "--hard", stale)
    assert not (repo / "purge-log.yaml").exists()
    findings = check_history(repo, f"{purged_tip}..{stale}")
    assert [(f.path, f.code) for f in findings] == [(PERSONAL, "purged-back")]


def test_a_purged_path_held_by_many_commits_is_reported_once_at_the_oldest(repo):
    first = out(repo, "rev-parse", "HEAD")
    (repo / "municipalities.yaml").write_text((repo / "municipalities.yaml").read_text() + "\n")
    second = commit_all(repo, "two")
    git(repo, "checkout", "-q", "--orphan", "rewritten")
    purge_by_hand(repo)
    findings = check_history(repo, second)
    assert len(findings) == 1 and findings[0].message.startswith(f"commit {second[:10]} holds")
    findings = check_history(repo, f"{'0' * 40}..{second}")
    assert len(findings) == 1
    assert findings[0].message.startswith(f"commit {first[:10]} (and 1 later commit in the range) holds {PERSONAL}")


def test_all_zero_before_checks_every_commit_of_the_tip(repo):
    first = out(repo, "rev-parse", "HEAD")
    purge_by_hand(repo)
    tip = out(repo, "rev-parse", "HEAD")
    findings = check_history(repo, f"{'0' * 40}..{tip}")
    assert [f.message.split()[1] for f in findings] == [first[:10]]
    _, commits = commits_in(repo, f"{'0' * 40}..{tip}")
    assert commits == [tip, first]


def test_personal_data_in_a_changed_case_file_is_refused_at_its_commit(repo):
    base = out(repo, "rev-parse", "HEAD")
    case_path = case_folder(repo, CASE) / "case.yaml"
    text = case_path.read_text()
    case_path.write_text(text.replace("reasons:", "comment: call 06 12345678\nreasons:"))
    bad = commit_all(repo, f"{CASE}: note")
    case_path.write_text(text)
    fixed = commit_all(repo, f"{CASE}: note removed")
    findings = check_history(repo, f"{base}..{fixed}")
    assert len(findings) == 1
    finding = findings[0]
    assert finding.path == f"cases/2024/{CASE}/case.yaml" and finding.code == "personal-data"
    assert finding.message.startswith(f"commit {bad[:10]}: ") and "phone number" in finding.message
    assert finding.line == text.splitlines().index("reasons:") + 1
    # the tip is clean: only the history check sees it
    assert run(repo).exit_code == 0
    result = run(repo, "--history", f"{base}..{fixed}", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["findings"][0]["code"] == "personal-data"


def test_the_same_bad_blob_is_reported_once(repo):
    base = out(repo, "rev-parse", "HEAD")
    case_path = case_folder(repo, CASE) / "case.yaml"
    case_path.write_text(case_path.read_text().replace("reasons:", "mail: a@b.nl\nreasons:"))
    commit_all(repo, "one")
    (repo / "municipalities.yaml").write_text((repo / "municipalities.yaml").read_text() + "\n")
    tip = commit_all(repo, "two")
    assert len(check_history(repo, f"{base}..{tip}")) == 1


def test_merges_are_checked_against_each_parent(repo):
    base = out(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "-b", "side")
    other = case_folder(repo, "EKC-2024-AB12C")
    other.mkdir(parents=True)
    (other / "case.yaml").write_text(dump(registered_case()).replace("reasons:", "x: 1234 AB\nreasons:"))
    commit_all(repo, "side")
    git(repo, "checkout", "-q", "main")
    (repo / "coordinators.yaml").write_text((repo / "coordinators.yaml").read_text() + "\n")
    commit_all(repo, "main")
    git(repo, "merge", "-q", "--no-edit", "side")
    tip = out(repo, "rev-parse", "HEAD")
    findings = check_history(repo, f"{base}..{tip}")
    assert [f.code for f in findings] == ["personal-data"] and "postcode" in findings[0].message


def test_a_data_repository_below_the_git_root(tmp_path):
    top = init_repo(tmp_path / "project")
    data = StoreBuilder(top / "sample").with_case(closed_case(CASE), personal_doc()).write()
    stale = commit_all(top, "data")
    purge_by_hand(data)
    findings = check_history(data, stale)
    assert [(f.path, f.code) for f in findings] == [(PERSONAL, "purged-back")]


@pytest.mark.parametrize("rev_range", ["nosuch..HEAD", "HEAD..nosuch", "nosuch", "HEAD...HEAD", "..HEAD", "HEAD..", "--all"])
def test_a_bad_range_is_a_usage_error(repo, rev_range):
    with pytest.raises(UsageProblem):
        check_history(repo, rev_range)
    result = run(repo, "--history", rev_range)
    assert result.exit_code == 2
    assert result.stderr.startswith("ekc: --history")


def test_history_outside_git_is_a_usage_error(tmp_path):
    root = StoreBuilder(tmp_path / "plain").write()
    result = run(root, "--history", "HEAD")
    assert result.exit_code == 2
    assert "not inside" in result.stderr


def test_purged_paths_is_lenient():
    assert purged_paths({"purges": [{"paths": ["a", 3, ""]}, "junk", {"paths": "b"}]}) == {"a": "an earlier day"}
    assert purged_paths(["x"]) == {}
    assert purged_paths({"purges": [{"purged": "2024-10-01", "paths": ["a"], "extra": 1}]}) == {"a": "2024-10-01"}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_held_paths_agrees_with_asking_every_commit(tmp_path, seed):
    """Random histories with merges and several roots, and random ranges: the diff-based
    answer equals a direct look into every commit's tree."""
    import random

    from ekc.guard import plumbing

    rng = random.Random(seed)
    root = init_repo(tmp_path / "dag")
    paths = ["a/personal.yaml", "a/case.yaml", "b/personal.yaml", "c/d/personal.yaml"]
    commits: list[str] = []
    for n in range(40):
        for path in paths:
            target = root / path
            if rng.random() < 0.5:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(f"{rng.randint(0, 3)}\n")
            elif target.exists():
                target.unlink()
        git(root, "add", "-A")
        tree = out(root, "write-tree")
        parents = rng.sample(commits, k=min(len(commits), rng.choice([0, 1, 1, 1, 2, 2]))) if commits else []
        if n and not parents and rng.random() < 0.7:
            parents = [commits[-1]]
        args = [arg for parent in parents for arg in ("-p", parent)]
        commits.append(out(root, "commit-tree", tree, *args, "-m", f"c{n}"))
    asked = ["a/personal.yaml", "b/personal.yaml", "c/d/personal.yaml", "never/there.yaml"]
    for _ in range(8):
        tip, base = rng.sample(commits, 2)
        in_range = plumbing.rev_list(root, tip, f"^{base}") if rng.random() < 0.7 else plumbing.rev_list(root, tip)
        expected = {}
        present = plumbing.existing_paths(root, [(c, p) for c in in_range for p in asked])
        for path in asked:
            holders = [c for c in in_range if (c, path) in present]
            if holders:
                expected[path] = holders
        assert plumbing.held_paths(root, in_range, asked) == expected


def test_history_findings_as_github_annotations(repo):
    stale = out(repo, "rev-parse", "HEAD")
    purge_by_hand(repo)
    result = run(repo, "--history", stale, "--format", "github")
    assert result.exit_code == 1
    assert result.stdout.startswith(f"::error file={PERSONAL},line=1,col=1,title=ekc purged-back::commit {stale[:10]} holds")


# -- the personal-data pre-filter of the range check (ekc/validate/rules/personal_data) --------

import pytest as _pytest

from ekc.store.yamlio import parse as _parse
from ekc.validate.rules.personal_data import check_no_personal_data as _check, may_look_personal as _may


@_pytest.mark.parametrize("text", [
    "id: EKC-2024-K7Q2M\nnote: bel 06-12345678\n",
    "note: >\n  mail naar\n  j.devries@example.org\n",
    "note: een lange zin over\n  +31 6\n  12345678 en verder\n",
    "note: \"bel \\x30612345678\"\n",  # an escape builds the number
    "bsn: 0x75BCD15\n",  # 123456789 in another base
    "'1442 KX': postcode as a key\n",
    "list: [a, 123456789]\n",
    "note: 'it''s 1442 KX'\n",
])
def test_the_pre_filter_never_skips_a_document_the_rule_flags(text):
    parsed = _parse("cases/2024/EKC-2024-K7Q2M/case.yaml", text.encode())
    assert parsed.ok
    assert _check("case.yaml", parsed.data)  # the rule flags it ...
    assert _may(text.encode())  # ... so the pre-filter must not skip it


def test_the_pre_filter_skips_a_plain_case_yaml():
    raw = b"id: EKC-2024-K7Q2M\nvariant: standard\nhistory:\n  - phase: registered\n    date: 2024-02-03\n"
    assert not _may(raw)


# -- the pre-filter over many documents at once (the gate's thousand case.yaml versions) --

import re as _re

from hypothesis import given, settings, strategies as _st

from ekc.validate.rules import personal_data as _personal_data


def _reference(raw: bytes) -> bool:
    """The pre-filter as first written, one document at a time: the plain alternation of
    the patterns over the text with its line breaks folded by a regex."""
    if b"@" in raw or b"\x00" in raw or _personal_data._UNSURE.search(raw):
        return True
    plain = _re.compile("|".join(f"(?:{pattern.pattern})" for _, pattern in _personal_data._PATTERNS))
    return plain.search(_re.sub(r"[ \t]*\r?\n[ \t]*", " ", raw.decode("utf-8", "replace"))) is not None


# the characters the patterns, the fold and the joining look at, and some they must ignore
_PIECES = _st.sampled_from([
    "0", "1", "3", "6", "9", "00", "06", "+", " ", "  ", "-", "(", ")", "\n", "\r", "\t", "\r\n", " \n  ",
    "\r \n", " \r\n\t", "\t\r", "\x0b", "\x0c",
    "A", "B", "KX", "a", "x", "_", ":", "@", "\\", "!!", "\x00", "é", "\u0663", "\u2028", "\n- ",
    "1234", "123456789", "0612345678", "+31 6 1234 5678", "1442 KX", "2024-01-01", "EKC-2024-K7Q2M",
])
_DOCS = _st.lists(_st.lists(_PIECES, max_size=30).map(lambda parts: "".join(parts).encode()), max_size=6)


@settings(max_examples=400, deadline=None)
@given(_DOCS, _st.sampled_from([b"", b"\xe2\x82", b"\xff"]))
def test_the_pre_filter_over_many_documents_answers_as_one_at_a_time(docs, broken):
    docs = [doc + broken for doc in docs]  # a cut UTF-8 sequence at the join
    assert _personal_data.may_look_personal_each(docs) == [_reference(doc) for doc in docs]


def test_the_pre_filter_marks_only_the_documents_that_match():
    plain = b"id: EKC-2024-K7Q2M\nhistory:\n  - {phase: registered, date: 2024-02-03}\n"
    docs = [plain, b"note: bel\n  06\n  12345678\n", plain, b"postcode: 1442\nKX: x\n", plain + b"# a@b\n", b"x: 123456789"]
    assert _personal_data.may_look_personal_each(docs) == [False, True, False, True, True, True]
    assert _personal_data.may_look_personal_each([plain] * 3) == [False] * 3
    assert _personal_data.may_look_personal_each([]) == []


@settings(max_examples=1000, deadline=None)
@given(_st.lists(_st.sampled_from([" ", "\t", "\r", "\n", "\r\n", "x", "6", "\x0b", "\x0c", "\x00"]), max_size=20))
def test_the_fold_without_a_regex_is_the_regex_fold(parts):
    raw = "".join(parts).encode()
    assert _personal_data._fold(raw) == _re.sub(rb"[ \t]*\r?\n[ \t]*", b" ", raw)
