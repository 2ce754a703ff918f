"""Browser helpers for the workspace tests: a live server for every host, Debian's Chromium,
and the checks every workspace page must pass (no sideways scroll, axe-core, Vietnamese)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.db import connections

from tests.gianhang.visible_text import english_words, visible_text

CHROMIUM = os.environ.get("GIANHANG_CHROMIUM", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "tests" / "artifacts"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

needs_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is not installed (apt-get install chromium)"
)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def live_server_port():
    """The real WSGI app (static files too) on a loopback port, for every host."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.handlers.wsgi import WSGIHandler

    httpd = ThreadedWSGIServer(("127.0.0.1", 0), _QuietHandler, allow_reuse_address=False)
    httpd.set_app(StaticFilesHandler(WSGIHandler()))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()
    connections.close_all()


@pytest.fixture
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


class PageAudit:
    """Runs the workspace checks on each page visited; keeps every problem for one report."""

    def __init__(self, prefix: str):
        self.prefix = prefix
        self.problems: list[str] = []
        self.pages: list[str] = []
        self._axe = AXE.read_text() if AXE.exists() else None

    def __call__(self, page, name: str) -> None:
        page.wait_for_load_state()
        url = page.url
        self.pages.append(url)
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if width[0] > width[1]:
            self.problems.append(f"{name} {url}: scrolls sideways ({width[0]} > {width[1]} px)")
        small = page.evaluate(
            """() => [...document.querySelectorAll(
                    'main button, main .button, main input[type=submit], .staff-nav a, .staff-nav button')]
                .filter(e => e.offsetParent !== null)
                .map(e => [e.textContent.trim().slice(0, 30), e.getBoundingClientRect()])
                .filter(([t, r]) => r.width < 44 || r.height < 44)
                .map(([t, r]) => t + ' ' + Math.round(r.width) + 'x' + Math.round(r.height))"""
        )
        if small:
            self.problems.append(f"{name} {url}: tap targets under 44 px {small[:5]}")
        words = english_words(visible_text(page.content()))
        if words:
            self.problems.append(f"{name} {url}: English words {words}")
        if self._axe is not None:
            if not page.evaluate("typeof window.axe !== 'undefined'"):
                page.evaluate(self._axe)
            found = page.evaluate(
                """async () => {
                    const r = await axe.run(document, {resultTypes: ['violations']});
                    return r.violations
                        .filter(v => v.impact === 'serious' || v.impact === 'critical')
                        .map(v => v.id + ' (' + v.impact + '): '
                             + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
                }"""
            )
            for violation in found:
                self.problems.append(f"{name} {url}: axe {violation}")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"{self.prefix}-{len(self.pages):02d}-{name}.png")

    @property
    def axe_available(self) -> bool:
        return self._axe is not None
