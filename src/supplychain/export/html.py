"""The interactive HTML page: an offline drawing of the graph or of one subgraph.

:func:`export_html` writes one self-contained file. vis-network is inlined by pyvis
(the only place in the project that imports it), pyvis's Bootstrap tags are dropped and
a Content-Security-Policy admits only the page's own inline scripts (by hash), so the
page makes no network request and an ``onerror=`` smuggled into a name cannot run.

Positions are computed here, physics is off: drivers on the left, then sub-sectors,
then a grid of companies and ETFs in one band per sub-sector, with risks beside what
they threaten. The same graph gives the same bytes (no seeds, no clocks, no set order).

The steps are plain functions: :func:`select` picks the nodes and edges to draw,
:func:`layout` places them, :func:`render_page` writes the HTML text.

Examples
--------
>>> import tempfile, pathlib
>>> from supplychain import load_graph
>>> g = load_graph("data/graph.yaml")
>>> out = pathlib.Path(tempfile.mkdtemp()) / "capex.html"
>>> export_html(g, out, driver="阿里云资本开支").endswith("58 nodes, 57 edges")
True
>>> view = select(g, focus="中际旭创", depth=1)
>>> sorted(g.nodes[n].type for n in view.nodes)
['company', 'sector']
"""

from __future__ import annotations

import base64
import bisect
import hashlib
import html
import json
import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from ..errors import SupplyChainError
from ..gcpause import gc_paused
from ..names import normalize
from ..schema import EDGE_RULES, NODE_TYPES, STANCE_LABELS, STANCES, Edge, current_claim
from ..render import metric_figures
from ..files import atomic_write

if TYPE_CHECKING:
    from ..graph import Graph
    from ..query import Reach

# --------------------------------------------------------------------------- styles
# The look of the page is data: one row per node type, stance and edge type.

FONT_FACE = "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei','WenQuanYi Zen Hei',sans-serif"

NODE_STYLE: dict[str, dict[str, Any]] = {
    # shape: a vis-network shape; label "inside" a box or "below" a marker.
    # wrap: longest label line in em before it wraps; clip: longest label in em.
    "driver": dict(title="driver 驱动因素", shape="box", bg="#1e40af", border="#172554", font="#ffffff", size=17, wrap=6.5),
    "sector": dict(title="sub-sector 细分板块", shape="box", bg="#dcfce7", border="#15803d", font="#14532d", size=16, wrap=8.5),
    "company": dict(title="company 公司", shape="dot", bg="#fcd34d", border="#92400e", font="#1f2937", size=16, clip=9.0),
    "etf": dict(title="ETF / index 指数", shape="diamond", bg="#c4b5fd", border="#5b21b6", font="#3b0764", size=16, clip=9.0),
    "risk": dict(title="risk 风险", shape="triangleDown", bg="#fca5a5", border="#b91c1c", font="#991b1b", size=14, wrap=6.5),
    "report": dict(title="report 研报", shape="box", bg="#f3f4f6", border="#6b7280", font="#374151", size=15, wrap=9.0),
}
BOXES = frozenset(t for t, s in NODE_STYLE.items() if s["shape"] == "box")

STANCE_STYLE: dict[str, dict[str, Any]] = {
    # on company and ETF nodes: border colour and width, and a marker before the label
    "recommended": dict(border="#b91c1c", width=3.5, marker="★"),
    "beneficiary": dict(border="#1d4ed8", width=2.5, marker="☆"),
    "listed": dict(border="#78716c", width=1.0, marker=""),
}
STANCE_NONE = "none"

EDGE_STYLE: dict[str, dict[str, Any]] = {
    # dashes: False or a vis-network dash pattern; arrow: draw the edge's direction
    "drives": dict(color="#1d4ed8", width=2.0, dashes=False, arrow=True),
    "member_of": dict(color="#a3aab5", width=1.0, dashes=False, arrow=False),
    "exposed_to": dict(color="#7c3aed", width=1.3, dashes=[6, 4], arrow=True),
    "tracks": dict(color="#7c3aed", width=1.3, dashes=False, arrow=True),
    "holds": dict(color="#8b5cf6", width=1.0, dashes=[2, 3], arrow=True),
    "supplies": dict(color="#d97706", width=1.5, dashes=False, arrow=True),
    "operates": dict(color="#0f766e", width=1.3, dashes=[10, 4, 2, 4], arrow=True),
    "threatens": dict(color="#dc2626", width=1.6, dashes=[8, 5], arrow=True),
    "competes": dict(color="#6b7280", width=1.2, dashes=[2, 4], arrow=False),
}
assert set(EDGE_STYLE) == set(EDGE_RULES) and set(NODE_STYLE) == set(NODE_TYPES)

CANVAS = (1600.0, 880.0)
"""The drawing area the layout is proportioned for (a 1600×1000 window less the header)."""

SLOT_GAP = 64.0  # horizontal space between columns, for the edges
DRIVER_GAP = 44.0  # between two columns of drivers
CELL_GAP = 22.0  # between two labels in a grid row
ROW_GAP = 12.0  # between two rows of the grid
STACK_GAP = 14.0  # between two nodes stacked in one column
MARGIN = 7.0  # inside a box, around its label
DOT_SIZE = 11.0  # radius of a company or ETF marker when no score is drawn
DEFAULT_DEPTH = {"driver": 4, "focus": 2}

# --------------------------------------------------------------------------- selection


@dataclass
class View:
    """What to draw: node ids and edges, plus what a driver query knows about them.

    ``mode`` is ``"graph"``, ``"driver"`` or ``"focus"``; ``origin`` is the driver or
    focus node; ``reach`` holds the exposure results by id; ``left_out`` counts the
    results (driver) or nodes (otherwise) that ``max_nodes`` dropped.
    """

    nodes: list[str]
    edges: list[Edge]
    mode: str = "graph"
    origin: Any = None
    depth: int | None = None
    reach: dict[str, "Reach"] = field(default_factory=dict)
    results: int = 0
    left_out: int = 0
    max_nodes: int | None = None


def select(
    g: "Graph", *, driver: str | None = None, focus: str | None = None, depth: int | None = None, max_nodes: int | None = None
) -> View:
    """The nodes and edges to draw: the whole graph, a driver's exposure subgraph or a neighbourhood.

    With ``driver``: the union of the best paths of :func:`~supplychain.query.exposure`
    (``depth`` hops, default 4). With ``focus``: every node within ``depth`` hops of it
    (default 2), edges in either direction, and the edges among them. ``max_nodes`` keeps
    the best-scored results (driver), the nearest nodes (focus) or the nodes nearest the
    root drivers (whole graph). Names resolve with :meth:`Graph.resolve`; its errors
    propagate.
    """
    if driver is not None and focus is not None:
        raise SupplyChainError("use --driver or --focus, not both")
    if depth is not None and depth < 1:
        raise SupplyChainError(f"depth must be at least 1 (got {depth})")
    if max_nodes is not None and max_nodes < 1:
        raise SupplyChainError(f"max-nodes must be at least 1 (got {max_nodes})")
    if driver is not None:
        return _driver_view(g, driver, depth or DEFAULT_DEPTH["driver"], max_nodes)
    if focus is not None:
        origin = g.resolve(focus)
        d = depth or DEFAULT_DEPTH["focus"]
        dist = _distances(g, [origin.id], d)
        view = _induced_view(g, dist, max_nodes)
        view.mode, view.origin, view.depth = "focus", origin, d
        return view
    if depth is not None:
        raise SupplyChainError("--depth applies with --driver or --focus only")
    if max_nodes is None or max_nodes >= len(g.nodes):
        return View(nodes=[n.id for n in g.data.nodes], edges=list(g.edges), max_nodes=max_nodes)
    roots = [n.id for n in g.data.nodes if n.type == "driver" and not any(e.type == "drives" for e in g.in_edges(n.id))]
    roots = roots or [g.data.nodes[0].id]
    view = _induced_view(g, _distances(g, roots, len(g.nodes)), max_nodes)
    return view


