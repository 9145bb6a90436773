"""Recording a case's meeting and its returned satisfaction forms: `ekc case meeting | forms`.

The research figures rest on exactly this data, so it is checked twice: against the case's
phase here (a meeting belongs to the meeting phase it was held in), and against
DATA-FORMAT.md by validating the whole new file before it is written. The write keeps the
person's comments and key order (round-trip YAML) and is one commit naming the case id and
phase only: grades and counts are anonymous, and nothing typed here is free text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ekc.cases.workflow import writes
from ekc.core.errors import Refused
from ekc.model.case import Case
from ekc.model.vocabulary import with_dutch

ATTENDEE_KEYS = ("minor_main", "adult_main", "family", "network", "professional")
PLAN_KEYS = ("made", "evaluation", "contingency", "professional_help")
FORMS_OUT_KEYS = ("minors", "adults", "professionals")
MINOR_KEYS = ("meeting", "plan", "coordinator")
ADULT_KEYS = ("role", "meeting", "plan", "coordinator", "referrer")
PROFESSIONAL_KEYS = ("meeting", "plan", "coordinator", "good_decision")
COORDINATOR_KEYS = ("professionals", "regional_manager")
MEETING_PHASES = {"meeting_aftercare": False, "follow_up": True}  # phase -> its meeting's follow_up


@dataclass(frozen=True)
class MeetingInput:
    """One meeting as DATA-FORMAT.md's `meetings` entry; None leaves the field out."""

    date: date
    follow_up: bool
    venue: str | None = None
    daytime_only: bool | None = None
    hours_total: float | None = None
    hours_private: float | None = None
    attendees: dict[str, int] | None = None
    plan: dict[str, bool] | None = None
    follow_up_agreed: bool | None = None

    def entry(self) -> dict[str, Any]:
        items = {
            "date": self.date, "follow_up": self.follow_up, "venue": self.venue, "daytime_only": self.daytime_only,
            "hours_total": self.hours_total, "hours_private": self.hours_private,
            "attendees": {k: self.attendees.get(k, 0) for k in ATTENDEE_KEYS} if self.attendees is not None else None,
            "plan": {k: self.plan[k] for k in PLAN_KEYS if k in self.plan} if self.plan is not None else None,
            "follow_up_agreed": self.follow_up_agreed,
        }
        return {key: value for key, value in items.items() if value is not None}


@dataclass(frozen=True)
class FormsInput:
    forms_out: dict[str, int] | None = None
    minors: tuple[dict[str, Any], ...] = ()
    adults: tuple[dict[str, Any], ...] = ()
    professionals: tuple[dict[str, Any], ...] = ()
    coordinator: dict[str, Any] | None = None

    @property
    def empty(self) -> bool:
        return self.forms_out is None and not (self.minors or self.adults or self.professionals) and self.coordinator is None


@dataclass(frozen=True)
class Recorded:
    case_id: str
    phase: str
    path: Path
    message: str
    commit: str | None
    summary: tuple[str, ...] = field(default_factory=tuple)


def meeting_phase(case: Case) -> str | None:
    """The meeting phase the case is in now (a meeting is recorded while its phase runs)."""
    return case.phase if case.phase in MEETING_PHASES else None


def default_follow_up(case: Case) -> bool:
    return MEETING_PHASES.get(case.phase, False)


def meeting_refusal(case: Case, meeting: MeetingInput, today: date) -> str | None:
    """Why this meeting cannot be recorded now, in words that say what would be right."""
    phase = meeting_phase(case)
    if phase is None:
        return (
            f"{case.id} is in {with_dutch(case.phase)}; a meeting is recorded in meeting_aftercare "
            f"(formele bijeenkomst en nazorg) or follow_up (vervolgconferentie): advance the case first"
        )
    if meeting.follow_up != MEETING_PHASES[phase]:
        if meeting.follow_up:
            return f"--follow-up is for a follow-up conference's meeting; {case.id} is in {with_dutch(phase)}, its first meeting"
        return f"{case.id} is in {with_dutch(phase)}: its meeting is a follow-up one (leave --follow-up on)"
    if meeting.date > today:
        return f"{meeting.date} is after today ({today}); record a meeting once it has been held"
    if meeting.date < case.phase_since:
        return f"{meeting.date} is before {case.phase_since}, when {case.id} entered {with_dutch(phase)}; a meeting's date lies within its phase"
    if any(m.date == meeting.date and m.follow_up == meeting.follow_up for m in case.meetings):
        return f"{case.id} already has a meeting on {meeting.date}; `ekc case show {case.id}` lists its meetings"
    if meeting.hours_total is not None and meeting.hours_private is not None and meeting.hours_private > meeting.hours_total:
        return f"private hours ({meeting.hours_private:g}) exceed the meeting's hours ({meeting.hours_total:g})"
    if meeting.plan is not None and not meeting.plan.get("made", False) and any(meeting.plan.get(k) for k in PLAN_KEYS[1:]):
        return "a plan that was not made has no evaluation, contingency or professional help: use --no-plan or made"
    return None


