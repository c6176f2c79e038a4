"""Portfolio benchmark: a 3,000-line holdings file against the 10k-company synthetic graph.

    .venv/bin/python bench/bench_portfolio.py                    # 10k companies, 3,000 lines
    .venv/bin/python bench/bench_portfolio.py --companies 1000 --lines 300 --repeat 1   # smoke

The graph is ``supplychain synth --companies N --seed 0`` (kept in bench/out/, shared
with bench/run.py). The book is synthetic too: ``--lines`` rows drawn (seed 0) from the
graph's own companies and ETFs, their codes written in the spellings brokers use
(``300001``, ``300001.SZ``, ``SZ300001``; HK listings as ``0700 HK``), plus 2% of holdings
the graph does not have, with made-up market values. Timed, medians of ``--repeat`` runs:

- ``read csv`` / ``read xlsx``: :func:`~supplychain.portfolio.reader.read_holdings`;
- ``resolve``: every row looked up in the graph;
- ``book, one driver`` / ``book, every driver``: :func:`~supplychain.portfolio.book.book_exposure`
  on a loaded graph;
- ``cli warm, every driver``: a whole ``supplychain portfolio FILE -f json`` process
  (graph cache warm), wall time;
- ``import etf`` (dry run) and ``exposure, look-through``: an ETF's 60 constituents
  imported with weights, then ``exposure`` of its busiest driver on the resulting graph.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from run import ensure_graph, supplychain_cmd  # noqa: E402  (bench/run.py)


def median(fn, repeat: int):
    runs, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs), result


def spell(code: str, k: int) -> str:
    number, market = code.split(".")
    if market == "HK":
        return f"{number} HK"
    return (number, code, f"{market}{number}")[k % 3]


def write_book(g, lines: int, csv_path: Path, xlsx_path: Path) -> None:
    rng = random.Random(0)
    listed = [n for n in g.nodes.values() if n.type in ("company", "etf") and getattr(n, "ticker", None)]
    picks = rng.sample(listed, min(lines, len(listed)))
    rows = [("证券代码", "证券名称", "持仓数量", "市值(元)")]
    for k, n in enumerate(picks):
        code, name = spell(n.ticker, k), n.name
        if k % 50 == 49:
            code, name = f"{990000 + k}", f"未收录{k}"  # a holding the graph does not have
        rows.append((code, name, str(rng.randint(1, 500) * 100), f"{rng.uniform(1e5, 5e7):.2f}"))
    csv_path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="gb18030")
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    for r in rows:
        ws.append(list(r))
    wb.save(xlsx_path)


def main(argv: list[str] | None = None) -> dict[str, float]:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--companies", type=int, default=10_000)
    p.add_argument("--lines", type=int, default=3_000)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--workdir", default=str(BENCH / "out"))
    args = p.parse_args(argv)
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    path, _ = ensure_graph(args.companies, 0, workdir)

    from supplychain import load_graph
    from supplychain.portfolio.book import book_exposure
    from supplychain.portfolio.etf import plan_import
    from supplychain.portfolio.reader import read_holdings
    from supplychain.portfolio.resolve import resolve_holdings
    from supplychain.query import exposure

    g = load_graph(path)
    tmp = Path(tempfile.mkdtemp(prefix="bench-portfolio-"))
    try:
        book_csv, book_xlsx = tmp / "book.csv", tmp / "book.xlsx"
        write_book(g, args.lines, book_csv, book_xlsx)
        drivers = sorted(n for n, t in g.node_types.items() if t == "driver")
        busiest = max(drivers, key=lambda d: len(exposure(g, d).results))
        results = {}
        results["read csv"], hf = median(lambda: read_holdings(book_csv), args.repeat)
        results["read xlsx"], _ = median(lambda: read_holdings(book_xlsx), args.repeat)
        results["resolve"], hs = median(lambda: resolve_holdings(g, hf), args.repeat)
        results["book, one driver"], _ = median(lambda: book_exposure(g, hf, drivers=[busiest]), args.repeat)
        results["book, every driver"], book = median(lambda: book_exposure(g, hf), args.repeat)
        cmd = supplychain_cmd() + ["-g", str(path), "portfolio", str(book_csv), "-f", "json"]
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)  # the cache is warm from here on
        results["cli warm, every driver"], _ = median(
            lambda: subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT), args.repeat)

        etf = next(n for n in g.nodes.values() if n.type == "etf")
        held = [tmp / "etf.csv"]
        companies = [n for n in g.nodes.values() if n.type == "company" and getattr(n, "ticker", None)][:60]
        held[0].write_text("code,name,weight\n" + "".join(f"{c.ticker},{c.name},{1 / 60:.6f}\n" for c in companies), encoding="utf-8")
        results["import etf (plan)"], (plan, data) = median(lambda: plan_import(g, etf.id, held[0], dt.date(2026, 1, 5)), args.repeat)
        from supplychain.graph import Graph

        looked = Graph(data)
        results["exposure, look-through"], report = median(lambda: exposure(looked, busiest), args.repeat)
        results["exposure, no weights"], _ = median(lambda: exposure(g, busiest), args.repeat)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    known = sum(1 for h in hs if h.status == "ok")
    print(f"{args.companies} companies ({len(g.nodes)} nodes, {len(g.edges)} edges), {len(drivers)} drivers; "
          f"book of {len(hf.rows)} lines, {known} resolved, {len(hs) - known} not; medians of {args.repeat}")
    for name, seconds in results.items():
        print(f"  {name:<28} {seconds:8.3f} s")
    print(f"  (busiest driver {busiest}: book exposure {next(d.exposure for d in book.drivers if d.driver.id == busiest):.4f}; "
          f"look-through ETF {etf.id} {'in' if any(r.id == etf.id for r in report.results) else 'not in'} its results)")
    return results


if __name__ == "__main__":
    main()
