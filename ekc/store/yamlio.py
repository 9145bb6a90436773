"""Reading YAML fast and exactly, and writing it back without losing a person's comments.

Two parsers on purpose (STYLE.md, "fast path, exact path"):
- every file is read once with ruamel.yaml's C-based safe loader, YAML 1.2 semantics
  (`gender: no` stays the string "no", `012` is twelve);
- only a file with findings is composed again, to turn a rule's `loc` into a line and
  column; editing uses the round-trip loader, which keeps comments and key order.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ekc.core.findings import Finding, Loc, error
from ekc.store import fastyaml

_SAFE = YAML(typ="safe")  # C parser when ruamel.yaml.clib is installed (pyproject declares it)
_SAFE.allow_duplicate_keys = False


class ParsedFile:
    """The outcome of reading one file: its data, or the findings that stopped it."""

    __slots__ = ("path", "text", "data", "findings")

    def __init__(self, path: str, text: str | None, data: Any, findings: list[Finding]):
        self.path = path
        self.text = text
        self.data = data
        self.findings = findings

    @property
    def ok(self) -> bool:
        return not self.findings


def decode(path: str, raw: bytes) -> tuple[str | None, list[Finding]]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [error(path, "encoding", f"file is not UTF-8 (byte {exc.start}); save it as UTF-8").located(line, column)]
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, []


# A case folder's file is a page of codes and dates (DATA-FORMAT.md): 1 MB is thousands of
# meetings. A registry file may list every coordinator and municipality: 10 MB. Anything
# larger is refused before it is parsed, so a pushed 50 MB value costs no time.
MAX_BYTES = 1_000_000
MAX_REGISTRY_BYTES = 10_000_000
MAX_DEPTH = 100  # lists and mappings inside each other; real files use five or six


def parse(path: str, raw: bytes, max_bytes: int = MAX_REGISTRY_BYTES) -> ParsedFile:
    """Parse one data file; never raises for anything a person can put in the file."""
    if len(raw) > max_bytes:
        return ParsedFile(path, None, None, [error(
            path, "too-large",
            f"file is {len(raw):,} bytes; a {'case folder' if max_bytes <= MAX_BYTES else 'data'} file may be at most "
            f"{max_bytes:,} bytes (DATA-FORMAT.md): split or shorten it",
        ).located(1, 1)])
    text, findings = decode(path, raw)
    if text is None:
        return ParsedFile(path, None, None, findings)
    marker = _conflict_marker(path, text) or _hidden_line_break(path, text)
    if marker is not None:
        return ParsedFile(path, text, None, [marker])
    too_deep = _depth_finding(path, text)
    if too_deep is not None:
        return ParsedFile(path, text, None, [too_deep])
    if not text.strip() or all(line.lstrip().startswith("#") or not line.strip() for line in text.splitlines()):
        return ParsedFile(path, text, None, [error(path, "empty", "file is empty; it must hold one YAML mapping").located(1, 1)])
    if "&" in text or "*" in text:
        alias_findings = _anchor_findings(path, text)
        if alias_findings:
            return ParsedFile(path, text, None, alias_findings)
    try:
        data = fastyaml.load(text) if fastyaml.available() else _SAFE.load(text)
    except fastyaml.LoadProblem as exc:
        return ParsedFile(path, text, None, [error(path, "yaml", exc.message).located(exc.line + 1, exc.column + 1)])
    except MarkedYAMLError as exc:
        return ParsedFile(path, text, None, [_yaml_error(path, exc, text)])
    except YAMLError as exc:
        return ParsedFile(path, text, None, [_unmarked_error(path, text, exc)])
    except (ValueError, OverflowError, TypeError, KeyError) as exc:
        # The C loader constructs values without marks: `2024-02-30` or `!!bool maybe` fails here.
        return ParsedFile(path, text, None, [_bad_scalar(path, text, exc)])
    except RecursionError:
        return ParsedFile(path, text, None, [error(path, "yaml", "nesting is too deep").located(1, 1)])
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "a single value"
        return ParsedFile(path, text, None, [error(path, "structure", f"the file must hold a mapping of keys, not {kind}").located(1, 1)])
    return ParsedFile(path, text, data, [])


def _conflict_marker(path: str, text: str) -> Finding | None:
    """A git conflict marker (`<<<<<<< HEAD`) left by a merge, at its own line: YAML would
    report some later line as a syntax error and leave the reason unsaid."""
    import re

    if "<<<<<<<" not in text and ">>>>>>>" not in text:
        return None
    found = re.search(r"^(?:<{7}|>{7}|={7})(?: |$)", text, re.M)
    if found is None:
        return None
    line = text.count("\n", 0, found.start()) + 1
    return error(
        path, "conflict",
        f"a git conflict marker ({found.group(0).strip()}): a merge left both versions here; "
        "keep the right lines, delete the markers, then commit",
    ).located(line, 1)


_HIDDEN_BREAKS = {"\u2028": "U+2028 LINE SEPARATOR", "\u2029": "U+2029 PARAGRAPH SEPARATOR", "\x85": "U+0085 NEXT LINE"}


def _hidden_line_break(path: str, text: str) -> Finding | None:
    """A line break editors do not show (pasted from a word processor or a web page). YAML
    counts it as a new line, so every position after it would be a line off: name it where
    an editor shows it."""
    positions = [text.find(c) for c in _HIDDEN_BREAKS if c in text]
    if not positions:
        return None
    position = min(positions)
    before = text[:position]
    line = before.count("\n") + 1
    column = position - (before.rfind("\n") + 1) + 1
    return error(
        path, "invisible",
        f"{_HIDDEN_BREAKS[text[position]]} here: an invisible line break that editors do not show; "
        "replace it with a space or a normal line break",
    ).located(line, column)


def _depth_bound(text: str) -> int:
    """An upper bound of the nesting depth, in linear time and without parsing.

    Every flow level opens with `[` or `{`; every block level starts at a larger
    indentation than its parent (a sequence under a key may share the key's, hence 2x),
    and indentation is the run of spaces, `-` and `?` starting a line.
    """
    import re

    indent = max((len(m) for m in re.findall(r"^[ ?-]*", text, re.M)), default=0)
    return text.count("[") + text.count("{") + 2 * indent + 2


def _depth_finding(path: str, text: str) -> Finding | None:
    """Refuse nesting deeper than MAX_DEPTH, measured on the parser's event stream before
    anything is built: libyaml's composer recurses in C, and 50,000 `[` crash it.

    Files far from the limit (all real ones) are let through by `_depth_bound` alone; the
    event scan stops at the first level past the limit (libyaml's flow parsing slows down
    with depth, so reading on would cost seconds).
    """
    if _depth_bound(text) <= MAX_DEPTH or fastyaml.CParser is None:
        return None
    from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent

    parser = fastyaml.CParser(text)
    depth = 0
    try:
        while True:
            event = parser.get_event()
            if event is None or type(event).__name__ == "StreamEndEvent":
                return None
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    return error(
                        path, "too-deep",
                        f"lists and mappings are nested more than {MAX_DEPTH} levels deep here; "
                        "data files need five or six (a case: history, a list of mappings)",
                    ).located(mark.line + 1, mark.column + 1)
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
    except YAMLError:
        return None  # a syntax error before the limit: the ordinary load reports it with its mark
    finally:
        try:
            parser.dispose()
        except Exception:  # noqa: BLE001
            pass


def _unmarked_error(path: str, text: str, exc: YAMLError) -> Finding:
    """A YAML error without a mark; a control character still gets its line and column.

    The reader stops at the first character YAML forbids anywhere, so the first place that
    character occurs is the place (its `position` counts bytes in the C reader, characters
    in the pure one).
    """
    from ruamel.yaml.reader import ReaderError

    if isinstance(exc, ReaderError):
        character = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
        position = text.find(chr(character))
        if position >= 0:
            before = text[:position]
            line = before.count("\n") + 1
            column = position - (before.rfind("\n") + 1) + 1
            return error(path, "yaml", f"control character U+{character:04X} is not allowed in YAML; remove it").located(line, column)
    return error(path, "yaml", _one_line(str(exc))).located(1, 1)


def _one_line(message: str) -> str:
    return " ".join(part.strip() for part in message.splitlines() if part.strip())


def _yaml_error(path: str, exc: MarkedYAMLError, text: str = "") -> Finding:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "invalid YAML"
    if "expected a single document" in str(exc):
        problem = "the file holds several YAML documents (a second '---'); keep one document a file"
    elif "found duplicate key" in str(exc):
        problem = f"duplicate key: {problem.split('found duplicate key', 1)[-1].split(' with value')[0].strip()} appears twice"
    elif exc.context and exc.problem:
        problem = f"{exc.context}: {exc.problem}" if "while" not in exc.context else exc.problem
    if mark is not None and "cannot start any token" in problem and _char_at(text, mark) == "\t":
        problem = "a tab character here: YAML indents with spaces only; replace the tab with spaces"
    finding = error(path, "yaml", _one_line(problem))
    if mark is None:
        return finding.located(1, 1)
    return finding.located(mark.line + 1, mark.column + 1)


def _char_at(text: str, mark) -> str:
    lines = text.split("\n")
    if 0 <= mark.line < len(lines) and 0 <= mark.column < len(lines[mark.line]):
        return lines[mark.line][mark.column]
    return ""


def compose(text: str) -> Node | None:
    return _SAFE.compose(text)


def _anchor_findings(path: str, text: str) -> list[Finding]:
    """Refuse anchors and aliases: they let a ten-line file expand to gigabytes.

    The C composer drops anchor names, so the (rare) file holding a `&` or `*` at all is
    scanned with the pure-Python event parser, which keeps them.
    """
    from ruamel.yaml.events import AliasEvent

    findings: list[Finding] = []
    try:
        for event in YAML(typ="safe", pure=True).parse(text):
            if isinstance(event, AliasEvent) or getattr(event, "anchor", None):
                mark = event.start_mark
                findings.append(
                    error(path, "alias", "anchors and aliases (&name, *name) are not allowed in data files; write the value out")
                    .located(mark.line + 1, mark.column + 1)
                )
                if len(findings) >= 20:
                    break
    except (YAMLError, ValueError, RecursionError):
        pass  # the ordinary load reports the syntax error with its mark
    return findings


def _bad_scalar(path: str, text: str, exc: Exception) -> Finding:
    """Find the scalar the C loader could not construct (a date like 2024-02-30).

    Each scalar is constructed again by the very code that failed, so a valid value
    before the bad one is never blamed, and a bad time (`T25:00`) or a bad explicit tag
    (`!!float abc`, `!!bool maybe`) is found as well.
    """
    from ruamel.yaml.constructor import SafeConstructor

    try:
        root = compose(text)
    except Exception:  # noqa: BLE001 - best effort; the message below still says what failed
        root = None
    constructor = YAML(typ="safe", pure=True).constructor  # with its loader: int needs the YAML version
    for node in _walk_in_order(root):
        build = SafeConstructor.yaml_constructors.get(node.tag) if isinstance(node, ScalarNode) else None
        if build is None:
            continue
        try:
            build(constructor, node)
        except Exception:  # noqa: BLE001 - whatever made the load fail, this is the node
            mark = node.start_mark
            if node.tag.endswith(":timestamp"):
                return error(path, "date", f"not a real date: {node.value!r}").located(mark.line + 1, mark.column + 1)
            kind = node.tag.rsplit(":", 1)[-1]
            return error(path, "yaml", f"{node.value!r} cannot be read as {kind}").located(mark.line + 1, mark.column + 1)
    return error(path, "yaml", f"a value cannot be read: {exc}").located(1, 1)


def _walk_in_order(node: Node | None):
    """Nodes in document order, so the first bad value is the one reported."""
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, MappingNode):
            for key, value in reversed(current.value):
                stack.extend((value, key))
        elif isinstance(current, SequenceNode):
            stack.extend(reversed(current.value))


def locate(root: Node | None, loc: Loc, at_key: bool = False) -> tuple[int, int]:
    """Line and column (1-based) of the deepest node of `loc` that exists in the document.

    A missing key points at the mapping that should hold it; with `at_key` (an unknown
    key) the position is the key itself rather than its value.
    """
    node = root
    if node is None:
        return 1, 1
    best = node.start_mark
    for position, part in enumerate(loc):
        last = position == len(loc) - 1
        if isinstance(node, MappingNode):
            match = next(((k, v) for k, v in node.value if isinstance(k, ScalarNode) and _is_key(k, part)), None)
            if match is None:
                break
            key, node = match
            best = key.start_mark if (at_key and last) else node.start_mark
        elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
            best = node.start_mark
        else:
            break
    return best.line + 1, best.column + 1


def _is_key(node: ScalarNode, part: object) -> bool:
    """Is this key node the key `part` (a null key: `? null`, `~:` or an empty key)?"""
    if part is None:
        return node.value in ("", "~", "null", "Null", "NULL") and not node.style
    if isinstance(part, bool):
        return node.value.lower() == str(part).lower()
    return node.value == str(part)


def locate_all(text: str | None, findings: list[Finding]) -> list[Finding]:
    """Give every unlocated finding of one file its line and column."""
    pending = [f for f in findings if f.line == 0]
    if not pending:
        return findings
    try:
        root = compose(text) if text else None
    except Exception:  # noqa: BLE001 - text already parsed once; be safe anyway
        root = None
    return [f if f.line else f.located(*locate(root, f.loc, at_key=f.code == "unknown-key")) for f in findings]


# -- editing: round-trip, atomic -------------------------------------------------------

def roundtrip_yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def load_roundtrip(path: Path) -> Any:
    text = path.read_bytes().decode("utf-8").replace("\r\n", "\n")
    return roundtrip_yaml().load(text[1:] if text.startswith("\ufeff") else text)


def file_style(raw: bytes) -> tuple[bool, str]:
    """(starts with a BOM, line ending) of a file as a person's editor saved it."""
    return raw.startswith(b"\xef\xbb\xbf"), "\r\n" if b"\r\n" in raw else "\n"


def in_style(text: str, style: tuple[bool, str]) -> str:
    """`text` (as the dumper writes it: "\n", no BOM) in the style `file_style` found, so an
    edit changes the lines it changes and nothing else."""
    bom, newline = style
    if newline != "\n":
        text = text.replace("\r\n", "\n").replace("\n", newline)
    return ("\ufeff" + text) if bom and not text.startswith("\ufeff") else text


def dump_roundtrip(data: Any) -> str:
    from io import StringIO

    stream = StringIO()
    roundtrip_yaml().dump(data, stream)
    return stream.getvalue()


def atomic_write(path: Path, text: str) -> None:
    """Write to a temporary file beside the target, fsync, then rename over it.

    A crash at any point leaves either the old file or the new one, never half of one. A
    failure (a full disk, a read-only folder) is "cannot write PATH: reason", exit 1.
    """
    from ekc.core.errors import writing_to

    with writing_to(path):
        _atomic_write(path, text)


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp_name, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, path)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise
