"""Pydantic's errors, retold as findings a regiomanager can act on."""

import unicodedata
from datetime import date

from pydantic import ValidationError

from ekc.core.findings import Finding, error

def odd_characters(text: str) -> str:
    """Name what cannot be seen or only looks like a plain letter: a tab, a zero-width
    space, a Cyrillic 'а' among Latin letters. Empty when there is nothing odd."""
    named: list[str] = []
    latin = any("a" <= c.lower() <= "z" for c in text)
    for character in dict.fromkeys(text):
        category = unicodedata.category(character)
        odd = character == "\t" or category in ("Cf", "Cc", "Zl", "Zp") or (category == "Zs" and character != " ")
        if not odd and latin and not character.isascii() and character.isalpha():
            name = unicodedata.name(character, "")
            odd = name.startswith(("CYRILLIC", "GREEK")) or "FULLWIDTH" in name
        if odd:
            name = "TAB" if character == "\t" else unicodedata.name(character, "an unnamed character")
            named.append(f"U+{ord(character):04X} {name}")
        if len(named) >= 3:
            break
    if not named:
        return ""
    return f" (it holds {', '.join(named)}, which {'looks' if len(named) == 1 else 'look'} like nothing or like a plain letter: retype it)"


def shown(value) -> str:
    """A value as a person wrote it in YAML, not as Python's repr."""
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        # unprintable characters are named by `odd_characters`; the output formats escape
        return f"'{value[:80]}{'...' if len(value) > 80 else ''}'"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _describe(err: dict) -> tuple[str, str]:
    kind = err["type"]
    loc = err["loc"]
    # the line and column already say which list item; the name says which field
    tail = loc[max((i for i, p in enumerate(loc) if isinstance(p, int)), default=-1) + 1 :]
    named = [p for p in loc if not isinstance(p, int)]
    field = ".".join(str(p) for p in tail) or (str(named[-1]) if named else "file")
    value = err.get("input")
    if kind == "extra_forbidden":
        key = loc[-1]
        if not isinstance(key, str):
            return "unknown-key", f"a key must be a word, not {shown(key)} (an empty key, a number or a date)"
        return "unknown-key", f"unknown key {shown(key)}{odd_characters(key)} (a typo? unknown keys are refused so that no data hides)"
    if kind == "invalid_key":
        return "unknown-key", f"a key must be a word, not {shown(value)} (an empty key, a number or a date)"
    if kind == "missing":
        return "missing", f"required field '{field}' is missing"
    if kind == "literal_error":
        odd = odd_characters(value) if isinstance(value, str) else ""
        return "value", f"{field}: {shown(value)}{odd} is not allowed; {err['msg'][0].lower()}{err['msg'][1:]}"
    if kind in {"date_type", "date_from_datetime_inexact", "date_parsing"}:
        return "date", f"{field}: {shown(value)} is not a date; write YYYY-MM-DD without quotes, like 2024-09-02"
    if kind == "string_pattern_mismatch":
        return "format", _wrong_form(field, value, err["ctx"]["pattern"])
    if kind.endswith("_type"):
        return "type", f"{field}: {err['msg'].lower()}, got {shown(value)}"
    if kind == "finite_number":
        return "value", f"{field}: {shown(value)} is not a number that can be counted with; write a plain amount, like 450"
    if kind == "value_error":
        return "value", f"{field}: {err['msg'].removeprefix('Value error, ')}"
    return "value", f"{field}: {err['msg']}"


_FORMS = {
    r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$": "a git object id, 40 or 64 characters 0-9 and a-f",
    r"^GM\d{4}$": "a CBS municipality code, GM and 4 digits (GM0439)",
    r"^C-\d{4}$": "a coordinator id, C- and 4 digits (C-0042)",
    r"^[a-z0-9]+(-[a-z0-9]+)*$": "a slug of lower-case letters, digits and hyphens (noord-holland-noord)",
    r"^[^@\s]+@[^@\s]+\.[^@\s]+$": "an e-mail address (name@example.org)",
    r"^\+?[0-9][0-9 ()-]{5,20}$": "a phone number (+31 6 12345678)",
}


def _wrong_form(field: str, value, pattern: str) -> str:
    """Say what would be right in words, not as a regular expression, and name any
    invisible or look-alike character that makes a right-looking value wrong."""
    odd = odd_characters(value) if isinstance(value, str) else ""
    if field == "languages" or pattern == r"^[a-z]{2,3}$":
        from ekc.core.dutch_input import language_suggestion

        hint = language_suggestion(str(value))
        return f"{field}: {shown(value)}{odd} is not an ISO 639 code" + (f"; did you mean {hint}?" if hint else " (like nl, ar, tr)")
    if "EKC-" in pattern:
        return f"{field}: {shown(value)}{odd} is not a case id (EKC-<YYYY>-<5 characters>, like EKC-2024-K7Q2M)"
    wanted = _FORMS.get(pattern, "in the form DATA-FORMAT.md describes for it")
    return f"{field}: {shown(value)}{odd} is not {wanted}"


def findings_from(path: str, exc: ValidationError, prefix: tuple = ()) -> list[Finding]:
    found = []
    for err in exc.errors(include_url=False):
        code, message = _describe(err)
        loc = prefix + tuple(err["loc"])
        # A missing field is reported at the mapping that should hold it.
        if err["type"] == "missing":
            loc = loc[:-1]
        # pydantic names a key that is not a string by its repr; locate it by the key itself
        if err["type"] == "invalid_key":
            key = err.get("input")
            loc = loc[:-1] + (key.isoformat() if isinstance(key, date) else key,)
        found.append(error(path, code, message, loc))
    return found