def _driver_view(g: "Graph", driver: str, depth: int, max_nodes: int | None) -> View:
    from ..query import exposure

    report = exposure(g, driver, depth=depth)
    origin = report.driver
    kept: dict[str, None] = {origin.id: None}
    keys: set[tuple[str, str, str]] = set()
    reach: dict[str, Reach] = {}
    for r in report.results:
        new = [n for n in r.path if n not in kept]
        if max_nodes is not None and len(kept) + len(new) > max_nodes:
            break
        kept.update(dict.fromkeys(new))
        keys.update(h.edge.key for h in r.hops)
        reach[r.id] = r
    order = {n.id: i for i, n in enumerate(g.data.nodes)}
    return View(
        nodes=sorted(kept, key=order.__getitem__),
        edges=[e for e in g.edges if e.key in keys],
        mode="driver",
        origin=origin,
        depth=depth,
        reach=reach,
        results=len(report.results),
        left_out=len(report.results) - len(reach),
        max_nodes=max_nodes,
    )


def _distances(g: "Graph", starts: list[str], depth: int) -> dict[str, int]:
    """Hops from the nearest start to every node within ``depth``, ignoring direction."""
    dist = {s: 0 for s in starts}
    frontier = list(starts)
    for d in range(1, depth + 1):
        nxt = []
        for u in frontier:
            for e in g.edges_of(u):
                v = e.target if e.source == u else e.source
                if v not in dist:
                    dist[v] = d
                    nxt.append(v)
        if not nxt:
            break
        frontier = nxt
    return dist


def _induced_view(g: "Graph", dist: dict[str, int], max_nodes: int | None) -> View:
    type_rank = {t: i for i, t in enumerate(NODE_TYPES)}
    far = len(g.nodes) + 1
    ranked = sorted(
        (n for n in g.data.nodes if n.id in dist or max_nodes is not None),
        key=lambda n: (dist.get(n.id, far), type_rank[n.type], n.id),
    )
    total = len(ranked)
    keep = {n.id for n in ranked[:max_nodes]} if max_nodes is not None else {n.id for n in ranked}
    nodes = [n.id for n in g.data.nodes if n.id in keep]
    edges = [e for e in g.edges if e.source in keep and e.target in keep]
    return View(nodes=nodes, edges=edges, left_out=total - len(keep) if max_nodes is not None else 0, max_nodes=max_nodes)


# --------------------------------------------------------------------------- what each node shows


@dataclass
class _Look:
    """How one node is drawn: label lines, marker radius, font size and extents."""

    label: str
    size: float
    font: int
    width: float  # of the node with its label
    top: float  # extent above the node's position
    bottom: float  # extent below it
    stance: str | None  # company and ETF only: a stance or STANCE_NONE
    score: float | None


def text_width(text: str, font: float) -> float:
    """Estimated width in pixels: CJK and other wide characters one em, the rest 0.6 em.

    >>> text_width("中际旭创", 10), text_width("ETF", 10)
    (40.0, 18.0)
    """
    return float(sum(font if unicodedata.east_asian_width(ch) in "WFA" else 0.6 * font for ch in text))


_TOKEN = re.compile(r"[A-Za-z0-9]+[\s_\-/]*|\s+|.", re.S)


def wrap(text: str, max_em: float) -> list[str]:
    """Split a label into balanced lines of about ``max_em`` em; latin words stay whole.

    >>> wrap("阿里云全球数据中心扩张", 6.5)
    ['阿里云全球', '数据中心扩张']
    >>> wrap("AI芯片与服务器", 8)
    ['AI芯片与服务器']
    """
    total = text_width(text, 1)
    if total <= max_em:
        return [text]
    lines = math.ceil(total / max_em)
    target = total / lines
    out, line, used = [], "", 0.0
    for tok in _TOKEN.findall(text):
        w = text_width(tok, 1)
        if line and used + w > target + 0.3 and len(out) < lines - 1:
            out.append(line.rstrip())
            line, used = "", 0.0
        line += tok
        used += w
    out.append(line.rstrip())
    return [x for x in out if x]


def clip(text: str, max_em: float) -> str:
    """Cut a label to ``max_em`` em, marking the cut with an ellipsis."""
    if text_width(text, 1) <= max_em:
        return text
    out, used = "", 1.0
    for ch in text:
        used += text_width(ch, 1)
        if used > max_em:
            break
        out += ch
    return out + "…"


def _stance_of(g: "Graph", view: View, node) -> str | None:
    """The stance a company or ETF is drawn with: its exposure result's, else its strongest claim."""
    if node.type not in ("company", "etf"):
        return None
    r = view.reach.get(node.id)
    if r is not None and r.stance:
        return r.stance
    best = None
    for e in g.out_edges(node.id):
        if not EDGE_RULES[e.type].stance:
            continue
        c = current_claim(e.claims)
        if c and c.stance and (best is None or STANCES.index(c.stance) < STANCES.index(best)):
            best = c.stance
    return best or STANCE_NONE


def _look(g: "Graph", view: View, node) -> _Look:
    style = NODE_STYLE[node.type]
    font = style["size"] + (1 if view.origin is not None and node.id == view.origin.id else 0)
    stance = _stance_of(g, view, node)
    r = view.reach.get(node.id)
    score = r.score if r is not None else None
    if node.type in BOXES:
        lines = wrap(node.title if node.type == "report" else node.name, style["wrap"])
    elif "wrap" in style:
        lines = wrap(node.name, style["wrap"])
    else:
        marker = STANCE_STYLE[stance]["marker"] if stance in STANCE_STYLE else ""
        lines = [clip(marker + node.name, style["clip"])]
    text_w = max(text_width(line, font) for line in lines)
    text_h = len(lines) * font * 1.25
    if node.type in BOXES:
        w = text_w + 2 * MARGIN + 6
        h = text_h + 2 * MARGIN
        return _Look("\n".join(lines), 0.0, font, w, h / 2, h / 2, stance, score)
    size = DOT_SIZE if score is None else 5.0 + 13.0 * score
    if node.type == "risk":
        size = 12.0
    return _Look("\n".join(lines), round(size, 2), font, max(text_w, 2 * size) + 4, size + 2, size + 6 + text_h, stance, score)


# --------------------------------------------------------------------------- layout


@dataclass
class _Item:
    key: str
    desired: float
    order: int
    weight: float
    top: float
    bottom: float


