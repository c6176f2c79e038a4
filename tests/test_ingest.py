"""Ingesting notes: reproduce the bundled graph, idempotence, variants, history, changes,
the golden diff, dry runs, validation before writing, and the writer's lock.

Every test works on a copy of the graph in ``tmp_path``; data/graph.yaml is never written.
"""

from __future__ import annotations

import difflib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, GRAPH, ROOT, SEED_NOTE, run
from supplychain.cli import main
from supplychain.errors import GraphValidationError
from supplychain.graph import Graph, load_graph
from supplychain.ingest.apply import ingest
from supplychain.ingest.parse import parse_report
from supplychain.ingest.plan import plan_report
from supplychain.schema import current_claim

SERIES = "tests/fixtures/ingest/series"
LATER = f"{SERIES}/industry_research_2025-12-03.md"
LATEST = f"{SERIES}/industry_research_2025-12-10.md"
VARIANTS = FIXTURES / "ingest" / "variants"
GOLDEN = FIXTURES / "ingest" / "series" / "golden_2025-12-03.diff"


def member_stances(g: Graph) -> dict[tuple[str, str], str]:
    return {
        (g.nodes[e.source].name, g.nodes[e.target].name): current_claim(e.claims).stance
        for e in g.edges
        if e.type == "member_of"
    }


def names_of(g: Graph, type_: str) -> set[str]:
    return {n.name for n in g.nodes.values() if n.type == type_}


# --------------------------------------------------------------------------- the seed note


def test_seed_note_into_an_empty_graph_reproduces_the_bundled_graph(tmp_path, capsys):
    empty = tmp_path / "graph.yaml"
    empty.write_text("version: 1\nnodes: []\nedges: []\n", encoding="utf-8")
    code, out, err = run(capsys, "--graph", empty, "ingest", SEED_NOTE, "--driver", "阿里云资本开支")
    assert code == 0 and err == ""
    assert out.splitlines()[-1] == f"wrote {empty}: 1 of 1 note changed it"
    new, bundled = load_graph(empty), load_graph(GRAPH)
    assert member_stances(new) == member_stances(bundled)
    assert names_of(new, "sector") == names_of(bundled, "sector")
    assert {c for c, _ in member_stances(new)} == {c for c, _ in member_stances(bundled)}
    assert names_of(new, "risk") == names_of(bundled, "risk")
    etfs = {new.nodes[e.source].name: current_claim(e.claims).stance for e in new.edges if e.type == "exposed_to"}
    assert etfs == {"云计算50ETF": "beneficiary", "人工智能AIETF": "beneficiary", "大数据ETF": "beneficiary", "科创板50ETF": "beneficiary"}
    # tickers, exchanges and English names of new companies come from data/reference/tickers.csv
    innolight = new.resolve("中际旭创")
    assert (innolight.ticker, innolight.exchange, innolight.name_en) == ("300308.SZ", "SZSE ChiNext", "Zhongji Innolight Co., Ltd.")
    assert new.resolve("0763.HK").name == "中兴通讯"  # other listings too
    # the quotes follow the bundled convention
    quotes = {(new.nodes[e.source].name, e.claims[0].quote) for e in new.edges if e.type == "member_of"}
    assert quotes == {(bundled.nodes[e.source].name, e.claims[0].quote) for e in bundled.edges if e.type == "member_of"}
    # and ingesting it again changes nothing
    before = empty.read_bytes()
    code, out, _ = run(capsys, "--graph", empty, "ingest", SEED_NOTE, "--driver", "阿里云资本开支")
    assert code == 0 and out.splitlines()[-1] == f"{empty} unchanged: nothing new"
    assert empty.read_bytes() == before


