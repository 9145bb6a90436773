"""The session-wide isolation of tests/conftest.py holds: nothing reaches the real cache."""

import os
import subprocess
import sys
from pathlib import Path

from ekc.store.cache import cache_dir
from tests import conftest
from tests.support.git import ekc_env


def test_home_and_cache_are_the_sessions_not_the_developers():
    assert Path(os.environ["HOME"]) != conftest.REAL_HOME
    assert not Path(os.environ["XDG_CACHE_HOME"]).is_relative_to(conftest.REAL_CACHE)


def test_a_store_outside_git_caches_under_the_session_not_in_the_real_cache(store):
    root = store.write()
    folder = cache_dir(root)
    assert not folder.is_relative_to(conftest.REAL_CACHE)
    done = subprocess.run(
        [sys.executable, "-m", "ekc", "--data", str(root), "validate"], capture_output=True, text=True, env=ekc_env()
    )
    assert done.returncode == 0, done.stderr
    written = [p for p in Path(os.environ["XDG_CACHE_HOME"]).rglob("*.pickle")]
    assert written, "validate wrote no cache at all: this test would pass vacuously"
