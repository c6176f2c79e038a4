"""Output: the JSON contract of the query commands, CSV rows, and terminal tables.

The dictionaries built here are the documented, stable JSON output of ``exposure``,
``drivers``, ``list`` and ``show`` (see the README, "JSON contract"). Keys may be added;
none is renamed or removed.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from typing import Any, Iterable, Sequence

from .schema import STANCE_LABELS, current_claim


def evidence(hop) -> dict[str, Any]:
    """The evidence of one hop: the claim's report, date and quote, and the edge."""
    c = hop.claim
    return {
        "report": c.report if c else None,
        "date": c.date.isoformat() if c else None,
        "quote": c.quote if c else None,
        "type": hop.edge.type,
        "source": hop.edge.source,
        "target": hop.edge.target,
    }


def node_summary(node) -> dict[str, Any]:
    """``id``, ``type``, ``name``, ``name_en``, ``ticker``: the fields every listing has."""
    return {
        "id": node.id,
        "type": node.type,
        "name": node.name,
        "name_en": node.name_en,
        "ticker": getattr(node, "ticker", None),
    }


def reach_json(r) -> dict[str, Any]:
    """One result of ``exposure`` or ``drivers``."""
    return {
        "id": r.node.id,
        "name": r.node.name,
        "name_en": r.node.name_en,
        "ticker": getattr(r.node, "ticker", None),
        "type": r.node.type,
        "score": round(r.score, 4),
        "stance": r.stance,
        "sector": r.sector,
        "path": list(r.path),
        "evidence": [evidence(h) for h in r.hops],
        "explain": r.explain(),
        **look_through_json(r),
        "basis": r.basis,
        "stance_driver": r.stance_driver,
    }


def inferred_note(g, r) -> str:
    """Why an inferred name is there: the note that put it in its sub-sector, and that note's driver."""
    h = next((h for h in reversed(r.hops) if h.inferred), None)
    if h is None or h.claim is None:
        return ""
    c = h.claim
    about = f", a note about {g.nodes[c.driver].name} ({c.driver})" if c.driver and c.driver in g.nodes else ""
    where = g.nodes[h.edge.target].name if h.edge.target in g.nodes else h.edge.target
    return f"inferred: put in {where} by {c.report}{about}; no note about this driver names it"


def look_through_json(r) -> dict[str, Any]:
    """An ETF result's ``look_through`` (scored from its imported holdings or not) and, if
    so, its reached ``constituents`` by contribution; nothing for other results."""
    if r.node.type != "etf":
        return {}
    if getattr(r, "constituents", None) is None:
        return {"look_through": False}
    return {
        "look_through": True,
        "constituents": [
            {"id": c.id, "weight": round(c.weight, 6), "score": round(c.score, 4), "contribution": round(c.contribution, 6)}
            for c in r.constituents
        ],
    }


def exposure_json(report, g=None) -> dict[str, Any]:
    """The ``exposure`` JSON; given the graph ``g``, each result also carries its conviction
    (``reports``, ``first_seen``, ``last_seen``, ``trend``: :mod:`supplychain.conviction`)."""
    conv = {}
    if g is not None:
        from .conviction import report_convictions

        conv = report_convictions(g, report)
    return {
        "driver": {"id": report.driver.id, "name": report.driver.name},
        "depth": report.depth,
        "as_of": report.as_of.isoformat() if report.as_of else None,
        "results": [{**reach_json(r), "call": r.call, **conv.get(r.id, {})} for r in report.results],
        "negative": [{**reach_json(r), "call": r.call, **conv.get(r.id, {})} for r in report.negative],
    }


def drivers_json(node, results) -> dict[str, Any]:
    return {"node": {"id": node.id, "name": node.name}, "results": [reach_json(r) for r in results]}


def node_json(node) -> dict[str, Any]:
    """Every field of a node, ``id`` and ``type`` first, dates as ISO strings. A metric's
    ``also`` (the later notes giving the same figure) only when there is one."""
    d = node.model_dump(mode="json", exclude_none=True)
    for m in d.get("metrics", ()):
        if not m.get("also"):
            m.pop("also", None)
    return {**node_summary(node), **d}


def claim_json(c) -> dict[str, Any]:
    return {"report": c.report, "date": c.date.isoformat(), "stance": c.stance, "quote": c.quote}


def show_json(g, node) -> dict[str, Any]:
    """The node with its edges, each edge with its claims (the stance history) in date order."""
    edges = []
    for e in g.edges_of(node.id):
        other_id = e.target if e.source == node.id else e.source
        other = g.nodes[other_id]
        current = current_claim(e.claims)
        edges.append(
            {
                "type": e.type,
                "direction": "out" if e.source == node.id else "in",
                "source": e.source,
                "target": e.target,
                "other": {"id": other.id, "type": other.type, "name": other.name},
                "stance": current.stance if current else None,
                "claims": [claim_json(c) for c in sorted(e.claims, key=lambda c: c.date)],
            }
        )
    return {**node_json(node), "edges": edges}


