"""Lookup and queries on the bundled graph and on the small fixture graph."""

from __future__ import annotations

import datetime as dt

import pytest

from supplychain import AmbiguousNode, NodeNotFound, NoPath, WrongNodeType, drivers, exposure, paths
from supplychain.errors import SupplyChainError
from test_data import EXPECTED_STANCE


@pytest.mark.parametrize("query", ["中际旭创", "Innolight", "innolight", "300308", "300308.SZ", "sz300308", "ＩＮＮＯＬＩＧＨＴ", " 中际 旭创 ", "旭创"])
def test_one_company_many_names(graph, query):
    assert graph.resolve(query).id == "innolight"


@pytest.mark.parametrize(
    "query, node_id",
    [("0763", "zte"), ("00763.HK", "zte"), ("763.hk", "zte"), ("000063", "zte"), ("BABA", "alibaba"), ("9988.HK", "alibaba"),
     ("阿里云资本开支", "alibaba-capex"), ("Alibaba Cloud capex", "alibaba-capex"), ("光模块", "optical-modules"), ("VNET", "vnet")],
)
def test_tickers_aliases_and_other_listings(graph, query, node_id):
    assert graph.resolve(query).id == node_id


def test_unknown_name_suggests(graph):
    with pytest.raises(NodeNotFound) as info:
        graph.resolve("中际旭")
    assert "中际旭创" in info.value.suggestions
    assert str(info.value).startswith("no node matches '中际旭' (did you mean")


def test_bare_code_on_two_exchanges_is_ambiguous(mini):
    with pytest.raises(AmbiguousNode) as info:
        mini.resolve("000001")
    assert "alpha (甲公司, 000001.SZ)" in str(info.value) and "beta (乙公司, 000001.SH)" in str(info.value)
    assert mini.resolve("000001.SH").id == "beta"
    assert mini.resolve("700").id == mini.resolve("00700").id == "gamma"


def test_exposure_reaches_every_seed_company_with_its_stance(graph):
    report = exposure(graph, "阿里云资本开支")
    companies = {(r.node.name, r.sector): r.stance for r in report.results if r.node.type == "company"}
    assert companies == EXPECTED_STANCE
    etfs = {r.id for r in report.results if r.node.type == "etf"}
    assert etfs == {"etf-516630", "etf-515070", "etf-515400", "etf-588000", "hstech"}


def test_exposure_scores_order_stances_within_a_sector(graph):
    report = exposure(graph, "alibaba-capex")
    assert all(0 < r.score <= 1 for r in report.results)
    rank = {"recommended": 0, "beneficiary": 1, "listed": 2}
    by_sector: dict[str, list] = {}
    for r in report.results:
        if r.node.type == "company":
            by_sector.setdefault(r.sector, []).append(r)
    for sector, rows in by_sector.items():
        scores = {}
        for r in rows:
            scores.setdefault(r.stance, set()).add(r.score)
        ordered = sorted(scores, key=rank.get)
        for a, b in zip(ordered, ordered[1:]):
            assert min(scores[a]) > max(scores[b]), sector
    assert [r.score for r in report.results] == sorted((r.score for r in report.results), reverse=True)


def test_exposure_result_carries_path_and_evidence(graph):
    r = next(r for r in exposure(graph, "Alibaba capex").results if r.id == "innolight")
    assert r.path == ("alibaba-capex", "optical-modules", "innolight")
    assert r.score == pytest.approx(0.9)
    assert r.explain() == "drives 0.9 × member_of 1 × recommended 1 = 0.9"
    quote = r.hops[-1].claim.quote
    assert quote.startswith("光通信模块与器件：中际旭创") and r.hops[-1].claim.date == dt.date(2025, 11, 26)


def test_exposure_filters(graph):
    assert {r.stance for r in exposure(graph, "Alibaba capex", stances=["beneficiary"]).results} == {"beneficiary"}
    optical = exposure(graph, "Alibaba capex", sectors=["光模块"]).results
    assert {r.sector for r in optical} == {"optical-modules"} and len(optical) == 10
    assert {r.node.type for r in exposure(graph, "Alibaba capex", types=["etf"]).results} == {"etf"}
    assert len(exposure(graph, "Alibaba capex", top=3).results) == 3
    # depth 1 reaches sectors only: no company, no ETF but those exposed directly
    assert {r.node.type for r in exposure(graph, "Alibaba capex", depth=1).results} == {"etf"}