def spread(items: list[_Item], gap: float) -> dict[str, float]:
    """Stack items in one column near their desired heights without overlaps.

    Items keep the order of their desired heights; the result minimises the weighted
    squared distance to the desired heights (isotonic regression by pooling adjacent
    violators), so a heavy item barely moves and light ones make room around it.

    >>> spread([_Item("a", 0, 0, 1, 5, 5), _Item("b", 0, 1, 1, 5, 5)], 10)
    {'a': -10.0, 'b': 10.0}
    """
    items = sorted(items, key=lambda it: (it.desired, it.order))
    offsets = [0.0]
    for a, b in pairwise(items):
        offsets.append(offsets[-1] + a.bottom + gap + b.top)
    blocks: list[list[float]] = []  # [weighted sum, weight, first, last]
    for i, it in enumerate(items):
        block = [it.weight * (it.desired - offsets[i]), it.weight, i, i]
        while blocks and blocks[-1][0] / blocks[-1][1] > block[0] / block[1]:
            prev = blocks.pop()
            block = [prev[0] + block[0], prev[1] + block[1], prev[2], block[3]]
        blocks.append(block)
    out = {}
    for total, weight, first, last in blocks:
        base = total / weight
        for i in range(int(first), int(last) + 1):
            out[items[i].key] = base + offsets[i]
    return out


def _mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return sum(values) / len(values) if values else None