def forms_refusal(case: Case, forms: FormsInput) -> str | None:
    """Forms come back after a meeting; more returned than sent out is a typing error."""
    if forms.empty:
        return "nothing to add: give --out, --minor, --adult, --professional or --coordinator-grades"
    if not case.meetings:
        return f"{case.id} has no meeting yet; satisfaction forms are about the meeting: record it with `ekc case meeting {case.id}`"
    current = case.satisfaction
    out = dict(forms.forms_out) if forms.forms_out is not None else (
        current.forms_out.model_dump() if current is not None and current.forms_out is not None else None
    )
    if out is not None:
        for group in FORMS_OUT_KEYS:
            already = len(getattr(current, group)) if current is not None else 0
            returned = already + len(getattr(forms, group))
            if returned > out.get(group, 0):
                return f"{returned} {group} forms returned but {out.get(group, 0)} sent out; correct --out {group}=N"
    return None


@writes  # the write lock from the first read to the commit (ekc/store/writelock.py)
def record_meeting(root: Path, case_id: str, meeting: MeetingInput, today: date, commit: bool = True) -> Recorded:
    from ekc.cases.workflow import _checked_case_text, _set_key, _write_and_commit, find_case, load_case, personal_values
    from ekc.store.yamlio import file_style, in_style, load_roundtrip
    from ekc.store.yamlwrite import styled

    loaded = load_case(root, case_id)
    case_file = find_case(loaded, case_id)
    case = case_file.case
    refusal = meeting_refusal(case, meeting, today)
    if refusal:
        raise Refused(f"{case.id}: {refusal}")
    path = root / case_file.path
    style = file_style(path.read_bytes())  # keep CRLF and a BOM as the editor saved them
    data = load_roundtrip(path)
    entry = styled(meeting.entry(), 1)
    if "meetings" in data and data["meetings"] is not None:
        data["meetings"].append(entry)
    else:
        _set_key(data, "meetings", styled([meeting.entry()], 0))
    text = in_style(_checked_case_text(root, path, data), style)
    kind = "follow-up meeting" if meeting.follow_up else "meeting"
    message = f"case {case.id}: {kind} of {meeting.date} recorded in {with_dutch(case.phase)}"
    sha = _write_and_commit(root, {path: text}, message, commit, personal_values(case_file, loaded.store))
    return Recorded(case.id, case.phase, path, message, sha)


@writes
def record_forms(root: Path, case_id: str, forms: FormsInput, commit: bool = True) -> Recorded:
    from ruamel.yaml.comments import CommentedMap

    from ekc.cases.workflow import _checked_case_text, _set_key, _write_and_commit, find_case, load_case, personal_values
    from ekc.store.yamlio import file_style, in_style, load_roundtrip
    from ekc.store.yamlwrite import styled

    loaded = load_case(root, case_id)
    case_file = find_case(loaded, case_id)
    case = case_file.case
    refusal = forms_refusal(case, forms)
    if refusal:
        raise Refused(f"{case.id}: {refusal}")
    path = root / case_file.path
    style = file_style(path.read_bytes())  # keep CRLF and a BOM as the editor saved them
    data = load_roundtrip(path)
    if data.get("satisfaction") is None:
        _set_key(data, "satisfaction", CommentedMap())
    block = data["satisfaction"]
    if forms.forms_out is not None:
        block["forms_out"] = styled({k: forms.forms_out.get(k, 0) for k in FORMS_OUT_KEYS}, 1)
    for group in ("minors", "adults", "professionals"):
        added = getattr(forms, group)
        if not added:
            continue
        if block.get(group) is None:
            block[group] = styled([], 0)
            block[group].fa.set_block_style()
        for form in added:
            block[group].append(styled(dict(form), 2))
    if forms.coordinator is not None:
        grades = dict(block["coordinator"]) if block.get("coordinator") else {}
        grades.update(forms.coordinator)
        block["coordinator"] = styled({k: grades[k] for k in COORDINATOR_KEYS if k in grades}, 1)
    _order(block, ("forms_out", "minors", "adults", "professionals", "coordinator"))
    text = in_style(_checked_case_text(root, path, data), style)
    counts = [f"{len(getattr(forms, g))} {g}" for g in ("minors", "adults", "professionals") if getattr(forms, g)]
    parts = counts + (["coordinator grades"] if forms.coordinator else []) + (["forms out"] if forms.forms_out else [])
    what = ", ".join(parts)
    message = f"case {case.id}: satisfaction forms added in {with_dutch(case.phase)} ({what})"
    sha = _write_and_commit(root, {path: text}, message, commit, personal_values(case_file, loaded.store))
    return Recorded(case.id, case.phase, path, message, sha)


