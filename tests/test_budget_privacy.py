"""Invoices leave the foundation: they never carry a value from any personal.yaml.

Two properties, over personal data that hypothesis makes up:
- the invoice of a store with personal.yaml files is byte for byte the invoice of the same
  store without them (so nothing of them can be in it);
- no generated value appears in it (checked directly, apart from values that the invoice
  of the store without personal data already holds: those are coincidences, not leaks).
And the invoice code path does not even open a personal.yaml.
"""

from __future__ import annotations

import builtins
import io
import pathlib
import shutil
import string
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ekc.cli.app import app
from tests.support.store import StoreBuilder, case_folder, closed_case, dump, registered_case

runner = CliRunner()

CASES = [
    closed_case(),  # Purmerend, Feb-Mar 2024
    registered_case(id="EKC-2024-AB12C", date="2024-02-10", coordinator="C-0042", history=[
        {"phase": "registered", "date": "2024-02-10"},
        {"phase": "informative_talk", "date": "2024-02-12"},
        {"phase": "connect_activate", "date": "2024-03-01"},
    ]),
    registered_case(id="EKC-2024-CD34E", date="2024-02-11", variant="group", coordinator="C-0042", history=[
        {"phase": "registered", "date": "2024-02-11"},
        {"phase": "informative_talk", "date": "2024-02-14"},
    ]),
]
INVOICES = [
    ("--municipality", "GM0439", "--period", "2024-02"),
    ("--municipality", "GM0439", "--period", "2024-02", "--format", "json"),
    ("--municipality", "GM0439", "--period", "2024-03", "--format", "json"),
    ("--municipality", "GM0439", "--period", "2024-02", "--format", "csv"),
    ("--municipality", "GM0439", "--period", "2024-02", "--format", "xlsx"),
]

LETTERS = string.ascii_letters + "éëïöüçñ"
names = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from(string.ascii_uppercase),
    st.text(alphabet=LETTERS + " '-", min_size=4, max_size=25),
).map(str.strip)
phones = st.from_regex(r"\+31 6 [0-9]{8}", fullmatch=True)
emails = st.from_regex(r"[a-z]{3,10}\.[a-z]{3,10}@example\.(org|nl)", fullmatch=True)
addresses = st.builds(lambda street, number, postcode, city: f"{street} {number}, {postcode} {city}",
                      names, st.integers(1, 999), st.from_regex(r"[1-9][0-9]{3} [A-Z]{2}", fullmatch=True), names)
free_text = st.text(
    alphabet=st.one_of(st.characters(blacklist_categories=("Cs", "Cc", "Co", "Cn", "Zl", "Zp")), st.just("\n")),
    min_size=1, max_size=120,
)
birth_dates = st.dates(min_value=date(1930, 1, 1), max_value=date(2014, 12, 31))  # never a 2024 invoice date
personal_docs = st.fixed_dictionaries({
    "main_persons": st.lists(st.fixed_dictionaries({
        "name": names, "birth_date": birth_dates, "role": st.sampled_from(["child", "parent", "adult"]),
    }), min_size=1, max_size=3),
    "address": addresses,
    "phone": phones,
    "email": emails,
    "network": st.lists(st.fixed_dictionaries({"name": names, "relation": names, "phone": phones, "email": emails}), max_size=3),
    "referrer_contact": st.fixed_dictionaries({"name": names, "organisation": names, "email": emails, "phone": phones}),
    "preferences": st.fixed_dictionaries({
        "coordinator_gender": st.sampled_from(["female", "male", "any"]),
        "culture": names,
    }),
    "notes": free_text,
})


def leaves(value):
    """Every scalar of a document, as the text it would show as."""
    if isinstance(value, dict):
        for item in value.values():
            yield from leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from leaves(item)
    elif isinstance(value, date):
        yield value.isoformat()
    elif isinstance(value, str):
        yield value


