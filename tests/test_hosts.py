"""What a hosted remote needs after a purge (ekc/guard/hosts.py): recognised from the URL,
in the host's own procedure, with ids only."""

import hashlib

import pytest

from ekc.guard import hosts
from ekc.guard.hosts import Remote


def sha(n: int) -> str:
    return hashlib.sha1(str(n).encode()).hexdigest()


def commit_map(changed: int, unchanged: int = 3) -> dict[str, str]:
    same = {sha(-n): sha(-n) for n in range(1, unchanged + 1)}
    return same | {sha(n): sha(n + 10**6) for n in range(changed)}


@pytest.mark.parametrize("url, kind", [
    ("git@github.com:foundation/data.git", "github"),
    ("https://github.com/foundation/data.git", "github"),
    ("https://gitlab.com/foundation/data.git", "gitlab"),
    ("git@gitlab.example.nl:foundation/data.git", "gitlab"),
    ("https://codeberg.org/foundation/data.git", "gitea"),
    ("ssh://git@gitea.example.nl:2222/foundation/data.git", "gitea"),
    ("https://forgejo.example.nl/foundation/data.git", "gitea"),
    ("/srv/git/data.git", "self"),
    ("file:///srv/git/data.git", "self"),
    ("ssh://git@git.example.nl/data.git", "other"),
])
def test_the_host_is_recognised_from_the_url(url, kind):
    assert hosts.recognise(url) == kind


def test_host_option_wins_and_forgejo_is_gitea():
    assert hosts.recognise("ssh://git@git.example.nl/data.git", "forgejo") == "gitea"
    assert hosts.recognise("https://github.com/x/y", "gitlab") == "gitlab"
    with pytest.raises(ValueError):
        hosts.recognise("x", "bitbucket")


def test_gitlab_gets_the_commit_map_split_at_20000_lines_then_prune():
    mapping = commit_map(45_000)
    text, files = hosts.plan(Remote("origin", "https://gitlab.com/f/data.git"), mapping, [])
    maps = [name for name in sorted(files) if name.startswith("gitlab-commit-map-")]
    assert maps == ["gitlab-commit-map-001.txt", "gitlab-commit-map-002.txt", "gitlab-commit-map-003.txt"]
    rows = [files[name].splitlines() for name in maps]
    assert all(len(r) <= 20_000 and r[0] == "old new" for r in rows)
    assert sum(len(r) - 1 for r in rows) == 45_000  # unchanged commits are left out
    assert rows[0][1] == f"{sha(0)} {sha(10**6)}"
    assert "Repository cleanup" in text and "Prune unreachable objects" in text
    assert text.index("Repository cleanup") < text.index("Prune unreachable objects")


def test_github_gets_a_support_request_with_the_first_changed_commits_and_pull_refs():
    text, files = hosts.plan(Remote("origin", "https://user:secret-token@github.com/f/data.git"), commit_map(100), [],
                             pull_refs=["refs/pull/7/head"])
    request = files["github-support-request.txt"]
    assert sha(0) in request and sha(24) in request and sha(25) not in request
    assert sha(-1) not in request  # an unchanged commit is not asked about
    assert "refs/pull/7/head" in request
    assert "secret-token" not in request + text and "user" not in request.split("Repository:")[1].split("\n")[0]
    assert "support.github.com" in text


def test_gitea_gets_the_administrators_gc_with_prune_now():
    text, _ = hosts.plan(Remote("origin", "https://gitea.example.nl/f/data.git"), commit_map(3), [])
    assert "gc.pruneExpire=now" in text and "garbage collection" in text


def test_every_other_remote_is_named_as_holding_the_old_history(tmp_path):
    text, written = hosts.instructions(
        "/srv/git/data.git", commit_map(2), {"backup": "ssh://admin:pw@backup.example.nl/data.git"}, git_dir=tmp_path)
    assert "Remote backup (ssh://backup.example.nl/data.git) still holds the old history" in text
    assert "pw" not in text
    assert written == [tmp_path / "ekc" / "host-instructions.txt"]
    assert written[0].read_text() == text


def test_the_files_hold_ids_and_urls_only(tmp_path):
    _, written = hosts.instructions("https://gitlab.com/f/data.git", commit_map(5), [], git_dir=tmp_path)
    allowed = set("0123456789abcdef \n") | set("oldnew")
    for path in written:
        if path.name.startswith("gitlab-commit-map"):
            assert set(path.read_text()) <= allowed
