"""When personal data must go: `retention_months` calendar months after closure."""

from datetime import date

from ekc.core.dates import add_months
from ekc.model.case import Case


def purge_due_on(case: Case, retention_months: int) -> date | None:
    """The first day the case's personal data is expired, or None while the case is open."""
    closed = case.closed_on
    return None if closed is None else add_months(closed, retention_months)


def is_expired(case: Case, retention_months: int, today: date) -> bool:
    due = purge_due_on(case, retention_months)
    return due is not None and today >= due
