"""The red-team office repository of issue 12: a data repository as a careless office leaves it.

A fictional family, Brinkgreve (mother Anaïs, son Teun, grandfather Gerolf, an aunt
Roelofje who only ever appears in a version of personal.yaml that was not valid YAML),
whose expired case EKC-2024-BRNK7 left its personal data in every corner git has:

- `intake/Brinkgreve-Anaïs/personal.yaml`, committed by the family itself (`--author`), later
  moved into the case folder; the folder was first created as EKC-2024-BRNK1 (a typo) and
  renamed;
- a `personal.yaml.bak` and a `notes.txt` beside it, committed and deleted again;
- a version of personal.yaml that is not valid YAML, committed with `--no-verify`;
- the name in a comment of case.yaml;
- messages with the surname alone, the address, capitals, NFD, without diacritics, and
  the name wrapped over two lines; a phone number in three spellings;
- a tag named after the family, a tag on the personal.yaml blob, a tag on the case
  folder's tree, a branch `zaak-brinkgreve` with a branch description;
- the grandfather's own case EKC-2024-GRLF9, deleted after its personal.yaml was filled (an
  orphan);
- on the bare server, `refs/notes/commits` (a note with the phone number) and
  `refs/backup/main` (the whole old history), pushed by a colleague and never fetched here.

Besides: the open case EKC-2024-MLNK3 (Hendrikje Molenkamp), whose data must stay, and the
expired case EKC-2024-BRKN2 whose case.yaml is broken (a stranger's data: the purge cannot
judge it and must say so).

Dates are fixed (every commit in 2024); with `--today 2025-03-01` and the default retention
of three months the family's case and the orphan have expired.
"""

from __future__ import annotations

import os
import shutil
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.git import git, init_repo, out
from tests.support.store import closed_case, coordinator, dump, municipalities_doc, registered_case

TODAY = "2025-03-01"
OFFICE_NAME, OFFICE_EMAIL = "Kantoor Purmerend", "kantoor@example.org"

EXPIRED = "EKC-2024-BRNK7"  # the family's case, closed 2024-06-30
TYPO = "EKC-2024-BRNK1"  # the same folder before the id typo was fixed
ORPHAN = "EKC-2024-GRLF9"  # the grandfather's case, folder deleted 2024-07-01
OPEN = "EKC-2024-MLNK3"  # open: keeps everything
BROKEN = "EKC-2024-BRKN2"  # expired, case.yaml broken

MOTHER, SON, GRANDFATHER, AUNT = "Anaïs Brinkgreve", "Teun Brinkgreve", "Gerolf Brinkgreve", "Roelofje Brinkgreve"
SURNAME = "Brinkgreve"
ADDRESS = "Lijsterbeslaan 17, 1442 KX Purmerend"
STREET, POSTCODE = "Lijsterbeslaan 17", "1442 KX"
PHONE, PHONE_GRANDFATHER = "+31 6 48151623", "+31 6 31415926"
PHONE_SPELLINGS = ["06-4815 1623", "0031648151623", "06 48151623"]
EMAIL, EMAIL_GRANDFATHER = "anais.brinkgreve@example.org", "g.brinkgreve@example.org"

OPEN_NAME, OPEN_PHONE, OPEN_EMAIL, OPEN_ADDRESS = "Hendrikje Molenkamp", "+31 6 27182818", "h.molenkamp@example.org", "Veerdijk 3, 1441 RB Purmerend"
BROKEN_NAME = "Ilse Voskuijlen"


@dataclass
class Office:
    """What a test needs to know about the built office."""

    root: Path  # the office clone (work tree)
    server: Path  # the bare repository the office pushes to (remote `origin`, file://)
    today: str
    family: list[str]  # every string that identifies the family, as given (scan these)
    open_case: list[str]  # the open case's strings: they must stay
    expired_case: str = EXPIRED
    orphan_case: str = ORPHAN
    open_case_id: str = OPEN
    broken_case: str = BROKEN
    paths: dict[str, str] = field(default_factory=dict)  # what lies where, by role
    blobs: dict[str, str] = field(default_factory=dict)  # personal.yaml blob ids of the family


