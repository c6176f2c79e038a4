"""Notes as they really arrive: broker notes (Markdown, HTML, text), English notes,
traditional Chinese, PDFs, stdin and the general fallback, each on a fixture written
with real listed companies and their real codes (tests/fixtures/notes/)."""

from __future__ import annotations

import io
import json
import re
import sys

import pytest

from conftest import FIXTURES, run
from supplychain.graph import load_graph
from supplychain.ingest.formats.read import read_source
from supplychain.ingest.parse import parse_report
from supplychain.query import exposure
from supplychain.ingest.plan import Reference, default_reference, plan_report

NOTES = FIXTURES / "notes"
DRIVER = "阿里云资本开支"


@pytest.fixture(scope="module")
def bundled():
    return load_graph("data/graph.yaml")


def plan_of(g, path, **kw):
    report = parse_report(path)
    ref = Reference.load(default_reference("data/graph.yaml"))
    return report, plan_report(g, report, driver=kw.pop("driver", DRIVER), reference=ref, **kw)


def node_of(g, plan, node_id):
    return next((n.node for n in plan.nodes if n.node.id == node_id), None) or g.nodes[node_id]


NAMES = {  # real codes (data/reference/tickers.csv, ../shared/reference/a_shares.csv) of names a note may give bare
    "301191.SZ": "菲菱科思", "601138.SH": "工业富联", "603019.SH": "中科曙光", "603296.SH": "华勤技术",
    "002281.SZ": "光迅科技",
}


def key_of(node) -> str:
    """A company's ticker; its real code when the note named it without one (the curated
    tickers.csv does not list every company: the full security master does)."""
    if node.ticker:
        return node.ticker
    return next((t for t, n in NAMES.items() if n == node.name), node.name)


def stances_by_ticker(g, plan) -> dict[str, str]:
    """ticker → stance of every member_of claim the plan makes."""
    out = {}
    for c in plan.claims:
        if c.key[0] == "member_of":
            out[key_of(node_of(g, plan, c.key[1]))] = c.claim.stance
    return out


def new_companies(plan) -> set[str]:
    return {key_of(n.node) for n in plan.nodes if n.node.type == "company"}


def assert_quotes_in_note(plan, path):
    text, _ = read_source(path)
    plain = text.replace("**", "")  # a sub-sector line is quoted without its bold marks
    for c in plan.claims:
        assert c.claim.quote in text or c.claim.quote in plain, c.claim.quote


