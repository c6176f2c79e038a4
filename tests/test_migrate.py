"""`supplychain migrate`: a graph made by earlier versions (hash ids, no listings, one
node per spelling and per risk wording) becomes readable, listed and merged, once."""

from __future__ import annotations

import re

import pytest

from conftest import GRAPH, ROOT, run
from supplychain.graph import load_graph

OLD = ROOT / "tests" / "fixtures" / "master" / "old_graph.yaml"
"""The two fixture notes of tests/fixtures/master ingested into an empty graph by the
previous version (commit d44fd53): hash ids, 工業富聯 and 工业富联 as two nodes, four
capex-shortfall risks."""


@pytest.fixture
def old(tmp_path):
    path = tmp_path / "graph.yaml"
    path.write_bytes(OLD.read_bytes())
    return path


def test_the_old_graph_no_longer_validates_as_it_is(old, capsys):
    code, _, err = run(capsys, "--graph", old, "validate")
    assert code == 1 and "'工业富联' already names node" in err


def test_dry_run_prints_every_change_and_writes_nothing(old, capsys):
    before = old.read_bytes()
    code, out, err = run(capsys, "--graph", old, "migrate", "--dry-run")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == f"{old}: 12 ids made readable, 11 companies given listings or names, 9 nodes merged"
    assert "  merge    company 工業富聯 (company-2354f3) into 工业富联 (company-601138-sh): 1 claim moved, " \
           "its names kept as aliases (the same company)" in lines
    assert "  merge    company Foxconn Industrial Internet (foxconn-industrial-internet) into 工业富联 (company-601138-sh): " \
           "1 claim moved, its names kept as aliases (the same company)" in lines
    assert "  merge    risk 资本开支不及预期风险 (risk-893d62) into 资本开支可持续性风险 (risk-ad9992): 1 claim moved, " \
           "its names kept as aliases (capex shortfall)" in lines
    assert "  rename   company-601138-sh → foxconn-industrial-internet (工业富联)" in lines
    assert "  rename   company-0b4cf3 → shennan-circuits (深南电路)" in lines
    assert "  rename   risk-ad9992 → risk-capex-sustainability (资本开支可持续性风险)" in lines
    assert "  rename   sector-hvdc-37407e → hvdc-power (HVDC电源)" in lines
    assert lines[-1] == f"dry run: {old} not written"
    assert old.read_bytes() == before
    assert sorted(p.name for p in old.parent.iterdir() if p.name != ".supplychain-cache") == ["graph.yaml"]


def test_migrate_then_nothing_more(old, capsys):
    code, out, _ = run(capsys, "--graph", old, "migrate")
    assert code == 0 and out.splitlines()[-1] == f"wrote {old}"
    g = load_graph(old)
    # readable ids everywhere a hash was, and edges follow
    assert [i for i in g.nodes if re.search(r"-[0-9a-f]{6}$", i) and g.nodes[i].type != "report"] == []
    assert {e.source for e in g.edges} | {e.target for e in g.edges} <= set(g.nodes)
    # one node per company, with its listing, found by every spelling
    for query in ("工业富联", "工業富聯", "Foxconn Industrial Internet", "601138", "601138 CH", "SH601138"):
        assert g.resolve(query).id == "foxconn-industrial-internet", query
    shennan = g.resolve("深南电路")
    assert (shennan.id, shennan.ticker, shennan.exchange) == ("shennan-circuits", "002916.SZ", "SZSE Main Board")
    assert g.resolve("滬電股份").id == g.resolve("002463.SZ").id == "wus-printed-circuit"
    # the four capex wordings are one risk, with every report's claim
    risks = sorted(n.name for n in g.nodes.values() if n.type == "risk")
    assert risks == ["AI商业化进度低于预期", "资本开支可持续性风险"]
    capex = g.resolve("资本开支不及预期风险")
    assert capex.id == "risk-capex-sustainability"
    assert {"资本开支兑现风险", "北美云厂商资本开支不及预期风险"} <= set(capex.aliases)
    assert sorted(c.report for e in g.out_edges(capex.id) for c in e.claims) == [
        "industry-research-2025-12-08", "industry-research-2025-12-08",
        "industry-research-2025-12-15", "industry-research-2025-12-15",
    ]
    assert g.resolve("光模块").id == "optical-modules" and g.resolve("AI服务器").id == "ai-chips-servers"
    # a second run changes nothing
    before = old.read_bytes()
    code, out, _ = run(capsys, "--graph", old, "migrate")
    assert code == 0 and out == f"{old} unchanged: nothing to migrate\n"
    assert old.read_bytes() == before


def test_the_bundled_graph_keeps_its_ids(tmp_path, capsys):
    path = tmp_path / "graph.yaml"
    path.write_bytes(GRAPH.read_bytes())
    code, out, _ = run(capsys, "--graph", path, "migrate")
    assert code == 0 and " 0 ids made readable" in out.splitlines()[0] and "0 nodes merged" in out.splitlines()[0]
    assert set(load_graph(path).nodes) == set(load_graph(GRAPH).nodes)
    assert load_graph(path).resolve("Zhongji Innolight").id == "innolight"  # names from the master as aliases
