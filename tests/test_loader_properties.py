"""Generated garbage thrown at the loader and at `ekc validate`.

Whatever a file holds, reading it never raises, every finding has a path, a line >= 1 and a
column >= 1, and the command exits 0, 1 or 2 without a traceback.
"""

from __future__ import annotations

import io
import random
import tempfile
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from typer.testing import CliRunner

from ekc.cli.app import app
from ekc.model.vocabulary import OUTCOMES_WITH_MEETING, PHASES, VARIANTS
from ekc.validate.verdicts import judge
from tests.support.store import StoreBuilder, closed_case, dump, personal_doc, registered_case

KINDS = {
    "settings": "ekc.yaml",
    "municipalities": "municipalities.yaml",
    "coordinators": "coordinators.yaml",
    "purge_log": "purge-log.yaml",
    "case": "cases/2024/EKC-2024-K7Q2M/case.yaml",
    "personal": "cases/2024/EKC-2024-K7Q2M/personal.yaml",
}
VALID_CASE = dump(closed_case())
FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_well_formed(findings, path: str | None = None, raw: bytes | None = None) -> None:
    for finding in findings:
        assert finding.path and (path is None or finding.path == path)
        assert finding.line >= 1 and finding.column >= 1, finding
        if raw is not None:  # a position inside the file, or just past its end
            text = raw.decode("utf-8", "replace")
            breaks = sum(text.count(mark) for mark in ("\n", "\r", "\x85", "\u2028", "\u2029"))
            assert finding.line <= breaks + 2, finding
        assert finding.severity in ("error", "warning")
        assert finding.code and finding.message


def judge_everywhere(raw: bytes) -> None:
    for kind, path in KINDS.items():
        verdict = judge(kind, path, raw)
        assert_well_formed(verdict.findings, path, raw)
        assert verdict.model is not None or any(f.is_error for f in verdict.findings)


# -- one file ---------------------------------------------------------------------------------------

@FAST
@given(st.binary(max_size=300))
def test_random_bytes(raw):
    judge_everywhere(raw)


YAMLISH = st.text(
    alphabet=st.sampled_from(list(":-[]{},&*!|>'\"#%@`?~ \n\t\r.") + list("abnoy019") + ["\ufeff", "é", "\x00", "\x85"]),
    max_size=200,
)


@FAST
@given(YAMLISH)
def test_random_yaml_ish_text(text):
    judge_everywhere(text.encode("utf-8", "surrogatepass"))


FIELD_NAMES = st.sampled_from([
    "id", "variant", "municipality", "history", "phase", "date", "outcome", "meetings", "coordinators",
    "municipalities", "regions", "contracts", "start", "end", "languages", "trained", "ek1", "purges", "paths",
    "main_persons", "retention_months", "satisfaction", "attendees", "x",
])
SCALARS = (
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=True)
    | st.dates() | st.text(max_size=20) | st.sampled_from(["registered", "closed", "GM0439", "C-0042", "EKC-2024-K7Q2M", "06 12345678"])
)
DATA = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(FIELD_NAMES | st.text(max_size=8), children, max_size=5),
    max_leaves=15,
)


def to_yaml(data) -> bytes:
    yaml = YAML(typ="safe", pure=True)
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue().encode()


@FAST
@given(st.dictionaries(FIELD_NAMES, DATA, max_size=6))
def test_random_nested_data_dumped_to_yaml(data):
    judge_everywhere(to_yaml(data))


@FAST
@given(DATA)
def test_random_top_level_values(data):
    judge_everywhere(to_yaml(data))


def mutate(text: str, rnd: random.Random, steps: int) -> str:
    lines = text.splitlines(keepends=True)
    for _ in range(steps):
        action = rnd.randrange(5)
        if action == 0 and lines:
            del lines[rnd.randrange(len(lines))]
        elif action == 1 and lines:
            lines.insert(rnd.randrange(len(lines) + 1), lines[rnd.randrange(len(lines))])
        else:
            joined = "".join(lines)
            if len(joined) < 2:
                continue
            i = rnd.randrange(len(joined) - 1)
            if action == 2:
                joined = joined[:i] + joined[i + 1] + joined[i] + joined[i + 2:]
            elif action == 3:
                joined = joined[:i] + joined[i + 1:]
            else:
                joined = joined[:i] + rnd.choice(":-[]{}#&* \n'\"0") + joined[i:]
            lines = joined.splitlines(keepends=True)
    return "".join(lines)


@FAST
@given(st.randoms(use_true_random=False), st.integers(1, 6))
def test_mutations_of_a_valid_case_file(rnd, steps):
    judge_everywhere(mutate(VALID_CASE, rnd, steps).encode())


# -- a whole repository -------------------------------------------------------------------------------

PHASE = st.sampled_from(PHASES)
DATES = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
NEAR = st.dates(min_value=date(2023, 1, 1), max_value=date(2026, 12, 31))
ANY_DATE = NEAR | DATES


