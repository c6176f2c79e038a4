"""``supplychain apply PATCH.yaml``: hand-written claims through plan → validate → write."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run
from supplychain.cli import main
from supplychain.graph import load_graph
from supplychain.schema import current_claim

PATCHES = "tests/fixtures/ingest/patches"


def test_apply_a_patch_then_again_is_a_no_op(graph_copy, capsys):
    code, out, err = run(capsys, "--graph", graph_copy, "apply", f"{PATCHES}/desk_call_2025-12-05.yaml")
    assert code == 0 and err == ""
    assert out.splitlines() == [
        f"{PATCHES}/desk_call_2025-12-05.yaml: report desk-call-2025-12-05 (2025-12-05)",
        "  new report    desk-call-2025-12-05 (desk-call-2025-12-05) “专家电话会：国产算力芯片供需”",
        "  new company   中科曙光 (sugon) — from the patch",
        "  new alias     Hygon Info → 海光信息 (hygon)",
        "  new edge      member_of 中科曙光 → AI芯片与服务器 [recommended]",
        "  new claim     member_of 海光信息 → AI芯片与服务器 [recommended]",
        "  new edge      supplies 海光信息 → 中科曙光",
        "  upgrade       海光信息 in AI芯片与服务器: listed (2025-11-26, industry-research-2025-11-26) → recommended (2025-12-05, desk-call-2025-12-05)",
        "  new metric    阿里云资本开支: 资本开支指引 380 亿元 (FY2026Q3)",
        "  summary: 2 new nodes, 2 new edges, 1 new claim on existing edges, 1 stance change, 1 metric, 1 alias",
        f"wrote {graph_copy}: 1 of 1 patch changed it",
    ]
    g = load_graph(graph_copy)
    assert g.resolve("603019").name == "中科曙光"
    assert g.resolve("Hygon Info").id == "hygon"
    edge = next(e for e in g.out_edges("hygon") if e.type == "member_of")
    assert current_claim(edge.claims).stance == "recommended"
    before = graph_copy.read_bytes()
    code, out, _ = run(capsys, "--graph", graph_copy, "apply", f"{PATCHES}/desk_call_2025-12-05.yaml")
    assert code == 0 and out.splitlines()[-1] == f"{graph_copy} unchanged: nothing new"
    assert graph_copy.read_bytes() == before


def test_apply_dry_run_writes_nothing(graph_copy, capsys):
    before = graph_copy.read_bytes()
    code, out, _ = run(capsys, "--graph", graph_copy, "apply", "--dry-run", f"{PATCHES}/desk_call_2025-12-05.yaml")
    assert code == 0 and out.splitlines()[-1] == f"dry run: {graph_copy} not written (1 of 1 patch would change it)"
    assert graph_copy.read_bytes() == before


@pytest.mark.parametrize(
    "fixture, errors",
    [
        ("bad_unknown.yaml", [
            "bad_unknown.yaml:6: claims[0].source: no node matches '不存在的公司' (try `supplychain search TEXT`)",
            "bad_unknown.yaml:12: claims[1].target: '阿里云资本开支' is 阿里云资本开支 (alibaba-capex), a driver; this needs a sector",
            "bad_unknown.yaml:18: claims[2].stance: a drives claim carries no stance; remove it",
            "bad_unknown.yaml:20: claims[3].type: Input should be 'drives', 'member_of', 'exposed_to', 'tracks', 'holds', "
            "'supplies', 'operates', 'threatens' or 'competes' (got 'hosts')",
        ]),
        ("bad_clash.yaml", [
            "bad_clash.yaml:5: nodes[0].aliases[0]: '旭创' already names 中际旭创 (innolight); a name must lead to one node",
            "bad_clash.yaml:7: claims[0].source: no node matches '新公司' (try `supplychain search TEXT`)",
        ]),
    ],
)
def test_bad_patch_reports_every_problem_with_its_line(fixture, errors, graph_copy, capsys):
    before = graph_copy.read_bytes()
    code, out, err = run(capsys, "--graph", graph_copy, "apply", f"{PATCHES}/{fixture}")
    assert (code, out) == (1, "")
    n = len(errors)
    assert err.splitlines() == [f"Error: {PATCHES}/{e}" for e in errors] + [f"{n} problem{'s' if n != 1 else ''} found"]
    assert graph_copy.read_bytes() == before


@pytest.mark.parametrize(
    "text, error",
    [
        ("", "p.yaml:1: expected a mapping with 'claims' (and optionally report, nodes, aliases, metrics)"),
        ("claims: [\n", "p.yaml:2: invalid YAML: did not find expected node content"),
        ("report: {date: 2025-12-05}\nreport: {}\n", "p.yaml:2: duplicate key 'report' (first at line 1); keep one of them"),
        ("claims: []\nextra: 1\n", "p.yaml:2: extra: unknown field"),
        ("claims:\n  - {type: drives, source: AI需求, target: 光模块, quote: q}\n",
         "p.yaml:1: report: report p is new: give its date (report: {date: YYYY-MM-DD})"),
    ],
)
def test_patch_format_errors(text, error, tmp_path, graph_copy, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("p.yaml").write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "--graph", graph_copy, "apply", "p.yaml")
    assert code == 1 and out == ""
    assert err.splitlines()[0] == f"Error: {error}"


def test_claims_may_cite_an_existing_report(graph_copy, tmp_path, capsys):
    patch = tmp_path / "fix.yaml"
    patch.write_text(
        "report: {id: industry-research-2025-11-26}\n"
        "claims:\n"
        "  - {type: supplies, source: 源杰科技, target: 中际旭创, quote: 光芯片供应光模块。}\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "--graph", graph_copy, "apply", patch)
    assert code == 0
    g = load_graph(graph_copy)
    e = next(e for e in g.out_edges("yuanjie") if e.type == "supplies")
    assert (e.target, e.claims[0].report, str(e.claims[0].date)) == ("innolight", "industry-research-2025-11-26", "2025-11-26")


def test_a_patch_node_that_exists_is_not_changed_and_the_plan_says_so(graph_copy, capsys):
    assert main(["--graph", str(graph_copy), "ingest", "tests/fixtures/ingest/series/industry_research_2025-12-03.md"]) == 0
    capsys.readouterr()
    code, out, _ = run(capsys, "--graph", graph_copy, "apply", "--dry-run", f"{PATCHES}/desk_call_2025-12-05.yaml")
    assert code == 0
    # the note gave 中科曙光 its listing from the security master; the patch's English name differs
    assert "  note          中科曙光 is already dawning-information-industry; its name_en was not changed " \
           "(patches add; edit the graph file to change a node)" in out.splitlines()


RANGE_PATCH = """\
report:
  title: 渠道调研：阿里云四季度资本开支
  date: 2025-12-08
