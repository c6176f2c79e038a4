"""The graph in formats other tools read: GraphML, GEXF, node-link JSON, CSV and Neo4j.

``supplychain export FORMAT -o PATH`` calls :func:`export_graph`. Every file is written
to a temporary file beside its target and renamed over it, so a reader never sees half
a file.

- ``graphml`` and ``gexf`` (Gephi, yEd, Cytoscape, networkx): attributes must be scalars,
  so an edge carries its ``relation`` (the edge type), its current ``stance``, the
  ``first_date`` and ``last_date`` of its claims, ``claim_count`` and ``claims`` (a JSON
  string of every claim); ``weight`` is the hop weight exposure travels with (0 for
  edges that carry none). Lists on nodes (aliases) are joined with ``"; "``; listings
  and metrics are JSON strings. GEXF reserves ``type`` on edges, hence ``relation``.
- ``json``: networkx node-link data (``nodes`` and ``edges``), full claims included;
  read it back with ``networkx.node_link_graph(data, directed=True, multigraph=True)``.
- ``csv``: a folder with ``nodes.csv`` and ``edges.csv``, one row per claim.
- ``neo4j``: a folder laid out for ``neo4j-admin database import full``: ``nodes.csv``
  (``id:ID``, ``:LABEL``...), ``relationships.csv`` (``:START_ID``, ``:END_ID``,
  ``:TYPE``...), arrays split on ``;``, and ``import.sh`` and ``README.md`` with the
  import command and the exposure query in Cypher.

Examples
--------
>>> import tempfile, pathlib
>>> from supplychain import load_graph
>>> g = load_graph("data/graph.yaml")
>>> out = pathlib.Path(tempfile.mkdtemp())
>>> summary = export_graph(g, "graphml", out / "graph.graphml")
>>> summary.endswith(f"graphml, {len(g.nodes)} nodes, {len(g.edges)} edges, {sum(len(e.claims) for e in g.edges)} claims")
True
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any, Callable

from ..errors import SupplyChainError
from ..render import claim_json
from ..schema import EDGE_RULES, current_claim
from ..schema import hop_weight as schema_hop_weight
from ..files import atomic_writer

FORMATS = ("graphml", "gexf", "json", "csv", "neo4j")

NEO4J_LABELS = {"driver": "Driver", "sector": "Sector", "company": "Company", "etf": "ETF", "risk": "Risk", "report": "Report"}
"""Node type → Neo4j label."""

NODE_COLUMNS = (
    "id", "type", "name", "name_en", "aliases", "ticker", "exchange", "listings", "tracks_index",
    "title", "date", "file", "description", "metrics",
)


def export_graph(g, fmt: str, path: Path | str) -> str:
    """Write graph ``g`` as ``fmt`` to ``path`` (a folder for csv and neo4j); returns a summary line."""
    writers: dict[str, Callable] = {
        "graphml": _write_graphml, "gexf": _write_gexf, "json": _write_json, "csv": _write_csv, "neo4j": _write_neo4j,
    }
    if fmt not in writers:
        raise SupplyChainError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    path = Path(path)
    try:
        detail = writers[fmt](g, path)
    except OSError as e:
        raise SupplyChainError(f"{path}: cannot write: {e.strerror or e}") from None
    claims = sum(len(e.claims) for e in g.edges)
    return f"{path}: {fmt}, {len(g.nodes)} nodes, {len(g.edges)} edges, {claims} claims" + (f" ({detail})" if detail else "")


# --------------------------------------------------------------------------- values


def hop_weight(edge) -> float:
    """The factor exposure is multiplied by along this edge (0 when it carries none)."""
    return schema_hop_weight(EDGE_RULES[edge.type], current_claim(edge.claims))


def _claims_json(edge) -> list[dict[str, Any]]:
    return [claim_json(c) for c in sorted(edge.claims, key=lambda c: (c.date, c.report))]


def _node_values(node) -> dict[str, Any]:
    """Scalar values of a node's fields (lists joined, nested data as JSON); None left out."""
    d = node.model_dump(mode="json", exclude_none=True)
    out: dict[str, Any] = {"type": node.type, "name": node.name}
    for key, value in d.items():
        if key in ("id", "type", "name") or value in ([], ""):
            continue
        if key == "aliases":
            out[key] = "; ".join(value)
        elif isinstance(value, (list, dict)):
            out[key] = json.dumps(value, ensure_ascii=False, sort_keys=True)
        else:
            out[key] = value
    return out


