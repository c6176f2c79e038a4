"""Fault injection with real processes: writers killed with SIGKILL at random points, and
writers racing each other.

- An ``ingest`` into a small synthetic graph is killed at random moments (a bounded loop
  of a few seconds, the kill times drawn from a fixed seed and biased towards the end of
  the run, where the write happens): the graph is always the old file or the new one,
  byte for byte, and after the next command there is no temporary file and no lock file.
- Two writers at once (through the same path, or one through a symbolic link) never
  lose a note: the loser is refused with the lock error and succeeds when it retries.
"""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import GRAPH, ROOT, SEED_NOTE

SERIES = ROOT / "tests" / "fixtures" / "ingest" / "series"
LATER = SERIES / "industry_research_2025-12-03.md"
LATEST = SERIES / "industry_research_2025-12-10.md"
BUDGET_S = 4.0
"""Wall time of the kill loop (at least 3 kills are made whatever it takes)."""


def _cli() -> list[str]:
    exe = Path(sys.executable).parent / "supplychain"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "supplychain.cli"]


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.name.endswith((".tmp", ".lock")))


@pytest.fixture(scope="module")
def small_graph(tmp_path_factory) -> tuple[Path, str]:
    """A 150-company synthetic graph and the name of one of its drivers."""
    from supplychain.store import dump_graph
    from supplychain.synth import synth_data

    data = synth_data(150, seed=3)
    path = tmp_path_factory.mktemp("synth") / "graph.yaml"
    path.write_text(dump_graph(data), encoding="utf-8")
    driver = next(n.name for n in data.nodes if n.type == "driver")
    return path, driver


def test_an_ingest_killed_at_random_points_leaves_the_old_or_the_new_file(small_graph, tmp_path):
    source, driver = small_graph
    old = source.read_bytes()
    graph = tmp_path / "graph.yaml"
    cmd = [*_cli(), "-g", str(graph), "ingest", str(SEED_NOTE), "--driver", driver]

    # the new file, and how long a whole run takes, from an undisturbed run on a copy
    (tmp_path / "ref").mkdir()
    ref = tmp_path / "ref" / "graph.yaml"
    ref.write_bytes(old)
    t = time.monotonic()
    done = subprocess.run([*cmd[:2], str(ref), *cmd[3:]], cwd=ROOT, capture_output=True, text=True, timeout=120)
    run_s = time.monotonic() - t
    assert done.returncode == 0, done.stderr
    new = ref.read_bytes()
    assert new != old

    rng = random.Random(20251203)  # fixed: the same kill times every run
    graph.write_bytes(old)
    seen = {"old": 0, "new": 0}
    kills = 0
    stop = time.monotonic() + BUDGET_S
    while kills < 3 or time.monotonic() < stop:
        p = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.5, 1.1) * run_s if rng.random() < 0.7 else rng.uniform(0, 0.5) * run_s)
        p.send_signal(signal.SIGKILL)
        p.wait()
        kills += 1
        now = graph.read_bytes()
        assert now in (old, new), f"kill {kills}: the graph is neither the old nor the new file"
        seen["new" if now == new else "old"] += 1
        if now == new:
            graph.write_bytes(old)  # start the next kill from the old file again
    # the next command (in-process: the same code, no start-up) finishes the job and
    # cleans up after the killed writers
    from supplychain.graph import load_graph
    from supplychain.ingest.apply import ingest

    was_old = graph.read_bytes() == old
    assert ingest([SEED_NOTE], graph, driver=driver).written == was_old
    assert graph.read_bytes() == new
    assert _leftovers(tmp_path) == []
    assert load_graph(graph).data == load_graph(ref).data
    assert kills >= 3 and sum(seen.values()) == kills
    print(f"{kills} kills in {BUDGET_S} s (a run takes {run_s:.2f} s): {seen}")


def _ingest_until_done(cmd: list[str], tries: int = 60) -> subprocess.CompletedProcess:
    """Run ``cmd`` until it is not refused by the lock (the refused run must say so)."""
    for _ in range(tries):
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
        if done.returncode == 0:
            return done
        assert done.returncode == 1 and done.stderr.endswith(
            "another supplychain process is writing this graph; wait for it to finish and run again\n"), done.stderr
        assert "Traceback" not in done.stderr
        time.sleep(0.05)
    raise AssertionError(f"still locked after {tries} tries")


@pytest.mark.parametrize("through_link", [False, True], ids=["same path", "one through a symlink"])
def test_two_writers_at_once_never_lose_a_note(tmp_path, through_link):
    graph = tmp_path / "graph.yaml"
    shutil.copy(GRAPH, graph)
    other = graph
    if through_link:
        other = tmp_path / "link.yaml"
        other.symlink_to(graph)
    jobs = [[*_cli(), "-g", str(graph), "ingest", str(LATER)], [*_cli(), "-g", str(other), "ingest", str(LATEST)]]
    import concurrent.futures as cf

    with cf.ThreadPoolExecutor(2) as pool:
        results = list(pool.map(_ingest_until_done, jobs))
    assert all(r.returncode == 0 for r in results)
    from supplychain.graph import load_graph

    g = load_graph(graph)
    cited = {c.report for e in g.edges for c in e.claims}
    assert {"industry-research-2025-12-03", "industry-research-2025-12-10"} <= cited
    assert _leftovers(tmp_path) == []
    if through_link:
        assert other.is_symlink()