def test_seed_note_into_the_bundled_graph_is_a_no_op(graph_copy, capsys):
    before = graph_copy.read_bytes()
    mtime = graph_copy.stat().st_mtime_ns
    code, out, err = run(capsys, "--graph", graph_copy, "ingest", "data/reports/industry_research_2025-11-26.md")
    assert code == 0 and err == ""
    assert out.splitlines() == [
        "data/reports/industry_research_2025-11-26.md: report industry-research-2025-11-26 (2025-11-26), driver 阿里云资本开支 (alibaba-capex)",
        "  unchanged     70 facts already recorded from this report",
        "  summary: nothing new",
        f"{graph_copy} unchanged: nothing new",
    ]
    assert graph_copy.read_bytes() == before
    assert graph_copy.stat().st_mtime_ns == mtime  # not even rewritten


def test_the_driver_comes_from_the_title_or_from_driver(graph_copy):
    g = load_graph(graph_copy)
    assert plan_report(g, parse_report(SEED_NOTE)).driver == "alibaba-capex"
    assert plan_report(g, parse_report(SEED_NOTE), driver="Alibaba capex").driver == "alibaba-capex"
    plan = plan_report(g, parse_report(LATER), driver="国产算力")
    new = plan.nodes[1]
    assert (new.node.type, new.node.name, plan.driver) == ("driver", "国产算力", new.node.id)


# --------------------------------------------------------------------------- variants


@pytest.mark.parametrize("fixture", sorted(p.name for p in VARIANTS.glob("*_2025-11-*.md")))
def test_variant_gives_the_same_claims(fixture):
    """Same meaning, written differently: no new company or sector, every stance as in the seed note."""
    g = load_graph(GRAPH)
    plan = plan_report(g, parse_report(VARIANTS / fixture))
    assert [n.node.type for n in plan.nodes] == ["report"]
    bundled = member_stances(g)
    claims = [c for c in plan.claims if c.key[0] == "member_of"]
    assert len(claims) >= 10
    for c in claims:
        _, company, sector = c.key
        assert c.claim.stance == bundled[(g.nodes[company].name, g.nodes[sector].name)], c.key
        assert not c.new_edge and c.stance_change is None
    assert {c.key[2] for c in plan.claims if c.key[0] == "drives"} <= {"optical-modules", "liquid-cooling", "aidc", "switches", "compute-leasing"}


def test_a_risk_worded_differently_is_the_known_risk():
    g = load_graph(GRAPH)
    plan = plan_report(g, parse_report(VARIANTS / "risk_variant_2025-12-01.md"))
    assert [n.node.type for n in plan.nodes] == ["report"]
    # a known risk named by a new note threatens that note's driver (not the risk's earlier targets)
    assert sorted(c.key for c in plan.claims) == [
        ("threatens", "risk-ai-slowdown", "alibaba-capex"),
        ("threatens", "risk-geopolitics", "alibaba-capex"),
        ("threatens", "risk-rack-utilization", "alibaba-capex"),
    ]
    assert "resolved 出口管制及地缘政治风险 → 地缘政治与出口管制风险 (alias table)" in plan.notes


def test_near_miss_is_not_merged_but_alias_records_the_decision(graph_copy, capsys):
    note = VARIANTS / "alias_2025-12-02.md"
    code, out, _ = run(capsys, "--graph", graph_copy, "ingest", "--dry-run", note)
    assert code == 0
    assert "  new company   海光信息股份 (haiguang-xinxi-gufen) — no ticker: not in the reference; did you mean 海光信息? (use --alias 海光信息股份=EXISTING if so)" in out.splitlines()
    code, out, _ = run(capsys, "--graph", graph_copy, "ingest", note, "--alias", "海光信息股份=海光信息")
    assert code == 0
    assert "  new alias     海光信息股份 → 海光信息 (hygon)" in out.splitlines()
    g = load_graph(graph_copy)
    assert "海光信息股份" in g.nodes["hygon"].aliases
    assert current_claim(next(e for e in g.out_edges("hygon") if e.type == "member_of").claims).stance == "recommended"
    assert not names_of(g, "company") & {"海光信息股份"}


def test_bad_alias_option(graph_copy, capsys):
    code, _, err = run(capsys, "--graph", graph_copy, "ingest", LATER, "--alias", "海光")
    assert (code, err) == (1, "Error: --alias '海光': write it as NEW=EXISTING, e.g. --alias 中际旭创科技=中际旭创\n")
    code, _, err = run(capsys, "--graph", graph_copy, "ingest", LATER, "--alias", "旭创=海光信息")
    assert (code, err) == (1, "Error: --alias 旭创=海光信息: '旭创' already names 中际旭创 (innolight)\n")


