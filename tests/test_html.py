"""The interactive HTML export (supplychain.export.html) and its CLI.

Unit tests read the written page; tests marked ``browser`` open it in headless Debian
Chromium (see tests/browser.py) with the network blocked.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from supplychain import load_graph
from supplychain.cli import main
from supplychain.errors import NodeNotFound, SupplyChainError, WrongNodeType
from supplychain.export.html import export_html, select, wrap
from supplychain.graph import Graph
from supplychain.query import exposure
from supplychain.schema import GraphData

sys.path.insert(0, str(Path(__file__).parent))
import browser as chromium  # noqa: E402  (tests/browser.py)

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data/graph.yaml"
EVIL = ROOT / "tests/fixtures/html/graph.yaml"
INJECTED = "<img src=x onerror=alert(1)>"
CAPEX = "阿里云资本开支"


@pytest.fixture(scope="module")
def seed() -> Graph:
    return load_graph(SEED)


@pytest.fixture(scope="module")
def evil() -> Graph:
    return load_graph(EVIL)


def page_data(html: str) -> tuple[list[dict], list[dict]]:
    """The node and edge lists the page hands to vis-network."""
    nodes = re.search(r"nodes = new vis\.DataSet\((\[.*?\])\);\n", html, re.S)
    edges = re.search(r"edges = new vis\.DataSet\((\[.*?\])\);\n", html, re.S)
    return json.loads(nodes.group(1)), json.loads(edges.group(1))


def page_side(html: str) -> dict:
    """The page's own data: escaped tooltip strings, tooltip records, names for the search."""
    return json.loads(re.search(r'<script type="application/json" id="sc-data">(.*?)</script>', html, re.S).group(1))


def export(g: Graph, tmp_path: Path, name: str = "page.html", **kw) -> tuple[str, str, list[dict], list[dict]]:
    path = tmp_path / name
    summary = export_html(g, path, **kw)
    html = path.read_text(encoding="utf-8")
    nodes, edges = page_data(html)
    return summary, html, nodes, edges


# --------------------------------------------------------------------------- what is drawn


def test_whole_graph_summary_and_counts(seed, tmp_path):
    summary, _, nodes, edges = export(seed, tmp_path)
    assert summary == f"{tmp_path / 'page.html'}: 75 nodes, 86 edges"
    assert len(nodes) == len(seed.nodes) == 75 and len(edges) == len(seed.edges) == 86
    assert {n["key"] for n in nodes} == set(seed.nodes)


def test_driver_subgraph_is_the_union_of_best_paths(seed, tmp_path):
    report = exposure(seed, CAPEX)
    on_paths = {n for r in report.results for n in r.path}
    hops = {h.edge.key for r in report.results for h in r.hops}
    summary, html, nodes, edges = export(seed, tmp_path, driver=CAPEX)
    assert {n["key"] for n in nodes} == on_paths | {r.id for r in report.results}
    assert len(nodes) == len(on_paths) and summary.endswith(f": {len(on_paths)} nodes, {len(hops)} edges")
    by_key = {n["key"]: n for n in nodes}
    top, last = report.results[0], report.results[-1]
    assert by_key[top.id]["size"] > by_key[last.id]["size"]  # marker size follows the score
    assert "Exposure to 阿里云资本开支 (Alibaba Cloud capex)" in html


def test_focus_neighbourhood(seed, tmp_path):
    _, _, nodes, edges = export(seed, tmp_path, focus="300308.SZ", depth=1)
    assert sorted(n["key"] for n in nodes) == ["innolight", "optical-modules"]
    _, html, nodes, _ = export(seed, tmp_path, focus="中际旭创")  # depth 2 by default
    keys = {n["key"] for n in nodes}
    assert {"innolight", "optical-modules", "alibaba-capex", "alibaba-ppe-spend", "risk-supply-chain", "eoptolink"} <= keys
    assert "aidc" not in keys and "Neighbourhood of 中际旭创" in html


