"""YAML ⇄ models: load with positions, validate everything at once, dump canonically,
save atomically under a lock.

Loading takes the fast road (libyaml's C loader, garbage collector paused) and only when
something is wrong parses the text a second time with :func:`yaml.compose` to map every
error's key path back to a line of the file.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import re
import sys
from pathlib import Path
from typing import Any, Iterator

import yaml
from pydantic import TypeAdapter, ValidationError

from .errors import FileFormatError, GraphValidationError, Issue
from .files import atomic_write, atomic_writer, graph_lock, read_text  # noqa: F401 (re-exported)
from .gcpause import gc_paused
from .names import normalize, ticker_keys
from .schema import EDGE_RULES, EDGE_TYPES, NODE_TYPES, Edge, GraphData, Node, edge_key

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _DuplicateKey(Exception):
    def __init__(self, key: Any, line: int, first_line: int):
        self.key, self.line, self.first_line = key, line, first_line


class _StrictLoader(_Loader):  # type: ignore[misc, valid-type]
    """The C loader, refusing duplicate mapping keys instead of keeping the last one.

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


# --------------------------------------------------------------------------- reading


def parse_yaml(text: str, file: str) -> Any:
    """Parse YAML text with the C loader; duplicate keys and syntax errors name the line."""
    try:
        with gc_paused():  # millions of objects and no cycles: 2x faster
            with contextlib.suppress(_Unusual):
                return _load_in_chunks(text)
            try:
                return _load_plain(text)
            except _Unusual:  # anchors to ancestors, merge keys, explicit tags, duplicates...
                return yaml.load(text, Loader=_StrictLoader)
    except _DuplicateKey as e:
        raise FileFormatError(
            file, e.line, f"duplicate key {e.key!r} (first at line {e.first_line}); keep one of them"
        ) from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else 0
        problem = e.problem or str(e)
        raise FileFormatError(file, line, f"invalid YAML: {problem}") from None
    except yaml.YAMLError as e:
        raise FileFormatError(file, 0, f"invalid YAML: {e}") from None


class _Unusual(Exception):
    """The fast constructor declines: the full loader reads the text (and names any error)."""


_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
_PLAIN_TAGS = frozenset(f"tag:yaml.org,2002:{t}" for t in ("int", "float", "bool", "null"))
_BUSY = object()


def _load_plain(text: str, str_keys: bool = False) -> Any:
    """What ``yaml.load(text, Loader=_StrictLoader)`` returns, twice as fast, for plain data.

    libyaml composes the node tree in C; this builds the Python objects from it in one
    tight pass instead of PyYAML's generic constructor. It knows strings, numbers,
    booleans, nulls, lists and mappings with scalar keys; anything else (merge keys,
    explicit tags, recursive anchors) and any duplicate key raise :class:`_Unusual`, and
    the caller lets the full loader handle the text, so results and errors are the same.
    With ``str_keys``, a mapping key that is not a string is unusual too.
    """
    loader = _StrictLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        ctors = loader.yaml_constructors
        memo: dict[int, Any] = {}
        scalars: dict[tuple[str, str], Any] = {}
        ScalarNode, SequenceNode, MappingNode = yaml.ScalarNode, yaml.SequenceNode, yaml.MappingNode

        def scalar(node) -> Any:
            tag = node.tag
            if tag == _STR:
                return node.value
            if tag not in _PLAIN_TAGS:
                raise _Unusual
            key = (tag, node.value)
            if key not in scalars:
                scalars[key] = ctors[tag](loader, node)
            return scalars[key]

        def build(node) -> Any:
            cls = type(node)
            if cls is ScalarNode:
                return scalar(node)
            nid = id(node)
            if nid in memo:  # an alias: the same object, as PyYAML gives
                if memo[nid] is _BUSY:
                    raise _Unusual
                return memo[nid]
            memo[nid] = _BUSY
            if cls is MappingNode and node.tag == _MAP:
                out: Any = {}
                for key_node, value_node in node.value:
                    if type(key_node) is not ScalarNode:
                        raise _Unusual
                    if key_node.tag == _STR:
                        key = key_node.value
                    elif str_keys:
                        raise _Unusual
                    else:
                        key = scalar(key_node)
                    if key in out:
                        raise _Unusual
                    if type(value_node) is ScalarNode and value_node.tag == _STR:
                        out[key] = value_node.value
                    else:
                        out[key] = build(value_node)
            elif cls is SequenceNode and node.tag == _SEQ:
                out = [
                    v.value if type(v) is ScalarNode and v.tag == _STR else build(v) for v in node.value
                ]
            else:
                raise _Unusual
            memo[nid] = out
            return out

        try:
            return build(root)
        except (RecursionError, TypeError, ValueError):
            raise _Unusual from None
        finally:
            # `build` calls itself through its closure: a reference cycle, and its cells
            # hold `memo` (every object built). The collector is paused while parsing, so
            # until the next collection that cycle would keep the whole parse alive (600 MB
            # at 100k companies, while the caller validates and drops it slice by slice).
            memo.clear()
            scalars.clear()
            build = scalar = None  # noqa: F841 -- breaks the cycle
    finally:
        loader.dispose()


