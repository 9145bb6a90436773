"""The one owner of "which strings identify a person", and of the check that keeps them out
of commit messages.

A commit message survives every purge unless history is rewritten, so what never goes in
needs no redacting. The guard looks only at what varies in a message: the persons' own
values (full names, e-mail addresses, phone numbers, addresses) anywhere in it, a part of a
name only where that part is not a word of ekc's own template ("Case", "Plan",
"Coordinator" are template words, so a pool member called Plan blocks nobody), and free
text a user typed (a `--force` reason) for anything that merely looks personal.

Pure: documents in, strings out. The purge gathers the same strings from every historic
version of a personal.yaml; lenient reading lets versions that no longer validate count.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

# DATA-FORMAT.md: each person's full name and every part of it of four letters or more
NAME_PART_MIN = 4
# Word boundaries for names: letters only. `_` and digits separate words, as in ref names,
# file names and user names (`zaak_Jansen`, `jansen2024`), where \b would see one word.
NOT_AFTER_LETTER = r"(?<![^\W\d_])"
NOT_BEFORE_LETTER = r"(?![^\W\d_])"
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def name_parts(name: str) -> list[str]:
    """The parts of a name that identify on their own: four letters or more, so that
    tussenvoegsels (de, van, der) and initials never count as a name."""
    return [part for part in _WORD.findall(name) if len(part) >= NAME_PART_MIN]


@dataclass
class PersonalStrings:
    """Identifying strings of one or more persons: whole values, and name parts."""

    values: set[str] = field(default_factory=set)  # full names, e-mail addresses, phones, addresses
    parts: set[str] = field(default_factory=set)  # name parts of four letters or more

    def add_name(self, name: Any) -> None:
        if isinstance(name, str) and name.strip():
            self.values.add(" ".join(name.split()))
            self.parts.update(name_parts(name))

    def add_value(self, value: Any) -> None:
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
            self.values.add(" ".join(str(value).split()))

    def add_address(self, value: Any) -> None:
        if isinstance(value, str) and value.strip():
            self.values |= address_strings(value)

    def update(self, other: PersonalStrings) -> None:
        self.values |= other.values
        self.parts |= other.parts

    def all(self) -> set[str]:
        return self.values | self.parts


def _get(mapping: Any, key: str) -> Any:
    return mapping.get(key) if isinstance(mapping, dict) else None


def of_personal_document(document: Any) -> PersonalStrings:
    """Every identifying string of one personal.yaml document (a plain mapping).

    Lenient on purpose: an old version in history may not pass today's validation, and its
    names must be redacted all the same.
    """
    found = PersonalStrings()
    if not isinstance(document, dict):
        return found
    for key in ("phone", "email"):
        found.add_value(_get(document, key))
    found.add_address(_get(document, "address"))
    for key in ("main_persons", "network"):
        members = document.get(key)
        if isinstance(members, list):
            for member in members:
                found.add_name(_get(member, "name"))
                found.add_value(_get(member, "email"))
                found.add_value(_get(member, "phone"))
    contact = document.get("referrer_contact")
    found.add_name(_get(contact, "name"))
    found.add_value(_get(contact, "email"))
    found.add_value(_get(contact, "phone"))
    return found


def of_personal(personal: Any) -> PersonalStrings:
    """The same for a loaded Personal model."""
    return of_personal_document(personal.model_dump(mode="json")) if personal is not None else PersonalStrings()


def of_coordinators(coordinators: Iterable[Any]) -> PersonalStrings:
    """Coordinators are persons too: their names and contact details stay out of messages."""
    found = PersonalStrings()
    for coordinator in coordinators:
        found.add_name(coordinator.name)
        found.add_value(coordinator.email)
        found.add_value(coordinator.phone)
    return found


def _bounded(word: str) -> str:
    """A folded word's pattern with its ends: a name ends where letters end, a number where
    letters and digits end (`Kerkstraat 1` is not in `Kerkstraat 12`)."""
    before = NOT_AFTER_LETTER if word[:1].isalpha() else r"(?<![^\W_])"
    after = NOT_BEFORE_LETTER if word[-1:].isalpha() else r"(?![^\W_])"
    return f"{before}{_text_pattern(word)}{after}"


def _occurs(value: str, text: str) -> bool:
    return bool(re.search(rf"{NOT_AFTER_LETTER}{re.escape(value)}{NOT_BEFORE_LETTER}", text, re.IGNORECASE))


def message_problem(message: str, personal: PersonalStrings | None = None, free_text: Iterable[str] = ()) -> str | None:
    """Why this commit message may not be used, or None.

    `free_text` are the parts of the message a person typed; the rest is ekc's template,
    filled with ids, phases and codes.
    """
    from ekc.validate.rules.personal_data import looks_personal

    typed = [text for text in free_text if text]
    for text in typed:
        label = looks_personal(text)
        if label:
            return f"it looks like it holds {label}"
    if personal is None:
        return None
    template = message
    for text in typed:
        template = template.replace(text, " ")
    template_words = {word.casefold() for word in _WORD.findall(template)}
    for value in sorted(personal.values):
        if len(value) >= 3 and _occurs(value, message):
            return "it repeats personal data (a name or contact detail of a person)"
    for part in sorted(personal.parts):
        if part.casefold() not in template_words and _occurs(part, message):
            return "it repeats personal data (a name or contact detail of a person)"
    return None


# -- the purge's matching: every spelling of a string, in any text --------------------------
#
# DATA-FORMAT.md "What a purge removes": matching ignores letter case, NFC versus NFD and
# diacritics (`Zoë` = `Zoe`); phone numbers compare by their digits (`06-4242 9191`,
# `+31 6 42429191` and `0031642429191` are one number); a name part that also occurs in
# kept data is matched only inside the full name.

import unicodedata  # noqa: E402

REDACTED = "***"
# invisible characters a name copied from a PDF or a web page may carry: a soft hyphen, zero-width
# spaces and joiners, a word joiner, a byte order mark; folded away like diacritics
_INVISIBLE = "\u00ad\u200b-\u200d\u2060\ufeff"
# what fold drops; a letter's pattern lets the same through after it (`_MARKS`)
_DROPPED = f"\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f{_INVISIBLE}"
_COMBINING = re.compile(f"[{_DROPPED}]")
_DIGIT_GLUE = re.compile(r"[\s().-]+")
_POSTCODE = re.compile(r"\b(\d{4})\s*([A-Za-z]{2})\b")
_HOUSE = re.compile(r"^(?P<street>.*?[^\W\d_].*?)\s+(?P<number>\d+)\s*(?P<suffix>[A-Za-z](?![A-Za-z]))?")


# letters with a stroke or without a dot, which no decomposition takes to their plain letter:
# on a Dutch keyboard `Yıldız` is typed `Yildiz`, `Søren` `Soren`, `Łukasz` `Lukasz`
_PLAIN_LETTERS = str.maketrans("ıØøŁłĐđĦħŦŧƗɨ", "iOoLlDdHhTtIi")


def fold(text: str) -> str:
    """Case, NFC/NFD and diacritics folded away: `Zoë`, `ZOË`, `Zoe\u0308` all read `zoe`,
    and `Yıldız`, `YILDIZ` both `yildiz`. A dotless `ı` is an `i` (the capital of both is
    `I`: `IŞIK` and `Isik` are `Işık`, and a letter class of `ı` holds `I`, so a fold that
    kept `ı` would miss the key of a match)."""
    if text.isascii():
        return text.lower()
    return _COMBINING.sub("", unicodedata.normalize("NFD", text)).translate(_PLAIN_LETTERS).casefold()


# between the digits of a phone number: spaces, brackets, dots, a slash (`06/48151623`) and
# any dash, the typographic ones a word processor or a phone's keyboard puts in (`06–4815 1623`)
PHONE_GLUE = "\\s()./\\-\u2010-\u2015\u2212"
# its ASCII part, taken out of raw bytes; the rest is not ASCII, and an object that is not
# ASCII is always searched in full (proof._may_hold)
_PHONE_GLUE_BYTES = b" \t\n\r\v\f\x1c\x1d\x1e\x1f()./-"


def _without_glue(key: str) -> str:
    """An ASCII key as the cheap look reads bytes: without the phone glue."""
    return key.encode("latin-1").translate(None, _PHONE_GLUE_BYTES).decode("latin-1")


_PHONE_VALUE = re.compile(f"\\+?[0-9][0-9 {PHONE_GLUE[2:]}]{{5,24}}")  # a value: no line breaks


def phone_national(phone: str) -> str | None:
    """The digits of a phone number after its country code or trunk 0; None if it is no phone."""
    stripped = phone.strip()
    if not _PHONE_VALUE.fullmatch(stripped):
        return None
    digits = re.sub(r"\D", "", stripped)
    if stripped.startswith("+31"):
        digits = digits[2:]
    elif digits.startswith("0031"):
        digits = digits[4:]
    elif stripped.startswith("+"):
        pass
    elif digits.startswith("00"):
        digits = digits[2:]
    elif digits.startswith("0"):
        digits = digits[1:]
    return digits if len(digits) >= 6 else None


def address_strings(address: str) -> set[str]:
    """The address as written, the street with house number, and the postcode with house number."""
    found = {" ".join(address.split())}
    head = _HOUSE.match(address.strip())
    if head:
        number = head["number"] + (head["suffix"] or "")
        found.add(f"{' '.join(head['street'].split())} {number}")
        postcode = _POSTCODE.search(address)
        if postcode:
            found.add(f"{postcode[1]} {postcode[2]} {number}")
    return found


def text_of(raw: bytes) -> str:
    """A file's text: UTF-8, or else Windows-1252 (a personal.yaml saved as "ANSI" by
    Notepad, where `ï` is the one byte 0xEF: read as UTF-8 with replacement, `Aïda` would be
    `A\ufffdda`, no name at all)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", "replace")


