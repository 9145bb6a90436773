"""New YAML files written the way a person would write them by hand.

Short mappings of plain values (`{phase: registered, date: 2024-02-03}`) and lists of
plain values go on one line, like the examples in DATA-FORMAT.md; dates stay unquoted.
"""

from __future__ import annotations

from datetime import date
from typing import Any

FLOW_MAX_KEYS = 5


def _plain(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool, date))


def _styled(value: Any, depth: int) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, dict):
        styled = CommentedMap((key, _styled(item, depth + 1)) for key, item in value.items())
        if depth > 0 and value and len(value) <= FLOW_MAX_KEYS and all(_plain(v) for v in value.values()):
            styled.fa.set_flow_style()
        return styled
    if isinstance(value, list):
        styled = CommentedSeq(_styled(item, depth + 1) for item in value)
        if all(_plain(v) for v in value):
            styled.fa.set_flow_style()
        return styled
    if isinstance(value, date):
        # a fresh object each time: ruamel writes an anchor for an object met twice
        return date(value.year, value.month, value.day)
    return value


def document_text(doc: dict[str, Any], header: str = "") -> str:
    """`header`: comment lines (each starting with '#') put before the document."""
    from ekc.store.yamlio import dump_roundtrip

    return header + dump_roundtrip(_styled(doc, 0))


def styled(value: Any, depth: int = 0) -> Any:
    """A value (a new list entry, a new block) in the style `document_text` writes: short
    mappings of plain values on one line, as DATA-FORMAT.md shows them."""
    return _styled(value, depth)
