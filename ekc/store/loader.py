"""Load a whole data repository: every file judged, one bad file never stopping the rest."""

from __future__ import annotations

import gc
import os
from array import array
from stat import S_ISREG
from itertools import takewhile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, NamedTuple

import ekc
from ekc.core.findings import Finding, error
from ekc.model.case import CaseSummary
from ekc.model.datastore import CaseFile, DataStore
from ekc.model.personal import PersonalSummary
from ekc.model.purge_log import PurgeLog
from ekc.model.settings import Settings
from ekc.store import cache as verdict_cache
from ekc.store.files import CASE_FILES, ROOT_FILES, DataFile
from ekc.validate.rules.comments import may_hold_own_comments
from ekc.validate.verdicts import BY_NATURE, Verdict, judge, judge_many
from ekc.store.yamlio import locate_all

# The cache is rewritten only when more than 1/REWRITE_FRACTION of the files were judged
# afresh: rewriting 15,000 entries for one edited case would cost more than judging that
# one file again on every run until more changes come (keys are content hashes, so an
# entry left out is re-judged, never served stale).
REWRITE_FRACTION = 100

# `case_summaries_between` judges up to this many changed case.yaml files itself (or 1% of
# them, whichever is more); beyond, the usual load judges them and rewrites the index.
FRESH_LIMIT = 20

# Below this many files to judge, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 400


# Git's racy-git rule: a file whose mtime (or ctime) lies this close to the moment the index
# was written may have changed again within one timestamp tick, so its stat data proves
# nothing and its bytes are read and hashed. 2 s covers coarse filesystems (FAT, some NFS).
RACY_NS = 2_000_000_000

# Everything but the purge log: the commands of a working day never need it, and it grows
# with every purge.
WORKING_KINDS = frozenset({"settings", "municipalities", "coordinators", "case", "personal", "stray", *BY_NATURE})


class Entry(NamedTuple):
    """One file in the index: git's stat data, its content key and its verdict sans model."""

    size: int
    mtime_ns: int
    ctime_ns: int
    ino: int
    key: bytes
    verdict: Verdict
    met: bool = False  # a case that reached a meeting (matching counts conferences)
    commented: bool = False  # a case.yaml with a `#` beyond ekc's header (ekc.validate.rules.comments)


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
    entries: dict[str, Entry] = field(default_factory=dict)  # every file's index entry, selected or not
    files_read: int = 0  # files whose bytes were read (stat ambiguous or changed)

    @property
    def has_errors(self) -> bool:
        return any(f.is_error for f in self.findings)

    def case_summaries(self) -> dict[str, tuple]:
        """path -> (CaseSummary, met) of every readable case.yaml, selected or not."""
        return {
            path: (entry.verdict.summary, entry.met)
            for path, entry in self.entries.items()
            if path.endswith("/case.yaml") and entry.verdict.summary is not None
        }


