"""Ingest one realistic note into the 10k-company synthetic graph, written to disk, then the next warm query.

    .venv/bin/python bench/bench_ingest.py                          # 10k companies, 3 repeats
    .venv/bin/python bench/bench_ingest.py --companies 1000 --repeat 1   # smoke

The graph is ``supplychain synth --companies N --seed 0`` (kept in bench/out/, shared
with bench/run.py). The note is the Tencent capex fixture
(tests/fixtures/drivers/industry_research_2025-11-14.md): its driver is inferred from its
title (a new driver, 腾讯资本开支), its companies resolved through the security master,
its claims tagged with the driver. Each repeat starts from a fresh copy of the graph
whose cache entry is warm (as after any earlier command), then times, wall clock, whole
processes:

- ``ingest write``: ``supplychain -g COPY ingest NOTE`` — read, plan, apply, dump,
  validate the text, write the file and its cache entry;
- ``next query``: ``supplychain -g COPY exposure 腾讯资本开支 -f json`` right after it, on
  the cache entry the ingest left (warm);
- ``exposure in-process``: :func:`supplychain.query.exposure` of that driver on the graph
  loaded from that entry (the query alone, no process start);
- ``yaml reference``: PyYAML's C loader with the collector paused on the same 10k file
  (bench/run.py), measured in the same run; each figure's ``vs_reference`` is its
  median over this one, so machines can be compared.

Medians of ``--repeat`` runs go to a table on stdout and to ``--out`` (JSON).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
NOTE = ROOT / "tests" / "fixtures" / "drivers" / "industry_research_2025-11-14.md"
DRIVER = "腾讯资本开支"
sys.path.insert(0, str(BENCH))

from run import ensure_graph, run_process, supplychain_cmd, yaml_reference  # noqa: E402  (bench/run.py)


def median(fn, repeat: int):
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs), runs


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--companies", type=int, default=10_000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--workdir", default=str(BENCH / "out"))
    p.add_argument("--out", default=None, help="write the results as JSON here")
    args = p.parse_args(argv)

    from supplychain.graph import load_graph
    from supplychain.query import exposure

    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    path, _ = ensure_graph(args.companies, 0, workdir)
    sc = supplychain_cmd()
    env = {k: v for k, v in os.environ.items() if k != "SUPPLYCHAIN_NO_CACHE"}
    print(f"{args.companies} companies: {path} ({path.stat().st_size / 1e6:.1f} MB), note {NOTE.relative_to(ROOT)}", flush=True)

    runs: dict[str, list[float]] = {"ingest write": [], "next query": [], "exposure in-process": []}
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        copy = Path(tmp) / path.name
        for _ in range(args.repeat):
            shutil.copy(path, copy)
            load_graph(copy)  # a warm cache entry, as after any earlier command
            for name, cmd in (("ingest write", ["ingest", str(NOTE)]), ("next query", ["exposure", DRIVER, "-f", "json"])):
                wall, _mb, rc, text, _cpu = run_process([*sc, "-g", str(copy), *cmd], env, 3600)
                if rc != 0:
                    raise SystemExit(f"{' '.join(cmd)} exited {rc}: {text[-500:]}")
                runs[name].append(wall)
            g = load_graph(copy)
            n = len(exposure(g, DRIVER).results)
            runs["exposure in-process"].append(median(lambda: exposure(g, DRIVER), 5)[0])
    reference = median(lambda: yaml_reference(path), args.repeat)
    runs["yaml reference"] = reference[1]

    results = {"companies": args.companies, "note": str(NOTE.relative_to(ROOT)), "driver": DRIVER, "results": n, "metrics": {}}
    print(f"  {'figure':<22} {'median':>10}   vs yaml reference", flush=True)
    for name, values in runs.items():
        m = statistics.median(values)
        results["metrics"][name] = {"median_s": round(m, 6), "runs": [round(v, 6) for v in values],
                                    "vs_reference": round(m / reference[0], 4)}
        print(f"  {name:<22} {m:>10.4f} s   {m / reference[0]:.3f}", flush=True)
    if args.out:
        Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return results


if __name__ == "__main__":
    main()
