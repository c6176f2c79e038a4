"""The graph in formats other tools read: GraphML, GEXF, node-link JSON, CSV and Neo4j.

``supplychain export FORMAT -o PATH`` calls :func:`export_graph`. Every file is written
to a temporary file beside its target and renamed over it, so a reader never sees half
a file.

- ``graphml`` and ``gexf`` (Gephi, yEd, Cytoscape, networkx): attributes must be scalars,
  so an edge carries its ``relation`` (the edge type), its current ``stance``, the
  ``first_date`` and ``last_date`` of its claims, ``claim_count`` and ``claims`` (a JSON
  string of every claim); ``weight`` is the hop weight exposure travels with (0 for
  edges that carry none). Lists on nodes (aliases) are joined with ``"; "``; listings
  and metrics are JSON strings. GEXF reserves ``type`` on edges, hence ``relation``.
  Characters XML 1.0 forbids (control characters but tab and line ends) are written
  as U+FFFD (:func:`xml_text`), so the files always parse.
- ``json``: networkx node-link data (``nodes`` and ``edges``), full claims included;
  read it back with ``networkx.node_link_graph(data, directed=True, multigraph=True)``.
- ``csv``: a folder with ``nodes.csv`` and ``edges.csv``, one row per claim. A cell
  that a spreadsheet could read as a formula (text beginning with ``=``, ``+``, ``-``,
  ``@``, tab or carriage return, unless it is a plain number) gets a leading ``'``
  (:func:`~supplychain.render.csv_cell`).
- ``neo4j``: a folder laid out for ``neo4j-admin database import full``: ``nodes.csv``
  (``id:ID``, ``:LABEL``...), ``relationships.csv`` (``:START_ID``, ``:END_ID``,
  ``:TYPE``...), arrays split on ``;``, and ``import.sh``, ``exposure.cypher`` and
  ``README.md`` with the import command and the exposure query in Cypher (see
  :mod:`.neo4j`). Values are written verbatim, for ``neo4j-admin``.

Examples
--------
>>> import tempfile, pathlib
>>> from supplychain import load_graph
>>> g = load_graph("data/graph.yaml")
>>> out = pathlib.Path(tempfile.mkdtemp())
>>> summary = export_graph(g, "graphml", out / "graph.graphml")
>>> summary.endswith(f"graphml, {len(g.nodes)} nodes, {len(g.edges)} edges, {sum(len(e.claims) for e in g.edges)} claims")
True
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Callable

from ..errors import SupplyChainError
from ..files import atomic_writer
from ..schema import EDGE_RULES, current_claim
from .neo4j import write_neo4j
from .values import claims_json, edge_values, folder, node_values, write_rows

FORMATS = ("graphml", "gexf", "json", "csv", "neo4j")

NODE_COLUMNS = (
    "id", "type", "name", "name_en", "aliases", "ticker", "exchange", "listings", "tracks_index",
    "title", "date", "file", "description", "metrics",
)


def export_graph(g, fmt: str, path: Path | str) -> str:
    """Write graph ``g`` as ``fmt`` to ``path`` (a folder for csv and neo4j); returns a summary line."""
    writers: dict[str, Callable] = {
        "graphml": _write_graphml, "gexf": _write_gexf, "json": _write_json, "csv": _write_csv, "neo4j": write_neo4j,
    }
    if fmt not in writers:
        raise SupplyChainError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    path = Path(path)
    try:
        detail = writers[fmt](g, path)
    except OSError as e:
        raise SupplyChainError(f"{path}: cannot write: {e.strerror or e}") from None
    claims = sum(len(e.claims) for e in g.edges)
    return f"{path}: {fmt}, {len(g.nodes)} nodes, {len(g.edges)} edges, {claims} claims" + (f" ({detail})" if detail else "")


# --------------------------------------------------------------------------- XML

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""The characters XML 1.0 cannot carry, even as a character reference."""


def xml_text(value):
    r"""``value`` with every character XML 1.0 forbids replaced by U+FFFD (�); other values unchanged.

    Those are the C0 control characters other than tab, line feed and carriage return,
    lone surrogates, U+FFFE and U+FFFF. A name that holds one (pasted from a PDF, say)
    would otherwise make a GraphML or GEXF file that no XML parser reads.

    >>> xml_text("中际\x01旭创\tInnolight\x1f") == "中际\ufffd旭创\tInnolight\ufffd", xml_text(0.9)
    (True, 0.9)
    """
    return _NOT_XML.sub("\ufffd", value) if isinstance(value, str) else value


def _xml_values(values: dict) -> dict:
    return {k: xml_text(v) for k, v in values.items()}


def scalar_graph(g):
    """A networkx MultiDiGraph whose attributes are all scalars (for GraphML and GEXF).

    Edges are keyed by their type; ``competes`` (undirected) keeps its stored direction
    with ``directed=False``. Text passes :func:`xml_text`: the graph is made to be
    written as XML.
    """
    import networkx as nx

    G = nx.MultiDiGraph(name="supplychain")
    for n in g.data.nodes:
        G.add_node(n.id, **_xml_values({"label": n.name, **node_values(n)}))
    for e in g.edges:
        G.add_edge(e.source, e.target, key=e.type, id=f"{e.type}:{e.source}:{e.target}", **_xml_values(edge_values(e)))
    return G


# --------------------------------------------------------------------------- writers


def _write_graphml(g, path: Path) -> str:
    import networkx as nx

    G = scalar_graph(g)
    for _, _, data in G.edges(data=True):
        data.pop("id")  # the edge key (its type) is the GraphML edge id
    with atomic_writer(path, "wb") as f:
        nx.write_graphml(G, f, encoding="utf-8")
    return ""


def _write_gexf(g, path: Path) -> str:
    import networkx as nx

    with atomic_writer(path, "wb") as f:
        nx.write_gexf(scalar_graph(g), f, encoding="utf-8")
    return ""


def _write_json(g, path: Path) -> str:
    import networkx as nx

    G = nx.MultiDiGraph(name="supplychain")
    for n in g.data.nodes:
        G.add_node(n.id, **n.model_dump(mode="json", exclude={"id"}, exclude_none=True))
    for e in g.edges:
        values = edge_values(e)
        values["claims"] = claims_json(e)
        G.add_edge(e.source, e.target, key=e.type, type=e.type, **values)
    try:
        data = nx.node_link_data(G, edges="edges")
    except TypeError:  # networkx < 3.4 names the key `link`
        data = nx.node_link_data(G, link="edges")
    with atomic_writer(path) as f:
        json.dump(data, f, ensure_ascii=False, indent=1)
        f.write("\n")
    return ""


def _node_rows(g):
    for n in g.data.nodes:
        v = node_values(n)
        yield [n.id] + [v.get(col, "") for col in NODE_COLUMNS[1:]]


def _write_csv(g, path: Path) -> str:
    folder(path)
    write_rows(path / "nodes.csv", NODE_COLUMNS, _node_rows(g))
    header = ("type", "source", "target", "directed", "current_stance", "report", "date", "stance", "quote")
    rows = []
    for e in g.edges:
        c = current_claim(e.claims)
        directed = "true" if EDGE_RULES[e.type].directed else "false"
        for claim in sorted(e.claims, key=lambda c: (c.date, c.report)):
            rows.append((e.type, e.source, e.target, directed, (c.stance if c else None) or "", claim.report,
                         claim.date.isoformat(), claim.stance or "", claim.quote))
    write_rows(path / "edges.csv", header, rows)
    return "nodes.csv and edges.csv (one row per claim)"
