"""Entry.data() builds every claim and edge a column at a time (entry._claims,
construct._instances) and leaves the models out of the young generations (entry._kept).
The models must be what validating the file makes: equal, the same fields set, the same
field order in ``__dict__``, a date object and a set of fields of their own per claim."""

from __future__ import annotations

import gc

import pytest

from conftest import GRAPH
from supplychain import store
from supplychain.entry import Entry, encode
from supplychain.store import dump_graph, load_data, parse_graph_text
from supplychain.synth import synth_data


def same_model(a, b, path="data"):
    """``a`` and ``b`` alike as validation makes them, all the way down."""
    assert type(a) is type(b), path
    if hasattr(a, "__pydantic_fields_set__"):
        assert a.__pydantic_fields_set__ == b.__pydantic_fields_set__, path
        assert list(a.__dict__) == list(b.__dict__), path
        assert (a.__pydantic_extra__, a.__pydantic_private__) == (b.__pydantic_extra__, b.__pydantic_private__), path
        for name, value in a.__dict__.items():
            same_model(value, b.__dict__[name], f"{path}.{name}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for k, (x, y) in enumerate(zip(a, b)):
            same_model(x, y, f"{path}[{k}]")
    else:
        assert a == b, path


def nothing_shared(data):
    seen: set[int] = set()
    for e in data.edges:
        for c in e.claims:
            for part in (c, c.date, c.__dict__, c.__pydantic_fields_set__):
                assert id(part) not in seen
                seen.add(id(part))
        assert id(e.__pydantic_fields_set__) not in seen and id(e.claims) not in seen
        seen.update((id(e.__pydantic_fields_set__), id(e.claims)))


@pytest.fixture(scope="module")
def varied():
    """The bundled graph with every kind of claim the columns hold: a weight (holds), a
    driver, a stance left unset (validated from its text), and a stance set to None (a
    model made in memory, as ingest makes them: the canonical text never writes it)."""
    data = load_data(GRAPH)
    driver = next(n.id for n in data.nodes if n.type == "driver")
    edges = []
    for j, e in enumerate(data.edges):
        claims = list(e.claims)
        if e.type == "holds":
            claims = [c.model_copy(update={"weight": 0.25 + 0.1 * k}) for k, c in enumerate(claims)]
        elif j % 3 == 0:
            claims[-1] = claims[-1].model_copy(update={"driver": driver})
        edges.append(e.model_copy(update={"claims": claims}))
    text = dump_graph(data.model_copy(update={"edges": edges}))
    assert "weight: 0.25" in text and f"driver: {driver}" in text
    read = parse_graph_text(text, "varied.yaml")
    edges = list(read.edges)
    j = next(j for j, e in enumerate(edges) if e.type == "operates")
    edges[j] = edges[j].model_copy(update={"claims": [edges[j].claims[0].model_copy(update={"stance": None})]})
    return read.model_copy(update={"edges": edges})


def kinds(data):
    """Which kinds of claim the graph holds."""
    claims = [c for e in data.edges for c in e.claims]
    return {
        "weight": any(c.weight is not None for c in claims),
        "driver": any(c.driver is not None for c in claims),
        "stance null": any("stance" in c.model_fields_set and c.stance is None for c in claims),
        "stance unset": any("stance" not in c.model_fields_set for c in claims),
    }


@pytest.mark.parametrize("which", ["bundled", "varied", "synth"])
def test_every_model_is_what_validation_made(which, varied):
    data = {"bundled": lambda: load_data(GRAPH), "varied": lambda: varied,
            "synth": lambda: parse_graph_text(dump_graph(synth_data(300, seed=5)), "synth.yaml")}[which]()
    if which == "varied":
        assert all(kinds(data).values())
    built = Entry.open(encode(data)).data()
    assert built == data
    same_model(built, data)
    nothing_shared(built)
    assert len({id(e) for e in built.edges}) == len(built.edges)


def test_edges_built_one_by_one_first_then_the_rest(varied):
    entry = Entry.open(encode(varied))
    early = [entry.edge(j) for j in (0, 5, len(entry) - 1)]
    edges = entry.edges()
    assert edges[0] is early[0] and edges[5] is early[1] and edges[-1] is early[2]
    same_model(edges, varied.edges)
    nothing_shared(entry.data())


def test_a_slice_of_claims_is_those_claims(varied):
    entry = Entry.open(encode(varied))
    flat = [c for e in varied.edges for c in e.claims]
    for a, b in ((0, 0), (0, 1), (3, 17), (len(flat) - 4, len(flat))):
        same_model(entry._claims(a, b), flat[a:b])


@pytest.fixture
def nothing_frozen():
    """No object frozen during the test (earlier tests' load_graph froze theirs: they are
    frozen again after it)."""
    was = gc.get_freeze_count()
    gc.unfreeze()
    gc.collect()
    yield
    if was:
        gc.freeze()


def test_built_models_are_left_to_no_young_collection(varied, nothing_frozen):
    assert gc.isenabled() and gc.get_freeze_count() == 0
    entry = Entry.open(encode(varied))
    data = entry.data()
    young = {id(o) for o in gc.get_objects(0)} | {id(o) for o in gc.get_objects(1)}
    assert not any(id(x) in young for e in data.edges for x in (e, *e.claims))
    assert not any(id(n) in young for n in data.nodes)
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_a_frozen_graph_keeps_its_built_models_frozen(varied, nothing_frozen):
    entry = Entry.open(encode(varied))
    gc.freeze()  # as load_graph leaves a loaded graph
    try:
        before = gc.get_freeze_count()
        data = entry.data()
        assert gc.get_freeze_count() > before
        assert gc.isenabled()
        tracked = {id(o) for generation in range(3) for o in gc.get_objects(generation)}
        assert not any(id(c) in tracked for e in data.edges for c in e.claims)
    finally:
        gc.unfreeze()  # (nothing_frozen freezes again what was)


def test_with_the_collector_off_nothing_moves(varied, nothing_frozen):
    gc.disable()
    try:
        Entry.open(encode(varied)).data()
        assert not gc.isenabled() and gc.get_freeze_count() == 0
    finally:
        gc.enable()


def test_the_cold_load_hands_the_same_models_as_a_warm_one(tmp_path, varied):
    from supplychain import cache

    path = tmp_path / "graph.yaml"
    path.write_text(dump_graph(varied), encoding="utf-8")
    cold = cache.load_data(path)
    warm = cache.load_data(path)
    assert cold is not warm
    same_model(warm, cold)
    same_model(warm, store.load_data(path))
