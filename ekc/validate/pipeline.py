"""`ekc validate`: every rule of DATA-FORMAT.md over the loaded repository."""

from datetime import date
from pathlib import Path

from ekc.core.findings import Report
from ekc.core.identifying import PersonalStrings
from ekc.validate.rules.attention import check_attention
from ekc.validate.rules.comments import check_comment_names
from ekc.validate.rules.cross_rules import check_orphan_personal, check_purge_log, check_references
from ekc.store.loader import Loaded, load, locate_files


def cross_file_findings(loaded: Loaded, today: date) -> list:
    store = loaded.store
    return [
        *check_references(store, loaded.unreadable),
        *check_purge_log(store, loaded.present_paths),
        *check_orphan_personal(loaded.present_paths),
        *check_attention(store, today),
        *comment_name_findings(loaded),
    ]


def comment_name_findings(loaded: Loaded) -> list:
    """The case's own names in its case.yaml comments. Only files holding a `#` are read
    again (the loader noted them), and their personal.yaml read leniently: a personal file
    with errors still names the persons that must not be in a comment."""
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
    loaded = load(root, use_cache=use_cache, models=False)
    findings = loaded.findings + locate_files(root, cross_file_findings(loaded, today))
    findings.sort(key=lambda f: f.sort_key())
    return Report(findings=findings, files_checked=loaded.files_checked)
