"""Rules between files: references, duplicate case ids, stray files, the purge log and
funding of starts. One test per rule, each from the valid store of tests/rulecheck.py."""

from __future__ import annotations

import pytest

from tests.rulecheck import (
    CLOSED_ID, CLOSED_PATH, CLOSED_PERSONAL, OPEN_PATH, at, case_folder, findings_of, the_one,
    valid_store, where,
)
from tests.support.store import closed_case, registered_case

COORDINATORS = "coordinators.yaml"


def started_case(**overrides) -> dict:
    """The open case, moved on to its informative talk (a start) with a coordinator."""
    case = registered_case(
        coordinator="C-0042",
        history=[{"phase": "registered", "date": "2024-09-02"}, {"phase": "informative_talk", "date": "2024-09-04"}],
    )
    case.update(overrides)
    return case


# -- references from case.yaml -----------------------------------------------------------------

def test_a_case_names_an_existing_municipality(tmp_path):
    root = valid_store(tmp_path, open_case=registered_case(municipality="GM9999")).write()
    found = the_one(findings_of(root))
    assert where(found) == ("reference", "error", OPEN_PATH, *at(root, OPEN_PATH, "municipality: GM9999", "GM9999"))
    assert "GM9999 is not in municipalities.yaml" in found.message


def test_a_case_names_an_existing_coordinator(tmp_path):
    root = valid_store(tmp_path, closed=closed_case(coordinator="C-0099")).write()
    found = the_one(findings_of(root))
    assert where(found) == ("reference", "error", CLOSED_PATH, *at(root, CLOSED_PATH, "coordinator: C-0099", "C-0099"))


def test_a_registered_case_may_name_its_coordinator_early(tmp_path):
    root = valid_store(tmp_path, open_case=registered_case(coordinator="C-0042")).write()
    assert findings_of(root) == []


@pytest.mark.parametrize("variant", ["restorative", "group"])
def test_restorative_and_group_cases_need_an_ek2_coordinator(tmp_path, variant):
    builder = valid_store(tmp_path, closed=closed_case(variant=variant))
    builder.coordinators["coordinators"][0]["trained"] = {"ek1": "2019-06-21"}
    root = builder.write()
    found = the_one(findings_of(root))
    assert where(found) == ("ek2", "error", CLOSED_PATH, *at(root, CLOSED_PATH, "coordinator: C-0042", "C-0042"))
    assert f"a {variant} case needs a coordinator trained in EK-2" in found.message


@pytest.mark.parametrize("variant", ["restorative", "group"])
def test_an_ek2_coordinator_may_take_restorative_and_group_cases(tmp_path, variant):
    root = valid_store(tmp_path, closed=closed_case(variant=variant)).write()
    assert findings_of(root) == []


@pytest.mark.parametrize("variant", ["family", "individual"])
def test_family_and_individual_cases_need_no_ek2(tmp_path, variant):
    builder = valid_store(tmp_path, closed=closed_case(variant=variant))
    builder.coordinators["coordinators"][0]["trained"] = {"ek1": "2019-06-21"}
    assert findings_of(builder.write()) == []


def test_exclude_coordinators_names_existing_coordinators(tmp_path):
    builder = valid_store(tmp_path)
    builder.cases[0][1]["exclude_coordinators"] = ["C-0042", "C-0007"]
    root = builder.write()
    found = the_one(findings_of(root))
    assert where(found) == ("reference", "error", CLOSED_PERSONAL, *at(root, CLOSED_PERSONAL, "- C-0007", "C-0007"))


# -- references from coordinators.yaml --------------------------------------------------------

def test_a_coordinator_region_is_a_region_of_municipalities_yaml(tmp_path):
    builder = valid_store(tmp_path)
    builder.coordinators["coordinators"][0]["regions"] = ["noord-holland-noord", "twente"]
    root = builder.write()
    found = the_one(findings_of(root))
    assert where(found) == ("reference", "error", COORDINATORS, *at(root, COORDINATORS, "- twente", "twente"))


def test_a_coordinator_home_is_a_municipality(tmp_path):
    builder = valid_store(tmp_path)
    builder.coordinators["coordinators"][0]["home"] = "GM0001"
    root = builder.write()
    found = the_one(findings_of(root))
    assert where(found) == ("reference", "error", COORDINATORS, *at(root, COORDINATORS, "home: GM0001", "GM0001"))


# -- a file that does not load does not drag the others down ----------------------------------------

def test_a_broken_municipalities_file_adds_no_error_to_each_case(tmp_path):
    builder = valid_store(tmp_path)
    builder.municipalities["municipalities"][1]["province"] = "South Holland"
    root = builder.write()
    found = the_one(findings_of(root))
    assert (found.path, found.code) == ("municipalities.yaml", "value")


