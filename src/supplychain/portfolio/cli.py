"""``supplychain portfolio FILE`` and ``supplychain holdings import ETF FILE``.

Thin adapters: parse the arguments, call one library function, print table, JSON or CSV.
Only the standard library is imported at module level (see ``cli.EXTENSION_MODULES``).
"""

from __future__ import annotations

import datetime as dt


def book_json(book) -> dict:
    """The documented JSON of ``portfolio`` (README, "JSON contract")."""
    from ..render import evidence

    def holding(h):
        return {"lines": h.lines, "code": h.code, "name": h.name, "weight": round(h.weight, 6), "status": h.status,
                "id": h.node_id, "matched_by": h.matched_by, "candidates": h.candidates}

    def contribution(c):
        r = c.reach
        return {"id": r.id, "name": r.node.name, "ticker": getattr(r.node, "ticker", None), "type": r.node.type,
                "weight": round(c.holding.weight, 6), "score": round(c.score, 4), "contribution": round(c.contribution, 6),
                "stance": c.stance, "call": c.call, "basis": c.basis, "sector": r.sector, "path": list(r.path),
                "evidence": [evidence(h) for h in r.hops], "look_through": r.constituents is not None}

    hf = book.file
    return {
        "file": hf.path,
        "weights_from": hf.weights_from,
        "weight_total": round(hf.weight_total, 6),
        "depth": book.depth,
        "as_of": book.as_of.isoformat() if book.as_of else None,
        "holdings": [holding(h) for h in book.holdings],
        "drivers": [
            {"driver": {"id": d.driver.id, "name": d.driver.name}, "exposure": round(d.exposure, 6),
             "named": round(d.named, 6), "inferred": round(d.inferred, 6),
             "reached_weight": round(d.reached_weight, 6), "reached": d.reached,
             "apart": {k: round(v, 6) for k, v in d.apart.items()},
             "contributors": [contribution(c) for c in d.shown]}
            for d in book.drivers
        ],
        "unreached": [holding(h) for h in book.unreached],
        "unreached_weight": round(book.unreached_weight, 6),
    }


CSV_HEADERS = ("row", "driver", "driver_name", "id", "name", "ticker", "weight", "score", "contribution", "stance",
               "call", "path", "report", "date", "quote", "basis", "named", "inferred")


def book_rows(book) -> list[tuple]:
    """CSV rows: one ``book`` row per driver (its exposure), one ``holding`` row per
    contributing holding, then the ``unreached``, ``unknown``, ``ambiguous`` and ``conflict`` holdings.
    The last columns: ``basis`` of a holding row; ``named`` and ``inferred`` parts of a book row."""
    rows = []
    for d in book.drivers:
        rows.append(("book", d.driver.id, d.driver.name, "", "", "", f"{d.reached_weight:.6f}", "", f"{d.exposure:.6f}",
                     "", "", "", "", "", "", "", f"{d.named:.6f}", f"{d.inferred:.6f}"))
        for c in d.shown:
            r, last = c.reach, c.reach.hops[-1].claim if c.reach.hops else None
            rows.append(("holding", d.driver.id, d.driver.name, r.id, r.node.name, getattr(r.node, "ticker", None) or "",
                         f"{c.holding.weight:.6f}", f"{c.score:.4f}", f"{c.contribution:.6f}", c.stance or "", c.call,
                         " > ".join(r.path), last.report if last else "", last.date.isoformat() if last else "",
                         last.quote if last else "", c.basis, "", ""))
    for h in book.unreached:
        rows.append(("unreached", "", "", h.node_id, h.name or "", h.code or "", f"{h.weight:.6f}", "0", "0", "", "", "", "", "", "", "", "", ""))
    for h in book.holdings:
        if h.status != "ok":
            rows.append((h.status, "", "", "", h.name or "", h.code or "", f"{h.weight:.6f}", "", "", "", "", "", "", "",
                         "; ".join(h.candidates), "", "", ""))
    return rows


