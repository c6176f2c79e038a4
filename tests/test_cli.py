"""The CLI run in-process: exact output, exit codes, the JSON contract, help text."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from conftest import FIXTURES, run
from supplychain.cli import build_parser, main


def test_validate_ok(capsys):
    code, out, err = run(capsys, "validate")
    assert code == 0 and err == ""
    assert out == "data/graph.yaml: ok: 75 nodes (7 driver, 8 sector, 48 company, 5 etf, 6 risk, 1 report), 86 edges, 86 claims\n"


def test_validate_reports_every_problem_and_exits_1(capsys):
    code, out, err = run(capsys, "--graph", "tests/fixtures/core/bad_many.yaml", "validate")
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert lines[0] == "Error: tests/fixtures/core/bad_many.yaml:23: nodes[4].id: duplicate id 'beta' (first used by nodes[3])"
    assert lines[-1] == "4 problems found"
    assert "Traceback" not in err


def test_graph_from_environment(capsys, monkeypatch):
    monkeypatch.setenv("SUPPLYCHAIN_GRAPH", str(FIXTURES / "core" / "mini.yaml"))
    code, out, _ = run(capsys, "validate")
    assert code == 0 and "ok: 9 nodes" in out


def test_exposure_table_shows_rank_path_and_quote(capsys):
    code, out, err = run(capsys, "exposure", "阿里云资本开支", "--sector", "光模块", "--top", "2")
    assert code == 0 and err == ""
    quote = "“光通信模块与器件：中际旭创、新易盛、源杰科技、华工科技、天孚通信、中天科技、亨通光电（推荐）；仕佳光子、长光华芯、永鼎股份等（受益）”"
    assert out.splitlines() == [
        "Exposure to 阿里云资本开支 (Alibaba Cloud capex): 2 names, paths of at most 4 hops, all claims",
        "  资本开支 315.01 亿元, +80.1% YoY, FY2026Q2 (industry-research-2025-11-26)",
        "#  name      name_en                  ticker     type     stance            score  sector            notes",
        "-  --------  -----------------------  ---------  -------  ----------------  -----  ----------------  -----",
        "1  新易盛    Eoptolink                300502.SZ  company  recommended 推荐  0.900  光通信模块与器件  1 new",
        "      path: 阿里云资本开支 → 光通信模块与器件 → 新易盛",
        f"      member_of: industry-research-2025-11-26 (2025-11-26) {quote}",
        "2  亨通光电  Hengtong Optic-Electric  600487.SH  company  recommended 推荐  0.900  光通信模块与器件  1 new",
        "      path: 阿里云资本开支 → 光通信模块与器件 → 亨通光电",
        f"      member_of: industry-research-2025-11-26 (2025-11-26) {quote}",
    ]


def test_exposure_table_columns_line_up_with_cjk(capsys):
    import re

    from supplychain.render import width

    _, out, _ = run(capsys, "exposure", "Alibaba capex")
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("#  "))
    rows = [line for line in lines[start:] if not line.startswith("      ")]
    header, body = rows[0], rows[2:]
    assert len(body) == 49
    for column in ("score", "sector"):
        at = width(header[: header.index(column)])
        for row in body:
            cell = re.search(r"\b0\.\d{3}\b(  )?", row)
            start = cell.start() if column == "score" else cell.end()
            if column == "score" or cell.group(1):  # an ETF held by an index has no sector
                assert width(row[:start]) == at, row


def test_exposure_json_contract(capsys):
    code, out, _ = run(capsys, "exposure", "Alibaba Cloud capex", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["driver"] == {"id": "alibaba-capex", "name": "阿里云资本开支"}
    assert len(data["results"]) == 49
    first = data["results"][0]
    for key in ("id", "name", "name_en", "ticker", "type", "score", "stance", "sector", "path", "evidence"):
        assert key in first
    assert first["path"][0] == "alibaba-capex" and first["path"][-1] == first["id"]
    assert set(first["evidence"][0]) >= {"report", "date", "quote"}
    scores = [r["score"] for r in data["results"]]
    assert scores == sorted(scores, reverse=True)
    innolight = next(r for r in data["results"] if r["id"] == "innolight")
    assert (innolight["ticker"], innolight["stance"], innolight["sector"], innolight["score"]) == ("300308.SZ", "recommended", "optical-modules", 0.9)


def test_exposure_csv(capsys):
    code, out, _ = run(capsys, "exposure", "Alibaba capex", "--format", "csv", "--type", "etf")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and {r["id"] for r in rows} == {"etf-516630", "etf-515070", "etf-515400", "etf-588000", "hstech"}
    assert all(r["quote"] for r in rows)


def test_exposure_explain(capsys):
    _, out, _ = run(capsys, "exposure", "Alibaba capex", "--top", "1", "--explain")
    assert "      score: drives 0.9 × member_of 1 × recommended 1 = 0.9" in out.splitlines()
    assert out.count("      drives: industry-research-2025-11-26") == 1


def test_exposure_as_of_before_the_note(capsys):
    code, out, _ = run(capsys, "exposure", "Alibaba capex", "--as-of", "2025-11-25", "--format", "json")
    assert code == 0 and json.loads(out)["results"] == []


def test_list_json_contract(capsys):
    code, out, _ = run(capsys, "list", "--type", "company", "--format", "json")
    rows = json.loads(out)
    assert code == 0 and len(rows) == 48
    assert {"id": "innolight", "type": "company", "name": "中际旭创", "name_en": "Innolight", "ticker": "300308.SZ"} in rows


def test_show_json_contract(capsys):
    code, out, _ = run(capsys, "show", "0763.HK", "--format", "json")
    node = json.loads(out)
    assert code == 0 and node["id"] == "zte" and node["ticker"] == "000063.SZ"
    assert node["listings"][0]["ticker"] == "0763.HK"
    edges = {(e["type"], e["other"]["id"]): e for e in node["edges"]}
    member = edges[("member_of", "switches")]
    assert member["stance"] == "recommended"
    assert member["claims"] == [
        {
            "report": "industry-research-2025-11-26",
            "date": "2025-11-26",
            "stance": "recommended",
            "quote": "交换机与网络芯片：中兴通讯、盛科通信、紫光股份（推荐）；锐捷网络（受益）",
        }
    ]
    assert edges[("holds", "hstech")]["direction"] == "in"


def test_show_text_lists_metrics_and_edges(capsys):
    _, out, _ = run(capsys, "show", "Alibaba capex")
    assert out.startswith("阿里云资本开支  (alibaba-capex, driver)\n")
    assert "  metric: 资本开支 315.01 亿元, +80.1% YoY, FY2026Q2" in out
    assert "  ← threatens 资本开支可持续性风险 (risk-capex-sustainability)" in out


def test_drivers_and_path(capsys):
    code, out, _ = run(capsys, "drivers", "Innolight", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["node"] == {"id": "innolight", "name": "中际旭创"}
    assert data["results"][0]["id"] == "alibaba-capex"
    code, out, _ = run(capsys, "path", "中际旭创", "英维克", "--top", "1")
    assert code == 0 and out == "1. (4 hops) 中际旭创 —member_of→ 光通信模块与器件 ←drives— 阿里云资本开支 —drives→ 液冷/风冷系统 ←member_of— 英维克\n"


def test_search_and_stats(capsys):
    code, out, _ = run(capsys, "search", "innol", "--format", "json")
    assert code == 0 and [r["id"] for r in json.loads(out)] == ["innolight"]
    code, out, _ = run(capsys, "stats", "--format", "json")
    stats = json.loads(out)
    assert stats["nodes"]["company"] == 48 and stats["edges"]["member_of"] == 44 and stats["claims"] == 86


@pytest.mark.parametrize(
    "argv, code, message",
    [
        (["exposure", "阿里云资本开销"], 1, "Error: no node matches '阿里云资本开销' (did you mean '阿里云资本开支', '阿里资本开支', '阿里'?)"),
        (["exposure", "中际旭创"], 0, None),
        (["exposure", "供应链产能与交付风险"], 1, "Error: '供应链产能与交付风险' is 供应链产能与交付风险 (risk-supply-chain), a risk; this needs a driver or sector or company"),
        (["show", "nobody"], 1, "Error: no node matches 'nobody' (try `supplychain search TEXT`)"),
        (["exposure", "Alibaba capex", "--as-of", "2025-13-01"], 2, "Error: argument --as-of: '2025-13-01' is not a date; use YYYY-MM-DD (see `supplychain exposure --help`)"),
        (["exposure", "Alibaba capex", "--top", "0"], 2, "Error: argument --top: '0' is not a positive whole number (see `supplychain exposure --help`)"),
        (["--graph", "missing.yaml", "validate"], 1, "Error: missing.yaml: file not found (pass --graph PATH or set SUPPLYCHAIN_GRAPH)"),
        (["--graph", "tests/fixtures/core/bad_syntax.yaml", "list"], 1, "Error: tests/fixtures/core/bad_syntax.yaml:26: invalid YAML: did not find expected ',' or ']'"),
        (["frobnicate"], 2, None),
    ],
)
def test_bad_input_is_one_clear_line(capsys, argv, code, message):
    with pytest.raises(SystemExit) if code == 2 else _nothing() as info:
        got = main(argv)
    if code == 2:
        got = info.value.code
    out, err = capsys.readouterr()
    assert got == code
    assert "Traceback" not in err
    if message is not None:
        assert err.splitlines() == [message]
    elif code:
        assert len(err.splitlines()) == 1 and err.startswith("Error: ")


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_every_command_has_help_text():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    assert {"validate", "stats", "list", "show", "search", "exposure", "drivers", "path", "export"} <= set(sub.choices)
    helps = {a.dest: a.help for a in sub._choices_actions}
    for name, p in sub.choices.items():
        assert helps.get(name), f"{name} has no help text"
        for action in p._actions:
            if action.dest not in ("help",) and action.option_strings:
                assert action.help, f"{name} {action.option_strings} has no help text"


def test_help_runs_without_heavy_imports():
    code = "import sys; from supplychain.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\nprint(sorted(m for m in ('yaml', 'pydantic', 'networkx', 'pyvis') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_exposure_header_metrics_respect_as_of(capsys):
    _, out, _ = run(capsys, "exposure", "Alibaba capex", "--as-of", "2025-11-25", "--top", "1")
    assert out.splitlines() == [
        "Exposure to 阿里云资本开支 (Alibaba Cloud capex): 0 names, paths of at most 4 hops, claims dated on or before 2025-11-25",
        "(no exposed names)",
    ]
