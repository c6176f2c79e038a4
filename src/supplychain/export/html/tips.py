"""The tooltips' material: every string from the data escaped once, and records pointing at them.

Tooltips are composed in the page (``page.js``) from a table of strings, each passed
through ``html.escape`` here once (names come from reports: untrusted). The page adds
only its own constant markup around them, so the table stays small however many edges
share a quote.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from ...render import metric_figures
from ...schema import EDGE_RULES, Edge, current_claim
from .looks import Look
from .style import NODE_STYLE, has_stance, stance_label, stances
from .view import View

if TYPE_CHECKING:
    from ...graph import Graph

EDGE_CODE = {t: i for i, t in enumerate(EDGE_RULES)}
"""Edge type → its index in the page's table of edge types."""


def stance_codes() -> dict[str, int]:
    """Stance → its index in the page's table of stances (the schema's order)."""
    return {s: i for i, s in enumerate(stances())}


def report_name(g: "Graph", report_id: str) -> str:
    node = g.nodes.get(report_id)
    return getattr(node, "title", None) or report_id


class Tips:
    """The tooltip material of one page: escaped strings by index, and records pointing at them.

    A node record is ``[heading, subheading, [key, value, …], [evidence, …], more]``; an
    evidence item is ``[caption or -1, date, report, stance code or -1, quote]``. An edge
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

    def s(self, text: str) -> int:
        i = self._index.get(text)
        if i is None:
            i = self._index[text] = len(self.strings)
            self.strings.append(html.escape(text))
        return i

    def claim(self, c, caption: str | None = None) -> list[int]:
        out = [self.s(c.date.isoformat()), self.s(report_name(self.g, c.report)), self.stance_code.get(c.stance, -1), self.s(c.quote)]
        return out if caption is None else [self.s(caption), *out]

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
        if r is not None:
            evidence = [self.claim(h.claim, caption(g, h.edge)) for h in r.hops if h.claim is not None]
        else:
            edges = g.edges_of(node.id)
            if len(edges) > evidence_limit:
                more = len(edges) - evidence_limit
            dated = [(e, current_claim(e.claims)) for e in edges]
            dated.sort(key=lambda ec: (not EDGE_RULES[ec[0].type].stance, -ec[1].date.toordinal(), ec[0].key))
            evidence = [self.claim(c, caption(g, e)) for e, c in dated[:evidence_limit]]
        heading = node.title if node.type == "report" else node.name
        sub = [node.name if node.type == "report" else None, node.name_en, " / ".join(g.tickers(node)), NODE_STYLE[node.type]["title"]]
        return [self.s(heading), self.s(" · ".join(x for x in sub if x)), rows, evidence, more]

    def edge(self, e: Edge) -> list:
        current = current_claim(e.claims)
        claims = sorted(e.claims, key=lambda c: c.date)
        return [EDGE_CODE[e.type], self.stance_code.get(current.stance, -1) if current else -1, *(self.claim(c) for c in claims)]


def caption(g: "Graph", e: Edge) -> str:
    return f"{g.nodes[e.source].name} {EDGE_RULES[e.type].label} {g.nodes[e.target].name}"
