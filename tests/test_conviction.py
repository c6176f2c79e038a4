"""Conviction in every exposure result: reports, first/last seen and trend, on notes about two drivers."""

from __future__ import annotations

import json
import re

import pytest

from conftest import ROOT, run
from test_history import brief_graph  # noqa: F401  (the module-scoped fixture)


def _conv(g, driver, **kw):
    from supplychain.conviction import report_convictions
    from supplychain.query import exposure

    r = exposure(g, driver, **kw)
    return {g.nodes[k].name: v for k, v in report_convictions(g, r).items()}


def test_counts_dates_and_trends_for_alibaba(brief_graph):
    c = _conv(brief_graph, "阿里云资本开支")
    # recommended by the seed note (11-26) and both Alibaba notes (12-03, 12-10)
    assert c["欧陆通"] == {"reports": 3, "first_seen": "2025-11-26", "last_seen": "2025-12-10", "trend": "flat"}
    # listed on 11-26; the Tencent note's 推荐 (12-05) is about Tencent, not Alibaba (issue 9)
    assert c["浪潮信息"] == {"reports": 1, "first_seen": "2025-11-26", "last_seen": "2025-11-26", "trend": "new"}
    # first named on 12-03
    assert c["中科曙光"] == {"reports": 1, "first_seen": "2025-12-03", "last_seen": "2025-12-03", "trend": "new"}
    # listed 11-26, recommended 12-03 ("推荐海光信息…"), beneficiary 12-10
    assert c["海光信息"]["trend"] == "down" and c["海光信息"]["reports"] == 3


def test_the_tencent_notes_own_history(brief_graph):
    c = _conv(brief_graph, "腾讯资本开支")
    # the seed's 英维克（推荐） is the Alibaba note's call: for Tencent only its own 12-05 note counts
    assert c["英维克"] == {"reports": 1, "first_seen": "2025-12-05", "last_seen": "2025-12-05", "trend": "new"}
    # 中兴通讯's sector is not driven by the Tencent note: not among its results at all
    assert "中兴通讯" not in c


def test_as_of_leaves_later_claims_out(brief_graph):
    c = _conv(brief_graph, "阿里云资本开支", as_of=__import__("datetime").date(2025, 12, 4))
    assert c["欧陆通"] == {"reports": 2, "first_seen": "2025-11-26", "last_seen": "2025-12-03", "trend": "flat"}
    assert c["浪潮信息"]["trend"] == "new" and c["浪潮信息"]["reports"] == 1


def test_parent_driver_counts_the_drivers_it_drives(brief_graph):
    c = _conv(brief_graph, "AI需求")
    assert c["欧陆通"]["reports"] == 3


def test_etf_through_a_holding_has_no_conviction(graph):
    c = _conv(graph, "阿里云资本开支", sectors=["交换机"])
    assert c["恒生科技指数"] == {"reports": 0, "first_seen": None, "last_seen": None, "trend": None}


def test_trend_dropped_and_flat():
    import datetime as dt
    from types import SimpleNamespace as C

    from supplychain.conviction import trend

    d = dt.date.fromisoformat
    assert trend([C(date=d("2025-11-26"), stance="recommended"), C(date=d("2025-12-05"), stance="dropped")]) == "dropped"
    assert trend([C(date=d("2025-11-26"), stance="listed"), C(date=d("2025-12-05"), stance="listed")]) == "flat"
    # the strongest stance of a date stands for it
    assert trend([C(date=d("2025-11-26"), stance="listed"), C(date=d("2025-12-05"), stance="neutral"),
                  C(date=d("2025-12-05"), stance="beneficiary")]) == "up"
    assert trend([]) is None


def test_cli_json_csv_table_carry_conviction(brief_graph, capsys):
    code, out, err = run(capsys, "--graph", brief_graph.path, "exposure", "腾讯资本开支", "--format", "json")
    assert code == 0, err
    by_id = {r["id"]: r for r in json.loads(out)["results"]}
    assert by_id["envicool"]["trend"] == "new" and by_id["envicool"]["reports"] == 1
    code, out, _ = run(capsys, "--graph", brief_graph.path, "exposure", "腾讯资本开支", "--format", "csv")
    header, *rows = out.splitlines()
    assert header.endswith(",quote,reports,first_seen,last_seen,trend,basis,stance_driver,call")
    assert any(",envicool," in r and r.endswith(",1,2025-12-05,2025-12-05,new,named,tencent-capex,exposed") for r in rows)
    code, out, _ = run(capsys, "--graph", brief_graph.path, "exposure", "腾讯资本开支", "--top", "3")
    table = out.splitlines()
    assert "notes" in table[2]
    rows = [x.rstrip() for x in table if re.match(r"^\d+\s", x)]
    assert len(rows) == 3 and all(re.search(r"  \d+ (?:new|up|down|flat|dropped)$", x) for x in rows)
    assert any(x.startswith("1  浪潮信息  IEIT Systems") and x.endswith("recommended 推荐  0.900  AI芯片与服务器    1 new") for x in rows)


def test_conviction_keys_are_documented():
    from supplychain.conviction import CONVICTION_KEYS, TRENDS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("**Conviction**", 1)[1].split("**`drivers COMPANY`**", 1)[0]
    for key in CONVICTION_KEYS:
        assert f"`{key}`" in section
    for t in TRENDS:
        assert f"`{t}`" in section
