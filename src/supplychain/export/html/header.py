"""The page's header: title, caption, the search box and the legend that doubles as filters.

The legend lists the node types, the stances and the edge types the page holds, each
with a swatch drawn in its page style; the stances are the schema's
(:data:`~supplychain.schema.STANCES`), in its order, each with its style from
:func:`~.style.stance_style`.
"""

from __future__ import annotations

import html
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from ...schema import EDGE_RULES, NODE_TYPES
from .style import EDGE_STYLE, INFERRED_STYLE, NODE_STYLE, STANCE_NONE, stance_label, stance_style, stances
from .tips import report_name
from .view import View

if TYPE_CHECKING:
    from ...graph import Graph

_esc = html.escape


def _swatch(node_type: str) -> str:
    s = NODE_STYLE[node_type]
    fill, stroke = s["bg"], s["border"]
    shape = {
        "box": f'<rect x="1" y="3" width="16" height="10" rx="2" fill="{fill}" stroke="{stroke}"/>',
        "dot": f'<circle cx="9" cy="8" r="6" fill="{fill}" stroke="{stroke}"/>',
        "diamond": f'<path d="M9 1 L16 8 L9 15 L2 8 Z" fill="{fill}" stroke="{stroke}"/>',
        "triangleDown": f'<path d="M2 3 L16 3 L9 15 Z" fill="{fill}" stroke="{stroke}"/>',
    }[s["shape"]]
    return f'<svg width="18" height="16" aria-hidden="true">{shape}</svg>'


def _stance_swatch(stance: str) -> str:
    s = stance_style(stance)
    bg = NODE_STYLE["company"]["bg"]
    return f'<svg width="18" height="16" aria-hidden="true"><circle cx="9" cy="8" r="5.5" fill="{bg}" stroke="{s["border"]}" stroke-width="{min(s["width"], 3)}"/></svg>'


def _inferred_swatch() -> str:
    s = INFERRED_STYLE
    dash = " ".join(str(d) for d in s["dashes"])
    return (f'<svg width="18" height="16" aria-hidden="true"><circle cx="9" cy="8" r="5.5" fill="{s["bg"]}" stroke="{s["border"]}" '
            f'stroke-width="{s["width"]}" stroke-dasharray="{dash}"/></svg>')


def basis_boxes(view: View, basis: dict[str, int]) -> str:
    """The legend's named / inferred toggles of a driver's page, when some name is inferred.

    Named: a note about the driver (or a driver it drives) names it, with the stance that
    note gave. Inferred: only notes about other drivers put it in its sub-sector; it is
    drawn pale with a dashed border and no stance marker (issue 9: drawn apart).
    """
    if view.mode != "driver" or not basis.get("inferred"):
        return ""
    d = _esc(view.origin.name)
    return (
        f'<label title="a note about {d} (or a driver it drives) names it"><input type="checkbox" value="named" checked>'
        f'{_swatch("company")}named for {d} <span class="sc-n">{basis.get("named", 0)}</span></label>'
        f'<label title="only notes about other drivers put it in its sub-sector: no stance for {d}">'
        f'<input type="checkbox" value="inferred" checked>{_inferred_swatch()}inferred, other drivers\' notes '
        f'<span class="sc-n">{basis["inferred"]}</span></label>'
    )


def _edge_swatch(edge_type: str) -> str:
    s = EDGE_STYLE[edge_type]
    dash = f' stroke-dasharray="{" ".join(str(d) for d in s["dashes"])}"' if s["dashes"] else ""
    head = f'<path d="M24 2 L30 6 L24 10 Z" fill="{s["color"]}"/>' if s["arrow"] else ""
    return f'<svg width="32" height="12" aria-hidden="true"><line x1="1" y1="6" x2="{26 if s["arrow"] else 31}" y2="6" stroke="{s["color"]}" stroke-width="{max(1.5, s["width"])}"{dash}/>{head}</svg>'


