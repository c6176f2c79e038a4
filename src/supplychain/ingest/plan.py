"""A parsed report and the current graph → a :class:`Plan` of what ingesting it adds.

The plan is data: new nodes (each with a note saying where its ticker came from and
which existing names it is close to), aliases, claims (on new or existing edges),
metrics, and the stance changes those claims make. Nothing is written here;
:mod:`supplychain.ingest.apply` applies a plan.

Names resolve to existing nodes by id, name, alias, English name or ticker, ignoring
width, case, spacing, invisible format characters and traditional/simplified Chinese
(:meth:`Graph.resolve`). A name that resolves to nothing becomes a new node, with the
listing, English name and other names the security master (:mod:`supplychain.reference`)
gives it and a readable id; a close existing name is printed as "did you mean", never
merged. Risks and sub-sectors written another way resolve through the tables of
canonical ones (:mod:`supplychain.canon`), and the plan says so. How each kind of node
is found or made: :mod:`.kinds`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..errors import AmbiguousNode, FileFormatError, NodeNotFound, SupplyChainError
from ..graph import Graph
from ..names import normalize, query_keys, ticker_keys
from ..reference import Reference, ReferenceRow, default_reference, load_reference, ticker_from_code  # noqa: F401 (re-exported)
from ..canon import risk_key  # noqa: F401 (re-exported)
from ..render import metric_value
from ..schema import (
    EDGE_RULES,
    STANCES,
    Claim,
    DriverNode,
    Edge,
    Metric,
    ReportNode,
    current_claim,
    edge_key,
)
from .kinds import RISK_SIMILARITY, NodeKinds, risk_similarity  # noqa: F401 (re-exported)
from .nearmiss import name_core, near_miss  # noqa: F401 (re-exported)
from .parse import ParsedReport
from .subjects import english_driver_name, driver_from_title, join_chain


# --------------------------------------------------------------------------- the plan


@dataclass
class NewNode:
    node: object
    note: str = ""


@dataclass
class NewAlias:
    node: str
    alias: str


@dataclass
class NewClaim:
    """A claim to add; ``new_edge`` when its edge does not exist yet.

    ``previous`` is the edge's current claim before this one (for stance changes).
    """

    key: tuple[str, str, str]
    claim: Claim
    new_edge: bool
    previous: Claim | None = None
    rule: str = ""
    """Which rule of which note format produced the claim (printed by the plan)."""

    @property
    def backfill(self) -> bool:
        """An older stance recorded after a newer one: history grows, the current stance stays."""
        p = self.previous
        return bool(p and p.stance and self.claim.stance and self.claim.stance != p.stance and self.claim.date < p.date)

    @property
    def stance_change(self) -> str | None:
        """``"upgrade"``/``"downgrade"``/``"dropped"`` when this claim changes the edge's current stance."""
        p = self.previous
        if p is None or p.stance is None or self.claim.stance is None or self.claim.stance == p.stance:
            return None
        if self.claim.date < p.date:
            return None
        if self.claim.stance == "dropped":
            return "dropped"
        return "upgrade" if STANCES.index(self.claim.stance) < STANCES.index(p.stance) else "downgrade"


@dataclass
class NewMetric:
    """A figure to record on ``driver`` (a driver, or the report node for a figure about
    no driver of the graph: :mod:`.figures`)."""

    driver: str
    metric: Metric
    same_as: Metric | None = None
    """A metric of that node giving the same figure: the note becomes one of its sources."""
    revises: Metric | None = None
    """A metric of that node with the same name and period and another value (a revision)."""
    why: str = ""


