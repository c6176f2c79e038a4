"""Exposure across drivers: noisy-OR of per-driver named scores, with the per-driver breakdown."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT, run
from test_history import brief_graph  # noqa: F401  (the module-scoped fixture)


def test_single_driver_scores_are_unchanged(graph):
    from supplychain.conviction import combined_exposure
    from supplychain.query import exposure

    single = {r.id: round(r.score, 4) for r in exposure(graph, "阿里云资本开支").results}
    combined = {r["id"]: r["score"] for r in combined_exposure(graph, ["阿里云资本开支"])}
    # every name some note named keeps its score; an ETF reached only through a holding is not named
    assert set(single) - set(combined) == {"hstech"}
    assert combined == {k: v for k, v in single.items() if k != "hstech"} and len(combined) == len(single) - 1 > 40


def test_breadth_of_evidence_ranks_first(brief_graph):
    from supplychain.conviction import combined_exposure

    results = combined_exposure(brief_graph, ["阿里云资本开支", "腾讯资本开支"])
    by_name = {r["name"]: r for r in results}
    # named for both drivers: listed by the seed (0.54, counts for every driver) and recommended
    # by the Tencent note (0.9, about Tencent only): 1 - 0.46 * 0.1
    assert by_name["浪潮信息"]["score"] == 0.954 and by_name["浪潮信息"]["drivers"] == 2
    # a switch maker only the Alibaba notes reach: its single-driver score
    assert by_name["中兴通讯"]["score"] == 0.9 and by_name["中兴通讯"]["drivers"] == 1
    assert [b["score"] for b in by_name["中兴通讯"]["breakdown"]] == [0.9, None]
    # so every recommended name of both drivers ranks above every one of a single driver
    order = [r["name"] for r in results]
    assert order.index("浪潮信息") < order.index("中兴通讯")
    assert all(r["drivers"] == 2 for r in results if r["score"] > 0.9)
    assert [r["drivers"] for r in results if r["score"] == 0.9] == sorted(r["drivers"] for r in results if r["score"] == 0.9)[::-1]
    assert by_name["英维克"]["breakdown"][1] == {
        "driver": "tencent-capex", "driver_name": "腾讯资本开支", "score": 0.72, "stance": "beneficiary",
        "reports": 2, "trend": "down"}


def test_overlapping_or_repeated_drivers_are_refused(graph, capsys):
    from supplychain.errors import SupplyChainError
    from supplychain.conviction import combined_exposure

    with pytest.raises(SupplyChainError, match="drives 阿里云资本开支"):
        combined_exposure(graph, ["AI需求", "阿里云资本开支"])
    code, out, err = run(capsys, "across", "阿里云资本开支", "Alibaba capex")
    assert code == 1 and out == "" and err.count("\n") == 1 and "given twice" in err


def test_cli_across_json_and_table(brief_graph, capsys):
    code, out, err = run(capsys, "--graph", brief_graph.path, "across", "阿里云资本开支", "腾讯资本开支", "-f", "json", "--top", "3")
    assert code == 0, err
    data = json.loads(out)
    assert [d["id"] for d in data["drivers"]] == ["alibaba-capex", "tencent-capex"]
    assert len(data["results"]) == 3 and all(r["score"] == 0.99 for r in data["results"])
    code, out, _ = run(capsys, "--graph", brief_graph.path, "across", "阿里云资本开支", "腾讯资本开支", "--top", "2")
    assert out.splitlines()[0] == "Exposure across 阿里云资本开支, 腾讯资本开支: 2 named names, noisy-OR of per-driver scores"


def test_combination_is_documented():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The exposure score", 1)[1].split("\n## ", 1)[0]
    assert "noisy-OR" in section and "supplychain across" in section
