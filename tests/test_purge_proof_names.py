"""The proof reads no tree objects in its stream, yet covers every tree in the database.

Trees hold only entry names and ids; their names come from the names scan (`git log -t
--raw`), and a tree that scan does not cover is read whole. These tests put a fictional
family's name in a file or folder name everywhere a tree can be, and check that the proof
(ekc.purge.proof.prove, the same function `ekc purge` ends with) names a place each time.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ekc.core.identifying import Needles, PersonalStrings
from ekc.purge import proof
from tests.support.git import commit_all, git, init_repo, out

NEEDLES = Needles(PersonalStrings({"Wilhelmina Oosterkamp"}, {"Oosterkamp"}), set())


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = init_repo(tmp_path / "repo")
    git(root, "config", "user.name", "Office")
    git(root, "config", "user.email", "office@example.org")
    (root / "cases").mkdir()
    (root / "cases" / "a.yaml").write_text("kind: case\n")
    commit_all(root, "Start")
    return root


def _trees(remaining: list[str]) -> list[str]:
    return [r for r in remaining if r.startswith("tree ")]


def test_a_clean_repository_proves_clean(repo):
    result = proof.prove(repo, NEEDLES, set())
    assert result.remaining == []
    every = git(repo, "cat-file", "--batch-all-objects", "--batch-check").stdout.splitlines()
    assert result.objects_scanned == len(every)


def test_a_folder_named_after_the_family_in_old_history_is_caught(repo):
    (repo / "intake" / "Oosterkamp-Wilhelmina").mkdir(parents=True)
    (repo / "intake" / "Oosterkamp-Wilhelmina" / "notes.txt").write_text("nothing personal in here\n")
    commit_all(repo, "Intake")
    git(repo, "rm", "-q", "-r", "intake")
    commit_all(repo, "Moved")
    (repo / ".git" / "COMMIT_EDITMSG").unlink()

    remaining = proof.prove(repo, NEEDLES, set()).remaining

    assert _trees(remaining), remaining
    assert all("oosterkamp" not in r.lower() for r in remaining)  # the proof names places, never the string


def test_a_file_named_after_the_family_on_a_merged_side_branch_is_caught(repo):
    git(repo, "checkout", "-q", "-b", "side")
    (repo / "cases" / "OOSTERKAMP.txt").write_text("x\n")  # in capitals
    commit_all(repo, "side work")
    git(repo, "checkout", "-q", "main")
    (repo / "cases" / "b.yaml").write_text("kind: case\n")
    commit_all(repo, "main work")
    git(repo, "merge", "-q", "--no-edit", "side")
    git(repo, "rm", "-q", "cases/OOSTERKAMP.txt")
    commit_all(repo, "Remove")
    git(repo, "branch", "-q", "-D", "side")
    (repo / ".git" / "ORIG_HEAD").unlink(missing_ok=True)

    assert _trees(proof.prove(repo, NEEDLES, set()).remaining)


def test_a_tree_no_commit_reaches_is_read_whole_and_caught(repo):
    blob = git(repo, "hash-object", "-w", "--stdin", input="x\n").stdout.strip()
    tree = git(repo, "mktree", input=f"100644 blob {blob}\tOosterkamp.txt\n").stdout.strip()

    remaining = proof.prove(repo, NEEDLES, set()).remaining

    assert f"tree {tree} holds an identifying string" in remaining


def test_a_tag_of_a_tree_holding_a_folder_named_after_the_family_is_caught(repo):
    blob = git(repo, "hash-object", "-w", "--stdin", input="x\n").stdout.strip()
    inner = git(repo, "mktree", input=f"100644 blob {blob}\tnotes.txt\n").stdout.strip()
    outer = git(repo, "mktree", input=f"040000 tree {inner}\tWilhelmina Oosterkamp\n").stdout.strip()
    git(repo, "tag", "snapshot", outer)

    remaining = proof.prove(repo, NEEDLES, set()).remaining

    assert f"tree {outer} holds an identifying string" in remaining


def test_the_names_scan_covers_every_tree_a_commit_reaches(repo):
    """The coverage the proof relies on: with merges, renames, deletions and a root commit
    on a second branch, every tree reachable from a commit is one the names scan saw."""
    for i in range(3):
        (repo / "cases" / f"y{i}").mkdir()
        (repo / "cases" / f"y{i}" / "c.yaml").write_text(f"{i}\n")
        commit_all(repo, f"add {i}")
    git(repo, "checkout", "-q", "-b", "side", "HEAD~2")
    (repo / "cases" / "y0" / "c.yaml").write_text("changed\n")
    git(repo, "mv", "cases/a.yaml", "cases/moved.yaml")
    commit_all(repo, "side")
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--no-edit", "-X", "theirs", "side")
    git(repo, "checkout", "-q", "--orphan", "other")
    git(repo, "rm", "-q", "-r", "--cached", ".")
    (repo / "z").mkdir()
    (repo / "z" / "only.txt").write_text("z\n")
    git(repo, "add", "z")
    git(repo, "commit", "-q", "-m", "another root")
    git(repo, "checkout", "-q", "-f", "main")

    listed = git(repo, "rev-list", "--objects", "--all", "--no-object-names").stdout.split()
    kinds = git(repo, "cat-file", "--batch-check=%(objecttype) %(objectname)", input="\n".join(listed) + "\n").stdout
    reachable_trees = {line.split()[1] for line in kinds.splitlines() if line.startswith("tree ")}
    names = proof.history_names(git(repo, *proof.NAMES_LOG).stdout.encode())

    assert reachable_trees <= names.trees
    assert {"cases/y0/c.yaml", "cases/moved.yaml", "z/only.txt"} <= set(names.paths)


def test_the_proof_reads_every_object_the_scan_before_did_not_find_clean(repo):
    """The proof skips what the scan before the rewrite read and found clean (an id names
    its bytes); whatever came after, such as a commit of the purge itself, is read."""
    before = proof.scan_objects(repo, NEEDLES, set(), proof.history_names(git(repo, *proof.NAMES_LOG).stdout.encode()))
    assert before.clean and not before.blobs
    (repo / "cases" / "later.yaml").write_text("note: called mevrouw Oosterkamp\n")
    new_commit = commit_all(repo, "Later")
    new_blob = out(repo, "rev-parse", "HEAD:cases/later.yaml")
    (repo / ".git" / "COMMIT_EDITMSG").unlink()

    remaining = proof.prove(repo, NEEDLES, set(), known_clean=before.clean).remaining

    assert remaining == [f"blob {new_blob} holds an identifying string"], remaining
    assert new_commit not in before.clean


def test_what_git_does_not_track_in_the_work_tree_is_searched_by_name_and_content(repo):
    """The proof lists the work tree through git (`ls-files --others --directory`): an
    ignored file, an untracked file, an empty folder and a file deep in an untracked folder
    are each named; tracked files are objects of HEAD and are not listed here."""
    (repo / ".gitignore").write_text("*.bak\n")
    commit_all(repo, "Ignore backups")
    (repo / "cases" / "Oosterkamp.bak").write_text("x\n")  # ignored, named
    (repo / "cases" / "notes.txt").write_text("called Wilhelmina Oosterkamp\n")  # untracked, content
    (repo / "intake" / "OOSTERKAMP-W").mkdir(parents=True)  # empty folder, named
    (repo / "scratch" / "deep").mkdir(parents=True)
    (repo / "scratch" / "deep" / "call.txt").write_text("Wilhelmina  Oosterkamp rang\n")  # untracked folder
    (repo / "cases" / "clean.txt").write_text("nothing\n")

    remaining = proof.prove(repo, NEEDLES, set()).remaining

    work = sorted(r for r in remaining if r.startswith("work tree file "))
    assert work == [
        "work tree file cases/***.bak holds an identifying string",
        "work tree file cases/notes.txt holds an identifying string",
        "work tree file intake/***-W holds an identifying string",
        "work tree file scratch/deep/call.txt holds an identifying string",
    ], remaining


def test_a_clean_work_tree_with_untracked_files_proves_clean(repo):
    (repo / "cases" / "notes.txt").write_text("nothing personal\n")
    (repo / "empty").mkdir()
    assert proof.prove(repo, NEEDLES, set()).remaining == []


def test_what_the_proof_read_beside_gc_counts_only_where_gc_kept_it(repo):
    """`ekc purge` reads the new objects while gc runs (ekc.purge.proof.read_beside_gc), then
    proves after it. An object found holding a string then counts only if gc kept it; one
    made after that read (gc never makes one, but a hook or a colleague may) is read after."""
    before = proof.scan_objects(repo, NEEDLES, set(), proof.history_names(git(repo, *proof.NAMES_LOG).stdout.encode()))
    (repo / "cases" / "kept.yaml").write_text("note: mevrouw Oosterkamp\n")
    commit_all(repo, "Kept")
    kept = out(repo, "rev-parse", "HEAD:cases/kept.yaml")
    dropped = git(repo, "hash-object", "-w", "--stdin", input="Wilhelmina Oosterkamp, gone after gc\n").stdout.strip()
    beside = proof.read_beside_gc(repo, NEEDLES, before.clean)
    assert {kept, dropped} <= beside.objects.blobs
    git(repo, "-c", "gc.pruneExpire=now", "gc", "--prune=now", "--quiet")
    (repo / "cases" / "after.yaml").write_text("note: Oosterkamp again\n")
    commit_all(repo, "After")
    after = out(repo, "rev-parse", "HEAD:cases/after.yaml")
    (repo / ".git" / "COMMIT_EDITMSG").unlink()

    remaining = proof.prove(repo, NEEDLES, set(), known_clean=before.clean, beside=beside).remaining

    assert sorted(remaining) == sorted([f"blob {kept} holds an identifying string", f"blob {after} holds an identifying string"])


def test_the_work_tree_read_beside_gc_is_what_the_proof_reports(repo):
    (repo / "export").mkdir()
    (repo / "export" / "brief.txt").write_text("Beste mevrouw Oosterkamp\n")
    beside = proof.read_beside_gc(repo, NEEDLES, set())
    assert beside.work_files == ["export/brief.txt"]
    remaining = proof.prove(repo, NEEDLES, set(), beside=beside).remaining
    assert "work tree file export/brief.txt holds an identifying string" in remaining


def test_a_name_with_diacritics_written_without_them_in_capitals_is_found(repo):
    """`ODUL` for Ödül: the cheap look at raw bytes must not let it pass (it used to look for
    the longest piece of `Ödül` that is ASCII in every spelling, `d`: too short, so none)."""
    strings = PersonalStrings()
    strings.add_name("Anna Ödül")
    needles = Needles(strings, set())
    (repo / "notes.txt").write_text("Gesprek met mevrouw ODUL over school\n")
    commit_all(repo, "notes")
    blob = out(repo, "rev-parse", "HEAD:notes.txt")
    found = proof.scan_objects(repo, needles, set(), proof.history_names(git(repo, *proof.NAMES_LOG).stdout.encode()))
    assert blob in found.blobs


def test_a_short_name_of_hex_letters_is_not_found_in_object_ids(repo):
    """`Ada` reads as a word in `parent 93ada51...`; commits name their tree and parents in hex,
    so by chance hundreds of a long history's commits would hold her name. Ids are not text."""
    needles = Needles(PersonalStrings({"Ada Brinkgreve"}, {"Ada", "Brinkgreve"}), set())
    assert needles.in_object_ids
    ids = "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nparent 93ada51e0c3b8f2f0e6f7a1b2c3d4e5f60718293\n"
    clean = (ids + "author Office <office@example.org> 1700000000 +0100\n\nRegister EKC-2024-00001\n").encode()
    named = (ids + "author Office <office@example.org> 1700000000 +0100\n\nGesprek met Ada\n").encode()
    found = proof.ObjectScan()
    proof._search([("c" * 40, b"commit", clean), ("d" * 40, b"commit", named)], needles, found)
    assert found.commits == {"d" * 40} and "c" * 40 in found.clean
    # `subtree <id>` in a text loses the id, not the line break: no two words join
    assert needles.find(proof.searchable(needles, b"subtree 93ada51e0c3b8f2f0e6f7a1b2c3d4e5f60718293\nAda\n").decode())