@pytest.mark.parametrize(
    "kw, n",
    [({"max_nodes": 20}, 20), ({"focus": "中际旭创", "max_nodes": 5}, 5), ({"driver": CAPEX, "max_nodes": 12}, 12)],
)
def test_max_nodes(seed, tmp_path, kw, n):
    _, _, nodes, edges = export(seed, tmp_path, **kw)
    assert len(nodes) <= n
    keys = {d["key"] for d in nodes}
    ids = {d["id"] for d in nodes}
    assert all(e["from"] in ids and e["to"] in ids for e in edges)
    if "driver" in kw:  # the best-scored results, with every node of their paths
        view = select(seed, **kw)
        assert view.left_out > 0 and all(set(r.path) <= keys for r in view.reach.values())
        best = exposure(seed, CAPEX).results[0]
        assert best.id in keys
    if "focus" in kw:
        assert "innolight" in keys and "optical-modules" in keys


@pytest.mark.parametrize(
    "kw, error, text",
    [
        ({"driver": "no such driver"}, NodeNotFound, "no node matches 'no such driver'"),
        ({"focus": "nowhere"}, NodeNotFound, "no node matches 'nowhere'"),
        ({"driver": "risk-geopolitics"}, WrongNodeType, "a risk"),
        ({"driver": CAPEX, "focus": "中际旭创"}, SupplyChainError, "not both"),
        ({"driver": CAPEX, "depth": 0}, SupplyChainError, "depth must be at least 1"),
        ({"max_nodes": 0}, SupplyChainError, "max-nodes must be at least 1"),
        ({"depth": 2}, SupplyChainError, "--depth applies with --driver or --focus"),
    ],
)
def test_errors(seed, tmp_path, kw, error, text):
    with pytest.raises(error, match=re.escape(text)):
        export_html(seed, tmp_path / "x.html", **kw)
    assert not (tmp_path / "x.html").exists()


def test_cli_default_path_and_errors(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["--graph", str(SEED), "export", "html"]) == 0
    assert capsys.readouterr().out == "output/graph.html: 75 nodes, 86 edges\n"
    assert (tmp_path / "output/graph.html").stat().st_size > 100_000
    assert main(["--graph", str(SEED), "export", "html", "--driver", "nosuchthing"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: no node matches 'nosuchthing'") and err.count("\n") == 1
    assert main(["--graph", str(SEED), "export", "html", "--driver", CAPEX, "--max-nodes", "9", "-o", "x/capex.html"]) == 0
    assert capsys.readouterr().out.startswith("x/capex.html: 9 nodes")


# --------------------------------------------------------------------------- the page itself


def test_same_graph_same_bytes(seed, tmp_path):
    a = export_html(seed, tmp_path / "a.html", driver=CAPEX)
    b = export_html(seed, tmp_path / "b.html", driver=CAPEX)
    assert a.split(":")[1:] == b.split(":")[1:]
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()
    # another process with another hash seed: no set order or clock leaks into the file
    code = "import sys; from supplychain import load_graph; from supplychain.export.html import export_html; export_html(load_graph(sys.argv[1]), sys.argv[2])"
    for seed_value in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed_value}
        subprocess.run([sys.executable, "-c", code, str(SEED), str(tmp_path / f"p{seed_value}.html")], check=True, env=env, cwd=ROOT)
    assert (tmp_path / "p1.html").read_bytes() == (tmp_path / "p2.html").read_bytes()


def test_offline_page(seed, tmp_path):
    _, html, _, _ = export(seed, tmp_path)
    tags = re.findall(r"<(?:script|link|img|iframe|source|embed|object)\b[^>]*>", html)
    assert all(not re.search(r"\b(?:src|href|data)\s*=", t) for t in tags), tags
    assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", html)
    assert "bootstrap" not in html.lower() and "cdn.jsdelivr" not in html and "cdnjs" not in html
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html).group(1)
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp.split("style-src")[0]
    assert html.count("sha256-") == html.count("</script>") - 1 == 3  # every script that runs, by hash (not the JSON block)
    assert html.count('<script type="application/json" id="sc-data">') == 1
    assert html.startswith("<html") and '<meta charset="utf-8">' in html


