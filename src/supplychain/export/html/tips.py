"""The tooltips' material: every string from the data escaped once, and records pointing at them.

Tooltips are composed in the page (``page.js``) from a table of strings, each passed
through ``html.escape`` here once (names come from reports: untrusted). The page adds
only its own constant markup around them, so the table stays small however many edges
share a quote.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from ...render import inferred_note, metric_figures
from ...schema import EDGE_RULES, Edge, current_claim
from .looks import Look, clip
from .style import NODE_STYLE, STANCE_TYPES, has_stance, stance_label, stances
from .view import View

if TYPE_CHECKING:
    from ...graph import Graph

EDGE_CODE = {t: i for i, t in enumerate(EDGE_RULES)}
"""Edge type → its index in the page's table of edge types."""

TIMELINE_LIMIT = 6
"""The most recent stance claims a company's tooltip lists (``+N more`` for the earlier ones)."""
TIMELINE_QUOTE_EM = 30.0
"""A timeline entry's quote is clipped to this width (the whole quote is in ``supplychain history``)."""


def stance_codes() -> dict[str, int]:
    """Stance → its index in the page's table of stances (the schema's order)."""
    return {s: i for i, s in enumerate(stances())}


def report_name(g: "Graph", report_id: str) -> str:
    node = g.nodes.get(report_id)
    return getattr(node, "title", None) or report_id