def test_the_names_scan_parsed_beside_gc_still_covers_a_tree_made_after_it(repo):
    """The names scan of the final history is parsed while gc runs when it ends first; a
    commit made after it (by a hook, say) has trees it does not cover: read whole."""
    from ekc.purge.scan import Background

    names_log = Background(repo, *proof.NAMES_LOG)
    names_log.process.wait()
    beside = proof.read_beside_gc(repo, NEEDLES, set(), names_log)
    assert beside.names is not None and "cases/a.yaml" in beside.names.paths
    (repo / "cases" / "Oosterkamp.txt").write_text("x\n")
    commit_all(repo, "After")
    (repo / ".git" / "COMMIT_EDITMSG").unlink()

    remaining = proof.prove(repo, NEEDLES, set(), beside=beside).remaining

    assert _trees(remaining) and all("oosterkamp" not in r.lower() for r in remaining), remaining


def test_object_ids_in_files_under_git_are_not_text(repo):
    """Reflogs, packed-refs and the purge's commit map are rows of hex ids: `Ada` in one of
    them is chance, and the proof would fail every purge of a person so named."""
    needles = Needles(PersonalStrings({"Ada Brinkgreve"}, {"Ada", "Brinkgreve"}), set())
    (repo / ".git" / "ids").write_text("93ada51e0c3b8f2f0e6f7a1b2c3d4e5f60718293 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n")
    (repo / ".git" / "note").write_text("bel Ada terug\n")
    assert proof.git_files_with(repo, needles) == ["note"]


