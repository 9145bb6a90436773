"""One `ekc match` run: load what matching needs once, rank or propose, assign.

The store is loaded once per run (the open cases, their personal.yaml, the pool and the
registries; the closed history only as counts from the store index). Assigning a whole
proposal goes through `ekc case assign`'s own function with that one loaded store, updated
in memory after each assignment, instead of loading the repository again per case.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ekc.core.errors import Refused
from ekc.match import ranking


@dataclass
class Session:
    root: Path
    today: date
    loaded: object  # ekc.store.loader.Loaded
    pool: ranking.Pool
    errors: int  # errors anywhere in the data: matching goes on with what could be read

    @property
    def store(self):
        return self.loaded.store


def open_session(root: Path, today: date, case_id: str | None = None) -> Session:
    from ekc.store.views import conferences, for_matching

    from ekc.cases.lifecycle import store_as_it_stood

    loaded = for_matching(root, case_id)
    loaded.store = store = store_as_it_stood(loaded.store, today)  # --today in the past: as it stood
    broken = [f for f in loaded.findings if f.is_error and f.path == "coordinators.yaml"]
    if broken and not store.coordinators:
        raise Refused("coordinators.yaml cannot be read; run `ekc validate` to see why")
    errors = sum(1 for f in loaded.findings if f.is_error)
    return Session(root, today, loaded, ranking.pool_of(store, today, conferences(loaded)), errors)


def rank_one(session: Session, case_id: str, assign_to: str | None = None) -> ranking.Proposal:
    store = session.store
    if case_id not in store.cases and (session.root / "cases" / case_id[4:8] / case_id / "case.yaml").is_file():
        if any(f.is_error and f.path == f"cases/{case_id[4:8]}/{case_id}/case.yaml" for f in session.loaded.findings):
            raise Refused(f"case.yaml of {case_id} has errors; run `ekc validate` to see them")
    proposal = ranking.rank(store, case_id, session.today, session.pool)
    if assign_to is not None and assign_to not in store.coordinators:
        raise Refused(f"no coordinator {assign_to} in coordinators.yaml")
    return proposal


def assigner():
    """`ekc case assign`'s own function, so both write, commit and refuse the same way."""
    try:
        from ekc.cases.workflow import assign
    except ImportError as exc:
        if exc.name not in ("ekc.cases.workflow", "ekc"):
            raise
        raise Refused("assigning needs `ekc case assign` (ekc.cases.workflow), which this installation lacks") from None
    return assign


def assign(session: Session, case_id: str, coordinator_id: str) -> None:
    """Through the checks of `ekc case assign`, on the session's store; the store then
    holds the new coordinator, so the next check counts this case in their load."""
    assigner()(session.root, case_id, coordinator_id, session.today, force_reason=None, commit=True, loaded=session.loaded)
    cases = session.store.cases
    case_file = cases.get(case_id)
    if case_file is not None:
        cases[case_id] = dataclasses.replace(case_file, case=case_file.case.model_copy(update={"coordinator": coordinator_id}))


def assign_all(session: Session, proposal: ranking.OpenProposal) -> list[str]:
    """Every proposed pairing; the first refusal stops the run and says what was done."""
    assigner()  # refuse before the first case if assigning is not possible at all
    assigned: list[str] = []
    for pairing in proposal.pairings:
        if pairing.coordinator is None:
            continue
        try:
            assign(session, pairing.case, pairing.coordinator)
        except Refused as exc:
            done = f"assigned {len(assigned)} case{'s' * (len(assigned) != 1)} before it" if assigned else "nothing assigned"
            raise Refused(f"{pairing.case} to {pairing.coordinator} refused: {exc.message}; {done}") from None
        assigned.append(pairing.case)
    return assigned