_TOP_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):(?:[ \t]+(.*))?")
_COLUMN_0 = re.compile(r"^[^ #\n]", re.M)  # lines that start at column 0 (not blank, not comments)
_ONLY_COMMENTS = re.compile(r"(?:[ \t]*(?:#[^\n]*)?\n?)*")
_CHUNK_CHARS = 1_000_000  # per slice: small enough to share the work evenly between two processes


def _load_in_chunks(text: str) -> Any:
    """What :func:`_load_plain` returns for the whole text, parsed a slice at a time.

    A graph file is a top-level mapping whose big values are block sequences written at
    column 0 (``nodes:`` then ``- id: ...`` lines). Such a sequence is cut between items
    into slices of about a megabyte, each parsed on its own, so libyaml's node tree (ten
    times the size of the data) never exists for the whole file at once. Only that plain
    layout is cut: any other line at column 0, any error and anything unusual raise
    :class:`_Unusual`, and the whole text is parsed in one piece instead, so results and
    error messages are exactly those of the one-piece parse.
    """
    if len(text) < 2 * _CHUNK_CHARS or "\r" in text:
        raise _Unusual
    sections: list[list] = []  # [key, inline value, body start, item starts, body end]
    for m in _COLUMN_0.finditer(text):
        at = m.start()
        eol = text.find("\n", at)
        line = text[at : eol if eol >= 0 else len(text)]
        if line == "-" or line.startswith("- "):
            if not sections or sections[-1][1] is not None:
                raise _Unusual  # a top-level sequence, or items after an inline value
            sections[-1][3].append(at)
            continue
        key = _TOP_KEY.fullmatch(line)
        if key is None:
            raise _Unusual  # '---', '%YAML', a tab, a flow mapping...
        if sections:
            sections[-1][4] = at
        value = key.group(2)
        if value is not None and (not value.strip() or value.lstrip().startswith("#")):
            value = None
        sections.append([key.group(1), value, eol + 1 if eol >= 0 else len(text), [], len(text)])
    if not sections:
        raise _Unusual
    out: dict[str, Any] = {}
    slices: list[tuple[str, int, int, int]] = []  # key, start, stop, number of items
    try:
        for key, value, body, items, end in sections:
            if key in out:
                raise _Unusual  # a duplicate key: the one-piece parse names its line
            if value is not None:
                if not _ONLY_COMMENTS.fullmatch(text, body, end):
                    raise _Unusual  # a value spread over several lines
                item = _load_plain(f"{key}: {value}\n")
                if not isinstance(item, dict) or list(item) != [key]:
                    raise _Unusual
                out[key] = item[key]
            elif not items:
                out[key] = _load_plain(text[body:end]) if not _ONLY_COMMENTS.fullmatch(text, body, end) else None
                if out[key] is not None and not isinstance(out[key], list):
                    raise _Unusual  # a nested mapping: leave it to the one-piece parse
            else:
                if not _ONLY_COMMENTS.fullmatch(text, body, items[0]):
                    raise _Unusual
                out[key] = []
                first = 0
                for k in range(1, len(items) + 1):
                    stop = items[k] if k < len(items) else end
                    if k == len(items) or stop - items[first] >= _CHUNK_CHARS:
                        slices.append((key, items[first], stop, k - first))
                        first = k
        for key, piece in zip((key for key, *_ in slices), _parse_slices(text, [s[1:] for s in slices])):
            out[key].extend(piece)
    except yaml.YAMLError:
        raise _Unusual from None
    return out


