"""The ``ingest``, ``apply`` and ``changes`` commands. Standard library only at module level."""

from __future__ import annotations

import argparse
import sys

from ..cli import _date, _depth, _name


def register(sub, add) -> None:
    p = add(
        "ingest", cmd_ingest,
        "add research notes to the graph: plan, validate, then write (re-ingesting a note changes nothing)",
        formats=False,
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="note files (Markdown, text, HTML or PDF; - for standard input) or folders of them "
                        "(ingested in date order)")
    p.add_argument("--driver", type=_name, metavar="NODE_OR_NEW_NAME",
                   help="the driver the notes' claims hang on: an existing driver (any name) or a new driver's name; "
                        "default: the driver the note's title names")
    p.add_argument("--dry-run", action="store_true", help="print the plan and write nothing")
    p.add_argument("--alias", action="append", default=[], metavar="NEW=EXISTING",
                   help="a reviewed decision: NEW is another name of EXISTING (recorded as an alias; repeatable)")
    p.add_argument("--reference", metavar="CSV",
                   help="tickers or security-master CSV for new companies (replaces the bundled file of its shape; "
                        "default: reference/tickers.csv and reference/a_shares.csv beside the graph, else data/reference/)")
    p.add_argument("--allow-future", action="store_true",
                   help="accept notes dated after today (refused by default: a mistyped year would become the current stance)")
    p.add_argument("--keep-going", action="store_true",
                   help="with several notes: write the ones that plan even if others fail (the failures are listed; "
                        "exit 1 still). Default: nothing is written if any note fails")

    p = add("apply", cmd_apply, "add hand-written claims from a patch YAML file (see docs/ingest.md): plan, validate, write",
            formats=False)
    p.add_argument("patch", metavar="PATCH.yaml", help="the patch file")
    p.add_argument("--dry-run", action="store_true", help="print the plan and write nothing")
    p.add_argument("--reference", metavar="CSV", help="tickers CSV (as for ingest)")
    p.add_argument("--allow-future", action="store_true", help="accept a new report dated after today")

    p = add("changes", cmd_changes,
            "per driver: names newly exposed, stance upgrades and downgrades, new sub-sectors, with their reports")
    p.add_argument("--since", type=_date, metavar="DATE",
                   help="count claims dated on or after DATE (default: the date of the latest report)")
    p.add_argument("--driver", type=_name, action="append", metavar="NODE", help="only this driver (repeatable)")
    p.add_argument("--depth", type=_depth, default=4, help="longest exposure path in hops (default 4)")
    p.add_argument("--transitive", action="store_true",
                   help="list a change under every driver that reaches it, not only the nearest one")
    p = add("retract", cmd_retract,
            "take a note back: remove every claim, metric and edge a report brought, and nodes left with none; validate, write",
            formats=False)
    p.add_argument("report", metavar="REPORT", help="the report (its id or name, e.g. industry-research-2025-11-14)")
    p.add_argument("--dry-run", action="store_true", help="print what would be removed and write nothing")
    register_migrate(sub, add)


def cmd_ingest(args: argparse.Namespace) -> int:
    from .many import ingest_many

    result = ingest_many(
        args.paths, args.graph, driver=args.driver, aliases=args.alias, dry_run=args.dry_run,
        reference=args.reference, progress=sys.stderr.isatty(), allow_future=args.allow_future,
        keep_going=args.keep_going,
    )
    print(result.describe())
    for issue in result.failures:
        print(f"Error: {issue}", file=sys.stderr)
    return 1 if result.failures else 0


def cmd_retract(args: argparse.Namespace) -> int:
    from .retract import retract

    print(retract(args.report, args.graph, dry_run=args.dry_run).describe())
    return 0


def cmd_apply(args: argparse.Namespace) -> int:
    from .patch import apply_patch

    result = apply_patch(args.patch, args.graph, dry_run=args.dry_run, reference=args.reference,
                         allow_future=args.allow_future)
    print(result.describe())
    return 0


def cmd_changes(args: argparse.Namespace) -> int:
    from .. import render
    from ..graph import load_graph
    from .changes import changes, changes_json, changes_rows, default_since

    g = load_graph(args.graph)
    since = args.since or default_since(g)
    result = changes(g, since, drivers=args.driver, depth=args.depth, transitive=args.transitive)
    if args.format == "json":
        print(render.to_json(changes_json(g, since, result)))
        return 0
    headers = ("driver", "change", "name", "type", "from", "to", "sector", "report", "date")
    rows = changes_rows(g, result)
    if args.format == "csv":
        sys.stdout.write(render.to_csv(headers, rows))
        return 0
    n = sum(len(dc.changes) for dc in result)
    head = f"Changes from claims dated {since} or later: {n} in {len(result)} driver{'s' if len(result) != 1 else ''}"
    print(head if not rows else head + "\n" + render.table(headers, rows))
    return 0


def register_migrate(sub, add) -> None:
    p = add("migrate", cmd_migrate,
            "upgrade a graph file from earlier versions: readable ids, listings from the security master, "
            "merged risks and sectors (plan, validate, write)", formats=False)
    p.add_argument("--dry-run", action="store_true", help="print what would change and write nothing")
    p.add_argument("--reference", metavar="CSV", help="tickers or security-master CSV (as for ingest)")


def cmd_migrate(args: argparse.Namespace) -> int:
    from .migrate import migrate

    print(migrate(args.graph, dry_run=args.dry_run, reference=args.reference).describe())
    return 0
