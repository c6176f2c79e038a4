"""Benchmarks at 1k, 10k and 100k synthetic companies, each figure beside the plain approach.

    .venv/bin/python bench/run.py                       # 1k, 10k, 100k (100k takes minutes)
    .venv/bin/python bench/run.py --sizes 1000,10000    # `make bench` runs this
    .venv/bin/python bench/run.py --sizes 200 --repeat 1 --out /tmp/r.json   # smoke

For each size a graph is generated (``supplychain synth``, seed 0, kept in bench/out/),
then timed, each figure the median of repeated runs (fewer repeats for slow ones):

- ``load cold``: parse and validate the YAML (:func:`supplychain.store.load_data`);
- ``load warm``: :func:`supplychain.graph.load_graph` through the validated cache;
- ``exposure``, ``drivers``: the queries on a loaded graph (``first``: the first call on
  a graph just loaded from the cache, which decodes the name index and builds the models
  it shows; the others run on a graph whose models are all built; ``top 20``: what the
  CLI figures ask for); ``drivers`` starts from a company the driver reaches;
- ``cli cold`` / ``cli warm``: a whole ``supplychain exposure`` process, wall time, with
  no cache entry (it parses, validates and writes one) and with one; peak RSS too;
- ``cli no cache``: the same process with ``SUPPLYCHAIN_NO_CACHE=1`` (parse and validate,
  no entry read or written): what every command would cost without the cache;
- ``ingest``: ``supplychain ingest <the seed note> --driver <a synthetic driver>
  --dry-run`` on a copy of the graph (cache warm), if ``supplychain ingest`` exists;
- ``ingest write`` / ``apply write``: the same note ingested for real, and a one-claim
  patch applied, each into a fresh copy of the graph with a warm cache made by a read
  (as after a query, or a ``git pull``): load, plan, dump, validate the text, write the
  file and its cache entry; ``ingest after write`` / ``apply after write``: the same
  with the cache entry an earlier write left (as after yesterday's ingest), which says
  the file is canonical: the text of what the command does not change is taken from
  the file (:meth:`supplychain.previous.Previous.keeper`);
- ``write``: :func:`supplychain.store.save_graph` of the loaded graph (dump, validate the
  text, write the file), in-process; ``write + cache entry``: :func:`supplychain.cache.save_graph`
  (what ``ingest`` and ``apply`` call), which also encodes and writes the file's cache entry;
- ``html``: ``export_html`` of the driver's exposure subgraph, if it exists;
- ``yaml reference``: PyYAML's C loader with the collector paused, which the
  speed-and-scale issue measured at 3.3 s on the 10k graph where its targets were set:
  this machine's speed relative to that one, measured in the same run. Every figure's
  ``vs_reference`` is its median over this one (the YAML-engine issue's targets: cold
  10k ≤ 0.25, 100k ≤ 0.3, a write of the 10k graph ≤ 0.4), and ``cpu_vs_reference``
  the same for CPU time (``cpu_median_s``: this process's for in-process figures, the
  command's user + system time for whole commands), which a machine shared with other
  work disturbs less than wall time. The figures with targets (``load cold`` at 10k and
  100k, the writes at 10k) are also run each beside a reference run just before it
  (:class:`Paired`): ``paired_vs_reference`` is the median of those pairs' ratios, which
  the machine's drift from one minute to the next does not move.

The plain approach (bench/plain.py: PyYAML with the garbage collector on, pydantic,
networkx ``all_simple_paths``) is timed on the same graph in the same run, and the
``ratio`` column is plain / ours. Its exposure scores must equal ours (checked).
Results go to a table on stdout and to bench/results.json.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
NOTE = ROOT / "data" / "reports" / "industry_research_2025-11-26.md"
sys.path.insert(0, str(BENCH))

import plain  # noqa: E402  (bench/plain.py)


def measure(fn, repeat: int, budget: float, pair=None) -> tuple[float, list[float], object, float]:
    """Run ``fn`` up to ``repeat`` times (at least once, fewer when a run is slow); return
    (median seconds, all runs, last result, median CPU seconds of this process).
    ``pair``: a :class:`Paired`, whose reference runs right before each run."""
    runs: list[float] = []
    cpu: list[float] = []
    result = None
    while len(runs) < repeat:
        result = None  # not held during the next run (a whole graph: the reference holds nothing)
        if pair is not None:
            pair.reference()
        c, t = time.process_time(), time.perf_counter()
        result = fn()
        runs.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        if pair is not None:
            pair.ran(runs[-1])
        if sum(runs) > budget and len(runs) >= 1:
            break
    return statistics.median(runs), runs, result, statistics.median(cpu)


class Paired:
    """The reference run right before each run of a figure, so that both see the machine
    as it is at that moment: a machine shared with other work slows the reference by a
    fifth from one minute to the next (5.6 to 8.5 s at 10k within one run of this bench),
    and a figure and the reference measured minutes apart take that drift into their
    ratio. ``ratios``: each run over the reference run just before it."""

    def __init__(self, path: Path):
        self.path = path
        self.references: list[float] = []
        self.ratios: list[float] = []

    def reference(self) -> None:
        t = time.perf_counter()
        yaml_reference(self.path)
        self.references.append(time.perf_counter() - t)

    def ran(self, seconds: float) -> None:
        self.ratios.append(seconds / self.references[-1])

    def summary(self) -> dict:
        return {"paired_vs_reference": round(statistics.median(self.ratios), 3),
                "paired_ratios": [round(r, 3) for r in self.ratios],
                "paired_reference_runs": [round(r, 3) for r in self.references]}


# A small process runs each command and reports its wall time and peak RSS: measured from
# here, the peak would include this (big) process's memory, which a child inherits until
# it execs and which the kernel counts in the child's high-water mark.
_RUNNER = """
import os, subprocess, sys, time
t = time.perf_counter()
p = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(p.pid, 0)
wall = time.perf_counter() - t
with open(sys.argv[1], "w") as f:
    f.write(f"{wall} {usage.ru_maxrss} {usage.ru_utime + usage.ru_stime}")
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_process(cmd: list[str], env: dict | None = None, timeout: float = 3600) -> tuple[float, float, int, str, float]:
    """Run a command; (wall seconds, peak RSS in MB, exit code, stdout+stderr tail, CPU
    seconds: user + system)."""
    with tempfile.TemporaryFile() as out, tempfile.NamedTemporaryFile("r", suffix=".rss") as report:
        p = subprocess.Popen(
            [sys.executable, "-c", _RUNNER, report.name, *cmd], stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT
        )
        try:
            p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
        measured = report.read().split()
    if len(measured) != 3:
        return float("nan"), float("nan"), p.returncode or 1, text[-2000:], float("nan")
    return float(measured[0]), int(measured[1]) / 1024, p.returncode, text[-2000:], float(measured[2])


