"""Take a note back: ``supplychain retract REPORT`` removes what the report brought.

Every claim and metric whose source is the report, every edge left with no claim, the
report node, and every node the report's claims touched that is left with no edge and no
metric (a company or sector only that note named; a driver only that note made). The
result goes through the same path as an ingest: validate, then one atomic write
(:func:`~supplychain.ingest.apply.write_graph`). Ingesting the note again afterwards gives
the same bytes as ingesting it the first time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import SupplyChainError
from ..graph import Graph
from ..schema import GraphData


@dataclass
class Retraction:
    """What retracting a report removes (or removed)."""

    graph: str
    report: str
    claims: int = 0
    edges: list[tuple[str, str, str]] = field(default_factory=list)
    metrics: int = 0
    nodes: list[str] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False

    def describe(self) -> str:
        lines = [f"retract {self.report}: {self.claims} claim{'s' if self.claims != 1 else ''}, "
                 f"{len(self.edges)} edge{'s' if len(self.edges) != 1 else ''} left with no claim, "
                 f"{self.metrics} metric{'s' if self.metrics != 1 else ''}, {len(self.nodes)} node{'s' if len(self.nodes) != 1 else ''}"]
        lines += [f"  remove edge   {t} {s} → {d}" for t, s, d in self.edges]
        lines += [f"  remove node   {n}" for n in self.nodes]
        lines.append("dry run: nothing written" if self.dry_run else
                     f"wrote {self.graph}" if self.written else "nothing to write")
        return "\n".join(lines)


def retract_data(data: GraphData, report_id: str) -> tuple[GraphData, Retraction]:
    """``data`` without what report ``report_id`` brought (a new GraphData; ``data`` is untouched)."""
    out = Retraction("", report_id)
    touched: set[str] = set()
    edges = []
    for e in data.edges:
        mine = [c for c in e.claims if c.report == report_id]
        if not mine:
            edges.append(e)
            continue
        out.claims += len(mine)
        touched.update((e.source, e.target))
        touched.update(c.driver for c in mine if c.driver)
        rest = [c for c in e.claims if c.report != report_id]
        if rest:
            edges.append(e.model_copy(update={"claims": rest}))
        else:
            out.edges.append(e.key)
    nodes = []
    for n in data.nodes:
        metrics = getattr(n, "metrics", None)
        if metrics and any(s.report == report_id for m in metrics for s in m.sources):
            from .figures import without_source

            # a figure other notes also gave stays, without this note among its sources
            kept = [k for k in (without_source(m, report_id) if any(s.report == report_id for s in m.sources) else m
                                for m in metrics) if k is not None]
            out.metrics += sum(1 for m in metrics if any(s.report == report_id for s in m.sources))
            touched.add(n.id)
            n = n.model_copy(update={"metrics": kept})
        nodes.append(n)
    linked = {x for e in edges for x in (e.source, e.target)} | {c.driver for e in edges for c in e.claims if c.driver}
    keep = []
    for n in nodes:
        orphan = n.id in touched and n.id not in linked and not getattr(n, "metrics", None)
        if n.id == report_id or orphan:
            out.nodes.append(n.id)
        else:
            keep.append(n)
    return GraphData(version=data.version, nodes=keep, edges=edges), out


def retract(report: str, graph: Path | str, *, dry_run: bool = False) -> Retraction:
    """Remove what ``report`` (any name or id of a report node) brought to the graph file."""
    from ..cache import load_entry
    from .apply import write_graph, writing

    with writing(graph, dry_run) as lock:
        g = Graph(load_entry(graph), str(graph))
        node = g.resolve(report, types=("report",))
        data, out = retract_data(g.data, node.id)
        out.graph, out.dry_run = str(graph), dry_run
        if dry_run:
            return out
        if not (out.claims or out.metrics or out.nodes):
            raise SupplyChainError(f"report {node.id} brought nothing that is still in {graph}")
        lock.require()
        write_graph(data, graph)
        out.written = True
    return out
