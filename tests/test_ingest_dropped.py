"""Issue 9 item 4: a note that takes names off its list records a ``dropped`` claim for its
driver; the name stops being named for that driver and stays named for the others."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import GRAPH, run
from supplychain.graph import load_graph
from supplychain.ingest.formats import parse_note
from supplychain.ingest.formats.dropped import drop_spans
from supplychain.ingest.parse import parse_report
from supplychain.query import exposure

TENCENT = Path("tests/fixtures/drivers/industry_research_2025-11-14.md")
DOWNGRADE = Path("tests/fixtures/dropped/industry_research_2025-12-08.md")
ENGLISH = Path("tests/fixtures/dropped/alibaba_capex_picks_2025-12-15.md")


@pytest.fixture
def graph_copy(tmp_path) -> Path:
    path = tmp_path / "graph.yaml"
    path.write_bytes(GRAPH.read_bytes())
    return path


@pytest.fixture
def dropped_graph(graph_copy, capsys) -> Path:
    """The seed, the Tencent capex note (浪潮信息 受益), then the Alibaba downgrade note."""
    assert run(capsys, "-g", graph_copy, "ingest", TENCENT)[0] == 0
    code, out, _ = run(capsys, "-g", graph_copy, "ingest", DOWNGRADE)
    assert code == 0, out
    return graph_copy


def _names(report) -> dict[str, str]:
    return {r.node.name: r.basis for r in report.results}


def test_the_downgrade_note_reads_its_drops_and_nothing_else_as_dropped():
    report = parse_report(DOWNGRADE)
    line = next(s for s in report.sectors if s.name == "AI芯片与服务器")
    assert [(m.name, m.stance) for m in line.mentions] == [("海光信息", "beneficiary"), ("浪潮信息", "dropped")]
    assert all(m.stance != "dropped" for s in report.sectors if s is not line for m in s.mentions)
    # the prose drops go to the gazetteer: only the sentences that hold a drop
    assert [n for n, _ in report.sentences] == [16, 21]


def test_the_plan_says_dropped_and_makes_no_recommended_claim_from_a_drop_sentence(graph_copy, capsys):
    assert run(capsys, "-g", graph_copy, "ingest", TENCENT)[0] == 0
    code, out, _ = run(capsys, "-g", graph_copy, "ingest", DOWNGRADE, "--dry-run")
    assert code == 0
    assert "new claim     member_of 浪潮信息 → AI芯片与服务器 [dropped]" in out
    assert "new claim     member_of 光环新网 → AIDC数据中心运营 [dropped]" in out
    assert ("dropped       光环新网 in AIDC数据中心运营: recommended (2025-11-26, industry-research-2025-11-26) → "
            "dropped (2025-12-08, industry-research-2025-12-08)") in out
    assert "[recommended]" not in "".join(x for x in out.splitlines() if "浪潮信息" in x or "光环新网" in x)
    assert "阿里巴巴" not in out  # a name in a drop sentence's other clause is not dropped


def test_a_dropped_name_is_no_longer_named_for_its_driver_and_stays_named_for_another(dropped_graph):
    g = load_graph(dropped_graph)
    alibaba = exposure(g, "阿里云资本开支")
    assert "浪潮信息" not in _names(alibaba) and "光环新网" not in _names(alibaba)
    assert _names(alibaba)["中际旭创"] == "named" and _names(alibaba)["海光信息"] == "named"
    tencent = _names(exposure(g, "腾讯资本开支"))
    assert tencent["浪潮信息"] == "named"  # the Tencent note named it; the Alibaba drop is not Tencent's
    # listed apart on request, with the drop's evidence
    dropped = exposure(g, "阿里云资本开支", stances=["dropped"])
    assert {r.node.name: r.score for r in dropped.results} == {"浪潮信息": 0.0, "光环新网": 0.0}
    assert dropped.results[0].hops[-1].claim.report == "industry-research-2025-12-08"
    # the graph as it was before the drop still names them
    before = _names(exposure(g, "阿里云资本开支", as_of=__import__("datetime").date(2025, 12, 7)))
    assert before["浪潮信息"] == "named" and before["光环新网"] == "named"


def test_changes_lists_the_drop_and_show_keeps_the_history(dropped_graph, capsys):
    code, out, _ = run(capsys, "-g", dropped_graph, "changes", "--driver", "阿里云资本开支", "--format", "json")
    assert code == 0
    data = json.loads(out)["drivers"][0]
    assert {(c["name"], c["before"], c["after"]) for c in data["dropped"]} == {
        ("浪潮信息", "listed", "dropped"), ("光环新网", "recommended", "dropped")}
    assert not any(c["name"] in ("浪潮信息", "光环新网") for c in data["downgrades"])
    code, out, _ = run(capsys, "-g", dropped_graph, "changes", "--driver", "腾讯资本开支")
    assert code == 0 and "浪潮信息" not in out  # not Tencent's change
    code, out, _ = run(capsys, "-g", dropped_graph, "show", "浪潮信息", "--format", "json")
    claims = next(e for e in json.loads(out)["edges"] if e["other"]["id"] == "ai-chips-servers")["claims"]
    assert [(c["report"], c["stance"]) for c in claims] == [
        ("industry-research-2025-11-14", "beneficiary"), ("industry-research-2025-11-26", "listed"),
        ("industry-research-2025-12-08", "dropped")]
    code, out, _ = run(capsys, "-g", dropped_graph, "history", "浪潮信息", "--driver", "阿里云资本开支")
    assert code == 0 and "dropped" in out and "industry-research-2025-12-08" in out


def test_conviction_trend_says_dropped(dropped_graph):
    from supplychain.conviction import Scope, counted_claims, trend

    g = load_graph(dropped_graph)
    assert trend(counted_claims(g, "ieit", Scope.of(g, "alibaba-capex"))) == "dropped"
    assert trend(counted_claims(g, "ieit", Scope.of(g, "tencent-capex"))) != "dropped"


def test_reingest_is_a_no_op_and_retract_restores_the_bytes(graph_copy, capsys):
    assert run(capsys, "-g", graph_copy, "ingest", TENCENT)[0] == 0
    before = graph_copy.read_bytes()
    assert run(capsys, "-g", graph_copy, "ingest", DOWNGRADE)[0] == 0
    after = graph_copy.read_bytes()
    assert after != before
    code, out, _ = run(capsys, "-g", graph_copy, "ingest", DOWNGRADE)
    assert code == 0 and "summary: nothing new" in out and graph_copy.read_bytes() == after
    assert run(capsys, "-g", graph_copy, "retract", "industry-research-2025-12-08")[0] == 0
    assert graph_copy.read_bytes() == before


def test_the_english_note_drops_inspur_and_keeps_its_picks(graph_copy, capsys):
    report = parse_report(ENGLISH)
    stances = {m.name: m.stance for m in report.mentions}
    assert stances == {"Inspur Electronic Information": "dropped", "Zhongji Innolight": "recommended",
                       "Envicool": "recommended"}
    assert run(capsys, "-g", graph_copy, "ingest", ENGLISH)[0] == 0
    g = load_graph(graph_copy)
    names = _names(exposure(g, "阿里云资本开支"))
    assert "浪潮信息" not in names and names["中际旭创"] == "named" and names["英维克"] == "named"
    assert "浪潮信息" in _names(exposure(load_graph(GRAPH), "阿里云资本开支"))


@pytest.mark.parametrize("text, dropped", [
    ("投资建议：不再推荐浪潮信息；建议关注中际旭创、新易盛。", {"浪潮信息"}),
    ("组合调整：调出：浪潮信息、光环新网；调入：工业富联（买入）。", {"浪潮信息", "光环新网"}),
    ("投资建议：重点推荐中际旭创，将光环新网从推荐标的中剔除。", {"光环新网"}),
])
def test_a_broker_note_drops_only_the_names_in_the_drop_clause(tmp_path, text, dropped):
    from supplychain.ingest.plan import plan_report

    note = tmp_path / "broker_2025-12-12.txt"
    note.write_text("\n".join(["通信行业点评：阿里云资本开支结构调整", "2025年12月12日", text, "风险提示：AI需求不及预期。"]),
                    encoding="utf-8")
    plan = plan_report(load_graph(GRAPH), parse_report(note))
    stances = {(plan.names[c.key[1]], c.claim.stance) for c in plan.claims if c.key[0] == "member_of"}
    assert {n for n, s in stances if s == "dropped"} == dropped
    assert not any(n in dropped and s != "dropped" for n, s in stances)
    assert plan.driver == "alibaba-capex" and not any(nn.node.type == "company" for nn in plan.nodes)


def test_words_that_exclude_something_else_drop_nobody():
    assert drop_spans("剔除汇兑影响后,中际旭创净利润增长20%。") == []
    assert drop_spans("Excluding one-offs, Sugon (603019 CH) grew 20%.") == []


def test_one_drivers_drop_does_not_hide_a_name_the_parent_still_reaches_through_another(dropped_graph):
    g = load_graph(dropped_graph)
    ai = {r.node.name: r for r in exposure(g, "AI需求").results}
    assert ai["浪潮信息"].basis == "named" and ai["浪潮信息"].stance == "listed"  # 腾讯资本开支's notes still name it
    # no other driver's note spoke of 光环新网: the Alibaba drop is the last word for AI需求 too
    assert "光环新网" not in ai


def test_drivers_of_a_dropped_name_leave_out_the_driver_that_dropped_it(dropped_graph):
    from supplychain.query import drivers

    g = load_graph(dropped_graph)
    reached = drivers(g, "浪潮信息")
    found = {r.id: r for r in reached if r.node.type == "driver"}
    # the driver whose note dropped it: listed last among drivers, score 0, the drop as its evidence
    dropped = found["alibaba-capex"]
    assert (dropped.stance, dropped.score, dropped.stance_driver) == ("dropped", 0.0, "alibaba-capex")
    assert dropped.hops[-1].claim.report == "industry-research-2025-12-08"
    assert [r.id for r in reached if r.node.type == "driver"][-1] == "alibaba-capex"
    assert "alibaba-cloud-revenue" not in found  # drives only Alibaba capex: no note of its own names the name
    assert found["tencent-capex"].basis == "named" and found["tencent-capex"].score == pytest.approx(0.72)  # Tencent's 受益
    tencent = {r.node.id: r.score for r in exposure(g, "腾讯资本开支").results}
    assert found["tencent-capex"].score == tencent["ieit"]


def test_exposure_stance_dropped_on_the_command_line(dropped_graph, capsys):
    code, out, _ = run(capsys, "-g", dropped_graph, "exposure", "阿里云资本开支", "--stance", "dropped", "-f", "json")
    assert code == 0
    results = json.loads(out)["results"]
    assert [(r["name"], r["stance"], r["call"], r["score"]) for r in results] == [
        ("浪潮信息", "dropped", "dropped", 0.0), ("光环新网", "dropped", "dropped", 0.0)]
    assert results[0]["evidence"][-1]["quote"] == "AI芯片与服务器：海光信息（受益）；浪潮信息（调出）"
    code, out, _ = run(capsys, "-g", dropped_graph, "exposure", "阿里云资本开支", "-f", "csv")
    ids = {row.split(",")[1] for row in out.splitlines()[1:]}
    assert code == 0 and "innolight" in ids and not ids & {"ieit", "sinnet"}


def test_a_rating_table_row_that_says_dropped(tmp_path):
    from supplychain.ingest.plan import plan_report

    note = tmp_path / "broker_table_2025-12-12.md"
    note.write_text("\n".join([
        "# 通信行业点评：阿里云资本开支结构调整", "2025年12月12日", "投资建议：建议关注中际旭创。", "",
        "| 证券代码 | 证券简称 | 上次评级 | 投资评级 |", "|---|---|---|---|",
        "| 300308.SZ | 中际旭创 | 买入 | 买入 |", "| 000977.SZ | 浪潮信息 | 增持 | 调出 |", "",
        "风险提示：AI需求不及预期。"]), encoding="utf-8")
    plan = plan_report(load_graph(GRAPH), parse_report(note))
    stances = {plan.names[c.key[1]]: c.claim.stance for c in plan.claims if c.key[0] == "member_of"}
    assert stances == {"中际旭创": "recommended", "浪潮信息": "dropped"}


def test_risks_still_reach_a_dropped_name_through_its_sub_sector(dropped_graph, capsys):
    """A drop is one driver's call: the name is still an AI-server maker, so what threatens
    the sub-sector reaches it with its score before the drop; what threatens only the
    driver that dropped it (and the drivers above it) does not."""
    from supplychain.query import drivers

    g = load_graph(dropped_graph)
    risks = {r.id: r for r in drivers(g, "浪潮信息") if r.node.type == "risk"}
    assert risks["risk-geopolitics"].score == pytest.approx(0.6)  # 出口管制 → AI芯片与服务器 → 浪潮信息 (listed: 1.0 × 0.6)
    assert risks["risk-geopolitics"].path == ("risk-geopolitics", "ai-chips-servers", "ieit")
    assert all(r.score > 0 for r in risks.values())
    # what threatens Alibaba capex reaches the name through Tencent capex, whose note names it
    assert risks["risk-capex-sustainability"].path == ("risk-capex-sustainability", "tencent-capex", "ai-chips-servers", "ieit")
    assert not any(r.path[1] == "alibaba-capex" for r in risks.values())
    code, out, _ = run(capsys, "-g", dropped_graph, "drivers", "浪潮信息")
    line = next(x for x in out.splitlines() if x.startswith("driver  alibaba-capex"))
    assert code == 0 and " 0.000 " in line and "— dropped 2025-12-08" in line


def test_a_parent_shows_the_path_through_a_driver_that_did_not_drop_the_name(dropped_graph):
    """From AI需求 the best paths to 浪潮信息 through 阿里云资本开支 and 腾讯资本开支 tie; the
    Alibaba note dropped it, so the path shown (and its evidence) goes through Tencent."""
    g = load_graph(dropped_graph)
    inspur = next(r for r in exposure(g, "AI需求").results if r.node.name == "浪潮信息")
    assert inspur.path == ("ai-demand", "tencent-capex", "ai-chips-servers", "ieit")
    assert inspur.score == pytest.approx(0.9 * 0.9 * 0.6)
    assert not any("调出" in h.claim.quote for h in inspur.hops)
    from supplychain.query import drivers

    ai = next(r for r in drivers(g, "浪潮信息") if r.id == "ai-demand")
    assert ai.score == inspur.score
