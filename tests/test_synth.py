"""The synthetic graph generator: valid, realistic in shape, deterministic per seed."""

from __future__ import annotations

from collections import Counter

import pytest

from supplychain.cli import main
from supplychain.store import dump_graph, load_data, parse_graph_text
from supplychain.synth import synth_data


@pytest.fixture(scope="module")
def synth_1000():
    return synth_data(1000, seed=3)


def test_synthetic_graph_validates(synth_1000):
    data = parse_graph_text(dump_graph(synth_1000), "synth.yaml")
    assert len(data.nodes) == len(synth_1000.nodes) and len(data.edges) == len(synth_1000.edges)


def test_shape_follows_the_company_count(synth_1000):
    nodes = Counter(n.type for n in synth_1000.nodes)
    assert nodes["company"] == 1000
    assert nodes["sector"] == 20 and nodes["driver"] == 5 and nodes["etf"] == 10 and nodes["report"] == 10
    edges = Counter(e.type for e in synth_1000.edges)
    assert 4000 <= len(synth_1000.edges) <= 6000  # about five edges per company
    assert {"drives", "member_of", "supplies", "holds", "tracks", "exposed_to", "threatens"} <= set(edges)
    members = Counter(e.source for e in synth_1000.edges if e.type == "member_of")
    assert set(members.values()) <= {1, 2, 3} and len(members) == 1000
    customers = Counter(e.source for e in synth_1000.edges if e.type == "supplies")
    assert max(customers.values()) <= 5
    holdings = Counter(e.source for e in synth_1000.edges if e.type == "holds")
    assert all(30 <= n <= 100 for n in holdings.values())
    drivers = {n.id for n in synth_1000.nodes if n.type == "driver"}
    chains = [e for e in synth_1000.edges if e.type == "drives" and e.target in drivers]
    assert chains, "drivers drive drivers"


def test_every_edge_has_an_evidenced_claim_and_reports_spread_over_time(synth_1000):
    assert all(e.claims and all(c.quote and c.report and c.date for c in e.claims) for e in synth_1000.edges)
    dates = sorted(n.date for n in synth_1000.nodes if n.type == "report")
    assert (dates[-1] - dates[0]).days > 600


def test_same_seed_same_bytes_other_seed_other_graph():
    assert dump_graph(synth_data(150, seed=7)) == dump_graph(synth_data(150, seed=7))
    assert dump_graph(synth_data(150, seed=7)) != dump_graph(synth_data(150, seed=8))


@pytest.mark.parametrize("companies", [1, 2, 5, 60])
def test_tiny_graphs_are_valid_too(companies):
    parse_graph_text(dump_graph(synth_data(companies, seed=0)), "tiny.yaml")


def test_cli_writes_a_canonical_valid_file(tmp_path, capsys):
    out = tmp_path / "synth.yaml"
    assert main(["synth", "--companies", "120", "--seed", "2", "-o", str(out)]) == 0
    assert "120 companies, seed 2" in capsys.readouterr().out
    text = out.read_text(encoding="utf-8")
    assert text == dump_graph(load_data(out))  # canonical: loading and dumping changes nothing
    assert main(["-g", str(out), "validate"]) == 0


def test_cli_refuses_zero_companies(tmp_path, capsys):
    assert main(["synth", "--companies", "0", "-o", str(tmp_path / "x.yaml")]) == 1
    assert capsys.readouterr().err.startswith("Error: --companies must be at least 1")
