"""Read only the anonymous part of a data repository: municipalities.yaml and case.yaml files.

For output that leaves the foundation (invoices, budgets): what is never read cannot leak.
This path opens no personal.yaml. It does use the verdict cache, which by construction
holds nothing from a personal.yaml (see ekc/store/loader.py, `_may_cache`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ekc.core.findings import Finding
from ekc.model.case import CaseSummary
from ekc.model.datastore import DataStore
from ekc.store.loader import load

ANONYMOUS_KINDS = frozenset({"municipalities", "case"})


@dataclass
class AnonymousData:
    store: DataStore  # municipalities and regions; cases as CaseSummary
    unreadable: list[str] = field(default_factory=list)  # files that hold no usable model
    findings: list[Finding] = field(default_factory=list)

    @property
    def cases(self) -> list[CaseSummary]:
        return [case_file.case for case_file in self.store.cases.values()]


def load_anonymous(root: Path, use_cache: bool = True) -> AnonymousData:
    """municipalities.yaml and the case.yaml files, judged by the same rules as `ekc validate`."""
    loaded = load(root, use_cache=use_cache, models=False, kinds=ANONYMOUS_KINDS)
    return AnonymousData(store=loaded.store, unreadable=sorted(loaded.unreadable), findings=loaded.findings)
