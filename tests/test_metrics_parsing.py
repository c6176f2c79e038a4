"""Figures of key facts read right: thousands separators, qualifiers, ranges with a unit on
both ends, signs, percentage-point changes, QoQ changes (docs/ingest.md, "Figures"); and a
figure's YoY cited only from a note that states it, a revision only in the same unit."""

from __future__ import annotations

import pytest

from supplychain.ingest.keyfacts import parse_metrics


def _one(text: str):
    ms = parse_metrics(text)
    assert len(ms) == 1, ms
    return ms[0]


@pytest.mark.parametrize("text, value, qualifier", [
    ("北美四大云厂商2025年资本开支指引合计超3,800亿美元，AI投入持续加码。", 3800.0, ">"),
    ("北美四大云厂商2025年资本开支指引合计超过3，800亿美元。", 3800.0, ">"),
    ("亚马逊2025年资本开支逾1,250.5亿美元。", 1250.5, ">"),
    ("亚马逊2025年资本开支约1,250亿美元。", 1250.0, "~"),
    ("阿里巴巴未来三年AI基础设施投入接近3,800亿元。", 3800.0, "~"),
    ("腾讯2025年资本开支近900亿元。", 900.0, "~"),
    ("阿里巴巴未来三年资本开支不低于3,800亿元。", 3800.0, ">="),
    ("阿里巴巴未来三年资本开支至少3,800亿元。", 3800.0, ">="),
])
def test_thousands_separators_and_qualifiers(text, value, qualifier):
    m = _one(text)
    assert (m.value, m.qualifier) == (value, qualifier)
    assert "," not in m.name and "3" not in m.name


@pytest.mark.parametrize("text", [
    "谷歌将2025年资本开支指引上调至910亿-930亿美元。",
    "谷歌将2025年资本开支指引上调至910亿至930亿美元。",
    "谷歌将2025年资本开支指引上调至910-930亿美元。",
    "谷歌将2025年资本开支指引上调至910～930亿美元。",
    "谷歌将2025年资本开支指引上调至910亿美元-930亿美元。",
])
def test_range_with_the_unit_on_both_ends(text):
    m = _one(text)
    assert (m.name, m.value, m.low, m.high, m.unit, m.period) == ("谷歌资本开支指引", None, 910.0, 930.0, "亿美元", "2025")


def test_a_range_of_two_units_is_no_range():
    assert all(m.low is None for m in parse_metrics("腾讯混元大模型日均调用量3亿次至5亿元。"))


def test_minus_sign_before_a_number_is_negative():
    m = _one("受存货减值拖累，浪潮信息2025Q3净利润-5.2亿元，同比由盈转亏。")
    assert (m.name, m.value, m.unit) == ("浪潮信息净利润", -5.2, "亿元")
    loss = _one("中芯国际2025Q3亏损5.2亿元。")
    assert (loss.name, loss.value) == ("中芯国际亏损", 5.2)
    # a range dash after a number is no sign
    assert _one("Meta将2025年资本开支指引收窄至700-720亿美元。").low == 700.0


@pytest.mark.parametrize("text, name", [
    ("工业富联AI服务器业务利润率提升2.3个百分点至9.0%。", "工业富联AI服务器业务利润率"),
    ("中际旭创2025Q3毛利率同比提升2.3个百分点至9.0%，高端光模块占比提升。", "中际旭创毛利率"),
])
def test_percentage_point_change_is_dropped_the_level_kept(text, name):
    m = _one(text)
    assert (m.name, m.value, m.unit, m.yoy) == (name, 9.0, "%", None)


def test_never_a_name_of_unit_words():
    for m in parse_metrics("利润率提升2.3个百分点至9.0%，净利率下降0.5pct至3.1%。"):
        assert "百分点" not in m.name and m.name not in ("数", "个", "pct")
    assert [(m.name, m.value) for m in parse_metrics("利润率提升2.3个百分点至9.0%，净利率下降0.5pct至3.1%。")] == [
        ("利润率", 9.0), ("净利率", 3.1)]


def test_qoq_is_not_a_yoy_and_a_decline_is_negative():
    m = _one("腾讯2025Q3资本开支129.83亿元，环比下降10%，同比下降24%。")
    assert (m.value, m.unit, m.yoy) == (129.83, "亿元", -24.0)
    alone = parse_metrics("腾讯2025Q3资本开支环比下降10%，同比下滑24.05%。")
    assert [(x.name, x.value, x.yoy) for x in alone] == [("资本开支", None, -24.05)]
    assert _one("阿里云Q2营收398.24亿元，同比减少3%。").yoy == -3.0
    assert parse_metrics("腾讯2025Q3资本开支环比下降10%。") == []
