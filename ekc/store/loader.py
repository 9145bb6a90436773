"""Load a whole data repository: every file judged, one bad file never stopping the rest."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ekc.core.findings import Finding, error
from ekc.model.datastore import CaseFile, DataStore
from ekc.model.purge_log import PurgeLog
from ekc.model.settings import Settings
from ekc.store import cache as verdict_cache
from ekc.store.files import data_files
from ekc.validate.rules.comments import may_hold_own_comments
from ekc.validate.verdicts import Verdict, judge, judge_many
from ekc.store.yamlio import locate_all

# The cache is rewritten only when more than 1/REWRITE_FRACTION of the files were judged
# afresh: rewriting 15,000 entries for one edited case would cost more than judging that
# one file again on every run until more changes come (keys are content hashes, so an
# entry left out is re-judged, never served stale).
REWRITE_FRACTION = 100

# Below this many files to judge, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 400


@dataclass
class Loaded:
    root: Path
    store: DataStore
    findings: list[Finding] = field(default_factory=list)  # per-file findings, located
    present_paths: set[str] = field(default_factory=set)
    files_checked: int = 0
    cache_hits: int = 0
    unreadable: set[str] = field(default_factory=set)  # files with no model: cross-file rules skip them
    commented: set[str] = field(default_factory=set)  # case.yaml files with a `#`: their comments are checked against personal.yaml

    @property
    def has_errors(self) -> bool:
        return any(f.is_error for f in self.findings)


def load(
    root: Path,
    use_cache: bool = True,
    workers: int | None = None,
    models: bool = True,
    kinds: frozenset[str] | None = None,
) -> Loaded:
    """Judge every file (or take its verdict from the cache) and assemble the store.

    With `models=False` the cases in `store.cases` carry CaseSummary / PersonalSummary
    instead of full models: enough for the cross-file rules and the budget, and much
    cheaper to cache. With `kinds`, only files of those kinds are read at all (the
    invoice path names {"municipalities", "case"}, so no personal.yaml is ever opened).
    """
    files = [f for f in data_files(root) if kinds is None or f.kind in kinds]
    raws, unreadable = _read_all(root, files)
    keys = {f.path: verdict_cache.verdict_key(f.kind, f.path, raws[f.path]) for f in files if f.path in raws}
    folder = verdict_cache.cache_dir(root)
    cached = verdict_cache.read_cache(folder / "verdicts.pickle") if use_cache else {}
    cached_models = verdict_cache.read_cache(folder / "models.pickle") if use_cache and models else {}
    verdicts: dict[str, Verdict] = dict(unreadable)
    todo = []
    for data_file in files:
        if data_file.path in unreadable:
            continue
        key = keys[data_file.path]
        hit = cached.get(key)
        if hit is not None and hit.summary is not None and models:
            model = cached_models.get(key)
            hit = Verdict(model, hit.findings, hit.summary) if model is not None else None
        if hit is not None:
            verdicts[data_file.path] = hit
        else:
            todo.append((data_file.kind, data_file.path, raws[data_file.path]))
    for (_, path, _), verdict in zip(todo, _judge_all(todo, workers)):
        verdicts[path] = verdict
    if use_cache and len(todo) > len(files) // REWRITE_FRACTION:
        kinds = {f.path: f.kind for f in files}
        verdict_cache.write_cache(
            folder / "verdicts.pickle",
            {keys[p]: v.without_model() for p, v in verdicts.items() if p in keys and _may_cache(kinds[p], v)},
        )
        if models:
            verdict_cache.write_cache(
                folder / "models.pickle",
                {
                    keys[p]: v.model
                    for p, v in verdicts.items()
                    if p in keys and kinds[p] != "personal" and v.summary is not None and v.model is not None
                },
            )
    if not models:
        verdicts = {path: verdict.without_model() for path, verdict in verdicts.items()}
    loaded = _assemble(root, files, verdicts)
    loaded.cache_hits = len(files) - len(todo) - len(unreadable)
    loaded.commented = {f.path for f in files if f.kind == "case" and may_hold_own_comments(raws.get(f.path, b""))}
    loaded.unreadable = {path for path, verdict in verdicts.items() if verdict.model is None and verdict.summary is None}
    return loaded


def read_file(path: str) -> bytes:
    """Plain strings, not pathlib: on a warm run reading 30,000 files is most of the work."""
    with open(path, "rb") as handle:
        return handle.read()


def _read_all(root: Path, files) -> tuple[dict[str, bytes], dict[str, Verdict]]:
    """Every file's bytes; a file that cannot be read (permissions, vanished, a folder's
    worth of trouble) is a finding of its own, never a traceback, and never cached."""
    raws: dict[str, bytes] = {}
    unreadable: dict[str, Verdict] = {}
    base = str(root)
    for data_file in files:
        try:
            raws[data_file.path] = b"" if data_file.kind == "stray" else read_file(f"{base}/{data_file.path}")
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            unreadable[data_file.path] = Verdict(None, (error(data_file.path, "read", f"cannot read this file: {reason}").located(1, 1),))
    return raws, unreadable


def _may_cache(kind: str, verdict: Verdict) -> bool:
    """Nothing from a personal.yaml may outlive its purge in a cache under .git/ekc.

    Of a personal file only a clean verdict is kept: no findings (whose messages may quote
    a value) and a summary holding coordinator ids alone. Its model is never cached, so the
    commands that read personal data parse the few live personal files afresh.
    """
    return kind != "personal" or not verdict.findings


def _judge_all(todo: list[tuple[str, str, bytes]], workers: int | None) -> list[Verdict]:
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers <= 1 or len(todo) < PARALLEL_THRESHOLD:
        return [judge(*item) for item in todo]
    size = max(50, len(todo) // (workers * 8))
    chunks = [todo[i : i + size] for i in range(0, len(todo), size)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return [verdict for chunk in pool.map(judge_many, chunks) for verdict in chunk]


def _assemble(root: Path, files, verdicts: dict[str, Verdict]) -> Loaded:
    findings: list[Finding] = []
    models: dict[str, object] = {}
    for data_file in files:
        verdict = verdicts[data_file.path]
        findings.extend(verdict.findings)
        if verdict.model is not None or verdict.summary is not None:
            models[data_file.path] = verdict.model if verdict.model is not None else verdict.summary
    municipalities_file = models.get("municipalities.yaml")
    coordinators_file = models.get("coordinators.yaml")
    cases: dict[str, CaseFile] = {}
    paths_by_id: dict[str, list[str]] = {}
    for data_file in files:
        if data_file.kind != "case" or data_file.path not in models:
            continue
        case = models[data_file.path]
        paths_by_id.setdefault(case.id, []).append(data_file.path)
        if case.id in cases:
            continue
        personal_path = data_file.path.rsplit("/", 1)[0] + "/personal.yaml"
        cases[case.id] = CaseFile(
            case=case,
            path=data_file.path,
            personal=models.get(personal_path),
            personal_present=personal_path in verdicts,
        )
    store = DataStore(
        settings=models.get("ekc.yaml") or Settings(),
        regions=_first_of_each(municipalities_file.regions) if municipalities_file else {},
        municipalities=_first_of_each(municipalities_file.municipalities, "code") if municipalities_file else {},
        coordinators=_first_of_each(coordinators_file.coordinators) if coordinators_file else {},
        cases=cases,
        purge_log=models.get("purge-log.yaml") or PurgeLog(),
    )
    from ekc.validate.rules.cross_rules import check_unique_case_ids

    findings.extend(locate_files(root, check_unique_case_ids(paths_by_id)))
    return Loaded(root, store, findings, set(verdicts), files_checked=len(files))


def _first_of_each(items, key: str = "id") -> dict:
    """File order, first of a duplicated id or code (the duplicate is an error already, and
    the rules then judge against the entry a person reads first)."""
    by_key: dict = {}
    for item in items:
        by_key.setdefault(getattr(item, key), item)
    return by_key


def locate_files(root: Path, findings: list[Finding]) -> list[Finding]:
    """Give line and column to findings made after loading (cross-file rules)."""
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        by_path.setdefault(finding.path, []).append(finding)
    located = []
    for path, group in by_path.items():
        try:
            text = (root / path).read_text(encoding="utf-8") if any(f.line == 0 for f in group) else None
        except (OSError, UnicodeDecodeError):
            text = None
        located.extend(locate_all(text, group) if text else [f if f.line else f.located(1, 1) for f in group])
    return located
