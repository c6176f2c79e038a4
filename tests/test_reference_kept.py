"""The security master kept beside the graph's cache entry (reference._load_kept): what a
command reads from it is what reading the CSV files gives, an edited file is read again,
and a damaged entry is read around."""

from __future__ import annotations

import shutil

import msgspec
import pytest

from conftest import GRAPH
from supplychain.cache import CACHE_DIR, load_entry
from supplychain.errors import FileFormatError
from supplychain.reference import decode_kept, load_reference


@pytest.fixture
def graph(tmp_path, monkeypatch):
    """A graph with its own copy of the reference files beside it, read once (its cache
    entry makes the folder the reference is kept in)."""
    monkeypatch.delenv("SUPPLYCHAIN_NO_CACHE", raising=False)
    path = tmp_path / "graph.yaml"
    shutil.copy(GRAPH, path)
    shutil.copytree(GRAPH.parent / "reference", tmp_path / "reference")
    load_entry(path)
    return path


def entries(graph):
    return sorted((graph.parent / CACHE_DIR).glob("reference.*.msgpack"))


def rows_of(ref):
    def row(r):
        return None if r is None else (r.name, r.name_en, r.ticker, r.exchange,
                                       tuple((x.ticker, x.exchange, x.note) for x in r.listings), r.aliases, r.source)
    return ([row(r) for r in ref.rows], [(k, row(v)) for k, v in ref.by_name.items()],
            [(k, row(v)) for k, v in ref.by_code.items()], {k: row(v) for k, v in ref._by_ticker.items()})


def fresh(graph, monkeypatch, reference=None):
    monkeypatch.setenv("SUPPLYCHAIN_NO_CACHE", "1")
    try:
        return load_reference(reference, graph)
    finally:
        monkeypatch.delenv("SUPPLYCHAIN_NO_CACHE")


def test_the_kept_reference_is_what_the_files_give(graph, monkeypatch):
    first = load_reference(None, graph)  # reads the files, keeps them
    assert len(entries(graph)) == 1
    kept = load_reference(None, graph)  # from the entry
    assert kept._restore is not None  # the indexes not decoded until a lookup
    assert rows_of(kept) == rows_of(first) == rows_of(fresh(graph, monkeypatch))
    row = kept.lookup("工業富聯")
    assert (row.name, row.ticker, row.exchange) == ("工业富联", "601138.SH", "SSE Main Board")
    assert kept.lookup(None, "601138 CH") is row is kept.lookup("Foxconn Industrial Internet")
    assert kept.lookup("中际旭创").name_en == "Zhongji Innolight Co., Ltd."  # the curated file wins


def test_an_edited_master_is_read_again(graph, monkeypatch):
    load_reference(None, graph)
    master = graph.parent / "reference" / "a_shares.csv"
    text = master.read_text(encoding="utf-8-sig")
    assert "000001.SZ,平安银行," in text
    master.write_text(text.replace("000001.SZ,平安银行,", "000001.SZ,平安银行新名,", 1), encoding="utf-8")
    ref = load_reference(None, graph)
    assert ref.lookup(None, "000001.SZ").name == "平安银行新名"
    assert ref.lookup("平安银行新名") is ref.lookup(None, "000001")
    assert rows_of(ref) == rows_of(fresh(graph, monkeypatch))
    assert len(entries(graph)) == 1  # the older file's entry is gone


def test_a_named_reference_has_its_own_entry(graph, tmp_path, monkeypatch):
    named = tmp_path / "my_tickers.csv"
    named.write_text("name_zh,name_en,ticker,exchange,also_listed\n中际旭创,Innolight (desk name),300308.SZ,SZSE ChiNext,\n",
                     encoding="utf-8")
    load_reference(named, graph)
    ref = load_reference(named, graph)
    assert ref.lookup("中际旭创").name_en == "Innolight (desk name)"
    assert rows_of(ref) == rows_of(fresh(graph, monkeypatch, named))
    assert load_reference(None, graph).lookup("中际旭创").name_en == "Zhongji Innolight Co., Ltd."
    with pytest.raises(FileFormatError, match="no such file"):
        load_reference(tmp_path / "missing.csv", graph)


def test_a_damaged_entry_is_read_around(graph, monkeypatch):
    load_reference(None, graph)
    (entry,) = entries(graph)
    expected = rows_of(fresh(graph, monkeypatch))
    entry.write_bytes(entry.read_bytes()[:1000])  # cut short: the rows do not decode
    assert rows_of(load_reference(None, graph)) == expected
    blob = entry.read_bytes()  # written anew
    assert rows_of(decode_kept(blob, None)) == expected
    # rows that decode, indexes that do not: the first lookup indexes the rows anew
    version, rows, _ = msgspec.msgpack.decode(blob)
    entry.write_bytes(msgspec.msgpack.encode((version, rows, msgspec.Raw(b"\xc1"))))
    ref = load_reference(None, graph)
    assert ref.lookup("工業富聯").ticker == "601138.SH"
    assert rows_of(ref) == expected


def test_nothing_kept_before_the_graph_was_read(tmp_path, monkeypatch):
    """A command refused before it read a sound graph (an invalid one, say) leaves no cache
    folder behind: the reference is kept only in the one the graph's entry made."""
    monkeypatch.delenv("SUPPLYCHAIN_NO_CACHE", raising=False)
    path = tmp_path / "graph.yaml"
    shutil.copy(GRAPH, path)
    assert load_reference(None, path).lookup("工業富聯").ticker == "601138.SH"
    assert not (tmp_path / CACHE_DIR).exists()


def test_no_entry_without_the_cache(graph, monkeypatch):
    monkeypatch.setenv("SUPPLYCHAIN_NO_CACHE", "1")
    assert load_reference(None, graph).lookup("工業富聯").ticker == "601138.SH"
    assert entries(graph) == []
