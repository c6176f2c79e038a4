"""Big graph files are read and written a slice at a time (store.read_in_slices,
store.write_graph): the same data, the same bytes and the same messages as reading or
checking the whole text, with slices made small here so that every file is cut."""

from __future__ import annotations

import hashlib

import pytest

from conftest import FIXTURES, GRAPH
from supplychain import cache, store
from supplychain.errors import GraphValidationError, SupplyChainError
from supplychain.schema import Edge
from supplychain.store import dump_graph, load_data
from supplychain.synth import synth_data

SMALL = 300
"""Bytes per slice in these tests: a few nodes or edges each."""
WHOLE = 10**9
"""A slice bigger than any file here: read_graph reads it whole, as before slicing."""


@pytest.fixture(scope="module")
def synth_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("synth") / "synth.yaml"
    path.write_text(dump_graph(synth_data(300, seed=5)), encoding="utf-8")
    return path


def valid_files(synth_file):
    return [GRAPH, FIXTURES / "core" / "mini.yaml", FIXTURES / "html" / "graph.yaml", synth_file]


def outcome(path, slice_bytes):
    """What read_graph gives: the data and digest, or the messages of its error."""
    try:
        return store.read_graph(path, slice_bytes=slice_bytes)
    except GraphValidationError as e:
        return [str(i) for i in e.issues]
    except SupplyChainError as e:
        return str(e)


def fields_set(data):
    return [m.model_fields_set for m in data.nodes], [m.model_fields_set for m in data.edges]


@pytest.mark.parametrize("which", range(4))
def test_sliced_and_whole_readings_are_identical(which, synth_file):
    path = valid_files(synth_file)[which]
    blob = path.read_bytes()
    _, sections = store._cut(blob, SMALL)
    assert [name for name, _ in sections] == ["nodes", "edges"]
    assert all(len(cuts) > 1 for _, cuts in sections)  # every section is really cut
    sliced = store.read_in_slices(blob, SMALL)
    whole, digest = store.read_graph(path, slice_bytes=WHOLE)
    assert sliced is not None and sliced == whole
    assert fields_set(sliced) == fields_set(whole)
    assert len(sliced.nodes) >= 5 and len(sliced.edges) >= 5
    assert store.read_graph(path, slice_bytes=SMALL) == (whole, digest == hashlib.sha256(blob).hexdigest() and digest)


def test_slices_cut_before_list_items_only():
    blob = GRAPH.read_bytes()
    head, sections = store._cut(blob, SMALL)
    assert head.endswith(b"version: 1\n")
    for _, cuts in sections:
        assert all(blob[start:start + 2] == b"- " for start, _ in cuts)
        assert all(stop == cuts[k + 1][0] for k, (_, stop) in enumerate(cuts[:-1]))  # nothing skipped


@pytest.mark.parametrize("path", sorted((FIXTURES / "core").glob("bad_*.yaml")), ids=lambda p: p.name)
def test_invalid_fixtures_give_the_same_messages(path):
    expected = outcome(path, WHOLE)
    assert isinstance(expected, (list, str)) and expected  # each is refused
    assert outcome(path, SMALL) == expected


def edit(text: str, how: str) -> str:
    """The bundled graph's text, hand-edited in a way the slicing must not misread."""
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.startswith("- id: ")]
    if how == "second nodes key":
        return text + "nodes:\n- id: extra\n  type: driver\n  name: 额外驱动\n"
    if how == "alias across slices":
        lines[starts[1] + 1] = lines[starts[1] + 1].rstrip("\n") + " # &t\n"
        lines[starts[1]] = lines[starts[1]].replace("- id: ", "- id: &first ", 1)
        lines[starts[-1]] = "- id: *first\n"
        return "".join(lines)
    if how == "tag":
        lines[starts[3]] = lines[starts[3]].replace("- id: ", "- id: !custom ", 1)
        return "".join(lines)
    if how == "key at column 0 inside nodes":
        lines.insert(starts[5], "extra: 1\n")
        return "".join(lines)
    if how == "comments between items":
        for i in reversed(starts[::3]):
            lines.insert(i, "# a note\n\n")
        return "".join(lines)
    if how == "indented list":
        end = next(i for i, line in enumerate(lines) if line == "edges:\n")
        for i in range(lines.index("nodes:\n") + 1, end):
            lines[i] = "  " + lines[i]
        return "".join(lines)
    if how == "edges with nothing":
        end = next(i for i, line in enumerate(lines) if line == "edges:\n")
        return "".join(lines[: end + 1])
    if how == "bad value late":
        last = max(i for i, line in enumerate(lines) if line.startswith("    date: "))
        lines[last] = lines[last].replace("date: ", "date: 2025-13-", 1)
        return "".join(lines)
    raise AssertionError(how)


