"""A write reuses the check of the file its models were read from (previous.Previous): an
item whose canonical text is byte for byte the text the same model object was validated
from is not read back again; every other item is. The file written is the canonical dump
either way, and nothing is reused from a file changed on disk since it was read, nor from
a corrupt cache entry."""

from __future__ import annotations

import shutil

import pytest

from conftest import FIXTURES, GRAPH
from supplychain import cache, previous, slices, store
from supplychain.errors import GraphValidationError
from supplychain.ingest.patch import apply_patch
from supplychain.schema import Claim, GraphData
from supplychain.store import dump_graph

PATCH = FIXTURES / "ingest" / "patches" / "desk_call_2025-12-05.yaml"


@pytest.fixture
def graph(tmp_path, monkeypatch):
    monkeypatch.delenv("SUPPLYCHAIN_NO_CACHE", raising=False)
    previous.forget_read()
    path = tmp_path / "graph.yaml"
    shutil.copy(GRAPH, path)
    yield path
    previous.forget_read()


@pytest.fixture
def read_back(monkeypatch):
    """The models each write reads back (slices._checked_items), by kind."""
    seen: dict[str, list] = {"nodes": [], "edges": []}
    real = slices._checked_items

    def spy(kind, part, items):
        seen[kind].extend(items)
        return real(kind, part, items)

    monkeypatch.setattr(slices, "_checked_items", spy)
    return seen


def with_claim(data: GraphData, k: int, quote: str) -> GraphData:
    """``data`` with one more claim on edge ``k`` (copy on write, as ingest.apply_plan does)."""
    edges = list(data.edges)
    old = edges[k]
    claim = old.claims[0].model_copy(update={"quote": quote})
    edges[k] = old.model_copy(update={"claims": [*old.claims, claim]})
    return GraphData.model_construct(version=data.version, nodes=list(data.nodes), edges=edges)


def test_only_the_changed_edge_is_read_back(graph, read_back):
    data = cache.load_entry(graph).data()
    new = with_claim(data, 3, "阿里云的增长在下个季度继续加速。")
    cache.save_graph(new, graph)
    assert graph.read_bytes() == dump_graph(new).encode()  # the canonical dump, byte for byte
    assert read_back["nodes"] == []  # no node changed: none read back
    assert [e.key for e in read_back["edges"]] == [new.edges[3].key]
    assert cache.load_data(graph) == store.load_data(graph) == new  # the cache entry left holds what the file reads as


def test_the_same_bytes_with_and_without_reuse(graph, tmp_path, read_back):
    data = cache.load_entry(graph).data()
    new = with_claim(data, 10, "新增的一条论断。")
    cache.save_graph(new, graph)
    other = tmp_path / "other.yaml"
    previous.forget_read()
    store.save_graph(new, other)  # nothing remembered: every item read back
    assert graph.read_bytes() == other.read_bytes()
    assert len(read_back["edges"]) == 1 + len(new.edges) and len(read_back["nodes"]) == len(new.nodes)


def test_a_changed_item_is_checked_for_what_the_file_reads_as(graph, read_back):
    """A claim changed without validation (spaces around its quote) is read back: the file
    and its cache entry hold the quote as validation makes it."""
    data = cache.load_entry(graph).data()
    new = with_claim(data, 3, "  前后有空格的引文  ")
    cache.save_graph(new, graph)
    assert read_back["edges"] and read_back["edges"][0].key == new.edges[3].key
    quotes = [c.quote for c in cache.load_data(graph).edges[3].claims]
    assert "前后有空格的引文" in quotes and store.load_data(graph) == cache.load_data(graph)


def test_a_model_changed_in_place_is_read_back(graph, read_back):
    data = cache.load_entry(graph).data()
    data.edges[7].claims[0].quote = "就地改过的引文。"  # the very object the file was read into
    cache.save_graph(data, graph)
    # a field set on a model read (schema.WATCHED emptied): every item is read back, since
    # a field set to its default changes no text but what the cache entry records
    assert len(read_back["edges"]) == len(data.edges) and len(read_back["nodes"]) == len(data.nodes)
    assert "就地改过的引文。" in graph.read_text(encoding="utf-8")
    assert graph.read_bytes() == dump_graph(data).encode()


