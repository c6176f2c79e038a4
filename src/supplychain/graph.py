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
from collections import defaultdict
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Iterable
from unicodedata import normalize as _unicode_normalize

from .errors import AmbiguousNode, NodeNotFound, WrongNodeType
from .gcpause import gc_paused
from .names import normalize, query_keys, ticker_keys
from .schema import EDGE_RULES, Edge, GraphData, current_claim, hop_weight

if TYPE_CHECKING:  # networkx is imported only by the code that needs it
    import datetime as dt

    import networkx as nx

DEFAULT_GRAPH = Path("data/graph.yaml")


def default_graph_path() -> Path:
    """``$SUPPLYCHAIN_GRAPH`` if set, else ``data/graph.yaml``."""
    return Path(os.environ.get("SUPPLYCHAIN_GRAPH") or DEFAULT_GRAPH)


def load_graph(path: Path | str | None = None) -> "Graph":
    """Load, validate and index a graph file.

    Validated files are cached beside them (see :mod:`supplychain.cache`): loading the
    same bytes again skips parsing and validation. ``SUPPLYCHAIN_NO_CACHE=1`` turns it off.
    """
    from .cache import load_data

    path = Path(path) if path is not None else default_graph_path()
    # frozen: otherwise later collections walk every model of the graph, again and again
    # (at 10k companies, 0.4 s of the first name lookup). The graph holds no cycles.
    with gc_paused(freeze=True):
        return Graph(load_data(path), path=str(path))


class Graph:
    """Validated graph data with indexes by id, name, alias and ticker.

    Parameters
    ----------
    data : GraphData
        Validated data (see :func:`supplychain.store.load_data`).
    path : str, optional
        The file it came from, for messages.
    """

    def __init__(self, data: GraphData, path: str | None = None):
        self.data = data
        self.path = path
        self.nodes = {n.id: n for n in data.nodes}
        self.edges: list[Edge] = data.edges
        self._flows: dict = {}  # as_of -> flow adjacency
        self._reverse_flows: dict = {}

    # Edges by source and by target are built on first use: an exposure query never
    # needs them, and at 500k edges they take half a second.
    @cached_property
    def _out(self) -> dict[str, list[Edge]]:
        return self._index_edges()[0]

    @cached_property
    def _in(self) -> dict[str, list[Edge]]:
        return self._index_edges()[1]

    def _index_edges(self) -> tuple[dict[str, list[Edge]], dict[str, list[Edge]]]:
        if "_edge_index" not in self.__dict__:
            out: dict[str, list[Edge]] = defaultdict(list)
            in_: dict[str, list[Edge]] = defaultdict(list)
            with gc_paused():
                for e in self.edges:
                    out[e.source].append(e)
                    in_[e.target].append(e)
            self.__dict__["_edge_index"] = (out, in_)
        return self.__dict__["_edge_index"]

    # ------------------------------------------------------------------ lookup

    @cached_property
    def _names(self) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        with gc_paused():
            return self._index_names()

    def _index_names(self) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        exact: dict[str, set[str]] = defaultdict(set)
        bare: dict[str, set[str]] = defaultdict(set)
        for n in self.data.nodes:
            for text in (n.id, n.name, n.name_en, *n.aliases):
                if text:
                    # names.normalize() inlined (str.split() drops exactly what its \s+
                    # does; ASCII is already NFKC): half the time on 500k names
                    key = "".join((text if text.isascii() else _unicode_normalize("NFKC", text)).split()).casefold()
                    exact[key].add(n.id)
            for t in self.tickers(n):
                full, code = ticker_keys(t)
                exact[full].add(n.id)
                bare[code].add(n.id)
        return exact, bare

    @staticmethod
    def tickers(node) -> list[str]:
        """Primary ticker first, then other listings."""
        out = [node.ticker] if getattr(node, "ticker", None) else []
        return out + [listing.ticker for listing in getattr(node, "listings", ())]

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
        exact, bare = self._names
        for key in query_keys(query):
            found = exact.get(key) or bare.get(key)
            if found:
                return set(found)
        return set()

    def _label(self, node_id: str) -> str:
        n = self.nodes[node_id]
        t = getattr(n, "ticker", None)
        return f"{n.name}, {t}" if t else n.name

    def suggest(self, query: str, n: int = 3) -> list[str]:
        """Close names for a query that matched nothing (by spelling, then by substring)."""
        q = normalize(query)
        by_key: dict[str, str] = {}
        for node in self.data.nodes:
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
        for node in self.data.nodes:
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
        return self._out.get(node_id, [])

    def in_edges(self, node_id: str) -> list[Edge]:
        return self._in.get(node_id, [])

    def edges_of(self, node_id: str) -> list[Edge]:
        """Every edge touching a node, outgoing first."""
        return self.out_edges(node_id) + self.in_edges(node_id)

    def flow_adjacency(self, as_of: "dt.date | None" = None) -> dict[str, list[tuple[str, float, Edge]]]:
        """Exposure adjacency: ``u -> [(v, hop weight, edge)]`` along the flow of each edge.

        Only edges with a claim dated on or before ``as_of`` count. The hop weight is the
        edge type's weight times the stance weight of its current claim.
        """
        if as_of not in self._flows:
            with gc_paused():
                self._remember(self._flows, as_of, self._flow(as_of))
        return self._flows[as_of]

    def _reverse_flow_adjacency(self, as_of: "dt.date | None" = None) -> dict[str, list[tuple[str, float, Edge]]]:
        """:meth:`flow_adjacency` walked backwards: ``v -> [(u, hop weight, edge)]``."""
        if as_of not in self._reverse_flows:
            backward: dict[str, list[tuple[str, float, Edge]]] = {}
            with gc_paused():
                for u, outs in self.flow_adjacency(as_of).items():
                    for v, w, e in outs:
                        backward.setdefault(v, []).append((u, w, e))
            self._remember(self._reverse_flows, as_of, backward)
        return self._reverse_flows[as_of]

    @staticmethod
    def _remember(cache: dict, as_of, adjacency) -> None:
        """Keep the adjacency of a few days (a `changes` run asks for two, many times)."""
        if len(cache) >= 4:
            cache.pop(next(k for k in cache if k is not None))  # the current graph stays
        cache[as_of] = adjacency

    def _flow(self, as_of: "dt.date | None") -> dict[str, list[tuple[str, float, Edge]]]:
        adj: dict[str, list[tuple[str, float, Edge]]] = defaultdict(list)
        rules = {t: r for t, r in EDGE_RULES.items() if r.flow != "none"}
        for e in self.edges:
            rule = rules.get(e.type)
            if rule is None:
                continue
            claims = e.claims
            claim = claims[0] if as_of is None and len(claims) == 1 else current_claim(claims, as_of)
            if claim is None:
                continue
            w = hop_weight(rule, claim)
            if rule.flow == "forward":
                adj[e.source].append((e.target, w, e))
            else:
                adj[e.target].append((e.source, w, e))
        return adj

    @cached_property
    def report_dates(self) -> dict[str, "dt.date"]:
        return {n.id: n.date for n in self.data.nodes if n.type == "report"}

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
