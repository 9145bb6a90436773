"""The pure part of the purge: which cases expire, which strings leave the messages."""

from datetime import date

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ekc.core.identifying import Needles, PersonalStrings, fold, of_personal_document, of_unreadable_text, words_of
from ekc.purge import plan as purge_plan
from ekc.model.case import Case
from ekc.model.datastore import CaseFile, DataStore
from ekc.model.settings import Settings
from tests.support.store import closed_case, registered_case


def _store(*cases: dict, retention: int = 3) -> DataStore:
    files = {}
    for doc in cases:
        case = Case.model_validate(_dated(doc), strict=False)
        files[case.id] = CaseFile(case=case, path=f"cases/{case.id[4:8]}/{case.id}/case.yaml")
    return DataStore(settings=Settings(retention_months=retention), cases=files)


def _dated(doc: dict) -> dict:
    doc = dict(doc)
    doc["history"] = [{**entry, "date": date.fromisoformat(entry["date"])} for entry in doc["history"]]
    doc["meetings"] = [{**m, "date": date.fromisoformat(m["date"])} for m in doc.get("meetings", [])]
    return doc


def _closed(case_id: str, day: str) -> dict:
    doc = closed_case(case_id)
    doc["history"] = [*doc["history"][:-1], {"phase": "closed", "date": day}]
    return doc


def test_a_case_expires_on_the_day_retention_ends_not_before():
    store = _store(_closed("EKC-2024-AAAAA", "2024-06-30"))
    assert purge_plan.expired_cases(store, date(2024, 9, 29)) == []
    expired = purge_plan.expired_cases(store, date(2024, 9, 30))
    assert [(e.case_id, e.closed, e.due) for e in expired] == [("EKC-2024-AAAAA", date(2024, 6, 30), date(2024, 9, 30))]


def test_month_end_clamps_closed_on_the_30th_of_november():
    store = _store(_closed("EKC-2024-AAAAA", "2024-11-30"))
    assert purge_plan.expired_cases(store, date(2025, 2, 27)) == []
    assert purge_plan.expired_cases(store, date(2025, 2, 28))[0].due == date(2025, 2, 28)


def test_retention_months_comes_from_settings_and_open_cases_never_expire():
    store = _store(_closed("EKC-2024-AAAAA", "2024-06-30"), registered_case("EKC-2024-BBBBB", "2020-01-01"), retention=6)
    assert purge_plan.expired_cases(store, date(2024, 12, 29)) == []
    assert [e.case_id for e in purge_plan.expired_cases(store, date(2030, 1, 1))] == ["EKC-2024-AAAAA"]


def test_case_id_of_any_folder_named_after_a_case():
    assert purge_plan.case_id_of("cases/2024/EKC-2024-K7Q2M/personal.yaml") == "EKC-2024-K7Q2M"
    assert purge_plan.case_id_of("cases/2023/EKC-2024-K7Q2M/personal.yaml") == "EKC-2024-K7Q2M"
    assert purge_plan.case_id_of("cases/2024/EKC-2024-K7Q2M/case.yaml") is None
    assert purge_plan.case_id_of("drafts/personal.yaml") is None
    assert purge_plan.case_id_of("personal.yaml") is None


def test_identifying_strings_cover_persons_network_referrer_contact_and_address_parts():
    doc = {
        "main_persons": [{"name": "Sanne de Vries", "role": "child"}, {"birth_date": "2012-01-01"}],
        "phone": "+31 6 98765432",
        "email": "s.devries@example.org",
        "address": "Kerkstraat 1, 1441 AB Purmerend",
        "network": [{"name": "Joop de Vries", "phone": "+31 6 11111111", "email": "joop@example.org"}, "junk"],
        "referrer_contact": {"name": "A. Jansen", "email": "a.jansen@example.org", "organisation": "Jeugdbescherming NH"},
        "notes": "Sanne likes football",
    }
    found = of_personal_document(doc)
    assert found.values == {
        "Sanne de Vries", "+31 6 98765432", "s.devries@example.org", "Joop de Vries", "+31 6 11111111",
        "joop@example.org", "A. Jansen", "a.jansen@example.org",
        "Kerkstraat 1, 1441 AB Purmerend", "Kerkstraat 1", "1441 AB 1",  # street and postcode with house number
    }
    assert found.parts == {"Sanne", "Vries", "Joop", "Jansen"}
    assert of_personal_document(["not", "a", "mapping"]).all() == set()
    assert of_personal_document({"main_persons": "oops", "referrer_contact": None}).all() == set()


