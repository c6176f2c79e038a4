"""The Neo4j export: files for ``neo4j-admin database import full`` and the exposure query in Cypher.

``supplychain export neo4j -o DIR`` writes ``nodes.csv`` (``id:ID``, ``:LABEL``...),
``relationships.csv`` (``:START_ID``, ``:END_ID``, ``:TYPE``...), arrays split on ``;``,
``import.sh`` with the import command, ``exposure.cypher`` and a ``README.md``.

:func:`exposure_cypher` writes the exposure query from the edge-rule table
(:data:`~supplychain.schema.EDGE_RULES`): the relationship types exposure flows along,
forward then backward. ``tests/test_cypher.py`` loads this export into an embedded
Cypher engine (Ladybug) and checks the query against ``supplychain exposure``.

>>> print(exposure_cypher().splitlines()[-8])
MATCH p = (d {name: $driver})-[:DRIVES*0..4]->()<-[:MEMBER_OF|EXPOSED_TO|TRACKS|HOLDS|SUPPLIES*1..4]-(x:Company|ETF)
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..files import atomic_writer
from ..schema import EDGE_RULES, EXPOSED_TYPES, NODE_TYPES
from .values import edge_values, folder, umask, write_rows

NEO4J_LABELS = {"driver": "Driver", "sector": "Sector", "company": "Company", "etf": "ETF", "risk": "Risk", "report": "Report"}
"""Node type → Neo4j label."""
assert set(NEO4J_LABELS) == set(NODE_TYPES)

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


def _node_rows(g):
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


def _rel_rows(g):
    for e in g.edges:
        v = edge_values(e)
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


def flow_types(flow: str) -> list[str]:
    """The relationship types (edge types in capitals) along which exposure flows ``flow``, in table order."""
    return [t.upper() for t, rule in EDGE_RULES.items() if rule.flow == flow]


def exposure_cypher(depth: int = 4, limit: int = 50) -> str:
    """The Cypher query of ``supplychain exposure`` for Neo4j 5 (parameter ``$driver``, a node's name).

    Paths are matched as forward hops then backward hops, which is every path exposure
    can take as long as no node type that a backward hop reaches starts a forward edge
    (in the edge-rule table a forward edge starts at a driver; backward hops reach
    companies and ETFs); ``tests/test_cypher.py`` checks that against the table.
    """
    forward, backward = "|".join(flow_types("forward")), "|".join(flow_types("backward"))
    exposed = "|".join(NEO4J_LABELS[t] for t in NODE_TYPES if t in EXPOSED_TYPES)
    return f"""// Exposure of every company and ETF to a driver, as `supplychain exposure` scores it: the best
// product of the hops' weights over the paths of at most {depth} hops along the flow of exposure,
// forward along {forward}, then backward along {backward}.
// Among paths of equal score the one with fewest hops is shown. Parameter: $driver, a node's name.
MATCH p = (d {{name: $driver}})-[:{forward}*0..{depth}]->()<-[:{backward}*1..{depth}]-(x:{exposed})
WHERE length(p) <= {depth} AND x <> d
WITH x, p, reduce(s = 1.0, r IN relationships(p) | s * r.weight) AS score
ORDER BY score DESC, length(p)
WITH x, collect(p)[0] AS best, max(score) AS score
RETURN x.id AS id, x.name AS name, x.ticker AS ticker, round(score, 4) AS score, [n IN nodes(best) | n.name] AS path
ORDER BY score DESC, id
LIMIT {limit};
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
`claims`, every claim as JSON. The files are for `neo4j-admin`, which imports them
verbatim: a value beginning with `=` or `-` is written as it is (open `supplychain export
csv` in a spreadsheet instead: its cells are neutralised against formulas).

## Exposure in Cypher

`exposure.cypher` ranks every company and ETF exposed to a driver as `supplychain exposure`
does: the score is the best product of the hops' `weight` over the paths of at most
{depth} hops that follow the flow of exposure. Exposure flows forward along {forward}
(a driver to what it drives) and backward along {backward} (a sector to its members, an
ETF exposed to a driver or sector or tracking it, a company to the ETFs holding it and
to its suppliers); a path never goes forward after a backward hop, so the pattern is
forward hops, then backward ones. Between paths of equal score it shows the one with
fewest hops (as `supplychain exposure` does; between those, any one). Results are
ordered by score, then id (`supplychain exposure` puts the stronger stance first among
equal scores). The project's tests load this folder into Ladybug, an embedded Cypher
database, and check that the query gives `supplychain exposure`'s names and scores; it
has not been run on a Neo4j server there. With the parameter
`:param driver => '阿里云资本开支'` (Neo4j 5):

```cypher
{cypher}```
"""


def write_neo4j(g, path: Path) -> str:
    """Write the Neo4j import folder for graph ``g`` at ``path``; returns what was written."""
    folder(path)
    write_rows(path / "nodes.csv", NEO4J_NODE_HEADER, _node_rows(g), spreadsheet=False)
    write_rows(path / "relationships.csv", NEO4J_REL_HEADER, _rel_rows(g), spreadsheet=False)
    with atomic_writer(path / "import.sh") as f:
        f.write(NEO4J_IMPORT)
    os.chmod(path / "import.sh", 0o755 & ~umask())
    cypher = exposure_cypher()
    with atomic_writer(path / "exposure.cypher") as f:
        f.write(cypher)
    with atomic_writer(path / "README.md") as f:
        f.write(
            NEO4J_README.replace("{cypher}", cypher)
            .replace("{depth}", "4")
            .replace("{forward}", ", ".join(f"`{t}`" for t in flow_types("forward")))
            .replace("{backward}", ", ".join(f"`{t}`" for t in flow_types("backward")))
        )
    return "nodes.csv, relationships.csv, import.sh, exposure.cypher, README.md"
