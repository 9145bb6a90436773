"""The server's cleaner (`ekc hook install` post-receive, `ekc hook clean`): after a purge
is pushed, no ref, reflog or object on the server holds purged data, and the git protocol
will not serve an old commit by id."""

import socket
import subprocess
import time

import pytest
from typer.testing import CliRunner

from ekc.cli.app import app
from tests.support.git import git, out
from tests.purge_sim import clone_of, every_object_text, family_strings, leaks, make_server, populate, present, purge, push


def test_the_post_receive_cleaner_removes_every_copy_and_says_so(tmp_path):
    server = make_server(tmp_path)
    office = clone_of(server, tmp_path / "office")
    populate(office)
    assert push(office, "origin", "main:refs/backup/x").returncode == 0  # a ref the purge does not rewrite
    purged = purge(office)
    assert "remote: ekc: the server still held" in purged.push_output
    assert "deleted refs/backup/x" in purged.push_output
    assert "proof: none of the" in purged.push_output
    assert out(server, "for-each-ref", "refs/backup") == ""
    assert present(server, purged.blobs + purged.commits + [purged.old_main]) == set()
    everything = every_object_text(server)
    assert not [s for s in family_strings() if s in everything]
    assert leaks(server, purged) == []
    assert out(server, "rev-parse", "main") == out(office, "rev-parse", "main")  # the purge's own push stands


def test_hook_clean_by_hand_on_a_server_without_hooks(tmp_path):
    server = make_server(tmp_path, hooks=False)
    office = clone_of(server, tmp_path / "office")
    populate(office)
    assert push(office, "origin", "main:refs/pull/1/head").returncode == 0
    purged = purge(office)
    assert present(server, purged.blobs)  # without the cleaner the server keeps them
    result = CliRunner().invoke(app, ["hook", "clean", str(server)])
    assert result.exit_code == 0, result.output
    assert "deleted refs/pull/1/head" in result.output and "proof" in result.output
    assert present(server, purged.blobs + purged.commits) == set()
    again = CliRunner().invoke(app, ["hook", "clean", str(server)])
    assert again.exit_code == 0 and "nothing to clean" in again.output


def test_a_push_while_the_cleaner_holds_its_lock_is_asked_to_retry(tmp_path):
    server = make_server(tmp_path)
    office = clone_of(server, tmp_path / "office")
    populate(office)
    (server / "ekc-clean.lock").write_text("1")
    git(office, "commit", "-q", "--allow-empty", "-m", "more")
    result = push(office, "origin", "main")
    assert result.returncode != 0 and "Try again in a minute" in result.stderr
    (server / "ekc-clean.lock").unlink()
    assert push(office, "origin", "main").returncode == 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def daemon(tmp_path):
    port = free_port()
    process = subprocess.Popen(
        ["git", "daemon", "--reuseaddr", "--export-all", f"--base-path={tmp_path}", "--listen=127.0.0.1",
         f"--port={port}", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"git://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


def test_the_cleaned_server_will_not_serve_an_old_commit_over_git_daemon(tmp_path, daemon):
    server = make_server(tmp_path)
    git(server, "config", "uploadpack.allowAnySHA1InWant", "true")  # any id may be asked: gone, not hidden
    office = clone_of(server, tmp_path / "office")
    populate(office)
    purged = purge(office)
    reader = tmp_path / "reader"
    git(tmp_path, "init", "-q", str(reader))
    url = f"{daemon}/server.git"
    new_main = out(server, "rev-parse", "main")
    fetched = git(reader, "fetch", "-q", url, new_main, check=False)
    assert fetched.returncode == 0, fetched.stderr  # the daemon serves by id
    for old in [purged.old_main, *purged.commits]:
        refused = git(reader, "fetch", "-q", url, old, check=False)
        assert refused.returncode != 0
        assert "not our ref" in refused.stderr or "upload-pack" in refused.stderr or "remote error" in refused.stderr
