"""The NSCC wall in headless Chromium, signed in with a display account: every panel drawn
and fitted to the screen, the rotation and its pause, a refresh that brings the visits the
simulator's live mode added, the warning while the data is old or the server is gone, and
the recovery without a reload."""

from __future__ import annotations

import datetime as dt
import re
import socket
import threading
import time

import pytest
from werkzeug.serving import make_server

from dashboard.factory import create_app
from dashboard.settings import get_settings
from dashboard.simulation.run import run_live
from tests import auth
from tests.browser import browser_page, wait_until
from tests.simulated import copy_database

pytestmark = pytest.mark.browser

REFRESH = 5  # seconds: the shortest poll the settings allow


class _Server:
    """The app on a fixed local port, stoppable and startable again (a server restart)."""

    def __init__(self, app) -> None:
        self.app = app
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.server = None

    def start(self) -> None:
        self.server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def wall(standard_sqlite_round_url, database_url_factory):
    url = copy_database(standard_sqlite_round_url, database_url_factory("sqlite"))  # the live mode adds visits
    name = auth.ensure_user(url, "display", [], name="wall-nscc")
    server = _Server(create_app(auth.settings(url, refresh_interval_seconds=REFRESH, wall_stale_minutes=30)).server)
    server.start()
    yield f"http://127.0.0.1:{server.port}", url, name, server
    server.stop()


def _active(page) -> str:
    return page.evaluate("() => JSON.parse(document.querySelector('.wall-panel-active').id).index")


def _text(page, selector: str) -> str:
    return page.inner_text(selector)


def test_the_wall_shows_every_panel_fitted_to_the_screen_and_rotates(wall):
    base, _, name, _ = wall
    with browser_page(base, 1920, 1080, user=name) as (page, watch):
        page.goto(base + "/wall?lang=en&cycle=5", wait_until="networkidle")
        wait_until(page, "document.querySelectorAll('#wall-kpis .wall-kpi').length === 4", timeout=30_000)
        panels = page.evaluate("() => [...document.querySelectorAll('.wall-panel')].map(e => JSON.parse(e.id).index)")
        assert panels == ["map", "tiles", "ranking", "quality", "findings", "training", "progress"]
        # Every panel is drawn while another is in front: the next one is ready before it shows.
        wait_until(page, "document.querySelectorAll('#wall-map .choroplethlayer path, #wall-map g.choropleth path').length > 30", timeout=30_000)
        wait_until(page, "document.querySelectorAll('#wall-tiles g.hm').length > 0 && document.querySelectorAll('#wall-ranking li').length === 16", timeout=30_000)
        wait_until(page, "document.querySelectorAll('#wall-quality .wall-kpi').length === 4 && document.querySelectorAll('#wall-progress .scatterlayer .trace').length >= 2", timeout=30_000)
        wait_until(page, "document.querySelectorAll('#wall-findings .wall-kpi').length === 5 && document.querySelectorAll('#wall-findings-matrix g.hm').length > 0", timeout=30_000)
        # Fitted: no scrolling, nothing of the head or a list cut off.
        assert page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]") == [1920, 1080]
        assert page.evaluate("() => document.querySelector('.wall-ticker').getBoundingClientRect().bottom") <= 1080
        # A display account's ticker has no alert about a facilitator.
        assert "Facilitator" not in _text(page, "#wall-alerts") and _text(page, "#wall-alerts")
        # Rotation every 5 s; a key pauses it, another resumes it; the arrow keys step.
        first = _active(page)
        wait_until(page, f"JSON.parse(document.querySelector('.wall-panel-active').id).index !== '{first}'", timeout=8_000)
        page.keyboard.press("p")
        wait_until(page, "!document.querySelector('#wall-paused').hidden", timeout=3_000)
        held = _active(page)
        time.sleep(6)
        assert _active(page) == held
        page.keyboard.press("ArrowRight")
        wait_until(page, f"JSON.parse(document.querySelector('.wall-panel-active').id).index !== '{held}'", timeout=3_000)
        page.keyboard.press("p")
        wait_until(page, "document.querySelector('#wall-paused').hidden", timeout=3_000)
    assert watch.console_errors == [] and watch.foreign_requests == []


def test_the_wall_warns_while_the_data_is_old_refreshes_in_place_and_recovers_from_a_server_restart(wall):
    base, url, name, server = wall
    with browser_page(base, 1920, 1080, user=name) as (page, watch):
        page.goto(base + "/wall?lang=en&cycle=600&panels=progress,map", wait_until="networkidle")
        wait_until(page, "document.querySelectorAll('#wall-kpis .wall-kpi').length === 4", timeout=30_000)
        # The standard round's data is days old: the warning says since when, the figures stay.
        wait_until(page, "!document.querySelector('#wall-warning').hidden", timeout=5_000)
        assert _text(page, "#wall-warning").startswith("No new data since") and "wall-stale" in page.get_attribute("#wall-freshness", "class")
        before = _text(page, "#wall-kpis")
        page.evaluate("() => { window.__marker = document.querySelector('#wall-map .main-svg'); }")

        # The live mode adds the visits up to now: at the next poll the wall shows them in
        # place (same page, same map element), and the warning goes.
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
        ticks = iter([now])
        run_live(url, 1, get_settings().geodata_dir, tick_seconds=0, clock=lambda: next(ticks), max_ticks=1, progress=False)
        wait_until(page, "document.querySelector('#wall-warning').hidden", timeout=3 * REFRESH * 1000)
        wait_until(page, f"document.querySelector('#wall-kpis').innerText !== {before!r}", timeout=3 * REFRESH * 1000)
        assert "wall-fresh" in page.get_attribute("#wall-freshness", "class")
        assert page.evaluate("() => window.__marker === document.querySelector('#wall-map .main-svg')")  # not redrawn from scratch
        submitted = re.search(r"([\d,]+) / ([\d,]+)", _text(page, "#wall-kpis"))
        assert submitted and submitted.group(1) != re.search(r"([\d,]+) / ([\d,]+)", before).group(1)

        # The server goes away: after three missed heartbeats the wall says so, the
        # figures stay; it comes back: the warning goes, without a reload.
        page.evaluate("() => { window.__still = true; }")
        server.stop()
        wait_until(page, "!document.querySelector('#wall-warning').hidden", timeout=(4 * REFRESH + 10) * 1000)
        assert _text(page, "#wall-warning").startswith("The server is unreachable since")
        assert _text(page, "#wall-kpis") != ""
        server.start()
        wait_until(page, "document.querySelector('#wall-warning').hidden", timeout=(2 * REFRESH + 10) * 1000)
        assert page.evaluate("() => window.__still === true")  # the same page: no reload
    assert watch.foreign_requests == []