def layout(g: "Graph", view: View, looks: dict[str, _Look], canvas: tuple[float, float] = CANVAS) -> dict[str, tuple[float, float]]:
    """Positions for every node of ``view``, reading left to right.

    Columns: drivers, one column per step along ``drives`` edges (companies that operate
    a driver, and their competitors, stand in the first); sub-sectors; a grid with one
    band of rows per sub-sector (its companies and ETFs ordered by stance, score, id;
    ETFs exposed straight to a driver get a band of their own); a last column for ETFs
    that only hold companies, suppliers and risks to companies. A risk stands next to
    what it threatens (under its first sub-sector, or in its driver's column); reports
    go at the top of the first column. The grid gets as many columns as make the drawing
    fit ``canvas`` at nearly the largest zoom, preferring fewer rows.
    """
    kind = {n: g.nodes[n].type for n in view.nodes}
    rank = {n: i for i, n in enumerate(view.nodes)}
    outs: dict[str, list[Edge]] = defaultdict(list)
    ins: dict[str, list[Edge]] = defaultdict(list)
    for e in view.edges:
        outs[e.source].append(e)
        ins[e.target].append(e)

    def targets(n: str, *types: str) -> list[str]:
        return [e.target for e in outs[n] if e.type in types]

    def sources(n: str, *types: str) -> list[str]:
        return [e.source for e in ins[n] if e.type in types]

    def rivals(n: str) -> list[str]:
        return [e.target if e.source == n else e.source for e in outs[n] + ins[n] if e.type == "competes"]

    # ---- driver columns: the longest chain of drives edges (Kahn; drivers on a cycle stay at 0)
    drivers = [n for n in view.nodes if kind[n] == "driver"]
    level = {d: 0 for d in drivers}
    indeg = {d: sum(1 for s in sources(d, "drives") if kind[s] == "driver") for d in drivers}
    queue = [d for d in drivers if indeg[d] == 0]
    while queue:
        u = queue.pop(0)
        for v in targets(u, "drives"):
            if kind[v] == "driver":
                level[v] = max(level[v], level[u] + 1)
                indeg[v] -= 1
                if indeg[v] == 0:
                    queue.append(v)
    n_levels = max(level.values(), default=-1) + 1
    slot_rank = {"report": -1, "left": 0, **{f"d{k}": 1 + k for k in range(n_levels)}}
    slot_rank.update(sector=n_levels + 1, grid=n_levels + 2, right=n_levels + 3)
    first_driver_col = "d0" if n_levels else "left"

    # ---- columns and bands
    stance_rank = {s: i for i, s in enumerate((*STANCES, STANCE_NONE))}
    member_stance: dict[tuple[str, str], str] = {}
    for e in view.edges:
        if e.type == "member_of":
            c = current_claim(e.claims)
            member_stance[e.source, e.target] = c.stance if c and c.stance else STANCE_NONE
    column: dict[str, str] = {}
    band_of: dict[str, str] = {}
    operators: list[str] = []
    for n in view.nodes:
        t = kind[n]
        if t == "driver":
            column[n] = f"d{level[n]}"
        elif t == "sector":
            column[n] = "sector"
        elif t == "company":
            r = view.reach.get(n)
            if r is not None and r.sector in kind:
                sectors = [r.sector]
            else:
                sectors = sorted(targets(n, "member_of"), key=lambda s: (stance_rank[member_stance[n, s]], rank[s]))
            if sectors:
                band_of[n], column[n] = sectors[0], "grid"
            elif targets(n, "operates"):
                column[n] = first_driver_col
                operators.append(n)
        elif t == "etf":
            anchors = targets(n, "exposed_to", "tracks")
            sector_anchors = [a for a in anchors if kind[a] == "sector"]
            if sector_anchors:
                band_of[n], column[n] = sector_anchors[0], "grid"
            elif anchors and not targets(n, "holds"):
                band_of[n], column[n] = anchors[0], "grid"
    for n in view.nodes:  # an ETF that holds companies joins the band most of them are in
        if kind[n] == "etf" and n not in column:
            held = [band_of[c] for c in targets(n, "holds") if c in band_of]
            if held:
                band_of[n], column[n] = min(held, key=lambda b: (-held.count(b), held.index(b))), "grid"
            else:
                column[n] = "right"
    beside_operators: list[str] = []
    for n in view.nodes:  # companies that compete with an operator, suppliers, the rest
        if kind[n] == "company" and n not in column:
            if any(r in operators for r in rivals(n)):
                column[n] = first_driver_col
                beside_operators.append(n)
            elif targets(n, "supplies"):
                column[n] = "right"
            else:
                band_of[n], column[n] = "", "grid"
    bands: dict[str, list[str]] = {s: [] for s in view.nodes if kind[s] == "sector"}
    for n in view.nodes:
        if n in band_of:
            bands.setdefault(band_of[n], []).append(n)

    def member_key(n: str) -> tuple:
        return (stance_rank.get(looks[n].stance or STANCE_NONE, 9), -(looks[n].score or 0.0), n)

    for members in bands.values():
        members.sort(key=member_key)

    def band_key(anchor: str) -> tuple:
        members = bands[anchor]
        group = 0 if anchor and kind[anchor] == "driver" else (2 if not anchor else 1)
        best = max((looks[m].score or 0.0 for m in members), default=0.0)
        strong = sum(1 for m in members if looks[m].stance == "recommended")
        return (group, -best, -strong, -len(members), anchor)

    band_order = sorted(bands, key=band_key)
    band_rank = {a: i for i, a in enumerate(band_order)}
    hosted: dict[str, list[str]] = defaultdict(list)  # sector -> the risks standing under it
    for n in view.nodes:
        if kind[n] == "risk":
            slots = ["right" if column[t] == "grid" else column[t] for t in targets(n, "threatens")]
            col = min(slots, key=lambda s: (-slots.count(s), slot_rank[s])) if slots else "right"
            column[n] = col
            if col == "sector":
                host = min((t for t in targets(n, "threatens") if kind[t] == "sector"), key=band_rank.__getitem__)
                hosted[host].append(n)
    used = sorted({c for c in column.values() if c != "grid"}, key=slot_rank.__getitem__)
    first_col = used[0] if used else "report"
    for n in view.nodes:
        if kind[n] == "report":
            column[n] = first_col

    # ---- the grid's geometry for a number of columns
    grid_members = [m for a in band_order for m in bands[a]]
    row_top = max((looks[m].top for m in grid_members), default=0.0)
    row_h = row_top + max((looks[m].bottom for m in grid_members), default=0.0) + ROW_GAP
    band_gap = 0.45 * row_h

    def rows_of(anchor: str, cols: int) -> int:
        return max(1, math.ceil(len(bands[anchor]) / cols))

    def per_row(anchor: str, cols: int) -> int:
        return max(1, math.ceil(len(bands[anchor]) / rows_of(anchor, cols)))

    def cell_widths(cols: int) -> list[float]:
        widths = [0.0] * cols
        for a in band_order:
            k = per_row(a, cols)
            for i, m in enumerate(bands[a]):
                widths[i % k] = max(widths[i % k], looks[m].width + CELL_GAP)
        return widths

    def band_height(anchor: str, cols: int) -> float:
        centre = (rows_of(anchor, cols) - 1) * row_h / 2
        below = sum(STACK_GAP + looks[r].top + looks[r].bottom for r in hosted.get(anchor, ()))
        if below:
            below += looks[anchor].bottom
        return max(rows_of(anchor, cols) * row_h - ROW_GAP, row_top + centre + below)

    col_w: dict[str, float] = defaultdict(float)
    col_h: dict[str, float] = defaultdict(float)
    for n in view.nodes:
        if column[n] != "grid":
            col_w[column[n]] = max(col_w[column[n]], looks[n].width)
            col_h[column[n]] += looks[n].top + looks[n].bottom + STACK_GAP
    gaps = sum(DRIVER_GAP if c.startswith("d") and f"d{int(c[1:]) + 1}" in col_w else SLOT_GAP for c in col_w)
    fixed_w = sum(col_w.values()) + gaps - (0 if grid_members else SLOT_GAP)
    tallest = max(col_h.values(), default=0.0)
    uniform = max((looks[m].width for m in grid_members), default=0.0) + CELL_GAP
    exact = len(grid_members) * max((len(b) for b in bands.values()), default=1) <= 200_000

    def zoom(cols: int) -> float:
        grid_w = sum(cell_widths(cols)) if exact else cols * uniform
        grid_h = sum(band_height(a, cols) for a in band_order) + band_gap * max(0, len(band_order) - 1)
        return min(1.0, canvas[0] / (1.1 * (fixed_w + grid_w)), canvas[1] / (1.1 * max(grid_h, tallest, 1.0)))

    cols = 1
    if grid_members:
        zooms = {c: zoom(c) for c in range(1, max(len(b) for b in bands.values()) + 1)}
        best = max(zooms.values())
        # fewer rows read better: take the widest grid that costs under 10% of the best zoom
        cols = max(c for c, z in zooms.items() if z >= 0.9 * best - 1e-9)

    # ---- y: the grid and its sub-sectors first, then the columns left and right of it
    y: dict[str, float] = {}
    centre: dict[str, float] = {}
    cursor = 0.0
    for anchor in band_order:
        k = per_row(anchor, cols)
        first_row = cursor + row_top
        for i, m in enumerate(bands[anchor]):
            y[m] = first_row + (i // k) * row_h
        centre[anchor] = first_row + (rows_of(anchor, cols) - 1) * row_h / 2
        if kind.get(anchor) == "sector":
            y[anchor] = centre[anchor]
            below = centre[anchor] + looks[anchor].bottom
            for r in hosted.get(anchor, ()):
                y[r] = below + STACK_GAP + looks[r].top
                below = y[r] + looks[r].bottom
        cursor += band_height(anchor, cols) + band_gap
    bottom = cursor

    def item(n: str, desired: float, weight: float) -> _Item:
        return _Item(n, desired, rank[n], weight, looks[n].top, looks[n].bottom)

    # drivers, right to left from what they drive (and their ETF band), then the others from their parents
    wanted: dict[str, float | None] = {}
    for k in reversed(range(n_levels)):
        col = [d for d in drivers if level[d] == k]
        for d in col:
            wanted[d] = _mean([y[t] for t in targets(d, "drives") if t in y] + ([centre[d]] if d in centre else []))
        y.update(spread([item(d, wanted[d], 1.0) for d in col if wanted[d] is not None], STACK_GAP))
    for k in range(n_levels):
        col = [d for d in drivers if level[d] == k]
        for d in col:
            if wanted[d] is None:
                wanted[d] = _mean(y[s] for s in sources(d, "drives") if s in y)
        y.update(spread([item(d, bottom if wanted[d] is None else wanted[d], 1.0) for d in col], STACK_GAP))

    # everything else joins its column next to what it is linked to, the placed nodes barely moving
    desired: dict[str, float] = {}
    if operators:  # under the first column's drivers, competitors after the company they compete with
        under = max((y[n] for n in view.nodes if column[n] == first_driver_col and n in y), default=0.0)
        for i, n in enumerate(operators + beside_operators):
            desired[n] = under + 1.0 + 1e-3 * i
    for n in view.nodes:
        if n in y or n in desired:
            continue
        if kind[n] == "risk":
            near = _mean(y[t] for t in targets(n, "threatens") if t in y)
            desired[n] = bottom if near is None else near + 0.01
        elif kind[n] == "report":  # at the top of its column
            desired[n] = min([0.0, *(y[m] for m in view.nodes if column[m] == column[n] and m in y)]) - 1 + 1e-3 * rank[n]
        else:
            near = _mean(y[t] for t in targets(n, "holds", "supplies", "exposed_to", "tracks") if t in y)
            desired[n] = bottom if near is None else near
    for col in used:
        placed = [item(n, y[n], 1000.0) for n in view.nodes if column[n] == col and n in y and col != "sector"]
        joining = [item(n, desired[n], 1.0) for n in view.nodes if column[n] == col and n in desired]
        if col == "sector":  # sub-sectors and their risks are set by the bands; only reports join, on top
            top = min((y[n] - looks[n].top for n in view.nodes if column[n] == col and n in y), default=0.0)
            for it in sorted(joining, key=lambda it: it.order, reverse=True):
                y[it.key] = top - STACK_GAP - it.bottom
                top = y[it.key] - it.top
        elif joining:
            y.update(spread(placed + joining, STACK_GAP))
    if first_col == "report":  # nothing but grid and reports
        top = -row_top - band_gap
        for n in reversed([n for n in view.nodes if column[n] == "report"]):
            y[n] = top - looks[n].bottom
            top = y[n] - looks[n].top - STACK_GAP

    # ---- x: columns in order; the grid's cells, each as wide as its widest label
    x: dict[str, float] = {}
    col_x: dict[str, float] = {}
    cell_w = cell_widths(cols) if grid_members else []
    cursor = 0.0
    for c in sorted(set(col_w) | ({"grid"} if grid_members else set()), key=slot_rank.__getitem__):
        if c == "grid":
            col_x[c] = cursor
            cursor += sum(cell_w) - CELL_GAP + SLOT_GAP
        else:
            col_x[c] = cursor + col_w[c] / 2
            cursor += col_w[c] + (DRIVER_GAP if c.startswith("d") and f"d{int(c[1:]) + 1}" in col_w else SLOT_GAP)
    cell_x = [col_x.get("grid", 0.0) + sum(cell_w[:j]) + (cell_w[j] - CELL_GAP) / 2 for j in range(len(cell_w))]
    for anchor in band_order:
        k = per_row(anchor, cols)
        for i, m in enumerate(bands[anchor]):
            x[m] = cell_x[i % k]
    for n in view.nodes:
        if n not in x:
            x[n] = col_x[column[n]]
    return {n: (round(x[n], 1), round(y[n], 1)) for n in view.nodes}


# --------------------------------------------------------------------------- tooltips
# Tooltips are composed in the page from a table of strings, each passed through
# html.escape here once (names come from reports: untrusted). The page adds only its own
# constant markup around them, so the table stays small however many edges share a quote.

STANCE_CODE = {s: i for i, s in enumerate(STANCES)}
_esc = html.escape


def _report_name(g: "Graph", report_id: str) -> str:
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
        self.strings: list[str] = []
        self._index: dict[str, int] = {}

    def s(self, text: str) -> int:
        i = self._index.get(text)
        if i is None:
            i = self._index[text] = len(self.strings)
            self.strings.append(html.escape(text))
        return i

    def claim(self, c, caption: str | None = None) -> list[int]:
        out = [self.s(c.date.isoformat()), self.s(_report_name(self.g, c.report)), STANCE_CODE.get(c.stance, -1), self.s(c.quote)]
        return out if caption is None else [self.s(caption), *out]

    def node(self, view: View, node, look: _Look, evidence_limit: int = 3) -> list:
        g = self.g
        rows: list[int] = []

        def row(key: str, value: str) -> None:
            rows.extend((self.s(key), self.s(value)))

        if look.stance and look.stance != STANCE_NONE:
            row("stance", f"{look.stance} {STANCE_LABELS[look.stance]}")
        r = view.reach.get(node.id)
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
            evidence = [self.claim(h.claim, _caption(g, h.edge)) for h in r.hops if h.claim is not None]
        else:
            edges = g.edges_of(node.id)
            if len(edges) > evidence_limit:
                more = len(edges) - evidence_limit
            dated = [(e, current_claim(e.claims)) for e in edges]
            dated.sort(key=lambda ec: (not EDGE_RULES[ec[0].type].stance, -ec[1].date.toordinal(), ec[0].key))
            evidence = [self.claim(c, _caption(g, e)) for e, c in dated[:evidence_limit]]
        heading = node.title if node.type == "report" else node.name
        sub = [node.name if node.type == "report" else None, node.name_en, " / ".join(g.tickers(node)), NODE_STYLE[node.type]["title"]]
        return [self.s(heading), self.s(" · ".join(x for x in sub if x)), rows, evidence, more]

    def edge(self, e: Edge) -> list:
        current = current_claim(e.claims)
        claims = sorted(e.claims, key=lambda c: c.date)
        return [EDGE_CODE[e.type], STANCE_CODE.get(current.stance, -1) if current else -1, *(self.claim(c) for c in claims)]


def _caption(g: "Graph", e: Edge) -> str:
    return f"{g.nodes[e.source].name} {EDGE_RULES[e.type].label} {g.nodes[e.target].name}"


EDGE_CODE = {t: i for i, t in enumerate(EDGE_RULES)}


# --------------------------------------------------------------------------- the page


def _group(node_type: str, stance: str | None, origin: bool) -> str:
    """The vis-network group of a node: its type, stance and whether the page starts there."""
    return node_type + (f".{stance}" if stance in STANCE_STYLE else "") + (".origin" if origin else "")


def _group_style(group: str) -> dict[str, Any]:
    node_type, *rest = group.split(".")
    style = NODE_STYLE[node_type]
    border, width = style["border"], 1.5
    stance = next((r for r in rest if r in STANCE_STYLE), None)
    if stance:
        border, width = STANCE_STYLE[stance]["border"], STANCE_STYLE[stance]["width"]
    if "origin" in rest:
        width += 2
    font: dict[str, Any] = {"size": style["size"] + (1 if "origin" in rest else 0), "color": style["font"]}
    if node_type not in BOXES:
        font["background"] = "rgba(255,255,255,0.85)"
    out = {
        "shape": style["shape"],
        "color": {
            "background": style["bg"],
            "border": border,
            "highlight": {"background": style["bg"], "border": "#111827"},
            "hover": {"background": style["bg"], "border": "#111827"},
        },
        "borderWidth": width,
        "borderWidthSelected": width + 1.5,
        "font": font,
    }
    if "origin" in rest:
        out["shadow"] = {"enabled": True, "size": 8, "x": 0, "y": 2}
    return out


def _node_data(view: View, node, vid: int, look: _Look, pos: tuple[float, float]) -> dict[str, Any]:
    origin = view.origin is not None and node.id == view.origin.id
    data: dict[str, Any] = {
        "id": vid,
        "key": node.id,
        "type": node.type,
        "label": look.label,
        "x": pos[0],
        "y": pos[1],
        "group": _group(node.type, look.stance, origin),
    }
    if node.type not in BOXES:
        data["size"] = look.size
    if node.type in ("company", "etf"):
        data["st"] = look.stance or STANCE_NONE
    return data


def _edge_data(e: Edge, eid: int, ids: dict[str, int]) -> dict[str, Any]:
    style = EDGE_STYLE[e.type]
    data: dict[str, Any] = {"id": eid, "from": ids[e.source], "to": ids[e.target], "color": style["color"], "width": style["width"]}
    if style["dashes"]:
        data["dashes"] = style["dashes"]
    if style["arrow"]:
        data["arrows"] = "to"
    return data


def _bulge(i: float, length: float) -> float:
    """How far a vis-network ``curvedCW``/``curvedCCW`` edge of ``roundness`` i bows out."""
    return (0.5 * i + 0.5) * length * math.sin(0.5 * math.pi * i) / 2


def bends(view: View, pos: dict[str, tuple[float, float]], looks: dict[str, _Look]) -> dict[int, dict[str, Any]]:
    """Curves for the edges that would run straight through other nodes of their column.

    Such an edge (a risk to a second sub-sector, a competitor further down) bows out to
    the right just far enough to clear the widest node it passes.
    """
    column: dict[float, list[tuple[float, str]]] = defaultdict(list)
    for n, (x, y) in pos.items():
        column[x].append((y, n))
    for members in column.values():
        members.sort()
    out = {}
    for i, e in enumerate(view.edges):
        (x0, y0), (x1, y1) = pos[e.source], pos[e.target]
        if x0 != x1:
            continue
        lo, hi = sorted((y0, y1))
        members = column[x0]
        between = [n for _, n in members[bisect.bisect_right(members, (lo, "\uffff")) : bisect.bisect_left(members, (hi, ""))]]
        if not between:
            continue
        length = hi - lo
        need = max(looks[n].width for n in between) / 2 + 18
        a, b = 0.0, 1.0
        for _ in range(30):
            mid = (a + b) / 2
            a, b = (mid, b) if _bulge(mid, length) < need else (a, mid)
        out[i] = {"enabled": True, "type": "curvedCW" if y1 > y0 else "curvedCCW", "roundness": round(b, 3)}
    return out


def _options(groups: dict[str, dict], n_nodes: int, n_edges: int) -> dict[str, Any]:
    big = n_nodes + n_edges > 2000
    return {
        "autoResize": True,
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False, "hierarchical": {"enabled": False}},
        "interaction": {
            "hover": True,
            "tooltipDelay": 150,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
            "navigationButtons": False,
            "keyboard": {"enabled": True, "bindToWindow": False},
            "zoomSpeed": 0.8,
        },
        "nodes": {
            "font": {"face": FONT_FACE, "strokeWidth": 0},
            "margin": {"top": MARGIN, "bottom": MARGIN, "left": MARGIN, "right": MARGIN},
            "scaling": {"label": {"drawThreshold": 6}},
        },
        "edges": {
            "smooth": False,
            "arrowStrikethrough": False,
            "selectionWidth": 1.5,
            "hoverWidth": 0.8,
            "arrows": {"to": {"enabled": False, "scaleFactor": 0.6}},
        },
        "groups": {"useDefaultGroups": False, **groups},
    }


