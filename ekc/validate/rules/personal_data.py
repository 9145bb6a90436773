"""Nothing in case.yaml may look like it identifies a person.

This runs on the raw document, before the model: an e-mail address under an unknown key
is still an e-mail address in a file that survives every purge.
"""

import re
from typing import Any

from ekc.core.findings import Finding, Loc, error

# Every repeat is bounded, so each start position costs a fixed amount of work and a
# search is linear in the value's length (tests/test_hostile_input.py checks the patterns;
# bench/hostile_bench.py measures a 50 MB value). An unbounded `+` here once made a 250 KB
# value take four minutes.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("a phone number", re.compile(r"(?:\+|00)\d[\d ()-]{7,20}\d|\b0\d{1,3}[ -]?\d{6,8}\b|\b06[ -]?\d{8}\b")),
    ("a Dutch postcode", re.compile(r"\b[1-9]\d{3} ?[A-Z]{2}\b")),
    ("a BSN (citizen service number)", re.compile(r"(?<![\d-])\d{9}(?![\d-])")),
)

# An e-mail address is looked for only around an `@`: one character of the name before it,
# then a domain of at most 253 characters with a dot and a top-level name after it.
_LOCAL_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-")
_DOMAIN = re.compile(r"[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}")
_DOMAIN_WINDOW = 260
_MOST_AT_SIGNS = 10_000  # past this many, the value is not prose; one is enough to report


def _has_email(value: str) -> bool:
    """Is there `x@domain.tld` in `value`? Linear: a bounded check at each `@`."""
    start = value.find("@")
    checked = 0
    while start >= 0 and checked < _MOST_AT_SIGNS:
        if start > 0 and value[start - 1] in _LOCAL_CHARACTERS and _DOMAIN.match(value, start + 1, start + 1 + _DOMAIN_WINDOW):
            return True
        checked += 1
        start = value.find("@", start + 1)
    return False


def looks_personal(value: str) -> str | None:
    if "@" in value and _has_email(value):
        return "an e-mail address"
    for label, pattern in _PATTERNS:
        if pattern.search(value):
            return label
    return None


# What can make a key or scalar read differently from its bytes: escapes, other number
# bases, digit separators, sexagesimal numbers, explicit tags, UTF-16/32.
_UNSURE = re.compile(rb"\\|0[xXoObB][0-9a-fA-F]|\d_\d|\d:\d|!!|\x00")
_ANY = re.compile("|".join(f"(?:{pattern.pattern})" for _, pattern in _PATTERNS))  # one pass for the pre-filter
_LINE_FOLD = re.compile(r"[ \t]*\r?\n[ \t]*")


def may_look_personal(raw: bytes) -> bool:
    """False only when no key or scalar of the document can look personal, judged on the
    bytes alone (no parse): every key and scalar is then a piece of the text, with line
    breaks folded to a space, so a pattern that finds nothing in the text finds nothing in
    any of them. True means "parse and look" (a comment alone may match)."""
    if b"@" in raw or _UNSURE.search(raw):  # an e-mail address needs an `@`: any `@` is looked at
        return True
    return _ANY.search(_LINE_FOLD.sub(" ", raw.decode("utf-8", "replace"))) is not None


def _scalars(data: Any, loc: Loc = ()):
    """Every key and scalar with its loc, in document order.

    A loop, not recursion: the C loader builds a 5000-deep `[[[...]]]` without complaint,
    and recursing through it would end in a traceback.
    """
    stack: list[tuple[Loc, Any, bool]] = [(loc, data, False)]  # (loc, value, value is a key)
    while stack:
        here, value, is_key = stack.pop()
        if is_key:
            yield here, value
        elif isinstance(value, dict):
            items = []
            for key, child in value.items():
                items += [(here + (str(key),), str(key), True), (here + (str(key),), child, False)]
            stack.extend(reversed(items))
        elif isinstance(value, list):
            stack.extend(reversed([(here + (i,), child, False) for i, child in enumerate(value)]))
        elif isinstance(value, (str, int)) and not isinstance(value, bool):
            yield here, str(value)


def check_no_personal_data(path: str, data: Any) -> list[Finding]:
    found = []
    for loc, text in _scalars(data):
        label = looks_personal(text)
        if label:
            found.append(error(path, "personal-data", f"this looks like {label}; personal data belongs in personal.yaml, never in case.yaml", loc))
    return found
