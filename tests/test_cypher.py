"""The Neo4j export in a real graph database: Ladybug (the maintained fork of Kùzu), embedded.

``supplychain export neo4j`` is loaded into an in-memory Ladybug database (a test
dependency, not a runtime one) and the exposure query it writes (``exposure.cypher``)
is run there. It must give the names and scores ``supplychain exposure`` gives, on the
bundled graph and on a 1k-company synthetic graph; its paths must be best paths with
the fewest hops, as the exposure's are.

The query's ``MATCH`` and ``WHERE`` lines, which decide which paths count, run verbatim.
Ladybug's dialect differs from Neo4j's in three places, each translated here:

- a product over a list: Neo4j ``reduce(s = 1.0, r IN relationships(p) | s * r.weight)``,
  Ladybug ``list_reduce(properties(relationships(p), 'weight'), (a, b) -> a * b)``;
- the best path per name: Neo4j sorts the paths and takes ``collect(p)[0]``; Ladybug
  wants a ``LIMIT`` after an ``ORDER BY`` in ``WITH``, so the score is ``max(score)`` and
  the paths are checked by a second query that lists every path;
- ``nodes(p)`` in Ladybug lists a node twice where a ``*0..`` segment has no hop.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from pathlib import Path

import pytest

from supplychain import load_graph
from supplychain.export.formats import export_graph
from supplychain.export.neo4j import NEO4J_LABELS, flow_types
from supplychain.graph import Graph
from supplychain.query import exposure
from supplychain.schema import EDGE_RULES, NODE_TYPES, current_claim
from supplychain.synth import synth_data

try:
    import ladybug
except ImportError:  # a failure, not a skip: the engine is a test dependency
    ladybug = None

ROOT = Path(__file__).resolve().parent.parent
CAPEX = "阿里云资本开支"
COLUMN_TYPES = {"": "STRING", "string": "STRING", "date": "DATE", "float": "DOUBLE", "int": "INT64", "boolean": "BOOLEAN"}


# --------------------------------------------------------------------------- loading the export


def _column(header: str) -> tuple[str, str, str, bool]:
    """``dates:date[]`` → (``dates``, ``DATE[]``, ``date``, True): Neo4j's import header as a column."""
    name, _, kind = header.partition(":")
    array = kind.endswith("[]")
    kind = kind.removesuffix("[]")
    return name, COLUMN_TYPES[kind] + ("[]" if array else ""), kind, array


def _value(text: str, kind: str, array: bool):
    """A cell as neo4j-admin reads it: empty is no value, arrays split on ';'."""
    if text == "":
        return None
    if array:
        return [_value(item, kind, False) for item in text.split(";")]
    return {"date": dt.date.fromisoformat, "float": float, "int": int, "boolean": lambda t: t == "true"}.get(kind, str)(text)


