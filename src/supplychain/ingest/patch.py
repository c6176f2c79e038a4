"""``supplychain apply PATCH.yaml``: claims written by hand, through the same plan →
validate → write path as ``ingest``.

The patch format (every key but ``claims`` is optional)::

    report:                      # the report the claims cite; created when new
      id: desk-call-2025-12-10   # default: the patch file's name, slugified
      title: 渠道调研纪要         # default: the id
      date: 2025-12-10           # needed when the report is new
      file: notes/call.md        # optional
    nodes:                       # nodes to add (fields as in graph.yaml; id optional)
      - {type: company, name: 中科曙光, ticker: 603019.SH, name_en: Sugon}
    aliases:                     # reviewed decisions: ALIAS is another name of NODE
      - {alias: 曙光, node: 中科曙光}
    claims:                      # one per edge; ends by id, name, alias or ticker
      - {type: member_of, source: 中科曙光, target: 光模块, stance: recommended,
         quote: "……"}
    metrics:                     # numbers for a driver, quoted
      - {driver: 阿里云资本开支, name: 资本开支, value: 380, unit: 亿元, yoy: 20.6,
         period: FY2026Q3, quote: "……"}
      - {driver: 阿里云资本开支, name: 资本开支指引, low: 360, high: 400,   # a range
         unit: 亿元, period: FY2026Q4, quote: "……"}

A claim may name another ``report`` already in the graph (its date is that report's).
Applying the same patch twice changes nothing: an edge already holding a claim from the
claim's report is left alone, nodes and aliases already there are skipped. Every problem
is reported at once with the patch file's line.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError, field_validator

from ..errors import FileFormatError, GraphValidationError, NodeNotFound, SupplyChainError
from ..graph import Graph
from ..schema import EDGE_RULES, Claim, Evidence, Metric, Node, ReportNode, Slug, Text
from .apply import IngestResult, apply_plan, refuse_future, write_graph, writing
from .parse import NOTE_LIMIT, report_id
from .plan import Planner, Reference, load_reference


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)  # built on first use

    @field_validator("*", mode="before")
    @classmethod
    def _numbers_are_names(cls, v: Any, info) -> Any:
        # YAML reads an unquoted 688041 as a number; as a node reference it is a code
        if info.field_name in ("source", "target", "node", "driver", "alias") and isinstance(v, int) and not isinstance(v, bool):
            return str(v)
        return v


class PatchReport(_Strict):
    id: Slug | None = None
    name: Text | None = None
    title: Text | None = None
    date: dt.date | None = None
    file: str | None = None


class PatchAlias(_Strict):
    alias: Text
    node: Text


class PatchClaim(_Strict):
    type: Literal["drives", "member_of", "exposed_to", "tracks", "holds", "supplies", "operates", "threatens", "competes"]
    source: Text
    target: Text
    quote: Text
    stance: Literal["recommended", "beneficiary", "listed"] | None = None
    report: Slug | None = None


class PatchMetric(_Strict):
    driver: Text
    name: Text
    value: float | None = None
    low: float | None = None
    high: float | None = None
    unit: str | None = None
    period: str | None = None
    yoy: float | None = None
    qualifier: Literal["=", ">", ">=", "~"] = "="
    quote: Text


class Patch(_Strict):
    """The file's top level; items are validated one by one so that every bad item is reported."""

    report: PatchReport | None = None
    nodes: list[dict[str, Any]] = []
    aliases: list[dict[str, Any]] = []
    claims: list[dict[str, Any]]
    metrics: list[dict[str, Any]] = []


_NODE: list[TypeAdapter] = []  # the node validator, made on first use (tens of ms at import)


def _node_adapter() -> TypeAdapter:
    if not _NODE:
        _NODE.append(TypeAdapter(Node))
    return _NODE[0]


