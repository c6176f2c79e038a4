"""The page assembled: pyvis's page made offline and safe, with our header, data, CSS and script.

This is the project's only import of pyvis. vis-network is inlined by pyvis, its
Bootstrap tags are dropped, the page's own stylesheet (``page.css``) and script
(``page.js``), package files, are inlined, and a Content-Security-Policy admits only
the page's own inline scripts (by hash): the page makes no network request and an
``onerror=`` smuggled into a name cannot run.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from ...errors import SupplyChainError
from ...names import normalize
from ...schema import EDGE_RULES
from .header import header
from .layout import bends, layout
from .looks import look_of
from .style import stance_label, stance_style, stances
from .tips import Tips
from .view import View
from .vis import edge_data, group_style, node_data, options

if TYPE_CHECKING:
    from ...graph import Graph

_esc = html.escape


@cache
def asset(name: str) -> str:
    """The text of a package file of the page (``page.css``, ``page.js``), read once.

    >>> asset("page.js").startswith('var SC = JSON.parse(document.getElementById("sc-data")')
    True
    """
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def render_page(g: "Graph", view: View) -> str:
    """The whole HTML text of the page for ``view`` (positions, styles, tooltips, controls)."""
    from pyvis.network import Network  # the project's only import of pyvis

    looks = {n: look_of(g, view, g.nodes[n]) for n in view.nodes}
    pos = layout(g, view, looks)
    ids = {n: i for i, n in enumerate(view.nodes)}
    nodes = [node_data(view, g.nodes[n], ids[n], looks[n], pos[n]) for n in view.nodes]
    edges = [edge_data(e, i, ids) for i, e in enumerate(view.edges)]
    for i, smooth in bends(view, pos, looks).items():
        edges[i]["smooth"] = smooth
    groups = {name: group_style(name) for name in sorted({d["group"] for d in nodes})}

    tips = Tips(g)
    side: dict[str, Any] = {
        "n": [tips.node(view, g.nodes[n], looks[n]) for n in view.nodes],
        "e": [tips.edge(e) for e in view.edges],
        "nameS": [tips.s(g.nodes[n].name) for n in view.nodes],
        "name": [g.nodes[n].name for n in view.nodes],
        "sub": [" · ".join(x for x in (g.nodes[n].name_en, getattr(g.nodes[n], "ticker", None)) if x) for n in view.nodes],
        "q": ["\n".join(dict.fromkeys(normalize(k) for k in (m.name, m.name_en, *g.tickers(m), *m.aliases, m.id) if k)) for m in map(g.nodes.__getitem__, view.nodes)],
        "stance": [_esc(f"{s} {stance_label(s)}") for s in stances()],
        "mark": [_esc((stance_style(s)["marker"] + " ").lstrip()) for s in stances()],
        "etype": [_esc(r.label if r.label == t else f"{r.label} ({t})") for t, r in EDGE_RULES.items()],
        "directed": [r.directed for r in EDGE_RULES.values()],
        "origin": ids[view.origin.id] if view.origin is not None else None,
    }
    side["s"] = tips.strings

    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    # filled in bulk: add_node/add_edge check every existing node and edge (quadratic)
    net.nodes, net.edges = nodes, edges
    net.node_ids = [d["id"] for d in nodes]
    net.node_map = {d["id"]: d for d in nodes}
    net.options = options(groups, len(nodes), len(edges))
    return finish(net.generate_html(), g, view, nodes, side)


def script_json(obj: Any) -> str:
    """JSON safe to place inside a ``<script>`` element.

    >>> script_json({"name": "</script><b>&"})
    '{"name":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


_BOOTSTRAP = (
    re.compile(r'<link\s[^>]*bootstrap[^>]*>'),
    re.compile(r'<script\s[^>]*bootstrap[^>]*>\s*</script>'),
)
_LEFTOVERS = (
    re.compile(r"<center>\s*<h1>\s*</h1>\s*</center>"),
    re.compile(r"<!-- <link rel=\"stylesheet\" href=\"../node_modules.*?-->", re.S),
)
_SCRIPTS = re.compile(r"<script(?:\s(?![^>]*application/json)[^>]*)?>(.*?)</script>", re.S)  # the scripts that run
_OVERLAY = (
    '<div id="sc-tip" role="tooltip" hidden></div>\n'
    '<aside id="sc-details" hidden><button id="sc-close" type="button" aria-label="close">×</button><div id="sc-details-body"></div></aside>'
)


def finish(page: str, g: "Graph", view: View, nodes: list[dict], side: dict[str, Any]) -> str:
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

    title, element = header(g, view, nodes)
    # the tooltips' data: a JSON block (never run; JSON.parse is much faster than a literal of megabytes)
    data = f'<script type="application/json" id="sc-data">{script_json(side)}</script>\n'

    head = _replace_once(head, "<html>", '<html lang="en">')
    head = _replace_once(head, '<meta charset="utf-8">', f'<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{_esc(title)}</title>')
    head += f"<style>\n{asset('page.css')}</style>\n"
    body = _replace_once(body, "<body>", "<body>" + element + data)
    body = _replace_once(body, '<div id="mynetwork" class="card-body"></div>', '<div id="mynetwork" class="card-body"></div>' + _OVERLAY)
    # the controls run in pyvis's script, right after the network is built: the view is fitted
    # before the browser paints, so the first drawing is the only one
    body = _replace_once(body, "drawGraph();\n", "drawGraph();\n\n" + asset("page.js"))
    page = head + body
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in _SCRIPTS.findall(page))
    csp = f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; img-src data:; font-src data:; base-uri 'none'; form-action 'none'"
    return _replace_once(page, '<meta charset="utf-8">', f'<meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy" content="{csp}">')


def _replace_once(page: str, old: str, new: str) -> str:
    if page.count(old) != 1:
        raise SupplyChainError(f"pyvis's page changed: expected {old!r} once, found it {page.count(old)} times")
    return page.replace(old, new)
