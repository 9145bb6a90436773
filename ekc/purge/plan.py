"""Which cases' personal data must go today, at which paths, and what purge-log.yaml records.

Pure: no git, no files. The shell (ekc/purge/rewrite.py) reads history and hands the personal
documents it found to these functions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from ekc.core.identifying import (
    Needles, PersonalStrings, fold, key_of, of_personal_document, of_unreadable_text, text_of, words_of, words_of_data,
)
from ekc.core.ids import is_case_id
from ekc.model.datastore import DataStore
from ekc.purge.retention import purge_due_on



@dataclass(frozen=True)
class ExpiredCase:
    case_id: str
    closed: date
    due: date


def expired_cases(store: DataStore, today: date) -> list[ExpiredCase]:
    """Every closed case past retention, whether or not its personal.yaml still exists.

    A case whose file is already gone is still listed: a stale clone may have brought an
    old version back into history, and that version must go too.
    """
    months = store.settings.retention_months
    found = []
    for case_id, case_file in sorted(store.cases.items()):
        due = purge_due_on(case_file.case, months)
        if due is not None and today >= due:
            found.append(ExpiredCase(case_id, case_file.case.closed_on, due))
    return found


def case_id_of(path: str) -> str | None:
    """The case a personal.yaml path belongs to: its folder is named after the case.

    Any folder, not only cases/<YYYY>/: a case folder filed under the wrong year and moved
    later keeps its name, so every path it ever had is found.
    """
    parts = path.split("/")
    if len(parts) < 2 or parts[-1] != "personal.yaml":
        return None
    return parts[-2] if is_case_id(parts[-2]) else None


CASE_FOLDER_PATH = re.compile(r"^cases/\d{4}/([^/]+)/[^/]+$")


def folder_of(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


@dataclass(frozen=True)
class TargetDraft:
    """One purge target: an expired case, or an orphan (a folder that left the tree)."""

    case_id: str | None  # None: an orphan outside any case folder (an intake/ copy)
    closed: date  # for an orphan: the day its folder left the tree
    due: date
    paths: tuple[str, ...]
    orphan: bool = False


@dataclass
class Assignment:
    targets: list[TargetDraft]
    kept_paths: set[str]  # personal.yaml paths of cases that stay (and of cases not judged)
    unjudged: list[str]  # case folders in the tree whose case.yaml cannot be read


def assign(
    history_paths: Iterable[str],
    renames: set[tuple[str, str]],
    removed_at: dict[str, date],
    live_folders: set[str],
    expired: dict[str, ExpiredCase],
    judged: set[str],
    retention_months: int,
    today: date,
) -> Assignment:
    """Which personal.yaml paths of history go, and for which case (DATA-FORMAT.md 1 and 2).

    A path in a live case folder belongs to that case. A path elsewhere that was renamed into
    a case's path belongs to that case (a renamed case folder, an intake/ file moved in). Any
    other path whose folder is no longer in the tree is an orphan: it expires
    `retention_months` after it left the tree.
    """
    from ekc.core.dates import add_months

    owner: dict[str, str] = {}
    for path in history_paths:
        folder = folder_of(path)
        if folder in live_folders:
            owner[path] = folder
    changed = True
    while changed:
        changed = False
        for source, target in sorted(renames):
            if source not in owner and target in owner and folder_of(source) not in live_folders:
                owner[source] = owner[target]
                changed = True
    by_folder: dict[str, set[str]] = {}
    for path, folder in owner.items():
        by_folder.setdefault(folder, set()).add(path)
    targets, kept, unjudged = [], set(), []
    for folder, paths in sorted(by_folder.items()):
        case_id = folder.rsplit("/", 1)[-1]
        if case_id in expired:
            e = expired[case_id]
            targets.append(TargetDraft(case_id, e.closed, e.due, tuple(sorted(paths))))
            continue
        kept |= paths
        if case_id not in judged and is_case_id(case_id):
            unjudged.append(case_id)
    orphans: dict[str, set[str]] = {}
    for path in history_paths:
        if path not in owner:
            orphans.setdefault(folder_of(path), set()).add(path)
    for folder, paths in sorted(orphans.items()):
        left = [removed_at[p] for p in paths if p in removed_at]
        if not left:  # never left a tree: it lives on another branch; not an orphan of the default one
            kept |= paths
            continue
        closed = max(left)
        due = add_months(closed, retention_months)
        if today < due:
            kept |= paths
            continue
        case_id = folder.rsplit("/", 1)[-1]
        targets.append(TargetDraft(case_id if is_case_id(case_id) else None, closed, due, tuple(sorted(paths)), True))
    return Assignment(targets, kept, sorted(unjudged))


def log_paths(case_id: str | None, paths: Iterable[str]) -> tuple[list[str], int]:
    """The paths purge-log.yaml may name (under cases/<YYYY>/<case-id>/), and how many others."""
    named, others = [], 0
    for path in paths:
        match = CASE_FOLDER_PATH.match(path)
        if case_id is not None and match and match[1] == case_id:
            named.append(path)
        else:
            others += 1
    return sorted(named), others


@dataclass(frozen=True)
class PurgeRecordDraft:
    case_id: str
    closed: date
    paths: tuple[str, ...]  # under cases/<YYYY>/<case-id>/ only
    other_paths: int = 0
    blobs: tuple[str, ...] = ()
    commits: tuple[str, ...] = ()


def log_entries(drafts: Iterable[PurgeRecordDraft], today: date) -> list[dict[str, Any]]:
    """New `purge-log.yaml` entries: ids, dates and paths only (DATA-FORMAT.md).

    Each entry gets its own date objects: a YAML dumper writes one object met twice as an
    anchor and an alias, which data files refuse.
    """
    entries = []
    for d in sorted(drafts, key=lambda d: d.case_id):
        entry: dict[str, Any] = {"case": d.case_id, "closed": _copy(d.closed), "purged": _copy(today), "paths": sorted(d.paths)}
        if d.other_paths:
            entry["other_paths"] = d.other_paths
        if d.blobs:
            entry["blobs"] = sorted(d.blobs)
        if d.commits:
            entry["commits"] = sorted(d.commits)
        entries.append(entry)
    return entries


def _scalar(text: str) -> str:
    """Plain where YAML reads it back as this very string (checked after), else a JSON string,
    which is a YAML double-quoted scalar."""
    import json

    return text if _PLAIN.fullmatch(text) and not _NOT_A_STRING.fullmatch(text) else json.dumps(text)


_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_./-]*")
_NOT_A_STRING = re.compile(r"[0-9eE._+-]+|true|false|null|yes|no|on|off|y|n", re.I)  # a number or a YAML 1.1 word
_TOP_LEVEL = re.compile(r"^[^\s#-][^\n]*", re.M)


def entries_text(entries: list[dict[str, Any]]) -> str:
    """The entries as the items of the `purges:` list, written as DATA-FORMAT.md shows them."""
    lines = []
    for entry in entries:
        lines += [f"  - case: {_scalar(entry['case'])}", f"    closed: {entry['closed'].isoformat()}",
                  f"    purged: {entry['purged'].isoformat()}",
                  f"    paths: [{', '.join(_scalar(p) for p in entry['paths'])}]"]
        if "other_paths" in entry:
            lines.append(f"    other_paths: {int(entry['other_paths'])}")
        for key in ("blobs", "commits"):
            if key in entry:
                lines.append(f"    {key}:")
                lines += [f"      - {_scalar(value)}" for value in entry[key]]
    return "".join(line + "\n" for line in lines)


def appended_log(existing: str | None, entries: list[dict[str, Any]]) -> str | None:
    """purge-log.yaml with the entries added at the end of its `purges:` list, as text: a round
    trip through ruamel costs a second per megabyte, and the log only grows. None where the
    file is not of the plain shape this can extend safely (the caller then does the round
    trip): another key after the list, an empty or flow list, other indentation, CRLF or a
    BOM, or new text that would not read back as exactly these entries."""
    from ekc.store.yamlio import parse

    added = entries_text(entries)
    check = parse("purge-log.yaml", ("purges:\n" + added).encode())
    if not check.ok or check.data != {"purges": entries}:
        return None
    if existing is None or not existing.strip():
        return "purges:\n" + added
    if "\r" in existing or existing.startswith("\ufeff") or not existing.endswith("\n"):
        return None
    keys = _TOP_LEVEL.findall(existing)
    last_list = existing.rfind("\npurges:") + 1  # 0: the file starts with it
    if not keys or keys[-1].split("#")[0].strip() != "purges:" or "\n  - case: " not in existing[last_list:]:
        return None
    return existing + added


def texts_naming(texts: dict[str, str], needles: Needles, owners: dict[str, PersonalStrings], kept_words: set[str]) -> dict[str, set[str]]:
    """For each case, the ids of the texts (redacted blobs, commits and tag messages) that name
    one of its persons: what its own search (`Needles(owner, kept_words).find`) would say, from
    one search of each text with the purge's needles.

    Every match is keyed (`key_of`), and so is each of its words: a name part of one case
    inside another case's full name counts for both, as each one's own search finds it. A
    match whose key is none of the strings' keys (a spelling `key_of` does not fold the same
    way) sends that text to the search per case. A case string inside a match but not one of
    its words (`jansen` in the e-mail address `b.jansen@example.org`, a street inside a whole
    address) sends that text to that case's own search."""
    import ahocorasick

    every = {key_of(v) for owner in owners.values() for v in owner.all()}
    inside_keys = ahocorasick.Automaton()
    for key in every:
        if key:
            inside_keys.add_word(key, key)
    if len(inside_keys):
        inside_keys.make_automaton()
    keyed: dict[str, set[str]] = {}
    inside: dict[str, set[str]] = {}
    unsure = set()
    for sha, text in texts.items():
        matches = needles.found(text)
        keys = {key_of(m) for m in matches}
        if not keys or keys - every:
            unsure.add(sha)
        keyed[sha] = keys | {key_of(word) for m in matches for word in m.split()}
        inside[sha] = {k for key in keys for _, k in inside_keys.iter(key)} - keyed[sha] if len(inside_keys) else set()
    naming = {}
    for case, owner in owners.items():
        mine = {key_of(v) for v in owner.values} | {key_of(p) for p in owner.parts if fold(p) not in kept_words}
        found = {sha for sha, keys in keyed.items() if sha not in unsure and keys & mine}
        maybe = {sha for sha in texts if sha in unsure or (sha not in found and inside[sha] & mine)}
        if maybe:
            own_needles = Needles(owner, kept_words)
            found |= {sha for sha in maybe if own_needles.find(texts[sha])}
        naming[case] = found
    return naming


