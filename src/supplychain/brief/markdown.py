"""The brief as Markdown: sections, bullet lines with footnotes, the notes, the sources."""

from __future__ import annotations

import re

from .build import Brief

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def md(text: str) -> str:
    """Text shown as itself in Markdown (no emphasis, link, HTML or footnote from the data).

    >>> md("a*b [^1] <x>")
    'a\\\\*b \\\\[^1\\\\] \\\\<x\\\\>'
    """
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def to_markdown(b: Brief) -> str:
    lines = [f"# {md(b.title)}", ""]
    scope = f"Notes up to {b.as_of}" if b.as_of else "No note"
    lines += [f"{scope}; every figure and stance is footnoted to the note it comes from.", ""]
    for s in b.sections:
        lines += [f"## {md(s.title)}", ""]
        if not s.groups:
            lines += [md(s.empty), ""]
        for gr in s.groups:
            if gr.heading:
                lines += [f"### {md(gr.heading)}", ""]
            lines += [f"- {md(ln.text)} [^{ln.source}]" for ln in gr.lines]
            lines.append("")
    lines += ["## Notes", ""]
    lines += [f"- {n[1]} `{n[0]}`: {md(n[2])}" for n in b.notes] or ["(none)"]
    lines.append("")
    for i, s in enumerate(b.sources, 1):
        lines.append(f"[^{i}]: `{s.report}` ({s.date}): “{md(s.quote)}”")
    return "\n".join(lines).rstrip() + "\n"
