"""Exposure across drivers: noisy-OR of per-driver named scores, with the per-driver breakdown."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT, run
from test_history import brief_graph  # noqa: F401  (the module-scoped fixture)


def test_single_driver_scores_are_unchanged(graph):
    from supplychain.across import exposure_across
    from supplychain.query import exposure

    single = {r.id: round(r.score, 4) for r in exposure(graph, "阿里云资本开支").results}
    combined = {r.id: round(r.score, 4) for r in exposure_across(graph, ["阿里云资本开支"]).results}
    # every name some note named keeps its score; an ETF reached only through a holding is not named
    assert set(single) - set(combined) == {"hstech"}
    assert combined == {k: v for k, v in single.items() if k != "hstech"} and len(combined) == len(single) - 1 > 40


def test_breadth_of_evidence_ranks_first(brief_graph):
    from supplychain.across import across_json, exposure_across

    results = across_json(exposure_across(brief_graph, ["阿里云资本开支", "腾讯资本开支"]))["results"]
    by_name = {r["name"]: r for r in results}
    # named for both drivers: listed by the seed (0.54, a note about Alibaba) and recommended
    # by the Tencent note (0.9, about Tencent only): 1 - 0.46 * 0.1
    assert by_name["浪潮信息"]["score"] == 0.954 and by_name["浪潮信息"]["drivers"] == 2
    assert by_name["浪潮信息"]["explain"] == "noisy-OR 1 − (1 − 0.54) × (1 − 0.9) = 0.954"
    # its path, stance and evidence are those of the stronger driver, Tencent's note
    assert by_name["浪潮信息"]["best_driver"] == "tencent-capex" and by_name["浪潮信息"]["stance"] == "recommended"
    assert by_name["浪潮信息"]["evidence"][-1]["quote"] == "AI芯片与服务器：浪潮信息（推荐）"
    # a switch maker only the Alibaba notes reach: its single-driver score
    assert by_name["中兴通讯"]["score"] == 0.9 and by_name["中兴通讯"]["drivers"] == 1
    assert [b["score"] for b in by_name["中兴通讯"]["breakdown"]] == [0.9, None]
    # so every recommended name of both drivers ranks above every one of a single driver
    order = [r["name"] for r in results]
    assert order.index("浪潮信息") < order.index("中兴通讯")
    assert all(r["drivers"] == 2 for r in results if r["score"] > 0.9)
    assert [r["drivers"] for r in results if r["score"] == 0.9] == sorted(r["drivers"] for r in results if r["score"] == 0.9)[::-1]
    tencent = by_name["英维克"]["breakdown"][1]
    assert {k: tencent[k] for k in ("driver", "driver_name", "score", "stance", "reports", "trend")} == {
        "driver": "tencent-capex", "driver_name": "腾讯资本开支", "score": 0.72, "stance": "beneficiary",
        "reports": 1, "trend": "new"}
    assert tencent["path"] == ["tencent-capex", "liquid-cooling", "envicool"]
    assert tencent["evidence"][-1]["quote"] == "液冷/风冷系统：英维克（受益）"
    # conviction over the notes of both drivers: the seed (Alibaba and Tencent), then the Tencent note
    assert (by_name["英维克"]["reports"], by_name["英维克"]["first_seen"], by_name["英维克"]["last_seen"],
            by_name["英维克"]["trend"]) == (2, "2025-11-26", "2025-12-05", "down")


def test_overlapping_or_repeated_drivers_are_refused(graph, capsys):
    from supplychain.across import exposure_across
    from supplychain.errors import SupplyChainError

    with pytest.raises(SupplyChainError, match="drives 阿里云资本开支"):
        exposure_across(graph, ["AI需求", "阿里云资本开支"])
    code, out, err = run(capsys, "across", "阿里云资本开支", "Alibaba capex")
    assert code == 1 and out == "" and err.count("\n") == 1 and "given twice" in err


def test_cli_across_is_an_alias_of_exposure(brief_graph, capsys):
    code, out, err = run(capsys, "--graph", brief_graph.path, "across", "阿里云资本开支", "腾讯资本开支", "-f", "json", "--top", "3")
    assert code == 0, err
    data = json.loads(out)
    assert [d["id"] for d in data["drivers"]] == ["alibaba-capex", "tencent-capex"]
    assert [r["score"] for r in data["results"]] == [0.99, 0.99, 0.972]
    code, alias, _ = run(capsys, "--graph", brief_graph.path, "across", "阿里云资本开支", "腾讯资本开支", "--top", "2")
    code, same, _ = run(capsys, "--graph", brief_graph.path, "exposure", "阿里云资本开支", "腾讯资本开支", "--top", "2")
    assert alias == same and alias.splitlines()[0] == (
        "Exposure across 阿里云资本开支, 腾讯资本开支: 2 names named for at least one driver, paths of at most 4 hops, all claims")


def test_combination_is_documented():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The exposure score", 1)[1].split("\n## ", 1)[0]
    assert "noisy-OR" in section and "supplychain exposure D1 D2" in section and "--across" in section


def test_one_note_counts_once_however_many_drivers_it_speaks_for(brief_graph):
    from supplychain.across import exposure_across

    by = {r.node.name: r for r in exposure_across(brief_graph, ["阿里云资本开支", "腾讯资本开支"]).results}
    # 高澜股份: listed only by the seed note, about Alibaba: inferred for Tencent (not counted)
    goaland = by["高澜股份"]
    assert round(goaland.score, 4) == 0.54 and goaland.drivers == 1
    assert list(goaland.parts) == ["alibaba-capex"] and not goaland.shared
    # 英维克: the seed (Alibaba) and the Tencent note: two notes, two drivers, 1 - 0.1 * 0.28
    assert round(by["英维克"].score, 4) == 0.972 and by["英维克"].drivers == 2 and not by["英维克"].shared
    # 欧陆通: only Alibaba's notes (the seed and two more) name it; no Tencent note does
    assert round(by["欧陆通"].score, 4) == 0.9 and by["欧陆通"].drivers == 1
