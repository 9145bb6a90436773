"""The red team of the per-key matching (issue 12): `Needles` matches a text only against
the alternatives of the keys `fold(text)` holds. Where a pattern matches a spelling whose fold
lacks the key, or `fold` reads a spelling the pattern does not match, a name stays while
the proof (the same `Needles`) calls the repository clean and the purge exits 0.
"""

from __future__ import annotations

import pytest

from ekc.core.identifying import Needles, PersonalStrings
from tests.support.git import git
from tests.support.store import dump
from tests.test_purge_redteam import _commit, _purge, _write, office  # noqa: F401 - the fixture
from tests.test_purge_redteam2 import _clean


def _needles(*names: str) -> Needles:
    strings = PersonalStrings()
    for name in names:
        strings.add_name(name)
    return Needles(strings)


def _whole(needles: Needles):
    return needles._compiled(range(len(needles._alternatives)))


def _add_to_network(office, name: str) -> None:
    import yaml

    path = office.root / office.paths["expired"]
    personal = yaml.safe_load(path.read_text(encoding="utf-8"))
    personal.setdefault("network", []).append({"name": name, "relation": "buurvrouw"})
    path.write_text(dump(personal), encoding="utf-8")
    _commit(office.root, "Netwerk bijgewerkt")


# -- dotless ı: its class holds `I`, so the whole pattern matches `IŞIK`, whose fold is `isik`

@pytest.mark.parametrize("text", ["familie IŞIK", "AYLIN IŞIK belt", "familie Isik", "ISIK"])
def test_a_dotless_i_is_found_in_every_spelling(text):
    needles = _needles("Aylin Işık")
    assert needles.find(text)
    assert "***" in needles.redact(text)
    # the claim of the per-key search: the result is the whole pattern's
    assert bool(_whole(needles).search(text)) == needles.find(text)


def test_a_turkish_surname_in_capitals_leaves_no_name(office):
    _add_to_network(office, "Aylin Işık")
    _write(office.root / "docs" / "agenda.txt", "Dinsdag: mevrouw IŞIK bellen\n")
    _commit(office.root, "Gesprek met mevrouw IŞIK")
    git(office.root, "rm", "-q", "-r", "docs")
    _commit(office.root, "Agenda weg")

    code, output, leaks = _purge(office, "Aylin Işık", "Işık", "IŞIK")

    _clean(code, output, leaks)


# -- ß folds to `ss`, but no pattern of `weiss` matches `Weiß`: the name as written -----------

@pytest.mark.parametrize("text", ["familie Weiß", "Hans Weiß", "HANS WEISS", "Weiss", "Strauẞ"])
def test_a_sharp_s_is_found_as_written(text):
    needles = _needles("Hans Weiß", "Greta Strauß")
    assert needles.find(text)
    assert needles.redact(text).replace("***", "").strip(" ") in ("", "familie")


def test_a_german_surname_with_sharp_s_leaves_no_name(office):
    _add_to_network(office, "Hans Weiß")
    _write(office.root / "docs" / "agenda.txt", "Dinsdag: meneer Weiß bellen\n")
    _commit(office.root, "Gesprek met meneer Weiß")

    code, output, leaks = _purge(office, "Hans Weiß", "Weiß")

    _clean(code, output, leaks)


# -- what fold takes away, the pattern must let through ---------------------------------------

@pytest.mark.parametrize("text", [
    "Ada \u200bBee",  # a zero-width space after the space between the words
    "Ada\u00a0\u2060Bee",
    "Jan\u1dc4sen",  # a combining mark fold drops (U+1DC0-U+1DFF) but _MARKS did not let through
    "Jan\ufe20sen",
    "\ufb01ona Ru\ufb00",  # ligatures out of a PDF: fold reads `fiona ruff`
])
def test_what_fold_drops_the_pattern_lets_through(text):
    needles = _needles("Ada Bee", "Jan Jansen", "Fiona Ruff")
    assert needles.find(text)
    assert needles.redact(text).replace("***", "").strip() == ""


