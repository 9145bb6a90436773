"""Calendar arithmetic the foundation's rules are written in."""

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """Calendar months, clamped to the month's end: 2024-11-30 + 3 months = 2025-02-28."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def parse_date(text: str) -> date:
    """YYYY-MM-DD and nothing looser: dates in this domain are never ambiguous."""
    if len(text) != 10 or not (text[:4] + text[5:7] + text[8:]).isdigit() or text[4] + text[7] != "--" or not text.isascii():
        # date.fromisoformat also takes 2026-W48-1 and 20261130-style forms: not here
        raise ValueError(f"{text!r} is not a date in the form YYYY-MM-DD")
    return date.fromisoformat(text)
