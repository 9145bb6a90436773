"""What every command gets from the global options: where the data is, and what day it is."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import typer

from ekc.core.errors import UsageProblem


@dataclass(frozen=True)
class AppContext:
    data_dir: Path | None
    today: date

    @property
    def root(self) -> Path:
        """The data repository, or exit 2 with a message saying how to point at one."""
        from ekc.store.files import find_data_root

        if self.data_dir is not None:
            if not (self.data_dir / "municipalities.yaml").is_file():
                raise UsageProblem(f"{self.data_dir} is not a data repository (no municipalities.yaml there)")
            return self.data_dir.resolve()
        found = find_data_root(Path.cwd())
        if found is None:
            raise UsageProblem(
                "no data repository found: no municipalities.yaml in this folder or above it; "
                "use --data DIR, set EKC_DATA, or create one with `ekc init DIR`"
            )
        return found


def app_context(ctx: typer.Context) -> AppContext:
    obj = ctx.find_root().obj
    if isinstance(obj, AppContext):
        return obj
    return AppContext(data_dir=Path(os.environ["EKC_DATA"]) if os.environ.get("EKC_DATA") else None, today=date.today())
