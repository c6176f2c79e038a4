"""The stance history of a name: every stance claim on it, oldest first, with its driver.

A *stance claim* is a claim carrying a stance on an edge that ranks the name: its
``member_of`` edges (a company in a sub-sector), ``exposed_to`` edges (an ETF exposed to a
sector or driver) and ``holds`` edges (an ETF's holding, from either end). Each entry
says which driver the claim is about: the claim's own ``driver`` when the note recorded
one, otherwise the drivers that ``drives`` the edge's sector directly (or the driver an
ETF is exposed to): the driver the exposure path comes from.

Pure functions of the graph; the graph is not changed. ``history`` is also the stance
history that :mod:`supplychain.conviction` summarises.

Examples
--------
>>> from supplychain import load_graph
>>> g = load_graph("data/graph.yaml")
>>> h = history(g, "英维克")
>>> [(e.date.isoformat(), e.report, e.sector, e.stance, e.drivers) for e in h]
[('2025-11-26', 'industry-research-2025-11-26', 'liquid-cooling', 'recommended', ('alibaba-capex', 'alibaba-ppe-spend'))]
>>> history_json(g, g.resolve("英维克"), h)["claims"][0]["report_title"][:8]
'市场研究摘要：国'
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable

from .graph import Graph

STANCE_EDGES = ("member_of", "exposed_to", "holds")
"""Edge types whose claims give a name a stance (see the module docstring)."""

HISTORY_TYPES = ("company", "etf")
"""Node types ``history`` accepts."""


@dataclass(frozen=True)
class HistoryEntry:
    """One stance claim on a name: when, which note, about which driver(s), in which sub-sector."""

    date: dt.date
    report: str
    drivers: tuple[str, ...]
    named_driver: bool
    sector: str | None
    stance: str
    quote: str
    edge_type: str
    other: str


def edge_drivers(g: Graph, edge, claim) -> tuple[tuple[str, ...], bool]:
    """The drivers a stance claim is about, and whether the note named it.

    ``claim.driver`` (recorded by the ingest of notes with a driver) wins; a claim without
    one is about the drivers that ``drives`` the edge's sector, or the driver the edge
    reaches directly. Sorted ids.
    """
    named = getattr(claim, "driver", None)
    if named:
        return (named,), True
    types = g.node_types
    ends = [x for x in (edge.source, edge.target) if types.get(x) in ("sector", "driver")]
    out: set[str] = set()
    for x in ends:
        if types[x] == "driver":
            out.add(x)
        else:
            out.update(e.source for e in g.in_edges(x) if e.type == "drives" and types.get(e.source) == "driver")
    if g.entry.driver_edges():  # not the drivers its report is silent for (supplychain.context)
        from .context import driver_context

        out = {d for d in out if claim.report not in driver_context(g, d).silent}
    return tuple(sorted(out)), False


def driver_scope(g: Graph, driver_id: str) -> set[str]:
    """The driver and every driver it drives (following ``drives`` between drivers).

    >>> from supplychain import load_graph
    >>> sorted(driver_scope(load_graph("data/graph.yaml"), "ai-demand"))[:3]
    ['ai-demand', 'alibaba-ai-revenue', 'alibaba-capex']
    """
    types = g.node_types
    seen = {driver_id}
    todo = [driver_id]
    while todo:
        u = todo.pop()
        for e in g.out_edges(u):
            if e.type == "drives" and types.get(e.target) == "driver" and e.target not in seen:
                seen.add(e.target)
                todo.append(e.target)
    return seen


def stance_claims(g: Graph, node_id: str) -> Iterable[tuple[Any, Any]]:
    """``(edge, claim)`` for every stance claim on the node's ranking edges (one pass)."""
    for e in g.edges_of(node_id):
        if e.type not in STANCE_EDGES:
            continue
        for c in e.claims:
            if c.stance:
                yield e, c


def history(g: Graph, name: str, *, driver: str | None = None) -> list[HistoryEntry]:
    """Every stance claim on the company or ETF ``name``, oldest first.

    With ``driver``, only the claims about that driver or a driver it drives. Ties in date
    are ordered by report, then sub-sector.
    """
    node = g.resolve(name, types=HISTORY_TYPES)
    scope = driver_scope(g, g.resolve(driver, types=("driver",)).id) if driver else None
    types = g.node_types
    out = []
    for e, c in stance_claims(g, node.id):
        drivers, named = edge_drivers(g, e, c)
        if scope is not None and not scope & set(drivers):
            continue
        other = e.target if e.source == node.id else e.source
        sector = next((x for x in (e.target, e.source) if types.get(x) == "sector"), None)
        out.append(HistoryEntry(c.date, c.report, drivers, named, sector, c.stance, c.quote, e.type, other))
    out.sort(key=lambda h: (h.date, h.report, h.sector or "", h.other))
    return out


def entry_json(g: Graph, h: HistoryEntry) -> dict[str, Any]:
    report = g.nodes.get(h.report) if h.report in g.nodes else None
    return {
        "date": h.date.isoformat(),
        "report": h.report,
        "report_title": report.title if report is not None else None,
        "drivers": list(h.drivers),
        "driver_names": [g.nodes[d].name for d in h.drivers],
        "driver_basis": "named" if h.named_driver else "sector",
        "sector": h.sector,
        "sector_name": g.nodes[h.sector].name if h.sector else None,
        "edge_type": h.edge_type,
        "other": h.other,
        "stance": h.stance,
        "quote": h.quote,
    }


def history_json(g: Graph, node, entries: list[HistoryEntry]) -> dict[str, Any]:
    """The JSON of ``supplychain history`` (README, "JSON contract")."""
    return {
        "node": {"id": node.id, "name": node.name, "type": node.type},
        "claims": [entry_json(g, h) for h in entries],
    }


HISTORY_CSV_HEADERS = ("date", "report", "report_title", "drivers", "sector", "stance", "quote")


def history_rows(g: Graph, entries: list[HistoryEntry]) -> list[tuple]:
    rows = []
    for h in entries:
        d = entry_json(g, h)
        rows.append((d["date"], d["report"], d["report_title"], " ".join(d["drivers"]), d["sector"] or "", d["stance"], d["quote"]))
    return rows