_LOOSE_FIELD = re.compile(
    r"""(?:^|[\s{,-])(name|email|phone|address)\s*:\s*("[^"\n]*"?|'[^'\n]*'?|[^,}\n#]*)""", re.MULTILINE,
)


def of_unreadable_text(text: str) -> PersonalStrings:
    """Strings from a version of personal.yaml that is not valid YAML (committed with --no-verify).

    Read line by line: `name:`, `email:`, `phone:` and `address:` keep their meaning even when
    the document around them does not parse.
    """
    found = PersonalStrings()
    for match in _LOOSE_FIELD.finditer(text):
        key, raw = match[1], match[2]
        if key == "address":  # an address holds commas: the rest of its line
            line_end = text.find("\n", match.start(2))
            raw = text[match.start(2) : line_end if line_end >= 0 else len(text)].split(" #")[0]
        value = raw.strip().strip("\"'{}").strip()
        if not value:
            continue
        if key == "name":
            found.add_name(value)
        elif key == "address":
            found.add_address(value)
        else:
            found.add_value(value)
    return found


def words_of(text: str) -> set[str]:
    """Every word of a text, folded: what kept data holds, so a name part that is also a kept
    word (a coordinator Jansen, the municipality Zwolle) is matched only inside the full name."""
    return {w for w in _WORD.findall(fold(text)) if len(w) >= NAME_PART_MIN}


