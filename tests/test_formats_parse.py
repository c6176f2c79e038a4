"""The pieces every note format shares: ratings, codes, dates, tables, detection, HTML, PDF lines."""

from __future__ import annotations

import datetime as dt

import pytest

from supplychain.errors import FileFormatError
from supplychain.ingest.formats import detect, parse_note
from supplychain.ingest.formats.common import clean_code, first_date
from supplychain.ingest.formats.ratings import rating_stance
from supplychain.ingest.formats.read import html_text, unwrap
from supplychain.ingest.formats.tables import rating_rows
from supplychain.schema import RATINGS, STANCES


@pytest.mark.parametrize("word, stance", [
    ("买入", "recommended"), ("强烈推荐", "recommended"), ("Buy", "recommended"), ("OVERWEIGHT", "recommended"),
    ("Outperform", "recommended"), ("维持买入评级", "recommended"), ("增持", "beneficiary"), ("谨慎推荐", "beneficiary"),
    ("上调至增持", "beneficiary"), ("Accumulate", "beneficiary"), ("中性", "neutral"), ("Hold", "neutral"),
    ("Equal-weight", "neutral"), ("Equal Weight", "neutral"), ("Market Perform", "neutral"), ("减持", "negative"),
    ("卖出", "negative"), ("Underweight", "negative"), ("Sell", "negative"), ("Underperform", "negative"),
    ("未评级", None), ("NR", None), ("-", None), ("", None),
])
def test_ratings_map_to_stances(word, stance):
    assert rating_stance(word) == stance


def test_every_rating_gives_a_known_stance():
    assert set(RATINGS.values()) <= set(STANCES) and {"neutral", "negative"} <= set(RATINGS.values())


@pytest.mark.parametrize("text, code", [
    ("603019 CH", "603019"), ("603019 C2", "603019"), ("000938.SZ", "000938.SZ"), ("sz300308", "300308.SZ"),
    ("601138.SS", "601138.SH"), ("0700 HK", "0700.HK"), ("992 HK", "0992.HK"), ("00700.HK", "0700.HK"),
    ("NVDA US", "NVDA"), ("NVDA.O", "NVDA"), ("Buy", None), ("2025", None),
])
def test_codes_in_the_spellings_notes_use(text, code):
    assert clean_code(text) == code


@pytest.mark.parametrize("lines, date, line", [
    (["标题", "2025年12月12日"], dt.date(2025, 12, 12), 2),
    (["发布日期：2025 年 12 月 8 日"], dt.date(2025, 12, 8), 1),
    (["Equity Research | December 15, 2025"], dt.date(2025, 12, 15), 1),
    (["15 Dec 2025"], dt.date(2025, 12, 15), 1),
    (["date: 2025-12-03"], dt.date(2025, 12, 3), 1),
])
def test_dates_in_the_first_lines(lines, date, line):
    assert first_date(lines, "n.md", "n.md") == (date, line)


def test_a_date_in_the_file_name_and_a_bad_date():
    assert first_date(["无日期"], "n.md", "broker_20251218.md") == (dt.date(2025, 12, 18), 0)
    with pytest.raises(FileFormatError, match=r"n.md:1: date '2025年13月01日' is not a date"):
        first_date(["2025年13月01日"], "n.md", "n.md")


def test_text_tables_with_tabs_and_an_english_table():
    rows = rating_rows(["证券代码\t证券简称\t细分行业\t投资评级", "300308.SZ\t中际旭创\t光模块\t买入", "",
                        "| Company | Ticker | Rating |", "|---|---|---|", "| Sugon | 603019 CH | Buy |",
                        "| Inspur Electronic Information | 000977 CH | Equal-weight |"])
    assert [(m.name, m.code, m.stance, m.sector, m.line) for m in rows] == [
        ("中际旭创", "300308.SZ", "recommended", "光模块", 2),
        ("Sugon", "603019", "recommended", None, 6),
        ("Inspur Electronic Information", "000977", "neutral", None, 7),
    ]


@pytest.mark.parametrize("text, fmt", [
    ("---\ntitle: x\n---\n重点受益行业与标的\n", "family"),
    ("---\ntitle: x\n---\n# 行业点评\n", "family"),
    ("行业点评\n投资建议：建议关注紫光股份。\n", "broker"),
    ("China AI\nTop picks: Sugon (603019 CH, Buy)\n", "english"),
    ("周报\n浪潮信息获买入评级。\n", "general"),
])
def test_formats_are_recognised_by_structure(text, fmt):
    assert detect(text.splitlines())[0] == fmt


def test_html_keeps_headings_lists_and_table_rows_and_drops_scripts():
    text = html_text("<html><head><script>var x='买入';</script></head><body><h2>风险提示</h2><ul><li>需求不及预期</li></ul>"
                     "<table><tr><td>紫光股份</td><td>买入</td></tr></table></body></html>")
    assert text.splitlines() == ["## 风险提示", "- 需求不及预期", "| 紫光股份 | 买入 |"]


def test_unwrap_joins_english_lines_with_a_space_and_keeps_short_lines():
    lines = ["Top picks: Sugon (603019 CH, Buy), Range Intelligent Computing (300442", "CH, Overweight).", "Key risks"]
    assert unwrap(lines).splitlines() == [
        "Top picks: Sugon (603019 CH, Buy), Range Intelligent Computing (300442 CH, Overweight).", "Key risks"]


def test_a_traditional_risk_section_is_a_risk_section():
    report = parse_note("行業點評：交換機需求旺盛\n2025年12月12日\n投資建議：建議關注紫光股份、銳捷網絡。\n\n風險提示：AI需求不及預期；行業競爭加劇。\n",
                        "n.txt", "n.txt")
    assert report.format == "broker"
    assert [(m.name, m.quote) for m in report.mentions] == [
        ("紫光股份", "投資建議：建議關注紫光股份、銳捷網絡。"), ("锐捷网络", "投資建議：建議關注紫光股份、銳捷網絡。")]
    assert [r.name for r in report.risks] == ["AI需求不及预期", "行业竞争加剧"]
    assert report.risks[0].quote == "風險提示：AI需求不及預期；行業競爭加劇。"


def test_english_risk_labels_but_not_prose_about_risks():
    report = parse_note("# China AI servers\nDecember 12, 2025\nRisks to the AI trade are rising, but we like Sugon (603019 CH, Buy).\n"
                        "Risks to our view: slower capex; export controls.\n", "n.md", "n.md")
    assert [(m.name, m.stance) for m in report.mentions] == [("Sugon", "recommended")]
    assert [r.name for r in report.risks] == ["slower capex", "export controls"]
