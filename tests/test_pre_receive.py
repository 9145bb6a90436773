"""`ekc hook pre-receive` on a real bare repository, pushed to by real clones."""

import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ekc.cli.app import app
from ekc.guard.pre_receive import parse_updates
from ekc.core.errors import UsageProblem
from tests.support.git import commit_all, ekc_env, git, out
from tests.support.store import StoreBuilder, case_folder, closed_case, dump, personal_doc, registered_case

CASE = "EKC-2024-K7Q2M"
PERSONAL = f"cases/2024/{CASE}/personal.yaml"


def push(clone: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "push", "origin", *args], cwd=clone, capture_output=True, text=True, env=ekc_env())


@pytest.fixture
def server(tmp_path) -> Path:
    bare = tmp_path / "server.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True)
    result = CliRunner().invoke(app, ["hook", "install", str(bare)])
    assert result.exit_code == 0, result.output
    assert (bare / "hooks" / "pre-receive").stat().st_mode & 0o111
    return bare


@pytest.fixture
def clone(tmp_path, server) -> Path:
    work = tmp_path / "office"
    git(tmp_path, "clone", "-q", str(server), str(work))
    StoreBuilder(work).with_case(closed_case(CASE), personal_doc()).write()
    commit_all(work, f"{CASE}: closed")
    result = push(work, "main")
    assert result.returncode == 0, result.stderr
    return work


def server_tip(server: Path, ref: str = "main") -> str:
    return out(server, "rev-parse", ref)


def test_a_good_push_is_accepted(clone, server):
    folder = case_folder(clone, "EKC-2024-AB12C")
    folder.mkdir(parents=True)
    (folder / "case.yaml").write_text(dump(registered_case()))
    tip = commit_all(clone, "EKC-2024-AB12C: registered")
    result = push(clone, "main")
    assert result.returncode == 0, result.stderr
    assert server_tip(server) == tip


def test_a_bad_push_is_refused_with_the_reason_on_the_terminal(clone, server):
    before = server_tip(server)
    case_file = case_folder(clone, CASE) / "case.yaml"
    case_file.write_text(case_file.read_text().replace("outcome: plan", "outcome: great"))
    commit_all(clone, f"{CASE}: typo")
    result = push(clone, "main")
    assert result.returncode != 0
    assert "remote: ekc: push to refs/heads/main refused" in result.stderr
    assert f"cases/2024/{CASE}/case.yaml:" in result.stderr and "'great' is not allowed" in result.stderr
    assert "pre-receive hook declined" in result.stderr
    assert server_tip(server) == before


def test_a_bad_commit_under_a_good_tip_is_refused_for_personal_data(clone, server):
    case_file = case_folder(clone, CASE) / "case.yaml"
    text = case_file.read_text()
    case_file.write_text(text.replace("reasons:", "contact: j.jansen@example.org\nreasons:"))
    commit_all(clone, "oops")
    case_file.write_text(text)
    commit_all(clone, "fixed")
    result = push(clone, "main")
    assert result.returncode != 0
    assert "e-mail address" in result.stderr and "[personal-data]" in result.stderr


def purge_and_force_push(clone: Path) -> None:
    """What `ekc purge --push` leaves behind: history rewritten without the file, logged."""
    git(clone, "checkout", "-q", "--orphan", "rewritten")
    git(clone, "rm", "-q", "--cached", PERSONAL)
    (clone / PERSONAL).unlink()
    (clone / "purge-log.yaml").write_text(dump(
        {"purges": [{"case": CASE, "closed": "2024-06-30", "purged": "2024-10-01", "paths": [PERSONAL]}]}
    ))
    commit_all(clone, "purge: EKC-2024-K7Q2M")
    git(clone, "branch", "-q", "-M", "main")


