"""The in-memory graph: models indexed for lookups and traversal, and a networkx view.

:class:`Graph` never changes after it is built; ingestion builds a new one.

Examples
--------
>>> g = load_graph("data/graph.yaml")
>>> g.resolve("Innolight").id == g.resolve("300308").id == g.resolve("中际旭创").id
True
>>> g.resolve("３００３０８．ｓｚ").name
'中际旭创'
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Protocol

from .entry import Entry, tickers
from .errors import AmbiguousNode, NodeNotFound, WrongNodeType
from .gcpause import gc_paused
from .names import normalize, query_keys
from .schema import Edge, GraphData, current_claim

if TYPE_CHECKING:  # networkx is imported only by the code that needs it
    import datetime as dt

    import networkx as nx

DEFAULT_GRAPH = Path("data/graph.yaml")


class Adjacency(Protocol):
    """What :meth:`Graph.flow_adjacency` returns: a dict, or compressed rows read the same way."""

    def get(self, node_id: str, default=()) -> Any: ...

    def items(self) -> Iterable[tuple[str, list[tuple[str, float, int]]]]: ...


def default_graph_path() -> Path:
    """``$SUPPLYCHAIN_GRAPH`` if set, else ``data/graph.yaml``."""
    return Path(os.environ.get("SUPPLYCHAIN_GRAPH") or DEFAULT_GRAPH)


def load_graph(path: Path | str | None = None) -> "Graph":
    """Load, validate and index a graph file.

    Validated files are cached beside them (see :mod:`supplychain.cache`): loading the
    same bytes again skips parsing and validation, and builds no model until one is
    asked for. ``SUPPLYCHAIN_NO_CACHE=1`` turns the cache off.
    """
    from .cache import load_entry

    path = Path(path) if path is not None else default_graph_path()
    # frozen: otherwise later collections walk every model of the graph, again and again
    # (at 10k companies, 0.4 s of the first name lookup). The graph holds no cycles.
    with gc_paused(freeze=True):
        return Graph(load_entry(path), path=str(path))


class _Nodes(Mapping):
    """Node id -> model, built on first access (see :class:`~supplychain.entry.Entry`)."""

    def __init__(self, entry: Entry):
        self._entry = entry

    def __getitem__(self, node_id: str):
        return self._entry.node(self._entry.index[node_id])

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._entry.index

    def __iter__(self) -> Iterator[str]:
        return iter(self._entry.ids)

    def __len__(self) -> int:
        return self._entry.node_count

    def values(self) -> list:  # every model at once: faster than one by one
        return list(self._entry.nodes())  # a copy: the entry's own list stays as it is

    def items(self) -> list:
        return list(zip(self._entry.ids, self._entry.nodes()))


class _Edges(Sequence):
    """The edges in file order, each model built on first access."""

    def __init__(self, entry: Entry):
        self._entry = entry

    def __getitem__(self, j):
        if isinstance(j, slice):
            return [self._entry.edge(k) for k in range(len(self._entry))[j]]
        if j < 0:
            j += len(self._entry)
        if not 0 <= j < len(self._entry):
            raise IndexError(j)
        return self._entry.edge(j)

    def __len__(self) -> int:
        return len(self._entry)

    def __iter__(self) -> Iterator[Edge]:
        return iter(self._entry.edges())


class Graph:
    """Validated graph data with indexes by id, name, alias and ticker.

    Parameters
    ----------
    data : GraphData or Entry
        Validated data (see :func:`supplychain.store.load_data`), or its columnar form
        (:class:`~supplychain.entry.Entry`, what :func:`load_graph` reads from the cache).
    path : str, optional
        The file it came from, for messages.

    ``nodes`` (id -> model) and ``edges`` (in file order) build each model the first time
    it is used; ``data`` builds them all. Traversal works on the entry's columns:
    :meth:`flow_adjacency` gives edge *indexes* into ``edges``.
    """

    def __init__(self, data: "GraphData | Entry", path: str | None = None):
        self.entry = data if isinstance(data, Entry) else Entry.from_data(data)
        self.path = path
        self.nodes: Mapping[str, Any] = _Nodes(self.entry)
        self.edges: Sequence[Edge] = _Edges(self.entry)
        self._flows: dict = {}  # as_of -> flow adjacency
        self._reverse_flows: dict = {}

    @property
    def data(self) -> GraphData:
        """Every model, as :class:`~supplychain.schema.GraphData` (built once)."""
        return self.entry.data()

    @property
    def claim_count(self) -> int:
        return self.entry.claim_count

    @cached_property
    def node_types(self) -> dict[str, str]:
        """Node id -> type, without building any model (a query asks it thousands of times)."""
        e = self.entry
        return dict(zip(reversed(e.ids), [e.type_of(i) for i in range(e.node_count - 1, -1, -1)]))

    def type_of(self, node_id: str) -> str:
        """A node's type, without building its model."""
        return self.node_types[node_id]

    def edge_stance(self, j: int, as_of: "dt.date | None" = None) -> str | None:
        """The stance of edge ``j``'s current claim (on or before ``as_of``)."""
        return self.entry.edge_stance(j, as_of)

    # ------------------------------------------------------------------ lookup

    tickers = staticmethod(tickers)

    def node(self, node_id: str):
        """The node with this exact id (raises :class:`NodeNotFound`)."""
        try:
            return self.nodes[node_id]
        except KeyError:
            raise NodeNotFound(node_id, difflib.get_close_matches(node_id, list(self.nodes), n=3)) from None

    def resolve(self, query: str, types: Iterable[str] | None = None):
        """Find one node by id, name, English name, alias or ticker.

        Case, full/half width and spaces are ignored; ``300308``, ``300308.SZ`` and
        ``sz300308`` are the same ticker, and HK codes ignore leading zeros. A bare code
        listed on two exchanges raises :class:`AmbiguousNode`; nothing found raises
        :class:`NodeNotFound` with suggestions; ``types`` restricts the node types
        accepted (:class:`WrongNodeType` otherwise).
        """
        found = self.matches(query)
        if not found:
            raise NodeNotFound(query, self.suggest(query))
        if len(found) > 1:
            raise AmbiguousNode(query, sorted(f"{i} ({self._label(i)})" for i in found))
        node = self.nodes[next(iter(found))]
        if types is not None and node.type not in set(types):
            raise WrongNodeType(
                f"{query!r} is {node.name} ({node.id}), a {node.type}; this needs a {' or '.join(types)}"
            )
        return node

    def matches(self, query: str) -> set[str]:
        """Ids of the nodes ``query`` names, as :meth:`resolve` looks them up; empty if none.

        Unlike :meth:`resolve` it never raises and computes no suggestions, so checking
        many names that may be new (ingestion) stays cheap.

        >>> sorted(load_graph("data/graph.yaml").matches("旭创")), load_graph("data/graph.yaml").matches("nothing")
        (['innolight'], set())
        """
        if query in self.nodes:  # an id names its node alone (validation guarantees it)
            return {query}
        for key in query_keys(query):
            found = self.entry.lookup(key) or self.entry.lookup(key, codes=True)
            if found:
                return found
        return set()

    def _label(self, node_id: str) -> str:
        n = self.nodes[node_id]
        t = getattr(n, "ticker", None)
        return f"{n.name}, {t}" if t else n.name

    def suggest(self, query: str, n: int = 3) -> list[str]:
        """Close names for a query that matched nothing (by spelling, then by substring)."""
        q = normalize(query)
        by_key: dict[str, str] = {}
        for node in self.nodes.values():  # nodes only: a typo need not build every edge
            for text in (node.name, node.name_en, *node.aliases):
                if text:
                    by_key.setdefault(normalize(text), text)
        close = difflib.get_close_matches(q, list(by_key), n=n, cutoff=0.6)
        out = [by_key[k] for k in close]
        if len(out) < n and q:
            out += [t for k, t in by_key.items() if (q in k or k in q) and t not in out][: n - len(out)]
        return out

    def search(self, text: str, limit: int | None = None) -> list:
        """Nodes whose id, names, aliases or tickers contain ``text`` (normalised).

        Exact matches come first, then prefix matches, then substrings.
        """
        q = normalize(text)
        hits = []
        for node in self.nodes.values():
            keys = [normalize(k) for k in (node.id, node.name, node.name_en, *node.aliases, *self.tickers(node)) if k]
            if any(k == q for k in keys):
                rank = 0
            elif any(k.startswith(q) for k in keys):
                rank = 1
            elif any(q in k for k in keys):
                rank = 2
            else:
                continue
            hits.append((rank, node.type, node.id, node))
        hits.sort(key=lambda h: h[:3])
        return [h[3] for h in hits[:limit]]

    # ------------------------------------------------------------------ traversal

    def out_edges(self, node_id: str) -> list[Edge]:
        return [self.entry.edge(j) for j in self.entry.edges_by(node_id, "out")]

    def in_edges(self, node_id: str) -> list[Edge]:
        return [self.entry.edge(j) for j in self.entry.edges_by(node_id, "in")]

    def edges_of(self, node_id: str) -> list[Edge]:
        """Every edge touching a node, outgoing first."""
        return self.out_edges(node_id) + self.in_edges(node_id)

    def flow_adjacency(self, as_of: "dt.date | None" = None) -> "Adjacency":
        """Exposure adjacency: ``u -> [(v, hop weight, edge index)]`` along the flow of
        each edge (``adjacency.get(u, ())``; ``self.edges[index]`` is the edge).

        Only edges with a claim dated on or before ``as_of`` count. The hop weight is the
        edge type's weight times the stance weight of its current claim. Each node's
        entries follow the order of the edges in the file.
        """
        if as_of is None:
            return self.entry.flow()
        if as_of not in self._flows:
            self._remember(self._flows, as_of, self.entry.flow_as_of(as_of))
        return self._flows[as_of]

    def _reverse_flow_adjacency(self, as_of: "dt.date | None" = None) -> "Adjacency":
        """:meth:`flow_adjacency` walked backwards: ``v -> [(u, hop weight, edge index)]``."""
        if as_of is None:
            return self.entry.flow(reverse=True)
        if as_of not in self._reverse_flows:
            self._remember(self._reverse_flows, as_of, self.entry.flow_as_of(as_of, reverse=True))
        return self._reverse_flows[as_of]

    @staticmethod
    def _remember(cache: dict, as_of, adjacency) -> None:
        """Keep the adjacency of a few days (a `changes` run asks for two, many times)."""
        if len(cache) >= 4:
            cache.pop(next(iter(cache)))
        cache[as_of] = adjacency

    @cached_property
    def report_dates(self) -> dict[str, "dt.date"]:
        e = self.entry
        return {node_id: e.node(i).date for i, node_id in enumerate(e.ids) if e.type_of(i) == "report"}

    def to_networkx(self) -> "nx.MultiDiGraph":
        """A networkx MultiDiGraph: node attributes from the models, one edge per edge,
        keyed by type, with ``stance`` (current) and ``claims`` attributes."""
        return self._nx

    @cached_property
    def _nx(self) -> "nx.MultiDiGraph":
        import networkx as nx

        G = nx.MultiDiGraph()
        G.add_nodes_from((n.id, n.model_dump(exclude={"id"}, exclude_defaults=True) | {"type": n.type}) for n in self.data.nodes)
        for e in self.edges:
            c = current_claim(e.claims)
            G.add_edge(e.source, e.target, key=e.type, type=e.type, stance=c.stance if c else None, claims=e.claims)
        return G
