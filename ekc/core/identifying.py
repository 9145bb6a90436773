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
    for key in ("phone", "email", "address"):
        found.add_value(_get(document, key))
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


def _occurs(value: str, text: str) -> bool:
    return bool(re.search(rf"(?<!\w){re.escape(value)}(?!\w)", text, re.IGNORECASE))


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