def test_injected_names_are_escaped(evil, tmp_path):
    _, html, nodes, edges = export(evil, tmp_path, driver="capex")
    for raw in (INJECTED, "</script><script>alert(2)", "<svg onload=alert(6)>", "<b onmouseover", 'href="javascript'):
        assert raw not in html
    assert "popup.innerHTML" not in html  # pyvis's raw-HTML tooltip for titles containing "href"
    assert not any("title" in n for n in nodes) and not any("title" in e for e in edges)
    bad = next(n for n in nodes if n["key"] == "evil")
    assert bad["label"] == "★<img src=x …"  # canvas text, drawn as is (clipped)
    side = page_side(html)
    assert side["name"][bad["id"]] == INJECTED  # for the search list, set as textContent
    strings = side["s"]  # what tooltips are made of: all escaped
    assert "&lt;img src=x onerror=alert(1)&gt;" in strings and "&quot;&gt;&lt;img src=x onerror=alert(5)&gt; 推荐 href" in strings
    assert not any(re.search(r"<|>|\"", text) for text in strings)
    assert all(isinstance(n["id"], int) for n in nodes)
    _, html, _, _ = export(evil, tmp_path, focus="evil")  # the injected name in the title and caption
    assert "<title>Neighbourhood of &lt;img src=x onerror=alert(1)&gt; (&lt;/script&gt;&lt;script&gt;alert(2)" in html
    assert "<h1>Neighbourhood of &lt;img src=x onerror=alert(1)&gt;" in html and INJECTED not in html


def test_layout_reads_left_to_right(seed, tmp_path):
    _, _, nodes, edges = export(seed, tmp_path)
    by_key = {n["key"]: n for n in nodes}
    xs = {t: [n["x"] for n in nodes if n["type"] == t] for t in ("driver", "sector", "company")}
    sectored = [n["x"] for n in nodes if n["type"] == "company" and any(e.type == "member_of" for e in seed.out_edges(n["key"]))]
    assert max(xs["driver"]) < min(xs["sector"]) < min(sectored)
    for e in seed.edges:  # a risk stands in the column of something it threatens
        if e.type == "threatens":
            risk_x = by_key[e.source]["x"]
            assert any(by_key[t.target]["x"] == risk_x for t in seed.out_edges(e.source))
    positions = [(n["x"], n["y"]) for n in nodes]
    assert len(set(positions)) == len(positions)
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in nodes)


def test_pyvis_is_imported_by_html_only():
    importers = [
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "src").rglob("*.py")
        if re.search(r"^\s*(?:import pyvis|from pyvis)", p.read_text(encoding="utf-8"), re.M)
    ]
    assert importers == ["src/supplychain/export/html/page.py"]


def test_page_css_and_js_are_package_data():
    """Every file of the page that is not Python is declared package data, so a wheel carries it."""
    import tomllib
    from fnmatch import fnmatch

    package = ROOT / "src/supplychain/export/html"
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-data"]["supplychain.export.html"]
    assets = sorted(p.name for p in package.iterdir() if p.is_file() and p.suffix != ".py")
    assert assets == ["page.css", "page.js"]
    assert all(any(fnmatch(name, pat) for pat in patterns) for name in assets)
    html = (ROOT / "tests/fixtures/html/golden/driver.html").read_text(encoding="utf-8")
    for name in assets:  # inlined whole
        assert (package / name).read_text(encoding="utf-8") in html


def test_wrap_keeps_latin_words():
    assert wrap("Alibaba Cloud global data-centre expansion", 16) == ["Alibaba Cloud global", "data-centre expansion"]
    assert wrap("短名", 6) == ["短名"]


def synthetic(companies: int, sectors: int = 12) -> Graph:
    """A graph shaped like the seed: drivers → sectors → many companies, plus ETFs and risks."""
    claim = {"report": "r", "date": "2025-11-26", "quote": "合成证据"}
    nodes = [{"id": "r", "type": "report", "name": "r", "title": "synthetic", "date": "2025-11-26"}]
    nodes += [{"id": f"d{i}", "type": "driver", "name": f"驱动因素{i}"} for i in range(3)]
    nodes += [{"id": f"s{i}", "type": "sector", "name": f"细分板块{i}"} for i in range(sectors)]
    nodes += [{"id": f"c{i}", "type": "company", "name": f"公司{i}号", "ticker": f"{600000 + i}.SH"} for i in range(companies)]
    nodes += [{"id": f"e{i}", "type": "etf", "name": f"ETF{i}"} for i in range(5)]
    nodes += [{"id": f"k{i}", "type": "risk", "name": f"风险{i}"} for i in range(4)]
    stances = ("recommended", "beneficiary", "listed")
    edges = [{"type": "drives", "source": "d0", "target": "d1", "claims": [claim]}]
    edges += [{"type": "drives", "source": f"d{1 + i % 2}", "target": f"s{i}", "claims": [claim]} for i in range(sectors)]
    edges += [
        {"type": "member_of", "source": f"c{i}", "target": f"s{i % sectors}", "claims": [{**claim, "stance": stances[i % 3]}]}
        for i in range(companies)
    ]
    edges += [{"type": "holds", "source": f"e{i}", "target": f"c{j}", "claims": [claim]} for i in range(5) for j in range(i, companies, 97)]
    edges += [{"type": "threatens", "source": f"k{i}", "target": f"s{i}", "claims": [claim]} for i in range(4)]
    return Graph(GraphData.model_validate({"version": 1, "nodes": nodes, "edges": edges}))


