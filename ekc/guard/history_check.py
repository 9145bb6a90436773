"""Checks on commits rather than on the working tree: what a push would bring in.

A purge rewrites history on one clone; every other clone still holds the personal data,
and a push from one of them brings it back, even when its working tree looks fine. So
every new commit is checked: its tree must hold no path named in the purge log, and no
`case.yaml` it adds or changes may look like personal data (that file outlives the purge).

Used by `ekc validate --history A..B` (CI) and by `ekc hook pre-receive` (the server).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ekc.core.errors import UsageProblem
from ekc.core.findings import Finding, error
from ekc.validate.rules.personal_data import check_no_personal_data, may_look_personal_each
from ekc.guard import logged as logged_ids
from ekc.guard import plumbing
from ekc.store.yamlio import locate_all, parse

PURGE_LOG = "purge-log.yaml"


def purged_paths(data: Any) -> dict[str, str]:
    """Path -> the day it was purged, from a parsed purge log.

    Lenient on purpose: a purge log with a typo elsewhere must still protect the paths it
    does name (the typo itself is reported by the ordinary validation).
    """
    found: dict[str, str] = {}
    records = data.get("purges") if isinstance(data, dict) else None
    for record in records if isinstance(records, list) else []:
        if not isinstance(record, dict) or not isinstance(record.get("paths"), list):
            continue
        for path in record["paths"]:
            if isinstance(path, str) and path:
                found.setdefault(path, str(record.get("purged", "an earlier day")))
    return found


def purged_paths_in(raw: bytes | None) -> dict[str, str]:
    if raw is None:
        return {}
    parsed = parse(PURGE_LOG, raw)
    return purged_paths(parsed.data) if parsed.ok else {}


def purged_paths_at(cwd: Path | str, commit: str, prefix: str = "") -> dict[str, str]:
    """The purge log as it stands in `commit`."""
    spec = f"{commit}:{prefix}{PURGE_LOG}"
    blob = plumbing.read_blobs(cwd, [spec]).get(spec)
    return purged_paths_in(blob[1] if blob else None)


def commits_in(cwd: Path | str, rev_range: str) -> tuple[list[str], list[str]]:
    """The commits at the ends of the range (B, and A when it is one) and the commits of
    `A..B` (newest first), or one revision alone.

    An all-zero A (a new branch: nothing to compare with) means every commit reachable
    from B.
    """
    if "..." in rev_range:
        raise UsageProblem(f"--history {rev_range}: use A..B (two dots) or a single revision")
    if ".." in rev_range:
        before, after = rev_range.split("..", 1)
        if not before or not after:
            raise UsageProblem(f"--history {rev_range}: give both ends, A..B")
    else:
        before, after = None, rev_range
    tip = _commit(cwd, after, rev_range)
    if before is None:
        return [tip], [tip]
    if plumbing.is_zero(before):
        return [tip], plumbing.rev_list(cwd, tip)
    base = _commit(cwd, before, rev_range)
    return [tip, base], plumbing.rev_list(cwd, tip, f"^{base}")


def _commit(cwd: Path | str, rev: str, rev_range: str) -> str:
    found = plumbing.resolve_commit(cwd, rev)
    if found is None:
        raise UsageProblem(f"--history {rev_range}: {rev!r} is not a commit in this repository (is the clone shallow, or the commit not fetched?)")
    return found


def check_commits(cwd: Path | str, commits: list[str], purged: dict[str, str], prefix: str = "",
                  known_blobs: set[str] | frozenset[str] = frozenset()) -> list[Finding]:
    """Findings for `commits`; `prefix` is where the data repository sits in the git tree
    ('' at its root), and findings name paths relative to the data repository.
    `known_blobs`: case.yaml versions the receiving side already holds on its default
    branch, checked when they came in."""
    return range_findings(cwd, commits, purged, prefix, known_blobs)[1]


def range_findings(cwd: Path | str, commits: list[str], purged: dict[str, str], prefix: str = "",
                   known_blobs: set[str] | frozenset[str] = frozenset(),
                   parents: dict[str, list[str]] | None = None) -> tuple[plumbing.RangeChanges, list[Finding]]:
    """`check_commits`, also returning the range's one diff (the gate finds the logged ids
    in it too). `parents`: each commit's, when the caller has them (`rev_list_parents`).

    The new case.yaml versions are read and pre-filtered in groups by a second thread
    while git's diff of the range still streams in (git walks on one core, the reading and
    judging runs on the other)."""
    versions = _CaseVersions(cwd, prefix, known_blobs)
    try:
        changed = plumbing.range_changes(cwd, commits, parents, seen=versions.see)
        suspects = versions.suspects()
    finally:
        versions.close()
    return changed, [*_purged_back(cwd, commits, purged, prefix, changed), *_personal_in_cases(commits, prefix, changed, suspects)]


class _CaseVersions:
    """Each case.yaml version new to the receiving side, read (`cat-file --batch`) and
    pre-filtered (`may_look_personal_each`) once, GROUP at a time, in the background."""

    GROUP = 200

    def __init__(self, cwd: Path | str, prefix: str, known: set[str] | frozenset[str]):
        from concurrent.futures import ThreadPoolExecutor

        self.cwd, self.prefix, self.known = cwd, prefix, known
        self.seen: set[str] = set()
        self.waiting: list[str] = []
        self.jobs: list = []
        self.pool = ThreadPoolExecutor(max_workers=1)

    def see(self, commit: str, tree_path: str, blob: str) -> None:
        if blob in self.seen or blob in self.known or not self.is_case_yaml(tree_path):
            return
        self.seen.add(blob)
        self.waiting.append(blob)
        if len(self.waiting) >= self.GROUP:
            self._send()

    def is_case_yaml(self, tree_path: str) -> bool:
        return tree_path.startswith(self.prefix + "cases/") and tree_path.endswith("/case.yaml")

    def _send(self) -> None:
        self.jobs.append(self.pool.submit(_suspects, self.cwd, self.waiting))
        self.waiting = []

    def suspects(self) -> dict[str, bytes]:
        """blob -> bytes of every version that may look personal (the rest cannot)."""
        if self.waiting:
            self._send()
        found: dict[str, bytes] = {}
        for job in self.jobs:
            found.update(job.result())
        return found

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def _suspects(cwd: Path | str, blobs: list[str]) -> dict[str, bytes]:
    contents = plumbing.read_objects(cwd, blobs)
    read = [blob for blob in blobs if blob in contents]
    return {blob: contents[blob] for blob, maybe in zip(read, may_look_personal_each([contents[b] for b in read])) if maybe}


def logged_findings(hits: list[logged_ids.Hit], log: logged_ids.Logged, where: str, paths_checked: bool = False) -> list[Finding]:
    """One finding per logged blob, commit, note or path found among pushed objects;
    `paths_checked`: the commits' logged paths are reported already (`_purged_back`)."""
    found, seen = [], set()
    for hit in hits:
        if paths_checked and hit.path in log.paths:
            continue
        if (hit.kind, hit.oid) in seen:
            continue
        seen.add((hit.kind, hit.oid))
        day = log.days.get(hit.case, "an earlier day")
        found.append(error(
            PURGE_LOG, "purged-back",
            f"{where} brings back {hit.describe(day)}: this history comes from a clone made before "
            f"the purge; {logged_ids.REMEDY}",
        ).located(1, 1))
    return found


