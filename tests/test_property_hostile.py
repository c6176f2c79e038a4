"""Property-based tests (hypothesis) that look for the next hostile input.

- Random notes built from the grammar of the ``industry_research`` family (front matter,
  title, numbered key facts, the ``重点受益行业与标的`` list with markers and codes, ETF
  mentions, the risk section) with random Unicode, stray markers, brackets and line
  separators mixed in: parsing and planning against the bundled graph never crash and
  never hang; each gives a plan or one :class:`SupplyChainError` of one line.
- Random small graphs (``synth`` outputs of 20-60 companies, then mutated: names,
  aliases, quotes, dates) dump → load → dump byte-identically when they validate, and
  are refused with located one-line issues when they do not.

Reproducibility: with ``CI`` set (``.ci/run``, ``make test`` in CI) the examples are
derandomized (the same examples every run) and no example database is kept; elsewhere
they are random, so a developer's runs explore further. ``max_examples`` keeps the whole
module to a few seconds; ``deadline`` (per example, generous for a loaded machine) is
the "never hangs" check. A failure prints the example and the ``@reproduce_failure``
blob to rerun it.
"""

from __future__ import annotations

import csv
import datetime as dt
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import TICKERS
from supplychain.errors import GraphValidationError, SupplyChainError

settings.register_profile(
    "hostile", derandomize=bool(os.environ.get("CI")), database=None, deadline=10_000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
HOSTILE = settings.get_profile("hostile")


def hostile(max_examples: int):
    return settings(HOSTILE, max_examples=max_examples)

with open(TICKERS, encoding="utf-8", newline="") as f:
    COMPANIES = [(row["name_zh"], row["ticker"]) for row in csv.DictReader(f)]

SEPARATORS = ["\n", "\r\n", "\u2028", "\u2029", "\u0085", "\x0c", "\x0b", "\x1c", "\t", "\u200b", "\u202e", "\ufeff"]
MARKERS = ["（推荐）", "（受益）", "(推荐)", "(受益)", "（推荐", "推荐）", "（重点推荐）", "（", "）", "推荐:", "受益：", "等", "；", ";"]
SECTORS = ["光模块", "AI芯片与服务器", "液冷温控", "存储芯片", "交换机", "IDC", "新赛道"]
UNITS = ["亿元", "%", "万台", "GW", "亿美元", "个", ""]

hostile_text = st.lists(
    st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(SEPARATORS + MARKERS + ["**", "- ", "#", "、", "，", "：", ":", "ETF", "（512480）"]),
    ),
    max_size=12,
).map("".join)


@st.composite
def name_item(draw):
    name, ticker = draw(st.sampled_from(COMPANIES))
    code = draw(st.sampled_from(["", f"（{ticker.split('.')[0]}）", f"({ticker})", "（不是代码!!）"]))
    return draw(st.sampled_from([name, name + code, draw(hostile_text)])) + draw(
        st.sampled_from(["", "", "（推荐）", "（受益）"] + MARKERS))


@st.composite
def sector_line(draw):
    names = draw(st.lists(name_item(), min_size=0, max_size=5))
    sep = draw(st.sampled_from(["、", "，", ",", "；", " ", *SEPARATORS[2:]]))
    label = draw(st.one_of(st.sampled_from(SECTORS), hostile_text))
    bullet = draw(st.sampled_from(["- ", "* ", "+ ", "-", "  - "]))
    colon = draw(st.sampled_from(["：", ":", "", "**："]))
    return f"{bullet}**{label}**{colon}{sep.join(names)}{draw(hostile_text)}"


@st.composite
def key_fact(draw):
    n = draw(st.integers(1, 12))
    value = draw(st.one_of(st.floats(0, 1e6, allow_nan=False).map(lambda x: f"{x:.2f}"),
                           st.integers(0, 10**30).map(str), st.sampled_from(["9" * 400, "1e999", ".nan"])))
    return f"{n}. {draw(hostile_text)}FY2026Q{draw(st.integers(1, 4))}资本开支{value}{draw(st.sampled_from(UNITS))}，" \
           f"同比增长{draw(st.integers(-200, 500))}%{draw(hostile_text)}"


@st.composite
def note(draw):
    day = draw(st.one_of(st.dates(dt.date(2020, 1, 1), dt.date(2026, 1, 1)).map(str),
                         st.sampled_from(["2025-02-30", "not a date", "", "2025-13-01"])))
    title = draw(st.one_of(st.just("阿里云资本开支跟踪"), hostile_text))
    parts = []
    if draw(st.booleans()):
        parts += ["---", f"title: \"{draw(hostile_text)}\"", f"date: \"{day} 09:00:00 +0800\"", "---"]
    parts += [f"# {title}", "", "### 对交易影响可能最大的5个信息", ""]
    parts += draw(st.lists(key_fact(), max_size=3))
    parts += ["", draw(st.sampled_from(["**重点受益行业与标的**：", "### 重点受益行业与标的", "重点受益行业与标的"])), ""]
    parts += draw(st.lists(sector_line(), max_size=4))
    if draw(st.booleans()):
        parts += ["", f"半导体ETF（512480）{draw(st.sampled_from(['有望受益', '推荐', '']))}。{draw(hostile_text)}"]
    parts += ["", "### 主要风险与不确定性", ""]
    parts += [f"- **{draw(hostile_text)}**：{draw(hostile_text)}" for _ in range(draw(st.integers(0, 2)))]
    seps = draw(st.lists(st.sampled_from(["\n", "\n", "\n", "\r\n", *SEPARATORS[2:]]), min_size=len(parts), max_size=len(parts)))
    return "".join(p + s for p, s in zip(parts, seps))