def words_of_data(document: Any) -> set[str]:
    """Every word of a parsed document's keys and values, not of its comments: a comment is
    no data that stays (`# C-0042 helpt ook familie Jansen` would make the purged family's
    surname a kept word, matched only inside the full name, and so left everywhere)."""
    words: set[str] = set()
    pending = [document]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending += [*item.keys(), *item.values()]
        elif isinstance(item, list):
            pending += item
        elif isinstance(item, str):
            words |= words_of(item)
    return words


def _fold_table() -> dict[str, str]:
    """For each folded letter, every precomposed Latin letter that folds to it."""
    variants: dict[str, set[str]] = {}
    for code in range(0x00C0, 0x0250):
        char = chr(code)
        folded = fold(char)
        if len(folded) == 1 and folded.isascii() and folded.isalpha():
            variants.setdefault(folded, set()).update({char, char.upper(), char.lower()})
    return {k: "".join(sorted(v)) for k, v in variants.items()}


_VARIANTS = _fold_table()
_MARKS = f"[{_DROPPED}]*"  # every character fold drops: a text whose fold holds the key is matched


def _letter_pattern(char: str) -> str:
    if char.isspace():  # and invisible characters after it (`Ada \u200bBee`, pasted from a web page)
        return f"\\s[\\s{_INVISIBLE}]*"
    if char.isalpha():
        extra = _VARIANTS.get(char, "")
        return f"[{re.escape(char + char.upper() + extra)}]{_MARKS}"
    return re.escape(char)