def _order(mapping, keys: tuple[str, ...]) -> None:
    """Keys in DATA-FORMAT.md's order, existing ones kept where they are relative to each other."""
    present = [k for k in keys if k in mapping]
    current = [k for k in mapping if k in keys]
    if present == current:
        return
    for key in present:
        value = mapping.pop(key)
        mapping[key] = value


# -- what a person types, parsed (options and prompts alike) ---------------------------------

def parse_attendees(text: str) -> dict[str, int]:
    """`minor_main=1,adult_main=2,family=5`: keys left out count 0."""
    from ekc.core.dutch_input import key_values, parse_count

    pairs = key_values(text, "attendees", ATTENDEE_KEYS)
    return {key: parse_count(pairs.get(key, "0"), f"number of {key} attendees") for key in ATTENDEE_KEYS}


def parse_plan(text: str) -> dict[str, bool]:
    """`made,evaluation,contingency`: the parts the plan holds; `made` is implied by any part."""
    from ekc.core.dutch_input import InputProblem

    parts = [part.strip().replace("-", "_") for part in text.split(",") if part.strip()]
    unknown = [part for part in parts if part not in PLAN_KEYS]
    if unknown:
        raise InputProblem(f"plan: {', '.join(repr(u) for u in unknown)} unknown; give any of {', '.join(PLAN_KEYS)} (or --no-plan)")
    return {key: key in parts or (key == "made" and bool(parts)) for key in PLAN_KEYS}


def parse_form(text: str, group: str) -> dict[str, Any]:
    """One returned form: `meeting=8,plan=7,coordinator=9` (grades 1-10, `7,5` allowed)."""
    from ekc.core.dutch_input import InputProblem, choice, key_values, parse_grade

    keys = {"minor": MINOR_KEYS, "adult": ADULT_KEYS, "professional": PROFESSIONAL_KEYS, "coordinator": COORDINATOR_KEYS}[group]
    pairs = key_values(text, group, keys)
    if not pairs:
        raise InputProblem(f"{group}: give at least one of {', '.join(keys)}")
    form: dict[str, Any] = {}
    for key in keys:
        if key not in pairs:
            continue
        value = pairs[key]
        try:
            if key == "role":
                form[key] = choice(value, "adult_role")
            elif key == "good_decision":
                form[key] = choice(value, "good_decision")
            else:
                form[key] = parse_grade(value)
        except InputProblem as problem:
            raise InputProblem(f"{group} {key}: {problem.message}") from None
    return form


def parse_forms_out(text: str) -> dict[str, int]:
    from ekc.core.dutch_input import key_values, parse_count

    pairs = key_values(text, "out", FORMS_OUT_KEYS)
    return {key: parse_count(pairs.get(key, "0"), f"number of {key} forms") for key in FORMS_OUT_KEYS}


def meeting_summary(case_id: str, meeting: MeetingInput) -> list[str]:
    """What a person confirms before the meeting is written, in the words of the prompts."""
    from ekc.core.dutch_input import DUTCH_NAMES

    entry = meeting.entry()
    lines = [f"case {case_id}: {'vervolgbijeenkomst' if meeting.follow_up else 'bijeenkomst'} op {meeting.date}"]
    if meeting.venue:
        lines.append(f"locatie: {meeting.venue} ({DUTCH_NAMES['venue'][meeting.venue]})")
    if meeting.daytime_only is not None:
        lines.append(f"alleen overdag: {'ja' if meeting.daytime_only else 'nee (ook avond)'}")
    if meeting.hours_total is not None:
        lines.append(f"uren: {_decimal(meeting.hours_total)}, waarvan besloten deel: {_decimal(meeting.hours_private or 0)}")
    if "attendees" in entry:
        lines.append("aanwezig: " + ", ".join(f"{k}={v}" for k, v in entry["attendees"].items()))
    if "plan" in entry:
        made = [k for k, v in entry["plan"].items() if v]
        lines.append("plan: " + (", ".join(made) if made else "geen plan"))
    if meeting.follow_up_agreed is not None:
        lines.append(f"vervolg afgesproken: {'ja' if meeting.follow_up_agreed else 'nee'}")
    return lines


def forms_summary(case_id: str, forms: FormsInput) -> list[str]:
    lines = [f"case {case_id}: tevredenheidsformulieren"]
    if forms.forms_out is not None:
        lines.append("uitgedeeld: " + ", ".join(f"{k}={v}" for k, v in forms.forms_out.items()))
    for group, dutch in (("minors", "minderjarigen"), ("adults", "volwassenen"), ("professionals", "professionals")):
        for form in getattr(forms, group):
            lines.append(f"{dutch}: " + ", ".join(f"{k}={_decimal(v) if isinstance(v, float) else v}" for k, v in form.items()))
    if forms.coordinator:
        lines.append("coördinator: " + ", ".join(f"{k}={_decimal(v) if isinstance(v, float) else v}" for k, v in forms.coordinator.items()))
    return lines


def _decimal(value: float) -> str:
    return f"{value:g}".replace(".", ",")
