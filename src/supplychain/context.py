"""Stance in context: which claims speak for the driver a query starts from.

A claim made by ``ingest`` records the driver its note is about. For a driver ``D`` a
stance counts when its claim is about ``D`` or about a driver ``D`` drives. A claim that
names no driver (the seed graph, written before notes carried one; a hand-written patch)
counts for the drivers its report links into the chain: a report that gives a ``drives``
claim from a driver of ``D``'s context speaks for ``D`` (the seed note, about Alibaba
capex, speaks for 阿里云资本开支, the drivers it drives and the drivers above it, not for
腾讯资本开支); a report that links no driver at all (a patch of names, an ETF's holdings)
speaks for every driver. :class:`Context` holds, for every edge whose claims name drivers
or come from a report silent for the query, the claim that counts (or None: the name is
*inferred* there) and the hop weight that follows; :class:`ContextAdjacency` lays those
weights over the flow adjacency the walk uses. While no claim names a driver, every claim
counts for every driver (no context is built).
"""

from __future__ import annotations

from dataclasses import dataclass

from .graph import Graph
from .schema import EDGE_RULES, INFERRED_WEIGHT, STANCE_WEIGHT, Claim, current_claim


class DriverContext(frozenset):
    """The drivers whose notes speak for a driver (a frozenset of ids), with ``silent``:
    the reports whose claims naming no driver do not count for it (module docstring),
    worked out the first time it is asked (a query on a graph whose claims name no driver
    never asks)."""

    _g: Graph | None = None
    _silent: frozenset[str] | None = None

    @classmethod
    def make(cls, g: Graph, drivers) -> "DriverContext":
        out = cls(drivers)
        out._g = g
        return out

    @property
    def silent(self) -> frozenset[str]:
        if self._silent is None:
            links = report_links(self._g) if self._g is not None else {}
            self._silent = frozenset(r for r, linked in links.items() if linked and not linked & self)
        return self._silent


def report_links(g: Graph) -> dict[str, frozenset[str]]:
    """Report id → the drivers whose ``drives`` edges hold a claim of it naming no driver
    (the drivers that report links into the chain), for every report with such claims."""
    found = g.__dict__.get("_report_links")
    if found is None:
        entry = g.entry
        types = g.node_types
        found = {}
        for report, edges in entry.untagged_edges_by_report().items():
            linked = set()
            for j in edges:
                source = entry.edge_ends(j)[0]
                if entry.edge_type(j) == "drives" and types.get(source) == "driver":
                    linked.add(source)
            found[report] = frozenset(linked)
        g.__dict__["_report_links"] = found
    return found


def context_of(g: Graph, driver_id: str) -> DriverContext:
    """:func:`driver_context` of a driver in the graph; for one a plan is about to add,
    itself alone, with every report that links a driver silent for it."""
    if driver_id in g.nodes:
        return driver_context(g, driver_id)
    return DriverContext.make(g, {driver_id})


def driver_context(g: Graph, driver_id: str) -> DriverContext:
    """The drivers whose notes speak for ``driver_id``: itself and every driver it drives
    (through ``drives`` edges, at any depth), with the reports silent for them. Read from
    the graph's columns, which never change, so it is worked out once per graph and driver
    (history asks it for every claim of a name)."""
    known = g.__dict__.setdefault("_driver_contexts", {})
    if driver_id in known:
        return known[driver_id]
    seen = {driver_id}
    todo = [driver_id]
    types = g.node_types
    entry = g.entry
    while todo:
        u = todo.pop()
        for j in entry.edges_by(u, "out"):  # columns only: no edge model built
            target = entry.edge_ends(j)[1]
            if entry.edge_type(j) == "drives" and types.get(target) == "driver" and target not in seen:
                seen.add(target)
                todo.append(target)
    known[driver_id] = found = DriverContext.make(g, seen)
    return found


def claim_counts(claim: Claim, context: frozenset[str]) -> bool:
    """Whether ``claim`` speaks for a driver whose context is ``context``: its note is
    about one of them, or it names no driver and its report is not silent for them."""
    if claim.driver is not None:
        return claim.driver in context
    return claim.report not in getattr(context, "silent", ())


