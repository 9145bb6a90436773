"""Small in-memory pools for the matching tests: models built from the fixture documents.

Matching is pure, so most of its tests need no files: a DataStore made from the same
documents StoreBuilder writes (dates as ISO strings go through pydantic's JSON mode, the
way YAML dates arrive in strict mode).
"""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

from ekc.model.case import Case
from ekc.model.coordinators import Coordinator
from ekc.model.datastore import CaseFile, DataStore
from ekc.model.municipalities import MunicipalitiesFile
from ekc.model.personal import Personal
from ekc.model.settings import Settings
from tests.support.store import closed_case, coordinator, municipalities_doc, registered_case

TODAY = date(2024, 9, 2)
CASE_ID = "EKC-2024-AB12C"


def plain_coordinator(id: str, **overrides: Any) -> dict[str, Any]:
    """A coordinator who earns nothing special: Dutch only, no region, no home, no culture.

    Tests add exactly the trait they are about, so the right answer is obvious.
    """
    doc = coordinator(id, name=f"Sam Jansen {id[2:]}", languages=["nl"], regions=[], cultures=[], unavailable=[])
    doc.pop("home")
    doc.update(overrides)
    return doc


def municipalities_with_amsterdam() -> dict[str, Any]:
    """The fixture municipalities plus one in the same province as Purmerend, another region."""
    doc = municipalities_doc()
    doc["regions"].append({"id": "amsterdam-amstelland", "name": "Amsterdam-Amstelland"})
    doc["municipalities"].append(
        {"code": "GM0363", "name": "Amsterdam", "province": "Noord-Holland", "region": "amsterdam-amstelland", "contracts": []}
    )
    return doc


def _model(cls, doc: dict):
    return cls.model_validate_json(json.dumps(doc))


def make_store(
    coordinators: list[dict],
    cases: list[tuple[dict, dict | None]] = (),
    settings: dict | None = None,
) -> DataStore:
    municipalities = _model(MunicipalitiesFile, municipalities_with_amsterdam())
    case_files = {}
    for case_doc, personal_doc in cases:
        case = _model(Case, case_doc)
        case_files[case.id] = CaseFile(
            case=case,
            path=f"cases/{case.id[4:8]}/{case.id}/case.yaml",
            personal=_model(Personal, personal_doc) if personal_doc is not None else None,
            personal_present=personal_doc is not None,
        )
    return DataStore(
        settings=_model(Settings, settings or {}),
        regions={r.id: r for r in municipalities.regions},
        municipalities={m.code: m for m in municipalities.municipalities},
        coordinators={c.id: c for c in (_model(Coordinator, doc) for doc in coordinators)},
        cases=case_files,
    )


def waiting(id: str = CASE_ID, preferences: dict | None = None, exclude: list[str] | None = None, **case_overrides: Any):
    """A registered case and its personal.yaml with just these preferences."""
    personal = {"preferences": preferences or {}, "exclude_coordinators": exclude or []}
    return registered_case(id, **case_overrides), personal


def open_case_of(coordinator_id: str, id: str) -> tuple[dict, None]:
    """An open case in the informative talk, holding one of the coordinator's places."""
    case = registered_case(id, coordinator=coordinator_id)
    case["history"].append({"phase": "informative_talk", "date": "2024-09-02"})
    return case, None


def conference_of(coordinator_id: str, id: str) -> tuple[dict, None]:
    """A closed case that reached a meeting: one conference of experience."""
    return closed_case(id, coordinator=coordinator_id), None


def declined_case_of(coordinator_id: str, id: str) -> tuple[dict, None]:
    """Closed without a meeting: no conference."""
    case = registered_case(id, coordinator=coordinator_id)
    case["history"] = [
        {"phase": "registered", "date": "2024-02-01"},
        {"phase": "informative_talk", "date": "2024-02-02"},
        {"phase": "closed", "date": "2024-02-20"},
    ]
    case["outcome"] = "declined"
    return copy.deepcopy(case), None
