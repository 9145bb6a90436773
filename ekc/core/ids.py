"""Case ids, `EKC-<YYYY>-<5 Crockford base32>`, that two clones never hand out twice.

Why not 25 random bits: with 1,000 ids in a year the birthday chance of a clash is about
1.5%, and a clash between clones only shows up at merge time, as two folders with one id.

The scheme: the 25 bits of a year are split into a **clone salt** (13 bits, 8,192 values)
and a **sequence** (12 bits, 4,096 ids) kept per clone and year in `.git/ekc/` (which git
never copies to another clone). Two clones with different salts can never produce the same
id, whatever they do; within one clone the sequence never repeats and every id is checked
against the case folders present. The salt is chosen at random, avoiding every salt that
ids already in the clone reveal, so a clone made after others have pushed never picks
theirs. What remains is two fresh clones drawing the same salt (1 in 8,192 per pair) and
then handing out overlapping sequences before either sees the other's ids: sequences start
at a random offset, so for 500 ids each that is about another 1 in 4, and a clone that sees
an id with its salt that it did not hand out draws a new salt at once (see
ekc/cases/id_state.py). A clone that exhausts a year's 4,096 ids draws a new salt too.

(salt, sequence) goes through a fixed bijection of the 25 bits before encoding, so ids
look random: they reveal neither the order of registration nor which clone made them, and
carry nothing about a person. Being a bijection, it keeps distinct pairs distinct.
"""

from __future__ import annotations

import re

BITS = 25
SALT_BITS = 13
SEQUENCE_BITS = BITS - SALT_BITS
SEQUENCES = 1 << SEQUENCE_BITS
SALTS = 1 << SALT_BITS
_MASK = (1 << BITS) - 1
_MULTIPLIERS = (0x1B873D3, 0x12B2AE5)  # odd, so invertible modulo 2**25
_SHIFTS = (13, 11)
_OFFSET = 0x0A5C3F1
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# The one spelling of a case id; the model, the purge, `match` and `case` all use it.
CASE_ID_PATTERN = rf"^EKC-(\d{{4}})-([{CROCKFORD}]{{5}})$"
_ID = re.compile(CASE_ID_PATTERN)
# Crockford's decoding is forgiving about letters people confuse.
_TYPO = str.maketrans({"O": "0", "I": "1", "L": "1"})


def _mix(value: int) -> int:
    value ^= _OFFSET
    for multiplier, shift in zip(_MULTIPLIERS, _SHIFTS):
        value = (value * multiplier) & _MASK
        value ^= value >> shift
    return value


def _unshift(value: int, shift: int) -> int:
    result = value
    for _ in range(BITS // shift + 1):
        result = value ^ (result >> shift)
    return result


def _unmix(value: int) -> int:
    for multiplier, shift in reversed(tuple(zip(_MULTIPLIERS, _SHIFTS))):
        value = _unshift(value, shift)
        value = (value * pow(multiplier, -1, 1 << BITS)) & _MASK
    return value ^ _OFFSET


def encode_bits(value: int) -> str:
    return "".join(CROCKFORD[(value >> (5 * i)) & 31] for i in reversed(range(5)))


def decode_bits(text: str) -> int:
    value = 0
    for char in text:
        value = (value << 5) | CROCKFORD.index(char)
    return value


def make_id(year: int, salt: int, sequence: int) -> str:
    if not (0 <= salt < SALTS and 0 <= sequence < SEQUENCES):
        raise ValueError("salt or sequence out of range")
    return f"EKC-{year:04d}-{encode_bits(_mix((salt << SEQUENCE_BITS) | sequence))}"


def split_id(case_id: str) -> tuple[int, int, int] | None:
    """(year, salt, sequence) of a well-formed id, else None."""
    match = _ID.match(case_id)
    if not match:
        return None
    value = _unmix(decode_bits(match.group(2)))
    return int(match.group(1)), value >> SEQUENCE_BITS, value & (SEQUENCES - 1)


def normalise(text: str) -> str:
    """What a person typed (`ekc-2024-k7q2m`, an O for a zero) as the id it means."""
    text = text.strip().upper()
    if len(text) == 14 and text.startswith("EKC-"):
        return text[:9] + text[9:].translate(_TYPO)
    return text


def is_case_id(text: str) -> bool:
    return _ID.match(text) is not None