# -- the git index is searched as its text (proof.index_text) --------------------------------

def _index_of(repo: Path) -> bytes:
    return (repo / ".git" / "index").read_bytes()


@pytest.mark.parametrize("version", [2, 3, 4])
def test_a_name_in_a_tracked_path_is_found_in_the_index_of_every_version(repo, version):
    """Version 4 shortens each path against the one before; 3 adds flags (skip-worktree)."""
    (repo / "intake" / "Oosterkamp-Wilhelmina").mkdir(parents=True)
    (repo / "intake" / "Oosterkamp-Wilhelmina" / "brief.txt").write_text("x\n")
    (repo / "zz").mkdir()
    (repo / "zz" / "notes.txt").write_text("x\n")
    git(repo, "add", "-A")
    git(repo, "update-index", "--index-version", str(version))
    if version == 3:
        git(repo, "update-index", "--skip-worktree", "zz/notes.txt")
    text = proof.index_text(_index_of(repo))
    listed = out(repo, "ls-files").splitlines()
    assert text is not None and all(path.encode() in text.split(b"\n") for path in listed)
    assert proof.git_files_with(repo, NEEDLES) == ["index"]


def test_a_folder_name_only_in_the_cache_tree_is_found(repo):
    """The cache-tree extension lists folder names: read as text too."""
    (repo / "Oosterkamp").mkdir()
    (repo / "Oosterkamp" / "a.txt").write_text("x\n")
    commit_all(repo, "Folder")
    git(repo, "read-tree", "HEAD")  # writes the cache-tree
    data = _index_of(repo)
    assert b"TREE" in data
    text = proof.index_text(data)
    assert text is not None and b"\nOosterkamp\n" in text + b"\n"