def family_strings() -> list[str]:
    names = [MOTHER, SON, GRANDFATHER, AUNT]
    parts = {part for name in names for part in name.split() if len(part) >= 4}
    return sorted({*names, *parts, STREET, POSTCODE, PHONE, PHONE_GRANDFATHER, EMAIL, EMAIL_GRANDFATHER})


def open_strings() -> list[str]:
    return [OPEN_NAME, OPEN_PHONE, OPEN_EMAIL, "Veerdijk 3"]


def family_personal(network: bool) -> str:
    doc = {
        "main_persons": [
            {"name": MOTHER, "birth_date": "1986-04-12", "role": "parent"},
            {"name": SON, "birth_date": "2011-09-30", "role": "child"},
        ],
        "address": ADDRESS,
        "phone": PHONE,
        "email": EMAIL,
    }
    if network:
        doc["network"] = [{"name": GRANDFATHER, "relation": "grootvader", "phone": PHONE_GRANDFATHER}]
    return dump(doc)


def not_yaml_personal() -> str:
    """A half-typed version: not valid YAML, and the only place the aunt is named."""
    return (
        "main_persons:\n"
        f"  - name: {MOTHER}\n"
        f"    role: parent\n"
        f"  - name: [{AUNT}\n"
        "    role: : other\n"
        f"phone: {PHONE}\n"
    )


def grandfather_personal() -> str:
    return dump({
        "main_persons": [{"name": GRANDFATHER, "role": "parent"}],
        "address": ADDRESS,
        "phone": PHONE_GRANDFATHER,
        "email": EMAIL_GRANDFATHER,
    })


def open_personal() -> str:
    return dump({
        "main_persons": [{"name": OPEN_NAME, "role": "parent"}],
        "address": OPEN_ADDRESS,
        "phone": OPEN_PHONE,
        "email": OPEN_EMAIL,
    })


def closed_on(case_id: str, day: str) -> dict:
    doc = closed_case(case_id)
    doc["history"][-1]["date"] = day
    return doc


def registered(case_id: str) -> dict:
    return registered_case(case_id, date="2024-02-03")


class _Clock:
    """Fixed commit dates, one day apart from 2024-01-08, so retention is the same every run."""

    def __init__(self):
        self.day = 0

    def env(self, author: str | None = None) -> dict[str, str]:
        self.day += 1
        month, day = divmod(self.day - 1, 25)
        stamp = f"2024-{month + 1:02d}-{day + 2:02d}T10:00:00+01:00"
        env = {
            **os.environ,
            "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_DATE": stamp,
            "GIT_AUTHOR_NAME": OFFICE_NAME,
            "GIT_AUTHOR_EMAIL": OFFICE_EMAIL,
            "GIT_COMMITTER_NAME": OFFICE_NAME,
            "GIT_COMMITTER_EMAIL": OFFICE_EMAIL,
        }
        return env

    def at(self, stamp: str) -> dict[str, str]:
        env = self.env()
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = stamp
        return env


class _Builder:
    def __init__(self, root: Path):
        self.root = root
        self.clock = _Clock()

    def write(self, path: str, text: str) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def commit(self, message: str, *extra: str, env: dict[str, str] | None = None) -> str:
        git(self.root, "add", "-A")
        git(self.root, "commit", "-q", "--allow-empty", "-m", message, *extra, env=env or self.clock.env())
        return out(self.root, "rev-parse", "HEAD")

    def run(self, *args: str, env: dict[str, str] | None = None) -> str:
        return git(self.root, *args, env=env or self.clock.env()).stdout.strip()