def _one_line(e: SupplyChainError) -> None:
    text = str(e)
    assert text and "\n" not in text and "Traceback" not in text, text


@hostile(30)
@given(text=note(), driver=st.sampled_from([None, "阿里云资本开支", "新驱动因素", "alibaba-capex"]))
def test_random_notes_give_a_plan_or_one_line(graph, text, driver):
    from supplychain.ingest.parse import parse_text
    from supplychain.ingest.plan import Plan, plan_report

    try:
        report = parse_text(text, "fuzz.md", "industry_research_2025-12-03.md")
        plan = plan_report(graph, report, driver=driver)
    except GraphValidationError as e:  # several located issues, each one line
        assert e.issues and all("\n" not in str(i) for i in e.issues)
        return
    except SupplyChainError as e:
        _one_line(e)
        return
    assert isinstance(plan, Plan)
    plan.describe()  # printable


@hostile(30)
@given(text=note())
def test_random_notes_keep_editor_line_numbers(text):
    """Every fact's line is the line an editor shows (split at \\n only)."""
    from supplychain.ingest.parse import parse_text, quote_of

    try:
        report = parse_text(text, "fuzz.md", "industry_research_2025-12-03.md")
    except SupplyChainError as e:
        _one_line(e)
        return
    lines = text.split("\n")
    for s in report.sectors:
        assert quote_of(lines[s.line - 1].removesuffix("\r")) == s.quote
    for r in report.risks:
        assert quote_of(lines[r.line - 1].removesuffix("\r")) == r.quote


# --------------------------------------------------------------------------- graphs round-trip


@st.composite
def mutated_graph(draw):
    from supplychain.synth import synth_data

    data = synth_data(draw(st.integers(20, 40)), seed=draw(st.integers(0, 10_000)))
    nodes, edges = list(data.nodes), list(data.edges)
    for _ in range(draw(st.integers(0, 6))):
        what = draw(st.sampled_from(["name", "alias", "quote", "date", "drop_edge", "name_en"]))
        if what in ("name", "alias", "name_en"):
            i = draw(st.integers(0, len(nodes) - 1))
            text = draw(hostile_text).strip()  # as validation strips a name (a file's name is never padded)
            if what == "name":
                nodes[i] = nodes[i].model_copy(update={"name": text})
            elif what == "name_en":
                nodes[i] = nodes[i].model_copy(update={"name_en": text or None})
            else:
                nodes[i] = nodes[i].model_copy(update={"aliases": [*nodes[i].aliases, text]})
        elif what == "drop_edge" and edges:
            del edges[draw(st.integers(0, len(edges) - 1))]
        elif edges:
            j = draw(st.integers(0, len(edges) - 1))
            claims = list(edges[j].claims)
            k = draw(st.integers(0, len(claims) - 1))
            if what == "quote":
                claims[k] = claims[k].model_copy(update={"quote": draw(hostile_text).strip()})
            else:
                claims[k] = claims[k].model_copy(update={"date": draw(st.dates(dt.date(1990, 1, 1), dt.date(2030, 1, 1)))})
            edges[j] = edges[j].model_copy(update={"claims": claims})
    return data.model_copy(update={"nodes": nodes, "edges": edges})


@hostile(12)
@given(data=mutated_graph())
def test_random_graphs_round_trip_byte_identically(data):
    from supplychain.store import dump_graph, parse_graph_text

    text = dump_graph(data)
    try:
        loaded = parse_graph_text(text, "fuzz.yaml")
    except GraphValidationError as e:  # a mutation made it invalid: refused, located, one line each
        assert e.issues and all("\n" not in str(i) for i in e.issues)
        return
    except SupplyChainError as e:
        _one_line(e)
        return
    again = dump_graph(loaded)
    assert again == text
    assert dump_graph(parse_graph_text(again, "fuzz.yaml")) == text


@pytest.mark.parametrize("n", [20, 50])
def test_synth_graphs_round_trip_unmutated(n):
    """The unmutated outputs always validate (so the property above is not vacuous)."""
    from supplychain.store import dump_graph, parse_graph_text
    from supplychain.synth import synth_data

    text = dump_graph(synth_data(n, seed=7))
    assert dump_graph(parse_graph_text(text, "synth.yaml")) == text