# --------------------------------------------------------------------------- text


def width(text: str) -> int:
    """Columns a string takes in a terminal: East Asian wide and full-width count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else (0 if unicodedata.combining(ch) else 1) for ch in text)


def pad(text: str, cols: int) -> str:
    return text + " " * max(0, cols - width(text))


def clip(text: str, cols: int) -> str:
    """Cut ``text`` to at most ``cols`` columns, marking the cut with an ellipsis."""
    if width(text) <= cols:
        return text
    out, used = "", 0
    for ch in text:
        w = width(ch)
        if used + w > cols - 1:
            break
        out += ch
        used += w
    return out + "…"


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], max_col: int = 48) -> str:
    """A plain text table whose columns line up with CJK text in a terminal."""
    cells = [[clip("" if v is None else str(v), max_col) for v in row] for row in rows]
    widths = [width(h) for h in headers]
    for row in cells:
        for i, v in enumerate(row):
            widths[i] = max(widths[i], width(v))
    lines = ["  ".join(pad(h, w) for h, w in zip(headers, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(pad(v, w) for v, w in zip(row, widths)).rstrip() for row in cells]
    return "\n".join(lines)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet may read as the start of a formula (OWASP, "CSV Injection")."""

_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?")


def csv_cell(value: Any) -> Any:
    """A cell a spreadsheet shows as text, never runs: text that could start a formula gets a leading ``'``.

    As OWASP recommends, a text cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a
    carriage return is prefixed with a single quote, which makes the cell text (the quote
    shows in the cell). Numbers stay numbers: ints and floats are written as they are,
    and so is text that is one plain number (``-3.5``, ``+80.1%``, ``1e-3``), which
    cannot hold a formula. ``None`` is an empty cell.

    >>> [csv_cell(v) for v in ("=1+1", "@SUM(A1)", "-3.5", -3.5, "-1+1", "+80.1%", "中际旭创")]
    ["'=1+1", "'@SUM(A1)", '-3.5', -3.5, "'-1+1", '+80.1%', '中际旭创']
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_row(row: Iterable[Any]) -> list[Any]:
    """:func:`csv_cell` on every cell of a row."""
    return [csv_cell(v) for v in row]


def write_csv(f, headers: Sequence[str], rows: Iterable[Sequence[Any]], *, neutralise: bool = True) -> None:
    """Write CSV to the text file ``f``: ``\n`` line ends, cells through :func:`csv_cell` unless ``neutralise`` is off.

    Python's writer quotes a cell holding ``\n`` but not one holding only ``\r`` when lines
    end with ``\n``, which would cut the row for a reader: such a row is written with
    every cell quoted.
    """
    plain = csv.writer(f, lineterminator="\n")
    quoted = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for row in ([headers], rows):
        for cells in row:
            cells = csv_row(cells) if neutralise else list(cells)
            (quoted if any(isinstance(v, str) and "\r" in v for v in cells) else plain).writerow(cells)


def to_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV text with a header row; every cell passes :func:`csv_cell` (no formula reaches a spreadsheet).

    >>> print(to_csv(("name", "score"), [("=1+1", 0.9), ("中际旭创", -3.5)]), end="")
    name,score
    '=1+1,0.9
    中际旭创,-3.5
    """
    buf = io.StringIO()
    write_csv(buf, headers, rows)
    return buf.getvalue()


def to_json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2)


def stance_label(stance: str | None) -> str:
    """``recommended`` → ``recommended 推荐``; ``None`` → ``""``."""
    return f"{stance} {STANCE_LABELS[stance]}" if stance else ""


def metric_value(m) -> str:
    """``315.01 亿元``, ``>18 万个``, ``910–930 亿美元`` (a range, with its value when one is
    set: ``920 (910–930) 亿美元``); ``""`` for a metric with only a YoY change."""
    q = "" if m.qualifier == "=" else m.qualifier
    low, high = getattr(m, "low", None), getattr(m, "high", None)
    if low is not None and high is not None:
        span = f"{low:g}–{high:g}"
        return f"{q}{m.value:g} ({span}) {m.unit}" if m.value is not None else f"{q}{span} {m.unit}"
    return f"{q}{m.value:g} {m.unit}" if m.value is not None else ""


def metric_figures(m) -> list[str]:
    """``['315.01 亿元', '+80.1% YoY', 'FY2026Q2']``, leaving out what the metric lacks."""
    yoy = f"{m.yoy:+g}% YoY" if m.yoy is not None else ""
    return [x for x in (metric_value(m), yoy, m.period or "") if x]


def metric_text(m) -> str:
    """``资本开支 315.01 亿元, +80.1% YoY, FY2026Q2``."""
    return f"{m.name} {', '.join(metric_figures(m))}"


def path_names(g, path: Sequence[str]) -> str:
    return " → ".join(g.nodes[p].name for p in path)
