"""Reading one data file: every way it can fail, with its exact line and column; YAML 1.2
semantics pinned; aliases refused before anything expands; locate() for nested locs."""

from __future__ import annotations

import pytest

from ekc.store import yamlio
from ekc.validate.verdicts import judge
from ekc.store.yamlio import compose, locate, parse
from tests.support.store import coordinator, dump, registered_case


def problems(raw: bytes) -> list[tuple[str, int, int]]:
    return [(f.code, f.line, f.column) for f in parse("f.yaml", raw).findings]


# -- encoding ---------------------------------------------------------------------------------

def test_a_file_that_is_not_utf8_is_refused_at_the_bad_byte():
    parsed = parse("f.yaml", b"id: x\nname: caf\xe9\n")
    assert parsed.data is None
    assert problems(b"id: x\nname: caf\xe9\n") == [("encoding", 2, 10)]
    assert "not UTF-8" in parsed.findings[0].message and "save it as UTF-8" in parsed.findings[0].message


def test_a_utf16_file_is_not_utf8():
    raw = "id: x\n".encode("utf-16")
    assert problems(raw) == [("encoding", 1, 1)]


def test_a_latin1_byte_on_the_first_line():
    assert problems(b"id: caf\xe9\n") == [("encoding", 1, 8)]


def test_a_byte_order_mark_is_accepted():
    parsed = parse("f.yaml", b"\xef\xbb\xbfid: x\n")
    assert parsed.ok and parsed.data == {"id": "x"}


def test_positions_after_a_byte_order_mark_are_unchanged():
    assert problems(b"\xef\xbb\xbfa: 1\na: 2\n") == [("yaml", 2, 1)]
    assert problems(b"\xef\xbb\xbfa: b: c\n") == [("yaml", 1, 5)]


# -- empty, several documents, not a mapping --------------------------------------------------------

@pytest.mark.parametrize("raw", [b"", b"\n\n", b"   \n\t\n", b"# only a comment\n", b"# one\n\n  # two\n", b"\xef\xbb\xbf"])
def test_an_empty_file_gets_a_clear_message(raw):
    parsed = parse("f.yaml", raw)
    assert problems(raw) == [("empty", 1, 1)]
    assert "file is empty" in parsed.findings[0].message


@pytest.mark.parametrize("raw", [b"---\n", b"---\n...\n", b"~\n", b"null\n"])
def test_a_document_of_nothing_is_not_a_mapping(raw):
    parsed = parse("f.yaml", raw)
    assert parsed.data is None and [f.code for f in parsed.findings] in (["structure"], ["empty"])


@pytest.mark.parametrize(
    ("raw", "line"),
    [
        (b"a: 1\n---\nb: 2\n", 2),
        (b"---\na: 1\n---\nb: 2\n", 3),
        (b"a: 1\n--- \n", 2),
        (b"a: 1\n...\n---\nb: 2\n", 3),
    ],
)
def test_several_documents_are_refused_at_the_second(raw, line):
    parsed = parse("f.yaml", raw)
    assert problems(raw) == [("yaml", line, 1)]
    assert "several YAML documents" in parsed.findings[0].message


def test_one_explicit_document_is_fine():
    assert parse("f.yaml", b"---\na: 1\n...\n").data == {"a": 1}


@pytest.mark.parametrize(
    ("raw", "kind"),
    [(b"- 1\n- 2\n", "a list"), (b"hello\n", "a single value"), (b"42\n", "a single value"), (b"[a, b]\n", "a list")],
)
def test_the_top_level_must_be_a_mapping(raw, kind):
    parsed = parse("f.yaml", raw)
    assert problems(raw) == [("structure", 1, 1)]
    assert f"not {kind}" in parsed.findings[0].message


# -- syntax -------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("raw", "where"),
    [
        (b"a: 1\nb: [1, 2\n", (3, 1)),          # the flow sequence is still open at the end
        (b"a:\n\tb: 1\n", (2, 1)),               # a tab cannot indent
        (b"a: b: c\n", (1, 5)),
        (b"a: 1\n b: 2\n", (2, 3)),
        (b"a: 'open\n", (2, 1)),
        (b"a: [1, 2]]\n", (1, 10)),
        (b"- a\nb: 1\n", (2, 1)),
        (b"a: @x\n", (1, 4)),
    ],
)
def test_a_syntax_error_is_located(raw, where):
    parsed = parse("f.yaml", raw)
    assert parsed.data is None
    assert [(f.code, f.line, f.column) for f in parsed.findings] == [("yaml", *where)]
    assert "\n" not in parsed.findings[0].message


