"""`drivers ETF` looks through an ETF's imported holdings (as `exposure` scores it), and
validation keeps `weight` on the claims of `holds` edges only."""

from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import FIXTURES, GRAPH, run
from supplychain import load_graph
from supplychain.query import drivers, exposure
from supplychain.render import drivers_json, to_json

ETF_515070 = FIXTURES / "portfolio" / "etf_515070_constituents.csv"  # test data: real constituents, made-up weights


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    from supplychain.cli import main

    path = tmp_path_factory.mktemp("etf") / "graph.yaml"
    path.write_bytes(GRAPH.read_bytes())
    assert main(["-g", str(path), "holdings", "import", "515070", str(ETF_515070), "--date", "2025-12-01"]) == 0
    return path


def test_an_etf_without_holdings_is_unchanged(graph, capsys):
    code, out, _ = run(capsys, "drivers", "515070", "-f", "json")
    node = graph.resolve("515070")
    assert code == 0 and out == to_json(drivers_json(node, drivers(graph, node.id))) + "\n"
    assert "look_through" not in json.loads(out)
    code, out, _ = run(capsys, "drivers", "515070")
    assert "look-through" not in out and "阿里云资本开支 → 人工智能AIETF" in out


def test_drivers_of_an_imported_etf_are_its_exposure_by_look_through(imported, capsys):
    g = load_graph(imported)
    code, out, err = run(capsys, "-g", imported, "drivers", "515070", "-f", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["look_through"] is True
    found = [r for r in data["results"] if r["type"] == "driver"]
    assert found and all(r["look_through"] for r in found)
    for r in found:  # each driver scores the ETF exactly as `exposure DRIVER` does
        etf = next(x for x in exposure(g, r["id"], types=("etf",)).results if x.id == "etf-515070")
        assert r["score"] == round(etf.score, 4) and r["path"] == list(etf.path)
    ali = next(r for r in found if r["id"] == "alibaba-capex")
    # hand-checked: 中际旭创 10% × 0.9 + 新易盛 8% × 0.9 + 寒武纪 9% × 0.54 + 海光信息 7% × 0.54 + 浪潮信息 5% × 0.54
    assert ali["score"] == round(0.1 * 0.9 + 0.08 * 0.9 + 0.21 * 0.54, 4) == 0.2754
    assert ali["path"] == ["alibaba-capex", "optical-modules", "innolight", "etf-515070"]
    assert [c["id"] for c in ali["constituents"]][:2] == ["innolight", "eoptolink"]
    assert any(r["type"] == "risk" for r in data["results"])


def test_drivers_table_and_csv_say_look_through(imported, capsys):
    code, out, _ = run(capsys, "-g", imported, "drivers", "人工智能AIETF")
    assert code == 0
    assert "look-through: 人工智能AIETF has imported holdings" in out
    assert "  阿里云资本开支 (5 reached): 中际旭创 10.00% × 0.900, 新易盛 8.00% × 0.900" in out
    code, out, _ = run(capsys, "-g", imported, "drivers", "515070", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    ali = next(r for r in rows if r["id"] == "alibaba-capex")
    assert (ali["score"], ali["look_through"]) == ("0.275", "yes")
    assert next(r for r in rows if r["type"] == "risk")["look_through"] == ""


def test_weight_only_on_holds_claims(tmp_path, capsys):
    text = GRAPH.read_text(encoding="utf-8")
    anchor = "    stance: recommended\n- type: member_of\n  source: athub\n"
    assert anchor in text
    bad = tmp_path / "graph.yaml"
    bad.write_text(text.replace(anchor, "    stance: recommended\n    weight: 0.1\n- type: member_of\n  source: athub\n", 1),
                   encoding="utf-8")
    line = text[:text.index(anchor)].count("\n") + 2
    code, out, err = run(capsys, "-g", bad, "validate")
    assert code == 1 and out == ""
    assert err.splitlines() == [
        f"Error: {bad}:{line}: edges[20].claims[0].weight: a member_of claim carries no weight (only an ETF's holds "
        "claims do: the constituent's weight in the fund); remove it", "1 problem found"]
