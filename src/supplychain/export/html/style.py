"""The look of the page as data: one row per node type, stance and edge type, and the geometry.

Stances come from the schema (:data:`~supplychain.schema.STANCES`): this table only says
how the page draws the ones it knows, and :func:`stance_style` gives any other stance a
style of its own, so a stance added to the schema is drawn, filtered and listed in the
legend without a change here.

>>> stance_style("recommended")["marker"]
'★'
>>> stance_style("a-stance-the-page-has-not-met") == STANCE_DEFAULT
True
"""

from __future__ import annotations

from typing import Any

from ... import schema
from ...schema import EDGE_RULES, NODE_TYPES

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
STANCE_TYPES = frozenset({"company", "etf"})
"""Node types drawn with a stance (the ends of the edges whose claims carry one)."""

STANCE_STYLE: dict[str, dict[str, Any]] = {
    # on company and ETF nodes: border colour and width, and a marker before the label
    "recommended": dict(border="#b91c1c", width=3.5, marker="★"),
    "beneficiary": dict(border="#1d4ed8", width=2.5, marker="☆"),
    "listed": dict(border="#78716c", width=1.0, marker=""),
    "neutral": dict(border="#475569", width=2.0, marker="○"),
    "negative": dict(border="#000000", width=3.0, marker="▽"),
    "dropped": dict(border="#d6d3d1", width=1.0, marker="×"),
}
STANCE_DEFAULT: dict[str, Any] = dict(border="#0e7490", width=2.0, marker="◇")
"""The style of a stance the schema has and this table does not: distinct from every row above."""
INFERRED_STYLE: dict[str, Any] = dict(bg="#fdf6dc", border="#9ca3af", width=1.5, dashes=[4, 3], font="#6b7280", opacity=0.75)
"""A name on a driver's page that only other drivers' notes put in its sub-sector (``basis``
``inferred``): pale, a dashed grey border, a grey label, no stance marker."""
STANCE_NONE = "none"
"""The stance value of a company or ETF no claim gives a stance to (filtered as "no stance")."""

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


def stances() -> tuple[str, ...]:
    """The schema's stances, strongest first (read at call time: the schema is the one table)."""
    return schema.STANCES


def stance_label(stance: str) -> str:
    """``recommended`` → ``推荐``; a stance the schema gives no label has none."""
    return schema.STANCE_LABELS.get(stance, "")


def stance_rank() -> dict[str, int]:
    """Strongest first, then no stance, for ordering companies in a band."""
    return {s: i for i, s in enumerate((*stances(), STANCE_NONE))}


def stance_style(stance: str) -> dict[str, Any]:
    """Border, width and label marker of a node drawn with ``stance`` (:data:`STANCE_DEFAULT` if unknown here)."""
    return STANCE_STYLE.get(stance, STANCE_DEFAULT)


def has_stance(stance: str | None) -> bool:
    """Whether ``stance`` is a stance to draw (not None, not :data:`STANCE_NONE`)."""
    return stance is not None and stance != STANCE_NONE
