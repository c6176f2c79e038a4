"""ETF constituents into the graph: ``holds`` edges carrying each constituent's weight.

``supplychain holdings import ETF FILE --date D`` reads a constituent list (any holdings
file :mod:`~supplychain.portfolio.reader` reads, with a weight or market value column),
and records, for each constituent the graph knows:

- a report node for the file, ``holdings-<etf id>-<date>`` ("人工智能AIETF 成分股
  2025-12-01"), with the file's name: the evidence every holding cites;
- a ``holds`` edge ETF → company whose claim quotes the constituent's row as written and
  carries its ``weight`` (0 < w ≤ 1).

Constituents the graph does not know (or cannot tell apart) are listed and **not
created**: a company enters the graph with its evidence through a note, and a fund file
says nothing about its sub-sector. Only companies can be held; a constituent that
resolves to another type of node is listed as such. Importing the same file again
changes nothing; a later import supersedes the earlier one for the look-through (see
:func:`~supplychain.query.etf_holdings`), and the earlier claims stay as history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import FileFormatError, SupplyChainError
from ..schema import Claim, Edge, GraphData, ReportNode, edge_key
from .reader import read_holdings
from .resolve import Holding, resolve_holdings


@dataclass
class ImportPlan:
    """What an import would add: the report node, new claims and edges, and the rows left out."""

    etf: object
    date: dt.date
    file: str
    report: ReportNode
    held: list[tuple[Holding, str]] = field(default_factory=list)  # (holding, company id)
    left_out: list[tuple[Holding, str]] = field(default_factory=list)  # (holding, why)
    new_claims: int = 0
    new_edges: int = 0
    new_report: bool = False

    @property
    def empty(self) -> bool:
        return not (self.new_claims or self.new_edges or self.new_report)

    def describe(self) -> str:
        weight = sum(h.weight for h, _ in self.held)
        lines = [f"{self.etf.name} ({self.etf.id}) holdings from {self.file} as of {self.date}: "
                 f"{len(self.held)} constituents in the graph ({weight:.2%} of the fund), "
                 f"{len(self.left_out)} left out"]
        lines.append(f"  evidence: report {self.report.id}{' (new)' if self.new_report else ''}")
        lines.append(f"  {self.new_edges} new holds edges, {self.new_claims} new claims")
        for h, why in self.left_out:
            lines.append(f"  left out: line {h.lines[0]} {h.label} ({h.weight:.2%}): {why}")
        return "\n".join(lines)


def _fresh(day: dt.date) -> dt.date:
    return dt.date.fromordinal(day.toordinal())  # one object per claim: no YAML anchors


def plan_import(g, etf: str, path: Path | str, day: dt.date) -> tuple[ImportPlan, GraphData]:
    """The plan of importing ``path`` as ``etf``'s holdings on ``day``, and the data it gives."""
    node = g.resolve(etf, types=("etf",))
    hf = read_holdings(path)
    if hf.weights_from == "equal":
        raise FileFormatError(str(path), 1, "a constituent list needs a weight or market value column "
                              "(权重/weight, 市值/market value); equal weights would be made up")
    file = Path(path).name
    report = ReportNode(
        id=f"holdings-{node.id}-{day.isoformat()}", type="report",
        name=f"{node.name} 成分股 {day.isoformat()}",
        title=f"{node.name} ({getattr(node, 'ticker', None) or node.id}) constituents and weights, {file}",
        date=_fresh(day), file=file,
    )
    plan = ImportPlan(node, day, str(path), report)
    for h in resolve_holdings(g, hf):
        if h.status != "ok":
            why = {"unknown": "not in the graph (not created: add it through a note first)",
                   "ambiguous": f"ambiguous, could be {', '.join(h.candidates)}",
                   "conflict": f"code and name name different nodes: {', '.join(h.candidates)}"}[h.status]
            plan.left_out.append((h, why))
        elif g.type_of(h.node_id) != "company":
            plan.left_out.append((h, f"{h.node_id} is a {g.type_of(h.node_id)}; an ETF holds companies"))
        else:
            plan.held.append((h, h.node_id))
    if not plan.held:
        raise SupplyChainError(f"{path}: none of its {len(plan.left_out)} rows is a company in the graph; nothing to import")
    # a new list of the same models: only the edges that change are copied, so the loaded
    # graph (whose models these are) stays as it was
    old = g.data
    data = GraphData.model_construct(version=old.version, nodes=list(old.nodes), edges=list(old.edges))
    if report.id not in g.nodes:
        data.nodes.append(report)
        plan.new_report = True
    elif g.type_of(report.id) != "report":
        raise SupplyChainError(f"{report.id} is already a {g.type_of(report.id)} in the graph; cannot file the holdings under it")
    position = {e.key: i for i, e in enumerate(data.edges) if e.type == "holds" and e.source == node.id}
    for h, company in plan.held:
        claim = Claim(report=report.id, date=_fresh(day), quote=" | ".join(t for t in h.texts if t) or h.label,
                      weight=round(min(h.weight, 1.0), 8))
        key = edge_key("holds", node.id, company)
        i = position.get(key)
        if i is None:
            data.edges.append(Edge(type="holds", source=node.id, target=company, claims=[claim]))
            plan.new_edges += 1
            plan.new_claims += 1
            continue
        e = data.edges[i]
        if not any(c.report == claim.report and c.quote == claim.quote and c.weight == claim.weight for c in e.claims):
            # a re-import of the same day replaces that day's claim
            claims = [c for c in e.claims if c.report != claim.report] + [claim]
            data.edges[i] = e.model_copy(update={"claims": claims})
            plan.new_claims += 1
    return plan, data


def import_holdings(graph: Path | str, etf: str, path: Path | str, day: dt.date, *, dry_run: bool = False) -> ImportPlan:
    """Import ``path`` as ``etf``'s holdings on ``day`` into the graph file ``graph``: read
    and plan holding the graph's lock (as ``ingest`` does), then, unless ``dry_run``,
    validate and write atomically. Nothing is written when nothing changes."""
    from ..graph import load_graph
    from ..ingest.apply import write_graph, writing

    with writing(graph, dry_run):
        plan, data = plan_import(load_graph(graph), etf, path, day)
        if not dry_run and not plan.empty:
            write_graph(data, graph)
    return plan