def test_a_name_in_the_untracked_cache_is_found(repo):
    """Another extension (the untracked cache) is searched as it is, binary and all."""
    git(repo, "config", "core.untrackedCache", "true")
    (repo / "Oosterkamp-scan").mkdir()
    (repo / "Oosterkamp-scan" / "x.pdf").write_bytes(b"%PDF")
    git(repo, "update-index", "--untracked-cache")
    git(repo, "status", "--porcelain")
    shutil.rmtree(repo / "Oosterkamp-scan")  # gone from the work tree, still in the cache
    assert b"UNTR" in _index_of(repo)
    assert proof.git_files_with(repo, NEEDLES) == ["index"]


def test_an_index_that_does_not_read_whole_is_searched_as_it_is(repo):
    """A damaged index (a crash while it was written), or bytes that only start like one."""
    data = _index_of(repo)
    assert proof.index_text(data) is not None
    # the name written over bytes the text leaves out (an id, the checksum): the checksum fails
    broken = data[:-32] + b"\nWilhelmina Oosterkamp\n" + data[-9:]  # a word, not glued to binary letters
    assert len(broken) == len(data) and proof.index_text(broken) is None
    unchecked = data[:-20] + bytes(20)  # index.skipHash
    assert proof.index_text(unchecked) is None
    (repo / ".git" / "index.bak").write_bytes(broken)
    (repo / ".git" / "fake").write_bytes(b"DIRC" + b"\0\0\0\2\0\0\0\1" + b"\nWilhelmina Oosterkamp\n")
    assert proof.git_files_with(repo, NEEDLES) == ["fake", "index.bak"]