def _script_json(obj: Any) -> str:
    """JSON safe to place inside a ``<script>`` element."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


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
    s = STANCE_STYLE[stance]
    bg = NODE_STYLE["company"]["bg"]
    return f'<svg width="18" height="16" aria-hidden="true"><circle cx="9" cy="8" r="5.5" fill="{bg}" stroke="{s["border"]}" stroke-width="{min(s["width"], 3)}"/></svg>'


def _edge_swatch(edge_type: str) -> str:
    s = EDGE_STYLE[edge_type]
    dash = f' stroke-dasharray="{" ".join(str(d) for d in s["dashes"])}"' if s["dashes"] else ""
    head = f'<path d="M24 2 L30 6 L24 10 Z" fill="{s["color"]}"/>' if s["arrow"] else ""
    return f'<svg width="32" height="12" aria-hidden="true"><line x1="1" y1="6" x2="{26 if s["arrow"] else 31}" y2="6" stroke="{s["color"]}" stroke-width="{max(1.5, s["width"])}"{dash}/>{head}</svg>'


def _title_and_caption(g: "Graph", view: View, n_nodes: int, n_edges: int) -> tuple[str, str]:
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
        parts.append("marker size = exposure score")
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
        parts.append(f"evidence: {_report_name(g, rid)} ({date.isoformat()})")
    elif reports:
        dates = sorted(reports.values())
        parts.append(f"evidence: {len(reports)} reports dated {dates[0].isoformat()} to {dates[-1].isoformat()}")
    return title, " · ".join(parts)


def render_page(g: "Graph", view: View) -> str:
    """The whole HTML text of the page for ``view`` (positions, styles, tooltips, controls)."""
    from pyvis.network import Network  # the project's only import of pyvis

    looks = {n: _look(g, view, g.nodes[n]) for n in view.nodes}
    pos = layout(g, view, looks)
    ids = {n: i for i, n in enumerate(view.nodes)}
    nodes = [_node_data(view, g.nodes[n], ids[n], looks[n], pos[n]) for n in view.nodes]
    edges = [_edge_data(e, i, ids) for i, e in enumerate(view.edges)]
    for i, smooth in bends(view, pos, looks).items():
        edges[i]["smooth"] = smooth
    groups = {name: _group_style(name) for name in sorted({d["group"] for d in nodes})}

    tips = Tips(g)
    side: dict[str, Any] = {
        "n": [tips.node(view, g.nodes[n], looks[n]) for n in view.nodes],
        "e": [tips.edge(e) for e in view.edges],
        "nameS": [tips.s(g.nodes[n].name) for n in view.nodes],
        "name": [g.nodes[n].name for n in view.nodes],
        "sub": [" · ".join(x for x in (g.nodes[n].name_en, getattr(g.nodes[n], "ticker", None)) if x) for n in view.nodes],
        "q": ["\n".join(dict.fromkeys(normalize(k) for k in (m.name, m.name_en, *g.tickers(m), *m.aliases, m.id) if k)) for m in map(g.nodes.__getitem__, view.nodes)],
        "stance": [html.escape(f"{s} {STANCE_LABELS[s]}") for s in STANCES],
        "etype": [html.escape(r.label if r.label == t else f"{r.label} ({t})") for t, r in EDGE_RULES.items()],
        "directed": [r.directed for r in EDGE_RULES.values()],
        "origin": ids[view.origin.id] if view.origin is not None else None,
    }
    side["s"] = tips.strings

    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    # filled in bulk: add_node/add_edge check every existing node and edge (quadratic)
    net.nodes, net.edges = nodes, edges
    net.node_ids = [d["id"] for d in nodes]
    net.node_map = {d["id"]: d for d in nodes}
    net.options = _options(groups, len(nodes), len(edges))
    return _finish(net.generate_html(), g, view, nodes, edges, side)


_BOOTSTRAP = (
    re.compile(r'<link\s[^>]*bootstrap[^>]*>'),
    re.compile(r'<script\s[^>]*bootstrap[^>]*>\s*</script>'),
)
_LEFTOVERS = (
    re.compile(r"<center>\s*<h1>\s*</h1>\s*</center>"),
    re.compile(r"<!-- <link rel=\"stylesheet\" href=\"../node_modules.*?-->", re.S),
)
_SCRIPTS = re.compile(r"<script(?:\s(?![^>]*application/json)[^>]*)?>(.*?)</script>", re.S)  # the scripts that run


def _finish(page: str, g: "Graph", view: View, nodes: list[dict], edges: list[dict], side: dict[str, Any]) -> str:
    """pyvis's page, made offline and safe, with the header, the controls and the data of the tooltips."""
    cut = page.index("</head>")
    head, body = page[:cut], page[cut:]  # the node and edge data are all in the body
    for pattern in _BOOTSTRAP:
        head, n = pattern.subn("", head)
        if n != 1:
            raise SupplyChainError(f"pyvis's page changed: expected one Bootstrap tag matching {pattern.pattern!r}, found {n}")
    for pattern in _LEFTOVERS:
        head = pattern.sub("", head)
    if "popup.innerHTML" in body or "<select" in body:
        raise SupplyChainError("pyvis's raw-HTML popup or select menu got into the page")

    title, caption = _title_and_caption(g, view, len(nodes), len(edges))
    types: dict[str, int] = defaultdict(int)
    stances: dict[str, int] = defaultdict(int)
    for d in nodes:
        types[d["type"]] += 1
        if "st" in d:
            stances[d["st"]] += 1
    edge_types = sorted({e.type for e in view.edges}, key=list(EDGE_RULES).index)
    type_boxes = "".join(
        f'<label><input type="checkbox" value="{t}" checked>{_swatch(t)}{_esc(NODE_STYLE[t]["title"])} <span class="sc-n">{types[t]}</span></label>'
        for t in NODE_TYPES
        if types[t]
    )
    stance_boxes = "".join(
        f'<label><input type="checkbox" value="{s}" checked>{_stance_swatch(s)}{_esc((STANCE_STYLE[s]["marker"] + " ").lstrip())}{s} {STANCE_LABELS[s]} <span class="sc-n">{stances[s]}</span></label>'
        for s in STANCES
        if stances[s]
    )
    if stances[STANCE_NONE]:
        stance_boxes += f'<label><input type="checkbox" value="{STANCE_NONE}" checked>no stance <span class="sc-n">{stances[STANCE_NONE]}</span></label>'
    edge_keys = "".join(f'<span class="sc-key">{_edge_swatch(t)}{_esc(EDGE_RULES[t].label)}</span>' for t in edge_types)
    header = f"""
<header id="sc-head">
  <h1>{_esc(title)}</h1>
  <p class="sc-caption">{_esc(caption)}</p>
  <div class="sc-tools">
    <div class="sc-search"><input id="sc-q" type="search" placeholder="Find a name or ticker…" autocomplete="off" spellcheck="false" aria-label="find a node by name or ticker"><ul id="sc-hits" role="listbox" hidden></ul></div>
    <div class="sc-group" id="sc-types"><b>Nodes</b>{type_boxes}</div>
    {f'<div class="sc-group" id="sc-stances"><b>Stance</b>{stance_boxes}</div>' if stance_boxes else ""}
    {f'<div class="sc-group" id="sc-edgekey"><b>Edges</b>{edge_keys}</div>' if edge_keys else ""}
  </div>
</header>
"""
    overlay = (
        '<div id="sc-tip" role="tooltip" hidden></div>\n'
        '<aside id="sc-details" hidden><button id="sc-close" type="button" aria-label="close">×</button><div id="sc-details-body"></div></aside>'
    )
    # a JSON data block (never run, parsed with JSON.parse: much faster than a literal of megabytes)
    # the tooltips' data: a JSON block (never run; JSON.parse is much faster than a literal of megabytes)
    data = f'<script type="application/json" id="sc-data">{_script_json(side)}</script>\n'

    head = _replace_once(head, "<html>", '<html lang="en">')
    head = _replace_once(head, '<meta charset="utf-8">', f'<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{_esc(title)}</title>')
    head += f"<style>{_CSS}</style>\n"
    body = _replace_once(body, "<body>", "<body>" + header + data)
    body = _replace_once(body, '<div id="mynetwork" class="card-body"></div>', '<div id="mynetwork" class="card-body"></div>' + overlay)
    # the controls run in pyvis's script, right after the network is built: the view is fitted
    # before the browser paints, so the first drawing is the only one
    body = _replace_once(body, "drawGraph();\n", "drawGraph();\n" + _SCRIPT)
    page = head + body
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in _SCRIPTS.findall(page))
    csp = f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; img-src data:; font-src data:; base-uri 'none'; form-action 'none'"
    return _replace_once(page, '<meta charset="utf-8">', f'<meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy" content="{csp}">')


