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
    relinked: list[str] = field(default_factory=list)
    """Links a driver that survives gets again from a remaining note of it (:func:`relink`)."""
    dry_run: bool = False
    written: bool = False

    def describe(self) -> str:
        lines = [f"retract {self.report}: {self.claims} claim{'s' if self.claims != 1 else ''}, "
                 f"{len(self.edges)} edge{'s' if len(self.edges) != 1 else ''} left with no claim, "
                 f"{self.metrics} metric{'s' if self.metrics != 1 else ''}, {len(self.nodes)} node{'s' if len(self.nodes) != 1 else ''}"]
        lines += [f"  remove edge   {t} {s} → {d}" for t, s, d in self.edges]
        lines += [f"  remove node   {n}" for n in self.nodes]
        lines += [f"  {x}" for x in self.relinked]
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


def _note_file(label: str, graph: Path) -> Path | None:
    """Where a report's note is now: its recorded path (relative to here, or to the graph's
    folder or the one above it), else a file of that name in ``reports/`` beside the graph."""
    rec = Path(label)
    tries = [rec] if rec.is_absolute() else [rec, graph.parent / rec, graph.parent.parent / rec]
    tries.append(graph.parent / "reports" / rec.name)
    return next((t for t in tries if t.is_file()), None)


def relink(data: GraphData, out: Retraction, graph: Path | str) -> GraphData:
    """A driver that survives the retraction but lost its ``drives``/``operates`` links (the
    retracted note had made them) gets the links its earliest remaining note proposes, as
    when that note created it (:func:`~supplychain.ingest.subjects.join_chain`): the graph
    is left as if the retracted note had never been ingested. When that note's file cannot
    be found the driver stays unlinked and the retraction says so (ingesting the note
    again links it)."""
    from .apply import apply_plan
    from .parse import parse_report
    from .plan import Planner
    from .subjects import join_chain

    graph = Path(graph)
    lost = sorted({d for t, _, d in out.edges if t in ("drives", "operates")} - set(out.nodes))
    if not lost:
        return data
    g = Graph(data, str(graph))
    for driver in lost:
        if driver not in g.nodes or g.nodes[driver].type != "driver":
            continue
        reports = sorted({(c.date, c.report) for e in g.edges for c in e.claims if c.driver == driver})
        if not reports:
            continue
        node = g.nodes[reports[0][1]]
        path = _note_file(node.file or "", graph) if node.type == "report" else None
        name = g.nodes[driver].name
        if path is None:
            out.relinked.append(f"note          {name} ({driver}) is left unlinked: the note of {node.id} "
                                f"({node.file}) was not found; ingest it again to link it")
            continue
        try:
            parsed = parse_report(path)
        except SupplyChainError as e:
            out.relinked.append(f"note          {name} ({driver}) is left unlinked: {e}; ingest the note again to link it")
            continue
        parsed.id, parsed.date = node.id, node.date
        p = Planner(g, str(path))
        join_chain(p, parsed, driver)
        for c in p.plan.claims:
            t, s, d = c.key
            out.relinked.append(f"relink edge   {t} {p.plan.names.get(s, s)} → {p.plan.names.get(d, d)} ({node.id})")
        if p.plan.claims:
            data = apply_plan(data, p.plan)
            g = Graph(data, str(graph))
    return data


def retract(report: str, graph: Path | str, *, dry_run: bool = False) -> Retraction:
    """Remove what ``report`` (any name or id of a report node) brought to the graph file."""
    from ..cache import load_entry
    from .apply import write_graph, writing

    with writing(graph, dry_run) as lock:
        g = Graph(load_entry(graph), str(graph))
        node = g.resolve(report, types=("report",))
        data, out = retract_data(g.data, node.id)
        data = relink(data, out, graph)
        out.graph, out.dry_run = str(graph), dry_run
        if dry_run:
            return out
        if not (out.claims or out.metrics or out.nodes):
            raise SupplyChainError(f"report {node.id} brought nothing that is still in {graph}")
        lock.require()
        write_graph(data, graph)
        out.written = True
    return out