# --------------------------------------------------------------------------- history


def test_a_later_note_adds_history_not_overwrite(graph_copy, capsys):
    code, out, err = run(capsys, "--graph", graph_copy, "ingest", LATER)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert "  upgrade       海光信息 in AI芯片与服务器: listed (2025-11-26, industry-research-2025-11-26) → recommended (2025-12-03, industry-research-2025-12-03)" in lines
    assert "  new company   中科曙光 (dawning-information-industry) — ticker 603019.SH from a_shares.csv" in lines
    assert "  new etf       半导体ETF (etf-512480) — ticker 512480.SH from the note" in lines
    assert lines[-2] == "  summary: 7 new nodes, 7 new edges, 4 new claims on existing edges, 2 stance changes, 2 metrics, 0 aliases"

    code, out, _ = run(capsys, "--graph", graph_copy, "show", "海光信息")
    assert "      stance history: listed (2025-11-26, industry-research-2025-11-26) → recommended (2025-12-03, industry-research-2025-12-03)" in out.splitlines()

    def hygon(*extra):
        code, out, _ = run(capsys, "--graph", graph_copy, "exposure", "阿里云资本开支", "--format", "json", *extra)
        results = {r["name"]: r for r in json.loads(out)["results"]}
        return results.get("海光信息", {}).get("stance"), "中科曙光" in results

    assert hygon("--as-of", "2025-11-30") == ("listed", False)
    assert hygon("--as-of", "2025-12-03") == ("recommended", True)
    assert hygon() == ("recommended", True)


