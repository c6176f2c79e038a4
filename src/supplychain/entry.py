"""The columnar form of a validated graph: what the cache stores and what :class:`Graph`
reads, building models only for what a command touches.

A graph of 100k companies has about 1.5 million models (nodes, edges, claims). Building
them all costs seconds, and most commands need a few dozen: ``exposure --top 20`` walks
the flow adjacency and then shows twenty names with their paths. So an :class:`Entry`
keeps the graph as columns (numbers in :mod:`array` buffers, strings in lists) together
with the indexes every query needs (names, the flow adjacency, edges by endpoint), and
builds the model of a node or an edge the first time it is asked for, once.

The same bytes are the cache entry (:mod:`supplychain.cache` adds the header, the
checksums and the file handling): a warm load decodes a few small sections and leaves the
rest as bytes until asked.

Layout (a msgpack array, see :class:`_Layout`). Node ``i`` is the ``i``-th node of the
file; edge ``j`` the ``j``-th edge. Numbers are arrays in the machine's byte order (the
fingerprint in the cache header names it):

- ``ids`` (node ids), ``node_types`` (one byte per node, an index into
  :data:`~supplychain.schema.NODE_TYPES`), ``nodes`` (each node's fields as the file set
  them, ``model_dump(exclude_unset=True)``, decoded one by one when asked for);
- ``strings``: any other text a reference points to (the *table* is ``ids + strings``);
- edges as columns: ``edge_types`` (bytes, into :data:`~supplychain.schema.EDGE_TYPES`),
  ``sources`` and ``targets`` (int32, into the table), ``claim_start`` (int32, edge
  ``j``'s claims are ``claim_start[j]:claim_start[j + 1]``);
- claims as columns: ``reports`` (int32, into the table), ``ordinals`` (the date's
  proleptic ordinal), ``stances`` (int8: an index into :data:`~supplychain.schema.STANCES`,
  -1 for None, -2 when the file did not set it), ``quotes`` (UTF-8, one after the other)
  and ``quote_start`` (int64), ``claim_drivers`` (int32, into the table; -1 when the
  claim names no driver);
- the name index: ``name_keys`` (sorted normalised names, ids, aliases and tickers) with
  ``name_nodes`` (the node each key names), and ``code_keys``/``code_nodes`` for bare
  ticker codes (:func:`~supplychain.names.ticker_keys`);
- the flow adjacency of the current graph (every edge's latest claim), forward and
  reversed, as compressed rows: for node ``u``, entries ``start[u]:start[u + 1]`` of
  ``node`` (the other end), ``weight`` (the hop weight) and ``edge``;
- every edge by source and by target, the same way.

Examples
--------
>>> from supplychain.store import load_data
>>> e = Entry.from_data(load_data("tests/fixtures/core/mini.yaml"))
>>> len(e), e.node_count, e.type_of(e.index["alpha"]), e.edge(0) is e.edges()[0]
(6, 9, 'company', True)
"""

from __future__ import annotations

import datetime as dt
import sys
from array import array
from bisect import bisect_left
from itertools import accumulate, chain, repeat
from typing import Any, NamedTuple

import msgspec

from .construct import _build_node, _fromordinal, _instance, _instances, _kept
from .gcpause import gc_paused
from .names import normalize, ticker_keys
from .rows import (_CLAIM_COLUMNS, _EDGE_COLUMNS, FlowRows, _columns, _flow_rows, _ints, _node_fields, _packed, _rows,
                   _view, layout_parts, utf8_run)
from .schema import EDGE_RULES, EDGE_TYPES, NODE_TYPES, STANCE_WEIGHT, STANCES

LAYOUT_VERSION = 4
BYTE_ORDER = f"{sys.byteorder} i{array('i').itemsize} q{array('q').itemsize} d{array('d').itemsize}"
"""Part of the cache fingerprint: an entry made on a machine of other byte order or
integer sizes is not read here."""

_UNSET, _NONE = -2, -1
EDGE_CODE = {t: i for i, t in enumerate(EDGE_TYPES)}
"""An edge type's code in the entry: its place in :data:`~supplychain.schema.EDGE_TYPES`."""
_STANCE_CODE = {s: i for i, s in enumerate(STANCES)}


def stance_code(stance: str | None, fields_set: set) -> int:
    """A claim's stance as the entry stores it: its place in
    :data:`~supplychain.schema.STANCES`, :data:`_NONE` when set to None, :data:`_UNSET`
    when the file does not set it."""
    return _STANCE_CODE.get(stance, _NONE) if "stance" in fields_set else _UNSET


