"""The ``supplychain export FORMAT`` command. Standard library only at module level."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..errors import SupplyChainError

FORMATS = ("html", "graphml", "gexf", "json", "csv", "neo4j")
DEFAULT_OUTPUT = {
    "html": "output/graph.html",
    "graphml": "output/graph.graphml",
    "gexf": "output/graph.gexf",
    "json": "output/graph.json",
    "csv": "output/csv",
    "neo4j": "output/neo4j",
}
FOLDER_FILES = {
    "csv": ("nodes.csv", "edges.csv"),
    "neo4j": ("nodes.csv", "relationships.csv", "import.sh", "exposure.cypher", "README.md"),
}
"""The files a folder format writes into its folder (checked by tests/test_export_guard.py)."""
CACHE_DIR = ".supplychain-cache"  # cache.CACHE_DIR: not imported, to keep this module light


class OutputIsTheGraph(SupplyChainError):
    """``-o`` names the graph file, its lock or its cache: a usage mistake, refused before anything is written."""

    exit_code = 2


def register(sub, add) -> None:
    p = add("export", cmd_export, "write the graph as an offline HTML page or for other tools", formats=False)
    p.add_argument("export_format", metavar="FORMAT", choices=FORMATS, help="one of: " + ", ".join(FORMATS))
    p.add_argument("-o", "--output", metavar="PATH", help="file (or folder, for csv and neo4j); default output/graph.<ext>")
    html = p.add_argument_group("html options")
    html.add_argument("--driver", metavar="NODE", help="only the exposure subgraph of this driver, sized by score")
    html.add_argument("--focus", metavar="NODE", help="only the neighbourhood of this node")
    html.add_argument("--depth", type=int, default=None, help="hops from --driver (default 4) or --focus (default 2)")
    html.add_argument("--max-nodes", type=int, default=None, metavar="N", help="keep at most N nodes (the best-scored or nearest)")
    html.add_argument("--portfolio", metavar="FILE", help="with --driver: draw this book's holdings (CSV or XLSX), marker size = weight")


def _same(a: Path, b: Path) -> bool:
    """The same file: the same path once symbolic links are resolved, or the same inode (a hard link)."""
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist
        return False


def _inside(path: Path, folder: Path) -> bool:
    real, top = Path(os.path.realpath(path)), Path(os.path.realpath(folder))
    return real == top or top in real.parents


def check_output(graph: Path | str, fmt: str, out: Path | str) -> None:
    """Refuse an output that is the graph file, its writer's lock or its cache, before anything is written.

    An export writes ``out`` (or, for csv and neo4j, the files of :data:`FOLDER_FILES`
    in the folder ``out``); none of them may be the graph (also through a symbolic or
    hard link), ``GRAPH.lock`` (of the path given or of the file it resolves to), or lie
    in the cache folder beside the graph. Raises :class:`OutputIsTheGraph` (exit code 2).

    >>> check_output("data/graph.yaml", "json", "data/graph.yaml")
    Traceback (most recent call last):
    ...
    supplychain.export.cli.OutputIsTheGraph: -o data/graph.yaml: would overwrite the graph file data/graph.yaml; choose another output path
    """
    graph, out = Path(graph), Path(out)
    real = Path(os.path.realpath(graph))
    locks = {Path(f"{graph}.lock"), Path(f"{real}.lock")}
    caches = {graph.parent / CACHE_DIR, real.parent / CACHE_DIR}
    written = [out / name for name in FOLDER_FILES[fmt]] if fmt in FOLDER_FILES else [out]
    for path in [out, *written]:
        if _same(path, graph):
            what = "the graph file"
        elif any(_same(path, lock) for lock in locks):
            what = "the lock of the graph file"
        elif any(_inside(path, cache) for cache in caches):
            what = "the cache of the graph file"
        else:
            continue
        raise OutputIsTheGraph(f"-o {out}: would overwrite {what} {graph}; choose another output path")


def cmd_export(args: argparse.Namespace) -> int:
    out = args.output or DEFAULT_OUTPUT[args.export_format]
    check_output(args.graph, args.export_format, out)
    if args.export_format != "html" and (args.driver or args.focus or args.max_nodes is not None or args.portfolio):
        raise SupplyChainError("--driver, --focus, --max-nodes and --portfolio apply to the html format only")

    from ..graph import load_graph

    g = load_graph(args.graph)
    if args.export_format == "html":
        from .html import export_html

        summary = export_html(g, out, driver=args.driver, focus=args.focus, depth=args.depth, max_nodes=args.max_nodes,
                              portfolio=args.portfolio)
    else:
        from .formats import export_graph

        summary = export_graph(g, args.export_format, out)
    print(summary)
    return 0
