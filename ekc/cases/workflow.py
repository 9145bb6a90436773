"""Changing cases on disk: register, advance, assign. The shell around ekc/cases/lifecycle.py.

Each operation reads the repository, asks the pure rules, and only then touches files:
a refusal leaves every byte as it was. A change is written atomically with the
round-trip YAML dumper (a person's comments and key order survive), checked against
DATA-FORMAT.md before it is written, and, inside git, committed as exactly the changed
paths with a message of ids, phases and codes only. If the commit fails (a hook says no),
the files are put back, so the tree never holds an uncommitted half of an operation.

`assign` is also the function `ekc match --assign` calls.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ekc.core.errors import Refused, UsageProblem
from ekc.core.identifying import PersonalStrings, message_problem, of_coordinators, of_personal
from ekc.model.vocabulary import EK2_VARIANTS, with_dutch
from ekc.validate.rules.comments import TEMPLATE_COMMENT

# DATA-FORMAT.md's order of case.yaml keys: new keys go where a person would look for them.
CASE_KEY_ORDER = (
    "id", "variant", "municipality", "referrer", "referrer_org", "minors_involved", "conditions",
    "professional_help", "reasons", "coordinator", "unfunded_start", "history", "outcome",
    "stop_reason", "meetings", "satisfaction",
)


@dataclass(frozen=True)
class NewCase:
    municipality: str
    variant: str
    referrer: str
    referrer_org: str | None
    minors_involved: bool
    conditions: bool
    professional_help: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Change:
    case_id: str
    paths: tuple[Path, ...]
    message: str
    commit: str | None  # sha, or None when not committed (--no-commit, or not a git repository)


@dataclass(frozen=True)
class AdvanceResult(Change):
    from_phase: str = ""
    to_phase: str = ""
    on: date | None = None
    unfunded_start: bool = False
    promise_missed_by: int = 0  # days the start came after the appointment promise

    def notes(self) -> list[str]:
        """What the person should know besides the move itself."""
        said = []
        if self.unfunded_start:
            said.append(f"ekc: warning: {self.case_id} started without a covering contract (unfunded_start: true)")
        if self.promise_missed_by:
            said.append(f"ekc: note: the informative talk came {self.promise_missed_by} day(s) after the appointment promise")
        return said


@dataclass(frozen=True)
class AssignResult(Change):
    coordinator: str = ""
    previous: str | None = None
    forced_past: tuple[str, ...] = field(default_factory=tuple)
    changed: bool = True


# -- reading ------------------------------------------------------------------------------

def load_store(root: Path):
    from ekc.store.loader import load

    return load(root)


def load_case(root: Path, case_id: str, also=None):
    """The registries and the one case a single-case command is about (plus the cases
    `also`, a predicate over the index's CaseSummary, chooses), not the whole history:
    every file is still stat-checked against the index, only these get full models."""
    from ekc.store.loader import WORKING_KINDS, load

    wanted = checked_id(case_id)
    return load(root, kinds=WORKING_KINDS, select=lambda s: s.id == wanted or (also is not None and also(s)))


def checked_id(case_id: str) -> str:
    from ekc.core.ids import is_case_id, normalise

    wanted = normalise(case_id)
    if not is_case_id(wanted):
        raise UsageProblem(f"{case_id!r} is not a case id (EKC-<YYYY>-<5 characters>, like EKC-2024-K7Q2M)")
    return wanted


def load_funding_cases(loaded, case_file, on: date | None, today: date) -> None:
    """For a start (advance to informative_talk): the cases of the municipality with a
    history date within the contract that would pay, which `funding_refusal` counts against
    it. Taken through the index, so only those are read."""
    from ekc.budget.funding import funding
    from ekc.store.loader import extend_cases

    case = case_file.case
    municipality = loaded.store.municipalities.get(case.municipality)
    contract, _ = funding(municipality, on or today, case.variant)
    if contract is None:
        return
    start, end = contract.start, contract.end
    extend_cases(loaded, lambda s: s.municipality == case.municipality and any(start <= d <= end for d in s.dates))


def case_path(root: Path, case_id: str) -> Path:
    return root / "cases" / case_id[4:8] / case_id / "case.yaml"


def find_case(loaded, case_id: str):
    """The case's loaded file, or a refusal that says why it cannot be used."""
    wanted = checked_id(case_id)
    found = loaded.store.cases.get(wanted)
    if found is not None:
        return found
    relative = case_path(loaded.root, wanted).relative_to(loaded.root).as_posix()
    if relative in loaded.present_paths:
        raise Refused(f"{relative} has errors, so {wanted} cannot be changed or shown: run `ekc validate` and fix them first")
    raise Refused(f"no case {wanted} in {loaded.root}")


# -- writing ------------------------------------------------------------------------------

PURGE_INTERRUPTED = "a purge was interrupted: run `ekc purge` to finish it"


def refuse_while_purge_pending(root: Path) -> None:
    """While a purge journal is pending, nothing may write: a rollback or a finish works
    from the refs and objects the journal recorded, and new commits on top of a half-done
    rewrite are what an interrupted purge would lose (or carry the purged data forward)."""
    from ekc.purge.journal import pending

    if pending(root):
        raise Refused(PURGE_INTERRUPTED)


def writes(operation):
    """The one gate of every operation that writes case data: checked before anything,
    even before a case id is handed out.

    It also holds the repository's write lock (ekc/store/writelock.py) from the first read
    to the commit, so what the operation checked is what it changes: two writers at once
    take turns instead of one silently undoing the other.
    """

    @functools.wraps(operation)
    def guarded(root: Path, *args: Any, **kwargs: Any):
        from ekc.store.writelock import writing

        refuse_while_purge_pending(root)  # before the lock: a refusal leaves .git/ekc as it was
        with writing(root):
            return operation(root, *args, **kwargs)

    return guarded


def _checked_case_text(root: Path, path: Path, data: Any) -> str:
    """The new file's text, refused if it would break a rule of DATA-FORMAT.md."""
    from ekc.validate.verdicts import judge
    from ekc.store.yamlio import dump_roundtrip

    text = dump_roundtrip(data)
    relative = path.relative_to(root).as_posix()
    verdict = judge("case", relative, text.encode("utf-8"))
    errors = [f for f in verdict.findings if f.is_error]
    if errors:
        raise Refused("the change would leave case.yaml invalid: " + "; ".join(f"{f.path}:{f.line}:{f.column}: {f.message} [{f.code}]" for f in errors))
    return text


def _write_and_commit(
    root: Path, writes: dict[Path, str], message: str, commit: bool, personal=None, free_text: tuple[str, ...] = ()
) -> str | None:
    """Write every file atomically, then commit exactly them; if anything stops that, undo it.

    The caller holds the write lock (`ekc.store.writelock.writing`). A Ctrl-C in here is
    held back until the step is whole: a commit that landed is success, anything short of
    it puts back the files (from hard links made before writing: that needs no free disk
    space) and unstages the paths, in a `finally`, so the tree and the index never hold an
    uncommitted half of an operation.
    """
    from ekc.store import git
    from ekc.store.yamlio import atomic_write

    committing = commit and git.is_inside_repo(root)
    if committing:
        problem = message_problem(message, personal, free_text)
        if problem:
            raise Refused(f"refusing to commit: the commit message would survive every purge, and {problem}")
    head_before = git.head_commit(root) if committing else None
    with _interrupt_deferred() as interrupted:
        kept = _keep_originals(writes)
        done = False
        try:
            for path, text in writes.items():
                atomic_write(path, text)
            sha = git.commit_paths(root, list(writes), message) if committing else None
            done = True
        except BaseException:
            sha = _landed(root, head_before, message) if committing else None
            if sha is None:
                raise
            done = True  # the commit is in HEAD: what failed came after it
        finally:
            try:
                if not done:
                    _restore(kept)
                    if committing:
                        git.unstage(root, list(writes))
            finally:
                _drop(kept)
    return sha


def _landed(root: Path, head_before: str | None, message: str) -> str | None:
    """HEAD's sha if our commit made it in despite an error or interrupt after it, else None."""
    from ekc.store import git

    try:
        head = git.head_commit(root)
        if head is not None and head != head_before and git.head_message(root) == message.strip():
            return head
    except Exception:  # noqa: BLE001 - the original failure is the one to report
        return None
    return None


class _interrupt_deferred:
    """Hold SIGINT back for the block (main thread only); `interrupted` says if one came.

    At the end of the block the interrupt is raised again by the caller when the operation
    did not complete; a completed operation is reported as done.
    """

    def __enter__(self):
        import signal
        import threading

        self.flag: list[bool] = []
        self.previous = None
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGINT, lambda *_: self.flag.append(True))
        return self.flag

    def __exit__(self, *exc) -> None:
        import signal

        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)
        if self.flag and exc[0] is not None and not isinstance(exc[1], KeyboardInterrupt):
            raise KeyboardInterrupt from exc[1]
        return None


