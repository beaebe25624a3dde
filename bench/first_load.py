"""Benchmark: bytes on the wire and time of a cold and a warm first load of ``/``, in headless
Chromium, against the server ``make run`` starts (gunicorn, compression, cache headers).

    PYTHONPATH=. .venv/bin/python bench/first_load.py [--database-url URL]

*Cold*: a new browser (empty cache) opens ``/`` signed in and waits until the national map
is drawn. *Warm*: the same browser opens ``/`` again later (a wall screen's reload, or the
next morning): fingerprinted files come from its cache, the others revalidate. Bytes are
what Chromium's network layer received (``encodedDataLength``: headers and compressed
bodies). Requests go to 127.0.0.1 only. *Layout shift* is the page's cumulative layout
shift (CLS, the sum of the ``layout-shift`` entries without recent input, as Lighthouse
counts them) from the start until the network has been quiet for 2 s after the map.
"""

from __future__ import annotations

import argparse
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.support import start_server, stop_server  # noqa: E402
from tests.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

DRAWN = "document.querySelectorAll('#overview-map path.choroplethlocation').length >= 38"
#: Sums the page's layout shifts from its first paint (installed before any script runs).
CLS_OBSERVER = """
window.__cls = 0;
new PerformanceObserver(function (list) {
    for (const entry of list.getEntries()) { if (!entry.hadRecentInput) { window.__cls += entry.value; } }
}).observe({type: "layout-shift", buffered: true});
"""


def _load(context, base: str) -> tuple[int, int, float, float]:
    """(bytes received, requests, seconds until the map is drawn, layout shift) of one
    visit of ``/``."""
    page = context.new_page()
    page.add_init_script(CLS_OBSERVER)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    received = {"bytes": 0, "requests": 0}

    def finished(event):
        received["bytes"] += int(event.get("encodedDataLength", 0))
        received["requests"] += 1

    cdp.on("Network.loadingFinished", finished)
    started = time.perf_counter()
    page.goto(base + "/", wait_until="domcontentloaded")
    while not page.evaluate(f"() => {DRAWN}"):
        if time.perf_counter() - started > 60:
            raise TimeoutError("the map was not drawn in 60 s")
        time.sleep(0.05)
    drawn = time.perf_counter() - started
    page.wait_for_load_state("networkidle")
    time.sleep(2)
    shift = float(page.evaluate("() => window.__cls"))
    page.close()
    return received["bytes"], received["requests"], drawn, shift


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: DATABASE_URL (the demo database of `make run`)")
    args = parser.parse_args()
    from dashboard.access.accounts import AccountError, create_user, issue_token
    from dashboard.settings import get_settings
    from dashboard.store.database import get_engine

    url = args.database_url or get_settings().database_url
    engine = get_engine(url)
    try:
        create_user(engine, "bench-national", "national", (), secrets.token_urlsafe(24))
    except AccountError:
        pass
    token = issue_token(engine, "bench-national")
    work = Path(tempfile.mkdtemp(prefix="groundcheck-first-load-"))
    env = {"DATABASE_URL": url, "CACHE_DIR": str(work / "cache"), "SECRET_KEY": secrets.token_urlsafe(48), "LOG_LEVEL": "WARNING"}
    server, base = start_server(env)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1920, "height": 1080}, extra_http_headers={"Authorization": f"Bearer {token}"})
            warmup = browser.new_context(extra_http_headers={"Authorization": f"Bearer {token}"})
            _load(warmup, base)  # the server compresses its static files once per process
            _load(warmup, base)
            warmup.close()
            cold = _load(context, base)
            warm = _load(context, base)
            browser.close()
    finally:
        stop_server(server)
        shutil.rmtree(work, ignore_errors=True)
    print(f"{url.split('/')[-1]} · first load of / in Chromium (1920×1080), signed in, map drawn")
    print("| load | bytes received | requests | map drawn after | layout shift (CLS) |")
    print("|---|---|---|---|---|")
    for label, (size, requests, seconds, shift) in (("cold (empty browser cache)", cold), ("warm (revisit)", warm)):
        print(f"| {label} | {size:,} | {requests} | {seconds:.2f} s | {shift:.3f} |")


if __name__ == "__main__":
    main()
