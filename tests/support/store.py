"""Tiny, readable data repositories for tests, written as YAML into tmp_path.

Every builder returns plain dicts so a test can break exactly one thing and say so.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML


def municipalities_doc() -> dict[str, Any]:
    return {
        "regions": [
            {"id": "noord-holland-noord", "name": "Noord-Holland Noord"},
            {"id": "rijnmond", "name": "Rijnmond"},
        ],
        "municipalities": [
            {
                "code": "GM0439",
                "name": "Purmerend",
                "province": "Noord-Holland",
                "region": "noord-holland-noord",
                "contracts": [
                    {
                        "id": "PUR-2024",
                        "start": "2024-01-01",
                        "end": "2024-12-31",
                        "conferences": 12,
                        "budget_eur": 54000,
                        "tariffs_eur": {"informative_talk": 450, "connect_activate": 1800, "meeting_aftercare": 2250, "follow_up": 1500},
                    }
                ],
            },
            {"code": "GM0599", "name": "Rotterdam", "province": "Zuid-Holland", "region": "rijnmond", "contracts": []},
        ],
    }


def coordinator(id: str = "C-0042", **overrides: Any) -> dict[str, Any]:
    doc = {
        "id": id,
        "name": "Fatima El Amrani",
        "email": "f.elamrani@example.org",
        "phone": "+31 6 12345678",
        "gender": "female",
        "birth_year": 1968,
        "languages": ["nl", "ar", "zgh"],
        "regions": ["noord-holland-noord"],
        "home": "GM0439",
        "trained": {"ek1": "2019-06-21", "ek2": "2021-03-10"},
        "agreements": [2024, 2025],
        "max_cases": 3,
        "unavailable": [{"from": "2024-07-15", "to": "2024-08-09"}],
        "active": True,
    }
    doc.update(overrides)
    return doc


def closed_case(id: str = "EKC-2024-K7Q2M", **overrides: Any) -> dict[str, Any]:
    doc = {
        "id": id,
        "variant": "family",
        "municipality": "GM0439",
        "referrer": "professional",
        "referrer_org": "youth_protection",
        "minors_involved": True,
        "conditions": True,
        "professional_help": "gt_5y",
        "reasons": ["parent_child_conflict", "divorce"],
        "coordinator": "C-0042",
        "history": [
            {"phase": "registered", "date": "2024-02-03"},
            {"phase": "informative_talk", "date": "2024-02-05"},
            {"phase": "connect_activate", "date": "2024-02-20"},
            {"phase": "meeting_aftercare", "date": "2024-03-28"},
            {"phase": "closed", "date": "2024-06-30"},
        ],
        "outcome": "plan",
        "meetings": [
            {
                "date": "2024-03-28",
                "follow_up": False,
                "venue": "community_centre",
                "daytime_only": True,
                "hours_total": 4.0,
                "hours_private": 2.0,
                "attendees": {"minor_main": 1, "adult_main": 2, "family": 5, "network": 2, "professional": 2},
                "plan": {"made": True, "evaluation": True, "contingency": True, "professional_help": True},
                "follow_up_agreed": False,
            }
        ],
        "satisfaction": {
            "forms_out": {"minors": 1, "adults": 9, "professionals": 2},
            "minors": [{"meeting": 8, "plan": 7, "coordinator": 9}],
            "adults": [{"role": "main", "meeting": 8, "plan": 8, "coordinator": 9, "referrer": 7}],
            "professionals": [{"meeting": 7, "plan": 7, "coordinator": 8, "good_decision": "fully"}],
            "coordinator": {"professionals": 7, "regional_manager": 9},
        },
    }
    doc.update(overrides)
    return doc


def registered_case(id: str = "EKC-2024-AB12C", date: str = "2024-09-02", **overrides: Any) -> dict[str, Any]:
    doc = {
        "id": id,
        "variant": "family",
        "municipality": "GM0439",
        "referrer": "self",
        "minors_involved": False,
        "conditions": False,
        "professional_help": "unknown",
        "reasons": ["parenting"],
        "history": [{"phase": "registered", "date": date}],
    }
    doc.update(overrides)
    return doc


def personal_doc() -> dict[str, Any]:
    return {
        "main_persons": [{"name": "Sanne de Vries", "birth_date": "2012-05-01", "role": "child"}],
        "address": "Kerkstraat 1, 1441 AB Purmerend",
        "phone": "+31 6 98765432",
        "email": "s.devries@example.org",
        "network": [{"name": "Joop de Vries", "relation": "grandfather", "phone": "+31 6 11111111"}],
        "referrer_contact": {"name": "A. Jansen", "organisation": "Jeugdbescherming NH", "email": "a.jansen@example.org"},
        "preferences": {"coordinator_gender": "female", "languages": ["ar", "nl"], "culture": "Marokkaans-Nederlands", "coordinator_age": {"min": 35, "max": 65}},
        "exclude_coordinators": [],
        "notes": "free text\n",
    }


def dump(data: Any) -> str:
    """YAML as a person would write it: dates unquoted (strings that look like dates become dates)."""
    import io
    import re

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False
    stream = io.StringIO()
    yaml.dump(data, stream)
    # ruamel quotes date-like strings; in these fixtures they are meant as dates
    return re.sub(r"'(\d{4}-\d{2}-\d{2})'", r"\1", stream.getvalue())


class StoreBuilder:
    """Write a data repository: `StoreBuilder(tmp_path).with_case(closed_case()).write()`."""

    def __init__(self, root: Path):
        self.root = root
        self.municipalities = municipalities_doc()
        self.coordinators = {"coordinators": [coordinator()]}
        self.cases: list[tuple[dict, dict | None]] = []
        self.settings: dict | None = None
        self.purge_log: dict | None = None

    def with_case(self, case: dict, personal: dict | None = None) -> "StoreBuilder":
        self.cases.append((copy.deepcopy(case), copy.deepcopy(personal)))
        return self

    def write(self) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "municipalities.yaml").write_text(dump(self.municipalities))
        (self.root / "coordinators.yaml").write_text(dump(self.coordinators))
        if self.settings is not None:
            (self.root / "ekc.yaml").write_text(dump(self.settings))
        if self.purge_log is not None:
            (self.root / "purge-log.yaml").write_text(dump(self.purge_log))
        for case, personal in self.cases:
            folder = case_folder(self.root, case["id"])
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "case.yaml").write_text(dump(case))
            if personal is not None:
                (folder / "personal.yaml").write_text(dump(personal))
        return self.root


def case_folder(root: Path, case_id: str) -> Path:
    return root / "cases" / case_id[4:8] / case_id
