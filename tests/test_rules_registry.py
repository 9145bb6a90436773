"""Rules inside municipalities.yaml, coordinators.yaml, ekc.yaml, purge-log.yaml and
personal.yaml; unknown keys in every file kind. One test per rule, each from a valid store."""

from __future__ import annotations

import copy

import pytest

from tests.rulecheck import CLOSED_PERSONAL, at, edit, findings_of, the_one, valid_store, where
from tests.support.store import coordinator

MUNICIPALITIES = "municipalities.yaml"
COORDINATORS = "coordinators.yaml"


def purmerend(builder) -> dict:
    return builder.municipalities["municipalities"][0]


def rotterdam(builder) -> dict:
    return builder.municipalities["municipalities"][1]


def contract(id: str, start: str, end: str, **extra) -> dict:
    return {"id": id, "start": start, "end": end, "conferences": 4, **extra}


# -- municipalities.yaml ----------------------------------------------------------------------

def test_a_municipality_names_an_existing_region(tmp_path):
    builder = valid_store(tmp_path)
    rotterdam(builder)["region"] = "zeeland"
    root = builder.write()
    found = the_one(findings_of(root))
    assert where(found) == ("reference", "error", MUNICIPALITIES, *at(root, MUNICIPALITIES, "region: zeeland", "zeeland"))
    assert "'zeeland' is not in regions" in found.message


def test_region_ids_are_unique(tmp_path):
    builder = valid_store(tmp_path)
    builder.municipalities["regions"].append({"id": "rijnmond", "name": "Rijnmond bis"})
    root = builder.write()
    found = the_one(findings_of(root))
    assert where(found) == ("duplicate", "error", MUNICIPALITIES, *at(root, MUNICIPALITIES, "- id: rijnmond", "rijnmond", occurrence=2))


def test_municipality_codes_are_unique(tmp_path):
    builder = valid_store(tmp_path)
    builder.municipalities["municipalities"].append({**copy.deepcopy(rotterdam(builder)), "name": "Rotterdam bis"})
    root = builder.write()
    found = the_one(findings_of(root))
    assert where(found) == ("duplicate", "error", MUNICIPALITIES, *at(root, MUNICIPALITIES, "- code: GM0599", "GM0599", occurrence=2))
    assert "GM0599 is used twice" in found.message


def test_contract_ids_are_unique_across_the_file(tmp_path):
    builder = valid_store(tmp_path)
    rotterdam(builder)["contracts"] = [contract("PUR-2024", "2024-01-01", "2024-12-31")]
    root = builder.write()
    found = the_one(findings_of(root))
    assert where(found) == ("duplicate", "error", MUNICIPALITIES, *at(root, MUNICIPALITIES, "- id: PUR-2024", "PUR-2024", occurrence=2))


def test_contract_periods_of_one_municipality_never_overlap(tmp_path):
    builder = valid_store(tmp_path)
    purmerend(builder)["contracts"].append(contract("PUR-2025", "2024-12-31", "2025-12-31"))
    root = builder.write()
    found = the_one(findings_of(root))
    assert where(found) == ("overlap", "error", MUNICIPALITIES, *at(root, MUNICIPALITIES, "start: 2024-12-31", "2024-12-31"))
    assert "PUR-2025" in found.message and "PUR-2024" in found.message


def test_an_overlap_is_found_whatever_the_order_in_the_file(tmp_path):
    builder = valid_store(tmp_path)
    purmerend(builder)["contracts"].insert(0, contract("PUR-2024B", "2024-06-01", "2024-06-30"))
    root = builder.write()
    found = the_one(findings_of(root))
    assert where(found) == ("overlap", "error", MUNICIPALITIES, *at(root, MUNICIPALITIES, "start: 2024-06-01", "2024-06-01"))


def test_adjacent_contract_periods_are_fine(tmp_path):
    builder = valid_store(tmp_path)
    purmerend(builder)["contracts"].append(contract("PUR-2025", "2025-01-01", "2025-12-31"))
    assert findings_of(builder.write()) == []


def test_overlapping_periods_of_different_municipalities_are_fine(tmp_path):
    builder = valid_store(tmp_path)
    rotterdam(builder)["contracts"] = [contract("ROT-2024", "2024-01-01", "2024-12-31")]
    assert findings_of(builder.write()) == []


def test_a_contract_does_not_end_before_it_starts(tmp_path):
    builder = valid_store(tmp_path)
    rotterdam(builder)["contracts"] = [contract("ROT-2024", "2024-06-01", "2024-05-31")]
    root = builder.write()
    found = the_one(findings_of(root))
    assert where(found) == ("period", "error", MUNICIPALITIES, *at(root, MUNICIPALITIES, "end: 2024-05-31", "2024-05-31"))