claims:
  - type: member_of
    source: 中际旭创
    target: 光模块
    stance: recommended
    quote: 渠道反馈800G光模块订单饱满。
metrics:
  - {driver: 阿里云资本开支, name: 资本开支指引, low: %s, high: %s, unit: 亿元, period: FY2026Q4,
     quote: 渠道预计四季度资本开支在360-400亿元之间。}
"""


def test_a_patch_metric_keeps_a_range(graph_copy, tmp_path, capsys):
    patch = tmp_path / "channel_check_2025-12-08.yaml"
    patch.write_text(RANGE_PATCH % (360, 400), encoding="utf-8")
    code, out, err = run(capsys, "--graph", graph_copy, "apply", str(patch))
    assert code == 0, err
    metric = next(m for m in load_graph(graph_copy).nodes["alibaba-capex"].metrics if m.period == "FY2026Q4")
    assert (metric.value, metric.low, metric.high, metric.unit) == (None, 360, 400, "亿元")
    assert "360–400 亿元" in out


def test_a_patch_range_upside_down_is_refused(graph_copy, tmp_path, capsys):
    patch = tmp_path / "channel_check_2025-12-08.yaml"
    patch.write_text(RANGE_PATCH % (400, 360), encoding="utf-8")
    before = graph_copy.read_bytes()
    code, out, err = run(capsys, "--graph", graph_copy, "apply", str(patch))
    assert code == 1 and graph_copy.read_bytes() == before
    assert err.splitlines()[0].startswith(f"Error: {patch}:11: metrics[0]: low 400 is above high 360") and "low" in err.splitlines()[0]
