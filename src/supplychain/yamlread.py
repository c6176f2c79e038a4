"""YAML text to Python objects, the two readings of a graph file, and where things are.

- The engine (:func:`parse_with_engine`): yaml-rs, a maintained YAML engine in Rust, ten
  times PyYAML's C loader; the happy path of every read. It declines (returns None)
  whatever PyYAML must read instead: an explicit tag, an alias, a duplicate key, a syntax
  error, an over-long number, several documents, a byte-order mark.
- The precise reading (:func:`parse_yaml`): PyYAML's safe loader (YAML 1.1, dates left as
  strings), the reading the canonical file is written for, refusing duplicate keys,
  aliases and over-long integers with their line.
- Positions (:func:`locate`): :func:`yaml.compose` maps every error's key path back to a
  line of the file; run only when there is something to report.

:mod:`supplychain.store` re-exports these names; nothing here imports the store.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
import yaml_rs

from .errors import FileFormatError, Issue
from .gcpause import gc_paused

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _DuplicateKey(Exception):
    def __init__(self, key: Any, line: int, first_line: int):
        self.key, self.line, self.first_line = key, line, first_line


class _Refused(Exception):
    def __init__(self, line: int, message: str):
        self.line, self.message = line, message


class _StrictLoader(_Loader):  # type: ignore[misc, valid-type]
    """The C loader, refusing duplicate mapping keys instead of keeping the last one, and
    integers too long to convert with a line instead of a traceback.

    Dates stay strings here (no implicit timestamps): pydantic parses them, so a bad
    date like ``2025-13-40`` is reported with its line like any other invalid value.
    """

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in _Loader.yaml_implicit_resolvers.items()
    }

    def construct_mapping(self, node, deep=False):  # noqa: D102
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            try:
                if key in seen:
                    raise _DuplicateKey(key, line, seen[key])
            except TypeError:  # unhashable key: let PyYAML report it
                continue
            seen[key] = line
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_int(self, node):  # noqa: D102
        try:
            return super().construct_yaml_int(node)
        except ValueError:  # Python's limit of 4,300 digits for a decimal integer
            digits = sum(c.isdigit() for c in node.value)
            raise _Refused(
                node.start_mark.line + 1,
                f"a number of {digits} digits is too long (at most 4300); quote it if it is text",
            ) from None


_StrictLoader.add_constructor("tag:yaml.org,2002:int", _StrictLoader.construct_yaml_int)



def parse_yaml(text: str, file: str) -> Any:
    """Parse YAML text as PyYAML's safe loader reads it (YAML 1.1, dates left as strings);
    duplicate keys, aliases, over-long integers and syntax errors name their line.

    The precise reading: patches, and graph files the engine could not read as meant.

    >>> parse_yaml("a: &x [1]\\nb: *x\\n", "f.yaml")
    Traceback (most recent call last):
    supplychain.errors.FileFormatError: f.yaml:2: an alias (*name) repeats a value; write each value out (a graph file holds no anchors or aliases)
    """
    try:
        with gc_paused():
            loader = _StrictLoader(text)
            try:
                root = loader.get_single_node()
                if root is None:
                    return None
                _refuse_aliases(text, root)
                return loader.construct_document(root)
            finally:
                loader.dispose()
    except _DuplicateKey as e:
        raise FileFormatError(
            file, e.line, f"duplicate key {e.key!r} (first at line {e.first_line}); keep one of them"
        ) from None
    except _Refused as e:
        raise FileFormatError(file, e.line, e.message) from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else 0
        problem = e.problem or str(e)
        raise FileFormatError(file, line, f"invalid YAML: {problem}") from None
    except yaml.YAMLError as e:
        raise FileFormatError(file, 0, f"invalid YAML: {e}") from None
    except RecursionError:
        raise FileFormatError(file, 0, "invalid YAML: nested too deeply") from None


def _refuse_aliases(text: str, root: yaml.Node) -> None:
    """Raise :class:`_Refused` at the first alias (``*name``) if the composed tree has one.

    The tree shares an aliased node, so a node reached twice means an alias: this walk is
    linear even for a bomb (nine lines of nine aliases each are 9**9 values once expanded).
    The alias's line comes from the parser's events, read again only then.
    """
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            line = next(
                (e.start_mark.line + 1 for e in yaml.parse(text, Loader=_Loader) if isinstance(e, yaml.AliasEvent)),
                node.start_mark.line + 1,
            )
            raise _Refused(line, "an alias (*name) repeats a value; write each value out (a graph file holds no anchors or aliases)")
        seen.add(id(node))
        if type(node) is yaml.MappingNode:
            for k, v in node.value:
                stack.append(k)
                stack.append(v)
        elif type(node) is yaml.SequenceNode:
            stack.extend(node.value)


_NO_ALIASES = yaml_rs.AliasLimits(max_total_replayed_events=0)
_EXPLICIT_TAG = re.compile(r"(?:^|[\s\[{,])!", re.M)
"""Where a tag may start: the engine ignores tags PyYAML refuses, so such text goes to
PyYAML. (A ``!`` after a space inside a quoted string sends it there too: slower, same data.)"""


def parse_with_engine(text: str | bytes) -> Any:
    """yaml-rs's reading of a graph text (or of its UTF-8 bytes), or None when PyYAML must
    read it instead: an explicit tag, an alias, a duplicate key, a syntax error, an
    over-long number, several documents, a byte-order mark (the precise parse then names
    the problem, or reads what the engine would not)."""
    if isinstance(text, bytes):
        if b"!" in text and _EXPLICIT_TAG_BYTES.search(text) or text.startswith(b"\xef\xbb\xbf"):
            return None
        read = yaml_rs.load
    else:
        if "!" in text and _EXPLICIT_TAG.search(text):  # (the `in` first: 0.004 s against 0.6 s at 10k)
            return None
        read = yaml_rs.loads
    try:
        raw = read(text, parse_datetime=False, alias_limits=_NO_ALIASES)
    except (yaml_rs.YAMLDecodeError, ValueError, OverflowError, RecursionError, UnicodeError):
        return None
    return raw if isinstance(raw, dict) else None


_EXPLICIT_TAG_BYTES = re.compile(_EXPLICIT_TAG.pattern.encode(), re.M)


# --------------------------------------------------------------------------- positions


def format_path(path: tuple) -> str:
    """``('edges', 3, 'claims', 0, 'date')`` → ``edges[3].claims[0].date``."""
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def locate(text: str, file: str, issues: list[tuple[tuple, str]]) -> list[Issue]:
    """Turn (key path, message) pairs into :class:`Issue` objects with line numbers."""
    lines = positions(text)
    out = []
    for path, msg in issues:
        line = 0
        for n in range(len(path), -1, -1):  # the deepest part of the path that exists
            if path[:n] in lines:
                line = lines[path[:n]]
                break
        out.append(Issue(file, line, format_path(path), msg))
    return out


def positions(text: str) -> dict[tuple, int]:
    """Map every key path of a YAML document to its 1-based line."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return {}
    out: dict[tuple, int] = {}
    stack = [((), root)]
    while stack:
        path, node = stack.pop()
        if node is None:
            continue
        out.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                p = path + (k.value,)
                out[p] = k.start_mark.line + 1
                if not isinstance(v, yaml.ScalarNode):
                    stack.append((p, v))
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                stack.append((path + (i,), v))
    return out


_parse_with_engine = parse_with_engine  # (the name tests and older callers use)
