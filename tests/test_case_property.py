"""Whatever a person types, `case advance` and `case assign` never leave an invalid case.

Random sequences of commands (and of meetings typed in by hand) on one case: each command
either changes the case into one that passes every rule of `ekc validate`, or is refused
with every byte left as it was.
"""

import tempfile
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from ekc.cases.workflow import advance, assign
from ekc.core.errors import EkcError
from ekc.model.vocabulary import PHASES
from ekc.validate.pipeline import validate
from tests.support.store import StoreBuilder, coordinator, registered_case

START = date(2024, 9, 2)
TODAY = date(2024, 12, 31)

advance_step = st.fixed_dictionaries({
    "kind": st.just("advance"),
    # mostly what a person would do (the next phase, a later date), sometimes anything
    "to": st.one_of(st.none(), st.none(), st.none(), st.sampled_from(PHASES)),
    "days": st.sampled_from([0, 1, 2, 5, 10, 20, 20, 30, -1]),
    "outcome": st.one_of(st.none(), st.none(), st.sampled_from(["own_plan", "declined", "stopped", "plan", "no_plan"])),
    "stop_reason": st.none() | st.sampled_from(["unwilling", "other"]),
    "unfunded": st.booleans(),
})
assign_step = st.fixed_dictionaries({
    "kind": st.just("assign"),
    "coordinator": st.sampled_from(["C-0042", "C-0042", "C-0042", "C-0007", "C-0099"]),
    "force": st.none() | st.just("needed now"),
})
meeting_step = st.fixed_dictionaries({"kind": st.just("meeting"), "days": st.integers(0, 10)})


def current(text: str) -> tuple[str, date]:
    entry = YAML(typ="safe").load(text)["history"][-1]
    return entry["phase"], entry["date"]


def _advance(days=5, to=None, outcome=None):
    return {"kind": "advance", "to": to, "days": days, "outcome": outcome, "stop_reason": None, "unfunded": False}


FULL_PATH = [_advance(1), _advance(), _advance(), {"kind": "meeting", "days": 2}, _advance(to="follow_up"),
             {"kind": "meeting", "days": 1}, _advance(outcome="plan")]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example("family", True, FULL_PATH)
@given(
    st.sampled_from(["family", "group"]),
    st.booleans(),
    st.lists(st.one_of(advance_step, advance_step, assign_step, meeting_step), min_size=3, max_size=14),
)
def test_commands_never_leave_an_invalid_case(variant, assigned, steps):
    with tempfile.TemporaryDirectory() as tmp:
        builder = StoreBuilder(Path(tmp) / "data")
        builder.coordinators["coordinators"].append(coordinator("C-0007", trained={"ek1": "2020-01-01"}))
        builder.with_case(registered_case(date=START.isoformat(), variant=variant, **({"coordinator": "C-0042"} if assigned else {})))
        root = builder.write()
        path = root / "cases/2024/EKC-2024-AB12C/case.yaml"
        meetings = 0
        for step in steps:
            before = path.read_bytes()
            text = before.decode()
            try:
                if step["kind"] == "advance":
                    day = current(text)[1] + timedelta(days=step["days"])
                    advance(root, "EKC-2024-AB12C", TODAY, step["to"], day, step["outcome"], step["stop_reason"], step["unfunded"])
                elif step["kind"] == "assign":
                    assign(root, "EKC-2024-AB12C", step["coordinator"], START, force_reason=step["force"])
                else:
                    phase, since = current(text)
                    if phase not in ("meeting_aftercare", "follow_up"):
                        continue
                    day = min(since + timedelta(days=step["days"]), TODAY)
                    block = "" if "meetings:" in text else "meetings:\n"
                    path.write_text(text + block + f"  - date: {day}\n    follow_up: {'true' if meetings else 'false'}\n")
                    meetings += 1
            except EkcError as refusal:
                assert path.read_bytes() == before
                event(f"refused: {refusal.message.rsplit('[', 1)[-1][:-1] if refusal.message.endswith(']') else refusal.message[:40]}")
                continue
            report = validate(root, TODAY, use_cache=False)
            assert not report.errors, (step, path.read_text(), report.errors)
        event(f"ended in {current(path.read_text())[0]}")
        if steps == FULL_PATH:
            assert current(path.read_text())[0] == "closed"
