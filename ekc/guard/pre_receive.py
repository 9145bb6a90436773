"""The server's last word on a push: refuse invalid data and purged data brought back.

git runs a pre-receive hook in the (usually bare) repository with one "<old> <new> <ref>"
line per updated ref on stdin, before any ref moves; the pushed objects are readable by
child `git` processes through the environment git sets. There is no work tree, so the
pushed tip is exported to a temporary folder and validated there.

Which purge log counts: the one of every ref the server already has, plus the old and new
tip of each update. A stale clone pushing a *new branch* carries its own, older purge log,
so the server's own refs are what catch it.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ekc.core.errors import UsageProblem
from ekc.core.findings import Finding, error
from ekc.guard.history_check import logged_findings, range_findings
from ekc.guard import logged as logged_ids
from ekc.guard import plumbing

CHECKED_REFS = ("refs/heads/", "refs/tags/")


@dataclass(frozen=True)
class RefUpdate:
    old: str
    new: str
    ref: str


@dataclass
class Refusal:
    update: RefUpdate
    findings: list[Finding] = field(default_factory=list)


def parse_updates(text: str) -> list[RefUpdate]:
    updates = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 3:
            raise UsageProblem(f"pre-receive input line {number} is not '<old> <new> <ref>': {line!r}")
        updates.append(RefUpdate(*parts))
    return updates


def check_push(repo: Path, updates: list[RefUpdate], today: date) -> list[Refusal]:
    """The updates to refuse, each with its reasons; an empty list lets the push through."""
    live = [u for u in updates if not plumbing.is_zero(u.new)]
    log = logged_ids.Logged()
    default = logged_ids.default_branch(repo)
    if default:
        log.add(logged_ids.at(repo, default))  # the receiving side's own word first
    tips = set(plumbing.ref_tips(repo))
    tips.update(u.old for u in updates if not plumbing.is_zero(u.old))
    tips.update(u.new for u in live)
    for tip in sorted(tips):
        commit = plumbing.resolve_commit(repo, tip)
        if commit:
            log.add(logged_ids.at(repo, commit))
    purged = {path: log.days.get(case, "an earlier day") for path, case in log.paths.items()}
    refusals = []
    validated: dict[str, list[Finding]] = {}
    known = plumbing.tree_blobs(repo, default, "cases", "case.yaml") if default and plumbing.resolve_commit(repo, default) else set()
    for update in live:
        # Every object the push brings (any commit of the range, a tag of a blob or a
        # tree, a notes tree), against the logged ids; what a ref already holds came in
        # checked, and the cleaner removed every ref reaching purged data.
        hits, tip, commits, ranged = range_checks(repo, update.new, log, purged, known)
        back = logged_findings(hits, log, f"{update.ref}", paths_checked=tip is not None)
        if tip is None:
            if back:
                refusals.append(Refusal(update, back))
            continue  # a tag of a tree or blob: no data repository to validate
        findings = back + ranged
        if commits and not back and update.ref.startswith(CHECKED_REFS):
            if tip not in validated:
                validated[tip] = validate_commit(repo, tip, today)
            errors = validated[tip]
            if errors:
                errors = _new_errors(repo, errors, _baselines(repo, updates, default), today, validated)
            findings.extend(errors)
        if findings:
            refusals.append(Refusal(update, findings))
    return refusals


def range_checks(repo: Path, new: str, log: logged_ids.Logged, purged: dict[str, str],
                 known: set[str]) -> tuple[list, str | None, list[str], list[Finding]]:
    """Both checks of one pushed ref: every new object against the logged ids, and the
    range's commits (logged paths, personal data in case.yaml). Returns (hits, the tip
    commit or None for a tag of a tree or blob, the new commits, the range's findings).

    A pushed commit costs one walk: the new commits with their parents (`rev-list
    --parents`), then one `diff-tree` of the range, which serves the logged ids
    (logged.hits_in_changes), the logged paths and the case.yaml check alike. A pushed
    tag object, which may carry more than its commit, gets the full object scan."""
    tip = plumbing.resolve_commit(repo, new)
    if tip is None:
        return logged_ids.scan_objects(repo, [new], log), None, [], []
    commits, parents = plumbing.rev_list_parents(repo, tip, "--not", "--all")
    changed, ranged = range_findings(repo, commits, purged, known_blobs=known, parents=parents)
    if tip == new:
        hits = logged_ids.hits_in_changes(commits, changed, log)
    else:
        hits = logged_ids.scan_objects(repo, [new], log)
    return hits, tip, commits, ranged


def _baselines(repo: Path, updates: list[RefUpdate], default: str | None) -> list[str]:
    """The commits the server already accepted that a push replaces: each update's old tip
    (a purge's force-push, a renamed branch's deleted name) and the default branch."""
    olds = [u.old for u in updates if not plumbing.is_zero(u.old)]
    if default:
        olds.append(default)
    found = []
    for old in olds:
        commit = plumbing.resolve_commit(repo, old)
        if commit and commit not in found:
            found.append(commit)
    return found


def _new_errors(repo: Path, errors: list[Finding], baselines: list[str], today: date,
                validated: dict[str, list[Finding]]) -> list[Finding]:
    """The errors the push brings, not the ones the server already holds: a purge rewrites
    every commit, and must not be refused for a broken file it did not touch (the gate
    would otherwise block the deletion the law requires until every old error is fixed)."""
    known: set[tuple[str, str, str]] = set()
    for commit in baselines:
        if commit not in validated:
            validated[commit] = validate_commit(repo, commit, today)
        known.update((f.path, f.code, f.message) for f in validated[commit])
    return [f for f in errors if (f.path, f.code, f.message) not in known]


def validate_commit(repo: Path, commit: str, today: date) -> list[Finding]:
    """The errors `ekc validate` would report on a checkout of `commit` (warnings pass)."""
    from ekc.validate.pipeline import validate

    with tempfile.TemporaryDirectory(prefix="ekc-pre-receive-") as folder:
        tree = Path(folder)
        plumbing.export_tree(repo, commit, tree)
        if not (tree / "municipalities.yaml").is_file():
            return [error("municipalities.yaml", "missing", "the pushed tree has no municipalities.yaml at its root, so it is not a data repository").located(1, 1)]
        report = validate(tree, today, use_cache=False)
    return report.errors
