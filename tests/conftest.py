"""Shared fixtures: the bundled graph, the seed note, small fixture graphs."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

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