def _replace_once(page: str, old: str, new: str) -> str:
    if page.count(old) != 1:
        raise SupplyChainError(f"pyvis's page changed: expected {old!r} once, found it {page.count(old)} times")
    return page.replace(old, new)


def export_html(g: "Graph", path, *, driver=None, focus=None, depth=None, max_nodes=None) -> str:
    """Write the interactive page to ``path``; return ``"PATH: N nodes, M edges"``.

    ``driver``: draw that driver's exposure subgraph, marker size by score; ``focus``:
    the neighbourhood of one node; neither: the whole graph. See :func:`select` for
    ``depth`` and ``max_nodes``. The file is UTF-8, self-contained and written atomically.
    """
    with gc_paused():  # tens of thousands of small lists and strings, no cycles: a third of the time went to the collector
        view = select(g, driver=driver, focus=focus, depth=depth, max_nodes=max_nodes)
        page = render_page(g, view)
    path = Path(path)
    atomic_write(path, page)
    n, m = len(view.nodes), len(view.edges)
    return f"{path}: {n} node{'s' if n != 1 else ''}, {m} edge{'s' if m != 1 else ''}"


# --------------------------------------------------------------------------- inline CSS and JS

_CSS = """
html, body { margin: 0; height: 100%; }
body { display: flex; flex-direction: column; font: 14px/1.4 'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei','WenQuanYi Zen Hei',system-ui,sans-serif; color: #111827; background: #fff; }
#sc-head { flex: 0 0 auto; padding: 8px 14px 8px; border-bottom: 1px solid #e5e7eb; background: #f9fafb; }
#sc-head h1 { font-size: 18px; margin: 0; font-weight: 600; }
.sc-caption { margin: 2px 0 6px; color: #4b5563; font-size: 13px; }
.sc-tools { display: flex; flex-wrap: wrap; gap: 6px 22px; align-items: center; }
.sc-search { position: relative; }
#sc-q { width: 230px; padding: 4px 8px; font: inherit; border: 1px solid #9ca3af; border-radius: 4px; }
#sc-hits { position: absolute; z-index: 40; left: 0; top: 100%; margin: 2px 0 0; padding: 0; list-style: none; background: #fff; border: 1px solid #d1d5db; box-shadow: 0 4px 12px rgba(0,0,0,.15); min-width: 100%; max-height: 60vh; overflow: auto; }
#sc-hits li { padding: 4px 8px; cursor: pointer; white-space: nowrap; }
#sc-hits li:hover, #sc-hits li.sc-on { background: #e0e7ff; }
#sc-hits .sc-sub { color: #6b7280; font-size: 12px; margin-left: 8px; }
.sc-group { display: flex; flex-wrap: wrap; align-items: center; gap: 2px 10px; font-size: 13px; }
.sc-group > b { font-weight: 600; color: #6b7280; font-size: 11px; text-transform: uppercase; letter-spacing: .05em; }
.sc-group label, .sc-key { display: inline-flex; align-items: center; gap: 3px; white-space: nowrap; }
.sc-group label { cursor: pointer; }
.sc-group input { margin: 0 2px 0 0; }
.sc-n { color: #6b7280; font-size: 12px; }
.card { position: relative; flex: 1 1 auto; min-height: 0; width: 100%; }
#mynetwork { position: absolute; top: 0; right: 0; bottom: 0; left: 0; width: auto; height: auto; float: none; border: 0; }
#sc-tip, #sc-details { position: absolute; background: #fff; border: 1px solid #9ca3af; border-radius: 6px; box-shadow: 0 6px 18px rgba(0,0,0,.18); font-size: 13px; }
#sc-tip { z-index: 30; max-width: 460px; padding: 8px 10px; pointer-events: none; }
#sc-details { z-index: 20; right: 10px; bottom: 10px; width: 400px; max-height: 55%; overflow: auto; padding: 10px 12px; }
#sc-close { float: right; border: 0; background: none; font-size: 18px; line-height: 1; cursor: pointer; color: #4b5563; }
.sc-t-h { font-weight: 600; font-size: 15px; }
.sc-t-s { color: #4b5563; margin-bottom: 4px; }
.sc-kv { border-collapse: collapse; margin: 2px 0; }
.sc-kv th { text-align: left; font-weight: 500; color: #6b7280; padding: 1px 10px 1px 0; vertical-align: top; white-space: nowrap; }
.sc-kv td { padding: 1px 0; }
.sc-ev { margin-top: 6px; padding-left: 8px; border-left: 3px solid #d1d5db; }
.sc-ev-src { color: #6b7280; font-size: 12px; }
.sc-more { margin-top: 6px; color: #6b7280; font-size: 12px; }
[hidden] { display: none !important; }
"""

