"""Rules inside municipalities.yaml and coordinators.yaml: uniqueness, periods, references."""

from collections import Counter

from ekc.core.findings import Finding, error
from ekc.model.coordinators import CoordinatorsFile
from ekc.model.municipalities import MunicipalitiesFile

MUNICIPALITIES = "municipalities.yaml"
COORDINATORS = "coordinators.yaml"


def _duplicates(values: list[str]) -> set[str]:
    return {value for value, count in Counter(values).items() if count > 1}


def check_municipalities(doc: MunicipalitiesFile, path: str = MUNICIPALITIES) -> list[Finding]:
    found = []
    region_ids = [r.id for r in doc.regions]
    for i, region in enumerate(doc.regions):
        if region.id in _duplicates(region_ids) and region_ids.index(region.id) != i:
            found.append(error(path, "duplicate", f"region id {region.id} is used twice", ("regions", i, "id")))
    seen_codes: set[str] = set()
    seen_contracts: set[str] = set()
    known_regions = set(region_ids)
    for i, municipality in enumerate(doc.municipalities):
        loc = ("municipalities", i)
        if municipality.code in seen_codes:
            found.append(error(path, "duplicate", f"municipality code {municipality.code} is used twice", loc + ("code",)))
        seen_codes.add(municipality.code)
        if municipality.region not in known_regions:
            found.append(error(path, "reference", f"region {municipality.region!r} is not in regions", loc + ("region",)))
        for j, contract in enumerate(municipality.contracts):
            cloc = loc + ("contracts", j)
            if contract.id in seen_contracts:
                found.append(error(path, "duplicate", f"contract id {contract.id} is used twice", cloc + ("id",)))
            seen_contracts.add(contract.id)
            if contract.end < contract.start:
                found.append(error(path, "period", f"contract {contract.id} ends ({contract.end}) before it starts ({contract.start})", cloc + ("end",)))
        ordered = sorted(enumerate(municipality.contracts), key=lambda pair: pair[1].start)
        for (_, earlier), (j, later) in zip(ordered, ordered[1:]):
            if later.start <= earlier.end:
                found.append(error(
                    path, "overlap",
                    f"contract {later.id} ({later.start}..{later.end}) overlaps {earlier.id} ({earlier.start}..{earlier.end}) of {municipality.name}",
                    loc + ("contracts", j, "start"),
                ))
    return found


def check_coordinators(doc: CoordinatorsFile, path: str = COORDINATORS) -> list[Finding]:
    from ekc.match.languages import language_name

    found = []
    seen: set[str] = set()
    for i, coordinator in enumerate(doc.coordinators):
        loc = ("coordinators", i)
        if coordinator.id in seen:
            found.append(error(path, "duplicate", f"coordinator id {coordinator.id} is used twice", loc + ("id",)))
        seen.add(coordinator.id)
        for j, code in enumerate(coordinator.languages):
            if language_name(code) is None:
                found.append(error(path, "language", f"{code!r} is not an ISO 639 language code", loc + ("languages", j)))
        if coordinator.trained.ek2 is not None and coordinator.trained.ek2 < coordinator.trained.ek1:
            found.append(error(path, "training", "ek2 is dated before ek1; EK-2 follows the basic training", loc + ("trained", "ek2")))
        for j, period in enumerate(coordinator.unavailable):
            if period.end < period.start:
                found.append(error(path, "period", f"unavailable period ends ({period.end}) before it starts ({period.start})", loc + ("unavailable", j)))
    return found
