"""A write after a write takes the text of what it does not change from the file
(previous.Previous.keeper): a file written by ``write_graph`` is the canonical dump of its
models (its cache entry says so), so a model read from it, not changed since, is written
as the bytes it was read from, without being dumped or read back. Whatever changed is
dumped and read back; a model changed in place (a field set, a list grown or replaced,
nested ones too) is never taken from the file. The file written is the canonical dump in
every case."""

from __future__ import annotations

import shutil

import pytest

from conftest import FIXTURES, GRAPH
from supplychain import cache, canonical, previous, store
from supplychain.ingest.patch import apply_patch
from supplychain.schema import WATCHED, GraphData
from supplychain.store import dump_graph

PATCH = FIXTURES / "ingest" / "patches" / "desk_call_2025-12-05.yaml"


@pytest.fixture
def written(tmp_path, monkeypatch):
    """The bundled graph as a write leaves it: the file and a cache entry that says the
    file is canonical."""
    monkeypatch.delenv("SUPPLYCHAIN_NO_CACHE", raising=False)
    previous.forget_read()
    path = tmp_path / "graph.yaml"
    shutil.copy(GRAPH, path)
    cache.save_graph(store.load_data(path), path)
    previous.forget_read()
    yield path
    previous.forget_read()


@pytest.fixture
def dumped(monkeypatch):
    """The nodes and edges each write dumps (canonical._write_item), kept ones excluded:
    with SUPPLYCHAIN_VERIFY_KEPT off, as users run it."""
    monkeypatch.setenv("SUPPLYCHAIN_VERIFY_KEPT", "0")
    seen: list = []
    real = canonical._write_item

    def spy(item, *args):
        seen.append(item)
        return real(item, *args)

    monkeypatch.setattr(canonical, "_write_item", spy)
    return seen


def keys(items) -> list:
    return [getattr(x, "key", None) or x.id for x in items]


def canonical_now(path) -> bool:
    """The file is the canonical dump of what it reads as (no cache)."""
    return path.read_bytes() == dump_graph(store.load_data(path)).encode()


def test_only_the_written_entry_says_canonical(written, tmp_path):
    assert cache.load_entry(written).canonical  # written by write_graph
    other = tmp_path / "copy.yaml"
    shutil.copy(written, other)
    assert not cache.load_entry(other).canonical  # read: the same bytes, but nothing proves it


def test_a_write_after_a_write_dumps_only_what_changed(written, dumped):
    data = cache.load_entry(written).data()
    edges = list(data.edges)
    old = edges[5]
    edges[5] = old.model_copy(update={"claims": [*old.claims, old.claims[0].model_copy(update={"quote": "新增论断。"})]})
    new = GraphData.model_construct(version=data.version, nodes=list(data.nodes), edges=edges)
    cache.save_graph(new, written)
    assert keys(dumped) == [edges[5].key]
    assert written.read_bytes() == dump_graph(new).encode()
    assert cache.load_data(written) == store.load_data(written)  # the entry left holds what the file reads as
    assert cache.load_entry(written).canonical


def test_apply_after_a_write_dumps_only_the_patch(written, dumped):
    """A patch of two new notes' claims (desk call fixture): what it adds or changes is
    dumped; the graph's other 80-odd items come from the file."""
    result = apply_patch(PATCH, written)
    assert result.written
    changed = list(dumped)
    total = len(store.load_data(written).nodes) + len(store.load_data(written).edges)
    assert 0 < len(changed) < total / 5
    assert canonical_now(written)
    again = cache.load_entry(written)
    assert again.canonical and again.data() == store.load_data(written)


