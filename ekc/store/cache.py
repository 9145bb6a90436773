"""Caches of per-file verdicts keyed on the file's exact bytes and on this code.

Key: sha256 of (code fingerprint, kind, path, bytes). A changed byte, a renamed file or a
changed rule gives another key, so a cached verdict is by construction the verdict the
code would give now. The fingerprint covers every module a verdict depends on and the
versions of pydantic and ruamel.yaml.

Two files, because their readers differ: `verdicts` holds findings and small summaries
(all a warm `ekc validate` reads: 15,000 cases unpickle in a fraction of a second);
`models` holds the full case and personal models for the commands that need them.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from functools import lru_cache
from pathlib import Path

import ekc

CACHE_FILES = ("verdicts.pickle", "models.pickle")
_VERDICT_MODULES = ("model", "core", "validate", "store/yamlio.py", "store/fastyaml.py", "match/languages.py", "purge/retention.py", "budget/funding.py")


@lru_cache(maxsize=1)
def code_fingerprint() -> bytes:
    import pydantic
    import ruamel.yaml

    digest = hashlib.sha256(f"{ekc.__version__}|{pydantic.VERSION}|{ruamel.yaml.__version__}".encode())
    package = Path(ekc.__file__).parent
    for entry in _VERDICT_MODULES:
        target = package / entry
        files = sorted(target.rglob("*.py")) if target.is_dir() else [target]
        for file in files:
            digest.update(str(file.relative_to(package)).encode())
            digest.update(file.read_bytes())
    return digest.digest()


def verdict_key(kind: str, path: str, raw: bytes) -> bytes:
    digest = hashlib.sha256(code_fingerprint())
    digest.update(f"\0{kind}\0{path}\0".encode())
    digest.update(raw)
    return digest.digest()


def cache_dir(root: Path) -> Path:
    """Inside .git when there is one (never committed, gone with the clone)."""
    git_dir = root / ".git"
    if git_dir.is_dir():
        return git_dir / "ekc"
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "ekc"
    return base / hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]


def read_cache(location: Path) -> dict:
    try:
        with location.open("rb") as handle:
            stored = pickle.load(handle)
    except Exception:  # noqa: BLE001 - a missing, truncated or foreign cache is just empty
        return {}
    if not isinstance(stored, dict) or stored.get("fingerprint") != code_fingerprint():
        return {}
    entries = stored.get("entries")
    return entries if isinstance(entries, dict) else {}


def write_cache(location: Path, entries: dict) -> None:
    try:
        location.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=location.parent, prefix=f".{location.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump({"fingerprint": code_fingerprint(), "entries": entries}, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, location)
    except OSError:
        pass  # a read-only checkout still validates, just without a cache