def load(root: Path, *args, **kwargs) -> Loaded:
    """See `_load`. The cyclic garbage collector is paused meanwhile: loading makes tens of
    thousands of small acyclic objects (index entries, summaries), and collecting during
    that multiplied the time to read the index by four."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _load(root, *args, **kwargs)
    finally:
        if enabled:
            if ekc.ONE_COMMAND_PROCESS:
                # The collector's first pass after loading would walk every object the load
                # made (15-20 ms on 15,000 cases, in a process that ends after the command):
                # they are set apart for good (acyclic: refcounting still frees them).
                gc.freeze()
            gc.enable()


def _load(
    root: Path,
    use_cache: bool = True,
    workers: int | None = None,
    models: bool = True,
    kinds: frozenset[str] | None = None,
    select: Callable[[Any], bool] | None = None,
    lazy_purge_log: bool = False,
) -> Loaded:
    """Judge every file (or take its verdict from the index) and assemble the store.

    With `models=False` the cases in `store.cases` carry CaseSummary / PersonalSummary
    instead of full models: enough for the cross-file rules and the budget, and much
    cheaper to cache. With `kinds`, only files of those kinds are read at all (the
    invoice path names {"municipalities", "case"}, so no personal.yaml is ever opened).
    With `select`, a predicate over a case's CaseSummary, only the chosen cases enter
    `store.cases` (and only their personal.yaml is parsed): a command asking about the
    open cases pays for those, not for the whole history. Every file is still stat'ed, so
    every verdict is current; `entries` holds all of them. With `lazy_purge_log` the purge
    log's model is left out of the store (its findings are not): `purge_log_model` reads it.
    """
    folder = verdict_cache.cache_dir(root)
    walk = kinds is None or not kinds.isdisjoint(FOLDER_KINDS)  # root files only: cases/ is not walked
    groups = _groups_read(kinds, walk)
    old, written, folders, manifest = _read_old(folder, groups) if use_cache else ({}, {}, {}, {})
    case_ns, personal_ns, other_ns = written.get("case", 0), written.get("personal", 0), written.get("root", 0)
    scan_ns = time.time_ns()  # before any stat: the racy-git reference for this run's hashes
    listings = _Listings(root, folders, written.get("folders", 0), scan_ns)
    listings.walk = walk
    # a question that reads no personal.yaml, stray or odd entry needs of a case folder only
    # whether its case.yaml is a plain file: one lstat of it instead of the folder's stat
    listings.case_only = kinds is not None and kinds.isdisjoint({"personal", "stray", *BY_NATURE})
    files = [f for f in listings.data_files() if kinds is None or f.kind in kinds]
    base = str(root)
    entries: dict[str, Entry] = {}
    verdicts: dict[str, Verdict] = {}
    raws: dict[str, bytes] = {}
    todo = []
    stat_changed = 0  # files read: new, changed stat, or racy
    moved = 0  # of those, with other stat data than the index holds
    settled = 0  # of those, racy before but no longer: a rewrite makes them clean
    stat, old_get, pre_get = os.stat, old.get, listings.stats.get
    for data_file in files:
        path = data_file.path
        if data_file.kind in BY_NATURE:  # a link, a bad name, a folder for a file: nothing to read
            verdicts[path] = judge(data_file.kind, path, b"")
            continue
        st = pre_get(path)  # a case.yaml lstat'ed by the listing: a plain file, so stat says the same
        if st is None:
            try:
                st = stat(f"{base}/{path}")
            except OSError as exc:
                verdicts[path] = _unreadable(path, exc)
                continue
        entry = old_get(path)
        mtime, ctime = st.st_mtime_ns, st.st_ctime_ns
        kind = data_file.kind  # each part of the index has its own racy-git reference
        written_ns = case_ns if kind == "case" else personal_ns if kind == "personal" else other_ns
        racy = (mtime if mtime > ctime else ctime) + RACY_NS >= written_ns
        if entry is not None and not racy and entry[0] == st.st_size and entry[1] == mtime and entry[2] == ctime and entry[3] == st.st_ino:
            entries[path] = entry
            verdicts[path] = entry.verdict
            continue
        signature = (st.st_size, mtime, ctime, st.st_ino)
        stat_changed += 1
        if entry is None or entry[:4] != signature:
            moved += 1
        elif max(st.st_mtime_ns, st.st_ctime_ns) + RACY_NS < scan_ns:
            settled += 1  # racy against the old index, clean against a new one
        try:
            raw = b"" if data_file.kind == "stray" else read_file(f"{base}/{path}")
        except OSError as exc:
            verdicts[path] = _unreadable(path, exc)
            continue
        key = verdict_cache.verdict_key(data_file.kind, path, raw)
        commented = data_file.kind == "case" and may_hold_own_comments(raw)
        if entry is not None and entry.key == key:
            entries[path] = Entry(*signature, key, entry.verdict, entry.met, commented)
            verdicts[path] = entry.verdict
            continue
        raws[path] = raw
        entries[path] = Entry(*signature, key, None, False, commented)  # verdict filled below
        todo.append((data_file.kind, path, raw))
    fresh_models: dict[str, Any] = {}
    for (kind, path, _), (verdict, met) in zip(todo, _judge_all(todo, workers, models)):
        keep = verdict.without_model() if kind in ("case", "personal") else _registry_entry(verdict)
        entries[path] = entries[path]._replace(verdict=keep, met=met)
        verdicts[path] = keep
        if verdict.model is not None and kind != "personal":
            fresh_models[path] = verdict.model
            if use_cache:
                verdict_cache.write_object(folder, entries[path].key, verdict.model)
    # a root file judged afresh always rewrites: the purge log alone can take 0.4 s to judge,
    # and left out of the index (a command that skips it wrote the index first) it was
    # judged again by every `validate` without ever passing the 1% mark
    registry_judged = any(kind not in ("case", "personal", "stray") for kind, _, _ in todo)
    if use_cache and (registry_judged or max(len(todo), moved, settled, listings.listed) > len(files) // REWRITE_FRACTION):
        kind_of = {f.path: f.kind for f in files}
        kept = {p: e for p, e in entries.items() if _may_cache(kind_of[p], e.verdict)}
        if kinds is not None:
            # files of other kinds were not looked at: their entries stay for the commands
            # that read them (each is checked by stat and key before any use)
            kept = {**{p: e for p, e in old.items() if _kind_of_path(p) not in kinds}, **kept}
        _write_index(folder, scan_ns, kept, listings.new if walk else None, groups, manifest)
    loaded = _assemble(root, files, verdicts, entries, fresh_models, folder if use_cache else None, models, select, raws, lazy_purge_log)
    loaded.cache_hits = len(files) - len(todo) - (len(verdicts) - len(entries))  # entries: a subset of verdicts
    loaded.unreadable = {path for path, verdict in verdicts.items() if verdict.summary is None and verdict.model is None}
    loaded.entries = entries
    loaded.commented = {path for path, entry in entries.items() if entry.commented}
    loaded.files_read = stat_changed
    return loaded


def _kind_of_path(path: str) -> str:
    if path in ROOT_FILES:
        return ROOT_FILES[path]
    return CASE_FILES.get(path.rsplit("/", 1)[-1], "stray") if path.count("/") == 3 else "stray"


def _reached_meeting(case) -> bool:
    from ekc.match.ranking import reached_meeting  # in the code fingerprint (ekc/store/cache.py)

    return reached_meeting(case)


FOLDER_KINDS = frozenset({"case", "personal", "stray", *BY_NATURE})  # kinds found by walking cases/


def _groups_read(kinds: frozenset[str] | None, walk: bool) -> frozenset[str]:
    """The parts of the index a load with these `kinds` reads (and may rewrite): the root
    files always, personal files and case files only when asked for, the folder listings
    when cases/ is walked."""
    groups = {"root"}
    if kinds is None or "personal" in kinds:
        groups.add("personal")
    if kinds is None or "case" in kinds:
        groups.add("case")
    if walk:
        groups.add("folders")
    return frozenset(groups)


def _group_of(part: str) -> str:
    return "case" if part.startswith("case-") or part == CASE_TABLE else part


CASE_TABLE = "casetable"


def _read_old(folder: Path, groups: frozenset[str]) -> tuple[dict, dict, dict, dict]:
    """(entries, written_ns per group, folder listings, manifest) of the index parts in
    `groups`. A part missing or of another write leaves its files to be judged again; the
    case parts count only if all of them belong to one write."""
    manifest = verdict_cache.read_manifest(folder)
    old: dict[str, Entry] = {}
    written: dict[str, int] = {}
    folders: dict = {}
    generation = None
    for name, (token, written_ns) in manifest.items():
        group = _group_of(name)
        if group not in groups or name == CASE_TABLE:
            continue
        part = verdict_cache.read_part(folder, name, token)
        if part is None:
            continue
        if group == "case":
            if generation not in (None, part.get("generation")):
                continue
            generation = part.get("generation")
        if group == "folders":
            folders = part.get("folders", {})
        else:
            old.update(part["entries"])
        # the oldest reference of a group's parts: racy against any of them is racy
        written[group] = min(written.get(group, written_ns), written_ns)
    return old, written, folders, manifest


def _write_index(folder: Path, scan_ns: int, entries: dict[str, Entry], folders: dict | None,
                 groups: frozenset[str], manifest: dict) -> None:
    """`written_ns` is when this run began to stat: an entry hashed in this run is trusted
    later only if its file's mtime and ctime lie RACY_NS before that (git's racy-git rule:
    a change within the same timestamp tick as the stat would leave the stat unchanged).
    An entry kept from an older run was already clean against an earlier reference.

    Only the parts of `groups` are written (a command that read no personal.yaml leaves
    that part as it was); case files go to one part per year of their last history date,
    with a table of every case.yaml's stat data (`case_summaries_between`)."""
    seen: dict = {}
    parts: dict[str, dict] = {}
    by_group: dict[str, dict] = {"root": {}, "personal": {}}
    cases: dict[str, dict] = {}
    for path, entry in entries.items():
        kind = _kind_of_path(path)
        if kind == "case":
            cases.setdefault(_case_part(entry), {})[path] = _compact(entry, seen)
        else:
            by_group["personal" if kind == "personal" else "root"][path] = _compact(entry, seen)
    for group, found in by_group.items():
        if group in groups:
            parts[group] = {"entries": found}
    share = verdict_cache.shared
    if folders is not None and "folders" in groups:
        # nearly every case folder lists the same two files: one tuple in the pickle, referred
        # to 15,000 times, so reading the index builds no listing per folder
        folders = {relative: (signature, share(tuple(found), seen)) for relative, (signature, found) in folders.items()}
        parts["folders"] = {"folders": folders}
    if "case" in groups:
        generation = os.urandom(8).hex()
        for name, found in cases.items():
            parts[name] = {"entries": found, "generation": generation}
        parts[CASE_TABLE] = {**_case_table(entries, folders or {}), "generation": generation}
    kept = {name: value for name, value in manifest.items() if _group_of(name) not in groups}
    verdict_cache.write_parts(folder, parts, kept, scan_ns)