def test_as_of_before_the_note_sees_nothing(graph):
    assert exposure(graph, "Alibaba capex", as_of=dt.date(2025, 11, 25)).results == []
    assert len(exposure(graph, "Alibaba capex", as_of=dt.date(2025, 11, 26)).results) == 49


def test_as_of_sees_the_stance_of_its_day(mini):
    before = {r.id: r.stance for r in exposure(mini, "capex", as_of=dt.date(2025, 12, 1)).results}
    after = {r.id: r.stance for r in exposure(mini, "capex").results}
    assert before == {"alpha": "recommended", "beta": "listed", "fund": None}
    assert after == {"alpha": "recommended", "beta": "recommended", "gamma": "beneficiary", "fund": None}


def test_exposure_needs_a_driver_or_sector(graph):
    with pytest.raises(WrongNodeType, match="'AI发展不及预期风险' is AI发展不及预期风险 .risk-ai-slowdown., a risk"):
        exposure(graph, "AI发展不及预期风险")
    with pytest.raises(SupplyChainError, match="unknown stance"):
        exposure(graph, "Alibaba capex", stances=["strong-buy"])


def test_risks_reach_what_they_threaten(graph):
    risks = {r.id: r for r in drivers(graph, "万国数据") if r.node.type == "risk"}
    assert risks["risk-rack-utilization"].path == ("risk-rack-utilization", "aidc", "gds")
    assert "risk-geopolitics" not in risks  # it threatens chips, not data centres
    chips = {r.id for r in drivers(graph, "寒武纪") if r.node.type == "risk"}
    assert {"risk-geopolitics", "risk-supply-chain", "risk-capex-sustainability", "risk-ai-slowdown"} <= chips


def test_drivers_of_a_company(graph):
    found = drivers(graph, "300308.SZ")
    by_id = {r.id: r for r in found}
    assert by_id["alibaba-capex"].path == ("alibaba-capex", "optical-modules", "innolight")
    assert by_id["ai-demand"].path[0] == "ai-demand" and by_id["ai-demand"].path[-1] == "innolight"
    assert [r.node.type for r in found] == sorted((r.node.type for r in found), key=["driver", "risk"].index)
    assert drivers(graph, "300308.SZ", as_of=dt.date(2025, 1, 1)) == []


def test_paths_between_two_nodes(graph):
    found = paths(graph, "中际旭创", "英维克")
    assert found[0].nodes == ("innolight", "optical-modules", "alibaba-capex", "liquid-cooling", "envicool")
    assert [len(p.hops) for p in found] == sorted(len(p.hops) for p in found)
    assert found[0].describe(graph) == "中际旭创 —member_of→ 光通信模块与器件 ←drives— 阿里云资本开支 —drives→ 液冷/风冷系统 ←member_of— 英维克"
    with pytest.raises(NoPath):
        paths(graph, "中际旭创", "英维克", depth=2)


def test_queries_do_not_change_the_graph(graph):
    from supplychain.store import dump_graph

    before = dump_graph(graph.data)
    exposure(graph, "Alibaba capex", as_of=dt.date(2025, 11, 26))
    drivers(graph, "中际旭创")
    paths(graph, "中际旭创", "英维克")
    assert dump_graph(graph.data) == before


@pytest.mark.parametrize("query", ["000700.SZ", "sz000700", "sh000856", "000700"])
def test_a_named_exchange_or_a_six_digit_code_never_finds_an_hk_listing(graph, query):
    with pytest.raises(NodeNotFound):
        graph.resolve(query)


def test_networkx_view(mini):
    G = mini.to_networkx()
    assert (G.number_of_nodes(), G.number_of_edges()) == (9, 6)
    assert G.nodes["alpha"]["type"] == "company" and G.nodes["alpha"]["ticker"] == "000001.SZ"
    assert G.edges["beta", "optics", "member_of"]["stance"] == "recommended"
    assert len(G.edges["beta", "optics", "member_of"]["claims"]) == 2
