import os

import pytest

from tests.storebuilder import StoreBuilder


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch, tmp_path_factory):
    """No test reads the developer's real data, cache or git identity."""
    for name in ("EKC_DATA", "EKC_TODAY", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("GIT_AUTHOR_NAME", "EKC Test")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "test@example.org")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "EKC Test")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "test@example.org")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("HOME", str(tmp_path_factory.mktemp("home")))
    os.environ.setdefault("COLUMNS", "200")


@pytest.fixture
def store(tmp_path) -> StoreBuilder:
    return StoreBuilder(tmp_path / "data")
