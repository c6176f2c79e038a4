"""Queries on synthetic graphs agree with brute force (networkx all_simple_paths)."""

from __future__ import annotations

import sys

import pytest

from conftest import ROOT
from supplychain.graph import Graph
from supplychain.query import best_paths, drivers, exposure
from supplychain.synth import synth_data

sys.path.insert(0, str(ROOT / "bench"))
import plain  # noqa: E402


def test_a_path_never_grows_past_the_depth_within_a_round():
    # b improves a in round 2; a, also in round 2's frontier, must extend its round-1 score
    adjacency = {"o": [("b", 0.9, None), ("a", 0.5, None)], "b": [("a", 0.9, None)], "a": [("c", 0.9, None)]}
    best = best_paths(adjacency, "o", 2)
    assert best["c"][0] == pytest.approx(0.45) and len(best["c"][1]) == 2
    assert best["a"][0] == pytest.approx(0.81)
    assert best_paths(adjacency, "o", 3)["c"][0] == pytest.approx(0.729)


@pytest.mark.parametrize("companies, seed", [(300, 1), (800, 2)])
@pytest.mark.parametrize("depth", [2, 3, 4])
def test_exposure_and_drivers_match_brute_force(companies, seed, depth):
    g = Graph(synth_data(companies, seed=seed))
    G = plain.flow_graph(g.data)
    for d in [n for n in g.data.nodes if n.type == "driver"]:
        ours = {r.id: round(r.score, 9) for r in exposure(g, d.id, depth=depth).results}
        assert ours == {k: round(v, 9) for k, v in plain.exposure(G, d.id, depth).items()}
        assert all(len(r.hops) <= depth for r in exposure(g, d.id, depth=depth).results)
    for c in [n for n in g.data.nodes if n.type == "company"][:25]:
        ours = {r.id: round(r.score, 9) for r in drivers(g, c.id, depth=depth) if r.node.type == "driver"}
        assert ours == {k: round(v, 9) for k, v in plain.drivers(G, c.id, depth).items()}


@pytest.mark.parametrize("as_of", [None, "2024-06-30"])
def test_exposure_ranks_on_the_stance_and_sector_of_its_hops(as_of):
    import datetime as dt

    from supplychain.schema import EDGE_RULES

    def stance_and_sector(r):  # read off the hops: the last hop's stance, the last sector passed
        last = r.hops[-1]
        stance = last.stance if EDGE_RULES[last.edge.type].stance else None
        sectors = [n for h in r.hops for n in (h.start, h.end) if g.nodes[n].type == "sector"]
        return stance, (sectors[-1] if sectors else None)

    g = Graph(synth_data(400, seed=6))
    day = dt.date.fromisoformat(as_of) if as_of else None
    for d in [n for n in g.data.nodes if n.type == "driver"]:
        full = exposure(g, d.id, as_of=day).results
        for r in full:
            assert (r.stance, r.sector) == stance_and_sector(r)
            assert r.path == (d.id,) + tuple(h.end for h in r.hops)
        assert [r.id for r in exposure(g, d.id, as_of=day, top=7).results] == [r.id for r in full[:7]]