@dataclass
class Plan:
    """What applying a report (or patch) adds to the graph. Print it with :meth:`describe`."""

    source: str
    report: str | None = None
    date: dt.date | None = None
    driver: str | None = None
    nodes: list[NewNode] = field(default_factory=list)
    aliases: list[NewAlias] = field(default_factory=list)
    claims: list[NewClaim] = field(default_factory=list)
    metrics: list[NewMetric] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unchanged: int = 0
    names: dict[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.nodes or self.aliases or self.claims or self.metrics)

    @property
    def new_edges(self) -> list[NewClaim]:
        return [c for c in self.claims if c.new_edge]

    @property
    def new_claims(self) -> list[NewClaim]:
        """Claims on edges that already exist."""
        return [c for c in self.claims if not c.new_edge]

    @property
    def stance_changes(self) -> list[NewClaim]:
        return [c for c in self.claims if c.stance_change]

    def summary(self) -> str:
        n = len(self.stance_changes)
        return (
            f"{_count(len(self.nodes), 'new node')}, {_count(len(self.new_edges), 'new edge')}, "
            f"{_count(len(self.new_claims), 'new claim')} on existing edges, "
            f"{n} stance change{'s' if n != 1 else ''}, {_count(len(self.metrics), 'metric')}, "
            f"{_count(len(self.aliases), 'alias', 'aliases')}"
        )

    def describe(self) -> str:
        """The plan as text, one change a line, in a stable order."""
        head = f"{self.source}:"
        if self.report:
            head += f" report {self.report} ({self.date})"
        if self.driver:
            head += f", driver {self._name(self.driver)} ({self.driver})"
        lines = [head]
        for nn in self.nodes:
            n = nn.node
            extra = f" “{n.title}”" if n.type == "report" else ""
            lines.append(f"  new {n.type:<9} {n.name} ({n.id}){extra}{' — ' + nn.note if nn.note else ''}")
        for a in self.aliases:
            lines.append(f"  new alias     {a.alias} → {self._name(a.node)} ({a.node})")
        for c in self.claims:
            t, s, d = c.key
            stance = f" [{c.claim.stance}]" if c.claim.stance else ""
            what = "new edge " if c.new_edge else "new claim"
            rule = f" — {c.rule}" if c.rule else ""
            lines.append(f"  {what}     {t} {self._name(s)} → {self._name(d)}{stance}{rule}")
        for c in self.stance_changes:
            t, s, d = c.key
            p = c.previous
            lines.append(
                f"  {c.stance_change:<13} {self._name(s)} in {self._name(d)}: "
                f"{p.stance} ({p.date}, {p.report}) → {c.claim.stance} ({c.claim.date}, {c.claim.report})"
            )
        for c in self.claims:
            if c.backfill:
                t, s, d = c.key
                lines.append(
                    f"  history       {self._name(s)} in {self._name(d)} was {c.claim.stance} on {c.claim.date}; "
                    f"the current stance stays {c.previous.stance} ({c.previous.date}, {c.previous.report})"
                )
        if self.metrics:
            from .figures import describe_new_metric

            lines += [describe_new_metric(m, self._name(m.driver)) for m in self.metrics]
        for note in self.notes:
            lines.append(f"  note          {note}")
        if self.unchanged:
            lines.append(f"  unchanged     {_count(self.unchanged, 'fact')} already recorded from this report")
        lines.append(f"  summary: {self.summary() if not self.empty else 'nothing new'}")
        return "\n".join(lines)

    def _name(self, node_id: str) -> str:
        return self.names.get(node_id, node_id)


