"""`ekc init` writes CI that installs what exists, and a pre-commit rev that exists."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from ekc.cli.app import app
from ekc.init import install_source as source_mod
from ekc.init.install_source import InstallSource, ci_requirement, from_direct_url, git_ls_remote, hooks_rev, running_install_source
from ekc.core.errors import UsageProblem
from tests.support.git import CI_INSTALL, commit_all, git, init_repo, out

COMMIT = "0123456789abcdef0123456789abcdef01234567"


def test_an_index_release_is_pinned_by_version():
    assert from_direct_url("ekc", "1.2.3", None).requirement == "ekc==1.2.3"


def test_a_vcs_install_is_pinned_by_its_commit():
    record = {"url": "https://git.example.org/ekc.git", "vcs_info": {"vcs": "git", "commit_id": COMMIT, "requested_revision": "main"}}
    source = from_direct_url("ekc", "0.1.0", record)
    assert source.requirement == f"ekc @ git+https://git.example.org/ekc.git@{COMMIT}"
    assert source.commit == COMMIT


def test_an_archive_url_keeps_its_hash():
    record = {"url": "https://files.example.org/ekc-0.1.0.tar.gz", "archive_info": {"hashes": {"sha256": "ab" * 32}}}
    assert from_direct_url("ekc", "0.1.0", record).requirement == f"ekc @ https://files.example.org/ekc-0.1.0.tar.gz#sha256={'ab' * 32}"


@pytest.mark.parametrize("record", [
    {"url": "file:///home/me/ekc", "dir_info": {"editable": True}},
    {"url": "file:///home/me/ekc", "dir_info": {}},
    {"url": "file:///tmp/ekc-0.1.0.whl", "archive_info": {}},
    {"url": "file:///home/me/ekc", "vcs_info": {"vcs": "git", "commit_id": COMMIT}},
])
def test_a_local_source_cannot_serve_ci(record):
    source = from_direct_url("ekc", "0.1.0", record)
    assert source.requirement is None and "CI cannot reach" in source.why
    with pytest.raises(UsageProblem, match="--install SPEC"):
        ci_requirement(None, source)
    assert ci_requirement("ekc==9", source) == "ekc==9"


def test_the_editable_install_under_test_is_recognised():
    source = running_install_source()
    assert source.requirement is None and "editable" in source.why


def test_init_without_install_refuses_and_never_guesses_an_index_name(tmp_path):
    result = CliRunner().invoke(app, ["init", str(tmp_path / "new")])
    assert result.exit_code == 2
    assert "--install SPEC" in result.stderr and "editable" in result.stderr
    assert "ekc==" not in result.stderr
    assert not (tmp_path / "new").exists()


def test_init_writes_the_install_source_of_a_vcs_install(tmp_path, monkeypatch):
    vcs = InstallSource(f"ekc @ git+https://git.example.org/ekc.git@{COMMIT}", "from git", COMMIT, "https://git.example.org/ekc.git")
    monkeypatch.setattr(source_mod, "running_install_source", lambda name="ekc": vcs)
    result = CliRunner().invoke(app, ["init", str(tmp_path / "new"), "--hooks-repo", "https://git.example.org/ekc.git"])
    assert result.exit_code == 0, result.stderr
    workflow = (tmp_path / "new/.github/workflows/ekc-validate.yml").read_text()
    assert f'EKC_INSTALL: "ekc @ git+https://git.example.org/ekc.git@{COMMIT}"' in workflow
    assert f"ekc @ git+https://git.example.org/ekc.git@{COMMIT}" in (tmp_path / "new/.gitlab-ci.yml").read_text()
    # the hooks come from the same repository: the same commit, with no network asked
    assert f"rev: {COMMIT}" in (tmp_path / "new/.pre-commit-config.yaml").read_text()


@pytest.fixture
def hooks_remote(tmp_path) -> tuple[str, str]:
    work = init_repo(tmp_path / "hooks-work")
    (work / "README").write_text("hooks\n")
    head = commit_all(work, "first")
    git(work, "tag", "v0.1.0")
    bare = tmp_path / "hooks.git"
    git(tmp_path, "clone", "-q", "--bare", str(work), str(bare))
    return bare.as_uri(), head


def test_hooks_repo_defaults_to_the_remote_head_commit(tmp_path, hooks_remote):
    url, head = hooks_remote
    result = CliRunner().invoke(app, ["init", str(tmp_path / "new"), "--install", CI_INSTALL, "--hooks-repo", url])
    assert result.exit_code == 0, result.stderr
    config = (tmp_path / "new/.pre-commit-config.yaml").read_text()
    assert f"repo: {url}" in config and f"rev: {head}" in config and "id: ekc-validate" in config


def test_an_existing_tag_is_kept_and_a_missing_one_refused(tmp_path, hooks_remote):
    url, _ = hooks_remote
    assert hooks_rev(url, "v0.1.0", InstallSource(None, ""), git_ls_remote) == "v0.1.0"
    result = CliRunner().invoke(app, ["init", str(tmp_path / "new"), "--install", CI_INSTALL, "--hooks-repo", url, "--hooks-rev", "v9.9.9"])
    assert result.exit_code == 2
    assert "has no tag or branch v9.9.9" in result.stderr
    assert not (tmp_path / "new").exists()


def test_an_unreachable_hooks_repo_asks_for_a_rev(tmp_path):
    result = CliRunner().invoke(app, ["init", str(tmp_path / "new"), "--install", CI_INSTALL, "--hooks-repo", (tmp_path / "none.git").as_uri()])
    assert result.exit_code == 2
    assert "--hooks-rev COMMIT" in result.stderr


def test_a_given_commit_id_is_taken_as_it_is():
    assert hooks_rev("https://nowhere.invalid/x.git", COMMIT, InstallSource(None, ""), lambda *a: {}) == COMMIT
