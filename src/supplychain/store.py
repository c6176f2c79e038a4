"""YAML ⇄ models: load with positions, validate everything at once, dump canonically,
save atomically under a lock.

Reading takes the fast road: the text is parsed by yaml-rs (a maintained YAML engine in
Rust, ten times PyYAML's C loader) and validated. Only when something is wrong, or the
text holds what the engine reads otherwise than the file's writer meant (an explicit tag,
a plain ``002837`` that YAML 1.1 keeps as text), is it parsed again by PyYAML (the
reading the canonical file is written for, YAML 1.1 without implicit timestamps), whose
:func:`yaml.compose` also maps every error's key path back to a line of the file.

Writing is a small emitter of the known shape (:mod:`supplychain.canonical`), byte for
byte what PyYAML's dumper writes for the same data, a handful of times faster.

What a graph file may not hold (each refused with one line naming the file and line):
duplicate keys, tags PyYAML's safe loader does not know, aliases (``*name``: the canonical
file never has them, and a few lines of them expand to billions of values), integers of
more than 4,300 digits, numbers that are not finite, and more than
:data:`MAX_GRAPH_BYTES` of text.
"""

from __future__ import annotations

import contextlib
import difflib
import gc
import hashlib
import itertools
import operator
import os
import stat
from pathlib import Path
from typing import Any, Iterator

from pydantic import TypeAdapter, ValidationError

from .errors import FileFormatError, GraphValidationError
from .files import atomic_write, atomic_writer, graph_lock, not_regular, read_text  # noqa: F401 (re-exported)
from .canonical import HEADER, canonical, dump_graph, dump_parts, pyyaml_dump, sorted_claims  # noqa: F401 (re-exported)
from .gcpause import gc_paused
from .names import normalize, ticker_keys
from .schema import EDGE_RULES, EDGE_TYPES, NODE_TYPES, Edge, GraphData, Node
from .previous import note_kept, previous_text
from .slices import SLICE_BYTES, Unsliced, read_in_slices, write_parts, _cut, _edge_list, _node_list  # noqa: F401 (re-exported)
from .yamlread import _StrictLoader, _parse_with_engine, format_path, locate, parse_yaml, positions  # noqa: F401 (re-exported)

MAX_GRAPH_BYTES = 512 * 1024 * 1024
"""The largest graph file read (512 MiB): three times the 100k-company graph (156 MB).
A bigger file, or one that is no regular file (``/dev/zero``, a pipe), is refused before
a byte of it is read."""


def check_graph_file(path: Path | str) -> None:
    """Refuse, before reading it, what cannot be a graph file: no regular file
    (``-g /dev/zero``, a directory, a pipe) or more than :data:`MAX_GRAPH_BYTES`.
    A missing file is left to :func:`~supplychain.files.read_text`'s message."""
    try:
        st = os.stat(path)
    except OSError:
        return
    if stat.S_ISDIR(st.st_mode):
        return  # read_text says "is a directory"
    if not stat.S_ISREG(st.st_mode):
        raise not_regular(path, st)
    if st.st_size > MAX_GRAPH_BYTES:
        raise FileFormatError(
            str(path),
            0,
            f"{st.st_size:,} bytes, over the {MAX_GRAPH_BYTES:,} a graph file may have (see docs/scale.md)",
        )


def load_data(path: Path | str) -> GraphData:
    """Read, parse and validate a graph file; raise every problem at once.

    >>> data = load_data("tests/fixtures/core/mini.yaml")
    >>> len(data.nodes), len(data.edges), data.edges[2].claims[-1].stance
    (9, 6, 'recommended')
    """
    return read_graph(path)[0]