_PARALLEL_CHARS = 2_000_000
_PARENT_SHARE = 0.53


def _parse_slices(text: str, slices: list[tuple[int, int, int]]) -> list[list]:
    """Parse ``text[start:stop]`` for each slice, a list of ``count`` items each.

    A big file's slices are shared with a forked child process (the other core) when the
    process has a single thread: the child parses the second half and sends it back as
    msgpack (which keeps strings, numbers, booleans and None as they are; keys must be
    strings). Whatever goes wrong there means :class:`_Unusual`.
    """
    import threading

    total = sum(stop - start for start, stop, _ in slices)
    if (
        total < _PARALLEL_CHARS
        or len(slices) < 2
        or not hasattr(os, "fork")
        or not sys.platform.startswith("linux")
        or (os.cpu_count() or 1) < 2
        or threading.active_count() > 1
    ):
        return [_parse_slice(text, *s) for s in slices]
    # the parent takes the first slices, a little over half: the child's come out slower
    # (each page it writes to is copied first), and decoding them costs the parent less
    split, done, best = 1, 0, None
    for i, (start, stop, _) in enumerate(slices[:-1]):
        done += stop - start
        off = abs(done - _PARENT_SHARE * total)
        if best is None or off < best:
            split, best = i + 1, off
    import msgspec

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: parse, send, leave without running any cleanup of the parent's
        status = 0
        try:
            os.close(read_end)
            try:
                blob = b"\x01" + msgspec.msgpack.encode([_parse_slice(text, *s, str_keys=True) for s in slices[split:]])
            except BaseException:  # noqa: BLE001 -- reported as 'unusual' to the parent
                blob = b"\x00"
            with os.fdopen(write_end, "wb") as f:
                f.write(blob)
        except BaseException:  # noqa: BLE001
            status = 1
        finally:
            os._exit(status)
    os.close(write_end)
    try:
        mine = [_parse_slice(text, *s) for s in slices[:split]]
        with os.fdopen(read_end, "rb") as f:
            blob = f.read()
    except BaseException:
        with contextlib.suppress(OSError):
            os.kill(pid, 9)
        raise
    finally:
        with contextlib.suppress(OSError):
            os.close(read_end)
        os.waitpid(pid, 0)
    if blob[:1] != b"\x01":
        raise _Unusual
    theirs = msgspec.msgpack.decode(memoryview(blob)[1:])
    if not isinstance(theirs, list) or len(theirs) != len(slices) - split:
        raise _Unusual
    for (_, _, count), piece in zip(slices[split:], theirs):
        if not isinstance(piece, list) or len(piece) != count:
            raise _Unusual
    return mine + theirs


def _parse_slice(text: str, start: int, stop: int, count: int, str_keys: bool = False) -> list:
    piece = _load_plain(text[start:stop], str_keys)
    if not isinstance(piece, list) or len(piece) != count:
        raise _Unusual
    return piece


def load_data(path: Path | str) -> GraphData:
    """Read, parse and validate a graph file; raise every problem at once.

    >>> data = load_data("tests/fixtures/core/mini.yaml")
    >>> len(data.nodes), len(data.edges), data.edges[2].claims[-1].stance
    (9, 6, 'recommended')
    """
    file = str(path)
    text = read_text(path)
    return parse_graph_text(text, file)


