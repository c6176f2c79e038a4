"""The HTML brief in headless Chromium: drawn with no request, no error, footnotes that link."""

from __future__ import annotations

from browser import launch, open_page
from conftest import run
from test_history import brief_graph  # noqa: F401  (the module-scoped fixture)


def test_brief_page_is_offline_and_its_footnotes_link(brief_graph, tmp_path, capsys):
    from playwright.sync_api import sync_playwright

    out = tmp_path / "brief.html"
    code, _, err = run(capsys, "--graph", brief_graph.path, "brief", "腾讯资本开支", "--since", "2025-12-05", "-o", out)
    assert code == 0, err
    with sync_playwright() as p:
        browser = launch(p)
        try:
            w = open_page(browser, out, width=1000, height=1400, ready="() => document.readyState === 'complete'")
            assert w.requests == [] and w.errors == [] and w.dialogs == []
            page = w.page
            assert page.locator("h2").all_inner_texts()[:4] == ["Latest figures", "Names by sub-sector",
                                                               "What changed since 2025-12-05", "Risks"]
            first = page.locator("main section li sup a").first
            target = first.get_attribute("href")
            first.click()
            assert page.evaluate("location.hash") == target
            assert page.locator(f"{target}").inner_text().startswith("industry-research-")
        finally:
            browser.close()


def screenshot(out) -> None:
    """docs/brief.png: the HTML brief of 腾讯资本开支 on the three fixture notes, 1000×1300, in the test browser."""
    import datetime as dt
    import tempfile
    from pathlib import Path

    from playwright.sync_api import sync_playwright

    from supplychain.brief.build import build_brief
    from supplychain.brief.html import to_html
    from supplychain.graph import load_graph
    from test_history import ingest_brief_notes

    with tempfile.TemporaryDirectory() as tmp:
        g = load_graph(ingest_brief_notes(Path(tmp)))
        page = Path(tmp) / "brief.html"
        page.write_text(to_html(build_brief(g, "腾讯资本开支", since=dt.date(2025, 12, 5)), g), encoding="utf-8")
        with sync_playwright() as p:
            browser = launch(p)
            try:
                w = open_page(browser, page, width=1000, height=1300, ready="() => document.readyState === 'complete'")
                assert w.requests == [] and w.errors == [] and w.dialogs == []
                w.page.screenshot(path=str(out))
            finally:
                browser.close()


if __name__ == "__main__":  # regenerate docs/brief.png (tests/ is on the path: this file's folder)
    import sys
    from pathlib import Path

    out = Path(__file__).resolve().parent.parent / "docs/brief.png"
    screenshot(out)
    print(f"wrote {out}", file=sys.stderr)
