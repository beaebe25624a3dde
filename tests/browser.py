"""Headless Chromium for browser tests: the app served on a free local port, and a
Playwright page that records console errors and every request to another host."""

from __future__ import annotations

import shutil
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlparse

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def serve(flask_app):
    """The app on 127.0.0.1:<free port> in a thread; yields the base URL."""
    server = make_server("127.0.0.1", 0, flask_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


@dataclass
class Watch:
    """What a page did that a user would not see: console errors and foreign requests."""

    base_url: str
    console_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)

    def attach(self, page) -> None:
        own = urlparse(self.base_url).netloc
        page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.console_errors.append(str(e)))

        def check(request) -> None:
            url = urlparse(request.url)
            if url.scheme in ("http", "https", "ws", "wss") and url.netloc != own:
                self.foreign_requests.append(request.url)

        page.on("request", check)


def wait_until(page, expression: str, arg=None, timeout: float = 15_000) -> None:
    """Poll a JavaScript expression (or a function of ``arg``) until it is truthy.

    Playwright's ``wait_for_function`` compiles its predicate with ``eval`` inside the
    page, which the app's Content-Security-Policy forbids (no ``'unsafe-eval'``); this
    evaluates it through the DevTools protocol instead, which the policy does not govern."""
    import time

    deadline = time.monotonic() + timeout / 1000
    is_function = expression.lstrip().startswith(("(", "function", "async"))
    while True:
        value = page.evaluate(expression, arg) if is_function and arg is not None else page.evaluate(expression if is_function else f"() => ({expression})")
        if value:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} ms waiting for {expression[:120]}")
        time.sleep(0.1)


def sign_in(page, base_url: str, user: str, password: str, next_path: str | None = None) -> None:
    """Sign in through the form at ``/login``, as a person would (then the browser is on
    ``next_path``, or on the user's own area's page)."""
    page.goto(f"{base_url}/login" + (f"?next={next_path}" if next_path else ""), wait_until="domcontentloaded")
    page.fill("#username", user)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("#login-submit")


@contextmanager
def browser_page(base_url: str, width: int = 1920, height: int = 1080, user: str | None = None, password: str | None = None,
                 bypass_csp: bool = False):
    """A new browser page; with ``user``, signed in (``password`` defaults to the tests');
    ``bypass_csp`` lets a test inject a script of its own (the accessibility scan)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height}, bypass_csp=bypass_csp)
            watch = Watch(base_url)
            watch.attach(page)
            if user is not None:
                from tests.auth import PASSWORD

                sign_in(page, base_url, user, password or PASSWORD)
            yield page, watch
        finally:
            browser.close()
