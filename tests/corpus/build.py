"""Write the corpus of bad stores: `python -m tests.corpus.build` (from the repository root).

Each entry is one defect on top of the valid store of tests/rulecheck.py (`valid_store`):
`tests/corpus/<name>/files/<path>` replaces or adds that file (`remove` lists a file
taken away), `expected` says where
`ekc validate` must report it, as `path:line`. The line is the line this script broke,
not what ekc said, so the corpus checks the locator as well as the rules.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
K = "cases/2024/EKC-2024-K7Q2M/case.yaml"
A = "cases/2024/EKC-2024-AB12C/case.yaml"
P = "cases/2024/EKC-2024-K7Q2M/personal.yaml"
C = "coordinators.yaml"
M = "municipalities.yaml"


def base() -> dict[str, bytes]:
    from tests.rulecheck import valid_store

    with tempfile.TemporaryDirectory() as folder:
        root = valid_store(Path(folder) / "data").write()
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def replace(n: int, new: str):
    def edit(raw: bytes) -> bytes:
        lines = raw.decode().split("\n")
        lines[n - 1] = new
        return "\n".join(lines).encode()
    return edit


def replace_bytes(n: int, new: bytes):
    def edit(raw: bytes) -> bytes:
        lines = raw.split(b"\n")
        lines[n - 1] = new
        return b"\n".join(lines)
    return edit


def insert(before: int, new: str):
    def edit(raw: bytes) -> bytes:
        lines = raw.decode().split("\n")
        lines[before - 1:before - 1] = new.split("\n")
        return "\n".join(lines).encode()
    return edit


def append(new: str):
    return lambda raw: raw + new.encode()


def whole(new: bytes):
    return lambda raw: new


# name: (path, line reported, edit of that file's bytes)
DEFECTS = {
    "variant-misspelt": (A, 2, replace(2, "variant: famly")),
    "municipality-form": (A, 3, replace(3, "municipality: GM439")),
    "municipality-unknown": (A, 3, replace(3, "municipality: GM9999")),
    "referrer-unknown": (A, 4, replace(4, "referrer: neighbour")),
    "boolean-quoted": (A, 5, replace(5, "minors_involved: 'yes'")),
    "professional-help-unknown": (A, 7, replace(7, "professional_help: forever")),
    "reason-misspelt": (A, 9, replace(9, "- parentin")),
    "date-not-real": (A, 12, replace(12, "  date: 2024-02-30")),
    "phase-misspelt": (A, 11, replace(11, "- phase: registred")),
    "unknown-key": (A, 13, append("note: hello\n")),
    "email-in-case": (A, 13, append("remark: mail j.jansen@example.org\n")),
    "phone-in-case": (A, 13, append("remark: bel 06-12345678\n")),
    "postcode-in-case": (A, 13, append("remark: woont in 1441 AB\n")),
    "id-form": (A, 1, replace(1, "id: EKC-2024-AB12")),
    "id-year-not-folder": (A, 1, replace(1, "id: EKC-2023-AB12C")),
    "duplicate-key": (A, 3, insert(3, "variant: group")),
    "tab-indent": (A, 12, replace(12, "\tdate: 2024-09-02")),
    "conflict-marker": (A, 4, insert(4, "<<<<<<< HEAD")),
    "anchor": (A, 2, replace(2, "variant: &v family")),
    "python-tag": (A, 2, replace(2, "variant: !!python/object:os.system family")),
    "control-character": (A, 2, replace(2, "variant: fam\x07ily")),
    "not-utf8": (A, 4, replace_bytes(4, b"referrer: s\xe9lf")),
    "line-separator": (A, 2, replace(2, "variant: fam\u2028ily")),
    "zero-width-space": (A, 2, replace(2, "variant: fami\u200bly")),
    "cyrillic-look-alike": (A, 2, replace(2, "variant: f\u0430mily")),
    "null-key": (A, 13, append("? null\n: 1\n")),
    "date-key": (A, 13, append("2024-01-01: x\n")),
    "number-key": (A, 13, append("3: x\n")),
    "second-document": (A, 13, append("---\nid: x\n")),
    "empty-file": (A, 1, whole(b"# nothing here\n")),
    "list-not-mapping": (A, 1, whole(b"- id: EKC-2024-AB12C\n")),
    "nesting-too-deep": (A, 13, append("x: " + "[" * 200 + "\n")),
    "coordinator-unknown": (A, 10, insert(10, "coordinator: C-9999")),
    "coordinator-form": (A, 10, insert(10, "coordinator: C-42")),
    "outcome-on-open-case": (A, 13, append("outcome: plan\n")),
    "year-10000-date": (A, 12, replace(12, "  date: 9999-01-01")),
    "outcome-unknown": (K, 24, replace(24, "outcome: maybe")),
    "hours-over-a-day": (K, 30, replace(30, "  hours_total: 25")),
    "hours-infinite": (K, 30, replace(30, "  hours_total: .inf")),
    "attendees-negative": (K, 35, replace(35, "    family: -1")),
    "attendees-unbounded": (K, 35, replace(35, "    family: 10000000")),
    "venue-unknown": (K, 28, replace(28, "  venue: castle")),
    "grade-eleven": (K, 50, replace(50, "  - meeting: 11")),
    "count-as-text": (K, 46, replace(46, "    minors: one")),
    "good-decision-unknown": (K, 63, replace(63, "    good_decision: maybe")),
    "plan-made-quoted": (K, 39, replace(39, "    made: 'yes'")),
    "meeting-date-not-real": (K, 26, replace(26, "- date: 2024-02-30")),
    "birth-date-not-real": (P, 3, replace(3, "  birth_date: 2012-13-01")),
    "role-unknown": (P, 4, replace(4, "  role: uncle")),
    "email-form": (P, 7, replace(7, "email: not-an-email")),
    "phone-form": (P, 6, replace(6, "phone: call me")),
    "gender-preference-unknown": (P, 17, replace(17, "  coordinator_gender: robot")),
    "age-preference-too-young": (P, 23, replace(23, "    min: 10")),
    "exclusion-form": (P, 25, replace(25, "exclude_coordinators: [C-42]")),
    "personal-unknown-key": (P, 27, append("shoe_size: 42\n")),
    "birth-year-too-early": (C, 7, replace(7, "  birth_year: 1800")),
    "language-upper-case": (C, 9, replace(9, "  - NL")),
    "coordinator-gender-unknown": (C, 6, replace(6, "  gender: robot")),
    "training-date-not-real": (C, 16, replace(16, "    ek1: 2019-02-30")),
    "agreement-year-unbounded": (C, 19, replace(19, "  - 90000")),
    "max-cases-negative": (C, 21, replace(21, "  max_cases: -1")),
    "unavailable-not-real": (C, 23, replace(23, "  - from: 2024-08-40")),
    "coordinator-id-form": (C, 2, replace(2, "- id: C-42")),
    "coordinator-email-form": (C, 4, replace(4, "  email: fatima")),
    "conferences-negative": (M, 15, replace(15, "    conferences: -1")),
    "budget-infinite": (M, 16, replace(16, "    budget_eur: .inf")),
    "tariff-nan": (M, 18, replace(18, "      informative_talk: .nan")),
    "tariff-negative": (M, 19, replace(19, "      connect_activate: -450")),
    "municipality-code-form": (M, 7, replace(7, "- code: GM43")),
    "province-unknown": (M, 9, replace(9, "  province: Atlantis")),
    "contract-start-not-real": (M, 13, replace(13, "    start: 2024-13-01")),
    "tariff-phase-unknown": (M, 22, insert(22, "      registered: 10")),
    "region-unknown": (M, 10, replace(10, "  region: nowhere")),
    "retention-too-long": ("ekc.yaml", 1, whole(b"retention_months: 500\n")),
    "weight-infinite": ("ekc.yaml", 2, whole(b"match_weights:\n  gender: .inf\n")),
    "within-days-negative": ("ekc.yaml", 1, whole(b"appointment_within_days: -1\n")),
    "stray-file": ("cases/2024/EKC-2024-AB12C/notes.txt", 1, whole(b"notes\n")),
    "coordinators-missing": (C, 1, None),
    "orphan-personal": ("cases/2024/EKC-2024-ZZZZZ/personal.yaml", 1, whole(b"notes: x\n")),
}


def build() -> None:
    files = base()
    for old in HERE.iterdir():
        if old.is_dir() and not old.name.startswith("__"):
            shutil.rmtree(old)
    for name, (path, line, edit) in DEFECTS.items():
        entry = HERE / name
        entry.mkdir()
        if edit is None:  # the defect is the file's absence
            (entry / "remove").write_text(path + "\n")
        else:
            target = entry / "files" / path
            target.parent.mkdir(parents=True)
            target.write_bytes(edit(files.get(path, b"")))
        (entry / "expected").write_text(f"{path}:{line}\n")


if __name__ == "__main__":
    build()
