"""The exposure page with several drivers' notes: named and inferred names drawn apart
(issue 9), and a company's stance history as a timeline in its tooltip (issue 14).

The fixture notes of tests/fixtures/drivers/ (Tencent's and the North-American
hyperscalers' capex) are ingested into a copy of the bundled graph: on the page of
阿里云资本开支, 工业富联 and 环旭电子 are only inferred (put in AI芯片与服务器 by those
notes), every other name is named; 新易盛 has three stance claims from three notes.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from supplychain.export.html import export_html, tips
from supplychain.graph import load_graph
from supplychain.ingest.apply import ingest

sys.path.insert(0, str(Path(__file__).parent))
import browser as chromium  # noqa: E402  (tests/browser.py)
from test_html import EVIL, INJECTED, page_data, page_side  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DRIVERS = ROOT / "tests/fixtures/drivers"
CAPEX = "阿里云资本开支"
INFERRED = {"foxconn-industrial-internet", "universal-scientific-industrial"}  # 工业富联, 环旭电子


@pytest.fixture(scope="module")
def two_notes(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("context") / "graph.yaml"
    path.write_bytes((ROOT / "data/graph.yaml").read_bytes())
    ingest([str(DRIVERS / "industry_research_2025-11-14.md")], str(path), driver="腾讯资本开支")
    ingest([str(DRIVERS / "industry_research_2025-11-05.md")], str(path), driver="北美云厂商资本开支")
    return path


@pytest.fixture(scope="module")
def page(two_notes, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("page") / "capex.html"
    export_html(load_graph(two_notes), out, driver=CAPEX)
    return out


def by_key(nodes: list[dict]) -> dict[str, dict]:
    return {n["key"]: n for n in nodes}


def test_inferred_names_are_drawn_apart(two_notes, page):
    from supplychain.query import exposure

    g = load_graph(two_notes)
    report = exposure(g, CAPEX)
    assert {r.id for r in report.results if r.basis == "inferred"} == INFERRED
    html = page.read_text(encoding="utf-8")
    nodes, _ = page_data(html)
    keyed = by_key(nodes)
    for key in INFERRED:
        n = keyed[key]
        assert n["bs"] == "inferred" and "st" not in n  # filtered by basis; no stance for this driver
        assert n["group"] == "company.inferred"
        assert not n["label"].startswith(("★", "☆", "○", "▽"))  # no stance marker
    named = [n for n in nodes if n["key"] in {r.id for r in report.results} and n["key"] not in INFERRED]
    assert named and all(n["bs"] == "named" and "inferred" not in n["group"] for n in named)
    assert keyed["innolight"]["label"] == "★中际旭创"
    # the group is pale with a dashed grey border, unlike every stance's group
    inferred_group = html.split('"company.inferred": ', 1)[1].split('"company.', 1)[0]
    assert '"borderDashes": [4, 3]' in inferred_group and '"background": "#fdf6dc"' in inferred_group
    assert '"border": "#9ca3af"' in inferred_group and '"opacity": 0.75' in inferred_group
    assert html.count('"borderDashes"') == 1  # no other group is dashed
    # in its band (AI芯片与服务器), after every named name: the last row, or the last cells of a row
    band = [n for n in nodes if n["type"] == "company" and report_sector(report, n["key"]) == "ai-chips-servers"]
    order = sorted(band, key=lambda n: (n["y"], n["x"]))
    assert {n["key"] for n in order[-2:]} == INFERRED


def report_sector(report, key):
    return next((r.sector for r in report.results if r.id == key), None)


def test_legend_has_the_basis_toggles_with_counts(page):
    html = page.read_text(encoding="utf-8")
    group = re.search(r'<div class="sc-group" id="sc-basis">(.*?)</div>', html).group(1)
    assert re.search(r'value="named" checked>.*named for 阿里云资本开支 <span class="sc-n">49</span>', group)
    assert re.search(r'value="inferred" checked>.*stroke-dasharray="4 3".*inferred, other drivers. notes <span class="sc-n">2</span>', group)


def test_seed_page_has_no_basis_toggle(tmp_path):
    out = tmp_path / "seed.html"
    export_html(load_graph(ROOT / "data/graph.yaml"), out, driver=CAPEX)
    html = out.read_text(encoding="utf-8")
    assert 'id="sc-basis"' not in html and '"bs": "inferred"' not in html


def test_inferred_tooltip_says_which_note_and_carries_no_stance(page):
    html = page.read_text(encoding="utf-8")
    nodes, _ = page_data(html)
    side = page_side(html)
    S = side["s"]
    rec = side["n"][by_key(nodes)["foxconn-industrial-internet"]["id"]]
    rows = dict(zip((S[i] for i in rec[2][::2]), (S[i] for i in rec[2][1::2])))
    assert "stance" not in rows
    assert re.fullmatch(
        r"inferred: put in AI芯片与服务器 by industry-research-2025-11-(05|14), a note about (北美云厂商资本开支|腾讯资本开支) \(\S+\); "
        r"no note about this driver names it",
        rows["basis"],
    ), rows["basis"]
    assert rows["score"].endswith("inferred 0.5 = 0.45")
    last = rec[3][-1]  # the hop into the sub-sector: the note's quote, without that note's stance
    assert S[last[4]].startswith("AI芯片与服务器：工业富联（推荐）") and last[3] == -1


def test_timeline_of_a_company_with_several_claims(page, two_notes):
    from supplychain.history import history

    html = page.read_text(encoding="utf-8")
    nodes, _ = page_data(html)
    side = page_side(html)
    S = side["s"]
    g = load_graph(two_notes)
    rec = side["n"][by_key(nodes)["eoptolink"]["id"]]  # 新易盛
    entries, earlier = rec[5], rec[6]
    expected = history(g, "新易盛")
    assert len(expected) == 3 and earlier == 0
    assert [S[t[0]] for t in entries] == [h.date.isoformat() for h in expected] == ["2025-11-05", "2025-11-14", "2025-11-26"]
    assert [S[t[2]] for t in entries] == [h.report for h in expected]
    assert [side["stance"][t[3]].split()[0] for t in entries] == [h.stance for h in expected] == ["recommended", "beneficiary", "recommended"]
    assert S[entries[0][1]] == "北美云厂商资本开支" and S[entries[1][1]] == "腾讯资本开支"
    assert S[entries[1][4]] == "光通信模块与器件：中际旭创（推荐）；新易盛（受益）"
    assert S[entries[2][4]].endswith("…") and len(S[entries[2][4]]) < len(expected[2].quote)  # a short quote
    single = [side["n"][n["id"]] for n in nodes if n["type"] == "company" and len(history(g, n["key"])) == 1]
    assert single and all(len(r) == 5 for r in single)  # one claim: the evidence shows it, no timeline


def test_timeline_is_capped_with_the_latest_entries(two_notes, tmp_path, monkeypatch):
    monkeypatch.setattr(tips, "TIMELINE_LIMIT", 2)
    out = tmp_path / "capped.html"
    export_html(load_graph(two_notes), out, driver=CAPEX)
    html = out.read_text(encoding="utf-8")
    nodes, _ = page_data(html)
    side = page_side(html)
    rec = side["n"][by_key(nodes)["eoptolink"]["id"]]
    assert [side["s"][t[0]] for t in rec[5]] == ["2025-11-14", "2025-11-26"] and rec[6] == 1


def hostile_graph(tmp_path: Path) -> Path:
    """The hostile-names fixture with a second, later stance claim on the injected name."""
    text = EVIL.read_text(encoding="utf-8")
    text = text.replace(
        "  date: 2025-11-26\nedges:",
        "  date: 2025-11-26\n- id: rep2\n  type: report\n  name: rep2\n  title: 'Later <script>alert(10)</script>'\n  date: 2025-12-01\nedges:",
    )
    text = text.replace(
        "    quote: '\"><img src=x onerror=alert(5)> 推荐 href'\n    stance: recommended\n",
        "    quote: '\"><img src=x onerror=alert(5)> 推荐 href'\n    stance: recommended\n"
        "  - report: rep2\n    date: 2025-12-01\n    quote: '<script>alert(9)</script> 受益'\n    stance: beneficiary\n",
    )
    path = tmp_path / "evil.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_timeline_strings_are_escaped(tmp_path):
    g = load_graph(hostile_graph(tmp_path))
    out = tmp_path / "evil.html"
    export_html(g, out, driver="capex")
    html = out.read_text(encoding="utf-8")
    assert "<script>alert(9)" not in html and "alert(9)" in html
    nodes, _ = page_data(html)
    side = page_side(html)
    rec = side["n"][by_key(nodes)["evil"]["id"]]
    assert [side["s"][t[4]] for t in rec[5]] == ["&quot;&gt;&lt;img src=x onerror=alert(5)&gt; 推荐 href", "&lt;script&gt;alert(9)&lt;/script&gt; 受益"]


# --------------------------------------------------------------------------- in the browser


@pytest.fixture(scope="module")
def chromium_browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = chromium.launch(p)
        yield b
        b.close()


def _clean(w) -> None:
    assert w.requests == [] and w.errors == [] and w.dialogs == [], (w.requests, w.errors, w.dialogs)


def _hover(w, key: str) -> str:
    from test_html import _hover as hover

    return hover(w, key)


@pytest.mark.browser
def test_browser_inferred_drawn_apart_filtered_and_explained(page, chromium_browser):
    w = chromium.open_page(chromium_browser, page)
    p = w.page
    drawn = p.evaluate(
        """() => nodes.get().filter((n) => n.bs === 'inferred').map((n) => {
              const o = network.body.nodes[n.id].options;
              return {key: n.key, dashes: o.shapeProperties.borderDashes, border: o.color.border, label: n.label};
           })"""
    )
    assert {d["key"] for d in drawn} == INFERRED
    assert all(d["dashes"] == [4, 3] and d["border"] == "#9ca3af" for d in drawn)
    tip = _hover(w, "foxconn-industrial-internet")
    assert "inferred: put in AI芯片与服务器 by industry-research-2025-11-" in tip and "no note about this driver names it" in tip
    assert "stance history" in tip.lower()  # the notes about the other drivers, each labelled with its driver
    items = p.locator("#sc-tip .sc-tl li").all_inner_texts()
    assert [t[:10] for t in items] == ["2025-11-05", "2025-11-14"]
    assert "北美云厂商资本开支" in items[0] and "腾讯资本开支" in items[1]

    def visible() -> int:
        return p.evaluate("() => nodes.get({filter: (n) => !n.hidden}).length")

    total = visible()
    p.uncheck("#sc-basis input[value=inferred]")
    assert visible() == total - 2
    assert p.evaluate("() => nodes.get({filter: (n) => n.hidden}).map((n) => n.key).sort()") == sorted(INFERRED)
    p.check("#sc-basis input[value=inferred]")
    p.uncheck("#sc-basis input[value=named]")
    assert visible() == total - 49
    p.check("#sc-basis input[value=named]")
    assert visible() == total
    _clean(w)


@pytest.mark.browser
def test_browser_tooltip_timeline_in_date_order(page, chromium_browser):
    w = chromium.open_page(chromium_browser, page)
    tip = _hover(w, "eoptolink")  # 新易盛: three notes
    assert "stance history, oldest first" in tip.lower()
    items = w.page.locator("#sc-tip .sc-tl li").all_inner_texts()
    dates = [re.match(r"\d{4}-\d\d-\d\d", t).group(0) for t in items]
    assert dates == sorted(dates) == ["2025-11-05", "2025-11-14", "2025-11-26"]
    assert "☆ beneficiary 受益" in items[1] and "腾讯资本开支 · industry-research-2025-11-14" in items[1]
    assert "“光通信模块与器件：中际旭创（推荐）；新易盛（受益）”" in items[1]
    _clean(w)


@pytest.mark.browser
def test_browser_timeline_of_hostile_names_runs_nothing(tmp_path, chromium_browser):
    out = tmp_path / "evil.html"
    export_html(load_graph(hostile_graph(tmp_path)), out, driver="capex")
    w = chromium.open_page(chromium_browser, out)
    tip = _hover(w, "evil")
    assert INJECTED in tip and "<script>alert(9)</script> 受益" in tip and "rep2" in tip
    w.page.wait_for_timeout(300)
    assert w.page.evaluate("() => document.querySelectorAll('#sc-tip img, #sc-tip script').length") == 0
    _clean(w)
