"""Benchmark of the HTML export: export time and headless-Chromium time to a drawn graph.

    .venv/bin/python bench/bench_html.py                     # 1k and 5k companies, 3 runs each
    .venv/bin/python bench/bench_html.py --sizes 1000,5000,20000 --repeat 5 --json /tmp/html.json

For each size a synthetic graph is built in memory (:func:`supplychain.synth.synth_data`,
seed 0, ``N`` companies plus their sectors, drivers, ETFs, risks and reports) and two
pages are written: the whole graph, and the exposure subgraph of the driver with the most
exposed names. For each page it measures

- ``export``: :func:`supplychain.export.html.export_html` (select, layout, page, write);
- ``drawn``: Debian's /usr/bin/chromium, headless through Playwright, network blocked:
  milliseconds from navigation start to the page's first ``afterDrawing`` event after it
  fitted the view (``window.scDrawnAt``); ``open`` is the wall time of the same, seen from
  Python (launching the page, parsing, drawing).

Each figure is the median of ``--repeat`` runs. Targets: 5k companies exported in under
2 s, drawn in under 5 s. Another runner can ``from bench_html import run`` and call
``run([1000, 5000])``: it returns the same dict this script prints as JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from screenshot import launch, open_page  # noqa: E402  (bench/screenshot.py)


def synthetic_graph(companies: int, seed: int = 0):
    """A validated-shape :class:`~supplychain.graph.Graph` from ``supplychain.synth``."""
    from supplychain.graph import Graph
    from supplychain.synth import synth_data

    return Graph(synth_data(companies, seed=seed))


def busiest_driver(g) -> str:
    """The driver with the most exposed names (ties: the smallest id)."""
    from supplychain.query import exposure

    drivers = sorted(n.id for n in g.data.nodes if n.type == "driver")
    return max(drivers, key=lambda d: len(exposure(g, d).results))  # max keeps the first of equals


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


def time_export(g, path: Path, repeat: int, **kw) -> tuple[float, list[float], str]:
    from supplychain.export.html import export_html

    runs, summary = [], ""
    for _ in range(repeat):
        t = time.perf_counter()
        summary = export_html(g, path, **kw)
        runs.append(time.perf_counter() - t)
    return _median(runs), [round(r, 3) for r in runs], summary


def time_drawn(browser, path: Path, repeat: int) -> dict:
    """Median ms to the first drawing, and wall seconds to open the page, with a fresh page each run."""
    drawn, opened, nodes = [], [], 0
    for _ in range(repeat):
        t = time.perf_counter()
        w, blocked, errors = open_page(browser, path, 1600, 1000)
        opened.append(time.perf_counter() - t)
        drawn.append(w.evaluate("() => window.scDrawnAt"))
        nodes = w.evaluate("() => network.body.data.nodes.length")
        if blocked or errors:
            raise RuntimeError(f"{path}: blocked requests {blocked[:3]}, errors {errors[:3]}")
        w.close()
    return {"drawn_ms": round(statistics.median(drawn)), "open_s": _median(opened), "runs_ms": [round(d) for d in drawn], "nodes_drawn": nodes}


def run(sizes=(1000, 5000), repeat: int = 3, browser: bool = True) -> dict:
    """Measure every size; return ``{"sizes": {N: {page: figures}}, "targets": …}``."""
    from supplychain.export.html import export_html

    out: dict = {"repeat": repeat, "targets": {"export_s_5k": 2.0, "drawn_s_5k": 5.0}, "sizes": {}}
    pw = chromium = None
    if browser:
        from playwright.sync_api import sync_playwright

        pw = sync_playwright().start()
        chromium = launch(pw)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            export_html(synthetic_graph(50), Path(tmp) / "warm.html")  # import pyvis and friends once
            for n in sizes:
                t = time.perf_counter()
                g = synthetic_graph(n)
                built = time.perf_counter() - t
                driver = busiest_driver(g)
                row: dict = {"graph": {"nodes": len(g.nodes), "edges": len(g.edges), "build_s": round(built, 3)}}
                for name, kw in (("whole", {}), ("driver", {"driver": driver})):
                    path = Path(tmp) / f"{name}-{n}.html"
                    median, runs, summary = time_export(g, path, repeat, **kw)
                    fig = {"export_s": median, "export_runs": runs, "summary": summary.split(": ", 1)[1], "mb": round(path.stat().st_size / 1e6, 2)}
                    if kw:
                        fig["driver"] = driver
                    if chromium is not None:
                        fig.update(time_drawn(chromium, path, repeat))
                    row[name] = fig
                    print(f"{n:>7} companies  {name:<6} {fig['summary']:<28} {fig['mb']:>6.2f} MB  export {median:6.3f} s"
                          + (f"  drawn {fig['drawn_ms'] / 1000:6.3f} s  open {fig['open_s']:6.3f} s" if "drawn_ms" in fig else ""), flush=True)
                out["sizes"][str(n)] = row
    finally:
        if chromium is not None:
            chromium.close()
            pw.stop()
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark the HTML export (export time, time to drawn in headless Chromium).")
    ap.add_argument("--sizes", default="1000,5000", help="comma-separated company counts (default 1000,5000)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per figure, median reported (default 3)")
    ap.add_argument("--no-browser", action="store_true", help="export times only")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    result = run(sizes, repeat=max(1, args.repeat), browser=not args.no_browser)
    text = json.dumps(result, ensure_ascii=False, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