def test_a_version_that_is_not_valid_yaml_still_gives_up_its_names():
    found = of_unreadable_text('main_persons:\n  - {name: Bartholomeus Quarlesvanufford, role: child\naddress: Dorpsweg 7, 9999 ZZ Ede\n'
                               'email: a.b@example.org\nphone: "+31 6 11111111\n  [broken')
    assert {"Bartholomeus Quarlesvanufford", "a.b@example.org", "+31 6 11111111", "Dorpsweg 7", "9999 ZZ 7"} <= found.values
    assert {"Bartholomeus", "Quarlesvanufford"} <= found.parts


def _redact(message: str, strings: list[str], kept: set[str] = frozenset()) -> str:
    found = PersonalStrings()
    for text in strings:
        if "@" in text or any(c.isdigit() for c in text):
            found.add_value(text)
        else:
            found.add_name(text)
    return Needles(found, kept).redact(message)


def test_names_are_redacted_as_whole_words_in_any_case_spacing_normalisation_and_diacritics():
    assert _redact("Intake with SANNE  de vries today", ["Sanne de Vries"]) == "Intake with *** today"
    assert _redact("Sanne de\nVries wrapped", ["Sanne de Vries"]) == "*** wrapped"
    assert _redact("mevrouw Quarlesvanufford belde", ["Zoë Quarlesvanufford"]) == "mevrouw *** belde"
    for spelling in ("Zoë Quarlesvanufford", "ZOË QUARLESVANUFFORD", "Zoe\u0308 Quarlesvanufford", "zoe quarlesvanufford"):
        assert _redact(f"met {spelling}.", ["Zoë Quarlesvanufford"]) == "met ***.", spelling
    assert _redact("Vriesland is a province", ["Sanne de Vries"]) == "Vriesland is a province"


def test_a_name_part_that_is_kept_data_is_redacted_only_inside_the_full_name():
    kept = words_of("coordinators:\n  - name: Kees Jansen\nmunicipalities:\n  - name: Zwolle\n")
    assert _redact("coordinator Jansen met Piet Jansen", ["Piet Jansen"], kept) == "coordinator Jansen met ***"
    assert _redact("Piet belde", ["Piet Jansen"], kept) == "*** belde"  # 4 letters, not kept: a part of its own
    assert _redact("Pieter belde", ["Pieter Jansen"], kept) == "*** belde"


def test_phone_numbers_compare_by_their_digits():
    for spelling in ("+31 6 98765432", "+31698765432", "0698765432", "06-98765432", "06 9876 5432", "0031 6 98765432",
                     "+31 (0)6 98765432", "0031698765432"):
        assert _redact(f"call {spelling} now", ["06-9876 5432"]) == "call *** now", spelling
    assert _redact("invoice 106987654321", ["+31 6 98765432"]) == "invoice 106987654321"


def test_email_addresses_in_any_case():
    assert _redact("mail S.DeVries@Example.org.", ["s.devries@example.org"]) == "mail ***."


def test_addresses_by_street_and_by_postcode_with_house_number():
    found = PersonalStrings()
    found.add_address("Kerkstraat 1, 1441 AB Purmerend")
    needles = Needles(found, words_of("Purmerend"))
    assert needles.redact("op de kerkstraat 1 in Purmerend") == "op de *** in Purmerend"
    assert needles.redact("postcode 1441AB-1") == "postcode ***"
    assert needles.redact("Kerkstraat 12") == "Kerkstraat 12"


def test_purge_commit_message_names_case_ids_only():
    message = purge_plan.purge_commit_message(["EKC-2024-BBBBB", "EKC-2024-AAAAA"])
    assert message.splitlines() == ["Purge personal data of 2 cases past retention", "", "EKC-2024-AAAAA", "EKC-2024-BBBBB"]


def test_log_entries_hold_ids_dates_paths_counts_and_object_ids_only():
    drafts = [purge_plan.PurgeRecordDraft("EKC-2024-BBBBB", date(2024, 5, 1), ("b/personal.yaml", "a/personal.yaml"))]
    entries = purge_plan.log_entries(drafts, date(2024, 10, 1))
    assert entries == [{"case": "EKC-2024-BBBBB", "closed": date(2024, 5, 1), "purged": date(2024, 10, 1), "paths": ["a/personal.yaml", "b/personal.yaml"]}]


