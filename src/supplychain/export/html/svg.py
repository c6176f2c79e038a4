"""A driver's exposure drawn as one inline SVG, for pages that run no script (the brief).

The same drawing as the interactive page: :func:`~.view.select` picks the best paths,
:func:`~.looks.look_of` sizes every label and :func:`~.layout.layout` places them (driver
→ sub-sectors → a grid of names banded by sub-sector), proportioned for a column of
text rather than a window. Nodes are coloured by stance like the page; names only
other drivers' notes put in their sub-sector (``basis`` ``inferred``) are pale with a
dashed grey border and no stance marker. Every string is escaped; the SVG uses
presentation attributes only (no ``style`` attribute, no ``<image>``, no link, no
script), so it needs nothing from a Content-Security-Policy of ``default-src 'none'``.
Each node carries a ``<title>`` (the browser's own tooltip, no script): name, stance,
score and the note behind it.

>>> from supplychain import load_graph
>>> svg = exposure_svg(load_graph("data/graph.yaml"), "阿里云资本开支")
>>> svg.startswith('<figure class="sc-drawing">') and svg.count('class="sc-node') == 58
True
"""

from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING

from ...render import inferred_note
from ...schema import EDGE_RULES
from .layout import bends, bulge, layout
from .looks import Look, look_of, text_width
from .style import BOXES, EDGE_STYLE, FONT_FACE, INFERRED_STYLE, NODE_STYLE, has_stance, stance_label, stance_style, stances
from .view import View, select

if TYPE_CHECKING:
    from ...graph import Graph

MAX_NODES = 200
"""The most nodes drawn, sub-sectors included: the best-scored names' paths, in rank
order, while they fit (``export html --max-nodes``); the list under the drawing has them all."""
CANVAS = (880.0, 1240.0)
"""The area the layout is proportioned for: the brief's column of text, taller than wide."""
PAD = 12.0  # around the drawing, in drawing units
LINE = 1.25  # line height of a label, in em

_e = html.escape


def label_lines(look: Look) -> list[tuple[str, float, float]]:
    """``(text, x offset from the centre, baseline offset)`` of each line of a node's label."""
    lines = look.label.split("\n")
    font = look.font
    if look.size == 0.0:  # a box: lines centred in it
        first = -(len(lines) - 1) * font * LINE / 2 + 0.35 * font
    else:  # a marker: lines under it
        first = look.size + 6 + 0.85 * font
    return [(line, 0.0, first + i * font * LINE) for i, line in enumerate(lines)]


def label_box(pos: tuple[float, float], look: Look) -> tuple[float, float, float, float]:
    """The box ``(left, top, right, bottom)`` a node's label takes (a box node: the box itself)."""
    x, y = pos
    if look.size == 0.0:
        return (x - look.width / 2, y - look.top, x + look.width / 2, y + look.bottom)
    lines = look.label.split("\n")
    w = max(text_width(line, look.font) for line in lines)
    top = y + look.size + 6
    return (x - w / 2, top, x + w / 2, top + len(lines) * look.font * LINE)


def _shape(node_type: str, x: float, y: float, look: Look, fill: str, stroke: str, width: float, extra: str) -> str:
    style = NODE_STYLE[node_type]
    common = f'fill="{fill}" stroke="{stroke}" stroke-width="{width:g}"{extra}'
    if node_type in BOXES:
        return f'<rect x="{x - look.width / 2:.1f}" y="{y - look.top:.1f}" width="{look.width:.1f}" height="{look.top + look.bottom:.1f}" rx="4" {common}/>'
    r = look.size
    shape = style["shape"]
    if shape == "diamond":
        return f'<path d="M{x:.1f} {y - r:.1f}L{x + r:.1f} {y:.1f}L{x:.1f} {y + r:.1f}L{x - r:.1f} {y:.1f}Z" {common}/>'
    if shape == "triangleDown":
        return f'<path d="M{x - r:.1f} {y - r * 0.6:.1f}L{x + r:.1f} {y - r * 0.6:.1f}L{x:.1f} {y + r:.1f}Z" {common}/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" {common}/>'


