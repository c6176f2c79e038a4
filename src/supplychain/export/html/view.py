"""Which nodes and edges the page draws: the whole graph, a driver's exposure, a neighbourhood.

>>> from supplychain import load_graph
>>> g = load_graph("data/graph.yaml")
>>> view = select(g, focus="中际旭创", depth=1)
>>> sorted(g.nodes[n].type for n in view.nodes)
['company', 'sector']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ...errors import SupplyChainError
from ...schema import NODE_TYPES, Edge

if TYPE_CHECKING:
    from ...graph import Graph
    from ...query import Reach

DEFAULT_DEPTH = {"driver": 4, "focus": 2}

@dataclass
class View:
    """What to draw: node ids and edges, plus what a driver query knows about them.

    ``mode`` is ``"graph"``, ``"driver"`` or ``"focus"``; ``origin`` is the driver or
    focus node; ``reach`` holds the exposure results by id; ``left_out`` counts the
    results (driver) or nodes (otherwise) that ``max_nodes`` dropped.
    """

    nodes: list[str]
    edges: list[Edge]
    mode: str = "graph"
    origin: Any = None
    depth: int | None = None
    reach: dict[str, "Reach"] = field(default_factory=dict)
    results: int = 0
    left_out: int = 0
    max_nodes: int | None = None
    book: dict[str, float] = field(default_factory=dict)  # --portfolio: node id -> weight in the book
    book_note: str = ""  # --portfolio: what the caption says about the book


def select(
    g: "Graph", *, driver: str | None = None, focus: str | None = None, depth: int | None = None, max_nodes: int | None = None
) -> View:
    """The nodes and edges to draw: the whole graph, a driver's exposure subgraph or a neighbourhood.

    With ``driver``: the union of the best paths of :func:`~supplychain.query.exposure`
    (``depth`` hops, default 4). With ``focus``: every node within ``depth`` hops of it
    (default 2), edges in either direction, and the edges among them. ``max_nodes`` keeps
    the best-scored results (driver), the nearest nodes (focus) or the nodes nearest the
    root drivers (whole graph). Names resolve with :meth:`Graph.resolve`; its errors
    propagate.
    """
    if driver is not None and focus is not None:
        raise SupplyChainError("use --driver or --focus, not both")
    if depth is not None and depth < 1:
        raise SupplyChainError(f"depth must be at least 1 (got {depth})")
    if max_nodes is not None and max_nodes < 1:
        raise SupplyChainError(f"max-nodes must be at least 1 (got {max_nodes})")
    if driver is not None:
        return _driver_view(g, driver, depth or DEFAULT_DEPTH["driver"], max_nodes)
    if focus is not None:
        origin = g.resolve(focus)
        d = depth or DEFAULT_DEPTH["focus"]
        dist = _distances(g, [origin.id], d)
        view = _induced_view(g, dist, max_nodes)
        view.mode, view.origin, view.depth = "focus", origin, d
        return view
    if depth is not None:
        raise SupplyChainError("--depth applies with --driver or --focus only")
    if max_nodes is None or max_nodes >= len(g.nodes):
        return View(nodes=[n.id for n in g.data.nodes], edges=list(g.edges), max_nodes=max_nodes)
    roots = [n.id for n in g.data.nodes if n.type == "driver" and not any(e.type == "drives" for e in g.in_edges(n.id))]
    roots = roots or [g.data.nodes[0].id]
    view = _induced_view(g, _distances(g, roots, len(g.nodes)), max_nodes)
    return view


def _driver_view(g: "Graph", driver: str, depth: int, max_nodes: int | None) -> View:
    from ...query import exposure

    report = exposure(g, driver, depth=depth)
    origin = report.driver
    kept: dict[str, None] = {origin.id: None}
    keys: set[tuple[str, str, str]] = set()
    reach: dict[str, Reach] = {}
    for r in report.results:
        new = [n for n in r.path if n not in kept]
        if max_nodes is not None and len(kept) + len(new) > max_nodes:
            break
        kept.update(dict.fromkeys(new))
        keys.update(h.edge.key for h in r.hops)
        reach[r.id] = r
    order = {n.id: i for i, n in enumerate(g.data.nodes)}
    return View(
        nodes=sorted(kept, key=order.__getitem__),
        edges=[e for e in g.edges if e.key in keys],
        mode="driver",
        origin=origin,
        depth=depth,
        reach=reach,
        results=len(report.results),
        left_out=len(report.results) - len(reach),
        max_nodes=max_nodes,
    )


def _distances(g: "Graph", starts: list[str], depth: int) -> dict[str, int]:
    """Hops from the nearest start to every node within ``depth``, ignoring direction."""
    dist = {s: 0 for s in starts}
    frontier = list(starts)
    for d in range(1, depth + 1):
        nxt = []
        for u in frontier:
            for e in g.edges_of(u):
                v = e.target if e.source == u else e.source
                if v not in dist:
                    dist[v] = d
                    nxt.append(v)
        if not nxt:
            break
        frontier = nxt
    return dist


def _induced_view(g: "Graph", dist: dict[str, int], max_nodes: int | None) -> View:
    type_rank = {t: i for i, t in enumerate(NODE_TYPES)}
    far = len(g.nodes) + 1
    ranked = sorted(
        (n for n in g.data.nodes if n.id in dist or max_nodes is not None),
        key=lambda n: (dist.get(n.id, far), type_rank[n.type], n.id),
    )
    total = len(ranked)
    keep = {n.id for n in ranked[:max_nodes]} if max_nodes is not None else {n.id for n in ranked}
    nodes = [n.id for n in g.data.nodes if n.id in keep]
    edges = [e for e in g.edges if e.source in keep and e.target in keep]
    return View(nodes=nodes, edges=edges, left_out=total - len(keep) if max_nodes is not None else 0, max_nodes=max_nodes)