def _count(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def describe_metric(m: Metric) -> str:
    """``资本开支 315.01 亿元 (+80.1% YoY, FY2026Q2)``."""
    parts = [m.name] + ([metric_value(m)] if m.value is not None or m.low is not None else [])
    extra = [x for x in (f"{m.yoy:+g}% YoY" if m.yoy is not None else "", m.period or "") if x]
    return " ".join(parts) + (f" ({', '.join(extra)})" if extra else "")


# --------------------------------------------------------------------------- planning


class EdgesByKey:
    """The graph's edges by key (:func:`~supplychain.schema.edge_key`), looked up among
    the edges of the key's ends (the graph's index by endpoint): no model is built, nor
    a key made, for the edges never asked for (a graph of 100k companies has 500k)."""

    def __init__(self, graph: Graph):
        self.entry = graph.entry

    def get(self, key: tuple, default=None) -> Edge | None:
        type_, source, _ = key
        entry = self.entry
        for side in ("out", "in"):  # an undirected edge may stand either way round
            for j in entry.edges_by(source, side):
                if entry.edge_type(j) == type_ and edge_key(type_, *entry.edge_ends(j)) == key:
                    return entry.edge(j)
        return default

    def __contains__(self, key: object) -> bool:
        return isinstance(key, tuple) and len(key) == 3 and self.get(key) is not None


class Planner(NodeKinds):
    """Builds one plan against a graph, remembering the nodes and claims it has planned.

    Used by :func:`plan_report` and by the patch format (:mod:`.patch`).
    """

    def __init__(self, graph: Graph, source: str, reference: Reference | None = None):
        self.g = graph
        self.reference = reference or Reference()
        self.plan = Plan(source=source)
        self.plan.names = {n.id: n.name for n in graph.nodes.values()}
        self.edges = EdgesByKey(graph)
        self.pending_claims: dict[tuple, list[Claim]] = {}
        self.pending_keys: dict[str, str] = {}
        self.new_nodes: dict[str, object] = {}
        self.ids = set(graph.nodes)
        self.metric_keys = {
            (s.report, m.value, m.low, m.high, m.unit, m.yoy)
            for n in graph.nodes.values()
            for m in getattr(n, "metrics", ())
            for s in m.sources
        }

    # ---------------------------------------------------------------- lookup

    def node(self, node_id: str):
        return self.new_nodes.get(node_id) or self.g.nodes[node_id]

    def find(self, name: str, types: Iterable[str], file: str, line: int) -> str | None:
        """The id of the node ``name`` names (planned nodes and aliases first), else None."""
        types = tuple(types)
        node_id = self._pending(name)
        if node_id is None:
            if not self.g.matches(name):
                return None
            try:
                node_id = self.g.resolve(name).id
            except AmbiguousNode as e:
                raise FileFormatError(file, line, str(e)) from None
        node = self.node(node_id)
        if node.type not in types:
            raise FileFormatError(
                file, line, f"{name!r} names {node.name} ({node.id}), a {node.type}, where a {' or '.join(types)} is expected"
            )
        return node_id

    def _pending(self, name: str) -> str | None:
        for key in query_keys(name):  # as Graph.matches reads a name
            if key in self.pending_keys:
                return self.pending_keys[key]
        return None

    # ---------------------------------------------------------------- changes

    def add_node(self, node, note: str = "") -> str:
        self.plan.nodes.append(NewNode(node, note))
        self.new_nodes[node.id] = node
        self.ids.add(node.id)
        self.plan.names[node.id] = node.name
        for text in (node.id, node.name, node.name_en, *node.aliases):
            if text:
                self.pending_keys.setdefault(normalize(text), node.id)
        for t in Graph.tickers(node):
            for key in ticker_keys(t):
                self.pending_keys.setdefault(key, node.id)
        self._remember_names(node)
        return node.id

    def owner_of(self, text: str) -> str | None:
        """The id of the node ``text`` already names (planned ones too), else None."""
        node_id = self._pending(text)
        if node_id:
            return node_id
        found = self.g.matches(text)
        return min(found) if found else None

    def add_alias(self, node_id: str, alias: str) -> None:
        self.plan.aliases.append(NewAlias(node_id, alias))
        self.pending_keys[normalize(alias)] = node_id

    def add_claim(self, type_: str, source: str, target: str, claim: Claim) -> NewClaim | None:
        """Add ``claim`` to the edge (creating it); None when the edge already has a claim from that report."""
        key = edge_key(type_, source, target)
        edge = self.edges.get(key)
        existing = list(edge.claims) if edge else []
        pending = self.pending_claims.setdefault(key, [])
        same = [c for c in existing + pending if c.report == claim.report]
        if same:
            other = next((c.driver for c in same if c.driver and claim.driver and c.driver != claim.driver), None)
            if other:  # the same note filed under another driver: equal claims only for the same driver
                raise FileFormatError(
                    self.plan.source, 1,
                    f"report {claim.report} is already in the graph filed under driver {self.plan.names.get(other, other)} "
                    f"({other}), while this run files it under {self.plan.names.get(claim.driver, claim.driver)} "
                    f"({claim.driver}); run `supplychain retract {claim.report}` first, then ingest it again",
                )
            self.plan.unchanged += 1
            return None
        previous = current_claim(self._in_context(existing + pending, claim.driver)) if EDGE_RULES[type_].stance else None
        nc = NewClaim(key, claim, new_edge=edge is None and not pending, previous=previous)
        pending.append(claim)
        self.plan.claims.append(nc)
        return nc

    def _in_context(self, claims: list[Claim], driver: str | None) -> list[Claim]:
        """The claims that speak for ``driver`` (its notes, the notes of drivers it drives,
        claims naming none): a stance changes for a driver only against its own history."""
        if driver is None:
            return claims
        scope = self.__dict__.setdefault("_scopes", {})
        if driver not in scope:
            from ..context import context_of

            scope[driver] = context_of(self.g, driver)
        from ..context import claim_counts

        return [c for c in claims if claim_counts(c, scope[driver])]

    def add_metric(self, driver: str, metric: Metric, why: str = "") -> bool:
        """Plan ``metric`` on node ``driver`` (:func:`.figures.plan_figure`)."""
        from .figures import plan_figure

        return plan_figure(self, driver, metric, why)


def parse_alias(text: str) -> tuple[str, str]:
    """``NEW=EXISTING`` → (NEW, EXISTING)."""
    new, sep, existing = text.partition("=")
    if not sep or not new.strip() or not existing.strip():
        raise SupplyChainError(f"--alias {text!r}: write it as NEW=EXISTING, e.g. --alias 中际旭创科技=中际旭创")
    return new.strip(), existing.strip()


def plan_aliases(planner: Planner, aliases: Iterable[str]) -> None:
    """Record reviewed ``NEW=EXISTING`` decisions: NEW becomes an alias of EXISTING."""
    for text in aliases:
        new, existing = parse_alias(text)
        try:
            target = planner.g.resolve(existing)
        except SupplyChainError as e:
            raise SupplyChainError(f"--alias {text}: {e}") from None
        owner = planner.owner_of(new)
        if owner == target.id:
            continue
        if owner:
            raise SupplyChainError(f"--alias {text}: {new!r} already names {planner.plan.names[owner]} ({owner})")
        planner.add_alias(target.id, new)


# --------------------------------------------------------------------------- reports


def report_file_label(path: Path | str) -> str:
    """How a note's path is recorded: relative to the working directory when inside it."""
    p = Path(path)
    try:
        return p.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return p.as_posix()


def plan_report(
    g: Graph,
    report: ParsedReport,
    *,
    driver: str | None = None,
    aliases: Iterable[str] = (),
    reference: Reference | None = None,
) -> Plan:
    """Everything ingesting ``report`` into ``g`` would add, as a :class:`Plan`.

    >>> from supplychain.graph import load_graph
    >>> from supplychain.ingest.parse import parse_report
    >>> g = load_graph("data/graph.yaml")
    >>> plan = plan_report(g, parse_report("data/reports/industry_research_2025-11-26.md"))
    >>> plan.empty, plan.driver
    (True, 'alibaba-capex')
    """
    file = report.file
    p = Planner(g, file, reference)
    plan = p.plan
    plan_aliases(p, aliases)
    plan.report, plan.date = report.id, report.date

    existing = g.nodes.get(report.id)
    if existing is not None:
        if existing.type != "report":
            raise FileFormatError(file, 1, f"the report id {report.id!r} is already a {existing.type}; rename the file")
        if existing.date != report.date:
            raise FileFormatError(
                file, report.date_line or 1,
                f"report {report.id} is already in the graph dated {existing.date}, but this note says {report.date}",
            )
    else:
        p.add_node(
            ReportNode(type="report", id=report.id, name=report.name, title=report.title, date=report.date,
                       file=report_file_label(file))
        )

    if driver is not None:
        try:
            node = g.resolve(driver, types=("driver",))
            plan.driver = node.id
        except NodeNotFound:
            misses = p.near_misses(driver, ("driver",))
            note = f"did you mean {', '.join(misses)}?" if misses else ""
            name_en = english_driver_name(driver)
            if name_en and p.owner_of(name_en):
                name_en = None
            node = DriverNode(type="driver", id=p.new_id("driver", driver, name_en), name=driver, name_en=name_en)
            plan.driver = p.add_node(node, note)
    else:
        found = driver_from_title(g, report)
        if isinstance(found, str):
            plan.driver = found
        else:
            pending = p._pending(found.name)
            plan.driver = pending or p.add_node(
                found.model_copy(update={"id": p.new_id("driver", found.name, found.name_en)}),
                "a new driver: the subject and concept the title names; pass --driver NAME to choose another",
            )
    d = plan.driver
    join_chain(p, report, d)  # a new driver, or one left unlinked (its linking note retracted)

    def claim(quote: str, stance: str | None = None) -> Claim:
        return Claim(report=report.id, date=report.date, quote=quote, stance=stance, driver=d)

    from .mentions import company_of, dropped_sectors, dropped_wins, drops_of, gazetteer_mentions, rule_of, sectors_of, unrated_mention

    family = report.format == "family"

    def add(type_: str, source: str, target: str, c: Claim, rule: str, line: int | None) -> None:
        nc = p.add_claim(type_, source, target, c)
        if nc is not None and not family:
            nc.rule = f"{rule}, line {line}" if line else rule

    plan.notes += report.notes
    mentions = list(report.mentions)
    if report.sentences:
        mentions += gazetteer_mentions(p, report)
    drops = drops_of(report, mentions)
    for s in report.sectors:
        sector = p.sector(s.name, file, s.line)
        add("drives", d, sector, claim(s.quote), "sub-sector line", s.line)
        for m in s.mentions:
            m = dropped_wins(p, m, drops, s.line)
            if m.stance == "dropped" and dropped_sectors(p, m, d, m.line or s.line)[0] is None:
                continue
            company = company_of(p, m, file, m.line or s.line)
            add("member_of", company, sector, claim(m.quote or s.quote, m.stance), rule_of(m, "sub-sector line"), m.line or s.line)
    for m in mentions:
        m = dropped_wins(p, m, drops, m.line)
        if m.stance == "dropped":
            company, sectors = dropped_sectors(p, m, d, m.line or 1)
            for sector in sectors:
                if not any(c.report == report.id for c in p.pending_claims.get(edge_key("member_of", company, sector), ())):
                    add("member_of", company, sector, claim(m.quote, m.stance), rule_of(m, "name list"), m.line)
            continue  # (a drop the note also wrote in a sub-sector line is one claim, not an "unchanged" fact)
        company = company_of(p, m, file, m.line or 1)
        if unrated_mention(p, m, company):
            continue
        for sector in sectors_of(p, m, company, report, d):
            if edge_key("drives", d, sector) not in p.edges and edge_key("drives", d, sector) not in p.pending_claims:
                add("drives", d, sector, claim(m.quote), rule_of(m, "name list"), m.line)
            add("member_of", company, sector, claim(m.quote, m.stance), rule_of(m, "name list"), m.line)
    for e in report.etfs:
        etf = p.etf(e.name, e.code, file, e.line)
        add("exposed_to", etf, d, claim(e.quote, e.stance), "ETF with its code", e.line)
    for r in report.risks:
        risk, new = p.risk(r.name, file, r.line)
        targets = [] if new else [x for x in g.out_edges(risk) if x.type == "threatens" and any(c.report == report.id for c in x.claims)]
        if not targets:
            add("threatens", risk, d, claim(r.quote), "risk section", r.line)
        for x in targets:
            add("threatens", risk, x.target, claim(r.quote), "risk section", r.line)
    if not (report.sectors or mentions or report.etfs or report.risks or report.facts):
        raise FileFormatError(
            file, 1,
            f"nothing could be read from this note (format {report.format}): no company the graph or the reference "
            "knows, no rating table, risk section, ETF with a code or key fact",
        )
    from .figures import plan_figures

    plan_figures(p, report, d)
    return plan