def read_patch(path: Path | str) -> tuple[Patch, str, str]:
    """(patch, text, file) with structural errors located by line."""
    from ..store import locate, parse_yaml, read_text

    file = str(path)
    if not Path(path).exists():
        raise FileFormatError(file, 0, "file not found")
    text = read_text(path, limit=NOTE_LIMIT, what="the patch")  # a FIFO or a device is refused too
    raw = parse_yaml(text, file)
    if not isinstance(raw, dict) or not raw:
        raise FileFormatError(file, 1, "expected a mapping with 'claims' (and optionally report, nodes, aliases, metrics)")
    if "claims" not in raw:  # the one key the format requires (docs/ingest.md)
        raise FileFormatError(file, 1, "no 'claims:' list: a patch must have one ('claims: []' for a patch of "
                                       "nodes or aliases only)")
    try:
        patch = Patch.model_validate(raw)
    except ValidationError as e:
        issues = [(tuple(err["loc"]), _message(err)) for err in e.errors(include_url=False)]
        raise GraphValidationError(locate(text, file, issues)) from None
    return patch, text, file


def _line_of(text: str, file: str, loc: tuple) -> int:
    from ..store import locate

    found = locate(text, file, [(loc, "")])
    return found[0].line if found else 1


def _items(model: type[BaseModel], raw: list, where: str, issues: list) -> list[tuple[int, Any]]:
    """(index, validated item) of each item that is valid; the others become issues."""
    out = []
    for i, item in enumerate(raw):
        try:
            out.append((i, model.model_validate(item)))
        except ValidationError as e:
            issues.extend(((where, i, *err["loc"]), _message(err)) for err in e.errors(include_url=False))
    return out


def _message(err: dict) -> str:
    if err["type"] == "extra_forbidden":
        return "unknown field"
    msg = err["msg"].removeprefix("Value error, ")
    if "input" in err and not isinstance(err["input"], (dict, list)):
        msg += f" (got {err['input']!r})"
    return msg