def _edge_values(edge) -> dict[str, Any]:
    rule = EDGE_RULES[edge.type]
    c = current_claim(edge.claims)
    dates = sorted(c.date for c in edge.claims)
    out: dict[str, Any] = {
        "relation": edge.type,
        "label": rule.label,
        "directed": rule.directed,
        "flow": rule.flow,
        "weight": hop_weight(edge),
        "first_date": dates[0].isoformat(),
        "last_date": dates[-1].isoformat(),
        "claim_count": len(edge.claims),
        "claims": json.dumps(_claims_json(edge), ensure_ascii=False),
    }
    if c is not None and c.stance:
        out["stance"] = c.stance
    return out


def scalar_graph(g):
    """A networkx MultiDiGraph whose attributes are all scalars (for GraphML and GEXF).

    Edges are keyed by their type; ``competes`` (undirected) keeps its stored direction
    with ``directed=False``.
    """
    import networkx as nx

    G = nx.MultiDiGraph(name="supplychain")
    for n in g.data.nodes:
        G.add_node(n.id, label=n.name, **_node_values(n))
    for e in g.edges:
        G.add_edge(e.source, e.target, key=e.type, id=f"{e.type}:{e.source}:{e.target}", **_edge_values(e))
    return G


# --------------------------------------------------------------------------- writers


def _folder(path: Path) -> None:
    if path.exists() and not path.is_dir():
        raise SupplyChainError(f"{path}: is a file; csv and neo4j exports write a folder")
    path.mkdir(parents=True, exist_ok=True)


def _write_graphml(g, path: Path) -> str:
    import networkx as nx

    G = scalar_graph(g)
    for _, _, data in G.edges(data=True):
        data.pop("id")  # the edge key (its type) is the GraphML edge id
    with atomic_writer(path, "wb") as f:
        nx.write_graphml(G, f, encoding="utf-8")
    return ""


def _write_gexf(g, path: Path) -> str:
    import networkx as nx

    with atomic_writer(path, "wb") as f:
        nx.write_gexf(scalar_graph(g), f, encoding="utf-8")
    return ""


def _write_json(g, path: Path) -> str:
    import networkx as nx

    G = nx.MultiDiGraph(name="supplychain")
    for n in g.data.nodes:
        G.add_node(n.id, **n.model_dump(mode="json", exclude={"id"}, exclude_none=True))
    for e in g.edges:
        values = _edge_values(e)
        values["claims"] = _claims_json(e)
        G.add_edge(e.source, e.target, key=e.type, type=e.type, **values)
    try:
        data = nx.node_link_data(G, edges="edges")
    except TypeError:  # networkx < 3.4 names the key `link`
        data = nx.node_link_data(G, link="edges")
    with atomic_writer(path) as f:
        json.dump(data, f, ensure_ascii=False, indent=1)
        f.write("\n")
    return ""


def _write_rows(path: Path, header, rows) -> None:
    with atomic_writer(path) as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def _node_rows(g):
    for n in g.data.nodes:
        v = _node_values(n)
        yield [n.id] + [v.get(col, "") for col in NODE_COLUMNS[1:]]


def _write_csv(g, path: Path) -> str:
    _folder(path)
    _write_rows(path / "nodes.csv", NODE_COLUMNS, _node_rows(g))
    header = ("type", "source", "target", "directed", "current_stance", "report", "date", "stance", "quote")
    rows = []
    for e in g.edges:
        c = current_claim(e.claims)
        directed = "true" if EDGE_RULES[e.type].directed else "false"
        for claim in sorted(e.claims, key=lambda c: (c.date, c.report)):
            rows.append((e.type, e.source, e.target, directed, (c.stance if c else None) or "", claim.report,
                         claim.date.isoformat(), claim.stance or "", claim.quote))
    _write_rows(path / "edges.csv", header, rows)
    return "nodes.csv and edges.csv (one row per claim)"


# --------------------------------------------------------------------------- neo4j

NEO4J_NODE_HEADER = (
    "id:ID", ":LABEL", "name", "name_en", "aliases:string[]", "ticker", "exchange", "listings:string[]",
    "tracks_index", "title", "date:date", "file", "description", "metrics",
)
NEO4J_REL_HEADER = (
    ":START_ID", ":END_ID", ":TYPE", "stance", "weight:float", "flow", "directed:boolean", "first_date:date",
    "last_date:date", "claim_count:int", "reports:string[]", "dates:date[]", "stances:string[]", "quotes:string[]",
    "claims",
)


def _array(items) -> str:
    """A Neo4j array cell: items joined with ';' (a ';' inside an item becomes '；')."""
    return ";".join(str(i).replace(";", "；") for i in items)


