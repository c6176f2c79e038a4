"""``changes`` made fast (issue 12): one pass per driver and date over the cached flow
adjacencies, hops and models built for the changed names only. These tests check it
against the straightforward definition (compare two full exposure reports per driver,
as the code did before), on the bundled graph and on synthetic graphs, at several depths.
"""

from __future__ import annotations

import datetime as dt

import pytest

from supplychain.graph import Graph
from supplychain.ingest.changes import (
    KINDS, Change, DriverChanges, _cause, _first_claim_since, _nearest_only, changes, changes_json, default_since,
)
from supplychain.query import best_paths, exposure
from supplychain.schema import STANCES, current_claim


def reference_changes(g: Graph, since: dt.date, depth: int, transitive: bool = False) -> list[DriverChanges]:
    """The definition: exposure the day before ``since`` against exposure now, per driver."""
    before = since - dt.timedelta(days=1)
    chosen = sorted((g.nodes[i] for i in g.nodes if g.type_of(i) == "driver"), key=lambda n: n.id)
    rank = {s: i for i, s in enumerate(STANCES)}
    out = []
    for d in chosen:
        dc = DriverChanges(d)
        then = {r.id: r for r in exposure(g, d.id, depth=depth, as_of=before).results}
        for r in exposure(g, d.id, depth=depth).results:
            old = then.get(r.id)
            if old is None:
                dc.changes.append(Change("new", r.id, r.node.name, r.node.type, None, r.stance, r.sector,
                                         _cause(r.hops, since, before), r.path))
            elif old.stance != r.stance and r.stance and old.stance:
                kind = "upgrade" if rank[r.stance] < rank[old.stance] else "downgrade"
                hop = next((h for h in reversed(r.hops) if h.stance), r.hops[-1])
                dc.changes.append(Change(kind, r.id, r.node.name, r.node.type, old.stance, r.stance, r.sector, hop.claim, r.path))
        then_sectors = best_paths(g.flow_adjacency(before), d.id, depth)
        for node_id, (_, steps) in sorted(best_paths(g.flow_adjacency(), d.id, depth).items()):
            if g.type_of(node_id) == "sector" and node_id not in then_sectors:
                edges = [g.edges[j] for _, _, _, j in steps]
                cause = next((_first_claim_since(e, since) for e in edges if current_claim(e.claims, before) is None), None)
                path = (d.id, *(v for _, v, _, _ in steps))
                dc.changes.append(Change("new_sector", node_id, g.nodes[node_id].name, "sector", None, None, node_id, cause, path))
        if dc.changes:
            order = {k: i for i, k in enumerate(KINDS)}
            dc.changes.sort(key=lambda c: (order[c.kind], c.sector or "", c.node_id))
            out.append(dc)
    return out if transitive else _nearest_only(g, out)


@pytest.fixture(scope="module")
def synthetic() -> Graph:
    from supplychain.synth import synth_data

    return Graph(synth_data(300, seed=5), "synth-300.yaml")


@pytest.mark.parametrize("depth", [1, 2, 4, 6])
def test_changes_equal_the_definition_on_a_synthetic_graph(synthetic, depth):
    g = synthetic
    for since in (default_since(g), sorted(set(g.report_dates.values()))[len(g.report_dates) // 2]):
        got = changes_json(g, since, changes(g, since, depth=depth))
        want = changes_json(g, since, reference_changes(g, since, depth))
        assert got == want
        assert got["drivers"] or depth == 1  # not vacuous


@pytest.mark.parametrize("transitive", [False, True])
def test_changes_equal_the_definition_on_the_bundled_graph(graph, transitive):
    since = dt.date(2025, 1, 1)
    got = changes_json(graph, since, changes(graph, since, transitive=transitive))
    assert got == changes_json(graph, since, reference_changes(graph, since, 4, transitive))
    assert sum(len(d["newly_exposed"]) for d in got["drivers"]) > 10