def test_a_short_full_name_with_a_zero_width_space_leaves_no_name(office):
    _add_to_network(office, "Ada Bee")
    _write(office.root / "docs" / "agenda.txt", "Dinsdag: Ada \u200bBee bellen\n")
    _commit(office.root, "Gesprek met Ada \u200bBee")

    code, output, leaks = _purge(office, "Ada Bee")

    _clean(code, output, leaks)


# -- Windows-1252 that happens to be UTF-8: `ß’` is the bytes DF 92, one UTF-8 character ------

@pytest.mark.parametrize("text", ["Gesprek over Weiß’ aanvraag", "Brief aan DUPRÉ’", "Weiß\u00a0bellen"])
def test_windows_1252_that_reads_as_utf_8_is_searched_as_windows_1252_too(text):
    needles = _needles("Hans Weiß", "Marie Dupré")
    data = text.encode("cp1252")
    data.decode("utf-8")  # valid UTF-8: no byte tells it is Windows-1252
    assert needles.find_bytes(data)
    redacted = needles.redact_bytes(data)
    assert b"***" in redacted and not needles.find_bytes(redacted)


def test_a_windows_1252_message_that_reads_as_utf_8_leaves_no_name(office):
    """An old Windows tool's message with Word's apostrophe after the name (Dutch: `Weiß’
    aanvraag`): every non-ASCII byte pairs up as UTF-8, so the message was read only as UTF-8,
    where the name is `Weiߒ`."""
    from tests.test_purge_redteam2 import _commit_bytes

    _add_to_network(office, "Hans Weiß")
    _write(office.root / "docs" / "readme.txt", "Handleiding\n")
    _commit_bytes(office.root, "Gesprek over Weiß’ aanvraag\n".encode("cp1252"))

    code, output, leaks = _purge(office, "Hans Weiß")

    import subprocess

    objects = subprocess.run(["git", "cat-file", "--batch-all-objects", "--batch"], cwd=office.root,
                             capture_output=True, check=True).stdout
    assert not (code == 0 and "Weiß’".encode("cp1252") in objects), "exit 0 with Weiß left"
    _clean(code, output, leaks)


# -- the per-key search equals the whole pattern on the letters fold treats specially --------

from hypothesis import HealthCheck, example, given, settings, strategies as st  # noqa: E402

_PIECES = [*"aAdDbBeEiIıİşŞsSkKwWhHnNßẞﬁﬀfFrRuUjJ .@-,0123456789", "\u200b", "\u00ad", "\u0301", "\u1dc4", "\u00a0",
           "Işık", "Weiß", "ada", "bee", "jansen", "Ruff", "fiona", "kerkstraat", "1441", "12a", "0648151623",
           "ada.bee@example.nl"]


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(_PIECES), max_size=10).map("".join))
@example("familie IŞIK")  # the whole pattern matched, the key `isık` was not in `isik`
def test_special_letters_are_matched_as_by_the_whole_pattern(text):
    strings = PersonalStrings()
    for name in ("Aylin Işık", "Hans Weiß", "Ada Bee", "Jan Jansen", "Fiona Ruff"):
        strings.add_name(name)
    strings.add_value("06-4815 1623")
    strings.add_value("ada.bee@example.nl")
    strings.add_address("Kerkstraat 12a, 1441 AB Ede")
    needles = Needles(strings)
    whole = _whole(needles)
    assert needles.find(text) == bool(whole.search(text))
    assert needles.redact(text) == whole.sub("***", text)
    if text.isascii():
        assert needles.raw_candidate(text.encode()) or not needles.find(text)


# -- object ids are not text, but a name beside one is -------------------------------------

def test_a_name_beside_an_object_id_is_still_found():
    from ekc.purge.proof import _holds

    needles = _needles("Ada Bee", "Edda Bakker")
    assert needles.in_object_ids
    sha = "93ada51" + "0" * 33
    assert not _holds(needles, f"tree {sha}\nparent {sha}\n\nWerk\n".encode())
    assert _holds(needles, f"parent {sha}\n\nGesprek met Edda\n".encode())
    assert _holds(needles, f"{sha}edda\n".encode())  # 44 letters of hex: no object id
    assert _holds(needles, f"{sha} EDDA\n".encode())
