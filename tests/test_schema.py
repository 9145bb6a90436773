"""`ekc schema`: JSON Schemas that a standard validator accepts the sample data with."""

import json
from datetime import date
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from typer.testing import CliRunner

from ekc.cli.app import app
from tests.support.git import CI_INSTALL
from ekc.init.schema import FILES, all_schemas, schema_file_name
from ekc.store.loader import data_files
from ekc.store.yamlio import parse
from tests.support.store import closed_case, coordinator, municipalities_doc, personal_doc

def as_json(value):
    """YAML dates load as datetime.date; JSON Schema sees them as ISO strings."""
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def validator(kind: str) -> Draft202012Validator:
    return Draft202012Validator(all_schemas()[kind], format_checker=FormatChecker())


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("sample") / "data"
    assert CliRunner().invoke(app, ["--today", "2026-11-27", "init", str(root), "--sample", "--install", CI_INSTALL]).exit_code == 0
    return root


def test_each_schema_is_a_valid_draft_2020_12_schema():
    schemas = all_schemas()
    assert set(schemas) == set(FILES)
    for schema in schemas.values():
        Draft202012Validator.check_schema(schema)
        assert schema["additionalProperties"] is False


def test_the_sample_data_passes_the_schemas(sample):
    checked = 0
    for data_file in data_files(sample):
        parsed = parse(data_file.path, (sample / data_file.path).read_bytes())
        assert parsed.ok, data_file.path
        errors = list(validator(data_file.kind).iter_errors(as_json(parsed.data)))
        assert errors == [], (data_file.path, [e.message for e in errors])
        checked += 1
    assert checked > 25


def test_fixture_documents_pass_too():
    assert not list(validator("case").iter_errors(as_json(closed_case())))
    assert not list(validator("personal").iter_errors(personal_doc()))
    assert not list(validator("coordinators").iter_errors({"coordinators": [coordinator()]}))
    assert not list(validator("municipalities").iter_errors(municipalities_doc()))


@pytest.mark.parametrize("change, expected", [
    ({"varaint": "family"}, "Additional properties are not allowed"),
    ({"variant": "picnic"}, "is not one of"),
    ({"history": [{"phase": "registered", "date": "2024-13-01"}]}, "is not a 'date'"),
    ({"history": [{"phase": "registered", "date": 20240201}]}, "is not of type 'string'"),
    ({"id": "EKC-2024-ILOU1"}, "does not match"),
    ({"minors_involved": "yes"}, "is not of type 'boolean'"),
])
def test_the_schema_catches_mistakes(change, expected):
    case = as_json(closed_case())
    case.update(change)
    messages = [e.message for e in validator("case").iter_errors(case)]
    assert any(expected in m for m in messages), messages


def test_a_missing_required_field_and_aliases():
    case = as_json(closed_case())
    del case["variant"]
    assert any("'variant' is a required property" in e.message for e in validator("case").iter_errors(case))
    period = {"coordinators": [as_json(coordinator(unavailable=[{"from": date(2024, 1, 1), "to": date(2024, 1, 2)}]))]}
    assert not list(validator("coordinators").iter_errors(period))
    period["coordinators"][0]["unavailable"] = [{"start": "2024-01-01", "end": "2024-01-02"}]
    assert list(validator("coordinators").iter_errors(period))


def test_the_dutch_names_ride_along_for_editors():
    phase = all_schemas()["case"]["$defs"]["PhaseEntry"]["properties"]["phase"]
    assert phase["enumDescriptions"][phase["enum"].index("informative_talk")] == "informatief gesprek"


def test_schema_prints_one_json_document():
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == all_schemas()


def test_schema_out_writes_one_file_per_kind(tmp_path):
    result = CliRunner().invoke(app, ["schema", "--out", str(tmp_path / "schemas")])
    assert result.exit_code == 0
    for kind in FILES:
        written = tmp_path / "schemas" / schema_file_name(kind)
        assert json.loads(written.read_text()) == all_schemas()[kind]
        assert str(written) in result.stdout


def test_schema_out_to_a_file_is_a_usage_error(tmp_path):
    (tmp_path / "taken").write_text("x")
    result = CliRunner().invoke(app, ["schema", "--out", str(tmp_path / "taken")])
    assert result.exit_code == 2


def test_init_wires_the_schemas_for_editors(sample):
    settings = json.loads((sample / ".vscode/settings.json").read_text())["yaml.schemas"]
    covered = set()
    for schema_path, globs in settings.items():
        schema_file = sample / schema_path
        assert json.loads(schema_file.read_text()) in all_schemas().values()
        for pattern in globs:
            matches = list(sample.glob(pattern))
            assert matches, pattern
            covered.update(m.relative_to(sample).as_posix() for m in matches)
    assert covered == {f.path for f in data_files(sample)}
    for name in ("ekc.yaml", "municipalities.yaml", "coordinators.yaml", "purge-log.yaml"):
        first = (sample / name).read_text().splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=./schemas/")
        assert (sample / first.split("$schema=")[1]).is_file()
        kind = next(k for k, (file_name, _) in FILES.items() if file_name == name)
        assert first.endswith(schema_file_name(kind))