def parse_graph_text(text: str, file: str, names: dict | None = None) -> GraphData:
    """Validate graph YAML text (the file named ``file``) into :class:`GraphData`.

    ``names``, if given, receives what the checks computed anyway: every normalised name,
    alias and ticker key -> its node id, and every bare ticker code -> the set of its
    nodes' ids (see :func:`check_references`).
    """
    raw = parse_yaml(text, file)
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise FileFormatError(file, 1, "expected a mapping with 'nodes' and 'edges' at the top level")
    issues: list[tuple[tuple, str]] = []
    with gc_paused():  # validation and the checks allocate many objects and no cycles
        try:
            data = _validate_in_slices(raw)
            if data is None:  # invalid somewhere: validate the whole file again, for every message
                raw = parse_yaml(text, file)
                data = GraphData.model_validate(raw)
        except ValidationError as e:
            data = None
            issues.extend(_pydantic_issues(e))
        if data is not None:
            issues.extend(check_references(list(enumerate(data.nodes)), list(enumerate(data.edges)), names=names))
        else:
            issues.extend(_check_valid_part(raw))
    if issues:
        raise GraphValidationError(locate(text, file, issues))
    return data


_VALIDATE_SLICE = 20_000


def _validate_in_slices(raw: dict) -> GraphData | None:
    """``GraphData.model_validate(raw)``; a big graph's nodes and edges a slice at a time.

    Each raw slice is dropped from ``raw`` once its models exist, so the raw data and
    the models never both exist whole (a third less memory at 500k edges). If a slice is
    invalid, ``raw`` is already partly gone: returns None and the caller validates a
    fresh parse whole, so the messages are those of ``model_validate``. A small or
    unusual file (other top-level keys, nodes or edges not lists) is validated whole.
    """
    nodes, edges = raw.get("nodes", []), raw.get("edges", [])
    if set(raw) - {"version", "nodes", "edges"} or type(nodes) is not list or type(edges) is not list:
        return GraphData.model_validate(raw)
    if len(nodes) + len(edges) < 2 * _VALIDATE_SLICE:
        return GraphData.model_validate(raw)
    models: dict[str, list] = {}
    for key, adapter in (("nodes", _node_list()), ("edges", _edge_list())):
        items = raw.get(key)
        if items is None:
            continue
        done: list = []
        for start in range(0, len(items), _VALIDATE_SLICE):
            stop = min(start + _VALIDATE_SLICE, len(items))
            try:
                done.extend(adapter.validate_python(items[start:stop]))
            except ValidationError:
                return None
            items[start:stop] = [None] * (stop - start)
        models[key] = done
    return GraphData.model_validate({**({"version": raw["version"]} if "version" in raw else {}), **models})


_ADAPTERS: dict[str, TypeAdapter] = {}


def _node_list() -> TypeAdapter:
    if "nodes" not in _ADAPTERS:
        _ADAPTERS["nodes"] = TypeAdapter(list[Node])
    return _ADAPTERS["nodes"]


def _edge_list() -> TypeAdapter:
    if "edges" not in _ADAPTERS:
        _ADAPTERS["edges"] = TypeAdapter(list[Edge])
    return _ADAPTERS["edges"]


def _check_valid_part(raw: dict) -> list[tuple[tuple, str]]:
    """Reference checks over the elements that did validate, so that one bad field does
    not hide the other problems of the file. Ids of invalid nodes count as known."""
    nodes, edges, invalid_ids = [], [], set()
    raw_nodes = raw.get("nodes") if isinstance(raw.get("nodes"), list) else []
    raw_edges = raw.get("edges") if isinstance(raw.get("edges"), list) else []
    node_adapter = TypeAdapter(Node)
    for i, item in enumerate(raw_nodes):
        try:
            nodes.append((i, node_adapter.validate_python(item)))
        except ValidationError:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                invalid_ids.add(item["id"])
    for i, item in enumerate(raw_edges):
        try:
            edges.append((i, Edge.model_validate(item)))
        except ValidationError:
            pass
    return check_references(nodes, edges, invalid_ids)