_STANCE_OF = {_UNSET: None, _NONE: None, **dict(enumerate(STANCES))}
"""A claim's stance by its code in the ``stances`` column."""
_CLAIM_FIELDS = {False: frozenset({"report", "date", "quote", "stance"}), True: frozenset({"report", "date", "quote"})}
"""The fields a claim sets, by whether its stance is unset (before its weight and driver)."""
_EDGE_FIELDS = frozenset({"type", "source", "target", "claims"})


def name_key(text: str) -> str:
    """:func:`supplychain.names.normalize` (one key function for every lookup).

    >>> name_key(" Ｉnno light "), name_key("中際旭創")
    ('innolight', '中际旭创')
    """
    return normalize(text)


class _Layout(msgspec.Struct, array_like=True):
    graph_fields: list[str]
    version: int
    ids: list[str]
    node_types: bytes
    nodes: msgspec.Raw
    strings: list[str]
    edge_types: bytes
    sources: bytes
    targets: bytes
    claim_start: bytes
    reports: bytes
    ordinals: bytes
    stances: bytes
    quotes: bytes
    quote_start: bytes
    claim_drivers: bytes
    name_keys: msgspec.Raw
    name_nodes: bytes
    code_keys: msgspec.Raw
    code_nodes: bytes
    flow: tuple[bytes, bytes, bytes, bytes]  # start, node, weight, edge
    reverse_flow: tuple[bytes, bytes, bytes, bytes]
    out_edges: tuple[bytes, bytes]  # start, edge
    in_edges: tuple[bytes, bytes]
    weights: dict[int, float] = {}  # claim position -> weight, for the few claims that carry one (holds)


def encode(data, names: dict | None = None) -> bytes:
    """The columns and indexes of validated ``data`` (a :class:`~supplychain.schema.GraphData`).

    ``names``: the keys :func:`supplychain.store.check_references` made while checking
    this very data (its ``names`` argument), reused instead of computed again.
    """
    with gc_paused():
        return _encode(data, names)


def encode_parts(data, names: dict | None = None) -> list:
    """:func:`encode`'s bytes as a list of buffers, one after the other (see
    :func:`layout_parts`): what a cache file is written from."""
    with gc_paused():
        return _encode(data, names, parts=True)


def _encode(data, names: dict | None = None, parts: bool = False):
    nodes = data.nodes
    ids = [n.id for n in nodes]
    index: dict[str, int] = {}
    for i, node_id in enumerate(ids):
        index.setdefault(node_id, i)
    strings: list[str] = []
    n = len(ids)

    def ref(text: str) -> int:
        i = index.get(text)
        if i is None:
            i = index[text] = n + len(strings)
            strings.append(text)
        return i

    get = index.get

    def refs(texts) -> list[int]:
        out = list(map(get, texts, repeat(-1)))
        return [ref(t) for t in texts] if -1 in out else out

    # column by column: each field of every edge and claim read in one pass (attrgetter,
    # in C), then each column made by map or a comprehension
    edges = data.edges
    # (each read column dropped once used: at 100k companies they are 920k long)
    types, edge_sources, edge_targets, per_edge = _columns(_EDGE_COLUMNS, edges, 4)
    edge_types = list(map(EDGE_CODE.__getitem__, types))
    sources = refs(edge_sources)
    targets = refs(edge_targets)
    del types, edge_sources, edge_targets
    claim_start = list(accumulate(map(len, per_edge), initial=0))
    claims = list(chain.from_iterable(per_edge))
    del per_edge
    claim_reports, dates, stance_values, drivers, texts, weight_values, fields = _columns(_CLAIM_COLUMNS, claims, 7)
    del claims
    # the claims' columns as arrays from the start (no int object per claim)
    reports = _ints("i", refs(claim_reports))
    ordinals = _ints("i", map(dt.date.toordinal, dates))
    stances = _ints("b", map(stance_code, stance_values, fields))
    del claim_reports, dates, stance_values, fields
    if drivers.count(None) == len(drivers):
        claim_drivers = _ints("i", [-1]) * len(drivers)
    else:
        claim_drivers = _ints("i", [-1 if d is None else ref(d) for d in drivers])
    quotes, quote_start = utf8_run(texts)
    weights = {} if weight_values.count(None) == len(weight_values) else {
        k: w for k, w in enumerate(weight_values) if w is not None}
    del drivers, texts, weight_values

    nodes_blob = msgspec.msgpack.encode(list(map(_node_fields, nodes)))
    columns = Columns(ids, index, strings, edge_types, sources, targets, claim_start, reports, ordinals, stances,
                      claim_drivers, quotes, quote_start, weights)
    return finish(data, columns, nodes_blob, names, parts)