_SCRIPT = r"""
var SC = JSON.parse(document.getElementById("sc-data").textContent);
(function () {
  "use strict";
  var S = SC.s;  // every string already passed through html.escape
  var card = document.getElementById("mynetwork").parentNode;
  var tip = document.getElementById("sc-tip");
  var details = document.getElementById("sc-details");
  var detailsBody = document.getElementById("sc-details-body");

  function evidence(c, off) {  // [caption,] date, report, stance, quote
    var head = [S[c[off]], S[c[off + 1]]];
    if (off === 1 && c[0] >= 0) head.push(S[c[0]]);
    if (c[off + 2] >= 0) head.push(SC.stance[c[off + 2]]);
    return '<div class="sc-ev"><div class="sc-ev-src">' + head.join(" · ") + '</div><div class="sc-ev-q">“' + S[c[off + 3]] + "”</div></div>";
  }
  function nodeTip(id) {
    var r = SC.n[id], h = '<div class="sc-t-h">' + S[r[0]] + '</div><div class="sc-t-s">' + S[r[1]] + "</div>";
    if (r[2].length) {
      h += '<table class="sc-kv">';
      for (var i = 0; i < r[2].length; i += 2) h += "<tr><th>" + S[r[2][i]] + "</th><td>" + S[r[2][i + 1]] + "</td></tr>";
      h += "</table>";
    }
    r[3].forEach(function (c) { h += evidence(c, 1); });
    if (r[4] > 0) h += '<div class="sc-more">+' + Number(r[4]) + " more edges: point at them for their evidence</div>";
    return h;
  }
  function edgeTip(id) {
    var r = SC.e[id], e = edges.get(id), n = r.length - 2;
    var h = '<div class="sc-t-h">' + S[SC.nameS[e.from]] + (SC.directed[r[0]] ? " → " : " ↔ ") + S[SC.nameS[e.to]] + "</div>";
    h += '<div class="sc-t-s">' + SC.etype[r[0]] + " · " + n + (n === 1 ? " claim" : " claims") + "</div>";
    if (r[1] >= 0) h += '<table class="sc-kv"><tr><th>stance</th><td>' + SC.stance[r[1]] + "</td></tr></table>";
    for (var i = 2; i < r.length; i++) h += evidence(r[i], 0);
    return h;
  }

  function showTip(html, pointer) {
    tip.innerHTML = html;
    tip.hidden = false;
    var w = card.clientWidth, h = card.clientHeight;
    var left = pointer.DOM.x + 14, top = pointer.DOM.y + 14;
    if (left + tip.offsetWidth > w) left = Math.max(0, pointer.DOM.x - tip.offsetWidth - 14);
    if (top + tip.offsetHeight > h) top = Math.max(0, pointer.DOM.y - tip.offsetHeight - 14);
    tip.style.left = left + "px";
    tip.style.top = top + "px";
  }
  function hideTip() { tip.hidden = true; }
  function showDetails(html) { detailsBody.innerHTML = html; details.hidden = false; }
  network.on("hoverNode", function (p) { showTip(nodeTip(p.node), p.pointer); });
  network.on("hoverEdge", function (p) { showTip(edgeTip(p.edge), p.pointer); });
  network.on("blurNode", hideTip);
  network.on("blurEdge", hideTip);
  network.on("dragStart", hideTip);
  network.on("zoom", hideTip);
  network.on("click", function (p) {
    if (p.nodes.length) showDetails(nodeTip(p.nodes[0]));
    else if (p.edges.length) showDetails(edgeTip(p.edges[0]));
    else details.hidden = true;
  });
  document.getElementById("sc-close").addEventListener("click", function () { details.hidden = true; });

  // Filters by node type and stance: hidden nodes take their edges with them.
  var all = nodes.get({ fields: ["id", "type", "st"] });
  function ticked(group) {
    var on = {};
    document.querySelectorAll("#" + group + " input").forEach(function (b) { on[b.value] = b.checked; });
    return on;
  }
  function applyFilters() {
    var types = ticked("sc-types"), stances = ticked("sc-stances"), changes = [];
    all.forEach(function (n) {
      var hide = types[n.type] === false || (n.st !== undefined && stances[n.st] === false);
      if (hide !== (n.hidden === true)) { n.hidden = hide; changes.push({ id: n.id, hidden: hide }); }
    });
    if (changes.length) nodes.update(changes);
  }
  document.querySelectorAll("#sc-types input, #sc-stances input").forEach(function (b) {
    b.addEventListener("change", applyFilters);
  });

  // Search by name, English name, ticker, alias or id (normalised like the CLI does).
  var box = document.getElementById("sc-q"), hits = document.getElementById("sc-hits");
  var keys = SC.q.map(function (q) { return q.split("\n"); });
  function norm(s) { return s.normalize("NFKC").toLowerCase().replace(/\s+/g, ""); }
  function find(text) {
    var q = norm(text), found = [];
    if (!q) return found;
    for (var i = 0; i < keys.length; i++) {
      var best = 3;
      for (var k = 0; k < keys[i].length && best > 0; k++) {
        var at = keys[i][k].indexOf(q);
        if (at === 0) best = Math.min(best, keys[i][k].length === q.length ? 0 : 1);
        else if (at > 0) best = Math.min(best, 2);
      }
      if (best < 3) found.push([best, i]);
    }
    found.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    return found.slice(0, 12).map(function (f) { return all[f[1]]; });
  }
  function jump(n) {
    if (n.hidden) {
      document.querySelectorAll('#sc-types input[value="' + n.type + '"], #sc-stances input[value="' + n.st + '"]')
        .forEach(function (b) { b.checked = true; });
      applyFilters();
    }
    hits.hidden = true;
    box.value = SC.name[n.id];
    network.selectNodes([n.id]);
    network.focus(n.id, { scale: Math.max(network.getScale(), 1.1), animation: { duration: 300, easingFunction: "easeInOutQuad" } });
    showDetails(nodeTip(n.id));
  }
  function listHits() {
    var found = find(box.value);
    hits.textContent = "";
    found.forEach(function (n, i) {
      var li = document.createElement("li"), sub = document.createElement("span");
      li.setAttribute("role", "option");
      li.textContent = SC.name[n.id];
      sub.className = "sc-sub";
      sub.textContent = SC.sub[n.id] ? SC.sub[n.id] + " · " + n.type : n.type;
      li.appendChild(sub);
      if (i === 0) li.className = "sc-on";
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); jump(n); });
      hits.appendChild(li);
    });
    hits.hidden = found.length === 0;
  }
  box.addEventListener("input", listHits);
  box.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") { var found = find(box.value); if (found.length) jump(found[0]); }
    else if (ev.key === "Escape") { hits.hidden = true; }
  });
  box.addEventListener("blur", function () { hits.hidden = true; });

  // Fit the drawing to the window until the reader zooms or drags.
  var moved = false;
  network.on("dragEnd", function () { moved = true; });
  network.on("zoom", function () { moved = true; });
  window.addEventListener("resize", function () { if (!moved) network.fit({ animation: false }); });
  network.once("afterDrawing", function () {
    window.scDrawnAt = performance.now();
    // labels are measured on the first drawing: fit again to centre them (cheap when small)
    if (all.length <= 3000) network.fit({ animation: false });
  });
  network.fit({ animation: false });
  window.scReady = true;
  window.scNodeTip = nodeTip;
  window.scEdgeTip = edgeTip;
})();
"""