def test_a_broken_coordinators_file_adds_no_error_to_each_case(tmp_path):
    builder = valid_store(tmp_path)
    builder.cases[0][1]["exclude_coordinators"] = ["C-0042"]
    builder.coordinators["coordinators"][0]["gender"] = "f"
    root = builder.write()
    found = the_one(findings_of(root))
    assert (found.path, found.code) == (COORDINATORS, "value")


def test_one_unreadable_case_does_not_stop_the_rules_of_another(tmp_path):
    root = valid_store(tmp_path, open_case=registered_case(municipality="GM9999")).write()
    (root / CLOSED_PATH).write_bytes(b"id: [unclosed\n")
    found = sorted(where(f) for f in findings_of(root))
    assert found == [
        ("reference", "error", OPEN_PATH, *at(root, OPEN_PATH, "municipality: GM9999", "GM9999")),
        ("yaml", "error", CLOSED_PATH, 2, 1),
    ]


# -- case ids and folders ---------------------------------------------------------------------

def test_a_case_id_is_used_once_across_year_folders(tmp_path):
    root = valid_store(tmp_path).write()
    copy_folder = root / "cases" / "2025" / CLOSED_ID
    copy_folder.mkdir(parents=True)
    (copy_folder / "case.yaml").write_bytes((root / CLOSED_PATH).read_bytes())
    copy_path = f"cases/2025/{CLOSED_ID}/case.yaml"
    found = {f.code: f for f in findings_of(root)}
    assert set(found) == {"duplicate", "id"}  # the copy also lies under the wrong year
    assert where(found["duplicate"]) == ("duplicate", "error", copy_path, *at(root, copy_path, f"id: {CLOSED_ID}", CLOSED_ID))
    assert f"also used by {CLOSED_PATH}" in found["duplicate"].message


def test_a_case_id_is_used_once_even_in_a_misnamed_folder(tmp_path):
    root = valid_store(tmp_path).write()
    other = case_folder(root, "EKC-2024-ZZZZZ")
    other.mkdir(parents=True)
    (other / "case.yaml").write_bytes((root / CLOSED_PATH).read_bytes())
    path = "cases/2024/EKC-2024-ZZZZZ/case.yaml"
    found = {f.code: f for f in findings_of(root)}
    assert set(found) == {"duplicate", "id"}
    assert (found["duplicate"].path, found["id"].path) == (path, path)


@pytest.mark.parametrize(
    "stray",
    [
        f"cases/2024/{CLOSED_ID}/notes.txt",
        f"cases/2024/{CLOSED_ID}/personal.yaml.bak",
        f"cases/2024/{CLOSED_ID}/scan.pdf",
        "cases/2024/README.md",
        "cases/overview.csv",
    ],
)
def test_a_stray_file_under_cases_is_an_error(tmp_path, stray):
    root = valid_store(tmp_path).write()
    (root / stray).write_text("Sanne de Vries\n")
    found = the_one(findings_of(root))
    assert where(found) == ("stray", "error", stray, 1, 1)
    assert "escape the purge" in found.message


def test_a_folder_inside_a_case_folder_is_stray(tmp_path):
    root = valid_store(tmp_path).write()
    (case_folder(root, CLOSED_ID) / "attachments").mkdir()
    found = the_one(findings_of(root))
    assert where(found) == ("stray", "error", f"cases/2024/{CLOSED_ID}/attachments", 1, 1)


def test_personal_data_without_its_case_is_an_error(tmp_path):
    root = valid_store(tmp_path).write()
    (case_folder(root, CLOSED_ID) / "case.yaml").unlink()
    found = the_one(findings_of(root))
    assert where(found) == ("orphan", "error", CLOSED_PERSONAL, 1, 1)
    assert "never be purged" in found.message


def test_files_outside_cases_are_not_data(tmp_path):
    root = valid_store(tmp_path).write()
    (root / "README.md").write_text("# data\n")
    (root / ".github").mkdir()
    (root / ".github" / "ci.yml").write_text("on: push\n")
    assert findings_of(root) == []


# -- purge log ----------------------------------------------------------------------------------

def purge_record(**overrides) -> dict:
    record = {"case": CLOSED_ID, "closed": "2024-06-30", "purged": "2024-10-01", "paths": [CLOSED_PERSONAL]}
    record.update(overrides)
    return record


def test_a_purged_path_that_exists_again_is_an_error(tmp_path):
    builder = valid_store(tmp_path)
    builder.purge_log = {"purges": [purge_record()]}
    root = builder.write()
    found = the_one(findings_of(root))
    assert where(found) == ("purged-back", "error", CLOSED_PERSONAL, 1, 1)
    assert "purged on 2024-10-01" in found.message