def test_a_purge_is_accepted_and_a_stale_clone_cannot_bring_the_file_back(clone, server, tmp_path):
    stale = tmp_path / "stale"
    git(tmp_path, "clone", "-q", str(server), str(stale))
    purge_and_force_push(clone)
    result = push(clone, "--force", "main")
    assert result.returncode == 0, result.stderr
    purged_tip = server_tip(server)
    assert git(server, "cat-file", "-e", f"main:{PERSONAL}", check=False).returncode != 0

    # the stale clone still has the file in its tree and history
    folder = case_folder(stale, "EKC-2024-AB12C")
    folder.mkdir(parents=True)
    (folder / "case.yaml").write_text(dump(registered_case()))
    commit_all(stale, "EKC-2024-AB12C: registered")
    for args in (["HEAD:refs/heads/new-work"], ["--force", "main"]):
        result = push(stale, *args)
        assert result.returncode != 0, args
        assert f"holds {PERSONAL}, which was purged on 2024-10-01" in result.stderr
        assert "[purged-back]" in result.stderr
    assert server_tip(server) == purged_tip
    assert git(server, "rev-parse", "--verify", "--quiet", "new-work", check=False).returncode != 0


def test_deleting_a_branch_and_tagging_a_checked_commit_pass(clone, server):
    assert push(clone, "main:refs/heads/extra").returncode == 0
    assert push(clone, ":refs/heads/extra").returncode == 0
    git(clone, "tag", "-a", "-m", "year end", "v2024")
    result = push(clone, "v2024")
    assert result.returncode == 0, result.stderr


def test_a_push_without_a_data_repository_is_refused(server, tmp_path):
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(server), str(other))
    (other / "README.md").write_text("hello\n")
    commit_all(other, "not data")
    result = push(other, "main")
    assert result.returncode != 0
    assert "no municipalities.yaml" in result.stderr


def test_run_by_hand_outside_a_repository_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["hook", "pre-receive"], input="")
    assert result.exit_code == 2
    assert "inside a git repository" in result.stderr


def test_malformed_input_is_a_usage_error(server, monkeypatch):
    monkeypatch.chdir(server)
    result = CliRunner().invoke(app, ["hook", "pre-receive"], input="just-one-word\n")
    assert result.exit_code == 2
    assert "is not '<old> <new> <ref>'" in result.stderr
    with pytest.raises(UsageProblem):
        parse_updates("a b\n")
    assert [u.ref for u in parse_updates("\n" + "0" * 40 + " " + "1" * 40 + " refs/heads/x\n")] == ["refs/heads/x"]


def test_install_refuses_to_overwrite_and_rejects_a_non_repository(server, tmp_path):
    result = CliRunner().invoke(app, ["hook", "install", str(server)])
    assert result.exit_code == 1 and "--force" in result.stderr
    assert CliRunner().invoke(app, ["hook", "install", "--force", str(server)]).exit_code == 0
    plain = tmp_path / "plain"
    plain.mkdir()
    result = CliRunner().invoke(app, ["hook", "install", str(plain)])
    assert result.exit_code == 2 and "not a git repository" in result.stderr


def test_install_beside_a_dispatcher_as_gitea_has(tmp_path):
    bare = tmp_path / "gitea.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    (bare / "hooks" / "pre-receive.d").mkdir()
    dispatcher = bare / "hooks" / "pre-receive"
    dispatcher.write_text("#!/bin/sh\n# gitea's own\n")
    result = CliRunner().invoke(app, ["hook", "install", str(bare)])
    assert result.exit_code == 0
    assert dispatcher.read_text() == "#!/bin/sh\n# gitea's own\n"
    assert "-m ekc hook pre-receive" in (bare / "hooks" / "pre-receive.d" / "ekc").read_text()


@pytest.mark.parametrize("target", ["/etc/passwd", "../../..", "loop"])
def test_a_pushed_symbolic_link_is_refused_as_a_finding_not_a_crash(clone, server, target):
    """Issue 17: a symlink in a pushed commit crashed the hook with tarfile's traceback."""
    before = server_tip(server)
    link = case_folder(clone, CASE) / "notes.yaml"
    link.symlink_to(target)
    commit_all(clone, f"{CASE}: a link")
    result = push(clone, "main")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "symbolic link" in result.stderr
    assert server_tip(server) == before
