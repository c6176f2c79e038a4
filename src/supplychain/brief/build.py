"""The one-page brief of a driver, as data: sections of lines, each line with its source.

:func:`build_brief` gathers, for one driver:

1. **Latest figures**: the driver's metrics, the latest of each name and period;
2. **Names by sub-sector**: its exposed names (``exposure``), grouped by sub-sector, with
   stance, score and conviction (:mod:`supplychain.conviction`); negative calls apart;
3. **What changed since DATE**: ``changes`` for this driver (new, upgrades, downgrades,
   new sub-sectors);
4. **Risks**: the risks that threaten the driver or a sub-sector it drives;
5. **Notes**: the notes every line above rests on.

Every line of sections 1-4 carries the :class:`Source` it comes from (report, date,
quote), rendered as a footnote; a line without one is never made. The renderers
(:mod:`.markdown`, :mod:`.html`) only lay this structure out.

>>> from supplychain import load_graph
>>> b = build_brief(load_graph("data/graph.yaml"), "阿里云资本开支")
>>> [s.title for s in b.sections]
['Latest figures', 'Names by sub-sector', 'What changed since 2025-11-26', 'Risks']
>>> b.sections[0].groups[0].lines[0].text
'资本开支 315.01 亿元, +80.1% YoY, FY2026Q2'
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..graph import Graph


@dataclass(frozen=True)
class Source:
    """Where a line comes from: a note, its date and the quoted sentence."""

    report: str
    date: dt.date
    quote: str


@dataclass
class Line:
    text: str
    source: int  # 1-based footnote number


@dataclass
class Group:
    heading: str | None
    lines: list[Line] = field(default_factory=list)


@dataclass
class Section:
    title: str
    groups: list[Group] = field(default_factory=list)
    empty: str = ""  # what to say when there is no line


@dataclass
class Brief:
    driver: object
    as_of: dt.date | None
    since: dt.date | None
    sections: list[Section]
    sources: list[Source]
    notes: list[tuple[str, dt.date, str]]  # (report id, date, title), oldest first

    @property
    def title(self) -> str:
        d = self.driver
        return f"Brief: {d.name}" + (f" ({d.name_en})" if d.name_en else "")


class _Footnotes:
    def __init__(self):
        self.sources: list[Source] = []
        self._index: dict[Source, int] = {}

    def ref(self, report: str, date: dt.date, quote: str) -> int:
        s = Source(report, date, quote)
        if s not in self._index:
            self.sources.append(s)
            self._index[s] = len(self.sources)
        return self._index[s]


def _figures(g: Graph, driver, fn: _Footnotes) -> Section:
    """The latest figure of each name and period (a revision replaces the figure it
    revises), with its range and, when several notes gave it, how many."""
    from ..render import metric_text

    latest: dict[tuple, object] = {}
    for m in getattr(driver, "metrics", ()):
        key = (m.name, m.period)
        prev = latest.get(key)
        if prev is None or _last(m) >= _last(prev):
            latest[key] = m
    lines = [
        Line(metric_text(m) + (f" ({len(m.sources)} notes)" if len(m.sources) > 1 else ""),
             fn.ref(m.source.report, m.source.date, m.source.quote))
        for m in sorted(latest.values(), key=lambda m: (-_last(m).toordinal(), m.name, m.period or ""))
    ]
    return Section("Latest figures", [Group(None, lines)] if lines else [], "(the notes give no figure for this driver)")


def _last(m) -> dt.date:
    """The date of the latest note that gave a figure."""
    return max(s.date for s in m.sources)


def _names(g: Graph, report, fn: _Footnotes) -> Section:
    from ..conviction import report_convictions
    from ..render import stance_label

    conv = report_convictions(g, report)
    groups: dict[str, Group] = {}

    def line(r) -> Line:
        c = conv[r.id]
        hop = next((h for h in reversed(r.hops) if h.claim is not None and h.stance), r.hops[-1])
        claim = hop.claim
        ticker = getattr(r.node, "ticker", None)
        seen = f"{c['reports']} note{'' if c['reports'] == 1 else 's'}"
        if c["first_seen"]:
            seen += f", {c['first_seen']}" + (f" → {c['last_seen']}" if c["last_seen"] != c["first_seen"] else "")
        trend = f", trend {c['trend']}" if c["trend"] else ""
        if getattr(r, "basis", "named") == "inferred":  # issue 9: no note about this driver names it
            stance = "inferred (put in the sub-sector by a note about another driver; no stance)"
        else:
            stance = stance_label(r.stance) if r.stance else "no stance (reached through a holding)"
        text = f"{r.node.name}" + (f" {ticker}" if ticker else "") + f": {stance}, score {r.score:.3f}; {seen}{trend}"
        return Line(text, fn.ref(claim.report, claim.date, claim.quote))

    for r in report.results:
        heading = g.nodes[r.sector].name if r.sector else "(no sub-sector)"
        groups.setdefault(heading, Group(heading)).lines.append(line(r))
    out = list(groups.values())
    if report.negative:
        out.append(Group("Negative calls (shorts, not ranked)", [line(r) for r in report.negative]))
    return Section("Names by sub-sector", out, "(no exposed names)")


def _changes(g: Graph, driver, since: dt.date | None, fn: _Footnotes) -> Section:
    from ..ingest.changes import KINDS, changes
    from ..render import stance_label

    title = f"What changed since {since}" if since else "What changed"
    found = changes(g, since, drivers=[driver.id]) if since else []
    labels = {"new": "New", "upgrade": "Upgraded", "downgrade": "Downgraded", "dropped": "Dropped",
              "new_sector": "New sub-sectors"}
    groups = {k: Group(labels[k]) for k in KINDS}
    for dc in found:
        for c in dc.changes:
            if c.claim is None:  # nothing to cite: not reported (a brief line is always sourced)
                continue
            if c.kind == "new_sector":
                text = c.name
            elif c.kind == "new":
                text = f"{c.name}: {stance_label(c.after) or 'no stance'}" + (f" in {g.nodes[c.sector].name}" if c.sector else "")
            else:
                text = f"{c.name}: {stance_label(c.before)} → {stance_label(c.after)}" + (f" in {g.nodes[c.sector].name}" if c.sector else "")
            claim = _stance_claim(g, c) or c.claim
            groups[c.kind].lines.append(Line(text, fn.ref(claim.report, claim.date, claim.quote)))
    return Section(title, [gr for gr in groups.values() if gr.lines], "(nothing changed)")


def _stance_claim(g: Graph, change):
    """The claim that gives a changed name its stance now (the last edge of its path), if any."""
    from ..schema import current_claim

    if change.kind == "new_sector" or len(change.path) < 2 or not change.after:
        return None
    prev = change.path[-2]
    for e in g.edges_of(change.node_id):
        if prev in (e.source, e.target):
            claim = current_claim(e.claims)
            if claim is not None and claim.stance == change.after:
                return claim
    return None


def _risks(g: Graph, driver, fn: _Footnotes) -> Section:
    from ..schema import current_claim

    targets = [driver.id] + [e.target for e in g.out_edges(driver.id) if e.type == "drives"]
    lines: list[Line] = []
    seen: set[tuple[str, str]] = set()
    for t in targets:
        for e in g.in_edges(t):
            claim = current_claim(e.claims) if e.type == "threatens" else None
            if claim is None or (e.source, t) in seen:
                continue
            seen.add((e.source, t))
            what = "" if t == driver.id else f" (threatens {g.nodes[t].name})"
            lines.append(Line(g.nodes[e.source].name + what, fn.ref(claim.report, claim.date, claim.quote)))
    return Section("Risks", [Group(None, lines)] if lines else [], "(no risk recorded)")


def build_brief(g: Graph, driver: str, *, since: dt.date | None = None, depth: int = 4) -> Brief:
    """The brief of ``driver`` (any name): see the module docstring.

    ``since`` defaults to the date of the latest note (what the latest note changed).
    """
    from ..ingest.changes import default_since
    from ..query import exposure

    node = g.resolve(driver, types=("driver",))
    fn = _Footnotes()
    report = exposure(g, node.id, depth=depth)
    since = since or default_since(g)
    sections = [_figures(g, node, fn), _names(g, report, fn), _changes(g, node, since, fn), _risks(g, node, fn)]
    reports = {s.report for s in fn.sources}
    notes = sorted(
        ((r, g.nodes[r].date, g.nodes[r].title) for r in reports if r in g.nodes),
        key=lambda n: (n[1], n[0]),
    )
    as_of = max((n[1] for n in notes), default=None)
    return Brief(node, as_of, since, sections, fn.sources, notes)
