"""The real pre-commit framework runs `ekc validate` on a data repository, offline."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ekc.cli.app import app
from tests.support.git import CI_INSTALL
from tests.support.git import WORKTREE, commit_all, ekc_shim, git
from tests.support.store import case_folder, closed_case, coordinator, dump, municipalities_doc, personal_doc

CASE = "EKC-2024-K7Q2M"


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    environment = dict(os.environ)
    environment["PATH"] = str(ekc_shim(tmp_path / "bin")) + os.pathsep + environment["PATH"]
    environment["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    environment["EKC_TODAY"] = "2024-07-01"
    return environment


@pytest.fixture
def data_repo(tmp_path) -> Path:
    root = tmp_path / "data"
    assert CliRunner().invoke(app, ["init", str(root), "--install", CI_INSTALL]).exit_code == 0
    (root / "municipalities.yaml").write_text(dump(municipalities_doc()))
    (root / "coordinators.yaml").write_text(dump({"coordinators": [coordinator()]}))
    commit_all(root, "registries")
    return root


def pre_commit(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=cwd, env=env, capture_output=True, text=True)


def write_case(root: Path, **overrides) -> Path:
    folder = case_folder(root, CASE)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "case.yaml").write_text(dump(closed_case(CASE, **overrides)))
    (folder / "personal.yaml").write_text(dump(personal_doc()))
    return folder / "case.yaml"


def test_the_config_written_by_init_is_valid(data_repo, env):
    result = pre_commit(data_repo, env, "validate-config", ".pre-commit-config.yaml")
    assert result.returncode == 0, result.stdout + result.stderr
    result = pre_commit(WORKTREE, env, "validate-manifest", ".pre-commit-hooks.yaml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_installed_hook_refuses_a_bad_commit_and_lets_a_good_one_through(data_repo, env):
    assert pre_commit(data_repo, env, "install").returncode == 0
    write_case(data_repo, outcome="great")
    git(data_repo, "add", "-A")
    bad = subprocess.run(["git", "commit", "-m", f"{CASE}: closed"], cwd=data_repo, env=env, capture_output=True, text=True)
    assert bad.returncode != 0
    report = bad.stdout + bad.stderr
    assert "ekc validate" in report and "Failed" in report
    assert f"cases/2024/{CASE}/case.yaml:" in report and "'great' is not allowed" in report
    assert subprocess.run(["git", "rev-parse", "--verify", "-q", "HEAD~1"], cwd=data_repo, capture_output=True).returncode == 0
    head = git(data_repo, "rev-parse", "HEAD").stdout

    write_case(data_repo)
    git(data_repo, "add", "-A")
    good = subprocess.run(["git", "commit", "-m", f"{CASE}: closed"], cwd=data_repo, env=env, capture_output=True, text=True)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "ekc validate" in good.stderr and "Passed" in good.stderr  # git shows hook output on stderr
    assert git(data_repo, "rev-parse", "HEAD").stdout != head


def test_cross_file_rules_hold_when_only_one_file_is_named(data_repo, env):
    """The hook names the changed file only; a reference to a coordinator that another
    file lacks is still caught, and a problem in a file not named is not shown."""
    assert pre_commit(data_repo, env, "install").returncode == 0
    case_file = write_case(data_repo, coordinator="C-0999")
    (data_repo / "municipalities.yaml").write_text((data_repo / "municipalities.yaml").read_text() + "oops: 1\n")
    git(data_repo, "add", str(case_file))
    result = subprocess.run(["git", "commit", "-m", "x"], cwd=data_repo, env=env, capture_output=True, text=True)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "coordinator C-0999 is not in coordinators.yaml" in output
    assert "municipalities.yaml:" not in output


@pytest.mark.parametrize("hook_id", ["ekc-validate-system"])
def test_try_repo_against_this_project(data_repo, env, hook_id):
    bad = write_case(data_repo, variant="picnic")
    result = pre_commit(data_repo, env, "try-repo", str(WORKTREE), hook_id, "--files", str(bad.relative_to(data_repo)))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "'picnic' is not allowed" in result.stdout
    write_case(data_repo)
    result = pre_commit(data_repo, env, "try-repo", str(WORKTREE), hook_id, "--files", str(bad.relative_to(data_repo)))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout
