"""Names describe the figure: the concept words around the number with their subject,
never a verb stub (上架率回), a bare time word (三年, 2025年三季度), 同比 or 数值."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import run
from supplychain.graph import load_graph
from supplychain.ingest.figures import place
from supplychain.ingest.parse import parse_metrics

NOTES = [
    Path("tests/fixtures/drivers/industry_research_2025-11-05.md"),
    Path("tests/fixtures/metrics/industry_research_2025-11-07.md"),
    Path("tests/fixtures/drivers/industry_research_2025-11-14.md"),
    Path("tests/fixtures/metrics/industry_research_2025-11-20.md"),
    Path("tests/fixtures/metrics/industry_research_2025-12-12.md"),
]


@pytest.mark.parametrize(
    "sentence, old, name, period",
    [
        # the names the old extraction gave are in the second column
        ("光环新网上架率回升至85%，新增机柜以AI算力需求为主。", "光环新网上架率回", "光环新网上架率", None),
        ("北美四大云厂商资本开支继续上修，2025年三季度合计约1130亿美元。", "2025年三季度", "资本开支", "2025Q3"),
        ("北美四大云厂商资本开支继续上修，三季度合计约1130亿美元。", "三季度", "资本开支", None),
        ("资本开支三年合计约3800亿元。", "资本开支三年", "资本开支", "三年"),
        ("阿里巴巴未来三年将投入超3800亿元用于云和AI硬件基础设施建设。", "阿里巴巴未来三年将投入", "阿里巴巴投入", "未来三年"),
        ("Meta将2025年资本开支指引收窄至700-720亿美元。", "数值", "Meta资本开支指引", "2025"),
        ("腾讯2025年三季度资本开支129.83亿元，同比下降24.05%。", "腾讯2025年三季度资本开支", "腾讯资本开支", "2025Q3"),
    ],
)
def test_names_from_the_concept_words(sentence, old, name, period):
    (m,) = parse_metrics(sentence)
    assert (m.name, m.period) == (name, period)
    assert m.name != old


def test_a_yoy_after_an_approximate_figure_is_its_yoy_not_a_metric_named_tongbi():
    got = [(m.name, m.value, m.yoy, m.qualifier) for m in parse_metrics("北美四大云厂商2025Q3资本开支合计约1130亿美元，同比增长约75%。")]
    assert got == [("北美四大云厂商资本开支", 1130.0, 75.0, "~")]


def test_a_number_nothing_names_is_no_figure():
    assert parse_metrics("微软、谷歌、亚马逊与Meta三季度合计约1130亿美元。") == []
    assert [m.name for m in parse_metrics("微软、谷歌、亚马逊与Meta三季度资本开支合计约1130亿美元。")] == ["微软、谷歌、亚马逊与Meta资本开支"]


@pytest.mark.parametrize(
    "sentence, node, name",
    [
        ("阿里巴巴未来三年将投入超3800亿元用于云和AI硬件基础设施建设。", "alibaba-capex", "资本开支"),  # 投入: capex, on the driver
        ("微软FY2026Q1为349亿美元，资本开支创新高。", "r", "微软资本开支"),  # on the report, the subject leads
    ],
)
def test_names_relative_to_the_node(graph, sentence, node, name):
    drivers = [n for n in graph.nodes.values() if n.type == "driver"]
    (m,) = parse_metrics(sentence)
    where = place(drivers, "alibaba-capex", "r", m)
    assert (where.node, where.name) == (node, name)


def test_no_bad_name_after_every_fixture_note(graph_copy, capsys):
    assert run(capsys, "-g", graph_copy, "ingest", *NOTES)[0] == 0
    g = load_graph(graph_copy)
    names = sorted({m.name for n in g.nodes.values() for m in getattr(n, "metrics", ())})
    bad = re.compile(r"^(?:数值|同比|环比|合计|其中)$|^[一二三四五六七八九十两\d]+(?:年|个月|季度)$|(?:回|至|达|将|约)$|\d{4}年|Q[1-4]$")
    assert [n for n in names if bad.search(n)] == []
    assert names == sorted([
        "GB300机柜功率", "Meta资本开支指引", "亚马逊资本开支", "全球下载量", "可用区数", "地域数", "光环新网上架率",
        "微软资本开支", "物业与设备购置支出", "营收", "衍生模型数量", "谷歌资本开支指引", "资本开支", "连续三位数同比增长季度数",
    ])
