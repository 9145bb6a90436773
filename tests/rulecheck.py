"""Helpers for rule tests: a store that is valid on TODAY, and ways to ask where a finding is.

Each rule test starts from `valid_store`, breaks exactly one thing and asserts the one
finding that follows: its code, severity, path, line and column.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ekc.core.findings import Finding
from tests.support.store import StoreBuilder, case_folder, closed_case, personal_doc, registered_case

# On this day the valid store has no findings at all: the closed case's purge falls due on
# 2024-09-30 and the open case turns stale on 2025-03-02.
TODAY = date(2024, 9, 15)
CLOSED_ID = "EKC-2024-K7Q2M"
OPEN_ID = "EKC-2024-AB12C"
CLOSED_PATH = f"cases/2024/{CLOSED_ID}/case.yaml"
CLOSED_PERSONAL = f"cases/2024/{CLOSED_ID}/personal.yaml"
OPEN_PATH = f"cases/2024/{OPEN_ID}/case.yaml"


def valid_store(root: Path, closed: dict | None = None, open_case: dict | None = None) -> StoreBuilder:
    """One closed case with personal data, one freshly registered case."""
    builder = StoreBuilder(root)
    builder.with_case(closed if closed is not None else closed_case(), personal_doc())
    builder.with_case(open_case if open_case is not None else registered_case())
    return builder


def findings_of(root: Path, today: date = TODAY) -> list[Finding]:
    from ekc.validate.pipeline import validate

    return validate(root, today, use_cache=False).findings


def the_one(findings: list[Finding]) -> Finding:
    assert len(findings) == 1, "expected exactly one finding, got:\n" + "\n".join(map(str, findings))
    return findings[0]


def line_of(root: Path, path: str, needle: str, occurrence: int = 1) -> int:
    """1-based number of the line holding `needle` (its n-th occurrence) in a written file."""
    seen = 0
    for number, line in enumerate((root / path).read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not found {occurrence} time(s) in {path}")


def column_of(root: Path, path: str, needle: str, occurrence: int = 1) -> int:
    line = (root / path).read_text(encoding="utf-8").splitlines()[line_of(root, path, needle, occurrence) - 1]
    return line.index(needle) + 1


def position_of(root: Path, path: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    return line_of(root, path, needle, occurrence), column_of(root, path, needle, occurrence)


def at(root: Path, path: str, line_needle: str, value: str | None = None, occurrence: int = 1) -> tuple[int, int]:
    """Line of `line_needle` and the column where `value` (default: the needle) starts on it."""
    number = line_of(root, path, line_needle, occurrence)
    line = (root / path).read_text(encoding="utf-8").splitlines()[number - 1]
    start = line.index(line_needle)
    return number, line.index(value if value is not None else line_needle, start) + 1


def where(finding: Finding) -> tuple[str, str, str, int, int]:
    return finding.code, finding.severity, finding.path, finding.line, finding.column


def edit(root: Path, path: str, old: str, new: str) -> None:
    """Change one piece of a written file, the way a person would in an editor."""
    file = root / path
    text = file.read_text(encoding="utf-8")
    assert text.count(old) >= 1, f"{old!r} not in {path}"
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


__all__ = [
    "TODAY", "CLOSED_ID", "OPEN_ID", "CLOSED_PATH", "CLOSED_PERSONAL", "OPEN_PATH",
    "valid_store", "findings_of", "the_one", "line_of", "column_of", "position_of", "at", "where", "edit",
    "case_folder",
]
