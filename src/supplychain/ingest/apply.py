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

from ..errors import FileFormatError, GraphValidationError, Issue, SupplyChainError
from ..schema import EDGE_RULES, Edge, GraphData
from .plan import Plan, load_reference, plan_report


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
    from .figures import merged, place_in_order, same_figure

    for m in plan.metrics:
        source = m.metric.source.model_copy(update={"date": _fresh(m.metric.source.date)})
        metric = m.metric.model_copy(update={"source": source})
        node = own_node(m.driver)
        if m.same_as is not None:  # one more source of a figure the node holds (.figures)
            k = next(k for k, x in enumerate(node.metrics) if same_figure(x, metric) and x.sources == m.same_as.sources)
            metric = merged(node.metrics.pop(k), metric)
        place_in_order(node.metrics, metric)

    # edges by their ends as written (no key made per edge: 500k edges at 100k companies);
    # an undirected edge's key has its ends sorted, the file may have them either way
    edge_at = {(e.type, e.source, e.target): i for i, e in enumerate(edges)} if plan.claims else {}
    copied_edges: set[int] = set()
    for c in plan.claims:
        claim = c.claim.model_copy(update={"date": _fresh(c.claim.date)})
        t, s, d = c.key
        i = edge_at.get(c.key)
        if i is None and not EDGE_RULES[t].directed:
            i = edge_at.get((t, d, s))
        if i is None:
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
    """The graph's writer lock (a :class:`~supplychain.files.GraphLock`), or None for a dry
    run (which must leave no file behind). A missing graph is refused before any lock file
    or folder is made; call ``lock.require()`` just before writing (a graph that cannot be
    written can still be read, and a command with nothing to write succeeds)."""
    from ..files import graph_lock, require_file

    require_file(path)
    if dry_run:
        yield None
        return
    with graph_lock(path) as lock:
        yield lock


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


NOTE_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".pdf")
"""What a folder of notes is read for (a file named on the command line is read whatever its name)."""


def note_files(paths: Iterable[Path | str]) -> list[Path]:
    """The notes named: files as given, folders as the note files inside them
    (:data:`NOTE_SUFFIXES`, any case; hidden files skipped)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(
                x for x in p.rglob("*")
                if x.suffix.lower() in NOTE_SUFFIXES and not x.name.startswith(".") and x.is_file()
            )
            if not found:
                raise FileFormatError(str(p), 0, f"folder holds no notes ({', '.join(NOTE_SUFFIXES)})")
            out += found
        else:
            out.append(p)
    seen: set[Path] = set()
    return [p for p in out if not (p.resolve() in seen or seen.add(p.resolve()))]


def latest_today() -> dt.date:
    """Today where it is latest on Earth (UTC+14): a note's date is "in the future" only
    if it is after this, whatever the time zone the note was written in."""
    return (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=14)).date()


def refuse_future(date: dt.date, file: str, line: int, allow_future: bool) -> None:
    """A one-line error for a date after today (a typo such as 2099 would silently become
    every edge's current stance), unless ``allow_future``."""
    today = latest_today()
    if date > today and not allow_future:
        raise FileFormatError(
            file, line,
            f"dated {date}, after today ({today}): its claims would become the current stance; "
            "fix the date, or pass --allow-future if it is meant",
        )


def distinct_report(g, report) -> None:
    """Give ``report`` (a parsed note) an id and a name no other note has.

    A report's id comes from the note's file name, so two different notes with the same
    file name in different folders would share one: the second gets ``ID-2`` (then
    ``-3``...), a report of its own. The same note (recorded from the same file, or with
    the same date and title: a note moved to another folder) keeps its id, so
    re-ingesting it changes nothing. A new report whose name (its front-matter title)
    already names another node is named ``NAME (ID)``: names must lead to one node.
    """
    from .plan import report_file_label

    label = report_file_label(report.file)
    types = g.node_types
    if types.get(report.id) != "report":  # recorded before under another id (an older id scheme)?
        earlier = next((i for i, t in types.items() if t == "report" and g.nodes[i].file == label), None)
        if earlier is not None:
            report.id = earlier
            return
    base, n = report.id, 1
    while True:
        existing = g.nodes.get(report.id)
        if existing is None or existing.type != "report":
            break  # new (or not a report: plan_report says so at the note's line 1)
        if existing.file == label or (existing.date == report.date and existing.title == report.title):
            return  # the same note
        n += 1
        report.id = f"{base}-{n}"
    if existing is None and g.matches(report.name):
        report.name = f"{report.name} ({report.id})"


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
    allow_future: bool = False,
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
    allow_future : accept notes dated after today (refused by default, see :func:`refuse_future`).

    Two different notes with the same file name become two reports (see :func:`distinct_report`).
    """
    from ..graph import Graph
    from ..cache import load_entry  # validated files load from the cache, as load_graph does
    from .parse import parse_report

    graph = Path(graph)
    if driver is not None and not driver.strip():
        raise SupplyChainError("--driver: the driver's name is empty; give a name")
    files = note_files(paths)
    parsed = [parse_report(f) for f in _progress(files, progress, "parsing")]
    parsed.sort(key=lambda r: (r.date, r.file))
    for r in parsed:
        refuse_future(r.date, r.file, r.date_line or 1, allow_future)
    ref = load_reference(reference, graph)
    result = IngestResult(str(graph), dry_run=dry_run)
    aliases = list(aliases)
    with writing(graph, dry_run) as lock:
        g = Graph(load_entry(graph), str(graph))
        data = g.data
        for i, report in enumerate(_progress(parsed, progress, "ingesting")):
            if i and not result.plans[-1].empty:  # the next note is planned against the new data
                g = Graph(data, str(graph))  # (not rebuilt when nothing changed: its indexes are costly)
            distinct_report(g, report)
            plan = plan_report(g, report, driver=driver, aliases=aliases if i == 0 else (), reference=ref)
            result.plans.append(plan)
            if not plan.empty:
                data = apply_plan(data, plan)
        if dry_run or all(p.empty for p in result.plans):
            return result
        lock.require()
        del g  # its cache entry and indexes are not needed to write: less at the peak
        write_graph(data, graph)
        result.written = True
    return result
