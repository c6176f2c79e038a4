"""`supplychain export graphml|gexf|json|csv|neo4j`: read back, compare with the graph."""

from __future__ import annotations

import csv
import json
from collections import Counter

import networkx as nx
import pytest

from supplychain.cli import main
from supplychain.errors import SupplyChainError
from supplychain.export.formats import export_graph
from supplychain.export.neo4j import NEO4J_NODE_HEADER, NEO4J_REL_HEADER
from supplychain.export.values import hop_weight
from supplychain.schema import current_claim


def expected_edges(graph):
    """(source, target, type) -> current stance, for every edge of the graph."""
    out = {}
    for e in graph.edges:
        c = current_claim(e.claims)
        out[(e.source, e.target, e.type)] = c.stance if c else None
    return out


@pytest.mark.parametrize("fmt, reader", [("graphml", lambda p: nx.read_graphml(p, force_multigraph=True)), ("gexf", nx.read_gexf)])
def test_graphml_and_gexf_read_back(graph, tmp_path, fmt, reader):
    path = tmp_path / f"graph.{fmt}"
    summary = export_graph(graph, fmt, path)
    assert summary.startswith(f"{path}: {fmt}, {len(graph.nodes)} nodes, {len(graph.edges)} edges")
    G = reader(path)
    assert G.is_directed()
    assert G.number_of_nodes() == len(graph.nodes) and G.number_of_edges() == len(graph.edges)
    assert {n: d["type"] for n, d in G.nodes(data=True)} == {n.id: n.type for n in graph.nodes.values()}
    assert {n: d["name"] for n, d in G.nodes(data=True)} == {n.id: n.name for n in graph.nodes.values()}
    got = {(u, v, d["relation"]): d.get("stance") for u, v, d in G.edges(data=True)}
    assert got == expected_edges(graph)
    by_key = {(e.source, e.target, e.type): e for e in graph.edges}
    for u, v, d in G.edges(data=True):
        e = by_key[(u, v, d["relation"])]
        assert int(d["claim_count"]) == len(e.claims)
        assert [c["quote"] for c in json.loads(d["claims"])] == [c.quote for c in sorted(e.claims, key=lambda c: (c.date, c.report))]
        assert float(d["weight"]) == pytest.approx(hop_weight(e))
        assert d["first_date"] == min(c.date for c in e.claims).isoformat()


def test_json_round_trip(graph, tmp_path):
    path = tmp_path / "graph.json"
    export_graph(graph, "json", path)
    G = nx.node_link_graph(json.loads(path.read_text(encoding="utf-8")), directed=True, multigraph=True, edges="edges")
    assert G.number_of_nodes() == len(graph.nodes) and G.number_of_edges() == len(graph.edges)
    assert {n: d["type"] for n, d in G.nodes(data=True)} == {n.id: n.type for n in graph.nodes.values()}
    assert {(u, v, k): d.get("stance") for u, v, k, d in G.edges(keys=True, data=True)} == expected_edges(graph)
    claims = {(u, v, k): d["claims"] for u, v, k, d in G.edges(keys=True, data=True)}
    for e in graph.edges:
        assert [(c["report"], c["date"], c["stance"], c["quote"]) for c in claims[(e.source, e.target, e.type)]] == [
            (c.report, c.date.isoformat(), c.stance, c.quote) for c in sorted(e.claims, key=lambda c: (c.date, c.report))
        ]
    alibaba = G.nodes["alibaba"]
    assert alibaba["listings"][0]["ticker"] == "BABA" and "阿里" in alibaba["aliases"]


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def test_csv_folder(graph, tmp_path):
    out = tmp_path / "csv"
    export_graph(graph, "csv", out)
    header, rows = read_csv(out / "nodes.csv")
    assert header[:4] == ["id", "type", "name", "name_en"] and len(rows) == len(graph.nodes)
    assert Counter(r[1] for r in rows) == Counter(n.type for n in graph.nodes.values())
    header, rows = read_csv(out / "edges.csv")
    assert header == ["type", "source", "target", "directed", "current_stance", "report", "date", "stance", "quote"]
    assert len(rows) == sum(len(e.claims) for e in graph.edges)
    assert {(r[1], r[2], r[0]) for r in rows} == set(expected_edges(graph))
    stances = {(r[1], r[2], r[0]): r[4] or None for r in rows}
    assert stances == expected_edges(graph)


def test_neo4j_import_layout(graph, tmp_path):
    out = tmp_path / "neo4j"
    export_graph(graph, "neo4j", out)
    header, rows = read_csv(out / "nodes.csv")
    assert tuple(header) == NEO4J_NODE_HEADER and header[:2] == ["id:ID", ":LABEL"]
    assert len(rows) == len(graph.nodes)
    assert Counter(r[1] for r in rows) == Counter(
        {"driver": "Driver", "sector": "Sector", "company": "Company", "etf": "ETF", "risk": "Risk", "report": "Report"}[n.type]
        for n in graph.nodes.values()
    )
    alibaba = next(r for r in rows if r[0] == "alibaba")
    assert "阿里" in alibaba[header.index("aliases:string[]")].split(";")
    header, rows = read_csv(out / "relationships.csv")
    assert tuple(header) == NEO4J_REL_HEADER and header[:3] == [":START_ID", ":END_ID", ":TYPE"]
    assert len(rows) == len(graph.edges)
    assert {(r[0], r[1], r[2]) for r in rows} == {(s, t, ty.upper()) for s, t, ty in expected_edges(graph)}
    for r in rows:
        n = int(r[header.index("claim_count:int")])
        assert len(r[header.index("dates:date[]")].split(";")) == len(r[header.index("quotes:string[]")].split(";")) == n
    script = (out / "import.sh").read_text(encoding="utf-8")
    assert "neo4j-admin database import full" in script and "--nodes=nodes.csv" in script and "--relationships=relationships.csv" in script
    readme = (out / "README.md").read_text(encoding="utf-8")
    cypher = (out / "exposure.cypher").read_text(encoding="utf-8")
    assert "neo4j-admin database import full" in readme and cypher in readme
    assert "MATCH p = (d {name: $driver})-[:DRIVES*0..4]->()<-[:MEMBER_OF|EXPOSED_TO|TRACKS|HOLDS|SUPPLIES*1..4]-(x:Company|ETF)" in cypher


def test_export_of_a_synthetic_graph(tmp_path):
    from supplychain.graph import Graph
    from supplychain.synth import synth_data

    g = Graph(synth_data(150, seed=4))
    for fmt in ("graphml", "gexf", "json", "csv", "neo4j"):
        export_graph(g, fmt, tmp_path / fmt)
    assert nx.read_graphml(tmp_path / "graphml").number_of_edges() == len(g.edges)


def test_cli_export(tmp_path, capsys):
    out = tmp_path / "g.graphml"
    assert main(["export", "graphml", "-o", str(out)]) == 0
    assert capsys.readouterr().out.startswith(f"{out}: graphml, ")
    assert out.exists() and not list(tmp_path.glob(".*.tmp"))


def test_folder_formats_refuse_a_file(graph, tmp_path):
    target = tmp_path / "afile"
    target.write_text("x")
    with pytest.raises(SupplyChainError, match="is a file"):
        export_graph(graph, "csv", target)


def test_unknown_format(graph, tmp_path):
    with pytest.raises(SupplyChainError, match="unknown export format 'dot'"):
        export_graph(graph, "dot", tmp_path / "x")
