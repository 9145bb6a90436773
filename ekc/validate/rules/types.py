"""Pydantic's errors, retold as findings a regiomanager can act on."""

from pydantic import ValidationError

from ekc.core.findings import Finding, error


def _describe(err: dict) -> tuple[str, str]:
    kind = err["type"]
    loc = err["loc"]
    # the line and column already say which list item; the name says which field
    tail = loc[max((i for i, p in enumerate(loc) if isinstance(p, int)), default=-1) + 1 :]
    field = ".".join(str(p) for p in tail) or (str(loc[-1]) if loc else "file")
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
        return "format", f"{field}: {value!r} has the wrong form (expected {err['ctx']['pattern']})"
    if kind.endswith("_type"):
        shown = type(value).__name__ if not isinstance(value, (str, int, float, bool)) else repr(value)
        return "type", f"{field}: {err['msg'].lower()}, got {shown}"
    return "value", f"{field}: {err['msg']}"


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
