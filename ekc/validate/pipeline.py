"""`ekc validate`: every rule of DATA-FORMAT.md over the loaded repository."""

from datetime import date
from pathlib import Path

from ekc.core.findings import Report
from ekc.validate.rules.attention import check_attention
from ekc.validate.rules.cross_rules import check_orphan_personal, check_purge_log, check_references
from ekc.store.loader import Loaded, load, locate_files


def cross_file_findings(loaded: Loaded, today: date) -> list:
    store = loaded.store
    return [
        *check_references(store, loaded.unreadable),
        *check_purge_log(store, loaded.present_paths),
        *check_orphan_personal(loaded.present_paths),
        *check_attention(store, today),
    ]


def validate(root: Path, today: date, use_cache: bool = True) -> Report:
    loaded = load(root, use_cache=use_cache, models=False)
    findings = loaded.findings + locate_files(root, cross_file_findings(loaded, today))
    findings.sort(key=lambda f: f.sort_key())
    return Report(findings=findings, files_checked=loaded.files_checked)
