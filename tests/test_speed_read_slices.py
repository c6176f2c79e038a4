"""The sliced read parses slice k + 1 in a worker thread while slice k is validated
(slices._Ahead): the same data and the same outcomes as a read in turn, never more than
two slices' raw objects alive, and no thread left running on any path out."""

from __future__ import annotations

import threading

import pytest

from conftest import GRAPH
from supplychain import slices, store
from supplychain.store import dump_graph
from supplychain.synth import synth_data

SMALL = 4000
"""Bytes per slice here: dozens of slices in the synthetic graph."""


@pytest.fixture(scope="module")
def blob():
    return dump_graph(synth_data(300, seed=5)).encode("utf-8")


def parse_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("supplychain-parse")]


def in_turn(monkeypatch, blob, slice_bytes=SMALL):
    """read_in_slices with the worker thread off: every slice parsed by the caller."""
    with monkeypatch.context() as m:
        m.setattr(slices._Ahead, "__init__", _serial_init)
        return slices.read_in_slices(blob, slice_bytes)


_threaded_init = slices._Ahead.__init__


def _serial_init(self, blob, parts, engine):
    _threaded_init(self, blob, parts, False)
    self._engine = engine


def test_the_pipelined_read_gives_what_a_read_in_turn_gives(monkeypatch, blob):
    _, sections = slices._cut(blob, SMALL)
    assert sum(len(cuts) for _, cuts in sections) > 20
    ahead = slices.read_in_slices(blob, SMALL)
    assert ahead is not None
    assert ahead == in_turn(monkeypatch, blob) == store.parse_graph_text(blob, "synth.yaml")
    assert [n.model_fields_set for n in ahead.nodes] == [n.model_fields_set for n in in_turn(monkeypatch, blob).nodes]
    assert parse_threads() == []


def test_the_worker_runs_one_slice_ahead_at_most(monkeypatch, blob):
    """Slice k + 2 is never parsed before slice k is validated: at most two slices' raw
    objects exist at once."""
    log: list[tuple[str, int]] = []
    lock = threading.Lock()
    parsed = {"n": 0}
    real_read = slices._read_part

    def read_part(part, engine):
        if part.startswith(b"- "):  # a slice of nodes or edges (the head is read first, alone)
            with lock:
                k = parsed["n"]
                parsed["n"] += 1
                log.append(("parse", k))
        return real_read(part, engine)

    class Logged:
        def __init__(self, adapter):
            self.adapter = adapter
            self.validated = 0

        def validate_python(self, raw):
            with lock:
                log.append(("validate", len([e for e in log if e[0] == "validate"])))
            return self.adapter.validate_python(raw)

    nodes, edges = Logged(slices._node_list()), Logged(slices._edge_list())
    monkeypatch.setattr(slices, "_read_part", read_part)
    monkeypatch.setattr(slices, "_node_list", lambda: nodes)
    monkeypatch.setattr(slices, "_edge_list", lambda: edges)
    assert slices.read_in_slices(blob, SMALL) is not None
    validated = 0
    for what, k in log:
        if what == "validate":
            validated += 1
        else:
            assert k <= validated + 1, log  # slice k parsed only once slice k - 2 is validated
    assert validated == parsed["n"] > 20


def test_a_slice_the_engine_refuses_ends_the_worker_and_reads_with_pyyaml(monkeypatch, blob):
    text = blob.decode("utf-8")
    at = text.index("\n- type: ", len(text) // 2) + 1
    tagged = (text[:at] + "- type: !custom " + text[at + len("- type: "):]).encode("utf-8")
    assert slices.read_in_slices(tagged, SMALL) is None  # PyYAML refuses the tag too: read whole
    assert parse_threads() == []
    # a plain 002837 (英维克's code) the engine reads as the number 2837: PyYAML reads it again
    at = text.index("\n  aliases: [", text.index("\nedges:") // 2) + len("\n  aliases: [")
    coded = (text[:at] + "002837, " + text[at:]).encode("utf-8")
    read = slices.read_in_slices(coded, SMALL)
    assert parse_threads() == []
    assert read is not None and read == in_turn(monkeypatch, coded)
    assert sum(n.aliases.count("002837") for n in read.nodes) == 1


def test_a_slice_that_does_not_validate_ends_the_worker(monkeypatch, blob):
    text = blob.decode("utf-8")
    at = text.index("\n- type: supplies\n", len(text) // 2) + 1
    broken = (text[:at] + "- type: supplied\n" + text[at + len("- type: supplies\n"):]).encode("utf-8")
    assert slices.read_in_slices(broken, SMALL) is None
    assert parse_threads() == []
    with pytest.raises(store.GraphValidationError, match="unknown edge type 'supplied'"):
        store.parse_graph_text(broken, "broken.yaml")


def test_an_error_in_the_caller_waits_for_the_worker_and_ends_it(monkeypatch, blob):
    calls = {"n": 0}
    real = slices._edge_list()

    class Failing:
        def validate_python(self, raw):
            calls["n"] += 1
            if calls["n"] == 3:
                raise MemoryError("out of memory while validating")
            return real.validate_python(raw)

    monkeypatch.setattr(slices, "_edge_list", lambda: Failing())
    with pytest.raises(MemoryError):
        slices.read_in_slices(blob, SMALL)
    assert parse_threads() == []


def test_an_error_in_the_worker_is_raised_where_its_slice_is_asked_for(monkeypatch, blob):
    real_read = slices._read_part
    seen = {"n": 0}

    def read_part(part, engine):
        if part.startswith(b"- type: "):
            seen["n"] += 1
            if seen["n"] == 4:
                raise RecursionError("too deep")
        return real_read(part, engine)

    monkeypatch.setattr(slices, "_read_part", read_part)
    with pytest.raises(RecursionError):
        slices.read_in_slices(blob, SMALL)
    assert parse_threads() == []


def test_the_bundled_graph_read_in_slices_by_the_store(monkeypatch):
    whole, digest = store.read_graph(GRAPH, slice_bytes=10**9)
    assert store.read_graph(GRAPH, slice_bytes=SMALL) == (whole, digest)
    assert parse_threads() == []