def test_notes_are_ingested_in_date_order_with_one_write(graph_copy, capsys):
    code, out, err = run(capsys, "--graph", graph_copy, "ingest", LATEST, LATER)  # given newest first
    assert code == 0 and err == ""  # no progress bar when stderr is not a terminal
    heads = [line for line in out.splitlines() if not line.startswith(" ")]
    assert heads[:2] == [
        f"{LATER}: report industry-research-2025-12-03 (2025-12-03), driver 阿里云资本开支 (alibaba-capex)",
        f"{LATEST}: report industry-research-2025-12-10 (2025-12-10), driver 阿里云资本开支 (alibaba-capex)",
    ]
    assert "  downgrade     海光信息 in AI芯片与服务器: recommended (2025-12-03, industry-research-2025-12-03) → beneficiary (2025-12-10, industry-research-2025-12-10)" in out.splitlines()
    g = load_graph(graph_copy)
    edge = next(e for e in g.out_edges("hygon") if e.type == "member_of")
    assert [(str(c.date), c.stance) for c in edge.claims] == [("2025-11-26", "listed"), ("2025-12-03", "recommended"), ("2025-12-10", "beneficiary")]
    # an older note ingested last adds history but leaves the current stance alone
    older = graph_copy.parent / "older.yaml"
    older.write_bytes(GRAPH.read_bytes())
    assert main(["--graph", str(older), "ingest", LATEST]) == 0
    capsys.readouterr()
    assert main(["--graph", str(older), "ingest", str(VARIANTS / "alias_2025-12-02.md"), "--alias", "海光信息股份=海光信息"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "  history       海光信息 in AI芯片与服务器 was recommended on 2025-12-02; the current stance stays beneficiary (2025-12-10, industry-research-2025-12-10)" in out
    assert not [line for line in out if line.startswith(("  upgrade", "  downgrade"))]
    assert current_claim(next(e for e in load_graph(older).out_edges("hygon") if e.type == "member_of").claims).stance == "beneficiary"
    # a folder is the same as its notes
    again = graph_copy.parent / "again.yaml"
    again.write_bytes(GRAPH.read_bytes())
    assert main(["--graph", str(again), "ingest", SERIES]) == 0
    capsys.readouterr()
    assert again.read_bytes() == graph_copy.read_bytes()


def test_changes_since(graph_copy, capsys):
    assert main(["--graph", str(graph_copy), "ingest", LATER]) == 0
    capsys.readouterr()
    code, out, err = run(capsys, "--graph", graph_copy, "changes", "--since", "2025-12-01", "--driver", "阿里云资本开支")
    assert code == 0 and err == ""
    assert out.splitlines() == [
        "Changes from claims dated 2025-12-01 or later: 7 in 1 driver",
        "driver          change          name       type     from    to           sector          report                        date",
        "--------------  --------------  ---------  -------  ------  -----------  --------------  ----------------------------  ----------",
        "阿里云资本开支  newly exposed   半导体ETF  etf              beneficiary                  industry-research-2025-12-03  2025-12-03",
        "阿里云资本开支  newly exposed   中科曙光   company          recommended  AI芯片与服务器  industry-research-2025-12-03  2025-12-03",
        "阿里云资本开支  newly exposed   兆易创新   company          beneficiary  存储芯片        industry-research-2025-12-03  2025-12-03",
        "阿里云资本开支  newly exposed   江波龙     company          beneficiary  存储芯片        industry-research-2025-12-03  2025-12-03",
        "阿里云资本开支  upgrade         寒武纪     company  listed  beneficiary  AI芯片与服务器  industry-research-2025-12-03  2025-12-03",
        "阿里云资本开支  upgrade         海光信息   company  listed  recommended  AI芯片与服务器  industry-research-2025-12-03  2025-12-03",
        "阿里云资本开支  new sub-sector  存储芯片   sector                                        industry-research-2025-12-03  2025-12-03",
    ]
    code, out, _ = run(capsys, "--graph", graph_copy, "changes", "--since", "2025-12-01", "--format", "json")
    data = json.loads(out)
    assert data["since"] == "2025-12-01"
    by_driver = {d["id"]: d for d in data["drivers"]}
    # by default a change is listed under the nearest driver only; the note is about
    # alibaba-capex, so alibaba-ppe-spend (which it drives) has no change of its own
    assert sorted(by_driver) == ["alibaba-capex"]
    up = by_driver["alibaba-capex"]["upgrades"]
    assert [(u["name"], u["before"], u["after"], u["report"]) for u in up] == [
        ("寒武纪", "listed", "beneficiary", "industry-research-2025-12-03"),
        ("海光信息", "listed", "recommended", "industry-research-2025-12-03"),
    ]
    assert [s["name"] for s in by_driver["alibaba-capex"]["new_sectors"]] == ["存储芯片"]
    code, out, _ = run(capsys, "--graph", graph_copy, "changes", "--since", "2025-12-01", "--transitive", "-f", "json")
    assert len(json.loads(out)["drivers"]) == 6
    # without --since: what the latest report changed; nothing before the first note
    code, out, _ = run(capsys, "--graph", graph_copy, "changes")
    assert out.splitlines()[0] == "Changes from claims dated 2025-12-03 or later: 7 in 1 driver"
    code, out, _ = run(capsys, "--graph", graph_copy, "changes", "--since", "2025-12-04")
    assert out == "Changes from claims dated 2025-12-04 or later: 0 in 0 drivers\n"


# --------------------------------------------------------------------------- the file


def unified(before: str, after: str) -> str:
    return "".join(difflib.unified_diff(before.splitlines(True), after.splitlines(True), "a/graph.yaml", "b/graph.yaml", n=0))


def test_golden_diff_of_a_later_note(graph_copy):
    """Ingesting one note adds only the lines of its new facts: no line changes or goes."""
    before = graph_copy.read_text(encoding="utf-8")
    ingest([LATER], graph_copy)
    diff = unified(before, graph_copy.read_text(encoding="utf-8"))
    if os.environ.get("SUPPLYCHAIN_UPDATE_GOLDEN"):
        GOLDEN.write_text(diff, encoding="utf-8")
    assert diff == GOLDEN.read_text(encoding="utf-8")
    removed = [line for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
    assert removed == []
    assert "&id" not in diff and "*id" not in diff  # no YAML anchors in the canonical file


def test_dry_run_writes_nothing(graph_copy, capsys):
    before = graph_copy.read_bytes()
    code, out, err = run(capsys, "--graph", graph_copy, "ingest", "--dry-run", LATER)
    assert code == 0 and err == ""
    assert out.splitlines()[-1] == f"dry run: {graph_copy} not written (1 of 1 note would change it)"
    assert graph_copy.read_bytes() == before
    # no lock file or temporary file either (the validated-load cache is not the graph)
    assert sorted(p.name for p in graph_copy.parent.iterdir() if p.name != ".supplychain-cache") == ["graph.yaml"]


def test_a_failing_validation_writes_nothing(graph_copy, capsys, monkeypatch):
    import supplychain.ingest.apply as apply_module
    from supplychain.schema import Claim, Edge

    real = apply_module.apply_plan

    def broken(data, plan):
        data = real(data, plan)
        data.edges.append(Edge(type="member_of", source="innolight", target="no-such-sector",
                               claims=[Claim(report="industry-research-2025-12-03", date="2025-12-03", quote="x", stance="listed")]))
        return data

    monkeypatch.setattr(apply_module, "apply_plan", broken)
    before = graph_copy.read_bytes()
    code, out, err = run(capsys, "--graph", graph_copy, "ingest", LATER)
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert lines[0] == f"Error: {graph_copy}: the graph would become invalid, so nothing was written (the lines below refer to the file it would have become)"
    assert lines[1] == f"Error: {graph_copy}:1002: edges[43].target: unknown node 'no-such-sector'"
    assert lines[-1] == "2 problems found"
    assert graph_copy.read_bytes() == before


_HOLD_LOCK = """
import sys, time
from supplychain.store import graph_lock
with graph_lock(sys.argv[1]):
    print("locked", flush=True)
    time.sleep(60)
"""


def test_a_second_writer_gets_the_lock_error(graph_copy, capsys):
    before = graph_copy.read_bytes()
    holder = subprocess.Popen([sys.executable, "-c", _HOLD_LOCK, str(graph_copy)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        code, out, err = run(capsys, "--graph", graph_copy, "ingest", LATER)
    finally:
        holder.kill()
        holder.wait()
    assert (code, out) == (1, "")
    assert err == f"Error: {graph_copy}: another supplychain process is writing this graph; wait for it to finish and run again\n"
    assert graph_copy.read_bytes() == before


def test_two_concurrent_ingests_leave_a_valid_file(graph_copy):
    exe = Path(sys.executable).parent / "supplychain"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "supplychain.cli"]
    procs = [
        subprocess.Popen([*cmd, "--graph", str(graph_copy), "ingest", note], cwd=ROOT, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for note in (LATER, LATEST)
    ]
    results = [(p.wait(timeout=60), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    for code, err in results:
        assert code == 0 or "another supplychain process is writing this graph" in err, err
    assert any(code == 0 for code, _ in results)
    g = load_graph(graph_copy)  # valid, whoever won
    reports = {n.id for n in g.nodes.values() if n.type == "report"}
    for (code, _), rid in zip(results, ("industry-research-2025-12-03", "industry-research-2025-12-10")):
        assert (rid in reports) == (code == 0)


def test_library_raises_instead_of_exiting(graph_copy):
    with pytest.raises(GraphValidationError):
        from supplychain.ingest.apply import write_graph
        from supplychain.store import load_data

        data = load_data(graph_copy)
        data.edges[0].target = "nowhere"
        write_graph(data, graph_copy)
    assert graph_copy.read_bytes() == GRAPH.read_bytes()


def test_apply_plan_leaves_its_input_alone():
    from supplychain.ingest.apply import apply_plan
    from supplychain.store import dump_graph, load_data

    data = load_data(GRAPH)
    before = dump_graph(data)
    plan = plan_report(Graph(data), parse_report(LATER), aliases=["Hygon Info=海光信息"])
    after = apply_plan(data, plan)
    assert dump_graph(data) == before
    assert dump_graph(after) != before
    assert "Hygon Info" not in load_graph(GRAPH).nodes["hygon"].aliases
