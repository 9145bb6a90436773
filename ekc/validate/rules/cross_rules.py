"""Rules that hold between files: references, uniqueness of ids, folder names, purge log."""

from datetime import date

from ekc.budget.funding import funding
from ekc.core.findings import Finding, error, warning
from ekc.model.datastore import CaseFile, DataStore
from ekc.model.vocabulary import EK2_VARIANTS
from ekc.validate.rules.registry_rules import COORDINATORS, MUNICIPALITIES


def check_references(store: DataStore, unreadable: frozenset[str] | set[str] = frozenset()) -> list[Finding]:
    """`unreadable`: registry files that did not load. Their own errors say why; checking
    references against them would add one false error to every case that names them."""
    municipalities_known, coordinators_known = registries_known(unreadable)
    found = check_coordinator_references(store, unreadable)
    for case_file in store.cases.values():
        found.extend(check_case_references(store, case_file, municipalities_known, coordinators_known))
    return found


def registries_known(unreadable) -> tuple[bool, bool]:
    return MUNICIPALITIES not in unreadable, COORDINATORS not in unreadable


def check_coordinator_references(store: DataStore, unreadable: frozenset[str] | set[str] = frozenset()) -> list[Finding]:
    """The regions and home of each coordinator exist in municipalities.yaml."""
    found: list[Finding] = []
    for index, coordinator in enumerate(store.coordinators.values()):
        if MUNICIPALITIES in unreadable:
            break
        loc = ("coordinators", index)
        for j, region in enumerate(coordinator.regions):
            if region not in store.regions:
                found.append(error(COORDINATORS, "reference", f"region {region!r} is not in municipalities.yaml", loc + ("regions", j)))
        if coordinator.home is not None and coordinator.home not in store.municipalities:
            found.append(error(COORDINATORS, "reference", f"home {coordinator.home} is not in municipalities.yaml", loc + ("home",)))
    return found


def check_case_references(
    store: DataStore, case_file: CaseFile, municipalities_known: bool = True, coordinators_known: bool = True
) -> list[Finding]:
    case, path = case_file.case, case_file.path
    found = []
    if municipalities_known and case.municipality not in store.municipalities:
        found.append(error(path, "reference", f"municipality {case.municipality} is not in municipalities.yaml", ("municipality",)))
    if case.coordinator is not None and coordinators_known:
        coordinator = store.coordinators.get(case.coordinator)
        if coordinator is None:
            found.append(error(path, "reference", f"coordinator {case.coordinator} is not in coordinators.yaml", ("coordinator",)))
        elif case.variant in EK2_VARIANTS and not coordinator.has_ek2:
            found.append(error(path, "ek2", f"a {case.variant} case needs a coordinator trained in EK-2; {coordinator.id} is not", ("coordinator",)))
    started = case.started_on
    if started is not None and not case.unfunded_start and case.municipality in store.municipalities:
        if not _funded(store.municipalities.get(case.municipality), started, case.variant):
            found.append(warning(
                path, "unfunded",
                f"the start on {started} is not covered by a contract of {case.municipality} for variant {case.variant} "
                "(set unfunded_start: true if it was let through knowingly)",
                ("history", case.start_index),
            ))
    if case_file.personal is not None and coordinators_known:
        for j, excluded in enumerate(case_file.personal.exclude_coordinators):
            if excluded not in store.coordinators:
                found.append(error(case_file.personal_path, "reference", f"coordinator {excluded} is not in coordinators.yaml", ("exclude_coordinators", j)))
    return found