_word = st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzéëïABCDEFGHIJKLMNOPQRSTUVWXYZ'"), min_size=2, max_size=8)
_filler = st.lists(st.text(alphabet=st.sampled_from("abcdefghij ,.:;()!?0123456789"), max_size=12), max_size=4)


@settings(max_examples=150, deadline=None)
@given(names=st.lists(st.lists(_word, min_size=2, max_size=3).map(" ".join), min_size=1, max_size=4), filler=_filler)
def test_no_full_name_survives_in_a_message(names, filler):
    parts = []
    for index, name in enumerate(names):
        parts.append(filler[index] if index < len(filler) else "and")
        parts.append(name.upper() if index % 2 else name)
    message = " " + " ".join(parts) + " "
    redacted = _redact(message, names)
    for name in names:
        assert fold(name) not in fold(redacted)


def test_orphans_expire_retention_months_after_their_folder_left_the_tree():
    """DATA-FORMAT.md 2: a deleted case folder, a renamed one, an intake/ file."""
    live = {"cases/2024/EKC-2024-AAAAA"}
    paths = [
        "cases/2024/EKC-2024-AAAAA/personal.yaml",
        "cases/2024/EKC-2024-AOAAA/personal.yaml",  # the typo the folder had, renamed to the right id
        "cases/2023/EKC-2023-GGGGG/personal.yaml",  # a case folder deleted
        "intake/Someone/personal.yaml",  # never moved in, deleted
    ]
    renames = {("cases/2024/EKC-2024-AOAAA/personal.yaml", "cases/2024/EKC-2024-AAAAA/personal.yaml")}
    removed = {"cases/2024/EKC-2024-AOAAA/personal.yaml": date(2024, 1, 5), "cases/2023/EKC-2023-GGGGG/personal.yaml": date(2024, 6, 10),
               "intake/Someone/personal.yaml": date(2024, 6, 30)}
    early = purge_plan.assign(paths, renames, removed, live, {}, {"EKC-2024-AAAAA"}, 3, date(2024, 9, 9))
    assert early.targets == [] and early.unjudged == []
    late = purge_plan.assign(paths, renames, removed, live, {}, {"EKC-2024-AAAAA"}, 3, date(2024, 9, 30))
    assert [(t.case_id, t.closed, t.paths) for t in late.targets] == [
        ("EKC-2023-GGGGG", date(2024, 6, 10), ("cases/2023/EKC-2023-GGGGG/personal.yaml",)),
        (None, date(2024, 6, 30), ("intake/Someone/personal.yaml",)),
    ]
    assert "cases/2024/EKC-2024-AOAAA/personal.yaml" in late.kept_paths  # it belongs to the open case now


def test_a_renamed_folder_and_an_intake_copy_belong_to_the_expired_case():
    live = {"cases/2024/EKC-2024-AAAAA"}
    paths = ["cases/2024/EKC-2024-AAAAA/personal.yaml", "cases/2024/EKC-2024-AOAAA/personal.yaml", "intake/Someone/personal.yaml"]
    renames = {("cases/2024/EKC-2024-AOAAA/personal.yaml", "cases/2024/EKC-2024-AAAAA/personal.yaml"),
               ("intake/Someone/personal.yaml", "cases/2024/EKC-2024-AOAAA/personal.yaml")}
    expired = {"EKC-2024-AAAAA": purge_plan.ExpiredCase("EKC-2024-AAAAA", date(2024, 1, 1), date(2024, 4, 1))}
    result = purge_plan.assign(paths, renames, {}, live, expired, set(expired), 3, date(2024, 9, 30))
    assert [t.paths for t in result.targets] == [tuple(sorted(paths))]
    assert purge_plan.log_paths("EKC-2024-AAAAA", paths) == (["cases/2024/EKC-2024-AAAAA/personal.yaml"], 2)


def test_a_case_folder_whose_case_yaml_cannot_be_read_is_named_not_judged():
    live = {"cases/2024/EKC-2024-AAAAA"}
    result = purge_plan.assign(["cases/2024/EKC-2024-AAAAA/personal.yaml"], set(), {}, live, {}, set(), 3, date(2030, 1, 1))
    assert result.unjudged == ["EKC-2024-AAAAA"] and result.targets == []