def _case_part(entry: Entry) -> str:
    """The index part of a case.yaml entry: the year of its last history date ("none"
    for a file that gives no summary)."""
    summary = entry.verdict.summary
    if isinstance(summary, CaseSummary) and summary.dates:
        return f"case-{max(summary.dates).year}"
    return "case-none"


def _case_table(entries: dict[str, Entry], folders: dict) -> dict:
    """Per year folder of cases/: its kept listing (signature and the case folders in it)
    and per case folder its case.yaml's stat data, the year of its last history date and
    its id, in arrays: 15,000 cases unpickle as a few strings and a block of numbers. Plus
    the ids used more than once (the first file of an id counts, as in `load`)."""
    by_year: dict[str, dict[str, Entry]] = {}
    for path, entry in entries.items():
        if path.endswith("/case.yaml") and path.count("/") == 3:
            _, year, case_folder, _ = path.split("/")
            by_year.setdefault(year, {})[case_folder] = entry
    years = {}
    counts: dict = {}
    for year, found in by_year.items():
        kept = folders.get(f"cases/{year}")
        signature = kept[0] if kept is not None else None
        names = tuple(name for name, nature in kept[1] if nature is True and _utf8(name)) if kept is not None else tuple(sorted(found))
        stats, lasts, ids = array("q"), array("H"), []
        for name in names:
            entry = found.get(name)
            summary = entry.verdict.summary if entry is not None else None
            stats.extend(entry[:4] if entry is not None else (-1, -1, -1, -1))
            lasts.append(max(summary.dates).year if isinstance(summary, CaseSummary) and summary.dates else 0)
            case_id = summary.id if isinstance(summary, CaseSummary) else None
            ids.append(case_id)
            counts[case_id] = counts.get(case_id, 0) + 1
        years[year] = (signature, names, stats, lasts, tuple(ids))
    return {"years": years, "duplicates": frozenset(i for i, n in counts.items() if n > 1 and i is not None)}