@pytest.mark.parametrize(
    ("raw", "where", "code"),
    [
        (b"a: \x01\n", (1, 4), "0001"),
        (b"a: b\x00\n", (1, 5), "0000"),
        (b"a: 1\nb: \x1b[31m\n", (2, 4), "001B"),
        ("a: \u00e9\u00e9\nb: \x02\n".encode(), (2, 4), "0002"),   # characters, not bytes, count
        (b"\xef\xbb\xbfa: 1\nbb: \x07\n", (2, 5), "0007"),
        (b'a: "\x7f"\n', (1, 5), "007F"),
    ],
)
def test_a_control_character_is_located(raw, where, code):
    parsed = parse("f.yaml", raw)
    assert [(f.code, f.line, f.column) for f in parsed.findings] == [("yaml", *where)]
    assert f"control character U+{code} is not allowed" in parsed.findings[0].message


def test_duplicate_keys_are_refused_at_the_second_key():
    parsed = parse("f.yaml", b"id: x\nhistory:\n  - phase: registered\n    phase: closed\n")
    assert [(f.code, f.line, f.column) for f in parsed.findings] == [("yaml", 4, 5)]
    assert "duplicate key" in parsed.findings[0].message and "phase" in parsed.findings[0].message and "twice" in parsed.findings[0].message


def test_duplicate_top_level_keys():
    assert problems(b"a: 1\nb: 2\na: 3\n") == [("yaml", 3, 1)]


@pytest.mark.parametrize(
    ("raw", "where", "value"),
    [
        (b"d: 2024-02-30\n", (1, 4), "2024-02-30"),
        (b"x:\n  d: 2024-02-30\n", (2, 6), "2024-02-30"),
        (b"a: 2024-02-29\nb: 2023-02-29\n", (2, 4), "2023-02-29"),
        (b"a: [2024-01-01, 2024-13-01]\n", (1, 17), "2024-13-01"),
        (b"a: 2024-01-01\nb: 2024-01-01T25:00:00\n", (2, 4), "2024-01-01T25:00:00"),
    ],
)
def test_a_date_that_does_not_exist_is_located(raw, where, value):
    parsed = parse("f.yaml", raw)
    assert [(f.code, f.line, f.column) for f in parsed.findings] == [("date", *where)]
    assert value in parsed.findings[0].message


@pytest.mark.parametrize(
    ("raw", "where", "text"),
    [
        (b"a: !!bool maybe\n", (1, 4), "'maybe' cannot be read as bool"),
        (b"a: 1\nb: !!float abc\n", (2, 4), "'abc' cannot be read as float"),
        (b"a: !!int 12\nb: [!!int 0x]\n", (2, 5), "'0x' cannot be read as int"),
        (b"a: !!timestamp soon\n", (1, 4), "timestamp"),
    ],
)
def test_a_value_its_explicit_tag_cannot_build_is_located(raw, where, text):
    parsed = parse("f.yaml", raw)
    assert [(f.line, f.column) for f in parsed.findings] == [where]
    assert text in parsed.findings[0].message


@pytest.mark.parametrize(
    "raw",
    [b"a: " + b"[" * 5000 + b"]" * 5000 + b"\n", b"a: " + b"{b: " * 3000 + b"1" + b"}" * 3000 + b"\n"],
    ids=["lists", "mappings"],
)
def test_very_deep_nesting_is_a_finding_not_a_crash(raw):
    """Where the recursion limit bites depends on the interpreter's settings (pytest and
    hypothesis raise it); either way the outcome is findings, never an exception."""
    verdict = judge("case", "cases/2024/EKC-2024-AAAAA/case.yaml", raw)
    assert verdict.model is None and verdict.findings
    assert all(f.line >= 1 and f.column >= 1 for f in verdict.findings)


def test_deep_nesting_within_reason_is_judged_like_any_other_file():
    raw = b"note: " + b"[" * 99 + b"'j@example.org'" + b"]" * 99 + b"\n"
    verdict = judge("case", "cases/2024/EKC-2024-AAAAA/case.yaml", raw)
    assert {f.code for f in verdict.findings} == {"unknown-key", "missing", "personal-data"}
    assert all(f.line == 1 for f in verdict.findings)


