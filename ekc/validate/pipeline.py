"""`ekc validate`: every rule of DATA-FORMAT.md over the loaded repository.

The per-file verdicts come from the store index (ekc/store/loader.py). The cross-file
rules run incrementally: per case, its reference and funding findings and its attention
dates are kept in `cross.pickle` with the exact inputs they were computed from (the case's
content key, its personal summary, its municipality's and coordinator's entries, whether
the registries loaded, the retention). A case whose inputs are all equal is not judged
again; any other is. What depends on today is compared afresh on every run.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from ekc.core.findings import Report
from ekc.core.identifying import PersonalStrings
from ekc.validate.rules.comments import check_comment_names
from ekc.store import cache as verdict_cache
from ekc.store.loader import REWRITE_FRACTION, Loaded, load, locate_files
from ekc.validate.rules.attention import attention_dates, case_attention, check_attention, coordinator_attention
from ekc.validate.rules.cross_rules import (
    check_case_references,
    check_coordinator_references,
    check_orphan_personal,
    check_purge_log,
    check_references,
    check_registries_present,
    registries_known,
)

CROSS_FILE = "cross.pickle"


def cross_file_findings(loaded: Loaded, today: date) -> list:
    """All cross-file rules over the whole store, from scratch (the reference the
    incremental path is tested against)."""
    store = loaded.store
    return [
        *check_references(store, loaded.unreadable),
        *check_purge_log(store, loaded.present_paths),
        *check_orphan_personal(loaded.present_paths),
        *check_registries_present(store, loaded.present_paths),
        *check_attention(store, today),
        *comment_name_findings(loaded),
    ]


def comment_name_findings(loaded: Loaded) -> list:
    """The case's own names in its case.yaml comments. Only files holding a `#` are read
    again (the loader noted them, kept in the index), and their personal.yaml read leniently:
    a personal file with errors still names the persons that must not be in a comment."""
    found = []
    for path in sorted(loaded.commented):
        personal_path = path[: -len("case.yaml")] + "personal.yaml"
        if personal_path not in loaded.present_paths:
            continue
        try:
            text = (loaded.root / path).read_text(encoding="utf-8")
            personal = personal_strings((loaded.root / personal_path).read_bytes())
        except (OSError, UnicodeDecodeError):
            continue
        found.extend(check_comment_names(path, text, personal))
    return found


def personal_strings(raw: bytes) -> PersonalStrings:
    from ekc.core.identifying import of_personal_document
    from ekc.store.yamlio import parse

    parsed = parse("personal.yaml", raw)
    return of_personal_document(parsed.data) if parsed.ok else PersonalStrings()


def validate(root: Path, today: date, use_cache: bool = True) -> Report:
    loaded = load(root, use_cache=use_cache, models=False, lazy_purge_log=use_cache)
    if use_cache:
        cross = incremental_cross_findings(loaded, today)
    else:
        cross = locate_files(root, cross_file_findings(loaded, today))
    findings = loaded.findings + cross
    findings.sort(key=lambda f: f.sort_key())
    return Report(findings=findings, files_checked=loaded.files_checked)


def _digest(model) -> bytes | None:
    """Of a registry entry, the same in every process (a pickle is not: it holds sets)."""
    return None if model is None else hashlib.sha1(model.model_dump_json().encode()).digest()



def _as_of(hit: tuple, today: date) -> list:
    """A case's kept cross-file findings, with its dated warnings once today reaches them."""
    found = list(hit[1])
    if hit[2] is not None and today >= hit[2]:
        found.extend(hit[4])
    if hit[3] is not None and hit[3] <= today:
        found.extend(hit[5])
    return found

