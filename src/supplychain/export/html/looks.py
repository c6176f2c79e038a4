"""What each node shows: its label (wrapped or clipped, with a stance marker), size and extents.

Widths are estimated from the text (wide characters one em, the rest 0.6 em), so the
layout can keep labels apart without a browser.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...schema import EDGE_RULES, current_claim
from .style import BOXES, DOT_SIZE, MARGIN, NODE_STYLE, STANCE_NONE, STANCE_TYPES, has_stance, stance_rank, stance_style
from .view import View

if TYPE_CHECKING:
    from ...graph import Graph


@dataclass
class Look:
    """How one node is drawn: label lines, marker radius, font size and extents."""

    label: str
    size: float
    font: int
    width: float  # of the node with its label
    top: float  # extent above the node's position
    bottom: float  # extent below it
    stance: str | None  # company and ETF only: a stance or STANCE_NONE
    score: float | None
    inferred: bool = False  # a driver's page: reached only through other drivers' notes (no stance, drawn apart)


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
    """Cut a label to ``max_em`` em, marking the cut with an ellipsis (one em kept for it).

    Reads no further than the cut: a long quote costs no more than a short one.

    >>> clip("中际旭创", 4), clip("中际旭创科技", 4), clip("Innolight", 4)
    ('中际旭创', '中际旭…', 'Innol…')
    """
    used, cut = 0.0, 0
    for i, ch in enumerate(text):
        used += font_em(ch)
        if used + 1.0 <= max_em:
            cut = i + 1
        elif used > max_em:
            return text[:cut] + "…"
    return text


def font_em(ch: str) -> float:
    """The estimated width of one character in em (:func:`text_width`)."""
    return 1.0 if unicodedata.east_asian_width(ch) in "WFA" else 0.6


def stance_of(g: "Graph", view: View, node) -> str | None:
    """The stance a company or ETF is drawn with: its exposure result's, else its strongest claim."""
    if node.type not in STANCE_TYPES:
        return None
    r = view.reach.get(node.id)
    if r is not None and r.basis == "inferred":  # no note about the driver gives it one: carry no other driver's stance
        return None
    if r is not None and r.stance:
        return r.stance
    best = None
    rank = stance_rank()
    for e in g.out_edges(node.id):
        if not EDGE_RULES[e.type].stance:
            continue
        c = current_claim(e.claims)
        if c and c.stance and (best is None or rank[c.stance] < rank[best]):
            best = c.stance
    return best or STANCE_NONE


def book_size(weight: float | None) -> float:
    """Marker radius of a name on a page with a book (``--portfolio``): area ∝ its weight;
    names the book does not hold are small dots.

    >>> book_size(None), book_size(0.01), book_size(0.25)
    (4.0, 7.0, 19.0)
    """
    return 4.0 if not weight else round(4.0 + 30.0 * math.sqrt(min(weight, 1.0)), 2)


def look_of(g: "Graph", view: View, node) -> Look:
    """How ``node`` is drawn in ``view``: its label, marker size, font and the room it takes."""
    style = NODE_STYLE[node.type]
    font = style["size"] + (1 if view.origin is not None and node.id == view.origin.id else 0)
    stance = stance_of(g, view, node)
    r = view.reach.get(node.id)
    score = r.score if r is not None else None
    inferred = r is not None and r.basis == "inferred"
    if node.type in BOXES:
        lines = wrap(node.title if node.type == "report" else node.name, style["wrap"])
    elif "wrap" in style:
        lines = wrap(node.name, style["wrap"])
    else:
        marker = stance_style(stance)["marker"] if has_stance(stance) else ""
        lines = [clip(marker + node.name, style["clip"])]
    text_w = max(text_width(line, font) for line in lines)
    text_h = len(lines) * font * 1.25
    if node.type in BOXES:
        w = text_w + 2 * MARGIN + 6
        h = text_h + 2 * MARGIN
        return Look("\n".join(lines), 0.0, font, w, h / 2, h / 2, stance, score)
    size = DOT_SIZE if score is None else 5.0 + 13.0 * score
    if view.book and node.type in STANCE_TYPES:
        size = book_size(view.book.get(node.id))
    if node.type == "risk":
        size = 12.0
    return Look("\n".join(lines), round(size, 2), font, max(text_w, 2 * size) + 4, size + 2, size + 6 + text_h, stance, score, inferred)

