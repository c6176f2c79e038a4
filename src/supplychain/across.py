"""Exposure across several drivers: per-driver *named* scores combined by noisy-OR.

``supplychain exposure D1 D2 …`` (or ``--driver D`` repeated, or ``exposure PARENT
--across``) asks each driver's :func:`~supplychain.query.exposure` for its results. A
result counts for driver ``d`` only when the name is **named** for ``d``: its basis is not
``inferred`` and at least one of its stance claims is about ``d`` or a driver ``d`` drives
(conviction ``reports`` > 0, :mod:`supplychain.conviction`). The combined score is
:func:`~supplychain.conviction.noisy_or` of the counted scores, ``1 − Π(1 − sᵢ)``: a name
named for one driver keeps exactly its single-driver score and, all else equal, a name
named for three drivers ranks above one named for one (0.9, 0.99, 0.999).

Noisy-OR adds up *independent* evidence, so each driver counts only with a note of its
own: drivers are matched to distinct notes (:func:`distinct_notes`), and a driver that
names the name only through notes already counted for the others (the seed note, whose
claims name no driver, speaks for every driver it links into the chain:
:mod:`supplychain.context`) is ``shared``: shown, not counted. A name only the seed note
names keeps its single-driver score.

``--across`` expands a parent driver into the drivers under it that drive sub-sectors,
less those another of them drives (AI需求 → 阿里云资本开支, 腾讯资本开支, 北美云厂商资本开支
once notes about them are in): one column per hyperscaler, each note counted in one.

Two drivers of which one drives the other (its exposure already holds the other's notes),
or a driver given twice, are refused.

>>> from supplychain import load_graph
>>> g = load_graph("data/graph.yaml")
>>> r = exposure_across(g, ["阿里云资本开支"], top=1).results[0]  # one driver: its own score
>>> round(r.score, 4), r.drivers, [p.reach.score for p in r.parts.values()]
(0.9, 1, [0.9])
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterable

from .conviction import CONVICTION_KEYS, Scope, conviction, counted_claims, noisy_or, trend
from .errors import SupplyChainError
from .graph import Graph
from .history import driver_scope
from .query import Reach, exposure


class NoDriver(SupplyChainError):
    """``exposure`` given no driver at all: a usage error."""

    exit_code = 2


class OverlappingDrivers(SupplyChainError):
    """Two drivers given would count the same notes twice (or one is given twice)."""


@dataclass
class Part:
    """A name's result for one driver: the driver, its :class:`~supplychain.query.Reach`
    and its conviction for that driver."""

    driver: object
    reach: Reach
    conviction: dict[str, Any]


@dataclass
class Combined:
    """One name across the drivers: combined score, the counted parts by driver id, the
    parts with a negative call (not counted), and the conviction over the counted notes."""

    node: object
    score: float
    parts: dict[str, Part]
    negative: dict[str, Part] = field(default_factory=dict)
    shared: dict[str, Part] = field(default_factory=dict)
    """Drivers that name the name only through notes already counted for the others."""
    conviction: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.node.id

    @property
    def drivers(self) -> int:
        return len(self.parts)

    @property
    def best(self) -> Part:
        """The part with the highest score (the first driver given on a tie): its path,
        stance and evidence stand for the name."""
        parts = list(self.parts.values()) or list(self.negative.values())
        return max(parts, key=lambda p: p.reach.score)

    def explain(self) -> str:
        """``noisy-OR 1 − (1 − 0.54) × (1 − 0.9) = 0.954`` (one factor per counted driver)."""
        if not self.parts:
            return "negative call for " + ", ".join(p.driver.name for p in self.negative.values()) + ": not ranked"
        if len(self.parts) == 1:
            return f"one driver: {self.best.reach.explain()}"
        factors = " × ".join(f"(1 − {p.reach.score:g})" for p in self.parts.values())
        return f"noisy-OR 1 − {factors} = {self.score:.4g}"


@dataclass
class AcrossReport:
    """What :func:`exposure_across` returns: the parent (with ``--across``) or None, the
    drivers combined, the results best first, and the names only negative calls reach."""

    parent: object | None
    drivers: list
    results: list[Combined]
    depth: int = 4
    as_of: dt.date | None = None
    negative: list[Combined] = field(default_factory=list)


def expand(g: Graph, parent) -> list:
    """The drivers under ``parent`` that a note's names hang from: every driver ``parent``
    drives (at any depth) that itself drives a sub-sector, less those another of them
    drives (their notes already count there). In id order.

    >>> from supplychain import load_graph
    >>> g = load_graph("data/graph.yaml")
    >>> [n.id for n in expand(g, g.resolve("AI需求"))]
    ['alibaba-capex']
    """
    entry, types = g.entry, g.node_types
    inside = driver_scope(g, parent.id) - {parent.id}
    hanging = {d for d in inside
               if any(entry.edge_type(j) == "drives" and types.get(entry.edge_ends(j)[1]) == "sector"
                      for j in entry.edges_by(d, "out"))}
    covered = set()
    for d in hanging:
        covered |= driver_scope(g, d) - {d}
    return [g.nodes[d] for d in sorted(hanging - covered)]


def resolve_drivers(g: Graph, names: Iterable[str], across: bool = False) -> tuple[object | None, list]:
    """The parent (``across`` with one driver given, else None) and the drivers to combine.

    With ``across``, each driver given is replaced by :func:`expand`; fewer than two
    drivers to combine is refused. Repeated and overlapping drivers are refused.
    """
    given = []
    for name in names:
        node = g.resolve(name, types=("driver",))
        if any(n.id == node.id for n in given):
            raise OverlappingDrivers(f"driver {name!r} ({node.id}) is given twice; give each driver once")
        given.append(node)
    nodes = given
    if across:
        nodes = [c for p in given for c in expand(g, p)]
        if len(nodes) < 2:
            under = ", ".join(f"{n.name} ({n.id})" for n in nodes) or "no driver that drives a sub-sector"
            raise SupplyChainError(f"--across: {', '.join(p.name for p in given)} drives {under}: nothing to combine; "
                                   f"give a parent of several drivers (such as AI需求), or drop --across")
    ids = [n.id for n in nodes]
    for a in nodes:  # the same notes would count twice
        if ids.count(a.id) > 1:
            raise OverlappingDrivers(f"{a.name} ({a.id}) is under more than one driver given; give each driver once")
        for b in nodes:
            if a.id != b.id and b.id in driver_scope(g, a.id):
                raise OverlappingDrivers(f"{a.name} ({a.id}) drives {b.name} ({b.id}): its exposure already holds that "
                                         f"driver's evidence; give one of the two")
    return (given[0] if across and len(given) == 1 else None), nodes


def _union_conviction(g: Graph, node_id: str, scopes: list[Scope]) -> dict[str, Any]:
    """Conviction over the claims counted for any of the scopes, each claim once."""
    claims = {}
    for scope in scopes:
        for c in counted_claims(g, node_id, scope):
            claims[(c.report, c.date, c.stance, c.quote)] = c
    dates = [c.date for c in claims.values()]
    return {"reports": len({c.report for c in claims.values()}),
            "first_seen": min(dates).isoformat() if dates else None,
            "last_seen": max(dates).isoformat() if dates else None,
            "trend": trend(list(claims.values()))}


def distinct_notes(notes: dict[str, set[str]]) -> dict[str, str]:
    """Each driver matched to a note of its own (driver → report), as many drivers as can
    be (a maximum bipartite matching; a driver given earlier keeps its note).

    >>> distinct_notes({"alibaba": {"seed"}, "tencent": {"seed"}})  # one note: counted once
    {'alibaba': 'seed'}
    >>> sorted(distinct_notes({"alibaba": {"seed", "a2"}, "tencent": {"seed"}}).items())
    [('alibaba', 'a2'), ('tencent', 'seed')]
    """
    owner: dict[str, str] = {}  # report → driver

    def take(d: str, seen: set[str]) -> bool:
        for report in sorted(notes[d]):
            if report in seen:
                continue
            seen.add(report)
            if report not in owner or take(owner[report], seen):
                owner[report] = d
                return True
        return False

    for d in notes:
        take(d, set())
    return {d: r for r, d in owner.items()}


def exposure_across(g: Graph, drivers: Iterable[str], *, across: bool = False, depth: int = 4,
                    as_of: dt.date | None = None, top: int | None = None, **filters) -> AcrossReport:
    """Names exposed to several drivers, combined by noisy-OR of per-driver named scores
    (module docstring). ``filters`` (``types``, ``sectors``, ``stances``) go to each
    driver's :func:`~supplychain.query.exposure`. Results best first, ties by the number of
    drivers counted, then id; negative calls (a name only negative calls reach) apart."""
    parent, nodes = resolve_drivers(g, drivers, across)
    found: dict[str, Combined] = {}
    scopes = []
    ids = [n.id for n in nodes]
    for n in nodes:
        report = exposure(g, n.id, depth=depth, as_of=as_of, **filters)
        scope = Scope.of(g, n.id, as_of)
        scopes.append(scope)
        for r, negative in [*((r, False) for r in report.results), *((r, True) for r in report.negative)]:
            if r.basis == "inferred":
                continue
            c = conviction(g, r.id, scope)
            if c["reports"] == 0:
                continue
            entry = found.setdefault(r.id, Combined(r.node, 0.0, {}))
            (entry.negative if negative else entry.parts)[n.id] = Part(n, r, c)
    results, shorts = [], []
    for entry in found.values():
        if len(entry.parts) > 1:
            notes = {d: {c.report for c in counted_claims(g, entry.id, scopes[ids.index(d)])} for d in entry.parts}
            own = distinct_notes(notes)
            entry.shared = {d: p for d, p in entry.parts.items() if d not in own}
            entry.parts = {d: p for d, p in entry.parts.items() if d in own}
        entry.score = round(noisy_or(p.reach.score for p in (entry.parts or entry.negative).values()), 6)
        entry.conviction = _union_conviction(g, entry.id, [s for s, n in zip(scopes, nodes) if n.id in entry.parts]
                                             or [s for s, n in zip(scopes, nodes) if n.id in entry.negative])
        (results if entry.parts else shorts).append(entry)
    results.sort(key=lambda r: (-r.score, -r.drivers, r.id))
    shorts.sort(key=lambda r: r.id)
    return AcrossReport(parent, nodes, results[:top] if top is not None else results, depth, as_of, shorts)


# --------------------------------------------------------------------------- output


def breakdown(report: AcrossReport, r: Combined) -> list[dict[str, Any]]:
    """Per driver combined: its score (null when not counted), stance, reports, trend, path and evidence."""
    from .render import evidence

    out = []
    for n in report.drivers:
        p = r.parts.get(n.id) or r.negative.get(n.id) or r.shared.get(n.id)
        out.append({"driver": n.id, "driver_name": n.name,
                    "score": round(p.reach.score, 4) if p and n.id in r.parts else None,
                    "shared": n.id in r.shared,
                    "stance": p.reach.stance if p else None,
                    "reports": p.conviction["reports"] if p else 0,
                    "trend": p.conviction["trend"] if p else None,
                    "path": list(p.reach.path) if p else None,
                    "evidence": [evidence(h) for h in p.reach.hops] if p else None})
    return out


def combined_json(report: AcrossReport, r: Combined) -> dict[str, Any]:
    """One result: the keys of an ``exposure`` result (path, stance and evidence of the
    best driver; conviction over every counted note; ``score`` combined), plus
    ``drivers`` (how many counted) and ``breakdown``."""
    from .render import reach_json

    best = r.best.reach
    return {**reach_json(best), "score": round(r.score, 4), "explain": r.explain(), "call": best.call,
            **r.conviction, "drivers": r.drivers, "best_driver": r.best.driver.id, "breakdown": breakdown(report, r)}


def across_json(report: AcrossReport) -> dict[str, Any]:
    """The JSON of ``exposure`` over several drivers: the ``exposure`` keys plus
    ``drivers``, ``parent`` and ``combination`` (README, "JSON contract")."""
    if report.parent is not None:
        driver = {"id": report.parent.id, "name": report.parent.name}
    else:
        driver = {"id": "+".join(n.id for n in report.drivers), "name": " + ".join(n.name for n in report.drivers)}
    return {
        "driver": driver,
        "depth": report.depth,
        "as_of": report.as_of.isoformat() if report.as_of else None,
        "results": [combined_json(report, r) for r in report.results],
        "negative": [combined_json(report, r) for r in report.negative],
        "drivers": [{"id": n.id, "name": n.name} for n in report.drivers],
        "parent": {"id": report.parent.id, "name": report.parent.name} if report.parent is not None else None,
        "combination": "noisy-OR",
    }


def across_csv(report: AcrossReport) -> tuple[tuple[str, ...], list[tuple]]:
    """Headers and rows: the ``exposure`` CSV columns, then ``drivers`` and, per driver,
    ``score_<id>`` and ``stance_<id>``."""
    headers = ("rank", "id", "name", "name_en", "ticker", "type", "score", "stance", "sector", "path", "report", "date",
               "quote", *CONVICTION_KEYS, "basis", "stance_driver", "call", "drivers",
               *(f"{k}_{n.id}" for n in report.drivers for k in ("score", "stance")))
    rows = []
    for i, r in [*enumerate(report.results, 1), *(("", r) for r in report.negative)]:
        best = r.best.reach
        last = best.hops[-1].claim
        parts = [(b["score"], b["stance"]) for b in breakdown(report, r)]
        rows.append((i, r.id, r.node.name, r.node.name_en, getattr(r.node, "ticker", None), r.node.type, f"{r.score:.4f}",
                     best.stance, best.sector, " > ".join(best.path), last.report if last else None,
                     last.date.isoformat() if last else None, last.quote if last else None,
                     *(r.conviction[k] for k in CONVICTION_KEYS), best.basis, best.stance_driver, best.call, r.drivers,
                     *(x for pair in parts for x in pair)))
    return headers, rows


def across_text(g: Graph, report: AcrossReport, explain: bool = False) -> str:
    """The table: one column per driver (score, stance, notes and trend), then for each
    name one line per counted driver with its path and the sentence that names it."""
    from . import render
    from .conviction import conviction_cell

    names = ", ".join(n.name for n in report.drivers)
    via = f"to {report.parent.name} across the drivers under it: {names}" if report.parent is not None else f"across {names}"
    scope = f"claims dated on or before {report.as_of}" if report.as_of else "all claims"
    n = len(report.results)
    lines = [f"Exposure {via}: {n} name{'' if n == 1 else 's'} named for at least one driver, "
             f"paths of at most {report.depth} hops, {scope}",
             "  score = noisy-OR of the per-driver named scores, 1 − Π(1 − s); a driver's column: score, stance, notes and trend"]
    if any(r.shared for r in report.results):
        lines.append("  (in brackets): named for that driver only by notes already counted for another driver; not counted again")
    if not report.results:
        lines.append("(no named names)")

    def cell(r: Combined, d) -> str:
        p = r.parts.get(d.id) or r.shared.get(d.id)
        if p is None:
            return f"{render.stance_label('negative')}" if d.id in r.negative else "—"
        text = f"{p.reach.score:.3f} {render.stance_label(p.reach.stance).split(' ')[-1]} {conviction_cell(p.conviction)}"
        return f"({text})" if d.id in r.shared else text

    rows = [(i, r.node.name, r.node.name_en, getattr(r.node, "ticker", None) or "", f"{r.score:.4f}", r.drivers,
             *(cell(r, d) for d in report.drivers))
            for i, r in enumerate(report.results, 1)]
    if rows:
        tab = render.table(("#", "name", "name_en", "ticker", "score", "drivers", *(d.name for d in report.drivers)),
                           rows).split("\n")
        lines += tab[:2]
        for row, r in zip(tab[2:], report.results):
            lines.append(row)
            if explain:
                lines.append(f"      score: {r.explain()}")
            for p in r.parts.values():
                c = p.reach.hops[-1].claim
                lines.append(f"      {p.driver.name}: {render.path_names(g, p.reach.path)}; {c.report} ({c.date}) “{c.quote}”")
    if report.negative:
        lines.append(f"Negative calls (named only with 减持/卖出/Underweight/Sell; not ranked): {len(report.negative)}")
        for r in report.negative:
            for p in r.negative.values():
                c = p.reach.hops[-1].claim
                lines.append(f"  {r.node.name} {getattr(r.node, 'ticker', None) or ''} for {p.driver.name}: "
                             f"{c.report} ({c.date}) “{c.quote}”")
    return "\n".join(lines)
