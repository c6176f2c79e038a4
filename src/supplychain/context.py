"""Stance in context: which claims speak for the driver a query starts from.

A claim made by ``ingest`` records the driver its note is about. For a driver ``D`` a
stance counts when its claim is about ``D``, about a driver ``D`` drives, or about no
driver in particular (the seed graph). :class:`Context` holds, for every edge whose claims
name drivers, the claim that counts for the query (or None: the name is *inferred* there)
and the hop weight that follows; :class:`ContextAdjacency` lays those weights over the flow
adjacency the walk uses.
"""

from __future__ import annotations

from dataclasses import dataclass

from .graph import Graph
from .schema import EDGE_RULES, INFERRED_WEIGHT, STANCE_WEIGHT, Claim, current_claim


def driver_context(g: Graph, driver_id: str) -> frozenset[str]:
    """The drivers whose notes speak for ``driver_id``: itself and every driver it drives
    (through ``drives`` edges, at any depth)."""
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
    return frozenset(seen)


def claim_counts(claim: Claim, context: frozenset[str]) -> bool:
    """Whether ``claim`` speaks for a driver whose context is ``context``: its note is
    about one of them, or it names no driver (the seed graph)."""
    return claim.driver is None or claim.driver in context


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
    """The context of a query from ``drivers``; None when no claim names a driver."""
    tagged = g.entry.driver_edges()
    if not tagged:
        return None
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
