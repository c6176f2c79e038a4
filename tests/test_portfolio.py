"""Portfolios: holdings files read in every spelling, the book's exposure hand-checked."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import FIXTURES, GRAPH
from supplychain.cli import main
from supplychain.errors import FileFormatError
from supplychain.portfolio.book import book_exposure
from supplychain.portfolio.reader import read_holdings
from supplychain.portfolio.resolve import resolve_holdings

BOOK = FIXTURES / "portfolio" / "fund_book_gb18030.csv"


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_fund_csv_in_gb18030_with_preamble_and_total_row():
    hf = read_holdings(BOOK)
    assert hf.weights_from == "weight" and hf.percent
    assert [r.code for r in hf.rows] == ["300308", "SZ300502", "000977.SZ", "0700 HK", "515070", "600519", "600036.SH", "09988"]
    assert [r.line for r in hf.rows][:2] == [4, 5]
    assert hf.weight_total == pytest.approx(0.95)


def test_book_exposure_is_the_hand_checked_weighted_sum(graph):
    book = book_exposure(graph, read_holdings(BOOK), drivers=["阿里云资本开支"])
    (d,) = book.drivers
    # 中际旭创 20% × 0.9 + 新易盛 10% × 0.9 + 人工智能AIETF 10% × 0.64 (no imported holdings) + 浪潮信息 10% × 0.54
    assert d.exposure == pytest.approx(0.2 * 0.9 + 0.1 * 0.9 + 0.1 * 0.64 + 0.1 * 0.54)
    assert [c.reach.id for c in d.contributions] == ["innolight", "eoptolink", "etf-515070", "ieit"]
    assert d.reached_weight == pytest.approx(0.5)
    assert {(h.code, h.status) for h in book.holdings if h.status != "ok"} == {("600519", "unknown"), ("600036.SH", "unknown")}
    # 腾讯控股 15% and 阿里巴巴 5% are in the graph but this driver does not reach them
    assert {h.node_id for h in book.unreached} == {"tencent", "alibaba"}
    assert book.unreached_weight == pytest.approx(0.15 + 0.05 + 0.25)


def test_cli_lists_unknown_holdings_and_json_matches(capsys):
    code, out, _ = run(capsys, "portfolio", BOOK, "--driver", "阿里云资本开支")
    assert code == 0
    assert "line 9: 600519 贵州茅台 (15.00%)" in out and "line 10: 600036.SH 招商银行 (10.00%)" in out
    assert "0.3880" in out and "weights from the weight column (占净值比例(%), percent)" in out
    code, out, _ = run(capsys, "portfolio", BOOK, "--driver", "阿里云资本开支", "-f", "json")
    data = json.loads(out)
    assert data["drivers"][0]["exposure"] == pytest.approx(0.388)
    assert [h["code"] for h in data["holdings"] if h["status"] == "unknown"] == ["600519", "600036.SH"]
    top = data["drivers"][0]["contributors"][0]
    assert top["id"] == "innolight" and top["contribution"] == pytest.approx(0.18) and top["evidence"][-1]["quote"]
    code, out, _ = run(capsys, "portfolio", BOOK, "--driver", "阿里云资本开支", "-f", "csv")
    lines = out.splitlines()
    assert lines[1].startswith("book,alibaba-capex,阿里云资本开支") and ",unknown," not in lines[1]
    assert sum(1 for line in lines if line.startswith("unknown,")) == 2


HEADER_SETS = [
    ("证券代码", "证券名称", "持仓数量", "市值", "权重"),
    ("代码", "名称", "数量", "市值(元)", "权重(%)"),
    ("Ticker", "Name", "Quantity", "Market Value", "Weight"),
    ("code", "name", "quantity", "market value", "weight %"),
]


@pytest.mark.parametrize("headers", HEADER_SETS)
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_every_header_and_encoding(tmp_path, headers, encoding, graph):
    percent = "%" in headers[4] or headers[4] == "权重"
    w = ("60", "40") if percent else ("0.6", "0.4")
    text = ",".join(headers) + f"\n300308,中际旭创,100,600,{w[0]}\n000977,浪潮信息,100,400,{w[1]}\n"
    path = tmp_path / "book.csv"
    path.write_bytes(text.encode(encoding))
    hf = read_holdings(path)
    assert [r.weight for r in hf.rows] == pytest.approx([0.6, 0.4]) and hf.weights_from == "weight"
    assert [r.quantity for r in hf.rows] == [100, 100] and [r.value for r in hf.rows] == [600, 400]
    assert [h.node_id for h in resolve_holdings(graph, hf)] == ["innolight", "ieit"]


@pytest.mark.parametrize("code, node", [
    ("300308", "innolight"), ("300308.SZ", "innolight"), ("SZ300308", "innolight"), ("sz300308", "innolight"),
    ("300308 CH Equity", "innolight"), ("0700 HK", "tencent"), ("0700.HK", "tencent"), ("700 HK Equity", "tencent"),
    ("00700", "tencent"), ("63", "zte"), ("515070", "etf-515070"), ("ＳＺ３００３０８", "innolight"),
])
def test_every_code_spelling(tmp_path, graph, code, node):
    path = tmp_path / "book.csv"
    path.write_text(f"ticker,weight\n{code},1\n", encoding="utf-8")
    (h,) = resolve_holdings(graph, read_holdings(path))
    assert (h.status, h.node_id, h.matched_by) == ("ok", node, "code")


def test_weights_from_market_value_else_equal(tmp_path):
    p = tmp_path / "mv.csv"
    p.write_text("证券代码;证券名称;市值\n300308;中际旭创;3,000\n300502;新易盛;1,000\n", encoding="utf-8")
    hf = read_holdings(p)
    assert hf.weights_from == "value" and [r.weight for r in hf.rows] == [0.75, 0.25]
    p.write_text("证券代码\t证券名称\n300308\t中际旭创\n300502\t新易盛\n000977\t浪潮信息\n", encoding="utf-8")
    hf = read_holdings(p)
    assert hf.weights_from == "equal" and [r.weight for r in hf.rows] == pytest.approx([1 / 3] * 3)
    assert "equal weights" in hf.describe_weights()


def test_terminal_exports_utf16_text_and_text_named_xls(tmp_path, graph):
    text = "证券代码\t证券名称\t市值\n300308\t中际旭创\t300\n300502\t新易盛\t100\n"
    unicode_text = tmp_path / "export.txt"
    unicode_text.write_bytes(text.encode("utf-16"))  # with its BOM, as Excel writes "Unicode text"
    as_xls = tmp_path / "持仓.xls"
    as_xls.write_bytes(text.encode("gb18030"))
    for p in (unicode_text, as_xls):
        hf = read_holdings(p)
        assert [r.weight for r in hf.rows] == [0.75, 0.25]
        assert [h.node_id for h in resolve_holdings(graph, hf)] == ["innolight", "eoptolink"]
    ole = tmp_path / "old.xls"
    ole.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    with pytest.raises(FileFormatError, match="old binary .xls"):
        read_holdings(ole)


def test_english_xlsx(tmp_path, graph):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Holdings as of 2025-12-01 (test data: made-up positions, real codes)"])
    ws.append(["Ticker", "Name", "Quantity", "Market Value"])
    ws.append([300308, "Innolight", 1000, 600000.0])
    ws.append(["0700 HK", "Tencent", 500, 300000.0])
    ws.append([63, "ZTE", 2000, 100000.0])  # a code typed as a number: leading zeros lost
    path = tmp_path / "book.xlsx"
    wb.save(path)
    hf = read_holdings(path)
    assert hf.weights_from == "value" and [r.line for r in hf.rows] == [3, 4, 5]
    assert [r.weight for r in hf.rows] == pytest.approx([0.6, 0.3, 0.1])
    assert [h.node_id for h in resolve_holdings(graph, hf)] == ["innolight", "tencent", "zte"]


def test_ambiguous_code_is_listed_with_candidates_never_guessed(tmp_path, mini):
    p = tmp_path / "book.csv"
    p.write_text("代码,名称,权重\n000001,,50\n000001,甲公司,30\n0700,,20\n", encoding="utf-8")
    hs = resolve_holdings(mini, read_holdings(p))
    assert hs[0].status == "ambiguous" and hs[0].candidates == ["alpha (甲公司)", "beta (乙公司)"]
    assert (hs[1].status, hs[1].node_id, hs[1].matched_by) == ("ok", "alpha", "code and name")
    assert (hs[2].status, hs[2].node_id) == ("ok", "gamma")


def test_rows_of_one_name_are_merged_and_repeated_headers_skipped(tmp_path, graph):
    p = tmp_path / "book.csv"
    p.write_text("代码,名称,权重\n300308,中际旭创,30\n代码,名称,权重\n300308.SZ,中际旭创,20\n000977,浪潮信息,50\n", encoding="utf-8")
    hs = resolve_holdings(graph, read_holdings(p))
    assert [(h.node_id, h.lines, round(h.weight, 6)) for h in hs] == [("innolight", [2, 4], 0.5), ("ieit", [5], 0.5)]


def test_code_and_name_that_disagree_are_a_conflict(tmp_path, graph):
    p = tmp_path / "book.csv"
    p.write_text("代码,名称,权重\n300308,新易盛,100\n", encoding="utf-8")
    (h,) = resolve_holdings(graph, read_holdings(p))
    assert h.status == "conflict" and h.node_id is None


@pytest.mark.parametrize("content, line, words", [
    ("证券代码,权重\n300308,abc\n", 2, "'abc' is not a number"),
    ("证券代码,权重\n300308,60\n300502,\n", 3, "empty here"),
    ("证券代码,权重\n300308,80\n300502,70\n", 3, "add up to 150.00%"),
    ("备注,说明\n1,2\n", 1, "no header row"),
    ("证券代码,权重\n", 1, "no holdings"),
    ("证券代码,市值\n300308,-5\n", 2, "negative"),
])
def test_bad_files_are_one_line_with_file_and_line(tmp_path, capsys, content, line, words):
    p = tmp_path / "bad.csv"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(FileFormatError):
        read_holdings(p)
    code, out, err = run(capsys, "portfolio", p)
    assert code == 1 and out == ""
    assert err.startswith(f"Error: {p}:{line}: ") and words in err and err.count("\n") == 1


def test_a_broken_xlsx_is_one_line(tmp_path, capsys):
    p = tmp_path / "bad.xlsx"
    p.write_bytes(b"PK\x03\x04 not really a zip")
    code, out, err = run(capsys, "portfolio", p)
    assert code == 1 and err.startswith(f"Error: {p}") and "XLSX" in err and err.count("\n") == 1


def test_every_driver_by_default_sorted_by_exposure(graph):
    book = book_exposure(graph, read_holdings(BOOK))
    drivers = {n for n, t in graph.node_types.items() if t == "driver"}
    assert {d.driver.id for d in book.drivers} == drivers
    assert [d.exposure for d in book.drivers] == sorted((d.exposure for d in book.drivers), reverse=True)


def test_as_of_before_any_claim_reaches_nothing(graph):
    import datetime as dt

    book = book_exposure(graph, read_holdings(BOOK), drivers=["阿里云资本开支"], as_of=dt.date(2025, 1, 1))
    assert book.drivers[0].exposure == 0 and book.unreached_weight == pytest.approx(0.95)


def test_negative_calls_do_not_add_to_the_exposure(graph, monkeypatch):
    """A negative call is kept apart from the book's exposure (as exposure lists it apart);
    a neutral rating still counts; mapping another stance to a negative call keeps it apart too."""
    from supplychain import schema
    from supplychain.portfolio.book import stance_call

    assert [s for s in schema.STANCES if stance_call(s) == "exposed"] == ["recommended", "beneficiary", "listed", "neutral"]
    assert (stance_call("negative"), stance_call(None)) == ("negative", "exposed")
    monkeypatch.setattr(schema, "STANCE_CALL", {"listed": "negative"}, raising=False)
    (d,) = book_exposure(graph, read_holdings(BOOK), drivers=["阿里云资本开支"]).drivers
    # 浪潮信息 is `listed` under AI芯片与服务器: kept apart, not in the exposure
    assert d.exposure == pytest.approx(0.2 * 0.9 + 0.1 * 0.9 + 0.1 * 0.64)
    assert d.apart == {"negative": pytest.approx(0.1 * 0.54)}


def test_bundled_graph_untouched_by_reading(tmp_path):
    before = GRAPH.read_bytes()
    copy = tmp_path / "g.yaml"
    shutil.copy(GRAPH, copy)
    main(["-g", str(copy), "portfolio", str(BOOK)])
    assert GRAPH.read_bytes() == before