class Tips:
    """The tooltip material of one page: escaped strings by index, and records pointing at them.

    A node record is ``[heading, subheading, [key, value, …], [evidence, …], more]``; an
    evidence item is ``[caption or -1, date, report, stance code or -1, quote]``. A company
    or ETF with two or more stance claims adds ``[entry, …], earlier``: its stance history
    (:func:`~supplychain.history.history`), the latest :data:`TIMELINE_LIMIT` entries oldest
    first, each ``[date, drivers, report, stance code, short quote]``, and how many earlier
    entries are left out. An edge
    record is ``[type code, current stance code or -1, claim, …]``, a claim being
    ``[date, report, stance code or -1, quote]``; the page names the ends itself.

    >>> t = Tips(None)
    >>> t.s("<b>"), t.s("x"), t.s("<b>"), t.strings
    (0, 1, 0, ['&lt;b&gt;', 'x'])
    """

    def __init__(self, g: "Graph | None"):
        self.g = g
        self.stance_code = stance_codes()
        self.strings: list[str] = []
        self._index: dict[str, int] = {}
        self._types: dict[str, str] | None = None
        self._memo: dict = {}  # driver tuples and quotes -> the index of their timeline string
        self._drivers_of: dict[str, tuple[str, ...]] = {}  # sector or driver -> the drivers of a claim naming none on its edges

    def s(self, text: str) -> int:
        i = self._index.get(text)
        if i is None:
            i = self._index[text] = len(self.strings)
            self.strings.append(html.escape(text))
        return i

    def claim(self, c, caption: str | None = None, stance: bool = True) -> list[int]:
        code = self.stance_code.get(c.stance, -1) if stance else -1
        out = [self.s(c.date.isoformat()), self.s(report_name(self.g, c.report)), code, self.s(c.quote)]
        return out if caption is None else [self.s(caption), *out]

    def _type(self, node_id: str) -> str | None:
        if self._types is None:
            self._types = self.g.node_types
        return self._types.get(node_id)

    def _names(self, drivers: tuple[str, ...]) -> int:
        i = self._memo.get(drivers)
        if i is None:
            i = self._memo[drivers] = self.s(", ".join(self.g.nodes[d].name for d in drivers if d in self.g.nodes))
        return i

    def _short(self, quote: str) -> int:
        i = self._memo.get(quote)
        if i is None:
            i = self._memo[quote] = self.s(clip(quote, TIMELINE_QUOTE_EM))
        return i

    def timeline(self, node_id: str, edges: list[Edge] | None = None) -> list:
        """``[[entry, …], earlier]`` for a name with two or more stance claims, else ``[]``
        (``edges``: the node's edges, when the caller has them already)."""
        from ...history import STANCE_EDGES

        g = self.g
        entries = []
        for e in g.edges_of(node_id) if edges is None else edges:
            if e.type not in STANCE_EDGES:
                continue
            for c in e.claims:
                if not c.stance:
                    continue
                # the driver as `history` gives it: the claim's own, else the drivers of its sub-sector
                drivers = _edge_drivers(g, e, c, self._drivers_of)
                other = e.target if e.source == node_id else e.source
                entries.append((c.date, c.report, other if self._type(other) == "sector" else "", other, drivers, c))
        if len(entries) < 2:
            return []
        entries.sort(key=lambda x: x[:4])  # history's order: date, report, sub-sector, other end
        shown = entries[-TIMELINE_LIMIT:]
        rows = [[self.s(c.date.isoformat()), self._names(drivers), self.s(c.report), self.stance_code.get(c.stance, -1), self._short(c.quote)]
                for *_, drivers, c in shown]
        return [rows, len(entries) - len(shown)]

    def node(self, view: View, node, look: Look, evidence_limit: int = 3) -> list:
        g = self.g
        rows: list[int] = []

        def row(key: str, value: str) -> None:
            rows.extend((self.s(key), self.s(value)))

        if has_stance(look.stance):
            row("stance", f"{look.stance} {stance_label(look.stance)}")
        r = view.reach.get(node.id)
        if node.id in view.book:
            w = view.book[node.id]
            row("in the book", f"{w:.2%}" + (f" × score {r.score:.3f} = {w * r.score:.4f} of the exposure of the book" if r else ""))
        if r is not None and r.basis == "inferred":
            row("basis", inferred_note(g, r) or "inferred: no note about this driver names it")
        if r is not None:
            row("score", f"{r.score:.3f} = {r.explain()}")
            row("best path", " → ".join(g.nodes[p].name for p in r.path))
            if r.sector:
                row("sub-sector", g.nodes[r.sector].name)
        elif view.origin is not None and node.id == view.origin.id:
            row("origin", "the page starts here")
        if getattr(node, "exchange", None):
            row("exchange", node.exchange)
        for m in getattr(node, "metrics", ())[:evidence_limit]:
            row(m.name, ", ".join(metric_figures(m)))
        if getattr(node, "description", None):
            row("note", node.description)
        if node.type == "report":
            row("date", node.date.isoformat())
        more = 0
        edges = None
        if r is not None:
            # an inferred hop's claim says which note put the name there; its stance is another driver's
            evidence = [self.claim(h.claim, caption(g, h.edge), stance=not h.inferred) for h in r.hops if h.claim is not None]
        else:
            edges = g.edges_of(node.id)
            if len(edges) > evidence_limit:
                more = len(edges) - evidence_limit
            dated = [(e, current_claim(e.claims)) for e in edges]
            dated.sort(key=lambda ec: (not EDGE_RULES[ec[0].type].stance, -ec[1].date.toordinal(), ec[0].key))
            evidence = [self.claim(c, caption(g, e)) for e, c in dated[:evidence_limit]]
        heading = node.title if node.type == "report" else node.name
        sub = [node.name if node.type == "report" else None, node.name_en, " / ".join(g.tickers(node)), NODE_STYLE[node.type]["title"]]
        out = [self.s(heading), self.s(" · ".join(x for x in sub if x)), rows, evidence, more]
        if node.type in STANCE_TYPES:
            out += self.timeline(node.id, edges)
        return out

    def edge(self, e: Edge) -> list:
        current = current_claim(e.claims)
        claims = sorted(e.claims, key=lambda c: c.date)
        return [EDGE_CODE[e.type], self.stance_code.get(current.stance, -1) if current else -1, *(self.claim(c) for c in claims)]


def _edge_drivers(g: "Graph", edge: Edge, claim, cache: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The drivers a stance claim is about, as :func:`supplychain.history.edge_drivers` gives
    them: the claim's own driver, else the drivers of the edge's sector or driver end. The
    drivers of each end are looked up once per page (``cache``: node id → drivers)."""
    if getattr(claim, "driver", None):
        return (claim.driver,)
    out: set[str] = set()
    for x in (edge.source, edge.target):
        if x not in cache:
            kind = g.nodes[x].type if x in g.nodes else None
            if kind == "driver":
                cache[x] = (x,)
            elif kind == "sector":
                cache[x] = tuple(e.source for e in g.in_edges(x) if e.type == "drives" and g.nodes[e.source].type == "driver")
            else:
                cache[x] = ()
        out.update(cache[x])
    return tuple(sorted(out))


def caption(g: "Graph", e: Edge) -> str:
    return f"{g.nodes[e.source].name} {EDGE_RULES[e.type].label} {g.nodes[e.target].name}"