def _multi_fold_table() -> dict[str, str]:
    """For each run of folded letters, the characters that fold to it whole: `ß` and `ẞ` to
    `ss` (`Weiß` reads `weiss`), the ligatures a PDF leaves (`ﬁ` to `fi`)."""
    runs: dict[str, str] = {}
    for char in ["\u00df", "\u1e9e", *map(chr, range(0xFB00, 0xFB07))]:
        folded = fold(char)
        if len(folded) > 1 and folded.isascii() and folded.isalpha():
            runs[folded] = runs.get(folded, "") + char
    return runs


_MULTI = _multi_fold_table()
_MULTI_LONGEST = max(map(len, _MULTI), default=1)


def _run_pattern(run: str) -> str:
    """Every spelling of a run of folded letters: letter by letter, or with a character that
    folds to several of them at once (`ffi`: `ffi`, `ﬃ`, `ﬀi`, `fﬁ`)."""
    spellings = []
    for cut in range(1, len(run) + 1):
        head, rest = run[:cut], run[cut:]
        first = _letter_pattern(head) if cut == 1 else (f"[{re.escape(_MULTI[head])}]{_MARKS}" if head in _MULTI else None)
        if first is not None:
            spellings.append(first + (_run_pattern(rest) if rest else ""))
    return spellings[0] if len(spellings) == 1 else "(?:" + "|".join(spellings) + ")"


def _text_pattern(folded: str) -> str:
    """Spaces between a digit and a letter are optional (`1441 AB 1` = `1441AB-1`). A run
    that one character folds to (`ss` of `ß`) may be that character (the longest such run
    first, left to right; `sß` for `sss` is left out)."""
    out = []
    i = 0
    while i < len(folded):
        c = folded[i]
        run = next((folded[i:i + n] for n in range(_MULTI_LONGEST, 1, -1) if folded[i:i + n] in _MULTI), None)
        if run is not None:
            out.append(_run_pattern(run))
            i += len(run)
            continue
        if c == " " and 0 < i < len(folded) - 1 and (folded[i - 1].isdigit() or folded[i + 1].isdigit()):
            out.append(r"[\s,-]*")
        else:
            out.append(_letter_pattern(c))
        i += 1
    return "".join(out)


_SEP = f"[{PHONE_GLUE}]*"


def _phone_pattern(national: str) -> str:
    body = _SEP.join(national)
    return rf"(?<![0-9])(?:(?:\+|00){_SEP}[0-9]{{1,3}}{_SEP}(?:\(?0\)?{_SEP})?|0{_SEP})?{body}(?![0-9])"


_NOT_ALPHANUMERIC = re.compile(r"[\W_]+")


def key_of(value: str) -> str:
    """One spelling for every spelling `Needles` matches: a phone by its national digits, any
    other string folded, without spaces or punctuation."""
    national = phone_national(value)
    return f"tel:{national}" if national else _NOT_ALPHANUMERIC.sub("", fold(value))


_HEX = re.compile(r"[0-9a-f]+")


# a byte that is no UTF-8, as surrogateescape reads it; or a character of two UTF-8 bytes
# that no Dutch text holds, which Windows-1252 reads as a capital letter or `ß` (C2-DF) and
# a quote, dash or no-break space (80-BF): `Weiß’` (DF 92) is valid UTF-8 and reads `Weiߒ`.
# Not the Latin letters (`ë` read so would be `Ã«`, a word boundary inside `ZoëAnna`) nor
# the combining marks of NFD; left: Ä, Å, Æ, Ç, È before such a byte (U+0100-U+024F)
_NOT_UTF8 = re.compile("[\udc80-\udcff\u0080-\u009f\u0250-\u02ff\u0370-\u07ff]")
_NOT_UTF8_BYTE = re.compile("[\udc80-\udcff]")


def _as_windows_1252(text: str) -> str | None:
    """The same bytes read as Windows-1252, when they are not UTF-8 (`text` was read with
    surrogateescape): an Excel CSV export, a file name or message from a tool that does not
    speak UTF-8 holds `Müller` with `ü` as the one byte 0xFC, which the UTF-8 reading leaves
    as an escape no letter pattern matches. None when the text is ASCII or holds no
    character that could be two Windows-1252 bytes.
    Windows-1252, not Latin-1: it is Latin-1 for every letter and adds the typographic
    dashes and quotes; its five unassigned bytes stay escapes. Text of two-byte UTF-8
    characters outside the Latin letters is read so too (`_NOT_UTF8`)."""
    if text.isascii() or not _NOT_UTF8.search(text):
        return None
    return text.encode("utf-8", "surrogateescape").decode("cp1252", "surrogateescape")