def measure_process(cmd, repeat, budget, env=None, before=None, timeout=3600, pair=None):
    """(median wall time, the runs, peak RSS, the last output, median CPU time) of repeated
    runs of a command (``before`` runs first each time)."""
    walls, rss, cpu, last = [], [], [], None
    while len(walls) < repeat:
        if before:
            before()
        if pair is not None:
            pair.reference()
        wall, mb, rc, text, seconds = run_process(cmd, env, timeout)
        if rc != 0:
            raise RuntimeError(f"{' '.join(cmd)} exited {rc}: {text}")
        if pair is not None:
            pair.ran(wall)
        walls.append(wall)
        rss.append(mb)
        cpu.append(seconds)
        last = text
        if sum(walls) > budget:
            break
    return statistics.median(walls), walls, max(rss), last, statistics.median(cpu)


def supplychain_cmd() -> list[str]:
    script = Path(sys.executable).parent / "supplychain"
    return [str(script)] if script.exists() else [sys.executable, "-m", "supplychain.cli"]


def ensure_graph(n: int, seed: int, workdir: Path) -> tuple[Path, float | None]:
    path = workdir / f"synth-{n}-s{seed}.yaml"
    if path.exists():
        return path, None
    from supplychain.synth import write_synth

    t = time.perf_counter()
    write_synth(n, seed, path)
    return path, time.perf_counter() - t


