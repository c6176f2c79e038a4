"""Conviction: how many notes name a result for a driver, since when, and which way the call moves.

For an exposure query from ``origin`` (a driver or sector), the *scope* is the origin and
every driver it drives (``drives`` between drivers, transitively). A stance claim on the
name (see :mod:`supplychain.history`) *counts* when it is about the scope: its own
``driver`` (when the note recorded one) is in the scope, or, for a claim without one, a
driver that ``drives`` the claim's sector, or the sector itself, is in the scope. With
``as_of``, claims dated later do not count.

From the counted claims:

``reports``
    the number of distinct notes among them;
``first_seen`` / ``last_seen``
    the dates of the oldest and newest (ISO strings; ``null`` with no counted claim);
``trend``
    from the stance history, one stance per date: the strongest stance of that date's
    counted claims (recommended > beneficiary > listed > neutral > negative > dropped).

    - ``new``: every counted claim is of one date (nothing earlier to compare with);
    - ``dropped``: the latest date's stance is ``dropped`` (a note removed the name);
    - ``up`` / ``down`` / ``flat``: the latest date's stance is stronger than, weaker
      than, or the same as the stance of the date before it;
    - ``null``: no counted claim (a name reached only through a holding or a link
      that carries no stance).

One pass over the name's edges; the drivers of each sector are looked up once per query.

Examples
--------
>>> from supplychain import load_graph
>>> from supplychain.query import exposure
>>> g = load_graph("data/graph.yaml")
>>> r = exposure(g, "阿里云资本开支", top=1)
>>> conviction(g, r.results[0].id, Scope.of(g, r.driver.id))
{'reports': 1, 'first_seen': '2025-11-26', 'last_seen': '2025-11-26', 'trend': 'new'}
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .graph import Graph
from .history import STANCE_EDGES, driver_scope
from .schema import STANCES, Claim

_CLAIMS_HAVE_DRIVER = "driver" in Claim.model_fields
"""Whether claims record the driver of their note (issue 9); asked once, as ``getattr``
on a model without the field costs a raised and caught AttributeError per claim."""

TRENDS = ("up", "down", "flat", "new", "dropped")
"""The values of ``trend`` (besides ``null``), documented in the README."""

CONVICTION_KEYS = ("reports", "first_seen", "last_seen", "trend")
"""The keys :func:`conviction` adds to every exposure result."""

_STRENGTH = {s: len(STANCES) - i for i, s in enumerate(STANCES)}
_STRENGTH["dropped"] = 0


class Scope:
    """The drivers (and origin sector) whose claims count, with a per-query cache of sector drivers."""

    def __init__(self, g: Graph, ids: set[str], as_of: dt.date | None = None):
        from .context import DriverContext

        self.g = g
        self.ids = ids
        self.as_of = as_of
        self.silent = DriverContext.make(g, ids).silent if g.entry.driver_edges() else frozenset()
        self._sector_in_scope: dict[str, bool] = {}

    @classmethod
    def of(cls, g: Graph, origin: str, as_of: dt.date | None = None) -> "Scope":
        return cls(g, driver_scope(g, origin), as_of)

    def sector_counts(self, node_id: str) -> bool:
        """Whether a claim without a driver on an edge to ``node_id`` (sector or driver) is about the scope."""
        found = self._sector_in_scope.get(node_id)
        if found is None:
            entry = self.g.entry
            found = node_id in self.ids or any(
                entry.edge_type(j) == "drives" and entry.edge_ends(j)[0] in self.ids for j in entry.edges_by(node_id, "in")
            )
            self._sector_in_scope[node_id] = found
        return found


def counted_claims(g: Graph, node_id: str, scope: Scope) -> list:
    """The stance claims on ``node_id`` that are about ``scope`` (see the module docstring)."""
    entry = g.entry
    types = g.node_types
    out = []
    for side in ("out", "in"):
        for j in entry.edges_by(node_id, side):
            if entry.edge_type(j) not in STANCE_EDGES:
                continue
            ends = [x for x in entry.edge_ends(j) if x != node_id and types.get(x) in ("sector", "driver")]
            claims = None
            for c in entry.edge(j).claims:
                if not c.stance or (scope.as_of is not None and c.date > scope.as_of):
                    continue
                named = getattr(c, "driver", None) if _CLAIMS_HAVE_DRIVER else None
                if named:
                    ok = named in scope.ids
                elif c.report in scope.silent:  # a report about other drivers (supplychain.context)
                    ok = False
                else:
                    if claims is None:
                        claims = any(scope.sector_counts(x) for x in ends)
                    ok = claims
                if ok:
                    out.append(c)
    return out


def _named_by_another(claims: list, driver: str | None) -> bool:
    """Whether a driver other than ``driver`` whose notes spoke of the name still names it
    (its latest claim, with the claims naming no driver, is not ``dropped``), as
    :func:`supplychain.context.context_claim` reads it. The driver whose note dropped the
    name is not "another": its later note naming the name again is its own history (an
    upgrade from ``dropped``), not a reason to forget the drop."""
    groups = {getattr(c, "driver", None) for c in claims} - {None, driver}
    for d in groups:
        mine = [c for c in claims if getattr(c, "driver", None) in (None, d)]
        latest = max(c.date for c in mine)
        if all(c.stance != "dropped" for c in mine if c.date == latest):
            return True
    return False


def trend(claims: list) -> str | None:
    """``up``, ``down``, ``flat``, ``new``, ``dropped`` or ``None`` (module docstring).

    >>> from types import SimpleNamespace as C
    >>> d = lambda s: dt.date.fromisoformat(s)
    >>> trend([C(date=d("2025-11-26"), stance="listed"), C(date=d("2025-12-05"), stance="recommended")])
    'up'
    >>> trend([C(date=d("2025-11-26"), stance="recommended"), C(date=d("2025-11-26"), stance="listed")])
    'new'
    >>> trend([C(date=d("2025-11-26"), stance="recommended"), C(date=d("2025-12-05"), stance="beneficiary")])
    'down'
    >>> trend([C(date=d("2025-12-08"), stance="dropped", driver="a"), C(date=d("2025-12-12"), stance="recommended", driver="a")])
    'up'
    """
    dropped_by = {getattr(c, "driver", None) for c in claims if c.stance == "dropped"}
    forget = {d for d in dropped_by if _named_by_another(claims, d)}  # one driver's drop, another still names it
    if forget:
        claims = [c for c in claims if c.stance != "dropped" or getattr(c, "driver", None) not in forget]
    by_date: dict[dt.date, int] = {}
    for c in claims:
        s = _STRENGTH.get(c.stance, 0)
        if s > by_date.get(c.date, -1):
            by_date[c.date] = s
    if not by_date:
        return None
    days = sorted(by_date)
    if by_date[days[-1]] == 0:
        return "dropped"
    if len(days) == 1:
        return "new"
    last, before = by_date[days[-1]], by_date[days[-2]]
    return "up" if last > before else "down" if last < before else "flat"


def conviction(g: Graph, node_id: str, scope: Scope) -> dict[str, Any]:
    """``reports``, ``first_seen``, ``last_seen`` and ``trend`` of one name for ``scope``."""
    claims = counted_claims(g, node_id, scope)
    dates = [c.date for c in claims]
    return {
        "reports": len({c.report for c in claims}),
        "first_seen": min(dates).isoformat() if dates else None,
        "last_seen": max(dates).isoformat() if dates else None,
        "trend": trend(claims),
    }


def report_convictions(g: Graph, report) -> dict[str, dict[str, Any]]:
    """Conviction of every result (and negative call) of an :class:`~supplychain.query.ExposureReport`, by id."""
    scope = Scope.of(g, report.driver.id, report.as_of)
    return {r.id: conviction(g, r.id, scope) for r in [*report.results, *report.negative]}


def conviction_cell(c: dict[str, Any]) -> str:
    """The compact table cell: ``3 up`` (reports and trend); ``0`` with no counted claim."""
    return f"{c['reports']} {c['trend']}" if c["trend"] else str(c["reports"])


# --------------------------------------------------------------------------- across drivers (supplychain.across)


def noisy_or(scores) -> float:
    """``1 - Π(1 - s)``: the chance at least one independent piece of evidence holds.

    >>> round(noisy_or([0.9, 0.9]), 4), noisy_or([0.9]), noisy_or([])
    (0.99, 0.9, 0.0)
    """
    out = 1.0
    for s in scores:
        out *= 1.0 - s
    return 1.0 - out
