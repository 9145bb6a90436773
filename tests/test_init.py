"""`ekc init DIR [--sample]`: a valid repository with its checks, and a believable sample."""

import re
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ekc.cli.app import app
from ekc.purge.retention import is_expired
from ekc.init.sample_history import CASES, sample_history
from ekc.store.loader import load
from tests.support.git import CI_INSTALL, out

TODAY = "2026-11-27"
ZERO = "0" * 40


def invoke(*args: str):
    """`init` gets a CI install source: the editable ekc under test is none (test_install_source.py)."""
    extra = ["--install", CI_INSTALL] if args[:1] == ("init",) and "--install" not in args else []
    return CliRunner().invoke(app, ["--today", TODAY, *args, *extra])


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("sample") / "data"
    result = invoke("init", str(root), "--sample")
    assert result.exit_code == 0, result.output
    return root


def test_an_empty_repository_is_valid_and_committed(tmp_path):
    root = tmp_path / "new"
    result = invoke("init", str(root))
    assert result.exit_code == 0, result.output
    assert "created the data repository" in result.stderr and result.stdout == ""
    for name in ("ekc.yaml", "municipalities.yaml", "coordinators.yaml", "purge-log.yaml", "README.md",
                 ".pre-commit-config.yaml", ".github/workflows/ekc-validate.yml", ".gitlab-ci.yml",
                 "ci/validate-history.sh", ".vscode/settings.json", "schemas/case.schema.json"):
        assert (root / name).is_file(), name
    assert (root / "ci/validate-history.sh").stat().st_mode & 0o111
    assert out(root, "log", "--format=%s") == "ekc init: new data repository"
    assert out(root, "status", "--porcelain") == ""
    assert out(root, "symbolic-ref", "--short", "HEAD") == "main"
    validated = invoke("--data", str(root), "validate")
    assert validated.exit_code == 0 and validated.stdout.strip() == "4 files checked: 0 errors, 0 warnings"
    assert "ekc.yaml" in (root / "README.md").read_text() and CI_INSTALL in (root / ".gitlab-ci.yml").read_text()


def test_the_settings_file_holds_the_defaults(tmp_path):
    from ekc.model.settings import Settings
    from ekc.store.yamlio import parse

    root = tmp_path / "new"
    invoke("init", str(root))
    parsed = parse("ekc.yaml", (root / "ekc.yaml").read_bytes())
    assert Settings.model_validate(parsed.data) == Settings()
    assert parsed.data == {"retention_months": 3, "appointment_within_days": 2}


@pytest.mark.parametrize("prepare", ["file", "non-empty"])
def test_init_never_overwrites(tmp_path, prepare):
    target = tmp_path / "target"
    if prepare == "file":
        target.write_text("x")
    else:
        target.mkdir()
        (target / "notes.txt").write_text("keep me")
    result = invoke("init", str(target))
    assert result.exit_code == 2
    assert str(target) in result.stderr
    assert prepare == "file" or (target / "notes.txt").read_text() == "keep me"


def test_an_empty_existing_folder_is_fine(tmp_path):
    (tmp_path / "empty").mkdir()
    assert invoke("init", str(tmp_path / "empty")).exit_code == 0


@pytest.mark.parametrize("args", [["--install", 'ekc"; rm -rf /'], ["--hooks-rev", "v1"], ["--install", " "]])
def test_bad_options_are_usage_errors(tmp_path, args):
    result = invoke("init", str(tmp_path / "new"), *args)
    assert result.exit_code == 2
    assert not (tmp_path / "new").exists()


def test_the_sample_is_valid_with_purge_due_warnings(sample):
    result = invoke("--data", str(sample), "validate")
    assert result.exit_code == 0, result.stdout
    assert " 0 errors" in result.stdout
    assert "[purge-due]" in result.stdout
    history = invoke("--data", str(sample), "validate", "--history", f"{ZERO}..HEAD")
    assert history.exit_code == 0, history.stdout


def test_the_sample_has_cases_in_every_state(sample):
    store = load(sample, use_cache=False).store
    today = date.fromisoformat(TODAY)
    cases = [c.case for c in store.cases.values()]
    assert len(cases) == len(CASES) == 15
    closed = [c for c in cases if c.is_closed]
    due = [c for c in closed if is_expired(c, store.settings.retention_months, today)]
    assert len(due) >= 3 and len(closed) - len(due) >= 2
    assert {c.phase for c in cases if not c.is_closed} >= {"registered", "informative_talk", "connect_activate", "meeting_aftercare"}
    assert {c.outcome for c in closed} == {"plan", "no_plan", "own_plan", "declined", "stopped"}
    assert {c.variant for c in cases} == {"family", "individual", "restorative", "group"}
    # two cases were purged already: logged, and nowhere in history
    purged = [p for record in store.purge_log.purges for p in record.paths]
    assert len(purged) == 2
    for path in purged:
        assert not (sample / path).exists()
        assert out(sample, "log", "--all", "--format=%H", "--", path) == ""
        assert store.cases[path.split("/")[2]].case.is_closed


def test_the_sample_history_is_dated_and_names_no_person(sample):
    lines = out(sample, "log", "--reverse", "--format=%ad|%cd|%s", "--date=short").splitlines()
    assert len(lines) > 50
    days = [line.split("|")[0] for line in lines]
    assert days == sorted(days) and days[-1] <= TODAY and days[0] < "2025-01-01"
    assert all(line.split("|")[0] == line.split("|")[1] for line in lines)
    allowed = re.compile(r"^(ekc init: new data repository|Regions, municipalities, contracts and coordinators|"
                         r"Contracts and agreements for \d{4}|purge: EKC-\d{4}-\w{5}(, EKC-\d{4}-\w{5})*|"
                         r"EKC-\d{4}-\w{5}: [a-z_]+)$")
    messages = [line.split("|", 2)[2] for line in lines]
    assert all(allowed.match(m) for m in messages), [m for m in messages if not allowed.match(m)]
    # every case change is its own commit, on the day of the phase
    store = load(sample, use_cache=False).store
    for case_file in store.cases.values():
        for entry in case_file.case.history:
            assert f"{entry.date}|{entry.date}|{case_file.case.id}: {entry.phase}" in lines


def test_the_sample_is_deterministic_and_fictional(tmp_path, sample):
    again = tmp_path / "again"
    assert invoke("init", str(again), "--sample").exit_code == 0
    assert out(again, "rev-parse", "HEAD^{tree}") == out(sample, "rev-parse", "HEAD^{tree}")
    assert out(again, "log", "--format=%ad %s") == out(sample, "log", "--format=%ad %s")
    texts = "\n".join(p.read_text() for p in sample.rglob("*.yaml"))
    for email in re.findall(r"[\w.]+@[\w.]+", texts):
        assert email.endswith("@example.org"), email


def test_the_sample_follows_today(tmp_path):
    early = sample_history(date(2025, 3, 1))
    late = sample_history(date(2026, 3, 1))
    assert early[-1].day <= date(2025, 3, 1) and late[-1].day <= date(2026, 3, 1)
    assert early[0].day < late[0].day


def test_a_commit_with_no_git_identity_still_works(tmp_path, monkeypatch):
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-config"))
    monkeypatch.setenv("EMAIL", "")
    root = tmp_path / "new"
    result = invoke("init", str(root))
    assert result.exit_code == 0, result.output
    assert out(root, "log", "--format=%an <%ae>") == "ekc init <ekc@example.invalid>"


def test_without_git_init_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    result = invoke("init", str(tmp_path / "new"))
    assert result.exit_code == 1
    assert "needs git" in result.stderr