def test_big_graph_is_not_quadratic(tmp_path):
    g = synthetic(2000)
    t = time.perf_counter()
    summary = export_html(g, tmp_path / "big.html")
    took = time.perf_counter() - t
    assert summary.endswith(f"{len(g.nodes)} nodes, {len(g.edges)} edges")
    assert took < 2.0, f"export of {len(g.nodes)} nodes took {took:.2f} s"
    t = time.perf_counter()
    export_html(g, tmp_path / "big-driver.html", driver="d0")
    assert time.perf_counter() - t < 2.0


# --------------------------------------------------------------------------- in a browser


@pytest.fixture(scope="module")
def chromium_browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright's Python package is missing: run `make test` (it installs the test extras)")
    if not Path(chromium.CHROMIUM).exists():
        pytest.fail(chromium.MISSING)
    with sync_playwright() as p:
        b = chromium.launch(p)
        yield b
        b.close()


def _clean(w: chromium.Watched) -> None:
    assert w.requests == [], f"network requests attempted: {w.requests}"
    assert w.errors == [], f"JS errors: {w.errors}"
    assert w.dialogs == [], f"a dialog opened (injected script ran): {w.dialogs}"


def _hover(w: chromium.Watched, key: str) -> str:
    """Point at the node with this key; return the tooltip's text."""
    page = w.page
    at = page.evaluate(
        """(key) => {
            const n = nodes.get({filter: (d) => d.key === key})[0];
            const p = network.canvasToDOM(network.getPositions([n.id])[n.id]);
            const r = document.querySelector('#mynetwork canvas').getBoundingClientRect();
            return {x: r.left + p.x, y: r.top + p.y};
        }""",
        key,
    )
    page.mouse.move(at["x"] - 40, at["y"] - 40)
    page.mouse.move(at["x"], at["y"], steps=4)
    page.wait_for_selector("#sc-tip:not([hidden])", timeout=5000)
    return page.inner_text("#sc-tip")


def test_missing_chromium_fails_with_the_fix(monkeypatch):
    monkeypatch.setattr(chromium, "CHROMIUM", "/nonexistent/chromium")
    with pytest.raises(RuntimeError, match=r"run `make test`"):
        chromium.launch(playwright=None)


@pytest.mark.browser
def test_browser_whole_graph_draws_readably(seed, tmp_path, chromium_browser):
    path = tmp_path / "graph.html"
    export_html(seed, path)
    w = chromium.open_page(chromium_browser, path)
    got = w.page.evaluate(
        """() => {
            const s = network.getScale(), canvas = document.querySelector('#mynetwork canvas');
            const out = [];
            for (const id of nodes.getIds()) {
                const n = nodes.get(id), b = network.getBoundingBox(id);
                out.push({key: n.key, type: n.type, label: n.label, font: network.body.nodes[id].labelModule.fontOptions.size * s, b});
            }
            return {count: network.body.data.nodes.length, edges: network.body.data.edges.length,
                    scale: s, width: canvas.clientWidth, nodes: out};
        }"""
    )
    _clean(w)
    assert got["count"] == 75 and got["edges"] == 86
    named = [n for n in got["nodes"] if n["type"] in ("driver", "sector", "company")]
    for n in named:  # every driver, sub-sector and company shows its name, big enough to read
        assert n["label"].replace("\n", "").lstrip("★☆") == seed.nodes[n["key"]].name
        assert n["font"] >= 12, n
    boxes = [n["b"] for n in got["nodes"]]
    for i, a in enumerate(boxes):  # labels included: no two nodes overlap
        for j in range(i + 1, len(boxes)):
            b = boxes[j]
            overlap = a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]
            assert not overlap, (got["nodes"][i]["key"], got["nodes"][j]["key"])
    span = (max(b["right"] for b in boxes) - min(b["left"] for b in boxes)) * got["scale"]
    assert span >= 0.8 * got["width"]  # the drawing uses the width of the page