def _purged_back(cwd, commits, purged, prefix, changed=None) -> list[Finding]:
    """One finding a purged path: at the oldest commit in the range that holds it (the
    one that brought it in), with how many others hold it too."""
    holders = plumbing.held_paths(cwd, commits, [prefix + path for path in sorted(purged)], changed)
    found = []
    for tree_path, holding in holders.items():
        path = tree_path[len(prefix):]
        oldest = holding[-1]  # commits come newest first
        others = f" (and {len(holding) - 1} later commit{'s' * (len(holding) > 2)} in the range)" if len(holding) > 1 else ""
        found.append(error(
            path, "purged-back",
            f"commit {oldest[:10]}{others} holds {path}, which was purged on {purged[path]} (purge-log.yaml): "
            "this history comes from a clone made before the purge; run `ekc sync` on your clone, then push again",
        ).located(1, 1))
    return found


def _personal_in_cases(commits, prefix, changed: plumbing.RangeChanges, suspects: dict[str, bytes]) -> list[Finding]:
    """Personal data in every case.yaml the commits add or change, judged once a blob, at
    the oldest commit bringing it. `suspects`: the versions the pre-filter could not rule
    out (_CaseVersions: the receiving side's default branch came in checked and is
    skipped; a blob whose bytes cannot look personal is not parsed at all)."""
    if not suspects:
        return []
    order = {c: n for n, c in enumerate(reversed(commits))}  # oldest first
    first: dict[str, tuple[str, str]] = {}
    for commit, tree_path, blob in sorted(changed.brought_in(), key=lambda c: order.get(c[0], 0)):
        if blob in suspects and blob not in first and tree_path.startswith(prefix + "cases/") and tree_path.endswith("/case.yaml"):
            first[blob] = (commit, tree_path[len(prefix):])
    found: list[Finding] = []
    for blob, (commit, path) in first.items():
        parsed = parse(path, suspects[blob])
        if not parsed.ok:
            continue  # unreadable YAML is the ordinary validation's finding, at the tip
        findings = [
            error(f.path, f.code, f"commit {commit[:10]}: {f.message}", f.loc)
            for f in check_no_personal_data(path, parsed.data)
        ]
        found.extend(locate_all(parsed.text, findings))
    return found


