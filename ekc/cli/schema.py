"""`ekc schema`: the JSON Schema of each file kind, for editors and other tools."""

from __future__ import annotations

from pathlib import Path

import typer


def schema_command(
    out: Path | None = typer.Option(None, "--out", help="Write one <kind>.schema.json per file kind into this folder instead of printing them.", file_okay=False),
) -> None:
    """JSON Schema of each file kind (ekc.yaml, municipalities.yaml, coordinators.yaml,
    purge-log.yaml, case.yaml, personal.yaml), made from the models `ekc validate` uses."""
    import json

    from ekc.init.schema import all_schemas
    from ekc.init.schema_files import write_schemas

    if out is None:
        typer.echo(json.dumps(all_schemas(), indent=2, ensure_ascii=False))
        return
    for path in write_schemas(out):
        typer.echo(str(path))