def test_a_province_is_one_of_the_twelve(tmp_path):
    builder = valid_store(tmp_path)
    rotterdam(builder)["province"] = "South Holland"
    root = builder.write()
    found = the_one(findings_of(root))
    assert where(found) == ("value", "error", MUNICIPALITIES, *at(root, MUNICIPALITIES, "province: South Holland", "South Holland"))


def test_a_municipality_code_has_its_cbs_form(tmp_path):
    builder = valid_store(tmp_path)
    rotterdam(builder)["code"] = "GM599"
    root = builder.write()
    found = the_one(findings_of(root))
    assert where(found) == ("format", "error", MUNICIPALITIES, *at(root, MUNICIPALITIES, "code: GM599", "GM599"))


def test_a_contract_variant_is_a_known_variant(tmp_path):
    builder = valid_store(tmp_path)
    purmerend(builder)["contracts"][0]["variants"] = ["family", "famliy"]
    root = builder.write()
    found = the_one(findings_of(root))
    assert where(found) == ("value", "error", MUNICIPALITIES, *at(root, MUNICIPALITIES, "- famliy", "famliy"))


# -- coordinators.yaml ------------------------------------------------------------------------

def test_coordinator_ids_are_unique(tmp_path):
    builder = valid_store(tmp_path)
    builder.coordinators["coordinators"].append(coordinator("C-0042", name="Someone Else"))
    root = builder.write()
    found = the_one(findings_of(root))
    assert where(found) == ("duplicate", "error", COORDINATORS, *at(root, COORDINATORS, "- id: C-0042", "C-0042", occurrence=2))


@pytest.mark.parametrize("code", ["ara", "xx", "qqq", "dut"])
def test_languages_are_iso_639_codes_preferring_639_1(tmp_path, code):
    builder = valid_store(tmp_path)
    builder.coordinators["coordinators"][0]["languages"] = ["nl", code]
    root = builder.write()
    found = the_one(findings_of(root))
    assert where(found) == ("language", "error", COORDINATORS, *at(root, COORDINATORS, f"- {code}", code))
    assert f"{code!r} is not an ISO 639 language code" in found.message


@pytest.mark.parametrize("code", ["nl", "ar", "zgh", "pap", "tr"])
def test_valid_language_codes(tmp_path, code):
    builder = valid_store(tmp_path)
    builder.coordinators["coordinators"][0]["languages"] = [code]
    assert findings_of(builder.write()) == []


def test_a_language_code_is_lower_case(tmp_path):
    builder = valid_store(tmp_path)
    builder.coordinators["coordinators"][0]["languages"] = ["NL"]
    root = builder.write()
    found = the_one(findings_of(root))
    assert where(found) == ("format", "error", COORDINATORS, *at(root, COORDINATORS, "- NL", "NL"))


def test_ek2_follows_ek1(tmp_path):
    builder = valid_store(tmp_path)
    builder.coordinators["coordinators"][0]["trained"] = {"ek1": "2019-06-21", "ek2": "2019-06-20"}
    root = builder.write()
    found = the_one(findings_of(root))
    assert where(found) == ("training", "error", COORDINATORS, *at(root, COORDINATORS, "ek2: 2019-06-20", "2019-06-20"))


def test_an_unavailable_period_does_not_end_before_it_starts(tmp_path):
    builder = valid_store(tmp_path)
    builder.coordinators["coordinators"][0]["unavailable"] = [{"from": "2024-08-09", "to": "2024-07-15"}]
    root = builder.write()
    found = the_one(findings_of(root))
    assert where(found) == ("period", "error", COORDINATORS, *at(root, COORDINATORS, "- from: 2024-08-09", "from"))


def test_a_coordinator_gender_is_from_the_list(tmp_path):
    builder = valid_store(tmp_path)
    builder.coordinators["coordinators"][0]["gender"] = "f"
    root = builder.write()
    found = the_one(findings_of(root))
    assert where(found) == ("value", "error", COORDINATORS, *at(root, COORDINATORS, "gender: f", "f"))


def test_a_quoted_number_is_a_type_error(tmp_path):
    root = valid_store(tmp_path).write()
    edit(root, COORDINATORS, "max_cases: 3", "max_cases: '3'")
    found = the_one(findings_of(root))
    assert where(found) == ("type", "error", COORDINATORS, *at(root, COORDINATORS, "max_cases: '3'", "'3'"))


# -- ekc.yaml ---------------------------------------------------------------------------------

def test_settings_are_optional_and_checked_when_present(tmp_path):
    builder = valid_store(tmp_path)
    builder.settings = {"retention_months": 3, "appointment_within_days": 2}
    assert findings_of(builder.write()) == []


