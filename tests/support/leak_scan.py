"""Find every place a person's string, or a purged blob, survives in a git repository.

Independent of ekc's own proof on purpose: a test that checks the purge with the purge's
own scanner proves nothing. This one reads everything a careless office could leave:

- every object in the database, reachable or not, loose or packed
  (`git cat-file --batch-all-objects --batch`), with author, committer and tagger
  identities named as such;
- every ref name (branches, tags, notes, stash, refs/backup, remotes);
- every file under `.git` except the object store itself (config with branch
  descriptions, logs, COMMIT_EDITMSG, ORIG_HEAD, FETCH_HEAD, packed-refs, rr-cache,
  filter-repo/, ekc/ caches, hooks, description, the index), and every file and file path
  of the work tree.

Matching ignores letter case, NFC versus NFD, diacritics and how whitespace is laid out (a
name wrapped over two lines is still the name). A string made mostly of digits is a phone
number: it matches any spelling with the same digits (`06-4242 9191`, `+31 6 42429191`).
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tests.support.git import git_bytes, out

# The object store is read through cat-file; its files are compressed and would only hide.
_OBJECT_FILE = re.compile(r"^objects/(?:[0-9a-f]{2}/[0-9a-f]{38,62}|pack/.*)$")
# digits glued by spaces, brackets, dots, slashes or any dash (`06/4815 1623`, `06–48151623`)
_PHONE_RUN = re.compile("(?:\\+|\\b)\\d[\\d \\t\\n()./\\-\u2010-\u2015\u2212]{6,}\\d")


@dataclass(frozen=True, order=True)
class Leak:
    where: str  # "object <sha> (<type>)", "identity of commit <sha>", "ref name", ".git/config", "work tree: path"
    found: str  # the string (as given) or "blob <sha>"

    def __str__(self) -> str:
        return f"{self.where}: {self.found}"


def fold(text: str) -> str:
    """Case, normalisation, diacritics, invisible characters (a soft hyphen, a zero-width space)
    and whitespace layout folded away."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch) and unicodedata.category(ch) != "Cf")
    return " ".join(bare.casefold().split())


def phone_digits(text: str) -> str:
    """The national digits of a phone number: +31 and 0031 become the leading 0."""
    digits = re.sub(r"\D", "", text)
    for prefix in ("0031", "31"):
        if digits.startswith(prefix) and len(digits) >= len(prefix) + 9:
            return "0" + digits[len(prefix):]
    return digits


def _is_phone(needle: str) -> bool:
    digits = sum(ch.isdigit() for ch in needle)
    return digits >= 8 and digits >= 0.7 * len(re.sub(r"\s", "", needle))


class Matcher:
    """One multi-string search over folded text, plus phone numbers by their digits."""

    def __init__(self, strings: Iterable[str], blob_ids: Iterable[str] = ()):
        self.by_fold: dict[str, str] = {}
        self.by_digits: dict[str, str] = {}
        for needle in strings:
            if not needle or not needle.strip():
                continue
            if _is_phone(needle):
                self.by_digits.setdefault(phone_digits(needle), needle)
            folded = fold(needle)
            if folded:
                self.by_fold.setdefault(folded, needle)
        self.blob_ids = {sha.lower() for sha in blob_ids}
        # a needle counts where no letter goes on before or after it: "Teun" is not in "steun"
        self.patterns = {key: re.compile(rf"(?<![^\W\d_]){re.escape(key)}(?![^\W\d_])") for key in self.by_fold}
        alternatives = sorted(self.by_fold, key=len, reverse=True)
        self.any = re.compile("|".join(map(re.escape, alternatives))) if alternatives else None
        self.raw_ids = {bytes.fromhex(sha): sha for sha in self.blob_ids}

    def strings_in(self, text: str) -> set[str]:
        found: set[str] = set()
        if self.any is not None:
            folded = fold(text)
            if self.any.search(folded):  # one pass over the text; the few hits are then told apart
                found |= {self.by_fold[key] for key, pattern in self.patterns.items() if pattern.search(folded)}
        if self.by_digits:
            for run in _PHONE_RUN.findall(text):
                digits = phone_digits(run)
                found |= {needle for key, needle in self.by_digits.items() if key in digits}
        lowered = text.lower()
        found |= {f"blob {sha}" for sha in self.blob_ids if sha in lowered}
        return found

    def ids_in_bytes(self, data: bytes) -> set[str]:
        """Blob ids held in binary form (tree entries, the index)."""
        return {f"blob {sha}" for raw, sha in self.raw_ids.items() if raw in data}


