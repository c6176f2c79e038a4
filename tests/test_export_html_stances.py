"""The page's stances come from the schema: a stance added there is drawn, listed and filtered.

``schema.STANCES`` and ``STANCE_LABELS`` are read when a page is written; the page's
style table (``export.html.style.STANCE_STYLE``) only says how it draws the stances it
knows, and any other stance gets ``STANCE_DEFAULT``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from supplychain import load_graph, schema
from supplychain.export.html import export_html
from supplychain.export.html import style

ROOT = Path(__file__).resolve().parent.parent
CAPEX = "阿里云资本开支"


@pytest.fixture(scope="module")
def seed():
    return load_graph(ROOT / "data/graph.yaml")


def written(g, tmp_path: Path, **kw) -> tuple[str, list[dict], dict, dict]:
    path = tmp_path / "page.html"
    export_html(g, path, **kw)
    html = path.read_text(encoding="utf-8")
    nodes = json.loads(re.search(r"nodes = new vis\.DataSet\((\[.*?\])\);\n", html, re.S).group(1))
    side = json.loads(re.search(r'<script type="application/json" id="sc-data">(.*?)</script>', html, re.S).group(1))
    options = json.loads(re.search(r"var options = (\{.*?\});\n", html, re.S).group(1))
    return html, nodes, side, options


def legend(html: str) -> list[str]:
    """The stance check boxes of the header, in order: their values."""
    box = re.search(r'<div class="sc-group" id="sc-stances">(.*?)</div>', html, re.S).group(1)
    return re.findall(r'<input type="checkbox" value="([^"]+)" checked>', box)


def test_styles_are_distinct():
    rows = [*style.STANCE_STYLE.values(), style.STANCE_DEFAULT]
    assert len({(r["border"], r["marker"]) for r in rows}) == len(rows)
    # today's stances and the ones announced for the schema have rows; any other gets STANCE_DEFAULT
    assert {"recommended", "beneficiary", "listed", "neutral", "negative", "dropped"} <= set(style.STANCE_STYLE)


def test_legend_and_codes_follow_the_schema(seed, tmp_path):
    html, nodes, side, _ = written(seed, tmp_path)
    present = {n["st"] for n in nodes if "st" in n}
    assert legend(html) == [s for s in schema.STANCES if s in present] + (["none"] if "none" in present else [])
    assert side["stance"] == [f"{s} {schema.STANCE_LABELS[s]}" for s in schema.STANCES]


def test_a_stance_the_schema_gains_is_coded_in_its_order(seed, tmp_path, monkeypatch):
    """New stances in the schema (between and after today's) renumber the page's stance codes consistently."""
    stances = ("recommended", "beneficiary", "neutral", "negative", "listed", "dropped")
    monkeypatch.setattr(schema, "STANCES", stances)
    for s, label in (("neutral", "中性"), ("negative", "负面"), ("dropped", "剔除")):
        monkeypatch.setitem(schema.STANCE_LABELS, s, label)
    html, nodes, side, _ = written(seed, tmp_path)  # the whole graph: every edge, in the graph's order
    assert side["stance"] == ["recommended 推荐", "beneficiary 受益", "neutral 中性", "negative 负面", "listed 提及", "dropped 剔除"]
    shown = [side["stance"][record[1]].split()[0] if record[1] >= 0 else None for record in side["e"]]
    assert shown == [(schema.current_claim(e.claims).stance if e.claims else None) for e in seed.edges]
    assert {"recommended", "beneficiary", "listed"} <= set(shown)
    assert legend(html) == [s for s in stances if any(n.get("st") == s for n in nodes)] + ["none"]


def test_a_stance_without_a_style_gets_the_default(seed, tmp_path, monkeypatch):
    """Drop the page's row for `beneficiary`: those companies are drawn, listed and filterable with the default style."""
    monkeypatch.delitem(style.STANCE_STYLE, "beneficiary")
    html, nodes, side, options = written(seed, tmp_path, driver=CAPEX)
    beneficiaries = [n for n in nodes if n.get("st") == "beneficiary"]
    assert len(beneficiaries) > 5
    marker = style.STANCE_DEFAULT["marker"]
    assert all(n["label"].startswith(marker) and n["group"] == f"{n['type']}.beneficiary" for n in beneficiaries)
    assert options["groups"]["company.beneficiary"]["color"]["border"] == style.STANCE_DEFAULT["border"]
    assert options["groups"]["company.beneficiary"]["borderWidth"] == style.STANCE_DEFAULT["width"]
    assert "beneficiary" in legend(html)
    box = re.search(r'<label><input type="checkbox" value="beneficiary" checked>(.*?)</label>', html).group(1)
    assert f'stroke="{style.STANCE_DEFAULT["border"]}"' in box and f"{marker} beneficiary 受益" in box