def read_graph(
    path: Path | str, names: dict | None = None, slice_bytes: int = SLICE_BYTES
) -> tuple[GraphData, str]:
    """(the validated data of a graph file, the SHA-256 of the bytes it came from).

    A canonical file bigger than two slices is read ``slice_bytes`` at a time
    (:func:`read_in_slices`): the whole file's raw objects never exist at once. Any other
    text is read whole by the engine, whose objects are dropped as validation goes. Only
    when something is to report (or the engine declines the text) is the text decoded
    and read as :func:`parse_graph_text` does. ``names``: see there.

    What the read made goes straight to the collector's oldest generation
    (:func:`_made_old`): the models of a big graph are walked by no collection on the
    way (the first one after the read walked them all: a tenth of a cold load at 10k).
    """
    with _made_old():
        return _read_graph(path, names, slice_bytes)


@contextlib.contextmanager
def _made_old() -> Iterator[None]:
    """Pause the collector for the block, then move every object it tracks to its oldest
    generation without walking them (:func:`gc.freeze` then :func:`gc.unfreeze`, two
    list splices). Objects made in the block and kept (a graph's models, which make no
    reference cycles) are then left to the rare full collections. Nothing is moved when
    the collector is off or objects are frozen already (``load_graph`` freezes a loaded
    graph: unfreezing would hand it back to the collector)."""
    if not gc.isenabled() or gc.get_freeze_count():
        with gc_paused():
            yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        gc.enable()


def _read_graph(path: Path | str, names: dict | None, slice_bytes: int) -> tuple[GraphData, str]:
    check_graph_file(path)
    file = str(path)
    try:
        blob = Path(path).read_bytes()
    except OSError as e:
        read_text(path)  # the one-line message of a missing or unreadable file
        raise FileFormatError(file, 0, f"cannot read: {e.strerror}") from None
    digest = hashlib.sha256(blob).hexdigest()
    with gc_paused():
        sliced = read_in_slices(blob, slice_bytes) if len(blob) > 2 * slice_bytes else None
        if sliced is not None:
            if not check_references(list(enumerate(sliced.nodes)), list(enumerate(sliced.edges)), names=names):
                return sliced, digest
            del sliced  # something to report: below, with the lines of the text
            raw = None
        else:
            raw = _parse_with_engine(blob) if b"\x00" not in blob[:8192] else None
        if raw is not None:
            del blob  # the only reference: 150 MB less at the peak at 100k companies
            data = _validate_in_slices(raw)
            del raw
            if data is not None:
                issues = check_references(list(enumerate(data.nodes)), list(enumerate(data.edges)), names=names)
                if not issues:
                    return data, digest
            blob = Path(path).read_bytes()  # something to report: read it again, as text
            digest = hashlib.sha256(blob).hexdigest()
    try:
        text = blob.decode("utf-8-sig") if b"\x00" not in blob[:8192] else None
    except UnicodeDecodeError:
        text = None
    if text is None:
        read_text(path)  # names the problem (binary, not UTF-8) with its line
        raise FileFormatError(file, 0, "changed while it was read; run the command again")
    return parse_graph_text(text, file, names=names), digest


def parse_graph_text(text: str | bytes, file: str, names: dict | None = None) -> GraphData:
    """Validate graph YAML text, or its UTF-8 bytes (the file named ``file``), into
    :class:`GraphData`.

    The engine's reading is validated first; if it is not valid, PyYAML reads the text
    (the reading the canonical file is written for: a plain ``002837`` stays text) and
    that is validated, its errors reported with their lines.

    ``names``, if given, receives what the checks computed anyway: every normalised name,
    alias and ticker key -> its node id, and every bare ticker code -> the set of its
    nodes' ids (see :func:`check_references`).
    """
    with gc_paused():  # millions of objects and no cycles: the collector would walk them all
        raw = _parse_with_engine(text)
        data = _validate_in_slices(raw) if raw is not None else None
        del raw
        issues: list[tuple[tuple, str]] = []
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        if data is None:
            raw = parse_yaml(text, file)
            if raw is None:
                raw = {}
            if not isinstance(raw, dict):
                raise FileFormatError(file, 1, "expected a mapping with 'nodes' and 'edges' at the top level")
            try:
                data = GraphData.model_validate(raw)
            except ValidationError as e:
                issues.extend(_pydantic_issues(e))
                issues.extend(_check_valid_part(raw))
        if data is not None:
            issues.extend(check_references(list(enumerate(data.nodes)), list(enumerate(data.edges)), names=names))
    if issues:
        raise GraphValidationError(locate(text, file, issues))
    return data


