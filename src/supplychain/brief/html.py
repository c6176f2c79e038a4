"""The brief as one self-contained, offline HTML page.

Like the graph page (:mod:`supplychain.export.html.page`): the stylesheet is a package
file (``brief.css``) inlined at export time, every piece of data is escaped, and a
Content-Security-Policy (``default-src 'none'``) forbids every request and script. The
page has no script at all: the exposure is a static list by sub-sector rather than the
graph page's drawing, which needs vis-network's script (see docs/brief.md).
"""

from __future__ import annotations

from functools import cache
from html import escape
from importlib import resources

from .build import Brief

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"


@cache
def stylesheet() -> str:
    return resources.files(__package__).joinpath("brief.css").read_text(encoding="utf-8")


def _e(text) -> str:
    return escape(str(text), quote=True)


def to_html(b: Brief) -> str:
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