def test_a_setting_out_of_range_is_refused(tmp_path):
    builder = valid_store(tmp_path)
    builder.settings = {"retention_months": -1}
    root = builder.write()
    found = the_one(findings_of(root))
    assert where(found) == ("value", "error", "ekc.yaml", *at(root, "ekc.yaml", "retention_months: -1", "-1"))


# -- unknown keys in every file kind ------------------------------------------------------------

def _region(b):
    b.municipalities["regions"][0]["name_nl"] = "x"
    return "municipalities.yaml", "name_nl"


def _municipality(b):
    purmerend(b)["inhabitants"] = 90000
    return "municipalities.yaml", "inhabitants"


def _contract(b):
    purmerend(b)["contracts"][0]["budget"] = 1
    return "municipalities.yaml", "budget"


def _municipalities_top(b):
    b.municipalities["provinces"] = []
    return "municipalities.yaml", "provinces"


def _coordinator(b):
    b.coordinators["coordinators"][0]["mobile"] = "x"
    return "coordinators.yaml", "mobile"


def _training(b):
    b.coordinators["coordinators"][0]["trained"]["ek3"] = "2022-01-01"
    return "coordinators.yaml", "ek3"


def _coordinators_top(b):
    b.coordinators["pool"] = "national"
    return "coordinators.yaml", "pool"


def _settings(b):
    b.settings = {"retention_month": 3}
    return "ekc.yaml", "retention_month"


def _purge_log(b):
    b.purge_log = {"purges": [{"case": "EKC-2023-ABCDE", "closed": "2023-01-31", "purged": "2023-05-01",
                               "paths": ["cases/2023/EKC-2023-ABCDE/personal.yaml"], "by": "office"}]}
    return "purge-log.yaml", "by"


def _personal(b):
    b.cases[0][1]["bsn"] = "x"
    return CLOSED_PERSONAL, "bsn"


def _personal_nested(b):
    b.cases[0][1]["preferences"]["religion"] = "x"
    return CLOSED_PERSONAL, "religion"


@pytest.mark.parametrize(
    "breaker",
    [_region, _municipality, _contract, _municipalities_top, _coordinator, _training, _coordinators_top,
     _settings, _purge_log, _personal, _personal_nested],
    ids=lambda f: f.__name__.strip("_"),
)
def test_unknown_keys_are_errors_in_every_file_kind(tmp_path, breaker):
    builder = valid_store(tmp_path)
    path, key = breaker(builder)
    root = builder.write()
    found = the_one(findings_of(root))
    assert where(found) == ("unknown-key", "error", path, *at(root, path, f"{key}:", key))
    assert f"unknown key '{key}'" in found.message


# -- personal.yaml ----------------------------------------------------------------------------

def test_a_skeleton_personal_file_is_valid(tmp_path):
    builder = valid_store(tmp_path)
    builder.cases[0] = (builder.cases[0][0], {"main_persons": []})
    assert findings_of(builder.write()) == []


def test_personal_email_has_the_form_of_an_address(tmp_path):
    builder = valid_store(tmp_path)
    builder.cases[0][1]["email"] = "not an address"
    root = builder.write()
    found = the_one(findings_of(root))
    assert where(found) == ("format", "error", CLOSED_PERSONAL, *at(root, CLOSED_PERSONAL, "email: not an address", "not an address"))


def test_an_age_preference_has_min_below_max(tmp_path):
    builder = valid_store(tmp_path)
    builder.cases[0][1]["preferences"]["coordinator_age"] = {"min": 70, "max": 30}
    root = builder.write()
    found = the_one(findings_of(root))
    assert (found.code, found.path, found.line) == ("value", CLOSED_PERSONAL, at(root, CLOSED_PERSONAL, "min: 70")[0])


def test_a_duplicated_municipality_code_is_judged_by_its_first_entry(tmp_path):
    """The second entry (no contracts) must not make every case of the first unfunded."""
    builder = valid_store(tmp_path)
    builder.municipalities["municipalities"].append({**copy.deepcopy(rotterdam(builder)), "code": "GM0439", "name": "Purmerend bis"})
    root = builder.write()
    found = the_one(findings_of(root))
    assert where(found) == ("duplicate", "error", MUNICIPALITIES, *at(root, MUNICIPALITIES, "- code: GM0439", "GM0439", occurrence=2))


def test_a_duplicated_region_id_is_judged_by_its_first_entry(tmp_path):
    from ekc.store.loader import load

    builder = valid_store(tmp_path)
    builder.municipalities["regions"].append({"id": "rijnmond", "name": "Rijnmond bis"})
    root = builder.write()
    assert load(root, use_cache=False).store.regions["rijnmond"].name == "Rijnmond"