_VALIDATE_SLICE = 20_000


def _validate_in_slices(raw: dict) -> GraphData | None:
    """``GraphData.model_validate(raw)``, or None if that fails; a big graph's nodes and
    edges a slice at a time.

    Each raw slice is dropped from ``raw`` once its models exist, so the raw data and
    the models never both exist whole (a third less memory at 500k edges). A small or
    unusual file (other top-level keys, nodes or edges not lists) is validated whole.
    """
    nodes, edges = raw.get("nodes", []), raw.get("edges", [])
    if (
        set(raw) - {"version", "nodes", "edges"}
        or type(nodes) is not list
        or type(edges) is not list
        or len(nodes) + len(edges) < 2 * _VALIDATE_SLICE
    ):
        try:
            return GraphData.model_validate(raw)
        except ValidationError:
            return None
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
    try:
        return GraphData.model_validate({**({"version": raw["version"]} if "version" in raw else {}), **models})
    except ValidationError:
        return None



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
    drivers = {n.id for _, n in nodes if n.type == "driver"} | set(invalid_ids)

    # every name, alias and ticker must lead to one node
    found = _names_fine(nodes)
    if found is None:  # a clash: say where, key by key
        found = _check_names(nodes, issues)
    if names is not None:
        names["names"], names["codes"] = found

    for i, n in nodes:
        for k, m in enumerate(n.__dict__.get("metrics", ())):  # (getattr with a default: pydantic's slow __getattr__)
            if m.source.report not in reports:
                issues.append((("nodes", i, "metrics", k, "source", "report"), _unknown(m.source.report, reports, "report")))
            for a, other in enumerate(m.__dict__.get("also", ())):  # later notes giving the same figure
                if other.report not in reports:
                    issues.append((("nodes", i, "metrics", k, "also", a, "report"), _unknown(other.report, reports, "report")))

    if not _edges_fine(edges, by_id, reports, drivers):  # something to say: edge by edge
        _check_edges(edges, by_id, invalid_ids, reports, drivers, issues)
    return issues


def _check_edges(edges: list[tuple[int, Any]], by_id: dict, invalid_ids, reports: set, drivers: set, issues: list) -> None:
    """Report every edge's unknown or ill-typed end, self-loop, second use of a key and
    faulty claim, in file order (:func:`_edges_fine` tells, faster, when there is none)."""
    seen_edges: dict[tuple, int] = {}
    ids = list(by_id)
    for i, e in edges:
        rule = EDGE_RULES[e.type]
        source, target = by_id.get(e.source), by_id.get(e.target)
        if source is None or target is None or source.type not in rule.sources or target.type not in rule.targets:
            ok = _check_ends(i, e, rule, by_id, invalid_ids, ids, issues)
        else:
            ok = True
        if ok and e.source == e.target:
            issues.append((("edges", i, "target"), f"edge joins {e.source!r} to itself"))
        key = (e.type, e.source, e.target) if rule.directed or e.source <= e.target else (e.type, e.target, e.source)  # edge_key
        if key in seen_edges:
            issues.append((("edges", i), f"duplicate edge {e.type} {e.source} -> {e.target} (first at edges[{seen_edges[key]}]); merge their claims"))
        else:
            seen_edges[key] = i
        stance = rule.stance
        for c in e.claims:
            driver = c.__dict__.get("driver")
            if (c.report not in reports or (c.stance is None) is stance or (c.weight is not None and e.type != "holds")
                    or (driver is not None and driver not in drivers)):
                _check_claims(i, e, rule, reports, issues, drivers)  # something to report: say what, claim by claim
                break


