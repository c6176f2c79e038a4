"""Smoke run of bench/bench_ingest.py at a tiny size (the real run is `make bench`)."""

from __future__ import annotations

import importlib.util
import json

from conftest import ROOT


def test_bench_ingest_at_a_tiny_size(tmp_path):
    spec = importlib.util.spec_from_file_location("bench_ingest", ROOT / "bench" / "bench_ingest.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    out = tmp_path / "ingest.json"
    results = bench.main(["--companies", "120", "--repeat", "1", "--workdir", str(tmp_path), "--out", str(out)])
    assert json.loads(out.read_text(encoding="utf-8")) == results
    assert results["results"] > 0  # the new driver 腾讯资本开支 reaches names after the ingest
    for name in ("ingest write", "next query", "exposure in-process", "yaml reference"):
        assert results["metrics"][name]["median_s"] > 0, name
