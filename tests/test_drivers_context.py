"""Stance in context: every claim an ingest makes records the driver of its note, and a
driver's exposure names only what notes about it (or the drivers it drives) named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import GRAPH, run
from supplychain.graph import load_graph
from supplychain.ingest.apply import ingest
from supplychain.ingest.changes import changes
from supplychain.query import drivers, exposure

DRIVERS = Path("tests/fixtures/drivers")
TENCENT = DRIVERS / "industry_research_2025-11-14.md"  # 腾讯资本开支超预期…
NORTH_AMERICA = DRIVERS / "industry_research_2025-11-05.md"  # 北美云厂商资本开支再上修…


@pytest.fixture
def graph_copy(tmp_path) -> Path:
    path = tmp_path / "graph.yaml"
    path.write_bytes(GRAPH.read_bytes())
    return path


def named(report):
    return [(r.id, r.stance, r.score, r.path) for r in report.results if r.basis == "named"]


def test_seed_graph_answers_are_unchanged_and_all_named():
    g = load_graph(GRAPH)
    r = exposure(g, "阿里云资本开支")
    assert g.entry.driver_edges() == []
    assert {x.basis for x in r.results} == {"named"} and all(x.stance_driver is None for x in r.results)
    assert len([x for x in r.results if x.node.type == "company"]) == 44


def test_one_drivers_note_changes_no_other_drivers_named_results(graph_copy):
    before = named(exposure(load_graph(graph_copy), "阿里云资本开支"))
    ingest([TENCENT], graph_copy, driver="腾讯资本开支")
    ingest([NORTH_AMERICA], graph_copy, driver="北美云厂商资本开支")
    g = load_graph(graph_copy)
    r = exposure(g, "阿里云资本开支")
    assert named(r) == before
    inferred = [x for x in r.results if x.basis == "inferred"]
    assert {x.node.name for x in inferred} == {"工业富联", "环旭电子"}
    assert r.results[-len(inferred):] == inferred  # ranked after every named name
    fii = next(x for x in inferred if x.node.name == "工业富联")
    assert fii.stance is None and fii.stance_driver is None
    assert fii.score == pytest.approx(0.9 * 0.5)  # drives 0.9 × member_of 1 × inferred 0.5
    assert fii.explain() == "drives 0.9 × member_of 1 × inferred 0.5 = 0.45"
    assert fii.hops[-1].claim.report in {"industry-research-2025-11-14", "industry-research-2025-11-05"}


def test_the_other_driver_names_its_own_picks_with_its_stance(graph_copy):
    ingest([TENCENT], graph_copy, driver="腾讯资本开支")
    g = load_graph(graph_copy)
    r = exposure(g, "腾讯资本开支")
    by = {x.node.name: x for x in r.results}
    assert by["工业富联"].basis == "named" and by["工业富联"].stance == "recommended"
    assert by["工业富联"].stance_driver == "tencent-capex"
    # the seed's later claim is the Alibaba note's: for Tencent its own note's claim is current
    assert by["中际旭创"].stance == "recommended" and by["中际旭创"].stance_driver == "tencent-capex"
    assert by["沪电股份"].basis == "named"
    # 浪潮信息: Tencent says 受益 (11-14); the later seed (11-26, about Alibaba) lists it, for Alibaba only
    assert by["浪潮信息"].stance == "beneficiary"
    ali = {x.node.name: x for x in exposure(g, "阿里云资本开支").results}
    assert ali["浪潮信息"].hops[-1].claim.report == "industry-research-2025-11-26" and ali["浪潮信息"].basis == "named"
    assert "沪电股份" not in ali  # its sub-sector is not one Alibaba drives


def test_cli_table_json_and_csv_say_named_or_inferred(graph_copy, capsys):
    ingest([TENCENT], graph_copy, driver="腾讯资本开支")
    code, out, _ = run(capsys, "-g", graph_copy, "exposure", "阿里云资本开支")
    assert code == 0
    assert "  49 named by notes about this driver (or the drivers it drives), 1 inferred" in out
    assert ("      inferred: put in AI芯片与服务器 by industry-research-2025-11-14, a note about 腾讯资本开支 "
            "(tencent-capex); no note about this driver names it") in out
    code, out, _ = run(capsys, "-g", graph_copy, "exposure", "阿里云资本开支", "-f", "json")
    rows = json.loads(out)["results"]
    assert rows[-1]["name"] == "工业富联" and rows[-1]["basis"] == "inferred" and rows[-1]["stance"] is None
    assert {r["basis"] for r in rows[:-1]} == {"named"}
    code, out, _ = run(capsys, "-g", graph_copy, "exposure", "阿里云资本开支", "-f", "csv")
    lines = out.splitlines()
    assert lines[0].endswith(",basis,stance_driver,call")
    assert lines[-1].startswith("50,foxconn-industrial-internet,") and lines[-1].endswith(",inferred,,exposed")


def test_drivers_of_a_company_say_named_or_inferred(graph_copy, capsys):
    ingest([TENCENT], graph_copy, driver="腾讯资本开支")
    g = load_graph(graph_copy)
    basis = {r.id: r.basis for r in drivers(g, "工业富联") if r.node.type == "driver"}
    assert basis["tencent-capex"] == "named"
    assert basis["alibaba-capex"] == "inferred"
    assert basis["ai-demand"] == "named"  # the new driver joined under AI需求, which speaks for it
    code, out, _ = run(capsys, "-g", graph_copy, "drivers", "工业富联")
    assert code == 0 and "basis" in out.splitlines()[1]


def test_changes_of_a_driver_are_only_its_notes(graph_copy):
    ingest([TENCENT], graph_copy, driver="腾讯资本开支")
    g = load_graph(graph_copy)
    import datetime as dt

    (ali,) = changes(g, dt.date(2025, 11, 14), drivers=["阿里云资本开支"])  # the seed (11-26) is later too
    assert {c.claim.report for c in ali.changes} == {"industry-research-2025-11-26"}
    assert "工业富联" not in {c.name for c in ali.changes}
    (tencent,) = changes(g, dt.date(2025, 11, 14), drivers=["腾讯资本开支"])
    assert {c.name for c in tencent.newly_exposed} >= {"工业富联", "沪电股份", "深南电路"}