def _names_fine(nodes: list[tuple[int, Any]]) -> tuple[dict[str, str], dict[str, set[str]]] | None:
    """(every name key -> its node's id, every bare ticker code -> its nodes' ids) when no
    key names two nodes; None when one does (or in doubt), for :func:`_check_names` to
    say where. The same keys in the same order, without a key path made per key."""
    owner: dict[str, str] = {}
    codes: dict[str, set[str]] = {}
    claim = owner.setdefault
    try:
        for _, n in nodes:
            fields = n.__dict__
            node_id = fields["id"]  # a slug (lowercase ASCII, no spaces): already its own normalised form
            if claim(node_id, node_id) != node_id or claim(normalize(fields["name"]), node_id) != node_id:
                return None
            name_en = fields["name_en"]
            if name_en and claim(normalize(name_en), node_id) != node_id:
                return None
            for alias in fields["aliases"]:
                if claim(normalize(alias), node_id) != node_id:
                    return None
            ticker = fields.get("ticker")
            for t in ([ticker] if ticker else []) + [listing.ticker for listing in fields.get("listings", ())]:
                full, code = ticker_keys(t)
                if claim(full, node_id) != node_id:
                    return None
                codes.setdefault(code, set()).add(node_id)
    except (AttributeError, KeyError, TypeError):
        return None
    return owner, codes


def _check_names(nodes: list[tuple[int, Any]], issues: list) -> tuple[dict[str, str], dict[str, set[str]]]:
    """Report every name, alias or ticker key that names a second node (keys of one node
    counted once); (key -> the first node it names, code -> ids), as :func:`_names_fine`."""
    owner: dict[str, tuple[str, tuple]] = {}
    codes: dict[str, set[str]] = {}
    for i, n in nodes:
        # an id is a slug (lowercase ASCII, no spaces): already its own normalised form
        keys: list[tuple[str, tuple]] = [(n.id, ("nodes", i, "id")), (normalize(n.name), ("nodes", i, "name"))]
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
    return {key: node_id for key, (node_id, _) in owner.items()}, codes


_VALID_ENDS = frozenset((t, s, d) for t, rule in EDGE_RULES.items() for s in rule.sources for d in rule.targets)
"""Every (edge type, source type, target type) the edge-rule table allows."""
_UNDIRECTED = frozenset(t for t, rule in EDGE_RULES.items() if not rule.directed)
_CLAIM_STANCE = {t: rule.stance for t, rule in EDGE_RULES.items()}


def _edges_fine(edges: list[tuple[int, Any]], by_id: dict, reports: set, drivers: set) -> bool:
    """Whether :func:`check_references`' loop over ``edges`` would report nothing (False
    when in doubt): the same conditions, a column at a time in C (``map``, sets, ``zip``)
    instead of a Python loop per edge and per claim (a quarter of the time at 10k
    companies, most of it reading each model once). Every end a node of a type the rule
    allows, no edge joining a node to itself, no key twice, and every claim naming a
    known report and driver, with a stance exactly where its type wants one and a
    weight only on a holds edge. The edges are taken :data:`EDGE_CHUNK` at a time (the
    columns of all 510k edges and 920k claims of the 100k graph at once were 250 MB more
    at the peak of a write); only the keys are kept across chunks."""
    if not edges:
        return True
    node_type = {node_id: node.type for node_id, node in by_id.items()}
    keys: set[tuple] = set()
    undirected: set[tuple] = set()
    seen = 0
    try:
        for k in range(0, len(edges), EDGE_CHUNK):
            chunk = edges[k : k + EDGE_CHUNK]
            if not _edge_chunk_fine(chunk, node_type, reports, drivers, keys, undirected):
                return False
            seen += len(chunk)
            if len(keys) != seen:
                return False
    except (AttributeError, KeyError, TypeError, ValueError):  # not models as validation makes them
        return False
    return True


