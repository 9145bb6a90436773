"""The verdict cache and the parallel path give exactly what a cold, serial run gives."""

from __future__ import annotations

import os
import pickle

import pytest

from ekc.store import cache as verdict_cache
from ekc.store import loader
from ekc.store.loader import load
from tests.rulecheck import CLOSED_PATH, OPEN_PATH, TODAY, at, findings_of, valid_store
from tests.support.store import StoreBuilder, closed_case, personal_doc, registered_case


def broken_store(tmp_path):
    root = valid_store(tmp_path, open_case=registered_case(outcome="declined")).write()
    (root / "coordinators.yaml").write_bytes(b"coordinators:\n  - id: [\n")
    return root


def cache_location(root, name: str = "verdicts.pickle"):
    return verdict_cache.cache_dir(root) / name


def test_a_warm_run_serves_every_verdict_from_the_cache(tmp_path):
    root = broken_store(tmp_path)
    cold = load(root, models=False)
    assert cold.cache_hits == 0 and cache_location(root).is_file()
    warm = load(root, models=False)
    assert warm.cache_hits == warm.files_checked == cold.files_checked == 5
    assert warm.findings == cold.findings
    assert warm.store == cold.store


def test_the_cache_gives_the_same_report_as_no_cache(tmp_path):
    from ekc.validate.pipeline import validate

    root = broken_store(tmp_path)
    validate(root, TODAY)  # fills the cache
    assert validate(root, TODAY).findings == validate(root, TODAY, use_cache=False).findings
    assert findings_of(root)  # the store is broken: the comparison above compares something


def test_inside_a_git_repository_the_cache_lives_in_dot_git(tmp_path):
    root = valid_store(tmp_path).write()
    (root / ".git").mkdir()
    load(root, models=False)
    assert (root / ".git" / "ekc" / "verdicts.pickle").is_file()


