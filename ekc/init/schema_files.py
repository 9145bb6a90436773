"""Write the JSON Schemas into a folder (a data repository keeps them in schemas/)."""

from __future__ import annotations

import json
from pathlib import Path

from ekc.core.errors import UsageProblem
from ekc.init.schema import all_schemas, schema_file_name
from ekc.store.yamlio import atomic_write


def schema_texts() -> dict[str, str]:
    """File name -> text, stable byte for byte so a regenerated folder shows no diff."""
    return {schema_file_name(kind): json.dumps(schema, indent=2, ensure_ascii=False) + "\n" for kind, schema in all_schemas().items()}


def write_schemas(folder: Path) -> list[Path]:
    if folder.exists() and not folder.is_dir():
        raise UsageProblem(f"--out {folder}: that is a file, not a folder")
    written = []
    for name, text in schema_texts().items():
        atomic_write(folder / name, text)
        written.append(folder / name)
    return written