def _end(p: tuple[float, float], q: tuple[float, float], look: Look) -> tuple[float, float]:
    """Where the segment from ``q`` to the centre ``p`` of a node meets the node's outline."""
    dx, dy = q[0] - p[0], q[1] - p[1]
    d = math.hypot(dx, dy) or 1.0
    if look.size == 0.0:  # a box: the nearer of its vertical and horizontal sides
        hw, hh = look.width / 2, look.top
        t = min(hw / abs(dx) if dx else math.inf, hh / abs(dy) if dy else math.inf)
        return (p[0] + dx * t, p[1] + dy * t)
    return (p[0] + dx / d * (look.size + 1), p[1] + dy / d * (look.size + 1))


def _title(g: "Graph", view: View, node, look: Look) -> str:
    parts = [node.name + (f" {node.ticker}" if getattr(node, "ticker", None) else "")]
    r = view.reach.get(node.id)
    if r is not None and r.basis == "inferred":
        parts.append(inferred_note(g, r))
    elif has_stance(look.stance):
        parts.append(f"{look.stance} {stance_label(look.stance)}")
    if r is not None:
        parts.append(f"score {r.score:.3f} = {r.explain()}")
        claim = next((h.claim for h in reversed(r.hops) if h.claim is not None), None)
        if claim is not None:
            parts.append(f"{claim.report} ({claim.date.isoformat()}): “{claim.quote}”")
    return "\n".join(parts)


def exposure_svg(g: "Graph", driver: str, *, depth: int = 4, canvas: tuple[float, float] = CANVAS, max_nodes: int | None = None) -> str:
    """A ``<figure>`` holding the drawing of ``driver``'s exposure and its legend (HTML text):
    at most ``max_nodes`` nodes (default :data:`MAX_NODES`), the legend saying how many names are left out."""
    view = select(g, driver=driver, depth=depth, max_nodes=max_nodes or MAX_NODES)
    looks = {n: look_of(g, view, g.nodes[n]) for n in view.nodes}
    pos = layout(g, view, looks, canvas)
    left = min(x - looks[n].width / 2 for n, (x, _) in pos.items()) - PAD
    top = min(y - looks[n].top for n, (_, y) in pos.items()) - PAD
    right = max(max(x + looks[n].width / 2, label_box(pos[n], looks[n])[2]) for n, (x, _) in pos.items()) + PAD
    bottom = max(max(y + looks[n].bottom, label_box(pos[n], looks[n])[3]) for n, (_, y) in pos.items()) + PAD
    w, h = right - left, bottom - top
    curves = bends(view, pos, looks)
    title = f"Exposure to {view.origin.name}: {len(view.reach)} names on best paths of at most {depth} hops"

    out = [
        '<figure class="sc-drawing">',
        f'<svg viewBox="{left:.1f} {top:.1f} {w:.1f} {h:.1f}" width="{w:.0f}" height="{h:.0f}" role="img" aria-labelledby="sc-drawing-title" '
        f'font-family="{_e(FONT_FACE)}">',
        f'<title id="sc-drawing-title">{_e(title)}</title>',
        "<defs>" + "".join(
            f'<marker id="sc-arrow-{t}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
            f'<path d="M0 1L10 5L0 9Z" fill="{s["color"]}"/></marker>'
            for t, s in EDGE_STYLE.items() if s["arrow"] and any(e.type == t for e in view.edges)
        ) + "</defs>",
        '<g class="sc-edges" fill="none">',
    ]
    for i, e in enumerate(view.edges):
        s = EDGE_STYLE[e.type]
        p, q = pos[e.source], pos[e.target]
        a, b = _end(p, q, looks[e.source]), _end(q, p, looks[e.target])
        dash = f' stroke-dasharray="{" ".join(str(d) for d in s["dashes"])}"' if s["dashes"] else ""
        inferred = looks[e.source].inferred and EDGE_RULES[e.type].stance
        colour = INFERRED_STYLE["border"] if inferred else s["color"]
        arrow = f' marker-end="url(#sc-arrow-{e.type})"' if s["arrow"] and not inferred else ""
        if i in curves:  # bows out to the right, clear of the column it would cross (as on the page)
            bow = 2 * bulge(curves[i]["roundness"], abs(q[1] - p[1]))  # a quadratic curve reaches half its control's offset
            d = f"M{p[0]:.1f} {p[1]:.1f}Q{(p[0] + q[0]) / 2 + bow:.1f} {(p[1] + q[1]) / 2:.1f} {q[0]:.1f} {q[1]:.1f}"
        else:
            d = f"M{a[0]:.1f} {a[1]:.1f}L{b[0]:.1f} {b[1]:.1f}"
        out.append(f'<path d="{d}" stroke="{colour}" stroke-width="{s["width"]:g}"{dash}{arrow}/>')
    out.append("</g>")
    for n in view.nodes:
        node, look, (x, y) = g.nodes[n], looks[n], pos[n]
        style = NODE_STYLE[node.type]
        origin = view.origin is not None and n == view.origin.id
        fill, stroke, width, extra, colour = style["bg"], style["border"], 1.5, "", style["font"]
        kind = "sc-node"
        if look.inferred:
            fill, stroke, width, colour = INFERRED_STYLE["bg"], INFERRED_STYLE["border"], INFERRED_STYLE["width"], INFERRED_STYLE["font"]
            extra = f' stroke-dasharray="{" ".join(str(d) for d in INFERRED_STYLE["dashes"])}" opacity="{INFERRED_STYLE["opacity"]}"'
            kind += " sc-inferred"
        elif has_stance(look.stance):
            st = stance_style(look.stance)
            stroke, width = st["border"], min(st["width"], 3.0)
            kind += f" sc-{_e(look.stance)}"
        if origin:
            width += 1.5
        out.append(f'<g class="{kind}" data-id="{_e(n)}"><title>{_e(_title(g, view, node, look))}</title>')
        out.append(_shape(node.type, x, y, look, fill, stroke, width, extra))
        halo = "" if look.size == 0.0 else ' stroke="#ffffff" stroke-width="3" paint-order="stroke" stroke-linejoin="round"'
        for line, dx, dy in label_lines(look):
            out.append(f'<text x="{x + dx:.1f}" y="{y + dy:.1f}" font-size="{look.font}" text-anchor="middle" fill="{colour}"{halo}>{_e(line)}</text>')
        out.append("</g>")
    out.append("</svg>")
    out.append(f"<figcaption>{legend(view, looks)}</figcaption>")
    out.append("</figure>")
    return "\n".join(out)


