"""Apply plans to graph data and write the result: locked, validated, atomic.

:func:`ingest` is the whole ``supplychain ingest`` pipeline: parse every note first (a
bad note stops everything before the graph is touched), then, holding the graph's lock,
load the graph, plan and apply the notes in date order, validate the whole new graph and
replace the file atomically. When no note adds anything the file is not rewritten.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from ..errors import FileFormatError, GraphValidationError, Issue
from ..schema import Edge, GraphData
from .plan import Plan, Reference, default_reference, plan_report


def apply_plan(data: GraphData, plan: Plan) -> GraphData:
    """A new :class:`GraphData` with the plan's nodes, aliases, claims and metrics added.

    ``data`` itself is not changed. Only the nodes and edges the plan touches are copied
    (copy on write): on a graph of 100,000 edges a deep copy of everything would cost
    seconds for a handful of new claims.
    """
    nodes, edges = list(data.nodes), list(data.edges)
    copied: set[int] = set()
    for nn in plan.nodes:
        copied.add(len(nodes))
        nodes.append(nn.node.model_copy(deep=True))
    node_at = {n.id: i for i, n in enumerate(nodes)} if (plan.aliases or plan.metrics) else {}

    def own_node(node_id: str):
        i = node_at[node_id]
        if i not in copied:
            old = nodes[i]
            nodes[i] = old.model_copy()
            nodes[i].aliases = list(old.aliases)
            if hasattr(old, "metrics"):
                nodes[i].metrics = list(old.metrics)
            copied.add(i)
        return nodes[i]

    for a in plan.aliases:
        own_node(a.node).aliases.append(a.alias)
    for m in plan.metrics:
        source = m.metric.source.model_copy(update={"date": _fresh(m.metric.source.date)})
        own_node(m.driver).metrics.append(m.metric.model_copy(update={"source": source}))

    edge_at = {e.key: i for i, e in enumerate(edges)}
    copied_edges: set[int] = set()
    for c in plan.claims:
        claim = c.claim.model_copy(update={"date": _fresh(c.claim.date)})
        i = edge_at.get(c.key)
        if i is None:
            t, s, d = c.key
            edge_at[c.key] = len(edges)
            copied_edges.add(len(edges))
            edges.append(Edge(type=t, source=s, target=d, claims=[claim]))
            continue
        if i not in copied_edges:
            old = edges[i]
            edges[i] = old.model_copy()
            edges[i].claims = list(old.claims)
            copied_edges.add(i)
        edges[i].claims.append(claim)
    return GraphData.model_construct(version=data.version, nodes=nodes, edges=edges)


def _fresh(day: dt.date) -> dt.date:
    """A date object of its own: PyYAML writes one object met twice as an anchor (&id001)
    and an alias (*id001), which the canonical file must not contain."""
    return dt.date.fromordinal(day.toordinal())


def write_graph(data: GraphData, path: Path | str) -> str:
    """Validate and atomically write ``data``; on failure say that nothing was written."""
    from ..cache import save_graph  # leaves the cache entry of what it wrote: the next command is warm

    try:
        return save_graph(data, path)
    except GraphValidationError as e:
        head = Issue(str(path), 0, "", "the graph would become invalid, so nothing was written "
                     "(the lines below refer to the file it would have become)")
        raise GraphValidationError([head, *e.issues]) from None


@contextlib.contextmanager
def writing(path: Path | str, dry_run: bool):
    """The graph's writer lock, or nothing for a dry run (which must leave no file behind)."""
    if dry_run:
        yield
        return
    from ..files import graph_lock

    with graph_lock(path):
        yield


@dataclass
class IngestResult:
    """The plans made (one per note, in the order applied) and whether the file was written."""

    graph: str
    plans: list[Plan] = field(default_factory=list)
    written: bool = False
    dry_run: bool = False
    kind: str = "note"

    def describe(self) -> str:
        lines = [p.describe() for p in self.plans]
        changed = [p for p in self.plans if not p.empty]
        n = f"{len(changed)} of {len(self.plans)} {self.kind}{'s' if len(self.plans) != 1 else ''}"
        if self.dry_run:
            lines.append(f"dry run: {self.graph} not written ({n} would change it)")
        elif self.written:
            lines.append(f"wrote {self.graph}: {n} changed it")
        else:
            lines.append(f"{self.graph} unchanged: nothing new")
        return "\n".join(lines)


def note_files(paths: Iterable[Path | str]) -> list[Path]:
    """The notes named: files as given, folders as the ``*.md`` files inside them."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(x for x in p.rglob("*.md") if x.is_file())
            if not found:
                raise FileFormatError(str(p), 0, "folder holds no .md notes")
            out += found
        else:
            out.append(p)
    seen: set[Path] = set()
    return [p for p in out if not (p.resolve() in seen or seen.add(p.resolve()))]


def _progress(items: Sequence, show: bool, desc: str):
    if not show or len(items) < 2:
        return items
    from tqdm import tqdm

    return tqdm(items, desc=desc, unit="note", file=sys.stderr, leave=False)


def ingest(
    paths: Iterable[Path | str],
    graph: Path | str,
    *,
    driver: str | None = None,
    aliases: Iterable[str] = (),
    dry_run: bool = False,
    reference: Path | str | None = None,
    progress: bool = False,
) -> IngestResult:
    """Ingest notes into the graph file ``graph`` (see the module docstring).

    Parameters
    ----------
    paths : files or folders of notes; applied in date order (then by path).
    driver : the driver the notes' claims hang on (any name, or a new driver's name);
        default: the driver the title names.
    aliases : reviewed ``NEW=EXISTING`` decisions, recorded as aliases.
    dry_run : plan and print, write nothing (not even a lock file).
    reference : tickers CSV (default ``reference/tickers.csv`` beside the graph, else
        ``data/reference/tickers.csv``).
    progress : show a tqdm bar on stderr when there are several notes.
    """
    from ..graph import Graph
    from ..cache import load_entry  # validated files load from the cache, as load_graph does
    from .parse import parse_report

    graph = Path(graph)
    files = note_files(paths)
    parsed = [parse_report(f) for f in _progress(files, progress, "parsing")]
    parsed.sort(key=lambda r: (r.date, r.file))
    ref = Reference.load(reference if reference is not None else default_reference(graph))
    result = IngestResult(str(graph), dry_run=dry_run)
    aliases = list(aliases)
    with writing(graph, dry_run):
        g = Graph(load_entry(graph), str(graph))
        data = g.data
        for i, report in enumerate(_progress(parsed, progress, "ingesting")):
            if i and not result.plans[-1].empty:  # the next note is planned against the new data
                g = Graph(data, str(graph))  # (not rebuilt when nothing changed: its indexes are costly)
            plan = plan_report(g, report, driver=driver, aliases=aliases if i == 0 else (), reference=ref)
            result.plans.append(plan)
            if not plan.empty:
                data = apply_plan(data, plan)
        if dry_run or all(p.empty for p in result.plans):
            return result
        write_graph(data, graph)
        result.written = True
    return result
