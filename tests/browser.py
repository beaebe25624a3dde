"""Headless Chromium for browser tests: the app served on a free local port, and a
Playwright page that records console errors and every request to another host.

Each ``browser_page`` is a fresh browser context (no cookie, storage or cache of another
test). Inside ``sharing_chromium()`` (every module of ``tests/integration/browser``, by its
conftest) the contexts are opened in one Chromium, launched on first use and closed at the
end; elsewhere each ``browser_page`` launches a Chromium of its own."""

from __future__ import annotations

import shutil
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import quote, urlparse

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
    ``next_path``, a path with its query if any, or on the user's own area's page)."""
    page.goto(f"{base_url}/login" + (f"?next={quote(next_path, safe='/')}" if next_path else ""), wait_until="domcontentloaded")
    page.fill("#username", user)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("#login-submit")


#: The shared Chromium while a ``sharing_chromium()`` block runs ("on"; "playwright" and
#: "browser" once launched).
_SHARED: dict = {}


@contextmanager
def sharing_chromium():
    """Inside, every ``browser_page`` opens its context in one Chromium (launched on first
    use, launched again if it died), which is closed at the end (the outermost block's)."""
    if _SHARED.get("on"):
        yield
        return
    _SHARED["on"] = True
    try:
        yield
    finally:
        browser, playwright = _SHARED.pop("browser", None), _SHARED.pop("playwright", None)
        _SHARED.clear()
        try:
            if browser is not None:
                browser.close()
        finally:
            if playwright is not None:
                playwright.stop()


def _chromium():
    browser = _SHARED.get("browser")
    if browser is None or not browser.is_connected():
        if "playwright" not in _SHARED:
            _SHARED["playwright"] = sync_playwright().start()
        browser = _SHARED["browser"] = _SHARED["playwright"].chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    return browser


@contextmanager
def browser_page(base_url: str, width: int = 1920, height: int = 1080, user: str | None = None, password: str | None = None,
                 bypass_csp: bool = False, next_path: str | None = None):
    """A new browser page, in a context of its own; with ``user``, signed in (``password``
    defaults to the tests') and on ``next_path`` (default: the user's own area's page,
    loaded, not necessarily idle: ``page.wait_for_load_state("networkidle")`` waits as
    ``goto(..., wait_until="networkidle")`` would, without loading the page twice);
    ``bypass_csp`` lets a test inject a script of its own (the accessibility scan). Yields
    ``(page, watch)``."""
    if not _SHARED.get("on"):
        with sharing_chromium(), browser_page(base_url, width, height, user, password, bypass_csp, next_path) as opened:
            yield opened
        return
    context = _chromium().new_context(viewport={"width": width, "height": height}, bypass_csp=bypass_csp)
    try:
        page = context.new_page()
        watch = Watch(base_url)
        watch.attach(page)
        if user is not None:
            from tests.auth import PASSWORD

            sign_in(page, base_url, user, password or PASSWORD, next_path)
        yield page, watch
    finally:
        context.close()