class _Listings:
    """`data_files`, with each folder's listing kept beside the index and trusted while the
    folder's own stat data is unchanged and not racy: adding, removing or renaming an
    entry changes a folder's mtime. 15,000 case folders cost a stat each, not a listing.
    The files themselves are still stat'ed one by one (a change to a file's bytes does not
    touch its folder)."""

    def __init__(self, root: Path, old: dict, written_ns: int, scan_ns: int):
        self.base = str(root)
        self.scan_ns = scan_ns
        self.old = old
        self.written_ns = written_ns
        self.new: dict = {}
        self.listed = 0  # folders listed afresh that a rewritten index would spare
        self.case_only = False  # see `_load`: the caller reads case.yaml and root files only
        self.walk = True  # False: the caller reads root files only, cases/ is not listed
        self.stats: dict = {}  # case.yaml path -> its lstat, when case_only spared the folder's stat

    def entries(self, relative: str, files: bool) -> list[tuple[str, bool]] | None:
        """Sorted (name, is_file or is_dir) pairs of a folder, None if it is no folder."""
        try:
            st = os.stat(f"{self.base}/{relative}")
        except OSError:
            return None
        mtime, ctime = st.st_mtime_ns, st.st_ctime_ns
        hit = self.old.get(relative)
        if hit is not None:  # the common case first, without building tuples
            kept = hit[0]
            if kept[0] == mtime and kept[1] == ctime and kept[2] == st.st_ino and kept[3] is files and (
                mtime if mtime > ctime else ctime
            ) + RACY_NS < self.written_ns:
                self.new[relative] = hit
                return hit[1]
        signature = (mtime, ctime, st.st_ino, files)
        try:
            with os.scandir(f"{self.base}/{relative}") as listing:
                # a symbolic link is never followed (a loop would hang, a link can point
                # anywhere): it is listed as a stray entry, a finding
                found = [(entry.name, _nature(entry, files)) for entry in listing]
        except NotADirectoryError:
            return None
        found.sort()
        if hit is None or hit[0] != signature or max(st.st_mtime_ns, st.st_ctime_ns) + RACY_NS < self.scan_ns:
            self.listed += 1  # new or changed, or racy no longer: a rewritten index spares this listing
        self.new[relative] = (signature, found)
        return found

    def _plain_case_file(self, folder: str) -> bool:
        """With `case_only`: True when the kept listing of `folder` holds a plain case.yaml and
        it still is one (lstat: a link is not followed). What else the folder holds is of no
        kind the caller reads; a listing that lacks case.yaml, or a case.yaml gone or no longer
        a plain file, falls back to the folder's stat and listing. The kept listing is carried
        into a rewritten index only if it was not racy (a later run checks it by stat)."""
        hit = self.old.get(folder)
        if hit is None or CASE_ENTRY not in hit[1]:
            return False
        path = f"{folder}/case.yaml"
        try:
            st = os.lstat(f"{self.base}/{path}")
        except OSError:
            return False
        if not S_ISREG(st.st_mode):
            return False
        self.stats[path] = st
        kept = hit[0]
        if (kept[0] if kept[0] > kept[1] else kept[1]) + RACY_NS < self.written_ns:
            self.new[folder] = hit
        return True

    def data_files(self) -> list[DataFile]:
        """Every file `ekc` reads, plus any stray entry inside `cases/` (the purge removes
        personal.yaml only, so anything else there would outlive it), with what is no plain
        file or folder named by its nature: a symbolic link, a name that is not UTF-8, a
        registry that is a folder, a `cases` that is a file."""
        base = self.base
        found = []
        for name, kind in ROOT_FILES.items():
            if os.path.isfile(f"{base}/{name}"):
                found.append(DataFile(name, "symlink" if os.path.islink(f"{base}/{name}") else kind))
            elif os.path.isdir(f"{base}/{name}"):
                found.append(DataFile(name, "not-a-file"))
        if not self.walk:
            return found
        if os.path.lexists(f"{base}/cases") and (os.path.islink(f"{base}/cases") or not os.path.isdir(f"{base}/cases")):
            found.append(DataFile("cases", "symlink" if os.path.islink(f"{base}/cases") else "not-a-folder"))
            return found
        years = self.entries("cases", False) if os.path.isdir(f"{base}/cases") else None
        for year, nature in years or ():
            if nature is not True or not _utf8(year):
                found.append(_odd(f"cases/{year}", nature))
                continue
            entries, append, kind_of, case_only = self.entries, found.append, CASE_FILES.get, self.case_only
            for case_folder, is_folder in entries(f"cases/{year}", False) or ():
                folder = f"cases/{year}/{case_folder}"
                if is_folder is not True or not (case_folder.isascii() or _utf8(case_folder)):
                    append(_odd(folder, is_folder))
                    continue
                if case_only and self._plain_case_file(folder):
                    append(DataFile(f"{folder}/case.yaml", "case"))
                    continue
                for name, is_file in entries(folder, True) or ():
                    if is_file is True and (name.isascii() or _utf8(name)):  # isascii inline: 31,000 names
                        append(DataFile(f"{folder}/{name}", kind_of(name, "stray")))
                    else:
                        append(_odd(f"{folder}/{name}", is_file))
        return found