def _pydantic_issues(e: ValidationError) -> list[tuple[tuple, str]]:
    out = []
    for err in e.errors(include_url=False):
        loc = list(err["loc"])
        # discriminated unions put the tag into the location: nodes.3.company.ticker
        if len(loc) >= 3 and loc[0] == "nodes" and isinstance(loc[1], int) and loc[2] in NODE_TYPES:
            del loc[2]
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown field (check the spelling; see the README's data model)"
        elif err["type"] == "union_tag_invalid":
            msg = f"unknown node type {err['input'].get('type')!r}; expected one of {', '.join(NODE_TYPES)}" if isinstance(err.get("input"), dict) else msg
        elif err["type"] == "literal_error" and loc and loc[-1] == "type" and loc[0] == "edges":
            msg = f"unknown edge type {err['input']!r}; expected one of {', '.join(EDGE_TYPES)}"
        elif err["type"] == "string_pattern_mismatch":
            msg = f"{err['input']!r} is not a valid id: use lowercase ASCII letters, digits and '-'"
        elif "input" in err and not isinstance(err["input"], (dict, list)):
            msg = f"{msg} (got {err['input']!r})"
        out.append((tuple(loc), msg))
    return out


def check_references(
    nodes: list[tuple[int, Any]],
    edges: list[tuple[int, Any]],
    invalid_ids: set[str] = frozenset(),
    names: dict | None = None,
) -> list[tuple[tuple, str]]:
    """Checks pydantic cannot do alone: ids, references, endpoint types, name clashes.

    ``nodes`` and ``edges`` are (index in the file, model) pairs; ``invalid_ids`` are ids
    of nodes that failed validation (references to them are not reported again).
    Returns ``(key path, message)`` pairs; empty when the graph is consistent. ``names``,
    if given, receives the name keys the check made (``"names"``: key -> the first node it
    names) and the bare ticker codes (``"codes"``: code -> ids), which the cache's name
    index reuses.
    """
    issues: list[tuple[tuple, str]] = []
    by_id: dict[str, Any] = {}
    first_index: dict[str, int] = {}
    for i, n in nodes:
        if n.id in by_id:
            issues.append((("nodes", i, "id"), f"duplicate id {n.id!r} (first used by nodes[{first_index[n.id]}])"))
        else:
            by_id[n.id] = n
            first_index[n.id] = i
    reports = {n.id for _, n in nodes if n.type == "report"} | set(invalid_ids)

    # every name, alias and ticker must lead to one node
    owner: dict[str, tuple[str, tuple]] = {}
    codes: dict[str, set[str]] = {}
    for i, n in nodes:
        keys: list[tuple[str, tuple]] = [(normalize(n.id), ("nodes", i, "id")), (normalize(n.name), ("nodes", i, "name"))]
        if n.name_en:
            keys.append((normalize(n.name_en), ("nodes", i, "name_en")))
        keys += [(normalize(a), ("nodes", i, "aliases", k)) for k, a in enumerate(n.aliases)]
        for t, loc in _tickers(n, i):
            full, code = ticker_keys(t)
            keys.append((full, loc))
            codes.setdefault(code, set()).add(n.id)
        mine: set[str] = set()
        for key, loc in keys:
            if key in mine:
                continue
            mine.add(key)
            if key in owner and owner[key][0] != n.id:
                other = owner[key][0]
                issues.append((loc, f"{key!r} already names node {other!r}; a name, alias or ticker must resolve to one node"))
            else:
                owner[key] = (n.id, loc)

    if names is not None:
        names["names"] = {key: node_id for key, (node_id, _) in owner.items()}
        names["codes"] = codes

    for i, n in nodes:
        for k, m in enumerate(getattr(n, "metrics", ())):
            if m.source.report not in reports:
                issues.append((("nodes", i, "metrics", k, "source", "report"), _unknown(m.source.report, reports, "report")))

    seen_edges: dict[tuple, int] = {}
    ids = list(by_id)
    for i, e in edges:
        rule = EDGE_RULES[e.type]
        ok = True
        for end, allowed in (("source", rule.sources), ("target", rule.targets)):
            node_id = getattr(e, end)
            node = by_id.get(node_id)
            if node is None and node_id in invalid_ids:
                ok = False
            elif node is None:
                issues.append((("edges", i, end), _unknown(node_id, ids, "node")))
                ok = False
            elif node.type not in allowed:
                issues.append(
                    (
                        ("edges", i, end),
                        f"a {e.type} edge's {end} must be a {' or '.join(sorted(allowed))}, "
                        f"but {node_id!r} is a {node.type}",
                    )
                )
                ok = False
        if ok and e.source == e.target:
            issues.append((("edges", i, "target"), f"edge joins {e.source!r} to itself"))
        key = edge_key(e.type, e.source, e.target)
        if key in seen_edges:
            issues.append((("edges", i), f"duplicate edge {e.type} {e.source} -> {e.target} (first at edges[{seen_edges[key]}]); merge their claims"))
        else:
            seen_edges[key] = i
        for k, c in enumerate(e.claims):
            if c.report not in reports:
                issues.append((("edges", i, "claims", k, "report"), _unknown(c.report, reports, "report")))
            if rule.stance and c.stance is None:
                issues.append((("edges", i, "claims", k), f"a {e.type} claim needs a stance: recommended, beneficiary or listed"))
            if not rule.stance and c.stance is not None:
                issues.append((("edges", i, "claims", k, "stance"), f"a {e.type} claim carries no stance; remove it"))
    return issues


def _tickers(node, i: int) -> Iterator[tuple[str, tuple]]:
    if getattr(node, "ticker", None):
        yield node.ticker, ("nodes", i, "ticker")
    for k, listing in enumerate(getattr(node, "listings", ())):
        yield listing.ticker, ("nodes", i, "listings", k, "ticker")


def _unknown(value: str, known, what: str) -> str:
    close = difflib.get_close_matches(value, list(known), n=3, cutoff=0.6)
    hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
    return f"unknown {what} {value!r}{hint}"


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


# --------------------------------------------------------------------------- writing


class _FlowList(list):
    pass


class _CanonicalDumper(_Dumper):  # type: ignore[misc, valid-type]
    def ignore_aliases(self, data):  # noqa: D102
        return True  # no anchors: two claims sharing one date object are still written out twice


_CanonicalDumper.add_representer(
    _FlowList, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True)
)