def test_deeper_nesting_is_refused_where_it_starts():
    raw = b"note: " + b"[" * 2000 + b"'j@example.org'" + b"]" * 2000 + b"\n"
    verdict = judge("case", "cases/2024/EKC-2024-AAAAA/case.yaml", raw)
    # the mapping is level 1, so the 100th `[` (column 106) is level 101
    assert [(f.code, f.line, f.column) for f in verdict.findings] == [("too-deep", 1, 106)]
    assert "more than 100 levels" in verdict.findings[0].message


@pytest.mark.parametrize("raw", [b"a: !!python/object:os.system x\n", b"a: !!python/name:os.system\n", b"a: !custom x\n"])
def test_foreign_tags_are_refused_not_run(raw):
    parsed = parse("f.yaml", raw)
    assert parsed.data is None
    assert [(f.code, f.line, f.column) for f in parsed.findings] == [("yaml", 1, 4)]


# -- anchors and aliases --------------------------------------------------------------------------

def test_anchors_and_aliases_are_refused_where_they_stand():
    parsed = parse("f.yaml", b"a: &x 1\nb: *x\n")
    assert parsed.data is None
    assert problems(b"a: &x 1\nb: *x\n") == [("alias", 1, 4), ("alias", 2, 4)]
    assert "anchors and aliases" in parsed.findings[0].message


def test_an_anchor_alone_is_refused_too():
    assert problems(b"a: 1\nb: &unused [1, 2]\n") == [("alias", 2, 4)]


def test_a_merge_key_is_refused():
    raw = b"base: &b {venue: home}\nmeeting:\n  <<: *b\n  date: 2024-01-01\n"
    assert problems(raw) == [("alias", 1, 7), ("alias", 3, 7)]


@pytest.mark.parametrize("raw", [b"a: 'R&D *x'\n", b'a: "&x *y"\n', b"a: R&D\n", b"a: 5 * 3\n", b"# &x *x\na: 1\n"])
def test_ampersands_and_stars_in_text_are_not_aliases(raw):
    assert parse("f.yaml", raw).ok


def billion_laughs(levels: int = 9) -> bytes:
    lines = ['lol0: &l0 "lol"']
    for level in range(1, levels + 1):
        lines.append(f"lol{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 10) + "]")
    return ("\n".join(lines) + "\n").encode()


def test_billion_laughs_is_refused_before_anything_is_built(monkeypatch):
    class NoLoading:
        def load(self, _text):
            raise AssertionError("an aliased document must never be constructed")

    monkeypatch.setattr(yamlio, "_SAFE", NoLoading())
    monkeypatch.setattr(yamlio.fastyaml, "load", NoLoading().load)
    with pytest.raises(AssertionError):  # the patch sits on the real path: a plain file reaches it
        parse("f.yaml", b"a: 1\n")
    parsed = parse("f.yaml", billion_laughs())
    assert parsed.data is None
    assert parsed.findings and all(f.code == "alias" for f in parsed.findings)
    assert (parsed.findings[0].line, parsed.findings[0].column) == (1, 7)
    assert len(parsed.findings) <= 20  # one line a finding, capped: a file of aliases is not a wall of text


def test_billion_laughs_as_a_case_file_gives_only_alias_findings():
    verdict = judge("case", "cases/2024/EKC-2024-AAAAA/case.yaml", billion_laughs())
    assert verdict.model is None
    assert {f.code for f in verdict.findings} == {"alias"}


# -- YAML 1.2 semantics ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("no", "no"), ("No", "No"), ("NO", "NO"), ("off", "off"), ("on", "on"), ("yes", "yes"), ("y", "y"), ("n", "n"),
        ("true", True), ("false", False), ("True", True),
        ("012", 12), ("0o12", 10), ("0x1F", 31), ("1e3", 1000.0), ("1.5", 1.5), ("~", None), ("null", None),
        ("", None), ("12:30", "12:30"), ("1_000", 1000),
    ],
)
def test_yaml_1_2_scalars(text, value):
    data = parse("f.yaml", f"a: {text}\n".encode()).data
    assert data == {"a": value} and type(data["a"]) is type(value)


def test_a_yaml_1_1_directive_does_not_bring_back_its_booleans():
    assert parse("f.yaml", b"%YAML 1.1\n---\na: no\n").data == {"a": "no"}


def coordinators_with(old: str, new: str) -> bytes:
    text = dump({"coordinators": [coordinator()]})
    assert old in text
    return text.replace(old, new).encode()


