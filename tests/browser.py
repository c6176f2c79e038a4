"""Headless Chromium for browser tests: Debian's /usr/bin/chromium driven by Playwright.

Nothing is downloaded: Playwright's Python package (a test dependency) drives the Debian
browser that `make test` installs (target `browser`). Every request that is not file:
or data: is aborted and recorded, and so are page errors, console errors and dialogs.
A missing browser is a failure with the fix in its message, never a silent skip.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]
MISSING = f"{CHROMIUM} is missing: run `make test` (its `browser` target installs chromium and fonts-wqy-zenhei)"


def launch(playwright):
    """The Debian Chromium, headless; raises RuntimeError with the fix when it is missing."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError(MISSING)
    return playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)


@dataclass
class Watched:
    """A page with everything it tried to do that a test should know about."""

    page: Any
    requests: list[str] = field(default_factory=list)  # aborted: not file: or data:
    errors: list[str] = field(default_factory=list)  # uncaught exceptions and console errors
    dialogs: list[str] = field(default_factory=list)  # alert/confirm/prompt: injected script ran


def open_page(browser, path: Path | str, width: int = 1600, height: int = 1000, ready: str = "() => window.scDrawnAt !== undefined") -> Watched:
    """Open a local file in a fresh page, blocking the network, and wait until ``ready`` holds."""
    page = browser.new_page(viewport={"width": width, "height": height})
    w = Watched(page)

    def route(r):
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            w.requests.append(r.request.url)
            r.abort()

    def dialog(d):
        w.dialogs.append(f"{d.type}: {d.message}")
        d.dismiss()

    page.route("**/*", route)
    page.on("pageerror", lambda e: w.errors.append(f"pageerror: {e}"))
    page.on("console", lambda m: w.errors.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("dialog", dialog)
    page.goto(Path(path).resolve().as_uri())
    page.wait_for_function(ready, timeout=60_000)  # a function: the page's CSP forbids eval of strings
    return w
