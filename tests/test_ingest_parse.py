"""Parsing notes: the group rule, tolerated variants, metrics, and one clear error per bad note."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import FIXTURES, SEED_NOTE
from supplychain.cli import main
from supplychain.errors import FileFormatError
from supplychain.ingest.parse import parse_metrics, parse_names, parse_report, parse_text

INGEST = FIXTURES / "ingest"
BAD = "tests/fixtures/ingest/bad"


def names(body: str) -> list[tuple]:
    return [(m.name, m.code, m.stance) for m in parse_names(body, "x.md", 1)]


# --------------------------------------------------------------------------- the group rule


@pytest.mark.parametrize(
    "body, expected",
    [
        # a marker covers every name back to the previous marker, ； or the start of the line
        ("中际旭创、新易盛、亨通光电（推荐）；仕佳光子、长光华芯、永鼎股份等（受益）",
         [("中际旭创", None, "recommended"), ("新易盛", None, "recommended"), ("亨通光电", None, "recommended"),
          ("仕佳光子", None, "beneficiary"), ("长光华芯", None, "beneficiary"), ("永鼎股份", None, "beneficiary")]),
        # names after the last marker are listed
        ("英维克（推荐）、思泉新材、同飞股份",
         [("英维克", None, "recommended"), ("思泉新材", None, "listed"), ("同飞股份", None, "listed")]),
        # ； ends a group: names before it without a marker are listed
        ("A、B；C（受益）", [("A", None, "listed"), ("B", None, "listed"), ("C", None, "beneficiary")]),
        # half-width punctuation and spaces
        ("中际旭创 , 新易盛 (推荐) ; 仕佳光子 等 (受益)",
         [("中际旭创", None, "recommended"), ("新易盛", None, "recommended"), ("仕佳光子", None, "beneficiary")]),
        # a code after a name is a code, not a marker
        ("中际旭创(300308)、新意网集团（1686.HK）（推荐）、万国数据(GDS)",
         [("中际旭创", "300308", "recommended"), ("新意网集团", "1686.HK", "recommended"), ("万国数据", "GDS", "listed")]),
        # prefixes instead of markers
        ("推荐：中兴通讯、紫光股份；受益：锐捷网络",
         [("中兴通讯", None, "recommended"), ("紫光股份", None, "recommended"), ("锐捷网络", None, "beneficiary")]),
        ("伟仕佳杰（受益）", [("伟仕佳杰", None, "beneficiary")]),
    ],
)
def test_group_rule(body, expected):
    assert names(body) == expected


def test_seed_note_parses_to_the_bundled_facts():
    r = parse_report(SEED_NOTE)
    assert (r.id, r.name, r.date, r.date_line) == ("industry-research-2025-11-26", "industry_research_2025-11-26", dt.date(2025, 11, 26), 4)
    assert r.title == "市场研究摘要：国产AI算力产业链迎来基本面拐点——基于阿里云高增长与资本开支扩张分析"
    assert [s.name for s in r.sectors] == [
        "液冷/风冷系统", "AI芯片与服务器", "光通信模块与器件", "交换机与网络芯片",
        "AIDC数据中心运营", "HVDC与备用电源", "算力租赁服务", "AI算力集成与分销",
    ]
    optical = r.sectors[2]
    assert optical.line == 64
    assert optical.quote == "光通信模块与器件：中际旭创、新易盛、源杰科技、华工科技、天孚通信、中天科技、亨通光电（推荐）；仕佳光子、长光华芯、永鼎股份等（受益）"
    assert [(e.name, e.code, e.stance) for e in r.etfs] == [
        ("云计算50ETF", "516630", "beneficiary"), ("人工智能AIETF", "515070", "beneficiary"),
        ("大数据ETF", "515400", "beneficiary"), ("科创板50ETF", "588000", "beneficiary"),
    ]
    assert r.etfs[0].quote == "A股市场中，云计算50ETF（516630）、人工智能AIETF（515070）、大数据ETF（515400）及科创板50ETF（588000）中相关权重股有望受益。"
    assert [k.name for k in r.risks][:2] == ["AI发展不及预期风险", "资本开支可持续性风险"]
    assert r.risks[4].quote == "地缘政治与出口管制风险：AI高性能芯片面临出口限制，可能影响技术升级路径。"
    assert [f.line for f in r.facts] == [20, 22, 23, 24, 25]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("FY2026Q2资本开支315.01亿元，同比增长80.10%，显示强劲投入力度。", [("资本开支", 315.01, "亿元", "FY2026Q2", 80.1, "=")]),
        ("阿里云Q2营收398.24亿元，同比增长34%，增速较Q1明显提升。", [("阿里云营收", 398.24, "亿元", None, 34.0, "=")]),
        ("物业与设备购置支出同比增长85.12%，直接利好AI算力硬件链。", [("物业与设备购置支出", None, None, None, 85.12, "=")]),
        ("新增迪拜、马来西亚数据中心，全球布局扩至29个地域、92个可用区。",
         [("地域数", 29.0, "个", None, None, "="), ("可用区数", 92.0, "个", None, None, "=")]),
        ("通义大模型衍生模型超18万个，全球下载量超7亿次，居全球第一。",
         [("通义大模型衍生模型", 18.0, "万个", None, None, ">"), ("全球下载量", 7.0, "亿次", None, None, ">")]),
        ("毛利率同比下降2.5%。", [("毛利率", None, None, None, -2.5, "=")]),
        ("AI相关产品收入连续九个季度实现三位数同比增长。", []),
    ],
)
def test_metrics(text, expected):
    got = [(m.name, m.value, m.unit, m.period, m.yoy, m.qualifier) for m in parse_metrics(text)]
    assert got == expected


def test_date_from_front_matter_or_file_name():
    r = parse_text("---\ndate: 2025/12/1\n---\n## 风险\n- **风险**：x\n", "n.md")
    assert r.date == dt.date(2025, 12, 1)
    r = parse_text("# t\n### 4. 主要风险\n- **汇率风险**：x\n", "notes/call_2025-12-09.md")
    assert (r.date, r.id, r.risks[0].name) == (dt.date(2025, 12, 9), "call-2025-12-09", "汇率风险")


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "fixture, message",
    [
        ("empty.md", "empty.md:1: empty file; expected a research note"),
        ("binary.md", "binary.md:1: binary file, expected UTF-8 text"),
        ("no_sections.md", "no_sections.md:1: no recognisable sections: expected a '重点受益行业与标的' list of "
                           "'- **sub-sector**：names' lines, a risk section, ETF mentions 'NAME（CODE）' or numbered key facts"),
        ("open_marker.md", "open_marker.md:11: unbalanced marker '（推荐': write it as '（推荐）'"),
        ("close_marker.md", "close_marker.md:10: unbalanced marker '推荐）': write it as '（推荐）'"),
        ("bad_date.md", "bad_date.md:3: date '2025-13-45 10:00:00 +0800' is not a date; write it as YYYY-MM-DD"),
        ("no_driver.md", "no_driver.md:6: the title names no subject whose driver this note is about (a company or "
                         "region such as 腾讯, 北美云厂商, with a concept such as 资本开支); pass --driver NAME (candidates: "
                         "--driver 阿里云AI相关产品收入, --driver 物业与设备购置支出, --driver AI需求)"),
    ],
)
def test_bad_note_is_one_located_line_and_leaves_the_graph_alone(fixture, message, tmp_path, capsys):
    graph = tmp_path / "graph.yaml"
    graph.write_bytes((FIXTURES.parent.parent / "data" / "graph.yaml").read_bytes())
    before = graph.read_bytes()
    code = main(["--graph", str(graph), "ingest", f"{BAD}/{fixture}"])
    out, err = capsys.readouterr()
    assert (code, out) == (1, "")
    assert err == f"Error: {BAD}/{message}\n"
    assert graph.read_bytes() == before


def test_missing_note(capsys):
    assert main(["ingest", "--dry-run", "nope.md"]) == 1
    assert capsys.readouterr().err == "Error: nope.md: file not found\n"


def test_parse_errors_are_file_format_errors():
    with pytest.raises(FileFormatError) as e:
        parse_names("A（推荐、B", "n.md", 7)
    assert str(e.value) == "n.md:7: unbalanced marker '（推荐': write it as '（推荐）'"
    with pytest.raises(FileFormatError, match=r"n.md:1: front matter opened with '---' is never closed"):
        parse_text("---\ntitle: x\n", "n.md")


def test_reference_reads_codes_as_graph_lookups_do():
    from supplychain.ingest.plan import Reference

    ref = Reference.load("data/reference/tickers.csv")
    assert ref.lookup(None, "0700").name == ref.lookup(None, "00700.HK").name == "腾讯控股"
    assert ref.lookup(None, "000700.SZ") is None
