"""The ``supplychain export FORMAT`` command. Standard library only at module level."""

from __future__ import annotations

import argparse

FORMATS = ("html", "graphml", "gexf", "json", "csv", "neo4j")
DEFAULT_OUTPUT = {
    "html": "output/graph.html",
    "graphml": "output/graph.graphml",
    "gexf": "output/graph.gexf",
    "json": "output/graph.json",
    "csv": "output/csv",
    "neo4j": "output/neo4j",
}


def register(sub, add) -> None:
    p = add("export", cmd_export, "write the graph as an offline HTML page or for other tools", formats=False)
    p.add_argument("export_format", metavar="FORMAT", choices=FORMATS, help="one of: " + ", ".join(FORMATS))
    p.add_argument("-o", "--output", metavar="PATH", help="file (or folder, for csv and neo4j); default output/graph.<ext>")
    html = p.add_argument_group("html options")
    html.add_argument("--driver", metavar="NODE", help="only the exposure subgraph of this driver, sized by score")
    html.add_argument("--focus", metavar="NODE", help="only the neighbourhood of this node")
    html.add_argument("--depth", type=int, default=None, help="hops from --driver (default 4) or --focus (default 2)")
    html.add_argument("--max-nodes", type=int, default=None, metavar="N", help="keep at most N nodes (the best-scored or nearest)")


def cmd_export(args: argparse.Namespace) -> int:
    from ..graph import load_graph

    g = load_graph(args.graph)
    out = args.output or DEFAULT_OUTPUT[args.export_format]
    if args.export_format == "html":
        from .html import export_html

        summary = export_html(g, out, driver=args.driver, focus=args.focus, depth=args.depth, max_nodes=args.max_nodes)
    else:
        if args.driver or args.focus or args.max_nodes is not None:
            from ..errors import SupplyChainError

            raise SupplyChainError("--driver, --focus and --max-nodes apply to the html format only")
        from .formats import export_graph

        summary = export_graph(g, args.export_format, out)
    print(summary)
    return 0
