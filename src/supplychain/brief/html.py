"""The brief as one self-contained, offline HTML page.

Like the graph page (:mod:`supplychain.export.html.page`): the stylesheet is a package
file (``brief.css``) inlined at export time, every piece of data is escaped, and a
Content-Security-Policy (``default-src 'none'``) forbids every request and script. The
page has no script at all: the exposure is drawn as an inline SVG
(:func:`supplychain.export.html.svg.exposure_svg`: the graph page's layout, coloured by
stance, inferred names drawn apart), above the list by sub-sector. An inline SVG with
presentation attributes loads nothing and needs no style attribute, so the policy admits
nothing beyond ``style-src 'unsafe-inline'`` (the inlined stylesheet): no image, font or
data URI (see docs/brief.md).
"""

from __future__ import annotations

from functools import cache
from html import escape
from importlib import resources
from typing import TYPE_CHECKING

from .build import Brief

if TYPE_CHECKING:
    from ..graph import Graph

CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


@cache
def stylesheet() -> str:
    return resources.files(__package__).joinpath("brief.css").read_text(encoding="utf-8")


def _e(text) -> str:
    return escape(str(text), quote=True)


def to_html(b: Brief, g: "Graph | None" = None, depth: int = 4) -> str:
    """The page of brief ``b``; given the graph ``g`` it was built from, with the exposure drawn."""
    drawing = None
    if g is not None:
        from ..export.html.svg import exposure_svg

        drawing = exposure_svg(g, b.driver.id, depth=depth)
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(b.title)}</title>",
        f"<style>\n{stylesheet()}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{_e(b.title)}</h1>",
        f'<p class="lead">{"Notes up to " + _e(b.as_of) if b.as_of else "No note"}; '
        "every figure and stance is footnoted to the note it comes from.</p>",
    ]
    for s in b.sections:
        out.append(f"<section><h2>{_e(s.title)}</h2>")
        if drawing is not None and s.title == "Names by sub-sector" and s.groups:  # no name: nothing to draw
            out.append(drawing)
        if not s.groups:
            out.append(f'<p class="empty">{_e(s.empty)}</p>')
        for gr in s.groups:
            if gr.heading:
                out.append(f"<h3>{_e(gr.heading)}</h3>")
            out.append("<ul>")
            out += [f'<li>{_e(ln.text)}<sup><a href="#fn-{ln.source}" id="ref-{ln.source}-{k}">{ln.source}</a></sup></li>'
                    for k, ln in enumerate(gr.lines)]
            out.append("</ul>")
        out.append("</section>")
    out.append("<section><h2>Notes</h2><ul>")
    out += [f"<li>{_e(n[1])} <code>{_e(n[0])}</code>: {_e(n[2])}</li>" for n in b.notes]
    out.append("</ul></section>")
    out.append('<section class="sources"><h2>Sources</h2><ol>')
    out += [f'<li id="fn-{i}"><code>{_e(s.report)}</code> ({_e(s.date)}): “{_e(s.quote)}”</li>' for i, s in enumerate(b.sources, 1)]
    out += ["</ol></section>", "</main>", "</body>", "</html>"]
    return "\n".join(out) + "\n"
