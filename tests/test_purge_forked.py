"""The plan's second core (ekc.purge.forked): the same answer as one core, whatever happens."""

from __future__ import annotations

import os
from datetime import date

from ekc.purge import forked, rewrite
from ekc.store.loader import load
from tests.support import office as office_repo


def test_the_child_answers_and_the_caller_goes_on():
    parent = os.getpid()
    work = forked.Forked(lambda: (os.getpid(), sum(range(1000))))
    assert work.pid is not None
    pid, total = work.result()
    assert pid != parent and total == 499500
    assert work.result() == (pid, total)  # asked again: the same answer, no second child


def test_a_child_that_fails_is_answered_by_the_caller():
    parent = os.getpid()

    def only_in_the_parent():
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return "answered here"

    assert forked.Forked(only_in_the_parent).result() == "answered here"


def test_a_child_killed_midway_is_answered_by_the_caller():
    parent = os.getpid()

    def dies_in_the_child():
        if os.getpid() != parent:
            os.kill(os.getpid(), 9)
        return 42

    assert forked.Forked(dies_in_the_child).result() == 42


def test_without_fork_the_caller_does_the_work(monkeypatch):
    monkeypatch.delattr(os, "fork")
    work = forked.Forked(lambda: os.getpid())
    assert work.pid is None and work.result() == os.getpid()


def _plan(root, today):
    store = load(root, use_cache=False, models=False).store
    return rewrite.plan_purge(root, store, today)


def test_the_office_plan_is_the_same_on_one_core(tmp_path, tmp_path_factory, monkeypatch):
    """The office repository (copies, renamed and deleted folders, names in paths, messages
    and tags): the plan with the forked child equals the plan without it."""
    office = office_repo.fresh(tmp_path, tmp_path_factory.getbasetemp())
    today = date.fromisoformat(office.today)
    two = _plan(office.root, today)
    monkeypatch.delattr(os, "fork")
    one = _plan(office.root, today)
    assert two.found.paths and two.found.blobs and two.found.commits and two.commits_rewritten
    for name in ("paths", "blobs", "drop", "ref_renames", "ref_deletes", "rewrite_refs", "commits_rewritten"):
        assert getattr(two, name) == getattr(one, name), name
    for name in ("blobs", "commits", "tags", "trees", "paths", "clean", "clean_commits"):
        assert getattr(two.found, name) == getattr(one.found, name), name