SYMLINK = "symlink"  # the nature of an entry that is a symbolic link (never followed)
CASE_ENTRY = ("case.yaml", True)  # a plain case.yaml in a kept folder listing


def _nature(entry: os.DirEntry, files: bool) -> bool | str:
    """True for the wanted kind (a file, or a folder), "symlink" for a link, False otherwise."""
    if entry.is_symlink():
        return SYMLINK
    return entry.is_file(follow_symlinks=False) if files else entry.is_dir(follow_symlinks=False)


def _utf8(name: str) -> bool:
    return name.isascii() or not any("\udc80" <= ch <= "\udcff" for ch in name)


def _odd(path: str, nature: bool | str) -> DataFile:
    """An entry that is no data file: a link, a name that is not UTF-8, or a stray."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:  # os.scandir gave the bytes back as surrogates
        return DataFile(os.fsencode(path).decode("utf-8", "backslashreplace"), "bad-name")
    return DataFile(path, "symlink" if nature == SYMLINK else "stray")


def data_files(root: Path) -> list[DataFile]:
    """The files of a data repository, listed afresh (no index): for tools and tests."""
    return _Listings(root, {}, 0, time.time_ns()).data_files()


def _compact(entry: Entry, seen: dict) -> Entry:
    summary = entry.verdict.summary
    verdict = entry.verdict
    if type(summary) is PersonalSummary and verdict.model is None and not verdict.findings:
        # a clean personal verdict is one of a handful of values (its coordinator exclusions):
        # one object in the pickle for all 15,000 of them
        return entry._replace(verdict=seen.setdefault(("personal verdict", summary), verdict))
    if not isinstance(summary, CaseSummary):
        return entry
    share = verdict_cache.shared
    summary = summary._replace(
        variant=share(summary.variant, seen),
        municipality=share(summary.municipality, seen),
        coordinator=share(summary.coordinator, seen),
        phases=share(tuple(share(phase, seen) for phase in summary.phases), seen),  # a few dozen distinct paths
        dates=tuple(share(day, seen) for day in summary.dates),
    )
    return entry._replace(verdict=entry.verdict._replace(summary=summary))


def _registry_entry(verdict: Verdict) -> Verdict:
    """A registry's model goes to objects/ (read on demand); the index keeps a marker."""
    if verdict.model is None:
        return verdict
    return Verdict(None, verdict.findings, REGISTRY_MARK)


REGISTRY_MARK = "registry"  # summary of a registry entry whose model lies in objects/


def _unreadable(path: str, exc: OSError) -> Verdict:
    reason = exc.strerror or type(exc).__name__
    return Verdict(None, (error(path, "read", f"cannot read this file: {reason}").located(1, 1),))


def read_file(path: str) -> bytes:
    """Plain strings, not pathlib: on a warm run reading 30,000 files is most of the work."""
    with open(path, "rb") as handle:
        return handle.read()


