"""A small real git history for purge tests: branches, tags, a merge, moved case folders.

Fictional people only. The expired case A (closed 2024-06-30, due 2024-09-30) moves from
the wrong year's folder to the right one, is edited on a branch that is merged back, and is
named in commit and tag messages. Case D's file was first committed outside any case folder
and moved in. Case C closed recently and must keep everything. Case B is open, with the same
skeleton personal.yaml that A once had (a shared blob).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.support import git as support_git
from tests.support.store import closed_case, dump, municipalities_doc, coordinator, registered_case

TODAY = "2024-10-01"
A, B, C, D = "EKC-2024-AAAAA", "EKC-2024-BBBBB", "EKC-2024-CCCCC", "EKC-2024-DDDDD"
SKELETON = "main_persons: []\n"
A_NAMES = ["Sanne de Vries", "Joop de Vries", "s.devries@example.org", "A. Jansen"]
A_PHONE_SPELLINGS = ["06-98765432", "+31 6 98765432", "0698765432"]
C_NAME = "Pieter Bakker"
D_NAME = "Noor Visser"


def git(root: Path, *args: str, input: str | None = None) -> str:
    """stdout of a git command that must succeed (tests/support/git.py runs it)."""
    return support_git.git(root, *args, input=input).stdout


class History:
    def __init__(self, root: Path):
        self.root = root
        self.tick = 0

    def write(self, path: str, text: str) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)

    def commit(self, message: str) -> str:
        self.tick += 1
        stamp = f"{1700000000 + self.tick * 3600} +0100"
        git(self.root, "add", "-A")
        subprocess.run(
            ["git", "-C", str(self.root), "commit", "-q", "--allow-empty", "-m", message],
            check=True,
            env={**__import__("os").environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp},
        )
        return git(self.root, "rev-parse", "HEAD").strip()


def personal_a(with_network: bool) -> str:
    doc = {
        "main_persons": [{"name": "Sanne de Vries", "birth_date": "2012-05-01", "role": "child"}],
        "phone": "+31 6 98765432",
        "email": "s.devries@example.org",
        "referrer_contact": {"name": "A. Jansen", "organisation": "Jeugdbescherming NH", "email": "a.jansen@example.org"},
    }
    if with_network:
        doc["network"] = [{"name": "Joop de Vries", "relation": "grandfather", "phone": "+31 6 11111111"}]
    return dump(doc)


def closed_on(case_id: str, day: str) -> dict:
    doc = closed_case(case_id)
    doc["history"][-1]["date"] = day
    return doc


def build(root: Path) -> Path:
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "EKC Test")
    git(root, "config", "user.email", "test@example.org")
    h = History(root)
    h.write("municipalities.yaml", dump(municipalities_doc()))
    h.write("coordinators.yaml", dump({"coordinators": [coordinator()]}))
    h.commit("Start the data repository")
    git(root, "branch", "side")

    a_old = f"cases/2023/{A}"
    h.write(f"{a_old}/case.yaml", dump(closed_on(A, "2024-06-30")))
    h.write(f"{a_old}/personal.yaml", SKELETON)
    h.commit(f"Register case {A}")
    git(root, "tag", "registered-a")
    h.write(f"{a_old}/personal.yaml", personal_a(False))
    h.commit(f"Personal data for {A}: Sanne de Vries, call 06-98765432")

    h.write(f"cases/2024/{B}/case.yaml", dump(registered_case(B)))
    h.write(f"cases/2024/{B}/personal.yaml", SKELETON)
    h.write(f"cases/2024/{C}/case.yaml", dump(closed_on(C, "2024-09-15")))
    h.write(f"cases/2024/{C}/personal.yaml", dump({"main_persons": [{"name": C_NAME, "role": "parent"}], "email": "p.bakker@example.org"}))
    h.commit(f"Register {B} and {C} ({C_NAME})")

    git(root, "checkout", "-q", "-b", "feature")
    h.write(f"{a_old}/personal.yaml", personal_a(True))
    h.commit("Add grandfather Joop de Vries (+31 6 98765432 is the mother's number)")
    git(root, "checkout", "-q", "main")

    git(root, "mv", "cases/2023", "cases/2024-tmp")
    git(root, "mv", f"cases/2024-tmp/{A}", f"cases/2024/{A}")
    h.commit(f"Move {A} to the folder of its year")

    h.write("drafts/personal.yaml", dump({"main_persons": [{"name": D_NAME, "role": "adult"}], "phone": "+31 6 22223333", "notes": "intake notes, long enough to be recognised when moved\n"}))
    h.commit("Draft intake")
    h.write(f"cases/2024/{D}/case.yaml", dump(closed_on(D, "2024-05-31")))
    git(root, "add", "-A")
    git(root, "mv", "drafts/personal.yaml", f"cases/2024/{D}/personal.yaml")
    h.commit(f"File the intake under {D}")

    h.tick += 1
    stamp = f"{1700000000 + h.tick * 3600} +0100"
    subprocess.run(
        ["git", "-C", str(root), "merge", "-q", "--no-ff", "feature", "-m", "Merge feature: s.devries@example.org updated"],
        check=True, capture_output=True,
        env={**__import__("os").environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp},
    )
    git(root, "tag", "-a", "v1", "-m", "Release 1, with the case of Sanne de Vries")
    h.write("coordinators.yaml", dump({"coordinators": [coordinator(), coordinator("C-0043", name="Eva Smit", email="e.smit@example.org")]}))
    h.commit("Add coordinator C-0043")
    git(root, "checkout", "-q", "side")
    h.write("README.md", "side branch\n")
    h.commit("Side work")
    git(root, "checkout", "-q", "main")
    git(root, "gc", "-q")
    return root


_CACHE: dict[str, Path] = {}


def fresh(tmp_path: Path, cache_root: Path) -> Path:
    """A copy of the built history (building it once per test session keeps tests fast)."""
    key = "base"
    if key not in _CACHE or not _CACHE[key].exists():
        _CACHE[key] = build(cache_root / "purge-base")
    target = tmp_path / "data"
    shutil.copytree(_CACHE[key], target, symlinks=True)
    return target


def refs(root: Path) -> dict[str, str]:
    out = git(root, "for-each-ref", "--format=%(refname) %(objectname)")
    return dict(line.split(" ") for line in out.splitlines())


def all_messages(root: Path) -> str:
    commits = git(root, "log", "--all", "--format=%B")
    tags = git(root, "for-each-ref", "refs/tags", "--format=%(contents)")
    return commits + tags


def history_blobs(root: Path, paths: list[str]) -> set[str]:
    out = git(root, "log", "--all", "--reflog", "-m", "--raw", "--no-abbrev", "--format=", "--", *paths)
    blobs = set()
    for line in out.splitlines():
        if line.startswith(":"):
            _, _, old, new, _ = line.split("\t")[0].split(" ")
            blobs |= {old, new} - {"0" * 40}
    return blobs


def object_exists(root: Path, sha: str) -> bool:
    return subprocess.run(["git", "-C", str(root), "cat-file", "-e", sha], capture_output=True).returncode == 0


def tree_listing(root: Path, rev: str) -> dict[str, str]:
    out = git(root, "ls-tree", "-r", "--full-tree", rev)
    listing = {}
    for line in out.splitlines():
        meta, path = line.split("\t")
        listing[path] = meta
    return listing
