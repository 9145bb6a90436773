"""The red team of branch `fast` (issue 12): the git index searched as its text, the proof's
names scan of the refs started right after git-filter-repo, the plan's history judging in a
forked child. The office of tests/support/office.py purged with `ekc purge --yes`, checked
by the independent scanner (tests/support/leak_scan.py) and, for a name that spans folder
levels (which no single tree holds), by every path of every ref's tree.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess

import pytest

from tests.support import leak_scan, office as office_repo
from tests.support.git import git, git_bytes, out
from tests.test_purge_redteam import _commit, _purge, _write, office  # noqa: F401 - the fixture
from tests.test_purge_redteam2 import _clean

# the mother's phone number with its digits split over two folder levels: no tree entry
# holds it, the path does (`0648/151623.txt` is how a phone tool files a call's notes)
SPLIT_PHONE = "0648/151623.txt"


def _paths_with_strings(root, strings) -> list[str]:
    """Every path of every tree a ref reaches that holds a string: a name may span folder
    levels, which the independent scanner (one tree at a time) cannot see."""
    matcher = leak_scan.Matcher(strings)
    listing = git_bytes(root, "log", "--all", "--format=", "--name-only", "-z", "--root", "-m", "--no-renames")
    paths = {os.fsdecode(p) for p in re.split(b"[\0\n]", listing) if p}
    return sorted(p for p in paths if matcher.strings_in(p) or matcher.strings_in(re.sub(r"[-_/.]+", " ", p)))


def _hook(root, name: str, script: str) -> None:
    hooks = root / out(root, "rev-parse", "--git-path", "hooks")
    hooks.mkdir(parents=True, exist_ok=True)
    path = hooks / name
    path.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


# -- 2. the names scan of the refs starts before the purge commit: what comes after it --------

def test_a_commit_a_post_commit_hook_makes_after_the_purge_commit_is_in_the_names_scan(office):
    """`git commit --no-verify` still runs post-commit. The office's hook files each commit's
    call notes on a side branch; at the purge commit it adds one whose path spells the
    mother's phone number over two folders. The names scan started before that commit, so
    its trees are read one at a time, and no one tree holds the number."""
    root = office.root
    _hook(root, "post-commit", f"""
case "$(git log -1 --format=%s)" in
  "Purge personal data"*) ;;
  *) exit 0 ;;
esac
blob=$(printf 'teruggebeld\\n' | git hash-object -w --stdin)
inner=$(printf '100644 blob %s\\t151623.txt\\n' "$blob" | git mktree)
middle=$(printf '040000 tree %s\\t0648\\n' "$inner" | git mktree)
top=$(printf '040000 tree %s\\tbellen\\n' "$middle" | git mktree)
commit=$(echo "Belnotities" | git commit-tree "$top")
git update-ref refs/heads/belnotities "$commit"
""")
    assert leak_scan.Matcher(office.family).strings_in("bellen/" + SPLIT_PHONE)

    code, output, leaks = _purge(office)

    left = _paths_with_strings(root, office.family)
    assert git(root, "rev-parse", "-q", "--verify", "refs/heads/belnotities", check=False).returncode == 0, output
    assert left, "the scenario plants a path the purge does not remove"
    assert not (code == 0 and left), f"exit 0 with a path that spans folders still there: {len(left)} path(s)"
    assert code == 1, output
    assert "file or folder name(s) holding an identifying string" in output


def _tree_with_split_phone(root) -> str:
    blob = git(root, "hash-object", "-w", "--stdin", input="teruggebeld\n").stdout.strip()
    inner = git(root, "mktree", input=f"100644 blob {blob}\t151623.txt\n").stdout.strip()
    middle = git(root, "mktree", input=f"040000 tree {inner}\t0648\n").stdout.strip()
    return git(root, "mktree", input=f"040000 tree {middle}\tbellen\n").stdout.strip()


def test_a_tree_only_a_tag_reaches_is_read_as_paths(office):
    """`git tag archief-bellen <tree>`: no commit holds the tree, so no log walks it; read
    one tree at a time, no tree holds the number."""
    root = office.root
    git(root, "tag", "archief-bellen", _tree_with_split_phone(root))

    code, output, leaks = _purge(office)

    tagged = git_bytes(root, "ls-tree", "-r", "--name-only", "-z", "refs/tags/archief-bellen")
    left = [p for p in tagged.split(b"\0") if p and leak_scan.Matcher(office.family).strings_in(os.fsdecode(p).replace("/", " "))]
    assert not (code == 0 and left), "exit 0 with a tree only a tag reaches still listing the number"
