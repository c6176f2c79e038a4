"""store.check_references decides a sound graph's names and edges a column at a time
(_names_fine, _edges_fine) and says what is wrong key by key, edge by edge only when
something is (_check_names, _check_edges). The two roads must give the same issues, in
the same order, and the same name index, on sound graphs and on every kind of fault."""

from __future__ import annotations

import pytest

from conftest import GRAPH
from supplychain import store
from supplychain.store import check_references, load_data
from supplychain.synth import synth_data


@pytest.fixture(scope="module")
def bundled():
    return load_data(GRAPH)


@pytest.fixture(scope="module")
def synth():
    return synth_data(300, seed=5)


def both_roads(monkeypatch, nodes, edges, invalid_ids=frozenset()):
    """(issues and names the fast road gives, issues and names the slow road alone gives)."""
    fast_names: dict = {}
    fast = check_references(list(enumerate(nodes)), list(enumerate(edges)), invalid_ids, names=fast_names)
    with monkeypatch.context() as m:
        m.setattr(store, "_names_fine", lambda nodes: None)
        m.setattr(store, "_edges_fine", lambda *args: False)
        slow_names: dict = {}
        slow = check_references(list(enumerate(nodes)), list(enumerate(edges)), invalid_ids, names=slow_names)
    return (fast, fast_names), (slow, slow_names)


def first(data, *edge_types):
    """The index of the first edge of the first of ``edge_types`` the graph has."""
    for edge_type in edge_types:
        for j, e in enumerate(data.edges):
            if e.type == edge_type:
                return j
    raise LookupError(edge_types)


def with_claim(edge, **update):
    return edge.model_copy(update={"claims": [edge.claims[0].model_copy(update=update), *edge.claims[1:]]})


def replaced(items, j, item):
    out = list(items)
    out[j] = item
    return out


def companies(data):
    return [i for i, n in enumerate(data.nodes) if n.type == "company"]


@pytest.mark.parametrize("which", ["bundled", "synth"])
def test_a_sound_graph_takes_the_fast_road_and_gives_what_the_slow_one_gives(monkeypatch, which, request):
    data = request.getfixturevalue(which)
    nodes = list(enumerate(data.nodes))
    by_id = {n.id: n for _, n in nodes}
    reports = {n.id for _, n in nodes if n.type == "report"}
    drivers = {n.id for _, n in nodes if n.type == "driver"}
    assert store._edges_fine(list(enumerate(data.edges)), by_id, reports, drivers)
    assert store._names_fine(nodes) is not None
    fast, slow = both_roads(monkeypatch, data.nodes, data.edges)
    assert fast == slow
    assert fast[0] == [] and len(fast[1]["names"]) > len(data.nodes)
    assert list(fast[1]["names"].items()) == list(slow[1]["names"].items())  # the same keys in the same order


def edge_faults(data):
    """(name, nodes, edges) of one fault each, made from a sound graph's models."""
    nodes, edges = data.nodes, data.edges
    supplies, member, competes = first(data, "supplies", "operates"), first(data, "member_of"), first(data, "competes")
    e = edges[supplies]
    report = next(n.id for n in nodes if n.type == "report")
    driver = next(n.id for n in nodes if n.type == "driver")
    sector = next(n.id for n in nodes if n.type == "sector")
    c = edges[competes]
    yield "unknown source", nodes, replaced(edges, supplies, e.model_copy(update={"source": "no-such-node"}))
    yield "unknown target", nodes, replaced(edges, supplies, e.model_copy(update={"target": "tsmc-n3"}))
    yield "ill-typed end", nodes, replaced(edges, supplies, e.model_copy(update={"target": sector}))
    yield "self-loop", nodes, replaced(edges, supplies, e.model_copy(update={"target": e.source}))
    yield "same edge twice", nodes, [*edges, e.model_copy()]
    yield "undirected edge twice, reversed", nodes, [*edges, c.model_copy(update={"source": c.target, "target": c.source})]
    yield "undirected edge reversed alone", nodes, replaced(edges, competes, c.model_copy(update={"source": c.target, "target": c.source}))
    yield "unknown report", nodes, replaced(edges, supplies, with_claim(e, report="report-nowhere"))
    yield "stance missing", nodes, replaced(edges, member, with_claim(edges[member], stance=None))
    yield "stance where none goes", nodes, replaced(edges, supplies, with_claim(e, stance="listed"))
    yield "weight off a holds edge", nodes, replaced(edges, supplies, with_claim(e, weight=0.5))
    yield "unknown driver", nodes, replaced(edges, supplies, with_claim(e, driver="driver-nowhere"))
    yield "known driver", nodes, replaced(edges, supplies, with_claim(e, driver=driver))
    yield "a report as driver", nodes, replaced(edges, supplies, with_claim(e, driver=report))
    yield "no edges", nodes, []
    holds = first(data, "holds")
    yield "weight on a holds edge", nodes, replaced(edges, holds, with_claim(edges[holds], weight=0.3))
    yield "weight on a holds edge and off one", nodes, replaced(
        replaced(edges, holds, with_claim(edges[holds], weight=0.3)), supplies, with_claim(e, weight=0.5))