def legend(view: View, looks: dict[str, Look]) -> str:
    """The key of the drawing: the stances drawn (marker, border), inferred names, marker size."""
    drawn = {look.stance for look in looks.values() if has_stance(look.stance) and not look.inferred}
    bg = NODE_STYLE["company"]["bg"]
    keys = []
    for s in stances():
        if s in drawn:
            st = stance_style(s)
            keys.append(f'<span class="sc-key"><svg width="16" height="16" aria-hidden="true"><circle cx="8" cy="8" r="5.5" fill="{bg}" '
                        f'stroke="{st["border"]}" stroke-width="{min(st["width"], 3.0):g}"/></svg>{_e((st["marker"] + " ").lstrip())}{_e(s)} {_e(stance_label(s))}</span>')
    if any(look.inferred for look in looks.values()):
        i = INFERRED_STYLE
        keys.append(f'<span class="sc-key"><svg width="16" height="16" aria-hidden="true"><circle cx="8" cy="8" r="5.5" fill="{i["bg"]}" '
                    f'stroke="{i["border"]}" stroke-width="{i["width"]:g}" stroke-dasharray="{" ".join(str(d) for d in i["dashes"])}"/></svg>'
                    f'inferred: only notes about other drivers put it in its sub-sector (no stance for {_e(view.origin.name)})</span>')
    keys.append('<span class="sc-key">marker size = exposure score</span>')
    if view.left_out:
        keys.append(f'<span class="sc-key">the best {len(view.reach)} of {view.results} names drawn '
                    f'(all are listed below; <code>supplychain export html --driver</code> draws them all)</span>')
    return " ".join(keys)