def _keep_originals(writes: dict[Path, str]) -> dict[Path, Path | bytes | None]:
    """A hard link to each existing file before it is replaced (no data is copied, so this
    works on a full disk; the bytes in memory where links are not possible); None for a
    file that does not exist yet."""
    kept: dict[Path, Path | bytes | None] = {}
    for path in writes:
        if not path.exists():
            kept[path] = None
            continue
        link = path.with_name(f".{path.name}.ekc-before.{os.getpid()}")
        try:
            link.unlink(missing_ok=True)
            os.link(path, link)
            kept[path] = link
        except OSError:
            kept[path] = path.read_bytes()
    return kept


def _restore(kept: dict[Path, Path | bytes | None]) -> None:
    from ekc.store.yamlio import atomic_write

    for path, original in kept.items():
        if original is None:
            path.unlink(missing_ok=True)
            try:
                path.parent.rmdir()
            except OSError:
                pass
        elif isinstance(original, bytes):
            if not path.exists() or path.read_bytes() != original:
                atomic_write(path, original.decode("utf-8"))
        elif original.exists():
            os.replace(original, path)


def _drop(kept: dict[Path, Path | bytes | None]) -> None:
    for original in kept.values():
        if isinstance(original, Path):
            original.unlink(missing_ok=True)


