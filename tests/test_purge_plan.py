"""The pure part of the purge: which cases expire, which strings leave the messages."""

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from ekc.purge import plan as purge_plan
from ekc.model.case import Case
from ekc.model.datastore import CaseFile, DataStore
from ekc.model.settings import Settings
from tests.storebuilder import closed_case, registered_case


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


def test_identifying_strings_cover_persons_network_referrer_and_top_level_contact():
    doc = {
        "main_persons": [{"name": "Sanne de Vries", "role": "child"}, {"birth_date": "2012-01-01"}],
        "phone": "+31 6 98765432",
        "email": "s.devries@example.org",
        "address": "Kerkstraat 1",
        "network": [{"name": "Joop de Vries", "phone": "+31 6 11111111", "email": "joop@example.org"}, "junk"],
        "referrer_contact": {"name": "A. Jansen", "email": "a.jansen@example.org", "organisation": "Jeugdbescherming NH"},
        "notes": "Sanne likes football",
    }
    assert purge_plan.identifying_strings(doc) == {
        "Sanne de Vries", "+31 6 98765432", "s.devries@example.org", "Joop de Vries", "+31 6 11111111",
        "joop@example.org", "A. Jansen", "a.jansen@example.org", "Kerkstraat 1",
    }
    assert purge_plan.identifying_strings(["not", "a", "mapping"]) == set()
    assert purge_plan.identifying_strings({"main_persons": "oops", "referrer_contact": None}) == set()


def test_unreadable_versions_still_give_up_addresses_and_numbers():
    found = purge_plan.strings_in_unreadable('email: a.b@example.org\nphone: "+31 6 11111111\n  [broken')
    assert "a.b@example.org" in found
    assert "+31 6 11111111" in found


def _redact(message: str, strings: list[str]) -> str:
    patterns = purge_plan.compiled(purge_plan.redaction_patterns(strings))
    return purge_plan.redact(message.encode(), patterns).decode()


def test_names_are_redacted_as_whole_words_in_any_case_and_spacing():
    assert _redact("Intake with SANNE  de vries today", ["Sanne de Vries"]) == "Intake with [redacted] today"
    assert _redact("Sanne de Vriesland is someone else", ["Sanne de Vries"]) == "Sanne de Vriesland is someone else"


def test_longest_first_so_a_longer_name_is_not_half_redacted():
    assert _redact("Joop de Vries and Joop", ["Joop", "Joop de Vries"]) == "[redacted] and [redacted]"


def test_phone_numbers_in_every_usual_spelling():
    for spelling in ("+31 6 98765432", "+31698765432", "0698765432", "06-98765432", "06 9876 5432", "0031 6 98765432", "+31 (0)6 98765432"):
        assert _redact(f"call {spelling} now", ["+31 6 98765432"]) == "call [redacted] now", spelling
    assert _redact("invoice 106987654321", ["+31 6 98765432"]) == "invoice 106987654321"


def test_email_addresses_but_not_longer_ones_that_contain_them():
    assert _redact("mail s.devries@example.org.", ["s.devries@example.org"]) == "mail [redacted]."
    assert _redact("mail xs.devries@example.org", ["s.devries@example.org"]) == "mail xs.devries@example.org"


def test_replace_message_file_is_one_regex_line_as_git_filter_repo_reads_it():
    import re

    from git_filter_repo import FilteringOptions

    patterns = purge_plan.redaction_patterns(["Sanne de Vries", "a@b.nl"])
    text = purge_plan.replace_message_file(patterns)
    assert text.count(b"\n") == 1 and text.startswith(b"regex:") and text.endswith(b"==>[redacted]\n")
    assert purge_plan.replace_message_file([]) == b""
    import tempfile

    with tempfile.NamedTemporaryFile("wb", suffix=".txt", delete=False) as handle:
        handle.write(text)
    parsed = FilteringOptions.get_replace_text(handle.name)
    (regex, replacement), = parsed["regexes"]
    assert replacement == b"[redacted]" and not parsed["literals"]
    assert regex.sub(replacement, b"mail a@b.nl, Sanne de Vries") == b"mail [redacted], [redacted]"
    assert regex.pattern == purge_plan.compiled(patterns)[0].pattern
    assert isinstance(regex, re.Pattern)


def test_purge_commit_message_names_case_ids_only():
    message = purge_plan.purge_commit_message(["EKC-2024-BBBBB", "EKC-2024-AAAAA"])
    assert message.splitlines() == ["Purge personal data of 2 cases past retention", "", "EKC-2024-AAAAA", "EKC-2024-BBBBB"]


def test_log_entries_are_sorted_and_hold_ids_dates_and_paths_only():
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
        assert name.lower() not in redacted.lower()
