"""The driver of a note, inferred from its title (subject + concept), and how a new
driver joins the chain (drives from AI需求, operates from its company)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import GRAPH, run
from supplychain.graph import load_graph
from supplychain.ingest.apply import ingest
from supplychain.ingest.parse import parse_report, parse_text
from supplychain.ingest.subjects import driver_from_title
from supplychain.query import exposure

DRIVERS = Path("tests/fixtures/drivers")
TENCENT = DRIVERS / "industry_research_2025-11-14.md"
NORTH_AMERICA = DRIVERS / "industry_research_2025-11-05.md"
SEED = Path("data/reports/industry_research_2025-11-26.md")


@pytest.fixture
def graph_copy(tmp_path) -> Path:
    path = tmp_path / "graph.yaml"
    path.write_bytes(GRAPH.read_bytes())
    return path


def title_note(title: str) -> str:
    return f"---\ntitle: t\ndate: 2025-12-01\n---\n\n# {title}\n\n**重点受益行业与标的**：\n\n- **存储芯片**：兆易创新（推荐）\n"


@pytest.mark.parametrize("title, expected", [
    ("市场研究摘要：国产AI算力产业链迎来基本面拐点——基于阿里云高增长与资本开支扩张分析", "alibaba-capex"),
    ("阿里雲資本開支再創新高", "alibaba-capex"),
    ("Alibaba Cloud capex beats again", "alibaba-capex"),
])
def test_an_existing_driver_is_used_when_subject_and_concept_match(title, expected):
    g = load_graph(GRAPH)
    report = parse_text(title_note(title), "t.md", "industry_research_2025-12-01.md")
    assert driver_from_title(g, report) == expected


@pytest.mark.parametrize("title, name, id_", [
    ("腾讯资本开支超预期，AI服务器订单加速", "腾讯资本开支", "tencent-capex"),
    ("字节跳动资本开支指引上调，AI算力链受益", "字节跳动资本开支", "bytedance-capex"),
    ("英伟达H200出口政策松动点评", "英伟达H200出口政策", "nvidia-h200-export-policy"),
])
def test_a_new_driver_is_named_from_subject_and_concept(tmp_path, graph_copy, title, name, id_):
    note = tmp_path / "industry_research_2025-12-01.md"
    note.write_text(title_note(title), encoding="utf-8")
    result = ingest([note], graph_copy, dry_run=True)
    plan = result.plans[0]
    assert plan.driver == id_ and plan.names[id_] == name
    assert "new driver" in plan.describe()


def test_a_generic_word_alone_never_names_alibabas_driver(tmp_path, graph_copy, capsys):
    note = tmp_path / "industry_research_2025-12-01.md"
    note.write_text(title_note("资本开支周期下的AI算力投资机会"), encoding="utf-8")
    before = graph_copy.read_bytes()
    code, out, err = run(capsys, "-g", graph_copy, "ingest", note)
    assert code == 1 and out == "" and graph_copy.read_bytes() == before
    assert err.startswith(f"Error: {note}:6: the title names no subject whose driver this note is about")
    assert "pass --driver NAME (candidates: --driver " in err and err.count("\n") == 1
    g = load_graph(GRAPH)
    assert g.matches("capex") == set() and g.matches("资本开支") == set()
    assert g.resolve("Alibaba capex").id == g.resolve("阿里资本开支").id == "alibaba-capex"


def test_each_note_of_a_folder_gets_its_own_driver(graph_copy):
    forced = ingest([DRIVERS], graph_copy, dry_run=True,  # (before the notes are in: once filed
                    driver="阿里云资本开支")                   # under their own drivers, another is refused)
    assert {p.driver for p in forced.plans} == {"alibaba-capex"}
    result = ingest([DRIVERS], graph_copy)
    assert [p.driver for p in result.plans] == ["north-american-cloud-capex", "tencent-capex"]


def test_a_new_driver_joins_the_chain(graph_copy):
    ingest([TENCENT, NORTH_AMERICA], graph_copy)
    g = load_graph(graph_copy)
    by_key = {e.key: e for e in g.edges}
    op = by_key[("operates", "tencent", "tencent-capex")]
    assert op.claims[0].quote == "市场研究摘要：腾讯资本开支超预期，AI服务器与光模块订单加速释放"  # a sentence of the note
    assert op.claims[0].driver == "tencent-capex"
    for d in ("tencent-capex", "north-american-cloud-capex"):
        quote = by_key[("drives", "ai-demand", d)].claims[0].quote
        assert quote in (TENCENT.read_text("utf-8") + NORTH_AMERICA.read_text("utf-8"))
    assert not any(k[0] == "operates" and k[2] == "north-american-cloud-capex" for k in by_key)
    # AI需求 reaches the names of every hyperscaler note, named
    ai = {r.node.name: r for r in exposure(g, "AI需求").results}
    for name in ("工业富联", "沪电股份", "深南电路", "环旭电子", "中际旭创", "英维克"):
        assert ai[name].basis == "named", name
    assert ai["环旭电子"].stance_driver == "north-american-cloud-capex"


def test_the_seed_note_still_resolves_and_adds_nothing():
    g = load_graph(GRAPH)
    assert driver_from_title(g, parse_report(SEED)) == "alibaba-capex"