def test_the_index_of_a_sha256_repository_reads_whole(tmp_path):
    root = tmp_path / "sha256"
    git(tmp_path, "init", "-q", "--object-format=sha256", str(root))
    (root / "Oosterkamp.txt").write_text("x\n")
    (root / "a.txt").write_text("x\n")
    git(root, "add", "-A")
    text = proof.index_text((root / ".git" / "index").read_bytes())
    assert text is not None and text.split(b"\n")[:2] == [b"Oosterkamp.txt", b"a.txt"]
    assert proof.git_files_with(root, NEEDLES) == ["index"]


def test_the_names_scan_of_the_refs_alone_walks_no_reflog(repo):
    """Started right after the rewrite, while the reflogs still reach the old history (an old
    commit's names there would be reported though gc drops that commit)."""
    (repo / "Oosterkamp.txt").write_text("x\n")
    commit_all(repo, "Named")
    git(repo, "reset", "--hard", "HEAD~1")  # the named commit is in the reflog only
    walked = git(repo, *proof.REFS_NAMES_LOG).stdout
    everything = git(repo, *proof.NAMES_LOG).stdout
    assert "Oosterkamp" not in walked and "Oosterkamp" in everything
    assert "--reflog" not in proof.REFS_NAMES_LOG and set(proof.REFS_NAMES_LOG) == set(proof.NAMES_LOG) - {"--reflog"}


def test_a_commit_made_while_gc_runs_is_walked_by_the_names_scan(repo):
    """The names scan started after the rewrite is read beside gc; a commit made after that
    (a hook, another program) holds a phone number spread over two folder names, which no
    single tree read whole shows: the proof walks it too, after its listing of the objects."""
    needles = Needles(PersonalStrings({"Wilhelmina Oosterkamp", "+31 6 48151623"}, {"Oosterkamp"}), set())
    names_log = proof.RefsNamesLog(repo)
    beside = proof.read_beside_gc(repo, needles, set(), names_log)
    assert beside.names is not None and proof.prove(repo, needles, set(), names_log=names_log, beside=beside).remaining == []
    git(repo, "checkout", "-q", "-b", "belnotities")
    (repo / "bellen" / "0648").mkdir(parents=True)
    (repo / "bellen" / "0648" / "151623.txt").write_text("terugbellen\n")
    commit_all(repo, "Notitie")
    git(repo, "checkout", "-q", "main")
    (repo / ".git" / "COMMIT_EDITMSG").unlink()

    remaining = proof.prove(repo, needles, set(), names_log=names_log, beside=beside).remaining

    assert any(r.startswith("tree ") and "lists 1 file or folder name" in r for r in remaining), remaining


def test_a_read_beside_gc_cut_short_by_gc_is_finished_after_it(repo, monkeypatch):
    """gc deletes the old packs at its end, and a cat-file about to open one dies
    (`packfile ... cannot be accessed`; seen in tests/test_purge_push.py). The read beside gc
    keeps what it judged, the purge goes on, and the proof after gc reads the rest."""
    from ekc.store.git import GitFailed

    (repo / "notes.txt").write_text("bel Wilhelmina Oosterkamp\n")
    commit_all(repo, "Notes")
    real = proof.read_objects

    def dies_after_one(root, ids):
        for number, item in enumerate(real(root, ids)):
            if number == 1:
                raise GitFailed("git cat-file failed: fatal: packfile .git/objects/pack/pack-x.pack cannot be accessed")
            yield item

    monkeypatch.setattr(proof, "read_objects", dies_after_one)
    beside = proof.read_beside_gc(repo, NEEDLES, set())
    judged = beside.objects.clean | beside.objects.blobs | beside.objects.commits
    assert len(judged) <= 1
    monkeypatch.setattr(proof, "read_objects", real)

    remaining = proof.prove(repo, NEEDLES, set(), beside=beside).remaining

    notes = out(repo, "rev-parse", "HEAD:notes.txt")
    assert f"blob {notes} holds an identifying string" in remaining


