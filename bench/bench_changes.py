"""Benchmark of ``supplychain changes`` on synthetic graphs, beside PyYAML's C-loader parse.

    .venv/bin/python bench/bench_changes.py                          # 10k companies (`make bench`)
    .venv/bin/python bench/bench_changes.py --sizes 1000 --depths 2,4  # smoke

For each size the graph of ``bench/run.py`` is used (``supplychain synth``, seed 0, kept
in bench/out/), loaded once through the cache, then :func:`supplychain.ingest.changes.changes`
is timed for every driver at each depth (the default ``since``: the latest report), each
figure the median of ``--repeat`` runs. ``yaml reference`` is PyYAML's C loader with the
collector paused on the same file in the same run, the issue's yardstick: the target is
``changes`` at the default depth ≤ 0.2× that, and time linear in depth.

Figures measured on this machine (2 cores shared with other jobs, 10k companies, 15.5 MB,
50 drivers), medians; wall-clock figures moved by ±30 % with the machine's load, so CPU
time (``time.process_time``) is printed beside them:

    code                                  depth 2   depth 4 (default)   depth 8   yaml reference
    before: two exposure reports/driver    4.41 s   46.3 s (1.40x)      165 s (4.97x)   33.2 s
    after:  one pass per driver and date   0.16 s    2.30 s (0.19x)     11.3 s (0.91x)  12.3 s
            (CPU time)                     0.16 s    1.90 s (0.18x)      7.5 s (0.71x)  10.7 s

Past depth 8 the time stops growing (depth 12: 8.4 s CPU, 16: 7.7 s): a round only
extends the names whose score improved in the round before, so each round is at most
one pass over the edges (linear in depth) and the search ends once nothing improves.

Results go to stdout and to bench/out/changes.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from run import ensure_graph, yaml_reference  # noqa: E402  (bench/run.py)

BEFORE = {
    # commit d44fd53 (changes.py before this benchmark), 10k companies, seed 0, one run each
    # (a minute a figure), the same day and machine as the "after" figures in the docstring
    "10000": {"2": 4.41, "4": 46.33, "8": 164.9, "yaml reference": 33.15},
}


def median_time(fn, repeat: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``repeat`` runs (CPU time is the steadier figure on a
    shared machine: other processes stretch the wall clock, not this process's CPU time)."""
    wall, cpu = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - t)
    return statistics.median(wall), statistics.median(cpu)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="10000", help="company counts, comma-separated (default 10000)")
    p.add_argument("--depths", default="2,4,8", help="depths to time (default 2,4,8)")
    p.add_argument("--repeat", type=int, default=3, help="runs per figure (default 3)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--workdir", default=str(BENCH / "out"))
    p.add_argument("--graph", help="time this graph file instead of a synthetic one")
    args = p.parse_args(argv)

    from supplychain.graph import load_graph
    from supplychain.ingest.changes import changes

    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    results = {}
    for n in ([0] if args.graph else [int(s) for s in args.sizes.split(",")]):
        path = Path(args.graph) if args.graph else ensure_graph(n, args.seed, workdir)[0]
        g = load_graph(path)
        g = load_graph(path)  # from the cache, as the command has it
        ref, ref_cpu = median_time(lambda: yaml_reference(path), args.repeat)
        row = {"file": str(path), "yaml reference": round(ref, 4), "yaml reference cpu": round(ref_cpu, 4)}
        print(f"{path} ({path.stat().st_size / 1e6:.1f} MB): yaml reference {ref:.3f} s (cpu {ref_cpu:.3f} s)", flush=True)
        for depth in (int(d) for d in args.depths.split(",")):
            found = []
            t, cpu = median_time(lambda: found.append(changes(g, depth=depth)), args.repeat)
            n_changes = sum(len(dc.changes) for dc in found[-1])
            row[str(depth)], row[f"{depth} cpu"] = round(t, 4), round(cpu, 4)
            print(f"  changes depth {depth}: {t:.3f} s ({t / ref:.2f}x yaml reference), cpu {cpu:.3f} s "
                  f"({cpu / ref_cpu:.2f}x), {n_changes} changes in {len(found[-1])} drivers", flush=True)
        before = BEFORE.get(str(n))
        if before and before.get("4"):
            print(f"  before (commit d44fd53): depth 4 {before['4']} s, depth 8 {before['8']} s, "
                  f"yaml reference {before['yaml reference']} s", flush=True)
        results[str(n)] = row
    (workdir / "changes.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