def _read(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def run(conn, query: str, params: dict | None = None) -> list[list]:
    result = conn.execute(query, params or {})
    rows = []
    while result.has_next():
        rows.append(result.get_next())
    return rows


def load_neo4j_export(conn, folder: Path) -> None:
    """Load ``nodes.csv`` and ``relationships.csv`` of an ``export neo4j`` folder into Ladybug.

    Ladybug wants a schema first: a node table per label and a relationship table per
    type with the label pairs it joins, both from the schema's tables (every type, so a
    query may name one the data lacks); the columns and their types from the files'
    import headers. Rows go in by ``UNWIND`` of a parameter, one statement per table.
    """
    header, rows = _read(folder / "nodes.csv")
    assert header[:2] == ["id:ID", ":LABEL"]
    columns = [_column(h) for h in header[2:]]
    ddl = ", ".join(f"`{name}` {typ}" for name, typ, _, _ in columns)
    props = ", ".join(f"`{name}`: CAST(row.`{name}` AS {typ})" for name, typ, _, _ in columns)
    for t in NODE_TYPES:
        run(conn, f"CREATE NODE TABLE `{NEO4J_LABELS[t]}`(id STRING PRIMARY KEY, {ddl})")
    label_of: dict[str, str] = {}
    by_label: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        label_of[r[0]] = r[1]
        by_label[r[1]].append({"id": r[0], **{c[0]: _value(v, c[2], c[3]) for c, v in zip(columns, r[2:])}})
    for label, items in by_label.items():
        run(conn, f"UNWIND $rows AS row CREATE (:`{label}` {{id: row.id, {props}}})", {"rows": items})

    header, rows = _read(folder / "relationships.csv")
    assert header[:3] == [":START_ID", ":END_ID", ":TYPE"]
    columns = [_column(h) for h in header[3:]]
    ddl = ", ".join(f"`{name}` {typ}" for name, typ, _, _ in columns)
    for t, rule in EDGE_RULES.items():
        pairs = ", ".join(f"FROM `{NEO4J_LABELS[a]}` TO `{NEO4J_LABELS[b]}`" for a in sorted(rule.sources) for b in sorted(rule.targets))
        run(conn, f"CREATE REL TABLE `{t.upper()}`({pairs}, {ddl})")
    groups: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for r in rows:
        groups[r[2], label_of[r[0]], label_of[r[1]]].append(
            {"s": r[0], "t": r[1], **{c[0]: _value(v, c[2], c[3]) for c, v in zip(columns, r[3:])}}
        )
    for (typ, a, b), items in groups.items():
        # a column with no value in this group has no type Ladybug can infer: cast it
        props = ", ".join(
            f"`{name}`: row.`{name}`" if any(item[name] is not None for item in items) else f"`{name}`: CAST(row.`{name}` AS {typ_})"
            for name, typ_, _, _ in columns
        )
        run(conn, f"UNWIND $rows AS row MATCH (s:`{a}` {{id: row.s}}), (t:`{b}` {{id: row.t}}) CREATE (s)-[:`{typ}` {{{props}}}]->(t)", {"rows": items})


# --------------------------------------------------------------------------- the query, in Ladybug's dialect

NEO4J_PRODUCT = "WITH x, p, reduce(s = 1.0, r IN relationships(p) | s * r.weight) AS score"
PRODUCT = "list_reduce(properties(relationships(p), 'weight'), (a, b) -> a * b)"


def dialect(cypher: str) -> tuple[str, str]:
    """The exported query for Ladybug: (ranked names and scores, every path with its score).

    The lines that choose the paths (``MATCH``, ``WHERE``) and the final order and limit
    are taken verbatim; the lines in between must be the ones this translation knows.
    """
    lines = [line for line in cypher.splitlines() if line and not line.startswith("//")]
    match, where, product, order_paths, best, ret, order, limit = lines
    assert match.startswith("MATCH p = (d {name: $driver})") and where.startswith("WHERE length(p) <= ")
    assert product == NEO4J_PRODUCT and order_paths == "ORDER BY score DESC, length(p)"
    assert best == "WITH x, collect(p)[0] AS best, max(score) AS score"
    assert ret.startswith("RETURN x.id AS id, x.name AS name, x.ticker AS ticker, round(score, 4) AS score,")
    assert order == "ORDER BY score DESC, id" and limit.startswith("LIMIT ")
    ranked = "\n".join(
        [match, where, f"WITH x, {PRODUCT} AS score", "RETURN x.id AS id, x.name AS name, x.ticker AS ticker, round(max(score), 4) AS score", order, limit.rstrip(";")]
    )
    paths = "\n".join([match, where, f"RETURN x.id AS id, {PRODUCT} AS score, properties(nodes(p), 'id') AS path"])
    return ranked, paths


# --------------------------------------------------------------------------- fixtures


class Loaded:
    def __init__(self, g: Graph, folder: Path):
        if ladybug is None:
            pytest.fail("the Ladybug package (PyPI `ladybug`) is missing: run `make test` (it installs the test extras)")
        export_graph(g, "neo4j", folder)
        self.g = g
        self.cypher = (folder / "exposure.cypher").read_text(encoding="utf-8")
        self.db = ladybug.Database(":memory:")
        self.conn = ladybug.Connection(self.db)
        load_neo4j_export(self.conn, folder)
        self.ranked, self.paths = dialect(self.cypher)


@pytest.fixture(scope="module")
def seed(tmp_path_factory) -> Loaded:
    return Loaded(load_graph(ROOT / "data/graph.yaml"), tmp_path_factory.mktemp("seed") / "neo4j")


@pytest.fixture(scope="module")
def synth(tmp_path_factory) -> Loaded:
    return Loaded(Graph(synth_data(1000, seed=0)), tmp_path_factory.mktemp("synth") / "neo4j")


def busiest_drivers(g: Graph, n: int) -> list[str]:
    """The names of the ``n`` drivers with the most exposed names (the biggest queries)."""
    drivers = [node for node in g.data.nodes if node.type == "driver"]
    return [d.name for d in sorted(drivers, key=lambda d: (-len(exposure(g, d.id).results), d.id))[:n]]


# --------------------------------------------------------------------------- tests


def test_the_export_loads_whole(seed):
    assert run(seed.conn, "MATCH (n) RETURN count(*)") == [[len(seed.g.nodes)]]
    assert run(seed.conn, "MATCH ()-[r]->() RETURN count(*)") == [[len(seed.g.edges)]]
    got = run(seed.conn, "MATCH (c:Company {id: 'innolight'})-[r:MEMBER_OF]->(s:Sector) RETURN c.name, c.aliases, s.id, r.stance, r.weight, r.dates")
    node = seed.g.nodes["innolight"]
    edge = next(e for e in seed.g.out_edges("innolight") if e.type == "member_of")
    claims = sorted(edge.claims, key=lambda c: (c.date, c.report))
    assert got == [[node.name, node.aliases, edge.target, current_claim(edge.claims).stance, 1.0, [c.date for c in claims]]]
    assert got[0][:4] == ["中际旭创", ["Zhongji Innolight Co., Ltd.", "旭创"], "optical-modules", "recommended"]


def compare(loaded: Loaded, driver: str) -> tuple[list, list]:
    """(Cypher's ranked rows as (id, score), exposure's results in the same order and limit)."""
    rows = run(loaded.conn, loaded.ranked, {"driver": driver})
    report = exposure(loaded.g, driver)
    expected = sorted(((r.id, round(r.score, 4)) for r in report.results), key=lambda x: (-x[1], x[0]))
    limit = int(loaded.cypher.rstrip().rsplit(" ", 1)[1].rstrip(";"))
    return [(r[0], r[3]) for r in rows], expected[:limit]


def test_bundled_graph_same_names_and_scores(seed):
    got, expected = compare(seed, CAPEX)
    assert got == expected and len(got) > 40
    assert got[0][1] == 0.9 and dict(got)["innolight"] == 0.9  # 中际旭创, recommended in 光通信模块与器件: 0.9 × 1 × 1


def test_synthetic_graph_same_names_and_scores(synth):
    for driver in busiest_drivers(synth.g, 2):
        got, expected = compare(synth, driver)
        assert got == expected and len(got) == 50, driver


def best_paths_by_cypher(loaded: Loaded, driver: str) -> dict[str, list[tuple[float, tuple[str, ...]]]]:
    out: dict[str, list] = defaultdict(list)
    for node_id, score, path in run(loaded.conn, loaded.paths, {"driver": driver}):
        walk = tuple(v for i, v in enumerate(path) if i == 0 or path[i - 1] != v)  # a *0.. segment repeats its node
        out[node_id].append((score, walk))
    return out


@pytest.mark.parametrize("which", ["seed", "synth"])
def test_paths_and_ties(request, which):
    """Every name: the same best score over all paths; exposure's path is a best one with the fewest hops.

    Where several best paths have the fewest hops (100 of the 970 names of the 1k
    synthetic graph's busiest driver), `supplychain exposure` keeps the first met in file order and
    the Neo4j query any one of them: the score and the hop count agree, the path may not.
    """
    loaded = request.getfixturevalue(which)
    driver = CAPEX if which == "seed" else busiest_drivers(loaded.g, 1)[0]
    paths = best_paths_by_cypher(loaded, driver)
    report = exposure(loaded.g, driver)
    assert set(paths) == {r.id for r in report.results}
    tied = 0
    for r in report.results:
        best = max(score for score, _ in paths[r.id])
        assert round(best, 6) == r.score, r.id
        tops = {walk for score, walk in paths[r.id] if score >= best - 1e-12}
        fewest = min(len(w) for w in tops)
        shortest = {w for w in tops if len(w) == fewest}
        assert r.path in shortest, (r.id, r.path, shortest)
        if len(shortest) == 1:
            assert shortest == {r.path}
        tied += len(shortest) > 1
    if which == "synth":
        assert tied > 0  # the ties are met (100 of 970 names with `synth_data(1000, seed=0)`)


def test_forward_then_backward_is_every_exposure_path():
    """The query matches forward hops, then backward ones: right while no node a backward hop
    reaches (an edge's source) starts a forward edge. Checked on the edge-rule table."""
    forward = [r for r in EDGE_RULES.values() if r.flow == "forward"]
    backward = [r for r in EDGE_RULES.values() if r.flow == "backward"]
    reached_backward = set().union(*(r.sources for r in backward))
    assert not reached_backward & set().union(*(r.sources for r in forward))
    assert flow_types("forward") == ["DRIVES"] and "SUPPLIES" in flow_types("backward")
