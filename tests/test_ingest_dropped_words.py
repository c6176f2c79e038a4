"""Dropped-name words that are not drops (issue 9 review): a negated drop, a drop from a watch
list (a promotion), an earlier drop or one from another subject's list; 调入/纳入/新增 add a name;
a label such as 金股调整： is list context; and the conviction trend after a drop and a re-pick."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import GRAPH, run
from supplychain.graph import load_graph
from supplychain.ingest.formats.dropped import drop_spans, kept_spans
from supplychain.ingest.parse import parse_report
from supplychain.ingest.plan import plan_report

FIXTURES = [Path("tests/fixtures") / d for d in ("drivers", "brief", "dropped", "metrics")]


def _note(title: str, prose: str, lines: list[tuple[str, str]], date: str = "2025-12-12") -> str:
    """A research-summary note as the bundled ones are written."""
    return "\n".join([
        "---", "layout: post", f'title: "industry_research_{date}"', f'date: "{date} 09:20:00 +0800"', "---", "",
        f"# 市场研究摘要：{title}", "", "## 简要部分", "", "### 主要话题与市场趋势概述", "", prose, "",
        "## 详细部分", "", "### 3. 相关ETF或行业的潜在影响", "", "**重点受益行业与标的**：", "",
        *[f"- **{s}**：{names}" for s, names in lines], "", "### 4. 主要风险与不确定性", "",
        "- **资本开支可持续性风险**：若资本开支增速回落快于预期，产业链订单或低于预期。", ""])


def _plan(tmp_path, text: str, name: str = "industry_research_2025-12-12.md", graph: Path = GRAPH):
    note = tmp_path / name
    note.write_text(text, encoding="utf-8")
    plan = plan_report(load_graph(graph), parse_report(note))
    stances = {(plan.names[c.key[1]], c.claim.stance) for c in plan.claims if c.key[0] == "member_of"}
    return plan, stances


OPTICS = [("光通信模块与器件", "中际旭创、新易盛（推荐）")]


# ---------------------------------------------------------------- 1. a negated drop is no drop


@pytest.mark.parametrize("sentence", [
    "我们暂不将浪潮信息调出推荐组合，维持推荐。",
    "通用服务器订单仍在交付，我们并未将浪潮信息从推荐组合中剔除，维持推荐。",
])
def test_a_negated_chinese_drop_keeps_the_name_recommended(tmp_path, sentence):
    assert drop_spans(sentence) == []
    plan, stances = _plan(tmp_path, _note("阿里云资本开支结构调整", sentence, OPTICS))
    assert plan.driver == "alibaba-capex"
    assert ("浪潮信息", "recommended") in stances and ("浪潮信息", "dropped") not in stances


def test_a_negated_english_drop_keeps_inspur_a_top_pick(tmp_path):
    for t in ("We do not remove Inspur (000977 CH) from our top picks.",
              "We don't remove Inspur (000977 CH) from our top picks.",
              "We have no plan to remove Inspur (000977 CH) from our top picks."):
        assert drop_spans(t) == [], t
    note = tmp_path / "alibaba_capex_picks_2025-12-15.md"
    note.write_text("\n".join([
        "# Alibaba Cloud capex: general-purpose servers hold up", "", "December 15, 2025", "",
        "Alibaba Cloud capex stays high as general-purpose server orders recover.",
        "We do not remove Inspur Electronic Information (000977 CH) from our top picks.",
        "Top picks: Inspur Electronic Information (000977 CH, Buy), Zhongji Innolight (300308 CH, Buy).", "",
        "## Key risks", "", "- Slower AI capex: Alibaba Cloud could cut spending if AI revenue growth disappoints."]),
        encoding="utf-8")
    report = parse_report(note)
    assert {m.name: m.stance for m in report.mentions} == {
        "Inspur Electronic Information": "recommended", "Zhongji Innolight": "recommended"}
    plan = plan_report(load_graph(GRAPH), report)
    stances = {(plan.names[c.key[1]], c.claim.stance) for c in plan.claims if c.key[0] == "member_of"}
    assert ("浪潮信息", "recommended") in stances and not any(s == "dropped" for _, s in stances)


def test_a_negation_elsewhere_in_the_clause_does_not_cancel_a_drop():
    t = "因通用服务器需求不及预期将浪潮信息调出推荐组合。"
    assert [(t[a:b], w) for a, b, w in drop_spans(t)] == [("因通用服务器需求不及预期将浪潮信息调出推荐组合", "调出")]


# ---------------------------------------------------------------- 2. 金股调整：调出…，调入…


def test_a_gold_stock_change_drops_one_name_and_adds_another(tmp_path):
    t = "本期金股调整：调出浪潮信息，调入中际旭创。"
    assert [(t[a:b], w) for a, b, w in drop_spans(t)] == [("调出浪潮信息", "调出")]
    assert [(t[a:b], w, s) for a, b, w, s in kept_spans(t)] == [("调入中际旭创", "调入", "recommended")]
    plan, stances = _plan(tmp_path, _note("阿里云资本开支结构调整", t, [("光通信模块与器件", "新易盛（推荐）")]))
    assert {n: s for n, s in stances} == {"浪潮信息": "dropped", "中际旭创": "recommended", "新易盛": "recommended"}


def test_adding_words_outside_a_list_add_nobody():
    for t in ("阿里云FY2026Q2资本开支同比增长80%，新增投入集中于自研芯片与液冷机房。",
              "中际旭创纳入MSCI中国指数。", "我们将浪潮信息纳入观察名单。", "暂不将浪潮信息纳入推荐组合。"):
        assert kept_spans(t) == [], t


# ---------------------------------------------------------------- 3. out of the watch list, into the picks


def test_moving_out_of_the_watch_list_into_the_picks_is_a_promotion(tmp_path):
    t = "浪潮信息从观察名单移出，正式纳入推荐组合。"
    assert drop_spans(t) == []
    plan, stances = _plan(tmp_path, _note("阿里云资本开支结构调整", t, OPTICS))
    assert ("浪潮信息", "recommended") in stances and ("浪潮信息", "dropped") not in stances
    # moving a name out of the picks into the watch list is still a drop
    t = "将浪潮信息调出推荐组合并纳入观察名单。"
    assert [w for _, _, w in drop_spans(t)] == ["调出"] and kept_spans(t) == []
    assert drop_spans("We remove Inspur (000977 CH) from our watch list and add it to our top picks.") == []


# ---------------------------------------------------------------- 4. another driver's list, an earlier drop


NORTH_AMERICA = _note(
    "北美云厂商资本开支再上修，AI服务器需求外溢至A股供应链",
    "此前已将浪潮信息调出阿里云相关组合；北美云厂商GB300机柜出货提速，我们推荐浪潮信息。",
    [("AI芯片与服务器", "浪潮信息、工业富联（推荐）")])


def test_a_drop_from_another_subjects_list_is_not_this_notes_drop(tmp_path, capsys):
    graph = tmp_path / "graph.yaml"
    graph.write_bytes(GRAPH.read_bytes())
    assert run(capsys, "-g", graph, "ingest", FIXTURES[0] / "industry_research_2025-11-05.md")[0] == 0
    plan, stances = _plan(tmp_path, NORTH_AMERICA, graph=graph)
    assert plan.driver == "north-american-cloud-capex"
    assert stances == {("浪潮信息", "recommended"), ("工业富联", "recommended")}
    assert not any("dropped" in n for n in plan.notes)
    claim = next(c.claim for c in plan.claims if c.key[0] == "member_of" and plan.names[c.key[1]] == "浪潮信息")
    assert claim.quote == "AI芯片与服务器：浪潮信息、工业富联（推荐）"
    # the same words without 此前已, in a note about Alibaba capex, are that note's drop …
    assert [w for _, _, w in drop_spans("将浪潮信息调出阿里云资本开支相关组合。", "阿里云资本开支结构调整")] == ["调出"]
    # … and in a note about another subject they are not
    assert drop_spans("将浪潮信息调出阿里云资本开支相关组合。", "北美云厂商资本开支再上修") == []


def test_an_earlier_drop_is_not_this_notes_drop():
    assert drop_spans("浪潮信息已于11月调出推荐组合，本期维持中性。") == []
    assert drop_spans("We previously removed Inspur (000977 CH) from our top picks.") == []


# ---------------------------------------------------------------- 5. the trend after a drop and a re-pick


def test_a_name_picked_again_after_its_drivers_drop_trends_up(tmp_path, capsys):
    graph = tmp_path / "graph.yaml"
    graph.write_bytes(GRAPH.read_bytes())
    code, out, _ = run(capsys, "-g", graph, "ingest", *FIXTURES)
    assert code == 0, out
    assert ("upgrade       光环新网 in AIDC数据中心运营: dropped (2025-12-08, industry-research-2025-12-08) → "
            "recommended (2025-12-12, industry-research-2025-12-12)") in out
    for driver in ("阿里云资本开支", "AI需求"):
        code, out, _ = run(capsys, "-g", graph, "exposure", driver, "-f", "json")
        sinnet = next(r for r in json.loads(out)["results"] if r["name"] == "光环新网")
        assert (sinnet["stance"], sinnet["trend"], sinnet["reports"]) == ("recommended", "up", 3), driver
    code, out, _ = run(capsys, "-g", graph, "changes", "--since", "2025-12-09", "-f", "json")
    ups = json.loads(out)["drivers"][0]["upgrades"]
    assert code == 0 and ("光环新网", "dropped", "recommended") in {(c["name"], c["before"], c["after"]) for c in ups}


def test_trend_one_drivers_drop_with_another_still_naming_it_and_its_own_repick():
    import datetime as dt
    from types import SimpleNamespace as C

    from supplychain.conviction import trend

    d = dt.date.fromisoformat
    own = [C(date=d("2025-11-26"), stance="recommended", driver="alibaba-capex"),
           C(date=d("2025-12-08"), stance="dropped", driver="alibaba-capex"),
           C(date=d("2025-12-12"), stance="recommended", driver="alibaba-capex")]
    assert trend(own) == "up"
    assert trend(own[:2]) == "dropped"
    # a parent: Tencent's note still names it, so Alibaba's drop is not the parent's last word
    tencent = [C(date=d("2025-11-14"), stance="beneficiary", driver="tencent-capex")]
    assert trend(tencent + own[:2]) == "up"  # beneficiary (11-14) → recommended (11-26); the 12-08 drop is Alibaba's
    assert trend(own[:2]) == "dropped"  # … while for Alibaba alone the drop is the last word
