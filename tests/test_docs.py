"""The README is part of the product: its tables and examples must match the code."""

from __future__ import annotations

import re

from conftest import ROOT
from supplychain.cli import build_parser
from supplychain.schema import EDGE_RULES, STANCE_WEIGHT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_edge_rule_table_matches_the_schema():
    block = README.split("<!-- EDGE-RULES", 1)[1].split("<!-- /EDGE-RULES -->", 1)[0]
    rows = [line for line in block.splitlines() if line.startswith("| `")]
    documented = {}
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        documented[cells[0].strip("`")] = cells[1:]
    flows = {"forward": "source → target", "backward": "target → source", "none": "—"}
    expected = {
        r.type: [
            ", ".join(sorted(r.sources)),
            ", ".join(sorted(r.targets)),
            "yes" if r.directed else "no",
            flows[r.flow],
            f"{r.weight:g}",
            "yes" if r.stance else "no",
        ]
        for r in EDGE_RULES.values()
    }
    assert documented == expected


def test_stance_weights_are_documented():
    for stance, weight in STANCE_WEIGHT.items():
        assert re.search(rf"\| {stance}\b[^|]*\| {weight:.1f} \|", README), stance


def test_every_command_appears_in_the_readme():
    sub = next(a for a in build_parser()._actions if a.__class__.__name__ == "_SubParsersAction")
    missing = [name for name in sub.choices if not re.search(rf"supplychain (?:-g \S+ |--graph \S+ )?{name}\b", README)]
    assert missing == []


def test_documented_exposure_json_keys_are_produced(graph):
    from supplychain.query import exposure
    from supplychain.render import exposure_json

    data = exposure_json(exposure(graph, "Alibaba capex"))
    result_keys = set(data["results"][0])
    for key in ("id", "name", "name_en", "ticker", "type", "score", "stance", "sector", "path", "evidence", "explain"):
        assert f'"{key}"' in README and key in result_keys