REFERENCE_MAX = 10**9  # every size: the targets are ratios to it
PAIRED_FROM = 10_000  # the sizes the targets are set at: 10k (cold load, writes), 100k (cold load)
ISSUE_REFERENCE_10K_S = 3.3
"""What the speed-and-scale issue measured, where its targets were set, for PyYAML's C
loader with the garbage collector paused on the 10k-company graph. ``yaml reference``
measures the same here, so figures can be compared across machines (machine factor =
ours / 3.3 s)."""


def yaml_reference(path: Path) -> None:
    """``yaml.load`` with libyaml's C loader and the collector paused (the issue's reference)."""
    import gc

    import yaml

    text = path.read_text(encoding="utf-8")
    gc.disable()
    try:
        yaml.load(text, Loader=yaml.CSafeLoader)
    finally:
        gc.enable()


def clear_cache(path: Path) -> None:
    from supplychain.cache import CACHE_DIR

    folder = path.parent / CACHE_DIR
    for entry in folder.glob(f"{path.name}.*.msgpack") if folder.exists() else ():
        entry.unlink()


def run_size(n: int, args) -> dict:
    from supplychain import cache, previous, store
    from supplychain.graph import Graph, load_graph
    from supplychain.query import drivers, exposure

    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    path, gen_time = ensure_graph(n, args.seed, workdir)
    out: dict = {"companies": n, "file": str(path), "bytes": path.stat().st_size, "metrics": {}}
    if gen_time is not None:
        out["generate_s"] = round(gen_time, 3)
    metrics = out["metrics"]
    repeat, budget = args.repeat, args.budget
    slow_repeat = max(1, min(repeat, args.slow_repeat))

    def record(name, ours, plain_=None, **extra):
        m = {"median_s": round(ours[0], 6), "runs": [round(r, 6) for r in ours[1]], **extra}
        cpu = ours[4] if len(ours) == 5 else ours[3] if len(ours) == 4 else None  # measure_process / measure
        if cpu is not None:
            m["cpu_median_s"] = round(cpu, 6)
        if plain_ is not None:
            m["plain_median_s"] = round(plain_[0], 6)
            m["plain_runs"] = [round(r, 6) for r in plain_[1]]
            m["ratio"] = round(plain_[0] / ours[0], 2) if ours[0] else None
        metrics[name] = m
        ratio = f"{m['ratio']:>8.1f}x" if m.get("ratio") else ""
        print(f"  {name:<22} {ours[0]:>10.4f} s" + (f"  plain {plain_[0]:>10.4f} s {ratio}" if plain_ else ""), flush=True)

    print(f"{n} companies: {path} ({out['bytes'] / 1e6:.1f} MB)", flush=True)

    # loading
    # the figures the YAML-engine issue sets targets for (cold load at 10k and 100k, writes
    # at 10k) are also measured each run beside a reference run just before it (Paired)
    cold_pair = Paired(path) if n >= PAIRED_FROM else None
    write_pair = (lambda: Paired(path)) if PAIRED_FROM <= n < 10 * PAIRED_FROM else (lambda: None)
    cold = measure(lambda: store.load_data(path), slow_repeat, budget, cold_pair)
    plain_load = None if args.skip_plain else measure(lambda: plain.load(path), slow_repeat, budget)
    data = cold[2]
    out["graph"] = {"nodes": len(data.nodes), "edges": len(data.edges), "claims": sum(len(e.claims) for e in data.edges)}
    record("load cold", cold, plain_load, **(cold_pair.summary() if cold_pair else {}))
    del data, cold
    if n <= REFERENCE_MAX:
        record("yaml reference", measure(lambda: yaml_reference(path), slow_repeat, budget))
    clear_cache(path)
    load_graph(path)  # writes the cache entry
    warm = measure(lambda: load_graph(path), repeat, budget)
    record("load warm", warm, plain_load)
    g: Graph = warm[2]
    assert g.data == (plain_load[2] if plain_load else store.load_data(path)), "cached data differs from the YAML"
    plain_G = plain.flow_graph(plain_load[2]) if plain_load else None
    del plain_load, warm

    # queries
    driver = next(nd for nd in g.data.nodes if nd.type == "driver")
    fresh = load_graph(path)  # as a command has it: loaded from the cache, no model built yet
    first = measure(lambda: exposure(fresh, driver.name), 1, budget)
    record("exposure first", first)
    top = measure(lambda: exposure(g, driver.name, top=20), repeat, budget)
    record("exposure top 20", top)
    ours = measure(lambda: exposure(g, driver.name), repeat, budget)
    theirs = measure(lambda: plain.exposure(plain_G, driver.id), slow_repeat, budget) if plain_G else None
    ours_scores = {r.id: round(r.score, 6) for r in ours[2].results}
    agree = ours_scores == {k: round(v, 6) for k, v in theirs[2].items()} if theirs else None  # None: not compared
    record("exposure", ours, theirs, results=len(ours_scores), agrees_with_plain=agree)
    if agree is False:
        raise AssertionError(f"exposure differs from the plain approach at {n} companies")
    # the reverse query from a company the driver reaches, halfway down its list
    reached = [r.node for r in ours[2].results if r.node.type == "company"]
    company = reached[len(reached) // 2]
    fresh = load_graph(path)
    record("drivers first", measure(lambda: drivers(fresh, company.name), 1, budget))
    ours = measure(lambda: drivers(g, company.name), repeat, budget)
    theirs = measure(lambda: plain.drivers(plain_G, company.id), slow_repeat, budget) if plain_G else None
    agree = None if not theirs else {r.id: round(r.score, 6) for r in ours[2] if r.node.type == "driver"} == {k: round(v, 6) for k, v in theirs[2].items()}
    record("drivers", ours, theirs, results=len(ours[2]), agrees_with_plain=agree, company=company.id)
    if agree is False:
        raise AssertionError(f"drivers differs from the plain approach at {n} companies")

    # whole CLI calls
    sc = supplychain_cmd()
    env = {k: v for k, v in os.environ.items() if k != "SUPPLYCHAIN_NO_CACHE"}
    cli = [*sc, "-g", str(path), "exposure", driver.name, "--top", "20"]
    plain_cli = [sys.executable, str(BENCH / "plain.py"), str(path), driver.id]
    cold = measure_process(cli, slow_repeat, budget, env, before=lambda: clear_cache(path))
    warm = measure_process(cli, repeat, budget, env)
    theirs = None if args.skip_plain else measure_process(plain_cli, slow_repeat, budget, env)
    plain_rss = {"plain_peak_rss_mb": round(theirs[2], 1)} if theirs else {}
    record("cli cold", cold, theirs and theirs[:2], peak_rss_mb=round(cold[2], 1), **plain_rss)
    record("cli warm", warm, theirs and theirs[:2], peak_rss_mb=round(warm[2], 1), **plain_rss)
    no_cache = measure_process(cli, slow_repeat, budget, {**env, "SUPPLYCHAIN_NO_CACHE": "1"})
    record("cli no cache", no_cache, theirs and theirs[:2], peak_rss_mb=round(no_cache[2], 1), **plain_rss)
    help_ = measure_process([*sc, "--help"], repeat, budget, env)
    record("cli --help", help_)

    # writing the whole graph: in-process, then whole ingest and apply commands that write
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        copy = Path(tmp) / path.name
        pair = write_pair()
        record("write", measure(lambda: store.save_graph(g.data, copy), slow_repeat, budget, pair), **(pair.summary() if pair else {}))
        assert copy.read_bytes() == path.read_bytes(), "the written graph differs from the generated one"
        pair = write_pair()
        record("write + cache entry", measure(lambda: cache.save_graph(g.data, copy), slow_repeat, budget, pair),
               **(pair.summary() if pair else {}))
    if (ROOT / "src" / "supplychain" / "ingest").is_dir() and NOTE.exists() and not args.no_ingest:
        patch_text = one_claim_patch(g)
        runs = [
            ("ingest write", lambda copy: ["ingest", str(NOTE), "--driver", driver.name], "read"),
            ("apply write", lambda copy: ["apply", str(copy.with_name("patch.yaml"))], "read"),
            ("ingest after write", lambda copy: ["ingest", str(NOTE), "--driver", driver.name], "write"),
            ("apply after write", lambda copy: ["apply", str(copy.with_name("patch.yaml"))], "write"),
        ]
        if path.stat().st_size > previous.REUSE_MAX_BYTES:  # written whole after a write too (the 100k graph)
            for name, _, after in runs:
                if after == "write":
                    metrics[name] = {"error": f"not measured: a file over {previous.REUSE_MAX_BYTES >> 20} MiB "
                                              "is written as after a read (previous.REUSE_MAX_BYTES)"}
            runs = [r for r in runs if r[2] == "read"]
        for name, argv, after in runs:
            with tempfile.TemporaryDirectory(dir=workdir) as tmp:
                copy = Path(tmp) / path.name
                copy.with_name("patch.yaml").write_text(patch_text, encoding="utf-8")

                def fresh_copy(copy=copy, after=after):
                    shutil.copy(path, copy)
                    clear_cache(copy)
                    warm = load_graph(copy)  # a warm cache, as after any earlier command
                    if after == "write":  # ... as after an earlier ingest: the entry says the file is canonical
                        cache.save_graph(warm.data, copy)
                    previous.forget_read()

                try:
                    pair = write_pair()
                    m = measure_process([*sc, "-g", str(copy), *argv(copy)], slow_repeat, budget, env, before=fresh_copy,
                                        timeout=args.timeout, pair=pair)
                    record(name, m, peak_rss_mb=round(m[2], 1), **(pair.summary() if pair else {}))
                except RuntimeError as e:
                    metrics[name] = {"error": str(e)[-500:]}
                    print(f"  {name:<22} failed: {str(e)[-200:]}", flush=True)

    # ingesting one note into the big graph (dry run, on a copy)
    if (ROOT / "src" / "supplychain" / "ingest").is_dir() and NOTE.exists() and not args.no_ingest:
        with tempfile.TemporaryDirectory(dir=workdir) as tmp:
            copy = Path(tmp) / path.name
            shutil.copy(path, copy)
            load_graph(copy)  # warm its cache
            cmd = [*sc, "-g", str(copy), "ingest", str(NOTE), "--driver", driver.name, "--dry-run"]
            try:
                ing = measure_process(cmd, slow_repeat, budget, env, timeout=args.timeout)
                record("ingest dry-run", ing, peak_rss_mb=round(ing[2], 1))
            except RuntimeError as e:
                metrics["ingest dry-run"] = {"error": str(e)[-500:]}
                print(f"  ingest dry-run         failed: {str(e)[-200:]}", flush=True)
    else:
        metrics["ingest dry-run"] = {"error": "not available"}
        print("  ingest dry-run         not available", flush=True)

    # HTML export of the driver's exposure subgraph
    try:
        from supplychain.export.html import export_html
    except ImportError:
        metrics["html export"] = {"error": "not available"}
        print("  html export            not available", flush=True)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            page = Path(tmp) / "graph.html"
            html = measure(lambda: export_html(g, page, driver=driver.name), slow_repeat, budget)
            record("html export", html, summary=str(html[2]).split(": ", 1)[-1])
    if "yaml reference" in metrics:
        ref = metrics["yaml reference"]["median_s"]
        ref_cpu = metrics["yaml reference"].get("cpu_median_s")
        for m in metrics.values():
            if "median_s" in m:
                m["vs_reference"] = round(m["median_s"] / ref, 3)
            if "cpu_median_s" in m and ref_cpu:
                m["cpu_vs_reference"] = round(m["cpu_median_s"] / ref_cpu, 3)
    return out


def one_claim_patch(g) -> str:
    """A patch of one claim: a company of the graph becomes a member of a sector it is
    not in yet (a real change: the whole graph is written)."""
    companies = [n for n in g.data.nodes if n.type == "company"]
    sectors = [n for n in g.data.nodes if n.type == "sector"]
    company = companies[len(companies) // 3]
    member_of = {e.target for e in g.data.edges if e.type == "member_of" and e.source == company.id}
    sector = next(s for s in sectors if s.id not in member_of)
    return (
        "report:\n"
        "  title: 专家电话会：基准测试\n"
        "  date: 2026-11-30\n"
        "claims:\n"
        f"  - {{type: member_of, source: {company.id}, target: {sector.id}, stance: beneficiary, quote: 基准测试的一条论断。}}\n"
    )


def table(results: dict) -> str:
    lines = [f"{'companies':>9}  {'metric':<16} {'ours (s)':>10} {'plain (s)':>10} {'ratio':>8}  {'vs ref':>7}  {'cpu/ref':>7}  {'paired':>7}  {'peak MB':>8} {'plain MB':>8}"]
    lines.append("-" * len(lines[0]))
    for n, r in results["sizes"].items():
        for name, m in r["metrics"].items():
            if "median_s" not in m:
                lines.append(f"{n:>9}  {name:<16} {m.get('error', '')}")
                continue
            plain_ = f"{m['plain_median_s']:>10.4f}" if "plain_median_s" in m else " " * 10
            ratio = f"{m['ratio']:>7.1f}x" if m.get("ratio") else " " * 8
            vs = f"{m['vs_reference']:>7.3f}" if "vs_reference" in m else " " * 7
            vs += f"  {m['cpu_vs_reference']:>7.3f}" if "cpu_vs_reference" in m else " " * 9
            vs += f"  {m['paired_vs_reference']:>7.3f}" if "paired_vs_reference" in m else " " * 9
            rss = f"{m['peak_rss_mb']:>8.0f}" if "peak_rss_mb" in m else ""
            rss += f" {m['plain_peak_rss_mb']:>8.0f}" if "plain_peak_rss_mb" in m else ""
            lines.append(f"{n:>9}  {name:<16} {m['median_s']:>10.4f} {plain_} {ratio}  {vs}  {rss}".rstrip())
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="1000,10000,100000", help="company counts, comma-separated (default 1000,10000,100000)")
    p.add_argument("--repeat", type=int, default=7, help="runs per figure (default 7; slow figures fewer)")
    p.add_argument("--slow-repeat", type=int, default=3, help="runs of the slow figures: cold loads, the plain approach (default 3)")
    p.add_argument("--budget", type=float, default=60.0, help="stop repeating a figure once its runs took this many seconds")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--workdir", default=str(BENCH / "out"), help="where graphs are generated (default bench/out, git-ignored)")
    p.add_argument("--out", default=str(BENCH / "results.json"), help="JSON results (default bench/results.json)")
    p.add_argument("--timeout", type=float, default=1800, help="seconds before an ingest run is given up")
    p.add_argument("--no-ingest", action="store_true", help="skip the ingest figure")
    p.add_argument("--skip-plain", action="store_true", help="skip the plain approach (its 100k figures take most of an hour)")
    args = p.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    # the package's bytecode, as Python leaves it after any first run (the commands timed
    # would otherwise compile every module of it each time where PYTHONDONTWRITEBYTECODE
    # is set, as on this project's sandboxes: 70 ms a command; the reference's PyYAML is
    # compiled at install)
    compileall.compile_dir(str(ROOT / "src" / "supplychain"), quiet=1)
    results = {
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()},
        "command": "bench/run.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "repeat": args.repeat,
        "sizes": {},
    }
    for n in sizes:
        results["sizes"][str(n)] = run_size(n, args)
        Path(args.out).write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print()
    print(table(results))
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
