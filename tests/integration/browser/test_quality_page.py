"""The quality page in headless Chromium: from the header to the national quality map (38
provinces), a province by a click on the map, a facilitator with the highest risk, and
their risk signals and flag list; no console error, no request to another host."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.factory import create_app
from tests import auth
from tests.browser import browser_page, serve, wait_until

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[3] / "bench" / "out"
_DRAWN = "[...document.querySelectorAll('#quality-map path.choroplethlocation')].filter(p => p.getAttribute('d'))"


@pytest.fixture(scope="module")
def base_url(scored_round_url):
    url = scored_round_url
    auth.ensure_user(url, "national")
    with serve(create_app(auth.settings(url)).server) as base:
        yield base


def test_quality_page_map_province_and_a_risky_facilitator(base_url):
    with browser_page(base_url, user=auth.user_name("national"), next_path="/") as (page, watch):
        page.wait_for_load_state("networkidle")
        page.get_by_role("link", name="Kualitas").click()
        page.wait_for_url("**/kualitas?*", timeout=15_000)
        wait_until(page, f"() => {_DRAWN}.length === 38", timeout=30_000)
        page.wait_for_selector("#quality-facilitators-table a", timeout=20_000)
        page.wait_for_selector("#quality-regions-table a", timeout=20_000)
        assert page.locator(".kpi-card").count() == 5
        assert "Kiriman bermasalah" in page.inner_text("body")
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / "quality-1920.png"), full_page=True)

        codes = page.evaluate("() => document.querySelector('#quality-map .js-plotly-plot').data[1].locations")
        paths = page.locator("#quality-map g.trace.choropleth").nth(1).locator("path.choroplethlocation")
        box = paths.nth(codes.index("62")).bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x, y)
        page.wait_for_timeout(300)
        page.mouse.click(x, y)
        page.wait_for_url("**/kualitas/62?*", timeout=15_000)
        wait_until(page, f"() => {_DRAWN}.length === 14", timeout=30_000)
        assert "Kalimantan Tengah" in page.inner_text("h1")

        page.wait_for_selector("#quality-facilitators-table a", timeout=20_000)
        first = page.locator("#quality-facilitators-table td[data-dash-column=name] a").first
        name = first.inner_text()
        first.click()
        page.wait_for_url("**/pendamping/*", timeout=15_000)
        page.wait_for_selector("#facilitator-risk-signals", timeout=20_000)
        assert name in page.inner_text("h1")
        assert "Rekan (tipikal)" in page.inner_text("#facilitator-risk-signals")
        page.screenshot(path=str(SHOTS / "pendamping-quality-1920.png"), full_page=True)

        page.goto(base_url + "/kualitas/99", wait_until="networkidle")
        page.wait_for_selector("#not-found-back", timeout=15_000)
    assert watch.console_errors == []
    assert watch.foreign_requests == []