def _set_key(data, key: str, value: Any) -> None:
    """Set `key`, inserting it after the keys that precede it in DATA-FORMAT.md's order."""
    if key in data:
        data[key] = value
        return
    rank = CASE_KEY_ORDER.index(key)
    position = 0
    for index, existing in enumerate(data):
        if existing in CASE_KEY_ORDER and CASE_KEY_ORDER.index(existing) < rank:
            position = index + 1
    data.insert(position, key, value)


def _flow_map(**items: Any):
    from ruamel.yaml.comments import CommentedMap

    entry = CommentedMap(items)
    entry.fa.set_flow_style()
    return entry


def _append_history(history, phase: str, on: date) -> None:
    """Append in the style of the entries before it: `- {phase: ..., date: ...}` or block."""
    from ruamel.yaml.comments import CommentedMap

    entry = _flow_map(phase=phase, date=on)
    last = history[-1] if len(history) else None
    if isinstance(last, CommentedMap) and not last.fa.flow_style():
        entry = CommentedMap(entry)
    history.append(entry)


def personal_values(case_file, store) -> PersonalStrings:
    """What a commit message must never repeat: this case's personal data, coordinators' names."""
    found = of_personal(case_file.personal if case_file is not None else None)
    found.update(of_coordinators(store.coordinators.values()))
    return found


# -- case new -----------------------------------------------------------------------------

PERSONAL_SKELETON = """\
# Personal data of {case_id}: everything that identifies a person lives here, and only here.
# `ekc purge` deletes this file, from the tree and from every commit, {months} months after closure.
# Every field is optional (DATA-FORMAT.md); unknown keys are errors.
main_persons: []
#  - {{name: ..., birth_date: YYYY-MM-DD, role: child}}     # role: child | parent | adult
address:
phone:
email:
network: []
#  - {{name: ..., relation: ..., phone: ...}}
referrer_contact: {{}}
#  {{name: ..., organisation: ..., email: ...}}
preferences: {{}}
#  coordinator_gender: any              # female | male | any
#  languages: [nl]
#  culture: ...
#  coordinator_age: {{min: 35, max: 65}}
exclude_coordinators: []                # coordinators who know the family (not independent): [C-0007]
notes:
"""


def _registry(root: Path):
    """Only what registering needs (municipalities, settings): not every case in the store."""
    from ekc.model.datastore import DataStore
    from ekc.model.settings import Settings
    from ekc.validate.verdicts import judge

    models = {}
    from ekc.model.kinds import KINDS

    for kind in ("municipalities", "settings"):
        name = KINDS[kind].file_name
        path = root / name
        if not path.is_file():
            continue
        verdict = judge(kind, name, path.read_bytes())
        if verdict.model is None or any(f.is_error for f in verdict.findings):
            raise Refused(f"{name} has errors: run `ekc validate` and fix them first")
        models[kind] = verdict.model
    municipalities = models["municipalities"].municipalities if "municipalities" in models else []
    return DataStore(settings=models.get("settings") or Settings(), municipalities={m.code: m for m in municipalities})