EDGE_CHUNK = 65_536


def _edge_chunk_fine(edges: list, node_type: dict, reports: set, drivers: set, keys: set, undirected: set) -> bool:
    """:func:`_edges_fine` for some of the edges; ``keys`` and ``undirected`` receive
    their keys as written and, for undirected edges, with their ends sorted."""
    types, sources, targets, claim_lists = zip(*map(_EDGE_FIELDS, map(_SECOND, edges)))
    ends = zip(types, map(node_type.get, sources), map(node_type.get, targets))
    if not all(map(_VALID_ENDS.__contains__, ends)) or any(map(operator.eq, sources, targets)):
        return False
    keys.update(zip(types, sources, targets))
    if _UNDIRECTED.intersection(types):  # both ways round: one key (edge_key)
        either = itertools.compress(zip(types, sources, targets), map(_UNDIRECTED.__contains__, types))
        pairs = [(t, s, d) if s <= d else (t, d, s) for t, s, d in either]
        before = len(undirected)
        undirected.update(pairs)
        if len(undirected) != before + len(pairs):
            return False
    claims = list(itertools.chain.from_iterable(claim_lists))
    if not claims:
        return True
    claim_reports, stances, weights, claim_drivers = zip(*map(_CLAIM_FIELDS, claims))
    if not reports.issuperset(claim_reports) or not drivers.issuperset(set(claim_drivers) - {None}):
        return False
    counts = list(map(len, claim_lists))
    if weights.count(None) != len(weights):
        per_claim = itertools.chain.from_iterable(map(itertools.repeat, types, counts))
        if not set(itertools.compress(per_claim, map(operator.is_not, weights, itertools.repeat(None)))) <= {"holds"}:
            return False
    # a stance where the rule wants one, none where it does not: (wants, has none) differ
    wants = itertools.chain.from_iterable(map(itertools.repeat, map(_CLAIM_STANCE.__getitem__, types), counts))
    return set(zip(wants, map(operator.is_, stances, itertools.repeat(None)))) <= {(True, False), (False, True)}


_SECOND = operator.itemgetter(1)
_EDGE_FIELDS = operator.attrgetter("type", "source", "target", "claims")
_CLAIM_FIELDS = operator.attrgetter("report", "stance", "weight", "driver")


def _check_ends(i: int, e, rule, by_id: dict, invalid_ids, ids: list, issues: list) -> bool:
    """Report an edge's unknown or ill-typed ends; True when both are fine."""
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
                    f"a {e.type} edge's {end} must be a {' or '.join(sorted(allowed))}, but {node_id!r} is a {node.type}",
                )
            )
            ok = False
    return ok


def _check_claims(i: int, e, rule, reports: set, issues: list, drivers: set = frozenset()) -> None:
    for k, c in enumerate(e.claims):
        if c.report not in reports:
            issues.append((("edges", i, "claims", k, "report"), _unknown(c.report, reports, "report")))
        driver = c.__dict__.get("driver")
        if driver is not None and driver not in drivers:  # the driver of the claim's note (issue 9)
            issues.append((("edges", i, "claims", k, "driver"), _unknown(driver, drivers, "driver")))
        if rule.stance and c.stance is None:
            issues.append((("edges", i, "claims", k), f"a {e.type} claim needs a stance: recommended, beneficiary or listed"))
        if not rule.stance and c.stance is not None:
            issues.append((("edges", i, "claims", k, "stance"), f"a {e.type} claim carries no stance; remove it"))
        if c.weight is not None and e.type != "holds":
            issues.append((("edges", i, "claims", k, "weight"), f"a {e.type} claim carries no weight (only an ETF's holds "
                           "claims do: the constituent's weight in the fund); remove it"))