@pytest.mark.parametrize("which", ["bundled", "synth"])
def test_every_edge_fault_is_reported_as_the_slow_road_reports_it(monkeypatch, which, request):
    data = request.getfixturevalue(which)
    seen = set()
    for name, nodes, edges in edge_faults(data):
        fast, slow = both_roads(monkeypatch, nodes, edges)
        assert fast == slow, name
        sound = name in ("known driver", "no edges", "undirected edge reversed alone", "weight on a holds edge")
        assert (fast[0] == []) is sound, (name, fast[0])
        seen.add(name)
    assert len(seen) == 17


def test_an_end_among_the_invalid_ids_is_not_reported_again(monkeypatch, bundled):
    j = first(bundled, "supplies", "operates")
    edges = replaced(bundled.edges, j, bundled.edges[j].model_copy(update={"source": "broken-node"}))
    fast, slow = both_roads(monkeypatch, bundled.nodes, edges, invalid_ids={"broken-node"})
    assert fast == slow and fast[0] == []
    fast, slow = both_roads(monkeypatch, bundled.nodes, edges)
    assert fast == slow and [loc for loc, _ in fast[0]] == [("edges", j, "source")]


@pytest.mark.parametrize("which", ["bundled", "synth"])
def test_every_name_clash_is_reported_as_the_slow_road_reports_it(monkeypatch, which, request):
    data = request.getfixturevalue(which)
    a, b = companies(data)[:2]
    first_node, second = data.nodes[a], data.nodes[b]
    ticker = next(n.ticker for n in data.nodes if n.type == "company" and n.ticker)
    faults = {
        "alias naming another node": second.model_copy(update={"aliases": [*second.aliases, first_node.name]}),
        "name in another width": second.model_copy(update={"name": f" {first_node.name.upper()} "}),
        "id as a name": second.model_copy(update={"name_en": first_node.id}),
        "ticker twice": second.model_copy(update={"ticker": ticker}),
        "same id twice": second.model_copy(update={"id": first_node.id}),
        "own alias twice": second.model_copy(update={"aliases": [second.name, second.name]}),
    }
    for name, node in faults.items():
        nodes = replaced(data.nodes, b, node)
        fast, slow = both_roads(monkeypatch, nodes, data.edges)
        assert fast == slow, name
        if name == "own alias twice":
            assert fast[0] == []  # a node's own keys may repeat
        else:
            assert fast[0], name


def test_a_clash_still_fills_the_name_index_with_the_first_owner(monkeypatch, bundled):
    a, b = companies(bundled)[:2]
    nodes = replaced(bundled.nodes, b, bundled.nodes[b].model_copy(update={"aliases": [bundled.nodes[a].name]}))
    fast, slow = both_roads(monkeypatch, nodes, bundled.edges)
    assert fast == slow
    key = store.normalize(bundled.nodes[a].name)
    assert fast[1]["names"][key] == bundled.nodes[a].id
    assert [loc for loc, _ in fast[0]] == [("nodes", b, "aliases", 0)]
