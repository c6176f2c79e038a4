"""Hostile input and misuse of the exports (issue 12, cases 10, 16 and 18).

- 10: control characters in names: GraphML and GEXF still parse (forbidden characters
  written as U+FFFD), everything else kept.
- 16: ``export FORMAT -o`` the graph file, its lock or its cache: one line, exit 2,
  nothing written.
- 18: CSV cells a spreadsheet would run as formulas are neutralised with a leading
  ``'``, in ``export csv`` and in every ``--format csv`` (render.to_csv); numbers stay
  numbers.
"""

from __future__ import annotations

import csv
import io
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest
import yaml

from supplychain import load_graph
from supplychain.cli import main
from supplychain.export.cli import CACHE_DIR, FOLDER_FILES, FORMATS
from supplychain.export.formats import export_graph
from supplychain.graph import Graph
from supplychain.render import csv_cell, to_csv
from supplychain.schema import GraphData

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data/graph.yaml"


def seed_data() -> GraphData:
    """The bundled graph as models, validated, ready to be altered by a test."""
    return GraphData.model_validate(yaml.safe_load(SEED.read_text(encoding="utf-8")))


def node(data: GraphData, node_id: str):
    return next(n for n in data.nodes if n.id == node_id)


# --------------------------------------------------------------------------- 10: control characters → XML that parses


@pytest.fixture(scope="module")
def controlled() -> Graph:
    """The bundled graph with control characters (as pasted from a PDF) in a name, an alias, a quote."""
    data = seed_data()
    inno = node(data, "innolight")
    inno.name = "中际\x01旭创"
    inno.name_en = "Inno\x0blight\ttab"
    inno.aliases = [*inno.aliases, "旭创\x1f科技", "\ufffe反转"]
    edge = next(e for e in data.edges if e.source == "innolight" and e.type == "member_of")
    edge.claims[0].quote = "光通信模块\x08与器件：中际旭创\x0c（推荐）\r\n第二行"
    return Graph(data)


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_control_characters_make_xml_that_parses(controlled, tmp_path, fmt):
    out = tmp_path / f"graph.{fmt}"
    export_graph(controlled, fmt, out)
    ET.parse(out)  # a strict XML 1.0 parser: raises on any forbidden character
    G = nx.read_graphml(out, force_multigraph=True) if fmt == "graphml" else nx.read_gexf(out)
    assert G.number_of_nodes() == len(controlled.nodes) and G.number_of_edges() == len(controlled.edges)
    inno = G.nodes["innolight"]
    assert inno["label"] == inno["name"] == "中际\ufffd旭创"
    assert inno["name_en"] == "Inno\ufffdlight\ttab"  # a tab is allowed and kept
    assert inno["aliases"].endswith("; 旭创\ufffd科技; \ufffd反转")
    claims = next(d["claims"] for u, v, d in G.edges(data=True) if u == "innolight" and d["relation"] == "member_of")
    assert "光通信模块\\b与器件：中际旭创\\f（推荐）\\r\\n第二行" in claims  # in the claims' JSON, escaped by JSON itself
    untouched = G.nodes["eoptolink"]
    assert untouched["label"] == "新易盛" and "\ufffd" not in "".join(str(v) for v in untouched.values())


def test_clean_names_are_written_unchanged(graph, tmp_path):
    export_graph(graph, "graphml", tmp_path / "g.graphml")
    text = (tmp_path / "g.graphml").read_text(encoding="utf-8")
    assert "\ufffd" not in text and "中际旭创" in text


# --------------------------------------------------------------------------- 16: -o the graph, its lock or its cache


@pytest.fixture
def copy(tmp_path) -> Path:
    """A copy of the bundled graph in a folder of its own, its cache made (as any earlier command would)."""
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "graph.yaml"
    path.write_bytes(SEED.read_bytes())
    load_graph(path)
    (folder / "graph.yaml.lock").write_text("")  # left by an earlier writer (filelock keeps the file)
    return path