def _neo4j_node_rows(g):
    for n in g.data.nodes:
        listings = [listing.ticker for listing in getattr(n, "listings", ())]
        metrics = getattr(n, "metrics", ())
        yield (
            n.id, NEO4J_LABELS[n.type], n.name, n.name_en or "", _array(n.aliases), getattr(n, "ticker", None) or "",
            getattr(n, "exchange", None) or "", _array(listings), getattr(n, "tracks_index", None) or "",
            getattr(n, "title", None) or "", n.date.isoformat() if n.type == "report" else "", getattr(n, "file", None) or "",
            n.description or "",
            json.dumps([m.model_dump(mode="json", exclude_none=True) for m in metrics], ensure_ascii=False) if metrics else "",
        )


def _neo4j_rel_rows(g):
    for e in g.edges:
        v = _edge_values(e)
        claims = sorted(e.claims, key=lambda c: (c.date, c.report))
        yield (
            e.source, e.target, e.type.upper(), v.get("stance", ""), f"{v['weight']:g}", v["flow"],
            "true" if v["directed"] else "false", v["first_date"], v["last_date"], v["claim_count"],
            _array(c.report for c in claims), _array(c.date.isoformat() for c in claims),
            _array(c.stance or "" for c in claims) if any(c.stance for c in claims) else "",
            _array(c.quote for c in claims), v["claims"],
        )


NEO4J_IMPORT = """#!/bin/sh
# Load this folder into a Neo4j 5 database with neo4j-admin (stop the database first).
# Usage: sh import.sh [DATABASE]   (default: neo4j; its current content is replaced)
set -e
cd "$(dirname "$0")"
neo4j-admin database import full \\
  --nodes=nodes.csv \\
  --relationships=relationships.csv \\
  --array-delimiter=";" \\
  --multiline-fields=true \\
  --overwrite-destination=true \\
  "${1:-neo4j}"
"""

NEO4J_EXPOSURE_CYPHER = """// Exposure of every company and ETF to a driver: best path of at most 4 hops, each hop
// walked along its exposure flow, score = product of the hops' weights (as `supplychain exposure`).
MATCH (d {name: $driver})
MATCH p = (d)-[rels*1..4]-(x)
WHERE (x:Company OR x:ETF)
  AND all(i IN range(0, size(rels) - 1) WHERE
        (rels[i].flow = 'forward'  AND startNode(rels[i]) = nodes(p)[i]) OR
        (rels[i].flow = 'backward' AND endNode(rels[i]) = nodes(p)[i]))
WITH x, p, reduce(s = 1.0, r IN rels | s * r.weight) AS score
ORDER BY score DESC, length(p)
WITH x, collect({score: score, path: [n IN nodes(p) | n.name]})[0] AS best
RETURN x.name AS name, x.ticker AS ticker, labels(x)[0] AS type, round(best.score, 4) AS score, best.path AS path
ORDER BY score DESC, name
LIMIT 50;
"""

NEO4J_README = """# supplychain graph for Neo4j

Written by `supplychain export neo4j`. Import it into an empty (or replaceable) database
with `neo4j-admin` while the database is stopped:

```sh
neo4j-admin database import full --nodes=nodes.csv --relationships=relationships.csv \\
  --array-delimiter=";" --multiline-fields=true --overwrite-destination=true neo4j
```

(`sh import.sh` runs the same.) Nodes carry one label per type (`Driver`, `Sector`,
`Company`, `ETF`, `Risk`, `Report`); relationships are the edge types in capitals
(`DRIVES`, `MEMBER_OF`, `SUPPLIES`...). Each relationship has its current `stance`,
`weight` (the factor exposure travels with), `flow` (`forward`, `backward` or `none`),
`first_date`, `last_date`, `claim_count`, the arrays `reports`, `dates`, `stances`,
`quotes` (one item per claim, in date order; a `;` inside a quote is written `；`) and
`claims`, every claim as JSON.

## Exposure in Cypher

With the parameter `:param driver => '阿里云资本开支'`:

```cypher
{cypher}```
"""


def _write_neo4j(g, path: Path) -> str:
    _folder(path)
    _write_rows(path / "nodes.csv", NEO4J_NODE_HEADER, _neo4j_node_rows(g))
    _write_rows(path / "relationships.csv", NEO4J_REL_HEADER, _neo4j_rel_rows(g))
    with atomic_writer(path / "import.sh") as f:
        f.write(NEO4J_IMPORT)
    os.chmod(path / "import.sh", 0o755 & ~_umask())
    with atomic_writer(path / "exposure.cypher") as f:
        f.write(NEO4J_EXPOSURE_CYPHER)
    with atomic_writer(path / "README.md") as f:
        f.write(NEO4J_README.replace("{cypher}", NEO4J_EXPOSURE_CYPHER))
    return "nodes.csv, relationships.csv, import.sh, exposure.cypher, README.md"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


