"""JSON Schema of each file kind, from the same pydantic models `ekc validate` uses.

For editors (the YAML language server completes keys and flags typos while a person
types) and for other tools. The schema checks fields and vocabularies only: the rules
between fields and between files stay with `ekc validate`.
"""

from __future__ import annotations

from typing import Any

from ekc.model.kinds import KINDS

DRAFT = "https://json-schema.org/draft/2020-12/schema"

# kind -> (file it describes, glob of the files an editor should check with it)
FILES: dict[str, tuple[str, str]] = {kind: (k.file_name, k.glob) for kind, k in KINDS.items()}


def schema_file_name(kind: str) -> str:
    return f"{kind.replace('_', '-')}.schema.json"


def schema_of(kind: str) -> dict[str, Any]:
    from ekc.validate.verdicts import MODELS

    schema = _with_dutch_names(MODELS[kind].model_json_schema(by_alias=True))
    file_name = FILES[kind][0]
    return {
        "$schema": DRAFT,
        "title": f"ekc {file_name}",
        "description": f"The fields of {file_name} (DATA-FORMAT.md). `ekc validate` also checks the rules between fields and files.",
        **{key: value for key, value in schema.items() if key not in {"title", "description"}},
    }


def all_schemas() -> dict[str, dict[str, Any]]:
    return {kind: schema_of(kind) for kind in FILES}


def _with_dutch_names(node: Any) -> Any:
    """Editors show `enumDescriptions` beside each choice: staff see the Dutch word."""
    from ekc.model.vocabulary import DUTCH

    if isinstance(node, list):
        return [_with_dutch_names(item) for item in node]
    if not isinstance(node, dict):
        return node
    result = {key: _with_dutch_names(value) for key, value in node.items()}
    values = node.get("enum")
    if isinstance(values, list) and any(v in DUTCH for v in values if isinstance(v, str)):
        result["enumDescriptions"] = [DUTCH.get(v, "") if isinstance(v, str) else "" for v in values]
    return result