def title_and_caption(g: "Graph", view: View, n_nodes: int, n_edges: int) -> tuple[str, str]:
    """The page's title, and a caption saying what is drawn, how much and on what evidence."""
    parts = []
    if view.mode == "driver":
        d = view.origin
        title = f"Exposure to {d.name}" + (f" ({d.name_en})" if d.name_en else "")
        shown = len(view.reach)
        kinds: dict[str, int] = defaultdict(int)
        for r in view.reach.values():
            kinds[r.node.type] += 1
        what = ", ".join(f"{n} {'companies' if t == 'company' else 'ETFs'}" for t, n in sorted(kinds.items()))
        parts.append(f"{shown} exposed names" + (f" ({what})" if what else "") + f" on best paths of at most {view.depth} hops")
        if view.left_out:
            parts.append(f"the best {shown} of {view.results} (--max-nodes {view.max_nodes})")
        parts.append(view.book_note or "marker size = exposure score")
    elif view.mode == "focus":
        n = view.origin
        extra = ", ".join(x for x in (n.name_en, getattr(n, "ticker", None)) if x)
        title = f"Neighbourhood of {n.name}" + (f" ({extra})" if extra else "")
        parts.append(f"within {view.depth} hop{'s' if view.depth != 1 else ''}")
        if view.left_out:
            parts.append(f"the nearest {n_nodes} (--max-nodes {view.max_nodes}; {view.left_out} more not shown)")
    else:
        title = "AI-compute supply chain: the whole graph"
        if view.left_out:
            parts.append(f"the {n_nodes} nodes nearest the drivers (--max-nodes {view.max_nodes}; {view.left_out} more not shown)")
    parts.append(f"{n_nodes} nodes, {n_edges} edges")
    reports: dict[str, Any] = {}
    for e in view.edges:
        for c in e.claims:
            reports[c.report] = c.date
    for n in view.nodes:
        if g.nodes[n].type == "report":
            reports[n] = g.nodes[n].date
    if len(reports) == 1:
        ((rid, date),) = reports.items()
        parts.append(f"evidence: {report_name(g, rid)} ({date.isoformat()})")
    elif reports:
        dates = sorted(reports.values())
        parts.append(f"evidence: {len(reports)} reports dated {dates[0].isoformat()} to {dates[-1].isoformat()}")
    return title, " · ".join(parts)


def header(g: "Graph", view: View, nodes: list[dict[str, Any]]) -> tuple[str, str]:
    """The page's title and the ``<header>`` element, for the drawn ``nodes`` of ``view``."""
    title, caption = title_and_caption(g, view, len(nodes), len(view.edges))
    types: dict[str, int] = defaultdict(int)
    counts: dict[str, int] = defaultdict(int)
    basis: dict[str, int] = defaultdict(int)
    for d in nodes:
        types[d["type"]] += 1
        if "st" in d:
            counts[d["st"]] += 1
        if "bs" in d:
            basis[d["bs"]] += 1
    basis_labels = basis_boxes(view, basis)
    edge_types = sorted({e.type for e in view.edges}, key=list(EDGE_RULES).index)
    type_boxes = "".join(
        f'<label><input type="checkbox" value="{t}" checked>{_swatch(t)}{_esc(NODE_STYLE[t]["title"])} <span class="sc-n">{types[t]}</span></label>'
        for t in NODE_TYPES
        if types[t]
    )
    stance_boxes = "".join(
        f'<label><input type="checkbox" value="{_esc(s)}" checked>{_stance_swatch(s)}{_esc((stance_style(s)["marker"] + " ").lstrip())}{_esc(s)} {_esc(stance_label(s))} <span class="sc-n">{counts[s]}</span></label>'
        for s in stances()
        if counts[s]
    )
    if counts[STANCE_NONE]:
        stance_boxes += f'<label><input type="checkbox" value="{STANCE_NONE}" checked>no stance <span class="sc-n">{counts[STANCE_NONE]}</span></label>'
    edge_keys = "".join(f'<span class="sc-key">{_edge_swatch(t)}{_esc(EDGE_RULES[t].label)}</span>' for t in edge_types)
    element = f"""
<header id="sc-head">
  <h1>{_esc(title)}</h1>
  <p class="sc-caption">{_esc(caption)}</p>
  <div class="sc-tools">
    <div class="sc-search"><input id="sc-q" type="search" placeholder="Find a name or ticker…" autocomplete="off" spellcheck="false" aria-label="find a node by name or ticker"><ul id="sc-hits" role="listbox" hidden></ul></div>
    <div class="sc-group" id="sc-types"><b>Nodes</b>{type_boxes}</div>
    {f'<div class="sc-group" id="sc-stances"><b>Stance</b>{stance_boxes}</div>' if stance_boxes else ""}
    {f'<div class="sc-group" id="sc-basis"><b>Basis</b>{basis_labels}</div>' if basis_labels else ""}
    {f'<div class="sc-group" id="sc-edgekey"><b>Edges</b>{edge_keys}</div>' if edge_keys else ""}
  </div>
</header>
"""
    return title, element