def plan_patch(g: Graph, patch: Patch, text: str, file: str, reference: Reference | None = None):
    """The :class:`~.plan.Plan` of a patch; every problem raised at once, located."""
    from ..store import locate

    p = Planner(g, file, reference)
    plan = p.plan
    issues: list[tuple[tuple, str]] = []

    # the report
    pr = patch.report or PatchReport()
    rid = pr.id or report_id(file)
    existing = g.nodes.get(rid)
    if existing is not None and existing.type != "report":
        issues.append((("report", "id"), f"{rid!r} is a {existing.type}, not a report"))
        date = None
    elif existing is not None:
        date = existing.date
        if pr.date and pr.date != existing.date:
            issues.append((("report", "date"), f"report {rid} is already in the graph dated {existing.date}"))
    else:
        date = pr.date
        if date is None:
            issues.append((("report",), f"report {rid} is new: give its date (report: {{date: YYYY-MM-DD}})"))
        else:
            p.add_node(ReportNode(type="report", id=rid, name=pr.name or rid, title=pr.title or pr.name or rid,
                                  date=date, file=pr.file))
    plan.report, plan.date = rid, date
    dates = dict(g.report_dates)
    if date:
        dates[rid] = date

    # nodes
    for i, raw in enumerate(patch.nodes):
        raw = dict(raw)
        name = raw.get("name")
        if isinstance(name, str) and raw.get("type"):
            owner = p.owner_of(name)
            if owner and p.node(owner).type == raw["type"] and raw.get("id", owner) == owner:
                plan.unchanged += 1
                old = p.node(owner)
                differ = [k for k, v in raw.items() if k not in ("id", "type", "name") and getattr(old, k, None) != v]
                if differ:
                    plan.notes.append(
                        f"{name} is already {owner}; its {', '.join(differ)} {'was' if len(differ) == 1 else 'were'} "
                        "not changed (patches add; edit the graph file to change a node)"
                    )
                continue
            raw.setdefault("id", p.new_id(str(raw["type"]), name, raw.get("name_en"), raw.get("ticker")))
        try:
            node = _node_adapter().validate_python(raw)
        except ValidationError as e:
            for err in e.errors(include_url=False):
                loc = [x for x in err["loc"] if x not in ("driver", "sector", "company", "etf", "risk", "report")]
                issues.append((("nodes", i, *loc), _message(err)))
            continue
        if node.type == "report":
            issues.append((("nodes", i, "type"), "give reports under 'report:', not 'nodes:'"))
            continue
        if node.id in p.ids:
            issues.append((("nodes", i, "id"), f"id {node.id!r} is already used"))
            continue
        clashes = [(("nodes", i, "name"), node.name), (("nodes", i, "name_en"), node.name_en)]
        clashes += [(("nodes", i, "aliases", k), a) for k, a in enumerate(node.aliases)]
        clashes += [(("nodes", i, "ticker"), t) for t in Graph.tickers(node)[:1]]
        bad = [(loc, t, p.owner_of(t)) for loc, t in clashes if t and p.owner_of(t)]
        for loc, t, owner in bad:
            issues.append((loc, f"{t!r} already names {plan.names[owner]} ({owner}); a name must lead to one node"))
        if not bad:
            p.add_node(node, "from the patch")

    def find(name: str, loc: tuple, types=None) -> str | None:
        node_id = p._pending(name)
        if node_id is None:
            try:
                node_id = g.resolve(name).id
            except NodeNotFound as e:
                issues.append((loc, str(e)))
                return None
            except SupplyChainError as e:
                issues.append((loc, str(e)))
                return None
        if types and p.node(node_id).type not in types:
            node = p.node(node_id)
            issues.append((loc, f"{name!r} is {node.name} ({node.id}), a {node.type}; this needs a {' or '.join(sorted(types))}"))
            return None
        return node_id

    # aliases
    for i, a in _items(PatchAlias, patch.aliases, "aliases", issues):
        target = find(a.node, ("aliases", i, "node"))
        if target is None:
            continue
        owner = p.owner_of(a.alias)
        if owner == target:
            plan.unchanged += 1
        elif owner:
            issues.append((("aliases", i, "alias"), f"{a.alias!r} already names {plan.names[owner]} ({owner})"))
        else:
            p.add_alias(target, a.alias)

    # claims
    for i, c in _items(PatchClaim, patch.claims, "claims", issues):
        rule = EDGE_RULES[c.type]
        src = find(c.source, ("claims", i, "source"), rule.sources)
        dst = find(c.target, ("claims", i, "target"), rule.targets)
        crid = c.report or rid
        if crid not in dates:
            issues.append((("claims", i, "report"), f"unknown report {crid!r}"))
            continue
        if rule.stance and c.stance is None:
            issues.append((("claims", i), f"a {c.type} claim needs a stance: recommended, beneficiary or listed"))
            continue
        if not rule.stance and c.stance is not None:
            issues.append((("claims", i, "stance"), f"a {c.type} claim carries no stance; remove it"))
            continue
        if src is None or dst is None or dates.get(crid) is None:
            continue
        if src == dst:
            issues.append((("claims", i, "target"), "an edge cannot join a node to itself"))
            continue
        p.add_claim(c.type, src, dst, Claim(report=crid, date=dates[crid], quote=c.quote, stance=c.stance))

    # metrics
    for i, m in _items(PatchMetric, patch.metrics, "metrics", issues):
        d = find(m.driver, ("metrics", i, "driver"), {"driver"})
        if d is None or date is None:
            continue
        try:
            metric = Metric(name=m.name, value=m.value, low=m.low, high=m.high, unit=m.unit, period=m.period, yoy=m.yoy, qualifier=m.qualifier,
                            source=Evidence(report=rid, date=date, quote=m.quote))
        except ValidationError as e:
            issues += [(("metrics", i), _message(err)) for err in e.errors(include_url=False)]
            continue
        p.add_metric(d, metric)

    if issues:
        raise GraphValidationError(locate(text, file, issues))
    return plan


def apply_patch(
    path: Path | str,
    graph: Path | str,
    *,
    dry_run: bool = False,
    reference: Path | str | None = None,
    allow_future: bool = False,
) -> IngestResult:
    """Plan a patch against the graph file, and unless ``dry_run`` write the validated result.

    A new report dated after today is refused unless ``allow_future``."""
    from ..cache import load_entry  # validated files load from the cache, as load_graph does

    patch, text, file = read_patch(path)
    if patch.report is not None and patch.report.date is not None:
        refuse_future(patch.report.date, file, _line_of(text, file, ("report", "date")), allow_future)
    ref = load_reference(reference, graph)
    result = IngestResult(str(graph), dry_run=dry_run, kind="patch")
    with writing(graph, dry_run) as lock:
        g = Graph(load_entry(graph), str(graph))
        data = g.data
        plan = plan_patch(g, patch, text, file, ref)
        result.plans.append(plan)
        if dry_run or plan.empty:
            return result
        lock.require()
        data = apply_plan(data, plan)
        del g  # its cache entry and indexes are not needed to write: less at the peak (as ingest)
        write_graph(data, graph)
        result.written = True
    return result

