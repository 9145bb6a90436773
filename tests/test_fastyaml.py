"""The fast loader must read every document exactly as ruamel.yaml's safe loader does."""

import io
import math
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from ekc.store import fastyaml

REFERENCE = YAML(typ="safe")


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
)
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(min_size=1, max_size=8), inner, max_size=4)),
    max_leaves=20,
)


def _dump(data) -> str:
    yaml = YAML(typ="safe", pure=True)
    stream = io.StringIO()
    yaml.dump({"root": data}, stream)
    return stream.getvalue()


@settings(max_examples=200, deadline=None)
@given(documents)
def test_dumped_documents_read_back_as_the_reference_reads_them(data):
    text = _dump(data)
    try:
        expected = REFERENCE.load(text)
    except Exception:  # noqa: BLE001 - ruamel's dumper can write keys its parser refuses
        with pytest.raises(Exception):
            fastyaml.load(text)
        return
    assert _same(fastyaml.load(text), expected)


plain_scalar = st.text(alphabet="0123456789+-._eExXoObB:TtFfNnYyOoLl~ ", min_size=1, max_size=12).map(str.strip).filter(bool)


@settings(max_examples=400, deadline=None)
@given(plain_scalar)
def test_plain_scalars_resolve_as_yaml_1_2_in_ruamel(value):
    text = f"key: {value}\n"
    try:
        expected = REFERENCE.load(text)
    except Exception:  # noqa: BLE001 - the reference refuses it: so must we
        with pytest.raises(Exception):
            fastyaml.load(text)
        return
    assert _same(fastyaml.load(text), expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("gender: no\n", "no"),
        ("gender: on\n", "on"),
        ("gender: yes\n", "yes"),
        ("n: 012\n", 12),
        ("n: 0o12\n", 10),
        ("n: 0x1F\n", 31),
        ("n: 1e3\n", 1000.0),
        ("n: ~\n", None),
        ("n: true\n", True),
        ("d: 2024-02-29\n", date(2024, 2, 29)),
    ],
)
def test_yaml_1_2_pins(text, expected):
    assert fastyaml.load(text) == {text.split(":")[0]: expected}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<<: {a: 1}\n", "merge keys"),
        ("a: 1\na: 2\n", "duplicate key"),
        ("? [1, 2]\n: x\n", "plain value"),
        ("a: !!set {x}\n", "not allowed"),
        ("a: !custom x\n", "not allowed"),
        ("a: !!python/object:os.system x\n", "not allowed"),
        ("a: !!str [1]\n", "!!str"),
    ],
)
def test_what_data_files_may_not_hold_is_a_positioned_problem(text, message):
    with pytest.raises(fastyaml.LoadProblem) as caught:
        fastyaml.load(text)
    assert message in caught.value.message
    assert caught.value.line >= 0 and caught.value.column >= 0
