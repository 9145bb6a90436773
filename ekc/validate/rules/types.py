"""Pydantic's errors, retold as findings a regiomanager can act on."""

from pydantic import ValidationError

from ekc.core.findings import Finding, error


def _describe(err: dict) -> tuple[str, str]:
    kind = err["type"]
    loc = err["loc"]
    # the line and column already say which list item; the name says which field
    tail = loc[max((i for i, p in enumerate(loc) if isinstance(p, int)), default=-1) + 1 :]
    named = [p for p in loc if not isinstance(p, int)]
    field = ".".join(str(p) for p in tail) or (str(named[-1]) if named else "file")
    value = err.get("input")
    if kind == "extra_forbidden":
        return "unknown-key", f"unknown key '{loc[-1]}' (a typo? unknown keys are refused so that no data hides)"
    if kind == "missing":
        return "missing", f"required field '{field}' is missing"
    if kind == "literal_error":
        return "value", f"{field}: {value!r} is not allowed; {err['msg'][0].lower()}{err['msg'][1:]}"
    if kind in {"date_type", "date_from_datetime_inexact", "date_parsing"}:
        return "date", f"{field}: {value!r} is not a date; write YYYY-MM-DD without quotes"
    if kind == "string_pattern_mismatch":
        return "format", _wrong_form(field, value, err["ctx"]["pattern"])
    if kind.endswith("_type"):
        shown = type(value).__name__ if not isinstance(value, (str, int, float, bool)) else repr(value)
        return "type", f"{field}: {err['msg'].lower()}, got {shown}"
    return "value", f"{field}: {err['msg']}"


_FORMS = {
    r"^GM\d{4}$": "a CBS municipality code, GM and 4 digits (GM0439)",
    r"^C-\d{4}$": "a coordinator id, C- and 4 digits (C-0042)",
    r"^[a-z0-9]+(-[a-z0-9]+)*$": "a slug of lower-case letters, digits and hyphens (noord-holland-noord)",
    r"^[^@\s]+@[^@\s]+\.[^@\s]+$": "an e-mail address (name@example.org)",
    r"^\+?[0-9][0-9 ()-]{5,20}$": "a phone number (+31 6 12345678)",
}


def _wrong_form(field: str, value, pattern: str) -> str:
    """Say what would be right in words, not as a regular expression."""
    if field == "languages" or pattern == r"^[a-z]{2,3}$":
        from ekc.core.dutch_input import language_suggestion

        hint = language_suggestion(str(value))
        return f"{field}: {value!r} is not an ISO 639 code" + (f"; did you mean {hint}?" if hint else " (like nl, ar, tr)")
    if "EKC-" in pattern:
        return f"{field}: {value!r} is not a case id (EKC-<YYYY>-<5 characters>, like EKC-2024-K7Q2M)"
    wanted = _FORMS.get(pattern)
    return f"{field}: {value!r} is not {wanted}" if wanted else f"{field}: {value!r} has the wrong form (expected {pattern})"


def findings_from(path: str, exc: ValidationError, prefix: tuple = ()) -> list[Finding]:
    found = []
    for err in exc.errors(include_url=False):
        code, message = _describe(err)
        loc = prefix + tuple(err["loc"])
        # A missing field is reported at the mapping that should hold it.
        if err["type"] == "missing":
            loc = loc[:-1]
        found.append(error(path, code, message, loc))
    return found
