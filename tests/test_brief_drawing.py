"""The HTML brief draws the exposure: an inline SVG from the graph page's layout, coloured
by stance, inferred names drawn apart, no two labels overlapping; the page stays
script-free and offline under a Content-Security-Policy that admits nothing new."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from browser import launch, open_page
from conftest import GRAPH, run
from supplychain.export.html.looks import text_width
from supplychain.graph import load_graph
from supplychain.query import exposure
from test_history import brief_graph  # noqa: F401  (the module-scoped fixture)

ROOT = Path(__file__).resolve().parent.parent
CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


def brief_page(capsys, graph_path, driver: str, out: Path, *extra) -> str:
    code, _, err = run(capsys, "--graph", graph_path, "brief", driver, *extra, "-o", out)
    assert code == 0, err
    return out.read_text(encoding="utf-8")


def drawing(page: str) -> ET.Element:
    """The brief's SVG, parsed (it is well-formed XML: every string in it is escaped)."""
    svgs = re.findall(r"<svg viewBox=.*?</svg>", page, re.S)
    assert len(svgs) == 1
    return ET.fromstring(svgs[0])


def nodes_of(svg: ET.Element) -> dict[str, ET.Element]:
    return {g.get("data-id"): g for g in svg.iter("g") if "sc-node" in (g.get("class") or "")}


