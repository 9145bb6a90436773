"""While a purge journal is pending, every command that writes refuses (issue 12).

The journal is planted by hand, as an interrupted purge leaves it: these tests need no
purge to crash, and would catch any writing command that forgets the gate.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from ekc.cli.app import app
from ekc.purge import journal
from tests.case_repos import git, init_repo, snapshot
from tests.support.store import coordinator, registered_case

REFUSAL = "ekc: a purge was interrupted: run `ekc purge` to finish it\n"
OPEN_ID = "EKC-2024-AB12C"
NEW = ["case", "new", "--municipality", "GM0439", "--variant", "family", "--referrer", "self",
       "--no-minors", "--no-conditions", "--professional-help", "none", "--reason", "parenting", "--date", "2024-09-02"]
WRITES = [
    NEW,
    ["case", "advance", OPEN_ID, "--date", "2024-09-03"],
    ["case", "assign", OPEN_ID, "C-0042"],
    ["match", OPEN_ID, "--assign-to", "C-0007"],
]


def ekc(root, *args):
    return CliRunner().invoke(app, ["--data", str(root), "--today", "2024-09-03", *args])


@pytest.fixture
def repo(store):
    store.coordinators["coordinators"].append(coordinator("C-0007", name="Pieter Bakker", email="p.bakker@example.org"))
    store.with_case(registered_case(OPEN_ID, coordinator="C-0042"))
    return init_repo(store.write())


def state_files(root) -> list[str]:
    """.git/ekc without the verdict caches (a read writes those, `match` reads first)."""
    from ekc.store.cache import OBJECTS, PARTS

    return sorted(p.name for p in (root / ".git" / "ekc").iterdir() if p.suffix != ".pickle" and p.name not in (OBJECTS, PARTS))


def plant_journal(root, phase: str = "rewritten") -> None:
    folder = root / ".git" / "ekc"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "purge-journal.json").write_text(json.dumps({"phase": phase, "refs": {}}))


def test_pending_reads_the_journal_the_purge_writes(repo, tmp_path):
    assert journal.pending(repo) is False
    journal.write(repo, {"phase": "prepared", "refs": {}})
    assert journal.pending(repo) is True
    journal.remove(repo)
    assert journal.pending(repo) is False
    assert journal.pending(tmp_path / "not-a-repository") is False


@pytest.mark.parametrize("phase", ["prepared", "committed"])
@pytest.mark.parametrize("args", WRITES, ids=lambda a: " ".join(a[:2]))
def test_a_writing_command_refuses_while_a_purge_is_pending(repo, args, phase):
    plant_journal(repo, phase)
    before, head = snapshot(repo), git(repo, "rev-parse", "HEAD")
    ids_before = state_files(repo)
    result = ekc(repo, *args)
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert result.stderr == REFUSAL
    assert snapshot(repo) == before and git(repo, "rev-parse", "HEAD") == head
    assert state_files(repo) == ids_before  # not even a case id handed out


def test_the_same_commands_write_once_the_journal_is_gone(repo):
    plant_journal(repo)
    (repo / ".git" / "ekc" / "purge-journal.json").unlink()
    for args in (NEW, ["case", "assign", OPEN_ID, "C-0007"]):
        result = ekc(repo, *args)
        assert result.exit_code == 0, (args, result.stderr)


def test_reading_commands_still_work_while_a_purge_is_pending(repo):
    plant_journal(repo)
    assert ekc(repo, "case", "list").exit_code == 0
    assert ekc(repo, "validate").exit_code == 0
    assert ekc(repo, "case", "show", OPEN_ID).exit_code == 0