@pytest.mark.parametrize(
    "change",
    [
        "setattr_edge",  # a field of an edge set
        "setattr_claim",  # a field of a claim set (a model inside a list)
        "append_claim",  # a list grown, no field set
        "replace_claim",  # an item of a list replaced, same length
        "append_alias",  # a node's list of strings grown
        "del_alias",
        "nested_also",  # a list inside a model inside a list: a metric's other sources
    ],
)
def test_a_model_changed_in_place_is_dumped_again(written, dumped, change):
    data = cache.load_entry(written).data()
    edge = next(e for e in data.edges if len(e.claims) >= 1)
    node = next(n for n in data.nodes if n.aliases)
    driver = next(n for n in data.nodes if getattr(n, "metrics", None))
    if change == "setattr_edge":
        edge.claims = [*edge.claims, edge.claims[0].model_copy(update={"quote": "就地加的引文。"})]
    elif change == "setattr_claim":
        edge.claims[0].quote = "就地改过的引文。"
    elif change == "append_claim":
        edge.claims.append(edge.claims[0].model_copy(update={"quote": "就地加的引文。"}))
    elif change == "replace_claim":
        edge.claims[0] = edge.claims[0].model_copy(update={"quote": "就地换的引文。"})
    elif change == "append_alias":
        node.aliases.append("就地加的别名")
    elif change == "del_alias":
        del node.aliases[0]
    elif change == "nested_also":
        metric = driver.metrics[0]
        metric.also.append(metric.source.model_copy(update={"report": metric.source.report}))
    expected = dump_graph(data).encode()
    dumped.clear()
    cache.save_graph(data, written)
    if change.startswith("setattr"):
        assert not WATCHED  # a field set: nothing was taken from the file
        assert len(dumped) == len(data.nodes) + len(data.edges)
    else:
        assert len(dumped) == 1  # only the item whose list changed
    assert written.read_bytes() == expected  # the change is in the file
    assert canonical_now(written)


def test_a_dict_written_behind_pydantic_s_back_is_caught_by_the_tests_check(written, monkeypatch):
    """``model.__dict__[...] = ...`` passes neither guard: the test suite's
    SUPPLYCHAIN_VERIFY_KEPT dumps every kept item and refuses the write (nothing
    replaced), so a code path doing that fails its tests instead of writing stale text."""
    monkeypatch.setenv("SUPPLYCHAIN_VERIFY_KEPT", "1")
    before = written.read_bytes()
    data = cache.load_entry(written).data()
    data.edges[2].claims[0].__dict__["quote"] = "绕过检查的引文。"
    with pytest.raises(AssertionError, match="kept edge"):
        cache.save_graph(data, written)
    assert written.read_bytes() == before


def test_nothing_is_kept_from_a_file_changed_on_disk(written, dumped):
    data = cache.load_entry(written).data()
    text = written.read_text(encoding="utf-8")
    written.write_text(text.replace("# supplychain knowledge graph.", "# edited. supplychain knowledge graph."), encoding="utf-8")
    cache.save_graph(data, written)
    assert len(dumped) == len(data.nodes) + len(data.edges)
    assert written.read_bytes() == dump_graph(data).encode()


def test_the_next_cache_entry_reuses_the_old_columns_and_equals_a_whole_encode(written, monkeypatch):
    """After a write that kept items, the new cache entry is made from the old entry's
    columns (entrykept.encode_kept): the same bytes as encoding the whole graph, through
    the runs of kept edges, new edges among them and a new node that renumbers the
    nodes after it."""
    from supplychain import entry, entrykept

    used = []
    real = entrykept.encode_kept
    monkeypatch.setattr(entrykept, "encode_kept", lambda *a: used.append(a[2]) or real(*a))
    apply_patch(PATCH, written)
    assert used and used[0].ids  # the kept columns were used
    data = store.load_data(written)
    names: dict = {}
    assert not store.check_references(list(enumerate(data.nodes)), list(enumerate(data.edges)), names=names)
    (made,) = (written.parent / cache.CACHE_DIR).glob(f"{written.name}.*.msgpack")
    assert made.read_bytes()[cache._PAYLOAD :] == entry.encode(data, names)
    assert len(data.nodes) > len(used[0].nodes)  # the patch added nodes: the old ones renumbered


def test_past_the_reuse_limit_nothing_is_watched_nor_kept(written, dumped, monkeypatch):
    """A file bigger than previous.REUSE_MAX_BYTES (the 100k graph) is not held at the
    write, so no snapshot of its models is made either (memory: 600k models at 100k)."""
    monkeypatch.setattr(previous, "REUSE_MAX_BYTES", written.stat().st_size - 1)
    data = cache.load_entry(written).data()
    assert not WATCHED
    cache.save_graph(data, written)
    assert len(dumped) == len(data.nodes) + len(data.edges)
    assert canonical_now(written)