def label_boxes(svg: ET.Element) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Every node's label box from the SVG's own coordinates: a box node's rectangle, or
    the lines of text under a marker (estimated widths, font-size high), with the marker."""
    out = []
    for key, g in nodes_of(svg).items():
        rect = g.find("rect")
        if rect is not None:
            x, y, w, h = (float(rect.get(a)) for a in ("x", "y", "width", "height"))
            out.append((key, (x, y, x + w, y + h)))
            continue
        for t in g.findall("text"):
            x, y, size = float(t.get("x")), float(t.get("y")), float(t.get("font-size"))
            w = text_width(t.text, size)
            out.append((key, (x - w / 2, y - 0.85 * size, x + w / 2, y + 0.4 * size)))
        c = g.find("circle")
        if c is not None:
            cx, cy, r = float(c.get("cx")), float(c.get("cy")), float(c.get("r"))
            out.append((key, (cx - r, cy - r, cx + r, cy + r)))
    return out


def overlaps(boxes) -> list[tuple[str, str]]:
    bad = []
    for i, (ka, a) in enumerate(boxes):
        for kb, b in boxes[i + 1 :]:
            if ka != kb and a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                bad.append((ka, kb))
    return bad


def test_the_brief_draws_the_exposure_by_stance(brief_graph, tmp_path, capsys):
    page = brief_page(capsys, brief_graph.path, "腾讯资本开支", tmp_path / "brief.html", "--since", "2025-12-05")
    names = page.split("<h2>Names by sub-sector</h2>", 1)[1].split("</section>", 1)[0]
    assert names.startswith('\n<figure class="sc-drawing">')  # drawn in its section, above the list
    svg = drawing(page)
    report = exposure(brief_graph, "腾讯资本开支")
    drawn = nodes_of(svg)
    sectors = {r.sector for r in report.results}
    assert set(drawn) == {"tencent-capex", *sectors, *(r.id for r in report.results)}
    for r in report.results:  # coloured by stance; an inferred name apart
        cls = drawn[r.id].get("class").split()
        want = "sc-inferred" if r.basis == "inferred" else f"sc-{r.stance}"
        assert want in cls, (r.node.name, cls)
    dawning = drawn["dawning-information-industry"]  # 中科曙光: only an Alibaba note puts it in AI芯片与服务器
    assert "sc-inferred" in dawning.get("class")
    mark = dawning.find("circle")
    assert mark.get("stroke-dasharray") == "4 3" and mark.get("stroke") == "#9ca3af"
    assert [t.text for t in dawning.findall("text")] == ["中科曙光"]  # no stance marker
    assert "inferred: put in AI芯片与服务器 by industry-research-2025-12-" in dawning.find("title").text
    assert drawn["innolight"].find("circle").get("stroke") == "#b91c1c"  # recommended
    assert [t.text for t in drawn["innolight"].findall("text")] == ["★中际旭创"]
    # the drives edges are drawn, from the driver to each sub-sector
    assert len([p for p in svg.iter("path") if p.get("marker-end") == "url(#sc-arrow-drives)"]) == len(sectors)
    assert "inferred: only notes about other drivers put it in its sub-sector" in page


@pytest.mark.parametrize("graph, driver", [("seed", "阿里云资本开支"), ("brief", "腾讯资本开支"), ("brief", "阿里云资本开支"), ("brief", "AI需求")])
def test_no_two_labels_overlap(graph, driver, brief_graph, tmp_path, capsys):
    path = GRAPH if graph == "seed" else brief_graph.path
    svg = drawing(brief_page(capsys, path, driver, tmp_path / "b.html"))
    boxes = label_boxes(svg)
    assert len(boxes) > 20
    assert overlaps(boxes) == []
    left, top, w, h = (float(v) for v in svg.get("viewBox").split())
    assert all(left <= b[0] and b[2] <= left + w and top <= b[1] and b[3] <= top + h for _, b in boxes)  # nothing cut off


def test_overlap_check_can_fail():
    a, b = ("a", (0.0, 0.0, 10.0, 10.0)), ("b", (9.0, 9.0, 20.0, 20.0))
    assert overlaps([a, b]) == [("a", "b")] and overlaps([a, ("b", (10.0, 0.0, 20.0, 10.0))]) == []


def test_the_page_stays_script_free_and_offline(brief_graph, tmp_path, capsys):
    page = brief_page(capsys, brief_graph.path, "腾讯资本开支", tmp_path / "brief.html")
    assert f'<meta http-equiv="Content-Security-Policy" content="{CSP}">' in page  # nothing new; no img-src, no data:
    assert "<script" not in page and "<img" not in page and "<image" not in page and "<foreignObject" not in page
    assert "data:" not in page and " style=" not in page  # presentation attributes only
    assert re.findall(r"(?:https?:)?//[a-z]", page) == [] and "xmlns" not in page
    assert re.findall(r"\b(?:src|href)=\"(?!#)", page) == []
    assert re.findall(r"url\((?!#sc-arrow-)", page) == []  # only the arrowheads defined in the SVG itself


def test_hostile_names_in_the_drawing_are_escaped(tmp_path, capsys):
    page = brief_page(capsys, ROOT / "tests/fixtures/html/graph.yaml", "capex", tmp_path / "evil.html")
    svg = drawing(page)  # still well-formed: nothing from the data opened a tag
    evil = nodes_of(svg)["evil"]
    assert evil.find("text").text.startswith("★<img src=x")  # the label, clipped like the page's
    assert evil.find("title").text.startswith("<img src=x onerror=alert(1)> 600000.SH\n")
    assert "<img" not in page and "<svg onload" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


@pytest.mark.browser
def test_browser_draws_the_brief_with_no_label_overlapping(brief_graph, tmp_path, capsys):
    from playwright.sync_api import sync_playwright

    out = tmp_path / "brief.html"
    brief_page(capsys, brief_graph.path, "腾讯资本开支", out)
    with sync_playwright() as p:
        browser = launch(p)
        try:
            w = open_page(browser, out, width=1000, height=1400, ready="() => document.readyState === 'complete'")
            assert w.requests == [] and w.errors == [] and w.dialogs == []  # a CSP violation is a console error
            got = w.page.evaluate(
                """() => [...document.querySelectorAll('figure.sc-drawing > svg g.sc-node')].map((g) => ({
                      key: g.dataset.id,
                      boxes: [...g.querySelectorAll(g.querySelector('rect') ? 'rect' : 'text, circle, path')].map((e) => {
                          const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }),
                      dash: getComputedStyle(g.querySelector('circle, rect, path')).strokeDasharray,
                  }))"""
            )
            boxes = [(n["key"], tuple(b)) for n in got for b in n["boxes"]]
            assert len(got) == len(nodes_of(drawing(out.read_text(encoding="utf-8")))) and len(boxes) > 40
            assert overlaps(boxes) == []
            fig = w.page.locator("figure.sc-drawing > svg").bounding_box()
            main = w.page.locator("main").bounding_box()
            assert fig["width"] <= main["width"] and fig["height"] > 300  # fits the column, drawn at a readable size
            dashed = {n["key"] for n in got if n["dash"] not in ("none", "")}
            report = exposure(load_graph(brief_graph.path), "腾讯资本开支")
            assert dashed == {r.id for r in report.results if r.basis == "inferred"} != set()
        finally:
            browser.close()


def test_a_long_exposure_draws_the_best_names_and_says_so(monkeypatch):
    from supplychain.export.html import svg as svg_module

    g = load_graph(GRAPH)
    monkeypatch.setattr(svg_module, "MAX_NODES", 15)
    text = svg_module.exposure_svg(g, "阿里云资本开支")
    drawn = nodes_of(ET.fromstring(re.search(r"<svg viewBox=.*?</svg>", text, re.S).group(0)))
    results = exposure(g, "阿里云资本开支").results
    names = [r.id for r in results if r.id in drawn]
    assert len(drawn) <= 15 and 5 <= len(names) < len(results)
    assert names == [r.id for r in results[: len(names)]]  # the best, in rank order
    assert f"the best {len(names)} of {len(results)} names drawn" in text
    assert "names drawn" not in svg_module.exposure_svg(g, "阿里云资本开支", max_nodes=100)


def test_no_drawing_without_the_graph_or_without_names(tmp_path, capsys):
    from supplychain.brief.build import build_brief
    from supplychain.brief.html import to_html

    g = load_graph(GRAPH)
    assert "<svg viewBox" not in to_html(build_brief(g, "阿里云资本开支"))  # the list only
    lone = tmp_path / "lone.yaml"
    lone.write_text("version: 1\nnodes:\n- id: lone\n  type: driver\n  name: 孤立驱动\nedges: []\n", encoding="utf-8")
    page = brief_page(capsys, lone, "孤立驱动", tmp_path / "lone.html")
    assert "<svg viewBox" not in page and "(no exposed names)" in page
