"""Take a note back: retract removes what a report brought; re-ingesting gives the bytes
of a first ingest."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import GRAPH, run
from supplychain.graph import load_graph

TENCENT = Path("tests/fixtures/drivers/industry_research_2025-11-14.md")
NORTH_AMERICA = Path("tests/fixtures/drivers/industry_research_2025-11-05.md")


@pytest.fixture
def graph_copy(tmp_path) -> Path:
    path = tmp_path / "graph.yaml"
    path.write_bytes(GRAPH.read_bytes())
    return path


def test_retract_then_reingest_is_byte_identical_to_a_first_ingest(graph_copy, tmp_path, capsys):
    first = tmp_path / "first.yaml"
    first.write_bytes(GRAPH.read_bytes())
    assert run(capsys, "-g", first, "ingest", NORTH_AMERICA, TENCENT)[0] == 0
    # filed under the wrong driver, then taken back
    assert run(capsys, "-g", graph_copy, "ingest", NORTH_AMERICA)[0] == 0
    assert run(capsys, "-g", graph_copy, "ingest", TENCENT, "--driver", "阿里云资本开支")[0] == 0
    wrong = graph_copy.read_bytes()
    code, out, _ = run(capsys, "-g", graph_copy, "retract", "industry-research-2025-11-14", "--dry-run")
    assert code == 0 and out.endswith("dry run: nothing written\n") and graph_copy.read_bytes() == wrong
    code, out, _ = run(capsys, "-g", graph_copy, "retract", "industry-research-2025-11-14")
    assert code == 0 and "remove node   industry-research-2025-11-14" in out
    g = load_graph(graph_copy)
    assert "industry-research-2025-11-14" not in g.nodes
    assert not any(c.report == "industry-research-2025-11-14" for e in g.edges for c in e.claims)
    assert not any(m.source.report == "industry-research-2025-11-14" for n in g.nodes.values() for m in getattr(n, "metrics", ()))
    assert "英维克" in {g.nodes[n].name for n in g.nodes}  # a seed name stays
    assert run(capsys, "-g", graph_copy, "ingest", TENCENT)[0] == 0
    assert graph_copy.read_bytes() == first.read_bytes()


def test_retracting_the_only_new_note_restores_the_seed_bytes(graph_copy, capsys):
    assert run(capsys, "-g", graph_copy, "ingest", TENCENT)[0] == 0
    assert run(capsys, "-g", graph_copy, "retract", "industry_research_2025-11-14")[0] == 0
    assert graph_copy.read_bytes() == GRAPH.read_bytes()


def test_retracting_an_unknown_report_is_one_line(graph_copy, capsys):
    code, out, err = run(capsys, "-g", graph_copy, "retract", "industry-research-1999-01-01")
    assert code == 1 and out == "" and err.count("\n") == 1 and err.startswith("Error: ")
    assert graph_copy.read_bytes() == GRAPH.read_bytes()