def test_a_model_changed_before_the_whole_graph_is_read_is_written_as_changed(written):
    """A command looks a node up (the graph builds that one model), changes it, and only
    then asks for the whole graph: the change is written, text and cache entry alike
    (review finding: the snapshot was taken after the change, and the old text kept)."""
    from supplychain.graph import load_graph

    g = load_graph(written)
    node = g.nodes["risk-supply-chain"]
    node.name_en = "Changed before the read"
    node.aliases.append("供给瓶颈风险")
    edge = g.out_edges("innolight")[0]
    edge.claims.append(edge.claims[0].model_copy(update={"quote": "先改后读的引文。"}))
    cache.save_graph(g.data, written)
    written_node = next(n for n in store.load_data(written).nodes if n.id == "risk-supply-chain")
    assert written_node.name_en == "Changed before the read" and "供给瓶颈风险" in written_node.aliases
    assert "先改后读的引文。" in written.read_text(encoding="utf-8")
    assert canonical_now(written)
    assert cache.load_data(written) == store.load_data(written)


def test_a_field_set_to_its_default_leaves_the_cache_entry_as_a_cold_read_makes_it(written):
    """``description = None`` changes no text, but the fields the cache entry records:
    after a field is set on a model read, every item is read back (review finding)."""
    data = cache.load_entry(written).data()
    node = next(n for n in data.nodes if n.id == "risk-supply-chain" and "description" not in n.model_fields_set)
    node.description = None
    claim = next(c for e in data.edges for c in e.claims if "stance" not in c.model_fields_set)
    claim.stance = None
    cache.save_graph(data, written)
    cached, cold = cache.load_data(written), store.load_data(written)
    assert cached == cold
    assert [n.model_fields_set for n in cached.nodes] == [n.model_fields_set for n in cold.nodes]
    assert [c.model_fields_set for e in cached.edges for c in e.claims] == [c.model_fields_set for e in cold.edges for c in e.claims]


def test_after_a_read_the_next_cache_entry_reuses_the_columns_of_what_read_back_the_same(tmp_path, monkeypatch):
    """A file whose cache entry was made by a read is dumped whole (nothing proves it
    canonical), but the items whose text comes out byte for byte as read, unchanged
    since, keep their columns in the next cache entry (the same bytes as a whole encode:
    checked by SUPPLYCHAIN_VERIFY_KEPT)."""
    from supplychain import entrykept

    monkeypatch.delenv("SUPPLYCHAIN_NO_CACHE", raising=False)
    previous.forget_read()
    path = tmp_path / "graph.yaml"
    shutil.copy(GRAPH, path)
    used = []
    real = entrykept.encode_kept
    monkeypatch.setattr(entrykept, "encode_kept", lambda *a: used.append(a[2]) or real(*a))
    entry = cache.load_entry(path)
    assert not entry.canonical
    apply_patch(PATCH, path)
    assert used and len(used[0].ids) > 20
    assert cache.load_data(path) == store.load_data(path) and canonical_now(path)
    previous.forget_read()


def test_a_cache_file_written_from_buffers_is_the_encoded_entry(tmp_path):
    """entry.encode_parts (what cache files are written from: each byte column behind
    its header, not copied into one payload) joins to entry.encode's bytes, for the
    bundled graph and a synthetic one (all three msgpack bin sizes)."""
    from supplychain import entry
    from supplychain.synth import write_synth

    synthetic = tmp_path / "synth.yaml"
    write_synth(300, 3, synthetic)
    for path in (GRAPH, synthetic):
        data = store.load_data(path)
        names: dict = {}
        store.check_references(list(enumerate(data.nodes)), list(enumerate(data.edges)), names=names)
        parts = entry.encode_parts(data, names)
        assert b"".join(parts) == entry.encode(data, names)
        assert {bytes(p[:1]) for p in parts if len(p) in (2, 3, 5)} & {b"\xc4", b"\xc5", b"\xc6"}