def check_history(root: Path, rev_range: str, purge_log_from: str | None = None) -> list[Finding]:
    """`ekc validate --history`: the range's commits and every object they reach, against
    the purge logs of the working tree, of both ends of the range and of `purge_log_from`
    together (any of them may be the newest: after a forced push from a stale clone, only
    A still knows the purge; in CI `purge_log_from` is the server's default branch, fetched
    from the server, because the pushed copy may be the stale one)."""
    top = plumbing.work_tree_root(root)
    if top is None:
        raise UsageProblem(f"--history needs a git repository, and {root} is not inside one")
    relative = Path(root).resolve().relative_to(top).as_posix()
    prefix = "" if relative == "." else relative + "/"
    try:
        ends, commits = commits_in(root, rev_range)
        working = root / PURGE_LOG
        purged = purged_paths_in(working.read_bytes() if working.is_file() else None)
        for end in ends:
            for path, day in purged_paths_at(root, end, prefix).items():
                purged.setdefault(path, day)
        log = logged_ids.from_file(working)
        for rev in [*ends, *([purge_log_from] if purge_log_from else [])]:
            log.add(logged_ids.at(root, rev, prefix))
        if purge_log_from and plumbing.resolve_commit(root, purge_log_from) is None:
            raise UsageProblem(f"--purge-log-from {purge_log_from}: not a commit in this repository (fetch the default branch first)")
        for path, case in log.paths.items():
            purged.setdefault(path, log.days.get(case, "an earlier day"))
        findings = check_commits(root, commits, purged, prefix)
        tip, base = ends[0], (ends[1] if len(ends) > 1 else None)
        if ".." in rev_range and not plumbing.is_zero(rev_range.split("..", 1)[0]):
            hits = logged_ids.scan_objects(root, [tip], log, exclude_existing=False, exclude=[base] if base else None)
        else:
            hits = logged_ids.scan_objects(root, [tip], log, exclude_existing=False)
        findings.extend(logged_findings(hits, log, f"--history {rev_range}", paths_checked=True))
    except plumbing.GitFailed as exc:
        raise UsageProblem(f"--history {rev_range}: {exc}") from None
    findings.sort(key=lambda f: f.sort_key())
    return findings