def listing(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def refused(capsys, argv: list[str], folder: Path, what: str) -> None:
    before = listing(folder.parent)
    graph_bytes = (folder / "graph.yaml").read_bytes()
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err
    assert err.count("\n") == 1 and err.startswith("Error: -o ") and f"would overwrite {what}" in err, err
    assert "choose another output path" in err
    assert listing(folder.parent) == before  # nothing written, nothing left behind (no temporary file, no cache)
    assert (folder / "graph.yaml").read_bytes() == graph_bytes


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_onto_the_graph_is_refused(copy, capsys, fmt):
    refused(capsys, ["-g", str(copy), "export", fmt, "-o", str(copy)], copy.parent, "the graph file")


@pytest.mark.parametrize("fmt", ["json", "html", "graphml"])
def test_export_onto_the_lock_or_the_cache_is_refused(copy, capsys, fmt):
    lock = Path(f"{copy}.lock")
    refused(capsys, ["-g", str(copy), "export", fmt, "-o", str(lock)], copy.parent, "the lock of the graph file")
    cache = copy.parent / CACHE_DIR
    cached = next(iter(sorted(cache.glob("*"))), cache / "graph.yaml.entry")  # an entry the load wrote, if it wrote one
    refused(capsys, ["-g", str(copy), "export", fmt, "-o", str(cached)], copy.parent, "the cache of the graph file")
    refused(capsys, ["-g", str(copy), "export", fmt, "-o", str(copy.parent / CACHE_DIR / "new.json")], copy.parent, "the cache")


@pytest.mark.parametrize("fmt", ["csv", "neo4j"])
def test_folder_export_into_the_cache_or_over_the_graph_is_refused(copy, capsys, fmt):
    refused(capsys, ["-g", str(copy), "export", fmt, "-o", str(copy.parent / CACHE_DIR)], copy.parent, "the cache")
    named = copy.parent / "nodes.csv"  # a graph file that happens to be named like a file the folder export writes
    copy.rename(named)
    (copy.parent / "graph.yaml").write_bytes(named.read_bytes())  # (kept for `refused`'s byte check)
    refused(capsys, ["-g", str(named), "export", fmt, "-o", str(copy.parent)], copy.parent, "the graph file")


def test_export_through_a_link_to_the_graph_is_refused(copy, capsys, tmp_path):
    link = tmp_path / "link.json"
    link.symlink_to(copy)
    refused(capsys, ["-g", str(copy), "export", "json", "-o", str(link)], copy.parent, "the graph file")
    hard = tmp_path / "hard.yaml"
    os.link(copy, hard)
    refused(capsys, ["-g", str(copy), "export", "graphml", "-o", str(hard)], copy.parent, "the graph file")
    via = tmp_path / "via"
    via.symlink_to(copy.parent, target_is_directory=True)  # the graph given through a linked folder
    refused(capsys, ["-g", str(via / "graph.yaml"), "export", "json", "-o", str(copy)], copy.parent, "the graph file")


def test_export_elsewhere_still_works(copy, capsys, tmp_path):
    assert main(["-g", str(copy), "export", "json", "-o", str(tmp_path / "graph.json")]) == 0
    assert capsys.readouterr().out.startswith(f"{tmp_path / 'graph.json'}: json, ") and (tmp_path / "graph.json").stat().st_size > 10_000


@pytest.mark.parametrize("fmt", sorted(FOLDER_FILES))
def test_folder_files_are_what_the_export_writes(graph, tmp_path, fmt):
    export_graph(graph, fmt, tmp_path / fmt)
    assert sorted(p.name for p in (tmp_path / fmt).iterdir()) == sorted(FOLDER_FILES[fmt])


def test_cache_folder_name_is_the_cache_modules():
    cache = pytest.importorskip("supplychain.cache", reason="no cache module: nothing beside the graph to protect")
    assert CACHE_DIR == cache.CACHE_DIR


# --------------------------------------------------------------------------- 18: formulas in CSV cells


HOSTILE = {
    "=HYPERLINK(\"http://example.com\",\"x\")": "'=HYPERLINK(\"http://example.com\",\"x\")",
    "+1+cmd|' /C calc'!A0": "'+1+cmd|' /C calc'!A0",
    "-2+3": "'-2+3",
    "@SUM(A1:A9)": "'@SUM(A1:A9)",
    "\t=1+1": "'\t=1+1",
    "\r=1+1": "'\r=1+1",
}


def read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_to_csv_neutralises_formulas_and_keeps_numbers():
    rows = [(text, -3.5, "-3.5", "+80.1%", 0, "中际旭创", None) for text in HOSTILE]
    got = read(to_csv(("cell", "float", "negative text", "percent", "int", "name", "none"), rows))
    assert got[0] == ["cell", "float", "negative text", "percent", "int", "name", "none"]
    assert [r[0] for r in got[1:]] == list(HOSTILE.values())
    assert all(r[1:] == ["-3.5", "-3.5", "+80.1%", "0", "中际旭创", ""] for r in got[1:])
    assert csv_cell("=1") == "'=1" and csv_cell("1=1") == "1=1" and csv_cell("-") == "'-" and csv_cell(-0.25) == -0.25
    assert read(to_csv(("=x",), []))[0] == ["'=x"]  # headers too


@pytest.fixture
def formula_graph(tmp_path) -> Path:
    """The bundled graph with formula-like names, an alias and a quote (valid text, written as a user might)."""
    text = SEED.read_text(encoding="utf-8")
    text = text.replace("  name: 中际旭创\n", "  name: '=HYPERLINK(\"http://example.com\",\"中际旭创\")'\n", 1)
    text = text.replace("  name: 新易盛\n", "  name: '-2+3'\n", 1)
    text = text.replace("  name_en: Eoptolink\n", "  name_en: '@SUM(A1:A9)'\n", 1)
    path = tmp_path / "graph.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_cli_csv_outputs_are_neutralised(formula_graph, capsys):
    g = ["-g", str(formula_graph)]
    assert main([*g, "list", "--type", "company", "--format", "csv"]) == 0
    rows = {r[0]: r for r in read(capsys.readouterr().out)}
    assert rows["innolight"][2] == "'=HYPERLINK(\"http://example.com\",\"中际旭创\")"
    assert rows["eoptolink"][2:4] == ["'-2+3", "'@SUM(A1:A9)"]
    assert rows["sinnet"][2] == "光环新网"
    assert main([*g, "exposure", "光通信模块与器件", "--format", "csv"]) == 0
    got = read(capsys.readouterr().out)
    names = {r[1]: r for r in got[1:]}
    assert names["innolight"][2].startswith("'=HYPERLINK(") and names["eoptolink"][2] == "'-2+3"
    score = got[0].index("score")
    assert all(float(r[score]) > 0 and not r[score].startswith("'") for r in got[1:])  # numbers stay numbers
    assert main([*g, "show", "innolight", "--format", "csv"]) == 0
    assert all(not cell.startswith(("=", "+", "@")) for row in read(capsys.readouterr().out) for cell in row)


def test_export_csv_is_neutralised_and_neo4j_is_verbatim(formula_graph, tmp_path, capsys):
    g = ["-g", str(formula_graph)]
    assert main([*g, "export", "csv", "-o", str(tmp_path / "csv")]) == 0
    nodes = {r[0]: r for r in read((tmp_path / "csv/nodes.csv").read_text(encoding="utf-8"))}
    assert nodes["innolight"][2] == "'=HYPERLINK(\"http://example.com\",\"中际旭创\")"
    assert nodes["eoptolink"][2:4] == ["'-2+3", "'@SUM(A1:A9)"]
    cells = [c for r in read((tmp_path / "csv/edges.csv").read_text(encoding="utf-8")) for c in r]
    cells += [c for r in nodes.values() for c in r]
    assert not any(c.startswith(("=", "+", "@", "\t", "\r")) or (c.startswith("-") and c != "-2+3") for c in cells)
    assert main([*g, "export", "neo4j", "-o", str(tmp_path / "neo4j")]) == 0
    rows = {r[0]: r for r in read((tmp_path / "neo4j/nodes.csv").read_text(encoding="utf-8"))}
    assert rows["innolight"][2] == "=HYPERLINK(\"http://example.com\",\"中际旭创\")"  # for neo4j-admin, as it is