class Columns(NamedTuple):
    """The columns of a graph's edges and claims (see the layout above), as lists."""

    ids: list[str]
    index: dict[str, int]  # node id (and any other text referred to) -> its place in the table
    strings: list[str]
    edge_types: list[int]
    sources: list[int]
    targets: list[int]
    claim_start: list[int]
    reports: "list[int] | array"
    ordinals: "list[int] | array"
    stances: "list[int] | array"
    claim_drivers: "list[int] | array"
    quotes: bytes | bytearray
    quote_start: "array"
    weights: dict[int, float]


def finish(data, c: Columns, nodes_blob: bytes, names: dict | None, parts: bool = False):
    """The entry of ``data`` from its columns and its nodes already encoded
    (``nodes_blob``: the msgpack array of each node's fields): the flow adjacency, the
    name index and the rows by endpoint, made from them. Its bytes, or with ``parts``
    the buffers of :func:`layout_parts`."""
    nodes = data.nodes
    n = len(c.ids)
    index, sources, targets, claim_start, ordinals, stances = (c.index, c.sources, c.targets, c.claim_start,
                                                               c.ordinals, c.stances)
    # the flow adjacency: each edge whose type carries exposure, weighted by its current
    # claim (the latest; ties: the later-listed), column by column
    rules = [EDGE_RULES[t] for t in EDGE_TYPES]
    weight = [[r.weight * STANCE_WEIGHT[STANCES[k]] if r.stance and k >= 0 else r.weight
               for k in range(_UNSET, len(STANCES))] for r in rules]  # [type][stance code - _UNSET]
    forward = [r.flow == "forward" for r in rules]
    flows = [r.flow != "none" for r in rules]
    edge_types = c.edge_types
    fe = [j for j, (t, s, d) in enumerate(zip(edge_types, sources, targets)) if flows[t] and s < n and d < n]
    ends = [claim_start[j + 1] for j in fe]
    latest = [a if b - a == 1 else max(range(a, b), key=lambda k: (ordinals[k], k))
              for a, b in zip([claim_start[j] for j in fe], ends)]
    del ends
    fw = [weight[edge_types[j]][stances[k] - _UNSET] for j, k in zip(fe, latest)]
    del latest
    fu = [sources[j] if forward[edge_types[j]] else targets[j] for j in fe]
    fv = [targets[j] if forward[edge_types[j]] else sources[j] for j in fe]

    if names:  # validated: each key names one node, so the keys alone order the pairs
        given = names["names"]
        name_pairs = [(key, index[given[key]]) for key in sorted(given)]
        code_pairs = sorted((code, index[node_id]) for code, ids in names["codes"].items() for node_id in ids)
    else:
        name_pairs, code_pairs = set(), set()
        for i, node in enumerate(nodes):
            for text in (node.id, node.name, node.name_en, *node.aliases):
                if text:
                    name_pairs.add((name_key(text), i))
            for t in tickers(node):
                full, code = ticker_keys(t)
                name_pairs.add((full, i))
                code_pairs.add((code, i))
        name_pairs, code_pairs = sorted(name_pairs), sorted(code_pairs)
    names, codes = name_pairs, code_pairs

    # an end that is no node (only in data not validated yet) goes to a last row, never read
    out_start, out_order = _rows(n + 1, sources if max(sources, default=0) < n else [min(s, n) for s in sources])
    in_start, in_order = _rows(n + 1, targets if max(targets, default=0) < n else [min(d, n) for d in targets])
    node_code = {t: i for i, t in enumerate(NODE_TYPES)}
    enc = msgspec.msgpack.Encoder()
    layout = _Layout(
        graph_fields=sorted(data.model_fields_set),
        version=data.version,
        ids=c.ids,
        node_types=bytes(node_code[node.type] for node in nodes),
        nodes=msgspec.Raw(nodes_blob),
        strings=c.strings,
        edge_types=bytes(c.edge_types),
        sources=_ints("i", sources).tobytes(),
        targets=_ints("i", targets).tobytes(),
        claim_start=_ints("i", claim_start).tobytes(),
        reports=_packed("i", c.reports),
        ordinals=_packed("i", ordinals),
        stances=_packed("b", stances),
        quotes=c.quotes,
        quote_start=c.quote_start.tobytes(),
        claim_drivers=_packed("i", c.claim_drivers),
        name_keys=msgspec.Raw(enc.encode([k for k, _ in names])),
        name_nodes=_ints("i", [i for _, i in names]).tobytes(),
        code_keys=msgspec.Raw(enc.encode([k for k, _ in codes])),
        code_nodes=_ints("i", [i for _, i in codes]).tobytes(),
        flow=_flow_rows(n, (fu, fv, fw, fe)),
        reverse_flow=_flow_rows(n, (fv, fu, fw, fe)),
        out_edges=(out_start.tobytes(), _ints("i", out_order).tobytes()),
        in_edges=(in_start.tobytes(), _ints("i", in_order).tobytes()),
        weights=c.weights,
    )
    return layout_parts(layout) if parts else enc.encode(layout)


