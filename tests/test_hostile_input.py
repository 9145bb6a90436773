"""Hostile and odd input: refused in bounded time with words and a place, never a crash.

The failures of issue 17 each have a test here that failed before the fix (run against
the previous commit): a nesting that crashed the C parser, a quadratic e-mail pattern,
symlinks and non-UTF-8 names that broke every command, OSError tracebacks, values that
`validate` accepted and a command then choked on.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ekc.cli.app import app
from tests.case_repos import git, init_repo
from tests.rulecheck import findings_of, valid_store
from tests.support.store import case_folder, closed_case, coordinator, dump, registered_case

runner = CliRunner()
CASE = "cases/2024/EKC-2024-AB12C/case.yaml"


def ekc(root, *args, today="2024-12-01"):
    return runner.invoke(app, ["--data", str(root), "--today", today, *args])


def ekc_process(root, *args, timeout=120):
    done = subprocess.run([sys.executable, "-m", "ekc", "--data", str(root), "--today", "2024-12-01", *args],
                          capture_output=True, text=True, timeout=timeout)
    assert "Traceback" not in done.stderr, done.stderr
    return done


# -- depth and size -------------------------------------------------------------------------

def test_a_hundred_kilobytes_of_brackets_is_refused_not_a_crash(tmp_path):
    root = valid_store(tmp_path / "data").write()
    (root / CASE).write_text("id: " + "[" * 100_000 + "\n")
    done = ekc_process(root, "validate")
    assert done.returncode == 1, (done.returncode, done.stderr)  # was -11 (SIGSEGV), exit 139 in a shell
    assert re.search(rf"{CASE}:1:\d+: error: lists and mappings are nested more than 100 levels deep", done.stdout)


def test_a_case_file_over_a_megabyte_is_refused_before_it_is_parsed(tmp_path):
    root = valid_store(tmp_path / "data").write()
    with open(root / CASE, "a") as handle:
        handle.write("notes: '" + "x" * 1_100_000 + "'\n")
    finding = [f for f in findings_of(root) if f.path == CASE]
    assert [(f.code, f.line) for f in finding] == [("too-large", 1)]
    assert "at most 1,000,000 bytes" in finding[0].message


# -- linear personal-data patterns ----------------------------------------------------------

def _unbounded_repeats(pattern: re.Pattern) -> list:
    """Repeats without an upper bound (`+`, `*`, `{n,}`) anywhere in a compiled pattern."""
    import re._constants as constants
    import re._parser as parser

    found = []

    def walk(items):
        for op, value in items:
            if op in (constants.MAX_REPEAT, constants.MIN_REPEAT, constants.POSSESSIVE_REPEAT):
                low, high, inner = value
                if high == constants.MAXREPEAT:
                    found.append((op, low))
                walk(inner)
            elif op in (constants.SUBPATTERN,):
                walk(value[-1])
            elif op == constants.BRANCH:
                for branch in value[1]:
                    walk(branch)
            elif op in (constants.ASSERT, constants.ASSERT_NOT):
                walk(value[1])

    walk(parser.parse(pattern.pattern, pattern.flags))
    return found


def test_every_personal_data_pattern_has_bounded_repeats_so_a_search_is_linear():
    """A search tries each start position; with every repeat bounded, each try costs a fixed
    amount, so a value of n characters costs O(n) (the old e-mail pattern's `+` made it
    O(n^2): 250 KB took four minutes). The timing of a 50 MB value is bench/hostile_bench.py's."""
    from ekc.validate.rules import personal_data

    patterns = [pattern for _, pattern in personal_data._PATTERNS] + [personal_data._DOMAIN, personal_data._ANY_FAST]
    assert {p.pattern: _unbounded_repeats(p) for p in patterns} == {p.pattern: [] for p in patterns}
    assert personal_data._DOMAIN_WINDOW < 1000 and personal_data._MOST_AT_SIGNS <= 10_000


