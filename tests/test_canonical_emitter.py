"""The canonical emitter (canonical.dump_graph) writes, for any text, what PyYAML's
dumper writes for the canonical structure: property tests over names, aliases, quotes
and stances, claims in any order."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from supplychain.canonical import HEADER, canonical, dump_graph, pyyaml_dump, sorted_claims
from supplychain.schema import Claim, CompanyNode, Edge, GraphData, ReportNode, SectorNode

# what real notes hold, and what YAML reads as something else: CJK, full-width and ASCII
# punctuation, YAML indicators, numbers, dates, booleans, leading/trailing blanks
PIECES = st.sampled_from(["中际旭创", "光模块", "：", "，", "（", "）", "# ", "#", ": ", ":", "- ", "-", "'", '"',
                          "?", "!", "&", "*", "|", ">", "%", "@", "`", "[", "]", "{", "}", ",", "...", "---",
                          "300308", "002837", "0x1F", "1e3", "2025-11-26", "yes", "No", "null", "~", "true",
                          ".inf", " ", "  ", "\t", "Innolight", "AI", "800G", "25%", "+80.1%", "é", "\u3000",
                          "\u00a0", "\u2028", "\x85", "\ufeff", "\x07"])
TEXT = st.lists(PIECES, min_size=1, max_size=6).map("".join)


def graph(name: str, alias: str, quotes: list[str], stances: list) -> GraphData:
    day = dt.date(2025, 11, 26)
    claims = [Claim.model_construct(report="r", date=dt.date.fromordinal(day.toordinal()), quote=q, stance=s,
                                    weight=None, driver=None)
              for q, s in zip(quotes, stances)]
    return GraphData.model_construct(
        version=1,
        nodes=[
            CompanyNode.model_construct(id="innolight", type="company", name=name, name_en=None, aliases=[alias],
                                        description=None, ticker="300308.SZ", exchange=None, listings=[]),
            SectorNode.model_construct(id="optical", type="sector", name="光模块", name_en=None, aliases=[],
                                       description=None),
            ReportNode.model_construct(id="r", type="report", name="n", name_en=None, aliases=[], description=None,
                                       title="t", date=day, file=None, metrics=[]),
        ],
        edges=[Edge.model_construct(type="member_of", source="innolight", target="optical", claims=claims)],
    )


@settings(max_examples=300, deadline=None)
@given(name=TEXT, alias=TEXT, quotes=st.lists(TEXT, min_size=1, max_size=4),
       stances=st.lists(st.sampled_from([None, "recommended", "beneficiary", "listed"]), min_size=4, max_size=4))
def test_the_emitter_writes_what_pyyaml_writes(name, alias, quotes, stances):
    data = graph(name, alias, quotes, stances)
    assert dump_graph(data) == HEADER + pyyaml_dump(canonical(data))


@settings(max_examples=200, deadline=None)
@given(quotes=st.lists(st.sampled_from(["甲", "乙", "丙"]), min_size=2, max_size=6),
       stances=st.lists(st.sampled_from([None, "recommended", "listed"]), min_size=6, max_size=6))
def test_claims_are_ordered_by_date_report_stance_quote_whatever_their_stances(quotes, stances):
    """A stance of None sorts as "" (before any stance), also among claims that set one."""
    edge = graph("中际旭创", "旭创", quotes, stances).edges[0]
    expected = sorted(edge.claims, key=lambda c: (c.date, c.report, c.stance or "", c.quote))
    assert [id(c) for c in sorted_claims(edge)] == [id(c) for c in expected]