def _entry(case: str, **extra) -> dict:
    return {"case": case, "closed": date(2026, 8, 1), "purged": date(2026, 11, 15),
            "paths": [f"cases/{case[4:8]}/{case}/personal.yaml"], **extra}


def test_the_log_grows_by_appending_text_and_reads_back_as_old_plus_new_entries():
    from ekc.store.yamlio import parse

    old = "# kept by ekc purge\npurges:\n" + purge_plan.entries_text([_entry("EKC-2025-AAAAA", blobs=["a" * 40])])
    new = [_entry("EKC-2026-BBBBB", other_paths=2, blobs=["1" * 40, "1e" + "0" * 38], commits=["2" * 40])]

    text = purge_plan.appended_log(old, new)

    assert text is not None and text.startswith(old)  # comments and earlier entries byte for byte
    data = parse("purge-log.yaml", text.encode()).data
    assert [e["case"] for e in data["purges"]] == ["EKC-2025-AAAAA", "EKC-2026-BBBBB"]
    assert data["purges"][1] == new[0]  # ids that look like numbers stay strings


def test_a_path_of_any_name_reads_back_exactly():
    from ekc.store.yamlio import parse

    odd = ["cases/2026/EKC-2026-CCCCC/a b: c.yaml", "cases/2026/EKC-2026-CCCCC/#x [y], {z}", "cases/2026/EKC-2026-CCCCC/é\"\\.txt",
           "cases/2026/EKC-2026-CCCCC/true", "cases/2026/EKC-2026-CCCCC/- x"]
    entry = {**_entry("EKC-2026-CCCCC"), "paths": sorted(odd)}
    text = purge_plan.appended_log(None, [entry])
    assert parse("purge-log.yaml", text.encode()).data == {"purges": [entry]}


def test_a_log_of_another_shape_is_left_to_the_round_trip():
    entries = [_entry("EKC-2026-DDDDD")]
    body = purge_plan.entries_text([_entry("EKC-2025-AAAAA")])
    assert purge_plan.appended_log("purges: []\n", entries) is None
    assert purge_plan.appended_log("purges:\n" + body + "notes: x\n", entries) is None  # a key after the list
    assert purge_plan.appended_log(("purges:\n" + body).replace("\n", "\r\n"), entries) is None
    assert purge_plan.appended_log("purges:\n" + body.replace("  - ", "- ").replace("\n    ", "\n  "), entries) is None
    assert purge_plan.appended_log("purges:\n" + body.rstrip("\n"), entries) is None


_FIRST = ["Anna", "Bram", "Zoë", "Joost", "Fenna"]
_LAST = ["Jansen", "Okkerhuizen", "de Vries", "Quarlesvanufford", "Ünal"]


@settings(max_examples=60, deadline=None)
@example(persons=[("Anna", "Jansen", ""), ("Bram", "Jansen", "")], words=["Anna  Jansen"], kept=set())  # a part in another's name
@example(persons=[("Zoë", "Ünal", "06-4242 9191")], words=["+31 6 42429191", "ZOE"], kept=set())
@example(persons=[("Anna", "Jansen", "0612345678")], words=["(06) 1234 5678"], kept={"jansen"})
@given(
    persons=st.lists(st.tuples(st.sampled_from(_FIRST), st.sampled_from(_LAST), st.sampled_from(["", "06-4242 9191", "0612345678", "b.jansen@example.org"])),
                     min_size=1, max_size=4),
    words=st.lists(st.sampled_from([*_FIRST, *_LAST, "ZOE", "jansen", "+31 6 42429191", "(06) 1234 5678", "Anna  Jansen", "mevrouw", "Kerk", "b.jansen@example.org"]),
                   max_size=6),
    kept=st.sets(st.sampled_from(["jansen", "anna", "kerk"])),
)
def test_one_search_attributes_texts_to_cases_as_each_cases_own_search_would(persons, words, kept):
    owners = {}
    for i, (first, last, phone) in enumerate(persons):
        owner = PersonalStrings()
        owner.add_name(f"{first} {last}")
        owner.add_value(phone)
        owners[f"EKC-2020-{i:05d}"] = owner
    every = PersonalStrings()
    for owner in owners.values():
        every.update(owner)
    texts = {"t0": " ".join(words), "t1": "\n".join(reversed(words)), "t2": "Intake " + ", ".join(words[:2])}

    naming = purge_plan.texts_naming(texts, Needles(every, kept), owners, kept)

    for case, owner in owners.items():
        own = Needles(owner, kept)
        assert naming[case] == {sha for sha, text in texts.items() if own.find(text)}, (case, texts)


