"""Holdings rows → graph nodes: codes in any spelling the graph accepts, never a guess.

A row is looked up by its code first (``300308``, ``300308.SZ``, ``SZ300308``,
``0700 HK``, ``700 HK Equity``; a code that lost its leading zeros in a spreadsheet,
``63`` for ``000063``, is tried both ways), then by its name when the code finds
nothing. The outcome is one of:

- ``ok``: one node;
- ``unknown``: nothing in the graph;
- ``ambiguous``: the code names several nodes (a bare code listed on two exchanges) and
  the row's name does not pick exactly one of them: listed with its candidates;
- ``conflict``: the code names one node and the name another: listed, not counted.

Rows that resolve to the same node are merged (their weights added).

>>> code_spellings("0700 HK"), code_spellings("300308 CH Equity"), code_spellings("63")
(['0700.hk'], ['300308'], ['63', '000063'])
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..names import normalize
from .reader import HoldingsFile

_SPACED = re.compile(r"^(\w+?)\s*[ .]\s*(hk|sh|sz|ss|bj|ch|c1|c2|us)(?:\s*equity)?$")


def code_spellings(code: str) -> list[str]:
    """The spellings of a code worth asking the graph about, most literal first."""
    t = " ".join(str(code).split()).casefold()
    t = re.sub(r"\s+equity$", "", t)
    m = _SPACED.match(t)
    if m:
        base, market = m.groups()
        t = base if market in ("ch", "c1", "c2", "us") else f"{base}.{market}"
    out = [normalize(t)]
    if t.isdigit() and len(t) < 6:
        out.append(t.zfill(6))  # an A-share code whose leading zeros a spreadsheet dropped
    return out


@dataclass
class Holding:
    """One position of the book: the rows it came from, its weight and its node, if any."""

    lines: list[int]
    code: str | None
    name: str | None
    weight: float
    status: str  # ok, unknown, ambiguous, conflict
    node_id: str | None = None
    matched_by: str | None = None  # code or name
    candidates: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # the rows as written

    @property
    def label(self) -> str:
        return " ".join(x for x in (self.code, self.name) if x) or "?"


def _lookup(g, row) -> tuple[str, str | None, str | None, list[str]]:
    by_code: set[str] = set()
    if row.code:
        for spelling in code_spellings(row.code):
            by_code |= g.matches(spelling)
    by_name = g.matches(row.name) if row.name else set()
    if len(by_code) == 1:
        node_id = next(iter(by_code))
        if by_name and node_id not in by_name:
            return "conflict", None, None, sorted(by_code | by_name)
        return "ok", node_id, "code", []
    if len(by_code) > 1:
        picked = by_code & by_name
        if len(picked) == 1:
            return "ok", next(iter(picked)), "code and name", []
        return "ambiguous", None, None, sorted(by_code)
    if len(by_name) == 1:
        return "ok", next(iter(by_name)), "name", []
    if len(by_name) > 1:
        return "ambiguous", None, None, sorted(by_name)
    return "unknown", None, None, []


def resolve_holdings(g, hf: HoldingsFile) -> list[Holding]:
    """Every row of ``hf`` looked up in ``g``, rows of one node merged, in file order."""
    out: list[Holding] = []
    by_node: dict[str, Holding] = {}
    for row in hf.rows:
        status, node_id, matched_by, candidates = _lookup(g, row)
        if node_id is not None and node_id in by_node:
            h = by_node[node_id]
            h.lines.append(row.line)
            h.weight += row.weight or 0.0
            h.texts.append(row.text)
            continue
        h = Holding([row.line], row.code, row.name, row.weight or 0.0, status, node_id, matched_by,
                    [f"{c} ({g.nodes[c].name})" for c in candidates], [row.text])
        out.append(h)
        if node_id is not None:
            by_node[node_id] = h
    return out
