"""Isolation for the whole session: no test, no helper run at import, and no child `ekc` or
`git` reads or writes the developer's real data, cache, home or git identity.

The environment is set once, at configure time, before any test module is imported; a
fixture per test would leave module-level code and session fixtures outside it.
"""

import os
import tempfile
from pathlib import Path

import pytest

from tests.support.store import StoreBuilder

# what the developer's environment said before the session replaced it (tests/test_isolation.py)
REAL_HOME = Path(os.environ.get("HOME") or Path.home())
REAL_CACHE = Path(os.environ.get("XDG_CACHE_HOME") or REAL_HOME / ".cache")
_SESSION_DIR = None


def pytest_configure(config):
    global _SESSION_DIR
    _SESSION_DIR = tempfile.TemporaryDirectory(prefix="ekc-tests-")
    base = Path(_SESSION_DIR.name)
    for name in ("home", "cache"):
        (base / name).mkdir()
    for name in ("EKC_DATA", "EKC_TODAY", "NO_COLOR"):
        os.environ.pop(name, None)
    os.environ.update({
        "HOME": str(base / "home"),
        "XDG_CACHE_HOME": str(base / "cache"),
        "GIT_AUTHOR_NAME": "EKC Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "EKC Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
        "GIT_CONFIG_NOSYSTEM": "1",
    })
    os.environ.setdefault("COLUMNS", "200")


def pytest_unconfigure(config):
    if _SESSION_DIR is not None:
        _SESSION_DIR.cleanup()


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch, tmp_path_factory):
    """Each test also gets a cache and home of its own, so no test sees another's cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("HOME", str(tmp_path_factory.mktemp("home")))


@pytest.fixture
def store(tmp_path) -> StoreBuilder:
    return StoreBuilder(tmp_path / "data")