def test_a_list_changed_in_place_to_the_same_text_is_read_back(graph, tmp_path, read_back):
    """An edge's claims reordered in place, or one replaced by an equal claim that sets a
    field to its default: the text cannot tell, but the cache entry would keep the order
    and the fields set as given, not as the file reads. Such an edge is read back."""
    data = cache.load_entry(graph).data()
    cache.save_graph(with_claim(data, 3, "第二条论断，排序在前。"), graph)
    data = cache.load_entry(graph).data()
    edge = data.edges[3]
    assert len(edge.claims) == 2 and edge.claims[0].quote != edge.claims[1].quote
    edge.claims.reverse()  # in place: no field set, the same text
    other = next(e for e in data.edges if len(e.claims) == 1 and e.claims[0].stance is None)
    c = other.claims[0]
    other.claims[0] = Claim(report=c.report, date=c.date, quote=c.quote, stance=None, driver=c.driver)
    read_back["edges"].clear()
    copy = tmp_path / "copy.yaml"
    cache.save_graph(data, copy)
    assert {e.key for e in read_back["edges"]} == {edge.key, other.key}
    assert copy.read_bytes() == graph.read_bytes() == dump_graph(data).encode()
    cached, parsed = cache.load_data(copy), store.load_data(copy)
    assert cached == parsed
    assert [c.model_fields_set for e in cached.edges for c in e.claims] == [
        c.model_fields_set for e in parsed.edges for c in e.claims]


def test_a_file_that_reads_back_otherwise_is_not_marked_canonical(graph, tmp_path):
    """A name with a trailing space is written as given and reads back stripped: the
    file is not the canonical dump of what it reads as, so no later write takes its text
    for those models."""
    data = cache.load_entry(graph).data()
    data.nodes[5] = data.nodes[5].model_copy(update={"name": data.nodes[5].name + " "})
    b, c = tmp_path / "b.yaml", tmp_path / "c.yaml"
    cache.save_graph(data, b)
    assert cache.load_entry(b).source[2] is False  # (path, digest, canonical)
    read = cache.load_entry(b).data()
    e = read.edges[0]
    read.edges[0] = e.model_copy(update={"claims": [*e.claims, e.claims[0].model_copy(update={"quote": "另一条。"})]})
    cache.save_graph(read, c)
    assert c.read_bytes() == dump_graph(read).encode()
    assert cache.load_data(c) == store.load_data(c)


def test_a_refused_write_still_refuses(graph, read_back):
    """The reference checks run on the whole graph: an unknown report in a new claim is
    refused and the file is left as it was."""
    before = graph.read_bytes()
    data = cache.load_entry(graph).data()
    new = with_claim(data, 3, "某条论断。")
    new.edges[3].claims[-1] = new.edges[3].claims[-1].model_copy(update={"report": "no-such-report"})
    with pytest.raises(GraphValidationError, match="unknown report 'no-such-report'"):
        cache.save_graph(new, graph)
    assert graph.read_bytes() == before


def test_a_file_changed_on_disk_is_not_reused(graph, read_back):
    data = cache.load_entry(graph).data()
    text = graph.read_text(encoding="utf-8")
    graph.write_text(text.replace("version: 1\n", "version: 1\n# edited while the command ran\n", 1), encoding="utf-8")
    new = with_claim(data, 3, "又一条论断。")
    cache.save_graph(new, graph)
    assert len(read_back["edges"]) == len(new.edges) and len(read_back["nodes"]) == len(new.nodes)
    assert graph.read_bytes() == dump_graph(new).encode()


def test_a_hand_edited_item_is_read_back(graph, read_back):
    """An item the file spells otherwise than the canonical dump (here a name in double
    quotes) is not the dump's bytes: it is read back, and written canonically."""
    text = graph.read_text(encoding="utf-8")
    data0 = store.load_data(graph)
    node = next(n for n in data0.nodes if n.type == "company")
    line = f"  name: {node.name}\n"
    assert line in text
    graph.write_text(text.replace(line, f'  name: "{node.name}"\n', 1), encoding="utf-8")
    data = cache.load_entry(graph).data()
    new = with_claim(data, 3, "再一条论断。")
    cache.save_graph(new, graph)
    assert [n.id for n in read_back["nodes"]] == [node.id]
    assert graph.read_bytes() == dump_graph(new).encode()


