"""Which cases' personal data must go today, and which strings must leave the commit messages.

Pure: no git, no files. The shell (ekc/purge/rewrite.py) reads history and hands the personal
documents it found to these functions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from ekc.core.identifying import of_personal_document
from ekc.core.ids import is_case_id
from ekc.model.datastore import DataStore
from ekc.purge.retention import purge_due_on

REDACTED = "[redacted]"


@dataclass(frozen=True)
class ExpiredCase:
    case_id: str
    closed: date
    due: date


def expired_cases(store: DataStore, today: date) -> list[ExpiredCase]:
    """Every closed case past retention, whether or not its personal.yaml still exists.

    A case whose file is already gone is still listed: a stale clone may have brought an
    old version back into history, and that version must go too.
    """
    months = store.settings.retention_months
    found = []
    for case_id, case_file in sorted(store.cases.items()):
        due = purge_due_on(case_file.case, months)
        if due is not None and today >= due:
            found.append(ExpiredCase(case_id, case_file.case.closed_on, due))
    return found


def case_id_of(path: str) -> str | None:
    """The case a personal.yaml path belongs to: its folder is named after the case.

    Any folder, not only cases/<YYYY>/: a case folder filed under the wrong year and moved
    later keeps its name, so every path it ever had is found.
    """
    parts = path.split("/")
    if len(parts) < 2 or parts[-1] != "personal.yaml":
        return None
    return parts[-2] if is_case_id(parts[-2]) else None


def identifying_strings(document: Any) -> set[str]:
    """Names, e-mail addresses, phone numbers and the address in one personal.yaml document
    (gathered by `ekc.core.identifying`, the one owner of that rule)."""
    return of_personal_document(document).values


_EMAIL_IN_TEXT = re.compile(r"[^@\s:'\"\[\]{},]+@[^@\s'\"\[\]{},]+\.[A-Za-z]{2,}")
_PHONE_IN_TEXT = re.compile(r"\+?[0-9][0-9 ()-]{7,20}[0-9]")


def strings_in_unreadable(text: str) -> set[str]:
    """E-mail addresses and phone numbers in a version that is not even valid YAML.

    Names cannot be told from other words without the structure; such a version is rare
    (validation refuses it on commit) and its addresses and numbers are still caught.
    """
    return set(_EMAIL_IN_TEXT.findall(text)) | {m.strip() for m in _PHONE_IN_TEXT.findall(text)}


def _is_phone(text: str) -> bool:
    return bool(re.fullmatch(r"\+?[0-9][0-9 ()./-]{5,24}", text))


SEPARATOR = r"[\s().-]*"
DUTCH_PREFIX = rf"(?:(?:\+|00)31{SEPARATOR}(?:\(?0\)?{SEPARATOR})?|0{SEPARATOR})?"


def _phone_digits(phone: str) -> tuple[bool, str]:
    """(Dutch?, the digits after the country code or trunk 0)."""
    digits = re.sub(r"\D", "", phone)
    stripped = phone.strip()
    if stripped.startswith("+31"):
        return True, digits[2:]
    if digits.startswith("0031"):
        return True, digits[4:]
    if digits.startswith("0") and len(digits) == 10:
        return True, digits[1:]
    return False, digits


def _letter(char: str) -> str:
    """One character in either case: git-filter-repo matches bytes, where (?i) knows ASCII only."""
    if char.isspace():
        return r"\s+"
    if char.lower() == char.upper():
        return re.escape(char)
    if char.isascii():
        return f"[{char.lower()}{char.upper()}]"
    return "(?:" + "|".join(re.escape(v) for v in dict.fromkeys((char, char.lower(), char.upper()))) + ")"


class _Trie:
    """Alternatives sharing a prefix share one branch: a regex engine then tries a handful of
    branches at each position instead of one per string (hundreds, in a monthly purge)."""

    def __init__(self) -> None:
        self.children: dict[str, _Trie] = {}
        self.end = False

    def add(self, tokens: list[str]) -> None:
        node = self
        for token in tokens:
            node = node.children.setdefault(token, _Trie())
        node.end = True

    def regex(self) -> str:
        branches = [token + child.regex() for token, child in self.children.items()]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if self.end:  # greedy: the longer string is tried first, the shorter on backtracking
            return f"(?:{body})?"
        return body


def redaction_patterns(strings: Iterable[str]) -> list[str]:
    """The regular expression that redacts these strings from messages (a list of at most one).

    Phone numbers match in any of their usual spellings (+31 6 1234 5678, 0612345678,
    06-12345678); names and e-mail addresses in any case and spacing, only as whole words, so
    a name that is also part of a longer word does not wreck a message. Where one string
    extends another (`Joop` and `Joop de Vries`), the longer one wins.
    """
    words, dutch, foreign, loose = _Trie(), _Trie(), _Trie(), []
    empty = True
    for text in sorted({s.strip() for s in strings if s and s.strip()}):
        digits = re.sub(r"\D", "", text)
        if _is_phone(text) and len(digits) >= 6:
            is_dutch, national = _phone_digits(text)
            tokens = [national[0]] + [SEPARATOR + d for d in national[1:]]
            (dutch if is_dutch else foreign).add(tokens)
        elif len(text) >= 3:
            tokens = [_letter(c) for c in " ".join(text.split())]
            if re.match(r"\w", text) and re.search(r"\w$", text):
                words.add(tokens)
            else:
                loose.append("".join(tokens))
        else:
            continue
        empty = False
    if empty:
        return []
    parts = []
    if words.children:
        parts.append(rf"(?<![\w@.-]){words.regex()}(?![\w@-])")
    if dutch.children:
        parts.append(rf"(?<![0-9]){DUTCH_PREFIX}{dutch.regex()}(?![0-9])")
    if foreign.children:
        parts.append(rf"(?<![0-9])(?:\+|00)?{foreign.regex()}(?![0-9])")
    parts += sorted(loose, key=len, reverse=True)
    return ["|".join(parts)]


def combined(patterns: list[str]) -> str:
    return "|".join(f"(?:{p})" for p in patterns) if len(patterns) > 1 else (patterns[0] if patterns else "")


def compiled(patterns: list[str]) -> list[re.Pattern[bytes]]:
    """Bytes patterns, exactly as git-filter-repo compiles the line of --replace-message.

    Scanning with these (not with str patterns, whose \\w knows more letters) is what lets
    the shell predict which commits the rewrite will change.
    """
    return [re.compile(combined(patterns).encode("utf-8"))] if patterns else []


def redact(message: bytes, patterns: list[re.Pattern[bytes]]) -> bytes:
    """What the message will read after the purge: the rule git-filter-repo applies."""
    for pattern in patterns:
        message = pattern.sub(REDACTED.encode(), message)
    return message


def replace_message_file(patterns: list[str]) -> bytes:
    """The --replace-message file for git-filter-repo: one `regex:` line."""
    if not patterns:
        return b""
    line = combined(patterns)
    if "\n" in line or "\r" in line:
        raise ValueError("a redaction pattern spans lines")
    return f"regex:{line}==>{REDACTED}\n".encode("utf-8")


@dataclass(frozen=True)
class PurgeRecordDraft:
    case_id: str
    closed: date
    paths: tuple[str, ...]


def log_entries(drafts: Iterable[PurgeRecordDraft], today: date) -> list[dict[str, Any]]:
    """New `purge-log.yaml` entries: ids, dates and paths only (DATA-FORMAT.md).

    Each entry gets its own date objects: a YAML dumper writes one object met twice as an
    anchor and an alias, which data files refuse.
    """
    return [
        {"case": d.case_id, "closed": _copy(d.closed), "purged": _copy(today), "paths": sorted(d.paths)}
        for d in sorted(drafts, key=lambda d: d.case_id)
    ]


def _copy(day: date) -> date:
    return date(day.year, day.month, day.day)


def purge_commit_message(case_ids: list[str]) -> str:
    """Names case ids only: the message of the purge must not itself hold personal data."""
    ids = sorted(case_ids)
    noun = "case" if len(ids) == 1 else "cases"
    return f"Purge personal data of {len(ids)} {noun} past retention\n\n" + "\n".join(ids) + "\n"
