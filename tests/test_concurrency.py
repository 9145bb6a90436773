"""Nothing lost under concurrency and interrupts: real `ekc` processes on one repository.

Each test starts the command as a separate process (the lock is an `fcntl` lock between
processes), then reads HEAD, the index and the work tree with git itself.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest
import yaml

from tests.case_repos import git, init_repo, messages
from tests.support.store import coordinator

NEW = ["case", "new", "--municipality", "GM0439", "--variant", "family", "--referrer", "professional",
       "--referrer-org", "youth_care", "--minors", "--no-conditions", "--professional-help", "none",
       "--reason", "divorce", "--date", "2024-09-02"]


def command(root, *args, today="2024-12-01"):
    return [sys.executable, "-m", "ekc", "--data", str(root), "--today", today, *args]


def environment():
    return {**os.environ, "EKC_LOCK_WAIT": "600", "PYTHONUNBUFFERED": "1"}


def run(root, *args, today="2024-12-01"):
    done = subprocess.run(command(root, *args, today=today), capture_output=True, text=True, env=environment(), timeout=600)
    assert "Traceback" not in done.stderr, done.stderr
    return done


@pytest.fixture
def repo(store):
    store.coordinators["coordinators"].append(coordinator("C-0007", name="Pieter Bakker", email="p.bakker@example.org", phone="+31 6 22222222"))
    return init_repo(store.write())


def head_files(root) -> set[str]:
    return set(git(root, "ls-tree", "-r", "--name-only", "HEAD").split())


def work_files(root) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and ".git" not in p.relative_to(root).parts}


def clean(root) -> str:
    """`git status` of everything: empty when HEAD, index and work tree agree."""
    return git(root, "--no-optional-locks", "status", "--porcelain", "--untracked-files=all")


def test_twenty_case_new_at_once_all_land_in_head(repo):
    processes = [subprocess.Popen(command(repo, *NEW), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment())
                 for _ in range(20)]
    results = [(p.wait(timeout=600), p.stdout.read(), p.stderr.read()) for p in processes]
    for code, out, err in results:
        assert "Traceback" not in err, err
        assert code == 0, err
    ids = {out.strip() for _, out, _ in results}
    assert len(ids) == 20
    in_head = head_files(repo)
    for case_id in ids:
        assert f"cases/2024/{case_id}/case.yaml" in in_head
        assert f"cases/2024/{case_id}/personal.yaml" in in_head
    assert clean(repo) == ""
    # every message names the case its commit holds
    for sha in git(repo, "rev-list", "HEAD", "--max-count=20").split():
        message = git(repo, "log", "-1", "--format=%B", sha)
        paths = git(repo, "show", "--name-only", "--format=", sha).split()
        case_id = message.split()[1].rstrip(":")
        assert paths == [f"cases/2024/{case_id}/case.yaml", f"cases/2024/{case_id}/personal.yaml"]


def test_advance_and_assign_at_once_both_in_head(repo):
    case_id = run(repo, *NEW).stdout.strip()
    assert run(repo, "case", "assign", case_id, "C-0042", today="2024-09-02").returncode == 0
    advance = subprocess.Popen(command(repo, "case", "advance", case_id, "--date", "2024-09-03", today="2024-09-03"),
                               stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=environment())
    assign = subprocess.Popen(command(repo, "case", "assign", case_id, "C-0007", "--force", "a test of two writers", today="2024-09-03"),
                              stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=environment())
    assert advance.wait(timeout=600) == 0, advance.stderr.read()
    assert assign.wait(timeout=600) == 0, assign.stderr.read()
    case = yaml.safe_load(git(repo, "show", f"HEAD:cases/2024/{case_id}/case.yaml"))
    assert case["coordinator"] == "C-0007"
    assert [h["phase"] for h in case["history"]] == ["registered", "informative_talk"]
    assert clean(repo) == ""
    assign_message = next(m for m in messages(repo) if "C-0007" in m)
    assert "coordinator C-0007 assigned" in assign_message and "replacing C-0042" in assign_message


def test_a_second_writer_says_who_holds_the_lock(repo):
    from ekc.store.writelock import writing

    with writing(repo, "ekc case advance EKC-2024-AB12C"):
        done = subprocess.run(command(repo, *NEW), capture_output=True, text=True,
                              env={**os.environ, "EKC_LOCK_WAIT": "0.3"}, timeout=600)
    assert done.returncode == 1
    assert "another ekc command is changing this repository" in done.stderr
    assert f"pid {os.getpid()}, `ekc case advance EKC-2024-AB12C`" in done.stderr
    assert clean(repo) == ""


def _interrupted(root, args, delay, today):
    process = subprocess.Popen(command(root, *args, today=today), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env=environment())
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    code = process.wait(timeout=600)
    err = process.stderr.read()
    # A signal while Python itself is still starting (runpy finding `ekc`, before ekc's
    # first line runs) is outside ekc's reach; anywhere in ekc there is no traceback.
    assert "Traceback" not in err or "ekc" not in err, err
    # -SIGINT: the signal came while the interpreter itself was shutting down, after ekc's end
    assert code in (0, 1, 130, -signal.SIGINT), (code, err)
    return code


def _duration(root, args, today) -> float:
    started = time.monotonic()
    assert run(root, *args, today=today).returncode == 0
    return time.monotonic() - started


def test_ctrl_c_at_random_points_of_case_new_leaves_head_and_files_agreeing(repo):
    rng = random.Random(17)
    length = _duration(repo, NEW, "2024-12-01")
    for _ in range(8):
        before = head_files(repo)
        _interrupted(repo, NEW, rng.uniform(0, length * 1.2), "2024-12-01")
        assert clean(repo) == "", "HEAD, index and files disagree"
        assert work_files(repo) == head_files(repo)
        added = head_files(repo) - before
        assert len(added) in (0, 2)


def test_ctrl_c_at_random_points_of_case_advance_leaves_head_and_files_agreeing(repo):
    rng = random.Random(1717)
    ids = [run(repo, *NEW).stdout.strip() for _ in range(9)]
    for case_id in ids:
        done = run(repo, "case", "assign", case_id, "C-0042", "--force", "many cases for one test", today="2024-09-02")
        assert done.returncode == 0, done.stderr
    args = lambda case_id: ["case", "advance", case_id, "--date", "2024-09-03"]  # noqa: E731
    length = _duration(repo, args(ids[0]), "2024-09-03")
    for case_id in ids[1:]:
        head_before = git(repo, "rev-parse", "HEAD")
        code = _interrupted(repo, args(case_id), rng.uniform(0, length * 1.2), "2024-09-03")
        assert clean(repo) == ""
        moved = git(repo, "rev-parse", "HEAD") != head_before
        on_disk = (repo / "cases" / "2024" / case_id / "case.yaml").read_text()
        assert ("informative_talk" in on_disk) == moved
        if code == 0:
            assert moved


def test_no_free_space_leaves_the_case_as_committed(tmp_path, store):
    """A disk-full run on a small tmpfs; needs the right to mount one."""
    mount = tmp_path / "small"
    mount.mkdir()
    tried = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True, text=True)
    if tried.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {tried.stderr.strip() or 'mount failed'}")
    try:
        store.root = mount / "data"
        repo = init_repo(store.write())
        case_id = run(repo, *NEW).stdout.strip()
        assert run(repo, "case", "assign", case_id, "C-0042", today="2024-09-02").returncode == 0
        filler = mount / "filler"
        subprocess.run(["dd", "if=/dev/zero", f"of={filler}", "bs=4k"], capture_output=True)
        for args in (NEW, ["case", "advance", case_id, "--date", "2024-09-03"]):
            head = git(repo, "rev-parse", "HEAD")
            done = run(repo, *args, today="2024-09-03")
            assert done.returncode == 1
            assert "cannot write" in done.stderr or "No space left" in done.stderr, done.stderr
            assert git(repo, "rev-parse", "HEAD") == head
            assert clean(repo) == ""
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_after_a_ctrl_c_a_destructor_of_a_half_built_object_prints_nothing(monkeypatch, capsys):
    """Seen in CI: Ctrl-C inside GitPython's config reader's __init__ left an object whose
    __del__ failed as the process exited, and Python printed "Exception ignored ... Traceback"
    under "ekc: interrupted". In the command's own process such destructors print nothing."""
    import gc

    import ekc
    from ekc.cli.app import quiet_destructors

    class HalfBuilt:
        def __del__(self):
            raise AttributeError("'HalfBuilt' object has no attribute '_read_only'")

    monkeypatch.setattr(sys, "unraisablehook", sys.__unraisablehook__)  # Python's own, which prints
    monkeypatch.setattr(ekc, "ONE_COMMAND_PROCESS", False)
    quiet_destructors()  # under CliRunner (the tests' process goes on): Python's own hook stays
    assert sys.unraisablehook is sys.__unraisablehook__
    monkeypatch.setattr(ekc, "ONE_COMMAND_PROCESS", True)
    quiet_destructors()
    HalfBuilt()
    gc.collect()
    assert "Traceback" not in capsys.readouterr().err
