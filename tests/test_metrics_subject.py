"""Metrics belong to their subject: a figure goes on the driver it is about, else on the
report node, never on an unrelated driver (issue 9, item 7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import GRAPH, SEED_NOTE, run
from supplychain.graph import Graph, load_graph
from supplychain.ingest.figures import place
from supplychain.ingest.parse import parse_metrics, parse_report
from supplychain.ingest.plan import plan_report
from supplychain.schema import DriverNode
from supplychain.store import load_data

NORTH_AMERICA = Path("tests/fixtures/drivers/industry_research_2025-11-05.md")
HYPERSCALERS = Path("tests/fixtures/metrics/industry_research_2025-11-07.md")
TENCENT = Path("tests/fixtures/drivers/industry_research_2025-11-14.md")


def figures(plan):
    """(node, name, value, low, high, unit, period) of every metric a plan records."""
    return [(m.driver, m.metric.name, m.metric.value, m.metric.low, m.metric.high, m.metric.unit, m.metric.period)
            for m in plan.metrics]


def test_the_seed_notes_figures_go_where_the_curated_graph_holds_them(graph):
    """On real data: each figure the parser reads from the seed note is placed on the
    driver data/graph.yaml (curated by hand) holds it on, under its curated name where
    the parser reads the same words."""
    report = parse_report(SEED_NOTE)
    drivers = [n for n in graph.nodes.values() if n.type == "driver"]
    curated = {(m.value, m.yoy): (n.id, m.name) for n in drivers for m in n.metrics}
    placed = {}
    for fact in report.facts:
        for m in fact.metrics:
            where = place(drivers, "alibaba-capex", report.id, m)
            placed[(m.value, m.yoy)] = (where.node, where.name)
    assert placed == {
        (398.24, 34.0): ("alibaba-cloud-revenue", "营收"),
        (315.01, 80.1): ("alibaba-capex", "资本开支"),
        (None, 85.12): ("alibaba-ppe-spend", "物业与设备购置支出"),
        (18.0, None): ("qwen-ecosystem", "衍生模型"),
        (7.0, None): ("qwen-ecosystem", "全球下载量"),
        (29.0, None): ("alibaba-dc-expansion", "地域数"),
        (92.0, None): ("alibaba-dc-expansion", "可用区数"),
    }
    for key, (node, name) in placed.items():
        assert curated[key][0] == node, key
    assert {k: v for k, v in placed.items() if curated[k][1] != v[1]} == {(18.0, None): ("qwen-ecosystem", "衍生模型")}  # curated: 衍生模型数量


def test_the_seed_note_reingested_is_still_a_no_op(graph):
    assert plan_report(graph, parse_report(SEED_NOTE)).empty


def test_hyperscaler_figures_go_on_the_report_not_on_the_north_american_driver(graph):
    plan = plan_report(graph, parse_report(HYPERSCALERS))
    assert plan.driver == "north-american-cloud-capex"
    report = "industry-research-2025-11-07"
    assert figures(plan) == [
        (report, "微软资本开支", 349.0, None, None, "亿美元", "FY2026Q1"),
        (report, "谷歌资本开支指引", None, 910.0, 930.0, "亿美元", "2025"),
        (report, "Meta资本开支指引", None, 700.0, 720.0, "亿美元", "2025"),
        (report, "亚马逊资本开支", 1250.0, None, None, "亿美元", "2025"),
        ("north-american-cloud-capex", "资本开支", 1130.0, None, None, "亿美元", "2025Q3"),
        ("north-american-cloud-capex", "资本开支", 3800.0, None, None, "亿美元", "2025"),
        (report, "GB300机柜功率", 135.0, None, None, "kW", None),
    ]
    text = plan.describe()
    assert "  new metric    industry_research_2025-11-07: GB300机柜功率 ~135 kW — about GB300, no driver names it" in text
    assert "  new metric    industry_research_2025-11-07: 微软资本开支 349 亿美元 (+74% YoY, FY2026Q1) — about 微软, no driver of the graph" in text
    assert not any(m.driver == "alibaba-capex" for m in plan.metrics)


def test_a_figure_goes_on_the_existing_driver_its_subject_and_concept_match(graph):
    """With a 微软资本开支 driver in the graph, Microsoft's capex in a North-American note
    goes there, named without its subject; the others stay on the report."""
    data = load_data(GRAPH)
    data.nodes.append(DriverNode(type="driver", id="microsoft-capex", name="微软资本开支", name_en="Microsoft capex"))
    plan = plan_report(Graph(data), parse_report(HYPERSCALERS))
    assert figures(plan)[0] == ("microsoft-capex", "资本开支", 349.0, None, None, "亿美元", "FY2026Q1")
    assert {f[0] for f in figures(plan)[1:]} == {"industry-research-2025-11-07", "north-american-cloud-capex"}


@pytest.mark.parametrize(
    "sentence, expected",
    [
        # the note's own subject and concept: its driver
        ("FY2026Q3资本开支指引上调至380亿元。", ("alibaba-capex", "资本开支指引")),
        ("阿里云FY2026Q2资本开支315.01亿元。", ("alibaba-capex", "资本开支")),
        # another driver of the same subject, by concept
        ("阿里云Q2营收398.24亿元。", ("alibaba-cloud-revenue", "营收")),
        # another company with no driver: the report, its name kept
        ("腾讯2025Q3资本开支129.83亿元。", ("r", "腾讯资本开支")),
        # a concept no driver of the subject measures: the report
        ("国产AI芯片订单同比增长120%。", ("r", "国产AI芯片订单")),
        ("光环新网上架率回升至85%。", ("r", "光环新网上架率")),
        # a product: the report
        ("GB300机柜功率约135kW。", ("r", "GB300机柜功率")),
    ],
)
def test_placement_in_an_alibaba_capex_note(graph, sentence, expected):
    drivers = [n for n in graph.nodes.values() if n.type == "driver"]
    (fact,) = parse_metrics(sentence)
    where = place(drivers, "alibaba-capex", "r", fact)
    assert (where.node, where.name) == expected


def test_tencents_capex_never_lands_on_alibaba(graph_copy, capsys):
    """The issue's first case: the Tencent note's capex is Tencent's, and an Alibaba
    figure a Tencent-driver graph holds does not move."""
    assert run(capsys, "-g", graph_copy, "ingest", TENCENT, NORTH_AMERICA)[0] == 0
    g = load_graph(graph_copy)
    tencent = [(m.name, m.value, m.unit, m.period) for m in g.nodes["tencent-capex"].metrics]
    assert tencent == [("资本开支", 129.83, "亿元", "2025Q3")]
    na = [(m.name, m.value, m.unit, m.period, m.yoy, m.qualifier) for m in g.nodes["north-american-cloud-capex"].metrics]
    assert na == [("资本开支", 1130.0, "亿美元", "2025Q3", 75.0, "~")]
    alibaba = g.nodes["alibaba-capex"].metrics
    assert [m.source.report for m in alibaba] == ["industry-research-2025-11-26"]
    code, out, _ = run(capsys, "-g", graph_copy, "show", "阿里云资本开支")
    assert code == 0 and "129.83" not in out and "1130" not in out
