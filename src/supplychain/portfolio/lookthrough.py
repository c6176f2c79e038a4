"""``drivers ETF`` for an ETF with imported holdings: every driver scored through what it holds.

:func:`~supplychain.query.drivers` walks the exposure flow back from a node. For an ETF
whose constituents were imported (``supplychain holdings import``), that walk would score
each driver by one fixed hop through one holding; :func:`~supplychain.query.exposure`
scores the ETF by look-through instead (Σ weight × constituent score). :func:`etf_drivers`
gives ``drivers`` the same answer: each driver that reaches a constituent, scored exactly
as ``exposure DRIVER`` scores the ETF, its path through the biggest contributor, and the
reached constituents. Risks are those :func:`~supplychain.query.drivers` finds.

>>> from supplychain import load_graph
>>> etf_drivers(load_graph("data/graph.yaml"), "515070") is None  # no imported holdings: unchanged
True
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from ..query import Reach, drivers, etf_holdings, exposure


def etf_drivers(g, etf: str, *, depth: int = 4, as_of: dt.date | None = None) -> list[Reach] | None:
    """Drivers (by look-through, each ``Reach`` with ``constituents``) then risks of an ETF
    with imported holdings; None for any other node (``drivers`` is then unchanged)."""
    node = g.resolve(etf)
    if node.type != "etf" or not etf_holdings(g, node.id, as_of):
        return None
    # a constituent reached within `depth` hops puts its driver one holds hop further
    found = drivers(g, node.id, depth=depth + 1, as_of=as_of)
    out = []
    for d in (r for r in found if r.node.type == "driver"):
        report = exposure(g, d.id, depth=depth, as_of=as_of, types=("etf",), only={node.id})
        r = next((x for x in report.results if x.id == node.id), None)
        if r is None or r.constituents is None:
            continue
        out.append(replace(r, node=d.node, stance=None, sector=None))
    out.sort(key=lambda r: (-r.score, len(r.path), r.id))
    risks = [r for r in drivers(g, node.id, depth=depth, as_of=as_of) if r.node.type == "risk"]
    return out + risks


def etf_drivers_json(node, results: list[Reach]) -> dict:
    """The ``drivers`` JSON of a looked-through ETF: the usual keys, plus ``look_through``
    (top level and per driver) and each driver's ``constituents`` (as in ``exposure``)."""
    from ..render import drivers_json

    data = drivers_json(node, results)
    data["look_through"] = True
    for d, r in zip(data["results"], results):
        if r.constituents is not None:
            d["look_through"] = True
            d["constituents"] = [{"id": c.id, "weight": round(c.weight, 6), "score": round(c.score, 4),
                                  "contribution": round(c.contribution, 6)} for c in r.constituents]
    return data