def test_a_corrupt_cache_entry_is_not_reused(graph, read_back):
    """A damaged cache entry is not read (CRC): the models come from the YAML, and a write
    after it is the canonical dump, its changed edge read back."""
    cache.load_entry(graph)  # leaves the entry
    (entry,) = (graph.parent / cache.CACHE_DIR).iterdir()
    blob = bytearray(entry.read_bytes())
    blob[len(blob) // 2] ^= 0xFF
    entry.write_bytes(bytes(blob))
    previous.forget_read()
    loaded = cache.load_entry(graph)
    data = loaded.data()
    assert data == store.load_data(graph)
    new = with_claim(data, 3, "第四条论断。")
    cache.save_graph(new, graph)
    assert [e.key for e in read_back["edges"]] == [new.edges[3].key]
    assert graph.read_bytes() == dump_graph(new).encode()


def test_apply_patch_reads_back_only_what_it_changed(graph, read_back):
    result = apply_patch(PATCH, graph)
    assert result.written
    after = store.load_data(graph)
    assert graph.read_bytes() == dump_graph(after).encode()
    changed_edges = {e.key for e in read_back["edges"]}
    assert 0 < len(changed_edges) < len(after.edges) // 4
    before = {e.key: e for e in store.load_data(GRAPH).edges}
    for e in after.edges:  # every edge not read back is the one the file had
        if e.key not in changed_edges:
            assert before[e.key] == e
    assert cache.load_data(graph) == after


def test_a_file_over_the_reuse_limit_is_read_back_whole(graph, read_back, monkeypatch):
    """Past previous.REUSE_MAX_BYTES (the 100k graph) the old bytes are not held: every item
    is read back, part by part, and the peak stays what it was."""
    monkeypatch.setattr(previous, "REUSE_MAX_BYTES", graph.stat().st_size - 1)
    data = cache.load_entry(graph).data()
    new = with_claim(data, 3, "超过上限时的论断。")
    cache.save_graph(new, graph)
    assert len(read_back["edges"]) == len(new.edges) and len(read_back["nodes"]) == len(new.nodes)
    assert graph.read_bytes() == dump_graph(new).encode()


def test_a_copy_saved_elsewhere_reuses_the_file_its_models_came_from(graph, tmp_path, read_back):
    """Saving to another path: the models' text is checked against the file they were read
    from (still those bytes), so only what changed is read back; that file's note stays
    for a later write of it."""
    data = cache.load_entry(graph).data()
    other = tmp_path / "copy.yaml"
    new = with_claim(data, 3, "另一个文件的论断。")
    cache.save_graph(new, other)
    assert [e.key for e in read_back["edges"]] == [new.edges[3].key] and read_back["nodes"] == []
    assert other.read_bytes() == dump_graph(new).encode()
    read_back["edges"].clear()
    newer = with_claim(data, 5, "原文件的论断。")
    cache.save_graph(newer, graph)  # the file read is replaced now: its note is spent
    assert [e.key for e in read_back["edges"]] == [newer.edges[5].key]
    assert graph.read_bytes() == dump_graph(newer).encode()
    for path in (other, graph):  # the cache entries left hold what the files read as
        assert cache.load_data(path) == store.load_data(path)


def test_a_copy_is_read_back_whole_when_its_source_changed_on_disk(graph, tmp_path, read_back):
    data = cache.load_entry(graph).data()
    graph.write_bytes(graph.read_bytes() + b"\n")  # another program touched the file read
    other = tmp_path / "copy.yaml"
    new = with_claim(data, 3, "另一个文件的论断。")
    cache.save_graph(new, other)
    assert len(read_back["edges"]) == len(new.edges) and len(read_back["nodes"]) == len(new.nodes)
    assert other.read_bytes() == dump_graph(new).encode()
