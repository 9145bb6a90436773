"""Read only the anonymous part of a data repository: municipalities.yaml and case.yaml files.

For output that leaves the foundation (invoices): what is never read cannot leak. This
path opens no personal.yaml and does not use the verdict cache either, because the cache
holds the verdicts of personal.yaml files too and unpickling it would load them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ekc.findings import Finding
from ekc.model.case import Case
from ekc.model.municipalities import MunicipalitiesFile
from ekc.store.files import data_files
from ekc.store.verdicts import judge

ANONYMOUS_KINDS = frozenset({"municipalities", "case"})


@dataclass
class AnonymousData:
    municipalities: MunicipalitiesFile | None
    cases: list[Case] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # files that hold no usable model
    findings: list[Finding] = field(default_factory=list)
    paths_read: list[str] = field(default_factory=list)


def load_anonymous(root: Path, mentioning: str | None = None) -> AnonymousData:
    """municipalities.yaml and the case.yaml files, judged by the same rules as `ekc validate`.

    With `mentioning`, only case files whose bytes hold that text are parsed: a case of
    municipality GM0439 holds the bytes `GM0439`, so filtering on them first is exact
    and saves parsing every other municipality's cases.
    """
    needle = mentioning.encode("utf-8") if mentioning else None
    data = AnonymousData(municipalities=None)
    for data_file in data_files(root):
        if data_file.kind not in ANONYMOUS_KINDS:
            continue
        raw = (root / data_file.path).read_bytes()
        data.paths_read.append(data_file.path)
        if data_file.kind == "case" and needle is not None and needle not in raw:
            continue
        verdict = judge(data_file.kind, data_file.path, raw)
        data.findings.extend(verdict.findings)
        if verdict.model is None:
            data.unreadable.append(data_file.path)
        elif data_file.kind == "municipalities":
            data.municipalities = verdict.model
        else:
            data.cases.append(verdict.model)
    return data