def build(base: Path) -> Office:
    """The office clone at `base/office` and its server at `base/server.git`."""
    root = base / "office"
    server = base / "server.git"
    init_repo(root)
    git(root, "config", "user.name", OFFICE_NAME)
    git(root, "config", "user.email", OFFICE_EMAIL)
    git(root, "config", "core.quotePath", "false")
    git(base, "init", "-q", "--bare", "-b", "main", str(server))
    git(root, "remote", "add", "origin", server.resolve().as_uri())
    b = _Builder(root)
    blobs: dict[str, str] = {}

    b.write("municipalities.yaml", dump(municipalities_doc()))
    b.write("coordinators.yaml", dump({"coordinators": [coordinator()]}))
    b.commit("Start the data repository")

    intake = f"intake/{SURNAME}-Anaïs/personal.yaml"
    b.write(intake, family_personal(network=False))
    b.commit(
        "Aanmelding via het formulier",
        f"--author={MOTHER} <{EMAIL}>",
    )
    blobs["intake"] = out(root, "rev-parse", f"HEAD:{intake}")
    git(root, "tag", f"{SURNAME.lower()}-intake")

    typo_folder = f"cases/2024/{TYPO}"
    b.write(f"{typo_folder}/case.yaml", dump(registered(TYPO)))
    b.run("mv", intake, f"{typo_folder}/personal.yaml")
    b.commit(f"Register {TYPO} ({STREET})")

    b.write(f"{typo_folder}/personal.yaml.bak", family_personal(network=False))
    b.write(f"{typo_folder}/notes.txt", f"Gesprek met {MOTHER.upper()}, tel {PHONE_SPELLINGS[0]}\nZoon {SON} zit op school in Purmerend.\n")
    b.commit(f"Notities {unicodedata.normalize('NFD', MOTHER)}")

    case_folder = f"cases/2024/{EXPIRED}"
    b.run("mv", typo_folder, case_folder)
    b.write(f"{case_folder}/case.yaml", dump(registered(EXPIRED)))
    b.commit(f"Fix the id typo: {TYPO} is {EXPIRED}")

    b.run("rm", "-q", f"{case_folder}/personal.yaml.bak", f"{case_folder}/notes.txt")
    b.commit(f"Opruimen na gesprek met mevrouw {SURNAME}")

    b.write(f"{case_folder}/personal.yaml", not_yaml_personal())
    b.commit("wip", "--no-verify")
    blobs["not_yaml"] = out(root, "rev-parse", f"HEAD:{case_folder}/personal.yaml")

    b.write(f"{case_folder}/personal.yaml", family_personal(network=True))
    b.commit(f"Netwerk aangevuld\n\nGesprek gevoerd met de moeder, Anaïs\n{SURNAME}, over opa; bellen op {PHONE_SPELLINGS[1]}.")
    blobs["final"] = out(root, "rev-parse", f"HEAD:{case_folder}/personal.yaml")
    git(root, "tag", "personal-backup", blobs["final"])
    git(root, "tag", "case-folder", out(root, "rev-parse", f"HEAD:{case_folder}"))

    orphan_folder = f"cases/2024/{ORPHAN}"
    b.write(f"{orphan_folder}/case.yaml", dump(closed_on(ORPHAN, "2024-05-15")))
    b.write(f"{orphan_folder}/personal.yaml", grandfather_personal())
    b.commit(f"Dossier opa Gerolf (familie Anais {SURNAME})")
    blobs["orphan"] = out(root, "rev-parse", f"HEAD:{orphan_folder}/personal.yaml")
    git(root, "branch", f"zaak-{SURNAME.lower()}")
    git(root, "config", f"branch.zaak-{SURNAME.lower()}.description", f"Dossier {MOTHER}, {PHONE_SPELLINGS[2]}")

    b.run("rm", "-q", "-r", orphan_folder)
    b.commit("Remove a duplicate case", env=b.clock.at("2024-07-01T10:00:00+02:00"))

    broken_folder = f"cases/2024/{BROKEN}"
    b.write(f"{broken_folder}/case.yaml", dump(closed_on(BROKEN, "2024-05-31")))
    b.write(f"{broken_folder}/personal.yaml", dump({"main_persons": [{"name": BROKEN_NAME, "role": "parent"}]}))
    b.commit(f"Register {BROKEN}")

    closed = dump(closed_on(EXPIRED, "2024-06-30"))
    closed = closed.replace("outcome: plan\n", f"outcome: plan  # moeder {MOTHER} wil geen post\n", 1)
    assert MOTHER in closed
    b.write(f"{case_folder}/case.yaml", closed)
    b.commit(f"Close {EXPIRED}, {STREET.upper()}")
    git(root, "tag", "-a", "v2024-h1", "-m", f"Halfjaar, incl. het dossier van {MOTHER}")

    # names joined by `_` or digits, as ref, file and user names are (found by the red team)
    git(root, "branch", f"dossier_{SURNAME}")
    b.write(f"docs/{SURNAME.upper()}_Teun2024.txt", "brief aan de school\n")
    b.commit("brief")
    b.run("rm", "-q", f"docs/{SURNAME.upper()}_Teun2024.txt")
    b.commit("brief weg")

    b.write(f"cases/2024/{OPEN}/case.yaml", dump(registered_case(OPEN, date="2024-09-02")))
    b.write(f"cases/2024/{OPEN}/personal.yaml", open_personal())
    b.commit(f"Register {OPEN}")

    broken = (root / broken_folder / "case.yaml").read_text()
    b.write(f"{broken_folder}/case.yaml", broken.replace("outcome: plan", "outcome: [plan", 1))
    b.commit(f"Edit {BROKEN}", "--no-verify")

    b.run("push", "-q", "origin", "--all")
    b.run("push", "-q", "origin", "--tags")
    _colleague(base, server)

    b.write("coordinators.yaml", dump({"coordinators": [coordinator(), coordinator("C-0043", name="Eva Smit", email="e.smit@example.org")]}))
    b.commit("Add coordinator C-0043")
    b.run("push", "-q", "origin", "main")
    b.run("fetch", "-q", "origin")

    return Office(
        root=root,
        server=server,
        today=TODAY,
        family=family_strings(),
        open_case=open_strings(),
        paths={
            "intake": intake,
            "typo": f"{typo_folder}/personal.yaml",
            "expired": f"{case_folder}/personal.yaml",
            "bak": f"{case_folder}/personal.yaml.bak",
            "notes": f"{case_folder}/notes.txt",
            "orphan": f"{orphan_folder}/personal.yaml",
            "open": f"cases/2024/{OPEN}/personal.yaml",
            "open_case": f"cases/2024/{OPEN}/case.yaml",
            "broken": f"{broken_folder}/case.yaml",
        },
        blobs=blobs,
    )


