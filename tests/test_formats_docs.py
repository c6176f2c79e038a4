"""docs/ingest.md documents the note formats: its rating table is schema.RATINGS, and its
examples are the real output of the fixture notes."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT, run
from supplychain.ingest.formats import FORMATS
from supplychain.schema import RATINGS, STANCES

DOC = (ROOT / "docs" / "ingest.md").read_text(encoding="utf-8")


def test_the_documented_rating_table_is_the_schemas():
    block = DOC.split("<!-- RATINGS -->", 1)[1].split("<!-- /RATINGS -->", 1)[0]
    documented = {}
    for row in block.strip().splitlines()[2:]:
        stance, words = (c.strip() for c in row.strip("|").split("|"))
        assert stance in STANCES
        for w in words.split(", "):
            documented[w] = stance
    assert documented == RATINGS


def test_every_format_is_documented():
    table = DOC.split("## Note formats", 1)[1]
    for fmt in FORMATS:
        assert re.search(rf"^\| `{fmt}` \|", table, re.M), fmt


@pytest.mark.parametrize("note", ["broker_switches_20251212.md", "broker_servers_20251218.html", "english_china_ai_infra.md",
                                  "general_weekly_2025-12-20.txt"])
def test_the_documented_plans_are_real(note, tmp_path, capsys, monkeypatch):
    """The docs show each example as run from a folder holding graph.yaml and notes/."""
    import shutil

    shutil.copy(ROOT / "data" / "graph.yaml", tmp_path / "graph.yaml")
    shutil.copytree(ROOT / "tests" / "fixtures" / "notes", tmp_path / "notes")
    (tmp_path / "data" / "reference").mkdir(parents=True)
    for name in ("tickers.csv", "a_shares.csv"):
        shutil.copy(ROOT / "data" / "reference" / name, tmp_path / "data" / "reference" / name)
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "-g", "graph.yaml", "ingest", "--dry-run", "--driver", "阿里云资本开支", f"notes/{note}")
    assert code == 0, err
    block = DOC.split(f"$ supplychain -g graph.yaml ingest --dry-run --driver 阿里云资本开支 notes/{note}\n", 1)[1]
    assert block.split("\n```", 1)[0].strip() == out.strip()
