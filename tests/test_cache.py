"""The validated cache: same results with and without it, never trusted when stale or corrupt."""

from __future__ import annotations

import json
import shutil
import stat

import pytest

from conftest import GRAPH
from supplychain import cache, load_graph
from supplychain.errors import GraphValidationError
from supplychain.query import drivers, exposure
from supplychain.render import drivers_json, exposure_json, show_json
from supplychain.store import dump_graph, load_data
from supplychain.synth import synth_data


@pytest.fixture
def graph_file(tmp_path):
    path = tmp_path / "graph.yaml"
    shutil.copy(GRAPH, path)
    return path


@pytest.fixture
def synth_file(tmp_path):
    path = tmp_path / "synth.yaml"
    path.write_text(dump_graph(synth_data(300, seed=5)), encoding="utf-8")
    return path


def entries(path):
    folder = path.parent / cache.CACHE_DIR
    return sorted(folder.glob(f"{path.name}.*.msgpack")) if folder.exists() else []


def answers(g, driver, company):
    """Everything a user sees: exposure, drivers and show JSON."""
    node = g.resolve(company)
    return json.dumps(
        [exposure_json(exposure(g, driver)), drivers_json(node, drivers(g, company)), show_json(g, node), show_json(g, g.resolve(driver))],
        ensure_ascii=False,
        sort_keys=True,
    )


@pytest.mark.parametrize("which", ["bundled", "synthetic"])
def test_cached_and_uncached_loads_agree(which, graph_file, synth_file, monkeypatch):
    path, driver, company = (graph_file, "阿里云资本开支", "中际旭创") if which == "bundled" else (synth_file, "driver-0001", "co-000001")
    monkeypatch.setenv("SUPPLYCHAIN_NO_CACHE", "1")
    plain = load_graph(path)
    assert entries(path) == []
    monkeypatch.delenv("SUPPLYCHAIN_NO_CACHE")
    first = load_graph(path)  # parses, validates, writes the cache
    assert len(entries(path)) == 1
    warm = load_graph(path)  # reads the cache
    assert plain.data == first.data == warm.data
    assert plain.data.model_dump() == warm.data.model_dump()
    assert dump_graph(plain.data) == dump_graph(warm.data) == path.read_text(encoding="utf-8")
    for a, b in zip(plain.data.nodes + plain.data.edges, warm.data.nodes + warm.data.edges):
        assert type(a) is type(b) and a.model_fields_set == b.model_fields_set
    assert answers(plain, driver, company) == answers(warm, driver, company)


def test_warm_load_does_not_parse_yaml(graph_file, monkeypatch):
    load_graph(graph_file)
    import supplychain.store

    def boom(*args, **kwargs):
        raise AssertionError("parsed the YAML although the cache is warm")

    monkeypatch.setattr(supplychain.store, "parse_graph_text", boom)
    assert load_graph(graph_file).resolve("中际旭创").id == "innolight"


def test_edited_file_is_read_again_and_the_stale_entry_goes(graph_file):
    load_graph(graph_file)
    (old,) = entries(graph_file)
    text = graph_file.read_text(encoding="utf-8").replace("name: 中际旭创", "name: 中际旭创科技", 1)
    graph_file.write_text(text, encoding="utf-8")
    assert load_graph(graph_file).resolve("中际旭创科技").id == "innolight"
    (new,) = entries(graph_file)
    assert new != old


def test_stale_entry_under_the_new_name_is_not_trusted(graph_file):
    """An entry renamed to the current hash (or made by other code) is refused: its header
    names another file content."""
    load_graph(graph_file)
    (entry,) = entries(graph_file)
    blob = entry.read_bytes()
    graph_file.write_text(graph_file.read_text(encoding="utf-8").replace("name: 中际旭创", "name: 旭创中际", 1), encoding="utf-8")
    digest = cache.hashlib.sha256(graph_file.read_bytes()).hexdigest()
    cache.cache_path(graph_file, digest).write_bytes(blob)
    assert load_graph(graph_file).resolve("旭创中际").id == "innolight"


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b"",
        lambda b: b[:20],
        lambda b: b[: len(b) // 2],
        lambda b: b[:40] + bytes([b[40] ^ 0xFF]) + b[41:],
        lambda b: b[:-1] + bytes([b[-1] ^ 0x01]),
        lambda b: b"not a cache at all",
        lambda b: cache.MAGIC + b"\x00\x00\x00\x00" + b"\xc1",
    ],
)
def test_corrupt_entry_is_ignored_and_rebuilt(graph_file, damage):
    expected = load_graph(graph_file).data
    (entry,) = entries(graph_file)
    good = entry.read_bytes()
    entry.write_bytes(damage(good))
    assert load_graph(graph_file).data == expected
    assert entry.read_bytes() == good  # rebuilt