CASES = {
    # file: (format, {ticker: stance}, tickers of the new company nodes)
    "broker_switches_20251212.md": ("broker", {
        "000938.SZ": "recommended",   # 紫光股份: listed under 建议关注, the table's 买入 wins
        "301165.SZ": "beneficiary",   # 锐捷网络: 增持
        "301191.SZ": "beneficiary",   # 菲菱科思: 受益标的
        "603019.SH": "recommended",   # 中科曙光: 重点推荐 and 买入
        "000977.SZ": "neutral",       # 浪潮信息: 重点推荐, but the table says 中性
        "601138.SH": "listed",        # 工业富联: 相关标的
    }, {"301191.SZ", "603019.SH", "601138.SH"}),
    "english_china_ai_infra.md": ("english", {
        "603019.SH": "recommended",   # Sugon (603019 CH, Buy)
        "300442.SZ": "recommended",   # Range Intelligent Computing (300442 CH, Overweight) = 润泽科技
        "601138.SH": "beneficiary",   # Foxconn Industrial Internet: other beneficiaries
        "603296.SH": "beneficiary",   # Huaqin Technology
        "000977.SZ": "neutral",       # Inspur Electronic Information (000977 CH, Neutral) = 浪潮信息
        "300383.SZ": "negative",      # Sinnet Technology (300383 CH, Underweight) = 光环新网
    }, {"603019.SH", "601138.SH", "603296.SH"}),
    "broker_servers_20251218.html": ("broker", {
        "603019.SH": "recommended", "601138.SH": "beneficiary", "002837.SZ": "recommended",
    }, {"603019.SH", "601138.SH"}),
    "broker_optical_20251219.txt": ("broker", {
        "300308.SZ": "recommended", "300502.SZ": "recommended", "300394.SZ": "beneficiary", "002281.SZ": "beneficiary",
    }, {"002281.SZ"}),
    "general_weekly_2025-12-20.txt": ("general", {
        "000977.SZ": "recommended",   # 上调至买入评级
        "000938.SZ": "beneficiary",   # 维持增持评级
        "300383.SZ": "negative",      # 下调至减持
    }, set()),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_format_finds_every_company_with_its_stance(bundled, name):
    fmt, expected, new = CASES[name]
    report, plan = plan_of(bundled, NOTES / name)
    assert report.format == fmt
    assert stances_by_ticker(bundled, plan) == expected
    assert new_companies(plan) == new  # a company the graph has is never a second node
    assert_quotes_in_note(plan, NOTES / name)
    assert all(c.rule for c in plan.claims)  # the plan says which rule made each claim


ETFS = {  # ETF mentions with codes are ETFs in every format
    "english_china_ai_infra.md": {("etf-516630", "beneficiary"), ("etf-515070", "beneficiary")},
    "broker_servers_20251218.html": {("etf-515400", "beneficiary")},
    "twins/industry_research_2025-12-05.md": {("etf-515400", "beneficiary"), ("etf-515070", "beneficiary")},
}


@pytest.mark.parametrize("name", sorted(ETFS))
def test_etfs_with_codes_are_etfs_in_every_format(bundled, name):
    _, plan = plan_of(bundled, NOTES / name)
    assert {(c.key[1], c.claim.stance) for c in plan.claims if c.key[0] == "exposed_to"} == ETFS[name]
    assert not [n for n in plan.nodes if n.node.type == "etf"]  # the graph's ETFs, found by code


def test_the_rating_table_wins_over_the_list_and_the_plan_says_so(bundled):
    _, plan = plan_of(bundled, NOTES / "broker_switches_20251212.md")
    assert "紫光股份: the rating table's 买入 (recommended, line 19) wins over the list's beneficiary (line 10)" in plan.notes
    zg = next(c for c in plan.claims if c.key[:2] == ("member_of", bundled.resolve("紫光股份").id))
    assert zg.claim.quote == "| 000938.SZ | 紫光股份 | 增持 | 买入 |" and zg.rule.startswith("rating table (买入)")
    text = plan.describe()
    assert "member_of 锐捷网络 → 交换机与网络芯片 [beneficiary] — rating table (增持), line 20" in text


def test_broker_risks_resolve_to_known_risks_or_are_new(bundled):
    report, plan = plan_of(bundled, NOTES / "broker_switches_20251212.md")
    assert [r.name for r in report.risks] == ["AI需求不及预期", "资本开支兑现不及预期", "行业竞争加剧"]
    # a known risk named by a new note threatens that note's driver (issue 10), not the drivers it threatened before
    assert ("threatens", "risk-competition", "alibaba-capex") in {c.key for c in plan.claims}


def test_english_names_become_aliases_of_the_existing_node(bundled):
    _, plan = plan_of(bundled, NOTES / "english_china_ai_infra.md")
    aliases = {(a.alias, a.node) for a in plan.aliases}
    assert ("Sinnet Technology", bundled.resolve("光环新网").id) in aliases
    assert [r.name for r in parse_report(NOTES / "english_china_ai_infra.md").risks] == ["Capex pause", "Export controls"]


TWINS = [  # (simplified, traditional = OpenCC s2t of it, member_of claims, a quote in traditional script)
    ("twins/industry_research_2025-12-05.md", "twins/industry_research_2025-12-05_traditional.md", 11, "銳捷網絡（推薦）"),
    ("broker_switches_20251212.md", "twins/broker_switches_traditional_20251212.md", 6, "| 301165.SZ | 銳捷網絡 | 增持 | 增持 |"),
]


@pytest.mark.parametrize("simplified, traditional, n, quote", TWINS)
def test_a_traditional_note_gives_the_plan_of_its_simplified_twin(bundled, simplified, traditional, n, quote):
    simp_report, simp = plan_of(bundled, NOTES / simplified)
    trad_report, trad = plan_of(bundled, NOTES / traditional)

    def shape(plan, report_id):
        claims = sorted((tuple(x.replace(report_id, "R") for x in c.key), c.claim.stance, c.new_edge) for c in plan.claims)
        nodes = sorted((n.node.type, n.node.name, getattr(n.node, "ticker", None)) for n in plan.nodes if n.node.type != "report")
        return claims, nodes, [(m.driver, m.metric.name, m.metric.yoy) for m in plan.metrics], len(plan.stance_changes)

    assert shape(trad, trad_report.id) == shape(simp, simp_report.id)
    assert len([c for c in simp.claims if c.key[0] == "member_of"]) == n
    # quotes keep the note's own script
    assert_quotes_in_note(trad, NOTES / traditional)
    assert any(quote in c.claim.quote for c in trad.claims)
    assert any(note.endswith(", read through OpenCC t2s") for note in trad.notes)


def make_pdf(markdown: str, out) -> None:
    """A text PDF of the Markdown twin, in a CJK font (fpdf2 embeds it with its ToUnicode map)."""
    fpdf = pytest.importorskip("fpdf")
    font = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
    import os

    if not os.path.exists(font):
        pytest.skip("fonts-wqy-zenhei is not installed (make browser installs it)")
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.add_font("zh", "", font, collection_font_number=0)
    pdf.set_font("zh", size=14)  # large enough that long lines wrap, as real PDFs do
    for line in markdown.splitlines():
        pdf.multi_cell(0, 7, line if line.strip() else " ", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(out))


def test_a_pdf_note_gives_the_claims_of_its_markdown_twin(bundled, tmp_path):
    md = NOTES / "broker_switches_20251212.md"
    pdf = tmp_path / "broker_switches_20251212.pdf"
    make_pdf(md.read_text(encoding="utf-8"), pdf)
    text, kind = read_source(pdf)
    assert kind == "pdf" and "建议关注紫光股份、锐捷网络；受益标的菲菱科思。维持行业“推荐”评级。" in text  # a wrapped line, joined
    _, from_md = plan_of(bundled, md)
    _, from_pdf = plan_of(bundled, pdf)
    claims = lambda plan: sorted((c.key, c.claim.stance, c.claim.quote) for c in plan.claims)  # noqa: E731
    assert claims(from_pdf) == claims(from_md)
    assert len(claims(from_md)) == 11


def test_a_pdf_without_text_is_one_clear_error(tmp_path, graph_copy, capsys):
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.output(str(tmp_path / "scan_20251212.pdf"))
    before = graph_copy.read_bytes()
    code, out, err = run(capsys, "-g", graph_copy, "ingest", "--driver", DRIVER, tmp_path / "scan_20251212.pdf")
    assert code == 1 and "has no text layer" in err and "Traceback" not in err
    assert graph_copy.read_bytes() == before


def test_an_html_page_in_gbk_is_read_in_its_declared_charset(bundled, tmp_path):
    html = (NOTES / "broker_servers_20251218.html").read_text(encoding="utf-8").replace("utf-8", "gb2312")
    page = tmp_path / "broker_servers_20251218.htm"
    page.write_bytes(html.encode("gb18030"))
    _, from_utf8 = plan_of(bundled, NOTES / "broker_servers_20251218.html")
    _, from_gbk = plan_of(bundled, page)
    claims = lambda plan: sorted((c.key, c.claim.stance, c.claim.quote) for c in plan.claims)  # noqa: E731
    assert claims(from_gbk) == claims(from_utf8)


def test_a_broken_pdf_is_one_clear_error(tmp_path, graph_copy, capsys):
    bad = tmp_path / "broken_20251212.pdf"
    bad.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog")
    code, out, err = run(capsys, "-g", graph_copy, "ingest", "--driver", DRIVER, bad)
    assert code == 1 and err.startswith(f"Error: {bad}: cannot read this PDF (") and "Traceback" not in err


def test_stdin_is_a_note(graph_copy, capsys, monkeypatch):
    data = (NOTES / "broker_optical_20251219.txt").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    code, out, err = run(capsys, "-g", graph_copy, "ingest", "--driver", DRIVER, "-")
    assert code == 0, err
    assert "report note-2025-12-19-" in out and "member_of 光迅科技 → 光通信模块与器件 [beneficiary]" in out
    g = load_graph(graph_copy)
    assert g.resolve("002281.SZ").name == "光迅科技"


def test_a_note_with_nothing_readable_exits_1(graph_copy, capsys):
    before = graph_copy.read_bytes()
    code, out, err = run(capsys, "-g", graph_copy, "ingest", "--driver", DRIVER, NOTES / "nothing_2025-12-21.txt")
    assert code == 1
    assert err.strip().startswith(f"Error: {NOTES / 'nothing_2025-12-21.txt'}:1: nothing could be read from this note")
    assert graph_copy.read_bytes() == before


def test_a_negative_call_is_listed_apart_from_the_exposed_names(graph_copy, capsys):
    code, out, err = run(capsys, "-g", graph_copy, "ingest", "--driver", DRIVER, NOTES / "english_china_ai_infra.md")
    assert code == 0, err
    g = load_graph(graph_copy)
    sinnet = g.resolve("光环新网").id
    code, out, _ = run(capsys, "-g", graph_copy, "exposure", DRIVER, "--format", "json")
    data = json.loads(out)
    assert sinnet not in [r["id"] for r in data["results"]]
    assert [(r["id"], r["stance"], r["call"]) for r in data["negative"]] == [(sinnet, "negative", "negative")]
    assert {r["call"] for r in data["results"]} == {"exposed", "neutral"}
    code, out, _ = run(capsys, "-g", graph_copy, "exposure", DRIVER)
    head, _, tail = out.partition("Negative calls")
    assert not re.search(r"(?m)^\d+\s+光环新网", head)  # not a ranked row
    assert "光环新网" in tail and "Sinnet Technology (300383 CH, Underweight)" in tail
    code, out, _ = run(capsys, "-g", graph_copy, "exposure", DRIVER, "--format", "csv")
    row = next(x for x in out.splitlines() if x.split(",")[1] == sinnet)
    assert row.startswith(",") and row.endswith(",negative")
    # and `changes` reports the fall from recommended to a negative call
    code, out, _ = run(capsys, "-g", graph_copy, "changes", "--since", "2025-12-15", "--driver", DRIVER, "--format", "json")
    downgrades = json.loads(out)["drivers"][0]["downgrades"]
    assert [(c["id"], c["before"], c["after"]) for c in downgrades] == [
        (g.resolve("浪潮信息").id, "listed", "neutral"), (sinnet, "recommended", "negative")]


def test_the_fallback_makes_no_stance_of_a_passing_mention(bundled):
    _, plan = plan_of(bundled, NOTES / "general_weekly_2025-12-20.txt")
    assert "润泽科技 is named without a rating (line 8): no stance claim" in plan.notes
    assert all(c.rule.startswith("gazetteer: a name in the graph (") for c in plan.claims if c.key[0] == "member_of")


def test_prose_after_a_list_phrase_names_nobody():
    from supplychain.ingest.formats import parse_note

    report = parse_note("行业点评：算力景气延续\n2025年12月12日\n投资建议：建议投资者关注估值修复机会；重点推荐中际旭创、新易盛等龙头。\n",
                        "n.txt", "n.txt")
    assert [(m.name, m.stance) for m in report.mentions] == [("中际旭创", "recommended"), ("新易盛", "recommended")]


def test_a_hand_adapted_english_line_in_the_family_format_keeps_names_whole():
    """The issue's case: ``Sugon (603019 CH, Buy)`` pasted into a sub-sector bullet made a company "Buy)"."""
    from supplychain.ingest.parse import parse_names

    names = parse_names("Sugon (603019 CH, Buy), Range Intelligent Computing (300442 CH, Overweight); Inspur (000977 CH)", "x.md", 9)
    assert [(m.name, m.code, m.stance) for m in names] == [
        ("Sugon", "603019", "recommended"), ("Range Intelligent Computing", "300442", "recommended"), ("Inspur", "000977", "listed")]


def test_a_broker_note_without_a_date_says_where_to_put_one(tmp_path, graph_copy, capsys):
    note = tmp_path / "switches.md"
    note.write_text("通信行业点评：AI交换机需求旺盛\n\n投资建议：建议关注紫光股份、锐捷网络。\n", encoding="utf-8")
    code, out, err = run(capsys, "-g", graph_copy, "ingest", "--driver", DRIVER, note)
    assert code == 1
    assert err.strip() == (f"Error: {note}:1: no date: write it in the first lines (2025年12月18日, 2025-12-18 or "
                           "December 18, 2025) or in the file name (…_20251218.md)")


def test_the_bundled_exposure_is_unchanged(capsys):
    code, out, _ = run(capsys, "exposure", DRIVER, "--format", "json")
    data = json.loads(out)
    assert len(data["results"]) == 49  # the seed's 44 companies and its ETFs, as before the new stances
    assert data["negative"] == [] and {r["call"] for r in data["results"]} == {"exposed"}


def reference_with_extra_rows(tmp_path):
    """The curated tickers.csv plus real rows of the A-share master for the names it lacks
    (tests/fixtures/notes/reference_extra.csv), as `--reference` would load a fuller list."""
    extra = (NOTES / "reference_extra.csv").read_text(encoding="utf-8").split("\n", 1)[1]
    path = tmp_path / "reference.csv"
    path.write_text(open("data/reference/tickers.csv", encoding="utf-8-sig").read().rstrip("\n") + "\n" + extra,
                    encoding="utf-8")
    return path


def test_every_fixture_note_ingests_validates_and_is_idempotent(graph_copy, capsys, tmp_path):
    """Notes in every format, one after the other: one node per company whatever the
    language (with a reference that knows the codes the notes use), a valid graph, and a
    second ingest that changes nothing."""
    notes = [NOTES / n for n in sorted(CASES)] + [NOTES / "twins" / "industry_research_2025-12-05.md"]
    ref = reference_with_extra_rows(tmp_path)
    code, out, err = run(capsys, "-g", graph_copy, "ingest", "--driver", DRIVER, "--reference", ref, *notes)
    assert code == 0, err
    assert f"wrote {graph_copy}: {len(notes)} of {len(notes)} notes changed it" in out
    code, out, err = run(capsys, "-g", graph_copy, "validate")
    assert code == 0, err
    g = load_graph(graph_copy)
    for ticker in ("603019.SH", "601138.SH", "300442.SZ", "000977.SZ"):  # one node each, whatever the note's language
        assert len(g.matches(ticker)) == 1, ticker
    before = graph_copy.read_bytes()
    assert g.resolve("Sugon").name == "中科曙光" and g.resolve("Foxconn Industrial Internet").name == "工业富联"
    code, out, err = run(capsys, "-g", graph_copy, "ingest", "--driver", DRIVER, "--reference", ref, *notes)
    assert code == 0 and out.strip().endswith("unchanged: nothing new") and graph_copy.read_bytes() == before


def test_a_book_holding_a_negative_call_counts_it_apart(graph_copy, capsys, tmp_path):
    """A holding the latest note rates Underweight adds nothing to the book's exposure and is
    listed apart with its path (as exposure lists it apart); the other holdings still count."""
    code, _, err = run(capsys, "-g", graph_copy, "ingest", "--driver", DRIVER, NOTES / "english_china_ai_infra.md")
    assert code == 0, err
    book = tmp_path / "book.csv"
    book.write_text("证券代码,证券名称,权重\n300383.SZ,光环新网,50%\n300308.SZ,中际旭创,50%\n", encoding="utf-8")
    code, out, err = run(capsys, "-g", graph_copy, "portfolio", book, "--driver", DRIVER, "--format", "json")
    assert code == 0, err
    (d,) = json.loads(out)["drivers"]
    g = load_graph(graph_copy)
    innolight = exposure(g, DRIVER, only={"innolight"}).results[0].score
    assert d["exposure"] == pytest.approx(0.5 * innolight)
    assert set(d["apart"]) == {"negative"} and d["apart"]["negative"] > 0