def check_case_placement(path: str, case_id: str, registered: date) -> list[Finding]:
    """The folder is the id, and the year folder is the year of registration."""
    parts = path.split("/")
    found = []
    if len(parts) == 4 and parts[2] != case_id:
        found.append(error(path, "id", f"id {case_id} does not equal its folder name {parts[2]}", ("id",)))
    if len(parts) == 4 and parts[1] != str(registered.year):
        found.append(error(path, "id", f"the case was registered in {registered.year} but lies under cases/{parts[1]}/", ("history", 0, "date")))
    if case_id[4:8] != str(registered.year):
        found.append(error(path, "id", f"id {case_id} names year {case_id[4:8]} but the case was registered in {registered.year}", ("id",)))
    return found


def check_unique_case_ids(paths_by_id: dict[str, list[str]]) -> list[Finding]:
    found = []
    for case_id, paths in paths_by_id.items():
        for path in paths[1:]:
            found.append(error(path, "duplicate", f"case id {case_id} is also used by {paths[0]}", ("id",)))
    return found


def check_purge_log(store: DataStore, present_paths: set[str], path: str = "purge-log.yaml") -> list[Finding]:
    """A logged path that exists again is purged data brought back."""
    found = []
    for i, record in enumerate(store.purge_log.purges):
        for j, logged in enumerate(record.paths):
            if not _own_personal_path(logged, record.case):
                found.append(error(
                    path, "purge-log",
                    f"a logged path is the case's own personal.yaml, like cases/{record.case[4:8]}/{record.case}/personal.yaml; "
                    f"{logged!r} is not (a path elsewhere may hold a name: it is counted in other_paths, never written)",
                    ("purges", i, "paths", j),
                ))
                continue
            if logged in present_paths:
                found.append(error(logged, "purged-back", f"this file was purged on {record.purged} (purge-log.yaml) and must not come back; delete it", ()))
        if record.purged < record.closed:
            found.append(error(path, "purge-log", f"case {record.case} purged ({record.purged}) before it closed ({record.closed})", ("purges", i, "purged")))
    return found


def _own_personal_path(logged: str, case_id: str) -> bool:
    parts = logged.split("/")
    return len(parts) == 4 and parts[0] == "cases" and len(parts[1]) == 4 and parts[1].isdigit() \
        and parts[2] == case_id and parts[3] == "personal.yaml"


def check_orphan_personal(present_paths: set[str]) -> list[Finding]:
    """personal.yaml without its case.yaml: no closure date, so no purge would ever take it."""
    return [
        error(path, "orphan", "personal data without a case.yaml beside it: it would never be purged; restore the case or delete this file").located(1, 1)
        for path in sorted(present_paths)
        if path.startswith("cases/") and path.endswith("/personal.yaml") and path[: -len("personal.yaml")] + "case.yaml" not in present_paths
    ]


def _funded(municipality, started: date, variant: str) -> bool:
    """Whether a contract of the municipality pays for this start (ekc.budget.funding).

    Kept per (municipality, date, variant): in a cold run thousands of cases start on the
    same days in the same municipality, and the answer does not change within a run. The
    municipality model itself is part of the key, so an edited contract is a new entry.
    """
    key = (id(municipality), started, variant)
    hit = _FUNDED.get(key)
    if hit is None or hit[0] is not municipality:
        if len(_FUNDED) > 100_000:
            _FUNDED.clear()
        hit = _FUNDED[key] = (municipality, funding(municipality, started, variant)[0] is not None)
    return hit[1]


_FUNDED: dict = {}


def check_registries_present(store: DataStore, present_paths: set[str]) -> list[Finding]:
    """coordinators.yaml missing while a case names a coordinator: a finding of its own, at
    the file, besides "C-0042 is not in coordinators.yaml" at each case. (With no case
    naming one, the file may be absent: a new foundation has no coordinators yet.)"""
    named = any(case_file.case.coordinator for case_file in store.cases.values())
    if named and "coordinators.yaml" not in present_paths:
        return [error("coordinators.yaml", "missing-file",
                      "coordinators.yaml is missing, but cases name coordinators: restore it "
                      "(`git checkout coordinators.yaml`) or create it (`coordinators: []`, then add them)").located(1, 1)]
    return []
