"""`supplychain history`: every stance claim on a name, oldest first, on notes about two drivers."""

from __future__ import annotations

import json

import pytest

from conftest import FIXTURES, GRAPH, ROOT, run

BRIEF = FIXTURES / "brief"
NOTES = [  # (note, --driver): two notes about Alibaba's capex around one about Tencent's
    ("industry_research_2025-12-03.md", None),
    ("industry_research_2025-12-05.md", "腾讯资本开支"),
    ("industry_research_2025-12-10.md", None),
]


def ingest_brief_notes(folder):
    """A copy of the bundled graph with the three fixture notes ingested, in date order."""
    from supplychain.ingest.apply import ingest

    path = folder / "graph.yaml"
    path.write_bytes(GRAPH.read_bytes())
    for note, driver in NOTES:
        ingest([str(BRIEF / note)], str(path), driver=driver)
    return path


@pytest.fixture(scope="module")
def brief_graph(tmp_path_factory):
    from supplychain import load_graph

    return load_graph(ingest_brief_notes(tmp_path_factory.mktemp("brief")))


def test_every_stance_claim_oldest_first(brief_graph):
    from supplychain.history import history

    h = history(brief_graph, "浪潮信息")
    assert [(e.date.isoformat(), e.report, e.sector, e.stance) for e in h] == [
        ("2025-11-26", "industry-research-2025-11-26", "ai-chips-servers", "listed"),
        ("2025-12-05", "industry-research-2025-12-05", "ai-chips-servers", "recommended"),
    ]
    assert h[1].quote == "AI芯片与服务器：浪潮信息（推荐）"
    # the Tencent note recorded its driver (issue 9): the claim is about Tencent only
    assert h[1].drivers == ("tencent-capex",) and h[1].named_driver


def test_history_lists_every_claim_of_the_name(brief_graph):
    from supplychain.history import history

    # 欧陆通 is recommended by the seed note and both Alibaba notes
    h = history(brief_graph, "300870.SZ")
    assert [e.date.isoformat() for e in h] == ["2025-11-26", "2025-12-03", "2025-12-10"]
    assert {e.stance for e in h} == {"recommended"}
    edges = [e for e in brief_graph.edges_of("honor-electronic") if e.type == "member_of"]
    assert len(h) == sum(1 for e in edges for c in e.claims if c.stance)


def test_driver_filter_keeps_the_drivers_it_drives(brief_graph):
    from supplychain.history import history

    assert history(brief_graph, "英维克", driver="腾讯资本开支")[-1].stance == "beneficiary"
    # AI需求 drives 阿里云资本开支: its history holds the Alibaba claims
    assert len(history(brief_graph, "欧陆通", driver="AI需求")) == 3
    # the Tencent note drives no switch sector: 中兴通讯 has no claim about it
    assert history(brief_graph, "中兴通讯", driver="腾讯资本开支") == []
    assert len(history(brief_graph, "中兴通讯")) == 1


def test_cli_json_csv_table(brief_graph, capsys):
    code, out, err = run(capsys, "--graph", brief_graph.path, "history", "英维克", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["node"] == {"id": "envicool", "name": "英维克", "type": "company"}
    assert [c["stance"] for c in data["claims"]] == ["recommended", "beneficiary"]
    assert data["claims"][1]["report"] == "industry-research-2025-12-05"
    assert data["claims"][1]["report_title"].startswith("市场研究摘要：腾讯资本开支")
    code, out, _ = run(capsys, "--graph", brief_graph.path, "history", "英维克", "-f", "csv")
    assert out.splitlines()[0] == "date,report,report_title,drivers,sector,stance,quote" and len(out.splitlines()) == 3
    code, out, _ = run(capsys, "--graph", brief_graph.path, "history", "英维克")
    assert "Stance history of 英维克" in out and "“液冷/风冷系统：英维克（受益）”" in out


def test_unknown_name_and_wrong_type_are_one_line(capsys):
    code, out, err = run(capsys, "history", "不存在的公司")
    assert code == 1 and err.startswith("Error: ") and err.count("\n") == 1 and out == ""
    code, out, err = run(capsys, "history", "阿里云资本开支")
    assert code == 1 and err.count("\n") == 1


def test_documented_history_json_keys_are_the_real_ones(graph):
    from supplychain.history import history, history_json

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("**`history NAME`**", 1)[1].split("```json", 1)[1].split("```", 1)[0]
    doc = json.loads(block)
    real = history_json(graph, graph.resolve("英维克"), history(graph, "英维克"))
    assert set(doc) == set(real)
    assert set(doc["node"]) == set(real["node"])
    assert set(doc["claims"][0]) == set(real["claims"][0])