@pytest.mark.parametrize(
    "change",
    [
        {"sources": b"\x00\x00\x00\x00"},  # columns of different lengths
        {"claim_start": b""},
        {"node_types": b""},
        {"nodes": None},  # nodes that are not a list
        {"flow": (b"\x00\x00\x00\x00", b"", b"", b"")},  # rows of another graph
        {"in_edges": (b"", b"")},
    ],
)
def test_entry_whose_columns_do_not_fit_is_ignored(graph_file, change):
    """Sound bytes (right checksum, fingerprint and hash) whose columns disagree are refused."""
    import msgspec

    from supplychain.entry import _Layout

    expected = load_graph(graph_file).data
    (entry,) = entries(graph_file)
    digest = entry.name.split(".")[-2]
    payload = bytes(memoryview(entry.read_bytes())[cache._PAYLOAD :])
    layout = msgspec.msgpack.decode(payload, type=_Layout)
    changed = {k: (msgspec.Raw(msgspec.msgpack.encode(7)) if v is None else v) for k, v in change.items()}
    forged = msgspec.msgpack.encode(msgspec.structs.replace(layout, **changed))
    entry.write_bytes(cache._frame(forged, digest))
    assert cache.decode(entry.read_bytes(), digest) is None
    assert load_graph(graph_file).data == expected


def test_cache_written_by_other_code_is_ignored(graph_file, monkeypatch):
    load_graph(graph_file)
    monkeypatch.setattr(cache, "_FINGERPRINT", "another version of supplychain")
    data = load_graph(graph_file).data
    assert data == load_data(graph_file)


def test_disabled_by_environment(graph_file, monkeypatch):
    monkeypatch.setenv("SUPPLYCHAIN_NO_CACHE", "1")
    load_graph(graph_file)
    assert entries(graph_file) == []
    monkeypatch.setenv("SUPPLYCHAIN_NO_CACHE", "0")
    load_graph(graph_file)
    assert len(entries(graph_file)) == 1


def test_read_only_folder_just_skips_the_cache(graph_file, monkeypatch):
    """What a read-only checkout does to the writer (root would write anyway: simulate it)."""
    import supplychain.cache

    def refuse(path, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(supplychain.cache, "atomic_writer", refuse)
    assert load_graph(graph_file).resolve("中际旭创").id == "innolight"
    assert entries(graph_file) == []


def test_unwritable_cache_folder_just_skips_the_cache(graph_file):
    (graph_file.parent / cache.CACHE_DIR).write_text("a file where the folder should be")
    assert load_graph(graph_file).resolve("中际旭创").id == "innolight"
    assert load_graph(graph_file).resolve("中际旭创").id == "innolight"


def test_invalid_file_is_never_cached(graph_file):
    graph_file.write_text(graph_file.read_text(encoding="utf-8").replace("source: innolight", "source: innolite", 1), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(GraphValidationError, match="innolite"):
            load_graph(graph_file)
    assert entries(graph_file) == []


def test_missing_file_gives_the_usual_error(tmp_path):
    from supplychain.errors import FileFormatError

    with pytest.raises(FileFormatError, match="file not found"):
        load_graph(tmp_path / "nope.yaml")


@pytest.mark.parametrize("mode", [0o644, 0o600])
def test_cache_entry_is_as_private_as_the_graph_file(graph_file, mode):
    graph_file.chmod(mode)
    load_graph(graph_file)
    (entry,) = entries(graph_file)
    assert stat.S_IMODE(entry.stat().st_mode) == mode


def test_a_written_graph_is_cached_as_written(graph_file, monkeypatch):
    """cache.save_graph (every ingest and apply) leaves the entry of what it wrote: the next
    load parses nothing, and answers as an uncached load does. store.save_graph (the plain
    writer, which knows no cache) leaves none."""
    import supplychain.store
    from supplychain.cache import save_graph
    from supplychain.store import save_graph as plain_save

    plain_save(load_data(graph_file), graph_file)
    assert entries(graph_file) == []

    data = load_data(graph_file)
    data.nodes[0].aliases.append("新的别名")
    save_graph(data, graph_file)
    assert len(entries(graph_file)) == 1
    monkeypatch.setattr(supplychain.store, "parse_graph_text", lambda *a, **k: pytest.fail("parsed the YAML"))
    warm = load_graph(graph_file)
    assert warm.resolve("新的别名").id == data.nodes[0].id
    monkeypatch.undo()
    assert warm.data == load_data(graph_file)
    monkeypatch.setenv("SUPPLYCHAIN_NO_CACHE", "1")
    save_graph(data, graph_file.with_name("other.yaml"))
    assert entries(graph_file.with_name("other.yaml")) == []


def test_a_failed_entry_never_fails_the_write(graph_file, monkeypatch):
    """The file is written before its entry is made: an entry that cannot be encoded
    costs the next load some time, never the write."""
    import supplychain.cache
    from supplychain.cache import save_graph

    def boom(*args):
        raise MemoryError

    monkeypatch.setattr(supplychain.cache, "encode_entry", boom)
    monkeypatch.setattr(supplychain.cache, "encode_parts", boom)
    data = load_data(graph_file)
    save_graph(data, graph_file)
    assert entries(graph_file) == [] and load_data(graph_file) == data
