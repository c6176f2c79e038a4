"""What changed for each driver since a date, derived from the claim dates in the graph.

For every driver the exposure as it stood the day before ``since`` (only claims dated
earlier) is compared with the exposure now: names reached now and not then are *newly
exposed*, names whose stance rose or fell are *upgrades* and *downgrades*, names a note
took off its list are *dropped* (stance ``dropped``, :mod:`.formats.dropped`), sectors
reached now and not then are *new sub-sectors*. Each change names the report whose claim
caused it. The graph is not changed.

In a graph whose claims name their note's driver, a driver's changes are those of its
*named* results (:mod:`supplychain.query`, "Stance in context"): what notes about the
driver, or the drivers it drives, changed. A name only other drivers' notes touched is
not its change.

>>> from supplychain import load_graph
>>> g = load_graph("data/graph.yaml")
>>> [c.node_id for c in changes(g, dt.date(2025, 11, 26), drivers=["alibaba-capex"])[0].new_sectors][:3]
['ai-chips-servers', 'aidc', 'compute-distribution']
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Iterable

from ..errors import SupplyChainError
from ..graph import Graph
from ..gcpause import gc_paused
from ..context import ContextAdjacency, build_context, driver_context
from ..query import _hops
from ..schema import EDGE_RULES, EXPOSED_TYPES, STANCES, Claim, Edge, current_claim

KINDS = ("new", "upgrade", "downgrade", "dropped", "new_sector")
"""Change kinds, in the order they are listed."""


@dataclass(frozen=True)
class Change:
    kind: str
    node_id: str
    name: str
    type: str
    before: str | None
    after: str | None
    sector: str | None
    claim: Claim | None
    path: tuple[str, ...] = ()

    def json(self, g: Graph) -> dict:
        c = self.claim
        return {
            "kind": self.kind,
            "id": self.node_id,
            "name": self.name,
            "type": self.type,
            "before": self.before,
            "after": self.after,
            "sector": self.sector,
            "sector_name": g.nodes[self.sector].name if self.sector else None,
            "report": c.report if c else None,
            "date": c.date.isoformat() if c else None,
            "quote": c.quote if c else None,
            "path": list(self.path),
        }


@dataclass
class DriverChanges:
    driver: object
    changes: list[Change] = field(default_factory=list)

    def of(self, kind: str) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]

    @property
    def newly_exposed(self) -> list[Change]:
        return self.of("new")

    @property
    def upgrades(self) -> list[Change]:
        return self.of("upgrade")

    @property
    def downgrades(self) -> list[Change]:
        return self.of("downgrade")

    @property
    def dropped(self) -> list[Change]:
        return self.of("dropped")

    @property
    def new_sectors(self) -> list[Change]:
        return self.of("new_sector")


def default_since(g: Graph) -> dt.date | None:
    """The date of the latest report: by default ``changes`` shows what it changed."""
    dates = g.report_dates.values()
    return max(dates) if dates else None


def _first_claim_since(edge: Edge, since: dt.date) -> Claim | None:
    later = sorted((c for c in edge.claims if c.date >= since), key=lambda c: (c.date, c.report))
    return later[0] if later else None


def _as_dict(adjacency) -> dict:
    """A flow adjacency as a plain dict (the cached columnar rows build a list per look-up)."""
    return adjacency if isinstance(adjacency, dict) else dict(adjacency.items())


def _reach(adjacency: dict, origin: str, depth: int) -> dict:
    """:func:`~supplychain.query.best_paths` with each path kept as a linked list.

    The same layered programme, the same rounds, ties and order, so the same best paths;
    but a path is ``(last step, path of the step's start)`` (``()`` at the origin), so an
    improvement costs one small tuple however long its path. :func:`_steps` unrolls one.
    """
    best: dict[str, tuple[float, tuple]] = {origin: (1.0, ())}
    frontier = [origin]
    get = adjacency.get
    for _ in range(depth):
        improved: dict[str, None] = {}
        for u, (score_u, linked_u) in [(u, best[u]) for u in frontier]:
            for v, w, e in get(u, ()):
                s = score_u * w
                found = best.get(v)
                if found is None or s > found[0] + 1e-12:
                    best[v] = (s, ((u, v, w, e), linked_u))
                    improved[v] = None
        if not improved:
            break
        frontier = list(improved)
    return best


def _steps(linked: tuple) -> tuple:
    """The steps ``(u, v, weight, edge)`` of a linked path, from the origin on."""
    out = []
    while linked:
        out.append(linked[0])
        linked = linked[1]
    return tuple(reversed(out))


def _stance(g: Graph, j: int, as_of: dt.date | None) -> str | None:
    """A result's stance: that of the last edge of its path, when the edge's type carries one."""
    return g.edge_stance(j, as_of) if EDGE_RULES[g.entry.edge_type(j)].stance else None


def _inferred(context, linked: tuple) -> bool:
    """Whether a linked path walks an edge whose claims all come from other drivers' notes."""
    edges = context.edges
    while linked:
        if edges.get(linked[0][3], True) is None:
            return True
        linked = linked[1]
    return False


def _context_stance(g: Graph, context, j: int, as_of: dt.date | None) -> str | None:
    """:func:`_stance` counting only the claims of the context's notes."""
    if j in context.edges:
        claim = context.edges[j]
        return claim.stance if claim is not None else None
    return _stance(g, j, as_of)


def _path(origin: str, steps) -> tuple[str, ...]:
    return (origin, *(v for _, v, _, _ in steps))


def _new_sector(g: Graph, origin: str, node_id: str, steps, since: dt.date, before: dt.date) -> Change:
    """A sector reached now and not the day before ``since``, and the claim that opened its path."""
    edges = [g.edges[j] for _, _, _, j in steps]
    cause = next((_first_claim_since(e, since) for e in edges if current_claim(e.claims, before) is None), None)
    return Change("new_sector", node_id, g.nodes[node_id].name, "sector", None, None, node_id, cause, _path(origin, steps))


def _cause(hops, since: dt.date, before: dt.date) -> Claim | None:
    """The claim that opened the path: the first claim since ``since`` on a hop that had none before."""
    for h in hops:
        if current_claim(h.edge.claims, before) is None:
            return _first_claim_since(h.edge, since)
    return hops[-1].claim if hops else None


def changes(
    g: Graph,
    since: dt.date | None = None,
    *,
    drivers: Iterable[str] | None = None,
    depth: int = 4,
    transitive: bool = False,
) -> list[DriverChanges]:
    """Per driver (those named, else all), the changes caused by claims dated ``since`` or later.

    Drivers with no change are left out. ``since`` defaults to :func:`default_since`.
    Without ``drivers`` a change is listed under the nearest driver only: when driver A
    reaches a name through driver B and B shows the same change, A does not repeat it
    (``transitive=True`` lists it under every driver).
    """
    if depth < 1:
        raise SupplyChainError(f"depth must be at least 1 (got {depth})")
    since = since or default_since(g)
    if since is None:
        return []
    before = since - dt.timedelta(days=1)
    if drivers:
        chosen = [g.resolve(d, types=("driver",)) for d in drivers]
    else:
        chosen = sorted((g.nodes[i] for i in g.nodes if g.type_of(i) == "driver"), key=lambda n: n.id)
    rank = {s: i for i, s in enumerate(STANCES)}
    # one pass per driver and date over the two cached adjacencies; models, hops and
    # paths are built for the changed names only (see "Where the time went" in docs/scale.md)
    now_flow, then_flow = _as_dict(g.flow_adjacency()), g.flow_adjacency(before)
    types = g.node_types
    tagged = bool(g.entry.driver_edges())
    stances_now: dict[int, str | None] = {}  # edge -> the stance it gives a result now
    stances_then: dict[int, str | None] = {}  # ... and the day before `since`
    out: list[DriverChanges] = []
    with gc_paused():  # hundreds of thousands of small tuples, no cycles
        for d in chosen:
            dc = DriverChanges(d)
            ctx_now = ctx_then = None
            if tagged:  # claims name their drivers: walk with this driver's weights
                mine = driver_context(g, d.id)
                ctx_now, ctx_then = build_context(g, mine, None), build_context(g, mine, before)
                then = _reach(ContextAdjacency(g, then_flow, ctx_then), d.id, depth)
                now = _reach(ContextAdjacency(g, now_flow, ctx_now), d.id, depth)
            else:
                then = _reach(then_flow, d.id, depth)
                now = _reach(now_flow, d.id, depth)
            for node_id, (_, linked) in now.items():
                kind = types[node_id]
                if node_id == d.id:
                    continue
                if kind == "sector":
                    if node_id not in then:
                        dc.changes.append(_new_sector(g, d.id, node_id, _steps(linked), since, before))
                    continue
                if kind not in EXPOSED_TYPES:
                    continue
                j = linked[0][3]
                if ctx_now is not None:
                    if _inferred(ctx_now, linked):
                        continue  # only other drivers' notes put it here: not this driver's change
                    stance = _context_stance(g, ctx_now, j, None)
                else:
                    stance = stances_now[j] if j in stances_now else stances_now.setdefault(j, _stance(g, j, None))
                old = then.get(node_id)
                if old is not None and ctx_then is not None and _inferred(ctx_then, old[1]):
                    old = None  # named now, only inferred before: new for this driver
                if old is not None:
                    k = old[1][0][3]
                    if ctx_then is not None:
                        old_stance = _context_stance(g, ctx_then, k, before)
                    else:
                        old_stance = stances_then[k] if k in stances_then else stances_then.setdefault(k, _stance(g, k, before))
                    if old_stance == stance or not stance or not old_stance:
                        continue  # the common case: nothing changed, nothing built
                steps = _steps(linked)
                path = _path(d.id, steps)
                sector = next((n for n in reversed(path) if types[n] == "sector"), None)
                node = g.nodes[node_id]
                hops = _hops(g, steps, None, ctx_now)
                if old is None:
                    if stance != "dropped":  # dropped before it was ever exposed: no change
                        dc.changes.append(Change("new", node_id, node.name, node.type, None, stance, sector,
                                                 _cause(hops, since, before), path))
                    continue
                change = "dropped" if stance == "dropped" else "upgrade" if rank[stance] < rank[old_stance] else "downgrade"
                hop = next((h for h in reversed(hops) if h.stance), hops[-1])
                dc.changes.append(Change(change, node_id, node.name, node.type, old_stance, stance, sector, hop.claim, path))
            if dc.changes:
                order = {k: i for i, k in enumerate(KINDS)}
                dc.changes.sort(key=lambda c: (order[c.kind], c.sector or "", c.node_id))
                out.append(dc)
    if not drivers and not transitive:
        out = _nearest_only(g, out)
    return out


def _nearest_only(g: Graph, result: list[DriverChanges]) -> list[DriverChanges]:
    """Drop a driver's change when its path runs through another driver with the same change."""
    seen = {(dc.driver.id, c.kind, c.node_id) for dc in result for c in dc.changes}
    out = []
    for dc in result:
        dc.changes = [
            c for c in dc.changes
            if not any(g.nodes[n].type == "driver" and (n, c.kind, c.node_id) in seen for n in c.path[1:-1])
        ]
        if dc.changes:
            out.append(dc)
    return out


def changes_json(g: Graph, since: dt.date | None, result: list[DriverChanges]) -> dict:
    """The JSON of ``supplychain changes --format json``."""
    return {
        "since": since.isoformat() if since else None,
        "drivers": [
            {
                "id": dc.driver.id,
                "name": dc.driver.name,
                "newly_exposed": [c.json(g) for c in dc.newly_exposed],
                "upgrades": [c.json(g) for c in dc.upgrades],
                "downgrades": [c.json(g) for c in dc.downgrades],
                "dropped": [c.json(g) for c in dc.dropped],
                "new_sectors": [c.json(g) for c in dc.new_sectors],
            }
            for dc in result
        ],
    }


CHANGE_LABELS = {"new": "newly exposed", "upgrade": "upgrade", "downgrade": "downgrade", "dropped": "dropped",
                 "new_sector": "new sub-sector"}


def changes_rows(g: Graph, result: list[DriverChanges]) -> list[tuple]:
    """Rows of (driver, change, name, type, from, to, sector, report, date)."""
    rows = []
    for dc in result:
        for c in dc.changes:
            rows.append(
                (
                    dc.driver.name,
                    CHANGE_LABELS[c.kind],
                    c.name,
                    c.type,
                    c.before or "",
                    c.after or "",
                    g.nodes[c.sector].name if c.sector and c.kind != "new_sector" else "",
                    c.claim.report if c.claim else "",
                    c.claim.date.isoformat() if c.claim else "",
                )
            )
    return rows