@pytest.mark.parametrize("shape", ["'a' * 1_000_000", "'a@' * 500_000", "'a@b.' * 250_000", "'+0' + ' ' * 1_000_000", "'00 ' * 300_000"])
def test_a_megabyte_of_hostile_text_is_searched_within_a_generous_limit(shape):
    """Bounded input, generous fixed limit (60 s for what takes well under a second now;
    the old pattern needed hours for the first shape)."""
    code = f"from ekc.validate.rules.personal_data import looks_personal; print(looks_personal({shape}))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("value, label", [
    ("mail j.jansen@example.org", "an e-mail address"),
    ("@start x@sub.example.co.uk", "an e-mail address"),
    ("bel 06-12345678", "a phone number"),
    ("+31 6 1234 5678", "a phone number"),
    ("1234 AB", "a Dutch postcode"),
    ("111222333", "a BSN (citizen service number)"),
    ("a@b", None), ("2024-09-02", None), ("no @ here.nl", None),
])
def test_the_patterns_still_find_what_they_found(value, label):
    from ekc.validate.rules.personal_data import looks_personal

    assert looks_personal(value) == label


# -- names, links, folders ------------------------------------------------------------------

def test_symlinks_and_non_utf8_names_are_findings_and_every_command_runs(tmp_path):
    root = valid_store(tmp_path / "data").write()
    folder = root / "cases/2024/EKC-2024-AB12C"
    os.symlink("loop", folder / "loop")
    os.symlink(folder / "case.yaml", root / "cases/2024/EKC-2024-ZZZZZ")
    with open(os.fsencode(folder) + b"/caf\xe9.yaml", "wb") as handle:
        handle.write(b"x: 1\n")
    validate = ekc_process(root, "validate")
    assert validate.returncode == 1
    assert "cases/2024/EKC-2024-AB12C/caf\\xe9.yaml:1:1: error: this name is not UTF-8" in validate.stdout
    assert "cases/2024/EKC-2024-AB12C/loop:1:1: error: this is a symbolic link" in validate.stdout
    assert "cases/2024/EKC-2024-ZZZZZ:1:1: error: this is a symbolic link" in validate.stdout
    for args in (["case", "list"], ["case", "show", "EKC-2024-K7Q2M"], ["report", "--year", "2024"], ["budget", "check"]):
        assert ekc_process(root, *args).returncode in (0, 1)


def test_cases_as_a_file_and_a_missing_registry_are_findings(tmp_path):
    root = valid_store(tmp_path / "data").write()
    import shutil

    shutil.rmtree(root / "cases")
    (root / "cases").write_text("x\n")
    found = {(f.path, f.code) for f in findings_of(root)}
    assert ("cases", "structure") in found


# -- OSError at the boundary ----------------------------------------------------------------