def tickers(node) -> list[str]:
    """A node's tickers: the primary one first, then other listings."""
    out = [node.ticker] if getattr(node, "ticker", None) else []
    return out + [listing.ticker for listing in getattr(node, "listings", ())]


class Entry:
    """A validated graph held as columns; models are built on first use and kept.

    Build one with :meth:`open` (cache bytes) or :meth:`from_data` (models at hand, which
    are then the ones handed out: ``from_data(d).data() is d``).
    """

    def __init__(self, layout: _Layout):
        self._layout = layout
        self.ids: list[str] = layout.ids
        self.node_count = len(self.ids)
        self.table: list[str] = self.ids + layout.strings  # one string object per id
        self._node_types = layout.node_types
        self._edge_types = layout.edge_types
        self._sources = _view(layout.sources, "i")
        self._targets = _view(layout.targets, "i")
        self._claim_start = _view(layout.claim_start, "i")
        self._reports = _view(layout.reports, "i")
        self._ordinals = _view(layout.ordinals, "i")
        self._stances = _view(layout.stances, "b")
        self._quote_start = _view(layout.quote_start, "q")
        self._quotes = layout.quotes
        self._weights = layout.weights
        self._claim_drivers = _view(layout.claim_drivers, "i")
        n, m = self.node_count, len(self._edge_types)
        if not (len(self._node_types) == n and len(self._sources) == len(self._targets) == m
                and len(self._claim_start) == m + 1 and len(self._quote_start) == len(self._reports) + 1
                and len(self._reports) == len(self._ordinals) == len(self._stances) == len(self._claim_drivers)
                == self._claim_start[m]):
            raise ValueError("columns differ in length")
        for rows in (layout.flow, layout.reverse_flow):  # compressed rows: n + 1 offsets, ending at the length
            start = _view(rows[0], "i")
            count = len(rows[1]) // 4
            if len(start) != n + 1 or start[n] != count or len(rows[2]) != 8 * count or len(rows[3]) != 4 * count:
                raise ValueError("flow rows do not fit")
        for rows in (layout.out_edges, layout.in_edges):  # n + 1 rows (the last: ends that are no node)
            start = _view(rows[0], "i")
            if len(start) != n + 2 or start[n + 1] != m or len(rows[1]) != 4 * m:
                raise ValueError("edge rows do not fit")
        if len(layout.name_nodes) % 4 or len(layout.code_nodes) % 4:
            raise ValueError("name index does not fit")
        self._node_models: list[Any] = [None] * n
        self._edge_models: list[Any] = [None] * m
        self._all_nodes = self._all_edges = False
        self._raw_nodes: list[msgspec.Raw] = msgspec.msgpack.decode(layout.nodes, type=list[msgspec.Raw])
        if len(self._raw_nodes) != n:
            raise ValueError("node columns differ in length")
        self._data = None
        self.source: tuple[str, str, bool] | None = None
        """(the graph file's path, the SHA-256 of the bytes validated into this entry,
        whether those bytes were written by :func:`supplychain.store.write_graph`), set by
        :func:`supplychain.cache.load_entry`: when :meth:`data` hands out every model, it
        tells :func:`supplychain.previous.note_read`."""
        self.canonical = False
        """Whether the file this entry was made from was written by
        :func:`supplychain.store.write_graph` (so it is the canonical dump of these models,
        byte for byte), as the cache entry's header says (:func:`supplychain.cache.remember`)."""
        self._index: dict[str, int] | None = None
        self._names: tuple[list[str], Any, list[str], Any] | None = None
        self._flows: dict[str, FlowRows] = {}

    # ------------------------------------------------------------------ making one

    @classmethod
    def open(cls, payload, data=None) -> "Entry":
        """Read an entry from bytes made by :func:`encode` (raises on anything else).

        ``data``: the models ``payload`` was encoded from, if at hand; they are then the
        ones handed out, and none is built.
        """
        entry = cls(msgspec.msgpack.decode(payload, type=_Layout))
        if data is not None:
            entry._node_models = list(data.nodes)
            entry._edge_models = list(data.edges)
            entry._all_nodes = entry._all_edges = True
            entry._data = data
        return entry

    @classmethod
    def from_data(cls, data) -> "Entry":
        """The entry of validated models, handing out these very models."""
        return cls.open(encode(data), data)

    # ------------------------------------------------------------------ nodes

    def __len__(self) -> int:
        """The number of edges."""
        return len(self._edge_types)

    @property
    def claim_count(self) -> int:
        return len(self._reports)

    @property
    def index(self) -> dict[str, int]:
        """Node id -> position."""
        if self._index is None:  # an id used twice (data not validated yet): its first node, as encode
            self._index = dict(zip(reversed(self.ids), range(self.node_count - 1, -1, -1)))
        return self._index

    def type_of(self, i: int) -> str:
        return NODE_TYPES[self._node_types[i]]

    def node(self, i: int):
        """The model of node ``i``."""
        model = self._node_models[i]
        if model is None:
            model = self._node_models[i] = _build_node(msgspec.msgpack.decode(self._raw_nodes[i]))
        return model

    def nodes(self) -> list:
        """Every node's model, in file order."""
        if not self._all_nodes:
            if any(m is None for m in self._node_models):
                with _kept():
                    given = msgspec.msgpack.decode(self._layout.nodes)  # all at once: faster
                    for i, model in enumerate(self._node_models):
                        if model is None:
                            self._node_models[i] = _build_node(given[i])
            self._all_nodes = True
        return self._node_models

    # ------------------------------------------------------------------ edges

    def edge_type(self, j: int) -> str:
        return EDGE_TYPES[self._edge_types[j]]

    def edge_ends(self, j: int) -> tuple[str, str]:
        return self.table[self._sources[j]], self.table[self._targets[j]]

    def _current(self, j: int, limit: int | None) -> int | None:
        """Position of edge ``j``'s current claim: the latest dated on or before the
        ``limit`` ordinal (any, if None), ties to the later-listed; None if there is none
        (as :func:`~supplychain.schema.current_claim`)."""
        ordinals = self._ordinals
        best, best_ordinal = None, -1
        for k in range(self._claim_start[j], self._claim_start[j + 1]):
            ordinal = ordinals[k]
            if (limit is None or ordinal <= limit) and ordinal >= best_ordinal:
                best, best_ordinal = k, ordinal
        return best

    def edge_stance(self, j: int, as_of: dt.date | None = None) -> str | None:
        """The stance of edge ``j``'s current claim (see :func:`~supplychain.schema.current_claim`)."""
        k = self._current(j, as_of.toordinal() if as_of is not None else None)
        stance = self._stances[k] if k is not None else -1
        return STANCES[stance] if stance >= 0 else None

    def driver_edges(self) -> list[int]:
        """Indexes of the edges with a claim that names its note's driver (ascending).

        Read from the column, no model built; a graph without such claims (the seed, the
        synthetic graphs) answers at once.
        """
        found = getattr(self, "_driver_edges", None)
        if found is None:
            found = []
            if self._layout.claim_drivers.strip(b"\xff"):  # every claim -1: all bytes 0xff
                start = self._claim_start.tolist()
                drivers = self._claim_drivers.tolist()
                found = [j for j in range(len(start) - 1) if any(d >= 0 for d in drivers[start[j]:start[j + 1]])]
            self._driver_edges = found
        return found

    def untagged_edges_by_report(self) -> dict[str, list[int]]:
        """Report id → indexes of the edges holding a claim of that report that names no
        driver (ascending), read from the columns."""
        found = getattr(self, "_untagged_by_report", None)
        if found is None:
            start = self._claim_start.tolist()
            drivers = self._claim_drivers.tolist()
            reports = self._reports.tolist()
            by_index: dict[int, list[int]] = {}
            for j in range(len(start) - 1):
                for k in range(start[j], start[j + 1]):
                    if drivers[k] < 0:
                        edges = by_index.setdefault(reports[k], [])
                        if not edges or edges[-1] != j:
                            edges.append(j)
            found = {self.table[r]: edges for r, edges in by_index.items()}
            self._untagged_by_report = found
        return found

    def edge(self, j: int):
        """The model of edge ``j`` with its claims."""
        model = self._edge_models[j]
        if model is None:
            model = self._edge_models[j] = self._build_edge(j)
        return model

    def edges(self) -> list:
        """Every edge's model, in file order."""
        if not self._all_edges:
            missing = [j for j, model in enumerate(self._edge_models) if model is None]
            if len(missing) > len(self._edge_models) // 4:
                with _kept():
                    self._build_all_edges()
            else:
                for j in missing:
                    self._edge_models[j] = self._build_edge(j)
            self._all_edges = True
        return self._edge_models

    def _build_all_edges(self) -> None:
        """Build the missing edges a column at a time (every claim, then the edges; see
        :func:`~supplychain.construct._instances`): several times faster than one edge
        at a time."""
        from .schema import Edge

        claims = self._claims(0, len(self._reports))
        start = self._claim_start.tolist()
        models = self._edge_models
        missing = [j for j, model in enumerate(models) if model is None]
        if len(missing) == len(models):
            table = self.table
            types = list(map(EDGE_TYPES.__getitem__, self._edge_types))
            sources = list(map(table.__getitem__, self._sources.tolist()))
            targets = list(map(table.__getitem__, self._targets.tolist()))
            values = [{"type": t, "source": s, "target": d, "claims": claims[a:b]}
                      for t, s, d, a, b in zip(types, sources, targets, start, start[1:])]
            models[:] = _instances(Edge, values, [_EDGE_FIELDS] * len(values))
            return
        for j in missing:
            models[j] = self._build_edge(j, claims[start[j]:start[j + 1]])

    def _build_edge(self, j: int, claims: list | None = None):
        """The model of edge ``j``; ``claims``: its claims' models, if already built."""
        from .schema import Edge

        if claims is None:
            claims = self._claims(self._claim_start[j], self._claim_start[j + 1])
        table = self.table
        values = {"type": EDGE_TYPES[self._edge_types[j]], "source": table[self._sources[j]],
                  "target": table[self._targets[j]], "claims": claims}
        return _instance(Edge, values, {"type", "source", "target", "claims"})

    def _claims(self, a: int, b: int) -> list:
        """The models of claims ``a`` to ``b`` (positions in the claim columns), a column
        at a time: each field's values made by ``map`` in C, then every ``__dict__`` (in
        the fields' declaration order, as validation makes it) and every set of fields."""
        from .schema import Claim

        table, quotes = self.table, self._quotes
        if a >= b:
            return []
        reports = list(map(table.__getitem__, self._reports[a:b].tolist()))
        # one date object per claim, as validation makes: a shared one would come out
        # of a YAML dump as an anchor and aliases
        dates = list(map(_fromordinal, self._ordinals[a:b].tolist()))
        at = self._quote_start[a : b + 1].tolist()
        texts = [quotes[x:y].decode() for x, y in zip(at, at[1:])]  # (UTF-8)
        codes = self._stances[a:b].tolist()
        stances = list(map(_STANCE_OF.__getitem__, codes))
        values = [{"report": r, "date": d, "quote": q, "stance": s, "weight": None, "driver": None}
                  for r, d, q, s in zip(reports, dates, texts, stances)]
        fields = list(map(_CLAIM_FIELDS.__getitem__, map(_UNSET.__eq__, codes)))  # (shared: copied by _instances)
        if self._weights:
            for k, weight in self._weights.items():
                if a <= k < b and weight is not None:
                    values[k - a]["weight"] = weight
                    fields[k - a] = fields[k - a] | {"weight"}
        drivers = self._claim_drivers[a:b]
        if drivers.tobytes().strip(b"\xff"):  # some claim names its driver (every -1: all bytes 0xff)
            for k, driver in enumerate(drivers.tolist()):
                if driver >= 0:
                    values[k]["driver"] = table[driver]
                    fields[k] = fields[k] | {"driver"}
        return _instances(Claim, values, fields)

    @property
    def has_weights(self) -> bool:
        """Whether any claim carries a weight (an imported ETF holding)."""
        return bool(self._weights)

    def edges_by(self, node_id: str, side: str) -> list[int]:
        """Indexes of the edges whose ``side`` (``"out"``: source, ``"in"``: target) is the node."""
        i = self.index.get(node_id)
        if i is None:
            return []
        start, order = self._layout.out_edges if side == "out" else self._layout.in_edges
        start_v = _view(start, "i")
        return _view(order, "i")[start_v[i]:start_v[i + 1]].tolist()

    # ------------------------------------------------------------------ the whole graph

    def data(self):
        """The :class:`~supplychain.schema.GraphData` of every model."""
        differ: set[int] = set()
        if self._data is None:
            from .schema import GraphData

            if self.source is not None:  # models handed out before: changed since they were built?
                differ = self._changed_since_built()
            values = {"version": self._layout.version, "nodes": list(self.nodes()), "edges": list(self.edges())}
            self._data = _instance(GraphData, values, set(self._layout.graph_fields))
        if self.source is not None:  # (path, digest, canonical): a write of this graph may reuse the file's text
            from .previous import note_read

            note_read(*self.source, self._data, entry=self, differ=differ)
            self.source = None
        return self._data

    def _changed_since_built(self) -> set[int]:
        """The ids of the models built before :meth:`data` (a command's lookups) that no
        longer equal what the columns give (a field set, a list changed in place): a write
        must not take their text, nor their columns, from the file. A few, usually."""
        from .slices import _same

        differ = set()
        for i, model in enumerate(self._node_models):
            if model is not None and not _same(model, _build_node(msgspec.msgpack.decode(self._raw_nodes[i]))):
                differ.add(id(model))
        for j, model in enumerate(self._edge_models):
            if model is not None and not _same(model, self._build_edge(j)):
                differ.add(id(model))
        return differ

    # ------------------------------------------------------------------ indexes

    def lookup(self, key: str, codes: bool = False) -> set[str]:
        """Ids of the nodes a normalised key names (``codes``: the bare-code index)."""
        if self._names is None:
            decode = msgspec.msgpack.decode
            lay = self._layout
            names = (decode(lay.name_keys, type=list[str]), _view(lay.name_nodes, "i"),
                     decode(lay.code_keys, type=list[str]), _view(lay.code_nodes, "i"))
            if len(names[0]) != len(names[1]) or len(names[2]) != len(names[3]):
                from .errors import SupplyChainError

                raise SupplyChainError("the graph's cache entry is damaged: delete the folder .supplychain-cache beside the graph file")
            self._names = names
        keys, nodes = (self._names[2], self._names[3]) if codes else (self._names[0], self._names[1])
        found = set()
        k = bisect_left(keys, key)
        while k < len(keys) and keys[k] == key:
            found.add(self.ids[nodes[k]])
            k += 1
        return found

    def flow(self, reverse: bool = False) -> FlowRows:
        """The flow adjacency of the current graph (forward, or walked backwards)."""
        which = "reverse" if reverse else "forward"
        if which not in self._flows:
            self._flows[which] = FlowRows(self, self._layout.reverse_flow if reverse else self._layout.flow)
        return self._flows[which]

    def flow_as_of(self, as_of: dt.date, reverse: bool = False) -> dict[str, list[tuple[str, float, int]]]:
        """The flow adjacency counting only claims dated on or before ``as_of``."""
        adj: dict[str, list[tuple[str, float, int]]] = {}
        limit = as_of.toordinal()
        table = self.table
        rules = [EDGE_RULES[t] for t in EDGE_TYPES]
        n = self.node_count
        stances = self._stances
        with gc_paused():
            for j, (t, s, d) in enumerate(zip(self._edge_types, self._sources, self._targets)):
                rule = rules[t]
                if rule.flow == "none" or s >= n or d >= n:  # an end that is no node: as encode
                    continue
                best = self._current(j, limit)
                if best is None:
                    continue
                stance = stances[best]
                w = rule.weight * STANCE_WEIGHT[STANCES[stance]] if rule.stance and stance >= 0 else rule.weight
                u, v = (s, d) if (rule.flow == "forward") != reverse else (d, s)
                adj.setdefault(table[u], []).append((table[v], w, j))
        return adj
