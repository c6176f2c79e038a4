"""The columnar graph: its indexes agree with the models, and it builds only what is used."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from conftest import GRAPH
from supplychain import load_graph
from supplychain.entry import Entry, encode, name_key
from supplychain.graph import Graph
from supplychain.names import ticker_keys
from supplychain.query import drivers, exposure
from supplychain.schema import EDGE_RULES, current_claim, hop_weight
from supplychain.store import dump_graph, load_data
from supplychain.synth import synth_data

LATER = dt.date(2100, 1, 1)


@pytest.fixture(scope="module")
def synth():
    return synth_data(400, seed=11)


@pytest.fixture(scope="module", params=["bundled", "synthetic"])
def data(request, synth):
    return load_data(GRAPH) if request.param == "bundled" else synth


def brute_flow(data, as_of=None, reverse=False):
    """The flow adjacency computed straight from the models."""
    adj: dict[str, list] = {}
    for j, e in enumerate(data.edges):
        rule = EDGE_RULES[e.type]
        claim = current_claim(e.claims, as_of)
        if rule.flow == "none" or claim is None:
            continue
        u, v = (e.source, e.target) if (rule.flow == "forward") != reverse else (e.target, e.source)
        adj.setdefault(u, []).append((v, hop_weight(rule, claim), j))
    return adj


@pytest.mark.parametrize("reverse", [False, True])
def test_stored_flow_rows_equal_the_models(data, reverse):
    g = Graph(Entry.open(encode(data)))  # read back from bytes: no model at hand
    rows = g._reverse_flow_adjacency() if reverse else g.flow_adjacency()
    expected = brute_flow(data, reverse=reverse)
    assert dict(rows.items()) == expected
    assert all(rows.get(n.id, []) == expected.get(n.id, []) for n in data.nodes)
    assert rows.get("no-such-node", "none") == "none"
    # the adjacency computed for a day after every claim is the stored one
    assert g.entry.flow_as_of(LATER, reverse=reverse) == expected


def test_flow_as_of_a_past_day_equals_the_models(synth):
    g = Graph(synth)
    dates = sorted({c.date for e in synth.edges for c in e.claims})
    for day in (dates[0], dates[len(dates) // 2], dates[-1] - dt.timedelta(days=1)):
        assert g.flow_adjacency(day) == brute_flow(synth, day)
        assert g._reverse_flow_adjacency(day) == brute_flow(synth, day, reverse=True)


def test_edge_stance_is_the_current_claims(synth):
    g = Graph(synth)
    dates = sorted({c.date for e in synth.edges for c in e.claims})
    for day in (None, dates[0], dates[len(dates) // 2]):
        for j, e in enumerate(synth.edges):
            c = current_claim(e.claims, day)
            assert g.edge_stance(j, day) == (c.stance if c else None)


def test_name_index_finds_every_name_alias_and_ticker(data):
    g = Graph(data)
    for n in data.nodes:
        for text in (n.id, n.name, n.name_en, *n.aliases):
            if text:
                assert n.id in g.entry.lookup(name_key(text)), text
        for t in Graph.tickers(n):
            full, code = ticker_keys(t)
            assert n.id in g.entry.lookup(full) and n.id in g.entry.lookup(code, codes=True), t
    assert g.entry.lookup("no such name at all") == set()


def test_edges_by_endpoint_equal_the_models(data):
    g = Graph(data)
    for n in data.nodes:
        assert g.out_edges(n.id) == [e for e in data.edges if e.source == n.id]
        assert g.in_edges(n.id) == [e for e in data.edges if e.target == n.id]
    assert g.out_edges("no-such-node") == []


def test_graph_of_models_hands_out_those_models(synth):
    g = Graph(synth)
    assert g.data is synth
    assert g.nodes[synth.nodes[5].id] is synth.nodes[5] and g.edges[7] is synth.edges[7]
    assert list(g.edges) == synth.edges and list(g.nodes.values()) == synth.nodes
    assert g.edges[-1] is synth.edges[-1] and g.edges[1:3] == synth.edges[1:3]
    with pytest.raises(IndexError):
        g.edges[len(synth.edges)]
    assert len(g.nodes) == len(synth.nodes) and "co-000001" in g.nodes and "nope" not in g.nodes
    assert g.claim_count == sum(len(e.claims) for e in synth.edges)


@pytest.fixture
def warm(tmp_path, synth):
    path = tmp_path / "synth.yaml"
    path.write_text(dump_graph(synth), encoding="utf-8")
    load_graph(path)  # writes the cache entry
    return load_graph(path)


def built(g) -> tuple[int, int]:
    return (sum(m is not None for m in g.entry._node_models), sum(m is not None for m in g.entry._edge_models))


def test_warm_load_builds_no_model_until_asked(warm, synth):
    assert built(warm) == (0, 0)
    report = exposure(warm, "driver-0001", top=3)
    nodes, edges = built(warm)
    hops = {h.edge.key for r in report.results for h in r.hops}
    assert len(report.results) == 3 and len(hops) == edges
    assert nodes == 1 + 3  # the driver and the three results
    full = exposure(warm, "driver-0001")
    assert [(r.id, r.score, r.path) for r in full.results[:3]] == [(r.id, r.score, r.path) for r in report.results]
    assert warm.data == load_data(warm.path) and built(warm) == (len(synth.nodes), len(synth.edges))


def test_warm_and_model_graphs_answer_alike(warm):
    cold = Graph(load_data(warm.path))
    for q in ("driver-0001", "driver-0002"):
        for as_of in (None, dt.date(2024, 6, 1)):
            a, b = exposure(warm, q, as_of=as_of), exposure(cold, q, as_of=as_of)
            assert [(r.id, r.score, r.path, r.stance, r.sector, [h.claim for h in r.hops]) for r in a.results] == [
                (r.id, r.score, r.path, r.stance, r.sector, [h.claim for h in r.hops]) for r in b.results
            ]
    for company in ("co-000001", "co-000123"):
        assert [(r.id, r.score, r.path) for r in drivers(warm, company)] == [(r.id, r.score, r.path) for r in drivers(cold, company)]


def test_report_dates_and_type_of(graph):
    assert graph.type_of("innolight") == "company" and graph.type_of("alibaba-capex") == "driver"
    assert graph.report_dates == {n.id: n.date for n in graph.data.nodes if n.type == "report"}
    with pytest.raises(KeyError):
        graph.type_of("nope")


def test_entry_bytes_round_trip(tmp_path):
    """A copy of the bundled graph loads from its cache entry with the same answers."""
    path = tmp_path / "graph.yaml"
    shutil.copy(GRAPH, path)
    first, second = load_graph(path), load_graph(path)
    assert built(second) == (0, 0) and second.data == first.data


def test_an_edge_to_an_unknown_node_is_no_edge_of_another(mini):
    """Data planned but not validated yet may name a node that does not exist: its edge
    must not turn up among the edges of the first node, nor in the flow."""
    from supplychain.schema import Claim, Edge

    data = mini.data.model_copy(deep=True)
    claim = Claim(report="r1", date="2025-11-26", quote="q", stance="listed")
    data.edges.append(Edge(type="member_of", source="nobody", target="optics", claims=[claim]))
    data.edges.append(Edge(type="member_of", source="alpha", target="nowhere", claims=[claim]))
    g = Graph(Entry.open(encode(data)))
    first = data.nodes[0].id
    assert all(e.source == first for e in g.out_edges(first)) and all(e.target == first for e in g.in_edges(first))
    assert [e.source for e in g.in_edges("optics")] == [e.source for e in mini.in_edges("optics")] + ["nobody"]
    assert all(v != "nowhere" for v, _, _ in g._reverse_flow_adjacency().get("alpha", []))
    assert g.edges[-1].target == "nowhere"


def test_node_views_are_copies_and_can_be_read_twice(warm):
    values = warm.nodes.values()
    values.sort(key=lambda n: n.id, reverse=True)  # a caller's own list
    assert warm.nodes[warm.entry.ids[0]].id == warm.entry.ids[0]
    items = warm.nodes.items()
    assert len(items) == len(warm.nodes) == len(list(warm.nodes.items()))


def test_a_name_not_found_builds_no_edge(warm):
    from supplychain.errors import NodeNotFound

    with pytest.raises(NodeNotFound):
        warm.resolve("no such company at all")
    assert built(warm)[1] == 0


def test_a_damaged_name_index_is_a_clear_error():
    from supplychain.entry import _Layout
    from supplychain.errors import SupplyChainError
    import msgspec

    layout = msgspec.msgpack.decode(encode(load_data(GRAPH)), type=_Layout)
    forged = msgspec.structs.replace(layout, name_nodes=layout.name_nodes[:-4])
    g = Graph(Entry.open(msgspec.msgpack.encode(forged)))
    with pytest.raises(SupplyChainError, match="cache entry is damaged"):
        g.resolve("中际旭创")


def test_name_keys_from_the_checks_give_the_same_entry(data):
    """The cold path hands encode the name keys check_references made (normalize); the
    entry must be the one encode makes on its own (name_key)."""
    from supplychain.store import check_references

    names: dict = {}
    assert check_references(list(enumerate(data.nodes)), list(enumerate(data.edges)), names=names) == []
    assert names["names"] and encode(data, names) == encode(data)