@pytest.mark.browser
def test_browser_exposure_page_tooltip_search_filters(seed, tmp_path, chromium_browser):
    path = tmp_path / "capex.html"
    summary = export_html(seed, path, driver=CAPEX)
    w = chromium.open_page(chromium_browser, path)
    page = w.page
    n_nodes = int(summary.split(": ")[1].split(" ")[0])
    assert page.evaluate("() => network.body.data.nodes.length") == n_nodes
    labels = page.evaluate("() => nodes.get().map((n) => n.label)")
    assert "★中际旭创" in labels and "阿里云\n资本开支" in labels
    tip = _hover(w, "innolight")
    quote = next(c.quote for e in seed.out_edges("innolight") if e.type == "member_of" for c in e.claims)
    assert "中际旭创" in tip and "300308.SZ" in tip and "recommended" in tip and quote in tip
    assert "阿里云资本开支 → 光通信模块与器件 → 中际旭创" in tip and "2025-11-26" in tip

    at = page.evaluate(  # the middle of the drives edge to the lowest sub-sector
        """() => {
            const key = (k) => nodes.get({filter: (d) => d.key === k})[0].id;
            const [a, b] = [key('alibaba-capex'), key('compute-distribution')];
            const p = network.getPositions([a, b]);
            const m = network.canvasToDOM({x: (p[a].x + p[b].x) / 2, y: (p[a].y + p[b].y) / 2});
            const r = document.querySelector('#mynetwork canvas').getBoundingClientRect();
            return {x: r.left + m.x, y: r.top + m.y};
        }"""
    )
    page.mouse.move(at["x"] + 30, at["y"] + 30)
    page.mouse.move(at["x"], at["y"], steps=4)
    page.wait_for_selector("#sc-tip:not([hidden])", timeout=5000)
    edge_tip = page.inner_text("#sc-tip")
    assert "阿里云资本开支 → AI算力集成与分销" in edge_tip and "drives" in edge_tip and "2025-11-26" in edge_tip

    page.fill("#sc-q", "300308")  # search by ticker
    assert page.inner_text("#sc-hits li:first-child").startswith("中际旭创")
    page.press("#sc-q", "Enter")
    selected = page.evaluate("() => network.getSelectedNodes().map((id) => nodes.get(id).key)")
    assert selected == ["innolight"]
    assert quote in page.inner_text("#sc-details")

    def visible() -> int:
        return page.evaluate("() => nodes.get({filter: (n) => !n.hidden}).length")

    companies = page.evaluate("() => nodes.get({filter: (n) => n.type === 'company'}).length")
    page.uncheck("#sc-types input[value=company]")
    assert visible() == n_nodes - companies
    page.check("#sc-types input[value=company]")
    page.uncheck("#sc-stances input[value=listed]")
    listed = page.evaluate("() => nodes.get({filter: (n) => n.st === 'listed'}).length")
    assert listed > 0 and visible() == n_nodes - listed
    _clean(w)


@pytest.mark.browser
def test_browser_injected_name_runs_nothing(evil, tmp_path, chromium_browser):
    for kw in ({}, {"driver": "capex"}):
        path = tmp_path / "evil.html"
        export_html(evil, path, **kw)
        w = chromium.open_page(chromium_browser, path)
        page = w.page
        assert page.evaluate("() => network.body.data.nodes.length") == (7 if not kw else 5)
        tip = _hover(w, "evil")
        assert INJECTED in tip and '"><img src=x onerror=alert(5)>' in tip  # shown as text
        if not kw:
            assert "href" in _hover(w, "rep")  # the report whose title holds an href
            assert "alert(4)" in _hover(w, "risk-x")
        page.fill("#sc-q", "<img")
        assert page.inner_text("#sc-hits li:first-child").startswith(INJECTED)
        page.press("#sc-q", "Enter")
        assert INJECTED in page.inner_text("#sc-details")
        page.wait_for_timeout(400)
        assert page.evaluate("() => document.querySelectorAll('img, svg[onload], b[onmouseover], #sc-tip script').length") == 0
        assert page.title().startswith("AI-compute") or "资本开支" in page.title()
        _clean(w)
