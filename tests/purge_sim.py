"""A server, an office clone and staff clones made before a purge, and a purge done the way
`ekc purge` records it (git-filter-repo + a purge-log entry with paths, blobs and commits),
so the gate, the cleaner and `ekc sync` are tested without depending on the purge itself.

Fictional data only: the family is "de Vries" from tests/storebuilder.personal_doc.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ruamel.yaml import YAML

from tests.support.git import commit_all, ekc_env, git, out
from tests.support.store import StoreBuilder, case_folder, closed_case, dump, personal_doc, registered_case

CASE = "EKC-2024-K7Q2M"
OTHER = "EKC-2024-AB12C"
PERSONAL = f"cases/2024/{CASE}/personal.yaml"
FAMILY = "de Vries"
FILTER_REPO = str(Path(sys.executable).parent / "git-filter-repo")


def push(clone: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "push", *args], cwd=clone, capture_output=True, text=True, env=ekc_env())


def make_server(tmp_path: Path, hooks: bool = True) -> Path:
    bare = tmp_path / "server.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True)
    if hooks:
        from typer.testing import CliRunner

        from ekc.cli.app import app

        result = CliRunner().invoke(app, ["hook", "install", str(bare)])
        assert result.exit_code == 0, result.output
    return bare


def clone_of(server: Path, where: Path) -> Path:
    git(where.parent, "clone", "-q", f"file://{server}", str(where))
    git(where, "config", "user.name", "Staff")
    git(where, "config", "user.email", "staff@example.org")
    return where


def populate(office: Path) -> None:
    """Two commits with the family's personal.yaml (one message naming them), a tag, a note."""
    StoreBuilder(office).with_case(closed_case(CASE), personal_doc()).write()
    commit_all(office, f"{CASE}: intake, family {FAMILY}")
    changed = personal_doc() | {"notes": "second version\n"}
    (case_folder(office, CASE) / "personal.yaml").write_text(dump(changed))
    commit_all(office, f"{CASE}: notes")
    git(office, "tag", "-a", "v1", "-m", "first release")
    git(office, "notes", "add", "-m", "checked", "HEAD")
    folder = case_folder(office, OTHER)
    folder.mkdir(parents=True)
    (folder / "case.yaml").write_text(dump(registered_case(OTHER)))
    commit_all(office, f"{OTHER}: registered")
    result = push(office, "origin", "main", "v1", "refs/notes/commits")
    assert result.returncode == 0, result.stderr


@dataclass
class Purged:
    blobs: list[str]
    commits: list[str]
    old_main: str
    push_output: str = ""


def purge(office: Path, today: str = "2025-01-01", push_to: str | None = "origin") -> Purged:
    """Remove PERSONAL from all history, redact the family from messages, log it, push."""
    url = out(office, "remote", "get-url", "origin")
    old_main = out(office, "rev-parse", "main")
    raw = out(office, "log", "--all", "--format=", "--raw", "--no-abbrev", "--", PERSONAL)
    blobs = sorted({line.split()[3] for line in raw.splitlines() if line.startswith(":")} - {"0" * 40})
    messages = out(office, "log", "--all", "--format=%H %s")
    commits = sorted(line.split()[0] for line in messages.splitlines() if FAMILY in line)
    expressions = office / ".git" / "redact.txt"
    expressions.write_text(f"{FAMILY}==>***\n")
    done = subprocess.run([FILTER_REPO, "--force", "--quiet", "--invert-paths", "--path", PERSONAL,
                           "--replace-message", str(expressions)], cwd=office, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    expressions.unlink()
    if not out(office, "remote"):
        git(office, "remote", "add", "origin", url)
    yaml = YAML()
    log_file = office / "purge-log.yaml"
    document = yaml.load(log_file.read_text()) if log_file.is_file() else None
    document = document or {"purges": []}
    document.setdefault("purges", [])
    document["purges"].append({"case": CASE, "closed": date(2024, 6, 30), "purged": date.fromisoformat(today),
                               "paths": [PERSONAL], "other_paths": 0, "blobs": blobs, "commits": commits})
    with log_file.open("w") as stream:
        yaml.dump(document, stream)
    commit_all(office, f"purge: {CASE}")
    git(office, "reflog", "expire", "--expire=now", "--all")
    git(office, "gc", "-q", "--prune=now")
    said = ""
    if push_to:
        result = push(office, "--force", push_to, "main", "+refs/tags/*:refs/tags/*", "+refs/notes/*:refs/notes/*")
        assert result.returncode == 0, result.stderr
        said = result.stderr
    return Purged(blobs, commits, old_main, said)


def present(repo: Path, ids: list[str]) -> set[str]:
    """Which ids any object in the repository has, reachable or not."""
    found = git(repo, "cat-file", "--batch-check", "--batch-all-objects").stdout
    have = {line.split()[0] for line in found.splitlines()}
    return {i for i in ids if i in have}


def every_object_text(repo: Path) -> bytes:
    """The content of every object, reachable or not (zlib-inflated by git)."""
    return subprocess.run(["git", "cat-file", "--batch-all-objects", "--batch"], cwd=repo, capture_output=True, check=True).stdout


FAMILY_STRINGS = ["Sanne de Vries", "Joop de Vries", "s.devries@example.org", "+31 6 98765432", "+31 6 11111111", "Kerkstraat 1"]


def leaks(repo: Path, purged: "Purged") -> list[str]:
    """Where a family string survives (tests/support/leak_scan: every object, ref names,
    every file under .git, the work tree), places only. The purged blob ids are checked
    by `present`: the scanner would find them, as text, in purge-log.yaml itself."""
    from tests.support.leak_scan import scan, where

    return where(scan(repo, FAMILY_STRINGS))


def family_strings() -> list[bytes]:
    return [b"de Vries", b"Sanne", b"98765432", b"s.devries@example.org", b"Kerkstraat"]


def refs(repo: Path) -> str:
    return out(repo, "for-each-ref", "--format=%(refname) %(objectname)")
