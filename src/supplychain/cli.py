"""The ``supplychain`` command: thin adapters over the library, one call per command.

Each command parses its arguments, calls one library function and prints the result
as a table (default), JSON or CSV. Only :class:`~supplychain.errors.SupplyChainError`
is caught: it becomes a one-line ``Error: …`` (one line per problem for validation) and
a non-zero exit code. Heavy modules are imported inside the commands, so ``--help`` is
instant.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Callable, Sequence

FORMATS = ("table", "json", "csv")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; use YYYY-MM-DD") from None


def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number")
    return n


def _depth(text: str) -> int:
    """The one validator of every ``--depth``: a whole number of hops, at least 1."""
    return _positive(text)


def _name(text: str) -> str:
    """A node name given on the command line: not empty, no control characters."""
    name = text.strip()
    if not name:
        raise argparse.ArgumentTypeError(f"{text!r} is an empty name; give a name")
    if any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in name):
        raise argparse.ArgumentTypeError(f"{text!r} holds a control character; give a plain name")
    return name


_last_graph = None  # kept alive so that `entry` can exit without freeing it (see there)


def _graph(args):
    global _last_graph
    from .graph import load_graph

    _last_graph = load_graph(args.graph)
    return _last_graph


def _emit(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


# --------------------------------------------------------------------------- commands


def cmd_validate(args) -> int:
    g = _graph(args)
    counts = _counts(g)
    claims = g.claim_count
    kinds = ", ".join(f"{n} {t}" for t, n in counts.items() if n)
    _emit(f"{g.path}: ok: {len(g.nodes)} nodes ({kinds}), {len(g.edges)} edges, {claims} claims")
    return 0


def _counts(g) -> dict[str, int]:
    from .schema import NODE_TYPES

    counts = dict.fromkeys(NODE_TYPES, 0)
    for node_id in g.nodes:
        counts[g.type_of(node_id)] += 1
    return counts


def cmd_stats(args) -> int:
    from . import render
    from .schema import EDGE_TYPES

    g = _graph(args)
    edge_counts = dict.fromkeys(EDGE_TYPES, 0)
    for j in range(len(g.edges)):
        edge_counts[g.entry.edge_type(j)] += 1
    dates = sorted(g.report_dates.values())
    stats = {
        "nodes": _counts(g),
        "edges": edge_counts,
        "claims": g.claim_count,
        "reports": len(dates),
        "first_report": dates[0].isoformat() if dates else None,
        "last_report": dates[-1].isoformat() if dates else None,
    }
    if args.format == "json":
        _emit(render.to_json(stats))
        return 0
    rows = [("node", t, n) for t, n in stats["nodes"].items()] + [("edge", t, n) for t, n in edge_counts.items()]
    rows += [("claims", "", stats["claims"]), ("reports", f"{stats['first_report']} .. {stats['last_report']}", len(dates))]
    out = render.table(("kind", "type", "count"), rows) if args.format == "table" else render.to_csv(("kind", "type", "count"), rows)
    _emit(out)
    return 0


def cmd_list(args) -> int:
    from . import render

    g = _graph(args)
    nodes = [n for n in g.nodes.values() if not args.type or n.type in args.type]
    rows = [render.node_summary(n) for n in nodes]
    if args.format == "json":
        _emit(render.to_json(rows))
    else:
        headers = ("id", "type", "name", "name_en", "ticker")
        values = [[r[h] for h in headers] for r in rows]
        _emit(render.table(headers, values) if args.format == "table" else render.to_csv(headers, values))
    return 0


def cmd_show(args) -> int:
    from . import render

    g = _graph(args)
    node = g.resolve(args.node)
    data = render.show_json(g, node)
    if args.format == "json":
        _emit(render.to_json(data))
        return 0
    if args.format == "csv":
        headers = ("direction", "type", "other", "other_name", "stance", "report", "date", "claim_stance", "quote")
        rows = [
            (e["direction"], e["type"], e["other"]["id"], e["other"]["name"], e["stance"], c["report"], c["date"], c["stance"], c["quote"])
            for e in data["edges"]
            for c in e["claims"]
        ]
        _emit(render.to_csv(headers, rows))
        return 0
    _emit(_show_text(g, node, data))
    return 0


def _show_text(g, node, data) -> str:
    from . import render

    lines = [f"{node.name}  ({node.id}, {node.type})"]
    skip = {"id", "type", "name", "edges", "metrics"}
    for k, v in data.items():
        if k in skip or v in (None, [], ""):
            continue
        if k == "aliases":
            v = ", ".join(v)
        elif k == "listings":
            v = ", ".join(x["ticker"] + (f" ({x.get('note') or x.get('exchange')})" if x.get("note") or x.get("exchange") else "") for x in v)
        lines.append(f"  {k}: {v}")
    for m in getattr(node, "metrics", ()):
        n = len(m.sources)
        lines.append(f"  metric: {render.metric_text(m)}" + (f" ({n} notes)" if n > 1 else ""))
        lines += [f"          {s.report} ({s.date}): “{s.quote}”" for s in m.sources]
    if node.type == "report":
        claims = sum(1 for e in g.edges for c in e.claims if c.report == node.id)
        edges = sum(1 for e in g.edges if any(c.report == node.id for c in e.claims))
        metrics = sum(1 for n in g.nodes.values() for m in getattr(n, "metrics", ()) if any(s.report == node.id for s in m.sources))
        lines.append(f"  cited by: {claims} claims on {edges} edges, {metrics} metrics")
    lines.append(f"edges ({len(data['edges'])}):")
    for e in data["edges"]:
        arrow = "→" if e["direction"] == "out" else "←"
        stance = f" [{render.stance_label(e['stance'])}]" if e["stance"] else ""
        lines.append(f"  {arrow} {e['type']} {e['other']['name']} ({e['other']['id']}){stance}")
        history = [c for c in e["claims"] if c["stance"]]
        if len(history) > 1:
            lines.append("      stance history: " + " → ".join(f"{c['stance']} ({c['date']}, {c['report']})" for c in history))
        for c in e["claims"]:
            lines.append(f"      {c['date']} {c['report']}{' ' + c['stance'] if c['stance'] else ''}: “{c['quote']}”")
    return "\n".join(lines)


def cmd_search(args) -> int:
    from . import render

    g = _graph(args)
    nodes = g.search(args.text, limit=args.top)
    if not nodes:
        from .errors import NodeNotFound

        raise NodeNotFound(args.text, g.suggest(args.text))
    rows = [render.node_summary(n) for n in nodes]
    headers = ("id", "type", "name", "name_en", "ticker")
    if args.format == "json":
        _emit(render.to_json(rows))
    else:
        values = [[r[h] for h in headers] for r in rows]
        _emit(render.table(headers, values) if args.format == "table" else render.to_csv(headers, values))
    return 0


def cmd_exposure(args) -> int:
    from . import render
    from .query import exposure

    names = [*args.driver, *(args.drivers or [])]
    if not names:
        from .across import NoDriver

        raise NoDriver("exposure needs a driver: `supplychain exposure DRIVER [DRIVER…]` or `--driver D` "
                       "(see `supplychain exposure --help`)")
    if len(names) > 1 or args.across:
        return _exposure_across(args, names)
    g = _graph(args)
    report = exposure(
        g,
        names[0],
        depth=args.depth,
        as_of=args.as_of,
        types=args.type,
        sectors=args.sector,
        stances=args.stance,
        top=args.top,
    )
    if args.format == "json":
        _emit(render.to_json(render.exposure_json(report, g)))
        return 0
    from .conviction import CONVICTION_KEYS, conviction_cell, report_convictions

    conv = report_convictions(g, report)
    headers = ("rank", "id", "name", "name_en", "ticker", "type", "score", "stance", "sector", "path", "report", "date", "quote",
               *CONVICTION_KEYS, "basis", "stance_driver", "call")
    rows = []
    for i, r in [*enumerate(report.results, 1), *(("", r) for r in report.negative)]:
        last = r.hops[-1].claim
        rows.append(
            (i, r.id, r.node.name, r.node.name_en, getattr(r.node, "ticker", None), r.node.type, f"{r.score:.4f}",
             r.stance, r.sector, " > ".join(r.path), last.report, last.date.isoformat(), last.quote,
             *(conv[r.id][k] for k in CONVICTION_KEYS), r.basis, r.stance_driver, r.call)
        )
    if args.format == "csv":
        _emit(render.to_csv(headers, rows))
        return 0
    d = report.driver
    scope = f"claims dated on or before {report.as_of}" if report.as_of else "all claims"
    lines = [f"Exposure to {d.name} ({d.name_en or d.id}): {len(report.results)} name{'' if len(report.results) == 1 else 's'}, paths of at most {report.depth} hops, {scope}"]
    lines += [
        f"  {render.metric_text(m)} ({m.source.report})"
        for m in getattr(d, "metrics", ())
        if report.as_of is None or m.source.date <= report.as_of
    ]
    if not report.results:
        _emit("\n".join(lines + ["(no exposed names)"] + _negative_calls(g, report)))
        return 0
    inferred = sum(r.basis == "inferred" for r in report.results)
    if inferred:
        lines.append(f"  {len(report.results) - inferred} named by notes about this driver (or the drivers it drives), "
                     f"{inferred} inferred (only notes about other drivers put them in a sub-sector; ranked after)")
    trows = [
        (i, r.node.name, r.node.name_en, getattr(r.node, "ticker", None) or "", r.node.type,
         "inferred" if r.basis == "inferred" else render.stance_label(r.stance),
         f"{r.score:.3f}", g.nodes[r.sector].name if r.sector else "", conviction_cell(conv[r.id]))
        for i, r in enumerate(report.results, 1)
    ]
    tab = render.table(("#", "name", "name_en", "ticker", "type", "stance", "score", "sector", "notes"), trows).split("\n")
    lines += tab[:2]
    for i, (row, r) in enumerate(zip(tab[2:], report.results)):
        lines.append(row)
        lines.append(f"      path: {render.path_names(g, r.path)}")
        hops = r.hops if args.explain else r.hops[-1:]
        if args.explain:
            lines.append(f"      score: {r.explain()}")
        for h in hops:
            c = h.claim
            lines.append(f"      {h.edge.type}: {c.report} ({c.date}) “{c.quote}”")
        if getattr(r, "constituents", None) is not None:  # an ETF scored from its imported holdings
            parts = [f"{g.nodes[c.id].name} {c.weight:.2%} × {c.score:.3f}" for c in r.constituents[:5]]
            lines.append(f"      look-through ({len(r.constituents)} reached): " + ", ".join(parts) + (", …" if len(r.constituents) > 5 else ""))
        if r.basis == "inferred":
            lines.append(f"      {render.inferred_note(g, r)}")
    _emit("\n".join(lines + _negative_calls(g, report)))
    return 0


def _exposure_across(args, names: list[str]) -> int:
    """``exposure`` over several drivers (or a parent's, with ``--across``): :mod:`supplychain.across`."""
    from . import render
    from .across import across_csv, across_json, across_text, exposure_across

    g = _graph(args)
    report = exposure_across(g, names, across=args.across, depth=args.depth, as_of=args.as_of, top=args.top,
                             types=args.type, sectors=args.sector, stances=args.stance)
    if args.format == "json":
        _emit(render.to_json(across_json(report)))
    elif args.format == "csv":
        _emit(render.to_csv(*across_csv(report)))
    else:
        _emit(across_text(g, report, explain=args.explain))
    return 0


def _negative_calls(g, report) -> list[str]:
    """The names with a negative call (减持, Sell…), listed apart: they are not exposed names."""
    from . import render

    if not report.negative:
        return []
    n = len(report.negative)
    lines = [f"Negative calls (rated 减持/卖出/Underweight/Sell; shorts, not ranked as exposed): {n} name{'' if n == 1 else 's'}"]
    for r in report.negative:
        c = r.hops[-1].claim
        sector = f" in {g.nodes[r.sector].name}" if r.sector else ""
        lines.append(f"  {r.node.name}  {r.node.name_en or ''}  {getattr(r.node, 'ticker', None) or ''}  "
                     f"{render.stance_label(r.stance)}{sector}".replace("    ", "  "))
        lines.append(f"      {r.hops[-1].edge.type}: {c.report} ({c.date}) “{c.quote}”")
    return lines


def _dropped(r) -> str:
    """`` — dropped 2025-12-08 (report)`` for a driver whose note took the name off its list."""
    if r.stance != "dropped" or not r.hops or r.hops[-1].claim is None:
        return ""
    c = r.hops[-1].claim
    return f"  — dropped {c.date.isoformat()} ({c.report})"


def cmd_drivers(args) -> int:
    from . import render
    from .portfolio.lookthrough import etf_drivers
    from .query import drivers

    g = _graph(args)
    node = g.resolve(args.company)
    through = etf_drivers(g, node.id, depth=args.depth, as_of=args.as_of) if node.type == "etf" else None
    results = through if through is not None else drivers(g, node.id, depth=args.depth, as_of=args.as_of)
    if args.format == "json":
        from .portfolio.lookthrough import etf_drivers_json

        _emit(render.to_json(render.drivers_json(node, results) if through is None else etf_drivers_json(node, results)))
        return 0
    headers = ("type", "id", "name", "name_en", "score", "path")
    rows = [(r.node.type, r.id, r.node.name, r.node.name_en, f"{r.score:.3f}", render.path_names(g, r.path) + _dropped(r))
            for r in results]
    if args.format == "csv":
        extra = ("look_through",) if through is not None else ()
        _emit(render.to_csv((*headers, "basis", *extra), [
            (*row[:5], " > ".join(r.path), r.basis if r.node.type == "driver" else "",
             *(("yes" if r.constituents is not None else "",) if through is not None else ()))
            for row, r in zip(rows, results)]))
        return 0
    if any(r.basis == "inferred" for r in results):  # notes about several drivers: say which named it
        headers = (*headers[:5], "basis", headers[5])
        rows = [(*row[:5], (r.basis if r.node.type == "driver" else ""), row[5]) for row, r in zip(rows, results)]
    head = f"Drivers and risks reaching {node.name} ({node.name_en or node.id}): {len(results)}"
    if through is None:
        _emit(head + "\n" + render.table(headers, rows, max_col=80) if results else head)
        return 0
    lines = [head, f"  look-through: {node.name} has imported holdings; each driver scores it Σ weight × constituent score, "
                   f"as `exposure DRIVER` does (path through the biggest contributor)"]
    if results:
        lines.append(render.table(headers, rows, max_col=80))
    for r in results:
        if r.constituents is not None:
            parts = [f"{g.nodes[c.id].name} {c.weight:.2%} × {c.score:.3f}" for c in r.constituents[:5]]
            lines.append(f"  {r.node.name} ({len(r.constituents)} reached): " + ", ".join(parts) + (", …" if len(r.constituents) > 5 else ""))
    _emit("\n".join(lines))
    return 0


def cmd_path(args) -> int:
    from . import render
    from .query import paths

    g = _graph(args)
    found = paths(g, args.a, args.b, depth=args.depth, limit=args.top)
    if args.format == "json":
        data = [
            {"nodes": list(p.nodes), "hops": [[{"type": e.type, "source": e.source, "target": e.target} for e in hop] for hop in p.hops]}
            for p in found
        ]
        _emit(render.to_json(data))
    elif args.format == "csv":
        _emit(render.to_csv(("rank", "length", "nodes"), [(i, len(p.hops), " > ".join(p.nodes)) for i, p in enumerate(found, 1)]))
    else:
        _emit("\n".join(f"{i}. ({len(p.hops)} hop{'' if len(p.hops) == 1 else 's'}) {p.describe(g)}" for i, p in enumerate(found, 1)))
    return 0


# --------------------------------------------------------------------------- parser


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2, like every usage error
        self.exit(2, f"Error: {message} (see `{self.prog} --help`)\n")


def _formats(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", "-f", choices=FORMATS, default="table", help="output format (default: table)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="supplychain",
        description="Query the AI-compute supply-chain knowledge graph: who is exposed to which driver, "
        "through which sub-sector, how strongly, on what evidence.",
    )
    parser.add_argument(
        "--graph", "-g", metavar="PATH", default=None,
        help="graph file (default: $SUPPLYCHAIN_GRAPH or data/graph.yaml)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    def add(name: str, func: Callable, help_: str, formats: bool = True) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_)
        p.set_defaults(func=func)
        if formats:
            _formats(p)
        return p

    add("validate", cmd_validate, "check the graph file; print every problem with file:line", formats=False)
    add("stats", cmd_stats, "count nodes, edges, claims and reports")
    p = add("list", cmd_list, "list nodes (id, type, name, English name, ticker)")
    p.add_argument("--type", "-t", action="append", choices=("driver", "sector", "company", "etf", "risk", "report"), help="only this node type (repeatable)")
    p = add("show", cmd_show, "one node with its edges and every claim (the stance history)")
    p.add_argument("node", help="id, name, English name, alias or ticker")
    p = add("search", cmd_search, "find nodes whose names, aliases or tickers contain TEXT")
    p.add_argument("text")
    p.add_argument("--top", type=_positive, default=None, help="at most N results")

    p = add("exposure", cmd_exposure, "names exposed to a driver (or sector), ranked, with path and evidence; "
            "over several drivers, their named scores combined by noisy-OR with the per-driver breakdown")
    p.add_argument("driver", nargs="*", help="driver or sector: id, name, English name or alias (e.g. 阿里云资本开支); "
                   "several drivers are combined (noisy-OR of per-driver named scores)")
    p.add_argument("--driver", dest="drivers", action="append", metavar="D", help="a driver to combine (repeatable; "
                   "with the positional ones)")
    p.add_argument("--across", action="store_true", help="combine the drivers under the driver given (e.g. AI需求: "
                   "one column per driver that drives sub-sectors), not the driver's own single score")
    p.add_argument("--depth", type=_depth, default=4, help="longest path in hops (default 4)")
    p.add_argument("--as-of", type=_date, metavar="DATE", help="only claims dated on or before DATE (YYYY-MM-DD)")
    p.add_argument("--sector", action="append", metavar="SECTOR", help="only names reached through this sector (repeatable)")
    p.add_argument("--stance", action="append", choices=("recommended", "beneficiary", "listed", "neutral", "negative", "dropped"),
                   help="only this stance (repeatable); dropped lists the names a note about the driver took off its list")
    p.add_argument("--type", action="append", choices=("company", "etf"), help="only this node type (repeatable)")
    p.add_argument("--top", type=_positive, metavar="N", help="the best N results")
    p.add_argument("--explain", action="store_true", help="show how each score is made and the evidence of every hop")

    p = add("drivers", cmd_drivers, "the drivers and risks that reach a company (reverse exposure)")
    p.add_argument("company", help="company or ETF: id, name, English name, alias or ticker (e.g. 300308.SZ)")
    p.add_argument("--depth", type=_depth, default=4, help="longest path in hops (default 4)")
    p.add_argument("--as-of", type=_date, metavar="DATE", help="only claims dated on or before DATE")

    p = add("path", cmd_path, "the typed paths between two nodes, shortest first")
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--depth", type=_depth, default=6, help="longest path in hops (default 6)")
    p.add_argument("--top", type=_positive, default=10, help="at most N paths (default 10)")

    for register in _extensions():
        register(sub, add)
    return parser


def _extensions() -> list[Callable]:
    """Commands defined beside the features they drive (export, ingest, synth)."""
    out = []
    for module in EXTENSION_MODULES:
        import importlib

        out.append(importlib.import_module(module).register)
    return out


EXTENSION_MODULES: list[str] = [
    "supplychain.export.cli", "supplychain.synth", "supplychain.ingest.cli", "supplychain.portfolio.cli", "supplychain.brief.cli",
]
"""Modules with a ``register(subparsers, add)`` function adding their commands.
They must import only the standard library at module level."""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``supplychain`` console script; returns the exit code."""
    import os

    parser = build_parser()
    args = parser.parse_args(argv)
    if args.graph is None:
        args.graph = os.environ.get("SUPPLYCHAIN_GRAPH") or "data/graph.yaml"
    from .errors import GraphValidationError, SupplyChainError

    try:
        return args.func(args)
    except GraphValidationError as e:
        for issue in e.issues:
            print(f"Error: {issue}", file=sys.stderr)
        n = len(e.issues)
        print(f"{n} problem{'s' if n != 1 else ''} found", file=sys.stderr)
        return e.exit_code
    except SupplyChainError as e:
        print(f"Error: {e}", file=sys.stderr)
        return e.exit_code
    except BrokenPipeError:  # `supplychain list | head`
        return 0


def entry() -> None:
    """The console script: :func:`main`, then exit at once.

    The graph of a big file is millions of small objects; freeing them one by one at
    interpreter exit took a second at 100k companies. Every file the command writes is
    complete and closed before :func:`main` returns, so nothing is lost by skipping it.
    """
    import os

    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        pass
    os._exit(code)


if __name__ == "__main__":
    entry()