def test_a_names_scan_beside_gc_cut_short_by_gc_is_walked_again_after_it(repo, monkeypatch):
    """The same for the names scan: its git log dies beside gc; after gc it is walked whole."""
    from ekc.store.git import GitFailed

    (repo / "Oosterkamp").mkdir()
    (repo / "Oosterkamp" / "brief.txt").write_text("x\n")
    commit_all(repo, "Folder")
    names_log = proof.RefsNamesLog(repo)

    def cut_short():
        raise GitFailed("git log failed: fatal: packfile .git/objects/pack/pack-x.pack cannot be accessed")

    monkeypatch.setattr(names_log, "result", cut_short)
    beside = proof.read_beside_gc(repo, NEEDLES, set(), names_log)
    assert beside.names is None

    remaining = proof.prove(repo, NEEDLES, set(), names_log=names_log, beside=beside).remaining

    assert any(r.startswith("tree ") and "file or folder name" in r for r in remaining), remaining


def test_the_files_holding_a_string_are_found_beside_a_small_binary_file(monkeypatch):
    """`holding` looks at all contents joined, then searches each one that may hold a string.
    One binary file (ekc's own cache under .git) makes the joined bytes not ASCII: they are
    not searched in full then (a megabyte of an index's paths took a tenth of a second), and
    each file is still judged on its own."""
    paths = b"\n".join(f"cases/2024/EK-2024-{i:04d}/case.yaml".encode() for i in range(20000))
    binary = bytes(range(256))
    searched: list[int] = []
    real = Needles.find_bytes

    def counting(self, data):
        searched.append(len(data))
        return real(self, data)

    monkeypatch.setattr(Needles, "find_bytes", counting)
    assert proof.holding([("index", paths), ("ekc/cache", binary)], NEEDLES) == []
    assert searched and max(searched) < len(paths), searched  # the big text was never searched in full

    named = b"notes: gesprek met mevrouw Oosterkamp\n"
    assert proof.holding([("index", paths), ("ekc/cache", binary), ("notes", named)], NEEDLES) == ["notes"]
    assert proof.holding([("index", paths), ("ekc/cache", binary + named)], NEEDLES) == ["ekc/cache"]


def test_objects_made_after_the_listing_beside_gc_are_typed_and_searched(repo):
    """After gc the proof lists object ids only and takes each one's type from the listing
    beside gc; what that listing did not see (a hook's commit during gc) is typed by git,
    read and searched like everything else."""
    beside = proof.read_beside_gc(repo, NEEDLES, set())
    assert beside.kinds is not None
    (repo / "brief.txt").write_text("Brief aan mevrouw Oosterkamp\n")
    commit_all(repo, "Brief")
    tree = out(repo, "rev-parse", "HEAD^{tree}")
    (repo / "leeg").mkdir()
    (repo / "leeg" / "x.txt").write_text("x\n")
    commit_all(repo, "Made by a hook while gc ran: Wilhelmina Oosterkamp")

    result = proof.prove(repo, NEEDLES, set(), beside=beside)

    assert f"blob {out(repo, 'rev-parse', 'HEAD:brief.txt')} holds an identifying string" in result.remaining
    assert f"commit {out(repo, 'rev-parse', 'HEAD')} holds an identifying string" in result.remaining
    listed = {line.split()[0] for line in out(repo, "cat-file", "--batch-all-objects", "--batch-check=%(objectname)").splitlines()}
    assert result.objects_scanned == len(listed) and tree in listed