def rewrite_range(order: list[str], parents: dict[str, list[str]], seeds: set[str]) -> tuple[set[str], list[str]]:
    """(every commit the rewrite must write anew, the untouched parents where it stops).

    A commit changes when it brings in purged data itself (a seed) or when a parent changed
    (its parent id is new). Everything else stays byte for byte, so git-filter-repo is given
    the refs that reach a changed commit with the boundary excluded (`^<id>`): the monthly
    purge of cases registered last year rewrites a year of history, not twenty. `order`:
    parents first. The commits outside are ancestors of the boundary only: none holds
    purged data, since a commit that does is a seed or a descendant of one."""
    changed = set()
    for commit in order:
        if commit in seeds or any(p in changed for p in parents[commit]):
            changed.add(commit)
    boundary = sorted({p for c in changed for p in parents[c] if p not in changed})
    return changed, boundary


def strings_of_version(raw: bytes) -> PersonalStrings:
    """The identifying strings of one version of a personal.yaml, valid YAML or not: its
    fields where it parses, and its text line by line always (a version that parses may
    hold a name in a comment). The purge and `ekc sync`'s proof read each version so."""
    from ekc.store.yamlio import parse

    strings = PersonalStrings()
    parsed = parse("personal.yaml", raw)
    if parsed.ok:
        strings.update(of_personal_document(parsed.data))
    strings.update(of_unreadable_text(text_of(raw)))
    return strings


def kept_words(files: Iterable[tuple[str, bytes]]) -> set[str]:
    """The words of the data that stays (coordinators.yaml, municipalities.yaml, kept
    personal.yaml): of their values, not their comments (`words_of_data`); a file that does
    not parse counts whole. The purge and `ekc sync`'s proof use the same rule."""
    from ekc.store.yamlio import parse

    words: set[str] = set()
    for path, raw in files:
        if b"#" not in raw:  # no comment: the text's words are its data's (no parse of 15,000 files)
            words |= words_of(text_of(raw))
            continue
        parsed = parse(path, raw)
        words |= words_of_data(parsed.data) if parsed.ok else words_of(text_of(raw))
    return words


def _copy(day: date) -> date:
    return date(day.year, day.month, day.day)


def purge_commit_message(case_ids: list[str]) -> str:
    """Names case ids only: the message of the purge must not itself hold personal data."""
    ids = sorted(case_ids)
    noun = "case" if len(ids) == 1 else "cases"
    return f"Purge personal data of {len(ids)} {noun} past retention\n\n" + "\n".join(ids) + "\n"