def _tickers(node, i: int) -> Iterator[tuple[str, tuple]]:
    fields = node.__dict__
    if fields.get("ticker"):
        yield fields["ticker"], ("nodes", i, "ticker")
    for k, listing in enumerate(fields.get("listings", ())):
        yield listing.ticker, ("nodes", i, "listings", k, "ticker")


def _unknown(value: str, known, what: str) -> str:
    close = difflib.get_close_matches(value, list(known), n=3, cutoff=0.6)
    hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
    return f"unknown {what} {value!r}{hint}"


# --------------------------------------------------------------------------- writing


def save_graph(data: GraphData, path: Path | str) -> str:
    """Validate ``data`` as the file it will become, then replace ``path`` atomically.

    What is written is read back and checked before it replaces anything
    (:func:`write_graph`); it goes to a temporary file beside the target, flushed to disk
    and renamed over it, so a crash leaves either the old file or the new one. Returns
    the text written. (:func:`supplychain.cache.save_graph` also leaves the file's cache
    entry.)
    """
    write_graph(data, path)
    return Path(path).read_text(encoding="utf-8")


def write_graph(
    data: GraphData, path: Path | str, names: dict | None = None, slice_bytes: int = SLICE_BYTES
) -> tuple[str, GraphData, bool]:
    """:func:`save_graph`, returning (the SHA-256 of the bytes written, the data reading
    them back gave, whether those bytes are that data's canonical dump); ``names``
    receives the keys the checks made (see :func:`parse_graph_text`).

    The canonical text is written ``slice_bytes`` at a time (:func:`slices.write_parts`)
    to the temporary file, and each slice read back as :func:`read_in_slices` reads it
    and validated; its models must equal the ones written (then those are kept, not a
    second copy), and the whole passes the reference checks before the file replaces
    ``path``. Neither the whole text nor a second whole graph is ever held: at 100k
    companies that was 2 GB more at the peak. If anything is wrong the text is checked
    whole, as before (:func:`parse_graph_text`), for its messages.

    When ``data``'s models were read from a file (``path`` itself, or the file a copy is
    saved from) that is still the bytes they came from (:func:`previous.previous_text`),
    an item written byte for byte as it stands there, for the same model object, is not
    read back (:class:`previous.Previous`).
    """
    path = Path(path)
    checked: GraphData | None = None
    note_kept(path, None)  # nothing of an earlier write's is taken for this one
    previous = previous_text(path)  # the file data's models were read from, if any (see previous.Previous)
    try:
        with atomic_writer(path, "wb") as f, gc_paused():
            checked, digest = write_parts(data, f, slice_bytes, previous)
            kept = previous.record() if previous is not None else None  # for the next cache entry
            del previous
            if checked is None or check_references(list(enumerate(checked.nodes)), list(enumerate(checked.edges)), names=names):
                checked = None
                raise Unsliced  # leaves no file: checked and written whole below
    except Unsliced:
        pass
    if checked is not None:
        note_kept(path, kept)
        return digest, checked, True
    raw = dump_graph(data).encode("utf-8")
    checked = parse_graph_text(raw, str(path), names=names)  # raises the problems, with lines
    with atomic_writer(path, "wb") as f:
        f.write(raw)
    # data as given may read back otherwise (a name with a trailing space, say): then these
    # bytes are not the canonical dump of what they read as, and no later write may take
    # their text for it (:func:`supplychain.cache.remember`)
    return hashlib.sha256(raw).hexdigest(), checked, _dumps_to(checked, raw, slice_bytes)


def _dumps_to(data: GraphData, raw: bytes, slice_bytes: int) -> bool:
    """Whether ``raw`` is the canonical dump of ``data``, compared a part at a time (the
    whole text again would be 250 MB more at 100k companies)."""
    view, at = memoryview(raw), 0
    for _, text, _ in dump_parts(data, slice_bytes):
        part = text.encode("utf-8")
        if view[at : at + len(part)] != part:
            return False
        at += len(part)
    return at == len(raw)
