"""The ``history`` and ``brief`` commands. Standard library only at module level."""

from __future__ import annotations

import sys

from ..cli import _date, _depth, _name, _positive
from ..errors import SupplyChainError


class BadBriefOutput(SupplyChainError):
    """``-o`` names a file that is neither ``.md`` nor ``.html``, or the graph: a usage error."""

    exit_code = 2


def register(sub, add) -> None:
    p = add("history", cmd_history, "every stance claim on a company or ETF over time, oldest first, with driver, report and quote")
    p.add_argument("name", type=_name, help="company or ETF: id, name, English name, alias or ticker")
    p.add_argument("--driver", type=_name, metavar="DRIVER", help="only claims about this driver or a driver it drives")

    p = add("across", cmd_across, "alias of `exposure D1 D2 …`: per-driver named scores combined by noisy-OR, "
            "with the per-driver breakdown")
    p.add_argument("drivers", nargs="+", type=_name, metavar="DRIVER", help="two or more drivers (any name)")
    p.add_argument("--depth", type=_depth, default=4, help="longest path in hops (default 4)")
    p.add_argument("--as-of", type=_date, metavar="DATE", help="only claims dated on or before DATE")
    p.add_argument("--top", type=_positive, metavar="N", help="the best N results")

    p = add("brief", cmd_brief, "one page on a driver: latest figures, names by sub-sector with conviction, "
            "what changed, risks, notes; every figure and stance footnoted", formats=False)
    p.add_argument("driver", type=_name, help="driver: id, name, English name or alias")
    p.add_argument("--since", type=_date, metavar="DATE", help="what changed from DATE on (default: the date of the latest note)")
    p.add_argument("-o", "--output", metavar="FILE", help="FILE.md (Markdown) or FILE.html (offline page); default: Markdown to stdout")


def _emit(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def cmd_history(args) -> int:
    from .. import render
    from ..graph import load_graph
    from ..history import HISTORY_CSV_HEADERS, history, history_json, history_rows

    g = load_graph(args.graph)
    node = g.resolve(args.name, types=("company", "etf"))
    entries = history(g, node.id, driver=args.driver)
    if args.format == "json":
        _emit(render.to_json(history_json(g, node, entries)))
        return 0
    if args.format == "csv":
        _emit(render.to_csv(HISTORY_CSV_HEADERS, history_rows(g, entries)))
        return 0
    n = len(entries)
    scope = f" about {g.resolve(args.driver, types=('driver',)).name} and the drivers it drives" if args.driver else ""
    lines = [f"Stance history of {node.name} ({node.name_en or node.id}){scope}: {n} claim{'' if n == 1 else 's'}, oldest first"]
    if entries:
        rows = [
            (h.date.isoformat(), h.report, ", ".join(g.nodes[d].name for d in h.drivers), g.nodes[h.sector].name if h.sector else "",
             render.stance_label(h.stance))
            for h in entries
        ]
        tab = render.table(("date", "report", "driver", "sector", "stance"), rows).split("\n")
        lines += tab[:2]
        for row, h in zip(tab[2:], entries):
            title = g.nodes[h.report].title if h.report in g.nodes else h.report
            lines += [row, f"      {title}: “{h.quote}”"]
    _emit("\n".join(lines))
    return 0


def cmd_brief(args) -> int:
    from pathlib import Path

    from ..graph import load_graph
    from .build import build_brief

    out = Path(args.output) if args.output else None
    if out is not None:
        if out.suffix.lower() not in (".md", ".html", ".htm"):
            raise BadBriefOutput(f"-o {out}: the brief is written as .md or .html; name the file FILE.md or FILE.html")
        from ..export.cli import check_output

        check_output(args.graph, "html", out)
    g = load_graph(args.graph)
    b = build_brief(g, args.driver, since=args.since)
    if out is not None and out.suffix.lower() in (".html", ".htm"):
        from .html import to_html

        text = to_html(b, g)
    else:
        from .markdown import to_markdown

        text = to_markdown(b)
    if out is None:
        _emit(text)
        return 0
    from ..files import atomic_write

    atomic_write(out, text)
    print(f"wrote {out}: {len(b.sources)} sources from {len(b.notes)} note{'' if len(b.notes) == 1 else 's'}")
    return 0


def cmd_across(args) -> int:
    """``across D1 D2 …``: an alias of ``exposure D1 D2 …`` (:mod:`supplychain.across`)."""
    from ..cli import _exposure_across

    for name, default in (("across", False), ("type", None), ("sector", None), ("stance", None), ("explain", False)):
        setattr(args, name, default)
    return _exposure_across(args, args.drivers)