class Needles:
    """The identifying strings of the purged persons, ready to find and to redact in any text.

    `find` is a fast multi-string search (Aho-Corasick over folded text) confirmed by the
    same regular expression `redact` uses, so what the proof finds is exactly what the
    rewrite would have replaced.

    Each string has one key that occurs in every spelling of it (its longest word, folded;
    a phone's digits). A text is matched against the alternatives of the keys it holds
    only, in their one order: the others cannot match anywhere in it, so the result is the
    whole pattern's, without compiling the whole pattern (a few hundred strings with a
    letter class per letter take most of a second, and most of a purge's texts that hold a
    key hold one or two). Patterns are compiled per key, once.
    """

    def __init__(self, strings: PersonalStrings, kept_words: set[str] = frozenset()):
        import ahocorasick

        words: set[str] = set()  # folded, whole-word
        loose: set[str] = set()  # folded, anywhere (e-mail addresses)
        phones: set[str] = set()
        for value in strings.values:
            national = phone_national(value)
            if national:
                phones.add(national)
                continue
            folded = " ".join(fold(value).split())
            if len(folded) < 3 or not re.search(r"[^\W\d_]", folded):
                continue
            (loose if "@" in folded else words).add(folded)
        for part in strings.parts:
            folded = fold(part)
            if folded not in kept_words:
                words.add(folded)
        self.empty = not (words or loose or phones)
        words_in_order = sorted(words, key=len, reverse=True)  # the longest first, where two start alike
        loose_in_order = sorted(loose, key=len, reverse=True)
        phones_in_order = sorted(phones, key=len, reverse=True)
        alternatives = [
            # a word ends where letters end: `zaak_Okkerhuizen`, `Okkerhuizen2024` and
            # `OKKERHUIZEN_Zoe` (ref, file and user names) hold the name as a word
            *(_bounded(w) for w in words_in_order),
            *(_text_pattern(e) for e in loose_in_order),
            *(_phone_pattern(p) for p in phones_in_order),
        ]
        self._alternatives = alternatives
        self._patterns: dict[frozenset[int], re.Pattern[str]] = {}
        self._several_compiled = 0  # alternatives compiled into patterns of several keys
        # the pre-filter: one key per string, each occurring in every spelling of it; each
        # key with the alternatives (indices, in the order above) it is the key of
        text_keys: dict[str, list[int]] = {}
        for index, key in enumerate([*(max(w.split(" "), key=len) for w in words_in_order), *loose_in_order]):
            text_keys.setdefault(key, []).append(index)
        self._text_keys = ahocorasick.Automaton()
        for key, indices in text_keys.items():
            self._text_keys.add_word(key, tuple(indices))
        self._digit_keys = ahocorasick.Automaton()
        first_phone = len(words_in_order) + len(loose_in_order)
        for index, key in enumerate(phones_in_order):
            self._digit_keys.add_word(key, (first_phone + index,))
        for automaton in (self._text_keys, self._digit_keys):
            if len(automaton):
                automaton.make_automaton()
        # the pre-filter on raw bytes, which only has to answer for ASCII content (content that
        # is not ASCII is always searched in full, proof._may_hold): there a string can only
        # be spelled with its folded letters, in any case, so its text key is in the lowered
        # bytes when it is ASCII (`zoe` for Zoë: the spelling `ZOE` holds no longer piece of
        # `Zoë`); a key that is not ASCII cannot be in ASCII content
        # One pass over the bytes for both kinds of key: the text with the ASCII phone glue
        # taken out (a phone's digits are then in a row), and each text key without it too.
        # Taking the same characters out of a text and of a piece of it leaves a piece of
        # what is left, so a key found before is found after (`jan-sen` now reads `jansen`:
        # one more look, never one less).
        self._raw_keys = ahocorasick.Automaton()
        for key in text_keys:
            if key.isascii():
                self._raw_keys.add_word(_without_glue(key), key)
        for key in phones_in_order:
            self._raw_keys.add_word(key, key)
        if len(self._raw_keys):
            self._raw_keys.make_automaton()
        # a key of only the letters a-f (and digits) occurs in object ids by chance: `Ada` in
        # a commit's `parent 93ada51...` reads as a word between digits (see proof.searchable)
        self.in_object_ids = any(_HEX.fullmatch(key) for key in text_keys)

    def _keys_in(self, text: str) -> set[tuple[int, ...]]:
        """For each key the text holds, the alternatives it is the key of."""
        if self.empty:
            return set()
        low = fold(text)
        groups: set[tuple[int, ...]] = set()
        if len(self._text_keys):
            groups.update(found for _, found in self._text_keys.iter(low))
        if len(self._digit_keys):
            # a regular expression: the same result as str.translate, many times faster on
            # the megabytes of a joined group of files
            groups.update(found for _, found in self._digit_keys.iter(self._SEPARATORS.sub("", low)))
        return groups

    def _compiled(self, indices: Iterable[int]) -> re.Pattern[str]:
        chosen = frozenset(indices)
        pattern = self._patterns.get(chosen)
        if pattern is None:
            pattern = self._patterns[chosen] = re.compile("|".join(self._alternatives[i] for i in sorted(chosen)))
        return pattern

    def _pattern_for(self, text: str) -> re.Pattern[str] | None:
        """One pattern for all the strings the text may hold (to redact it, or list what it
        holds); None when it holds no key. A text of one key gets that key's pattern, which
        `find` compiles too; one of several keys, their alternatives together, until those
        would add up to more than the whole pattern, which is compiled then instead (texts
        that name a kept person of the same surname are many, and each has its own set)."""
        groups = self._keys_in(text)
        if not groups:
            return None
        if len(groups) == 1:
            return self._compiled(next(iter(groups)))
        chosen = frozenset(i for group in groups for i in group)
        if chosen not in self._patterns:
            if self._several_compiled + len(chosen) > len(self._alternatives):
                chosen = frozenset(range(len(self._alternatives)))
            else:
                self._several_compiled += len(chosen)
        return self._compiled(chosen)

    _SEPARATORS = re.compile(f"[{PHONE_GLUE}]+")

    def raw_candidate(self, data: bytes) -> bool:
        """A cheap first look at raw bytes that are ASCII (an object's content): False means no
        string can be in them; True means `find` must look. Bytes that are not ASCII may
        always hold one."""
        if self.empty or not len(self._raw_keys):
            return False
        for _ in self._raw_keys.iter(data.lower().translate(None, _PHONE_GLUE_BYTES).decode("latin-1")):
            return True
        return False

    def find(self, text: str) -> bool:
        legacy = _as_windows_1252(text)
        return self._find(text) or (legacy is not None and self._find(legacy))

    def _find(self, text: str) -> bool:
        """Each key's own pattern in turn: every alternative is compiled at most once, for
        the first text that holds its key."""
        return any(self._compiled(group).search(text) for group in self._keys_in(text))

    def found(self, text: str) -> list[str]:
        """Each string found in the text, as the text spells it (a purge of 150 cases
        attributes each redacted commit to its cases from these, not with 150 patterns)."""
        found = self._matches(text)
        legacy = _as_windows_1252(text)
        if legacy is not None:  # the Windows-1252 reading of UTF-8 text finds its names again
            found += [match for match in self._matches(legacy) if match not in found]
        return found

    def _matches(self, text: str) -> list[str]:
        pattern = self._pattern_for(text)
        return [] if pattern is None else [match.group() for match in pattern.finditer(text)]

    def redact(self, text: str) -> str:
        new = self._redact(text)
        legacy = _as_windows_1252(new)
        if legacy is not None and not _NOT_UTF8_BYTE.search(text):
            # valid UTF-8: read as Windows-1252 only where that reading names someone the
            # UTF-8 one does not (`Weiß’`); else a second pass would redact beside `***` what
            # the one pass left (`Vriesb.jansen@…` as `Vries***`)
            if not set(self._matches(_as_windows_1252(text))) - set(self._matches(text)):
                legacy = None
        if legacy is not None:
            redacted = self._redact(legacy)
            if redacted is not legacy:
                new = redacted.encode("cp1252", "surrogateescape").decode("utf-8", "surrogateescape")
        return new

    def _redact(self, text: str) -> str:
        pattern = self._pattern_for(text)
        return text if pattern is None else pattern.sub(REDACTED, text)

    def find_bytes(self, data: bytes) -> bool:
        return self.find(data.decode("utf-8", "surrogateescape"))

    def redact_bytes(self, data: bytes) -> bytes:
        text = data.decode("utf-8", "surrogateescape")
        new = self.redact(text)
        return data if new is text else new.encode("utf-8", "surrogateescape")
