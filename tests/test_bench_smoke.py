"""Smoke run of the generator and the benchmark suite at a tiny size (the real run is `make bench`)."""

from __future__ import annotations

import importlib.util
import json

from conftest import ROOT
from supplychain.cli import main


def test_synth_then_validate(tmp_path, capsys):
    out = tmp_path / "synth-200.yaml"
    assert main(["synth", "--companies", "200", "--seed", "1", "-o", str(out)]) == 0
    assert main(["-g", str(out), "validate"]) == 0
    assert "200 company" in capsys.readouterr().out


def test_bench_suite_at_a_tiny_size(tmp_path):
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    out = tmp_path / "results.json"
    argv = ["--sizes", "120", "--repeat", "1", "--slow-repeat", "1", "--workdir", str(tmp_path), "--out", str(out), "--no-ingest"]
    assert bench.main(argv) == 0
    results = json.loads(out.read_text(encoding="utf-8"))
    metrics = results["sizes"]["120"]["metrics"]
    for name in ("load cold", "yaml reference", "load warm", "exposure", "drivers", "cli cold", "cli warm"):
        assert metrics[name]["median_s"] > 0, name
    assert metrics["exposure"]["agrees_with_plain"] and metrics["drivers"]["agrees_with_plain"]
    assert metrics["cli warm"]["peak_rss_mb"] > 0 and metrics["cli warm"]["ratio"] > 0
