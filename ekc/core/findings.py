"""Findings are values: collected from every file in one run, never raised.

A rule knows *where in the document* a problem is (a `loc` path of keys and indexes); the
store turns that into a line and column only for the files that have findings, so files
that pass cost one fast parse and nothing more.
"""

from dataclasses import dataclass, field, replace
from typing import Literal

Severity = Literal["error", "warning"]
Loc = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Finding:
    path: str  # relative to the data repository, with forward slashes
    severity: Severity
    code: str
    message: str
    loc: Loc = ()
    line: int = 0  # 1-based; 0 until located
    column: int = 0

    def located(self, line: int, column: int) -> "Finding":
        return replace(self, line=line, column=column)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.code, self.message)


def error(path: str, code: str, message: str, loc: Loc = ()) -> Finding:
    return Finding(path, "error", code, message, tuple(loc))


def warning(path: str, code: str, message: str, loc: Loc = ()) -> Finding:
    return Finding(path, "warning", code, message, tuple(loc))


@dataclass
class Report:
    """All findings of one validation run."""

    findings: list[Finding] = field(default_factory=list)
    files_checked: int = 0

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.is_error]

    def exit_code(self, strict: bool = False) -> int:
        if self.errors or (strict and self.warnings):
            return 1
        return 0