def invoice_outputs(root) -> list[str]:
    outputs = []
    for args in INVOICES:
        if "xlsx" in args:  # every cell of the spreadsheet, as text
            import openpyxl

            sheet_path = root.parent / "invoice.xlsx"
            result = runner.invoke(app, ["--data", str(root), "budget", "invoice", *args, "--out", str(sheet_path)])
            assert result.exit_code == 0, result.stderr
            cells = [str(c) for row in openpyxl.load_workbook(sheet_path).active.iter_rows(values_only=True) for c in row if c is not None]
            sheet_path.unlink()
            outputs.append("\n".join(cells) + "\0" + result.stderr.replace(str(sheet_path), "FILE"))
            continue
        result = runner.invoke(app, ["--data", str(root), "budget", "invoice", *args])
        assert result.exit_code == 0, result.stderr
        outputs.append(result.stdout + "\0" + result.stderr)
    return outputs


@pytest.fixture(scope="module")
def anonymous_store(tmp_path_factory):
    """The store without any personal.yaml, and its invoices: what an invoice may hold."""
    root = StoreBuilder(tmp_path_factory.mktemp("privacy") / "data")
    for doc in CASES:
        root.with_case(doc)
    path = root.write()
    return path, invoice_outputs(path)


def test_the_fixture_invoices_are_not_empty(anonymous_store):
    _, outputs = anonymous_store
    assert "EKC-2024-K7Q2M" in outputs[0] and "EKC-2024-AB12C" in outputs[0] and "EKC-2024-CD34E" in outputs[0]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(docs=st.lists(personal_docs, min_size=len(CASES), max_size=len(CASES)))
def test_invoices_never_hold_a_value_from_personal_yaml(anonymous_store, tmp_path_factory, docs):
    base, expected = anonymous_store
    root = tmp_path_factory.mktemp("with-personal") / "data"
    shutil.copytree(base, root)
    for case_doc, personal in zip(CASES, docs):
        (case_folder(root, case_doc["id"]) / "personal.yaml").write_text(dump(personal), encoding="utf-8")
    # the personal data really is in the store: the full loader reads every value back
    from ekc.store.loader import load

    store = load(root, use_cache=False).store
    for case_doc, personal in zip(CASES, docs):
        loaded = store.cases[case_doc["id"]].personal
        assert loaded is not None, dump(personal)
        assert loaded.main_persons[0].name == personal["main_persons"][0]["name"]
        assert loaded.notes == personal["notes"]
    outputs = invoice_outputs(root)
    assert outputs == expected
    anonymous_text = "".join(expected)
    for output in outputs:
        for personal in docs:
            for value in leaves(personal):
                if value.strip() and value not in anonymous_text:
                    assert value not in output
    shutil.rmtree(root.parent)


def test_the_invoice_path_never_opens_a_personal_file(tmp_path, monkeypatch):
    builder = StoreBuilder(tmp_path / "data")
    for doc in CASES:
        builder.with_case(doc, {"main_persons": [{"name": "Sanne de Vries"}], "notes": "private\n"})
    root = builder.write()
    opened: list[str] = []
    real_open, real_read_bytes, real_read_text = builtins.open, pathlib.Path.read_bytes, pathlib.Path.read_text

    def recording_open(file, *args, **kwargs):
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    def recording_read_bytes(self):
        opened.append(str(self))
        return real_read_bytes(self)

    def recording_read_text(self, *args, **kwargs):
        opened.append(str(self))
        return real_read_text(self, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", recording_open)
    monkeypatch.setattr(io, "open", recording_open)
    monkeypatch.setattr(pathlib.Path, "read_bytes", recording_read_bytes)
    monkeypatch.setattr(pathlib.Path, "read_text", recording_read_text)
    for args in INVOICES:
        extra = ["--out", str(root.parent / "invoice.xlsx")] if "xlsx" in args else []
        result = runner.invoke(app, ["--data", str(root), "budget", "invoice", *args, *extra])
        assert result.exit_code == 0, result.stderr
        assert "Sanne" not in result.stdout + result.stderr
    monkeypatch.undo()
    assert any(path.endswith("case.yaml") for path in opened)  # the recorder works
    assert any(path.endswith("municipalities.yaml") for path in opened)
    assert [path for path in opened if path.endswith("personal.yaml")] == []
    # the verdict cache may be read: it never holds a value of a personal.yaml
    # (tests/test_loader_cache.py::test_no_value_of_a_personal_file_is_ever_written_to_a_cache)