def test_a_name_part_inside_another_cases_email_address_counts_for_both():
    """`b.jansen@example.org` is one match, an e-mail of one case; the other Jansen's own
    search finds `jansen` in it as a word (bounded by `.` and `@`), so the text is his too."""
    bram, anna = PersonalStrings(), PersonalStrings()
    bram.add_name("Bram Jansen")
    bram.add_value("b.jansen@example.org")
    anna.add_name("Anna Jansen")
    owners = {"EKC-2020-00001": bram, "EKC-2020-00002": anna}
    every = PersonalStrings()
    for owner in owners.values():
        every.update(owner)
    texts = {"t0": "mail van b.jansen@example.org", "t1": "Kerkstraat"}

    naming = purge_plan.texts_naming(texts, Needles(every, set()), owners, set())

    assert Needles(anna, set()).find(texts["t0"])
    assert naming == {"EKC-2020-00001": {"t0"}, "EKC-2020-00002": {"t0"}}


def test_kept_words_are_the_words_of_values_not_of_comments():
    files = [
        ("coordinators.yaml", "coordinators:\n  - id: C-0042\n    name: Eva Jansen  # helpt ook familie Okkerhuizen\n".encode()),
        ("municipalities.yaml", b"municipalities:\n  - name: Zwolle\n"),  # no comment: read as text
        ("cases/2024/EKC-2024-K7Q2M/personal.yaml", b"main_persons: [Anna Vermeulen\n# Brinkman\n"),  # no YAML: all of it
    ]
    words = purge_plan.kept_words(files)
    assert {"jansen", "zwolle", "vermeulen", "brinkman"} <= words
    assert "okkerhuizen" not in words and "familie" not in words


def test_the_raw_look_takes_out_exactly_the_ascii_phone_glue_the_search_allows():
    """The pre-filter on raw bytes drops the glue between a phone's digits; if it dropped less
    than the search allows, an ASCII object holding the number would be called clean unread."""
    import re

    from ekc.core import identifying

    allowed = {chr(c) for c in range(128) if re.fullmatch(f"[{identifying.PHONE_GLUE}]", chr(c))}
    assert allowed == set(identifying._PHONE_GLUE_BYTES.decode("ascii"))


_SPELLINGS = [
    "Anna Jansen", "ANNA  JANSEN", "anna\njansen", "Zoë", "Zoe\u0308", "ZOË", "Ünal", "Unal", "de Vries", "De\u00adVries",
    "Okker\u200bhuizen", "Quarlesvanufford", "06-4242 9191", "+31 6 42429191", "0031 (0)6 4242-9191", "b.jansen@example.org",
    "B.JANSEN@EXAMPLE.ORG", "Kerkstraat 12", "Kerkstraat 1", "1441 AB", "1441AB-12", "mevrouw", "Jansen2024", "zaak_Jansen",
]


@settings(max_examples=120, deadline=None)
@example(persons=[("Anna", "Jansen", "Kerkstraat 12, 1441 AB Purmerend")], words=["Anna Jansen", "Jansen"], kept={"anna"})
@given(
    persons=st.lists(st.tuples(st.sampled_from(_FIRST), st.sampled_from(_LAST),
                               st.sampled_from(["", "06-4242 9191", "b.jansen@example.org", "Kerkstraat 12, 1441 AB Purmerend"])),
                     min_size=1, max_size=4),
    words=st.lists(st.sampled_from(_SPELLINGS), max_size=8),
    kept=st.sets(st.sampled_from(["jansen", "anna", "kerkstraat", "zoe"])),
)
def test_a_text_is_matched_as_by_the_whole_pattern(persons, words, kept):
    """Needles compiles only the alternatives of the keys a text holds (ekc.core.identifying):
    what it finds and redacts is what the pattern of every string would."""
    import re

    from ekc.core.identifying import REDACTED

    every = PersonalStrings()
    for first, last, extra in persons:
        every.add_name(f"{first} {last}")
        if "@" in extra or "-" in extra:
            every.add_value(extra)
        elif extra:
            every.add_address(extra)
    needles = Needles(every, kept)
    whole = re.compile("|".join(needles._alternatives)) if needles._alternatives else None
    for text in (" ".join(words), "/".join(words), "".join(words), f"Intake {', '.join(words)}."):
        expected_find = bool(whole and whole.search(text))
        assert needles.find(text) == expected_find, text
        assert needles.redact(text) == (whole.sub(REDACTED, text) if whole else text), text
        assert needles.found(text) == ([m.group() for m in whole.finditer(text)] if whole else []), text


