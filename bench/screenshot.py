"""Take docs/graph.png: output/exposure-alibaba-capex.html in headless Chromium.

    .venv/bin/python bench/screenshot.py [PAGE.html] [-o docs/graph.png] [--size 1600x1000]

Uses Debian's /usr/bin/chromium through Playwright (no browser download; `make browser`
installs it) and blocks every request that is not file: or data:. Without a PAGE it
first writes the page with `supplychain export html --driver 阿里云资本开支`.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]


def launch(p):
    """Headless Debian Chromium through a Playwright instance ``p``."""
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} is missing: run `make browser` (or `make test`) to install chromium and fonts-wqy-zenhei")
    return p.chromium.launch(executable_path=CHROMIUM, args=ARGS)


def open_page(browser, path: Path, width: int, height: int):
    """A page showing ``path`` once drawn; returns (page, blocked requests, errors)."""
    page = browser.new_page(viewport={"width": width, "height": height})
    blocked: list[str] = []
    errors: list[str] = []

    def block(r):
        blocked.append(r.request.url)
        r.abort()

    # only what is not file: or data: is intercepted: routing the page itself through
    # Playwright would add seconds to an 8 MB file and to the times bench_html.py reports
    page.route(lambda url: not url.startswith(("file:", "data:")), block)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(path.resolve().as_uri())
    page.wait_for_function("() => window.scDrawnAt !== undefined", timeout=60_000)
    return page, blocked, errors


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("page", nargs="?", type=Path)
    ap.add_argument("-o", "--output", type=Path, default=ROOT / "docs/graph.png")
    ap.add_argument("--size", default="1600x1000", help="window WIDTHxHEIGHT (default 1600x1000)")
    args = ap.parse_args(argv)
    width, height = (int(v) for v in args.size.lower().split("x"))
    page_path = args.page
    if page_path is None:
        page_path = ROOT / "output/exposure-alibaba-capex.html"
        cli = Path(sys.executable).parent / "supplychain"
        subprocess.run([str(cli), "export", "html", "--driver", "阿里云资本开支", "-o", str(page_path)], check=True, cwd=ROOT)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        page, blocked, errors = open_page(browser, page_path, width, height)
        page.wait_for_timeout(300)
        args.output.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(args.output))
        browser.close()
    if blocked or errors:
        print(f"blocked requests: {blocked}\nerrors: {errors}", file=sys.stderr)
        return 1
    print(f"{args.output}: {width}x{height} screenshot of {page_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
