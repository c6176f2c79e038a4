"""The bundled graph against its sources: the seed note and the verified tickers."""

from __future__ import annotations

import pytest

from conftest import SEED_NOTE

# Section 3 of the seed note, by the group rule: a marker covers every name back to the
# previous marker, '；' or the start of the list; names after the last marker are listed.
EXPECTED = {
    "liquid-cooling": {
        "recommended": ["英维克"],
        "listed": ["思泉新材", "同飞股份", "银轮股份", "网宿科技", "申菱环境", "高澜股份"],
    },
    "ai-chips-servers": {"recommended": ["欧陆通"], "listed": ["海光信息", "寒武纪", "浪潮信息"]},
    "optical-modules": {
        "recommended": ["中际旭创", "新易盛", "源杰科技", "华工科技", "天孚通信", "中天科技", "亨通光电"],
        "beneficiary": ["仕佳光子", "长光华芯", "永鼎股份"],
    },
    "switches": {"recommended": ["中兴通讯", "盛科通信", "紫光股份"], "beneficiary": ["锐捷网络"]},
    "aidc": {
        "recommended": ["光环新网", "奥飞数据", "新意网集团", "大位科技", "润泽科技", "宝信软件"],
        "beneficiary": ["数据港", "万国数据", "世纪互联", "科华数据"],
    },
    "hvdc-power": {"beneficiary": ["中恒电气", "科泰电源", "潍柴重机"]},
    "compute-leasing": {"beneficiary": ["宏景科技", "有方科技", "润建股份", "智微智能", "首都在线"]},
    "compute-distribution": {"beneficiary": ["伟仕佳杰"]},
}
EXPECTED_STANCE = {
    (name, sector): stance for sector, groups in EXPECTED.items() for stance, names in groups.items() for name in names
}


def test_all_44_companies_are_members_with_the_group_rule_stance(graph):
    from supplychain.schema import current_claim

    got = {}
    for e in graph.edges:
        if e.type == "member_of":
            got[(graph.nodes[e.source].name, e.target)] = current_claim(e.claims).stance
    assert len(EXPECTED_STANCE) == 44
    assert got == EXPECTED_STANCE


def test_every_quote_is_a_sentence_of_its_report(graph):
    note = SEED_NOTE.read_text(encoding="utf-8").replace("**", "")
    quotes = [(e.type, e.source, e.target, c.quote) for e in graph.edges for c in e.claims]
    quotes += [(n.id, m.name, "", m.source.quote) for n in graph.nodes.values() for m in getattr(n, "metrics", ())]
    assert len(quotes) > 90
    missing = [q for q in quotes if q[3] not in note]
    assert missing == []


def test_tickers_match_the_verified_reference(graph, tickers):
    checked = 0
    for node in graph.nodes.values():
        if node.type not in ("company", "etf") or node.name not in tickers:
            continue
        row = tickers[node.name]
        assert (node.ticker or "") == row["ticker"], node.name
        others = {listing.ticker for listing in getattr(node, "listings", ())}
        if row["also_listed"]:  # "0763.HK (H shares; HKEX Main Board)": the code comes first
            assert row["also_listed"].split()[0] in others, node.name
        checked += 1
    companies = [n for n in graph.nodes.values() if n.type == "company"]
    assert checked >= len(companies) + 3  # every company (华为 has no ticker) and the ETFs
    assert all(n.name in tickers for n in companies)


def test_driver_chain_and_metrics_of_section_2(graph):
    def drives(a, b):
        return any(e.type == "drives" and e.source == a and e.target == b for e in graph.edges)

    assert drives("ai-demand", "alibaba-cloud-revenue")
    assert drives("alibaba-ai-revenue", "alibaba-cloud-revenue")
    assert drives("alibaba-cloud-revenue", "alibaba-capex")
    assert drives("alibaba-capex", "alibaba-ppe-spend")
    for sector in EXPECTED:
        assert drives("alibaba-capex", sector), sector
    metrics = {(n.id, m.period): m for n in graph.nodes.values() for m in getattr(n, "metrics", ())}
    capex = metrics[("alibaba-capex", "FY2026Q2")]
    assert (capex.value, capex.unit, capex.yoy) == (315.01, "亿元", pytest.approx(80.10))
    revenue = metrics[("alibaba-cloud-revenue", "FY2026Q2")]
    assert (revenue.value, revenue.yoy) == (398.24, 34)
    assert metrics[("alibaba-cloud-revenue", "FY2026Q1")].yoy == 26
    ppe = [m for (nid, _), m in metrics.items() if nid == "alibaba-ppe-spend"]
    assert [m.yoy for m in ppe] == [pytest.approx(85.12)]


def test_risks_etfs_and_competitors_of_sections_3_and_4(graph):
    risks = {n.id for n in graph.nodes.values() if n.type == "risk"}
    assert len(risks) == 6
    threatened = {(e.source, e.target) for e in graph.edges if e.type == "threatens"}
    assert ("risk-rack-utilization", "aidc") in threatened
    assert ("risk-geopolitics", "ai-chips-servers") in threatened
    assert ("risk-capex-sustainability", "alibaba-capex") in threatened
    assert {s for s, _ in threatened} == risks
    etfs = {n.ticker for n in graph.nodes.values() if n.type == "etf"}
    assert etfs == {"516630.SH", "515070.SH", "515400.SH", "588000.SH", "HSTECH"}
    held = {e.target for e in graph.edges if e.type == "holds" and e.source == "hstech"}
    assert held == {"alibaba", "zte"}
    rivals = {e.source if e.target == "alibaba" else e.target for e in graph.edges if e.type == "competes"}
    assert rivals == {"huawei", "tencent", "baidu"}


def test_the_bundled_file_is_canonical():
    """What `supplychain` would write is what is committed: diffs stay reviewable."""
    from supplychain.store import dump_graph, load_data

    from conftest import GRAPH

    assert dump_graph(load_data(GRAPH)) == GRAPH.read_text(encoding="utf-8")