def incremental_cross_findings(loaded: Loaded, today: date) -> list:
    """The same findings as `locate_files(cross_file_findings(...))`, re-judging only the
    cases whose inputs changed (a property test pins the equality)."""
    root, store = loaded.root, loaded.store
    location = verdict_cache.cache_dir(root) / CROSS_FILE
    document = verdict_cache.read_index(location)
    old = document.get("entries", {})
    new: dict = {}
    judged = 0
    known = registries_known(loaded.unreadable)
    retention = store.settings.retention_months
    municipalities = {code: _digest(m) for code, m in store.municipalities.items()}
    coordinators: dict = {code: _digest(c) for code, c in store.coordinators.items()}
    # Everything a case's inputs take from outside its own files. When it is as in the last
    # run, a case whose content key and personal summary are unchanged has unchanged inputs
    # (its municipality, coordinator and exclusions are read from those), so the whole
    # inputs tuple need not be built for the 15,000 cases of a long history.
    world = (known, retention, municipalities, coordinators)
    same_world = document.get("world") == world
    found = locate_files(root, check_coordinator_references(store, loaded.unreadable))
    entries = loaded.entries
    for case_file in store.cases.values():
        case, personal = case_file.case, case_file.personal
        entry = entries.get(case_file.path)
        if same_world and entry is not None:
            hit = old.get(case_file.path)
            if hit is not None and hit[0][0] == entry.key and hit[0][1] == personal and hit[0][2] == case_file.personal_present:
                new[case_file.path] = hit
                found.extend(_as_of(hit, today))
                continue
        coordinator = case.coordinator
        inputs = (
            entry.key if entry is not None else case,
            personal,
            case_file.personal_present,
            tuple(c in store.coordinators for c in personal.exclude_coordinators) if personal is not None else (),
            municipalities.get(case.municipality),
            coordinators.get(coordinator),
            known,
            retention,
        )
        hit = old.get(case_file.path)
        if hit is None or hit[0] != inputs:
            judged += 1
            references = tuple(locate_files(root, check_case_references(store, case_file, *known)))
            due, stale_on = attention_dates(case, retention)
            # the warnings as they will read once today reaches their date, located now
            # (their text does not depend on today), so a warm run reads no file for them
            if_due = tuple(locate_files(root, case_attention(case_file, due, None, date.max)))
            if_stale = tuple(locate_files(root, case_attention(case_file, None, stale_on, date.max)))
            hit = (inputs, references, due, stale_on, if_due, if_stale)
        new[case_file.path] = hit
        found.extend(_as_of(hit, today))
    purge_log, purge_findings = _purge_log(loaded, old.get("purge-log.yaml"))
    if purge_log is not None:
        new["purge-log.yaml"] = purge_log
        judged += purge_log is not old.get("purge-log.yaml")
    found.extend(purge_findings)
    found.extend(check_orphan_personal(loaded.present_paths))
    found.extend(check_registries_present(store, loaded.present_paths))
    found.extend(locate_files(root, coordinator_attention(store, today)))
    found.extend(locate_files(root, comment_name_findings(loaded)))
    if judged > max(0, len(new) // REWRITE_FRACTION) or len(old) != len(new) or not same_world:
        verdict_cache.write_index(location, {"entries": new, "world": world})
    return found


def _purge_log(loaded: Loaded, hit):
    """purge-log.yaml in a compact form kept by its content key: the logged paths with the
    date of their purge, and the log's own findings. The model is read only on a change."""
    from ekc.store.loader import purge_log_model

    entry = loaded.entries.get("purge-log.yaml")
    if entry is None:
        return None, check_purge_log(loaded.store, loaded.present_paths)
    if hit is None or hit[0] != entry.key:
        model = purge_log_model(loaded)
        if model is None:
            return None, []
        from ekc.model.datastore import DataStore

        own = check_purge_log(DataStore(purge_log=model), set())
        logged = tuple((path, record.purged) for record in model.purges for path in record.paths)
        hit = (entry.key, tuple(locate_files(loaded.root, own)), logged)
    from ekc.core.findings import error

    back = [
        error(path, "purged-back", f"this file was purged on {purged} (purge-log.yaml) and must not come back; delete it", ())
        for path, purged in hit[2]
        if path in loaded.present_paths
    ]
    return hit, [*hit[1], *locate_files(loaded.root, back)]