def test_changing_one_byte_changes_the_verdict(tmp_path):
    root = valid_store(tmp_path).write()
    assert load(root, models=False).findings == []
    file = root / OPEN_PATH
    stat = file.stat()
    raw = file.read_bytes()
    changed = raw.replace(b"conditions: false", b"conditions: fals3")
    assert len(changed) == len(raw) and sum(a != b for a, b in zip(raw, changed)) == 1
    file.write_bytes(changed)
    os.utime(file, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same time: only the bytes differ
    warm = load(root, models=False)
    assert [(f.path, f.code) for f in warm.findings] == [(OPEN_PATH, "type")]
    assert warm.cache_hits == warm.files_checked - 1
    assert warm.findings == load(root, use_cache=False).findings


def test_changing_a_byte_back_brings_the_old_verdict_back(tmp_path):
    root = valid_store(tmp_path).write()
    file = root / OPEN_PATH
    raw = file.read_bytes()
    load(root, models=False)
    file.write_bytes(raw.replace(b"reasons:", b"reasonz:"))
    assert {f.code for f in load(root, models=False).findings} == {"unknown-key", "missing"}
    file.write_bytes(raw)
    assert load(root, models=False).findings == []


def test_a_moved_file_is_judged_again(tmp_path):
    """The path is part of the key: the folder-name rule depends on it."""
    root = valid_store(tmp_path).write()
    load(root, models=False)
    folder = root / "cases" / "2024" / "EKC-2024-K7Q2M"
    folder.rename(folder.with_name("EKC-2024-K7Q2N"))
    warm = load(root, models=False)
    assert [(f.path, f.code) for f in warm.findings] == [("cases/2024/EKC-2024-K7Q2N/case.yaml", "id")]


@pytest.mark.parametrize(
    "garbage",
    [
        b"",
        b"not a pickle at all",
        pickle.dumps(["a", "list"]),
        pickle.dumps({"fingerprint": b"old code", "entries": {}}),
        pickle.dumps({"fingerprint": None}),
        pickle.dumps({"fingerprint": verdict_cache.code_fingerprint(), "entries": ["not", "a", "dict"]}),
        b"\x80\x05\x95",  # a truncated pickle
    ],
    ids=["empty", "text", "list", "other-code", "no-verdicts", "entries-not-a-dict", "truncated"],
)
def test_a_corrupt_cache_file_is_ignored(tmp_path, garbage):
    root = broken_store(tmp_path)
    expected = load(root, use_cache=False).findings
    for name in ("verdicts.pickle", "models.pickle"):
        location = cache_location(root, name)
        location.parent.mkdir(parents=True, exist_ok=True)
        location.write_bytes(garbage)
    loaded = load(root, models=False)
    assert loaded.cache_hits == 0
    assert loaded.findings == expected
    assert load(root, models=False).cache_hits == 5  # and it was rewritten, usable again


def test_a_cache_from_other_code_is_not_trusted(tmp_path):
    root = valid_store(tmp_path).write()
    load(root, models=False)
    location = cache_location(root)
    stored = pickle.loads(location.read_bytes())
    poisoned = {key: loader.Verdict(None, ()) for key in stored["entries"]}
    location.write_bytes(pickle.dumps({"fingerprint": b"older code", "entries": poisoned}))
    loaded = load(root, models=False)
    assert loaded.cache_hits == 0 and set(loaded.store.cases) == {"EKC-2024-K7Q2M", "EKC-2024-AB12C"}


def test_an_unwritable_cache_location_still_validates(tmp_path):
    root = broken_store(tmp_path)
    (root / ".git").mkdir()
    (root / ".git" / "ekc").write_text("a file where the cache folder would go\n")
    first = load(root, models=False)
    assert first.findings == load(root, use_cache=False).findings
    assert load(root, models=False).cache_hits == 0


def test_a_change_of_code_invalidates_every_verdict(tmp_path, monkeypatch):
    root = valid_store(tmp_path).write()
    load(root, models=False)
    assert load(root, models=False).cache_hits == 5
    monkeypatch.setattr(verdict_cache, "code_fingerprint", lambda: b"a new rule was added")
    assert load(root, models=False).cache_hits == 0


# -- parallel judging ----------------------------------------------------------------------------------

def many_cases(tmp_path, count: int = 60):
    """`count` cases (with personal files), every fifth one broken in a different way."""
    builder = StoreBuilder(tmp_path / "data")
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    for n in range(count):
        case_id = f"EKC-2024-AA{alphabet[n // 32 % 32]}{alphabet[n % 32]}Q"
        case = closed_case(id=case_id) if n % 2 else registered_case(id=case_id)
        if n % 5 == 0:
            case["outcome"] = "own_plan"
        builder.with_case(case, personal_doc())
    root = builder.write()
    folder = root / "cases" / "2024"
    broken = sorted(folder.iterdir())
    (broken[3] / "case.yaml").write_bytes(b"id: [\n")
    (broken[7] / "personal.yaml").write_bytes(b"\xff\xfe")
    (broken[11] / "notes.txt").write_text("x\n")
    return root


def test_the_parallel_path_gives_what_the_serial_path_gives(tmp_path, monkeypatch):
    root = many_cases(tmp_path)
    serial = load(root, use_cache=False, workers=1)
    monkeypatch.setattr(loader, "PARALLEL_THRESHOLD", 10)
    calls = []
    real_pool = loader.ProcessPoolExecutor

    def counting_pool(*args, **kwargs):
        calls.append(kwargs.get("max_workers"))
        return real_pool(*args, **kwargs)

    monkeypatch.setattr(loader, "ProcessPoolExecutor", counting_pool)
    parallel = load(root, use_cache=False, workers=2)
    assert calls == [2]  # the parallel path really ran
    assert parallel.files_checked == serial.files_checked == 123
    assert parallel.findings == serial.findings
    assert parallel.store == serial.store
    assert {f.code for f in serial.findings} >= {"yaml", "encoding", "stray", "outcome"}


def test_the_parallel_path_fills_the_cache_for_a_serial_warm_run(tmp_path, monkeypatch):
    root = many_cases(tmp_path)
    monkeypatch.setattr(loader, "PARALLEL_THRESHOLD", 10)
    parallel = load(root, workers=2, models=False)
    monkeypatch.setattr(loader, "PARALLEL_THRESHOLD", 10_000)
    warm = load(root, workers=1, models=False)
    # a personal.yaml with findings is never cached (its messages may quote personal data)
    personal_with_findings = {f.path for f in parallel.findings if f.path.endswith("/personal.yaml")}
    assert warm.cache_hits == warm.files_checked - len(personal_with_findings)
    assert warm.findings == parallel.findings


def test_below_the_threshold_no_process_is_started(tmp_path, monkeypatch):
    root = valid_store(tmp_path).write()

    def no_pool(*args, **kwargs):
        raise AssertionError("a small store is judged in this process")

    monkeypatch.setattr(loader, "ProcessPoolExecutor", no_pool)
    assert load(root, use_cache=False, workers=8).findings == []


def test_a_cache_written_by_validate_still_gives_full_models(tmp_path):
    """`ekc validate` caches summaries only; a command needing models must not get summaries."""
    from ekc.model.case import Case
    from ekc.model.personal import Personal
    from ekc.validate.pipeline import validate

    root = valid_store(tmp_path).write()
    validate(root, TODAY)
    loaded = load(root)
    assert {type(cf.case) for cf in loaded.store.cases.values()} == {Case}
    assert [type(cf.personal) for cf in loaded.store.cases.values() if cf.personal is not None] == [Personal]
    assert loaded.findings == load(root, use_cache=False).findings


def test_summaries_and_models_give_the_same_cross_file_findings(tmp_path):
    from ekc.validate.pipeline import cross_file_findings

    builder = valid_store(tmp_path, open_case=registered_case(municipality="GM9999", coordinator="C-0099"))
    builder.cases[0][1]["exclude_coordinators"] = ["C-0007"]
    root = builder.write()
    with_models = cross_file_findings(load(root, use_cache=False, models=True), TODAY)
    with_summaries = cross_file_findings(load(root, use_cache=False, models=False), TODAY)
    assert with_models == with_summaries and len(with_models) == 3


def unreadable(monkeypatch, target):
    """Make one file unreadable the way chmod 000 would (tests may run as root)."""
    real = loader.read_file

    def read_file(path):
        if path == str(target):
            raise PermissionError(13, "Permission denied", path)
        return real(path)

    monkeypatch.setattr(loader, "read_file", read_file)


def test_an_unreadable_file_is_a_finding_and_the_others_are_checked(tmp_path, monkeypatch):
    root = valid_store(tmp_path, open_case=registered_case(outcome="declined")).write()
    unreadable(monkeypatch, root / CLOSED_PATH)
    loaded = load(root, models=False)
    assert sorted((f.path, f.code, f.line, f.column) for f in loaded.findings) == [
        (OPEN_PATH, "outcome", *at(root, OPEN_PATH, "outcome: declined", "declined")),
        (CLOSED_PATH, "read", 1, 1),
    ]
    read = next(f for f in loaded.findings if f.code == "read")
    assert read.message == "cannot read this file: Permission denied"
    assert set(loaded.store.cases) == {"EKC-2024-AB12C"}
    assert loaded.cache_hits == 0


def test_an_unreadable_file_is_never_served_from_the_cache(tmp_path, monkeypatch):
    root = valid_store(tmp_path).write()
    load(root, models=False)
    with monkeypatch.context() as patch:
        unreadable(patch, root / CLOSED_PATH)
        assert [f.code for f in load(root, models=False).findings] == ["read"]
    assert load(root, models=False).findings == []


def test_validate_reports_an_unreadable_file_with_exit_1(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from ekc.cli.app import app

    root = valid_store(tmp_path).write()
    unreadable(monkeypatch, root / "coordinators.yaml")
    result = CliRunner().invoke(app, ["--data", str(root), "--today", "2024-09-15", "validate"])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == "coordinators.yaml:1:1: error: cannot read this file: Permission denied [read]"
    assert "[reference]" not in result.stdout  # an unreadable pool is not an empty pool


def test_no_value_of_a_personal_file_is_ever_written_to_a_cache(tmp_path):
    """After a purge the caches under .git/ekc must not still hold the family's data."""
    from ekc.store.loader import load
    from tests.support.store import StoreBuilder, closed_case, personal_doc, registered_case

    broken = personal_doc()
    broken["phone"] = "call Joop de Vries"  # a finding that quotes the value
    root = StoreBuilder(tmp_path / "data").with_case(closed_case(), personal_doc()).with_case(registered_case(), broken).write()
    (root / ".git").mkdir()
    load(root, models=False)
    load(root, models=True)
    caches = [p for p in (root / ".git" / "ekc").rglob("*") if p.is_file()]
    assert caches, "the caches were written"
    secrets = ["Sanne de Vries", "Joop de Vries", "Kerkstraat", "98765432", "s.devries@example.org", "Jansen"]
    for cache in caches:
        content = cache.read_bytes()
        for secret in secrets:
            assert secret.encode() not in content, f"{secret} found in {cache.name}"
    # and the loader still gives the personal models to the commands that need them
    loaded = load(root, models=True)
    assert loaded.store.cases["EKC-2024-K7Q2M"].personal.main_persons[0].name == "Sanne de Vries"


def test_one_changed_file_in_a_large_store_is_judged_without_rewriting_the_cache(tmp_path, monkeypatch):
    """Work in proportion to what changed: the cache is left as it is, the changed file is
    judged afresh on every run (its new bytes have no entry), and its verdict is right."""
    root = valid_store(tmp_path).write()
    monkeypatch.setattr(loader, "REWRITE_FRACTION", 2)  # this store has 5 files: one change is "few"
    load(root, models=False)
    location = cache_location(root)
    written = location.stat().st_mtime_ns, location.read_bytes()
    path = root / OPEN_PATH
    path.write_text(path.read_text().replace("variant: family", "variant: famly"))
    for _ in range(2):
        warm = load(root, models=False)
        assert warm.cache_hits == warm.files_checked - 1
        assert [f.code for f in warm.findings] == ["value"]
    assert (location.stat().st_mtime_ns, location.read_bytes()) == written
