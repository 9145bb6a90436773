"""Writers for findings: text for people and editors, JSON for scripts, GitHub annotations."""

from __future__ import annotations

import json
import os
import sys
import unicodedata

from ekc.core.findings import Finding, Report


def printable(value: str, keep: str = "") -> str:
    """Control characters written out (`\\n`, `\\x1b`): a key or name in a data file can hold
    them (YAML's "\\n" escapes), and printed raw they would forge a second finding line or
    send escape sequences to the terminal."""
    return "".join(
        ch if ch in keep or not (unicodedata.category(ch) == "Cc" or ch in "\u2028\u2029") else ch.encode("unicode_escape").decode("ascii")
        for ch in value
    )


def location(finding: Finding) -> str:
    return f"{printable(finding.path)}:{finding.line}:{finding.column}"


def text_line(finding: Finding) -> str:
    """`path:line:column: error|warning: message [code]`, one a line: editors and CI jump there."""
    return f"{location(finding)}: {finding.severity}: {printable(finding.message)} [{finding.code}]"


def _escape_data(value: str) -> str:
    return printable(value, keep="\r\n").replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github_line(finding: Finding) -> str:
    command = "error" if finding.is_error else "warning"
    properties = ",".join(
        f"{key}={_escape_property(str(value))}"
        for key, value in (("file", finding.path), ("line", finding.line), ("col", finding.column), ("title", f"ekc {finding.code}"))
    )
    return f"::{command} {properties}::{_escape_data(finding.message)}"


def finding_json(finding: Finding) -> dict:
    return {
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "severity": finding.severity,
        "code": finding.code,
        "message": finding.message,
    }


def summary(report: Report) -> str:
    errors, warnings = len(report.errors), len(report.warnings)
    return f"{report.files_checked} files checked: {errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


def report_json(report: Report, strict: bool) -> str:
    return json.dumps(
        {
            "ok": report.exit_code(strict) == 0,
            "files_checked": report.files_checked,
            "errors": len(report.errors),
            "warnings": len(report.warnings),
            "findings": [finding_json(f) for f in report.findings],
        },
        indent=2,
        ensure_ascii=False,
    )


def use_colour(stream=None) -> bool:
    stream = stream or sys.stdout
    return "NO_COLOR" not in os.environ and hasattr(stream, "isatty") and stream.isatty()
