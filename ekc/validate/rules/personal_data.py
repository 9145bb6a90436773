"""Nothing in case.yaml may look like it identifies a person.

This runs on the raw document, before the model: an e-mail address under an unknown key
is still an e-mail address in a file that survives every purge.
"""

import re
from bisect import bisect_right
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
_UNSURE = re.compile(rb"\\|0[xXoObB][0-9a-fA-F]|\d_\d|\d:\d|!!")  # and a NUL: UTF-16/32

# The pre-filter: any match of any of _PATTERNS, in one pass. Not their plain alternation
# (`|`.join of the three): the same matches, but every branch starts by
# consuming one character of [+0-9] and checks what came before with a look-behind (`\b0`
# becomes `0(?<!\w0)`), so the regex engine skips straight to the next `+` or digit instead
# of trying five branches at every character (3x faster on case.yaml text).
# tests/test_history_check.py checks it against the plain alternation on generated text.
_ANY_FAST = re.compile(r"[+\d](?:" + "|".join([
    r"(?<=\+)\d[\d ()-]{7,20}\d",  # a phone number: +31 ...
    r"(?<=0)0\d[\d ()-]{7,20}\d",  # ... or 0031 ...
    r"(?<=0)(?<!\w0)\d{1,3}[ -]?\d{6,8}\b",  # \b0\d{1,3}[ -]?\d{6,8}\b
    r"(?<=0)(?<!\w0)6[ -]?\d{8}\b",  # \b06[ -]?\d{8}\b
    r"(?<=[1-9])(?<!\w[1-9])\d{3} ?[A-Z]{2}\b",  # a postcode: \b[1-9]\d{3} ?[A-Z]{2}\b
    r"(?<=\d)(?<![\d-]\d)\d{8}(?![\d-])",  # a BSN: (?<![\d-])\d{9}(?![\d-])
]) + ")")
_APART = b"\x00"  # joins documents: in no pattern's characters, and a non-word, non-digit like a text's end


def may_look_personal(raw: bytes) -> bool:
    """False only when no key or scalar of the document can look personal, judged on the
    bytes alone (no parse): every key and scalar is then a piece of the text, with line
    breaks folded to a space, so a pattern that finds nothing in the text finds nothing in
    any of them. True means "parse and look" (a comment alone may match)."""
    return may_look_personal_each([raw])[0]


def may_look_personal_each(raws: list[bytes]) -> list[bool]:
    """`may_look_personal` of each document, with one pass of each regex over all of them
    (the gate judges a thousand case.yaml versions a push; a search a document cost more
    than the git work).

    Any `@`, and whatever can make a key or scalar read differently from its bytes
    (_UNSURE: escapes, other bases, tags, a NUL), sends a document to the full parse. The
    others are joined by a NUL, which no pattern can match and which `\\b` and the
    look-arounds see as they see a text's start or end, so every match lies inside one
    document, and a document is marked when a match starts in it. Line breaks are folded
    to a space, with the spaces and tabs around them, as `[ \\t]*\\r?\\n[ \\t]*` would.
    """
    unsure = [b"@" in raw or _APART in raw for raw in raws]
    joined = _APART.join(raws)
    starts, position = [], 0  # where each document begins in `joined`
    for raw in raws:
        starts.append(position)
        position += len(raw) + 1
    _mark_matched(_UNSURE, joined, starts, list(range(len(raws))), unsure)
    rest = [n for n, flag in enumerate(unsure) if not flag]
    if not rest:
        return unsure
    text = _fold(_APART.join(raws[n] for n in rest) if len(rest) < len(raws) else joined).decode("utf-8", "replace")
    starts, position = [0], text.find("\x00")
    while position >= 0:
        starts.append(position + 1)
        position = text.find("\x00", position + 1)
    _mark_matched(_ANY_FAST, text, starts, rest, unsure)
    return unsure


def _mark_matched(pattern: re.Pattern, text, starts: list[int], which: list[int], marked: list[bool]) -> None:
    """Mark each document of `text` (the n-th begins at starts[n] and is document
    which[n]) in which `pattern` matches. After a match the search goes on at the next
    document: a document of a million backslashes or numbers costs one search, not a
    million matches."""
    position = 0
    while (match := pattern.search(text, position)) is not None:
        n = bisect_right(starts, match.start()) - 1
        marked[which[n]] = True
        if n + 1 >= len(starts):
            return
        position = starts[n + 1]


def _fold(raw: bytes) -> bytes:
    """`re.sub(rb"[ \\t]*\\r?\\n[ \\t]*", b" ", raw)` without a regex: a line's leading spaces and tabs go when a
    line break comes before it, its trailing `[ \\t]*\\r?` when one comes after it."""
    lines = raw.split(b"\n")
    if len(lines) == 1:
        return raw
    last = len(lines) - 1
    for n, line in enumerate(lines):
        if n:
            line = line.lstrip(b" \t")
        if n < last:
            if line.endswith(b"\r"):
                line = line[:-1]
            line = line.rstrip(b" \t")
        lines[n] = line
    return b" ".join(lines)


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
