"""The interactive HTML page: an offline drawing of the graph or of one subgraph.

:func:`export_html` writes one self-contained file that makes no network request (see
:mod:`.page` for how, and for the Content-Security-Policy). Positions are computed here,
physics is off: drivers on the left, then sub-sectors, then a grid of companies and
ETFs in one band per sub-sector, with risks beside what they threaten. The same graph
gives the same bytes (no seeds, no clocks, no set order).

One module per step, each a plain function of the graph:

- :mod:`.view`: :func:`select` picks the nodes and edges to draw;
- :mod:`.looks`: what each node shows (label, marker, size);
- :mod:`.layout`: :func:`layout` places them, :func:`bends` curves the edges that need it;
- :mod:`.tips`: the tooltips' escaped strings and records;
- :mod:`.vis`: the node and edge records, groups and options vis-network is handed;
- :mod:`.header`: the title, caption and legend;
- :mod:`.page`: :func:`render_page` assembles the page, inlining ``page.css`` and
  ``page.js`` (package files) and pyvis's copy of vis-network;
- :mod:`.style`: the look as data (node types, stances, edge types, geometry).

Examples
--------
>>> import tempfile, pathlib
>>> from supplychain import load_graph
>>> g = load_graph("data/graph.yaml")
>>> out = pathlib.Path(tempfile.mkdtemp()) / "capex.html"
>>> export_html(g, out, driver="阿里云资本开支").endswith("58 nodes, 57 edges")
True
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ...files import atomic_write
from ...gcpause import gc_paused
from .layout import bends, layout, spread
from .looks import clip, text_width, wrap
from .page import render_page
from .view import View, select

if TYPE_CHECKING:
    from ...graph import Graph

__all__ = ["View", "bends", "clip", "export_html", "layout", "render_page", "select", "spread", "text_width", "wrap"]


def add_book(g: "Graph", view: View, portfolio) -> None:
    """Mark the holdings of a holdings file on a driver's page (``view.book``) and say in
    the caption how much of the book is drawn and what is not."""
    from ...portfolio.reader import read_holdings
    from ...portfolio.resolve import resolve_holdings

    holdings = resolve_holdings(g, read_holdings(portfolio))
    known = {h.node_id: h.weight for h in holdings if h.status == "ok"}
    drawn = set(view.nodes)
    view.book = {n: w for n, w in known.items() if n in drawn}
    exposure = sum(w * view.reach[n].score for n, w in view.book.items() if n in view.reach)
    unknown = [h for h in holdings if h.status != "ok"]
    note = (f"marker size = weight in the book {Path(portfolio).name}: {len(view.book)} of its {len(holdings)} holdings "
            f"drawn ({sum(view.book.values()):.1%} of the book, exposure Σ weight × score {exposure:.4f})")
    if len(known) > len(view.book):
        note += f", {len(known) - len(view.book)} not on the page (not reached{', or cut by --max-nodes' if view.left_out else ''})"
    if unknown:
        note += f", {len(unknown)} not in the graph"
    view.book_note = note


def export_html(g: "Graph", path, *, driver=None, focus=None, depth=None, max_nodes=None, portfolio=None) -> str:
    """Write the interactive page to ``path``; return ``"PATH: N nodes, M edges"``.

    ``driver``: draw that driver's exposure subgraph, marker size by score; ``focus``:
    the neighbourhood of one node; neither: the whole graph. See :func:`select` for
    ``depth`` and ``max_nodes``. ``portfolio`` (with ``driver``): a holdings file whose
    holdings are drawn with a thick border, marker size by weight in the book. The file
    is UTF-8, self-contained and written atomically.
    """
    from ...errors import SupplyChainError

    if portfolio is not None and driver is None:
        raise SupplyChainError("--portfolio draws a book on a driver's exposure page: give --driver too")
    with gc_paused():  # tens of thousands of small lists and strings, no cycles: a third of the time went to the collector
        view = select(g, driver=driver, focus=focus, depth=depth, max_nodes=max_nodes)
        if portfolio is not None:
            add_book(g, view, portfolio)
        page = render_page(g, view)
    path = Path(path)
    atomic_write(path, page)
    n, m = len(view.nodes), len(view.edges)
    return f"{path}: {n} node{'s' if n != 1 else ''}, {m} edge{'s' if m != 1 else ''}"
