"""ISO 639 codes, checked against pycountry's maintained registry and shown by name."""

from functools import lru_cache


@lru_cache(maxsize=None)
def language_name(code: str) -> str | None:
    """English name of an ISO 639-1 (two letters) or 639-3 (three letters) code, else None.

    DATA-FORMAT.md asks for 639-1 where one exists, so a three-letter code that has a
    two-letter twin (`ara` for `ar`) is refused: two spellings would split one language.
    """
    import pycountry

    if len(code) == 2:
        found = pycountry.languages.get(alpha_2=code)
    elif len(code) == 3:
        found = pycountry.languages.get(alpha_3=code)
        if found is not None and getattr(found, "alpha_2", None):
            return None
    else:
        return None
    return None if found is None else found.name
