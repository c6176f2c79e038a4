"""Ranges keep their low and high: parsed, validated, written canonically, cached, shown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from conftest import GRAPH, run
from supplychain.canonical import HEADER, canonical, dump_graph, pyyaml_dump
from supplychain.graph import load_graph
from supplychain.ingest.parse import parse_metrics
from supplychain.schema import Evidence, Metric
from supplychain.store import load_data

HYPERSCALERS = Path("tests/fixtures/metrics/industry_research_2025-11-07.md")
SOURCE = Evidence(report="industry-research-2025-11-26", date="2025-11-26", quote="谷歌将2025年资本开支指引上调至910-930亿美元。")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("谷歌将2025年资本开支指引上调至910-930亿美元。", (None, 910.0, 930.0, "亿美元")),
        ("谷歌2025年资本开支指引为910~930亿美元。", (None, 910.0, 930.0, "亿美元")),
        ("谷歌2025年资本开支指引为910～930亿美元。", (None, 910.0, 930.0, "亿美元")),  # full-width tilde
        ("谷歌2025年资本开支指引为9.1–9.3百亿美元", None),  # no unit the parser knows: no figure
        ("Meta资本开支指引9.1–9.3亿美元。", (None, 9.1, 9.3, "亿美元")),  # en dash
        ("Meta资本开支指引700至720亿美元。", (None, 700.0, 720.0, "亿美元")),
        ("Meta资本开支指引720-700亿美元。", (None, 700.0, 720.0, "亿美元")),  # written high first
        ("FY2026Q2资本开支315.01亿元。", (315.01, None, None, "亿元")),
    ],
)
def test_ranges_are_parsed_with_both_ends(text, expected):
    got = [(m.value, m.low, m.high, m.unit) for m in parse_metrics(text)]
    assert got == ([expected] if expected else [])


def test_a_year_span_is_not_a_range():
    got = [(m.name, m.value, m.low, m.period) for m in parse_metrics("2025-2026年资本开支合计约2000亿元。")]
    assert got == [("资本开支", 2000.0, None, "2025-2026")]


def test_schema_rules_of_a_range():
    m = Metric(name="资本开支指引", low=910, high=930, unit="亿美元", period="2025", source=SOURCE)
    assert (m.value, m.low, m.high) == (None, 910, 930)
    assert Metric(name="x", value=920, low=910, high=930, unit="亿美元", source=SOURCE).value == 920
    for bad, message in [
        (dict(low=930, high=910, unit="亿美元"), "low 930 is above high 910"),
        (dict(low=910, unit="亿美元"), "a range needs both low and high"),
        (dict(value=950, low=910, high=930, unit="亿美元"), "value 950 lies outside its range 910-930"),
        (dict(low=910, high=930), "a metric with a value needs its unit"),
    ]:
        with pytest.raises(ValidationError, match=message):
            Metric(name="x", source=SOURCE, **bad)


def test_a_bad_range_in_the_file_is_one_line_with_its_place(graph_copy, capsys):
    text = graph_copy.read_text(encoding="utf-8")
    assert text.count("    value: 315.01\n") == 1
    graph_copy.write_text(text.replace("    value: 315.01\n", "    low: 320.0\n    high: 310.0\n"), encoding="utf-8")
    line = text.splitlines().index("    value: 315.01") + 1
    code, out, err = run(capsys, "-g", graph_copy, "validate")
    assert code == 1 and out == ""
    assert err.splitlines()[0] == f"Error: {graph_copy}:{line - 1}: nodes[2].metrics[0]: Value error, low 320 is above high 310"


def _with_range_and_sources():
    data = load_data(GRAPH)
    capex = next(n for n in data.nodes if n.id == "alibaba-capex")
    capex.metrics.append(Metric(name="资本开支指引", low=910.5, high=930, unit="亿美元", period="2025", source=SOURCE))
    capex.metrics[0] = capex.metrics[0].model_copy(update={"also": [SOURCE.model_copy(update={"quote": "'quoted': yes"})]})
    return data


def test_the_canonical_emitter_writes_ranges_and_sources_as_pyyaml_does():
    data = _with_range_and_sources()
    text = dump_graph(data)
    assert text == HEADER + pyyaml_dump(canonical(data))
    assert "    low: 910.5\n    high: 930.0\n    unit: 亿美元\n" in text
    assert "    also:\n    - report: industry-research-2025-11-26\n      date: 2025-11-26\n      quote: '\'\'quoted\'\': yes'\n" in text


def test_the_bundled_graph_is_still_byte_identical():
    assert dump_graph(load_data(GRAPH)) == GRAPH.read_text(encoding="utf-8")


def test_ranges_and_sources_survive_the_cache(tmp_path):
    path = tmp_path / "graph.yaml"
    path.write_text(dump_graph(_with_range_and_sources()), encoding="utf-8")
    cold = load_graph(path).nodes["alibaba-capex"].metrics
    warm = load_graph(path).nodes["alibaba-capex"].metrics  # from the cache entry
    assert list(tmp_path.glob(".supplychain-cache*")) != []
    assert warm == cold
    assert (warm[-1].low, warm[-1].high, warm[-1].value) == (910.5, 930.0, None)
    assert [s.quote for s in warm[0].also] == ["'quoted': yes"]


def test_show_prints_a_range_and_json_keeps_low_and_high(graph_copy, capsys):
    assert run(capsys, "-g", graph_copy, "ingest", HYPERSCALERS)[0] == 0
    code, out, _ = run(capsys, "-g", graph_copy, "show", "industry-research-2025-11-07")
    assert code == 0
    lines = out.splitlines()
    assert "  metric: 谷歌资本开支指引 910–930 亿美元, 2025" in lines
    assert "  metric: Meta资本开支指引 700–720 亿美元, 2025" in lines
    assert "  cited by: 13 claims on 13 edges, 7 metrics" in lines
    code, out, _ = run(capsys, "-g", graph_copy, "show", "industry-research-2025-11-07", "--format", "json")
    google = next(m for m in json.loads(out)["metrics"] if m["name"] == "谷歌资本开支指引")
    assert {k: google[k] for k in ("low", "high", "unit", "period")} == {"low": 910.0, "high": 930.0, "unit": "亿美元", "period": "2025"}
    assert "value" not in google and "also" not in google


def test_an_unknown_report_among_the_sources_is_an_error(graph_copy, capsys):
    text = graph_copy.read_text(encoding="utf-8")
    anchor = "      quote: FY2026Q2资本开支315.01亿元，同比增长80.10%，显示强劲投入力度。\n"
    extra = "    also:\n    - report: industry-research-2025-12-12\n      date: 2025-12-12\n      quote: 阿里云FY2026Q2资本开支315.01亿元，同比增长80.10%。\n"
    graph_copy.write_text(text.replace(anchor, anchor + extra), encoding="utf-8")
    line = text.splitlines().index(anchor.rstrip("\n")) + 3
    code, out, err = run(capsys, "-g", graph_copy, "validate")
    assert (code, out) == (1, "")
    assert err.splitlines()[0] == (f"Error: {graph_copy}:{line}: nodes[2].metrics[0].also[0].report: "
                                   "unknown report 'industry-research-2025-12-12' (did you mean 'industry-research-2025-11-26'?)")