def _may_cache(kind: str, verdict: Verdict) -> bool:
    """Nothing from a personal.yaml may outlive its purge in a cache under .git/ekc.

    Of a personal file only a clean verdict is kept: no findings (whose messages may quote
    a value) and a summary holding coordinator ids alone. Its model is never cached, so the
    commands that read personal data parse the few live personal files afresh.
    """
    return kind != "personal" or not verdict.findings


def _judge_all(todo: list[tuple[str, str, bytes]], workers: int | None, models: bool = True) -> list[tuple[Verdict, bool]]:
    """(verdict, reached a meeting) per file. With `models=False` a worker sends back case
    and personal verdicts without their model: a cold `validate` needs only summaries, and
    pickling 15,000 full models between processes was a fifth of its time."""
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers <= 1 or len(todo) < PARALLEL_THRESHOLD:
        return _judged(todo, models)
    size = max(50, len(todo) // (workers * 8))
    chunks = [todo[i : i + size] for i in range(0, len(todo), size)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return [judged for chunk in pool.map(_judged, chunks, [models] * len(chunks)) for judged in chunk]


def _judged(items: list[tuple[str, str, bytes]], models: bool = True) -> list[tuple[Verdict, bool]]:
    out = []
    for (kind, path, raw), verdict in zip(items, judge_many(items)):
        met = kind == "case" and verdict.model is not None and _reached_meeting(verdict.model)
        out.append((verdict if models or kind not in ("case", "personal") else verdict.without_model(), met))
    return out


def _assemble(root: Path, files, verdicts: dict[str, Verdict], entries: dict[str, Entry], fresh: dict[str, Any],
              folder: Path | None, models: bool, select, raws: dict[str, bytes], lazy_purge_log: bool = False) -> Loaded:
    findings: list[Finding] = []
    extend = findings.extend
    for data_file in files:
        found = verdicts[data_file[0]][1]  # .path, .findings: attribute lookups cost 30,000 times
        if found:
            extend(found)

    def model_of(path: str, kind: str):
        """The full model: judged in this run, else from objects/, else judged now."""
        if path in fresh:
            return fresh[path]
        entry = entries.get(path)
        if entry is None or (entry.verdict.summary is None and entry.verdict.model is None):
            return None
        if kind == "personal":
            return _judge_now(root, kind, path, raws).model
        model = verdict_cache.read_object(folder, entry.key) if folder is not None else None
        if model is None:
            model = _judge_now(root, kind, path, raws).model
            if model is not None and folder is not None:
                verdict_cache.write_object(folder, entry.key, model)
        return model

    wanted = ("settings", "municipalities", "coordinators") if lazy_purge_log else ("settings", "municipalities", "coordinators", "purge_log")
    # the root files come first in `files`: the history is not walked for them
    registries = {f.path: model_of(f.path, f.kind) for f in takewhile(lambda f: f.path in ROOT_FILES, files) if f.kind in wanted}
    municipalities_file = registries.get("municipalities.yaml")
    coordinators_file = registries.get("coordinators.yaml")
    cases: dict[str, CaseFile] = {}
    first_path: dict[str, str] = {}  # a list per id only for the ids used twice: 15,000 lists spared
    duplicates: dict[str, list[str]] = {}
    present = set(verdicts)
    for data_file in files:
        if data_file[1] != "case":  # .kind
            continue
        summary = verdicts[data_file[0]][2]  # .path, .summary
        if summary is None:
            continue
        case_id = summary.id
        if case_id in first_path:
            duplicates.setdefault(case_id, [first_path[case_id]]).append(data_file.path)
        else:
            first_path[case_id] = data_file.path
        if case_id in cases or (select is not None and not select(summary)):
            continue
        personal_path = data_file.path.rsplit("/", 1)[0] + "/personal.yaml"
        personal = verdicts.get(personal_path)
        if models:
            case = model_of(data_file.path, "case")
            personal_model = model_of(personal_path, "personal") if personal is not None and personal.summary is not None else None
        else:
            case = summary
            personal_model = personal.summary if personal is not None else None
        if case is None:
            continue
        cases[summary.id] = CaseFile(case=case, path=data_file.path, personal=personal_model, personal_present=personal_path in present)
    store = DataStore(
        settings=registries.get("ekc.yaml") or Settings(),
        regions=_first_of_each(municipalities_file.regions) if municipalities_file else {},
        municipalities=_first_of_each(municipalities_file.municipalities, "code") if municipalities_file else {},
        coordinators=_first_of_each(coordinators_file.coordinators) if coordinators_file else {},
        cases=cases,
        purge_log=registries.get("purge-log.yaml") or PurgeLog(),
    )
    from ekc.validate.rules.cross_rules import check_unique_case_ids

    if duplicates:
        paths_by_id = {case_id: duplicates[case_id] for case_id in first_path if case_id in duplicates}  # first-seen order
        findings.extend(locate_files(root, check_unique_case_ids(paths_by_id)))
    return Loaded(root, store, findings, present, files_checked=len(files))


def extend_cases(loaded: Loaded, select: Callable[[Any], bool]) -> int:
    """Add to `loaded.store.cases` the cases chosen by `select` (over the CaseSummary in the
    index) that are not in it yet, with their full models and without their personal.yaml.
    For a question that only the first chosen case can frame: `case advance` to
    informative_talk needs its municipality's cases within the paying contract, known only
    once the case itself is read. Every entry was stat-checked by the `load` that made
    `loaded`, so nothing read here is stale. Returns how many cases were added."""
    folder = verdict_cache.cache_dir(loaded.root)
    cases = loaded.store.cases
    seen: set[str] = set()
    added = 0
    for path, entry in loaded.entries.items():
        summary = entry.verdict.summary
        if not path.endswith("/case.yaml") or summary is None or summary.id in seen:
            continue
        seen.add(summary.id)  # the first file of a duplicated id, as `load` takes it
        if summary.id in cases or not select(summary):
            continue
        model = verdict_cache.read_object(folder, entry.key)
        if model is None:
            model = _judge_now(loaded.root, "case", path, {}).model
            if model is not None:
                verdict_cache.write_object(folder, entry.key, model)
        if model is None:
            continue
        personal_path = path.rsplit("/", 1)[0] + "/personal.yaml"
        cases[summary.id] = CaseFile(case=model, path=path, personal=None, personal_present=personal_path in loaded.present_paths)
        added += 1
    return added


def purge_log_model(loaded: Loaded):
    """The purge log's model of a store loaded with `lazy_purge_log` (None if unreadable)."""
    entry = loaded.entries.get("purge-log.yaml")
    if entry is None or entry.verdict.summary is None and entry.verdict.model is None:
        return None
    if entry.verdict.model is not None:
        return entry.verdict.model
    folder = verdict_cache.cache_dir(loaded.root)
    model = verdict_cache.read_object(folder, entry.key)
    return model if model is not None else _judge_now(loaded.root, "purge_log", "purge-log.yaml", {}).model


def _judge_now(root: Path, kind: str, path: str, raws: dict[str, bytes]) -> Verdict:
    raw = raws.get(path)
    if raw is None:
        try:
            raw = read_file(f"{root}/{path}")
        except OSError:
            return Verdict(None, ())
    return judge(kind, path, raw)


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


@dataclass
class CaseWindow:
    """What `case_summaries_between` found: the chosen summaries in file order and the
    case.yaml files that give none (unreadable, or a later file of an id already used)."""

    summaries: list
    unreadable: list[str]
    files_read: int = 0


def case_summaries_between(root: Path, first, last) -> CaseWindow | None:
    """The CaseSummary of every case.yaml with a history date in [first, last] (the first
    file of an id, as `load` takes it), for `budget check`: without unpickling the index
    entries of the rest of the history.

    Every case.yaml is still lstat'ed and compared with the stat data in the index's case
    table, so nothing is served stale: a file that changed, is new, or is racy is read and
    judged afresh. Only unchanged files whose last history date lies before `first`'s year
    are ruled out unread; the index parts of the later years are read for the rest. A year
    folder whose kept listing is not clean is listed afresh. None when the index cannot
    answer (none yet, from other code, parts of different writes, or more changed than
    a rewrite would be made for): the caller loads the usual way, which rewrites it."""
    folder = verdict_cache.cache_dir(root)
    manifest = verdict_cache.read_manifest(folder)
    table_ref = manifest.get(CASE_TABLE)
    table = verdict_cache.read_part(folder, CASE_TABLE, table_ref[0]) if table_ref else None
    if table is None:
        return None
    written_ns = table_ref[1]
    base = f"{root}/cases"
    if os.path.islink(base) or not os.path.isdir(base):
        return None  # no cases, or an odd `cases`: the usual load says what it is
    try:
        with os.scandir(base) as listing:
            years = sorted((entry.name, _nature(entry, False)) for entry in listing)
    except OSError:
        return None
    kept_years, duplicates = table["years"], table["duplicates"]
    lowest = first.year
    wanted: list = []  # (order, path, year) of unchanged files whose part must be read
    fresh: list = []  # (order, path) of files to judge afresh
    ids_in_order: list = []  # (order, id) of the files whose id may be used twice
    order = None  # (year, case folder): the order in which `load` meets the files
    counted = 0
    lstat, regular = os.lstat, S_ISREG
    for year, nature in years:
        if nature is not True or not _utf8(year):
            continue  # no folder of cases: the usual load reports it, no case.yaml is in it
        relative = f"cases/{year}"
        kept = kept_years.get(year)
        try:
            st = os.stat(f"{root}/{relative}")
            fd = os.open(f"{root}/{relative}", os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            continue
        try:
            names = None
            if kept is not None and kept[0] is not None:
                signature = kept[0]
                mtime, ctime = st.st_mtime_ns, st.st_ctime_ns
                if signature[0] == mtime and signature[1] == ctime and signature[2] == st.st_ino and (
                    mtime if mtime > ctime else ctime
                ) + RACY_NS < written_ns:
                    names = kept[1]
            if names is None:  # changed, new or racy: listed afresh, as `data_files` lists it
                with os.scandir(fd) as listing:
                    names = tuple(sorted(entry.name for entry in listing if _nature(entry, False) is True and _utf8(entry.name)))
            if kept is not None and names is kept[1]:
                index_of = None
                stats, lasts, ids = kept[2], kept[3], kept[4]
            else:
                known = kept[1] if kept is not None else ()
                positions = {name: i for i, name in enumerate(known)}
                index_of = positions.get
                stats, lasts, ids = (kept[2], kept[3], kept[4]) if kept is not None else ((), (), ())
            for i, name in enumerate(names):
                try:
                    st = lstat(f"{name}/case.yaml", dir_fd=fd)
                except OSError:
                    continue  # no case.yaml: nothing of this folder is read by the caller
                if not regular(st.st_mode):
                    continue  # a link or a folder: a finding of `validate`, no case
                counted += 1
                order = (year, name)
                at = i if index_of is None else index_of(name)
                if at is not None:
                    j = at * 4
                    mtime, ctime = st.st_mtime_ns, st.st_ctime_ns
                    if stats[j] == st.st_size and stats[j + 1] == mtime and stats[j + 2] == ctime and stats[j + 3] == st.st_ino and (
                        mtime if mtime > ctime else ctime
                    ) + RACY_NS < written_ns:
                        case_id = ids[at]
                        if case_id in duplicates:
                            ids_in_order.append((order, case_id))
                        last_year = lasts[at]
                        if last_year >= lowest or last_year == 0:
                            wanted.append((order, f"{relative}/{name}/case.yaml", last_year))
                        continue
                fresh.append((order, f"{relative}/{name}/case.yaml"))
        finally:
            os.close(fd)
    if len(fresh) > max(FRESH_LIMIT, counted // REWRITE_FRACTION):
        return None
    generation = table.get("generation")
    entries: dict = {}
    for part_year in sorted({y for _, _, y in wanted}):
        name = f"case-{part_year}" if part_year else "case-none"
        ref = manifest.get(name)
        part = verdict_cache.read_part(folder, name, ref[0]) if ref else None
        if part is None or part.get("generation") != generation:
            return None
        entries.update(part["entries"])
    found: list = []  # (order, path, summary or None)
    for at, path, _ in wanted:
        entry = entries.get(path)
        if entry is None:
            return None
        found.append((at, path, entry.verdict.summary))
    for at, path in fresh:
        try:
            raw = read_file(f"{root}/{path}")
        except OSError:
            found.append((at, path, None))
            continue
        summary = judge("case", path, raw).summary
        found.append((at, path, summary))
        if summary is not None:
            ids_in_order.append((at, summary.id))
    walked = {year for year, nature in years if nature is True and _utf8(year)}
    ids_in_order.extend(_unchanged_with_ids(root, {y: t for y, t in kept_years.items() if y in walked}, {case_id for at, case_id in ids_in_order} - duplicates, written_ns))
    found.sort(key=lambda item: item[0])
    # the first file of an id counts; the ids that may be used twice are followed in file order
    later = set()
    first_of: set = set()
    for at, case_id in sorted(set(ids_in_order)):
        if case_id in first_of:
            later.add(at)
        else:
            first_of.add(case_id)
    summaries, unreadable = [], []
    for at, path, summary in found:
        if summary is None or at in later:
            unreadable.append(path)
            continue
        dates = summary.dates
        if dates and max(dates) >= first and min(dates) <= last and any(first <= day <= last for day in dates):
            summaries.append(summary)
    return CaseWindow(summaries, sorted(unreadable), len(fresh))


def _unchanged_with_ids(root: Path, kept_years: dict, ids: set, written_ns: int) -> list:
    """(order, id) of the unchanged case.yaml files in the case table whose id is in `ids`:
    the ids a file judged afresh now uses, which an unchanged file may have used first."""
    if not ids:
        return []
    found = []
    for year, (_, names, stats, _, kept_ids) in kept_years.items():
        for at in [i for i, case_id in enumerate(kept_ids) if case_id in ids]:
            name = names[at]
            try:
                st = os.lstat(f"{root}/cases/{year}/{name}/case.yaml")
            except OSError:
                continue
            mtime, ctime = st.st_mtime_ns, st.st_ctime_ns
            if S_ISREG(st.st_mode) and tuple(stats[at * 4 : at * 4 + 4]) == (st.st_size, mtime, ctime, st.st_ino) and max(mtime, ctime) + RACY_NS < written_ns:
                found.append(((year, name), kept_ids[at]))
    return found