HAND_EDITS = [
    "second nodes key", "alias across slices", "tag", "key at column 0 inside nodes",
    "comments between items", "indented list", "edges with nothing", "bad value late",
]


@pytest.mark.parametrize("how", HAND_EDITS)
def test_hand_edited_files_read_as_whole(tmp_path, how):
    """Text not in the canonical shape is read whole (or, cut, gives the same): every
    message and every datum as before."""
    path = tmp_path / "g.yaml"
    path.write_text(edit(GRAPH.read_text(encoding="utf-8"), how), encoding="utf-8")
    expected = outcome(path, WHOLE)
    assert outcome(path, SMALL) == expected
    sliced = store.read_in_slices(path.read_bytes(), SMALL)
    if how in ("comments between items", "indented list"):
        assert sliced == load_data(GRAPH) == expected[0]  # valid, and read in slices
    else:
        assert sliced is None  # refused or left to the whole reading
        assert isinstance(expected, (list, str))


def test_a_plain_code_read_in_slices_stays_text(tmp_path):
    """A slice the engine misreads (a plain 002837 is the integer 2837 in YAML 1.2) makes
    every slice be read by PyYAML, as the whole file would be."""
    data = load_data(GRAPH)
    node = next(n for n in data.nodes if getattr(n, "ticker", None) == "002837.SZ")  # 英维克 (Envicool)
    node.aliases = [*node.aliases, "002837"]
    path = tmp_path / "g.yaml"
    digest, checked, _ = store.write_graph(data, path, slice_bytes=SMALL)
    assert ", 002837]" in path.read_text(encoding="utf-8")
    assert checked == load_data(path) == store.read_in_slices(path.read_bytes(), SMALL)
    assert next(n for n in checked.nodes if n.id == node.id).aliases[-1] == "002837"


# --------------------------------------------------------------------------- writing


@pytest.mark.parametrize("which", range(4))
def test_a_write_in_slices_is_the_canonical_text(tmp_path, which, synth_file):
    data = load_data(valid_files(synth_file)[which])
    path = tmp_path / "g.yaml"
    names: dict = {}
    digest, checked, _ = store.write_graph(data, path, names=names, slice_bytes=SMALL)
    blob = path.read_bytes()
    assert blob.decode("utf-8") == dump_graph(data)
    assert digest == hashlib.sha256(blob).hexdigest()
    assert checked == load_data(path) and fields_set(checked) == fields_set(load_data(path))
    assert {id(n) for n in checked.nodes} == {id(n) for n in data.nodes}  # the models written, not a copy
    assert names["names"] and names["codes"] is not None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.yaml"]  # no temporary file left


def test_claims_out_of_order_are_written_and_returned_in_file_order(tmp_path, synth_file):
    data = load_data(synth_file)
    i = next(i for i, e in enumerate(data.edges) if len(e.claims) > 1)
    data.edges[i] = data.edges[i].model_copy(update={"claims": data.edges[i].claims[::-1]})
    path = tmp_path / "g.yaml"
    _, checked, _ = store.write_graph(data, path, slice_bytes=SMALL)
    assert path.read_text(encoding="utf-8") == dump_graph(data)
    assert checked == load_data(path) != data