@st.composite
def typed_cases(draw):
    """Cases whose fields have the right types but any combination of values: the rules,
    not the models, must cope with them."""
    entries = draw(st.lists(st.tuples(PHASE, ANY_DATE), min_size=1, max_size=7))
    history = [{"phase": phase, "date": day.isoformat()} for phase, day in entries]
    year = entries[0][1].year
    case = registered_case(
        id=f"EKC-{year:04d}-{draw(st.sampled_from(['AB12C', 'K7Q2M']))}",
        variant=draw(st.sampled_from(VARIANTS)),
        municipality=draw(st.sampled_from(["GM0439", "GM0599", "GM9999"])),
        history=history,
    )
    if draw(st.booleans()):
        case["coordinator"] = draw(st.sampled_from(["C-0042", "C-0043", "C-0099"]))
    if draw(st.booleans()):
        case["outcome"] = draw(st.sampled_from(sorted(OUTCOMES_WITH_MEETING | {"own_plan", "declined", "stopped"})))
    if draw(st.booleans()):
        case["stop_reason"] = "other"
    if draw(st.booleans()):
        case["unfunded_start"] = True
    meetings = draw(st.lists(st.tuples(ANY_DATE, st.booleans()), max_size=3))
    case["meetings"] = [{"date": day.isoformat(), "follow_up": follow} for day, follow in meetings]
    return case


def coordinators_doc(agreements: list[int]) -> dict:
    from tests.support.store import coordinator

    return {"coordinators": [coordinator(agreements=agreements), coordinator("C-0043", trained={"ek1": "2019-06-21"})]}


@SLOW
@given(
    st.lists(typed_cases(), min_size=1, max_size=4),
    ANY_DATE,
    st.lists(st.integers(2020, 2030), max_size=3),
    st.integers(0, 120),
)
def test_typed_but_arbitrary_cases_never_break_validation(cases, today, agreements, retention):
    from ekc.validate.pipeline import validate

    with tempfile.TemporaryDirectory() as tmp:
        builder = StoreBuilder(Path(tmp) / "data")
        builder.coordinators = coordinators_doc(agreements)
        builder.settings = {"retention_months": retention}
        for case in cases:
            builder.with_case(case, personal_doc())
        root = builder.write()
        report = validate(root, today, use_cache=False)
        assert_well_formed(report.findings)
        assert report.exit_code(strict=True) in (0, 1)


def run_cli(root: Path, *args: str):
    result = CliRunner().invoke(app, ["--data", str(root), "--today", "2024-09-15", "validate", *args])
    output = result.stdout + result.stderr
    assert result.exit_code in (0, 1, 2), (result.exit_code, output, result.exception)
    assert "Traceback" not in output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


@SLOW
@given(
    st.sampled_from(sorted(set(KINDS) - {"settings", "purge_log"}) + ["settings", "purge_log"]),
    st.one_of(st.binary(max_size=200), YAMLISH.map(lambda t: t.encode("utf-8", "surrogatepass")),
              st.dictionaries(FIELD_NAMES, DATA, max_size=5).map(to_yaml)),
    st.sampled_from(["text", "json", "github"]),
)
def test_the_command_survives_any_one_file(kind, raw, output_format):
    import json

    with tempfile.TemporaryDirectory() as tmp:
        builder = StoreBuilder(Path(tmp) / "data")
        builder.with_case(closed_case(), personal_doc()).with_case(registered_case())
        root = builder.write()
        (root / KINDS[kind]).write_bytes(raw)
        result = run_cli(root, "--format", output_format)
        if output_format == "json":
            doc = json.loads(result.stdout)
            assert all(f["line"] >= 1 and f["column"] >= 1 for f in doc["findings"])
            assert result.exit_code == (0 if doc["ok"] else 1)


@SLOW
@given(st.randoms(use_true_random=False), st.integers(1, 4))
def test_the_command_survives_mutated_files_everywhere(rnd, steps):
    with tempfile.TemporaryDirectory() as tmp:
        builder = StoreBuilder(Path(tmp) / "data")
        builder.with_case(closed_case(), personal_doc()).with_case(registered_case())
        root = builder.write()
        for path in ("municipalities.yaml", "coordinators.yaml", KINDS["case"], KINDS["personal"]):
            if rnd.random() < 0.5:
                file = root / path
                file.write_text(mutate(file.read_text(), rnd, steps))
        result = run_cli(root)
        for line in result.stdout.splitlines()[:-1]:
            path, line_number, column = line.split(":")[:3]
            assert (root / path).exists() and int(line_number) >= 1 and int(column) >= 1


@FAST
@given(st.lists(st.sampled_from(["[", "{a: ", "- ", "{", "["]), max_size=40), st.integers(1, 6000), st.sampled_from(sorted(KINDS)))
def test_deep_nesting_of_any_shape(openers, depth, kind):
    """The C loader builds any depth; nothing after it may recurse into a traceback."""
    opening = "".join(openers) * max(1, depth // max(1, len(openers)))
    closing = "".join({"[": "]", "{a: ": "}", "{": "}", "- ": ""}[part] for part in reversed(openers)) * max(
        1, depth // max(1, len(openers))
    )
    raw = f"note: {opening}x{closing}\n".encode()
    verdict = judge(kind, KINDS[kind], raw)
    assert_well_formed(verdict.findings, KINDS[kind], raw)
    assert verdict.findings


@FAST
@given(st.dictionaries(FIELD_NAMES, DATA, min_size=1, max_size=6), st.lists(FIELD_NAMES | st.integers(-2, 6), max_size=6), st.booleans())
def test_locate_any_loc_in_any_document(data, loc, at_key):
    from ekc.store.yamlio import compose, locate

    from ruamel.yaml.error import YAMLError

    text = to_yaml(data).decode()
    try:
        root = compose(text)
    except YAMLError:  # ruamel's dumper can write flow YAML its parser refuses ({id: 0?})
        assume(False)
    line, column = locate(root, tuple(loc), at_key=at_key)
    assert 1 <= line <= text.count("\n") + 1 and column >= 1
