"""What changed for each driver since a date, derived from the claim dates in the graph.

For every driver the exposure as it stood the day before ``since`` (only claims dated
earlier) is compared with the exposure now: names reached now and not then are *newly
exposed*, names whose stance rose or fell are *upgrades* and *downgrades*, sectors
reached now and not then are *new sub-sectors*. Each change names the report whose claim
caused it. The graph is not changed.

>>> from supplychain import load_graph
>>> g = load_graph("data/graph.yaml")
>>> [c.node_id for c in changes(g, dt.date(2025, 11, 26), drivers=["alibaba-capex"])[0].new_sectors][:3]
['ai-chips-servers', 'aidc', 'compute-distribution']
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Iterable

from ..graph import Graph
from ..query import best_paths, exposure
from ..schema import STANCES, Claim, Edge, current_claim

KINDS = ("new", "upgrade", "downgrade", "new_sector")
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
    def new_sectors(self) -> list[Change]:
        return self.of("new_sector")


def default_since(g: Graph) -> dt.date | None:
    """The date of the latest report: by default ``changes`` shows what it changed."""
    dates = g.report_dates.values()
    return max(dates) if dates else None


def _first_claim_since(edge: Edge, since: dt.date) -> Claim | None:
    later = sorted((c for c in edge.claims if c.date >= since), key=lambda c: (c.date, c.report))
    return later[0] if later else None


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
    since = since or default_since(g)
    if since is None:
        return []
    before = since - dt.timedelta(days=1)
    if drivers:
        chosen = [g.resolve(d, types=("driver",)) for d in drivers]
    else:
        chosen = sorted((g.nodes[i] for i in g.nodes if g.type_of(i) == "driver"), key=lambda n: n.id)
    rank = {s: i for i, s in enumerate(STANCES)}
    out: list[DriverChanges] = []
    for d in chosen:
        dc = DriverChanges(d)
        then_report, now_report = exposure(g, d.id, depth=depth, as_of=before), exposure(g, d.id, depth=depth)
        then = {r.id: r for r in then_report.results + then_report.negative}  # a negative call is a downgrade too
        for r in now_report.results + now_report.negative:
            old = then.get(r.id)
            if old is None:
                dc.changes.append(Change("new", r.id, r.node.name, r.node.type, None, r.stance, r.sector,
                                         _cause(r.hops, since, before), r.path))
            elif old.stance != r.stance and r.stance and old.stance:
                kind = "upgrade" if rank[r.stance] < rank[old.stance] else "downgrade"
                hop = next((h for h in reversed(r.hops) if h.stance), r.hops[-1])
                dc.changes.append(Change(kind, r.id, r.node.name, r.node.type, old.stance, r.stance, r.sector, hop.claim, r.path))
        then_sectors = best_paths(g.flow_adjacency(before), d.id, depth)
        now = best_paths(g.flow_adjacency(), d.id, depth)
        for node_id, (_, steps) in sorted(now.items()):
            if g.type_of(node_id) == "sector" and node_id not in then_sectors:
                edges = [g.edges[j] for _, _, _, j in steps]
                cause = next((_first_claim_since(e, since) for e in edges if current_claim(e.claims, before) is None), None)
                path = (d.id, *(v for _, v, _, _ in steps))
                dc.changes.append(Change("new_sector", node_id, g.nodes[node_id].name, "sector", None, None, node_id, cause, path))
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
                "new_sectors": [c.json(g) for c in dc.new_sectors],
            }
            for dc in result
        ],
    }


CHANGE_LABELS = {"new": "newly exposed", "upgrade": "upgrade", "downgrade": "downgrade", "new_sector": "new sub-sector"}


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