_TYPE_ORDER = {t: i for i, t in enumerate(NODE_TYPES)}
_EDGE_ORDER = {t: i for i, t in enumerate(EDGE_TYPES)}


def canonical(data: GraphData) -> dict:
    """The plain, canonically ordered structure that :func:`dump_graph` writes.

    Nodes are ordered by type then id, edges by type, source, target, claims by date then
    report; defaults and empty lists are left out. The same graph always gives the same
    bytes, so diffs show only what changed.
    """
    nodes = []
    for n in sorted(data.nodes, key=lambda n: (_TYPE_ORDER[n.type], n.id)):
        d = n.model_dump(exclude_defaults=True)
        d = {"id": d.pop("id"), "type": n.type, **d}
        if "aliases" in d:
            d["aliases"] = _FlowList(d["aliases"])
        nodes.append(d)
    edges = []
    for e in sorted(data.edges, key=lambda e: (_EDGE_ORDER[e.type], e.source, e.target)):
        claims = sorted(e.claims, key=lambda c: (c.date, c.report, c.stance or "", c.quote))
        edges.append(
            {
                "type": e.type,
                "source": e.source,
                "target": e.target,
                "claims": [c.model_dump(exclude_defaults=True) for c in claims],
            }
        )
    return {"version": data.version, "nodes": nodes, "edges": edges}


HEADER = (
    "# supplychain knowledge graph. Written canonically by `supplychain`; edit by hand if you\n"
    "# like, then run `supplychain validate`. Data model: see README.md.\n"
)


def dump_graph(data: GraphData) -> str:
    """Canonical YAML text of a graph (stable order and formatting)."""
    body = yaml.dump(
        canonical(data),
        Dumper=_CanonicalDumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=100_000,
        indent=2,
    )
    return HEADER + body


def save_graph(data: GraphData, path: Path | str) -> str:
    """Validate ``data`` as the file it will become, then replace ``path`` atomically.

    The text is parsed back and checked before anything touches the disk; it is written
    to a temporary file beside the target, flushed to disk and renamed over it, so a
    crash leaves either the old file or the new one. What the check read is then the
    file's cache entry (:func:`supplychain.cache.remember`). Returns the text written.
    """
    path = Path(path)
    text = dump_graph(data)
    raw = text.encode("utf-8")
    names: dict = {}
    checked = parse_graph_text(text, str(path), names=names)
    with atomic_writer(path, "wb") as f:
        f.write(raw)
    from .cache import remember

    remember(path, raw, checked, names)  # the next load reads the cache, not 150 MB of YAML
    return text