def test_an_invalid_graph_is_refused_with_the_whole_texts_messages(tmp_path):
    data = load_data(GRAPH)
    target = data.edges[0].target
    data.edges.append(Edge(type=data.edges[0].type, source=data.edges[0].source, target=target + "-x",
                           claims=data.edges[0].claims))
    path = tmp_path / "g.yaml"
    path.write_bytes(GRAPH.read_bytes())
    with pytest.raises(GraphValidationError) as whole:
        store.parse_graph_text(dump_graph(data).encode("utf-8"), str(path))
    with pytest.raises(GraphValidationError) as sliced:
        store.write_graph(data, path, slice_bytes=SMALL)
    assert [str(i) for i in sliced.value.issues] == [str(i) for i in whole.value.issues]
    assert "unknown node" in str(sliced.value.issues[0])
    assert path.read_bytes() == GRAPH.read_bytes()  # nothing written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.yaml"]


def test_the_cache_entry_of_a_write_answers_as_the_file(tmp_path, monkeypatch):
    monkeypatch.delenv("SUPPLYCHAIN_NO_CACHE", raising=False)
    data = load_data(GRAPH)
    path = tmp_path / "g.yaml"
    digest = cache.save_graph(data, path)
    assert digest == hashlib.sha256(path.read_bytes()).hexdigest()
    assert cache.cache_path(path, digest).exists()
    assert cache.load_data(path) == load_data(path) == load_data(GRAPH)


# --------------------------------------------------------------------------- the check of a write


def claim_at(data, quote_part: str):
    """(edge index, claim index) of the first claim whose quote holds ``quote_part``."""
    return next((i, k) for i, e in enumerate(data.edges) for k, c in enumerate(e.claims) if quote_part in c.quote)


def test_the_batch_comparison_agrees_with_model_by_model(synth_file):
    """slices._all_same (edges and claims compared a column at a time) says what _same
    says model by model: equal when read back as written, not when a value or a field
    set differs."""
    from supplychain.slices import _all_same, _same

    mine, back = load_data(synth_file).edges, load_data(synth_file).edges
    assert _all_same(mine, back) and all(_same(a, b) for a, b in zip(mine, back))
    changed = [e.model_copy(deep=True) for e in back]
    changed[3].claims[0].quote += "。"
    assert not _all_same(mine, changed) and not _same(mine[3], changed[3])
    unset = [e.model_copy(deep=True) for e in back]
    claim = next(c for e in unset for c in e.claims if "stance" in c.model_fields_set)
    claim.__pydantic_fields_set__.discard("stance")  # the same value, not set in the file
    assert not _all_same(mine, unset)
    assert not _all_same(mine, [*back[:-1], back[-1].claims[0]])  # something that is no edge
    nodes = load_data(synth_file).nodes  # of several classes: compared model by model
    assert _all_same(nodes, load_data(synth_file).nodes)


def test_a_model_written_unvalidated_is_returned_as_the_file_reads_it(tmp_path, monkeypatch):
    """A claim changed without validation (a quote with spaces around it, which validation
    strips) is written as it is, and the data returned, and the cache entry made from it,
    are what reading the file gives: not the model in memory."""
    monkeypatch.delenv("SUPPLYCHAIN_NO_CACHE", raising=False)
    data = load_data(GRAPH)
    i, k = 5, 0
    claim = data.edges[i].claims[k]
    data.edges[i].claims[k] = claim.model_copy(update={"quote": f"  {claim.quote}  "})
    path = tmp_path / "g.yaml"
    digest = cache.save_graph(data, path)
    from_file = load_data(path)
    assert f"'  {claim.quote}  '" in path.read_text(encoding="utf-8")
    assert from_file.edges[i].claims[k].quote == claim.quote  # stripped by validation
    assert cache.load_data(path) == from_file != data
    assert digest == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_read_leaves_the_collector_on_and_nothing_frozen():
    import gc

    gc.unfreeze()  # (an earlier load_graph in this process froze its graph)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    data, _ = store.read_graph(GRAPH, slice_bytes=SMALL)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    assert len(data.nodes) > 10
    gc.freeze()  # as load_graph does: a graph frozen before stays frozen
    try:
        frozen = gc.get_freeze_count()
        store.read_graph(GRAPH)
        assert gc.get_freeze_count() >= frozen and gc.isenabled()
    finally:
        gc.unfreeze()