def municipality_names(root: Path) -> dict[str, str]:
    """Code -> name of every municipality, for the list a prompt shows and for names typed."""
    return {code: m.name for code, m in _registry(root).municipalities.items()}


def new_case_problems(store, fields: NewCase) -> list[str]:
    """What is wrong with the answers of `case new`, before anything is written."""
    problems = []
    if fields.municipality not in store.municipalities:
        known = ", ".join(sorted(store.municipalities)[:8])
        problems.append(f"municipality {fields.municipality} is not in municipalities.yaml (known: {known}{', ...' if len(store.municipalities) > 8 else ''})")
    if fields.referrer == "professional" and fields.referrer_org is None:
        problems.append("referrer professional needs --referrer-org")
    if fields.referrer != "professional" and fields.referrer_org is not None:
        problems.append(f"--referrer-org is only for referrer professional, not {fields.referrer}")
    if not fields.reasons:
        problems.append("at least one --reason is needed")
    return problems


@writes
def new_case(root: Path, fields: NewCase, today: date, on: date | None = None, commit: bool = True, rng=None) -> Change:
    """Register a case: case.yaml in phase registered, a personal.yaml skeleton, one commit."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    from ekc.cases.id_state import next_id

    on = on or today
    if on > today:
        raise Refused(f"{on} is after today ({today}); register a case on the day it came in or before")
    store = _registry(root)
    problems = new_case_problems(store, fields)
    if problems:
        raise UsageProblem("; ".join(problems))
    case_id = next_id(root, on.year, rng)
    path = case_path(root, case_id)
    data = CommentedMap()
    data["id"] = case_id
    data["variant"] = fields.variant
    data["municipality"] = fields.municipality
    data["referrer"] = fields.referrer
    if fields.referrer_org is not None:
        data["referrer_org"] = fields.referrer_org
    data["minors_involved"] = fields.minors_involved
    data["conditions"] = fields.conditions
    data["professional_help"] = fields.professional_help
    reasons = CommentedSeq(list(dict.fromkeys(fields.reasons)))
    reasons.fa.set_flow_style()
    data["reasons"] = reasons
    data["history"] = CommentedSeq([_flow_map(phase="registered", date=on)])
    data.yaml_set_start_comment(TEMPLATE_COMMENT)
    text = _checked_case_text(root, path, data)
    personal = PERSONAL_SKELETON.format(case_id=case_id, months=store.settings.retention_months)
    message = f"case {case_id}: {with_dutch('registered')} on {on}"
    sha = _write_and_commit(root, {path: text, path.with_name("personal.yaml"): personal}, message, commit)
    return Change(case_id, (path, path.with_name("personal.yaml")), message, sha)


# -- case advance -------------------------------------------------------------------------

@writes
def advance(
    root: Path,
    case_id: str,
    today: date,
    to: str | None = None,
    on: date | None = None,
    outcome: str | None = None,
    stop_reason: str | None = None,
    unfunded: bool = False,
    commit: bool = True,
) -> AdvanceResult:
    from ekc.cases.lifecycle import Refusal, appointment_overdue, check_advance, default_target
    from ekc.store.yamlio import file_style, in_style, load_roundtrip

    loaded = load_case(root, case_id)
    case_file = find_case(loaded, case_id)
    if (to or default_target(case_file.case, outcome)) == "informative_talk":
        load_funding_cases(loaded, case_file, on, today)
    verdict = check_advance(loaded.store, case_file, today, to=to, on=on, outcome=outcome, stop_reason=stop_reason, unfunded=unfunded)
    if isinstance(verdict, Refusal):
        raise Refused(f"{case_file.case.id}: {verdict}")
    path = root / case_file.path
    style = file_style(path.read_bytes())
    data = load_roundtrip(path)
    _append_history(data["history"], verdict.to_phase, verdict.on)
    if verdict.outcome is not None:
        _set_key(data, "outcome", verdict.outcome)
    if verdict.stop_reason is not None:
        _set_key(data, "stop_reason", verdict.stop_reason)
    if verdict.unfunded_start:
        _set_key(data, "unfunded_start", True)
    text = in_style(_checked_case_text(root, path, data), style)
    message = f"case {verdict.case_id}: {with_dutch(verdict.to_phase)} on {verdict.on}, from {verdict.from_phase}"
    if verdict.outcome:
        message += f", outcome {with_dutch(verdict.outcome)}"
    if verdict.stop_reason:
        message += f", stop reason {verdict.stop_reason}"
    if verdict.to_phase == "informative_talk":
        message += ", unfunded start" if verdict.unfunded_start else f", start funded by contract {verdict.contract}"
    sha = _write_and_commit(root, {path: text}, message, commit, personal_values(case_file, loaded.store))
    return AdvanceResult(
        verdict.case_id, (path,), message, sha,
        from_phase=verdict.from_phase, to_phase=verdict.to_phase, on=verdict.on, unfunded_start=verdict.unfunded_start,
        promise_missed_by=appointment_overdue(case_file.case, verdict.on, loaded.store.settings.appointment_within_days)
        if verdict.to_phase == "informative_talk" else 0,
    )


# -- case assign --------------------------------------------------------------------------

@writes
def assign(
    root: Path,
    case_id: str,
    coordinator_id: str,
    today: date,
    force_reason: str | None = None,
    commit: bool = True,
    loaded=None,
) -> AssignResult:
    """Set the case's coordinator after the hard rules of ekc/cases/eligibility.py.

    `force_reason` lets a regiomanager overrule those rules knowingly; it goes into the
    commit message, so it is checked for personal data first. EK-2 for restorative and
    group cases is not overridable: it is a rule of the data, `ekc validate` would fail.
    """
    from ekc.cases.eligibility import hard_rule_failures
    from ekc.store.yamlio import file_style, in_style, load_roundtrip

    if force_reason is not None and not force_reason.strip():
        raise UsageProblem("--force needs a reason (it goes into the commit message)")
    if loaded is None:  # `match --open --assign` loads once; the load counts the open cases
        loaded = load_case(root, case_id, also=lambda s: not s.is_closed)
    store = loaded.store
    case_file = find_case(loaded, case_id)
    case = case_file.case
    coordinator_id = coordinator_id.strip().upper()
    if case.is_closed:
        raise Refused(f"{case.id} is closed ({case.closed_on}); a closed case gets no coordinator")
    coordinator = store.coordinators.get(coordinator_id)
    if coordinator is None:
        raise Refused(f"{coordinator_id} is not in coordinators.yaml [coordinator]")
    if case.variant in EK2_VARIANTS and not coordinator.has_ek2:
        raise Refused(
            f"{coordinator_id} cannot take {case.id}: a {case.variant} case needs a coordinator trained in EK-2 [ek2]; "
            f"--force cannot override this rule of the data: choose another (`ekc match {case.id}`)"
        )
    failures = hard_rule_failures(coordinator, case, store, today, case_file.personal, within_days=store.settings.appointment_within_days)
    if case_file.personal_present and case_file.personal is None:
        failures.append("personal.yaml has errors, so the family's exclusions cannot be checked (run ekc validate)")
    if failures and force_reason is None:
        raise Refused(
            f"{coordinator_id} cannot take {case.id} on {today}: {'; '.join(failures)} [eligibility]; "
            f"choose another (`ekc match {case.id}`), or overrule with --force REASON"
        )
    path = root / case_file.path
    style = file_style(path.read_bytes())
    data = load_roundtrip(path)
    # the message is built from the file as read and written under the lock, not from a
    # summary that another writer could have overtaken
    previous = data.get("coordinator")
    if previous == coordinator_id:
        return AssignResult(case.id, (), "", None, coordinator=coordinator_id, previous=previous,
                            changed=False)
    _set_key(data, "coordinator", coordinator_id)
    text = in_style(_checked_case_text(root, path, data), style)
    message = f"case {case.id}: coordinator {data['coordinator']} assigned in {with_dutch(case.phase)}"
    if previous:
        message += f", replacing {previous}"
    if force_reason is not None:
        message += "\n\n" + (f"Forced past: {'; '.join(failures)}\n" if failures else "") + f"Reason: {' '.join(force_reason.split())}"
    typed = (" ".join(force_reason.split()),) if force_reason is not None else ()
    sha = _write_and_commit(root, {path: text}, message, commit, personal_values(case_file, store), typed)
    return AssignResult(case.id, (path,), message, sha, coordinator=coordinator_id, previous=previous,
                        forced_past=tuple(failures) if force_reason is not None else ())
