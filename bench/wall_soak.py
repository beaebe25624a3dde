"""Soak benchmark of the NSCC wall: does it run for hours without growing?

    PYTHONPATH=. .venv/bin/python bench/wall_soak.py [--minutes 60] [--families 60000] [--cycle 5]
        [--refresh 15] [--tick 60] [--database-url sqlite:///...]

Simulates a round up to now (or uses ``--database-url``, which it then changes: the live
mode adds visits), serves the app with gunicorn as ``make run`` does (1 worker x 4 threads,
``REFRESH_INTERVAL_SECONDS=--refresh``), keeps the simulator's ``--live`` mode adding
visits every ``--tick`` seconds, and opens ``/wall?cycle=--cycle`` in headless Chromium
signed in with a display account. Every minute it records, after a forced garbage
collection in the page: the JS heap in use, the DOM nodes, the event listeners (Chrome
DevTools ``Performance.getMetrics``), the panel in front, the wall's data-as-of text, and
the resident memory of the gunicorn processes (master and worker). Prints one line a minute
and, at the end, the first and last values and the growth per hour of each (a least-squares
slope over the second half, after the caches have filled).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import psutil
from playwright.sync_api import sync_playwright

from dashboard.access.accounts import create_user
from dashboard.settings import REPO_ROOT, get_settings
from dashboard.simulation.config import round_config
from dashboard.simulation.run import simulate
from dashboard.store.database import get_engine
from tests.browser import CHROMIUM, CHROMIUM_ARGS, sign_in, wait_until

PASSWORD = "soak-display-password"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rss_mb(pid: int) -> float:
    process = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [process, *process.children(recursive=True)]) / 2**20


def _slope_per_hour(minutes: list[float], values: list[float]) -> float:
    half = len(values) // 2
    if len(values) - half < 3:
        return float("nan")
    x, y = np.array(minutes[half:]), np.array(values[half:])
    return float(np.polyfit(x, y, 1)[0] * 60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=int, default=60)
    parser.add_argument("--families", type=int, default=60_000)
    parser.add_argument("--cycle", type=int, default=5, help="seconds per panel (default: %(default)s)")
    parser.add_argument("--refresh", type=int, default=15, help="REFRESH_INTERVAL_SECONDS (default: %(default)s)")
    parser.add_argument("--tick", type=float, default=60, help="seconds between live writes (default: %(default)s)")
    parser.add_argument("--database-url")
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory()
    url = args.database_url or f"sqlite:///{Path(tmp.name) / 'soak.sqlite'}"
    if not args.database_url:
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
        began = time.perf_counter()
        simulate(url, round_config(args.families, 2025, now), get_settings().geodata_dir, progress=False)
        print(f"simulated {args.families:,} targets up to now in {time.perf_counter() - began:.0f} s", flush=True)
    create_user(get_engine(url), "soak-wall", "display", [], PASSWORD)

    port = _free_port()
    env = {**os.environ, "DATABASE_URL": url, "PORT": str(port), "HOST": "127.0.0.1", "WEB_WORKERS": "1", "WEB_THREADS": "4",
           "REFRESH_INTERVAL_SECONDS": str(args.refresh), "CACHE_DIR": str(Path(tmp.name) / "cache"), "LOG_LEVEL": "WARNING",
           "PYTHONPATH": str(REPO_ROOT)}
    python = sys.executable
    server = subprocess.Popen([str(Path(python).with_name("gunicorn")), "-c", "gunicorn.conf.py", "app:server"], cwd=REPO_ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=open(Path(tmp.name) / "server.log", "w"))
    live = subprocess.Popen([python, "-m", "dashboard.simulate", "--database-url", url, "--live", "--tick-seconds", str(args.tick), "--quiet"],
                            cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(Path(tmp.name) / "live.log", "w"))
    base = f"http://127.0.0.1:{port}"
    rows: list[dict] = []
    try:
        for _ in range(120):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            sign_in(page, base, "soak-wall", PASSWORD)
            page.goto(f"{base}/wall?lang=id&cycle={args.cycle}", wait_until="networkidle")
            wait_until(page, "document.querySelectorAll('#wall-kpis .wall-kpi').length === 4", timeout=60_000)
            cdp = page.context.new_cdp_session(page)
            cdp.send("Performance.enable")
            start = time.monotonic()
            print("minute  js_heap_mb  dom_nodes  listeners  server_rss_mb  front      data_as_of", flush=True)
            for minute in range(args.minutes + 1):
                while time.monotonic() - start < minute * 60:
                    time.sleep(1)
                cdp.send("HeapProfiler.collectGarbage")
                metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
                row = {
                    "minute": minute, "heap": metrics["JSHeapUsedSize"] / 2**20, "nodes": int(metrics["Nodes"]),
                    "listeners": int(metrics["JSEventListeners"]), "rss": _rss_mb(server.pid),
                    "front": page.evaluate("() => JSON.parse(document.querySelector('.wall-panel-active').id).index"),
                    "as_of": page.inner_text("#wall-freshness"),
                }
                rows.append(row)
                print(f"{minute:>6}  {row['heap']:>10.1f}  {row['nodes']:>9,}  {row['listeners']:>9,}  {row['rss']:>13.1f}  {row['front']:<9}  {row['as_of']}", flush=True)
            browser.close()
    finally:
        for process in (live, server):
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
        tmp.cleanup()
    minutes = [r["minute"] for r in rows]
    print("\n                first      last   growth per hour (second half, least squares)")
    for key, label in (("heap", "JS heap MB"), ("nodes", "DOM nodes"), ("listeners", "listeners"), ("rss", "server RSS MB")):
        values = [float(r[key]) for r in rows]
        print(f"{label:<14}  {values[0]:>8.1f}  {values[-1]:>8.1f}  {_slope_per_hour(minutes, values):>+10.2f}")
    print(f"data as of, first and last: {rows[0]['as_of']} → {rows[-1]['as_of']}")


if __name__ == "__main__":
    main()
