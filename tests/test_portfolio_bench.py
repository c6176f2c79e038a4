"""Smoke run of bench/bench_portfolio.py at a tiny size (the real run: 10k companies, 3,000 lines)."""

from __future__ import annotations

import importlib.util
import sys

from conftest import ROOT


def test_portfolio_bench_at_a_tiny_size(tmp_path, capsys):
    sys.path.insert(0, str(ROOT / "bench"))
    spec = importlib.util.spec_from_file_location("bench_portfolio", ROOT / "bench" / "bench_portfolio.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    results = bench.main(["--companies", "120", "--lines", "60", "--repeat", "1", "--workdir", str(tmp_path)])
    out = capsys.readouterr().out
    assert set(results) == {"read csv", "read xlsx", "resolve", "book, one driver", "book, every driver",
                            "cli warm, every driver", "import etf (plan)", "exposure, look-through", "exposure, no weights"}
    assert all(v > 0 for v in results.values())
    assert "book of 60 lines, 59 resolved, 1 not" in out and "in its results" in out and "not in its results" not in out
