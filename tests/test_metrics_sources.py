"""The same figure reported again by a later note is one metric with two sources; a
different value for the same name and period is a revision; re-ingest is a no-op and
retract takes back only the note's own source."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import GRAPH, run
from supplychain.graph import load_graph

NORTH_AMERICA = Path("tests/fixtures/drivers/industry_research_2025-11-05.md")
HYPERSCALERS = Path("tests/fixtures/metrics/industry_research_2025-11-07.md")
FOLLOW_UP = Path("tests/fixtures/metrics/industry_research_2025-11-20.md")
IDC = Path("tests/fixtures/metrics/industry_research_2025-12-12.md")
NA = "north-american-cloud-capex"


def na_metrics(path):
    g = load_graph(path)
    return [(m.name, m.value, m.period, m.yoy, [s.report for s in m.sources]) for m in g.nodes[NA].metrics]


def test_one_figure_three_notes_is_one_metric_with_three_sources(graph_copy, capsys):
    code, out, _ = run(capsys, "-g", graph_copy, "ingest", NORTH_AMERICA, HYPERSCALERS, FOLLOW_UP)
    assert code == 0
    assert ("  same figure   北美云厂商资本开支: 资本开支 ~1130 亿美元 (+75% YoY, 2025Q3) — already from "
            "industry-research-2025-11-05, industry-research-2025-11-07; this note is one more source") in out.splitlines()
    assert na_metrics(graph_copy) == [
        ("资本开支", 1130.0, "2025Q3", 75.0, ["industry-research-2025-11-05", "industry-research-2025-11-07", "industry-research-2025-11-20"]),
        ("资本开支", 3800.0, "2025", None, ["industry-research-2025-11-07"]),
        ("资本开支", 4000.0, "2025", None, ["industry-research-2025-11-20"]),  # a revision: a metric of its own
    ]
    assert ("  new metric    北美云厂商资本开支: 资本开支 ~4000 亿美元 (2025) — revises 资本开支 ~3800 亿美元 (2025) "
            "(industry-research-2025-11-07, 2025-11-07)") in out.splitlines()


def test_the_order_of_the_notes_does_not_change_the_figures(graph_copy, tmp_path, capsys):
    other = tmp_path / "other.yaml"
    other.write_bytes(GRAPH.read_bytes())
    for note in (NORTH_AMERICA, HYPERSCALERS, FOLLOW_UP):
        assert run(capsys, "-g", graph_copy, "ingest", note)[0] == 0
    for note in (NORTH_AMERICA, FOLLOW_UP, HYPERSCALERS):  # 11-07 comes last: it becomes the second source
        assert run(capsys, "-g", other, "ingest", note)[0] == 0
    assert na_metrics(other)[0][4] == ["industry-research-2025-11-05", "industry-research-2025-11-07", "industry-research-2025-11-20"]
    assert other.read_bytes() == graph_copy.read_bytes()


def test_reingesting_the_second_note_is_a_byte_identical_no_op(graph_copy, capsys):
    assert run(capsys, "-g", graph_copy, "ingest", NORTH_AMERICA, HYPERSCALERS, FOLLOW_UP, IDC)[0] == 0
    before = graph_copy.read_bytes()
    for note in (FOLLOW_UP, IDC):
        code, out, _ = run(capsys, "-g", graph_copy, "ingest", note)
        assert code == 0 and "  summary: nothing new" in out
        assert graph_copy.read_bytes() == before


def test_retracting_the_later_note_removes_only_its_source(graph_copy, tmp_path, capsys):
    two = tmp_path / "two.yaml"
    two.write_bytes(GRAPH.read_bytes())
    assert run(capsys, "-g", two, "ingest", NORTH_AMERICA, HYPERSCALERS)[0] == 0
    assert run(capsys, "-g", graph_copy, "ingest", NORTH_AMERICA, HYPERSCALERS, FOLLOW_UP)[0] == 0
    three = graph_copy.read_bytes()
    code, out, _ = run(capsys, "-g", graph_copy, "retract", "industry-research-2025-11-20")
    assert code == 0 and out.startswith("retract industry-research-2025-11-20: 6 claims, 0 edges left with no claim, 3 metrics, 1 node")
    assert na_metrics(graph_copy)[0][4] == ["industry-research-2025-11-05", "industry-research-2025-11-07"]
    assert graph_copy.read_bytes() == two.read_bytes()  # as if the later note never came
    assert run(capsys, "-g", graph_copy, "ingest", FOLLOW_UP)[0] == 0
    assert graph_copy.read_bytes() == three


def test_retracting_the_first_source_keeps_the_figure_with_the_next(graph_copy, capsys):
    assert run(capsys, "-g", graph_copy, "ingest", NORTH_AMERICA, HYPERSCALERS)[0] == 0
    assert run(capsys, "-g", graph_copy, "retract", "industry-research-2025-11-05")[0] == 0
    # the 11-07 note states the YoY too (同比增长约75%): it stays
    assert na_metrics(graph_copy)[0] == ("资本开支", 1130.0, "2025Q3", 75.0, ["industry-research-2025-11-07"])


def test_a_yoy_only_the_retracted_note_gave_goes_with_it(graph_copy, capsys):
    """The 11-20 note gives 1130 without a YoY; the 11-05 note gave it with one."""
    assert run(capsys, "-g", graph_copy, "ingest", NORTH_AMERICA, FOLLOW_UP)[0] == 0
    assert na_metrics(graph_copy)[0] == ("资本开支", 1130.0, "2025Q3", 75.0, ["industry-research-2025-11-05", "industry-research-2025-11-20"])
    assert run(capsys, "-g", graph_copy, "retract", "industry-research-2025-11-05")[0] == 0
    assert na_metrics(graph_copy)[0] == ("资本开支", 1130.0, "2025Q3", None, ["industry-research-2025-11-20"])


def test_a_seed_figure_repeated_by_a_later_note(graph_copy, capsys):
    """The 12-12 note repeats the seed's FY2026Q2 capex: one metric, two sources; show
    prints both, the brief counts them, and the bundled metric keeps its place."""
    assert run(capsys, "-g", graph_copy, "ingest", IDC)[0] == 0
    g = load_graph(graph_copy)
    capex = g.nodes["alibaba-capex"].metrics
    assert [(m.name, m.value, m.period, [s.report for s in m.sources]) for m in capex] == [
        ("资本开支", 315.01, "FY2026Q2", ["industry-research-2025-11-26", "industry-research-2025-12-12"]),
        ("资本开支", 3800.0, "未来三年", ["industry-research-2025-12-12"]),
    ]
    code, out, _ = run(capsys, "-g", graph_copy, "show", "阿里云资本开支")
    lines = out.splitlines()
    i = lines.index("  metric: 资本开支 315.01 亿元, +80.1% YoY, FY2026Q2 (2 notes)")
    assert lines[i + 1:i + 3] == [
        "          industry-research-2025-11-26 (2025-11-26): “FY2026Q2资本开支315.01亿元，同比增长80.10%，显示强劲投入力度。”",
        "          industry-research-2025-12-12 (2025-12-12): “阿里云FY2026Q2资本开支315.01亿元，同比增长80.10%。”",
    ]
    code, out, _ = run(capsys, "-g", graph_copy, "show", "阿里云资本开支", "--format", "json")
    first = json.loads(out)["metrics"][0]
    assert first["source"]["report"] == "industry-research-2025-11-26"
    assert [a["report"] for a in first["also"]] == ["industry-research-2025-12-12"]
    code, out, _ = run(capsys, "-g", graph_copy, "brief", "阿里云资本开支")
    assert "- 资本开支 315.01 亿元, +80.1% YoY, FY2026Q2 (2 notes) [^" in out
    assert "- 资本开支 \\>3800 亿元, 未来三年 [^" in out  # (Markdown escapes >)


def test_show_prints_a_revision_and_what_it_revises_with_dates(graph_copy, capsys):
    assert run(capsys, "-g", graph_copy, "ingest", HYPERSCALERS, FOLLOW_UP)[0] == 0
    code, out, _ = run(capsys, "-g", graph_copy, "show", "北美云厂商资本开支")
    lines = out.splitlines()
    assert lines[lines.index("  metric: 资本开支 ~3800 亿美元, 2025") + 1].startswith("          industry-research-2025-11-07 (2025-11-07): “")
    assert lines[lines.index("  metric: 资本开支 ~4000 亿美元, 2025") + 1].startswith("          industry-research-2025-11-20 (2025-11-20): “")
    code, out, _ = run(capsys, "-g", graph_copy, "brief", "北美云厂商资本开支")
    figures = out.split("## Latest figures", 1)[1].split("##", 1)[0]
    assert "~4000 亿美元, 2025 [^" in figures and "3800" not in figures  # the brief shows the latest


def test_the_bundled_show_json_gains_no_empty_keys(capsys):
    code, out, _ = run(capsys, "show", "阿里云资本开支", "--format", "json")
    assert code == 0
    assert [sorted(m) for m in json.loads(out)["metrics"]] == [["name", "period", "qualifier", "source", "unit", "value", "yoy"]]


def test_a_figure_about_another_driver_joins_that_drivers_metric(graph_copy, capsys):
    """An Alibaba note quoting Tencent's capex: on the report while the graph has no
    Tencent driver; on 腾讯资本开支, as one more source of the Tencent note's figure (with
    the YoY only the Alibaba note gives), once it has."""
    tencent = Path("tests/fixtures/drivers/industry_research_2025-11-14.md")
    code, out, _ = run(capsys, "-g", graph_copy, "ingest", "--dry-run", IDC)
    assert "  new metric    industry_research_2025-12-12: 腾讯资本开支 129.83 亿元 (-24.05% YoY, 2025Q3) — about 腾讯, no driver of the graph" in out.splitlines()
    assert run(capsys, "-g", graph_copy, "ingest", tencent, IDC)[0] == 0
    g = load_graph(graph_copy)
    assert [(m.name, m.value, m.period, m.yoy, [s.report for s in m.sources]) for m in g.nodes["tencent-capex"].metrics] == [
        ("资本开支", 129.83, "2025Q3", -24.05, ["industry-research-2025-12-12", "industry-research-2025-11-14"]),
    ]  # the source is the note that states the YoY (the 11-14 note does not): figures.ordered_sources
    assert [m.name for m in g.nodes["industry-research-2025-12-12"].metrics] == ["光环新网上架率"]
    assert all(m.source.report != "industry-research-2025-11-14" for m in g.nodes["alibaba-capex"].metrics)