@settings(max_examples=150, deadline=None)
@example(persons=[("Anna", "Ödül")], words=["Gesprek", "ODUL"])
@given(
    persons=st.lists(st.tuples(st.sampled_from(_FIRST), st.sampled_from([*_LAST, "Ödül", "Éléa", "Ünal"])), min_size=1, max_size=3),
    words=st.lists(st.sampled_from(["ODUL", "Odul", "ELEA", "elea", "UNAL", "Unal", "de  Vries", "DE VRIES", "JANSEN", "Anna Odul",
                                    "ANNA ELEA", "mevrouw", "12"]),
                   min_size=1, max_size=6),
)
def test_the_raw_look_lets_every_ascii_spelling_through(persons, words):
    """proof._may_hold searches ASCII content only where Needles.raw_candidate says it may hold
    a string: it must say so wherever `find` finds one. (It used to look for each string's
    longest piece that is ASCII in every spelling: `Ödül` has none of three letters, so an
    ASCII `ODUL` passed unread.)"""
    every = PersonalStrings()
    for first, last in persons:
        every.add_name(f"{first} {last}")
    needles = Needles(every, set())
    for text in (" ".join(words), "\n".join(words), "_".join(words)):
        if needles.find(text):
            assert needles.raw_candidate(text.encode()), text


@pytest.mark.parametrize("name, typed", [("Yıldız", "YILDIZ"), ("Søren Aasgård", "Soren Aasgard"), ("Łukasz Wałęsa", "Lukasz Walesa"),
                                         ("Đorđević", "Dordevic")])
def test_letters_with_a_stroke_or_without_a_dot_are_matched_as_typed_on_a_dutch_keyboard(name, typed):
    """`ı`, `ø`, `ł`, `đ` have no diacritic to fold away: a message typed `YILDIZ` still names
    Yıldız, and the purge must redact it (and the proof find it)."""
    strings = PersonalStrings()
    strings.add_name(f"Anna {name}")
    needles = Needles(strings, set())
    redacted = needles.redact(f"Gesprek met {typed}, morgen")
    assert redacted.startswith("Gesprek met ***") and redacted.endswith(", morgen")
    assert not any(word in redacted for word in typed.split()), redacted
    assert needles.raw_candidate(f"Gesprek met {typed}".encode())


@pytest.mark.parametrize("text", [
    "Gesprek met ANNE-MARIE van den Berg-Smit", "mail van a.m.berg-smit@example.nl", "bel 06-4815 1623",
    "bel 06/48.15.16.23", "bel (06) 48 15 16 23", "tel +31 6 4815-1623", "bellen/0648/151623.txt",
])
def test_one_pass_of_the_cheap_look_lets_names_mails_and_spread_phones_through(text):
    """The cheap look takes the phone glue out of the bytes and of each key in one pass: a
    hyphenated name, a dotted e-mail address and a phone number with any glue still reach
    the full search."""
    strings = PersonalStrings()
    strings.add_name("Anne-Marie van den Berg-Smit")
    strings.add_value("a.m.berg-smit@example.nl")
    strings.add_value("06-4815 1623")
    needles = Needles(strings, set())
    assert needles.find(text), text
    assert needles.raw_candidate(text.encode()), text


def test_the_cheap_look_turns_away_ascii_text_that_holds_no_key():
    """The other half: a look that let everything through would pass every test above and
    leave each object to the full search."""
    strings = PersonalStrings()
    strings.add_name("Anne-Marie van den Berg-Smit")
    strings.add_value("06-4815 1623")
    needles = Needles(strings, set())
    for clean in ("Gesprek met de familie Jansen, 06-1234 5678", "cases/2024/EK-2024-0001/case.yaml", "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904"):
        assert not needles.raw_candidate(clean.encode()), clean
