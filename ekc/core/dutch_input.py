"""Values as Dutch staff type them, in one place, for options and prompts alike.

Dates `2026-11-30` or `30-11-2026`; decimals `4,5` or `4.5`; a choice by its code, its Dutch
name or (at a prompt) its number; a municipality by code or by name. Every parser returns
the value the data files hold (ISO dates, floats, codes) or raises `InputProblem` whose
message names what is wrong and what would be right, so a prompt can print it and ask again
and an option can turn it into exit 2.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from datetime import date
from typing import Iterable, Mapping, Sequence

from ekc.model.vocabulary import LABELS


class InputProblem(ValueError):
    """A typed value that cannot be used; the message is for the person who typed it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# Dutch names of every closed vocabulary a person types (ekc.model.vocabulary owns them)
DUTCH_NAMES: dict[str, dict[str, str]] = {
    vocabulary: {code: label.dutch for code, label in labels.items()} for vocabulary, labels in LABELS.items()
}


_YES = {"j", "ja", "y", "yes", "1", "true", "waar"}
_NO = {"n", "nee", "no", "0", "false", "onwaar"}


def _fold(text: str) -> str:
    """Case, accents and spacing do not matter when matching a typed name."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[\s_\-/]+", " ", plain).strip().casefold()


def parse_date(text: str) -> date:
    """`2026-11-30` or `30-11-2026` (also `30/11/2026`, `30.11.2026`, `1-2-2026`)."""
    given = text.strip()
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", given)
    dutch = re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", given)
    if iso:
        year, month, day = (int(p) for p in iso.groups())
    elif dutch:
        day, month, year = (int(p) for p in dutch.groups())
    else:
        raise InputProblem(f"{given!r} is not a date; type it as 2026-11-30 or 30-11-2026")
    try:
        return date(year, month, day)
    except ValueError:
        raise InputProblem(f"{given!r} is not a day of the calendar (day {day}, month {month}, year {year})") from None


def parse_decimal(text: str, low: float | None = None, high: float | None = None, what: str = "number") -> float:
    """`4,5` or `4.5`; thousands separators are refused rather than guessed."""
    given = text.strip()
    if not re.fullmatch(r"\d+([.,]\d+)?", given):
        raise InputProblem(f"{given!r} is not a {what}; type it like 4,5 or 4.5")
    value = float(given.replace(",", "."))
    if (low is not None and value < low) or (high is not None and value > high):
        raise InputProblem(f"{given} is outside {_num(low)}-{_num(high)} for a {what}")
    return value


def parse_count(text: str, what: str = "number") -> int:
    given = text.strip()
    if not re.fullmatch(r"\d+", given):
        raise InputProblem(f"{given!r} is not a whole {what} (0, 1, 2, ...)")
    return int(given)


def parse_grade(text: str) -> int | float:
    """A grade 1-10 as Dutch schools give it: `8`, `7,5` or `7.5`; one decimal at most."""
    given = text.strip()
    if not re.fullmatch(r"\d+([.,]\d)?", given):
        raise InputProblem(f"{given!r} is not a grade; give 1 to 10, like 8 or 7,5")
    value = parse_decimal(given, 1, 10, "grade")
    return int(value) if value == int(value) else value


def parse_yes_no(text: str) -> bool:
    given = _fold(text)
    if given in _YES:
        return True
    if given in _NO:
        return False
    raise InputProblem(f"{text.strip()!r}: answer j (ja) or n (nee)")


def _num(value: float | None) -> str:
    if value is None:
        return "?"
    return str(int(value)) if value == int(value) else str(value).replace(".", ",")


def choice(text: str, vocabulary: str, codes: Sequence[str] | None = None, numbered: bool = False) -> str:
    """A code of `vocabulary` from its code, its Dutch name, or (`numbered`) its 1-based number."""
    names = DUTCH_NAMES[vocabulary]
    codes = tuple(codes) if codes is not None else tuple(names)
    given = text.strip()
    folded = _fold(given)
    if numbered and re.fullmatch(r"\d+", given):
        number = int(given)
        if 1 <= number <= len(codes):
            return codes[number - 1]
        raise InputProblem(f"{given} is not a number in the list (1-{len(codes)})")
    lookup: dict[str, str] = {}
    for code in codes:
        lookup[_fold(code)] = code
        dutch = names.get(code)
        if dutch:
            lookup.setdefault(_fold(dutch), code)
            for part in re.split(r"[/]", dutch):  # `groeps-/buurtconferentie`: either half
                lookup.setdefault(_fold(part.replace("-", "")), code)
        label = LABELS.get(vocabulary, {}).get(code)
        for typed in label.typed if label else ():  # other spellings staff use (`zelf`)
            lookup.setdefault(_fold(typed), code)
    if folded in lookup:
        return lookup[folded]
    hint = difflib.get_close_matches(folded, list(lookup), n=1, cutoff=0.6)
    listed = ", ".join(f"{code} ({names[code]})" if names.get(code) and names[code] != code else code for code in codes)
    if hint:
        code = lookup[hint[0]]
        raise InputProblem(f"{vocabulary.replace('_', ' ')} {given!r} is unknown; did you mean {_named(code, names)}?")
    raise InputProblem(f"{vocabulary.replace('_', ' ')} {given!r} is unknown; choose one of {listed}")


def choices(text: str, vocabulary: str, codes: Sequence[str] | None = None, numbered: bool = False) -> list[str]:
    """Several choices, separated by commas (`scheiding, 3`), each checked, without repeats."""
    parts = [part for part in re.split(r"[,;]", text) if part.strip()]
    if not parts:
        raise InputProblem("give at least one")
    return list(dict.fromkeys(choice(part, vocabulary, codes, numbered) for part in parts))


def _named(code: str, names: Mapping[str, str]) -> str:
    dutch = names.get(code)
    return f"{code} ({dutch})" if dutch and dutch != code else code


def municipality(text: str, known: Mapping[str, str]) -> str:
    """A municipality's code from its code (`GM0439`, `gm439`) or its name (`Purmerend`).

    `known` maps code to name. A near miss gets a "did you mean"; a name that is no
    municipality of the file says so, with the file's names to choose from.
    """
    given = text.strip()
    digits = re.fullmatch(r"(?i)(gm)?\s*(\d{1,4})", given)
    if digits:
        code = f"GM{int(digits.group(2)):04d}"
        if code in known:
            return code
        raise InputProblem(f"municipality {code} is not in municipalities.yaml; known: {_listing(known)}")
    by_name = {_fold(name): code for code, name in known.items()}
    if _fold(given) in by_name:
        return by_name[_fold(given)]
    hint = difflib.get_close_matches(_fold(given), list(by_name), n=1, cutoff=0.75)
    if hint:
        code = by_name[hint[0]]
        raise InputProblem(f"municipality {given!r} is unknown; did you mean {known[code]} ({code})?")
    raise InputProblem(f"municipality {given!r} is not in municipalities.yaml; known: {_listing(known)}")


def _listing(known: Mapping[str, str], limit: int = 12) -> str:
    items = [f"{name} ({code})" for code, name in sorted(known.items(), key=lambda item: item[1])]
    return ", ".join(items[:limit]) + (", ..." if len(items) > limit else "")


def numbered_list(codes: Iterable[str], vocabulary: str) -> list[str]:
    """`1  family (gezin)` lines for a prompt."""
    names = DUTCH_NAMES[vocabulary]
    return [f"{number:>3}  {_named(code, names)}" for number, code in enumerate(codes, 1)]


def key_values(text: str, option: str, keys: Sequence[str]) -> dict[str, str]:
    """`minor_main=1,adult_main=2`: the pairs of an option, keys checked, values left to parse."""
    pairs: dict[str, str] = {}
    # `meeting=7,5,plan=8`: a comma starts a new pair only where a key follows it
    for part in re.split(r",(?=\s*[A-Za-z_]+\s*=)", text):
        if not part.strip():
            continue
        if "=" not in part:
            raise InputProblem(f"{part.strip()!r} is not KEY=VALUE; keys: {', '.join(keys)}")
        key, value = (p.strip() for p in part.split("=", 1))
        if key not in keys:
            hint = difflib.get_close_matches(key, keys, n=1)
            raise InputProblem(f"{key!r} is not a key here" + (f"; did you mean {hint[0]}?" if hint else f"; keys: {', '.join(keys)}"))
        pairs[key] = value
    return pairs


# Languages as staff name them, Dutch names of the ones families ask for most.
_DUTCH_LANGUAGES = {
    "nederlands": "nl", "engels": "en", "arabisch": "ar", "turks": "tr", "pools": "pl", "frans": "fr", "duits": "de",
    "spaans": "es", "portugees": "pt", "somalisch": "so", "tigrinya": "ti", "tigrinia": "ti", "berbers": "ber",
    "tamazight": "zgh", "papiamento": "pap", "sranantongo": "srn", "sranan": "srn", "koerdisch": "ku", "perzisch": "fa",
    "farsi": "fa", "dari": "prs", "pasjtoe": "ps", "oekraiens": "uk", "russisch": "ru", "roemeens": "ro",
    "bulgaars": "bg", "chinees": "zh", "hindi": "hi", "urdu": "ur", "fries": "fy", "italiaans": "it", "grieks": "el",
}


def language_suggestion(text: str) -> str | None:
    """`ar (Arabic)` for `Arabisch`, `Arabic` or `ara`: what a person most likely meant."""
    from ekc.match.languages import language_name

    folded = _fold(text)
    code = _DUTCH_LANGUAGES.get(folded)
    if code is None:
        hint = difflib.get_close_matches(folded, list(_DUTCH_LANGUAGES), n=1, cutoff=0.8)
        code = _DUTCH_LANGUAGES[hint[0]] if hint else None
    if code is None:
        try:
            import pycountry

            found = pycountry.languages.lookup(text.strip())
            code = getattr(found, "alpha_2", None) or found.alpha_3
        except LookupError:
            return None
    name = language_name(code)
    return f"{code} ({name})" if name else None
