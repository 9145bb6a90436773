"""The rules inside one case.yaml that field types cannot express (DATA-FORMAT.md)."""

from datetime import date

from ekc.core.findings import Finding, error
from ekc.model.case import Case
from ekc.model.vocabulary import OUTCOMES_WITH_MEETING, phase_index, with_dutch


def check_case(path: str, case: Case) -> list[Finding]:
    return [
        *_history(path, case),
        *_closure(path, case),
        *_referrer(path, case),
        *_meetings(path, case),
        *_coordinator_presence(path, case),
    ]


def _history(path: str, case: Case) -> list[Finding]:
    found = []
    history = case.history
    if history[0].phase != "registered":
        found.append(error(path, "history", f"history must start with registered, not {history[0].phase}", ("history", 0, "phase")))
    for i in range(1, len(history)):
        before, now = history[i - 1], history[i]
        b, n = phase_index(before.phase), phase_index(now.phase)
        if now.date < before.date:
            found.append(error(path, "history", f"date {now.date} is before the previous entry's {before.date}; dates never decrease", ("history", i, "date")))
        if before.phase == "closed":
            found.append(error(path, "history", "closed must be the last entry of history", ("history", i, "phase")))
        elif now.phase == "follow_up" and before.phase in {"meeting_aftercare", "follow_up"}:
            continue
        elif now.phase == "closed":
            continue
        elif n < b or (n == b):
            found.append(error(path, "history", f"{now.phase} after {before.phase} goes back; phases never go back", ("history", i, "phase")))
        elif n > b + 1:
            skipped = with_dutch(_next_phase(before.phase))
            found.append(error(path, "history", f"{now.phase} after {before.phase} skips {skipped}", ("history", i, "phase")))
    return found


def _next_phase(phase: str) -> str:
    from ekc.model.vocabulary import PHASES

    return PHASES[phase_index(phase) + 1]


def _closure(path: str, case: Case) -> list[Finding]:
    found = []
    if case.is_closed and case.outcome is None:
        found.append(error(path, "outcome", "a closed case needs an outcome (own_plan, declined, stopped, plan, no_plan)", ()))
    if not case.is_closed and case.outcome is not None:
        found.append(error(path, "outcome", f"outcome {case.outcome} is set but the case is not closed", ("outcome",)))
    if case.outcome == "stopped" and case.stop_reason is None:
        found.append(error(path, "stop-reason", "outcome stopped needs a stop_reason", ("outcome",)))
    if case.outcome != "stopped" and case.stop_reason is not None:
        found.append(error(path, "stop-reason", "stop_reason is only for outcome stopped", ("stop_reason",)))
    if case.outcome in OUTCOMES_WITH_MEETING and not case.meetings:
        found.append(error(path, "outcome", f"outcome {case.outcome} needs a meeting in meetings", ("outcome",)))
    if case.outcome is not None and case.outcome not in OUTCOMES_WITH_MEETING and case.meetings:
        found.append(error(path, "outcome", f"outcome {case.outcome} means there was no meeting, but meetings lists {len(case.meetings)}", ("outcome",)))
    return found


def _referrer(path: str, case: Case) -> list[Finding]:
    if case.referrer == "professional" and case.referrer_org is None:
        return [error(path, "referrer", "referrer professional needs referrer_org", ("referrer",))]
    if case.referrer != "professional" and case.referrer_org is not None:
        return [error(path, "referrer", f"referrer_org is only for referrer professional, not {case.referrer}", ("referrer_org",))]
    return []


def meeting_windows(case: Case) -> list[tuple[date, date | None]]:
    """The periods in which a meeting can take place: each meeting_aftercare or follow_up
    entry up to the next history entry (open-ended for the current phase)."""
    windows = []
    for i, entry in enumerate(case.history):
        if entry.phase in {"meeting_aftercare", "follow_up"}:
            end = case.history[i + 1].date if i + 1 < len(case.history) else None
            windows.append((entry.date, end))
    return windows


def _meetings(path: str, case: Case) -> list[Finding]:
    found = []
    windows = meeting_windows(case)
    for i, meeting in enumerate(case.meetings):
        inside = any(start <= meeting.date and (end is None or meeting.date <= end) for start, end in windows)
        if not inside:
            where = "the case never reached meeting_aftercare" if not windows else "it is outside every meeting_aftercare/follow_up phase in history"
            found.append(error(path, "meeting", f"meeting on {meeting.date}: {where}", ("meetings", i, "date")))
        if (
            meeting.hours_total is not None
            and meeting.hours_private is not None
            and meeting.hours_private > meeting.hours_total
        ):
            found.append(error(path, "meeting", "hours_private is more than hours_total", ("meetings", i, "hours_private")))
    if case.meetings and case.meetings[0].follow_up:
        found.append(error(path, "meeting", "the first meeting cannot be a follow-up", ("meetings", 0, "follow_up")))
    return found


def _coordinator_presence(path: str, case: Case) -> list[Finding]:
    if case.coordinator is None and case.entered("informative_talk") is not None:
        return [error(path, "coordinator", "a coordinator is required from informative_talk on", ())]
    return []