def _decode(data: bytes) -> str:
    """UTF-8; bytes that are not UTF-8 are read as well as Windows-1252 (an Excel CSV export,
    a message typed on an old Windows machine), where `ü` is the one byte 0xFC."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace") + "\n" + data.decode("cp1252", errors="replace")


def git_dir(repo: Path) -> Path:
    found = Path(out(repo, "rev-parse", "--git-dir"))
    return found if found.is_absolute() else (repo / found).resolve()


def work_tree(repo: Path) -> Path | None:
    if out(repo, "rev-parse", "--is-bare-repository") == "true":
        return None
    return Path(out(repo, "rev-parse", "--show-toplevel"))


def iter_objects(repo: Path, reachable_only: bool = False):
    """(sha, type, content) of every object in the database, reachable or not; or only of
    those reachable from a ref (or a reflog entry): what a clone or fetch would get."""
    if reachable_only:
        indexed = ["--indexed-objects"] if work_tree(repo) is not None else []
        listing = git_bytes(repo, "rev-list", "--objects", "--all", "--reflog", *indexed)
        wanted = b"".join(line.split(b" ", 1)[0] + b"\n" for line in listing.splitlines() if line)
        stream = git_bytes(repo, "cat-file", "--batch", input=wanted)
    else:
        stream = git_bytes(repo, "cat-file", "--batch-all-objects", "--batch", "--unordered")
    at = 0
    while at < len(stream):
        end = stream.index(b"\n", at)
        sha, kind, size = stream[at:end].decode().split(" ")
        start = end + 1
        yield sha, kind, stream[start : start + int(size)]
        at = start + int(size) + 1


def tree_entries(content: bytes) -> list[tuple[bytes, bytes]]:
    """(name, raw id) of each entry of a tree object: `<mode> <name>\\0<20-byte id>`."""
    entries = []
    at = 0
    while at < len(content):
        space = content.index(b" ", at)
        nul = content.index(b"\0", space)
        entries.append((content[space + 1 : nul], content[nul + 1 : nul + 21]))
        at = nul + 21
    return entries


_IDENTITY = re.compile(rb"^(author|committer|tagger) (.*)$", re.MULTILINE)


def scan_objects(repo: Path, matcher: Matcher, reachable_only: bool = False) -> list[Leak]:
    leaks: list[Leak] = []
    for sha, kind, content in iter_objects(repo, reachable_only):
        if sha in matcher.blob_ids:
            leaks.append(Leak(f"object {sha} ({kind})", f"blob {sha}"))
        if kind == "tree":
            # entry names are text, entry ids binary
            names = b"\n".join(name for name, _ in tree_entries(content))
            found = matcher.strings_in(_decode(names)) | matcher.ids_in_bytes(content)
        else:
            found = matcher.strings_in(_decode(content))
        leaks.extend(Leak(f"object {sha} ({kind})", needle) for needle in found)
        if kind in ("commit", "tag"):
            header = content.split(b"\n\n", 1)[0]
            for role, identity in _IDENTITY.findall(header):
                who = re.sub(rb"\s+\d+ [+-]\d{4}$", b"", identity)
                leaks.extend(
                    Leak(f"identity ({role.decode()}) of {kind} {sha}", needle)
                    for needle in matcher.strings_in(_decode(who))
                )
    return leaks


def scan_ref_names(repo: Path, matcher: Matcher) -> list[Leak]:
    names = out(repo, "for-each-ref", "--format=%(refname)").splitlines()
    if (git_dir(repo) / "refs" / "stash").exists() or "refs/stash" in names:
        names.append("refs/stash")
    leaks = []
    for name in names:
        # a ref name spells a name with hyphens or slashes for spaces
        readable = re.sub(r"[-_/.]+", " ", name)
        for needle in matcher.strings_in(name) | matcher.strings_in(readable):
            leaks.append(Leak(f"ref name {name}", needle))
    return sorted(set(leaks))


def _scan_files(base: Path, label: str, matcher: Matcher, skip) -> list[Leak]:
    leaks = []
    for path in sorted(base.rglob("*")):
        rel = path.relative_to(base).as_posix()
        if skip(rel):
            continue
        if not path.is_file() or path.is_symlink():
            continue  # a folder's name counts through the files in it
        shown = _decode(os.fsencode(rel))  # a file name in another encoding, read as it
        readable_path = re.sub(r"[-_/.]+", " ", shown)
        for needle in matcher.strings_in(shown) | matcher.strings_in(readable_path):
            leaks.append(Leak(f"{label}{rel} (its path)", needle))
        data = path.read_bytes()
        for needle in matcher.strings_in(_decode(data)) | matcher.ids_in_bytes(data):
            leaks.append(Leak(f"{label}{rel}", needle))
    return leaks


def scan_git_files(repo: Path, matcher: Matcher) -> list[Leak]:
    return _scan_files(git_dir(repo), ".git/", matcher, lambda rel: bool(_OBJECT_FILE.match(rel)))


def scan_work_tree(repo: Path, matcher: Matcher) -> list[Leak]:
    tree = work_tree(repo)
    if tree is None:
        return []
    inner = git_dir(repo)

    def skip(rel: str) -> bool:
        return rel == ".git" or rel.startswith(".git/") or (tree / rel).resolve() == inner

    return _scan_files(tree, "work tree: ", matcher, skip)


def scan(repo: Path, strings: Iterable[str], blob_ids: Iterable[str] = (), reachable_only: bool = False) -> list[Leak]:
    """Every place one of `strings` or `blob_ids` survives in `repo` (work tree or bare).

    `reachable_only` limits the objects to what a ref or reflog reaches: for a server,
    whose unreachable objects wait for its own garbage collection (the purge's printed
    advice), and are never served to a clone.
    """
    matcher = Matcher(strings, blob_ids)
    leaks = [
        *scan_objects(repo, matcher, reachable_only),
        *scan_ref_names(repo, matcher),
        *scan_git_files(repo, matcher),
        *scan_work_tree(repo, matcher),
    ]
    return sorted(set(leaks))


def where(leaks: Iterable[Leak]) -> list[str]:
    """The places alone: what a failing assertion may print without repeating a name."""
    return sorted({leak.where for leak in leaks})
