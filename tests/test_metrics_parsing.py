"""Figures of key facts read right: thousands separators, qualifiers, ranges with a unit on
both ends, signs, percentage-point changes, QoQ changes (docs/ingest.md, "Figures"); and a
figure's YoY cited only from a note that states it, a revision only in the same unit."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import GRAPH, run
from supplychain.graph import load_graph
from supplychain.ingest.figures import revision_of
from supplychain.ingest.keyfacts import parse_metrics
from supplychain.schema import Evidence, Metric


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


# --------------------------------------------------------------------------- figures.py

TENCENT = Path("tests/fixtures/drivers/industry_research_2025-11-14.md")  # 129.83亿元, no YoY
IDC = Path("tests/fixtures/metrics/industry_research_2025-12-12.md")  # 129.83亿元, 同比下降24.05%


def _tencent_figure(path: Path):
    (m,) = load_graph(path).nodes["tencent-capex"].metrics
    return m


@pytest.mark.parametrize("order", [(TENCENT, IDC), (IDC, TENCENT)])
def test_a_yoy_is_cited_from_the_note_that_states_it(tmp_path, capsys, order):
    graph = tmp_path / "graph.yaml"
    graph.write_bytes(GRAPH.read_bytes())
    assert run(capsys, "-g", graph, "ingest", TENCENT, "--driver", "腾讯资本开支")[0] == 0
    for note in order:  # re-ingesting the Tencent note is a no-op: the order of the two notes
        assert run(capsys, "-g", graph, "ingest", note)[0] == 0
    m = _tencent_figure(graph)
    assert (m.value, m.yoy, [s.report for s in m.sources]) == (
        129.83, -24.05, ["industry-research-2025-12-12", "industry-research-2025-11-14"])
    assert "24.05" in m.source.quote and "24.05" not in m.also[0].quote
    code, out, _ = run(capsys, "-g", graph, "brief", "腾讯资本开支")
    line = next(x for x in out.splitlines() if x.startswith("- 资本开支 129.83 亿元"))
    assert line.startswith("- 资本开支 129.83 亿元, -24.05% YoY, 2025Q3 (2 notes) [^")
    ref = line.rsplit("[^", 1)[1].rstrip("]")
    footnote = next(x for x in out.splitlines() if x.startswith(f"[^{ref}]: "))
    assert "industry-research-2025-12-12" in footnote and "同比下降24.05%" in footnote
    # taking back the note that states the YoY takes the YoY with it
    assert run(capsys, "-g", graph, "retract", "industry-research-2025-12-12")[0] == 0
    m = _tencent_figure(graph)
    assert (m.value, m.yoy, [s.report for s in m.sources]) == (129.83, None, ["industry-research-2025-11-14"])


def test_a_revision_needs_the_same_unit(tmp_path, capsys):
    """A note titled about North-American and Tencent capex: its driver is the North-American
    one, which holds ~1130 亿美元 for 2025Q3; Tencent's 129.83 亿元 does not revise it."""
    graph = tmp_path / "graph.yaml"
    graph.write_bytes(GRAPH.read_bytes())
    assert run(capsys, "-g", graph, "ingest", "tests/fixtures/drivers/industry_research_2025-11-05.md")[0] == 0
    text = TENCENT.read_text(encoding="utf-8")
    note = tmp_path / TENCENT.name
    note.write_text(text.replace("市场研究摘要：腾讯资本开支超预期，AI服务器与光模块订单加速释放", "北美云厂商与腾讯资本开支双双上修")
                    .replace('title: "industry_research_2025-11-14"', 'title: "北美云厂商与腾讯资本开支双双上修"'), encoding="utf-8")
    code, out, _ = run(capsys, "-g", graph, "ingest", "--dry-run", note)
    assert code == 0
    (line,) = [x for x in out.splitlines() if "129.83" in x]
    assert line.startswith("  new metric") and "revises" not in line
    held = [x for x in load_graph(graph).nodes["north-american-cloud-capex"].metrics if x.period == "2025Q3"]
    assert [(x.value, x.unit) for x in held] == [(1130.0, "亿美元")]


def test_a_revision_in_the_same_unit_still_revises():
    e = Evidence(report="r1", date="2025-11-05", quote="北美四大云厂商2025Q3资本开支合计约1130亿美元")
    a = Metric(name="资本开支", value=1130, unit="亿美元", period="2025Q3", qualifier="~", source=e)
    later = Evidence(report="r2", date="2025-11-20", quote="北美四大云厂商2025Q3资本开支上修至1150亿美元")
    assert revision_of(a, a.model_copy(update={"value": 1150.0, "source": later}))
    other = Evidence(report="r2", date="2025-11-20", quote="腾讯2025Q3资本开支1150亿美元")
    assert not revision_of(a, a.model_copy(update={"value": 1150.0, "source": other}))


@pytest.mark.parametrize("sentence, expected", [
    ("阿里云营收下降10%。", ("阿里云营收增速", -10.0, "%", "=")),    # a change with no 同比 / 环比: a rate, signed
    ("云收入增长34%。", ("云收入增速", 34.0, "%", "=")),
    ("资本开支增长超50%。", ("资本开支增速", 50.0, "%", ">")),
    ("毛利率提升至35%。", ("毛利率", 35.0, "%", "=")),               # rose *to* 35%: a level
    ("上架率回升至75%。", ("上架率", 75.0, "%", "=")),
])
def test_a_bare_change_in_percent_is_a_rate_not_a_level(sentence, expected):
    (m,) = parse_metrics(sentence)
    assert (m.name, m.value, m.unit, m.qualifier) == expected and m.yoy is None