def test_gender_no_is_an_unknown_gender_not_a_boolean():
    verdict = judge("coordinators", "coordinators.yaml", coordinators_with("gender: female", "gender: no"))
    [found] = verdict.findings
    assert (found.code, found.line, found.column) == ("value", 6, 11)
    assert "'no' is not allowed" in found.message


@pytest.mark.parametrize("text", ["yes", "on", "Yes", "'true'"])
def test_yes_and_on_are_not_booleans(text):
    verdict = judge("coordinators", "coordinators.yaml", coordinators_with("active: true", f"active: {text}"))
    [found] = verdict.findings
    assert found.code == "type" and "valid boolean" in found.message


@pytest.mark.parametrize(("text", "value"), [("012", 12), ("0o12", 10), ("12", 12)])
def test_integer_forms(text, value):
    verdict = judge("coordinators", "coordinators.yaml", coordinators_with("max_cases: 3", f"max_cases: {text}"))
    assert verdict.findings == ()
    assert verdict.model.coordinators[0].max_cases == value


def test_1e3_is_a_float_and_a_year_is_an_integer():
    verdict = judge("coordinators", "coordinators.yaml", coordinators_with("birth_year: 1968", "birth_year: 1e3"))
    [found] = verdict.findings
    assert found.code == "type" and "valid integer" in found.message and "1000.0" in found.message


def test_tilde_is_null_where_null_is_allowed():
    raw = dump(registered_case(coordinator=None)).replace("coordinator: null", "coordinator: ~").encode()
    assert b"coordinator: ~" in raw
    verdict = judge("case", "cases/2024/EKC-2024-AB12C/case.yaml", raw)
    assert verdict.findings == () and verdict.model.coordinator is None


def test_tilde_is_null_where_a_value_is_required():
    verdict = judge("coordinators", "coordinators.yaml", coordinators_with("name: Fatima El Amrani", "name: ~"))
    [found] = verdict.findings
    assert (found.code, found.line, found.column) == ("type", 3, 9)


def test_a_quoted_date_is_not_a_date():
    raw = dump(registered_case()).replace("date: 2024-09-02", "date: '2024-09-02'").encode()
    verdict = judge("case", "cases/2024/EKC-2024-AB12C/case.yaml", raw)
    [found] = verdict.findings
    assert found.code == "date" and "without quotes" in found.message


# -- locate() ---------------------------------------------------------------------------------------

DOC = """\
id: EKC-2024-AB12C
history:
  - phase: registered
    date: 2024-01-01
  - {phase: closed, date: 2024-02-01}
meetings:
  - date: 2024-01-15
    attendees:
      family: 3
2024: year
"""


@pytest.fixture(scope="module")
def root():
    return compose(DOC)


@pytest.mark.parametrize(
    ("loc", "at_key", "where"),
    [
        ((), False, (1, 1)),
        (("id",), False, (1, 5)),
        (("id",), True, (1, 1)),
        (("history",), False, (3, 3)),
        (("history", 0), False, (3, 5)),
        (("history", 0, "phase"), False, (3, 12)),
        (("history", 0, "phase"), True, (3, 5)),
        (("history", 0, "date"), False, (4, 11)),
        (("history", 1, "date"), False, (5, 27)),
        (("history", 1, "phase"), True, (5, 6)),
        (("meetings", 0, "attendees", "family"), False, (9, 15)),
        (("meetings", 0, "attendees", "family"), True, (9, 7)),
        (("history", 7), False, (3, 3)),               # no such item: the list
        (("history", 0, "venue"), False, (3, 5)),       # missing key: the mapping that should hold it
        (("nothing", "deeper"), False, (1, 1)),
        (("id", "deeper"), False, (1, 5)),             # beneath a scalar: the scalar
        (("history", "phase"), False, (3, 3)),         # a key into a list: the list
        ((2024,), True, (10, 1)),                      # an integer key matches its text
    ],
)
def test_locate_nested_locs(root, loc, at_key, where):
    assert locate(root, loc, at_key=at_key) == where


def test_locate_without_a_document():
    assert locate(None, ("a", 0)) == (1, 1)


def test_locate_all_gives_every_finding_a_position():
    from ekc.core.findings import error

    findings = [error("f.yaml", "x", "m", ("history", 1, "date")), error("f.yaml", "x", "m").located(7, 3)]
    located = yamlio.locate_all(DOC, findings)
    assert [(f.line, f.column) for f in located] == [(5, 27), (7, 3)]