def book_text(g, book) -> str:
    from .. import render

    hf = book.file
    ok = book.of_status("ok")
    lines = [f"Book {hf.path}: {len(book.holdings)} holdings, {len(ok)} in the graph; {hf.describe_weights()}; "
             f"weights add up to {hf.weight_total:.2%}"]
    scope = f"claims dated on or before {book.as_of}" if book.as_of else "all claims"
    lines.append(f"Exposure = Σ weight × score (the score of `exposure DRIVER`), paths of at most {book.depth} hops, {scope}")
    lines.append("  named: holdings that notes about the driver (or a driver it drives) name; inferred: holdings reached "
                 "only through a sub-sector notes about other drivers filled")
    for status, title in (("unknown", "not in the graph"), ("ambiguous", "ambiguous code, not counted"),
                          ("conflict", "code and name name different nodes, not counted")):
        hs = book.of_status(status)
        if hs:
            lines.append(f"{title} ({len(hs)}, {sum(h.weight for h in hs):.2%} of the book):")
            for h in hs:
                extra = f": {', '.join(h.candidates)}" if h.candidates else ""
                lines.append(f"  line {h.lines[0]}: {h.label} ({h.weight:.2%}){extra}")
    rows = [(i, d.driver.name, f"{d.exposure:.4f}", f"{d.named:.4f}", f"{d.inferred:.4f}", f"{d.reached_weight:.2%}",
             d.reached, ", ".join(f"{k} {v:.4f}" for k, v in d.apart.items()))
            for i, d in enumerate(book.drivers, 1)]
    lines.append(render.table(("#", "driver", "exposure", "named", "inferred", "reached weight", "holdings", "apart"), rows))
    for d in book.drivers:
        if not d.shown:
            continue
        lines.append(f"{d.driver.name}: top contributors")
        for c in d.shown:
            r = c.reach
            lt = " (look-through)" if r.constituents is not None else ""
            call = "" if c.call == "exposed" else f" [{c.call}, not counted]"
            call += " [inferred]" if c.basis == "inferred" else ""
            lines.append(f"  {r.node.name} {getattr(r.node, 'ticker', None) or ''}: {c.holding.weight:.2%} × {c.score:.3f} = "
                         f"{c.contribution:.4f}{lt}{call}")
            lines.append(f"      path: {render.path_names(g, r.path)}")
            last = r.hops[-1].claim if r.hops else None
            if last is not None:
                lines.append(f"      {r.hops[-1].edge.type}: {last.report} ({last.date}) “{last.quote}”")
            if c.basis == "inferred":
                lines.append(f"      {render.inferred_note(g, r)}")
    un = book.unreached
    lines.append(f"No driver reaches {book.unreached_weight:.2%} of the book"
                 + (f": {', '.join(f'{h.name or h.code} {h.weight:.2%}' for h in un)}" if un else "")
                 + (f", plus the {book.unresolved_weight:.2%} the graph does not know" if book.unresolved_weight else ""))
    return "\n".join(lines)


def cmd_portfolio(args) -> int:
    from .. import render
    from ..cli import _emit, _graph
    from .book import book_exposure
    from .reader import read_holdings

    g = _graph(args)
    hf = read_holdings(args.file)
    top = None if args.all else (args.top if args.top is not None else (5 if args.format == "table" else 10))
    book = book_exposure(g, hf, drivers=args.driver, depth=args.depth, as_of=args.as_of, top=top)
    if args.format == "json":
        _emit(render.to_json(book_json(book)))
    elif args.format == "csv":
        _emit(render.to_csv(CSV_HEADERS, book_rows(book)))
    else:
        _emit(book_text(g, book))
    return 0


def cmd_holdings_import(args) -> int:
    from ..cli import _emit
    from .etf import import_holdings

    plan = import_holdings(args.graph, args.etf, args.file, args.date or dt.date.today(), dry_run=args.dry_run)
    tail = ("dry run: nothing written" if args.dry_run else
            (f"{args.graph} unchanged: nothing new" if plan.empty else f"wrote {args.graph}"))
    _emit(plan.describe() + "\n" + tail)
    return 0


def register(sub, add) -> None:
    from ..cli import _date, _positive

    p = add("portfolio", cmd_portfolio, "a book of holdings (CSV or XLSX) against every driver: Σ weight × score, "
            "top contributors with path and evidence, what no driver reaches")
    p.add_argument("file", metavar="FILE", help="holdings file: CSV (UTF-8 or GB18030) or XLSX, Chinese or English headers")
    p.add_argument("--driver", action="append", metavar="D", help="only this driver (repeatable; default: every driver)")
    p.add_argument("--depth", type=_positive, default=4, help="longest path in hops (default 4)")
    p.add_argument("--as-of", type=_date, metavar="DATE", help="only claims dated on or before DATE (YYYY-MM-DD)")
    p.add_argument("--top", type=_positive, default=None, metavar="N",
                   help="contributors shown per driver, with path and evidence (default 5 in the table, 10 in JSON and CSV)")
    p.add_argument("--all", action="store_true", help="show every contributor (the sums always count every holding)")

    p = add("holdings", None, "ETF holdings: `holdings import ETF FILE` records constituents and weights", formats=False)
    hsub = p.add_subparsers(dest="holdings_command", metavar="COMMAND", parser_class=type(p))
    hsub.required = True
    q = hsub.add_parser("import", help="record an ETF's constituents and weights as holds edges",
                        description="record an ETF's constituents and weights (a CSV or XLSX with a weight or market "
                        "value column) as holds edges carrying the weight, the file and date as evidence")
    q.set_defaults(func=cmd_holdings_import)
    q.add_argument("etf", metavar="ETF", help="the ETF: name, alias or code (e.g. 515070)")
    q.add_argument("file", metavar="FILE", help="constituent list: CSV or XLSX with code/name and weight or market value")
    q.add_argument("--date", type=_date, metavar="D", help="the date of the holdings (default: today)")
    q.add_argument("--dry-run", action="store_true", help="print the plan, write nothing")
