"""Queries: pure functions of a :class:`~supplychain.graph.Graph` that never change it.

The exposure score
------------------
Exposure travels from a driver along the edges whose type carries it (the ``flow`` of
:data:`~supplychain.schema.EDGE_RULES`). Each hop multiplies the score by its edge
type's weight and, on edges whose claims carry a stance, by the weight of the current
stance (:data:`~supplychain.schema.STANCE_WEIGHT`). A result's score is the best product
over paths of at most ``depth`` hops, so it lies in (0, 1], and within one sector a
recommended name always ranks above a beneficiary, which ranks above a listed name.

Stance in context: a claim made by ``ingest`` records the driver its note is about. For a
driver ``D``, a stance counts when its claim is about ``D``, about a driver ``D`` drives,
or about no driver in particular (the seed graph): such names are **named**. A name whose
stance claims all come from notes about other drivers is **inferred**: its stance hop
weighs :data:`~supplychain.schema.INFERRED_WEIGHT` instead of a stance's weight, it
carries no stance, and it is ranked after every named one.

Examples
--------
>>> from supplychain import load_graph
>>> g = load_graph("data/graph.yaml")
>>> r = exposure(g, "阿里云资本开支")
>>> top = r.results[0]
>>> top.stance, top.score, top.path[0]
('recommended', 0.9, 'alibaba-capex')
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Iterable

from .errors import NoPath, SupplyChainError
from .context import Context, ContextAdjacency, build_context, context_claim, driver_context, in_context
from .graph import Graph
from .schema import (
    EDGE_RULES, EXPOSED_TYPES, INFERRED_WEIGHT, STANCE_CALL, STANCE_WEIGHT, STANCES, Claim, Edge, current_claim,
)

EXPOSURE_SOURCES = ("driver", "sector", "company")
"""Node types an exposure query may start from."""


@dataclass(frozen=True)
class Hop:
    """One step of a path: the edge walked and the claim it rests on."""

    edge: Edge
    start: str
    end: str
    weight: float
    claim: Claim | None
    inferred: bool = False
    """The hop's claims all come from notes about other drivers than the query's: ``claim``
    is then the one that put the name there, and its stance does not count."""

    @property
    def stance(self) -> str | None:
        return self.claim.stance if self.claim and not self.inferred else None


@dataclass(frozen=True)
class Reach:
    """A node reached from a query's origin: its score, best path and that path's hops."""

    node: object
    score: float
    path: tuple[str, ...]
    hops: tuple[Hop, ...]
    stance: str | None = None
    sector: str | None = None
    basis: str = "named"
    """``named`` (a note about the query's driver, or one it drives, or the seed named it)
    or ``inferred`` (reached only through claims of notes about other drivers)."""
    stance_driver: str | None = None
    """The driver of the note whose claim gives ``stance`` (None for a claim naming none)."""
    constituents: tuple["Constituent", ...] | None = None
    """For an ETF scored by look-through (:func:`look_through`): its reached holdings, by contribution."""

    @property
    def id(self) -> str:
        return self.node.id

    @property
    def call(self) -> str:
        """``exposed``, ``neutral`` or ``negative`` (:data:`~supplychain.schema.STANCE_CALL`)."""
        return STANCE_CALL[self.stance]

    def explain(self) -> str:
        """The score as a product of its hop weights, e.g. ``drives 0.9 × member_of 1 × recommended 1 = 0.9``."""
        if self.constituents is not None:
            return f"look-through: Σ weight × score over {len(self.constituents)} reached holdings = {self.score:.4g}"
        parts = []
        for h in self.hops:
            rule = EDGE_RULES[h.edge.type]
            if rule.stance and h.inferred:
                parts.append(f"{h.edge.type} {rule.weight:g} × inferred {INFERRED_WEIGHT:g}")
            elif rule.stance and h.stance:
                parts.append(f"{h.edge.type} {rule.weight:g} × {h.stance} {STANCE_WEIGHT[h.stance]:g}")
            else:
                parts.append(f"{h.edge.type} {rule.weight:g}")
        return " × ".join(parts) + f" = {self.score:.4g}"


@dataclass
class ExposureReport:
    """What :func:`exposure` returns: the driver and its exposed names, best first.

    ``negative`` holds the names whose current stance is a negative call (减持, Sell…):
    they are reached by the driver but are shorts, so they are never among ``results``.
    """

    driver: object
    results: list[Reach] = field(default_factory=list)
    depth: int = 4
    as_of: dt.date | None = None
    negative: list[Reach] = field(default_factory=list)


def best_paths(adjacency, origin: str, depth: int) -> dict[str, tuple[float, tuple[tuple[str, str, float, object], ...]]]:
    """Best-scoring path of at most ``depth`` hops from ``origin`` to every reachable node.

    ``adjacency.get(u, ())`` lists ``(v, weight, edge)`` (see
    :meth:`~supplychain.graph.Graph.flow_adjacency`, where ``edge`` is an edge's index).
    The result maps each node to its score and the steps of its path, ``(u, v, weight,
    edge)`` from the origin on.

    A layered dynamic programme: round ``k`` extends only the nodes whose score improved
    in round ``k - 1``, so each edge is looked at no more than ``depth`` times. Weights
    are ≤ 1, so a best path never needs a cycle; ties keep the shorter path, then the
    path found first.

    >>> adj = {"a": [("b", 0.5, 0), ("c", 0.9, 1)], "c": [("b", 0.9, 2)]}
    >>> {k: round(v[0], 2) for k, v in best_paths(adj, "a", 2).items()}
    {'a': 1.0, 'b': 0.81, 'c': 0.9}
    >>> round(best_paths(adj, "a", 1)["b"][0], 2), best_paths(adj, "a", 2)["b"][1]
    (0.5, (('a', 'c', 0.9, 1), ('c', 'b', 0.9, 2)))
    """
    best: dict[str, tuple[float, tuple]] = {origin: (1.0, ())}
    frontier = [origin]
    get = adjacency.get
    for _ in range(depth):
        improved: dict[str, None] = {}
        # extend the scores as they were at the end of the previous round: a node improved
        # earlier in this round must not pass on a path one hop longer than the round allows
        for u, (score_u, steps_u) in [(u, best[u]) for u in frontier]:
            for v, w, e in get(u, ()):
                s = score_u * w
                found = best.get(v)
                if found is None or s > found[0] + 1e-12:
                    best[v] = (s, steps_u + ((u, v, w, e),))
                    improved[v] = None
        if not improved:
            break
        frontier = list(improved)
    return best


def _hops(g: Graph, steps, as_of, context: "Context | None" = None) -> tuple[Hop, ...]:
    edge = g.entry.edge
    out = []
    for u, v, w, j in steps:
        e = edge(j)
        if context is not None and j in context.edges:
            claim = context.edges[j]
            if claim is None:
                out.append(Hop(e, u, v, w, current_claim(e.claims, as_of), inferred=True))
            else:
                out.append(Hop(e, u, v, w, claim))
        else:
            out.append(Hop(e, u, v, w, current_claim(e.claims, as_of)))
    return tuple(out)


def _reversed(hops: tuple[Hop, ...]) -> tuple[Hop, ...]:
    """The same walk read from its far end back to its origin."""
    return tuple(Hop(h.edge, h.end, h.start, h.weight, h.claim) for h in reversed(hops))


def _stance_and_sector(g: Graph, path: tuple[str, ...], last_edge: int | None, as_of) -> tuple[str | None, str | None]:
    """The result's own stance (that of the path's last edge, by index, when its type
    carries one: an ETF reached through a holding has none) and the last sector on the path."""
    stance = None
    if last_edge is not None and EDGE_RULES[g.entry.edge_type(last_edge)].stance:
        stance = g.edge_stance(last_edge, as_of)
    types = g.node_types
    sector = next((nid for nid in reversed(path) if types[nid] == "sector"), None)
    return stance, sector


def exposure(
    g: Graph,
    driver: str,
    *,
    depth: int = 4,
    as_of: dt.date | None = None,
    types: Iterable[str] | None = None,
    sectors: Iterable[str] | None = None,
    stances: Iterable[str] | None = None,
    top: int | None = None,
    only: Iterable[str] | None = None,
) -> ExposureReport:
    """Every company and ETF exposed to ``driver`` with score, stance, best path, evidence.

    Parameters
    ----------
    g : Graph
    driver : str
        A driver, sector or company, by any name, alias, id or ticker.
    depth : int
        Longest path followed, in hops.
    as_of : date, optional
        See the graph as it was: only claims dated on or before this day count.
    types, sectors, stances : optional
        Keep only results of these node types, reached through these sectors (any
        name), or with these stances.
    top : int, optional
        Keep the best ``top`` results.
    only : optional
        Keep only these node ids (a portfolio's few holdings: no path is built for the rest).

    Results are ordered by score, then stance (recommended first), then sector, then id.
    Names whose current stance is ``negative`` are left out of the ranking and returned
    apart in ``negative`` (same order; ``top`` does not cut them). Names whose current
    stance is ``dropped`` (a note about the driver removed them from its list) are left
    out unless ``stances`` asks for them.
    """
    if depth < 1:
        raise SupplyChainError(f"depth must be at least 1 (got {depth})")
    origin = g.resolve(driver, types=EXPOSURE_SOURCES)
    wanted_types = set(types) if types else set(EXPOSED_TYPES)
    bad = wanted_types - set(EXPOSED_TYPES)
    if bad:
        raise SupplyChainError(f"--type must be company or etf (got {', '.join(sorted(bad))})")
    wanted_stances = set(stances) if stances else None
    if wanted_stances and wanted_stances - set(STANCES):
        raise SupplyChainError(
            f"unknown stance {', '.join(sorted(wanted_stances - set(STANCES)))}; use {', '.join(STANCES)}"
        )
    wanted_sectors = {g.resolve(s, types=("sector",)).id for s in sectors} if sectors else None

    context, best, adjacency = _walk(g, origin, depth, as_of)
    rank = {s: i for i, s in enumerate(STANCES)}
    types = g.node_types
    # rank on what the steps say (the graph's columns), then build models, Hop and Reach
    # objects for the kept results only: with `top`, a big graph's query skips thousands
    found = []
    only = set(only) if only is not None else None
    for node_id, (score, steps) in best.items():
        if node_id == origin.id or types[node_id] not in wanted_types or (only is not None and node_id not in only):
            continue
        path = (origin.id,) + tuple(v for _, v, _, _ in steps)
        stance, sector = _stance_and_sector(g, path, steps[-1][3] if steps else None, as_of)
        basis, stance_driver = "named", None
        if context is not None:
            stance, basis, stance_driver = in_context(g, context, steps, stance)
            if stance is not None and len(steps) > 1 and ((stance_driver is not None and stance_driver not in path) or _dropped_by(g, steps, as_of)):
                steps = _through(g, context, adjacency, best, steps, stance_driver, depth, as_of)
                path = (origin.id,) + tuple(v for _, v, _, _ in steps)
        if wanted_stances and stance not in wanted_stances:
            continue
        if stance == "dropped" and not wanted_stances:
            continue  # a note about the driver took it off its list: not exposed (listed with --stance dropped)
        if wanted_sectors and not wanted_sectors & set(path):
            continue
        score = round(score, 6)
        found.append(((basis != "named", -score, rank.get(stance, len(rank)), sector or "", node_id), score, path, steps,
                      stance, sector, basis, stance_driver))
    through = look_through(g, best, origin.id, as_of) if "etf" in wanted_types else {}
    if through:
        found = [f for f in found if f[0][4] not in through]
        for etf_id, (score, steps, parts) in through.items():
            path = (origin.id,) + tuple(v for _, v, _, _ in steps)
            sector = next((n for n in reversed(path) if types[n] == "sector"), None)
            if score > 0 and not wanted_stances and (not wanted_sectors or wanted_sectors & set(path)) and (only is None or etf_id in only):
                found.append(((False, -score, len(rank), sector or "", etf_id), score, path, steps, None, sector, "named", None))
    found.sort(key=lambda f: f[0])
    shorts = [f for f in found if STANCE_CALL[f[4]] == "negative"]
    found = [f for f in found if STANCE_CALL[f[4]] != "negative"]
    if top is not None:
        found = found[:top]
    nodes = g.nodes

    def reach(f) -> Reach:
        key, score, path, steps, stance, sector, basis, stance_driver = f
        return Reach(nodes[key[4]], score, path, _hops(g, steps, as_of, context), stance, sector,
                     constituents=through[key[4]][2] if key[4] in through else None, basis=basis, stance_driver=stance_driver)

    return ExposureReport(origin, [reach(f) for f in found], depth, as_of, [reach(f) for f in shorts])


def _dropped_by(g: Graph, steps, as_of) -> bool:
    """Whether a driver on the path (before the last hop) has its own note's ``dropped`` as
    its current claim on the path's last edge."""
    claims = g.entry.edge(steps[-1][3]).claims
    drops = {c.driver for c in claims if c.stance == "dropped" and c.driver is not None}
    for u, _, _, _ in steps[1:]:
        if u in drops:
            mine = context_claim(claims, driver_context(g, u), as_of)
            if mine is not None and mine.stance == "dropped":
                return True
    return False


def _through(g: Graph, context: Context, adjacency, best: dict, steps, stance_driver: str | None, depth: int, as_of):
    """``steps`` through the driver whose note gives the name its stance, when a path
    through it scores the same. From a parent (AI需求) the best path may tie through a
    sibling driver whose note never named the name, or dropped it: the path shown goes
    through ``stance_driver`` or, for a stance from claims naming no driver, through the
    first driver of the context (in file order) whose notes did not drop it. Else ``steps``."""
    score = 1.0
    for _, _, w, _ in steps:
        score *= w
    sector, last = steps[-1][0], steps[-1]
    claims = g.entry.edge(last[3]).claims
    if stance_driver is not None:
        candidates = [stance_driver]
    else:
        candidates = [d for d in best if d in context.drivers]
    for d in candidates:
        if d not in best:
            continue
        mine = context_claim(claims, driver_context(g, d), as_of)
        if mine is not None and mine.stance == "dropped":
            continue
        head_score, head = best[d]
        if len(head) + 2 > depth:
            continue
        for v, w, k in adjacency.get(d, ()):
            if v == sector and abs(head_score * w * last[2] - score) <= 1e-9:
                return (*head, (d, sector, w, k), last)
    return steps


def _walk(g: Graph, origin, depth: int, as_of) -> tuple[Context | None, dict, object]:
    """The driver context of a query from ``origin`` (None unless claims name drivers),
    :func:`best_paths` over the flow with that context's weights, and that flow."""
    context = build_context(g, driver_context(g, origin.id), as_of) if origin.type == "driver" else None
    adjacency = g.flow_adjacency(as_of)
    if context is not None:
        adjacency = ContextAdjacency(g, adjacency, context)
    return context, best_paths(adjacency, origin.id, depth), adjacency


def exposure_scores(g: Graph, driver: str, *, depth: int = 4, as_of: dt.date | None = None
                    ) -> tuple[object, dict[str, tuple[float, str | None, str]]]:
    """The driver's node and ``{id: (score, stance, basis)}`` of every company and ETF
    :func:`exposure` lists for it (negative calls included), with the same scores, stances
    and basis (``named`` or ``inferred``, in the driver's context), but no path or model
    built: for asking about thousands of names at once (a portfolio), then :func:`exposure`
    with ``only=`` for the few whose path is shown.

    >>> from supplychain import load_graph
    >>> _, scores = exposure_scores(load_graph("data/graph.yaml"), "阿里云资本开支")
    >>> scores["innolight"], scores["ieit"]
    ((0.9, 'recommended', 'named'), (0.54, 'listed', 'named'))
    """
    if depth < 1:
        raise SupplyChainError(f"depth must be at least 1 (got {depth})")
    origin = g.resolve(driver, types=EXPOSURE_SOURCES)
    context, best, _ = _walk(g, origin, depth, as_of)
    types, edge_type = g.node_types, g.entry.edge_type
    out: dict[str, tuple[float, str | None, str]] = {}
    for node_id, (score, steps) in best.items():
        if node_id == origin.id or types[node_id] not in EXPOSED_TYPES:
            continue
        last = steps[-1][3] if steps else None
        stance = g.edge_stance(last, as_of) if last is not None and EDGE_RULES[edge_type(last)].stance else None
        basis = "named"
        if context is not None:
            stance, basis, _ = in_context(g, context, steps, stance)
        if stance != "dropped":  # as exposure leaves it out
            out[node_id] = (round(score, 6), stance, basis)
    for etf_id, (score, _, _) in look_through(g, best, origin.id, as_of).items():
        if score > 0:
            out[etf_id] = (score, None, "named")
        else:
            out.pop(etf_id, None)
    return origin, out


@dataclass(frozen=True)
class Constituent:
    """One holding of a looked-through ETF: its weight in the fund, score and share of the fund's score."""

    id: str
    weight: float
    score: float

    @property
    def contribution(self) -> float:
        return self.weight * self.score


def etf_holdings(g: Graph, etf_id: str, as_of: dt.date | None = None) -> list[tuple[str, float, int]]:
    """``(company id, weight, edge index)`` of an ETF's latest imported holdings.

    Holdings are ``holds`` edges whose current claim (on or before ``as_of``) carries a
    weight (``supplychain holdings import``); the latest import counts alone, so a name
    that left the fund stops counting. Empty for an ETF with no imported holdings.
    """
    entry = g.entry
    held = []
    for j in entry.edges_by(etf_id, "out"):
        if entry.edge_type(j) != "holds":
            continue
        e = entry.edge(j)
        claim = current_claim(e.claims, as_of)
        if claim is not None and claim.weight is not None:
            held.append((claim.date, e.target, claim.weight, j))
    if not held:
        return []
    latest = max(d for d, _, _, _ in held)
    return [(c, w, j) for d, c, w, j in held if d == latest]


def look_through(g: Graph, best: dict, origin: str, as_of: dt.date | None = None) -> dict[str, tuple[float, tuple, tuple[Constituent, ...]]]:
    """Scores of the ETFs with imported holdings, from what they hold.

    An ETF's score is Σ weight × score over its holdings (a holding ``best_paths`` did
    not reach scores 0), replacing the fixed ``holds``/``exposed_to`` hop. Returns, per
    such ETF, the score, the steps of the path through its biggest contributor, and the
    reached constituents by contribution. An ETF without imported holdings is not in it.
    """
    if not g.entry.has_weights:
        return {}
    out = {}
    types = g.node_types
    for etf_id in (n for n, t in types.items() if t == "etf"):
        held = etf_holdings(g, etf_id, as_of)
        if not held or etf_id == origin:
            continue
        parts = []
        top = None
        for company, weight, j in held:
            reached = best.get(company)
            if reached is None:
                continue
            parts.append((Constituent(company, weight, round(reached[0], 6)), j))
        parts.sort(key=lambda p: (-p[0].contribution, p[0].id))
        score = round(sum(p.contribution for p, _ in parts), 6)
        steps = ()
        if parts:
            top, j = parts[0]
            steps = best[top.id][1] + ((top.id, etf_id, EDGE_RULES["holds"].weight, j),)
        out[etf_id] = (score, steps, tuple(p for p, _ in parts))
    return out


def drivers(g: Graph, company: str, *, depth: int = 4, as_of: dt.date | None = None) -> list[Reach]:
    """The drivers and risks that reach a node, each with its best path *to* the node.

    Drivers are found by walking the exposure flow backwards; a risk reaches the node when
    it threatens the node itself or anything upstream of it (a driver or sector on one of
    those paths). The score of a driver is its exposure score for this node; a risk
    carries the score of what it threatens. A driver whose own note dropped the name is
    listed last with score 0 and stance ``dropped`` (the drivers above it, whose notes did
    not name it otherwise, are left out), and no risk reaches the name through them; the name is still in its sub-sector,
    so what threatens the sub-sector still reaches it (:func:`_undropped`).

    >>> from supplychain import load_graph
    >>> g = load_graph("data/graph.yaml")
    >>> [r.id for r in drivers(g, "中际旭创") if r.node.type == "risk"][:2]
    ['risk-supply-chain', 'risk-capex-sustainability']
    """
    target = g.resolve(company)
    tagged = g.entry.driver_edges()
    adjacency = g._reverse_flow_adjacency(as_of)
    if tagged:
        adjacency = _undropped(g, adjacency, tagged, as_of)
    best = best_paths(adjacency, target.id, depth)

    out: list[Reach] = []
    upstream: dict[str, tuple[Hop, ...]] = {}
    for node_id, (score, steps) in best.items():
        upstream[node_id] = hops = _reversed(_hops(g, steps, as_of))
        if g.type_of(node_id) == "driver":
            last = steps[0][3] if steps else None
            if tagged and any(c.stance == "dropped" for _, _, _, j in steps for c in g.entry.edge(j).claims):
                # the walk's best path crosses a drop, which is one driver's call: this
                # driver's own best path, walked forward in its context, as exposure finds it
                _, mine, _ = _walk(g, g.nodes[node_id], depth, as_of)
                if target.id not in mine:
                    continue
                score, forward = mine[target.id]
                upstream[node_id] = hops = _hops(g, forward, as_of)
                last = forward[-1][3] if forward else None
            path = (node_id,) + tuple(h.end for h in hops)
            stance, sector = _stance_and_sector(g, path, last, as_of)
            reach = Reach(g.nodes[node_id], round(score, 6), path, hops, stance, sector)
            if tagged:
                reach = _driver_in_context(g, reach, as_of)
            if reach.stance != "dropped" or reach.stance_driver == node_id:
                out.append(reach)  # a driver whose own note took the name off its list: score 0, stance dropped

    risks: dict[str, Reach] = {}
    listed = {r.id for r in out if r.stance != "dropped"}
    for reached_id, (score, _) in best.items():
        if g.type_of(reached_id) == "driver" and reached_id not in listed:
            continue  # the name is off this driver's list: what threatens the driver does not reach it through it
        for e in g.in_edges(reached_id):
            claim = current_claim(e.claims, as_of) if e.type == "threatens" else None
            if claim is None:
                continue
            hops = (Hop(e, e.source, reached_id, 1.0, claim),) + upstream[reached_id]
            path = (e.source,) + tuple(h.end for h in hops)
            prev = risks.get(e.source)
            if prev is None or score > prev.score + 1e-12:
                risks[e.source] = Reach(g.nodes[e.source], round(score, 6), path, hops)
    out += risks.values()
    order = {"driver": 0, "risk": 1}
    out.sort(key=lambda r: (order[r.node.type], -r.score, len(r.path), r.id))
    return out


def _undropped(g: Graph, adjacency, tagged, as_of):
    """The reverse flow with every edge whose current claim is ``dropped`` weighed by its
    latest claim before the drop (``listed`` when it has none).

    A drop is one driver's call: the name left that driver's list but is still in its
    sub-sector. The walk of :func:`drivers` must still find it there, for the drivers whose
    notes did not drop it (rescored in their context after) and for the risks that threaten
    the sub-sector, which carry the score of what they threaten, not of one driver's list.
    """
    weights = {}
    for j in tagged:
        e = g.entry.edge(j)
        rule = EDGE_RULES[e.type]
        if not rule.stance or rule.flow == "none":
            continue
        claim = current_claim(e.claims, as_of)
        if claim is None or claim.stance != "dropped":
            continue
        before = current_claim([c for c in e.claims if c.stance != "dropped"], as_of)
        stance = before.stance if before is not None and before.stance else "listed"
        weights[j] = rule.weight * STANCE_WEIGHT[stance]
    if not weights:
        return adjacency
    return ContextAdjacency(g, adjacency, Context(frozenset(), {}, weights), reverse=True)


def _driver_in_context(g: Graph, reach: Reach, as_of) -> Reach:
    """``reach`` (a driver reaching a name) with its basis: ``inferred`` when a stance hop
    of its path has no claim that counts for the driver (:func:`~supplychain.context.claim_counts`)."""
    context = driver_context(g, reach.id)
    hops = []
    stance, stance_driver, basis = reach.stance, None, "named"
    score = 1.0
    for h in reach.hops:
        rule = EDGE_RULES[h.edge.type]
        if rule.stance and any(c.driver is not None for c in h.edge.claims):
            mine = context_claim(h.edge.claims, context, as_of)
            if mine is None:
                basis = "inferred"
                h = Hop(h.edge, h.start, h.end, rule.weight * INFERRED_WEIGHT, h.claim, inferred=True)
            else:
                h = Hop(h.edge, h.start, h.end, rule.weight * STANCE_WEIGHT[mine.stance] if mine.stance else rule.weight, mine)
        score *= h.weight  # the path's score with this driver's weights (the walk used every note's)
        hops.append(h)
    last = hops[-1] if hops else None
    if basis == "inferred":
        stance = None
    elif last is not None and EDGE_RULES[last.edge.type].stance and last.claim is not None:
        stance, stance_driver = last.claim.stance, last.claim.driver
    return Reach(reach.node, round(score, 6), reach.path, tuple(hops), stance, reach.sector, basis, stance_driver)


@dataclass(frozen=True)
class TypedPath:
    """A path between two nodes: the node ids and, per hop, the edges joining them."""

    nodes: tuple[str, ...]
    hops: tuple[tuple[Edge, ...], ...]

    def describe(self, g: Graph) -> str:
        """``中际旭创 —member_of→ 光通信模块与器件 ←drives— 阿里云资本开支``: arrows follow the edges."""
        parts = [g.nodes[self.nodes[0]].name]
        for (a, b), edges in zip(itertools.pairwise(self.nodes), self.hops):
            labels = [f"—{e.type}→" if e.source == a else f"←{e.type}—" for e in edges]
            parts.append(f" {' | '.join(labels)} {g.nodes[b].name}")
        return "".join(parts)


def paths(g: Graph, a: str, b: str, *, depth: int = 6, limit: int = 20) -> list[TypedPath]:
    """The shortest typed paths between two nodes, ignoring edge direction.

    Up to ``limit`` simple paths of at most ``depth`` hops, shortest first; raises
    :class:`NoPath` when there is none.
    """
    import networkx as nx

    start, end = g.resolve(a), g.resolve(b)
    if start.id == end.id:
        raise SupplyChainError(f"{a!r} and {b!r} are the same node ({start.id})")
    U = nx.Graph()
    for e in g.edges:
        if U.has_edge(e.source, e.target):
            U[e.source][e.target]["edges"].append(e)
        else:
            U.add_edge(e.source, e.target, edges=[e])
    out: list[TypedPath] = []
    try:
        for nodes in nx.shortest_simple_paths(U, start.id, end.id):
            if len(nodes) - 1 > depth or len(out) >= limit:
                break
            hops = tuple(tuple(U[x][y]["edges"]) for x, y in itertools.pairwise(nodes))
            out.append(TypedPath(tuple(nodes), hops))
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        pass
    if not out:
        raise NoPath(f"no path joins {start.name} ({start.id}) and {end.name} ({end.id}) within {depth} hops")
    return out
