"""Shared fixtures: the bundled graph, the seed note, small fixture graphs."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

# every write that takes items' text from the file it replaces also dumps them and fails
# if they differ (supplychain.slices.verify_kept): commands run by the tests included
os.environ["SUPPLYCHAIN_VERIFY_KEPT"] = "1"

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GRAPH = ROOT / "data" / "graph.yaml"
SEED_NOTE = ROOT / "data" / "reports" / "industry_research_2025-11-26.md"
TICKERS = ROOT / "data" / "reference" / "tickers.csv"


@pytest.fixture(autouse=True)
def _run_from_repo_root(monkeypatch):
    """Commands and doctests use repo-relative paths (data/graph.yaml), as a user would."""
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("SUPPLYCHAIN_GRAPH", raising=False)


@pytest.fixture(scope="session")
def graph():
    from supplychain import load_graph

    return load_graph(GRAPH)


@pytest.fixture(scope="session")
def mini():
    from supplychain import load_graph

    return load_graph(FIXTURES / "core" / "mini.yaml")


@pytest.fixture(scope="session")
def tickers() -> dict[str, dict]:
    with open(TICKERS, encoding="utf-8", newline="") as f:
        return {row["name_zh"]: row for row in csv.DictReader(f)}


@pytest.fixture
def graph_copy(tmp_path) -> Path:
    """A writable copy of the bundled graph: tests never write data/graph.yaml."""
    path = tmp_path / "graph.yaml"
    path.write_bytes(GRAPH.read_bytes())
    return path


def run(capsys, *argv):
    """Run the CLI in-process; returns (exit code, stdout, stderr)."""
    from supplychain.cli import main

    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err