def _colleague(base: Path, server: Path) -> None:
    """A colleague's clone pushes a note and a backup of main the office never fetches."""
    colleague = base / "colleague"
    git(base, "clone", "-q", server.resolve().as_uri(), str(colleague))
    env = {**os.environ, "GIT_AUTHOR_NAME": "Collega", "GIT_AUTHOR_EMAIL": "collega@example.org",
           "GIT_COMMITTER_NAME": "Collega", "GIT_COMMITTER_EMAIL": "collega@example.org",
           "GIT_AUTHOR_DATE": "2024-09-20T10:00:00+02:00", "GIT_COMMITTER_DATE": "2024-09-20T10:00:00+02:00"}
    git(colleague, "notes", "add", "-m", f"Teruggebeld: {PHONE_SPELLINGS[1]} (Anais)", "HEAD", env=env)
    git(colleague, "push", "-q", "origin", "refs/notes/commits", env=env)
    git(colleague, "push", "-q", "origin", "HEAD:refs/backup/main", env=env)
    shutil.rmtree(colleague)


_BUILT: dict[str, Office] = {}


def fresh(target: Path, cache: Path) -> Office:
    """A copy of the office (built once per test session): office clone and server both."""
    if "office" not in _BUILT or not _BUILT["office"].root.exists():
        _BUILT["office"] = build(cache / "office-build")
    built = _BUILT["office"]
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(built.root, target / "office", symlinks=True)
    shutil.copytree(built.server, target / "server.git", symlinks=True)
    root, server = target / "office", target / "server.git"
    git(root, "remote", "set-url", "origin", server.resolve().as_uri())
    return Office(
        root=root, server=server, today=built.today, family=built.family, open_case=built.open_case,
        paths=dict(built.paths), blobs=dict(built.blobs),
    )
