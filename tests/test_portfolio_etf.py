"""ETF look-through: imported holdings score an ETF from its constituents; others are unchanged."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import FIXTURES, GRAPH
from supplychain import load_graph
from supplychain.cli import main
from supplychain.query import exposure

ETF_515070 = FIXTURES / "portfolio" / "etf_515070_constituents.csv"
ETF_516630 = FIXTURES / "portfolio" / "etf_516630_constituents.csv"


@pytest.fixture
def graph_copy(tmp_path):
    path = tmp_path / "graph.yaml"
    shutil.copy(GRAPH, path)
    return path


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def scores(path, driver="阿里云资本开支"):
    return {r.id: r for r in exposure(load_graph(path), driver).results}


def test_imported_etf_scores_from_its_constituents_others_do_not_change(graph_copy, capsys):
    before = scores(graph_copy)
    code, out, _ = run(capsys, "-g", graph_copy, "holdings", "import", "人工智能AIETF", ETF_515070, "--date", "2025-12-01")
    assert code == 0 and "5 constituents in the graph (39.00% of the fund), 2 left out" in out
    assert "002230.SZ 科大讯飞" in out and "688111.SH 金山办公" in out
    after = scores(graph_copy)
    etf = after["etf-515070"]
    # 中际旭创 10% × 0.9 + 新易盛 8% × 0.9 + 寒武纪 9% × 0.54 + 海光信息 7% × 0.54 + 浪潮信息 5% × 0.54
    assert etf.score == pytest.approx(0.1 * 0.9 + 0.08 * 0.9 + 0.09 * 0.54 + 0.07 * 0.54 + 0.05 * 0.54)
    assert [c.id for c in etf.constituents] == ["innolight", "eoptolink", "cambricon", "hygon", "ieit"]
    assert etf.path[-2:] == ("innolight", "etf-515070") and etf.hops[-1].claim.weight == 0.1
    assert before["etf-515070"].score == 0.64 and before["etf-515070"].constituents is None
    for other in ("etf-516630", "etf-515400", "etf-588000", "hstech", "innolight", "ieit"):
        assert after[other].score == before[other].score and after[other].constituents is None
    # the JSON says which ETF is looked through
    code, out, _ = run(capsys, "-g", graph_copy, "exposure", "阿里云资本开支", "--type", "etf", "-f", "json")
    by_id = {r["id"]: r for r in json.loads(out)["results"]}
    assert by_id["etf-515070"]["look_through"] is True and by_id["etf-516630"]["look_through"] is False
    assert by_id["etf-515070"]["constituents"][0] == {"id": "innolight", "weight": 0.1, "score": 0.9, "contribution": 0.09}
    assert "look-through" in by_id["etf-515070"]["explain"]
    code, out, _ = run(capsys, "-g", graph_copy, "exposure", "阿里云资本开支", "--type", "etf")
    assert "      look-through (5 reached): 中际旭创 10.00% × 0.900, 新易盛 8.00% × 0.900, 寒武纪 9.00% × 0.540" in out
    assert out.count("look-through") == 1  # the other ETFs keep their fixed hop


def test_import_twice_changes_nothing_and_warm_cache_keeps_weights(graph_copy, capsys):
    run(capsys, "-g", graph_copy, "holdings", "import", "516630", ETF_516630, "--date", "2025-12-01")
    text = graph_copy.read_bytes()
    code, out, _ = run(capsys, "-g", graph_copy, "holdings", "import", "516630", ETF_516630, "--date", "2025-12-01")
    assert code == 0 and "unchanged: nothing new" in out and graph_copy.read_bytes() == text
    assert b"weight: 0.06" in text and b"holdings-etf-516630-2025-12-01" in text
    warm = scores(graph_copy)["etf-516630"]  # read through the cache written beside the file
    import os

    os.environ["SUPPLYCHAIN_NO_CACHE"] = "1"
    try:
        cold = scores(graph_copy)["etf-516630"]
    finally:
        del os.environ["SUPPLYCHAIN_NO_CACHE"]
    assert warm.score == cold.score == pytest.approx(0.06 * 0.9 + 0.05 * 0.54 + 0.05 * 0.9 + 0.04 * 0.9 + 0.03 * 0.9 + 0.03 * 0.54)


def test_a_later_import_supersedes_an_earlier_one(graph_copy, tmp_path, capsys):
    run(capsys, "-g", graph_copy, "holdings", "import", "515070", ETF_515070, "--date", "2025-12-01")
    later = tmp_path / "later.csv"
    later.write_text("# test data: made-up weights\ncode,name,weight\n300308.SZ,中际旭创,0.5\n", encoding="utf-8")
    run(capsys, "-g", graph_copy, "holdings", "import", "515070", later, "--date", "2026-01-05")
    etf = scores(graph_copy)["etf-515070"]
    assert etf.score == pytest.approx(0.5 * 0.9) and [c.id for c in etf.constituents] == ["innolight"]
    import datetime as dt

    g = load_graph(graph_copy)
    old = {r.id: r for r in exposure(g, "阿里云资本开支", as_of=dt.date(2025, 12, 31)).results}["etf-515070"]
    assert len(old.constituents) == 5


def test_dry_run_and_bad_input_write_nothing(graph_copy, tmp_path, capsys):
    text = graph_copy.read_bytes()
    code, out, _ = run(capsys, "-g", graph_copy, "holdings", "import", "515070", ETF_515070, "--dry-run")
    assert code == 0 and "dry run: nothing written" in out and graph_copy.read_bytes() == text
    no_weights = tmp_path / "names.csv"
    no_weights.write_text("代码,名称\n300308,中际旭创\n", encoding="utf-8")
    code, _, err = run(capsys, "-g", graph_copy, "holdings", "import", "515070", no_weights)
    assert code == 1 and "needs a weight or market value column" in err and err.count("\n") == 1
    code, _, err = run(capsys, "-g", graph_copy, "holdings", "import", "中际旭创", ETF_515070)
    assert code == 1 and "this needs a etf" in err
    assert graph_copy.read_bytes() == text


def test_portfolio_holding_an_imported_etf_is_looked_through(graph_copy, capsys):
    run(capsys, "-g", graph_copy, "holdings", "import", "515070", ETF_515070, "--date", "2025-12-01")
    code, out, _ = run(capsys, "-g", graph_copy, "portfolio", FIXTURES / "portfolio" / "fund_book_gb18030.csv",
                       "--driver", "阿里云资本开支", "-f", "json")
    d = json.loads(out)["drivers"][0]
    etf = next(c for c in d["contributors"] if c["id"] == "etf-515070")
    assert etf["look_through"] is True and etf["score"] == pytest.approx(0.2754)
    assert d["exposure"] == pytest.approx(0.2 * 0.9 + 0.1 * 0.9 + 0.1 * 0.2754 + 0.1 * 0.54)


def test_weights_dump_canonically_and_validate(graph_copy, capsys):
    from supplychain.store import dump_graph, load_data

    untouched = graph_copy.read_text(encoding="utf-8")
    assert dump_graph(load_data(graph_copy)) == untouched  # no weights: the same bytes as before
    run(capsys, "-g", graph_copy, "holdings", "import", "515070", ETF_515070, "--date", "2025-12-01")
    text = graph_copy.read_text(encoding="utf-8")
    assert dump_graph(load_data(graph_copy)) == text
    assert "    quote: 300308.SZ,中际旭创,10.00\n    weight: 0.1\n" in text
    code, out, _ = run(capsys, "-g", graph_copy, "validate")
    assert code == 0
    bad = graph_copy.with_name("bad.yaml")
    bad.write_text(text.replace("weight: 0.1\n", "weight: 1.5\n", 1), encoding="utf-8")
    code, _, err = run(capsys, "-g", bad, "validate")
    assert code == 1 and "weight" in err and "less than or equal to 1" in err


def test_exposure_scores_agree_with_exposure(graph_copy, capsys):
    """The portfolio's fast path gives every name exposure's own score and stance."""
    from supplychain.query import exposure_scores

    for imported in (False, True):
        if imported:
            run(capsys, "-g", graph_copy, "holdings", "import", "515070", ETF_515070, "--date", "2025-12-01")
        g = load_graph(graph_copy)
        for driver in sorted(n for n, t in g.node_types.items() if t in ("driver", "sector")):
            for depth in (1, 2, 4):
                _, fast = exposure_scores(g, driver, depth=depth)
                report = exposure(g, driver, depth=depth)
                slow = {r.id: (r.score, r.stance, r.basis) for r in report.results + report.negative}
                assert fast == slow, (driver, depth)


def test_import_refuses_while_another_writer_holds_the_graph(graph_copy, capsys):
    from supplychain.files import graph_lock

    text = graph_copy.read_bytes()
    with graph_lock(graph_copy):
        code, _, err = run(capsys, "-g", graph_copy, "holdings", "import", "515070", ETF_515070, "--date", "2025-12-01")
    assert code == 1 and "another supplychain process is writing this graph" in err
    assert graph_copy.read_bytes() == text