def test_a_purged_path_that_stays_gone_is_fine(tmp_path):
    builder = valid_store(tmp_path)
    builder.cases[0] = (builder.cases[0][0], None)
    builder.purge_log = {"purges": [purge_record()]}
    assert findings_of(builder.write()) == []


def test_a_purge_is_not_dated_before_the_closure(tmp_path):
    builder = valid_store(tmp_path)
    builder.cases[0] = (builder.cases[0][0], None)
    builder.purge_log = {"purges": [purge_record(purged="2024-06-29")]}
    root = builder.write()
    found = the_one(findings_of(root))
    assert where(found) == ("purge-log", "error", "purge-log.yaml", *at(root, "purge-log.yaml", "purged: 2024-06-29", "2024-06-29"))


def test_a_purge_record_names_a_well_formed_case_id(tmp_path):
    builder = valid_store(tmp_path)
    builder.cases[0] = (builder.cases[0][0], None)
    builder.purge_log = {"purges": [purge_record(case="Sanne de Vries")]}
    root = builder.write()
    found = the_one(findings_of(root))
    assert where(found) == ("format", "error", "purge-log.yaml", *at(root, "purge-log.yaml", "case: Sanne de Vries", "Sanne"))


# -- funding of starts ------------------------------------------------------------------------

def test_a_start_without_a_covering_contract_is_a_warning(tmp_path):
    root = valid_store(tmp_path, open_case=started_case(municipality="GM0599")).write()
    found = the_one(findings_of(root))
    assert where(found) == ("unfunded", "warning", OPEN_PATH, *at(root, OPEN_PATH, "- phase: informative_talk", "phase"))
    assert "2024-09-04 is not covered by a contract of GM0599 for variant family" in found.message


def test_a_start_outside_the_contract_period_is_a_warning(tmp_path):
    case = started_case(
        id="EKC-2025-AB12C",
        history=[{"phase": "registered", "date": "2025-01-02"}, {"phase": "informative_talk", "date": "2025-01-03"}],
    )
    root = valid_store(tmp_path, open_case=case).write()
    path = "cases/2025/EKC-2025-AB12C/case.yaml"
    found = the_one(findings_of(root))
    assert where(found) == ("unfunded", "warning", path, *at(root, path, "- phase: informative_talk", "phase"))


def test_a_start_of_a_variant_the_contract_excludes_is_a_warning(tmp_path):
    builder = valid_store(tmp_path, open_case=started_case(variant="individual"))
    builder.municipalities["municipalities"][0]["contracts"][0]["variants"] = ["family"]
    root = builder.write()
    found = the_one(findings_of(root))
    assert (found.code, found.severity, found.path) == ("unfunded", "warning", OPEN_PATH)
    assert "variant individual" in found.message


def test_unfunded_start_true_silences_the_warning(tmp_path):
    root = valid_store(tmp_path, open_case=started_case(municipality="GM0599", unfunded_start=True)).write()
    assert findings_of(root) == []


def test_a_case_that_has_not_started_needs_no_contract(tmp_path):
    root = valid_store(tmp_path, open_case=registered_case(municipality="GM0599")).write()
    assert findings_of(root) == []


def test_a_covered_start_on_the_contract_end_date_is_fine(tmp_path):
    case = started_case(history=[{"phase": "registered", "date": "2024-12-30"}, {"phase": "informative_talk", "date": "2024-12-31"}])
    root = valid_store(tmp_path, open_case=case).write()
    assert findings_of(root) == []


def test_the_coordinator_pool_file_may_be_absent_when_no_case_names_one(tmp_path):
    builder = valid_store(tmp_path)
    builder.cases = [(registered_case(), None)]
    root = builder.write()
    (root / COORDINATORS).unlink()
    assert findings_of(root) == []


@pytest.mark.parametrize("logged", [
    "cases/2024/EKC-2024-K7Q2M/case.yaml",  # validate then told the user to delete a case.yaml
    "intake/Jansen-Sanne/personal.yaml",  # a path that itself holds a name
    "cases/2024/EKC-2024-AB12C/personal.yaml",  # another case's file
])
def test_a_logged_path_is_the_cases_own_personal_yaml(tmp_path, logged):
    builder = valid_store(tmp_path)
    builder.purge_log = {"purges": [purge_record(paths=[logged])]}
    root = builder.write()
    found = [f for f in findings_of(root) if f.path == "purge-log.yaml"]
    assert [f.code for f in found] == ["purge-log"]
    assert "own personal.yaml" in found[0].message
    assert not [f for f in findings_of(root) if f.code == "purged-back"]
