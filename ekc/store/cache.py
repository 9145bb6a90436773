"""Caches of per-file verdicts keyed on the file's exact bytes and on this code.

Key: sha256 of (code fingerprint, kind, path, bytes). A changed byte, a renamed file or a
changed rule gives another key, so a cached verdict is by construction the verdict the
code would give now. The fingerprint covers every module a verdict depends on and the
versions of pydantic and ruamel.yaml.

Two parts, because their readers differ. The index: per file its stat data (size, mtime,
ctime, inode, as git keeps them), its key, its findings and small summary (all a warm
`ekc validate` reads); `cross.pickle` beside it holds the cross-file findings per case with
their inputs. `objects/` holds one pickle per full case or registry model, named by its key,
so a command that needs the open cases unpickles those and not 25 years of history. Personal
models are never cached (see ekc/store/loader.py, `_may_cache`).

The index is split by kind and by question, so that a command unpickles only what it asks
about: `verdicts.pickle` is a manifest naming the parts in `index/` with a token each (root
files, personal files, folder listings, case files by the year of their last history date,
and a compact table of every case.yaml's stat data). A part whose token is not the one the
manifest names is not used: a reader never mixes parts of two writes.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import tempfile
from functools import lru_cache
from pathlib import Path

import ekc

CACHE_FILES = ("verdicts.pickle", "cross.pickle", "models.pickle")  # models.pickle: the old single model file
OBJECTS = "objects"
_VERDICT_MODULES = ("model", "core", "validate", "store/yamlio.py", "store/fastyaml.py", "store/loader.py", "match/languages.py", "match/ranking.py", "purge/retention.py", "budget/funding.py")


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


def read_index(location: Path) -> dict:
    """The whole index document ({} when missing, foreign or from other code).

    The cyclic collector is paused while unpickling: tens of thousands of small acyclic
    objects would trigger it again and again (4x the time to read the index)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        with location.open("rb") as handle:
            stored = pickle.load(handle)
    except Exception:  # noqa: BLE001 - a missing, truncated or foreign cache is just empty
        return {}
    finally:
        if enabled:
            if ekc.ONE_COMMAND_PROCESS:
                gc.freeze()  # as ekc/store/loader.py `load` does: no collector pass over the index
            gc.enable()
    if not isinstance(stored, dict) or stored.get("fingerprint") != code_fingerprint() or not isinstance(stored.get("entries"), dict):
        return {}
    return stored


PARTS = "index"
MANIFEST = "verdicts.pickle"


def remove_index(root: Path) -> None:
    """Remove the index and the cross-file cache (the purge does, so that no verdict or
    summary of a purged file outlives it); the model objects are keyed on content."""
    import shutil

    folder = cache_dir(root)
    for name in CACHE_FILES:
        (folder / name).unlink(missing_ok=True)
    shutil.rmtree(folder / PARTS, ignore_errors=True)


def read_manifest(folder: Path) -> dict[str, tuple[str, int]]:
    """Part name -> (token, written_ns) of the index in `folder` ({} when missing or foreign)."""
    document = read_index(folder / MANIFEST)
    parts = document.get("parts")
    return parts if isinstance(parts, dict) else {}


def read_part(folder: Path, name: str, token: str | None) -> dict | None:
    """One part of the index, or None when missing, damaged or not of this `token`."""
    if token is None:
        return None
    document = read_index(folder / PARTS / f"{name}.pickle")
    return document if document.get("token") == token else None


def write_parts(folder: Path, parts: dict[str, dict], kept: dict[str, tuple[str, int]], written_ns: int) -> int | None:
    """Write `parts` (name -> {"entries": ...} or other data) under fresh tokens, then the
    manifest naming them and the `kept` parts of an earlier write. Returns the manifest's own
    mtime_ns. Parts the manifest no longer names are removed."""
    try:
        (folder / PARTS).mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    names = dict(kept)
    for name, document in parts.items():
        token = os.urandom(8).hex()
        if write_index(folder / PARTS / f"{name}.pickle", {**document, "token": token, "entries": document.get("entries", {})}) is None:
            return None
        names[name] = (token, written_ns)
    mtime = write_index(folder / MANIFEST, {"parts": names, "entries": {}})
    if mtime is not None:
        for stale in (folder / PARTS).glob("*.pickle"):
            if stale.stem not in names:
                stale.unlink(missing_ok=True)
    return mtime


def shared(value, seen: dict):
    """One object per equal string or date, so that the pickle stores each once and refers
    to it after: 15,000 cases hold a few thousand distinct dates and a dozen phase names.
    Keyed on the type too (True == 1, but they are not the same value)."""
    return seen.setdefault((type(value), value), value)


def write_index(location: Path, document: dict) -> int | None:
    """Write atomically; returns the index file's own mtime_ns (the racy-git reference)."""
    try:
        location.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=location.parent, prefix=f".{location.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump({**document, "fingerprint": code_fingerprint()}, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, location)
        return os.stat(location).st_mtime_ns
    except OSError:
        return None  # a read-only checkout still validates, just without a cache


def object_path(folder: Path, key: bytes) -> str:
    name = key.hex()
    return f"{folder}/{OBJECTS}/{name[:2]}/{name[2:]}"


def read_object(folder: Path, key: bytes):
    """A cached model by its content key, or None. The key covers the code fingerprint."""
    try:
        with open(object_path(folder, key), "rb") as handle:
            return pickle.load(handle)
    except Exception:  # noqa: BLE001 - missing or damaged: judge the file again
        return None


def write_object(folder: Path, key: bytes, model) -> None:
    target = object_path(folder, key)
    try:
        os.makedirs(target.rsplit("/", 1)[0], exist_ok=True)
        tmp = f"{target}.{os.getpid()}.tmp"
        with open(tmp, "wb") as handle:
            pickle.dump(model, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, target)
    except OSError:
        pass
