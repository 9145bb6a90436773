"""No personal data in the comments of case.yaml.

A comment survives every purge exactly like the data beside it, but a YAML loader drops
it (the fast loader never sees it), so the rules that look at the data never see a
comment either. These rules read comments from the raw text: a `#` at the start of a line
or after white space, outside a quoted scalar and outside a block scalar (`|`, `>`).

Two checks: anything that looks like contact data (the patterns of personal_data.py), and
the case's own identifying strings, taken from its personal.yaml by ekc/core/identifying.py
and matched ignoring case and diacritics. The second needs the personal file beside the
case, so it runs with the cross-file rules, afresh on every `ekc validate`.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from ekc.core.findings import Finding, error
from ekc.core.identifying import PHONE_GLUE, PersonalStrings, fold
from ekc.validate.rules.personal_data import looks_personal

# The comment `ekc case new` writes atop every case.yaml: ekc's own words, never a person's.
TEMPLATE_COMMENT = "Codes, dates and counts only: personal data goes in personal.yaml beside this file."
_TEMPLATE_LINE = f"# {TEMPLATE_COMMENT}\n".encode()


def may_hold_own_comments(raw: bytes) -> bool:
    """Whether a case.yaml may hold a comment a person wrote: a `#` beyond ekc's header.

    A byte count, so that `ekc validate` re-reads only the few files a person commented
    (every case registered by `ekc case new` carries the header)."""
    return raw.count(b"#") > (1 if raw.startswith(_TEMPLATE_LINE) else 0)


_BLOCK_SCALAR = re.compile(r"(?:^\s*|:\s+|-\s+)[|>][+-]?[1-9]?[+-]?\s*$")
_QUOTE_OPENERS = ":-[{,?"


class Comment(NamedTuple):
    line: int  # 1-based
    column: int  # 1-based, the `#`
    text: str  # after the `#`


def comments(text: str) -> list[Comment]:
    """Every comment of a YAML document, found on the raw lines."""
    found: list[Comment] = []
    quote: str | None = None  # the quote of a scalar still open from an earlier line
    block_indent: int | None = None  # inside a block scalar: the indent of the line that opened it
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if block_indent is not None:
            indent = len(line) - len(line.lstrip(" "))
            if not stripped or indent > block_indent:
                continue
            block_indent = None
        column, quote = _comment_column(line, quote)
        if column is not None:
            found.append(Comment(number, column + 1, line[column + 1 :].strip()))
            code = line[:column]
        else:
            code = line
        if quote is None and _BLOCK_SCALAR.search(code):
            block_indent = len(line) - len(line.lstrip(" "))
    return found


def _comment_column(line: str, quote: str | None) -> tuple[int | None, str | None]:
    """Where the comment of this line starts (0-based), and the quote left open after it."""
    index = 0
    last = ""  # the last character outside a scalar that is not white space
    while index < len(line):
        char = line[index]
        if quote is not None:
            if quote == "'" and char == "'":
                if line[index + 1 : index + 2] == "'":  # '' is a quote inside single quotes
                    index += 2
                    continue
                quote = None
            elif quote == '"' and char == "\\":
                index += 2
                continue
            elif quote == '"' and char == '"':
                quote = None
            index += 1
            continue
        if char == "#" and (index == 0 or line[index - 1] in " \t"):
            return index, None
        if char in "'\"" and (not last or last in _QUOTE_OPENERS):
            quote = char
        elif not char.isspace():
            last = char
        index += 1
    return None, quote


def check_comment_contact_data(path: str, text: str) -> list[Finding]:
    """A comment that looks like an e-mail address, phone number, postcode or BSN."""
    found = []
    for comment in comments(text):
        label = looks_personal(comment.text)
        if label:
            found.append(_finding(path, comment, f"this comment looks like it holds {label}"))
    return found


def _fold(text: str) -> str:
    """Compatibility forms and every combining mark away, then the purge's own folding
    (`identifying.fold`: case, diacritics, a soft hyphen or zero-width space inside a name)."""
    bare = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return " ".join(fold(bare).split())


def _digits(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    for prefix in ("0031", "31"):
        if digits.startswith(prefix) and len(digits) >= len(prefix) + 9:
            return "0" + digits[len(prefix):]
    return digits


# a phone number in a comment, glued as the purge's search allows (`06/48151623`, `06–4815 1623`)
_PHONE_RUN = re.compile(f"[+\\d][\\d{PHONE_GLUE}]{{6,}}\\d")


def check_comment_names(path: str, text: str, personal: PersonalStrings) -> list[Finding]:
    """A comment that repeats a name, address, e-mail address or phone number of this case's
    own persons (any spelling of case and diacritics; a phone number by its digits)."""
    needles = [_fold(value) for value in personal.all() if len(value.strip()) >= 3]
    patterns = [re.compile(rf"(?<![^\W\d_]){re.escape(needle)}(?![^\W\d_])") for needle in needles if needle]
    phones = {_digits(value) for value in personal.values if len(_digits(value)) >= 8}
    found = []
    for comment in comments(text):
        folded = _fold(comment.text)
        comment_digits = {_digits(run) for run in _PHONE_RUN.findall(comment.text)}
        if any(pattern.search(folded) for pattern in patterns) or any(phone in run for phone in phones for run in comment_digits):
            found.append(_finding(path, comment, "this comment repeats personal data of the case's own persons (from its personal.yaml)"))
    return found


def _finding(path: str, comment: Comment, what: str) -> Finding:
    return error(
        path, "personal-comment",
        f"{what}; a comment in case.yaml outlives every purge: delete it (personal data belongs in personal.yaml)",
    ).located(comment.line, comment.column)