def test_a_folder_that_cannot_be_made_is_one_line_and_exit_1(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    schema = runner.invoke(app, ["schema", "--out", str(blocker / "schemas")])
    assert schema.exit_code == 1
    assert schema.stderr.startswith(f"ekc: cannot write {blocker}") and "Not a directory" in schema.stderr
    init = runner.invoke(app, ["init", str(blocker / "data")])
    assert init.exit_code in (1, 2)
    assert "Traceback" not in init.stderr and init.stderr.startswith("ekc: ")


def test_an_unexpected_oserror_is_worded_not_a_traceback(tmp_path, monkeypatch):
    import ekc.store.loader as loader

    def broken(*_, **__):
        raise PermissionError(13, "Permission denied", str(tmp_path / "x"))

    monkeypatch.setattr(loader, "_load", broken)
    root = valid_store(tmp_path / "data").write()
    result = ekc(root, "case", "list")
    assert result.exit_code == 1
    assert result.stderr == f"ekc: cannot read {tmp_path / 'x'}: Permission denied\n"


def test_ctrl_c_during_start_up_is_one_line_and_exit_130():
    code = ("import sys; sys.argv = ['ekc']; import ekc, os, signal; "
            "os.kill(os.getpid(), signal.SIGINT); import time; time.sleep(5)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 130
    assert done.stderr == "ekc: interrupted\n"


# -- one notion of valid: what validate accepts, every command handles -----------------------

def _closed_in(year_day: str) -> dict:
    closed = closed_case()
    closed["history"][-1]["date"] = year_day
    return closed


def test_a_closure_in_year_9999_is_refused_at_its_date_and_commands_do_not_crash(tmp_path):
    root = valid_store(tmp_path / "data", closed=_closed_in("9999-12-31")).write()
    found = [f for f in findings_of(root) if "9000-12-31" in f.message]
    assert found and found[0].line > 1
    for args in (["case", "list"], ["case", "show", "EKC-2024-K7Q2M"], ["purge", "--dry-run"]):
        result = ekc(root, *args)
        assert result.exit_code in (0, 1), result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("where, value, expected", [
    (("conferences",), float("inf"), "conferences"),
    (("conferences",), 10**30, "conferences"),
    (("budget_eur",), float("inf"), "budget_eur"),
    (("tariffs_eur", "informative_talk"), float("inf"), "informative_talk"),
    (("tariffs_eur", "informative_talk"), float("nan"), "informative_talk"),
    (("tariffs_eur", "informative_talk"), -450, "informative_talk"),
])
def test_money_and_counts_must_be_finite_and_not_negative(tmp_path, where, value, expected):
    builder = valid_store(tmp_path / "data")
    target = builder.municipalities["municipalities"][0]["contracts"][0]
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = value
    root = builder.write()
    found = [f for f in findings_of(root) if f.path == "municipalities.yaml"]
    assert found and all(f.line > 1 for f in found)
    assert expected in found[0].message
    check = ekc(root, "budget", "check", "--json")
    assert check.exit_code in (0, 1) and "Infinity" not in check.stdout and "NaN" not in check.stdout


def test_a_match_weight_of_inf_is_refused(tmp_path):
    builder = valid_store(tmp_path / "data")
    builder.settings = {"match_weights": {"gender": float("inf")}}
    root = builder.write()
    found = [f for f in findings_of(root) if f.path == "ekc.yaml"]
    assert [(f.code, f.line) for f in found] == [("value", 2)]
    assert "plain amount" in found[0].message


def test_today_as_an_iso_week_is_refused(tmp_path):
    root = valid_store(tmp_path / "data").write()
    result = runner.invoke(app, ["--data", str(root), "--today", "2026-W48-1", "case", "list"])
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output


# -- messages in words ----------------------------------------------------------------------

def test_look_alike_and_invisible_characters_are_named(tmp_path):
    case = registered_case()
    case["variant"] = "fami\u200bly"
    case["municipality"] = "GM0\u0417439"
    builder = valid_store(tmp_path / "data", open_case=case)
    root = builder.write()
    messages = " | ".join(f.message for f in findings_of(root) if f.path == CASE)
    assert "U+200B ZERO WIDTH SPACE" in messages
    assert "U+0417 CYRILLIC CAPITAL LETTER ZE" in messages
    assert "GM and 4 digits (GM0439)" in messages
    assert "^GM" not in messages


def test_messages_show_values_as_written_not_as_python(tmp_path):
    builder = valid_store(tmp_path / "data")
    builder.coordinators["coordinators"][0]["trained"]["ek1"] = "2019-06-21x"
    root = builder.write()
    (root / CASE).write_text((root / CASE).read_text() + "? null\n: 1\n")
    messages = " | ".join(f.message for f in findings_of(root))
    assert "datetime.date" not in messages and "None:" not in messages and "Keys should be strings" not in messages


# -- edits keep a file's line endings and BOM -----------------------------------------------

def test_assign_keeps_crlf_and_bom(tmp_path):
    builder = valid_store(tmp_path / "data")
    builder.coordinators["coordinators"].append(coordinator("C-0007", name="Pieter Bakker"))
    root = init_repo(builder.write())
    path = root / CASE
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    git(root, "commit", "-qam", "as Windows saves it")
    result = ekc(root, "case", "assign", "EKC-2024-AB12C", "C-0042", "--force", "a test", today="2024-09-02")
    assert result.exit_code == 0, result.output
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"coordinator: C-0042\r\n" in raw
    assert raw.count(b"\n") == raw.count(b"\r\n")