def context_claim(claims: list[Claim], drivers: frozenset[str], as_of=None) -> Claim | None:
    """The current claim of an edge for a query from ``drivers`` (a driver and those it drives).

    Each driver's notes (with the claims naming no driver, which speak for every driver)
    give that driver's current claim; the latest of those wins, except that one driver's
    ``dropped`` does not hide a name another driver of the context still names: a name is
    dropped for the context only when every driver that spoke of it dropped it. With no
    drop this is the latest counting claim, as :func:`~supplychain.schema.current_claim`.
    """
    counted = [c for c in claims if claim_counts(c, drivers)]
    if not any(c.stance == "dropped" for c in counted):
        return current_claim(counted, as_of)
    untagged = [c for c in counted if c.driver is None]
    groups = sorted({c.driver for c in counted if c.driver is not None})
    currents = [current_claim([c for c in counted if c.driver in (None, d)], as_of) for d in groups] or [current_claim(untagged, as_of)]
    currents = [c for c in currents if c is not None]
    kept = [c for c in currents if c.stance != "dropped"] or currents
    return current_claim([c for c in counted if any(c is k for k in kept)], as_of)


@dataclass
class Context:
    """A query's driver context on the edges whose claims name drivers.

    ``edges`` maps each such stance-carrying edge (index) to its current claim among those
    that count for the context, or None when none counts (the edge is then *inferred*);
    ``weights`` holds the hop weight each gets.
    """

    drivers: frozenset[str]
    edges: dict[int, Claim | None]
    weights: dict[int, float]


def build_context(g: Graph, drivers: frozenset[str], as_of) -> Context | None:
    """The context of a query from ``drivers`` (a :class:`DriverContext`): every stance
    edge with a claim naming a driver or from a report silent for it; None when no claim
    names a driver."""
    tagged = g.entry.driver_edges()
    if not tagged:
        return None
    silent = getattr(drivers, "silent", ())
    if silent:
        by_report = g.entry.untagged_edges_by_report()
        tagged = sorted(set(tagged).union(*(by_report.get(r, ()) for r in silent)))
    edges: dict[int, Claim | None] = {}
    weights: dict[int, float] = {}
    edge = g.entry.edge
    for j in tagged:
        e = edge(j)
        rule = EDGE_RULES[e.type]
        if not rule.stance or rule.flow == "none":
            continue
        mine = context_claim(e.claims, drivers, as_of)
        edges[j] = mine
        if mine is None:
            weights[j] = rule.weight * INFERRED_WEIGHT
        else:
            weights[j] = rule.weight * STANCE_WEIGHT[mine.stance] if mine.stance else rule.weight
    return Context(drivers, edges, weights)


class ContextAdjacency:
    """A flow adjacency with the weights of a :class:`Context` on the edges it covers."""

    def __init__(self, g: Graph, base, context: Context, reverse: bool = False):
        self.base = base
        self.rows: dict[str, list] = {}
        weights = context.weights
        for j in weights:
            source, target = g.entry.edge_ends(j)
            forward = EDGE_RULES[g.entry.edge_type(j)].flow == "forward"
            u = source if forward != reverse else target
            if u not in self.rows:
                self.rows[u] = [(v, weights.get(k, w), k) for v, w, k in base.get(u, ())]

    def get(self, u, default=()):
        row = self.rows.get(u)
        return row if row is not None else self.base.get(u, default)


def in_context(g: Graph, context: Context, steps, stance: str | None) -> tuple[str | None, str, str | None]:
    """(stance, basis, stance_driver) of a result whose path is ``steps``, in ``context``."""
    if any(context.edges.get(j, True) is None for _, _, _, j in steps):
        return None, "inferred", None
    if not steps or not EDGE_RULES[g.entry.edge_type(steps[-1][3])].stance:
        return stance, "named", None
    j = steps[-1][3]
    if j in context.edges:
        claim = context.edges[j]
        return claim.stance, "named", claim.driver
    return stance, "named", None
