"""Where each node goes: columns left to right, a grid of companies banded by sub-sector.

Positions are computed here and vis-network's physics stays off, so the same graph
gives the same drawing: drivers on the left, then sub-sectors, then a grid of companies
and ETFs in one band per sub-sector, with risks beside what they threaten.
:func:`bends` then curves the few edges that would run through a column.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any, Iterable

from ...schema import Edge, current_claim
from .looks import Look
from .style import CANVAS, CELL_GAP, DRIVER_GAP, ROW_GAP, SLOT_GAP, STACK_GAP, STANCE_NONE, stance_rank, stances
from .view import View

if TYPE_CHECKING:
    from ...graph import Graph


@dataclass
class Item:
    """One node to stack in a column: where it wants to be, how hard it holds there, its extents."""

    key: str
    desired: float
    order: int
    weight: float
    top: float
    bottom: float


def spread(items: list[Item], gap: float) -> dict[str, float]:
    """Stack items in one column near their desired heights without overlaps.

    Items keep the order of their desired heights; the result minimises the weighted
    squared distance to the desired heights (isotonic regression by pooling adjacent
    violators), so a heavy item barely moves and light ones make room around it.

    >>> spread([Item("a", 0, 0, 1, 5, 5), Item("b", 0, 1, 1, 5, 5)], 10)
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


def layout(g: "Graph", view: View, looks: dict[str, Look], canvas: tuple[float, float] = CANVAS) -> dict[str, tuple[float, float]]:
    """Positions for every node of ``view``, reading left to right.

    Columns: drivers, one column per step along ``drives`` edges (companies that operate
    a driver, and their competitors, stand in the first); sub-sectors; a grid with one
    band of rows per sub-sector (its companies and ETFs ordered by stance, score, id,
    names inferred for a driver last;
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
    rank_of_stance = stance_rank()
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
                sectors = sorted(targets(n, "member_of"), key=lambda s: (rank_of_stance[member_stance[n, s]], rank[s]))
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
        return (looks[n].inferred, rank_of_stance.get(looks[n].stance or STANCE_NONE, 9), -(looks[n].score or 0.0), n)

    for members in bands.values():
        members.sort(key=member_key)

    strongest = stances()[0] if stances() else None

    def band_key(anchor: str) -> tuple:
        members = bands[anchor]
        group = 0 if anchor and kind[anchor] == "driver" else (2 if not anchor else 1)
        best = max((looks[m].score or 0.0 for m in members), default=0.0)
        strong = sum(1 for m in members if looks[m].stance == strongest)
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

    def item(n: str, desired: float, weight: float) -> Item:
        return Item(n, desired, rank[n], weight, looks[n].top, looks[n].bottom)

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


def bulge(i: float, length: float) -> float:
    """How far a vis-network ``curvedCW``/``curvedCCW`` edge of ``roundness`` i bows out."""
    return (0.5 * i + 0.5) * length * math.sin(0.5 * math.pi * i) / 2


def bends(view: View, pos: dict[str, tuple[float, float]], looks: dict[str, Look]) -> dict[int, dict[str, Any]]:
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
            a, b = (mid, b) if bulge(mid, length) < need else (a, mid)
        out[i] = {"enabled": True, "type": "curvedCW" if y1 > y0 else "curvedCCW", "roundness": round(b, 3)}
    return out
