"""What vis-network is handed: node and edge records, groups (one style per type and stance), options.

Nodes are styled through groups (``company.recommended``, ``driver.origin``) rather than
one style per node, so a page of 10k companies carries a dozen styles, not 10k.
"""

from __future__ import annotations

from typing import Any

from ...schema import Edge
from .looks import Look
from .style import BOXES, EDGE_STYLE, FONT_FACE, INFERRED_STYLE, MARGIN, NODE_STYLE, STANCE_NONE, STANCE_TYPES, has_stance, stance_style
from .view import View


def group_name(node_type: str, stance: str | None, origin: bool, inferred: bool = False) -> str:
    """The vis-network group of a node: its type, stance (or ``inferred``) and whether the page starts there."""
    return node_type + (".inferred" if inferred else f".{stance}" if has_stance(stance) else "") + (".origin" if origin else "")


def group_style(group: str) -> dict[str, Any]:
    """The vis-network style of a group named by :func:`group_name`."""
    node_type, *rest = group.split(".")
    style = NODE_STYLE[node_type]
    border, width = style["border"], 1.5
    stance = next((r for r in rest if r not in ("origin", "inferred")), None)
    bg, font_colour = style["bg"], style["font"]
    if stance:
        border, width = stance_style(stance)["border"], stance_style(stance)["width"]
    if "inferred" in rest:
        bg, border, width, font_colour = INFERRED_STYLE["bg"], INFERRED_STYLE["border"], INFERRED_STYLE["width"], INFERRED_STYLE["font"]
    if "origin" in rest:
        width += 2
    font: dict[str, Any] = {"size": style["size"] + (1 if "origin" in rest else 0), "color": font_colour}
    if node_type not in BOXES:
        font["background"] = "rgba(255,255,255,0.85)"
    out = {
        "shape": style["shape"],
        "color": {
            "background": bg,
            "border": border,
            "highlight": {"background": bg, "border": "#111827"},
            "hover": {"background": bg, "border": "#111827"},
        },
        "borderWidth": width,
        "borderWidthSelected": width + 1.5,
        "font": font,
    }
    if "inferred" in rest:
        out["shapeProperties"] = {"borderDashes": INFERRED_STYLE["dashes"]}
        out["opacity"] = INFERRED_STYLE["opacity"]
    if "origin" in rest:
        out["shadow"] = {"enabled": True, "size": 8, "x": 0, "y": 2}
    return out


def node_data(view: View, node, vid: int, look: Look, pos: tuple[float, float]) -> dict[str, Any]:
    """The record vis-network draws for ``node`` (``id`` is its index; ``key`` its graph id)."""
    origin = view.origin is not None and node.id == view.origin.id
    data: dict[str, Any] = {
        "id": vid,
        "key": node.id,
        "type": node.type,
        "label": look.label,
        "x": pos[0],
        "y": pos[1],
        "group": group_name(node.type, look.stance, origin, look.inferred),
    }
    if node.type not in BOXES:
        data["size"] = look.size
    if look.inferred:  # filtered by basis, not by stance (it has none for this driver)
        data["bs"] = "inferred"
    elif node.type in STANCE_TYPES:
        data["st"] = look.stance or STANCE_NONE
        if node.id in view.reach:
            data["bs"] = "named"
    if node.id in view.book:
        data["borderWidth"] = 4  # a holding of the book (--portfolio)
    return data


def edge_data(e: Edge, eid: int, ids: dict[str, int]) -> dict[str, Any]:
    """The record vis-network draws for edge ``e``, styled by its type."""
    style = EDGE_STYLE[e.type]
    data: dict[str, Any] = {"id": eid, "from": ids[e.source], "to": ids[e.target], "color": style["color"], "width": style["width"]}
    if style["dashes"]:
        data["dashes"] = style["dashes"]
    if style["arrow"]:
        data["arrows"] = "to"
    return data

def options(groups: dict[str, dict], n_nodes: int, n_edges: int) -> dict[str, Any]:
    """vis-network's options: physics off (the layout is ours), hover on, edges hidden while dragging a big page."""
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
