"""Shared helpers for the tests that open pages in a real headless Chromium (Playwright driving
the system's chromium; no browser download): launch options, a page opener that records
console errors, outbound requests and dialogs, and the offline-reference check."""

from __future__ import annotations

import io
import os
import re
import shutil
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None
)
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Installed before any script of the page runs: a payload that executes sets window.__pwned.
HOOKS = """
window.__pwned = false;
window.alert = window.confirm = window.prompt = function () { window.__pwned = true; };
window.addEventListener('error', function (e) {
  if (e.target && e.target !== window) { window.__pwned = true; }
}, true);
"""


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "action", "poster", "srcset", "data") and value:
                self.refs.append((tag, name, value))


def references(html: str) -> list[tuple[str, str, str]]:
    """Every (tag, attribute, value) of the page that could load something."""
    parser = _Refs()
    parser.feed(html)
    return parser.refs


def remote_refs(html: str) -> list[tuple[str, str, str]]:
    remote = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)
    return [ref for ref in references(html) if remote.match(ref[2])]


@contextmanager
def launched():
    """A headless Chromium, or a skip when chromium or playwright is missing."""
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium); browser tests skipped")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def open_page(browser, path: Path, *, hooks: bool = False, viewport=(1280, 800)):
    """Open ``path`` and wait until its graphs are drawn (``body[data-drawn=1]``).

    Returns the page, console errors, requests other than the page itself (aborted) and
    dialogs seen.
    """
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    errors, requests, dialogs = [], [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    own = path.resolve().as_uri()

    def route(r):
        if r.request.url != own and not r.request.url.startswith("data:"):
            requests.append(r.request.url)
            r.abort()
        else:
            r.continue_()

    page.route("**/*", route)
    if hooks:
        page.add_init_script(HOOKS)
    page.goto(own)
    # Returns as soon as the page is drawn; the long limit only matters on a busy machine.
    page.wait_for_function("document.body.getAttribute('data-drawn') === '1'", timeout=300_000)
    return page, errors, requests, dialogs


def distinct_colours(png: bytes) -> int:
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    return len(image.getcolors(maxcolors=1 << 20) or [])
